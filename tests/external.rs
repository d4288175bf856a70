//! External validators, real tools nobody here wrote, over every golden tree:
//! `terraform fmt -check` and `terraform validate` (offline, against a provider mirror) and `cfn-lint`.
//!
//! Where a tool is missing, a developer's run skips loudly; with `CI=true` the test fails instead.
//! Configuration: `BUCKETBRIDGE_TERRAFORM` (default `terraform` on PATH), `BUCKETBRIDGE_TF_PLUGIN_DIR` (default: the
//! first of the known mirror locations that holds hashicorp/aws), `BUCKETBRIDGE_CFN_LINT` (default `.venv/bin/cfn-lint`
//! in the repository, then `cfn-lint` on PATH).

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use crate::support;

/// Where provider mirrors are usually found when `BUCKETBRIDGE_TF_PLUGIN_DIR` is not set.
const PLUGIN_DIR_CANDIDATES: &[&str] = &["/opt/tf-plugins", "/usr/share/terraform/plugins", "/usr/local/share/terraform/plugins"];

pub fn missing(tool: &str, how: &str) {
    if support::in_ci() {
        panic!("{tool} is required in CI but was not found: {how}");
    }
    eprintln!("\n======== SKIPPED: {tool} not found ({how}); the external validator tests did not run ========\n");
}

fn runs(program: &Path, arg: &str) -> bool {
    Command::new(program).arg(arg).output().is_ok_and(|output| output.status.success())
}

pub fn terraform() -> Option<PathBuf> {
    let program = PathBuf::from(std::env::var("BUCKETBRIDGE_TERRAFORM").unwrap_or_else(|_| "terraform".into()));
    runs(&program, "version").then_some(program)
}

pub fn plugin_dir() -> Option<PathBuf> {
    if let Ok(dir) = std::env::var("BUCKETBRIDGE_TF_PLUGIN_DIR") {
        return Some(PathBuf::from(dir));
    }
    PLUGIN_DIR_CANDIDATES.iter().map(PathBuf::from).find(|dir| dir.join("registry.terraform.io/hashicorp/aws").is_dir())
}

fn terraform_command(program: &Path, folder: &Path) -> Command {
    let mut command = Command::new(program);
    // No user CLI configuration, no update checks over the network, output for machines.
    command.current_dir(folder).env("TF_CLI_CONFIG_FILE", "/dev/null").env("CHECKPOINT_DISABLE", "1").env("TF_IN_AUTOMATION", "1");
    command
}

fn describe(output: &Output) -> String {
    format!("{}{}", String::from_utf8_lossy(&output.stdout), String::from_utf8_lossy(&output.stderr))
}

fn golden_terraform_modules() -> Vec<PathBuf> {
    let mut modules = Vec::new();
    for blueprint in std::fs::read_dir(support::repo().join("golden")).expect("golden/ exists") {
        let terraform = blueprint.expect("readable").path().join("terraform");
        if let Ok(entries) = std::fs::read_dir(&terraform) {
            modules.extend(entries.map(|entry| entry.expect("readable").path()));
        }
    }
    modules.sort();
    modules
}

fn golden_templates() -> Vec<PathBuf> {
    let mut templates = Vec::new();
    for blueprint in std::fs::read_dir(support::repo().join("golden")).expect("golden/ exists") {
        let folder = blueprint.expect("readable").path().join("cloudformation");
        if let Ok(entries) = std::fs::read_dir(&folder) {
            templates.extend(
                entries
                    .map(|entry| entry.expect("readable").path())
                    .filter(|path| path.extension().is_some_and(|extension| extension == "yaml")),
            );
        }
    }
    templates.sort();
    templates
}

#[test]
fn golden_terraform_is_exactly_what_terraform_fmt_leaves() {
    let Some(terraform) = terraform() else {
        return missing("terraform", "install Terraform or set BUCKETBRIDGE_TERRAFORM");
    };
    let output = terraform_command(&terraform, &support::repo().join("golden"))
        .args(["fmt", "-check", "-diff", "-recursive", "-no-color", "."])
        .output()
        .expect("terraform runs");
    assert!(output.status.success(), "terraform fmt would change golden files:\n{}", describe(&output));
}

#[test]
fn golden_terraform_modules_pass_terraform_validate() {
    let Some(terraform) = terraform() else {
        return missing("terraform", "install Terraform or set BUCKETBRIDGE_TERRAFORM");
    };
    let Some(plugins) = plugin_dir() else {
        return missing(
            "a hashicorp/aws provider mirror",
            "set BUCKETBRIDGE_TF_PLUGIN_DIR to a folder holding registry.terraform.io/hashicorp/aws",
        );
    };
    let modules = golden_terraform_modules();
    assert!(!modules.is_empty(), "no Terraform modules under golden/");
    let failures: Vec<String> = std::thread::scope(|scope| {
        let handles: Vec<_> = modules
            .iter()
            .map(|module| {
                let (terraform, plugins) = (&terraform, &plugins);
                scope.spawn(move || validate_module(terraform, plugins, module))
            })
            .collect();
        handles.into_iter().filter_map(|handle| handle.join().expect("validation thread")).collect()
    });
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// Copies one module to a scratch folder (so `.terraform` never lands in golden/), then `init` and `validate`.
fn validate_module(terraform: &Path, plugins: &Path, module: &Path) -> Option<String> {
    let scratch = tempfile::tempdir().expect("temporary folder");
    for entry in std::fs::read_dir(module).expect("module is readable") {
        let path = entry.expect("readable").path();
        std::fs::copy(&path, scratch.path().join(path.file_name().expect("file name"))).expect("copies");
    }
    let init = terraform_command(terraform, scratch.path())
        .args(["init", "-backend=false", "-input=false", "-no-color"])
        .arg(format!("-plugin-dir={}", plugins.display()))
        .output()
        .expect("terraform runs");
    if !init.status.success() {
        return Some(format!("terraform init failed for {}:\n{}", support::relative(module), describe(&init)));
    }
    let validate = terraform_command(terraform, scratch.path()).args(["validate", "-no-color"]).output().expect("terraform runs");
    (!validate.status.success()).then(|| format!("terraform validate failed for {}:\n{}", support::relative(module), describe(&validate)))
}

pub fn cfn_lint() -> Option<PathBuf> {
    if let Ok(program) = std::env::var("BUCKETBRIDGE_CFN_LINT") {
        return Some(PathBuf::from(program));
    }
    let venv = support::repo().join(".venv/bin/cfn-lint");
    if venv.exists() {
        return Some(venv);
    }
    let on_path = PathBuf::from("cfn-lint");
    runs(&on_path, "--version").then_some(on_path)
}

#[test]
fn golden_cloudformation_passes_cfn_lint() {
    let Some(cfn_lint) = cfn_lint() else {
        return missing("cfn-lint", "run `.ci/run`, `pip install cfn-lint`, or set BUCKETBRIDGE_CFN_LINT");
    };
    let templates = golden_templates();
    assert!(!templates.is_empty(), "no CloudFormation templates under golden/");
    let output = Command::new(&cfn_lint).arg("--").args(&templates).output().expect("cfn-lint runs");
    assert!(output.status.success(), "cfn-lint reports problems (exit {:?}):\n{}", output.status.code(), describe(&output));
}
