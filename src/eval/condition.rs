//! The `Condition` element: parsing operators and values at load time, and evaluating a
//! block against a request context.
//!
//! Semantics follow the IAM User Guide pages on condition operators and on conditions with
//! multiple keys or values: operators and keys are ANDed, the values of one key are ORed,
//! and for negated operators they are NORed; a key absent from the request makes positive
//! operators false and negated operators true, `...IfExists` makes an absent key true, and
//! `Null` tests presence.

use super::pattern::{ArnPattern, MatchMode, Pattern};
use super::policy::{JsonPath, PolicyError, PolicyErrorKind, bad, err};
use serde_json::Value;
use std::borrow::Cow;

/// The comparison family of a condition operator (without negation, set prefix or IfExists).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum OpFamily {
    /// `StringEquals` / `StringNotEquals`.
    StringEquals,
    /// `StringEqualsIgnoreCase` / `StringNotEqualsIgnoreCase`.
    StringEqualsIgnoreCase,
    /// `StringLike` / `StringNotLike`.
    StringLike,
    /// `NumericEquals` / `NumericNotEquals`.
    NumericEquals,
    /// `NumericLessThan`.
    NumericLessThan,
    /// `NumericLessThanEquals`.
    NumericLessThanEquals,
    /// `NumericGreaterThan`.
    NumericGreaterThan,
    /// `NumericGreaterThanEquals`.
    NumericGreaterThanEquals,
    /// `DateEquals` / `DateNotEquals`.
    DateEquals,
    /// `DateLessThan`.
    DateLessThan,
    /// `DateLessThanEquals`.
    DateLessThanEquals,
    /// `DateGreaterThan`.
    DateGreaterThan,
    /// `DateGreaterThanEquals`.
    DateGreaterThanEquals,
    /// `Bool`.
    Bool,
    /// `ArnEquals`/`ArnLike` and their negations (they behave identically).
    Arn,
    /// `Null`.
    Null,
}

/// A set-operator prefix for multivalued keys.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SetOp {
    /// No prefix.
    None,
    /// `ForAnyValue:`: some request value must satisfy the operator.
    ForAnyValue,
    /// `ForAllValues:`: every request value must satisfy the operator.
    ForAllValues,
}

/// A fully parsed operator name such as `ForAllValues:StringNotLikeIfExists`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Operator {
    /// The comparison family.
    pub family: OpFamily,
    /// True for the `...Not...` variants.
    pub negated: bool,
    /// True when the name ends in `IfExists`.
    pub if_exists: bool,
    /// The set-operator prefix.
    pub set: SetOp,
}

impl Operator {
    /// Parses an operator name; operator names are matched exactly as AWS spells them.
    pub fn parse(name: &str) -> Option<Operator> {
        let (set, rest) = if let Some(r) = name.strip_prefix("ForAnyValue:") {
            (SetOp::ForAnyValue, r)
        } else if let Some(r) = name.strip_prefix("ForAllValues:") {
            (SetOp::ForAllValues, r)
        } else {
            (SetOp::None, name)
        };
        let (if_exists, base) = match rest.strip_suffix("IfExists") {
            Some(b) => (true, b),
            None => (false, rest),
        };
        use OpFamily::*;
        let (family, negated) = match base {
            "StringEquals" => (StringEquals, false),
            "StringNotEquals" => (StringEquals, true),
            "StringEqualsIgnoreCase" => (StringEqualsIgnoreCase, false),
            "StringNotEqualsIgnoreCase" => (StringEqualsIgnoreCase, true),
            "StringLike" => (StringLike, false),
            "StringNotLike" => (StringLike, true),
            "NumericEquals" => (NumericEquals, false),
            "NumericNotEquals" => (NumericEquals, true),
            "NumericLessThan" => (NumericLessThan, false),
            "NumericLessThanEquals" => (NumericLessThanEquals, false),
            "NumericGreaterThan" => (NumericGreaterThan, false),
            "NumericGreaterThanEquals" => (NumericGreaterThanEquals, false),
            "DateEquals" => (DateEquals, false),
            "DateNotEquals" => (DateEquals, true),
            "DateLessThan" => (DateLessThan, false),
            "DateLessThanEquals" => (DateLessThanEquals, false),
            "DateGreaterThan" => (DateGreaterThan, false),
            "DateGreaterThanEquals" => (DateGreaterThanEquals, false),
            "Bool" => (Bool, false),
            "ArnEquals" | "ArnLike" => (Arn, false),
            "ArnNotEquals" | "ArnNotLike" => (Arn, true),
            "Null" => (Null, false),
            _ => return None,
        };
        Some(Operator { family, negated, if_exists, set })
    }
}

