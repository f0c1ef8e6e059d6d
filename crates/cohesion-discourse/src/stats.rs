//! The statistics, as published. Each function's doc comment gives the formula; tests check
//! them against values computed by hand (see `tests` below for the arithmetic).
//!
//! Collocation notation (Evert 2008): for a node word with frequency f_n, a collocate with
//! frequency f_c, a window of `span` slots around each node occurrence, and N tokens:
//! O11 = co-occurrences in the window, R1 = f_n · span (slots looked at), C1 = f_c,
//! E11 = R1 · C1 / N, O12 = R1 − O11, O21 = C1 − O11, O22 = N − R1 − C1 + O11.
//!
//! Keyness notation: a = frequency in the target, b = in the reference, c and d = the sizes
//! of target and reference.

/// Observed 2×2 table for a node–collocate pair in a window.
#[derive(Debug, Clone, Copy)]
pub struct Cooc {
    pub o11: f64,
    pub f_node: f64,
    pub f_coll: f64,
    pub span: f64,
    pub n: f64,
}

impl Cooc {
    pub fn r1(&self) -> f64 {
        self.f_node * self.span
    }
    /// E11 = R1 · C1 / N
    pub fn e11(&self) -> f64 {
        self.r1() * self.f_coll / self.n
    }
    /// MI = log2(O11 / E11)
    pub fn mi(&self) -> f64 {
        (self.o11 / self.e11()).log2()
    }
    /// MI3 = log2(O11³ / E11)
    pub fn mi3(&self) -> f64 {
        (self.o11.powi(3) / self.e11()).log2()
    }
    /// t-score = (O11 − E11) / √O11
    pub fn t_score(&self) -> f64 {
        (self.o11 - self.e11()) / self.o11.sqrt()
    }
    /// z-score = (O11 − E11) / √E11
    pub fn z_score(&self) -> f64 {
        (self.o11 - self.e11()) / self.e11().sqrt()
    }
    /// Log-likelihood G² = 2 Σ Oij ln(Oij / Eij) over the four cells, Eij = Ri · Cj / N.
    pub fn log_likelihood(&self) -> f64 {
        let (r1, c1, n) = (self.r1(), self.f_coll, self.n);
        let o = [
            self.o11,
            r1 - self.o11,
            c1 - self.o11,
            n - r1 - c1 + self.o11,
        ];
        let e = [
            r1 * c1 / n,
            r1 * (n - c1) / n,
            (n - r1) * c1 / n,
            (n - r1) * (n - c1) / n,
        ];
        g2(&o, &e)
    }
    /// logDice = 14 + log2(2 · O11 / (f_node + f_coll)) (Rychlý 2008; at most 14).
    pub fn log_dice(&self) -> f64 {
        14.0 + (2.0 * self.o11 / (self.f_node + self.f_coll)).log2()
    }
    /// ΔP (collocate given node) = O11 / R1 − O21 / R2, with R2 = N − R1.
    pub fn delta_p(&self) -> f64 {
        let r1 = self.r1();
        self.o11 / r1 - (self.f_coll - self.o11) / (self.n - r1)
    }
}

/// 2 Σ O ln(O/E), with 0 · ln 0 = 0.
fn g2(o: &[f64], e: &[f64]) -> f64 {
    2.0 * o
        .iter()
        .zip(e)
        .filter(|(o, _)| **o > 0.0)
        .map(|(o, e)| o * (o / e).ln())
        .sum::<f64>()
}

/// Target vs reference frequencies for keyness.
#[derive(Debug, Clone, Copy)]
pub struct Keyness {
    pub a: f64,
    pub b: f64,
    pub c: f64,
    pub d: f64,
}

