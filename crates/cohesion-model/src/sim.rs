//! The stepper: builds the 2025 world, then advances it year by year. A year is twelve
//! monthly encounter rounds followed by the yearly mechanisms in a fixed order (technology,
//! appropriation, dividend, economy, trust, institutions, participation, individualisation,
//! the top's withdrawal, ties, demography). Every random draw is keyed by (seed, step,
//! agent, purpose) and every parallel loop writes only its own agent's slot, so the output is
//! bit-identical for any number of threads.

use crate::agents::OPTOUT;
use crate::data::Calibration;
use crate::foci;
use crate::indicators::{self, Row};
use crate::mechanisms::*;
use crate::network::Ties;
use crate::params::Params;
use crate::rng::{Purpose, Stream};
use crate::synthesis::{Fitted, Synthesiser};
use crate::world::{Macro, World};
use rayon::prelude::*;
use std::sync::OnceLock;

#[derive(Debug, Clone)]
pub struct RunConfig {
    pub agents: usize,
    pub years: u32,
    pub seed: u64,
    pub start_year: i32,
    /// Run everyone with the population-average behaviour (the "standard citizen").
    pub uniform_behaviour: bool,
    /// Years of network and opinion burn-in before the start year.
    pub burn_in: u32,
    /// Store agents neighbourhood by neighbourhood (memory locality for large runs). Agents
    /// are numbered differently, so random streams and results differ in detail, not in
    /// distribution; off keeps the synthesis order.
    pub neighbourhood_order: bool,
}

impl Default for RunConfig {
    fn default() -> Self {
        RunConfig {
            agents: 100_000,
            years: 25,
            seed: 1,
            start_year: 2025,
            uniform_behaviour: false,
            burn_in: 3,
            neighbourhood_order: true,
        }
    }
}

fn fitted(cal: &Calibration) -> Fitted {
    static FITTED: OnceLock<Fitted> = OnceLock::new();
    FITTED.get_or_init(|| Synthesiser::fit(cal).fitted).clone()
}

impl World {
    /// Synthesise the population, form the network and let it settle under 2025 conditions.
    pub fn new(cfg: &RunConfig, p: &Params) -> World {
        let mut profile = crate::world::Profile::default();
        profile.start();
        let calibration = Calibration::embedded();
        let fitted = fitted(&calibration);
        let agents = Synthesiser {
            cal: &calibration,
            fitted: fitted.clone(),
        }
        .population(cfg.agents, cfg.seed);
        profile.lap("setup: synthesis");
        let n = agents.len();
        let mut w = World {
            behaviour: calibration.behaviours(cfg.uniform_behaviour),
            agents,
            ties: Ties::new(n, p.tie_capacity as usize),
            foci: Default::default(),
            fitted,
            seed: cfg.seed,
            step: 0,
            start_year: cfg.start_year,
            macro_state: Macro {
                growth_index: 1.0,
                house_price_index: 1.0,
                years_since_2025: -(cfg.burn_in as i32),
                ..Default::default()
            },
            income_rank: vec![0.0; n],
            fairness: vec![0.0; n],
            voice: vec![0.0; n],
            calibration,
            profile,
        };
        w.foci = foci::assign(
            &mut w.agents,
            cfg.seed,
            p.neighbourhood_size,
            p.workplace_size,
            p.club_size,
            p.residential_sorting,
        );
        if cfg.neighbourhood_order {
            w.foci = foci::renumber_by_neighbourhood(&mut w.agents, &w.foci);
        }
        w.refresh_income_rank();
        economy::initialise(&mut w, p);
        top_withdrawal::initialise(&mut w, p);
        for i in 0..n {
            let optout =
                Stream::new(cfg.seed, 0, i as u64, Purpose::Policy).chance(p.autonomy_optout);
            w.agents.set_flag(i, OPTOUT, optout);
        }
        w.macro_state.income_gini_2025 = w.macro_state.income_gini;
        technology::refresh(&mut w, p);
        w.macro_state.digital_first_2025 = w.macro_state.digital_first;
        for i in 0..n {
            let o = dividend::steady_outcome(&w, p, i);
            w.agents.outcomes[i] = o;
            w.agents.outcomes_ref[i] = o;
        }
        dividend::update(&mut w, p);
        w.profile.lap("setup: foci, economy");
        // The network forms under 2025 conditions: quick rounds of decay and formation, then
        // full years of encounters so opinions and ties settle together.
        for _ in 0..10 {
            ties::decay(&mut w, p);
            ties::form(&mut w, p);
            w.step += 1;
        }
        w.profile.lap("setup: first ties");
        for _ in 0..cfg.burn_in {
            encounters::reset_tallies(&mut w);
            for m in 0..12 {
                encounters::month(&mut w, p, m);
            }
            ties::decay(&mut w, p);
            ties::form(&mut w, p);
            w.step += 1;
            w.macro_state.years_since_2025 += 1;
        }
        institutions::refresh_voice(&mut w, p);
        w.macro_state.years_since_2025 = 0;
        w.profile.lap("setup: burn-in years");
        w
    }

