//! A finished results folder, loaded for analysis, and its scalar outcomes.
//!
//! A scalar outcome is named `indicator:group:WHEN`, where WHEN is a year (the value that
//! year), `final` (the last kept year) or `change` (last kept year minus first), for
//! example `cohesion_index:all:2050` or `lonely_share:age_75_plus:change`.

use crate::merge::stored_experiment;
use crate::parts::{self, Names, Record};
use crate::plan::Plan;
use crate::spec::Experiment;
use crate::store;
use cohesion_io::{Error, Result};
use std::path::{Path, PathBuf};

pub struct Results {
    pub dir: PathBuf,
    pub experiment: Experiment,
    pub plan: Plan,
    pub names: Names,
    /// In run, year, group, indicator order.
    pub records: Vec<Record>,
    /// `records[run_start[r]..run_start[r + 1]]` are run r's.
    run_start: Vec<usize>,
}

/// When a scalar outcome is read off a run's series.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum When {
    Year(i32),
    Final,
    Change,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Scalar {
    pub indicator: u16,
    pub group: u16,
    pub when: When,
    pub name: String,
}

impl Results {
    pub fn load(dir: &Path) -> Result<Results> {
        let header = store::read_header(dir)?;
        let path = dir.join("results.parquet");
        if !path.exists() {
            let done = store::read_manifest(dir).map(|m| m.len()).unwrap_or(0);
            return Err(Error::input(format!(
                "{}: the experiment is not complete ({done} of {} runs in this folder); \
                 finish it with `cohesion experiment run`, or `merge` its shards",
                dir.display(),
                header.runs
            )));
        }
        let experiment = stored_experiment(dir, &header)?;
        let plan = Plan::new(&experiment);
        let names = Names::model();
        let records = parts::read(&path, &names)?;
        let runs = header.runs as usize;
        let mut run_start = vec![0usize; runs + 1];
        for r in &records {
            if r.run as usize >= runs {
                return Err(Error::input(format!(
                    "{}: run {} is beyond the experiment's {runs} runs",
                    path.display(),
                    r.run
                )));
            }
            run_start[r.run as usize + 1] += 1;
        }
        for i in 0..runs {
            run_start[i + 1] += run_start[i];
        }
        if records.windows(2).any(|w| w[0].run > w[1].run) {
            return Err(Error::input(format!(
                "{}: rows are not in run order",
                path.display()
            )));
        }
        Ok(Results {
            dir: dir.to_path_buf(),
            experiment,
            plan,
            names,
            records,
            run_start,
        })
    }

    pub fn runs(&self) -> u32 {
        (self.run_start.len() - 1) as u32
    }

    pub fn run_records(&self, run: u32) -> &[Record] {
        &self.records[self.run_start[run as usize]..self.run_start[run as usize + 1]]
    }

    /// Parse `indicator:group:WHEN`; with `None`, the first kept indicator in `all` (or its
    /// first group) in the final year.
    pub fn scalar(&self, spec: Option<&str>) -> Result<Scalar> {
        let spec = match spec {
            Some(s) => s.to_string(),
            None => {
                let o = &self.experiment.outcomes[0];
                let g = if o.groups.iter().any(|g| g == "all") {
                    "all"
                } else {
                    &o.groups[0]
                };
                format!("{}:{g}:final", o.indicator)
            }
        };
        let bad = |msg: String| Error::input(format!("outcome `{spec}`: {msg}"));
        let parts: Vec<&str> = spec.split(':').collect();
        let [ind, group, when] = parts[..] else {
            return Err(bad(
                "write it as indicator:group:WHEN, WHEN a year, `final` or `change` \
                 (for example cohesion_index:all:2050)"
                    .into(),
            ));
        };
        let kept: Vec<String> = self
            .experiment
            .outcomes
            .iter()
            .flat_map(|o| o.groups.iter().map(move |g| format!("{}:{g}", o.indicator)))
            .collect();
        let known = || format!("kept outcomes: {}", kept.join(", "));
        if !kept.contains(&format!("{ind}:{group}")) {
            return Err(bad(format!("not kept by this experiment; {}", known())));
        }
        let when = match when {
            "final" => When::Final,
            "change" => When::Change,
            y => When::Year(
                y.parse()
                    .map_err(|_| bad(format!("`{y}` is not a year, `final` or `change`")))?,
            ),
        };
        let s = Scalar {
            indicator: self.names.indicator(ind).expect("kept names are known"),
            group: self.names.group(group).expect("kept names are known"),
            when,
            name: spec.clone(),
        };
        if let When::Year(y) = when {
            if !self
                .run_records(0)
                .iter()
                .any(|r| r.year == y && r.indicator == s.indicator && r.group == s.group)
            {
                return Err(bad(format!("year {y} is not kept by this experiment")));
            }
        }
        Ok(s)
    }

    /// Every scalar a summary reports: final value and change of each kept series.
    pub fn default_scalars(&self) -> Vec<Scalar> {
        let mut out = Vec::new();
        for o in &self.experiment.outcomes {
            for g in &o.groups {
                for when in ["final", "change"] {
                    let spec = format!("{}:{g}:{when}", o.indicator);
                    if let Ok(s) = self.scalar(Some(&spec)) {
                        if !out.contains(&s) {
                            out.push(s);
                        }
                    }
                }
            }
        }
        out
    }

    /// The scalar's value in each run (NaN where the run lacks it). Every run of an
    /// experiment keeps the same rows in the same order, so the series' positions are found
    /// once, on the first run, and checked on each run before use.
    pub fn values(&self, s: &Scalar) -> Vec<f64> {
        let matches = |r: &Record| r.indicator == s.indicator && r.group == s.group;
        let layout: Vec<usize> = self
            .run_records(0)
            .iter()
            .enumerate()
            .filter(|(_, r)| matches(r))
            .map(|(i, _)| i)
            .collect();
        let reference = self.run_records(0);
        (0..self.runs())
            .map(|run| {
                let records = self.run_records(run);
                let same_layout = records.len() == reference.len()
                    && layout
                        .iter()
                        .all(|&i| records[i].year == reference[i].year && matches(&records[i]));
                let series: Vec<&Record> = if same_layout {
                    layout.iter().map(|&i| &records[i]).collect()
                } else {
                    records.iter().filter(|r| matches(r)).collect()
                };
                match s.when {
                    When::Year(y) => series
                        .iter()
                        .find(|r| r.year == y)
                        .map_or(f64::NAN, |r| r.value),
                    When::Final => series.last().map_or(f64::NAN, |r| r.value),
                    When::Change => match (series.first(), series.last()) {
                        (Some(a), Some(b)) => b.value - a.value,
                        _ => f64::NAN,
                    },
                }
            })
            .collect()
    }
}
