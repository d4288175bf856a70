//! Parsing AWS JSON policy documents into precompiled statements, with errors that name
//! the JSON path of the offending element, and checks of which elements each policy kind
//! (identity, trust, bucket, key) may carry.

use super::condition::ConditionBlock;
use super::pattern::{MatchMode, Pattern};
use serde_json::{Map, Value};
use std::fmt;

/// What went wrong in a policy document.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PolicyErrorKind {
    /// A required element is missing.
    Missing(&'static str),
    /// An element this parser does not know, or that this policy kind may not carry.
    NotAllowed(String),
    /// The JSON type is wrong; the text says what was expected.
    WrongType(&'static str),
    /// The value is of the right type but invalid.
    BadValue(String),
    /// Valid AWS syntax that this evaluator does not model; rejected rather than guessed.
    Unsupported(&'static str),
}

/// A policy parse or validation error, located by JSON path (e.g. `Statement[2].Condition`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PolicyError {
    /// Path of the offending element inside the policy document.
    pub path: String,
    /// What is wrong there.
    pub kind: PolicyErrorKind,
}

impl PolicyError {
    /// The message without the path, for callers that prefix their own location.
    pub fn kind_text(&self) -> String {
        match &self.kind {
            PolicyErrorKind::Missing(what) => format!("missing {what}"),
            PolicyErrorKind::NotAllowed(what) => what.clone(),
            PolicyErrorKind::WrongType(exp) => format!("expected {exp}"),
            PolicyErrorKind::BadValue(msg) => msg.clone(),
            PolicyErrorKind::Unsupported(msg) => format!("unsupported: {msg}"),
        }
    }
}

impl fmt::Display for PolicyError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let path = if self.path.is_empty() { "(document)" } else { &self.path };
        write!(f, "{path}: {}", self.kind_text())
    }
}

impl std::error::Error for PolicyError {}

/// The effect of a statement.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Effect {
    /// `"Effect": "Allow"`.
    Allow,
    /// `"Effect": "Deny"`.
    Deny,
}

impl fmt::Display for Effect {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Effect::Allow => "Allow",
            Effect::Deny => "Deny",
        })
    }
}

/// Where a policy is attached, which decides the elements it may carry.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PolicyKind {
    /// Attached to an IAM user or role: no Principal/NotPrincipal, Resource required.
    Identity,
    /// A role trust policy: Principal required, no NotPrincipal, no Resource.
    Trust,
    /// An S3 bucket policy: Principal or NotPrincipal, Resource required.
    Bucket,
    /// A KMS key policy: Principal or NotPrincipal, Resource required (`*` = this key).
    Key,
}

/// One entry of a `Principal` or `NotPrincipal` element.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PrincipalEntry {
    /// `"Principal": "*"`: everyone, services included.
    Everyone,
    /// `{"AWS": "*"}`: every AWS identity (users and role sessions; not service principals).
    AnyAws,
    /// An account, written `arn:aws:iam::A:root` or bare `A`; stored as the account ID.
    Account(String),
    /// A user, role, assumed-role session or federated-user ARN, compared exactly.
    Arn(String),
    /// A service principal such as `ec2.amazonaws.com`.
    Service(String),
    /// A `Federated` provider: kept so policies load, never matches the principals modelled.
    Federated(String),
}

/// A `Principal` or `NotPrincipal` element.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PrincipalSet {
    /// True for `NotPrincipal`.
    pub not: bool,
    /// The entries listed.
    pub entries: Vec<PrincipalEntry>,
}

/// An `Action`/`NotAction` or `Resource`/`NotResource` element: compiled patterns.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PatternSet {
    /// True for the `Not...` form.
    pub not: bool,
    /// The patterns listed.
    pub patterns: Vec<Pattern>,
}

impl PatternSet {
    /// True when the element covers `s` (some pattern matches, or none does for `Not...`).
    pub fn covers(&self, s: &str) -> bool {
        self.patterns.iter().any(|p| p.matches(s)) != self.not
    }
}

