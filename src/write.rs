//! The only code that touches the output folder.
//!
//! The output folder is replaced whole or not at all. A build is a [`Staging`]: each generated file is written
//! into a hidden sibling folder (`.<name>.bucketbridge-new`) as soon as the emitters finish it, so a large build
//! never holds its whole tree in memory; [`Staging::finish`] completes that tree and swaps it in, on Linux
//! with one `renameat2(RENAME_EXCHANGE)`, so a crash or `kill -9` at any moment leaves either the complete
//! previous tree or the complete new one. (Elsewhere the swap is two renames; a crash between them leaves the
//! previous tree at `.<name>.bucketbridge-old`, which [`recover`] puts back.) Files are not synced to disk, so
//! the guarantee covers the process dying, not the machine losing power.
//!
//! A manifest, [`MANIFEST`], records every file bucketbridge wrote, the blueprint it came from and its SHA-256,
//! so that a build:
//! - never deletes a file nobody generated: it is carried into the new tree (hard-linked, or copied);
//! - removes the outputs of a blueprint that is gone (on a build of the whole blueprint folder);
//! - stops, naming it, before overwriting or removing a generated file that was edited by hand, or a file it
//!   did not write, unless forced.
//!
//! Nothing reaches the output folder until every blueprint of a build has compiled; a build that fails removes
//! its staging folder. [`plan`] works out the same result in memory, for `check`.

use std::borrow::Cow;
use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::io::{self, Read as _, Write as _};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use serde::{Deserialize, Serialize};
use sha2::{Digest as _, Sha256};

use crate::emit::{Discard, FileSink, FileTree};

/// The manifest's file name, at the top of the output folder.
pub const MANIFEST: &str = ".bucketbridge-manifest.json";

/// What went wrong while planning or writing.
#[derive(Debug)]
pub enum WriteError {
    /// A file-system operation failed.
    Io {
        /// What was being done (`create folder`, `write file`, `rename`).
        operation: &'static str,
        /// The path it was done to.
        path: PathBuf,
        /// The underlying error.
        source: io::Error,
    },
    /// The manifest is not one bucketbridge wrote.
    UnreadableManifest {
        /// Its path.
        path: PathBuf,
        /// What the JSON reader said.
        reason: String,
    },
    /// Files a build would overwrite or remove were changed by someone else: generated files edited by hand, or
    /// files bucketbridge did not write at paths it generates.
    EditedByHand {
        /// Their paths relative to the output folder, sorted.
        paths: Vec<String>,
    },
    /// The output folder has no name of its own (`.`, `..`, `/`), so it has no sibling to build into.
    NoFolderName {
        /// The path given.
        path: PathBuf,
    },
}

impl std::fmt::Display for WriteError {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            WriteError::Io { operation, path, source } => write!(formatter, "could not {operation} `{}`: {source}", path.display()),
            WriteError::UnreadableManifest { path, reason } => write!(
                formatter,
                "could not read the manifest `{}` ({reason}); delete it to start over, then build with --force",
                path.display()
            ),
            WriteError::EditedByHand { paths } => {
                write!(formatter, "{} file(s) in the output folder were changed since bucketbridge wrote them:", paths.len())?;
                for path in paths {
                    write!(formatter, "\n  {path}")?;
                }
                write!(formatter, "\nmove the change into the blueprint, or build with --force to overwrite it")
            }
            WriteError::NoFolderName { path } => {
                write!(formatter, "the output folder `{}` has no name of its own; name a folder such as `generated`", path.display())
            }
        }
    }
}

impl std::error::Error for WriteError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            WriteError::Io { source, .. } => Some(source),
            _ => None,
        }
    }
}

fn context<T>(operation: &'static str, path: &Path, result: io::Result<T>) -> Result<T, WriteError> {
    result.map_err(|source| WriteError::Io { operation, path: path.to_owned(), source })
}

/// What one build generated, file by file, with the blueprint each file came from.
#[derive(Debug, Default)]
pub struct Generated {
    /// Path relative to the output folder → (blueprint source, content), sorted by path.
    files: BTreeMap<String, (String, Content)>,
    /// The blueprints this build compiled, sorted.
    blueprints: BTreeSet<String>,
    /// Whether this build covers every blueprint (the whole blueprint folder): then the outputs of any other
    /// blueprint in the manifest are of a blueprint that is gone, and are removed.
    complete: bool,
    /// The output folder each file is compared with as it comes, for [`Generated::against`].
    against: Option<Against>,
    /// Files coming in pieces, by path, until their last piece.
    arriving: BTreeMap<String, Arriving>,
}

/// A generated file's content, or only its hash once it was found on disk as it is.
#[derive(Debug)]
enum Content {
    Held(Vec<u8>),
    SameOnDisk(Sha256Digest),
}

/// A file coming in pieces. In a build [`Generated::against`] the output folder, while its pieces match the file
/// on disk they are not kept: the disk holds them, and a 10,000-client `access.md` is 27 MB.
#[derive(Debug, Default)]
struct Arriving {
    /// The file on disk while the pieces match it, and the hash of those pieces.
    matching: Option<(Matching, Sha256)>,
    /// All the pieces so far, once they stopped matching (or when there was no file to match).
    held: Vec<u8>,
}

impl Arriving {
    /// The first piece's file, compared with the file on disk at `path` when `against` has one there.
    fn start(against: Option<&Against>, path: &str) -> Result<Arriving, WriteError> {
        let matching = match against {
            Some(against) => Matching::open(&against.out, &against.previous, path)?,
            None => None,
        };
        Ok(Arriving { matching: matching.map(|matching| (matching, Sha256::new())), held: Vec::new() })
    }

    /// Takes the next piece; with `last`, what is kept of the whole file.
    fn take(&mut self, piece: &[u8], last: bool) -> Result<Option<Content>, WriteError> {
        if let Some((matching, hash)) = &mut self.matching {
            if matching.matches(piece, last)? {
                hash.update(piece);
            } else {
                // What matched is on disk: read it back, once, and keep the whole file from here on.
                matching.copy_matched(&mut self.held)?;
                self.matching = None;
            }
        }
        if self.matching.is_none() {
            self.held.extend_from_slice(piece);
        }
        Ok(last.then(|| match self.matching.take() {
            Some((_, hash)) => Content::SameOnDisk(hash.finalize().into()),
            None => Content::Held(std::mem::take(&mut self.held)),
        }))
    }
}

