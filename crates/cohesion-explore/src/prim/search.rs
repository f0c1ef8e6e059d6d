//! One box search: peeling, then pasting (rules in the parent module's doc).

use super::frame::{Frame, Limits};

/// EMA's quantile rule (module doc): a midpoint between order statistics, skipping ties.
/// Selection instead of a full sort: the walk over ties in EMA's sorted array only ever reaches
/// the nearest distinct value below (q > ½) or above (q ≤ ½), which one scan finds.
fn quantile(values: &mut [f64], q: f64) -> f64 {
    let i = (values.len() - 1) as f64 * q;
    let (lo, hi) = (i.floor() as usize, i.ceil() as usize);
    let v_hi = *values.select_nth_unstable_by(hi, f64::total_cmp).1;
    let v_lo = if lo == hi {
        v_hi
    } else {
        // After the selection everything left of `hi` is ≤ v_hi: the lo-th is their maximum
        // when lo = hi − 1.
        values[..hi]
            .iter()
            .copied()
            .fold(f64::NEG_INFINITY, f64::max)
    };
    if v_lo != v_hi {
        return (v_lo + v_hi) / 2.0;
    }
    let neighbour = if q > 0.5 {
        values
            .iter()
            .copied()
            .filter(|&v| v < v_hi)
            .fold(f64::NEG_INFINITY, f64::max)
    } else {
        values
            .iter()
            .copied()
            .filter(|&v| v > v_hi)
            .fold(f64::INFINITY, f64::min)
    };
    if neighbour.is_finite() {
        (neighbour + v_hi) / 2.0
    } else {
        v_hi
    }
}

/// EMA's lenient objective: gain in mean per row gained or lost.
fn objective(n_old: usize, k_old: usize, n_new: usize, k_new: usize) -> f64 {
    let mean_old = k_old as f64 / n_old as f64;
    let mean_new = if n_new > 0 {
        k_new as f64 / n_new as f64
    } else {
        0.0
    };
    if mean_old == mean_new || n_old == n_new {
        return 0.0;
    }
    (mean_new - mean_old) / n_old.abs_diff(n_new) as f64
}

