//! `external-handoff`: a bucket handed to external parties, each through a role of its own.
//!
//! Automates seed `004_72aad6482dec7094.txt` ("Grant External Users Access to Your Amazon S3 Bucket"):
//! a hardened bucket, and per client a managed policy `<client>-ExtRole`, a role of the same name that the
//! client's account may assume only with its external ID, and a handoff bundle.

use std::sync::Arc;

use crate::blueprint::{self, Access, Encryption, ExternalHandoff, KmsKeyChoice};
use crate::diagnostic::FieldPath;
use crate::model::capability::Grant;
use crate::model::policy::{ConditionOperator, Effect, PolicyDocument, Principal, Statement};
use crate::model::resolve::Resolver;
use crate::model::resource::{
    BucketEncryption, BucketLogging, BucketPolicy, ManagedPolicy, Resource, ResourceId, ResourceKind, Role, Tags, identifier_words,
};
use crate::model::value::{Attribute, Value, arn};
use crate::model::{AccessPath, Caller, Handoff, Module, Note, Output, hardening};

use super::{BucketKey, KeySettings, KeyUser, ModuleBuilder, PolicyBucket, account_partition, add_key, tags, words};

/// The name of the role and policy created for a client, as the seed names them.
pub fn client_role_name(client: &str) -> String {
    format!("{client}-ExtRole")
}

/// Builds the owner's module and the clients' handoff bundles.
///
/// Resources are pushed in dependency order: log bucket, roles, key (its policy names the roles), bucket
/// (it encrypts with the key), log bucket policy (it names the bucket), managed policies (they name the bucket
/// and the key), bucket policy.
pub fn build(blueprint: &blueprint::Blueprint, scenario: &ExternalHandoff) -> (Vec<Module>, Vec<Handoff>, Vec<AccessPath>) {
    let tags = tags(blueprint);
    let owner = &scenario.owner;
    let partition = account_partition(&owner.region);
    let bucket_id = ResourceId::this(ResourceKind::Bucket);
    let mut module = ModuleBuilder::new(
        "owner",
        match scenario.clients.as_slice() {
            [client] => format!("Bucket {} and the role that hands it to {}", scenario.bucket.name, client.name),
            clients => format!("Bucket {} and the roles that hand it to {} external clients", scenario.bucket.name, clients.len()),
        },
        &owner.account,
        &owner.region,
    );

    let key = bucket_key(&scenario.bucket.encryption);
    let encryption = match &key {
        // A bucket key makes S3 ask KMS for a bucket-level data key instead of one per object, which cuts KMS
        // requests and their cost (S3 guide, "Reducing the cost of SSE-KMS with Amazon S3 Bucket Keys").
        Some(key) => BucketEncryption::Kms { key_arn: key.arn.clone(), bucket_key: true },
        None => BucketEncryption::S3Managed,
    };

    let mut log_bucket_policy = None;
    let logging = scenario.bucket.access_logs.as_ref().map(|logs| {
        let mut delivery_policy = None;
        let target_bucket = if logs.create {
            let log_bucket = hardening::log_bucket_id();
            // Server access logs can only be delivered to a bucket encrypted with SSE-S3
            // (S3 guide, "Enabling Amazon S3 server access logging").
            let bucket = hardening::bucket(log_bucket.clone(), &logs.bucket, BucketEncryption::S3Managed, false, None, &tags);
            module.resources.push(Resource::Bucket(bucket));
            let policy_id = ResourceId::named(ResourceKind::BucketPolicy, "log");
            delivery_policy = Some(policy_id.clone());
            log_bucket_policy = Some(BucketPolicy {
                id: policy_id,
                bucket: log_bucket.clone(),
                document: PolicyDocument::new(vec![
                    hardening::allow_server_access_log_delivery(&log_bucket, &logs.prefix, &bucket_id, &owner.account),
                    hardening::deny_insecure_transport(&log_bucket),
                ]),
            });
            log_bucket.attribute(Attribute::Name)
        } else {
            Value::literal(&logs.bucket)
        };
        BucketLogging { target_bucket, target_prefix: logs.prefix.clone(), delivery_policy }
    });

    // Sized once: grown by doubling, the handoffs, which live as long as the model, could hold twice what they need.
    let mut handoffs = Vec::with_capacity(scenario.clients.len());
    // Each client's grant, in client order: the policy and the access path must say the same thing.
    let mut grants = Vec::with_capacity(scenario.clients.len());
    let mut managed_policies = Vec::with_capacity(scenario.clients.len());
    let policy_bucket = PolicyBucket::new(bucket_id.attribute(Attribute::Arn));
    // A role and a policy per client, and a few more: room made once rather than by doubling, which at 10,000
    // clients briefly holds the old list and a new one twice its size.
    module.resources.reserve_exact(2 * scenario.clients.len() + 6);
    module.outputs.reserve_exact(2 * scenario.clients.len() + 4);
    let mut key_users: Vec<KeyUser> = Vec::new();
    let clients_field = FieldPath::root().field("clients");
    let shared = ClientShared { scenario, partition, key: key.as_ref(), policy_bucket: &policy_bucket, tags: &tags };
    let mut index = 0;
    crate::threads::for_each_on_two_threads(
        &scenario.clients,
        |client| client_parts(client, &shared),
        |parts| {
            module.origin(&parts.role.id, clients_field.index(index).field("external_id"));
            module.origin(&parts.policy.id, clients_field.index(index));
            module.resources.push(Resource::Role(parts.role));
            managed_policies.push(parts.policy);
            key_users.extend(parts.key_user);
            module.outputs.extend(parts.outputs);
            handoffs.push(parts.handoff);
            grants.push(parts.grant);
            index += 1;
        },
    );

    if let Some(key) = &key {
        let settings = KeySettings { rotation: true, deletion_window_days: hardening::DEFAULT_KEY_DELETION_WINDOW_DAYS };
        add_key(key, settings, &scenario.bucket.name, &key_users, owner, &tags, &mut module);
        // The key policy names every client role that uses the key.
        module.origin(&ResourceId::this(ResourceKind::KmsKey), clients_field);
    }
    module.resources.push(Resource::Bucket(hardening::bucket(
        bucket_id.clone(),
        &scenario.bucket.name,
        encryption.clone(),
        scenario.bucket.versioning,
        logging,
        &tags,
    )));
    module.resources.extend(log_bucket_policy.map(Resource::BucketPolicy));
    module.resources.extend(managed_policies.into_iter().map(Resource::ManagedPolicy));
    module.resources.push(super::bucket_policy(&bucket_id, &encryption, Vec::new()));
    module.outputs.extend(super::bucket_outputs(&bucket_id));

    module.notes.extend(seed_departures());
    if scenario.clients.iter().any(|client| client.prefix.is_some() && matches!(client.access, Access::Capabilities(_))) {
        module.notes.push(super::prefix_confinement_note());
    }
    let module = module.finish();
    let key_arn = key.as_ref().map(|key| Resolver::new(&module).value(&key.arn));
    let access_paths = scenario
        .clients
        .iter()
        .zip(handoffs.iter().zip(grants))
        .map(|(client, (handoff, grant))| AccessPath {
            name: client.name.clone(),
            caller: Caller::Account { account: client.account.clone(), assume_role_policy: handoff.assume_role_policy.clone() },
            role_arn: handoff.role_arn.clone(),
            external_id: Some(client.external_id.clone()),
            bucket: scenario.bucket.name.clone(),
            bucket_owner: owner.account.clone(),
            region: owner.region.clone(),
            prefix: client.prefix.clone(),
            capabilities: match &client.access {
                Access::Capabilities(capabilities) => capabilities.clone(),
                Access::Actions(_) => Vec::new(),
            },
            grant,
            kms_key_arn: key_arn.clone(),
        })
        .collect();
    (vec![module], handoffs, access_paths)
}

