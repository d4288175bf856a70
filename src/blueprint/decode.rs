//! Tools for turning a located YAML tree ([`Node`]) into typed blueprint structs
//! while collecting every mistake as a [`Diagnostic`].
//!
//! Readers report a problem and return `None`; they never stop the decode, so one run
//! finds every mistake in a file. This module must not know blueprint fields or
//! values: the schema code passes them in, and may word special cases itself using
//! [`Scalar::kind`] before calling a reader.

use std::ops::RangeInclusive;

use crate::blueprint::yaml::{Node, NodeValue, Scalar, ScalarKind, ScalarStyle};
use crate::diagnostic::{Diagnostic, FieldPath, Location, suggest};

/// A decoded value with where it was written, for checks that come later (e.g. a
/// bucket name that is valid YAML but not a valid bucket name).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Located<T> {
    /// The value.
    pub value: T,
    /// Where it was written.
    pub location: Location,
    /// Which field it is.
    pub field: FieldPath,
}

impl<T> Located<T> {
    /// The same location and field around another value.
    pub fn map<U>(self, f: impl FnOnce(T) -> U) -> Located<U> {
        Located { value: f(self.value), location: self.location, field: self.field }
    }
}

/// One known field present in a mapping.
#[derive(Clone, Debug)]
pub struct Field<'n> {
    /// The field's name, as listed by the schema.
    pub name: &'static str,
    /// The key as written.
    pub key: &'n Node,
    /// The value.
    pub value: &'n Node,
    /// The value's path, e.g. `owner.account`.
    pub path: FieldPath,
}

/// The known fields of a mapping, from [`Decoder::mapping`]. Unknown keys have
/// already been reported.
#[derive(Clone, Debug)]
pub struct Fields<'n> {
    path: FieldPath,
    location: Location,
    present: Vec<Field<'n>>,
}

impl<'n> Fields<'n> {
    /// The value of a field, or `None` if it is absent. An empty value (`name:`) is
    /// present: readers report it, since the author wrote the key.
    pub fn optional(&self, name: &str) -> Option<&'n Node> {
        self.get(name).map(|f| f.value)
    }

    /// The value of a field; if absent, reports `missing-field` at the mapping.
    pub fn required(&self, name: &str, decoder: &mut Decoder<'_>) -> Option<&'n Node> {
        let found = self.optional(name);
        if found.is_none() {
            let message = if self.path.is_root() {
                format!("missing field `{name}` at the top level")
            } else {
                format!("missing field `{name}` in `{}`", self.path)
            };
            decoder.report(Diagnostic::error("missing-field", self.location.clone(), self.path.field(name), message));
        }
        found
    }

    /// The field with this name, if present.
    pub fn get(&self, name: &str) -> Option<&Field<'n>> {
        self.present.iter().find(|f| f.name == name)
    }

    /// Whether a field is present.
    pub fn contains(&self, name: &str) -> bool {
        self.get(name).is_some()
    }

    /// The path of a field of this mapping (present or not).
    pub fn path(&self, name: &str) -> FieldPath {
        self.path.field(name)
    }

    /// The mapping's own path.
    pub fn mapping_path(&self) -> &FieldPath {
        &self.path
    }

    /// Where the mapping starts.
    pub fn location(&self) -> &Location {
        &self.location
    }

    /// The known fields present, in source order.
    pub fn iter(&self) -> impl Iterator<Item = &Field<'n>> {
        self.present.iter()
    }
}

/// Collects diagnostics, into the caller's list, while the schema code reads a
/// file's tree.
#[derive(Debug)]
pub struct Decoder<'d> {
    file: String,
    diagnostics: &'d mut Vec<Diagnostic>,
}

/// "expected X, found Y" for a value of the wrong kind.
pub fn expected_found(expected: &str, node: &Node) -> String {
    format!("expected {expected}, found {}", node.describe())
}

/// Lists names as `` `a`, `b`, `c` ``.
fn quoted_list(names: &[&str]) -> String {
    names.iter().map(|n| format!("`{n}`")).collect::<Vec<_>>().join(", ")
}