/// One parsed statement.
#[derive(Clone, Debug)]
pub struct Statement {
    /// The `Sid`, if any.
    pub sid: Option<String>,
    /// Allow or Deny.
    pub effect: Effect,
    /// `Action` or `NotAction`.
    pub action: PatternSet,
    /// `Resource` or `NotResource`; `None` when absent (trust policies).
    pub resource: Option<PatternSet>,
    /// `Principal` or `NotPrincipal`; `None` in identity policies.
    pub principal: Option<PrincipalSet>,
    /// The `Condition` element (empty when absent).
    pub condition: ConditionBlock,
}

/// A parsed policy document.
#[derive(Clone, Debug)]
pub struct PolicyDocument {
    /// The `Version`, if given.
    pub version: Option<String>,
    /// The statements, in document order (indices in decisions refer to this order).
    pub statements: Vec<Statement>,
}

/// Where an element sits in a policy document, as errors name it (`Statement[2].Condition`).
///
/// Written out only when an error needs it: a large deployment's policies have hundreds of thousands of
/// elements, and formatting each one's path cost more than parsing it.
#[derive(Clone, Copy, Debug)]
pub(crate) enum JsonPath<'a> {
    /// A path given whole.
    Root(&'a str),
    /// A member of an object: `parent.name`.
    Field(&'a JsonPath<'a>, &'a str),
    /// An element of an array: `parent[index]`.
    Index(&'a JsonPath<'a>, usize),
}

impl fmt::Display for JsonPath<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            JsonPath::Root(path) => f.write_str(path),
            JsonPath::Field(parent, name) => write!(f, "{parent}.{name}"),
            JsonPath::Index(parent, index) => write!(f, "{parent}[{index}]"),
        }
    }
}

pub(crate) fn err(path: &(impl fmt::Display + ?Sized), kind: PolicyErrorKind) -> PolicyError {
    PolicyError { path: path.to_string(), kind }
}

pub(crate) fn bad(path: &(impl fmt::Display + ?Sized), msg: impl Into<String>) -> PolicyError {
    err(path, PolicyErrorKind::BadValue(msg.into()))
}

/// A string or a non-empty array of strings.
fn strings<'v>(v: &'v Value, path: &JsonPath<'_>) -> Result<Vec<&'v str>, PolicyError> {
    match v {
        Value::String(s) => Ok(vec![s.as_str()]),
        Value::Array(items) => {
            if items.is_empty() {
                return Err(bad(path, "empty list"));
            }
            items
                .iter()
                .enumerate()
                .map(|(i, it)| match it {
                    Value::String(s) => Ok(s.as_str()),
                    _ => Err(err(&JsonPath::Index(path, i), PolicyErrorKind::WrongType("a string"))),
                })
                .collect()
        }
        _ => Err(err(path, PolicyErrorKind::WrongType("a string or an array of strings"))),
    }
}

fn parse_actions(v: &Value, path: &JsonPath<'_>, not: bool) -> Result<PatternSet, PolicyError> {
    let mut patterns = Vec::new();
    for (i, a) in strings(v, path)?.into_iter().enumerate() {
        let p = if v.is_array() { JsonPath::Index(path, i) } else { *path };
        // ACTION: an action is `service:name`; IAM rejects a name without its service
        // prefix when the policy is saved (research note pitfall 16).
        if a != "*" {
            match a.split_once(':') {
                Some((svc, name))
                    if !svc.is_empty()
                        && !name.is_empty()
                        && !name.contains(':')
                        && svc.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-') => {}
                _ => {
                    return Err(bad(&p, format!("action {a:?} is not of the form service:action")));
                }
            }
        }
        patterns.push(Pattern::new(a, MatchMode::AsciiCaseInsensitive));
    }
    Ok(PatternSet { not, patterns })
}

fn parse_resources(v: &Value, path: &JsonPath<'_>, not: bool) -> Result<PatternSet, PolicyError> {
    let mut patterns = Vec::new();
    for (i, r) in strings(v, path)?.into_iter().enumerate() {
        let p = if v.is_array() { JsonPath::Index(path, i) } else { *path };
        if r.contains("${") {
            return Err(err(&p, PolicyErrorKind::Unsupported("policy variables (${...}) are not modelled")));
        }
        if r != "*" {
            if !r.starts_with("arn:") {
                return Err(bad(&p, format!("resource {r:?} is neither \"*\" nor an ARN")));
            }
            // RESOURCE: wildcards may not stand for the service.
            let service_wild = r.split(':').nth(2).is_some_and(|svc| svc.contains(['*', '?']));
            if service_wild && r.split(':').count() > 3 {
                return Err(bad(&p, "a wildcard in the service segment of an ARN is not allowed"));
            }
        }
        patterns.push(Pattern::new(r, MatchMode::ResourceArn));
    }
    Ok(PatternSet { not, patterns })
}

