//! Validators for the names and identifiers a blueprint supplies.
//!
//! Each validator is `fn(&str) -> Result<(), NameProblem>` and reports the
//! first problem found, checking in a fixed order (emptiness, characters,
//! length, then structural rules), so the same input always gives the same
//! message. Positions are 0-based *character* offsets into the input as given,
//! so a caller can draw a caret under the offending character.
//!
//! Rules come from: the S3 User Guide's general purpose bucket naming rules
//! (`bucketnamingrules.html`); the IAM quotas page (`reference_iam-quotas.html`)
//! and the IAM API patterns for role, policy, instance profile names and
//! paths; STS `AssumeRole`'s `ExternalId`; KMS `CreateAlias`; and the S3 object
//! key rules plus IAM's ARN wildcard and policy-variable syntax for key
//! prefixes.

use std::fmt;

/// What is wrong with a name. `Display` says what was expected and what was
/// found; [`NameProblem::help`] says how to fix it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NameProblem {
    /// Fewer characters than allowed.
    TooShort {
        /// The minimum number of characters.
        min: usize,
        /// The number found.
        actual: usize,
    },
    /// More characters than allowed.
    TooLong {
        /// The maximum number of characters.
        max: usize,
        /// The number found.
        actual: usize,
    },
    /// More UTF-8 bytes than allowed (S3 key limits count bytes).
    TooManyBytes {
        /// The maximum number of bytes.
        max: usize,
        /// The number found.
        actual: usize,
    },
    /// A character the name may not contain.
    InvalidCharacter {
        /// The character.
        character: char,
        /// Its 0-based character offset.
        position: usize,
        /// What the name may contain, in words.
        expected: &'static str,
    },
    /// An uppercase letter where only lowercase is allowed (bucket names).
    UppercaseLetter {
        /// The letter.
        character: char,
        /// Its 0-based character offset.
        position: usize,
    },
    /// An account ID of the wrong length (non-digits are reported as
    /// [`NameProblem::InvalidCharacter`] first).
    NotTwelveDigits {
        /// How many digits were found.
        found: usize,
    },
    /// A bucket name formatted as an IPv4 address (`192.168.5.4`).
    LooksLikeIpAddress,
    /// A prefix AWS reserves.
    ReservedPrefix {
        /// The reserved prefix.
        prefix: &'static str,
    },
    /// A suffix AWS reserves.
    ReservedSuffix {
        /// The reserved suffix.
        suffix: &'static str,
    },
    /// Two periods next to each other (bucket names).
    AdjacentPeriods {
        /// 0-based character offset of the second period.
        position: usize,
    },
    /// Two slashes next to each other (IAM paths, S3 key prefixes).
    AdjacentSlashes {
        /// 0-based character offset of the second slash.
        position: usize,
    },
    /// The first character is not a letter or digit (bucket names).
    MustStartWithLetterOrDigit {
        /// The first character.
        found: char,
    },
    /// The last character is not a letter or digit (bucket names).
    MustEndWithLetterOrDigit {
        /// The last character.
        found: char,
    },
    /// An IAM path that does not start with `/`.
    MustStartWithSlash {
        /// The first character.
        found: char,
    },
    /// An IAM path that does not end with `/`.
    MustEndWithSlash {
        /// The last character.
        found: char,
    },
    /// An S3 key prefix starting with `/`.
    MustNotStartWithSlash,
    /// `*` or `?` in an S3 key prefix: wildcards in an IAM resource ARN.
    WildcardCharacter {
        /// The wildcard.
        character: char,
        /// Its 0-based character offset.
        position: usize,
    },
    /// `${` in an S3 key prefix: the start of an IAM policy variable.
    PolicyVariable {
        /// 0-based character offset of the `$`.
        position: usize,
    },
    /// A `.` or `..` path segment in an S3 key prefix.
    DotSegment {
        /// 0-based character offset of the segment's first character.
        position: usize,
    },
    /// Nothing after a required prefix (`alias/`).
    EmptyAfterPrefix {
        /// The prefix.
        prefix: &'static str,
    },
}

impl NameProblem {
    /// The 0-based character offset the problem points at, if it has one.
    #[must_use]
    pub const fn position(&self) -> Option<usize> {
        match *self {
            NameProblem::InvalidCharacter { position, .. }
            | NameProblem::UppercaseLetter { position, .. }
            | NameProblem::AdjacentPeriods { position }
            | NameProblem::AdjacentSlashes { position }
            | NameProblem::WildcardCharacter { position, .. }
            | NameProblem::PolicyVariable { position }
            | NameProblem::DotSegment { position } => Some(position),
            _ => None,
        }
    }

