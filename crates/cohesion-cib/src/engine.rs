//! Evaluating scenarios: impact balances, consistency, search and succession.
//!
//! Notation. A scenario `s` picks one variant `s_j` per descriptor `j`. With `M[u][t]` the
//! judgement of acting variant `u` on impacted variant `t`, the **impact balance** of variant
//! `t` is
//!
//! ```text
//! B_s(t) = Σ_j M[s_j][t]
//! ```
//!
//! (the sum of the matrix rows of the scenario's own variants). The **descriptor
//! inconsistency** of descriptor `j` is `IC_j(s) = max_{w ∈ j} B_s(w) − B_s(s_j)` (0 when the
//! chosen variant has the maximal balance, ties included), the **scenario inconsistency** is
//! `IC(s) = max_j IC_j(s)`, and `s` is consistent when `IC(s) = 0`, weakly consistent at
//! tolerance `k` when `IC(s) ≤ k`. The **total impact score** is `TIS(s) = Σ_j B_s(s_j)`.
//! Descriptors forced by an intervention keep their variant and are left out of `IC`.

use crate::model::Cib;
use crate::rng::SplitMix64;
use rayon::prelude::*;
use std::collections::{BTreeMap, HashMap};
use std::sync::atomic::{AtomicU16, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

/// A scenario found by the search, with its scores in stored units (see [`Cib::scale`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Found {
    pub scenario: Vec<u8>,
    pub inconsistency: i32,
    pub tis: i32,
}

/// Which exhaustive search to run. All three return the same set; they differ in speed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Algorithm {
    /// Decode every scenario index and compute its balance from scratch (one thread).
    Naive,
    /// Mixed-radix odometer with incremental balances and early exit, parallel over chunks.
    Odometer,
    /// Depth-first branch-and-bound with bounds on the remaining descriptors, parallel.
    BranchAndBound,
}

/// How a succession step updates the scenario.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Succession {
    /// Every descriptor switches at once to its maximal-balance variant.
    Global,
    /// Descriptors switch one at a time in order, each seeing the switches before it.
    Sequential,
}

/// Where a succession ends.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Attractor {
    /// A fixed point, which is exactly a consistent scenario.
    Fixed(Vec<u8>),
    /// A cycle, rotated to start at its smallest state so equal cycles compare equal.
    Cycle(Vec<Vec<u8>>),
}

/// A succession path from a start (first element) to its attractor.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Trajectory {
    pub path: Vec<Vec<u8>>,
    pub attractor: Attractor,
}

/// Attractor counts over a set of starting scenarios.
#[derive(Debug, Clone, PartialEq)]
pub struct Basins {
    /// Each attractor with the number of starts that end in it, in attractor order.
    pub counts: Vec<(Attractor, u64)>,
    /// Number of starting scenarios evaluated.
    pub starts: u64,
    /// `true` when every starting scenario was run, `false` when they were sampled.
    pub exact: bool,
}

/// Compiled form of a matrix for fast evaluation: flat rows, variant offsets, interventions.
#[derive(Debug, Clone)]
pub struct Engine {
    n: usize,
    nv: usize,
    counts: Vec<usize>,
    offsets: Vec<usize>,
    m: Vec<i32>,
    fixed: Vec<Option<u8>>,
    tol: i32,
    progress: Option<Arc<Progress>>,
}

/// Work counters a caller may watch from another thread to show progress: `total` units
/// (prefix chunks of a search, or starting scenarios of basins) and `done` so far.
#[derive(Debug, Default)]
pub struct Progress {
    pub done: AtomicU64,
    pub total: AtomicU64,
}

impl Progress {
    fn start(&self, total: u64) {
        self.done.store(0, Ordering::Relaxed);
        self.total.store(total, Ordering::Relaxed);
    }
}

/// Aim for at least this many chunks so rayon can balance uneven branch-and-bound work.
const MIN_CHUNKS: u128 = 512;
/// Starting scenarios per basin chunk.
const BASIN_CHUNK: u64 = 1 << 14;

