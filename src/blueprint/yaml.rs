//! Reads one blueprint YAML document into a located tree ([`Node`]): every scalar,
//! list and mapping keeps the file, line and column it was written at, so later
//! stages can point at the user's text.
//!
//! This module knows YAML, not blueprints: it must not interpret field names or
//! values. It must never panic on any input, must not stop at the first mistake it
//! can recover from, and must bound memory on hostile input (alias expansion and
//! nesting are capped).

use std::collections::BTreeMap;
use std::sync::Arc;

use yaml_rust2::parser::{Event, Parser, Tag};
use yaml_rust2::scanner::{Marker, TScalarStyle};

use crate::diagnostic::{Diagnostic, FieldPath, Location};

/// Most nodes a document may hold once aliases are expanded; guards against
/// "billion laughs" documents. A client takes about 15 nodes, so this leaves room for
/// blueprints of 30,000 clients (the performance targets go to 10,000) while still
/// bounding what a hostile document can make the parser build.
pub const MAX_NODES: usize = 500_000;

/// Deepest nesting of lists and mappings a document may have. Blueprints are a few
/// levels deep; the cap keeps recursive code over [`Node`] safe.
pub const MAX_DEPTH: usize = 64;

/// A value in the document with where it was written.
#[derive(Clone, Debug, PartialEq)]
pub struct Node {
    /// The value.
    pub value: NodeValue,
    /// For a scalar, its text as written (on its first line); for a list or mapping,
    /// its first character.
    pub location: Location,
}

/// The three kinds of YAML value.
#[derive(Clone, Debug, PartialEq)]
pub enum NodeValue {
    /// A single value such as `acme`, `"111122223333"` or `true`.
    Scalar(Scalar),
    /// A list, in source order.
    Sequence(Vec<Node>),
    /// A mapping as key/value pairs, in source order. Keys are scalars (others are
    /// reported by [`parse`]) and unique.
    Mapping(Vec<(Node, Node)>),
}

/// A scalar's text after YAML unquoting and folding, with how it was written.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Scalar {
    /// The value's text.
    pub text: String,
    /// How it was written; only plain scalars can be read as anything but a string.
    pub style: ScalarStyle,
}

/// How a scalar was written.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ScalarStyle {
    /// Unquoted: `acme`.
    Plain,
    /// `'acme'`.
    SingleQuoted,
    /// `"acme"`.
    DoubleQuoted,
    /// A `|` block.
    Literal,
    /// A `>` block.
    Folded,
}

/// What a YAML reader would take a scalar for, under the YAML 1.2 core schema plus
/// the YAML 1.1 booleans (`yes`, `no`, `on`, `off`) that many tools still apply.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ScalarKind {
    /// `~`, `null`, `Null`, `NULL` or nothing at all.
    Null,
    /// A boolean.
    Bool {
        /// The boolean read.
        value: bool,
        /// True for the YAML 1.1 spellings (`yes`, `no`, `on`, `off`), which YAML 1.2
        /// reads as strings: readers disagree, so blueprints must not rely on them.
        yaml11: bool,
    },
    /// An integer: decimal (leading zeros included, as in `012345678901`), `0o17`
    /// octal or `0x1F` hexadecimal.
    Integer,
    /// A floating-point number, including `.inf` and `.nan`.
    Float,
    /// Anything else, and every quoted or block scalar.
    String,
}

impl ScalarKind {
    /// Words for messages such as "YAML read `yes` as the boolean true".
    pub fn describe(self) -> &'static str {
        match self {
            ScalarKind::Null => "null",
            ScalarKind::Bool { value: true, .. } => "the boolean true",
            ScalarKind::Bool { value: false, .. } => "the boolean false",
            ScalarKind::Integer | ScalarKind::Float => "a number",
            ScalarKind::String => "a string",
        }
    }
}

impl Scalar {
    /// What YAML would read this scalar as. Quoted and block scalars are always
    /// strings.
    pub fn kind(&self) -> ScalarKind {
        if self.style != ScalarStyle::Plain {
            return ScalarKind::String;
        }
        resolve_plain(&self.text)
    }

    /// The integer value of a scalar whose [`kind`](Scalar::kind) is
    /// [`ScalarKind::Integer`]; `None` for other kinds or values beyond `i128`.
    pub fn integer_value(&self) -> Option<i128> {
        if self.kind() != ScalarKind::Integer {
            return None;
        }
        let text = self.text.as_str();
        if let Some(hex) = text.strip_prefix("0x") {
            return i128::from_str_radix(hex, 16).ok();
        }
        if let Some(oct) = text.strip_prefix("0o") {
            return i128::from_str_radix(oct, 8).ok();
        }
        text.parse::<i128>().ok()
    }
}

