//! The YAML writer for templates: exactly the bytes serde_yaml writes for the same values, many times faster.
//!
//! serde_yaml drives libyaml's emitter (as unsafe-libyaml) with unicode output and no line width, and its cost
//! (an event per value, a style analysis per scalar, a buffer copy per character) was most of the
//! CloudFormation emitter's time. This writer keeps the same state as that emitter (indent, column, whether the
//! last thing written was white space or indentation) and makes the same decisions, for block collections only:
//! templates have no flow collections but empty ones (`{}`, `[]`), which it also writes.
//!
//! A string is written as serde_yaml chooses: a literal block when it holds a line feed, single-quoted when YAML
//! 1.2 would read it as another type (`'true'`, `'1e3'`, `'0x1F'`, `'~'`, `''`, and `'012'` too, while `yes`
//! stays plain), plain otherwise; then libyaml's analysis of the characters (indicators, leading and trailing
//! spaces, line breaks, unprintable characters) can move it to single quotes, double quotes with escapes, or
//! from a literal block to double quotes.
//! The tests compare the output with serde_yaml's on every node of every example's templates and on thousands
//! of generated strings in every place a template can hold one; keep them passing when changing either side.

/// What serde_yaml asks for a string, before libyaml's analysis.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Style {
    Plain,
    SingleQuoted,
    DoubleQuoted,
    Literal,
}

/// Where a node sits, as libyaml's emitter tracks it: only these two facts change how block output looks.
#[derive(Clone, Copy, Debug)]
pub struct Context {
    /// The node is a key or value of a block mapping (a sequence there is not indented).
    mapping: bool,
    /// The node is a mapping key written on one line (`key:`): such a key is never a block scalar.
    simple_key: bool,
}

impl Context {
    /// The document itself.
    pub const ROOT: Context = Context { mapping: false, simple_key: false };
    const VALUE: Context = Context { mapping: true, simple_key: false };
    const ITEM: Context = Context { mapping: false, simple_key: false };
    const SIMPLE_KEY: Context = Context { mapping: true, simple_key: true };
    const COMPLEX_KEY: Context = Context { mapping: true, simple_key: false };
}

/// A value this writer can write.
pub trait Yaml {
    /// Writes the value as a node in `context`.
    fn write(&self, emitter: &mut Emitter, context: Context);
}

/// Writes one YAML document into a string.
#[derive(Debug)]
pub struct Emitter {
    out: String,
    /// The indentation of the current collection; -1 before the root collection.
    indent: isize,
    /// Characters (not bytes) written since the last line break.
    column: usize,
    /// The last thing written was white space, so an indicator needs no space before it.
    whitespace: bool,
    /// Only indentation (and `-` or `?` indicators) has been written on the current line.
    indention: bool,
}

/// Keys longer than this (in bytes) are written as complex keys (`? key`), as libyaml does.
const SIMPLE_KEY_MAX_BYTES: usize = 128;
/// libyaml's indentation step, which serde_yaml keeps.
const INDENT: isize = 2;

impl Default for Emitter {
    fn default() -> Emitter {
        Emitter::new()
    }
}

impl Emitter {
    /// An emitter at the start of a document.
    pub fn new() -> Emitter {
        Emitter { out: String::new(), indent: -1, column: 0, whitespace: true, indention: true }
    }

    /// An emitter writing after `out`, which ends a line (or is empty).
    pub fn after(out: String) -> Emitter {
        debug_assert!(out.is_empty() || out.ends_with('\n'));
        Emitter { out, ..Emitter::new() }
    }

    /// Ends the document (with a line break, unless a block scalar just wrote one) and returns the text.
    pub fn finish(mut self) -> String {
        self.indent = -1;
        self.write_indent();
        self.out
    }

    /// Writes `value` as the whole document.
    pub fn document(value: &impl Yaml) -> String {
        let mut emitter = Emitter::new();
        value.write(&mut emitter, Context::ROOT);
        emitter.finish()
    }

