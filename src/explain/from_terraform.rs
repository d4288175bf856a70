//! Reads an emitted Terraform module back into the policies it grants.
//!
//! This is a reader of emitted files, not an emitter, and it never looks at the model: it parses the module's
//! `.tf` files with hcl-rs and evaluates their expressions with hcl-rs's evaluator, in a context that holds what
//! Terraform would know at apply time: the `aws_partition`, `aws_caller_identity` and `aws_region` data sources
//! of where the module is deployed, the attributes of the module's own resources (`aws_s3_bucket.X.arn`,
//! `aws_iam_role.X.name`, `aws_kms_key.X.arn`, ...), and the `json` of each `data "aws_iam_policy_document"`,
//! translated into AWS JSON as the AWS provider does. It then follows `assume_role_policy`, `aws_iam_policy` with
//! its `aws_iam_role_policy_attachment`, `aws_s3_bucket_policy` and `aws_kms_key.policy`.
//! A key's ID is chosen by AWS at creation, so a created key gets the model's stand-in ID, named by its label
//! (`this` is the module's main key, `log` the key named `log`).
//!
//! It fails closed: a block, resource type, data source, argument or function it does not read is an error,
//! because any of them might change who gets in.

use std::collections::BTreeMap;

use hcl::eval::{Context, Evaluate};
use hcl::{Block, Body, Expression, Value};
use serde_json::Value as Json;

use super::policies::{BucketPolicies, Environment, KeyPolicies, ModulePolicies, NamedPolicy, ReadError, ReadErrorKind, RolePolicies};

/// Which arguments and nested blocks a resource type may have.
enum Allowed {
    /// Only these; anything else might change access.
    Only(&'static [&'static str]),
    /// Anything: settings the evaluator does not model either way (encryption, versioning, logging, the
    /// public-access block and ownership controls only ever take access away).
    Any,
}

/// The resource types the reader knows.
fn known_resource(resource_type: &str) -> Option<Allowed> {
    Some(match resource_type {
        "aws_s3_bucket" => Allowed::Only(&["bucket", "tags", "lifecycle"]),
        "aws_s3_bucket_public_access_block"
        | "aws_s3_bucket_ownership_controls"
        | "aws_s3_bucket_server_side_encryption_configuration"
        | "aws_s3_bucket_versioning"
        | "aws_s3_bucket_logging" => Allowed::Any,
        "aws_s3_bucket_policy" => Allowed::Only(&["bucket", "policy", "depends_on"]),
        "aws_iam_role" => Allowed::Only(&["name", "description", "assume_role_policy", "max_session_duration", "tags"]),
        "aws_iam_policy" => Allowed::Only(&["name", "description", "policy", "tags"]),
        "aws_iam_role_policy_attachment" => Allowed::Only(&["role", "policy_arn"]),
        "aws_kms_key" => Allowed::Only(&["description", "enable_key_rotation", "deletion_window_in_days", "policy", "tags", "lifecycle"]),
        "aws_kms_alias" => Allowed::Only(&["name", "target_key_id"]),
        "aws_iam_instance_profile" => Allowed::Only(&["name", "role"]),
        _ => return None,
    })
}

/// The data sources the reader knows, with their arguments and blocks.
fn known_data_source(data_type: &str) -> Option<&'static [&'static str]> {
    Some(match data_type {
        "aws_partition" | "aws_caller_identity" | "aws_region" => &["lifecycle"],
        "aws_iam_policy_document" => &["version", "statement"],
        "aws_iam_role" => &["name"],
        _ => return None,
    })
}

/// One `resource` or `data` block.
struct Declared<'b> {
    data: bool,
    kind: &'b str,
    label: &'b str,
    body: &'b Body,
    path: String,
}

