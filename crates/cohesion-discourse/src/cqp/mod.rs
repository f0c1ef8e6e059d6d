//! A CQP-compatible query language: [`parse`] turns one query into a syntax tree with located
//! errors, [`script`] reads scripts of named results, set operations, `expand`, `containing`,
//! `meet` and the matching strategy, [`eval`] matches one query on a memory-mapped corpus,
//! [`sets`] combines results, and [`run`] runs a script.

pub mod eval;
pub mod lexicon;
pub mod parse;
pub mod run;
pub mod script;
pub mod sets;
pub mod value;

pub use eval::Match;
pub use run::{run_query, run_script, Outcome};
pub use script::Strategy;

#[cfg(test)]
mod script_tests;
#[cfg(test)]
mod tests;