/// The file on disk that a file coming in pieces has matched so far, read as far as it matched.
#[derive(Debug)]
struct Matching {
    file: fs::File,
    /// Where it is, for errors and links.
    path: PathBuf,
    /// How many of its bytes the pieces matched.
    matched: usize,
}

impl Matching {
    /// The regular file `previous` has at `path` in `out`, to compare pieces with; `None` when there is none.
    fn open(out: &Path, previous: &Previous, path: &str) -> Result<Option<Matching>, WriteError> {
        if !previous.on_disk(path).is_some_and(|file| file.regular) {
            return Ok(None);
        }
        let path = out.join(path);
        let file = context("read file", &path, fs::File::open(&path))?;
        Ok(Some(Matching { file, path, matched: 0 }))
    }

    /// Whether the file's next bytes are `piece`, and, for the `last` piece, whether the file ends with it; the
    /// piece counts as matched only then.
    fn matches(&mut self, piece: &[u8], last: bool) -> Result<bool, WriteError> {
        let mut on_disk = vec![0; piece.len()];
        let read = read_up_to(&mut self.file, &mut on_disk);
        if context("read file", &self.path, read)? != piece.len() || on_disk != piece {
            return Ok(false);
        }
        let ends_here = !last || context("read file", &self.path, read_up_to(&mut self.file, &mut [0]))? == 0;
        if ends_here {
            self.matched += piece.len();
        }
        Ok(ends_here)
    }

    /// Copies the bytes the pieces matched, read again from the start of the file, to `to`.
    fn copy_matched(&mut self, to: &mut impl io::Write) -> Result<(), WriteError> {
        let matched = self.matched as u64;
        let copied = io::Seek::rewind(&mut self.file).and_then(|()| io::copy(&mut (&mut self.file).take(matched), to));
        match context("copy file", &self.path, copied)? {
            count if count == matched => Ok(()),
            _ => Err(WriteError::Io {
                operation: "copy file",
                path: self.path.clone(),
                source: io::Error::new(io::ErrorKind::UnexpectedEof, "the file got shorter while it was read"),
            }),
        }
    }
}

/// Reads into `buffer` until it is full or the file ends; the count read.
fn read_up_to(file: &mut fs::File, buffer: &mut [u8]) -> io::Result<usize> {
    let mut filled = 0;
    while filled < buffer.len() {
        match file.read(&mut buffer[filled..])? {
            0 => break,
            count => filled += count,
        }
    }
    Ok(filled)
}

/// The output folder a [`Generated`] compares its files with, as the previous build left it.
#[derive(Debug)]
struct Against {
    out: PathBuf,
    /// The manifest's text, if there is one.
    manifest: Option<Vec<u8>>,
    previous: Previous,
    buffer: Vec<u8>,
}

impl Generated {
    /// An empty build. `complete` says whether it covers every blueprint of the output folder (a build of the
    /// whole blueprint folder) or only some (blueprints named on the command line), whose other outputs stay.
    pub fn new(complete: bool) -> Generated {
        Generated { complete, ..Generated::default() }
    }

    /// An empty build, as [`Generated::new`], that compares each file with the output folder `out` as it comes
    /// and keeps only the hash of one already there as it is: `check` of a 10,000-client deployment then holds
    /// the files that differ, not two copies of 120 MB.
    ///
    /// # Errors
    ///
    /// The output folder or its manifest could not be read.
    pub fn against(out: &Path, complete: bool) -> Result<Generated, WriteError> {
        let manifest = read_if_present(&out.join(MANIFEST))?;
        let previous = Previous::read(out, manifest.as_deref())?;
        let against = Against { out: out.to_owned(), manifest, previous, buffer: vec![0; CHUNK_BYTES] };
        Ok(Generated { against: Some(against), ..Generated::new(complete) })
    }

    /// Adds one file compiled from the blueprint `source`.
    ///
    /// # Errors
    ///
    /// For a build [`Generated::against`] the output folder, the file on disk that could not be read.
    pub fn put(&mut self, source: &str, path: String, content: Vec<u8>) -> Result<(), WriteError> {
        let content = self.settle(&path, content)?;
        self.add(source, path, content);
        Ok(())
    }

    fn add(&mut self, source: &str, path: String, content: Content) {
        if !self.blueprints.contains(source) {
            self.blueprints.insert(source.to_owned());
        }
        self.files.insert(path, (source.to_owned(), content));
    }

    /// Adds the next piece of a file compiled from the blueprint `source` that comes in pieces
    /// ([`FileSink::put_piece`]); the file is added, as by [`Generated::put`], with its `last` piece.
    ///
    /// # Errors
    ///
    /// As for [`Generated::put`].
    pub fn put_piece(&mut self, source: &str, path: &str, piece: &[u8], last: bool) -> Result<(), WriteError> {
        let mut arriving = match self.arriving.remove(path) {
            Some(arriving) => arriving,
            None => Arriving::start(self.against.as_ref(), path)?,
        };
        match arriving.take(piece, last)? {
            Some(content) => self.add(source, path.to_owned(), content),
            None => {
                self.arriving.insert(path.to_owned(), arriving);
            }
        }
        Ok(())
    }

    /// What is kept of `content`, generated for `path`: all of it, or only its hash when it is on disk as it is.
    fn settle(&mut self, path: &str, content: Vec<u8>) -> Result<Content, WriteError> {
        let Some(Against { out, previous, buffer, .. }) = &mut self.against else {
            return Ok(Content::Held(content));
        };
        Ok(match previous.compare(out, path, &content, buffer)? {
            Found::Same => Content::SameOnDisk(sha256(&content)),
            Found::Nothing | Found::Different { .. } => Content::Held(content),
        })
    }

    /// Every generated file held, without its blueprint: for a build [`Generated::against`] the output folder,
    /// only those not already on disk as they are.
    pub fn files(&self) -> FileTree {
        self.files
            .iter()
            .filter_map(|(path, (_, content))| match content {
                Content::Held(content) => Some((path.clone(), content.clone())),
                Content::SameOnDisk(_) => None,
            })
            .collect()
    }

    /// How many files were generated.
    pub fn len(&self) -> usize {
        self.files.len()
    }

    /// Whether nothing was generated.
    pub fn is_empty(&self) -> bool {
        self.files.is_empty()
    }

