//! PRIM, the patient rule induction method (Friedman & Fisher 1999), as EMA Workbench 2.5
//! (`ema_workbench/analysis/prim.py`) runs it for scenario discovery (Bryant & Lempert 2010),
//! with its default lenient objective. Binary outcome: a case is *of interest* when `y` is true.
//!
//! **Box statistics.** For a box holding `n_B` of the N rows, `k_B` of them of interest, and
//! `K` cases of interest in all the data: coverage `k_B/K`, density `k_B/n_B`, mass `n_B/N`.
//! (K and N count all rows, also when a later box is sought among the rows left over.)
//!
//! **Quantile rule** (EMA's `get_quantile`, after sdtoolkit): sort the m values, `i = (m−1)q`;
//! take `lo = ⌊i⌋`, `hi = ⌈i⌉`; for q > ½ move `lo` down while `x_lo = x_hi` (and lo > 0), for
//! q ≤ ½ move `hi` up while `x_lo = x_hi` (and hi < m−1); the value is `(x_lo + x_hi)/2`, so a
//! limit falls between data values and a peel removes whole ties.
//!
//! **Objective** (EMA's `lenient1`): for a box with `n₀` rows and mean `ȳ₀` and a candidate with
//! `n₁` rows and mean `ȳ₁` (0 if empty), `(ȳ₁ − ȳ₀)/|n₀ − n₁|`, 0 if the means are equal.
//! Candidates are ranked by (objective, number of unrestricted dimensions), highest first; the
//! first in generation order wins a tie.
//!
//! **Peeling.** Candidates from the rows in the box: for each real column, in column order,
//! an upper peel (new upper limit `Q(1 − α_peel)` of the column's values in the box, keep
//! `x ≤` it) and a lower peel (`Q(α_peel)`, keep `x ≥` it); then for each categorical column
//! whose box still allows more than one category, one candidate per allowed category (in code
//! order), dropping it. The best candidate is taken while its mass ≥ `mass_min`, its mass is
//! below the box's, and its objective is > 0; each step adds a point to the trajectory.
//!
//! **Pasting** (from the rows still available, i.e. not in earlier boxes). For each restricted
//! real column: a lower paste, whose new lower limit is `Q(1 − α_paste)` of the column's values
//! of available rows inside the box extended down to the column's minimum (the minimum if
//! there are none), and an upper paste with `Q(α_paste)` of the slab up to the maximum. Then,
//! only if some real column is restricted (as in EMA, whose loop returns before reaching
//! categorical columns otherwise), one candidate per category not yet allowed, adding it. The
//! best is taken while its mass ≥ `mass_min`, mass and mean grow, and its objective is > 0.
//!
//! **Chosen box** and **next boxes.** As in EMA the box kept is the last point of the
//! peeling-and-pasting trajectory. If its density is at least `threshold` it is returned and
//! its rows are set aside; the next box starts from the full limits on the rows left. Search
//! stops at the first box below the threshold (EMA's "dump box", not returned), when no rows are
//! left, or after `max_boxes` boxes.
//!
//! **Quasi-p-value** (Bryant & Lempert 2010; EMA's `_calculate_quasip`): for a restricted side
//! of a box with `n_B` rows, `k_B` of interest, widen that side alone back to the full limit
//! (for a categorical column, allow all categories), count the available rows `T` and cases of
//! interest `H` in the widened box, and take the one-sided binomial test
//! `qp = P(X ≥ k_B)`, `X ~ Bin(n_B, H/T)`: how likely the box's density is if the restriction
//! added nothing. Unrestricted sides have none.
//!
//! **Initial limits**: each real column's minimum and maximum over all rows; for a categorical
//! column, the categories present in the data (labels no row uses never enter a box).

use crate::stats::binomial_upper_tail;

pub enum Column {
    Real(Vec<f64>),
    /// Row values as indices into `labels`.
    Categorical {
        codes: Vec<u32>,
        labels: Vec<String>,
    },
}

