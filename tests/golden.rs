//! Every example blueprint generates exactly its golden tree, byte for byte.
//! Bless after an intended change with `SNAPSHOTS=overwrite cargo test golden`, then read the diff.

use crate::support::{self, tree};

#[test]
fn every_example_blueprint_matches_its_golden_tree() {
    let bless = support::blessing();
    let mut failures = String::new();
    for path in support::example_blueprints() {
        let compiled = support::compile_example(&path);
        let name = compiled.deployment.name.clone();
        let prefix = format!("{name}/");
        let generated: std::collections::BTreeMap<String, Vec<u8>> = compiled
            .files
            .into_iter()
            .map(|(file, content)| (file.strip_prefix(&prefix).expect("files are under the blueprint name").to_owned(), content))
            .collect();
        let golden_root = support::repo().join("golden").join(&name);
        if bless {
            tree::write_tree(&golden_root, &generated);
            continue;
        }
        let report = tree::differences(&tree::read_tree(&golden_root), &generated);
        if !report.is_empty() {
            failures.push_str(&format!("== {} (golden/{name}/)\n{report}", support::relative(&path)));
        }
    }
    assert!(
        failures.is_empty(),
        "generated output differs from golden; if intended, run `SNAPSHOTS=overwrite cargo test golden` and review the diff\n{failures}"
    );
}

#[test]
fn every_golden_folder_has_its_blueprint() {
    let names: Vec<String> = support::example_blueprints().iter().map(|path| support::compile_example(path).deployment.name).collect();
    for entry in std::fs::read_dir(support::repo().join("golden")).expect("golden/ exists") {
        let folder = entry.expect("readable").file_name().to_string_lossy().into_owned();
        assert!(names.contains(&folder), "golden/{folder} has no blueprint in blueprints/; remove it or add the blueprint");
    }
}
