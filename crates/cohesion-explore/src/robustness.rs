//! Robustness of policies over states of the world (SOWs): regret and satisficing
//! (McPhail et al. 2018, "Robustness metrics", Earth's Future 6).
//!
//! Inputs are `values[policy][sow]` (or `outcomes[o][policy][sow]`); every policy shares the
//! same SOWs in the same order.
//!
//! - **Regret type 1** (deviation from the policy's own result in a reference SOW s₀):
//!   `r(p, s) = |y(p, s) − y(p, s₀)|`.
//! - **Regret type 2** (deviation from the best policy in each SOW): `r(p, s) = max_q y(q, s) −
//!   y(p, s)` when maximising, `y(p, s) − min_q y(q, s)` when minimising; always ≥ 0.
//!
//! Both are absolute (never divided by y, so an outcome near zero cannot blow them up). Each
//! is summarised per policy over the SOWs by a percentile (linear interpolation between order
//! statistics, type 7, see [`crate::stats`]), the mean and the maximum.
//!
//! - **Satisficing type 1**: the share of SOWs in which every outcome meets its threshold
//!   (`Maximise, b`: y ≥ b; `Minimise, b`: y ≤ b).
//! - **Satisficing type 2** (a radius of stability): the Euclidean distance, in the normalised
//!   uncertainty space (each factor scaled to [0, 1]), from the reference SOW to the nearest SOW
//!   in which some outcome fails its threshold; `+∞` when none fails, 0 when the reference
//!   itself fails.

use crate::stats::percentile;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Direction {
    Maximise,
    Minimise,
}

#[derive(Clone, Copy, Debug, PartialEq)]
pub struct RegretSummary {
    pub percentile_value: f64,
    pub mean: f64,
    pub max: f64,
}

/// Checks `values[policy][sow]` is non-empty, rectangular and finite; returns the SOW count.
fn check_matrix(values: &[Vec<f64>], what: &str) -> Result<usize, String> {
    let Some(first) = values.first() else {
        return Err(format!("{what}: no policies"));
    };
    let sows = first.len();
    if sows == 0 {
        return Err(format!("{what}: no states of the world"));
    }
    for (p, row) in values.iter().enumerate() {
        if row.len() != sows {
            return Err(format!(
                "{what}: policy {} has {} SOWs, policy 1 has {sows}",
                p + 1,
                row.len()
            ));
        }
        if let Some(s) = row.iter().position(|v| !v.is_finite()) {
            return Err(format!(
                "{what}: policy {}, SOW {}: not a finite number",
                p + 1,
                s + 1
            ));
        }
    }
    Ok(sows)
}

fn check_percentile(q: f64) -> Result<(), String> {
    if (0.0..=100.0).contains(&q) {
        Ok(())
    } else {
        Err(format!("percentile must lie in [0, 100] (got {q})"))
    }
}

fn summarise(regrets: &[f64], q: f64) -> RegretSummary {
    RegretSummary {
        percentile_value: percentile(regrets, q),
        mean: regrets.iter().sum::<f64>() / regrets.len() as f64,
        max: regrets.iter().copied().fold(f64::NEG_INFINITY, f64::max),
    }
}

/// Regret type 1 against the reference SOW `reference`, summarised per policy.
pub fn regret_type1(
    values: &[Vec<f64>],
    reference: usize,
    percentile: f64,
) -> Result<Vec<RegretSummary>, String> {
    let sows = check_matrix(values, "regret")?;
    check_percentile(percentile)?;
    if reference >= sows {
        return Err(format!(
            "reference SOW {} is beyond the {sows} SOWs",
            reference + 1
        ));
    }
    Ok(values
        .iter()
        .map(|row| {
            let regrets: Vec<f64> = row.iter().map(|y| (y - row[reference]).abs()).collect();
            summarise(&regrets, percentile)
        })
        .collect())
}

/// Regret type 2 against the best policy in each SOW, summarised per policy.
pub fn regret_type2(
    values: &[Vec<f64>],
    direction: Direction,
    percentile: f64,
) -> Result<Vec<RegretSummary>, String> {
    let sows = check_matrix(values, "regret")?;
    check_percentile(percentile)?;
    let best: Vec<f64> = (0..sows)
        .map(|s| {
            let column = values.iter().map(|row| row[s]);
            match direction {
                Direction::Maximise => column.fold(f64::NEG_INFINITY, f64::max),
                Direction::Minimise => column.fold(f64::INFINITY, f64::min),
            }
        })
        .collect();
    Ok(values
        .iter()
        .map(|row| {
            let regrets: Vec<f64> = row
                .iter()
                .zip(&best)
                .map(|(y, b)| match direction {
                    Direction::Maximise => b - y,
                    Direction::Minimise => y - b,
                })
                .collect();
            summarise(&regrets, percentile)
        })
        .collect())
}

