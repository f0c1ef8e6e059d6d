//! Ties: decay and formation in foci, with homophily and both sides of individualisation.
//!
//! Decay (each tie once a year, decided identically from both ends with a pair-keyed stream):
//! given ties (neighbourhood, club) end with `d_g·(1 + L·ῑ)·(1 − 0.4·community)`, with ῑ the
//! pair's mean individualism (individualism loosens given ties); work, elective and bridging
//! ties with `d_e`; a tie between a withdrawn agent and someone outside the top quintile also
//! with `withdraw_closure/3` more.
//!
//! Formation: an agent with room makes about `proposals·ties(class)·(1 + ½Δoutcomes)` proposals
//! a year. With probability `reach·ιᵢ` a proposal goes beyond its origin (anyone in the
//! population: online, elective; emancipation); otherwise into a focus it attends
//! (neighbourhood; workplace if employed; club if a member or volunteer). A bridging programme
//! adds proposals across the income median. The candidate accepts with `exp(−β·dᵢⱼ)` where
//! `d` mixes education, income rank, opinion and cultural group (McPherson et al. 2001);
//! β is weak in foci (`beta_focus`, homophily there is mostly induced by who is around) and
//! strong in elective ties (`beta_choice·(½ + ι)`: chosen ties are more homophilous).
//! Proposals are generated in parallel and accepted in agent order, each only while both
//! sides have room, so the network stays symmetric and bounded.

use super::policy::takeup;
use super::CHUNK;
use crate::agents::{CLUB, EMPLOYED, VOLUNTEER, WITHDRAWN};
use crate::foci::Membership;
use crate::network::Focus;
use crate::params::Params;
use crate::prefetch::prefetch;
use crate::rng::{Purpose, Stream};
use crate::world::{Peer, World};
use rayon::prelude::*;

/// Social distance in 0..1 between two agents.
pub fn distance(a: &Peer, b: &Peer) -> f64 {
    let edu = (a.edu as f64 - b.edu as f64).abs() / 2.0;
    let rank = (a.income_rank - b.income_rank).abs() as f64;
    let opinion = (a.opinion - b.opinion).abs() as f64;
    let culture = if a.culture != b.culture { 0.5 } else { 0.0 };
    (edu + rank + opinion + culture) / 3.5
}

/// A withdrawn agent closes itself off from everyone outside the top quintile.
fn closed_off(a: &Peer, b: &Peer) -> bool {
    (a.has(WITHDRAWN) && b.income_rank < 0.8) || (b.has(WITHDRAWN) && a.income_rank < 0.8)
}

pub fn decay(w: &mut World, p: &Params) {
    let peers = w.peers();
    let World {
        ties, seed, step, ..
    } = w;
    let k = ties.capacity;
    let base = Stream::base(*seed, *step, Purpose::TieDecay);
    // Each agent compacts its own row in place; the decision for a pair is the same from
    // both ends (pair-keyed stream, symmetric rate), so the network stays symmetric. Agents
    // go in blocks so that a later agent's partners can be fetched while this one decides.
    const BLOCK: usize = 256;
    const AHEAD: usize = 2;
    ties.partner
        .par_chunks_mut(k * BLOCK)
        .zip(ties.focus.par_chunks_mut(k * BLOCK))
        .zip(ties.degree.par_chunks_mut(BLOCK))
        .enumerate()
        .with_min_len(CHUNK / 4 / BLOCK)
        .for_each(|(block, ((partners, foci), degrees))| {
            for a in 0..degrees.len() {
                if let Some(&d) = degrees.get(a + AHEAD) {
                    let first = (a + AHEAD) * k;
                    for &j in &partners[first..first + d as usize] {
                        prefetch(&peers[j as usize]);
                    }
                }
                let i = block * BLOCK + a;
                let row = a * k..(a + 1) * k;
                decay_row(
                    p,
                    base,
                    &peers,
                    i,
                    &mut partners[row.clone()],
                    &mut foci[row],
                    &mut degrees[a],
                );
            }
        });
}

