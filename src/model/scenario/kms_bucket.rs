//! `kms-bucket`: a bucket encrypted with a customer managed key, reached by a SaaS through a role in our account.
//!
//! Automates seed `003_13100be1d4b953ba.txt` ("Attach a KMS-encrypted AWS bucket"): the key and its alias, the
//! bucket with SSE-KMS on that key, the bucket policy of the seed's example, an IAM policy for S3 and one for the
//! key, and the role the SaaS assumes with its external ID.

use crate::blueprint::{self, BucketKeyChoice, KmsBucket};
use crate::diagnostic::FieldPath;
use crate::model::capability::Grant;
use crate::model::policy::{Effect, PolicyDocument, Principal, Statement};
use crate::model::resource::{BucketEncryption, ManagedPolicy, Resource, ResourceId, ResourceKind, Role};
use crate::model::value::{Attribute, Value};
use crate::model::{Module, NextStep, Note, Output, hardening};

use super::{
    BucketKey, KeySettings, KeyUser, ModuleBuilder, PolicyBucket, add_key, bucket_outputs, bucket_policy, key_use_through_s3,
    s3_access_statements, tags, trust_role, words,
};

/// What the SaaS may do through the access role: the capabilities, with the key's actions (the bucket is always
/// SSE-KMS). The policies and the declared access path both take it from here.
pub fn grant(scenario: &KmsBucket) -> Grant {
    Grant::for_capabilities(&scenario.capabilities, true)
}

/// Builds the owner's module.
///
/// Resources are pushed in dependency order: the role (the key policy names it), the key and its alias, the bucket
/// (it encrypts with the key), the S3 and KMS policies (they name the bucket, the key and the role), the bucket
/// policy.
pub fn build(blueprint: &blueprint::Blueprint, scenario: &KmsBucket) -> Vec<Module> {
    let tags = tags(blueprint);
    let owner = &scenario.owner;
    let mut module = ModuleBuilder::new(
        "owner",
        format!("Bucket {} encrypted with its own KMS key, and the role {} assumes to reach it", scenario.bucket, scenario.saas.role_arn),
        &owner.account,
        &owner.region,
    );
    let bucket_id = ResourceId::this(ResourceKind::Bucket);
    let bucket_arn = bucket_id.attribute(Attribute::Arn);
    let role_id = ResourceId::this(ResourceKind::Role);
    let saas_role = Value::literal(&scenario.saas.role_arn);
    let grant = grant(scenario);
    module.origin(&role_id, FieldPath::root().field("saas"));
    module.origin(&ResourceId::this(ResourceKind::KmsKey), FieldPath::root().field("key"));
    for policy in [ResourceId::named(ResourceKind::ManagedPolicy, "s3"), ResourceId::named(ResourceKind::ManagedPolicy, "kms")] {
        module.origin(&policy, FieldPath::root().field("capabilities"));
    }
    module.origin(&ResourceId::this(ResourceKind::BucketPolicy), FieldPath::root().field("capabilities"));

    module.resources.push(Resource::Role(Role {
        id: role_id.clone(),
        name: scenario.role_name.clone(),
        description: format!("Assumed by {} with its external ID to reach bucket {}", scenario.saas.role_arn, scenario.bucket),
        trust_policy: PolicyDocument::new(vec![trust_role(saas_role.clone(), Some(&scenario.saas.external_id))]),
        max_session_duration: hardening::ROLE_MAX_SESSION_SECONDS,
        tags: tags.clone(),
    }));

    let (key, settings) = match &scenario.key {
        BucketKeyChoice::Create { alias, rotation, deletion_window_days } => (
            BucketKey {
                arn: ResourceId::this(ResourceKind::KmsKey).attribute(Attribute::Arn),
                created_alias: Some(format!("alias/{alias}")),
                concrete_arn: None,
            },
            KeySettings { rotation: *rotation, deletion_window_days: *deletion_window_days },
        ),
        BucketKeyChoice::Existing { key_arn } => (
            BucketKey { arn: Value::literal(key_arn), created_alias: None, concrete_arn: Some(key_arn.clone()) },
            KeySettings { rotation: true, deletion_window_days: hardening::DEFAULT_KEY_DELETION_WINDOW_DAYS },
        ),
    };
    let key_users: Vec<KeyUser> = if grant.kms.is_empty() {
        Vec::new()
    } else {
        vec![KeyUser { words: words(&["access"]), role_arn: role_id.attribute(Attribute::Arn), actions: grant.kms.clone() }]
    };
    add_key(&key, settings, &scenario.bucket, &key_users, owner, &tags, &mut module);
    if let Some(arn) = &key.concrete_arn {
        module.outputs.push(Output {
            words: words(&["kms", "key", "arn"]),
            description: "ARN of the bucket's KMS key".into(),
            value: Value::literal(arn),
        });
    }

    // A bucket key makes S3 ask KMS for a bucket-level data key instead of one per object, which cuts KMS requests and
    // their cost (S3 guide, "Reducing the cost of SSE-KMS with Amazon S3 Bucket Keys").
    let encryption = BucketEncryption::Kms { key_arn: key.arn.clone(), bucket_key: true };
    module.resources.push(Resource::Bucket(hardening::bucket(
        bucket_id.clone(),
        &scenario.bucket,
        encryption.clone(),
        scenario.versioning,
        None,
        &tags,
    )));

    let s3_grant = Grant { kms: Default::default(), ..grant.clone() };
    module.resources.push(Resource::ManagedPolicy(ManagedPolicy {
        id: ResourceId::named(ResourceKind::ManagedPolicy, "s3"),
        name: format!("{}-s3", scenario.role_name),
        description: format!("What {} may do in bucket {}", scenario.role_name, scenario.bucket),
        document: PolicyDocument::new(s3_access_statements(&PolicyBucket::new(bucket_arn.clone()), None, &s3_grant, None, &owner.region)),
        attached_role: role_id.attribute(Attribute::Name),
        tags: tags.clone(),
    }));
    if !grant.kms.is_empty() {
        module.resources.push(Resource::ManagedPolicy(ManagedPolicy {
            id: ResourceId::named(ResourceKind::ManagedPolicy, "kms"),
            name: format!("{}-kms", scenario.role_name),
            description: format!("How {} may use the key of bucket {}", scenario.role_name, scenario.bucket),
            document: PolicyDocument::new(vec![key_use_through_s3(&key.arn, &grant, &owner.region)]),
            attached_role: role_id.attribute(Attribute::Name),
            tags: tags.clone(),
        }));
    }

    // The seed's example bucket policy grants the SaaS role itself: object actions on the objects, bucket actions on
    // the bucket. Kept, with the capabilities' actions instead of the seed's fixed list.
    let mut saas_statements = Vec::new();
    if !grant.object.is_empty() {
        saas_statements.push(
            Statement::new("AllowSaasRoleObjectActions", Effect::Allow, &grant.object)
                .with_principal(Principal::Aws(vec![saas_role.clone()]))
                .with_resources([bucket_arn.with_suffix("/*")]),
        );
    }
    if !grant.bucket.is_empty() {
        saas_statements.push(
            Statement::new("AllowSaasRoleBucketActions", Effect::Allow, &grant.bucket)
                .with_principal(Principal::Aws(vec![saas_role]))
                .with_resources([bucket_arn.clone()]),
        );
    }
    module.resources.push(bucket_policy(&bucket_id, &encryption, saas_statements));

    module.outputs.extend(bucket_outputs(&bucket_id));
    module.outputs.push(Output {
        words: words(&["iam", "role", "arn"]),
        description: "ARN of the role the SaaS assumes".into(),
        value: role_id.attribute(Attribute::Arn),
    });
    module.outputs.push(Output {
        words: words(&["external", "id"]),
        description: "External ID the SaaS must pass to assume the role".into(),
        value: Value::literal(&scenario.saas.external_id),
    });

    module.notes.extend(seed_departures(scenario));
    module.next_steps.push(NextStep {
        text: format!(
            "Attach the bucket in the SaaS (seed 003, \"Attaching your bucket\"): region `{}`, server-side encryption KMS, the key ARN from output `kms_key_arn` (the form `arn:aws:kms:<region>:<account>:key/<key id>`) or the alias ARN from `kms_alias_arn` (`arn:aws:kms:<region>:<account>:alias/<alias>`), the role ARN from `iam_role_arn` and bucket `{}`. The role already trusts `{}` with external ID `{}`: if the SaaS shows another trust policy, change `saas` in the blueprint and rebuild rather than editing the role by hand.",
            owner.region, scenario.bucket, scenario.saas.role_arn, scenario.saas.external_id
        ),
        commands: Vec::new(),
    });
    vec![module.finish()]
}

