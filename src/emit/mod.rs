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

/// Emits every file of one deployment under `<deployment name>/`, with its access matrix in `access.md` and in
/// each module README, into a [`FileTree`].
pub fn emit(deployment: &Deployment, options: &Options, matrix: Matrix) -> FileTree {
    let mut tree = FileTree::new();
    match emit_to(deployment, options, matrix, &mut tree) {
        Ok(()) => tree,
        Err(never) => match never {},
    }
}

/// Emits every file of one deployment into `sink`, each file as soon as it is complete, in an order that is
/// fixed but of no meaning (a sink that needs sorted paths sorts them).
///
/// The matrix is taken by value and freed once rendered: the files need only its Markdown, and a 10,000-client
/// matrix is tens of megabytes that would otherwise stay alive while every other file is built.
///
/// # Errors
///
/// The first error of the sink; the files put before it are the sink's to discard.
pub fn emit_to<S: FileSink>(deployment: &Deployment, options: &Options, matrix: Matrix, sink: &mut S) -> Result<(), S::Error> {
    let resources: usize = deployment.modules.iter().map(|module| module.resources.len()).sum();
    emit_on_threads(deployment, options, matrix, sink, resources >= PARALLEL_EMIT_MIN_RESOURCES)
}

/// [`emit_to`], on two emitter threads or on this one.
fn emit_on_threads<S: FileSink>(
    deployment: &Deployment,
    options: &Options,
    matrix: Matrix,
    sink: &mut S,
    parallel: bool,
) -> Result<(), S::Error> {
    let root = &deployment.name;
    let targets = options.targets;
    let whole_matrix = matrix.markdown_section();
    sink.put(
        format!("{root}/access.md"),
        format!("{}\n{}", markdown_comment_header(deployment), matrix.markdown_with_section(&whole_matrix)).into_bytes(),
    )?;
    // A README that repeats a matrix of thousands of rows is unreadable (and past what a repository host
    // renders), and at 10,000 clients it would add twice 27 MB to the output; above a few hundred rows the
    // READMEs point at `access.md` instead.
    let access = if matrix.rows.len() <= README_MATRIX_MAX_ROWS {
        whole_matrix
    } else {
        format!(
            "The access matrix of this blueprint has {} rows, one for each way into each of its {} access paths, too many to repeat here: it is in `{root}/access.md`, beside the `terraform/` and `cloudformation/` folders. Run `bucketbridge explain` on the blueprint to print it, or `bucketbridge explain --why ROW:COLUMN` for the statements that decided a cell.\n",
            matrix.rows.len(),
            deployment.access_paths.len()
        )
    };
    drop(matrix);
    let (terraform_and_handoffs, cloudformation) = (
        |put: &mut dyn FnMut(String, String) -> bool| {
            if targets.terraform {
                for module in &deployment.modules {
                    for (file, content) in terraform::emit(deployment, module, &options.terraform, &access) {
                        if !put(format!("{root}/terraform/{}/{file}", module.name), content) {
                            return;
                        }
                    }
                }
            }
            for handoff in &deployment.handoffs {
                if !put(format!("{root}/handoff/{}/HANDOFF.md", handoff.folder), prose::handoff_markdown(deployment, handoff))
                    || !put(format!("{root}/handoff/{}/handoff.json", handoff.folder), prose::handoff_json(deployment, handoff))
                {
                    return;
                }
            }
        },
        |put: &mut dyn FnMut(String, String) -> bool| {
            if !targets.cloudformation {
                return;
            }
            let modules: Vec<Vec<cloudformation::Stack>> =
                deployment.modules.iter().map(|module| cloudformation::emit(deployment, module)).collect();
            if !put(format!("{root}/cloudformation/README.md"), prose::cloudformation_readme(deployment, &modules, &access)) {
                return;
            }
            for stack in modules.into_iter().flatten() {
                if !put(format!("{root}/cloudformation/{}", stack.file), stack.text) {
                    return;
                }
            }
        },
    );
    if !parallel {
        let mut failure = None;
        let mut put = |path: String, content: String| {
            if failure.is_none() {
                failure = sink.put(path, content.into_bytes()).err();
            }
            failure.is_none()
        };
        terraform_and_handoffs(&mut put);
        cloudformation(&mut put);
        return failure.map_or(Ok(()), Err);
    }
    // Two emitters on two threads, each handing its files over a short queue to this thread, the only one
    // that touches the sink: the queue's bound keeps what is in flight to a few files. A sink error ends the
    // queue, and each emitter stops at its next file.
    std::thread::scope(|scope| {
        let (sender, receiver) = std::sync::mpsc::sync_channel::<(String, String)>(EMIT_QUEUE_FILES);
        for emitter in [&terraform_and_handoffs as &(dyn Fn(&mut dyn FnMut(String, String) -> bool) + Sync), &cloudformation] {
            let sender = sender.clone();
            scope.spawn(move || emitter(&mut |path, content| sender.send((path, content)).is_ok()));
        }
        drop(sender);
        for (path, content) in receiver {
            sink.put(path, content.into_bytes())?;
        }
        Ok(())
    })
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
        let Ok(()) = emit_on_threads(deployment, &Options::default(), matrix(), &mut threads, true);
        let Ok(()) = emit_on_threads(deployment, &Options::default(), matrix(), &mut one, false);
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
            let result = emit_on_threads(&compiled.deployment, &Options::default(), matrix, &mut sink, parallel);
            assert!(result.is_err(), "parallel: {parallel}");
            assert_eq!(sink.0, 3, "the sink was called again after it failed (parallel: {parallel})");
        }
    }
}
