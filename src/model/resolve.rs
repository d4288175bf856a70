//! Concrete values for a module: what its symbolic ARNs become once it is deployed where it must be.
//!
//! Used where text is needed before deployment: the access evaluator and human-readable documents.
//! A KMS key's ID is chosen by AWS at creation, so a created key is given a stable stand-in ID
//! (`key/bucketbridge-<module>-<name>`), the same every time, which is all the evaluator needs: it compares ARNs
//! with each other, never with AWS.

use std::collections::HashMap;

use super::Module;
use super::resource::{Resource, ResourceId};
use super::value::{Attribute, Part, Value};

/// Resolves the symbolic parts of a module's values.
pub struct Resolver<'m> {
    module: &'m Module,
    /// Every resource, by identifier; its name and ARN are written out when a value asks for them. A 10,000-client
    /// module has 20,000 resources and a value names a handful: writing every name and ARN in advance, into a
    /// sorted map, took 13 to 41 ms per resolver on a busy host, this index 7 to 19 ms. Only looked up, never
    /// walked, so the map's order cannot reach the output.
    resources: HashMap<&'m ResourceId, Named<'m>>,
}

/// What a reference resolves against.
enum Named<'m> {
    /// A resource whose name the model chose.
    Resource(&'m Resource),
    /// A key the module creates, whose ID AWS chooses: the stand-in ID given to the resolver.
    Key(String),
}

impl<'m> Resolver<'m> {
    /// A resolver for `module`, deployed into its own account, region and partition, with stand-in IDs for the
    /// keys it creates ([`stand_in_key_id`]).
    pub fn new(module: &'m Module) -> Resolver<'m> {
        Resolver::with_key_ids(module, &|words| stand_in_key_id(&module.name, words))
    }

    /// A resolver that gives each key the module creates the ID `key_id` returns for the key's identifier words.
    pub fn with_key_ids(module: &'m Module, key_id: &dyn Fn(&[String]) -> String) -> Resolver<'m> {
        let resources = module
            .resources
            .iter()
            .map(|resource| {
                let named = match resource {
                    Resource::KmsKey(key) => Named::Key(key_id(&key.id.words)),
                    _ => Named::Resource(resource),
                };
                (resource.id(), named)
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
            Part::Region => self.region().to_owned(),
            Part::Ref(reference) => match self.resources.get(&reference.resource) {
                Some(named) => match reference.attribute {
                    Attribute::Arn => self.arn(named),
                    Attribute::Name | Attribute::KeyId => self.name(named).to_owned(),
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

    fn region(&self) -> &str {
        self.module.region.as_deref().unwrap_or_else(|| {
            panic!("internal error: module {} has no region but a value names one; please report this", self.module.name)
        })
    }

    /// A resource's name (a key's ID); a bucket policy has none.
    fn name<'n>(&self, named: &'n Named<'m>) -> &'n str {
        match named {
            Named::Key(key_id) => key_id,
            Named::Resource(resource) => match resource {
                Resource::Bucket(bucket) => &bucket.name,
                Resource::Role(role) => &role.name,
                Resource::ManagedPolicy(policy) => &policy.name,
                Resource::ExistingRole(role) => &role.name,
                Resource::InstanceProfile(profile) => &profile.name,
                Resource::KmsAlias(alias) => &alias.name,
                Resource::BucketPolicy(_) | Resource::KmsKey(_) => "",
            },
        }
    }

    /// A resource's ARN in the module's partition, account and region.
    fn arn(&self, named: &Named<'m>) -> String {
        let Module { partition, account, .. } = self.module;
        // A module without a region holds no regional resource, so the text is never used.
        let region = self.module.region.as_deref().unwrap_or_default();
        let name = self.name(named);
        match named {
            Named::Key(key_id) => format!("arn:{partition}:kms:{region}:{account}:key/{key_id}"),
            Named::Resource(resource) => match resource {
                Resource::Bucket(_) => format!("arn:{partition}:s3:::{name}"),
                Resource::Role(_) | Resource::ExistingRole(_) => format!("arn:{partition}:iam::{account}:role/{name}"),
                Resource::ManagedPolicy(_) => format!("arn:{partition}:iam::{account}:policy/{name}"),
                Resource::InstanceProfile(_) => format!("arn:{partition}:iam::{account}:instance-profile/{name}"),
                Resource::KmsAlias(_) => format!("arn:{partition}:kms:{region}:{account}:{name}"),
                Resource::BucketPolicy(policy) => format!("bucket policy {:?}", policy.id.words),
                Resource::KmsKey(_) => unreachable!("a key resolves to its stand-in ID"),
            },
        }
    }
}

/// The stand-in ID of a key that module `module` creates, named by the key's identifier words
/// (`bucketbridge-owner-this` for the module's main key). The readers of emitted targets use it too, so a key
/// has the same ARN whichever way its module was read.
pub fn stand_in_key_id(module: &str, words: &[String]) -> String {
    let name = if words.is_empty() { "this".to_owned() } else { words.join("-") };
    format!("bucketbridge-{module}-{name}")
}
