//! The `bucketbridge eval FILE` format (described in FORMAT.md beside this file): loading a
//! world and its requests from JSON, running them, and rendering a one-line-per-request
//! report.

use super::decide::{Decision, LabelledPolicy, Outcome, Request, RequestError, World, WorldError, evaluate};
use super::policy::PolicyDocument;
use serde_json::{Map, Value};
use std::collections::BTreeMap;
use std::fmt;

/// A load error, located by JSON path inside the file (e.g. `roles[2].trust.Statement[0]`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FileError {
    /// Where in the file.
    pub path: String,
    /// What is wrong.
    pub message: String,
}

impl fmt::Display for FileError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.path.is_empty() { write!(f, "{}", self.message) } else { write!(f, "{}: {}", self.path, self.message) }
    }
}

impl std::error::Error for FileError {}

/// What a request is expected to produce.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Expect {
    /// One of the three decisions.
    Outcome(Outcome),
    /// The request itself is invalid (unknown principal, wrong resource type, ...).
    Error,
}

impl fmt::Display for Expect {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Expect::Outcome(o) => write!(f, "{o}"),
            Expect::Error => f.write_str("Error"),
        }
    }
}

/// One request of a file with its expectations.
#[derive(Clone, Debug)]
pub struct FileRequest {
    /// The request's name (defaults to `requests[i]`).
    pub name: String,
    /// The request.
    pub request: Request,
    /// The expected outcome, if stated.
    pub expect: Option<Expect>,
    /// Sids that must be among the statements the decision cites.
    pub expect_sids: Vec<String>,
    /// The AWS documentation rule the request checks.
    pub cite: Option<String>,
}

/// A loaded eval file.
#[derive(Clone, Debug)]
pub struct EvalFile {
    /// Free-text description of the file.
    pub description: Option<String>,
    /// The world built from users, roles, buckets and keys.
    pub world: World,
    /// The requests, in file order.
    pub requests: Vec<FileRequest>,
}

/// The result of one request.
#[derive(Clone, Debug)]
pub struct RequestResult {
    /// The request's name.
    pub name: String,
    /// The decision, or why the request could not be evaluated.
    pub result: Result<Decision, RequestError>,
    /// The expectation, if any.
    pub expect: Option<Expect>,
    /// `Some(true)` when every expectation held, `None` when there was none.
    pub passed: Option<bool>,
    /// The citation, copied from the request.
    pub cite: Option<String>,
}

fn ferr(path: &str, message: impl Into<String>) -> FileError {
    FileError { path: path.to_string(), message: message.into() }
}

fn obj<'a>(v: &'a Value, path: &str) -> Result<&'a Map<String, Value>, FileError> {
    v.as_object().ok_or_else(|| ferr(path, "expected an object"))
}

fn only_keys(m: &Map<String, Value>, allowed: &[&str], path: &str) -> Result<(), FileError> {
    for k in m.keys() {
        if !allowed.contains(&k.as_str()) {
            return Err(ferr(path, format!("unknown field {k:?} (allowed: {})", allowed.join(", "))));
        }
    }
    Ok(())
}

fn req_str<'a>(m: &'a Map<String, Value>, key: &str, path: &str) -> Result<&'a str, FileError> {
    match m.get(key) {
        Some(Value::String(s)) => Ok(s),
        Some(_) => Err(ferr(&format!("{path}.{key}"), "expected a string")),
        None => Err(ferr(path, format!("missing {key:?}"))),
    }
}

fn opt_str<'a>(m: &'a Map<String, Value>, key: &str, path: &str) -> Result<Option<&'a str>, FileError> {
    match m.get(key) {
        None => Ok(None),
        Some(Value::String(s)) => Ok(Some(s)),
        Some(_) => Err(ferr(&format!("{path}.{key}"), "expected a string")),
    }
}

fn array<'a>(m: &'a Map<String, Value>, key: &str) -> Result<&'a [Value], FileError> {
    match m.get(key) {
        None => Ok(&[]),
        Some(Value::Array(a)) => Ok(a),
        Some(_) => Err(ferr(key, "expected an array")),
    }
}

