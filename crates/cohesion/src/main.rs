//! The `cohesion` command: parses arguments, calls the library crates, prints errors.
//! Each subcommand lives in its own module under `cmd/`; the models never see this crate.

use clap::{Parser, Subcommand};
use std::process::ExitCode;

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
    /// Corpus-assisted discourse analysis: import, KWIC, statistics, CQP, CDA markers, coding.
    Corpus(cohesion_discourse::cli::CorpusArgs),
}

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            let _ = e.print();
            return ExitCode::from(if e.use_stderr() { 2 } else { 0 });
        }
    };
    let result: cohesion_io::Result<()> = match cli.command {
        Command::Corpus(args) => cohesion_discourse::cli::run(&args),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::from(e.exit_code() as u8)
        }
    }
}