fn resolve_plain(text: &str) -> ScalarKind {
    match text {
        "" | "~" | "null" | "Null" | "NULL" => return ScalarKind::Null,
        "true" | "True" | "TRUE" => {
            return ScalarKind::Bool { value: true, yaml11: false };
        }
        "false" | "False" | "FALSE" => {
            return ScalarKind::Bool { value: false, yaml11: false };
        }
        "yes" | "Yes" | "YES" | "on" | "On" | "ON" => {
            return ScalarKind::Bool { value: true, yaml11: true };
        }
        "no" | "No" | "NO" | "off" | "Off" | "OFF" => {
            return ScalarKind::Bool { value: false, yaml11: true };
        }
        ".inf" | ".Inf" | ".INF" | "+.inf" | "+.Inf" | "+.INF" | "-.inf" | "-.Inf" | "-.INF" | ".nan" | ".NaN" | ".NAN" => {
            return ScalarKind::Float;
        }
        _ => {}
    }
    let all = |s: &str, f: fn(char) -> bool| !s.is_empty() && s.chars().all(f);
    let radix_digits = |prefix: &str, digit: fn(char) -> bool| text.strip_prefix(prefix).is_some_and(|rest| all(rest, digit));
    if radix_digits("0x", |c| c.is_ascii_hexdigit()) || radix_digits("0o", |c| ('0'..='7').contains(&c)) {
        return ScalarKind::Integer;
    }
    let unsigned = text.strip_prefix('-').or_else(|| text.strip_prefix('+')).unwrap_or(text);
    if all(unsigned, |c| c.is_ascii_digit()) {
        return ScalarKind::Integer;
    }
    if is_core_float(unsigned) {
        return ScalarKind::Float;
    }
    ScalarKind::String
}

/// `( \.[0-9]+ | [0-9]+ ( \.[0-9]* )? ) ( [eE] [-+]? [0-9]+ )?` without the sign.
fn is_core_float(s: &str) -> bool {
    let (mantissa, exponent) = match s.find(['e', 'E']) {
        Some(i) => (&s[..i], Some(&s[i + 1..])),
        None => (s, None),
    };
    let digits = |t: &str| !t.is_empty() && t.chars().all(|c| c.is_ascii_digit());
    let mantissa_ok = match mantissa.split_once('.') {
        Some(("", frac)) => digits(frac),
        Some((int, frac)) => digits(int) && (frac.is_empty() || digits(frac)),
        None => digits(mantissa),
    };
    let exponent_ok = match exponent {
        None => true,
        Some(e) => digits(e.strip_prefix(['-', '+']).unwrap_or(e)),
    };
    mantissa_ok && exponent_ok
}

impl Node {
    /// The scalar, if this is one.
    pub fn as_scalar(&self) -> Option<&Scalar> {
        match &self.value {
            NodeValue::Scalar(s) => Some(s),
            _ => None,
        }
    }

    /// The items, if this is a list.
    pub fn as_sequence(&self) -> Option<&[Node]> {
        match &self.value {
            NodeValue::Sequence(items) => Some(items),
            _ => None,
        }
    }

    /// The key/value pairs, if this is a mapping.
    pub fn as_mapping(&self) -> Option<&[(Node, Node)]> {
        match &self.value {
            NodeValue::Mapping(entries) => Some(entries),
            _ => None,
        }
    }

    /// Whether YAML reads this as null (`~`, `null` or nothing).
    pub fn is_null(&self) -> bool {
        self.as_scalar().is_some_and(|s| s.kind() == ScalarKind::Null)
    }

    /// What this node is, for messages: "a mapping", "a list", "an empty value",
    /// "a number `12`", "the boolean true `yes`", "the string `\"12\"`".
    pub fn describe(&self) -> String {
        match &self.value {
            NodeValue::Mapping(_) => "a mapping".to_string(),
            NodeValue::Sequence(_) => "a list".to_string(),
            NodeValue::Scalar(s) => match s.kind() {
                ScalarKind::Null if s.text.is_empty() => "an empty value".to_string(),
                ScalarKind::String => format!("the string `{}`", s.as_written()),
                kind => format!("{} `{}`", kind.describe(), s.as_written()),
            },
        }
    }
}

impl Scalar {
    /// The text as it would be written back (quotes kept, long or multi-line text
    /// shortened), for quoting in messages.
    pub fn as_written(&self) -> String {
        let mut text: String = self.text.chars().take(60).collect();
        if text.len() < self.text.len() {
            text.push_str("...");
        }
        let text = text.replace('\n', "\\n").replace('\t', "\\t");
        match self.style {
            ScalarStyle::SingleQuoted => format!("'{text}'"),
            ScalarStyle::DoubleQuoted => format!("\"{text}\""),
            _ => text,
        }
    }
}

