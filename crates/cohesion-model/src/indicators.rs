//! Indicators per year and per group (DESIGN §4): SCP's six cohesion indicators, the
//! Bertelsmann radar's nine dimensions and their composite, inequality, the three levels of
//! the digital divide, social distance and polarisation. Gaps between groups are read off
//! the group rows; a few population-only measures appear only in the `all` group.

use crate::agents::*;
use crate::ascending::{Median, Opinion, Shares, Sum};
use crate::mechanisms::participation::is_lonely;
use crate::params::Params;
use crate::prefetch::prefetch;
use crate::stats::*;
use crate::synthesis::ABOVE_BASIC;
use crate::world::{Peer, World};
use rayon::prelude::*;
use serde::Deserialize;
use std::sync::OnceLock;

pub const REFERENCE_TOML: &str = include_str!("../../../data/cohesion_reference.toml");

#[derive(Debug, Clone, PartialEq)]
pub struct Row {
    pub year: i32,
    pub group: String,
    pub indicator: &'static str,
    pub value: f64,
}

#[derive(Debug, Clone, Deserialize)]
pub struct Reference {
    pub provenance: String,
    pub dimension: Vec<Dimension>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct Dimension {
    pub name: String,
    pub indicator: String,
    pub mean: f64,
    pub sd: f64,
}

pub fn reference() -> &'static Reference {
    static R: OnceLock<Reference> = OnceLock::new();
    R.get_or_init(|| toml::from_str(REFERENCE_TOML).expect("data/cohesion_reference.toml parses"))
}

/// Mean-type indicators: the group value is the mean of a per-agent value over members
/// (over members aged 18–74 for the skill indicators, and members with ties for tie shares).
const MEANS: &[&str] = &[
    "generalised_trust",
    "institutional_trust",
    "social_participation",
    "volunteering",
    "club_membership",
    "political_participation",
    "cross_group_ties",
    "top_bottom_contact",
    "digital_access",
    "offline_share",
    "basic_digital_skills",
    "above_basic_skills",
    "digital_outcomes",
    "isolated_share",
    "lonely_share",
    "mean_ties",
    "affective_distance",
    "acceptance",
    "belonging",
    "perceived_fairness",
    "individualism",
    "solidarity",
    "withdrawn_share",
    "owner_share",
    "mean_income",
    "mean_wealth",
];

/// Per-agent values for MEANS, in that order; NaN means "not counted" (e.g. no ties).
fn agent_values(w: &World, peers: &[Peer], p: &Params, i: usize, q: &[f32; 2]) -> [f64; MEANS_LEN] {
    let a = &w.agents;
    let partners = w.ties.partners(i);
    let deg = partners.len();
    let cross = if deg == 0 {
        f64::NAN
    } else {
        partners
            .iter()
            .filter(|&&j| peers[j as usize].edu != a.edu[i])
            .count() as f64
            / deg as f64
    };
    let rank = w.income_rank[i];
    let other_end = partners.iter().any(|&j| {
        let theirs = peers[j as usize].income_rank;
        if rank >= 0.5 {
            theirs < q[0]
        } else {
            theirs >= q[1]
        }
    });
    let b = |x: bool| if x { 1.0 } else { 0.0 };
    let working_age = a.age[i] <= 74;
    let skill = a.skills[i];
    [
        b(a.trust_h[i] > 0.5),
        b(a.trust_v[i] > 0.5),
        b(a.has(i, VOLUNTEER) || a.has(i, CLUB)),
        b(a.has(i, VOLUNTEER)),
        b(a.has(i, CLUB)),
        b(a.has(i, VOTES)),
        cross,
        b(other_end),
        b(a.access[i] >= 0.5),
        b(a.access[i] < 0.5),
        if working_age {
            b(skill as f64 >= w.fitted.basic_threshold)
        } else {
            f64::NAN
        },
        if working_age {
            b(skill >= ABOVE_BASIC)
        } else {
            f64::NAN
        },
        a.outcomes[i] as f64,
        b(deg <= 1),
        b(is_lonely(w, p, i)),
        deg as f64,
        1.0 - a.warmth[i] as f64,
        a.warmth[i] as f64,
        a.belonging[i] as f64,
        b(w.fairness[i] > -0.05),
        a.individualism[i] as f64,
        1.0 - a.individualism[i] as f64,
        b(a.has(i, WITHDRAWN)),
        b(a.has(i, OWNER)),
        a.income[i] as f64,
        a.wealth[i] as f64,
    ]
}

