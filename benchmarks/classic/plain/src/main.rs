//! B1 (Schelling) and B2 (Deffuant) as plain single-threaded loops: flat vectors, a CSR graph,
//! one `SmallRng`. Usage: `classic-plain schelling L STEPS SEED` or
//! `classic-plain deffuant N STEPS SEED` (or `classic-plain stream MIB REPEATS 0`, a STREAM-like
//! copy); prints one JSON object.

use rand::rngs::SmallRng;
use rand::seq::SliceRandom;
use rand::{Rng, SeedableRng};
use std::time::Instant;

fn main() {
    let args: Vec<String> = std::env::args().collect();
    if args.len() != 5 {
        eprintln!("usage: classic-plain schelling|deffuant SIZE STEPS SEED");
        std::process::exit(2);
    }
    let size: usize = args[2].parse().expect("SIZE");
    let steps: usize = args[3].parse().expect("STEPS");
    let seed: u64 = args[4].parse().expect("SEED");
    match args[1].as_str() {
        "schelling" => schelling(size, steps, seed),
        "deffuant" => deffuant(size, steps, seed),
        // SIZE = MiB per array, STEPS = repeats (SEED unused).
        "stream" => stream_copy(size, steps),
        other => {
            eprintln!("unknown model {other}");
            std::process::exit(2);
        }
    }
}

/// (like, occupied) neighbours of cell c on an l×l torus for group g.
fn counts(grid: &[u8], l: usize, c: usize, g: u8) -> (u32, u32) {
    let (y, x) = (c / l, c % l);
    let (mut like, mut occ) = (0, 0);
    for dy in [l - 1, 0, 1] {
        for dx in [l - 1, 0, 1] {
            if dy == 0 && dx == 0 {
                continue;
            }
            let v = grid[((y + dy) % l) * l + (x + dx) % l];
            occ += (v != 0) as u32;
            like += (v == g) as u32;
        }
    }
    (like, occ)
}

fn schelling(l: usize, steps: usize, seed: u64) {
    let t0 = Instant::now();
    let mut rng = SmallRng::seed_from_u64(seed);
    let cells = l * l;
    let n = cells * 4 / 5;
    let mut perm: Vec<u32> = (0..cells as u32).collect();
    perm.shuffle(&mut rng);
    let mut grid = vec![0u8; cells];
    let mut pos: Vec<u32> = perm[..n].to_vec();
    let group: Vec<u8> = (0..n).map(|i| 1 + (i % 2) as u8).collect();
    for i in 0..n {
        grid[pos[i] as usize] = group[i];
    }
    let mut empty: Vec<u32> = perm[n..].to_vec();
    let mut order: Vec<u32> = (0..n as u32).collect();
    let setup = t0.elapsed().as_secs_f64();
    let t1 = Instant::now();
    for _ in 0..steps {
        order.shuffle(&mut rng);
        for &a in &order {
            let a = a as usize;
            let c = pos[a] as usize;
            let (like, occ) = counts(&grid, l, c, group[a]);
            if 8 * like < 3 * occ {
                let k = rng.random_range(0..empty.len());
                let to = empty[k] as usize;
                empty[k] = c as u32;
                grid[to] = group[a];
                grid[c] = 0;
                pos[a] = to as u32;
            }
        }
    }
    let run = t1.elapsed().as_secs_f64();
    let (mut unhappy, mut share, mut counted) = (0usize, 0.0f64, 0usize);
    for a in 0..n {
        let (like, occ) = counts(&grid, l, pos[a] as usize, group[a]);
        unhappy += (8 * like < 3 * occ) as usize;
        if occ > 0 {
            share += like as f64 / occ as f64;
            counted += 1;
        }
    }
    println!(
        "{{\"model\":\"schelling\",\"framework\":\"plain\",\"size\":{l},\"agents\":{n},\"steps\":{steps},\"seed\":{seed},\"setup_s\":{setup},\"run_s\":{run},\"activations\":{},\"unhappy_share\":{},\"like_share\":{}}}",
        n * steps,
        unhappy as f64 / n as f64,
        share / counted as f64
    );
}