impl Engine {
    /// `fixed` forces descriptors to variants (interventions); `tolerance` is in stored units
    /// (judgement units × [`Cib::scale`]).
    pub fn new(cib: &Cib, fixed: &[(usize, u8)], tolerance: i32) -> Self {
        let mut f = vec![None; cib.descriptors.len()];
        for &(d, v) in fixed {
            f[d] = Some(v);
        }
        Engine {
            n: cib.descriptors.len(),
            nv: cib.total_variants(),
            counts: cib.descriptors.iter().map(|d| d.variants.len()).collect(),
            offsets: cib.offsets(),
            m: cib.cells.clone(),
            fixed: f,
            tol: tolerance.max(0),
            progress: None,
        }
    }

    /// Count finished work in `p` (see [`Progress`]).
    pub fn with_progress(mut self, p: Arc<Progress>) -> Self {
        self.progress = Some(p);
        self
    }

    fn tick(&self, units: u64) {
        if let Some(p) = &self.progress {
            p.done.fetch_add(units, Ordering::Relaxed);
        }
    }

    fn begin(&self, total: u64) {
        if let Some(p) = &self.progress {
            p.start(total);
        }
    }

    fn row(&self, u: usize) -> &[i32] {
        &self.m[u * self.nv..(u + 1) * self.nv]
    }

    /// Variants a descriptor may take: all, or the forced one.
    fn allowed(&self, j: usize) -> (u8, u8) {
        match self.fixed[j] {
            Some(v) => (v, v + 1),
            None => (0, self.counts[j] as u8),
        }
    }

    /// Number of scenarios the search ranges over (forced descriptors count once).
    pub fn space(&self) -> u128 {
        (0..self.n).fold(1u128, |a, j| {
            let (lo, hi) = self.allowed(j);
            a.saturating_mul((hi - lo) as u128)
        })
    }

    /// `B_s` for every variant, written into `b` (length = total variants).
    pub fn balance_into(&self, s: &[u8], b: &mut [i32]) {
        b.fill(0);
        for (j, &v) in s.iter().enumerate() {
            let row = self.row(self.offsets[j] + v as usize);
            for (x, r) in b.iter_mut().zip(row) {
                *x += r;
            }
        }
    }

    pub fn balance(&self, s: &[u8]) -> Vec<i32> {
        let mut b = vec![0; self.nv];
        self.balance_into(s, &mut b);
        b
    }

    /// `IC_j(s)` given the balance.
    pub fn descriptor_inconsistency(&self, b: &[i32], j: usize, v: u8) -> i32 {
        let o = self.offsets[j];
        let best = b[o..o + self.counts[j]].iter().copied().max().unwrap_or(0);
        best - b[o + v as usize]
    }

    /// `(IC(s), TIS(s))` in stored units.
    pub fn evaluate(&self, s: &[u8]) -> (i32, i32) {
        let b = self.balance(s);
        self.scores(s, &b)
    }

    fn scores(&self, s: &[u8], b: &[i32]) -> (i32, i32) {
        let mut ic = 0;
        let mut tis = 0;
        for (j, &v) in s.iter().enumerate() {
            tis += b[self.offsets[j] + v as usize];
            if self.fixed[j].is_none() {
                ic = ic.max(self.descriptor_inconsistency(b, j, v));
            }
        }
        (ic, tis)
    }

    pub fn is_consistent(&self, s: &[u8]) -> bool {
        self.evaluate(s).0 == 0
    }

    /// Scenario number `idx` in mixed radix over the allowed variants (last descriptor fastest).
    fn decode(&self, mut idx: u128, s: &mut [u8]) {
        for j in (0..self.n).rev() {
            let (lo, hi) = self.allowed(j);
            let r = (hi - lo) as u128;
            s[j] = lo + (idx % r) as u8;
            idx /= r;
        }
    }

