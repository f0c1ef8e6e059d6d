//! A small seeded generator (SplitMix64, Steele et al. 2014). Sampling needs only uniform
//! integers, and each parallel chunk gets its own stream derived from the seed and the chunk
//! index, so results do not depend on how rayon schedules the chunks.

#[derive(Debug, Clone)]
pub struct SplitMix64 {
    state: u64,
}

impl SplitMix64 {
    pub fn new(seed: u64) -> Self {
        SplitMix64 { state: seed }
    }

    /// The stream for chunk `index` of a run seeded with `seed`: the pair is mixed through
    /// one SplitMix step each so neighbouring chunks get unrelated streams.
    pub fn for_chunk(seed: u64, index: u64) -> Self {
        let mut a = SplitMix64::new(seed);
        let s = a.next_u64() ^ index.wrapping_mul(0xD1B5_4A32_D192_ED03);
        let mut b = SplitMix64::new(s);
        SplitMix64::new(b.next_u64())
    }

    pub fn next_u64(&mut self) -> u64 {
        self.state = self.state.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.state;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform integer in `0..n` (Lemire's multiply-shift; the bias for n < 2^16 is below
    /// 2^-48 and irrelevant here).
    pub fn below(&mut self, n: u64) -> u64 {
        ((self.next_u64() as u128 * n as u128) >> 64) as u64
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn same_seed_same_stream_and_chunks_differ() {
        let a: Vec<u64> = (0..4).map(|_| SplitMix64::new(7).next_u64()).collect();
        assert!(a.iter().all(|&x| x == a[0]));
        let c0 = SplitMix64::for_chunk(7, 0).next_u64();
        let c1 = SplitMix64::for_chunk(7, 1).next_u64();
        assert_ne!(c0, c1);
        let mut r = SplitMix64::new(3);
        let mut seen = [0u32; 7];
        for _ in 0..7000 {
            seen[r.below(7) as usize] += 1;
        }
        assert!(seen.iter().all(|&c| c > 800 && c < 1200), "{seen:?}");
    }
}