fn deffuant(n: usize, steps: usize, seed: u64) {
    let t0 = Instant::now();
    let mut rng = SmallRng::seed_from_u64(seed);
    let m = n * 10;
    let mut keys: Vec<u64> = Vec::with_capacity(m);
    while keys.len() < m {
        while keys.len() < m {
            let a = rng.random_range(0..n as u64);
            let b = rng.random_range(0..n as u64);
            if a != b {
                keys.push(a.min(b) << 32 | a.max(b));
            }
        }
        keys.sort_unstable();
        keys.dedup();
    }
    let mut start = vec![0u32; n + 1];
    for &k in &keys {
        start[(k >> 32) as usize + 1] += 1;
        start[(k & 0xffff_ffff) as usize + 1] += 1;
    }
    for i in 0..n {
        start[i + 1] += start[i];
    }
    let mut fill = start.clone();
    let mut adj = vec![0u32; 2 * m];
    for &k in &keys {
        let (a, b) = ((k >> 32) as usize, (k & 0xffff_ffff) as usize);
        adj[fill[a] as usize] = b as u32;
        fill[a] += 1;
        adj[fill[b] as usize] = a as u32;
        fill[b] += 1;
    }
    drop(keys);
    let mut x: Vec<f64> = (0..n).map(|_| rng.random::<f64>()).collect();
    let setup = t0.elapsed().as_secs_f64();
    let t1 = Instant::now();
    let (eps, mu) = (0.2, 0.5);
    for _ in 0..steps {
        for _ in 0..n {
            let i = rng.random_range(0..n);
            let (s, e) = (start[i] as usize, start[i + 1] as usize);
            if s == e {
                continue;
            }
            let j = adj[rng.random_range(s..e)] as usize;
            let d = x[j] - x[i];
            if d.abs() < eps {
                x[i] += mu * d;
                x[j] -= mu * d;
            }
        }
    }
    let run = t1.elapsed().as_secs_f64();
    x.sort_unstable_by(f64::total_cmp);
    let (mut clusters, mut large, mut size) = (1, 0, 1);
    for w in x.windows(2) {
        if w[1] - w[0] > 0.05 {
            large += (size * 20 >= n) as usize;
            clusters += 1;
            size = 0;
        }
        size += 1;
    }
    large += (size * 20 >= n) as usize;
    println!(
        "{{\"model\":\"deffuant\",\"framework\":\"plain\",\"size\":{n},\"agents\":{n},\"steps\":{steps},\"seed\":{seed},\"setup_s\":{setup},\"run_s\":{run},\"activations\":{},\"clusters\":{clusters},\"large_clusters\":{large}}}",
        n * steps
    );
}

/// A STREAM-like copy (McCalpin's "Copy" kernel, a[i] = b[i] over arrays far larger than the
/// caches), the memory-bandwidth reference for B3: prints GB/s counting the bytes read and written.
pub fn stream_copy(mib: usize, repeats: usize) {
    let n = mib * 1024 * 1024 / 8;
    let source: Vec<f64> = (0..n).map(|i| i as f64).collect();
    let mut target = vec![0.0f64; n];
    let mut best = f64::INFINITY;
    for _ in 0..repeats {
        let started = Instant::now();
        target.copy_from_slice(&source);
        best = best.min(started.elapsed().as_secs_f64());
        std::hint::black_box(&mut target);
    }
    let bytes = 2.0 * 8.0 * n as f64;
    println!(
        "{{\"kernel\":\"copy\",\"array_mib\":{mib},\"repeats\":{repeats},\"best_s\":{best},\"gb_per_s\":{}}}",
        bytes / best / 1e9
    );
}
