//! The world of principals and resources, and the decision procedure for one request
//! (section 1.4 of the research note, from the IAM User Guide's policy evaluation logic,
//! cross-account evaluation, STS AssumeRole and KMS key policy pages).
//!
//! Only identity policies, role trust policies, S3 bucket policies and KMS key policies are
//! modelled. SCPs, RCPs, permissions boundaries, session policies, VPC endpoint policies,
//! KMS grants, ACLs and Block Public Access can only further restrict a request; they are
//! never assumed to exist and never assumed to allow.

use super::condition::{BadContextValue, Context};
use super::policy::{Effect, PolicyDocument, PolicyError, PolicyKind, PrincipalEntry, PrincipalSet, Statement};
use std::collections::BTreeMap;
use std::fmt;
use std::sync::Arc;

/// A policy document with the label that decisions cite
/// (e.g. `role acme-ExtRole policy acme-ExtRole`).
///
/// The document is shared, so a world can be cloned, and one document attached to many principals, without
/// copying it.
#[derive(Clone, Debug)]
pub struct LabelledPolicy {
    /// The label quoted in decisions.
    pub label: Arc<str>,
    /// The parsed document.
    pub doc: Arc<PolicyDocument>,
}

impl LabelledPolicy {
    /// Pairs a label with a document.
    pub fn new(label: impl Into<String>, doc: PolicyDocument) -> LabelledPolicy {
        LabelledPolicy::shared(label, Arc::new(doc))
    }

    /// Pairs a label with a document that other policies may share.
    pub fn shared(label: impl Into<String>, doc: Arc<PolicyDocument>) -> LabelledPolicy {
        LabelledPolicy { label: Arc::from(label.into()), doc }
    }
}

/// An IAM user and its identity policies.
#[derive(Clone, Debug)]
pub struct User {
    /// `arn:aws:iam::A:user/[path/]name`.
    pub arn: String,
    /// The account A.
    pub account: String,
    /// Identity policies (inline and managed alike).
    pub policies: Vec<LabelledPolicy>,
}

/// An IAM role: its trust policy and identity policies.
#[derive(Clone, Debug)]
pub struct Role {
    /// `arn:aws:iam::A:role/[path/]name`.
    pub arn: String,
    /// The account A.
    pub account: String,
    /// The role name (last path element), which appears in session ARNs.
    pub name: String,
    /// The trust policy (the resource policy for `sts:` actions on the role).
    pub trust: LabelledPolicy,
    /// Identity policies, which apply to every session of the role.
    pub policies: Vec<LabelledPolicy>,
}

/// An S3 bucket: its owner (S3 ARNs carry no account) and optional bucket policy.
#[derive(Clone, Debug)]
pub struct Bucket {
    /// Bucket name.
    pub name: String,
    /// The owning account, which with BucketOwnerEnforced also owns every object.
    pub owner: String,
    /// The bucket policy, if any.
    pub policy: Option<LabelledPolicy>,
}

/// A KMS key and its key policy (every KMS key has exactly one).
#[derive(Clone, Debug)]
pub struct Key {
    /// `arn:aws:kms:region:A:key/id`.
    pub arn: String,
    /// The account A.
    pub account: String,
    /// The key policy.
    pub policy: LabelledPolicy,
}

/// Why something could not be added to a [`World`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum WorldError {
    /// The ARN or name is not of the expected form.
    BadArn(String),
    /// An entity with the same ARN (or role name in the account) already exists.
    Duplicate(String),
    /// A policy is invalid for where it is attached.
    Policy {
        /// The label of the policy.
        label: String,
        /// The problem.
        error: PolicyError,
    },
}

impl fmt::Display for WorldError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            WorldError::BadArn(s) => write!(f, "bad ARN or name: {s}"),
            WorldError::Duplicate(s) => write!(f, "duplicate: {s}"),
            WorldError::Policy { label, error } => write!(f, "{label}: {error}"),
        }
    }
}

impl std::error::Error for WorldError {}

/// Everything the evaluator knows: users, roles, buckets and keys, indexed by ARN/name.
#[derive(Clone, Debug, Default)]
pub struct World {
    users: BTreeMap<String, User>,
    roles: BTreeMap<String, Role>,
    /// account -> role name -> role ARN, because session ARNs drop the role path. Nested so that a lookup
    /// by borrowed account and name allocates nothing.
    role_names: BTreeMap<String, BTreeMap<String, String>>,
    buckets: BTreeMap<String, Bucket>,
    keys: BTreeMap<String, Key>,
}

fn is_account_id(s: &str) -> bool {
    s.len() == 12 && s.bytes().all(|b| b.is_ascii_digit())
}

