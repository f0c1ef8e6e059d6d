//! Special functions and summaries the analyses share.
//!
//! - **Normal CDF** `Φ(x) = erfc(−x/√2)/2`. `erf(z)` for `|z| ≤ 3` from the series
//!   `erf z = (2/√π) e^{−z²} Σₙ 2ⁿ z^{2n+1} / (1·3·…·(2n+1))` (all terms positive, so no
//!   cancellation); `erfc(z)` for `z > 3` from the continued fraction
//!   `erfc z = e^{−z²}/√π · 1/(z + ½/(z + 1/(z + 3⁄2/(z + …))))`, evaluated backwards over 60
//!   terms, which keeps relative accuracy deep in the tail. `ln Φ` uses the same fraction in
//!   log form, so it never underflows.
//! - **Normal quantile** `Φ⁻¹(p)`: Newton's method on `ln Φ(x) − ln p` (concave in x, so the
//!   iteration converges monotonically after one step), started at `−√(−2 ln p)`; upper half
//!   by symmetry.
//! - **ln Γ** by Stirling's series with five correction terms after shifting the argument to
//!   at least 20 (truncation error below 10⁻¹⁵).
//! - **Binomial upper tail** `P(X ≥ k)`, `X ~ Bin(n, p)`: the sum of `exp(ln C(n,x) + x ln p
//!   + (n−x) ln(1−p))` for x = k..n, taken relative to its largest term (no underflow).
//! - **Percentile**: linear interpolation between order statistics, Hyndman & Fan type 7 (R's
//!   default, NumPy's `linear`): for sorted `x₀ ≤ … ≤ x_{n−1}` and `q ∈ [0, 100]`,
//!   `h = (n−1)·q/100`, value `x_⌊h⌋ + (h − ⌊h⌋)(x_{⌊h⌋+1} − x_⌊h⌋)`.

use std::f64::consts::{PI, SQRT_2};

const SERIES_LIMIT: f64 = 3.0;
const FRACTION_TERMS: usize = 60;

/// The continued fraction's denominator `K(z)`, so that `erfc z = e^{−z²}/(√π K(z))`, z > 0.
fn erfc_fraction(z: f64) -> f64 {
    let mut k = z;
    for n in (1..=FRACTION_TERMS).rev() {
        k = z + (n as f64 / 2.0) / k;
    }
    k
}

fn erf_series(z: f64) -> f64 {
    let z2 = z * z;
    let mut term = z;
    let mut sum = z;
    let mut n = 0.0;
    while term.abs() > 1e-17 * sum.abs() {
        n += 1.0;
        term *= 2.0 * z2 / (2.0 * n + 1.0);
        sum += term;
    }
    2.0 / PI.sqrt() * (-z2).exp() * sum
}

/// Complementary error function.
pub fn erfc(z: f64) -> f64 {
    if z.is_nan() {
        return f64::NAN;
    }
    if z.abs() <= SERIES_LIMIT {
        1.0 - erf_series(z)
    } else if z > 0.0 {
        (-z * z).exp() / (PI.sqrt() * erfc_fraction(z))
    } else {
        2.0 - (-(z * z)).exp() / (PI.sqrt() * erfc_fraction(-z))
    }
}

/// Standard normal CDF Φ(x).
pub fn normal_cdf(x: f64) -> f64 {
    0.5 * erfc(-x / SQRT_2)
}

/// ln Φ(x), accurate far into the lower tail.
pub fn ln_normal_cdf(x: f64) -> f64 {
    let z = -x / SQRT_2;
    if z > SERIES_LIMIT {
        -z * z - (PI.sqrt() * erfc_fraction(z)).ln() - std::f64::consts::LN_2
    } else {
        normal_cdf(x).ln()
    }
}

/// Standard normal density φ(x).
pub fn normal_pdf(x: f64) -> f64 {
    (-0.5 * x * x).exp() / (2.0 * PI).sqrt()
}

