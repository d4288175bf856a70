//! Walks the documented-case folder and asserts every request's expectation.
//!
//! The folder is `tests/eval-cases` under the crate root, so the same test works in the
//! scratch crate and in bucketbridge. A case file holds requests with `expect` and `cite`;
//! a file with `expect_load_error` must fail to load with that text in the error.

use crate::eval::file::{load, render_report, run};
use std::path::Path;

/// The cases folder, relative to `CARGO_MANIFEST_DIR`.
const CASES_DIR: &str = "tests/eval-cases";

/// Fewer requests than this means the folder was not found or was emptied.
const MIN_REQUESTS: usize = 120;

#[test]
fn documented_cases_hold() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join(CASES_DIR);
    let mut files: Vec<_> = match std::fs::read_dir(&dir) {
        Ok(rd) => rd.filter_map(|e| e.ok().map(|e| e.path())).filter(|p| p.extension().is_some_and(|x| x == "json")).collect(),
        Err(e) => panic!("cannot read {}: {e}", dir.display()),
    };
    files.sort();
    assert!(!files.is_empty(), "no case files in {}", dir.display());
    let mut total = 0;
    let mut failures = Vec::new();
    for path in &files {
        let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
        let text = match std::fs::read_to_string(path) {
            Ok(t) => t,
            Err(e) => panic!("{name}: {e}"),
        };
        let raw: serde_json::Value = match serde_json::from_str(&text) {
            Ok(v) => v,
            Err(e) => panic!("{name}: invalid JSON: {e}"),
        };
        if let Some(want) = raw.get("expect_load_error").and_then(|v| v.as_str()) {
            match load(&text) {
                Ok(_) => failures.push(format!("{name}: loaded, expected error containing {want:?}")),
                Err(e) if e.to_string().contains(want) => total += 1,
                Err(e) => failures.push(format!("{name}: error {e:?} lacks {want:?}")),
            }
            continue;
        }
        let file = match load(&text) {
            Ok(f) => f,
            Err(e) => panic!("{name}: {e}"),
        };
        for r in &file.requests {
            assert!(r.expect.is_some(), "{name}: {} has no expect", r.name);
            assert!(r.cite.as_deref().is_some_and(|c| !c.trim().is_empty()), "{name}: {} has no cite", r.name);
        }
        let results = run(&file);
        total += results.len();
        if results.iter().any(|r| r.passed != Some(true)) {
            let report = render_report(&results);
            for line in report.lines().filter(|l| l.starts_with("FAIL")) {
                failures.push(format!("{name}: {line}"));
            }
        }
    }
    assert!(failures.is_empty(), "{} failing cases:\n{}", failures.len(), failures.join("\n"));
    assert!(total >= MIN_REQUESTS, "only {total} requests found in {}", dir.display());
}
