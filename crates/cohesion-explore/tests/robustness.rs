//! Regret and satisficing on a small example worked out by hand.

use cohesion_explore::robustness::{
    regret_type1, regret_type2, satisficing_type1, satisficing_type2, Direction, RegretSummary,
};

/// values[policy][sow]: three policies, four SOWs; SOW 4 has an outcome near zero.
fn values() -> Vec<Vec<f64>> {
    vec![
        vec![10.0, 12.0, 8.0, 0.001],
        vec![11.0, 9.0, 8.0, 0.002],
        vec![9.0, 13.0, 10.0, -0.001],
    ]
}

/// cost[policy][sow], a second outcome to be kept low.
fn cost() -> Vec<Vec<f64>> {
    vec![
        vec![4.0, 6.0, 3.0, 5.0],
        vec![2.0, 2.0, 2.0, 2.0],
        vec![5.0, 4.0, 6.0, 1.0],
    ]
}

fn assert_summary(got: &RegretSummary, (p90, mean, max): (f64, f64, f64)) {
    let ok = |a: f64, b: f64| (a - b).abs() < 1e-12;
    assert!(
        ok(got.percentile_value, p90) && ok(got.mean, mean) && ok(got.max, max),
        "{got:?} vs {p90}, {mean}, {max}"
    );
}

// Percentile 90 of four sorted regrets r₀ ≤ r₁ ≤ r₂ ≤ r₃ (type 7): h = 3·0.9 = 2.7, so
// r₂ + 0.7·(r₃ − r₂).

#[test]
fn regret_type1_is_the_deviation_from_the_reference_sow() {
    // Reference SOW 1. P1: |y − 10| = 0, 2, 2, 9.999 → 2 + 0.7·7.999 = 7.5993, mean 3.49975.
    // P2: |y − 11| = 0, 2, 3, 10.998 → 3 + 0.7·7.998 = 8.5986, mean 3.9995.
    // P3: |y − 9| = 0, 4, 1, 9.001 → sorted 0, 1, 4, 9.001 → 4 + 0.7·5.001 = 7.5007, mean 3.50025.
    let r = regret_type1(&values(), 0, 90.0).unwrap();
    assert_summary(&r[0], (7.5993, 3.49975, 9.999));
    assert_summary(&r[1], (8.5986, 3.9995, 10.998));
    assert_summary(&r[2], (7.5007, 3.50025, 9.001));
}

#[test]
fn regret_type2_follows_the_direction() {
    // Maximise: best per SOW 11, 13, 10, 0.002.
    // P1: 1, 1, 2, 0.001 → sorted 0.001, 1, 1, 2 → 1 + 0.7·1 = 1.7, mean 1.00025.
    // P2: 0, 4, 2, 0 → 2 + 0.7·2 = 3.4, mean 1.5.   P3: 2, 0, 0, 0.003 → 0.003 + 0.7·1.997 = 1.4009.
    // The near-zero SOW adds regrets of 0.001–0.003, not a ratio that explodes.
    let r = regret_type2(&values(), Direction::Maximise, 90.0).unwrap();
    assert_summary(&r[0], (1.7, 1.00025, 2.0));
    assert_summary(&r[1], (3.4, 1.5, 4.0));
    assert_summary(&r[2], (1.4009, 0.50075, 2.0));
    // Minimise: best per SOW 9, 9, 8, −0.001.
    // P1: 1, 3, 0, 0.002 → sorted 0, 0.002, 1, 3 → 1 + 0.7·2 = 2.4, mean 1.0005.
    // P2: 2, 0, 0, 0.003 → 1.4009, mean 0.50075.   P3: 0, 4, 2, 0 → 3.4, mean 1.5.
    let r = regret_type2(&values(), Direction::Minimise, 90.0).unwrap();
    assert_summary(&r[0], (2.4, 1.0005, 3.0));
    assert_summary(&r[1], (1.4009, 0.50075, 2.0));
    assert_summary(&r[2], (3.4, 1.5, 4.0));
    assert!(r.iter().all(|s| s.mean >= 0.0));
    // Median instead of the 90th: P1's sorted 0, 0.002, 1, 3 → h = 1.5 → 0.501.
    let median = regret_type2(&values(), Direction::Minimise, 50.0).unwrap();
    assert!((median[0].percentile_value - 0.501).abs() < 1e-12);
}

#[test]
fn satisficing_type1_counts_sows_meeting_every_threshold() {
    // value ≥ 8 and cost ≤ 5 (both bounds inclusive).
    // P1: SOW 2 fails on cost 6, SOW 4 on value 0.001; SOW 3 meets value 8 exactly → 2/4.
    // P2: only SOW 4 fails → 3/4.   P3: SOW 3 fails on cost 6, SOW 4 on value; SOW 1 meets cost 5 → 2/4.
    let thresholds = [(Direction::Maximise, 8.0), (Direction::Minimise, 5.0)];
    let share = satisficing_type1(&[values(), cost()], &thresholds).unwrap();
    assert_eq!(share, vec![0.5, 0.75, 0.5]);
}

#[test]
fn satisficing_type2_is_the_distance_to_the_nearest_failure() {
    // SOW coordinates (normalised): reference SOW 1 at (0.5, 0.5); SOW 2 at distance 0.3,
    // SOW 3 at 0.4, SOW 4 at √0.5. Failures as above: P1 fails SOWs 2 and 4 → 0.3; P2 only
    // SOW 4 → √0.5; P3 SOWs 3 and 4 → 0.4.
    let coords = vec![
        vec![0.5, 0.5],
        vec![0.5, 0.8],
        vec![0.9, 0.5],
        vec![0.0, 0.0],
    ];
    let thresholds = [(Direction::Maximise, 8.0), (Direction::Minimise, 5.0)];
    let radius = satisficing_type2(&[values(), cost()], &thresholds, &coords, 0).unwrap();
    let expected = [0.3, 0.5f64.sqrt(), 0.4];
    assert!(
        radius
            .iter()
            .zip(expected)
            .all(|(r, e)| (r - e).abs() < 1e-12),
        "{radius:?}"
    );
    // Every policy fails in SOW 4, so taken as reference the radius is 0.
    assert_eq!(
        satisficing_type2(&[values(), cost()], &thresholds, &coords, 3).unwrap(),
        vec![0.0; 3]
    );
    // Thresholds nothing fails: an infinite radius.
    let lenient = [(Direction::Maximise, -1.0), (Direction::Minimise, 100.0)];
    assert!(satisficing_type2(&[values(), cost()], &lenient, &coords, 0)
        .unwrap()
        .iter()
        .all(|r| r.is_infinite()));
}

#[test]
fn bad_shapes_are_errors() {
    let mut ragged = values();
    ragged[1].pop();
    assert!(regret_type1(&ragged, 0, 90.0)
        .unwrap_err()
        .contains("policy 2 has 3 SOWs"));
    assert!(regret_type1(&values(), 4, 90.0)
        .unwrap_err()
        .contains("reference SOW 5"));
    assert!(regret_type2(&values(), Direction::Maximise, 120.0)
        .unwrap_err()
        .contains("percentile"));
    let thresholds = [(Direction::Maximise, 8.0)];
    assert!(satisficing_type1(&[values(), cost()], &thresholds)
        .unwrap_err()
        .contains("2 outcomes but 1 thresholds"));
    let mut nan = values();
    nan[2][1] = f64::NAN;
    assert!(regret_type2(&nan, Direction::Minimise, 90.0)
        .unwrap_err()
        .contains("policy 3, SOW 2"));
}
