//! The runs of an experiment: futures × packages × design points × replications, numbered in
//! that order (future slowest), each with a seed derived from the experiment seed and its id.

use crate::spec::{DesignKind, Experiment};
use cohesion_explore::design;
use cohesion_model::Params;

/// One run: which future, package, design point and replication, and its seed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Run {
    pub id: u32,
    pub future: usize,
    pub package: usize,
    pub point: usize,
    pub replication: u32,
    pub seed: u64,
}

/// The design points (uncertain parameter values, in factor order) and the run count.
#[derive(Debug, Clone)]
pub struct Plan {
    pub points: Vec<Vec<f64>>,
    pub futures: usize,
    pub packages: usize,
    pub replications: u32,
    pub seed: u64,
}

/// The seed of a run: a hash of the experiment seed and the run id only, so a run's result
/// does not depend on the shard, worker or order that ran it.
pub fn run_seed(experiment_seed: u64, run_id: u32) -> u64 {
    // The tag keeps run seeds apart from any other use of the same experiment seed.
    const TAG: u64 = 0x6578_7065_7269_6d74; // "experimt"
    cohesion_model::rng::key(&[TAG, experiment_seed, run_id as u64])
}

impl Plan {
    pub fn new(e: &Experiment) -> Plan {
        let d = &e.design;
        // The design's own randomness is keyed by the experiment seed, so the points are the
        // same on every shard.
        let design_seed = cohesion_model::rng::key(&[e.seed, 0x00de_519e]);
        let points = match d.kind {
            DesignKind::None => vec![Vec::new()],
            DesignKind::FullFactorial => design::full_factorial(&e.factors, d.levels),
            DesignKind::LatinHypercube => {
                design::latin_hypercube(&e.factors, d.samples, design_seed)
            }
            DesignKind::Sobol => design::saltelli(&e.factors, d.samples, design_seed),
            DesignKind::Morris => design::morris(&e.factors, d.samples, d.levels, design_seed),
        };
        Plan {
            points,
            futures: e.futures.len(),
            packages: e.packages.len(),
            replications: e.replications,
            seed: e.seed,
        }
    }

    /// The number of runs, or `None` when it does not fit the run-id type.
    pub fn count(&self) -> Option<u32> {
        let n = (self.futures as u128)
            * (self.packages as u128)
            * (self.points.len() as u128)
            * (self.replications as u128);
        u32::try_from(n).ok().filter(|&n| n < u32::MAX)
    }

    pub fn run(&self, id: u32) -> Run {
        let r = self.replications as usize;
        let d = self.points.len();
        let mut rest = id as usize;
        let replication = (rest % r) as u32;
        rest /= r;
        let point = rest % d;
        rest /= d;
        let package = rest % self.packages;
        let future = rest / self.packages;
        Run {
            id,
            future,
            package,
            point,
            replication,
            seed: run_seed(self.seed, id),
        }
    }

    /// The 2025 parameters of a design point: defaults with the uncertain values set.
    pub fn base_params(&self, e: &Experiment, point: usize) -> Params {
        let mut p = Params::default();
        for (f, v) in e.factors.iter().zip(&self.points[point]) {
            // Factor ranges are checked against the parameter ranges on load; a design may
            // still land a hair outside through rounding, so clamp before setting.
            let spec = Params::spec(&f.name).expect("checked on load");
            p.set(&f.name, v.clamp(spec.min, spec.max))
                .expect("clamped into range");
        }
        p
    }
}

/// Which runs a shard owns: shard `i` of `n` (1-based) takes ids with `id % n == i − 1`, so
/// shards interleave and each gets a fair mix of slow and fast runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Shard {
    pub index: u32,
    pub count: u32,
}

impl Shard {
    pub const ALL: Shard = Shard { index: 1, count: 1 };

    pub fn parse(s: &str) -> Result<Shard, String> {
        let (i, n) = s
            .split_once('/')
            .ok_or_else(|| format!("`{s}`: a shard is written I/N, for example 2/8"))?;
        let i: u32 = i
            .trim()
            .parse()
            .map_err(|_| format!("`{s}`: `{i}` is not a whole number"))?;
        let n: u32 = n
            .trim()
            .parse()
            .map_err(|_| format!("`{s}`: `{n}` is not a whole number"))?;
        if n == 0 || i == 0 || i > n {
            return Err(format!(
                "`{s}`: I must be between 1 and N, and N at least 1"
            ));
        }
        Ok(Shard { index: i, count: n })
    }

    pub fn owns(&self, id: u32) -> bool {
        id % self.count == self.index - 1
    }

    pub fn is_all(&self) -> bool {
        self.count == 1
    }

    /// The sub-folder a shard writes to inside the results folder.
    pub fn folder_name(&self) -> String {
        format!("shard-{}-of-{}", self.index, self.count)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn plan(f: usize, p: usize, d: usize, r: u32) -> Plan {
        Plan {
            points: vec![Vec::new(); d],
            futures: f,
            packages: p,
            replications: r,
            seed: 9,
        }
    }

    proptest! {
        #[test]
        fn run_ids_decode_to_distinct_cells(f in 1usize..5, p in 1usize..5, d in 1usize..6, r in 1u32..4) {
            let pl = plan(f, p, d, r);
            let n = pl.count().unwrap();
            let mut seen = std::collections::HashSet::new();
            for id in 0..n {
                let run = pl.run(id);
                prop_assert!(run.future < f && run.package < p && run.point < d && run.replication < r);
                prop_assert!(seen.insert((run.future, run.package, run.point, run.replication)));
            }
        }

        #[test]
        fn shards_partition_the_runs(n in 1u32..12, runs in 0u32..200) {
            for id in 0..runs {
                let owners = (1..=n).filter(|&i| Shard { index: i, count: n }.owns(id)).count();
                prop_assert_eq!(owners, 1);
            }
        }
    }

    #[test]
    fn seeds_depend_on_the_run_id_and_experiment_seed_only() {
        let a = plan(2, 2, 3, 2);
        let mut b = plan(2, 2, 3, 2);
        assert_eq!(a.run(7).seed, b.run(7).seed);
        assert_ne!(a.run(7).seed, a.run(8).seed);
        b.seed = 10;
        assert_ne!(a.run(7).seed, b.run(7).seed);
    }

    #[test]
    fn shard_syntax_is_checked() {
        assert_eq!(Shard::parse("2/8").unwrap(), Shard { index: 2, count: 8 });
        for bad in ["0/3", "4/3", "1/0", "x/2", "3"] {
            assert!(Shard::parse(bad).is_err(), "{bad}");
        }
    }
}
