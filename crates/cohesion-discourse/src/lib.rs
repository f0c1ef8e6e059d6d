//! Corpus-assisted critical discourse analysis for Dutch and English: one job — turn
//! transcripts, ParlaMint TEI and CoNLL-U into a memory-mapped corpus index, and answer
//! concordance, frequency, association, keyness, CQP, CDA-marker and coding questions on it.

pub mod agreement;
pub mod cda;
pub mod cli;
pub mod coding;
pub mod cqp;
pub mod import;
pub mod index;
pub mod model;
pub mod ops;
pub mod rng;
pub mod stats;
pub mod subcorpus;
#[cfg(test)]
pub(crate) mod testutil;
pub mod tokenise;
