//! `cross-account`: a cluster manager's node role reaches buckets owned by a second account through a role there.
//!
//! Automates seed `002_effaca66f48d80d7.txt` ("Creating an IAM Role for S3 Access to a Separate AWS Account") as
//! two modules that name each other: `cluster-manager` lets the existing node role assume the access role, and
//! `s3-account` creates the access role, trusting exactly that node role, with its S3 policy.

use crate::blueprint::{self, AccountBucket, CrossAccount};
use crate::diagnostic::FieldPath;
use crate::model::capability::Grant;
use crate::model::limits::Limit;
use crate::model::policy::{Effect, PolicyDocument, Statement};
use crate::model::resource::{ExistingRole, ManagedPolicy, Resource, ResourceId, ResourceKind, Role, identifier_words, pascal_case};
use crate::model::value::{Attribute, Part, Value, arn};
use crate::model::{Module, NextStep, Note, Output, hardening};

use super::{ModuleBuilder, PolicyBucket, s3_access_statements, tags, trust_role, words};

/// Builds the two modules: `cluster-manager`, then `s3-account`.
pub fn build(blueprint: &blueprint::Blueprint, scenario: &CrossAccount) -> Vec<Module> {
    vec![cluster_manager(blueprint, scenario), s3_account(blueprint, scenario)]
}

/// What the access role may do in one bucket: its capabilities, confined to its prefix. The policy and the
/// declared access path both take it from here.
pub fn bucket_grant(bucket: &AccountBucket) -> Grant {
    Grant::for_capabilities_under(&bucket.capabilities, false, bucket.prefix.as_deref())
}

/// Packs each bucket's statements, in bucket order, into as few policy documents as IAM's managed policy size
/// limit allows: a bucket's statements stay together, so each document reads as whole buckets.
///
/// A role may have ten managed policies by default, so this lets one role reach about ten times as many buckets
/// as a single policy holds; `limits` reports a role with more, and a bucket whose statements alone are too large.
fn pack_within_managed_policy_limit(per_bucket: Vec<Vec<Statement>>, resolve: &dyn Fn(&Part) -> String) -> Vec<PolicyDocument> {
    let mut documents: Vec<PolicyDocument> = Vec::new();
    for statements in per_bucket {
        if let Some(last) = documents.last_mut() {
            let mut candidate = last.clone();
            candidate.statements.extend(statements.iter().cloned());
            if Limit::ManagedPolicy.measure_document(&candidate, resolve) <= Limit::ManagedPolicy.maximum() {
                *last = candidate;
                continue;
            }
        }
        documents.push(PolicyDocument::new(statements));
    }
    documents
}

/// The ARN of the access role, as the cluster manager's account names it.
fn access_role_arn(scenario: &CrossAccount) -> Value {
    arn::role(&scenario.s3_account.account, &scenario.s3_account.role_name)
}

/// The cluster manager's module: a policy that lets the node role assume the access role, attached to the node
/// role, which exists already and is only looked up.
///
/// IAM is global, so the module has no region; its partition is the buckets' region's, since a role can only be
/// assumed within its partition.
fn cluster_manager(blueprint: &blueprint::Blueprint, scenario: &CrossAccount) -> Module {
    let tags = tags(blueprint);
    let manager = &scenario.cluster_manager;
    let s3 = &scenario.s3_account;
    let mut module = ModuleBuilder::global(
        "cluster-manager",
        format!("Lets the node role {} assume role {} in account {}", manager.node_role, s3.role_name, s3.account),
        &manager.account,
        &s3.region,
    );
    let node_role = ResourceId::named(ResourceKind::ExistingRole, &manager.node_role);
    module.resources.push(Resource::ExistingRole(ExistingRole { id: node_role.clone(), name: manager.node_role.clone() }));
    let policy_id = ResourceId::this(ResourceKind::ManagedPolicy);
    module.origin(&policy_id, FieldPath::root().field("cluster_manager"));
    // Seed 002 writes the resource as `arn:aws:s3::s3_account_id/atc-s3-access-keys`, an S3 ARN that names no role;
    // sts:AssumeRole acts on a role ARN, `arn:<partition>:iam::<account>:role/<name>`.
    module.resources.push(Resource::ManagedPolicy(ManagedPolicy {
        id: policy_id.clone(),
        name: manager.policy_name.clone(),
        description: format!("Lets {} assume {} in the S3 account {}", manager.node_role, s3.role_name, s3.account),
        document: PolicyDocument::new(vec![
            Statement::new("AllowAssumingTheS3AccountRole", Effect::Allow, ["sts:AssumeRole"]).with_resources([access_role_arn(scenario)]),
        ]),
        attached_role: node_role.attribute(Attribute::Name),
        tags,
    }));
    module.outputs.push(Output {
        words: words(&["iam", "policy", "arn"]),
        description: "ARN of the policy attached to the node role".into(),
        value: policy_id.attribute(Attribute::Arn),
    });
    module.outputs.push(Output {
        words: words(&["s3", "account", "role", "arn"]),
        description: "ARN of the role in the S3 account that the node role may assume".into(),
        value: access_role_arn(scenario),
    });
    module.notes.extend([
        Note {
            title: "The policy names the role's ARN".into(),
            text: "Seed 002's policy names `arn:aws:s3::s3_account_id/atc-s3-access-keys`, which is no role ARN, so sts:AssumeRole would match nothing; the policy here names the access role's IAM ARN in the deploying partition.".into(),
        },
        Note {
            title: "The node role is looked up, not created".into(),
            text: format!("Role {} exists already (the cluster's nodes run with it); the module attaches the policy to it and fails before any change when it is missing.", manager.node_role),
        },
        Note {
            title: "No region guard".into(),
            text: "The module holds only IAM resources, which are global, so it checks the account it is deployed into but no region.".into(),
        },
    ]);
    module.finish()
}

