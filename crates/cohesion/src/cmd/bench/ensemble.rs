//! B4: ensemble throughput. The same experiment (5 futures × 4 packages × replications) runs
//! with `cohesion experiment`'s runner on all workers and, as the anchor, one run after another
//! on one worker — timed on shard 1/K of the runs and scaled by K, as
//! `benchmarks/experiments/b4.sh` does. The anchor's parts must be byte-identical to the
//! parallel run's. Each side repeats the whole experiment in its process (`runs::Runs`: 5
//! times, or 3 when the first took over a minute) and reports the median.

use super::runs::{Runs, Spread};
use super::{child, in_child, mib, peak_kib, progress, BenchArgs, Report, Row};
use cohesion_experiment::{runner, spec, Shard};
use cohesion_io::{Error, Result};
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};
use std::time::Instant;

#[derive(Serialize, Deserialize, Debug, Clone)]
pub struct Task {
    pub file: PathBuf,
    pub out: PathBuf,
    pub workers: usize,
    pub shard_count: u32,
    pub runs: Runs,
}

#[derive(Serialize, Deserialize, Debug, Clone)]
pub struct Measured {
    /// Wall time of each repeat, in order.
    pub walls: Vec<f64>,
    pub runs: u32,
    pub peak_kib: u64,
    /// The folder of the last repeat, kept for the byte comparison.
    pub folder: PathBuf,
}

/// In the child: run the experiment (or shard 1/K) as many times as `t.runs` says once the first
/// is timed, each into a fresh folder. Every repeat is kept: the first one also warms the
/// process, and dropping it would cost a whole ensemble.
pub fn measure(t: &Task) -> Result<Measured> {
    let e = spec::load(&t.file)?;
    let shard = Shard {
        index: 1,
        count: t.shard_count,
    };
    let mut walls = Vec::new();
    let mut last = None;
    let mut count = 1;
    while walls.len() < count {
        let r = walls.len();
        let out = t.out.join(format!("repeat-{r}"));
        let started = Instant::now();
        let outcome = runner::run(&e, &out, shard, t.workers, &|_, _| {})?;
        walls.push(started.elapsed().as_secs_f64());
        count = t.runs.count(walls[0]);
        if let Some((old, _)) = last.replace((out, outcome.ran)) {
            let _ = std::fs::remove_dir_all(old);
        }
    }
    let (out, runs) = last.expect("at least one repeat");
    Ok(Measured {
        walls,
        runs,
        peak_kib: peak_kib(),
        folder: runner::folder_for(&out, shard),
    })
}

/// True when every part the anchor wrote is byte-identical to the parallel run's part.
fn same_parts(anchor: &Path, parallel: &Path) -> Result<bool> {
    let dir = anchor.join("parts");
    let mut compared = 0;
    for entry in std::fs::read_dir(&dir).map_err(|e| Error::io(&dir, "list", e))? {
        let p = entry.map_err(|e| Error::io(&dir, "list", e))?.path();
        let name = p.file_name().unwrap_or_default();
        let a = std::fs::read(&p).map_err(|e| Error::io(&p, "read", e))?;
        match std::fs::read(parallel.join("parts").join(name)) {
            Ok(b) if a == b => compared += 1,
            _ => return Ok(false),
        }
    }
    Ok(compared > 0)
}

