//! IAM policy documents as typed values.
//!
//! One [`PolicyDocument`] type serves identity policies, trust policies, bucket policies and key policies.
//! ARNs inside are [`Value`]s, so a statement can name "this bucket" before anyone knows its ARN.
//! The Terraform emitter turns a document into a `data "aws_iam_policy_document"` block, the CloudFormation
//! emitter into a `PolicyDocument` map, and [`PolicyDocument::to_json`] into AWS's JSON form for the
//! handoff document and the access evaluator.

use std::collections::{BTreeMap, BTreeSet};

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
    pub sid: String,
    /// Allow or deny.
    pub effect: Effect,
    /// Who the statement applies to; `None` in identity policies, which apply to whoever holds them.
    pub principal: Option<Principal>,
    /// Action names, sorted and deduplicated.
    pub actions: BTreeSet<String>,
    /// Resources in model order; empty in trust policies, where the role itself is the resource.
    pub resources: Vec<Value>,
    /// Conditions, all of which must hold; in model order.
    pub conditions: Vec<Condition>,
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
    /// The context key, as AWS spells it (`sts:ExternalId`).
    pub key: String,
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
    pub fn new<'a>(sid: impl Into<String>, effect: Effect, actions: impl IntoIterator<Item = &'a str>) -> Statement {
        Statement {
            sid: sid.into(),
            effect,
            principal: None,
            actions: actions.into_iter().map(str::to_owned).collect(),
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
    pub fn with_condition(mut self, operator: ConditionOperator, key: &str, values: impl IntoIterator<Item = Value>) -> Statement {
        self.conditions.push(Condition { operator, key: key.to_owned(), values: values.into_iter().collect() });
        self
    }
}

impl PolicyDocument {
    /// A document holding these statements.
    pub fn new(statements: Vec<Statement>) -> PolicyDocument {
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
                action: statement.actions.iter().cloned().collect(),
                resource: (!statement.resources.is_empty()).then(|| resolve_all(&statement.resources)),
                condition: (!statement.conditions.is_empty()).then(|| {
                    let mut operators: BTreeMap<&'static str, BTreeMap<String, Vec<String>>> = BTreeMap::new();
                    for condition in &statement.conditions {
                        operators
                            .entry(condition.operator.as_str())
                            .or_default()
                            .insert(condition.key.clone(), resolve_all(&condition.values));
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
    pub sid: String,
    /// `Allow` or `Deny`.
    #[serde(rename = "Effect")]
    pub effect: &'static str,
    /// The principal, in resource policies only.
    #[serde(rename = "Principal", skip_serializing_if = "Option::is_none")]
    pub principal: Option<AwsPrincipal>,
    /// Action names, sorted.
    #[serde(rename = "Action")]
    pub action: Vec<String>,
    /// Resource ARNs; absent in trust policies.
    #[serde(rename = "Resource", skip_serializing_if = "Option::is_none")]
    pub resource: Option<Vec<String>>,
    /// Operator, then key, then values; operators and keys sorted.
    #[serde(rename = "Condition", skip_serializing_if = "Option::is_none")]
    pub condition: Option<BTreeMap<&'static str, BTreeMap<String, Vec<String>>>>,
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
        let actions: Vec<&str> = statement.actions.iter().map(String::as_str).collect();
        assert_eq!(actions, ["s3:GetObject", "s3:PutObject"]);
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
