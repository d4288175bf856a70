//! The bad-blueprint corpus: each `tests/bad-blueprints/<mistake>.yaml` must fail with exactly the diagnostics in
//! `<mistake>.stderr`. Bless with `SNAPSHOTS=overwrite cargo test bad_blueprints` and read the diff.

use std::path::PathBuf;

use crate::support;

fn cases() -> Vec<PathBuf> {
    let mut cases: Vec<PathBuf> = std::fs::read_dir(support::repo().join("tests/bad-blueprints"))
        .expect("tests/bad-blueprints exists")
        .map(|entry| entry.expect("readable").path())
        .filter(|path| path.extension().is_some_and(|extension| extension == "yaml"))
        .collect();
    cases.sort();
    cases
}

#[test]
fn every_bad_blueprint_fails_with_its_expected_diagnostics() {
    let bless = support::blessing();
    let mut failures = String::new();
    let cases = cases();
    assert!(cases.len() >= 20, "the corpus has shrunk to {} cases", cases.len());
    for path in cases {
        let text = std::fs::read_to_string(&path).expect("case is readable");
        let source = support::relative(&path);
        let rendered = match bucketbridge::compile(&source, &text, bucketbridge::emit::Targets::ALL) {
            Ok(_) => {
                failures.push_str(&format!("{source}: compiled, but it is in the bad-blueprint corpus\n"));
                continue;
            }
            Err(diagnostics) => bucketbridge::diagnostic::render(&diagnostics, &text),
        };
        let expected_path = path.with_extension("stderr");
        if bless {
            std::fs::write(&expected_path, &rendered).expect("expected file is writable");
            continue;
        }
        let expected = std::fs::read_to_string(&expected_path).unwrap_or_default();
        if expected != rendered {
            let diff = similar::TextDiff::from_lines(&expected, &rendered);
            failures.push_str(&format!("{source}:\n{}\n", diff.unified_diff().header("expected", "actual")));
        }
    }
    assert!(failures.is_empty(), "{failures}");
}

#[test]
fn every_expected_file_has_its_case() {
    for entry in std::fs::read_dir(support::repo().join("tests/bad-blueprints")).expect("exists") {
        let path = entry.expect("readable").path();
        if path.extension().is_some_and(|extension| extension == "stderr") {
            assert!(path.with_extension("yaml").exists(), "{} has no .yaml case", path.display());
        }
    }
}

#[test]
fn several_mistakes_in_one_file_are_all_reported() {
    let path = support::repo().join("tests/bad-blueprints/several-mistakes.yaml");
    let text = std::fs::read_to_string(&path).expect("case exists");
    let diagnostics =
        bucketbridge::compile("several-mistakes.yaml", &text, bucketbridge::emit::Targets::ALL).expect_err("the case is invalid");
    let errors = diagnostics.iter().filter(|diagnostic| diagnostic.is_error()).count();
    assert!(errors >= 5, "only {errors} errors reported:\n{}", bucketbridge::diagnostic::render(&diagnostics, &text));
}
