//! Designs and analyses at the sizes an experiment produces: a Saltelli design and its Sobol'
//! analysis (n = 4096 base rows, 8 factors, 500 bootstrap resamples), and PRIM on 10 000 rows
//! of 6 real and 1 categorical column with a noisy box.

use cohesion_explore::design::{self, Factor};
use cohesion_explore::prim::{self, Column, Dataset, Options};
use cohesion_explore::rng::SplitMix64;
use cohesion_explore::sensitivity;
use criterion::{criterion_group, criterion_main, Criterion};

fn factors(k: usize) -> Vec<Factor> {
    (0..k)
        .map(|i| Factor::uniform(&format!("f{i}"), 0.0, 1.0))
        .collect()
}

fn sobol(c: &mut Criterion) {
    let fs = factors(8);
    let mut g = c.benchmark_group("sobol");
    g.sample_size(10);
    g.bench_function("saltelli_design/4096x8", |b| {
        b.iter(|| design::saltelli(&fs, 4096, 1).len())
    });
    let rows = design::saltelli(&fs, 4096, 1);
    let y: Vec<f64> = rows
        .iter()
        .map(|r| {
            r.iter()
                .enumerate()
                .map(|(i, v)| (i + 1) as f64 * v * v)
                .sum::<f64>()
                + r[0] * r[1]
        })
        .collect();
    g.bench_function("analysis/4096x8/500", |b| {
        b.iter(|| sensitivity::sobol(&fs, &y, 500, 0.95, 2).unwrap().len())
    });
    g.finish();
}

fn prim_data(rows: usize) -> (Dataset, Vec<bool>) {
    let mut rng = SplitMix64::new(9);
    let reals: Vec<Vec<f64>> = (0..6)
        .map(|_| (0..rows).map(|_| rng.next_f64()).collect())
        .collect();
    let codes: Vec<u32> = (0..rows).map(|_| rng.below(4) as u32).collect();
    let y = (0..rows)
        .map(|r| {
            let inside = reals[0][r] > 0.3 && reals[1][r] < 0.6 && codes[r] < 2;
            rng.next_f64() < if inside { 0.9 } else { 0.05 }
        })
        .collect();
    let mut columns: Vec<Column> = reals.into_iter().map(Column::Real).collect();
    columns.push(Column::Categorical {
        codes,
        labels: ["a", "b", "c", "d"].map(String::from).to_vec(),
    });
    let names = (0..7).map(|i| format!("c{i}")).collect();
    (Dataset { names, columns }, y)
}

fn prim(c: &mut Criterion) {
    let (data, y) = prim_data(10_000);
    let mut g = c.benchmark_group("prim");
    g.sample_size(10);
    g.bench_function("find_boxes/10000x7", |b| {
        b.iter(|| {
            prim::find_boxes(&data, &y, &Options::default())
                .unwrap()
                .len()
        })
    });
    g.finish();
}

criterion_group!(benches, sobol, prim);
criterion_main!(benches);
