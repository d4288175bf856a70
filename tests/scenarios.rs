//! Scenario facts that golden files show but do not assert: warnings, and what the model must never contain.

use crate::support;

fn warnings(blueprint: &str) -> Vec<String> {
    let compiled = support::compile_example(&support::repo().join("blueprints").join(blueprint));
    compiled.warnings.iter().map(|warning| warning.code.to_owned()).collect()
}

#[test]
fn every_bucket_is_never_silent() {
    assert_eq!(warnings("hsts-all-buckets.yaml"), ["every-bucket"]);
    assert!(warnings("hsts.yaml").is_empty());
}

#[test]
fn no_generated_policy_grants_s3_star_on_star() {
    for path in support::example_blueprints() {
        let compiled = support::compile_example(&path);
        for module in &compiled.deployment.modules {
            let documents = module.resources.iter().flat_map(bucketbridge::model::resource::Resource::policy_documents);
            for document in documents {
                for statement in
                    document.statements.iter().filter(|statement| statement.effect == bucketbridge::model::policy::Effect::Allow)
                {
                    assert!(
                        !statement.actions.iter().any(|action| action.contains('*')),
                        "{}: module {} allows a wildcard action in {}",
                        support::relative(&path),
                        module.name,
                        statement.sid
                    );
                }
            }
        }
    }
}
