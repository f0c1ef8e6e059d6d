//! B1 (Schelling) and B2 (Deffuant): ours sequential on one thread (the anchor, measured in
//! the same invocation) and ours parallel on `--threads` (default 2), through the
//! `cohesion-classic` library. Framework figures recorded earlier are shown beside, labelled.

use super::child;
use super::{in_child, median, mib, parse_sizes, peak_kib, progress, BenchArgs, Report, Which};
use cohesion_classic::deffuant::Deffuant;
use cohesion_classic::graph::{erdos_renyi, Matchings};
use cohesion_classic::schelling::Town;
use cohesion_classic::Schedule;
use cohesion_io::{Cell, Error, Result};
use serde::{Deserialize, Serialize};
use std::time::Instant;

/// B2's network and interaction parameters (benchmarks.md).
const DEGREE: usize = 20;
const EPSILON: f64 = 0.2;
const MU: f64 = 0.5;

/// Stepping seconds of 100 steps recorded for the reference implementations, from
/// `benchmarks/classic/RESULTS.md`, table "Timing, all implementations" (measured 2026-11-27,
/// 23:09–23:45 UTC, on this machine under a load of 3–7): (benchmark, size, plain, krABMaga,
/// Mesa). Mesa was not run at L = 1000 nor N = 10⁶.
const RECORDED: &[(&str, usize, f64, f64, Option<f64>)] = &[
    ("b1", 100, 0.053, 0.511, Some(3.981)),
    ("b1", 500, 0.971, 58.546, Some(211.792)),
    ("b1", 1000, 3.640, 239.295, None),
    ("b2", 10_000, 0.025, 0.366, Some(3.001)),
    ("b2", 100_000, 0.289, 14.543, Some(163.135)),
    ("b2", 1_000_000, 9.894, 297.554, None),
];
const RECORDED_STEPS: u64 = 100;

#[derive(Serialize, Deserialize, Debug, Clone)]
pub struct Task {
    pub deffuant: bool,
    pub size: usize,
    pub parallel: bool,
    pub threads: usize,
    pub steps: u64,
    pub seed: u64,
    pub repeats: usize,
}

#[derive(Serialize, Deserialize, Debug, Clone)]
pub struct Measured {
    pub agents: usize,
    pub setup_s: f64,
    pub run_s: f64,
    pub activations: u64,
    /// B1: unhappy share, like share; B2: clusters, large clusters.
    pub sanity: [f64; 2],
    pub peak_kib: u64,
}

struct Once {
    agents: usize,
    setup_s: f64,
    run_s: f64,
    activations: u64,
    sanity: [f64; 2],
}

fn once(t: &Task) -> Result<Once> {
    let schedule = if t.parallel {
        Schedule::Parallel
    } else {
        Schedule::Sequential
    };
    let started = Instant::now();
    if t.deffuant {
        let ties = erdos_renyi(t.size, DEGREE, t.seed)
            .map_err(|e| Error::input(format!("b2 size: {e}")))?;
        let mut model =
            Deffuant::new(ties, EPSILON, MU, t.seed).map_err(|e| Error::input(e.to_string()))?;
        let matchings = t.parallel.then(|| Matchings::colour(&model.ties, t.seed));
        let setup_s = started.elapsed().as_secs_f64();
        let started = Instant::now();
        let activations = model.run(schedule, matchings.as_ref(), t.seed, 1, t.steps);
        let run_s = started.elapsed().as_secs_f64();
        let c = model.clusters();
        Ok(Once {
            agents: model.agents(),
            setup_s,
            run_s,
            activations,
            sanity: [c.count as f64, c.large as f64],
        })
    } else {
        let mut town =
            Town::new(t.size, t.seed).map_err(|e| Error::input(format!("b1 size: {e}")))?;
        let setup_s = started.elapsed().as_secs_f64();
        let started = Instant::now();
        for step in 1..=t.steps {
            town.step(schedule, t.seed, step);
        }
        let run_s = started.elapsed().as_secs_f64();
        let s = town.segregation();
        Ok(Once {
            agents: town.agents(),
            setup_s,
            run_s,
            activations: town.agents() as u64 * t.steps,
            sanity: [s.unhappy_share, s.like_share],
        })
    }
}

