//! `cargo install --path .` as the README says, then `cargo bucketbridge build` through cargo itself.
//!
//! The install builds into the test build's own target folder (`--debug`, `--offline`, `--locked`), so it
//! reuses what `cargo test` already compiled and costs one link of each binary rather than a full build.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

use crate::support;

/// The target folder this test binary was built into: `<target>/debug/deps/main-<hash>`.
fn target_folder() -> PathBuf {
    let executable = std::env::current_exe().expect("the test binary has a path");
    executable.ancestors().nth(3).expect("the test binary sits in <target>/<profile>/deps").to_owned()
}

fn cargo() -> Command {
    Command::new(env!("CARGO"))
}

#[test]
fn cargo_install_gives_a_working_cargo_subcommand() {
    let root = tempfile::tempdir().expect("temporary folder");
    let started = Instant::now();
    let output = cargo()
        .args(["install", "--path"])
        .arg(support::repo())
        .arg("--root")
        .arg(root.path())
        .args(["--debug", "--offline", "--locked", "--quiet"])
        .env("CARGO_TARGET_DIR", target_folder())
        .output()
        .expect("cargo runs");
    assert!(output.status.success(), "cargo install failed:\n{}", String::from_utf8_lossy(&output.stderr));
    eprintln!("cargo install --debug took {:.1} s", started.elapsed().as_secs_f64());

    let bin = root.path().join("bin");
    for name in ["bucketbridge", "cargo-bucketbridge"] {
        let file = bin.join(format!("{name}{}", std::env::consts::EXE_SUFFIX));
        assert!(file.is_file(), "`cargo install` did not install {}", file.display());
    }

    let workspace = tempfile::tempdir().expect("temporary folder");
    std::fs::create_dir(workspace.path().join("blueprints")).expect("creates blueprints/");
    std::fs::copy(support::repo().join("blueprints/acme-exchange.yaml"), workspace.path().join("blueprints/acme-exchange.yaml"))
        .expect("copies the example");
    let output = cargo_subcommand(&bin, workspace.path()).arg("build").output().expect("cargo runs");
    assert!(
        output.status.success(),
        "`cargo bucketbridge build` failed:\n{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    let written = support::tree::read_tree(&workspace.path().join("generated"));
    let golden = support::tree::read_tree(&support::repo().join("golden/acme-exchange"));
    for (path, content) in &golden {
        assert_eq!(written.get(&format!("acme-exchange/{path}")), Some(content), "`cargo bucketbridge build` wrote a different {path}");
    }

    let output = cargo_subcommand(&bin, workspace.path()).arg("--help").output().expect("cargo runs");
    assert!(String::from_utf8_lossy(&output.stdout).contains("Usage: cargo bucketbridge"), "{}", String::from_utf8_lossy(&output.stdout));
}

/// `cargo bucketbridge` run by cargo, finding the subcommand on `PATH` in `bin` only: `CARGO_HOME` points at an
/// empty folder so a copy installed in the user's `~/.cargo/bin` cannot answer instead.
fn cargo_subcommand(bin: &Path, workspace: &Path) -> Command {
    let path = std::env::var_os("PATH").unwrap_or_default();
    let mut paths = vec![bin.to_owned()];
    paths.extend(std::env::split_paths(&path));
    let mut command = cargo();
    command
        .arg("bucketbridge")
        .current_dir(workspace)
        .env("PATH", std::env::join_paths(paths).expect("PATH entries are valid"))
        .env("CARGO_HOME", workspace.join(".cargo-home"));
    command
}