impl<'d> Decoder<'d> {
    /// A decoder for one file (a display path, as in [`Location::file`]) that adds
    /// what it finds to `diagnostics`.
    pub fn new(file: impl Into<String>, diagnostics: &'d mut Vec<Diagnostic>) -> Decoder<'d> {
        Decoder { file: file.into(), diagnostics }
    }

    /// The file being decoded.
    pub fn file(&self) -> &str {
        &self.file
    }

    /// Adds a diagnostic (schema code reports its own checks here too).
    pub fn report(&mut self, diagnostic: Diagnostic) {
        self.diagnostics.push(diagnostic);
    }

    /// Everything in the list so far (including what was there before).
    pub fn diagnostics(&self) -> &[Diagnostic] {
        self.diagnostics
    }

    /// Whether any error (not just warnings) was reported.
    pub fn has_errors(&self) -> bool {
        self.diagnostics.iter().any(Diagnostic::is_error)
    }

    /// Reports `wrong-type`: "expected {expected}, found {what the node is}".
    pub fn wrong_type(&mut self, node: &Node, path: &FieldPath, expected: &str) {
        self.report(Diagnostic::error("wrong-type", node.location.clone(), path.clone(), expected_found(expected, node)));
    }

    /// Reads a mapping whose allowed keys are `fields`. Reports a value that is not a
    /// mapping, and each unknown key (with a did-you-mean, or the allowed fields).
    pub fn mapping<'n>(&mut self, node: &'n Node, path: &FieldPath, fields: &[&'static str]) -> Option<Fields<'n>> {
        let Some(entries) = node.as_mapping() else {
            let expected = format!("a mapping with fields {}", fields.join(", "));
            self.wrong_type(node, path, &expected);
            return None;
        };
        let mut present = Vec::new();
        for (key, value) in entries {
            // Non-scalar keys were reported by the YAML reader.
            let Some(key_text) = key.as_scalar().map(|s| s.text.as_str()) else {
                continue;
            };
            match fields.iter().find(|&&f| f == key_text) {
                Some(&name) => present.push(Field { name, key, value, path: path.field(name) }),
                None => self.unknown_field(key, key_text, path, fields),
            }
        }
        Some(Fields { path: path.clone(), location: node.location.clone(), present })
    }

    fn unknown_field(&mut self, key: &Node, name: &str, path: &FieldPath, fields: &[&str]) {
        let message =
            if path.is_root() { format!("unknown field `{name}` at the top level") } else { format!("unknown field `{name}` in `{path}`") };
        let help = match suggest(name, fields) {
            Some(close) => format!("did you mean `{close}`?"),
            None if fields.is_empty() => "no fields are allowed here".to_string(),
            None => format!("fields allowed here: {}", quoted_list(fields)),
        };
        self.report(Diagnostic::error("unknown-field", key.location.clone(), path.field(name), message).with_help(help));
    }

    /// Reads a field through `read` if present; reports `missing-field` if not.
    /// Example: `decoder.required(&owner, "account", Decoder::string)`.
    pub fn required<'n, T>(
        &mut self,
        fields: &Fields<'n>,
        name: &str,
        read: impl FnOnce(&mut Decoder<'d>, &'n Node, &FieldPath) -> Option<T>,
    ) -> Option<T> {
        let node = fields.required(name, self)?;
        read(self, node, &fields.path(name))
    }

    /// Reads a field through `read` if present; `None` without a diagnostic if not.
    pub fn optional<'n, T>(
        &mut self,
        fields: &Fields<'n>,
        name: &str,
        read: impl FnOnce(&mut Decoder<'d>, &'n Node, &FieldPath) -> Option<T>,
    ) -> Option<T> {
        let node = fields.optional(name)?;
        read(self, node, &fields.path(name))
    }

    /// Reads a string. Only YAML strings are accepted: a plain scalar that YAML reads
    /// as a number, boolean or null is `wrong-type`, saying what YAML read it as.
    /// Schema code wanting its own wording (e.g. account IDs) can check
    /// [`Scalar::kind`] first.
    pub fn string(&mut self, node: &Node, path: &FieldPath) -> Option<Located<String>> {
        let Some(scalar) = node.as_scalar() else {
            self.wrong_type(node, path, "a string");
            return None;
        };
        let kind = scalar.kind();
        if kind == ScalarKind::String {
            return Some(located(scalar.text.clone(), node, path));
        }
        if scalar.text.is_empty() {
            self.wrong_type(node, path, "a string");
            return None;
        }
        let message = format!("expected a string, but YAML read `{}` as {}", scalar.text, kind.describe());
        let help = match kind {
            ScalarKind::Bool { yaml11: true, .. } => {
                format!("YAML 1.1 readers take `{0}` as a boolean; quote it to keep the text: \"{0}\"", scalar.text)
            }
            _ => format!("quote it to keep the text: \"{}\"", scalar.text),
        };
        self.report(Diagnostic::error("wrong-type", node.location.clone(), path.clone(), message).with_help(help));
        None
    }

    /// Reads `true` or `false`. The YAML 1.1 spellings (`yes`, `no`, `on`, `off`) are
    /// `yaml11-boolean` errors, since YAML 1.2 reads them as strings.
    pub fn bool(&mut self, node: &Node, path: &FieldPath) -> Option<Located<bool>> {
        let Some(scalar) = node.as_scalar() else {
            self.wrong_type(node, path, "true or false");
            return None;
        };
        match scalar.kind() {
            ScalarKind::Bool { value, yaml11: false } => Some(located(value, node, path)),
            ScalarKind::Bool { value, yaml11: true } => {
                self.report(
                    Diagnostic::error(
                        "yaml11-boolean",
                        node.location.clone(),
                        path.clone(),
                        format!("expected true or false, found `{}`, which only YAML 1.1 reads as a boolean", scalar.text),
                    )
                    .with_help(format!("write `{value}`")),
                );
                None
            }
            kind => {
                let diagnostic =
                    Diagnostic::error("wrong-type", node.location.clone(), path.clone(), expected_found("true or false", node));
                self.report(unquote_help(diagnostic, scalar, kind, |k| matches!(k, ScalarKind::Bool { yaml11: false, .. })));
                None
            }
        }
    }

