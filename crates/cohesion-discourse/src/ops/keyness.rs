//! Keyness of a target subcorpus against a reference subcorpus (the rest of the corpus by
//! default) or against a reference frequency list such as wordfreq's Dutch list.

use crate::index::open::Corpus;
use crate::stats::{chi2_p1, Keyness};
use crate::subcorpus::Spans;
use cohesion_io::{Error, Result, Table};
use std::collections::HashMap;
use std::path::Path;

pub struct KeynessOptions {
    pub attr: String,
    /// Keep rows with p below this (from the 4-term G², 1 df).
    pub max_p: f64,
    /// Keep rows with |log ratio| at least this.
    pub min_log_ratio: f64,
    pub min_freq: u64,
    /// Include words under-used in the target.
    pub negative: bool,
    /// The `k` of simple maths.
    pub simple_maths_k: f64,
    pub top: Option<usize>,
}

pub enum Reference {
    Spans(Spans),
    /// Frequencies by type and the reference size `d`.
    List(HashMap<String, f64>, f64),
}

/// Read a reference list: `word<TAB>value` lines, `#` comments. Values that are all whole
/// numbers are counts (d = their sum); otherwise proportions (wordfreq), turned into counts
/// for a nominal reference of `nominal_size` tokens.
pub fn read_reference_list(path: &Path, nominal_size: f64) -> Result<(HashMap<String, f64>, f64)> {
    let text = crate::import::read::read_text(path, false)?;
    let mut m = HashMap::new();
    let mut all_counts = true;
    for (i, line) in text.lines().enumerate() {
        if line.starts_with('#') || line.trim().is_empty() {
            continue;
        }
        let mut cols = line.split('\t');
        let (Some(w), Some(v)) = (cols.next(), cols.next()) else {
            return Err(Error::at(
                path,
                Some(i + 1),
                None,
                "expected `word<TAB>frequency`",
            ));
        };
        let v: f64 = v.trim().parse().map_err(|_| {
            Error::at(
                path,
                Some(i + 1),
                Some("frequency"),
                format!("`{v}` is not a number"),
            )
        })?;
        if !(v.is_finite() && v >= 0.0) {
            return Err(Error::at(
                path,
                Some(i + 1),
                Some("frequency"),
                "must be a non-negative number",
            ));
        }
        all_counts &= v.fract() == 0.0 && v >= 1.0;
        *m.entry(w.to_string()).or_insert(0.0) += v;
    }
    if m.is_empty() {
        return Err(Error::at(
            path,
            None,
            None,
            "no frequencies in the reference list",
        ));
    }
    if all_counts {
        let d = m.values().sum();
        Ok((m, d))
    } else {
        m.values_mut().for_each(|v| *v *= nominal_size);
        Ok((m, nominal_size))
    }
}