fn policy(v: &Value, label: String, path: &str) -> Result<LabelledPolicy, FileError> {
    let doc = PolicyDocument::from_json(v).map_err(|e| {
        let inner = if e.path.is_empty() { String::new() } else { format!(".{}", e.path) };
        ferr(&format!("{path}{inner}"), e.kind_text())
    })?;
    Ok(LabelledPolicy::new(label, doc))
}

fn named_policies(m: &Map<String, Value>, prefix: &str, path: &str) -> Result<Vec<LabelledPolicy>, FileError> {
    match m.get("policies") {
        None => Ok(Vec::new()),
        Some(Value::Object(ps)) => {
            ps.iter().map(|(name, doc)| policy(doc, format!("{prefix} policy {name}"), &format!("{path}.policies.{name}"))).collect()
        }
        Some(_) => Err(ferr(&format!("{path}.policies"), "expected an object of name -> policy document")),
    }
}

fn world_err(path: &str, e: WorldError) -> FileError {
    ferr(path, e.to_string())
}

fn last_segment(s: &str) -> &str {
    s.rsplit('/').next().unwrap_or(s)
}

fn context_values(v: &Value, path: &str) -> Result<Vec<String>, FileError> {
    let one = |x: &Value, p: &str| match x {
        Value::String(s) => Ok(s.clone()),
        Value::Bool(b) => Ok(b.to_string()),
        Value::Number(n) => Ok(n.to_string()),
        _ => Err(ferr(p, "expected a string, number or boolean")),
    };
    match v {
        Value::Array(items) => items.iter().enumerate().map(|(i, x)| one(x, &format!("{path}[{i}]"))).collect(),
        x => Ok(vec![one(x, path)?]),
    }
}

fn parse_request(v: &Value, i: usize) -> Result<FileRequest, FileError> {
    let path = format!("requests[{i}]");
    let m = obj(v, &path)?;
    only_keys(m, &["name", "principal", "action", "resource", "resource_account", "context", "expect", "expect_sid", "cite"], &path)?;
    let mut context = BTreeMap::new();
    if let Some(c) = m.get("context") {
        for (k, vals) in obj(c, &format!("{path}.context"))? {
            context.insert(k.clone(), context_values(vals, &format!("{path}.context.{k}"))?);
        }
    }
    let expect = match opt_str(m, "expect", &path)? {
        None => None,
        Some("Error") => Some(Expect::Error),
        Some(s) => Some(Expect::Outcome(
            Outcome::parse(s).ok_or_else(|| ferr(&format!("{path}.expect"), "expected Allow, ExplicitDeny, ImplicitDeny or Error"))?,
        )),
    };
    let expect_sids = match m.get("expect_sid") {
        None => Vec::new(),
        Some(Value::String(s)) => vec![s.clone()],
        Some(Value::Array(a)) => a
            .iter()
            .map(|x| x.as_str().map(str::to_string).ok_or_else(|| ferr(&format!("{path}.expect_sid"), "expected strings")))
            .collect::<Result<_, _>>()?,
        Some(_) => {
            return Err(ferr(&format!("{path}.expect_sid"), "expected a string or an array of strings"));
        }
    };
    Ok(FileRequest {
        name: opt_str(m, "name", &path)?.map_or_else(|| path.clone(), str::to_string),
        request: Request {
            principal: req_str(m, "principal", &path)?.to_string(),
            action: req_str(m, "action", &path)?.to_string(),
            resource: req_str(m, "resource", &path)?.to_string(),
            resource_account: opt_str(m, "resource_account", &path)?.map(str::to_string),
            context,
        },
        expect,
        expect_sids,
        cite: opt_str(m, "cite", &path)?.map(str::to_string),
    })
}

