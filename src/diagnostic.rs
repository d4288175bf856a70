//! Diagnostics: user mistakes in blueprint files, each with a file, line, column,
//! field path and optional help line, and their plain-text rendering.
//!
//! This module only describes and renders problems. It must not read files, decide
//! what is a mistake, print anything or use colours: callers collect diagnostics and
//! choose where the rendered text goes.

use std::cmp::Ordering;
use std::fmt;
use std::path::Path;
use std::sync::Arc;

/// Where a diagnostic points: a span of text on one line of one file.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Location {
    /// Display path of the file, with `/` as separator; shared, because a large blueprint has hundreds of
    /// thousands of located values, all in one file.
    pub file: Arc<str>,
    /// Line number, 1-based.
    pub line: u32,
    /// Column, 1-based, counted in characters (not bytes).
    pub column: u32,
    /// Length of the offending text in characters, at least 1.
    pub length: u32,
}

impl Location {
    /// Builds a location; zero line, column or length are raised to 1 so that every
    /// location points at something renderable.
    pub fn new(file: impl Into<Arc<str>>, line: u32, column: u32, length: u32) -> Location {
        Location { file: file.into(), line: line.max(1), column: column.max(1), length: length.max(1) }
    }

    /// The location of a byte range of `source` (as parsers other than the YAML reader report them, such as the
    /// TOML parser for `bucketbridge.toml`): line and column of its start, and its length in characters up to
    /// the end of that line. An empty range points at one character.
    pub fn from_span(file: impl Into<Arc<str>>, source: &str, span: std::ops::Range<usize>) -> Location {
        let start = floor_char_boundary(source, span.start.min(source.len()));
        let end = floor_char_boundary(source, span.end.clamp(start, source.len()));
        let before = &source[..start];
        let line = before.matches('\n').count() + 1;
        let line_start = before.rfind('\n').map_or(0, |index| index + 1);
        let column = before[line_start..].chars().count() + 1;
        let rest = &source[start..end];
        let length = rest.split(['\n', '\r']).next().unwrap_or("").chars().count();
        let to_u32 = |n: usize| u32::try_from(n).unwrap_or(u32::MAX);
        Location::new(file, to_u32(line), to_u32(column), to_u32(length))
    }

    /// The start of a file: line 1, column 1, one character long. For problems that
    /// concern the file as a whole.
    pub fn file_start(file: impl Into<Arc<str>>) -> Location {
        Location::new(file, 1, 1, 1)
    }
}

/// The largest character boundary of `text` at or before `index`.
fn floor_char_boundary(text: &str, mut index: usize) -> usize {
    while !text.is_char_boundary(index) {
        index -= 1;
    }
    index
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}:{}", self.file, self.line, self.column)
    }
}

/// Turns a path into the display form used in [`Location::file`]: components joined
/// with `/` whatever the platform, so output and tests are the same everywhere.
pub fn display_path(path: &Path) -> String {
    let parts: Vec<String> = path.components().map(|c| c.as_os_str().to_string_lossy().into_owned()).collect();
    parts.join("/").replace("//", "/")
}

/// How serious a diagnostic is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Severity {
    /// The blueprint cannot be compiled.
    Error,
    /// The blueprint compiles, but probably not as the author meant.
    Warning,
}

impl Severity {
    /// The lowercase word used when rendering (`error`, `warning`).
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
        }
    }
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One step in a [`FieldPath`].
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Segment {
    /// A mapping key, e.g. `clients`.
    Field(String),
    /// A list position, 0-based, e.g. `[2]`.
    Index(usize),
}

/// The path of a value inside a blueprint, e.g. `clients[2].account`.
///
/// Built from the root: `FieldPath::root().field("clients").index(2).field("account")`.
#[derive(Clone, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct FieldPath {
    segments: Vec<Segment>,
}

impl FieldPath {
    /// The document itself (renders as an empty string).
    pub fn root() -> FieldPath {
        FieldPath::default()
    }

    /// This path extended by a mapping key.
    pub fn field(&self, name: &str) -> FieldPath {
        self.extended(Segment::Field(name.to_string()))
    }

