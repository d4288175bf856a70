//! The Terraform emitter: one module folder per model module.
//!
//! Follows terraform-aws-modules conventions: `main.tf`, `variables.tf`, `outputs.tf`, `versions.tf` and a
//! README with terraform-docs' tables; policies as `data "aws_iam_policy_document"`; a resource that exists
//! once per module is labelled `this`, others by their blueprint name in snake_case.
//! Files are written by [`text::Writer`] straight from the model, exactly as `terraform fmt` leaves them; [`fmt`]
//! is the general renderer of `hcl::Body` values (built with [`expr`]) that the writer is tested against.
//!
//! A model bucket becomes several provider resources (`aws_s3_bucket` and its `aws_s3_bucket_*` settings),
//! because AWS provider 4 and later configure each setting as a resource of its own.

pub mod expr;
pub mod fmt;
pub mod text;

use crate::emit::prose::{self, OutputRow, ReferenceRow, TerraformReference, VersionRow};
use crate::model::policy::{PolicyDocument, Principal};
use crate::model::resource::{BucketEncryption, Resource, ResourceId, ResourceKind, Tags};
use crate::model::value::Attribute;
use crate::model::{Deployment, Module};

use text::{Writer, push_reference, push_string, push_value};

/// The Terraform versions the generated modules need: `postcondition` blocks on data sources arrived in 1.2,
/// and 1.3 is the oldest release still receiving fixes when this was written.
pub const REQUIRED_TERRAFORM: &str = ">= 1.3";

/// The AWS provider versions the generated modules accept unless told otherwise: the split `aws_s3_bucket_*`
/// resources exist from 4.0 on, and 5.0 is the oldest major version they were validated against.
pub const DEFAULT_AWS_PROVIDER_VERSION: &str = ">= 5.0";

/// Terraform settings that are the user's choice.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Options {
    /// The version constraint on the `hashicorp/aws` provider in `versions.tf`, already checked with
    /// [`check_version_constraint`].
    pub aws_provider_version: String,
}

impl Default for Options {
    fn default() -> Options {
        Options { aws_provider_version: DEFAULT_AWS_PROVIDER_VERSION.to_owned() }
    }
}

/// Checks a Terraform version constraint (`>= 5.0`, `~> 5.40, != 5.41.0`): comma-separated parts, each an
/// optional operator (`=`, `!=`, `>`, `>=`, `<`, `<=`, `~>`) and a version of one to three numbers with an
/// optional `-prerelease`.
///
/// # Errors
///
/// Returns what is wrong with the first bad part, as a message fragment (lowercase, no final period).
pub fn check_version_constraint(constraint: &str) -> Result<(), String> {
    if constraint.trim().is_empty() {
        return Err("the version constraint is empty".to_owned());
    }
    for part in constraint.split(',') {
        let part = part.trim();
        let version =
            ["~>", ">=", "<=", "!=", ">", "<", "="].iter().find_map(|operator| part.strip_prefix(operator)).unwrap_or(part).trim_start();
        let (numbers, prerelease) = version.split_once('-').unwrap_or((version, ""));
        let numbers_ok = !numbers.is_empty()
            && numbers.split('.').count() <= 3
            && numbers.split('.').all(|number| !number.is_empty() && number.bytes().all(|byte| byte.is_ascii_digit()));
        let prerelease_ok = !version.contains('-')
            || (!prerelease.is_empty() && prerelease.bytes().all(|byte| byte.is_ascii_alphanumeric() || byte == b'.'));
        if !numbers_ok || !prerelease_ok {
            return Err(format!("`{part}` is not an operator (=, !=, >, >=, <, <=, ~>) followed by a version such as 5.0"));
        }
    }
    Ok(())
}

/// The files of one module, as (file name, content) pairs: `README.md` first, then the `.tf` files by name.
pub fn emit(deployment: &Deployment, module: &Module, options: &Options, access: &str) -> Vec<(&'static str, String)> {
    let (files, addresses) = tf_files(deployment, module, options);
    let readme = readme(deployment, module, options, access, addresses).into_string();
    let mut all = Vec::with_capacity(files.len() + 1);
    all.push(("README.md", readme));
    all.extend(files);
    all
}

/// What a module's README needs from its `.tf` files: every resource and data source of `main.tf`, in
/// writing order. [`tf_files`] returns it; [`readme`] takes it.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Addresses(Vec<ReferenceRow>);