    /// All scenarios with `IC ≤ tolerance`, ordered by total impact score (highest first),
    /// then inconsistency, then variant indices. Memory grows with the number found only.
    pub fn search(&self, alg: Algorithm) -> Vec<Found> {
        let mut found = match alg {
            Algorithm::Naive => self.naive(),
            Algorithm::Odometer => self.chunked(|p, s, out| self.odometer_chunk(p, s, out)),
            Algorithm::BranchAndBound => {
                let ub = self.bounds();
                self.chunked(|p, s, out| self.bnb_chunk(p, s, &ub, out))
            }
        };
        sort_found(&mut found);
        found
    }

    fn naive(&self) -> Vec<Found> {
        let mut out = Vec::new();
        let mut s = vec![0u8; self.n];
        let mut b = vec![0i32; self.nv];
        let space = self.space();
        let mut idx = 0u128;
        while idx < space {
            self.decode(idx, &mut s);
            self.balance_into(&s, &mut b);
            let (ic, tis) = self.scores(&s, &b);
            if ic <= self.tol {
                out.push(Found {
                    scenario: s.clone(),
                    inconsistency: ic,
                    tis,
                });
            }
            idx += 1;
        }
        out
    }

    /// Split the space by the variants of the first `p` descriptors and run `f` on each
    /// prefix in parallel; results are concatenated in prefix order, so they do not depend
    /// on the number of threads.
    fn chunked<F>(&self, f: F) -> Vec<Found>
    where
        F: Fn(usize, &mut Vec<u8>, &mut Vec<Found>) + Sync,
    {
        let mut p = 0;
        let mut prefixes: u128 = 1;
        while p < self.n && prefixes < MIN_CHUNKS {
            let (lo, hi) = self.allowed(p);
            prefixes *= (hi - lo) as u128;
            p += 1;
        }
        self.begin(prefixes as u64);
        let per_prefix: Vec<Vec<Found>> = (0..prefixes as u64)
            .into_par_iter()
            .map(|mut idx| {
                let mut s = vec![0u8; self.n];
                for j in (0..p).rev() {
                    let (lo, hi) = self.allowed(j);
                    let r = (hi - lo) as u64;
                    s[j] = lo + (idx % r) as u8;
                    idx /= r;
                }
                let mut out = Vec::new();
                f(p, &mut s, &mut out);
                self.tick(1);
                out
            })
            .collect();
        per_prefix.into_iter().flatten().collect()
    }

    /// Exhaustive enumeration of the descriptors `p..n` behind a fixed prefix: an odometer
    /// that changes one digit at a time and updates the balance by `row(new) − row(old)`
    /// instead of recomputing it, and rejects a scenario at the first inconsistent descriptor.
    fn odometer_chunk(&self, p: usize, s: &mut [u8], out: &mut Vec<Found>) {
        for (j, x) in s.iter_mut().enumerate().skip(p) {
            *x = self.allowed(j).0;
        }
        let mut b = vec![0i32; self.nv];
        self.balance_into(s, &mut b);
        loop {
            if self.within_tolerance(s, &b) {
                let (ic, tis) = self.scores(s, &b);
                out.push(Found {
                    scenario: s.to_vec(),
                    inconsistency: ic,
                    tis,
                });
            }
            // advance the odometer over p..n, last descriptor fastest
            let mut j = self.n;
            loop {
                if j == p {
                    return;
                }
                j -= 1;
                let (lo, hi) = self.allowed(j);
                let old = s[j];
                let carry = old + 1 >= hi;
                let new = if carry { lo } else { old + 1 };
                if new != old {
                    self.switch(j, old, new, &mut b);
                    s[j] = new;
                }
                if !carry {
                    break;
                }
            }
        }
    }

    /// Early-exit check `IC(s) ≤ tol`.
    fn within_tolerance(&self, s: &[u8], b: &[i32]) -> bool {
        for j in 0..self.n {
            if self.fixed[j].is_some() {
                continue;
            }
            let o = self.offsets[j];
            let cur = b[o + s[j] as usize] + self.tol;
            if b[o..o + self.counts[j]].iter().any(|&x| x > cur) {
                return false;
            }
        }
        true
    }

