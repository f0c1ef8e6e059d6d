//! The digital dividend (Matthew effect) and the exclusion cost of digital-first services.
//!
//! Benefit per year: `Bᵢ = vᵢ · aᵢ · sᵢ · uᵢ · g(Rᵢ)`, with u the capital-enhancing share of
//! use, `g(R) = (0.1 + 2R)^θ` increasing in resources R = ½·education/2 + ½·income rank
//! (van Dijk: those with a head start in resources gain more from a new one), and
//! `vᵢ = v_2025 + w · (waves i adopted)` the value of being digital to this agent: each wave
//! it takes up adds value, so the dividend goes to those who adopt, and adoption follows
//! readiness (see `technology`).
//! Outcomes accumulate and depreciate: `o ← o + B − δ·o`, so `o* = B/δ`.
//! Outcomes feed back into income (`economy`), learning (`appropriation`) and ties (`ties`).
//! With `dividend_on = 0` outcomes stay at their 2025 level: no feedback.
//!
//! Digital-first services: expected failed contacts per year `6 · D_t · (1 − aᵢsᵢ)`, with
//! D_t the share of services digital-first without an assisted channel.

use crate::params::Params;
use crate::world::World;

pub fn benefit(w: &World, p: &Params, i: usize) -> f64 {
    let a = &w.agents;
    let resources = 0.25 * a.edu[i] as f64 + 0.5 * w.income_rank[i] as f64;
    let g = (0.1 + 2.0 * resources).powf(p.resource_elasticity);
    let value = p.digital_value_2025 + p.wave_value * a.adopted[i].count_ones() as f64;
    value * a.access[i] as f64 * a.skills[i] as f64 * a.cap_use[i] as f64 * g
}

/// The outcome level an agent would settle at under today's conditions.
pub fn steady_outcome(w: &World, p: &Params, i: usize) -> f32 {
    (benefit(w, p, i) / p.outcome_decay.max(1e-6)) as f32
}

pub fn update(w: &mut World, p: &Params) {
    use rayon::prelude::*;
    let df = w.macro_state.digital_first;
    // Each agent reads only its own state, so the new values are computed in parallel.
    let new: Vec<(f32, f32)> = (0..w.n())
        .into_par_iter()
        .with_min_len(super::CHUNK)
        .map(|i| {
            let a = &w.agents;
            let mut outcome = a.outcomes[i];
            if p.dividend_on > 0.0 {
                let o = outcome as f64;
                outcome = (o + benefit(w, p, i) - p.outcome_decay * o) as f32;
            }
            let failed = 6.0 * df * (1.0 - (a.access[i] * a.skills[i]) as f64);
            (outcome, failed as f32)
        })
        .collect();
    let a = &mut w.agents;
    (
        a.outcomes.par_iter_mut(),
        a.failed_contacts.par_iter_mut(),
        new.par_iter(),
    )
        .into_par_iter()
        .for_each(|(o, f, n)| (*o, *f) = *n);
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::small_world;

    #[test]
    fn the_benefit_rises_with_resources_and_adopted_waves() {
        let (mut w, p) = small_world(300, 8);
        let i = 0;
        w.agents.access[i] = 0.9;
        w.agents.skills[i] = 0.8;
        w.agents.cap_use[i] = 0.6;
        w.agents.edu[i] = 0;
        w.income_rank[i] = 0.1;
        let poor = benefit(&w, &p, i);
        w.agents.edu[i] = 2;
        w.income_rank[i] = 0.9;
        let rich = benefit(&w, &p, i);
        assert!(rich > 3.0 * poor, "Matthew: {rich} vs {poor}");
        w.agents.adopted[i] = 0b11;
        assert!(benefit(&w, &p, i) > rich);
        w.agents.access[i] = 0.0;
        assert_eq!(benefit(&w, &p, i), 0.0);
    }
}
