//! Exhaustive search: straightforward enumeration against the incremental odometer and
//! branch-and-bound, on seeded random matrices (cells uniform on −3..3, diagonal blocks 0).
//! Larger sizes (15 × 3, 60 M scenarios, 20 × 3) are timed by `examples/cib_timing.rs`.

use cohesion_cib::{random_cib, Algorithm, Engine};
use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion};

fn search(c: &mut Criterion) {
    let mut g = c.benchmark_group("cib_search");
    g.sample_size(10);
    for n in [10usize, 12] {
        let cib = random_cib(&vec![3; n], 2026);
        let e = Engine::new(&cib, &[], 0);
        for (name, alg) in [
            ("naive", Algorithm::Naive),
            ("odometer", Algorithm::Odometer),
            ("bnb", Algorithm::BranchAndBound),
        ] {
            g.bench_with_input(BenchmarkId::new(name, format!("{n}x3")), &e, |b, e| {
                b.iter(|| e.search(alg).len())
            });
        }
    }
    let cib = random_cib(&[3; 15], 2026);
    let e = Engine::new(&cib, &[], 0);
    g.bench_function("bnb/15x3", |b| {
        b.iter(|| e.search(Algorithm::BranchAndBound).len())
    });
    g.finish();
}

criterion_group!(benches, search);
criterion_main!(benches);