/// Splits `arn:partition:service:region:account:resource`.
fn arn_parts(arn: &str) -> Option<[&str; 6]> {
    // As `splitn(6, ':')`, by a plain byte scan: every request splits two ARNs, and ARNs are short enough that a
    // general substring search costs more than the scan.
    let mut p = [""; 6];
    let mut start = 0;
    for part in p.iter_mut().take(5) {
        let end = start + arn.as_bytes()[start..].iter().position(|&b| b == b':')?;
        *part = &arn[start..end];
        start = end + 1;
    }
    p[5] = &arn[start..];
    (p[0] == "arn" && !p[1].is_empty()).then_some(p)
}

fn check(policy: &LabelledPolicy, kind: PolicyKind) -> Result<(), WorldError> {
    policy.doc.validate_for(kind).map_err(|error| WorldError::Policy { label: policy.label.to_string(), error })
}

impl World {
    /// An empty world.
    pub fn new() -> World {
        World::default()
    }

    /// Adds an IAM user `arn:aws:iam::A:user/...` with its identity policies.
    pub fn add_user(&mut self, arn: &str, policies: Vec<LabelledPolicy>) -> Result<(), WorldError> {
        let p = arn_parts(arn).ok_or_else(|| WorldError::BadArn(arn.into()))?;
        if p[2] != "iam" || !is_account_id(p[4]) || !p[5].starts_with("user/") || p[5].len() <= 5 {
            return Err(WorldError::BadArn(arn.into()));
        }
        for pol in &policies {
            check(pol, PolicyKind::Identity)?;
        }
        if self.users.contains_key(arn) {
            return Err(WorldError::Duplicate(arn.into()));
        }
        self.users.insert(arn.to_string(), User { arn: arn.to_string(), account: p[4].to_string(), policies });
        Ok(())
    }

    /// Adds a role `arn:aws:iam::A:role/[path/]name` with its trust and identity policies.
    pub fn add_role(&mut self, arn: &str, trust: LabelledPolicy, policies: Vec<LabelledPolicy>) -> Result<(), WorldError> {
        let p = arn_parts(arn).ok_or_else(|| WorldError::BadArn(arn.into()))?;
        let name = p[5].rsplit('/').next().unwrap_or_default();
        if p[2] != "iam" || !is_account_id(p[4]) || !p[5].starts_with("role/") || name.is_empty() {
            return Err(WorldError::BadArn(arn.into()));
        }
        check(&trust, PolicyKind::Trust)?;
        for pol in &policies {
            check(pol, PolicyKind::Identity)?;
        }
        if self.roles.contains_key(arn) || self.role_by_name(p[4], name).is_some() {
            return Err(WorldError::Duplicate(arn.into()));
        }
        self.role_names.entry(p[4].to_string()).or_default().insert(name.to_string(), arn.to_string());
        self.roles
            .insert(arn.to_string(), Role { arn: arn.to_string(), account: p[4].to_string(), name: name.to_string(), trust, policies });
        Ok(())
    }

    /// Adds a bucket by name with its owner account and optional bucket policy.
    pub fn add_bucket(&mut self, name: &str, owner: &str, policy: Option<LabelledPolicy>) -> Result<(), WorldError> {
        if name.is_empty() || name.contains(['/', ':', '*', '?']) {
            return Err(WorldError::BadArn(name.into()));
        }
        if !is_account_id(owner) {
            return Err(WorldError::BadArn(owner.into()));
        }
        if let Some(pol) = &policy {
            check(pol, PolicyKind::Bucket)?;
        }
        if self.buckets.contains_key(name) {
            return Err(WorldError::Duplicate(name.into()));
        }
        self.buckets.insert(name.to_string(), Bucket { name: name.to_string(), owner: owner.to_string(), policy });
        Ok(())
    }

    /// Adds a KMS key `arn:aws:kms:region:A:key/id` with its key policy.
    pub fn add_key(&mut self, arn: &str, policy: LabelledPolicy) -> Result<(), WorldError> {
        let p = arn_parts(arn).ok_or_else(|| WorldError::BadArn(arn.into()))?;
        if p[2] != "kms" || !is_account_id(p[4]) || !p[5].starts_with("key/") || p[5].len() <= 4 {
            return Err(WorldError::BadArn(arn.into()));
        }
        check(&policy, PolicyKind::Key)?;
        if self.keys.contains_key(arn) {
            return Err(WorldError::Duplicate(arn.into()));
        }
        self.keys.insert(arn.to_string(), Key { arn: arn.to_string(), account: p[4].to_string(), policy });
        Ok(())
    }

    /// The user with this ARN.
    pub fn user(&self, arn: &str) -> Option<&User> {
        self.users.get(arn)
    }

    /// The role with this ARN.
    pub fn role(&self, arn: &str) -> Option<&Role> {
        self.roles.get(arn)
    }

    /// The bucket with this name.
    pub fn bucket(&self, name: &str) -> Option<&Bucket> {
        self.buckets.get(name)
    }

    /// The key with this ARN.
    pub fn key(&self, arn: &str) -> Option<&Key> {
        self.keys.get(arn)
    }

    fn role_by_name(&self, account: &str, name: &str) -> Option<&Role> {
        self.role_names.get(account).and_then(|names| names.get(name)).and_then(|arn| self.roles.get(arn))
    }
}

