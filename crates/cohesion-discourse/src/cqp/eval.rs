//! Evaluating a parsed CQP query on a corpus.
//!
//! Token tests are resolved once against each attribute's lexicon (a regex is run over the
//! types, not the tokens), so testing a token is a bitset lookup. Start positions come from
//! the index where possible: among the mandatory single tokens at a fixed offset from the
//! match start, the one with the fewest hits is chosen and its postings, shifted back by the
//! offset, are the candidates (the "TAB" idea of Evert & Hardie; plain CQP uses only the
//! first token). Otherwise every position is tried. A plain sequence of single tokens
//! skips the backtracking matcher: its candidates are the rarest token's postings
//! intersected with the other tokens' shifted postings (Lucene-style, [`super::postings`]),
//! and only tests that are not a plain set of types are checked per candidate. Large candidate lists are matched
//! on all cores, in chunks joined in order.
//!
//! Matching semantics: one match per start position, by default the shortest one that
//! satisfies the pattern and the global constraints (close to CQP's default strategy), or the
//! longest one with [`Strategy::Longest`]. A match never crosses the `within` region and
//! never spans more than [`MAX_SPAN`] tokens.

use super::parse::{Constraint, Node, Operand, Query, Test, Value};
use super::postings;
pub use super::script::Strategy;
use crate::index::open::Corpus;
use cohesion_io::{Error, Result};
use rayon::prelude::*;
use thin_vec::{thin_vec, ThinVec};

/// Longest match without `within` (CQP's hard boundary is similar in spirit).
pub const MAX_SPAN: u32 = 100;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Match {
    pub start: u32,
    /// Exclusive.
    pub end: u32,
    /// Positions bound to labels, in the order of [`Matcher::labels`]. A thin vector (one
    /// pointer, no allocation when empty) keeps a match at 16 bytes: a query's result can be
    /// millions of matches, and its memory is written fresh every time.
    pub labels: ThinVec<Option<u32>>,
}

pub use super::value::{fold_diacritics, ValueMatcher};

/// Candidate starts of a fixed sequence: a type's postings read with an offset (start =
/// position − offset, no copy), or a list of starts.
enum Starts<'a> {
    Shifted(&'a [u32], u32),
    Owned(Vec<u32>),
}

impl Starts<'_> {
    /// The positions and the offset to subtract from each.
    fn parts(&self) -> (&[u32], u32) {
        match self {
            Starts::Shifted(p, off) => (p, *off),
            Starts::Owned(v) => (v, 0),
        }
    }
    fn len(&self) -> usize {
        self.parts().0.len()
    }
}

/// The set of type ids of one attribute that satisfy a value test.
struct IdSet {
    attr: usize,
    bits: Vec<u64>,
    /// The ids, ascending, when the set is small enough to use postings.
    ids: Vec<u32>,
}

impl IdSet {
    fn contains(&self, id: u32) -> bool {
        self.bits[id as usize / 64] >> (id % 64) & 1 == 1
    }
}

enum Cond {
    True,
    In(IdSet, bool),
    And(Box<Cond>, Box<Cond>),
    Or(Box<Cond>, Box<Cond>),
    Not(Box<Cond>),
}

enum Prog {
    Token {
        label: Option<usize>,
        cond: Cond,
    },
    Boundary {
        structure: usize,
        open: bool,
        meta: Vec<(String, ValueMatcher)>,
    },
    Seq(Vec<Prog>),
    Alt(Vec<Prog>),
    Repeat {
        node: Box<Prog>,
        min: u32,
        max: Option<u32>,
    },
}

enum COperand {
    Ref { anchor: Anchor, attr: RefAttr },
    Literal(ValueMatcher),
}
enum Anchor {
    Match,
    MatchEnd,
    Label(usize),
}
enum RefAttr {
    P(usize),
    S(usize, String),
}
enum CConstraint {
    Cmp(COperand, COperand, bool),
    And(Box<CConstraint>, Box<CConstraint>),
    Or(Box<CConstraint>, Box<CConstraint>),
    Not(Box<CConstraint>),
}

/// Continuation of the depth-first matcher: called with the position reached and the labels.
type Cont<'a> = &'a mut dyn FnMut(u32, &mut Vec<Option<u32>>) -> Result<bool>;

