//! Assembling the finished parts (of one folder, or of several shard folders) into the
//! experiment's `results.parquet`, `runs.csv` and `runs.parquet`, in run-id order. The bytes depend only on
//! the experiment and the runs' results, so a merged cluster run equals a local run.

use crate::describe;
use crate::parts::{self, Names};
use crate::plan::Plan;
use crate::spec::Experiment;
use crate::store;
use cohesion_io::{Error, Result};
use std::path::{Path, PathBuf};

/// Write `target/results.parquet` and `target/runs.csv` from the parts in `sources`, which
/// together must hold every run exactly once.
pub fn results(e: &Experiment, plan: &Plan, target: &Path, sources: &[PathBuf]) -> Result<PathBuf> {
    let total = plan.count().unwrap_or(0);
    let mut owner: Vec<Option<usize>> = vec![None; total as usize];
    for (s, dir) in sources.iter().enumerate() {
        for run in store::read_manifest(dir)?.keys() {
            if let Some(slot) = owner.get_mut(*run as usize) {
                slot.get_or_insert(s);
            }
        }
    }
    if let Some(missing) = owner.iter().position(Option::is_none) {
        return Err(Error::input(format!(
            "run {missing} has no finished part; the results cannot be assembled yet"
        )));
    }
    let names = Names::model();
    let mut records = Vec::new();
    for (run, s) in owner.iter().enumerate() {
        let dir = &sources[s.expect("checked above")];
        let path = dir.join("parts").join(store::part_name(run as u32));
        let part = parts::read(&path, &names)?;
        if part.iter().any(|r| r.run != run as u32) {
            return Err(Error::input(format!(
                "{}: holds rows of another run",
                path.display()
            )));
        }
        records.extend(part);
    }
    let path = target.join("results.parquet");
    let tmp = target.join(".results.parquet.tmp");
    let result =
        parts::write(&tmp, &records, &names, &describe::experiment_metadata(e)).and_then(|_| {
            std::fs::rename(&tmp, &path).map_err(|err| Error::io(&path, "move into place", err))
        });
    if result.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    result?;
    describe::runs_table(e, plan).write_csv(&target.join("runs.csv"))?;
    let runs: Vec<_> = (0..total).map(|id| plan.run(id)).collect();
    let runs_path = target.join("runs.parquet");
    let tmp = target.join(".runs.parquet.tmp");
    let result = parts::write_runs(
        &tmp,
        &runs,
        &e.futures.iter().map(|f| f.name.clone()).collect::<Vec<_>>(),
        &e.packages
            .iter()
            .map(|p| p.name.clone())
            .collect::<Vec<_>>(),
        &e.factors.iter().map(|f| f.name.clone()).collect::<Vec<_>>(),
        &plan.points,
        &describe::experiment_metadata(e),
    )
    .and_then(|_| {
        std::fs::rename(&tmp, &runs_path)
            .map_err(|err| Error::io(&runs_path, "move into place", err))
    });
    if result.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    result?;
    Ok(path)
}