    /// Bounds for branch-and-bound. For depth `d` (descriptors `0..d` assigned) and two
    /// variants `v, w` of one descriptor,
    ///
    /// ```text
    /// ub[d][v,w] = Σ_{k ≥ d} max_{u ∈ k} (M[u][v] − M[u][w])
    /// ```
    ///
    /// is the most the unassigned descriptors can still add to `B(v) − B(w)`. If, with the
    /// partial balance `P`, `P(w) − P(v) − ub[d][v,w] > tol` for the chosen `v` and some `w`,
    /// every completion has `IC > tol` and the branch is cut. Layout: `ub[d * npairs + pair]`
    /// with `pair = pair_base[j] + v·m_j + w`.
    // indices run over several parallel per-descriptor arrays at once
    #[allow(clippy::needless_range_loop)]
    fn bounds(&self) -> Bounds {
        let mut pair_base = Vec::with_capacity(self.n);
        let mut np = 0;
        for &m in &self.counts {
            pair_base.push(np);
            np += m * m;
        }
        let mut ub = vec![0i32; (self.n + 1) * np];
        for d in (0..self.n).rev() {
            let (lo, hi) = self.allowed(d);
            for j in 0..self.n {
                let (o, m) = (self.offsets[j], self.counts[j]);
                for v in 0..m {
                    for w in 0..m {
                        let best = (lo..hi)
                            .map(|u| {
                                let r = self.row(self.offsets[d] + u as usize);
                                r[o + v] - r[o + w]
                            })
                            .max()
                            .unwrap_or(0);
                        let k = pair_base[j] + v * m + w;
                        ub[d * np + k] = ub[(d + 1) * np + k] + best;
                    }
                }
            }
        }
        Bounds { ub, np, pair_base }
    }

    fn bnb_chunk(&self, p: usize, s: &mut [u8], bd: &Bounds, out: &mut Vec<Found>) {
        // one partial balance per depth, so backtracking needs no subtraction
        let mut stack = vec![0i32; (self.n + 1) * self.nv];
        let mut b = vec![0i32; self.nv];
        self.balance_into(&s[..p], &mut b);
        stack[p * self.nv..(p + 1) * self.nv].copy_from_slice(&b);
        self.bnb(p, s, bd, &mut stack, out);
    }

    #[allow(clippy::needless_range_loop)]
    fn bnb(&self, d: usize, s: &mut [u8], bd: &Bounds, stack: &mut [i32], out: &mut Vec<Found>) {
        let nv = self.nv;
        {
            let p = &stack[d * nv..(d + 1) * nv];
            let ub = &bd.ub[d * bd.np..(d + 1) * bd.np];
            for j in 0..d {
                if self.fixed[j].is_some() {
                    continue;
                }
                let (o, m) = (self.offsets[j], self.counts[j]);
                let v = s[j] as usize;
                let base = bd.pair_base[j] + v * m;
                for w in 0..m {
                    if w != v && p[o + w] - p[o + v] - ub[base + w] > self.tol {
                        return;
                    }
                }
            }
            if d == self.n {
                let (ic, tis) = self.scores(s, p);
                out.push(Found {
                    scenario: s.to_vec(),
                    inconsistency: ic,
                    tis,
                });
                return;
            }
        }
        let (lo, hi) = self.allowed(d);
        for v in lo..hi {
            s[d] = v;
            let row = self.offsets[d] + v as usize;
            let (cur, next) = stack.split_at_mut((d + 1) * nv);
            let cur = &cur[d * nv..];
            let next = &mut next[..nv];
            let r = &self.m[row * nv..(row + 1) * nv];
            for t in 0..nv {
                next[t] = cur[t] + r[t];
            }
            self.bnb(d + 1, s, bd, stack, out);
        }
    }

