//! Wildcard patterns (`*` and `?`) compiled once at policy load time.
//!
//! Three matching modes exist because IAM uses three different rules:
//! action names ignore ASCII case, resource ARNs are case-sensitive and a `*` in the
//! middle of a colon-separated segment does not cross a colon (IAM UG, Resource element),
//! and string conditions (`StringLike`) treat every character alike.
//! Matching never allocates for patterns of fewer than 128 tokens.

/// How a pattern compares characters and where its wildcards may stretch.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MatchMode {
    /// Case-sensitive; `*` matches any run of characters, `?` any one character.
    Plain,
    /// ASCII case-insensitive, otherwise like [`MatchMode::Plain`] (IAM action names).
    AsciiCaseInsensitive,
    /// Case-sensitive ARN matching: a `*` that is the last character of a colon-separated
    /// segment may extend across colons, any other `*` and every `?` stay inside a segment.
    ResourceArn,
}

#[derive(Clone, Debug, PartialEq, Eq)]
enum Tok {
    Char(char),
    /// `?`; `colon` says whether it may match `:`.
    One {
        colon: bool,
    },
    /// `*`; `colon` says whether it may match `:`.
    Star {
        colon: bool,
    },
}

#[derive(Clone, Debug, PartialEq, Eq)]
enum Kind {
    /// The pattern is a lone `*` that matches everything.
    Everything,
    /// No wildcard: plain equality with the source (ignoring ASCII case when folding, which is the same as
    /// comparing the folded source, so it is not kept twice).
    Exact,
    /// A literal followed by one colon-crossing `*`: a prefix test.
    Prefix(Box<str>),
    /// General case, simulated as an NFA over token positions.
    Nfa(Box<[Tok]>),
}

/// A compiled wildcard pattern.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Pattern {
    source: Box<str>,
    mode: MatchMode,
    kind: Kind,
}

impl Pattern {
    /// Compiles `source` for `mode`; in [`MatchMode::AsciiCaseInsensitive`] the literal
    /// parts are folded to lower case here so that matching only folds the input.
    pub fn new(source: &str, mode: MatchMode) -> Pattern {
        if !source.contains(['*', '?']) {
            // Most patterns are plain names and ARNs: what `classify` would make of their tokens, without them.
            return Pattern { source: source.into(), mode, kind: Kind::Exact };
        }
        let folded: String = if mode == MatchMode::AsciiCaseInsensitive { source.to_ascii_lowercase() } else { source.to_string() };
        let chars: Vec<char> = folded.chars().collect();
        let mut toks: Vec<Tok> = Vec::with_capacity(chars.len());
        for (i, &c) in chars.iter().enumerate() {
            let tok = match c {
                '*' => {
                    // RESOURCE: "If the * wildcard is the last character of a resource ARN
                    // segment, it can expand to match beyond the colon boundaries."
                    let colon = mode != MatchMode::ResourceArn || matches!(chars.get(i + 1), None | Some(':'));
                    Tok::Star { colon }
                }
                '?' => Tok::One { colon: mode != MatchMode::ResourceArn },
                c => Tok::Char(c),
            };
            // Collapse runs of stars: `**` matches what `*` matches, and a single star
            // per run keeps the epsilon closure to one shift.
            if let (Tok::Star { colon: b }, Some(Tok::Star { colon: a })) = (&tok, toks.last_mut()) {
                *a = *a || *b;
                continue;
            }
            toks.push(tok);
        }
        let kind = classify(&toks);
        Pattern { source: source.into(), mode, kind }
    }

    /// The text the pattern was compiled from, as written in the policy.
    pub fn source(&self) -> &str {
        &self.source
    }

    /// True when the pattern contains `*` or `?`.
    pub fn has_wildcard(&self) -> bool {
        !matches!(self.kind, Kind::Exact)
    }

    /// Tests `input` against the whole pattern (patterns are anchored at both ends).
    pub fn matches(&self, input: &str) -> bool {
        let fold = self.mode == MatchMode::AsciiCaseInsensitive;
        match &self.kind {
            Kind::Everything => true,
            Kind::Exact => {
                let s = &self.source;
                if fold { s.eq_ignore_ascii_case(input) } else { **s == *input }
            }
            Kind::Prefix(p) => {
                input.len() >= p.len()
                    && input.is_char_boundary(p.len())
                    && if fold { input[..p.len()].eq_ignore_ascii_case(p) } else { input.starts_with(&**p) }
            }
            Kind::Nfa(toks) => {
                if toks.len() < 128 {
                    nfa_small(toks, input, fold)
                } else {
                    nfa_large(toks, input, fold)
                }
            }
        }
    }
}

fn classify(toks: &[Tok]) -> Kind {
    let wildcards = toks.iter().filter(|t| !matches!(t, Tok::Char(_))).count();
    if wildcards == 0 {
        return Kind::Exact;
    }
    if toks.len() == 1 && toks[0] == (Tok::Star { colon: true }) {
        return Kind::Everything;
    }
    if wildcards == 1 && toks.last() == Some(&Tok::Star { colon: true }) {
        let lit: String = toks
            .iter()
            .filter_map(|t| match t {
                Tok::Char(c) => Some(*c),
                _ => None,
            })
            .collect();
        return Kind::Prefix(lit.into());
    }
    Kind::Nfa(toks.into())
}