fn is_account_id(s: &str) -> bool {
    s.len() == 12 && s.bytes().all(|b| b.is_ascii_digit())
}

fn parse_aws_principal(s: &str, path: &JsonPath<'_>) -> Result<PrincipalEntry, PolicyError> {
    if s == "*" {
        return Ok(PrincipalEntry::AnyAws);
    }
    if s.contains(['*', '?']) {
        // PRINCIPAL: wildcards cannot match part of a principal name or ARN.
        return Err(bad(path, format!("partial wildcard in principal {s:?} is not allowed")));
    }
    if is_account_id(s) {
        return Ok(PrincipalEntry::Account(s.to_string()));
    }
    let parts: Vec<&str> = s.splitn(6, ':').collect();
    if parts.len() == 6 && parts[0] == "arn" && parts[3].is_empty() && is_account_id(parts[4]) {
        let (svc, acct, res) = (parts[2], parts[4], parts[5]);
        match svc {
            "iam" if res == "root" => return Ok(PrincipalEntry::Account(acct.to_string())),
            "iam" if (res.starts_with("user/") || res.starts_with("role/")) && !res.ends_with('/') => {
                return Ok(PrincipalEntry::Arn(s.to_string()));
            }
            "sts" if res.starts_with("assumed-role/") && res.split('/').count() == 3 => {
                return Ok(PrincipalEntry::Arn(s.to_string()));
            }
            "sts" if res.starts_with("federated-user/") => {
                return Ok(PrincipalEntry::Arn(s.to_string()));
            }
            _ => {}
        }
    }
    Err(err(
        path,
        PolicyErrorKind::Unsupported("AWS principal must be \"*\", an account ID, or an account-root, user, role or session ARN"),
    ))
}

fn parse_principal(v: &Value, path: &JsonPath<'_>, not: bool) -> Result<PrincipalSet, PolicyError> {
    let mut entries = Vec::new();
    match v {
        Value::String(s) if s == "*" => entries.push(PrincipalEntry::Everyone),
        Value::Object(map) => {
            if map.is_empty() {
                return Err(bad(path, "empty principal"));
            }
            for (k, vals) in map {
                let kp = JsonPath::Field(path, k);
                let list = strings(vals, &kp)?;
                for (i, s) in list.into_iter().enumerate() {
                    let ip = if vals.is_array() { JsonPath::Index(&kp, i) } else { kp };
                    let e = match k.as_str() {
                        "AWS" => parse_aws_principal(s, &ip)?,
                        "Service" => {
                            if s.is_empty() || s.contains(['*', '?', ':', '/']) {
                                return Err(bad(&ip, format!("invalid service principal {s:?}")));
                            }
                            PrincipalEntry::Service(s.to_owned())
                        }
                        "Federated" => PrincipalEntry::Federated(s.to_owned()),
                        "CanonicalUser" => {
                            return Err(err(&ip, PolicyErrorKind::Unsupported("CanonicalUser principals are not modelled")));
                        }
                        other => {
                            return Err(err(&kp, PolicyErrorKind::NotAllowed(format!("unknown principal type {other:?}"))));
                        }
                    };
                    entries.push(e);
                }
            }
        }
        _ => {
            return Err(err(path, PolicyErrorKind::WrongType("\"*\" or an object such as {\"AWS\": ...}")));
        }
    }
    Ok(PrincipalSet { not, entries })
}

/// One of two exclusive elements (`Action` or `NotAction`): its value, whether it is the second, and its name.
fn pick_pair<'a>(
    obj: &'a Map<String, Value>,
    a: &'static str,
    b: &'static str,
    path: &JsonPath<'_>,
) -> Result<Option<(&'a Value, bool, &'static str)>, PolicyError> {
    match (obj.get(a), obj.get(b)) {
        (Some(_), Some(_)) => Err(bad(path, format!("both {a} and {b}"))),
        (Some(v), None) => Ok(Some((v, false, a))),
        (None, Some(v)) => Ok(Some((v, true, b))),
        (None, None) => Ok(None),
    }
}