/// Named columns, all the same length as the outcome.
pub struct Dataset {
    pub names: Vec<String>,
    pub columns: Vec<Column>,
}

#[derive(Clone, Debug)]
pub struct Options {
    pub peel_alpha: f64,
    pub paste_alpha: f64,
    pub mass_min: f64,
    /// Density a box must reach to be kept.
    pub threshold: f64,
    pub max_boxes: usize,
}

impl Default for Options {
    fn default() -> Self {
        Self {
            peel_alpha: 0.05,
            paste_alpha: 0.05,
            mass_min: 0.05,
            threshold: 0.8,
            max_boxes: 10,
        }
    }
}

#[derive(Clone, Debug, PartialEq)]
pub enum Limit {
    Real {
        low: f64,
        high: f64,
    },
    /// Allowed category labels, in code order.
    Categories(Vec<String>),
}

#[derive(Clone, Debug, PartialEq)]
pub struct Restriction {
    pub name: String,
    pub limit: Limit,
    /// The smallest quasi-p-value of the restricted sides (the one that makes the restriction
    /// significant, as EMA's `determine_dimres` reads them).
    pub qp: f64,
    /// Quasi-p-value of the lower limit (or of the category set); None if unrestricted.
    pub qp_low: Option<f64>,
    /// Quasi-p-value of the upper limit; None if unrestricted or categorical.
    pub qp_high: Option<f64>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct TrajectoryPoint {
    pub coverage: f64,
    pub density: f64,
    pub mass: f64,
    /// Number of restricted dimensions.
    pub restricted: usize,
    /// The box at this point, restricted dimensions only, in column order.
    pub restrictions: Vec<Restriction>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct PrimBox {
    pub trajectory: Vec<TrajectoryPoint>,
    /// Index of the kept box on the trajectory (the last, as in EMA).
    pub chosen: usize,
    pub restrictions: Vec<Restriction>,
    pub coverage: f64,
    pub density: f64,
    pub mass: f64,
}

/// Box limits: per real column (low, high); per categorical column, allowed flags per code.
#[derive(Clone, Debug, PartialEq)]
struct Limits {
    real: Vec<(f64, f64)>,
    categories: Vec<Vec<bool>>,
}

struct Frame<'a> {
    real_names: Vec<&'a str>,
    reals: Vec<&'a [f64]>,
    cat_names: Vec<&'a str>,
    cats: Vec<(&'a [u32], &'a [String])>,
    /// Column order of each real (false) or categorical (true) column, for reporting.
    order: Vec<(bool, usize)>,
    y: &'a [bool],
    rows: usize,
    interest: usize,
    initial: Limits,
    options: &'a Options,
}

/// Peeling then pasting; each next box on the rows left outside earlier boxes, as EMA
/// Workbench does; stops when a box misses `threshold` density or after `max_boxes`.
pub fn find_boxes(data: &Dataset, y: &[bool], options: &Options) -> Result<Vec<PrimBox>, String> {
    let frame = Frame::new(data, y, options)?;
    let mut remaining: Vec<usize> = (0..frame.rows).collect();
    let mut boxes = Vec::new();
    while boxes.len() < options.max_boxes && !remaining.is_empty() {
        let steps = frame.search(&remaining);
        // The trajectory always holds at least the starting box.
        let Some((_, members)) = steps.last() else {
            break;
        };
        let density = frame.count_interest(members) as f64 / members.len() as f64;
        if density < options.threshold {
            break;
        }
        let trajectory: Vec<TrajectoryPoint> = steps
            .iter()
            .map(|(l, m)| frame.point(l, m, &remaining))
            .collect();
        let chosen = trajectory.len() - 1;
        let last = &trajectory[chosen];
        boxes.push(PrimBox {
            coverage: last.coverage,
            density: last.density,
            mass: last.mass,
            restrictions: last.restrictions.clone(),
            chosen,
            trajectory,
        });
        let mut inside = vec![false; frame.rows];
        members.iter().for_each(|&r| inside[r] = true);
        remaining.retain(|&r| !inside[r]);
    }
    Ok(boxes)
}

fn check_options(o: &Options) -> Result<(), String> {
    for (name, value) in [("peel_alpha", o.peel_alpha), ("paste_alpha", o.paste_alpha)] {
        if !(value > 0.0 && value < 0.5) {
            return Err(format!(
                "{name} must lie strictly between 0 and 0.5 (got {value})"
            ));
        }
    }
    if !(0.0..1.0).contains(&o.mass_min) {
        return Err(format!("mass_min must lie in [0, 1) (got {})", o.mass_min));
    }
    if !(o.threshold > 0.0 && o.threshold <= 1.0) {
        return Err(format!(
            "threshold must lie in (0, 1] (got {})",
            o.threshold
        ));
    }
    Ok(())
}

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

impl<'a> Frame<'a> {
    fn new(data: &'a Dataset, y: &'a [bool], options: &'a Options) -> Result<Self, String> {
        check_options(options)?;
        if data.names.len() != data.columns.len() {
            return Err(format!(
                "{} names for {} columns",
                data.names.len(),
                data.columns.len()
            ));
        }
        if y.is_empty() {
            return Err("no rows".into());
        }
        let rows = y.len();
        let mut frame = Frame {
            real_names: Vec::new(),
            reals: Vec::new(),
            cat_names: Vec::new(),
            cats: Vec::new(),
            order: Vec::new(),
            y,
            rows,
            interest: y.iter().filter(|&&v| v).count(),
            initial: Limits {
                real: Vec::new(),
                categories: Vec::new(),
            },
            options,
        };
        if frame.interest == 0 {
            return Err("no case of interest: every outcome is false".into());
        }
        for (name, column) in data.names.iter().zip(&data.columns) {
            match column {
                Column::Real(values) => {
                    if values.len() != rows {
                        return Err(format!(
                            "column {name}: {} rows, outcome has {rows}",
                            values.len()
                        ));
                    }
                    if let Some(r) = values.iter().position(|v| !v.is_finite()) {
                        return Err(format!("column {name}, row {}: not a finite number", r + 1));
                    }
                    let low = values.iter().copied().fold(f64::INFINITY, f64::min);
                    let high = values.iter().copied().fold(f64::NEG_INFINITY, f64::max);
                    frame.order.push((false, frame.reals.len()));
                    frame.real_names.push(name);
                    frame.reals.push(values);
                    frame.initial.real.push((low, high));
                }
                Column::Categorical { codes, labels } => {
                    if codes.len() != rows {
                        return Err(format!(
                            "column {name}: {} rows, outcome has {rows}",
                            codes.len()
                        ));
                    }
                    let mut present = vec![false; labels.len()];
                    for (r, &code) in codes.iter().enumerate() {
                        let Some(slot) = present.get_mut(code as usize) else {
                            return Err(format!(
                                "column {name}, row {}: category code {code} has no label ({} labels)",
                                r + 1,
                                labels.len()
                            ));
                        };
                        *slot = true;
                    }
                    frame.order.push((true, frame.cats.len()));
                    frame.cat_names.push(name);
                    frame.cats.push((codes, labels));
                    frame.initial.categories.push(present);
                }
            }
        }
        Ok(frame)
    }