    /// Reads a whole number within `range`, reporting `out-of-range` outside it.
    pub fn u32(&mut self, node: &Node, path: &FieldPath, range: RangeInclusive<u32>) -> Option<Located<u32>> {
        let expected = if range == (0..=u32::MAX) {
            "a whole number".to_string()
        } else {
            format!("a whole number from {} to {}", range.start(), range.end())
        };
        let Some(scalar) = node.as_scalar() else {
            self.wrong_type(node, path, &expected);
            return None;
        };
        let kind = scalar.kind();
        let number = scalar.integer_value();
        if number.is_none() && kind != ScalarKind::Integer {
            let diagnostic = Diagnostic::error("wrong-type", node.location.clone(), path.clone(), expected_found(&expected, node));
            self.report(unquote_help(diagnostic, scalar, kind, |k| k == ScalarKind::Integer));
            return None;
        }
        // An integer too large for i128 is simply out of range.
        match number.and_then(|n| u32::try_from(n).ok()) {
            Some(n) if range.contains(&n) => Some(located(n, node, path)),
            _ => {
                self.report(Diagnostic::error(
                    "out-of-range",
                    node.location.clone(),
                    path.clone(),
                    format!("expected {expected}, found `{}`", scalar.text),
                ));
                None
            }
        }
    }

