//! B3: the cohesion model at population scale. Per size, in its own process: set-up (synthesis,
//! network, burn-in, the start year's indicators), then `--years` simulated years each with
//! their indicators, as `cohesion run` does; then a STREAM-like copy in the same process.
//! Each size is measured in several such processes (`runs::Runs`); each figure is their median.
//! With `--out DIR` every finished run is appended to DIR/b3.jsonl (one fsynced line), and a
//! rerun with the same binary and options skips the runs already there.

use super::resume::{append, binary_identity, load_done, Key, Line};
use super::runs::{Runs, Spread};
use super::{child, in_child, median, mib, parse_sizes, peak_kib, progress, stream};
use super::{BenchArgs, Report, Row};
use crate::cmd::run::{parse_agents, FULL_POPULATION};
use cohesion_io::{Cell, Error, Result};
use cohesion_model::{indicators, RunConfig, World};
use cohesion_scenarios::{forces, policies};
use serde::{Deserialize, Serialize};
use std::path::PathBuf;
use std::time::Instant;

/// Monthly encounter rounds per simulated year: the passes over the state B3's bandwidth
/// definition counts.
const MONTHS: f64 = 12.0;

#[derive(Serialize, Deserialize, Debug, Clone)]
pub struct Task {
    pub agents: usize,
    pub years: u32,
    pub seed: u64,
    pub threads: usize,
    pub stream_mib: usize,
    pub stream_tries: usize,
}

#[derive(Serialize, Deserialize, Debug, Clone, PartialEq)]
pub struct Measured {
    pub agents: usize,
    pub setup_s: f64,
    pub s_per_year: f64,
    pub bytes_per_agent: usize,
    pub peak_kib: u64,
    /// Generalised trust of everyone in the last year: a share, a sanity check.
    pub trust_all: f64,
    pub stream_1t_gbps: f64,
    pub stream_gbps: f64,
}

/// In the child: one run of the baseline future without policies, then the copy.
pub fn measure(t: &Task) -> Result<Measured> {
    let scenario = forces::future("baseline")?;
    let package = policies::package("none")?;
    let schedule = cohesion_scenarios::schedule(&scenario, &package, t.years)?;
    let cfg = RunConfig {
        agents: t.agents,
        years: t.years,
        seed: t.seed,
        ..Default::default()
    };
    let (world_part, peak) = crate::cmd::with_threads(t.threads, || {
        let started = Instant::now();
        let mut w = World::new(&cfg, &schedule[0]);
        indicators::compute(&w, &schedule[0]);
        let setup_s = started.elapsed().as_secs_f64();
        super::progress(&format!("b3 {} agents: set-up in {setup_s:.1} s", t.agents));
        let mut years = Vec::new();
        let mut last = Vec::new();
        for y in 1..=t.years as usize {
            let p = &schedule[y.min(schedule.len() - 1)];
            let started = Instant::now();
            w.advance(p);
            last = indicators::compute(&w, p);
            years.push(started.elapsed().as_secs_f64());
            super::progress(&format!(
                "b3 {} agents: year {y}/{} in {:.2} s",
                t.agents,
                t.years,
                years[y - 1]
            ));
        }
        let trust = last
            .iter()
            .find(|r| r.indicator == "generalised_trust" && r.group == "all")
            .map_or(f64::NAN, |r| r.value);
        let part = (w.n(), setup_s, median(&years), w.bytes_per_agent(), trust);
        // Read before the world is dropped and before the copy's arrays exist.
        (part, peak_kib())
    })?;
    let (agents, setup_s, s_per_year, bytes_per_agent, trust_all) = world_part;
    let copy = |threads| stream::copy_gbps(t.stream_mib, t.stream_tries, threads);
    Ok(Measured {
        agents,
        setup_s,
        s_per_year,
        bytes_per_agent,
        peak_kib: peak,
        trust_all,
        stream_1t_gbps: copy(1).map_err(Error::failure)?,
        stream_gbps: copy(t.threads).map_err(Error::failure)?,
    })
}

fn sizes(args: &BenchArgs) -> Result<Vec<usize>> {
    let mut sizes = match (&args.sizes, args.quick) {
        (Some(list), _) => parse_sizes(list)?,
        (None, true) => vec![2_000, 10_000],
        (None, false) => vec![10_000, 100_000, 1_000_000, 3_000_000],
    };
    if args.full && !sizes.contains(&FULL_POPULATION) {
        sizes.push(FULL_POPULATION);
    }
    for &n in &sizes {
        parse_agents(&n.to_string()).map_err(|e| Error::input(format!("--sizes: {e}")))?;
    }
    Ok(sizes)
}

