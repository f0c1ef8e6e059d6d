//! The world: agents, ties, foci and the few macro quantities the mechanisms share.

use crate::agents::Agents;
use crate::data::{Behaviour, Calibration};
use crate::foci::Foci;
use crate::network::Ties;
use crate::synthesis::Fitted;

/// Macro state the mechanisms read and write once per year.
#[derive(Debug, Clone, Default)]
pub struct Macro {
    /// Waves of technology that have arrived since 2025, and the clock to the next one.
    pub waves: u32,
    pub wave_clock: f64,
    /// Population share that adopted each arrived wave.
    pub adoption: Vec<f64>,
    /// The value of being digital, v_t.
    pub digital_value: f64,
    /// Share of services that are digital-first without an assisted channel.
    pub digital_first: f64,
    pub digital_first_2025: f64,
    /// Common income growth index and house-price index since 2025.
    pub growth_index: f64,
    pub house_price_index: f64,
    pub income_gini: f64,
    pub income_gini_2025: f64,
    /// Years since 2025 (negative during burn-in).
    pub years_since_2025: i32,
}

pub struct World {
    pub agents: Agents,
    pub ties: Ties,
    pub foci: Foci,
    pub behaviour: Vec<Behaviour>,
    pub fitted: Fitted,
    pub seed: u64,
    /// A counter of simulated years including burn-in; keys the random streams.
    pub step: u64,
    pub start_year: i32,
    pub macro_state: Macro,
    /// Each agent's income rank in 0..1, refreshed yearly.
    pub income_rank: Vec<f32>,
    /// Each agent's log-income path relative to the median path since 2025 (fairness).
    pub fairness: Vec<f32>,
    /// Share of voters' opinions within the confidence bound of each agent's (voice).
    pub voice: Vec<f32>,
    pub calibration: Calibration,
    /// Wall time spent per phase (set `COHESION_PROFILE=1` to print it after a run).
    pub profile: Profile,
}

/// Seconds per phase, in first-seen order, and the process's peak resident memory when the
/// phase first ended (so the report shows which phase raised the high-water mark).
#[derive(Debug, Clone, Default)]
pub struct Profile {
    pub phases: Vec<(&'static str, f64, Option<u64>)>,
    since: Option<std::time::Instant>,
}

impl Profile {
    /// Begin timing a phase.
    pub fn start(&mut self) {
        self.since = Some(std::time::Instant::now());
    }

    /// End the phase begun at the last `start` or `lap` under `name`, and begin the next.
    pub fn lap(&mut self, name: &'static str) {
        let now = std::time::Instant::now();
        if let Some(since) = self.since {
            self.add(name, (now - since).as_secs_f64());
        }
        self.since = Some(now);
    }

    pub fn add(&mut self, name: &'static str, seconds: f64) {
        let peak = cohesion_io::peak_rss_kib();
        match self.phases.iter_mut().find(|(n, _, _)| *n == name) {
            Some((_, s, p)) => {
                *s += seconds;
                *p = peak.max(*p);
            }
            None => self.phases.push((name, seconds, peak)),
        }
    }

    pub fn report(&self) -> String {
        let total: f64 = self.phases.iter().map(|p| p.1).sum();
        let mut s = format!("time per phase (total {total:.2} s), peak RSS after it:\n");
        for (name, secs, peak) in &self.phases {
            let peak = peak.map_or("?".into(), |kib| format!("{} MiB", kib / 1024));
            s.push_str(&format!(
                "  {name:20} {secs:8.3} s  {:5.1} %  {peak:>10}\n",
                100.0 * secs / total.max(1e-12)
            ));
        }
        s
    }
}

/// What an agent's partners read about it, packed in 16 bytes so that looking up a random
/// partner costs one cache line instead of one per attribute vector. The state stays
/// structure-of-arrays; a phase that reads many partners takes a fresh copy with
/// [`World::peers`] (a sequential pass, cheap next to the random reads it saves).
#[derive(Clone, Copy, Debug, Default)]
#[repr(C, align(16))]
pub struct Peer {
    pub income_rank: f32,
    pub opinion: f32,
    pub individualism: f32,
    pub edu: u8,
    pub culture: u8,
    pub flags: u8,
    pub degree: u8,
}

impl Peer {
    #[inline]
    pub fn has(&self, flag: u8) -> bool {
        self.flags & flag != 0
    }
}

impl World {
    /// A fresh [`Peer`] copy of every agent.
    pub fn peers(&self) -> Vec<Peer> {
        use rayon::prelude::*;
        let a = &self.agents;
        (0..self.n())
            .into_par_iter()
            .with_min_len(1 << 14)
            .map(|i| Peer {
                income_rank: self.income_rank[i],
                opinion: a.opinion[i],
                individualism: a.individualism[i],
                edu: a.edu[i],
                culture: a.culture[i],
                flags: a.flags[i],
                degree: self.ties.degree[i],
            })
            .collect()
    }

    pub fn n(&self) -> usize {
        self.agents.len()
    }

    pub fn year(&self) -> i32 {
        self.start_year + self.macro_state.years_since_2025
    }

    /// Bytes of state per agent: attributes, the tie slots (partner u32 + focus u8 each, and
    /// the degree), the world's per-agent vectors (rank, fairness, voice) and focus membership.
    pub fn bytes_per_agent(&self) -> usize {
        Agents::bytes_per_agent() + self.ties.capacity * 5 + 1 + 3 * 4 + 3 * 4
    }

    /// Refresh income ranks (ties broken by index, so ranks are deterministic)
    /// and the income Gini from the same sorted order.
    pub fn refresh_income_rank(&mut self) {
        use rayon::prelude::*;
        let n = self.n();
        let order = crate::stats::order_by_f32(&self.agents.income);
        let rank = &mut self.income_rank;
        for (r, &i) in order.iter().enumerate() {
            rank[i as usize] = (r as f64 / n.max(1) as f64) as f32;
        }
        let inc = &self.agents.income;
        let sorted: Vec<f64> = order.par_iter().map(|&i| inc[i as usize] as f64).collect();
        self.macro_state.income_gini = crate::stats::gini_sorted(&sorted);
    }
}
