//! Set operations on ascending position lists (postings), for plain token sequences.
//!
//! A sequence `A [] B` matches at start `s` when `s + 0` is a position of `A` and `s + 2` one
//! of `B`: an intersection of two postings lists, each shifted by its token's offset. Both
//! lists are read in order. Lists of similar length are merged; the inner loop compares four
//! positions of one list with four of the other at once (no branch depends on the data, whose
//! outcome a processor could not predict), and hits go to a small buffer that stays in cache.
//! A list much longer than the other is galloped through instead. Long merges are split by
//! position into one piece per core; the pieces are joined in order, so the result does not
//! depend on the thread count.

use rayon::prelude::*;

/// Merges shorter than this (both lists together) stay on one core: waking the others costs
/// more than it saves.
const PARALLEL_MIN: usize = 1 << 18;

/// The starts `s`, ascending, with `s + a_off` in `a` and `s + b_off` in `b` (both ascending
/// without repeats).
pub fn intersect(a: &[u32], a_off: u32, b: &[u32], b_off: u32) -> Vec<u32> {
    intersect_with(a, a_off, b, b_off, PARALLEL_MIN)
}

/// [`intersect`] with the size from which the merge is split over the cores (tests use small
/// sizes to exercise the split).
pub fn intersect_with(
    a: &[u32],
    a_off: u32,
    b: &[u32],
    b_off: u32,
    parallel_min: usize,
) -> Vec<u32> {
    // Positions before the offset have no start.
    let a = &a[a.partition_point(|&p| p < a_off)..];
    let b = &b[b.partition_point(|&p| p < b_off)..];
    let (short, s_off, long, l_off) = if a.len() <= b.len() {
        (a, a_off, b, b_off)
    } else {
        (b, b_off, a, a_off)
    };
    if long.len() > 32 * short.len() {
        return gallop(short, s_off, long, l_off);
    }
    let pieces = rayon::current_num_threads();
    if short.len() + long.len() < parallel_min || pieces < 2 {
        let mut out = Vec::new();
        merge(short, s_off, long, l_off, &mut out);
        return out;
    }
    // Cut the shorter list into equal pieces; each piece's part of the longer list starts at
    // the first position not before the piece's first start.
    let cuts: Vec<usize> = (0..=pieces).map(|i| short.len() * i / pieces).collect();
    let long_at = |i: usize| match short.get(i) {
        Some(&p) => long.partition_point(|&q| q - l_off < p - s_off),
        None => long.len(),
    };
    let parts: Vec<Vec<u32>> = cuts
        .par_windows(2)
        .map(|w| {
            let mut out = Vec::new();
            merge(
                &short[w[0]..w[1]],
                s_off,
                &long[long_at(w[0])..long_at(w[1])],
                l_off,
                &mut out,
            );
            out
        })
        .collect();
    parts.concat()
}

/// For each start of `short`, a galloping search in `long` (which is much longer).
fn gallop(short: &[u32], s_off: u32, long: &[u32], l_off: u32) -> Vec<u32> {
    let mut out = Vec::new();
    let mut j = 0usize;
    for &p in short {
        let want = p - s_off;
        let mut step = 1;
        while j + step < long.len() && long[j + step] - l_off < want {
            j += step;
            step *= 2;
        }
        let hi = (j + step + 1).min(long.len());
        j += long[j..hi].partition_point(|&q| q - l_off < want);
        if j == long.len() {
            break;
        }
        if long[j] - l_off == want {
            out.push(want);
        }
    }
    out
}

/// Hits per buffer flush: the buffer (16 KiB) stays in the first-level cache.
const BUF: usize = 4096;

/// Appends to `out` the common starts of `a` and `b` (every position at least its offset).
fn merge(a: &[u32], a_off: u32, b: &[u32], b_off: u32, out: &mut Vec<u32>) {
    let (mut i, mut j) = (0usize, 0usize);
    #[cfg(target_arch = "x86_64")]
    {
        let mut buf = [0u32; BUF];
        while i < a.len() && j < b.len() {
            // SAFETY: SSE2 is part of the x86_64 baseline, so every x86_64 processor has it.
            let (k, ni, nj) =
                unsafe { merge_blocks_sse2(&a[i..], a_off, &b[j..], b_off, &mut buf) };
            out.extend_from_slice(&buf[..k]);
            (i, j) = (i + ni, j + nj);
            if ni == 0 && nj == 0 {
                break;
            }
        }
    }
    // Fewer than a block left in one list (or no block merge on this processor): each of its
    // positions is searched for in the rest of the other, which may still be long.
    let (a, b) = (&a[i..], &b[j..]);
    out.extend(if a.len() <= b.len() {
        gallop(a, a_off, b, b_off)
    } else {
        gallop(b, b_off, a, a_off)
    });
}

