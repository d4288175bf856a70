//! `ec2-docroot`: an instance role that lets a transfer server on EC2 reach S3 without keys in its docroot.
//!
//! Automates seeds `000_4baf200b52d0b75a.txt` ("Using Amazon S3 IAM roles") and `001_029c6347cb555094.txt`
//! ("How to use AWS IAM roles to set docroot to S3 storage"): a role EC2 may assume, a managed policy with the
//! capability table's actions on one bucket (or every bucket), its attachment, and the instance profile that
//! carries the role to the instance.

use crate::blueprint::{self, DocrootBucket, Ec2Docroot, TrustWindow};
use crate::diagnostic::FieldPath;
use crate::model::capability::Grant;
use crate::model::policy::{ConditionOperator, Effect, PolicyDocument, Principal, Statement};
use crate::model::resource::{BucketEncryption, InstanceProfile, ManagedPolicy, Resource, ResourceId, ResourceKind, Role};
use crate::model::value::{Attribute, Value, arn};
use crate::model::{Module, NextStep, Note, Output, hardening};

use super::{ModuleBuilder, PolicyBucket, s3_access_statements, tags, words};

/// The service principal of EC2, which assumes an instance profile's role for the instance (IAM guide, "Use an
/// IAM role to grant permissions to applications running on Amazon EC2 instances").
pub const EC2_SERVICE_PRINCIPAL: &str = "ec2.amazonaws.com";

/// The action the seed's table adds when the policy names no bucket (seed 000, footnote 2): without it, the
/// transfer server cannot list the buckets it may open.
pub const LIST_ALL_BUCKETS: &str = "s3:ListAllMyBuckets";

/// What the instance role may do: the capabilities, confined to the prefix, plus `s3:ListAllMyBuckets` for every
/// bucket. The policy and the declared access path both take it from here.
pub fn grant(scenario: &Ec2Docroot) -> Grant {
    let mut grant = Grant::for_capabilities_under(&scenario.capabilities, false, scenario.prefix.as_deref());
    if scenario.bucket == DocrootBucket::Every {
        grant.account_wide.insert(LIST_ALL_BUCKETS);
    }
    grant
}

/// Builds the owner's module.
///
/// Resources are pushed in dependency order: the bucket and its policy when the module creates the bucket, the
/// role, the managed policy (it names the bucket and the role), the instance profile (it carries the role).
pub fn build(blueprint: &blueprint::Blueprint, scenario: &Ec2Docroot) -> Vec<Module> {
    let tags = tags(blueprint);
    let owner = &scenario.owner;
    let bucket_id = ResourceId::this(ResourceKind::Bucket);
    let (bucket_arn, bucket_text) = match &scenario.bucket {
        DocrootBucket::Existing { name } => (arn::bucket(name), name.clone()),
        DocrootBucket::Create { name } => (bucket_id.attribute(Attribute::Arn), name.clone()),
        DocrootBucket::Every => (arn::bucket("*"), "<bucket>".to_owned()),
    };
    let description = match &scenario.bucket {
        DocrootBucket::Every => "Instance role and profile that let a transfer server on EC2 reach every bucket of the account".to_owned(),
        _ => format!("Instance role and profile that let a transfer server on EC2 reach bucket {bucket_text}"),
    };
    let mut module = ModuleBuilder::new("owner", description, &owner.account, &owner.region);

    if let DocrootBucket::Create { name } = &scenario.bucket {
        let encryption = BucketEncryption::S3Managed;
        module.resources.push(Resource::Bucket(hardening::bucket(bucket_id.clone(), name, encryption.clone(), true, None, &tags)));
        module.resources.push(super::bucket_policy(&bucket_id, &encryption, Vec::new()));
        module.outputs.extend(super::bucket_outputs(&bucket_id));
    }

    let role_id = ResourceId::this(ResourceKind::Role);
    module.origin(&role_id, FieldPath::root().field("trust"));
    module.origin(&ResourceId::this(ResourceKind::ManagedPolicy), FieldPath::root().field("capabilities"));
    module.resources.push(Resource::Role(Role {
        id: role_id.clone(),
        name: scenario.role_name.clone(),
        description: format!("Assumed by EC2 for the transfer server's instances, to reach {}", bucket_phrase(&scenario.bucket)),
        trust_policy: PolicyDocument::new(vec![trust_ec2(scenario.trust.as_ref())]),
        max_session_duration: hardening::ROLE_MAX_SESSION_SECONDS,
        tags: tags.clone(),
    }));

    let grant = grant(scenario);
    module.resources.push(Resource::ManagedPolicy(ManagedPolicy {
        id: ResourceId::this(ResourceKind::ManagedPolicy),
        name: scenario.policy_name.clone(),
        description: format!("What the transfer server may do in {}", bucket_phrase(&scenario.bucket)),
        document: PolicyDocument::new(s3_access_statements(
            &PolicyBucket::new(bucket_arn.clone()),
            scenario.prefix.as_deref(),
            &grant,
            None,
            &owner.region,
        )),
        attached_role: role_id.attribute(Attribute::Name),
        tags: tags.clone(),
    }));

    // The console names an EC2 role's instance profile after the role (seed 000, step 8); so does this module,
    // so the name the seed tells people to pick when launching the instance is the role's.
    let profile_id = ResourceId::this(ResourceKind::InstanceProfile);
    module.resources.push(Resource::InstanceProfile(InstanceProfile {
        id: profile_id.clone(),
        name: scenario.role_name.clone(),
        role: role_id.clone(),
    }));

    module.outputs.push(Output {
        words: words(&["iam", "role", "arn"]),
        description: "ARN of the role the transfer server's instances use".into(),
        value: role_id.attribute(Attribute::Arn),
    });
    module.outputs.push(Output {
        words: words(&["iam", "instance", "profile", "name"]),
        description: "Name of the instance profile to launch the transfer server with".into(),
        value: profile_id.attribute(Attribute::Name),
    });
    module.outputs.push(Output {
        words: words(&["iam", "instance", "profile", "arn"]),
        description: "ARN of the instance profile".into(),
        value: profile_id.attribute(Attribute::Arn),
    });

    module.notes.extend(seed_departures(scenario));
    if scenario.prefix.is_some() {
        module.notes.push(super::prefix_confinement_note());
    }
    module.next_steps.extend(next_steps(scenario, &bucket_text));
    vec![module.finish()]
}