impl<'b> Declared<'b> {
    fn argument(&self, name: &str) -> Option<&'b Expression> {
        argument(self.body, name)
    }

    fn required(&self, name: &'static str) -> Result<&'b Expression, ReadError> {
        self.argument(name).ok_or_else(|| ReadError::new(&self.path, ReadErrorKind::Missing(name)))
    }

    fn argument_path(&self, name: &str) -> String {
        format!("{}.{name}", self.path)
    }

    fn address(&self) -> String {
        format!("{}{}.{}", if self.data { "data." } else { "" }, self.kind, self.label)
    }
}

fn argument<'b>(body: &'b Body, name: &str) -> Option<&'b Expression> {
    body.attributes().find(|attribute| attribute.key.as_str() == name).map(|attribute| &attribute.expr)
}

/// Reads one module from its `.tf` files, as (file name, text) pairs, deployed as `environment` says.
///
/// # Errors
///
/// Returns an error when a file does not parse, or holds anything the reader does not read.
pub fn read<'a>(files: impl IntoIterator<Item = (&'a str, &'a str)>, environment: &Environment) -> Result<ModulePolicies, ReadError> {
    let parsed = files
        .into_iter()
        .map(|(name, text)| {
            hcl::from_str::<Body>(text)
                .map(|body| (name, body))
                .map_err(|error| ReadError::new(name, ReadErrorKind::Syntax(error.to_string())))
        })
        .collect::<Result<Vec<_>, _>>()?;
    let mut declared: Vec<Declared<'_>> = Vec::new();
    for (file, body) in &parsed {
        if let Some(attribute) = body.attributes().next() {
            return Err(ReadError::new(*file, ReadErrorKind::Unmodelled(attribute.key.to_string())));
        }
        for block in body.blocks() {
            if let Some(one) = declare(file, block)? {
                // Terraform refuses two blocks with one address; a reader that kept either would guess.
                if declared.iter().any(|other| (other.data, other.kind, other.label) == (one.data, one.kind, one.label)) {
                    return Err(ReadError::new(&one.path, ReadErrorKind::Duplicate(one.address())));
                }
                declared.push(one);
            }
        }
    }

    let data_sources = environment_data_sources(&declared, environment);
    let names = context(&data_sources, &BTreeMap::new());
    let mut resources: BTreeMap<&str, hcl::Map<String, Value>> = BTreeMap::new();
    for resource in declared.iter().filter(|declared| !declared.data) {
        if let Some(attributes) = resource_attributes(resource, &names, environment)? {
            resources.entry(resource.kind).or_default().insert(resource.label.to_owned(), Value::Object(attributes));
        }
    }

    let with_resources = context(&data_sources, &resources);
    let mut documents = hcl::Map::new();
    for document in declared.iter().filter(|declared| declared.data && declared.kind == "aws_iam_policy_document") {
        let json = policy_document(document, &with_resources)?;
        let mut attributes = hcl::Map::new();
        attributes.insert("json".to_owned(), Value::String(json.to_string()));
        documents.insert(document.label.to_owned(), Value::Object(attributes));
    }
    let mut all_data = data_sources;
    all_data.insert("aws_iam_policy_document".to_owned(), Value::Object(documents));
    let full = context(&all_data, &resources);

    let mut policies = ModulePolicies {
        module: environment.module.clone(),
        account: environment.account.clone(),
        roles: Vec::new(),
        buckets: Vec::new(),
        keys: Vec::new(),
    };
    let attribute = |resource: &Declared<'_>, name: &str| -> String {
        resources[resource.kind][resource.label]
            .as_object()
            .and_then(|object| object.get(name))
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_owned()
    };
    let mut managed: Vec<(String, NamedPolicy)> = Vec::new();
    for source in declared.iter().filter(|declared| declared.data && declared.kind == "aws_iam_role") {
        let name = string(source.required("name")?, &full, &source.argument_path("name"))?;
        policies.roles.push(super::policies::existing_role(environment, &name));
    }
    for resource in declared.iter().filter(|declared| !declared.data) {
        match resource.kind {
            "aws_iam_role" => policies.roles.push(RolePolicies {
                name: attribute(resource, "name"),
                arn: attribute(resource, "arn"),
                trust_policy: policy_json(resource, "assume_role_policy", &full)?,
                policies: Vec::new(),
            }),
            "aws_iam_policy" => managed.push((
                attribute(resource, "arn"),
                NamedPolicy { name: attribute(resource, "name"), document: policy_json(resource, "policy", &full)? },
            )),
            "aws_s3_bucket" => policies.buckets.push(BucketPolicies { name: attribute(resource, "bucket"), policy: None }),
            "aws_kms_key" => {
                policies.keys.push(KeyPolicies { arn: attribute(resource, "arn"), key_policy: policy_json(resource, "policy", &full)? })
            }
            _ => {}
        }
    }
    for resource in declared.iter().filter(|declared| !declared.data) {
        match resource.kind {
            "aws_iam_role_policy_attachment" => {
                let role_name = string(resource.required("role")?, &full, &resource.argument_path("role"))?;
                let policy_arn = string(resource.required("policy_arn")?, &full, &resource.argument_path("policy_arn"))?;
                let (_, policy) = managed.iter().find(|(arn, _)| *arn == policy_arn).ok_or_else(|| {
                    ReadError::new(resource.argument_path("policy_arn"), ReadErrorKind::UnknownReference(policy_arn.clone()))
                })?;
                let role =
                    policies.roles.iter_mut().find(|role| role.name == role_name).ok_or_else(|| {
                        ReadError::new(resource.argument_path("role"), ReadErrorKind::UnknownReference(role_name.clone()))
                    })?;
                role.policies.push(policy.clone());
            }
            "aws_s3_bucket_policy" => {
                let path = resource.argument_path("bucket");
                let bucket_name = string(resource.required("bucket")?, &full, &path)?;
                let document = policy_json(resource, "policy", &full)?;
                policies.attach_bucket_policy(bucket_name, document, &path)?;
            }
            _ => {}
        }
    }
    Ok(policies)
}