    fn in_box(&self, limits: &Limits, row: usize) -> bool {
        self.reals
            .iter()
            .zip(&limits.real)
            .all(|(x, &(lo, hi))| lo <= x[row] && x[row] <= hi)
            && self
                .cats
                .iter()
                .zip(&limits.categories)
                .all(|((codes, _), ok)| ok[codes[row] as usize])
    }

    fn count_interest(&self, rows: &[usize]) -> usize {
        rows.iter().filter(|&&r| self.y[r]).count()
    }

    /// (rows, cases of interest) among `rows` inside `limits`.
    fn count_in(&self, limits: &Limits, rows: &[usize]) -> (usize, usize) {
        rows.iter()
            .filter(|&&r| self.in_box(limits, r))
            .fold((0, 0), |(n, k), &r| (n + 1, k + usize::from(self.y[r])))
    }

    fn restricted(&self, limits: &Limits) -> usize {
        let reals = limits
            .real
            .iter()
            .zip(&self.initial.real)
            .filter(|(a, b)| a != b)
            .count();
        let cats = limits
            .categories
            .iter()
            .zip(&self.initial.categories)
            .filter(|(a, b)| a != b)
            .count();
        reals + cats
    }

    fn columns(&self) -> usize {
        self.reals.len() + self.cats.len()
    }

