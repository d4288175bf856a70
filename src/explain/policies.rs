//! What one module grants, as concrete AWS JSON policy documents: the evaluator's input, whoever read it.
//!
//! [`ModulePolicies`] is filled from the model ([`from_model`]), or from an emitted target by the readers in
//! [`super::from_cloudformation`] and [`super::from_terraform`]. [`super::world_from_policies`] then builds an
//! evaluator world from any of them the same way, so the three access matrices differ only where what was read
//! differs.

use std::collections::BTreeMap;
use std::fmt;

use serde_json::Value as Json;

use crate::model::Module;
use crate::model::policy::PolicyDocument;
use crate::model::resolve::Resolver;
use crate::model::resource::Resource;
use crate::model::value::Attribute;

/// Where a module is deployed: what CloudFormation's pseudo-parameters and Terraform's `aws_partition`,
/// `aws_caller_identity` and `aws_region` data sources return there.
///
/// The module's name (its template's file name, its Terraform folder) is part of it too: it names the policies
/// in decisions and the stand-in IDs of the keys the module creates.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Environment {
    /// The module's name (`owner`).
    pub module: String,
    /// The account it is deployed into.
    pub account: String,
    /// The region it is deployed into.
    pub region: String,
    /// That region's partition.
    pub partition: String,
}

impl Environment {
    /// The environment a model module is generated for: its own account, region and partition.
    pub fn of(module: &Module) -> Environment {
        Environment {
            module: module.name.clone(),
            account: module.account.clone(),
            // A module without a region (IAM only) has nothing regional to resolve; the empty region is never used.
            region: module.region.clone().unwrap_or_default(),
            partition: module.partition.clone(),
        }
    }

    /// The stand-in ID of a key the module creates, named by its identifier words, as the model's resolver gives
    /// it: AWS chooses the real ID at creation, and the evaluator only compares ARNs with each other.
    pub fn stand_in_key_id(&self, words: &[String]) -> String {
        crate::model::resolve::stand_in_key_id(&self.module, words)
    }

    /// The ARN of a key the module creates with this ID.
    pub fn key_arn(&self, key_id: &str) -> String {
        format!("arn:{}:kms:{}:{}:key/{key_id}", self.partition, self.region, self.account)
    }

    /// The ARN of an IAM entity of the module's account (`role/NAME`, `policy/NAME`).
    pub fn iam_arn(&self, kind_and_name: &str) -> String {
        format!("arn:{}:iam::{}:{kind_and_name}", self.partition, self.account)
    }

    /// The ARN of a bucket.
    pub fn bucket_arn(&self, bucket: &str) -> String {
        format!("arn:{}:s3:::{bucket}", self.partition)
    }
}

/// The policies of one module, with every value concrete.
///
/// The documents are AWS JSON (`D` is [`Json`]) except where the matrix reads a model's module: there they stay
/// the model's documents until a path needs them, so a large module's policies are never all in memory at once.
#[derive(Clone, Debug, PartialEq)]
pub struct ModulePolicies<D = Json> {
    /// The module's name.
    pub module: String,
    /// The account it is deployed into, which owns its buckets.
    pub account: String,
    /// Roles the module creates, in module order.
    pub roles: Vec<RolePolicies<D>>,
    /// Buckets the module creates, in module order.
    pub buckets: Vec<BucketPolicies<D>>,
    /// KMS keys the module creates, in module order.
    pub keys: Vec<KeyPolicies<D>>,
}

impl ModulePolicies {
    /// Attaches an emitted bucket policy to the bucket it names; `path` locates the policy's bucket argument.
    ///
    /// # Errors
    ///
    /// Fails when the module does not create that bucket, or when the bucket already has a policy: a reader that
    /// kept either would grant what the file does not say.
    pub fn attach_bucket_policy(&mut self, bucket_name: String, document: Json, path: &str) -> Result<(), ReadError> {
        let bucket = self
            .buckets
            .iter_mut()
            .find(|candidate| candidate.name == bucket_name)
            .ok_or_else(|| ReadError::new(path, ReadErrorKind::UnknownReference(bucket_name.clone())))?;
        if bucket.policy.is_some() {
            return Err(ReadError::new(path, ReadErrorKind::Duplicate(format!("bucket policy of {bucket_name}"))));
        }
        bucket.policy = Some(document);
        Ok(())
    }
}