/// Agent i's ties that survive the year, compacted to the front of its row.
fn decay_row(
    p: &Params,
    base: u64,
    peers: &[Peer],
    i: usize,
    partners: &mut [u32],
    foci: &mut [u8],
    degree: &mut u8,
) {
    let mut kept = 0;
    let me = &peers[i];
    for slot in 0..*degree as usize {
        let j = partners[slot] as usize;
        let them = &peers[j];
        let focus = Focus::from_u8(foci[slot]);
        let mut rate = if focus.is_given() {
            let mean_ind = 0.5 * (me.individualism + them.individualism) as f64;
            p.decay_given
                * (1.0 + p.individualism_loosening * mean_ind)
                * (1.0 - 0.4 * p.policy_community)
        } else {
            p.decay_elective
        };
        if closed_off(me, them) {
            rate += p.withdraw_closure / 3.0;
        }
        if !Stream::keyed(base, Stream::pair_id(i as u32, j as u32)).chance(rate) {
            partners[kept] = partners[slot];
            foci[kept] = foci[slot];
            kept += 1;
        }
    }
    *degree = kept as u8;
}

/// A candidate drawn but not yet checked: who approaches whom, in which focus. Until
/// [`resolve`], a draft into a focus holds in `j` the candidate's slot in that focus's member
/// list rather than the candidate: reading the list is a random read, fetched meanwhile.
#[derive(Clone, Copy)]
struct Draft {
    i: u32,
    j: u32,
    focus: Focus,
}

/// One of agent i's foci (neighbourhood; workplace if employed; club if a member or
/// volunteer), chosen with weights 0.45, 0.35, 0.25, and a slot in its member list; `None`
/// for an empty focus.
fn focus_slot(w: &World, i: usize, s: &mut Stream) -> Option<(usize, Focus)> {
    let a = &w.agents;
    let mut options: [(Focus, f64); 3] = [
        (Focus::Neighbourhood, 0.45),
        (Focus::Work, 0.0),
        (Focus::Club, 0.0),
    ];
    if a.has(i, EMPLOYED) {
        options[1].1 = 0.35;
    }
    if a.has(i, CLUB) || a.has(i, VOLUNTEER) {
        options[2].1 = 0.25;
    }
    let total: f64 = options.iter().map(|o| o.1).sum();
    let mut u = s.uniform() * total;
    let mut focus = Focus::Neighbourhood;
    for (f, wgt) in options {
        if u < wgt {
            focus = f;
            break;
        }
        u -= wgt;
    }
    let id = match focus {
        Focus::Neighbourhood => a.neighbourhood[i],
        Focus::Work => a.workplace[i],
        _ => a.club[i],
    };
    let membership = membership(w, focus);
    let span = membership.span(id);
    if span.is_empty() {
        return None;
    }
    let slot = span.start + s.below(span.len());
    prefetch(&membership.members[slot]);
    Some((slot, focus))
}

/// The member lists of the foci of this kind.
fn membership(w: &World, focus: Focus) -> &Membership {
    match focus {
        Focus::Neighbourhood => &w.foci.neighbourhoods,
        Focus::Work => &w.foci.workplaces,
        _ => &w.foci.clubs,
    }
}

/// The candidates agent i approaches this year, appended to `out` (its formation stream
/// decides them without reading any candidate, so their state can be fetched meanwhile).
fn draw(w: &World, peers: &[Peer], p: &Params, i: usize, out: &mut Vec<Draft>) {
    let n = w.n();
    let a = &w.agents;
    if peers[i].degree as usize >= w.ties.capacity {
        return;
    }
    let mut s = Stream::new(w.seed, w.step, i as u64, Purpose::TieFormation);
    let dividend = 1.0 + 0.5 * p.dividend_on * (a.outcomes[i] - a.outcomes_ref[i]) as f64;
    let expected = p.proposals * w.behaviour[a.class[i] as usize].ties as f64 * dividend.max(0.0);
    let count = expected.floor() as usize + usize::from(s.chance(expected.fract()));
    let ind = a.individualism[i] as f64;
    let bridging = p.policy_bridging * takeup(a, &w.behaviour, p, i);
    for _ in 0..count {
        let (j, focus) = if s.chance(0.5 * bridging) {
            (s.below(n), Focus::Bridging)
        } else if s.chance((p.individualism_reach * ind).min(0.95)) {
            (s.below(n), Focus::Elective)
        } else {
            match focus_slot(w, i, &mut s) {
                Some(found) => found,
                None => continue,
            }
        };
        if !is_focus_draft(focus) {
            prefetch(&peers[j]);
        }
        out.push(Draft {
            i: i as u32,
            j: j as u32,
            focus,
        });
    }
}

fn is_focus_draft(focus: Focus) -> bool {
    matches!(focus, Focus::Neighbourhood | Focus::Work | Focus::Club)
}

