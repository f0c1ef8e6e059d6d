//! From answers to what the facilitator sees: means and spreads per force and per cell, and
//! the consistent scenarios of the mean matrix and of each participant's own matrix.
//!
//! A workshop works on a subset of the study's descriptors (`data/cib/study.toml`): its own
//! CIB matrix keeps their variants, descriptions, force mapping and named futures. Cells are
//! numbered as in [`Cib`]: row = acting variant, column = impacted variant. Each participant
//! scores the descriptor pairs assigned to their seat; a cell nobody scored stays open (`?`)
//! and does not enter the mean ([`cohesion_cib::ensemble`]).

use cohesion_cib::ensemble::{combine, Combine};
use cohesion_cib::{Algorithm, Cib, Engine};
use serde::Serialize;

/// The study matrix restricted to `names` (in the order given), with the mapping and the
/// futures that only involve kept descriptors. Judgements are zeroed: a workshop starts from
/// its participants, not from our reconstruction.
pub fn workshop_cib(study: &Cib, names: &[String]) -> Result<Cib, String> {
    let mut keep = Vec::with_capacity(names.len());
    for n in names {
        let i = study
            .descriptor_index(n)
            .ok_or_else(|| format!("unknown descriptor `{n}`"))?;
        if keep.contains(&i) {
            return Err(format!("descriptor `{n}` is listed twice"));
        }
        keep.push(i);
    }
    if keep.len() < 2 {
        return Err("a workshop needs at least two descriptors".into());
    }
    let mut cib = Cib::zeros(keep.iter().map(|&i| study.descriptors[i].clone()).collect());
    cib.title = study.title.clone();
    cib.range = study.range;
    let new_index = |old: usize| keep.iter().position(|&k| k == old);
    for m in &study.mapping {
        if let Some(d) = new_index(m.descriptor) {
            let mut m = m.clone();
            m.descriptor = d;
            cib.mapping.push(m);
        }
    }
    for (name, fv) in &study.futures {
        let mapped: Option<Vec<(usize, u8)>> = fv
            .iter()
            .map(|&(d, v)| new_index(d).map(|d| (d, v)))
            .collect();
        if let Some(mapped) = mapped.filter(|m| !m.is_empty()) {
            cib.futures.push((name.clone(), mapped));
        }
    }
    Ok(cib)
}

/// Ordered descriptor pairs (acting, impacted), acting-major.
pub fn pairs(descriptors: usize) -> Vec<(usize, usize)> {
    (0..descriptors)
        .flat_map(|a| {
            (0..descriptors)
                .filter(move |&b| b != a)
                .map(move |b| (a, b))
        })
        .collect()
}

/// The pairs seat `seat` scores: `per_seat` consecutive pairs starting at `seat × per_seat`,
/// wrapping, so successive seats cover the matrix before anyone gets a pair twice.
pub fn assigned(seat: usize, per_seat: usize, descriptors: usize) -> Vec<(usize, usize)> {
    let all = pairs(descriptors);
    let k = per_seat.min(all.len());
    (0..k).map(|t| all[(seat * k + t) % all.len()]).collect()
}

/// Mean, sample standard deviation (0 for one value), minimum and maximum.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Spread {
    pub n: usize,
    pub mean: f64,
    pub sd: f64,
    pub min: f64,
    pub max: f64,
}

pub fn spread(values: &[f64]) -> Option<Spread> {
    if values.is_empty() {
        return None;
    }
    let n = values.len();
    let mean = values.iter().sum::<f64>() / n as f64;
    let sd = if n > 1 {
        (values.iter().map(|v| (v - mean).powi(2)).sum::<f64>() / (n - 1) as f64).sqrt()
    } else {
        0.0
    };
    let min = values.iter().copied().fold(f64::INFINITY, f64::min);
    let max = values.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    Some(Spread {
        n,
        mean,
        sd,
        min,
        max,
    })
}

/// One judge's matrix: the given cells scored, every other cell open.
pub fn judge_cib(base: &Cib, judge: &str, impacts: &[(usize, usize, i32)]) -> Cib {
    let mut c = base.clone();
    c.judge = Some(judge.to_string());
    c.scored.iter_mut().for_each(|s| *s = false);
    let n = c.total_variants();
    for &(src, dst, v) in impacts {
        c.cells[src * n + dst] = v;
        c.scored[src * n + dst] = true;
    }
    c
}

/// The mean over judges (open cells skipped); `base` itself when there are no judges.
pub fn mean_cib(base: &Cib, judges: &[Cib]) -> Cib {
    if judges.is_empty() {
        return base.clone();
    }
    combine(judges, Combine::Mean).unwrap_or_else(|| base.clone())
}

/// A consistent scenario, named for people.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Scenario {
    /// Variant index per descriptor.
    pub variants: Vec<u8>,
    /// `descriptor = variant` per descriptor.
    pub labels: Vec<(String, String)>,
    /// Names of the study futures it matches.
    pub futures: Vec<String>,
    /// Total impact score in judgement units.
    pub tis: f64,
}

/// Consistent scenarios (inconsistency 0), highest total impact score first; `limit` caps
/// the list, `count` is the full number.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CibResult {
    pub count: usize,
    pub space: u64,
    pub scenarios: Vec<Scenario>,
}

