//! Emitters: translations of the model into files, with no AWS decisions of their own.
//!
//! Each emitter turns a [`Deployment`] into entries of a [`FileTree`]. An emitter never names an IAM action,
//! a condition key or a setting the model did not give it; an `if scenario == ...` here would mean the model
//! is missing a field.

pub mod cloudformation;
pub mod prose;
pub mod terraform;

use std::collections::BTreeMap;

use crate::explain::Matrix;
use crate::model::Deployment;

/// Generated files: path relative to the output folder (with `/` separators) to content, sorted by path.
pub type FileTree = BTreeMap<String, Vec<u8>>;

/// Which targets to emit.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Targets {
    /// Terraform modules.
    pub terraform: bool,
    /// CloudFormation templates.
    pub cloudformation: bool,
}

impl Targets {
    /// Both targets.
    pub const ALL: Targets = Targets { terraform: true, cloudformation: true };
}

/// How to emit: which targets, and the settings of each target that are the user's choice rather than an AWS
/// decision (a repository's `bucketbridge.toml` or flags set them).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Options {
    /// Which targets to emit.
    pub targets: Targets,
    /// Terraform settings.
    pub terraform: terraform::Options,
}

impl Options {
    /// The default settings for these targets.
    pub fn for_targets(targets: Targets) -> Options {
        Options { targets, terraform: terraform::Options::default() }
    }
}

impl Default for Options {
    fn default() -> Options {
        Options::for_targets(Targets::ALL)
    }
}

/// The most rows of the access matrix a module README repeats; a larger matrix is only in `access.md`.
pub const README_MATRIX_MAX_ROWS: usize = 200;

/// Where emitted files go, one at a time, as soon as each is complete: a [`FileTree`] in memory, or the
/// writer's staging folder, so that a build never holds all of a large blueprint's files at once.
pub trait FileSink {
    /// Why a file could not be taken (the writer's I/O errors; nothing for a tree in memory).
    type Error;

    /// Takes one generated file, at its path relative to the output folder (with `/` separators).
    ///
    /// # Errors
    ///
    /// Whatever the sink could not do with the file; emitting stops there.
    fn put(&mut self, path: String, content: Vec<u8>) -> Result<(), Self::Error>;
}

impl FileSink for FileTree {
    type Error = std::convert::Infallible;

    fn put(&mut self, path: String, content: Vec<u8>) -> Result<(), Self::Error> {
        self.insert(path, content);
        Ok(())
    }
}

/// A sink that drops every file: what `validate` needs, which compiles everything and writes nothing.
#[derive(Clone, Copy, Debug, Default)]
pub struct Discard;

impl FileSink for Discard {
    type Error = std::convert::Infallible;

    fn put(&mut self, _path: String, _content: Vec<u8>) -> Result<(), Self::Error> {
        Ok(())
    }
}

/// Emits every file of one deployment under `<deployment name>/` into `sink`, with its access matrix in
/// `access.md` and in each module README, each file as soon as it is complete, in an order that is
/// fixed but of no meaning (a sink that needs sorted paths sorts them). `matrix` computes the access matrix.
///
/// Only `access.md` and the READMEs need the matrix, so for a large deployment it is computed on one thread
/// while the other emits the Terraform files, the CloudFormation templates and the handoffs (a deployment
/// of 200 model resources or more); the READMEs come last. The matrix is freed once rendered: a 10,000-client
/// matrix is tens of megabytes that would otherwise stay alive while every other file is built.
///
/// # Errors
///
/// The first error of the sink; the files put before it are the sink's to discard.
pub fn emit_to<S: FileSink>(
    deployment: &Deployment,
    options: &Options,
    matrix: impl FnOnce() -> Matrix + Send,
    sink: &mut S,
) -> Result<(), S::Error> {
    let resources: usize = deployment.modules.iter().map(|module| module.resources.len()).sum();
    emit_on_threads(deployment, options, matrix, sink, resources >= PARALLEL_EMIT_MIN_RESOURCES)
}

/// A file on its way to the sink, or `false` when the sink has failed and emitting must stop.
type Put<'a> = dyn FnMut(String, String) -> bool + 'a;

/// What the READMEs need from the files emitted before them, per module in order: the Terraform addresses
/// and the CloudFormation stacks (their texts already taken).
struct ReadmeInputs {
    terraform: Vec<terraform::Addresses>,
    cloudformation: Vec<Vec<cloudformation::Stack>>,
}