/// One request to decide.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Request {
    /// A user ARN, a role session `arn:aws:sts::A:assumed-role/R/S`, or a service principal.
    pub principal: String,
    /// The action, e.g. `s3:GetObject` (case-insensitive).
    pub action: String,
    /// The resource ARN (or `*` for actions without a resource).
    pub resource: String,
    /// The resource owner, for resources whose ARN has no account and that the world
    /// does not know (a bucket not in the world, `*`); must agree with the world if given.
    pub resource_account: Option<String>,
    /// Context keys (any case) to their values. Nothing is defaulted except
    /// `aws:PrincipalArn` and `aws:PrincipalAccount`, which are derived from the principal
    /// when absent and must agree with it when present.
    pub context: BTreeMap<String, Vec<String>>,
}

/// A [`Request`] made of borrowed parts, for callers that decide many requests and would otherwise copy every
/// part of each into a [`Request`]. Its context keys may be given in any case, like a [`Request`]'s.
#[derive(Clone, Copy, Debug)]
pub struct RequestView<'a> {
    /// As [`Request::principal`].
    pub principal: &'a str,
    /// As [`Request::action`].
    pub action: &'a str,
    /// As [`Request::resource`].
    pub resource: &'a str,
    /// As [`Request::resource_account`].
    pub resource_account: Option<&'a str>,
    /// As [`Request::context`]: each key with its values.
    pub context: &'a [(&'a str, &'a [&'a str])],
}

/// Why a request could not be evaluated (an input problem, not a decision).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum RequestError {
    /// The principal is malformed, unknown to the world, or not a kind that makes requests.
    Principal(String),
    /// The action is not `service:name`.
    Action(String),
    /// The resource is malformed, unknown, or the wrong type for the action.
    Resource(String),
    /// Two context keys differ only in case, or a derived key contradicts the principal.
    Context(String),
    /// A context value cannot be read as the type a condition operator needs.
    ContextValue(BadContextValue),
}

impl fmt::Display for RequestError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            RequestError::Principal(s) => write!(f, "principal: {s}"),
            RequestError::Action(s) => write!(f, "action: {s}"),
            RequestError::Resource(s) => write!(f, "resource: {s}"),
            RequestError::Context(s) => write!(f, "context: {s}"),
            RequestError::ContextValue(b) => write!(f, "context: {} = {:?} is not {}", b.key, b.value, b.expected),
        }
    }
}

impl std::error::Error for RequestError {}

/// The three outcomes of IAM evaluation.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, serde::Serialize)]
pub enum Outcome {
    /// Some policy grants the request and nothing denies it.
    Allow,
    /// A matching Deny statement.
    ExplicitDeny,
    /// Nothing (sufficient) allows the request.
    ImplicitDeny,
}

impl Outcome {
    /// Parses `Allow`, `ExplicitDeny` or `ImplicitDeny`.
    pub fn parse(s: &str) -> Option<Outcome> {
        match s {
            "Allow" => Some(Outcome::Allow),
            "ExplicitDeny" => Some(Outcome::ExplicitDeny),
            "ImplicitDeny" => Some(Outcome::ImplicitDeny),
            _ => None,
        }
    }
}

impl fmt::Display for Outcome {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Outcome::Allow => "Allow",
            Outcome::ExplicitDeny => "ExplicitDeny",
            Outcome::ImplicitDeny => "ImplicitDeny",
        })
    }
}

/// A statement that took part in a decision.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StatementRef {
    /// The label of the policy holding it.
    pub policy: Arc<str>,
    /// Its index in the policy's `Statement` list (0 for a lone statement object).
    pub index: usize,
    /// Its `Sid`, if any.
    pub sid: Option<String>,
    /// Its effect.
    pub effect: Effect,
}

impl fmt::Display for StatementRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} Statement[{}]", self.policy, self.index)?;
        if let Some(sid) = &self.sid {
            write!(f, " ({sid})")?;
        }
        write!(f, " {}", self.effect)
    }
}

/// The result of evaluating one request.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Decision {
    /// Allow, ExplicitDeny or ImplicitDeny.
    pub outcome: Outcome,
    /// The deciding statements: the matching Denys, or the Allows that granted.
    /// For an ImplicitDeny, any Allows that matched but were not sufficient.
    pub statements: Vec<StatementRef>,
    /// The rule that decided, in a few words (e.g. "cross-account: bucket policy does not allow").
    pub reason: String,
}

impl Decision {
    /// A one-line human explanation: outcome, reason and cited statements.
    pub fn explain(&self) -> String {
        let mut s = format!("{}: {}", self.outcome, self.reason);
        if !self.statements.is_empty() {
            s.push_str(" [");
            for (i, r) in self.statements.iter().enumerate() {
                if i > 0 {
                    s.push_str("; ");
                }
                s.push_str(&r.to_string());
            }
            s.push(']');
        }
        s
    }
}