/// Every indicator [`compute`] reports (a few only for the `all` group), in name order.
/// Experiments and monitors check users' choices against it; a test keeps it true.
pub const INDICATORS: &[&str] = &[
    "above_basic_skills",
    "acceptance",
    "access_gap_edu",
    "affective_distance",
    "basic_digital_skills",
    "belonging",
    "bimodality",
    "club_membership",
    "cohesion_index",
    "cross_group_ties",
    "digital_access",
    "digital_first_share",
    "digital_outcomes",
    "digital_value",
    "education_assortativity",
    "esteban_ray",
    "generalised_trust",
    "income_gini",
    "income_s80s20",
    "individualism",
    "institutional_trust",
    "isolated_share",
    "lonely_share",
    "mean_income",
    "mean_ties",
    "mean_wealth",
    "offline_share",
    "opinion_clusters",
    "opinion_mean",
    "opinion_variance",
    "outcomes_gap_edu_ratio",
    "owner_renter_wealth_ratio",
    "owner_share",
    "perceived_fairness",
    "political_participation",
    "population_share",
    "skills_gap_edu",
    "skills_gap_edu_ratio",
    "social_participation",
    "solidarity",
    "top_bottom_contact",
    "volunteering",
    "waves",
    "wealth_gini",
    "wealth_top10_share",
    "withdrawn_share",
];

/// The unit of an indicator, for self-describing outputs.
pub fn unit(indicator: &str) -> &'static str {
    match indicator {
        "cohesion_index" => "index (2025 reference mean 50, sd 10)",
        "income_gini" | "wealth_gini" => "Gini coefficient (0–1)",
        "income_s80s20" => "ratio of top to bottom quintile income",
        "owner_renter_wealth_ratio" | "outcomes_gap_edu_ratio" | "skills_gap_edu_ratio" => "ratio",
        "mean_ties" => "ties per person",
        "mean_income" => "euro per year (equivalised disposable)",
        "mean_wealth" => "euro",
        "opinion_clusters" => "count",
        "waves" => "technology waves arrived (count)",
        "esteban_ray" => "polarisation index (alpha = 1.6)",
        "opinion_mean" | "opinion_variance" | "bimodality" => "opinion scale 0–1",
        "access_gap_edu" | "skills_gap_edu" => "difference in shares (high − low education)",
        "education_assortativity" => "correlation",
        _ => "share of the group (0–1)",
    }
}

/// The names of the groups [`groups`] forms, in output order.
pub fn group_names() -> Vec<String> {
    let mut out: Vec<String> = ["all", "edu_low", "edu_middle", "edu_high"]
        .map(String::from)
        .to_vec();
    out.extend((1..=5).map(|q| format!("income_q{q}")));
    out.extend(["age_18_34", "age_35_54", "age_55_74", "age_75_plus"].map(String::from));
    let cal = crate::data::Calibration::embedded();
    out.extend(
        cal.synthesis
            .class
            .iter()
            .map(|c| format!("class_{}", c.name)),
    );
    out.extend(["top10", "rest90", "top1"].map(String::from));
    out
}

/// Agents in the same cell belong to the same groups. A cell is a combination of education
/// (3), income quintile (5), age band (4, or under 18), class (or none) and top-income band
/// (rest 90 %, top 10 % without the top 1 %, top 1 %): fewer than 2 048, so a cell and the
/// owner flag fit in the low bits of a sort key, and a pass over a sorted order finds each
/// agent's groups in a small table instead of a random read per agent.
struct Cells {
    classes: usize,
    /// Each cell's groups as a bit set: bit g for group g of [`group_names`].
    masks: Vec<u32>,
}

