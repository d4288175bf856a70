//! Property tests: generated external-handoff blueprints always give exactly the declared access, in the model
//! and in both emitted targets.
//!
//! Each case is a blueprint with 1 to 5 clients (names built from words that also appear in generated
//! identifiers, such as `log`, `bucket` and `this`, so collisions between a client and the module's own resources
//! are tried), random accounts and external IDs, capability subsets or action lists from the capability table,
//! optional prefixes, SSE-S3 or SSE-KMS with a created key, optional access logs, in every partition.
//! It must compile, pass every proof of `access.rs`, and both targets' matrices must equal the model's.
//!
//! The run is deterministic: 48 cases from a fixed seed, which keeps it to seconds in a debug build.
//! `PROPTEST_CASES=1000 cargo test --test main properties` runs more, and `PROPTEST_RNG_SEED=<n>` another
//! sequence. A failure prints the shrunk blueprint; rerunning with the same seed reproduces it.

use bucketbridge::explain::{self, Columns};
use bucketbridge::model::capability::{self, Capability};
use proptest::prelude::*;
use proptest::sample::{select, subsequence};
use proptest::test_runner::{Config, RngSeed};

use crate::access;
use crate::support::targets::{self, Target};

/// The seed of the default run.
const SEED: u64 = 0x6275_636b_6574;

/// The number of cases of the default run.
const CASES: u32 = 48;

/// Accounts the matrix uses for "anyone else on AWS", which a client must not have.
const OUTSIDERS: [&str; 2] = ["999999999999", "888888888888"];

fn config() -> Config {
    // Config::default() reads PROPTEST_CASES and PROPTEST_RNG_SEED; only what they leave unset is fixed here.
    let mut config = Config::default();
    if std::env::var_os("PROPTEST_CASES").is_none() {
        config.cases = CASES;
    }
    if std::env::var_os("PROPTEST_RNG_SEED").is_none() {
        config.rng_seed = RngSeed::Fixed(SEED);
    }
    // The seed is fixed, so a failure reproduces without a regressions file in the source tree.
    config.failure_persistence = None;
    config
}

#[derive(Clone, Debug)]
enum Access {
    Capabilities(Vec<Capability>),
    Actions(Vec<&'static str>),
}

#[derive(Clone, Debug)]
struct Client {
    name: String,
    account: String,
    external_id: String,
    access: Access,
    prefix: Option<String>,
}

#[derive(Clone, Debug)]
struct Logs {
    bucket: String,
    prefix: String,
    create: bool,
}

#[derive(Clone, Debug)]
struct Blueprint {
    account: String,
    region: &'static str,
    bucket: String,
    kms_alias: Option<String>,
    versioning: bool,
    logs: Option<Logs>,
    clients: Vec<Client>,
}

impl Blueprint {
    /// The blueprint as YAML; every string is a JSON string, which YAML reads as a double-quoted scalar.
    fn yaml(&self) -> String {
        let quote = |text: &str| serde_json::to_string(text).expect("strings serialize");
        let mut yaml = String::from("scenario: external-handoff\nname: generated\n");
        yaml.push_str(&format!("owner: {{ account: {}, region: {} }}\n", quote(&self.account), self.region));
        yaml.push_str(&format!("bucket:\n  name: {}\n  versioning: {}\n", quote(&self.bucket), self.versioning));
        match &self.kms_alias {
            Some(alias) => yaml.push_str(&format!("  encryption: sse-kms\n  kms: {{ alias: {} }}\n", quote(alias))),
            None => yaml.push_str("  encryption: sse-s3\n"),
        }
        if let Some(logs) = &self.logs {
            yaml.push_str(&format!(
                "  access_logs: {{ bucket: {}, prefix: {}, create: {} }}\n",
                quote(&logs.bucket),
                quote(&logs.prefix),
                logs.create
            ));
        }
        yaml.push_str("clients:\n");
        for client in &self.clients {
            yaml.push_str(&format!(
                "  - name: {}\n    account: {}\n    external_id: {}\n",
                quote(&client.name),
                quote(&client.account),
                quote(&client.external_id)
            ));
            match &client.access {
                Access::Capabilities(capabilities) => {
                    let names: Vec<&str> = capabilities.iter().map(|capability| capability.name()).collect();
                    yaml.push_str(&format!("    capabilities: [{}]\n", names.join(", ")));
                }
                Access::Actions(actions) => yaml.push_str(&format!("    actions: [{}]\n", actions.join(", "))),
            }
            if let Some(prefix) = &client.prefix {
                yaml.push_str(&format!("    prefix: {}\n", quote(prefix)));
            }
        }
        yaml
    }
}

/// Every action of the capability table, sorted: the S3 ones, and the KMS ones when the bucket has a key.
fn table_actions(kms: bool) -> Vec<&'static str> {
    let mut actions: Vec<&'static str> = capability::ALL.iter().flat_map(|capability| capability.s3_actions().iter().copied()).collect();
    if kms {
        actions.extend(capability::ALL.iter().flat_map(|capability| capability.kms_actions().iter().copied()));
    }
    actions.sort_unstable();
    actions.dedup();
    actions
}

