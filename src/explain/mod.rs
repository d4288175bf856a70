//! The access matrix: who can do what with each bucket, decided by the evaluator from the generated policies.
//!
//! [`world`] turns a deployment's modules into an evaluator [`World`]: every role with its trust policy and the
//! managed policies attached to it, every bucket with its policy, every key with its key policy, all resolved
//! for the module's own account. [`matrix`] then walks the paths that matter for each declared
//! [`AccessPath`]: the caller through its role with the right external ID, with a wrong or missing one, over
//! plain HTTP, the caller's account's other principals, and an unrelated account.
//!
//! [`world`] is [`world_from_policies`] over [`policies::from_model`], and [`matrix`] is [`matrix_in`] over that
//! world, computed one path at a time by [`PathMatrix`] so that a large deployment's policies are never all in
//! memory: the same matrix can be computed from what an emitted target grants. [`from_cloudformation`] and
//! [`from_terraform`] read a module's template or Terraform files back into [`ModulePolicies`]. The readers read
//! emitted files only, never the model, so a matrix from a target equals the model's only when the emitter kept
//! the model's meaning.
//!
//! Context that real requests always carry is given explicitly, never defaulted: `aws:SecureTransport` and
//! `aws:CurrentTime` (fixed at [`EVALUATION_TIME`], so the matrix is the same every run).

use std::collections::{BTreeMap, BTreeSet};
use std::ops::Range;
use std::sync::Arc;

use serde::{Serialize, Serializer};

pub mod from_cloudformation;
pub mod from_terraform;
pub mod policies;
mod shared;

pub use policies::{Environment, ModulePolicies, ReadError, ReadErrorKind};
pub use shared::SharedBatches;

use crate::eval::{self, LabelledPolicy, Outcome, RequestView, World};
use crate::model::capability::{self, Capability};
use crate::model::policy::PolicyDocument;
use crate::model::resolve::Resolver;
use crate::model::{AccessPath, Caller, Deployment, Module};
use policies::{ModelDocument, RolePolicies};

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
    /// Why, in a few words. Shared: a large matrix has hundreds of thousands of cells and a handful of reasons.
    #[serde(serialize_with = "serialize_str")]
    pub reason: Arc<str>,
    /// Every request made, with its decision, for `--why`; empty in a matrix computed with
    /// [`Evidence::Outcomes`].
    pub hops: Vec<Hop>,
}

fn serialize_str<S: Serializer>(text: &str, serializer: S) -> Result<S::Ok, S::Error> {
    serializer.serialize_str(text)
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

fn world_error(error: eval::WorldError) -> ExplainError {
    ExplainError(error.to_string())
}

/// What every path's world holds beside the modules: the partition the callers live in, the unrelated account's
/// user, and the policy of every principal whose own account grants it everything.
struct Outside {
    partition: String,
    outsider: String,
    everything: Arc<eval::PolicyDocument>,
}

impl Outside {
    fn of(deployment: &Deployment) -> Result<Outside, ExplainError> {
        let outsider_account = OUTSIDER_ACCOUNTS
            .into_iter()
            .find(|account| !deployment.modules.iter().any(|module| module.account == *account))
            .unwrap_or(OUTSIDER_ACCOUNTS[0]);
        let partition = deployment.modules.first().map_or("aws", |module| module.partition.as_str()).to_owned();
        let everything = serde_json::json!({
            "Version": "2012-10-17",
            "Statement": [{"Effect": "Allow", "Action": ["sts:AssumeRole", "s3:*", "kms:*"], "Resource": "*"}]
        });
        let everything = eval::PolicyDocument::from_json(&everything).map_err(|error| ExplainError(error.to_string()))?;
        let outsider = format!("arn:{partition}:iam::{outsider_account}:user/outsider");
        Ok(Outside { partition, outsider, everything: Arc::new(everything) })
    }

    /// A policy that grants everything, under `label`.
    fn everything(&self, label: String) -> LabelledPolicy {
        LabelledPolicy::shared(label, Arc::clone(&self.everything))
    }
}

fn add_callers(world: &mut World, deployment: &Deployment) -> Result<Callers, ExplainError> {
    let outside = Outside::of(deployment)?;
    add_outside_resources(world, deployment, &outside)?;
    let mut callers = Callers { outsider: outside.outsider.clone(), by_path: Vec::new() };
    // One resolver for every path: building one indexes the whole module, so one per path would make a
    // thousand-client matrix quadratic.
    let resolver = match deployment.modules.first() {
        Some(module) => Resolver::new(module),
        None if deployment.access_paths.is_empty() => return Ok(callers),
        None => return Err(ExplainError("a deployment without modules has access paths".into())),
    };
    for path in &deployment.access_paths {
        callers.by_path.push(add_path_callers(world, &outside, path, &resolver)?);
    }
    Ok(callers)
}

/// Adds what the deployment's paths reach that no module creates, and the unrelated account's user: existing keys
/// (as their manual steps leave them) and buckets the deployment does not create.
fn add_outside_resources(world: &mut World, deployment: &Deployment, outside: &Outside) -> Result<(), ExplainError> {
    world
        .add_user(&outside.outsider, vec![outside.everything("outsider's own account grants everything".to_owned())])
        .map_err(world_error)?;
    for path in &deployment.access_paths {
        if let (Some(key_arn), Some(module)) = (&path.kms_key_arn, deployment.modules.first()) {
            if world.key(key_arn).is_none() {
                add_existing_key(world, module, key_arn)?;
            }
        }
    }
    for path in &deployment.access_paths {
        if world.bucket(&path.bucket).is_none() {
            // A bucket the deployment does not create (an existing one, or the stand-in for every bucket): its
            // policy is not ours, so it has none here and only the generated policies decide.
            world.add_bucket(&path.bucket, &path.bucket_owner, None).map_err(world_error)?;
        }
    }
    Ok(())
}

/// Adds the principals one path's rows start from, with their own policies, and says who they are.
fn add_path_callers(world: &mut World, outside: &Outside, path: &AccessPath, resolver: &Resolver<'_>) -> Result<PathCallers, ExplainError> {
    let partition = &outside.partition;
    Ok(match &path.caller {
        Caller::Account { account, assume_role_policy } => {
            let words = crate::model::resource::identifier_words(&path.name).join("-");
            let operator = format!("arn:{partition}:iam::{account}:user/{words}-operator");
            let policy = parse_model_policy(format!("{} handoff policy", path.name), assume_role_policy, resolver)?;
            world.add_user(&operator, vec![policy]).map_err(world_error)?;
            let administrator = format!("arn:{partition}:iam::{account}:user/administrator");
            if world.user(&administrator).is_none() {
                world
                    .add_user(&administrator, vec![outside.everything(format!("account {account} grants everything"))])
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
                        vec![outside.everything(format!("account {account} grants everything"))],
                    )
                    .map_err(world_error)?;
            }
            PathCallers { operator: session_of(arn), administrator: Some(session_of(&administrator)), other: None }
        }
    })
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
    eval::PolicyDocument::from_json(&policies::empty_policy()).map_err(|error| ExplainError(error.to_string()))
}