impl Frame<'_> {
    /// One box search on the available rows: the trajectory as (limits, member rows).
    pub(super) fn search(&self, available: &[usize]) -> Vec<(Limits, Vec<usize>)> {
        let mut steps = vec![(self.initial.clone(), available.to_vec())];
        while let Some(next) = self.peel(steps.last().unwrap()) {
            steps.push(next);
        }
        while let Some(next) = self.paste(steps.last().unwrap(), available) {
            steps.push(next);
        }
        steps
    }

    /// The best candidate (limits, rows, cases of interest) against the box of `current`, as
    /// (objective, limits, rows, cases of interest); ties go to the first generated.
    fn best(
        &self,
        current: &[usize],
        candidates: Vec<(Limits, usize, usize)>,
    ) -> Option<(f64, Limits, usize, usize)> {
        let (n_old, k_old) = (current.len(), self.count_interest(current));
        let mut best: Option<(f64, usize, Limits, usize, usize)> = None;
        for (limits, n, k) in candidates {
            let obj = objective(n_old, k_old, n, k);
            let free = self.columns() - self.restricted(&limits);
            let better = match &best {
                None => true,
                Some((o, f, ..)) => obj > *o || (obj == *o && free > *f),
            };
            if better {
                best = Some((obj, free, limits, n, k));
            }
        }
        best.map(|(obj, _, limits, n, k)| (obj, limits, n, k))
    }

    /// (rows, cases of interest) among `rows` passing `keep`.
    fn count_where(&self, rows: &[usize], keep: impl Fn(usize) -> bool) -> (usize, usize) {
        rows.iter()
            .filter(|&&r| keep(r))
            .fold((0, 0), |(n, k), &r| (n + 1, k + usize::from(self.y[r])))
    }

    fn peel(&self, (limits, members): &(Limits, Vec<usize>)) -> Option<(Limits, Vec<usize>)> {
        let alpha = self.options.peel_alpha;
        // Members already lie inside the box, so a peel's rows need only the peeled column.
        let mut candidates = Vec::new();
        for (c, x) in self.reals.iter().enumerate() {
            let mut values: Vec<f64> = members.iter().map(|&r| x[r]).collect();
            let mut upper = limits.clone();
            let high = quantile(&mut values, 1.0 - alpha);
            upper.real[c].1 = high;
            let (n, k) = self.count_where(members, |r| x[r] <= high);
            candidates.push((upper, n, k));
            let mut lower = limits.clone();
            let low = quantile(&mut values, alpha);
            lower.real[c].0 = low;
            let (n, k) = self.count_where(members, |r| x[r] >= low);
            candidates.push((lower, n, k));
        }
        for (c, allowed) in limits.categories.iter().enumerate() {
            if allowed.iter().filter(|&&a| a).count() > 1 {
                let codes = self.cats[c].0;
                for code in (0..allowed.len()).filter(|&code| allowed[code]) {
                    let mut peeled = limits.clone();
                    peeled.categories[c][code] = false;
                    let (n, k) = self.count_where(members, |r| codes[r] as usize != code);
                    candidates.push((peeled, n, k));
                }
            }
        }
        let (obj, new_limits, n, _) = self.best(members, candidates)?;
        let mass_new = n as f64 / self.rows as f64;
        let mass_old = members.len() as f64 / self.rows as f64;
        if mass_new >= self.options.mass_min && mass_new < mass_old && obj > 0.0 {
            let inside = members
                .iter()
                .copied()
                .filter(|&r| self.in_box(&new_limits, r))
                .collect();
            Some((new_limits, inside))
        } else {
            None
        }
    }

    fn paste(
        &self,
        (limits, members): &(Limits, Vec<usize>),
        available: &[usize],
    ) -> Option<(Limits, Vec<usize>)> {
        let alpha = self.options.paste_alpha;
        let mut candidates = Vec::new();
        for (c, x) in self.reals.iter().enumerate() {
            let (min, max) = self.initial.real[c];
            let (lo, hi) = limits.real[c];
            if (lo, hi) == (min, max) {
                continue;
            }
            let mut slab = limits.clone();
            slab.real[c] = (min, lo);
            let mut values: Vec<f64> = available
                .iter()
                .filter(|&&r| self.in_box(&slab, r))
                .map(|&r| x[r])
                .collect();
            let mut lower = limits.clone();
            lower.real[c].0 = if values.is_empty() {
                min
            } else {
                quantile(&mut values, 1.0 - alpha)
            };
            candidates.push(lower);

            slab.real[c] = (hi, max);
            let mut values: Vec<f64> = available
                .iter()
                .filter(|&&r| self.in_box(&slab, r))
                .map(|&r| x[r])
                .collect();
            let mut upper = limits.clone();
            upper.real[c].1 = if values.is_empty() {
                max
            } else {
                quantile(&mut values, alpha)
            };
            candidates.push(upper);
        }
        if candidates.is_empty() {
            return None;
        }
        for (c, allowed) in limits.categories.iter().enumerate() {
            if *allowed == self.initial.categories[c] {
                continue;
            }
            for code in (0..allowed.len())
                .filter(|&code| !allowed[code] && self.initial.categories[c][code])
            {
                let mut pasted = limits.clone();
                pasted.categories[c][code] = true;
                candidates.push(pasted);
            }
        }
        let candidates = candidates
            .into_iter()
            .map(|l| {
                let (n, k) = self.count_in(&l, available);
                (l, n, k)
            })
            .collect();
        let (obj, new_limits, n, k) = self.best(members, candidates)?;
        let mass_new = n as f64 / self.rows as f64;
        let mass_old = members.len() as f64 / self.rows as f64;
        let mean_old = self.count_interest(members) as f64 / members.len() as f64;
        let mean_new = k as f64 / n as f64;
        if mass_new >= self.options.mass_min
            && mass_new > mass_old
            && obj > 0.0
            && mean_new > mean_old
        {
            let inside = available
                .iter()
                .copied()
                .filter(|&r| self.in_box(&new_limits, r))
                .collect();
            Some((new_limits, inside))
        } else {
            None
        }
    }
}

#[cfg(test)]
mod tests {
    use super::quantile;
    use proptest::prelude::*;

    /// EMA's `get_quantile` as written there: sort, then walk over ties.
    fn quantile_by_sorting(values: &[f64], q: f64) -> f64 {
        let mut v = values.to_vec();
        v.sort_by(f64::total_cmp);
        let i = (v.len() - 1) as f64 * q;
        let (mut lo, mut hi) = (i.floor() as usize, i.ceil() as usize);
        if q > 0.5 {
            while v[lo] == v[hi] && lo > 0 {
                lo -= 1;
            }
        } else {
            while v[lo] == v[hi] && hi < v.len() - 1 {
                hi += 1;
            }
        }
        (v[lo] + v[hi]) / 2.0
    }

    proptest! {
        #![proptest_config(ProptestConfig {
            cases: 512,
            rng_seed: proptest::test_runner::RngSeed::Fixed(20_261_127),
            failure_persistence: None,
            .. ProptestConfig::default()
        })]

        // Few distinct values, so ties at and around the quantile are common.
        #[test]
        fn selection_matches_emas_sorted_walk(
            values in prop::collection::vec(0u8..6, 1..40),
            q in prop::sample::select(vec![0.05, 0.2, 0.5, 0.8, 0.95]),
        ) {
            let values: Vec<f64> = values.into_iter().map(f64::from).collect();
            let mut scratch = values.clone();
            prop_assert_eq!(quantile(&mut scratch, q), quantile_by_sorting(&values, q));
        }
    }
}