pub struct Matcher<'c> {
    corpus: &'c Corpus,
    attrs: Vec<&'c crate::index::open::Attribute>,
    /// Token ids of each attribute in `attrs`, fetched once (the hot loop indexes them).
    ids: Vec<&'c [u32]>,
    structures: Vec<&'c crate::index::open::Structure>,
    prog: Prog,
    within: Option<usize>,
    within_meta: Vec<(String, ValueMatcher)>,
    constraint: Option<CConstraint>,
    strategy: Strategy,
    pub labels: Vec<String>,
}

const STRUCTURES: &[&str] = &["text", "u", "s"];

impl<'c> Matcher<'c> {
    pub fn new(corpus: &'c Corpus, q: &Query) -> Result<Self> {
        let mut m = Matcher {
            corpus,
            attrs: Vec::new(),
            ids: Vec::new(),
            structures: STRUCTURES
                .iter()
                .map(|s| corpus.structure(s))
                .collect::<Result<_>>()?,
            prog: Prog::Seq(vec![]),
            within: None,
            within_meta: Vec::new(),
            constraint: None,
            strategy: Strategy::Shortest,
            labels: Vec::new(),
        };
        m.prog = m.compile(&q.pattern)?;
        m.within = q
            .within
            .as_deref()
            .map(|w| m.structure_index(w))
            .transpose()?;
        m.within_meta = q
            .within_meta
            .iter()
            .map(|(k, v)| Ok((k.clone(), ValueMatcher::new(v)?)))
            .collect::<Result<_>>()?;
        if let Some(w) = m.within {
            for (k, _) in &m.within_meta {
                m.structures[w]
                    .value(0, k)
                    .map_err(|e| e.context("query"))?;
            }
        }
        m.constraint = q
            .constraint
            .as_ref()
            .map(|c| m.compile_constraint(c))
            .transpose()?;
        Ok(m)
    }

    pub fn with_strategy(mut self, strategy: Strategy) -> Self {
        self.strategy = strategy;
        self
    }

    fn structure_index(&self, name: &str) -> Result<usize> {
        let name = match name {
            "utterance" => "u",
            "sentence" => "s",
            n => n,
        };
        STRUCTURES
            .iter()
            .position(|s| *s == name)
            .ok_or_else(|| Error::input(format!("query: no structure `{name}` (use text, u or s)")))
    }

    fn attr_index(&mut self, name: &str) -> Result<usize> {
        if let Some(i) = self.attrs.iter().position(|a| a.name == name) {
            return Ok(i);
        }
        let a = self.corpus.attr(name).map_err(|e| e.context("query"))?;
        self.attrs.push(a);
        self.ids.push(a.ids());
        Ok(self.attrs.len() - 1)
    }

    fn id_set(&mut self, attr: &str, v: &Value) -> Result<IdSet> {
        let ai = self.attr_index(attr)?;
        let a = self.attrs[ai];
        let n = a.types();
        let mut bits = vec![0u64; n.div_ceil(64)];
        let mut ids = Vec::new();
        ids.extend(super::lexicon::matching_ids(a, v)?);
        for &i in &ids {
            bits[i as usize / 64] |= 1 << (i % 64);
        }
        Ok(IdSet {
            attr: ai,
            bits,
            ids,
        })
    }

    fn compile_test(&mut self, t: &Test) -> Result<Cond> {
        Ok(match t {
            Test::True => Cond::True,
            Test::Attr {
                attr,
                value,
                negate,
            } => Cond::In(self.id_set(attr, value)?, *negate),
            Test::And(a, b) => Cond::And(
                Box::new(self.compile_test(a)?),
                Box::new(self.compile_test(b)?),
            ),
            Test::Or(a, b) => Cond::Or(
                Box::new(self.compile_test(a)?),
                Box::new(self.compile_test(b)?),
            ),
            Test::Not(a) => Cond::Not(Box::new(self.compile_test(a)?)),
        })
    }

