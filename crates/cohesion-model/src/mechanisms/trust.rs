//! Trust in people and warmth toward other groups.
//!
//! Encounters give an experience score E = (g·positive − l·negative)/encounters with
//! l > g, so trust is easier to lose than to gain (Slovic 1993). Each agent's trust follows
//! a target on the logit scale anchored at its calibrated 2025 value:
//!
//! `logit T* = anchorᵢ + b_E·(Eᵢ − Eᵢ,2025) + b_C·(Cᵢ − Cᵢ,2025)`,  `T ← T + λᵢ(T* − T)`,
//!
//! with C the share of encounters across education levels (the contact hypothesis:
//! diverse contact raises generalised trust) and λᵢ the class's trust-updating speed. Trust
//! therefore rises when encounters become friendlier or more diverse than in 2025 and falls
//! when they turn hostile or segregated. Warmth toward other groups (the inverse of
//! affective distance) follows the same form, with contact weighted more.

use super::encounters::{cross_share, experience};
use super::CHUNK;
use crate::params::Params;
use crate::stats::logistic;
use crate::world::World;
use rayon::prelude::*;

pub fn update(w: &mut World, p: &Params) {
    let n = w.n();
    let wr = &*w;
    let new: Vec<(f32, f32)> = (0..n)
        .into_par_iter()
        .with_min_len(CHUNK)
        .map(|i| {
            let a = &wr.agents;
            if a.ref_pending[i] {
                return (a.trust_h[i], a.warmth[i]);
            }
            let de = (experience(wr, p, i) - a.ref_experience[i]) as f64;
            let dc = (cross_share(wr, i) - a.ref_cross[i]) as f64;
            let speed = p.trust_speed * wr.behaviour[a.class[i] as usize].trust_speed as f64;
            let target = logistic(
                a.trust_h_anchor[i] as f64 + p.experience_effect * de + p.contact_effect * dc,
            );
            let th = a.trust_h[i] as f64 + speed.min(1.0) * (target - a.trust_h[i] as f64);
            let wt = logistic(
                a.warmth_anchor[i] as f64
                    + 0.5 * p.experience_effect * de
                    + 1.5 * p.contact_effect * dc,
            );
            let warmth = a.warmth[i] as f64 + speed.min(1.0) * (wt - a.warmth[i] as f64);
            (th as f32, warmth as f32)
        })
        .collect();
    for (i, (th, wm)) in new.into_iter().enumerate() {
        w.agents.trust_h[i] = th;
        w.agents.warmth[i] = wm;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::small_world;

    #[test]
    fn better_and_more_diverse_encounters_raise_trust_worse_lower_it() {
        let (mut w, p) = small_world(400, 3);
        for i in 0..w.n() {
            w.agents.ref_pending[i] = false;
            w.agents.ref_experience[i] = 0.0;
            w.agents.ref_cross[i] = 0.3;
            w.agents.enc_total[i] = 20;
        }
        let before = w.agents.trust_h.clone();
        for i in 0..w.n() {
            w.agents.enc_positive[i] = 20;
            w.agents.enc_cross[i] = 10;
        }
        update(&mut w, &p);
        assert!(w.agents.trust_h.iter().zip(&before).all(|(a, b)| a > b));
        for i in 0..w.n() {
            w.agents.enc_positive[i] = 5;
            w.agents.enc_negative[i] = 15;
            w.agents.enc_cross[i] = 2;
        }
        let before = w.agents.trust_h.clone();
        update(&mut w, &p);
        assert!(w.agents.trust_h.iter().zip(&before).all(|(a, b)| a < b));
    }
}
