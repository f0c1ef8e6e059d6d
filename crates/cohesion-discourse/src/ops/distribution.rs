//! Distribution of a query's hits over a metadata attribute: hits, tokens and hits per
//! 10 000 tokens for each value.

use crate::cqp::run_query;
use crate::index::open::Corpus;
use crate::subcorpus::resolve;
use cohesion_io::{Result, Table};
use std::collections::BTreeMap;

pub fn distribution(corpus: &Corpus, query: &str, by: &str) -> Result<Table> {
    let (st, attr, _) = resolve(corpus, &format!("{by}="))?;
    let (hits, _) = run_query(corpus, query, None)?;
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
        let t = distribution(&c, "\"wij\"", "role").unwrap();
        assert_eq!(t.rows[0][0], "burger".into());
        assert_eq!(t.rows[0][1], Cell::Int(1));
        assert_eq!(t.rows[0][2], Cell::Int(3));
        assert_eq!(t.rows[1][3], Cell::Float(5000.0));
        assert_eq!(t.rows[0][4], Cell::Int(2));
        std::fs::remove_dir_all(dir).unwrap();
    }
}