/// The requester as the evaluator sees it.
#[derive(Clone, Copy, Debug)]
enum Caller<'w> {
    User(&'w User),
    Session { arn: &'w str, role: &'w Role },
    Service(&'w str),
}

impl<'w> Caller<'w> {
    fn account(&self) -> Option<&'w str> {
        match self {
            Caller::User(u) => Some(&u.account),
            Caller::Session { role, .. } => Some(&role.account),
            Caller::Service(_) => None,
        }
    }

    /// aws:PrincipalArn: the user ARN, or for a session the role ARN (GKEYS).
    fn principal_arn(&self) -> Option<&'w str> {
        match self {
            Caller::User(u) => Some(&u.arn),
            Caller::Session { role, .. } => Some(&role.arn),
            Caller::Service(_) => None,
        }
    }

    fn identity_policies(&self) -> &'w [LabelledPolicy] {
        match self {
            Caller::User(u) => &u.policies,
            Caller::Session { role, .. } => &role.policies,
            Caller::Service(_) => &[],
        }
    }
}

/// How a resource-policy Principal matched the caller.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum PrincipalMatch {
    /// Named the caller itself (or everyone).
    Direct,
    /// Named the caller's account: a delegation to that account's IAM (PRINCIPAL).
    Account,
}

fn entry_match(e: &PrincipalEntry, c: &Caller<'_>) -> Option<PrincipalMatch> {
    match (e, c) {
        (PrincipalEntry::Everyone, _) => Some(PrincipalMatch::Direct),
        (PrincipalEntry::AnyAws, Caller::User(_) | Caller::Session { .. }) => Some(PrincipalMatch::Direct),
        (PrincipalEntry::Account(a), _) if Some(a.as_str()) == c.account() => Some(PrincipalMatch::Account),
        (PrincipalEntry::Arn(a), Caller::User(u)) if *a == u.arn => Some(PrincipalMatch::Direct),
        // PRINCIPAL: naming a role covers its sessions; a session ARN can be named too.
        (PrincipalEntry::Arn(a), Caller::Session { arn, role }) if *a == role.arn || a == arn => Some(PrincipalMatch::Direct),
        (PrincipalEntry::Service(s), Caller::Service(n)) if s == n => Some(PrincipalMatch::Direct),
        _ => None,
    }
}

/// For an Allow: the best match of a Principal element (Direct beats Account).
fn principal_match(p: &PrincipalSet, c: &Caller<'_>) -> Option<PrincipalMatch> {
    p.entries.iter().filter_map(|e| entry_match(e, c)).min()
}

/// Whether a `NotPrincipal` (always with Deny) applies to the caller: AWS checks the
/// caller's chain (account, then role, then session; or account, then user) and the Deny
/// applies as soon as one element of the chain is not listed (NOTPRINCIPAL).
fn not_principal_applies(p: &PrincipalSet, c: &Caller<'_>) -> bool {
    let listed = |pred: &dyn Fn(&PrincipalEntry) -> bool| p.entries.iter().any(|e| matches!(e, PrincipalEntry::Everyone) || pred(e));
    let aws_any = |e: &PrincipalEntry| matches!(e, PrincipalEntry::AnyAws);
    match c {
        Caller::Service(n) => !listed(&|e| matches!(e, PrincipalEntry::Service(s) if s == n)),
        Caller::User(u) => {
            !listed(&|e| aws_any(e) || matches!(e, PrincipalEntry::Account(a) if *a == u.account))
                || !listed(&|e| aws_any(e) || matches!(e, PrincipalEntry::Arn(a) if *a == u.arn))
        }
        Caller::Session { arn, role } => {
            !listed(&|e| aws_any(e) || matches!(e, PrincipalEntry::Account(a) if *a == role.account))
                || !listed(&|e| aws_any(e) || matches!(e, PrincipalEntry::Arn(a) if *a == role.arn))
                || !listed(&|e| aws_any(e) || matches!(e, PrincipalEntry::Arn(a) if a == arn))
        }
    }
}

/// Which resource-based policy governs the request, and with which rule.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum ResourceKind {
    /// A role trust policy for an `sts:` action.
    Trust,
    /// A bucket policy (possibly absent) for an `s3:` action.
    Bucket,
    /// A key policy for a `kms:` action.
    Key,
    /// No resource-based policy exists for this resource type.
    None,
}

// KMS-XACCT: "Cross-account permission is effective only for the following operations":
// the cryptographic operations, DescribeKey, the grant operations, GetKeyRotationStatus and
// GetPublicKey. ReEncrypt is authorized as ReEncryptFrom/ReEncryptTo.
const KMS_CROSS_ACCOUNT: &[&str] = &[
    "kms:creategrant",
    "kms:decrypt",
    "kms:derivesharedsecret",
    "kms:describekey",
    "kms:encrypt",
    "kms:generatedatakey",
    "kms:generatedatakeypair",
    "kms:generatedatakeypairwithoutplaintext",
    "kms:generatedatakeywithoutplaintext",
    "kms:generatemac",
    "kms:getkeyrotationstatus",
    "kms:getpublickey",
    "kms:listgrants",
    "kms:reencryptfrom",
    "kms:reencryptto",
    "kms:retiregrant",
    "kms:revokegrant",
    "kms:sign",
    "kms:verify",
    "kms:verifymac",
];