    fn push(&mut self, text: &str) {
        self.out.push_str(text);
        self.column += text.len();
    }

    fn put_break(&mut self) {
        self.out.push('\n');
        self.column = 0;
    }

    fn write_indent(&mut self) {
        let indent = self.indent.max(0) as usize;
        if !self.indention || self.column > indent || (self.column == indent && !self.whitespace) {
            self.put_break();
        }
        while self.column < indent {
            self.out.push(' ');
            self.column += 1;
        }
        self.whitespace = true;
        self.indention = true;
    }

    fn indicator(&mut self, text: &str, need_whitespace: bool, is_whitespace: bool, is_indention: bool) {
        if need_whitespace && !self.whitespace {
            self.push(" ");
        }
        self.push(text);
        self.whitespace = is_whitespace;
        self.indention = self.indention && is_indention;
    }

    /// A tag, `!Name`; the names are the intrinsics', so nothing needs escaping.
    fn tag(&mut self, tag: Option<&str>) {
        if let Some(name) = tag {
            if !self.whitespace {
                self.push(" ");
            }
            self.push("!");
            self.push(name);
            self.whitespace = false;
            self.indention = false;
        }
    }

    fn increase_indent(&mut self, flow: bool, indentless: bool) {
        if self.indent < 0 {
            self.indent = if flow { INDENT } else { 0 };
        } else if !indentless {
            self.indent += INDENT;
        }
    }

    /// A scalar that is plain whatever the context: a boolean or a number.
    fn plain(&mut self, text: &str) {
        if !self.whitespace {
            self.push(" ");
        }
        self.push(text);
        self.whitespace = false;
        self.indention = false;
    }

    /// A string scalar, with an optional tag, styled as serde_yaml and libyaml choose.
    pub fn string(&mut self, tag: Option<&str>, value: &str, context: Context) {
        let analysis = Analysis::of(value);
        let mut style = if analysis.line_feed {
            Style::Literal
        } else if reads_as_another_type(value) {
            Style::SingleQuoted
        } else {
            Style::Plain
        };
        if context.simple_key && analysis.multiline {
            style = Style::DoubleQuoted;
        }
        if style == Style::Plain && (!analysis.block_plain_allowed || (value.is_empty() && context.simple_key)) {
            style = Style::SingleQuoted;
        }
        if style == Style::SingleQuoted && !analysis.single_quoted_allowed {
            style = Style::DoubleQuoted;
        }
        if style == Style::Literal && (!analysis.block_allowed || context.simple_key) {
            style = Style::DoubleQuoted;
        }
        self.tag(tag);
        let saved = self.indent;
        self.increase_indent(true, false);
        match style {
            Style::Plain => {
                if !self.whitespace && !value.is_empty() {
                    self.push(" ");
                }
                self.out.push_str(value);
                self.column += analysis.chars;
                self.whitespace = false;
                self.indention = false;
            }
            Style::SingleQuoted => self.single_quoted(value),
            Style::DoubleQuoted => self.double_quoted(value),
            Style::Literal => self.literal(value),
        }
        self.indent = saved;
    }

    /// A line break inside a scalar; the next line's text needs indentation first.
    fn write_break(&mut self, character: char) {
        self.out.push(character);
        self.column = 0;
        self.indention = true;
    }

    /// One character of a scalar's text (or `replacement` for it, when not empty), indented first when it starts
    /// a line.
    fn write_content(&mut self, character: char, after_break: bool, replacement: &str) {
        if after_break {
            self.write_indent();
        }
        if replacement.is_empty() {
            self.out.push(character);
            self.column += 1;
        } else {
            self.push(replacement);
        }
        self.indention = false;
    }

