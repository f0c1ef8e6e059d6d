//! Monthly encounters: opinion dynamics and the experiences that feed trust.
//!
//! Each month every agent meets one partner among its ties (offline), and, if online, with
//! probability `online_influence` one partner chosen by the platform: k candidates are drawn
//! from the month's platform sample (everyone, in populations of at most [`PLATFORM_SAMPLE`];
//! otherwise that many users drawn at random, with replacement, anew each month: what the
//! platform has on offer that month) and one is picked with weight `(|xᵢ − xⱼ| + δ)^(−γᵢ) · (½ + |xⱼ − ½|)^e`, the algorithmic
//! bias of Sîrbu et al. (2019) with an engagement term that favours extreme content.
//! `γᵢ = γ` unless the agent opted out of personalised feeds (digital autonomy), then 0.
//!
//! Opinion update (one-sided, synchronous: every agent reads last month's opinions):
//! if |Δ| < ε, xᵢ += μΔ (Deffuant et al. 2000); if |Δ| > latitude of rejection and
//! repulsion is on, xᵢ −= μᵣΔ (Jager & Amblard 2005). Online the latitude is narrower by
//! `online_rejection_shift` (data-driven, emotional curation: the study's "unfiltered
//! emotion"), so curated encounters repel at smaller distances; plus noise of standard deviation σ
//! (uniform, which is all bounded confidence needs and much cheaper than Gaussian draws);
//! clamped to [0,1]. The two weight factors are read from 1 024-bin tables built each month,
//! since they are the same for every agent.
//!
//! Each encounter is positive with probability `1 − |Δ|`, online ones less so by
//! `online_negativity · (1 + e·|xⱼ − ½|)`. Tallies of positive, negative, cross-education and
//! online encounters are kept for the yearly trust and individualisation updates.

use super::CHUNK;
use crate::agents::{Agents, OPTOUT};
use crate::params::Params;
use crate::prefetch::prefetch;
use crate::rng::{Purpose, Stream};
use crate::world::World;
use rayon::prelude::*;

#[derive(Clone, Copy, Default)]
struct Month {
    total: u8,
    positive: u8,
    negative: u8,
    cross: u8,
    cross_positive: u8,
    online: u8,
}

/// What an encounter reads about the other side, in 8 bytes: one cache line per random
/// partner or candidate instead of three.
#[derive(Clone, Copy)]
#[repr(C, align(8))]
struct Face {
    opinion: f32,
    edu: u8,
    online: bool,
}

/// Users in a month's platform sample. Every agent draws its online candidates from it, so
/// in large populations the candidates are reads in a 768 KiB table that stays in cache
/// rather than five random reads across the whole population per agent; each candidate is
/// still a uniform draw from the population, and a sample of 65 536 carries its opinion
/// distribution to within a fraction of a percentage point.
pub const PLATFORM_SAMPLE: usize = 1 << 16;

/// A sampled user: who, and the face it shows (with the bin of its opinion's extremity,
/// which weights it alike for every agent).
#[derive(Clone, Copy)]
struct Candidate {
    opinion: f32,
    id: u32,
    edu: u8,
    online: bool,
    engagement_bin: u16,
}

/// Bins of the weight tables, over distances and opinions in 0..1.
const BINS: usize = 1024;

fn bin(x: f32) -> usize {
    ((x.abs() * BINS as f32) as usize).min(BINS)
}

/// The month's platform sample, or `None` when everyone is in it (candidates are then drawn
/// from the whole population directly).
fn platform_sample(faces: &[Face], seed: u64, key: u64, size: usize) -> Option<Vec<Candidate>> {
    let n = faces.len();
    if n <= size {
        return None;
    }
    let mut s = Stream::new(seed, key, 0, Purpose::Platform);
    Some((0..size).map(|_| candidate(faces, s.below(n))).collect())
}

/// User `id` as a candidate.
fn candidate(faces: &[Face], id: usize) -> Candidate {
    let face = faces[id];
    Candidate {
        opinion: face.opinion,
        id: id as u32,
        edu: face.edu,
        online: face.online,
        engagement_bin: bin(face.opinion) as u16,
    }
}

/// How many agents ahead the partner reads are fetched: far enough to cover a memory
/// latency, near enough that the line is still in cache when its agent comes.
const FETCH_AHEAD: usize = 4;