/// What every client's parts are built from.
struct ClientShared<'b> {
    scenario: &'b ExternalHandoff,
    partition: &'b str,
    key: Option<&'b BucketKey>,
    policy_bucket: &'b PolicyBucket,
    tags: &'b Tags,
}

/// What one client adds to the owner's module and to the deployment. Each client's are built apart from the
/// others', so that a large blueprint's clients are built on two threads.
struct ClientParts {
    role: Role,
    policy: ManagedPolicy,
    /// The client's role, when its grant needs the bucket's key.
    key_user: Option<KeyUser>,
    /// Its role's ARN and its external ID.
    outputs: [Output; 2],
    handoff: Handoff,
    grant: Grant,
}

/// The role, policy, outputs and handoff of `client`.
fn client_parts(client: &blueprint::Client, shared: &ClientShared<'_>) -> ClientParts {
    let ClientShared { scenario, partition, key, policy_bucket, tags } = *shared;
    let owner = &scenario.owner;
    let grant = match &client.access {
        Access::Capabilities(capabilities) => Grant::for_capabilities_under(capabilities, key.is_some(), client.prefix.as_deref()),
        Access::Actions(actions) => Grant::for_actions(actions.iter().map(String::as_str)),
    };
    let role_name = client_role_name(&client.name);
    let role_id = ResourceId::named(ResourceKind::Role, &client.name);
    let client_words = identifier_words(&client.name);
    let role_arn = format!("arn:{partition}:iam::{}:role/{role_name}", owner.account);
    let role = Role {
        id: role_id.clone(),
        name: role_name.clone(),
        description: format!(
            "Assumed by account {} ({}) with its external ID to reach bucket {}",
            client.account, client.name, scenario.bucket.name
        ),
        trust_policy: PolicyDocument::new(vec![trust_client_account(&client.account, &client.external_id)]),
        max_session_duration: hardening::ROLE_MAX_SESSION_SECONDS,
        tags: tags.clone(),
    };
    let policy = ManagedPolicy {
        id: ResourceId::named(ResourceKind::ManagedPolicy, &client.name),
        name: role_name,
        description: format!("What {} may do in bucket {}", client.name, scenario.bucket.name),
        document: PolicyDocument::new(super::s3_access_statements(policy_bucket, client.prefix.as_deref(), &grant, key, &owner.region)),
        attached_role: role_id.attribute(Attribute::Name),
        tags: tags.clone(),
    };
    let key_user = (!grant.kms.is_empty()).then(|| KeyUser {
        words: client_words.clone(),
        role_arn: role_id.attribute(Attribute::Arn),
        actions: grant.kms.clone(),
    });
    let outputs = [
        Output {
            words: [client_words.clone(), words(&["iam", "role", "arn"])].concat(),
            description: format!("ARN of the role {} assumes", client.name),
            value: role_id.attribute(Attribute::Arn),
        },
        Output {
            words: [client_words.clone(), words(&["external", "id"])].concat(),
            description: format!("External ID {} must pass to assume its role", client.name),
            value: Value::literal(&client.external_id),
        },
    ];
    let handoff = Handoff {
        client: client.name.clone(),
        folder: client_words.join("-"),
        client_account: client.account.clone(),
        bucket: scenario.bucket.name.clone(),
        region: owner.region.clone(),
        prefix: client.prefix.clone(),
        role_arn: role_arn.clone(),
        external_id: client.external_id.clone(),
        capabilities: match &client.access {
            Access::Capabilities(capabilities) => capabilities.iter().map(|capability| capability.name()).collect(),
            Access::Actions(_) => Vec::new(),
        },
        actions: grant.all(),
        kms_key_arn: key.filter(|_| !grant.kms.is_empty()).and_then(|key| key.concrete_arn.clone()),
        assume_role_policy: Arc::new(PolicyDocument::new(vec![
            Statement::new("AllowAssumingTheBucketRole", Effect::Allow, ["sts:AssumeRole"]).with_resources([Value::literal(role_arn)]),
        ])),
    };
    ClientParts { role, policy, key_user, outputs, handoff, grant }
}

