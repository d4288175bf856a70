//! Concrete values for a module: what its symbolic ARNs become once it is deployed where it must be.
//!
//! Used where text is needed before deployment: the access evaluator and human-readable documents.
//! A KMS key's ID is chosen by AWS at creation, so a created key is given a stable stand-in ID
//! (`key/bucketbridge-<module>-<name>`), the same every time, which is all the evaluator needs: it compares ARNs
//! with each other, never with AWS.

use std::collections::BTreeMap;

use super::Module;
use super::resource::{Resource, ResourceId};
use super::value::{Attribute, Part, Value};

/// Resolves the symbolic parts of a module's values.
pub struct Resolver<'m> {
    module: &'m Module,
    /// Name and ARN of every resource, by identifier.
    resources: BTreeMap<&'m ResourceId, (String, String)>,
}

impl<'m> Resolver<'m> {
    /// A resolver for `module`, deployed into its own account, region and partition, with stand-in IDs for the
    /// keys it creates ([`stand_in_key_id`]).
    pub fn new(module: &'m Module) -> Resolver<'m> {
        Resolver::with_key_ids(module, &|words| stand_in_key_id(&module.name, words))
    }

    /// A resolver that gives each key the module creates the ID `key_id` returns for the key's identifier words.
    pub fn with_key_ids(module: &'m Module, key_id: &dyn Fn(&[String]) -> String) -> Resolver<'m> {
        let partition = &module.partition;
        let account = &module.account;
        // A module without a region holds no regional resource, so the text is never used.
        let region = module.region.as_deref().unwrap_or_default();
        let resources = module
            .resources
            .iter()
            .map(|resource| {
                let (name, arn) = match resource {
                    Resource::Bucket(bucket) => (bucket.name.clone(), format!("arn:{partition}:s3:::{}", bucket.name)),
                    Resource::Role(role) => (role.name.clone(), format!("arn:{partition}:iam::{account}:role/{}", role.name)),
                    Resource::ManagedPolicy(policy) => {
                        (policy.name.clone(), format!("arn:{partition}:iam::{account}:policy/{}", policy.name))
                    }
                    Resource::ExistingRole(role) => (role.name.clone(), format!("arn:{partition}:iam::{account}:role/{}", role.name)),
                    Resource::InstanceProfile(profile) => {
                        (profile.name.clone(), format!("arn:{partition}:iam::{account}:instance-profile/{}", profile.name))
                    }
                    Resource::KmsKey(key) => {
                        let key_id = key_id(&key.id.words);
                        (key_id.clone(), format!("arn:{partition}:kms:{region}:{account}:key/{key_id}"))
                    }
                    Resource::KmsAlias(alias) => (alias.name.clone(), format!("arn:{partition}:kms:{region}:{account}:{}", alias.name)),
                    Resource::BucketPolicy(policy) => (String::new(), format!("bucket policy {:?}", policy.id.words)),
                };
                (resource.id(), (name, arn))
            })
            .collect();
        Resolver { module, resources }
    }

    /// The concrete text of one symbolic part.
    pub fn part(&self, part: &Part) -> String {
        match part {
            Part::Literal(text) => text.clone(),
            Part::Partition => self.module.partition.clone(),
            Part::AccountId => self.module.account.clone(),
            Part::Region => self.module.region.clone().unwrap_or_else(|| {
                panic!("internal error: module {} has no region but a value names one; please report this", self.module.name)
            }),
            Part::Ref(reference) => match self.resources.get(&reference.resource) {
                Some((name, arn)) => match reference.attribute {
                    Attribute::Arn => arn.clone(),
                    Attribute::Name | Attribute::KeyId => name.clone(),
                },
                None => panic!(
                    "internal error: a value refers to {:?}, which module {} does not create; please report this",
                    reference.resource, self.module.name
                ),
            },
        }
    }

    /// The concrete text of a value.
    pub fn value(&self, value: &Value) -> String {
        value.resolve(&|part| self.part(part))
    }
}

/// The stand-in ID of a key that module `module` creates, named by the key's identifier words
/// (`bucketbridge-owner-this` for the module's main key). The readers of emitted targets use it too, so a key
/// has the same ARN whichever way its module was read.
pub fn stand_in_key_id(module: &str, words: &[String]) -> String {
    let name = if words.is_empty() { "this".to_owned() } else { words.join("-") };
    format!("bucketbridge-{module}-{name}")
}