    /// How to fix the problem, in a sentence without final period, or `None`
    /// when the message says it all.
    #[must_use]
    pub fn help(&self) -> Option<String> {
        Some(match self {
            NameProblem::TooShort { min, .. } => format!("use at least {min} characters"),
            NameProblem::TooLong { max, actual } => {
                format!("remove {} characters to fit in {max}", actual.saturating_sub(*max))
            }
            NameProblem::TooManyBytes { max, actual } => {
                format!("remove {} bytes to fit in {max}", actual.saturating_sub(*max))
            }
            NameProblem::InvalidCharacter { character, expected, .. } => {
                format!("remove or replace {character:?}: only {expected} are allowed")
            }
            NameProblem::UppercaseLetter { character, .. } => {
                format!("bucket names are all lowercase: write {:?} instead of {character:?}", character.to_ascii_lowercase())
            }
            NameProblem::NotTwelveDigits { found } if *found < 12 => "an account ID has 12 \
                 digits; if it was written as a YAML number its leading zeros were lost, so \
                 quote it: '012345678901'"
                .to_owned(),
            NameProblem::NotTwelveDigits { .. } => "an account ID has exactly 12 digits: check for extra digits".to_owned(),
            NameProblem::LooksLikeIpAddress => "add a letter to the name, for example a prefix like `data-`".to_owned(),
            NameProblem::ReservedPrefix { prefix } => {
                format!("choose a name that does not start with `{prefix}`: {}", why_reserved(prefix))
            }
            NameProblem::ReservedSuffix { suffix } => {
                format!("choose a name that does not end with `{suffix}`: {}", why_reserved(suffix))
            }
            NameProblem::AdjacentPeriods { .. } => "remove one of the two periods".to_owned(),
            NameProblem::AdjacentSlashes { .. } => "remove one of the two slashes".to_owned(),
            NameProblem::MustStartWithLetterOrDigit { found } => {
                format!("remove the leading {found:?} or start with a letter or digit")
            }
            NameProblem::MustEndWithLetterOrDigit { found } => {
                format!("remove the trailing {found:?} or end with a letter or digit")
            }
            NameProblem::MustStartWithSlash { .. } => "add `/` at the start, for example `/bucketbridge/`".to_owned(),
            NameProblem::MustEndWithSlash { .. } => "add `/` at the end".to_owned(),
            NameProblem::MustNotStartWithSlash => "remove the leading `/`: S3 keys are written without one (`reports/`, not \
                 `/reports/`)"
                .to_owned(),
            NameProblem::WildcardCharacter { character, .. } => format!(
                "{character:?} is a wildcard in an IAM resource ARN and would widen the grant: \
                 name the prefix literally"
            ),
            NameProblem::PolicyVariable { .. } => "`${` starts an IAM policy variable such as `${aws:username}`: remove it".to_owned(),
            NameProblem::DotSegment { .. } => "remove the `.` or `..` segment: some clients rewrite them, so the keys written \
                 would not match the prefix granted"
                .to_owned(),
            NameProblem::EmptyAfterPrefix { prefix } => format!("add a name after `{prefix}`"),
        })
    }
}

/// Why AWS reserves a prefix or suffix, for [`NameProblem::help`].
fn why_reserved(affix: &str) -> &'static str {
    match affix {
        "xn--" => "it marks internationalised (punycode) domain names",
        "sthree-" => "Amazon S3 reserves it",
        "amzn-s3-demo-" => "it is reserved for AWS documentation examples",
        "-s3alias" => "it is reserved for access point aliases",
        "--ol-s3" => "it is reserved for Object Lambda access point aliases",
        ".mrap" => "it is reserved for Multi-Region Access Points",
        "--x-s3" => "it is reserved for directory buckets, which bucketbridge does not manage",
        "--table-s3" => "it is reserved for S3 table buckets",
        "alias/aws/" | "aws/" => "it is reserved for AWS managed keys",
        _ => "AWS reserves it",
    }
}

impl fmt::Display for NameProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            NameProblem::TooShort { min, actual } => {
                write!(f, "expected at least {min} characters, found {actual}")
            }
            NameProblem::TooLong { max, actual } => {
                write!(f, "expected at most {max} characters, found {actual}")
            }
            NameProblem::TooManyBytes { max, actual } => {
                write!(f, "expected at most {max} bytes of UTF-8, found {actual}")
            }
            NameProblem::InvalidCharacter { character, position, expected } => {
                write!(f, "expected {expected}, found {character:?} at offset {position}")
            }
            NameProblem::UppercaseLetter { character, position } => {
                write!(f, "expected lowercase letters, found uppercase {character:?} at offset {position}")
            }
            NameProblem::NotTwelveDigits { found } => {
                write!(f, "expected an account ID of exactly 12 digits, found {found}")
            }
            NameProblem::LooksLikeIpAddress => {
                write!(f, "expected a bucket name, found one formatted as an IP address")
            }
            NameProblem::ReservedPrefix { prefix } => {
                write!(f, "expected an unreserved name, found the reserved prefix `{prefix}`")
            }
            NameProblem::ReservedSuffix { suffix } => {
                write!(f, "expected an unreserved name, found the reserved suffix `{suffix}`")
            }
            NameProblem::AdjacentPeriods { position } => {
                write!(f, "expected single periods between labels, found two adjacent periods at offset {position}")
            }
            NameProblem::AdjacentSlashes { position } => {
                write!(f, "expected single slashes between segments, found two adjacent slashes at offset {position}")
            }
            NameProblem::MustStartWithLetterOrDigit { found } => {
                write!(f, "expected a letter or digit first, found {found:?}")
            }
            NameProblem::MustEndWithLetterOrDigit { found } => {
                write!(f, "expected a letter or digit last, found {found:?}")
            }
            NameProblem::MustStartWithSlash { found } => {
                write!(f, "expected a path starting with '/', found {found:?} first")
            }
            NameProblem::MustEndWithSlash { found } => {
                write!(f, "expected a path ending with '/', found {found:?} last")
            }
            NameProblem::MustNotStartWithSlash => {
                write!(f, "expected a key prefix without a leading '/', found one")
            }
            NameProblem::WildcardCharacter { character, position } => {
                write!(f, "expected a literal key prefix, found the ARN wildcard {character:?} at offset {position}")
            }
            NameProblem::PolicyVariable { position } => {
                write!(f, "expected a literal key prefix, found a policy variable `${{` at offset {position}")
            }
            NameProblem::DotSegment { position } => {
                write!(f, "expected named path segments, found a `.` or `..` segment at offset {position}")
            }
            NameProblem::EmptyAfterPrefix { prefix } => {
                write!(f, "expected a name after `{prefix}`, found nothing")
            }
        }
    }
}