/// The bucket's key, if it encrypts with SSE-KMS.
fn bucket_key(choice: &Encryption) -> Option<BucketKey> {
    match choice {
        Encryption::SseS3 => None,
        Encryption::SseKms(KmsKeyChoice::Existing { key_arn }) => {
            Some(BucketKey { arn: Value::literal(key_arn), created_alias: None, concrete_arn: Some(key_arn.clone()) })
        }
        Encryption::SseKms(KmsKeyChoice::Create { alias }) => Some(BucketKey {
            arn: ResourceId::this(ResourceKind::KmsKey).attribute(Attribute::Arn),
            created_alias: Some(format!("alias/{alias}")),
            concrete_arn: None,
        }),
    }
}

/// Trusts the client's account, but only with the agreed external ID.
///
/// The principal is the account root: the client's own administrators decide which of their principals may
/// call `sts:AssumeRole` (the handoff document gives them the policy). `StringEquals` on `sts:ExternalId`,
/// without `IfExists`, is what stops the confused deputy: a request without the ID does not match (IAM guide,
/// "How to use an external ID when granting access to your AWS resources to a third party").
pub(super) fn trust_client_account(account: &str, external_id: &str) -> Statement {
    Statement::new("TrustClientAccountWithExternalId", Effect::Allow, ["sts:AssumeRole"])
        .with_principal(Principal::Aws(vec![arn::account_root(account)]))
        .with_condition(ConditionOperator::StringEquals, "sts:ExternalId", [Value::literal(external_id)])
}

/// Where this module departs from seed 004, for the module README.
fn seed_departures() -> Vec<Note> {
    vec![
        Note {
            title: "TLS is required on the bucket too, not only on objects".into(),
            text: "The seed's deny covers `BUCKET_NAME/*` only, which leaves bucket-level calls such as ListBucket open over plain HTTP; the generated deny names the bucket ARN as well.".into(),
        },
        Note {
            title: "Policies are generated, not pasted".into(),
            text: "The seed's role policy has a trailing comma that IAM rejects; every document here is built from typed values and serialised.".into(),
        },
        Note {
            title: "Each client gets exactly its capabilities".into(),
            text: "The seed grants every client PutObject, GetObject and DeleteObject on the whole bucket; here each client gets the actions of its declared capabilities, on its prefix when it has one, with bucket-level actions on the bucket ARN and object actions on object ARNs.".into(),
        },
        Note {
            title: "ACLs are off and log delivery uses the bucket policy".into(),
            text: "Objects are owned by the bucket owner (BucketOwnerEnforced); a created log bucket grants `logging.s3.amazonaws.com` through its policy, limited by aws:SourceArn and aws:SourceAccount.".into(),
        },
        Note {
            title: "Uploads cannot choose another encryption".into(),
            text: "The bucket policy denies uploads that ask for an encryption other than the bucket's own, so a client cannot leave objects encrypted with a key the owner cannot use.".into(),
        },
    ]
}
