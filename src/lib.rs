//! bucketbridge compiles short YAML scenario blueprints into Terraform modules and CloudFormation templates
//! that give other AWS accounts safe, exact access to S3 buckets.
//!
//! The pipeline is a function, [`compile`]:
//!
//! 1. [`blueprint`] parses and validates the YAML into typed structs, reporting every mistake with its file,
//!    line, column and field;
//! 2. [`model`] turns a blueprint into modules (one per AWS account) of typed resources and policies, making
//!    every AWS decision;
//! 3. [`emit`] translates the model into Terraform, CloudFormation and prose files, a [`emit::FileTree`];
//! 4. [`write`] puts the tree on disk, replacing a blueprint's previous output whole or not at all.
//!
//! The library reads no clock, no environment variables and no randomness: the same blueprint gives the same
//! bytes on any machine.
//!
//! ```
//! let blueprint = r#"
//! scenario: external-handoff
//! name: acme-exchange
//! owner: { account: "111122223333", region: us-east-1 }
//! bucket: { name: acme-exchange-prod, encryption: sse-s3, versioning: true }
//! clients:
//!   - { name: ACME, account: "444455556666", external_id: HMI-ACME, capabilities: [upload] }
//! "#;
//! let compiled = bucketbridge::compile("blueprints/acme-exchange.yaml", blueprint, bucketbridge::emit::Targets::ALL)
//!     .expect("the blueprint is valid");
//! assert!(compiled.files.contains_key("acme-exchange/terraform/owner/main.tf"));
//! assert!(compiled.files.contains_key("acme-exchange/cloudformation/owner.yaml"));
//! assert!(compiled.files.contains_key("acme-exchange/handoff/acme/HANDOFF.md"));
//! ```

#![warn(missing_docs)]

pub mod aws;
pub mod blueprint;
pub mod check;
pub mod cli;
pub mod config;
pub mod diagnostic;
pub mod emit;
pub mod eval;
pub mod explain;
pub mod init;
pub mod model;
pub mod write;

use diagnostic::Diagnostic;
use emit::{FileTree, Options, Targets};
use model::Deployment;

/// One compiled blueprint.
#[derive(Debug)]
pub struct Compiled {
    /// The model.
    pub deployment: Deployment,
    /// Every generated file, under `<blueprint name>/`.
    pub files: FileTree,
    /// Warnings found while validating; the blueprint compiled despite them.
    pub warnings: Vec<Diagnostic>,
}

/// The error for a policy over its AWS size limit, placed at the blueprint field it grows with.
fn policy_too_large(source: &str, text: &str, policy: &model::limits::Measured) -> Diagnostic {
    let kind = policy.kind;
    Diagnostic::error(
        "policy-too-large",
        blueprint::locate(source, text, &policy.field),
        policy.field.clone(),
        format!(
            "the {} in module `{}` would be {} {}; {} accepts at most {}",
            policy.subject,
            policy.module,
            policy.size,
            kind.unit(),
            kind.authority(),
            kind.maximum()
        ),
    )
    .with_help(policy.remedy())
}

/// Compiles one blueprint: `source` is its path as shown in messages and headers, `text` its content.
///
/// # Errors
///
/// Returns every diagnostic (errors and warnings) when the blueprint has any error.
pub fn compile(source: &str, text: &str, targets: Targets) -> Result<Compiled, Vec<Diagnostic>> {
    compile_with(source, text, &Options::for_targets(targets))
}

/// Compiles one blueprint with emitter [`Options`] (targets and their settings, such as the Terraform AWS
/// provider constraint), as a repository's `bucketbridge.toml` or the command line sets them.
///
/// # Errors
///
/// Returns every diagnostic (errors and warnings) when the blueprint has any error.
pub fn compile_with(source: &str, text: &str, options: &Options) -> Result<Compiled, Vec<Diagnostic>> {
    let (blueprint, warnings) = blueprint::load(source, text)?;
    let deployment = model::build(&blueprint);
    let too_large = model::limits::check(&deployment);
    if !too_large.is_empty() {
        let mut diagnostics: Vec<Diagnostic> = too_large.iter().map(|policy| policy_too_large(source, text, policy)).collect();
        diagnostics.extend(warnings);
        return Err(diagnostics);
    }
    // Everything after this reads the model; a large blueprint's located values are worth freeing before the
    // matrix and the files are built, which is when memory peaks.
    drop(blueprint);
    // The documents print each cell's outcome and reason, never the requests behind it.
    let matrix = explain::matrix_with(&deployment, explain::Columns::Capabilities, explain::Evidence::Outcomes)
        .unwrap_or_else(|error| panic!("internal error: the access matrix of {source} cannot be computed ({error}); please report this"));
    let files = emit::emit(&deployment, options, matrix);
    Ok(Compiled { deployment, files, warnings })
}