/// [`emit_to`], on two threads or on this one.
fn emit_on_threads<S: FileSink>(
    deployment: &Deployment,
    options: &Options,
    matrix: impl FnOnce() -> Matrix + Send,
    sink: &mut S,
    parallel: bool,
) -> Result<(), S::Error> {
    let access_documents = |put: &mut Put<'_>| matrix_documents(deployment, matrix(), put);
    let other_files = |put: &mut Put<'_>| files_without_matrix(deployment, options, put);
    let (access, inputs) = if parallel {
        // Each thread hands its files over a short queue to this one, the only one that touches the sink, so
        // at most a few files are in flight. A sink error ends the queue, and each thread stops at its next
        // file.
        let results = std::thread::scope(|scope| {
            let (sender, receiver) = std::sync::mpsc::sync_channel::<(String, String)>(EMIT_QUEUE_FILES);
            let matrix_sender = sender.clone();
            let access = scope.spawn(move || access_documents(&mut |path, content| matrix_sender.send((path, content)).is_ok()));
            let inputs = scope.spawn(move || other_files(&mut |path, content| sender.send((path, content)).is_ok()));
            for (path, content) in receiver {
                sink.put(path, content.into_bytes())?;
            }
            Ok((rejoin(access.join()), rejoin(inputs.join())))
        });
        results?
    } else {
        let mut failure = None;
        let mut put = |path: String, content: String| {
            if failure.is_none() {
                failure = sink.put(path, content.into_bytes()).err();
            }
            failure.is_none()
        };
        let access = access_documents(&mut put);
        let inputs = other_files(&mut put);
        if let Some(error) = failure {
            return Err(error);
        }
        (access, inputs)
    };
    // Both halves ran to the end, or the sink's error was returned above.
    let (Some(access), Some(inputs)) = (access, inputs) else {
        panic!("internal error: an emitter stopped without a sink error; please report this")
    };
    let root = &deployment.name;
    for (module, addresses) in deployment.modules.iter().zip(inputs.terraform) {
        let readme = terraform::readme(deployment, module, &options.terraform, &access, addresses);
        sink.put(format!("{root}/terraform/{}/README.md", module.name), readme.into_bytes())?;
    }
    if options.targets.cloudformation {
        let readme = prose::cloudformation_readme(deployment, &inputs.cloudformation, &access);
        sink.put(format!("{root}/cloudformation/README.md"), readme.into_bytes())?;
    }
    Ok(())
}

/// What a scoped thread returned, or its panic, carried on.
fn rejoin<T>(result: std::thread::Result<T>) -> T {
    result.unwrap_or_else(|panic| std::panic::resume_unwind(panic))
}

/// Puts `access.md` and returns what the READMEs say of the matrix: the whole of it, or, above
/// [`README_MATRIX_MAX_ROWS`] rows, where to find it. `None` when the sink failed.
fn matrix_documents(deployment: &Deployment, matrix: Matrix, put: &mut Put<'_>) -> Option<String> {
    let root = &deployment.name;
    let mut access_md = markdown_comment_header(deployment);
    access_md.push('\n');
    access_md.push_str(&matrix.markdown_title());
    let section_start = access_md.len();
    matrix.write_markdown_section(&mut access_md);
    // A README that repeats a matrix of thousands of rows is unreadable (and past what a repository host
    // renders), and at 10,000 clients it would add twice 27 MB to the output; above a few hundred rows the
    // READMEs point at `access.md` instead.
    let access = if matrix.rows.len() <= README_MATRIX_MAX_ROWS {
        access_md[section_start..].to_owned()
    } else {
        format!(
            "The access matrix of this blueprint has {} rows, one for each way into each of its {} access paths, too many to repeat here: it is in `{root}/access.md`, beside the `terraform/` and `cloudformation/` folders. Run `bucketbridge explain` on the blueprint to print it, or `bucketbridge explain --why ROW:COLUMN` for the statements that decided a cell.\n",
            matrix.rows.len(),
            deployment.access_paths.len()
        )
    };
    drop(matrix);
    put(format!("{root}/access.md"), access_md).then_some(access)
}

/// Puts every file that does not need the access matrix: the `.tf` files, the CloudFormation templates and the
/// handoffs, and returns what the READMEs need of them. `None` when the sink failed.
fn files_without_matrix(deployment: &Deployment, options: &Options, put: &mut Put<'_>) -> Option<ReadmeInputs> {
    let root = &deployment.name;
    let mut inputs = ReadmeInputs { terraform: Vec::new(), cloudformation: Vec::new() };
    if options.targets.terraform {
        for module in &deployment.modules {
            let (files, addresses) = terraform::tf_files(deployment, module, &options.terraform);
            for (file, content) in files {
                put(format!("{root}/terraform/{}/{file}", module.name), content).then_some(())?;
            }
            inputs.terraform.push(addresses);
        }
    }
    if options.targets.cloudformation {
        for module in &deployment.modules {
            let mut stacks = Vec::new();
            let mut taken = true;
            cloudformation::emit_each(deployment, module, &cloudformation::split::Limits::CLOUDFORMATION, &mut |mut stack| {
                taken = put(format!("{root}/cloudformation/{}", stack.file), std::mem::take(&mut stack.text));
                stacks.push(stack);
                taken
            });
            taken.then_some(())?;
            inputs.cloudformation.push(stacks);
        }
    }
    for handoff in &deployment.handoffs {
        put(format!("{root}/handoff/{}/HANDOFF.md", handoff.folder), prose::handoff_markdown(deployment, handoff)).then_some(())?;
        put(format!("{root}/handoff/{}/handoff.json", handoff.folder), prose::handoff_json(deployment, handoff)).then_some(())?;
    }
    Some(inputs)
}

