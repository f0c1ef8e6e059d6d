//! Sobol' and Morris indices against analytic values.

use cohesion_explore::design::{self, Factor};
use cohesion_explore::sensitivity;
use std::f64::consts::PI;

const A: f64 = 7.0;
const B: f64 = 0.1;

fn ishigami(x: &[f64]) -> f64 {
    x[0].sin() + A * x[1].sin().powi(2) + B * x[2].powi(4) * x[0].sin()
}

/// Analytic first and total indices of the Ishigami function, x_i ~ U(−π, π)
/// (Ishigami & Homma 1990; Sobol' & Levitan 1999):
/// V₁ = ½(1 + bπ⁴/5)², V₂ = a²/8, V₃ = 0, V₁₃ = 8b²π⁸/225,
/// V = a²/8 + bπ⁴/5 + b²π⁸/18 + ½.
fn ishigami_indices() -> ([f64; 3], [f64; 3]) {
    let v1 = 0.5 * (1.0 + B * PI.powi(4) / 5.0).powi(2);
    let v2 = A * A / 8.0;
    let v13 = 8.0 * B * B * PI.powi(8) / 225.0;
    let v = A * A / 8.0 + B * PI.powi(4) / 5.0 + B * B * PI.powi(8) / 18.0 + 0.5;
    ([v1 / v, v2 / v, 0.0], [(v1 + v13) / v, v2 / v, v13 / v])
}

#[test]
fn sobol_recovers_ishigami_indices() {
    let factors: Vec<Factor> = ["x1", "x2", "x3"]
        .iter()
        .map(|n| Factor::uniform(n, -PI, PI))
        .collect();
    let rows = design::saltelli(&factors, 1 << 13, 11);
    let y: Vec<f64> = rows.iter().map(|r| ishigami(r)).collect();
    let indices = sensitivity::sobol(&factors, &y, 200, 0.95, 5).unwrap();
    let (first, total) = ishigami_indices();
    // The variance check: analytic values sum to V₁+V₂+V₁₃ = V (no other interactions).
    assert!((first[0] + first[1] + total[2] - 1.0).abs() < 1e-12);
    for (i, index) in indices.iter().enumerate() {
        // The half-widths are 95 % intervals; twice that is ~3.9 standard errors, so a miss
        // means a wrong estimator rather than bad luck. They must also be narrow enough for
        // the comparison to mean something.
        assert!(
            index.first_conf < 0.05 && index.total_conf < 0.05,
            "{index:?}"
        );
        assert!(
            (index.first - first[i]).abs() <= 2.0 * index.first_conf,
            "{index:?} vs S1 {}",
            first[i]
        );
        assert!(
            (index.total - total[i]).abs() <= 2.0 * index.total_conf,
            "{index:?} vs ST {}",
            total[i]
        );
    }
}

#[test]
fn sobol_is_seeded_and_rejects_bad_input() {
    let factors: Vec<Factor> = ["x1", "x2", "x3"]
        .iter()
        .map(|n| Factor::uniform(n, -PI, PI))
        .collect();
    let rows = design::saltelli(&factors, 64, 1);
    let y: Vec<f64> = rows.iter().map(|r| ishigami(r)).collect();
    let once = sensitivity::sobol(&factors, &y, 50, 0.95, 9).unwrap();
    assert_eq!(once, sensitivity::sobol(&factors, &y, 50, 0.95, 9).unwrap());
    assert!(sensitivity::sobol(&factors, &y[..y.len() - 1], 50, 0.95, 9)
        .unwrap_err()
        .contains("multiple"));
    assert!(
        sensitivity::sobol(&factors, &vec![1.0; y.len()], 50, 0.95, 9)
            .unwrap_err()
            .contains("constant")
    );
    let mut bad = y.clone();
    bad[7] = f64::NAN;
    assert!(sensitivity::sobol(&factors, &bad, 50, 0.95, 9)
        .unwrap_err()
        .contains("row 8"));
    assert!(sensitivity::sobol(&factors, &y, 50, 1.5, 9)
        .unwrap_err()
        .contains("confidence"));
}