    /// This path extended by a list position (0-based).
    pub fn index(&self, index: usize) -> FieldPath {
        self.extended(Segment::Index(index))
    }

    /// This path and one more step, holding no spare room: a model keeps a path for each policy it builds.
    fn extended(&self, segment: Segment) -> FieldPath {
        let mut segments = Vec::with_capacity(self.segments.len() + 1);
        segments.extend_from_slice(&self.segments);
        segments.push(segment);
        FieldPath { segments }
    }

    /// Whether this is the document root.
    pub fn is_root(&self) -> bool {
        self.segments.is_empty()
    }

    /// The steps of the path, from the root.
    pub fn segments(&self) -> &[Segment] {
        &self.segments
    }

    /// The last mapping key on the path, if any (e.g. `account` for
    /// `clients[0].account`); handy for wording messages.
    pub fn last_field(&self) -> Option<&str> {
        self.segments.iter().rev().find_map(|s| match s {
            Segment::Field(name) => Some(name.as_str()),
            Segment::Index(_) => None,
        })
    }
}

/// Keys that are not simple names (tag keys such as `cost.center` or `a b`) are shown
/// as `["..."]` so the path stays unambiguous.
fn is_simple_key(name: &str) -> bool {
    !name.is_empty() && name.chars().all(|c| c.is_alphanumeric() || c == '_' || c == '-')
}

impl fmt::Display for FieldPath {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, segment) in self.segments.iter().enumerate() {
            match segment {
                Segment::Field(name) if is_simple_key(name) => {
                    if i > 0 {
                        f.write_str(".")?;
                    }
                    f.write_str(name)?;
                }
                Segment::Field(name) => write!(f, "[{name:?}]")?,
                Segment::Index(index) => write!(f, "[{index}]")?,
            }
        }
        Ok(())
    }
}

/// A user mistake found in a blueprint, located in its file.
///
/// Fields are readable, but a private field means other modules can only build one
/// through [`Diagnostic::error`] or [`Diagnostic::warning`], which require a location.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Diagnostic {
    /// Error or warning.
    pub severity: Severity,
    /// Stable kebab-case name of the mistake, e.g. `account-id-not-twelve-digits`.
    pub code: &'static str,
    /// One line: lowercase start, no final period, offending text in backticks.
    pub message: String,
    /// Where the mistake is.
    pub location: Location,
    /// Which value it concerns (root when it concerns no particular field).
    pub field: FieldPath,
    /// Optional help line, rendered as `= help: ...`.
    pub help: Option<String>,
    /// Keeps struct literals out of other modules of this crate (where
    /// `#[non_exhaustive]` would not).
    sealed: Sealed,
}

/// See [`Diagnostic`]'s `sealed` field.
#[derive(Clone, Debug, PartialEq, Eq)]
struct Sealed;

impl Diagnostic {
    /// An error. `code` is a stable kebab-case name of the mistake (e.g.
    /// `account-id-not-twelve-digits`); `message` starts lowercase, has no final period
    /// and quotes offending text in backticks.
    pub fn error(code: &'static str, location: Location, field: FieldPath, message: impl Into<String>) -> Diagnostic {
        Diagnostic::new(Severity::Error, code, location, field, message.into())
    }

    /// A warning; same conventions as [`Diagnostic::error`].
    pub fn warning(code: &'static str, location: Location, field: FieldPath, message: impl Into<String>) -> Diagnostic {
        Diagnostic::new(Severity::Warning, code, location, field, message.into())
    }

    fn new(severity: Severity, code: &'static str, location: Location, field: FieldPath, message: String) -> Diagnostic {
        Diagnostic { severity, code, message, location, field, help: None, sealed: Sealed }
    }

    /// Adds a help line (rendered as `= help: ...`).
    pub fn with_help(mut self, help: impl Into<String>) -> Diagnostic {
        self.help = Some(help.into());
        self
    }

    /// Whether this is an error (as opposed to a warning).
    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }

    /// The order diagnostics are shown in: line, column, then code.
    pub fn display_order(&self, other: &Diagnostic) -> Ordering {
        (self.location.line, self.location.column, self.code).cmp(&(other.location.line, other.location.column, other.code))
    }
}

