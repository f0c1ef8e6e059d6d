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
