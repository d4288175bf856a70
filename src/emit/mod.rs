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

    /// Takes the next piece of a file too large to be worth holding whole (a 10,000-client `access.md` is
    /// 27 MB): the file is its pieces in the order they come, and `last` marks its end. Other files may come
    /// between two pieces of one file.
    ///
    /// # Errors
    ///
    /// Whatever the sink could not do with the piece; emitting stops there.
    fn put_piece(&mut self, path: &str, piece: &[u8], last: bool) -> Result<(), Self::Error>;
}

impl FileSink for FileTree {
    type Error = std::convert::Infallible;

    fn put(&mut self, path: String, content: Vec<u8>) -> Result<(), Self::Error> {
        self.insert(path, content);
        Ok(())
    }

    fn put_piece(&mut self, path: &str, piece: &[u8], _last: bool) -> Result<(), Self::Error> {
        match self.get_mut(path) {
            Some(content) => content.extend_from_slice(piece),
            None => {
                self.insert(path.to_owned(), piece.to_vec());
            }
        }
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

    fn put_piece(&mut self, _path: &str, _piece: &[u8], _last: bool) -> Result<(), Self::Error> {
        Ok(())
    }
}

/// The access matrix in batches of rows, handed one at a time to `take`, which returns `false` to stop: each
/// batch a [`Matrix`] with the same blueprint and columns and the next rows in order (the first may have none),
/// so that a 10,000-client matrix is never whole in memory.
pub type MatrixBatches<'a> = dyn FnMut(Matrix) -> bool + 'a;

/// The access matrix as [`emit_to`] takes it: handed over in batches on the thread that writes `access.md`,
/// and evaluated ahead of that by threads that are done with their own files.
pub trait MatrixSource: Sync {
    /// Hands the matrix to `take` in batches of rows, in order ([`MatrixBatches`]).
    fn batches(&self, take: &mut MatrixBatches<'_>);

    /// Evaluates batches ahead of those handed over until none is left, for a thread with nothing else to do;
    /// returns at once when the handing over has not begun or has ended.
    fn help(&self);
}

/// Emits every file of one deployment under `<deployment name>/` into `sink`, with its access matrix in
/// `access.md` and in each module README, each file as soon as it is complete, in an order that is
/// fixed but of no meaning (a sink that needs sorted paths sorts them). `matrix` computes the access matrix
/// and hands it over in batches of rows ([`MatrixSource`]).
///
/// Only `access.md` and the READMEs need the matrix, so for a large deployment (200 model resources or more)
/// it is computed on one thread while a second emits the CloudFormation templates, the Terraform files and then
/// the READMEs, and a third the handoffs; the two then help evaluate the matrix ([`MatrixSource::help`]). A
/// deployment with more access paths than a README repeats rows has its READMEs written without waiting for the
/// matrix: they only say where it is. Each batch of rows is written into `access.md` and
/// dropped, and a large `access.md` goes to the sink in pieces ([`FileSink::put_piece`]): a 10,000-client
/// matrix and its table are tens of megabytes each that would otherwise be alive while every other file is
/// built.
///
/// # Errors
///
/// The first error of the sink; the files put before it are the sink's to discard.
pub fn emit_to<S: FileSink>(deployment: &Deployment, options: &Options, matrix: &dyn MatrixSource, sink: &mut S) -> Result<(), S::Error> {
    let resources: usize = deployment.modules.iter().map(|module| module.resources.len()).sum();
    emit_on_threads(deployment, options, matrix, sink, resources >= PARALLEL_EMIT_MIN_RESOURCES)
}

/// A file, or a piece of one, on its way to the sink.
enum Delivery {
    /// A whole file: its path and content.
    File(String, String),
    /// The next piece of a file put in pieces ([`FileSink::put_piece`]), and whether it is the last.
    Piece { path: String, piece: String, last: bool },
}

impl Delivery {
    /// `text` of the file at `path`, `last` when it ends the file: whole when it is all of it, a piece when the
    /// file's earlier text went in pieces. `in_pieces` says whether it did, for the file under way, and is reset at
    /// its end, so that one flag serves files that come one after another.
    fn of(path: String, text: String, last: bool, in_pieces: &mut bool) -> Delivery {
        if last && !std::mem::replace(in_pieces, false) {
            Delivery::File(path, text)
        } else {
            *in_pieces = !last;
            Delivery::Piece { path, piece: text, last }
        }
    }