    /// One box search on the available rows: the trajectory as (limits, member rows).
    fn search(&self, available: &[usize]) -> Vec<(Limits, Vec<usize>)> {
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

    /// For each side of the box (real column c: 2c low, 2c + 1 high; categorical column c:
    /// 2·reals + c), the (rows, cases of interest) among `available` that lie outside the box
    /// on that side alone, so that widening that side back to the full limit takes them in.
    fn widened_counts(&self, limits: &Limits, available: &[usize]) -> Vec<(usize, usize)> {
        let mut counts = vec![(0, 0); 2 * self.reals.len() + self.cats.len()];
        for &r in available {
            let mut violated = None;
            let mut violations = 0;
            for (c, (x, &(lo, hi))) in self.reals.iter().zip(&limits.real).enumerate() {
                if x[r] < lo {
                    violations += 1;
                    violated = Some(2 * c);
                } else if x[r] > hi {
                    violations += 1;
                    violated = Some(2 * c + 1);
                }
            }
            for (c, ((codes, _), allowed)) in self.cats.iter().zip(&limits.categories).enumerate() {
                if !allowed[codes[r] as usize] {
                    violations += 1;
                    violated = Some(2 * self.reals.len() + c);
                }
            }
            if let (1, Some(side)) = (violations, violated) {
                counts[side].0 += 1;
                counts[side].1 += usize::from(self.y[r]);
            }
        }
        counts
    }

    /// Statistics, limits and quasi-p-values of one trajectory point.
    fn point(&self, limits: &Limits, members: &[usize], available: &[usize]) -> TrajectoryPoint {
        let (n_box, k_box) = (members.len(), self.count_interest(members));
        let widened = self.widened_counts(limits, available);
        let qp = |side: usize| {
            let (t, h) = (n_box + widened[side].0, k_box + widened[side].1);
            binomial_upper_tail(k_box as u64, n_box as u64, h as f64 / t as f64)
        };
        let mut restrictions = Vec::new();
        for &(categorical, c) in &self.order {
            if categorical {
                let allowed = &limits.categories[c];
                if *allowed == self.initial.categories[c] {
                    continue;
                }
                let p = qp(2 * self.reals.len() + c);
                let labels = self.cats[c].1;
                restrictions.push(Restriction {
                    name: self.cat_names[c].to_string(),
                    limit: Limit::Categories(
                        (0..allowed.len())
                            .filter(|&i| allowed[i])
                            .map(|i| labels[i].clone())
                            .collect(),
                    ),
                    qp: p,
                    qp_low: Some(p),
                    qp_high: None,
                });
            } else {
                let ((lo, hi), (min, max)) = (limits.real[c], self.initial.real[c]);
                if (lo, hi) == (min, max) {
                    continue;
                }
                let qp_low = (lo != min).then(|| qp(2 * c));
                let qp_high = (hi != max).then(|| qp(2 * c + 1));
                restrictions.push(Restriction {
                    name: self.real_names[c].to_string(),
                    limit: Limit::Real { low: lo, high: hi },
                    qp: qp_low
                        .into_iter()
                        .chain(qp_high)
                        .fold(f64::INFINITY, f64::min),
                    qp_low,
                    qp_high,
                });
            }
        }
        TrajectoryPoint {
            coverage: k_box as f64 / self.interest as f64,
            density: k_box as f64 / n_box as f64,
            mass: n_box as f64 / self.rows as f64,
            restricted: self.restricted(limits),
            restrictions,
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
