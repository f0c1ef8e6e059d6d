//! Demography: ageing, deaths, entry of 18-year-olds, and tenure moves.
//!
//! Death: Gompertz hazard `q(age) = exp(α + β·age)` (fitted to the CBS life table), certain
//! at 99. Each death frees a slot that an 18-year-old takes, with the entrant cohort's
//! education and a more individualised start (cohort); N stays constant, so each agent keeps
//! standing for the same number of people while the age structure shifts toward the life
//! table's (ageing). The entrant moves into the vacated dwelling's neighbourhood.
//!
//! Living alone is re-drawn from the band's share when an agent enters a new age band, and
//! the wealth of the deceased passes to an heir aged 40–70.
//!
//! Tenure: renters aged 25–45 buy with `buy_rate · min(1.5, 2·income rank) / house-price index`;
//! owners of 75+ sell with `sell_rate`. Buying turns financial wealth into home equity.

use super::dividend::steady_outcome;
use super::CHUNK;
use crate::agents::{set_bit, Agents, ALONE, OWNER};
use crate::params::Params;
use crate::rng::{Purpose, Stream};
use crate::synthesis::Synthesiser;
use crate::synthesis::LONELY_ALONE;
use crate::world::World;
use rayon::prelude::*;

pub fn update(w: &mut World, p: &Params) {
    if p.demography_on <= 0.0 {
        return;
    }
    let bands: Vec<(u8, f64)> = w
        .calibration
        .synthesis
        .age_band
        .iter()
        .map(|b| (b.from, b.alone))
        .collect();
    // Each agent ages, may die, and may buy or sell on its own stream: independent, so in
    // parallel, each writing only its own slot.
    let (seed, step) = (w.seed, w.step);
    let house_prices = w.macro_state.house_price_index;
    let rank = &w.income_rank;
    let Agents {
        age,
        flags,
        lonely_latent,
        housing,
        wealth,
        ..
    } = &mut w.agents;
    let wealth = &*wealth;
    let died: Vec<bool> = (
        age.par_iter_mut(),
        flags.par_iter_mut(),
        lonely_latent.par_iter_mut(),
        housing.par_iter_mut(),
    )
        .into_par_iter()
        .enumerate()
        .with_min_len(CHUNK)
        .map(|(i, (age, flags, lonely, housing))| {
            let mut s = Stream::new(seed, step, i as u64, Purpose::Demography);
            let band_before = band_of(&bands, *age);
            *age = age.saturating_add(1);
            // Living alone follows the life course: entering a new age band, the agent takes
            // that band's share (partners die, children leave), and loneliness moves with it.
            let band_after = band_of(&bands, *age);
            if band_after != band_before {
                let alone = s.chance(bands[band_after].1);
                let change = alone as i32 - (*flags & ALONE != 0) as i32;
                *lonely += LONELY_ALONE * change as f32;
                set_bit(flags, ALONE, alone);
            }
            let years = *age as f64;
            let q = if years >= 99.0 {
                1.0
            } else {
                (p.mortality_log_intercept + p.mortality_slope * years).exp()
            };
            if s.chance(q) {
                return true;
            }
            let owner = *flags & OWNER != 0;
            if !owner && (25.0..=45.0).contains(&years) {
                let afford = (2.0 * rank[i] as f64).min(1.5) / house_prices;
                if s.chance(p.buy_rate * afford) {
                    set_bit(flags, OWNER, true);
                    *housing = (0.8 * wealth[i].max(0.0) as f64) as f32;
                }
            } else if owner && years >= 75.0 && s.chance(p.sell_rate) {
                set_bit(flags, OWNER, false);
                *housing = 0.0;
            }
            false
        })
        .collect();
    // Ascending, so membership is a binary search.
    let dead: Vec<usize> = (0..died.len()).filter(|&i| died[i]).collect();
    let entrant_edu = [
        p.entrant_low_edu,
        (1.0 - p.entrant_low_edu - p.entrant_high_edu).max(0.0),
        p.entrant_high_edu,
    ];
    let median_log_income =
        w.calibration.synthesis.median_income.ln() + w.macro_state.growth_index.ln();
    let years = w.macro_state.years_since_2025.max(0) as f32;
    // Bequests: the deceased's net wealth is split among three heirs of the children's
    // generation (aged 40–70), so wealth is passed on rather than destroyed with each death.
    for &i in &dead {
        let (estate, home) = (w.agents.wealth[i].max(0.0), w.agents.housing[i].max(0.0));
        let mut s = Stream::new(w.seed, w.step, i as u64, Purpose::Economy);
        let mut heirs = Vec::with_capacity(HEIRS);
        for _ in 0..20 * HEIRS {
            let h = s.below(w.n());
            if h != i
                && (40..=70).contains(&w.agents.age[h])
                && dead.binary_search(&h).is_err()
                && !heirs.contains(&h)
            {
                heirs.push(h);
                if heirs.len() == HEIRS {
                    break;
                }
            }
        }
        for &h in &heirs {
            let a = &mut w.agents;
            a.wealth[h] += estate / heirs.len() as f32;
            if a.has(h, OWNER) {
                a.housing[h] += home / heirs.len() as f32;
            }
        }
    }
    {
        let World {
            agents,
            ties,
            calibration,
            fitted,
            seed,
            step,
            ..
        } = &mut *w;
        let synth = Synthesiser {
            cal: calibration,
            fitted: fitted.clone(),
        };
        for &i in &dead {
            ties.isolate(i);
            synth.entrant(agents, i, *seed, *step, entrant_edu, median_log_income);
        }
    }
    for &i in &dead {
        let a = &mut w.agents;
        a.income_ref[i] = (a.income[i] as f64 / w.macro_state.growth_index) as f32;
        let shift = (p.entrant_individualism_shift * years as f64 / 10.0) as f32;
        a.individualism_anchor[i] = (a.individualism_anchor[i] + shift).min(1.0);
        a.individualism[i] = a.individualism_anchor[i];
        a.housing[i] = 0.0;
        a.set_flag(i, OWNER, false);
        a.wealth[i] = a.wealth[i].min(20_000.0);
        a.adopted[i] = if w.macro_state.waves > 0 {
            (1u16 << w.macro_state.waves) - 1
        } else {
            0
        };
        let o = steady_outcome(w, p, i);
        w.agents.outcomes[i] = o;
        w.agents.outcomes_ref[i] = o;
    }
}