/// A role and the policies that decide what its sessions may do.
#[derive(Clone, Debug, PartialEq)]
pub struct RolePolicies<D = Json> {
    /// The role name.
    pub name: String,
    /// The role ARN.
    pub arn: String,
    /// The trust policy.
    pub trust_policy: D,
    /// Managed policies attached to it, in module order.
    pub policies: Vec<NamedPolicy<D>>,
}

/// A managed policy.
#[derive(Clone, Debug, PartialEq)]
pub struct NamedPolicy<D = Json> {
    /// The policy name.
    pub name: String,
    /// The document.
    pub document: D,
}

/// A bucket and its bucket policy.
#[derive(Clone, Debug, PartialEq)]
pub struct BucketPolicies<D = Json> {
    /// The bucket name.
    pub name: String,
    /// The bucket policy, if the module attaches one.
    pub policy: Option<D>,
}

/// A KMS key and its key policy.
#[derive(Clone, Debug, PartialEq)]
pub struct KeyPolicies<D = Json> {
    /// The key ARN (with a stand-in key ID).
    pub arn: String,
    /// The key policy.
    pub key_policy: D,
}

/// A policy of a model module, not yet turned into AWS JSON: the module's document, or `None` for the empty
/// trust policy of a role the module does not create ([`existing_role`]).
pub type ModelDocument<'m> = Option<&'m PolicyDocument>;

/// The policies of a model module, resolved for its own account.
///
/// A managed policy attached to a role the module does not create is left out, as is a bucket policy of a
/// bucket it does not create: the evaluator's world holds only what the module makes.
pub fn from_model(module: &Module) -> ModulePolicies {
    let resolver = Resolver::new(module);
    let json = |document: ModelDocument<'_>| match document {
        Some(document) => serde_json::to_value(document.to_aws_json(&|part| resolver.part(part)))
            .unwrap_or_else(|error| panic!("internal error: a policy document does not serialize ({error}); please report this")),
        None => empty_policy(),
    };
    let model = from_model_unconverted(module, &resolver);
    ModulePolicies {
        module: model.module,
        account: model.account,
        roles: model
            .roles
            .into_iter()
            .map(|role| RolePolicies {
                name: role.name,
                arn: role.arn,
                trust_policy: json(role.trust_policy),
                policies: role
                    .policies
                    .into_iter()
                    .map(|policy| NamedPolicy { name: policy.name, document: json(policy.document) })
                    .collect(),
            })
            .collect(),
        buckets: model.buckets.into_iter().map(|bucket| BucketPolicies { name: bucket.name, policy: bucket.policy.map(&json) }).collect(),
        keys: model.keys.into_iter().map(|key| KeyPolicies { arn: key.arn, key_policy: json(key.key_policy) }).collect(),
    }
}

/// What [`from_model`] reads from a module, with each document left as the model's: the caller turns each into
/// JSON when it needs it, with `resolver` (the module's).
pub fn from_model_unconverted<'m>(module: &'m Module, resolver: &Resolver<'m>) -> ModulePolicies<ModelDocument<'m>> {
    let environment = Environment::of(module);
    let mut policies = ModulePolicies {
        module: module.name.clone(),
        account: module.account.clone(),
        roles: Vec::new(),
        buckets: Vec::new(),
        keys: Vec::new(),
    };
    for resource in &module.resources {
        match resource {
            Resource::Role(role) => policies.roles.push(RolePolicies {
                name: role.name.clone(),
                arn: resolver.value(&role.id.attribute(Attribute::Arn)),
                trust_policy: Some(&role.trust_policy),
                policies: Vec::new(),
            }),
            Resource::ExistingRole(role) => policies.roles.push(existing_role_with(&environment, &role.name, None)),
            Resource::Bucket(bucket) => policies.buckets.push(BucketPolicies { name: bucket.name.clone(), policy: None }),
            Resource::KmsKey(key) => policies
                .keys
                .push(KeyPolicies { arn: resolver.value(&key.id.attribute(Attribute::Arn)), key_policy: Some(&key.key_policy) }),
            _ => {}
        }
    }
    // Indexed by name, so attaching a thousand clients' policies stays linear.
    let roles: BTreeMap<String, usize> = policies.roles.iter().enumerate().map(|(index, role)| (role.name.clone(), index)).collect();
    let buckets: BTreeMap<String, usize> =
        policies.buckets.iter().enumerate().map(|(index, bucket)| (bucket.name.clone(), index)).collect();
    for resource in &module.resources {
        match resource {
            Resource::ManagedPolicy(policy) => {
                if let Some(&index) = roles.get(&resolver.value(&policy.attached_role)) {
                    policies.roles[index].policies.push(NamedPolicy { name: policy.name.clone(), document: Some(&policy.document) });
                }
            }
            Resource::BucketPolicy(policy) => {
                if let Some(&index) = buckets.get(&resolver.value(&policy.bucket.attribute(Attribute::Name))) {
                    policies.buckets[index].policy = Some(Some(&policy.document));
                }
            }
            _ => {}
        }
    }
    policies
}

