//! Deploys every generated module to an AWS emulator (moto) and checks what it built and who gets in.
//!
//! For every example blueprint and every module, `tests/deploy/deploy.py` (boto3) runs one deployment
//! against a fresh `moto.server` on a free loopback port whose account is the blueprint's:
//! Terraform (`init -plugin-dir`, `apply`, a second `plan -detailed-exitcode` that must be empty, a `destroy`
//! that `prevent_destroy` must refuse), CloudFormation (`create_stack`, `delete_stack` that must retain buckets
//! and keys), and for both the wrong-account guard. After each deployment it reads everything back and
//! compares it with the expectations this file derives from bucketbridge's model (`deploy/expect.rs`).
//! After the CloudFormation deployment it also makes the front-door calls (`deploy/front_door.rs`); the
//! README's "Deploy tests" section says why not after Terraform, and lists what moto does not model.
//!
//! The Rust side owns every expectation and every judgement that needs bucketbridge: the model's resolved
//! values, the skip list, and the evaluator's predictions for the front-door calls (`deploy/front_door.rs`).
//! Python does what needs boto3 and the emulator, and reports back as JSON.
//!
//! Tools: `BUCKETBRIDGE_PYTHON` (default `.venv/bin/python` in the repository, then `python3`) must import
//! moto, boto3 and yaml; Terraform and its provider mirror are found as in `external.rs`. Where one is missing
//! a developer's run skips loudly; with `CI=true` it fails.

mod expect;
mod front_door;

use std::path::{Path, PathBuf};
use std::process::Command;

use bucketbridge::emit::cloudformation::{self, split::Limits};
use serde_json::{Value, json};

use crate::external;
use crate::support;

/// An account no blueprint uses, for the wrong-account deployments.
const WRONG_ACCOUNT: &str = "999988887777";

/// What moto 5.2.1 cannot create or show, per target: (target, resource kind, field, why).
///
/// `deploy.py` still reads each field back; a skipped field that shows the expected value fails the run,
/// so an entry that moto no longer needs cannot linger. Every skip that applied is printed after the run.
pub const SKIPS: &[(&str, &str, &str, &str)] = &[
    ("cloudformation", "bucket", "public access block", BUCKET_PROPERTIES),
    ("cloudformation", "bucket", "object ownership", BUCKET_PROPERTIES),
    ("cloudformation", "bucket", "versioning", BUCKET_PROPERTIES),
    ("cloudformation", "bucket", "logging", BUCKET_PROPERTIES),
    (
        "cloudformation",
        "bucket",
        "bucket key",
        "moto 5.2.1 drops BucketKeyEnabled when it turns a template's BucketEncryption into its API form \
         (moto/s3/cloud_formation.py, cfn_to_api_encryption); the Terraform deployment checks the bucket key",
    ),
    (
        "cloudformation",
        "bucket",
        "bucket policy",
        "moto 5.2.1 has no CloudFormation support for AWS::S3::BucketPolicy: it warns and reports the resource CREATE_COMPLETE without creating it",
    ),
    ("cloudformation", "managed policy", "tags", "moto 5.2.1's AWS::IAM::ManagedPolicy handler drops the Tags property"),
    ("cloudformation", "KMS key", "tags", KMS_KEY_TAGS),
    ("cloudformation", "KMS key", "description", KMS_KEY_POLICY),
    ("cloudformation", "KMS key", "state", KMS_KEY_POLICY),
];

const BUCKET_PROPERTIES: &str = "moto 5.2.1's AWS::S3::Bucket handler applies only BucketName, BucketEncryption and Tags \
     (moto/s3/models.py, FakeBucket.create_from_cloudformation_json); the Terraform deployment checks this setting";
const KMS_KEY_TAGS: &str = "moto 5.2.1's AWS::KMS::Key handler reads tags as TagKey/TagValue and fails the key (KeyError) on \
     CloudFormation's Key/Value, so Tags is removed before create_stack; the Terraform deployment checks key tags";
const KMS_KEY_POLICY: &str = "moto 5.2.1 stores a CloudFormation KeyPolicy as an object instead of text, after which DescribeKey \
     fails with a server error (TypeError in moto/kms/policy_validator.py); rotation, policy and alias are still checked, the \
     Terraform deployment checks the rest";

/// Properties removed from a template before `create_stack`, because moto fails on them: (type, property, why).
pub const CFN_STRIP: &[(&str, &str, &str)] = &[("AWS::KMS::Key", "Tags", KMS_KEY_TAGS)];

fn skips_json() -> Value {
    Value::Array(
        SKIPS
            .iter()
            .map(|(target, kind, field, reason)| json!({"target": target, "kind": kind, "field": field, "reason": reason}))
            .collect(),
    )
}

