//! The CloudFormation emitter: one YAML template per module.
//!
//! A translation of the model: resources map to CloudFormation resource types, values to `!Ref`, `!GetAtt`
//! and `!Sub`, policy documents to `PolicyDocument` maps. The wrong-account guard is a template `Rules`
//! assertion on `AWS::AccountId` and `AWS::Region`, which CloudFormation checks before it creates anything, and
//! a second one that needs no `Rules` support: a condition that looks the account and region up in the
//! template's `Mappings`, which fails the stack operation anywhere else, also before anything is created.

pub mod template;

use std::collections::BTreeMap;

use crate::model::policy::{POLICY_VERSION, PolicyDocument, Principal};
use crate::model::resource::{BucketEncryption, Resource as ModelResource, ResourceId, ResourceKind, Tags, pascal_case};
use crate::model::value::{Attribute, Part, Value};
use crate::model::{Deployment, Module};

use template::{Assertion, Export, Intrinsic, Node, OrderedMap, Output, Resource, Rule, Template};

/// The template for one module, as YAML text with the generated-file header.
pub fn emit(deployment: &Deployment, module: &Module) -> String {
    let values = Values::new(module);
    // CloudFormation has no lookups: an existing resource is written wherever it is referred to, by name.
    let created = module.resources.iter().filter(|resource| !matches!(resource, ModelResource::ExistingRole(_)));
    let (rule, assertions) = match &module.region {
        Some(_) => ("DeployOnlyToTheBlueprintAccountAndRegion", account_guard(module)),
        None => ("DeployOnlyToTheBlueprintAccount", account_guard(module)),
    };
    let template = Template {
        format_version: "2010-09-09",
        description: format!("{} (bucketbridge blueprint {}, module {})", module.description, deployment.name, module.name),
        rules: OrderedMap::new().with(rule, assertions),
        mappings: OrderedMap::new().with(TARGET_MAPPING, target_mapping(module)),
        conditions: OrderedMap::new().with(TARGET_CONDITION, target_condition(module)),
        resources: OrderedMap(created.map(|resource| (logical_id(resource.id()), translate(resource, &values))).collect()),
        outputs: OrderedMap(
            module
                .outputs
                .iter()
                .map(|output| {
                    let id = output_id(&output.words);
                    let value = Output {
                        condition: None,
                        description: output.description.clone(),
                        value: values.value(&output.value),
                        export: Some(Export { name: Node::Function(Intrinsic::Sub(format!("${{AWS::StackName}}-{id}"))) }),
                    };
                    (id, value)
                })
                .chain([target_output(module)])
                .collect(),
        ),
    };
    let yaml = serde_yaml::to_string(&template)
        .unwrap_or_else(|error| panic!("internal error: template does not serialize ({error}); please report this"));
    format!("{}{yaml}", crate::emit::hash_comment_header(deployment))
}

/// The mapping that holds the one account (and region) a template is for.
const TARGET_MAPPING: &str = "BlueprintTarget";
/// The condition that looks the stack's account and region up in [`TARGET_MAPPING`].
const TARGET_CONDITION: &str = "DeployedWhereTheBlueprintSays";
/// The top-level key of [`TARGET_MAPPING`] for a module without a region.
const ANY_REGION: &str = "AnyRegion";

/// `BlueprintTarget: { <region>: { <account>: deploy } }`. Second-level keys must be alphanumeric, so the account
/// (twelve digits) is the second-level key and the region (with hyphens) the top-level one.
fn target_mapping(module: &Module) -> OrderedMap<OrderedMap<String>> {
    let region = module.region.as_deref().unwrap_or(ANY_REGION);
    OrderedMap::new().with(region, OrderedMap::new().with(module.account.clone(), "deploy".to_owned()))
}

/// Looks the stack's region and account up in [`TARGET_MAPPING`]. Anywhere but the blueprint's account and
/// region the lookup has no entry, and CloudFormation fails the stack operation with "Unable to get mapping"
/// before it creates anything; this is the guard for tools that evaluate conditions but not `Rules` (moto).
fn target_condition(module: &Module) -> Node {
    let region = match module.region {
        Some(_) => Node::Function(Intrinsic::Ref("AWS::Region".into())),
        None => Node::string(ANY_REGION),
    };
    let lookup = Node::Function(Intrinsic::FindInMap(vec![
        Node::string(TARGET_MAPPING),
        region,
        Node::Function(Intrinsic::Ref("AWS::AccountId".into())),
    ]));
    Node::Function(Intrinsic::Equals(vec![lookup, Node::string("deploy")]))
}