/// A role the module attaches policies to but does not create: its trust policy is not the module's, so it holds
/// no statement here, and only the attached policies speak for it.
pub fn existing_role(environment: &Environment, name: &str) -> RolePolicies {
    existing_role_with(environment, name, empty_policy())
}

/// [`existing_role`] with its empty trust policy in the caller's form.
fn existing_role_with<D>(environment: &Environment, name: &str, trust_policy: D) -> RolePolicies<D> {
    RolePolicies {
        name: name.to_owned(),
        arn: format!("arn:{}:iam::{}:role/{name}", environment.partition, environment.account),
        trust_policy,
        policies: Vec::new(),
    }
}

/// A policy document without statements, as AWS JSON.
pub fn empty_policy() -> Json {
    serde_json::json!({"Version": "2012-10-17", "Statement": []})
}

/// A construct in an emitted file that a reader cannot turn into policies.
///
/// The readers fail closed: anything that might change access and that they do not read (an unknown resource
/// type, an inline policy, a condition on a resource) is an error, never skipped.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ReadError {
    /// Where, as a path into the file (`Resources.AcmeRole.Properties.Policies`,
    /// `main.tf: resource.aws_iam_role.acme.inline_policy`).
    pub path: String,
    /// What is wrong there.
    pub kind: ReadErrorKind,
}

/// What a reader could not read.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ReadErrorKind {
    /// The file does not parse; the parser's message.
    Syntax(String),
    /// A resource or data source type the reader does not know.
    UnknownType(String),
    /// An element that may change access and that the reader does not model.
    Unmodelled(String),
    /// An expression form the reader does not evaluate (an intrinsic function, a Terraform function), or one
    /// that does not evaluate; the detail.
    Expression(String),
    /// A reference to something the file does not create.
    UnknownReference(String),
    /// A required element is missing.
    Missing(&'static str),
    /// A value of the wrong shape; what was expected.
    WrongShape(&'static str),
    /// Two elements where one is allowed.
    Duplicate(String),
}

impl ReadError {
    /// An error at `path`.
    pub fn new(path: impl Into<String>, kind: ReadErrorKind) -> ReadError {
        ReadError { path: path.into(), kind }
    }
}

impl fmt::Display for ReadError {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(formatter, "{}: ", self.path)?;
        match &self.kind {
            ReadErrorKind::Syntax(message) => write!(formatter, "does not parse: {message}"),
            ReadErrorKind::UnknownType(kind) => write!(formatter, "no reader for type `{kind}`"),
            ReadErrorKind::Unmodelled(what) => write!(formatter, "`{what}` may change access and is not read"),
            ReadErrorKind::Expression(detail) => write!(formatter, "expression not evaluated: {detail}"),
            ReadErrorKind::UnknownReference(name) => write!(formatter, "refers to `{name}`, which the file does not create"),
            ReadErrorKind::Missing(what) => write!(formatter, "missing `{what}`"),
            ReadErrorKind::WrongShape(expected) => write!(formatter, "expected {expected}"),
            ReadErrorKind::Duplicate(what) => write!(formatter, "`{what}` is given twice"),
        }
    }
}

impl std::error::Error for ReadError {}
