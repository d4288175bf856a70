//! The resources a module creates, with every setting decided.
//!
//! A bucket carries its settings (encryption, public-access block, ownership, versioning, logging) as
//! fields, because CloudFormation configures them on the bucket itself; the Terraform emitter spreads
//! them over the provider's separate `aws_s3_bucket_*` resources. Nothing here is optional in the sense of
//! "the emitter picks a default": an emitter writes what a resource says.

use std::collections::BTreeMap;
use std::sync::Arc;

use super::policy::PolicyDocument;
use super::value::{Attribute, Value};

/// Identifies a resource inside its module; emitters derive their labels and logical IDs from it.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct ResourceId {
    /// What kind of resource it is.
    pub kind: ResourceKind,
    /// The lowercase words naming it (`["acme"]`, `["log"]`); empty for the one resource of its kind
    /// that the module is about (Terraform's `this`). Shared between clones: every reference to the resource
    /// ([`Value`]) and its entry in [`Module::origins`](super::Module::origins) carries its identifier.
    pub words: Arc<[String]>,
}

/// The kinds of resource the model creates.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum ResourceKind {
    /// An S3 bucket with its settings.
    Bucket,
    /// A bucket policy.
    BucketPolicy,
    /// An IAM role.
    Role,
    /// A customer managed IAM policy and its attachments.
    ManagedPolicy,
    /// A customer managed KMS key.
    KmsKey,
    /// A KMS alias.
    KmsAlias,
    /// An EC2 instance profile.
    InstanceProfile,
    /// An IAM role that exists already, which the module refers to but never creates or changes.
    ExistingRole,
}

impl ResourceId {
    /// The module's main resource of this kind.
    pub fn this(kind: ResourceKind) -> ResourceId {
        ResourceId { kind, words: Arc::new([]) }
    }

    /// A resource of this kind named by a blueprint name (a client, the log bucket).
    pub fn named(kind: ResourceKind, name: &str) -> ResourceId {
        ResourceId { kind, words: identifier_words(name).into() }
    }

    /// A reference to one of this resource's attributes.
    pub fn attribute(&self, attribute: Attribute) -> Value {
        Value::reference(self.clone(), attribute)
    }
}

/// Splits a blueprint name into lowercase words: at every character that is not a letter or digit, and
/// where a lowercase letter or digit is followed by an uppercase one (`AcmeCorp` is `acme`, `corp`).
///
/// Both emitters build identifiers from these words (snake_case, PascalCase), so two names with the same
/// words would collide in both; validation rejects them.
pub fn identifier_words(name: &str) -> Vec<String> {
    let mut words: Vec<String> = Vec::new();
    let mut current = String::new();
    let mut previous_lower_or_digit = false;
    for character in name.chars() {
        if !character.is_ascii_alphanumeric() {
            if !current.is_empty() {
                words.push(std::mem::take(&mut current));
            }
            previous_lower_or_digit = false;
            continue;
        }
        if character.is_ascii_uppercase() && previous_lower_or_digit && !current.is_empty() {
            words.push(std::mem::take(&mut current));
        }
        previous_lower_or_digit = character.is_ascii_lowercase() || character.is_ascii_digit();
        current.push(character.to_ascii_lowercase());
    }
    if !current.is_empty() {
        words.push(current);
    }
    words
}

/// Client names whose identifier words name one of a module's fixed resources.
///
/// A client's managed policy is `<words> Policy` and its role `<words> Role`; with the words `bucket`,
/// `log bucket` or `key`, the policy would have the CloudFormation logical ID or Terraform label of the
/// module's bucket policy (`BucketPolicy`, `bucket_policy`), log bucket policy or key policy. Validation refuses
/// these names rather than the emitters renaming either resource behind the user's back.
pub const RESERVED_CLIENT_WORDS: &[&[&str]] = &[&["bucket"], &["log", "bucket"], &["key"]];

