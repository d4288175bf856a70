//! The emitted targets read back into policies, and the access matrices computed from them.

use bucketbridge::Compiled;
use bucketbridge::explain::{self, Columns, Environment, Matrix, ModulePolicies, from_cloudformation, from_terraform};

/// An emitted target whose files can be read back.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Target {
    /// `<name>/cloudformation/<module>.yaml`, or the stacks `<module>-<n>.yaml` of a split module.
    CloudFormation,
    /// Every `.tf` file of `<name>/terraform/<module>/`.
    Terraform,
}

impl Target {
    /// Every target, in the order the tests report them.
    pub const ALL: [Target; 2] = [Target::CloudFormation, Target::Terraform];
}

/// The text of an emitted file.
pub fn file<'c>(compiled: &'c Compiled, path: &str) -> &'c str {
    let bytes = compiled.files.get(path).unwrap_or_else(|| panic!("{path} is emitted"));
    std::str::from_utf8(bytes).expect("emitted files are UTF-8")
}

/// The paths of a module's CloudFormation templates in deploy order: `<module>.yaml`, or the numbered stacks
/// `<module>-<nnn>.yaml` of a split module (three digits, so sorting by path is deploy order).
pub fn cloudformation_templates(compiled: &Compiled, module: &str) -> Vec<String> {
    let folder = format!("{}/cloudformation/", compiled.deployment.name);
    let paths: Vec<String> = compiled
        .files
        .keys()
        .filter(|path| {
            let Some(file) = path.strip_prefix(&folder).and_then(|file| file.strip_suffix(".yaml")) else { return false };
            file == module
                || file
                    .strip_prefix(module)
                    .and_then(|rest| rest.strip_prefix('-'))
                    .is_some_and(|number| !number.is_empty() && number.chars().all(|character| character.is_ascii_digit()))
        })
        .cloned()
        .collect();
    assert!(!paths.is_empty(), "{folder}{module}.yaml or its stacks are emitted");
    paths
}

/// Reads every module of `target` from the emitted files of `compiled`, through `edit` (the identity, or a
/// tampering step), and panics with the reader's error when one does not read.
pub fn read_with(compiled: &Compiled, target: Target, edit: &dyn Fn(&str, &str) -> String) -> Vec<ModulePolicies> {
    let deployment = &compiled.deployment;
    deployment
        .modules
        .iter()
        .map(|module| {
            let environment = Environment::of(module);
            match target {
                Target::CloudFormation => {
                    let templates: Vec<(String, String)> = cloudformation_templates(compiled, &module.name)
                        .into_iter()
                        .map(|path| {
                            let text = edit(&path, file(compiled, &path));
                            (path, text)
                        })
                        .collect();
                    from_cloudformation::read_stacks(templates.iter().map(|(path, text)| (path.as_str(), text.as_str())), &environment)
                        .unwrap_or_else(|error| panic!("{} {}: {error}", deployment.name, module.name))
                }
                Target::Terraform => {
                    let folder = format!("{}/terraform/{}/", deployment.name, module.name);
                    let files: Vec<(String, String)> = compiled
                        .files
                        .keys()
                        .filter(|path| path.starts_with(&folder) && path.ends_with(".tf"))
                        .map(|path| (path.clone(), edit(path, file(compiled, path))))
                        .collect();
                    assert!(files.iter().any(|(path, _)| path.ends_with("/main.tf")), "{folder}main.tf is emitted");
                    from_terraform::read(files.iter().map(|(path, text)| (path.as_str(), text.as_str())), &environment)
                        .unwrap_or_else(|error| panic!("{folder}: {error}"))
                }
            }
        })
        .collect()
}

/// The access matrix of `compiled` as one target grants it, read through `edit`.
pub fn matrix_with(compiled: &Compiled, target: Target, columns: Columns, edit: &dyn Fn(&str, &str) -> String) -> Matrix {
    let modules = read_with(compiled, target, edit);
    let deployment = &compiled.deployment;
    let (world, callers) =
        explain::world_from_policies(deployment, &modules).unwrap_or_else(|error| panic!("{} {target:?}: {error}", deployment.name));
    explain::matrix_in(&world, &callers, deployment, columns).unwrap_or_else(|error| panic!("{} {target:?}: {error}", deployment.name))
}

/// The access matrix of `compiled` as one target grants it.
pub fn matrix(compiled: &Compiled, target: Target, columns: Columns) -> Matrix {
    matrix_with(compiled, target, columns, &|_, text| text.to_owned())
}

/// Every cell where two matrices differ, as `row / column: expected | actual` lines; the shapes (columns, row
/// paths, who starts them, whether they are intended) must be the same.
pub fn differences(expected: &Matrix, actual: &Matrix) -> Vec<String> {
    assert_eq!(expected.columns, actual.columns, "{}: columns", expected.blueprint);
    assert_eq!(expected.rows.len(), actual.rows.len(), "{}: rows", expected.blueprint);
    let mut differences = Vec::new();
    for (expected_row, actual_row) in expected.rows.iter().zip(&actual.rows) {
        assert_eq!(
            (&expected_row.path, &expected_row.principal, expected_row.intended),
            (&actual_row.path, &actual_row.principal, actual_row.intended),
            "{}: row",
            expected.blueprint
        );
        for ((column, expected_cell), actual_cell) in expected.columns.iter().zip(&expected_row.cells).zip(&actual_row.cells) {
            let same = (expected_cell.outcome, expected_cell.partial, &expected_cell.reason)
                == (actual_cell.outcome, actual_cell.partial, &actual_cell.reason)
                && expected_cell.hops == actual_cell.hops;
            if !same {
                differences.push(format!(
                    "{} / {column}: {} | {}{}",
                    expected_row.path,
                    expected_cell.text(),
                    actual_cell.text(),
                    if expected_cell.text() == actual_cell.text() { " (same text, other requests or statements decided)" } else { "" }
                ));
            }
        }
    }
    differences
}

/// Asserts that a target's matrix equals the model's, cell by cell: outcome, partial, reason, and every request
/// with the statements that decided it.
pub fn assert_same(model: &Matrix, target: &Matrix, what: &str) {
    let differences = differences(model, target);
    assert!(differences.is_empty(), "{what} grants other access than the model (model | target):\n{}", differences.join("\n"));
    assert_eq!(model, target, "{what}");
}
