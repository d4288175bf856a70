//! The output folder is replaced whole or not at all, and the manifest keeps a build from deleting what it did
//! not write or overwriting what someone edited.

use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

use crate::support::{self, run, tree::read_tree, workspace};

const MANIFEST: &str = bucketbridge::write::MANIFEST;

#[test]
fn the_manifest_lists_every_generated_file_with_its_blueprint_and_hash() {
    let root = workspace(&["acme-exchange.yaml", "globex-reports.yaml"]);
    assert_eq!(run(root.path(), &["build"]).0, 0);
    let files = read_tree(&root.path().join("generated"));
    let manifest: serde_json::Value = serde_json::from_slice(&files[MANIFEST]).expect("the manifest is JSON");
    let entries = manifest["files"].as_array().expect("a list of files");
    assert_eq!(entries.len(), files.len() - 1, "every file but the manifest is listed");
    let main_tf = entries.iter().find(|entry| entry["path"] == "acme-exchange/terraform/owner/main.tf").expect("main.tf is listed");
    assert_eq!(main_tf["blueprint"], "blueprints/acme-exchange.yaml");
    assert_eq!(main_tf["sha256"].as_str().map(str::len), Some(64));

    let again = workspace(&["globex-reports.yaml", "acme-exchange.yaml"]);
    assert_eq!(run(again.path(), &["build"]).0, 0);
    assert_eq!(read_tree(&again.path().join("generated"))[MANIFEST], files[MANIFEST], "the manifest is deterministic");
}

#[test]
fn files_nobody_generated_are_carried_into_every_new_tree() {
    let root = workspace(&["acme-exchange.yaml"]);
    assert_eq!(run(root.path(), &["build"]).0, 0);
    let out = root.path().join("generated");
    std::fs::write(out.join("acme-exchange/terraform/owner/backend.tf"), "# ours\n").expect("writes");
    std::fs::create_dir_all(out.join("docs")).expect("creates");
    std::fs::write(out.join("docs/notes.md"), "ours\n").expect("writes");
    let blueprint = root.path().join("blueprints/acme-exchange.yaml");
    let text = std::fs::read_to_string(&blueprint).expect("reads").replace("team: data-exchange", "team: platform");
    std::fs::write(&blueprint, text).expect("writes");

    let (code, stdout, stderr) = run(root.path(), &["build"]);
    assert_eq!(code, 0, "{stdout}{stderr}");
    assert_eq!(std::fs::read_to_string(out.join("acme-exchange/terraform/owner/backend.tf")).expect("kept"), "# ours\n");
    assert_eq!(std::fs::read_to_string(out.join("docs/notes.md")).expect("kept"), "ours\n");
    assert!(std::fs::read_to_string(out.join("acme-exchange/terraform/owner/main.tf")).expect("reads").contains("platform"));
    assert!(!String::from_utf8_lossy(&read_tree(&out)[MANIFEST]).contains("backend.tf"), "a file nobody generated is not in the manifest");
}

#[test]
fn a_generated_file_edited_by_hand_stops_the_build_until_forced() {
    let root = workspace(&["acme-exchange.yaml"]);
    assert_eq!(run(root.path(), &["build"]).0, 0);
    let out = root.path().join("generated");
    let main_tf = out.join("acme-exchange/terraform/owner/main.tf");
    let edited = format!("{}# a hand edit\n", std::fs::read_to_string(&main_tf).expect("reads"));
    std::fs::write(&main_tf, &edited).expect("writes");
    let before = read_tree(&out);

    let (code, _, stderr) = run(root.path(), &["build"]);
    assert_eq!(code, 1);
    assert!(stderr.contains("\n  acme-exchange/terraform/owner/main.tf\n"), "{stderr}");
    assert!(stderr.contains("--force"), "{stderr}");
    assert_eq!(read_tree(&out), before, "a refused build changed the output");

    let (code, stdout, stderr) = run(root.path(), &["build", "--force"]);
    assert_eq!(code, 0, "{stderr}");
    assert!(stdout.contains("overwrote 1 edited by hand"), "{stdout}");
    assert!(!std::fs::read_to_string(&main_tf).expect("reads").contains("a hand edit"));
    assert_eq!(run(root.path(), &["check"]).0, 0);
}