    /// The bytes of text it carries.
    fn len(&self) -> usize {
        match self {
            Delivery::File(_, text) | Delivery::Piece { piece: text, .. } => text.len(),
        }
    }

    fn into_sink<S: FileSink>(self, sink: &mut S) -> Result<(), S::Error> {
        match self {
            Delivery::File(path, content) => sink.put(path, content.into_bytes()),
            Delivery::Piece { path, piece, last } => sink.put_piece(&path, piece.as_bytes(), last),
        }
    }
}

/// Hands on a file or a piece; `false` when the sink has failed and emitting must stop.
type Put<'a> = dyn FnMut(Delivery) -> bool + 'a;

/// What the READMEs need from the files emitted before them, per module in order: the Terraform addresses
/// and the CloudFormation stacks (their texts already taken).
struct ReadmeInputs {
    terraform: Vec<terraform::Addresses>,
    cloudformation: Vec<Vec<cloudformation::Stack>>,
}

/// [`emit_to`], on three emitting threads beside this one, which writes, or on this one alone.
fn emit_on_threads<S: FileSink>(
    deployment: &Deployment,
    options: &Options,
    matrix: &dyn MatrixSource,
    sink: &mut S,
    parallel: bool,
) -> Result<(), S::Error> {
    let access_documents = |put: &mut Put<'_>| matrix_documents(deployment, matrix, put);
    let module_files = |put: &mut Put<'_>| files_of_modules(deployment, options, put);
    let handoff_files = |put: &mut Put<'_>| files_of_handoffs(deployment, put);
    let readmes = |inputs: ReadmeInputs, access: &str, put: &mut Put<'_>| readme_files(deployment, options, inputs, access, put);
    let emitted = if parallel {
        // Each thread hands its files over a short queue to this one, the only one that touches the sink, so
        // at most a few files are in flight. A sink error ends the queue, and each thread stops at its next
        // file. The handoffs have a thread of their own although they are the least work: they are two thirds
        // of the files, and creating a file is most of what the sink does, so coming beside the rest rather
        // than after it they keep the sink's work spread over the whole build instead of left at its end.
        //
        // Files go over the queue in batches of about `EMIT_BATCH_BYTES`: a handoff document is a few kilobytes,
        // and one send for each of 20,000 of them had the writer and the handoff thread waking each other (in
        // futex calls and context switches) for every file.
        //
        // The READMEs need the module files' addresses and stacks and what the matrix says; they are written on
        // the modules' thread once the matrix's thread hands that over, while the handoffs are still being made,
        // rather than by this thread after every emitter has ended, when the other core would have nothing to do.
        let results = std::thread::scope(|scope| {
            let (sender, receiver) = std::sync::mpsc::sync_channel::<Vec<Delivery>>(EMIT_QUEUE_BATCHES);
            let (matrix_sender, handoff_sender) = (sender.clone(), sender.clone());
            let (access_sender, access_receiver) = std::sync::mpsc::sync_channel::<String>(1);
            let access = scope.spawn(move || {
                let access = Batches::new(matrix_sender).emit(access_documents)?;
                // The modules' thread may have had what the READMEs say of the matrix in advance, and be gone.
                let _ = access_sender.send(access);
                Some(())
            });
            // The other two threads evaluate the matrix's batches ahead of it once their own files are done, so
            // that it is not left to finish on one core.
            let handoffs = scope.spawn(move || {
                Batches::new(handoff_sender).emit(handoff_files)?;
                matrix.help();
                Some(())
            });
            let modules = scope.spawn(move || {
                let mut queue = Batches::new(sender);
                let inputs = queue.emit(module_files)?;
                let access = match readme_access_in_advance(deployment) {
                    Some(access) => access,
                    None => {
                        matrix.help();
                        // None when the matrix's thread stopped at a sink error (or panicked, which its join
                        // carries on).
                        access_receiver.recv().ok()?
                    }
                };
                queue.emit(|put| readmes(inputs, &access, put))?;
                matrix.help();
                Some(())
            });
            for batch in receiver {
                for delivery in batch {
                    delivery.into_sink(sink)?;
                }
            }
            let emitted = [rejoin(access.join()), rejoin(modules.join()), rejoin(handoffs.join())];
            Ok(emitted.iter().all(Option::is_some))
        });
        results?
    } else {
        let mut failure = None;
        let mut put = |delivery: Delivery| {
            if failure.is_none() {
                failure = delivery.into_sink(sink).err();
            }
            failure.is_none()
        };
        let access = access_documents(&mut put);
        let inputs = module_files(&mut put);
        let handoffs = handoff_files(&mut put);
        let readmes = match (inputs, access) {
            (Some(inputs), Some(access)) => readmes(inputs, &access, &mut put),
            _ => None,
        };
        if let Some(error) = failure {
            return Err(error);
        }
        readmes.is_some() && handoffs.is_some()
    };
    // Every emitter ran to the end, or the sink's error was returned above.
    if !emitted {
        panic!("internal error: an emitter stopped without a sink error; please report this")
    }
    Ok(())
}

/// Puts each module's Terraform README and the CloudFormation README, which list what the module's other files
/// hold and repeat what `access` says of the access matrix. `None` when the sink failed.
fn readme_files(deployment: &Deployment, options: &Options, inputs: ReadmeInputs, access: &str, put: &mut Put<'_>) -> Option<()> {
    let root = &deployment.name;
    for (module, addresses) in deployment.modules.iter().zip(inputs.terraform) {
        let readme = terraform::readme(deployment, module, &options.terraform, access, addresses);
        put_document(format!("{root}/terraform/{}/README.md", module.name), readme, put)?;
    }
    if options.targets.cloudformation {
        let readme = prose::cloudformation_readme(deployment, &inputs.cloudformation, access);
        put_document(format!("{root}/cloudformation/README.md"), readme, put)?;
    }
    Some(())
}

/// Puts `document` at `path`: whole when it fits in one piece of [`PIECE_BYTES`], else in pieces, so that the
/// tables of a large README are never whole in memory. `None` when the sink failed.
fn put_document(path: String, document: prose::Document<'_>, put: &mut Put<'_>) -> Option<()> {
    let mut in_pieces = false;
    document.write(PIECE_BYTES, &mut |text, last| put(Delivery::of(path.clone(), text, last, &mut in_pieces))).then_some(())
}

/// One emitting thread's end of the queue to the sink: deliveries gathered until they hold about
/// [`EMIT_BATCH_BYTES`], then sent together, in the order they came.
struct Batches {
    sender: std::sync::mpsc::SyncSender<Vec<Delivery>>,
    batch: Vec<Delivery>,
    bytes: usize,
}

impl Batches {
    fn new(sender: std::sync::mpsc::SyncSender<Vec<Delivery>>) -> Batches {
        Batches { sender, batch: Vec::new(), bytes: 0 }
    }

