//! Factors and experiment designs. A design is built in the unit cube (one `u ∈ [0, 1]` per
//! factor) and mapped to factor units by each factor's inverse CDF ([`Factor::quantile`]).
//!
//! **Distributions** on `[low, high]` (L, H), inverse CDF of `u`:
//! - `Uniform`: `L + u(H − L)`.
//! - `LogUniform` (L > 0): `exp(ln L + u(ln H − ln L))`.
//! - `Triangular { mode: M }`: with `c = (M − L)/(H − L)`, `L + √(u(H − L)(M − L))` for
//!   `u < c`, else `H − √((1 − u)(H − L)(H − M))`.
//! - `Normal { mean: μ, sd: σ }` truncated to `[L, H]`: with `a = (L − μ)/σ`, `b = (H − μ)/σ`,
//!   `μ + σ Φ⁻¹(Φ(a) + u(Φ(b) − Φ(a)))`; when both bounds lie above the mean the same is done
//!   on upper-tail probabilities `Φ(−x)` so that far-tail windows keep their precision. If the
//!   window holds no representable normal mass (both bounds beyond ~38 sd) it falls back to
//!   uniform.
//!
//! Every quantile returns exactly L at u = 0 and H at u = 1 and is clamped into `[L, H]`.
//!
//! **Designs** (rows in factor units, one column per factor, in factor order):
//! - [`full_factorial`]: `levels` points per factor at `u = i/(levels − 1)`, i = 0..levels (the
//!   endpoints included, as EMA Workbench's full factorial does; `u = ½` when `levels = 1`);
//!   every combination, first factor slowest.
//! - [`latin_hypercube`]: n rows; for each factor an independent random permutation `π` of the
//!   n strata and `u_i = (π(i) + v_i)/n` with `v_i` uniform on [0, 1), so each stratum
//!   `[s/n, (s+1)/n)` holds exactly one row.
//! - [`saltelli`]: base matrices A and B from one 2k-dimensional Owen-scrambled Sobol' sequence
//!   (`sobol_burley`; A = dimensions 0..k, B = k..2k of point j). No points are skipped: the
//!   scramble removes the all-zero first point that makes unscrambled sequences skip. Per base
//!   row j the output is `A_j, AB_j^(1), …, AB_j^(k), B_j`, where `AB_j^(i)` is A_j with column
//!   i taken from B_j (SALib's `calc_second_order=False` layout), n(k+2) rows in all. Base rows
//!   beyond 2¹⁶ and dimensions beyond 256 use a fresh scramble seed per block (Burley's
//!   padding): still stratified within a block, randomly associated across blocks. Powers of
//!   two for n keep the sequence balanced.
//! - [`morris`]: r trajectories of k+1 points on the p-level grid `{0, 1/(p−1), …, 1}` with step
//!   `Δ = p/(2(p−1))`. Each trajectory draws a base point `x*` among the grid levels `≤ 1 − Δ`,
//!   a sign `d_i = ±1` per factor and a random factor order; it starts at `x*_i` (d = +1) or
//!   `x*_i + Δ` (d = −1) and then moves one factor at a time, in that order, by `d_i Δ`. With p
//!   even every point lies on the grid. Consecutive points differ in exactly one factor.

use crate::rng::{mix, SplitMix64};
use crate::stats::{normal_cdf, normal_quantile};

#[derive(Clone, Debug, PartialEq)]
pub enum Distribution {
    Uniform,
    LogUniform,
    Triangular {
        mode: f64,
    },
    /// Truncated to the factor's `[low, high]`.
    Normal {
        mean: f64,
        sd: f64,
    },
}

#[derive(Clone, Debug, PartialEq)]
pub struct Factor {
    pub name: String,
    pub low: f64,
    pub high: f64,
    pub distribution: Distribution,
}

impl Factor {
    pub fn uniform(name: &str, low: f64, high: f64) -> Self {
        Self {
            name: name.to_string(),
            low,
            high,
            distribution: Distribution::Uniform,
        }
    }

