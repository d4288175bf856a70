//! Field rules: each reader takes a YAML node, reports every rule it breaks as a located diagnostic with a help
//! line, and returns the value only when it is valid.
//!
//! The rules themselves (what AWS accepts) live in [`crate::aws::names`]; this file turns their answers into
//! diagnostics about blueprint fields. Readers have the decoder's reader signature, so schema code can pass
//! them to `Decoder::required` and `Decoder::optional`.

use crate::aws::{self, names::NameProblem};
use crate::diagnostic::{Diagnostic, FieldPath, suggest};
use crate::model::capability::{self, Capability};

use super::decode::{Decoder, Located};
use super::yaml::{Node, ScalarKind, ScalarStyle};

fn report_name_problem(decoder: &mut Decoder<'_>, code: &'static str, what: &str, value: &Located<String>, problem: &NameProblem) {
    let mut diagnostic =
        Diagnostic::error(code, value.location.clone(), value.field.clone(), format!("invalid {what} `{}`: {problem}", value.value));
    if let Some(help) = problem.help() {
        diagnostic = diagnostic.with_help(help);
    }
    decoder.report(diagnostic);
}

/// Reads a string and checks it with `rule`, reporting `code` on failure.
fn checked(
    decoder: &mut Decoder<'_>,
    node: &Node,
    path: &FieldPath,
    code: &'static str,
    what: &str,
    rule: fn(&str) -> Result<(), NameProblem>,
) -> Option<Located<String>> {
    let value = decoder.string(node, path)?;
    match rule(&value.value) {
        Ok(()) => Some(value),
        Err(problem) => {
            report_name_problem(decoder, code, what, &value, &problem);
            None
        }
    }
}

/// An AWS account ID: twelve digits, as a quoted string; the console's `1234-5678-9012` form is normalised.
///
/// An unquoted ID is a YAML number, and YAML drops leading zeros from numbers, so it is refused with a message
/// that says so rather than silently becoming another account.
pub fn account_id(decoder: &mut Decoder<'_>, node: &Node, path: &FieldPath) -> Option<Located<String>> {
    if let Some(scalar) = node.as_scalar() {
        if scalar.style == ScalarStyle::Plain && matches!(scalar.kind(), ScalarKind::Integer | ScalarKind::Float) {
            let leading_zero = scalar.text.starts_with('0') && scalar.text.len() > 1;
            let help = if leading_zero {
                format!("write it as \"{}\"; unquoted, YAML reads a number and drops its leading zero", scalar.text)
            } else {
                format!("write it as \"{}\"; an unquoted ID is a number, and one that starts with 0 loses its zero", scalar.text)
            };
            decoder.report(
                Diagnostic::error(
                    "account-id-not-a-string",
                    node.location.clone(),
                    path.clone(),
                    format!("account ID must be a quoted string, but YAML read `{}` as a number", scalar.text),
                )
                .with_help(help),
            );
            return None;
        }
    }
    let value = decoder.string(node, path)?;
    match aws::names::normalise_account_id(&value.value) {
        Some(account) => Some(value.map(|_| account)),
        None if value.value.contains('-') => {
            let digits = value.value.chars().filter(char::is_ascii_digit).count();
            decoder.report(
                Diagnostic::error(
                    "invalid-account-id",
                    value.location.clone(),
                    value.field.clone(),
                    format!("invalid account ID `{}`: expected 12 digits, found {digits}", value.value),
                )
                .with_help("write it as 12 digits, either `123456789012` or grouped by four as the console shows it, `1234-5678-9012`"),
            );
            None
        }
        None => {
            let problem = aws::names::validate_account_id(&value.value)
                .err()
                .unwrap_or(NameProblem::NotTwelveDigits { found: value.value.chars().filter(char::is_ascii_digit).count() });
            report_name_problem(decoder, "invalid-account-id", "account ID", &value, &problem);
            None
        }
    }
}

/// A region code AWS has, with a suggestion for a near miss.
pub fn region(decoder: &mut Decoder<'_>, node: &Node, path: &FieldPath) -> Option<Located<String>> {
    let value = decoder.string(node, path)?;
    if aws::regions::lookup(&value.value).is_some() {
        return Some(value);
    }
    let codes: Vec<&str> = aws::regions::region_codes().collect();
    let help = match suggest(&value.value, &codes) {
        Some(close) => format!("did you mean `{close}`?"),
        None => "use a region code such as `us-east-1` or `eu-west-1`".to_owned(),
    };
    decoder.report(
        Diagnostic::error("unknown-region", value.location.clone(), value.field.clone(), format!("unknown region `{}`", value.value))
            .with_help(help),
    );
    None
}

