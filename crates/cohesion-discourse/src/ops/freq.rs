//! Word lists (frequency, range, dispersion) and n-grams.

use super::dispersion;
use crate::index::open::Corpus;
use crate::stats::juilland_d;
use crate::subcorpus::Spans;
use cohesion_io::{Result, Table};
use rayon::prelude::*;
use std::collections::HashMap;

pub struct WordlistOptions {
    pub attr: String,
    pub min_freq: u64,
    pub top: Option<usize>,
    /// Equal-sized parts for Juilland's D.
    pub parts: usize,
}

/// Frequency, per-million rate, range (number of texts), Juilland's D over equal parts and
/// Gries' DP over texts, for every type with at least `min_freq` hits in `spans`; most frequent
/// first, then by string. On the whole corpus the counts come from the postings of the types
/// shown ([`dispersion::from_postings`]); on a subcorpus from a scan of its tokens.
pub fn wordlist(corpus: &Corpus, spans: &Spans, o: &WordlistOptions) -> Result<Table> {
    let texts = corpus.structure("text")?;
    let whole = *spans == Spans::all(corpus) && !texts.is_empty();
    wordlist_with(corpus, spans, o, whole)
}

fn wordlist_with(
    corpus: &Corpus,
    spans: &Spans,
    o: &WordlistOptions,
    from_postings: bool,
) -> Result<Table> {
    let a = corpus.attr(&o.attr)?;
    let texts = corpus.structure("text")?;
    let size = spans.size().max(1);
    let parts = o.parts.max(2);
    enum Source {
        Scan(dispersion::Scan),
        Postings(dispersion::Texts),
    }
    let source = if from_postings {
        Source::Postings(dispersion::Texts::new(texts, corpus.len()))
    } else {
        Source::Scan(dispersion::Scan::new(
            a.ids(),
            a.types(),
            texts,
            spans,
            parts,
        ))
    };
    let freq = |id: u32| match &source {
        Source::Scan(s) => s.freq[id as usize],
        Source::Postings(_) => a.freq(id),
    };
    let mut rows: Vec<(u32, u64)> = (0..a.types() as u32)
        .map(|id| (id, freq(id)))
        .filter(|&(_, f)| f >= o.min_freq.max(1))
        .collect();
    // The lexicon is sorted bytewise, so id order is string order.
    let order = |x: &(u32, u64), y: &(u32, u64)| y.1.cmp(&x.1).then(x.0.cmp(&y.0));
    let top = o.top.unwrap_or(usize::MAX).min(rows.len());
    if top > 0 && top < rows.len() {
        rows.select_nth_unstable_by(top - 1, order);
        rows.truncate(top);
    }
    rows.sort_unstable_by(order);
    let mut t = Table::new([
        "rank",
        "type",
        "freq",
        "per_million",
        "range",
        "juilland_d",
        "dp",
    ]);
    // Types are independent: their dispersions are computed on all cores, in row order.
    let dispersions: Vec<dispersion::Dispersion> = rows
        .par_iter()
        .map(|&(id, _)| match &source {
            Source::Scan(s) => s.get(id),
            Source::Postings(tx) => dispersion::from_postings(a, id, tx, parts),
        })
        .collect();
    for (rank, ((id, f), d)) in rows.into_iter().zip(dispersions).enumerate() {
        let pv: Vec<f64> = d.parts.iter().map(|&c| c as f64).collect();
        t.push(vec![
            (rank + 1).into(),
            a.str_of(id).into(),
            (f as i64).into(),
            (f as f64 * 1e6 / size as f64).into(),
            d.range.into(),
            juilland_d(&pv).into(),
            (0.5 * (1.0 + d.dp_sum)).into(),
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

    /// The whole corpus' word list from postings equals the token scan, number for number,
    /// with a top-N cut, texts of different sizes and parts that split texts.
    #[test]
    fn postings_and_scan_give_identical_word_lists() {
        let (c, dir) = transcripts(&[
            ("a", "A (x): wij en wij. zij doen het niet."),
            ("b", "B (x): zij en"),
            ("c", "C (x): wij\nD (y): en zij en wij doen het samen. ja."),
            ("d", "E (x): niemand"),
        ]);
        for (parts, top, min_freq) in [
            (2, None, 1),
            (3, Some(4), 1),
            (7, Some(2), 2),
            (10, None, 3),
        ] {
            for attr in ["lower", "word"] {
                let o = WordlistOptions {
                    attr: attr.into(),
                    min_freq,
                    top,
                    parts,
                };
                let all = Spans::all(&c);
                let fast = wordlist_with(&c, &all, &o, true).unwrap();
                let scan = wordlist_with(&c, &all, &o, false).unwrap();
                assert!(!fast.rows.is_empty());
                assert_eq!(fast.rows, scan.rows, "parts {parts}, top {top:?}, {attr}");
            }
        }
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