    fn single_quoted(&mut self, value: &str) {
        self.indicator("'", true, false, false);
        let mut breaks = false;
        for character in value.chars() {
            if character == ' ' {
                self.push(" ");
            } else if is_break(character) {
                // A lone line feed inside single quotes would fold into a space, so it is written twice.
                if !breaks && character == '\n' {
                    self.put_break();
                }
                self.write_break(character);
                breaks = true;
            } else {
                // A quote is written twice, the escape single quotes know.
                let quotes = if character == '\'' { "''" } else { "" };
                self.write_content(character, breaks, quotes);
                breaks = false;
            }
        }
        if breaks {
            self.write_indent();
        }
        self.indicator("'", false, false, false);
        self.whitespace = false;
        self.indention = false;
    }

    fn double_quoted(&mut self, value: &str) {
        self.indicator("\"", true, false, false);
        for character in value.chars() {
            if !is_printable(character) || character == '\u{FEFF}' || is_break(character) || character == '"' || character == '\\' {
                let escape = match character {
                    '\0' => "\\0",
                    '\u{07}' => "\\a",
                    '\u{08}' => "\\b",
                    '\t' => "\\t",
                    '\n' => "\\n",
                    '\u{0B}' => "\\v",
                    '\u{0C}' => "\\f",
                    '\r' => "\\r",
                    '\u{1B}' => "\\e",
                    '"' => "\\\"",
                    '\\' => "\\\\",
                    '\u{85}' => "\\N",
                    '\u{A0}' => "\\_",
                    '\u{2028}' => "\\L",
                    '\u{2029}' => "\\P",
                    _ => "",
                };
                let text = if escape.is_empty() {
                    let code = u32::from(character);
                    if code <= 0xFF {
                        format!("\\x{code:02X}")
                    } else if code <= 0xFFFF {
                        format!("\\u{code:04X}")
                    } else {
                        format!("\\U{code:08X}")
                    }
                } else {
                    escape.to_owned()
                };
                self.push(&text);
            } else {
                self.out.push(character);
                self.column += 1;
            }
        }
        self.indicator("\"", false, false, false);
        self.whitespace = false;
        self.indention = false;
    }

    fn literal(&mut self, value: &str) {
        self.indicator("|", true, false, false);
        let first = value.chars().next();
        if first.is_some_and(|character| character == ' ' || is_break(character)) {
            // Content that starts with white space needs its indentation stated.
            self.indicator("2", false, false, false);
        }
        let mut last_two = value.chars().rev();
        let chomp = match (last_two.next(), last_two.next()) {
            (Some(last), _) if !is_break(last) => Some("-"),
            (None, _) => Some("-"),
            (Some(_), None) => Some("+"),
            (Some(_), Some(before)) if is_break(before) => Some("+"),
            _ => None,
        };
        if let Some(chomp) = chomp {
            self.indicator(chomp, false, false, false);
        }
        self.put_break();
        self.indention = true;
        self.whitespace = true;
        let mut breaks = true;
        for character in value.chars() {
            if is_break(character) {
                self.write_break(character);
                breaks = true;
            } else {
                self.write_content(character, breaks, "");
                breaks = false;
            }
        }
    }

    /// A mapping: `entries` writes its entries with [`Emitter::entry`]; `empty` says it will write none.
    pub fn mapping(&mut self, tag: Option<&str>, empty: bool, entries: impl FnOnce(&mut Emitter)) {
        self.tag(tag);
        let saved = self.indent;
        if empty {
            self.flow_empty("{}");
            return;
        }
        self.increase_indent(false, false);
        entries(self);
        self.indent = saved;
    }

    /// One entry of the mapping being written.
    pub fn entry(&mut self, key: &str, value: &(impl Yaml + ?Sized)) {
        self.write_indent();
        let simple = key.len() <= SIMPLE_KEY_MAX_BYTES && !key.chars().any(is_break);
        if simple {
            self.string(None, key, Context::SIMPLE_KEY);
            self.indicator(":", false, false, false);
        } else {
            self.indicator("?", true, false, true);
            self.string(None, key, Context::COMPLEX_KEY);
            self.write_indent();
            self.indicator(":", true, false, true);
        }
        value.write(self, Context::VALUE);
    }

