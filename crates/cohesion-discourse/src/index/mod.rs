//! The on-disk corpus index: one folder, built once by [`build::IndexBuilder`] and opened
//! memory-mapped by [`open::Corpus`].
//!
//! Layout (all integers little-endian):
//! * `corpus.json` — the manifest: format name and version, token count, attributes,
//!   structures with their metadata columns, import warnings. Written last.
//! * per positional attribute `A` (word, lower, lemma, pos, xpos, feats, deprel):
//!   `A.lex` (the types, sorted bytewise, concatenated), `A.lexoff` (u64 × types+1),
//!   `A.ids` (u32 type id per corpus position), `A.postoff` (u64 × types+1) and
//!   `A.post` (u32 positions of each type, ascending) — a reverse index, so a word's hits
//!   cost one binary search and one slice.
//! * `head.pos` — u32 absolute position of each token's syntactic head (u32::MAX: none).
//! * per structure `S` (text, u, s): `S.rgn` (u32 start, u32 end-exclusive per region,
//!   ascending) and `S.meta.tsv` (one row of metadata per region; loaded only when used).

pub mod build;
mod intern;
pub mod open;
mod write;

use serde::{Deserialize, Serialize};

#[cfg(target_endian = "big")]
compile_error!("the corpus index is little-endian and is memory-mapped as-is");

pub const FORMAT_NAME: &str = "cohesion-corpus";
/// Bump whenever the layout changes; older folders are then refused with a clear message.
pub const FORMAT_VERSION: u32 = 1;
/// Sentinel in `head.pos` for "no head" (root or unannotated).
pub const NO_HEAD: u32 = u32::MAX;

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Manifest {
    pub format: String,
    pub version: u32,
    pub tokens: u64,
    pub attributes: Vec<String>,
    pub has_heads: bool,
    pub structures: Vec<StructureInfo>,
    pub pseudonymised: bool,
    pub warnings: Vec<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct StructureInfo {
    pub name: String,
    pub regions: u64,
    pub columns: Vec<String>,
}
