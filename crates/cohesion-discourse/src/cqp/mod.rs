//! A CQP-compatible query language: [`parse`] turns text into a syntax tree with located
//! errors, [`eval`] runs it on a memory-mapped corpus.

pub mod eval;
pub mod parse;
pub mod value;

pub use eval::{run_query, Match};

#[cfg(test)]
mod tests;
