//! The `external-handoff` blueprint: an owner, a bucket with its encryption and logging, and clients.

use crate::diagnostic::{Diagnostic, FieldPath};

use super::{capability_list, common_fields, owner, report_duplicates};
use crate::blueprint::decode::{Decoder, Located};
use crate::blueprint::validate;
use crate::blueprint::yaml::Node;
use crate::blueprint::{Access, AccessLogs, Blueprint, Client, Encryption, ExternalHandoff, HandoffBucket, KmsKeyChoice, Scenario};

/// Decodes an `external-handoff` blueprint.
pub(super) fn decode(decoder: &mut Decoder<'_>, source: &str, node: &Node) -> Option<Blueprint> {
    let fields = decoder.mapping(node, &FieldPath::root(), &["scenario", "name", "owner", "bucket", "clients", "tags"])?;
    let (name, tags) = common_fields(decoder, &fields);
    let owner = decoder.required(&fields, "owner", owner);
    let bucket = decoder.required(&fields, "bucket", handoff_bucket);
    let clients = decoder.required(&fields, "clients", |decoder, node, path| clients(decoder, node, path, &bucket));
    if let (Some(owner), Some(clients)) = (&owner, &clients) {
        for client in clients {
            if client.value.account == owner.account {
                decoder.report(
                    Diagnostic::warning(
                        "client-in-owner-account",
                        client.location.clone(),
                        client.field.field("account"),
                        format!("client `{}` is in the owner's own account {}", client.value.name, owner.account),
                    )
                    .with_help("an external ID guards against confused deputies between accounts; inside one account, grant the principal directly instead"),
                );
            }
        }
    }
    Some(Blueprint {
        source: source.to_owned(),
        name: name?.value,
        scenario: Scenario::ExternalHandoff(ExternalHandoff {
            owner: owner?,
            bucket: bucket?,
            clients: clients?.into_iter().map(|client| client.value).collect(),
        }),
        tags: tags?,
    })
}

fn handoff_bucket(decoder: &mut Decoder<'_>, node: &Node, path: &FieldPath) -> Option<HandoffBucket> {
    let fields = decoder.mapping(node, path, &["name", "encryption", "kms", "versioning", "access_logs"])?;
    let name = decoder.required(&fields, "name", validate::bucket_name);
    let encryption_name = match fields.optional("encryption") {
        Some(node) => decoder.one_of(node, &fields.path("encryption"), &["sse-s3", "sse-kms"]).map(|name| name.value),
        None => Some("sse-s3"),
    };
    let kms = decoder.optional(&fields, "kms", kms_key_choice);
    let versioning = match fields.optional("versioning") {
        Some(node) => decoder.bool(node, &fields.path("versioning")).map(|value| value.value),
        // Versioning is on unless a blueprint turns it off: it is what makes an overwrite or delete recoverable.
        None => Some(true),
    };
    let access_logs = decoder.optional(&fields, "access_logs", access_logs);
    let encryption = match (encryption_name?, fields.optional("kms")) {
        ("sse-s3", None) => Some(Encryption::SseS3),
        ("sse-s3", Some(kms_node)) => {
            decoder.report(
                Diagnostic::error(
                    "kms-without-sse-kms",
                    kms_node.location.clone(),
                    fields.path("kms"),
                    "`kms` is set but `encryption` is `sse-s3`",
                )
                .with_help("set `encryption: sse-kms` to encrypt with this key, or remove `kms`"),
            );
            None
        }
        ("sse-kms", None) => {
            decoder.report(
                Diagnostic::error(
                    "sse-kms-without-key",
                    fields.location().clone(),
                    fields.path("kms"),
                    "`encryption: sse-kms` needs a `kms` key",
                )
                .with_help("add `kms: { alias: <name> }` to create a key, or `kms: { key_arn: <arn> }` to use an existing one"),
            );
            None
        }
        (_, Some(_)) => kms.map(Encryption::SseKms),
        (other, None) => panic!("internal error: encryption `{other}` has no decoding; please report this"),
    };
    if fields.optional("access_logs").is_some() && access_logs.is_none() {
        return None;
    }
    Some(HandoffBucket { name: name?.value, encryption: encryption?, versioning: versioning?, access_logs })
}

