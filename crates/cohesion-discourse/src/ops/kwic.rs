//! Keyword in context: matches of a CQP query with left and right context, sortable on the
//! words to the left or right, paged.

use crate::cqp::{run_script, Match, Strategy};
use crate::index::open::Corpus;
use cohesion_io::{Result, Table};
use rayon::prelude::*;

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Sort {
    /// Corpus order.
    None,
    /// On the first, second, … word to the left of the match.
    Left,
    /// On the first, second, … word to the right of the match.
    Right,
    /// On the match itself.
    Match,
}

pub struct KwicOptions {
    /// Context tokens on each side.
    pub window: u32,
    pub sort: Sort,
    /// 1-based page number.
    pub page: usize,
    pub page_size: usize,
    /// Matching strategy the query starts with (a script may change it).
    pub strategy: Strategy,
}

/// One concordance line's positions.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Line {
    pub start: u32,
    pub end: u32,
}

/// The lines `first..first + count` of the concordance sorted by `sort`. Sort keys compare
/// `lower` ids: the lexicon is sorted bytewise, so id order is string order and sorting never
/// touches the strings. Only the lines up to the page are ordered: the rest is split off by a
/// selection, which gives the same page as sorting everything because the full key (words,
/// start, end) is unique.
fn sorted_page(
    corpus: &Corpus,
    hits: &[Match],
    sort: Sort,
    window: u32,
    first: usize,
    count: usize,
) -> Result<Vec<Line>> {
    let lower = corpus.attr("lower")?.ids();
    let n = corpus.len();
    // Fixed-size keys: no allocation per line, so sorting millions of lines stays cheap.
    const K: usize = 8;
    let w = window.min(K as u32);
    let key = |l: &Match| -> [u32; K] {
        let mut k = [0u32; K];
        let mut put = |ps: &mut dyn Iterator<Item = u32>| {
            // Ids are shifted by one so that "no word" (0) sorts before every word.
            for (slot, p) in k.iter_mut().zip(ps) {
                *slot = lower[p as usize] + 1;
            }
        };
        match sort {
            Sort::None => {}
            Sort::Match => put(&mut (l.start..l.end.min(l.start + w))),
            Sort::Right => put(&mut (l.end..n.min(l.end + w))),
            Sort::Left => put(&mut (l.start.saturating_sub(w)..l.start).rev()),
        }
        k
    };
    // Keys are gathered on all cores. The eight ids are packed into two u128s (big-endian
    // order, so integer order is key order): two wide comparisons instead of a loop over eight.
    let pack = |k: &[u32]| k.iter().fold(0u128, |acc, &x| acc << 32 | x as u128);
    let mut keyed: Vec<(u128, u128, u32, u32)> = hits
        .par_iter()
        .map(|l| {
            let k = key(l);
            (pack(&k[..4]), pack(&k[4..]), l.start, l.end)
        })
        .collect();
    let wanted = first.saturating_add(count);
    if wanted < keyed.len() {
        keyed.select_nth_unstable(wanted);
        keyed.truncate(wanted);
    }
    keyed.par_sort_unstable();
    Ok(keyed
        .into_iter()
        .skip(first)
        .map(|(_, _, start, end)| Line { start, end })
        .collect())
}

/// The concordance table for `query`, plus the total number of hits when known.
pub fn kwic(corpus: &Corpus, query: &str, o: &KwicOptions) -> Result<(Table, Option<usize>)> {
    let wanted = o.page.max(1) * o.page_size;
    // Unsorted pages need only the first hits; sorting needs them all. The total is then read
    // off the index when possible; otherwise counting would cost a full query run that an
    // unsorted first page does not need, so it is left open (`None`).
    let limit = (o.sort == Sort::None).then_some(wanted);
    let out = run_script(corpus, query, o.strategy, limit)?;
    let (hits, total) = (out.matches, out.total);
    let first = (o.page.max(1) - 1) * o.page_size;
    let page: Vec<Line> = if o.sort == Sort::None {
        hits.iter()
            .skip(first)
            .take(o.page_size)
            .map(|h| Line {
                start: h.start,
                end: h.end,
            })
            .collect()
    } else {
        sorted_page(corpus, &hits, o.sort, o.window, first, o.page_size)?
    };
    Ok((lines_table(corpus, &page, o.window)?, total))
}

