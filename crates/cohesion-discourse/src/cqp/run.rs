//! Running a query script ([`super::script`]): each statement in turn, named results kept
//! for later statements, output commands turned into tables, the last statement's result
//! returned.

use super::eval::{Match, Matcher};
use super::parse::perr;
use super::reports::{report, Named};
use super::script::{parse_script, Expr, Stmt, Strategy};
use super::sets;
use super::value::ValueMatcher;
use crate::index::open::Corpus;
use cohesion_io::{Error, Result, Table};
use std::collections::HashMap;

/// The result of a script: matches in corpus order, the label names, and the number of
/// matches when known (a limited run of a plain pattern may stop early); and the tables of
/// its output commands in script order. When the script ends with an output command,
/// `ends_with_report` is set and `matches` is empty.
pub struct Outcome {
    pub matches: Vec<Match>,
    pub labels: Vec<String>,
    pub total: Option<usize>,
    pub reports: Vec<Report>,
    pub ends_with_report: bool,
}

/// The table of one output command (`count W by lemma`), with the command as written.
pub struct Report {
    pub command: String,
    pub table: Table,
}

/// How a script runs: the initial matching strategy, the cap on the matches returned (a
/// final plain pattern then stops matching early), the context of `cat` lines, and whether
/// the script may end with an output command instead of a query.
#[derive(Debug, Clone, Copy)]
pub struct ScriptOptions {
    pub strategy: Strategy,
    pub limit: Option<usize>,
    pub window: u32,
    pub reports_last: bool,
}

struct Hits {
    matches: Vec<Match>,
    labels: Vec<String>,
}

struct Runner<'c> {
    corpus: &'c Corpus,
    strategy: Strategy,
    named: HashMap<String, Hits>,
}

impl Runner<'_> {
    fn eval(&self, e: &Expr) -> Result<Hits> {
        Ok(match e {
            Expr::Pattern(q) => {
                let m = Matcher::new(self.corpus, q)?.with_strategy(self.strategy);
                Hits {
                    matches: m.find_all(None)?,
                    labels: m.labels.clone(),
                }
            }
            Expr::Region { structure, meta } => {
                let st = self.corpus.structure(structure)?;
                let tests = meta
                    .iter()
                    .map(|(k, v)| Ok((k.as_str(), ValueMatcher::new(v)?)))
                    .collect::<Result<Vec<_>>>()?;
                for (k, _) in &tests {
                    st.value(0, k).map_err(|e| e.context("query"))?;
                }
                let matches = sets::regions(st, |i| {
                    for (k, vm) in &tests {
                        if !vm.is_match(st.value(i, k)?) {
                            return Ok(false);
                        }
                    }
                    Ok(true)
                })?;
                Hits {
                    matches,
                    labels: vec![],
                }
            }
            Expr::Name(n) => {
                let h = self
                    .named
                    .get(n)
                    .ok_or_else(|| Error::input(format!("query: no result named `{n}`")))?;
                Hits {
                    matches: h.matches.clone(),
                    labels: h.labels.clone(),
                }
            }
            Expr::Meet {
                first,
                second,
                span,
            } => {
                let a = self.eval(first)?;
                let b = self.eval(second)?;
                Hits {
                    matches: sets::meet(self.corpus, a.matches, &b.matches, span)?,
                    labels: a.labels,
                }
            }
            Expr::Filter {
                left,
                right,
                contain,
                negate,
            } => {
                let l = self.eval(left)?;
                let r = self.eval(right)?;
                let right = sets::normalise(r.matches);
                Hits {
                    matches: sets::filter(l.matches, &right, *contain, *negate),
                    labels: l.labels,
                }
            }
            Expr::Expand { inner, side, to } => {
                let h = self.eval(inner)?;
                Hits {
                    matches: sets::expand(self.corpus, h.matches, *side, to)?,
                    labels: h.labels,
                }
            }
            Expr::Set { op, a, b } => {
                let a = self.eval(a)?;
                let b = sets::normalise(self.eval(b)?.matches);
                Hits {
                    matches: sets::combine(*op, sets::normalise(a.matches), &b),
                    labels: a.labels,
                }
            }
        })
    }
}

/// Parse and run a script with `strategy` as the initial matching strategy. `limit` caps the
/// matches returned; a final plain pattern then stops matching early. The script must end
/// with a query or a result name; tables of output commands before it are in
/// [`Outcome::reports`].
pub fn run_script(
    corpus: &Corpus,
    text: &str,
    strategy: Strategy,
    limit: Option<usize>,
) -> Result<Outcome> {
    run_script_with(
        corpus,
        text,
        &ScriptOptions {
            strategy,
            limit,
            window: 8,
            reports_last: false,
        },
    )
}

/// Parse and run a script (see [`ScriptOptions`]).
pub fn run_script_with(corpus: &Corpus, text: &str, o: &ScriptOptions) -> Result<Outcome> {
    let (strategy, limit) = (o.strategy, o.limit);
    let stmts = parse_script(text)?;
    let mut r = Runner {
        corpus,
        strategy,
        named: HashMap::new(),
    };
    let mut reports = Vec::new();
    let last = stmts.len() - 1;
    for (i, s) in stmts.iter().enumerate() {
        match s {
            Stmt::Strategy(st) => r.strategy = *st,
            Stmt::Output { command, text, at } => {
                if i == last && !o.reports_last {
                    return Err(perr(
                        *at,
                        "a query or a result name as the last statement (output commands \
                         print tables, which `cohesion corpus query` shows)",
                        &format!("`{}`", text.split_whitespace().next().unwrap_or("")),
                    ));
                }
                let h = r.named.get(command.name()).ok_or_else(|| {
                    Error::input(format!("query: no result named `{}`", command.name()))
                })?;
                let named = Named {
                    matches: &h.matches,
                    labels: &h.labels,
                };
                let mut table = report(corpus, command, &named, o.window)?;
                table.notes.insert(0, format!("{text}:"));
                reports.push(Report {
                    command: text.clone(),
                    table,
                });
                if i == last {
                    return Ok(Outcome {
                        matches: vec![],
                        labels: vec![],
                        total: Some(0),
                        reports,
                        ends_with_report: true,
                    });
                }
            }
            Stmt::Show(Expr::Pattern(q)) if i == last => {
                let m = Matcher::new(corpus, q)?.with_strategy(r.strategy);
                let matches = m.find_all(limit)?;
                let total = match limit {
                    Some(l) if matches.len() >= l => m.quick_count(),
                    _ => Some(matches.len()),
                };
                return Ok(Outcome {
                    matches,
                    labels: m.labels.clone(),
                    total,
                    reports,
                    ends_with_report: false,
                });
            }
            Stmt::Show(e) | Stmt::Assign(_, e) => {
                let h = r.eval(e)?;
                if i == last {
                    let total = h.matches.len();
                    let mut matches = h.matches;
                    matches.truncate(limit.unwrap_or(usize::MAX));
                    return Ok(Outcome {
                        matches,
                        labels: h.labels,
                        total: Some(total),
                        reports,
                        ends_with_report: false,
                    });
                }
                if let Stmt::Assign(n, _) = s {
                    r.named.insert(n.clone(), h);
                }
            }
        }
    }
    Err(Error::input("query: nothing to show"))
}

/// Parse and run a query or script with the shortest-match strategy: the matches (at most
/// `limit`) and the label names.
pub fn run_query(
    corpus: &Corpus,
    q: &str,
    limit: Option<usize>,
) -> Result<(Vec<Match>, Vec<String>)> {
    let o = run_script(corpus, q, Strategy::Shortest, limit)?;
    Ok((o.matches, o.labels))
}
