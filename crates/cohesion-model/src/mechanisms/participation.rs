//! Participation and belonging.
//!
//! Belonging: `logit b* = anchorᵢ + b_T·(degreeᵢ − degreeᵢ,2025) + fairnessᵢ + 0.5·community`,
//! `b ← b + 0.3(b* − b)` (embeddedness and a fair share make people feel part of society).
//!
//! Volunteering, club membership and voting are thresholds on latent propensities calibrated
//! per education level (CBS), shifted by changes since 2025 in trust in people, belonging
//! (volunteering, clubs) and trust in institutions and voice (voting), and by community
//! policy: `volunteer ⇔ latentᵢ + b_T·ΔT_h + b_B·Δb + 0.6·community·take-up > 0`.
//! New members attend their club focus and form ties there, closing the loop to the network.

use super::policy::takeup;
use super::CHUNK;
use crate::agents::{CLUB, VOLUNTEER, VOTES};
use crate::params::Params;
use crate::stats::logistic;
use crate::world::World;
use rayon::prelude::*;

pub fn update(w: &mut World, p: &Params) {
    let wr = &*w;
    // Every agent reads only its own state: computed in parallel, written back in order.
    let new: Vec<Option<(f32, bool, bool, bool)>> = (0..wr.n())
        .into_par_iter()
        .with_min_len(CHUNK)
        .map(|i| {
            let a = &wr.agents;
            if a.ref_pending[i] {
                return None;
            }
            let degree_change = wr.ties.degree[i] as f32 - a.ref_ties[i];
            let community = p.policy_community * takeup(a, &wr.behaviour, p, i);
            let target = logistic(
                a.belonging_anchor[i] as f64
                    + p.belonging_ties * degree_change as f64
                    + wr.fairness[i] as f64
                    + 0.5 * community,
            );
            let belonging = a.belonging[i] as f64 + 0.3 * (target - a.belonging[i] as f64);
            let d_trust = a.trust_h[i] as f64 - logistic(a.trust_h_anchor[i] as f64);
            let d_belong = belonging - logistic(a.belonging_anchor[i] as f64);
            let d_vtrust = a.trust_v[i] as f64 - logistic(a.trust_v_anchor[i] as f64);
            let civic = p.participation_trust * d_trust
                + p.participation_belonging * d_belong
                + 0.6 * community;
            let volunteer = a.volunteer_latent[i] as f64 + civic > 0.0;
            let club = a.club_latent[i] as f64 + civic > 0.0;
            let votes = a.vote_latent[i] as f64
                + p.participation_trust * d_vtrust
                + p.voice_effect * (wr.voice[i] - a.ref_voice[i]) as f64
                > 0.0;
            Some((belonging as f32, volunteer, club, votes))
        })
        .collect();
    let a = &mut w.agents;
    for (i, v) in new.into_iter().enumerate() {
        if let Some((belonging, volunteer, club, votes)) = v {
            a.belonging[i] = belonging;
            a.set_flag(i, VOLUNTEER, volunteer);
            a.set_flag(i, CLUB, club);
            a.set_flag(i, VOTES, votes);
        }
    }
}

/// Strong loneliness: the calibrated latent score, raised by losing ties since 2025 and
/// lowered by community policy, passes the threshold (De Jong Gierveld; CBS 2024).
pub fn is_lonely(w: &World, p: &Params, i: usize) -> bool {
    let a = &w.agents;
    let lost = if a.ref_pending[i] {
        0.0
    } else {
        (a.ref_ties[i] - w.ties.degree[i] as f32) as f64
    };
    let community = p.policy_community * 0.3;
    a.lonely_latent[i] as f64 + p.loneliness_ties * lost - community > 0.0
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::small_world;

    #[test]
    fn losing_ties_makes_people_lonely_and_community_policy_helps() {
        let (mut w, mut p) = small_world(2000, 16);
        for i in 0..w.n() {
            w.agents.ref_pending[i] = false;
            w.agents.ref_ties[i] = w.ties.degree[i] as f32;
        }
        let lonely = |w: &World, p: &Params| (0..w.n()).filter(|&i| is_lonely(w, p, i)).count();
        let before = lonely(&w, &p);
        for i in 0..w.n() {
            w.agents.ref_ties[i] += 10.0;
        }
        let isolated = lonely(&w, &p);
        assert!(isolated > before);
        p.policy_community = 1.0;
        assert!(lonely(&w, &p) < isolated);
        let vol_before = (0..w.n()).filter(|&i| w.agents.has(i, VOLUNTEER)).count();
        update(&mut w, &p);
        let vol_after = (0..w.n()).filter(|&i| w.agents.has(i, VOLUNTEER)).count();
        assert!(
            vol_after > vol_before,
            "community policy raises volunteering"
        );
    }
}