const AGE_BANDS: usize = 5;
const TOP_BANDS: usize = 3;
/// A cell code shifted left by one, with the owner flag in bit 0.
type Code = u16;

impl Cells {
    fn new(w: &World) -> Cells {
        let classes = w.calibration.synthesis.class.len();
        let count = 3 * 5 * AGE_BANDS * (classes + 1) * TOP_BANDS;
        assert!(
            count < 1 << 15,
            "cells must fit a u16 code with the owner bit"
        );
        let masks = (0..count)
            .map(|cell| {
                let (edu, quintile, age, class, top) = Cells::unpack(cell, classes);
                let mut mask = 1 | 1 << (1 + edu) | 1 << (4 + quintile);
                if age < 4 {
                    mask |= 1 << (9 + age);
                }
                if class < classes {
                    mask |= 1 << (13 + class);
                }
                mask |= 1 << (13 + classes + usize::from(top == 0));
                if top == 2 {
                    mask |= 1 << (15 + classes);
                }
                mask
            })
            .collect();
        Cells { classes, masks }
    }

    fn unpack(cell: usize, classes: usize) -> (usize, usize, usize, usize, usize) {
        let top = cell % TOP_BANDS;
        let rest = cell / TOP_BANDS;
        let class = rest % (classes + 1);
        let rest = rest / (classes + 1);
        let age = rest % AGE_BANDS;
        let rest = rest / AGE_BANDS;
        (rest / 5, rest % 5, age, class, top)
    }

    /// Agent i's cell and owner flag.
    fn code(&self, w: &World, i: usize) -> Code {
        let a = &w.agents;
        let rank = w.income_rank[i];
        let edu = a.edu[i].min(2) as usize;
        let quintile = (1..5).filter(|&q| rank >= q as f32 / 5.0).count();
        let age = match a.age[i] {
            0..=17 => 4,
            18..=34 => 0,
            35..=54 => 1,
            55..=74 => 2,
            _ => 3,
        };
        let class = (a.class[i] as usize).min(self.classes);
        let top = usize::from(rank >= 0.9) + usize::from(rank >= 0.99);
        let cell = (((edu * 5 + quintile) * AGE_BANDS + age) * (self.classes + 1) + class)
            * TOP_BANDS
            + top;
        (cell << 1 | usize::from(a.has(i, OWNER))) as Code
    }

    /// The groups of a cell, in ascending order.
    fn groups_of(&self, code: Code) -> impl Iterator<Item = usize> {
        let mut mask = self.masks[(code >> 1) as usize];
        std::iter::from_fn(move || {
            (mask != 0).then(|| {
                let g = mask.trailing_zeros() as usize;
                mask &= mask - 1;
                g
            })
        })
    }
}

fn is_owner(code: Code) -> bool {
    code & 1 == 1
}

/// The groups of DESIGN §4 and their members.
pub fn groups(w: &World) -> Vec<(String, Vec<u32>)> {
    let cells = Cells::new(w);
    let mut out: Vec<(String, Vec<u32>)> =
        group_names().into_iter().map(|g| (g, Vec::new())).collect();
    for i in 0..w.n() {
        for g in cells.groups_of(cells.code(w, i)) {
            out[g].1.push(i as u32);
        }
    }
    out
}

fn cohesion_index(values: &dyn Fn(&str) -> f64) -> f64 {
    let r = reference();
    let z: f64 = r
        .dimension
        .iter()
        .map(|d| (values(&d.indicator) - d.mean) / d.sd)
        .sum();
    50.0 + 10.0 * z / r.dimension.len() as f64
}

