//! bucketbridge compiles short YAML scenario blueprints into Terraform modules and CloudFormation templates
//! that give other AWS accounts safe, exact access to S3 buckets.
//!
//! The pipeline is a function, [`compile`]:
//!
//! 1. [`blueprint`] parses and validates the YAML into typed structs, reporting every mistake with its file,
//!    line, column and field;
//! 2. [`model`] turns a blueprint into modules (one per AWS account) of typed resources and policies, making
//!    every AWS decision;
//! 3. [`emit`] translates the model into Terraform, CloudFormation and prose files, handed one at a time to an
//!    [`emit::FileSink`] ([`compile_into`]) or collected into an [`emit::FileTree`];
//! 4. [`write`] puts the files on disk, replacing a blueprint's previous output whole or not at all.
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

pub mod allocator;
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
mod threads;
pub mod write;

use diagnostic::Diagnostic;
use emit::{FileSink, FileTree, Options, Targets};
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
    let mut files = FileTree::new();
    match compile_into(source, text, options, &mut files) {
        Ok(Emitted { deployment, warnings }) => Ok(Compiled { deployment, files, warnings }),
        Err(CompileError::Invalid(diagnostics)) => Err(diagnostics),
        Err(CompileError::Sink(never)) => match never {},
    }
}

/// A blueprint compiled into a [`FileSink`]: what is left once its files have gone.
#[derive(Debug)]
pub struct Emitted {
    /// The model.
    pub deployment: Deployment,
    /// Warnings found while validating; the blueprint compiled despite them.
    pub warnings: Vec<Diagnostic>,
}

/// Why [`compile_into`] stopped.
#[derive(Debug)]
pub enum CompileError<E> {
    /// The blueprint has errors: every diagnostic (errors and warnings). Nothing reached the sink.
    Invalid(Vec<Diagnostic>),
    /// The sink refused a file; some files may have reached it before.
    Sink(E),
}

/// Compiles one blueprint and hands each generated file to `sink` as soon as it is complete, so that a large
/// blueprint's files need not all be in memory at once ([`compile_with`] collects them into a [`FileTree`]).
/// Every check that can reject the blueprint runs before the first file is emitted.
///
/// # Errors
///
/// [`CompileError::Invalid`] with every diagnostic when the blueprint has any error; [`CompileError::Sink`]
/// with the sink's error.
pub fn compile_into<S: FileSink>(source: &str, text: &str, options: &Options, sink: &mut S) -> Result<Emitted, CompileError<S::Error>> {
    let (blueprint, warnings) = blueprint::load(source, text).map_err(CompileError::Invalid)?;
    let deployment = model::build(&blueprint);
    // Everything after this reads the model; a large blueprint's located values are worth freeing before the
    // matrix and the files are built, which is when memory peaks.
    drop(blueprint);
    let limits = || {
        let too_large = model::limits::check(&deployment);
        if too_large.is_empty() {
            return Ok(());
        }
        let mut diagnostics: Vec<Diagnostic> = too_large.iter().map(|policy| policy_too_large(source, text, policy)).collect();
        diagnostics.extend(warnings.iter().cloned());
        Err(diagnostics)
    };
    let mut sink = WithinLimits { sink, limits: Some(limits) };
    let matrix = DeploymentMatrix::new(source, &deployment);
    emit::emit_to(&deployment, options, &matrix, &mut sink)?;
    // Every deployment has files, so the check has run; a deployment with none must not skip it either.
    sink.admit()?;
    Ok(Emitted { deployment, warnings })
}

/// The access matrix of a deployment as the emitters take it ([`emit::MatrixSource`]): computed when they
/// first ask for it, beside the files that do not need it, and printing each cell's outcome and reason, never the
/// requests behind it.
pub(crate) struct DeploymentMatrix<'d> {
    /// The blueprint's name for messages.
    source: &'d str,
    deployment: &'d model::Deployment,
    shared: std::sync::OnceLock<explain::SharedBatches<'d>>,
}

impl<'d> DeploymentMatrix<'d> {
    pub(crate) fn new(source: &'d str, deployment: &'d model::Deployment) -> DeploymentMatrix<'d> {
        DeploymentMatrix { source, deployment, shared: std::sync::OnceLock::new() }
    }

    fn broken(&self, error: &explain::ExplainError) -> ! {
        panic!("internal error: the access matrix of {} cannot be computed ({error}); please report this", self.source)
    }
}

impl emit::MatrixSource for DeploymentMatrix<'_> {
    fn batches(&self, take: &mut emit::MatrixBatches<'_>) {
        let shared = self.shared.get_or_init(|| {
            let paths = explain::PathMatrix::new(self.deployment, explain::Columns::Capabilities, explain::Evidence::Outcomes);
            explain::SharedBatches::new(paths.unwrap_or_else(|error| self.broken(&error)))
        });
        shared.batches(take).unwrap_or_else(|error| self.broken(&error));
    }

    fn help(&self) {
        if let Some(shared) = self.shared.get() {
            shared.help();
        }
    }
}

/// The sink of [`compile_into`]: files reach `sink` only once the model's policies are known to fit AWS's
/// limits. The check runs when the first file comes, so that for a large deployment, emitted on threads, it
/// runs beside the emitters rather than before them; a policy over a limit stops emitting with nothing put.
struct WithinLimits<'s, S, L> {
    sink: &'s mut S,
    /// The limits check, until it has run.
    limits: Option<L>,
}

impl<S: FileSink, L: FnOnce() -> Result<(), Vec<Diagnostic>>> WithinLimits<'_, S, L> {
    fn admit(&mut self) -> Result<(), CompileError<S::Error>> {
        match self.limits.take() {
            Some(limits) => limits().map_err(CompileError::Invalid),
            None => Ok(()),
        }
    }
}

impl<S: FileSink, L: FnOnce() -> Result<(), Vec<Diagnostic>>> FileSink for WithinLimits<'_, S, L> {
    type Error = CompileError<S::Error>;

    fn put(&mut self, path: String, content: Vec<u8>) -> Result<(), Self::Error> {
        self.admit()?;
        self.sink.put(path, content).map_err(CompileError::Sink)
    }

    fn put_piece(&mut self, path: &str, piece: &[u8], last: bool) -> Result<(), Self::Error> {
        self.admit()?;
        self.sink.put_piece(path, piece, last).map_err(CompileError::Sink)
    }
}
