//! AWS's size limits on the policies a deployment creates, checked on the model before any file is written.
//!
//! IAM, S3 and KMS only enforce these when the policy is created, which for a generated module means halfway
//! through `terraform apply` or a stack creation that then rolls back. Each policy is measured as AWS measures
//! it, in the JSON the emitters write (one line, every value concrete), and a policy over its limit is reported
//! with the blueprint field it grows with ([`Module::origins`]), so the user learns which line to change.
//!
//! Names have limits too (64 characters for a role, 128 for a policy, 63 for a bucket); the blueprint reader
//! checks every name a blueprint gives and every name derived from one (`<client>-ExtRole`), where the name's
//! own location is at hand, so they are not measured again here.

use crate::aws;
use crate::diagnostic::FieldPath;

use super::resolve::Resolver;
use super::resource::{Resource, ResourceId};
use super::value::Attribute;
use super::{Deployment, Module};

/// A kind of policy AWS limits, with its limit and how AWS counts towards it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PolicyKind {
    /// A customer managed IAM policy: characters, white space not counted.
    ManagedPolicy,
    /// A role's trust policy: characters, white space not counted.
    TrustPolicy,
    /// An S3 bucket policy: bytes.
    BucketPolicy,
    /// A KMS key policy: bytes.
    KeyPolicy,
}

impl PolicyKind {
    /// The largest size AWS accepts.
    pub fn maximum(self) -> usize {
        match self {
            PolicyKind::ManagedPolicy => aws::MANAGED_POLICY_MAX_CHARS,
            PolicyKind::TrustPolicy => aws::ROLE_TRUST_POLICY_MAX_CHARS,
            PolicyKind::BucketPolicy => aws::BUCKET_POLICY_MAX_BYTES,
            PolicyKind::KeyPolicy => aws::KEY_POLICY_MAX_BYTES,
        }
    }

    /// What the size is counted in, for messages.
    pub fn unit(self) -> &'static str {
        match self {
            PolicyKind::ManagedPolicy | PolicyKind::TrustPolicy => "characters without white space",
            PolicyKind::BucketPolicy | PolicyKind::KeyPolicy => "bytes",
        }
    }

    /// The service that enforces the limit, and where it documents it.
    pub fn authority(self) -> &'static str {
        match self {
            PolicyKind::ManagedPolicy | PolicyKind::TrustPolicy => "IAM (IAM guide, \"IAM and AWS STS quotas\")",
            PolicyKind::BucketPolicy => "S3 (S3 guide, \"Bucket policies\")",
            PolicyKind::KeyPolicy => "KMS (KMS guide, \"Quotas\")",
        }
    }

    /// The size of a policy's JSON as AWS counts it.
    pub fn measure(self, json: &str) -> usize {
        match self {
            PolicyKind::ManagedPolicy | PolicyKind::TrustPolicy => aws::policy_length_excluding_whitespace(json),
            PolicyKind::BucketPolicy | PolicyKind::KeyPolicy => json.len(),
        }
    }
}

/// One policy and its size as AWS counts it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PolicySize {
    /// The module's name.
    pub module: String,
    /// The resource that carries the policy.
    pub resource: ResourceId,
    /// The policy in words, with the name AWS knows it by (``managed policy `Acme-ExtRole` ``).
    pub subject: String,
    /// Which policy.
    pub kind: PolicyKind,
    /// Its size, counted as [`PolicyKind::unit`] says.
    pub size: usize,
    /// The blueprint field it grows with; the root when the module records none.
    pub field: FieldPath,
}

impl PolicySize {
    /// Whether AWS would refuse the policy.
    pub fn is_over_limit(&self) -> bool {
        self.size > self.kind.maximum()
    }

