//! `cohesion experiment plan|run|slurm|merge|summary|bands|robustness|prim|sensitivity`.

use crate::output;
use cohesion_experiment::analysis::{self, PrimOptions, RobustnessOptions};
use cohesion_experiment::results::Results;
use cohesion_experiment::{merge, runner, slurm, spec, Experiment, Plan, Shard};
use cohesion_explore::robustness::Direction;
use cohesion_io::{Error, Result, Table};
use std::path::{Path, PathBuf};
use std::time::Instant;

#[derive(clap::Args, Debug)]
pub struct ExperimentArgs {
    #[command(subcommand)]
    pub command: Sub,
}

#[derive(clap::Args, Debug, Clone)]
pub struct Emit {
    /// Also write the table as CSV (`-` for standard output).
    #[arg(long)]
    pub csv: Option<PathBuf>,
    /// Also write the table as JSON (`-` for standard output).
    #[arg(long)]
    pub json: Option<PathBuf>,
}

#[derive(clap::Subcommand, Debug)]
pub enum Sub {
    /// Print the run count and an estimate of time and disk (from a short probe run).
    Plan {
        file: PathBuf,
        /// Workers to estimate for (default: all cores).
        #[arg(long, default_value_t = 0)]
        threads: usize,
        /// Skip the probe run; print counts only.
        #[arg(long)]
        no_probe: bool,
    },
    /// Run the experiment (or one shard) in parallel; resumes where a killed run stopped.
    Run {
        file: PathBuf,
        #[arg(long)]
        out: PathBuf,
        /// Run shard I of N only (1-based), e.g. --shard 2/8.
        #[arg(long, value_parser = Shard::parse)]
        shard: Option<Shard>,
        /// Worker threads, one run each (default: all cores).
        #[arg(long, default_value_t = 0)]
        threads: usize,
        /// Run even when the design has more runs than the file's `max_runs`.
        #[arg(long)]
        yes: bool,
        /// No progress bar.
        #[arg(long)]
        quiet: bool,
    },
    /// Write an sbatch job-array script, one array task per shard.
    Slurm {
        file: PathBuf,
        #[arg(long)]
        out: PathBuf,
        #[arg(long, default_value_t = 4)]
        shards: u32,
        #[arg(long, default_value_t = 2)]
        cpus_per_task: u32,
        #[arg(long, default_value = "4G")]
        mem: String,
        /// Time limit per task (Slurm syntax, e.g. 02:00:00).
        #[arg(long, default_value = "04:00:00")]
        time: String,
        #[arg(long)]
        partition: Option<String>,
        #[arg(long)]
        account: Option<String>,
        /// At most this many tasks at once.
        #[arg(long)]
        max_parallel: Option<u32>,
        /// The cohesion binary the tasks run (default: this one).
        #[arg(long)]
        program: Option<PathBuf>,
        #[arg(long)]
        yes: bool,
    },
    /// Join the shard folders under a results folder and check that every run is there once.
    Merge {
        dir: Option<PathBuf>,
        #[arg(long)]
        out: Option<PathBuf>,
    },
    /// Per future and package: 5th, 50th, 95th percentile and mean of each scalar outcome;
    /// writes the per-run table to DIR/summary.csv.
    Summary {
        dir: PathBuf,
        #[command(flatten)]
        emit: Emit,
    },
    /// Median and 5–95 % band of each kept series over time, per future and package.
    Bands {
        dir: PathBuf,
        #[arg(long)]
        indicator: Option<String>,
        #[arg(long)]
        group: Option<String>,
        #[command(flatten)]
        emit: Emit,
    },
    /// Regret (types 1 and 2) and satisficing (types 1 and 2) per policy package.
    Robustness {
        dir: PathBuf,
        /// indicator:group:WHEN (WHEN a year, final or change); default: the first kept.
        #[arg(long)]
        outcome: Option<String>,
        /// Whether more of the outcome is better (max) or worse (min).
        #[arg(long, default_value = "max", value_parser = ["max", "min"])]
        direction: String,
        #[arg(long, default_value_t = 90.0)]
        percentile: f64,
        #[arg(long)]
        reference_future: Option<String>,
        /// A satisficing threshold, e.g. cohesion_index:all:2050>=48 (repeatable).
        #[arg(long)]
        threshold: Vec<String>,
        #[command(flatten)]
        emit: Emit,
    },
    /// Scenario discovery with PRIM: where does the outcome fall below (or rise above) a bound?
    Prim {
        dir: PathBuf,
        #[arg(long)]
        outcome: Option<String>,
        #[arg(long, conflicts_with = "above", required_unless_present = "above")]
        below: Option<f64>,
        #[arg(long)]
        above: Option<f64>,
        /// Density a box must reach to be kept.
        #[arg(long, default_value_t = 0.8)]
        threshold: f64,
        #[arg(long, default_value_t = 0.05)]
        peel_alpha: f64,
        #[arg(long, default_value_t = 0.05)]
        paste_alpha: f64,
        #[arg(long, default_value_t = 0.05)]
        mass_min: f64,
        #[arg(long, default_value_t = 3)]
        max_boxes: usize,
        /// Write the coverage–density trajectories as CSV.
        #[arg(long)]
        trajectory: Option<PathBuf>,
        #[command(flatten)]
        emit: Emit,
    },
    /// Global sensitivity: Sobol first and total indices, or Morris μ* and σ.
    Sensitivity {
        dir: PathBuf,
        #[arg(long)]
        outcome: Option<String>,
        #[arg(long, default_value_t = 1000)]
        resamples: usize,
        #[arg(long, default_value_t = 0.95)]
        confidence: f64,
        #[command(flatten)]
        emit: Emit,
    },
}