/// The S3 account's module: the access role, trusting exactly the node role with the external ID, and its policy
/// over the listed buckets.
fn s3_account(blueprint: &blueprint::Blueprint, scenario: &CrossAccount) -> Module {
    let tags = tags(blueprint);
    let manager = &scenario.cluster_manager;
    let s3 = &scenario.s3_account;
    let mut module = ModuleBuilder::new(
        "s3-account",
        format!(
            "Role {} that the node role {} of account {} assumes to reach {} bucket(s)",
            s3.role_name,
            manager.node_role,
            manager.account,
            s3.buckets.len()
        ),
        &s3.account,
        &s3.region,
    );
    let role_id = ResourceId::this(ResourceKind::Role);
    module.origin(&role_id, FieldPath::root().field("s3_account").field("external_id"));
    module.resources.push(Resource::Role(Role {
        id: role_id.clone(),
        name: s3.role_name.clone(),
        description: format!("Assumed by {} of account {} to reach the cluster manager's buckets", manager.node_role, manager.account),
        trust_policy: PolicyDocument::new(vec![trust_role(arn::role(&manager.account, &manager.node_role), s3.external_id.as_deref())]),
        max_session_duration: hardening::ROLE_MAX_SESSION_SECONDS,
        tags: tags.clone(),
    }));
    // Each bucket's statements, with its own capabilities and prefix; statement IDs carry the bucket's name, since
    // they must be unique in a document.
    let per_bucket: Vec<Vec<Statement>> = s3
        .buckets
        .iter()
        .map(|bucket| {
            let grant = bucket_grant(bucket);
            let suffix = pascal_case(&identifier_words(&bucket.name));
            s3_access_statements(&PolicyBucket::new(arn::bucket(&bucket.name)), bucket.prefix.as_deref(), &grant, None, &s3.region)
                .into_iter()
                .map(|statement| Statement { sid: format!("{}In{suffix}", statement.sid).into(), ..statement })
                .collect()
        })
        .collect();
    let partition = module.partition;
    let documents = pack_within_managed_policy_limit(per_bucket, &|part| match part {
        Part::Partition => partition.to_owned(),
        Part::Literal(text) => text.clone(),
        other => panic!("internal error: a cross-account bucket statement names {other:?}; please report this"),
    });
    let parts = documents.len();
    let buckets_field = FieldPath::root().field("s3_account").field("buckets");
    for (index, document) in documents.into_iter().enumerate() {
        // The first policy keeps the blueprint's name and identifier, so a role that fits in one policy is
        // unchanged when it grows; the others are `<policy_name>-2`, `-3`, ...
        let (id, name) = match index {
            0 => (ResourceId::this(ResourceKind::ManagedPolicy), s3.policy_name.clone()),
            _ => (
                ResourceId { kind: ResourceKind::ManagedPolicy, words: words(&["part", &(index + 1).to_string()]).into() },
                format!("{}-{}", s3.policy_name, index + 1),
            ),
        };
        module.origin(&id, buckets_field.clone());
        module.resources.push(Resource::ManagedPolicy(ManagedPolicy {
            id,
            name,
            description: match parts {
                1 => format!("What {} may do in the S3 account's buckets", s3.role_name),
                _ => format!("What {} may do in the S3 account's buckets, part {} of {parts}", s3.role_name, index + 1),
            },
            document,
            attached_role: role_id.attribute(Attribute::Name),
            tags: tags.clone(),
        }));
    }
    module.outputs.push(Output {
        words: words(&["iam", "role", "arn"]),
        description: "ARN of the role the cluster manager assumes".into(),
        value: role_id.attribute(Attribute::Arn),
    });
    if let Some(external_id) = &s3.external_id {
        module.outputs.push(Output {
            words: words(&["external", "id"]),
            description: "External ID the cluster manager passes to assume the role".into(),
            value: Value::literal(external_id),
        });
    }
    module.notes.extend([
        Note {
            title: "The role trusts the node role only".into(),
            text: format!("The trust policy names `{}` in account {} rather than the whole account, as seed 002's trust policy does, so no other principal there can assume it.", manager.node_role, manager.account),
        },
        match &s3.external_id {
            Some(_) => Note {
                title: "The external ID is required".into(),
                text: "Seed 002 calls the external ID optional and recommends it; the blueprint must give one (or say `none`), and the trust policy requires it with StringEquals.".into(),
            },
            None => Note {
                title: "No external ID, as the blueprint says".into(),
                text: "The blueprint turns the external ID off (`external_id: none`), against seed 002's recommendation: any session of the node role can assume this role.".into(),
            },
        },
        Note {
            title: "The buckets are not changed".into(),
            text: "The buckets belong to this account, so the role's own policy is enough to reach them; their bucket policies stay as they are. The policy grants each bucket's capabilities, bucket actions on the bucket ARN and object actions on its objects.".into(),
        },
    ]);
    if s3.buckets.iter().any(|bucket| bucket.prefix.is_some()) {
        module.notes.push(super::prefix_confinement_note());
    }
    let external_id = s3.external_id.as_deref().map_or("no external ID".to_owned(), |id| format!("external ID `{id}`"));
    module.next_steps.push(NextStep {
        text: format!(
            "Deploy the `cluster-manager` module in account {} as well, then create the access key in the Cluster Manager web interface with the role ARN from output `iam_role_arn` and {external_id}.",
            manager.account
        ),
        commands: Vec::new(),
    });
    module.finish()
}