/// Parses one YAML document from `source` (the text of `file`, a display path) into
/// a located tree. On any mistake, returns every diagnostic found: syntax errors stop
/// the parse, but duplicate keys, tags and the like are all collected.
pub fn parse(file: &str, source: &str) -> Result<Node, Vec<Diagnostic>> {
    // The scanner would take a byte order mark for part of the first key.
    let text = source.strip_prefix('\u{feff}').unwrap_or(source);
    let chars: Vec<char> = text.chars().collect();
    let mut line_starts = vec![0];
    for (i, &c) in chars.iter().enumerate() {
        // `\r\n` is one break (counted at the `\n`); a lone `\r` is one too, as in YAML.
        if c == '\n' || (c == '\r' && chars.get(i + 1) != Some(&'\n')) {
            line_starts.push(i + 1);
        }
    }
    let mut builder = Builder {
        file: Arc::from(file),
        chars,
        line_starts,
        stack: Vec::new(),
        anchors: BTreeMap::new(),
        nodes: 0,
        root: None,
        diagnostics: Vec::new(),
    };
    let fatal = builder.run(text);
    let mut diagnostics = builder.diagnostics;
    match builder.root {
        _ if !diagnostics.is_empty() || fatal => Err(diagnostics),
        Some(root) if !is_empty_document(&root) => Ok(root),
        _ => {
            diagnostics.push(
                Diagnostic::error("empty-document", Location::file_start(file), FieldPath::root(), "the file holds no YAML content")
                    .with_help("a blueprint is a YAML mapping of fields, e.g. `name: ...`"),
            );
            Err(diagnostics)
        }
    }
}

fn is_empty_document(root: &Node) -> bool {
    root.as_scalar().is_some_and(|s| s.style == ScalarStyle::Plain && s.text.is_empty())
}

/// A list or mapping being read.
struct Frame {
    location: Location,
    /// Whether written as `[...]`/`{...}`; block mappings' markers need fixing.
    flow: bool,
    anchor: usize,
    /// Node count when the collection started, to size its anchored copy.
    nodes_at_start: usize,
    kind: FrameKind,
}

enum FrameKind {
    Sequence(Vec<Node>),
    Mapping {
        entries: Vec<(Node, Node)>,
        pending_key: Option<Node>,
        /// Key text to the line it was first written on, for duplicate detection.
        seen: BTreeMap<String, u32>,
    },
}

/// An anchored node kept for alias expansion, with its size for the caps.
struct Anchored {
    node: Node,
    nodes: usize,
    depth: usize,
}

struct Builder {
    file: Arc<str>,
    chars: Vec<char>,
    /// Character offset of the start of each line.
    line_starts: Vec<usize>,
    stack: Vec<Frame>,
    anchors: BTreeMap<usize, Anchored>,
    nodes: usize,
    root: Option<Node>,
    diagnostics: Vec<Diagnostic>,
}

impl Builder {
    /// Feeds every event into the tree; returns true if reading stopped early.
    fn run(&mut self, text: &str) -> bool {
        let mut parser = Parser::new_from_str(text);
        let mut documents = 0usize;
        loop {
            let (event, mark) = match parser.next_token() {
                Ok(next) => next,
                Err(error) => {
                    self.syntax_error(error.marker(), error.info());
                    return true;
                }
            };
            let stop = match event {
                Event::StreamEnd => return false,
                Event::Nothing | Event::StreamStart | Event::DocumentEnd => false,
                Event::DocumentStart => {
                    documents += 1;
                    documents > 1 && self.second_document(mark)
                }
                Event::Alias(id) => self.alias(id, mark),
                Event::Scalar(text, style, anchor, tag) => self.scalar(text, style, anchor, tag.as_ref(), mark),
                Event::SequenceStart(anchor, tag) => self.start(false, anchor, tag.as_ref(), mark),
                Event::MappingStart(anchor, tag) => self.start(true, anchor, tag.as_ref(), mark),
                Event::SequenceEnd | Event::MappingEnd => self.end(),
            };
            if stop {
                return true;
            }
        }
    }

    fn location(&self, mark: &Marker, length: usize) -> Location {
        Location::new(self.file.clone(), to_u32(mark.line()), to_u32(mark.col().saturating_add(1)), to_u32(length))
    }

    /// Location of the character at `index` (a character offset into the text).
    fn location_at(&self, index: usize, length: usize) -> Location {
        let index = index.min(self.chars.len());
        // `line_starts[0]` is 0, so there is always a line at or before `index`.
        let line = self.line_starts.partition_point(|&start| start <= index);
        let line_start = self.line_starts.get(line.wrapping_sub(1)).copied().unwrap_or(0);
        Location::new(self.file.clone(), to_u32(line), to_u32(index - line_start + 1), to_u32(length))
    }

