//! Prose: module READMEs and handoff documents, through tera templates compiled into the binary.
//!
//! Templates only place values: every table row, JSON snippet and command is computed here in Rust and passed
//! in through a typed context. Templates are loaded once and fail on undefined variables, so a renamed field
//! is an error, not an empty cell.

use std::sync::OnceLock;

use serde::Serialize;
use tera::Tera;

use crate::emit::cloudformation::{Stack, output_id};
use crate::model::policy::{Actions, PolicyDocument};
use crate::model::resolve::Resolver;
use crate::model::{Deployment, Handoff, Module};

const TEMPLATES: &[(&str, &str)] = &[
    ("handoff.md", include_str!("templates/handoff.md")),
    ("module-readme.md", include_str!("templates/module-readme.md")),
    ("terraform-reference.md", include_str!("templates/terraform-reference.md")),
    ("cloudformation-readme.md", include_str!("templates/cloudformation-readme.md")),
];

fn templates() -> &'static Tera {
    static TERA: OnceLock<Tera> = OnceLock::new();
    TERA.get_or_init(|| {
        let mut tera = Tera::default();
        tera.add_raw_templates(TEMPLATES.iter().copied())
            .unwrap_or_else(|error| panic!("internal error: a built-in template does not parse ({error:?}); please report this"));
        tera.register_filter("cell", escape_table_cell);
        tera
    })
}

/// Escapes a value for a Markdown table cell: `|` would end the cell and a newline the row.
fn escape_table_cell(value: &tera::Value, _: &std::collections::HashMap<String, tera::Value>) -> tera::Result<tera::Value> {
    let mut text = String::new();
    match value {
        tera::Value::String(value) => push_cell(&mut text, value),
        other => push_cell(&mut text, &other.to_string()),
    }
    Ok(tera::Value::String(text))
}

/// Appends `text` escaped for a Markdown table cell, as the templates' `cell` filter does.
fn push_cell(out: &mut String, text: &str) {
    for character in text.chars() {
        match character {
            '|' => out.push_str("\\|"),
            '\n' => out.push(' '),
            other => out.push(other),
        }
    }
}

/// Table rows `| a | b |`, one per pair, each cell escaped; computed here rather than looped over in a
/// template, because a 10,000-client module has over 100,000 rows.
fn table_rows<'a>(rows: impl IntoIterator<Item = (&'a str, &'a str)>) -> String {
    let mut out = String::new();
    for (first, second) in rows {
        push_row(&mut out, &[first, second]);
    }
    out
}

/// Appends one table row `| a | b | ... |` with each cell escaped.
fn push_row(out: &mut String, cells: &[&str]) {
    out.push('|');
    for cell in cells {
        out.push(' ');
        push_cell(out, cell);
        out.push_str(" |");
    }
    out.push('\n');
}

fn render(name: &str, context: &impl Serialize) -> String {
    let context = tera::Context::from_serialize(context)
        .unwrap_or_else(|error| panic!("internal error: template context for {name} does not serialize ({error}); please report this"));
    templates()
        .render(name, &context)
        .unwrap_or_else(|error| panic!("internal error: template {name} does not render ({error:?}); please report this"))
}

/// The rows of a large table, written on demand: each call appends the next row, and returns `false` once
/// there is none left.
pub type Rows<'a> = Box<dyn FnMut(&mut String) -> bool + 'a>;

/// A rows function over `items`, each written by `row`.
fn rows<'a, T: 'a>(items: impl IntoIterator<Item = T, IntoIter: 'a>, row: impl Fn(&mut String, T) + 'a) -> Rows<'a> {
    let mut items = items.into_iter();
    Box::new(move |out| items.next().map(|item| row(out, item)).is_some())
}

/// A document placed by a template, with its large tables left out until it is written: a 10,000-client
/// module README is 4 MB, nearly all of it two tables, which tera would copy into its context and again into
/// its output. The tables' rows are written only as [`Document::write`] hands the document on, in pieces.
pub struct Document<'a> {
    /// The template's text in order, each part but the last followed by the rows of a table.
    parts: Vec<(String, Option<Rows<'a>>)>,
}

