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

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::io::{self, Read as _, Write as _};
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

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
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Generated {
    /// Path relative to the output folder → (blueprint source, content), sorted by path.
    files: BTreeMap<String, (String, Vec<u8>)>,
    /// The blueprints this build compiled, sorted.
    blueprints: BTreeSet<String>,
    /// Whether this build covers every blueprint (the whole blueprint folder): then the outputs of any other
    /// blueprint in the manifest are of a blueprint that is gone, and are removed.
    complete: bool,
}

impl Generated {
    /// An empty build. `complete` says whether it covers every blueprint of the output folder (a build of the
    /// whole blueprint folder) or only some (blueprints named on the command line), whose other outputs stay.
    pub fn new(complete: bool) -> Generated {
        Generated { complete, ..Generated::default() }
    }

    /// Adds one file compiled from the blueprint `source`.
    pub fn put(&mut self, source: &str, path: String, content: Vec<u8>) {
        if !self.blueprints.contains(source) {
            self.blueprints.insert(source.to_owned());
        }
        self.files.insert(path, (source.to_owned(), content));
    }

    /// Adds the next piece of a file compiled from the blueprint `source` that comes in pieces
    /// ([`FileSink::put_piece`]).
    pub fn put_piece(&mut self, source: &str, path: &str, piece: &[u8]) {
        match self.files.get_mut(path) {
            Some((_, content)) => content.extend_from_slice(piece),
            None => self.put(source, path.to_owned(), piece.to_vec()),
        }
    }

    /// Every generated file, without its blueprint.
    pub fn files(&self) -> FileTree {
        self.files.iter().map(|(path, (_, content))| (path.clone(), content.clone())).collect()
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

/// The manifest: what bucketbridge wrote into the output folder.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct Manifest {
    /// A sentence for whoever opens the file (JSON has no comments).
    about: String,
    /// Every file bucketbridge wrote, sorted by path.
    files: Vec<ManifestEntry>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct ManifestEntry {
    /// Path relative to the output folder, with `/`.
    path: String,
    /// The blueprint it was generated from, as shown in headers.
    blueprint: String,
    /// SHA-256 of the content written, in lowercase hex.
    sha256: String,
}

const MANIFEST_ABOUT: &str = "Written by bucketbridge: the files it generated in this folder, so that a rebuild can tell them from files \
                              it did not write and from generated files edited by hand. Do not edit.";

fn sha256(content: &[u8]) -> String {
    lowercase_hex(Sha256::digest(content))
}

fn lowercase_hex(digest: impl IntoIterator<Item = u8>) -> String {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    let mut hex = String::with_capacity(64);
    for byte in digest {
        hex.push(char::from(HEX[usize::from(byte >> 4)]));
        hex.push(char::from(HEX[usize::from(byte & 0xf)]));
    }
    hex
}

/// What a build will do to the output folder, worked out in memory: what `check` compares.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Plan {
    /// The files bucketbridge manages after the build, the manifest included: what the output folder will hold
    /// apart from the files carried over untouched.
    pub files: FileTree,
    /// The same paths as they are on disk now (those that exist), plus every generated file the build removes:
    /// `check` compares this with [`Plan::files`].
    pub current: FileTree,
}

/// The output folder as the previous build left it: its manifest, and every file in it.
#[derive(Debug)]
struct Previous {
    /// The manifest's bytes, when there is one.
    manifest_text: Option<Vec<u8>>,
    /// Its entries by path.
    entries: BTreeMap<String, ManifestEntry>,
    /// Every file under the output folder but the manifest, by relative path.
    on_disk: BTreeSet<String>,
}

/// What becomes of a file that is on disk but was not generated by this build.
enum Leftover {
    /// Carried into the new tree untouched, with its manifest entry when bucketbridge wrote it (the output of a
    /// blueprint this build does not cover).
    Carried(Option<ManifestEntry>),
    /// Removed: a generated file of a blueprint this build covers that it no longer generates. `edited` when
    /// it changed since bucketbridge wrote it.
    Removed { content: Vec<u8>, edited: bool },
}

impl Previous {
    fn read(out: &Path) -> Result<Previous, WriteError> {
        let manifest_path = out.join(MANIFEST);
        let manifest_text = read_if_present(&manifest_path)?;
        let entries = match &manifest_text {
            Some(text) => serde_json::from_slice::<Manifest>(text)
                .map_err(|error| WriteError::UnreadableManifest { path: manifest_path.clone(), reason: error.to_string() })?
                .files
                .into_iter()
                .map(|entry| (entry.path.clone(), entry))
                .collect(),
            None => BTreeMap::new(),
        };
        let on_disk = list_files(out)?.into_iter().filter(|path| path != MANIFEST).collect();
        Ok(Previous { manifest_text, entries, on_disk })
    }