/// Policy-side values of one key under one operator, converted to the operator's type.
#[derive(Clone, Debug)]
enum Values {
    Strings(Box<[Box<str>]>),
    Lowered(Box<[Box<str>]>),
    Globs(Box<[Pattern]>),
    Numbers(Box<[f64]>),
    Dates(Box<[i128]>),
    Bools(Box<[bool]>),
    Arns(Box<[ArnPattern]>),
}

/// One `operator: { key: values }` pair.
#[derive(Clone, Debug)]
pub struct Clause {
    op: Operator,
    /// The condition key, lower-cased because key names are case-insensitive (COND).
    key: Box<str>,
    values: Values,
}

/// A parsed `Condition` element: a conjunction of clauses. Empty means "no condition".
#[derive(Clone, Debug, Default)]
pub struct ConditionBlock {
    clauses: Vec<Clause>,
}

/// A request-context value that could not be read as the type an operator needs.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BadContextValue {
    /// The condition key as written in the request.
    pub key: String,
    /// The offending value.
    pub value: String,
    /// What the operator expected ("a date", "a number", "true or false").
    pub expected: &'static str,
}

/// The request context with keys folded to lower case, as conditions see it.
///
/// Built once per request, so it copies nothing: a request's own keys are borrowed as given (any case) and
/// compared ignoring ASCII case, and the keys derived from the principal are kept inline.
#[derive(Debug, Default)]
pub struct Context<'a> {
    /// A request's own keys as given, with no key twice among those with values ([`Context::with_request`]).
    given: &'a [(&'a str, &'a [&'a str])],
    /// Keys derived from the principal (lower case) with their one value.
    derived: [Option<(&'static str, [&'a str; 1])>; 2],
    /// Keys added one by one, lower case, with their values; no empty value list.
    added: Vec<(String, Vec<&'a str>)>,
}

impl<'a> Context<'a> {
    /// An empty context.
    pub fn new() -> Self {
        Context::default()
    }

    /// A request's context: its keys (any case) with their values. Returns the first key that repeats an
    /// earlier key with values, compared case-insensitively, as an error. A key with no values counts as absent
    /// (MULTI: an empty data set).
    pub fn with_request(given: &'a [(&'a str, &'a [&'a str])]) -> Result<Self, &'a str> {
        for (index, (key, _)) in given.iter().enumerate() {
            if given[..index].iter().any(|(earlier, values)| !values.is_empty() && earlier.eq_ignore_ascii_case(key)) {
                return Err(key);
            }
        }
        Ok(Context { given, ..Context::default() })
    }

    /// Adds `key` (any case) with its values; returns false when the key, compared
    /// case-insensitively, is already present. Empty value lists are not stored, so a key
    /// with no values counts as absent (MULTI: an empty data set).
    pub fn insert(&mut self, key: &str, values: Vec<&'a str>) -> bool {
        let key = key.to_ascii_lowercase();
        if self.get(&key).is_some() {
            return false;
        }
        if !values.is_empty() {
            self.added.push((key, values));
        }
        true
    }

    /// Adds a key derived from the principal, lower case and not yet present, with its value.
    pub(crate) fn derive(&mut self, key: &'static str, value: &'a str) {
        let slot = self.derived.iter_mut().find(|slot| slot.is_none()).expect("a context derives at most two keys");
        *slot = Some((key, [value]));
    }

    /// Looks up a key that is already lower case.
    pub fn get(&self, lower_key: &str) -> Option<&[&'a str]> {
        if let Some((_, values)) = self.given.iter().find(|(key, values)| !values.is_empty() && key.eq_ignore_ascii_case(lower_key)) {
            return Some(values);
        }
        if let Some((_, values)) = self.derived.iter().flatten().find(|(key, _)| *key == lower_key) {
            return Some(values);
        }
        self.added.iter().find(|(key, _)| key == lower_key).map(|(_, values)| values.as_slice())
    }
}

/// Turns a JSON scalar into the string IAM compares: "Quotation marks are optional for
/// numeric and Boolean values" (IAM UG grammar), so `false` and `"false"` are the same.
fn scalar_text<'v>(v: &'v Value, path: &JsonPath<'_>) -> Result<Cow<'v, str>, PolicyError> {
    match v {
        Value::String(s) => Ok(Cow::Borrowed(s)),
        Value::Bool(b) => Ok(Cow::Owned(b.to_string())),
        Value::Number(n) => Ok(Cow::Owned(n.to_string())),
        _ => Err(err(path, PolicyErrorKind::WrongType("a string, number or boolean"))),
    }
}

fn value_list<'v>(v: &'v Value, path: &JsonPath<'_>) -> Result<Vec<Cow<'v, str>>, PolicyError> {
    match v {
        Value::Array(items) => {
            if items.is_empty() {
                return Err(bad(path, "empty value list"));
            }
            items.iter().enumerate().map(|(i, it)| scalar_text(it, &JsonPath::Index(path, i))).collect()
        }
        other => Ok(vec![scalar_text(other, path)?]),
    }
}

