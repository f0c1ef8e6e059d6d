//! Appropriation of technology, after van Dijk's sequence (motivation → access → skills →
//! use) and van Deursen & van Dijk's finding that each stage has its own determinants.
//!
//! Material access: `a ← a + r_a·(âᵢ − a)`, `âᵢ = anchorᵢ − price_shift·(1 − income rankᵢ)`
//! (premium tiers of private infrastructure make access costlier at the bottom).
//!
//! Skills: `s ← s + rᵢ·(ŝᵢ − s)`, `ŝᵢ = anchorᵢ + b_peer·(peer skillᵢ − peer skillᵢ,2025)`,
//! `ŝᵢ` also rises by `outcome_skill_return·(oᵢ − oᵢ,2025)`: digital outcomes are a resource
//! (the feedback loop of van Dijk's model), so the dividend widens skill gaps.
//! `rᵢ = r·learn(class)·(0.5 + mᵢ)·edu factor·age factor·(1 + education policy)`.
//! Each new wave moves the frontier: everyone's skills drop by `frontier_shift`, and the
//! anchor drops by `frontier_shift·(1 − capacityᵢ)`, so those who learn slowly fall behind
//! for good while fast learners keep up (skills fall behind a moving frontier).
//!
//! Capital-enhancing use follows skills on the logit scale.
//!
//! Policies: digital inclusion (courses) lifts access and skill anchors of the offline and
//! those below basic skills who take it up; education lifts the low and middle educated's
//! skills, use and learning capacity.

use super::policy::takeup;
use crate::params::Params;
use crate::prefetch::prefetch;
use crate::rng::{Purpose, Stream};
use crate::stats::{logistic, logit};
use crate::world::World;
use rayon::prelude::*;

const EDU_LEARNING: [f64; 3] = [0.6, 0.8, 1.0];

fn age_factor(age: u8) -> f64 {
    let age = age as f64;
    (1.0 - (age - 50.0).max(0.0) / 50.0).max(0.3)
}

/// How well an agent keeps up with new technology, 0..1.
pub fn capacity(w: &World, p: &Params, i: usize) -> f64 {
    let a = &w.agents;
    let edu_boost = if a.edu[i] < 2 {
        1.0 + 0.5 * p.policy_education
    } else {
        1.0
    };
    (w.behaviour[a.class[i] as usize].learn as f64
        * EDU_LEARNING[a.edu[i] as usize]
        * age_factor(a.age[i])
        * (0.5 + a.motivation[i] as f64)
        * edu_boost)
        .clamp(0.0, 1.0)
}

pub fn frontier_moves(w: &mut World, p: &Params) {
    let wr = &*w;
    let capacities: Vec<f64> = (0..w.n())
        .into_par_iter()
        .with_min_len(super::CHUNK)
        .map(|i| capacity(wr, p, i))
        .collect();
    let a = &mut w.agents;
    (a.skill_anchor.par_iter_mut(), a.skills.par_iter_mut())
        .into_par_iter()
        .zip(capacities.par_iter())
        .with_min_len(super::CHUNK)
        .for_each(|((anchor, skill), &c)| {
            *anchor = (*anchor as f64 - p.frontier_shift * (1.0 - c)).max(0.0) as f32;
            *skill = (*skill as f64 - p.frontier_shift).max(0.0) as f32;
        });
}

fn peer_skill(w: &World, i: usize) -> f32 {
    let partners = w.ties.partners(i);
    if partners.is_empty() {
        return w.agents.skills[i];
    }
    partners
        .iter()
        .map(|&j| w.agents.skills[j as usize])
        .sum::<f32>()
        / partners.len() as f32
}

/// What one agent's year of appropriation changes.
struct Learned {
    access_anchor: f32,
    skill_anchor: f32,
    access: f32,
    skills: f32,
    cap_use: f32,
}