    fn compile(&mut self, n: &Node) -> Result<Prog> {
        Ok(match n {
            Node::Token { label, test } => {
                let label = label
                    .as_ref()
                    .map(|l| match self.labels.iter().position(|x| x == l) {
                        Some(i) => i,
                        None => {
                            self.labels.push(l.clone());
                            self.labels.len() - 1
                        }
                    });
                Prog::Token {
                    label,
                    cond: self.compile_test(test)?,
                }
            }
            Node::Boundary {
                structure,
                open,
                meta,
            } => {
                let structure = self.structure_index(structure)?;
                let meta = meta
                    .iter()
                    .map(|(k, v)| Ok((k.clone(), ValueMatcher::new(v)?)))
                    .collect::<Result<_>>()?;
                Prog::Boundary {
                    structure,
                    open: *open,
                    meta,
                }
            }
            Node::Seq(items) => Prog::Seq(
                items
                    .iter()
                    .map(|i| self.compile(i))
                    .collect::<Result<_>>()?,
            ),
            Node::Alt(items) => Prog::Alt(
                items
                    .iter()
                    .map(|i| self.compile(i))
                    .collect::<Result<_>>()?,
            ),
            Node::Repeat { node, min, max } => Prog::Repeat {
                node: Box::new(self.compile(node)?),
                min: *min,
                max: *max,
            },
        })
    }

    fn compile_operand(&mut self, o: &Operand) -> Result<COperand> {
        Ok(match o {
            Operand::Literal(v) => COperand::Literal(ValueMatcher::new(v)?),
            Operand::Ref { anchor, attr } => {
                let anchor = match anchor.as_str() {
                    "match" => Anchor::Match,
                    "matchend" => Anchor::MatchEnd,
                    l => {
                        Anchor::Label(self.labels.iter().position(|x| x == l).ok_or_else(|| {
                            Error::input(format!("query: unknown label `{l}` in the constraint"))
                        })?)
                    }
                };
                // `u_party` is metadata `party` of structure `u`; anything else a p-attribute.
                let s_attr = attr
                    .split_once('_')
                    .and_then(|(s, a)| self.structure_index(s).ok().map(|i| (i, a.to_string())));
                let attr = match s_attr {
                    Some((i, a)) => RefAttr::S(i, a),
                    None => RefAttr::P(self.attr_index(attr)?),
                };
                COperand::Ref { anchor, attr }
            }
        })
    }

    fn compile_constraint(&mut self, c: &Constraint) -> Result<CConstraint> {
        Ok(match c {
            Constraint::Cmp {
                left,
                right,
                negate,
            } => CConstraint::Cmp(
                self.compile_operand(left)?,
                self.compile_operand(right)?,
                *negate,
            ),
            Constraint::And(a, b) => CConstraint::And(
                Box::new(self.compile_constraint(a)?),
                Box::new(self.compile_constraint(b)?),
            ),
            Constraint::Or(a, b) => CConstraint::Or(
                Box::new(self.compile_constraint(a)?),
                Box::new(self.compile_constraint(b)?),
            ),
            Constraint::Not(a) => CConstraint::Not(Box::new(self.compile_constraint(a)?)),
        })
    }

    fn test(&self, c: &Cond, pos: u32) -> bool {
        match c {
            Cond::True => true,
            Cond::In(set, negate) => set.contains(self.ids[set.attr][pos as usize]) != *negate,
            Cond::And(a, b) => self.test(a, pos) && self.test(b, pos),
            Cond::Or(a, b) => self.test(a, pos) || self.test(b, pos),
            Cond::Not(a) => !self.test(a, pos),
        }
    }

    fn boundary_ok(
        &self,
        structure: usize,
        open: bool,
        meta: &[(String, ValueMatcher)],
        pos: u32,
    ) -> Result<bool> {
        let s = self.structures[structure];
        let region = if open {
            s.find(pos).filter(|&i| s.span(i).0 == pos)
        } else {
            pos.checked_sub(1)
                .and_then(|p| s.find(p))
                .filter(|&i| s.span(i).1 == pos)
        };
        let Some(i) = region else { return Ok(false) };
        for (k, vm) in meta {
            if !vm.is_match(s.value(i, k)?) {
                return Ok(false);
            }
        }
        Ok(true)
    }