/// An output under [`TARGET_CONDITION`], so that the condition is part of the template's meaning (CloudFormation
/// evaluates every condition; linters flag one nothing uses): where the stack was deployed.
fn target_output(module: &Module) -> (String, Output) {
    let value = match module.region {
        Some(_) => "${AWS::AccountId} ${AWS::Region}",
        None => "${AWS::AccountId}",
    };
    let output = Output {
        condition: Some(TARGET_CONDITION.to_owned()),
        description: "The account (and region) the stack is deployed in, which the template's guards allow".to_owned(),
        value: Node::Function(Intrinsic::Sub(value.to_owned())),
        export: None,
    };
    ("BlueprintTarget".to_owned(), output)
}

/// Fails stack creation before any resource exists when the stack is not in the blueprint's account, or not in its
/// region when the module has one.
fn account_guard(module: &Module) -> Rule {
    let mut assertions = vec![Assertion {
        assert: Node::Function(Intrinsic::Equals(vec![
            Node::Function(Intrinsic::Ref("AWS::AccountId".into())),
            Node::string(&module.account),
        ])),
        description: format!("This template is generated for account {}; deploy it there.", module.account),
    }];
    if let Some(region) = &module.region {
        assertions.push(Assertion {
            assert: Node::Function(Intrinsic::Equals(vec![Node::Function(Intrinsic::Ref("AWS::Region".into())), Node::string(region)])),
            description: format!("This template is generated for region {region}; deploy it there."),
        });
    }
    Rule { assertions }
}

/// The logical ID of a resource: its name in PascalCase followed by its kind (`AcmeRole`, `LogBucket`).
pub fn logical_id(id: &ResourceId) -> String {
    let kind = match id.kind {
        ResourceKind::Bucket => "Bucket",
        ResourceKind::BucketPolicy => "BucketPolicy",
        ResourceKind::Role => "Role",
        ResourceKind::ManagedPolicy => "Policy",
        ResourceKind::KmsKey => "KmsKey",
        ResourceKind::KmsAlias => "KmsAlias",
        ResourceKind::InstanceProfile => "InstanceProfile",
        ResourceKind::ExistingRole => "ExistingRole",
    };
    format!("{}{kind}", pascal_case(&id.words))
}

/// The logical ID of an output (`S3BucketArn`).
pub fn output_id(words: &[String]) -> String {
    pascal_case(words)
}

