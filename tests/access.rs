//! Proofs about access, from the model's declared access paths and the generated policies, decided by the
//! evaluator: every example grants exactly what its blueprint declares, and every deny path is denied.
//!
//! Each proof is a function over one deployment, so the property tests (`properties.rs`) run the same checks
//! on generated blueprints; the tests here run them on every example.

use std::collections::BTreeMap;

use bucketbridge::aws::actions::{self, KmsResource, ResourceType, S3Resource};
use bucketbridge::eval::{self, Outcome, Request};
use bucketbridge::explain::{self, Columns};
use bucketbridge::model::resource::Resource;
use bucketbridge::model::{AccessPath, Deployment};

use crate::support;

fn deployments() -> Vec<Deployment> {
    support::example_blueprints().iter().map(|path| support::compile_example(path).deployment).collect()
}

fn context(secure: bool, extra: &[(&str, &str)]) -> BTreeMap<String, Vec<String>> {
    let mut context = BTreeMap::new();
    context.insert("aws:SecureTransport".to_owned(), vec![secure.to_string()]);
    context.insert("aws:CurrentTime".to_owned(), vec![explain::EVALUATION_TIME.to_owned()]);
    for (key, value) in extra {
        context.insert((*key).to_owned(), vec![(*value).to_owned()]);
    }
    context
}

fn session(path: &AccessPath) -> String {
    let role = path.role_arn.rsplit('/').next().expect("role ARN has a name");
    let partition = path.role_arn.split(':').nth(1).expect("ARN has a partition");
    format!("arn:{partition}:sts::{}:assumed-role/{role}/proof", path.bucket_owner)
}

fn decide(
    world: &eval::World,
    principal: &str,
    action: &str,
    resource: &str,
    account: Option<&str>,
    context: BTreeMap<String, Vec<String>>,
) -> Outcome {
    let request = Request {
        principal: principal.to_owned(),
        action: action.to_owned(),
        resource: resource.to_owned(),
        resource_account: account.map(str::to_owned),
        context,
    };
    eval::evaluate(world, &request).unwrap_or_else(|error| panic!("{principal} {action} {resource}: {error}")).outcome
}

/// Over every S3 and KMS action AWS defines, on the bucket, on objects inside and outside the path's prefix, on
/// another bucket and on the key with and without S3 in between, the role is allowed exactly its declared
/// actions and nothing else.
#[test]
fn every_path_is_granted_exactly_its_declared_actions() {
    let checked: usize = deployments().iter().map(assert_every_path_is_granted_exactly_its_declared_actions).sum();
    assert!(checked > 900, "only {checked} requests checked");
}

