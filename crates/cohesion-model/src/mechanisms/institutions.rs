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
    w.voice
        .par_iter_mut()
        .zip(a.opinion.par_iter())
        .for_each(|(voice, &x)| {
            let lo = (((x - eps).max(0.0) * BINS as f32) as usize).min(BINS);
            let hi = ((((x + eps).min(1.0)) * BINS as f32).ceil() as usize).min(BINS);
            *voice = (hist[hi] - hist[lo]) as f32 / voters;
        });
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::small_world;

    #[test]
    fn inequality_friction_and_unfairness_lower_institutional_trust() {
        let (mut w, p) = small_world(400, 4);
        refresh_voice(&mut w, &p);
        for i in 0..w.n() {
            w.agents.ref_pending[i] = false;
            w.agents.ref_voice[i] = w.voice[i];
            w.agents.ref_failed[i] = w.agents.failed_contacts[i];
        }
        let start = w.agents.trust_v.clone();
        update(&mut w, &p);
        let steady: f64 = w
            .agents
            .trust_v
            .iter()
            .zip(&start)
            .map(|(a, b)| (a - b).abs() as f64)
            .sum();
        w.agents.trust_v = start.clone();
        w.macro_state.income_gini += 0.05;
        w.fairness.iter_mut().for_each(|f| *f = -0.2);
        w.agents.failed_contacts.iter_mut().for_each(|f| *f += 2.0);
        update(&mut w, &p);
        let drop: f64 = start
            .iter()
            .zip(&w.agents.trust_v)
            .map(|(a, b)| (a - b) as f64)
            .sum();
        assert!(
            drop > 10.0 * steady.max(1e-3),
            "drop {drop} vs steady-state change {steady}"
        );
    }

    #[test]
    fn voice_is_the_share_of_like_minded_voters() {
        let (mut w, p) = small_world(300, 5);
        for i in 0..w.n() {
            w.agents.opinion[i] = if i % 2 == 0 { 0.1 } else { 0.9 };
            w.agents.set_flag(i, crate::agents::VOTES, true);
        }
        refresh_voice(&mut w, &p);
        assert!((w.voice[0] - 0.5).abs() < 0.01 && (w.voice[1] - 0.5).abs() < 0.01);
    }
}
