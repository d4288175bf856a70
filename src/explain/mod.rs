//! The access matrix: who can do what with each bucket, decided by the evaluator from the generated policies.
//!
//! [`world`] turns a deployment's modules into an evaluator [`World`]: every role with its trust policy and the
//! managed policies attached to it, every bucket with its policy, every key with its key policy, all resolved
//! for the module's own account. [`matrix`] then walks the paths that matter for each declared
//! [`AccessPath`]: the caller through its role with the right external ID, with a wrong or missing one, over
//! plain HTTP, the caller's account's other principals, and an unrelated account.
//!
//! [`world`] is [`world_from_policies`] over [`policies::from_model`], and [`matrix`] is [`matrix_in`] over that
//! world: the same matrix can be computed from what an emitted target grants. [`from_cloudformation`] and
//! [`from_terraform`] read a module's template or Terraform files back into [`ModulePolicies`]. The readers read
//! emitted files only, never the model, so a matrix from a target equals the model's only when the emitter kept
//! the model's meaning.
//!
//! Context that real requests always carry is given explicitly, never defaulted: `aws:SecureTransport` and
//! `aws:CurrentTime` (fixed at [`EVALUATION_TIME`], so the matrix is the same every run).

use std::collections::BTreeMap;
use std::collections::btree_map::Entry;

use serde::Serialize;

pub mod from_cloudformation;
pub mod from_terraform;
pub mod policies;

pub use policies::{Environment, ModulePolicies, ReadError, ReadErrorKind};

use crate::eval::{self, Decision, LabelledPolicy, Outcome, Request, World};
use crate::model::capability::{self, Capability};
use crate::model::policy::PolicyDocument;
use crate::model::resolve::Resolver;
use crate::model::{AccessPath, Caller, Deployment, Module};

/// The time every request is evaluated at. Fixed so the matrix is deterministic.
pub const EVALUATION_TIME: &str = "2026-01-01T00:00:00Z";

/// An account no blueprint uses, standing for "anyone else on AWS".
const OUTSIDER_ACCOUNTS: [&str; 2] = ["999999999999", "888888888888"];

/// The role session name of every assumed-role request.
const SESSION: &str = "bucketbridge-explain";

/// Columns of the matrix.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Columns {
    /// One column per capability.
    Capabilities,
    /// One column per S3 or KMS action that any path is granted.
    Actions,
}

/// How much of the evidence behind each cell a matrix keeps.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Evidence {
    /// Every request of every cell with its decision and the statements that decided it ([`Cell::hops`]), for
    /// `explain --why` and JSON output.
    Requests,
    /// Each cell's outcome and reason only, with [`Cell::hops`] empty: all that the generated documents print.
    /// A cell's requests are shared with the other cells of its row, so keeping them copies each request once per
    /// column; for a 10,000-client blueprint that is most of the matrix's time and memory.
    Outcomes,
}

/// The whole matrix of one deployment.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Matrix {
    /// The blueprint's name.
    pub blueprint: String,
    /// Column headings, in order.
    pub columns: Vec<String>,
    /// Rows, in path order.
    pub rows: Vec<Row>,
}

/// One path through the policies.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Row {
    /// What the path is, in words.
    pub path: String,
    /// The principal that starts it.
    pub principal: String,
    /// Whether the path is one the blueprint intends to work (as opposed to one that must be denied).
    pub intended: bool,
    /// The index of the access path the row tests, in the deployment's order; `None` for rows about no path.
    pub access_path: Option<usize>,
    /// One cell per column.
    pub cells: Vec<Cell>,
}

/// The decision for one path and one column.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Cell {
    /// Allow when every request the column needs is allowed; otherwise the first refusal's outcome.
    pub outcome: Outcome,
    /// Whether some but not all of the column's requests were allowed.
    pub partial: bool,
    /// Why, in a few words.
    pub reason: String,
    /// Every request made, with its decision, for `--why`; empty in a matrix computed with
    /// [`Evidence::Outcomes`].
    pub hops: Vec<Hop>,
}

/// One request on a path and its decision.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Hop {
    /// Who asked.
    pub principal: String,
    /// The action.
    pub action: String,
    /// The resource.
    pub resource: String,
    /// The decision.
    pub outcome: Outcome,
    /// The rule that decided.
    pub reason: String,
    /// The statements that decided, as `policy Statement[i] (Sid) Effect`.
    pub statements: Vec<String>,
}

