//! Comparing a generated file tree with a folder on disk, reporting missing, extra and differing files.

use std::collections::BTreeMap;
use std::path::Path;

/// Every file under `root`, by path relative to it with `/`.
pub fn read_tree(root: &Path) -> BTreeMap<String, Vec<u8>> {
    let mut files = BTreeMap::new();
    if root.exists() {
        collect(root, root, &mut files);
    }
    files
}

fn collect(root: &Path, folder: &Path, files: &mut BTreeMap<String, Vec<u8>>) {
    for entry in std::fs::read_dir(folder).expect("folder is readable") {
        let path = entry.expect("entry is readable").path();
        if path.is_dir() {
            collect(root, &path, files);
        } else {
            let relative = path.strip_prefix(root).expect("under root").to_string_lossy().replace('\\', "/");
            files.insert(relative, std::fs::read(&path).expect("file is readable"));
        }
    }
}

/// The differences between `expected` (on disk) and `actual`, as a report; empty when identical.
pub fn differences(expected: &BTreeMap<String, Vec<u8>>, actual: &BTreeMap<String, Vec<u8>>) -> String {
    let mut report = String::new();
    for (path, content) in actual {
        match expected.get(path) {
            None => report.push_str(&format!("missing from golden: {path}\n")),
            Some(old) if old != content => {
                report.push_str(&format!("differs: {path}\n"));
                let old = String::from_utf8_lossy(old);
                let new = String::from_utf8_lossy(content);
                let diff = similar::TextDiff::from_lines(old.as_ref(), new.as_ref());
                report.push_str(&diff.unified_diff().context_radius(2).header("golden", "generated").to_string());
            }
            Some(_) => {}
        }
    }
    for path in expected.keys().filter(|path| !actual.contains_key(*path)) {
        report.push_str(&format!("no longer generated (stale in golden): {path}\n"));
    }
    report
}

/// Replaces the folder `root` with exactly `files`.
pub fn write_tree(root: &Path, files: &BTreeMap<String, Vec<u8>>) {
    if root.exists() {
        std::fs::remove_dir_all(root).expect("old golden folder is removable");
    }
    for (path, content) in files {
        let target = root.join(path);
        std::fs::create_dir_all(target.parent().expect("file has a parent")).expect("folder is creatable");
        std::fs::write(target, content).expect("file is writable");
    }
}
