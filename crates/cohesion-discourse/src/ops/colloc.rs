//! Collocates of a query's matches in a window: MI, MI3, t-score, log-likelihood, logDice
//! and ΔP (formulas in [`crate::stats::Cooc`]).

use crate::cqp::run_query;
use crate::index::open::Corpus;
use crate::stats::{chi2_p1, Cooc};
use cohesion_io::{Error, Result, Table};

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Measure {
    Freq,
    Mi,
    Mi3,
    T,
    Ll,
    LogDice,
    DeltaP,
}

pub struct CollocOptions {
    pub attr: String,
    pub left: u32,
    pub right: u32,
    pub min_freq: u64,
    pub sort: Measure,
    pub top: Option<usize>,
    /// Let the window run across sentence boundaries.
    pub cross_sentences: bool,
}

pub fn collocates(corpus: &Corpus, query: &str, o: &CollocOptions) -> Result<Table> {
    let (hits, _) = run_query(corpus, query, None)?;
    if hits.is_empty() {
        return Err(Error::input(format!(
            "`{query}` has no hits; nothing to collocate with"
        )));
    }
    let a = corpus.attr(&o.attr)?;
    let ids = a.ids();
    let sents = corpus.structure("s")?;
    // Dense counts and a bitset of node starts: millions of window positions cost a few
    // nanoseconds each, with no hashing and no binary search.
    let mut o11 = vec![0u32; a.types()];
    let mut is_node = vec![0u64; (corpus.len() as usize).div_ceil(64)];
    for h in &hits {
        is_node[h.start as usize / 64] |= 1 << (h.start % 64);
    }
    // R1 counts the window slots actually inspected (windows are clipped at boundaries and
    // overlapping windows are counted once), not f(node) × span.
    let mut slots = 0u64;
    let mut last_end = 0u32;
    // Hits are in corpus order, so the sentence is found by walking forward, not searching.
    let mut si = 0usize;
    let spans = sents.spans();
    let whole = o.cross_sentences || spans.is_empty();
    for h in &hits {
        let (lo, hi) = if whole {
            (0, corpus.len())
        } else {
            while 2 * si + 3 < spans.len() && spans[2 * si + 1] <= h.start {
                si += 1;
            }
            (spans[2 * si], spans[2 * si + 1])
        };
        let from = h
            .start
            .saturating_sub(o.left)
            .max(lo)
            .max(last_end.min(h.start));
        let to = (h.end + o.right).min(hi);
        for p in (from..h.start).chain(h.end..to) {
            if is_node[p as usize / 64] >> (p % 64) & 1 == 1 {
                continue;
            }
            o11[ids[p as usize] as usize] += 1;
            slots += 1;
        }
        last_end = to;
    }
    let f_node = hits.len() as f64;
    let n = corpus.len() as f64;
    let rows: Vec<(u32, Cooc)> = o11
        .into_iter()
        .enumerate()
        .filter(|&(_, c)| c as u64 >= o.min_freq.max(1))
        .map(|(id, c)| (id as u32, c))
        .map(|(id, c)| {
            (
                id,
                Cooc {
                    o11: c as f64,
                    f_node,
                    f_coll: a.freq(id) as f64,
                    span: slots as f64 / f_node,
                    n,
                },
            )
        })
        .collect();
    let key = |c: &Cooc| match o.sort {
        Measure::Freq => c.o11,
        Measure::Mi => c.mi(),
        Measure::Mi3 => c.mi3(),
        Measure::T => c.t_score(),
        Measure::Ll => c.log_likelihood(),
        Measure::LogDice => c.log_dice(),
        Measure::DeltaP => c.delta_p(),
    };
    // Each key is computed once; ties go by type id, which is string order (the lexicon is
    // sorted bytewise).
    let mut keyed: Vec<(f64, u32, Cooc)> =
        rows.into_iter().map(|(id, c)| (key(&c), id, c)).collect();
    let order =
        |x: &(f64, u32, Cooc), y: &(f64, u32, Cooc)| y.0.total_cmp(&x.0).then(x.1.cmp(&y.1));
    let top = o.top.unwrap_or(usize::MAX);
    if keyed.len() > top && top > 0 {
        keyed.select_nth_unstable_by(top - 1, order);
        keyed.truncate(top);
    }
    keyed.sort_unstable_by(order);
    let rows = keyed.into_iter().map(|(_, id, c)| (id, c));
    let mut t = Table::new([
        "collocate",
        "o11",
        "f_collocate",
        "e11",
        "mi",
        "mi3",
        "t_score",
        "log_likelihood",
        "p",
        "log_dice",
        "delta_p",
    ]);
    for (id, c) in rows.take(top) {
        let ll = c.log_likelihood();
        t.push(vec![
            a.str_of(id).into(),
            (c.o11 as i64).into(),
            (c.f_coll as i64).into(),
            c.e11().into(),
            c.mi().into(),
            c.mi3().into(),
            c.t_score().into(),
            ll.into(),
            chi2_p1(ll).into(),
            c.log_dice().into(),
            c.delta_p().into(),
        ]);
    }
    t.notes.push(format!(
        "{} hits of {query}; window {}L {}R; {} window slots; N = {}",
        hits.len(),
        o.left,
        o.right,
        slots,
        corpus.len()
    ));
    Ok(t)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testutil::transcripts;
    use cohesion_io::Cell;

    #[test]
    fn counts_in_clipped_windows_and_scores_match_formulas() {
        let (c, dir) = transcripts(&[(
            "a",
            "A (x): de overheid moet. de overheid kan. een burger moet.",
        )]);
        let o = CollocOptions {
            attr: "lower".into(),
            left: 1,
            right: 1,
            min_freq: 1,
            sort: Measure::Freq,
            top: None,
            cross_sentences: false,
        };
        let t = collocates(&c, "\"overheid\"", &o).unwrap();
        let row = |w: &str| {
            t.rows
                .iter()
                .find(|r| r[0] == w.into())
                .unwrap_or_else(|| panic!("{w}"))
        };
        assert_eq!(row("de")[1], Cell::Int(2));
        assert_eq!(row("moet")[1], Cell::Int(1));
        // N = 12, f(node) = 2, 4 slots, f(moet) = 2 → E11 = 4·2/12 = 2/3, MI = log2(1.5)
        let Cell::Float(mi) = row("moet")[4] else {
            panic!()
        };
        assert!((mi - 1.5f64.log2()).abs() < 1e-12);
        assert!(t.rows.iter().all(|r| r[0] != "burger".into()));
        std::fs::remove_dir_all(dir).unwrap();
    }
}