/// An S3 bucket name, by S3's naming rules.
pub fn bucket_name(decoder: &mut Decoder<'_>, node: &Node, path: &FieldPath) -> Option<Located<String>> {
    checked(decoder, node, path, "invalid-bucket-name", "bucket name", aws::names::validate_bucket_name)
}

/// An IAM role name.
pub fn role_name(decoder: &mut Decoder<'_>, node: &Node, path: &FieldPath) -> Option<Located<String>> {
    checked(decoder, node, path, "invalid-role-name", "role name", aws::names::validate_role_name)
}

/// An IAM managed policy name.
pub fn policy_name(decoder: &mut Decoder<'_>, node: &Node, path: &FieldPath) -> Option<Located<String>> {
    checked(decoder, node, path, "invalid-policy-name", "policy name", aws::names::validate_managed_policy_name)
}

/// An external ID, by STS's length and character rules.
pub fn external_id(decoder: &mut Decoder<'_>, node: &Node, path: &FieldPath) -> Option<Located<String>> {
    checked(decoder, node, path, "invalid-external-id", "external ID", aws::names::validate_external_id)
}

/// A key prefix that confines access: valid in an ARN, and ending in `/` so that `incoming/` cannot also match
/// `incoming-archive/`.
pub fn key_prefix(decoder: &mut Decoder<'_>, node: &Node, path: &FieldPath) -> Option<Located<String>> {
    let value = checked(decoder, node, path, "invalid-prefix", "key prefix", aws::names::validate_s3_key_prefix)?;
    if !value.value.ends_with('/') {
        decoder.report(
            Diagnostic::error(
                "prefix-without-slash",
                value.location.clone(),
                value.field.clone(),
                format!("key prefix `{}` must end with `/`", value.value),
            )
            .with_help(format!("write `{0}/`: without the slash, `{0}` also matches keys such as `{0}-other/...`", value.value)),
        );
        return None;
    }
    Some(value)
}

/// A KMS alias name, with or without its `alias/` prefix; returned without it.
pub fn kms_alias(decoder: &mut Decoder<'_>, node: &Node, path: &FieldPath) -> Option<Located<String>> {
    let value = decoder.string(node, path)?;
    match aws::names::normalise_kms_alias(&value.value) {
        Ok(normalised) => Some(value.map(|_| normalised.trim_start_matches("alias/").to_owned())),
        Err(problem) => {
            report_name_problem(decoder, "invalid-kms-alias", "KMS alias", &value, &problem);
            None
        }
    }
}

