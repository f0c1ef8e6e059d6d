//! Output commands of scripts, after CWB's CQP: their syntax tree and parser. Each one reads a
//! result named earlier in the script; [`super::reports`] turns it into a table.
//!
//! ```text
//! size NAME
//! cat NAME [lines]
//! count NAME by ATTR [%cd] [[on] point [.. point]] [cut N]
//! group NAME [point] ATTR [%cd] [(by|foreach) [point] ATTR [%cd]] [within STRUCT] [cut N]
//! tabulate NAME [lines] column {"," column}
//! column := point [.. point] [ATTR [%cd]]
//! point  := ("match" | "matchend" | LABEL) ["[" ["-"] N "]"]
//! lines  := ["from"] N ["to" | ".."] N          (0-based, both included)
//! ```
//!
//! ATTR is a positional attribute (`word`, `lower`, `lemma`, `pos`, …) or region metadata
//! written `STRUCT_COLUMN` as in constraints (`u_party`, `text_date`). Anchors and attributes
//! are checked against the corpus and the result's labels when the script runs; those errors
//! carry the position too.

use super::parse::{perr, Parser, Tok};
use cohesion_io::Result;

/// The names that open an output command (when a result name follows).
pub const COMMANDS: &[&str] = &["size", "cat", "count", "group", "tabulate"];

/// A corpus position relative to a match: `match`, `matchend` (its last token) or a label,
/// moved by `offset` tokens.
#[derive(Debug, Clone, PartialEq)]
pub struct Point {
    pub anchor: String,
    pub offset: i32,
    /// Character position in the script, for errors found when it runs.
    pub at: usize,
}

impl Point {
    pub fn label(&self) -> String {
        match self.offset {
            0 => self.anchor.clone(),
            o => format!("{}[{o}]", self.anchor),
        }
    }
}

/// An attribute to read at a point, optionally folded to lower case (`%c`) and/or without
/// diacritics (`%d`).
#[derive(Debug, Clone, PartialEq)]
pub struct AttrSpec {
    pub name: String,
    pub fold_case: bool,
    pub fold_diacritics: bool,
    pub at: usize,
}

impl AttrSpec {
    pub fn label(&self) -> String {
        let flags = match (self.fold_case, self.fold_diacritics) {
            (false, false) => "",
            (true, false) => "%c",
            (false, true) => "%d",
            (true, true) => "%cd",
        };
        format!("{}{flags}", self.name)
    }
}

/// One column of `tabulate`: the tokens `from..=to`, as corpus positions or attribute values.
#[derive(Debug, Clone, PartialEq)]
pub struct Column {
    pub from: Point,
    pub to: Point,
    pub attr: Option<AttrSpec>,
}

/// Matches `first..=last` of a result (0-based, clipped to the result's size).
pub type Lines = Option<(usize, usize)>;

#[derive(Debug, Clone, PartialEq)]
pub enum Command {
    Size(String),
    Cat {
        name: String,
        lines: Lines,
    },
    Count {
        name: String,
        attr: AttrSpec,
        from: Point,
        to: Point,
        cut: u64,
    },
    Group {
        name: String,
        item: (Point, AttrSpec),
        by: Option<(Point, AttrSpec)>,
        within: Option<(String, usize)>,
        cut: u64,
    },
    Tabulate {
        name: String,
        lines: Lines,
        columns: Vec<Column>,
    },
}

impl Command {
    pub fn name(&self) -> &str {
        match self {
            Command::Size(n) => n,
            Command::Cat { name, .. }
            | Command::Count { name, .. }
            | Command::Group { name, .. }
            | Command::Tabulate { name, .. } => name,
        }
    }
}

fn word(p: &Parser) -> Option<&str> {
    match p.peek() {
        Some(Tok::Ident(w)) => Some(w),
        _ => None,
    }
}

fn at(p: &Parser) -> usize {
    p.toks.get(p.i).map(|(pos, _)| *pos).unwrap_or(p.end)
}

/// Parse an output command; the parser stands on its keyword. `names` are the results named
/// so far.
pub(super) fn command(p: &mut Parser, names: &[String]) -> Result<Command> {
    let keyword = p.ident("an output command")?;
    let name = result_name(p, names)?;
    let c = match keyword.as_str() {
        "size" => Command::Size(name),
        "cat" => Command::Cat {
            name,
            lines: lines(p)?,
        },
        "count" => count(p, name)?,
        "group" => group(p, name)?,
        _ => tabulate(p, name)?,
    };
    if p.peek().is_some() && !matches!(p.peek(), Some(Tok::Sym(";"))) {
        let expected = match &c {
            Command::Size(_) => "`;` after `size NAME`",
            Command::Cat { .. } => "two line numbers (`cat A 0 9`) or `;`",
            Command::Count { .. } => "`on`, an anchor such as `matchend[-1]`, `cut N` or `;`",
            Command::Group { .. } => "`by`, `within`, `cut N` or `;`",
            Command::Tabulate { .. } => "`,`, an attribute or `;`",
        };
        return Err(p.err(expected));
    }
    Ok(c)
}

fn result_name(p: &mut Parser, names: &[String]) -> Result<String> {
    let start = at(p);
    let n = p.ident("the name of a result (`NAME = …;` earlier in the script)")?;
    if !names.contains(&n) {
        return Err(perr(
            start,
            "the name of a result assigned earlier (`NAME = …;`)",
            &format!("`{n}`"),
        ));
    }
    Ok(n)
}

