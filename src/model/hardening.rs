//! What every bucket and key bucketbridge creates gets, whoever asked for it, each item with its reason.
//!
//! Scenario builders call these functions instead of choosing settings themselves, so a hardening change
//! is made once and reaches every scenario.

use super::policy::{ConditionOperator, Effect, Principal, Statement};
use super::resource::{Bucket, BucketEncryption, BucketLogging, ObjectOwnership, PublicAccessBlock, ResourceId, ResourceKind, Tags};
use super::value::{Attribute, Value, arn};

/// Days KMS waits before deleting a scheduled key when a blueprint does not say: AWS's maximum, so a mistaken
/// deletion can be cancelled for as long as possible (KMS developer guide, "Deleting AWS KMS keys").
pub const DEFAULT_KEY_DELETION_WINDOW_DAYS: u32 = 30;

/// One hour, IAM's default maximum session duration: long enough for a large transfer, short enough that a
/// leaked session expires the same day.
pub const ROLE_MAX_SESSION_SECONDS: u32 = 3600;

/// A bucket with every protection on.
///
/// - All four Block Public Access settings: nothing in these scenarios is public, and a cross-account grant
///   to a named role or account is not "public" in S3's sense, so blocking costs nothing (seed 004 step 3;
///   seed 003's "allow public access" step is not needed).
/// - Object ownership `BucketOwnerEnforced`: ACLs off, so objects a client uploads belong to the bucket owner
///   and cannot be shared by ACL (S3 guide, "Controlling ownership of objects").
/// - Kept on delete: a stack or module removal must never take data with it.
pub fn bucket(
    id: ResourceId,
    name: &str,
    encryption: BucketEncryption,
    versioning: bool,
    logging: Option<BucketLogging>,
    tags: &Tags,
) -> Bucket {
    Bucket {
        id,
        name: name.to_owned(),
        encryption,
        public_access_block: PublicAccessBlock {
            block_public_acls: true,
            ignore_public_acls: true,
            block_public_policy: true,
            restrict_public_buckets: true,
        },
        object_ownership: ObjectOwnership::BucketOwnerEnforced,
        versioning,
        logging,
        retain_on_delete: true,
        tags: tags.clone(),
    }
}

/// The resources a bucket policy statement about `bucket` covers: the bucket itself and every object in it.
pub fn bucket_and_objects(bucket: &ResourceId) -> [Value; 2] {
    let bucket_arn = bucket.attribute(Attribute::Arn);
    let objects = bucket_arn.with_suffix("/*");
    [bucket_arn, objects]
}

/// Denies every request that does not use TLS, on the bucket and on its objects.
///
/// Seed 004 applies this deny to `bucket/*` only, which leaves bucket-level calls such as `s3:ListBucket`
/// open over plain HTTP; the bucket ARN is added so the deny covers them too.
pub fn deny_insecure_transport(bucket: &ResourceId) -> Statement {
    Statement::new("DenyInsecureTransport", Effect::Deny, ["s3:*"])
        .with_principal(Principal::Anyone)
        .with_resources(bucket_and_objects(bucket))
        .with_condition(ConditionOperator::Bool, "aws:SecureTransport", [Value::literal("false")])
}

/// The role's own refusal of requests without TLS, on the bucket and its objects.
///
/// A bucket policy can only be added to a bucket the module creates; an instance role on an existing bucket, or
/// the S3 account's role on buckets it does not own, would otherwise work over plain HTTP. In an identity policy
/// the deny needs no principal: it applies to whoever holds the policy.
pub fn deny_insecure_transport_for_role(bucket_arn: &Value) -> Statement {
    Statement::new("DenyInsecureTransport", Effect::Deny, ["s3:*"])
        .with_resources([bucket_arn.clone(), bucket_arn.with_suffix("/*")])
        .with_condition(ConditionOperator::Bool, "aws:SecureTransport", [Value::literal("false")])
}

/// Lets S3's logging service write server access logs for `source_bucket` under `prefix` of the log bucket.
///
/// With ACLs disabled, log delivery needs this bucket policy grant instead of the log-delivery group ACL;
/// `aws:SourceArn` and `aws:SourceAccount` keep another account's bucket from logging into ours (the
/// confused-deputy conditions the S3 guide recommends in "Enabling Amazon S3 server access logging").
pub fn allow_server_access_log_delivery(
    log_bucket: &ResourceId,
    prefix: &str,
    source_bucket: &ResourceId,
    owner_account: &str,
) -> Statement {
    Statement::new("AllowServerAccessLogDelivery", Effect::Allow, ["s3:PutObject"])
        .with_principal(Principal::Service(vec!["logging.s3.amazonaws.com".into()]))
        .with_resources([log_bucket.attribute(Attribute::Arn).with_suffix(&format!("/{prefix}*"))])
        .with_condition(ConditionOperator::ArnLike, "aws:SourceArn", [source_bucket.attribute(Attribute::Arn)])
        .with_condition(ConditionOperator::StringEquals, "aws:SourceAccount", [Value::literal(owner_account)])
}