pub fn month(w: &mut World, p: &Params, month: u64) {
    month_with_sample(w, p, month, PLATFORM_SAMPLE);
}

fn month_with_sample(w: &mut World, p: &Params, month: u64, sample_size: usize) {
    let n = w.n();
    if n < 2 {
        return;
    }
    let a = &w.agents;
    let faces: Vec<Face> = (0..n)
        .into_par_iter()
        .with_min_len(CHUNK * 8)
        .map(|i| Face {
            opinion: a.opinion[i],
            edu: a.edu[i],
            online: a.is_online(i),
        })
        .collect();
    let ties = &w.ties;
    let seed = w.seed;
    let key = w.step * 12 + month;
    let sample = platform_sample(&faces, seed, key, sample_size);
    let offer = |s: &mut Stream| match &sample {
        Some(sample) => sample[s.below(sample.len())],
        None => candidate(&faces, s.below(n)),
    };
    let eps = p.epsilon as f32;
    let mu = p.mu as f32;
    let latitude = p.rejection_latitude as f32;
    let latitude_online = (p.rejection_latitude - p.online_rejection_shift).max(0.0) as f32;
    let mu_rep = (p.mu_repulsion * p.repulsion_on) as f32;
    let k = p.online_candidates.round().max(1.0) as usize;
    let similarity: Vec<f64> = (0..=BINS)
        .map(|b| (b as f64 / BINS as f64 + p.bias_floor).powf(-p.algorithmic_bias))
        .collect();
    let engagement: Vec<f64> = (0..=BINS)
        .map(|b| (0.5 + (b as f64 / BINS as f64 - 0.5).abs()).powf(p.engagement_weight))
        .collect();
    let noise_width = (p.opinion_noise * 12f64.sqrt()) as f32;
    let base = Stream::base(seed, key, Purpose::Opinion);
    // Where agent q's encounters will look, assuming every candidate is online (each draw
    // takes one step of the stream); fetched a few agents ahead so the random reads overlap.
    // A wrong guess only wastes a fetch: results never depend on it.
    let fetch_ahead = |q: usize| {
        if q >= n {
            return;
        }
        let mut s = Stream::keyed(base, q as u64);
        let partners = ties.partners(q);
        if !partners.is_empty() {
            prefetch(&faces[partners[s.below(partners.len())] as usize]);
        }
        // Candidates from a platform sample are reads in a table that stays in cache.
        if sample.is_some() {
            return;
        }
        if !partners.is_empty() {
            s.next_u64();
        }
        if faces[q].online && s.chance(p.online_influence) {
            for _ in 0..k {
                prefetch(&faces[s.below(n)]);
                s.next_u64();
            }
        }
    };
    let Agents {
        opinion,
        flags,
        enc_total,
        enc_positive,
        enc_negative,
        enc_cross,
        enc_cross_positive,
        enc_online,
        ..
    } = &mut w.agents;
    let flags = &*flags;
    (
        opinion.par_iter_mut(),
        enc_total.par_iter_mut(),
        enc_positive.par_iter_mut(),
        enc_negative.par_iter_mut(),
        enc_cross.par_iter_mut(),
        enc_cross_positive.par_iter_mut(),
        enc_online.par_iter_mut(),
    )
        .into_par_iter()
        .enumerate()
        .with_min_len(CHUNK)
        .for_each(
            |(i, (opinion, total, positive, negative, cross, cross_positive, online))| {
                fetch_ahead(i + FETCH_AHEAD);
                let mut s = Stream::keyed(base, i as u64);
                let me = faces[i];
                let xi = me.opinion;
                let mut m = Month::default();
                let mut dx = 0.0f32;
                let edu_i = me.edu;
                let mut meet = |them: Face, online: bool, s: &mut Stream, m: &mut Month| {
                    let xj = them.opinion;
                    let d = xj - xi;
                    // Curated, emotional content online narrows the latitude of acceptance:
                    // online, rejection starts closer (`online_rejection_shift`).
                    let reject_at = if online { latitude_online } else { latitude };
                    if d.abs() < eps.min(reject_at) {
                        dx += mu * d;
                    } else if d.abs() > reject_at {
                        dx -= mu_rep * d;
                    }
                    let mut p_pos = 1.0 - d.abs() as f64;
                    if online {
                        p_pos *= 1.0
                            - p.online_negativity
                                * (1.0 + p.engagement_weight * (xj - 0.5).abs() as f64);
                        m.online += 1;
                    }
                    let positive = s.chance(p_pos);
                    m.total += 1;
                    if positive {
                        m.positive += 1;
                    } else {
                        m.negative += 1;
                    }
                    if them.edu != edu_i {
                        m.cross += 1;
                        if positive {
                            m.cross_positive += 1;
                        }
                    }
                };
                let partners = ties.partners(i);
                if !partners.is_empty() {
                    let j = partners[s.below(partners.len())] as usize;
                    meet(faces[j], false, &mut s, &mut m);
                }
                if me.online && s.chance(p.online_influence) {
                    let curated = flags[i] & OPTOUT == 0;
                    let mut best = None;
                    let mut total_w = 0.0;
                    for _ in 0..k {
                        let them = offer(&mut s);
                        if them.id as usize == i || !them.online {
                            continue;
                        }
                        let xj = them.opinion;
                        let wj = if curated {
                            similarity[bin(xj - xi)] * engagement[them.engagement_bin as usize]
                        } else {
                            1.0
                        };
                        total_w += wj;
                        // Reservoir choice proportional to weight: one pass, no allocation.
                        if s.uniform() * total_w < wj {
                            best = Some(Face {
                                opinion: them.opinion,
                                edu: them.edu,
                                online: them.online,
                            });
                        }
                    }
                    if let Some(them) = best {
                        meet(them, true, &mut s, &mut m);
                    }
                }
                let noise = noise_width * (s.uniform() as f32 - 0.5);
                *opinion = (xi + dx + noise).clamp(0.0, 1.0);
                *total = total.saturating_add(m.total as u16);
                *positive = positive.saturating_add(m.positive as u16);
                *negative = negative.saturating_add(m.negative as u16);
                *cross = cross.saturating_add(m.cross as u16);
                *cross_positive = cross_positive.saturating_add(m.cross_positive as u16);
                *online = online.saturating_add(m.online as u16);
            },
        );
}