    /// Runs `emitter` with this queue as its `put`, and sends what is left in the last batch when it ends.
    /// A failed send means the sink failed, and the writing thread returns its error.
    fn emit<T>(&mut self, emitter: impl FnOnce(&mut Put<'_>) -> Option<T>) -> Option<T> {
        let emitted = emitter(&mut |delivery| self.put(delivery));
        let sent = self.send();
        emitted.filter(|_| sent)
    }

    fn put(&mut self, delivery: Delivery) -> bool {
        self.bytes += delivery.len();
        self.batch.push(delivery);
        self.bytes < EMIT_BATCH_BYTES || self.send()
    }

    fn send(&mut self) -> bool {
        self.bytes = 0;
        let batch = std::mem::take(&mut self.batch);
        batch.is_empty() || self.sender.send(batch).is_ok()
    }
}

/// What a scoped thread returned, or its panic, carried on.
fn rejoin<T>(result: std::thread::Result<T>) -> T {
    result.unwrap_or_else(|panic| std::panic::resume_unwind(panic))
}

/// Puts `access.md` and returns what the READMEs say of the matrix: the whole of it, or, above
/// [`README_MATRIX_MAX_ROWS`] rows, where to find it. `None` when the sink failed.
///
/// Each batch of rows is written as it comes; once the table is past what a README repeats, the text goes to
/// the sink in pieces of about [`PIECE_BYTES`].
fn matrix_documents(deployment: &Deployment, matrix: &dyn MatrixSource, put: &mut Put<'_>) -> Option<String> {
    let root = &deployment.name;
    let path = format!("{root}/access.md");
    let mut access_md = markdown_comment_header(deployment);
    access_md.push('\n');
    let mut section_start = None;
    let mut rows = 0;
    let mut in_pieces = false;
    let mut taken = true;
    matrix.batches(&mut |batch: Matrix| {
        if section_start.is_none() {
            access_md.push_str(&batch.markdown_title());
            section_start = Some(access_md.len());
            batch.write_markdown_head(&mut access_md);
        }
        batch.write_markdown_rows(rows + 1, &mut access_md);
        rows += batch.rows.len();
        if rows > README_MATRIX_MAX_ROWS && access_md.len() >= PIECE_BYTES {
            let piece = std::mem::replace(&mut access_md, String::with_capacity(PIECE_BYTES + PIECE_BYTES / 4));
            taken = put(Delivery::of(path.clone(), piece, false, &mut in_pieces));
        }
        taken
    });
    taken.then_some(())?;
    let Some(section_start) = section_start else {
        panic!("internal error: the access matrix of {root} came without its columns; please report this")
    };
    let access = match readme_access_in_advance(deployment) {
        Some(access) => access,
        None if rows <= README_MATRIX_MAX_ROWS => access_md[section_start..].to_owned(),
        None => matrix_elsewhere(deployment),
    };
    put(Delivery::of(path, access_md, true, &mut in_pieces)).then_some(access)
}

/// What the READMEs say of an access matrix of more than [`README_MATRIX_MAX_ROWS`] rows: where to find it.
///
/// A README that repeats a matrix of thousands of rows is unreadable (and past what a repository host renders),
/// and at 10,000 clients it would add twice 27 MB to the output. The text names no count of rows, so that a
/// deployment with more paths than that, whose matrix has at least a row for each, has its READMEs written
/// before its matrix is computed ([`readme_access_in_advance`]).
fn matrix_elsewhere(deployment: &Deployment) -> String {
    format!(
        "The access matrix of this blueprint has a row for each way into each of its {} access paths, too many to repeat here: it is in `{}/access.md`, beside the `terraform/` and `cloudformation/` folders. Run `bucketbridge explain` on the blueprint to print it, or `bucketbridge explain --why ROW:COLUMN` for the statements that decided a cell.\n",
        deployment.access_paths.len(),
        deployment.name
    )
}

/// What the READMEs say of the access matrix, when that is known before the matrix is computed: where to find
/// it, for a deployment with more access paths than [`README_MATRIX_MAX_ROWS`].
fn readme_access_in_advance(deployment: &Deployment) -> Option<String> {
    (deployment.access_paths.len() > README_MATRIX_MAX_ROWS).then(|| matrix_elsewhere(deployment))
}

/// Puts the files of each module that do not need the access matrix, the `.tf` files and the CloudFormation
/// templates, and returns what the READMEs need of them. `None` when the sink failed.
///
/// The templates come first: a split module is planned (every resource translated once to learn what later
/// stacks import) before its first template is complete, work that, on a thread of its own, needs no sink.
fn files_of_modules(deployment: &Deployment, options: &Options, put: &mut Put<'_>) -> Option<ReadmeInputs> {
    let root = &deployment.name;
    let mut inputs = ReadmeInputs { terraform: Vec::new(), cloudformation: Vec::new() };
    if options.targets.cloudformation {
        for module in &deployment.modules {
            let mut stacks = Vec::new();
            let mut taken = true;
            cloudformation::emit_each(deployment, module, &cloudformation::split::Limits::CLOUDFORMATION, &mut |mut stack| {
                taken = put(Delivery::File(format!("{root}/cloudformation/{}", stack.file), std::mem::take(&mut stack.text)));
                stacks.push(stack);
                taken
            });
            taken.then_some(())?;
            inputs.cloudformation.push(stacks);
        }
    }
    if options.targets.terraform {
        for module in &deployment.modules {
            // Whether the .tf file under way went in pieces: one that comes at once goes whole.
            let mut in_pieces = false;
            let addresses = terraform::tf_files_each(deployment, module, &options.terraform, &mut |file, text, last| {
                put(Delivery::of(format!("{root}/terraform/{}/{file}", module.name), text, last, &mut in_pieces))
            })?;
            inputs.terraform.push(addresses);
        }
    }
    Some(inputs)
}

/// Puts every handoff's two documents. `None` when the sink failed.
fn files_of_handoffs(deployment: &Deployment, put: &mut Put<'_>) -> Option<()> {
    let root = &deployment.name;
    for handoff in &deployment.handoffs {
        let folder = format!("{root}/handoff/{}", handoff.folder);
        put(Delivery::File(format!("{folder}/HANDOFF.md"), prose::handoff_markdown(deployment, handoff))).then_some(())?;
        put(Delivery::File(format!("{folder}/handoff.json"), prose::handoff_json(deployment, handoff))).then_some(())?;
    }
    Some(())
}

/// Below this many model resources a deployment is emitted on one thread: the shipped examples (up to 23
/// resources) take milliseconds, less than starting threads would save.
const PARALLEL_EMIT_MIN_RESOURCES: usize = 200;

/// How many batches of files (or pieces) the emitter threads may have finished that the sink has not taken yet.
const EMIT_QUEUE_BATCHES: usize = 8;

/// About how many bytes of files an emitting thread gathers before it sends them to the sink: some twenty
/// handoff documents, while a template or a piece (larger) goes alone, so that a full queue holds at most half
/// a megabyte more than it did with one file to a send.
const EMIT_BATCH_BYTES: usize = 64 << 10;

/// About how large the pieces of a file put in pieces (`access.md`, a large `main.tf` or README) are: large
/// enough that a write costs little per byte, small beside the whole, and small enough that the few pieces
/// queued for the sink stay small beside the model (1 MB pieces kept 10 MB in the queue). Unit tests use small
/// pieces, so that their files of a few hundred rows or resources come in several.
pub(crate) const PIECE_BYTES: usize = if cfg!(test) { 4 << 10 } else { 256 << 10 };

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
pub(crate) mod tests {
    use super::*;

