//! Word lists (frequency, range, dispersion) and n-grams.

use crate::index::open::Corpus;
use crate::stats::juilland_d;
use crate::subcorpus::Spans;
use cohesion_io::{Result, Table};
use std::collections::HashMap;

pub struct WordlistOptions {
    pub attr: String,
    pub min_freq: u64,
    pub top: Option<usize>,
    /// Equal-sized parts for Juilland's D.
    pub parts: usize,
}

/// Frequency, per-million rate, range (number of texts), Juilland's D over equal parts and
/// Gries' DP over texts, for every type with at least `min_freq` hits in `spans`.
pub fn wordlist(corpus: &Corpus, spans: &Spans, o: &WordlistOptions) -> Result<Table> {
    let a = corpus.attr(&o.attr)?;
    let ids = a.ids();
    let texts = corpus.structure("text")?;
    let size = spans.size().max(1);
    let parts = o.parts.max(2);
    let types = a.types();
    // Pass 1: frequency and per-part counts (dense: types × parts), no hashing.
    let mut freq = vec![0u64; types];
    let mut per_part = vec![0u32; types * parts];
    for (k, pos) in spans.positions().enumerate() {
        let id = ids[pos as usize] as usize;
        freq[id] += 1;
        per_part[id * parts + (k as u64 * parts as u64 / size) as usize] += 1;
    }
    // Pass 2, text by text: range, and DP accumulated as
    // DP = ½ (1 + Σ_{texts with v > 0} (|v/f − s| − s)), which equals ½ Σ_texts |v/f − s|
    // because texts without the type contribute s each and all s sum to 1.
    let mut range = vec![0u32; types];
    let mut dp_acc = vec![0f64; types];
    let mut count = vec![0u32; types];
    let mut touched: Vec<u32> = Vec::new();
    let mut flush = |touched: &mut Vec<u32>, count: &mut [u32], text_size: u64| {
        let s = text_size as f64 / size as f64;
        for &id in touched.iter() {
            let v = count[id as usize] as f64;
            range[id as usize] += 1;
            dp_acc[id as usize] += (v / freq[id as usize] as f64 - s).abs() - s;
            count[id as usize] = 0;
        }
        touched.clear();
    };
    let (mut ti, mut in_text, mut walk) = (usize::MAX, 0u64, 0usize);
    for pos in spans.positions() {
        // Positions ascend, so the text is found by walking forward.
        while walk + 1 < texts.len() && texts.span(walk).1 <= pos {
            walk += 1;
        }
        let t = walk;
        if t != ti {
            flush(&mut touched, &mut count, in_text);
            (ti, in_text) = (t, 0);
        }
        let id = ids[pos as usize];
        if count[id as usize] == 0 {
            touched.push(id);
        }
        count[id as usize] += 1;
        in_text += 1;
    }
    flush(&mut touched, &mut count, in_text);
    let mut rows: Vec<(u32, u64)> = freq
        .iter()
        .enumerate()
        .filter(|(_, &f)| f >= o.min_freq.max(1))
        .map(|(i, &f)| (i as u32, f))
        .collect();
    rows.sort_by(|x, y| y.1.cmp(&x.1).then(a.str_of(x.0).cmp(a.str_of(y.0))));
    let mut t = Table::new([
        "rank",
        "type",
        "freq",
        "per_million",
        "range",
        "juilland_d",
        "dp",
    ]);
    for (rank, (id, f)) in rows
        .into_iter()
        .take(o.top.unwrap_or(usize::MAX))
        .enumerate()
    {
        let i = id as usize;
        let pv: Vec<f64> = per_part[i * parts..(i + 1) * parts]
            .iter()
            .map(|&c| c as f64)
            .collect();
        t.push(vec![
            (rank + 1).into(),
            a.str_of(id).into(),
            (f as i64).into(),
            (f as f64 * 1e6 / size as f64).into(),
            range[i].into(),
            juilland_d(&pv).into(),
            (0.5 * (1.0 + dp_acc[i])).into(),
        ]);
    }
    Ok(t)
}

pub struct NgramOptions {
    pub attr: String,
    pub n: usize,
    pub min_freq: u64,
    pub top: Option<usize>,
    /// Leave out n-grams containing punctuation (tokens without a letter or digit).
    pub skip_punct: bool,
}

