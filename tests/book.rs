//! The book cannot drift from the code: every include resolves, every example blueprint has its page, the
//! capability table is the model's, and the CLI reference is generated from clap.

use std::path::{Path, PathBuf};

use bucketbridge::model::capability::{self, Capability};

use crate::support;

fn pages() -> Vec<PathBuf> {
    fn collect(folder: &Path, pages: &mut Vec<PathBuf>) {
        for entry in std::fs::read_dir(folder).expect("book folder is readable") {
            let path = entry.expect("readable").path();
            if path.is_dir() {
                collect(&path, pages);
            } else if path.extension().is_some_and(|extension| extension == "md") {
                pages.push(path);
            }
        }
    }
    let mut pages = Vec::new();
    collect(&support::repo().join("book/src"), &mut pages);
    pages.sort();
    pages
}

/// Every `{{#include path[:lines]}}` in a page, as (path relative to the page's folder, resolved path).
fn includes(page: &Path) -> Vec<(String, PathBuf)> {
    let text = std::fs::read_to_string(page).expect("page is readable");
    text.match_indices("{{#include ")
        .map(|(start, _)| {
            let rest = &text[start + "{{#include ".len()..];
            let end = rest.find("}}").unwrap_or_else(|| panic!("{}: unclosed include", page.display()));
            let target = rest[..end].trim();
            let file = target.split(':').next().expect("include has a path").to_owned();
            let resolved = page.parent().expect("page has a folder").join(&file);
            (file, resolved)
        })
        .collect()
}

#[test]
fn every_include_resolves() {
    let mut broken = Vec::new();
    let mut count = 0;
    for page in pages() {
        for (file, resolved) in includes(&page) {
            count += 1;
            if !resolved.is_file() {
                broken.push(format!("{}: {file}", support::relative(&page)));
            }
        }
    }
    assert!(count >= 5, "only {count} includes: the book no longer shows generated files");
    assert!(broken.is_empty(), "includes that do not resolve:\n{}", broken.join("\n"));
}

#[test]
fn every_example_blueprint_has_its_page() {
    let included: Vec<PathBuf> =
        pages().iter().flat_map(|page| includes(page)).filter_map(|(_, resolved)| resolved.canonicalize().ok()).collect();
    for blueprint in support::example_blueprints() {
        let blueprint = blueprint.canonicalize().expect("blueprint exists");
        assert!(included.contains(&blueprint), "{} is not included by any book page", support::relative(&blueprint));
        let name = support::compile_example(&blueprint).deployment.name;
        let access = support::repo().join("golden").join(&name).join("access.md").canonicalize().expect("access.md exists");
        assert!(included.contains(&access), "golden/{name}/access.md is not included by any book page");
    }
}

#[test]
fn every_page_is_in_the_summary_and_every_summary_link_exists() {
    let root = support::repo().join("book/src");
    let summary = std::fs::read_to_string(root.join("SUMMARY.md")).expect("SUMMARY.md");
    let links: Vec<&str> = summary
        .match_indices("](")
        .map(|(start, _)| &summary[start + 2..])
        .map(|rest| &rest[..rest.find(')').expect("link closes")])
        .collect();
    for link in &links {
        assert!(root.join(link).is_file(), "SUMMARY.md links to missing {link}");
    }
    for page in pages() {
        let relative = page.strip_prefix(&root).expect("under book/src").to_string_lossy().replace('\\', "/");
        if relative != "SUMMARY.md" {
            assert!(links.contains(&relative.as_str()), "{relative} is not in SUMMARY.md");
        }
    }
}

#[test]
fn the_capability_page_matches_the_model() {
    let page = std::fs::read_to_string(support::repo().join("book/src/capabilities.md")).expect("capabilities.md");
    let mut seen = Vec::new();
    for line in page.lines().filter(|line| line.starts_with("| ") && !line.starts_with("| capability")) {
        let cells: Vec<&str> = line.trim_matches('|').split('|').map(str::trim).collect();
        let capability = Capability::from_name(cells[0]).unwrap_or_else(|| panic!("unknown capability row `{}`", cells[0]));
        let list =
            |cell: &str| -> Vec<String> { cell.split(',').map(str::trim).filter(|action| !action.is_empty()).map(str::to_owned).collect() };
        assert_eq!(list(cells[1]), capability.s3_actions(), "S3 actions of {capability}");
        assert_eq!(list(cells[2]), capability.kms_actions(), "KMS actions of {capability}");
        seen.push(capability);
    }
    assert_eq!(seen, capability::ALL, "the page lists every capability, in table order");
}

#[test]
fn the_cli_reference_is_generated_from_the_argument_definitions() {
    let path = support::repo().join("book/src/cli.md");
    let generated = bucketbridge::cli::reference::markdown();
    if support::blessing() {
        std::fs::write(&path, &generated).expect("writes cli.md");
        return;
    }
    let page = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(page == generated, "book/src/cli.md is out of date; run `SNAPSHOTS=overwrite cargo test --test main book` and review it");
}