/// A problem with a file as a whole for which there is no source text to show, such
/// as a file that cannot be read. Renders without a source snippet.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FileDiagnostic {
    /// Error or warning.
    pub severity: Severity,
    /// Stable kebab-case name of the problem, e.g. `file-unreadable`.
    pub code: &'static str,
    /// Display path of the file, with `/` as separator.
    pub file: String,
    /// One-line message, lowercase, no final period.
    pub message: String,
    /// Optional help line.
    pub help: Option<String>,
}

impl FileDiagnostic {
    /// An error about a whole file.
    pub fn error(code: &'static str, file: impl Into<String>, message: impl Into<String>) -> FileDiagnostic {
        FileDiagnostic { severity: Severity::Error, code, file: file.into(), message: message.into(), help: None }
    }

    /// Adds a help line.
    pub fn with_help(mut self, help: impl Into<String>) -> FileDiagnostic {
        self.help = Some(help.into());
        self
    }

    /// The same problem as a located [`Diagnostic`] at line 1, column 1, for callers
    /// that keep one list of diagnostics per file.
    pub fn into_diagnostic(self) -> Diagnostic {
        let d = Diagnostic::new(self.severity, self.code, Location::file_start(self.file), FieldPath::root(), self.message);
        match self.help {
            Some(help) => d.with_help(help),
            None => d,
        }
    }
}

impl fmt::Display for FileDiagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "{}: {}", self.severity, self.message)?;
        writeln!(f, " --> {}", self.file)?;
        if let Some(help) = &self.help {
            writeln!(f, "  = help: {help}")?;
        }
        Ok(())
    }
}

/// Splits text into lines the way YAML counts them: `\r\n`, `\r` and `\n` each end a
/// line, so line numbers agree with the parser's. A leading byte order mark is not
/// part of line 1.
pub fn source_lines(source: &str) -> Vec<&str> {
    let source = source.strip_prefix('\u{feff}').unwrap_or(source);
    let mut lines = Vec::new();
    let mut start = 0;
    let bytes = source.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'\n' => {
                lines.push(&source[start..i]);
                i += 1;
                start = i;
            }
            b'\r' => {
                lines.push(&source[start..i]);
                i += if bytes.get(i + 1) == Some(&b'\n') { 2 } else { 1 };
                start = i;
            }
            _ => i += 1,
        }
    }
    lines.push(&source[start..]);
    lines
}

/// Renders the diagnostics of one file as plain text, sorted by line, column and
/// code, separated by blank lines. `source` is the file's text, used to show the
/// offending line; locations past its end still render (with an empty line).
pub fn render(diagnostics: &[Diagnostic], source: &str) -> String {
    let lines = source_lines(source);
    let mut sorted: Vec<&Diagnostic> = diagnostics.iter().collect();
    sorted.sort_by(|a, b| a.display_order(b));
    // One gutter width for the whole file keeps the `|` bars aligned across entries.
    let width = sorted.iter().map(|d| d.location.line.to_string().len()).max().unwrap_or(1);
    let rendered: Vec<String> = sorted.iter().map(|d| render_one(d, &lines, width)).collect();
    rendered.join("\n")
}

fn render_one(d: &Diagnostic, lines: &[&str], width: usize) -> String {
    let loc = &d.location;
    let pad = " ".repeat(width);
    let mut out = format!("{}: {}\n", d.severity, d.message);
    out.push_str(&format!("{pad}--> {loc}"));
    if !d.field.is_root() {
        out.push_str(&format!(" ({})", d.field));
    }
    out.push('\n');
    out.push_str(&format!("{pad} |\n"));

    let text = usize::try_from(loc.line).ok().and_then(|n| lines.get(n.wrapping_sub(1))).copied().unwrap_or("");
    let line_head = format!("{:>width$} |", loc.line);
    if text.is_empty() {
        out.push_str(&line_head);
    } else {
        out.push_str(&format!("{line_head} {text}"));
    }
    out.push('\n');

    let chars: Vec<char> = text.chars().collect();
    let start = (loc.column as usize).saturating_sub(1).min(chars.len());
    let available = chars.len() - start;
    let carets = if available == 0 { 1 } else { (loc.length as usize).clamp(1, available) };
    // Keep the source's tabs in the lead-in so carets line up however tabs display.
    let lead: String = chars[..start].iter().map(|&c| if c == '\t' { '\t' } else { ' ' }).collect();
    out.push_str(&format!("{pad} | {lead}{}\n", "^".repeat(carets)));

    if let Some(help) = &d.help {
        out.push_str(&format!("{pad} = help: {help}\n"));
    }
    out
}

