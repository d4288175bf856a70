//! The same blueprints give the same bytes, whatever the order they are built in.

use crate::support;

#[test]
fn building_in_reverse_order_gives_the_same_tree() {
    let paths = support::example_blueprints();
    let forward: Vec<_> = paths.iter().map(|path| support::compile_example(path).files).collect();
    let mut backward: Vec<_> = paths.iter().rev().map(|path| support::compile_example(path).files).collect();
    backward.reverse();
    assert_eq!(forward, backward);
}

#[test]
fn two_builds_into_two_folders_are_identical() {
    let first = tempfile::tempdir().expect("temporary folder");
    let second = tempfile::tempdir().expect("temporary folder");
    for folder in [first.path(), second.path()] {
        let mut staging = bucketbridge::write::Staging::begin(folder).expect("starts a build");
        for path in support::example_blueprints() {
            for (file, content) in support::compile_example(&path).files {
                staging.put(&support::relative(&path), file, &content).expect("writes");
            }
        }
        staging.finish(true, false).expect("swaps the new tree in");
    }
    let a = support::tree::read_tree(first.path());
    let b = support::tree::read_tree(second.path());
    assert!(!a.is_empty());
    assert_eq!(a, b);
}
