//! The access paths each scenario declares: who is meant to reach which bucket, through which role, with what.
//!
//! They are derived from the blueprint, not from the generated policies, so that the access matrix can check
//! the policies against them. Role and key ARNs are resolved from the built modules, which is where their
//! names are decided.

use crate::blueprint::{BucketKeyChoice, CrossAccount, DocrootBucket, Ec2Docroot, KmsBucket};
use crate::model::resolve::Resolver;
use crate::model::resource::Resource;
use crate::model::value::Attribute;
use crate::model::{AccessPath, Caller, Module};

/// The stand-in bucket an every-bucket instance role is checked against: its policy names no bucket, so any
/// bucket of the account stands for all of them.
pub const ANY_BUCKET: &str = "any-bucket-in-the-account";

/// The concrete ARN of the role named `name` that `module` creates.
fn role_arn(module: &Module, name: &str) -> String {
    let resolver = Resolver::new(module);
    module
        .resources
        .iter()
        .find_map(|resource| match resource {
            Resource::Role(role) if role.name == name => Some(resolver.value(&role.id.attribute(Attribute::Arn))),
            _ => None,
        })
        .unwrap_or_else(|| panic!("internal error: module {} does not create role {name}; please report this", module.name))
}

/// The concrete ARN of the key `module` creates, if it creates one.
fn created_key_arn(module: &Module) -> Option<String> {
    let resolver = Resolver::new(module);
    module.resources.iter().find_map(|resource| match resource {
        Resource::KmsKey(key) => Some(resolver.value(&key.id.attribute(Attribute::Arn))),
        _ => None,
    })
}

fn only_module(modules: &[Module]) -> &Module {
    modules.first().unwrap_or_else(|| panic!("internal error: a scenario built no module; please report this"))
}

/// `ec2-docroot`: EC2 instances of the owner's account, through the instance role, inside the trust window.
pub fn ec2_docroot(scenario: &Ec2Docroot, modules: &[Module]) -> Vec<AccessPath> {
    let module = only_module(modules);
    let grant = super::ec2_docroot::grant(scenario);
    let bucket = match &scenario.bucket {
        DocrootBucket::Existing { name } | DocrootBucket::Create { name } => name.clone(),
        DocrootBucket::Every => ANY_BUCKET.to_owned(),
    };
    vec![AccessPath {
        name: "EC2 instances".to_owned(),
        caller: Caller::Service {
            service: "ec2.amazonaws.com".to_owned(),
            window: scenario.trust.as_ref().map(|trust| (trust.not_before.clone(), trust.not_after.clone())),
        },
        role_arn: role_arn(module, &scenario.role_name),
        external_id: None,
        bucket,
        bucket_owner: scenario.owner.account.clone(),
        region: scenario.owner.region.clone(),
        prefix: scenario.prefix.clone(),
        capabilities: scenario.capabilities.clone(),
        grant,
        kms_key_arn: None,
    }]
}

/// `kms-bucket`: the SaaS's role, through the access role with its external ID, on the bucket and its key.
pub fn kms_bucket(scenario: &KmsBucket, modules: &[Module]) -> Vec<AccessPath> {
    let module = only_module(modules);
    let kms_key_arn = match &scenario.key {
        BucketKeyChoice::Create { .. } => created_key_arn(module),
        BucketKeyChoice::Existing { key_arn } => Some(key_arn.clone()),
    };
    vec![AccessPath {
        name: "the SaaS role".to_owned(),
        caller: Caller::Role { arn: scenario.saas.role_arn.clone() },
        role_arn: role_arn(module, &scenario.role_name),
        external_id: Some(scenario.saas.external_id.clone()),
        bucket: scenario.bucket.clone(),
        bucket_owner: scenario.owner.account.clone(),
        region: scenario.owner.region.clone(),
        prefix: None,
        capabilities: scenario.capabilities.clone(),
        grant: super::kms_bucket::grant(scenario),
        kms_key_arn,
    }]
}

/// `cross-account`: the cluster manager's node role, through the S3 account's role, on each bucket.
pub fn cross_account(scenario: &CrossAccount, modules: &[Module]) -> Vec<AccessPath> {
    let s3_module = modules
        .iter()
        .find(|module| module.account == scenario.s3_account.account)
        .unwrap_or_else(|| panic!("internal error: cross-account built no module for the S3 account; please report this"));
    let manager = &scenario.cluster_manager;
    let partition = &s3_module.partition;
    let node_role = format!("arn:{partition}:iam::{}:role/{}", manager.account, manager.node_role);
    let role_arn = role_arn(s3_module, &scenario.s3_account.role_name);
    scenario
        .s3_account
        .buckets
        .iter()
        .map(|bucket| AccessPath {
            name: format!("{} on {}", manager.node_role, bucket.name),
            caller: Caller::Role { arn: node_role.clone() },
            role_arn: role_arn.clone(),
            external_id: scenario.s3_account.external_id.clone(),
            bucket: bucket.name.clone(),
            bucket_owner: scenario.s3_account.account.clone(),
            region: scenario.s3_account.region.clone(),
            prefix: bucket.prefix.clone(),
            capabilities: bucket.capabilities.clone(),
            grant: super::cross_account::bucket_grant(bucket),
            kms_key_arn: None,
        })
        .collect()
}
