//! How many timed runs a b3 or b4 figure is the median of, and the spread of those runs.
//! The benchmark specification asks for the median of at least 5 runs, or 3 for runs over a
//! minute; which of the two applies is decided once the first run's wall time is known.

use super::median;
use serde::{Deserialize, Serialize};

/// A run taking longer than this (wall time, seconds) counts as "over a minute".
pub const LONG_RUN_S: f64 = 60.0;
/// Runs per figure when the first run is short.
pub const SHORT_RUNS: usize = 5;
/// Runs per figure when the first run is over a minute.
pub const LONG_RUNS: usize = 3;

/// The number of runs asked for: a fixed count (`--repeats N`, or a `--quick` default) or the
/// specification's rule.
#[derive(Serialize, Deserialize, Debug, Clone, Copy, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum Runs {
    Fixed(usize),
    Rule,
}

impl Runs {
    /// `--repeats N` wins; otherwise `quick` (the `--quick` default of this benchmark, if any);
    /// otherwise the rule.
    pub fn from_args(repeats: Option<usize>, quick: Option<usize>) -> Runs {
        match repeats.or(quick) {
            Some(n) => Runs::Fixed(n),
            None => Runs::Rule,
        }
    }

    /// How many runs in all, given the first run's wall time in seconds.
    pub fn count(self, first_wall_s: f64) -> usize {
        match self {
            Runs::Fixed(n) => n,
            Runs::Rule if first_wall_s > LONG_RUN_S => LONG_RUNS,
            Runs::Rule => SHORT_RUNS,
        }
    }

    /// For the notes under a table.
    pub fn describe(self) -> String {
        match self {
            Runs::Fixed(n) => format!("{n} run(s), as asked (--repeats or the --quick default)"),
            Runs::Rule => format!(
                "{SHORT_RUNS} runs, or {LONG_RUNS} when the first run took over {LONG_RUN_S} s wall time (the benchmark specification's rule; --repeats N overrides)"
            ),
        }
    }
}

/// The median, the fastest and the slowest of a non-empty list of times.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Spread {
    pub median: f64,
    pub min: f64,
    pub max: f64,
}

impl Spread {
    pub fn of(xs: &[f64]) -> Spread {
        Spread {
            median: median(xs),
            min: xs.iter().copied().fold(f64::INFINITY, f64::min),
            max: xs.iter().copied().fold(f64::NEG_INFINITY, f64::max),
        }
    }

    /// Every figure multiplied by `k` (an anchor timed on a shard of 1/k of the work).
    pub fn scaled(self, k: f64) -> Spread {
        Spread {
            median: self.median * k,
            min: self.min * k,
            max: self.max * k,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_rule_takes_five_runs_or_three_after_a_first_run_over_a_minute() {
        assert_eq!(Runs::Rule.count(0.01), 5);
        assert_eq!(
            Runs::Rule.count(60.0),
            5,
            "exactly a minute is not over one"
        );
        assert_eq!(Runs::Rule.count(60.5), 3);
        assert_eq!(Runs::Fixed(2).count(600.0), 2);
        assert_eq!(Runs::Fixed(7).count(0.01), 7);
    }

    #[test]
    fn repeats_override_the_quick_default_which_overrides_the_rule() {
        assert_eq!(Runs::from_args(Some(4), Some(1)), Runs::Fixed(4));
        assert_eq!(Runs::from_args(None, Some(3)), Runs::Fixed(3));
        assert_eq!(Runs::from_args(None, None), Runs::Rule);
    }

    #[test]
    fn a_spread_holds_the_median_and_the_extremes() {
        let s = Spread::of(&[3.0, 9.0, 1.0, 4.0]);
        assert_eq!((s.median, s.min, s.max), (3.5, 1.0, 9.0));
        let t = s.scaled(2.0);
        assert_eq!((t.median, t.min, t.max), (7.0, 2.0, 18.0));
    }
}