    #[test]
    fn emitter_threads_give_the_files_one_thread_gives() {
        // 120 clients: the READMEs wait for the matrix to learn that it has too many rows to repeat. 250: more
        // paths than a README repeats rows, so the modules' thread writes them at once. Both say where it is.
        for (count, waits) in [(120, true), (250, false)] {
            let compiled = many_clients(count, |index| format!("capabilities: [upload, browse], prefix: c{index}/"));
            let deployment = &compiled.deployment;
            let resources: usize = deployment.modules.iter().map(|module| module.resources.len()).sum();
            assert!(resources >= PARALLEL_EMIT_MIN_RESOURCES, "the blueprint is too small to be emitted on threads: {resources} resources");
            assert_eq!(readme_access_in_advance(deployment).is_none(), waits, "{count} clients");
            let (mut threads, mut one) = (FileTree::new(), FileTree::new());
            let Ok(()) = emit_on_threads(deployment, &Options::default(), &matrix_batches(deployment), &mut threads, true);
            let Ok(()) = emit_on_threads(deployment, &Options::default(), &matrix_batches(deployment), &mut one, false);
            assert_eq!(threads.len(), compiled.files.len());
            assert!(threads == one, "the files differ between one and three emitter threads ({count} clients)");
            let readme = String::from_utf8(threads["many/terraform/owner/README.md"].clone()).expect("UTF-8");
            assert!(readme.contains(&format!("each of its {count} access paths, too many to repeat here")), "{count} clients");
        }
    }

