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

/// Dropping the `Null` condition from the foreign-encryption deny (the mistake the matrix once found in the
/// model) turns it against every upload that sends no encryption header: the CloudFormation matrix then differs
/// from the model's, and only where uploads are asked for.
#[test]
fn a_template_whose_encryption_deny_lost_its_presence_check_is_caught() {
    let compiled = compile("acme-exchange");
    let model = explain::matrix(&compiled.deployment, Columns::Capabilities).expect("model matrix");
    let untouched = targets::matrix(&compiled, Target::CloudFormation, Columns::Capabilities);
    targets::assert_same(&model, &untouched, "untouched template");

    let tamper = replace_once(
        "cloudformation/owner.yaml",
        "          Condition:\n            'Null':\n              s3:x-amz-server-side-encryption:\n              - 'false'\n            StringNotEquals:",
        "          Condition:\n            StringNotEquals:",
    );
    let tampered = targets::matrix_with(&compiled, Target::CloudFormation, Columns::Capabilities, &tamper);
    let differences = targets::differences(&model, &tampered);
    assert!(!differences.is_empty(), "the tampered template must not agree with the model");
    for difference in &differences {
        assert!(difference.contains("/ upload"), "only upload cells change: {difference}");
    }
    let row = tampered.rows.iter().find(|row| row.path == "ACME through ACME-ExtRole with its external ID").expect("intended row");
    let upload = tampered.columns.iter().position(|column| column == "upload").expect("upload column");
    let put = row.cells[upload].hops.iter().find(|hop| hop.action == "s3:PutObject").expect("PutObject was asked");
    assert_eq!(put.outcome, Outcome::ExplicitDeny, "without the presence check, a plain upload is denied");
}

/// Granting one client an action it did not declare is caught: with action columns the cell itself turns to
/// Allow; with capability columns the cell's text can stay the same (the capability was partial before and is
/// partial after), and the comparison of the requests inside it catches the change.
#[test]
fn a_terraform_module_that_grants_an_undeclared_action_is_caught() {
    let compiled = compile("globex-reports");
    let tamper = replace_once(
        "terraform/owner/main.tf",
        r#"actions   = ["s3:AbortMultipartUpload", "s3:DeleteObject", "s3:GetObject"]"#,
        r#"actions   = ["s3:AbortMultipartUpload", "s3:DeleteObject", "s3:GetObject", "s3:PutObject"]"#,
    );
    for columns in [Columns::Actions, Columns::Capabilities] {
        let model = explain::matrix(&compiled.deployment, columns).expect("model matrix");
        targets::assert_same(&model, &targets::matrix(&compiled, Target::Terraform, columns), "untouched module");
        let tampered = targets::matrix_with(&compiled, Target::Terraform, columns, &tamper);
        let differences = targets::differences(&model, &tampered);
        assert!(!differences.is_empty(), "{columns:?}: the tampered module must not agree with the model");
        for difference in &differences {
            assert!(
                difference.starts_with("Globex through ") || difference.starts_with("a principal of Globex's account allowed"),
                "{difference}"
            );
        }
        if columns == Columns::Actions {
            let put = tampered.columns.iter().position(|column| column == "s3:PutObject").expect("PutObject column");
            assert_eq!(tampered.rows[0].cells[put].outcome, Outcome::Allow, "Globex can now upload");
        }
    }
}
