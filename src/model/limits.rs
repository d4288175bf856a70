//! AWS's limits on what a deployment creates (policy sizes, policies per role, derived policy names), checked
//! on the model before any file is written.
//!
//! IAM, S3 and KMS only enforce these when the policy is created, which for a generated module means halfway
//! through `terraform apply` or a stack creation that then rolls back. Each policy is measured as AWS measures
//! it, in the JSON the emitters write (one line, every value concrete), and a policy over its limit is reported
//! with the blueprint field it grows with ([`Module::origins`]), so the user learns which line to change.
//!
//! Names have limits too (64 characters for a role, 128 for a policy, 63 for a bucket); the blueprint reader
//! checks every name a blueprint gives and every name derived from one (`<client>-ExtRole`), where the name's
//! own location is at hand, so they are not measured again here.

use std::collections::BTreeMap;

use crate::aws;
use crate::diagnostic::FieldPath;
use crate::threads;

use super::policy::PolicyDocument;
use super::resolve::Resolver;
use super::resource::{Resource, ResourceId};
use super::value::{Attribute, Part, Value};
use super::{Deployment, Module};

/// A limit AWS enforces, with its maximum and how AWS counts towards it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Limit {
    /// A customer managed IAM policy: characters, white space not counted.
    ManagedPolicy,
    /// A role's trust policy: characters, white space not counted.
    TrustPolicy,
    /// An S3 bucket policy: bytes.
    BucketPolicy,
    /// A KMS key policy: bytes.
    KeyPolicy,
    /// Managed policies attached to one role: a count.
    PoliciesPerRole,
    /// A managed policy's name, when the model derives it (a split policy's `-2`): characters.
    PolicyName,
}

impl Limit {
    /// The largest size AWS accepts.
    pub fn maximum(self) -> usize {
        match self {
            Limit::ManagedPolicy => aws::MANAGED_POLICY_MAX_CHARS,
            Limit::TrustPolicy => aws::ROLE_TRUST_POLICY_MAX_CHARS,
            Limit::BucketPolicy => aws::BUCKET_POLICY_MAX_BYTES,
            Limit::KeyPolicy => aws::KEY_POLICY_MAX_BYTES,
            Limit::PoliciesPerRole => aws::MANAGED_POLICIES_PER_ROLE_DEFAULT,
            Limit::PolicyName => aws::names::POLICY_NAME_MAX_LEN,
        }
    }

    /// What the size is counted in, for messages.
    pub fn unit(self) -> &'static str {
        match self {
            Limit::ManagedPolicy | Limit::TrustPolicy => "characters without white space",
            Limit::BucketPolicy | Limit::KeyPolicy => "bytes",
            Limit::PoliciesPerRole => "managed policies",
            Limit::PolicyName => "characters",
        }
    }

    /// The service that enforces the limit, and where it documents it.
    pub fn authority(self) -> &'static str {
        match self {
            Limit::ManagedPolicy | Limit::TrustPolicy | Limit::PoliciesPerRole | Limit::PolicyName => {
                "IAM (IAM guide, \"IAM and AWS STS quotas\")"
            }
            Limit::BucketPolicy => "S3 (S3 guide, \"Bucket policies\")",
            Limit::KeyPolicy => "KMS (KMS guide, \"Quotas\")",
        }
    }

    /// The size of a policy's JSON (or a name) as AWS counts it; a count limit is not measured in text.
    pub fn measure(self, json: &str) -> usize {
        match self {
            Limit::ManagedPolicy | Limit::TrustPolicy | Limit::PolicyName => aws::policy_length_excluding_whitespace(json),
            Limit::BucketPolicy | Limit::KeyPolicy => json.len(),
            Limit::PoliciesPerRole => panic!("internal error: a count is not measured in text; please report this"),
        }
    }

    /// The size of `document` as AWS counts it, with symbolic parts resolved by `resolve`.
    pub fn measure_document(self, document: &PolicyDocument, resolve: &dyn Fn(&Part) -> String) -> usize {
        let json = serde_json::to_string(&document.to_aws_json(resolve))
            .unwrap_or_else(|error| panic!("internal error: a policy document does not serialize ({error}); please report this"));
        self.measure(&json)
    }
}

/// One thing AWS limits, measured.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Measured {
    /// The module's name.
    pub module: String,
    /// The resource that carries the policy.
    pub resource: ResourceId,
    /// What was measured, in words, with the name AWS knows it by (``managed policy `Acme-ExtRole` ``).
    pub subject: String,
    /// Which limit.
    pub kind: Limit,
    /// The measure, counted as [`Limit::unit`] says.
    pub size: usize,
    /// The blueprint field it grows with; the root when the module records none.
    pub field: FieldPath,
}

impl Measured {
    /// Whether AWS would refuse the policy.
    pub fn is_over_limit(&self) -> bool {
        self.size > self.kind.maximum()
    }

