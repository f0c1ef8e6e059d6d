//! Keep developments in sight (DESIGN §10): read observed indicator series, map them onto the
//! model's indicator and group names, and check them against the model's ensemble bands.
//!
//! This crate's one job is observed series. It knows nothing of the simulation model beyond
//! the names in `data/model_names.toml`, and never touches the network: users bring files.
//!
//! * [`formats`]: readers for CBS open data (OData v3/v4 JSON, StatLine CSV exports), Eurostat
//!   TSV and SDMX-CSV, and the plain `indicator,group,year,value[,lower,upper]` CSV. Each turns
//!   a file into rows of named cells with their line numbers.
//! * [`mapping`]: the user-editable TOML that says which rows of which table become which
//!   model indicator and group, in which unit, with which sampling error.
//! * [`observation`]: the normalised long table `import` writes and `check` reads.
//! * [`select`]: one mapping series picks, scales and qualifies its rows of a source table.
//! * [`import`]: files + mapping → `observations.csv` and `provenance.csv`, written atomically.
//! * [`stats`]: sampling error of a change, trend breaks, early-warning statistics.
//! * [`check`]: each series against the ensemble band, its last change, breaks and warnings.
//! * [`cli`]: the `cohesion monitor` command.

pub mod check;
pub mod cli;
pub mod formats;
pub mod import;
pub mod mapping;
pub mod observation;
pub mod select;
pub mod stats;

/// Largest input file read whole (observations are small; this guards against a wrong file).
pub const MAX_INPUT_BYTES: u64 = 64 << 20;