/// A failure to build the matrix: a generated policy the evaluator cannot read, which is a bug.
#[derive(Debug)]
pub struct ExplainError(pub String);

impl std::fmt::Display for ExplainError {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        formatter.write_str(&self.0)
    }
}

impl std::error::Error for ExplainError {}

fn parse_policy(label: String, json: &serde_json::Value) -> Result<LabelledPolicy, ExplainError> {
    let parsed = eval::PolicyDocument::from_json(json).map_err(|error| ExplainError(format!("{label}: {error}")))?;
    Ok(LabelledPolicy::new(label, parsed))
}

fn parse_model_policy(label: String, document: &PolicyDocument, resolver: &Resolver<'_>) -> Result<LabelledPolicy, ExplainError> {
    let json = serde_json::to_value(document.to_aws_json(&|part| resolver.part(part)))
        .map_err(|error| ExplainError(format!("{label}: {error}")))?;
    parse_policy(label, &json)
}

/// The evaluator's world for a deployment: what its modules create, plus the callers its paths start from.
///
/// # Errors
///
/// Returns an error when a generated policy is not one the evaluator reads, which means a bug in bucketbridge.
pub fn world(deployment: &Deployment) -> Result<(World, Callers), ExplainError> {
    let modules: Vec<ModulePolicies> = deployment.modules.iter().map(policies::from_model).collect();
    world_from_policies(deployment, &modules)
}

/// The evaluator's world from the policies of a deployment's modules, however they were read (from the model,
/// or back from an emitted target), plus what lies outside the modules: the callers the deployment's paths start
/// from and the statements its manual steps ask an existing key's owner to add.
///
/// # Errors
///
/// Returns an error when a policy is not one the evaluator reads, or two modules create the same thing.
pub fn world_from_policies(deployment: &Deployment, modules: &[ModulePolicies]) -> Result<(World, Callers), ExplainError> {
    let mut world = World::new();
    for module in modules {
        add_module(&mut world, module)?;
    }
    let callers = add_callers(&mut world, deployment)?;
    Ok((world, callers))
}