fn emit(mut table: Table, emit: &Emit, digits: usize, note: &str) -> Result<()> {
    table.notes.push(format!("note: {note}"));
    table.emit(emit.csv.as_deref(), emit.json.as_deref(), digits)
}

fn workers(threads: usize) -> usize {
    if threads > 0 {
        threads
    } else {
        std::thread::available_parallelism().map_or(1, |n| n.get())
    }
}

fn check_size(e: &Experiment, plan: &Plan, yes: bool) -> Result<u32> {
    let n = plan
        .count()
        .ok_or_else(|| Error::input("the experiment has more than 4 294 967 294 runs"))?;
    if n as usize > e.max_runs && !yes {
        return Err(Error::input(format!(
            "{}: the design asks for {n} runs, more than max_runs = {}; \
             add --yes to run them anyway, or raise max_runs in the file",
            e.path.display(),
            e.max_runs
        )));
    }
    Ok(n)
}

pub fn run(args: &ExperimentArgs) -> Result<()> {
    match &args.command {
        Sub::Plan {
            file,
            threads,
            no_probe,
        } => plan(file, workers(*threads), !*no_probe),
        Sub::Run {
            file,
            out,
            shard,
            threads,
            yes,
            quiet,
        } => {
            let e = spec::load(file)?;
            let plan = Plan::new(&e);
            check_size(&e, &plan, *yes)?;
            let shard = shard.unwrap_or(Shard::ALL);
            let bar = output::runs_progress(!quiet);
            let started = Instant::now();
            let outcome = runner::run(&e, out, shard, workers(*threads), &|done, owned| {
                bar.set_length(owned);
                bar.set_position(done);
            })?;
            bar.finish_and_clear();
            let secs = started.elapsed().as_secs_f64();
            eprintln!(
                "{}: {} runs done ({} now in {secs:.1} s, {} were already done) of {} owned; {} in the experiment",
                outcome.folder.display(),
                outcome.already_done + outcome.ran,
                outcome.ran,
                outcome.already_done,
                outcome.owned,
                outcome.total
            );
            if let Some(p) = outcome.results {
                eprintln!("wrote {}", p.display());
            } else if !shard.is_all() {
                eprintln!(
                    "shard {}/{} finished; when every shard is done: cohesion experiment merge {}",
                    shard.index,
                    shard.count,
                    out.display()
                );
            }
            eprintln!(
                "note: {}",
                cohesion_experiment::describe::provenance_note(&e)
            );
            Ok(())
        }
        Sub::Slurm {
            file,
            out,
            shards,
            cpus_per_task,
            mem,
            time,
            partition,
            account,
            max_parallel,
            program,
            yes,
        } => {
            let e = spec::load(file)?;
            let plan = Plan::new(&e);
            let n = check_size(&e, &plan, *yes)?;
            if *shards == 0 || *shards > n {
                return Err(Error::input(format!(
                    "--shards {shards}: between 1 and the run count ({n})"
                )));
            }
            let abs = |p: &Path| std::path::absolute(p).unwrap_or_else(|_| p.to_path_buf());
            let program = match program {
                Some(p) => abs(p),
                None => std::env::current_exe()
                    .map_err(|err| Error::failure(format!("cannot find this program: {err}")))?,
            };
            std::fs::create_dir_all(out.join("logs"))
                .map_err(|err| Error::io(out, "create", err))?;
            let text = slurm::script(
                &e.name,
                &program,
                &abs(file),
                &abs(out),
                &slurm::Resources {
                    shards: *shards,
                    cpus_per_task: *cpus_per_task,
                    memory: mem.clone(),
                    time: time.clone(),
                    partition: partition.clone(),
                    account: account.clone(),
                    max_parallel: *max_parallel,
                },
            );
            let path = out.join("submit.sbatch");
            cohesion_experiment::store::write_text(&path, &text)?;
            eprintln!(
                "wrote {} ({n} runs in {shards} array tasks); submit with: sbatch {}\nthen: cohesion experiment merge {}",
                path.display(),
                path.display(),
                out.display()
            );
            Ok(())
        }
        Sub::Merge { dir, out } => {
            let dir = dir.as_ref().or(out.as_ref()).ok_or_else(|| {
                Error::input("merge needs the results folder: cohesion experiment merge DIR")
            })?;
            let report = merge::merge(dir)?;
            for d in &report.duplicates {
                eprintln!(
                    "warning: run {d} was found in more than one shard (identical; kept once)"
                );
            }
            eprintln!(
                "merged {} runs from {} shard folders into {}",
                report.runs,
                report.shards.len(),
                report.results.display()
            );
            Ok(())
        }
        Sub::Summary { dir, emit: e } => {
            let r = Results::load(dir)?;
            let (table, per_run) = analysis::summary(&r);
            per_run.write_csv(&dir.join("summary.csv"))?;
            eprintln!("wrote {}", dir.join("summary.csv").display());
            emit(table, e, 3, &note(&r))
        }
        Sub::Bands {
            dir,
            indicator,
            group,
            emit: e,
        } => {
            let r = Results::load(dir)?;
            let t = analysis::bands(&r, indicator.as_deref(), group.as_deref())?;
            emit(t, e, 3, &note(&r))
        }
        Sub::Robustness {
            dir,
            outcome,
            direction,
            percentile,
            reference_future,
            threshold,
            emit: e,
        } => {
            let r = Results::load(dir)?;
            let t = analysis::robustness(
                &r,
                &RobustnessOptions {
                    outcome: outcome.as_deref(),
                    direction: if direction == "min" {
                        Direction::Minimise
                    } else {
                        Direction::Maximise
                    },
                    percentile: *percentile,
                    reference_future: reference_future.as_deref(),
                    thresholds: threshold.clone(),
                },
            )?;
            emit(t, e, 3, &note(&r))
        }
        Sub::Prim {
            dir,
            outcome,
            below,
            above,
            threshold,
            peel_alpha,
            paste_alpha,
            mass_min,
            max_boxes,
            trajectory,
            emit: e,
        } => {
            for (name, v) in [
                ("--threshold", *threshold),
                ("--peel-alpha", *peel_alpha),
                ("--paste-alpha", *paste_alpha),
                ("--mass-min", *mass_min),
            ] {
                if !(v > 0.0 && v <= 1.0) {
                    return Err(Error::input(format!("{name} {v}: must lie in (0, 1]")));
                }
            }
            let r = Results::load(dir)?;
            let (limits, traj, sentences) = analysis::prim(
                &r,
                &PrimOptions {
                    outcome: outcome.as_deref(),
                    bound: below.or(*above).expect("clap requires one"),
                    above: above.is_some(),
                    options: cohesion_explore::prim::Options {
                        peel_alpha: *peel_alpha,
                        paste_alpha: *paste_alpha,
                        mass_min: *mass_min,
                        threshold: *threshold,
                        max_boxes: *max_boxes,
                    },
                },
            )?;
            if let Some(p) = trajectory {
                traj.write_csv(p)?;
            }
            for s in &sentences {
                eprintln!("{s}");
            }
            emit(limits, e, 4, &note(&r))
        }
        Sub::Sensitivity {
            dir,
            outcome,
            resamples,
            confidence,
            emit: e,
        } => {
            let r = Results::load(dir)?;
            let t = analysis::sensitivity(&r, outcome.as_deref(), *resamples, *confidence)?;
            emit(t, e, 4, &note(&r))
        }
    }
}