pub fn bench(args: &BenchArgs) -> Result<Report> {
    let (agents, years, replications) = if args.quick {
        (1_000, 2, 1)
    } else {
        (100_000, 25, 10)
    };
    let shards = args.anchor_shards.unwrap_or(if args.quick { 1 } else { 5 });
    let runs = Runs::from_args(args.repeats, args.quick.then_some(3));
    let workers = args
        .threads
        .unwrap_or_else(|| std::thread::available_parallelism().map_or(1, |n| n.get()));
    let dir = std::env::temp_dir().join(format!("cohesion-bench-b4-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).map_err(|e| Error::io(&dir, "create", e))?;
    let result = measure_both(
        args,
        &dir,
        (agents, years, replications),
        shards,
        runs,
        workers,
    );
    let _ = std::fs::remove_dir_all(&dir);
    result
}

fn measure_both(
    args: &BenchArgs,
    dir: &Path,
    (agents, years, replications): (usize, u32, u32),
    shards: u32,
    runs: Runs,
    workers: usize,
) -> Result<Report> {
    let file = dir.join("b4.toml");
    let text = format!(
        "# Benchmark B4, written by `cohesion bench b4`.\nname = \"bench-b4\"\nseed = {}\nagents = {agents}\nyears = {years}\nreplications = {replications}\nfutures = \"all\"\npackages = \"all\"\nmax_runs = 1000000\n\n[[outcome]]\nindicator = \"*\"\ngroups = [\"*\"]\n",
        args.seed
    );
    cohesion_io::write_atomic(&file, |w| {
        w.write_all(text.as_bytes())
            .map_err(|e| Error::failure(format!("writing the B4 experiment: {e}")))
    })?;
    let total = cohesion_experiment::Plan::new(&spec::load(&file)?)
        .count()
        .unwrap_or(0);
    if shards > total {
        return Err(Error::input(format!(
            "--anchor-shards {shards}: more than the {total} runs"
        )));
    }
    let task = |out: &str, workers, shard_count| {
        child::Task::Ensemble(Task {
            file: file.clone(),
            out: dir.join(out),
            workers,
            shard_count,
            runs,
        })
    };
    let both: Measured = in_child(&task("both", workers, 1))?;
    let both_s = Spread::of(&both.walls);
    progress(&format!(
        "b4 {total} runs on {workers} worker(s): {:.1} s (median of {})",
        both_s.median,
        both.walls.len()
    ));
    let one: Measured = in_child(&task("one", 1, shards))?;
    let anchor = Spread::of(&one.walls).scaled(shards as f64);
    let anchor_s = anchor.median;
    progress(&format!(
        "b4 anchor: {} runs one after another in {:.1} s (median of {}), × {shards} = {anchor_s:.1} s",
        one.runs,
        anchor_s / shards as f64,
        one.walls.len()
    ));
    let identical = same_parts(&one.folder, &both.folder)?;
    let common = |variant: &str, threads: usize, wall: Spread, repeats: usize, peak: u64| -> Row {
        vec![
            ("benchmark", "b4".into()),
            ("size", agents.into()),
            ("agents", agents.into()),
            ("variant", variant.into()),
            ("threads", threads.into()),
            ("repeats", repeats.into()),
            ("years", years.into()),
            ("runs", total.into()),
            ("run_s", wall.median.into()),
            ("run_s_min", wall.min.into()),
            ("run_s_max", wall.max.into()),
            (
                "runs_per_hour",
                (total as f64 * 3600.0 / wall.median.max(1e-9)).into(),
            ),
            ("peak_mib", mib(peak)),
        ]
    };
    let mut anchor_row = common(
        "one-after-another",
        1,
        anchor,
        one.walls.len(),
        one.peak_kib,
    );
    anchor_row.push(("x_anchor", 1.0.into()));
    let both_s_median = both_s.median;
    let mut parallel = common("parallel", workers, both_s, both.walls.len(), both.peak_kib);
    parallel.extend([
        ("identical", if identical { "yes" } else { "no" }.into()),
        (
            "efficiency",
            (anchor_s / (both_s_median * workers as f64).max(1e-9)).into(),
        ),
        ("x_anchor", (anchor_s / both_s_median.max(1e-9)).into()),
    ]);
    let mut report = Report {
        rows: vec![anchor_row, parallel],
        notes: vec![
            format!(
                "b4: {total} runs = 5 futures × 4 packages × {replications} replication(s) at {agents} agents, {years} years, every indicator kept; `cohesion experiment`'s runner, each worker one run at a time on a one-thread pool"
            ),
            format!(
                "each row repeats the whole experiment in one process: {}; run_s = the median wall time over those repeats (repeats = their number), run_s_min/max the fastest and slowest; no separate warm-up run: the first repeat is kept, later repeats run in a warm process, and min/max show whether the first was slower",
                runs.describe()
            ),
            format!(
                "anchor: shard 1/{shards} ({} runs) on 1 worker, its time × {shards}; identical = its parts are byte-identical to the parallel run's; x_anchor = anchor ÷ this run_s; efficiency = anchor ÷ (workers × run_s)",
                one.runs
            ),
        ],
    };
    if !identical {
        report
            .notes
            .push("WARNING: the anchor's results differ from the parallel run's".into());
    }
    Ok(report)
}