fn add_callers(world: &mut World, deployment: &Deployment) -> Result<Callers, ExplainError> {
    let world_error = |error: eval::WorldError| ExplainError(error.to_string());
    let outsider_account = OUTSIDER_ACCOUNTS
        .into_iter()
        .find(|account| !deployment.modules.iter().any(|module| module.account == *account))
        .unwrap_or(OUTSIDER_ACCOUNTS[0]);
    let partition = deployment.modules.first().map_or("aws", |module| module.partition.as_str());
    let everything = serde_json::json!({
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Action": ["sts:AssumeRole", "s3:*", "kms:*"], "Resource": "*"}]
    });
    let everything = eval::PolicyDocument::from_json(&everything).map_err(|error| ExplainError(error.to_string()))?;
    let outsider = format!("arn:{partition}:iam::{outsider_account}:user/outsider");
    world
        .add_user(&outsider, vec![LabelledPolicy::new("outsider's own account grants everything", everything.clone())])
        .map_err(world_error)?;

    for path in &deployment.access_paths {
        if let (Some(key_arn), Some(module)) = (&path.kms_key_arn, deployment.modules.first()) {
            if world.key(key_arn).is_none() {
                add_existing_key(world, module, key_arn)?;
            }
        }
    }
    let mut callers = Callers { outsider, by_path: Vec::new() };
    // One resolver for every path: building one indexes the whole module, so one per path would make a
    // thousand-client matrix quadratic.
    let resolver = match deployment.modules.first() {
        Some(module) => Resolver::new(module),
        None if deployment.access_paths.is_empty() => return Ok(callers),
        None => return Err(ExplainError("a deployment without modules has access paths".into())),
    };
    for path in &deployment.access_paths {
        if world.bucket(&path.bucket).is_none() {
            // A bucket the deployment does not create (an existing one, or the stand-in for every bucket): its
            // policy is not ours, so it has none here and only the generated policies decide.
            world.add_bucket(&path.bucket, &path.bucket_owner, None).map_err(world_error)?;
        }
        let path_callers = match &path.caller {
            Caller::Account { account, assume_role_policy } => {
                let words = crate::model::resource::identifier_words(&path.name).join("-");
                let operator = format!("arn:{partition}:iam::{account}:user/{words}-operator");
                let policy = parse_model_policy(format!("{} handoff policy", path.name), assume_role_policy, &resolver)?;
                world.add_user(&operator, vec![policy]).map_err(world_error)?;
                let administrator = format!("arn:{partition}:iam::{account}:user/administrator");
                if world.user(&administrator).is_none() {
                    world
                        .add_user(
                            &administrator,
                            vec![LabelledPolicy::new(format!("account {account} grants everything"), everything.clone())],
                        )
                        .map_err(world_error)?;
                }
                let other = format!("arn:{partition}:iam::{account}:user/other-principal");
                if world.user(&other).is_none() {
                    world.add_user(&other, Vec::new()).map_err(world_error)?;
                }
                PathCallers { operator, administrator: Some(administrator), other: Some(other) }
            }
            Caller::Service { service, .. } => {
                PathCallers { operator: service.clone(), administrator: None, other: Some("lambda.amazonaws.com".to_owned()) }
            }
            Caller::Role { arn } => {
                if world.role(arn).is_none() {
                    // A role in another account (a SaaS's): its administrators must let it assume our role,
                    // which the matrix takes as done; it gets nothing else.
                    let allow = serde_json::json!({
                        "Version": "2012-10-17",
                        "Statement": [{"Effect": "Allow", "Action": "sts:AssumeRole", "Resource": path.role_arn}]
                    });
                    let allow = eval::PolicyDocument::from_json(&allow).map_err(|error| ExplainError(error.to_string()))?;
                    let label = format!("{arn}'s own account lets it assume {}", path.role_arn);
                    world
                        .add_role(
                            arn,
                            LabelledPolicy::new("trust policy (not managed here)", empty_policy()?),
                            vec![LabelledPolicy::new(label, allow)],
                        )
                        .map_err(world_error)?;
                }
                let account = arn.split(':').nth(4).unwrap_or_default();
                let administrator = format!("arn:{partition}:iam::{account}:role/another-role-with-every-permission");
                if world.role(&administrator).is_none() {
                    world
                        .add_role(
                            &administrator,
                            LabelledPolicy::new("trust policy (not managed here)", empty_policy()?),
                            vec![LabelledPolicy::new(format!("account {account} grants everything"), everything.clone())],
                        )
                        .map_err(world_error)?;
                }
                PathCallers { operator: session_of(arn), administrator: Some(session_of(&administrator)), other: None }
            }
        };
        callers.by_path.push(path_callers);
    }
    Ok(callers)
}

/// The principals the matrix's rows start from.
#[derive(Clone, Debug)]
pub struct Callers {
    /// A user in an unrelated account whose own account grants it everything.
    pub outsider: String,
    /// Per access path, in path order.
    pub by_path: Vec<PathCallers>,
}

/// The principals a path's rows start from.
#[derive(Clone, Debug)]
pub struct PathCallers {
    /// The intended caller: the principal the handoff policy is attached to, the service, or the role's session.
    pub operator: String,
    /// Another principal of the caller's account whose own policies allow everything.
    pub administrator: Option<String>,
    /// Another principal that must not get in: one of the caller's account with no policies, or another service.
    pub other: Option<String>,
}

/// The session ARN of requests a role makes.
fn session_of(role_arn: &str) -> String {
    let mut fields = role_arn.splitn(6, ':');
    let (partition, account, resource) =
        (fields.nth(1).unwrap_or("aws"), fields.nth(2).unwrap_or_default(), fields.next().unwrap_or_default());
    let name = resource.rsplit('/').next().unwrap_or_default();
    format!("arn:{partition}:sts::{account}:assumed-role/{name}/{SESSION}")
}

fn empty_policy() -> Result<eval::PolicyDocument, ExplainError> {
    eval::PolicyDocument::from_json(&serde_json::json!({"Version": "2012-10-17", "Statement": []}))
        .map_err(|error| ExplainError(error.to_string()))
}

fn add_module(world: &mut World, module: &ModulePolicies) -> Result<(), ExplainError> {
    let world_error = |error: eval::WorldError| ExplainError(error.to_string());
    for role in &module.roles {
        let trust = parse_policy(format!("trust policy of {}", role.name), &role.trust_policy)?;
        let attached = role
            .policies
            .iter()
            .map(|policy| parse_policy(format!("{} policy {}", module.module, policy.name), &policy.document))
            .collect::<Result<Vec<_>, _>>()?;
        world.add_role(&role.arn, trust, attached).map_err(world_error)?;
    }
    for bucket in &module.buckets {
        let policy = match &bucket.policy {
            Some(json) => Some(parse_policy(format!("bucket policy of {}", bucket.name), json)?),
            None => None,
        };
        world.add_bucket(&bucket.name, &module.account, policy).map_err(world_error)?;
    }
    for key in &module.keys {
        world.add_key(&key.arn, parse_policy(format!("key policy of {}", key.arn), &key.key_policy)?).map_err(world_error)?;
    }
    Ok(())
}