fn number(p: &mut Parser, expected: &str) -> Result<u32> {
    match p.peek() {
        Some(Tok::Num(n)) => {
            let n = *n;
            p.i += 1;
            Ok(n)
        }
        _ => Err(p.err(expected)),
    }
}

fn lines(p: &mut Parser) -> Result<Lines> {
    let from_word = word(p) == Some("from");
    if from_word {
        p.i += 1;
    }
    if !from_word && !matches!(p.peek(), Some(Tok::Num(_))) {
        return Ok(None);
    }
    let first = number(p, "a line number (0 is the first match)")?;
    if word(p) == Some("to") {
        p.i += 1;
    } else {
        ellipsis(p)?;
    }
    let last_at = p.i;
    let last = number(p, "the last line number")?;
    if last < first {
        p.i = last_at;
        return Err(p.err(&format!("a last line of at least {first}")));
    }
    Ok(Some((first as usize, last as usize)))
}

/// `..` or `...`; false when neither is next.
fn ellipsis(p: &mut Parser) -> Result<bool> {
    if !p.eat(".") {
        return Ok(false);
    }
    p.expect(".", "`..` between two anchors")?;
    p.eat(".");
    Ok(true)
}

fn point(p: &mut Parser) -> Result<Point> {
    let at = at(p);
    let anchor = p.ident("an anchor: `match`, `matchend` or a label")?;
    let mut offset = 0;
    if p.eat("[") {
        let negative = p.eat("-");
        match p.peek() {
            Some(Tok::Num(n)) if *n <= 1000 => {
                offset = if negative { -(*n as i32) } else { *n as i32 };
                p.i += 1;
            }
            _ => return Err(p.err("an offset between -1000 and 1000, such as `-1`")),
        }
        p.expect("]", "`]` after the offset")?;
    }
    Ok(Point { anchor, offset, at })
}

fn attr_spec(p: &mut Parser) -> Result<AttrSpec> {
    let at = at(p);
    let name = p.ident("an attribute such as `lemma`, `word` or `u_party`")?;
    let (mut fold_case, mut fold_diacritics) = (false, false);
    if let Some(Tok::Flag(f)) = p.peek() {
        fold_case = f.contains('c');
        fold_diacritics = f.contains('d');
        p.i += 1;
    }
    Ok(AttrSpec {
        name,
        fold_case,
        fold_diacritics,
        at,
    })
}

fn cut(p: &mut Parser) -> Result<u64> {
    if word(p) != Some("cut") {
        return Ok(0);
    }
    p.i += 1;
    Ok(number(p, "a minimum frequency after `cut`")? as u64)
}

fn count(p: &mut Parser, name: String) -> Result<Command> {
    if word(p) != Some("by") {
        return Err(p.err("`by` and an attribute, as in `count A by lemma`"));
    }
    p.i += 1;
    let attr = attr_spec(p)?;
    let on = word(p) == Some("on");
    if on {
        p.i += 1;
        if matches!(word(p), None | Some("cut")) {
            return Err(p.err("an anchor after `on`, such as `matchend` or `match[-1]`"));
        }
    }
    let (from, to) = if on || word(p).is_some_and(|w| w != "cut") {
        let from = point(p)?;
        let to = if ellipsis(p)? {
            point(p)?
        } else {
            from.clone()
        };
        (from, to)
    } else {
        let here = at(p);
        let anchor = |a: &str| Point {
            anchor: a.into(),
            offset: 0,
            at: here,
        };
        (anchor("match"), anchor("matchend"))
    };
    Ok(Command::Count {
        name,
        attr,
        from,
        to,
        cut: cut(p)?,
    })
}

/// `[point] ATTR`: a lone identifier is the attribute, read at `match`.
fn group_item(p: &mut Parser) -> Result<(Point, AttrSpec)> {
    let next_is_attr = matches!(p.toks.get(p.i + 1), Some((_, Tok::Ident(w)))
        if !matches!(w.as_str(), "by" | "foreach" | "within" | "cut"));
    let has_offset = matches!(p.toks.get(p.i + 1), Some((_, Tok::Sym("["))));
    let point = if next_is_attr || has_offset {
        point(p)?
    } else {
        Point {
            anchor: "match".into(),
            offset: 0,
            at: at(p),
        }
    };
    Ok((point, attr_spec(p)?))
}

fn group(p: &mut Parser, name: String) -> Result<Command> {
    let item = group_item(p)?;
    let by = if matches!(word(p), Some("by" | "foreach")) {
        p.i += 1;
        Some(group_item(p)?)
    } else {
        None
    };
    let within = if word(p) == Some("within") {
        p.i += 1;
        let at = at(p);
        Some((p.ident("a structure name (text, u, s)")?, at))
    } else {
        None
    };
    Ok(Command::Group {
        name,
        item,
        by,
        within,
        cut: cut(p)?,
    })
}

fn tabulate(p: &mut Parser, name: String) -> Result<Command> {
    let lines = lines(p)?;
    let mut columns = Vec::new();
    loop {
        let from = point(p)?;
        let to = if ellipsis(p)? {
            point(p)?
        } else {
            from.clone()
        };
        let attr = match p.peek() {
            Some(Tok::Ident(_)) => Some(attr_spec(p)?),
            _ => None,
        };
        columns.push(Column { from, to, attr });
        if !p.eat(",") {
            break;
        }
    }
    Ok(Command::Tabulate {
        name,
        lines,
        columns,
    })
}