#[inline]
fn step_ok(tok: &Tok, c: char) -> bool {
    match tok {
        Tok::Char(x) => *x == c,
        Tok::One { colon } => *colon || c != ':',
        Tok::Star { .. } => false,
    }
}

/// NFA simulation with one bit per token position; position `toks.len()` is accepting.
fn nfa_small(toks: &[Tok], input: &str, fold: bool) -> bool {
    let n = toks.len();
    let mut star_mask: u128 = 0;
    for (i, t) in toks.iter().enumerate() {
        if matches!(t, Tok::Star { .. }) {
            star_mask |= 1 << i;
        }
    }
    // A star at position i may match nothing, so i+1 is reachable whenever i is.
    let close = |s: u128| s | ((s & star_mask) << 1);
    let mut cur = close(1);
    for c in input.chars() {
        let c = if fold { c.to_ascii_lowercase() } else { c };
        let mut next: u128 = 0;
        let mut bits = cur;
        while bits != 0 {
            let i = bits.trailing_zeros() as usize;
            bits &= bits - 1;
            if i >= n {
                continue;
            }
            match &toks[i] {
                Tok::Star { colon } => {
                    if *colon || c != ':' {
                        next |= 1 << i;
                    }
                }
                t => {
                    if step_ok(t, c) {
                        next |= 1 << (i + 1);
                    }
                }
            }
        }
        cur = close(next);
        if cur == 0 {
            return false;
        }
    }
    cur & (1 << n) != 0
}

/// Same algorithm as [`nfa_small`] with a heap bitmap, for patterns of 128+ tokens.
fn nfa_large(toks: &[Tok], input: &str, fold: bool) -> bool {
    let n = toks.len();
    let close = |s: &mut Vec<bool>| {
        for i in 0..n {
            if s[i] && matches!(toks[i], Tok::Star { .. }) {
                s[i + 1] = true;
            }
        }
    };
    let mut cur = vec![false; n + 1];
    cur[0] = true;
    close(&mut cur);
    let mut next = vec![false; n + 1];
    for c in input.chars() {
        let c = if fold { c.to_ascii_lowercase() } else { c };
        next.iter_mut().for_each(|b| *b = false);
        for i in 0..n {
            if !cur[i] {
                continue;
            }
            match &toks[i] {
                Tok::Star { colon } => {
                    if *colon || c != ':' {
                        next[i] = true;
                    }
                }
                t => {
                    if step_ok(t, c) {
                        next[i + 1] = true;
                    }
                }
            }
        }
        close(&mut next);
        std::mem::swap(&mut cur, &mut next);
        if !cur.iter().any(|b| *b) {
            return false;
        }
    }
    cur[n]
}

/// Matches an ARN condition value the way `ArnLike`/`ArnEquals` do (IAM UG, condition
/// operators): the pattern and the value are each split into their six colon-separated
/// components and compared component by component, so a `*` never crosses a colon except
/// inside the sixth (resource) component, which keeps any further colons.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ArnPattern {
    source: Box<str>,
    /// `None` for the lone `*`, which matches any value.
    parts: Option<Box<[Pattern]>>,
}

impl ArnPattern {
    /// Compiles an ARN pattern.
    pub fn new(source: &str) -> ArnPattern {
        if source == "*" {
            return ArnPattern { source: source.into(), parts: None };
        }
        let parts: Vec<Pattern> = source.splitn(6, ':').map(|p| Pattern::new(p, MatchMode::Plain)).collect();
        ArnPattern { source: source.into(), parts: Some(parts.into()) }
    }

    /// The pattern as written in the policy.
    pub fn source(&self) -> &str {
        &self.source
    }