fn parse_statement(v: &Value, path: &JsonPath<'_>) -> Result<Statement, PolicyError> {
    let Value::Object(obj) = v else {
        return Err(err(path, PolicyErrorKind::WrongType("an object")));
    };
    for k in obj.keys() {
        if !matches!(
            k.as_str(),
            "Sid" | "Effect" | "Action" | "NotAction" | "Resource" | "NotResource" | "Principal" | "NotPrincipal" | "Condition"
        ) {
            return Err(err(&JsonPath::Field(path, k), PolicyErrorKind::NotAllowed(format!("unknown statement element {k:?}"))));
        }
    }
    let sid = match obj.get("Sid") {
        None => None,
        Some(Value::String(s)) => Some(s.clone()),
        Some(_) => {
            return Err(err(&JsonPath::Field(path, "Sid"), PolicyErrorKind::WrongType("a string")));
        }
    };
    let effect = match obj.get("Effect") {
        Some(Value::String(s)) if s == "Allow" => Effect::Allow,
        Some(Value::String(s)) if s == "Deny" => Effect::Deny,
        Some(_) => {
            return Err(bad(&JsonPath::Field(path, "Effect"), "must be \"Allow\" or \"Deny\""));
        }
        None => return Err(err(path, PolicyErrorKind::Missing("Effect"))),
    };
    let action = match pick_pair(obj, "Action", "NotAction", path)? {
        Some((v, not, name)) => parse_actions(v, &JsonPath::Field(path, name), not)?,
        None => return Err(err(path, PolicyErrorKind::Missing("Action or NotAction"))),
    };
    let resource = match pick_pair(obj, "Resource", "NotResource", path)? {
        Some((v, not, name)) => Some(parse_resources(v, &JsonPath::Field(path, name), not)?),
        None => None,
    };
    let principal = match pick_pair(obj, "Principal", "NotPrincipal", path)? {
        Some((v, not, name)) => {
            let p = JsonPath::Field(path, name);
            if not && effect == Effect::Allow {
                // NOTPRINCIPAL (current text): "Using it with Allow is not supported."
                return Err(err(&p, PolicyErrorKind::Unsupported("NotPrincipal with Allow")));
            }
            Some(parse_principal(v, &p, not)?)
        }
        None => None,
    };
    let condition = match obj.get("Condition") {
        Some(c) => ConditionBlock::parse_at(c, &JsonPath::Field(path, "Condition"))?,
        None => ConditionBlock::default(),
    };
    Ok(Statement { sid, effect, action, resource, principal, condition })
}

impl PolicyDocument {
    /// Parses a policy document. `Statement` may be an object or an array, `Version` is
    /// optional. Kind-specific rules are checked by [`PolicyDocument::validate_for`].
    pub fn from_json(v: &Value) -> Result<PolicyDocument, PolicyError> {
        let Value::Object(obj) = v else {
            return Err(err("", PolicyErrorKind::WrongType("a JSON object")));
        };
        for k in obj.keys() {
            if !matches!(k.as_str(), "Version" | "Id" | "Statement") {
                return Err(err(k, PolicyErrorKind::NotAllowed(format!("unknown policy element {k:?}"))));
            }
        }
        let version = match obj.get("Version") {
            None => None,
            Some(Value::String(s)) if s == "2012-10-17" || s == "2008-10-17" => Some(s.clone()),
            Some(_) => return Err(bad("Version", "must be \"2012-10-17\" or \"2008-10-17\"")),
        };
        if obj.get("Id").is_some_and(|id| !id.is_string()) {
            return Err(err("Id", PolicyErrorKind::WrongType("a string")));
        }
        let statements = match obj.get("Statement") {
            None => return Err(err("", PolicyErrorKind::Missing("Statement"))),
            Some(Value::Array(items)) => {
                let statements = JsonPath::Root("Statement");
                items
                    .iter()
                    .enumerate()
                    .map(|(i, s)| parse_statement(s, &JsonPath::Index(&statements, i)))
                    .collect::<Result<Vec<_>, _>>()?
            }
            Some(one @ Value::Object(_)) => vec![parse_statement(one, &JsonPath::Root("Statement"))?],
            Some(_) => {
                return Err(err("Statement", PolicyErrorKind::WrongType("an object or an array")));
            }
        };
        Ok(PolicyDocument { version, statements })
    }