    /// Advance one year under the given parameters.
    pub fn advance(&mut self, p: &Params) {
        let w = self;
        w.macro_state.years_since_2025 += 1;
        w.profile.start();
        encounters::reset_tallies(w);
        for m in 0..12 {
            encounters::month(w, p, m);
        }
        w.profile.lap("encounters");
        record_pending_references(w, p);
        technology::update(w, p);
        w.profile.lap("technology");
        appropriation::update(w, p);
        w.profile.lap("appropriation");
        dividend::update(w, p);
        economy::update(w, p);
        w.profile.lap("dividend+economy");
        institutions::refresh_voice(w, p);
        trust::update(w, p);
        institutions::update(w, p);
        participation::update(w, p);
        individualisation::update(w, p);
        w.profile.lap("attitudes");
        top_withdrawal::update(w, p);
        ties::decay(w, p);
        w.profile.lap("tie decay");
        ties::form(w, p);
        w.profile.lap("tie formation");
        demography::update(w, p);
        w.profile.lap("demography");
        w.step += 1;
    }
}

/// Agents new to the world (everyone in the first year, entrants later) take this year's
/// drivers as their reference: from here on, only change moves their attitudes.
fn record_pending_references(w: &mut World, p: &Params) {
    // Entrants' networks are still growing toward everyone else's size, so their reference
    // for ties is the population's mean degree, not their own first-year count.
    let entrants = w.macro_state.years_since_2025 > 1;
    let mean_degree = w.ties.degree.iter().map(|&d| d as f64).sum::<f64>() / w.n().max(1) as f64;
    // Entrants arrive after the year's tie formation; they take their references once they
    // have had a year with ties (or at 20 at the latest). Read in parallel, written after.
    let wr = &*w;
    let taken: Vec<Option<[f32; 4]>> = (0..w.n())
        .into_par_iter()
        .with_min_len(4096)
        .map(|i| {
            let newcomer_without_ties = wr.ties.degree[i] == 0 && wr.agents.age[i] < 20;
            (wr.agents.ref_pending[i] && !newcomer_without_ties).then(|| {
                [
                    encounters::experience(wr, p, i),
                    encounters::cross_share(wr, i),
                    encounters::online_share(wr, i),
                    appropriation::peer_reference(wr, i),
                ]
            })
        })
        .collect();
    for (i, refs) in taken.into_iter().enumerate() {
        let Some([e, c, o, peer]) = refs else {
            continue;
        };
        let a = &mut w.agents;
        a.ref_experience[i] = e;
        a.ref_cross[i] = c;
        a.ref_online[i] = o;
        a.ref_peer_skill[i] = peer;
        a.ref_ties[i] = if entrants {
            mean_degree as f32
        } else {
            w.ties.degree[i] as f32
        };
        a.ref_voice[i] = w.voice[i];
        a.ref_failed[i] = a.failed_contacts[i];
        a.ref_pending[i] = false;
    }
}

/// Run a whole trajectory: `schedule[y]` holds the parameters in force during year y
/// (`schedule[0]` builds the start state). Calls `progress(y)` after each year.
pub fn run(cfg: &RunConfig, schedule: &[Params], progress: &mut dyn FnMut(u32)) -> Vec<Row> {
    assert!(
        !schedule.is_empty(),
        "a schedule has at least the start year"
    );
    let mut w = World::new(cfg, &schedule[0]);
    let mut rows = indicators::compute(&w, &schedule[0]);
    progress(0);
    for y in 1..=cfg.years {
        let p = &schedule[(y as usize).min(schedule.len() - 1)];
        w.advance(p);
        w.profile.start();
        rows.extend(indicators::compute(&w, p));
        w.profile.lap("indicators");
        progress(y);
    }
    if std::env::var_os("COHESION_PROFILE").is_some() {
        eprintln!(
            "{}state: {} bytes per agent",
            w.profile.report(),
            w.bytes_per_agent()
        );
    }
    rows
}

/// A small world for the mechanisms' unit tests.
#[cfg(test)]
pub(crate) fn small_world(n: usize, seed: u64) -> (World, Params) {
    let p = Params::default();
    let cfg = RunConfig {
        agents: n,
        years: 0,
        seed,
        burn_in: 1,
        ..Default::default()
    };
    (World::new(&cfg, &p), p)
}