impl std::error::Error for NameProblem {}

// --- Shared checks -------------------------------------------------------

/// Fails with `TooShort`/`TooLong` unless `min <= chars <= max`.
fn check_length(name: &str, min: usize, max: usize) -> Result<(), NameProblem> {
    let actual = name.chars().count();
    if actual < min {
        Err(NameProblem::TooShort { min, actual })
    } else if actual > max {
        Err(NameProblem::TooLong { max, actual })
    } else {
        Ok(())
    }
}

/// Fails at the first character `allowed` rejects.
fn check_characters(name: &str, allowed: impl Fn(char) -> bool, expected: &'static str) -> Result<(), NameProblem> {
    match name.chars().enumerate().find(|&(_, c)| !allowed(c)) {
        Some((position, character)) => Err(NameProblem::InvalidCharacter { character, position, expected }),
        None => Ok(()),
    }
}

/// Offset (in chars) of the second character of the first `pair` in `name`.
fn find_pair(name: &str, pair: &str) -> Option<usize> {
    name.find(pair).map(|byte| name[..byte].chars().count() + 1)
}

// --- S3 bucket names -----------------------------------------------------

/// Shortest general purpose bucket name.
pub const BUCKET_NAME_MIN_LEN: usize = 3;
/// Longest general purpose bucket name.
pub const BUCKET_NAME_MAX_LEN: usize = 63;

/// Prefixes general purpose bucket names may not start with. `sthree-`
/// also covers the separately listed `sthree-configurator`.
pub const BUCKET_RESERVED_PREFIXES: &[&str] = &["xn--", "sthree-", "amzn-s3-demo-"];

/// Suffixes general purpose bucket names may not end with: access point
/// aliases, Object Lambda access point aliases, Multi-Region Access Points,
/// directory buckets and table buckets.
pub const BUCKET_RESERVED_SUFFIXES: &[&str] = &["-s3alias", "--ol-s3", ".mrap", "--x-s3", "--table-s3"];

/// Checks a general purpose S3 bucket name against S3's naming rules: 3–63
/// characters of lowercase letters, digits, `.` and `-`; first and last a
/// letter or digit; no `..`; not formatted as an IP address; none of the
/// reserved prefixes and suffixes.
///
/// Directory buckets (`--x-s3`) and table buckets (`--table-s3`) have other
/// rules and are rejected by their reserved suffixes.
///
/// # Errors
///
/// The first rule broken, as a [`NameProblem`].
pub fn validate_bucket_name(name: &str) -> Result<(), NameProblem> {
    if name.is_empty() {
        return Err(NameProblem::TooShort { min: BUCKET_NAME_MIN_LEN, actual: 0 });
    }
    for (position, character) in name.chars().enumerate() {
        if character.is_ascii_uppercase() {
            return Err(NameProblem::UppercaseLetter { character, position });
        }
        if !(character.is_ascii_lowercase() || character.is_ascii_digit() || character == '.' || character == '-') {
            return Err(NameProblem::InvalidCharacter { character, position, expected: "lowercase letters, digits, '.' and '-'" });
        }
    }
    check_length(name, BUCKET_NAME_MIN_LEN, BUCKET_NAME_MAX_LEN)?;
    // Only ASCII remains, so bytes are characters from here on.
    let first = char::from(name.as_bytes()[0]);
    if !first.is_ascii_alphanumeric() {
        return Err(NameProblem::MustStartWithLetterOrDigit { found: first });
    }
    let last = char::from(name.as_bytes()[name.len() - 1]);
    if !last.is_ascii_alphanumeric() {
        return Err(NameProblem::MustEndWithLetterOrDigit { found: last });
    }
    if let Some(position) = find_pair(name, "..") {
        return Err(NameProblem::AdjacentPeriods { position });
    }
    if looks_like_ipv4(name) {
        return Err(NameProblem::LooksLikeIpAddress);
    }
    if let Some(prefix) = BUCKET_RESERVED_PREFIXES.iter().find(|p| name.starts_with(*p)) {
        return Err(NameProblem::ReservedPrefix { prefix });
    }
    if let Some(suffix) = BUCKET_RESERVED_SUFFIXES.iter().find(|s| name.ends_with(*s)) {
        return Err(NameProblem::ReservedSuffix { suffix });
    }
    Ok(())
}

/// Whether `name` is four dot-separated groups of 1–3 digits. S3 rejects
/// such names whatever the numbers' values, so `999.999.999.999` counts too.
fn looks_like_ipv4(name: &str) -> bool {
    let groups: Vec<&str> = name.split('.').collect();
    groups.len() == 4 && groups.iter().all(|g| (1..=3).contains(&g.len()) && g.bytes().all(|b| b.is_ascii_digit()))
}

// --- IAM names -----------------------------------------------------------

/// Longest IAM role name.
pub const ROLE_NAME_MAX_LEN: usize = 64;
/// Longest IAM managed policy name.
pub const POLICY_NAME_MAX_LEN: usize = 128;
/// Longest IAM instance profile name.
pub const INSTANCE_PROFILE_NAME_MAX_LEN: usize = 128;
/// Longest IAM path.
pub const IAM_PATH_MAX_LEN: usize = 512;