/// How a module's documents become evaluator policies: JSON is parsed, a model document is resolved first.
type Parse<'p, D> = &'p mut dyn FnMut(String, &D) -> Result<LabelledPolicy, ExplainError>;

fn parse_json(label: String, json: &serde_json::Value) -> Result<LabelledPolicy, ExplainError> {
    parse_policy(label, json)
}

fn add_module(world: &mut World, module: &ModulePolicies) -> Result<(), ExplainError> {
    for role in &module.roles {
        add_role(world, module, role, &mut parse_json)?;
    }
    add_storage(world, module, &mut parse_json)
}

fn add_role<D>(world: &mut World, module: &ModulePolicies<D>, role: &RolePolicies<D>, parse: Parse<'_, D>) -> Result<(), ExplainError> {
    let trust = parse(format!("trust policy of {}", role.name), &role.trust_policy)?;
    let attached = role
        .policies
        .iter()
        .map(|policy| parse(format!("{} policy {}", module.module, policy.name), &policy.document))
        .collect::<Result<Vec<_>, _>>()?;
    world.add_role(&role.arn, trust, attached).map_err(world_error)
}

/// Adds a module's buckets and keys.
fn add_storage<D>(world: &mut World, module: &ModulePolicies<D>, parse: Parse<'_, D>) -> Result<(), ExplainError> {
    for bucket in &module.buckets {
        let policy = match &bucket.policy {
            Some(document) => Some(parse(format!("bucket policy of {}", bucket.name), document)?),
            None => None,
        };
        world.add_bucket(&bucket.name, &module.account, policy).map_err(world_error)?;
    }
    for key in &module.keys {
        world.add_key(&key.arn, parse(format!("key policy of {}", key.arn), &key.key_policy)?).map_err(world_error)?;
    }
    Ok(())
}

/// Parses a model module's document as [`policies::from_model`] and [`parse_policy`] together would.
fn parse_model_document(label: String, document: &ModelDocument<'_>, resolver: &Resolver<'_>) -> Result<LabelledPolicy, ExplainError> {
    match document {
        Some(document) => parse_model_policy(label, document, resolver),
        None => parse_policy(label, &policies::empty_policy()),
    }
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
    /// Its S3 actions, in column order.
    s3_actions: Vec<ColumnAction>,
    /// Its other actions (KMS), in column order.
    kms_actions: Vec<ColumnAction>,
    /// Whether the column is a capability (rather than one action).
    capability: bool,
}