/// Clear the yearly tallies.
pub fn reset_tallies(w: &mut World) {
    let a = &mut w.agents;
    for v in [
        &mut a.enc_total,
        &mut a.enc_positive,
        &mut a.enc_negative,
        &mut a.enc_cross,
        &mut a.enc_cross_positive,
        &mut a.enc_online,
    ] {
        v.iter_mut().for_each(|x| *x = 0);
    }
}

/// This year's experience score E = (gain·positive − loss·negative) / encounters.
pub fn experience(w: &World, p: &Params, i: usize) -> f32 {
    let a = &w.agents;
    let t = a.enc_total[i].max(1) as f64;
    ((p.trust_gain * a.enc_positive[i] as f64 - p.trust_loss * a.enc_negative[i] as f64) / t) as f32
}

/// Share of this year's encounters that crossed education levels.
pub fn cross_share(w: &World, i: usize) -> f32 {
    let a = &w.agents;
    a.enc_cross[i] as f32 / a.enc_total[i].max(1) as f32
}

/// Share of this year's encounters that were online.
pub fn online_share(w: &World, i: usize) -> f32 {
    let a = &w.agents;
    a.enc_online[i] as f32 / a.enc_total[i].max(1) as f32
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::small_world;

    #[test]
    fn close_opinions_converge_and_far_ones_repel() {
        let (mut w, mut p) = small_world(600, 1);
        p.opinion_noise = 0.0;
        p.online_influence = 0.0;
        // Two tied agents, everyone else isolated: i meets j every month.
        let (i, j) = (0, 1);
        for k in 0..w.n() {
            w.ties.isolate(k);
        }
        w.ties.link(i, j, crate::network::Focus::Work);
        w.agents.opinion[i] = 0.40;
        w.agents.opinion[j] = 0.50;
        reset_tallies(&mut w);
        month(&mut w, &p, 0);
        assert!(
            w.agents.opinion[i] > 0.40 && w.agents.opinion[j] < 0.50,
            "within ε both move closer"
        );
        w.agents.opinion[i] = 0.10;
        w.agents.opinion[j] = 0.90;
        month(&mut w, &p, 1);
        assert!(
            w.agents.opinion[i] < 0.10 && w.agents.opinion[j] > 0.90,
            "beyond the latitude they repel"
        );
        p.repulsion_on = 0.0;
        let before = (w.agents.opinion[i], w.agents.opinion[j]);
        month(&mut w, &p, 2);
        assert_eq!(
            before,
            (w.agents.opinion[i], w.agents.opinion[j]),
            "without repulsion far opinions stay"
        );
        assert_eq!(w.agents.enc_total[i], 3);
    }

    #[test]
    fn a_platform_sample_is_a_uniform_draw_of_the_population() {
        let faces: Vec<Face> = (0..50_000)
            .map(|i| Face {
                opinion: (i % 1000) as f32 / 1000.0,
                edu: (i % 3) as u8,
                online: i % 4 != 0,
            })
            .collect();
        assert!(
            platform_sample(&faces, 1, 7, 50_000).is_none(),
            "small: everyone"
        );
        let sample = platform_sample(&faces, 1, 7, 4096).expect("a sample");
        assert_eq!(sample.len(), 4096);
        for c in &sample {
            let f = faces[c.id as usize];
            assert_eq!((c.opinion, c.edu, c.online), (f.opinion, f.edu, f.online));
        }
        let mean = sample.iter().map(|c| c.opinion as f64).sum::<f64>() / 4096.0;
        let online = sample.iter().filter(|c| c.online).count() as f64 / 4096.0;
        // Population: mean opinion 0.4995, online share 0.75; sd of a 4 096 mean ≈ 0.0045.
        assert!((mean - 0.4995).abs() < 0.02, "mean {mean}");
        assert!((online - 0.75).abs() < 0.03, "online {online}");
        let other_month = platform_sample(&faces, 1, 8, 4096).expect("a sample");
        assert!(sample.iter().zip(&other_month).any(|(a, b)| a.id != b.id));
    }

    #[test]
    fn encounters_from_a_platform_sample_match_those_from_everyone() {
        let go = |sample_size: usize| {
            let (mut w, mut p) = small_world(3000, 2);
            p.online_influence = 1.0;
            for i in 0..w.n() {
                w.ties.isolate(i);
            }
            reset_tallies(&mut w);
            let before = w.agents.opinion.clone();
            for m in 0..3 {
                month_with_sample(&mut w, &p, m, sample_size);
            }
            let neg: u32 = w.agents.enc_negative.iter().map(|&x| x as u32).sum();
            let tot: u32 = w.agents.enc_total.iter().map(|&x| x as u32).sum();
            let moved = (0..w.n())
                .map(|i| (w.agents.opinion[i] - before[i]).abs() as f64)
                .sum::<f64>()
                / w.n() as f64;
            (tot, neg as f64 / tot as f64, moved)
        };
        let (all_tot, all_neg, all_moved) = go(usize::MAX);
        let (tot, neg, moved) = go(256);
        assert!(
            (tot as f64 / all_tot as f64 - 1.0).abs() < 0.03,
            "{tot} vs {all_tot}"
        );
        assert!(
            (neg - all_neg).abs() < 0.02,
            "negative share {neg} vs {all_neg}"
        );
        assert!(
            (moved / all_moved - 1.0).abs() < 0.1,
            "opinion change {moved} vs {all_moved}"
        );
    }

    #[test]
    fn algorithmic_bias_narrows_online_partners() {
        let go = |gamma: f64| {
            let (mut w, mut p) = small_world(3000, 2);
            p.online_influence = 1.0;
            p.algorithmic_bias = gamma;
            p.autonomy_optout = 0.0;
            for i in 0..w.n() {
                w.agents.flags[i] &= !OPTOUT;
                w.ties.isolate(i);
            }
            reset_tallies(&mut w);
            month(&mut w, &p, 0);
            // With no ties every encounter is online; negative ones follow distance.
            let neg: u32 = w.agents.enc_negative.iter().map(|&x| x as u32).sum();
            let tot: u32 = w.agents.enc_total.iter().map(|&x| x as u32).sum();
            neg as f64 / tot as f64
        };
        assert!(
            go(4.0) < go(0.0) - 0.05,
            "curation pairs similar people: fewer bad encounters"
        );
    }
}
