//! Counter-based random streams.
//!
//! Every draw is a pure function of `(seed, step, agent, purpose)`: no generator state is
//! shared between agents or threads, so the same seed gives the same numbers whichever thread
//! handles which agent. A [`Stream`] is a tiny SplitMix64 sequence keyed by that tuple.

/// The SplitMix64 finaliser (Steele, Lea & Flood 2014): a bijective 64-bit mixer.
#[inline]
pub fn mix(mut z: u64) -> u64 {
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

/// Hash a key of several words into one.
#[inline]
pub fn key(parts: &[u64]) -> u64 {
    let mut h = 0x6a09_e667_f3bc_c909u64;
    for &p in parts {
        h = mix(h ^ p.wrapping_mul(0x9e37_79b9_7f4a_7c15));
    }
    h
}

/// What a draw is for; keeps streams of different mechanisms independent.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[repr(u64)]
pub enum Purpose {
    Synthesis = 1,
    Foci,
    Demography,
    Technology,
    Appropriation,
    TieDecay,
    TieFormation,
    Opinion,
    Encounter,
    Participation,
    Withdrawal,
    Policy,
    Economy,
    /// Setting up a classic benchmark model (placement, graph, initial opinions).
    ClassicSetup,
    /// Activation order and draws of a classic benchmark model's step.
    ClassicStep,
    /// The users an online platform samples each month as its candidates.
    Platform,
    /// A candidate's answer to a proposed tie.
    TieAcceptance,
}

#[derive(Clone, Debug)]
pub struct Stream {
    state: u64,
}

impl Stream {
    pub fn new(seed: u64, step: u64, agent: u64, purpose: Purpose) -> Self {
        Stream {
            state: key(&[seed, step, agent, purpose as u64]),
        }
    }

    /// A stream keyed by a precomputed base (`key(&[seed, step, purpose])`) and an id: one mix
    /// instead of four, for loops that open a stream per agent or per tie.
    #[inline]
    pub fn keyed(base: u64, id: u64) -> Self {
        Stream {
            state: mix(base ^ id.wrapping_mul(0xd605_bbb5_8c8a_bd6b)),
        }
    }

    /// The base for [`Stream::keyed`].
    pub fn base(seed: u64, step: u64, purpose: Purpose) -> u64 {
        key(&[seed, step, u64::MAX, purpose as u64])
    }

    /// A pair's id for [`Stream::keyed`], the same from both ends.
    #[inline]
    pub fn pair_id(a: u32, b: u32) -> u64 {
        let (lo, hi) = if a < b { (a, b) } else { (b, a) };
        ((lo as u64) << 32) | hi as u64
    }

    /// A stream for a pair of agents that both sides derive identically (order-free).
    pub fn pair(seed: u64, step: u64, a: u32, b: u32, purpose: Purpose) -> Self {
        let (lo, hi) = if a < b { (a, b) } else { (b, a) };
        Stream::new(seed, step, ((lo as u64) << 32) | hi as u64, purpose)
    }

    #[inline]
    pub fn next_u64(&mut self) -> u64 {
        self.state = self.state.wrapping_add(0x9e37_79b9_7f4a_7c15);
        mix(self.state)
    }

    /// Uniform in [0, 1) with 53 random bits.
    #[inline]
    pub fn uniform(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 * (1.0 / (1u64 << 53) as f64)
    }

    #[inline]
    pub fn chance(&mut self, p: f64) -> bool {
        self.uniform() < p
    }

    /// Uniform integer in 0..n (Lemire's multiply-shift; the bias is below 2^-32 for n < 2^32).
    #[inline]
    pub fn below(&mut self, n: usize) -> usize {
        (((self.next_u64() >> 32) * n as u64) >> 32) as usize
    }

    /// Standard normal (Box–Muller, one value per call).
    pub fn normal(&mut self) -> f64 {
        let u1 = 1.0 - self.uniform();
        let u2 = self.uniform();
        (-2.0 * u1.ln()).sqrt() * (std::f64::consts::TAU * u2).cos()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn streams_are_pure_functions_of_their_key() {
        let a: Vec<u64> = (0..4)
            .map(|_| 0)
            .scan(Stream::new(7, 3, 11, Purpose::Opinion), |s, _| {
                Some(s.next_u64())
            })
            .collect();
        let b: Vec<u64> = (0..4)
            .map(|_| 0)
            .scan(Stream::new(7, 3, 11, Purpose::Opinion), |s, _| {
                Some(s.next_u64())
            })
            .collect();
        assert_eq!(a, b);
        let c = Stream::new(7, 3, 11, Purpose::Encounter).next_u64();
        assert_ne!(a[0], c);
        assert_eq!(
            Stream::pair(1, 2, 5, 9, Purpose::TieDecay).next_u64(),
            Stream::pair(1, 2, 9, 5, Purpose::TieDecay).next_u64()
        );
    }

    #[test]
    fn uniform_and_normal_have_the_right_moments() {
        let mut s = Stream::new(1, 0, 0, Purpose::Synthesis);
        let n = 200_000;
        let (mut su, mut sn, mut sn2) = (0.0, 0.0, 0.0);
        let mut counts = [0usize; 10];
        for _ in 0..n {
            let u = s.uniform();
            assert!((0.0..1.0).contains(&u));
            su += u;
            counts[s.below(10)] += 1;
            let z = s.normal();
            sn += z;
            sn2 += z * z;
        }
        assert!((su / n as f64 - 0.5).abs() < 0.005);
        assert!((sn / n as f64).abs() < 0.01);
        assert!((sn2 / n as f64 - 1.0).abs() < 0.02);
        for c in counts {
            assert!((c as f64 / n as f64 - 0.1).abs() < 0.005);
        }
    }
}