fn no_variables(s: &str, path: &JsonPath<'_>) -> Result<(), PolicyError> {
    if s.contains("${") {
        return Err(err(path, PolicyErrorKind::Unsupported("policy variables (${...}) are not modelled")));
    }
    Ok(())
}

/// Parses a boolean operand: exactly `true` or `false` (a JSON boolean arrives here as
/// that text). CONDOPS documents only these two values, so other spellings are rejected
/// rather than guessed.
pub fn parse_bool(s: &str) -> Option<bool> {
    match s {
        "true" => Some(true),
        "false" => Some(false),
        _ => None,
    }
}

/// Parses a numeric operand (integer or decimal); rejects NaN and infinities.
pub fn parse_number(s: &str) -> Option<f64> {
    let t = s.trim();
    if t.is_empty() || !t.bytes().all(|b| b.is_ascii_digit() || matches!(b, b'-' | b'+' | b'.' | b'e' | b'E')) {
        return None;
    }
    t.parse::<f64>().ok().filter(|f| f.is_finite())
}

fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    // Howard Hinnant's days-from-civil: exact for the proleptic Gregorian calendar.
    let y = if m <= 2 { y - 1 } else { y };
    let era = if y >= 0 { y } else { y - 399 } / 400;
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

fn days_in_month(y: i64, m: i64) -> i64 {
    match m {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        _ => {
            if (y % 4 == 0 && y % 100 != 0) || y % 400 == 0 {
                29
            } else {
                28
            }
        }
    }
}

fn digits(s: &[u8], n: usize) -> Option<i64> {
    if s.len() < n || !s[..n].iter().all(u8::is_ascii_digit) {
        return None;
    }
    let mut v = 0i64;
    for &b in &s[..n] {
        v = v * 10 + i64::from(b - b'0');
    }
    Some(v)
}

/// Parses a date operand into nanoseconds since the Unix epoch.
///
/// Accepted: epoch seconds (digits, optional sign), and the W3C profile of ISO 8601
/// (`YYYY`, `YYYY-MM`, `YYYY-MM-DD`, `YYYY-MM-DDThh:mm[:ss[.frac]]TZD`) where TZD is `Z`,
/// `+hh:mm`, `-hh:mm` or the colon-less `+hhmm` that AWS's own examples use.
/// A time without a zone designator is rejected: the W3C profile requires one, and
/// guessing UTC would silently shift every comparison (pitfall 17 of the research note).
pub fn parse_date(s: &str) -> Option<i128> {
    let b = s.as_bytes();
    if !b.is_empty() && b.iter().all(|c| c.is_ascii_digit() || *c == b'-') && !s.contains('T') {
        // Either epoch seconds or a date-only form; epoch has no interior '-'.
        let body = s.strip_prefix('-').unwrap_or(s);
        if !body.is_empty() && body.bytes().all(|c| c.is_ascii_digit()) && b.len() != 4 {
            let secs: i128 = body.parse().ok()?;
            let secs = if s.starts_with('-') { -secs } else { secs };
            return secs.checked_mul(1_000_000_000);
        }
    }
    let year = digits(b, 4)?;
    let mut i = 4;
    let mut day = 1;
    if b.len() == i {
        return Some(i128::from(days_from_civil(year, 1, 1)) * 86_400 * 1_000_000_000);
    }
    if b.get(i) != Some(&b'-') {
        return None;
    }
    let month = digits(&b[i + 1..], 2)?;
    if !(1..=12).contains(&month) {
        return None;
    }
    i += 3;
    let mut has_day = false;
    if b.len() > i {
        if b[i] != b'-' {
            return None;
        }
        day = digits(&b[i + 1..], 2)?;
        if day < 1 || day > days_in_month(year, month) {
            return None;
        }
        i += 3;
        has_day = true;
    }
    let mut secs = days_from_civil(year, month, day) * 86_400;
    let mut nanos: i64 = 0;
    if b.len() > i {
        // The W3C profile only allows a time after a complete date.
        if !has_day || b[i] != b'T' || b.len() < i + 6 || b[i + 3] != b':' {
            return None;
        }
        let hh = digits(&b[i + 1..], 2)?;
        let mm = digits(&b[i + 4..], 2)?;
        if hh > 23 || mm > 59 {
            return None;
        }
        secs += hh * 3600 + mm * 60;
        i += 6;
        if b.get(i) == Some(&b':') {
            let ss = digits(&b[i + 1..], 2)?;
            if ss > 59 {
                return None;
            }
            secs += ss;
            i += 3;
            if b.get(i) == Some(&b'.') {
                i += 1;
                let start = i;
                let mut scale = 100_000_000i64;
                while i < b.len() && b[i].is_ascii_digit() {
                    nanos += i64::from(b[i] - b'0') * scale;
                    scale /= 10;
                    i += 1;
                }
                if i == start {
                    return None;
                }
            }
        }
        // Zone designator (required once a time is present).
        match b.get(i) {
            Some(b'Z') if b.len() == i + 1 => {}
            Some(&sign @ (b'+' | b'-')) => {
                let rest = &b[i + 1..];
                let (zh, zm) = match rest.len() {
                    5 if rest[2] == b':' => (digits(rest, 2)?, digits(&rest[3..], 2)?),
                    4 => (digits(rest, 2)?, digits(&rest[2..], 2)?),
                    _ => return None,
                };
                if zh > 23 || zm > 59 {
                    return None;
                }
                let off = zh * 3600 + zm * 60;
                // Local time = UTC + offset, so UTC = local - offset.
                secs += if sign == b'+' { -off } else { off };
            }
            _ => return None,
        }
    } else if b.len() != i {
        return None;
    }
    Some(i128::from(secs) * 1_000_000_000 + i128::from(nanos))
}