/// In the child: one warm-up, then `repeats` timed runs (same seed, so the same result) on a
/// pool of `threads` threads; medians of the times.
pub fn measure(t: &Task) -> Result<Measured> {
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(t.threads)
        .build()
        .map_err(|e| Error::failure(format!("cannot start {} threads: {e}", t.threads)))?;
    pool.install(|| {
        once(t)?;
        let runs = (0..t.repeats)
            .map(|_| once(t))
            .collect::<Result<Vec<_>>>()?;
        let last = runs.last().expect("at least one repeat");
        Ok(Measured {
            agents: last.agents,
            setup_s: median(&runs.iter().map(|r| r.setup_s).collect::<Vec<_>>()),
            run_s: median(&runs.iter().map(|r| r.run_s).collect::<Vec<_>>()),
            activations: last.activations,
            sanity: last.sanity,
            peak_kib: peak_kib(),
        })
    })
}

fn recorded(
    which: &str,
    size: usize,
) -> Option<&'static (&'static str, usize, f64, f64, Option<f64>)> {
    RECORDED.iter().find(|r| r.0 == which && r.1 == size)
}

pub fn bench(args: &BenchArgs, which: Which) -> Result<Report> {
    let deffuant = which == Which::B2;
    let name = if deffuant { "b2" } else { "b1" };
    let sizes = match (&args.sizes, args.quick, deffuant) {
        (Some(list), _, _) => parse_sizes(list)?,
        (None, true, false) => vec![50, 100],
        (None, true, true) => vec![2_000, 10_000],
        (None, false, false) => vec![100, 500, 1000],
        (None, false, true) => vec![10_000, 100_000, 1_000_000],
    };
    let repeats = args.repeats.unwrap_or(5);
    let par_threads = args.threads.unwrap_or(2);
    let mut report = Report::default();
    for &size in &sizes {
        let mut anchor_run_s = None;
        for (parallel, threads) in [(false, 1), (true, par_threads)] {
            let variant = if parallel { "ours-par" } else { "ours-seq" };
            let task = Task {
                deffuant,
                size,
                parallel,
                threads,
                steps: args.steps,
                seed: args.seed,
                repeats,
            };
            let m: Measured = in_child(&child::Task::Classic(task))?;
            progress(&format!(
                "{name} size {size} {variant} on {threads} thread(s): {:.4} s per {} steps",
                m.run_s, args.steps
            ));
            let anchor = *anchor_run_s.get_or_insert(m.run_s);
            let per_s = m.activations as f64 / m.run_s.max(1e-9);
            let mut row: super::Row = vec![
                ("benchmark", name.into()),
                ("size", size.into()),
                ("agents", m.agents.into()),
                ("variant", variant.into()),
                ("threads", threads.into()),
                ("repeats", repeats.into()),
                ("steps", Cell::Int(args.steps as i64)),
                ("setup_s", m.setup_s.into()),
                ("run_s", m.run_s.into()),
                ("step_ms", (1e3 * m.run_s / args.steps as f64).into()),
                (
                    if deffuant {
                        "interactions_per_s"
                    } else {
                        "activations_per_s"
                    },
                    per_s.into(),
                ),
                ("peak_mib", mib(m.peak_kib)),
            ];
            if deffuant {
                row.push(("clusters", Cell::Int(m.sanity[0] as i64)));
                row.push(("large_clusters", Cell::Int(m.sanity[1] as i64)));
            } else {
                row.push(("unhappy_share", m.sanity[0].into()));
                row.push(("like_share", m.sanity[1].into()));
            }
            row.push(("x_anchor", (anchor / m.run_s.max(1e-9)).into()));
            // Recorded figures are for 100 steps; other step counts have nothing to compare.
            let rec = recorded(name, size).filter(|_| args.steps == RECORDED_STEPS);
            let ratio = |s: Option<f64>| s.map_or(Cell::Empty, |s| (s / m.run_s.max(1e-9)).into());
            row.push(("x_plain_recorded", ratio(rec.map(|r| r.2))));
            row.push(("x_krabmaga_recorded", ratio(rec.map(|r| r.3))));
            row.push(("x_mesa_recorded", ratio(rec.and_then(|r| r.4))));
            report.rows.push(row);
        }
    }
    let unit = if deffuant {
        "interactions"
    } else {
        "activations"
    };
    report.notes = vec![
        format!(
            "{name}: run_s = stepping time of {} steps (set-up apart), median of {repeats} runs after one warm-up, each variant in its own process; {unit}_per_s = {unit} ÷ run_s; peak_mib = that process's peak resident memory",
            args.steps
        ),
        format!(
            "x_anchor = ours-seq run_s (1 thread, measured in this run) ÷ this row's run_s; ours-par runs on {par_threads} thread(s)"
        ),
        "x_*_recorded = the framework's stepping time RECORDED in benchmarks/classic/RESULTS.md (2026-11-27, loaded machine) ÷ this row's run_s: recorded, NOT measured in this run; empty where nothing was recorded for this size".into(),
    ];
    Ok(report)
}