/// Adds an existing key that a path uses, with the statements the module's manual step asks its owner to add:
/// the matrix shows the access as it will be once that step is taken.
fn add_existing_key(world: &mut World, module: &Module, key_arn: &str) -> Result<(), ExplainError> {
    let resolver = Resolver::new(module);
    let statements: Vec<_> = module.manual_steps.iter().flat_map(|step| step.document.statements.iter().cloned()).collect();
    let document = PolicyDocument::new(statements);
    let policy = parse_model_policy(format!("key policy of {key_arn} (after the manual step)"), &document, &resolver)?;
    world.add_key(key_arn, policy).map_err(|error| ExplainError(error.to_string()))
}

/// What one column asks for.
struct Column {
    heading: String,
    actions: Vec<String>,
    /// Whether the column is a capability (rather than one action).
    capability: bool,
}

fn columns(deployment: &Deployment, kind: Columns) -> Vec<Column> {
    let uses_kms = deployment.access_paths.iter().any(|path| path.kms_key_arn.is_some());
    match kind {
        Columns::Capabilities => capability::ALL
            .iter()
            .map(|capability| Column {
                heading: capability.name().to_owned(),
                actions: capability_actions(*capability, uses_kms),
                capability: true,
            })
            .collect(),
        Columns::Actions => {
            let mut actions: Vec<String> = deployment.access_paths.iter().flat_map(|path| path.grant.all()).collect();
            actions.sort();
            actions.dedup();
            actions.into_iter().map(|action| Column { heading: action.clone(), actions: vec![action], capability: false }).collect()
        }
    }
}

fn capability_actions(capability: Capability, uses_kms: bool) -> Vec<String> {
    let mut actions: Vec<String> = capability.s3_actions().iter().map(|action| (*action).to_owned()).collect();
    if uses_kms {
        actions.extend(capability.kms_actions().iter().map(|action| (*action).to_owned()));
    }
    actions
}

/// The request context every hop carries, with or without TLS.
fn base_context(secure: bool) -> BTreeMap<String, Vec<String>> {
    let mut context = BTreeMap::new();
    context.insert("aws:SecureTransport".to_owned(), vec![secure.to_string()]);
    context.insert("aws:CurrentTime".to_owned(), vec![EVALUATION_TIME.to_owned()]);
    context
}