impl<'a> Document<'a> {
    /// Renders the template `name` over the context `context` makes, in which each of the `tables`, in the
    /// order the template places them, is the text `context` is given for it: a marker, where its rows go.
    fn render<C: Serialize>(name: &str, context: impl Fn(&dyn Fn(usize) -> String) -> C, tables: Vec<Rows<'a>>) -> Document<'a> {
        // A marker is text no template writes; should the blueprint's own text hold one, it would be taken for
        // a table, so the document is rendered again with other markers until each marker is found once.
        for attempt in 0.. {
            let prefix = format!("\u{1}bucketbridge table {attempt}:");
            let marker = |index: usize| format!("{prefix}{index}\u{1}");
            let text = render(name, &context(&marker));
            if text.matches(&prefix).count() != tables.len() {
                continue;
            }
            let mut parts = Vec::with_capacity(tables.len() + 1);
            let mut rest = text.as_str();
            for (index, table) in tables.into_iter().enumerate() {
                let Some((before, after)) = rest.split_once(&marker(index)) else {
                    panic!("internal error: template {name} does not place table {index} in order; please report this")
                };
                parts.push((before.to_owned(), Some(table)));
                rest = after;
            }
            parts.push((rest.to_owned(), None));
            return Document { parts };
        }
        unreachable!("some attempt's markers are in no blueprint")
    }

    /// Hands the document to `put` in pieces of about `piece_bytes` (text, and whether it is the last piece),
    /// in order; `false` as soon as `put` returns `false`.
    pub fn write(self, piece_bytes: usize, put: &mut dyn FnMut(String, bool) -> bool) -> bool {
        let piece = || String::with_capacity(piece_bytes.saturating_add(piece_bytes / 4).min(1 << 24));
        // The first piece grows as it fills: most documents are a few kilobytes, and a piece's worth for each
        // of them showed in a small build's peak memory.
        let mut text = String::new();
        for (placed, rows) in self.parts {
            text.push_str(&placed);
            drop(placed);
            if let Some(mut rows) = rows {
                while rows(&mut text) {
                    if text.len() >= piece_bytes && !put(std::mem::replace(&mut text, piece()), false) {
                        return false;
                    }
                }
            }
        }
        put(text, true)
    }

    /// The whole document.
    pub fn into_string(self) -> String {
        let mut whole = String::new();
        self.write(usize::MAX, &mut |text, _| {
            whole.push_str(&text);
            true
        });
        whole
    }
}

/// A policy document as pretty JSON, for Markdown code blocks.
pub fn policy_json(document: &PolicyDocument, resolver: Option<&Resolver<'_>>) -> String {
    let json = match resolver {
        Some(resolver) => document.to_aws_json(&|part| resolver.part(part)),
        None => document.to_aws_json(&|_| panic!("internal error: a handoff policy has a symbolic part; please report this")),
    };
    serde_json::to_string_pretty(&json)
        .unwrap_or_else(|error| panic!("internal error: policy does not serialize ({error}); please report this"))
}

#[derive(Serialize)]
struct HandoffContext<'a> {
    header: String,
    bucket_owner: String,
    client: &'a str,
    client_account: &'a str,
    bucket: &'a str,
    /// The rows of the table of facts, each ending with a newline.
    facts: String,
    assume_role_policy: String,
    assume_role_command: String,
    profile: String,
    /// One command per line, each ending with a newline; lines are joined here because a template loop costs
    /// more than the rest of the document, and a blueprint can have 10,000 handoffs.
    example_commands: String,
    /// One Markdown list item per action, each ending with a newline.
    actions: String,
}

/// `HANDOFF.md` for one client.
pub fn handoff_markdown(deployment: &Deployment, handoff: &Handoff) -> String {
    let session = format!("{}-{}", deployment.name, handoff.folder);
    let profile_name = session.clone();
    let location = format!("s3://{}/{}", handoff.bucket, handoff.prefix.as_deref().unwrap_or(""));
    let owner_account = deployment.modules.first().map(|module| module.account.as_str()).unwrap_or_default();
    let context = HandoffContext {
        header: crate::emit::markdown_comment_header(deployment),
        bucket_owner: format!("Account `{owner_account}`"),
        client: &handoff.client,
        client_account: &handoff.client_account,
        bucket: &handoff.bucket,
        facts: handoff_facts(handoff),
        assume_role_policy: policy_json(&handoff.assume_role_policy, None),
        assume_role_command: format!(
            "aws sts assume-role \\\n  --role-arn {} \\\n  --role-session-name {session} \\\n  --external-id {}",
            handoff.role_arn,
            shell_word(&handoff.external_id)
        ),
        profile: format!(
            "[profile {profile_name}]\nrole_arn = {}\nexternal_id = {}\nsource_profile = default\nregion = {}",
            handoff.role_arn, handoff.external_id, handoff.region
        ),
        example_commands: example_commands(handoff, &location, &profile_name),
        actions: handoff.actions.iter().fold(String::new(), |mut list, action| {
            list.push_str("- `");
            list.push_str(action);
            list.push_str("`\n");
            list
        }),
    };
    render("handoff.md", &context)
}

