//! The `ec2-docroot` blueprint: the owner, a bucket (existing, created, or every bucket), the capabilities, the
//! role and policy names, an optional trust window and the transfer user.

use crate::diagnostic::{Diagnostic, FieldPath};

use super::{bool_or, capability_list, common_fields, name_or, owner};
use crate::blueprint::decode::{Decoder, Located};
use crate::blueprint::validate;
use crate::blueprint::yaml::Node;
use crate::blueprint::{Blueprint, DocrootBucket, Ec2Docroot, Scenario, TrustWindow};

/// The seed's role name (seed 000, step 7), used when the blueprint gives none.
const DEFAULT_ROLE_NAME: &str = "s3_access";

/// The seed's policy name (seed 000, step 4), used when the blueprint gives none.
const DEFAULT_POLICY_NAME: &str = "s3_node_access";

/// Characters that would break the seed's `asconfigurator -x "set_user_data;...;absolute,<docroot>"` command:
/// its own separators, and what a double-quoted shell word expands.
const DOCROOT_COMMAND_CHARACTERS: &[char] = &[',', ';', '"', '$', '`', '\\', '!'];

/// Decodes an `ec2-docroot` blueprint.
pub(super) fn decode(decoder: &mut Decoder<'_>, source: &str, node: &Node) -> Option<Blueprint> {
    let fields = decoder.mapping(
        node,
        &FieldPath::root(),
        &["scenario", "name", "owner", "bucket", "prefix", "capabilities", "role_name", "policy_name", "trust", "transfer_user", "tags"],
    )?;
    let (name, tags) = common_fields(decoder, &fields);
    let owner = decoder.required(&fields, "owner", owner);
    let bucket = decoder.required(&fields, "bucket", bucket);
    let prefix = decoder.optional(&fields, "prefix", docroot_prefix);
    let capabilities = decoder.required(&fields, "capabilities", capability_list);
    let role_name = name_or(decoder, &fields, "role_name", validate::role_name, DEFAULT_ROLE_NAME);
    let policy_name = name_or(decoder, &fields, "policy_name", validate::policy_name, DEFAULT_POLICY_NAME);
    let trust = decoder.optional(&fields, "trust", trust_window);
    let transfer_user = decoder.optional(&fields, "transfer_user", validate::transfer_user);
    let all_read = [fields.optional("prefix").is_none() || prefix.is_some(), fields.optional("trust").is_none() || trust.is_some()];
    if all_read.contains(&false) || (fields.optional("transfer_user").is_some() && transfer_user.is_none()) {
        return None;
    }
    Some(Blueprint {
        source: source.to_owned(),
        name: name?.value,
        scenario: Scenario::Ec2Docroot(Ec2Docroot {
            owner: owner?,
            bucket: bucket?,
            prefix: prefix.map(|prefix| prefix.value),
            capabilities: capabilities?,
            role_name: role_name?,
            policy_name: policy_name?,
            trust,
            transfer_user: transfer_user.map(|user| user.value),
        }),
        tags: tags?,
    })
}

/// `bucket: { name, create }`: an existing bucket by default, a hardened new one with `create: true`, and every
/// bucket in the account with `name: "*"`, which draws a warning because it reaches beyond one bucket.
fn bucket(decoder: &mut Decoder<'_>, node: &Node, path: &FieldPath) -> Option<DocrootBucket> {
    let fields = decoder.mapping(node, path, &["name", "create"])?;
    let create = bool_or(decoder, &fields, "create", false);
    let name_node = fields.required("name", decoder)?;
    if name_node.as_scalar().is_some_and(|scalar| scalar.text == "*") {
        let name_path = fields.path("name");
        if create? {
            decoder.report(
                Diagnostic::error(
                    "create-every-bucket",
                    name_node.location.clone(),
                    name_path,
                    "`create: true` needs one bucket name, not `*`",
                )
                .with_help("name the bucket to create, or remove `create` to grant access to every existing bucket"),
            );
            return None;
        }
        decoder.report(
            Diagnostic::warning(
                "every-bucket",
                name_node.location.clone(),
                name_path,
                "`*` grants the role access to every bucket in the account, and `s3:ListAllMyBuckets`",
            )
            .with_help("name the one bucket the docroot points at, unless the transfer server must reach them all"),
        );
        return Some(DocrootBucket::Every);
    }
    let name = validate::bucket_name(decoder, name_node, &fields.path("name"))?.value;
    Some(if create? { DocrootBucket::Create { name } } else { DocrootBucket::Existing { name } })
}

/// A key prefix that can also be written into the docroot command.
fn docroot_prefix(decoder: &mut Decoder<'_>, node: &Node, path: &FieldPath) -> Option<Located<String>> {
    let prefix = validate::key_prefix(decoder, node, path)?;
    if let Some(character) = prefix.value.chars().find(|character| DOCROOT_COMMAND_CHARACTERS.contains(character)) {
        decoder.report(
            Diagnostic::error(
                "prefix-breaks-docroot-command",
                prefix.location.clone(),
                prefix.field.clone(),
                format!("key prefix `{}` has `{character}`, which the docroot command cannot carry", prefix.value),
            )
            .with_help("`asconfigurator` separates its fields with `,` and `;`, and the command quotes the docroot in double quotes; choose a prefix without them"),
        );
        return None;
    }
    Some(prefix)
}

/// `trust: { not_before, not_after }`: both ISO 8601, and the window not empty.
fn trust_window(decoder: &mut Decoder<'_>, node: &Node, path: &FieldPath) -> Option<TrustWindow> {
    let fields = decoder.mapping(node, path, &["not_before", "not_after"])?;
    let not_before = decoder.required(&fields, "not_before", validate::date_time);
    let not_after = decoder.required(&fields, "not_after", validate::date_time);
    let (not_before, not_after) = (not_before?, not_after?);
    let instant = |text: &str| crate::aws::dates::parse(text).ok();
    if instant(&not_before.value) >= instant(&not_after.value) {
        decoder.report(
            Diagnostic::error(
                "empty-trust-window",
                not_after.location.clone(),
                not_after.field.clone(),
                format!("`not_after` ({}) is not later than `not_before` ({})", not_after.value, not_before.value),
            )
            .with_help("the role can be assumed only between the two instants; swap them or move `not_after` later"),
        );
        return None;
    }
    Some(TrustWindow { not_before: not_before.value, not_after: not_after.value })
}