    /// A sequence: `items` writes its items with [`Emitter::item`]; `empty` says it will write none.
    pub fn sequence(&mut self, tag: Option<&str>, empty: bool, context: Context, items: impl FnOnce(&mut Emitter)) {
        self.tag(tag);
        let saved = self.indent;
        if empty {
            self.flow_empty("[]");
            return;
        }
        self.increase_indent(false, context.mapping && !self.indention);
        items(self);
        self.indent = saved;
    }

    /// One item of the sequence being written.
    pub fn item(&mut self, value: &(impl Yaml + ?Sized)) {
        self.write_indent();
        self.indicator("-", true, false, true);
        value.write(self, Context::ITEM);
    }

    /// One entry of a mapping one level into the document (`Resources`, `Outputs`), written alone as it stands in
    /// the document, ending with a line break: written once, its length weighs it and
    /// [`Emitter::written_entries`] places it. It ends with a line break, which need not be a line feed.
    pub fn nested_entry(key: &str, value: &(impl Yaml + ?Sized)) -> String {
        // The state the emitter is in when it starts an entry of that mapping, bar the line break before it.
        let mut emitter = Emitter { out: String::new(), indent: INDENT, column: 0, whitespace: true, indention: true };
        emitter.entry(key, value);
        // The next entry, or the next key of the document, starts on a new line; a block scalar may have ended
        // one already (with a line feed or another line break).
        if emitter.column != 0 || !emitter.indention {
            emitter.put_break();
        }
        emitter.out
    }

    /// An entry of the document's own mapping whose value is a mapping of entries from [`Emitter::nested_entry`].
    pub fn written_entries<'t>(&mut self, key: &str, entries: impl IntoIterator<Item = &'t str>) {
        debug_assert_eq!(self.indent, 0, "written entries belong to the document's mapping");
        self.write_indent();
        self.string(None, key, Context::SIMPLE_KEY);
        self.indicator(":", false, false, false);
        let mut entries = entries.into_iter().peekable();
        if entries.peek().is_none() {
            self.flow_empty("{}");
            return;
        }
        self.put_break();
        for entry in entries {
            self.out.push_str(entry);
        }
        self.column = 0;
        self.whitespace = true;
        self.indention = true;
    }

    fn flow_empty(&mut self, text: &str) {
        self.indicator(&text[..1], true, true, false);
        self.indicator(&text[1..], false, false, false);
    }
}

impl Yaml for str {
    fn write(&self, emitter: &mut Emitter, context: Context) {
        emitter.string(None, self, context);
    }
}

impl Yaml for String {
    fn write(&self, emitter: &mut Emitter, context: Context) {
        emitter.string(None, self, context);
    }
}

impl Yaml for bool {
    fn write(&self, emitter: &mut Emitter, _context: Context) {
        emitter.plain(if *self { "true" } else { "false" });
    }
}

impl Yaml for u64 {
    fn write(&self, emitter: &mut Emitter, _context: Context) {
        emitter.plain(&self.to_string());
    }
}

impl<T: Yaml> Yaml for Vec<T> {
    fn write(&self, emitter: &mut Emitter, context: Context) {
        emitter.sequence(None, self.is_empty(), context, |emitter| {
            for item in self {
                emitter.item(item);
            }
        });
    }
}

/// What libyaml's analysis finds in a scalar's characters, for block context.
struct Analysis {
    /// Characters, for the column.
    chars: usize,
    /// A line feed, for which serde_yaml asks for a literal block.
    line_feed: bool,
    multiline: bool,
    block_plain_allowed: bool,
    single_quoted_allowed: bool,
    block_allowed: bool,
}