#[test]
fn a_file_bucketbridge_did_not_write_is_not_overwritten_without_force() {
    let root = workspace(&["acme-exchange.yaml"]);
    let out = root.path().join("generated/acme-exchange/handoff/acme");
    std::fs::create_dir_all(&out).expect("creates");
    std::fs::write(out.join("HANDOFF.md"), "written by a person\n").expect("writes");
    let (code, _, stderr) = run(root.path(), &["build"]);
    assert_eq!(code, 1);
    assert!(stderr.contains("acme-exchange/handoff/acme/HANDOFF.md"), "{stderr}");
    assert_eq!(std::fs::read_to_string(out.join("HANDOFF.md")).expect("kept"), "written by a person\n");
}

#[test]
fn outputs_of_a_removed_blueprint_are_removed_but_a_partial_build_keeps_them() {
    let root = workspace(&["acme-exchange.yaml", "globex-reports.yaml"]);
    assert_eq!(run(root.path(), &["build"]).0, 0);
    let out = root.path().join("generated");

    let (code, _, stderr) = run(root.path(), &["build", "blueprints/acme-exchange.yaml"]);
    assert_eq!(code, 0, "{stderr}");
    assert!(out.join("globex-reports/terraform/owner/main.tf").is_file(), "a build of one blueprint removed another's output");
    assert!(String::from_utf8_lossy(&read_tree(&out)[MANIFEST]).contains("globex-reports/terraform/owner/main.tf"));

    std::fs::remove_file(root.path().join("blueprints/globex-reports.yaml")).expect("removes");
    let (code, stdout, stderr) = run(root.path(), &["build"]);
    assert_eq!(code, 0, "{stderr}");
    assert!(stdout.contains("removed 12 no longer generated"), "{stdout}");
    assert!(!out.join("globex-reports").exists());
    assert!(out.join("acme-exchange/terraform/owner/main.tf").is_file());
}

#[cfg(unix)]
#[test]
fn a_rebuild_keeps_unchanged_files_and_writes_changed_ones_afresh() {
    use std::os::unix::fs::MetadataExt;
    let root = workspace(&["acme-exchange.yaml"]);
    assert_eq!(run(root.path(), &["build"]).0, 0);
    let out = root.path().join("generated");
    let file = |path: &str| std::fs::symlink_metadata(out.join(path)).expect("on disk");
    let (unchanged, changed) = ("acme-exchange/handoff/acme/handoff.json", "acme-exchange/cloudformation/owner.yaml");
    let (unchanged_inode, changed_inode) = (file(unchanged).ino(), file(changed).ino());
    let unchanged_text = std::fs::read(out.join(unchanged)).expect("reads");
    // A symbolic link whose target holds exactly what is generated: not a hand edit, but not a file that the
    // new tree may take over either, or the build would write through someone else's link.
    let elsewhere = root.path().join("elsewhere.md");
    let linked = "acme-exchange/handoff/acme/HANDOFF.md";
    std::fs::copy(out.join(linked), &elsewhere).expect("copies");
    std::fs::remove_file(out.join(linked)).expect("removes");
    std::os::unix::fs::symlink(&elsewhere, out.join(linked)).expect("links");
    let blueprint = root.path().join("blueprints/acme-exchange.yaml");
    let text = std::fs::read_to_string(&blueprint).expect("reads").replace("team: data-exchange", "team: platform");
    std::fs::write(&blueprint, text).expect("writes");

    let (code, stdout, stderr) = run(root.path(), &["build"]);
    assert_eq!(code, 0, "{stdout}{stderr}");
    assert_eq!(file(unchanged).ino(), unchanged_inode, "an unchanged file was written again");
    assert_eq!(file(unchanged).nlink(), 1, "the old tree still holds the unchanged file");
    assert_eq!(std::fs::read(out.join(unchanged)).expect("reads"), unchanged_text);
    assert_ne!(file(changed).ino(), changed_inode, "a changed file was written over the old tree's");
    assert!(std::fs::read_to_string(out.join(changed)).expect("reads").contains("platform"));
    assert!(file(linked).file_type().is_file(), "the symbolic link was taken into the new tree");
    assert_eq!(std::fs::read(&elsewhere).expect("reads"), std::fs::read(out.join(linked)).expect("reads"));
    assert_eq!(run(root.path(), &["check"]).0, 0);
}

/// A blueprint with `clients` clients, each allowed `capability`: large enough that writing it takes a while.
fn big_blueprint(clients: usize, capability: &str) -> String {
    support::many_clients_blueprint("big-exchange", "us-east-1", "name: big-exchange-prod, encryption: sse-s3", clients, |_| {
        format!("capabilities: [{capability}]")
    })
}

fn spawn_build(root: &Path) -> std::process::Child {
    Command::new(env!("CARGO_BIN_EXE_bucketbridge"))
        .arg("build")
        .current_dir(root)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .expect("bucketbridge starts")
}