// S3-ACTIONS: the resource type each common S3 action is authorized against. A request
// naming the other type is an input error; unknown S3 actions are not checked.
const S3_BUCKET_ACTIONS: &[&str] = &[
    "s3:listbucket",
    "s3:listbucketversions",
    "s3:listbucketmultipartuploads",
    "s3:getbucketlocation",
    "s3:getbucketpolicy",
    "s3:putbucketpolicy",
    "s3:deletebucketpolicy",
    "s3:getbucketversioning",
    "s3:getencryptionconfiguration",
];
const S3_OBJECT_ACTIONS: &[&str] = &[
    "s3:getobject",
    "s3:getobjectversion",
    "s3:putobject",
    "s3:deleteobject",
    "s3:deleteobjectversion",
    "s3:abortmultipartupload",
    "s3:listmultipartuploadparts",
    "s3:getobjectacl",
    "s3:putobjectacl",
    "s3:getobjecttagging",
    "s3:putobjecttagging",
    "s3:restoreobject",
];

fn resolve_caller<'w>(world: &'w World, p: &'w str) -> Result<Caller<'w>, RequestError> {
    if !p.starts_with("arn:") {
        let service_like = p.ends_with(".amazonaws.com") || p.ends_with(".amazonaws.com.cn");
        if service_like && p.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'.' || b == b'-') {
            return Ok(Caller::Service(p));
        }
        return Err(RequestError::Principal(format!("{p:?} is neither an ARN nor a service principal")));
    }
    let parts = arn_parts(p).ok_or_else(|| RequestError::Principal(format!("malformed ARN {p:?}")))?;
    match parts[2] {
        "iam" if parts[5].starts_with("user/") => {
            world.users.get(p).map(Caller::User).ok_or_else(|| RequestError::Principal(format!("user {p} is not in the world")))
        }
        "sts" if parts[5].starts_with("assumed-role/") => {
            let mut it = parts[5].split('/');
            let (_, role, session) = (it.next(), it.next(), it.next());
            match (role, session, it.next()) {
                (Some(r), Some(s), None) if !r.is_empty() && !s.is_empty() => world
                    .role_by_name(parts[4], r)
                    .map(|role| Caller::Session { arn: p, role })
                    .ok_or_else(|| RequestError::Principal(format!("role {r} in {} is not in the world", parts[4]))),
                _ => Err(RequestError::Principal(format!("malformed session ARN {p:?}"))),
            }
        }
        "iam" if parts[5].starts_with("role/") => Err(RequestError::Principal(format!(
            "{p}: a role makes requests only through a session arn:aws:sts::{}:assumed-role/NAME/SESSION",
            parts[4]
        ))),
        _ => Err(RequestError::Principal(format!("{p}: only IAM users, role sessions and service principals are modelled"))),
    }
}

