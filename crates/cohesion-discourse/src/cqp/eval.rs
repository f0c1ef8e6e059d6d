//! Evaluating a parsed CQP query on a corpus.
//!
//! Token tests are resolved once against each attribute's lexicon (a regex is run over the
//! types, not the tokens), so testing a token is a bitset lookup. Start positions come from
//! the index where possible: among the mandatory single tokens at a fixed offset from the
//! match start, the one with the fewest hits is chosen and its postings, shifted back by the
//! offset, are the candidates (the "TAB" idea of Evert & Hardie; plain CQP uses only the
//! first token). Otherwise every position is tried.
//!
//! Matching semantics: one match per start position, by default the shortest one that
//! satisfies the pattern and the global constraints (close to CQP's default strategy), or the
//! longest one with [`Strategy::Longest`]. A match never crosses the `within` region and
//! never spans more than [`MAX_SPAN`] tokens.

use super::parse::{Constraint, Node, Operand, Query, Test, Value};
pub use super::script::Strategy;
use crate::index::open::Corpus;
use cohesion_io::{Error, Result};

/// Longest match without `within` (CQP's hard boundary is similar in spirit).
pub const MAX_SPAN: u32 = 100;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Match {
    pub start: u32,
    /// Exclusive.
    pub end: u32,
    /// Positions bound to labels, in the order of [`Matcher::labels`].
    pub labels: Vec<Option<u32>>,
}

pub use super::value::{fold_diacritics, ValueMatcher};

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
        Ok(self.attrs.len() - 1)
    }

    fn id_set(&mut self, attr: &str, v: &Value) -> Result<IdSet> {
        let ai = self.attr_index(attr)?;
        let a = self.attrs[ai];
        let n = a.types();
        let mut bits = vec![0u64; n.div_ceil(64)];
        let mut ids = Vec::new();
        let literal = !v.ignore_case
            && !v.ignore_diacritics
            && !v.text.chars().any(|c| "\\.[]{}()*+?|^$".contains(c));
        if literal {
            ids.extend(a.id_of(&v.text));
        } else {
            let vm = ValueMatcher::new(v)?;
            ids.extend((0..n as u32).filter(|&i| vm.is_match(a.str_of(i))));
        }
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
            Cond::In(set, negate) => set.contains(self.attrs[set.attr].id_at(pos)) != *negate,
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
                labels: labels.clone(),
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
            if let Some(c) = self.candidates() {
                let n = limit.unwrap_or(usize::MAX);
                return Ok(c
                    .into_iter()
                    .take(n)
                    .map(|p| Match {
                        start: p,
                        end: p + 1,
                        labels: vec![],
                    })
                    .collect());
            }
        }
        let mut out = Vec::new();
        let mut push = |m: Option<Match>| {
            if let Some(m) = m {
                out.push(m);
            }
            limit.is_some_and(|l| out.len() >= l)
        };
        match self.candidates() {
            Some(c) => {
                for s in c {
                    if push(self.match_at(s)?) {
                        break;
                    }
                }
            }
            None => {
                for s in 0..self.corpus.len() {
                    if push(self.match_at(s)?) {
                        break;
                    }
                }
            }
        }
        Ok(out)
    }
}