fn timed_build(root: &Path) -> Duration {
    let started = Instant::now();
    let status = spawn_build(root).wait().expect("bucketbridge runs");
    assert!(status.success(), "a build of the big blueprint failed");
    started.elapsed()
}

/// `kill -9` at many points of a build of a 500-client blueprint: after each, the output folder is the
/// complete old tree or the complete new one, and the next build cleans up and succeeds.
#[test]
fn killing_a_build_at_any_moment_leaves_the_old_or_the_new_tree() {
    let root = tempfile::tempdir().expect("temporary folder");
    std::fs::create_dir(root.path().join("blueprints")).expect("creates blueprints/");
    let blueprint = root.path().join("blueprints/big-exchange.yaml");
    let out = root.path().join("generated");
    let versions = [big_blueprint(500, "download"), big_blueprint(500, "upload")];

    let mut trees = Vec::new();
    let mut durations = Vec::new();
    for version in &versions {
        std::fs::write(&blueprint, version).expect("writes the blueprint");
        durations.push(timed_build(root.path()));
        trees.push(read_tree(&out));
    }
    assert_ne!(trees[0], trees[1]);
    let files = trees[1].len();
    let full = durations.iter().max().copied().unwrap_or_default();
    let started = Instant::now();
    let status = Command::new(env!("CARGO_BIN_EXE_bucketbridge"))
        .args(["validate", "blueprints/big-exchange.yaml"])
        .current_dir(root.path())
        .stdout(std::process::Stdio::null())
        .status()
        .expect("runs");
    assert!(status.success());
    let compile = started.elapsed();
    eprintln!("big blueprint: {files} files; build {full:?}, compile only {compile:?}");

    // Kill points spread from just before writing starts to just after a whole build, in a fixed
    // pseudo-random order (xorshift) so a failure can be replayed.
    let mut state: u64 = 0x2545_f491_4f6c_dd1d;
    let mut next_fraction = || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        (state % 10_000) as f64 / 10_000.0
    };
    // Most kill points fall where the tree is written, between compiling and the end of a whole build; a
    // margin on each side also catches the moments just before writing starts and just after the swap.
    let window_start = compile.mul_f64(0.95);
    let window = full.mul_f64(1.05).saturating_sub(window_start);
    let staging = root.path().join(".generated.bucketbridge-new");
    let mut on_disk = 1;
    let (mut mid_write, mut replaced, mut kept) = (0, 0, 0);
    // Build times vary with the load of a shared machine, so the kills go on, up to a bound, until two of them
    // have landed while the new tree was being written: every kill is checked, wherever it lands. The window
    // also narrows as kills land: one that left no staging folder and the old tree came before writing began,
    // one that left the new tree came after the swap, so later kills aim between them.
    let (mut earliest, mut latest) = (window_start, window_start + window);
    let mut kills = 0;
    while kills < 40 && (kills < 10 || mid_write < 2) {
        kills += 1;
        // A leftover from the previous kill would count as this kill's; the next build removes it anyway, and
        // the last one is left for the final build to clean up.
        if staging.exists() {
            std::fs::remove_dir_all(&staging).expect("removes the leftover");
        }
        let target = 1 - on_disk;
        std::fs::write(&blueprint, &versions[target]).expect("writes the blueprint");
        if latest.saturating_sub(earliest) < Duration::from_millis(2) {
            (earliest, latest) = (window_start, window_start + window);
        }
        let delay = earliest + (latest - earliest).mul_f64(next_fraction());
        let mut child = spawn_build(root.path());
        std::thread::sleep(delay);
        let _ = child.kill();
        child.wait().expect("the build ends");
        let hit = staging.exists();
        if hit {
            mid_write += 1;
        }
        let now = read_tree(&out);
        if now == trees[target] {
            replaced += 1;
            on_disk = target;
            if !hit {
                latest = delay;
            }
        } else {
            assert!(now == trees[on_disk], "after a kill the output is neither the old tree nor the new one ({} files)", now.len());
            kept += 1;
            if !hit {
                earliest = delay;
            }
        }
    }
    eprintln!("kills: {kills}; {mid_write} while the new tree was being written, {kept} left the old tree, {replaced} the new one");
    assert!(mid_write > 0, "no kill landed while the new tree was being written; the test proves nothing");

    std::fs::write(&blueprint, &versions[1 - on_disk]).expect("writes the blueprint");
    timed_build(root.path());
    assert_eq!(read_tree(&out), trees[1 - on_disk]);
    assert!(!staging.exists() && !root.path().join(".generated.bucketbridge-old").exists(), "leftovers were not cleaned up");
}