    /// Inverse CDF on `[low, high]`: maps `u ∈ [0, 1]` (clamped; NaN stays NaN) to a value.
    /// Validates nothing (see [`Factor::validate`]); formulas in the module doc.
    pub fn quantile(&self, u: f64) -> f64 {
        let (low, high) = (self.low, self.high);
        if u.is_nan() {
            return f64::NAN;
        }
        let u = u.clamp(0.0, 1.0);
        if u == 0.0 {
            return low;
        }
        if u == 1.0 {
            return high;
        }
        let value = match self.distribution {
            Distribution::Uniform => low + u * (high - low),
            Distribution::LogUniform => (low.ln() + u * (high.ln() - low.ln())).exp(),
            Distribution::Triangular { mode } => {
                let width = high - low;
                if u * width < mode - low {
                    low + (u * width * (mode - low)).sqrt()
                } else {
                    high - ((1.0 - u) * width * (high - mode)).sqrt()
                }
            }
            Distribution::Normal { mean, sd } => truncated_normal(u, low, high, mean, sd),
        };
        value.clamp(low, high)
    }

    /// `Err(message)` when a bound is not finite, `low >= high`, a triangular mode lies outside
    /// `[low, high]`, a normal sd is not positive (or a parameter not finite), or a log-uniform
    /// factor has `low <= 0`.
    pub fn validate(&self) -> Result<(), String> {
        let name = &self.name;
        if !self.low.is_finite() || !self.high.is_finite() {
            return Err(format!("factor {name}: bounds must be finite numbers"));
        }
        if self.low >= self.high {
            return Err(format!(
                "factor {name}: low ({}) must be below high ({})",
                self.low, self.high
            ));
        }
        match self.distribution {
            Distribution::Uniform => Ok(()),
            Distribution::LogUniform if self.low <= 0.0 => Err(format!(
                "factor {name}: a log-uniform factor needs low > 0 (got {})",
                self.low
            )),
            Distribution::LogUniform => Ok(()),
            Distribution::Triangular { mode } if !(self.low..=self.high).contains(&mode) => {
                Err(format!(
                    "factor {name}: mode {mode} lies outside [{}, {}]",
                    self.low, self.high
                ))
            }
            Distribution::Triangular { .. } => Ok(()),
            Distribution::Normal { mean, sd }
                if !mean.is_finite() || !sd.is_finite() || sd <= 0.0 =>
            {
                Err(format!(
                    "factor {name}: a normal factor needs a finite mean and sd > 0"
                ))
            }
            Distribution::Normal { .. } => Ok(()),
        }
    }
}

fn truncated_normal(u: f64, low: f64, high: f64, mean: f64, sd: f64) -> f64 {
    let (a, b) = ((low - mean) / sd, (high - mean) / sd);
    let standard = if a >= 0.0 {
        // Upper tail: work with survival probabilities Φ(−x), which stay precise there.
        let (sa, sb) = (normal_cdf(-a), normal_cdf(-b));
        if sa - sb <= 0.0 {
            return low + u * (high - low);
        }
        -normal_quantile(sa - u * (sa - sb))
    } else {
        let (pa, pb) = (normal_cdf(a), normal_cdf(b));
        if pb - pa <= 0.0 {
            return low + u * (high - low);
        }
        normal_quantile(pa + u * (pb - pa))
    };
    mean + sd * standard
}

/// Number of rows of a full factorial, `levels^k`, or None if it does not fit in memory's
/// address space.
pub fn full_factorial_size(factors: usize, levels: usize) -> Option<usize> {
    levels.checked_pow(u32::try_from(factors).ok()?)
}

/// Every combination of `levels` evenly spaced quantile points per factor, endpoints included
/// (`u = i/(levels − 1)`), first factor slowest. Empty when there are no factors, no levels, or
/// more rows than [`full_factorial_size`] allows.
pub fn full_factorial(factors: &[Factor], levels: usize) -> Vec<Vec<f64>> {
    let Some(rows) = full_factorial_size(factors.len(), levels) else {
        return Vec::new();
    };
    if factors.is_empty() || rows == 0 {
        return Vec::new();
    }
    let u_of = |i: usize| {
        if levels == 1 {
            0.5
        } else {
            i as f64 / (levels - 1) as f64
        }
    };
    let grid: Vec<Vec<f64>> = factors
        .iter()
        .map(|f| (0..levels).map(|i| f.quantile(u_of(i))).collect())
        .collect();
    let mut out = Vec::with_capacity(rows);
    let mut digits = vec![0usize; factors.len()];
    for _ in 0..rows {
        out.push(digits.iter().zip(&grid).map(|(&d, g)| g[d]).collect());
        for position in (0..digits.len()).rev() {
            digits[position] += 1;
            if digits[position] < levels {
                break;
            }
            digits[position] = 0;
        }
    }
    out
}

