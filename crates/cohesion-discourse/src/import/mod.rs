//! Importers: each turns source files into the [`crate::model`] texts, then the indexer
//! writes the corpus folder. Pseudonymisation happens between the two.

pub mod conllu;
pub mod pseudo;
pub mod read;
pub mod tei;
pub mod text;
