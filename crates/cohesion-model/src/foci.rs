//! Foci: the neighbourhoods, workplaces and clubs where ties form (Feld 1981). Focus sizes
//! are fixed regardless of N, so a tie's opportunity structure is the same at any scale.
//! Neighbourhoods sort by wealth and education (residential sorting, which makes part of
//! homophily "induced" rather than chosen); workplaces sort by education; clubs only weakly.
//! Every agent holds a place in each focus; whether it meets people there depends on its
//! flags (employed, club member or volunteer), so joining or leaving needs no rebuild.

use crate::agents::*;
use crate::rng::{Purpose, Stream};
use rayon::prelude::*;

/// Members of each focus, as offsets into one array (CSR).
#[derive(Debug, Clone, Default)]
pub struct Membership {
    pub offsets: Vec<u32>,
    pub members: Vec<u32>,
}

impl Membership {
    fn build(assignment: &[u32], count: usize) -> Membership {
        let mut offsets = vec![0u32; count + 1];
        for &f in assignment {
            if f != NO_FOCUS {
                offsets[f as usize + 1] += 1;
            }
        }
        for k in 0..count {
            offsets[k + 1] += offsets[k];
        }
        let mut fill = offsets.clone();
        let mut members = vec![0u32; offsets[count] as usize];
        for (i, &f) in assignment.iter().enumerate() {
            if f != NO_FOCUS {
                members[fill[f as usize] as usize] = i as u32;
                fill[f as usize] += 1;
            }
        }
        Membership { offsets, members }
    }

    pub fn of(&self, focus: u32) -> &[u32] {
        &self.members[self.span(focus)]
    }

    /// Where a focus's members lie in `members` (empty for [`NO_FOCUS`]).
    pub fn span(&self, focus: u32) -> std::ops::Range<usize> {
        if focus == NO_FOCUS {
            return 0..0;
        }
        let f = focus as usize;
        self.offsets[f] as usize..self.offsets[f + 1] as usize
    }
}

#[derive(Debug, Clone, Default)]
pub struct Foci {
    pub neighbourhoods: Membership,
    pub workplaces: Membership,
    pub clubs: Membership,
}

/// Cut agents, sorted by a key, into consecutive foci of `size`.
fn sorted_blocks(keys: Vec<(f64, u32)>, size: usize, out: &mut [u32]) -> usize {
    let mut keys = keys;
    // Indices break ties, so the order is unique and the parallel sort's is the same.
    keys.par_sort_unstable_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
    let size = size.max(1);
    for (rank, (_, i)) in keys.iter().enumerate() {
        out[*i as usize] = (rank / size) as u32;
    }
    keys.len().div_ceil(size)
}

/// Foci of `size` cut from all agents sorted on `key`: each agent's focus, and the lists.
fn cut(n: usize, size: f64, key: impl Fn(usize) -> f64 + Sync) -> (Vec<u32>, Membership) {
    let keys = (0..n).into_par_iter().map(|i| (key(i), i as u32)).collect();
    let mut focus = vec![NO_FOCUS; n];
    let count = sorted_blocks(keys, size as usize, &mut focus);
    let lists = Membership::build(&focus, count);
    (focus, lists)
}

/// Assign every agent to its foci and build the membership lists.
pub fn assign(
    a: &mut Agents,
    seed: u64,
    neighbourhood: f64,
    workplace: f64,
    club: f64,
    sorting: f64,
) -> Foci {
    let n = a.len();
    let mut wealth_rank: Vec<(f32, u32)> = a
        .wealth
        .par_iter()
        .enumerate()
        .map(|(i, &w)| (w, i as u32))
        .collect();
    wealth_rank.par_sort_unstable_by(|x, y| x.0.total_cmp(&y.0).then(x.1.cmp(&y.1)));
    let mut wr = vec![0.0f64; n];
    for (r, (_, i)) in wealth_rank.iter().enumerate() {
        wr[*i as usize] = r as f64 / n.max(1) as f64;
    }
    let noise = |i: usize, k: u64| Stream::new(seed, k, i as u64, Purpose::Foci).normal();
    let (hood, neighbourhoods) = cut(n, neighbourhood, |i| {
        sorting * (wr[i] - 0.5 + 0.25 * (a.edu[i] as f64 - 1.0)) + noise(i, 1)
    });
    let (work, workplaces) = cut(n, workplace, |i| a.edu[i] as f64 + noise(i, 2));
    let (clubs_of, clubs) = cut(n, club, |i| 0.4 * (a.edu[i] as f64) + noise(i, 3));
    a.neighbourhood = hood;
    a.workplace = work;
    a.club = clubs_of;
    Foci {
        neighbourhoods,
        workplaces,
        clubs,
    }
}

