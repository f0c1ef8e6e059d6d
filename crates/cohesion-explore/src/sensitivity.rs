//! Sensitivity indices from the designs of [`crate::design`].
//!
//! **Sobol'** (from a [`crate::design::saltelli`] run, outputs in its row order). Outputs are
//! first standardised over all n(k+2) values, `y ← (y − ȳ)/sd(y)` (as SALib does: the
//! first-order estimator is not invariant to a shift of y). With `f(A)_j`, `f(B)_j`,
//! `f(AB^(i))_j` for base rows j = 1..n and `V = Var[f(A) ∪ f(B)]` (2n values, divisor 2n):
//! - first order (Saltelli et al. 2010, table 2 (b)):
//!   `S_i = (1/n) Σ_j f(B)_j (f(AB^(i))_j − f(A)_j) / V`;
//! - total order (Jansen 1999): `S_Ti = (1/2n) Σ_j (f(A)_j − f(AB^(i))_j)² / V`.
//!
//! **Morris** (from a [`crate::design::morris`] run): for consecutive points x → x′ of a
//! trajectory, which differ in one factor i, the elementary effect is
//! `EE_i = (y′ − y) / ((x′_i − x_i)/(high_i − low_i))`, i.e. the output change per unit of the
//! factor's range (for a uniform factor the classic `Δy/Δ`). Over the r trajectories:
//! `μ_i = mean EE_i`, `μ*_i = mean |EE_i|`, `σ_i = sd(EE_i)` (divisor r − 1).
//!
//! **Confidence** (both, as SALib): draw `resamples` bootstrap samples of the base rows (Sobol')
//! or trajectories (Morris) with replacement, recompute the index on each, and report the
//! half-width `Φ⁻¹(½ + confidence/2) · sd(bootstrap indices)` (divisor B − 1). The point
//! estimate itself uses all the data.

use crate::design::Factor;
use crate::rng::SplitMix64;
use crate::stats::{mean, sample_sd, z_for_confidence};

#[derive(Clone, Debug, PartialEq)]
pub struct SobolIndex {
    pub factor: String,
    pub first: f64,
    /// Half-width of the bootstrap interval at the requested confidence.
    pub first_conf: f64,
    pub total: f64,
    pub total_conf: f64,
}

#[derive(Clone, Debug, PartialEq)]
pub struct MorrisIndex {
    pub factor: String,
    pub mu: f64,
    pub mu_star: f64,
    pub sigma: f64,
    /// Half-width of the bootstrap interval of μ* at the requested confidence.
    pub mu_star_conf: f64,
}

fn check_bootstrap(resamples: usize, confidence: f64) -> Result<(), String> {
    if resamples < 2 {
        return Err(format!("resamples must be at least 2 (got {resamples})"));
    }
    if !(confidence > 0.0 && confidence < 1.0) {
        return Err(format!(
            "confidence must lie strictly between 0 and 1 (got {confidence})"
        ));
    }
    Ok(())
}

fn check_finite(y: &[f64]) -> Result<(), String> {
    match y.iter().position(|v| !v.is_finite()) {
        Some(row) => Err(format!(
            "output of row {} is not a finite number ({})",
            row + 1,
            y[row]
        )),
        None => Ok(()),
    }
}

/// Sobol' first and total indices from outputs `y` in [`crate::design::saltelli`]'s row order,
/// with bootstrap half-widths over `resamples` resamples of the base rows.
pub fn sobol(
    factors: &[Factor],
    y: &[f64],
    resamples: usize,
    confidence: f64,
    seed: u64,
) -> Result<Vec<SobolIndex>, String> {
    let k = factors.len();
    if k == 0 {
        return Err("no factors".into());
    }
    let block = k + 2;
    if !y.len().is_multiple_of(block) || y.len() < 2 * block {
        return Err(format!(
            "{} outputs do not fit a Saltelli design of {k} factors: need a multiple of k+2 = {block}, at least two base rows",
            y.len()
        ));
    }
    check_bootstrap(resamples, confidence)?;
    check_finite(y)?;
    let centre = mean(y);
    let spread = (y.iter().map(|v| (v - centre).powi(2)).sum::<f64>() / y.len() as f64).sqrt();
    if spread == 0.0 {
        return Err("the output is constant: no variance to apportion".into());
    }
    let standard: Vec<f64> = y.iter().map(|v| (v - centre) / spread).collect();
    let rows: Vec<&[f64]> = standard.chunks(block).collect();
    let all: Vec<usize> = (0..rows.len()).collect();
    let z = z_for_confidence(confidence);
    let mut rng = SplitMix64::new(seed);
    let draws: Vec<Vec<usize>> = (0..resamples)
        .map(|_| (0..rows.len()).map(|_| rng.below(rows.len())).collect())
        .collect();
    Ok(factors
        .iter()
        .enumerate()
        .map(|(i, factor)| {
            let (first, total) = sobol_pair(&rows, &all, i);
            let (boot_first, boot_total): (Vec<f64>, Vec<f64>) =
                draws.iter().map(|d| sobol_pair(&rows, d, i)).unzip();
            SobolIndex {
                factor: factor.name.clone(),
                first,
                first_conf: z * sample_sd(&boot_first),
                total,
                total_conf: z * sample_sd(&boot_total),
            }
        })
        .collect())
}

