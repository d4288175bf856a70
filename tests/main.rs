//! The one integration-test binary: golden trees, the bad-blueprint corpus, determinism, the CLI, and the
//! external validators (terraform, cfn-lint) over the golden output, and deployments to an AWS emulator (moto).

mod support;

mod bad_blueprints;
mod cli;
mod deploy;
mod determinism;
mod external;
mod golden;
