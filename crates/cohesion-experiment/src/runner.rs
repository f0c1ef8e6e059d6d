//! Running the pending runs of an experiment (or of one shard) on all cores.
//!
//! Each worker runs whole runs, one at a time, in a one-thread pool of its own: runs are
//! independent, so parallelism across runs wastes nothing on synchronisation, and a run's
//! result is the same whichever worker ran it. Finished parts go to the main thread, the only
//! writer of the manifest.

use crate::parts::{Names, Record};
use crate::plan::{Plan, Run, Shard};
use crate::spec::Experiment;
use crate::store::{sha256, Header, Store, PROGRAM};
use crate::{assemble, describe};
use cohesion_io::{Error, Result};
use cohesion_model::RunConfig;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::mpsc;

/// How a call to [`run`] went.
#[derive(Debug, Clone)]
pub struct Outcome {
    /// Where this process wrote (the results folder, or its shard's sub-folder).
    pub folder: PathBuf,
    pub total: u32,
    /// Runs this process owns (all, or its shard's).
    pub owned: u32,
    pub already_done: u32,
    pub ran: u32,
    /// The assembled `results.parquet`, when the whole experiment is now complete.
    pub results: Option<PathBuf>,
}

/// Called after every finished run with (runs done, runs owned).
pub type Progress<'a> = &'a (dyn Fn(u64, u64) + Sync);

pub fn folder_for(out: &Path, shard: Shard) -> PathBuf {
    if shard.is_all() {
        out.to_path_buf()
    } else {
        out.join(shard.folder_name())
    }
}

pub fn header(e: &Experiment, plan: &Plan, shard: Shard) -> Result<Header> {
    Ok(Header {
        experiment: e.name.clone(),
        experiment_sha256: sha256(&e.text),
        program: PROGRAM.to_string(),
        runs: plan
            .count()
            .ok_or_else(|| Error::input("the experiment has more than 4 294 967 294 runs"))?,
        shard: format!("{}/{}", shard.index, shard.count),
        source: std::fs::canonicalize(&e.path)
            .unwrap_or_else(|_| e.path.clone())
            .display()
            .to_string(),
    })
}

/// Simulate one run and keep the rows its outcomes ask for, in the fixed order (year,
/// group, indicator).
pub fn simulate(e: &Experiment, plan: &Plan, run: &Run, names: &Names) -> Result<Vec<Record>> {
    let base = plan.base_params(e, run.point);
    let schedule = cohesion_scenarios::schedule_from(
        &base,
        &e.futures[run.future],
        &e.packages[run.package],
        e.years,
    )?;
    let cfg = RunConfig {
        agents: e.agents,
        years: e.years,
        seed: run.seed,
        start_year: e.start_year,
        uniform_behaviour: e.uniform_behaviour,
        ..Default::default()
    };
    let rows = cohesion_model::run(&cfg, &schedule, &mut |_| {});
    let keep = describe::kept(e, names);
    let mut out: Vec<Record> = rows
        .iter()
        .filter_map(|r| {
            let group = names.group(&r.group)?;
            let indicator = names.indicator(r.indicator)?;
            keep(r.year, group, indicator).then_some(Record {
                run: run.id,
                year: r.year,
                group,
                indicator,
                value: r.value,
            })
        })
        .collect();
    out.sort_by_key(|r| (r.year, r.group, r.indicator));
    Ok(out)
}

/// Run every pending run this shard owns with `workers` threads, then, if the experiment is
/// complete and unsharded, assemble `results.parquet`.
pub fn run(
    e: &Experiment,
    out: &Path,
    shard: Shard,
    workers: usize,
    progress: Progress,
) -> Result<Outcome> {
    let plan = Plan::new(e);
    let header = header(e, &plan, shard)?;
    let total = header.runs;
    let folder = folder_for(out, shard);
    let mut store = Store::open(&folder, header, &e.text)?;
    let owned: Vec<u32> = (0..total).filter(|&id| shard.owns(id)).collect();
    let pending: Vec<u32> = owned
        .iter()
        .copied()
        .filter(|id| !store.done.contains_key(id))
        .collect();
    let already_done = (owned.len() - pending.len()) as u32;
    let names = Names::model();
    let next = AtomicUsize::new(0);
    let stop = AtomicBool::new(false);
    let (tx, rx) = mpsc::sync_channel::<Result<(u32, Vec<Record>)>>(workers.max(1));
    let mut ran = 0u32;
    let mut first_error: Option<Error> = None;
    progress(already_done as u64, owned.len() as u64);
    std::thread::scope(|scope| {
        for _ in 0..workers.max(1).min(pending.len().max(1)) {
            let tx = tx.clone();
            let (plan, names, next, stop, pending) = (&plan, &names, &next, &stop, &pending);
            scope.spawn(move || {
                let pool = match rayon::ThreadPoolBuilder::new().num_threads(1).build() {
                    Ok(p) => p,
                    Err(err) => {
                        let _ = tx.send(Err(Error::failure(format!("thread pool: {err}"))));
                        return;
                    }
                };
                while !stop.load(Ordering::Relaxed) {
                    let i = next.fetch_add(1, Ordering::Relaxed);
                    let Some(&id) = pending.get(i) else { break };
                    let run = plan.run(id);
                    let result = pool.install(|| simulate(e, plan, &run, names));
                    if tx.send(result.map(|r| (id, r))).is_err() {
                        break;
                    }
                }
            });
        }
        drop(tx);
        for message in rx {
            match message {
                Ok((id, records)) => {
                    let meta = describe::part_metadata(e, &plan, &plan.run(id));
                    match store.commit_part(id, &records, &names, &meta) {
                        Ok(_) => {
                            ran += 1;
                            progress((already_done + ran) as u64, owned.len() as u64);
                        }
                        Err(err) => {
                            stop.store(true, Ordering::Relaxed);
                            first_error.get_or_insert(err);
                        }
                    }
                }
                Err(err) => {
                    stop.store(true, Ordering::Relaxed);
                    first_error.get_or_insert(err);
                }
            }
        }
    });
    if let Some(err) = first_error {
        let note = format!(
            "{} (the {} finished runs are safely stored in {}; run the same command again to resume)",
            err.message(),
            store.done.len(),
            folder.display()
        );
        return Err(match err {
            Error::Input(_) => Error::input(note),
            Error::Failure(_) => Error::failure(note),
        });
    }
    let results = if shard.is_all() && store.done.len() as u32 == total {
        Some(assemble::results(
            e,
            &plan,
            &folder,
            std::slice::from_ref(&folder),
        )?)
    } else {
        None
    };
    Ok(Outcome {
        folder,
        total,
        owned: owned.len() as u32,
        already_done,
        ran,
        results,
    })
}