pub fn keyness(
    corpus: &Corpus,
    target: &Spans,
    reference: &Reference,
    o: &KeynessOptions,
) -> Result<Table> {
    let a = corpus.attr(&o.attr)?;
    let ids = a.ids();
    let count = |spans: &Spans| {
        let mut f = vec![0u64; a.types()];
        for p in spans.positions() {
            f[ids[p as usize] as usize] += 1;
        }
        f
    };
    let ft = count(target);
    let c = target.size() as f64;
    let (fr, d): (Box<dyn Fn(u32) -> f64>, f64) = match reference {
        Reference::Spans(s) => {
            let f = count(s);
            (Box::new(move |id| f[id as usize] as f64), s.size() as f64)
        }
        Reference::List(m, d) => (
            Box::new(|id| m.get(a.str_of(id)).copied().unwrap_or(0.0)),
            *d,
        ),
    };
    if c == 0.0 || d == 0.0 {
        return Err(Error::input(
            "keyness needs a non-empty target and reference",
        ));
    }
    let mut rows = Vec::new();
    for id in 0..a.types() as u32 {
        let k = Keyness {
            a: ft[id as usize] as f64,
            b: fr(id),
            c,
            d,
        };
        if k.a + k.b < o.min_freq as f64 || k.a < 1.0 && !o.negative {
            continue;
        }
        let positive = k.a / c >= k.b / d;
        let ll = k.log_likelihood();
        let p = chi2_p1(ll);
        if (!positive && !o.negative) || p >= o.max_p || k.log_ratio().abs() < o.min_log_ratio {
            continue;
        }
        rows.push((id, k, ll, p));
    }
    rows.sort_by(|x, y| y.2.total_cmp(&x.2).then(a.str_of(x.0).cmp(a.str_of(y.0))));
    let mut t = Table::new([
        "type",
        "freq_target",
        "freq_reference",
        "per_million_target",
        "per_million_reference",
        "log_likelihood",
        "p",
        "chi_squared",
        "log_ratio",
        "pct_diff",
        "simple_maths",
    ]);
    for (id, k, ll, p) in rows.into_iter().take(o.top.unwrap_or(usize::MAX)) {
        t.push(vec![
            a.str_of(id).into(),
            k.a.into(),
            k.b.into(),
            (k.a / c * 1e6).into(),
            (k.b / d * 1e6).into(),
            ll.into(),
            p.into(),
            k.chi_squared().into(),
            k.log_ratio().into(),
            k.pct_diff().into(),
            k.simple_maths(o.simple_maths_k).into(),
        ]);
    }
    t.notes.push(format!(
        "target {c} tokens, reference {d} tokens; 4-term log-likelihood, p < {}",
        o.max_p
    ));
    Ok(t)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testutil::{scratch, transcripts};
    use cohesion_io::Cell;

    fn opts() -> KeynessOptions {
        KeynessOptions {
            attr: "lower".into(),
            max_p: 1.0,
            min_log_ratio: 0.0,
            min_freq: 1,
            negative: true,
            simple_maths_k: 1.0,
            top: None,
        }
    }

    #[test]
    fn subcorpora_by_metadata() {
        let (c, dir) = transcripts(&[(
            "a",
            "Ann (burger): wij wij wij zij\nBen (expert): zij zij zij wij",
        )]);
        let target = Spans::select(&c, "role=burger").unwrap();
        let reference = Reference::Spans(target.complement(&c));
        let t = keyness(&c, &target, &reference, &opts()).unwrap();
        let wij = t.rows.iter().find(|r| r[0] == "wij".into()).unwrap();
        // a = 3, b = 1, c = d = 4: the hand-checked formulas in stats give the rest
        let k = Keyness {
            a: 3.0,
            b: 1.0,
            c: 4.0,
            d: 4.0,
        };
        assert_eq!(wij[5], Cell::Float(k.log_likelihood()));
        assert_eq!(wij[8], Cell::Float(3f64.log2()));
        let mut o = opts();
        o.negative = false;
        let t = keyness(&c, &target, &reference, &o).unwrap();
        assert_eq!(t.rows.len(), 1, "only the over-used word");
        std::fs::remove_dir_all(dir).unwrap();
    }

    #[test]
    fn reference_list_of_proportions() {
        let (c, dir) = transcripts(&[("a", "Ann (x): digitalisering de de de")]);
        let p = scratch("reflist").join("ref.tsv");
        std::fs::write(&p, "# word\tfrequency\nde\t0.05\ndigitalisering\t0.00001\n").unwrap();
        let (m, d) = read_reference_list(&p, 1e9).unwrap();
        assert_eq!(d, 1e9);
        assert!((m["de"] - 5e7).abs() < 1e-3);
        let t = keyness(&c, &Spans::all(&c), &Reference::List(m, d), &opts()).unwrap();
        assert_eq!(t.rows[0][0], "digitalisering".into());
        std::fs::write(&p, "de\tlots\n").unwrap();
        let e = read_reference_list(&p, 1e9).unwrap_err();
        assert!(e.message().contains(":1: field `frequency`"), "{e}");
        std::fs::remove_dir_all(dir).unwrap();
    }
}