fn translate(resource: &ModelResource, values: &Values<'_>) -> Resource {
    let retain = |keep: bool| keep.then_some("Retain");
    match resource {
        ModelResource::Bucket(bucket) => {
            let mut properties = OrderedMap::new().with("BucketName", Node::string(&bucket.name));
            let default = match &bucket.encryption {
                BucketEncryption::S3Managed => Node::map([("SSEAlgorithm", Node::string("AES256"))]),
                BucketEncryption::Kms { key_arn, .. } => {
                    Node::map([("SSEAlgorithm", Node::string("aws:kms")), ("KMSMasterKeyID", values.value(key_arn))])
                }
            };
            let mut rule = OrderedMap::new().with("ServerSideEncryptionByDefault", default);
            if let BucketEncryption::Kms { bucket_key, .. } = &bucket.encryption {
                rule.insert("BucketKeyEnabled", Node::Bool(*bucket_key));
            }
            properties.insert("BucketEncryption", Node::map([("ServerSideEncryptionConfiguration", Node::List(vec![Node::Map(rule)]))]));
            let block = &bucket.public_access_block;
            properties.insert(
                "PublicAccessBlockConfiguration",
                Node::map([
                    ("BlockPublicAcls", Node::Bool(block.block_public_acls)),
                    ("BlockPublicPolicy", Node::Bool(block.block_public_policy)),
                    ("IgnorePublicAcls", Node::Bool(block.ignore_public_acls)),
                    ("RestrictPublicBuckets", Node::Bool(block.restrict_public_buckets)),
                ]),
            );
            properties.insert(
                "OwnershipControls",
                Node::map([("Rules", Node::List(vec![Node::map([("ObjectOwnership", Node::string(bucket.object_ownership.as_str()))])]))]),
            );
            if bucket.versioning {
                properties.insert("VersioningConfiguration", Node::map([("Status", Node::string("Enabled"))]));
            }
            if let Some(logging) = &bucket.logging {
                properties.insert(
                    "LoggingConfiguration",
                    Node::map([
                        ("DestinationBucketName", values.value(&logging.target_bucket)),
                        ("LogFilePrefix", Node::string(&logging.target_prefix)),
                    ]),
                );
            }
            insert_tags(&mut properties, &bucket.tags);
            Resource {
                deletion_policy: retain(bucket.retain_on_delete),
                update_replace_policy: retain(bucket.retain_on_delete),
                resource_type: "AWS::S3::Bucket",
                properties,
            }
        }
        ModelResource::BucketPolicy(policy) => Resource {
            deletion_policy: None,
            update_replace_policy: None,
            resource_type: "AWS::S3::BucketPolicy",
            properties: OrderedMap::new()
                .with("Bucket", values.value(&policy.bucket.attribute(Attribute::Name)))
                .with("PolicyDocument", policy_document(&policy.document, values)),
        },
        ModelResource::Role(role) => {
            let mut properties = OrderedMap::new()
                .with("RoleName", Node::string(&role.name))
                .with("Description", Node::string(&role.description))
                .with("AssumeRolePolicyDocument", policy_document(&role.trust_policy, values))
                .with("MaxSessionDuration", Node::Integer(role.max_session_duration.into()));
            insert_tags(&mut properties, &role.tags);
            Resource { deletion_policy: None, update_replace_policy: None, resource_type: "AWS::IAM::Role", properties }
        }
        ModelResource::ManagedPolicy(policy) => Resource {
            deletion_policy: None,
            update_replace_policy: None,
            resource_type: "AWS::IAM::ManagedPolicy",
            // AWS::IAM::ManagedPolicy takes no tags, so the model's tags have nowhere to go here.
            properties: OrderedMap::new()
                .with("ManagedPolicyName", Node::string(&policy.name))
                .with("Description", Node::string(&policy.description))
                .with("PolicyDocument", policy_document(&policy.document, values))
                .with("Roles", Node::List(vec![values.value(&policy.attached_role)])),
        },
        ModelResource::KmsKey(key) => {
            let mut properties = OrderedMap::new()
                .with("Description", Node::string(&key.description))
                .with("EnableKeyRotation", Node::Bool(key.rotation))
                .with("PendingWindowInDays", Node::Integer(key.deletion_window_days.into()))
                .with("KeyPolicy", policy_document(&key.key_policy, values));
            insert_tags(&mut properties, &key.tags);
            Resource {
                deletion_policy: retain(key.retain_on_delete),
                update_replace_policy: retain(key.retain_on_delete),
                resource_type: "AWS::KMS::Key",
                properties,
            }
        }
        ModelResource::KmsAlias(alias) => Resource {
            deletion_policy: None,
            update_replace_policy: None,
            resource_type: "AWS::KMS::Alias",
            properties: OrderedMap::new()
                .with("AliasName", Node::string(&alias.name))
                .with("TargetKeyId", values.value(&alias.target_key.attribute(Attribute::KeyId))),
        },
        ModelResource::InstanceProfile(profile) => Resource {
            deletion_policy: None,
            update_replace_policy: None,
            resource_type: "AWS::IAM::InstanceProfile",
            properties: OrderedMap::new()
                .with("InstanceProfileName", Node::string(&profile.name))
                .with("Roles", Node::List(vec![values.value(&profile.role.attribute(Attribute::Name))])),
        },
        ModelResource::ExistingRole(role) => {
            panic!("internal error: existing role {} reached the resource translation; please report this", role.name)
        }
    }
}

fn insert_tags(properties: &mut OrderedMap<Node>, tags: &Tags) {
    if !tags.is_empty() {
        let list = tags.iter().map(|(key, tag)| Node::map([("Key", Node::string(key)), ("Value", Node::string(tag))])).collect();
        properties.insert("Tags", Node::List(list));
    }
}

/// A policy document as a `PolicyDocument` map.
fn policy_document(document: &PolicyDocument, values: &Values<'_>) -> Node {
    let statements = document
        .statements
        .iter()
        .map(|statement| {
            let mut map =
                OrderedMap::new().with("Sid", Node::string(&statement.sid)).with("Effect", Node::string(statement.effect.as_str()));
            match &statement.principal {
                None => {}
                Some(Principal::Anyone) => map.insert("Principal", Node::string("*")),
                Some(Principal::Aws(principals)) => {
                    map.insert("Principal", Node::map([("AWS", Node::List(principals.iter().map(|item| values.value(item)).collect()))]))
                }
                Some(Principal::Service(services)) => {
                    map.insert("Principal", Node::map([("Service", Node::List(services.iter().map(Node::string).collect()))]))
                }
            }
            map.insert("Action", Node::List(statement.actions.iter().map(Node::string).collect()));
            if !statement.resources.is_empty() {
                map.insert("Resource", Node::List(statement.resources.iter().map(|item| values.value(item)).collect()));
            }
            if !statement.conditions.is_empty() {
                // Grouped by operator in operator order, as AWS's JSON form requires one key per operator.
                let mut operators: Vec<&str> = statement.conditions.iter().map(|condition| condition.operator.as_str()).collect();
                operators.sort_unstable();
                operators.dedup();
                let mut condition_map = OrderedMap::new();
                for operator in operators {
                    let mut keys = OrderedMap::new();
                    for condition in statement.conditions.iter().filter(|condition| condition.operator.as_str() == operator) {
                        keys.insert(condition.key.clone(), Node::List(condition.values.iter().map(|item| values.value(item)).collect()));
                    }
                    condition_map.insert(operator, Node::Map(keys));
                }
                map.insert("Condition", Node::Map(condition_map));
            }
            Node::Map(map)
        })
        .collect();
    Node::map([("Version", Node::string(POLICY_VERSION)), ("Statement", Node::List(statements))])
}

