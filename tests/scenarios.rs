//! Scenario facts that golden files show but do not assert: warnings, and what the model must never contain.

use crate::support;

fn warnings(blueprint: &str) -> Vec<String> {
    let compiled = support::compile_example(&support::repo().join("blueprints").join(blueprint));
    compiled.warnings.iter().map(|warning| warning.code.to_owned()).collect()
}

#[test]
fn every_bucket_is_never_silent() {
    assert_eq!(warnings("hsts-all-buckets.yaml"), ["every-bucket"]);
    assert!(warnings("hsts.yaml").is_empty());
}

#[test]
fn no_generated_policy_grants_s3_star_on_star() {
    for path in support::example_blueprints() {
        let compiled = support::compile_example(&path);
        for module in &compiled.deployment.modules {
            let documents = module.resources.iter().flat_map(bucketbridge::model::resource::Resource::policy_documents);
            for document in documents {
                for statement in
                    document.statements.iter().filter(|statement| statement.effect == bucketbridge::model::policy::Effect::Allow)
                {
                    assert!(
                        !statement.actions.iter().any(|action| action.contains('*')),
                        "{}: module {} allows a wildcard action in {}",
                        support::relative(&path),
                        module.name,
                        statement.sid
                    );
                }
            }
        }
    }
}

#[test]
fn an_explicit_missing_external_id_is_never_silent() {
    assert_eq!(warnings("atc-no-external-id.yaml"), ["no-external-id"]);
    assert!(warnings("atc.yaml").is_empty());
}

/// Every ARN one cross-account module names in the other module's account is one the other module creates or
/// looks up, so the two halves of the seed's procedure cannot drift apart.
#[test]
fn cross_account_modules_agree() {
    use bucketbridge::model::resolve::Resolver;
    use bucketbridge::model::value::Attribute;
    for blueprint in ["atc.yaml", "atc-no-external-id.yaml"] {
        let compiled = support::compile_example(&support::repo().join("blueprints").join(blueprint));
        let modules = &compiled.deployment.modules;
        assert_eq!(modules.len(), 2, "{blueprint}");
        for (module, other) in [(&modules[0], &modules[1]), (&modules[1], &modules[0])] {
            let resolver = Resolver::new(module);
            let named: Vec<String> = module
                .resources
                .iter()
                .flat_map(|resource| resource.policy_documents())
                .flat_map(|document| document.values())
                .map(|value| resolver.value(value))
                .filter(|text| text.split(':').nth(4) == Some(other.account.as_str()))
                .collect();
            assert!(!named.is_empty(), "{blueprint}: module {} names nothing in account {}", module.name, other.account);
            let other_resolver = Resolver::new(other);
            let declared: Vec<String> =
                other.resources.iter().map(|resource| other_resolver.value(&resource.id().attribute(Attribute::Arn))).collect();
            for arn in named {
                assert!(
                    declared.contains(&arn),
                    "{blueprint}: module {} names {arn}, which module {} does not declare: {declared:?}",
                    module.name,
                    other.name
                );
            }
        }
    }
}

/// An explicit action list may keep `s3:ListBucketMultipartUploads` under a prefix, but never silently: it shows
/// other clients' upload key names.
#[test]
fn an_unconfinable_action_under_a_prefix_is_never_silent() {
    let blueprint = |actions: &str| {
        format!(
            "scenario: external-handoff\nname: listing\nowner: {{ account: \"111122223333\", region: us-east-1 }}\n\
             bucket: {{ name: listing-bucket, encryption: sse-s3, versioning: true }}\nclients:\n  \
             - {{ name: ACME, account: \"444455556666\", external_id: HMI-ACME, prefix: incoming/, actions: [{actions}] }}\n"
        )
    };
    let codes = |yaml: String| -> Vec<&'static str> {
        let compiled = bucketbridge::compile("blueprints/listing.yaml", &yaml, bucketbridge::emit::Targets::ALL).expect("compiles");
        compiled.warnings.iter().map(|warning| warning.code).collect()
    };
    assert_eq!(codes(blueprint("s3:PutObject, s3:ListBucketMultipartUploads")), ["action-not-confined-to-prefix"]);
    assert!(codes(blueprint("s3:PutObject, s3:ListBucket")).is_empty());
}