pub fn consistent(cib: &Cib, limit: usize) -> CibResult {
    let engine = Engine::new(cib, &[], 0);
    let mut found = engine.search(Algorithm::BranchAndBound);
    cohesion_cib::engine::sort_found(&mut found);
    let scale = cib.scale.max(1) as f64;
    CibResult {
        count: found.len(),
        space: u64::try_from(cib.scenario_count()).unwrap_or(u64::MAX),
        scenarios: found
            .iter()
            .take(limit)
            .map(|f| Scenario {
                variants: f.scenario.clone(),
                labels: cib
                    .descriptors
                    .iter()
                    .zip(&f.scenario)
                    .map(|(d, &v)| (d.name.clone(), d.variants[v as usize].clone()))
                    .collect(),
                futures: cib
                    .futures_of(&f.scenario)
                    .iter()
                    .map(|s| s.to_string())
                    .collect(),
                tis: f.tis as f64 / scale,
            })
            .collect(),
    }
}

/// The model's forces for a scenario: mapped descriptors set their force, the others keep
/// the baseline future's value.
pub fn forces_of(
    cib: &Cib,
    scenario: &[u8],
    baseline: cohesion_scenarios::Forces,
) -> cohesion_scenarios::Forces {
    let mut f = baseline;
    for m in &cib.mapping {
        let v = m.values[scenario[m.descriptor] as usize];
        match m.force.as_str() {
            "public_values" => f.public_values = v,
            "digital_autonomy" => f.digital_autonomy = v,
            "data_driven_influence" => f.data_driven_influence = v,
            "private_infrastructure" => f.private_infrastructure = v,
            "tech_optimism" => f.tech_optimism = v,
            _ => {}
        }
    }
    f
}

/// The mean matrix as an integer CIB file: cells rounded to the nearest integer (open cells
/// stay open). Rounding is lossy; the CSV export keeps every answer exactly.
pub fn rounded(mean: &Cib) -> Cib {
    let mut c = mean.clone();
    let s = c.scale.max(1) as f64;
    c.cells
        .iter_mut()
        .for_each(|v| *v = (*v as f64 / s).round() as i32);
    c.scale = 1;
    c
}

#[cfg(test)]
mod tests {
    use super::*;

    fn study() -> Cib {
        cohesion_cib::format_toml::parse(cohesion_cib::STUDY_TOML, std::path::Path::new("study"))
            .unwrap()
    }

    #[test]
    fn subset_keeps_mapping_and_futures_of_kept_descriptors() {
        let s = study();
        let names: Vec<String> = ["digital_autonomy", "public_values", "horizontal_cohesion"]
            .map(String::from)
            .to_vec();
        let w = workshop_cib(&s, &names).unwrap();
        assert_eq!(w.descriptors[0].name, "digital_autonomy");
        assert_eq!(w.mapping.len(), 2);
        let pv = w
            .mapping
            .iter()
            .find(|m| m.force == "public_values")
            .unwrap();
        assert_eq!(pv.descriptor, 1);
        assert!(w.cells.iter().all(|&c| c == 0));
        assert!(workshop_cib(&s, &["nope".to_string(), "public_values".to_string()]).is_err());
        assert!(workshop_cib(&s, &names[..1]).is_err());
    }

    #[test]
    fn seats_cover_every_pair_before_repeating() {
        let n = 4;
        let all = pairs(n);
        assert_eq!(all.len(), 12);
        let mut seen: Vec<(usize, usize)> = (0..4).flat_map(|s| assigned(s, 3, n)).collect();
        seen.sort();
        assert_eq!(seen, {
            let mut a = all.clone();
            a.sort();
            a
        });
        assert_eq!(assigned(4, 3, n), assigned(0, 3, n));
        assert_eq!(assigned(0, 99, n).len(), 12);
    }

    #[test]
    fn spread_matches_hand_computation() {
        let s = spread(&[1.0, 2.0, 3.0, 6.0]).unwrap();
        assert_eq!(s.mean, 3.0);
        assert!((s.sd - (14.0f64 / 3.0).sqrt()).abs() < 1e-12);
        assert_eq!((s.min, s.max, s.n), (1.0, 6.0, 4));
        assert_eq!(spread(&[2.0]).unwrap().sd, 0.0);
        assert!(spread(&[]).is_none());
    }

    #[test]
    fn mean_matrix_skips_open_cells_and_finds_the_agreed_scenario() {
        let s = study();
        let names: Vec<String> = ["public_values", "digital_autonomy"]
            .map(String::from)
            .to_vec();
        let w = workshop_cib(&s, &names).unwrap();
        // variants: 0 strong, 1 weak, 2 high, 3 low; both judges make strong <-> high support
        // each other, one judge also scores weak -> low (the other leaves it open)
        let a = judge_cib(&w, "a", &[(0, 2, 3), (0, 3, -3), (2, 0, 2), (2, 1, -2)]);
        let b = judge_cib(
            &w,
            "b",
            &[(0, 2, 1), (0, 3, -1), (2, 0, 2), (2, 1, -2), (1, 3, 2)],
        );
        let m = mean_cib(&w, &[a, b]);
        let k = m.scale as f64;
        assert_eq!(m.cell(0, 2) as f64 / k, 2.0);
        assert_eq!(
            m.cell(1, 3) as f64 / k,
            2.0,
            "one judge's cell is their value, not halved"
        );
        let r = consistent(&m, 10);
        assert!(r.scenarios.iter().any(|s| s.variants == vec![0, 0]));
        assert!(!r.scenarios.iter().any(|s| s.variants == vec![0, 1]));
        assert_eq!(r.space, 4);
        let f = forces_of(
            &m,
            &[0, 0],
            cohesion_scenarios::forces::baseline().unwrap().forces,
        );
        assert_eq!(f.public_values, 0.85);
        assert_eq!(f.digital_autonomy, 0.85);
        assert_eq!(rounded(&m).cell(0, 2), 2);
    }
}
