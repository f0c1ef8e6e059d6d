//! Queries and statistics over an opened corpus; each returns a [`cohesion_io::Table`].

pub mod colloc;
pub mod dispersion;
pub mod distribution;
pub mod freq;
pub mod keyness;
pub mod kwic;
