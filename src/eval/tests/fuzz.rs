//! Robustness: arbitrary and mutated input must produce errors, never panics; and the
//! compiled wildcard matcher must agree with a naive reference matcher.

use crate::eval::condition::parse_date;
use crate::eval::decide::{Request, evaluate};
use crate::eval::file::{load, run};
use crate::eval::pattern::{MatchMode, Pattern};
use crate::eval::policy::{PolicyDocument, PolicyKind};
use serde_json::{Map, Value, json};

/// xorshift64*: deterministic, dependency-free randomness.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
    fn pick<'a>(&mut self, xs: &[&'a str]) -> &'a str {
        xs[self.below(xs.len())]
    }
}

const KEYS: &[&str] = &[
    "Version",
    "Statement",
    "Effect",
    "Action",
    "NotAction",
    "Resource",
    "NotResource",
    "Principal",
    "NotPrincipal",
    "Condition",
    "Sid",
    "AWS",
    "Service",
    "Federated",
    "CanonicalUser",
    "StringEquals",
    "StringNotLike",
    "ForAllValues:StringLike",
    "ForAnyValue:ArnLikeIfExists",
    "Bool",
    "Null",
    "DateLessThan",
    "NumericGreaterThan",
    "ArnNotEquals",
    "aws:SecureTransport",
    "aws:CurrentTime",
    "sts:ExternalId",
    "users",
    "roles",
    "buckets",
    "keys",
    "requests",
    "arn",
    "trust",
    "policies",
    "policy",
    "name",
    "owner",
    "principal",
    "action",
    "resource",
    "context",
    "expect",
    "cite",
    "resource_account",
    "expect_sid",
];

const STRS: &[&str] = &[
    "*",
    "",
    "Allow",
    "Deny",
    "2012-10-17",
    "s3:GetObject",
    "s3:*",
    "kms:Decrypt",
    "sts:AssumeRole",
    "arn:aws:s3:::b",
    "arn:aws:s3:::b/*",
    "arn:aws:s3:::b/k",
    "arn:aws:iam::111122223333:root",
    "111122223333",
    "arn:aws:iam::111122223333:user/u",
    "arn:aws:iam::111122223333:role/r",
    "arn:aws:sts::111122223333:assumed-role/r/s",
    "ec2.amazonaws.com",
    "arn:aws:kms:us-east-1:111122223333:key/k",
    "true",
    "false",
    "2033-02-18T13:00:00Z",
    "2033-02-18T13:00:00.000+0000",
    "1992344400",
    "a*b?c",
    "arn:aws:iam::1111*:root",
    "${aws:username}",
    "ImplicitDeny",
    "Error",
    "\u{1F600}?*",
    "::::::",
    "arn:",
    "arn:aws:s3:::",
    "arn:aws:sts::111122223333:assumed-role//",
    "-",
    "9999-99-99",
];

fn random_value(rng: &mut Rng, depth: usize) -> Value {
    let choice = if depth > 5 { rng.below(5) } else { rng.below(9) };
    match choice {
        0 => Value::Null,
        1 => Value::Bool(rng.below(2) == 0),
        2 => json!(rng.next() as i64 % 100_000),
        3 | 4 => Value::String(rng.pick(STRS).to_string()),
        5 | 6 => {
            let n = rng.below(4);
            Value::Array((0..n).map(|_| random_value(rng, depth + 1)).collect())
        }
        _ => {
            let n = rng.below(5);
            let mut m = Map::new();
            for _ in 0..n {
                m.insert(rng.pick(KEYS).to_string(), random_value(rng, depth + 1));
            }
            Value::Object(m)
        }
    }
}

#[test]
fn random_policies_never_panic() {
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    for _ in 0..20_000 {
        let v = random_value(&mut rng, 0);
        if let Ok(doc) = PolicyDocument::from_json(&v) {
            for k in [PolicyKind::Identity, PolicyKind::Trust, PolicyKind::Bucket, PolicyKind::Key] {
                let _ = doc.validate_for(k);
            }
        }
        // Wrapping the value as a statement reaches deeper into the parser.
        let _ = PolicyDocument::from_json(&json!({"Statement": v}));
    }
}

/// The texts of the documented case files, to mutate and to build worlds from.
fn case_texts() -> Vec<String> {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/eval-cases");
    let mut paths: Vec<_> = std::fs::read_dir(dir).map(|rd| rd.filter_map(|e| e.ok().map(|e| e.path())).collect()).unwrap_or_default();
    paths.sort();
    paths.iter().filter_map(|p| std::fs::read_to_string(p).ok()).collect()
}