/// One action of a column, with what its requests need to know about it, looked up once.
struct ColumnAction {
    name: String,
    /// The action's index among the distinct actions of every column, which rows key their requests by.
    id: usize,
    /// The type of resource it acts on, if the action is known.
    resource: Option<crate::aws::actions::ResourceType>,
    /// Whether it is `s3:ListBucket`, whose requests carry `s3:prefix`.
    lists: bool,
    /// Whether a path confined to a prefix is granted it ([`capability::confinable`]).
    confinable: bool,
    /// Whether it is an S3 action, whose requests name the bucket's owner.
    s3: bool,
    /// Whether it is a KMS action, which S3 makes on the caller's behalf.
    via_s3: bool,
}

impl Column {
    fn new(heading: String, actions: Vec<String>, capability: bool) -> Column {
        let (s3_actions, kms_actions) = actions
            .into_iter()
            .map(|name| {
                let known = crate::aws::actions::lookup(&name);
                ColumnAction {
                    id: 0,
                    resource: known.map(|known| known.resource),
                    lists: known.is_some_and(|known| known.name == "s3:ListBucket"),
                    confinable: capability::confinable(&name),
                    s3: name.starts_with("s3:"),
                    via_s3: name.starts_with("kms:"),
                    name,
                }
            })
            .partition(|action| action.s3);
        Column { heading, s3_actions, kms_actions, capability }
    }
}

fn columns(deployment: &Deployment, kind: Columns) -> Vec<Column> {
    let mut columns = columns_of(deployment, kind);
    let mut ids: BTreeMap<String, usize> = BTreeMap::new();
    for action in columns.iter_mut().flat_map(|column| column.s3_actions.iter_mut().chain(&mut column.kms_actions)) {
        let next = ids.len();
        action.id = *ids.entry(action.name.clone()).or_insert(next);
    }
    columns
}

