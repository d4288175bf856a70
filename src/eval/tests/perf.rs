//! Performance target: ~20,000 requests against a world with 1,000 roles and bucket and
//! key policies of ~1,000 statements each, in under one second in release mode.
//! Debug builds run a tenth of the requests and only check the decisions.

use crate::eval::decide::{LabelledPolicy, Outcome, Request, World, evaluate};
use crate::eval::policy::PolicyDocument;
use serde_json::json;
use std::time::Instant;

const A: &str = "111122223333";
const B: &str = "444455556666";

fn doc(v: serde_json::Value) -> PolicyDocument {
    match PolicyDocument::from_json(&v) {
        Ok(d) => d,
        Err(e) => panic!("{e}"),
    }
}

fn big_world() -> World {
    let mut w = World::new();
    let n = 1000;
    for i in 0..n {
        let arn = format!("arn:aws:iam::{B}:role/team{i}/Role{i}");
        let trust = doc(
            json!({"Statement": {"Effect": "Allow", "Action": "sts:AssumeRole", "Principal": {"AWS": format!("arn:aws:iam::{B}:root")}}}),
        );
        let ident = doc(json!({"Statement": [
            {"Effect": "Allow", "Action": ["s3:GetObject", "s3:PutObject", "s3:ListBucket"],
             "Resource": ["arn:aws:s3:::big", format!("arn:aws:s3:::big/p{i}/*")]},
            {"Effect": "Allow", "Action": ["kms:Decrypt", "kms:GenerateDataKey*"], "Resource": format!("arn:aws:kms:us-east-1:{A}:key/*")},
            {"Effect": "Deny", "Action": "s3:DeleteObject", "Resource": "*"}
        ]}));
        let r = w.add_role(
            &arn,
            LabelledPolicy::new(format!("role Role{i} trust policy"), trust),
            vec![LabelledPolicy::new(format!("role Role{i} policy main"), ident)],
        );
        assert!(r.is_ok());
    }
    let mut bucket_stmts = vec![json!({"Sid": "TLS", "Effect": "Deny", "Principal": "*", "Action": "s3:*",
        "Resource": ["arn:aws:s3:::big", "arn:aws:s3:::big/*"], "Condition": {"Bool": {"aws:SecureTransport": false}}})];
    let mut key_stmts = vec![
        json!({"Sid": "Root", "Effect": "Allow", "Principal": {"AWS": format!("arn:aws:iam::{A}:root")}, "Action": "kms:*", "Resource": "*"}),
    ];
    for i in 0..n {
        let role = format!("arn:aws:iam::{B}:role/team{i}/Role{i}");
        bucket_stmts.push(json!({"Sid": format!("R{i}"), "Effect": "Allow", "Principal": {"AWS": role},
            "Action": ["s3:GetObject", "s3:PutObject"], "Resource": format!("arn:aws:s3:::big/p{i}/*"),
            "Condition": {"StringEquals": {"aws:PrincipalAccount": B}, "DateLessThan": {"aws:CurrentTime": "2040-01-01T00:00:00Z"}}}));
        key_stmts.push(json!({"Sid": format!("K{i}"), "Effect": "Allow", "Principal": {"AWS": role},
            "Action": ["kms:Decrypt", "kms:GenerateDataKey*"], "Resource": "*",
            "Condition": {"StringLike": {"kms:EncryptionContext:aws:s3:arn": format!("arn:aws:s3:::big/p{i}/*")}}}));
    }
    let bp = doc(json!({"Statement": bucket_stmts}));
    assert!(w.add_bucket("big", A, Some(LabelledPolicy::new("bucket big policy", bp))).is_ok());
    let kp = doc(json!({"Statement": key_stmts}));
    assert!(w.add_key(&format!("arn:aws:kms:us-east-1:{A}:key/big"), LabelledPolicy::new("key big policy", kp)).is_ok());
    w
}

fn requests(count: usize) -> Vec<(Request, Outcome)> {
    let mut out = Vec::with_capacity(count);
    for j in 0..count {
        let i = (j * 7919) % 1000;
        let other = (i + 1) % 1000;
        let principal = format!("arn:aws:sts::{B}:assumed-role/Role{i}/s{j}");
        let mut ctx = std::collections::BTreeMap::new();
        ctx.insert("aws:SecureTransport".to_string(), vec![if j % 10 == 0 { "false" } else { "true" }.to_string()]);
        ctx.insert("aws:CurrentTime".to_string(), vec!["2033-01-01T00:00:00Z".to_string()]);
        let (action, resource, expect) = match j % 4 {
            0 => ("s3:GetObject", format!("arn:aws:s3:::big/p{i}/k"), Outcome::Allow),
            1 => ("s3:PutObject", format!("arn:aws:s3:::big/p{other}/k"), Outcome::ImplicitDeny),
            2 => ("s3:DeleteObject", format!("arn:aws:s3:::big/p{i}/k"), Outcome::ExplicitDeny),
            _ => {
                ctx.insert("kms:EncryptionContext:aws:s3:arn".to_string(), vec![format!("arn:aws:s3:::big/p{i}/k")]);
                ("kms:Decrypt", format!("arn:aws:kms:us-east-1:{A}:key/big"), Outcome::Allow)
            }
        };
        let expect = if j % 10 == 0 && action.starts_with("s3:") { Outcome::ExplicitDeny } else { expect };
        out.push((Request { principal, action: action.to_string(), resource, resource_account: None, context: ctx }, expect));
    }
    out
}

#[test]
fn twenty_thousand_requests_under_a_second_in_release() {
    let world = big_world();
    let count = if cfg!(debug_assertions) { 2_000 } else { 20_000 };
    let reqs = requests(count);
    let start = Instant::now();
    for (r, want) in &reqs {
        match evaluate(&world, r) {
            Ok(d) => assert_eq!(d.outcome, *want, "{} {} {}: {}", r.principal, r.action, r.resource, d.explain()),
            Err(e) => panic!("{e}"),
        }
    }
    let took = start.elapsed();
    eprintln!("{count} requests in {took:?}");
    if !cfg!(debug_assertions) {
        assert!(took.as_secs_f64() < 1.0, "{count} requests took {took:?}");
    }
}
