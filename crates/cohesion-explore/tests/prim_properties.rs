//! PRIM invariants on random data sets.

use cohesion_explore::prim::{find_boxes, Column, Dataset, Limit, Options};
use proptest::prelude::*;

fn dataset(rows: &[(f64, f64, u32, bool)]) -> (Dataset, Vec<bool>) {
    let data = Dataset {
        names: vec!["a".into(), "b".into(), "k".into()],
        columns: vec![
            Column::Real(rows.iter().map(|r| r.0).collect()),
            Column::Real(rows.iter().map(|r| r.1).collect()),
            Column::Categorical {
                codes: rows.iter().map(|r| r.2).collect(),
                labels: vec!["p".into(), "q".into(), "r".into()],
            },
        ],
    };
    (data, rows.iter().map(|r| r.3).collect())
}

proptest! {
    #![proptest_config(ProptestConfig {
        cases: 64,
        rng_seed: proptest::test_runner::RngSeed::Fixed(20_261_127),
        failure_persistence: None,
        .. ProptestConfig::default()
    })]

    #[test]
    fn boxes_are_dense_disjoint_and_their_trajectories_consistent(
        raw in prop::collection::vec((0.0f64..1.0, 0.0f64..1.0, 0u32..3, 0.0f64..1.0), 40..250),
        threshold in 0.5f64..0.95,
    ) {
        // Cases of interest concentrate where a < 0.5 and k != 2, with some noise.
        let rows: Vec<(f64, f64, u32, bool)> = raw
            .iter()
            .map(|&(a, b, k, noise)| (a, b, k, noise < if a < 0.5 && k != 2 { 0.85 } else { 0.1 }))
            .collect();
        let (data, y) = dataset(&rows);
        prop_assume!(y.iter().any(|&v| v));
        let options = Options { threshold, ..Options::default() };
        let boxes = find_boxes(&data, &y, &options).unwrap();
        let total_interest = y.iter().filter(|&&v| v).count() as f64;
        let mut covered = 0.0;
        for found in &boxes {
            prop_assert!(found.density >= threshold);
            prop_assert_eq!(found.chosen, found.trajectory.len() - 1);
            let first = &found.trajectory[0];
            prop_assert_eq!(first.restricted, 0);
            prop_assert!(first.restrictions.is_empty());
            for point in &found.trajectory {
                // coverage·K = density·n = cases of interest in the box, a whole number.
                let in_box = point.coverage * total_interest;
                prop_assert!((in_box - in_box.round()).abs() < 1e-9);
                prop_assert!((point.density * point.mass * rows.len() as f64 - in_box).abs() < 1e-9);
                prop_assert_eq!(point.restricted, point.restrictions.len());
                for r in &point.restrictions {
                    prop_assert!((0.0..=1.0).contains(&r.qp));
                    if let Limit::Real { low, high } = r.limit {
                        prop_assert!(low <= high);
                    }
                }
            }
            if found.trajectory.len() > 1 {
                prop_assert!(found.mass >= options.mass_min);
            }
            covered += found.coverage;
        }
        // Boxes are taken from rows no earlier box holds, so coverages add up to at most 1.
        prop_assert!(covered <= 1.0 + 1e-12);
        prop_assert_eq!(&boxes, &find_boxes(&data, &y, &options).unwrap());
    }
}