/// A one-line summary for a file, e.g. `error: 2 errors and 1 warning in
/// blueprints/acme.yaml`, or `ok: no problems in blueprints/acme.yaml`.
pub fn summary(file: &str, diagnostics: &[Diagnostic]) -> String {
    let errors = diagnostics.iter().filter(|d| d.is_error()).count();
    let warnings = diagnostics.len() - errors;
    let count = |n: usize, word: &str| {
        if n == 1 { format!("1 {word}") } else { format!("{n} {word}s") }
    };
    match (errors, warnings) {
        (0, 0) => format!("ok: no problems in {file}"),
        (0, w) => format!("warning: {} in {file}", count(w, "warning")),
        (e, 0) => format!("error: {} in {file}", count(e, "error")),
        (e, w) => format!("error: {} and {} in {file}", count(e, "error"), count(w, "warning")),
    }
}

/// "Did you mean": the candidate closest to `input` by edit distance (Damerau,
/// optimal string alignment, compared case-insensitively), if it is close enough.
///
/// The allowed distance grows with the input's length (1 up to 5 characters, 2 up to
/// 8, then 3). Ties go to the earliest candidate, so the same input always gets the
/// same suggestion. An exact match is not suggested.
pub fn suggest<'a>(input: &str, candidates: &[&'a str]) -> Option<&'a str> {
    let input_lower: Vec<char> = input.to_lowercase().chars().collect();
    if input_lower.is_empty() {
        return None;
    }
    let threshold = match input_lower.len() {
        0..=5 => 1,
        6..=8 => 2,
        _ => 3,
    };
    let mut best: Option<(usize, &'a str)> = None;
    for &candidate in candidates {
        if candidate == input {
            continue;
        }
        let candidate_lower: Vec<char> = candidate.to_lowercase().chars().collect();
        let distance = edit_distance(&input_lower, &candidate_lower);
        if distance <= threshold && best.is_none_or(|(d, _)| distance < d) {
            best = Some((distance, candidate));
        }
    }
    best.map(|(_, c)| c)
}

