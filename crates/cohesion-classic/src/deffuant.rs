//! Deffuant bounded confidence on a network (benchmark B2): when two tied agents' opinions
//! differ by less than ε, each moves μ·(difference) toward the other, so the pair's sum (and
//! the mean opinion) is conserved.
//!
//! Two schedules:
//! * sequential: a step is N interactions, each a uniformly random agent (with replacement)
//!   and a uniformly random partner of it (the benchmark as specified);
//! * parallel: the edges are coloured once into matchings (`graph::Matchings`); a step takes
//!   the matchings in a fresh random order, one round per matching, until at least N pairs
//!   have met. Pairs in a round are disjoint, so the round's result is the same in any order
//!   and on any number of threads.

use crate::graph::Matchings;
use crate::schelling::shuffle;
use crate::Schedule;
use cohesion_model::network::Ties;
use cohesion_model::rng::{Purpose, Stream};
use rayon::prelude::*;
use std::sync::atomic::{AtomicU64, Ordering::Relaxed};

/// Sorted opinions further apart than this start a new cluster (benchmarks.md).
pub const CLUSTER_GAP: f64 = 0.05;
/// A cluster is large when it holds at least 1/20 (5 %) of the agents.
pub const LARGE_CLUSTER_DIVISOR: usize = 20;
/// Pairs handed to one parallel task in a round.
const PAIRS_PER_TASK: usize = 4096;

#[derive(Clone, Debug)]
pub struct Deffuant {
    pub ties: Ties,
    pub opinion: Vec<f64>,
    pub epsilon: f64,
    pub mu: f64,
}

/// The sanity outputs of B2.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Clusters {
    pub count: usize,
    pub large: usize,
}

/// The shift of agent i toward j, or `None` when they are too far apart to interact.
#[inline]
fn shift(xi: f64, xj: f64, epsilon: f64, mu: f64) -> Option<f64> {
    ((xi - xj).abs() < epsilon).then_some(mu * (xj - xi))
}

impl Deffuant {
    /// Opinions uniform in [0, 1) on the given network.
    pub fn new(ties: Ties, epsilon: f64, mu: f64, seed: u64) -> Result<Deffuant, String> {
        if !(0.0..=1.0).contains(&epsilon) {
            return Err(format!("epsilon {epsilon} is out of range 0..=1"));
        }
        if !(0.0..=0.5).contains(&mu) {
            return Err(format!("mu {mu} is out of range 0..=0.5"));
        }
        let mut rng = Stream::new(seed, 0, 3, Purpose::ClassicSetup);
        let opinion = (0..ties.n()).map(|_| rng.uniform()).collect();
        Ok(Deffuant {
            ties,
            opinion,
            epsilon,
            mu,
        })
    }

    pub fn agents(&self) -> usize {
        self.opinion.len()
    }

    /// One sequential step of N interactions; returns the number of interactions.
    pub fn step_sequential(&mut self, seed: u64, step: u64) -> u64 {
        let n = self.agents();
        let cap = self.ties.capacity;
        let mut rng = Stream::new(seed, step, u64::MAX, Purpose::ClassicStep);
        for _ in 0..n {
            let i = rng.below(n);
            let degree = self.ties.degree[i] as usize;
            if degree == 0 {
                continue;
            }
            let j = self.ties.partner[i * cap + rng.below(degree)] as usize;
            let (xi, xj) = (self.opinion[i], self.opinion[j]);
            if let Some(s) = shift(xi, xj, self.epsilon, self.mu) {
                self.opinion[i] = xi + s;
                self.opinion[j] = xj - s;
            }
        }
        n as u64
    }

    /// Steps `first..first + steps` of the parallel schedule; returns the pairs that met.
    /// `matchings` must come from `Matchings::colour` on this model's ties.
    pub fn run_parallel(
        &mut self,
        matchings: &Matchings,
        seed: u64,
        first: u64,
        steps: u64,
    ) -> u64 {
        let opinion: Vec<AtomicU64> = self
            .opinion
            .iter()
            .map(|x| AtomicU64::new(x.to_bits()))
            .collect();
        let (epsilon, mu, n) = (self.epsilon, self.mu, self.agents());
        let mut met = 0;
        let mut order: Vec<u32> = (0..matchings.classes() as u32).collect();
        for step in first..first + steps {
            shuffle(
                &mut order,
                &mut Stream::new(seed, step, u64::MAX, Purpose::ClassicStep),
            );
            let mut this_step = 0;
            for &c in &order {
                if this_step >= n {
                    break;
                }
                let round = matchings.class(c as usize);
                // Pairs of a round are disjoint: each opinion is read and written by one task.
                round
                    .par_iter()
                    .with_min_len(PAIRS_PER_TASK)
                    .for_each(|&(i, j)| {
                        let (i, j) = (i as usize, j as usize);
                        let xi = f64::from_bits(opinion[i].load(Relaxed));
                        let xj = f64::from_bits(opinion[j].load(Relaxed));
                        if let Some(s) = shift(xi, xj, epsilon, mu) {
                            opinion[i].store((xi + s).to_bits(), Relaxed);
                            opinion[j].store((xj - s).to_bits(), Relaxed);
                        }
                    });
                this_step += round.len();
            }
            met += this_step as u64;
        }
        for (x, a) in self.opinion.iter_mut().zip(opinion) {
            *x = f64::from_bits(a.into_inner());
        }
        met
    }

    /// Steps `first..first + steps` of either schedule; returns the interactions (pairs met).
    pub fn run(
        &mut self,
        schedule: Schedule,
        matchings: Option<&Matchings>,
        seed: u64,
        first: u64,
        steps: u64,
    ) -> u64 {
        match (schedule, matchings) {
            (Schedule::Parallel, Some(m)) => self.run_parallel(m, seed, first, steps),
            (Schedule::Parallel, None) => {
                let m = Matchings::colour(&self.ties, seed);
                self.run_parallel(&m, seed, first, steps)
            }
            (Schedule::Sequential, _) => (first..first + steps)
                .map(|step| self.step_sequential(seed, step))
                .sum(),
        }
    }

    pub fn clusters(&self) -> Clusters {
        clusters(&self.opinion)
    }
}

/// Opinion clusters: sort, and a gap larger than `CLUSTER_GAP` opens a new cluster.
pub fn clusters(opinions: &[f64]) -> Clusters {
    if opinions.is_empty() {
        return Clusters { count: 0, large: 0 };
    }
    let mut sorted = opinions.to_vec();
    sorted.sort_unstable_by(f64::total_cmp);
    let n = sorted.len();
    let large_enough = |size: usize| size * LARGE_CLUSTER_DIVISOR >= n;
    let (mut count, mut large, mut size) = (1, 0, 1);
    for w in sorted.windows(2) {
        if w[1] - w[0] > CLUSTER_GAP {
            large += large_enough(size) as usize;
            count += 1;
            size = 0;
        }
        size += 1;
    }
    large += large_enough(size) as usize;
    Clusters { count, large }
}
