//! The Terraform emitter: one module folder per model module.
//!
//! Follows terraform-aws-modules conventions: `main.tf`, `variables.tf`, `outputs.tf`, `versions.tf` and a
//! README with terraform-docs' tables; policies as `data "aws_iam_policy_document"`; a resource that exists
//! once per module is labelled `this`, others by their blueprint name in snake_case.
//! Files are built as `hcl::Body` values with [`expr`] and printed by [`fmt`], which writes exactly what
//! `terraform fmt` leaves.
//!
//! A model bucket becomes several provider resources (`aws_s3_bucket` and its `aws_s3_bucket_*` settings),
//! because AWS provider 4 and later configure each setting as a resource of its own.

pub mod expr;
pub mod fmt;

use std::collections::BTreeMap;

use hcl::{Block, Body, Expression};

use crate::emit::prose::{self, OutputRow, ReferenceRow, TerraformReference, VersionRow};
use crate::model::policy::{PolicyDocument, Principal};
use crate::model::resource::{BucketEncryption, Resource, ResourceId, ResourceKind, Tags};
use crate::model::value::{Attribute, Part, Value};
use crate::model::{Deployment, Module};

use expr::{block, equals, interp, list, lit, object, reference, string, strings, template};
use fmt::{Comments, to_terraform_fmt_with_comments};

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

/// The files of one module, as (file name, content) pairs.
pub fn emit(deployment: &Deployment, module: &Module, options: &Options, access: &str) -> Vec<(&'static str, String)> {
    let header = crate::emit::header_text(deployment);
    let mut main = MainFile::default();
    main.guard(module);
    for resource in &module.resources {
        main.resource(resource);
    }
    let main_tf = to_terraform_fmt_with_comments(&main.body.build(), &Comments { header: vec![header.clone()], above: main.comments });

    let outputs_body = module.outputs.iter().fold(Body::builder(), |body, output| {
        body.add_block(block(
            "output",
            [output_name(&output.words).as_str()],
            Body::builder()
                .add_attribute(("description", string(&output.description)))
                .add_attribute(("value", value(&output.value)))
                .build(),
        ))
    });
    let outputs_tf =
        to_terraform_fmt_with_comments(&outputs_body.build(), &Comments { header: vec![header.clone()], above: BTreeMap::new() });

    let variables_tf = to_terraform_fmt_with_comments(
        &Body::builder().build(),
        &Comments {
            header: vec![
                header.clone(),
                String::new(),
                "This module takes no input variables: every value comes from the blueprint, so the module deploys".into(),
                "exactly what was reviewed. Add tags to every resource with the AWS provider's default_tags.".into(),
            ],
            above: BTreeMap::new(),
        },
    );

    let versions_tf = to_terraform_fmt_with_comments(&versions_body(options), &Comments { header: vec![header], above: BTreeMap::new() });

    let reference = TerraformReference {
        requirements: vec![
            VersionRow { name: "terraform".into(), version: REQUIRED_TERRAFORM.into() },
            VersionRow { name: "aws".into(), version: options.aws_provider_version.clone() },
        ],
        providers: vec![VersionRow { name: "aws".into(), version: options.aws_provider_version.clone() }],
        resources: {
            let mut rows = main.addresses;
            rows.sort_by(|a, b| a.name.cmp(&b.name));
            rows
        },
        outputs: module
            .outputs
            .iter()
            .map(|output| OutputRow { name: output_name(&output.words), description: output.description.clone() })
            .collect(),
    };
    let usage = to_terraform_fmt_with_comments(
        &Body::builder()
            .add_block(block(
                "module",
                [format!("{}_{}", snake_of(&deployment.name), snake_of(&module.name)).as_str()],
                Body::builder()
                    .add_attribute(("source", string(format!("./generated/{}/terraform/{}", deployment.name, module.name))))
                    .build(),
            ))
            .build(),
        &Comments::default(),
    );
    let readme = prose::terraform_readme(deployment, module, &reference, usage.trim_end().to_owned(), access);

    vec![
        ("README.md", readme),
        ("main.tf", main_tf),
        ("outputs.tf", outputs_tf),
        ("variables.tf", variables_tf),
        ("versions.tf", versions_tf),
    ]
}

fn versions_body(options: &Options) -> Body {
    let aws = object([("source", string("hashicorp/aws")), ("version", string(&options.aws_provider_version))]);
    Body::builder()
        .add_block(block(
            "terraform",
            [],
            Body::builder()
                .add_attribute(("required_version", string(REQUIRED_TERRAFORM)))
                .add_block(block("required_providers", [], Body::builder().add_attribute(("aws", aws)).build()))
                .build(),
        ))
        .build()
}