/// y = Σ cᵢxᵢ + d·x₃x₄: factors 1–2 additive, 3–4 interacting, 5 inert.
fn linear_with_interaction(coefficients: &[f64], interaction: f64, x: &[f64]) -> f64 {
    coefficients.iter().zip(x).map(|(c, v)| c * v).sum::<f64>() + interaction * x[2] * x[3]
}

#[test]
fn morris_measures_linear_effects_exactly() {
    let factors = vec![
        Factor::uniform("a", 0.0, 2.0),
        Factor::uniform("b", -5.0, 5.0),
        Factor::uniform("c", 0.0, 1.0),
        Factor::uniform("d", 10.0, 20.0),
        Factor::uniform("e", 0.0, 1.0),
    ];
    let coefficients = [3.0, -0.5, 1.0, 0.2, 0.0];
    let x = design::morris(&factors, 30, 4, 3);
    let additive: Vec<f64> = x
        .iter()
        .map(|r| linear_with_interaction(&coefficients, 0.0, r))
        .collect();
    let indices = sensitivity::morris(&factors, &x, &additive, 100, 0.95, 1).unwrap();
    for ((index, factor), c) in indices.iter().zip(&factors).zip(coefficients) {
        // Elementary effect of c·x per unit of range is c·(high − low), in every trajectory.
        let effect = c * (factor.high - factor.low);
        let tolerance = 1e-9 * effect.abs().max(1.0);
        assert!((index.mu - effect).abs() < tolerance, "{index:?}");
        assert!(
            (index.mu_star - effect.abs()).abs() < tolerance,
            "{index:?}"
        );
        assert!(
            index.sigma < tolerance && index.mu_star_conf < tolerance,
            "{index:?}"
        );
    }

    // With d·x_c·x_d, the effect of c depends on x_d and vice versa: σ > 0 for those two only.
    let interacting: Vec<f64> = x
        .iter()
        .map(|r| linear_with_interaction(&coefficients, 0.3, r))
        .collect();
    let indices = sensitivity::morris(&factors, &x, &interacting, 100, 0.95, 1).unwrap();
    let sigma: Vec<f64> = indices.iter().map(|i| i.sigma).collect();
    assert!(
        sigma[0] < 1e-9 && sigma[1] < 1e-9 && sigma[4] < 1e-9,
        "{sigma:?}"
    );
    assert!(sigma[2] > 0.1 && sigma[3] > 0.01, "{sigma:?}");
    // Ranking by μ*: a = 3·2 = 6; c = (1 + 0.3·x_d)·1 ≈ 5.5 with x_d averaging 15; b = 0.5·10 = 5;
    // d = (0.2 + 0.3·x_c)·10 ≈ 3.5 with x_c averaging ½; e = 0.
    let order = {
        let mut o: Vec<usize> = (0..5).collect();
        o.sort_by(|&i, &j| indices[j].mu_star.total_cmp(&indices[i].mu_star));
        o
    };
    assert_eq!(order, vec![0, 2, 1, 3, 4], "{indices:?}");
}

#[test]
fn morris_rejects_rows_that_are_not_trajectories() {
    let factors = vec![
        Factor::uniform("a", 0.0, 1.0),
        Factor::uniform("b", 0.0, 1.0),
    ];
    let mut x = design::morris(&factors, 4, 4, 2);
    let y: Vec<f64> = x.iter().map(|r| r[0] + r[1]).collect();
    assert!(sensitivity::morris(&factors, &x, &y[..5], 10, 0.9, 0).is_err());
    x[1] = vec![x[0][0] + 0.1, x[0][1] + 0.1];
    let message = sensitivity::morris(&factors, &x, &y, 10, 0.9, 0).unwrap_err();
    assert!(
        message.contains("rows 1 and 2 differ in 2 factors"),
        "{message}"
    );
}