/// Children who share an estate (the Dutch completed fertility of the parents' cohorts is
/// about two; three keeps estates from concentrating in one heir).
const HEIRS: usize = 3;

/// Index of the age band an age falls in (bands given by their first age, ascending).
fn band_of(bands: &[(u8, f64)], age: u8) -> usize {
    bands.iter().rposition(|b| age >= b.0).unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::small_world;

    #[test]
    fn people_age_the_oldest_leave_and_entrants_are_eighteen() {
        let (mut w, p) = small_world(3000, 11);
        let ages: Vec<u8> = w.agents.age.clone();
        let wealth_before: f64 = w.agents.wealth.iter().map(|&x| x.max(0.0) as f64).sum();
        update(&mut w, &p);
        let entrants: Vec<usize> = (0..w.n())
            .filter(|&i| w.agents.age[i] == 18 && ages[i] != 17)
            .collect();
        assert!(!entrants.is_empty(), "some die and are replaced");
        let deaths_old = entrants.iter().filter(|&&i| ages[i] >= 65).count();
        assert!(
            deaths_old * 2 > entrants.len(),
            "deaths are mostly among the old"
        );
        assert!(entrants
            .iter()
            .all(|&i| w.ties.degree[i] == 0 && w.agents.ref_pending[i]));
        assert!(w.ties.is_symmetric());
        let survivors_aged = (0..w.n())
            .filter(|i| !entrants.contains(i))
            .all(|i| w.agents.age[i] == ages[i] + 1);
        assert!(survivors_aged);
        let wealth_after: f64 = w.agents.wealth.iter().map(|&x| x.max(0.0) as f64).sum();
        assert!(
            wealth_after > 0.8 * wealth_before,
            "bequests keep wealth in the population"
        );
        assert_eq!(band_of(&[(18, 0.1), (25, 0.2)], 30), 1);
    }
}
