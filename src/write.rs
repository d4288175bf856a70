//! The only code that touches the output folder.
//!
//! A blueprint's output folder is replaced whole or not at all: the new tree is written into a hidden sibling
//! folder first, then swapped in by renames, so a failure while writing leaves the previous output as it was.
//! Nothing is written until every blueprint of a build has compiled.

use std::fs;
use std::io;
use std::path::{Path, PathBuf};

use crate::emit::FileTree;

/// A failed file-system operation, naming the path and what was being done.
#[derive(Debug)]
pub struct WriteError {
    /// What was being done (`create folder`, `write file`, `rename`).
    pub operation: &'static str,
    /// The path it was done to.
    pub path: PathBuf,
    /// The underlying error.
    pub source: io::Error,
}

impl std::fmt::Display for WriteError {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(formatter, "could not {} `{}`: {}", self.operation, self.path.display(), self.source)
    }
}

impl std::error::Error for WriteError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        Some(&self.source)
    }
}

fn context<T>(operation: &'static str, path: &Path, result: io::Result<T>) -> Result<T, WriteError> {
    result.map_err(|source| WriteError { operation, path: path.to_owned(), source })
}

/// Writes `tree` under `out`, replacing the folder of each blueprint the tree holds (its first path component)
/// and leaving every other file under `out` alone.
///
/// # Errors
///
/// Returns the first file-system operation that failed; the folder being replaced is then left as it was.
pub fn write(out: &Path, tree: &FileTree) -> Result<(), WriteError> {
    context("create folder", out, fs::create_dir_all(out))?;
    let mut blueprints: Vec<&str> = tree.keys().filter_map(|path| path.split('/').next()).collect();
    blueprints.dedup();
    for blueprint in blueprints {
        let prefix = format!("{blueprint}/");
        let staging = out.join(format!(".{blueprint}.bucketbridge-new"));
        let previous = out.join(format!(".{blueprint}.bucketbridge-old"));
        remove_if_present(&staging)?;
        remove_if_present(&previous)?;
        for (path, content) in tree.range(prefix.clone()..).take_while(|(path, _)| path.starts_with(&prefix)) {
            let target = staging.join(&path[prefix.len()..]);
            if let Some(parent) = target.parent() {
                context("create folder", parent, fs::create_dir_all(parent))?;
            }
            context("write file", &target, fs::write(&target, content))?;
        }
        let destination = out.join(blueprint);
        if destination.exists() {
            context("rename", &destination, fs::rename(&destination, &previous))?;
        }
        context("rename", &staging, fs::rename(&staging, &destination))?;
        remove_if_present(&previous)?;
    }
    Ok(())
}

/// What the output folder `out` would hold after [`write`]ing `tree`: the files under it now, with the folder
/// of every blueprint in `tree` replaced by that blueprint's files. `check` compares this with [`read_tree`].
///
/// # Errors
///
/// Returns the first file-system operation that failed while reading `out`.
pub fn plan(out: &Path, tree: &FileTree) -> Result<FileTree, WriteError> {
    let blueprints: Vec<String> = tree.keys().filter_map(|path| path.split('/').next()).map(|name| format!("{name}/")).collect();
    let mut planned: FileTree =
        read_tree(out)?.into_iter().filter(|(path, _)| !blueprints.iter().any(|prefix| path.starts_with(prefix))).collect();
    planned.extend(tree.iter().map(|(path, content)| (path.clone(), content.clone())));
    Ok(planned)
}

/// Every file under `out`, by path relative to it with `/`; empty when `out` does not exist. Symbolic links are
/// read through.
///
/// # Errors
///
/// Returns the first file or folder that could not be read.
pub fn read_tree(out: &Path) -> Result<FileTree, WriteError> {
    let mut tree = FileTree::new();
    if out.exists() {
        collect(out, "", &mut tree)?;
    }
    Ok(tree)
}

fn collect(folder: &Path, prefix: &str, tree: &mut FileTree) -> Result<(), WriteError> {
    let mut entries = Vec::new();
    for entry in context("list folder", folder, fs::read_dir(folder))? {
        entries.push(context("list folder", folder, entry)?);
    }
    for entry in entries {
        let path = entry.path();
        let name = entry.file_name().to_string_lossy().into_owned();
        let relative = format!("{prefix}{name}");
        if path.is_dir() {
            collect(&path, &format!("{relative}/"), tree)?;
        } else {
            tree.insert(relative, context("read file", &path, fs::read(&path))?);
        }
    }
    Ok(())
}

fn remove_if_present(path: &Path) -> Result<(), WriteError> {
    match fs::remove_dir_all(path) {
        Err(error) if error.kind() != io::ErrorKind::NotFound => {
            Err(WriteError { operation: "remove folder", path: path.to_owned(), source: error })
        }
        _ => Ok(()),
    }
}