    /// An external-handoff blueprint `many` with `count` clients, each with the access `access` gives it, compiled.
    pub(crate) fn many_clients(count: u64, access: impl Fn(u64) -> String) -> crate::Compiled {
        let mut blueprint = String::from(
            "scenario: external-handoff\nname: many\nowner: { account: \"111122223333\", region: eu-west-1 }\nbucket: { name: many-exchange, encryption: sse-s3, versioning: true }\nclients:\n",
        );
        for index in 0..count {
            blueprint.push_str(&format!(
                "  - {{ name: Client{index}, account: \"{:012}\", external_id: client-{index}-id, {} }}\n",
                200_000_000_000_u64 + index,
                access(index)
            ));
        }
        crate::compile("many.yaml", &blueprint, Targets::ALL).expect("compiles")
    }

    /// The matrix as `compile_into` hands it to the emitters.
    fn matrix_batches(deployment: &Deployment) -> crate::DeploymentMatrix<'_> {
        crate::DeploymentMatrix::new("a test blueprint", deployment)
    }

    /// Records the pieces each file came in.
    #[derive(Default)]
    struct PieceCounter {
        files: FileTree,
        pieces: BTreeMap<String, (usize, bool)>,
    }

    impl FileSink for PieceCounter {
        type Error = std::convert::Infallible;

