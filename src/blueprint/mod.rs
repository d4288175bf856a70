//! Blueprints: YAML in, validated typed structs out.
//!
//! This is the only module that knows YAML. [`load`] parses a file into a located tree ([`yaml`]) and decodes
//! it into the typed structs below ([`schema`]), applying every field rule ([`validate`]) while each value's
//! location is at hand, and collecting every mistake in the file as a [`Diagnostic`] instead of stopping at
//! the first.
//! A [`Blueprint`] that comes out is valid: the model may rely on it without checking again.

pub mod decode;
pub mod schema;
pub mod validate;
pub mod yaml;

use crate::diagnostic::{Diagnostic, FieldPath, Location, Segment, Severity};
use crate::model::capability::Capability;

/// A validated blueprint.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Blueprint {
    /// The path the blueprint was read from, with `/` separators.
    pub source: String,
    /// Its `name`, unique across a blueprint folder; names the output folder.
    pub name: String,
    /// The scenario and its settings.
    pub scenario: Scenario,
    /// Tags for every taggable resource, sorted by key.
    pub tags: Vec<(String, String)>,
}

/// The scenario kinds.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Scenario {
    /// Buckets handed to external parties through roles with external IDs.
    ExternalHandoff(ExternalHandoff),
    /// An instance role that lets a transfer server on EC2 reach S3 without keys in its docroot.
    Ec2Docroot(Ec2Docroot),
    /// A bucket encrypted with a customer managed key, reached by a SaaS through a role with an external ID.
    KmsBucket(KmsBucket),
    /// A node role in one account that assumes a role in a second account, which owns the buckets.
    CrossAccount(CrossAccount),
}

/// Every scenario kind: its blueprint name and one line about it, in the order `scenarios` lists them.
pub const SCENARIOS: &[(&str, &str)] = &[
    ("external-handoff", "a bucket handed to external parties, each through its own role, external ID and handoff document"),
    ("ec2-docroot", "an EC2 instance role and profile that let a transfer server reach S3 without keys in its docroot"),
    ("kms-bucket", "a bucket encrypted with its own KMS key, reached by a SaaS through a role with an external ID"),
    ("cross-account", "a cluster manager's node role that assumes a role in the account owning the buckets, as two modules that agree"),
];

/// The account and region that own the bucket.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Owner {
    /// Twelve-digit account ID.
    pub account: String,
    /// Region code.
    pub region: String,
}

/// An `external-handoff` blueprint.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ExternalHandoff {
    /// The owning account.
    pub owner: Owner,
    /// The bucket handed out.
    pub bucket: HandoffBucket,
    /// The external parties, in blueprint order.
    pub clients: Vec<Client>,
}

/// The bucket of an `external-handoff` blueprint.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HandoffBucket {
    /// Bucket name.
    pub name: String,
    /// Default encryption.
    pub encryption: Encryption,
    /// Whether versioning is on.
    pub versioning: bool,
    /// Server access logging, if asked for.
    pub access_logs: Option<AccessLogs>,
}

/// Default encryption as a blueprint asks for it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Encryption {
    /// SSE-S3.
    SseS3,
    /// SSE-KMS with a key this module creates or an existing key.
    SseKms(KmsKeyChoice),
}

/// Which KMS key an SSE-KMS bucket uses.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum KmsKeyChoice {
    /// Create a key with this alias (without the `alias/` prefix).
    Create {
        /// The alias name, without `alias/`.
        alias: String,
    },
    /// Use an existing key in the owner's account.
    Existing {
        /// The key's ARN.
        key_arn: String,
    },
}

/// Where server access logs go.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AccessLogs {
    /// The log bucket's name.
    pub bucket: String,
    /// The key prefix for this bucket's logs.
    pub prefix: String,
    /// Whether the module creates the log bucket.
    pub create: bool,
}

/// One external party.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Client {
    /// Its name; names its role, policy and handoff folder.
    pub name: String,
    /// Its AWS account, normalised to twelve digits.
    pub account: String,
    /// The external ID it must pass to assume its role.
    pub external_id: String,
    /// What it may do.
    pub access: Access,
    /// The key prefix it is confined to, ending in `/`.
    pub prefix: Option<String>,
}

/// What a client may do: capabilities from the table, or an explicit action list that overrides them.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Access {
    /// Capabilities, in blueprint order, without duplicates.
    Capabilities(Vec<Capability>),
    /// Explicit S3 and KMS action names, as IAM spells them, sorted and deduplicated.
    Actions(Vec<String>),
}

/// An `ec2-docroot` blueprint (seeds 000 and 001).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Ec2Docroot {
    /// The account the instance runs in, and its region.
    pub owner: Owner,
    /// The bucket the docroot points at.
    pub bucket: DocrootBucket,
    /// The key prefix the transfer server is confined to, ending in `/`.
    pub prefix: Option<String>,
    /// What the transfer server may do, in blueprint order, without duplicates.
    pub capabilities: Vec<Capability>,
    /// The role's name; it also names the instance profile.
    pub role_name: String,
    /// The managed policy's name.
    pub policy_name: String,
    /// When the role may be assumed, if the blueprint limits it.
    pub trust: Option<TrustWindow>,
    /// The transfer server's user whose docroot the README sets, if named.
    pub transfer_user: Option<String>,
}

/// The bucket of an `ec2-docroot` blueprint.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum DocrootBucket {
    /// A bucket that exists already; the module only grants access to it.
    Existing {
        /// Bucket name.
        name: String,
    },
    /// A bucket the module creates, hardened.
    Create {
        /// Bucket name.
        name: String,
    },
    /// Every bucket in the account (`name: "*"`).
    Every,
}

