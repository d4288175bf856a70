//! IAM policy documents as typed values.
//!
//! One [`PolicyDocument`] type serves identity policies, trust policies, bucket policies and key policies.
//! ARNs inside are [`Value`]s, so a statement can name "this bucket" before anyone knows its ARN.
//! The Terraform emitter turns a document into a `data "aws_iam_policy_document"` block, the CloudFormation
//! emitter into a `PolicyDocument` map, and [`PolicyDocument::to_json`] into AWS's JSON form for the
//! handoff document and the access evaluator.

use std::borrow::Cow;
use std::collections::BTreeMap;

use serde::Serialize;

use super::value::{Part, Value};

/// The only policy language version AWS documents for current features (policy variables, `IfExists`).
pub const POLICY_VERSION: &str = "2012-10-17";

/// A policy document: statements in the order the model wrote them.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PolicyDocument {
    /// Statements, in model order (which the emitted document keeps).
    pub statements: Vec<Statement>,
}

/// Whether a statement allows or denies.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Effect {
    /// Grants the actions.
    Allow,
    /// Denies the actions, overriding any allow.
    Deny,
}

/// One statement.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Statement {
    /// Says what the statement is for (`DenyInsecureTransport`, `AllowAcmeUpload`); unique in its document.
    /// Borrowed when it is a constant, as almost every statement ID is.
    pub sid: Cow<'static, str>,
    /// Allow or deny.
    pub effect: Effect,
    /// Who the statement applies to; `None` in identity policies, which apply to whoever holds them.
    pub principal: Option<Principal>,
    /// Action names, sorted and deduplicated.
    pub actions: Actions,
    /// Resources in model order; empty in trust policies, where the role itself is the resource.
    pub resources: Vec<Value>,
    /// Conditions, all of which must hold; in model order.
    pub conditions: Vec<Condition>,
}

/// Action names, sorted and deduplicated: a statement's `Action` element, or one part of a grant.
///
/// Every action the model names is a constant or an entry of `aws::actions`' table (validation accepts no other,
/// and the table's spelling is the one kept), so a name is a `&'static str` and a list costs one allocation, none
/// when empty. At 10,000 clients this matters: a `BTreeSet<String>` cost a tree node of eleven keys and a string
/// per action, in every statement and grant.
#[derive(Clone, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct Actions(Box<[&'static str]>);

impl Actions {
    /// The names, sorted.
    pub fn iter(&self) -> impl ExactSizeIterator<Item = &'static str> + '_ {
        self.0.iter().copied()
    }

    /// The names as a sorted slice.
    pub fn as_slice(&self) -> &[&'static str] {
        &self.0
    }

    /// Whether `action` is one of the names, spelled exactly so.
    pub fn contains(&self, action: &str) -> bool {
        self.0.binary_search(&action).is_ok()
    }

    /// How many names there are.
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// Whether there is no name.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// Adds `action`, keeping the names sorted and deduplicated.
    pub fn insert(&mut self, action: &'static str) {
        if let Err(position) = self.0.binary_search(&action) {
            let mut names = std::mem::take(&mut self.0).into_vec();
            names.insert(position, action);
            self.0 = names.into_boxed_slice();
        }
    }

    /// Removes `action`, and says whether it was there.
    pub fn remove(&mut self, action: &str) -> bool {
        let before = self.0.len();
        self.retain(|name| name != action);
        self.0.len() != before
    }

    /// Keeps only the names `keep` accepts.
    pub fn retain(&mut self, mut keep: impl FnMut(&'static str) -> bool) {
        if !self.0.iter().all(|name| keep(name)) {
            self.0 = self.0.iter().copied().filter(|name| keep(name)).collect();
        }
    }
}

impl FromIterator<&'static str> for Actions {
    fn from_iter<I: IntoIterator<Item = &'static str>>(names: I) -> Actions {
        let mut names: Vec<&'static str> = names.into_iter().collect();
        names.sort_unstable();
        names.dedup();
        Actions(names.into_boxed_slice())
    }
}

impl IntoIterator for Actions {
    type Item = &'static str;
    type IntoIter = std::vec::IntoIter<&'static str>;

    fn into_iter(self) -> Self::IntoIter {
        self.0.into_vec().into_iter()
    }
}

impl<'a> IntoIterator for &'a Actions {
    type Item = &'static str;
    type IntoIter = std::iter::Copied<std::slice::Iter<'a, &'static str>>;

    fn into_iter(self) -> Self::IntoIter {
        self.0.iter().copied()
    }
}