fn bucket_phrase(bucket: &DocrootBucket) -> String {
    match bucket {
        DocrootBucket::Existing { name } | DocrootBucket::Create { name } => format!("bucket {name}"),
        DocrootBucket::Every => "every bucket of the account".to_owned(),
    }
}

/// Lets EC2 assume the role for an instance, within the blueprint's `aws:CurrentTime` window when it gives one.
///
/// Seed 001's sample names the service as `"Service": ""`, which IAM rejects; the principal is EC2's service
/// name. Its window conditions are kept: `DateGreaterThan` and `DateLessThan` on `aws:CurrentTime`.
fn trust_ec2(window: Option<&TrustWindow>) -> Statement {
    let statement = Statement::new("TrustEc2ToAssumeTheRole", Effect::Allow, ["sts:AssumeRole"])
        .with_principal(Principal::Service(vec![EC2_SERVICE_PRINCIPAL.to_owned()]));
    match window {
        None => statement,
        Some(window) => statement
            .with_condition(ConditionOperator::DateGreaterThan, "aws:CurrentTime", [Value::literal(&window.not_before)])
            .with_condition(ConditionOperator::DateLessThan, "aws:CurrentTime", [Value::literal(&window.not_after)]),
    }
}

/// The docroot and the commands that set it, from seed 000 steps 10 to 12.
///
/// The seed's `asconfigurator` line ends without its closing quote, so a shell waits for more input; the
/// command here is balanced, and has the transfer user filled in when the blueprint names one.
fn next_steps(scenario: &Ec2Docroot, bucket: &str) -> Vec<NextStep> {
    let docroot = format!("s3://s3.amazonaws.com/{bucket}/{}", scenario.prefix.as_deref().unwrap_or(""));
    let user = scenario.transfer_user.as_deref().unwrap_or("<transfer_user>");
    let every = if scenario.bucket == DocrootBucket::Every { " (replace `<bucket>` with the bucket to serve)" } else { "" };
    vec![
        NextStep {
            text: format!(
                "Launch the transfer server's instance with the instance profile `{}`, or attach it to a running instance:",
                scenario.role_name
            ),
            commands: vec![format!(
                "aws ec2 associate-iam-instance-profile --instance-id <instance-id> --iam-instance-profile Name={}",
                scenario.role_name
            )],
        },
        NextStep {
            text: format!(
                "Set the docroot of transfer user `{user}` to `{docroot}`{every}: connect to the server with SSH, become root, then run:"
            ),
            commands: vec![
                format!("asconfigurator -x \"set_user_data;user_name,{user};absolute,{docroot}\""),
                "systemctl restart asperanoded".to_owned(),
            ],
        },
    ]
}

/// Where this module departs from seeds 000 and 001, for the module README.
fn seed_departures(scenario: &Ec2Docroot) -> Vec<Note> {
    let mut notes = vec![
        Note {
            title: "Only the capabilities' actions, never `s3:*` on `*`".into(),
            text: "Both seeds grant every S3 action on every resource; the policy here grants the actions of the declared capabilities from the seed's own table, bucket actions on the bucket ARN and object actions on its objects.".into(),
        },
        Note {
            title: "The table's action names are corrected".into(),
            text: "Seed 000's table writes `s3:ListBucketMultipartUpload` and `ListMultipartUploadParts`, which IAM rejects; the real actions are `s3:ListBucketMultipartUploads` and `s3:ListMultipartUploadParts`.".into(),
        },
        Note {
            title: "The trust policy names EC2".into(),
            text: "Seed 001's trust sample has `\"Service\": \"\"` and policy version 2008-10-17; the role here trusts `ec2.amazonaws.com` under version 2012-10-17, with the seed's optional `aws:CurrentTime` window only when the blueprint gives one.".into(),
        },
        Note {
            title: "The docroot command is complete".into(),
            text: "Seed 000's `asconfigurator` line is missing its closing quote; the command under \"After deploying\" is balanced and names the transfer user.".into(),
        },
    ];
    match &scenario.bucket {
        DocrootBucket::Every => notes.push(Note {
            title: "Every bucket, as the blueprint asks".into(),
            text: "`name: \"*\"` grants the capabilities on every bucket of the account and adds `s3:ListAllMyBuckets`, as the seed's table requires when no bucket is named; name one bucket to confine the server to it.".into(),
        }),
        DocrootBucket::Existing { name } => notes.push(Note {
            title: "The bucket is not changed".into(),
            text: format!("Bucket {name} exists already and this module does not manage it: its encryption, public-access block and bucket policy stay as they are. Set `create: true` to have a hardened bucket created instead."),
        }),
        DocrootBucket::Create { .. } => {}
    }
    notes
}
