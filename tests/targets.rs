//! Both targets grant what the model grants: each emitted module is read back into policies (resolving what the
//! template or Terraform module creates), and the access matrix computed from them equals the model's, for
//! every example blueprint and both kinds of columns. The tampering tests show the comparison can fail.

use bucketbridge::eval::Outcome;
use bucketbridge::explain::{self, Columns};

use crate::support::targets::Target;
use crate::support::{self, targets};

#[test]
fn every_target_grants_exactly_what_the_model_grants() {
    for path in support::example_blueprints() {
        let compiled = support::compile_example(&path);
        for columns in [Columns::Capabilities, Columns::Actions] {
            let model = explain::matrix(&compiled.deployment, columns).expect("model matrix");
            for target in Target::ALL {
                let matrix = targets::matrix(&compiled, target, columns);
                targets::assert_same(&model, &matrix, &format!("{} {target:?} {columns:?}", compiled.deployment.name));
            }
        }
    }
}

/// Replaces `from` by `to` in the file at `path`, once; any other file is left alone.
fn replace_once(file: &'static str, from: &'static str, to: &'static str) -> impl Fn(&str, &str) -> String {
    move |path: &str, text: &str| {
        if !path.ends_with(file) {
            return text.to_owned();
        }
        assert_eq!(text.matches(from).count(), 1, "{path} holds the text to tamper with once");
        text.replacen(from, to, 1)
    }
}

fn compile(name: &str) -> bucketbridge::Compiled {
    support::compile_example(&support::repo().join("blueprints").join(format!("{name}.yaml")))
}

/// Dropping the bucket ARN from the TLS deny (the seed's defect) opens bucket-level calls over plain HTTP: the
/// CloudFormation matrix then differs from the model's exactly there.
#[test]
fn a_template_whose_tls_deny_misses_the_bucket_arn_is_caught() {
    let compiled = compile("acme-exchange");
    let model = explain::matrix(&compiled.deployment, Columns::Capabilities).expect("model matrix");
    let untouched = targets::matrix(&compiled, Target::CloudFormation, Columns::Capabilities);
    targets::assert_same(&model, &untouched, "untouched template");

    let tamper = replace_once(
        "cloudformation/owner.yaml",
        "          - !GetAtt Bucket.Arn\n          - !Sub ${Bucket.Arn}/*\n          Condition:\n            Bool:",
        "          - !Sub ${Bucket.Arn}/*\n          Condition:\n            Bool:",
    );
    let tampered = targets::matrix_with(&compiled, Target::CloudFormation, Columns::Capabilities, &tamper);
    let differences = targets::differences(&model, &tampered);
    assert!(!differences.is_empty(), "the tampered template must not agree with the model");
    for difference in &differences {
        assert!(difference.starts_with("ACME over plain HTTP / "), "only the plain-HTTP row changes: {difference}");
    }
    let row = tampered.rows.iter().find(|row| row.path == "ACME over plain HTTP").expect("plain-HTTP row");
    let browse = tampered.columns.iter().position(|column| column == "browse").expect("browse column");
    let listing = row.cells[browse].hops.iter().find(|hop| hop.action == "s3:ListBucket").expect("ListBucket was asked");
    assert_eq!(listing.outcome, Outcome::Allow, "without the bucket ARN, ListBucket over plain HTTP gets through");
}
