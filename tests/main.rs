//! The one integration-test binary: golden trees, the bad-blueprint corpus, determinism, the CLI, the access
//! proofs (from the model and from both emitted targets), the external validators (terraform, cfn-lint) over the
//! golden output, and deployments to an AWS emulator (moto).

mod support;

mod access;
mod bad_blueprints;
mod book;
mod check;
mod cli;
mod config;
mod deploy;
mod determinism;
mod external;
mod golden;
mod init;
mod install;
mod limits;
mod properties;
mod safe_writes;
mod scenarios;
mod split;
mod targets;
