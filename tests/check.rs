//! `bucketbridge check`: exit 0 when the output folder is what a build would leave, 1 with a unified diff
//! naming each missing, stale and extra file otherwise.

use crate::support::{run, workspace};

#[test]
fn a_fresh_build_checks_clean() {
    let root = workspace(&["acme-exchange.yaml", "globex-reports.yaml"]);
    let (code, _, stderr) = run(root.path(), &["build"]);
    assert_eq!(code, 0, "{stderr}");
    let (code, stdout, stderr) = run(root.path(), &["check"]);
    assert_eq!(code, 0, "{stdout}{stderr}");
    assert_eq!(stdout, "ok: `generated` is what 2 blueprint(s) generate\n");
}

#[test]
fn check_before_any_build_names_every_file_missing() {
    let root = workspace(&["acme-exchange.yaml"]);
    let (code, stdout, stderr) = run(root.path(), &["check"]);
    assert_eq!(code, 1);
    assert!(stdout.contains("missing: generated/acme-exchange/terraform/owner/main.tf\n--- /dev/null\n+++ b/generated/acme-exchange/terraform/owner/main.tf\n"), "{stdout}");
    assert!(stderr.contains("differs from what the blueprints generate"), "{stderr}");
    assert!(!root.path().join("generated").exists(), "check wrote something");
}

#[test]
fn edited_and_deleted_files_and_a_changed_blueprint_are_reported_with_a_diff() {
    let root = workspace(&["acme-exchange.yaml"]);
    assert_eq!(run(root.path(), &["build"]).0, 0);
    let out = root.path().join("generated/acme-exchange");
    let handoff = out.join("handoff/acme/HANDOFF.md");
    let edited = std::fs::read_to_string(&handoff).expect("reads").replacen("# ", "# Edited: ", 1);
    std::fs::write(&handoff, edited).expect("writes");
    std::fs::remove_file(out.join("cloudformation/README.md")).expect("removes");

    let (code, stdout, stderr) = run(root.path(), &["check"]);
    assert_eq!(code, 1, "{stdout}");
    assert!(
        stdout.contains("stale: generated/acme-exchange/handoff/acme/HANDOFF.md\n--- a/generated/acme-exchange/handoff/acme/HANDOFF.md\n"),
        "{stdout}"
    );
    assert!(stdout.lines().any(|line| line.starts_with("-# Edited: ")), "{stdout}");
    assert!(stdout.contains("missing: generated/acme-exchange/cloudformation/README.md\n"), "{stdout}");
    assert!(stderr.contains("1 missing, 1 stale"), "{stderr}");

    assert_eq!(run(root.path(), &["build", "--force"]).0, 0);
    let blueprint = root.path().join("blueprints/acme-exchange.yaml");
    let text = std::fs::read_to_string(&blueprint)
        .expect("reads")
        .replace("capabilities: [upload, download, delete, browse]", "capabilities: [download]");
    std::fs::write(&blueprint, text).expect("writes");
    let (code, stdout, _) = run(root.path(), &["check"]);
    assert_eq!(code, 1);
    assert!(stdout.contains("stale: generated/acme-exchange/terraform/owner/main.tf\n"), "{stdout}");
    assert!(stdout.lines().any(|line| line.starts_with("-") && line.contains("s3:PutObject")), "{stdout}");
}

#[test]
fn outputs_of_a_removed_blueprint_are_extra_and_files_nobody_generated_are_ignored() {
    let root = workspace(&["acme-exchange.yaml", "globex-reports.yaml"]);
    assert_eq!(run(root.path(), &["build"]).0, 0);
    std::fs::write(root.path().join("generated/notes.md"), "ours\n").expect("writes");
    std::fs::remove_file(root.path().join("blueprints/globex-reports.yaml")).expect("removes");
    let (code, stdout, stderr) = run(root.path(), &["check"]);
    assert_eq!(code, 1, "{stdout}");
    assert!(stdout.contains("extra: generated/globex-reports/terraform/owner/main.tf\n--- a/generated/globex-reports/terraform/owner/main.tf\n+++ /dev/null\n"), "{stdout}");
    assert!(!stdout.contains("notes.md"), "{stdout}");
    assert!(stderr.contains("0 missing, 1 stale, 12 extra"), "{stderr}");
}

#[test]
fn a_change_deep_inside_a_file_written_in_pieces_is_reported() {
    // Large enough that access.md and main.tf pass 256 KB and come to the sink in pieces, which check compares
    // with the disk piece by piece.
    let root = workspace(&[]);
    let blueprint =
        crate::support::many_clients_blueprint("big-exchange", "us-east-1", "name: big-exchange-prod, encryption: sse-s3", 300, |_| {
            "capabilities: [download]".to_owned()
        });
    std::fs::write(root.path().join("blueprints/big-exchange.yaml"), blueprint).expect("writes the blueprint");
    assert_eq!(run(root.path(), &["build"]).0, 0);
    let access = root.path().join("generated/big-exchange/access.md");
    let text = std::fs::read_to_string(&access).expect("reads");
    assert!(text.len() > 3 * (256 << 10), "access.md is {} bytes, too small to come in several pieces", text.len());
    let (code, stdout, stderr) = run(root.path(), &["check"]);
    assert_eq!(code, 0, "{stdout}{stderr}");

    // One row near the end, in a later piece than the first, replaced, and the file cut short by a line.
    let mut lines: Vec<&str> = text.lines().collect();
    let row =
        lines.iter().position(|line| line.contains("| Client250 with a wrong external ID |")).expect("the matrix has Client250's rows");
    let (original, cut) = (lines[row], lines.pop().expect("a last line"));
    lines[row] = "| edited by hand |";
    std::fs::write(&access, lines.join("\n") + "\n").expect("writes");
    let (code, stdout, _) = run(root.path(), &["check"]);
    assert_eq!(code, 1, "{stdout}");
    let shown = &stdout[..stdout.len().min(400)];
    assert!(stdout.starts_with("stale: generated/big-exchange/access.md\n"), "{shown}");
    assert!(stdout.contains(&format!("\n-| edited by hand |\n+{original}\n")), "the edited row is not in the diff: {shown}");
    assert!(stdout.contains(&format!("\n+{cut}\n")), "the line cut off is not in the diff");
    assert_eq!(stdout.matches("stale: ").count(), 1, "more than access.md differs: {shown}");
    assert_eq!(stdout.matches("\n@@ ").count(), 2, "the diff has other changes than the row and the last line: {shown}");
}