    /// One global succession step from `s` into `next`; returns whether anything changed.
    /// A descriptor whose current variant is among the maximal ones keeps it, otherwise it
    /// takes the first maximal variant.
    fn global_step(&self, s: &[u8], next: &mut [u8], b: &mut [i32]) -> bool {
        self.balance_into(s, b);
        let mut changed = false;
        for j in 0..self.n {
            next[j] = s[j];
            if self.fixed[j].is_some() {
                continue;
            }
            let v = self.best_variant(b, j, s[j]);
            if v != s[j] {
                next[j] = v;
                changed = true;
            }
        }
        changed
    }

    fn best_variant(&self, b: &[i32], j: usize, cur: u8) -> u8 {
        let o = self.offsets[j];
        let bal = &b[o..o + self.counts[j]];
        let best = bal.iter().copied().max().unwrap_or(0);
        if bal[cur as usize] == best {
            cur
        } else {
            bal.iter().position(|&x| x == best).unwrap_or(0) as u8
        }
    }

    /// Run succession from `start` to a fixed point or a cycle, keeping the path.
    /// Forced descriptors are set to their variant before the first step.
    pub fn succession(&self, start: &[u8], kind: Succession) -> Trajectory {
        let mut s = start.to_vec();
        for (j, f) in self.fixed.iter().enumerate() {
            if let Some(v) = f {
                s[j] = *v;
            }
        }
        match kind {
            Succession::Global => self.global_path(s),
            Succession::Sequential => self.sequential_path(s),
        }
    }

    fn global_path(&self, s: Vec<u8>) -> Trajectory {
        let mut path = vec![s];
        let mut b = vec![0; self.nv];
        let mut next = vec![0u8; self.n];
        // index of each state in `path`, used once paths get long (short paths scan)
        let mut seen: HashMap<Vec<u8>, usize> = HashMap::new();
        loop {
            let cur = path.last().expect("path starts non-empty");
            if !self.global_step(cur, &mut next, &mut b) {
                let fixed = cur.clone();
                return Trajectory {
                    path,
                    attractor: Attractor::Fixed(fixed),
                };
            }
            let hit = if path.len() <= 64 {
                path.iter().position(|x| *x == next)
            } else {
                if seen.is_empty() {
                    for (i, x) in path.iter().enumerate() {
                        seen.insert(x.clone(), i);
                    }
                }
                seen.get(&next).copied()
            };
            if let Some(i) = hit {
                let cycle = canonical_cycle(path[i..].to_vec());
                path.push(next.clone());
                return Trajectory {
                    path,
                    attractor: Attractor::Cycle(cycle),
                };
            }
            if !seen.is_empty() {
                seen.insert(next.clone(), path.len());
            }
            path.push(next.clone());
        }
    }

    /// Sequential succession: descriptors are visited in order and switch one at a time,
    /// each switch updating the balance before the next descriptor looks. The path records
    /// every switch; a cycle is detected when the state at the end of a full round repeats.
    fn sequential_path(&self, mut s: Vec<u8>) -> Trajectory {
        let mut path = vec![s.clone()];
        let mut b = self.balance(&s);
        // state at the end of each round -> path length then (the start counts as round 0)
        let mut ends: HashMap<Vec<u8>, usize> = HashMap::new();
        ends.insert(s.clone(), 1);
        loop {
            let mut changed = false;
            for j in 0..self.n {
                if self.fixed[j].is_some() {
                    continue;
                }
                let v = self.best_variant(&b, j, s[j]);
                if v != s[j] {
                    self.switch(j, s[j], v, &mut b);
                    s[j] = v;
                    changed = true;
                    path.push(s.clone());
                }
            }
            if !changed {
                return Trajectory {
                    path,
                    attractor: Attractor::Fixed(s),
                };
            }
            if let Some(&i) = ends.get(&s) {
                let cycle = canonical_cycle(path[i - 1..path.len() - 1].to_vec());
                return Trajectory {
                    path,
                    attractor: Attractor::Cycle(cycle),
                };
            }
            ends.insert(s.clone(), path.len());
        }
    }

