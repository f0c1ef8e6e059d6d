//! Statistics, limits and quasi-p-values of the boxes on a trajectory.

use super::frame::{Frame, Limits};
use super::{Limit, Restriction, TrajectoryPoint};
use crate::stats::binomial_upper_tail;

impl Frame<'_> {
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
    pub(super) fn point(
        &self,
        limits: &Limits,
        members: &[usize],
        available: &[usize],
    ) -> TrajectoryPoint {
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
