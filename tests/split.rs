//! A module too large for one CloudFormation template is split into stacks (issue 6): each stack stays within
//! CloudFormation's limits, the stacks together create every model resource exactly once and hold every model
//! output once, a stack imports only what an earlier stack exports, and the stacks read back as one module grant
//! exactly what the model grants. cfn-lint checks each template of the 1,000-client case.

use std::process::Command;

use bucketbridge::Compiled;
use bucketbridge::aws;
use bucketbridge::emit::cloudformation::split::Limits;
use bucketbridge::emit::cloudformation::{self, logical_id, output_id};
use bucketbridge::explain::{self, Columns, Environment, from_cloudformation};
use bucketbridge::model::resource::Resource;

use serde_yaml::Value as Yaml;

use crate::external;
use crate::support::targets::{self, Target};
use crate::support::{self};

/// An external-handoff blueprint with `clients` clients; every third client is confined to a prefix.
fn blueprint(clients: usize, encryption: &str) -> String {
    let bucket = format!(
        "name: split-bucket, {encryption}, versioning: true, access_logs: {{ bucket: split-logs-111122223333, prefix: s3/, create: true }}"
    );
    support::many_clients_blueprint("split", "eu-west-1", &bucket, clients, |index| {
        let prefix = if index % 3 == 0 { format!(", prefix: client{index}/") } else { String::new() };
        format!("capabilities: [upload, download, browse]{prefix}")
    })
}

fn compile(yaml: &str) -> Compiled {
    bucketbridge::compile("blueprints/split.yaml", yaml, bucketbridge::emit::Targets { terraform: false, cloudformation: true })
        .unwrap_or_else(|diagnostics| panic!("the blueprint compiles:\n{}", bucketbridge::diagnostic::render(&diagnostics, yaml)))
}

fn parse(path: &str, text: &str) -> Yaml {
    serde_yaml::from_str(text).unwrap_or_else(|error| panic!("{path} parses: {error}"))
}

fn section<'y>(template: &'y Yaml, name: &str) -> Vec<&'y str> {
    template
        .get(name)
        .and_then(Yaml::as_mapping)
        .map(|entries| entries.keys().map(|key| key.as_str().expect("string keys")).collect())
        .unwrap_or_default()
}

/// Every export name an `!ImportValue` (or `Fn::ImportValue`) names, anywhere in a template.
fn imports(node: &Yaml, found: &mut Vec<String>) {
    match node {
        Yaml::Tagged(tagged) if tagged.tag.to_string().trim_start_matches('!') == "ImportValue" => {
            found.push(tagged.value.as_str().expect("an import names its export as text").to_owned());
        }
        Yaml::Tagged(tagged) => imports(&tagged.value, found),
        Yaml::Sequence(items) => items.iter().for_each(|item| imports(item, found)),
        Yaml::Mapping(entries) => {
            for (key, value) in entries {
                if key.as_str() == Some("Fn::ImportValue") {
                    found.push(value.as_str().expect("an import names its export as text").to_owned());
                } else {
                    imports(value, found);
                }
            }
        }
        _ => {}
    }
}

/// The plain-text export names of a template.
fn exports(template: &Yaml) -> Vec<String> {
    let Some(outputs) = template.get("Outputs").and_then(Yaml::as_mapping) else { return Vec::new() };
    outputs.values().filter_map(|output| output.get("Export")?.get("Name")?.as_str().map(str::to_owned)).collect()
}

