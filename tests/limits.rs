//! AWS's policy size limits, checked before anything is written: a policy over its limit is an error placed at
//! the blueprint field it grows with, and the size the check measures is the size of the document the target
//! really carries.

use std::fmt::Write as _;

use bucketbridge::diagnostic::render;
use bucketbridge::explain::{self, Columns};
use bucketbridge::model::limits::{self, Limit};

use crate::support;
use crate::support::targets::{self, Target};

/// An external-handoff blueprint with `clients` clients of one bucket encrypted with a key it creates; the
/// `clients:` key is on line 5.
fn kms_handoff(clients: usize) -> String {
    support::many_clients_blueprint(
        "many-clients",
        "eu-west-1",
        "name: many-clients-bucket, encryption: sse-kms, kms: { alias: many-clients }, versioning: true",
        clients,
        |index| format!("capabilities: [upload, download], prefix: c{index}/"),
    )
}

#[test]
fn a_key_policy_over_32_kb_is_refused_at_the_clients_field() {
    let yaml = kms_handoff(700);
    let diagnostics = bucketbridge::compile("blueprints/many-clients.yaml", &yaml, bucketbridge::emit::Targets::ALL)
        .expect_err("700 client roles in one key policy are over KMS's limit");
    let rendered = render(&diagnostics, &yaml);
    assert_eq!(diagnostics.len(), 1, "{rendered}");
    let diagnostic = &diagnostics[0];
    assert_eq!(diagnostic.code, "policy-too-large", "{rendered}");
    assert_eq!((diagnostic.location.line, diagnostic.location.column), (5, 1), "points at `clients:`: {rendered}");
    assert_eq!(diagnostic.field.to_string(), "clients");
    assert!(diagnostic.message.contains("key policy") && diagnostic.message.contains("32768"), "{rendered}");
    assert!(diagnostic.help.as_deref().is_some_and(|help| help.contains("several blueprints")), "{rendered}");
}

/// A deployment this large is emitted on threads, with the limits checked beside the emitters: the check must
/// still stop every file before it reaches the sink.
#[test]
fn a_policy_over_its_limit_lets_no_file_reach_the_sink() {
    let yaml = kms_handoff(700);
    let mut sink = bucketbridge::emit::FileTree::new();
    let result = bucketbridge::compile_into("blueprints/many-clients.yaml", &yaml, &bucketbridge::emit::Options::default(), &mut sink);
    match result {
        Err(bucketbridge::CompileError::Invalid(diagnostics)) => {
            assert!(diagnostics.iter().any(|diagnostic| diagnostic.code == "policy-too-large"), "{}", render(&diagnostics, &yaml));
        }
        other => panic!("a key policy over its limit compiled: {:?}", other.map(|emitted| emitted.deployment.name)),
    }
    assert!(sink.is_empty(), "files reached the sink: {:?}", sink.keys().take(5).collect::<Vec<_>>());
}

/// The check measures the model's documents; this shows it measures what the template carries. 600 clients keep
/// the key policy just under its limit, so a measurement that was off by a few percent would show here too.
#[test]
fn the_measured_key_policy_is_the_one_the_template_carries() {
    let yaml = kms_handoff(600);
    let compiled = bucketbridge::compile("blueprints/many-clients.yaml", &yaml, bucketbridge::emit::Targets::ALL)
        .unwrap_or_else(|diagnostics| panic!("600 clients fit: {}", render(&diagnostics, &yaml)));
    let measured: Vec<usize> = limits::sizes(&compiled.deployment)
        .into_iter()
        .filter(|policy| policy.kind == Limit::KeyPolicy)
        .map(|policy| policy.size)
        .collect();
    assert_eq!(measured.len(), 1, "one key");
    assert!(
        (Limit::KeyPolicy.maximum() * 9 / 10..=Limit::KeyPolicy.maximum()).contains(&measured[0]),
        "600 clients come close to the limit: {} bytes",
        measured[0]
    );
    let modules = targets::read_with(&compiled, Target::CloudFormation, &|_, text| text.to_owned());
    let key_policy = &modules[0].keys[0].key_policy;
    let carried = serde_json::to_string(key_policy).expect("a key policy serializes");
    assert_eq!(carried.len(), measured[0], "the template's key policy, as one line of JSON");
}

/// Roles that need the same KMS actions share one key policy statement, which is what lets 600 clients fit.
#[test]
fn roles_with_the_same_key_actions_share_one_statement() {
    let yaml = kms_handoff(3);
    let compiled = bucketbridge::compile("blueprints/many-clients.yaml", &yaml, bucketbridge::emit::Targets::ALL)
        .unwrap_or_else(|diagnostics| panic!("{}", render(&diagnostics, &yaml)));
    let modules = targets::read_with(&compiled, Target::CloudFormation, &|_, text| text.to_owned());
    let statements = modules[0].keys[0].key_policy["Statement"].as_array().expect("statements").clone();
    let uses: Vec<&serde_json::Value> =
        statements.iter().filter(|statement| statement["Sid"] != "AllowKeyAdministrationByOwnerAccount").collect();
    assert_eq!(uses.len(), 1, "{statements:#?}");
    assert_eq!(uses[0]["Principal"]["AWS"].as_array().map(Vec::len), Some(3));
    assert_eq!(uses[0]["Sid"], "AllowRolesToDecryptAndGenerateDataKeyThroughS3");
}