impl Analysis {
    fn of(value: &str) -> Analysis {
        if value.is_empty() {
            return Analysis {
                chars: 0,
                line_feed: false,
                multiline: false,
                block_plain_allowed: true,
                single_quoted_allowed: true,
                block_allowed: false,
            };
        }
        if is_word_like(value) {
            return Analysis {
                chars: value.len(),
                line_feed: false,
                multiline: false,
                block_plain_allowed: true,
                single_quoted_allowed: true,
                block_allowed: true,
            };
        }
        let indicators = value.starts_with("---") || value.starts_with("...");
        // Most strings in a template are ASCII, which needs no decoding.
        if value.is_ascii() { Analysis::scan(value.bytes().map(char::from), indicators) } else { Analysis::scan(value.chars(), indicators) }
    }

    /// The analysis of a string that is not empty, given its characters and whether it starts like a document
    /// marker.
    fn scan(characters: impl Iterator<Item = char>, mut indicators: bool) -> Analysis {
        let (mut line_breaks, mut line_feed, mut special) = (false, false, false);
        let (mut leading_space, mut leading_break, mut trailing_space, mut trailing_break) = (false, false, false, false);
        let (mut break_space, mut space_break, mut previous_space, mut previous_break) = (false, false, false, false);
        let mut preceded_by_whitespace = true;
        let mut chars = 0;
        let mut characters = characters.peekable();
        while let Some(character) = characters.next() {
            let first = chars == 0;
            chars += 1;
            let next = characters.peek().copied();
            let followed_by_whitespace = next.is_none_or(is_blank_or_break);
            if first {
                match character {
                    '#' | ',' | '[' | ']' | '{' | '}' | '&' | '*' | '!' | '|' | '>' | '\'' | '"' | '%' | '@' | '`' => indicators = true,
                    '?' | ':' | '-' if followed_by_whitespace => indicators = true,
                    _ => {}
                }
            } else if (character == ':' && followed_by_whitespace) || (character == '#' && preceded_by_whitespace) {
                indicators = true;
            }
            if !is_printable(character) {
                special = true;
            }
            if character == ' ' {
                leading_space |= first;
                trailing_space |= next.is_none();
                break_space |= previous_break;
                previous_space = true;
                previous_break = false;
            } else if is_break(character) {
                line_breaks = true;
                line_feed |= character == '\n';
                leading_break |= first;
                trailing_break |= next.is_none();
                space_break |= previous_space;
                previous_space = false;
                previous_break = true;
            } else {
                previous_space = false;
                previous_break = false;
            }
            preceded_by_whitespace = is_blank_or_break(character);
        }
        let spaced = leading_space || leading_break || trailing_space || trailing_break;
        Analysis {
            chars,
            line_feed,
            multiline: line_breaks,
            block_plain_allowed: !(spaced || break_space || space_break || special || line_breaks || indicators),
            single_quoted_allowed: !(break_space || space_break || special),
            block_allowed: !(trailing_space || space_break || special),
        }
    }
}

/// Whether a string is made only of characters that the full analysis finds nothing in (letters, digits and
/// `-_./:*${}`, without white space), not starting with an indicator or `...` and not ending with `:`: most of a
/// template's names, actions, ARNs and substitutions, which then skip the full analysis.
fn is_word_like(value: &str) -> bool {
    let bytes = value.as_bytes();
    let inner = |byte: &u8| byte.is_ascii_alphanumeric() || b"-_./:*${}".contains(byte);
    let first = |byte: &u8| byte.is_ascii_alphanumeric() || b"_./$".contains(byte);
    bytes.first().is_some_and(first) && bytes.last() != Some(&b':') && !value.starts_with("...") && bytes.iter().all(inner)
}

/// libyaml's line breaks: LF, CR, NEL and the Unicode line and paragraph separators.
fn is_break(character: char) -> bool {
    matches!(character, '\n' | '\r' | '\u{85}' | '\u{2028}' | '\u{2029}')
}