fn columns_of(deployment: &Deployment, kind: Columns) -> Vec<Column> {
    let uses_kms = deployment.access_paths.iter().any(|path| path.kms_key_arn.is_some());
    match kind {
        Columns::Capabilities => capability::ALL
            .iter()
            .map(|capability| Column::new(capability.name().to_owned(), capability_actions(*capability, uses_kms), true))
            .collect(),
        Columns::Actions => {
            let mut actions: Vec<String> = deployment.access_paths.iter().flat_map(|path| path.grant.all()).map(str::to_owned).collect();
            actions.sort();
            actions.dedup();
            actions.into_iter().map(|action| Column::new(action.clone(), vec![action], false)).collect()
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
/// The same as [`matrix_in`] over [`world`], computed path by path ([`PathMatrix`]), so that only one path's
/// principals and policies are in memory at a time.
///
/// # Errors
///
/// Returns an error when a generated policy or request is not one the evaluator reads, which is a bug.
pub fn matrix_with(deployment: &Deployment, kind: Columns, evidence: Evidence) -> Result<Matrix, ExplainError> {
    let paths = PathMatrix::new(deployment, kind, evidence)?;
    let mut rows = paths.rows(0..deployment.access_paths.len())?;
    rows.extend(paths.outsider_rows()?);
    Ok(paths.matrix(rows))
}

/// How many access paths [`PathMatrix::batches`] evaluates into one batch: a few hundred rows, a few hundred
/// kilobytes of table. Unit tests use an odd few, so that their matrices come in many batches.
pub const PATHS_PER_BATCH: usize = if cfg!(test) { 7 } else { 100 };

/// Evaluates the matrix of a deployment's access paths in a given world, whose callers came from
/// [`world_from_policies`] for the same deployment.
///
/// # Errors
///
/// Returns an error when a request is not one the evaluator reads, which is a bug.
pub fn matrix_in(world: &World, callers: &Callers, deployment: &Deployment, kind: Columns) -> Result<Matrix, ExplainError> {
    let columns = columns(deployment, kind);
    let mut reasons = Reasons::default();
    let mut rows = Vec::new();
    for (index, (path, path_callers)) in deployment.access_paths.iter().zip(&callers.by_path).enumerate() {
        rows.extend(path_rows(world, path, index, path_callers, &columns, Evidence::Requests, &mut reasons)?);
    }
    if let Some(first) = deployment.access_paths.first() {
        rows.extend(outsider_rows(world, first, &callers.outsider, &columns, Evidence::Requests, &mut reasons)?);
    }
    Ok(Matrix { blueprint: deployment.name.clone(), columns: columns.into_iter().map(|column| column.heading).collect(), rows })
}

/// A deployment's matrix from its model, evaluated one access path at a time.
///
/// Each path's rows need only the path's role, its callers and the deployment's buckets and keys, so each path
/// gets a world of just those, built from the model when the path comes and dropped after it: a
/// 10,000-client matrix never holds 10,000 roles' policies. The result is [`matrix_in`]'s over [`world`], row for
/// row, since a request is decided by the principal, the resource and their policies alone.
///
/// It is `Sync`: disjoint ranges of paths can be evaluated on different threads and their rows concatenated in
/// path order, followed by [`PathMatrix::outsider_rows`].
pub struct PathMatrix<'d> {
    deployment: &'d Deployment,
    columns: Vec<Column>,
    evidence: Evidence,
    /// Each module's resolver, in deployment order.
    resolvers: Vec<Resolver<'d>>,
    /// Each module's roles, with their documents still the model's, in deployment order.
    modules: Vec<ModulePolicies<ModelDocument<'d>>>,
    /// Each role's module and index in it, by ARN.
    roles: BTreeMap<String, (usize, usize)>,
    outside: Outside,
    /// What every path's world starts from: the buckets, the keys and the unrelated account's user.
    base: World,
}

impl<'d> PathMatrix<'d> {
    /// Reads the deployment's modules and parses what every path shares (bucket and key policies).
    ///
    /// # Errors
    ///
    /// Returns an error when a generated policy is not one the evaluator reads, or two modules create the same
    /// thing, which means a bug in bucketbridge.
    pub fn new(deployment: &'d Deployment, kind: Columns, evidence: Evidence) -> Result<PathMatrix<'d>, ExplainError> {
        if deployment.modules.is_empty() && !deployment.access_paths.is_empty() {
            return Err(ExplainError("a deployment without modules has access paths".into()));
        }
        let resolvers: Vec<Resolver<'d>> = deployment.modules.iter().map(Resolver::new).collect();
        let modules: Vec<_> = deployment
            .modules
            .iter()
            .zip(&resolvers)
            .map(|(module, resolver)| policies::from_model_unconverted(module, resolver))
            .collect();
        let mut base = World::new();
        let mut roles = BTreeMap::new();
        for (module_index, (module, resolver)) in modules.iter().zip(&resolvers).enumerate() {
            add_storage(&mut base, module, &mut |label, document| parse_model_document(label, document, resolver))?;
            for (role_index, role) in module.roles.iter().enumerate() {
                if roles.insert(role.arn.clone(), (module_index, role_index)).is_some() {
                    return Err(world_error(eval::WorldError::Duplicate(role.arn.clone())));
                }
            }
        }
        let outside = Outside::of(deployment)?;
        add_outside_resources(&mut base, deployment, &outside)?;
        let paths = PathMatrix { deployment, columns: columns(deployment, kind), evidence, resolvers, modules, roles, outside, base };
        // A role no path reaches is in no path's world; its policies are read all the same, so that one the
        // evaluator cannot read is the error it is in the whole world.
        let reached: BTreeSet<&str> = deployment.access_paths.iter().flat_map(|path| paths.path_roles(path)).collect();
        let mut parsed = Parsed::default();
        for arn in paths.roles.keys().filter(|arn| !reached.contains(arn.as_str())) {
            paths.add_role(&mut World::new(), arn, &mut parsed)?;
        }
        Ok(paths)
    }

    /// The rows of the access paths in `paths` (indices in the deployment's order), in order.
    ///
    /// # Errors
    ///
    /// Returns an error when a generated policy or request is not one the evaluator reads, which is a bug.
    ///
    /// # Panics
    ///
    /// Panics when `paths` reaches past the deployment's last access path.
    pub fn rows(&self, paths: Range<usize>) -> Result<Vec<Row>, ExplainError> {
        let mut reasons = Reasons::default();
        let mut parsed = Parsed::default();
        let mut rows = Vec::new();
        for index in paths {
            let path = &self.deployment.access_paths[index];
            let mut world = self.path_world(path, &mut parsed)?;
            let callers = add_path_callers(&mut world, &self.outside, path, &self.resolvers[0])?;
            rows.extend(path_rows(&world, path, index, &callers, &self.columns, self.evidence, &mut reasons)?);
        }
        Ok(rows)
    }

    /// The rows about no access path, which follow every path's rows: an unrelated account through the first
    /// path's role, and directly on its bucket. None when the deployment has no access path.
    ///
    /// # Errors
    ///
    /// Returns an error when a generated policy or request is not one the evaluator reads, which is a bug.
    pub fn outsider_rows(&self) -> Result<Vec<Row>, ExplainError> {
        let Some(first) = self.deployment.access_paths.first() else { return Ok(Vec::new()) };
        let world = self.path_world(first, &mut Parsed::default())?;
        outsider_rows(&world, first, &self.outside.outsider, &self.columns, self.evidence, &mut Reasons::default())
    }

    /// The whole matrix in batches handed to `take` in order, each the rows of up to [`PATHS_PER_BATCH`]
    /// access paths, then one of the outsider rows; the first batch comes even when there is no path, for its
    /// columns. Stops early when `take` returns `false`. The batches' rows, concatenated, are
    /// [`matrix_with`]'s, but only one batch is ever in memory.
    ///
    /// # Errors
    ///
    /// Returns an error when a generated policy or request is not one the evaluator reads, which is a bug.
    pub fn batches(&self, take: &mut dyn FnMut(Matrix) -> bool) -> Result<(), ExplainError> {
        for index in 0..self.batch_count() {
            if !take(self.matrix(self.rows(self.batch_paths(index))?)) {
                return Ok(());
            }
        }
        take(self.matrix(self.outsider_rows()?));
        Ok(())
    }

    /// How many batches of paths come before the outsider rows: one for each [`PATHS_PER_BATCH`] paths, and
    /// one, empty, when there is no path, for its columns.
    fn batch_count(&self) -> usize {
        self.deployment.access_paths.len().div_ceil(PATHS_PER_BATCH).max(1)
    }

    /// The paths of batch `index` (indices in the deployment's order).
    fn batch_paths(&self, index: usize) -> Range<usize> {
        let count = self.deployment.access_paths.len();
        let start = count.min(index * PATHS_PER_BATCH);
        start..count.min(start + PATHS_PER_BATCH)
    }

    /// The matrix of `rows`: those of every path, in path order, then the outsider rows.
    pub fn matrix(&self, rows: Vec<Row>) -> Matrix {
        Matrix {
            blueprint: self.deployment.name.clone(),
            columns: self.columns.iter().map(|column| column.heading.clone()).collect(),
            rows,
        }
    }

    /// The roles a path's requests name that the modules create: its own, and the caller's when it is one.
    fn path_roles<'p>(&self, path: &'p AccessPath) -> impl Iterator<Item = &'p str> {
        let caller = match &path.caller {
            Caller::Role { arn } if *arn != path.role_arn => Some(arn.as_str()),
            _ => None,
        };
        std::iter::once(path.role_arn.as_str()).chain(caller).filter(|arn| self.roles.contains_key(*arn))
    }

    /// The world of one path's rows, without its callers.
    fn path_world(&self, path: &AccessPath, parsed: &mut Parsed<'d>) -> Result<World, ExplainError> {
        let mut world = self.base.clone();
        for arn in self.path_roles(path) {
            self.add_role(&mut world, arn, parsed)?;
        }
        Ok(world)
    }

    fn add_role(&self, world: &mut World, arn: &str, parsed: &mut Parsed<'d>) -> Result<(), ExplainError> {
        let (module_index, role_index) = self.roles[arn];
        let (module, resolver) = (&self.modules[module_index], &self.resolvers[module_index]);
        add_role(world, module, &module.roles[role_index], &mut |label, document: &ModelDocument<'d>| match *document {
            Some(document) => parsed.parse(module_index, label, document, resolver),
            None => parse_policy(label, &policies::empty_policy()),
        })
    }
}

