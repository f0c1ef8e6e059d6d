//! Tables for the output commands of scripts ([`super::commands`]), with CWB's semantics:
//!
//! * `size A`: the number of matches.
//! * `cat A [i j]`: concordance lines of matches `i..=j` (0-based), as `kwic` shows them.
//! * `count A by ATTR`: how often each string occurs, the string being the attribute values of
//!   the tokens `match..matchend` (or the range after `on`) joined by spaces; most frequent
//!   first, then by string. `first` is the index of its first match in `A`, so `cat A i i`
//!   shows one.
//! * `group A [point] ATTR [by [point] ATTR]`: the frequency of the value at one token per
//!   match, or of pairs of values, the `by` value in the first column as CWB prints it; most
//!   frequent first. `within STRUCT` counts the regions a value occurs in instead of its
//!   matches (matches outside every region are left out).
//! * `tabulate A [i j] col, col, …`: one row per match; a column is the corpus position(s) or
//!   the attribute values of the tokens from one point to another, joined by spaces (nothing
//!   when the range runs backwards).
//!
//! A point moved off the corpus is clipped to its first or last token, as in CWB. A label that
//! a match did not bind is undefined: an empty cell, counted as its own value by `group`.

use super::commands::{AttrSpec, Column, Command, Lines, Point};
use super::eval::Match;
use super::parse::perr;
use super::value::fold_diacritics;
use crate::index::open::{Attribute, Corpus, Structure};
use crate::ops::kwic::{lines_table, Line};
use cohesion_io::{Cell, Result, Table};
use std::borrow::Cow;
use std::collections::{BTreeSet, HashMap};

/// A named result as the commands see it.
pub struct Named<'a> {
    pub matches: &'a [Match],
    pub labels: &'a [String],
}

enum Base {
    Match,
    MatchEnd,
    Label(usize),
}

struct Anchor {
    base: Base,
    offset: i64,
}

impl Anchor {
    fn new(p: &Point, labels: &[String]) -> Result<Self> {
        let base = match p.anchor.as_str() {
            "match" => Base::Match,
            "matchend" => Base::MatchEnd,
            l => match labels.iter().position(|x| x == l) {
                Some(i) => Base::Label(i),
                None => {
                    let known = if labels.is_empty() {
                        String::new()
                    } else {
                        format!(" or a label of the result ({})", labels.join(", "))
                    };
                    return Err(perr(
                        p.at,
                        &format!("an anchor: `match`, `matchend`{known}"),
                        &format!("`{l}`"),
                    ));
                }
            },
        };
        Ok(Anchor {
            base,
            offset: p.offset as i64,
        })
    }

    /// The corpus position for match `m`; `None` when its label is unbound.
    fn at(&self, m: &Match, tokens: u32) -> Option<u32> {
        let p = match self.base {
            Base::Match => m.start,
            Base::MatchEnd => m.end.max(m.start + 1) - 1,
            Base::Label(i) => m.labels.get(i).copied().flatten()?,
        };
        let last = tokens.checked_sub(1)? as i64;
        Some((p as i64 + self.offset).clamp(0, last) as u32)
    }
}

enum Source<'c> {
    Token(&'c Attribute),
    Region(&'c Structure, String),
}

/// An attribute resolved against the corpus, with its folding flags.
struct Reader<'c> {
    source: Source<'c>,
    fold_case: bool,
    fold_diacritics: bool,
}

impl<'c> Reader<'c> {
    fn new(corpus: &'c Corpus, a: &AttrSpec) -> Result<Self> {
        let region = a.name.split_once('_').and_then(|(s, col)| {
            let st = corpus.structure(s).ok()?;
            st.has_column(col)
                .then(|| Source::Region(st, col.to_string()))
        });
        let source = match (corpus.attr(&a.name), region) {
            (Ok(attr), _) => Source::Token(attr),
            (Err(_), Some(r)) => r,
            (Err(_), None) => {
                return Err(perr(
                    a.at,
                    &format!(
                        "an attribute of the corpus ({}) or region metadata such as `u_speaker`",
                        corpus.manifest.attributes.join(", ")
                    ),
                    &format!("`{}`", a.name),
                ))
            }
        };
        Ok(Reader {
            source,
            fold_case: a.fold_case,
            fold_diacritics: a.fold_diacritics,
        })
    }