fn kms_key_choice(decoder: &mut Decoder<'_>, node: &Node, path: &FieldPath) -> Option<KmsKeyChoice> {
    let fields = decoder.mapping(node, path, &["alias", "key_arn"])?;
    match (fields.optional("alias"), fields.optional("key_arn")) {
        (Some(_), Some(_)) | (None, None) => {
            decoder.report(
                Diagnostic::error(
                    "kms-alias-or-key-arn",
                    fields.location().clone(),
                    path.clone(),
                    "`kms` needs exactly one of `alias` and `key_arn`",
                )
                .with_help("`alias` creates a new key with that alias; `key_arn` uses an existing key"),
            );
            None
        }
        (Some(_), None) => decoder.required(&fields, "alias", validate::kms_alias).map(|alias| KmsKeyChoice::Create { alias: alias.value }),
        (None, Some(_)) => {
            decoder.required(&fields, "key_arn", validate::kms_key_arn).map(|arn| KmsKeyChoice::Existing { key_arn: arn.value })
        }
    }
}

fn access_logs(decoder: &mut Decoder<'_>, node: &Node, path: &FieldPath) -> Option<AccessLogs> {
    let fields = decoder.mapping(node, path, &["bucket", "prefix", "create"])?;
    let bucket = decoder.required(&fields, "bucket", validate::bucket_name);
    let prefix = decoder.required(&fields, "prefix", validate::key_prefix);
    let create = match fields.optional("create") {
        Some(node) => decoder.bool(node, &fields.path("create")).map(|value| value.value),
        None => Some(false),
    };
    Some(AccessLogs { bucket: bucket?.value, prefix: prefix?.value, create: create? })
}

fn clients(decoder: &mut Decoder<'_>, node: &Node, path: &FieldPath, bucket: &Option<HandoffBucket>) -> Option<Vec<Located<Client>>> {
    let items = decoder.sequence(node, path)?;
    if items.is_empty() {
        decoder.report(
            Diagnostic::error("empty-clients", node.location.clone(), path.clone(), "`clients` is empty")
                .with_help("list at least one external party, with its name, account, external_id and capabilities"),
        );
        return None;
    }
    let uses_kms = bucket.as_ref().map(|bucket| matches!(bucket.encryption, Encryption::SseKms(_)));
    let mut clients = Vec::new();
    let mut names = Vec::new();
    let mut external_ids = Vec::new();
    let mut valid = true;
    // Each client decodes alone, into diagnostics of its own, which are reported in the clients' order.
    let file = decoder.file().to_owned();
    let decode_one = |(item, item_path): &(&Node, FieldPath)| {
        let mut diagnostics = Vec::new();
        let decoded =
            client(&mut Decoder::new(file.as_str(), &mut diagnostics), item, item_path, uses_kms).map(|(client, name, external_id)| {
                let name = name.map(|name| crate::model::resource::identifier_words(&name).join("-"));
                (client, name, external_id, item.location.clone(), item_path.clone())
            });
        (decoded, diagnostics)
    };
    crate::threads::for_each_on_two_threads(&items, decode_one, |(decoded, diagnostics)| {
        diagnostics.into_iter().for_each(|diagnostic| decoder.report(diagnostic));
        match decoded {
            Some((client, name, external_id, location, field)) => {
                clients.push(Located { value: client, location, field });
                names.push(name);
                external_ids.push(external_id);
            }
            None => valid = false,
        }
    });
    valid &= report_duplicates(
        decoder,
        &names,
        "client name",
        "duplicate-client-name",
        "client names must differ in more than case and punctuation: each names a role, a policy and a handoff folder",
    );
    valid &= report_duplicates(
        decoder,
        &external_ids,
        "external ID",
        "duplicate-external-id",
        "give each client its own external ID, so one client's ID cannot assume another's role",
    );
    valid.then_some(clients)
}