/// The resource policy, the resource kind and the resource account for a request.
fn resolve_resource<'a>(
    world: &'a World,
    action_lc: &str,
    req: &RequestView<'a>,
) -> Result<(ResourceKind, Option<&'a LabelledPolicy>, &'a str), RequestError> {
    let service = action_lc.split(':').next().unwrap_or_default();
    let given = req.resource_account;
    if let Some(a) = given.filter(|a| !is_account_id(a)) {
        return Err(RequestError::Resource(format!("resource account {a:?} is not a 12-digit account ID")));
    }
    let agree = |known: &'a str| -> Result<&'a str, RequestError> {
        match given {
            Some(a) if a != known => {
                Err(RequestError::Resource(format!("resource account {a} contradicts the owner {known} known for {}", req.resource)))
            }
            _ => Ok(known),
        }
    };
    let r = req.resource;
    if r == "*" {
        let acct = given.ok_or_else(|| RequestError::Resource("resource \"*\" needs a resource account".into()))?;
        if S3_BUCKET_ACTIONS.contains(&action_lc) || S3_OBJECT_ACTIONS.contains(&action_lc) {
            return Err(RequestError::Resource(format!("{} needs a bucket or object ARN, not \"*\"", req.action)));
        }
        return Ok((ResourceKind::None, None, acct));
    }
    let p = arn_parts(r).ok_or_else(|| RequestError::Resource(format!("malformed ARN {r:?}")))?;
    match p[2] {
        "s3" => {
            if !p[3].is_empty() || !p[4].is_empty() {
                return Err(RequestError::Resource(format!("{r}: bucket and object ARNs have no region or account")));
            }
            let (bucket, is_object) = match p[5].split_once('/') {
                Some((b, _)) => (b, true),
                None => (p[5], false),
            };
            if bucket.is_empty() {
                return Err(RequestError::Resource(format!("{r}: no bucket name")));
            }
            if service == "s3" {
                if is_object && S3_BUCKET_ACTIONS.contains(&action_lc) {
                    return Err(RequestError::Resource(format!("{} acts on a bucket ARN, not an object ARN", req.action)));
                }
                if !is_object && S3_OBJECT_ACTIONS.contains(&action_lc) {
                    return Err(RequestError::Resource(format!("{} acts on an object ARN (bucket/key), not a bucket ARN", req.action)));
                }
            }
            let kind = if service == "s3" { ResourceKind::Bucket } else { ResourceKind::None };
            match world.buckets.get(bucket) {
                Some(b) => Ok((kind, b.policy.as_ref().filter(|_| kind == ResourceKind::Bucket), agree(&b.owner)?)),
                None => {
                    // S3 ARNs carry no account: without the owner we cannot tell same-
                    // from cross-account (pitfall 12), so it must be given.
                    let acct = given.ok_or_else(|| {
                        RequestError::Resource(format!("bucket {bucket} is not in the world and no resource account was given"))
                    })?;
                    Ok((kind, None, acct))
                }
            }
        }
        "iam" if p[5].starts_with("role/") && service == "sts" => {
            let role = world.roles.get(r).ok_or_else(|| RequestError::Resource(format!("role {r} is not in the world")))?;
            Ok((ResourceKind::Trust, Some(&role.trust), agree(&role.account)?))
        }
        "kms" if service == "kms" => {
            if p[5].starts_with("alias/") {
                return Err(RequestError::Resource(format!(
                    "{r}: KMS requests are authorized on the key, not the alias (alias resources are not modelled)"
                )));
            }
            let key = world
                .keys
                .get(r)
                .ok_or_else(|| RequestError::Resource(format!("key {r} is not in the world (every key has a key policy)")))?;
            Ok((ResourceKind::Key, Some(&key.policy), agree(&key.account)?))
        }
        _ => {
            if service == "s3" {
                return Err(RequestError::Resource(format!("{} needs an S3 bucket or object ARN", req.action)));
            }
            let acct = if p[4].is_empty() {
                given.ok_or_else(|| RequestError::Resource(format!("{r} has no account and no resource account was given")))?
            } else {
                agree(p[4])?
            };
            Ok((ResourceKind::None, None, acct))
        }
    }
}

/// Does the statement's Action, Resource and Condition cover the request?
fn applies(s: &Statement, action: &str, resource: &str, ctx: &Context<'_>) -> Result<bool, RequestError> {
    if !s.action.covers(action) {
        return Ok(false);
    }
    if s.resource.as_ref().is_some_and(|r| !r.covers(resource)) {
        return Ok(false);
    }
    if s.condition.is_empty() {
        return Ok(true);
    }
    s.condition.eval(ctx).map_err(RequestError::ContextValue)
}

/// The statements that matched in one role of a decision: how many, and which when the caller wants them cited.
#[derive(Default)]
struct Cited {
    count: usize,
    statements: Vec<StatementRef>,
}

impl Cited {
    fn new(statement: Option<StatementRef>) -> Cited {
        Cited { count: 1, statements: statement.into_iter().collect() }
    }

    fn extend(&mut self, other: Cited) {
        self.count += other.count;
        self.statements.extend(other.statements);
    }

    fn is_empty(&self) -> bool {
        self.count == 0
    }
}

fn sref(p: &LabelledPolicy, i: usize, s: &Statement) -> StatementRef {
    StatementRef { policy: p.label.clone(), index: i, sid: s.sid.clone(), effect: s.effect }
}

fn build_context<'r>(req: &RequestView<'r>, caller: &Caller<'r>) -> Result<Context<'r>, RequestError> {
    let mut ctx = Context::with_request(req.context)
        .map_err(|k| RequestError::Context(format!("key {k} given twice (key names are case-insensitive)")))?;
    // Derived from the principal, not invented: these keys are fixed by who is calling.
    let derived = [("aws:principalarn", caller.principal_arn()), ("aws:principalaccount", caller.account())];
    for (k, v) in derived {
        let Some(v) = v else { continue };
        match ctx.get(k) {
            None => ctx.derive(k, v),
            Some(given) if given == [v] => {}
            Some(given) => {
                return Err(RequestError::Context(format!("{k} = {given:?} contradicts the principal ({v})")));
            }
        }
    }
    Ok(ctx)
}