/// The characters IAM allows in role, policy and instance profile names: the
/// API pattern `[\w+=,.@-]+`, where `\w` is ASCII letters, digits and `_`.
fn is_iam_name_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, '+' | '=' | ',' | '.' | '@' | '_' | '-')
}

const IAM_NAME_CHARS: &str = "letters, digits and '+', '=', ',', '.', '@', '_', '-'";

fn validate_iam_name(name: &str, max: usize) -> Result<(), NameProblem> {
    if name.is_empty() {
        return Err(NameProblem::TooShort { min: 1, actual: 0 });
    }
    check_characters(name, is_iam_name_char, IAM_NAME_CHARS)?;
    check_length(name, 1, max)
}

/// Checks an IAM role name: 1–64 characters from `[\w+=,.@-]`.
///
/// IAM treats role names case-insensitively for uniqueness; that is the
/// caller's concern when it creates several roles.
///
/// # Errors
///
/// The first rule broken, as a [`NameProblem`].
pub fn validate_role_name(name: &str) -> Result<(), NameProblem> {
    validate_iam_name(name, ROLE_NAME_MAX_LEN)
}

/// Checks an IAM customer managed policy name: 1–128 characters from
/// `[\w+=,.@-]`.
///
/// # Errors
///
/// The first rule broken, as a [`NameProblem`].
pub fn validate_managed_policy_name(name: &str) -> Result<(), NameProblem> {
    validate_iam_name(name, POLICY_NAME_MAX_LEN)
}

/// Checks an IAM instance profile name: 1–128 characters from `[\w+=,.@-]`.
///
/// # Errors
///
/// The first rule broken, as a [`NameProblem`].
pub fn validate_instance_profile_name(name: &str) -> Result<(), NameProblem> {
    validate_iam_name(name, INSTANCE_PROFILE_NAME_MAX_LEN)
}

/// Checks an IAM path: 1–512 characters, `/` alone or starting and ending
/// with `/`, with printable ASCII (`!` to `~`) in between.
///
/// Stricter than IAM's pattern in one way: adjacent slashes (`/a//b/`) are
/// rejected, because they make an empty path segment, which is always a typo
/// in a blueprint.
///
/// # Errors
///
/// The first rule broken, as a [`NameProblem`].
pub fn validate_iam_path(path: &str) -> Result<(), NameProblem> {
    if path.is_empty() {
        return Err(NameProblem::TooShort { min: 1, actual: 0 });
    }
    check_characters(path, |c| ('!'..='~').contains(&c), "printable ASCII characters without spaces")?;
    check_length(path, 1, IAM_PATH_MAX_LEN)?;
    let first = char::from(path.as_bytes()[0]);
    if first != '/' {
        return Err(NameProblem::MustStartWithSlash { found: first });
    }
    let last = char::from(path.as_bytes()[path.len() - 1]);
    if last != '/' {
        return Err(NameProblem::MustEndWithSlash { found: last });
    }
    if let Some(position) = find_pair(path, "//") {
        return Err(NameProblem::AdjacentSlashes { position });
    }
    Ok(())
}

// --- STS external ID -----------------------------------------------------

/// Shortest external ID `sts:AssumeRole` accepts.
pub const EXTERNAL_ID_MIN_LEN: usize = 2;
/// Longest external ID `sts:AssumeRole` accepts.
pub const EXTERNAL_ID_MAX_LEN: usize = 1_224;

/// Checks an external ID for `sts:AssumeRole`: 2–1,224 characters matching
/// `[\w+=,.@:\/-]*` (letters, digits, `_`, and `+=,.@:/-`; no white space).
///
/// # Errors
///
/// The first rule broken, as a [`NameProblem`].
pub fn validate_external_id(id: &str) -> Result<(), NameProblem> {
    check_characters(
        id,
        |c| c.is_ascii_alphanumeric() || matches!(c, '_' | '+' | '=' | ',' | '.' | '@' | ':' | '/' | '-'),
        "letters, digits and '_', '+', '=', ',', '.', '@', ':', '/', '-'",
    )?;
    check_length(id, EXTERNAL_ID_MIN_LEN, EXTERNAL_ID_MAX_LEN)
}

// --- KMS aliases ---------------------------------------------------------

/// The prefix every KMS alias name has.
pub const KMS_ALIAS_PREFIX: &str = "alias/";
/// The prefix reserved for AWS managed keys' aliases.
pub const KMS_RESERVED_ALIAS_PREFIX: &str = "alias/aws/";
/// Longest KMS alias, `alias/` included.
pub const KMS_ALIAS_MAX_LEN: usize = 256;

