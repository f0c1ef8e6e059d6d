//! The statistics `check` applies to one observed series. Formulas are in the doc comments;
//! `docs/monitor.md` explains the choices.

use crate::observation::Z95;

/// Standard error of a share p estimated from a simple random sample of n:
/// SE = √(p(1−p)/n). (Design effects of real surveys make the true error larger.)
pub fn binomial_se(p: f64, n: f64) -> f64 {
    (p * (1.0 - p) / n).sqrt()
}

/// Whether the change between two observations exceeds their sampling error.
#[derive(Debug, Clone, PartialEq)]
pub struct Change {
    /// v₂ − v₁.
    pub diff: f64,
    /// 1.96·√(SE₁² + SE₂²): the half-width of the 95 % interval of the difference of two
    /// independent estimates; `None` when either SE is unknown.
    pub threshold: Option<f64>,
}

impl Change {
    pub fn new(v1: f64, se1: Option<f64>, v2: f64, se2: Option<f64>) -> Change {
        Change {
            diff: v2 - v1,
            threshold: se1.zip(se2).map(|(a, b)| Z95 * (a * a + b * b).sqrt()),
        }
    }

    /// `Some(true)` when |diff| > threshold.
    pub fn exceeds(&self) -> Option<bool> {
        self.threshold.map(|t| self.diff.abs() > t)
    }
}

/// Least-squares line through (x, y): (intercept, slope, sum of squared residuals).
pub fn ols(x: &[f64], y: &[f64]) -> (f64, f64, f64) {
    let n = x.len() as f64;
    let mx = x.iter().sum::<f64>() / n;
    let my = y.iter().sum::<f64>() / n;
    let sxx: f64 = x.iter().map(|a| (a - mx) * (a - mx)).sum();
    let sxy: f64 = x.iter().zip(y).map(|(a, b)| (a - mx) * (b - my)).sum();
    let slope = if sxx > 0.0 { sxy / sxx } else { 0.0 };
    let intercept = my - slope * mx;
    let sse = x
        .iter()
        .zip(y)
        .map(|(a, b)| (b - intercept - slope * a).powi(2))
        .sum();
    (intercept, slope, sse)
}

/// Each segment of a broken line needs this many points to fit a line with a residual.
pub const MIN_SEGMENT: usize = 3;
/// Shortest series tested for a break: two segments of [`MIN_SEGMENT`].
pub const MIN_BREAK_LEN: usize = 2 * MIN_SEGMENT;

#[derive(Debug, Clone, PartialEq)]
pub enum TrendBreak {
    TooShort {
        n: usize,
    },
    /// One line fits better once its extra parameters are paid for.
    NoBreak {
        delta_bic: f64,
    },
    /// The series is better described by two lines, the second starting at `year`.
    Break {
        year: f64,
        delta_bic: f64,
        slope_before: f64,
        slope_after: f64,
        /// Second line minus first line, both evaluated at `year`.
        jump: f64,
    },
}

/// Trend break by a piecewise-linear fit with a BIC penalty.
///
/// Model 0: one line, 2 parameters. Model 1: separate lines before and after a break, 4
/// parameters plus the break position, 5. The break position k runs over every split leaving
/// at least [`MIN_SEGMENT`] points on each side; SSE₁ is the best split's. With a common
/// Gaussian error, BIC = n·ln(SSE/n) + p·ln n, and a break is reported when
/// ΔBIC = BIC₀ − BIC₁ > 0. A residual variance below the sampling variance is not evidence,
/// so each SSE is floored at n·σ², σ² = `noise_var` (the mean squared SE when known; a tiny
/// relative floor otherwise), which keeps breaks smaller than the sampling error unclaimed.
pub fn trend_break(x: &[f64], y: &[f64], noise_var: Option<f64>) -> TrendBreak {
    let n = x.len();
    if n < MIN_BREAK_LEN {
        return TrendBreak::TooShort { n };
    }
    let nf = n as f64;
    let scale = y.iter().map(|v| v.abs()).fold(0.0, f64::max).max(1e-12);
    let floor = nf * noise_var.unwrap_or(0.0).max((1e-9 * scale).powi(2));
    let bic = |sse: f64, params: f64| nf * (sse.max(floor) / nf).ln() + params * nf.ln();
    let (_, _, sse0) = ols(x, y);
    let mut best: Option<(usize, f64)> = None;
    for k in MIN_SEGMENT..=n - MIN_SEGMENT {
        let sse = ols(&x[..k], &y[..k]).2 + ols(&x[k..], &y[k..]).2;
        if best.is_none_or(|(_, b)| sse < b) {
            best = Some((k, sse));
        }
    }
    let (k, sse1) = best.expect("n ≥ 2·MIN_SEGMENT gives at least one split");
    let delta_bic = bic(sse0, 2.0) - bic(sse1, 5.0);
    if delta_bic <= 0.0 {
        return TrendBreak::NoBreak { delta_bic };
    }
    let (a1, b1, _) = ols(&x[..k], &y[..k]);
    let (a2, b2, _) = ols(&x[k..], &y[k..]);
    TrendBreak::Break {
        year: x[k],
        delta_bic,
        slope_before: b1,
        slope_after: b2,
        jump: (a2 + b2 * x[k]) - (a1 + b1 * x[k]),
    }
}