/// The documents parsed last, by module and model document.
///
/// Roles often carry the same document (every client without a prefix is granted alike), and one document
/// resolved for one module always parses the same, so it is parsed once and shared.
#[derive(Default)]
struct Parsed<'d> {
    /// The most recently used last; at most [`Parsed::RECENT`].
    recent: Vec<(usize, &'d PolicyDocument, Arc<eval::PolicyDocument>)>,
}

impl<'d> Parsed<'d> {
    /// Enough for the documents that repeat from path to path, few enough that a miss costs little.
    const RECENT: usize = 8;

    fn parse(
        &mut self,
        module: usize,
        label: String,
        document: &'d PolicyDocument,
        resolver: &Resolver<'_>,
    ) -> Result<LabelledPolicy, ExplainError> {
        let known = self
            .recent
            .iter()
            .position(|(known_module, known, _)| *known_module == module && (std::ptr::eq(*known, document) || *known == document));
        if let Some(position) = known {
            let entry = self.recent.remove(position);
            let policy = LabelledPolicy::shared(label, Arc::clone(&entry.2));
            self.recent.push(entry);
            return Ok(policy);
        }
        let policy = parse_model_policy(label, document, resolver)?;
        if self.recent.len() == Self::RECENT {
            self.recent.remove(0);
        }
        self.recent.push((module, document, Arc::clone(&policy.doc)));
        Ok(policy)
    }
}

/// The rows of one access path.
fn path_rows(
    world: &World,
    path: &AccessPath,
    index: usize,
    callers: &PathCallers,
    columns: &[Column],
    evidence: Evidence,
    reasons: &mut Reasons,
) -> Result<Vec<Row>, ExplainError> {
    let on_path = OnPath { world, requests: PathRequests::of(path), evidence };
    evaluate_rows(&on_path, planned_rows(path, callers), Some(index), columns, reasons)
}

/// The rows about no path: an unrelated account through the first path's role, and directly on its bucket.
fn outsider_rows(
    world: &World,
    first: &AccessPath,
    outsider: &str,
    columns: &[Column],
    evidence: Evidence,
    reasons: &mut Reasons,
) -> Result<Vec<Row>, ExplainError> {
    let row = |label: &str, route| PlannedRow { label: label.to_owned(), principal: outsider.to_owned(), route, intended: false };
    let planned = vec![
        row(
            "an unrelated account that knows the role and external ID",
            Route::AssumeRole { external_id: ExternalId::Right, secure: true, time: EVALUATION_TIME.to_owned() },
        ),
        row("an unrelated account, directly on the bucket", Route::Direct),
    ];
    let on_path = OnPath { world, requests: PathRequests::of(first), evidence };
    evaluate_rows(&on_path, planned, None, columns, reasons)
}