    /// True when `value` matches component by component.
    pub fn matches(&self, value: &str) -> bool {
        let Some(parts) = &self.parts else {
            return true;
        };
        let mut it = value.splitn(6, ':');
        for p in parts.iter() {
            match it.next() {
                Some(v) if p.matches(v) => {}
                _ => return false,
            }
        }
        it.next().is_none()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn m(p: &str, mode: MatchMode, s: &str) -> bool {
        Pattern::new(p, mode).matches(s)
    }

    #[test]
    fn exact_and_everything() {
        assert!(m("*", MatchMode::Plain, ""));
        assert!(m("*", MatchMode::ResourceArn, "arn:aws:s3:::b/k"));
        assert!(m("abc", MatchMode::Plain, "abc"));
        assert!(!m("abc", MatchMode::Plain, "abcd"));
        assert!(!m("abc", MatchMode::Plain, "ABC"));
        assert!(!m("", MatchMode::Plain, "a"));
        assert!(m("", MatchMode::Plain, ""));
    }

    #[test]
    fn actions_ignore_ascii_case() {
        assert!(m("s3:GetObject", MatchMode::AsciiCaseInsensitive, "S3:getobject"));
        assert!(m("S3:Get*", MatchMode::AsciiCaseInsensitive, "s3:getobjectversion"));
        assert!(m("kms:GenerateDataKey*", MatchMode::AsciiCaseInsensitive, "kms:GenerateDataKey"));
        assert!(m("s3:*Object", MatchMode::AsciiCaseInsensitive, "s3:PUTOBJECT"));
        assert!(!m("s3:Get*", MatchMode::AsciiCaseInsensitive, "s3:PutObject"));
        assert!(m("s3:?etObject", MatchMode::AsciiCaseInsensitive, "s3:GetObject"));
        assert!(!m("s3:?etObject", MatchMode::AsciiCaseInsensitive, "s3:etObject"));
    }

    #[test]
    fn resource_arns_are_case_sensitive() {
        // Pitfall 3 of the research note: resource matching must not fold case.
        assert!(!m("arn:aws:s3:::b/Reports/*", MatchMode::ResourceArn, "arn:aws:s3:::b/reports/x"));
        assert!(m("arn:aws:s3:::b/Reports/*", MatchMode::ResourceArn, "arn:aws:s3:::b/Reports/x"));
    }

    #[test]
    fn resource_star_spans_slashes() {
        assert!(m("arn:aws:s3:::b/*", MatchMode::ResourceArn, "arn:aws:s3:::b/a/b/c"));
        assert!(m("arn:aws:s3:::b*", MatchMode::ResourceArn, "arn:aws:s3:::b-archive/x"));
        assert!(!m("arn:aws:s3:::b/*", MatchMode::ResourceArn, "arn:aws:s3:::b"));
        assert!(m("arn:aws:s3:::b/*/x.txt", MatchMode::ResourceArn, "arn:aws:s3:::b/a/b/x.txt"));
    }

    #[test]
    fn resource_star_and_colons() {
        // Last character of a segment: may cross colons.
        assert!(m("arn:aws:s3:::b/*", MatchMode::ResourceArn, "arn:aws:s3:::b/a:b"));
        assert!(m("arn:aws:kms:*:111122223333:key/*", MatchMode::ResourceArn, "arn:aws:kms:us-east-1:111122223333:key/k"));
        // Mid-segment star: stays inside its segment.
        assert!(!m("arn:aws:s3:::b/*.txt", MatchMode::ResourceArn, "arn:aws:s3:::b/a:b.txt"));
        assert!(m("arn:aws:s3:::b/*.txt", MatchMode::ResourceArn, "arn:aws:s3:::b/ab.txt"));
        assert!(!m("arn:aws:s3:::b/?", MatchMode::ResourceArn, "arn:aws:s3:::b/:"));
        // Plain mode lets `*` cross colons anywhere.
        assert!(m("a*b", MatchMode::Plain, "a:::b"));
        assert!(!m("a*b", MatchMode::ResourceArn, "a:::b"));
    }

    #[test]
    fn question_mark_is_one_character() {
        assert!(m("a?c", MatchMode::Plain, "abc"));
        assert!(m("a?c", MatchMode::Plain, "aéc"));
        assert!(!m("a?c", MatchMode::Plain, "ac"));
        assert!(!m("a?c", MatchMode::Plain, "abbc"));
    }

    #[test]
    fn backtracking_cases() {
        assert!(m("*a*b*c", MatchMode::Plain, "xxaxxbxxbxxc"));
        assert!(!m("*a*b*c", MatchMode::Plain, "xxaxxbxxbxx"));
        assert!(m("a**b", MatchMode::Plain, "ab"));
        assert!(m("*?", MatchMode::Plain, "x"));
        assert!(!m("*?", MatchMode::Plain, ""));
        let long = "a*".repeat(100);
        assert!(m(&long, MatchMode::Plain, &"a".repeat(100)));
        assert!(!m(&long, MatchMode::Plain, &"a".repeat(99)));
    }

    #[test]
    fn arn_pattern_components() {
        // The CONDOPS example: StringLike matches, ArnLike does not.
        let v = "arn:aws:someservice:us-east-2:999999999999:store/abc:111122223333:finance/document.txt";
        assert!(m("arn:aws:someservice:*:111122223333:finance/*", MatchMode::Plain, v));
        assert!(!ArnPattern::new("arn:aws:someservice:*:111122223333:finance/*").matches(v));
        assert!(ArnPattern::new("arn:aws:iam::*:role/*").matches("arn:aws:iam::111122223333:role/x/y"));
        assert!(ArnPattern::new("arn:aws:iam::111122223333:role/R").matches("arn:aws:iam::111122223333:role/R"));
        assert!(!ArnPattern::new("arn:aws:iam::111122223333:role/R").matches("arn:aws:iam::111122223333:role/r"));
        assert!(ArnPattern::new("arn:aws:logs:*:*:log-group:*").matches("arn:aws:logs:r:1:log-group:g:x"));
        assert!(!ArnPattern::new("arn:aws:iam::1:root").matches("not-an-arn"));
        assert!(ArnPattern::new("*").matches("anything"));
    }
}