/// The `Principal` element of a resource policy.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Principal {
    /// `"*"`: every caller. Only used in deny statements, where it makes the deny universal.
    Anyone,
    /// IAM principals (roles, users, account roots), in model order.
    Aws(Vec<Value>),
    /// AWS service principals such as `ec2.amazonaws.com`, in model order.
    Service(Vec<String>),
}

/// One condition: `operator` applied to the context key `key`, true when any of `values` matches.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Condition {
    /// The condition operator.
    pub operator: ConditionOperator,
    /// The context key, as AWS spells it (`sts:ExternalId`); the model only uses keys it names itself.
    pub key: &'static str,
    /// The values; the condition holds when the key matches any of them.
    pub values: Vec<Value>,
}

/// The condition operators the model uses.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum ConditionOperator {
    /// Exact, case-sensitive string match.
    StringEquals,
    /// Case-sensitive match with `*` and `?` wildcards.
    StringLike,
    /// Negated exact match; like every negated operator it also holds when the key is absent, so it is paired
    /// with [`ConditionOperator::Null`] where absence must not match.
    StringNotEquals,
    /// Tests presence: `"true"` holds when the key is absent, `"false"` when it is present.
    Null,
    /// Boolean match against `"true"` or `"false"`.
    Bool,
    /// ARN match with wildcards, component by component.
    ArnLike,
    /// Strictly before the given time.
    DateLessThan,
    /// Strictly after the given time.
    DateGreaterThan,
}

impl ConditionOperator {
    /// The operator's name in policy JSON and in Terraform's `test` attribute.
    pub fn as_str(self) -> &'static str {
        match self {
            ConditionOperator::StringEquals => "StringEquals",
            ConditionOperator::StringLike => "StringLike",
            ConditionOperator::StringNotEquals => "StringNotEquals",
            ConditionOperator::Null => "Null",
            ConditionOperator::Bool => "Bool",
            ConditionOperator::ArnLike => "ArnLike",
            ConditionOperator::DateLessThan => "DateLessThan",
            ConditionOperator::DateGreaterThan => "DateGreaterThan",
        }
    }
}

impl Effect {
    /// `"Allow"` or `"Deny"`.
    pub fn as_str(self) -> &'static str {
        match self {
            Effect::Allow => "Allow",
            Effect::Deny => "Deny",
        }
    }
}

impl Statement {
    /// A statement with no principal, resources or conditions yet.
    pub fn new(sid: impl Into<Cow<'static, str>>, effect: Effect, actions: impl IntoIterator<Item = &'static str>) -> Statement {
        Statement {
            sid: sid.into(),
            effect,
            principal: None,
            actions: actions.into_iter().collect(),
            resources: Vec::new(),
            conditions: Vec::new(),
        }
    }

    /// The same statement with a principal.
    pub fn with_principal(mut self, principal: Principal) -> Statement {
        self.principal = Some(principal);
        self
    }

    /// The same statement with these resources appended.
    pub fn with_resources(mut self, resources: impl IntoIterator<Item = Value>) -> Statement {
        self.resources.extend(resources);
        self
    }

    /// The same statement with one more condition.
    pub fn with_condition(mut self, operator: ConditionOperator, key: &'static str, values: impl IntoIterator<Item = Value>) -> Statement {
        // A statement has one or two conditions, and `push` alone would make room for four.
        self.conditions.reserve_exact(1);
        self.conditions.push(Condition { operator, key, values: values.into_iter().collect() });
        self
    }
}

impl PolicyDocument {
    /// A document holding these statements.
    pub fn new(mut statements: Vec<Statement>) -> PolicyDocument {
        // A list built by `push` can hold spare room, and a model keeps a document for each client.
        statements.shrink_to_fit();
        PolicyDocument { statements }
    }

    /// Every value in the document (principals, resources, condition values), in document order.
    pub fn values(&self) -> impl Iterator<Item = &Value> {
        self.statements.iter().flat_map(|statement| {
            let principals: &[Value] = match &statement.principal {
                Some(Principal::Aws(values)) => values,
                _ => &[],
            };
            principals
                .iter()
                .chain(statement.resources.iter())
                .chain(statement.conditions.iter().flat_map(|condition| condition.values.iter()))
        })
    }