/// Whether a client name's identifier words are reserved ([`RESERVED_CLIENT_WORDS`]).
pub fn is_reserved_client_name(name: &str) -> bool {
    let words = identifier_words(name);
    RESERVED_CLIENT_WORDS.iter().any(|reserved| words.iter().map(String::as_str).eq(reserved.iter().copied()))
}

/// Identifier words in PascalCase (`["acme", "corp"]` is `AcmeCorp`): CloudFormation logical IDs and statement
/// IDs allow only letters and digits.
pub fn pascal_case(words: &[String]) -> String {
    words
        .iter()
        .map(|word| {
            let mut characters = word.chars();
            characters.next().map(|first| first.to_ascii_uppercase().to_string() + characters.as_str()).unwrap_or_default()
        })
        .collect()
}

/// Tags applied to a taggable resource, sorted by key.
pub type Tags = BTreeMap<String, String>;

/// One resource.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Resource {
    /// An S3 bucket.
    Bucket(Bucket),
    /// A bucket policy.
    BucketPolicy(BucketPolicy),
    /// An IAM role.
    Role(Role),
    /// A managed policy.
    ManagedPolicy(ManagedPolicy),
    /// A KMS key.
    KmsKey(KmsKey),
    /// A KMS alias.
    KmsAlias(KmsAlias),
    /// An instance profile.
    InstanceProfile(InstanceProfile),
    /// A role that exists already.
    ExistingRole(ExistingRole),
}

impl Resource {
    /// The resource's identifier.
    pub fn id(&self) -> &ResourceId {
        match self {
            Resource::Bucket(bucket) => &bucket.id,
            Resource::BucketPolicy(policy) => &policy.id,
            Resource::Role(role) => &role.id,
            Resource::ManagedPolicy(policy) => &policy.id,
            Resource::KmsKey(key) => &key.id,
            Resource::KmsAlias(alias) => &alias.id,
            Resource::InstanceProfile(profile) => &profile.id,
            Resource::ExistingRole(role) => &role.id,
        }
    }

    /// The policy documents the resource carries (a role's trust policy, a key's key policy, ...), in field order.
    pub fn policy_documents(&self) -> Vec<&PolicyDocument> {
        match self {
            Resource::BucketPolicy(policy) => vec![&policy.document],
            Resource::Role(role) => vec![&role.trust_policy],
            Resource::ManagedPolicy(policy) => vec![&policy.document],
            Resource::KmsKey(key) => vec![&key.key_policy],
            Resource::Bucket(_) | Resource::KmsAlias(_) | Resource::InstanceProfile(_) | Resource::ExistingRole(_) => Vec::new(),
        }
    }
}

/// An S3 bucket and every setting it is created with.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Bucket {
    /// Identifier.
    pub id: ResourceId,
    /// The bucket name.
    pub name: String,
    /// Default encryption.
    pub encryption: BucketEncryption,
    /// The four public-access block settings.
    pub public_access_block: PublicAccessBlock,
    /// Object ownership; always bucket-owner-enforced, which turns ACLs off.
    pub object_ownership: ObjectOwnership,
    /// Whether versioning is enabled.
    pub versioning: bool,
    /// Where server access logs go, if anywhere.
    pub logging: Option<BucketLogging>,
    /// Whether deleting the stack or module must leave the bucket and its data in place.
    pub retain_on_delete: bool,
    /// Tags.
    pub tags: Tags,
}

/// Default encryption of a bucket.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum BucketEncryption {
    /// SSE-S3 (AES-256 with S3-managed keys).
    S3Managed,
    /// SSE-KMS with a customer managed key.
    Kms {
        /// The key's ARN.
        key_arn: Value,
        /// Whether an S3 Bucket Key is used, which cuts KMS calls and changes the encryption context to the bucket ARN.
        bucket_key: bool,
    },
}

/// S3 Block Public Access settings.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PublicAccessBlock {
    /// Reject requests that add public ACLs.
    pub block_public_acls: bool,
    /// Ignore public ACLs already present.
    pub ignore_public_acls: bool,
    /// Reject bucket policies that grant public access.
    pub block_public_policy: bool,
    /// Restrict access to a bucket with a public policy to AWS services and the owner's account.
    pub restrict_public_buckets: bool,
}