fn account() -> impl Strategy<Value = String> {
    "[0-9]{12}".prop_filter("not an outsider account", |account| !OUTSIDERS.contains(&account.as_str()))
}

/// A client name of one to three words, from words that generated identifiers also use.
fn client_name() -> impl Strategy<Value = String> {
    let word = select(vec!["acme", "log", "bucket", "this", "key", "kms", "policy", "role", "assume", "globex", "x9", "data"]);
    (prop::collection::vec((word, any::<bool>()), 1..=3), select(vec!["-", "_", ""])).prop_map(|(words, separator)| {
        words
            .into_iter()
            .map(|(word, capital)| if capital { word[..1].to_ascii_uppercase() + &word[1..] } else { word.to_owned() })
            .collect::<Vec<_>>()
            .join(separator)
    })
}

fn client(kms: bool) -> impl Strategy<Value = Client> {
    let access = prop_oneof![subsequence(capability::ALL.to_vec(), 1..=capability::ALL.len()).prop_map(Access::Capabilities), {
        let actions = table_actions(kms);
        let count = actions.len();
        subsequence(actions, 1..=count).prop_map(Access::Actions)
    },];
    let prefix = prop::option::of("[a-z0-9]{1,6}/([a-z0-9]{1,6}/)?");
    (client_name(), account(), "[A-Za-z0-9_+=,.@:/-]{2,24}", access, prefix)
        .prop_map(|(name, account, external_id, access, prefix)| Client { name, account, external_id, access, prefix })
}

fn bucket_name() -> impl Strategy<Value = String> {
    "[a-z0-9][a-z0-9-]{1,20}[a-z0-9]"
        .prop_filter("a valid bucket name", |name| bucketbridge::aws::names::validate_bucket_name(name).is_ok())
}

fn blueprint() -> impl Strategy<Value = Blueprint> {
    let region = select(vec!["us-east-1", "eu-west-1", "ap-southeast-2", "cn-north-1", "us-gov-west-1"]);
    let logs = prop::option::of((bucket_name(), "[a-z0-9]{1,8}/", any::<bool>()).prop_map(|(bucket, prefix, create)| Logs {
        bucket,
        prefix,
        create,
    }));
    (account(), region, bucket_name(), prop::option::of("[a-z][a-z0-9-]{0,15}"), any::<bool>(), logs)
        .prop_flat_map(|(account, region, bucket, kms_alias, versioning, logs)| {
            let clients = prop::collection::vec(client(kms_alias.is_some()), 1..=5);
            (Just(Blueprint { account, region, bucket, kms_alias, versioning, logs, clients: Vec::new() }), clients)
        })
        .prop_map(|(blueprint, clients)| Blueprint { clients, ..blueprint })
        .prop_filter("client names validation reserves for the module's own resources", |blueprint| {
            blueprint.clients.iter().all(|client| !bucketbridge::model::resource::is_reserved_client_name(&client.name))
        })
        .prop_filter("distinct client names, external IDs and bucket names", |blueprint| {
            let words: Vec<String> =
                blueprint.clients.iter().map(|client| bucketbridge::model::resource::identifier_words(&client.name).join("-")).collect();
            let ids: Vec<&str> = blueprint.clients.iter().map(|client| client.external_id.as_str()).collect();
            distinct(&words) && distinct(&ids) && blueprint.logs.as_ref().is_none_or(|logs| logs.bucket != blueprint.bucket)
        })
}

fn distinct<T: Ord + Clone>(items: &[T]) -> bool {
    let mut sorted = items.to_vec();
    sorted.sort();
    sorted.windows(2).all(|pair| pair[0] != pair[1])
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn generated_blueprints_grant_exactly_the_declared_access_in_the_model_and_both_targets(blueprint in blueprint()) {
        let yaml = blueprint.yaml();
        let compiled = bucketbridge::compile("blueprints/generated.yaml", &yaml, bucketbridge::emit::Targets::ALL)
            .unwrap_or_else(|diagnostics| panic!("{yaml}\ndoes not compile:\n{}", bucketbridge::diagnostic::render(&diagnostics, &yaml)));
        access::assert_least_privilege(&compiled.deployment);
        for columns in [Columns::Capabilities, Columns::Actions] {
            let model = explain::matrix(&compiled.deployment, columns).expect("model matrix");
            for target in Target::ALL {
                let matrix = targets::matrix(&compiled, target, columns);
                targets::assert_same(&model, &matrix, &format!("{target:?} {columns:?} of\n{yaml}"));
            }
        }
    }
}