    /// Reads a list, returning each item with its path (`clients[0]`, ...).
    pub fn sequence<'n>(&mut self, node: &'n Node, path: &FieldPath) -> Option<Vec<(&'n Node, FieldPath)>> {
        match &node.value {
            NodeValue::Sequence(items) => Some(items.iter().enumerate().map(|(i, item)| (item, path.index(i))).collect()),
            _ => {
                let diagnostic = Diagnostic::error("wrong-type", node.location.clone(), path.clone(), expected_found("a list", node));
                self.report(if node.as_scalar().is_some() {
                    diagnostic.with_help("write a list as `[a, b]`, or as lines starting with `- `")
                } else {
                    diagnostic
                });
                None
            }
        }
    }

    /// Reads a list of strings. Every bad item is reported; the result is `None` if
    /// any was bad, so later checks do not run on a partial list.
    pub fn string_list(&mut self, node: &Node, path: &FieldPath) -> Option<Vec<Located<String>>> {
        let items = self.sequence(node, path)?;
        let mut out = Vec::with_capacity(items.len());
        let mut all_good = true;
        for (item, item_path) in items {
            match self.string(item, &item_path) {
                Some(s) => out.push(s),
                None => all_good = false,
            }
        }
        all_good.then_some(out)
    }

    /// Reads a mapping of string keys to string values (e.g. tags), in source order.
    /// Every bad value is reported; the result is `None` if any was bad.
    pub fn string_map(&mut self, node: &Node, path: &FieldPath) -> Option<Vec<(Located<String>, Located<String>)>> {
        let Some(entries) = node.as_mapping() else {
            self.wrong_type(node, path, "a mapping of names to strings");
            return None;
        };
        let mut out = Vec::with_capacity(entries.len());
        let mut all_good = true;
        for (key, value) in entries {
            // Non-scalar keys were reported by the YAML reader.
            let Some(key_scalar) = key.as_scalar() else {
                all_good = false;
                continue;
            };
            let entry_path = path.field(&key_scalar.text);
            let key = located(key_scalar.text.clone(), key, &entry_path);
            match self.string(value, &entry_path) {
                Some(value) => out.push((key, value)),
                None => all_good = false,
            }
        }
        all_good.then_some(out)
    }

    /// Reads one of a fixed set of words (e.g. `sse-s3`, `sse-kms`), reporting
    /// `unknown-value` with a did-you-mean otherwise.
    pub fn one_of(&mut self, node: &Node, path: &FieldPath, allowed: &[&'static str]) -> Option<Located<&'static str>> {
        let expected = format!("one of {}", quoted_list(allowed));
        let scalar = match node.as_scalar() {
            Some(s) if !(s.style == ScalarStyle::Plain && s.text.is_empty()) => s,
            _ => {
                self.wrong_type(node, path, &expected);
                return None;
            }
        };
        // Matched on the text as written: these words are bucketbridge's own, so a
        // plain `on` here can only mean the word.
        if let Some(&word) = allowed.iter().find(|&&w| w == scalar.text) {
            return Some(located(word, node, path));
        }
        let help = match suggest(&scalar.text, allowed) {
            Some(close) => format!("did you mean `{close}`?"),
            None => format!("write {expected}"),
        };
        self.report(
            Diagnostic::error(
                "unknown-value",
                node.location.clone(),
                path.clone(),
                format!("unknown value `{}`, expected {expected}", scalar.text),
            )
            .with_help(help),
        );
        None
    }
}

/// Adds "remove the quotes" when a quoted scalar would have been right unquoted.
fn unquote_help(diagnostic: Diagnostic, scalar: &Scalar, kind: ScalarKind, would_fit: impl Fn(ScalarKind) -> bool) -> Diagnostic {
    let quoted = matches!(scalar.style, ScalarStyle::SingleQuoted | ScalarStyle::DoubleQuoted);
    let unquoted = Scalar { text: scalar.text.clone(), style: ScalarStyle::Plain };
    if kind == ScalarKind::String && quoted && would_fit(unquoted.kind()) {
        diagnostic.with_help(format!("remove the quotes: {}", scalar.text))
    } else {
        diagnostic
    }
}

fn located<T>(value: T, node: &Node, path: &FieldPath) -> Located<T> {
    Located { value, location: node.location.clone(), field: path.clone() }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::blueprint::yaml::parse;
    use crate::diagnostic::render;

    const FILE: &str = "blueprints/acme.yaml";

    fn tree(source: &str) -> Node {
        match parse(FILE, source) {
            Ok(node) => node,
            Err(d) => panic!("unexpected errors:\n{}", render(&d, source)),
        }
    }

    /// Runs `read` on the value of key `v` in `source`, returning the result and the
    /// diagnostics.
    fn read<T>(source: &str, read: impl FnOnce(&mut Decoder<'_>, &Node, &FieldPath) -> Option<T>) -> (Option<T>, Vec<Diagnostic>) {
        let root = tree(source);
        let mut diagnostics = Vec::new();
        let mut decoder = Decoder::new(FILE, &mut diagnostics);
        let fields = decoder.mapping(&root, &FieldPath::root(), &["v"]);
        let out = fields.and_then(|f| decoder.required(&f, "v", read));
        (out, diagnostics)
    }

    fn one(diagnostics: &[Diagnostic]) -> (&'static str, &str, Option<&str>) {
        assert_eq!(diagnostics.len(), 1, "{diagnostics:?}");
        let d = &diagnostics[0];
        (d.code, d.message.as_str(), d.help.as_deref())
    }

    #[test]
    fn string_reader() {
        let (v, d) = read("v: acme\n", |d, n, p| d.string(n, p));
        assert!(d.is_empty());
        let v = v.unwrap_or_else(|| panic!("no value"));
        assert_eq!(v.value, "acme");
        assert_eq!(v.location, Location::new(FILE, 1, 4, 4));
        assert_eq!(v.field.to_string(), "v");

        let (v, _) = read("v: \"012\"\n", |d, n, p| d.string(n, p));
        assert_eq!(v.map(|v| v.value), Some("012".to_string()));

        let (v, d) = read("v: 012345678901\n", |d, n, p| d.string(n, p));
        assert!(v.is_none());
        assert_eq!(
            one(&d),
            (
                "wrong-type",
                "expected a string, but YAML read `012345678901` as a number",
                Some("quote it to keep the text: \"012345678901\"")
            )
        );
        assert_eq!(d[0].location, Location::new(FILE, 1, 4, 12));

        let (_, d) = read("v: yes\n", |d, n, p| d.string(n, p));
        assert_eq!(
            one(&d),
            (
                "wrong-type",
                "expected a string, but YAML read `yes` as the boolean true",
                Some("YAML 1.1 readers take `yes` as a boolean; quote it to keep the text: \"yes\"")
            )
        );
        let (_, d) = read("v: ~\n", |d, n, p| d.string(n, p));
        assert_eq!(one(&d).1, "expected a string, but YAML read `~` as null");
        let (_, d) = read("v:\n", |d, n, p| d.string(n, p));
        assert_eq!(one(&d), ("wrong-type", "expected a string, found an empty value", None));
        let (_, d) = read("v: [a]\n", |d, n, p| d.string(n, p));
        assert_eq!(one(&d).1, "expected a string, found a list");
        let (_, d) = read("v: {a: b}\n", |d, n, p| d.string(n, p));
        assert_eq!(one(&d).1, "expected a string, found a mapping");
    }

    #[test]
    fn bool_reader() {
        let (v, d) = read("v: true\n", |d, n, p| d.bool(n, p));
        assert!(d.is_empty());
        assert_eq!(v.map(|v| v.value), Some(true));
        let (v, _) = read("v: False\n", |d, n, p| d.bool(n, p));
        assert_eq!(v.map(|v| v.value), Some(false));

        let (v, d) = read("v: off\n", |d, n, p| d.bool(n, p));
        assert!(v.is_none());
        assert_eq!(
            one(&d),
            ("yaml11-boolean", "expected true or false, found `off`, which only YAML 1.1 reads as a boolean", Some("write `false`"))
        );
        let (_, d) = read("v: \"true\"\n", |d, n, p| d.bool(n, p));
        assert_eq!(one(&d), ("wrong-type", "expected true or false, found the string `\"true\"`", Some("remove the quotes: true")));
        let (_, d) = read("v: 1\n", |d, n, p| d.bool(n, p));
        assert_eq!(one(&d), ("wrong-type", "expected true or false, found a number `1`", None));
        let (_, d) = read("v: []\n", |d, n, p| d.bool(n, p));
        assert_eq!(one(&d).1, "expected true or false, found a list");
    }

    #[test]
    fn u32_reader() {
        let days = |d: &mut Decoder, n: &Node, p: &FieldPath| d.u32(n, p, 1..=3650);
        let (v, d) = read("v: 30\n", days);
        assert!(d.is_empty());
        assert_eq!(v.map(|v| v.value), Some(30));
        let (v, _) = read("v: 0x10\n", days);
        assert_eq!(v.map(|v| v.value), Some(16));

        let (_, d) = read("v: 0\n", days);
        assert_eq!(one(&d), ("out-of-range", "expected a whole number from 1 to 3650, found `0`", None));
        let (_, d) = read("v: -4\n", days);
        assert_eq!(one(&d).0, "out-of-range");
        let (_, d) = read(&format!("v: {}\n", "9".repeat(50)), days);
        assert_eq!(one(&d).0, "out-of-range");
        let (_, d) = read("v: '30'\n", days);
        assert_eq!(
            one(&d),
            ("wrong-type", "expected a whole number from 1 to 3650, found the string `'30'`", Some("remove the quotes: 30"))
        );
        let (_, d) = read("v: 1.5\n", days);
        assert_eq!(one(&d).1, "expected a whole number from 1 to 3650, found a number `1.5`");
        let any = |d: &mut Decoder, n: &Node, p: &FieldPath| d.u32(n, p, 0..=u32::MAX);
        let (_, d) = read("v: many\n", any);
        assert_eq!(one(&d).1, "expected a whole number, found the string `many`");
    }

    #[test]
    fn sequence_reader() {
        let (v, d) = read("v:\n  - a\n  - b\n", |d, n, p| {
            d.sequence(n, p).map(|items| items.iter().map(|(_, path)| path.to_string()).collect::<Vec<_>>())
        });
        assert!(d.is_empty());
        assert_eq!(v, Some(vec!["v[0]".to_string(), "v[1]".to_string()]));
        let (v, d) = read("v: {a: 1}\n", |d, n, p| d.sequence(n, p).map(|i| i.len()));
        assert!(v.is_none());
        assert_eq!(one(&d), ("wrong-type", "expected a list, found a mapping", None));
        let (_, d) = read("v: upload\n", |d, n, p| d.sequence(n, p).map(|i| i.len()));
        assert_eq!(one(&d).2, Some("write a list as `[a, b]`, or as lines starting with `- `"));
    }

    #[test]
    fn string_list_reader() {
        let (v, d) = read("v: [upload, download]\n", |d, n, p| d.string_list(n, p));
        assert!(d.is_empty());
        let v = v.unwrap_or_default();
        assert_eq!(v.len(), 2);
        assert_eq!(v[1].value, "download");
        assert_eq!(v[1].field.to_string(), "v[1]");
        assert_eq!(v[1].location, Location::new(FILE, 1, 13, 8));

        let (v, d) = read("v: [upload, 12, true]\n", |d, n, p| d.string_list(n, p));
        assert!(v.is_none());
        let fields: Vec<String> = d.iter().map(|d| d.field.to_string()).collect();
        assert_eq!(fields, ["v[1]", "v[2]"]);
    }

    #[test]
    fn string_map_reader() {
        let (v, d) = read("v: {team: data, cost.center: \"42\"}\n", |d, n, p| d.string_map(n, p));
        assert!(d.is_empty());
        let v = v.unwrap_or_default();
        let pairs: Vec<(&str, &str)> = v.iter().map(|(k, v)| (k.value.as_str(), v.value.as_str())).collect();
        assert_eq!(pairs, [("team", "data"), ("cost.center", "42")]);
        assert_eq!(v[1].1.field.to_string(), "v[\"cost.center\"]");
        assert_eq!(v[0].0.location, Location::new(FILE, 1, 5, 4));

        let (v, d) = read("v: {a: 1, b: ok, c: [x]}\n", |d, n, p| d.string_map(n, p));
        assert!(v.is_none());
        assert_eq!(d.len(), 2);
        assert_eq!(d[1].message.as_str(), "expected a string, found a list");
        let (_, d) = read("v: [a]\n", |d, n, p| d.string_map(n, p));
        assert_eq!(one(&d).1, "expected a mapping of names to strings, found a list");
    }

    #[test]
    fn one_of_reader() {
        let enc = |d: &mut Decoder, n: &Node, p: &FieldPath| d.one_of(n, p, &["sse-s3", "sse-kms"]);
        let (v, d) = read("v: sse-kms\n", enc);
        assert!(d.is_empty());
        assert_eq!(v.map(|v| v.value), Some("sse-kms"));
        let (_, d) = read("v: SSE-S3\n", enc);
        assert_eq!(
            one(&d),
            ("unknown-value", "unknown value `SSE-S3`, expected one of `sse-s3`, `sse-kms`", Some("did you mean `sse-s3`?"))
        );
        let (_, d) = read("v: aes256\n", enc);
        assert_eq!(one(&d).2, Some("write one of `sse-s3`, `sse-kms`"));
        let (_, d) = read("v:\n", enc);
        assert_eq!(one(&d), ("wrong-type", "expected one of `sse-s3`, `sse-kms`, found an empty value", None));
    }

    #[test]
    fn mapping_reports_unknown_and_missing_fields() {
        let src = "owner:\n  acount: \"111122223333\"\n  colour: blue\n  region: us-east-1\n";
        let root = tree(src);
        let mut diagnostics = Vec::new();
        let mut decoder = Decoder::new(FILE, &mut diagnostics);
        let top = decoder.mapping(&root, &FieldPath::root(), &["owner"]);
        let owner_node = top.as_ref().and_then(|t| t.required("owner", &mut decoder));
        let owner = owner_node.and_then(|n| decoder.mapping(n, &FieldPath::root().field("owner"), &["account", "region"]));
        let owner = owner.unwrap_or_else(|| panic!("owner"));
        assert!(owner.required("account", &mut decoder).is_none());
        assert!(owner.optional("region").is_some());
        let names: Vec<&str> = owner.iter().map(|f| f.name).collect();
        assert_eq!(names, ["region"]);
        let found: Vec<(&str, String, Option<&str>, u32)> =
            decoder.diagnostics().iter().map(|d| (d.code, d.message.as_str().to_string(), d.help.as_deref(), d.location.line)).collect();
        assert_eq!(
            found,
            [
                ("unknown-field", "unknown field `acount` in `owner`".to_string(), Some("did you mean `account`?"), 2),
                ("unknown-field", "unknown field `colour` in `owner`".to_string(), Some("fields allowed here: `account`, `region`"), 3),
                ("missing-field", "missing field `account` in `owner`".to_string(), None, 2),
            ]
        );
        assert_eq!(decoder.diagnostics()[2].field.to_string(), "owner.account");
    }

    #[test]
    fn mapping_reports_non_mapping() {
        let root = tree("- a\n");
        let mut diagnostics = Vec::new();
        let mut decoder = Decoder::new(FILE, &mut diagnostics);
        assert!(decoder.mapping(&root, &FieldPath::root(), &["a", "b", "c"]).is_none());
        assert_eq!(one(decoder.diagnostics()), ("wrong-type", "expected a mapping with fields a, b, c, found a list", None));
        let mut diagnostics = Vec::new();
        let mut decoder = Decoder::new(FILE, &mut diagnostics);
        let root = tree("x: 1\n");
        let top = decoder.mapping(&root, &FieldPath::root(), &["name"]);
        top.and_then(|t| t.required("name", &mut decoder));
        let messages: Vec<&str> = decoder.diagnostics().iter().map(|d| d.message.as_str()).collect();
        assert_eq!(messages, ["unknown field `x` at the top level", "missing field `name` at the top level"]);
        assert!(decoder.has_errors());
    }

    // End to end: a test schema shaped like a real blueprint.

    #[derive(Debug)]
    #[allow(dead_code)] // fields are read through Debug only
    struct Blueprint {
        scenario: Located<&'static str>,
        name: Located<String>,
        owner: Owner,
        bucket: Bucket,
        clients: Vec<Client>,
        tags: Vec<(Located<String>, Located<String>)>,
    }

    #[derive(Debug)]
    #[allow(dead_code)]
    struct Owner {
        account: Located<String>,
        region: Located<String>,
    }

    #[derive(Debug)]
    #[allow(dead_code)]
    struct Bucket {
        name: Located<String>,
        encryption: Located<&'static str>,
        versioning: Located<bool>,
        retention_days: Option<Located<u32>>,
        access_logs: Option<AccessLogs>,
    }

    #[derive(Debug)]
    #[allow(dead_code)]
    struct AccessLogs {
        bucket: Located<String>,
        prefix: Located<String>,
        create: Located<bool>,
    }

    #[derive(Debug)]
    #[allow(dead_code)]
    struct Client {
        name: Located<String>,
        account: Located<String>,
        external_id: Located<String>,
        capabilities: Vec<Located<String>>,
        prefix: Located<String>,
    }

    fn decode_owner(d: &mut Decoder, node: &Node, path: &FieldPath) -> Option<Owner> {
        let f = d.mapping(node, path, &["account", "region"])?;
        let account = f.required("account", d).and_then(|n| {
            // Schema-specific wording, as the real schema will do for account IDs.
            match n.as_scalar() {
                Some(s) if s.kind() == ScalarKind::Integer => {
                    d.report(
                        Diagnostic::error(
                            "account-id-not-a-string",
                            n.location.clone(),
                            f.path("account"),
                            format!("account ID must be a quoted string, but YAML read `{}` as a number", s.text),
                        )
                        .with_help(format!("write it as account: \"{}\"", s.text)),
                    );
                    None
                }
                _ => d.string(n, &f.path("account")),
            }
        });
        let region = d.required(&f, "region", Decoder::string);
        Some(Owner { account: account?, region: region? })
    }

    fn decode_bucket(d: &mut Decoder, node: &Node, path: &FieldPath) -> Option<Bucket> {
        let fields = ["name", "encryption", "versioning", "retention_days", "access_logs"];
        let f = d.mapping(node, path, &fields)?;
        let name = d.required(&f, "name", Decoder::string);
        let encryption = d.required(&f, "encryption", |d, n, p| d.one_of(n, p, &["sse-s3", "sse-kms"]));
        let versioning = d.required(&f, "versioning", Decoder::bool);
        let retention_days = d.optional(&f, "retention_days", |d, n, p| d.u32(n, p, 1..=3650));
        let access_logs = d.optional(&f, "access_logs", |d, n, p| {
            let f = d.mapping(n, p, &["bucket", "prefix", "create"])?;
            let bucket = d.required(&f, "bucket", Decoder::string);
            let prefix = d.required(&f, "prefix", Decoder::string);
            let create = d.required(&f, "create", Decoder::bool);
            Some(AccessLogs { bucket: bucket?, prefix: prefix?, create: create? })
        });
        Some(Bucket { name: name?, encryption: encryption?, versioning: versioning?, retention_days, access_logs })
    }

    fn decode_client(d: &mut Decoder, node: &Node, path: &FieldPath) -> Option<Client> {
        let fields = ["name", "account", "external_id", "capabilities", "prefix"];
        let f = d.mapping(node, path, &fields)?;
        let name = d.required(&f, "name", Decoder::string);
        let account = d.required(&f, "account", Decoder::string);
        let external_id = d.required(&f, "external_id", Decoder::string);
        let capabilities = d.required(&f, "capabilities", Decoder::string_list);
        let prefix = d.required(&f, "prefix", Decoder::string);
        Some(Client { name: name?, account: account?, external_id: external_id?, capabilities: capabilities?, prefix: prefix? })
    }

    fn decode_blueprint(d: &mut Decoder, root: &Node) -> Option<Blueprint> {
        let fields = ["scenario", "name", "owner", "bucket", "clients", "tags"];
        let f = d.mapping(root, &FieldPath::root(), &fields)?;
        let scenario = d.required(&f, "scenario", |d, n, p| d.one_of(n, p, &["external-handoff", "internal-share"]));
        let name = d.required(&f, "name", Decoder::string);
        let owner = d.required(&f, "owner", decode_owner);
        let bucket = d.required(&f, "bucket", decode_bucket);
        let clients = d.required(&f, "clients", |d, n, p| {
            let items = d.sequence(n, p)?;
            let decoded: Vec<Option<Client>> = items.iter().map(|(item, path)| decode_client(d, item, path)).collect();
            decoded.into_iter().collect::<Option<Vec<_>>>()
        });
        let tags = d.optional(&f, "tags", Decoder::string_map).unwrap_or_default();
        Some(Blueprint { scenario: scenario?, name: name?, owner: owner?, bucket: bucket?, clients: clients?, tags })
    }

    /// Parses and decodes; returns the blueprint or the rendered diagnostics.
    fn compile(source: &str) -> Result<Blueprint, String> {
        let root = parse(FILE, source).map_err(|d| render(&d, source))?;
        let mut diagnostics = Vec::new();
        let mut decoder = Decoder::new(FILE, &mut diagnostics);
        let blueprint = decode_blueprint(&mut decoder, &root);
        match blueprint {
            Some(b) if !decoder.has_errors() => Ok(b),
            _ => Err(render(decoder.diagnostics(), source)),
        }
    }

    const SAMPLE: &str = r#"scenario: external-handoff
name: acme-exchange
owner: { account: "111122223333", region: us-east-1 }
bucket:
  name: acme-exchange-prod
  encryption: sse-s3
  versioning: true
  access_logs: { bucket: aws-logs-111122223333-us-east-1, prefix: s3/acme-exchange/, create: true }
clients:
  - name: ACME
    account: "444455556666"
    external_id: HMI-ACME
    capabilities: [upload, download, delete, browse]
    prefix: incoming/
tags: { team: data-exchange }
"#;

    #[test]
    fn sample_blueprint_decodes() {
        let b = compile(SAMPLE).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(b.scenario.value, "external-handoff");
        assert_eq!(b.owner.account.value, "111122223333");
        assert_eq!(b.owner.account.location, Location::new(FILE, 3, 19, 14));
        assert_eq!(b.bucket.encryption.value, "sse-s3");
        assert!(b.bucket.versioning.value);
        assert!(b.bucket.access_logs.as_ref().is_some_and(|l| l.create.value));
        assert_eq!(b.clients.len(), 1);
        assert_eq!(b.clients[0].capabilities.len(), 4);
        assert_eq!(b.clients[0].capabilities[3].field.to_string(), "clients[0].capabilities[3]");
        assert_eq!(b.tags[0].1.value, "data-exchange");
    }

    const BROKEN: &str = r#"scenario: external-handof
name: acme-exchange
owner: { account: 111122223333, region: us-east-1 }
bucket:
  name: acme-exchange-prod
  encrpytion: sse-s3
  versioning: yes
  retention_days: 0
clients:
  - name: ACME
    external_id: HMI-ACME
    capabilities: [upload, download, 12]
    prefix: incoming/
tags: { team: data-exchange, owner: [a] }
"#;

    const BROKEN_RENDERED: &str = r#"error: unknown value `external-handof`, expected one of `external-handoff`, `internal-share`
  --> blueprints/acme.yaml:1:11 (scenario)
   |
 1 | scenario: external-handof
   |           ^^^^^^^^^^^^^^^
   = help: did you mean `external-handoff`?

error: account ID must be a quoted string, but YAML read `111122223333` as a number
  --> blueprints/acme.yaml:3:19 (owner.account)
   |
 3 | owner: { account: 111122223333, region: us-east-1 }
   |                   ^^^^^^^^^^^^
   = help: write it as account: "111122223333"

error: missing field `encryption` in `bucket`
  --> blueprints/acme.yaml:5:3 (bucket.encryption)
   |
 5 |   name: acme-exchange-prod
   |   ^

error: unknown field `encrpytion` in `bucket`
  --> blueprints/acme.yaml:6:3 (bucket.encrpytion)
   |
 6 |   encrpytion: sse-s3
   |   ^^^^^^^^^^
   = help: did you mean `encryption`?

error: expected true or false, found `yes`, which only YAML 1.1 reads as a boolean
  --> blueprints/acme.yaml:7:15 (bucket.versioning)
   |
 7 |   versioning: yes
   |               ^^^
   = help: write `true`

error: expected a whole number from 1 to 3650, found `0`
  --> blueprints/acme.yaml:8:19 (bucket.retention_days)
   |
 8 |   retention_days: 0
   |                   ^

error: missing field `account` in `clients[0]`
  --> blueprints/acme.yaml:10:5 (clients[0].account)
   |
10 |   - name: ACME
   |     ^

error: expected a string, but YAML read `12` as a number
  --> blueprints/acme.yaml:12:38 (clients[0].capabilities[2])
   |
12 |     capabilities: [upload, download, 12]
   |                                      ^^
   = help: quote it to keep the text: "12"

error: expected a string, found a list
  --> blueprints/acme.yaml:14:37 (tags.owner)
   |
14 | tags: { team: data-exchange, owner: [a] }
   |                                     ^
"#;

    #[test]
    fn every_mistake_in_a_file_is_reported_and_rendered() {
        let rendered = match compile(BROKEN) {
            Ok(b) => panic!("expected errors, got {b:?}"),
            Err(rendered) => rendered,
        };
        assert_eq!(rendered, BROKEN_RENDERED, "\n{rendered}");
    }

    #[test]
    fn yaml_level_mistakes_are_all_reported_before_decoding() {
        let source = "name: a\nname: b\nowner: !Ref Owner\n";
        let rendered = compile(source).err().unwrap_or_default();
        assert!(rendered.contains("duplicate key `name`, first written on line 1"));
        assert!(rendered.contains("tags are not supported in blueprints, found `!Ref`"));
    }

    // Robustness: no input may panic the reader or the decoder.

    /// xorshift64*: small, deterministic, good enough to shake the parser.
    struct Rng(u64);

    impl Rng {
        fn next(&mut self) -> u64 {
            self.0 ^= self.0 >> 12;
            self.0 ^= self.0 << 25;
            self.0 ^= self.0 >> 27;
            self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
        }

        fn below(&mut self, n: usize) -> usize {
            (self.next() % (n.max(1) as u64)) as usize
        }
    }

    /// Rounds per fuzz test; raise with `BUCKETBRIDGE_FUZZ_ROUNDS` for a longer run.
    fn rounds() -> usize {
        std::env::var("BUCKETBRIDGE_FUZZ_ROUNDS").ok().and_then(|v| v.parse().ok()).unwrap_or(3000)
    }

    /// Seed offset; change with `BUCKETBRIDGE_FUZZ_SEED` to explore other inputs.
    fn seed(base: u64) -> u64 {
        let extra: u64 = std::env::var("BUCKETBRIDGE_FUZZ_SEED").ok().and_then(|v| v.parse().ok()).unwrap_or(0);
        // xorshift state must not be zero.
        (base ^ extra.wrapping_mul(0x9E37_79B9_7F4A_7C15)).max(1)
    }

    fn run_everything(source: &str) {
        match parse(FILE, source) {
            Ok(root) => {
                let mut diagnostics = Vec::new();
                let mut decoder = Decoder::new(FILE, &mut diagnostics);
                let _ = decode_blueprint(&mut decoder, &root);
                let _ = render(decoder.diagnostics(), source);
            }
            Err(d) => {
                let _ = render(&d, source);
            }
        }
    }

    #[test]
    fn random_bytes_never_panic() {
        let mut rng = Rng(seed(0x9E37_79B9_7F4A_7C15));
        // Bytes weighted toward YAML's own punctuation so the parser goes deep.
        let alphabet = b" \t\n\r:-{}[],'\"!&*#|>?%@`~abcz019.\\";
        for _ in 0..rounds() {
            let len = rng.below(80);
            let bytes: Vec<u8> =
                (0..len).map(|_| if rng.below(4) == 0 { (rng.next() & 0xFF) as u8 } else { alphabet[rng.below(alphabet.len())] }).collect();
            run_everything(&String::from_utf8_lossy(&bytes));
        }
    }

    #[test]
    fn mutated_blueprints_never_panic() {
        let mut rng = Rng(seed(0xDEAD_BEEF_CAFE_F00D));
        let inserts = [":", "-", "{", "}", "[", "]", "\t", "'", "\"", "\n", " ", "&a ", "*a", "!x ", "? ", "#"];
        let base: Vec<char> = SAMPLE.chars().collect();
        for round in 0..rounds() {
            let mut text = base.clone();
            for _ in 0..1 + rng.below(4) {
                let at = rng.below(text.len() + 1);
                match rng.below(4) {
                    0 => text.truncate(at),
                    1 if at < text.len() => {
                        text.remove(at);
                    }
                    _ => {
                        let insert = inserts[rng.below(inserts.len())];
                        for (i, c) in insert.chars().enumerate() {
                            text.insert(at + i, c);
                        }
                    }
                }
            }
            let source: String = text.into_iter().collect();
            if round % 2 == 0 {
                run_everything(&source);
            } else {
                run_everything(&format!("\u{feff}{source}"));
            }
        }
    }
}
