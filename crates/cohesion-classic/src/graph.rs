//! Random graphs for B2 in the model's tie layout, and their partition into matchings.
//!
//! The graph is Erdős–Rényi G(N, M): exactly M = N·k/2 distinct undirected edges drawn
//! uniformly (mean degree k). It is stored in `Ties` with the capacity set to the largest
//! degree, so each agent's partners sit in one contiguous row.

use crate::schelling::shuffle;
use cohesion_model::network::{Focus, Ties};
use cohesion_model::rng::{Purpose, Stream};
use rayon::prelude::*;

/// The largest network accepted: at mean degree 20 about 6 GB for the ties and their colouring.
pub const MAX_AGENTS: usize = 20_000_000;

/// G(N, M) with M = N·mean_degree/2 distinct edges.
pub fn erdos_renyi(n: usize, mean_degree: usize, seed: u64) -> Result<Ties, String> {
    if n < 3 || n > u32::MAX as usize / 2 {
        return Err(format!(
            "number of agents {n} is out of range 3..=2147483647"
        ));
    }
    // At most half of all pairs, so that drawing distinct edges by rejection stays quick, and at
    // most 100, so that the largest degree stays below the tie capacity of 255.
    let densest = ((n - 1) / 2).min(100);
    if mean_degree == 0 || mean_degree > densest {
        return Err(format!(
            "mean degree {mean_degree} is out of range 1..={densest} for {n} agents"
        ));
    }
    let edges = n * mean_degree / 2;
    let mut rng = Stream::new(seed, 0, 1, Purpose::ClassicSetup);
    let mut keys: Vec<u64> = Vec::with_capacity(edges);
    while keys.len() < edges {
        for _ in keys.len()..edges {
            let a = rng.below(n) as u32;
            let b = rng.below(n) as u32;
            if a != b {
                keys.push(Stream::pair_id(a, b));
            }
        }
        keys.par_sort_unstable();
        keys.dedup();
    }
    let mut degree = vec![0usize; n];
    for &k in &keys {
        degree[(k >> 32) as usize] += 1;
        degree[(k & 0xffff_ffff) as usize] += 1;
    }
    let max_degree = degree.iter().copied().max().unwrap_or(0);
    if max_degree > 255 {
        return Err(format!(
            "largest degree {max_degree} exceeds the tie capacity 255"
        ));
    }
    let mut ties = Ties::new(n, max_degree.max(1));
    let cap = ties.capacity;
    for &k in &keys {
        let (a, b) = ((k >> 32) as usize, (k & 0xffff_ffff) as usize);
        for (from, to) in [(a, b), (b, a)] {
            let slot = from * cap + ties.degree[from] as usize;
            ties.partner[slot] = to as u32;
            ties.focus[slot] = Focus::Elective as u8;
            ties.degree[from] += 1;
        }
    }
    Ok(ties)
}

/// The edges partitioned into matchings (no two edges of a class share an agent), each class
/// a contiguous run of `edges`.
#[derive(Clone, Debug)]
pub struct Matchings {
    pub edges: Vec<(u32, u32)>,
    /// Class c is `edges[starts[c]..starts[c + 1]]`.
    pub starts: Vec<usize>,
}

impl Matchings {
    /// Greedy edge colouring of the edges taken in a seeded random order: each edge gets the
    /// smallest colour free at both ends (at most 2·Δ − 1 colours).
    pub fn colour(ties: &Ties, seed: u64) -> Matchings {
        let mut edges: Vec<(u32, u32)> = (0..ties.n())
            .flat_map(|i| {
                ties.partners(i)
                    .iter()
                    .filter(move |&&j| (j as usize) > i)
                    .map(move |&j| (i as u32, j))
            })
            .collect();
        shuffle(
            &mut edges,
            &mut Stream::new(seed, 0, 2, Purpose::ClassicSetup),
        );
        let words = (2 * ties.capacity).div_ceil(64);
        let mut used = vec![0u64; ties.n() * words];
        let mut colour = vec![0u32; edges.len()];
        let mut colours = 0;
        for (e, &(a, b)) in edges.iter().enumerate() {
            let (ra, rb) = (a as usize * words, b as usize * words);
            let c = (0..words)
                .find_map(|w| {
                    let taken = used[ra + w] | used[rb + w];
                    (taken != u64::MAX).then(|| w * 64 + (!taken).trailing_zeros() as usize)
                })
                .expect("2Δ−1 colours always suffice");
            used[ra + c / 64] |= 1 << (c % 64);
            used[rb + c / 64] |= 1 << (c % 64);
            colour[e] = c as u32;
            colours = colours.max(c + 1);
        }
        let mut starts = vec![0usize; colours + 1];
        for &c in &colour {
            starts[c as usize + 1] += 1;
        }
        for c in 0..colours {
            starts[c + 1] += starts[c];
        }
        let mut next = starts.clone();
        let mut sorted = vec![(0, 0); edges.len()];
        for (&edge, &c) in edges.iter().zip(&colour) {
            sorted[next[c as usize]] = edge;
            next[c as usize] += 1;
        }
        Matchings {
            edges: sorted,
            starts,
        }
    }

    pub fn classes(&self) -> usize {
        self.starts.len() - 1
    }

    pub fn class(&self, c: usize) -> &[(u32, u32)] {
        &self.edges[self.starts[c]..self.starts[c + 1]]
    }
}
