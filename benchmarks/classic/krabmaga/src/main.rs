//! B1 (Schelling) and B2 (Deffuant) written the krABMaga 0.6.2 way: agents are `Box<dyn Agent>`
//! in the framework's `Schedule`, the world is a `State` holding the framework's fields
//! (`DenseGrid2D` for the town, `Network` for the ties). krABMaga has no random activation, so
//! `before_step` redraws every agent's ordering. Fields are double-buffered: agents see their
//! neighbourhood as it was at the start of the step, and write themselves back every step.
//!
//! Usage: `classic-krabmaga schelling|deffuant SIZE STEPS SEED`; prints one JSON object.

use krabmaga::engine::agent::Agent;
use krabmaga::engine::fields::dense_object_grid_2d::DenseGrid2D;
use krabmaga::engine::fields::field::Field;
use krabmaga::engine::fields::network::{EdgeOptions, Network};
use krabmaga::engine::location::Int2D;
use krabmaga::engine::schedule::Schedule;
use krabmaga::engine::state::State;
use krabmaga::rand::seq::SliceRandom;
use krabmaga::rand::{Rng, SeedableRng};
use krabmaga::rand_pcg::Pcg64Mcg;
use std::any::Any;
use std::fmt;
use std::hash::{Hash, Hasher};
use std::time::Instant;

fn main() {
    let args: Vec<String> = std::env::args().collect();
    if args.len() != 5 {
        eprintln!("usage: classic-krabmaga schelling|deffuant SIZE STEPS SEED");
        std::process::exit(2);
    }
    let size: usize = args[2].parse().expect("SIZE");
    let steps: usize = args[3].parse().expect("STEPS");
    let seed: u64 = args[4].parse().expect("SEED");
    match args[1].as_str() {
        "schelling" => schelling(size, steps, seed),
        "deffuant" => deffuant(size, steps, seed),
        other => {
            eprintln!("unknown model {other}");
            std::process::exit(2);
        }
    }
}

/// Draw a fresh random ordering for every scheduled agent: random activation.
fn shuffle_schedule(schedule: &mut Schedule, rng: &mut Pcg64Mcg) {
    for (_, priority) in schedule.events.iter_mut() {
        priority.ordering = rng.random();
    }
}

// ---------------------------------------------------------------- Schelling

#[derive(Clone, Copy)]
struct Resident {
    id: u32,
    group: u8,
    pos: Int2D,
}

impl PartialEq for Resident {
    fn eq(&self, other: &Self) -> bool {
        self.id == other.id
    }
}
impl Eq for Resident {}
impl Hash for Resident {
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.id.hash(state);
    }
}

struct Town {
    grid: DenseGrid2D<Resident>,
    side: i32,
    agents: usize,
    empties: Vec<Int2D>,
    rng: Pcg64Mcg,
}

impl Town {
    fn like_and_occupied(&self, pos: Int2D, group: u8) -> (u32, u32) {
        let (mut like, mut occupied) = (0, 0);
        for dx in -1..=1 {
            for dy in -1..=1 {
                if dx == 0 && dy == 0 {
                    continue;
                }
                let at = Int2D {
                    x: (pos.x + dx).rem_euclid(self.side),
                    y: (pos.y + dy).rem_euclid(self.side),
                };
                if let Some(others) = self.grid.get_objects(&at) {
                    for other in others {
                        occupied += 1;
                        like += (other.group == group) as u32;
                    }
                }
            }
        }
        (like, occupied)
    }
}

impl State for Town {
    fn init(&mut self, schedule: &mut Schedule) {
        let mut cells: Vec<Int2D> = (0..self.side)
            .flat_map(|x| (0..self.side).map(move |y| Int2D { x, y }))
            .collect();
        cells.shuffle(&mut self.rng);
        for (id, &pos) in cells[..self.agents].iter().enumerate() {
            let resident = Resident { id: id as u32, group: 1 + (id % 2) as u8, pos };
            self.grid.set_object_location(resident, &pos);
            schedule.schedule_repeating(Box::new(resident), 0.0, 0);
        }
        self.empties = cells[self.agents..].to_vec();
    }
    fn as_any_mut(&mut self) -> &mut dyn Any {
        self
    }
    fn as_any(&self) -> &dyn Any {
        self
    }
    fn as_state_mut(&mut self) -> &mut dyn State {
        self
    }
    fn as_state(&self) -> &dyn State {
        self
    }
    fn reset(&mut self) {}
    fn update(&mut self, _step: u64) {
        self.grid.lazy_update();
    }
    fn before_step(&mut self, schedule: &mut Schedule) {
        shuffle_schedule(schedule, &mut self.rng);
    }
}

impl Agent for Resident {
    fn step(&mut self, state: &mut dyn State) {
        let town = state.as_any_mut().downcast_mut::<Town>().expect("a Town");
        let (like, occupied) = town.like_and_occupied(self.pos, self.group);
        if 8 * like < 3 * occupied {
            // Empty cells are tracked by the model: the read buffer still shows this step's
            // leavers, so the grid alone cannot say which cells are free now.
            let k = town.rng.random_range(0..town.empties.len());
            std::mem::swap(&mut town.empties[k], &mut self.pos);
        }
        town.grid.set_object_location(*self, &self.pos);
    }
}