/// Where this module departs from seed 003, for the module README.
fn seed_departures(scenario: &KmsBucket) -> Vec<Note> {
    let mut notes = vec![
        Note {
            title: "Public access stays blocked".into(),
            text: "The seed's step 2 opens the bucket's public access settings \"to allow for cross-account access\". That is not needed: a bucket policy that names one account's role is not public in S3's sense, so all four Block Public Access settings stay on.".into(),
        },
        Note {
            title: "No key administration for the SaaS".into(),
            text: "The seed's KMS policy grants `kms:EnableKey`, which administers the key. The KMS policy here grants only the cryptographic operations the capabilities need, only through S3 (`kms:ViaService`); key administration stays with the owner account in the key policy.".into(),
        },
        Note {
            title: "Actions come from the capabilities".into(),
            text: "The seed grants one fixed list of actions; the S3 policy and the bucket policy here grant the declared capabilities' actions from the capability table, bucket actions on the bucket ARN and object actions on its objects.".into(),
        },
        Note {
            title: "The SaaS role's direct grant does not reach the key".into(),
            text: "The bucket policy keeps the seed's grant to the SaaS role itself, but the key policy lets only the access role use the key, so reading and writing objects goes through the access role, as the SaaS does once attached.".into(),
        },
        Note {
            title: "Uploads cannot choose another key".into(),
            text: "The bucket policy requires TLS on the bucket and its objects and denies uploads that ask for another KMS key, so every object is encrypted with this bucket's key.".into(),
        },
    ];
    if let BucketKeyChoice::Existing { .. } = scenario.key {
        notes.push(Note {
            title: "The existing key's policy is not changed".into(),
            text:
                "The key exists already, so this module does not replace its key policy; the manual step below gives the statement to add."
                    .into(),
        });
    }
    notes
}