impl ConditionBlock {
    /// Parses a `Condition` element; `path` names it in errors (e.g. `Statement[2].Condition`).
    pub fn parse(v: &Value, path: &str) -> Result<ConditionBlock, PolicyError> {
        ConditionBlock::parse_at(v, &JsonPath::Root(path))
    }

    pub(crate) fn parse_at(v: &Value, path: &JsonPath<'_>) -> Result<ConditionBlock, PolicyError> {
        let Value::Object(ops) = v else {
            return Err(err(path, PolicyErrorKind::WrongType("an object")));
        };
        let mut clauses = Vec::new();
        for (op_name, body) in ops {
            let op_path = JsonPath::Field(path, op_name);
            let op = Operator::parse(op_name)
                .ok_or_else(|| err(&op_path, PolicyErrorKind::Unsupported("unknown or unmodelled condition operator")))?;
            if op.family == OpFamily::Null && (op.if_exists || op.set != SetOp::None) {
                return Err(bad(&op_path, "Null cannot take IfExists or a set operator"));
            }
            let Value::Object(keys) = body else {
                return Err(err(&op_path, PolicyErrorKind::WrongType("an object")));
            };
            if keys.is_empty() {
                return Err(bad(&op_path, "operator has no condition keys"));
            }
            for (key, raw) in keys {
                let key_path = JsonPath::Field(&op_path, key);
                if key.is_empty() {
                    return Err(bad(&key_path, "empty condition key"));
                }
                let texts = value_list(raw, &key_path)?;
                let values = convert(op, &texts, &key_path)?;
                clauses.push(Clause { op, key: key.to_ascii_lowercase().into(), values });
            }
        }
        Ok(ConditionBlock { clauses })
    }

    /// True when the statement has no `Condition`.
    pub fn is_empty(&self) -> bool {
        self.clauses.is_empty()
    }

    /// Evaluates the block: every clause must hold.
    pub fn eval(&self, ctx: &Context<'_>) -> Result<bool, BadContextValue> {
        for c in &self.clauses {
            if !c.eval(ctx)? {
                return Ok(false);
            }
        }
        Ok(true)
    }
}