/// N-grams within sentences, with frequency and range (texts).
pub fn ngrams(corpus: &Corpus, spans: &Spans, o: &NgramOptions) -> Result<Table> {
    let a = corpus.attr(&o.attr)?;
    let ids = a.ids();
    let sents = corpus.structure("s")?;
    let texts = corpus.structure("text")?;
    let n = o.n.clamp(1, 10);
    let punct: Vec<bool> = (0..a.types() as u32)
        .map(|i| !a.str_of(i).chars().any(char::is_alphanumeric))
        .collect();
    let mut counts: HashMap<&[u32], (u64, u32, usize)> = HashMap::new();
    for si in 0..sents.len() {
        let (s, e) = sents.span(si);
        if !spans.contains(s) {
            continue;
        }
        let text = texts.find(s).unwrap_or(0);
        for w in ids[s as usize..e as usize].windows(n) {
            if o.skip_punct && w.iter().any(|&i| punct[i as usize]) {
                continue;
            }
            let entry = counts.entry(w).or_insert((0, 0, usize::MAX));
            entry.0 += 1;
            if entry.2 != text {
                entry.1 += 1;
                entry.2 = text;
            }
        }
    }
    let mut rows: Vec<(&[u32], u64, u32)> = counts
        .into_iter()
        .filter(|(_, v)| v.0 >= o.min_freq)
        .map(|(k, v)| (k, v.0, v.1))
        .collect();
    let text_of = |k: &[u32]| k.iter().map(|&i| a.str_of(i)).collect::<Vec<_>>().join(" ");
    rows.sort_by(|x, y| y.1.cmp(&x.1).then_with(|| text_of(x.0).cmp(&text_of(y.0))));
    let mut t = Table::new(["rank", "ngram", "freq", "range"]);
    for (rank, (k, f, r)) in rows
        .into_iter()
        .take(o.top.unwrap_or(usize::MAX))
        .enumerate()
    {
        t.push(vec![
            (rank + 1).into(),
            text_of(k).into(),
            (f as i64).into(),
            r.into(),
        ]);
    }
    Ok(t)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testutil::transcripts;
    use cohesion_io::Cell;

    #[test]
    fn frequencies_range_and_dispersion() {
        let (c, dir) = transcripts(&[("a", "A (x): wij wij zij"), ("b", "B (x): wij zij zij zij")]);
        let o = WordlistOptions {
            attr: "lower".into(),
            min_freq: 1,
            top: None,
            parts: 2,
        };
        let t = wordlist(&c, &Spans::all(&c), &o).unwrap();
        // zij: 4 (1 in a, 3 in b); wij: 3 (2 in a, 1 in b); 7 tokens; parts are positions 0–3 and 4–6
        assert_eq!(t.rows[0][1], "zij".into());
        assert_eq!(t.rows[0][2], Cell::Int(4));
        assert_eq!(t.rows[0][4], Cell::Int(2));
        // zij per part: position 2 | 4, 5, 6 → [1, 3] → D = 0.5 (see stats tests)
        assert_eq!(t.rows[0][5], Cell::Float(0.5));
        // DP for zij: freqs [1, 3] of 4, text sizes [3, 4] of 7 → ½(|.25−3/7| + |.75−4/7|) = 0.178571…
        let Cell::Float(dp) = t.rows[0][6] else {
            panic!()
        };
        assert!((dp - (0.25f64 - 3.0 / 7.0).abs()).abs() < 1e-12);
        let sub = Spans::select(&c, "text.id=b").unwrap();
        let t = wordlist(&c, &sub, &o).unwrap();
        assert_eq!(t.rows[1][2], Cell::Int(1), "wij once in text b");
        std::fs::remove_dir_all(dir).unwrap();
    }

    /// The one-pass DP equals Gries' formula, also with texts lacking the word.
    #[test]
    fn dispersion_matches_the_formula_with_absent_texts() {
        let (c, dir) = transcripts(&[
            ("a", "A (x): wij en wij"),
            ("b", "B (x): zij en"),
            ("c", "C (x): wij"),
        ]);
        let o = WordlistOptions {
            attr: "lower".into(),
            min_freq: 1,
            top: None,
            parts: 2,
        };
        let t = wordlist(&c, &Spans::all(&c), &o).unwrap();
        let wij = t.rows.iter().find(|r| r[1] == "wij".into()).unwrap();
        let Cell::Float(dp) = wij[6] else { panic!() };
        let expected = crate::stats::gries_dp(&[2.0, 0.0, 1.0], &[3.0, 2.0, 1.0]);
        assert!((dp - expected).abs() < 1e-12, "{dp} vs {expected}");
        assert_eq!(wij[4], Cell::Int(2));
        std::fs::remove_dir_all(dir).unwrap();
    }

    #[test]
    fn ngrams_stay_inside_sentences() {
        let (c, dir) = transcripts(&[("a", "A (x): wij moeten nu. wij moeten dat. Wij moeten")]);
        let o = NgramOptions {
            attr: "lower".into(),
            n: 2,
            min_freq: 2,
            top: None,
            skip_punct: true,
        };
        let t = ngrams(&c, &Spans::all(&c), &o).unwrap();
        assert_eq!(t.rows.len(), 1);
        assert_eq!(t.rows[0][1], "wij moeten".into());
        assert_eq!(t.rows[0][2], Cell::Int(3));
        std::fs::remove_dir_all(dir).unwrap();
    }
}
