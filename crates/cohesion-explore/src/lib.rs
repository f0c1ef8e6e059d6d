//! Experiment designs and their analyses for exploratory modelling: one job, pure numerics.
//!
//! Knows nothing of the model: a design is a list of [`design::Factor`]s mapped to rows of
//! factor values; an analysis takes those rows and the outputs a caller computed for them.
//!
//! | module | role |
//! |---|---|
//! | [`design`] | factors and their distributions; full factorial, Latin hypercube, Saltelli (Sobol' sequence), Morris trajectories |
//! | [`sensitivity`] | Sobol' first and total indices (Saltelli 2010, Jansen 1999) and Morris μ, μ*, σ, with bootstrap intervals |
//! | [`prim`] | the patient rule induction method for scenario discovery, as EMA Workbench runs it, with quasi-p-values |
//! | [`robustness`] | regret (types 1 and 2) and satisficing (types 1 and 2) over states of the world |
//! | [`stats`] | normal CDF and quantile, ln Γ, binomial tail, percentile (type 7) |
//!
//! Every formula is written in its module's doc. Randomness comes from a seeded SplitMix64
//! stream ([`rng`]) and an Owen-scrambled Sobol' sequence (`sobol_burley`), so the same seed
//! gives bit-identical output; nothing here runs threads.

pub mod design;
pub mod prim;
pub mod rng;
pub mod robustness;
pub mod sensitivity;
pub mod stats;