    /// How to bring the policy under its limit, worded for the field it grows with.
    pub fn remedy(&self) -> String {
        let over = self.size.saturating_sub(self.kind.maximum());
        match (self.kind, self.field.last_field()) {
            (Limit::KeyPolicy, Some("clients")) => format!(
                "the key policy names every client role that uses the key, so it is {over} bytes too long; spread the clients over several blueprints, each with its own bucket, or use `encryption: sse-s3`"
            ),
            (Limit::ManagedPolicy, Some("buckets")) => format!(
                "one bucket's statements alone are {over} characters too long; use a shorter prefix or fewer capabilities"
            ),
            (Limit::PoliciesPerRole | Limit::PolicyName, Some("buckets")) => {
                "the role needs one managed policy for every few buckets (6,144 characters each); spread the buckets over several blueprints, each with its own role".to_owned()
            }
            (Limit::PolicyName, _) => "use a shorter `policy_name`".to_owned(),
            (Limit::TrustPolicy, _) => format!("it is {over} characters too long; use a shorter external ID"),
            _ => format!("it is {over} {} too long; ask for fewer actions or use a shorter prefix", self.kind.unit()),
        }
    }
}

/// Everything in `deployment` that is over its AWS limit, in module and resource order.
pub fn check(deployment: &Deployment) -> Vec<Measured> {
    // Filtered as they are measured: a 10,000-client module has some 30,000 measurements, nearly all within
    // their limits, and keeping them all would cost tens of megabytes for nothing.
    let mut over = Vec::new();
    for module in &deployment.modules {
        measure_module(module, &|kind, size| size > kind.maximum(), &mut |measured| over.push(measured));
    }
    over
}

/// Every policy of `deployment` with its size, every role with its count of managed policies and every managed
/// policy name, in module and resource order.
pub fn sizes(deployment: &Deployment) -> Vec<Measured> {
    let mut found = Vec::new();
    for module in &deployment.modules {
        measure_module(module, &|_, _| true, &mut |measured| found.push(measured));
    }
    found
}

/// Which measurements to hand on, by limit and size; the others are never described.
type Keep<'k> = &'k (dyn Fn(Limit, usize) -> bool + Sync);

/// Hands every measurement of `module` that `keep` accepts to `found`, in resource order.
fn measure_module(module: &Module, keep: Keep<'_>, found: &mut dyn FnMut(Measured)) {
    // A created key's ID is chosen by AWS: a UUID, longer than the evaluator's stand-in, so measure with one.
    let resolver = Resolver::with_key_ids(module, &|_words| "00000000-0000-0000-0000-000000000000".to_owned());
    // Every file waits for this check, and a 10,000-client module has 20,000 documents to measure: on two
    // threads it holds the emitters up half as long.
    threads::for_each_in_chunks_on_two_threads(
        &module.resources,
        |resource| measure_resource(module, &resolver, resource, keep),
        |measured| measured.into_iter().for_each(&mut *found),
    );
    // The policies attached to each role, found in one pass: a module has a role per client.
    let mut attachments: BTreeMap<&Value, Vec<&ResourceId>> = BTreeMap::new();
    for resource in &module.resources {
        if let Resource::ManagedPolicy(policy) = resource {
            attachments.entry(&policy.attached_role).or_default().push(&policy.id);
        }
    }
    for role in module.resources.iter().filter(|resource| matches!(resource, Resource::Role(_) | Resource::ExistingRole(_))) {
        let name = role.id().attribute(Attribute::Name);
        let attached = attachments.get(&name).map(Vec::as_slice).unwrap_or_default();
        if !keep(Limit::PoliciesPerRole, attached.len()) {
            continue;
        }
        found(Measured {
            module: module.name.clone(),
            resource: role.id().clone(),
            subject: format!("managed policies attached to role `{}`", resolver.value(&name)),
            kind: Limit::PoliciesPerRole,
            size: attached.len(),
            // A role has as many policies as its largest grant needs: blame what the first one grows with.
            field: attached.first().and_then(|policy| module.origins.get(*policy)).cloned().unwrap_or_default(),
        });
    }
}

/// The policy a resource carries that AWS limits, with its limit.
fn limited_document(resource: &Resource) -> Option<(Limit, &PolicyDocument)> {
    match resource {
        Resource::ManagedPolicy(policy) => Some((Limit::ManagedPolicy, &policy.document)),
        Resource::Role(role) => Some((Limit::TrustPolicy, &role.trust_policy)),
        Resource::BucketPolicy(policy) => Some((Limit::BucketPolicy, &policy.document)),
        Resource::KmsKey(key) => Some((Limit::KeyPolicy, &key.key_policy)),
        Resource::Bucket(_) | Resource::KmsAlias(_) | Resource::InstanceProfile(_) | Resource::ExistingRole(_) => None,
    }
}