#[test]
fn random_files_and_garbage_never_panic() {
    let mut rng = Rng(42);
    let texts = case_texts();
    assert!(!texts.is_empty(), "no case files to mutate");
    for i in 0..3_000 {
        let v = random_value(&mut rng, 0);
        if let Ok(f) = load(&v.to_string()) {
            let _ = run(&f);
        }
        // Byte-level mutation of a real case file.
        let base = &texts[i % texts.len()];
        let mut bytes = base.clone().into_bytes();
        for _ in 0..=rng.below(4) {
            if bytes.is_empty() {
                break;
            }
            let at = rng.below(bytes.len());
            match rng.below(3) {
                0 => bytes[at] = (rng.next() & 0x7f) as u8,
                1 => {
                    bytes.remove(at);
                }
                _ => bytes.insert(at, b"*?:/{}[]\",0aZ"[rng.below(13)]),
            }
        }
        let text = String::from_utf8_lossy(&bytes);
        if let Ok(f) = load(&text) {
            let _ = run(&f);
        }
        let junk: String = (0..rng.below(40)).map(|_| char::from((rng.next() % 95 + 32) as u8)).collect();
        let _ = load(&junk);
        let _ = parse_date(&junk);
        if i % 100 == 0 {
            let _ = load(&"[".repeat(5000));
        }
    }
}

#[test]
fn random_requests_never_panic() {
    let worlds: Vec<_> = case_texts().iter().filter_map(|t| load(t).ok()).collect();
    assert!(!worlds.is_empty(), "no loadable case files");
    let mut rng = Rng(7);
    let ctx_keys = ["aws:SecureTransport", "sts:ExternalId", "aws:CurrentTime", "AWS:PRINCIPALARN", "aws:principalarn"];
    for _ in 0..20_000 {
        let mut req = Request {
            principal: rng.pick(STRS).to_string(),
            action: rng.pick(STRS).to_string(),
            resource: rng.pick(STRS).to_string(),
            resource_account: if rng.below(2) == 0 { None } else { Some(rng.pick(STRS).to_string()) },
            ..Request::default()
        };
        for _ in 0..rng.below(4) {
            let k = ctx_keys[rng.below(ctx_keys.len())].to_string();
            let vals = (0..rng.below(3)).map(|_| rng.pick(STRS).to_string()).collect();
            req.context.insert(k, vals);
        }
        let _ = evaluate(&worlds[rng.below(worlds.len())].world, &req);
    }
}

/// Reference matcher: plain recursion straight from the definition.
fn naive(p: &[char], s: &[char], mode: MatchMode, full: &[char], pi: usize) -> bool {
    let fold = |c: char| {
        if mode == MatchMode::AsciiCaseInsensitive { c.to_ascii_lowercase() } else { c }
    };
    match p.first() {
        None => s.is_empty(),
        Some('*') => {
            let last_in_segment = matches!(full.get(pi + 1), None | Some(':'));
            let may_cross = mode != MatchMode::ResourceArn || last_in_segment;
            let mut k = 0;
            loop {
                if naive(&p[1..], &s[k..], mode, full, pi + 1) {
                    return true;
                }
                if k == s.len() || (!may_cross && s[k] == ':') {
                    return false;
                }
                k += 1;
            }
        }
        Some('?') => !s.is_empty() && (mode != MatchMode::ResourceArn || s[0] != ':') && naive(&p[1..], &s[1..], mode, full, pi + 1),
        Some(&c) => !s.is_empty() && fold(c) == fold(s[0]) && naive(&p[1..], &s[1..], mode, full, pi + 1),
    }
}

#[test]
fn pattern_agrees_with_reference() {
    let mut rng = Rng(1234);
    let alphabet = ['a', 'b', 'A', ':', '/', '*', '?'];
    let inputs = ['a', 'b', 'A', ':', '/', 'é'];
    for _ in 0..60_000 {
        let plen = rng.below(8);
        let p: String = (0..plen).map(|_| alphabet[rng.below(alphabet.len())]).collect();
        let slen = rng.below(10);
        let s: String = (0..slen).map(|_| inputs[rng.below(inputs.len())]).collect();
        for mode in [MatchMode::Plain, MatchMode::AsciiCaseInsensitive, MatchMode::ResourceArn] {
            let pc: Vec<char> = p.chars().collect();
            let sc: Vec<char> = s.chars().collect();
            let want = naive(&pc, &sc, mode, &pc, 0);
            assert_eq!(Pattern::new(&p, mode).matches(&s), want, "{mode:?} {p:?} vs {s:?}");
        }
    }
}

#[test]
fn date_like_garbage_never_panics() {
    let mut rng = Rng(99);
    let alphabet = b"0123456789-T:Z+.";
    for _ in 0..200_000 {
        let len = rng.below(32);
        let s: String = (0..len).map(|_| char::from(alphabet[rng.below(alphabet.len())])).collect();
        let _ = parse_date(&s);
    }
}
