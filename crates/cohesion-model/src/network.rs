//! The tie network: a fixed-capacity adjacency (each agent has `capacity` slots), so memory
//! is `N × capacity × 5` bytes and never reallocates, and a row can be rewritten by its owner
//! alone during parallel updates.

/// Where a tie was formed. Given ties (neighbourhood, club) loosen with individualism;
/// elective ties reach beyond one's origin.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[repr(u8)]
pub enum Focus {
    Neighbourhood = 0,
    Work = 1,
    Club = 2,
    Elective = 3,
    Bridging = 4,
}

impl Focus {
    pub fn from_u8(v: u8) -> Focus {
        match v {
            0 => Focus::Neighbourhood,
            1 => Focus::Work,
            2 => Focus::Club,
            3 => Focus::Elective,
            _ => Focus::Bridging,
        }
    }

    pub fn is_given(self) -> bool {
        matches!(self, Focus::Neighbourhood | Focus::Club)
    }
}

#[derive(Debug, Clone)]
pub struct Ties {
    pub capacity: usize,
    pub partner: Vec<u32>,
    pub focus: Vec<u8>,
    pub degree: Vec<u8>,
}

impl Ties {
    pub fn new(n: usize, capacity: usize) -> Ties {
        let capacity = capacity.clamp(1, 255);
        Ties {
            capacity,
            partner: vec![0; n * capacity],
            focus: vec![0; n * capacity],
            degree: vec![0; n],
        }
    }

    pub fn n(&self) -> usize {
        self.degree.len()
    }

    #[inline]
    pub fn partners(&self, i: usize) -> &[u32] {
        let k = self.capacity;
        &self.partner[i * k..i * k + self.degree[i] as usize]
    }

    #[inline]
    pub fn foci(&self, i: usize) -> &[u8] {
        let k = self.capacity;
        &self.focus[i * k..i * k + self.degree[i] as usize]
    }

    pub fn has_room(&self, i: usize) -> bool {
        (self.degree[i] as usize) < self.capacity
    }

    pub fn connected(&self, i: usize, j: usize) -> bool {
        self.partners(i).contains(&(j as u32))
    }

    /// Fetch agent i's degree and row ahead of a [`Ties::link`] that will read them (both
    /// ends of each row: a row of partners is longer than a cache line).
    pub fn prefetch_row(&self, i: usize) {
        use crate::prefetch::prefetch;
        let (first, last) = (i * self.capacity, (i + 1) * self.capacity - 1);
        prefetch(&self.degree[i]);
        prefetch(&self.partner[first]);
        prefetch(&self.partner[last]);
        prefetch(&self.focus[first]);
        prefetch(&self.focus[last]);
    }

    /// Add the tie i–j on both sides if both have room and it is new; returns whether added.
    pub fn link(&mut self, i: usize, j: usize, focus: Focus) -> bool {
        if i == j || !self.has_room(i) || !self.has_room(j) || self.connected(i, j) {
            return false;
        }
        for (a, b) in [(i, j), (j, i)] {
            let slot = a * self.capacity + self.degree[a] as usize;
            self.partner[slot] = b as u32;
            self.focus[slot] = focus as u8;
            self.degree[a] += 1;
        }
        true
    }

    /// Remove j from i's row (one side only; callers keep both sides consistent).
    pub fn unlink_one_side(&mut self, i: usize, j: usize) {
        let k = self.capacity;
        let d = self.degree[i] as usize;
        let row = &mut self.partner[i * k..i * k + d];
        if let Some(pos) = row.iter().position(|&p| p as usize == j) {
            row.swap(pos, d - 1);
            self.focus.swap(i * k + pos, i * k + d - 1);
            self.degree[i] -= 1;
        }
    }

    /// Remove every tie of agent i (both sides).
    pub fn isolate(&mut self, i: usize) {
        let partners: Vec<u32> = self.partners(i).to_vec();
        for j in partners {
            self.unlink_one_side(j as usize, i);
        }
        self.degree[i] = 0;
    }

    /// Every tie appears in both rows: the invariant the parallel updates must keep.
    pub fn is_symmetric(&self) -> bool {
        (0..self.n()).all(|i| {
            self.partners(i).iter().zip(self.foci(i)).all(|(&j, &f)| {
                let j = j as usize;
                j != i
                    && self
                        .partners(j)
                        .iter()
                        .zip(self.foci(j))
                        .any(|(&b, &g)| b as usize == i && g == f)
            })
        })
    }

    pub fn total_ties(&self) -> usize {
        self.degree.iter().map(|&d| d as usize).sum::<usize>() / 2
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #[test]
        fn links_and_unlinks_keep_the_network_symmetric_and_bounded(
            ops in proptest::collection::vec((0usize..30, 0usize..30, 0u8..5, any::<bool>()), 0..400)
        ) {
            let mut t = Ties::new(30, 4);
            for (i, j, f, add) in ops {
                if add {
                    t.link(i, j, Focus::from_u8(f));
                } else {
                    t.isolate(i);
                }
                let _ = j;
            }
            prop_assert!(t.is_symmetric());
            prop_assert!(t.degree.iter().all(|&d| d as usize <= 4));
        }
    }

    #[test]
    fn link_refuses_duplicates_self_ties_and_full_rows() {
        let mut t = Ties::new(4, 2);
        assert!(t.link(0, 1, Focus::Work));
        assert!(!t.link(1, 0, Focus::Club));
        assert!(!t.link(2, 2, Focus::Club));
        assert!(t.link(0, 2, Focus::Club));
        assert!(!t.link(0, 3, Focus::Club), "row 0 is full");
        assert_eq!(t.total_ties(), 2);
    }
}
