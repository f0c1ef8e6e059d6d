//! Individualisation rises from inside the model.
//!
//! `ι* = anchorᵢ + b_O·(online shareᵢ − online shareᵢ,2025) + norm`, `ι ← ι + κ(ι* − ι)`.
//! The anchor carries education and cohort (entrants arrive more individualised,
//! `entrant_individualism_shift` per decade), the online share of one's encounters rises with
//! digital life, and `norm` is the self-reliance norm of a tech-optimistic culture. Its two
//! sides act in `ties`: it loosens given ties and lets people reach beyond their origin.

use super::encounters::online_share;
use crate::params::Params;
use crate::world::World;

pub fn update(w: &mut World, p: &Params) {
    for i in 0..w.n() {
        let a = &w.agents;
        if a.ref_pending[i] {
            continue;
        }
        let target = a.individualism_anchor[i] as f64
            + p.individualism_online * (online_share(w, i) - a.ref_online[i]) as f64
            + p.individualism_norm;
        let v = a.individualism[i] as f64
            + p.individualism_adjust * (target.clamp(0.0, 1.0) - a.individualism[i] as f64);
        w.agents.individualism[i] = v as f32;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::small_world;

    #[test]
    fn more_online_life_raises_individualism() {
        let (mut w, p) = small_world(500, 15);
        for i in 0..w.n() {
            w.agents.ref_pending[i] = false;
            w.agents.ref_online[i] = 0.2;
            w.agents.enc_total[i] = 20;
            w.agents.enc_online[i] = 16;
        }
        let before = w.agents.individualism.clone();
        update(&mut w, &p);
        assert!(w
            .agents
            .individualism
            .iter()
            .zip(&before)
            .all(|(a, b)| a >= b));
        assert!(w
            .agents
            .individualism
            .iter()
            .zip(&before)
            .any(|(a, b)| a > b));
    }
}