/// The `aws:CurrentTime` window in which a role may be assumed, as the blueprint writes it (ISO 8601).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TrustWindow {
    /// Assuming is allowed only after this instant.
    pub not_before: String,
    /// Assuming is allowed only before this instant.
    pub not_after: String,
}

/// A `kms-bucket` blueprint (seed 003).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct KmsBucket {
    /// The account that owns the bucket, the key and the role, and its region.
    pub owner: Owner,
    /// The bucket's name.
    pub bucket: String,
    /// Whether the bucket keeps object versions.
    pub versioning: bool,
    /// The key the bucket encrypts with.
    pub key: BucketKeyChoice,
    /// The SaaS principal that reaches the bucket.
    pub saas: Saas,
    /// The name of the role the SaaS assumes; its two policies are named after it.
    pub role_name: String,
    /// What the SaaS may do, in blueprint order, without duplicates.
    pub capabilities: Vec<Capability>,
}

/// The key of a `kms-bucket` blueprint.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum BucketKeyChoice {
    /// Create a key.
    Create {
        /// The alias name, without `alias/`.
        alias: String,
        /// Whether automatic yearly rotation is on.
        rotation: bool,
        /// Days between scheduling deletion and deletion, 7 to 30.
        deletion_window_days: u32,
    },
    /// Use an existing key in the owner's account and region.
    Existing {
        /// The key's ARN.
        key_arn: String,
    },
}

/// A SaaS principal in another account.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Saas {
    /// The ARN of the SaaS's role.
    pub role_arn: String,
    /// The external ID the SaaS passes when it assumes our role.
    pub external_id: String,
}

/// A `cross-account` blueprint (seed 002).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CrossAccount {
    /// The account whose node role reaches the buckets.
    pub cluster_manager: ClusterManager,
    /// The account that owns the buckets and the access role.
    pub s3_account: S3Account,
}

/// The cluster manager's account of a `cross-account` blueprint.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ClusterManager {
    /// Twelve-digit account ID.
    pub account: String,
    /// The existing role of the cluster's nodes.
    pub node_role: String,
    /// The name of the policy that lets the node role assume the access role.
    pub policy_name: String,
}

/// The buckets' account of a `cross-account` blueprint.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct S3Account {
    /// Twelve-digit account ID.
    pub account: String,
    /// The buckets' region.
    pub region: String,
    /// The name of the role the node role assumes.
    pub role_name: String,
    /// The name of the role's S3 policy.
    pub policy_name: String,
    /// The external ID the node role must pass; `None` when the blueprint says `external_id: none`.
    pub external_id: Option<String>,
    /// The buckets, in blueprint order, with unique names.
    pub buckets: Vec<AccountBucket>,
}

/// One existing bucket the access role reaches.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AccountBucket {
    /// Bucket name.
    pub name: String,
    /// What the role may do in it, in blueprint order, without duplicates.
    pub capabilities: Vec<Capability>,
    /// The key prefix the role is confined to in it, ending in `/`.
    pub prefix: Option<String>,
}

/// Reads, decodes and validates one blueprint.
///
/// `source` is the path shown in diagnostics and generated-file headers.
///
/// # Errors
///
/// Returns every diagnostic found (errors and warnings) when any of them is an error.
pub fn load(source: &str, text: &str) -> Result<(Blueprint, Vec<Diagnostic>), Vec<Diagnostic>> {
    let node = yaml::parse(source, text)?;
    let mut diagnostics = Vec::new();
    let blueprint = schema::decode(source, &node, &mut diagnostics);
    diagnostics.sort_by(|a, b| (a.location.line, a.location.column, a.code).cmp(&(b.location.line, b.location.column, b.code)));
    match blueprint {
        Some(blueprint) if !diagnostics.iter().any(|diagnostic| diagnostic.severity == Severity::Error) => Ok((blueprint, diagnostics)),
        _ => Err(diagnostics),
    }
}

/// Where the value at `field` is written in a blueprint that [`load`] accepted: the key of a mapping entry
/// (the `clients:` line), or the item of a list. For checks made after loading, such as the model's policy size
/// limits, which know the field but not its place in the text. A field the blueprint leaves to its default is
/// located at the nearest enclosing value it writes.
pub fn locate(source: &str, text: &str, field: &FieldPath) -> Location {
    let Ok(mut node) = yaml::parse(source, text) else {
        return Location::file_start(source);
    };
    let mut location = node.location.clone();
    for segment in field.segments() {
        let next = match (segment, &node.value) {
            (Segment::Field(name), yaml::NodeValue::Mapping(entries)) => entries
                .iter()
                .find(|(key, _)| key.as_scalar().is_some_and(|key| key.text == *name))
                .map(|(key, value)| (key.location.clone(), value.clone())),
            (Segment::Index(index), yaml::NodeValue::Sequence(items)) => {
                items.get(*index).map(|item| (item.location.clone(), item.clone()))
            }
            _ => None,
        };
        let Some((found, value)) = next else { break };
        location = found;
        node = value;
    }
    location
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn locate_finds_keys_and_items_and_falls_back_to_the_nearest_written_value() {
        let text = "name: x\nclients:\n  - name: a\n  - { name: b, external_id: id-b }\n";
        let clients = FieldPath::root().field("clients");
        let at = |field: &FieldPath| {
            let location = locate("b.yaml", text, field);
            (location.line, location.column)
        };
        assert_eq!(at(&clients), (2, 1), "a field is located at its key");
        assert_eq!(at(&clients.index(1)), (4, 5), "an item at its first character");
        assert_eq!(at(&clients.index(1).field("external_id")), (4, 16));
        assert_eq!(at(&clients.index(0).field("prefix")), (3, 5), "an absent field at the item that would hold it");
        assert_eq!(at(&FieldPath::root()), (1, 1));
    }
}