/// How a row reaches the bucket.
#[derive(Clone, PartialEq, Eq)]
enum Route {
    /// Assume the path's role, passing this external ID (or none), at this time, then act as the session.
    AssumeRole { external_id: ExternalId, secure: bool, time: String },
    /// Act directly, without assuming anything.
    Direct,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum ExternalId {
    Right,
    Wrong,
    Missing,
}

/// One row to evaluate: its label, who starts it, how, and whether the blueprint means it to work.
struct PlannedRow {
    label: String,
    principal: String,
    route: Route,
    intended: bool,
}

/// A moment one year before (`later` false) or after a bound of a trust window, in the bound's own format.
fn shifted(bound: &str, later: bool) -> String {
    // The window bounds are validated ISO 8601 instants; one year beyond them is outside any window AWS could
    // mean, and keeping the same format needs no date arithmetic.
    let year: i32 = bound.get(..4).and_then(|year| year.parse().ok()).unwrap_or(2000);
    format!("{:04}{}", if later { year + 1 } else { year - 1 }, bound.get(4..).unwrap_or_default())
}

/// The rows of one access path, by its kind of caller.
fn planned_rows(path: &AccessPath, callers: &PathCallers) -> Vec<PlannedRow> {
    let role_name = path.role_arn.rsplit('/').next().unwrap_or_default();
    let now = || EVALUATION_TIME.to_owned();
    let assume = |external_id, secure, time| Route::AssumeRole { external_id, secure, time };
    let row = |label: String, principal: &str, route: Route, intended: bool| PlannedRow {
        label,
        principal: principal.to_owned(),
        route,
        intended,
    };
    let mut rows = vec![row(
        format!("{} through {role_name}{}", path.name, if path.external_id.is_some() { " with its external ID" } else { "" }),
        &callers.operator,
        assume(ExternalId::Right, true, now()),
        true,
    )];
    if path.external_id.is_some() {
        rows.push(row(format!("{} with a wrong external ID", path.name), &callers.operator, assume(ExternalId::Wrong, true, now()), false));
        rows.push(row(format!("{} without an external ID", path.name), &callers.operator, assume(ExternalId::Missing, true, now()), false));
    }
    if let Caller::Service { window: Some((not_before, not_after)), .. } = &path.caller {
        rows.push(row(
            format!("{} before the trust window ({})", path.name, shifted(not_before, false)),
            &callers.operator,
            assume(ExternalId::Right, true, shifted(not_before, false)),
            false,
        ));
        rows.push(row(
            format!("{} after the trust window ({})", path.name, shifted(not_after, true)),
            &callers.operator,
            assume(ExternalId::Right, true, shifted(not_after, true)),
            false,
        ));
    }
    rows.push(row(format!("{} over plain HTTP", path.name), &callers.operator, assume(ExternalId::Right, false, now()), false));
    match &path.caller {
        Caller::Account { .. } => {
            // The trust policy names the caller's account, so its administrators decide who may assume the role:
            // a principal they allow sts:AssumeRole gets in by design, one they do not is refused.
            if let Some(administrator) = &callers.administrator {
                rows.push(row(
                    format!("a principal of {}'s account allowed sts:AssumeRole there (delegated), through {role_name}", path.name),
                    administrator,
                    assume(ExternalId::Right, true, now()),
                    true,
                ));
            }
            if let Some(other) = &callers.other {
                rows.push(row(
                    format!("a principal of {}'s account without sts:AssumeRole, through {role_name}", path.name),
                    other,
                    assume(ExternalId::Right, true, now()),
                    false,
                ));
            }
            if let Some(administrator) = &callers.administrator {
                rows.push(row(
                    format!("a principal of {}'s account with every permission there, directly on the bucket", path.name),
                    administrator,
                    Route::Direct,
                    false,
                ));
            }
        }
        Caller::Service { .. } => {
            if let Some(other) = &callers.other {
                rows.push(row(
                    format!("another AWS service ({other}) through {role_name}"),
                    other,
                    assume(ExternalId::Right, true, now()),
                    false,
                ));
            }
        }
        Caller::Role { arn } => {
            let account = arn.split(':').nth(4).unwrap_or_default();
            if let Some(administrator) = &callers.administrator {
                rows.push(row(
                    format!("another role of account {account}, with every permission there, through {role_name}"),
                    administrator,
                    assume(ExternalId::Right, true, now()),
                    false,
                ));
                rows.push(row(
                    format!("another role of account {account}, with every permission there, directly on the bucket"),
                    administrator,
                    Route::Direct,
                    false,
                ));
            }
            rows.push(row(format!("{} directly on the bucket, without {role_name}", path.name), &callers.operator, Route::Direct, false));
        }
    }
    rows
}

/// Evaluates the matrix of a deployment.
///
/// # Errors
///
/// Returns an error when a generated policy or request is not one the evaluator reads, which is a bug.
pub fn matrix(deployment: &Deployment, kind: Columns) -> Result<Matrix, ExplainError> {
    matrix_with(deployment, kind, Evidence::Requests)
}

/// Evaluates the matrix of a deployment, keeping as much of each cell's evidence as `evidence` says.
///
/// # Errors
///
/// Returns an error when a generated policy or request is not one the evaluator reads, which is a bug.
pub fn matrix_with(deployment: &Deployment, kind: Columns, evidence: Evidence) -> Result<Matrix, ExplainError> {
    let (world, callers) = world(deployment)?;
    evaluate_matrix(&world, &callers, deployment, kind, evidence)
}

/// Evaluates the matrix of a deployment's access paths in a given world, whose callers came from
/// [`world_from_policies`] for the same deployment.
///
/// # Errors
///
/// Returns an error when a request is not one the evaluator reads, which is a bug.
pub fn matrix_in(world: &World, callers: &Callers, deployment: &Deployment, kind: Columns) -> Result<Matrix, ExplainError> {
    evaluate_matrix(world, callers, deployment, kind, Evidence::Requests)
}

fn evaluate_matrix(
    world: &World,
    callers: &Callers,
    deployment: &Deployment,
    kind: Columns,
    evidence: Evidence,
) -> Result<Matrix, ExplainError> {
    let columns = columns(deployment, kind);
    let mut rows = Vec::new();
    for (index, (path, path_callers)) in deployment.access_paths.iter().zip(&callers.by_path).enumerate() {
        for planned in planned_rows(path, path_callers) {
            let mut asked = Asked::default();
            let cells = columns
                .iter()
                .map(|column| cell(world, path, &planned.principal, &planned.route, column, &mut asked, evidence))
                .collect::<Result<Vec<_>, _>>()?;
            rows.push(Row {
                path: planned.label,
                principal: planned.principal,
                intended: planned.intended,
                access_path: Some(index),
                cells,
            });
        }
    }
    if let Some(first) = deployment.access_paths.first() {
        for (label, route) in [
            (
                "an unrelated account that knows the role and external ID",
                Route::AssumeRole { external_id: ExternalId::Right, secure: true, time: EVALUATION_TIME.to_owned() },
            ),
            ("an unrelated account, directly on the bucket", Route::Direct),
        ] {
            let mut asked = Asked::default();
            let cells = columns
                .iter()
                .map(|column| cell(world, first, &callers.outsider, &route, column, &mut asked, evidence))
                .collect::<Result<Vec<_>, _>>()?;
            rows.push(Row { path: label.to_owned(), principal: callers.outsider.clone(), intended: false, access_path: None, cells });
        }
    }
    Ok(Matrix { blueprint: deployment.name.clone(), columns: columns.into_iter().map(|column| column.heading).collect(), rows })
}

fn decide(world: &World, request: &Request, evidence: Evidence) -> Result<Hop, ExplainError> {
    let decision: Decision = eval::evaluate(world, request)
        .map_err(|error| ExplainError(format!("{} {} on {}: {error}", request.principal, request.action, request.resource)))?;
    Ok(Hop {
        principal: request.principal.clone(),
        action: request.action.clone(),
        resource: request.resource.clone(),
        outcome: decision.outcome,
        reason: decision.reason.clone(),
        statements: match evidence {
            Evidence::Requests => decision.statements.iter().map(ToString::to_string).collect(),
            // Only `--why` shows them, and a matrix without requests has no `--why`.
            Evidence::Outcomes => Vec::new(),
        },
    })
}

/// The requests one action makes on the path's bucket or key: its resource and extra context.
fn action_request(path: &AccessPath, action: &str) -> Option<(String, BTreeMap<String, Vec<String>>)> {
    let partition_arn = |rest: &str| format!("arn:{}:{rest}", partition_of(&path.role_arn));
    let mut context = BTreeMap::new();
    let prefix = path.prefix.as_deref().unwrap_or("");
    let known = crate::aws::actions::lookup(action)?;
    use crate::aws::actions::{KmsResource, ResourceType, S3Resource};
    let resource = match known.resource {
        ResourceType::S3(S3Resource::Bucket) => {
            if known.name == "s3:ListBucket" {
                context.insert("s3:prefix".to_owned(), vec![prefix.to_owned()]);
            }
            partition_arn(&format!("s3:::{}", path.bucket))
        }
        ResourceType::S3(S3Resource::Object) => partition_arn(&format!("s3:::{}/{prefix}bucketbridge-probe", path.bucket)),
        ResourceType::Kms(KmsResource::Key) => {
            context.insert("kms:ViaService".to_owned(), vec![format!("s3.{}.amazonaws.com", path.region)]);
            path.kms_key_arn.clone()?
        }
        _ => return None,
    };
    Some((resource, context))
}

fn partition_of(arn: &str) -> &str {
    arn.split(':').nth(1).unwrap_or("aws")
}

/// The requests one row has already made, with their decisions.
///
/// Every cell of a row starts from the same principal on the same path, and columns share requests (AssumeRole
/// in every one, `s3:GetBucketLocation` or `kms:Decrypt` in several), so each request is decided once per row.
/// The evaluator is a function of the world and the request, so a remembered decision is the decision.
///
/// Requests are keyed by the column's own action strings, which outlive the row, so a lookup copies nothing.
#[derive(Default)]
struct Asked<'c> {
    /// The row's AssumeRole request, once made.
    assume_role: Option<Hop>,
    /// The principal the row's requests after AssumeRole come from, once known.
    acting: Option<String>,
    /// Each action's request, by action and whether it was made over TLS.
    actions: BTreeMap<(&'c str, bool), Hop>,
}

fn cell<'c>(
    world: &World,
    path: &AccessPath,
    principal: &str,
    route: &Route,
    column: &'c Column,
    asked: &mut Asked<'c>,
    evidence: Evidence,
) -> Result<Cell, ExplainError> {
    let keep = evidence == Evidence::Requests;
    let mut hops = Vec::new();
    let secure = match route {
        Route::Direct => true,
        Route::AssumeRole { external_id, secure, time } => {
            if asked.assume_role.is_none() {
                let mut context = base_context(true);
                context.insert("aws:CurrentTime".to_owned(), vec![time.clone()]);
                match (*external_id, &path.external_id) {
                    (ExternalId::Right, Some(id)) => {
                        context.insert("sts:ExternalId".to_owned(), vec![id.clone()]);
                    }
                    (ExternalId::Wrong, _) | (ExternalId::Right, None) => {
                        context.insert("sts:ExternalId".to_owned(), vec!["not-the-agreed-id".to_owned()]);
                    }
                    (ExternalId::Missing, _) => {}
                }
                let request = Request {
                    principal: principal.to_owned(),
                    action: "sts:AssumeRole".into(),
                    resource: path.role_arn.clone(),
                    resource_account: None,
                    context,
                };
                asked.assume_role = Some(decide(world, &request, evidence)?);
            }
            let hop = asked.assume_role.as_ref().expect("the row's AssumeRole was just decided");
            if hop.outcome != Outcome::Allow {
                let reason = format!("sts:AssumeRole: {}", hop.reason);
                let hops = if keep { vec![hop.clone()] } else { Vec::new() };
                return Ok(Cell { outcome: hop.outcome, partial: false, reason, hops });
            }
            if keep {
                hops.push(hop.clone());
            }
            *secure
        }
    };
    let acting = match route {
        Route::Direct => principal,
        Route::AssumeRole { .. } => asked.acting.get_or_insert_with(|| session_of(&path.role_arn)).as_str(),
    }
    .to_owned();
    let mut allowed = 0;
    let mut refusal: Option<(Outcome, String)> = None;
    // KMS calls happen only inside an S3 request that S3 allowed, and S3 makes them itself, over TLS: they are
    // evaluated after the S3 requests, with TLS, and only when some S3 request got through.
    // A capability column asks, for a path confined to a prefix, for the capability as such a path is granted it
    // (`capability::confinable`); the actions left out are still asked for in the action columns, where they
    // must be refused.
    let (s3_actions, kms_actions): (Vec<&String>, Vec<&String>) = column
        .actions
        .iter()
        .filter(|action| !column.capability || path.prefix.is_none() || capability::confinable(action))
        .partition(|action| action.starts_with("s3:"));
    for action in s3_actions.into_iter().chain(kms_actions) {
        let via_s3 = action.starts_with("kms:");
        if via_s3 && allowed == 0 {
            continue;
        }
        let tls = secure || via_s3;
        let key = (action.as_str(), tls);
        let hop: &Hop = match asked.actions.entry(key) {
            Entry::Occupied(entry) => entry.into_mut(),
            Entry::Vacant(entry) => {
                let Some((resource, extra)) = action_request(path, action) else { continue };
                let mut context = base_context(tls);
                context.extend(extra);
                let resource_account = action.starts_with("s3:").then(|| path.bucket_owner.clone());
                let request = Request { principal: acting.clone(), action: action.clone(), resource, resource_account, context };
                entry.insert(decide(world, &request, evidence)?)
            }
        };
        if hop.outcome == Outcome::Allow {
            allowed += 1;
        } else {
            // An explicit deny is the stronger statement about a path, so it is the one reported.
            let replace = match &refusal {
                None => true,
                Some((Outcome::ImplicitDeny, _)) => hop.outcome == Outcome::ExplicitDeny,
                Some(_) => false,
            };
            if replace {
                refusal = Some((hop.outcome, format!("{}: {}", hop.action, hop.reason)));
            }
        }
        if keep {
            hops.push(hop.clone());
        }
    }
    Ok(match refusal {
        None => Cell { outcome: Outcome::Allow, partial: false, reason: String::new(), hops },
        Some((outcome, reason)) => Cell { outcome, partial: allowed > 0, reason, hops },
    })
}