/// Standard normal quantile Φ⁻¹(p); ±∞ at 0 and 1, NaN outside [0, 1].
pub fn normal_quantile(p: f64) -> f64 {
    if !(0.0..=1.0).contains(&p) {
        return f64::NAN;
    }
    if p == 0.0 {
        return f64::NEG_INFINITY;
    }
    if p == 1.0 {
        return f64::INFINITY;
    }
    if p > 0.5 {
        return -normal_quantile(1.0 - p);
    }
    if p == 0.5 {
        return 0.0;
    }
    let target = p.ln();
    let mut x = -(-2.0 * target).sqrt();
    for _ in 0..200 {
        let ln_cdf = ln_normal_cdf(x);
        // d/dx ln Φ(x) = φ(x)/Φ(x) = exp(ln φ(x) − ln Φ(x)).
        let slope = ((-0.5 * x * x) - 0.5 * (2.0 * PI).ln() - ln_cdf).exp();
        let step = (ln_cdf - target) / slope;
        x -= step;
        if step.abs() <= 1e-15 * x.abs().max(1.0) {
            break;
        }
    }
    x
}

/// ln Γ(x) for x > 0.
pub fn ln_gamma(x: f64) -> f64 {
    let mut shift = 0.0;
    let mut x = x;
    while x < 20.0 {
        shift += x.ln();
        x += 1.0;
    }
    let inv = 1.0 / x;
    let inv2 = inv * inv;
    let series = inv
        * (1.0 / 12.0
            - inv2 * (1.0 / 360.0 - inv2 * (1.0 / 1260.0 - inv2 * (1.0 / 1680.0 - inv2 / 1188.0))));
    (x - 0.5) * x.ln() - x + 0.5 * (2.0 * PI).ln() + series - shift
}

/// P(X ≥ k) for X ~ Binomial(n, p).
pub fn binomial_upper_tail(k: u64, n: u64, p: f64) -> f64 {
    if k == 0 {
        return 1.0;
    }
    if k > n || p <= 0.0 {
        return 0.0;
    }
    if p >= 1.0 {
        return 1.0;
    }
    let ln_n_fact = ln_gamma(n as f64 + 1.0);
    let (ln_p, ln_q) = (p.ln(), (-p).ln_1p());
    let ln_term = |x: u64| {
        ln_n_fact - ln_gamma(x as f64 + 1.0) - ln_gamma((n - x) as f64 + 1.0)
            + x as f64 * ln_p
            + (n - x) as f64 * ln_q
    };
    let terms: Vec<f64> = (k..=n).map(ln_term).collect();
    let top = terms.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    let sum: f64 = terms.iter().map(|t| (t - top).exp()).sum();
    (top + sum.ln()).exp().min(1.0)
}

/// Percentile `q` (0–100) of unsorted data by linear interpolation (type 7); NaN if empty.
pub fn percentile(data: &[f64], q: f64) -> f64 {
    if data.is_empty() {
        return f64::NAN;
    }
    let mut sorted = data.to_vec();
    sorted.sort_by(f64::total_cmp);
    let h = (sorted.len() - 1) as f64 * (q / 100.0).clamp(0.0, 1.0);
    let lower = h.floor() as usize;
    let upper = (lower + 1).min(sorted.len() - 1);
    sorted[lower] + (h - lower as f64) * (sorted[upper] - sorted[lower])
}

pub fn mean(data: &[f64]) -> f64 {
    data.iter().sum::<f64>() / data.len() as f64
}

/// Sample standard deviation (divisor n − 1).
pub fn sample_sd(data: &[f64]) -> f64 {
    let m = mean(data);
    (data.iter().map(|v| (v - m) * (v - m)).sum::<f64>() / (data.len() as f64 - 1.0)).sqrt()
}