/// Everyone learns from last year's skills of their ties (a snapshot), so agents update in
/// parallel and the result does not depend on the order of agents.
pub fn update(w: &mut World, p: &Params) {
    let basic = w.fitted.basic_threshold as f32;
    let learned: Vec<Learned> = (0..w.n())
        .into_par_iter()
        .with_min_len(super::CHUNK)
        .map(|i| {
            // Ties' skills are random reads: fetch a later agent's while this one learns.
            if i + 4 < w.n() {
                for &j in w.ties.partners(i + 4) {
                    prefetch(&w.agents.skills[j as usize]);
                }
            }
            let mut s = Stream::new(w.seed, w.step, i as u64, Purpose::Appropriation);
            let a = &w.agents;
            let take = takeup(a, &w.behaviour, p, i);
            let peer = peer_skill(w, i);
            let c = capacity(w, p, i);
            let rank = w.income_rank[i] as f64;
            let (mut access_anchor, mut skill_anchor) = (a.access_anchor[i], a.skill_anchor[i]);
            // Programmes first: a course this year changes what the agent can reach.
            if (a.access[i] < 0.5 || a.skills[i] < basic)
                && s.chance(0.5 * p.policy_inclusion * take)
            {
                access_anchor = (access_anchor + 0.2).min(0.95);
                skill_anchor = (skill_anchor + 0.06).min(0.98);
            }
            let mut cap_boost = 0.0;
            if a.edu[i] < 2 && a.age[i] < 67 && s.chance(0.3 * p.policy_education * take) {
                skill_anchor = (skill_anchor + 0.05).min(0.98);
                cap_boost = 0.3;
            }
            let target_access =
                (access_anchor as f64 - p.access_price_shift * (1.0 - rank)).clamp(0.0, 1.0);
            let access =
                (a.access[i] as f64 + p.access_gain * (target_access - a.access[i] as f64)) as f32;
            // Outcomes are a resource too: those who gain from being digital invest in more skill.
            let returns =
                p.dividend_on * p.outcome_skill_return * (a.outcomes[i] - a.outcomes_ref[i]) as f64;
            let target_skill = (skill_anchor as f64
                + p.peer_effect * (peer - a.ref_peer_skill[i]) as f64
                + returns)
                .clamp(0.0, 1.0);
            let rate = (p.learning_rate * c).min(1.0);
            let old = a.skills[i] as f64;
            let new = old + rate * (target_skill - old);
            let cap = logistic(logit(a.cap_use[i] as f64) + 2.0 * (new - old) + cap_boost);
            Learned {
                access_anchor,
                skill_anchor,
                access,
                skills: new as f32,
                cap_use: cap as f32,
            }
        })
        .collect();
    let a = &mut w.agents;
    (
        a.access_anchor.par_iter_mut(),
        a.skill_anchor.par_iter_mut(),
        a.access.par_iter_mut(),
        a.skills.par_iter_mut(),
        a.cap_use.par_iter_mut(),
        learned.par_iter(),
    )
        .into_par_iter()
        .for_each(
            |(access_anchor, skill_anchor, access, skills, cap_use, l)| {
                *access_anchor = l.access_anchor;
                *skill_anchor = l.skill_anchor;
                *access = l.access;
                *skills = l.skills;
                *cap_use = l.cap_use;
            },
        );
}

/// Mean skill of an agent's ties (for the 2025 reference).
pub fn peer_reference(w: &World, i: usize) -> f32 {
    peer_skill(w, i)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::small_world;

    #[test]
    fn slow_learners_fall_behind_the_frontier_for_good() {
        let (mut w, p) = small_world(2000, 9);
        let cap: Vec<f64> = (0..w.n()).map(|i| capacity(&w, &p, i)).collect();
        let anchors = w.agents.skill_anchor.clone();
        frontier_moves(&mut w, &p);
        for i in 0..w.n() {
            let lost = anchors[i] - w.agents.skill_anchor[i];
            assert!(
                (lost as f64 - p.frontier_shift * (1.0 - cap[i])).abs() < 1e-4
                    || anchors[i] < p.frontier_shift as f32
            );
        }
        let (fast, slow): (Vec<usize>, Vec<usize>) = (0..w.n()).partition(|&i| cap[i] > 0.9);
        assert!(!fast.is_empty() && !slow.is_empty());
    }

    #[test]
    fn inclusion_courses_reach_the_offline() {
        let (mut w, mut p) = small_world(3000, 10);
        p.policy_inclusion = 1.0;
        p.diversity_aware = 1.0;
        let offline_before = w.agents.access.iter().filter(|&&a| a < 0.5).count();
        w.agents.ref_peer_skill = (0..w.n()).map(|i| peer_reference(&w, i)).collect();
        for _ in 0..5 {
            update(&mut w, &p);
            w.step += 1;
        }
        let offline_after = w.agents.access.iter().filter(|&&a| a < 0.5).count();
        assert!(
            offline_after < offline_before,
            "{offline_after} vs {offline_before}"
        );
    }
}