    fn covers(&self, blueprint: &str) -> bool {
        self.complete || self.blueprints.contains(blueprint)
    }
}

/// SHA-256 of a file's content.
type Sha256Digest = [u8; 32];

/// One manifest entry as it is kept in memory, under its path: a build of 10,000 clients has 20,000, so the
/// blueprint's name is shared and the hash kept as bytes.
#[derive(Clone, Debug, PartialEq, Eq)]
struct Entry {
    /// The blueprint the file was generated from, as shown in headers.
    blueprint: Arc<str>,
    /// SHA-256 of the content written.
    sha256: Sha256Digest,
}

/// Blueprint names, each held once however many entries name it.
#[derive(Debug, Default)]
struct BlueprintNames(BTreeSet<Arc<str>>);

impl BlueprintNames {
    /// The name `name`, shared with every entry that names it.
    fn share(&mut self, name: &str) -> Arc<str> {
        if let Some(shared) = self.0.get(name) {
            return Arc::clone(shared);
        }
        let shared: Arc<str> = Arc::from(name);
        self.0.insert(Arc::clone(&shared));
        shared
    }

    fn contains(&self, name: &str) -> bool {
        self.0.contains(name)
    }
}

/// The manifest as it is read: what bucketbridge wrote into the output folder. Its strings borrow from the
/// manifest's text where they can, so that reading a large manifest allocates little beyond the [`Entry`]s it
/// becomes.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ManifestIn<'a> {
    /// A sentence for whoever opens the file; required, and otherwise of no use to a build.
    #[serde(borrow, rename = "about")]
    _about: Cow<'a, str>,
    /// Every file bucketbridge wrote.
    #[serde(borrow)]
    files: Vec<ManifestEntryIn<'a>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ManifestEntryIn<'a> {
    /// Path relative to the output folder, with `/`.
    #[serde(borrow)]
    path: Cow<'a, str>,
    /// The blueprint it was generated from, as shown in headers.
    #[serde(borrow)]
    blueprint: Cow<'a, str>,
    /// SHA-256 of the content written, in lowercase hex.
    #[serde(borrow)]
    sha256: Cow<'a, str>,
}

/// The manifest as it is written, straight from the entries, sorted by path: `{ "about": ..., "files": [{
/// "path", "blueprint", "sha256" }, ...] }`.
#[derive(Serialize)]
struct ManifestOut<'a> {
    about: &'static str,
    files: ManifestEntriesOut<'a>,
}

struct ManifestEntriesOut<'a>(&'a BTreeMap<String, Entry>);

impl Serialize for ManifestEntriesOut<'_> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_seq(self.0.iter().map(|(path, entry)| ManifestEntryOut {
            path,
            blueprint: &entry.blueprint,
            sha256: LowercaseHex(&entry.sha256),
        }))
    }
}

#[derive(Serialize)]
struct ManifestEntryOut<'a> {
    path: &'a str,
    blueprint: &'a str,
    sha256: LowercaseHex<'a>,
}

/// A digest written as lowercase hex, without a string of its own.
struct LowercaseHex<'a>(&'a Sha256Digest);

impl Serialize for LowercaseHex<'_> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        const HEX: &[u8; 16] = b"0123456789abcdef";
        let mut hex = [0; 64];
        for (pair, byte) in hex.chunks_exact_mut(2).zip(self.0) {
            pair[0] = HEX[usize::from(byte >> 4)];
            pair[1] = HEX[usize::from(byte & 0xf)];
        }
        serializer.serialize_str(std::str::from_utf8(&hex).expect("hex digits are ASCII; please report this"))
    }
}

/// The digest written as `hex`, when it is 64 lowercase hex digits, as bucketbridge writes them.
fn parse_lowercase_hex(hex: &str) -> Option<Sha256Digest> {
    let digit = |character: u8| match character {
        b'0'..=b'9' => Some(character - b'0'),
        b'a'..=b'f' => Some(character - b'a' + 10),
        _ => None,
    };
    let hex = hex.as_bytes();
    if hex.len() != 64 {
        return None;
    }
    let mut digest = [0; 32];
    for (byte, pair) in digest.iter_mut().zip(hex.chunks_exact(2)) {
        *byte = digit(pair[0])? << 4 | digit(pair[1])?;
    }
    Some(digest)
}

const MANIFEST_ABOUT: &str = "Written by bucketbridge: the files it generated in this folder, so that a rebuild can tell them from files \
                              it did not write and from generated files edited by hand. Do not edit.";

/// Writes the manifest of `entries` (path → entry) into `writer`.
fn write_manifest(entries: &BTreeMap<String, Entry>, mut writer: impl io::Write) -> io::Result<()> {
    serde_json::to_writer_pretty(&mut writer, &ManifestOut { about: MANIFEST_ABOUT, files: ManifestEntriesOut(entries) })?;
    writer.write_all(b"\n")
}

fn sha256(content: &[u8]) -> Sha256Digest {
    Sha256::digest(content).into()
}

/// What a build will do to the output folder, worked out in memory: what `check` compares.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Plan {
    /// The files bucketbridge manages after the build, the manifest included: what the output folder will hold
    /// apart from the files carried over untouched (and, for a build [`Generated::against`] the folder, those
    /// already on disk as they are).
    pub files: FileTree,
    /// The same paths as they are on disk now (those that exist), plus every generated file the build removes:
    /// `check` compares this with [`Plan::files`].
    pub current: FileTree,
}

/// A file in the output folder as the previous build left it.
#[derive(Debug)]
struct OnDisk {
    /// Its path relative to the output folder, with `/`.
    path: String,
    /// Its manifest entry, when bucketbridge wrote it.
    entry: Option<Entry>,
    /// Whether it is a regular file, not a symbolic link or something else a new tree must not share.
    regular: bool,
}

/// The output folder as the previous build left it: every file in it but the manifest, sorted by path, each
/// with its manifest entry. Entries of files no longer on disk play no part in a build, so they are dropped.
#[derive(Debug, Default)]
struct Previous {
    files: Vec<OnDisk>,
}

/// What a build finds on disk where it is about to put a generated file.
enum Found {
    /// Nothing: the file is new.
    Nothing,
    /// A regular file that already holds the generated content.
    Same,
    /// Something else, `edited` when it is not what bucketbridge last wrote there.
    Different { edited: bool },
}