/// The rows of `HANDOFF.md`'s table of facts.
fn handoff_facts(handoff: &Handoff) -> String {
    let mut rows = String::new();
    let mut code_row = |what: &str, value: &str, after: &str| {
        rows.push_str("| ");
        rows.push_str(what);
        rows.push_str(" | `");
        rows.push_str(value);
        rows.push('`');
        rows.push_str(after);
        rows.push_str(" |\n");
    };
    code_row("Bucket", &handoff.bucket, "");
    code_row("Region", &handoff.region, "");
    if let Some(prefix) = handoff.prefix.as_deref().filter(|prefix| !prefix.is_empty()) {
        code_row("Key prefix", prefix, " (you can list and reach only keys under it)");
    }
    code_row("Role ARN", &handoff.role_arn, "");
    code_row("External ID", &handoff.external_id, "");
    code_row("Your account", &handoff.client_account, "");
    rows.push_str("| Granted | ");
    if handoff.capabilities.is_empty() {
        rows.push_str("the actions listed below");
    } else {
        push_cell(&mut rows, &handoff.capabilities.join(", "));
    }
    rows.push_str(" |\n");
    if let Some(key) = handoff.kms_key_arn.as_deref().filter(|key| !key.is_empty()) {
        rows.push_str("| KMS key | `");
        rows.push_str(key);
        rows.push_str("` |\n");
    }
    rows
}

/// CLI commands that show the grant working, one per granted kind of use, each on a line of its own.
fn example_commands(handoff: &Handoff, location: &str, profile: &str) -> String {
    let has = |action: &str| handoff.actions.iter().any(|granted| granted == action);
    let mut commands = String::new();
    // Pieces pushed in turn rather than `format!`ed: this runs once per client, 10,000 times in a large build.
    let mut command = |pieces: &[&str]| {
        pieces.iter().for_each(|piece| commands.push_str(piece));
        commands.push_str(" --profile ");
        commands.push_str(profile);
        commands.push('\n');
    };
    if has("s3:ListBucket") {
        command(&["aws s3 ls ", location]);
    }
    if has("s3:PutObject") {
        command(&["aws s3 cp ./report.csv ", location, "report.csv"]);
    }
    if has("s3:GetObject") {
        command(&["aws s3 cp ", location, "report.csv ./report.csv"]);
    }
    if has("s3:DeleteObject") {
        command(&["aws s3 rm ", location, "report.csv"]);
    }
    commands
}

/// Quotes a word for a POSIX shell when it needs quoting.
fn shell_word(word: &str) -> String {
    if word.chars().all(|character| character.is_ascii_alphanumeric() || "-_.,:/@=+".contains(character)) {
        word.to_owned()
    } else {
        format!("'{}'", word.replace('\'', "'\\''"))
    }
}

#[derive(Serialize)]
struct HandoffJson<'a> {
    generated_from: &'a str,
    client: &'a str,
    client_account: &'a str,
    bucket: &'a str,
    region: &'a str,
    prefix: Option<&'a str>,
    role_arn: &'a str,
    external_id: &'a str,
    capabilities: &'a [&'static str],
    actions: &'a Actions,
    kms_key_arn: Option<&'a str>,
    assume_role_policy: crate::model::policy::AwsPolicyDocument,
}

/// `handoff.json` for one client: the facts of `HANDOFF.md` for programs. JSON has no comments, so the
/// generated-file header becomes the `generated_from` field.
pub fn handoff_json(deployment: &Deployment, handoff: &Handoff) -> String {
    let document = HandoffJson {
        generated_from: &deployment.source,
        client: &handoff.client,
        client_account: &handoff.client_account,
        bucket: &handoff.bucket,
        region: &handoff.region,
        prefix: handoff.prefix.as_deref(),
        role_arn: &handoff.role_arn,
        external_id: &handoff.external_id,
        capabilities: &handoff.capabilities,
        actions: &handoff.actions,
        kms_key_arn: handoff.kms_key_arn.as_deref(),
        assume_role_policy: handoff
            .assume_role_policy
            .to_aws_json(&|_| panic!("internal error: a handoff policy has a symbolic part; please report this")),
    };
    let mut text = serde_json::to_string_pretty(&document)
        .unwrap_or_else(|error| panic!("internal error: handoff does not serialize ({error}); please report this"));
    text.push('\n');
    text
}