    /// Depth-first search with continuation `k`; `limit` is the exclusive end bound.
    /// Returns early once `k` returns true. Lazy quantifiers try fewer repetitions first.
    fn step(
        &self,
        p: &Prog,
        pos: u32,
        limit: u32,
        labels: &mut Vec<Option<u32>>,
        k: Cont<'_>,
    ) -> Result<bool> {
        match p {
            Prog::Token { label, cond } => {
                if pos >= limit || !self.test(cond, pos) {
                    return Ok(false);
                }
                let saved = label.map(|l| labels[l]);
                if let Some(l) = label {
                    labels[*l] = Some(pos);
                }
                let r = k(pos + 1, labels)?;
                if let (Some(l), Some(old)) = (label, saved) {
                    labels[*l] = old;
                }
                Ok(r)
            }
            Prog::Boundary {
                structure,
                open,
                meta,
            } => {
                if self.boundary_ok(*structure, *open, meta, pos)? {
                    k(pos, labels)
                } else {
                    Ok(false)
                }
            }
            Prog::Seq(items) => self.seq(items, pos, limit, labels, k),
            Prog::Alt(alts) => {
                for a in alts {
                    if self.step(a, pos, limit, labels, k)? {
                        return Ok(true);
                    }
                }
                Ok(false)
            }
            Prog::Repeat { node, min, max } => {
                self.repeat(node, *min, *max, 0, pos, limit, labels, k)
            }
        }
    }

    fn seq(
        &self,
        items: &[Prog],
        pos: u32,
        limit: u32,
        labels: &mut Vec<Option<u32>>,
        k: Cont<'_>,
    ) -> Result<bool> {
        match items.split_first() {
            None => k(pos, labels),
            Some((first, rest)) => self.step(first, pos, limit, labels, &mut |p, l| {
                self.seq(rest, p, limit, l, k)
            }),
        }
    }

    #[allow(clippy::too_many_arguments)]
    fn repeat(
        &self,
        node: &Prog,
        min: u32,
        max: Option<u32>,
        done: u32,
        pos: u32,
        limit: u32,
        labels: &mut Vec<Option<u32>>,
        k: Cont<'_>,
    ) -> Result<bool> {
        if done >= min && k(pos, labels)? {
            return Ok(true);
        }
        if max.is_some_and(|m| done >= m) || pos >= limit {
            return Ok(false);
        }
        self.step(node, pos, limit, labels, &mut |p, l| {
            // An iteration that consumed nothing would loop forever.
            if p == pos {
                return Ok(false);
            }
            self.repeat(node, min, max, done + 1, p, limit, l, k)
        })
    }

    fn operand_value(&self, o: &COperand, m: &Match) -> Result<Option<String>> {
        let COperand::Ref { anchor, attr } = o else {
            return Ok(None);
        };
        let pos = match anchor {
            Anchor::Match => Some(m.start),
            Anchor::MatchEnd => Some(m.end - 1),
            Anchor::Label(l) => m.labels[*l],
        };
        let Some(pos) = pos else { return Ok(None) };
        Ok(Some(match attr {
            RefAttr::P(a) => self.attrs[*a].at(pos).to_string(),
            RefAttr::S(s, key) => {
                let st = self.structures[*s];
                match st.find(pos) {
                    Some(i) => st.value(i, key)?.to_string(),
                    None => String::new(),
                }
            }
        }))
    }

    fn holds(&self, c: &CConstraint, m: &Match) -> Result<bool> {
        Ok(match c {
            CConstraint::And(a, b) => self.holds(a, m)? && self.holds(b, m)?,
            CConstraint::Or(a, b) => self.holds(a, m)? || self.holds(b, m)?,
            CConstraint::Not(a) => !self.holds(a, m)?,
            CConstraint::Cmp(l, r, negate) => {
                let eq = match (l, r) {
                    (COperand::Literal(v), o) | (o, COperand::Literal(v)) => {
                        match self.operand_value(o, m)? {
                            Some(s) => v.is_match(&s),
                            // An unbound label (optional item not taken): the test fails.
                            None => return Ok(false),
                        }
                    }
                    _ => match (self.operand_value(l, m)?, self.operand_value(r, m)?) {
                        (Some(a), Some(b)) => a == b,
                        _ => return Ok(false),
                    },
                };
                eq != *negate
            }
        })
    }