impl Cell {
    /// The cell as a short text: `Allow`, or the outcome and its reason.
    pub fn text(&self) -> String {
        match (self.outcome, self.partial) {
            (Outcome::Allow, _) => "Allow".to_owned(),
            (outcome, true) => format!("Partial, {outcome} ({})", self.reason),
            (outcome, false) => format!("{outcome} ({})", self.reason),
        }
    }
}

impl Matrix {
    /// The matrix as a Markdown document: a title and [`Matrix::markdown_section`].
    pub fn to_markdown(&self) -> String {
        self.markdown_with_section(&self.markdown_section())
    }

    /// [`Matrix::to_markdown`] around a `section` that [`Matrix::markdown_section`] already rendered, for callers
    /// that need both: a large matrix's section takes a while to render.
    pub fn markdown_with_section(&self, section: &str) -> String {
        format!("# Access matrix: `{}`\n\n{section}", self.blueprint)
    }

    /// The explanation and the table, without a title, for inclusion in other documents.
    pub fn markdown_section(&self) -> String {
        let mut text = String::new();
        text.push_str("Who can do what, decided by bucketbridge's IAM evaluator from the generated policies (identity, trust, bucket and key policies).\n");
        text.push_str(&format!("Requests carry `aws:SecureTransport` as the row says and `aws:CurrentTime` = `{EVALUATION_TIME}`.\n"));
        text.push_str(
            "Service control policies, permission boundaries, session policies and ACLs are not modelled: they can only remove access.\n",
        );
        text.push_str("Run `bucketbridge explain --why ROW:COLUMN` on the blueprint for the statements that decided a cell.\n\n");
        text.push_str("| # | path | ");
        text.push_str(&self.columns.iter().map(|column| escape(column)).collect::<Vec<_>>().join(" | "));
        text.push_str(" |\n|---|---|");
        text.push_str(&"---|".repeat(self.columns.len()));
        text.push('\n');
        for (index, row) in self.rows.iter().enumerate() {
            text.push_str(&format!("| {} | {} | ", index + 1, escape(&row.path)));
            text.push_str(&row.cells.iter().map(|cell| escape(&cell.text())).collect::<Vec<_>>().join(" | "));
            text.push_str(" |\n");
        }
        text
    }

