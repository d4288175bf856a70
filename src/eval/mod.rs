//! Offline IAM policy evaluator for the subset of AWS access control that bucketbridge
//! emits: identity policies of users and roles, role trust policies, S3 bucket policies
//! and KMS key policies. It decides Allow / ExplicitDeny / ImplicitDeny for a request and
//! cites the statements that decided it.
//!
//! The decision procedure and its AWS sources are in `shared/research/iam-evaluation.md`;
//! the `eval` file format is described in `FORMAT.md` beside this file.
//! Anything outside the subset (SCPs, RCPs, permissions boundaries, session policies,
//! ACLs, KMS grants, Block Public Access) is never assumed; constructs the evaluator does
//! not model are load errors rather than guesses.

pub mod condition;
pub mod decide;
pub mod file;
pub mod pattern;
pub mod policy;

#[cfg(test)]
mod tests;

pub use decide::{
    Bucket, Decision, Key, LabelledPolicy, Outcome, Request, RequestError, RequestView, Role, Rule, StatementRef, User, Verdict, World,
    WorldError, evaluate, evaluate_view,
};
pub use file::{EvalFile, Expect, FileError, FileRequest, RequestResult, load, render_report, run};
pub use policy::{Effect, PolicyDocument, PolicyError, PolicyErrorKind, PolicyKind};