/// Checks one top-level block; `None` for blocks that cannot grant access (`terraform`, `output`).
fn declare<'b>(file: &str, block: &'b Block) -> Result<Option<Declared<'b>>, ReadError> {
    let identifier = block.identifier();
    let data = match identifier {
        "terraform" | "output" => return Ok(None),
        "resource" => false,
        "data" => true,
        other => return Err(ReadError::new(file, ReadErrorKind::Unmodelled(other.to_owned()))),
    };
    let [kind, label] = block.labels() else {
        return Err(ReadError::new(format!("{file}: {identifier}"), ReadErrorKind::WrongShape("a type and a name")));
    };
    let (kind, label) = (kind.as_str(), label.as_str());
    let path = format!("{file}: {}{kind}.{label}", if data { "data." } else { "" });
    let allowed = if data {
        Allowed::Only(known_data_source(kind).ok_or_else(|| ReadError::new(&path, ReadErrorKind::UnknownType(format!("data.{kind}"))))?)
    } else {
        known_resource(kind).ok_or_else(|| ReadError::new(&path, ReadErrorKind::UnknownType(kind.to_owned())))?
    };
    if let Allowed::Only(names) = allowed {
        let keys = block.body().attributes().map(|attribute| attribute.key.as_str()).chain(block.body().blocks().map(Block::identifier));
        for key in keys {
            if !names.contains(&key) {
                return Err(ReadError::new(&path, ReadErrorKind::Unmodelled(key.to_owned())));
            }
        }
    }
    Ok(Some(Declared { data, kind, label, body: block.body(), path }))
}