/// Checks the stacks of every module of `compiled` against `limits` and the model, and returns how many stacks
/// each module has.
fn check_stacks(compiled: &Compiled, limits: &Limits, files: &[(String, String)]) -> Vec<usize> {
    let header = format!("# {}\n", bucketbridge::emit::header_text(&compiled.deployment));
    let mut counts = Vec::new();
    for module in &compiled.deployment.modules {
        let module_files: Vec<&(String, String)> = files.iter().filter(|(path, _)| belongs(path, &module.name)).collect();
        let mut created = Vec::new();
        let mut outputs = Vec::new();
        let mut exported: Vec<String> = Vec::new();
        for (path, text) in &module_files {
            let template = parse(path, text);
            let resources = section(&template, "Resources");
            let template_outputs = section(&template, "Outputs");
            assert!(text.len() <= limits.bytes, "{path}: {} bytes", text.len());
            assert!(resources.len() <= limits.resources, "{path}: {} resources", resources.len());
            assert!(template_outputs.len() <= limits.outputs, "{path}: {} outputs", template_outputs.len());
            assert!(text.starts_with(&header), "{path} starts with the generated-file header");
            let rules = section(&template, "Rules");
            assert!(rules.len() == 1 && rules[0].starts_with("DeployOnlyToTheBlueprintAccount"), "{path} keeps the account guard");
            let mut named = Vec::new();
            imports(&template, &mut named);
            for export in named {
                assert!(exported.contains(&export), "{path} imports {export}, which no earlier stack exports");
            }
            exported.extend(exports(&template));
            created.extend(resources.iter().map(|id| id.to_string()));
            outputs.extend(template_outputs.iter().map(|id| id.to_string()));
        }
        let mut expected: Vec<String> = module
            .resources
            .iter()
            .filter(|resource| !matches!(resource, Resource::ExistingRole(_)))
            .map(|resource| logical_id(resource.id()))
            .collect();
        expected.sort();
        created.sort();
        assert_eq!(created, expected, "{}: every model resource is created exactly once", module.name);
        for output in &module.outputs {
            let id = output_id(&output.words);
            assert_eq!(outputs.iter().filter(|candidate| **candidate == id).count(), 1, "{}: output {id} is held once", module.name);
        }
        counts.push(module_files.len());
    }
    counts
}

/// Whether `path` is a template of `module`: `<module>.yaml` or `<module>-<n>.yaml`.
fn belongs(path: &str, module: &str) -> bool {
    let file = path.rsplit('/').next().unwrap_or(path).strip_suffix(".yaml").unwrap_or_default();
    file == module
        || file
            .strip_prefix(module)
            .and_then(|rest| rest.strip_prefix('-'))
            .is_some_and(|number| !number.is_empty() && number.chars().all(|character| character.is_ascii_digit()))
}

fn emitted_templates(compiled: &Compiled) -> Vec<(String, String)> {
    compiled
        .deployment
        .modules
        .iter()
        .flat_map(|module| targets::cloudformation_templates(compiled, &module.name))
        .map(|path| {
            let text = targets::file(compiled, &path).to_owned();
            (path, text)
        })
        .collect()
}

fn assert_matrix_is_the_models(compiled: &Compiled) {
    let model = explain::matrix(&compiled.deployment, Columns::Capabilities).expect("model matrix");
    let read_back = targets::matrix(compiled, Target::CloudFormation, Columns::Capabilities);
    targets::assert_same(&model, &read_back, "split templates");
}

