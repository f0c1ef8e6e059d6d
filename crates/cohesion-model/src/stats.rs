//! Distribution statistics used by calibration and indicators. Sums run in index order, so
//! results do not depend on how work was split across threads.

/// Gini coefficient of values (which may include negatives, as net wealth does):
/// G = Σᵢ (2i − n − 1)·x₍ᵢ₎ / (n · Σ x), with x sorted ascending and i from 1.
pub fn gini(values: &[f64]) -> f64 {
    let mut v: Vec<f64> = values.to_vec();
    v.sort_by(f64::total_cmp);
    gini_sorted(&v)
}

pub fn gini_sorted(v: &[f64]) -> f64 {
    let n = v.len();
    if n < 2 {
        return 0.0;
    }
    let total: f64 = v.iter().sum();
    if total == 0.0 {
        return 0.0;
    }
    let weighted: f64 = v
        .iter()
        .enumerate()
        .map(|(i, x)| (2.0 * (i as f64 + 1.0) - n as f64 - 1.0) * x)
        .sum();
    weighted / (n as f64 * total)
}

/// Share of the total held by the top `fraction` of sorted values.
pub fn top_share_sorted(v: &[f64], fraction: f64) -> f64 {
    let n = v.len();
    let total: f64 = v.iter().sum();
    if n == 0 || total == 0.0 {
        return f64::NAN;
    }
    let k = ((n as f64) * fraction).round() as usize;
    v[n - k.min(n)..].iter().sum::<f64>() / total
}

/// S80/S20: income share of the top quintile over that of the bottom quintile.
pub fn s80s20_sorted(v: &[f64]) -> f64 {
    let n = v.len();
    if n < 5 {
        return f64::NAN;
    }
    let q = n / 5;
    let bottom: f64 = v[..q].iter().sum();
    let top: f64 = v[n - q..].iter().sum();
    top / bottom
}

/// The p-quantile (0..1) of sorted values, by the nearest-rank rule.
pub fn quantile_sorted(v: &[f64], p: f64) -> f64 {
    if v.is_empty() {
        return f64::NAN;
    }
    let idx = ((v.len() as f64 - 1.0) * p.clamp(0.0, 1.0)).round() as usize;
    v[idx]
}

/// The nearest-rank median (the value [`quantile_sorted`] picks), by selection, not a sort.
pub fn median(values: &[f64]) -> f64 {
    if values.is_empty() {
        return f64::NAN;
    }
    let mut v = values.to_vec();
    let idx = ((v.len() as f64 - 1.0) * 0.5).round() as usize;
    *v.select_nth_unstable_by(idx, f64::total_cmp).1
}

pub fn mean(v: &[f64]) -> f64 {
    if v.is_empty() {
        return f64::NAN;
    }
    v.iter().sum::<f64>() / v.len() as f64
}

pub fn variance(v: &[f64]) -> f64 {
    let m = mean(v);
    if v.len() < 2 {
        return 0.0;
    }
    v.iter().map(|x| (x - m) * (x - m)).sum::<f64>() / v.len() as f64
}

/// Sarle's bimodality coefficient b = (g² + 1) / (k + 3(n−1)²/((n−2)(n−3))), with g the sample
/// skewness and k the excess kurtosis. b > 5/9 ≈ 0.555 suggests bimodality.
pub fn bimodality(v: &[f64]) -> f64 {
    let n = v.len() as f64;
    if n < 4.0 {
        return f64::NAN;
    }
    let m = mean(v);
    let (mut m2, mut m3, mut m4) = (0.0, 0.0, 0.0);
    for x in v {
        let d = x - m;
        m2 += d * d;
        m3 += d * d * d;
        m4 += d * d * d * d;
    }
    m2 /= n;
    m3 /= n;
    m4 /= n;
    if m2 == 0.0 {
        return f64::NAN;
    }
    let g = m3 / m2.powf(1.5);
    let k = m4 / (m2 * m2) - 3.0;
    (g * g + 1.0) / (k + 3.0 * (n - 1.0).powi(2) / ((n - 2.0) * (n - 3.0)))
}

/// The number of bins the indicators' Esteban–Ray polarisation uses.
pub const ER_BINS: usize = 20;

/// Esteban–Ray polarisation on a histogram of `bins` equal bins over [0,1]:
/// P = Σᵢ Σⱼ πᵢ^(1+α) πⱼ |yᵢ − yⱼ|, α = 1.6 (Esteban & Ray 1994), with πᵢ the bin shares and yᵢ
/// the bin centres. Zero for consensus; largest for two equal masses at the extremes.
pub fn esteban_ray(v: &[f64], bins: usize) -> f64 {
    let mut h = vec![0.0; bins];
    for &x in v {
        h[esteban_ray_bin(x, bins)] += 1.0;
    }
    esteban_ray_histogram(&h, v.len() as f64)
}

/// The bin of [`esteban_ray`]'s histogram that holds x.
pub fn esteban_ray_bin(x: f64, bins: usize) -> usize {
    ((x.clamp(0.0, 1.0) * bins as f64) as usize).min(bins - 1)
}

/// [`esteban_ray`] from the bin counts `h` of `n` values.
pub fn esteban_ray_histogram(h: &[f64], n: f64) -> f64 {
    let alpha = 1.6;
    let bins = h.len();
    if n == 0.0 {
        return f64::NAN;
    }
    let mut p = 0.0;
    for i in 0..bins {
        for j in 0..bins {
            let (pi, pj) = (h[i] / n, h[j] / n);
            p += pi.powf(1.0 + alpha) * pj * ((i as f64 - j as f64).abs() / bins as f64);
        }
    }
    p
}