/// Checks a KMS alias, given either in full (`alias/my-key`) or without the
/// `alias/` prefix (`my-key`): letters, digits, `/`, `_` and `-`; at most 256
/// characters once `alias/` is added; not under `alias/aws/`.
///
/// KMS's API pattern also admits `:`, but its documentation lists only
/// these characters, so `:` is rejected. Reported lengths and offsets refer
/// to the input as given.
///
/// # Errors
///
/// The first rule broken, as a [`NameProblem`].
pub fn validate_kms_alias(alias: &str) -> Result<(), NameProblem> {
    let (bare, has_prefix) = match alias.strip_prefix(KMS_ALIAS_PREFIX) {
        Some(rest) => (rest, true),
        None => (alias, false),
    };
    if bare.is_empty() {
        return Err(if has_prefix {
            NameProblem::EmptyAfterPrefix { prefix: KMS_ALIAS_PREFIX }
        } else {
            NameProblem::TooShort { min: 1, actual: 0 }
        });
    }
    check_characters(alias, |c| c.is_ascii_alphanumeric() || matches!(c, '/' | '_' | '-'), "letters, digits and '/', '_', '-'")?;
    let max = if has_prefix { KMS_ALIAS_MAX_LEN } else { KMS_ALIAS_MAX_LEN - KMS_ALIAS_PREFIX.len() };
    check_length(alias, 1, max)?;
    let reserved = &KMS_RESERVED_ALIAS_PREFIX[KMS_ALIAS_PREFIX.len()..];
    if bare.starts_with(reserved) {
        return Err(NameProblem::ReservedPrefix { prefix: if has_prefix { KMS_RESERVED_ALIAS_PREFIX } else { "aws/" } });
    }
    Ok(())
}

/// The full form (`alias/my-key`) of a valid KMS alias given either way.
///
/// # Errors
///
/// What [`validate_kms_alias`] reports.
pub fn normalise_kms_alias(alias: &str) -> Result<String, NameProblem> {
    validate_kms_alias(alias)?;
    Ok(if alias.starts_with(KMS_ALIAS_PREFIX) { alias.to_owned() } else { format!("{KMS_ALIAS_PREFIX}{alias}") })
}

// --- Account IDs ---------------------------------------------------------

/// Number of digits in an AWS account ID.
pub const ACCOUNT_ID_LEN: usize = 12;

/// Checks an AWS account ID: exactly 12 ASCII digits, leading zeros kept.
/// The hyphenated console form is not accepted here; see
/// [`normalise_account_id`].
///
/// # Errors
///
/// [`NameProblem::InvalidCharacter`] for a non-digit, else
/// [`NameProblem::NotTwelveDigits`].
pub fn validate_account_id(id: &str) -> Result<(), NameProblem> {
    check_characters(id, |c| c.is_ascii_digit(), "digits")?;
    if id.len() == ACCOUNT_ID_LEN { Ok(()) } else { Err(NameProblem::NotTwelveDigits { found: id.len() }) }
}

/// The 12-digit form of an account ID written as 12 digits or as the
/// consoles show it, `1234-5678-9012`; surrounding white space is ignored.
/// `None` for anything else.
#[must_use]
pub fn normalise_account_id(id: &str) -> Option<String> {
    let id = id.trim();
    if validate_account_id(id).is_ok() {
        return Some(id.to_owned());
    }
    let groups: Vec<&str> = id.split('-').collect();
    let grouped = groups.len() == 3 && groups.iter().all(|g| g.len() == 4 && g.bytes().all(|b| b.is_ascii_digit()));
    grouped.then(|| groups.concat())
}

// --- S3 key prefixes -----------------------------------------------------