/// Store agents neighbourhood by neighbourhood (in their order within it), so a
/// neighbourhood's members, and the ties formed among them, lie together in memory; work,
/// club and elective ties still reach anywhere. Returns the foci for the new numbering.
/// Call before anything else refers to agents by index.
pub fn renumber_by_neighbourhood(a: &mut Agents, foci: &Foci) -> Foci {
    let n = a.len();
    let mut order: Vec<u32> = foci.neighbourhoods.members.clone();
    if order.len() < n {
        let mut placed = vec![false; n];
        order.iter().for_each(|&i| placed[i as usize] = true);
        order.extend((0..n as u32).filter(|&i| !placed[i as usize]));
    }
    a.permute(&order);
    let count = |m: &Membership| m.offsets.len().saturating_sub(1);
    Foci {
        neighbourhoods: Membership::build(&a.neighbourhood, count(&foci.neighbourhoods)),
        workplaces: Membership::build(&a.workplace, count(&foci.workplaces)),
        clubs: Membership::build(&a.club, count(&foci.clubs)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn membership_lists_every_assigned_agent_once() {
        let assignment = vec![1, 0, NO_FOCUS, 1, 2, 0];
        let m = Membership::build(&assignment, 3);
        assert_eq!(m.of(0), &[1, 5]);
        assert_eq!(m.of(1), &[0, 3]);
        assert_eq!(m.of(2), &[4]);
        assert!(m.of(NO_FOCUS).is_empty());
        assert_eq!(m.members.len(), 5);
    }

    #[test]
    fn renumbering_keeps_every_agent_and_focus_and_makes_neighbourhoods_contiguous() {
        let n = 3000;
        let mut a = Agents::with_len(n);
        for i in 0..n {
            a.wealth[i] = ((i * 7919) % n) as f32;
            a.edu[i] = (i % 3) as u8;
            a.income[i] = i as f32;
        }
        let foci = assign(&mut a, 5, 150.0, 60.0, 40.0, 1.0);
        // Each agent (known by its income) with its three foci.
        let members = |a: &Agents| -> Vec<(u32, u32, u32, u32)> {
            (0..n)
                .map(|i| {
                    let place = (a.neighbourhood[i], a.workplace[i], a.club[i]);
                    (a.income[i] as u32, place.0, place.1, place.2)
                })
                .collect()
        };
        let before = members(&a);
        let renumbered = renumber_by_neighbourhood(&mut a, &foci);
        let mut after = members(&a);
        after.sort_unstable();
        assert_eq!(after, before, "the same agents with the same foci");
        assert!(a.neighbourhood.windows(2).all(|w| w[0] <= w[1]));
        for (old, new) in [
            (&foci.neighbourhoods, &renumbered.neighbourhoods),
            (&foci.workplaces, &renumbered.workplaces),
            (&foci.clubs, &renumbered.clubs),
        ] {
            assert_eq!(old.offsets, new.offsets, "focus sizes are unchanged");
        }
        for f in 0..renumbered.workplaces.offsets.len() as u32 - 1 {
            assert!(renumbered
                .workplaces
                .of(f)
                .iter()
                .all(|&i| a.workplace[i as usize] == f));
        }
    }

    #[test]
    fn blocks_have_the_fixed_size() {
        let keys: Vec<(f64, u32)> = (0..1000)
            .map(|i| (((i * 7919) % 1000) as f64, i as u32))
            .collect();
        let mut out = vec![0; 1000];
        let count = sorted_blocks(keys, 150, &mut out);
        assert_eq!(count, 7);
        let m = Membership::build(&out, count);
        assert!((0..6).all(|f| m.of(f).len() == 150));
        assert_eq!(m.of(6).len(), 100);
    }
}