#[derive(Serialize)]
struct NoteContext<'a> {
    title: &'a str,
    text: &'a str,
}

#[derive(Serialize)]
struct ManualStepContext<'a> {
    text: &'a str,
    document: String,
}

#[derive(Clone, Serialize)]
struct NextStepContext<'a> {
    text: &'a str,
    commands: String,
}

fn next_steps(module: &Module) -> Vec<NextStepContext<'_>> {
    module.next_steps.iter().map(|step| NextStepContext { text: &step.text, commands: step.commands.join("\n") }).collect()
}

#[derive(Serialize)]
struct ModuleReadmeContext<'a> {
    header: String,
    module: &'a str,
    description: &'a str,
    source: &'a str,
    scenario: &'a str,
    blueprint: &'a str,
    account: &'a str,
    region: Option<&'a str>,
    target_guard: &'a str,
    usage_language: &'a str,
    usage: String,
    notes: Vec<NoteContext<'a>>,
    manual_steps: Vec<ManualStepContext<'a>>,
    access: &'a str,
    next_steps: Vec<NextStepContext<'a>>,
    reference: String,
}

/// One row of a two-column reference table.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ReferenceRow {
    /// First column.
    pub name: String,
    /// Second column.
    pub kind: &'static str,
}

/// A requirement or provider row.
#[derive(Serialize)]
pub struct VersionRow {
    /// The name.
    pub name: String,
    /// The version constraint.
    pub version: String,
}

/// An output row.
#[derive(Serialize)]
pub struct OutputRow {
    /// The output name.
    pub name: String,
    /// Its description.
    pub description: String,
}

/// What the Terraform emitter knows about a module that its README lists.
#[derive(Serialize)]
pub struct TerraformReference {
    /// terraform-docs' Requirements rows.
    pub requirements: Vec<VersionRow>,
    /// terraform-docs' Providers rows.
    pub providers: Vec<VersionRow>,
    /// Resource and data-source addresses with their kind, sorted by address.
    pub resources: Vec<ReferenceRow>,
    /// Outputs, sorted by name.
    pub outputs: Vec<OutputRow>,
}

/// The rows of each table of [`TerraformReference`], rendered.
#[derive(Serialize)]
struct TerraformReferenceContext {
    requirements: String,
    providers: String,
    resources: String,
    outputs: String,
}

/// `README.md` of a Terraform module.
pub fn terraform_readme<'a>(
    deployment: &'a Deployment,
    module: &'a Module,
    reference: TerraformReference,
    usage: String,
    access: &'a str,
) -> Document<'a> {
    let TerraformReference { requirements, providers, resources, outputs } = reference;
    let tables = vec![
        rows(resources, |out, row| push_row(out, &[&row.name, row.kind])),
        rows(outputs, |out, row| push_row(out, &[&row.name, &row.description])),
    ];
    let context = |table: &dyn Fn(usize) -> String| ModuleReadmeContext {
        header: crate::emit::markdown_comment_header(deployment),
        module: &module.name,
        description: &module.description,
        source: &deployment.source,
        scenario: deployment.scenario,
        blueprint: &deployment.name,
        account: &module.account,
        region: module.region.as_deref(),
        target_guard: match module.region {
            Some(_) => {
                "The module reads the caller's identity and region first and stops the plan, before anything is created, when either differs."
            }
            None => {
                "The module reads the caller's identity first and stops the plan, before anything is created, when the account differs; it holds only IAM resources, which are global, so it checks no region."
            }
        },
        usage_language: "hcl",
        usage: usage.clone(),
        notes: module.notes.iter().map(|note| NoteContext { title: &note.title, text: &note.text }).collect(),
        manual_steps: manual_steps(module),
        access,
        next_steps: next_steps(module),
        reference: render(
            "terraform-reference.md",
            &TerraformReferenceContext {
                requirements: table_rows(requirements.iter().map(|row| (row.name.as_str(), row.version.as_str()))),
                providers: table_rows(providers.iter().map(|row| (row.name.as_str(), row.version.as_str()))),
                resources: table(0),
                outputs: table(1),
            },
        ),
    };
    Document::render("module-readme.md", context, tables)
}