/// `main.tf` under construction.
#[derive(Default)]
struct MainFile {
    body: hcl::structure::BodyBuilder,
    /// Number of top-level blocks added so far, for placing comments.
    blocks: usize,
    comments: BTreeMap<usize, Vec<String>>,
    addresses: Vec<ReferenceRow>,
}

impl MainFile {
    fn add(&mut self, block: Block, comment: Option<&str>) {
        let kind = if block.identifier.as_str() == "data" { "data source" } else { "resource" };
        let labels: Vec<&str> = block.labels.iter().map(|label| label.as_str()).collect();
        let address = match (kind, labels.as_slice()) {
            ("data source", [resource_type, name]) => format!("data.{resource_type}.{name}"),
            (_, [resource_type, name]) => format!("{resource_type}.{name}"),
            _ => labels.join("."),
        };
        self.addresses.push(ReferenceRow { name: address, kind: kind.to_owned() });
        if let Some(comment) = comment {
            self.comments.insert(self.blocks, comment.lines().map(str::to_owned).collect());
        }
        self.body = std::mem::take(&mut self.body).add_block(block);
        self.blocks += 1;
    }

    /// Reads the caller's account and region and stops the plan, before anything is created, when they are not
    /// the blueprint's.
    fn guard(&mut self, module: &Module) {
        let postcondition = |condition: Expression, message: String| {
            block(
                "lifecycle",
                [],
                Body::builder()
                    .add_block(block(
                        "postcondition",
                        [],
                        Body::builder().add_attribute(("condition", condition)).add_attribute(("error_message", string(message))).build(),
                    ))
                    .build(),
            )
        };
        self.add(
            block(
                "data",
                ["aws_caller_identity", "current"],
                Body::builder()
                    .add_block(postcondition(
                        equals(reference("self.account_id"), string(&module.account)),
                        format!(
                            "This module is generated for AWS account {}; the provider is configured for another account.",
                            module.account
                        ),
                    ))
                    .build(),
            ),
            Some(match module.region {
                Some(_) => "The module is generated for one account and region; planning anywhere else fails before any change.",
                None => "The module is generated for one account; planning in any other fails before any change. It holds only IAM\nresources, which are global, so any region will do.",
            }),
        );
        if let Some(region) = &module.region {
            self.add(
                block(
                    "data",
                    ["aws_region", "current"],
                    Body::builder()
                        .add_block(postcondition(
                            equals(reference("self.name"), string(region)),
                            format!("This module is generated for region {region}; the provider is configured for another region."),
                        ))
                        .build(),
                ),
                None,
            );
        }
        self.add(block("data", ["aws_partition", "current"], Body::builder().build()), None);
    }

    fn policy_document(&mut self, label: &str, document: &PolicyDocument) -> Expression {
        self.add(block("data", ["aws_iam_policy_document", label], policy_body(document)), None);
        reference(&format!("data.aws_iam_policy_document.{label}.json"))
    }