/// Decides one request against the world.
///
/// Order (EVAL, DENYALLOW, XACCT): any matching Deny in any applicable policy gives
/// ExplicitDeny; then a service principal needs a direct grant in the resource policy;
/// same-account S3 needs an identity Allow or a direct resource-policy grant; trust and key
/// policies must name the caller, or name its account and have an identity Allow beside
/// it; cross-account needs an identity Allow and a resource-policy Allow (direct or
/// account), and KMS only for the operations KMS supports across accounts.
pub fn evaluate(world: &World, req: &Request) -> Result<Decision, RequestError> {
    let values: Vec<(&str, Vec<&str>)> =
        req.context.iter().map(|(key, values)| (key.as_str(), values.iter().map(String::as_str).collect())).collect();
    let context: Vec<(&str, &[&str])> = values.iter().map(|(key, values)| (*key, values.as_slice())).collect();
    let view = RequestView {
        principal: &req.principal,
        action: &req.action,
        resource: &req.resource,
        resource_account: req.resource_account.as_deref(),
        context: &context,
    };
    let verdict = evaluate_view(world, &view, true)?;
    Ok(Decision { outcome: verdict.outcome, statements: verdict.statements, reason: verdict.rule.reason(&req.action) })
}

/// Decides one request given by borrowed parts, as [`evaluate`] does, but leaves the reason as the rule that
/// decided ([`Rule::reason`] formats it) and, with `statements` false, cites no statements: a caller that decides
/// many requests and wants only their outcomes then copies nothing.
pub fn evaluate_view(world: &World, req: &RequestView<'_>, statements: bool) -> Result<Verdict, RequestError> {
    let caller = resolve_caller(world, req.principal)?;
    let action = req.action;
    match action.split_once(':') {
        Some((svc, name)) if !svc.is_empty() && !name.is_empty() && !action.contains(['*', '?']) => {}
        _ => {
            return Err(RequestError::Action(format!("{action:?} is not of the form service:Action")));
        }
    }
    // Actions are short: lower-cased on the stack, a decision allocates nothing for them.
    let mut buffer = [0_u8; 64];
    let long;
    let action_lc: &str = match buffer.get_mut(..action.len()) {
        Some(lowered) => {
            lowered.copy_from_slice(action.as_bytes());
            lowered.make_ascii_lowercase();
            std::str::from_utf8(lowered).expect("lower-casing ASCII keeps UTF-8 valid")
        }
        None => {
            long = action.to_ascii_lowercase();
            &long
        }
    };
    let (kind, rpolicy, res_account) = resolve_resource(world, action_lc, req)?;
    let ctx = build_context(req, &caller)?;
    let resource = req.resource;
    let cite = |p: &LabelledPolicy, i: usize, s: &Statement| Cited::new(statements.then(|| sref(p, i, s)));

    let policy = match kind {
        ResourceKind::Trust => "trust policy",
        ResourceKind::Key => "key policy",
        ResourceKind::Bucket => "bucket policy",
        ResourceKind::None => "resource policy",
    };
    let verdict = |outcome, why, mut a: Cited, b: Cited| {
        a.extend(b);
        Verdict { outcome, rule: Rule { why, policy }, statements: a.statements }
    };

    let mut denies = Cited::default();
    let mut id_allows = Cited::default();
    let mut rp_direct = Cited::default();
    let mut rp_account = Cited::default();

    for pol in caller.identity_policies() {
        for (i, s) in pol.doc.statements.iter().enumerate() {
            if applies(s, action, resource, &ctx)? {
                match s.effect {
                    Effect::Deny => denies.extend(cite(pol, i, s)),
                    Effect::Allow => id_allows.extend(cite(pol, i, s)),
                }
            }
        }
    }
    if let Some(pol) = rpolicy {
        for (i, s) in pol.doc.statements.iter().enumerate() {
            // Cheap element checks first: the principal check needs no allocation either.
            let Some(p) = &s.principal else { continue };
            let pm = if p.not { not_principal_applies(p, &caller).then_some(PrincipalMatch::Direct) } else { principal_match(p, &caller) };
            let Some(pm) = pm else { continue };
            if !applies(s, action, resource, &ctx)? {
                continue;
            }
            match (s.effect, pm) {
                // A Deny naming the caller's account applies to everyone in it.
                (Effect::Deny, _) => denies.extend(cite(pol, i, s)),
                (Effect::Allow, PrincipalMatch::Direct) => rp_direct.extend(cite(pol, i, s)),
                (Effect::Allow, PrincipalMatch::Account) => rp_account.extend(cite(pol, i, s)),
            }
        }
    }

    if !denies.is_empty() {
        return Ok(verdict(Outcome::ExplicitDeny, Why::ExplicitDeny, denies, Cited::default()));
    }

    let allow = |a: Cited, b: Cited, why: Why| verdict(Outcome::Allow, why, a, b);
    let implicit = |cited: Cited, why: Why| verdict(Outcome::ImplicitDeny, why, cited, Cited::default());

    let Some(caller_account) = caller.account() else {
        // Service principals have no identity policies: only a resource policy naming
        // the service can grant.
        return Ok(if !rp_direct.is_empty() {
            allow(Cited::default(), rp_direct, Why::ServiceAllowed)
        } else {
            implicit(Cited::default(), Why::ServiceNotAllowed)
        });
    };

    if caller_account == res_account {
        match kind {
            ResourceKind::Trust | ResourceKind::Key => {
                // DENYALLOW: trust and key policies must explicitly allow the principal;
                // naming the account only enables the account's IAM policies.
                if !rp_direct.is_empty() {
                    return Ok(allow(id_allows, rp_direct, Why::DirectlyAllowed));
                }
                if !rp_account.is_empty() && !id_allows.is_empty() {
                    return Ok(allow(id_allows, rp_account, Why::DelegatedAndAllowed));
                }
                if !rp_account.is_empty() {
                    return Ok(implicit(rp_account, Why::DelegatedNotAllowed));
                }
                Ok(implicit(id_allows, Why::NotNamed))
            }
            ResourceKind::Bucket | ResourceKind::None => {
                // EVAL: within one account, an allow in either the identity or the
                // resource policy suffices; naming only the account root grants nothing.
                if !id_allows.is_empty() || !rp_direct.is_empty() {
                    return Ok(allow(id_allows, rp_direct, Why::SameAccountAllowed));
                }
                let why = if rp_account.is_empty() { Why::SameAccountNothing } else { Why::SameAccountRootOnly };
                Ok(implicit(rp_account, why))
            }
        }
    } else {
        if kind == ResourceKind::Key && !KMS_CROSS_ACCOUNT.contains(&action_lc) {
            return Ok(implicit(Cited::default(), Why::KmsNotAcrossAccounts));
        }
        // XACCT: both the caller's account (identity policy) and the resource account
        // (resource policy, naming the caller or its account) must allow.
        let mut rp = rp_direct;
        rp.extend(rp_account);
        match (id_allows.is_empty(), rp.is_empty()) {
            (false, false) => Ok(allow(id_allows, rp, Why::CrossAccountAllowed)),
            (true, true) => Ok(implicit(Cited::default(), Why::CrossAccountNeither)),
            (true, false) => Ok(implicit(rp, Why::CrossAccountNoIdentity)),
            (false, true) => {
                Ok(implicit(id_allows, if rpolicy.is_none() { Why::CrossAccountNoPolicy } else { Why::CrossAccountNotAllowed }))
            }
        }
    }
}

