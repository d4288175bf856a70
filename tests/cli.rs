//! The command line as a user runs it: exit codes, help, writing, and `cargo bucketbridge`.

use std::process::Command;

use crate::support;

fn bucketbridge() -> Command {
    Command::new(env!("CARGO_BIN_EXE_bucketbridge"))
}

#[test]
fn help_is_available_for_every_command() {
    for command in [
        &["--help"][..],
        &["build", "--help"],
        &["validate", "--help"],
        &["scenarios", "--help"],
        &["check", "--help"],
        &["init", "--help"],
    ] {
        let output = bucketbridge().args(command).output().expect("runs");
        assert_eq!(output.status.code(), Some(0), "{command:?}");
        assert!(String::from_utf8_lossy(&output.stdout).contains("Usage:"), "{command:?}");
    }
}

#[test]
fn usage_errors_exit_with_2() {
    let output = bucketbridge().args(["build", "--target", "pulumi"]).output().expect("runs");
    assert_eq!(output.status.code(), Some(2));
    let output = bucketbridge().args(["validate", "does-not-exist.yaml"]).output().expect("runs");
    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&output.stderr).contains("does-not-exist.yaml"));
}

#[test]
fn invalid_blueprints_exit_with_1_and_name_the_place() {
    let case = support::repo().join("tests/bad-blueprints/account-id-eleven-digits.yaml");
    let output = bucketbridge().arg("validate").arg(&case).output().expect("runs");
    assert_eq!(output.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("account-id-eleven-digits.yaml:"), "{stderr}");
    assert!(stderr.contains("clients[0].account"), "{stderr}");
}

#[test]
fn scenarios_lists_every_scenario_kind() {
    let output = bucketbridge().arg("scenarios").output().expect("runs");
    assert_eq!(output.status.code(), Some(0));
    let stdout = String::from_utf8_lossy(&output.stdout);
    for (name, _) in bucketbridge::blueprint::SCENARIOS {
        assert!(stdout.lines().any(|line| line.starts_with(name)), "{name} missing from:\n{stdout}");
    }
}

#[test]
fn build_writes_the_tree_and_a_failed_build_leaves_it_untouched() {
    let workspace = tempfile::tempdir().expect("temporary folder");
    let blueprint = workspace.path().join("acme.yaml");
    std::fs::copy(support::repo().join("blueprints/acme-exchange.yaml"), &blueprint).expect("copies");
    let out = workspace.path().join("out");
    let output = bucketbridge().arg("build").arg(&blueprint).arg("--out").arg(&out).output().expect("runs");
    assert_eq!(output.status.code(), Some(0), "{}", String::from_utf8_lossy(&output.stderr));
    let before = support::tree::read_tree(&out);
    assert!(before.contains_key("acme-exchange/terraform/owner/main.tf"));
    assert!(before.contains_key("acme-exchange/cloudformation/owner.yaml"));
    assert!(before.contains_key("acme-exchange/handoff/acme/handoff.json"));

    let broken = std::fs::read_to_string(&blueprint).expect("reads").replace("\"4444-5555-6666\"", "44445555666");
    std::fs::write(&blueprint, broken).expect("writes");
    let output = bucketbridge().arg("build").arg(&blueprint).arg("--out").arg(&out).output().expect("runs");
    assert_eq!(output.status.code(), Some(1));
    assert_eq!(support::tree::read_tree(&out), before, "a failed build changed the output");
}

#[test]
fn files_already_staged_for_a_valid_blueprint_go_when_a_later_one_is_invalid() {
    // `build` writes each file into the staging folder as soon as it is generated, so the first blueprint's
    // files are on disk by the time the second fails; none of them may reach the output or stay behind.
    let workspace = tempfile::tempdir().expect("temporary folder");
    let blueprints = workspace.path().join("blueprints");
    std::fs::create_dir(&blueprints).expect("creates a folder");
    std::fs::copy(support::repo().join("blueprints/acme-exchange.yaml"), blueprints.join("a-valid.yaml")).expect("copies");
    let out = workspace.path().join("out");
    let output = bucketbridge().arg("build").arg(blueprints.join("a-valid.yaml")).arg("--out").arg(&out).output().expect("runs");
    assert_eq!(output.status.code(), Some(0), "{}", String::from_utf8_lossy(&output.stderr));
    let before = support::tree::read_tree(&out);

    let text = std::fs::read_to_string(support::repo().join("blueprints/hsts.yaml")).expect("reads");
    std::fs::write(blueprints.join("b-invalid.yaml"), text.replacen("scenario:", "scenari:", 1)).expect("writes");
    let output = bucketbridge().arg("build").arg("--out").arg(&out).current_dir(workspace.path()).output().expect("runs");
    assert_eq!(output.status.code(), Some(1), "{}", String::from_utf8_lossy(&output.stderr));
    assert_eq!(support::tree::read_tree(&out), before, "a failed build changed the output");
    let left: Vec<String> = std::fs::read_dir(workspace.path())
        .expect("lists")
        .map(|entry| entry.expect("entry").file_name().to_string_lossy().into_owned())
        .collect();
    assert!(left.iter().all(|name| !name.contains("bucketbridge-")), "a staging folder was left behind: {left:?}");
}

