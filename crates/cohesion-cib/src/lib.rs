//! Cross-impact balance (CIB) analysis: from judgement matrices to the set of consistent
//! scenarios (Weimer-Jehle 2006), with succession, basins, interventions and ensembles.
//!
//! This crate's one job is CIB. It reads matrices ([`format_toml`], [`format_csv`],
//! [`format_scw`]), evaluates them ([`engine`]), combines judges ([`ensemble`]) and serves
//! the `cohesion cib` command ([`cli`]). It knows nothing of the simulation model: the bridge
//! to `cohesion run` is a scenario TOML whose `[forces]` come from a declared mapping.

pub mod cli;
pub mod engine;
pub mod ensemble;
pub mod format_csv;
pub mod format_scw;
pub mod format_toml;
pub mod model;
pub mod rng;

pub use engine::{Algorithm, Attractor, Engine, Found, Succession, Trajectory};
pub use model::{random_cib, Cib, Descriptor, ForceMapping, FORCES};

use cohesion_io::{Error, Result};
use std::path::Path;

/// The study's five driving forces and five outcome descriptors, with our reconstructed
/// judgements (`data/cib/study.toml`), embedded so `cohesion cib study` needs no files.
pub const STUDY_TOML: &str = include_str!("../../../data/cib/study.toml");

/// Name that selects [`STUDY_TOML`] in place of a file.
pub const STUDY_NAME: &str = "study";

/// Largest input file read (a 200-descriptor matrix in CSV is well under this).
const MAX_FILE_BYTES: u64 = 64 << 20;

/// Load a matrix by extension: `.toml`, `.csv` (judgements in `range`) or `.scw`; the name
/// `study` (when no such file exists) loads the embedded study matrix.
pub fn load(path: &Path, range: (i32, i32)) -> Result<Cib> {
    if path.as_os_str() == STUDY_NAME && !path.exists() {
        return format_toml::parse(STUDY_TOML, Path::new("data/cib/study.toml (embedded)"));
    }
    let text = cohesion_io::error::read_utf8(path, MAX_FILE_BYTES)?;
    match extension(path).as_str() {
        "toml" => format_toml::parse(&text, path),
        "csv" => format_csv::parse(&text, path, range),
        "scw" => format_scw::parse(&text, path),
        other => Err(Error::at(
            path,
            None,
            None,
            format!("unknown extension `{other}`: expected .toml, .csv or .scw"),
        )),
    }
}

/// Write a matrix in the format its extension names.
pub fn save(cib: &Cib, path: &Path) -> Result<()> {
    if cib.scale != 1 {
        return Err(Error::input(
            "an ensemble mean is not integer-valued and cannot be written as a matrix file",
        ));
    }
    let text = match extension(path).as_str() {
        "toml" => format_toml::write(cib),
        "csv" => format_csv::write(cib)?,
        "scw" => {
            let name = path
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default();
            format_scw::write(cib, &name)
        }
        other => {
            return Err(Error::input(format!(
                "{}: unknown extension `{other}`: expected .toml, .csv or .scw",
                path.display()
            )))
        }
    };
    cohesion_io::write_atomic(path, |w| {
        w.write_all(text.as_bytes())
            .map_err(|e| Error::io(path, "write", e))
    })
}

fn extension(path: &Path) -> String {
    path.extension()
        .map(|e| e.to_string_lossy().to_ascii_lowercase())
        .unwrap_or_default()
}
