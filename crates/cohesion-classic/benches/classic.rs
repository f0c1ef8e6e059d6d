//! B1 and B2 at small sizes, both schedules (`cargo bench -p cohesion-classic`). The full
//! sizes, with anchors measured in the same run, are `cohesion bench b1|b2`.

use cohesion_classic::deffuant::Deffuant;
use cohesion_classic::graph::{erdos_renyi, Matchings};
use cohesion_classic::schelling::Town;
use cohesion_classic::Schedule;
use criterion::{criterion_group, criterion_main, BatchSize, Criterion};

const SEED: u64 = 42;
const STEPS: u64 = 10;

fn schedules() -> [Schedule; 2] {
    [Schedule::Sequential, Schedule::Parallel]
}

fn schelling(c: &mut Criterion) {
    let mut g = c.benchmark_group("b1 schelling L=100");
    g.sample_size(20);
    for schedule in schedules() {
        g.bench_function(format!("{} x {STEPS} steps", schedule.name()), |b| {
            b.iter_batched(
                || Town::new(100, SEED).expect("a valid side"),
                |mut town| {
                    for step in 1..=STEPS {
                        town.step(schedule, SEED, step);
                    }
                    town
                },
                BatchSize::LargeInput,
            )
        });
    }
    g.bench_function("set-up", |b| b.iter(|| Town::new(100, SEED)));
    g.finish();
}

fn deffuant(c: &mut Criterion) {
    let n = 10_000;
    let mut g = c.benchmark_group("b2 deffuant N=10^4");
    g.sample_size(20);
    let ties = erdos_renyi(n, 20, SEED).expect("a valid graph");
    let matchings = Matchings::colour(&ties, SEED);
    for schedule in schedules() {
        g.bench_function(format!("{} x {STEPS} steps", schedule.name()), |b| {
            b.iter_batched(
                || Deffuant::new(ties.clone(), 0.2, 0.5, SEED).expect("valid ε and μ"),
                |mut model| {
                    model.run(schedule, Some(&matchings), SEED, 1, STEPS);
                    model
                },
                BatchSize::LargeInput,
            )
        });
    }
    g.bench_function("graph set-up", |b| b.iter(|| erdos_renyi(n, 20, SEED)));
    g.finish();
}

criterion_group!(benches, schelling, deffuant);
criterion_main!(benches);
