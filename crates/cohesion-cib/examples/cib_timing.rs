//! Wall-clock figures for the sizes the issue names, median of several runs, printed as a
//! table: `cargo run --release -p cohesion-cib --example cib_timing [RUNS]`.
//! Random matrices: cells uniform on −3..3, seeded, diagonal blocks zero.

use cohesion_cib::{random_cib, Algorithm, Engine, Succession};
use std::time::Instant;

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(|a, b| a.total_cmp(b));
    v[v.len() / 2]
}

fn time(e: &Engine, alg: Algorithm, runs: usize) -> (f64, usize) {
    let mut t = Vec::new();
    let mut n = 0;
    for _ in 0..runs {
        let s = Instant::now();
        n = e.search(alg).len();
        t.push(s.elapsed().as_secs_f64());
    }
    (median(t), n)
}

fn main() {
    let runs: usize = std::env::args()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(5);
    let threads = rayon::current_num_threads();
    println!("threads: {threads}, runs per figure: {runs} (median)");
    println!(
        "{:<28} {:>14} {:>12} {:>12} {:>12} {:>8}",
        "matrix", "scenarios", "naive s", "odometer s", "bnb s", "found"
    );
    let cases: Vec<(String, Vec<usize>, bool)> = vec![
        ("12 x 3".into(), vec![3; 12], true),
        ("13 x 3".into(), vec![3; 13], true),
        ("15 x 3".into(), vec![3; 15], false),
        (
            "10 x 3 + 5 x 4 (60.5 M)".into(),
            [vec![4; 5], vec![3; 10]].concat(),
            false,
        ),
        ("20 x 3".into(), vec![3; 20], false),
        ("25 x 3".into(), vec![3; 25], false),
    ];
    for (name, counts, naive) in cases {
        let c = random_cib(&counts, 2026);
        let e = Engine::new(&c, &[], 0);
        let space = c.scenario_count();
        let (tn, _) = if naive {
            time(&e, Algorithm::Naive, runs)
        } else {
            (f64::NAN, 0)
        };
        let big = space > 100_000_000;
        let (to, _) = if !big {
            time(&e, Algorithm::Odometer, runs)
        } else {
            (f64::NAN, 0)
        };
        let (tb, n) = time(
            &e,
            Algorithm::BranchAndBound,
            if space > 1_000_000_000 {
                runs.min(3)
            } else {
                runs
            },
        );
        println!("{name:<28} {space:>14} {tn:>12.4} {to:>12.4} {tb:>12.4} {n:>8}");
    }
    println!();
    println!(
        "{:<28} {:>14} {:>12} {:>12}",
        "basins (global succession)", "starts", "seconds", "attractors"
    );
    for (name, counts, exact) in [
        ("12 x 3 exact", vec![3usize; 12], true),
        ("15 x 3 exact", vec![3; 15], true),
        ("30 x 3 sampled 10^5", vec![3; 30], false),
    ] {
        let c = random_cib(&counts, 2026);
        let e = Engine::new(&c, &[], 0);
        // basins take seconds to a minute: one run each
        let s = Instant::now();
        let b = e.basins(
            Succession::Global,
            if exact { u64::MAX } else { 0 },
            100_000,
            1,
        );
        let secs = s.elapsed().as_secs_f64();
        println!(
            "{name:<28} {:>14} {:>12.3} {:>12}",
            b.starts,
            secs,
            b.counts.len()
        );
    }
}