/// Calls `visit(group, code, value)` for each agent of `order` and each of its groups, so
/// every group sees its members' values in ascending order.
fn visit_groups(order: &[u64], cells: &Cells, mut visit: impl FnMut(usize, Code, f64)) {
    for &key in order {
        let (code, value) = (key_code(key), key_value(key) as f64);
        for g in cells.groups_of(code) {
            visit(g, code, value);
        }
    }
}

/// Agents sorted by `value`, as `value bits << 32 | code`: agents with equal values are
/// interchangeable in every order statistic, so the code can stand where the index would.
fn sorted_by(codes: &[Code], value: impl Fn(usize) -> f32 + Sync) -> Vec<u64> {
    sorted_tagged(codes.len(), value, |i| codes[i] as u32)
}

fn key_code(key: u64) -> Code {
    key_index(key) as Code
}

/// Per-group sums and counts of the mean-type values, plus group sizes and owner counts.
#[derive(Clone)]
struct Tally {
    sum: Vec<[f64; MEANS_LEN]>,
    count: Vec<[u32; MEANS_LEN]>,
    members: Vec<usize>,
    owners: Vec<usize>,
}

const MEANS_LEN: usize = 26;

impl Tally {
    fn new(groups: usize) -> Tally {
        Tally {
            sum: vec![[0.0; MEANS_LEN]; groups],
            count: vec![[0; MEANS_LEN]; groups],
            members: vec![0; groups],
            owners: vec![0; groups],
        }
    }

    fn add(&mut self, other: &Tally) {
        for g in 0..self.members.len() {
            for k in 0..MEANS_LEN {
                self.sum[g][k] += other.sum[g][k];
                self.count[g][k] += other.count[g][k];
            }
            self.members[g] += other.members[g];
            self.owners[g] += other.owners[g];
        }
    }

    fn means(&self, g: usize) -> Vec<f64> {
        (0..MEANS_LEN)
            .map(|k| match self.count[g][k] {
                0 => f64::NAN,
                c => self.sum[g][k] / c as f64,
            })
            .collect()
    }
}

/// Agents per tally chunk. Chunks are fixed, summed in order, so the means do not depend on
/// the thread count.
const TALLY_CHUNK: usize = 1 << 15;