/// What becomes of a file that is on disk but was not generated by this build.
enum Leftover<'p> {
    /// Carried into the new tree untouched, with its manifest entry when bucketbridge wrote it (the output of a
    /// blueprint this build does not cover).
    Carried(Option<Entry>),
    /// Removed: a generated file of a blueprint this build covers that it no longer generates, with the entry
    /// bucketbridge wrote it under.
    Removed(&'p Entry),
}

/// How much of a file is read at a time to compare or hash it: the old files of a rebuild are compared with
/// the new ones as they are read, never held whole.
const CHUNK_BYTES: usize = 1 << 16;

impl Previous {
    /// Reads the output folder `out`, given its manifest's text, if it has one.
    fn read(out: &Path, manifest: Option<&[u8]>) -> Result<Previous, WriteError> {
        let mut entries = match manifest {
            Some(text) => Previous::entries(text).map_err(|reason| WriteError::UnreadableManifest { path: out.join(MANIFEST), reason })?,
            None => Vec::new(),
        };
        // The manifest is sorted by path as bucketbridge writes it; one sorted otherwise, or that names a path
        // twice, is read as a map would read it: the last entry for a path counts.
        entries.sort_by(|a, b| a.0.cmp(&b.0));
        let last_entry = |path: &str| {
            let after = entries.partition_point(|(entry_path, _)| entry_path.as_ref() <= path);
            after.checked_sub(1).map(|index| &entries[index]).filter(|(entry_path, _)| entry_path == path).map(|(_, entry)| entry.clone())
        };
        let mut files = list_files(out)?;
        files.retain(|file| file.path != MANIFEST);
        for file in &mut files {
            file.entry = last_entry(&file.path);
        }
        Ok(Previous { files })
    }

    /// The manifest's entries, by path, in the manifest's order.
    fn entries(text: &[u8]) -> Result<Vec<(Cow<'_, str>, Entry)>, String> {
        let manifest: ManifestIn<'_> = serde_json::from_slice(text).map_err(|error| error.to_string())?;
        let mut names = BlueprintNames::default();
        manifest
            .files
            .into_iter()
            .map(|entry| match parse_lowercase_hex(&entry.sha256) {
                Some(sha256) => Ok((entry.path, Entry { blueprint: names.share(&entry.blueprint), sha256 })),
                None => Err(format!("the SHA-256 of `{}` is not 64 lowercase hex digits", entry.path)),
            })
            .collect()
    }

    /// The file at `path`, when it is on disk.
    fn on_disk(&self, path: &str) -> Option<&OnDisk> {
        self.files.binary_search_by(|file| file.path.as_str().cmp(path)).ok().map(|index| &self.files[index])
    }

    /// What is on disk at `path`, where `content` is about to go: nothing, the same content, or a file that was
    /// changed by someone else when it differs from what bucketbridge last wrote there. Read a chunk at a time
    /// into `buffer`.
    fn compare(&self, out: &Path, path: &str, content: &[u8], buffer: &mut [u8]) -> Result<Found, WriteError> {
        let Some(file) = self.on_disk(path) else {
            return Ok(Found::Nothing);
        };
        // A file that already holds what is generated was not edited, whoever wrote it; only a file about to
        // change needs its hash compared with the manifest's, so an unchanged rebuild hashes nothing it reads.
        let mut same = 0;
        let mut hash: Option<Sha256> = None;
        read_chunks(&out.join(path), buffer, |chunk| match &mut hash {
            Some(hash) => hash.update(chunk),
            None if content.get(same..same + chunk.len()) == Some(chunk) => same += chunk.len(),
            None => {
                let mut started = Sha256::new();
                started.update(&content[..same]);
                started.update(chunk);
                hash = Some(started);
            }
        })?;
        let existing = match hash {
            None if same == content.len() && file.regular => return Ok(Found::Same),
            // The content of a symbolic link's target: not edited, but not a file to share either.
            None if same == content.len() => return Ok(Found::Different { edited: false }),
            None => sha256(&content[..same]),
            Some(hash) => hash.finalize().into(),
        };
        Ok(Found::Different { edited: file.entry.as_ref().is_none_or(|entry| entry.sha256 != existing) })
    }

    /// Whether a file was edited, as [`Previous::compare`] says, for a file about to be replaced by content known
    /// only by its SHA-256 (a file written in pieces): equal hashes stand for equal contents.
    fn edited_given_hash(&self, out: &Path, path: &str, new_sha256: &Sha256Digest, buffer: &mut [u8]) -> Result<bool, WriteError> {
        let Some(file) = self.on_disk(path) else {
            return Ok(false);
        };
        let existing = hash_file(&out.join(path), buffer)?;
        Ok(existing != *new_sha256 && file.entry.as_ref().is_none_or(|entry| entry.sha256 != existing))
    }

    /// What becomes of `file`, on disk and not generated by this build; `covers` says whether this build
    /// covers a blueprint (see [`Generated::new`]).
    fn leftover(file: &OnDisk, covers: impl Fn(&str) -> bool) -> Leftover<'_> {
        match &file.entry {
            Some(entry) if covers(&entry.blueprint) => Leftover::Removed(entry),
            entry => Leftover::Carried(entry.clone()),
        }
    }
}

/// Hands the file at `path` to `each` a chunk at a time, read into `buffer`.
fn read_chunks(path: &Path, buffer: &mut [u8], mut each: impl FnMut(&[u8])) -> Result<(), WriteError> {
    let read = |mut reader: fs::File| -> io::Result<()> {
        loop {
            match reader.read(buffer)? {
                0 => return Ok(()),
                count => each(&buffer[..count]),
            }
        }
    };
    context("read file", path, fs::File::open(path).and_then(read))
}

/// SHA-256 of the file at `path`, read a chunk at a time into `buffer`.
fn hash_file(path: &Path, buffer: &mut [u8]) -> Result<Sha256Digest, WriteError> {
    let mut hash = Sha256::new();
    read_chunks(path, buffer, |chunk| hash.update(chunk))?;
    Ok(hash.finalize().into())
}

