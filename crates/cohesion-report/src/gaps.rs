//! Gaps between groups (education, income, age, the top 1 %): per run, the difference
//! between two groups' values each year; then, over the runs of a future and package, the
//! median and 5–95 % band of that difference. Differencing within a run first keeps the
//! runs' shared chance out of the gap.

use crate::fans::{self, Band};
use cohesion_experiment::results::Results;
use cohesion_explore::stats::percentile;
use std::collections::BTreeMap;

/// Two groups to compare; the gap is `a − b`.
#[derive(Debug, PartialEq, Eq)]
pub struct Pair {
    pub name: &'static str,
    pub a: &'static str,
    pub b: &'static str,
    pub words: &'static str,
}

const fn pair(name: &'static str, a: &'static str, b: &'static str, words: &'static str) -> Pair {
    Pair { name, a, b, words }
}

pub const PAIRS: &[Pair] = &[
    pair(
        "education",
        "edu_high",
        "edu_low",
        "high minus low educated",
    ),
    pair(
        "income",
        "income_q5",
        "income_q1",
        "top minus bottom income fifth",
    ),
    pair(
        "age",
        "age_18_34",
        "age_75_plus",
        "aged 18–34 minus aged 75 and over",
    ),
    pair("top 1 %", "top1", "all", "top 1 % by wealth minus everyone"),
];

/// Gap bands in the shape of the experiment's bands: `group` holds the pair's name.
pub fn bands(r: &Results, indicator: &str, pair: &Pair) -> Vec<Band> {
    let (Some(ind), Some(ga), Some(gb)) = (
        r.names.indicator(indicator),
        r.names.group(pair.a),
        r.names.group(pair.b),
    ) else {
        return Vec::new();
    };
    let e = &r.experiment;
    // Years where both groups are kept, read off the first run (every run keeps the same rows).
    let years = |g: u16| -> Vec<i32> {
        r.run_records(0)
            .iter()
            .filter(|x| x.indicator == ind && x.group == g)
            .map(|x| x.year)
            .collect()
    };
    let yb = years(gb);
    let common: Vec<i32> = years(ga).into_iter().filter(|y| yb.contains(y)).collect();
    if common.is_empty() {
        return Vec::new();
    }
    // gaps[(future, package)][year index] = one value per run
    let mut gaps: BTreeMap<(usize, usize), Vec<Vec<f64>>> = BTreeMap::new();
    for id in 0..r.runs() {
        let run = r.plan.run(id);
        let mut a = BTreeMap::new();
        let mut b = BTreeMap::new();
        for x in r.run_records(id) {
            if x.indicator == ind && x.group == ga {
                a.insert(x.year, x.value);
            }
            if x.indicator == ind && x.group == gb {
                b.insert(x.year, x.value);
            }
        }
        let slot = gaps
            .entry((run.future, run.package))
            .or_insert_with(|| vec![Vec::new(); common.len()]);
        for (k, y) in common.iter().enumerate() {
            if let (Some(va), Some(vb)) = (a.get(y), b.get(y)) {
                let d = va - vb;
                if d.is_finite() {
                    slot[k].push(d);
                }
            }
        }
    }
    let mut out = Vec::new();
    for ((fi, pi), per_year) in gaps {
        for (k, x) in per_year.iter().enumerate() {
            out.push(Band {
                future: e.futures[fi].name.clone(),
                package: e.packages[pi].name.clone(),
                indicator: indicator.to_string(),
                group: pair.name.to_string(),
                year: common[k],
                runs: x.len(),
                p5: percentile(x, 5.0),
                median: percentile(x, 50.0),
                p95: percentile(x, 95.0),
            });
        }
    }
    out
}

/// Every (indicator, pair) of the key indicators whose two groups the experiment kept.
pub fn available(r: &Results, key: &[(String, String)]) -> Vec<(String, &'static Pair)> {
    let kept = |i: &str, g: &str| {
        r.experiment
            .outcomes
            .iter()
            .any(|o| o.indicator == i && o.groups.iter().any(|x| x == g))
    };
    let mut out = Vec::new();
    let mut seen: Vec<&str> = Vec::new();
    for (ind, _) in key {
        if seen.contains(&ind.as_str()) {
            continue;
        }
        seen.push(ind);
        for p in PAIRS {
            if kept(ind, p.a) && kept(ind, p.b) {
                out.push((ind.clone(), p));
            }
        }
    }
    out
}

/// Words for a gap series' title.
pub fn title(indicator: &str, pair: &Pair) -> String {
    format!("{}: {}", fans::label(indicator), pair.words)
}
