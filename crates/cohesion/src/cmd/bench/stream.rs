//! A STREAM-like copy (McCalpin's Copy kernel, `c[j] = a[j]`) on two arrays much larger than
//! the last-level cache: the streamable bandwidth B3 compares the model against.
//! As in STREAM, bytes counted are those read plus those written (2 × array bytes per pass);
//! the write-allocate traffic the hardware may add is not counted.

use rayon::prelude::*;
use std::hint::black_box;
use std::time::Instant;

/// Elements handed to one task in the threaded copy (4 MiB of f64).
const CHUNK: usize = 1 << 19;

/// Best-of-`tries` copy bandwidth in GB/s (10⁹ bytes per second) with arrays of `mib` MiB
/// each, on `threads` threads (0 = all cores).
pub fn copy_gbps(mib: usize, tries: usize, threads: usize) -> Result<f64, String> {
    let len = mib * (1 << 20) / std::mem::size_of::<f64>();
    // Filled with values, not zeroed, so every page is really mapped before the timing.
    let a: Vec<f64> = (0..len).map(|i| i as f64).collect();
    let mut c: Vec<f64> = vec![1.0; len];
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build()
        .map_err(|e| format!("cannot start the copy's threads: {e}"))?;
    let mut best = f64::INFINITY;
    for _ in 0..tries.max(1) {
        let started = Instant::now();
        if threads == 1 {
            c.copy_from_slice(&a);
        } else {
            pool.install(|| {
                c.par_chunks_mut(CHUNK)
                    .zip(a.par_chunks(CHUNK))
                    .for_each(|(dst, src)| dst.copy_from_slice(src))
            });
        }
        black_box(&mut c);
        best = best.min(started.elapsed().as_secs_f64());
    }
    let bytes = 2.0 * (len * std::mem::size_of::<f64>()) as f64;
    Ok(bytes / best / 1e9)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_copy_reports_a_positive_finite_rate() {
        let one = copy_gbps(4, 2, 1).unwrap();
        let all = copy_gbps(4, 2, 2).unwrap();
        assert!(one.is_finite() && one > 0.0);
        assert!(all.is_finite() && all > 0.0);
    }
}