impl Keyness {
    fn cells(&self) -> ([f64; 4], [f64; 4]) {
        let (a, b, c, d) = (self.a, self.b, self.c, self.d);
        let n = c + d;
        let o = [a, b, c - a, d - b];
        let e = [
            c * (a + b) / n,
            d * (a + b) / n,
            c * (n - a - b) / n,
            d * (n - a - b) / n,
        ];
        (o, e)
    }
    /// 4-term log-likelihood (AntConc 4 default): G² = 2 Σ O ln(O/E) over the cells
    /// a, b, c−a, d−b, with E1 = c(a+b)/(c+d), E2 = d(a+b)/(c+d),
    /// E3 = c(c+d−a−b)/(c+d), E4 = d(c+d−a−b)/(c+d).
    pub fn log_likelihood(&self) -> f64 {
        let (o, e) = self.cells();
        g2(&o, &e)
    }
    /// Pearson's χ² = Σ (O − E)² / E over the same four cells (no Yates correction).
    pub fn chi_squared(&self) -> f64 {
        let (o, e) = self.cells();
        o.iter().zip(&e).map(|(o, e)| (o - e) * (o - e) / e).sum()
    }
    /// Log Ratio (Hardie 2014) = log2((a/c) / (b/d)); a zero a or b counts as 0.5.
    pub fn log_ratio(&self) -> f64 {
        let a = if self.a == 0.0 { 0.5 } else { self.a };
        let b = if self.b == 0.0 { 0.5 } else { self.b };
        ((a / self.c) / (b / self.d)).log2()
    }
    /// %DIFF (Gabrielatos & Marchi 2012) = (NF_t − NF_r) · 100 / NF_r with NF = per-million
    /// frequency; a zero b counts as 0.5 so the value stays finite.
    pub fn pct_diff(&self) -> f64 {
        let nf_t = self.a / self.c * 1e6;
        let nf_r = (if self.b == 0.0 { 0.5 } else { self.b }) / self.d * 1e6;
        (nf_t - nf_r) * 100.0 / nf_r
    }
    /// Simple maths (Kilgarriff; Sketch Engine) = (fpm_t + k) / (fpm_r + k), fpm = per million.
    pub fn simple_maths(&self, k: f64) -> f64 {
        (self.a / self.c * 1e6 + k) / (self.b / self.d * 1e6 + k)
    }
}

/// Upper-tail p-value of χ² with one degree of freedom: p = erfc(√(x/2)).
pub fn chi2_p1(x: f64) -> f64 {
    if x <= 0.0 {
        return 1.0;
    }
    erfc((x / 2.0).sqrt())
}

/// Complementary error function (Numerical Recipes `erfcc`, fractional error < 1.2e-7).
pub fn erfc(x: f64) -> f64 {
    let z = x.abs();
    let t = 1.0 / (1.0 + 0.5 * z);
    let r = t
        * (-z * z - 1.26551223
            + t * (1.00002368
                + t * (0.37409196
                    + t * (0.09678418
                        + t * (-0.18628806
                            + t * (0.27886807
                                + t * (-1.13520398
                                    + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277)))))))))
            .exp();
    if x >= 0.0 {
        r
    } else {
        2.0 - r
    }
}

/// Juilland's D over n equal-sized parts: D = 1 − V / √(n − 1), V = σ / μ of the
/// sub-frequencies (population σ). 1 = perfectly even, 0 = all in one part.
pub fn juilland_d(parts: &[f64]) -> f64 {
    let n = parts.len() as f64;
    let mean = parts.iter().sum::<f64>() / n;
    if n < 2.0 || mean == 0.0 {
        return f64::NAN;
    }
    let sd = (parts.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / n).sqrt();
    1.0 - (sd / mean) / (n - 1.0).sqrt()
}