/// Parses an eval file (see FORMAT.md). Every policy is parsed and checked for its kind.
pub fn load(text: &str) -> Result<EvalFile, FileError> {
    let root: Value = serde_json::from_str(text).map_err(|e| ferr("", format!("invalid JSON: {e}")))?;
    let top = obj(&root, "")?;
    only_keys(top, &["description", "users", "roles", "buckets", "keys", "requests", "expect_load_error"], "")?;
    let mut world = World::new();
    for (i, u) in array(top, "users")?.iter().enumerate() {
        let path = format!("users[{i}]");
        let m = obj(u, &path)?;
        only_keys(m, &["arn", "policies"], &path)?;
        let arn = req_str(m, "arn", &path)?;
        let pols = named_policies(m, &format!("user {}", last_segment(arn)), &path)?;
        world.add_user(arn, pols).map_err(|e| world_err(&path, e))?;
    }
    for (i, r) in array(top, "roles")?.iter().enumerate() {
        let path = format!("roles[{i}]");
        let m = obj(r, &path)?;
        only_keys(m, &["arn", "trust", "policies"], &path)?;
        let arn = req_str(m, "arn", &path)?;
        let name = last_segment(arn);
        let trust_v = m.get("trust").ok_or_else(|| ferr(&path, "missing \"trust\""))?;
        let trust = policy(trust_v, format!("role {name} trust policy"), &format!("{path}.trust"))?;
        let pols = named_policies(m, &format!("role {name}"), &path)?;
        world.add_role(arn, trust, pols).map_err(|e| world_err(&path, e))?;
    }
    for (i, b) in array(top, "buckets")?.iter().enumerate() {
        let path = format!("buckets[{i}]");
        let m = obj(b, &path)?;
        only_keys(m, &["name", "owner", "policy"], &path)?;
        let name = req_str(m, "name", &path)?;
        let owner = req_str(m, "owner", &path)?;
        let pol = match m.get("policy") {
            None | Some(Value::Null) => None,
            Some(p) => Some(policy(p, format!("bucket {name} policy"), &format!("{path}.policy"))?),
        };
        world.add_bucket(name, owner, pol).map_err(|e| world_err(&path, e))?;
    }
    for (i, k) in array(top, "keys")?.iter().enumerate() {
        let path = format!("keys[{i}]");
        let m = obj(k, &path)?;
        only_keys(m, &["arn", "policy"], &path)?;
        let arn = req_str(m, "arn", &path)?;
        let pv = m.get("policy").ok_or_else(|| ferr(&path, "missing \"policy\" (every KMS key has a key policy)"))?;
        let pol = policy(pv, format!("key {} policy", last_segment(arn)), &format!("{path}.policy"))?;
        world.add_key(arn, pol).map_err(|e| world_err(&path, e))?;
    }
    let requests = array(top, "requests")?.iter().enumerate().map(|(i, r)| parse_request(r, i)).collect::<Result<Vec<_>, _>>()?;
    Ok(EvalFile { description: opt_str(top, "description", "")?.map(str::to_string), world, requests })
}

/// Evaluates every request of the file and checks its expectations.
pub fn run(file: &EvalFile) -> Vec<RequestResult> {
    file.requests
        .iter()
        .map(|fr| {
            let result = evaluate(&file.world, &fr.request);
            let passed = fr.expect.map(|exp| {
                let outcome_ok = match (&result, exp) {
                    (Ok(d), Expect::Outcome(o)) => d.outcome == o,
                    (Err(_), Expect::Error) => true,
                    _ => false,
                };
                let sids_ok = fr.expect_sids.iter().all(|want| {
                    result.as_ref().map(|d| d.statements.iter().any(|s| s.sid.as_deref() == Some(want.as_str()))).unwrap_or(false)
                });
                outcome_ok && sids_ok
            });
            RequestResult { name: fr.name.clone(), result, expect: fr.expect, passed, cite: fr.cite.clone() }
        })
        .collect()
}