/// One client, with its name and external ID as located values for the duplicate checks.
fn client(
    decoder: &mut Decoder<'_>,
    node: &Node,
    path: &FieldPath,
    uses_kms: Option<bool>,
) -> Option<(Client, Located<String>, Located<String>)> {
    let fields = decoder.mapping(node, path, &["name", "account", "external_id", "capabilities", "actions", "prefix"])?;
    let name = decoder.required(&fields, "name", validate::client_name);
    let account = decoder.required(&fields, "account", validate::account_id);
    let external_id = decoder.required(&fields, "external_id", validate::external_id);
    let prefix = decoder.optional(&fields, "prefix", validate::key_prefix);
    let capabilities = decoder.optional(&fields, "capabilities", capability_list);
    let actions = decoder.optional(&fields, "actions", |decoder, node, path| action_list(decoder, node, path, uses_kms));
    let access = match (fields.optional("capabilities"), fields.optional("actions")) {
        (None, None) => {
            decoder.report(
                Diagnostic::error(
                    "missing-field",
                    fields.location().clone(),
                    path.field("capabilities"),
                    format!("missing field `capabilities` in `{path}`"),
                )
                .with_help("list what the client may do, such as `capabilities: [upload, download]`"),
            );
            None
        }
        (Some(_), Some(actions_node)) => {
            decoder.report(
                Diagnostic::warning(
                    "actions-override-capabilities",
                    actions_node.location.clone(),
                    path.field("actions"),
                    "`actions` overrides `capabilities`; the capabilities are ignored",
                )
                .with_help("remove `capabilities` to say what the client gets in one place"),
            );
            actions.map(Access::Actions)
        }
        (Some(_), None) => capabilities.map(Access::Capabilities),
        (None, Some(_)) => actions.map(Access::Actions),
    };
    if fields.optional("prefix").is_some() && prefix.is_none() {
        return None;
    }
    if let (Some(Access::Actions(actions)), Some(prefix), Some(actions_node)) = (&access, &prefix, fields.optional("actions")) {
        for action in actions.iter().filter(|action| !crate::model::capability::confinable(action)) {
            decoder.report(
                Diagnostic::warning(
                    "action-not-confined-to-prefix",
                    actions_node.location.clone(),
                    path.field("actions"),
                    format!(
                        "`{action}` cannot be confined to `{}`: the client can list every in-progress upload in the bucket",
                        prefix.value
                    ),
                )
                .with_help("IAM has no prefix condition for it; remove it unless the client may see other clients' upload key names"),
            );
        }
    }
    let (name, external_id) = (name?, external_id?);
    let client = Client {
        name: name.value.clone(),
        account: account?.value,
        external_id: external_id.value.clone(),
        access: access?,
        prefix: prefix.map(|prefix| prefix.value),
    };
    Some((client, name, external_id))
}

fn action_list(decoder: &mut Decoder<'_>, node: &Node, path: &FieldPath, uses_kms: Option<bool>) -> Option<Vec<String>> {
    let items = decoder.sequence(node, path)?;
    if items.is_empty() {
        decoder.report(
            Diagnostic::error("empty-actions", node.location.clone(), path.clone(), "`actions` is empty")
                .with_help("list IAM actions such as `s3:GetObject`"),
        );
        return None;
    }
    let mut actions: Vec<String> = Vec::new();
    let mut valid = true;
    for (item, item_path) in items {
        let Some(action) = validate::action(decoder, item, &item_path) else {
            valid = false;
            continue;
        };
        if action.value.starts_with("kms:") && uses_kms == Some(false) {
            decoder.report(
                Diagnostic::error(
                    "kms-action-without-sse-kms",
                    action.location.clone(),
                    action.field.clone(),
                    format!("`{}` needs a KMS key, but the bucket uses SSE-S3", action.value),
                )
                .with_help("remove the KMS action, or set `encryption: sse-kms` on the bucket"),
            );
            valid = false;
            continue;
        }
        if crate::aws::actions::lookup(&action.value).is_some_and(|known| known.resource.requires_wildcard_resource()) {
            decoder.report(
                Diagnostic::warning(
                    "account-wide-action",
                    action.location.clone(),
                    action.field.clone(),
                    format!("`{}` applies to the whole account, so it is granted on `*`", action.value),
                )
                .with_help("remove it unless the client really needs it: it reaches beyond this bucket"),
            );
        }
        actions.push(action.value);
    }
    actions.sort();
    actions.dedup();
    if valid && uses_kms == Some(true) {
        report_missing_kms_actions(decoder, node, path, &actions);
    }
    valid.then_some(actions)
}

