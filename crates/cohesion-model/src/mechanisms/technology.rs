//! Waves of technology (network Bass diffusion).
//!
//! A new wave arrives every `wave_interval` years. Each non-adopter of an arrived wave adopts
//! it with hazard `hᵢ = (p + q·(share of i's ties that adopted)) · aᵢ·mᵢ·sᵢ` (Bass 1969 on a
//! network; the readiness term follows van Dijk's sequence: motivation, access, skills).
//! The population's value of being digital, `v_t = v_2025 + w · Σ_k adoption share_k`, is
//! reported; each agent's own value counts the waves it adopted (`dividend`). Each arrival
//! moves the skill frontier (see `appropriation`). Digital-first substitution of services
//! advances by `digital_first_speed` a year; assisted channels shield part of it.

use super::appropriation;
use crate::params::Params;
use crate::prefetch::prefetch;
use crate::rng::{Purpose, Stream};
use crate::world::World;
use rayon::prelude::*;

pub const MAX_WAVES: u32 = 16;

pub fn update(w: &mut World, p: &Params) {
    if p.technology_on > 0.0 {
        w.macro_state.wave_clock += 1.0;
        if w.macro_state.wave_clock >= p.wave_interval && w.macro_state.waves < MAX_WAVES {
            w.macro_state.wave_clock -= p.wave_interval;
            w.macro_state.waves += 1;
            w.macro_state.adoption.push(0.0);
            appropriation::frontier_moves(w, p);
        }
        diffuse(w, p);
    }
    refresh(w, p);
}

/// Recompute the macro quantities that follow from the state (no time passes).
pub fn refresh(w: &mut World, p: &Params) {
    let ms = &mut w.macro_state;
    let years = ms.years_since_2025.max(0) as f64;
    let raw = if p.technology_on > 0.0 {
        (p.digital_first_2025 + p.digital_first_speed * years).min(1.0)
    } else {
        p.digital_first_2025
    };
    ms.digital_first = raw * (1.0 - p.assisted_channels);
    ms.digital_value = p.digital_value_2025 + p.wave_value * ms.adoption.iter().sum::<f64>();
}

fn diffuse(w: &mut World, p: &Params) {
    let n = w.n();
    let waves = w.macro_state.waves;
    if waves == 0 || n == 0 {
        return;
    }
    // Everyone reads last year's adoptions (a snapshot), so agents update in parallel.
    let adopted_now: Vec<u16> = (0..n)
        .into_par_iter()
        .with_min_len(super::CHUNK)
        .map(|i| {
            let a = &w.agents;
            if i + 4 < n {
                for &j in w.ties.partners(i + 4) {
                    prefetch(&a.adopted[j as usize]);
                }
            }
            let mut now = a.adopted[i];
            // Readiness relative to a typical 2025 adopter (a·m·s ≈ 0.35), capped at 1.
            let readiness = ((a.access[i] * a.motivation[i] * a.skills[i]) as f64 / 0.35).min(1.0);
            let partners = w.ties.partners(i);
            let mut s = Stream::new(w.seed, w.step, i as u64, Purpose::Technology);
            for k in 0..waves {
                let bit = 1u16 << k;
                if a.adopted[i] & bit != 0 {
                    continue;
                }
                let peers = partners
                    .iter()
                    .filter(|&&j| a.adopted[j as usize] & bit != 0)
                    .count();
                let share = peers as f64 / partners.len().max(1) as f64;
                let hazard = (p.bass_p + p.bass_q * share) * readiness;
                if s.chance(hazard.min(1.0)) {
                    now |= bit;
                }
            }
            now
        })
        .collect();
    w.agents.adopted = adopted_now;
    for k in 0..waves {
        let bit = 1u16 << k;
        let count = w.agents.adopted.iter().filter(|&&x| x & bit != 0).count();
        w.macro_state.adoption[k as usize] = count as f64 / n as f64;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::small_world;

    #[test]
    fn waves_arrive_on_schedule_and_spread_through_ties() {
        let (mut w, mut p) = small_world(2000, 7);
        p.wave_interval = 2.0;
        update(&mut w, &p);
        assert_eq!(w.macro_state.waves, 0);
        update(&mut w, &p);
        assert_eq!(w.macro_state.waves, 1, "a wave after two years");
        let first = w.macro_state.adoption[0];
        for _ in 0..1 {
            update(&mut w, &p);
        }
        assert!(w.macro_state.adoption[0] > first, "adoption grows");
        assert!(w.macro_state.digital_value > p.digital_value_2025);
        p.technology_on = 0.0;
        let waves = w.macro_state.waves;
        for _ in 0..5 {
            update(&mut w, &p);
        }
        assert_eq!(
            w.macro_state.waves, waves,
            "frozen technology brings no waves"
        );
    }
}
