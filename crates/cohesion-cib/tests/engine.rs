//! Hand-checked small matrices and property tests of the engine.

use cohesion_cib::engine::{chao1, wilson95};
use cohesion_cib::model::{random_cib, Descriptor};
use cohesion_cib::{Algorithm, Attractor, Cib, Engine, Succession};
use proptest::prelude::*;
use std::collections::BTreeMap;

fn two_by_two(ab: [[i32; 2]; 2], ba: [[i32; 2]; 2]) -> Cib {
    let d = |n: &str, v: [&str; 2]| Descriptor {
        name: n.into(),
        variants: v.iter().map(|s| s.to_string()).collect(),
        description: None,
    };
    let mut c = Cib::zeros(vec![d("A", ["a1", "a2"]), d("B", ["b1", "b2"])]);
    for i in 0..2 {
        for j in 0..2 {
            c.set(i, 2 + j, ab[i][j]);
            c.set(2 + i, j, ba[i][j]);
        }
    }
    c
}

#[test]
fn mutual_support_has_two_consistent_scenarios_with_hand_computed_scores() {
    // A=a1 promotes B=b1 (+2) and hinders b2 (−2); B=b1 promotes a1 (+1), and symmetrically.
    let c = two_by_two([[2, -2], [-2, 2]], [[1, -1], [-1, 1]]);
    let e = Engine::new(&c, &[], 0);
    // balance of (a1, b2): on A from b2 = [-1, 1]; on B from a1 = [2, -2]
    assert_eq!(e.balance(&[0, 1]), vec![-1, 1, 2, -2]);
    // IC_A = 1 − (−1) = 2, IC_B = 2 − (−2) = 4, IC = 4; TIS = −1 + −2 = −3
    assert_eq!(e.evaluate(&[0, 1]), (4, -3));
    assert_eq!(e.evaluate(&[0, 0]), (0, 3));
    assert_eq!(e.evaluate(&[1, 1]), (0, 3));
    let found = e.search(Algorithm::BranchAndBound);
    let s: Vec<Vec<u8>> = found.iter().map(|f| f.scenario.clone()).collect();
    assert_eq!(s, vec![vec![0, 0], vec![1, 1]]);
    // tolerance 2 still excludes IC 4; tolerance 4 accepts all four
    assert_eq!(Engine::new(&c, &[], 2).search(Algorithm::Naive).len(), 2);
    assert_eq!(Engine::new(&c, &[], 4).search(Algorithm::Odometer).len(), 4);
}

#[test]
fn ties_count_as_consistent_and_succession_keeps_the_current_variant() {
    // A=a1 has no effect on B (a tie); a2 favours b1. B has no effect on A at all.
    let c = two_by_two([[0, 0], [1, -1]], [[0, 0], [0, 0]]);
    let e = Engine::new(&c, &[], 0);
    assert!(e.is_consistent(&[0, 0]));
    assert!(e.is_consistent(&[0, 1]));
    assert!(e.is_consistent(&[1, 0]));
    assert_eq!(e.evaluate(&[1, 1]), (2, -1));
    assert_eq!(e.search(Algorithm::BranchAndBound).len(), 3);
    let t = e.succession(&[0, 1], Succession::Global);
    assert_eq!(t.path, vec![vec![0, 1]]);
    assert_eq!(t.attractor, Attractor::Fixed(vec![0, 1]));
}

#[test]
fn global_succession_finds_a_two_cycle_that_sequential_resolves() {
    // Each descriptor copies the other: (a1,b2) and (a2,b1) swap under global succession.
    let c = two_by_two([[2, -2], [-2, 2]], [[2, -2], [-2, 2]]);
    let e = Engine::new(&c, &[], 0);
    let t = e.succession(&[0, 1], Succession::Global);
    assert_eq!(t.path, vec![vec![0, 1], vec![1, 0], vec![0, 1]]);
    assert_eq!(t.attractor, Attractor::Cycle(vec![vec![0, 1], vec![1, 0]]));
    // sequential: A switches first (to a2), then B agrees
    let t = e.succession(&[0, 1], Succession::Sequential);
    assert_eq!(t.attractor, Attractor::Fixed(vec![1, 1]));
    assert_eq!(t.path, vec![vec![0, 1], vec![1, 1]]);
    // exact basins: each fixed point keeps itself, the other two starts form the cycle
    let b = e.basins(Succession::Global, 1000, 0, 1);
    assert!(b.exact);
    assert_eq!(b.starts, 4);
    assert_eq!(
        b.counts,
        vec![
            (Attractor::Fixed(vec![0, 0]), 1),
            (Attractor::Fixed(vec![1, 1]), 1),
            (Attractor::Cycle(vec![vec![0, 1], vec![1, 0]]), 2),
        ]
    );
}

#[test]
fn intervention_forces_a_variant_and_leaves_it_out_of_the_check() {
    // A opposes B's lead: forcing A=a1 makes (a1, b1) the only consistent scenario.
    let c = two_by_two([[2, -2], [-2, 2]], [[-1, 1], [1, -1]]);
    let e = Engine::new(&c, &[], 0);
    assert!(e.search(Algorithm::Naive).is_empty());
    let forced = Engine::new(&c, &[(0, 0)], 0);
    let s: Vec<Vec<u8>> = forced
        .search(Algorithm::BranchAndBound)
        .into_iter()
        .map(|f| f.scenario)
        .collect();
    assert_eq!(s, vec![vec![0, 0]]);
    assert_eq!(forced.space(), 2);
}