/// The key administration actions granted to the owning account, sorted.
///
/// These are the actions of the key-administrator statement in AWS's default key policy (KMS developer guide,
/// "Default key policy"), named one by one instead of by wildcard so that the policy says exactly what it
/// grants, less `kms:CreateGrant`: a grant is another way to hand out decryption, and an administrator who
/// needs one can still change the key policy, which leaves a record. None of them encrypts or decrypts: the account keeps control of the key (it can change the policy,
/// rotate, disable, schedule deletion) without every principal in it being able to read the bucket's data.
pub const KEY_ADMINISTRATION_ACTIONS: &[&str] = &[
    "kms:CancelKeyDeletion",
    "kms:CreateAlias",
    "kms:DeleteAlias",
    "kms:DescribeKey",
    "kms:DisableKey",
    "kms:DisableKeyRotation",
    "kms:EnableKey",
    "kms:EnableKeyRotation",
    "kms:GetKeyPolicy",
    "kms:GetKeyRotationStatus",
    "kms:ListAliases",
    "kms:ListGrants",
    "kms:ListKeyPolicies",
    "kms:ListResourceTags",
    "kms:PutKeyPolicy",
    "kms:RevokeGrant",
    "kms:RotateKeyOnDemand",
    "kms:ScheduleKeyDeletion",
    "kms:TagResource",
    "kms:UntagResource",
    "kms:UpdateAlias",
    "kms:UpdateKeyDescription",
];

/// Keeps the owning account in control of a key: without a statement naming the account, a key whose
/// policy names only other roles could become unmanageable (KMS developer guide, "Default key policy").
///
/// `"*"` as the resource of a key policy means "this key"; it is the only form AWS accepts there.
pub fn key_administration(owner_account: &str) -> Statement {
    Statement::new("AllowKeyAdministrationByOwnerAccount", Effect::Allow, KEY_ADMINISTRATION_ACTIONS.iter().copied())
        .with_principal(Principal::Aws(vec![arn::account_root(owner_account)]))
        .with_resources([Value::literal("*")])
}

/// The `kms:ViaService` value that confines a key grant to calls S3 makes on the caller's behalf in `region`.
pub fn s3_via_service(region: &str) -> Value {
    Value::literal(format!("s3.{region}.amazonaws.com"))
}

/// Denies uploads that ask for an encryption other than the bucket's own.
///
/// A client could otherwise upload with its own KMS key, leaving objects in our bucket that we cannot read.
/// The deny applies only when the upload names an encryption: under a Deny, a negated operator (and any
/// `...IfExists` form) is true when the key is absent (IAM guide, "Condition operators"), which would refuse
/// every upload that relies on the bucket's default encryption. So the statement also requires the header to
/// be present (`Null` is `"false"`); conditions in one statement must all hold.
pub fn deny_foreign_encryption(bucket: &ResourceId, encryption: &BucketEncryption) -> Statement {
    let objects = bucket.attribute(Attribute::Arn).with_suffix("/*");
    let statement = Statement::new("DenyUploadsWithOtherEncryption", Effect::Deny, ["s3:PutObject"])
        .with_principal(Principal::Anyone)
        .with_resources([objects]);
    let (key, expected) = match encryption {
        BucketEncryption::S3Managed => ("s3:x-amz-server-side-encryption", Value::literal("AES256")),
        BucketEncryption::Kms { key_arn, .. } => ("s3:x-amz-server-side-encryption-aws-kms-key-id", key_arn.clone()),
    };
    statement.with_condition(ConditionOperator::Null, key, [Value::literal("false")]).with_condition(
        ConditionOperator::StringNotEquals,
        key,
        [expected],
    )
}

/// The identifier of the log bucket a module creates.
pub fn log_bucket_id() -> ResourceId {
    ResourceId::named(ResourceKind::Bucket, "log")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tls_deny_covers_the_bucket_arn_and_its_objects() {
        let bucket = ResourceId::this(ResourceKind::Bucket);
        let statement = deny_insecure_transport(&bucket);
        assert_eq!(statement.resources.len(), 2);
        assert_eq!(statement.resources[0], bucket.attribute(Attribute::Arn));
        assert_eq!(statement.resources[1], bucket.attribute(Attribute::Arn).with_suffix("/*"));
        assert_eq!(statement.effect, Effect::Deny);
    }

    #[test]
    fn key_administration_grants_no_cryptographic_operation() {
        for action in KEY_ADMINISTRATION_ACTIONS {
            assert!(
                !["kms:Decrypt", "kms:Encrypt", "kms:GenerateDataKey", "kms:ReEncryptFrom", "kms:ReEncryptTo"].contains(action),
                "{action}"
            );
            assert!(crate::aws::actions::lookup(action).is_some(), "{action} is not a KMS action");
        }
        assert!(KEY_ADMINISTRATION_ACTIONS.windows(2).all(|pair| pair[0] < pair[1]));
    }
}
