//! One builder per scenario kind, and what they share: the module builder and the S3 access statements.

pub mod access;
pub mod cross_account;
pub mod ec2_docroot;
pub mod external_handoff;
pub mod kms_bucket;

use std::collections::BTreeMap;

use crate::aws::regions;
use crate::blueprint::{Blueprint, Scenario};
use crate::diagnostic::FieldPath;
use crate::model::capability::Grant;
use crate::model::policy::{Actions, ConditionOperator, Effect, PolicyDocument, Principal, Statement};
use crate::model::resource::pascal_case;
use crate::model::resource::{BucketEncryption, BucketPolicy, KmsAlias, KmsKey, Resource, ResourceId, ResourceKind, Tags};
use crate::model::value::{Attribute, Value, arn};
use crate::model::{Deployment, ManualStep, Module, NextStep, Note, Output, hardening};

/// Builds the deployment for a validated blueprint.
pub fn build(blueprint: &Blueprint) -> Deployment {
    let (scenario, (modules, handoffs, access_paths)) = match &blueprint.scenario {
        Scenario::ExternalHandoff(scenario) => ("external-handoff", external_handoff::build(blueprint, scenario)),
        Scenario::Ec2Docroot(scenario) => {
            let modules = ec2_docroot::build(blueprint, scenario);
            let paths = access::ec2_docroot(scenario, &modules);
            ("ec2-docroot", (modules, Vec::new(), paths))
        }
        Scenario::KmsBucket(scenario) => {
            let modules = kms_bucket::build(blueprint, scenario);
            let paths = access::kms_bucket(scenario, &modules);
            ("kms-bucket", (modules, Vec::new(), paths))
        }
        Scenario::CrossAccount(scenario) => {
            let modules = cross_account::build(blueprint, scenario);
            let paths = access::cross_account(scenario, &modules);
            ("cross-account", (modules, Vec::new(), paths))
        }
    };
    Deployment { name: blueprint.name.clone(), source: blueprint.source.clone(), scenario, modules, handoffs, access_paths }
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

/// Trusts one role in another account, and only with the agreed external ID when there is one.
///
/// Naming the role rather than its account root means no other principal of that account can assume ours, even one
/// its administrators allow. `StringEquals` on `sts:ExternalId`, without `IfExists`, is what stops the confused
/// deputy: a request without the ID does not match (IAM guide, "How to use an external ID when granting access to
/// your AWS resources to a third party").
fn trust_role(role_arn: Value, external_id: Option<&str>) -> Statement {
    let statement =
        Statement::new(if external_id.is_some() { "TrustRoleWithExternalId" } else { "TrustRole" }, Effect::Allow, ["sts:AssumeRole"])
            .with_principal(Principal::Aws(vec![role_arn]));
    match external_id {
        Some(id) => statement.with_condition(ConditionOperator::StringEquals, "sts:ExternalId", [Value::literal(id)]),
        None => statement,
    }
}

/// A module under construction.
struct ModuleBuilder {
    name: String,
    description: String,
    account: String,
    region: Option<String>,
    partition: &'static str,
    resources: Vec<Resource>,
    origins: BTreeMap<ResourceId, FieldPath>,
    outputs: Vec<Output>,
    notes: Vec<Note>,
    manual_steps: Vec<ManualStep>,
    next_steps: Vec<NextStep>,
}

impl ModuleBuilder {
    /// A module deployed into one account and region.
    fn new(name: &str, description: String, account: &str, region: &str) -> ModuleBuilder {
        ModuleBuilder { region: Some(region.to_owned()), ..ModuleBuilder::global(name, description, account, region) }
    }

    /// A module of IAM resources only, which are global: deployed into one account from any region of the partition
    /// that `partition_region` belongs to.
    fn global(name: &str, description: String, account: &str, partition_region: &str) -> ModuleBuilder {
        ModuleBuilder {
            name: name.to_owned(),
            description,
            account: account.to_owned(),
            region: None,
            partition: account_partition(partition_region),
            resources: Vec::new(),
            origins: BTreeMap::new(),
            outputs: Vec::new(),
            notes: Vec::new(),
            manual_steps: Vec::new(),
            next_steps: Vec::new(),
        }
    }

    /// Records the blueprint field that resource `id` grows with.
    fn origin(&mut self, id: &ResourceId, field: FieldPath) {
        self.origins.insert(id.clone(), field);
    }

    fn finish(mut self) -> Module {
        self.outputs.sort_by(|a, b| a.words.cmp(&b.words));
        // Grown by doubling, these can hold twice what they need: megabytes at 10,000 clients, alive as long
        // as the model.
        self.resources.shrink_to_fit();
        self.outputs.shrink_to_fit();
        Module {
            partition: self.partition.to_owned(),
            name: self.name,
            description: self.description,
            account: self.account,
            region: self.region,
            resources: self.resources,
            origins: self.origins,
            outputs: self.outputs,
            notes: self.notes,
            manual_steps: self.manual_steps,
            next_steps: self.next_steps,
        }
    }
}

/// The note for a module where a prefix confines some principal's capabilities.
fn prefix_confinement_note() -> Note {
    Note {
        title: "A prefix also removes ListBucketMultipartUploads".into(),
        text: "IAM cannot confine `s3:ListBucketMultipartUploads` to a prefix (it takes no `s3:prefix` condition), so a principal confined to a prefix would see the key names of every in-progress upload in the bucket; its capabilities leave the action out. It still completes, aborts and lists the parts of its own uploads, which act on objects under its prefix.".into(),
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
fn s3_access_statements(
    bucket: &PolicyBucket,
    prefix: Option<&str>,
    grant: &Grant,
    key: Option<&BucketKey>,
    region: &str,
) -> Vec<Statement> {
    let bucket_arn = &bucket.arn;
    let mut statements = vec![bucket.deny_insecure_transport.clone()];
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
        statements.push(Statement::new("AllowBucketActions", Effect::Allow, &bucket_actions).with_resources([bucket_arn.clone()]));
    }
    if !grant.object.is_empty() {
        let objects = match prefix {
            Some(prefix) => bucket_arn.with_suffix(&format!("/{prefix}*")),
            None => bucket.objects.clone(),
        };
        statements.push(Statement::new("AllowObjectActions", Effect::Allow, &grant.object).with_resources([objects]));
    }
    if let (Some(key), false) = (key, grant.kms.is_empty()) {
        statements.push(key_use_through_s3(&key.arn, grant, region));
    }
    if !grant.account_wide.is_empty() {
        statements
            .push(Statement::new("AllowAccountWideActions", Effect::Allow, &grant.account_wide).with_resources([Value::literal("*")]));
    }
    statements
}

/// A bucket as the identity policies that reach it name it, made once per bucket: a clone shares its values
/// ([`Value`]), so at 10,000 clients each policy's TLS deny costs a few small lists rather than its own ARNs.
struct PolicyBucket {
    /// The bucket's ARN.
    arn: Value,
    /// Every object in it (`<arn>/*`).
    objects: Value,
    /// The role's own TLS deny on the bucket ([`hardening::deny_insecure_transport_for_role`]).
    deny_insecure_transport: Statement,
}

impl PolicyBucket {
    fn new(arn: Value) -> PolicyBucket {
        let deny_insecure_transport = hardening::deny_insecure_transport_for_role(&arn);
        let objects = arn.with_suffix("/*");
        PolicyBucket { arn, objects, deny_insecure_transport }
    }
}

/// Lets the holder of an identity policy use a bucket's key for `grant`'s KMS actions, only in calls S3 makes on its
/// behalf in `region` (`kms:ViaService`), so a session cannot call KMS directly with the key.
fn key_use_through_s3(key_arn: &Value, grant: &Grant, region: &str) -> Statement {
    Statement::new("AllowBucketKeyUseThroughS3", Effect::Allow, &grant.kms).with_resources([key_arn.clone()]).with_condition(
        ConditionOperator::StringEquals,
        "kms:ViaService",
        [hardening::s3_via_service(region)],
    )
}

/// The key policy statements that let roles use the key through S3: one per distinct set of KMS actions, naming
/// every role that needs exactly that set, in the order the roles first appear.
///
/// One statement per role would be simpler to read, but it costs about 250 bytes a role against the key
/// policy's 32 KB limit, so a bucket could serve only about 120 clients; a role added to a shared statement
/// costs only its ARN. A statement with one role is named after it.
fn key_use_statements(key_users: &[KeyUser], region: &str) -> Vec<Statement> {
    let mut groups: Vec<(&Actions, Vec<&KeyUser>)> = Vec::new();
    for user in key_users {
        match groups.iter_mut().find(|(actions, _)| **actions == user.actions) {
            Some((_, users)) => users.push(user),
            None => groups.push((&user.actions, vec![user])),
        }
    }
    groups
        .into_iter()
        .map(|(actions, users)| {
            let sid = match users.as_slice() {
                [user] => format!("Allow{}RoleUseThroughS3", pascal_case(&user.words)),
                _ => {
                    let verbs: String = actions.iter().map(|action| action.trim_start_matches("kms:")).collect::<Vec<_>>().join("And");
                    format!("AllowRolesTo{verbs}ThroughS3")
                }
            };
            Statement::new(sid, Effect::Allow, actions)
                .with_principal(Principal::Aws(users.iter().map(|user| user.role_arn.clone()).collect()))
                .with_resources([Value::literal("*")])
                .with_condition(ConditionOperator::StringEquals, "kms:ViaService", [hardening::s3_via_service(region)])
        })
        .collect()
}

/// The bucket's key, as the rest of the module needs it.
struct BucketKey {
    /// The key's ARN.
    arn: Value,
    /// The alias name (with `alias/`) when this module creates the key.
    created_alias: Option<String>,
    /// The ARN as text, when the blueprint gave it (an existing key).
    concrete_arn: Option<String>,
}

/// A role that uses the bucket's key, and for what.
struct KeyUser {
    /// The words naming the role in its key policy statement's ID.
    words: Vec<String>,
    /// The role's ARN.
    role_arn: Value,
    /// The KMS actions it needs.
    actions: Actions,
}

/// How a created key is set up.
#[derive(Clone, Copy)]
struct KeySettings {
    /// Whether automatic yearly rotation is on.
    rotation: bool,
    /// Days between scheduling deletion and deletion.
    deletion_window_days: u32,
}

/// Creates the key and its alias, or, for an existing key whose policy this module must not overwrite, adds a
/// manual step with the statements its policy needs.
///
/// Each role gets its KMS actions only through S3 in the bucket's region (`kms:ViaService`), so a role session
/// cannot call KMS directly with the key.
fn add_key(
    key: &BucketKey,
    settings: KeySettings,
    bucket: &str,
    key_users: &[KeyUser],
    owner: &crate::blueprint::Owner,
    tags: &Tags,
    module: &mut ModuleBuilder,
) {
    let role_statements = key_use_statements(key_users, &owner.region);
    let Some(alias) = &key.created_alias else {
        if !role_statements.is_empty() {
            module.manual_steps.push(ManualStep {
                text: format!(
                    "The bucket encrypts with an existing key ({}), whose policy this module does not manage. Add these statements to that key's policy so the roles this module creates can use it through S3.",
                    key.concrete_arn.as_deref().unwrap_or("given in the blueprint")
                ),
                document: PolicyDocument::new(role_statements),
            });
        }
        return;
    };
    let key_id = ResourceId::this(ResourceKind::KmsKey);
    let mut statements = vec![hardening::key_administration(&owner.account)];
    statements.extend(role_statements);
    module.resources.push(Resource::KmsKey(KmsKey {
        id: key_id.clone(),
        description: format!("Encrypts the objects of bucket {bucket}"),
        rotation: settings.rotation,
        deletion_window_days: settings.deletion_window_days,
        key_policy: PolicyDocument::new(statements),
        retain_on_delete: true,
        tags: tags.clone(),
    }));
    module.resources.push(Resource::KmsAlias(KmsAlias {
        id: ResourceId::this(ResourceKind::KmsAlias),
        name: alias.clone(),
        target_key: key_id.clone(),
    }));
    module.outputs.push(Output {
        words: words(&["kms", "key", "arn"]),
        description: "ARN of the bucket's KMS key".into(),
        value: key_id.attribute(Attribute::Arn),
    });
    module.outputs.push(Output {
        words: words(&["kms", "alias", "arn"]),
        description: "ARN of the bucket key's alias".into(),
        value: arn::alias_in_this_account(alias),
    });
}