/// n rows, one stratum per row per factor, seeded. Empty when there are no factors.
pub fn latin_hypercube(factors: &[Factor], n: usize, seed: u64) -> Vec<Vec<f64>> {
    if factors.is_empty() {
        return Vec::new();
    }
    let mut rng = SplitMix64::new(seed);
    let mut out = vec![Vec::with_capacity(factors.len()); n];
    for factor in factors {
        let mut strata: Vec<usize> = (0..n).collect();
        rng.shuffle(&mut strata);
        for (row, stratum) in out.iter_mut().zip(strata) {
            let u = (stratum as f64 + rng.next_f64()) / n as f64;
            row.push(factor.quantile(u));
        }
    }
    out
}

const SOBOL_POINTS: usize = 1 << 16;
const SOBOL_DIMENSIONS: usize = 256;

/// Coordinate `dimension` of point `index` of the seeded scrambled Sobol' sequence, padded past
/// the generator's 2¹⁶ points and 256 dimensions by reseeding per block.
fn sobol_coordinate(index: usize, dimension: usize, seed: u64) -> f64 {
    let block = (index / SOBOL_POINTS) as u64;
    let dimension_block = (dimension / SOBOL_DIMENSIONS) as u64;
    let block_seed = mix(seed ^ mix(block.wrapping_add(1)) ^ mix(dimension_block << 32));
    sobol_burley::sample(
        (index % SOBOL_POINTS) as u32,
        (dimension % SOBOL_DIMENSIONS) as u32,
        block_seed as u32,
    ) as f64
}

/// Saltelli's scheme for first and total order (no second order): n base rows from a
/// 2k-dimensional scrambled Sobol' sequence; output n(k+2) rows ordered per base row j as
/// `A_j, AB_j^(1), …, AB_j^(k), B_j`, in factor units. Empty when there are no factors.
pub fn saltelli(factors: &[Factor], n: usize, seed: u64) -> Vec<Vec<f64>> {
    let k = factors.len();
    if k == 0 {
        return Vec::new();
    }
    let mut out = Vec::with_capacity(n * (k + 2));
    for j in 0..n {
        let a: Vec<f64> = (0..k).map(|i| sobol_coordinate(j, i, seed)).collect();
        let b: Vec<f64> = (0..k).map(|i| sobol_coordinate(j, k + i, seed)).collect();
        let to_units = |u: &[f64]| -> Vec<f64> {
            factors.iter().zip(u).map(|(f, &u)| f.quantile(u)).collect()
        };
        out.push(to_units(&a));
        for i in 0..k {
            let mut ab = a.clone();
            ab[i] = b[i];
            out.push(to_units(&ab));
        }
        out.push(to_units(&b));
    }
    out
}

/// Morris one-at-a-time trajectories: `trajectories` runs of k+1 points on a `levels`-level
/// grid, `Δ = p/(2(p−1))`. Empty when `levels < 2` or there are no factors.
pub fn morris(factors: &[Factor], trajectories: usize, levels: usize, seed: u64) -> Vec<Vec<f64>> {
    let k = factors.len();
    if levels < 2 || k == 0 {
        return Vec::new();
    }
    let step = 1.0 / (levels - 1) as f64;
    let delta = morris_delta(levels);
    // Grid levels from which a +Δ move stays inside [0, 1].
    let base_levels = (0..levels)
        .filter(|&l| l as f64 * step + delta <= 1.0 + 1e-12)
        .count()
        .max(1);
    let mut rng = SplitMix64::new(seed);
    let mut out = Vec::with_capacity(trajectories * (k + 1));
    for _ in 0..trajectories {
        let mut point: Vec<f64> = Vec::with_capacity(k);
        let mut signs = Vec::with_capacity(k);
        for _ in 0..k {
            let base = rng.below(base_levels) as f64 * step;
            let up = rng.below(2) == 0;
            point.push(if up { base } else { (base + delta).min(1.0) });
            signs.push(if up { 1.0 } else { -1.0 });
        }
        let mut order: Vec<usize> = (0..k).collect();
        rng.shuffle(&mut order);
        let to_units = |u: &[f64]| -> Vec<f64> {
            factors.iter().zip(u).map(|(f, &u)| f.quantile(u)).collect()
        };
        out.push(to_units(&point));
        for &i in &order {
            point[i] = (point[i] + signs[i] * delta).clamp(0.0, 1.0);
            out.push(to_units(&point));
        }
    }
    out
}

/// The Morris step in unit-cube terms, `p/(2(p−1))`.
pub fn morris_delta(levels: usize) -> f64 {
    levels as f64 / (2.0 * (levels as f64 - 1.0))
}