    /// The shortest (or, with [`Strategy::Longest`], longest) match starting at `start`.
    pub fn match_at(&self, start: u32) -> Result<Option<Match>> {
        // The hard boundary applies within regions too: it bounds the matcher's recursion.
        let hard = self.corpus.len().min(start.saturating_add(MAX_SPAN));
        let limit = match self.within {
            Some(w) => {
                let s = self.structures[w];
                let Some(i) = s.find(start) else {
                    return Ok(None);
                };
                for (k, vm) in &self.within_meta {
                    if !vm.is_match(s.value(i, k)?) {
                        return Ok(None);
                    }
                }
                s.span(i).1.min(hard)
            }
            None => hard,
        };
        let longest = self.strategy == Strategy::Longest;
        let mut labels = vec![None; self.labels.len()];
        let mut best: Option<Match> = None;
        self.step(&self.prog, start, limit, &mut labels, &mut |end, labels| {
            let worse = match &best {
                Some(b) if longest => b.end >= end,
                Some(b) => b.end <= end,
                None => false,
            };
            if worse {
                return Ok(false);
            }
            let m = Match {
                start,
                end,
                labels: ThinVec::from(labels.as_slice()),
            };
            if let Some(c) = &self.constraint {
                if !self.holds(c, &m)? {
                    return Ok(false);
                }
            }
            best = Some(m);
            // Stop once nothing better can follow: an empty match is the shortest, a match
            // reaching the limit the longest.
            Ok(if longest { end >= limit } else { end <= start })
        })?;
        // Empty matches (a pattern of only optional items) are not hits.
        Ok(best.filter(|m| m.end > m.start))
    }

    /// Candidate start positions, ascending; `None` means every position.
    fn candidates(&self) -> Option<Vec<u32>> {
        let Prog::Seq(items) = &self.prog else {
            return self
                .anchor_positions(&self.prog)
                .map(|v| v.into_iter().collect());
        };
        let mut offset = 0u32;
        let mut best: Option<(usize, u32, &Prog)> = None;
        for it in items {
            match it {
                Prog::Boundary { .. } => continue,
                Prog::Token { cond, .. } => {
                    if let Some(n) = self.cond_count(cond) {
                        if best.is_none_or(|(b, _, _)| n < b) {
                            best = Some((n, offset, it));
                        }
                    }
                    offset += 1;
                }
                _ => break,
            }
        }
        let (_, off, prog) = best?;
        let positions = self.anchor_positions(prog)?;
        Some(
            positions
                .into_iter()
                .filter_map(|p| p.checked_sub(off))
                .collect(),
        )
    }

    fn cond_count(&self, c: &Cond) -> Option<usize> {
        match c {
            Cond::In(set, false) if set.ids.len() < 100_000 => Some(
                set.ids
                    .iter()
                    .map(|&i| self.attrs[set.attr].freq(i) as usize)
                    .sum(),
            ),
            Cond::And(a, b) => match (self.cond_count(a), self.cond_count(b)) {
                (Some(x), Some(y)) => Some(x.min(y)),
                (x, y) => x.or(y),
            },
            _ => None,
        }
    }

    /// Positions where a single-token program can match, from postings (a superset for `&`).
    fn anchor_positions(&self, p: &Prog) -> Option<Vec<u32>> {
        let Prog::Token { cond, .. } = p else {
            return None;
        };
        let set = self.narrowest(cond)?;
        let a = self.attrs[set.attr];
        let mut v: Vec<u32> = set
            .ids
            .iter()
            .flat_map(|&i| a.postings(i).iter().copied())
            .collect();
        if set.ids.len() > 1 {
            v.sort_unstable();
        }
        Some(v)
    }

    fn narrowest<'s>(&'s self, c: &'s Cond) -> Option<&'s IdSet> {
        match c {
            Cond::In(set, false) if set.ids.len() < 100_000 => Some(set),
            Cond::And(a, b) => match (self.narrowest(a), self.narrowest(b)) {
                (Some(x), Some(y)) => Some(if self.cond_count(a) <= self.cond_count(b) {
                    x
                } else {
                    y
                }),
                (x, y) => x.or(y),
            },
            _ => None,
        }
    }