/// Asserts that every path of `deployment` is granted exactly its declared actions; returns the number of
/// requests checked.
pub fn assert_every_path_is_granted_exactly_its_declared_actions(deployment: &Deployment) -> usize {
    let mut checked = 0;
    let (world, _) = explain::world(deployment).expect("world builds");
    for path in &deployment.access_paths {
        let principal = session(path);
        let partition = path.role_arn.split(':').nth(1).expect("partition");
        let bucket = format!("arn:{partition}:s3:::{}", path.bucket);
        let prefix = path.prefix.clone().unwrap_or_default();
        let inside = format!("{bucket}/{prefix}report.csv");
        let other_bucket = format!("arn:{partition}:s3:::bucketbridge-some-other-bucket");
        // A role for every bucket of its account is meant to reach any other bucket too.
        let every_bucket = path.bucket == bucketbridge::model::scenario::access::ANY_BUCKET;
        let owner = Some(path.bucket_owner.as_str());
        for action in actions::all() {
            let name = action.name;
            let mut cases: Vec<(String, BTreeMap<String, Vec<String>>, bool)> = Vec::new();
            match action.resource {
                ResourceType::S3(S3Resource::Bucket) => {
                    let expected = path.grant.bucket.contains(name);
                    let listing = if name == "s3:ListBucket" { vec![("s3:prefix", prefix.as_str())] } else { Vec::new() };
                    cases.push((bucket.clone(), context(true, &listing), expected));
                    cases.push((other_bucket.clone(), context(true, &listing), expected && every_bucket));
                    if name == "s3:ListBucket" && !prefix.is_empty() {
                        cases.push((bucket.clone(), context(true, &[("s3:prefix", "elsewhere/")]), false));
                        cases.push((bucket.clone(), context(true, &[]), false));
                    }
                }
                ResourceType::S3(S3Resource::Object) => {
                    cases.push((inside.clone(), context(true, &[]), path.grant.object.contains(name)));
                    cases.push((
                        format!("{other_bucket}/{prefix}report.csv"),
                        context(true, &[]),
                        path.grant.object.contains(name) && every_bucket,
                    ));
                    if !prefix.is_empty() {
                        cases.push((format!("{bucket}/elsewhere/report.csv"), context(true, &[]), false));
                        cases.push((format!("{bucket}/{}report.csv", prefix.trim_end_matches('/')), context(true, &[]), false));
                    }
                }
                ResourceType::Kms(KmsResource::Key) => {
                    let Some(key) = &path.kms_key_arn else { continue };
                    let via_s3 = format!("s3.{}.amazonaws.com", path.region);
                    cases.push((key.clone(), context(true, &[("kms:ViaService", via_s3.as_str())]), path.grant.kms.contains(name)));
                    cases.push((key.clone(), context(true, &[]), false));
                }
                _ => continue,
            }
            for (resource, context, expected) in cases {
                let account = if name.starts_with("s3:") { owner } else { None };
                let outcome = decide(&world, &principal, name, &resource, account, context.clone());
                assert_eq!(
                    outcome == Outcome::Allow,
                    expected,
                    "{}: {} {name} on {resource} with {context:?} was {outcome}",
                    deployment.name,
                    path.name
                );
                checked += 1;
            }
        }
    }
    checked
}

/// Regression: the foreign-encryption deny once used StringNotEqualsIfExists, which under a Deny also matches
/// uploads that send no encryption header and so refused every ordinary upload. Plain uploads must pass, uploads
/// naming another encryption must not.
#[test]
fn uploads_relying_on_default_encryption_pass_and_foreign_encryption_is_denied() {
    deployments().iter().for_each(assert_uploads_relying_on_default_encryption_pass_and_foreign_encryption_is_denied);
}

/// Asserts that in `deployment` plain uploads pass and uploads naming another encryption are denied.
pub fn assert_uploads_relying_on_default_encryption_pass_and_foreign_encryption_is_denied(deployment: &Deployment) {
    let (world, _) = explain::world(deployment).expect("world builds");
    // The deny lives in the bucket policy, so it holds for the buckets the deployment creates.
    let created = |bucket: &str| {
        deployment
            .modules
            .iter()
            .flat_map(|module| &module.resources)
            .any(|resource| matches!(resource, Resource::Bucket(created) if created.name == bucket))
    };
    for path in deployment.access_paths.iter().filter(|path| path.grant.object.contains("s3:PutObject") && created(&path.bucket)) {
        let partition = path.role_arn.split(':').nth(1).expect("partition");
        let object = format!("arn:{partition}:s3:::{}/{}upload.bin", path.bucket, path.prefix.clone().unwrap_or_default());
        let owner = Some(path.bucket_owner.as_str());
        let plain = decide(&world, &session(path), "s3:PutObject", &object, owner, context(true, &[]));
        assert_eq!(plain, Outcome::Allow, "{}: {} plain upload", deployment.name, path.name);
        let (key, foreign) = match &path.kms_key_arn {
            Some(_) => ("s3:x-amz-server-side-encryption-aws-kms-key-id", "arn:aws:kms:us-east-1:444455556666:key/theirs"),
            None => ("s3:x-amz-server-side-encryption", "aws:kms"),
        };
        let foreign = decide(&world, &session(path), "s3:PutObject", &object, owner, context(true, &[(key, foreign)]));
        assert_eq!(foreign, Outcome::ExplicitDeny, "{}: {} upload with foreign encryption", deployment.name, path.name);
    }
}