fn note(r: &Results) -> String {
    cohesion_experiment::describe::provenance_note(&r.experiment)
}

fn plan(file: &Path, workers: usize, probe: bool) -> Result<()> {
    let e = spec::load(file)?;
    let plan = Plan::new(&e);
    let n = plan
        .count()
        .ok_or_else(|| Error::input("the experiment has more than 4 294 967 294 runs"))?;
    let mut t = Table::new(["item", "value"]);
    let mut row = |k: &str, v: String| {
        t.push(vec![
            cohesion_io::Cell::Str(k.into()),
            cohesion_io::Cell::Str(v),
        ])
    };
    row("experiment", e.name.clone());
    row(
        "futures",
        e.futures
            .iter()
            .map(|f| f.name.as_str())
            .collect::<Vec<_>>()
            .join(", "),
    );
    row(
        "packages",
        e.packages
            .iter()
            .map(|p| p.name.as_str())
            .collect::<Vec<_>>()
            .join(", "),
    );
    row(
        "design",
        format!(
            "{} ({} points over {} uncertain parameters)",
            e.design.kind.name(),
            plan.points.len(),
            e.factors.len()
        ),
    );
    row("replications", e.replications.to_string());
    row("runs", n.to_string());
    row("agents × years", format!("{} × {}", e.agents, e.years));
    if n as usize > e.max_runs {
        row(
            "warning",
            format!(
                "more than max_runs = {}: `run` will ask for --yes",
                e.max_runs
            ),
        );
    }
    if probe {
        let (secs_per_run, bytes_per_run) = probe_cost(&e, &plan)?;
        let total = secs_per_run * n as f64 / workers as f64;
        row(
            "time per run (1 core)",
            format!("{secs_per_run:.1} s (scaled from a probe run on this machine)"),
        );
        row(
            "wall time",
            format!("{} with {workers} workers", human_duration(total)),
        );
        row(
            "disk",
            format!(
                "{} (parts) and as much again for results.parquet",
                human_bytes(bytes_per_run * n as f64)
            ),
        );
    }
    print!("{}", t.aligned(3));
    eprintln!(
        "note: {}",
        cohesion_experiment::describe::provenance_note(&e)
    );
    Ok(())
}