/// Works out what the output folder `out` must hold after a build that generated `generated`, reading only the
/// manifest and the files bucketbridge wrote or is about to write. The generated contents move into the plan
/// rather than being copied. A file that `generated`, made [`Generated::against`] `out`, found on disk as it
/// is, is in neither tree of the plan: there is nothing to compare.
///
/// # Errors
///
/// Returns the first file that could not be read, or an unreadable manifest.
pub fn plan(out: &Path, mut generated: Generated) -> Result<Plan, WriteError> {
    let (manifest, previous) = match generated.against.take() {
        Some(against) => (against.manifest, against.previous),
        None => {
            let manifest = read_if_present(&out.join(MANIFEST))?;
            let previous = Previous::read(out, manifest.as_deref())?;
            (manifest, previous)
        }
    };
    let read = |path: &str| context("read file", &out.join(path), fs::read(out.join(path)));
    let mut files = FileTree::new();
    let mut current = FileTree::new();
    let mut entries: BTreeMap<String, Entry> = BTreeMap::new();
    for file in previous.files.iter().filter(|file| !generated.files.contains_key(&file.path)) {
        match Previous::leftover(file, |blueprint| generated.covers(blueprint)) {
            Leftover::Carried(entry) => entries.extend(entry.map(|entry| (file.path.clone(), entry))),
            // `check` shows a removed file's content, whether or not it was edited.
            Leftover::Removed(_) => {
                current.insert(file.path.clone(), read(&file.path)?);
            }
        }
    }
    let mut names = BlueprintNames::default();
    for (path, (blueprint, content)) in generated.files {
        let content = match content {
            Content::Held(content) => content,
            Content::SameOnDisk(hash) => {
                entries.insert(path, Entry { blueprint: names.share(&blueprint), sha256: hash });
                continue;
            }
        };
        if previous.on_disk(&path).is_some() {
            current.insert(path.clone(), read(&path)?);
        }
        entries.insert(path.clone(), Entry { blueprint: names.share(&blueprint), sha256: sha256(&content) });
        files.insert(path, content);
    }
    let mut text = Vec::new();
    write_manifest(&entries, &mut text).expect("writing into memory cannot fail; please report this");
    files.insert(MANIFEST.to_owned(), text);
    if let Some(text) = manifest {
        current.insert(MANIFEST.to_owned(), text);
    }
    Ok(Plan { files, current })
}

/// Puts back the previous output folder if a build died between the two renames of the fallback swap (not
/// needed on Linux, where the swap is one step): when `out` is missing and `.<name>.bucketbridge-old` exists.
///
/// # Errors
///
/// Returns the rename that failed.
pub fn recover(out: &Path) -> Result<(), WriteError> {
    let (_, previous) = siblings(out)?;
    if !out.exists() && previous.is_dir() {
        context("rename", &previous, fs::rename(&previous, out))?;
    }
    Ok(())
}

/// A build of the output folder in progress: the new tree grows in a hidden sibling folder, one generated file
/// at a time as the emitters finish it, and replaces `out` whole in [`Staging::finish`]. Until then `out` is
/// untouched; a `Staging` dropped unfinished (an error, a refused build) removes its folder.
///
/// Files are written as they come so that a large build holds one file in memory at a time, not the whole tree.
#[derive(Debug)]
pub struct Staging {
    out: PathBuf,
    staging: PathBuf,
    previous_folder: PathBuf,
    previous: Previous,
    /// The manifest entries of the files written so far, by path.
    entries: BTreeMap<String, Entry>,
    /// The blueprints whose files were put.
    blueprints: BlueprintNames,
    /// Where old files are read a chunk at a time to be compared or hashed.
    buffer: Vec<u8>,
    /// Files put that someone changed since bucketbridge wrote them.
    edited: Vec<String>,
    /// Folders already created in the staging tree, relative to it, with `/` (compared as text: comparing paths
    /// component by component showed in profiles of 10,000-folder builds).
    folders: BTreeSet<String>,
    /// Files being written in pieces, by path.
    in_pieces: BTreeMap<String, FileInPieces>,
    finished: bool,
}

/// A file of the staging tree coming in pieces, and the hash of its pieces so far.
#[derive(Debug)]
struct FileInPieces {
    staged: Staged,
    hash: Sha256,
}

/// Where the pieces of a file go so far.
#[derive(Debug)]
enum Staged {
    /// Nowhere yet: they match the old file, which the new tree takes if the last one does too.
    Matching(Matching),
    /// Into a new file in the staging tree.
    Writing(fs::File),
}

/// What [`Staging::finish`] did.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Written {
    /// How many generated files the new tree holds (the manifest not counted).
    pub files: usize,
    /// Generated files removed (outputs of a removed blueprint, or no longer generated), sorted.
    pub removed: Vec<String>,
    /// Files changed by hand that the build overwrote or removed because it was forced, sorted.
    pub overwritten: Vec<String>,
}

impl Staging {
    /// Starts a build of `out`: puts back a previous tree a crash left aside, reads the manifest, and creates
    /// an empty staging folder (removing one a killed build left).
    ///
    /// # Errors
    ///
    /// An unreadable manifest, or the first file-system operation that failed.
    pub fn begin(out: &Path) -> Result<Staging, WriteError> {
        let (staging, previous_folder) = siblings(out)?;
        recover(out)?;
        // The manifest's text is needed only while it is read: the entries it becomes are a fraction of it.
        let previous = Previous::read(out, read_if_present(&out.join(MANIFEST))?.as_deref())?;
        remove_if_present(&staging)?;
        remove_if_present(&previous_folder)?;
        context("create folder", &staging, fs::create_dir_all(&staging))?;
        Ok(Staging {
            out: out.to_owned(),
            staging,
            previous_folder,
            previous,
            entries: BTreeMap::new(),
            blueprints: BlueprintNames::default(),
            buffer: vec![0; CHUNK_BYTES],
            edited: Vec::new(),
            folders: BTreeSet::new(),
            in_pieces: BTreeMap::new(),
            finished: false,
        })
    }