/// A cross-account blueprint whose one role reaches `buckets` buckets, each with every capability and a prefix.
fn cross_account(buckets: usize) -> String {
    let mut yaml = String::from(
        "scenario: cross-account\nname: many-buckets\n\
         cluster_manager: { account: \"111111111111\", node_role: atc-node, policy_name: atc-s3-assume-role }\n\
         s3_account:\n  account: \"222222222222\"\n  region: us-east-1\n  role_name: atc-s3-access-keys\n  policy_name: atc-s3-policy\n  \
         external_id: atc-7f3e9b2c\n  buckets:\n",
    );
    for index in 0..buckets {
        writeln!(yaml, "    - {{ name: transfers-bucket-{index:03}, capabilities: [upload, download, browse, delete], prefix: data/ }}")
            .expect("writing to a string cannot fail");
    }
    yaml
}

/// Thirty buckets' statements are four times what one managed policy holds: the role gets several policies,
/// each within the limit and each holding whole buckets, and both targets still grant exactly what the model
/// declares.
#[test]
fn a_role_over_many_buckets_gets_several_policies_each_within_the_limit() {
    let yaml = cross_account(30);
    let compiled = bucketbridge::compile("blueprints/many-buckets.yaml", &yaml, bucketbridge::emit::Targets::ALL)
        .unwrap_or_else(|diagnostics| panic!("30 buckets fit in ten policies: {}", render(&diagnostics, &yaml)));
    let policies: Vec<limits::Measured> = limits::sizes(&compiled.deployment)
        .into_iter()
        .filter(|measured| measured.module == "s3-account" && measured.kind == Limit::ManagedPolicy)
        .collect();
    assert!((4..=10).contains(&policies.len()), "{} policies", policies.len());
    for policy in &policies {
        assert!(policy.size <= Limit::ManagedPolicy.maximum(), "{} is {} characters", policy.subject, policy.size);
    }
    let names: Vec<&str> = policies.iter().map(|policy| policy.subject.as_str()).collect();
    assert_eq!(names[0], "managed policy `atc-s3-policy`");
    assert_eq!(names[1], "managed policy `atc-s3-policy-2`");

    let modules = targets::read_with(&compiled, Target::CloudFormation, &|_, text| text.to_owned());
    let role = &modules[1].roles[0];
    assert_eq!(role.policies.len(), policies.len(), "every part is attached to the role");
    let buckets_named: Vec<String> = role
        .policies
        .iter()
        .map(|policy| serde_json::to_string(&policy.document).expect("serializes"))
        .flat_map(|json| (0..30).filter(move |index| json.contains(&format!("transfers-bucket-{index:03}\""))))
        .map(|index| format!("{index:03}"))
        .collect();
    assert_eq!(buckets_named.len(), 30, "each bucket's statements are in exactly one policy: {buckets_named:?}");

    for columns in [Columns::Capabilities, Columns::Actions] {
        let model = explain::matrix(&compiled.deployment, columns).expect("model matrix");
        for target in Target::ALL {
            targets::assert_same(&model, &targets::matrix(&compiled, target, columns), &format!("{target:?} {columns:?}"));
        }
    }
}

#[test]
fn no_role_gets_an_inline_policy_so_the_inline_total_cannot_be_exceeded() {
    // IAM also limits the inline policies of one role to 10,240 characters in total. bucketbridge attaches
    // managed policies only (each measured against its own 6,144), so that limit has nothing to measure; this
    // holds it to that.
    for path in support::example_blueprints() {
        for (file, content) in support::compile_example(&path).files {
            let text = String::from_utf8(content).expect("generated files are UTF-8");
            if file.ends_with(".tf") {
                assert!(!text.contains("\"aws_iam_role_policy\"") && !text.contains("inline_policy"), "{file} has an inline role policy");
            }
            if file.contains("/cloudformation/") && file.ends_with(".yaml") {
                let template: serde_yaml::Value = serde_yaml::from_str(&text).expect("templates are YAML");
                for (name, resource) in template["Resources"].as_mapping().expect("templates have resources") {
                    let kind = resource["Type"].as_str().unwrap_or_default();
                    assert!(!matches!(kind, "AWS::IAM::Policy" | "AWS::IAM::RolePolicy"), "{file}: {name:?} is an inline policy");
                    assert!(resource["Properties"].get("Policies").is_none(), "{file}: {name:?} has inline policies");
                }
            }
        }
    }
}