    /// The attractor reached from `start`, without keeping the path: Brent's cycle finding
    /// (Brent 1980) on the succession map needs O(1) states, and balances are updated only
    /// for the descriptors that switched. Gives the same [`Attractor`] as
    /// [`Engine::succession`]; basins call it once per starting scenario.
    pub fn attractor_of(&self, start: &[u8], kind: Succession) -> Attractor {
        let mut x = start.to_vec();
        for (j, f) in self.fixed.iter().enumerate() {
            if let Some(v) = f {
                x[j] = *v;
            }
        }
        let mut b = self.balance(&x);
        let mut scratch = vec![0u8; self.n];
        let mut tortoise = x.clone();
        // hare = f(x)
        self.advance(kind, &mut x, &mut b, &mut scratch, None);
        let (mut power, mut lam) = (1u64, 1u64);
        while tortoise != x {
            if power == lam {
                tortoise.copy_from_slice(&x);
                power *= 2;
                lam = 0;
            }
            self.advance(kind, &mut x, &mut b, &mut scratch, None);
            lam += 1;
        }
        if lam == 1 && self.is_fixed_point(&x, &b) {
            return Attractor::Fixed(x);
        }
        // walk the cycle once from a state on it, recording states as `succession` does
        let mut states = vec![x.clone()];
        for _ in 0..lam {
            self.advance(kind, &mut x, &mut b, &mut scratch, Some(&mut states));
        }
        // the last state recorded is the first one again
        states.pop();
        Attractor::Cycle(canonical_cycle(states))
    }

    fn is_fixed_point(&self, s: &[u8], b: &[i32]) -> bool {
        (0..self.n).all(|j| self.fixed[j].is_some() || self.best_variant(b, j, s[j]) == s[j])
    }

    /// One application of the succession map (a global step, or a full sequential round),
    /// updating `s` and its balance `b` in place. With `record`, every new state is pushed.
    fn advance(
        &self,
        kind: Succession,
        s: &mut [u8],
        b: &mut [i32],
        scratch: &mut [u8],
        mut record: Option<&mut Vec<Vec<u8>>>,
    ) {
        match kind {
            Succession::Global => {
                for j in 0..self.n {
                    scratch[j] = if self.fixed[j].is_some() {
                        s[j]
                    } else {
                        self.best_variant(b, j, s[j])
                    };
                }
                for j in 0..self.n {
                    if scratch[j] != s[j] {
                        self.switch(j, s[j], scratch[j], b);
                        s[j] = scratch[j];
                    }
                }
                if let Some(r) = record {
                    r.push(s.to_vec());
                }
            }
            Succession::Sequential => {
                for j in 0..self.n {
                    if self.fixed[j].is_some() {
                        continue;
                    }
                    let v = self.best_variant(b, j, s[j]);
                    if v != s[j] {
                        self.switch(j, s[j], v, b);
                        s[j] = v;
                        if let Some(r) = record.as_deref_mut() {
                            r.push(s.to_vec());
                        }
                    }
                }
            }
        }
    }

    /// Balance update when descriptor `j` switches from `old` to `new`.
    fn switch(&self, j: usize, old: u8, new: u8, b: &mut [i32]) {
        let (ro, rn) = (
            self.offsets[j] + old as usize,
            self.offsets[j] + new as usize,
        );
        let (ro, rn) = (self.row(ro), self.row(rn));
        for t in 0..self.nv {
            b[t] += rn[t] - ro[t];
        }
    }

