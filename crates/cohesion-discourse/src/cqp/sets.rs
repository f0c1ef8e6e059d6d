//! Operations on query results as sets of `[start, end)` spans: union, intersection and
//! difference (two matches are the same when their spans are), `expand`, `containing` /
//! `within` filters, `meet`, and whole regions as results.
//!
//! Every function takes and returns matches sorted by `(start, end)` without duplicate
//! spans — the normal form that [`normalise`] produces.

use super::eval::Match;
use super::script::{ExpandTo, MeetSpan, SetOp, Side};
use crate::index::open::{Corpus, Structure};
use cohesion_io::Result;

fn span(m: &Match) -> (u32, u32) {
    (m.start, m.end)
}

/// Sort by span and keep the first of equal spans.
pub fn normalise(mut v: Vec<Match>) -> Vec<Match> {
    v.sort_by_key(span);
    v.dedup_by_key(|m| span(m));
    v
}

/// A set operation by a merge of the two sorted lists. Union keeps `a`'s match (and labels)
/// where both have the span; `b`'s own matches get no labels, since `a` names them.
pub fn combine(op: SetOp, a: Vec<Match>, b: &[Match]) -> Vec<Match> {
    let n_labels = a.first().map_or(0, |m| m.labels.len());
    let mut out = Vec::new();
    let mut bi = 0;
    for m in a {
        while bi < b.len() && span(&b[bi]) < span(&m) {
            if op == SetOp::Union {
                out.push(unlabelled(&b[bi], n_labels));
            }
            bi += 1;
        }
        let in_b = bi < b.len() && span(&b[bi]) == span(&m);
        if in_b {
            bi += 1;
        }
        let keep = match op {
            SetOp::Union => true,
            SetOp::Intersect => in_b,
            SetOp::Diff => !in_b,
        };
        if keep {
            out.push(m);
        }
    }
    if op == SetOp::Union {
        out.extend(b[bi..].iter().map(|m| unlabelled(m, n_labels)));
    }
    out
}

fn unlabelled(m: &Match, n: usize) -> Match {
    Match {
        start: m.start,
        end: m.end,
        labels: thin_vec::thin_vec![None; n],
    }
}

/// Widen matches to the regions around their first and/or last token, or by a number of
/// tokens without leaving the text. A token outside every region leaves that side as it is.
pub fn expand(corpus: &Corpus, v: Vec<Match>, side: Side, to: &ExpandTo) -> Result<Vec<Match>> {
    let (st, tokens) = match to {
        ExpandTo::Region(s) => (corpus.structure(s)?, None),
        ExpandTo::Tokens(n) => (corpus.structure("text")?, Some(*n)),
    };
    let out = v
        .into_iter()
        .map(|mut m| {
            if side != Side::Right {
                if let Some(i) = st.find(m.start) {
                    let border = st.span(i).0;
                    m.start = tokens.map_or(border, |n| m.start.saturating_sub(n).max(border));
                }
            }
            if side != Side::Left {
                if let Some(i) = st.find(m.end - 1) {
                    let border = st.span(i).1;
                    m.end = tokens.map_or(border, |n| m.end.saturating_add(n).min(border));
                }
            }
            m
        })
        .collect();
    Ok(normalise(out))
}

/// `left containing right` (`contain`) keeps the matches of `left` whose span holds some match
/// of `right`; `left within right` those lying inside some match of `right`. `negate`
/// keeps the others.
pub fn filter(left: Vec<Match>, right: &[Match], contain: bool, negate: bool) -> Vec<Match> {
    // For `within`: the furthest end among `right`'s matches starting at or before each one.
    let reach: Vec<u32> = right
        .iter()
        .scan(0u32, |r, m| {
            *r = (*r).max(m.end);
            Some(*r)
        })
        .collect();
    let holds = |l: &Match| -> bool {
        if contain {
            let from = right.partition_point(|r| r.start < l.start);
            right[from..]
                .iter()
                .take_while(|r| r.start < l.end)
                .any(|r| r.end <= l.end)
        } else {
            let upto = right.partition_point(|r| r.start <= l.start);
            upto > 0 && reach[upto - 1] >= l.end
        }
    };
    left.into_iter().filter(|l| holds(l) != negate).collect()
}

/// `(meet first second …)`: the matches of `first` with a match of `second` starting within
/// the window around `first`'s start (offset 0, the same token, excluded) or in the same
/// region.
pub fn meet(
    corpus: &Corpus,
    first: Vec<Match>,
    second: &[Match],
    span: &MeetSpan,
) -> Result<Vec<Match>> {
    let starts: Vec<u32> = {
        let mut s: Vec<u32> = second.iter().map(|m| m.start).collect();
        s.dedup();
        s
    };
    let any_in = |lo: i64, hi: i64, skip: u32| -> bool {
        if hi < lo {
            return false;
        }
        let from = starts.partition_point(|&p| (p as i64) < lo);
        starts[from..]
            .iter()
            .take_while(|&&p| p as i64 <= hi)
            .any(|&p| p != skip)
    };
    let st: Option<&Structure> = match span {
        MeetSpan::Region(s) => Some(corpus.structure(s)?),
        MeetSpan::Window(..) => None,
    };
    Ok(first
        .into_iter()
        .filter(|m| {
            let p = m.start as i64;
            match (span, st) {
                (MeetSpan::Window(lo, hi), _) => any_in(p + *lo as i64, p + *hi as i64, m.start),
                (_, Some(st)) => st.find(m.start).is_some_and(|i| {
                    let (a, b) = st.span(i);
                    any_in(a as i64, b as i64 - 1, m.start)
                }),
                _ => false,
            }
        })
        .collect())
}

/// Every non-empty region of `st` as a match, in corpus order.
pub fn regions(st: &Structure, keep: impl Fn(usize) -> Result<bool>) -> Result<Vec<Match>> {
    let mut out = Vec::new();
    for i in 0..st.len() {
        let (a, b) = st.span(i);
        if a < b && keep(i)? {
            out.push(Match {
                start: a,
                end: b,
                labels: thin_vec::ThinVec::new(),
            });
        }
    }
    Ok(out)
}