/// An explicit action list on an SSE-KMS bucket gets only the KMS actions it names, so one that reads objects
/// without `kms:Decrypt` compiles into a client that cannot read: never silently, and the access matrix shows
/// the same refusal the warning predicts.
#[test]
fn an_action_list_without_the_key_actions_it_needs_is_never_silent() {
    let download = "s3:GetBucketLocation, s3:GetObject, s3:ListBucket, s3:ListBucketMultipartUploads";
    let blueprint = |actions: &str| {
        format!(
            "scenario: external-handoff\nname: reading\nowner: {{ account: \"111122223333\", region: us-east-1 }}\n\
             bucket: {{ name: reading-bucket, encryption: sse-kms, kms: {{ alias: reading }}, versioning: true }}\nclients:\n  \
             - {{ name: ACME, account: \"444455556666\", external_id: HMI-ACME, actions: [{actions}] }}\n"
        )
    };
    let compile = |actions: &str| {
        bucketbridge::compile("blueprints/reading.yaml", &blueprint(actions), bucketbridge::emit::Targets::ALL).expect("compiles")
    };
    let download_cell = |compiled: &bucketbridge::Compiled| {
        let matrix = bucketbridge::explain::matrix(&compiled.deployment, bucketbridge::explain::Columns::Capabilities).expect("matrix");
        let column = matrix.columns.iter().position(|column| column == "download").expect("a download column");
        matrix.rows[0].cells[column].clone()
    };

    let without = compile(download);
    let warnings: Vec<(&str, &str)> = without.warnings.iter().map(|warning| (warning.code, warning.message.as_str())).collect();
    assert_eq!(warnings.len(), 1, "{warnings:?}");
    assert_eq!(warnings[0].0, "kms-action-missing");
    assert!(warnings[0].1.contains("`s3:GetObject`") && warnings[0].1.contains("`kms:Decrypt`"), "{warnings:?}");
    assert_eq!(without.warnings[0].field.to_string(), "clients[0].actions");
    let cell = download_cell(&without);
    assert_ne!(cell.outcome, bucketbridge::eval::Outcome::Allow, "{cell:?}");
    assert!(cell.reason.contains("kms:Decrypt"), "the matrix refuses for the same reason: {cell:?}");

    let with = compile(&format!("{download}, kms:Decrypt"));
    assert!(with.warnings.is_empty(), "{:?}", with.warnings);
    assert_eq!(download_cell(&with).outcome, bucketbridge::eval::Outcome::Allow);

    let writing = compile("s3:PutObject, s3:GetObject, kms:Decrypt");
    let messages: Vec<&str> = writing.warnings.iter().map(|warning| warning.message.as_str()).collect();
    assert_eq!(messages.len(), 1, "{messages:?}");
    assert!(messages[0].starts_with("`s3:PutObject` on a bucket") && messages[0].contains("`kms:GenerateDataKey`"), "{messages:?}");
}

/// The module READMEs repeat the access matrix only while it is readable; past
/// `emit::README_MATRIX_MAX_ROWS` rows they point at `access.md`, which always has it whole.
#[test]
fn readmes_point_at_access_md_instead_of_repeating_a_large_matrix() {
    let blueprint = |clients: usize| {
        support::many_clients_blueprint("many", "us-east-1", "name: many-bucket, encryption: sse-s3, versioning: true", clients, |_| {
            "capabilities: [upload]".to_owned()
        })
    };
    for (clients, repeated) in [(2, true), (60, false)] {
        let yaml = blueprint(clients);
        let compiled = bucketbridge::compile("blueprints/many.yaml", &yaml, bucketbridge::emit::Targets::ALL).expect("compiles");
        let text = |path: &str| String::from_utf8(compiled.files[path].clone()).expect("UTF-8");
        let rows =
            bucketbridge::explain::matrix(&compiled.deployment, bucketbridge::explain::Columns::Capabilities).expect("matrix").rows.len();
        assert_eq!(rows > bucketbridge::emit::README_MATRIX_MAX_ROWS, !repeated, "{clients} clients give {rows} rows");
        let access = text("many/access.md");
        assert!(
            access.contains("\n| 1 | ") && access.lines().filter(|line| line.starts_with("| ")).count() > rows / 2,
            "access.md has the matrix"
        );
        for readme in ["many/terraform/owner/README.md", "many/cloudformation/README.md"] {
            let readme = text(readme);
            assert_eq!(readme.contains("\n| 1 | "), repeated, "{clients} clients: {readme}");
            assert_eq!(readme.contains("it is in `many/access.md`"), !repeated);
        }
    }
}