    fn resource(&mut self, resource: &Resource) {
        let this = label(resource.id());
        let label = this.as_str();
        match resource {
            Resource::Bucket(bucket) => {
                let bucket_name = reference(&format!("aws_s3_bucket.{label}.id"));
                let mut body = Body::builder().add_attribute(("bucket", string(&bucket.name)));
                body = with_tags(body, &bucket.tags);
                if bucket.retain_on_delete {
                    body = body.add_block(prevent_destroy());
                }
                self.add(block("resource", ["aws_s3_bucket", label], body.build()), None);

                let access = &bucket.public_access_block;
                self.add(
                    block(
                        "resource",
                        ["aws_s3_bucket_public_access_block", label],
                        Body::builder()
                            .add_attribute(("bucket", bucket_name.clone()))
                            .add_attribute(("block_public_acls", access.block_public_acls))
                            .add_attribute(("block_public_policy", access.block_public_policy))
                            .add_attribute(("ignore_public_acls", access.ignore_public_acls))
                            .add_attribute(("restrict_public_buckets", access.restrict_public_buckets))
                            .build(),
                    ),
                    None,
                );
                self.add(
                    block(
                        "resource",
                        ["aws_s3_bucket_ownership_controls", label],
                        Body::builder()
                            .add_attribute(("bucket", bucket_name.clone()))
                            .add_block(block(
                                "rule",
                                [],
                                Body::builder().add_attribute(("object_ownership", string(bucket.object_ownership.as_str()))).build(),
                            ))
                            .build(),
                    ),
                    None,
                );
                let (algorithm, key, bucket_key) = match &bucket.encryption {
                    BucketEncryption::S3Managed => ("AES256", None, None),
                    BucketEncryption::Kms { key_arn, bucket_key } => ("aws:kms", Some(value(key_arn)), Some(*bucket_key)),
                };
                let mut default = Body::builder().add_attribute(("sse_algorithm", string(algorithm)));
                if let Some(key) = key {
                    default = default.add_attribute(("kms_master_key_id", key));
                }
                let mut rule = Body::builder().add_block(block("apply_server_side_encryption_by_default", [], default.build()));
                if let Some(bucket_key) = bucket_key {
                    rule = rule.add_attribute(("bucket_key_enabled", bucket_key));
                }
                self.add(
                    block(
                        "resource",
                        ["aws_s3_bucket_server_side_encryption_configuration", label],
                        Body::builder().add_attribute(("bucket", bucket_name.clone())).add_block(block("rule", [], rule.build())).build(),
                    ),
                    None,
                );
                if bucket.versioning {
                    self.add(
                        block(
                            "resource",
                            ["aws_s3_bucket_versioning", label],
                            Body::builder()
                                .add_attribute(("bucket", bucket_name.clone()))
                                .add_block(block(
                                    "versioning_configuration",
                                    [],
                                    Body::builder().add_attribute(("status", string("Enabled"))).build(),
                                ))
                                .build(),
                        ),
                        None,
                    );
                }
                if let Some(logging) = &bucket.logging {
                    let mut body = Body::builder()
                        .add_attribute(("bucket", bucket_name))
                        .add_attribute(("target_bucket", value(&logging.target_bucket)))
                        .add_attribute(("target_prefix", string(&logging.target_prefix)));
                    let mut comment = None;
                    if let Some(policy) = &logging.delivery_policy {
                        body =
                            body.add_attribute(("depends_on", list([reference(&format!("aws_s3_bucket_policy.{}", self::label(policy)))])));
                        comment = Some("Logging is switched on once the log bucket's policy lets S3 deliver the logs.");
                    }
                    self.add(block("resource", ["aws_s3_bucket_logging", label], body.build()), comment);
                }
            }
            Resource::BucketPolicy(policy) => {
                let document = self.policy_document(&data_label(&policy.id, "bucket_policy"), &policy.document);
                let bucket = self::label(&policy.bucket);
                self.add(
                    block(
                        "resource",
                        ["aws_s3_bucket_policy", label],
                        Body::builder()
                            .add_attribute(("bucket", reference(&format!("aws_s3_bucket.{bucket}.id"))))
                            .add_attribute(("policy", document))
                            .add_attribute(("depends_on", list([reference(&format!("aws_s3_bucket_public_access_block.{bucket}"))])))
                            .build(),
                    ),
                    Some("The public-access block is part of the bucket the model describes; S3 answers 409 (conflicting\noperation) when a bucket policy and the public-access block of one bucket are changed at once."),
                );
            }
            Resource::Role(role) => {
                let trust = self.policy_document(&data_label(&role.id, "assume_role"), &role.trust_policy);
                let body = Body::builder()
                    .add_attribute(("name", string(&role.name)))
                    .add_attribute(("description", string(&role.description)))
                    .add_attribute(("assume_role_policy", trust))
                    .add_attribute(("max_session_duration", i64::from(role.max_session_duration)));
                self.add(block("resource", ["aws_iam_role", label], with_tags(body, &role.tags).build()), None);
            }
            Resource::ManagedPolicy(policy) => {
                let document = self.policy_document(&data_label(&policy.id, "policy"), &policy.document);
                let body = Body::builder()
                    .add_attribute(("name", string(&policy.name)))
                    .add_attribute(("description", string(&policy.description)))
                    .add_attribute(("policy", document));
                self.add(block("resource", ["aws_iam_policy", label], with_tags(body, &policy.tags).build()), None);
                self.add(
                    block(
                        "resource",
                        ["aws_iam_role_policy_attachment", label],
                        Body::builder()
                            .add_attribute(("role", value(&policy.attached_role)))
                            .add_attribute(("policy_arn", reference(&format!("aws_iam_policy.{label}.arn"))))
                            .build(),
                    ),
                    None,
                );
            }
            Resource::KmsKey(key) => {
                let document = self.policy_document(&data_label(&key.id, "key_policy"), &key.key_policy);
                let mut body = Body::builder()
                    .add_attribute(("description", string(&key.description)))
                    .add_attribute(("enable_key_rotation", key.rotation))
                    .add_attribute(("deletion_window_in_days", i64::from(key.deletion_window_days)))
                    .add_attribute(("policy", document));
                body = with_tags(body, &key.tags);
                if key.retain_on_delete {
                    body = body.add_block(prevent_destroy());
                }
                self.add(block("resource", ["aws_kms_key", label], body.build()), None);
            }
            Resource::KmsAlias(alias) => {
                self.add(
                    block(
                        "resource",
                        ["aws_kms_alias", label],
                        Body::builder()
                            .add_attribute(("name", string(&alias.name)))
                            .add_attribute(("target_key_id", value(&alias.target_key.attribute(Attribute::KeyId))))
                            .build(),
                    ),
                    None,
                );
            }
            Resource::ExistingRole(role) => {
                self.add(
                    block("data", ["aws_iam_role", label], Body::builder().add_attribute(("name", string(&role.name))).build()),
                    Some("The role exists already: looking it up makes the plan fail when it is missing, before anything changes."),
                );
            }
            Resource::InstanceProfile(profile) => {
                self.add(
                    block(
                        "resource",
                        ["aws_iam_instance_profile", label],
                        Body::builder()
                            .add_attribute(("name", string(&profile.name)))
                            .add_attribute(("role", value(&profile.role.attribute(Attribute::Name))))
                            .build(),
                    ),
                    None,
                );
            }
        }
    }
}