/// `data.aws_partition.X`, `data.aws_caller_identity.X` and `data.aws_region.X` for every such data source.
fn environment_data_sources(declared: &[Declared<'_>], environment: &Environment) -> hcl::Map<String, Value> {
    let mut data = hcl::Map::new();
    for source in declared.iter().filter(|declared| declared.data) {
        let mut attributes = hcl::Map::new();
        match source.kind {
            "aws_partition" => attributes.insert("partition".to_owned(), Value::String(environment.partition.clone())),
            "aws_caller_identity" => attributes.insert("account_id".to_owned(), Value::String(environment.account.clone())),
            "aws_region" => attributes.insert("name".to_owned(), Value::String(environment.region.clone())),
            // An existing role, looked up by name: the name must be a literal, as the generated modules write it.
            "aws_iam_role" => {
                let Some(name) =
                    source.body.attributes().find(|attribute| attribute.key() == "name").and_then(|attribute| match attribute.expr() {
                        hcl::Expression::String(name) => Some(name.clone()),
                        _ => None,
                    })
                else {
                    continue;
                };
                let role = super::policies::existing_role(environment, &name);
                attributes.insert("arn".to_owned(), Value::String(role.arn));
                attributes.insert("name".to_owned(), Value::String(name))
            }
            _ => continue,
        };
        let by_label = data.entry(source.kind.to_owned()).or_insert_with(|| Value::Object(hcl::Map::new()));
        if let Value::Object(by_label) = by_label {
            by_label.insert(source.label.to_owned(), Value::Object(attributes));
        }
    }
    data
}

fn context<'c>(data: &hcl::Map<String, Value>, resources: &BTreeMap<&str, hcl::Map<String, Value>>) -> Context<'c> {
    let mut context = Context::new();
    context.declare_var("data", Value::Object(data.clone()));
    for (kind, by_label) in resources {
        context.declare_var(*kind, Value::Object(by_label.clone()));
    }
    context
}

/// The attributes other blocks may refer to, from the resource's name argument: what the AWS provider exports
/// once it exists (`id`, `arn`, `name`, ...). A created key gets its stand-in ID.
fn resource_attributes(
    resource: &Declared<'_>,
    names: &Context<'_>,
    environment: &Environment,
) -> Result<Option<hcl::Map<String, Value>>, ReadError> {
    let name = |argument: &'static str| string(resource.required(argument)?, names, &resource.argument_path(argument));
    let pairs: Vec<(&str, String)> = match resource.kind {
        "aws_s3_bucket" => {
            let bucket = name("bucket")?;
            vec![("arn", environment.bucket_arn(&bucket)), ("id", bucket.clone()), ("bucket", bucket)]
        }
        "aws_iam_role" => {
            let role = name("name")?;
            vec![("arn", environment.iam_arn(&format!("role/{role}"))), ("id", role.clone()), ("name", role)]
        }
        "aws_iam_policy" => {
            let policy = name("name")?;
            let arn = environment.iam_arn(&format!("policy/{policy}"));
            vec![("arn", arn.clone()), ("id", arn), ("name", policy)]
        }
        "aws_iam_instance_profile" => {
            let profile = name("name")?;
            vec![("arn", environment.iam_arn(&format!("instance-profile/{profile}"))), ("id", profile.clone()), ("name", profile)]
        }
        "aws_kms_key" => {
            let words: Vec<String> =
                if resource.label == "this" { Vec::new() } else { resource.label.split('_').map(str::to_owned).collect() };
            let key_id = environment.stand_in_key_id(&words);
            vec![("arn", environment.key_arn(&key_id)), ("id", key_id.clone()), ("key_id", key_id)]
        }
        "aws_kms_alias" => {
            let alias = name("name")?;
            let arn = format!("arn:{}:kms:{}:{}:{alias}", environment.partition, environment.region, environment.account);
            vec![("arn", arn), ("id", alias.clone()), ("name", alias)]
        }
        _ => return Ok(None),
    };
    Ok(Some(pairs.into_iter().map(|(key, value)| (key.to_owned(), Value::String(value))).collect()))
}

fn evaluate(expression: &Expression, context: &Context<'_>, path: &str) -> Result<Value, ReadError> {
    expression.evaluate(context).map_err(|error| ReadError::new(path, ReadErrorKind::Expression(error.to_string())))
}

fn string(expression: &Expression, context: &Context<'_>, path: &str) -> Result<String, ReadError> {
    match evaluate(expression, context, path)? {
        Value::String(text) => Ok(text),
        _ => Err(ReadError::new(path, ReadErrorKind::WrongShape("a string"))),
    }
}

fn strings(expression: &Expression, context: &Context<'_>, path: &str) -> Result<Vec<String>, ReadError> {
    match evaluate(expression, context, path)? {
        Value::Array(items) => items
            .into_iter()
            .map(|item| match item {
                Value::String(text) => Ok(text),
                _ => Err(ReadError::new(path, ReadErrorKind::WrongShape("a list of strings"))),
            })
            .collect(),
        _ => Err(ReadError::new(path, ReadErrorKind::WrongShape("a list of strings"))),
    }
}

/// A policy argument (`policy`, `assume_role_policy`): a JSON string, parsed.
fn policy_json(resource: &Declared<'_>, argument: &'static str, context: &Context<'_>) -> Result<Json, ReadError> {
    let path = resource.argument_path(argument);
    let text = string(resource.required(argument)?, context, &path)?;
    serde_json::from_str(&text).map_err(|_| ReadError::new(path, ReadErrorKind::WrongShape("a JSON policy document")))
}

/// A `data "aws_iam_policy_document"` block as the AWS provider writes its `json`: each `statement` becomes a
/// statement with `Sid`, `Effect` (Allow unless given), `Action`/`NotAction`, `Resource`/`NotResource`,
/// `Principal`/`NotPrincipal` (grouped by type; `type = "*"` is `"*"`) and `Condition` (grouped by test, then
/// variable).
fn policy_document(document: &Declared<'_>, context: &Context<'_>) -> Result<Json, ReadError> {
    let version = match document.argument("version") {
        Some(expression) => string(expression, context, &document.argument_path("version"))?,
        None => "2012-10-17".to_owned(),
    };
    let mut statements = Vec::new();
    for (index, statement) in document.body.blocks().enumerate() {
        statements.push(statement_json(statement.body(), context, &format!("{}.statement[{index}]", document.path))?);
    }
    Ok(serde_json::json!({ "Version": version, "Statement": statements }))
}

const STATEMENT_KEYS: &[&str] =
    &["sid", "effect", "actions", "not_actions", "resources", "not_resources", "principals", "not_principals", "condition"];

fn statement_json(body: &Body, context: &Context<'_>, path: &str) -> Result<Json, ReadError> {
    let keys = body.attributes().map(|attribute| attribute.key.as_str()).chain(body.blocks().map(Block::identifier));
    for key in keys {
        if !STATEMENT_KEYS.contains(&key) {
            return Err(ReadError::new(path, ReadErrorKind::Unmodelled(key.to_owned())));
        }
    }
    let mut statement = serde_json::Map::new();
    if let Some(sid) = argument(body, "sid") {
        statement.insert("Sid".into(), Json::String(string(sid, context, &format!("{path}.sid"))?));
    }
    let effect = match argument(body, "effect") {
        Some(effect) => string(effect, context, &format!("{path}.effect"))?,
        None => "Allow".to_owned(),
    };
    statement.insert("Effect".into(), Json::String(effect));
    for (argument_name, element) in
        [("actions", "Action"), ("not_actions", "NotAction"), ("resources", "Resource"), ("not_resources", "NotResource")]
    {
        if let Some(expression) = argument(body, argument_name) {
            let values = strings(expression, context, &format!("{path}.{argument_name}"))?;
            statement.insert(element.into(), Json::from(values));
        }
    }
    for (block_name, element) in [("principals", "Principal"), ("not_principals", "NotPrincipal")] {
        if let Some(principal) = principal_json(body, block_name, context, &format!("{path}.{block_name}"))? {
            statement.insert(element.into(), principal);
        }
    }
    let mut conditions: BTreeMap<String, serde_json::Map<String, Json>> = BTreeMap::new();
    for (index, condition) in body.blocks().filter(|block| block.identifier() == "condition").enumerate() {
        let path = format!("{path}.condition[{index}]");
        let required =
            |name: &'static str| argument(condition.body(), name).ok_or_else(|| ReadError::new(&path, ReadErrorKind::Missing(name)));
        let test = string(required("test")?, context, &format!("{path}.test"))?;
        let variable = string(required("variable")?, context, &format!("{path}.variable"))?;
        let values = strings(required("values")?, context, &format!("{path}.values"))?;
        let by_variable = conditions.entry(test.clone()).or_default();
        if by_variable.insert(variable.clone(), Json::from(values)).is_some() {
            return Err(ReadError::new(path, ReadErrorKind::Duplicate(format!("{test} {variable}"))));
        }
    }
    if !conditions.is_empty() {
        statement.insert("Condition".into(), Json::Object(conditions.into_iter().map(|(test, keys)| (test, Json::Object(keys))).collect()));
    }
    Ok(Json::Object(statement))
}

fn principal_json(body: &Body, block_name: &str, context: &Context<'_>, path: &str) -> Result<Option<Json>, ReadError> {
    let mut by_type: BTreeMap<String, Vec<String>> = BTreeMap::new();
    let mut anyone = false;
    for (index, principals) in body.blocks().filter(|block| block.identifier() == block_name).enumerate() {
        let path = format!("{path}[{index}]");
        let required =
            |name: &'static str| argument(principals.body(), name).ok_or_else(|| ReadError::new(&path, ReadErrorKind::Missing(name)));
        let kind = string(required("type")?, context, &format!("{path}.type"))?;
        let identifiers = strings(required("identifiers")?, context, &format!("{path}.identifiers"))?;
        if kind == "*" {
            if identifiers != ["*"] {
                return Err(ReadError::new(path, ReadErrorKind::WrongShape("identifiers = [\"*\"] with type = \"*\"")));
            }
            anyone = true;
        } else {
            by_type.entry(kind).or_default().extend(identifiers);
        }
    }
    match (anyone, by_type.is_empty()) {
        (false, true) => Ok(None),
        (true, true) => Ok(Some(Json::String("*".into()))),
        (true, false) => Err(ReadError::new(path, ReadErrorKind::Duplicate("type = \"*\" beside other principals".into()))),
        (false, false) => Ok(Some(Json::Object(by_type.into_iter().map(|(kind, identifiers)| (kind, Json::from(identifiers))).collect()))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn environment() -> Environment {
        Environment { module: "owner".into(), account: "111122223333".into(), region: "eu-west-1".into(), partition: "aws-cn".into() }
    }

    fn error(main: &str) -> ReadError {
        read([("main.tf", main)], &environment()).expect_err("the module is refused")
    }

    const MODULE: &str = r#"
data "aws_partition" "current" {}
data "aws_caller_identity" "current" {}

data "aws_iam_policy_document" "trust" {
  statement {
    actions = ["sts:AssumeRole"]
    principals {
      type        = "AWS"
      identifiers = ["arn:${data.aws_partition.current.partition}:iam::444455556666:root"]
    }
    condition {
      test     = "StringEquals"
      variable = "sts:ExternalId"
      values   = ["x-1"]
    }
  }
}

resource "aws_iam_role" "acme" {
  name               = "ACME-ExtRole"
  assume_role_policy = data.aws_iam_policy_document.trust.json
}

resource "aws_s3_bucket" "this" {
  bucket = "b-${data.aws_caller_identity.current.account_id}"
}

resource "aws_kms_key" "log" {
  policy = data.aws_iam_policy_document.key.json
}

data "aws_iam_policy_document" "key" {
  statement {
    sid       = "Use"
    actions   = ["kms:Decrypt"]
    resources = ["*"]
    principals {
      type        = "AWS"
      identifiers = [aws_iam_role.acme.arn]
    }
  }
  statement {
    effect    = "Deny"
    actions   = ["kms:*"]
    resources = ["*"]
    principals {
      type        = "*"
      identifiers = ["*"]
    }
  }
}

data "aws_iam_policy_document" "access" {
  statement {
    actions   = ["s3:GetObject"]
    resources = ["${aws_s3_bucket.this.arn}/*", aws_kms_key.log.arn]
  }
}

resource "aws_iam_policy" "acme" {
  name   = "ACME-ExtRole"
  policy = data.aws_iam_policy_document.access.json
}

resource "aws_iam_role_policy_attachment" "acme" {
  role       = aws_iam_role.acme.name
  policy_arn = aws_iam_policy.acme.arn
}
"#;

    #[test]
    fn references_and_policy_documents_resolve_as_terraform_resolves_them() {
        let policies = read([("main.tf", MODULE)], &environment()).expect("the module reads");
        let role = &policies.roles[0];
        assert_eq!(role.arn, "arn:aws-cn:iam::111122223333:role/ACME-ExtRole");
        let trust = &role.trust_policy["Statement"][0];
        assert_eq!(trust["Effect"], "Allow", "effect defaults to Allow");
        assert_eq!(trust["Principal"]["AWS"][0], "arn:aws-cn:iam::444455556666:root");
        assert_eq!(trust["Condition"]["StringEquals"]["sts:ExternalId"][0], "x-1");
        assert_eq!(policies.buckets[0].name, "b-111122223333");
        let key_arn = "arn:aws-cn:kms:eu-west-1:111122223333:key/bucketbridge-owner-log";
        assert_eq!(policies.keys[0].arn, key_arn);
        assert_eq!(policies.keys[0].key_policy["Statement"][0]["Principal"]["AWS"][0], role.arn.as_str());
        assert_eq!(policies.keys[0].key_policy["Statement"][1]["Principal"], "*");
        assert_eq!(role.policies[0].name, "ACME-ExtRole");
        let resources = &role.policies[0].document["Statement"][0]["Resource"];
        assert_eq!(resources[0], "arn:aws-cn:s3:::b-111122223333/*");
        assert_eq!(resources[1], key_arn);
    }

    #[test]
    fn anything_that_might_change_access_and_is_not_read_is_refused() {
        let inline = MODULE.replace("  name               = \"ACME-ExtRole\"\n", "  name = \"ACME-ExtRole\"\n  managed_policy_arns = []\n");
        assert_eq!(error(&inline).kind, ReadErrorKind::Unmodelled("managed_policy_arns".into()));
        let user = format!("{MODULE}\nresource \"aws_iam_user_policy\" \"x\" {{}}\n");
        assert_eq!(error(&user).kind, ReadErrorKind::UnknownType("aws_iam_user_policy".into()));
        let counted = MODULE.replace("resource \"aws_s3_bucket\" \"this\" {\n", "resource \"aws_s3_bucket\" \"this\" {\n  count = 2\n");
        assert_eq!(error(&counted).kind, ReadErrorKind::Unmodelled("count".into()));
        let variable = format!("{MODULE}\nvariable \"extra\" {{}}\n");
        assert_eq!(error(&variable).kind, ReadErrorKind::Unmodelled("variable".into()));
        let merged = MODULE.replace(
            "data \"aws_iam_policy_document\" \"access\" {\n",
            "data \"aws_iam_policy_document\" \"access\" {\n  source_policy_documents = []\n",
        );
        assert_eq!(error(&merged).kind, ReadErrorKind::Unmodelled("source_policy_documents".into()));
        let function = MODULE.replace("policy = data.aws_iam_policy_document.access.json", "policy = jsonencode({})");
        assert!(matches!(error(&function).kind, ReadErrorKind::Expression(_)));
        let dangling = MODULE.replace("aws_iam_role.acme.arn]", "aws_iam_role.other.arn]");
        assert!(matches!(error(&dangling).kind, ReadErrorKind::Expression(_)));
        let foreign =
            MODULE.replace("policy_arn = aws_iam_policy.acme.arn", "policy_arn = \"arn:aws:iam::aws:policy/AdministratorAccess\"");
        assert_eq!(error(&foreign).kind, ReadErrorKind::UnknownReference("arn:aws:iam::aws:policy/AdministratorAccess".into()));
    }
}