impl Values<'_> {
    /// A model value as a CloudFormation value: a plain string, a `!Ref` or `!GetAtt` when it is exactly one
    /// attribute, and a `!Sub` otherwise.
    pub fn value(&self, value: &Value) -> Node {
        let value = &self.inline_existing(value);
        if let Some(text) = value.as_literal() {
            return Node::string(text);
        }
        if let Some(reference) = value.as_reference() {
            let id = logical_id(&reference.resource);
            return match attribute_access(reference.resource.kind, reference.attribute) {
                Access::Ref => Node::Function(Intrinsic::Ref(id)),
                Access::GetAtt(attribute) => Node::Function(Intrinsic::GetAtt(format!("{id}.{attribute}"))),
            };
        }
        let text: String = value
            .parts()
            .iter()
            .map(|part| match part {
                // `${` in literal text would start a substitution; `${!` is Fn::Sub's escape for it.
                Part::Literal(text) => text.replace("${", "${!"),
                Part::Partition => "${AWS::Partition}".to_owned(),
                Part::AccountId => "${AWS::AccountId}".to_owned(),
                Part::Region => "${AWS::Region}".to_owned(),
                Part::Ref(reference) => {
                    let id = logical_id(&reference.resource);
                    match attribute_access(reference.resource.kind, reference.attribute) {
                        Access::Ref => format!("${{{id}}}"),
                        Access::GetAtt(attribute) => format!("${{{id}.{attribute}}}"),
                    }
                }
            })
            .collect();
        Node::Function(Intrinsic::Sub(text))
    }

    /// CloudFormation cannot look a resource up, so an existing role is written as what the model knows of it: its
    /// name, and its ARN in the deploying account.
    fn inline_existing(&self, value: &Value) -> Value {
        Value::from_parts(value.parts().iter().flat_map(|part| match part {
            Part::Ref(reference) if reference.resource.kind == ResourceKind::ExistingRole => {
                let name = self.existing.get(&reference.resource).copied().unwrap_or_else(|| {
                    panic!("internal error: {:?} is referred to but not declared; please report this", reference.resource)
                });
                match reference.attribute {
                    Attribute::Arn => vec![
                        Part::Literal("arn:".into()),
                        Part::Partition,
                        Part::Literal(":iam::".into()),
                        Part::AccountId,
                        Part::Literal(format!(":role/{name}")),
                    ],
                    Attribute::Name | Attribute::KeyId => vec![Part::Literal(name.to_owned())],
                }
            }
            other => vec![other.clone()],
        }))
    }
}

/// Translates model values, knowing the names of the module's existing resources.
pub struct Values<'m> {
    existing: BTreeMap<&'m ResourceId, &'m str>,
}

impl<'m> Values<'m> {
    /// The translator for one module.
    pub fn new(module: &'m Module) -> Values<'m> {
        let existing = module
            .resources
            .iter()
            .filter_map(|resource| match resource {
                ModelResource::ExistingRole(role) => Some((&role.id, role.name.as_str())),
                _ => None,
            })
            .collect();
        Values { existing }
    }
}

enum Access {
    Ref,
    GetAtt(&'static str),
}

/// How CloudFormation exposes an attribute of each resource type: what `Ref` returns differs by type
/// (a bucket's name, a managed policy's ARN, a key's ID).
fn attribute_access(kind: ResourceKind, attribute: Attribute) -> Access {
    match (kind, attribute) {
        (ResourceKind::ManagedPolicy, Attribute::Arn) => Access::Ref,
        (_, Attribute::Arn) => Access::GetAtt("Arn"),
        (_, Attribute::Name | Attribute::KeyId) => Access::Ref,
    }
}
