//! The `cohesion monitor` command: `import` (source files → normalised observations) and
//! `check` (observations against the model's ensemble bands).

use crate::{check, import, mapping::Mapping, observation};
use cohesion_io::{Result, Table};
use std::path::PathBuf;

/// Keep developments in sight: import observed series, check them against model bands.
#[derive(clap::Args, Debug, Clone)]
pub struct MonitorArgs {
    #[command(subcommand)]
    pub command: MonitorCommand,
}

#[derive(clap::Subcommand, Debug, Clone)]
pub enum MonitorCommand {
    /// Read CBS (OData JSON, StatLine CSV), Eurostat (TSV, SDMX-CSV) or plain CSV files and
    /// write observations.csv and provenance.csv in the model's names and units.
    Import(ImportArgs),
    /// Check imported observations against an ensemble band file: band, last change against
    /// sampling error, trend break, early-warning statistics.
    Check(CheckArgs),
}

#[derive(clap::Args, Debug, Clone)]
pub struct ImportArgs {
    /// Source files (format told by content; the mapping's [[table]] says what each holds).
    #[arg(value_name = "FILE", required = true)]
    pub files: Vec<PathBuf>,
    /// Mapping TOML: source tables and series → model indicator and group.
    #[arg(long, value_name = "FILE")]
    pub mapping: PathBuf,
    /// Output folder (observations.csv, provenance.csv, mapping.toml).
    #[arg(long, value_name = "DIR")]
    pub out: PathBuf,
}

#[derive(clap::Args, Debug, Clone)]
pub struct CheckArgs {
    /// Folder written by `cohesion monitor import`.
    #[arg(value_name = "DIR")]
    pub dir: PathBuf,
    /// Ensemble bands: future,package,indicator,group,year,runs,p5,median,p95.
    #[arg(long, value_name = "FILE")]
    pub bands: PathBuf,
    /// Only this future of the band file.
    #[arg(long, value_name = "NAME")]
    pub future: Option<String>,
    /// Only this policy package of the band file.
    #[arg(long, value_name = "NAME")]
    pub package: Option<String>,
    /// Write the table as CSV (`-` for standard output).
    #[arg(long, value_name = "FILE")]
    pub csv: Option<PathBuf>,
    /// Write the table as JSON (`-` for standard output).
    #[arg(long, value_name = "FILE")]
    pub json: Option<PathBuf>,
}

pub fn run(args: &MonitorArgs) -> Result<()> {
    match &args.command {
        MonitorCommand::Import(a) => {
            let mapping = Mapping::load(&a.mapping)?;
            let imported = import::import(&a.files, &mapping)?;
            import::write(&imported, &mapping, &a.out)?;
            print!("{}", import::summary_table(&imported).aligned(0));
            println!(
                "wrote {} observations to {}",
                imported.observations.len(),
                a.out.join("observations.csv").display()
            );
            Ok(())
        }
        MonitorCommand::Check(a) => {
            let obs = observation::read_csv(&a.dir.join("observations.csv"))?;
            let bands = check::read_bands(&a.bands)?;
            let table = check::check(&obs, &bands, a.future.as_deref(), a.package.as_deref())?;
            emit(&table, a)
        }
    }
}

/// Print the aligned view unless a machine-readable copy goes to standard output.
fn emit(t: &Table, a: &CheckArgs) -> Result<()> {
    t.emit(a.csv.as_deref(), a.json.as_deref(), 4)
}
