//! Speed of the model (issue 2): a whole run, and the parts of a year.
//! `cargo bench -p cohesion-model`; the 100 000-agent figure in the notes comes from
//! `hyperfine 'cohesion run --agents 100000 --years 25'` and `COHESION_PROFILE=1`.

use cohesion_model::{run, Params, RunConfig, World};
use criterion::{criterion_group, criterion_main, Criterion};

fn bench(c: &mut Criterion) {
    let p = Params::default();
    let mut g = c.benchmark_group("model");
    g.sample_size(10);
    g.bench_function("run 20k agents x 25 years", |b| {
        let cfg = RunConfig {
            agents: 20_000,
            years: 25,
            seed: 1,
            ..Default::default()
        };
        let schedule = vec![p.clone(); 26];
        b.iter(|| run(&cfg, &schedule, &mut |_| {}))
    });
    g.bench_function("one year at 100k agents", |b| {
        let cfg = RunConfig {
            agents: 100_000,
            years: 1,
            seed: 1,
            ..Default::default()
        };
        let mut w = World::new(&cfg, &p);
        b.iter(|| w.advance(&p))
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