#[test]
fn chao1_and_wilson_match_hand_values() {
    // 3 attractors seen once, 1 twice, 1 ten times: 5 + 9 / 2 = 9.5
    assert_eq!(chao1(&[1, 1, 1, 2, 10]), 9.5);
    // no doubletons: bias-corrected form 2 + 2·1/2 = 3
    assert_eq!(chao1(&[1, 1]), 3.0);
    let (lo, hi) = wilson95(50, 100);
    assert!(
        (lo - 0.4038).abs() < 1e-3 && (hi - 0.5962).abs() < 1e-3,
        "{lo} {hi}"
    );
}

fn sizes() -> impl Strategy<Value = Vec<usize>> {
    prop::collection::vec(2usize..=4, 2..=6)
}

proptest! {
    // a fixed seed keeps the suite reproducible; failures are still shrunk and reported
    #![proptest_config(ProptestConfig {
        cases: 48,
        rng_seed: proptest::test_runner::RngSeed::Fixed(20_261_127),
        failure_persistence: None,
        .. ProptestConfig::default()
    })]

    #[test]
    fn consistent_iff_fixed_point_of_both_successions(counts in sizes(), seed in any::<u64>()) {
        let c = random_cib(&counts, seed);
        let e = Engine::new(&c, &[], 0);
        let space = e.space() as usize;
        let all = e.search(Algorithm::Naive);
        let mut s = vec![0u8; counts.len()];
        let mut n_fixed = 0;
        let mut by_g: BTreeMap<Attractor, u64> = BTreeMap::new();
        let mut by_q: BTreeMap<Attractor, u64> = BTreeMap::new();
        for mut idx in 0..space {
            for j in (0..counts.len()).rev() {
                s[j] = (idx % counts[j]) as u8;
                idx /= counts[j];
            }
            let g = e.succession(&s, Succession::Global);
            let q = e.succession(&s, Succession::Sequential);
            let fixed_g = g.path.len() == 1 && g.attractor == Attractor::Fixed(s.clone());
            let fixed_q = q.path.len() == 1 && q.attractor == Attractor::Fixed(s.clone());
            prop_assert_eq!(e.is_consistent(&s), fixed_g);
            prop_assert_eq!(fixed_g, fixed_q);
            // every fixed point a succession ends in is consistent
            if let Attractor::Fixed(f) = &g.attractor { prop_assert!(e.is_consistent(f)); }
            // the path-free attractor search used by basins agrees with the traced one
            prop_assert_eq!(&e.attractor_of(&s, Succession::Global), &g.attractor);
            prop_assert_eq!(&e.attractor_of(&s, Succession::Sequential), &q.attractor);
            n_fixed += fixed_g as usize;
            *by_g.entry(g.attractor).or_insert(0) += 1;
            *by_q.entry(q.attractor).or_insert(0) += 1;
        }
        prop_assert_eq!(n_fixed, all.len());
        // memoised exact basins agree with running every start on its own
        let bg = e.basins(Succession::Global, u64::MAX, 0, 0);
        prop_assert!(bg.exact);
        prop_assert_eq!(bg.counts, by_g.into_iter().collect::<Vec<_>>());
        let bq = e.basins(Succession::Sequential, u64::MAX, 0, 0);
        prop_assert_eq!(bq.counts, by_q.into_iter().collect::<Vec<_>>());
    }

    #[test]
    fn all_searches_agree(counts in sizes(), seed in any::<u64>(), tol in 0i32..4, force in any::<bool>()) {
        let c = random_cib(&counts, seed);
        let fixed: Vec<(usize, u8)> = if force { vec![(1, (seed % 2) as u8)] } else { vec![] };
        let e = Engine::new(&c, &fixed, tol);
        let naive = e.search(Algorithm::Naive);
        prop_assert_eq!(&naive, &e.search(Algorithm::Odometer));
        prop_assert_eq!(&naive, &e.search(Algorithm::BranchAndBound));
    }
}

#[test]
fn results_do_not_depend_on_the_thread_count() {
    let c = random_cib(&[3; 9], 42);
    let e = Engine::new(&c, &[], 1);
    let run = |t: usize| {
        rayon::ThreadPoolBuilder::new()
            .num_threads(t)
            .build()
            .unwrap()
            .install(|| {
                (
                    e.search(Algorithm::BranchAndBound),
                    e.basins(Succession::Global, 0, 20_000, 7),
                    e.basins(Succession::Global, u64::MAX, 0, 0),
                )
            })
    };
    let (f1, b1, x1) = run(1);
    let (f2, b2, x2) = run(2);
    let (f3, b3, x3) = run(3);
    assert_eq!(x1, x2);
    assert_eq!(x1, x3);
    assert_eq!(x1.starts, 19_683);
    assert!(!f1.is_empty());
    assert_eq!(f1, f2);
    assert_eq!(f1, f3);
    assert_eq!(b1, b2);
    assert_eq!(b1, b3);
    assert!(!b1.exact);
    assert_eq!(b1.counts.iter().map(|c| c.1).sum::<u64>(), 20_000);
}
