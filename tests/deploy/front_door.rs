//! The front door: each client's S3 calls through its role, with what bucketbridge's evaluator predicts.
//!
//! For every handoff of a module, `deploy.py` creates an IAM user that stands for the client, lets it assume
//! the client's role with the external ID, and makes real boto3 calls for every operation the capabilities
//! are about (put, get, list, delete, multipart upload), inside and outside the client's prefix.
//! Each call carries two predictions from `bucketbridge::eval`:
//!
//! - `evaluator`: the whole world the module builds (identity, trust, bucket and key policies), for the
//!   request as AWS sees it (over TLS), including the KMS requests S3 makes for an SSE-KMS bucket;
//! - `moto_reach`: the same evaluator over only what moto 5.2.1's authorization models: the role's identity
//!   policies, judged by action and resource, with every condition treated as met (moto's
//!   `IAMPolicyStatement._check_conditions` without request values), no bucket or key policies, no KMS calls.
//!
//! Every S3 call must come out as `moto_reach` says: that is the differential check, where moto and the
//! evaluator model the same rule. Where `evaluator` and `moto_reach` differ, the decision rests on something
//! moto does not model, and the call is listed with the reason instead (`MOTO_LIMITS` in the README).
//! `sts:AssumeRole` is never within moto's reach (see [`TRUST_LIMIT`]); the evaluator must still grant the
//! right external ID and refuse the others.

use std::collections::BTreeMap;

use bucketbridge::eval::{self, LabelledPolicy, Outcome, Request, World};
use bucketbridge::model::resolve::Resolver;
use bucketbridge::model::resource::{BucketEncryption, Resource};
use bucketbridge::model::{Deployment, Handoff, Module};
use serde_json::{Value, json};

use super::expect;

/// Why moto's verdict on `sts:AssumeRole` is not compared with the evaluator's.
pub const TRUST_LIMIT: &str = "trust policy: moto 5.2.1 compares a trust policy's AWS principal with the caller's ARN as text, so \
     an account root (`arn:aws:iam::CLIENT:root`) admits nobody; and MOTO_ACCOUNT_ID puts the client's user in the owner's account";

/// Why a listing with a `prefix` holding `/` gets no verdict from moto.
pub const SIGNATURE_LIMIT: &str = "signature: moto 5.2.1 answers SignatureDoesNotMatch to a correctly signed request whose query \
     string holds an encoded `/` (a ListObjectsV2 or ListMultipartUploads prefix) once authorization is on, so it never \
     decides the request";

/// One front-door call with its predictions.
pub struct Call {
    /// Unique within the module.
    pub id: String,
    /// The client's name.
    pub client: String,
    /// The boto3 operation `deploy.py` performs.
    pub op: &'static str,
    /// Its parameters (stand-in KMS ARNs are replaced with the deployed ones by `deploy.py`).
    pub params: Value,
    /// `service:Action resource` of the request the evaluator decides.
    pub request: String,
    /// The evaluator's decision over the whole world, with its reason.
    pub evaluator: (Outcome, String),
    /// The evaluator's decision over moto's reach; `None` where moto's verdict is not comparable (AssumeRole).
    pub moto_reach: Option<Outcome>,
    /// Why `evaluator` and `moto_reach` differ, if they do.
    pub limit: Option<String>,
}

