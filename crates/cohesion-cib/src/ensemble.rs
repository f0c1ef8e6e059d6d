//! Combining several judges' matrices over the same descriptors.
//!
//! * **mean**: each cell is the mean over the judges who scored it (cells left open with
//!   `?` are skipped, so a judge who abstains does not pull the mean to 0):
//!   `M̄[u][t] = Σ_{j scored} M_j[u][t] / #{j scored}`. To keep the engine in exact integer
//!   arithmetic the cells are stored multiplied by `L`, the lcm of the numbers of judges
//!   that scored each cell (just `J` when nobody abstained), and [`Cib::scale`] is set to
//!   `L`; every count divides `L`, so no rounding happens.
//! * **sum**: `Σ_j M_j[u][t]` (open cells count 0), scale 1.
//!
//! Per-judge results side by side are computed by the command from each judge's own matrix.

use crate::model::Cib;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Combine {
    Mean,
    Sum,
}

fn gcd(a: i64, b: i64) -> i64 {
    if b == 0 {
        a
    } else {
        gcd(b, a % b)
    }
}

/// Combine matrices that share descriptors and variants (checked by the caller with
/// [`Cib::same_structure`]). Returns `None` when the stored values would not fit `i32`
/// arithmetic safely (very many judges with ragged abstentions, or huge matrices).
pub fn combine(judges: &[Cib], how: Combine) -> Option<Cib> {
    let first = judges.first()?;
    let mut out = first.clone();
    out.judge = Some(format!(
        "{} of {} judges",
        match how {
            Combine::Mean => "mean",
            Combine::Sum => "sum",
        },
        judges.len()
    ));
    if judges
        .iter()
        .any(|j| j.provenance.as_deref() == Some("reconstructed"))
    {
        out.provenance = Some("reconstructed".into());
    }
    let lo = judges.iter().map(|j| j.range.0).min().unwrap_or(-3) as i64;
    let hi = judges.iter().map(|j| j.range.1).max().unwrap_or(3) as i64;
    // the mean is stored × L, with L the lcm of the judge counts that actually occur
    // (usually just J, when every judge scored every cell), so every mean is an integer
    let mut l = 1i64;
    for c in 0..first.cells.len() {
        let count = judges.iter().filter(|j| j.scored[c]).count() as i64;
        if count > 0 {
            l = l / gcd(l, count) * count;
        }
        if l > i32::MAX as i64 {
            return None;
        }
    }
    let (scale, range) = match how {
        Combine::Mean => (l, (lo * l, hi * l)),
        Combine::Sum => {
            let n = judges.len() as i64;
            (1, (lo * n, hi * n))
        }
    };
    // a balance sums one cell per descriptor and the total impact score one balance per
    // descriptor; keep both far from i32 overflow
    let nd = first.descriptors.len() as i64;
    let bound = range.1.max(-range.0).saturating_mul(nd).saturating_mul(nd);
    if bound > i32::MAX as i64 / 2 {
        return None;
    }
    for c in 0..out.cells.len() {
        let mut sum = 0i64;
        let mut count = 0i64;
        for j in judges {
            if j.scored[c] {
                sum += j.cells[c] as i64;
                count += 1;
            }
        }
        out.scored[c] = count > 0;
        out.cells[c] = match how {
            Combine::Mean if count > 0 => (sum * scale / count) as i32,
            Combine::Mean => 0,
            Combine::Sum => sum as i32,
        };
    }
    out.scale = scale as i32;
    out.range = (range.0 as i32, range.1 as i32);
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::random_cib;

    #[test]
    fn mean_skips_open_cells_and_is_exact() {
        let mut a = random_cib(&[2, 2], 1);
        let mut b = a.clone();
        let mut c = a.clone();
        // cell (0 -> 2): judges say 1, 2 and "not scored"
        a.set(0, 2, 1);
        b.set(0, 2, 2);
        c.set(0, 2, 0);
        let n = a.total_variants();
        c.scored[2] = false;
        let _ = n;
        let m = combine(&[a.clone(), b.clone(), c.clone()], Combine::Mean).unwrap();
        assert_eq!(m.scale, 6);
        // mean of 1 and 2 is 1.5, stored as 9 / 6
        assert_eq!(m.cell(0, 2), 9);
        let s = combine(&[a, b, c], Combine::Sum).unwrap();
        assert_eq!(s.cell(0, 2), 3);
        assert_eq!(s.scale, 1);
    }
}