pub fn bench(args: &BenchArgs) -> Result<Report> {
    let sizes = sizes(args)?;
    let threads = args
        .threads
        .unwrap_or_else(|| std::thread::available_parallelism().map_or(1, |n| n.get()));
    let runs = Runs::from_args(args.repeats, args.quick.then_some(1));
    let stream_mib = args.stream_mib.unwrap_or(if args.quick { 64 } else { 512 });
    let stream_tries = if args.quick { 3 } else { 10 };
    let key = Key {
        program: cohesion_experiment::store::PROGRAM.into(),
        binary: binary_identity(),
        years: args.years,
        seed: args.seed,
        threads,
        stream_mib,
        stream_tries,
    };
    let file: Option<PathBuf> = match &args.out {
        Some(dir) => {
            std::fs::create_dir_all(dir).map_err(|e| Error::io(dir, "create", e))?;
            Some(dir.join("b3.jsonl"))
        }
        None => None,
    };
    let done = match &file {
        Some(f) => load_done(f, &key)?,
        None => Vec::new(),
    };
    let mut report = Report::default();
    let mut differing = Vec::new();
    for &size in &sizes {
        let task = Task {
            agents: size,
            years: args.years,
            seed: args.seed,
            threads,
            stream_mib,
            stream_tries,
        };
        let one_run = |run: usize| -> Result<Line> {
            if let Some(line) = done.iter().find(|l| l.size == size && l.run == run) {
                progress(&format!(
                    "b3 {size} agents: run {run} already in the --out file, skipped"
                ));
                return Ok(line.clone());
            }
            let started = Instant::now();
            let measured: Measured = in_child(&child::Task::Population(task.clone()))?;
            let line = Line {
                key: key.clone(),
                size,
                run,
                wall_s: started.elapsed().as_secs_f64(),
                measured,
            };
            if let Some(f) = &file {
                append(f, &line)?;
            }
            progress(&format!(
                "b3 {size} agents: run {run}: {:.3} s per simulated year (process {:.1} s)",
                line.measured.s_per_year, line.wall_s
            ));
            Ok(line)
        };
        let first = one_run(1)?;
        let count = runs.count(first.wall_s);
        let mut lines = vec![first];
        for run in 2..=count {
            lines.push(one_run(run)?);
        }
        let unused = done
            .iter()
            .filter(|l| l.size == size && l.run > count)
            .count();
        if unused > 0 {
            eprintln!(
                "note: b3 {size} agents: {unused} more run(s) in the --out file beyond the {count} asked for are not used"
            );
        }
        let measured: Vec<Measured> = lines.into_iter().map(|l| l.measured).collect();
        if measured
            .iter()
            .any(|m| m.trust_all.to_bits() != measured[0].trust_all.to_bits())
        {
            differing.push(size);
        }
        report
            .rows
            .push(row(size, &combine(&measured), args.years, threads));
    }
    report.notes = vec![
        format!(
            "b3: baseline future, no policy, seed {}; each size runs in separate processes, one per run: {}; every figure is the median over those runs (repeats = their number), s_per_year_min/max the fastest and slowest run; nothing is discarded",
            args.seed,
            runs.describe()
        ),
        format!(
            "warm-up: in each run, setup_s (synthesis + network + burn-in + the start year's indicators, which touches all state) is timed apart before the simulated years; s_per_year = median over {} simulated years (advance + indicators) within the run; peak_mib = the largest of the runs' peak resident memory (VmHWM, before the copy)",
            args.years
        ),
        format!(
            "touched_gbps = bytes_per_agent × agents × 12 monthly steps ÷ s_per_year: a DEFINITION of the bytes a simulated year must touch (each agent's state once a month), not a hardware counter; stream_*_gbps = STREAM-like copy, 2 × {stream_mib} MiB arrays, best of {stream_tries}, bytes read + written, measured in the same process on 1 and {threads} thread(s); x_anchor = touched_gbps ÷ stream_gbps"
        ),
    ];
    if !differing.is_empty() {
        report.notes.push(format!(
            "WARNING: trust_all differs between runs of the same seed at {differing:?} agents"
        ));
    }
    Ok(report)
}

/// One size's figures over its runs.
struct Figures {
    /// Medians of the times and rates; the largest peak; the rest from the first run.
    median: Measured,
    s_per_year: Spread,
    runs: usize,
}

fn combine(runs: &[Measured]) -> Figures {
    let med = |f: fn(&Measured) -> f64| median(&runs.iter().map(f).collect::<Vec<_>>());
    let first = runs.first().expect("at least one run");
    let s_per_year = Spread::of(&runs.iter().map(|m| m.s_per_year).collect::<Vec<_>>());
    Figures {
        median: Measured {
            setup_s: med(|m| m.setup_s),
            s_per_year: s_per_year.median,
            stream_1t_gbps: med(|m| m.stream_1t_gbps),
            stream_gbps: med(|m| m.stream_gbps),
            peak_kib: runs.iter().map(|m| m.peak_kib).max().unwrap_or(0),
            ..first.clone()
        },
        s_per_year,
        runs: runs.len(),
    }
}

fn row(size: usize, f: &Figures, years: u32, threads: usize) -> Row {
    let m = &f.median;
    let n = m.agents as f64;
    let touched = m.bytes_per_agent as f64 * n * MONTHS / m.s_per_year.max(1e-12) / 1e9;
    vec![
        ("benchmark", "b3".into()),
        ("size", size.into()),
        ("agents", m.agents.into()),
        ("variant", "model".into()),
        ("threads", threads.into()),
        ("repeats", f.runs.into()),
        ("years", years.into()),
        ("setup_s", m.setup_s.into()),
        ("s_per_year", m.s_per_year.into()),
        ("s_per_year_min", f.s_per_year.min.into()),
        ("s_per_year_max", f.s_per_year.max.into()),
        ("s_per_year_per_1e6", (m.s_per_year / n * 1e6).into()),
        ("peak_mib", mib(m.peak_kib)),
        ("bytes_per_agent", m.bytes_per_agent.into()),
        (
            "peak_bytes_per_agent",
            (m.peak_kib as f64 * 1024.0 / n).into(),
        ),
        ("trust_all", m.trust_all.into()),
        ("touched_gbps", touched.into()),
        ("stream_1t_gbps", m.stream_1t_gbps.into()),
        ("stream_gbps", m.stream_gbps.into()),
        ("x_anchor", Cell::Float(touched / m.stream_gbps.max(1e-12))),
    ]
}