    /// The file at `path` as it is on disk now, if it exists, and whether someone else changed it: a file
    /// about to be replaced by `content` that differs from what bucketbridge last wrote there.
    fn existing(&self, out: &Path, path: &str, content: &[u8]) -> Result<Option<(Vec<u8>, bool)>, WriteError> {
        if !self.on_disk.contains(path) {
            return Ok(None);
        }
        let existing = context("read file", &out.join(path), fs::read(out.join(path)))?;
        // A file that already holds what is generated was not edited, whoever wrote it; only a file about to
        // change needs its hash compared with the manifest's, so an unchanged rebuild hashes each file once.
        let edited = existing != content
            && match self.entries.get(path) {
                Some(entry) => sha256(&existing) != entry.sha256,
                None => true,
            };
        Ok(Some((existing, edited)))
    }

    /// [`Previous::existing`]'s `edited`, for a file about to be replaced by content known only by its SHA-256
    /// (a file written in pieces): equal hashes stand for equal contents.
    fn edited_given_hash(&self, out: &Path, path: &str, new_sha256: &str) -> Result<bool, WriteError> {
        if !self.on_disk.contains(path) {
            return Ok(false);
        }
        // Hashed as it is read: a file that comes in pieces is one too large to be worth holding whole.
        let file = out.join(path);
        let mut hash = Sha256::new();
        let mut read = |mut reader: fs::File| -> io::Result<()> {
            let mut buffer = vec![0; 1 << 16];
            loop {
                match reader.read(&mut buffer)? {
                    0 => return Ok(()),
                    count => hash.update(&buffer[..count]),
                }
            }
        };
        context("read file", &file, fs::File::open(&file).and_then(&mut read))?;
        let existing = lowercase_hex(hash.finalize());
        Ok(existing != new_sha256 && self.entries.get(path).is_none_or(|entry| entry.sha256 != existing))
    }