fn cfn_strip_json() -> Value {
    Value::Array(CFN_STRIP.iter().map(|(kind, property, reason)| json!({"type": kind, "property": property, "reason": reason})).collect())
}

/// The Python that runs `deploy.py`, if one with moto, boto3 and yaml is found.
fn python() -> Option<PathBuf> {
    let candidates: Vec<PathBuf> = match std::env::var("BUCKETBRIDGE_PYTHON") {
        Ok(program) => vec![PathBuf::from(program)],
        Err(_) => vec![support::repo().join(".venv/bin/python"), PathBuf::from("python3")],
    };
    candidates.into_iter().find(|program| {
        Command::new(program).args(["-c", "import moto, boto3, yaml, flask"]).output().is_ok_and(|output| output.status.success())
    })
}

/// Everything a deployment needs, or `None` after a loud skip (a failure in CI).
struct Tools {
    python: PathBuf,
    terraform: PathBuf,
    plugins: PathBuf,
}

fn tools() -> Option<Tools> {
    let Some(python) = python() else {
        external::missing("moto and boto3", "run `.ci/run`, or set BUCKETBRIDGE_PYTHON to a Python with moto[server]==5.2.1 and boto3");
        return None;
    };
    let Some(terraform) = external::terraform() else {
        external::missing("terraform", "install Terraform or set BUCKETBRIDGE_TERRAFORM");
        return None;
    };
    let Some(plugins) = external::plugin_dir() else {
        external::missing(
            "a hashicorp/aws provider mirror",
            "set BUCKETBRIDGE_TF_PLUGIN_DIR to a folder holding registry.terraform.io/hashicorp/aws",
        );
        return None;
    };
    Some(Tools { python, terraform, plugins })
}

/// One module of one example blueprint, with what it must hold.
struct Case {
    name: String,
    terraform_module: PathBuf,
    template: PathBuf,
    expect: Value,
    front_door: Option<front_door::Plan>,
}

fn cases() -> Vec<Case> {
    let mut cases = Vec::new();
    for path in support::example_blueprints() {
        let compiled = support::compile_example(&path);
        let deployment = &compiled.deployment;
        for module in &deployment.modules {
            let golden = support::repo().join("golden").join(&deployment.name);
            cases.push(Case {
                name: format!("{}/{}", deployment.name, module.name),
                terraform_module: golden.join("terraform").join(&module.name),
                template: golden.join("cloudformation").join(format!("{}.yaml", module.name)),
                expect: expect::module(deployment, module),
                front_door: front_door::plan(deployment, module),
            });
        }
    }
    cases
}

/// Runs `deploy.py` in one mode for one module and returns its report.
fn run(tools: &Tools, case: &Case, mode: &str, extra: Value) -> Value {
    let scratch = tempfile::tempdir().expect("temporary folder");
    let mut plan = json!({
        "mode": mode,
        "expect": case.expect,
        "terraform": tools.terraform,
        "plugin_dir": tools.plugins,
        "terraform_module": case.terraform_module,
        "template": case.template,
        "wrong_account": WRONG_ACCOUNT,
        "skips": skips_json(),
        "cfn_strip": cfn_strip_json(),
    });
    if let (Value::Object(plan), Value::Object(extra)) = (&mut plan, extra) {
        plan.extend(extra);
    }
    let plan_path = scratch.path().join("plan.json");
    let report_path = scratch.path().join("report.json");
    std::fs::write(&plan_path, serde_json::to_vec_pretty(&plan).expect("plan serializes")).expect("plan is written");
    let output = Command::new(&tools.python)
        .arg(support::repo().join("tests/deploy/deploy.py"))
        .arg(&plan_path)
        .arg(&report_path)
        .output()
        .expect("deploy.py runs");
    let report = std::fs::read(&report_path).unwrap_or_else(|error| {
        panic!(
            "{} {mode}: deploy.py wrote no report ({error}), exit {:?}:\n{}{}",
            case.name,
            output.status.code(),
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        )
    });
    serde_json::from_slice(&report).expect("the report is JSON")
}

fn strings(report: &Value, field: &str) -> Vec<String> {
    report[field]
        .as_array()
        .map(|items| items.iter().map(|item| item.as_str().unwrap_or_default().to_owned()).collect())
        .unwrap_or_default()
}

/// Prints what was skipped and how long each step took, so a passing run still shows its gaps.
fn print_summary(case: &Case, mode: &str, report: &Value) {
    let steps: Vec<String> = report["steps"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|step| format!("{} {}s", step["step"].as_str().unwrap_or_default(), step["seconds"]))
        .collect();
    eprintln!("deploy {} {mode}: {}", case.name, steps.join(", "));
    for skip in report["skips"].as_array().into_iter().flatten() {
        eprintln!(
            "  SKIPPED {} {} ({}): {}; moto shows {}",
            skip["resource"].as_str().unwrap_or_default(),
            skip["field"].as_str().unwrap_or_default(),
            skip["target"].as_str().unwrap_or_default(),
            skip["reason"].as_str().unwrap_or_default(),
            skip["found"]
        );
    }
    for limit in report["limits"].as_array().into_iter().flatten() {
        eprintln!("  KNOWN MOTO LIMIT {}: {}", limit["limit"].as_str().unwrap_or_default(), limit["observed"].as_str().unwrap_or_default());
    }
}

