//! Crate-level tests of the evaluator: the documented-case suite, robustness against
//! arbitrary input, and the performance target.

mod cases;
mod fuzz;
mod perf;
