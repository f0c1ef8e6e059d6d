//! Distribution of a query's hits over a metadata attribute: hits, tokens and hits per
//! 10 000 tokens for each value.

use crate::cqp::{run_script, Match, Strategy};
use crate::index::open::Corpus;
use crate::subcorpus::resolve;
use cohesion_io::{Result, Table};
use std::collections::BTreeMap;

fn all_hits(corpus: &Corpus, query: &str, strategy: Strategy) -> Result<Vec<Match>> {
    Ok(run_script(corpus, query, strategy, None)?.matches)
}

pub fn distribution(corpus: &Corpus, query: &str, by: &str, strategy: Strategy) -> Result<Table> {
    let (st, attr, _) = resolve(corpus, &format!("{by}="))?;
    let hits = all_hits(corpus, query, strategy)?;
    let mut rows: BTreeMap<String, (u64, u64, u64)> = BTreeMap::new();
    for i in 0..st.len() {
        let (a, b) = st.span(i);
        let e = rows.entry(st.value(i, &attr)?.to_string()).or_default();
        e.1 += (b - a) as u64;
        e.2 += 1;
    }
    for h in &hits {
        if let Some(i) = st.find(h.start) {
            rows.entry(st.value(i, &attr)?.to_string()).or_default().0 += 1;
        }
    }
    let mut t = Table::new([attr.as_str(), "hits", "tokens", "per_10k", "regions"]);
    for (v, (h, n, r)) in rows {
        let rate = if n > 0 {
            h as f64 * 1e4 / n as f64
        } else {
            f64::NAN
        };
        t.push(vec![
            v.into(),
            (h as i64).into(),
            (n as i64).into(),
            rate.into(),
            (r as i64).into(),
        ]);
    }
    Ok(t)
}

/// Matches grouped by the attribute values of their tokens (CQP's `count … by ATTR`).
pub fn count_by(corpus: &Corpus, query: &str, attr: &str, strategy: Strategy) -> Result<Table> {
    let a = corpus.attr(attr)?;
    let hits = all_hits(corpus, query, strategy)?;
    let mut counts: BTreeMap<String, u64> = BTreeMap::new();
    for h in &hits {
        let key = (h.start..h.end)
            .map(|p| a.at(p))
            .collect::<Vec<_>>()
            .join(" ");
        *counts.entry(key).or_default() += 1;
    }
    let mut rows: Vec<(String, u64)> = counts.into_iter().collect();
    rows.sort_by(|x, y| y.1.cmp(&x.1).then(x.0.cmp(&y.0)));
    let mut t = Table::new([attr, "hits"]);
    for (k, n) in rows {
        t.push(vec![k.into(), (n as i64).into()]);
    }
    Ok(t)
}

/// The matches themselves: position, text, utterance, matched words and labelled positions.
pub fn matches(
    corpus: &Corpus,
    query: &str,
    limit: Option<usize>,
    strategy: Strategy,
) -> Result<Table> {
    let out = run_script(corpus, query, strategy, limit)?;
    matches_table(corpus, &out.matches, &out.labels)
}

/// The table of [`matches`] for matches already found.
pub fn matches_table(corpus: &Corpus, hits: &[Match], labels: &[String]) -> Result<Table> {
    let word = corpus.attr("word")?;
    let texts = corpus.structure("text")?;
    let utts = corpus.structure("u")?;
    let mut cols = vec![
        "start".to_string(),
        "end".into(),
        "text".into(),
        "utterance".into(),
        "match".into(),
    ];
    cols.extend(labels.iter().map(|l| format!("label_{l}")));
    let mut t = Table::new(cols);
    for h in hits {
        let id = |s: &crate::index::open::Structure| -> Result<String> {
            Ok(match s.find(h.start) {
                Some(i) => s.value(i, "id")?.to_string(),
                None => String::new(),
            })
        };
        let mut row = vec![
            h.start.into(),
            h.end.into(),
            id(texts)?.into(),
            id(utts)?.into(),
            (h.start..h.end)
                .map(|p| word.at(p))
                .collect::<Vec<_>>()
                .join(" ")
                .into(),
        ];
        row.extend(h.labels.iter().map(|l| {
            l.map(cohesion_io::Cell::from)
                .unwrap_or(cohesion_io::Cell::Empty)
        }));
        t.push(row);
    }
    Ok(t)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testutil::transcripts;
    use cohesion_io::Cell;

    #[test]
    fn hits_and_rates_per_value() {
        let (c, dir) = transcripts(&[(
            "a",
            "Ann (burger): wij gaan\nBen (expert): wij wij en zij\nCor (burger): niets",
        )]);
        let t = distribution(&c, "\"wij\"", "role", Default::default()).unwrap();
        assert_eq!(t.rows[0][0], "burger".into());
        assert_eq!(t.rows[0][1], Cell::Int(1));
        assert_eq!(t.rows[0][2], Cell::Int(3));
        assert_eq!(t.rows[1][3], Cell::Float(5000.0));
        assert_eq!(t.rows[0][4], Cell::Int(2));
        std::fs::remove_dir_all(dir).unwrap();
    }
}
