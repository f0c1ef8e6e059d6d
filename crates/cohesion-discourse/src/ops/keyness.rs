//! Keyness of a target subcorpus against a reference subcorpus (the rest of the corpus by
//! default) or against a reference frequency list such as wordfreq's Dutch list.

use crate::index::open::{Attribute, Corpus};
use crate::stats::{chi2_p1, Keyness};
use crate::subcorpus::Spans;
use cohesion_io::{Error, Result, Table};
use rayon::prelude::*;
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

/// The command line's defaults: lower-case words, p < 0.05, at least 3 uses, over-used words
/// only, simple maths with k = 1, every row.
impl Default for KeynessOptions {
    fn default() -> Self {
        KeynessOptions {
            attr: "lower".into(),
            max_p: 0.05,
            min_log_ratio: 0.0,
            min_freq: 3,
            negative: false,
            simple_maths_k: 1.0,
            top: None,
        }
    }
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

/// Each type's frequency inside `spans`: from the postings (two binary searches per type and
/// span) when the subcorpus is a few long spans, such as halves of the corpus; otherwise by
/// reading its tokens. Both give the same counts.
pub fn type_counts(a: &Attribute, spans: &Spans) -> Vec<u64> {
    let searches = a.types() as u64 * spans.0.len() as u64;
    if searches.saturating_mul(16) < spans.size() {
        counts_from_postings(a, spans)
    } else {
        counts_by_scan(a, spans)
    }
}

fn counts_by_scan(a: &Attribute, spans: &Spans) -> Vec<u64> {
    let ids = a.ids();
    let mut f = vec![0u64; a.types()];
    for p in spans.positions() {
        f[ids[p as usize] as usize] += 1;
    }
    f
}

fn counts_from_postings(a: &Attribute, spans: &Spans) -> Vec<u64> {
    (0..a.types() as u32)
        .into_par_iter()
        .map(|id| {
            let post = a.postings(id);
            spans
                .0
                .iter()
                .map(|&(from, to)| {
                    // Spans reaching the corpus' ends need no search on that side.
                    let before = |x: u32| match x {
                        0 => 0,
                        x if post.last().is_none_or(|&l| l < x) => post.len(),
                        x => post.partition_point(|&p| p < x),
                    };
                    (before(to) - before(from)) as u64
                })
                .sum()
        })
        .collect()
}

pub fn keyness(
    corpus: &Corpus,
    target: &Spans,
    reference: &Reference,
    o: &KeynessOptions,
) -> Result<Table> {
    let a = corpus.attr(&o.attr)?;
    let count = |spans: &Spans| type_counts(a, spans);
    let ft = count(target);
    let c = target.size() as f64;
    let (fr, d): (Box<dyn Fn(u32) -> f64 + Sync>, f64) = match reference {
        // The rest of the corpus (the default): its counts are the totals minus the target's.
        Reference::Spans(s) if *s == target.complement(corpus) => (
            Box::new(|id| (a.freq(id) - ft[id as usize]) as f64),
            s.size() as f64,
        ),
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
    // Types are scored on all cores; `collect` keeps id order.
    let mut rows: Vec<(u32, Keyness, f64, f64)> = (0..a.types() as u32)
        .into_par_iter()
        .filter_map(|id| {
            let k = Keyness {
                a: ft[id as usize] as f64,
                b: fr(id),
                c,
                d,
            };
            if k.a + k.b < o.min_freq as f64 || k.a < 1.0 && !o.negative {
                return None;
            }
            let positive = k.a / c >= k.b / d;
            let ll = k.log_likelihood();
            let p = chi2_p1(ll);
            if (!positive && !o.negative) || p >= o.max_p || k.log_ratio().abs() < o.min_log_ratio {
                return None;
            }
            Some((id, k, ll, p))
        })
        .collect();
    // Highest G² first, then by string: the lexicon is sorted bytewise, so id order is string
    // order. Only the rows shown are sorted.
    let order = |x: &(u32, Keyness, f64, f64), y: &(u32, Keyness, f64, f64)| {
        y.2.total_cmp(&x.2).then(x.0.cmp(&y.0))
    };
    let top = o.top.unwrap_or(usize::MAX).min(rows.len());
    if top > 0 && top < rows.len() {
        rows.select_nth_unstable_by(top - 1, order);
        rows.truncate(top);
    }
    rows.sort_unstable_by(order);
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
    for (id, k, ll, p) in rows {
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

    /// Counting from the postings and reading the tokens agree on any set of spans.
    #[test]
    fn postings_counts_equal_scanned_counts() {
        let (c, dir) = transcripts(&[
            ("a", "A (x): wij en wij. zij doen het niet."),
            ("b", "B (x): zij en\nC (y): wij doen het samen. ja. en nee."),
        ]);
        let a = c.attr("lower").unwrap();
        let n = c.len();
        let mut checked = 0;
        for from in 0..n {
            for to in from..=n {
                for (x, y) in [(0, 0), (0, 1), (to, n), (to.saturating_add(2).min(n), n)] {
                    let spans = if y > x && x >= to {
                        Spans(vec![(from, to), (x, y)])
                    } else {
                        Spans(vec![(from, to)])
                    };
                    assert_eq!(
                        counts_from_postings(a, &spans),
                        counts_by_scan(a, &spans),
                        "{spans:?}"
                    );
                    checked += 1;
                }
            }
        }
        assert!(checked > 100);
        let half = Spans(vec![(0, n / 2)]);
        assert_eq!(type_counts(a, &half), counts_by_scan(a, &half));
        std::fs::remove_dir_all(dir).unwrap();
    }

    /// The rest of the corpus as reference (counts = totals − target) gives the same table as
    /// the same tokens given as other spans (counted).
    #[test]
    fn complement_reference_equals_counted_reference() {
        let (c, dir) = transcripts(&[
            ("a", "A (x): wij en wij. zij doen het niet. wij wij"),
            (
                "b",
                "B (x): zij en\nC (y): wij doen het samen. ja. en nee. zij zij",
            ),
        ]);
        let target = Spans::select(&c, "text.id=a").unwrap();
        let rest = target.complement(&c);
        assert_eq!(rest.0.len(), 1);
        let (from, to) = rest.0[0];
        let split = Spans(vec![(from, from + 3), (from + 3, to)]);
        let by_complement = keyness(&c, &target, &Reference::Spans(rest.clone()), &opts()).unwrap();
        let counted = keyness(&c, &target, &Reference::Spans(split), &opts()).unwrap();
        assert!(by_complement.rows.len() > 3);
        assert_eq!(by_complement.rows, counted.rows);
        std::fs::remove_dir_all(dir).unwrap();
    }
}
