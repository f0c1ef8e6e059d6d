//! Schelling segregation on an L×L torus with the Moore neighbourhood (benchmark B1).
//!
//! An agent is happy when at least 3/8 (0.375) of its occupied neighbours belong to its own
//! group, or when it has no neighbours; the test is done in integers (`8·like ≥ 3·occupied`),
//! so it is exact. An unhappy agent moves to a uniformly random empty cell.
//!
//! Two schedules:
//! * sequential: each step activates every agent once in a fresh random order, each agent
//!   seeing the moves made before it in the same step (the benchmark as specified);
//! * parallel: each step every agent judges its neighbourhood as it was at the start of the
//!   step; every unhappy agent proposes a random empty cell with a random priority; each empty
//!   cell goes to its highest-priority proposer, losers stay put until the next step, and cells
//!   vacated during the step become available only in the next one.

use crate::Schedule;
use cohesion_model::rng::{Purpose, Stream};
use rayon::prelude::*;

pub const EMPTY: u8 = 0;
const VACANT: u32 = u32::MAX;
/// The share of occupied cells (benchmarks.md: 80 %), as a fraction 4/5.
pub const DENSITY_NUM: usize = 4;
pub const DENSITY_DEN: usize = 5;
/// The largest grid side accepted (2.7·10⁸ cells, about 4 GB of state).
pub const MAX_SIDE: usize = 16_384;
/// Cells handed to one parallel task when scanning the grid.
const ROWS_PER_TASK: usize = 8;

/// The town: the grid (group per cell, `EMPTY` for none, and the occupant's id), the agents
/// as structure of arrays, and the list of empty cells for O(1) uniform draws.
#[derive(Clone, Debug, PartialEq)]
pub struct Town {
    pub side: usize,
    /// Group of the cell's occupant (1 or 2), or `EMPTY`.
    pub cell: Vec<u8>,
    /// The occupant's agent id, or `u32::MAX` for an empty cell.
    pub occupant: Vec<u32>,
    pub agent_cell: Vec<u32>,
    pub agent_group: Vec<u8>,
    pub empties: Vec<u32>,
    /// The activation order, reshuffled every sequential step (kept to avoid reallocating).
    order: Vec<u32>,
}

/// The sanity outputs of B1.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Segregation {
    /// Share of agents that are unhappy.
    pub unhappy_share: f64,
    /// Mean, over agents with at least one neighbour, of the share of like neighbours.
    pub like_share: f64,
}

impl Town {
    /// A random town: ⌊0.8·L²⌋ agents, groups alternating (exactly 50/50 up to one agent),
    /// placed on uniformly random cells.
    pub fn new(side: usize, seed: u64) -> Result<Town, String> {
        check_side(side)?;
        let cells = side * side;
        let agents = cells * DENSITY_NUM / DENSITY_DEN;
        let mut layout: Vec<u32> = (0..cells as u32).collect();
        shuffle(
            &mut layout,
            &mut Stream::new(seed, 0, 0, Purpose::ClassicSetup),
        );
        let mut grid = vec![EMPTY; cells];
        for (agent, &c) in layout[..agents].iter().enumerate() {
            grid[c as usize] = 1 + (agent % 2) as u8;
        }
        // Agent ids follow the shuffled layout so that agent i sits on layout[i].
        let mut town = Town::from_cells(side, &grid)?;
        town.agent_cell = layout[..agents].to_vec();
        town.agent_group = (0..agents).map(|a| 1 + (a % 2) as u8).collect();
        for (a, &c) in town.agent_cell.iter().enumerate() {
            town.occupant[c as usize] = a as u32;
        }
        town.empties = layout[agents..].to_vec();
        Ok(town)
    }

    /// A town from a hand-built grid (row-major, `EMPTY`, 1 or 2 per cell); agents are
    /// numbered in cell order.
    pub fn from_cells(side: usize, grid: &[u8]) -> Result<Town, String> {
        check_side(side)?;
        if grid.len() != side * side {
            return Err(format!(
                "grid has {} cells, expected {}",
                grid.len(),
                side * side
            ));
        }
        if let Some(bad) = grid.iter().find(|&&g| g > 2) {
            return Err(format!("cell value {bad} is not 0 (empty), 1 or 2"));
        }
        let mut town = Town {
            side,
            cell: grid.to_vec(),
            occupant: vec![VACANT; grid.len()],
            agent_cell: Vec::new(),
            agent_group: Vec::new(),
            empties: Vec::new(),
            order: Vec::new(),
        };
        for (c, &g) in grid.iter().enumerate() {
            if g == EMPTY {
                town.empties.push(c as u32);
            } else {
                town.occupant[c] = town.agent_cell.len() as u32;
                town.agent_cell.push(c as u32);
                town.agent_group.push(g);
            }
        }
        Ok(town)
    }

