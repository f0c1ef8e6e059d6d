//! Deffuant invariants, cluster counting, determinism of the parallel schedule across thread
//! counts, and the stylised fact (smaller ε, more clusters).

use cohesion_classic::deffuant::{clusters, Clusters, Deffuant};
use cohesion_classic::graph::{erdos_renyi, Matchings};
use cohesion_classic::Schedule;
use proptest::prelude::*;

fn model(n: usize, epsilon: f64, seed: u64) -> Deffuant {
    Deffuant::new(erdos_renyi(n, 20, seed).unwrap(), epsilon, 0.5, seed).unwrap()
}

fn mean(x: &[f64]) -> f64 {
    x.iter().sum::<f64>() / x.len() as f64
}

#[test]
fn clusters_are_counted_on_hand_built_vectors() {
    assert_eq!(clusters(&[]), Clusters { count: 0, large: 0 });
    assert_eq!(clusters(&[0.5]), Clusters { count: 1, large: 1 });
    // A gap of 0.04 joins, 0.06 splits.
    assert_eq!(clusters(&[0.1, 0.14, 0.18]).count, 1);
    assert_eq!(clusters(&[0.1, 0.16, 0.22]).count, 3);
    // 40 agents: large means at least 2 (5 %). Groups of 19, 19, 1 and 1.
    let mut v = vec![0.2; 19];
    v.extend(vec![0.8; 19]);
    v.extend([0.5, 0.99]);
    assert_eq!(clusters(&v), Clusters { count: 4, large: 2 });
    v.push(0.5);
    assert_eq!(
        clusters(&v),
        Clusters { count: 4, large: 2 },
        "41 agents: 2 of 41 < 5 %"
    );
    v.push(0.5);
    assert_eq!(
        clusters(&v),
        Clusters { count: 4, large: 3 },
        "3 of 42 ≥ 5 %"
    );
}

#[test]
fn the_graph_has_the_asked_edges_without_loops_or_duplicates() {
    let ties = erdos_renyi(2000, 20, 1).unwrap();
    assert_eq!(ties.total_ties(), 20_000);
    assert!(ties.is_symmetric());
    for i in 0..ties.n() {
        let mut row = ties.partners(i).to_vec();
        row.sort_unstable();
        row.dedup();
        assert_eq!(row.len(), ties.partners(i).len(), "duplicate tie at {i}");
    }
    assert!(erdos_renyi(10, 20, 1).is_err());
    assert!(erdos_renyi(1, 1, 1).is_err());
}

#[test]
fn matchings_partition_the_edges_into_disjoint_pairs() {
    let ties = erdos_renyi(1000, 20, 2).unwrap();
    let m = Matchings::colour(&ties, 2);
    assert_eq!(m.edges.len(), ties.total_ties());
    for c in 0..m.classes() {
        let mut seen = vec![false; ties.n()];
        for &(a, b) in m.class(c) {
            assert!(ties.connected(a as usize, b as usize));
            assert!(
                !seen[a as usize] && !seen[b as usize],
                "class {c} reuses an agent"
            );
            seen[a as usize] = true;
            seen[b as usize] = true;
        }
    }
    assert!(m.classes() < 2 * ties.capacity);
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(16))]
    #[test]
    fn interactions_conserve_the_mean_and_stay_in_the_unit_interval(
        seed in any::<u64>(), epsilon in 0.0f64..=1.0, mu in 0.0f64..=0.5, parallel in any::<bool>()
    ) {
        let ties = erdos_renyi(300, 20, seed).unwrap();
        let mut m = Deffuant::new(ties, epsilon, mu, seed).unwrap();
        let before = mean(&m.opinion);
        let schedule = if parallel { Schedule::Parallel } else { Schedule::Sequential };
        m.run(schedule, None, seed, 1, 5);
        prop_assert!((mean(&m.opinion) - before).abs() < 1e-12);
        prop_assert!(m.opinion.iter().all(|x| (0.0..=1.0).contains(x)));
    }
}

#[test]
fn each_interaction_conserves_the_pairs_sum() {
    // One step on a single tie: the pair's sum is unchanged, both moved halfway.
    let mut ties = cohesion_model::network::Ties::new(2, 1);
    ties.link(0, 1, cohesion_model::network::Focus::Elective);
    let mut m = Deffuant::new(ties, 1.0, 0.5, 0).unwrap();
    // Values exact in binary, so the sum can be compared exactly.
    m.opinion = vec![0.25, 0.875];
    m.step_sequential(0, 1);
    assert_eq!(m.opinion, vec![0.5625, 0.5625]);
    // Too far apart for ε = 0.25: nothing moves.
    m.epsilon = 0.25;
    m.opinion = vec![0.25, 0.5];
    m.step_sequential(0, 2);
    assert_eq!(m.opinion, vec![0.25, 0.5]);
}

#[test]
fn zero_epsilon_changes_nothing() {
    for schedule in [Schedule::Sequential, Schedule::Parallel] {
        let mut m = model(500, 0.0, 4);
        let before = m.opinion.clone();
        m.run(schedule, None, 4, 1, 10);
        assert_eq!(m.opinion, before);
    }
}

#[test]
fn full_confidence_on_a_connected_graph_reaches_consensus() {
    for schedule in [Schedule::Sequential, Schedule::Parallel] {
        let mut m = model(500, 1.0, 5);
        m.run(schedule, None, 5, 1, 60);
        assert_eq!(
            m.clusters(),
            Clusters { count: 1, large: 1 },
            "{schedule:?}"
        );
        let spread = m
            .opinion
            .iter()
            .fold(0.0f64, |a, &x| a.max((x - 0.5).abs()));
        assert!(spread < 0.1, "{schedule:?}: {spread}");
    }
}

#[test]
fn parallel_schedule_is_identical_on_one_and_two_threads() {
    let run = |threads| {
        rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .unwrap()
            .install(|| {
                let mut m = model(20_000, 0.2, 6);
                let met = m.run(Schedule::Parallel, None, 6, 1, 10);
                (m.opinion, met)
            })
    };
    let (one, met_one) = run(1);
    let (two, met_two) = run(2);
    assert_eq!(met_one, met_two);
    assert!(one
        .iter()
        .zip(&two)
        .all(|(a, b)| a.to_bits() == b.to_bits()));
}

#[test]
fn smaller_confidence_gives_more_clusters() {
    for schedule in [Schedule::Sequential, Schedule::Parallel] {
        let count = |epsilon| {
            let mut m = model(2000, epsilon, 8);
            m.run(schedule, None, 8, 1, 100);
            m.clusters().large
        };
        let (narrow, wide) = (count(0.1), count(0.4));
        assert!(
            narrow > wide,
            "{schedule:?}: ε=0.1 → {narrow}, ε=0.4 → {wide}"
        );
        assert_eq!(wide, 1, "{schedule:?}");
    }
}