/// Number of opinion clusters: sort, and a gap wider than `gap` opens a new cluster; only
/// clusters holding at least `min_share` of the agents are counted.
pub fn clusters(v: &[f64], gap: f64, min_share: f64) -> usize {
    let mut s = v.to_vec();
    s.sort_by(f64::total_cmp);
    clusters_sorted(&s, gap, min_share)
}

/// [`clusters`] of values already sorted ascending.
pub fn clusters_sorted(s: &[f64], gap: f64, min_share: f64) -> usize {
    let mut count = 0;
    let mut size = 0usize;
    let min = (min_share * s.len() as f64).ceil() as usize;
    for (i, x) in s.iter().enumerate() {
        if i > 0 && x - s[i - 1] > gap {
            if size >= min.max(1) {
                count += 1;
            }
            size = 0;
        }
        size += 1;
    }
    if size >= min.max(1) && !s.is_empty() {
        count += 1;
    }
    count
}

/// Indices 0..n sorted by an f32 key in `f32::total_cmp` order, ties broken by index, as
/// `key bits << 32 | index` (one parallel sort of u64s; the value travels with the index, so a
/// pass over the order reads no attribute). Decode with [`key_value`] and [`key_index`].
pub fn sorted_keys(n: usize, key: impl Fn(usize) -> f32 + Sync) -> Vec<u64> {
    sorted_tagged(n, key, |i| i as u32)
}

/// [`sorted_keys`] with any 32-bit tag in place of the index (ties broken by tag).
pub fn sorted_tagged(
    n: usize,
    key: impl Fn(usize) -> f32 + Sync,
    tag: impl Fn(usize) -> u32 + Sync,
) -> Vec<u64> {
    use rayon::prelude::*;
    let mut keys: Vec<u64> = (0..n)
        .into_par_iter()
        .map(|i| (ordered_bits(key(i)) as u64) << 32 | tag(i) as u64)
        .collect();
    keys.par_sort_unstable();
    keys
}

/// The value a [`sorted_keys`] key carries.
pub fn key_value(key: u64) -> f32 {
    from_ordered_bits((key >> 32) as u32)
}

/// The index a [`sorted_keys`] key carries.
pub fn key_index(key: u64) -> usize {
    (key & u32::MAX as u64) as usize
}

/// Indices sorted by `values` (ties broken by index): [`sorted_keys`] without the values.
pub fn order_by_f32(values: &[f32]) -> Vec<u32> {
    use rayon::prelude::*;
    sorted_keys(values.len(), |i| values[i])
        .par_iter()
        .map(|&k| key_index(k) as u32)
        .collect()
}

/// An f32's bits mapped so that unsigned order is `f32::total_cmp` order.
fn ordered_bits(x: f32) -> u32 {
    let b = x.to_bits();
    if b >> 31 == 1 {
        !b
    } else {
        b | 1 << 31
    }
}

/// The inverse of [`ordered_bits`].
fn from_ordered_bits(b: u32) -> f32 {
    f32::from_bits(if b >> 31 == 1 { b & !(1 << 31) } else { !b })
}

/// The inverse of the logistic function.
pub fn logit(p: f64) -> f64 {
    let p = p.clamp(1e-9, 1.0 - 1e-9);
    (p / (1.0 - p)).ln()
}

pub fn logistic(x: f64) -> f64 {
    1.0 / (1.0 + (-x).exp())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gini_of_known_distributions() {
        assert_eq!(gini(&[1.0, 1.0, 1.0, 1.0]), 0.0);
        // One holds everything: (n-1)/n.
        assert!((gini(&[0.0, 0.0, 0.0, 4.0]) - 0.75).abs() < 1e-12);
        // Uniform on [0,1] tends to 1/3.
        let u: Vec<f64> = (0..10_000).map(|i| i as f64 / 9_999.0).collect();
        assert!((gini(&u) - 1.0 / 3.0).abs() < 1e-3);
    }

    #[test]
    fn shares_and_ratios() {
        let v: Vec<f64> = (1..=10).map(|i| i as f64).collect();
        assert!((top_share_sorted(&v, 0.1) - 10.0 / 55.0).abs() < 1e-12);
        assert!((s80s20_sorted(&v) - 19.0 / 3.0).abs() < 1e-12);
        assert_eq!(quantile_sorted(&v, 0.5), 6.0);
    }

    #[test]
    fn polarisation_measures_order_consensus_below_split() {
        let consensus: Vec<f64> = (0..1000).map(|i| 0.5 + (i % 10) as f64 * 0.001).collect();
        let split: Vec<f64> = (0..1000)
            .map(|i| if i % 2 == 0 { 0.02 } else { 0.98 })
            .collect();
        assert!(esteban_ray(&split, 20) > 10.0 * esteban_ray(&consensus, 20));
        assert!(bimodality(&split) > 0.9);
        let uniform: Vec<f64> = (0..1000).map(|i| i as f64 / 999.0).collect();
        assert!((bimodality(&uniform) - 0.555).abs() < 0.01);
        assert_eq!(clusters(&split, 0.05, 0.05), 2);
        assert_eq!(clusters(&consensus, 0.05, 0.05), 1);
    }
}