/// Space, tab, a line break, or NUL (which libyaml reads as the end of the text).
fn is_blank_or_break(character: char) -> bool {
    matches!(character, ' ' | '\t' | '\0') || is_break(character)
}

/// The characters libyaml writes as they are; others (controls, NEL, non-characters, the byte-order mark)
/// only inside double quotes, escaped.
fn is_printable(character: char) -> bool {
    matches!(character, '\n' | ' '..='~' | '\u{A0}'..='\u{D7FF}' | '\u{10000}'..)
        || (('\u{E000}'..='\u{FFFD}').contains(&character) && character != '\u{FEFF}')
}

/// Whether serde_yaml quotes a string so it reads back as a string: YAML 1.2's core schema would read it as
/// null, a boolean, an integer or a float, or it is a number with a leading zero (YAML 1.1 octal).
fn reads_as_another_type(value: &str) -> bool {
    if matches!(value, "" | "~" | "null" | "Null" | "NULL" | "true" | "True" | "TRUE" | "false" | "False" | "FALSE") {
        return true;
    }
    let unsigned = value.strip_prefix(['+', '-']).unwrap_or(value);
    // Every integer and finite float starts with a digit or a point after its sign; the checks below are the
    // slow ones, so words skip them.
    if !unsigned.starts_with(|character: char| character.is_ascii_digit() || character == '.') {
        return false;
    }
    leading_zero_digits(value) || is_integer(value) || is_float(value)
}

/// `0123`, `-007`: digits after a leading zero.
fn leading_zero_digits(value: &str) -> bool {
    let unsigned = value.strip_prefix(['+', '-']).unwrap_or(value);
    unsigned.len() > 1 && unsigned.starts_with('0') && unsigned[1..].bytes().all(|byte| byte.is_ascii_digit())
}

/// An integer that fits 128 bits: decimal, or `0x`, `0o`, `0b` with an optional sign.
fn is_integer(value: &str) -> bool {
    // A positive number: `+` at most once, then a radix prefix or decimal digits.
    let positive = value.strip_prefix('+').unwrap_or(value);
    if let Some((rest, radix)) = radix_digits(positive)
        && !rest.starts_with(['+', '-'])
        && u128::from_str_radix(rest, radix).is_ok()
    {
        return true;
    }
    if !positive.starts_with(['+', '-']) && !leading_zero_digits(value) && positive.parse::<u128>().is_ok() {
        return true;
    }
    // A negative number.
    if let Some(negative) = value.strip_prefix('-') {
        if let Some((rest, radix)) = radix_digits(negative)
            && i128::from_str_radix(&format!("-{rest}"), radix).is_ok()
        {
            return true;
        }
        return !leading_zero_digits(value) && value.parse::<i128>().is_ok();
    }
    false
}

/// The digits after a `0x`, `0o` or `0b` prefix, with their radix.
fn radix_digits(text: &str) -> Option<(&str, u32)> {
    [("0x", 16), ("0o", 8), ("0b", 2)].into_iter().find_map(|(prefix, radix)| text.strip_prefix(prefix).map(|rest| (rest, radix)))
}

/// A finite float as Rust reads one, or YAML's infinities (`.inf`) and not-a-number (`.nan`).
fn is_float(value: &str) -> bool {
    let positive = match value.strip_prefix('+') {
        Some(rest) if rest.starts_with(['+', '-']) => return false,
        Some(rest) => rest,
        None => value,
    };
    matches!(positive, ".inf" | ".Inf" | ".INF")
        || matches!(value, "-.inf" | "-.Inf" | "-.INF" | ".nan" | ".NaN" | ".NAN")
        || positive.parse::<f64>().is_ok_and(f64::is_finite)
}

#[cfg(test)]
pub(super) mod tests {
    use super::super::template::{Intrinsic, Node, OrderedMap};
    use super::*;
    use proptest::prelude::*;
    use proptest::test_runner::{Config, RngSeed, TestRunner};