/// Sample variance (divisor n − 1).
pub fn variance(v: &[f64]) -> f64 {
    let n = v.len() as f64;
    let m = v.iter().sum::<f64>() / n;
    v.iter().map(|a| (a - m).powi(2)).sum::<f64>() / (n - 1.0)
}

/// Lag-1 autocorrelation, r₁ = Σ(xₜ − x̄)(xₜ₊₁ − x̄) / Σ(xₜ − x̄)²; 0 for a constant series.
pub fn lag1_autocorrelation(v: &[f64]) -> f64 {
    let m = v.iter().sum::<f64>() / v.len() as f64;
    let den: f64 = v.iter().map(|a| (a - m).powi(2)).sum();
    if den == 0.0 {
        return 0.0;
    }
    let num: f64 = v.windows(2).map(|w| (w[0] - m) * (w[1] - m)).sum();
    num / den
}

/// Kendall's τ of a sequence against its order (τ-a): (concordant − discordant pairs) /
/// (m(m−1)/2); tied pairs count as neither. +1 for strictly rising, −1 for strictly falling.
pub fn kendall_tau(v: &[f64]) -> f64 {
    let m = v.len();
    if m < 2 {
        return 0.0;
    }
    let mut s = 0i64;
    for i in 0..m {
        for j in i + 1..m {
            s += match v[j].partial_cmp(&v[i]) {
                Some(std::cmp::Ordering::Greater) => 1,
                Some(std::cmp::Ordering::Less) => -1,
                _ => 0,
            };
        }
    }
    s as f64 / (m * (m - 1) / 2) as f64
}

/// Shortest series for early-warning statistics. With the usual window of half the series
/// (Dakos et al. 2012), 20 points give windows of 10 (below that the lag-1 autocorrelation's
/// small-sample bias, about −(1 + 4ρ)/n, swamps a trend) and 11 window positions for
/// Kendall's τ. Yearly survey series since 2012 are far shorter, and the output says so.
pub const MIN_EWS_LEN: usize = 20;

#[derive(Debug, Clone, PartialEq)]
pub enum EarlyWarning {
    TooShort {
        n: usize,
    },
    Computed {
        window: usize,
        /// Rolling variance and lag-1 autocorrelation, one per window position.
        variance: Vec<f64>,
        ar1: Vec<f64>,
        variance_tau: f64,
        ar1_tau: f64,
    },
}

