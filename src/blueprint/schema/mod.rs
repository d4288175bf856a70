//! The shape of each scenario's blueprint: which fields exist, which are required, their defaults, and the
//! rules that span several fields (duplicates, combinations).
//!
//! This file dispatches on `scenario` and holds what several scenarios share (name and tags, the owner, the
//! capability list, duplicate checks); each scenario's own fields are in a file named after it.
//! Decoding reads every field even after a mistake, so one run reports every problem in the file.

mod cross_account;
mod ec2_docroot;
mod external_handoff;
mod kms_bucket;

use std::collections::BTreeMap;

use crate::diagnostic::{Diagnostic, FieldPath, Location};
use crate::model::capability::Capability;

use super::decode::{Decoder, Fields, Located};
use super::validate;
use super::yaml::Node;
use super::{Blueprint, Owner, SCENARIOS};

/// Decodes a parsed blueprint, reporting every mistake into `diagnostics`; `None` when any field was unusable.
pub fn decode(source: &str, node: &Node, diagnostics: &mut Vec<Diagnostic>) -> Option<Blueprint> {
    let mut decoder = Decoder::new(source, diagnostics);
    let root = FieldPath::root();
    let names: Vec<&'static str> = SCENARIOS.iter().map(|(name, _)| *name).collect();
    let scenario_node = node.as_mapping().and_then(|entries| {
        entries.iter().find(|(key, _)| key.as_scalar().is_some_and(|scalar| scalar.text == "scenario")).map(|(_, value)| value)
    });
    let Some(scenario_node) = scenario_node else {
        if node.as_mapping().is_none() {
            decoder.wrong_type(node, &root, "a mapping with a `scenario` field");
        } else {
            decoder.report(
                Diagnostic::error(
                    "missing-field",
                    node.location.clone(),
                    root.field("scenario"),
                    "missing field `scenario` at the top level",
                )
                .with_help(format!(
                    "start the blueprint with `scenario:` and one of {}",
                    names.iter().map(|name| format!("`{name}`")).collect::<Vec<_>>().join(", ")
                )),
            );
        }
        return None;
    };
    let scenario = decoder.one_of(scenario_node, &root.field("scenario"), &names)?;
    match scenario.value {
        "external-handoff" => external_handoff::decode(&mut decoder, source, node),
        "ec2-docroot" => ec2_docroot::decode(&mut decoder, source, node),
        "kms-bucket" => kms_bucket::decode(&mut decoder, source, node),
        "cross-account" => cross_account::decode(&mut decoder, source, node),
        other => panic!("internal error: scenario `{other}` is listed but has no decoder; please report this"),
    }
}

/// A blueprint's tags, sorted by key.
type Tags = Vec<(String, String)>;

/// Top-level fields every scenario has besides its own: the name and the tags.
pub(super) fn common_fields(decoder: &mut Decoder<'_>, fields: &Fields<'_>) -> (Option<Located<String>>, Option<Tags>) {
    let name = decoder.required(fields, "name", validate::blueprint_name);
    let tags = match fields.optional("tags") {
        None => Some(Vec::new()),
        Some(node) => decoder.string_map(node, &fields.path("tags")).and_then(|pairs| {
            let mut valid = true;
            let mut tags = Vec::new();
            for (key, value) in &pairs {
                valid &= validate::tag(decoder, key, value);
                tags.push((key.value.clone(), value.value.clone()));
            }
            tags.sort();
            valid.then_some(tags)
        }),
    };
    (name, tags)
}

/// The account and region that own the bucket.
pub(super) fn owner(decoder: &mut Decoder<'_>, node: &Node, path: &FieldPath) -> Option<Owner> {
    let fields = decoder.mapping(node, path, &["account", "region"])?;
    let account = decoder.required(&fields, "account", validate::account_id);
    let region = decoder.required(&fields, "region", validate::region);
    Some(Owner { account: account?.value, region: region?.value })
}

/// Reports every value that repeats an earlier one, at the repeat; returns whether there were none.
pub(super) fn report_duplicates(decoder: &mut Decoder<'_>, values: &[Located<String>], what: &str, code: &'static str, help: &str) -> bool {
    let mut unique = true;
    // The first of each value, by value: searching the earlier values instead would make a 10,000-client
    // blueprint's check take fifty million comparisons.
    let mut firsts: BTreeMap<&str, &Located<String>> = BTreeMap::new();
    for value in values {
        let first = *firsts.entry(value.value.as_str()).or_insert(value);
        if !std::ptr::eq(first, value) {
            decoder.report(
                Diagnostic::error(
                    code,
                    value.location.clone(),
                    value.field.clone(),
                    format!("{what} repeats the one of {} (line {})", first.field, first.location.line),
                )
                .with_help(help),
            );
            unique = false;
        }
    }
    unique
}

pub(super) fn capability_list(decoder: &mut Decoder<'_>, node: &Node, path: &FieldPath) -> Option<Vec<Capability>> {
    let items = decoder.sequence(node, path)?;
    if items.is_empty() {
        decoder.report(
            Diagnostic::error("empty-capabilities", node.location.clone(), path.clone(), "`capabilities` is empty")
                .with_help("list at least one of `upload`, `download`, `browse`, `delete`"),
        );
        return None;
    }
    let mut capabilities: Vec<Capability> = Vec::new();
    let mut valid = true;
    for (item, item_path) in items {
        match validate::capability(decoder, item, &item_path) {
            Some(capability) if capabilities.contains(&capability.value) => {
                decoder.report(
                    Diagnostic::warning(
                        "duplicate-capability",
                        capability.location.clone(),
                        capability.field.clone(),
                        format!("capability `{}` is listed twice", capability.value),
                    )
                    .with_help("remove the second one"),
                );
            }
            Some(capability) => capabilities.push(capability.value),
            None => valid = false,
        }
    }
    valid.then_some(capabilities)
}

/// A location for diagnostics about a whole file, such as a duplicate blueprint name across a folder.
pub fn file_start(source: &str) -> Location {
    Location::file_start(source)
}

/// An optional `true`/`false` field, `default` when absent; `None` when present but not a boolean.
pub(super) fn bool_or(decoder: &mut Decoder<'_>, fields: &Fields<'_>, name: &str, default: bool) -> Option<bool> {
    match fields.optional(name) {
        Some(node) => decoder.bool(node, &fields.path(name)).map(|value| value.value),
        None => Some(default),
    }
}

/// An optional name field read by `read`, `default` when absent; `None` when present but invalid.
pub(super) fn name_or(
    decoder: &mut Decoder<'_>,
    fields: &Fields<'_>,
    name: &str,
    read: fn(&mut Decoder<'_>, &Node, &FieldPath) -> Option<Located<String>>,
    default: &str,
) -> Option<String> {
    match fields.optional(name) {
        Some(node) => read(decoder, node, &fields.path(name)).map(|value| value.value),
        None => Some(default.to_owned()),
    }
}