fn cfn_lint(files: &[(String, String)]) {
    let Some(cfn_lint) = external::cfn_lint() else {
        return external::missing("cfn-lint", "run `.ci/run`, `pip install cfn-lint`, or set BUCKETBRIDGE_CFN_LINT");
    };
    let folder = tempfile::tempdir().expect("temporary folder");
    let mut paths = Vec::new();
    for (path, text) in files {
        let file = folder.path().join(path.rsplit('/').next().expect("file name"));
        std::fs::write(&file, text).expect("writes the template");
        paths.push(file);
    }
    let output = Command::new(&cfn_lint).arg("--").args(&paths).output().expect("cfn-lint runs");
    assert!(
        output.status.success(),
        "cfn-lint reports problems (exit {:?}):\n{}{}",
        output.status.code(),
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
}

#[test]
fn a_thousand_clients_split_into_stacks_within_cloudformation_limits() {
    let compiled = compile(&blueprint(1_000, "encryption: sse-s3"));
    let files = emitted_templates(&compiled);
    let counts = check_stacks(&compiled, &Limits::CLOUDFORMATION, &files);
    assert!(counts.iter().all(|count| *count > 1), "the 1,000-client module is split: {counts:?}");
    let readme = targets::file(&compiled, "split/cloudformation/README.md");
    for (path, text) in &files {
        let file = path.rsplit('/').next().expect("file name");
        assert!(readme.contains(&format!("--template-file {file} \\")), "the README deploys {file}");
        if text.len() > aws::CLOUDFORMATION_TEMPLATE_INLINE_MAX_BYTES {
            let command = format!(
                "--template-file {file} \\\n  --stack-name split-{} \\\n  --region eu-west-1 \\\n  --s3-bucket",
                &file[..file.len() - 5]
            );
            assert!(readme.contains(&command), "{file} is over the inline limit, and the README deploys it through S3");
        }
    }
    assert_matrix_is_the_models(&compiled);
    cfn_lint(&files);
}

/// Emits every module of `compiled` within `limits` and reads the stacks back: the templates (path, text) and
/// the access matrix they grant.
fn split_within(compiled: &Compiled, limits: &Limits) -> (Vec<(String, String)>, explain::Matrix) {
    let deployment = &compiled.deployment;
    let mut files = Vec::new();
    let mut modules = Vec::new();
    for module in &deployment.modules {
        let stacks = cloudformation::emit_within(deployment, module, limits);
        let named: Vec<(String, String)> =
            stacks.iter().map(|stack| (format!("{}/cloudformation/{}", deployment.name, stack.file), stack.text.clone())).collect();
        let templates = named.iter().map(|(path, text)| (path.as_str(), text.as_str()));
        let policies = from_cloudformation::read_stacks(templates, &Environment::of(module))
            .unwrap_or_else(|error| panic!("{}: {error}", deployment.name));
        files.extend(named);
        modules.push(policies);
    }
    let (world, callers) = explain::world_from_policies(deployment, &modules).expect("world");
    let matrix = explain::matrix_in(&world, &callers, deployment, Columns::Capabilities).expect("matrix");
    (files, matrix)
}

/// The key policy of an SSE-KMS bucket names every client's role, and KMS takes at most 32 KB of key policy, so
/// bucketbridge refuses the 1,000-client KMS blueprint (51,770 bytes of key policy); 600 clients is near the most
/// it accepts (627). At CloudFormation's limits the roles fill six stacks, and the managed policies spill out of
/// the key's stack into the next, which imports the key's ARN (chosen by AWS) from the stack that creates it.
#[test]
fn a_split_sse_kms_module_imports_its_key_from_the_stack_that_creates_it() {
    let compiled = compile(&blueprint(600, "encryption: sse-kms, kms: { alias: split }"));
    let files = emitted_templates(&compiled);
    let counts = check_stacks(&compiled, &Limits::CLOUDFORMATION, &files);
    assert!(counts[0] > 1, "the 600-client module is split: {counts:?}");
    assert!(files.iter().any(|(_, text)| text.contains("!ImportValue split-owner-KmsKey-Arn")), "a later stack imports the key ARN");
    assert_matrix_is_the_models(&compiled);
}

/// Small limits split every example module, so the partition, the references across stacks and the reader are
/// exercised on every scenario (an existing role, a module without a region, a created key) at little cost.
#[test]
fn every_example_split_by_small_limits_still_grants_what_the_model_grants() {
    let limits = Limits { resources: 1, outputs: 6, bytes: aws::CLOUDFORMATION_TEMPLATE_S3_MAX_BYTES };
    for path in support::example_blueprints() {
        let compiled = support::compile_example(&path);
        let (files, matrix) = split_within(&compiled, &limits);
        let counts = check_stacks(&compiled, &limits, &files);
        assert!(counts.iter().any(|count| *count > 1), "{}: small limits split a module", compiled.deployment.name);
        let model = explain::matrix(&compiled.deployment, Columns::Capabilities).expect("model matrix");
        targets::assert_same(&model, &matrix, &format!("{} split by small limits", compiled.deployment.name));
    }
}

/// An import the reader cannot resolve is refused, not skipped: the stacks read without the stack that exports
/// the key, or out of deploy order, do not read.
#[test]
fn an_import_of_no_earlier_export_is_refused() {
    let compiled = compile(&blueprint(100, "encryption: sse-kms, kms: { alias: split }"));
    let (files, _) = split_within(&compiled, &Limits { bytes: 100_000, ..Limits::CLOUDFORMATION });
    let environment = Environment::of(&compiled.deployment.modules[0]);
    let exporter = files.iter().position(|(_, text)| text.contains("KmsKeyArnForLaterStacks:")).expect("a stack exports the key");
    let without: Vec<(&str, &str)> =
        files.iter().enumerate().filter(|(index, _)| *index != exporter).map(|(_, (path, text))| (path.as_str(), text.as_str())).collect();
    let error = from_cloudformation::read_stacks(without, &environment).expect_err("an import without its export is refused");
    assert_eq!(error.kind, explain::ReadErrorKind::UnknownReference("export split-owner-KmsKey-Arn".into()), "{error}");
    let reversed: Vec<(&str, &str)> = files.iter().rev().map(|(path, text)| (path.as_str(), text.as_str())).collect();
    assert!(from_cloudformation::read_stacks(reversed, &environment).is_err(), "stacks read out of deploy order are refused");
}