/// (first, total) for factor i over the base rows `pick` (with repeats for a bootstrap draw).
fn sobol_pair(rows: &[&[f64]], pick: &[usize], i: usize) -> (f64, f64) {
    let k = rows[0].len() - 2;
    let n = pick.len() as f64;
    let (mut sum, mut sum_sq) = (0.0, 0.0);
    let (mut first, mut total) = (0.0, 0.0);
    for &j in pick {
        let (a, ab, b) = (rows[j][0], rows[j][1 + i], rows[j][k + 1]);
        sum += a + b;
        sum_sq += a * a + b * b;
        first += b * (ab - a);
        total += (a - ab) * (a - ab);
    }
    let m = sum / (2.0 * n);
    let variance = sum_sq / (2.0 * n) - m * m;
    (first / n / variance, 0.5 * total / n / variance)
}

/// Morris μ, μ*, σ and the bootstrap half-width of μ*, from rows `x` (factor units) and outputs
/// `y` in [`crate::design::morris`]'s row order.
pub fn morris(
    factors: &[Factor],
    x: &[Vec<f64>],
    y: &[f64],
    resamples: usize,
    confidence: f64,
    seed: u64,
) -> Result<Vec<MorrisIndex>, String> {
    let k = factors.len();
    if k == 0 {
        return Err("no factors".into());
    }
    if x.len() != y.len() {
        return Err(format!("{} design rows but {} outputs", x.len(), y.len()));
    }
    if !x.len().is_multiple_of(k + 1) || x.len() < 2 * (k + 1) {
        return Err(format!(
            "{} rows do not fit Morris trajectories of {k} factors: need a multiple of k+1 = {}, at least two trajectories",
            x.len(),
            k + 1
        ));
    }
    check_bootstrap(resamples, confidence)?;
    check_finite(y)?;
    if let Some(row) = x
        .iter()
        .position(|r| r.len() != k || r.iter().any(|v| !v.is_finite()))
    {
        return Err(format!(
            "design row {} does not hold {k} finite factor values",
            row + 1
        ));
    }
    let trajectories = x.len() / (k + 1);
    // effects[i][t]: elementary effect of factor i in trajectory t.
    let mut effects = vec![vec![f64::NAN; trajectories]; k];
    for (t, (points, outputs)) in x.chunks(k + 1).zip(y.chunks(k + 1)).enumerate() {
        for m in 1..=k {
            let row = t * (k + 1) + m;
            let (before, after) = (&points[m - 1], &points[m]);
            let moved: Vec<usize> = (0..k).filter(|&i| after[i] != before[i]).collect();
            let [i] = moved[..] else {
                return Err(format!(
                    "rows {} and {} differ in {} factors; a Morris step moves exactly one",
                    row,
                    row + 1,
                    moved.len()
                ));
            };
            if !effects[i][t].is_nan() {
                return Err(format!(
                    "trajectory {} moves factor {} twice (row {})",
                    t + 1,
                    factors[i].name,
                    row + 1
                ));
            }
            let range = factors[i].high - factors[i].low;
            effects[i][t] = (outputs[m] - outputs[m - 1]) / ((after[i] - before[i]) / range);
        }
    }
    let z = z_for_confidence(confidence);
    let mut rng = SplitMix64::new(seed);
    Ok(factors
        .iter()
        .zip(&effects)
        .map(|(factor, ee)| {
            let absolute: Vec<f64> = ee.iter().map(|e| e.abs()).collect();
            let boot: Vec<f64> = (0..resamples)
                .map(|_| {
                    (0..trajectories)
                        .map(|_| absolute[rng.below(trajectories)])
                        .sum::<f64>()
                        / trajectories as f64
                })
                .collect();
            MorrisIndex {
                factor: factor.name.clone(),
                mu: mean(ee),
                mu_star: mean(&absolute),
                sigma: sample_sd(ee),
                mu_star_conf: z * sample_sd(&boot),
            }
        })
        .collect())
}