    /// Writes one file generated from the blueprint `blueprint` into the new tree, at `path` relative to the
    /// output folder.
    ///
    /// # Errors
    ///
    /// The first file-system operation that failed.
    pub fn put(&mut self, blueprint: &str, path: String, content: &[u8]) -> Result<(), WriteError> {
        let found = self.previous.compare(&self.out, &path, content, &mut self.buffer)?;
        let target = self.staging.join(&path);
        self.ensure_parent(&path)?;
        // A file that did not change goes into the new tree as a second name for the old one: nothing to write,
        // and, when the old tree is removed, nothing for the file system to free, which on ext4 also spares the
        // next build's new files a search past thousands of just-deleted inodes. Nothing ever writes to a file
        // once it is in a tree, so sharing it cannot change the old tree. Where links fail, it is written.
        let shared = matches!(found, Found::Same) && fs::hard_link(self.out.join(&path), &target).is_ok();
        if !shared {
            context("write file", &target, fs::write(&target, content))?;
        }
        self.record(blueprint, path, sha256(content), matches!(found, Found::Different { edited: true }));
        Ok(())
    }

    /// Writes the next piece of a file that comes in pieces ([`FileSink::put_piece`]); the file is complete,
    /// and hashed and checked for hand edits like one put whole, with its `last` piece.
    ///
    /// # Errors
    ///
    /// The first file-system operation that failed.
    pub fn put_piece(&mut self, blueprint: &str, path: &str, piece: &[u8], last: bool) -> Result<(), WriteError> {
        let target = self.staging.join(path);
        let create = |target: &Path| context("create file", target, fs::File::create(target));
        let mut open = match self.in_pieces.remove(path) {
            Some(open) => open,
            None => {
                self.ensure_parent(path)?;
                // As with a file put whole, an unchanged file is the old one linked; here that is known only at
                // its last piece, so nothing is written while the pieces match.
                let staged = match Matching::open(&self.out, &self.previous, path)? {
                    Some(matching) => Staged::Matching(matching),
                    None => Staged::Writing(create(&target)?),
                };
                FileInPieces { staged, hash: Sha256::new() }
            }
        };
        open.hash.update(piece);
        if let Staged::Matching(matching) = &mut open.staged {
            if !matching.matches(piece, last)? {
                let mut file = create(&target)?;
                matching.copy_matched(&mut file)?;
                open.staged = Staged::Writing(file);
            }
        }
        if let Staged::Writing(file) = &mut open.staged {
            context("write file", &target, file.write_all(piece))?;
        }
        if !last {
            self.in_pieces.insert(path.to_owned(), open);
            return Ok(());
        }
        let hash = open.hash.finalize().into();
        let edited = match open.staged {
            Staged::Matching(matching) => {
                carry(&matching.path, &target)?;
                false
            }
            Staged::Writing(_) => self.previous.edited_given_hash(&self.out, path, &hash, &mut self.buffer)?,
        };
        self.record(blueprint, path.to_owned(), hash, edited);
        Ok(())
    }

    /// Enters a file written into the new tree in its manifest.
    fn record(&mut self, blueprint: &str, path: String, sha256: Sha256Digest, edited: bool) {
        if edited {
            self.edited.push(path.clone());
        }
        self.entries.insert(path, Entry { blueprint: self.blueprints.share(blueprint), sha256 });
    }

    /// Completes the new tree and swaps it in for `out`: files on disk that this build did not generate are
    /// carried over (hard-linked, or copied) or, when they are outputs of a blueprint this build covers, left
    /// out; the manifest is written last. `complete` says whether this build covered every blueprint (see
    /// [`Generated::new`]).
    ///
    /// # Errors
    ///
    /// [`WriteError::EditedByHand`] when files changed by someone else would be overwritten or removed and
    /// `force` is false; otherwise the first file-system operation that failed. Either way `out` is left as
    /// it was and the staging folder is removed.
    pub fn finish(mut self, complete: bool, force: bool) -> Result<Written, WriteError> {
        if let Some(path) = self.in_pieces.keys().next() {
            panic!("internal error: {path} was never given its last piece; please report this");
        }
        let files = self.entries.len();
        let mut removed = Vec::new();
        let mut carried = Vec::new();
        let previous = std::mem::take(&mut self.previous);
        for file in previous.files {
            if self.entries.contains_key(&file.path) {
                continue;
            }
            let blueprints = &self.blueprints;
            match Previous::leftover(&file, |blueprint| complete || blueprints.contains(blueprint)) {
                Leftover::Carried(entry) => {
                    if let Some(entry) = entry {
                        self.entries.insert(file.path.clone(), entry);
                    }
                    carried.push(file.path);
                }
                Leftover::Removed(entry) => {
                    // Removing a file edited since bucketbridge wrote it needs --force, as overwriting one does.
                    if hash_file(&self.out.join(&file.path), &mut self.buffer)? != entry.sha256 {
                        self.edited.push(file.path.clone());
                    }
                    removed.push(file.path);
                }
            }
        }
        self.edited.sort();
        if !self.edited.is_empty() && !force {
            return Err(WriteError::EditedByHand { paths: std::mem::take(&mut self.edited) });
        }
        for path in &carried {
            let target = self.staging.join(path);
            self.ensure_parent(path)?;
            carry(&self.out.join(path), &target)?;
        }
        // The manifest is written last, so a staging folder that has one is complete; it is written as it is
        // serialized, because a 10,000-client manifest is 4 MB of text.
        let manifest = self.staging.join(MANIFEST);
        let written = fs::File::create(&manifest).and_then(|file| {
            let mut writer = io::BufWriter::with_capacity(CHUNK_BYTES, file);
            write_manifest(&self.entries, &mut writer)?;
            writer.flush()
        });
        context("write file", &manifest, written)?;
        swap_in(&self.staging, &self.out, &self.previous_folder)?;
        self.finished = true;
        Ok(Written { files, removed, overwritten: std::mem::take(&mut self.edited) })
    }

    /// Creates the folder of `path` (relative to the output folder, with `/`) in the staging tree.
    fn ensure_parent(&mut self, path: &str) -> Result<(), WriteError> {
        if let Some((parent, _)) = path.rsplit_once('/').filter(|(parent, _)| !self.folders.contains(*parent)) {
            let folder = self.staging.join(parent);
            context("create folder", &folder, fs::create_dir_all(&folder))?;
            self.folders.insert(parent.to_owned());
        }
        Ok(())
    }
}

impl Drop for Staging {
    fn drop(&mut self) {
        if !self.finished {
            // Best effort: a folder left behind is removed by the next build's `begin` anyway.
            let _ = fs::remove_dir_all(&self.staging);
        }
    }
}