/// Object ownership settings.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ObjectOwnership {
    /// The bucket owner owns every object and ACLs are disabled.
    BucketOwnerEnforced,
}

impl ObjectOwnership {
    /// The setting's name in both the S3 API and CloudFormation.
    pub fn as_str(self) -> &'static str {
        match self {
            ObjectOwnership::BucketOwnerEnforced => "BucketOwnerEnforced",
        }
    }
}

/// Server access logging of a bucket.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BucketLogging {
    /// The name of the bucket that receives the logs.
    pub target_bucket: Value,
    /// The key prefix logs are written under.
    pub target_prefix: String,
    /// The log bucket's policy that lets S3 deliver the logs, when this module creates it.
    ///
    /// Logging is switched on only once that policy is in place, so no log is attempted before delivery is
    /// allowed (the moto emulator refuses `PutBucketLogging` before it, see `tests/deploy.rs`).
    /// Where the bucket's settings are one resource (CloudFormation), the policy cannot come first: it
    /// names the logged bucket's ARN. S3 then delivers from the moment the policy exists.
    pub delivery_policy: Option<ResourceId>,
}

/// A bucket policy.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BucketPolicy {
    /// Identifier.
    pub id: ResourceId,
    /// The bucket it is attached to.
    pub bucket: ResourceId,
    /// The policy.
    pub document: PolicyDocument,
}

/// An IAM role.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Role {
    /// Identifier.
    pub id: ResourceId,
    /// The role name.
    pub name: String,
    /// What the role is for.
    pub description: String,
    /// Who may assume it.
    pub trust_policy: PolicyDocument,
    /// Maximum session duration in seconds.
    pub max_session_duration: u32,
    /// Tags.
    pub tags: Tags,
}

/// A customer managed policy and the role it is attached to.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ManagedPolicy {
    /// Identifier.
    pub id: ResourceId,
    /// The policy name.
    pub name: String,
    /// What the policy is for.
    pub description: String,
    /// The permissions.
    pub document: PolicyDocument,
    /// The name of the role it is attached to, created here or existing.
    pub attached_role: Value,
    /// Tags.
    pub tags: Tags,
}

/// A customer managed KMS key.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct KmsKey {
    /// Identifier.
    pub id: ResourceId,
    /// What the key protects.
    pub description: String,
    /// Whether automatic yearly rotation is on.
    pub rotation: bool,
    /// Waiting period, in days, between scheduling deletion and deletion.
    pub deletion_window_days: u32,
    /// The key policy.
    pub key_policy: PolicyDocument,
    /// Whether deleting the stack or module must leave the key in place.
    pub retain_on_delete: bool,
    /// Tags.
    pub tags: Tags,
}

/// A KMS alias.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct KmsAlias {
    /// Identifier.
    pub id: ResourceId,
    /// The alias name, starting with `alias/`.
    pub name: String,
    /// The key it points at.
    pub target_key: ResourceId,
}

/// An EC2 instance profile.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct InstanceProfile {
    /// Identifier.
    pub id: ResourceId,
    /// The instance profile name.
    pub name: String,
    /// The role it carries.
    pub role: ResourceId,
}

/// A role in the module's account that exists already and that the module must not create: it is only referred
/// to, by name, so that a missing role stops the deployment instead of being created empty.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ExistingRole {
    /// Identifier.
    pub id: ResourceId,
    /// The role name.
    pub name: String,
}

#[cfg(test)]
mod tests {
    use super::identifier_words;

    #[test]
    fn identifier_words_split_on_separators_and_case_changes() {
        assert_eq!(identifier_words("ACME"), ["acme"]);
        assert_eq!(identifier_words("AcmeCorp"), ["acme", "corp"]);
        assert_eq!(identifier_words("acme-corp_2"), ["acme", "corp", "2"]);
        assert_eq!(identifier_words("s3Access"), ["s3", "access"]);
        assert_eq!(identifier_words("--"), Vec::<String>::new());
    }
}
