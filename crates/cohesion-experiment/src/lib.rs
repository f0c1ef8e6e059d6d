//! Policy experiments across futures and uncertainty (DESIGN §8).
//!
//! One job: turn an experiment file into many model runs, store them so that nothing is lost
//! or mixed, and read them back for analysis. [`spec`] parses the file; [`plan`] numbers the
//! runs (futures × packages × design points × replications) and derives each run's seed from
//! the experiment seed and the run id; [`runner`] runs them on all cores; [`store`] keeps a
//! results folder (one Parquet part per finished run, a manifest, a lock) and reconciles it
//! after a kill; [`merge`] joins shard folders; [`assemble`] writes the final
//! `results.parquet` in run-id order; [`slurm`] writes the job-array script; [`results`]
//! loads a finished folder; [`analysis`] turns it into bands, robustness, scenario
//! discovery and sensitivity with the formulas of `cohesion-explore`.

pub mod analysis;
pub mod assemble;
pub mod describe;
pub mod merge;
pub mod parts;
pub mod plan;
pub mod results;
pub mod runner;
pub mod slurm;
pub mod spec;
pub mod store;

pub use plan::{Plan, Shard};
pub use spec::Experiment;