/// Merges blocks of four until one list has fewer than four left or `buf` is nearly full;
/// returns the hits written to `buf` and how far each list was read.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "sse2")]
fn merge_blocks_sse2(
    a: &[u32],
    a_off: u32,
    b: &[u32],
    b_off: u32,
    buf: &mut [u32; BUF],
) -> (usize, usize, usize) {
    use std::arch::x86_64::*;
    let load = |s: &[u32], i: usize| -> __m128i {
        let four: &[u32; 4] = s[i..i + 4].try_into().expect("four positions");
        // SAFETY: `four` is 16 readable bytes; an unaligned load has no other requirement.
        unsafe { _mm_loadu_si128(four.as_ptr().cast()) }
    };
    let (va_off, vb_off) = (_mm_set1_epi32(a_off as i32), _mm_set1_epi32(b_off as i32));
    let (mut i, mut j, mut k) = (0usize, 0usize, 0usize);
    while i + 4 <= a.len() && j + 4 <= b.len() && k + 4 <= BUF {
        let x = _mm_sub_epi32(load(a, i), va_off);
        let y = _mm_sub_epi32(load(b, j), vb_off);
        // Every x against every y: y and its three rotations.
        let eq = _mm_or_si128(
            _mm_or_si128(
                _mm_cmpeq_epi32(x, y),
                _mm_cmpeq_epi32(x, _mm_shuffle_epi32(y, 0b00_11_10_01)),
            ),
            _mm_or_si128(
                _mm_cmpeq_epi32(x, _mm_shuffle_epi32(y, 0b01_00_11_10)),
                _mm_cmpeq_epi32(x, _mm_shuffle_epi32(y, 0b10_01_00_11)),
            ),
        );
        let mask = _mm_movemask_ps(_mm_castsi128_ps(eq)) as usize;
        for t in 0..4 {
            buf[k] = a[i + t] - a_off;
            k += (mask >> t) & 1;
        }
        let (x_max, y_max) = (a[i + 3] - a_off, b[j + 3] - b_off);
        i += 4 * (x_max <= y_max) as usize;
        j += 4 * (y_max <= x_max) as usize;
    }
    (k, i, j)
}

/// Sorts positions gathered from several postings lists: a radix sort on the bytes in use
/// (positions are below the corpus size), which beats a comparison sort on long lists.
pub fn sort_positions(v: &mut Vec<u32>) {
    if v.len() < 1 << 12 {
        v.sort_unstable();
        return;
    }
    let max = v.iter().copied().max().unwrap_or(0);
    let mut tmp = vec![0u32; v.len()];
    let mut shift = 0;
    while shift < 32 && max >> shift > 0 {
        let mut count = [0usize; 256];
        for &x in v.iter() {
            count[(x >> shift) as usize & 255] += 1;
        }
        let mut sum = 0;
        for c in count.iter_mut() {
            (*c, sum) = (sum, sum + *c);
        }
        for &x in v.iter() {
            let d = (x >> shift) as usize & 255;
            tmp[count[d]] = x;
            count[d] += 1;
        }
        std::mem::swap(v, &mut tmp);
        shift += 8;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use std::collections::BTreeSet;

    fn naive(a: &[u32], a_off: u32, b: &[u32], b_off: u32) -> Vec<u32> {
        let bs: BTreeSet<u32> = b.iter().filter_map(|&p| p.checked_sub(b_off)).collect();
        a.iter()
            .filter_map(|&p| p.checked_sub(a_off))
            .filter(|s| bs.contains(s))
            .collect()
    }

    fn positions(seed: &[u32], gap: u32) -> Vec<u32> {
        let mut p = 0u32;
        seed.iter()
            .map(|&d| {
                p += 1 + d % gap;
                p
            })
            .collect()
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(200))]
        /// Every path (blocks of four, the tail, galloping, the split over cores) gives the
        /// naive set intersection.
        #[test]
        fn intersection_is_the_set_intersection(
            da in proptest::collection::vec(0u32..1000, 0..3000),
            db in proptest::collection::vec(0u32..1000, 0..3000),
            gap_a in 1u32..40, gap_b in 1u32..40,
            a_off in 0u32..4, b_off in 0u32..4,
            parallel_min in prop_oneof![Just(0usize), Just(64), Just(usize::MAX)],
        ) {
            let (a, b) = (positions(&da, gap_a), positions(&db, gap_b));
            let want = naive(&a, a_off, &b, b_off);
            prop_assert_eq!(intersect_with(&a, a_off, &b, b_off, parallel_min), want.clone());
            prop_assert_eq!(intersect_with(&b, b_off, &a, a_off, parallel_min), want);
        }

        #[test]
        fn radix_sort_sorts(mut v in proptest::collection::vec(0u32..u32::MAX, 0..9000)) {
            let mut want = v.clone();
            want.sort_unstable();
            sort_positions(&mut v);
            prop_assert_eq!(v, want);
        }
    }

    #[test]
    fn long_lists_with_many_hits() {
        // Hits in every block, at every lane, across buffer flushes.
        let a: Vec<u32> = (0..60_000).map(|i| i * 3).collect();
        let b: Vec<u32> = (0..90_000).map(|i| i * 2 + 1).collect();
        for (ao, bo) in [(0, 0), (1, 0), (0, 1), (3, 2)] {
            let want = naive(&a, ao, &b, bo);
            assert!(want.len() > 3 * BUF, "{}", want.len());
            for par in [0, usize::MAX] {
                assert_eq!(intersect_with(&a, ao, &b, bo, par), want);
            }
        }
    }
}
