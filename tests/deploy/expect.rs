//! What a deployed module must hold, taken from bucketbridge's own model and resolved for the module's
//! account, region and partition (`model::resolve::Resolver`), as JSON for `deploy.py` to compare with.
//!
//! Nothing here is copied from the golden files by hand: a change to the model changes the expectations.
//! KMS key IDs are chosen by AWS, so keys carry the resolver's stand-in ARN and ID, which `deploy.py` maps
//! to the deployed key through the key's alias (or its description) before comparing.

use bucketbridge::emit::terraform::label;
use bucketbridge::model::policy::PolicyDocument;
use bucketbridge::model::resolve::Resolver;
use bucketbridge::model::resource::{BucketEncryption, Resource, ResourceId};
use bucketbridge::model::value::Attribute;
use bucketbridge::model::{Deployment, Module};
use serde_json::{Value, json};

/// A policy document in AWS's JSON form, resolved for the module.
pub fn policy(resolver: &Resolver, document: &PolicyDocument) -> Value {
    serde_json::to_value(document.to_aws_json(&|part| resolver.part(part))).expect("policy documents serialize")
}

/// The expectations of one module of a deployment.
pub fn module(deployment: &Deployment, module: &Module) -> Value {
    let resolver = Resolver::new(module);
    let mut buckets = Vec::new();
    let mut roles = Vec::new();
    let mut managed_policies = Vec::new();
    let mut kms_keys = Vec::new();
    let mut kms_aliases = Vec::new();
    let mut instance_profiles = Vec::new();
    let mut prerequisite_roles = Vec::new();
    let arn = |id: &ResourceId| resolver.value(&id.attribute(Attribute::Arn));
    for resource in &module.resources {
        match resource {
            Resource::Bucket(bucket) => {
                let encryption = match &bucket.encryption {
                    BucketEncryption::S3Managed => {
                        json!({"sse_algorithm": "AES256", "kms_master_key_id": null, "bucket_key_enabled": false})
                    }
                    BucketEncryption::Kms { key_arn, bucket_key } => {
                        json!({"sse_algorithm": "aws:kms", "kms_master_key_id": resolver.value(key_arn), "bucket_key_enabled": bucket_key})
                    }
                };
                let block = bucket.public_access_block;
                let policy = module.resources.iter().find_map(|other| match other {
                    Resource::BucketPolicy(attached) if attached.bucket == bucket.id => Some(policy(&resolver, &attached.document)),
                    _ => None,
                });
                buckets.push(json!({
                    "name": bucket.name,
                    "terraform_address": format!("aws_s3_bucket.{}", label(&bucket.id)),
                    "encryption": encryption,
                    "public_access_block": {
                        "BlockPublicAcls": block.block_public_acls,
                        "IgnorePublicAcls": block.ignore_public_acls,
                        "BlockPublicPolicy": block.block_public_policy,
                        "RestrictPublicBuckets": block.restrict_public_buckets,
                    },
                    "object_ownership": bucket.object_ownership.as_str(),
                    "versioning": bucket.versioning,
                    "logging": bucket.logging.as_ref().map(|logging| json!({
                        "target_bucket": resolver.value(&logging.target_bucket),
                        "target_prefix": logging.target_prefix,
                    })),
                    "retain": bucket.retain_on_delete,
                    "tags": bucket.tags,
                    "policy": policy,
                }));
            }
            Resource::BucketPolicy(_) => {}
            Resource::Role(role) => {
                let attached: Vec<&str> = module
                    .resources
                    .iter()
                    .filter_map(|other| match other {
                        Resource::ManagedPolicy(managed) if resolver.value(&managed.attached_role) == role.name => {
                            Some(managed.name.as_str())
                        }
                        _ => None,
                    })
                    .collect();
                roles.push(json!({
                    "name": role.name,
                    "arn": arn(&role.id),
                    "description": role.description,
                    "max_session_duration": role.max_session_duration,
                    "tags": role.tags,
                    "trust_policy": policy(&resolver, &role.trust_policy),
                    "attached_policies": attached,
                }));
            }
            Resource::ManagedPolicy(managed) => managed_policies.push(json!({
                "name": managed.name,
                "description": managed.description,
                "tags": managed.tags,
                "document": policy(&resolver, &managed.document),
                "attached_roles": [resolver.value(&managed.attached_role)],
            })),
            Resource::KmsKey(key) => {
                let stand_in_arn = arn(&key.id);
                let aliases: Vec<&str> = module
                    .resources
                    .iter()
                    .filter_map(|other| match other {
                        Resource::KmsAlias(alias) if alias.target_key == key.id => Some(alias.name.as_str()),
                        _ => None,
                    })
                    .collect();
                kms_keys.push(json!({
                    "stand_in_id": stand_in_arn.rsplit('/').next().expect("key ARNs end in key/ID"),
                    "stand_in_arn": stand_in_arn,
                    "terraform_address": format!("aws_kms_key.{}", label(&key.id)),
                    "description": key.description,
                    "rotation": key.rotation,
                    "policy": policy(&resolver, &key.key_policy),
                    "retain": key.retain_on_delete,
                    "tags": key.tags,
                    "aliases": aliases,
                }));
            }
            // A role the module attaches a policy to without creating it must exist before deployment.
            Resource::ExistingRole(role) => prerequisite_roles.push(role.name.clone()),
            Resource::KmsAlias(alias) => kms_aliases.push(json!({"name": alias.name, "target_key_arn": arn(&alias.target_key)})),
            Resource::InstanceProfile(profile) => {
                let role = module.resources.iter().find_map(|other| match other {
                    Resource::Role(role) if role.id == profile.role => Some(role.name.as_str()),
                    _ => None,
                });
                instance_profiles
                    .push(json!({"name": profile.name, "roles": [role.expect("an instance profile's role is in its module")]}));
            }
        }
    }
    // A log bucket the module does not create must exist before it is deployed, as its README says.
    let created: Vec<String> = buckets.iter().map(|bucket| bucket["name"].as_str().unwrap_or_default().to_owned()).collect();
    let prerequisite_buckets: Vec<Value> = buckets
        .iter()
        .filter_map(|bucket| {
            let logging = bucket["logging"].as_object()?;
            let target = logging["target_bucket"].as_str()?;
            (!created.iter().any(|name| name == target)).then(|| json!({"name": target, "log_prefix": logging["target_prefix"]}))
        })
        .collect();
    json!({
        "blueprint": deployment.name,
        "prerequisite_buckets": prerequisite_buckets,
        "prerequisite_roles": prerequisite_roles,
        "module": module.name,
        "account": module.account,
        // An IAM-only module guards no region; the emulator's clients still need one.
        "region": module.region.clone().unwrap_or_else(|| "us-east-1".to_owned()),
        "guards_region": module.region.is_some(),
        "partition": module.partition,
        "buckets": buckets,
        "roles": roles,
        "managed_policies": managed_policies,
        "kms_keys": kms_keys,
        "kms_aliases": kms_aliases,
        "instance_profiles": instance_profiles,
    })
}
