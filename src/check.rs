//! Drift: how the output folder on disk differs from what `build` would leave there.
//!
//! `bucketbridge check` regenerates in memory, asks [`crate::write::plan`] what the files bucketbridge manages in
//! the output folder would be after a build and what they are now, and compares the two here. Files nobody
//! generated are not compared: a build carries them over untouched. Nor are generated files already on disk as
//! they are, which the regeneration compared as it went and kept only the hash of. This module does
//! no I/O: it compares two trees and renders the differences as a unified diff from the disk to the build,
//! which `git apply` can take.

use std::collections::BTreeMap;

use crate::emit::FileTree;

/// How one file differs.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum DriftKind {
    /// `build` would write it and it is not on disk.
    Missing,
    /// It is on disk with other content than `build` would write (edited by hand, or generated from an older
    /// blueprint).
    Stale,
    /// It is on disk and `build` would remove it (generated before, from a blueprint since removed or changed).
    Extra,
}

impl DriftKind {
    /// The word used in reports: `missing`, `stale`, `extra`.
    pub fn as_str(self) -> &'static str {
        match self {
            DriftKind::Missing => "missing",
            DriftKind::Stale => "stale",
            DriftKind::Extra => "extra",
        }
    }
}

/// One file that differs, by its path relative to the output folder.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Drift {
    /// Path relative to the output folder, with `/`.
    pub path: String,
    /// How it differs.
    pub kind: DriftKind,
}

/// Every difference between the output folder as a build would leave it (`expected`) and as it is (`actual`),
/// sorted by path.
pub fn check(expected: &FileTree, actual: &FileTree) -> Vec<Drift> {
    let mut drifts: BTreeMap<&str, DriftKind> = BTreeMap::new();
    for (path, content) in expected {
        match actual.get(path) {
            None => {
                drifts.insert(path, DriftKind::Missing);
            }
            Some(on_disk) if on_disk != content => {
                drifts.insert(path, DriftKind::Stale);
            }
            Some(_) => {}
        }
    }
    for path in actual.keys().filter(|path| !expected.contains_key(*path)) {
        drifts.insert(path, DriftKind::Extra);
    }
    drifts.into_iter().map(|(path, kind)| Drift { path: path.to_owned(), kind }).collect()
}

/// The drifts as one unified diff, each file introduced by a line naming its kind (`stale: generated/...`).
/// `out` is the output folder as shown to the user; it prefixes every path, so the diff applies from the
/// folder `out` is relative to.
pub fn render(out: &str, drifts: &[Drift], expected: &FileTree, actual: &FileTree) -> String {
    let mut report = String::new();
    for drift in drifts {
        let shown = format!("{out}/{}", drift.path);
        let old = actual.get(&drift.path).map(|content| String::from_utf8_lossy(content));
        let new = expected.get(&drift.path).map(|content| String::from_utf8_lossy(content));
        let old_header = if old.is_some() { format!("a/{shown}") } else { "/dev/null".to_owned() };
        let new_header = if new.is_some() { format!("b/{shown}") } else { "/dev/null".to_owned() };
        let old = old.unwrap_or_default();
        let new = new.unwrap_or_default();
        report.push_str(&format!("{}: {shown}\n", drift.kind.as_str()));
        let diff = similar::TextDiff::from_lines(old.as_ref(), new.as_ref());
        let mut unified = diff.unified_diff();
        report.push_str(&unified.context_radius(3).header(&old_header, &new_header).to_string());
        if old == new {
            // Same text, different bytes (invalid UTF-8 replaced the same way): say so instead of an empty diff.
            report.push_str("(binary content differs)\n");
        }
    }
    report
}

/// A one-line count, such as `1 missing, 2 stale, 0 extra`.
pub fn summary(drifts: &[Drift]) -> String {
    let count = |kind| drifts.iter().filter(|drift| drift.kind == kind).count();
    format!("{} missing, {} stale, {} extra", count(DriftKind::Missing), count(DriftKind::Stale), count(DriftKind::Extra))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tree(files: &[(&str, &str)]) -> FileTree {
        files.iter().map(|(path, content)| ((*path).to_owned(), content.as_bytes().to_vec())).collect()
    }

    #[test]
    fn identical_trees_have_no_drift() {
        let files = tree(&[("a/main.tf", "x\n")]);
        assert!(check(&files, &files).is_empty());
    }

    #[test]
    fn missing_stale_and_extra_files_are_named_with_a_diff() {
        let expected = tree(&[("a/main.tf", "one\ntwo\n"), ("a/new.tf", "new\n")]);
        let actual = tree(&[("a/main.tf", "one\nTWO\n"), ("a/old.tf", "old\n")]);
        let drifts = check(&expected, &actual);
        let kinds: Vec<(&str, DriftKind)> = drifts.iter().map(|drift| (drift.path.as_str(), drift.kind)).collect();
        assert_eq!(kinds, [("a/main.tf", DriftKind::Stale), ("a/new.tf", DriftKind::Missing), ("a/old.tf", DriftKind::Extra)]);
        assert_eq!(summary(&drifts), "1 missing, 1 stale, 1 extra");
        assert_eq!(
            render("generated", &drifts, &expected, &actual),
            "stale: generated/a/main.tf\n--- a/generated/a/main.tf\n+++ b/generated/a/main.tf\n@@ -1,2 +1,2 @@\n one\n-TWO\n+two\n\
             missing: generated/a/new.tf\n--- /dev/null\n+++ b/generated/a/new.tf\n@@ -0,0 +1 @@\n+new\n\
             extra: generated/a/old.tf\n--- a/generated/a/old.tf\n+++ /dev/null\n@@ -1 +0,0 @@\n-old\n"
        );
    }
}