/// What every cell of one path's rows is decided with.
struct OnPath<'w, 'p> {
    world: &'w World,
    requests: PathRequests<'p>,
    evidence: Evidence,
}

fn evaluate_rows(
    on_path: &OnPath<'_, '_>,
    planned: Vec<PlannedRow>,
    access_path: Option<usize>,
    columns: &[Column],
    reasons: &mut Reasons,
) -> Result<Vec<Row>, ExplainError> {
    // Every row that assumes the path's role then acts as the same session, so those rows share its requests.
    let mut session = Asked::default();
    planned
        .into_iter()
        .map(|planned| {
            let mut row = RowAsked { assume_role: None, direct: Asked::default(), session: &mut session };
            let cells = columns
                .iter()
                .map(|column| cell(on_path, &planned.principal, &planned.route, column, &mut row, reasons))
                .collect::<Result<Vec<_>, _>>()?;
            Ok(Row { path: planned.label, principal: planned.principal, intended: planned.intended, access_path, cells })
        })
        .collect()
}

/// The parts of a path's requests that do not depend on the row or the action, worked out once per path.
struct PathRequests<'p> {
    path: &'p AccessPath,
    /// The session of the path's role, which acts after AssumeRole.
    session: String,
    bucket_arn: String,
    object_arn: String,
    /// The path's prefix, or empty.
    prefix: &'p str,
    /// `kms:ViaService` of the key requests S3 makes for the path.
    via_s3: String,
}

impl<'p> PathRequests<'p> {
    fn of(path: &'p AccessPath) -> PathRequests<'p> {
        let partition = partition_of(&path.role_arn);
        let prefix = path.prefix.as_deref().unwrap_or("");
        PathRequests {
            path,
            session: session_of(&path.role_arn),
            bucket_arn: format!("arn:{partition}:s3:::{}", path.bucket),
            object_arn: format!("arn:{partition}:s3:::{}/{prefix}bucketbridge-probe", path.bucket),
            prefix,
            via_s3: format!("s3.{}.amazonaws.com", path.region),
        }
    }
}

fn partition_of(arn: &str) -> &str {
    arn.split(':').nth(1).unwrap_or("aws")
}

/// A decided request, as a cell needs it.
#[derive(Clone)]
struct Answer {
    outcome: Outcome,
    /// `action: reason`, as a refused cell reports it.
    refusal: Arc<str>,
    /// The request and its decision, when the matrix keeps them.
    hop: Option<Hop>,
}

/// The cell reasons given so far, so that the many cells with the same reason share one string.
#[derive(Default)]
struct Reasons {
    /// `action: reason` by the action and the rule that decided; a matrix has a handful.
    refusals: Vec<(Box<str>, eval::Rule, Arc<str>)>,
    /// The empty reason of an allowed cell.
    none: Option<Arc<str>>,
}

impl Reasons {
    fn refusal(&mut self, action: &str, rule: eval::Rule) -> Arc<str> {
        if let Some((_, _, text)) = self.refusals.iter().find(|(known, known_rule, _)| *known_rule == rule && **known == *action) {
            return Arc::clone(text);
        }
        let text: Arc<str> = Arc::from(format!("{action}: {}", rule.reason(action)));
        self.refusals.push((action.into(), rule, Arc::clone(&text)));
        text
    }

    fn none(&mut self) -> Arc<str> {
        Arc::clone(self.none.get_or_insert_with(|| Arc::from("")))
    }
}

/// Decides one request.
fn decide(world: &World, request: &RequestView<'_>, evidence: Evidence, reasons: &mut Reasons) -> Result<Answer, ExplainError> {
    let keep = evidence == Evidence::Requests;
    let verdict = eval::evaluate_view(world, request, keep)
        .map_err(|error| ExplainError(format!("{} {} on {}: {error}", request.principal, request.action, request.resource)))?;
    let hop = keep.then(|| Hop {
        principal: request.principal.to_owned(),
        action: request.action.to_owned(),
        resource: request.resource.to_owned(),
        outcome: verdict.outcome,
        reason: verdict.rule.reason(request.action),
        statements: verdict.statements.iter().map(ToString::to_string).collect(),
    });
    Ok(Answer { outcome: verdict.outcome, refusal: reasons.refusal(request.action, verdict.rule), hop })
}

/// Requests already decided for one acting principal, by action and whether it was made over TLS: at
/// `2 * id + tls` of the action's [`ColumnAction::id`], `Some(None)` for an action that makes no request on the
/// path.
///
/// The evaluator is a function of the world and the request, so a remembered decision is the decision.
#[derive(Default)]
struct Asked {
    answers: Vec<Option<Option<Answer>>>,
}

/// What one row has asked: every cell of a row starts from the same principal on the same path, and columns share
/// requests (AssumeRole in every one, `s3:GetBucketLocation` or `kms:Decrypt` in several).
struct RowAsked<'s> {
    /// The row's AssumeRole request, once made.
    assume_role: Option<Answer>,
    /// The requests the row's principal makes itself, on a direct route.
    direct: Asked,
    /// The requests of the path role's session, shared by the path's rows that assume it.
    session: &'s mut Asked,
}