fn prevent_destroy() -> Block {
    block("lifecycle", [], Body::builder().add_attribute(("prevent_destroy", true)).build())
}

fn with_tags(body: hcl::structure::BodyBuilder, tags: &Tags) -> hcl::structure::BodyBuilder {
    if tags.is_empty() { body } else { body.add_attribute(("tags", object(tags.iter().map(|(key, tag)| (key.clone(), string(tag)))))) }
}

/// The body of a `data "aws_iam_policy_document"` block.
fn policy_body(document: &PolicyDocument) -> Body {
    let mut body = Body::builder();
    for statement in &document.statements {
        let mut statement_body = Body::builder()
            .add_attribute(("sid", string(&statement.sid)))
            .add_attribute(("effect", string(statement.effect.as_str())))
            .add_attribute(("actions", strings(statement.actions.iter().cloned())));
        if !statement.resources.is_empty() {
            statement_body = statement_body.add_attribute(("resources", list(statement.resources.iter().map(value))));
        }
        if let Some(principal) = &statement.principal {
            let (kind, identifiers) = match principal {
                Principal::Anyone => ("*", strings(["*"])),
                Principal::Aws(values) => ("AWS", list(values.iter().map(value))),
                Principal::Service(services) => ("Service", strings(services.iter().cloned())),
            };
            statement_body = statement_body.add_block(block(
                "principals",
                [],
                Body::builder().add_attribute(("type", string(kind))).add_attribute(("identifiers", identifiers)).build(),
            ));
        }
        for condition in &statement.conditions {
            statement_body = statement_body.add_block(block(
                "condition",
                [],
                Body::builder()
                    .add_attribute(("test", string(condition.operator.as_str())))
                    .add_attribute(("variable", string(&condition.key)))
                    .add_attribute(("values", list(condition.values.iter().map(value))))
                    .build(),
            ));
        }
        body = body.add_block(block("statement", [], statement_body.build()));
    }
    body.build()
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

/// A model value as an expression: a string, a reference, or a template mixing both.
pub fn value(value: &Value) -> Expression {
    if let Some(text) = value.as_literal() {
        return string(text);
    }
    let part_expression = |part: &Part| -> Expression {
        match part {
            Part::Literal(text) => string(text),
            Part::Partition => reference("data.aws_partition.current.partition"),
            Part::AccountId => reference("data.aws_caller_identity.current.account_id"),
            Part::Region => reference("data.aws_region.current.name"),
            Part::Ref(target) => {
                let (resource_type, attribute) = attribute_path(target.resource.kind, target.attribute);
                reference(&format!("{resource_type}.{}.{attribute}", label(&target.resource)))
            }
        }
    };
    if let [single] = value.parts() {
        return part_expression(single);
    }
    template(value.parts().iter().map(|part| match part {
        Part::Literal(text) => lit(text.clone()),
        other => interp(part_expression(other)),
    }))
}