/// Gries' DP = ½ Σ |v_i / f − s_i| with v_i the frequency in part i, f the total and s_i the
/// part's share of the corpus. 0 = distributed as expected, near 1 = concentrated.
pub fn gries_dp(freqs: &[f64], sizes: &[f64]) -> f64 {
    let f: f64 = freqs.iter().sum();
    let n: f64 = sizes.iter().sum();
    if f == 0.0 || n == 0.0 {
        return f64::NAN;
    }
    0.5 * freqs
        .iter()
        .zip(sizes)
        .map(|(v, s)| (v / f - s / n).abs())
        .sum::<f64>()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn close(a: f64, b: f64, tol: f64) {
        assert!((a - b).abs() <= tol, "{a} vs {b}");
    }

    #[test]
    fn keyness_by_hand() {
        // a = 10, b = 5, c = 1000, d = 2000, N = 3000.
        // E = [3000·… ] → E1 = 1000·15/3000 = 5, E2 = 2000·15/3000 = 10,
        // E3 = 1000·2985/3000 = 995, E4 = 2000·2985/3000 = 1990.
        // G² = 2[10 ln(10/5) + 5 ln(5/10) + 990 ln(990/995) + 1995 ln(1995/1990)]
        //    = 2[6.931472 − 3.465736 − 4.987416 + 5.006276] = 6.969192
        let k = Keyness {
            a: 10.0,
            b: 5.0,
            c: 1000.0,
            d: 2000.0,
        };
        close(k.log_likelihood(), 6.969192, 1e-5);
        // χ² = 25/5 + 25/10 + 25/995 + 25/1990 = 7.5 + 0.025126 + 0.012563 = 7.537688
        close(k.chi_squared(), 7.537688, 1e-6);
        // log2((10/1000)/(5/2000)) = log2(4) = 2
        close(k.log_ratio(), 2.0, 1e-12);
        // NF_t = 10000 pm, NF_r = 2500 pm → (10000 − 2500)·100/2500 = 300
        close(k.pct_diff(), 300.0, 1e-9);
        // (10000 + 1)/(2500 + 1) = 3.998800…
        close(k.simple_maths(1.0), 10001.0 / 2501.0, 1e-12);
        // zero in the reference: 0.5 stands in
        let z = Keyness {
            a: 4.0,
            b: 0.0,
            c: 100.0,
            d: 100.0,
        };
        close(z.log_ratio(), 3.0, 1e-12);
    }

    #[test]
    fn association_by_hand() {
        // node f = 20, collocate f = 50, window 4 slots (2 left + 2 right), N = 10 000, O11 = 8.
        // R1 = 80, E11 = 80·50/10000 = 0.4.
        let c = Cooc {
            o11: 8.0,
            f_node: 20.0,
            f_coll: 50.0,
            span: 4.0,
            n: 10_000.0,
        };
        close(c.e11(), 0.4, 1e-12);
        close(c.mi(), 20f64.log2(), 1e-12); // log2(8/0.4) = 4.321928
        close(c.mi3(), (512.0f64 / 0.4).log2(), 1e-12); // log2(1280) = 10.321928
        close(c.t_score(), 7.6 / 8f64.sqrt(), 1e-12); // 2.687006
        close(c.log_dice(), 14.0 + (16.0f64 / 70.0).log2(), 1e-12); // 11.870717
        close(c.delta_p(), 8.0 / 80.0 - 42.0 / 9920.0, 1e-12); // 0.095766
                                                               // G²: O = [8, 72, 42, 9878], E = [0.4, 79.6, 49.6, 9870.4]
                                                               // 2[8 ln 20 + 72 ln(72/79.6) + 42 ln(42/49.6) + 9878 ln(9878/9870.4)]
                                                               // = 2[23.965858 − 7.225054 − 6.985491 + 7.602925] = 34.716476
        close(c.log_likelihood(), 34.716476, 1e-5);
    }

    #[test]
    fn p_values_and_dispersion() {
        close(chi2_p1(3.841459), 0.05, 1e-6);
        close(chi2_p1(6.634897), 0.01, 1e-6);
        // parts [2, 2, 2, 2] → even → D = 1; [8, 0, 0, 0]: μ = 2, σ = √12 = 3.4641, V = 1.7321,
        // D = 1 − 1.7321/√3 = 0.
        close(juilland_d(&[2.0, 2.0, 2.0, 2.0]), 1.0, 1e-12);
        close(juilland_d(&[8.0, 0.0, 0.0, 0.0]), 0.0, 1e-12);
        // [3, 1] over equal parts: μ = 2, σ = 1, V = 0.5, D = 1 − 0.5/1 = 0.5
        close(juilland_d(&[3.0, 1.0]), 0.5, 1e-12);
        // DP: freqs [3, 1], sizes [50, 50] → ½(|0.75 − 0.5| + |0.25 − 0.5|) = 0.25
        close(gries_dp(&[3.0, 1.0], &[50.0, 50.0]), 0.25, 1e-12);
    }
}
