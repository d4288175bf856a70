//! `bucketbridge init`: a commented starter blueprint that builds as written, with a fresh external ID, never
//! overwriting a file.

use crate::support::run;

fn external_id(text: &str) -> String {
    let line = text.lines().find(|line| line.trim_start().starts_with("external_id:")).expect("the starter has an external ID");
    line.split_whitespace().nth(1).expect("a value").to_owned()
}

#[test]
fn init_writes_a_starter_that_builds_and_refuses_to_overwrite_it() {
    let root = tempfile::tempdir().expect("temporary folder");
    let (code, stdout, stderr) = run(root.path(), &["init", "external-handoff", "--name", "acme-dropbox"]);
    assert_eq!(code, 0, "{stderr}");
    assert!(stdout.contains("`blueprints/acme-dropbox.yaml`"), "{stdout}");
    let path = root.path().join("blueprints/acme-dropbox.yaml");
    let first = std::fs::read_to_string(&path).expect("the starter was written");
    assert!(first.starts_with("# A starter external-handoff blueprint"), "{first}");
    assert!(first.contains("\nname: acme-dropbox\n"), "{first}");
    let id = external_id(&first);
    assert_eq!(id.len(), 32);
    assert!(id.bytes().all(|byte| byte.is_ascii_hexdigit()), "{id}");

    let (code, _, stderr) = run(root.path(), &["init", "external-handoff", "--name", "acme-dropbox"]);
    assert_eq!(code, 2);
    assert!(stderr.contains("already exists"), "{stderr}");
    assert_eq!(std::fs::read_to_string(&path).expect("still there"), first, "init overwrote the file");

    let (code, _, stderr) = run(root.path(), &["build"]);
    assert_eq!(code, 0, "{stderr}");
    assert!(root.path().join("generated/acme-dropbox/handoff/partner/HANDOFF.md").is_file());
}

#[test]
fn every_init_draws_a_new_external_id() {
    let root = tempfile::tempdir().expect("temporary folder");
    let (_, first, _) = run(root.path(), &["init", "external-handoff", "--out", "-"]);
    let (_, second, _) = run(root.path(), &["init", "external-handoff", "--out", "-"]);
    assert_ne!(external_id(&first), external_id(&second));
    assert!(!root.path().join("blueprints").exists(), "--out - wrote a file");
}

#[test]
fn unknown_scenarios_and_unusable_names_are_usage_errors() {
    let root = tempfile::tempdir().expect("temporary folder");
    let (code, _, stderr) = run(root.path(), &["init", "external-handof"]);
    assert_eq!(code, 2);
    assert!(stderr.contains("did you mean `external-handoff`?"), "{stderr}");
    let (code, _, stderr) = run(root.path(), &["init", "external-handoff", "--name", "Acme Dropbox"]);
    assert_eq!(code, 2);
    assert!(stderr.contains("choose another --name"), "{stderr}");
    assert!(!root.path().join("blueprints").exists());
}

#[test]
fn init_writes_into_the_configured_blueprint_folder() {
    let root = tempfile::tempdir().expect("temporary folder");
    std::fs::write(root.path().join("bucketbridge.toml"), "blueprints = \"infra/blueprints\"\n").expect("writes");
    std::fs::create_dir(root.path().join("sub")).expect("creates");
    let (code, _, stderr) = run(&root.path().join("sub"), &["init", "external-handoff"]);
    assert_eq!(code, 0, "{stderr}");
    assert!(root.path().join("infra/blueprints/external-handoff.yaml").is_file());
}