pub fn compute(w: &World, p: &Params) -> Vec<Row> {
    let year = w.year();
    let n = w.n();
    let names = group_names();
    let groups = names.len();
    // income-rank cut-offs of the bottom and top quintiles, for top–bottom contact
    let q = [0.2f32, 0.8f32];
    let cells = Cells::new(w);
    let codes: Vec<Code> = (0..n)
        .into_par_iter()
        .with_min_len(4096)
        .map(|i| cells.code(w, i))
        .collect();
    let peers = w.peers();
    let partial: Vec<Tally> = (0..n.div_ceil(TALLY_CHUNK))
        .into_par_iter()
        .map(|c| {
            let mut t = Tally::new(groups);
            let first = c * TALLY_CHUNK;
            let chunk = &codes[first..n.min(first + TALLY_CHUNK)];
            for (i, &code) in (first..).zip(chunk) {
                // Partners are random reads: fetch a later agent's while this one is summed.
                if i + 2 < n {
                    for &j in w.ties.partners(i + 2) {
                        prefetch(&peers[j as usize]);
                    }
                }
                let values = agent_values(w, &peers, p, i, &q);
                let owner = is_owner(code);
                for g in cells.groups_of(code) {
                    t.members[g] += 1;
                    t.owners[g] += usize::from(owner);
                    // Branch-free, so it vectorises: adding 0.0 leaves a sum as it was.
                    for ((sum, count), &v) in t.sum[g].iter_mut().zip(&mut t.count[g]).zip(&values)
                    {
                        let counted = !v.is_nan();
                        *sum += if counted { v } else { 0.0 };
                        *count += u32::from(counted);
                    }
                }
            }
            t
        })
        .collect();
    let mut tally = Tally::new(groups);
    for t in &partial {
        tally.add(t);
    }
    drop(partial);
    drop(peers);
    let a = &w.agents;
    // One sorted order at a time (memory at full population scale); each group's statistics
    // take its members' values in ascending order, as a sorted copy of the group would hold
    // them, without the copy.
    let income: Vec<Shares> = {
        let order = sorted_by(&codes, |i| a.income[i]);
        let mut shares: Vec<Shares> = (0..groups)
            .map(|g| Shares::new(tally.members[g], 0.1))
            .collect();
        visit_groups(&order, &cells, |g, _, x| shares[g].push(x));
        shares
    };
    let (wealth, owner_ratio): (Vec<Shares>, Vec<f64>) = {
        let order = sorted_by(&codes, |i| a.wealth[i]);
        let mut shares: Vec<Shares> = (0..groups)
            .map(|g| Shares::new(tally.members[g], 0.1))
            .collect();
        // [owners, renters] per group
        let mut medians: Vec<[Median; 2]> = (0..groups)
            .map(|g| {
                let owners = tally.owners[g];
                [Median::new(owners), Median::new(tally.members[g] - owners)]
            })
            .collect();
        visit_groups(&order, &cells, |g, code, x| {
            shares[g].push(x);
            medians[g][usize::from(!is_owner(code))].push(x);
        });
        let ratio = medians
            .iter()
            .map(|[owners, renters]| owners.value() / renters.value())
            .collect();
        (shares, ratio)
    };
    let opinion: Vec<Opinion> = {
        let order = sorted_by(&codes, |i| a.opinion[i]);
        let mut sums = vec![Sum::default(); groups];
        visit_groups(&order, &cells, |g, _, x| sums[g].0 += x);
        let mut opinion: Vec<Opinion> = (0..groups)
            .map(|g| Opinion::new(tally.members[g], sums[g], 0.05, 0.05))
            .collect();
        visit_groups(&order, &cells, |g, _, x| opinion[g].push(x));
        opinion
    };
    drop(codes);
    let mut rows = Vec::new();
    let mut push = |group: &str, indicator: &'static str, value: f64| {
        rows.push(Row {
            year,
            group: group.to_string(),
            indicator,
            value,
        });
    };
    for (g, name) in names.iter().enumerate() {
        push(
            name,
            "population_share",
            tally.members[g] as f64 / n.max(1) as f64,
        );
        let means = tally.means(g);
        for (k, ind) in MEANS.iter().enumerate() {
            push(name, ind, means[k]);
        }
        push(name, "income_gini", income[g].gini());
        push(name, "income_s80s20", income[g].s80s20());
        push(name, "wealth_gini", wealth[g].gini());
        push(name, "wealth_top10_share", wealth[g].top_share());
        push(name, "owner_renter_wealth_ratio", owner_ratio[g]);
        let o = &opinion[g];
        push(name, "opinion_mean", o.mean());
        push(name, "opinion_variance", o.variance());
        push(name, "bimodality", o.bimodality());
        push(name, "esteban_ray", o.esteban_ray());
        push(name, "opinion_clusters", o.clusters() as f64);
        let lookup = |ind: &str| {
            MEANS
                .iter()
                .position(|m| *m == ind)
                .map_or(f64::NAN, |k| means[k])
        };
        push(name, "cohesion_index", cohesion_index(&lookup));
    }
    // Population-only measures: gaps between the high (group 3) and low (group 1) education
    // groups.
    let by_edu = |indicator: &str, g: usize| {
        let k = MEANS.iter().position(|m| *m == indicator).unwrap_or(0);
        tally.means(g)[k]
    };
    let (high, low) = (3, 1);
    push("all", "education_assortativity", education_assortativity(w));
    push(
        "all",
        "skills_gap_edu",
        by_edu("above_basic_skills", high) - by_edu("above_basic_skills", low),
    );
    push(
        "all",
        "skills_gap_edu_ratio",
        by_edu("above_basic_skills", high) / by_edu("above_basic_skills", low),
    );
    push(
        "all",
        "access_gap_edu",
        by_edu("digital_access", high) - by_edu("digital_access", low),
    );
    push(
        "all",
        "outcomes_gap_edu_ratio",
        by_edu("digital_outcomes", high) / by_edu("digital_outcomes", low),
    );
    push("all", "digital_value", w.macro_state.digital_value);
    push("all", "digital_first_share", w.macro_state.digital_first);
    push("all", "waves", w.macro_state.waves as f64);
    rows
}