/// Deploys one module in `mode`, with `extra` plan fields, and returns its failures; with `front_door`, also makes
/// the front-door calls after the deployment and judges them.
fn deploy_case(tools: &Tools, case: &Case, mode: &str, with_front_door: bool, extra: Value) -> Vec<String> {
    let front_door = case.front_door.as_ref().filter(|_| with_front_door);
    let mut extra = extra;
    if let (Some(plan), Value::Object(fields)) = (front_door, &mut extra) {
        fields.insert("frontdoor".into(), plan.json.clone());
    }
    let report = run(tools, case, mode, extra);
    if let Ok(folder) = std::env::var("BUCKETBRIDGE_DEPLOY_REPORTS") {
        let file = format!("{}-{mode}.json", case.name.replace(['/', ' '], "-"));
        std::fs::write(Path::new(&folder).join(file), serde_json::to_vec_pretty(&report).expect("report serializes"))
            .expect("report is written");
    }
    print_summary(case, mode, &report);
    let mut failures: Vec<String> =
        strings(&report, "failures").into_iter().map(|failure| format!("{} {mode}: {failure}", case.name)).collect();
    if let Some(plan) = front_door {
        let (front_door_failures, table) = front_door::judge(&format!("{} {mode}", case.name), plan, &report);
        eprintln!("  front door ({} calls):\n{}", plan.calls.len(), table.join("\n"));
        failures.extend(front_door_failures);
    }
    failures
}

/// Deploys every module in `mode` and fails with every failure of every module; with `front_door`, also
/// makes the front-door calls after the deployment and judges them.
fn deploy_all(mode: &str, with_front_door: bool) {
    let Some(tools) = tools() else { return };
    let mut failures = Vec::new();
    for case in cases() {
        failures.extend(deploy_case(&tools, &case, mode, with_front_door, json!({})));
    }
    assert!(failures.is_empty(), "{} failure(s):\n{}", failures.len(), failures.join("\n"));
}

/// A module split into stacks (issue 6) deploys stack by stack in its order, reads back as the model says, passes
/// the front door, and deletes in the reverse order keeping its bucket and key. Split to one resource per stack,
/// every reference crosses a stack: aoc-kms imports its key's ARN and ID through exports, and acme-exchange has
/// the front door.
#[test]
fn a_split_cloudformation_module_deploys_stack_by_stack() {
    let Some(tools) = tools() else { return };
    let limits = Limits { resources: 1, outputs: 6, bytes: bucketbridge::aws::CLOUDFORMATION_TEMPLATE_S3_MAX_BYTES };
    let mut failures = Vec::new();
    for name in ["aoc-kms", "acme-exchange"] {
        let compiled = support::compile_example(&support::repo().join("blueprints").join(format!("{name}.yaml")));
        let deployment = &compiled.deployment;
        let module = &deployment.modules[0];
        let stacks = cloudformation::emit_within(deployment, module, &limits);
        assert!(stacks.len() > 1, "{name}: the module is split");
        let folder = tempfile::tempdir().expect("temporary folder");
        let templates: Vec<PathBuf> = stacks
            .iter()
            .map(|stack| {
                let path = folder.path().join(&stack.file);
                std::fs::write(&path, &stack.text).expect("writes the template");
                path
            })
            .collect();
        let golden = support::repo().join("golden").join(&deployment.name);
        let case = Case {
            name: format!("{}/{} in {} stacks", deployment.name, module.name, stacks.len()),
            terraform_module: golden.join("terraform").join(&module.name),
            template: templates[0].clone(),
            expect: expect::module(deployment, module),
            front_door: front_door::plan(deployment, module),
        };
        failures.extend(deploy_case(&tools, &case, "cloudformation", true, json!({ "templates": templates })));
    }
    assert!(failures.is_empty(), "{} failure(s):\n{}", failures.len(), failures.join("\n"));
}

#[test]
fn terraform_modules_deploy_idempotently_and_refuse_destroy() {
    deploy_all("terraform", false);
}

#[test]
fn terraform_modules_refuse_another_account() {
    deploy_all("wrong-account-terraform", false);
}

#[test]
fn cloudformation_templates_deploy_and_retain_data_on_delete() {
    deploy_all("cloudformation", true);
}

#[test]
fn cloudformation_templates_guard_the_account() {
    deploy_all("wrong-account-cloudformation", false);
}
