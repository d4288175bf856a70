//! Shared test plumbing: the repository layout, blessing, and tree comparison with diffs.

pub mod targets;
pub mod tree;

use std::path::{Path, PathBuf};

/// The repository root.
pub fn repo() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// Whether this run should rewrite expected files (`SNAPSHOTS=overwrite`), which CI refuses.
pub fn blessing() -> bool {
    let bless = std::env::var("SNAPSHOTS").is_ok_and(|value| value == "overwrite");
    if bless && in_ci() {
        panic!("SNAPSHOTS=overwrite is refused when CI=true: golden files are reviewed output, bless them locally and read the diff");
    }
    bless
}

/// Whether the tests run in CI, where a missing external tool is a failure rather than a skip.
pub fn in_ci() -> bool {
    std::env::var("CI").is_ok_and(|value| value == "true")
}

/// An external-handoff blueprint named `name`, owned by account 111122223333 in `region`, whose bucket is
/// `bucket: { <bucket> }`, with `clients` clients: `Client<N>` of account 200000000000 + N with external ID
/// `client-N-id`, and the fields `fields(N)` gives (its capabilities or actions, a prefix). `clients:` is on line 5.
/// The tests of what grows with the number of clients share it.
pub fn many_clients_blueprint(name: &str, region: &str, bucket: &str, clients: usize, fields: impl Fn(usize) -> String) -> String {
    let mut yaml = format!(
        "scenario: external-handoff\nname: {name}\nowner: {{ account: \"111122223333\", region: {region} }}\nbucket: {{ {bucket} }}\nclients:\n"
    );
    for index in 0..clients {
        yaml.push_str(&format!(
            "  - {{ name: Client{index}, account: \"{}\", external_id: client-{index}-id, {} }}\n",
            200_000_000_000_u64 + index as u64,
            fields(index)
        ));
    }
    yaml
}

/// Every example blueprint, sorted by path.
pub fn example_blueprints() -> Vec<PathBuf> {
    let mut paths: Vec<PathBuf> = std::fs::read_dir(repo().join("blueprints"))
        .expect("blueprints/ exists")
        .map(|entry| entry.expect("blueprints/ is readable").path())
        .filter(|path| path.extension().is_some_and(|extension| extension == "yaml"))
        .collect();
    paths.sort();
    assert!(!paths.is_empty(), "blueprints/ holds no example blueprint");
    paths
}

/// The path of `path` relative to the repository, with `/`, as the CLI shows it when run from the root.
pub fn relative(path: &Path) -> String {
    path.strip_prefix(repo()).unwrap_or(path).to_string_lossy().replace('\\', "/")
}

/// Compiles an example blueprint to both targets, panicking with its diagnostics when it does not compile.
pub fn compile_example(path: &Path) -> bucketbridge::Compiled {
    let text = std::fs::read_to_string(path).expect("blueprint is readable");
    let source = relative(path);
    bucketbridge::compile(&source, &text, bucketbridge::emit::Targets::ALL)
        .unwrap_or_else(|diagnostics| panic!("{source} does not compile:\n{}", bucketbridge::diagnostic::render(&diagnostics, &text)))
}

/// Runs `bucketbridge ARGS` in-process as if started in `dir`; returns the exit code, stdout and stderr.
pub fn run(dir: &Path, args: &[&str]) -> (i32, String, String) {
    let mut stdout = Vec::new();
    let mut stderr = Vec::new();
    let args = std::iter::once("bucketbridge").chain(args.iter().copied()).map(Into::into);
    let code = bucketbridge::cli::run_in(dir, args, &mut stdout, &mut stderr);
    (code, String::from_utf8(stdout).expect("UTF-8"), String::from_utf8(stderr).expect("UTF-8"))
}

/// A folder holding `blueprints/` with copies of the named example blueprints (file names under `blueprints/`).
pub fn workspace(examples: &[&str]) -> tempfile::TempDir {
    let root = tempfile::tempdir().expect("temporary folder");
    std::fs::create_dir(root.path().join("blueprints")).expect("creates blueprints/");
    for example in examples {
        std::fs::copy(repo().join("blueprints").join(example), root.path().join("blueprints").join(example)).expect("copies an example");
    }
    root
}