/// Pearson correlation of education levels across the two ends of every tie (Newman 2003's
/// scalar assortativity): 1 when ties only join equals, 0 when they ignore education.
pub fn education_assortativity(w: &World) -> f64 {
    let a = &w.agents;
    let edu = &a.edu;
    // Integer sums, so the parallel reduction is exact and independent of the split.
    let (sx, sxx, sxy, m) = (0..w.n())
        .into_par_iter()
        .with_min_len(1 << 14)
        .map(|i| {
            let x = edu[i] as u64;
            let (mut sy, mut d) = (0u64, 0u64);
            for &j in w.ties.partners(i) {
                sy += edu[j as usize] as u64;
                d += 1;
            }
            (x * d, x * x * d, x * sy, d)
        })
        .reduce(
            || (0, 0, 0, 0),
            |p, q| (p.0 + q.0, p.1 + q.1, p.2 + q.2, p.3 + q.3),
        );
    let (sx, sxx, sxy, m) = (sx as f64, sxx as f64, sxy as f64, m as f64);
    if m == 0.0 {
        return f64::NAN;
    }
    let mean = sx / m;
    let var = sxx / m - mean * mean;
    if var <= 0.0 {
        return f64::NAN;
    }
    (sxy / m - mean * mean) / var
}

#[cfg(test)]
mod name_tests {
    use super::*;

    #[test]
    fn the_declared_names_are_exactly_what_compute_reports() {
        let (w, p) = crate::sim::small_world(600, 3);
        let rows = compute(&w, &p);
        let mut indicators: Vec<&str> = rows.iter().map(|r| r.indicator).collect();
        indicators.sort_unstable();
        indicators.dedup();
        assert_eq!(indicators, INDICATORS);
        let mut groups: Vec<String> = Vec::new();
        for r in &rows {
            if !groups.contains(&r.group) {
                groups.push(r.group.clone());
            }
        }
        assert_eq!(groups, group_names());
    }

    #[test]
    fn each_agent_is_in_exactly_the_groups_its_attributes_say() {
        let (w, _) = crate::sim::small_world(3000, 5);
        let cells = Cells::new(&w);
        let names = group_names();
        let a = &w.agents;
        let mut seen_top1 = false;
        for i in 0..w.n() {
            let code = cells.code(&w, i);
            assert_eq!(is_owner(code), a.has(i, OWNER));
            let mine: Vec<&str> = cells.groups_of(code).map(|g| names[g].as_str()).collect();
            let rank = w.income_rank[i];
            let quintile = format!(
                "income_q{}",
                1 + (rank as f64 * 5.0).floor().min(4.0) as usize
            );
            let edu = ["edu_low", "edu_middle", "edu_high"][a.edu[i].min(2) as usize];
            let mut expected = vec!["all", edu, quintile.as_str()];
            let age = match a.age[i] {
                18..=34 => Some("age_18_34"),
                35..=54 => Some("age_35_54"),
                55..=74 => Some("age_55_74"),
                75.. => Some("age_75_plus"),
                _ => None,
            };
            expected.extend(age);
            let class = w.calibration.synthesis.class.get(a.class[i] as usize);
            let class_name = class.map(|c| format!("class_{}", c.name));
            expected.extend(class_name.as_deref());
            expected.push(if rank >= 0.9 { "top10" } else { "rest90" });
            if rank >= 0.99 {
                expected.push("top1");
                seen_top1 = true;
            }
            assert_eq!(mine, expected, "agent {i}");
        }
        assert!(seen_top1, "the test population reaches the top 1 %");
    }
}
