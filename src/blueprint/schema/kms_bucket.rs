//! The `kms-bucket` blueprint: the owner, the bucket, its key (created or existing), the SaaS role with its
//! external ID, the access role's name and the capabilities.

use crate::diagnostic::{Diagnostic, FieldPath};

use super::{bool_or, capability_list, common_fields, owner};
use crate::blueprint::decode::Decoder;
use crate::blueprint::validate;
use crate::blueprint::yaml::Node;
use crate::blueprint::{Blueprint, BucketKeyChoice, KmsBucket, Saas, Scenario};
use crate::model::hardening::DEFAULT_KEY_DELETION_WINDOW_DAYS;

/// Decodes a `kms-bucket` blueprint.
pub(super) fn decode(decoder: &mut Decoder<'_>, source: &str, node: &Node) -> Option<Blueprint> {
    let fields = decoder.mapping(
        node,
        &FieldPath::root(),
        &["scenario", "name", "owner", "bucket", "key", "saas", "role_name", "capabilities", "tags"],
    )?;
    let (name, tags) = common_fields(decoder, &fields);
    let owner = decoder.required(&fields, "owner", owner);
    let bucket = decoder.required(&fields, "bucket", bucket);
    let key = decoder.required(&fields, "key", key);
    let saas = decoder.required(&fields, "saas", saas);
    let role_name = decoder.required(&fields, "role_name", validate::role_name);
    let capabilities = decoder.required(&fields, "capabilities", capability_list);
    let (owner, key) = (owner?, key?);
    if let BucketKeyChoice::Existing { key_arn } = &key.0 {
        // SSE-KMS needs the key in the bucket's own region (S3 guide, "Specifying server-side encryption with
        // AWS KMS"), and an existing key's policy is the owner's to change.
        let parts: Vec<&str> = key_arn.split(':').collect();
        if parts.get(3) != Some(&owner.region.as_str()) || parts.get(4) != Some(&owner.account.as_str()) {
            decoder.report(
                Diagnostic::error(
                    "key-outside-owner-region",
                    key.1.location.clone(),
                    key.1.field.clone(),
                    format!("key `{key_arn}` is not in the owner's account {} and region {}", owner.account, owner.region),
                )
                .with_help("S3 encrypts only with a key in the bucket's region; use a key of the owner's account there, or create one with `alias`"),
            );
            return None;
        }
    }
    let (bucket, versioning) = bucket?;
    Some(Blueprint {
        source: source.to_owned(),
        name: name?.value,
        scenario: Scenario::KmsBucket(KmsBucket {
            owner,
            bucket,
            versioning,
            key: key.0,
            saas: saas?,
            role_name: role_name?.value,
            capabilities: capabilities?,
        }),
        tags: tags?,
    })
}

/// `bucket: { name, versioning }`; versioning is on unless turned off, as for every bucket bucketbridge creates.
fn bucket(decoder: &mut Decoder<'_>, node: &Node, path: &FieldPath) -> Option<(String, bool)> {
    let fields = decoder.mapping(node, path, &["name", "versioning"])?;
    let name = decoder.required(&fields, "name", validate::bucket_name);
    let versioning = bool_or(decoder, &fields, "versioning", true);
    Some((name?.value, versioning?))
}

/// `key: { alias, rotation, deletion_window_days }` creates a key; `key: { arn }` uses an existing one.
/// Returns the choice with the `key` field's location, for the region check.
fn key(decoder: &mut Decoder<'_>, node: &Node, path: &FieldPath) -> Option<(BucketKeyChoice, crate::blueprint::decode::Located<()>)> {
    let fields = decoder.mapping(node, path, &["alias", "rotation", "deletion_window_days", "arn"])?;
    if let Some(arn_node) = fields.optional("arn") {
        if let Some(other) = ["alias", "rotation", "deletion_window_days"].into_iter().find(|name| fields.contains(name)) {
            decoder.report(
                Diagnostic::error(
                    "key-arn-with-settings",
                    arn_node.location.clone(),
                    fields.path("arn"),
                    format!("`key` has both `arn` and `{other}`"),
                )
                .with_help(
                    "`arn` uses an existing key as it is; remove it to create a key with `alias`, `rotation` and `deletion_window_days`",
                ),
            );
            return None;
        }
        let arn = validate::kms_key_arn(decoder, arn_node, &fields.path("arn"))?;
        let located = arn.clone().map(|_| ());
        return Some((BucketKeyChoice::Existing { key_arn: arn.value }, located));
    }
    let alias = decoder.required(&fields, "alias", validate::kms_alias);
    // Rotation is on unless turned off: KMS then makes new key material every year (KMS guide, "Rotating AWS KMS keys").
    let rotation = bool_or(decoder, &fields, "rotation", true);
    let deletion_window_days = match fields.optional("deletion_window_days") {
        Some(node) => decoder.u32(node, &fields.path("deletion_window_days"), crate::aws::KMS_PENDING_WINDOW_DAYS).map(|days| days.value),
        None => Some(DEFAULT_KEY_DELETION_WINDOW_DAYS),
    };
    let alias = alias?;
    let located = alias.clone().map(|_| ());
    Some((BucketKeyChoice::Create { alias: alias.value, rotation: rotation?, deletion_window_days: deletion_window_days? }, located))
}

/// `saas: { role_arn, external_id }`: both required, since the external ID is what keeps another customer of the
/// same SaaS from pointing it at this bucket (IAM guide, "confused deputy problem").
fn saas(decoder: &mut Decoder<'_>, node: &Node, path: &FieldPath) -> Option<Saas> {
    let fields = decoder.mapping(node, path, &["role_arn", "external_id"])?;
    let role_arn = decoder.required(&fields, "role_arn", validate::role_arn);
    let external_id = decoder.required(&fields, "external_id", validate::external_id);
    Some(Saas { role_arn: role_arn?.value, external_id: external_id?.value })
}
