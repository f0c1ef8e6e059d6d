//! Joining the shard folders of a results folder: every run must be in exactly one shard;
//! missing and duplicated runs are reported, then the parts are assembled as a local run's.

use crate::assemble;
use crate::plan::Plan;
use crate::spec::{self, Experiment};
use crate::store::{self, Header};
use cohesion_io::{Error, Result};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

#[derive(Debug)]
pub struct Report {
    pub shards: Vec<PathBuf>,
    pub runs: u32,
    /// Runs found in more than one shard folder (with identical parts; kept once).
    pub duplicates: Vec<u32>,
    pub results: PathBuf,
}

/// The experiment a results folder was made from, read from its stored copy (relative
/// paths inside it resolve against where the original file was).
pub fn stored_experiment(dir: &Path, header: &Header) -> Result<Experiment> {
    let copy = dir.join("experiment.toml");
    let text = cohesion_io::error::read_utf8(&copy, 4 << 20)?;
    let origin = if header.source.is_empty() {
        copy.clone()
    } else {
        PathBuf::from(&header.source)
    };
    let e = spec::parse(&origin, &text)?;
    if store::sha256(&text) != header.experiment_sha256 {
        return Err(Error::input(format!(
            "{}: does not match the hash in folder.toml",
            copy.display()
        )));
    }
    Ok(e)
}

fn shard_folders(dir: &Path) -> Result<Vec<(u32, u32, PathBuf)>> {
    let entries = std::fs::read_dir(dir).map_err(|e| Error::io(dir, "list", e))?;
    let mut out = Vec::new();
    for entry in entries {
        let entry = entry.map_err(|e| Error::io(dir, "list", e))?;
        let name = entry.file_name().to_string_lossy().into_owned();
        let Some(rest) = name.strip_prefix("shard-") else {
            continue;
        };
        let Some((i, n)) = rest.split_once("-of-") else {
            continue;
        };
        if let (Ok(i), Ok(n)) = (i.parse(), n.parse()) {
            out.push((i, n, entry.path()));
        }
    }
    out.sort();
    Ok(out)
}

pub fn merge(dir: &Path) -> Result<Report> {
    let shards = shard_folders(dir)?;
    if shards.is_empty() {
        return Err(Error::input(format!(
            "{}: no shard folders (shard-I-of-N) to merge",
            dir.display()
        )));
    }
    let first = store::read_header(&shards[0].2)?;
    let counts: Vec<u32> = shards.iter().map(|s| s.1).collect();
    if counts.iter().any(|&n| n != counts[0]) {
        return Err(Error::input(format!(
            "{}: shard folders of different shard counts ({:?}); keep one sharding",
            dir.display(),
            counts
        )));
    }
    for (_, _, path) in &shards[1..] {
        let h = store::read_header(path)?;
        if h.experiment_sha256 != first.experiment_sha256 || h.program != first.program {
            return Err(Error::input(format!(
                "{}: made by a different experiment file or program than {}; refusing to mix",
                path.display(),
                shards[0].2.display()
            )));
        }
    }
    let e = stored_experiment(&shards[0].2, &first)?;
    let plan = Plan::new(&e);
    let total = first.runs;
    let mut found: BTreeMap<u32, Vec<usize>> = BTreeMap::new();
    for (s, (_, _, path)) in shards.iter().enumerate() {
        for run in store::read_manifest(path)?.keys() {
            found.entry(*run).or_default().push(s);
        }
    }
    let missing: Vec<u32> = (0..total).filter(|r| !found.contains_key(r)).collect();
    let absent_shards: Vec<u32> = (1..=counts[0])
        .filter(|i| !shards.iter().any(|s| s.0 == *i))
        .collect();
    if !missing.is_empty() {
        let shown: Vec<String> = missing.iter().take(10).map(|r| r.to_string()).collect();
        let which: Vec<String> = {
            let shards: std::collections::BTreeSet<u32> =
                missing.iter().map(|r| r % counts[0] + 1).collect();
            shards
                .iter()
                .map(|i| format!("{i}/{}", counts[0]))
                .collect()
        };
        return Err(Error::input(format!(
            "{}: {} of {total} runs are missing (runs {}{}), from shard(s) {}{}; run those shards (again) and merge",
            dir.display(),
            missing.len(),
            shown.join(", "),
            if missing.len() > 10 { ", …" } else { "" },
            which.join(", "),
            if absent_shards.is_empty() {
                String::new()
            } else {
                format!(
                    "; no folder at all for shard(s) {}",
                    absent_shards.iter().map(|i| i.to_string()).collect::<Vec<_>>().join(", ")
                )
            }
        )));
    }
    let mut duplicates = Vec::new();
    for (run, holders) in &found {
        if *run >= total {
            return Err(Error::input(format!(
                "{}: lists run {run}, beyond the experiment's {total} runs",
                shards[holders[0]].2.display()
            )));
        }
        if holders.len() > 1 {
            let bytes: Vec<Vec<u8>> = holders
                .iter()
                .map(|&s| {
                    let p = shards[s].2.join("parts").join(store::part_name(*run));
                    std::fs::read(&p).map_err(|e| Error::io(&p, "read", e))
                })
                .collect::<Result<_>>()?;
            if bytes.iter().any(|b| *b != bytes[0]) {
                return Err(Error::input(format!(
                    "run {run} is in {} shard folders with different results; remove the wrong one",
                    holders.len()
                )));
            }
            duplicates.push(*run);
        }
    }
    let sources: Vec<PathBuf> = shards.iter().map(|s| s.2.clone()).collect();
    let results = assemble::results(&e, &plan, dir, &sources)?;
    store::write_text(&dir.join("experiment.toml"), &e.text)?;
    Header {
        shard: format!("merged from {}", counts[0]),
        ..first
    }
    .write(dir)?;
    Ok(Report {
        shards: sources,
        runs: total,
        duplicates,
        results,
    })
}