/// Where a build's generated files go, each with the blueprint it came from: the staging tree of `build`, or
/// the files `check` compares, in memory.
pub trait Destination {
    /// Takes one whole file generated from `blueprint`.
    ///
    /// # Errors
    ///
    /// The first file-system operation that failed.
    fn put(&mut self, blueprint: &str, path: String, content: Vec<u8>) -> Result<(), WriteError>;

    /// Takes the next piece of a file generated from `blueprint` ([`FileSink::put_piece`]).
    ///
    /// # Errors
    ///
    /// The first file-system operation that failed.
    fn put_piece(&mut self, blueprint: &str, path: &str, piece: &[u8], last: bool) -> Result<(), WriteError>;
}

impl Destination for Staging {
    fn put(&mut self, blueprint: &str, path: String, content: Vec<u8>) -> Result<(), WriteError> {
        Staging::put(self, blueprint, path, &content)
    }

    fn put_piece(&mut self, blueprint: &str, path: &str, piece: &[u8], last: bool) -> Result<(), WriteError> {
        Staging::put_piece(self, blueprint, path, piece, last)
    }
}

impl Destination for Generated {
    fn put(&mut self, blueprint: &str, path: String, content: Vec<u8>) -> Result<(), WriteError> {
        Generated::put(self, blueprint, path, content)
    }

    fn put_piece(&mut self, blueprint: &str, path: &str, piece: &[u8], last: bool) -> Result<(), WriteError> {
        Generated::put_piece(self, blueprint, path, piece, last)
    }
}

/// `validate` builds every file, as `build` does, and drops each as soon as it is made.
impl Destination for Discard {
    fn put(&mut self, _blueprint: &str, _path: String, _content: Vec<u8>) -> Result<(), WriteError> {
        Ok(())
    }

    fn put_piece(&mut self, _blueprint: &str, _path: &str, _piece: &[u8], _last: bool) -> Result<(), WriteError> {
        Ok(())
    }
}

/// The files of one blueprint, as a [`FileSink`] that hands them to a [`Destination`].
#[derive(Debug)]
pub struct BlueprintFiles<'a, D: ?Sized> {
    /// Where the files go.
    pub destination: &'a mut D,
    /// The blueprint they come from, as shown in headers.
    pub blueprint: &'a str,
}

impl<D: Destination + ?Sized> FileSink for BlueprintFiles<'_, D> {
    type Error = WriteError;

    fn put(&mut self, path: String, content: Vec<u8>) -> Result<(), WriteError> {
        self.destination.put(self.blueprint, path, content)
    }

    fn put_piece(&mut self, path: &str, piece: &[u8], last: bool) -> Result<(), WriteError> {
        self.destination.put_piece(self.blueprint, path, piece, last)
    }
}

/// The hidden siblings of `out`: where the new tree is built, and where the old one waits to be removed.
fn siblings(out: &Path) -> Result<(PathBuf, PathBuf), WriteError> {
    let Some(name) = out.file_name().map(|name| name.to_string_lossy().into_owned()) else {
        return Err(WriteError::NoFolderName { path: out.to_owned() });
    };
    let parent = out.parent().filter(|parent| !parent.as_os_str().is_empty()).unwrap_or(Path::new("."));
    Ok((parent.join(format!(".{name}.bucketbridge-new")), parent.join(format!(".{name}.bucketbridge-old"))))
}

/// Moves the finished `staging` tree to `out`.
fn swap_in(staging: &Path, out: &Path, previous: &Path) -> Result<(), WriteError> {
    if !out.exists() {
        if let Some(parent) = out.parent().filter(|parent| !parent.as_os_str().is_empty()) {
            context("create folder", parent, fs::create_dir_all(parent))?;
        }
        return context("rename", staging, fs::rename(staging, out));
    }
    if exchange(staging, out)? {
        // The old tree is now at the staging path.
        return remove_if_present(staging);
    }
    context("rename", out, fs::rename(out, previous))?;
    context("rename", staging, fs::rename(staging, out))?;
    remove_if_present(previous)
}

/// Swaps two folders in one step; `Ok(false)` where the system or file system cannot.
#[cfg(target_os = "linux")]
fn exchange(a: &Path, b: &Path) -> Result<bool, WriteError> {
    use rustix::fs::{CWD, RenameFlags, renameat_with};
    match renameat_with(CWD, a, CWD, b, RenameFlags::EXCHANGE) {
        Ok(()) => Ok(true),
        Err(rustix::io::Errno::INVAL | rustix::io::Errno::NOSYS | rustix::io::Errno::OPNOTSUPP) => Ok(false),
        Err(error) => Err(WriteError::Io { operation: "swap in", path: b.to_owned(), source: error.into() }),
    }
}

#[cfg(not(target_os = "linux"))]
fn exchange(_: &Path, _: &Path) -> Result<bool, WriteError> {
    Ok(false)
}

/// Puts an existing file into the new tree: a hard link (cheap, and the content cannot change in between),
/// else a copy; a symbolic link as a symbolic link to the same place.
fn carry(from: &Path, to: &Path) -> Result<(), WriteError> {
    let metadata = context("read file", from, fs::symlink_metadata(from))?;
    #[cfg(unix)]
    if metadata.file_type().is_symlink() {
        let target = context("read link", from, fs::read_link(from))?;
        return context("create link", to, std::os::unix::fs::symlink(target, to));
    }
    let _ = metadata;
    if fs::hard_link(from, to).is_ok() {
        return Ok(());
    }
    context("copy file", from, fs::copy(from, to)).map(|_| ())
}

/// Every file (and symbolic link) under `out`, by path relative to it with `/`, sorted, without manifest
/// entries; empty when `out` does not exist.
fn list_files(out: &Path) -> Result<Vec<OnDisk>, WriteError> {
    let mut files = Vec::new();
    if out.is_dir() {
        list(out, "", &mut files)?;
    }
    files.sort_by(|a, b| a.path.cmp(&b.path));
    Ok(files)
}

fn list(folder: &Path, prefix: &str, files: &mut Vec<OnDisk>) -> Result<(), WriteError> {
    for entry in context("list folder", folder, fs::read_dir(folder))? {
        let entry = context("list folder", folder, entry)?;
        let name = entry.file_name().to_string_lossy().into_owned();
        // The kind the folder listing gives, without a `stat` per file on Linux's common file systems.
        let kind = context("list folder", &entry.path(), entry.file_type())?;
        if kind.is_dir() {
            list(&entry.path(), &format!("{prefix}{name}/"), files)?;
        } else {
            // Sized exactly: a rebuild keeps every path of a 20,000-file tree while it runs.
            let mut path = String::with_capacity(prefix.len() + name.len());
            path.push_str(prefix);
            path.push_str(&name);
            files.push(OnDisk { path, entry: None, regular: kind.is_file() });
        }
    }
    Ok(())
}