fn schelling(side: usize, steps: usize, seed: u64) {
    let started = Instant::now();
    let agents = side * side * 4 / 5;
    let mut town = Town {
        grid: DenseGrid2D::new(side as i32, side as i32),
        side: side as i32,
        agents,
        empties: Vec::new(),
        rng: Pcg64Mcg::seed_from_u64(seed),
    };
    let mut schedule = Schedule::new();
    town.init(&mut schedule);
    let setup = started.elapsed().as_secs_f64();
    let started = Instant::now();
    for _ in 0..steps {
        schedule.step(&mut town);
    }
    let run = started.elapsed().as_secs_f64();
    let (mut unhappy, mut share, mut counted) = (0usize, 0.0, 0usize);
    for x in 0..town.side {
        for y in 0..town.side {
            for r in town.grid.get_objects(&Int2D { x, y }).unwrap_or_default() {
                let (like, occupied) = town.like_and_occupied(r.pos, r.group);
                unhappy += (8 * like < 3 * occupied) as usize;
                if occupied > 0 {
                    share += like as f64 / occupied as f64;
                    counted += 1;
                }
            }
        }
    }
    println!(
        "{{\"model\":\"schelling\",\"framework\":\"krabmaga\",\"size\":{side},\"agents\":{agents},\"steps\":{steps},\"seed\":{seed},\"setup_s\":{setup},\"run_s\":{run},\"activations\":{},\"unhappy_share\":{},\"like_share\":{}}}",
        agents * steps,
        unhappy as f64 / agents as f64,
        share / counted as f64
    );
}

// ---------------------------------------------------------------- Deffuant

const EPSILON: f64 = 0.2;
const MU: f64 = 0.5;

#[derive(Clone, Copy, PartialEq, Eq, Hash)]
struct Person {
    id: u32,
}

impl fmt::Display for Person {
    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
        write!(f, "{}", self.id)
    }
}

struct Society {
    network: Network<Person, String>,
    /// Opinions live in the state: `Network::update_node` is only visible after the whole
    /// network is copied into the read buffer, too late for sequential interactions.
    opinion: Vec<f64>,
    agents: usize,
    rng: Pcg64Mcg,
}

impl State for Society {
    fn init(&mut self, schedule: &mut Schedule) {
        let n = self.agents;
        for id in 0..n as u32 {
            self.network.add_node(Person { id });
            schedule.schedule_repeating(Box::new(Person { id }), 0.0, 0);
        }
        // krABMaga has no Erdős–Rényi generator: draw G(N, M) by hand, add the edges.
        let m = 10 * n;
        let mut keys: Vec<u64> = Vec::with_capacity(m);
        while keys.len() < m {
            while keys.len() < m {
                let a = self.rng.random_range(0..n as u64);
                let b = self.rng.random_range(0..n as u64);
                if a != b {
                    keys.push(a.min(b) << 32 | a.max(b));
                }
            }
            keys.sort_unstable();
            keys.dedup();
        }
        for k in keys {
            let (a, b) = ((k >> 32) as u32, (k & 0xffff_ffff) as u32);
            self.network
                .add_edge(Person { id: a }, Person { id: b }, EdgeOptions::Simple);
        }
        self.network.update();
        self.opinion = (0..n).map(|_| self.rng.random()).collect();
    }
    fn as_any_mut(&mut self) -> &mut dyn Any {
        self
    }
    fn as_any(&self) -> &dyn Any {
        self
    }
    fn as_state_mut(&mut self) -> &mut dyn State {
        self
    }
    fn as_state(&self) -> &dyn State {
        self
    }
    fn reset(&mut self) {}
    // The ties never change, so the network's read buffer needs no refresh between steps.
    fn update(&mut self, _step: u64) {}
    fn before_step(&mut self, schedule: &mut Schedule) {
        shuffle_schedule(schedule, &mut self.rng);
    }
}

impl Agent for Person {
    fn step(&mut self, state: &mut dyn State) {
        let society = state.as_any_mut().downcast_mut::<Society>().expect("a Society");
        let Some(edges) = society.network.get_edges(*self) else {
            return;
        };
        if edges.is_empty() {
            return;
        }
        let edge = &edges[society.rng.random_range(0..edges.len())];
        let (i, j) = (self.id as usize, edge.v as usize);
        let difference = society.opinion[j] - society.opinion[i];
        if difference.abs() < EPSILON {
            society.opinion[i] += MU * difference;
            society.opinion[j] -= MU * difference;
        }
    }
}

fn deffuant(n: usize, steps: usize, seed: u64) {
    let started = Instant::now();
    let mut society = Society {
        network: Network::new(false),
        opinion: Vec::new(),
        agents: n,
        rng: Pcg64Mcg::seed_from_u64(seed),
    };
    let mut schedule = Schedule::new();
    society.init(&mut schedule);
    let setup = started.elapsed().as_secs_f64();
    let started = Instant::now();
    for _ in 0..steps {
        schedule.step(&mut society);
    }
    let run = started.elapsed().as_secs_f64();
    let mut x = society.opinion.clone();
    x.sort_unstable_by(f64::total_cmp);
    let (mut clusters, mut large, mut size) = (1, 0, 1);
    for w in x.windows(2) {
        if w[1] - w[0] > 0.05 {
            large += (size * 20 >= n) as usize;
            clusters += 1;
            size = 0;
        }
        size += 1;
    }
    large += (size * 20 >= n) as usize;
    println!(
        "{{\"model\":\"deffuant\",\"framework\":\"krabmaga\",\"size\":{n},\"agents\":{n},\"steps\":{steps},\"seed\":{seed},\"setup_s\":{setup},\"run_s\":{run},\"activations\":{},\"clusters\":{clusters},\"large_clusters\":{large}}}",
        n * steps
    );
}
