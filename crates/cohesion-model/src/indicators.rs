//! Indicators per year and per group (DESIGN §4): SCP's six cohesion indicators, the
//! Bertelsmann radar's nine dimensions and their composite, inequality, the three levels of
//! the digital divide, social distance and polarisation. Gaps between groups are read off
//! the group rows; a few population-only measures appear only in the `all` group.

use crate::agents::*;
use crate::mechanisms::participation::is_lonely;
use crate::params::Params;
use crate::stats::*;
use crate::synthesis::ABOVE_BASIC;
use crate::world::World;
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
fn agent_values(w: &World, p: &Params, i: usize, q: &[f32; 2]) -> [f64; 26] {
    let a = &w.agents;
    let partners = w.ties.partners(i);
    let deg = partners.len();
    let cross = if deg == 0 {
        f64::NAN
    } else {
        partners
            .iter()
            .filter(|&&j| a.edu[j as usize] != a.edu[i])
            .count() as f64
            / deg as f64
    };
    let rank = w.income_rank[i];
    let other_end = partners.iter().any(|&j| {
        if rank >= 0.5 {
            w.income_rank[j as usize] < q[0]
        } else {
            w.income_rank[j as usize] >= q[1]
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

/// The groups of DESIGN §4 and their members.
pub fn groups(w: &World) -> Vec<(String, Vec<u32>)> {
    let a = &w.agents;
    let n = w.n();
    let mut out: Vec<(String, Vec<u32>)> = Vec::new();
    let select = |f: &dyn Fn(usize) -> bool| {
        (0..n as u32)
            .filter(|&i| f(i as usize))
            .collect::<Vec<u32>>()
    };
    out.push(("all".into(), (0..n as u32).collect()));
    for (e, name) in ["edu_low", "edu_middle", "edu_high"].iter().enumerate() {
        out.push((name.to_string(), select(&|i| a.edu[i] as usize == e)));
    }
    for q in 0..5 {
        let (lo, hi) = (q as f32 / 5.0, (q + 1) as f32 / 5.0);
        out.push((
            format!("income_q{}", q + 1),
            select(&|i| w.income_rank[i] >= lo && (w.income_rank[i] < hi || q == 4)),
        ));
    }
    for (name, lo, hi) in [
        ("age_18_34", 18, 34),
        ("age_35_54", 35, 54),
        ("age_55_74", 55, 74),
        ("age_75_plus", 75, 255),
    ] {
        out.push((name.into(), select(&|i| a.age[i] >= lo && a.age[i] <= hi)));
    }
    for (c, class) in w.calibration.synthesis.class.iter().enumerate() {
        out.push((
            format!("class_{}", class.name),
            select(&|i| a.class[i] as usize == c),
        ));
    }
    out.push(("top10".into(), select(&|i| w.income_rank[i] >= 0.9)));
    out.push(("rest90".into(), select(&|i| w.income_rank[i] < 0.9)));
    out.push(("top1".into(), select(&|i| w.income_rank[i] >= 0.99)));
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

/// Agent indices sorted by a key (ties broken by index, so the order is deterministic).
fn order_by(n: usize, key: impl Fn(usize) -> f64 + Sync) -> Vec<u32> {
    let mut v: Vec<u32> = (0..n as u32).collect();
    v.par_sort_unstable_by(|&a, &b| key(a as usize).total_cmp(&key(b as usize)).then(a.cmp(&b)));
    v
}

pub fn compute(w: &World, p: &Params) -> Vec<Row> {
    let year = w.year();
    let n = w.n();
    // income-rank cut-offs of the bottom and top quintiles, for top–bottom contact
    let q = [0.2f32, 0.8f32];
    let values: Vec<[f64; 26]> = (0..n)
        .into_par_iter()
        .with_min_len(1024)
        .map(|i| agent_values(w, p, i, &q))
        .collect();
    let a = &w.agents;
    // Sort once for the whole population; each group reads its members in this order, so
    // no group needs a sort of its own.
    let by_income = order_by(n, |i| a.income[i] as f64);
    let by_wealth = order_by(n, |i| a.wealth[i] as f64);
    let by_opinion = order_by(n, |i| a.opinion[i] as f64);
    let mut rows = Vec::new();
    let mut push = |group: &str, indicator: &'static str, value: f64| {
        rows.push(Row {
            year,
            group: group.to_string(),
            indicator,
            value,
        });
    };
    // Every agent belongs to at most MAX_GROUPS groups; one pass over each sorted order
    // hands each value to the groups of its agent, already in order.
    const MAX_GROUPS: usize = 8;
    let groups = groups(w);
    let mut of = vec![[u8::MAX; MAX_GROUPS]; n];
    let mut count_of = vec![0u8; n];
    for (g, (_, members)) in groups.iter().enumerate() {
        for &i in members {
            let c = &mut count_of[i as usize];
            of[i as usize][*c as usize] = g as u8;
            *c += 1;
        }
    }
    let spread =
        |order: &[u32], keep: &dyn Fn(usize) -> bool, f: &dyn Fn(usize) -> f64| -> Vec<Vec<f64>> {
            let mut out: Vec<Vec<f64>> = groups
                .iter()
                .map(|(_, m)| Vec::with_capacity(m.len()))
                .collect();
            for &i in order {
                let i = i as usize;
                if keep(i) {
                    let v = f(i);
                    for &g in &of[i][..count_of[i] as usize] {
                        out[g as usize].push(v);
                    }
                }
            }
            out
        };
    let ((incomes, wealths), ((owners, renters), opinions)) = rayon::join(
        || {
            rayon::join(
                || spread(&by_income, &|_| true, &|i| a.income[i] as f64),
                || spread(&by_wealth, &|_| true, &|i| a.wealth[i] as f64),
            )
        },
        || {
            rayon::join(
                || {
                    rayon::join(
                        || spread(&by_wealth, &|i| a.has(i, OWNER), &|i| a.wealth[i] as f64),
                        || spread(&by_wealth, &|i| !a.has(i, OWNER), &|i| a.wealth[i] as f64),
                    )
                },
                || spread(&by_opinion, &|_| true, &|i| a.opinion[i] as f64),
            )
        },
    );
    // Means per group, each summed over its members in index order (so the sums do not
    // depend on the thread count), groups in parallel.
    let group_means: Vec<Vec<f64>> = groups
        .par_iter()
        .map(|(_, members)| {
            let mut sum = [0.0f64; 26];
            let mut count = [0u32; 26];
            for &i in members {
                for (k, v) in values[i as usize].iter().enumerate() {
                    if !v.is_nan() {
                        sum[k] += v;
                        count[k] += 1;
                    }
                }
            }
            (0..MEANS.len())
                .map(|k| {
                    if count[k] > 0 {
                        sum[k] / count[k] as f64
                    } else {
                        f64::NAN
                    }
                })
                .collect()
        })
        .collect();
    for (g, (name, members)) in groups.iter().enumerate() {
        push(
            name,
            "population_share",
            members.len() as f64 / n.max(1) as f64,
        );
        let means = &group_means[g];
        for (k, ind) in MEANS.iter().enumerate() {
            push(name, ind, means[k]);
        }
        let (income, wealth) = (&incomes[g], &wealths[g]);
        push(name, "income_gini", gini_sorted(income));
        push(name, "income_s80s20", s80s20_sorted(income));
        push(name, "wealth_gini", gini_sorted(wealth));
        push(name, "wealth_top10_share", top_share_sorted(wealth, 0.1));
        let ratio = if owners[g].is_empty() || renters[g].is_empty() {
            f64::NAN
        } else {
            quantile_sorted(&owners[g], 0.5) / quantile_sorted(&renters[g], 0.5)
        };
        push(name, "owner_renter_wealth_ratio", ratio);
        let op = &opinions[g];
        push(name, "opinion_mean", mean(op));
        push(name, "opinion_variance", variance(op));
        push(name, "bimodality", bimodality(op));
        push(name, "esteban_ray", esteban_ray(op, 20));
        push(
            name,
            "opinion_clusters",
            clusters_sorted(op, 0.05, 0.05) as f64,
        );
        let lookup = |ind: &str| {
            MEANS
                .iter()
                .position(|m| *m == ind)
                .map_or(f64::NAN, |k| means[k])
        };
        push(name, "cohesion_index", cohesion_index(&lookup));
    }
    // Population-only measures.
    let by_edu = |k: usize, e: u8| {
        let (mut s, mut c) = (0.0, 0usize);
        for (i, row) in values.iter().enumerate() {
            let v = row[k];
            if a.edu[i] == e && !v.is_nan() {
                s += v;
                c += 1;
            }
        }
        s / c.max(1) as f64
    };
    let above = MEANS
        .iter()
        .position(|m| *m == "above_basic_skills")
        .unwrap_or(0);
    let access = MEANS
        .iter()
        .position(|m| *m == "digital_access")
        .unwrap_or(0);
    let outcomes = MEANS
        .iter()
        .position(|m| *m == "digital_outcomes")
        .unwrap_or(0);
    push("all", "education_assortativity", education_assortativity(w));
    push("all", "skills_gap_edu", by_edu(above, 2) - by_edu(above, 0));
    push(
        "all",
        "skills_gap_edu_ratio",
        by_edu(above, 2) / by_edu(above, 0),
    );
    push(
        "all",
        "access_gap_edu",
        by_edu(access, 2) - by_edu(access, 0),
    );
    push(
        "all",
        "outcomes_gap_edu_ratio",
        by_edu(outcomes, 2) / by_edu(outcomes, 0),
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
    let (mut sx, mut sxx, mut sxy, mut m) = (0.0f64, 0.0f64, 0.0f64, 0.0f64);
    for i in 0..w.n() {
        let x = a.edu[i] as f64;
        for &j in w.ties.partners(i) {
            let y = a.edu[j as usize] as f64;
            sx += x;
            sxx += x * x;
            sxy += x * y;
            m += 1.0;
        }
    }
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
}
