//! Order statistics of a group whose values arrive one at a time in ascending order, as a pass
//! over a population sorted by value delivers them to each group. They equal the `stats`
//! functions on a sorted copy of the group bit for bit (every sum adds the same terms in the
//! same order), without the copy: at full population scale the copies were most of the
//! indicators' cost.

use crate::stats::{esteban_ray_bin, esteban_ray_histogram, ER_BINS};

/// Gini, S80/S20 and a top share of `n` values fed in ascending order: [`gini_sorted`],
/// [`s80s20_sorted`] and [`top_share_sorted`] of them.
///
/// [`gini_sorted`]: crate::stats::gini_sorted
/// [`s80s20_sorted`]: crate::stats::s80s20_sorted
/// [`top_share_sorted`]: crate::stats::top_share_sorted
#[derive(Debug, Clone)]
pub struct Shares {
    n: usize,
    seen: usize,
    top_count: usize,
    total: f64,
    weighted: f64,
    bottom_quintile: f64,
    top_quintile: f64,
    top: f64,
}

impl Shares {
    /// For `n` values, with the top share taken over the top `top_fraction` of them.
    pub fn new(n: usize, top_fraction: f64) -> Shares {
        Shares {
            n,
            seen: 0,
            top_count: (((n as f64) * top_fraction).round() as usize).min(n),
            total: -0.0,
            weighted: -0.0,
            bottom_quintile: -0.0,
            top_quintile: -0.0,
            top: -0.0,
        }
    }

    pub fn push(&mut self, x: f64) {
        let (n, i) = (self.n, self.seen);
        debug_assert!(i < n, "more values than announced");
        self.total += x;
        self.weighted += (2.0 * (i as f64 + 1.0) - n as f64 - 1.0) * x;
        let q = n / 5;
        if i < q {
            self.bottom_quintile += x;
        }
        if i >= n - q {
            self.top_quintile += x;
        }
        if i >= n - self.top_count {
            self.top += x;
        }
        self.seen += 1;
    }

    pub fn gini(&self) -> f64 {
        if self.n < 2 || self.total == 0.0 {
            return 0.0;
        }
        self.weighted / (self.n as f64 * self.total)
    }

    pub fn s80s20(&self) -> f64 {
        if self.n < 5 {
            return f64::NAN;
        }
        self.top_quintile / self.bottom_quintile
    }

    pub fn top_share(&self) -> f64 {
        if self.n == 0 || self.total == 0.0 {
            return f64::NAN;
        }
        self.top / self.total
    }
}

/// The nearest-rank median of `n` values fed in ascending order ([`quantile_sorted`] at 0.5).
///
/// [`quantile_sorted`]: crate::stats::quantile_sorted
#[derive(Debug, Clone)]
pub struct Median {
    target: usize,
    seen: usize,
    value: f64,
}

impl Median {
    pub fn new(n: usize) -> Median {
        Median {
            target: if n == 0 {
                usize::MAX
            } else {
                ((n as f64 - 1.0) * 0.5).round() as usize
            },
            seen: 0,
            value: f64::NAN,
        }
    }

    pub fn push(&mut self, x: f64) {
        if self.seen == self.target {
            self.value = x;
        }
        self.seen += 1;
    }

    pub fn value(&self) -> f64 {
        self.value
    }
}

/// The sum of values fed in ascending order: the first of the two passes [`Opinion`] needs.
#[derive(Debug, Clone, Copy)]
pub struct Sum(pub f64);

impl Default for Sum {
    fn default() -> Sum {
        Sum(-0.0)
    }
}

/// Mean, variance, bimodality, Esteban–Ray polarisation and the number of clusters of `n`
/// values fed in ascending order, given their mean from a first pass: [`mean`],
/// [`variance`], [`bimodality`], [`esteban_ray`] with [`ER_BINS`] bins and
/// [`clusters_sorted`] of them.
///
/// [`mean`]: crate::stats::mean
/// [`variance`]: crate::stats::variance
/// [`bimodality`]: crate::stats::bimodality
/// [`esteban_ray`]: crate::stats::esteban_ray
/// [`clusters_sorted`]: crate::stats::clusters_sorted
#[derive(Debug, Clone)]
pub struct Opinion {
    n: usize,
    mean: f64,
    m2: f64,
    m3: f64,
    m4: f64,
    histogram: [f64; ER_BINS],
    cluster_gap: f64,
    cluster_min: usize,
    previous: Option<f64>,
    cluster_size: usize,
    clusters: usize,
}

impl Opinion {
    /// For `n` values summing to `sum` (in ascending order), with clusters split at gaps wider
    /// than `gap` and counted when they hold at least `min_share` of the values.
    pub fn new(n: usize, sum: Sum, gap: f64, min_share: f64) -> Opinion {
        Opinion {
            n,
            mean: if n == 0 { f64::NAN } else { sum.0 / n as f64 },
            m2: 0.0,
            m3: 0.0,
            m4: 0.0,
            histogram: [0.0; ER_BINS],
            cluster_gap: gap,
            cluster_min: ((min_share * n as f64).ceil() as usize).max(1),
            previous: None,
            cluster_size: 0,
            clusters: 0,
        }
    }