    /// How to bring the policy under its limit, worded for the field it grows with.
    pub fn remedy(&self) -> String {
        let over = self.size.saturating_sub(self.kind.maximum());
        match (self.kind, self.field.last_field()) {
            (PolicyKind::KeyPolicy, Some("clients")) => format!(
                "the key policy names every client role that uses the key, so it is {over} bytes too long; spread the clients over several blueprints, each with its own bucket, or use `encryption: sse-s3`"
            ),
            (PolicyKind::ManagedPolicy, Some("buckets")) => format!(
                "the role's policy has statements for every bucket, so it is {over} characters too long; spread the buckets over several blueprints, each with its own role"
            ),
            (PolicyKind::TrustPolicy, _) => format!("it is {over} characters too long; use a shorter external ID"),
            _ => format!("it is {over} {} too long; ask for fewer actions or use a shorter prefix", self.kind.unit()),
        }
    }
}

/// Every policy of `deployment` that is over its AWS size limit, in module and resource order.
pub fn check(deployment: &Deployment) -> Vec<PolicySize> {
    sizes(deployment).into_iter().filter(PolicySize::is_over_limit).collect()
}

/// Every policy of `deployment` with its size, in module and resource order.
pub fn sizes(deployment: &Deployment) -> Vec<PolicySize> {
    deployment.modules.iter().flat_map(module_sizes).collect()
}

fn module_sizes(module: &Module) -> Vec<PolicySize> {
    // A created key's ID is chosen by AWS: a UUID, longer than the evaluator's stand-in, so measure with one.
    let resolver = Resolver::with_key_ids(module, &|_words| "00000000-0000-0000-0000-000000000000".to_owned());
    let mut found = Vec::new();
    for resource in &module.resources {
        let (kind, name, document) = match resource {
            Resource::ManagedPolicy(policy) => (PolicyKind::ManagedPolicy, format!("managed policy `{}`", policy.name), &policy.document),
            Resource::Role(role) => (PolicyKind::TrustPolicy, format!("trust policy of role `{}`", role.name), &role.trust_policy),
            Resource::BucketPolicy(policy) => (
                PolicyKind::BucketPolicy,
                format!("bucket policy of bucket `{}`", resolver.value(&policy.bucket.attribute(Attribute::Name))),
                &policy.document,
            ),
            Resource::KmsKey(key) => (PolicyKind::KeyPolicy, "key policy of the bucket's KMS key".to_owned(), &key.key_policy),
            Resource::Bucket(_) | Resource::KmsAlias(_) | Resource::InstanceProfile(_) | Resource::ExistingRole(_) => continue,
        };
        let json = serde_json::to_string(&document.to_aws_json(&|part| resolver.part(part)))
            .unwrap_or_else(|error| panic!("internal error: a policy document does not serialize ({error}); please report this"));
        found.push(PolicySize {
            module: module.name.clone(),
            resource: resource.id().clone(),
            subject: name,
            kind,
            size: kind.measure(&json),
            field: module.origins.get(resource.id()).cloned().unwrap_or_default(),
        });
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn iam_counts_characters_without_white_space_and_s3_and_kms_count_bytes() {
        let json = "{ \"Sid\": \"é\" }";
        assert_eq!(PolicyKind::ManagedPolicy.measure(json), 11);
        assert_eq!(PolicyKind::TrustPolicy.measure(json), 11);
        assert_eq!(PolicyKind::BucketPolicy.measure(json), json.len());
        assert_eq!(PolicyKind::KeyPolicy.measure(json), 15);
    }

    #[test]
    fn the_remedy_names_what_to_change_for_the_field_it_blames() {
        let policy = |kind: PolicyKind, field: FieldPath, size: usize| PolicySize {
            module: "owner".into(),
            resource: ResourceId::this(super::super::resource::ResourceKind::KmsKey),
            subject: "key policy".into(),
            kind,
            size,
            field,
        };
        let key = policy(PolicyKind::KeyPolicy, FieldPath::root().field("clients"), 32_768 + 100);
        assert!(key.is_over_limit());
        assert!(key.remedy().contains("100 bytes too long") && key.remedy().contains("several blueprints"), "{}", key.remedy());
        let buckets = policy(PolicyKind::ManagedPolicy, FieldPath::root().field("s3_account").field("buckets"), 6_145);
        assert!(buckets.remedy().contains("1 characters too long") && buckets.remedy().contains("buckets"), "{}", buckets.remedy());
        assert!(!policy(PolicyKind::ManagedPolicy, FieldPath::root(), 6_144).is_over_limit(), "the limit itself is allowed");
    }
}