/// One S3 call before it is decided: name, boto3 operation, parameters, action, resource, context keys, and
/// the KMS actions S3 performs on the caller's behalf for an SSE-KMS bucket.
type S3Call = (String, &'static str, Value, &'static str, String, Vec<(&'static str, String)>, Vec<&'static str>);

/// The front-door plan of one module: what `deploy.py` needs, and the calls with their predictions.
pub struct Plan {
    /// JSON for `deploy.py`.
    pub json: Value,
    /// The calls, in the order they are made.
    pub calls: Vec<Call>,
}

fn document(value: &Value, label: String) -> LabelledPolicy {
    LabelledPolicy::new(label, eval::PolicyDocument::from_json(value).expect("model policies parse in the evaluator"))
}

/// The document without its conditions: how moto's authorization reads an identity policy.
fn without_conditions(policy: &Value) -> Value {
    let mut policy = policy.clone();
    if let Some(statements) = policy["Statement"].as_array_mut() {
        for statement in statements {
            if let Some(statement) = statement.as_object_mut() {
                statement.remove("Condition");
            }
        }
    }
    policy
}

/// The world of a module for the evaluator: `full` as AWS would judge, or only what moto models.
fn world(module: &Module, handoffs: &[&Handoff], users: &BTreeMap<String, String>, full: bool) -> World {
    let resolver = Resolver::new(module);
    let mut world = World::new();
    for handoff in handoffs {
        let policy = expect::policy(&resolver, &handoff.assume_role_policy);
        world.add_user(&users[&handoff.client], vec![document(&policy, "assume-role policy".into())]).expect("front-door users are valid");
    }
    for resource in &module.resources {
        match resource {
            Resource::Role(role) => {
                let arn = format!("arn:{}:iam::{}:role/{}", module.partition, module.account, role.name);
                let policies = module
                    .resources
                    .iter()
                    .filter_map(|other| match other {
                        Resource::ManagedPolicy(managed) if resolver.value(&managed.attached_role) == role.name => {
                            let policy = expect::policy(&resolver, &managed.document);
                            let policy = if full { policy } else { without_conditions(&policy) };
                            Some(document(&policy, format!("policy {}", managed.name)))
                        }
                        _ => None,
                    })
                    .collect();
                let trust = document(&expect::policy(&resolver, &role.trust_policy), format!("role {} trust policy", role.name));
                world.add_role(&arn, trust, policies).expect("model roles are valid");
            }
            Resource::Bucket(bucket) => {
                let policy = module.resources.iter().find_map(|other| match other {
                    Resource::BucketPolicy(attached) if attached.bucket == bucket.id && full => {
                        Some(document(&expect::policy(&resolver, &attached.document), format!("bucket {} policy", bucket.name)))
                    }
                    _ => None,
                });
                world.add_bucket(&bucket.name, &module.account, policy).expect("model buckets are valid");
            }
            Resource::KmsKey(key) if full => {
                let arn = resolver.value(&key.id.attribute(bucketbridge::model::value::Attribute::Arn));
                world
                    .add_key(&arn, document(&expect::policy(&resolver, &key.key_policy), "key policy".into()))
                    .expect("model keys are valid");
            }
            _ => {}
        }
    }
    world
}

fn decide(world: &World, principal: &str, action: &str, resource: &str, context: &[(&str, &str)]) -> eval::Decision {
    let mut request = Request { principal: principal.into(), action: action.into(), resource: resource.into(), ..Request::default() };
    for (key, value) in context {
        request.context.entry((*key).to_owned()).or_default().push((*value).to_owned());
    }
    eval::evaluate(world, &request).unwrap_or_else(|error| panic!("the evaluator cannot decide {action} on {resource}: {error:?}"))
}

/// Combines the decisions of the requests one call makes: a deny anywhere wins, all must allow.
fn combine(decisions: &[(String, eval::Decision)]) -> (Outcome, String) {
    let pick = |outcome: Outcome| decisions.iter().find(|(_, decision)| decision.outcome == outcome);
    let (label, decision) = pick(Outcome::ExplicitDeny).or_else(|| pick(Outcome::ImplicitDeny)).unwrap_or(&decisions[0]);
    (decision.outcome, format!("{label}: {}", decision.explain()))
}

/// Builds the front-door plan of a module, or `None` when no client reaches it.
pub fn plan(deployment: &Deployment, module: &Module) -> Option<Plan> {
    let role_arns: Vec<String> = module
        .resources
        .iter()
        .filter_map(|resource| match resource {
            Resource::Role(role) => Some(format!("arn:{}:iam::{}:role/{}", module.partition, module.account, role.name)),
            _ => None,
        })
        .collect();
    let handoffs: Vec<&Handoff> = deployment.handoffs.iter().filter(|handoff| role_arns.contains(&handoff.role_arn)).collect();
    if handoffs.is_empty() {
        return None;
    }
    let resolver = Resolver::new(module);
    let bucket = module
        .resources
        .iter()
        .find_map(|resource| match resource {
            Resource::Bucket(bucket) if bucket.id.words.is_empty() => Some(bucket),
            _ => None,
        })
        .expect("a handoff module has its bucket");
    let key_arn = match &bucket.encryption {
        BucketEncryption::Kms { key_arn, .. } => Some(resolver.value(key_arn)),
        BucketEncryption::S3Managed => None,
    };
    let sse: Value = match &key_arn {
        Some(arn) => json!({"sse": "aws:kms", "sse_kms_key_id": arn}),
        None => json!({"sse": "AES256"}),
    };
    let users: BTreeMap<String, String> = handoffs
        .iter()
        .map(|handoff| {
            (handoff.client.clone(), format!("arn:{}:iam::{}:user/{}-frontdoor", module.partition, handoff.client_account, handoff.folder))
        })
        .collect();
    let full = world(module, &handoffs, &users, true);
    let reach = world(module, &handoffs, &users, false);
    let bucket_arn = format!("arn:{}:s3:::{}", module.partition, bucket.name);
    let via = format!("s3.{}.amazonaws.com", module.region.as_deref().unwrap_or_default());
    let tls = ("aws:SecureTransport", "true");

    let mut clients = Vec::new();
    let mut seed_objects = Vec::new();
    let mut seed_uploads = Vec::new();
    let mut calls = Vec::new();
    for handoff in &handoffs {
        let user_name = format!("{}-frontdoor", handoff.folder);
        let role_name = handoff.role_arn.rsplit('/').next().expect("role ARNs have a name");
        let session = format!("arn:{}:sts::{}:assumed-role/{role_name}/{user_name}", module.partition, module.account);
        clients.push(json!({
            "name": handoff.client,
            "user_name": user_name,
            "session_name": user_name,
            "role_arn": handoff.role_arn,
            "external_id": handoff.external_id,
            "assume_role_policy": expect::policy(&resolver, &handoff.assume_role_policy),
        }));

        let wrong = format!("{}-wrong", handoff.external_id);
        for (case, external_id) in [
            ("right external ID", Some(handoff.external_id.as_str())),
            ("wrong external ID", Some(wrong.as_str())),
            ("no external ID", None),
        ] {
            let mut context = vec![tls];
            if let Some(external_id) = external_id {
                context.push(("sts:ExternalId", external_id));
            }
            let decision = decide(&full, &users[&handoff.client], "sts:AssumeRole", &handoff.role_arn, &context);
            calls.push(Call {
                id: format!("{}/assume-role/{case}", handoff.folder),
                client: handoff.client.clone(),
                op: "assume_role",
                params: json!({"role_arn": handoff.role_arn, "external_id": external_id}),
                request: format!("sts:AssumeRole {} ({case})", handoff.role_arn),
                evaluator: (decision.outcome, decision.explain()),
                moto_reach: None,
                limit: Some(TRUST_LIMIT.to_owned()),
            });
        }

        // Inside the client's prefix (or the whole bucket), and outside it when it has one.
        let inside = format!("{}frontdoor/{}/", handoff.prefix.as_deref().unwrap_or(""), handoff.folder);
        let mut scopes = vec![("inside", inside)];
        if handoff.prefix.is_some() {
            scopes.push(("outside", format!("outside-{}/", handoff.folder)));
        }
        let mut s3_calls: Vec<S3Call> = Vec::new();
        for (scope, prefix) in &scopes {
            let object = |name: &str| format!("{prefix}{name}");
            let object_arn = |name: &str| format!("{bucket_arn}/{prefix}{name}");
            for name in ["seed", "delete-me"] {
                seed_objects.push(json!({"bucket": bucket.name, "key": object(name)}));
            }
            let upload = format!("{}/{scope}/mpu-seed", handoff.folder);
            let abort = format!("{}/{scope}/mpu-abort", handoff.folder);
            seed_uploads.push(json!({"bucket": bucket.name, "key": object("mpu-seed"), "id": upload}));
            seed_uploads.push(json!({"bucket": bucket.name, "key": object("mpu-abort"), "id": abort}));
            let mut headers: Vec<(&str, String)> =
                vec![("s3:x-amz-server-side-encryption", sse["sse"].as_str().unwrap_or_default().to_owned())];
            if let Some(arn) = &key_arn {
                headers.push(("s3:x-amz-server-side-encryption-aws-kms-key-id", arn.clone()));
            }
            let with = |mut params: Value| {
                if let (Value::Object(params), Value::Object(sse)) = (&mut params, &sse) {
                    params.extend(sse.clone());
                }
                params
            };
            let bucket_name = &bucket.name;
            s3_calls.extend([
                (
                    format!("{scope}/put with encryption headers"),
                    "put_object",
                    with(json!({"bucket": bucket_name, "key": object("put-with-headers")})),
                    "s3:PutObject",
                    object_arn("put-with-headers"),
                    headers.clone(),
                    vec!["kms:GenerateDataKey"],
                ),
                (
                    format!("{scope}/put without encryption headers"),
                    "put_object",
                    json!({"bucket": bucket_name, "key": object("put-plain")}),
                    "s3:PutObject",
                    object_arn("put-plain"),
                    vec![],
                    vec!["kms:GenerateDataKey"],
                ),
                (
                    format!("{scope}/get"),
                    "get_object",
                    json!({"bucket": bucket_name, "key": object("seed")}),
                    "s3:GetObject",
                    object_arn("seed"),
                    vec![],
                    vec!["kms:Decrypt"],
                ),
                (
                    format!("{scope}/list"),
                    "list_objects_v2",
                    json!({"bucket": bucket_name, "prefix": prefix}),
                    "s3:ListBucket",
                    bucket_arn.clone(),
                    vec![("s3:prefix", prefix.clone())],
                    vec![],
                ),
                (
                    format!("{scope}/delete"),
                    "delete_object",
                    json!({"bucket": bucket_name, "key": object("delete-me")}),
                    "s3:DeleteObject",
                    object_arn("delete-me"),
                    vec![],
                    vec![],
                ),
                (
                    format!("{scope}/multipart create"),
                    "create_multipart_upload",
                    with(json!({"bucket": bucket_name, "key": object("mpu-new")})),
                    "s3:PutObject",
                    object_arn("mpu-new"),
                    headers.clone(),
                    vec!["kms:GenerateDataKey", "kms:Decrypt"],
                ),
                (
                    format!("{scope}/multipart upload part"),
                    "upload_part",
                    json!({"upload": upload}),
                    "s3:PutObject",
                    object_arn("mpu-seed"),
                    vec![],
                    vec!["kms:GenerateDataKey"],
                ),
                (
                    format!("{scope}/multipart list parts"),
                    "list_parts",
                    json!({"upload": upload}),
                    "s3:ListMultipartUploadParts",
                    object_arn("mpu-seed"),
                    vec![],
                    vec![],
                ),
                (
                    format!("{scope}/multipart list uploads"),
                    "list_multipart_uploads",
                    json!({"bucket": bucket_name, "prefix": prefix}),
                    "s3:ListBucketMultipartUploads",
                    bucket_arn.clone(),
                    vec![],
                    vec![],
                ),
                (
                    format!("{scope}/multipart complete"),
                    "complete_multipart_upload",
                    json!({"upload": upload}),
                    "s3:PutObject",
                    object_arn("mpu-seed"),
                    vec![],
                    vec!["kms:Decrypt"],
                ),
                (
                    format!("{scope}/multipart abort"),
                    "abort_multipart_upload",
                    json!({"upload": abort}),
                    "s3:AbortMultipartUpload",
                    object_arn("mpu-abort"),
                    vec![],
                    vec![],
                ),
            ]);
        }
        s3_calls.extend([
            (
                "bucket/location".to_owned(),
                "get_bucket_location",
                json!({"bucket": bucket.name}),
                "s3:GetBucketLocation",
                bucket_arn.clone(),
                vec![],
                vec![],
            ),
            (
                "bucket/list without prefix".to_owned(),
                "list_objects_v2",
                json!({"bucket": bucket.name}),
                "s3:ListBucket",
                bucket_arn.clone(),
                vec![],
                vec![],
            ),
        ]);

        for (name, op, params, action, resource, context, kms_actions) in s3_calls {
            let mut s3_context: Vec<(&str, &str)> = vec![tls];
            s3_context.extend(context.iter().map(|(key, value)| (*key, value.as_str())));
            let mut decisions = vec![(format!("{action} {resource}"), decide(&full, &session, action, &resource, &s3_context))];
            if let Some(key) = &key_arn {
                for kms_action in kms_actions {
                    let decision = decide(&full, &session, kms_action, key, &[tls, ("kms:ViaService", via.as_str())]);
                    decisions.push((format!("{kms_action} (S3 on the caller's behalf)"), decision));
                }
            }
            let evaluator = combine(&decisions);
            let moto_reach = decide(&reach, &session, action, &resource, &[]).outcome;
            let limit = (evaluator.0 != moto_reach).then(|| {
                if decisions[0].1.statements.iter().any(|statement| statement.policy.starts_with("bucket ")) {
                    "bucket policy: moto 5.2.1 does not evaluate resource-based policies".to_owned()
                } else if decisions[0].1.outcome != moto_reach {
                    "condition in the role's policy: moto 5.2.1 treats every condition in an identity policy as met".to_owned()
                } else {
                    "KMS: moto 5.2.1 does not authorize the KMS requests S3 makes for an SSE-KMS bucket".to_owned()
                }
            });
            calls.push(Call {
                id: format!("{}/{name}", handoff.folder),
                client: handoff.client.clone(),
                op,
                params,
                request: format!("{action} {resource}"),
                evaluator,
                moto_reach: Some(moto_reach),
                limit,
            });
        }
    }
    let json = json!({
        "clients": clients,
        "seed_objects": seed_objects,
        "seed_uploads": seed_uploads,
        "calls": calls.iter().map(|call| json!({"id": call.id, "client": call.client, "op": call.op, "params": call.params})).collect::<Vec<_>>(),
    });
    Some(Plan { json, calls })
}

fn observed_outcome(observed: &str) -> Option<bool> {
    match observed {
        "allowed" => Some(true),
        "denied" => Some(false),
        _ => None,
    }
}

/// Judges the calls `deploy.py` made: the failures, and the table of every call for the log.
pub fn judge(case: &str, plan: &Plan, report: &Value) -> (Vec<String>, Vec<String>) {
    let observed: BTreeMap<&str, (&str, &str)> = report["frontdoor"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|row| {
            (
                row["id"].as_str().unwrap_or_default(),
                (row["outcome"].as_str().unwrap_or_default(), row["detail"].as_str().unwrap_or_default()),
            )
        })
        .collect();
    let mut failures = Vec::new();
    let mut table = Vec::new();
    if observed.is_empty() && !plan.calls.is_empty() {
        failures.push(format!("{case}: front door: no call was made"));
        return (failures, table);
    }
    for call in &plan.calls {
        let Some((outcome, detail)) = observed.get(call.id.as_str()) else {
            failures.push(format!("{case}: front door {}: not made", call.id));
            continue;
        };
        let allowed = observed_outcome(outcome);
        let evaluator_allows = call.evaluator.0 == Outcome::Allow;
        let unsigned = *outcome == "error"
            && detail.starts_with("SignatureDoesNotMatch")
            && call.params["prefix"].as_str().is_some_and(|prefix| prefix.contains('/'));
        let verdict = match (allowed, call.moto_reach) {
            (None, _) if unsigned => "no verdict from moto",
            (None, _) => {
                failures.push(format!("{case}: front door {}: moto answered with an error, not a decision: {detail}", call.id));
                "ERROR"
            }
            (Some(allowed), Some(reach)) if allowed != (reach == Outcome::Allow) => {
                failures.push(format!(
                    "{case}: front door {} ({}): moto {} but the evaluator over moto's reach says {reach:?}; evaluator: {}",
                    call.id,
                    call.request,
                    if allowed { "allowed" } else { "denied" },
                    call.evaluator.1
                ));
                "DISAGREE"
            }
            (Some(allowed), _) if allowed == evaluator_allows => "agree",
            _ => "not modelled by moto",
        };
        if call.op == "assume_role" {
            let right = call.id.ends_with("right external ID");
            if evaluator_allows != right {
                failures.push(format!("{case}: front door {}: the evaluator decides {}", call.id, call.evaluator.1));
            }
        }
        table.push(format!(
            "  {verdict:<21} {:<48} evaluator {:<12} moto {:<8} {}",
            call.id,
            format!("{:?}", call.evaluator.0),
            outcome,
            if unsigned { SIGNATURE_LIMIT } else { call.limit.as_deref().unwrap_or("") }
        ));
    }
    (failures, table)
}