    /// Basins of attraction: run succession from every allowed starting scenario when there
    /// are at most `exact_limit`, otherwise from `samples` uniformly drawn ones (seeded,
    /// drawn per chunk so any thread count gives the same result).
    pub fn basins(&self, kind: Succession, exact_limit: u64, samples: u64, seed: u64) -> Basins {
        let space = self.space();
        if space <= exact_limit as u128 {
            return self.basins_exact(kind, space as u64);
        }
        let chunks = samples.div_ceil(BASIN_CHUNK);
        self.begin(samples);
        let maps: Vec<HashMap<Attractor, u64>> = (0..chunks)
            .into_par_iter()
            .map(|c| {
                let mut map: HashMap<Attractor, u64> = HashMap::new();
                let lo = c * BASIN_CHUNK;
                let hi = (lo + BASIN_CHUNK).min(samples);
                let mut rng = SplitMix64::for_chunk(seed, c);
                let mut s = vec![0u8; self.n];
                for _ in lo..hi {
                    for (j, x) in s.iter_mut().enumerate() {
                        let (a, b) = self.allowed(j);
                        *x = a + rng.below((b - a) as u64) as u8;
                    }
                    *map.entry(self.attractor_of(&s, kind)).or_insert(0) += 1;
                }
                self.tick(hi - lo);
                map
            })
            .collect();
        let mut total: BTreeMap<Attractor, u64> = BTreeMap::new();
        for m in maps {
            for (k, v) in m {
                *total.entry(k).or_insert(0) += v;
            }
        }
        Basins {
            counts: total.into_iter().collect(),
            starts: samples,
            exact: false,
        }
    }

    /// Exact basins with memoisation: a table holds, per scenario, the id of the attractor
    /// its succession reaches (0 = not yet known; 2 bytes a scenario). A start follows the
    /// succession map until it meets a scenario already resolved or finds its attractor,
    /// then writes the id into every scenario it passed — every later scenario of the
    /// path has the same attractor, the map being deterministic. So each scenario is
    /// stepped through about once instead of once per start passing it. Threads may
    /// resolve the same scenario twice but always write the same id, so the counts do not
    /// depend on scheduling. Attractors beyond 65 535 distinct ones are counted unmemoised.
    fn basins_exact(&self, kind: Succession, space: u64) -> Basins {
        let mut stride = vec![0u64; self.n];
        let mut st = 1u64;
        for j in (0..self.n).rev() {
            stride[j] = st;
            let (lo, hi) = self.allowed(j);
            st *= (hi - lo) as u64;
        }
        let index = |s: &[u8]| -> u64 {
            s.iter()
                .enumerate()
                .map(|(j, &v)| (v - self.allowed(j).0) as u64 * stride[j])
                .sum()
        };
        let table: Vec<AtomicU16> = (0..space).map(|_| AtomicU16::new(0)).collect();
        let registry: Mutex<(HashMap<Attractor, u16>, Vec<Attractor>)> =
            Mutex::new((HashMap::new(), Vec::new()));
        let register = |a: &Attractor| -> Option<u16> {
            let mut r = registry.lock().unwrap_or_else(|e| e.into_inner());
            if let Some(&id) = r.0.get(a) {
                return Some(id);
            }
            if r.1.len() >= u16::MAX as usize {
                return None;
            }
            r.1.push(a.clone());
            let id = r.1.len() as u16;
            r.0.insert(a.clone(), id);
            Some(id)
        };
        let chunks = space.div_ceil(BASIN_CHUNK);
        self.begin(space);
        let parts: Vec<(Vec<u64>, HashMap<Attractor, u64>)> = (0..chunks)
            .into_par_iter()
            .map(|c| {
                let mut by_id: Vec<u64> = Vec::new();
                let mut unmemo: HashMap<Attractor, u64> = HashMap::new();
                let mut s = vec![0u8; self.n];
                let mut b = vec![0i32; self.nv];
                let mut scratch = vec![0u8; self.n];
                let mut tortoise = vec![0u8; self.n];
                let mut visited: Vec<u64> = Vec::new();
                let lo = c * BASIN_CHUNK;
                let hi = (lo + BASIN_CHUNK).min(space);
                for idx in lo..hi {
                    let mut id = table[idx as usize].load(Ordering::Relaxed);
                    if id == 0 {
                        self.decode(idx as u128, &mut s);
                        self.balance_into(&s, &mut b);
                        visited.clear();
                        visited.push(idx);
                        tortoise.copy_from_slice(&s);
                        self.advance(kind, &mut s, &mut b, &mut scratch, None);
                        let (mut power, mut lam) = (1u64, 1u64);
                        let mut known = 0u16;
                        while tortoise != s {
                            let h = index(&s);
                            known = table[h as usize].load(Ordering::Relaxed);
                            if known != 0 {
                                break;
                            }
                            visited.push(h);
                            if power == lam {
                                tortoise.copy_from_slice(&s);
                                power *= 2;
                                lam = 0;
                            }
                            self.advance(kind, &mut s, &mut b, &mut scratch, None);
                            lam += 1;
                        }
                        id = if known != 0 {
                            known
                        } else {
                            let a = self.attractor_of(&s, kind);
                            match register(&a) {
                                Some(id) => id,
                                None => {
                                    *unmemo.entry(a).or_insert(0) += 1;
                                    continue;
                                }
                            }
                        };
                        for &v in &visited {
                            table[v as usize].store(id, Ordering::Relaxed);
                        }
                    }
                    if by_id.len() <= id as usize {
                        by_id.resize(id as usize + 1, 0);
                    }
                    by_id[id as usize] += 1;
                }
                self.tick(hi - lo);
                (by_id, unmemo)
            })
            .collect();
        let names = registry.into_inner().unwrap_or_else(|e| e.into_inner()).1;
        let mut total: BTreeMap<Attractor, u64> = BTreeMap::new();
        for (by_id, unmemo) in parts {
            for (id, &count) in by_id.iter().enumerate().skip(1) {
                if count > 0 {
                    *total.entry(names[id - 1].clone()).or_insert(0) += count;
                }
            }
            for (k, v) in unmemo {
                *total.entry(k).or_insert(0) += v;
            }
        }
        Basins {
            counts: total.into_iter().collect(),
            starts: space,
            exact: true,
        }
    }
}