    /// Asserts that this writer and serde_yaml write the same document for `value`.
    pub(crate) fn check<T: Yaml + serde::Serialize + std::fmt::Debug>(value: &T) {
        let expected = serde_yaml::to_string(value).expect("serde_yaml writes the value");
        assert_eq!(Emitter::document(value), expected, "{value:?}");
    }

    /// `text` wherever a template can hold a string: alone, as a key and a value at several depths, as a sequence
    /// item (in a mapping and in a sequence), after a tag, and before and after other entries.
    fn in_every_place(text: &str) -> Node {
        let string = || Node::string(text.to_owned());
        let tagged = || Node::Function(Intrinsic::Ref(text.to_owned()));
        let map =
            |entries: Vec<(String, Node)>| Node::Map(OrderedMap(entries.into_iter().map(|(key, value)| (key.into(), value)).collect()));
        let key = |key: &str, value: Node| (key.to_owned(), value);
        map(vec![
            key("value", string()),
            key(text, string()),
            key(
                "list",
                Node::List(vec![
                    string(),
                    tagged(),
                    Node::List(vec![string(), string()]),
                    map(vec![key(text, string()), key("n", string())]),
                ]),
            ),
            key("deep", map(vec![key("deeper", map(vec![key("x", string()), key("list", Node::List(vec![string(), tagged()]))]))])),
            key("tagged", tagged()),
            key(
                "equals",
                Node::Function(Intrinsic::Equals(vec![string(), tagged(), Node::Function(Intrinsic::FindInMap(vec![string()]))])),
            ),
            key("sub", Node::Function(Intrinsic::SubWithVariables(vec![string(), map(vec![key(text, tagged())])]))),
            key("empty", Node::List(Vec::new())),
            key("none", map(Vec::new())),
            key("last", Node::List(vec![map(vec![key(text, Node::List(vec![string()]))]), Node::Bool(true), Node::Integer(7)])),
        ])
    }

    /// Pieces that each trip one rule of serde_yaml or libyaml: types YAML would read, indicators, white space
    /// and breaks, characters that are escaped, and ordinary text.
    const PIECES: &[&str] = &[
        "a",
        "Z",
        "word",
        "0",
        "1",
        "7",
        "9",
        "00",
        ".",
        "-",
        "+",
        "_",
        "e",
        "E",
        "x",
        "o",
        "b",
        "0x",
        "0o",
        "0b",
        "1F",
        "inf",
        ".inf",
        "nan",
        ".nan",
        "NaN",
        "true",
        "False",
        "null",
        "~",
        "yes",
        "---",
        "...",
        ":",
        ": ",
        " :",
        "#",
        " #",
        "# ",
        "?",
        "? ",
        "- ",
        " ",
        "  ",
        "\t",
        "\n",
        "\n\n",
        "\r",
        "\r\n",
        "'",
        "\"",
        "\\",
        "!",
        "&",
        "*",
        "|",
        ">",
        "%",
        "@",
        "`",
        "{",
        "}",
        "[",
        "]",
        ",",
        "=",
        "${",
        "$",
        "/",
        "arn:aws:s3:::bucket/*",
        "\u{85}",
        "\u{A0}",
        "\u{2028}",
        "\u{2029}",
        "\u{FEFF}",
        "\u{FFFE}",
        "é",
        "\u{1F600}",
        "\0",
        "\u{7}",
        "\u{7F}",
        "\u{1B}",
        "\u{9F}",
    ];

    fn text() -> impl Strategy<Value = String> {
        proptest::collection::vec(proptest::sample::select(PIECES), 0..7).prop_map(|pieces| pieces.concat())
    }