fn manual_steps(module: &Module) -> Vec<ManualStepContext<'_>> {
    if module.manual_steps.is_empty() {
        // A resolver indexes every resource of the module: tens of thousands for a large blueprint.
        return Vec::new();
    }
    let resolver = Resolver::new(module);
    module
        .manual_steps
        .iter()
        .map(|step| ManualStepContext { text: &step.text, document: policy_json(&step.document, Some(&resolver)) })
        .collect()
}

#[derive(Clone, Serialize)]
struct TemplateContext<'a> {
    file: String,
    description: String,
    account: String,
    region: Option<String>,
    deploy_command: String,
    /// Whether the template is over CloudFormation's inline body limit, so it must be deployed through S3.
    through_s3: bool,
    /// Where the rows of the outputs table go (see [`Document`]): with each output's stack file when the
    /// module is split.
    outputs: String,
    next_steps: Vec<NextStepContext<'a>>,
    /// For a module split into several stacks: how, and in which order to deploy and delete them.
    split: Option<SplitContext>,
}

#[derive(Clone, Serialize)]
struct SplitContext {
    last_file: String,
    count: usize,
    resources: String,
    outputs: String,
    limits: String,
    rows: Vec<StackRow>,
    through_s3: Vec<String>,
    delete_commands: String,
}

#[derive(Clone, Serialize)]
struct StackRow {
    number: usize,
    stack: String,
    file: String,
    holds: String,
    bytes: String,
    imports: String,
}

/// A count with thousands separators, as the README writes figures (`1,000,000`).
fn thousands(count: usize) -> String {
    let digits = count.to_string();
    let mut out = String::new();
    for (index, digit) in digits.chars().enumerate() {
        if index > 0 && (digits.len() - index) % 3 == 0 {
            out.push(',');
        }
        out.push(digit);
    }
    out
}

/// What a stack holds: its first and last resources, and how many of each type, in order of first appearance.
fn holds(stack: &Stack) -> String {
    let mut counts: Vec<(&str, usize)> = Vec::new();
    for (_, resource_type) in &stack.resources {
        match counts.iter_mut().find(|(seen, _)| seen == resource_type) {
            Some((_, count)) => *count += 1,
            None => counts.push((resource_type, 1)),
        }
    }
    let counts = counts.iter().map(|(resource_type, count)| format!("{count} {resource_type}")).collect::<Vec<_>>().join(", ");
    match stack.resources.as_slice() {
        [] => "nothing".to_owned(),
        [(only, _)] => format!("`{only}` ({counts})"),
        [(first, _), .., (last, _)] => format!("`{first}` to `{last}` ({counts})"),
    }
}

fn deploy_command(stack: &Stack, region: Option<&str>) -> String {
    format!(
        "aws cloudformation deploy \\\n  --template-file {} \\\n  --stack-name {} \\\n{}{}  --capabilities CAPABILITY_NAMED_IAM",
        stack.file,
        stack.stack_name,
        region.map(|region| format!("  --region {region} \\\n")).unwrap_or_default(),
        if through_s3(stack) { "  --s3-bucket \"$ARTIFACT_BUCKET\" \\\n" } else { "" },
    )
}

fn through_s3(stack: &Stack) -> bool {
    stack.bytes > crate::aws::CLOUDFORMATION_TEMPLATE_INLINE_MAX_BYTES
}

#[derive(Serialize)]
struct CloudFormationReadmeContext<'a> {
    header: String,
    blueprint: &'a str,
    source: &'a str,
    scenario: &'a str,
    templates: Vec<TemplateContext<'a>>,
    access: &'a str,
}