/// The `.tf` files of one module, as (file name, content) pairs, without the README, and what the README
/// needs from them: for writers that render the README later, with [`readme`], once the access matrix exists.
pub fn tf_files(deployment: &Deployment, module: &Module, options: &Options) -> (Vec<(&'static str, String)>, Addresses) {
    let mut files: Vec<(&'static str, String)> = Vec::new();
    let addresses = tf_files_each(deployment, module, options, &mut |file, text, _| {
        match files.last_mut() {
            Some((last, content)) if *last == file => content.push_str(&text),
            _ => files.push((file, text)),
        }
        true
    });
    let Some(addresses) = addresses else { unreachable!("collecting the files never stops them") };
    (files, addresses)
}

/// [`tf_files`], each file handed to `each` as soon as it is written, as (file name, text, last): whole, with
/// `last`, or, for the `main.tf` of a large module (a 10,000-client one is 20 MB), in pieces of about
/// [`crate::emit::PIECE_BYTES`] in order, the last with `last`. Returns `None` as soon as `each` returns `false`.
pub fn tf_files_each(
    deployment: &Deployment,
    module: &Module,
    options: &Options,
    each: &mut dyn FnMut(&'static str, String, bool) -> bool,
) -> Option<Addresses> {
    let header = crate::emit::header_text(deployment);
    let mut main = MainFile::default();
    main.writer.header(std::slice::from_ref(&header));
    main.guard(module);
    for resource in &module.resources {
        main.resource(resource);
        if main.writer.len() >= crate::emit::PIECE_BYTES {
            each("main.tf", main.writer.take_text(), false).then_some(())?;
        }
    }
    each("main.tf", main.writer.finish(), true).then_some(())?;

    let mut outputs = Writer::new();
    outputs.header(std::slice::from_ref(&header));
    for output in &module.outputs {
        outputs.open("output", &[&output_name(&output.words)], None);
        outputs.string("description", &output.description);
        outputs.value("value", &output.value);
        outputs.close();
    }
    each("outputs.tf", outputs.finish(), true).then_some(())?;

    let mut variables = Writer::new();
    variables.header(&[
        header.as_str(),
        "",
        "This module takes no input variables: every value comes from the blueprint, so the module deploys",
        "exactly what was reviewed. Add tags to every resource with the AWS provider's default_tags.",
    ]);
    each("variables.tf", variables.finish(), true).then_some(())?;

    let mut versions = Writer::new();
    versions.header(&[header]);
    versions.open("terraform", &[], None);
    versions.string("required_version", REQUIRED_TERRAFORM);
    versions.open("required_providers", &[], None);
    versions.object("aws", [("source", "hashicorp/aws"), ("version", options.aws_provider_version.as_str())]);
    versions.close();
    versions.close();
    each("versions.tf", versions.finish(), true).then_some(())?;
    Some(Addresses(main.addresses))
}

/// The module's `README.md` alone, as [`emit`] writes it, from the [`Addresses`] of its `.tf` files, to be
/// written out as a [`prose::Document`].
pub fn readme<'a>(
    deployment: &'a Deployment,
    module: &'a Module,
    options: &Options,
    access: &'a str,
    addresses: Addresses,
) -> prose::Document<'a> {
    let Addresses(mut addresses) = addresses;
    addresses.sort_by(|a, b| a.name.cmp(&b.name));
    let reference = TerraformReference {
        requirements: vec![
            VersionRow { name: "terraform".into(), version: REQUIRED_TERRAFORM.into() },
            VersionRow { name: "aws".into(), version: options.aws_provider_version.clone() },
        ],
        providers: vec![VersionRow { name: "aws".into(), version: options.aws_provider_version.clone() }],
        resources: addresses,
        outputs: module
            .outputs
            .iter()
            .map(|output| OutputRow { name: output_name(&output.words), description: output.description.clone() })
            .collect(),
    };
    let mut usage = Writer::new();
    usage.open("module", &[&format!("{}_{}", snake_of(&deployment.name), snake_of(&module.name))], None);
    usage.string("source", &format!("./generated/{}/terraform/{}", deployment.name, module.name));
    usage.close();
    prose::terraform_readme(deployment, module, reference, usage.finish().trim_end().to_owned(), access)
}

/// `main.tf` under construction.
#[derive(Default)]
struct MainFile {
    writer: Writer,
    /// Every resource and data source written so far, in writing order, for the README.
    addresses: Vec<ReferenceRow>,
}

impl MainFile {
    /// Opens a top-level block (`resource` or `data`) and records its address.
    fn open(&mut self, identifier: &'static str, resource_type: &str, label: &str, comment: Option<&str>) {
        let (name, kind) = match identifier {
            "data" => (format!("data.{resource_type}.{label}"), "data source"),
            _ => (format!("{resource_type}.{label}"), "resource"),
        };
        self.addresses.push(ReferenceRow { name, kind });
        self.writer.open(identifier, &[resource_type, label], comment);
    }

    /// Closes a top-level block.
    fn close(&mut self) {
        self.writer.close();
    }

    /// Writes `bucket = aws_s3_bucket.<label>.id`, the first attribute of every bucket setting.
    fn bucket_id(&mut self, label: &str) {
        self.writer.attribute("bucket", |out| push_reference(out, &["aws_s3_bucket", label, "id"]));
    }

    /// Reads the caller's account and region and stops the plan, before anything is created, when they are not
    /// the blueprint's.
    fn guard(&mut self, module: &Module) {
        let comment = match module.region {
            Some(_) => "The module is generated for one account and region; planning anywhere else fails before any change.",
            None => {
                "The module is generated for one account; planning in any other fails before any change. It holds only IAM\nresources, which are global, so any region will do."
            }
        };
        self.open("data", "aws_caller_identity", "current", Some(comment));
        self.postcondition(
            "self.account_id",
            &module.account,
            &format!("This module is generated for AWS account {}; the provider is configured for another account.", module.account),
        );
        self.close();
        if let Some(region) = &module.region {
            self.open("data", "aws_region", "current", None);
            self.postcondition(
                "self.name",
                region,
                &format!("This module is generated for region {region}; the provider is configured for another region."),
            );
            self.close();
        }
        self.open("data", "aws_partition", "current", None);
        self.close();
    }

    /// `lifecycle { postcondition { condition = <attribute> == "<expected>" ... } }`.
    fn postcondition(&mut self, attribute: &str, expected: &str, message: &str) {
        self.writer.open("lifecycle", &[], None);
        self.writer.open("postcondition", &[], None);
        self.writer.attribute("condition", |out| {
            push_reference(out, &[attribute]);
            out.push_str(" == ");
            push_string(out, expected);
        });
        self.writer.string("error_message", message);
        self.writer.close();
        self.writer.close();
    }

    /// Writes a `data "aws_iam_policy_document"` block labelled `label`.
    fn policy_document(&mut self, label: &str, document: &PolicyDocument) {
        self.open("data", "aws_iam_policy_document", label, None);
        policy_body(&mut self.writer, document);
        self.close();
    }

    /// Writes `key = data.aws_iam_policy_document.<label>.json`.
    fn document_json(&mut self, key: &str, label: &str) {
        self.writer.attribute(key, |out| push_reference(out, &["data.aws_iam_policy_document", label, "json"]));
    }

    fn resource(&mut self, resource: &Resource) {
        let this = label(resource.id());
        let label = this.as_str();
        match resource {
            Resource::Bucket(bucket) => {
                self.open("resource", "aws_s3_bucket", label, None);
                self.writer.string("bucket", &bucket.name);
                with_tags(&mut self.writer, &bucket.tags);
                if bucket.retain_on_delete {
                    prevent_destroy(&mut self.writer);
                }
                self.close();

                let access = &bucket.public_access_block;
                self.open("resource", "aws_s3_bucket_public_access_block", label, None);
                self.bucket_id(label);
                for (key, on) in [
                    ("block_public_acls", access.block_public_acls),
                    ("block_public_policy", access.block_public_policy),
                    ("ignore_public_acls", access.ignore_public_acls),
                    ("restrict_public_buckets", access.restrict_public_buckets),
                ] {
                    self.writer.attribute(key, |out| push_bool(out, on));
                }
                self.close();

                self.open("resource", "aws_s3_bucket_ownership_controls", label, None);
                self.bucket_id(label);
                self.writer.open("rule", &[], None);
                self.writer.string("object_ownership", bucket.object_ownership.as_str());
                self.writer.close();
                self.close();

                self.open("resource", "aws_s3_bucket_server_side_encryption_configuration", label, None);
                self.bucket_id(label);
                self.writer.open("rule", &[], None);
                self.writer.open("apply_server_side_encryption_by_default", &[], None);
                match &bucket.encryption {
                    BucketEncryption::S3Managed => {
                        self.writer.string("sse_algorithm", "AES256");
                        self.writer.close();
                    }
                    BucketEncryption::Kms { key_arn, bucket_key } => {
                        self.writer.string("sse_algorithm", "aws:kms");
                        self.writer.value("kms_master_key_id", key_arn);
                        self.writer.close();
                        self.writer.attribute("bucket_key_enabled", |out| push_bool(out, *bucket_key));
                    }
                }
                self.writer.close();
                self.close();

                if bucket.versioning {
                    self.open("resource", "aws_s3_bucket_versioning", label, None);
                    self.bucket_id(label);
                    self.writer.open("versioning_configuration", &[], None);
                    self.writer.string("status", "Enabled");
                    self.writer.close();
                    self.close();
                }
                if let Some(logging) = &bucket.logging {
                    let comment = logging
                        .delivery_policy
                        .as_ref()
                        .map(|_| "Logging is switched on once the log bucket's policy lets S3 deliver the logs.");
                    self.open("resource", "aws_s3_bucket_logging", label, comment);
                    self.bucket_id(label);
                    self.writer.value("target_bucket", &logging.target_bucket);
                    self.writer.string("target_prefix", &logging.target_prefix);
                    if let Some(policy) = &logging.delivery_policy {
                        let policy = self::label(policy);
                        self.writer
                            .list("depends_on", [policy.as_str()], |out, policy| push_reference(out, &["aws_s3_bucket_policy", policy]));
                    }
                    self.close();
                }
            }
            Resource::BucketPolicy(policy) => {
                let document = data_label(&policy.id, "bucket_policy");
                self.policy_document(&document, &policy.document);
                let bucket = self::label(&policy.bucket);
                self.open(
                    "resource",
                    "aws_s3_bucket_policy",
                    label,
                    Some("The public-access block is part of the bucket the model describes; S3 answers 409 (conflicting\noperation) when a bucket policy and the public-access block of one bucket are changed at once."),
                );
                self.bucket_id(&bucket);
                self.document_json("policy", &document);
                self.writer.list("depends_on", [bucket.as_str()], |out, bucket| {
                    push_reference(out, &["aws_s3_bucket_public_access_block", bucket]);
                });
                self.close();
            }
            Resource::Role(role) => {
                let trust = data_label(&role.id, "assume_role");
                self.policy_document(&trust, &role.trust_policy);
                self.open("resource", "aws_iam_role", label, None);
                self.writer.string("name", &role.name);
                self.writer.string("description", &role.description);
                self.document_json("assume_role_policy", &trust);
                self.writer.attribute("max_session_duration", |out| push_number(out, role.max_session_duration.into()));
                with_tags(&mut self.writer, &role.tags);
                self.close();
            }
            Resource::ManagedPolicy(policy) => {
                let document = data_label(&policy.id, "policy");
                self.policy_document(&document, &policy.document);
                self.open("resource", "aws_iam_policy", label, None);
                self.writer.string("name", &policy.name);
                self.writer.string("description", &policy.description);
                self.document_json("policy", &document);
                with_tags(&mut self.writer, &policy.tags);
                self.close();
                self.open("resource", "aws_iam_role_policy_attachment", label, None);
                self.writer.value("role", &policy.attached_role);
                self.writer.attribute("policy_arn", |out| push_reference(out, &["aws_iam_policy", label, "arn"]));
                self.close();
            }
            Resource::KmsKey(key) => {
                let document = data_label(&key.id, "key_policy");
                self.policy_document(&document, &key.key_policy);
                self.open("resource", "aws_kms_key", label, None);
                self.writer.string("description", &key.description);
                self.writer.attribute("enable_key_rotation", |out| push_bool(out, key.rotation));
                self.writer.attribute("deletion_window_in_days", |out| push_number(out, key.deletion_window_days.into()));
                self.document_json("policy", &document);
                with_tags(&mut self.writer, &key.tags);
                if key.retain_on_delete {
                    prevent_destroy(&mut self.writer);
                }
                self.close();
            }
            Resource::KmsAlias(alias) => {
                self.open("resource", "aws_kms_alias", label, None);
                self.writer.string("name", &alias.name);
                self.writer.value("target_key_id", &alias.target_key.attribute(Attribute::KeyId));
                self.close();
            }
            Resource::ExistingRole(role) => {
                self.open(
                    "data",
                    "aws_iam_role",
                    label,
                    Some("The role exists already: looking it up makes the plan fail when it is missing, before anything changes."),
                );
                self.writer.string("name", &role.name);
                self.close();
            }
            Resource::InstanceProfile(profile) => {
                self.open("resource", "aws_iam_instance_profile", label, None);
                self.writer.string("name", &profile.name);
                self.writer.value("role", &profile.role.attribute(Attribute::Name));
                self.close();
            }
        }
    }
}

fn push_bool(out: &mut String, value: bool) {
    out.push_str(if value { "true" } else { "false" });
}

fn push_number(out: &mut String, value: i64) {
    out.push_str(&value.to_string());
}

fn prevent_destroy(writer: &mut Writer) {
    writer.open("lifecycle", &[], None);
    writer.attribute("prevent_destroy", |out| push_bool(out, true));
    writer.close();
}

fn with_tags(writer: &mut Writer, tags: &Tags) {
    if !tags.is_empty() {
        writer.object("tags", tags.iter().map(|(key, tag)| (key.as_str(), tag.as_str())));
    }
}

/// The body of a `data "aws_iam_policy_document"` block.
fn policy_body(writer: &mut Writer, document: &PolicyDocument) {
    for statement in &document.statements {
        writer.open("statement", &[], None);
        writer.string("sid", &statement.sid);
        writer.string("effect", statement.effect.as_str());
        writer.list("actions", &statement.actions, push_string);
        if !statement.resources.is_empty() {
            writer.list("resources", &statement.resources, push_value);
        }
        if let Some(principal) = &statement.principal {
            writer.open("principals", &[], None);
            match principal {
                Principal::Anyone => {
                    writer.string("type", "*");
                    writer.list("identifiers", ["*"], push_string);
                }
                Principal::Aws(values) => {
                    writer.string("type", "AWS");
                    writer.list("identifiers", values, push_value);
                }
                Principal::Service(services) => {
                    writer.string("type", "Service");
                    writer.list("identifiers", services, |out, service| push_string(out, service));
                }
            }
            writer.close();
        }
        for condition in &statement.conditions {
            writer.open("condition", &[], None);
            writer.string("test", condition.operator.as_str());
            writer.string("variable", condition.key);
            writer.list("values", &condition.values, push_value);
            writer.close();
        }
        writer.close();
    }
}

/// The label of a resource: its words in snake_case, or `this` for the module's main resource of its kind.
pub fn label(id: &ResourceId) -> String {
    if id.words.is_empty() { "this".to_owned() } else { id.words.join("_") }
}

/// The label of a data source that belongs to a resource (`acme_assume_role`, or `assume_role` for `this`).
fn data_label(id: &ResourceId, purpose: &str) -> String {
    if id.words.is_empty() { purpose.to_owned() } else { format!("{}_{purpose}", id.words.join("_")) }
}

fn output_name(words: &[String]) -> String {
    words.join("_")
}

fn snake_of(name: &str) -> String {
    crate::model::resource::identifier_words(name).join("_")
}

/// The Terraform resource type and attribute behind a model reference.
fn attribute_path(kind: ResourceKind, attribute: Attribute) -> (&'static str, &'static str) {
    let resource_type = match kind {
        ResourceKind::Bucket => "aws_s3_bucket",
        ResourceKind::BucketPolicy => "aws_s3_bucket_policy",
        ResourceKind::Role => "aws_iam_role",
        ResourceKind::ManagedPolicy => "aws_iam_policy",
        ResourceKind::KmsKey => "aws_kms_key",
        ResourceKind::KmsAlias => "aws_kms_alias",
        ResourceKind::InstanceProfile => "aws_iam_instance_profile",
        ResourceKind::ExistingRole => "data.aws_iam_role",
    };
    let attribute = match (kind, attribute) {
        (_, Attribute::Arn) => "arn",
        (ResourceKind::Bucket, Attribute::Name) => "id",
        (_, Attribute::Name) => "name",
        (_, Attribute::KeyId) => "key_id",
    };
    (resource_type, attribute)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A writer that puts files on disk one at a time gets the same files from [`readme`] and [`tf_files`] as
    /// from [`emit`].
    #[test]
    fn readme_and_tf_files_alone_are_what_emit_writes() {
        let examples = [
            ("acme-exchange", include_str!("../../../blueprints/acme-exchange.yaml")),
            ("hsts", include_str!("../../../blueprints/hsts.yaml")),
            ("aoc-kms-existing-key", include_str!("../../../blueprints/aoc-kms-existing-key.yaml")),
        ];
        for (name, text) in examples {
            let (blueprint, _) = crate::blueprint::load(&format!("blueprints/{name}.yaml"), text).expect("the example loads");
            let deployment = crate::model::build(&blueprint);
            let options = Options::default();
            for module in &deployment.modules {
                let mut all = emit(&deployment, module, &options, "access");
                let (first, readme_text) = all.remove(0);
                assert_eq!(first, "README.md");
                let (files, addresses) = tf_files(&deployment, module, &options);
                assert_eq!(files, all, "{name} {}", module.name);
                assert_eq!(readme(&deployment, module, &options, "access", addresses).into_string(), readme_text, "{name} {}", module.name);
            }
        }
    }
}