/// The request an action makes on the path's bucket or key, and the extra context it carries; `None` for an
/// action with no resource on the path.
fn action_request<'p>(requests: &'p PathRequests<'_>, action: &ColumnAction) -> Option<(&'p str, Option<(&'static str, &'p str)>)> {
    use crate::aws::actions::{KmsResource, ResourceType, S3Resource};
    Some(match action.resource? {
        ResourceType::S3(S3Resource::Bucket) => (&requests.bucket_arn, action.lists.then_some(("s3:prefix", requests.prefix))),
        ResourceType::S3(S3Resource::Object) => (&requests.object_arn, None),
        ResourceType::Kms(KmsResource::Key) => (requests.path.kms_key_arn.as_deref()?, Some(("kms:viaservice", requests.via_s3.as_str()))),
        _ => return None,
    })
}

fn cell(
    on_path: &OnPath<'_, '_>,
    principal: &str,
    route: &Route,
    column: &Column,
    asked: &mut RowAsked<'_>,
    reasons: &mut Reasons,
) -> Result<Cell, ExplainError> {
    let OnPath { world, requests, evidence } = on_path;
    let (world, evidence) = (*world, *evidence);
    let path = requests.path;
    let mut hops = Vec::new();
    let secure = match route {
        Route::Direct => true,
        Route::AssumeRole { external_id, secure, time } => {
            if asked.assume_role.is_none() {
                let external_id = match (*external_id, &path.external_id) {
                    (ExternalId::Right, Some(id)) => Some(id.as_str()),
                    (ExternalId::Wrong, _) | (ExternalId::Right, None) => Some("not-the-agreed-id"),
                    (ExternalId::Missing, _) => None,
                };
                let (tls, time, id) = (["true"], [time.as_str()], [external_id.unwrap_or_default()]);
                let context: [(&str, &[&str]); 3] = [("aws:securetransport", &tls), ("aws:currenttime", &time), ("sts:externalid", &id)];
                let request = RequestView {
                    principal,
                    action: "sts:AssumeRole",
                    resource: &path.role_arn,
                    resource_account: None,
                    context: &context[..if external_id.is_some() { 3 } else { 2 }],
                };
                asked.assume_role = Some(decide(world, &request, evidence, reasons)?);
            }
            let answer = asked.assume_role.as_ref().expect("the row's AssumeRole was just decided");
            if answer.outcome != Outcome::Allow {
                let hops = answer.hop.iter().cloned().collect();
                return Ok(Cell { outcome: answer.outcome, partial: false, reason: Arc::clone(&answer.refusal), hops });
            }
            hops.extend(answer.hop.iter().cloned());
            *secure
        }
    };
    let (acting, cache) = match route {
        Route::Direct => (principal, &mut asked.direct),
        Route::AssumeRole { .. } => (requests.session.as_str(), &mut *asked.session),
    };
    let mut allowed = 0;
    let mut refusal: Option<(Outcome, Arc<str>)> = None;
    // KMS calls happen only inside an S3 request that S3 allowed, and S3 makes them itself, over TLS: they are
    // evaluated after the S3 requests, with TLS, and only when some S3 request got through.
    // A capability column asks, for a path confined to a prefix, for the capability as such a path is granted it
    // (`capability::confinable`); the actions left out are still asked for in the action columns, where they
    // must be refused.
    let wanted = |action: &&ColumnAction| !column.capability || path.prefix.is_none() || action.confinable;
    for action in column.s3_actions.iter().filter(wanted).chain(column.kms_actions.iter().filter(wanted)) {
        let via_s3 = action.via_s3;
        if via_s3 && allowed == 0 {
            continue;
        }
        let tls = secure || via_s3;
        let slot = 2 * action.id + usize::from(tls);
        if cache.answers.len() <= slot {
            cache.answers.resize_with(slot + 1, || None);
        }
        if cache.answers[slot].is_none() {
            let answer = match action_request(requests, action) {
                Some((resource, extra)) => {
                    let (secure_transport, now) = ([if tls { "true" } else { "false" }], [EVALUATION_TIME]);
                    let extra_value = [extra.map_or("", |(_, value)| value)];
                    let context: [(&str, &[&str]); 3] = [
                        ("aws:securetransport", &secure_transport),
                        ("aws:currenttime", &now),
                        (extra.map_or("", |(key, _)| key), &extra_value),
                    ];
                    let request = RequestView {
                        principal: acting,
                        action: &action.name,
                        resource,
                        resource_account: action.s3.then_some(path.bucket_owner.as_str()),
                        context: &context[..if extra.is_some() { 3 } else { 2 }],
                    };
                    Some(decide(world, &request, evidence, reasons)?)
                }
                None => None,
            };
            cache.answers[slot] = Some(answer);
        }
        let Some(Some(answer)) = &cache.answers[slot] else { continue };
        if answer.outcome == Outcome::Allow {
            allowed += 1;
        } else {
            // An explicit deny is the stronger statement about a path, so it is the one reported.
            let replace = match &refusal {
                None => true,
                Some((Outcome::ImplicitDeny, _)) => answer.outcome == Outcome::ExplicitDeny,
                Some(_) => false,
            };
            if replace {
                refusal = Some((answer.outcome, Arc::clone(&answer.refusal)));
            }
        }
        hops.extend(answer.hop.iter().cloned());
    }
    Ok(match refusal {
        None => Cell { outcome: Outcome::Allow, partial: false, reason: reasons.none(), hops },
        Some((outcome, reason)) => Cell { outcome, partial: allowed > 0, reason, hops },
    })
}

