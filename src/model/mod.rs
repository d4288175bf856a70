//! The target-neutral model: what each AWS account gets, with every AWS decision made.
//!
//! A validated blueprint goes in; a [`Deployment`] comes out: one [`Module`] per AWS account, each holding
//! typed resources and policy documents whose ARNs are symbolic [`value::Value`]s, plus the handoff facts
//! for external parties.
//! Everything that needs AWS knowledge lives here and only here: which actions a capability needs
//! ([`capability`]), what a hardened bucket or key has ([`hardening`]), how each scenario is wired
//! ([`scenario`]).
//! This module does no I/O and knows no HCL, YAML or CloudFormation syntax.

pub mod capability;
pub mod hardening;
pub mod limits;
pub mod policy;
pub mod resolve;
pub mod resource;
pub mod scenario;
pub mod value;

use std::collections::BTreeMap;
use std::sync::Arc;

use crate::blueprint::Blueprint;
use crate::diagnostic::FieldPath;
use policy::PolicyDocument;
use resource::Resource;
use value::Value;

/// Everything one blueprint compiles to.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Deployment {
    /// The blueprint's `name`, which names its output folder.
    pub name: String,
    /// The blueprint's path as given, with `/` separators; named in generated-file headers.
    pub source: String,
    /// The scenario kind, as written in the blueprint (`external-handoff`).
    pub scenario: &'static str,
    /// One module per AWS account, in blueprint order.
    pub modules: Vec<Module>,
    /// One handoff bundle per external party, in blueprint order.
    pub handoffs: Vec<Handoff>,
    /// Who is meant to reach which bucket, and how, in blueprint order: what the access matrix checks.
    pub access_paths: Vec<AccessPath>,
}

/// One intended way into a bucket: a caller, the role it assumes, and what it may then do.
///
/// The model declares these from the blueprint; the access evaluator checks the generated policies against
/// them, so a policy that grants more or less than declared is caught.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AccessPath {
    /// Who this is (a client's name), for matrix rows.
    pub name: String,
    /// Who starts the requests.
    pub caller: Caller,
    /// The role the caller assumes, as a concrete ARN.
    pub role_arn: String,
    /// The external ID the trust policy requires, if any.
    pub external_id: Option<String>,
    /// The bucket's name.
    pub bucket: String,
    /// The bucket owner's account.
    pub bucket_owner: String,
    /// The bucket's region.
    pub region: String,
    /// The key prefix the path is confined to.
    pub prefix: Option<String>,
    /// The declared capabilities, in blueprint order; empty when explicit actions were given.
    pub capabilities: Vec<capability::Capability>,
    /// The declared actions, split by resource type.
    pub grant: capability::Grant,
    /// The bucket key's concrete ARN, when the bucket uses SSE-KMS (a created key has a stand-in ID).
    pub kms_key_arn: Option<String>,
}

/// Who starts an access path.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Caller {
    /// Principals of another account, which attach `assume_role_policy` to the one that should get in.
    Account {
        /// The account.
        account: String,
        /// The identity policy its principal needs, shared with the handoff.
        assume_role_policy: Arc<PolicyDocument>,
    },
    /// An AWS service assuming the role for its own resources, such as EC2 for an instance role.
    Service {
        /// The service principal (`ec2.amazonaws.com`).
        service: String,
        /// The `aws:CurrentTime` window the trust policy allows, as (not before, not after), if any.
        window: Option<(String, String)>,
    },
    /// A role that already exists: the cluster manager's node role, whose permissions a module of this
    /// deployment attaches, or a SaaS's role in its own account, whose administrators must allow it
    /// `sts:AssumeRole` on the role it is given.
    Role {
        /// The role's ARN.
        arn: String,
    },
}

/// The resources one AWS account gets.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Module {
    /// The module's folder and file name (`owner`, `s3-account`).
    pub name: String,
    /// One line saying what the module does.
    pub description: String,
    /// The only account the module may be deployed into.
    pub account: String,
    /// The only region the module may be deployed into; `None` for a module of IAM resources only, which are
    /// global, so the module may be deployed from any region.
    pub region: Option<String>,
    /// The partition the module is deployed into (`aws`, `aws-cn`, `aws-us-gov`).
    pub partition: String,
    /// Resources in dependency order: nothing refers to a resource listed after it.
    pub resources: Vec<Resource>,
    /// The blueprint field each policy-bearing resource grows with (a client's policy with `clients[2]`, a key
    /// policy with `clients`), so a policy over an AWS size limit is reported there ([`limits`]). A resource
    /// not listed comes from the blueprint as a whole.
    pub origins: BTreeMap<resource::ResourceId, FieldPath>,
    /// Outputs, sorted by name.
    pub outputs: Vec<Output>,
    /// Where and why the module departs from the procedure it automates, in model order.
    pub notes: Vec<Note>,
    /// Steps someone must still take by hand, such as editing an existing key's policy; in model order.
    pub manual_steps: Vec<ManualStep>,
    /// What to do once the module is deployed, such as pointing a server at the new role; in model order.
    pub next_steps: Vec<NextStep>,
}

/// A value the module exports.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Output {
    /// Lowercase words naming it (`["s3", "bucket", "arn"]`).
    pub words: Vec<String>,
    /// What it is.
    pub description: String,
    /// Its value.
    pub value: Value,
}

/// A departure from the source procedure, or a decision a reviewer should know about.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Note {
    /// A short title.
    pub title: String,
    /// One or two sentences of explanation.
    pub text: String,
}

/// Something the module cannot do itself, with the policy statement to apply by hand.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ManualStep {
    /// What to do.
    pub text: String,
    /// The statements to add, resolved for the module's account.
    pub document: PolicyDocument,
}

/// Something to do after deploying, with the commands that do it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NextStep {
    /// What to do and where, in one or two sentences.
    pub text: String,
    /// Shell commands, one per line, in the order they are run; empty when the step has none.
    pub commands: Vec<String>,
}

/// What an external party needs to reach its bucket.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Handoff {
    /// The client's name as the blueprint writes it.
    pub client: String,
    /// The folder name under `handoff/` (lowercase words joined by `-`).
    pub folder: String,
    /// The client's account.
    pub client_account: String,
    /// The bucket name.
    pub bucket: String,
    /// The bucket's region.
    pub region: String,
    /// The key prefix the client is confined to, if any.
    pub prefix: Option<String>,
    /// The role to assume, as a concrete ARN.
    pub role_arn: String,
    /// The external ID to pass when assuming it.
    pub external_id: String,
    /// What the client may do (capability names), in blueprint order; empty when `actions` was given.
    pub capabilities: Vec<&'static str>,
    /// The S3 and KMS actions granted.
    pub actions: policy::Actions,
    /// The KMS key ARN the bucket encrypts with, when the client must be able to use it.
    pub kms_key_arn: Option<String>,
    /// The identity policy the client attaches to its own principal, resolved; shared with the access path.
    pub assume_role_policy: Arc<PolicyDocument>,
}

/// Builds the model for a validated blueprint.
pub fn build(blueprint: &Blueprint) -> Deployment {
    scenario::build(blueprint)
}
