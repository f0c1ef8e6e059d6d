//! The top withdraws (the study: cohesion concerns the top as much as the bottom).
//!
//! Each year a member of the top income decile who is not yet withdrawn opts into private
//! premium services and enclaves with probability `withdraw_rate`; a withdrawn agent returns
//! with `return_rate` (or at once on leaving the top decile). Withdrawn agents refuse ties
//! outside the top quintile with probability `withdraw_closure` (see `ties`), so they leave
//! shared foci in effect. The 2025 share is the equilibrium rate/(rate + return).

use crate::agents::{set_bit, WITHDRAWN};
use crate::params::Params;
use crate::rng::{Purpose, Stream};
use crate::world::World;

pub fn update(w: &mut World, p: &Params) {
    use rayon::prelude::*;
    let (seed, step, rank) = (w.seed, w.step, &w.income_rank);
    w.agents
        .flags
        .par_iter_mut()
        .enumerate()
        .with_min_len(super::CHUNK)
        .for_each(|(i, flags)| {
            let top = rank[i] >= 0.9;
            let mut s = Stream::new(seed, step, i as u64, Purpose::Withdrawal);
            let withdrawn = *flags & WITHDRAWN != 0;
            let next = if !top {
                false
            } else if withdrawn {
                !s.chance(p.return_rate)
            } else {
                s.chance(p.withdraw_rate)
            };
            set_bit(flags, WITHDRAWN, next);
        });
}

/// Start the top decile at its equilibrium withdrawn share.
pub fn initialise(w: &mut World, p: &Params) {
    let share = p.withdraw_rate / (p.withdraw_rate + p.return_rate).max(1e-9);
    for i in 0..w.n() {
        let mut s = Stream::new(w.seed, u64::MAX, i as u64, Purpose::Withdrawal);
        let on = w.income_rank[i] >= 0.9 && s.chance(share);
        w.agents.set_flag(i, WITHDRAWN, on);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::small_world;

    #[test]
    fn only_the_top_decile_withdraws_and_the_share_settles() {
        let (mut w, mut p) = small_world(5000, 14);
        p.withdraw_rate = 0.2;
        p.return_rate = 0.2;
        for _ in 0..30 {
            update(&mut w, &p);
            w.step += 1;
        }
        let top: Vec<usize> = (0..w.n()).filter(|&i| w.income_rank[i] >= 0.9).collect();
        let share =
            top.iter().filter(|&&i| w.agents.has(i, WITHDRAWN)).count() as f64 / top.len() as f64;
        assert!(
            (share - 0.5).abs() < 0.08,
            "equilibrium rate/(rate+return) = 0.5, got {share}"
        );
        assert!((0..w.n()).all(|i| w.income_rank[i] >= 0.9 || !w.agents.has(i, WITHDRAWN)));
    }
}