/// Time small runs on this machine and scale them to the experiment's size. The cost of a
/// run is close to linear in agents and in simulated years (burn-in included), so two probes
/// of different sizes after a warm-up (which pays the one-off calibration fit) give the
/// line; the kept rows are sized at a measured bytes-per-row.
fn probe_cost(e: &Experiment, plan: &Plan) -> Result<(f64, f64)> {
    let names = cohesion_experiment::parts::Names::model();
    let run = plan.run(0);
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(1)
        .build()
        .map_err(|err| Error::failure(format!("thread pool: {err}")))?;
    let time = |agents: usize| -> Result<f64> {
        let mut small = e.clone();
        small.agents = agents;
        small.years = 1;
        let started = Instant::now();
        pool.install(|| runner::simulate(&small, plan, &run, &names))?;
        Ok(started.elapsed().as_secs_f64())
    };
    time(200)?;
    let (na, nb) = (2000.0, 8000.0);
    let (ta, tb) = (time(na as usize)?, time(nb as usize)?);
    let per_agent = ((tb - ta) / (nb - na)).max(0.0);
    let burn = cohesion_model::RunConfig::default().burn_in as f64;
    let steps = |years: f64| years + 1.0 + burn;
    let secs =
        (ta + per_agent * (e.agents as f64 - na)).max(ta) * steps(e.years as f64) / steps(1.0);
    let keep = cohesion_experiment::describe::kept(e, &names);
    let kept_rows = (0..=e.years as i32)
        .flat_map(|y| (0..names.groups.len() as u16).map(move |g| (y, g)))
        .flat_map(|(y, g)| (0..names.indicators.len() as u16).map(move |i| (y, g, i)))
        .filter(|&(y, g, i)| keep(e.start_year + y, g, i))
        .count();
    let bytes = kept_rows as f64 * BYTES_PER_ROW + PART_OVERHEAD + e.text.len() as f64;
    Ok((secs, bytes))
}

/// Compressed size of a kept row and the fixed size of a part (schema and metadata),
/// measured on written parts (B4: 10.2 bytes per row; benchmarks/experiments/RESULTS.md).
const BYTES_PER_ROW: f64 = 10.2;
const PART_OVERHEAD: f64 = 4096.0;

fn human_duration(s: f64) -> String {
    if s < 120.0 {
        format!("{s:.0} s")
    } else if s < 7200.0 {
        format!("{:.0} min", s / 60.0)
    } else {
        format!("{:.1} h", s / 3600.0)
    }
}

fn human_bytes(b: f64) -> String {
    if b < 1e6 {
        format!("{:.0} kB", b / 1e3)
    } else if b < 1e9 {
        format!("{:.1} MB", b / 1e6)
    } else {
        format!("{:.2} GB", b / 1e9)
    }
}