/// `README.md` of the CloudFormation folder: one section per module, with the stacks of each (`stacks` holds
/// every module's templates, in module order, as [`crate::emit::cloudformation::emit_each`] made them).
pub fn cloudformation_readme<'a>(deployment: &'a Deployment, stacks: &'a [Vec<Stack>], access: &'a str) -> Document<'a> {
    let mut tables = Vec::with_capacity(deployment.modules.len());
    let templates: Vec<TemplateContext<'_>> = deployment
        .modules
        .iter()
        .zip(stacks)
        .map(|(module, stacks)| {
            let region = module.region.as_deref();
            let first = stacks.first().unwrap_or_else(|| panic!("internal error: module {} has no template; please report this", module.name));
            // Which stack holds each output, found once: a split module has outputs per client.
            let holder: std::collections::BTreeMap<&str, &Stack> =
                stacks.iter().flat_map(|stack| stack.outputs.iter().map(move |output| (output.as_str(), stack))).collect();
            let is_split = stacks.len() > 1;
            // The outputs table, with each output's stack file when the module is split.
            tables.push(rows(&module.outputs, move |out, output| {
                let name = output_id(&output.words);
                let stack = holder.get(name.as_str()).copied().unwrap_or(first);
                let export = format!("{}-{name}", stack.stack_name);
                match is_split {
                    false => push_row(out, &[&name, &export, &output.description]),
                    true => push_row(out, &[&name, &stack.file, &export, &output.description]),
                }
            }));
            let split = is_split.then(|| {
                let delete = |stack: &Stack| {
                    let region = region.map(|region| format!(" --region {region}")).unwrap_or_default();
                    format!(
                        "aws cloudformation delete-stack --stack-name {name}{region}\naws cloudformation wait stack-delete-complete --stack-name {name}{region}",
                        name = stack.stack_name
                    )
                };
                SplitContext {
                    last_file: stacks.last().map(|stack| stack.file.clone()).unwrap_or_default(),
                    count: stacks.len(),
                    resources: thousands(stacks.iter().map(|stack| stack.resources.len()).sum()),
                    outputs: thousands(module.outputs.len()),
                    limits: format!(
                        "{} resources, {} outputs (exports included) and {} bytes",
                        thousands(crate::aws::CLOUDFORMATION_RESOURCES_MAX),
                        thousands(crate::aws::CLOUDFORMATION_OUTPUTS_MAX),
                        thousands(crate::aws::CLOUDFORMATION_TEMPLATE_S3_MAX_BYTES)
                    ),
                    rows: stacks
                        .iter()
                        .enumerate()
                        .map(|(index, stack)| StackRow {
                            number: index + 1,
                            stack: stack.stack_name.clone(),
                            file: stack.file.clone(),
                            holds: holds(stack),
                            bytes: thousands(stack.bytes),
                            imports: if stack.imports.is_empty() {
                                "nothing".to_owned()
                            } else {
                                stack.imports.iter().map(|(export, file)| format!("`{export}` from `{file}`")).collect::<Vec<_>>().join(", ")
                            },
                        })
                        .collect(),
                    through_s3: stacks.iter().filter(|stack| through_s3(stack)).map(|stack| stack.file.clone()).collect(),
                    delete_commands: stacks.iter().rev().map(delete).collect::<Vec<_>>().join("\n"),
                }
            });
            TemplateContext {
                file: first.file.clone(),
                description: module.description.clone(),
                account: module.account.clone(),
                region: module.region.clone(),
                deploy_command: stacks.iter().map(|stack| deploy_command(stack, region)).collect::<Vec<_>>().join("\n"),
                through_s3: stacks.iter().any(through_s3),
                outputs: String::new(),
                next_steps: next_steps(module),
                split,
            }
        })
        .collect();
    let context = |table: &dyn Fn(usize) -> String| CloudFormationReadmeContext {
        header: crate::emit::markdown_comment_header(deployment),
        blueprint: &deployment.name,
        source: &deployment.source,
        scenario: deployment.scenario,
        templates: templates
            .iter()
            .enumerate()
            .map(|(index, template)| TemplateContext { outputs: table(index), ..template.clone() })
            .collect(),
        access,
    };
    Document::render("cloudformation-readme.md", context, tables)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table_cells_cannot_break_the_table() {
        let escaped = escape_table_cell(&tera::Value::String("a|b\nc".into()), &Default::default()).expect("strings escape");
        assert_eq!(escaped, tera::Value::String("a\\|b c".into()));
    }

    #[test]
    fn a_marker_in_the_placed_text_is_not_taken_for_a_table() {
        let first_marker = "\u{1}bucketbridge table 0:0\u{1}";
        let document = Document::render(
            "terraform-reference.md",
            |table| TerraformReferenceContext {
                requirements: first_marker.to_owned(),
                providers: String::new(),
                resources: table(0),
                outputs: table(1),
            },
            vec![rows(["| r |\n"], |out, row| out.push_str(row)), rows(["| o |\n"], |out, row| out.push_str(row))],
        );
        let text = document.into_string();
        assert!(text.starts_with(&format!("## Requirements\n\n| Name | Version |\n|------|---------|\n{first_marker}\n")), "{text}");
        assert!(text.contains("|------|------|\n| r |\n\n## Inputs"), "{text}");
        assert!(text.ends_with("|-------------|\n| o |\n"), "{text}");
    }

    #[test]
    fn shell_words_are_quoted_only_when_needed() {
        assert_eq!(shell_word("HMI-ACME"), "HMI-ACME");
        assert_eq!(shell_word("it's"), "'it'\\''s'");
    }
}