    /// Characters from `index` to the end of its line, lazily: scanning whole lines
    /// for every scalar would be quadratic on a long one-line document.
    fn line_from(&self, index: usize) -> impl Iterator<Item = char> + '_ {
        self.chars.get(index..).unwrap_or_default().iter().copied().take_while(|c| !matches!(c, '\n' | '\r'))
    }

    /// How many characters of the first line a scalar takes as written.
    fn scalar_length(&self, index: usize, text: &str, style: TScalarStyle) -> usize {
        let length = match style {
            TScalarStyle::Plain => text.chars().zip(self.line_from(index)).take_while(|(a, b)| a == b).count(),
            TScalarStyle::SingleQuoted | TScalarStyle::DoubleQuoted => {
                let quote = if style == TScalarStyle::SingleQuoted { '\'' } else { '"' };
                let mut line = self.line_from(index).peekable();
                if line.next() != Some(quote) {
                    return 1;
                }
                let mut length = 1;
                while let Some(c) = line.next() {
                    length += 1;
                    if c == '\\' && quote == '"' {
                        length += usize::from(line.next().is_some());
                    } else if c == quote {
                        if quote == '\'' && line.peek() == Some(&'\'') {
                            line.next();
                            length += 1;
                        } else {
                            break;
                        }
                    }
                }
                length
            }
            TScalarStyle::Literal | TScalarStyle::Folded => {
                let line: Vec<char> = self.line_from(index).collect();
                line.iter().rposition(|c| !c.is_whitespace()).map_or(1, |p| p + 1)
            }
        };
        length.max(1)
    }

    /// The path of the value about to be attached, from the open collections.
    fn current_path(&self) -> FieldPath {
        let mut path = FieldPath::root();
        for frame in &self.stack {
            path = match &frame.kind {
                FrameKind::Sequence(items) => path.index(items.len()),
                FrameKind::Mapping { pending_key, .. } => match pending_key.as_ref().and_then(Node::as_scalar) {
                    Some(key) => path.field(&key.text),
                    None => path,
                },
            };
        }
        path
    }

    fn syntax_error(&mut self, mark: &Marker, info: &str) {
        let mut location = self.location(mark, 1);
        if info.contains("recursion limit") {
            // The scanner's own cap on `[`/`{` nesting (255), past ours.
            self.too_deep(location);
            return;
        }
        if info.contains("unknown anchor") {
            let name: String = self.line_from(mark.index()).take_while(|c| !c.is_whitespace() && !",[]{}".contains(*c)).collect();
            location.length = to_u32(name.chars().count().max(1));
            self.diagnostics.push(
                Diagnostic::error(
                    "unknown-alias",
                    location,
                    FieldPath::root(),
                    format!("alias `{name}` refers to no anchor defined before it"),
                )
                .with_help("define the anchor (`&name`) earlier in the file, or write the value out"),
            );
            return;
        }
        let mut help = None;
        if info.contains("tab") {
            // The scanner reports the end of the previous token; point at the tab.
            let from = mark.index().min(self.chars.len());
            if let Some(offset) = self.chars[from..].iter().take(400).position(|&c| c == '\t') {
                location = self.location_at(from + offset, 1);
            }
            help = Some("YAML does not allow tabs for indentation; use spaces".to_string());
        } else if info.contains("mapping values are not allowed") {
            help = Some("a value that contains `: ` must be quoted, and a nested mapping must start on a new line".to_string());
        } else if info.contains("did not find expected") || info.contains("unexpected eof") {
            help = Some("check for an unclosed quote, `[` or `{` before this point".to_string());
        }
        let diagnostic = Diagnostic::error("yaml-syntax", location, FieldPath::root(), format!("could not parse YAML: {info}"));
        self.diagnostics.push(match help {
            Some(help) => diagnostic.with_help(help),
            None => diagnostic,
        });
    }

    fn second_document(&mut self, mark: Marker) -> bool {
        let length = if self.chars.get(mark.index()..mark.index() + 3) == Some(&['-', '-', '-']) { 3 } else { 1 };
        let location = self.location(&mark, length);
        self.diagnostics.push(
            Diagnostic::error(
                "multiple-documents",
                location,
                FieldPath::root(),
                "a blueprint file must hold one YAML document, but a second one starts here",
            )
            .with_help("put each blueprint in its own file"),
        );
        true
    }

    fn tag(&mut self, tag: &Tag, node_start: usize, node_location: &Location) {
        // Events carry the tag but not its position: find it just before the node.
        let (text, location) = match self.tag_before(node_start) {
            Some((index, text)) => {
                let length = text.chars().count();
                (text, self.location_at(index, length))
            }
            None => (format!("{}{}", tag.handle, tag.suffix), node_location.clone()),
        };
        let help = match tag.suffix.as_str() {
            "Ref" | "Sub" | "GetAtt" | "Join" | "If" | "Select" | "Split" | "ImportValue" | "FindInMap" | "Base64" | "Cidr" | "GetAZs" => {
                "blueprints are not CloudFormation templates; bucketbridge writes the intrinsic functions itself"
            }
            _ => "remove the tag; quote the value if it must stay text",
        };
        let path = self.current_path();
        self.diagnostics.push(
            Diagnostic::error("tag-not-supported", location, path, format!("tags are not supported in blueprints, found `{text}`"))
                .with_help(help),
        );
    }

    /// Finds a `!tag` written before the character at `index`, skipping whitespace
    /// and an `&anchor`.
    fn tag_before(&self, index: usize) -> Option<(usize, String)> {
        let mut i = index.min(self.chars.len());
        for _ in 0..2 {
            while i > 0 && self.chars[i - 1].is_whitespace() {
                i -= 1;
            }
            let end = i;
            while i > 0 && !self.chars[i - 1].is_whitespace() && !"[{,".contains(self.chars[i - 1]) {
                i -= 1;
            }
            match self.chars.get(i) {
                Some('!') => return Some((i, self.chars[i..end].iter().collect())),
                Some('&') => {}
                _ => return None,
            }
        }
        None
    }

    fn count(&mut self, added: usize, location: &Location) -> bool {
        self.nodes = self.nodes.saturating_add(added);
        if self.nodes <= MAX_NODES {
            return false;
        }
        self.diagnostics.push(
            Diagnostic::error(
                "too-many-nodes",
                location.clone(),
                self.current_path(),
                format!("the document holds more than {MAX_NODES} values once aliases are expanded"),
            )
            .with_help("a blueprint is small; check for aliases (`*name`) that repeat large anchors"),
        );
        true
    }

    fn too_deep(&mut self, location: Location) -> bool {
        self.diagnostics.push(
            Diagnostic::error(
                "too-deeply-nested",
                location,
                self.current_path(),
                format!("lists and mappings are nested more than {MAX_DEPTH} levels deep"),
            )
            .with_help("a blueprint is only a few levels deep; check the indentation and brackets"),
        );
        true
    }

    fn scalar(&mut self, text: String, style: TScalarStyle, anchor: usize, tag: Option<&Tag>, mark: Marker) -> bool {
        let length = self.scalar_length(mark.index(), &text, style);
        let mut location = self.location(&mark, length);
        if style == TScalarStyle::Plain && text.is_empty() {
            // An empty value is reported at the next token; its key is a better place.
            if let Some(Frame { kind: FrameKind::Mapping { pending_key: Some(key), .. }, .. }) = self.stack.last() {
                location = key.location.clone();
            }
        }
        if let Some(tag) = tag {
            self.tag(tag, mark.index(), &location);
        }
        if self.count(1, &location) {
            return true;
        }
        let style = match style {
            TScalarStyle::Plain => ScalarStyle::Plain,
            TScalarStyle::SingleQuoted => ScalarStyle::SingleQuoted,
            TScalarStyle::DoubleQuoted => ScalarStyle::DoubleQuoted,
            TScalarStyle::Literal => ScalarStyle::Literal,
            TScalarStyle::Folded => ScalarStyle::Folded,
        };
        let node = Node { value: NodeValue::Scalar(Scalar { text, style }), location };
        if anchor > 0 {
            self.anchors.insert(anchor, Anchored { node: node.clone(), nodes: 1, depth: 0 });
        }
        self.attach(node);
        false
    }

    fn alias(&mut self, id: usize, mark: Marker) -> bool {
        let index = mark.index();
        let length = 1 + self.line_from(index.saturating_add(1)).take_while(|c| !c.is_whitespace() && !",[]{}".contains(*c)).count();
        let location = self.location(&mark, length);
        let Some(anchored) = self.anchors.get(&id) else {
            // The parser rejects unknown aliases; kept so no input can panic here.
            self.diagnostics.push(Diagnostic::error("unknown-alias", location, self.current_path(), "this alias refers to no anchor"));
            return true;
        };
        let (nodes, depth) = (anchored.nodes, anchored.depth);
        if self.stack.len() + depth > MAX_DEPTH {
            return self.too_deep(location);
        }
        if self.count(nodes, &location) {
            return true;
        }
        let Some(anchored) = self.anchors.get(&id) else {
            return true;
        };
        let mut node = anchored.node.clone();
        node.location = location;
        self.attach(node);
        false
    }

    fn start(&mut self, mapping: bool, anchor: usize, tag: Option<&Tag>, mark: Marker) -> bool {
        let flow = matches!(self.chars.get(mark.index()), Some('[' | '{'));
        let location = self.location(&mark, 1);
        if let Some(tag) = tag {
            // Block mappings are marked one past their first key's first character.
            let start = if mapping && !flow { mark.index().saturating_sub(1) } else { mark.index() };
            self.tag(tag, start, &location);
        }
        if self.stack.len() >= MAX_DEPTH {
            return self.too_deep(location);
        }
        if self.count(1, &location) {
            return true;
        }
        let kind = if mapping {
            FrameKind::Mapping { entries: Vec::new(), pending_key: None, seen: BTreeMap::new() }
        } else {
            FrameKind::Sequence(Vec::new())
        };
        self.stack.push(Frame { location, flow, anchor, nodes_at_start: self.nodes, kind });
        false
    }

    fn end(&mut self) -> bool {
        let Some(frame) = self.stack.pop() else {
            return false;
        };
        let mut location = frame.location;
        let value = match frame.kind {
            FrameKind::Sequence(items) => NodeValue::Sequence(items),
            FrameKind::Mapping { entries, .. } => {
                if let (false, Some((key, _))) = (frame.flow, entries.first()) {
                    location = Location { length: 1, ..key.location.clone() };
                }
                NodeValue::Mapping(entries)
            }
        };
        let node = Node { value, location };
        if frame.anchor > 0 {
            self.anchors
                .insert(frame.anchor, Anchored { depth: height(&node), nodes: self.nodes - frame.nodes_at_start + 1, node: node.clone() });
        }
        self.attach(node);
        false
    }

    fn attach(&mut self, node: Node) {
        let Some(frame) = self.stack.last_mut() else {
            if self.root.is_none() {
                self.root = Some(node);
            }
            return;
        };
        let FrameKind::Mapping { entries, pending_key, seen } = &mut frame.kind else {
            if let FrameKind::Sequence(items) = &mut frame.kind {
                items.push(node);
            }
            return;
        };
        if let Some(key) = pending_key.take() {
            entries.push((key, node));
            return;
        }
        // `node` is a key. What is wrong with it is found first and reported after, because the diagnostics need
        // the mapping's path, which is worth building only for a key that is wrong.
        let (mut merge_key, mut first_line) = (false, None);
        if let NodeValue::Scalar(key) = &node.value {
            merge_key = key.style == ScalarStyle::Plain && key.text == "<<";
            match seen.get(&key.text) {
                Some(line) => first_line = Some(*line),
                None => {
                    seen.insert(key.text.clone(), node.location.line);
                }
            }
        }
        if merge_key || first_line.is_some() || node.as_scalar().is_none() {
            self.report_key(&node, merge_key, first_line);
        }
        if let Some(Frame { kind: FrameKind::Mapping { pending_key, .. }, .. }) = self.stack.last_mut() {
            *pending_key = Some(node);
        }
    }

    /// The diagnostics of a mapping key that is a merge key (`<<`), repeats a key first written on `first_line`,
    /// or is no scalar.
    fn report_key(&mut self, node: &Node, merge_key: bool, first_line: Option<u32>) {
        let path = self.current_path();
        let Some(key) = node.as_scalar() else {
            self.diagnostics.push(
                Diagnostic::error(
                    "non-scalar-key",
                    Location { length: 1, ..node.location.clone() },
                    path,
                    format!("mapping keys must be plain names, found {}", node.describe()),
                )
                .with_help("write the key as a single word or quoted string"),
            );
            return;
        };
        if merge_key {
            self.diagnostics.push(
                Diagnostic::error(
                    "merge-key-not-supported",
                    node.location.clone(),
                    path.clone(),
                    "merge keys (`<<`) are not supported in blueprints",
                )
                .with_help("write the fields out in full"),
            );
        }
        if let Some(first_line) = first_line {
            self.diagnostics.push(
                Diagnostic::error(
                    "duplicate-key",
                    node.location.clone(),
                    path.field(&key.text),
                    format!("duplicate key `{}`, first written on line {first_line}", key.text),
                )
                .with_help("each key may appear once in a mapping; remove or rename one of them"),
            );
        }
    }
}