/// Early-warning statistics of critical slowing down: detrend the series by its least-squares
/// line, slide a window of ⌊n/2⌋ points, compute the variance and lag-1 autocorrelation of the
/// residuals in each, and summarise the trend of each by Kendall's τ against window position.
pub fn early_warning(x: &[f64], y: &[f64]) -> EarlyWarning {
    let n = y.len();
    if n < MIN_EWS_LEN {
        return EarlyWarning::TooShort { n };
    }
    let (a, b, _) = ols(x, y);
    let resid: Vec<f64> = x.iter().zip(y).map(|(xi, yi)| yi - a - b * xi).collect();
    let window = n / 2;
    let variance: Vec<f64> = resid.windows(window).map(self::variance).collect();
    let ar1: Vec<f64> = resid.windows(window).map(lag1_autocorrelation).collect();
    EarlyWarning::Computed {
        window,
        variance_tau: kendall_tau(&variance),
        ar1_tau: kendall_tau(&ar1),
        variance,
        ar1,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn close(a: f64, b: f64, tol: f64) -> bool {
        (a - b).abs() <= tol
    }

    #[test]
    fn binomial_error_by_hand() {
        // 0.66·0.34/7500 = 2.992e-5, √ = 0.0054699.
        assert!(close(binomial_se(0.66, 7500.0), 0.005_469_9, 1e-7));
        // A change 0.63 → 0.66 with n = 7500 each: SEs 0.0055749 and 0.0054699,
        // threshold 1.96·√(3.108e-5 + 2.992e-5) = 1.96·0.0078102 = 0.015308.
        let c = Change::new(
            0.63,
            Some(binomial_se(0.63, 7500.0)),
            0.66,
            Some(binomial_se(0.66, 7500.0)),
        );
        assert!(close(c.threshold.unwrap(), 0.015_308, 2e-6), "{c:?}");
        assert_eq!(c.exceeds(), Some(true));
        let small = Change::new(0.66, Some(0.0055), 0.67, Some(0.0055));
        assert_eq!(small.exceeds(), Some(false)); // 0.01 < 1.96·0.007778 = 0.015245
        assert_eq!(Change::new(1.0, None, 2.0, Some(0.1)).exceeds(), None);
    }

    #[test]
    fn variance_ar1_and_tau_by_hand() {
        // 1,2,3,4: mean 2.5, squares 2.25+0.25+0.25+2.25 = 5, /3.
        assert!(close(variance(&[1.0, 2.0, 3.0, 4.0]), 5.0 / 3.0, 1e-12));
        // Deviations −1.5,−0.5,0.5,1.5: lag products 0.75−0.25+0.75 = 1.25, /5 = 0.25.
        assert!(close(
            lag1_autocorrelation(&[1.0, 2.0, 3.0, 4.0]),
            0.25,
            1e-12
        ));
        // Alternating 1,−1,1,−1: products −1·3 = −3, /4 = −0.75.
        assert!(close(
            lag1_autocorrelation(&[1.0, -1.0, 1.0, -1.0]),
            -0.75,
            1e-12
        ));
        // 1,3,2,4: pairs (1,3)+ (1,2)+ (1,4)+ (3,2)− (3,4)+ (2,4)+ → (5−1)/6.
        assert!(close(kendall_tau(&[1.0, 3.0, 2.0, 4.0]), 4.0 / 6.0, 1e-12));
        assert_eq!(kendall_tau(&[4.0, 3.0, 2.0, 1.0]), -1.0);
        assert_eq!(kendall_tau(&[2.0, 2.0, 2.0]), 0.0);
    }

    #[test]
    fn ols_recovers_an_exact_line() {
        let x = [2000.0, 2001.0, 2002.0];
        let (a, b, sse) = ols(&x, &[1.0, 1.5, 2.0]);
        assert!(close(b, 0.5, 1e-12) && close(a + b * 2000.0, 1.0, 1e-9) && sse < 1e-18);
    }

    fn years(n: usize) -> Vec<f64> {
        (0..n).map(|i| 2012.0 + i as f64).collect()
    }

    #[test]
    fn a_known_break_is_found_at_its_year() {
        // Slow rise, then a level shift of +0.06 from 2018, plus ±0.003 wiggle.
        let x = years(12);
        let y: Vec<f64> = (0..12)
            .map(|i| {
                let wiggle = if i % 2 == 0 { 0.003 } else { -0.003 };
                0.58 + 0.002 * i as f64 + if i >= 6 { 0.06 } else { 0.0 } + wiggle
            })
            .collect();
        match trend_break(&x, &y, Some(0.005f64.powi(2))) {
            TrendBreak::Break { year, jump, .. } => {
                assert_eq!(year, 2018.0);
                assert!(close(jump, 0.06, 0.01), "jump {jump}");
            }
            other => panic!("expected a break, got {other:?}"),
        }
    }

    #[test]
    fn a_straight_noisy_series_has_no_break() {
        let x = years(12);
        let y: Vec<f64> = (0..12)
            .map(|i| 0.58 + 0.004 * i as f64 + if i % 3 == 0 { 0.004 } else { -0.002 })
            .collect();
        assert!(matches!(
            trend_break(&x, &y, Some(0.005f64.powi(2))),
            TrendBreak::NoBreak { .. }
        ));
        // Without a sampling error the floor is tiny, and the wiggle still does not pay for
        // three extra parameters.
        assert!(matches!(
            trend_break(&x, &y, None),
            TrendBreak::NoBreak { .. }
        ));
        assert_eq!(
            trend_break(&x[..5], &y[..5], None),
            TrendBreak::TooShort { n: 5 }
        );
    }

    #[test]
    fn early_warnings_need_twenty_points_and_see_rising_variance() {
        let x = years(30);
        assert_eq!(
            early_warning(&x[..12], &[0.5; 12]),
            EarlyWarning::TooShort { n: 12 }
        );
        // Alternating deviations whose size grows with time: rolling variance rises.
        let y: Vec<f64> = (0..30)
            .map(|i| 0.5 + (1.0 + i as f64) * 0.001 * if i % 2 == 0 { 1.0 } else { -1.0 })
            .collect();
        match early_warning(&x, &y) {
            EarlyWarning::Computed {
                window,
                variance,
                variance_tau,
                ..
            } => {
                assert_eq!(window, 15);
                assert_eq!(variance.len(), 16);
                assert!(variance_tau > 0.9, "tau {variance_tau}");
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn early_warning_statistics_by_hand() {
        // Deviations d = +1,−1,−1,+1 repeated: Σd = 0 and Σt·d = 0 over each block of four, so
        // the least-squares residuals of 0.5 + 0.01·t + 0.001·d are exactly 0.001·d.
        let x = years(20);
        let d: Vec<f64> = (0..20)
            .map(|t| if t % 4 == 0 || t % 4 == 3 { 1.0 } else { -1.0 })
            .collect();
        let y: Vec<f64> = (0..20)
            .map(|t| 0.5 + 0.01 * t as f64 + 0.001 * d[t])
            .collect();
        let EarlyWarning::Computed {
            window,
            variance,
            ar1,
            ..
        } = early_warning(&x, &y)
        else {
            panic!("20 points are enough");
        };
        assert_eq!((window, variance.len(), ar1.len()), (10, 11, 11));
        // First window +1,−1,−1,+1,+1,−1,−1,+1,+1,−1: mean 0, Σd² = 10 → variance 10/9 (×1e-6);
        // lag products −1,+1,−1,+1,−1,+1,−1,+1,−1 sum to −1 → r₁ = −1/10.
        assert!(
            close(variance[0], 10.0 / 9.0 * 1e-6, 1e-15),
            "{}",
            variance[0]
        );
        assert!(close(ar1[0], -0.1, 1e-9), "{}", ar1[0]);
    }

    mod properties {
        use super::super::*;
        use proptest::prelude::*;

        proptest! {
            // A fixed seed keeps the suite reproducible; failures are still shrunk and reported.
            #![proptest_config(ProptestConfig {
                cases: 128,
                rng_seed: proptest::test_runner::RngSeed::Fixed(20_261_127),
                failure_persistence: None,
                .. ProptestConfig::default()
            })]

            #[test]
            fn tau_is_antisymmetric_and_bounded(v in prop::collection::vec(-1.0f64..1.0, 2..30)) {
                let rev: Vec<f64> = v.iter().rev().cloned().collect();
                let t = kendall_tau(&v);
                prop_assert!((-1.0..=1.0).contains(&t));
                prop_assert!((t + kendall_tau(&rev)).abs() < 1e-12);
            }

            #[test]
            fn breaks_do_not_depend_on_level(
                v in prop::collection::vec(0.0f64..1.0, 6..25),
                shift in -5.0f64..5.0,
            ) {
                let x: Vec<f64> = (0..v.len()).map(|i| 2000.0 + i as f64).collect();
                let moved: Vec<f64> = v.iter().map(|a| a + shift).collect();
                let year = |b: TrendBreak| match b {
                    TrendBreak::Break { year, .. } => Some(year),
                    _ => None,
                };
                let noise = Some(0.01);
                prop_assert_eq!(year(trend_break(&x, &v, noise)), year(trend_break(&x, &moved, noise)));
            }

            #[test]
            fn a_change_exceeds_exactly_beyond_its_threshold(
                v1 in 0.0f64..1.0, v2 in 0.0f64..1.0, se1 in 0.001f64..0.05, se2 in 0.001f64..0.05,
            ) {
                let c = Change::new(v1, Some(se1), v2, Some(se2));
                let t = Z95 * (se1 * se1 + se2 * se2).sqrt();
                prop_assert_eq!(c.exceeds(), Some((v2 - v1).abs() > t));
                prop_assert_eq!(Change::new(v2, Some(se2), v1, Some(se1)).exceeds(), c.exceeds());
            }
        }
    }
}