/// Render lines with context clipped to the text they occur in.
pub fn lines_table(corpus: &Corpus, lines: &[Line], window: u32) -> Result<Table> {
    let word = corpus.attr("word")?;
    let texts = corpus.structure("text")?;
    let utts = corpus.structure("u")?;
    let has_speaker = utts.has_column("speaker");
    let mut t = Table::new(["position", "text", "speaker", "left", "match", "right"]);
    let join = |a: u32, b: u32| (a..b).map(|p| word.at(p)).collect::<Vec<_>>().join(" ");
    for l in lines {
        let (ts, te) = texts
            .find(l.start)
            .map(|i| texts.span(i))
            .unwrap_or((0, corpus.len()));
        let text_id = match texts.find(l.start) {
            Some(i) => texts.value(i, "id")?.to_string(),
            None => String::new(),
        };
        let speaker = match (has_speaker, utts.find(l.start)) {
            (true, Some(i)) => utts.value(i, "speaker")?.to_string(),
            _ => String::new(),
        };
        t.push(vec![
            l.start.into(),
            text_id.into(),
            speaker.into(),
            join(l.start.saturating_sub(window).max(ts), l.start).into(),
            join(l.start, l.end).into(),
            join(l.end, (l.end + window).min(te)).into(),
        ]);
    }
    Ok(t)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testutil::transcripts;

    #[test]
    fn context_sorting_and_paging() {
        let (c, dir) = transcripts(&[(
            "a",
            "Ann (x): wij zien b. wij zien a. wij doen c.\nBen (y): zij zien d.",
        )]);
        let o = |sort, page, page_size| KwicOptions {
            window: 2,
            sort,
            page,
            page_size,
            strategy: Default::default(),
        };
        let (t, total) = kwic(&c, "\"zien\"", &o(Sort::None, 1, 10)).unwrap();
        assert_eq!(total, Some(3));
        assert_eq!(t.rows[0][3], "wij".into());
        assert_eq!(t.rows[0][5], "b .".into());
        assert_eq!(t.rows[2][2], "Ben".into());
        let (t, _) = kwic(&c, "\"zien\"", &o(Sort::Right, 1, 10)).unwrap();
        let right: Vec<String> = t.rows.iter().map(|r| r[5].text()).collect();
        assert_eq!(right, ["a .", "b .", "d ."]);
        let (t, _) = kwic(&c, "\"zien\"", &o(Sort::Left, 1, 10)).unwrap();
        let left: Vec<String> = t.rows.iter().map(|r| r[3].text()).collect();
        // keys: first word left, then second: [wij] < [wij, .] < [zij, .]
        assert_eq!(left, ["wij", ". wij", ". zij"]);
        let (t, total) = kwic(&c, "\"zien\"", &o(Sort::Right, 2, 2)).unwrap();
        assert_eq!((t.rows.len(), total), (1, Some(3)));
        let (_, total) = kwic(&c, "\"zien\"", &o(Sort::None, 1, 1)).unwrap();
        assert_eq!(total, Some(3), "counted from the postings");
        let (_, total) = kwic(&c, "\"wij\" \"zien\"", &o(Sort::None, 1, 1)).unwrap();
        assert_eq!(
            total, None,
            "a sequence is not counted for an unsorted page"
        );
        assert_eq!(t.rows[0][5], "d .".into());
        std::fs::remove_dir_all(dir).unwrap();
    }

    /// A page cut out by selection equals the same slice of the fully sorted concordance,
    /// for every sort, page and page size, with many tied keys.
    #[test]
    fn selected_pages_equal_slices_of_the_full_sort() {
        let (c, dir) = transcripts(&[
            (
                "a",
                "Ann (x): wij zien b. wij zien a. wij doen c. zij zien b. zij zien b a.",
            ),
            (
                "b",
                "Ben (y): zien. zien zien a b. wij zien a a. jij zien c b a. zien",
            ),
        ]);
        let (hits, _) = crate::cqp::run_query(&c, "\"zien\"", None).unwrap();
        assert_eq!(hits.len(), 10);
        for sort in [Sort::Left, Sort::Right, Sort::Match] {
            for window in [1, 2, 8] {
                let full = sorted_page(&c, &hits, sort, window, 0, usize::MAX).unwrap();
                assert_eq!(full.len(), hits.len());
                for size in 1..=hits.len() + 1 {
                    for first in (0..=hits.len()).step_by(size) {
                        let page = sorted_page(&c, &hits, sort, window, first, size).unwrap();
                        let end = (first + size).min(full.len());
                        assert_eq!(page, full[first..end], "{sort:?} w{window} {first}+{size}");
                    }
                }
            }
        }
        std::fs::remove_dir_all(dir).unwrap();
    }
}