    /// Checks the elements allowed for `kind` (IAM UG: Principal, NotPrincipal, Resource pages).
    pub fn validate_for(&self, kind: PolicyKind) -> Result<(), PolicyError> {
        let statements = JsonPath::Root("Statement");
        for (i, s) in self.statements.iter().enumerate() {
            let path = JsonPath::Index(&statements, i);
            match kind {
                PolicyKind::Identity => {
                    if s.principal.is_some() {
                        return Err(err(
                            &path,
                            PolicyErrorKind::NotAllowed("identity policies cannot have Principal or NotPrincipal".into()),
                        ));
                    }
                    if s.resource.is_none() {
                        return Err(err(&path, PolicyErrorKind::Missing("Resource or NotResource")));
                    }
                }
                PolicyKind::Trust => {
                    match &s.principal {
                        None => return Err(err(&path, PolicyErrorKind::Missing("Principal"))),
                        Some(p) if p.not => {
                            return Err(err(
                                &path,
                                PolicyErrorKind::NotAllowed("NotPrincipal cannot be used in a role trust policy".into()),
                            ));
                        }
                        Some(_) => {}
                    }
                    if s.resource.is_some() {
                        return Err(err(
                            &path,
                            PolicyErrorKind::NotAllowed("a trust policy has no Resource: the role is the resource".into()),
                        ));
                    }
                }
                PolicyKind::Bucket | PolicyKind::Key => {
                    if s.principal.is_none() {
                        return Err(err(&path, PolicyErrorKind::Missing("Principal or NotPrincipal")));
                    }
                    if s.resource.is_none() {
                        return Err(err(&path, PolicyErrorKind::Missing("Resource or NotResource")));
                    }
                }
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn parse(v: Value) -> Result<PolicyDocument, PolicyError> {
        PolicyDocument::from_json(&v)
    }

    #[test]
    fn statement_object_or_array_and_optional_version() {
        let one = parse(json!({"Statement": {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}}));
        assert_eq!(one.map(|d| d.statements.len()).ok(), Some(1));
        let many = parse(json!({"Version": "2012-10-17", "Statement": [
            {"Effect": "Allow", "Action": ["s3:GetObject", "s3:PutObject"], "Resource": "*"},
            {"Sid": "x", "Effect": "Deny", "NotAction": "s3:*", "NotResource": ["arn:aws:s3:::b"]}
        ]}));
        let d = many.ok();
        assert_eq!(d.as_ref().map(|d| d.statements.len()), Some(2));
        assert_eq!(d.as_ref().and_then(|d| d.statements[1].sid.clone()), Some("x".to_string()));
    }

    #[test]
    fn errors_name_json_paths() {
        let e = parse(json!({"Statement": [
            {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"},
            {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"},
            {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*", "Condition": {"Bogus": {"k": "v"}}}
        ]}))
        .err();
        assert_eq!(e.map(|e| e.path), Some("Statement[2].Condition.Bogus".to_string()));
        let e = parse(json!({"Statement": [{"Effect": "Allow", "Action": ["s3:GetObject", "ListMultipartUploadParts"], "Resource": "*"}]}))
            .err();
        assert_eq!(e.map(|e| e.path), Some("Statement[0].Action[1]".to_string()));
        let e = parse(json!({"Statement": [{"Effect": "allow", "Action": "s3:x", "Resource": "*"}]})).err();
        assert_eq!(e.map(|e| e.path), Some("Statement[0].Effect".to_string()));
    }

    #[test]
    fn rejects_malformed_and_unmodelled() {
        let bads = [
            json!([]),
            json!({}),
            json!({"Statement": 3}),
            json!({"Statement": [{"Action": "s3:x", "Resource": "*"}]}),
            json!({"Statement": [{"Effect": "Allow", "Resource": "*"}]}),
            json!({"Statement": [{"Effect": "Allow", "Action": "s3:x", "NotAction": "s3:y", "Resource": "*"}]}),
            json!({"Statement": [{"Effect": "Allow", "Action": "s3:x", "Resource": "bucket/*"}]}),
            json!({"Statement": [{"Effect": "Allow", "Action": "s3:x", "Resource": "arn:aws:*:::b"}]}),
            json!({"Statement": [{"Effect": "Allow", "Action": "s3:x", "Resource": "arn:aws:s3:::${aws:username}/*"}]}),
            json!({"Statement": [{"Effect": "Allow", "Action": "s3:x", "Resource": "*", "Principal": {"AWS": "arn:aws:iam::111122223333:role/app-*"}}]}),
            json!({"Statement": [{"Effect": "Allow", "Action": "s3:x", "Resource": "*", "Principal": {"AWS": "arn:aws:iam::*:root"}}]}),
            json!({"Statement": [{"Effect": "Allow", "Action": "s3:x", "Resource": "*", "Principal": {"CanonicalUser": "abc"}}]}),
            json!({"Statement": [{"Effect": "Allow", "Action": "s3:x", "Resource": "*", "Principal": {"AWS": "bob"}}]}),
            json!({"Statement": [{"Effect": "Allow", "Action": "s3:x", "Resource": "*", "NotPrincipal": {"AWS": "111122223333"}}]}),
            json!({"Statement": [{"Effect": "Allow", "Action": "s3:x", "Resource": "*", "Extra": 1}]}),
            json!({"Version": "2020-01-01", "Statement": []}),
            json!({"Statement": [{"Effect": "Allow", "Action": [], "Resource": "*"}]}),
            json!({"Statement": [{"Effect": "Allow", "Action": "s3:", "Resource": "*"}]}),
            json!({"Statement": [{"Effect": "Allow", "Action": [1], "Resource": "*"}]}),
        ];
        for b in bads {
            assert!(parse(b.clone()).is_err(), "should reject {b}");
        }
    }

    #[test]
    fn principal_forms() {
        let d = parse(json!({"Statement": [{"Effect": "Allow", "Action": "sts:AssumeRole", "Principal": {
            "AWS": ["arn:aws:iam::111122223333:root", "444455556666", "arn:aws:iam::111122223333:role/path/R",
                    "arn:aws:sts::111122223333:assumed-role/R/s", "*"],
            "Service": "ec2.amazonaws.com"}}]}));
        let entries = d.ok().and_then(|d| d.statements[0].principal.clone()).map(|p| p.entries);
        assert_eq!(
            entries,
            Some(vec![
                PrincipalEntry::Account("111122223333".into()),
                PrincipalEntry::Account("444455556666".into()),
                PrincipalEntry::Arn("arn:aws:iam::111122223333:role/path/R".into()),
                PrincipalEntry::Arn("arn:aws:sts::111122223333:assumed-role/R/s".into()),
                PrincipalEntry::AnyAws,
                PrincipalEntry::Service("ec2.amazonaws.com".into()),
            ])
        );
    }

    #[test]
    fn kind_rules() {
        let with_principal = parse(json!({"Statement": {"Effect": "Allow", "Action": "s3:x", "Resource": "*", "Principal": "*"}})).ok();
        let no_principal = parse(json!({"Statement": {"Effect": "Allow", "Action": "s3:x", "Resource": "*"}})).ok();
        let trust_res =
            parse(json!({"Statement": {"Effect": "Allow", "Action": "sts:AssumeRole", "Resource": "*", "Principal": "*"}})).ok();
        let trust_not =
            parse(json!({"Statement": {"Effect": "Deny", "Action": "sts:AssumeRole", "NotPrincipal": {"AWS": "111122223333"}}})).ok();
        let ok = |d: &Option<PolicyDocument>, k| d.as_ref().map(|d| d.validate_for(k).is_ok());
        assert_eq!(ok(&with_principal, PolicyKind::Identity), Some(false));
        assert_eq!(ok(&with_principal, PolicyKind::Bucket), Some(true));
        assert_eq!(ok(&no_principal, PolicyKind::Identity), Some(true));
        assert_eq!(ok(&no_principal, PolicyKind::Key), Some(false));
        assert_eq!(ok(&trust_res, PolicyKind::Trust), Some(false));
        assert_eq!(ok(&trust_not, PolicyKind::Trust), Some(false));
    }
}