/// Optimal string alignment distance: insertions, deletions, substitutions and
/// transpositions of adjacent characters each cost 1.
fn edit_distance(a: &[char], b: &[char]) -> usize {
    let width = b.len() + 1;
    let mut d = vec![0usize; (a.len() + 1) * width];
    for i in 0..=a.len() {
        d[i * width] = i;
    }
    for (j, cell) in d.iter_mut().enumerate().take(width) {
        *cell = j;
    }
    for i in 1..=a.len() {
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            let mut v = (d[(i - 1) * width + j] + 1).min(d[i * width + j - 1] + 1).min(d[(i - 1) * width + j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                v = v.min(d[(i - 2) * width + j - 2] + 1);
            }
            d[i * width + j] = v;
        }
    }
    d[a.len() * width + b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    fn loc(line: u32, column: u32, length: u32) -> Location {
        Location::new("blueprints/acme.yaml", line, column, length)
    }

    #[test]
    fn field_path_display() {
        let p = FieldPath::root().field("clients").index(2).field("account");
        assert_eq!(p.to_string(), "clients[2].account");
        assert_eq!(FieldPath::root().to_string(), "");
        assert_eq!(FieldPath::root().field("tags").field("cost.center").to_string(), "tags[\"cost.center\"]");
        assert_eq!(FieldPath::root().index(0).to_string(), "[0]");
        assert_eq!(p.last_field(), Some("account"));
        assert!(FieldPath::root().is_root());
    }

    #[test]
    fn field_path_orders_deterministically() {
        let a = FieldPath::root().field("a");
        let b = FieldPath::root().field("a").index(0);
        let c = FieldPath::root().field("b");
        let mut v = vec![c.clone(), b.clone(), a.clone()];
        v.sort();
        assert_eq!(v, vec![a, b, c]);
    }

    #[test]
    fn location_is_never_zero() {
        let l = Location::new("f", 0, 0, 0);
        assert_eq!((l.line, l.column, l.length), (1, 1, 1));
    }

    #[test]
    fn renders_the_documented_format() {
        let mut source = String::new();
        for _ in 0..11 {
            source.push_str("# filler\n");
        }
        source.push_str("    account: 012345678901\n");
        let d = Diagnostic::error(
            "account-id-not-a-string",
            loc(12, 14, 12),
            FieldPath::root().field("clients").index(0).field("account"),
            "account ID must be a quoted string, but YAML read `012345678901` as a number",
        )
        .with_help("write it as account: \"012345678901\"; an unquoted ID loses its leading zero");
        let expected = "\
error: account ID must be a quoted string, but YAML read `012345678901` as a number
  --> blueprints/acme.yaml:12:14 (clients[0].account)
   |
12 |     account: 012345678901
   |              ^^^^^^^^^^^^
   = help: write it as account: \"012345678901\"; an unquoted ID loses its leading zero
";
        assert_eq!(render(&[d], &source), expected);
    }

    #[test]
    fn render_sorts_and_separates() {
        let source = "a: 1\nb: 2\n";
        let w = Diagnostic::warning("zz", loc(2, 1, 1), FieldPath::root(), "second");
        let e2 = Diagnostic::error("b-code", loc(1, 4, 1), FieldPath::root(), "third");
        let e1 = Diagnostic::error("a-code", loc(1, 4, 1), FieldPath::root(), "first");
        let out = render(&[w, e2, e1], source);
        let expected = "\
error: first
 --> blueprints/acme.yaml:1:4
  |
1 | a: 1
  |    ^

error: third
 --> blueprints/acme.yaml:1:4
  |
1 | a: 1
  |    ^

warning: second
 --> blueprints/acme.yaml:2:1
  |
2 | b: 2
  | ^
";
        assert_eq!(out, expected);
    }

    #[test]
    fn gutter_follows_widest_line_number() {
        let source = "x\n".repeat(120);
        let a = Diagnostic::error("c", loc(3, 1, 1), FieldPath::root(), "m");
        let b = Diagnostic::error("c", loc(120, 1, 1), FieldPath::root(), "m");
        let out = render(&[a, b], &source);
        assert!(out.contains("\n  3 | x\n"), "{out}");
        assert!(out.contains("\n120 | x\n"), "{out}");
        assert!(out.contains("\n    | ^\n"), "{out}");
    }

    #[test]
    fn tabs_are_kept_and_carets_clamped() {
        let source = "\tkey:\tvalue\n";
        let d = Diagnostic::error("c", loc(1, 7, 50), FieldPath::root(), "m");
        let out = render(&[d], source);
        assert!(out.contains("1 | \tkey:\tvalue\n"), "{out}");
        assert!(out.contains("  | \t    \t^^^^^\n"), "{out}");
    }

    #[test]
    fn locations_past_the_end_still_render() {
        let d = Diagnostic::error("c", loc(9, 40, 3), FieldPath::root(), "m");
        let out = render(&[d], "a: 1\n");
        assert_eq!(out, "error: m\n --> blueprints/acme.yaml:9:40\n  |\n9 |\n  | ^\n");
        let d = Diagnostic::error("c", loc(1, 40, 3), FieldPath::root(), "m");
        let out = render(&[d], "a: 1");
        assert!(out.ends_with("1 | a: 1\n  |     ^\n"), "{out}");
        // Empty source and absurd numbers do not panic.
        let d = Diagnostic::error("c", loc(u32::MAX, u32::MAX, u32::MAX), FieldPath::root(), "m");
        assert!(render(&[d], "").contains("^"));
    }

    #[test]
    fn render_handles_bom_and_crlf() {
        let d = Diagnostic::error("c", loc(2, 1, 1), FieldPath::root(), "m");
        let out = render(&[d], "\u{feff}a: 1\r\nb: 2\r\n");
        assert!(out.contains("2 | b: 2\n"), "{out}");
        assert_eq!(source_lines("\u{feff}a\rb\r\nc\n"), vec!["a", "b", "c", ""]);
    }

    #[test]
    fn file_diagnostic_renders_and_converts() {
        let f = FileDiagnostic::error("file-unreadable", "b.yaml", "could not read `b.yaml`").with_help("check the path");
        assert_eq!(f.to_string(), "error: could not read `b.yaml`\n --> b.yaml\n  = help: check the path\n");
        let d = f.into_diagnostic();
        assert_eq!(d.location, Location::new("b.yaml", 1, 1, 1));
        assert_eq!(d.help.as_deref(), Some("check the path"));
    }

    #[test]
    fn summary_counts() {
        let e = Diagnostic::error("c", loc(1, 1, 1), FieldPath::root(), "m");
        let w = Diagnostic::warning("c", loc(1, 1, 1), FieldPath::root(), "m");
        assert_eq!(summary("a.yaml", &[]), "ok: no problems in a.yaml");
        assert_eq!(summary("a.yaml", std::slice::from_ref(&e)), "error: 1 error in a.yaml");
        assert_eq!(summary("a.yaml", &[e.clone(), e, w.clone()]), "error: 2 errors and 1 warning in a.yaml");
        assert_eq!(summary("a.yaml", &[w]), "warning: 1 warning in a.yaml");
    }

    #[test]
    fn locations_from_byte_spans_count_lines_and_characters() {
        let source = "a = 1\nname = \"é-x\"\nlast";
        assert_eq!(Location::from_span("f.toml", source, 0..1), Location::new("f.toml", 1, 1, 1));
        let start = source.find('"').unwrap_or_default();
        assert_eq!(Location::from_span("f.toml", source, start..start + 6), Location::new("f.toml", 2, 8, 5));
        assert_eq!(Location::from_span("f.toml", source, 100..100), Location::new("f.toml", 3, 5, 1));
        assert_eq!(Location::from_span("f.toml", source, 4..12), Location::new("f.toml", 1, 5, 1));
    }

    #[test]
    fn suggest_finds_close_names() {
        let fields = ["name", "encryption", "versioning", "access_logs"];
        assert_eq!(suggest("encrpytion", &fields), Some("encryption"));
        assert_eq!(suggest("Versioning", &fields), Some("versioning"));
        assert_eq!(suggest("nmae", &fields), Some("name"));
        assert_eq!(suggest("access_log", &fields), Some("access_logs"));
        assert_eq!(suggest("colour", &fields), None);
        assert_eq!(suggest("", &fields), None);
        assert_eq!(suggest("name", &fields), None);
    }

    #[test]
    fn suggest_is_deterministic_first_minimum_wins() {
        // Both are at distance 1 from `ab`; the first listed wins, every time.
        assert_eq!(suggest("ab", &["abc", "abd"]), Some("abc"));
        assert_eq!(suggest("ab", &["abd", "abc"]), Some("abd"));
        // A closer later candidate still beats an earlier one.
        assert_eq!(suggest("sse-s3x", &["sse-kms", "sse-s3"]), Some("sse-s3"));
    }

    #[test]
    fn suggest_threshold_scales_with_length() {
        assert_eq!(suggest("xy", &["ab"]), None);
        assert_eq!(suggest("abcdefghij", &["abcdefgxyz"]), Some("abcdefgxyz"));
        assert_eq!(suggest("abcdefghij", &["abcdewxyzj"]), None);
        assert_eq!(edit_distance(&['a', 'b'], &['b', 'a']), 1);
    }

    #[test]
    fn display_path_uses_slashes() {
        let p = Path::new("blueprints").join("acme.yaml");
        assert_eq!(display_path(&p), "blueprints/acme.yaml");
    }
}
