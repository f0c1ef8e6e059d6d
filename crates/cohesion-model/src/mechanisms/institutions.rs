//! Trust in institutions (vertical trust), after the OECD drivers of trust.
//!
//! `logit T*ᵥ = anchorᵢ + b_F·fairnessᵢ − b_X·(failedᵢ − failedᵢ,2025) + b_V·(voiceᵢ − voiceᵢ,2025)
//!              − b_G·(Gini_t − Gini_2025) + b_P·(public values − baseline)`, `Tᵥ ← Tᵥ + λ(T*ᵥ − Tᵥ)`.
//!
//! fairness: the agent's log-income path since 2025 relative to the median path (one's own
//! path against others'); failed: expected failed contacts with digital-first services this
//! year; voice: the share of voters whose opinion lies within ε of one's own (being
//! represented by the like-minded); Gini: the study's claim that inequality widens the
//! distance between citizens and government.

use super::CHUNK;
use crate::params::Params;
use crate::stats::logistic;
use crate::world::World;
use rayon::prelude::*;

/// Refresh each agent's voice: share of voters with an opinion within ε (a histogram of
/// 200 bins, so the cost is linear in N).
pub fn refresh_voice(w: &mut World, p: &Params) {
    const BINS: usize = 200;
    let a = &w.agents;
    let mut hist = vec![0u32; BINS + 1];
    let mut voters = 0u32;
    for i in 0..a.len() {
        if a.has(i, crate::agents::VOTES) {
            let b = ((a.opinion[i] * BINS as f32) as usize).min(BINS - 1);
            hist[b + 1] += 1;
            voters += 1;
        }
    }
    for b in 0..BINS {
        hist[b + 1] += hist[b];
    }
    let voters = voters.max(1) as f32;
    let eps = p.epsilon as f32;
    for i in 0..a.len() {
        let lo = (((a.opinion[i] - eps).max(0.0) * BINS as f32) as usize).min(BINS);
        let hi = ((((a.opinion[i] + eps).min(1.0)) * BINS as f32).ceil() as usize).min(BINS);
        w.voice[i] = (hist[hi] - hist[lo]) as f32 / voters;
    }
}

pub fn update(w: &mut World, p: &Params) {
    let n = w.n();
    let wr = &*w;
    let gini_shift = wr.macro_state.income_gini - wr.macro_state.income_gini_2025;
    let new: Vec<f32> = (0..n)
        .into_par_iter()
        .with_min_len(CHUNK)
        .map(|i| {
            let a = &wr.agents;
            if a.ref_pending[i] {
                return a.trust_v[i];
            }
            let speed =
                (p.vtrust_speed * wr.behaviour[a.class[i] as usize].trust_speed as f64).min(1.0);
            let target = logistic(
                a.trust_v_anchor[i] as f64 + p.fairness_effect * wr.fairness[i] as f64
                    - p.friction_effect * (a.failed_contacts[i] - a.ref_failed[i]) as f64
                    + p.voice_effect * (wr.voice[i] - a.ref_voice[i]) as f64
                    - p.inequality_effect * gini_shift
                    + p.public_values_trust * p.public_values_shift,
            );
            (a.trust_v[i] as f64 + speed * (target - a.trust_v[i] as f64)) as f32
        })
        .collect();
    w.agents.trust_v = new;
}