/// In every matrix, intended paths allow exactly the capabilities whose actions were all declared, and every
/// other path allows nothing at all.
#[test]
fn matrix_rows_allow_exactly_what_is_intended() {
    deployments().iter().for_each(assert_matrix_rows_allow_exactly_what_is_intended);
}

/// Asserts that in the capability matrix of `deployment` intended paths allow exactly the fully declared
/// capabilities and every other path allows nothing.
pub fn assert_matrix_rows_allow_exactly_what_is_intended(deployment: &Deployment) {
    let matrix = explain::matrix(deployment, Columns::Capabilities).expect("matrix");
    let uses_kms = deployment.access_paths.iter().any(|path| path.kms_key_arn.is_some());
    for row in &matrix.rows {
        let Some(index) = row.access_path else { continue };
        let declared = deployment.access_paths[index].grant.all();
        {
            for (column, cell) in matrix.columns.iter().zip(&row.cells) {
                let capability = bucketbridge::model::capability::Capability::from_name(column).expect("capability column");
                let confined = deployment.access_paths[index].prefix.is_some();
                let needed: Vec<&str> = capability
                    .s3_actions()
                    .iter()
                    .chain(if uses_kms { capability.kms_actions() } else { &[] })
                    .copied()
                    .filter(|action| !confined || bucketbridge::model::capability::confinable(action))
                    .collect();
                let fully_declared = needed.iter().all(|action| declared.contains(action));
                let expect_allow = row.intended && fully_declared;
                assert_eq!(
                    cell.outcome == Outcome::Allow,
                    expect_allow,
                    "{}: row `{}` column {column}: {}",
                    deployment.name,
                    row.path,
                    cell.text()
                );
                if !row.intended {
                    assert!(
                        !cell.partial,
                        "{}: row `{}` column {column} lets something through: {}",
                        deployment.name,
                        row.path,
                        cell.text()
                    );
                }
            }
        }
    }
    for row in matrix.rows.iter().filter(|row| row.access_path.is_none()) {
        assert!(!row.intended);
        assert!(
            row.cells.iter().all(|cell| cell.outcome != Outcome::Allow && !cell.partial),
            "{}: `{}` gets in",
            deployment.name,
            row.path
        );
    }
}

#[test]
fn plain_http_is_refused_on_the_bucket_and_on_objects() {
    deployments().iter().for_each(assert_plain_http_is_refused_on_the_bucket);
}

/// Asserts that every bucket-level action a path is granted is explicitly denied over plain HTTP.
pub fn assert_plain_http_is_refused_on_the_bucket(deployment: &Deployment) {
    let (world, _) = explain::world(deployment).expect("world builds");
    for path in &deployment.access_paths {
        let partition = path.role_arn.split(':').nth(1).expect("partition");
        let bucket = format!("arn:{partition}:s3:::{}", path.bucket);
        let owner = Some(path.bucket_owner.as_str());
        for action in path.grant.bucket.iter() {
            let listing: &[(&str, &str)] = if action == "s3:ListBucket" { &[("s3:prefix", "")] } else { &[] };
            assert_eq!(
                decide(&world, &session(path), action, &bucket, owner, context(false, listing)),
                Outcome::ExplicitDeny,
                "{action} over HTTP"
            );
        }
    }
}

/// Every proof of this file over one deployment: exact grants, default-encryption uploads, the matrix rows, and
/// plain HTTP.
pub fn assert_least_privilege(deployment: &Deployment) {
    assert_every_path_is_granted_exactly_its_declared_actions(deployment);
    assert_uploads_relying_on_default_encryption_pass_and_foreign_encryption_is_denied(deployment);
    assert_matrix_rows_allow_exactly_what_is_intended(deployment);
    assert_plain_http_is_refused_on_the_bucket(deployment);
}
