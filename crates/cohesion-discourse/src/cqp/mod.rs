//! A CQP-compatible query language: [`parse`] turns one query into a syntax tree with located
//! errors, [`script`] reads scripts of named results, set operations, `expand`, `containing`,
//! `meet` and the matching strategy, [`commands`] the output commands (`size`, `cat`, `count`,
//! `group`, `tabulate`), [`eval`] matches one query on a memory-mapped corpus (with
//! [`lexicon`] resolving value tests to type ids and [`postings`] intersecting position
//! lists), [`sets`] combines results, [`reports`] makes the output commands' tables, and
//! [`run`] runs a script.

pub mod commands;
pub mod eval;
pub mod lexicon;
pub mod parse;
pub mod postings;
pub mod reports;
pub mod run;
pub mod script;
pub mod sets;
pub mod value;

pub use eval::Match;
pub use run::{run_query, run_script, run_script_with, Outcome, Report, ScriptOptions};
pub use script::Strategy;

#[cfg(test)]
mod report_tests;
#[cfg(test)]
mod script_tests;
#[cfg(test)]
mod tests;