    fn value(&self, pos: u32) -> Result<Cow<'c, str>> {
        let raw: &str = match &self.source {
            Source::Token(a) => a.at(pos),
            Source::Region(st, col) => match st.find(pos) {
                Some(i) => st.value(i, col)?,
                None => "",
            },
        };
        let mut v = Cow::Borrowed(raw);
        if self.fold_case {
            v = Cow::Owned(v.to_lowercase());
        }
        if self.fold_diacritics {
            v = Cow::Owned(fold_diacritics(&v));
        }
        Ok(v)
    }

    /// Values of `from..=to` joined by spaces; `None` when a point is undefined.
    fn range(&self, from: Option<u32>, to: Option<u32>) -> Result<Option<String>> {
        let (Some(a), Some(b)) = (from, to) else {
            return Ok(None);
        };
        let mut out = String::new();
        for p in a..=b {
            if p > a {
                out.push(' ');
            }
            out.push_str(&self.value(p)?);
        }
        Ok(Some(out))
    }
}

fn slice<'m>(matches: &'m [Match], lines: &Lines) -> (usize, &'m [Match]) {
    match *lines {
        None => (0, matches),
        Some((a, b)) => {
            let a = a.min(matches.len());
            let b = (b + 1).clamp(a, matches.len());
            (a, &matches[a..b])
        }
    }
}

fn opt_text(v: Option<String>) -> Cell {
    v.map_or(Cell::Empty, Cell::from)
}

/// The table an output command prints; `window` is the context of `cat` lines.
pub fn report(corpus: &Corpus, cmd: &Command, r: &Named, window: u32) -> Result<Table> {
    let n = corpus.len();
    match cmd {
        Command::Size(name) => {
            let mut t = Table::new(["result", "size"]);
            t.push(vec![name.as_str().into(), (r.matches.len() as i64).into()]);
            Ok(t)
        }
        Command::Cat { lines, .. } => {
            let (first, hits) = slice(r.matches, lines);
            let lines: Vec<Line> = hits
                .iter()
                .map(|m| Line {
                    start: m.start,
                    end: m.end,
                })
                .collect();
            let mut t = lines_table(corpus, &lines, window)?;
            t.columns.insert(0, "line".into());
            for (i, row) in t.rows.iter_mut().enumerate() {
                row.insert(0, ((first + i) as i64).into());
            }
            Ok(t)
        }
        Command::Count {
            attr,
            from,
            to,
            cut,
            ..
        } => {
            let reader = Reader::new(corpus, attr)?;
            let (from, to) = (Anchor::new(from, r.labels)?, Anchor::new(to, r.labels)?);
            let mut counts: HashMap<Option<String>, (u64, usize)> = HashMap::new();
            for (i, m) in r.matches.iter().enumerate() {
                let key = reader.range(from.at(m, n), to.at(m, n))?;
                counts.entry(key).or_insert((0, i)).0 += 1;
            }
            let mut rows: Vec<_> = counts.into_iter().filter(|(_, c)| c.0 >= *cut).collect();
            rows.sort_by(|a, b| b.1 .0.cmp(&a.1 .0).then_with(|| a.0.cmp(&b.0)));
            let mut t = Table::new([attr.label(), "freq".into(), "first".into()]);
            for (key, (f, first)) in rows {
                t.push(vec![
                    opt_text(key),
                    (f as i64).into(),
                    (first as i64).into(),
                ]);
            }
            Ok(t)
        }
        Command::Group {
            item,
            by,
            within,
            cut,
            ..
        } => group(corpus, r, item, by.as_ref(), within.as_ref(), *cut),
        Command::Tabulate { lines, columns, .. } => tabulate(corpus, r, lines, columns),
    }
}

fn column_name(p: &Point, a: &AttrSpec) -> String {
    format!("{}.{}", p.label(), a.label())
}