/// Below this many model resources a deployment is emitted on one thread: the shipped examples (up to 23
/// resources) take milliseconds, less than starting threads would save.
const PARALLEL_EMIT_MIN_RESOURCES: usize = 200;

/// How many files the emitter threads may have finished that the sink has not taken yet.
const EMIT_QUEUE_FILES: usize = 8;

/// The one sentence every generated file starts with, naming the blueprint it came from.
pub fn header_text(deployment: &Deployment) -> String {
    format!("Generated by bucketbridge from {}. Do not edit: change the blueprint and run `bucketbridge build`.", deployment.source)
}

/// The header as a `#` comment line, for HCL and YAML.
pub fn hash_comment_header(deployment: &Deployment) -> String {
    format!("# {}\n", header_text(deployment))
}

/// The header as an HTML comment, for Markdown.
pub fn markdown_comment_header(deployment: &Deployment) -> String {
    format!("<!-- {} -->\n", header_text(deployment))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn two_emitter_threads_give_the_files_one_thread_gives() {
        let mut blueprint = String::from(
            "scenario: external-handoff\nname: many\nowner: { account: \"111122223333\", region: eu-west-1 }\nbucket: { name: many-exchange, encryption: sse-s3, versioning: true }\nclients:\n",
        );
        for index in 0..120 {
            blueprint.push_str(&format!(
                "  - {{ name: Client{index}, account: \"{:012}\", external_id: client-{index}-id, capabilities: [upload, browse], prefix: c{index}/ }}\n",
                200_000_000_000_u64 + index
            ));
        }
        let compiled = crate::compile("many.yaml", &blueprint, Targets::ALL).expect("compiles");
        let deployment = &compiled.deployment;
        let resources: usize = deployment.modules.iter().map(|module| module.resources.len()).sum();
        assert!(resources >= PARALLEL_EMIT_MIN_RESOURCES, "the blueprint is too small to be emitted on threads: {resources} resources");
        let matrix = || {
            crate::explain::matrix_with(deployment, crate::explain::Columns::Capabilities, crate::explain::Evidence::Outcomes)
                .expect("matrix")
        };
        let (mut threads, mut one) = (FileTree::new(), FileTree::new());
        let Ok(()) = emit_on_threads(deployment, &Options::default(), matrix, &mut threads, true);
        let Ok(()) = emit_on_threads(deployment, &Options::default(), matrix, &mut one, false);
        assert_eq!(threads.len(), compiled.files.len());
        assert!(threads == one, "the files differ between one and two emitter threads");
    }

    /// A sink that fails on its third file.
    struct FailingSink(usize);

    impl FileSink for FailingSink {
        type Error = String;

        fn put(&mut self, path: String, _content: Vec<u8>) -> Result<(), String> {
            self.0 += 1;
            if self.0 == 3 { Err(path) } else { Ok(()) }
        }
    }

    #[test]
    fn a_sink_error_stops_emitting_on_either_path() {
        let compiled = crate::compile(
            "x.yaml",
            "scenario: external-handoff\nname: x\nowner: { account: \"111122223333\", region: eu-west-1 }\nbucket: { name: x-exchange, encryption: sse-s3, versioning: true }\nclients:\n  - { name: A, account: \"444455556666\", external_id: a-id-1234, capabilities: [upload] }\n",
            Targets::ALL,
        )
        .expect("compiles");
        for parallel in [false, true] {
            let matrix = crate::explain::matrix_with(
                &compiled.deployment,
                crate::explain::Columns::Capabilities,
                crate::explain::Evidence::Outcomes,
            )
            .expect("matrix");
            let mut sink = FailingSink(0);
            let result = emit_on_threads(&compiled.deployment, &Options::default(), || matrix, &mut sink, parallel);
            assert!(result.is_err(), "parallel: {parallel}");
            assert_eq!(sink.0, 3, "the sink was called again after it failed (parallel: {parallel})");
        }
    }
}