/// Replaces each focus draft's member-list slot with the member, fetching the member's state.
fn resolve(w: &World, peers: &[Peer], drafts: &mut [Draft]) {
    for d in drafts {
        if is_focus_draft(d.focus) {
            d.j = membership(w, d.focus).members[d.j as usize];
            prefetch(&peers[d.j as usize]);
        }
    }
}

/// Whether the candidate takes up a draft: it must be of the kind the focus asks for
/// (across the income median for bridging; employed at work; a member or volunteer at the
/// club) and have room, then it accepts with `exp(−β·d)`, less if either side is closed off.
fn accepts(w: &World, peers: &[Peer], p: &Params, draft: &Draft, s: &mut Stream) -> bool {
    let (i, j) = (draft.i as usize, draft.j as usize);
    let (me, them) = (&peers[i], &peers[j]);
    let fits = match draft.focus {
        Focus::Bridging => (them.income_rank < 0.5) != (me.income_rank < 0.5),
        Focus::Work => them.has(EMPLOYED),
        Focus::Club => them.has(CLUB) || them.has(VOLUNTEER),
        _ => true,
    };
    if !fits || j == i || them.degree as usize >= w.ties.capacity {
        return false;
    }
    let beta = match draft.focus {
        Focus::Bridging => 0.3 * p.beta_focus,
        Focus::Elective => p.beta_choice * (0.5 + me.individualism as f64),
        _ => p.beta_focus,
    };
    let mut accept = (-beta * distance(me, them)).exp();
    if closed_off(me, them) {
        accept *= 1.0 - p.withdraw_closure;
    }
    s.chance(accept)
}

/// Agents per chunk of proposal generation: their drafts' candidates fit in cache.
const PROPOSAL_CHUNK: usize = 1 << 10;

pub fn form(w: &mut World, p: &Params) {
    let n = w.n();
    if n < 2 {
        return;
    }
    let peers = w.peers();
    let wr = &*w;
    // Per chunk of agents: draw every candidate first, then read the drawn focus-list slots,
    // then decide, each agent with its own acceptance stream; each step fetches what the next
    // reads. Chunks join in agent order.
    let accept_base = Stream::base(w.seed, w.step, Purpose::TieAcceptance);
    let chunks: Vec<Vec<Draft>> = (0..n.div_ceil(PROPOSAL_CHUNK))
        .into_par_iter()
        .map(|c| {
            let mut drafts = Vec::new();
            for i in c * PROPOSAL_CHUNK..n.min((c + 1) * PROPOSAL_CHUNK) {
                draw(wr, &peers, p, i, &mut drafts);
            }
            resolve(wr, &peers, &mut drafts);
            let mut stream = None;
            let mut current = u32::MAX;
            drafts.retain(|d| {
                if d.i != current {
                    current = d.i;
                    stream = Some(Stream::keyed(accept_base, d.i as u64));
                }
                let s = stream.as_mut().expect("opened for this agent");
                accepts(wr, &peers, p, d, s)
            });
            drafts.shrink_to_fit();
            drafts
        })
        .collect();
    // Accept in agent order, each only while both sides have room. The candidate's row is
    // a random read: fetch it a few proposals ahead.
    const AHEAD: usize = 8;
    let proposals = chunks.iter().flatten();
    let mut ahead = proposals.clone().skip(AHEAD);
    for d in proposals {
        if let Some(later) = ahead.next() {
            w.ties.prefetch_row(later.j as usize);
        }
        w.ties.link(d.i as usize, d.j as usize, d.focus);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::small_world;

    #[test]
    fn decay_and_formation_keep_ties_symmetric_and_bounded() {
        let (mut w, p) = small_world(2000, 12);
        for _ in 0..3 {
            decay(&mut w, &p);
            assert!(w.ties.is_symmetric());
            form(&mut w, &p);
            assert!(w.ties.is_symmetric());
            w.step += 1;
        }
        assert!(w
            .ties
            .degree
            .iter()
            .all(|&d| (d as usize) <= w.ties.capacity));
    }

    #[test]
    fn individualism_loosens_given_ties() {
        let go = |ind: f32| {
            let (mut w, p) = small_world(2000, 13);
            w.agents.individualism.iter_mut().for_each(|x| *x = ind);
            let given = |w: &World| {
                (0..w.n())
                    .map(|i| {
                        w.ties
                            .foci(i)
                            .iter()
                            .filter(|&&f| Focus::from_u8(f).is_given())
                            .count()
                    })
                    .sum::<usize>()
            };
            let before = given(&w);
            decay(&mut w, &p);
            before - given(&w)
        };
        assert!(go(1.0) > go(0.0));
    }
}