/// Warns when an explicit action list reads or writes objects of an SSE-KMS bucket without the KMS actions that
/// needs: the policy would be accepted, and every such request would then fail with AccessDenied from KMS.
fn report_missing_kms_actions(decoder: &mut Decoder<'_>, node: &Node, path: &FieldPath, actions: &[String]) {
    let mut needed: Vec<(&'static str, Vec<&str>)> = Vec::new();
    for action in actions {
        for &kms_action in crate::model::capability::kms_actions_for(action) {
            if actions.iter().any(|listed| listed == kms_action) {
                continue;
            }
            match needed.iter_mut().find(|(missing, _)| *missing == kms_action) {
                Some((_, by)) => by.push(action),
                None => needed.push((kms_action, vec![action])),
            }
        }
    }
    for (kms_action, by) in needed {
        let count = by.len();
        let by = by.iter().map(|action| format!("`{action}`")).collect::<Vec<_>>().join(" and ");
        decoder.report(
            Diagnostic::warning(
                "kms-action-missing",
                node.location.clone(),
                path.clone(),
                format!(
                    "{by} on a bucket encrypted with SSE-KMS {} `{kms_action}` on its key as well; without it the request fails with AccessDenied",
                    if count == 1 { "needs" } else { "need" }
                ),
            )
            .with_help(format!("add `{kms_action}` to `actions`; the key policy then lets this client use the key through S3 only")),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::blueprint::yaml;

    /// Clients are decoded on two threads in tests from four clients on: the diagnostics must be what decoding
    /// them one after the other on one decoder reports, in the same order, and the checks across clients must
    /// still see every client.
    #[test]
    fn clients_decoded_on_two_threads_report_what_one_thread_reports() {
        let clients: Vec<String> = (0..12)
            .map(|index| {
                let account = if index == 1 { "12345".to_owned() } else { format!("2000000000{index:02}") };
                let name = if index == 10 { "Client2".to_owned() } else { format!("Client{index}") };
                let access = match index {
                    5 => "capabilities: [upload], actions: [s3:GetObject]",
                    8 => "capabilities: [teleport]",
                    _ => "capabilities: [download]",
                };
                format!("  - {{ name: {name}, account: \"{account}\", external_id: client-{index}-external-id, {access} }}\n")
            })
            .collect();
        let text = format!(
            "scenario: external-handoff\nname: threads\nowner: {{ account: \"111122223333\", region: eu-west-1 }}\nbucket: {{ name: threads-bucket }}\nclients:\n{}",
            clients.concat()
        );
        let node = yaml::parse("threads.yaml", &text).expect("the YAML parses");
        let mut threaded = Vec::new();
        assert!(crate::blueprint::schema::decode("threads.yaml", &node, &mut threaded).is_none(), "the mistakes are errors");

        let mut one_thread = Vec::new();
        let mut decoder = Decoder::new("threads.yaml", &mut one_thread);
        let fields = decoder.mapping(&node, &FieldPath::root(), &["scenario", "name", "owner", "bucket", "clients"]).expect("a mapping");
        let items = decoder.sequence(fields.optional("clients").expect("clients"), &FieldPath::root().field("clients")).expect("a list");
        for (item, path) in &items {
            client(&mut decoder, item, path, Some(false));
        }

        let codes = |diagnostics: &[Diagnostic]| -> Vec<(&'static str, String)> {
            diagnostics.iter().map(|diagnostic| (diagnostic.code, diagnostic.field.to_string())).collect()
        };
        let (per_client, across): (Vec<_>, Vec<_>) = codes(&threaded).into_iter().partition(|(code, _)| *code != "duplicate-client-name");
        assert_eq!(per_client, codes(&one_thread));
        assert!(per_client.iter().any(|(_, field)| field.starts_with("clients[1]")), "{per_client:?}");
        assert!(per_client.iter().any(|(_, field)| field.starts_with("clients[8]")), "{per_client:?}");
        assert_eq!(across, [("duplicate-client-name", "clients[10].name".to_owned())]);
    }
}