/// Checks an S3 key prefix that will be written into an IAM resource ARN
/// (`arn:aws:s3:::bucket/<prefix>*`) and an `s3:prefix` condition.
///
/// Rules: not empty (leave the prefix out to mean the whole bucket); at most
/// 1,024 bytes of UTF-8 (S3's key limit); no leading `/` (keys have none, so
/// such a grant would match nothing); no `*` or `?` (ARN wildcards, which
/// would widen the grant); no `${` (an IAM policy variable); no control
/// characters; no `//` and no `.` or `..` segments (clients normalise them
/// differently, so writes would miss the granted prefix).
///
/// # Errors
///
/// The first rule broken, as a [`NameProblem`].
pub fn validate_s3_key_prefix(prefix: &str) -> Result<(), NameProblem> {
    if prefix.is_empty() {
        return Err(NameProblem::TooShort { min: 1, actual: 0 });
    }
    let chars: Vec<char> = prefix.chars().collect();
    for (position, &character) in chars.iter().enumerate() {
        if character == '*' || character == '?' {
            return Err(NameProblem::WildcardCharacter { character, position });
        }
        if character == '$' && chars.get(position + 1) == Some(&'{') {
            return Err(NameProblem::PolicyVariable { position });
        }
        if character.is_control() {
            return Err(NameProblem::InvalidCharacter { character, position, expected: "printable characters" });
        }
    }
    if prefix.len() > super::S3_KEY_MAX_BYTES {
        return Err(NameProblem::TooManyBytes { max: super::S3_KEY_MAX_BYTES, actual: prefix.len() });
    }
    if prefix.starts_with('/') {
        return Err(NameProblem::MustNotStartWithSlash);
    }
    if let Some(position) = find_pair(prefix, "//") {
        return Err(NameProblem::AdjacentSlashes { position });
    }
    let mut offset = 0;
    for segment in prefix.split('/') {
        if segment == "." || segment == ".." {
            return Err(NameProblem::DotSegment { position: offset });
        }
        offset += segment.chars().count() + 1;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn err<T: std::fmt::Debug>(r: Result<T, NameProblem>) -> NameProblem {
        r.expect_err("expected a problem")
    }

    // Bucket names: S3 User Guide, general purpose bucket naming rules.

    #[test]
    fn bucket_length_boundaries() {
        assert!(validate_bucket_name("abc").is_ok());
        assert!(validate_bucket_name(&"a".repeat(63)).is_ok());
        assert_eq!(err(validate_bucket_name("ab")), NameProblem::TooShort { min: 3, actual: 2 });
        assert_eq!(err(validate_bucket_name("")), NameProblem::TooShort { min: 3, actual: 0 });
        assert_eq!(err(validate_bucket_name(&"a".repeat(64))), NameProblem::TooLong { max: 63, actual: 64 });
    }

    #[test]
    fn bucket_characters() {
        assert!(validate_bucket_name("my-bucket.logs-2024").is_ok());
        assert_eq!(err(validate_bucket_name("myBucket")), NameProblem::UppercaseLetter { character: 'B', position: 2 });
        let p = err(validate_bucket_name("my_bucket"));
        assert_eq!(p.position(), Some(2));
        assert!(matches!(p, NameProblem::InvalidCharacter { character: '_', .. }));
        assert!(matches!(err(validate_bucket_name("bücket")), NameProblem::InvalidCharacter { character: 'ü', position: 1, .. }));
        assert!(matches!(err(validate_bucket_name("my bucket")), NameProblem::InvalidCharacter { character: ' ', .. }));
    }

    #[test]
    fn bucket_starts_and_ends_with_letter_or_digit() {
        assert!(validate_bucket_name("1bucket9").is_ok());
        assert_eq!(err(validate_bucket_name("-bucket")), NameProblem::MustStartWithLetterOrDigit { found: '-' });
        assert_eq!(err(validate_bucket_name(".bucket")), NameProblem::MustStartWithLetterOrDigit { found: '.' });
        assert_eq!(err(validate_bucket_name("bucket-")), NameProblem::MustEndWithLetterOrDigit { found: '-' });
        assert_eq!(err(validate_bucket_name("bucket.")), NameProblem::MustEndWithLetterOrDigit { found: '.' });
    }

    #[test]
    fn bucket_adjacent_periods() {
        assert!(validate_bucket_name("a.b.c").is_ok());
        assert_eq!(err(validate_bucket_name("my..bucket")), NameProblem::AdjacentPeriods { position: 3 });
    }

    #[test]
    fn bucket_ip_address() {
        assert_eq!(err(validate_bucket_name("192.168.5.4")), NameProblem::LooksLikeIpAddress);
        assert_eq!(err(validate_bucket_name("999.999.999.999")), NameProblem::LooksLikeIpAddress);
        assert!(validate_bucket_name("192.168.5.4a").is_ok());
        assert!(validate_bucket_name("192.168.5").is_ok());
        assert!(validate_bucket_name("1.2.3.4.5").is_ok());
        assert!(validate_bucket_name("1000.1.1.1").is_ok());
    }

    #[test]
    fn bucket_reserved_prefixes() {
        for (name, prefix) in [
            ("xn--bucket", "xn--"),
            ("sthree-bucket", "sthree-"),
            ("sthree-configurator", "sthree-"),
            ("amzn-s3-demo-bucket", "amzn-s3-demo-"),
        ] {
            assert_eq!(err(validate_bucket_name(name)), NameProblem::ReservedPrefix { prefix }, "{name}");
        }
        assert!(validate_bucket_name("xn-bucket").is_ok());
        assert!(validate_bucket_name("sthree").is_ok());
        assert!(validate_bucket_name("amzn-s3-demo").is_ok());
        assert!(validate_bucket_name("my-xn--bucket").is_ok());
    }

    #[test]
    fn bucket_reserved_suffixes() {
        for (name, suffix) in [
            ("bucket-s3alias", "-s3alias"),
            ("bucket--ol-s3", "--ol-s3"),
            ("bucket.mrap", ".mrap"),
            ("bucket--usw2-az1--x-s3", "--x-s3"),
            ("bucket--table-s3", "--table-s3"),
        ] {
            assert_eq!(err(validate_bucket_name(name)), NameProblem::ReservedSuffix { suffix }, "{name}");
        }
        assert!(validate_bucket_name("bucket-s3alias-x").is_ok());
        assert!(validate_bucket_name("bucket-mrap").is_ok());
        assert!(validate_bucket_name("bucket-x-s3").is_ok());
    }

    // IAM names: reference_iam-quotas.html and the IAM API patterns.

    #[test]
    fn role_name_rules() {
        assert!(validate_role_name("a").is_ok());
        assert!(validate_role_name("BucketBridge+Reader=1,a.b@c_d-e").is_ok());
        assert!(validate_role_name(&"r".repeat(64)).is_ok());
        assert_eq!(err(validate_role_name(&"r".repeat(65))), NameProblem::TooLong { max: 64, actual: 65 });
        assert_eq!(err(validate_role_name("")), NameProblem::TooShort { min: 1, actual: 0 });
        for (name, character, position) in [("my role", ' ', 2), ("team/role", '/', 4), ("rôle", 'ô', 1), ("a:b", ':', 1)] {
            let p = err(validate_role_name(name));
            assert!(
                matches!(p, NameProblem::InvalidCharacter { character: c, position: at, .. } if c == character && at == position),
                "{name}: {p:?}"
            );
        }
    }

    #[test]
    fn policy_and_instance_profile_name_rules() {
        assert!(validate_managed_policy_name(&"p".repeat(128)).is_ok());
        assert_eq!(err(validate_managed_policy_name(&"p".repeat(129))), NameProblem::TooLong { max: 128, actual: 129 });
        assert!(validate_managed_policy_name("bucketbridge-read").is_ok());
        assert!(matches!(err(validate_managed_policy_name("read*")), NameProblem::InvalidCharacter { character: '*', position: 4, .. }));
        assert!(validate_instance_profile_name(&"i".repeat(128)).is_ok());
        assert_eq!(err(validate_instance_profile_name(&"i".repeat(129))), NameProblem::TooLong { max: 128, actual: 129 });
        assert!(matches!(err(validate_instance_profile_name("a b")), NameProblem::InvalidCharacter { character: ' ', .. }));
        assert!(validate_instance_profile_name("").is_err());
    }

    #[test]
    fn iam_path_rules() {
        assert!(validate_iam_path("/").is_ok());
        assert!(validate_iam_path("/bucketbridge/").is_ok());
        assert!(validate_iam_path("/a/b-c_d.e!~/").is_ok());
        let longest = format!("/{}/", "a".repeat(510));
        assert!(validate_iam_path(&longest).is_ok());
        let too_long = format!("/{}/", "a".repeat(511));
        assert_eq!(err(validate_iam_path(&too_long)), NameProblem::TooLong { max: 512, actual: 513 });
        assert_eq!(err(validate_iam_path("")), NameProblem::TooShort { min: 1, actual: 0 });
        assert_eq!(err(validate_iam_path("team/")), NameProblem::MustStartWithSlash { found: 't' });
        assert_eq!(err(validate_iam_path("/team")), NameProblem::MustEndWithSlash { found: 'm' });
        assert_eq!(err(validate_iam_path("/a//b/")), NameProblem::AdjacentSlashes { position: 3 });
        assert_eq!(err(validate_iam_path("//")), NameProblem::AdjacentSlashes { position: 1 });
        assert!(matches!(err(validate_iam_path("/a b/")), NameProblem::InvalidCharacter { character: ' ', position: 2, .. }));
        assert!(matches!(err(validate_iam_path("/é/")), NameProblem::InvalidCharacter { character: 'é', position: 1, .. }));
    }

    // External ID: STS AssumeRole API reference.

    #[test]
    fn external_id_rules() {
        assert!(validate_external_id("ab").is_ok());
        assert!(validate_external_id("Tenant_42+=,.@:/-x").is_ok());
        assert!(validate_external_id(&"x".repeat(1224)).is_ok());
        assert_eq!(err(validate_external_id("a")), NameProblem::TooShort { min: 2, actual: 1 });
        assert_eq!(err(validate_external_id("")), NameProblem::TooShort { min: 2, actual: 0 });
        assert_eq!(err(validate_external_id(&"x".repeat(1225))), NameProblem::TooLong { max: 1224, actual: 1225 });
        assert!(matches!(err(validate_external_id("abc def")), NameProblem::InvalidCharacter { character: ' ', position: 3, .. }));
        assert!(matches!(err(validate_external_id("id#1")), NameProblem::InvalidCharacter { character: '#', position: 2, .. }));
    }

    // KMS aliases: KMS CreateAlias.

    #[test]
    fn kms_alias_rules() {
        assert!(validate_kms_alias("alias/bucketbridge").is_ok());
        assert!(validate_kms_alias("bucketbridge").is_ok());
        assert!(validate_kms_alias("alias/team/data_key-1").is_ok());
        assert!(validate_kms_alias(&format!("alias/{}", "k".repeat(250))).is_ok());
        assert!(validate_kms_alias(&"k".repeat(250)).is_ok());
        assert_eq!(err(validate_kms_alias(&format!("alias/{}", "k".repeat(251)))), NameProblem::TooLong { max: 256, actual: 257 });
        assert_eq!(err(validate_kms_alias(&"k".repeat(251))), NameProblem::TooLong { max: 250, actual: 251 });
        assert_eq!(err(validate_kms_alias("alias/")), NameProblem::EmptyAfterPrefix { prefix: "alias/" });
        assert_eq!(err(validate_kms_alias("")), NameProblem::TooShort { min: 1, actual: 0 });
        assert_eq!(err(validate_kms_alias("alias/aws/s3")), NameProblem::ReservedPrefix { prefix: "alias/aws/" });
        assert_eq!(err(validate_kms_alias("aws/s3")), NameProblem::ReservedPrefix { prefix: "aws/" });
        assert!(validate_kms_alias("alias/awsome").is_ok());
        assert!(matches!(err(validate_kms_alias("alias/my key")), NameProblem::InvalidCharacter { character: ' ', position: 8, .. }));
        assert!(matches!(err(validate_kms_alias("alias/a:b")), NameProblem::InvalidCharacter { character: ':', position: 7, .. }));
    }

    #[test]
    fn kms_alias_normalisation() {
        assert_eq!(normalise_kms_alias("data").unwrap(), "alias/data");
        assert_eq!(normalise_kms_alias("alias/data").unwrap(), "alias/data");
        assert!(normalise_kms_alias("alias/aws/s3").is_err());
    }

    // Account IDs.

    #[test]
    fn account_id_rules() {
        assert!(validate_account_id("123456789012").is_ok());
        assert!(validate_account_id("012345678901").is_ok());
        assert_eq!(err(validate_account_id("12345678901")), NameProblem::NotTwelveDigits { found: 11 });
        assert_eq!(err(validate_account_id("1234567890123")), NameProblem::NotTwelveDigits { found: 13 });
        assert_eq!(err(validate_account_id("")), NameProblem::NotTwelveDigits { found: 0 });
        assert!(matches!(err(validate_account_id("1234-5678-9012")), NameProblem::InvalidCharacter { character: '-', position: 4, .. }));
        assert!(matches!(err(validate_account_id("12345678901٣")), NameProblem::InvalidCharacter { position: 11, .. }));
    }

    #[test]
    fn account_id_normalisation() {
        assert_eq!(normalise_account_id("123456789012").as_deref(), Some("123456789012"));
        assert_eq!(normalise_account_id("1234-5678-9012").as_deref(), Some("123456789012"));
        assert_eq!(normalise_account_id(" 0123-4567-8901\n").as_deref(), Some("012345678901"));
        assert_eq!(normalise_account_id("12345-678-9012"), None);
        assert_eq!(normalise_account_id("1234 5678 9012"), None);
        assert_eq!(normalise_account_id("1234-5678-901a"), None);
        assert_eq!(normalise_account_id("12345678901"), None);
        assert_eq!(normalise_account_id(""), None);
    }

    // S3 key prefixes.

    #[test]
    fn s3_key_prefix_rules() {
        assert!(validate_s3_key_prefix("reports/").is_ok());
        assert!(validate_s3_key_prefix("reports/2024/q1").is_ok());
        assert!(validate_s3_key_prefix("données/été/").is_ok());
        assert!(validate_s3_key_prefix("price$/").is_ok());
        assert!(validate_s3_key_prefix("a.b/..c/").is_ok());
        assert!(validate_s3_key_prefix(&"k".repeat(1024)).is_ok());
        assert_eq!(err(validate_s3_key_prefix(&"k".repeat(1025))), NameProblem::TooManyBytes { max: 1024, actual: 1025 });
        assert_eq!(err(validate_s3_key_prefix(&"é".repeat(513))), NameProblem::TooManyBytes { max: 1024, actual: 1026 });
        assert_eq!(err(validate_s3_key_prefix("")), NameProblem::TooShort { min: 1, actual: 0 });
        assert_eq!(err(validate_s3_key_prefix("/reports/")), NameProblem::MustNotStartWithSlash);
        assert_eq!(err(validate_s3_key_prefix("reports/*")), NameProblem::WildcardCharacter { character: '*', position: 8 });
        assert_eq!(err(validate_s3_key_prefix("é?")), NameProblem::WildcardCharacter { character: '?', position: 1 });
        assert_eq!(err(validate_s3_key_prefix("home/${aws:username}/")), NameProblem::PolicyVariable { position: 5 });
        assert_eq!(err(validate_s3_key_prefix("a//b")), NameProblem::AdjacentSlashes { position: 2 });
        assert_eq!(err(validate_s3_key_prefix("a/./b")), NameProblem::DotSegment { position: 2 });
        assert_eq!(err(validate_s3_key_prefix("a/..")), NameProblem::DotSegment { position: 2 });
        assert_eq!(err(validate_s3_key_prefix(".")), NameProblem::DotSegment { position: 0 });
        assert!(matches!(err(validate_s3_key_prefix("a\tb")), NameProblem::InvalidCharacter { character: '\t', position: 1, .. }));
    }

    // Messages.

    #[test]
    fn display_is_lowercase_without_final_period_and_help_is_given() {
        let problems = [
            err(validate_bucket_name("ab")),
            err(validate_bucket_name(&"a".repeat(64))),
            err(validate_bucket_name("Ab3")),
            err(validate_bucket_name("a_b")),
            err(validate_bucket_name("-ab")),
            err(validate_bucket_name("ab-")),
            err(validate_bucket_name("a..b")),
            err(validate_bucket_name("10.0.0.1")),
            err(validate_bucket_name("xn--ab")),
            err(validate_bucket_name("ab-s3alias")),
            err(validate_account_id("123")),
            err(validate_account_id("1234567890123")),
            err(validate_iam_path("a/")),
            err(validate_iam_path("/a")),
            err(validate_iam_path("/a//")),
            err(validate_s3_key_prefix("/a")),
            err(validate_s3_key_prefix("a*")),
            err(validate_s3_key_prefix("${a}")),
            err(validate_s3_key_prefix("./a")),
            err(validate_s3_key_prefix(&"k".repeat(1025))),
            err(validate_kms_alias("alias/")),
            err(validate_kms_alias("alias/aws/x")),
        ];
        for p in problems {
            let message = p.to_string();
            let first = message.chars().next().unwrap();
            assert!(first.is_lowercase(), "{message}");
            assert!(!message.ends_with('.'), "{message}");
            assert!(message.starts_with("expected"), "{message}");
            assert!(message.contains("found"), "{message}");
            let help = p.help().expect("help");
            assert!(!help.ends_with('.'), "{help}");
        }
    }

    #[test]
    fn messages_name_the_specifics() {
        assert_eq!(err(validate_bucket_name("myBucket")).to_string(), "expected lowercase letters, found uppercase 'B' at offset 2");
        assert_eq!(err(validate_bucket_name("myBucket")).help().unwrap(), "bucket names are all lowercase: write 'b' instead of 'B'");
        assert_eq!(err(validate_account_id("12345678901")).to_string(), "expected an account ID of exactly 12 digits, found 11");
        let help = err(validate_account_id("12345678901")).help().unwrap();
        assert!(help.contains("YAML"), "{help}");
        assert_eq!(err(validate_bucket_name("logs--x-s3")).to_string(), "expected an unreserved name, found the reserved suffix `--x-s3`");
        let help = err(validate_bucket_name("logs--x-s3")).help().unwrap();
        assert!(help.contains("directory buckets"), "{help}");
        assert_eq!(
            err(validate_s3_key_prefix("home/${aws:username}/")).to_string(),
            "expected a literal key prefix, found a policy variable `${` at offset 5"
        );
        assert_eq!(NameProblem::LooksLikeIpAddress.position(), None);
    }
}