    /// What becomes of `path`, on disk and not generated by this build; `covers` says whether this build
    /// covers a blueprint (see [`Generated::new`]).
    fn leftover(&self, out: &Path, path: &str, covers: impl Fn(&str) -> bool) -> Result<Leftover, WriteError> {
        match self.entries.get(path) {
            Some(entry) if covers(&entry.blueprint) => {
                let content = context("read file", &out.join(path), fs::read(out.join(path)))?;
                let edited = sha256(&content) != entry.sha256;
                Ok(Leftover::Removed { content, edited })
            }
            Some(entry) => Ok(Leftover::Carried(Some(entry.clone()))),
            None => Ok(Leftover::Carried(None)),
        }
    }
}

/// The manifest's text for these entries.
fn manifest_text(entries: BTreeMap<String, ManifestEntry>) -> Vec<u8> {
    let manifest = Manifest { about: MANIFEST_ABOUT.to_owned(), files: entries.into_values().collect() };
    let mut text = serde_json::to_string_pretty(&manifest).expect("the manifest serializes; please report this");
    text.push('\n');
    text.into_bytes()
}

/// Works out what the output folder `out` must hold after a build that generated `generated`, reading only the
/// manifest and the files bucketbridge wrote or is about to write. The generated contents move into the plan
/// rather than being copied.
///
/// # Errors
///
/// Returns the first file that could not be read, or an unreadable manifest.
pub fn plan(out: &Path, generated: Generated) -> Result<Plan, WriteError> {
    let previous = Previous::read(out)?;
    let mut files = FileTree::new();
    let mut current = FileTree::new();
    let mut entries: BTreeMap<String, ManifestEntry> = BTreeMap::new();
    for path in previous.on_disk.iter().filter(|path| !generated.files.contains_key(*path)) {
        match previous.leftover(out, path, |blueprint| generated.covers(blueprint))? {
            Leftover::Carried(entry) => entries.extend(entry.map(|entry| (path.clone(), entry))),
            Leftover::Removed { content, .. } => {
                current.insert(path.clone(), content);
            }
        }
    }
    for (path, (blueprint, content)) in generated.files {
        if let Some((existing, _)) = previous.existing(out, &path, &content)? {
            current.insert(path.clone(), existing);
        }
        entries.insert(path.clone(), ManifestEntry { path: path.clone(), blueprint, sha256: sha256(&content) });
        files.insert(path, content);
    }
    files.insert(MANIFEST.to_owned(), manifest_text(entries));
    if let Some(text) = previous.manifest_text {
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
    entries: BTreeMap<String, ManifestEntry>,
    /// The blueprints whose files were put.
    blueprints: BTreeSet<String>,
    /// Files put that someone changed since bucketbridge wrote them.
    edited: Vec<String>,
    /// Folders already created in the staging tree, relative to it, with `/` (compared as text: comparing paths
    /// component by component showed in profiles of 10,000-folder builds).
    folders: BTreeSet<String>,
    /// Files being written in pieces, by path.
    in_pieces: BTreeMap<String, FileInPieces>,
    finished: bool,
}

/// A file of the staging tree being written in pieces, and the hash of what it holds so far.
#[derive(Debug)]
struct FileInPieces {
    file: fs::File,
    hash: Sha256,
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
        let previous = Previous::read(out)?;
        remove_if_present(&staging)?;
        remove_if_present(&previous_folder)?;
        context("create folder", &staging, fs::create_dir_all(&staging))?;
        Ok(Staging {
            out: out.to_owned(),
            staging,
            previous_folder,
            previous,
            entries: BTreeMap::new(),
            blueprints: BTreeSet::new(),
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
        let edited = matches!(self.previous.existing(&self.out, &path, content)?, Some((_, true)));
        let target = self.staging.join(&path);
        self.ensure_parent(&path)?;
        context("write file", &target, fs::write(&target, content))?;
        self.record(blueprint, path, sha256(content), edited);
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
        let mut open = match self.in_pieces.remove(path) {
            Some(open) => open,
            None => {
                self.ensure_parent(path)?;
                FileInPieces { file: context("create file", &target, fs::File::create(&target))?, hash: Sha256::new() }
            }
        };
        context("write file", &target, open.file.write_all(piece))?;
        open.hash.update(piece);
        if last {
            let hash = lowercase_hex(open.hash.finalize());
            let edited = self.previous.edited_given_hash(&self.out, path, &hash)?;
            self.record(blueprint, path.to_owned(), hash, edited);
        } else {
            self.in_pieces.insert(path.to_owned(), open);
        }
        Ok(())
    }

    /// Enters a file written into the new tree in its manifest.
    fn record(&mut self, blueprint: &str, path: String, sha256: String, edited: bool) {
        if !self.blueprints.contains(blueprint) {
            self.blueprints.insert(blueprint.to_owned());
        }
        if edited {
            self.edited.push(path.clone());
        }
        self.entries.insert(path.clone(), ManifestEntry { path, blueprint: blueprint.to_owned(), sha256 });
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
        let leftovers: Vec<String> = self.previous.on_disk.iter().filter(|path| !self.entries.contains_key(*path)).cloned().collect();
        for path in leftovers {
            let blueprints = &self.blueprints;
            match self.previous.leftover(&self.out, &path, |blueprint| complete || blueprints.contains(blueprint))? {
                Leftover::Carried(entry) => {
                    if let Some(entry) = entry {
                        self.entries.insert(path.clone(), entry);
                    }
                    carried.push(path);
                }
                Leftover::Removed { edited, .. } => {
                    if edited {
                        self.edited.push(path.clone());
                    }
                    removed.push(path);
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
        // The manifest is written last, so a staging folder that has one is complete.
        let manifest = self.staging.join(MANIFEST);
        context("write file", &manifest, fs::write(&manifest, manifest_text(std::mem::take(&mut self.entries))))?;
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
        Generated::put(self, blueprint, path, content);
        Ok(())
    }

    fn put_piece(&mut self, blueprint: &str, path: &str, piece: &[u8], _last: bool) -> Result<(), WriteError> {
        Generated::put_piece(self, blueprint, path, piece);
        Ok(())
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

/// Every file (and symbolic link) under `out`, by path relative to it with `/`, sorted; empty when `out` does
/// not exist.
fn list_files(out: &Path) -> Result<Vec<String>, WriteError> {
    let mut paths = Vec::new();
    if out.is_dir() {
        list(out, "", &mut paths)?;
    }
    paths.sort();
    Ok(paths)
}

fn list(folder: &Path, prefix: &str, paths: &mut Vec<String>) -> Result<(), WriteError> {
    for entry in context("list folder", folder, fs::read_dir(folder))? {
        let entry = context("list folder", folder, entry)?;
        let name = entry.file_name().to_string_lossy().into_owned();
        let kind = context("list folder", &entry.path(), entry.file_type())?;
        if kind.is_dir() {
            list(&entry.path(), &format!("{prefix}{name}/"), paths)?;
        } else {
            paths.push(format!("{prefix}{name}"));
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
        assert!(manifest.contains(&sha256(b"abcdef")), "{manifest}");

        // Rebuilding over an unedited file, with the same or new content, is no edit.
        build_in_pieces(&out, &["ab", "cd", "ef"]).expect("same content");
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
    fn a_content_hash_is_lowercase_hex_sha256() {
        // FIPS 180-2's test vector for "abc".
        assert_eq!(super::sha256(b"abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    }
}