/// Checks `outcomes[o][policy][sow]` against the thresholds; returns (policies, SOWs).
fn check_outcomes(
    outcomes: &[Vec<Vec<f64>>],
    thresholds: &[(Direction, f64)],
) -> Result<(usize, usize), String> {
    if outcomes.is_empty() {
        return Err("satisficing: no outcomes".into());
    }
    if outcomes.len() != thresholds.len() {
        return Err(format!(
            "satisficing: {} outcomes but {} thresholds",
            outcomes.len(),
            thresholds.len()
        ));
    }
    if let Some(o) = thresholds.iter().position(|(_, b)| !b.is_finite()) {
        return Err(format!(
            "satisficing: threshold of outcome {} is not a finite number",
            o + 1
        ));
    }
    let sows = check_matrix(&outcomes[0], "satisficing, outcome 1")?;
    let policies = outcomes[0].len();
    for (o, matrix) in outcomes.iter().enumerate().skip(1) {
        let what = format!("satisficing, outcome {}", o + 1);
        if check_matrix(matrix, &what)? != sows || matrix.len() != policies {
            return Err(format!(
                "{what}: {} policies × {} SOWs, outcome 1 has {policies} × {sows}",
                matrix.len(),
                matrix[0].len()
            ));
        }
    }
    Ok((policies, sows))
}

fn meets(y: f64, (direction, bound): (Direction, f64)) -> bool {
    match direction {
        Direction::Maximise => y >= bound,
        Direction::Minimise => y <= bound,
    }
}

/// Whether policy p meets every threshold in SOW s.
fn satisfied(
    outcomes: &[Vec<Vec<f64>>],
    thresholds: &[(Direction, f64)],
    p: usize,
    s: usize,
) -> bool {
    outcomes
        .iter()
        .zip(thresholds)
        .all(|(o, &t)| meets(o[p][s], t))
}

/// Satisficing type 1: per policy, the share of SOWs where every outcome meets its threshold.
pub fn satisficing_type1(
    outcomes: &[Vec<Vec<f64>>],
    thresholds: &[(Direction, f64)],
) -> Result<Vec<f64>, String> {
    let (policies, sows) = check_outcomes(outcomes, thresholds)?;
    Ok((0..policies)
        .map(|p| {
            (0..sows)
                .filter(|&s| satisfied(outcomes, thresholds, p, s))
                .count() as f64
                / sows as f64
        })
        .collect())
}

/// Satisficing type 2: per policy, the distance in normalised uncertainty space from the
/// reference SOW to the nearest failing SOW (`+∞` if none fails, 0 if the reference fails).
pub fn satisficing_type2(
    outcomes: &[Vec<Vec<f64>>],
    thresholds: &[(Direction, f64)],
    coords: &[Vec<f64>],
    reference: usize,
) -> Result<Vec<f64>, String> {
    let (policies, sows) = check_outcomes(outcomes, thresholds)?;
    if coords.len() != sows {
        return Err(format!(
            "satisficing: {} coordinate rows for {sows} SOWs",
            coords.len()
        ));
    }
    if reference >= sows {
        return Err(format!(
            "reference SOW {} is beyond the {sows} SOWs",
            reference + 1
        ));
    }
    let origin = &coords[reference];
    if let Some(s) = coords
        .iter()
        .position(|c| c.len() != origin.len() || c.iter().any(|v| !v.is_finite()))
    {
        return Err(format!(
            "satisficing: coordinates of SOW {} are not {} finite numbers",
            s + 1,
            origin.len()
        ));
    }
    let distance = |s: usize| -> f64 {
        coords[s]
            .iter()
            .zip(origin)
            .map(|(a, b)| (a - b) * (a - b))
            .sum::<f64>()
            .sqrt()
    };
    Ok((0..policies)
        .map(|p| {
            (0..sows)
                .filter(|&s| !satisfied(outcomes, thresholds, p, s))
                .map(distance)
                .fold(f64::INFINITY, f64::min)
        })
        .collect())
}