/// The ARN of an existing KMS key: `arn:<partition>:kms:<region>:<account>:key/<key id>`.
pub fn kms_key_arn(decoder: &mut Decoder<'_>, node: &Node, path: &FieldPath) -> Option<Located<String>> {
    let value = decoder.string(node, path)?;
    let parts: Vec<&str> = value.value.splitn(6, ':').collect();
    let well_formed = matches!(parts.as_slice(),
        ["arn", partition, "kms", region, account, resource]
            if aws::regions::Partition::from_id(partition).is_some()
                && aws::regions::lookup(region).is_some()
                && aws::names::validate_account_id(account).is_ok()
                && resource.strip_prefix("key/").is_some_and(|id| !id.is_empty() && id.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')));
    if well_formed {
        return Some(value);
    }
    let help = if value.value.contains(":alias/") {
        "give the key's ARN (`...:key/<key id>`), not an alias ARN: IAM policies that name an alias do not grant use of the key"
    } else {
        "write it as arn:aws:kms:<region>:<account>:key/<key id>, as `aws kms describe-key` prints it"
    };
    decoder.report(
        Diagnostic::error(
            "invalid-kms-key-arn",
            value.location.clone(),
            value.field.clone(),
            format!("`{}` is not a KMS key ARN", value.value),
        )
        .with_help(help),
    );
    None
}

/// A capability name from the capability table.
pub fn capability(decoder: &mut Decoder<'_>, node: &Node, path: &FieldPath) -> Option<Located<Capability>> {
    let value = decoder.string(node, path)?;
    if let Some(capability) = Capability::from_name(&value.value) {
        return Some(value.map(|_| capability));
    }
    let names = capability::names();
    let help = match suggest(&value.value, &names) {
        Some(close) => format!("did you mean `{close}`?"),
        None => format!("capabilities are {}; or list IAM actions under `actions`", names.map(|name| format!("`{name}`")).join(", ")),
    };
    decoder.report(
        Diagnostic::error(
            "unknown-capability",
            value.location.clone(),
            value.field.clone(),
            format!("unknown capability `{}`", value.value),
        )
        .with_help(help),
    );
    None
}

/// An S3 or KMS action that a data-access policy may grant on a bucket, its objects or its key.
///
/// Unknown names get a suggestion (the seed's `s3:ListBucketMultipartUpload` is one letter short of a real
/// action); key administration, wildcards and actions on other resource types are refused, because a data
/// policy must not carry them.
pub fn action(decoder: &mut Decoder<'_>, node: &Node, path: &FieldPath) -> Option<Located<String>> {
    use aws::actions::{KmsResource, ResourceType, S3Resource};
    let value = decoder.string(node, path)?;
    let error = |code: &'static str, message: String, help: String| {
        Diagnostic::error(code, value.location.clone(), value.field.clone(), message).with_help(help)
    };
    if value.value.contains(['*', '?']) {
        decoder.report(error(
            "wildcard-action",
            format!("action `{}` has a wildcard", value.value),
            "list each action by name, so the policy grants exactly what is written".to_owned(),
        ));
        return None;
    }
    let Some(known) = aws::actions::lookup(&value.value) else {
        let names: Vec<&str> = aws::actions::all()
            .filter(|action| matches!(action.service(), aws::actions::Service::S3 | aws::actions::Service::Kms))
            .map(|action| action.name)
            .collect();
        let help = match (value.value.contains(':'), suggest(&value.value, &names)) {
            (_, Some(close)) => format!("did you mean `{close}`?"),
            (false, None) => "actions start with their service prefix, such as `s3:GetObject`".to_owned(),
            (true, None) => "see the Service Authorization Reference for Amazon S3 and AWS KMS".to_owned(),
        };
        decoder.report(error("unknown-action", format!("unknown action `{}`", value.value), help));
        return None;
    };
    let name = known.name.to_owned();
    match known.resource {
        ResourceType::S3(S3Resource::Bucket | S3Resource::Object | S3Resource::AccountWide) => {}
        ResourceType::Kms(KmsResource::Key) if aws::actions::is_kms_cryptographic_operation(&name) => {}
        ResourceType::Kms(_) => {
            decoder.report(error(
                "key-administration-action",
                format!("`{name}` administers the key; a data-access policy must not grant it"),
                "grant only cryptographic operations such as `kms:Decrypt` and `kms:GenerateDataKey`; key administration stays with the owner account".to_owned(),
            ));
            return None;
        }
        _ => {
            decoder.report(error(
                "action-outside-bucket",
                format!("`{name}` does not act on a bucket, its objects or its key"),
                "grant S3 bucket and object actions, and KMS cryptographic operations for an SSE-KMS bucket".to_owned(),
            ));
            return None;
        }
    }
    Some(value.map(|_| name))
}

/// The blueprint's `name`: lowercase letters, digits and hyphens, starting with a letter, at most 63 characters,
/// since it names an output folder, CloudFormation stacks and role session names.
pub fn blueprint_name(decoder: &mut Decoder<'_>, node: &Node, path: &FieldPath) -> Option<Located<String>> {
    let value = decoder.string(node, path)?;
    let text = &value.value;
    let valid = !text.is_empty()
        && text.len() <= 63
        && text.starts_with(|c: char| c.is_ascii_lowercase())
        && !text.ends_with('-')
        && text.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-');
    if valid {
        return Some(value);
    }
    decoder.report(
        Diagnostic::error(
            "invalid-blueprint-name",
            value.location.clone(),
            value.field.clone(),
            format!("invalid blueprint name `{text}`"),
        )
        .with_help("use 1 to 63 lowercase letters, digits and hyphens, starting with a letter, such as `acme-exchange`"),
    );
    None
}

/// A client name: it names the client's role and policy (`<name>-ExtRole`, at most 64 characters) and its
/// handoff folder, so it starts with a letter and holds letters, digits, hyphens and underscores, at most 56.
pub fn client_name(decoder: &mut Decoder<'_>, node: &Node, path: &FieldPath) -> Option<Located<String>> {
    let value = decoder.string(node, path)?;
    let text = &value.value;
    let valid = !text.is_empty()
        && text.chars().count() <= 56
        && text.starts_with(|c: char| c.is_ascii_alphabetic())
        && text.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
    if valid && crate::model::resource::is_reserved_client_name(text) {
        decoder.report(
            Diagnostic::error(
                "reserved-client-name",
                value.location.clone(),
                value.field.clone(),
                format!("client name `{text}` is reserved"),
            )
            .with_help(format!(
                "its policy would be named like the module's own bucket, log bucket or key policy; add a word, such as `{text}-client`"
            )),
        );
        return None;
    }
    if valid {
        return Some(value);
    }
    decoder.report(
        Diagnostic::error("invalid-client-name", value.location.clone(), value.field.clone(), format!("invalid client name `{text}`"))
            .with_help("use 1 to 56 letters, digits, hyphens and underscores, starting with a letter; the role is named `<name>-ExtRole`"),
    );
    None
}

/// A tag key or value, by the limits S3, IAM and KMS share.
pub fn tag(decoder: &mut Decoder<'_>, key: &Located<String>, value: &Located<String>) -> bool {
    let key_ok = !key.value.is_empty() && key.value.chars().count() <= 128 && !key.value.to_ascii_lowercase().starts_with("aws:");
    if !key_ok {
        decoder.report(
            Diagnostic::error("invalid-tag", key.location.clone(), key.field.clone(), format!("invalid tag key `{}`", key.value))
                .with_help("tag keys have 1 to 128 characters and must not start with `aws:`, which AWS reserves"),
        );
    }
    let value_ok = value.value.chars().count() <= 256;
    if !value_ok {
        decoder.report(
            Diagnostic::error(
                "invalid-tag",
                value.location.clone(),
                value.field.clone(),
                "tag value is longer than 256 characters".to_owned(),
            )
            .with_help("shorten the value to at most 256 characters"),
        );
    }
    key_ok && value_ok
}

/// A date-time for a `DateGreaterThan` or `DateLessThan` condition on `aws:CurrentTime`: ISO 8601 with seconds
/// and a time zone, so the window means the same instant wherever it is read.
pub fn date_time(decoder: &mut Decoder<'_>, node: &Node, path: &FieldPath) -> Option<Located<String>> {
    let value = decoder.string(node, path)?;
    match aws::dates::parse(&value.value) {
        Ok(_) => Some(value),
        Err(problem) => {
            decoder.report(
                Diagnostic::error(
                    "invalid-date-time",
                    value.location.clone(),
                    value.field.clone(),
                    format!("invalid date-time `{}`: {problem}", value.value),
                )
                .with_help("write it as `2033-02-18T13:00:00Z` (UTC) or with an offset, such as `2033-02-18T14:00:00+01:00`"),
            );
            None
        }
    }
}

/// The transfer server's user whose docroot the README sets: a Unix user name (letters, digits, `_`, `-`
/// and `.`, starting with a letter or `_`, at most 32 characters), which also keeps the `asconfigurator`
/// command free of its `,` and `;` separators and of shell quoting.
pub fn transfer_user(decoder: &mut Decoder<'_>, node: &Node, path: &FieldPath) -> Option<Located<String>> {
    let value = decoder.string(node, path)?;
    let text = &value.value;
    let valid = !text.is_empty()
        && text.chars().count() <= 32
        && text.starts_with(|c: char| c.is_ascii_alphabetic() || c == '_')
        && text.chars().all(|c| c.is_ascii_alphanumeric() || "_-.".contains(c));
    if valid {
        return Some(value);
    }
    decoder.report(
        Diagnostic::error("invalid-transfer-user", value.location.clone(), value.field.clone(), format!("invalid transfer user `{text}`"))
            .with_help("use the transfer server's user name: 1 to 32 letters, digits, `_`, `-` and `.`, starting with a letter or `_`"),
    );
    None
}

/// The ARN of an IAM role in any account: `arn:<partition>:iam::<account>:role/<path/><name>`.
pub fn role_arn(decoder: &mut Decoder<'_>, node: &Node, path: &FieldPath) -> Option<Located<String>> {
    let value = decoder.string(node, path)?;
    let parts: Vec<&str> = value.value.splitn(6, ':').collect();
    let well_formed = matches!(parts.as_slice(),
    ["arn", partition, "iam", "", account, resource]
        if aws::regions::Partition::from_id(partition).is_some()
            && aws::names::validate_account_id(account).is_ok()
            && resource.strip_prefix("role/").is_some_and(|path_and_name| {
                let (path, name) = path_and_name.rsplit_once('/').map_or(("/", path_and_name), |(path, name)| (path, name));
                aws::names::validate_role_name(name).is_ok() && (path == "/" || aws::names::validate_iam_path(&format!("/{path}/")).is_ok())
            }));
    if well_formed {
        return Some(value);
    }
    decoder.report(
        Diagnostic::error(
            "invalid-role-arn",
            value.location.clone(),
            value.field.clone(),
            format!("`{}` is not an IAM role ARN", value.value),
        )
        .with_help("write it as arn:aws:iam::<account>:role/<name>, as `aws iam get-role` prints it"),
    );
    None
}
