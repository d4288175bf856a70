//! The `cross-account` blueprint: the cluster manager's account and node role, and the S3 account with its access
//! role, external ID and buckets.

use crate::diagnostic::{Diagnostic, FieldPath};

use super::{capability_list, common_fields, name_or, report_duplicates};
use crate::blueprint::decode::{Decoder, Located};
use crate::blueprint::validate;
use crate::blueprint::yaml::Node;
use crate::blueprint::{AccountBucket, Blueprint, ClusterManager, CrossAccount, S3Account, Scenario};

/// Seed 002's names, used when the blueprint gives none.
const DEFAULT_NODE_ROLE: &str = "atc-node";
const DEFAULT_ASSUME_POLICY_NAME: &str = "atc-s3-assume-role";
const DEFAULT_ACCESS_ROLE_NAME: &str = "atc-s3-access-keys";
const DEFAULT_ACCESS_POLICY_NAME: &str = "atc-s3-policy";

/// The word that turns the external ID off, explicitly.
const NO_EXTERNAL_ID: &str = "none";

/// Decodes a `cross-account` blueprint.
pub(super) fn decode(decoder: &mut Decoder<'_>, source: &str, node: &Node) -> Option<Blueprint> {
    let fields = decoder.mapping(node, &FieldPath::root(), &["scenario", "name", "cluster_manager", "s3_account", "tags"])?;
    let (name, tags) = common_fields(decoder, &fields);
    let cluster_manager = decoder.required(&fields, "cluster_manager", cluster_manager);
    let s3_account = decoder.required(&fields, "s3_account", s3_account);
    let (cluster_manager, s3_account) = (cluster_manager?, s3_account?);
    if cluster_manager.value.account == s3_account.value.account {
        decoder.report(
            Diagnostic::error(
                "same-account",
                s3_account.location.clone(),
                s3_account.field.field("account"),
                format!("the S3 account is the cluster manager's own account {}", cluster_manager.value.account),
            )
            .with_help("this scenario joins two accounts; within one account, attach an S3 policy to the node role directly"),
        );
        return None;
    }
    Some(Blueprint {
        source: source.to_owned(),
        name: name?.value,
        scenario: Scenario::CrossAccount(CrossAccount { cluster_manager: cluster_manager.value, s3_account: s3_account.value }),
        tags: tags?,
    })
}

/// `cluster_manager: { account, node_role, policy_name }`. It has no region: it holds only IAM resources, which
/// are global.
fn cluster_manager(decoder: &mut Decoder<'_>, node: &Node, path: &FieldPath) -> Option<Located<ClusterManager>> {
    let fields = decoder.mapping(node, path, &["account", "node_role", "policy_name"])?;
    let account = decoder.required(&fields, "account", validate::account_id);
    let node_role = name_or(decoder, &fields, "node_role", validate::role_name, DEFAULT_NODE_ROLE);
    let policy_name = name_or(decoder, &fields, "policy_name", validate::policy_name, DEFAULT_ASSUME_POLICY_NAME);
    let value = ClusterManager { account: account?.value, node_role: node_role?, policy_name: policy_name? };
    Some(Located { value, location: node.location.clone(), field: path.clone() })
}

/// `s3_account: { account, region, role_name, policy_name, external_id, buckets }`.
fn s3_account(decoder: &mut Decoder<'_>, node: &Node, path: &FieldPath) -> Option<Located<S3Account>> {
    let fields = decoder.mapping(node, path, &["account", "region", "role_name", "policy_name", "external_id", "buckets"])?;
    let account = decoder.required(&fields, "account", validate::account_id);
    let region = decoder.required(&fields, "region", validate::region);
    let role_name = name_or(decoder, &fields, "role_name", validate::role_name, DEFAULT_ACCESS_ROLE_NAME);
    let policy_name = name_or(decoder, &fields, "policy_name", validate::policy_name, DEFAULT_ACCESS_POLICY_NAME);
    let external_id = external_id(decoder, &fields, path);
    let buckets = decoder.required(&fields, "buckets", buckets);
    let value = S3Account {
        account: account?.value,
        region: region?.value,
        role_name: role_name?,
        policy_name: policy_name?,
        external_id: external_id?,
        buckets: buckets?,
    };
    let located = fields.get("account").map_or_else(|| node.location.clone(), |field| field.value.location.clone());
    Some(Located { value, location: located, field: path.clone() })
}

/// The external ID: required, because seed 002's tip and the IAM guide both recommend it; `none` turns it off
/// explicitly, with a warning, so leaving it out can never be an accident.
fn external_id(decoder: &mut Decoder<'_>, fields: &crate::blueprint::decode::Fields<'_>, path: &FieldPath) -> Option<Option<String>> {
    let Some(node) = fields.optional("external_id") else {
        decoder.report(
            Diagnostic::error(
                "missing-external-id",
                fields.location().clone(),
                path.field("external_id"),
                format!("missing field `external_id` in `{path}`"),
            )
            .with_help(
                "give the string the cluster manager will pass when it assumes the role, or write `external_id: none` to go without one",
            ),
        );
        return None;
    };
    if node.as_scalar().is_some_and(|scalar| scalar.text == NO_EXTERNAL_ID) {
        decoder.report(
            Diagnostic::warning(
                "no-external-id",
                node.location.clone(),
                fields.path("external_id"),
                "`external_id: none`: the access role can be assumed without an external ID",
            )
            .with_help(
                "an external ID keeps another user of the same cluster manager from pointing it at these buckets; seed 002 recommends one",
            ),
        );
        return Some(None);
    }
    validate::external_id(decoder, node, &fields.path("external_id")).map(|id| Some(id.value))
}

/// `buckets`: at least one, each with a unique name.
fn buckets(decoder: &mut Decoder<'_>, node: &Node, path: &FieldPath) -> Option<Vec<AccountBucket>> {
    let items = decoder.sequence(node, path)?;
    if items.is_empty() {
        decoder.report(
            Diagnostic::error("empty-buckets", node.location.clone(), path.clone(), "`buckets` is empty")
                .with_help("list the buckets the cluster manager reaches, each with its name and capabilities"),
        );
        return None;
    }
    let mut buckets = Vec::new();
    let mut names = Vec::new();
    let mut valid = true;
    for (item, item_path) in items {
        let Some(fields) = decoder.mapping(item, &item_path, &["name", "capabilities", "prefix"]) else {
            valid = false;
            continue;
        };
        let name = decoder.required(&fields, "name", validate::bucket_name);
        let capabilities = decoder.required(&fields, "capabilities", capability_list);
        let prefix = decoder.optional(&fields, "prefix", validate::key_prefix);
        let prefix_ok = fields.optional("prefix").is_none() || prefix.is_some();
        match (name, capabilities, prefix_ok) {
            (Some(name), Some(capabilities), true) => {
                buckets.push(AccountBucket { name: name.value.clone(), capabilities, prefix: prefix.map(|prefix| prefix.value) });
                names.push(name);
            }
            _ => valid = false,
        }
    }
    valid &= report_duplicates(decoder, &names, "bucket name", "duplicate-bucket", "list each bucket once, with all its capabilities");
    valid.then_some(buckets)
}