impl Cell {
    /// The cell as a short text: `Allow`, or the outcome and its reason.
    pub fn text(&self) -> String {
        let mut text = String::new();
        self.write_text(&mut text);
        text
    }

    /// [`Cell::text`], appended to `text`: a large matrix has hundreds of thousands of cells.
    pub fn write_text(&self, text: &mut String) {
        use std::fmt::Write as _;
        let _ = match (self.outcome, self.partial) {
            (Outcome::Allow, _) => write!(text, "Allow"),
            (outcome, true) => write!(text, "Partial, {outcome} ({})", self.reason),
            (outcome, false) => write!(text, "{outcome} ({})", self.reason),
        };
    }
}

impl Matrix {
    /// The matrix as a Markdown document: a title and [`Matrix::markdown_section`].
    pub fn to_markdown(&self) -> String {
        let mut text = self.markdown_title();
        self.write_markdown_section(&mut text);
        text
    }

    /// The title line of [`Matrix::to_markdown`], with the blank line after it.
    pub fn markdown_title(&self) -> String {
        format!("# Access matrix: `{}`\n\n", self.blueprint)
    }

    /// The explanation and the table, without a title, for inclusion in other documents.
    pub fn markdown_section(&self) -> String {
        let mut text = String::new();
        self.write_markdown_section(&mut text);
        text
    }

    /// [`Matrix::markdown_section`], appended to `text`: a 10,000-client section is 27 MB, not worth copying.
    pub fn write_markdown_section(&self, text: &mut String) {
        self.write_markdown_head(text);
        self.write_markdown_rows(1, text);
    }

    /// The start of [`Matrix::markdown_section`]: the explanation and the table's heading.
    pub fn write_markdown_head(&self, text: &mut String) {
        use std::fmt::Write as _;
        text.push_str("Who can do what, decided by bucketbridge's IAM evaluator from the generated policies (identity, trust, bucket and key policies).\n");
        let _ = writeln!(text, "Requests carry `aws:SecureTransport` as the row says and `aws:CurrentTime` = `{EVALUATION_TIME}`.");
        text.push_str(
            "Service control policies, permission boundaries, session policies and ACLs are not modelled: they can only remove access.\n",
        );
        text.push_str("Run `bucketbridge explain --why ROW:COLUMN` on the blueprint for the statements that decided a cell.\n\n");
        text.push_str("| # | path | ");
        text.push_str(&self.columns.iter().map(|column| escape(column)).collect::<Vec<_>>().join(" | "));
        text.push_str(" |\n|---|---|");
        text.push_str(&"---|".repeat(self.columns.len()));
        text.push('\n');
    }

    /// The rest of [`Matrix::markdown_section`]: a table line per row, numbered from `first_number`, so that a
    /// matrix evaluated in batches ([`PathMatrix::batches`]) is written a batch at a time.
    pub fn write_markdown_rows(&self, first_number: usize, text: &mut String) {
        use std::fmt::Write as _;
        for (number, row) in (first_number..).zip(&self.rows) {
            let _ = write!(text, "| {number} | {} |", escape(&row.path));
            for cell in &row.cells {
                // Written in place; only a cell that holds a `|` is escaped, which means writing it twice.
                text.push(' ');
                let start = text.len();
                cell.write_text(text);
                if text[start..].contains('|') {
                    let escaped = escape(&text[start..]);
                    text.truncate(start);
                    text.push_str(&escaped);
                }
                text.push_str(" |");
            }
            text.push('\n');
        }
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

#[cfg(test)]
mod tests {
    /// Another thread may evaluate a range of paths, or the whole matrix, while the files are emitted.
    #[test]
    fn the_matrix_can_be_computed_on_another_thread() {
        fn shareable<T: Send + Sync>() {}
        shareable::<super::PathMatrix<'static>>();
        shareable::<super::Matrix>();
        shareable::<super::Callers>();
    }
}
