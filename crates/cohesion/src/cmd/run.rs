//! `cohesion run`: one future (or scenario file) × one policy package.

use super::with_threads;
use crate::output;
use cohesion_io::{AtomicDir, Result};
use cohesion_model::{Params, Row, RunConfig};
use cohesion_scenarios::{forces, policies, Package, Scenario};
use std::path::{Path, PathBuf};

/// The whole Dutch adult population (sum of the age bands in data/calibration.toml).
pub const FULL_POPULATION: usize = 14_850_000;

#[derive(clap::Args, Debug)]
pub struct RunArgs {
    /// A named future: user-utopia, wild-west, big-brother, big-business, baseline.
    #[arg(long, default_value = "baseline", conflicts_with = "scenario")]
    pub future: String,
    /// A scenario TOML file instead of a named future.
    #[arg(long)]
    pub scenario: Option<PathBuf>,
    /// A package name (none, narrow, broad, all) or a package TOML file.
    #[arg(long, default_value = "none")]
    pub policy: String,
    /// Number of agents, or `full` for the whole adult population.
    #[arg(long, default_value = "100000", value_parser = parse_agents, allow_hyphen_values = true)]
    pub agents: usize,
    /// Years to simulate after the start year.
    #[arg(long, default_value_t = 25, value_parser = clap::value_parser!(u32).range(0..=100))]
    pub years: u32,
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    #[arg(long, default_value_t = 2025)]
    pub start_year: i32,
    /// typed: SCP's seven classes respond differently; uniform: one "standard citizen".
    #[arg(long, default_value = "typed", value_parser = ["typed", "uniform"])]
    pub behaviour: String,
    /// Worker threads (default: all cores; RAYON_NUM_THREADS is honoured).
    #[arg(long, default_value_t = 0)]
    pub threads: usize,
    /// How agents are stored: `neighbourhood` (by neighbourhood, for memory locality) or
    /// `synthesis` (as synthesised). Results differ in detail, not in distribution.
    #[arg(long, default_value = "neighbourhood", value_parser = ["neighbourhood", "synthesis"])]
    pub agent_order: String,
    #[arg(long, default_value = "out/run")]
    pub out: PathBuf,
}

pub fn parse_agents(s: &str) -> std::result::Result<usize, String> {
    if s == "full" {
        return Ok(FULL_POPULATION);
    }
    let n: i64 = s.parse().map_err(|_| {
        format!("`{s}` is not a number of agents (a positive whole number, or `full`)")
    })?;
    if n < 100 {
        return Err(format!(
            "{n} agents is too few: the model needs at least 100 (or `full`)"
        ));
    }
    if n as usize > 50_000_000 {
        return Err(format!("{n} agents is more than 50 000 000"));
    }
    Ok(n as usize)
}

pub fn resolve_future(future: &str, scenario: &Option<PathBuf>) -> Result<Scenario> {
    match scenario {
        Some(path) => forces::load_scenario(path),
        None => forces::future(future),
    }
}

pub fn resolve_package(policy: &str) -> Result<Package> {
    if policy.ends_with(".toml") || Path::new(policy).is_file() {
        policies::load_package(Path::new(policy))
    } else {
        policies::package(policy)
    }
}

/// Run one trajectory (inside the caller's thread pool), with an optional progress bar.
/// Returns the rows and the parameters of the final year (for run.toml).
pub fn simulate(
    scenario: &Scenario,
    package: &Package,
    cfg: &RunConfig,
    show: bool,
) -> Result<(Vec<Row>, Params)> {
    let schedule = cohesion_scenarios::schedule(scenario, package, cfg.years)?;
    let bar = output::progress(
        show,
        cfg.years as u64 + 1,
        &format!("{} × {}", scenario.name, package.name),
    );
    let rows = cohesion_model::run(cfg, &schedule, &mut |y| bar.set_position(y as u64 + 1));
    bar.finish_and_clear();
    let last = schedule.last().cloned().unwrap_or_default();
    Ok((rows, last))
}

pub fn run(args: &RunArgs) -> Result<()> {
    let scenario = resolve_future(&args.future, &args.scenario)?;
    let package = resolve_package(&args.policy)?;
    let cfg = RunConfig {
        agents: args.agents,
        years: args.years,
        seed: args.seed,
        start_year: args.start_year,
        uniform_behaviour: args.behaviour == "uniform",
        neighbourhood_order: args.agent_order == "neighbourhood",
        ..Default::default()
    };
    let dir = AtomicDir::new(&args.out)?;
    let (rows, last) = with_threads(args.threads, || simulate(&scenario, &package, &cfg, true))??;
    output::write_run(dir.staging(), &rows, &scenario, &package, &cfg, &last)?;
    dir.commit()?;
    if scenario.provenance == "reconstructed" {
        eprintln!(
            "note: the force values of `{}` are reconstructed, not the study's own scores",
            scenario.name
        );
    }
    eprintln!("wrote {} rows to {}", rows.len(), args.out.display());
    Ok(())
}