    pub fn agents(&self) -> usize {
        self.agent_cell.len()
    }

    /// Like and occupied neighbours of cell `c` for group `group` (Moore, wrapping).
    #[inline]
    pub fn neighbours(&self, c: usize, group: u8) -> (u32, u32) {
        self.neighbours_at(c / self.side, c % self.side, group)
    }

    /// Like and occupied neighbours of the cell in row `y`, column `x`.
    #[inline]
    fn neighbours_at(&self, y: usize, x: usize, group: u8) -> (u32, u32) {
        let l = self.side;
        let xs = [
            if x == 0 { l - 1 } else { x - 1 },
            x,
            if x + 1 == l { 0 } else { x + 1 },
        ];
        let rows = [
            if y == 0 { l - 1 } else { y - 1 } * l,
            y * l,
            if y + 1 == l { 0 } else { y + 1 } * l,
        ];
        let (mut like, mut occupied) = (0, 0);
        for (r, &row) in rows.iter().enumerate() {
            for (k, &xx) in xs.iter().enumerate() {
                if r == 1 && k == 1 {
                    continue;
                }
                let g = self.cell[row + xx];
                occupied += (g != EMPTY) as u32;
                like += (g == group) as u32;
            }
        }
        (like, occupied)
    }

    /// Whether an agent of `group` on cell `c` is happy (exact integer form of ≥ 0.375).
    #[inline]
    pub fn happy_at(&self, c: usize, group: u8) -> bool {
        let (like, occupied) = self.neighbours(c, group);
        8 * like >= 3 * occupied
    }

    pub fn is_happy(&self, agent: usize) -> bool {
        self.happy_at(self.agent_cell[agent] as usize, self.agent_group[agent])
    }

    /// Move `agent` into the empty cell listed at `slot`; its old cell takes that slot.
    #[inline]
    fn move_to_slot(&mut self, agent: usize, slot: usize) {
        let from = self.agent_cell[agent] as usize;
        let to = self.empties[slot] as usize;
        self.empties[slot] = from as u32;
        self.cell[to] = self.agent_group[agent];
        self.cell[from] = EMPTY;
        self.occupant[to] = agent as u32;
        self.occupant[from] = VACANT;
        self.agent_cell[agent] = to as u32;
    }

    /// One step of the given schedule; returns the number of agents that moved.
    pub fn step(&mut self, schedule: Schedule, seed: u64, step: u64) -> usize {
        match schedule {
            Schedule::Sequential => self.step_sequential(seed, step),
            Schedule::Parallel => self.step_parallel(seed, step),
        }
    }

    /// Every agent once, in a fresh random order, each seeing the moves before it.
    pub fn step_sequential(&mut self, seed: u64, step: u64) -> usize {
        if self.order.len() != self.agents() {
            self.order = (0..self.agents() as u32).collect();
        }
        let mut rng = Stream::new(seed, step, u64::MAX, Purpose::ClassicStep);
        // Shuffling last step's order gives a uniform permutation just as the identity would.
        let mut order = std::mem::take(&mut self.order);
        shuffle(&mut order, &mut rng);
        let mut moved = 0;
        if !self.empties.is_empty() {
            for &a in &order {
                let a = a as usize;
                if !self.is_happy(a) {
                    let slot = rng.below(self.empties.len());
                    self.move_to_slot(a, slot);
                    moved += 1;
                }
            }
        }
        self.order = order;
        moved
    }