    /// The matrix as a plain-text table for a terminal.
    pub fn to_table(&self) -> String {
        let mut lines: Vec<Vec<String>> =
            vec![std::iter::once("#".to_owned()).chain(std::iter::once("path".to_owned())).chain(self.columns.iter().cloned()).collect()];
        for (index, row) in self.rows.iter().enumerate() {
            let short = |cell: &Cell| match (cell.outcome, cell.partial) {
                (Outcome::Allow, _) => "Allow".to_owned(),
                (outcome, true) => format!("Partial/{outcome}"),
                (outcome, false) => outcome.to_string(),
            };
            lines.push(
                std::iter::once((index + 1).to_string())
                    .chain(std::iter::once(row.path.clone()))
                    .chain(row.cells.iter().map(short))
                    .collect(),
            );
        }
        let widths: Vec<usize> =
            (0..lines[0].len()).map(|column| lines.iter().map(|line| line[column].chars().count()).max().unwrap_or(0)).collect();
        let mut text = String::new();
        for line in &lines {
            let cells: Vec<String> = line.iter().zip(&widths).map(|(cell, width)| format!("{cell:<width$}")).collect();
            text.push_str(cells.join("  ").trim_end());
            text.push('\n');
        }
        text.push_str("\nReasons for denials: `bucketbridge explain --why ROW:COLUMN`; every cell with reasons: `--format json`.\n");
        text
    }

    /// The explanation of one cell: each request on the path, its decision and the statements that decided.
    pub fn why(&self, row: usize, column: usize) -> Option<String> {
        let row_data = self.rows.get(row)?;
        let cell = row_data.cells.get(column)?;
        let mut text = format!("{} / {}: {}\n", row_data.path, self.columns[column], cell.text());
        for hop in &cell.hops {
            text.push_str(&format!("  {} {} on {}\n    {}: {}\n", hop.principal, hop.action, hop.resource, hop.outcome, hop.reason));
            for statement in &hop.statements {
                text.push_str(&format!("    - {statement}\n"));
            }
        }
        Some(text)
    }
}

fn escape(text: &str) -> String {
    text.replace('|', "\\|")
}
