//! One builder per scenario kind, and what they share: the module builder and the S3 access statements.

pub mod ec2_docroot;
pub mod external_handoff;

use crate::aws::regions;
use crate::blueprint::{Blueprint, Scenario};
use crate::model::capability::Grant;
use crate::model::policy::{ConditionOperator, Effect, PolicyDocument, Statement};
use crate::model::resource::{BucketEncryption, BucketPolicy, Resource, ResourceId, ResourceKind, Tags};
use crate::model::value::{Attribute, Value};
use crate::model::{Deployment, ManualStep, Module, NextStep, Note, Output, hardening};

use external_handoff::BucketKey;

/// Builds the deployment for a validated blueprint.
pub fn build(blueprint: &Blueprint) -> Deployment {
    let (scenario, (modules, handoffs)) = match &blueprint.scenario {
        Scenario::ExternalHandoff(scenario) => ("external-handoff", external_handoff::build(blueprint, scenario)),
        Scenario::Ec2Docroot(scenario) => ("ec2-docroot", (ec2_docroot::build(blueprint, scenario), Vec::new())),
    };
    Deployment { name: blueprint.name.clone(), source: blueprint.source.clone(), scenario, modules, handoffs }
}

/// The blueprint's tags.
fn tags(blueprint: &Blueprint) -> Tags {
    blueprint.tags.iter().cloned().collect()
}

/// The partition of a region that validation already accepted.
fn account_partition(region: &str) -> &'static str {
    // Validation rejects unknown regions, so the fallback is never taken; `aws` is the partition of every
    // commercial region.
    regions::partition_of(region).map_or("aws", |partition| partition.id())
}

/// PascalCase of identifier words, for statement IDs (which allow only letters and digits).
pub(super) fn pascal(words: &[String]) -> String {
    words
        .iter()
        .map(|word| {
            let mut characters = word.chars();
            characters.next().map(|first| first.to_ascii_uppercase().to_string() + characters.as_str()).unwrap_or_default()
        })
        .collect()
}

/// Lowercase words, as output and identifier names are made of.
pub(super) fn words(list: &[&str]) -> Vec<String> {
    list.iter().map(|word| (*word).to_owned()).collect()
}

/// The bucket policy every bucket bucketbridge creates gets: TLS required, no other encryption on upload, then
/// the scenario's own statements.
fn bucket_policy(bucket: &ResourceId, encryption: &BucketEncryption, statements: Vec<Statement>) -> Resource {
    let mut document = vec![hardening::deny_insecure_transport(bucket), hardening::deny_foreign_encryption(bucket, encryption)];
    document.extend(statements);
    Resource::BucketPolicy(BucketPolicy {
        id: ResourceId::named(ResourceKind::BucketPolicy, &bucket.words.join("-")),
        bucket: bucket.clone(),
        document: PolicyDocument::new(document),
    })
}

/// The outputs of a bucket the module creates: its name and ARN.
fn bucket_outputs(bucket: &ResourceId) -> [Output; 2] {
    [
        Output {
            words: words(&["s3", "bucket", "id"]),
            description: "Name of the bucket".into(),
            value: bucket.attribute(Attribute::Name),
        },
        Output { words: words(&["s3", "bucket", "arn"]), description: "ARN of the bucket".into(), value: bucket.attribute(Attribute::Arn) },
    ]
}

/// A module under construction.
struct ModuleBuilder {
    name: String,
    description: String,
    account: String,
    region: String,
    resources: Vec<Resource>,
    outputs: Vec<Output>,
    notes: Vec<Note>,
    manual_steps: Vec<ManualStep>,
    next_steps: Vec<NextStep>,
}

impl ModuleBuilder {
    fn new(name: &str, description: String, account: &str, region: &str) -> ModuleBuilder {
        ModuleBuilder {
            name: name.to_owned(),
            description,
            account: account.to_owned(),
            region: region.to_owned(),
            resources: Vec::new(),
            outputs: Vec::new(),
            notes: Vec::new(),
            manual_steps: Vec::new(),
            next_steps: Vec::new(),
        }
    }

    fn finish(mut self) -> Module {
        self.outputs.sort_by(|a, b| a.words.cmp(&b.words));
        Module {
            partition: account_partition(&self.region).to_owned(),
            name: self.name,
            description: self.description,
            account: self.account,
            region: self.region,
            resources: self.resources,
            outputs: self.outputs,
            notes: self.notes,
            manual_steps: self.manual_steps,
            next_steps: self.next_steps,
        }
    }
}

/// The identity-policy statements that give a principal `grant` on a bucket, confined to `prefix` when given.
///
/// - Bucket actions go on the bucket ARN and object actions on object ARNs, because IAM only matches an action
///   against its own resource type.
/// - With a prefix, `s3:ListBucket` moves to a statement of its own with an `s3:prefix` condition, so listing
///   shows only the prefix; the other bucket actions (`GetBucketLocation`, `ListBucketMultipartUploads`) do
///   not carry `s3:prefix` and would never match it.
/// - KMS actions are confined to calls S3 makes on the principal's behalf (`kms:ViaService`).
/// - Actions that take no resource (`s3:ListAllMyBuckets`) get `*`; validation has already warned about them.
fn s3_access_statements(bucket_arn: &Value, prefix: Option<&str>, grant: &Grant, key: Option<&BucketKey>, region: &str) -> Vec<Statement> {
    let mut statements = Vec::new();
    let mut bucket_actions = grant.bucket.clone();
    if let Some(prefix) = prefix {
        if bucket_actions.remove("s3:ListBucket") {
            statements.push(
                Statement::new("AllowListingOnlyUnderPrefix", Effect::Allow, ["s3:ListBucket"])
                    .with_resources([bucket_arn.clone()])
                    .with_condition(
                        ConditionOperator::StringLike,
                        "s3:prefix",
                        [Value::literal(prefix), Value::literal(format!("{prefix}*"))],
                    ),
            );
        }
    }
    if !bucket_actions.is_empty() {
        statements.push(
            Statement::new("AllowBucketActions", Effect::Allow, bucket_actions.iter().map(String::as_str))
                .with_resources([bucket_arn.clone()]),
        );
    }
    if !grant.object.is_empty() {
        let objects = bucket_arn.with_suffix(&format!("/{}*", prefix.unwrap_or("")));
        statements
            .push(Statement::new("AllowObjectActions", Effect::Allow, grant.object.iter().map(String::as_str)).with_resources([objects]));
    }
    if let (Some(key), false) = (key, grant.kms.is_empty()) {
        statements.push(
            Statement::new("AllowBucketKeyUseThroughS3", Effect::Allow, grant.kms.iter().map(String::as_str))
                .with_resources([key.arn.clone()])
                .with_condition(ConditionOperator::StringEquals, "kms:ViaService", [hardening::s3_via_service(region)]),
        );
    }
    if !grant.account_wide.is_empty() {
        statements.push(
            Statement::new("AllowAccountWideActions", Effect::Allow, grant.account_wide.iter().map(String::as_str))
                .with_resources([Value::literal("*")]),
        );
    }
    statements
}