/// Renders one line per request (`PASS`, `FAIL` or `----` when nothing was expected),
/// followed by a summary line `eval: N passed, N failed, N unchecked` and a reminder of
/// what is not modelled.
pub fn render_report(results: &[RequestResult]) -> String {
    let mut out = String::new();
    let (mut pass, mut fail, mut unchecked) = (0, 0, 0);
    for r in results {
        let tag = match r.passed {
            Some(true) => {
                pass += 1;
                "PASS"
            }
            Some(false) => {
                fail += 1;
                "FAIL"
            }
            None => {
                unchecked += 1;
                "----"
            }
        };
        let got = match &r.result {
            Ok(d) => d.explain(),
            Err(e) => format!("Error: {e}"),
        };
        out.push_str(&format!("{tag} {}: {got}", r.name));
        if let (Some(false), Some(exp)) = (r.passed, r.expect) {
            out.push_str(&format!(" (expected {exp})"));
        }
        out.push('\n');
    }
    out.push_str(&format!("eval: {pass} passed, {fail} failed, {unchecked} unchecked\n"));
    out.push_str("not modelled: SCPs, RCPs, permissions boundaries, session policies, VPC endpoint policies, KMS grants, ACLs, Block Public Access\n");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const SMALL: &str = r#"{
      "description": "tiny",
      "users": [{"arn": "arn:aws:iam::111122223333:user/alice",
                 "policies": {"read": {"Statement": {"Sid": "R", "Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/*"}}}}],
      "buckets": [{"name": "b", "owner": "111122223333"}],
      "requests": [
        {"name": "ok", "principal": "arn:aws:iam::111122223333:user/alice", "action": "s3:GetObject",
         "resource": "arn:aws:s3:::b/k", "context": {"aws:SecureTransport": true}, "expect": "Allow", "expect_sid": "R", "cite": "x"},
        {"name": "no", "principal": "arn:aws:iam::111122223333:user/alice", "action": "s3:PutObject",
         "resource": "arn:aws:s3:::b/k", "expect": "Allow"},
        {"principal": "arn:aws:iam::111122223333:user/bob", "action": "s3:GetObject", "resource": "arn:aws:s3:::b/k", "expect": "Error"},
        {"principal": "arn:aws:iam::111122223333:user/alice", "action": "s3:GetObject", "resource": "arn:aws:s3:::b/k"}
      ]
    }"#;

    #[test]
    fn load_run_report() {
        let f = match load(SMALL) {
            Ok(f) => f,
            Err(e) => panic!("{e}"),
        };
        assert_eq!(f.requests.len(), 4);
        let res = run(&f);
        assert_eq!(res[0].passed, Some(true));
        assert_eq!(res[1].passed, Some(false));
        assert_eq!(res[2].passed, Some(true));
        assert_eq!(res[3].passed, None);
        assert_eq!(res[2].name, "requests[2]");
        let rep = render_report(&res);
        assert_eq!(rep.lines().count(), 6);
        assert!(rep.contains("PASS ok: Allow"));
        assert!(rep.contains("FAIL no: ImplicitDeny"));
        assert!(rep.contains("(expected Allow)"));
        assert!(rep.contains("eval: 2 passed, 1 failed, 1 unchecked"));
        assert!(rep.contains("user alice policy read Statement[0] (R) Allow"));
    }

    #[test]
    fn load_errors_have_paths() {
        let e = load(r#"{"roles": [{"arn": "arn:aws:iam::111122223333:role/r", "trust": {"Statement": [{"Effect": "Allow", "Action": "sts:AssumeRole", "Principal": {"AWS": "arn:aws:iam::1111*:root"}}]}}]}"#).err();
        assert_eq!(e.map(|e| e.path), Some("roles[0].trust.Statement[0].Principal.AWS".to_string()));
        let e = load(r#"{"userz": []}"#).err();
        assert!(e.is_some());
        let e = load(r#"{"requests": [{"principal": "p", "action": "a"}]}"#).err();
        assert_eq!(e.map(|e| e.path), Some("requests[0]".to_string()));
        assert!(load("not json").is_err());
        assert!(load("[]").is_err());
        let e = load(r#"{"users": [{"arn": "arn:aws:iam::111122223333:user/a", "policies": {"p": {"Statement": {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*", "Principal": "*"}}}}]}"#).err();
        assert!(e.map(|e| e.to_string().contains("identity policies cannot have Principal")).unwrap_or(false));
    }
}