    /// The exact number of matches when it can be read off the index without matching: a
    /// single token test on one attribute, with no `within` or constraint.
    pub fn quick_count(&self) -> Option<usize> {
        match (&self.prog, &self.within, &self.constraint) {
            (
                Prog::Token {
                    cond: cond @ Cond::In(_, false),
                    ..
                },
                None,
                None,
            ) => self.cond_count(cond),
            _ => None,
        }
    }

    /// All matches in corpus order, at most `limit` of them (`None`: all).
    pub fn find_all(&self, limit: Option<usize>) -> Result<Vec<Match>> {
        // A lone token test read off the postings needs no matching at all.
        if self.quick_count().is_some() && self.labels.is_empty() {
            // One type: its postings are the answer, and a first page needs only their head.
            if let Prog::Token {
                cond: Cond::In(set, false),
                ..
            } = &self.prog
            {
                if let [id] = set.ids[..] {
                    let post = self.attrs[set.attr].postings(id);
                    let n = limit.unwrap_or(usize::MAX).min(post.len());
                    return Ok(post[..n]
                        .iter()
                        .map(|&p| Match {
                            start: p,
                            end: p + 1,
                            labels: ThinVec::new(),
                        })
                        .collect());
                }
            }
            if let Some(c) = self.candidates() {
                let n = limit.unwrap_or(usize::MAX);
                return Ok(c
                    .into_iter()
                    .take(n)
                    .map(|p| Match {
                        start: p,
                        end: p + 1,
                        labels: ThinVec::new(),
                    })
                    .collect());
            }
        }
        if let Some(toks) = self.fixed_tokens() {
            let (starts, to_check) = self.fixed_starts(&toks);
            let (starts, off) = starts.parts();
            if to_check.is_empty() && self.labels.is_empty() && self.constraint.is_none() {
                // The postings answered every test: each start is a match that fits in the
                // corpus (a trailing `[]` is not in the postings).
                let len = toks.len() as u32;
                let fit = starts.partition_point(|&p| p - off <= self.corpus.len() - len);
                let n = fit.min(limit.unwrap_or(usize::MAX));
                let mut out = Vec::new();
                starts[..n]
                    .par_iter()
                    .with_min_len(1 << 14)
                    .map(|&p| Match {
                        start: p - off,
                        end: p - off + len,
                        labels: ThinVec::new(),
                    })
                    .collect_into_vec(&mut out);
                return Ok(out);
            }
            return self.collect(starts, limit, |p| {
                self.fixed_match_at(&to_check, &toks, p - off)
            });
        }
        let at = |p: u32| self.match_at(p);
        match self.candidates() {
            Some(c) => self.collect(&c, limit, at),
            None => {
                let all: Vec<u32> = (0..self.corpus.len()).collect();
                self.collect(&all, limit, at)
            }
        }
    }

    /// Matches at the given start positions, in order. Without a limit, large candidate
    /// lists are split over the cores (chunks are joined in order, so the result does not
    /// depend on the thread count); with one, matching stops as soon as it is reached.
    fn collect(
        &self,
        starts: &[u32],
        limit: Option<usize>,
        at: impl Fn(u32) -> Result<Option<Match>> + Sync,
    ) -> Result<Vec<Match>> {
        const CHUNK: usize = 1 << 13;
        if limit.is_none() && starts.len() > 2 * CHUNK {
            let parts: Vec<Vec<Match>> = starts
                .par_chunks(CHUNK)
                .map(|ch| {
                    let mut v = Vec::new();
                    for &p in ch {
                        v.extend(at(p)?);
                    }
                    Ok(v)
                })
                .collect::<Result<_>>()?;
            return Ok(parts.concat());
        }
        let mut out = Vec::new();
        for &p in starts {
            out.extend(at(p)?);
            if limit.is_some_and(|l| out.len() >= l) {
                break;
            }
        }
        Ok(out)
    }