fn read_if_present(path: &Path) -> Result<Option<Vec<u8>>, WriteError> {
    match fs::read(path) {
        Ok(content) => Ok(Some(content)),
        Err(error) if error.kind() == io::ErrorKind::NotFound => Ok(None),
        Err(error) => Err(WriteError::Io { operation: "read file", path: path.to_owned(), source: error }),
    }
}

fn remove_if_present(path: &Path) -> Result<(), WriteError> {
    match fs::remove_dir_all(path) {
        Err(error) if error.kind() != io::ErrorKind::NotFound => {
            Err(WriteError::Io { operation: "remove folder", path: path.to_owned(), source: error })
        }
        _ => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn build_in_pieces(out: &Path, pieces: &[&str]) -> Result<Written, WriteError> {
        let mut staging = Staging::begin(out)?;
        staging.put("b.yaml", "b/whole.md".into(), b"whole")?;
        for (index, piece) in pieces.iter().enumerate() {
            staging.put_piece("b.yaml", "b/access.md", piece.as_bytes(), index + 1 == pieces.len())?;
        }
        staging.finish(true, false)
    }

    #[test]
    fn a_file_put_in_pieces_is_written_hashed_and_guarded_like_a_whole_one() {
        let folder = tempfile::tempdir().expect("temporary folder");
        let out = folder.path().join("generated");
        build_in_pieces(&out, &["ab", "cd", "ef"]).expect("first build");
        assert_eq!(fs::read_to_string(out.join("b/access.md")).expect("written"), "abcdef");
        let manifest = fs::read_to_string(out.join(MANIFEST)).expect("manifest");
        assert!(manifest.contains("bef57ec7f53a6d40beb640a780a639c83bc29ac8a9816f1fc6c5c6dcd93c4721"), "{manifest}");

        // Rebuilding over an unedited file, with the same or new content, is no edit. The same content, however
        // it is cut into pieces, is the same file; new content is written whole, what matched the old file too.
        #[cfg(unix)]
        let inode = || std::os::unix::fs::MetadataExt::ino(&fs::metadata(out.join("b/access.md")).expect("on disk"));
        #[cfg(unix)]
        let before = inode();
        build_in_pieces(&out, &["abc", "def"]).expect("same content");
        #[cfg(unix)]
        assert_eq!(inode(), before, "an unchanged file in pieces was written again");
        build_in_pieces(&out, &["ab", "cd", "e"]).expect("shorter");
        assert_eq!(fs::read_to_string(out.join("b/access.md")).expect("written"), "abcde");
        build_in_pieces(&out, &["abc", "dx"]).expect("new content");
        assert_eq!(fs::read_to_string(out.join("b/access.md")).expect("written"), "abcdx");

        fs::write(out.join("b/access.md"), "edited").expect("hand edit");
        match build_in_pieces(&out, &["ab", "cd"]) {
            Err(WriteError::EditedByHand { paths }) => assert_eq!(paths, ["b/access.md"]),
            other => panic!("a hand-edited file was not named: {other:?}"),
        }
        // Unless the edit already is what would be generated.
        build_in_pieces(&out, &["edi", "ted"]).expect("an edit that matches the new content");
    }

    #[test]
    fn a_build_against_the_output_folder_keeps_only_what_differs_from_it() {
        let folder = tempfile::tempdir().expect("temporary folder");
        let out = folder.path().join("generated");
        build_in_pieces(&out, &["ab", "cd", "ef"]).expect("first build");

        let plan_of = |pieces: &[&str], whole: &[u8]| {
            let mut generated = Generated::against(&out, true).expect("reads the folder");
            generated.put("b.yaml", "b/whole.md".into(), whole.to_vec()).expect("compares");
            for (index, piece) in pieces.iter().enumerate() {
                generated.put_piece("b.yaml", "b/access.md", piece.as_bytes(), index + 1 == pieces.len()).expect("compares");
            }
            plan(&out, generated).expect("plans")
        };
        // Split differently from the first build, and the same bytes: nothing but the manifest to compare, and
        // the manifest as the first build wrote it.
        let same = plan_of(&["abc", "def"], b"whole");
        assert_eq!(same.files.keys().collect::<Vec<_>>(), [MANIFEST]);
        assert_eq!(same.files, same.current);

        // A change anywhere keeps the whole file, all of its pieces, on both sides.
        let changed = plan_of(&["ab", "cd", "eX"], b"whole, changed");
        assert_eq!(changed.files["b/access.md"], b"abcdeX");
        assert_eq!(changed.current["b/access.md"], b"abcdef");
        assert_eq!(changed.files["b/whole.md"], b"whole, changed");
        assert_eq!(changed.current["b/whole.md"], b"whole");
        assert_ne!(changed.files[MANIFEST], changed.current[MANIFEST]);
        let longer = plan_of(&["ab", "cd", "ef", "gh"], b"whole");
        assert_eq!(longer.files["b/access.md"], b"abcdefgh");
        assert!(!longer.files.contains_key("b/whole.md"));
        let shorter = plan_of(&["ab", "cd"], b"whole");
        assert_eq!(shorter.files["b/access.md"], b"abcd");
        assert_eq!(shorter.current["b/access.md"], b"abcdef");

        // A file that is not on disk yet, or not a regular file, is kept whole as well.
        fs::remove_file(out.join("b/access.md")).expect("removes");
        let missing = plan_of(&["ab", "cd", "ef"], b"whole");
        assert_eq!(missing.files["b/access.md"], b"abcdef");
        assert!(!missing.current.contains_key("b/access.md"));
    }

    #[test]
    fn a_content_hash_is_lowercase_hex_sha256() {
        // FIPS 180-2's test vector for "abc".
        let hex = serde_json::to_string(&LowercaseHex(&super::sha256(b"abc"))).expect("serializes");
        assert_eq!(hex, "\"ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad\"");
        assert_eq!(parse_lowercase_hex(&hex[1..65]), Some(super::sha256(b"abc")));
    }
}