fn group(
    corpus: &Corpus,
    r: &Named,
    item: &(Point, AttrSpec),
    by: Option<&(Point, AttrSpec)>,
    within: Option<&(String, usize)>,
    cut: u64,
) -> Result<Table> {
    let n = corpus.len();
    let resolve = |(p, a): &(Point, AttrSpec)| -> Result<(Anchor, Reader)> {
        Ok((Anchor::new(p, r.labels)?, Reader::new(corpus, a)?))
    };
    let (ia, ir) = resolve(item)?;
    let by_resolved = by.map(resolve).transpose()?;
    let regions = match within {
        Some((s, at)) => Some(
            corpus
                .structure(s)
                .map_err(|_| perr(*at, "a structure name (text, u, s)", &format!("`{s}`")))?,
        ),
        None => None,
    };
    type Key = (Option<String>, Option<String>);
    let mut counts: HashMap<Key, u64> = HashMap::new();
    let mut seen: BTreeSet<(Key, usize)> = BTreeSet::new();
    for m in r.matches {
        let pos = ia.at(m, n);
        let value = |p: Option<u32>, rd: &Reader| -> Result<Option<String>> {
            p.map(|p| rd.value(p).map(|v| v.into_owned())).transpose()
        };
        let key: Key = (
            match &by_resolved {
                Some((ba, br)) => value(ba.at(m, n), br)?,
                None => None,
            },
            value(pos, &ir)?,
        );
        match regions {
            None => *counts.entry(key).or_default() += 1,
            Some(st) => {
                // Each value once per region it occurs in.
                if let Some(region) = pos.and_then(|p| st.find(p)) {
                    if seen.insert((key.clone(), region)) {
                        *counts.entry(key).or_default() += 1;
                    }
                }
            }
        }
    }
    let mut rows: Vec<(Key, u64)> = counts.into_iter().filter(|(_, f)| *f >= cut).collect();
    rows.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    let item_name = column_name(&item.0, &item.1);
    let mut columns = Vec::new();
    if let Some((p, a)) = by {
        let by_name = column_name(p, a);
        columns.push(if by_name == item_name {
            format!("{by_name} (by)")
        } else {
            by_name
        });
    }
    columns.push(item_name);
    columns.push("freq".into());
    let mut t = Table::new(columns);
    if let Some((s, _)) = within {
        t.notes.push(format!("freq: number of `{s}` regions"));
    }
    for ((b, v), f) in rows {
        let mut row = Vec::new();
        if by.is_some() {
            row.push(opt_text(b));
        }
        row.push(opt_text(v));
        row.push((f as i64).into());
        t.push(row);
    }
    Ok(t)
}

fn tabulate(corpus: &Corpus, r: &Named, lines: &Lines, columns: &[Column]) -> Result<Table> {
    let n = corpus.len();
    struct Resolved<'c> {
        from: Anchor,
        to: Anchor,
        reader: Option<Reader<'c>>,
        single: bool,
    }
    let cols = columns
        .iter()
        .map(|c| {
            Ok(Resolved {
                from: Anchor::new(&c.from, r.labels)?,
                to: Anchor::new(&c.to, r.labels)?,
                reader: c
                    .attr
                    .as_ref()
                    .map(|a| Reader::new(corpus, a))
                    .transpose()?,
                single: c.from == c.to,
            })
        })
        .collect::<Result<Vec<_>>>()?;
    let names: Vec<String> = columns
        .iter()
        .map(|c| {
            let mut s = c.from.label();
            if c.from != c.to {
                s = format!("{s}..{}", c.to.label());
            }
            match &c.attr {
                Some(a) => format!("{s} {}", a.label()),
                None => s,
            }
        })
        .collect();
    let mut t = Table::new(names);
    let (_, hits) = slice(r.matches, lines);
    for m in hits {
        let mut row = Vec::with_capacity(cols.len());
        for c in &cols {
            let (a, b) = (c.from.at(m, n), c.to.at(m, n));
            row.push(match (&c.reader, a, b) {
                (Some(rd), _, _) => opt_text(rd.range(a, b)?),
                (None, Some(a), Some(_)) if c.single => (a as i64).into(),
                (None, Some(a), Some(b)) => {
                    let ps: Vec<String> = (a..=b).map(|p| p.to_string()).collect();
                    ps.join(" ").into()
                }
                (None, _, _) => Cell::Empty,
            });
        }
        t.push(row);
    }
    Ok(t)
}
