//! A thin economy: common growth, the digital wage premium, the exclusion cost, and
//! redistribution; house prices drive owners' wealth.
//!
//! Income is a level relative to the agent's 2025 income, so common growth leaves the Gini
//! unchanged and only differences in digital fortunes move it:
//!
//! `devᵢ = premium·(oᵢ − oᵢ,2025) − c·(D_t − D_2025)·(1 − aᵢsᵢ)·(1 − ½·social)`,
//! `netᵢ = (1 − ρ)·devᵢ + ρ·mean(dev)`, `ρ = redistribution + 0.35·social`,
//! `incomeᵢ = incomeᵢ,2025 · G_t · exp(netᵢ)`.
//!
//! Fairness is one's own path against the median path: `netᵢ − median(net)`.
//! Wealth = financial wealth (grows with G) + home equity (grows with the house-price index).

use crate::agents::Agents;
use crate::agents::OWNER;
use crate::params::Params;
use crate::stats::median;
use crate::world::World;
use rayon::prelude::*;

pub fn update(w: &mut World, p: &Params) {
    let n = w.n();
    if n == 0 {
        return;
    }
    let growth = p.growth;
    w.macro_state.growth_index *= 1.0 + growth;
    w.macro_state.house_price_index *= 1.0 + p.house_price_growth;
    let df_shift = w.macro_state.digital_first - w.macro_state.digital_first_2025;
    let social = p.policy_social;
    let dev: Vec<f64> = (0..n)
        .into_par_iter()
        .map(|i| {
            let a = &w.agents;
            let premium =
                p.dividend_on * p.wage_premium * (a.outcomes[i] - a.outcomes_ref[i]) as f64;
            let exclusion = p.exclusion_cost
                * df_shift
                * (1.0 - (a.access[i] * a.skills[i]) as f64)
                * (1.0 - 0.5 * social);
            premium - exclusion
        })
        .collect();
    let rho = (p.redistribution + 0.35 * social).min(1.0);
    let mean_dev = dev.iter().sum::<f64>() / n as f64;
    let net: Vec<f64> = dev
        .par_iter()
        .map(|d| (1.0 - rho) * d + rho * mean_dev)
        .collect();
    let med = median(&net);
    let g = w.macro_state.growth_index;
    let Agents {
        income,
        income_ref,
        wealth,
        housing,
        ..
    } = &mut w.agents;
    (
        income.par_iter_mut(),
        income_ref.par_iter(),
        wealth.par_iter_mut(),
        housing.par_iter_mut(),
        w.fairness.par_iter_mut(),
        net.par_iter(),
    )
        .into_par_iter()
        .for_each(|(income, income_ref, wealth, home, fairness, x)| {
            *income = (*income_ref as f64 * g * x.exp()) as f32;
            *fairness = (x - med) as f32;
            let financial = (*wealth - *home) as f64 * (1.0 + growth);
            let home_value = *home as f64 * (1.0 + p.house_price_growth);
            *home = home_value as f32;
            *wealth = (financial + home_value) as f32;
        });
    w.refresh_income_rank();
}

/// Split owners' wealth into home equity and the rest at the start.
pub fn initialise(w: &mut World, p: &Params) {
    for i in 0..w.n() {
        let a = &mut w.agents;
        a.housing[i] = if a.has(i, OWNER) {
            (p.owner_housing_share * a.wealth[i].max(0.0) as f64) as f32
        } else {
            0.0
        };
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::small_world;

    #[test]
    fn common_growth_keeps_the_gini_and_redistribution_shares_gains() {
        let (mut w, mut p) = small_world(2000, 6);
        p.growth = 0.05;
        p.house_price_growth = 0.0;
        let before = w.macro_state.income_gini;
        update(&mut w, &p);
        assert!((w.macro_state.income_gini - before).abs() < 1e-6);
        // Give the top half a dividend: with full redistribution nobody's relative path moves.
        for i in 0..w.n() {
            if w.income_rank[i] > 0.5 {
                w.agents.outcomes[i] = w.agents.outcomes_ref[i] + 5.0;
            }
        }
        p.redistribution = 0.0;
        update(&mut w, &p);
        let unequal = w.macro_state.income_gini;
        p.redistribution = 1.0;
        update(&mut w, &p);
        assert!(unequal > before + 0.01);
        assert!((w.macro_state.income_gini - before).abs() < 1e-4);
    }
}
