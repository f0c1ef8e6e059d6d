//! The classic cohesion models, Schelling segregation (benchmark B1) and Deffuant bounded
//! confidence on a random network (B2), built on the cohesion model's engine parts: the
//! counter-based random streams (`cohesion_model::rng`), the fixed-capacity tie network
//! (`cohesion_model::network::Ties`) and structure-of-arrays agent state.
//!
//! Each model has the sequential schedule that `docs/classic.md` and the benchmark
//! specification define, and a declared parallel schedule — a different model, named as such —
//! whose result is bit-identical for any thread count.

pub mod cli;
pub mod deffuant;
pub mod graph;
pub mod schelling;

/// Which schedule a run uses. The parallel schedules are different models, not faster
/// versions of the sequential ones (see `docs/classic.md`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Schedule {
    /// One agent (B1) or one pair (B2) after another, in random order.
    Sequential,
    /// B1: synchronous perception, then conflict-free moves; B2: rounds of disjoint pairs.
    Parallel,
}

impl Schedule {
    pub fn name(self) -> &'static str {
        match self {
            Schedule::Sequential => "sequential",
            Schedule::Parallel => "parallel",
        }
    }
}