/// The measurements of one resource's policy, and of a managed policy's name, that `keep` accepts; nearly
/// always none, which costs no allocation.
fn measure_resource(module: &Module, resolver: &Resolver<'_>, resource: &Resource, keep: Keep<'_>) -> Vec<Measured> {
    let Some((kind, document)) = limited_document(resource) else {
        return Vec::new();
    };
    let mut kept = Vec::new();
    let measured = |kind: Limit, subject: String, size: usize| Measured {
        module: module.name.clone(),
        resource: resource.id().clone(),
        subject,
        kind,
        size,
        field: module.origins.get(resource.id()).cloned().unwrap_or_default(),
    };
    // Described only when kept: 20,000 measurements nobody reads were a fifth of the check's instructions.
    let subject = || match resource {
        Resource::ManagedPolicy(policy) => format!("managed policy `{}`", policy.name),
        Resource::Role(role) => format!("trust policy of role `{}`", role.name),
        Resource::BucketPolicy(policy) => {
            format!("bucket policy of bucket `{}`", resolver.value(&policy.bucket.attribute(Attribute::Name)))
        }
        Resource::KmsKey(_) => "key policy of the bucket's KMS key".to_owned(),
        Resource::Bucket(_) | Resource::KmsAlias(_) | Resource::InstanceProfile(_) | Resource::ExistingRole(_) => {
            unreachable!("only resources with a policy are measured")
        }
    };
    let size = kind.measure_document(document, &|part| resolver.part(part));
    if keep(kind, size) {
        kept.push(measured(kind, subject(), size));
    }
    if let Resource::ManagedPolicy(policy) = resource {
        let size = Limit::PolicyName.measure(&policy.name);
        if keep(Limit::PolicyName, size) {
            kept.push(measured(Limit::PolicyName, format!("name of managed policy `{}`", policy.name), size));
        }
    }
    kept
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn iam_counts_characters_without_white_space_and_s3_and_kms_count_bytes() {
        let json = "{ \"Sid\": \"é\" }";
        assert_eq!(Limit::ManagedPolicy.measure(json), 11);
        assert_eq!(Limit::TrustPolicy.measure(json), 11);
        assert_eq!(Limit::BucketPolicy.measure(json), json.len());
        assert_eq!(Limit::KeyPolicy.measure(json), 15);
    }

    /// The check measures a large module's resources in chunks on two threads; what it finds over a limit must be
    /// what measuring everything finds, in resource order.
    #[test]
    fn the_check_finds_what_is_over_a_limit_wherever_it_is_measured() {
        let clients = 12;
        let mut deployment =
            crate::emit::tests::many_clients(clients, |index| format!("capabilities: [upload], prefix: c{index}/")).deployment;
        let module = deployment
            .modules
            .iter_mut()
            .find(|module| module.resources.len() >= crate::threads::TWO_THREADS_MIN_ITEMS)
            .expect("a module with many resources");
        // Client 1's policy is near the start of the resources and client 10's near the end; a long list of
        // resources puts each over the 6,144 characters of a managed policy.
        let policy_names = ["Client1", "Client10"];
        for resource in &mut module.resources {
            if let Resource::ManagedPolicy(policy) = resource {
                if policy_names.iter().any(|name| policy.name.starts_with(&format!("{name}-"))) {
                    let long = (0..200).map(|index| super::super::value::arn::bucket(&format!("many-exchange-{index:04}")));
                    policy.document.statements[0].resources.extend(long);
                }
            }
        }
        let over = check(&deployment);
        let expected: Vec<Measured> = sizes(&deployment).into_iter().filter(Measured::is_over_limit).collect();
        assert_eq!(over, expected);
        let subjects: Vec<&str> = over.iter().map(|measured| measured.subject.as_str()).collect();
        assert_eq!(subjects.len(), 2, "{subjects:?}");
        for (subject, name) in subjects.iter().zip(policy_names) {
            assert!(subject.starts_with(&format!("managed policy `{name}-")), "{subjects:?}");
        }
    }

    #[test]
    fn the_remedy_names_what_to_change_for_the_field_it_blames() {
        let policy = |kind: Limit, field: FieldPath, size: usize| Measured {
            module: "owner".into(),
            resource: ResourceId::this(super::super::resource::ResourceKind::KmsKey),
            subject: "key policy".into(),
            kind,
            size,
            field,
        };
        let key = policy(Limit::KeyPolicy, FieldPath::root().field("clients"), 32_768 + 100);
        assert!(key.is_over_limit());
        assert!(key.remedy().contains("100 bytes too long") && key.remedy().contains("several blueprints"), "{}", key.remedy());
        let buckets = policy(Limit::ManagedPolicy, FieldPath::root().field("s3_account").field("buckets"), 6_145);
        assert!(buckets.remedy().contains("1 characters too long") && buckets.remedy().contains("shorter prefix"), "{}", buckets.remedy());
        let parts = policy(Limit::PoliciesPerRole, FieldPath::root().field("s3_account").field("buckets"), 11);
        assert!(parts.remedy().contains("spread the buckets over several blueprints"), "{}", parts.remedy());
        assert!(!policy(Limit::ManagedPolicy, FieldPath::root(), 6_144).is_over_limit(), "the limit itself is allowed");
    }
}