/// The two-sided normal multiplier for a confidence level: Φ⁻¹(½ + confidence/2).
pub fn z_for_confidence(confidence: f64) -> f64 {
    normal_quantile(0.5 + confidence / 2.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Φ(x) by composite Simpson integration of the density from −12 (where Φ < 10⁻³²).
    fn cdf_by_quadrature(x: f64) -> f64 {
        let (a, steps) = (-12.0, 20_000);
        let h = (x - a) / steps as f64;
        let inner: f64 = (1..steps)
            .map(|i| normal_pdf(a + i as f64 * h) * if i % 2 == 1 { 4.0 } else { 2.0 })
            .sum();
        h / 3.0 * (normal_pdf(a) + inner + normal_pdf(x))
    }

    #[test]
    fn normal_cdf_matches_quadrature() {
        for &x in &[-6.0, -3.5, -2.9, -1.0, 0.0, 0.3, 1.96, 3.1, 5.0] {
            let exact = cdf_by_quadrature(x);
            assert!(
                (normal_cdf(x) - exact).abs() <= 1e-13 + 1e-10 * exact,
                "x = {x}: {} vs {exact}",
                normal_cdf(x)
            );
        }
    }

    #[test]
    fn log_cdf_continues_the_tail_without_underflow() {
        // Mills ratio: Φ(x) ≈ φ(x)/|x| · (1 − 1/x² + 3/x⁴) for large |x|.
        let x: f64 = -40.0;
        let mills = (-0.5 * x * x - 0.5 * (2.0 * PI).ln()) - x.abs().ln()
            + (1.0 - 1.0 / (x * x) + 3.0 / x.powi(4)).ln();
        assert!((ln_normal_cdf(x) - mills).abs() < 1e-8);
        assert!((ln_normal_cdf(-2.0) - normal_cdf(-2.0).ln()).abs() < 1e-14);
    }

    #[test]
    fn quantile_inverts_cdf() {
        for &p in &[
            1e-300, 1e-20, 1e-6, 0.01, 0.025, 0.3, 0.5, 0.7, 0.975, 0.999_999,
        ] {
            let x = normal_quantile(p);
            let back = normal_cdf(x);
            assert!(
                (back - p).abs() <= 1e-12 * p.min(1.0 - p) + 1e-300,
                "p = {p}: {back}"
            );
        }
        assert_eq!(normal_quantile(0.0), f64::NEG_INFINITY);
        assert!(normal_quantile(1.5).is_nan());
    }

    #[test]
    fn ln_gamma_matches_factorials_and_half_integers() {
        let mut factorial = 1.0f64;
        for n in 1..30u32 {
            factorial *= n as f64;
            assert!((ln_gamma(n as f64 + 1.0) - factorial.ln()).abs() < 1e-12);
        }
        // Γ(1/2) = √π.
        assert!((ln_gamma(0.5) - PI.sqrt().ln()).abs() < 1e-14);
    }

    #[test]
    fn binomial_tail_matches_direct_sum() {
        // Small n: the tail summed from pmf terms built by exact integer binomials.
        let (n, p) = (12u64, 0.3f64);
        for k in 0..=n {
            let mut direct = 0.0;
            for x in k..=n {
                let choose = (1..=x).fold(1.0, |c, i| c * (n - x + i) as f64 / i as f64);
                direct += choose * p.powi(x as i32) * (1.0 - p).powi((n - x) as i32);
            }
            let tail = binomial_upper_tail(k, n, p);
            assert!((tail - direct).abs() < 1e-14, "k = {k}: {tail} vs {direct}");
        }
        assert_eq!(binomial_upper_tail(3, 10, 0.0), 0.0);
        assert_eq!(binomial_upper_tail(3, 10, 1.0), 1.0);
    }

    #[test]
    fn percentile_is_type_seven() {
        // Sorted 1, 2, 4, 8: h = 3·0.9 = 2.7, so 4 + 0.7·(8 − 4) = 6.8.
        assert!((percentile(&[8.0, 1.0, 4.0, 2.0], 90.0) - 6.8).abs() < 1e-12);
        assert_eq!(percentile(&[8.0, 1.0, 4.0, 2.0], 100.0), 8.0);
        assert_eq!(percentile(&[8.0, 1.0, 4.0, 2.0], 0.0), 1.0);
        assert_eq!(percentile(&[5.0], 50.0), 5.0);
    }
}