        fn put(&mut self, path: String, content: Vec<u8>) -> Result<(), Self::Error> {
            self.files.put(path, content)
        }

        fn put_piece(&mut self, path: &str, piece: &[u8], last: bool) -> Result<(), Self::Error> {
            let (count, ended) = self.pieces.entry(path.to_owned()).or_default();
            assert!(!*ended, "a piece of {path} came after its last");
            (*count, *ended) = (*count + 1, last);
            self.files.put_piece(path, piece, last)
        }
    }

    #[test]
    fn large_files_come_in_pieces_that_add_up_to_the_whole() {
        let compiled = many_clients(250, |_| "capabilities: [upload, browse]".to_owned());
        let deployment = &compiled.deployment;
        let mut sink = PieceCounter::default();
        let Ok(()) = emit_on_threads(deployment, &Options::default(), &matrix_batches(deployment), &mut sink, true);
        let in_pieces: Vec<&str> = sink.pieces.keys().map(String::as_str).collect();
        assert_eq!(
            in_pieces,
            ["many/access.md", "many/cloudformation/README.md", "many/terraform/owner/README.md", "many/terraform/owner/main.tf"],
            "what comes in pieces"
        );
        for (path, (count, ended)) in &sink.pieces {
            assert!(*ended, "{path} was never finished");
            assert!(*count >= 10, "{path} came in {count} pieces");
        }
        let whole = crate::explain::matrix_with(deployment, crate::explain::Columns::Capabilities, crate::explain::Evidence::Outcomes)
            .expect("matrix");
        assert!(whole.rows.len() > README_MATRIX_MAX_ROWS);
        let access = String::from_utf8(sink.files["many/access.md"].clone()).expect("UTF-8");
        assert_eq!(access, format!("{}\n{}", markdown_comment_header(deployment), whole.to_markdown()));
        assert!(sink.files == compiled.files, "files put in pieces differ from the same files collected");
    }

    /// A sink that fails on its third file.
    struct FailingSink(usize);

    impl FileSink for FailingSink {
        type Error = String;

        fn put(&mut self, path: String, _content: Vec<u8>) -> Result<(), String> {
            self.0 += 1;
            if self.0 == 3 { Err(path) } else { Ok(()) }
        }

        fn put_piece(&mut self, path: &str, _piece: &[u8], _last: bool) -> Result<(), String> {
            self.put(path.to_owned(), Vec::new())
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
            let mut sink = FailingSink(0);
            let result =
                emit_on_threads(&compiled.deployment, &Options::default(), &matrix_batches(&compiled.deployment), &mut sink, parallel);
            assert!(result.is_err(), "parallel: {parallel}");
            assert_eq!(sink.0, 3, "the sink was called again after it failed (parallel: {parallel})");
        }
    }
}
