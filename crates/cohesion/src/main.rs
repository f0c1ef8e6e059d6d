//! The `cohesion` command: parses arguments, calls the library crates, prints errors.
//! Each subcommand lives in its own module under `cmd/`; the models never see this crate.

mod cmd;
mod output;
mod page;

use clap::{Parser, Subcommand};
use std::process::ExitCode;

/// Large blocks (agent state, ties, partner views) on huge pages: fewer TLB misses in the
/// model's random reads.
#[global_allocator]
static ALLOCATOR: cohesion_io::HugePageAlloc = cohesion_io::HugePageAlloc;

#[derive(Parser)]
#[command(
    name = "cohesion",
    version,
    about = "Policy foresight on social cohesion under digitalisation"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Run the model for one future (or scenario file) and one policy package.
    Run(cmd::run::RunArgs),
    /// Run the five futures under the narrow and broad packages and write a page to out/.
    Demo(cmd::demo::DemoArgs),
    /// Print the resolved parameter table (and the force and policy mappings).
    Params(cmd::params::ParamsArgs),
    /// Cross-impact balance analysis: consistent scenarios from workshop judgements.
    Cib(cohesion_cib::cli::CibArgs),
    /// Corpus-assisted discourse analysis: import, KWIC, statistics, CQP, CDA markers, coding.
    Corpus(cohesion_discourse::cli::CorpusArgs),
    /// Policy experiments: many runs over futures, packages and uncertainties; robustness,
    /// scenario discovery and sensitivity.
    Experiment(cmd::experiment::ExperimentArgs),
    /// Keep developments in sight: import CBS/Eurostat series, check them against model bands.
    Monitor(cohesion_monitor::cli::MonitorArgs),
    /// The classic models (Schelling, Deffuant) as benchmarks B1 and B2, sequential or parallel.
    Classic(cohesion_classic::cli::ClassicArgs),
    /// The web app: scenario dashboard and live workshops (JSON API under /api/).
    Serve(cohesion_serve::cli::ServeArgs),
    /// The report for a ministry: one self-contained HTML page (and PDF) from an experiment,
    /// observed series, a CIB matrix and a corpus.
    Report(cohesion_report::cli::ReportArgs),
    /// Benchmarks B1–B4 against anchors measured in the same run (table, --csv, --json).
    Bench(cmd::bench::BenchArgs),
}

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            let _ = e.print();
            return ExitCode::from(if e.use_stderr() { 2 } else { 0 });
        }
    };
    let result = match cli.command {
        Command::Run(args) => cmd::run::run(&args),
        Command::Demo(args) => cmd::demo::run(&args),
        Command::Params(args) => cmd::params::run(&args),
        Command::Cib(args) => cohesion_cib::cli::run(&args),
        Command::Corpus(args) => cohesion_discourse::cli::run(&args),
        Command::Experiment(args) => cmd::experiment::run(&args),
        Command::Monitor(args) => cohesion_monitor::cli::run(&args),
        Command::Classic(args) => cohesion_classic::cli::run(&args),
        Command::Serve(args) => cohesion_serve::cli::run(&args),
        Command::Report(args) => cohesion_report::cli::run(&args),
        Command::Bench(args) => cmd::bench::run(&args),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::from(e.exit_code() as u8)
        }
    }
}