    #[test]
    fn generated_strings_are_written_as_serde_yaml_writes_them() {
        let mut config = Config::with_cases(4000);
        config.rng_seed = RngSeed::Fixed(0x5eed_ca11);
        config.failure_persistence = None;
        let mut runner = TestRunner::new(config);
        runner
            .run(&text(), |text| {
                let expected = serde_yaml::to_string(&text).expect("serde_yaml writes a string");
                prop_assert_eq!(Emitter::document(&text), expected);
                let node = in_every_place(&text);
                let expected = serde_yaml::to_string(&node).expect("serde_yaml writes the node");
                prop_assert_eq!(Emitter::document(&node), expected);
                prop_assert_eq!(assembled(&text), serde_yaml::to_string(&template_like(&text)).expect("serde_yaml writes the map"));
                Ok(())
            })
            .unwrap_or_else(|error| panic!("{error}"));
    }

    /// A document shaped like a template, with `text` in its entries.
    fn template_like(text: &str) -> Node {
        let resources = vec![(text.to_owned().into(), in_every_place(text)), ("Next".into(), Node::string(text.to_owned()))];
        Node::map([
            ("Head", Node::string(text.to_owned())),
            ("Resources", Node::Map(OrderedMap(resources))),
            ("Outputs", Node::map([("Last", Node::string(text.to_owned()))])),
        ])
    }

    /// [`template_like`] with its `Resources` and `Outputs` written entry by entry and assembled.
    fn assembled(text: &str) -> String {
        let Node::Map(map) = template_like(text) else { unreachable!("a map") };
        let entries = |node: &Node| match node {
            Node::Map(entries) => entries.0.iter().map(|(key, value)| Emitter::nested_entry(key, value)).collect::<Vec<_>>(),
            _ => unreachable!("a map"),
        };
        let (resources, outputs) = (entries(&map.0[1].1), entries(&map.0[2].1));
        let mut emitter = Emitter::new();
        emitter.mapping(None, false, |emitter| {
            emitter.entry("Head", text);
            emitter.written_entries("Resources", resources.iter().map(String::as_str));
            emitter.written_entries("Outputs", outputs.iter().map(String::as_str));
        });
        emitter.finish()
    }

    #[test]
    fn every_piece_and_pair_is_written_as_serde_yaml_writes_it() {
        for first in PIECES {
            check(&in_every_place(first));
            assert_eq!(assembled(first), serde_yaml::to_string(&template_like(first)).expect("serde_yaml writes the map"));
            for second in PIECES {
                check(&format!("{first}{second}"));
            }
        }
    }

    #[test]
    fn long_and_multiline_keys_are_written_as_serde_yaml_writes_them() {
        for text in
            ["k".repeat(128), "k".repeat(129), "é".repeat(64), "é".repeat(65), "a\nb".to_owned(), "a\n".to_owned(), "a\u{2028}b".to_owned()]
        {
            check(&in_every_place(&text));
        }
    }

    #[test]
    fn numbers_and_their_neighbours_are_quoted_as_serde_yaml_quotes_them() {
        let texts = [
            "12",
            "-12",
            "+12",
            "++12",
            "-+12",
            "+-12",
            "012",
            "-012",
            "0",
            "-0",
            "1.5",
            "-.5",
            "+.5",
            "5.",
            "1e3",
            "1E3",
            "1e",
            "e3",
            "0x1F",
            "-0x1F",
            "+0x1F",
            "0x+1F",
            "0x-1F",
            "0X1F",
            "0o17",
            "0o18",
            "0b101",
            "0b102",
            "-0b1",
            "0x",
            "1_000",
            "1,000",
            "Infinity",
            "infinity",
            "-inf",
            "+.inf",
            "-.inf",
            ".Inf",
            ".NAN",
            "+.nan",
            "1e400",
            "340282366920938463463374607431768211455",
            "340282366920938463463374607431768211456",
            "-170141183460469231731687303715884105728",
            "-170141183460469231731687303715884105729",
            "0xFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF",
            "0x1FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF",
            "2010-09-09",
            "2012-10-17",
            "12:30",
            "1 2",
            "٣",
            "１２",
        ];
        for text in texts {
            check(&text.to_owned());
            check(&in_every_place(text));
        }
    }
}