    /// The token tests and labels of a pattern that is a plain sequence of single tokens
    /// (no repetition, alternation or region tags) and no `within`: such a pattern has one
    /// possible match per start, checked token by token without the backtracking matcher.
    fn fixed_tokens(&self) -> Option<Vec<(usize, &Cond, Option<usize>)>> {
        if self.within.is_some() {
            return None;
        }
        let items: Vec<&Prog> = match &self.prog {
            Prog::Seq(items) => items.iter().collect(),
            p @ Prog::Token { .. } => vec![p],
            _ => return None,
        };
        if items.is_empty() || items.len() > MAX_SPAN as usize {
            return None;
        }
        let mut toks: Vec<(usize, &Cond, Option<usize>)> = items
            .iter()
            .enumerate()
            .map(|(i, p)| match p {
                Prog::Token { label, cond } => Some((i, cond, *label)),
                _ => None,
            })
            .collect::<Option<_>>()?;
        // The most selective tests first, so most candidates fail after one lookup.
        toks.sort_by_cached_key(|&(i, c, _)| (self.cond_count(c).unwrap_or(usize::MAX), i));
        Some(toks)
    }

    /// Candidate starts of a fixed sequence and the tests still to check on them. Tokens
    /// whose test is exactly a set of types are answered from the postings: the rarest gives
    /// the candidates, and the others are intersected in ([`postings::intersect`] reads both
    /// lists in order, where checking each candidate's neighbour would jump around the token
    /// array). One type's postings are read where they lie, so they are always intersected
    /// (a few candidates gallop through a long list, touching a few of its pages where
    /// checking the token array would touch a page per candidate); several types' postings
    /// must be gathered and sorted first, so they are intersected only while they are not
    /// much more frequent than the candidates left, and checked per candidate otherwise.
    fn fixed_starts<'t>(
        &'t self,
        toks: &'t [(usize, &'t Cond, Option<usize>)],
    ) -> (Starts<'t>, Vec<(usize, &'t Cond)>) {
        let mut starts: Option<Starts> = None;
        let mut to_check = Vec::new();
        for &(i, cond, _) in toks {
            let exact = match cond {
                Cond::True => continue,
                Cond::In(set, false) if set.ids.len() < 100_000 => Some(set),
                _ => None,
            };
            let count = self.cond_count(cond).unwrap_or(usize::MAX);
            match (exact, &starts) {
                (Some(set), None) => starts = Some(self.starts_of(set, i as u32)),
                (Some(set), Some(s)) if set.ids.len() == 1 || count / 64 <= s.len() => {
                    let other = self.starts_of(set, i as u32);
                    let ((cur, cur_off), (post, off)) = (s.parts(), other.parts());
                    starts = Some(Starts::Owned(postings::intersect(cur, cur_off, post, off)));
                }
                _ => to_check.push((i, cond)),
            }
        }
        let starts = starts.unwrap_or_else(|| Starts::Owned((0..self.corpus.len()).collect()));
        (starts, to_check)
    }

    /// The starts `p - offset` for the positions `p` of the types in `set`: one type's
    /// postings as they are, several types' gathered and sorted.
    fn starts_of(&self, set: &IdSet, offset: u32) -> Starts<'c> {
        let a = self.attrs[set.attr];
        if let [id] = set.ids[..] {
            let post = a.postings(id);
            return Starts::Shifted(&post[post.partition_point(|&p| p < offset)..], offset);
        }
        let total = set.ids.iter().map(|&id| a.postings(id).len()).sum();
        let mut v: Vec<u32> = Vec::with_capacity(total);
        for &id in &set.ids {
            v.extend(a.postings(id).iter().filter_map(|&p| p.checked_sub(offset)));
        }
        postings::sort_positions(&mut v);
        Starts::Owned(v)
    }

    fn fixed_match_at(
        &self,
        to_check: &[(usize, &Cond)],
        toks: &[(usize, &Cond, Option<usize>)],
        start: u32,
    ) -> Result<Option<Match>> {
        let end = start as usize + toks.len();
        if end > self.corpus.len() as usize {
            return Ok(None);
        }
        if !to_check
            .iter()
            .all(|&(i, c)| self.test(c, start + i as u32))
        {
            return Ok(None);
        }
        let mut labels = thin_vec![None; self.labels.len()];
        for &(i, _, l) in toks {
            if let Some(l) = l {
                labels[l] = Some(start + i as u32);
            }
        }
        let m = Match {
            start,
            end: end as u32,
            labels,
        };
        match &self.constraint {
            Some(c) if !self.holds(c, &m)? => Ok(None),
            _ => Ok(Some(m)),
        }
    }
}
