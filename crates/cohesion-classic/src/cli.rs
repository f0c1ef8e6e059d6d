//! The `cohesion classic` command: run B1 or B2 once and print one summary row (set-up and
//! stepping time, activations per second, the sanity outputs).

use crate::deffuant::Deffuant;
use crate::graph::{erdos_renyi, Matchings};
use crate::schelling::Town;
use crate::Schedule;
use cohesion_io::{Cell, Error, Result, Table};
use std::path::PathBuf;
use std::time::Instant;

/// The classic models: Schelling segregation (B1) and Deffuant bounded confidence (B2).
#[derive(clap::Args, Debug, Clone)]
pub struct ClassicArgs {
    #[command(subcommand)]
    pub model: ClassicModel,
}

#[derive(clap::Subcommand, Debug, Clone)]
pub enum ClassicModel {
    /// Schelling segregation on an L×L torus (80 % occupied, two groups, threshold 0.375).
    Schelling(SchellingArgs),
    /// Deffuant bounded confidence on an Erdős–Rényi network.
    Deffuant(DeffuantArgs),
}

#[derive(clap::ValueEnum, Debug, Clone, Copy, PartialEq, Eq)]
pub enum ScheduleArg {
    /// One agent (Schelling) or pair (Deffuant) after another: the benchmark as specified.
    Sequential,
    /// The declared parallel model (see docs/classic.md).
    Parallel,
}

#[derive(clap::Args, Debug, Clone)]
pub struct CommonArgs {
    /// Steps to run (no early stop).
    #[arg(long, default_value_t = 100)]
    pub steps: u64,
    /// Random seed.
    #[arg(long, default_value_t = 42)]
    pub seed: u64,
    /// Schedule.
    #[arg(long, value_enum, default_value = "sequential")]
    pub schedule: ScheduleArg,
    /// Shorthand for `--schedule parallel`.
    #[arg(long)]
    pub parallel: bool,
    /// Worker threads (default: all cores, or RAYON_NUM_THREADS).
    #[arg(long, value_name = "N")]
    pub threads: Option<usize>,
    /// Write the summary as CSV (`-` for standard output).
    #[arg(long, value_name = "FILE")]
    pub csv: Option<PathBuf>,
    /// Write the summary as JSON (`-` for standard output).
    #[arg(long, value_name = "FILE")]
    pub json: Option<PathBuf>,
}

#[derive(clap::Args, Debug, Clone)]
pub struct SchellingArgs {
    /// Side L of the grid (L×L cells).
    #[arg(long, default_value_t = 100)]
    pub size: usize,
    #[command(flatten)]
    pub common: CommonArgs,
}

#[derive(clap::Args, Debug, Clone)]
pub struct DeffuantArgs {
    /// Number of agents N.
    #[arg(long, default_value_t = 10_000)]
    pub agents: usize,
    /// Mean degree of the random graph.
    #[arg(long, default_value_t = 20)]
    pub degree: usize,
    /// Confidence bound ε.
    #[arg(long, default_value_t = 0.2)]
    pub epsilon: f64,
    /// Convergence rate μ.
    #[arg(long, default_value_t = 0.5)]
    pub mu: f64,
    #[command(flatten)]
    pub common: CommonArgs,
}

impl CommonArgs {
    fn schedule(&self) -> Schedule {
        if self.parallel || self.schedule == ScheduleArg::Parallel {
            Schedule::Parallel
        } else {
            Schedule::Sequential
        }
    }
}

/// Run the command.
pub fn run(args: &ClassicArgs) -> Result<()> {
    let common = match &args.model {
        ClassicModel::Schelling(a) => &a.common,
        ClassicModel::Deffuant(a) => &a.common,
    };
    match common.threads {
        Some(0) => Err(Error::input("--threads must be at least 1")),
        Some(n) => rayon::ThreadPoolBuilder::new()
            .num_threads(n)
            .build()
            .map_err(|e| Error::failure(format!("cannot start {n} threads: {e}")))?
            .install(|| run_inner(args)),
        None => run_inner(args),
    }
}

fn run_inner(args: &ClassicArgs) -> Result<()> {
    let (table, common) = match &args.model {
        ClassicModel::Schelling(a) => (schelling(a)?, &a.common),
        ClassicModel::Deffuant(a) => (deffuant(a)?, &a.common),
    };
    table.emit(common.csv.as_deref(), common.json.as_deref(), 4)
}

const COLUMNS: [&str; 11] = [
    "model",
    "schedule",
    "agents",
    "steps",
    "seed",
    "threads",
    "setup_s",
    "run_s",
    "activations",
    "activations_per_s",
    "size",
];

fn summary(
    model: &str,
    common: &CommonArgs,
    agents: usize,
    setup_s: f64,
    run_s: f64,
    activations: u64,
    size: usize,
) -> Vec<Cell> {
    vec![
        model.into(),
        common.schedule().name().into(),
        agents.into(),
        Cell::Int(common.steps as i64),
        Cell::Int(common.seed as i64),
        rayon::current_num_threads().into(),
        setup_s.into(),
        run_s.into(),
        Cell::Int(activations as i64),
        (activations as f64 / run_s.max(1e-9)).into(),
        size.into(),
    ]
}

fn schelling(args: &SchellingArgs) -> Result<Table> {
    let c = &args.common;
    let started = Instant::now();
    let mut town =
        Town::new(args.size, c.seed).map_err(|e| Error::input(format!("--size: {e}")))?;
    let setup_s = started.elapsed().as_secs_f64();
    let started = Instant::now();
    let schedule = c.schedule();
    for step in 1..=c.steps {
        town.step(schedule, c.seed, step);
    }
    let run_s = started.elapsed().as_secs_f64();
    let seg = town.segregation();
    let agents = town.agents();
    let mut table = Table::new(
        COLUMNS
            .iter()
            .copied()
            .chain(["unhappy_share", "like_share"]),
    );
    let mut row = summary(
        "schelling",
        c,
        agents,
        setup_s,
        run_s,
        (agents as u64) * c.steps,
        args.size,
    );
    row.extend([seg.unhappy_share.into(), seg.like_share.into()]);
    table.push(row);
    Ok(table)
}

fn deffuant(args: &DeffuantArgs) -> Result<Table> {
    let c = &args.common;
    let schedule = c.schedule();
    let started = Instant::now();
    let ties = erdos_renyi(args.agents, args.degree, c.seed)
        .map_err(|e| Error::input(format!("--agents/--degree: {e}")))?;
    let mut model = Deffuant::new(ties, args.epsilon, args.mu, c.seed)
        .map_err(|e| Error::input(format!("--epsilon/--mu: {e}")))?;
    let matchings =
        (schedule == Schedule::Parallel).then(|| Matchings::colour(&model.ties, c.seed));
    let setup_s = started.elapsed().as_secs_f64();
    let started = Instant::now();
    let activations = model.run(schedule, matchings.as_ref(), c.seed, 1, c.steps);
    let run_s = started.elapsed().as_secs_f64();
    let found = model.clusters();
    let mut table =
        Table::new(
            COLUMNS
                .iter()
                .copied()
                .chain(["edges", "clusters", "large_clusters"]),
        );
    let mut row = summary(
        "deffuant",
        c,
        args.agents,
        setup_s,
        run_s,
        activations,
        args.agents,
    );
    row.extend([
        model.ties.total_ties().into(),
        found.count.into(),
        found.large.into(),
    ]);
    table.push(row);
    Ok(table)
}