    pub fn push(&mut self, x: f64) {
        let d = x - self.mean;
        self.m2 += d * d;
        self.m3 += d * d * d;
        self.m4 += d * d * d * d;
        self.histogram[esteban_ray_bin(x, ER_BINS)] += 1.0;
        if self.previous.is_some_and(|p| x - p > self.cluster_gap) {
            self.clusters += usize::from(self.cluster_size >= self.cluster_min);
            self.cluster_size = 0;
        }
        self.cluster_size += 1;
        self.previous = Some(x);
    }

    pub fn mean(&self) -> f64 {
        self.mean
    }

    pub fn variance(&self) -> f64 {
        if self.n < 2 {
            return 0.0;
        }
        // The sum of squared deviations is m2: [`variance`] adds the same terms from -0.0,
        // which differs from m2's 0.0 start only while no term has been added.
        self.m2 / self.n as f64
    }

    pub fn bimodality(&self) -> f64 {
        let n = self.n as f64;
        if n < 4.0 {
            return f64::NAN;
        }
        let (m2, m3, m4) = (self.m2 / n, self.m3 / n, self.m4 / n);
        if m2 == 0.0 {
            return f64::NAN;
        }
        let g = m3 / m2.powf(1.5);
        let k = m4 / (m2 * m2) - 3.0;
        (g * g + 1.0) / (k + 3.0 * (n - 1.0).powi(2) / ((n - 2.0) * (n - 3.0)))
    }

    pub fn esteban_ray(&self) -> f64 {
        esteban_ray_histogram(&self.histogram, self.n as f64)
    }

    /// The clusters closed so far and the open one, if it is large enough (the minimum is
    /// at least 1, so no values make no cluster).
    pub fn clusters(&self) -> usize {
        self.clusters + usize::from(self.cluster_size >= self.cluster_min)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::stats::*;
    use proptest::prelude::*;

    fn same(a: f64, b: f64) -> bool {
        a.to_bits() == b.to_bits() || (a.is_nan() && b.is_nan())
    }

    fn sorted(mut v: Vec<f64>) -> Vec<f64> {
        v.sort_by(f64::total_cmp);
        v
    }

    proptest! {
        #[test]
        fn shares_equal_the_sorted_copy_functions(
            v in proptest::collection::vec(-1e6f64..1e7, 0..300),
            fraction in 0.0f64..1.0,
        ) {
            let v = sorted(v);
            let mut s = Shares::new(v.len(), fraction);
            let mut m = Median::new(v.len());
            for &x in &v {
                s.push(x);
                m.push(x);
            }
            prop_assert!(same(s.gini(), gini_sorted(&v)));
            prop_assert!(same(s.s80s20(), s80s20_sorted(&v)));
            prop_assert!(same(s.top_share(), top_share_sorted(&v, fraction)));
            prop_assert!(same(m.value(), quantile_sorted(&v, 0.5)));
        }

        #[test]
        fn opinion_statistics_equal_the_sorted_copy_functions(
            v in proptest::collection::vec(0.0f64..1.0, 0..300),
            clumps in proptest::collection::vec(0.0f64..1.0, 1..4),
        ) {
            // Values pulled towards a few clumps, so the clusters and bimodality are not trivial.
            let v = sorted(
                v.iter()
                    .enumerate()
                    .map(|(i, x)| clumps[i % clumps.len()] * 0.9 + x * 0.1)
                    .collect(),
            );
            let mut sum = Sum::default();
            for &x in &v {
                sum.0 += x;
            }
            let mut o = Opinion::new(v.len(), sum, 0.05, 0.05);
            for &x in &v {
                o.push(x);
            }
            prop_assert!(same(o.mean(), mean(&v)));
            prop_assert!(same(o.variance(), variance(&v)));
            prop_assert!(same(o.bimodality(), bimodality(&v)));
            prop_assert!(same(o.esteban_ray(), esteban_ray(&v, ER_BINS)));
            prop_assert_eq!(o.clusters(), clusters_sorted(&v, 0.05, 0.05));
        }
    }

    #[test]
    fn two_clumps_make_two_clusters_and_a_bimodal_spread() {
        let v: Vec<f64> = (0..1000)
            .map(|i| if i < 500 { 0.1 } else { 0.9 } + (i % 7) as f64 * 1e-3)
            .collect();
        let v = sorted(v);
        let sum = Sum(v.iter().sum());
        let mut o = Opinion::new(v.len(), sum, 0.05, 0.05);
        v.iter().for_each(|&x| o.push(x));
        assert_eq!(o.clusters(), 2);
        assert!(o.bimodality() > 5.0 / 9.0);
    }
}