/// A [`Decision`] with its reason still the rule that decided, for callers that format each reason once.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Verdict {
    /// Allow, ExplicitDeny or ImplicitDeny.
    pub outcome: Outcome,
    /// The rule that decided.
    pub rule: Rule,
    /// As [`Decision::statements`]; empty when the caller asked for none.
    pub statements: Vec<StatementRef>,
}

/// The rule that decided a request: with the request's action, it makes [`Decision::reason`]. Many requests are
/// decided by the same few rules, so a caller that decides many can keep one text per rule and action.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Rule {
    why: Why,
    /// The governing resource policy, as the reason names it.
    policy: &'static str,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
enum Why {
    ExplicitDeny,
    ServiceAllowed,
    ServiceNotAllowed,
    DirectlyAllowed,
    DelegatedAndAllowed,
    DelegatedNotAllowed,
    NotNamed,
    SameAccountAllowed,
    SameAccountNothing,
    SameAccountRootOnly,
    KmsNotAcrossAccounts,
    CrossAccountAllowed,
    CrossAccountNeither,
    CrossAccountNoIdentity,
    CrossAccountNoPolicy,
    CrossAccountNotAllowed,
}

impl Rule {
    /// The reason a decision by this rule gives for a request for `action`.
    pub fn reason(&self, action: &str) -> String {
        let policy = self.policy;
        match self.why {
            Why::ExplicitDeny => "explicit deny overrides any allow".to_owned(),
            Why::ServiceAllowed => format!("{policy} allows the service principal"),
            Why::ServiceNotAllowed => format!("{policy} does not allow this service principal"),
            Why::DirectlyAllowed => format!("{policy} allows this principal directly"),
            Why::DelegatedAndAllowed => format!("{policy} delegates to the account and an identity policy allows"),
            Why::DelegatedNotAllowed => format!("{policy} delegates to the account but no identity policy allows {action}"),
            Why::NotNamed => format!("{policy} does not allow this principal (an identity allow alone is not enough)"),
            Why::SameAccountAllowed => "same account: allowed by an identity or resource policy".to_owned(),
            Why::SameAccountNothing => format!("no identity policy allows {action} and no {policy} names this principal"),
            Why::SameAccountRootOnly => {
                format!("{policy} names only the account root (a delegation) and no identity policy allows {action}")
            }
            Why::KmsNotAcrossAccounts => format!("{action} cannot be used on a KMS key in another account"),
            Why::CrossAccountAllowed => "cross-account: identity policy and resource policy both allow".to_owned(),
            Why::CrossAccountNeither => format!("cross-account: neither an identity policy nor the {policy} allows"),
            Why::CrossAccountNoIdentity => format!("cross-account: no identity policy allows {action}"),
            Why::CrossAccountNoPolicy => format!("cross-account: there is no {policy} to allow it"),
            Why::CrossAccountNotAllowed => format!("cross-account: {policy} does not allow"),
        }
    }
}