    /// AWS's JSON form, with symbolic parts resolved by `resolve`.
    ///
    /// Single values are written as arrays throughout: AWS accepts both, and one shape keeps the
    /// document stable when a blueprint adds a second client or action.
    pub fn to_aws_json(&self, resolve: &dyn Fn(&Part) -> String) -> AwsPolicyDocument {
        let resolve_all = |values: &[Value]| -> Vec<String> { values.iter().map(|value| value.resolve(resolve)).collect() };
        let statements = self
            .statements
            .iter()
            .map(|statement| AwsStatement {
                sid: statement.sid.clone(),
                effect: statement.effect.as_str(),
                principal: statement.principal.as_ref().map(|principal| match principal {
                    Principal::Anyone => AwsPrincipal::Anyone("*"),
                    Principal::Aws(values) => AwsPrincipal::Aws { aws: resolve_all(values) },
                    Principal::Service(services) => AwsPrincipal::Service { service: services.clone() },
                }),
                action: statement.actions.clone(),
                resource: (!statement.resources.is_empty()).then(|| resolve_all(&statement.resources)),
                condition: (!statement.conditions.is_empty()).then(|| {
                    let mut operators: BTreeMap<&'static str, BTreeMap<&'static str, Vec<String>>> = BTreeMap::new();
                    for condition in &statement.conditions {
                        operators.entry(condition.operator.as_str()).or_default().insert(condition.key, resolve_all(&condition.values));
                    }
                    operators
                }),
            })
            .collect();
        AwsPolicyDocument { version: POLICY_VERSION, statement: statements }
    }
}

/// A policy document in AWS's JSON shape, with every value concrete. Field order is AWS's documented order.
#[derive(Clone, Debug, Serialize)]
pub struct AwsPolicyDocument {
    /// Always [`POLICY_VERSION`].
    #[serde(rename = "Version")]
    pub version: &'static str,
    /// The statements, in model order.
    #[serde(rename = "Statement")]
    pub statement: Vec<AwsStatement>,
}

/// One statement in AWS's JSON shape.
#[derive(Clone, Debug, Serialize)]
pub struct AwsStatement {
    /// The statement ID.
    #[serde(rename = "Sid")]
    pub sid: Cow<'static, str>,
    /// `Allow` or `Deny`.
    #[serde(rename = "Effect")]
    pub effect: &'static str,
    /// The principal, in resource policies only.
    #[serde(rename = "Principal", skip_serializing_if = "Option::is_none")]
    pub principal: Option<AwsPrincipal>,
    /// Action names, sorted.
    #[serde(rename = "Action")]
    pub action: Actions,
    /// Resource ARNs; absent in trust policies.
    #[serde(rename = "Resource", skip_serializing_if = "Option::is_none")]
    pub resource: Option<Vec<String>>,
    /// Operator, then key, then values; operators and keys sorted.
    #[serde(rename = "Condition", skip_serializing_if = "Option::is_none")]
    pub condition: Option<BTreeMap<&'static str, BTreeMap<&'static str, Vec<String>>>>,
}

/// The `Principal` element in AWS's JSON shape.
#[derive(Clone, Debug, Serialize)]
#[serde(untagged)]
pub enum AwsPrincipal {
    /// `"*"`.
    Anyone(&'static str),
    /// `{"AWS": [...]}`.
    Aws {
        /// Principal ARNs.
        #[serde(rename = "AWS")]
        aws: Vec<String>,
    },
    /// `{"Service": [...]}`.
    Service {
        /// Service principal names.
        #[serde(rename = "Service")]
        service: Vec<String>,
    },
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::value::arn;

    #[test]
    fn actions_are_sorted_and_deduplicated() {
        let statement = Statement::new("S", Effect::Allow, ["s3:PutObject", "s3:GetObject", "s3:PutObject"]);
        assert_eq!(statement.actions.as_slice(), ["s3:GetObject", "s3:PutObject"]);
    }

    #[test]
    fn json_form_groups_conditions_by_operator_and_resolves_parts() {
        let document = PolicyDocument::new(vec![
            Statement::new("Trust", Effect::Allow, ["sts:AssumeRole"])
                .with_principal(Principal::Aws(vec![arn::account_root("444455556666")]))
                .with_condition(ConditionOperator::StringEquals, "sts:ExternalId", [Value::literal("HMI-ACME")])
                .with_condition(ConditionOperator::StringEquals, "aws:PrincipalAccount", [Value::literal("444455556666")]),
        ]);
        let json = serde_json::to_value(document.to_aws_json(&|_| "aws".into())).expect("policy documents serialize");
        assert_eq!(json["Statement"][0]["Principal"]["AWS"][0], "arn:aws:iam::444455556666:root");
        assert_eq!(json["Statement"][0]["Condition"]["StringEquals"]["sts:ExternalId"][0], "HMI-ACME");
        assert_eq!(json["Statement"][0]["Condition"]["StringEquals"]["aws:PrincipalAccount"][0], "444455556666");
        assert!(json["Statement"][0].get("Resource").is_none(), "trust policies have no Resource element");
    }
}