fn convert(op: Operator, texts: &[Cow<'_, str>], path: &JsonPath<'_>) -> Result<Values, PolicyError> {
    use OpFamily::*;
    Ok(match op.family {
        StringEquals => {
            for t in texts {
                no_variables(t, path)?;
            }
            Values::Strings(texts.iter().map(|t| Box::from(&**t)).collect())
        }
        StringEqualsIgnoreCase => {
            for t in texts {
                no_variables(t, path)?;
            }
            Values::Lowered(texts.iter().map(|t| t.to_lowercase().into()).collect())
        }
        StringLike => {
            for t in texts {
                no_variables(t, path)?;
            }
            Values::Globs(texts.iter().map(|t| Pattern::new(t, MatchMode::Plain)).collect())
        }
        Arn => {
            for t in texts {
                no_variables(t, path)?;
            }
            Values::Arns(texts.iter().map(|t| ArnPattern::new(t)).collect())
        }
        NumericEquals | NumericLessThan | NumericLessThanEquals | NumericGreaterThan | NumericGreaterThanEquals => Values::Numbers(
            texts.iter().map(|t| parse_number(t).ok_or_else(|| bad(path, format!("not a number: {t:?}")))).collect::<Result<_, _>>()?,
        ),
        DateEquals | DateLessThan | DateLessThanEquals | DateGreaterThan | DateGreaterThanEquals => Values::Dates(
            texts
                .iter()
                .map(|t| parse_date(t).ok_or_else(|| bad(path, format!("not an ISO 8601 (W3C profile) date or epoch seconds: {t:?}"))))
                .collect::<Result<_, _>>()?,
        ),
        Bool | Null => Values::Bools(
            texts.iter().map(|t| parse_bool(t).ok_or_else(|| bad(path, format!("not true or false: {t:?}")))).collect::<Result<_, _>>()?,
        ),
    })
}

fn lower_eq(a: &str, lowered: &str) -> bool {
    a.chars().flat_map(char::to_lowercase).eq(lowered.chars())
}

impl Clause {
    /// Does one request value match at least one policy value (before negation)?
    fn any_value_matches(&self, v: &str, raw_key: &str) -> Result<bool, BadContextValue> {
        let bad_ctx = |expected| BadContextValue { key: raw_key.to_string(), value: v.to_string(), expected };
        use OpFamily::*;
        Ok(match &self.values {
            Values::Strings(ps) => ps.iter().any(|p| **p == *v),
            Values::Lowered(ps) => ps.iter().any(|p| lower_eq(v, p)),
            Values::Globs(ps) => ps.iter().any(|p| p.matches(v)),
            Values::Arns(ps) => ps.iter().any(|p| p.matches(v)),
            Values::Numbers(ps) => {
                let x = parse_number(v).ok_or_else(|| bad_ctx("a number"))?;
                ps.iter().any(|&p| match self.op.family {
                    NumericEquals => x == p,
                    NumericLessThan => x < p,
                    NumericLessThanEquals => x <= p,
                    NumericGreaterThan => x > p,
                    _ => x >= p,
                })
            }
            Values::Dates(ps) => {
                let x = parse_date(v).ok_or_else(|| bad_ctx("an ISO 8601 date or epoch seconds"))?;
                ps.iter().any(|&p| match self.op.family {
                    DateEquals => x == p,
                    DateLessThan => x < p,
                    DateLessThanEquals => x <= p,
                    DateGreaterThan => x > p,
                    _ => x >= p,
                })
            }
            Values::Bools(ps) => {
                let x = parse_bool(v).ok_or_else(|| bad_ctx("true or false"))?;
                ps.contains(&x)
            }
        })
    }

    /// The operator applied to one request value: OR over policy values, NOR when negated.
    fn holds_for(&self, v: &str) -> Result<bool, BadContextValue> {
        let hit = self.any_value_matches(v, &self.key)?;
        Ok(hit != self.op.negated)
    }

    fn eval(&self, ctx: &Context<'_>) -> Result<bool, BadContextValue> {
        let present = ctx.get(&self.key);
        if self.op.family == OpFamily::Null {
            let Values::Bools(ps) = &self.values else {
                return Ok(false);
            };
            // Null: true means "the key is absent".
            return Ok(ps.contains(&present.is_none()));
        }
        let Some(vals) = present else {
            // CONDOPS: IfExists makes an absent key true; MULTI: ForAllValues is true and
            // ForAnyValue false on an empty set; otherwise positive operators are false and
            // negated operators true.
            return Ok(match (self.op.if_exists, self.op.set) {
                (true, _) => true,
                (false, SetOp::ForAllValues) => true,
                (false, SetOp::ForAnyValue) => false,
                (false, SetOp::None) => self.op.negated,
            });
        };
        match self.op.set {
            SetOp::ForAllValues => {
                for v in vals {
                    if !self.holds_for(v)? {
                        return Ok(false);
                    }
                }
                Ok(true)
            }
            SetOp::ForAnyValue => {
                for v in vals {
                    if self.holds_for(v)? {
                        return Ok(true);
                    }
                }
                Ok(false)
            }
            SetOp::None => {
                // A single-valued key has one value. If a caller supplies several anyway,
                // a positive operator needs some value to match and a negated one needs
                // every value to match none of the policy values (NOR over all pairs).
                let mut hit = false;
                for v in vals {
                    if self.any_value_matches(v, &self.key)? {
                        hit = true;
                        break;
                    }
                }
                Ok(hit != self.op.negated)
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn block(v: Value) -> ConditionBlock {
        match ConditionBlock::parse(&v, "Condition") {
            Ok(b) => b,
            Err(e) => panic!("parse failed: {e}"),
        }
    }

    fn eval(v: Value, ctx: &[(&str, &[&str])]) -> bool {
        let b = block(v);
        let mut c = Context::new();
        for (k, vs) in ctx {
            assert!(c.insert(k, vs.to_vec()));
        }
        match b.eval(&c) {
            Ok(x) => x,
            Err(e) => panic!("bad context: {e:?}"),
        }
    }

    #[test]
    fn string_equals_and_negation() {
        let c = json!({"StringEquals": {"sts:ExternalId": "abc"}});
        assert!(eval(c.clone(), &[("sts:ExternalId", &["abc"])]));
        assert!(!eval(c.clone(), &[("sts:ExternalId", &["ABC"])]));
        assert!(!eval(c, &[]));
        let n = json!({"StringNotEquals": {"sts:ExternalId": "abc"}});
        assert!(!eval(n.clone(), &[("sts:ExternalId", &["abc"])]));
        assert!(eval(n.clone(), &[("sts:ExternalId", &["x"])]));
        assert!(eval(n, &[]), "negated operator on a missing key is true");
    }

    #[test]
    fn key_names_are_case_insensitive_values_are_not() {
        let c = json!({"StringEquals": {"STS:EXTERNALID": "abc"}});
        assert!(eval(c.clone(), &[("sts:externalid", &["abc"])]));
        assert!(!eval(c, &[("sts:externalid", &["Abc"])]));
    }

    #[test]
    fn ignore_case_variants() {
        let c = json!({"StringEqualsIgnoreCase": {"k": "HeLLo"}});
        assert!(eval(c.clone(), &[("k", &["hello"])]));
        assert!(!eval(c, &[("k", &["hello!"])]));
        let n = json!({"StringNotEqualsIgnoreCase": {"k": ["A", "b"]}});
        assert!(!eval(n.clone(), &[("k", &["B"])]));
        assert!(eval(n.clone(), &[("k", &["c"])]));
        assert!(eval(n, &[]));
    }

    #[test]
    fn string_like_needs_wildcards_for_partial_matches() {
        let c = json!({"StringLike": {"s3:prefix": ["home/", "home/*/docs"]}});
        assert!(eval(c.clone(), &[("s3:prefix", &["home/"])]));
        assert!(eval(c.clone(), &[("s3:prefix", &["home/a/b/docs"])]));
        assert!(!eval(c.clone(), &[("s3:prefix", &["home/x"])]));
        assert!(!eval(c, &[]));
        let n = json!({"StringNotLike": {"k": "arn:*:key/1*"}});
        assert!(eval(n.clone(), &[]), "StringNotLike on a missing key is true (pitfall 4)");
        assert!(!eval(n.clone(), &[("k", &["arn:aws:kms:r:1:key/123"])]));
        assert!(eval(n, &[("k", &["arn:aws:kms:r:1:key/9"])]));
    }

    #[test]
    fn negated_multi_values_are_nor() {
        let n = json!({"StringNotEquals": {"aws:PrincipalAccount": ["111", "222"]}});
        assert!(!eval(n.clone(), &[("aws:PrincipalAccount", &["111"])]));
        assert!(!eval(n.clone(), &[("aws:PrincipalAccount", &["222"])]));
        assert!(eval(n, &[("aws:PrincipalAccount", &["333"])]));
    }

    #[test]
    fn several_keys_and_operators_are_and() {
        let c = json!({
            "StringEquals": {"a": "1", "b": "2"},
            "Bool": {"c": true}
        });
        assert!(eval(c.clone(), &[("a", &["1"]), ("b", &["2"]), ("c", &["true"])]));
        assert!(!eval(c.clone(), &[("a", &["1"]), ("b", &["3"]), ("c", &["true"])]));
        assert!(!eval(c, &[("a", &["1"]), ("b", &["2"]), ("c", &["false"])]));
    }

    #[test]
    fn bool_accepts_json_booleans_and_strings() {
        for pv in [json!(false), json!("false"), json!([false])] {
            let c = json!({"Bool": {"aws:SecureTransport": pv}});
            assert!(eval(c.clone(), &[("aws:SecureTransport", &["false"])]));
            assert!(!eval(c.clone(), &[("aws:SecureTransport", &["true"])]));
            assert!(!eval(c, &[]));
        }
        let c = block(json!({"Bool": {"k": true}}));
        let mut ctx = Context::new();
        ctx.insert("k", vec!["yes"]);
        assert!(c.eval(&ctx).is_err(), "a non-boolean context value is an input error");
        assert!(ConditionBlock::parse(&json!({"Bool": {"k": "yes"}}), "C").is_err());
        assert!(ConditionBlock::parse(&json!({"Bool": {"k": "FALSE"}}), "C").is_err());
    }

    #[test]
    fn arn_operators() {
        let c = json!({"ArnLike": {"aws:PrincipalArn": "arn:aws:iam::111122223333:role/*"}});
        assert!(eval(c.clone(), &[("aws:PrincipalArn", &["arn:aws:iam::111122223333:role/a/b"])]));
        assert!(!eval(c.clone(), &[("aws:PrincipalArn", &["arn:aws:iam::444455556666:role/a"])]));
        assert!(!eval(c, &[]));
        // ArnEquals behaves like ArnLike, wildcards included.
        let e = json!({"ArnEquals": {"aws:SourceArn": "arn:aws:sns:*:1:t"}});
        assert!(eval(e, &[("aws:SourceArn", &["arn:aws:sns:us-east-1:1:t"])]));
        let n = json!({"ArnNotLike": {"aws:PrincipalArn": ["arn:aws:iam::1:role/A", "arn:aws:iam::1:role/B"]}});
        assert!(eval(n.clone(), &[]));
        assert!(!eval(n.clone(), &[("aws:PrincipalArn", &["arn:aws:iam::1:role/B"])]));
        assert!(eval(n.clone(), &[("aws:PrincipalArn", &["arn:aws:iam::1:role/C"])]));
        let ne = json!({"ArnNotEquals": {"aws:PrincipalArn": "arn:aws:iam::1:role/A"}});
        assert!(!eval(ne, &[("aws:PrincipalArn", &["arn:aws:iam::1:role/A"])]));
    }

    #[test]
    fn numeric_operators() {
        let k = "s3:max-keys";
        let cases: &[(&str, &str, bool)] = &[
            ("NumericEquals", "10", true),
            ("NumericEquals", "10.0", true),
            ("NumericEquals", "11", false),
            ("NumericNotEquals", "11", true),
            ("NumericNotEquals", "10", false),
            ("NumericLessThan", "9", true),
            ("NumericLessThan", "10", false),
            ("NumericLessThanEquals", "10", true),
            ("NumericLessThanEquals", "11", false),
            ("NumericGreaterThan", "11", true),
            ("NumericGreaterThan", "10", false),
            ("NumericGreaterThanEquals", "10", true),
            ("NumericGreaterThanEquals", "9", false),
        ];
        for (op, v, want) in cases {
            let c = json!({ *op: { k: 10 } });
            assert_eq!(eval(c.clone(), &[(k, &[v])]), *want, "{op} {v}");
            let c2 = json!({ *op: { k: "10" } });
            assert_eq!(eval(c2, &[(k, &[v])]), *want, "{op} {v} (quoted)");
        }
        assert!(!eval(json!({"NumericLessThan": {k: 10}}), &[]));
        assert!(eval(json!({"NumericNotEquals": {k: 10}}), &[]));
        assert!(ConditionBlock::parse(&json!({"NumericEquals": {k: "ten"}}), "C").is_err());
    }

    #[test]
    fn date_parsing_forms() {
        let z = parse_date("2033-02-18T13:00:00Z");
        assert!(z.is_some());
        assert_eq!(parse_date("2033-02-18T13:00:00.000+0000"), z);
        assert_eq!(parse_date("2033-02-18T13:00:00+00:00"), z);
        assert_eq!(parse_date("2033-02-18T14:00:00+01:00"), z);
        assert_eq!(parse_date("2033-02-18T08:00:00-05:00"), z);
        assert_eq!(parse_date("2033-02-18T13:00Z"), z);
        assert_eq!(parse_date("1992344400"), z, "epoch seconds");
        assert_eq!(parse_date("1970-01-01"), Some(0));
        assert_eq!(parse_date("1970"), Some(0));
        assert_eq!(parse_date("1970-01"), Some(0));
        assert_eq!(parse_date("1970-01-01T00:00:00.5Z"), Some(500_000_000));
        assert_eq!(parse_date("2024-02-29"), parse_date("2024-02-28T00:00:00Z").map(|t| t + 86_400_000_000_000));
        for badv in [
            "",
            "2033-02-18T13:00:00",
            "2033-13-01",
            "2023-02-29",
            "2033-02-18T24:00:00Z",
            "2033-02-18 13:00:00Z",
            "now",
            "2033-02-18T13:00:00ZZ",
            "2033-02-18T13:00:00+1",
            "2033-02-18T13:00:00.Z",
            "-",
            "99999999999999999999999999999999999999999",
        ] {
            assert_eq!(parse_date(badv), None, "{badv:?}");
        }
    }

    #[test]
    fn date_operators_edges() {
        let t = "2033-02-18T13:00:00Z";
        let before = "2033-02-18T12:59:59Z";
        let after = "2033-02-18T13:00:01Z";
        let k = "aws:CurrentTime";
        let cases: &[(&str, &str, bool)] = &[
            ("DateLessThan", before, true),
            ("DateLessThan", t, false),
            ("DateLessThanEquals", t, true),
            ("DateLessThanEquals", after, false),
            ("DateGreaterThan", after, true),
            ("DateGreaterThan", t, false),
            ("DateGreaterThanEquals", t, true),
            ("DateGreaterThanEquals", before, false),
            ("DateEquals", "2033-02-18T13:00:00.000+0000", true),
            ("DateEquals", after, false),
            ("DateNotEquals", after, true),
            ("DateNotEquals", t, false),
        ];
        for (op, v, want) in cases {
            assert_eq!(eval(json!({ *op: { k: t } }), &[(k, &[v])]), *want, "{op} {v}");
        }
        // Epoch operand in the policy, ISO in the request.
        assert!(eval(json!({"DateLessThan": {k: 1992344400}}), &[(k, &[before])]));
        assert!(!eval(json!({"DateLessThan": {k: 1992344400}}), &[(k, &[t])]), "strict at the threshold");
        assert!(eval(json!({"DateLessThanEquals": {k: "1992344400"}}), &[(k, &[t])]));
        assert!(!eval(json!({"DateLessThan": {k: 1992344400}}), &[]));
        assert!(eval(json!({"DateNotEquals": {k: t}}), &[]));
        assert!(ConditionBlock::parse(&json!({"DateLessThan": {k: "2033-02-18T13:00:00"}}), "C").is_err());
        let b = block(json!({"DateLessThan": {k: t}}));
        let mut ctx = Context::new();
        ctx.insert(k, vec!["tomorrow"]);
        assert!(b.eval(&ctx).is_err());
    }

    #[test]
    fn if_exists_and_null() {
        let c = json!({"StringEqualsIfExists": {"sts:ExternalId": "abc"}});
        assert!(eval(c.clone(), &[]), "IfExists: missing key is true (pitfall 6)");
        assert!(eval(c.clone(), &[("sts:ExternalId", &["abc"])]));
        assert!(!eval(c, &[("sts:ExternalId", &["zzz"])]));
        let d = json!({"StringNotLikeIfExists": {"k": "a*"}});
        assert!(eval(d.clone(), &[]));
        assert!(!eval(d, &[("k", &["ab"])]));
        let null_t = json!({"Null": {"aws:TokenIssueTime": "true"}});
        assert!(eval(json!({"Null": {"k": [true, false]}}), &[]), "Null values are ORed");
        assert!(eval(null_t.clone(), &[]));
        assert!(!eval(null_t, &[("aws:TokenIssueTime", &["x"])]));
        let null_f = json!({"Null": {"aws:TokenIssueTime": false}});
        assert!(!eval(null_f.clone(), &[]));
        assert!(eval(null_f, &[("aws:TokenIssueTime", &["x"])]));
        assert!(ConditionBlock::parse(&json!({"NullIfExists": {"k": true}}), "C").is_err());
    }

    #[test]
    fn set_operators() {
        let all = json!({"ForAllValues:StringLike": {"aws:TagKeys": ["a*", "b"]}});
        assert!(eval(all.clone(), &[("aws:TagKeys", &["ax", "b"])]));
        assert!(!eval(all.clone(), &[("aws:TagKeys", &["ax", "c"])]));
        assert!(eval(all, &[]), "ForAllValues on an absent key is true");
        let any = json!({"ForAnyValue:StringEquals": {"aws:TagKeys": ["x", "y"]}});
        assert!(eval(any.clone(), &[("aws:TagKeys", &["q", "y"])]));
        assert!(!eval(any.clone(), &[("aws:TagKeys", &["q"])]));
        assert!(!eval(any, &[]), "ForAnyValue on an absent key is false");
        // ForAllValues with a negated operator: every request value must match none.
        let alln = json!({"ForAllValues:StringNotLike": {"aws:TagKeys": "key1*"}});
        assert!(!eval(alln.clone(), &[("aws:TagKeys", &["key1:legal"])]));
        assert!(eval(alln.clone(), &[("aws:TagKeys", &["key2:audit"])]));
        assert!(eval(alln, &[]));
        let anyx = json!({"ForAnyValue:StringEqualsIfExists": {"k": "x"}});
        assert!(eval(anyx, &[]));
    }

    #[test]
    fn parse_errors_name_the_path() {
        let e = ConditionBlock::parse(&json!({"StringEqualz": {"k": "v"}}), "Statement[2].Condition");
        let msg = e.err().map(|e| e.to_string()).unwrap_or_default();
        assert!(msg.starts_with("Statement[2].Condition.StringEqualz"), "{msg}");
        assert!(ConditionBlock::parse(&json!({"IpAddress": {"aws:SourceIp": "1.2.3.4/32"}}), "C").is_err());
        assert!(ConditionBlock::parse(&json!({"StringEquals": {"k": {"nested": 1}}}), "C").is_err());
        assert!(ConditionBlock::parse(&json!({"StringEquals": {"k": []}}), "C").is_err());
        assert!(ConditionBlock::parse(&json!({"StringEquals": "v"}), "C").is_err());
        assert!(ConditionBlock::parse(&json!({"StringLike": {"k": "home/${aws:username}/*"}}), "C").is_err());
        assert!(ConditionBlock::parse(&json!([1]), "C").is_err());
    }
}
