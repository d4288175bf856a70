//! Starter blueprints for `bucketbridge init`: one commented template per scenario kind, valid as written.
//!
//! Adding a scenario's starter is one file in `templates/` and one row in [`STARTERS`]. A starter is only
//! offered once its scenario is in [`crate::blueprint::SCENARIOS`], so templates can land before the scenario
//! they start. The templates hold two placeholders, `{{name}}` and `{{external_id}}`; the external ID is the
//! caller's (the CLI draws it at random), so this module stays deterministic.

use crate::blueprint::SCENARIOS;

/// A scenario kind's starter blueprint.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Starter {
    /// The scenario kind, as a blueprint's `scenario:` names it.
    pub scenario: &'static str,
    /// The commented template, with `{{name}}` and `{{external_id}}` placeholders.
    template: &'static str,
}

/// Every starter, known scenario or not, in the order of [`SCENARIOS`] as it will be.
pub const STARTERS: &[Starter] = &[
    Starter { scenario: "external-handoff", template: include_str!("templates/external-handoff.yaml") },
    Starter { scenario: "ec2-docroot", template: include_str!("templates/ec2-docroot.yaml") },
    Starter { scenario: "cross-account", template: include_str!("templates/cross-account.yaml") },
    Starter { scenario: "kms-bucket", template: include_str!("templates/kms-bucket.yaml") },
];

/// The starters offered: those whose scenario this build of bucketbridge knows, in [`SCENARIOS`] order.
pub fn starters() -> Vec<&'static Starter> {
    SCENARIOS.iter().filter_map(|(scenario, _)| STARTERS.iter().find(|starter| starter.scenario == *scenario)).collect()
}

/// The offered starter for `scenario`, if any.
pub fn starter(scenario: &str) -> Option<&'static Starter> {
    starters().into_iter().find(|starter| starter.scenario == scenario)
}

impl Starter {
    /// The starter blueprint named `name`, with `external_id` wherever the scenario needs one.
    pub fn render(&self, name: &str, external_id: &str) -> String {
        self.template.replace("{{name}}", name).replace("{{external_id}}", external_id)
    }

    /// Whether the scenario's blueprint takes an external ID.
    pub fn needs_external_id(&self) -> bool {
        self.template.contains("{{external_id}}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// What the CLI's generator makes: 32 lowercase hex digits.
    const SAMPLE_EXTERNAL_ID: &str = "0f1e2d3c4b5a69788796a5b4c3d2e1f0";

    #[test]
    fn every_known_scenario_has_a_starter() {
        for (scenario, _) in SCENARIOS {
            assert!(
                starter(scenario).is_some(),
                "no starter blueprint for `{scenario}`: add templates/{scenario}.yaml and a row in STARTERS"
            );
        }
    }

    #[test]
    fn every_offered_starter_compiles_as_written() {
        for starter in starters() {
            let text = starter.render(starter.scenario, SAMPLE_EXTERNAL_ID);
            assert!(!text.contains("{{"), "{} keeps a placeholder", starter.scenario);
            let source = format!("blueprints/{}.yaml", starter.scenario);
            if let Err(diagnostics) = crate::compile(&source, &text, crate::emit::Targets::ALL) {
                panic!("the {} starter does not compile:\n{}", starter.scenario, crate::diagnostic::render(&diagnostics, &text));
            }
        }
    }

    #[test]
    fn starters_differ_only_by_name_and_external_id() {
        let starter = starter("external-handoff").expect("external-handoff has a starter");
        assert!(starter.needs_external_id());
        let text = starter.render("acme-dropbox", "abc123abc123");
        assert!(text.contains("name: acme-dropbox\n") || text.contains("name: acme-dropbox "), "{text}");
        assert!(text.contains("external_id: abc123abc123"), "{text}");
    }
}