/// Levels of nesting below a node (0 for a scalar). Recursion is bounded by
/// [`MAX_DEPTH`].
fn height(node: &Node) -> usize {
    match &node.value {
        NodeValue::Scalar(_) => 0,
        NodeValue::Sequence(items) => 1 + items.iter().map(height).max().unwrap_or(0),
        NodeValue::Mapping(entries) => 1 + entries.iter().map(|(k, v)| height(k).max(height(v))).max().unwrap_or(0),
    }
}

fn to_u32(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagnostic::render;

    fn ok(source: &str) -> Node {
        match parse("t.yaml", source) {
            Ok(node) => node,
            Err(d) => panic!("unexpected errors:\n{}", render(&d, source)),
        }
    }

    fn errors(source: &str) -> Vec<Diagnostic> {
        match parse("t.yaml", source) {
            Ok(node) => panic!("expected errors, got {node:?}"),
            Err(d) => d,
        }
    }

    fn codes(d: &[Diagnostic]) -> Vec<&'static str> {
        d.iter().map(|d| d.code).collect()
    }

    fn at(node: &Node) -> (u32, u32, u32) {
        (node.location.line, node.location.column, node.location.length)
    }

    fn get<'n>(node: &'n Node, key: &str) -> &'n Node {
        node.as_mapping()
            .and_then(|m| m.iter().find(|(k, _)| k.as_scalar().is_some_and(|s| s.text == key)))
            .map(|(_, v)| v)
            .unwrap_or_else(|| panic!("no key {key}"))
    }

    fn scalar(text: &str, style: ScalarStyle) -> Scalar {
        Scalar { text: text.to_string(), style }
    }

    #[test]
    fn locations_of_scalars_and_collections() {
        let src = "a: plain value\nbé: \"x \\\" y\"  # c\nc: 'it''s'\nd:\n  - x\n  - k: v\ne: {f: [1, 2]}\ng: |\n  text here\n";
        let root = ok(src);
        assert_eq!(at(&root), (1, 1, 1));
        assert_eq!(at(get(&root, "a")), (1, 4, 11));
        assert_eq!(at(get(&root, "bé")), (2, 5, 8));
        assert_eq!(get(&root, "bé").as_scalar().map(|s| s.text.as_str()), Some("x \" y"));
        assert_eq!(at(get(&root, "c")), (3, 4, 7));
        let d = get(&root, "d");
        assert_eq!(at(d), (5, 3, 1));
        let items = d.as_sequence().unwrap_or_default();
        assert_eq!(at(&items[0]), (5, 5, 1));
        assert_eq!(at(&items[1]), (6, 5, 1));
        let e = get(&root, "e");
        assert_eq!(at(e), (7, 4, 1));
        assert_eq!(at(get(e, "f")), (7, 8, 1));
        assert_eq!(at(get(&root, "g")), (9, 3, 9));
        // Keys keep source order.
        let keys: Vec<&str> =
            root.as_mapping().unwrap_or_default().iter().filter_map(|(k, _)| k.as_scalar().map(|s| s.text.as_str())).collect();
        assert_eq!(keys, ["a", "bé", "c", "d", "e", "g"]);
    }

    #[test]
    fn multi_line_plain_scalar_location_is_first_line() {
        let root = ok("a: first\n  second\n");
        let a = get(&root, "a");
        assert_eq!(a.as_scalar().map(|s| s.text.as_str()), Some("first second"));
        assert_eq!(at(a), (1, 4, 5));
    }

    #[test]
    fn empty_value_points_at_its_key() {
        let root = ok("name:\nother: x\n");
        let name = get(&root, "name");
        assert!(name.is_null());
        assert_eq!(at(name), (1, 1, 4));
    }

    #[test]
    fn bom_is_ignored() {
        let root = ok("\u{feff}a: 1\n");
        assert_eq!(at(get(&root, "a")), (1, 4, 1));
    }

    #[test]
    fn scalar_kinds() {
        use ScalarKind::*;
        let plain = |t: &str| scalar(t, ScalarStyle::Plain).kind();
        for t in ["", "~", "null", "NULL"] {
            assert_eq!(plain(t), Null, "{t}");
        }
        assert_eq!(plain("true"), Bool { value: true, yaml11: false });
        assert_eq!(plain("False"), Bool { value: false, yaml11: false });
        assert_eq!(plain("yes"), Bool { value: true, yaml11: true });
        assert_eq!(plain("off"), Bool { value: false, yaml11: true });
        for t in ["0", "012345678901", "-5", "+7", "0o17", "0x1F"] {
            assert_eq!(plain(t), Integer, "{t}");
        }
        for t in ["1.5", ".5", "1.", "1e3", "-2.5E-3", ".inf", "-.Inf", ".nan"] {
            assert_eq!(plain(t), Float, "{t}");
        }
        for t in ["acme", "0x", "0o8", "1.2.3", "e3", "1e", "us-east-1", "yes!", "-", "."] {
            assert_eq!(plain(t), String, "{t}");
        }
        assert_eq!(scalar("yes", ScalarStyle::DoubleQuoted).kind(), String);
        assert_eq!(scalar("12", ScalarStyle::SingleQuoted).kind(), String);
        assert_eq!(scalar("12", ScalarStyle::Literal).kind(), String);
    }

    #[test]
    fn integer_values() {
        let plain = |t: &str| scalar(t, ScalarStyle::Plain).integer_value();
        assert_eq!(plain("012345678901"), Some(12_345_678_901));
        assert_eq!(plain("0x1F"), Some(31));
        assert_eq!(plain("0o17"), Some(15));
        assert_eq!(plain("-3"), Some(-3));
        assert_eq!(plain("1.5"), None);
        assert_eq!(plain(&"9".repeat(60)), None);
        assert_eq!(scalar("5", ScalarStyle::DoubleQuoted).integer_value(), None);
    }

    #[test]
    fn describe_nodes() {
        let root = ok("a: yes\nb: \"12\"\nc:\nd: [1]\ne: {}\nf: 12\n");
        assert_eq!(get(&root, "a").describe(), "the boolean true `yes`");
        assert_eq!(get(&root, "b").describe(), "the string `\"12\"`");
        assert_eq!(get(&root, "c").describe(), "an empty value");
        assert_eq!(get(&root, "d").describe(), "a list");
        assert_eq!(get(&root, "e").describe(), "a mapping");
        assert_eq!(get(&root, "f").describe(), "a number `12`");
    }

    #[test]
    fn syntax_error_is_located() {
        let src = "a: [1, 2\nb: x\n";
        let d = errors(src);
        assert_eq!(codes(&d), ["yaml-syntax"]);
        assert!(d[0].message.as_str().starts_with("could not parse YAML: "));
        assert_eq!(d[0].location.line, 2);
        let d = errors("a: b: c\n");
        assert_eq!(codes(&d), ["yaml-syntax"]);
        assert_eq!((d[0].location.line, d[0].location.column), (1, 5));
        assert!(d[0].help.as_deref().is_some());
    }

    #[test]
    fn tab_error_points_at_the_tab() {
        let d = errors("a: 1\n\tb: 2\n");
        assert_eq!(codes(&d), ["yaml-syntax"]);
        assert_eq!((d[0].location.line, d[0].location.column), (2, 1));
    }

    #[test]
    fn empty_documents() {
        for src in ["", "\n\n", "# only a comment\n", "---\n", "\u{feff}"] {
            let d = errors(src);
            assert_eq!(codes(&d), ["empty-document"], "{src:?}");
            assert_eq!(d[0].location, Location::file_start("t.yaml"));
        }
    }

    #[test]
    fn second_document_is_rejected() {
        let d = errors("a: 1\n---\nb: 2\n");
        assert_eq!(codes(&d), ["multiple-documents"]);
        assert_eq!(d[0].location, Location::new("t.yaml", 2, 1, 3));
        // An explicit start marker on the only document is fine.
        ok("---\na: 1\n...\n");
    }

    #[test]
    fn duplicate_keys_all_reported() {
        let src = "a: 1\nb:\n  x: 1\n  x: 2\na: 3\n";
        let d = errors(src);
        assert_eq!(codes(&d), ["duplicate-key", "duplicate-key"]);
        assert_eq!(d[0].message.as_str(), "duplicate key `x`, first written on line 3");
        assert_eq!(d[0].location, Location::new("t.yaml", 4, 3, 1));
        assert_eq!(d[0].field.to_string(), "b.x");
        assert_eq!(d[1].message.as_str(), "duplicate key `a`, first written on line 1");
        assert_eq!(d[1].location.line, 5);
    }

    #[test]
    fn non_scalar_keys() {
        let d = errors("? [a, b]\n: c\n{x: 1}: 2\n");
        assert!(codes(&d).iter().all(|c| *c == "non-scalar-key") || codes(&d) == ["yaml-syntax"]);
        let d = errors("? [a, b]\n: c\n");
        assert_eq!(codes(&d), ["non-scalar-key"]);
        assert_eq!(d[0].message.as_str(), "mapping keys must be plain names, found a list");
    }

    #[test]
    fn tags_are_rejected_where_written() {
        let src = "a: !Ref Bucket\nb: !!str 12\nc: &x !Sub\n  k: v\nd: [!GetAtt x]\n";
        let d = errors(src);
        assert_eq!(codes(&d), ["tag-not-supported"; 4]);
        let found: Vec<(u32, u32, u32, &str)> = d
            .iter()
            .map(|d| {
                let l = &d.location;
                (l.line, l.column, l.length, d.message.as_str())
            })
            .collect();
        assert_eq!(
            found,
            [
                (1, 4, 4, "tags are not supported in blueprints, found `!Ref`"),
                (2, 4, 5, "tags are not supported in blueprints, found `!!str`"),
                (3, 7, 4, "tags are not supported in blueprints, found `!Sub`"),
                (5, 5, 7, "tags are not supported in blueprints, found `!GetAtt`"),
            ]
        );
        assert!(d[0].help.as_deref().is_some_and(|h| h.contains("CloudFormation")));
    }

    #[test]
    fn merge_keys_are_rejected() {
        let d = errors("base: &b {x: 1}\nother:\n  <<: *b\n  y: 2\n");
        assert_eq!(codes(&d), ["merge-key-not-supported"]);
        assert_eq!(d[0].location, Location::new("t.yaml", 3, 3, 2));
        assert_eq!(d[0].field.to_string(), "other");
    }

    #[test]
    fn aliases_are_resolved() {
        let root = ok("tags: &t {team: x}\nmore: *t\nname: &n acme\ncopy: *n\n");
        let more = get(&root, "more");
        assert_eq!(get(more, "team").as_scalar().map(|s| s.text.as_str()), Some("x"));
        assert_eq!(at(more), (2, 7, 2));
        assert_eq!(get(&root, "copy").as_scalar().map(|s| s.text.as_str()), Some("acme"));
    }

    #[test]
    fn unknown_alias_is_named() {
        let d = errors("a: *nope\n");
        assert_eq!(codes(&d), ["unknown-alias"]);
        assert_eq!(d[0].message, "alias `*nope` refers to no anchor defined before it");
        assert_eq!(d[0].location, Location::new("t.yaml", 1, 4, 5));
    }

    #[test]
    fn billion_laughs_is_bounded() {
        let mut src = String::from("a0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]\n");
        for i in 1..10 {
            let prev = format!("*a{}", i - 1);
            let items = [prev.as_str(); 10].join(", ");
            src.push_str(&format!("a{i}: &a{i} [{items}]\n"));
        }
        let d = errors(&src);
        assert_eq!(codes(&d), ["too-many-nodes"]);
    }

    #[test]
    fn nesting_is_bounded() {
        for depth in [100, 10_000] {
            let src = format!("a: {}{}\n", "[".repeat(depth), "]".repeat(depth));
            assert_eq!(codes(&errors(&src)), ["too-deeply-nested"], "{depth}");
        }
        let src = format!("a:\n{}x\n", "- ".repeat(10_000));
        assert_eq!(codes(&errors(&src)), ["too-deeply-nested"]);
        // Nesting through aliases counts too.
        let mut src = String::from("x0: &x0 [1]\n");
        for i in 1..70 {
            src.push_str(&format!("x{i}: &x{i} [*x{}]\n", i - 1));
        }
        assert_eq!(codes(&errors(&src)), ["too-deeply-nested"]);
        ok(&format!("a: {}{}\n", "[".repeat(60), "]".repeat(60)));
    }

    #[test]
    fn several_errors_in_one_file_are_all_reported() {
        let d = errors("a: !Ref x\na: 2\nb: {<<: {}}\n");
        assert_eq!(codes(&d), ["tag-not-supported", "duplicate-key", "merge-key-not-supported"]);
    }
}