struct Bounds {
    ub: Vec<i32>,
    np: usize,
    pair_base: Vec<usize>,
}

fn canonical_cycle(mut c: Vec<Vec<u8>>) -> Vec<Vec<u8>> {
    if let Some((i, _)) = c.iter().enumerate().min_by(|a, b| a.1.cmp(b.1)) {
        c.rotate_left(i);
    }
    c
}

/// Output order: total impact score descending, then inconsistency, then variant indices.
pub fn sort_found(found: &mut [Found]) {
    found.sort_by(|a, b| {
        b.tis
            .cmp(&a.tis)
            .then(a.inconsistency.cmp(&b.inconsistency))
            .then_with(|| a.scenario.cmp(&b.scenario))
    });
}

/// Chao1 lower-bound estimate of the number of attractors from how often each was found:
/// `S_obs + f1² / (2 f2)`, or the bias-corrected `S_obs + f1 (f1 − 1) / 2` when `f2 = 0`
/// (Chao 1984; Chao 2005), where `f1`, `f2` count attractors found once and twice.
pub fn chao1(counts: &[u64]) -> f64 {
    let s = counts.len() as f64;
    let f1 = counts.iter().filter(|&&c| c == 1).count() as f64;
    let f2 = counts.iter().filter(|&&c| c == 2).count() as f64;
    if f2 > 0.0 {
        s + f1 * f1 / (2.0 * f2)
    } else {
        s + f1 * (f1 - 1.0).max(0.0) / 2.0
    }
}

/// Wilson score 95 % interval for a share `k / n` (Wilson 1927): better than the normal
/// interval for small shares, which most basins are.
pub fn wilson95(k: u64, n: u64) -> (f64, f64) {
    if n == 0 {
        return (0.0, 1.0);
    }
    let z = 1.959_963_984_540_054_f64;
    let (k, n) = (k as f64, n as f64);
    let p = k / n;
    let den = 1.0 + z * z / n;
    let centre = (p + z * z / (2.0 * n)) / den;
    let half = z * ((p * (1.0 - p) / n) + z * z / (4.0 * n * n)).sqrt() / den;
    ((centre - half).max(0.0), (centre + half).min(1.0))
}