#[test]
fn only_the_requested_target_is_written() {
    let out = tempfile::tempdir().expect("temporary folder");
    let output = bucketbridge()
        .args(["build", "--target", "cloudformation", "--out"])
        .arg(out.path())
        .arg(support::repo().join("blueprints/acme-exchange.yaml"))
        .output()
        .expect("runs");
    assert_eq!(output.status.code(), Some(0));
    let files = support::tree::read_tree(out.path());
    assert!(files.keys().all(|path| !path.contains("/terraform/")), "{:?}", files.keys());
    assert!(files.contains_key("acme-exchange/cloudformation/owner.yaml"));
}

#[test]
fn cargo_subcommand_drops_the_name_cargo_inserts() {
    let output = Command::new(env!("CARGO_BIN_EXE_cargo-bucketbridge")).args(["bucketbridge", "scenarios"]).output().expect("runs");
    assert_eq!(output.status.code(), Some(0), "{}", String::from_utf8_lossy(&output.stderr));
    assert!(String::from_utf8_lossy(&output.stdout).contains("external-handoff"));
    let output = Command::new(env!("CARGO_BIN_EXE_cargo-bucketbridge")).args(["bucketbridge", "--help"]).output().expect("runs");
    assert!(String::from_utf8_lossy(&output.stdout).contains("cargo bucketbridge"));
}

#[test]
fn explain_prints_the_matrix_in_each_format_and_explains_a_cell() {
    let blueprint = support::repo().join("blueprints/acme-exchange.yaml");
    let table = bucketbridge().arg("explain").arg(&blueprint).output().expect("runs");
    assert_eq!(table.status.code(), Some(0), "{}", String::from_utf8_lossy(&table.stderr));
    let table = String::from_utf8_lossy(&table.stdout);
    assert!(table.lines().nth(1).is_some_and(|row| row.contains("with its external ID") && row.matches("Allow").count() == 4), "{table}");

    let json = bucketbridge().arg("explain").arg(&blueprint).args(["--format", "json", "--actions"]).output().expect("runs");
    let json: serde_json::Value = serde_json::from_slice(&json.stdout).expect("explain --format json prints JSON");
    assert!(json["columns"].as_array().expect("columns").iter().any(|column| column == "s3:PutObject"));

    let markdown = bucketbridge().arg("explain").arg(&blueprint).args(["--format", "markdown"]).output().expect("runs");
    let golden = std::fs::read_to_string(support::repo().join("golden/acme-exchange/access.md")).expect("golden access.md");
    assert!(golden.ends_with(String::from_utf8_lossy(&markdown.stdout).as_ref()), "access.md is the markdown matrix after its header");

    let why = bucketbridge().arg("explain").arg(&blueprint).args(["--why", "4:download"]).output().expect("runs");
    let why = String::from_utf8_lossy(&why.stdout);
    assert!(why.contains("DenyInsecureTransport"), "{why}");

    let bad = bucketbridge().arg("explain").arg(&blueprint).args(["--why", "99:upload"]).output().expect("runs");
    assert_eq!(bad.status.code(), Some(2));
}

#[test]
fn eval_runs_a_case_file_and_fails_on_a_broken_expectation() {
    let cases = support::repo().join("tests/eval-cases");
    let mut files: Vec<_> = std::fs::read_dir(&cases).expect("cases").map(|entry| entry.expect("readable").path()).collect();
    files.sort();
    let file = files
        .iter()
        .find(|path| std::fs::read_to_string(path).is_ok_and(|text| text.contains("\"requests\"") && !text.contains("expect_load_error")))
        .expect("a case file");
    let output = bucketbridge().arg("eval").arg(file).output().expect("runs");
    assert_eq!(output.status.code(), Some(0), "{}", String::from_utf8_lossy(&output.stdout));

    let workspace = tempfile::tempdir().expect("temporary folder");
    let broken = workspace.path().join("broken.json");
    let text = std::fs::read_to_string(file).expect("reads");
    let flipped = if text.contains("\"expect\": \"Allow\"") {
        text.replacen("\"expect\": \"Allow\"", "\"expect\": \"ExplicitDeny\"", 1)
    } else {
        text.replacen("\"expect\": \"ImplicitDeny\"", "\"expect\": \"Allow\"", 1)
    };
    std::fs::write(&broken, flipped).expect("writes");
    let output = bucketbridge().arg("eval").arg(&broken).output().expect("runs");
    assert_eq!(output.status.code(), Some(1), "{}", String::from_utf8_lossy(&output.stdout));
}