    /// Synchronous perception, then each empty cell to its highest-priority proposer.
    pub fn step_parallel(&mut self, seed: u64, step: u64) -> usize {
        if self.empties.is_empty() {
            return 0;
        }
        let l = self.side;
        let unhappy: Vec<u32> = (0..l.div_ceil(ROWS_PER_TASK))
            .into_par_iter()
            .flat_map_iter(|block| {
                let rows = block * ROWS_PER_TASK..((block + 1) * ROWS_PER_TASK).min(l);
                rows.flat_map(move |y| (0..l).map(move |x| (y, x)))
                    .filter_map(|(y, x)| {
                        let c = y * l + x;
                        let g = self.cell[c];
                        if g == EMPTY {
                            return None;
                        }
                        let (like, occupied) = self.neighbours_at(y, x, g);
                        (8 * like < 3 * occupied).then_some(self.occupant[c])
                    })
            })
            .collect();
        if unhappy.is_empty() {
            return 0;
        }
        let base = Stream::base(seed, step, Purpose::ClassicStep);
        let free = self.empties.len();
        // (slot, priority, agent): unique keys, so the sorted order is the same for any split.
        let mut proposals: Vec<(u32, u64, u32)> = unhappy
            .par_iter()
            .map(|&a| {
                let mut rng = Stream::keyed(base, a as u64);
                (rng.below(free) as u32, rng.next_u64(), a)
            })
            .collect();
        proposals.par_sort_unstable();
        let mut moved = 0;
        let mut last_slot = u32::MAX;
        for &(slot, _, agent) in &proposals {
            if slot != last_slot {
                last_slot = slot;
                self.move_to_slot(agent as usize, slot as usize);
                moved += 1;
            }
        }
        moved
    }

    /// The share of unhappy agents and the mean share of like neighbours. Summed in fixed
    /// blocks, then the blocks in order, so the result does not depend on the thread count.
    pub fn segregation(&self) -> Segregation {
        let blocks: Vec<(usize, f64, usize)> = self
            .agent_cell
            .par_chunks(4096)
            .zip(self.agent_group.par_chunks(4096))
            .map(|(cells, groups)| {
                let (mut unhappy, mut share, mut counted) = (0, 0.0, 0);
                for (&c, &g) in cells.iter().zip(groups) {
                    let (like, occupied) = self.neighbours(c as usize, g);
                    unhappy += (8 * like < 3 * occupied) as usize;
                    if occupied > 0 {
                        share += like as f64 / occupied as f64;
                        counted += 1;
                    }
                }
                (unhappy, share, counted)
            })
            .collect();
        let unhappy: usize = blocks.iter().map(|b| b.0).sum();
        let share: f64 = blocks.iter().map(|b| b.1).sum();
        let counted: usize = blocks.iter().map(|b| b.2).sum();
        Segregation {
            unhappy_share: unhappy as f64 / self.agents().max(1) as f64,
            like_share: if counted == 0 {
                0.0
            } else {
                share / counted as f64
            },
        }
    }

    /// Agents per group (index 1 and 2), counted from the grid.
    pub fn group_counts(&self) -> [usize; 3] {
        let mut counts = [0; 3];
        for &g in &self.cell {
            counts[g as usize] += 1;
        }
        counts
    }

    /// The grid, the occupants, the agents and the empty list describe the same town.
    pub fn is_consistent(&self) -> bool {
        let agents_ok = self.agent_cell.iter().enumerate().all(|(a, &c)| {
            self.occupant[c as usize] == a as u32 && self.cell[c as usize] == self.agent_group[a]
        });
        let mut listed = vec![false; self.cell.len()];
        let empties_ok = self.empties.iter().all(|&c| {
            let fresh = !listed[c as usize];
            listed[c as usize] = true;
            fresh && self.cell[c as usize] == EMPTY && self.occupant[c as usize] == VACANT
        });
        agents_ok && empties_ok && self.agents() + self.empties.len() == self.cell.len()
    }
}

fn check_side(side: usize) -> Result<(), String> {
    // Below 3 a cell would count one neighbour twice; the upper bound keeps the town within
    // a few GB (9 bytes per cell plus 9 per agent).
    if !(3..=MAX_SIDE).contains(&side) {
        return Err(format!("grid side {side} is out of range 3..={MAX_SIDE}"));
    }
    Ok(())
}

/// Fisher–Yates shuffle driven by a counter-based stream.
pub fn shuffle<T>(items: &mut [T], rng: &mut Stream) {
    for i in (1..items.len()).rev() {
        items.swap(i, rng.below(i + 1));
    }
}
