//! Query scripts: statements separated by `;`, of which the last one is the result shown.
//!
//! ```text
//! script    := statement { ";" statement } [";"]
//! statement := NAME "=" expr | "set" "MatchingStrategy" ("shortest"|"longest") | command
//!            | expr
//! command   := ("size"|"cat"|"count"|"group"|"tabulate") NAME …   (see [`super::commands`])
//! expr      := setop | chain
//! setop     := ("intersect"|"inter"|"union"|"join"|"diff"|"difference") operand operand
//! operand   := NAME | region | meet | "(" expr ")"
//! chain     := primary { ["not"] ("containing"|"within") primary
//!                      | "expand" ["left"|"right"] "to" (STRUCT | NUMBER) }
//! primary   := operand | pattern [within STRUCT | within region] [":: constraint"]
//! region    := "<" STRUCT { attr "=" value } "/>"
//! meet      := "(" "meet" meetarg meetarg (INT INT | STRUCT) ")"
//! ```
//!
//! `within STRUCT` and `within <STRUCT …/>` right after a pattern bound the matcher (a match
//! never leaves the region); any other `within` filters whole matches afterwards.

use super::commands::{self, Command, COMMANDS};
use super::parse::{describe, perr, Node, Parser, Query, Tok, Value};
use cohesion_io::Result;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum Strategy {
    /// One match per start position, the shortest (close to CQP's default).
    #[default]
    Shortest,
    /// One match per start position, the longest.
    Longest,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SetOp {
    Intersect,
    Union,
    Diff,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Side {
    Both,
    Left,
    Right,
}

#[derive(Debug, Clone, PartialEq)]
pub enum ExpandTo {
    Region(String),
    /// A number of tokens, clipped at the borders of the text.
    Tokens(u32),
}

#[derive(Debug, Clone, PartialEq)]
pub enum MeetSpan {
    /// The second pattern starts `lo..=hi` tokens from the first (never at offset 0).
    Window(i32, i32),
    /// The second pattern starts in the same region as the first.
    Region(String),
}

#[derive(Debug, Clone, PartialEq)]
pub enum Expr {
    Pattern(Query),
    /// Every region of a structure whose metadata matches: `<s/>`, `<text date="2019.*"/>`.
    Region {
        structure: String,
        meta: Vec<(String, Value)>,
    },
    Name(String),
    Meet {
        first: Box<Expr>,
        second: Box<Expr>,
        span: MeetSpan,
    },
    /// `left containing right` (`contain`), or `left within right`; `negate` for `not`.
    Filter {
        left: Box<Expr>,
        right: Box<Expr>,
        contain: bool,
        negate: bool,
    },
    Expand {
        inner: Box<Expr>,
        side: Side,
        to: ExpandTo,
    },
    Set {
        op: SetOp,
        a: Box<Expr>,
        b: Box<Expr>,
    },
}

#[derive(Debug, Clone, PartialEq)]
pub enum Stmt {
    Assign(String, Expr),
    Strategy(Strategy),
    Show(Expr),
    /// An output command, its text as written, and its character position.
    Output {
        command: Command,
        text: String,
        at: usize,
    },
}

const KEYWORDS: &[&str] = &[
    "within",
    "containing",
    "not",
    "expand",
    "meet",
    "set",
    "intersect",
    "inter",
    "union",
    "join",
    "diff",
    "difference",
];

fn set_op(w: &str) -> Option<SetOp> {
    match w {
        "intersect" | "inter" => Some(SetOp::Intersect),
        "union" | "join" => Some(SetOp::Union),
        "diff" | "difference" => Some(SetOp::Diff),
        _ => None,
    }
}

struct ScriptParser {
    p: Parser,
    names: Vec<String>,
    chars: Vec<char>,
}

impl ScriptParser {
    fn word(&self) -> Option<&str> {
        match self.p.peek() {
            Some(Tok::Ident(w)) => Some(w),
            _ => None,
        }
    }

    fn statement(&mut self) -> Result<Stmt> {
        if self.word() == Some("set") {
            self.p.i += 1;
            let key = self.p.ident("`MatchingStrategy`")?;
            if !key.eq_ignore_ascii_case("matchingstrategy") {
                self.p.i -= 1;
                return Err(self.p.err("`MatchingStrategy`"));
            }
            return match self.word() {
                Some("shortest") => Ok(self.advance(Stmt::Strategy(Strategy::Shortest))),
                Some("longest") => Ok(self.advance(Stmt::Strategy(Strategy::Longest))),
                _ => Err(self.p.err("`shortest` or `longest`")),
            };
        }
        if let (Some(Tok::Ident(n)), Some(Tok::Sym("="))) = (self.p.peek(), self.p.peek2()) {
            let n = n.clone();
            if KEYWORDS.contains(&n.as_str()) {
                return Err(self.p.err("a result name that is not a keyword"));
            }
            self.p.i += 2;
            let e = self.expr()?;
            self.names.push(n.clone());
            return Ok(Stmt::Assign(n, e));
        }
        if let (Some(Tok::Ident(w)), Some(Tok::Ident(_))) = (self.p.peek(), self.p.peek2()) {
            if COMMANDS.contains(&w.as_str()) {
                let at = self.p.toks[self.p.i].0;
                let command = commands::command(&mut self.p, &self.names)?;
                let end = self.p.toks.get(self.p.i).map_or(self.p.end, |(p, _)| *p);
                let text: String = self.chars[at..end].iter().collect();
                return Ok(Stmt::Output {
                    command,
                    text: text.trim_end().to_string(),
                    at,
                });
            }
        }
        Ok(Stmt::Show(self.expr()?))
    }

    fn advance(&mut self, s: Stmt) -> Stmt {
        self.p.i += 1;
        s
    }

    fn expr(&mut self) -> Result<Expr> {
        if let Some(op) = self.word().and_then(set_op) {
            self.p.i += 1;
            let a = self.operand()?;
            let b = self.operand()?;
            return Ok(Expr::Set {
                op,
                a: Box::new(a),
                b: Box::new(b),
            });
        }
        let mut e = self.primary()?;
        loop {
            let negate = self.word() == Some("not");
            let at = self.p.i + negate as usize;
            let op = match self.p.toks.get(at) {
                Some((_, Tok::Ident(w))) => w.as_str(),
                _ => "",
            };
            match op {
                "containing" | "within" => {
                    let contain = op == "containing";
                    self.p.i = at + 1;
                    let right = self.primary()?;
                    e = Expr::Filter {
                        left: Box::new(e),
                        right: Box::new(right),
                        contain,
                        negate,
                    };
                }
                "expand" if !negate => {
                    self.p.i += 1;
                    let side = match self.word() {
                        Some("left") => self.advance_side(Side::Left),
                        Some("right") => self.advance_side(Side::Right),
                        _ => Side::Both,
                    };
                    if self.word() != Some("to") {
                        return Err(self.p.err("`to`, `left to` or `right to`"));
                    }
                    self.p.i += 1;
                    let to = match self.p.peek() {
                        Some(Tok::Num(_)) => ExpandTo::Tokens(self.p.num()?),
                        _ => ExpandTo::Region(
                            self.p.ident("a structure name (text, u, s) or a number")?,
                        ),
                    };
                    e = Expr::Expand {
                        inner: Box::new(e),
                        side,
                        to,
                    };
                }
                _ if negate => {
                    self.p.i = at;
                    return Err(self.p.err("`containing` or `within` after `not`"));
                }
                _ => return Ok(e),
            }
        }
    }

    fn advance_side(&mut self, s: Side) -> Side {
        self.p.i += 1;
        s
    }

    /// Operands of set operations: never a bare pattern, whose sequence would swallow the
    /// second operand.
    fn operand(&mut self) -> Result<Expr> {
        match self.p.peek() {
            Some(Tok::Ident(_)) => self.name(),
            Some(Tok::Sym("<")) if self.p.region_ahead(self.p.i) => self.region(),
            Some(Tok::Sym("(")) => self.paren(),
            _ => Err(self
                .p
                .err("a result name, `<region/>` or a query in parentheses")),
        }
    }

    fn name(&mut self) -> Result<Expr> {
        let start = self.p.i;
        let n = self.p.ident("a result name")?;
        if !self.names.contains(&n) {
            let pos = self.p.toks[start].0;
            return Err(perr(
                pos,
                "a token pattern or a result named earlier (`NAME = …;`)",
                &format!("`{n}`"),
            ));
        }
        Ok(Expr::Name(n))
    }

    fn region(&mut self) -> Result<Expr> {
        let (structure, meta) = self.p.region()?;
        Ok(Expr::Region { structure, meta })
    }

    fn primary(&mut self) -> Result<Expr> {
        match self.p.peek() {
            Some(Tok::Ident(w)) if !matches!(self.p.peek2(), Some(Tok::Sym(":"))) => {
                if KEYWORDS.contains(&w.as_str()) {
                    return Err(self.p.err("a token pattern"));
                }
                self.name()
            }
            Some(Tok::Sym("<")) if self.p.region_ahead(self.p.i) => self.region(),
            Some(Tok::Sym("(")) => self.paren(),
            _ => Ok(Expr::Pattern(self.p.query()?)),
        }
    }

    /// `(meet …)`, a parenthesised pattern, or a parenthesised expression — tried in that
    /// order; when both of the last two fail, the error that got further is reported.
    fn paren(&mut self) -> Result<Expr> {
        let start = self.p.i;
        if matches!(self.p.peek2(), Some(Tok::Ident(w)) if w == "meet") {
            return self.meet();
        }
        let as_pattern = self.p.query();
        let (pattern_end, pattern_i) = (self.p.i, as_pattern);
        match pattern_i {
            Ok(q) => Ok(Expr::Pattern(q)),
            Err(pattern_err) => {
                self.p.i = start + 1;
                match self.expr() {
                    Ok(e) => {
                        self.p.expect(")", "`)`")?;
                        Ok(e)
                    }
                    Err(e) if self.p.i >= pattern_end => Err(e),
                    Err(_) => Err(pattern_err),
                }
            }
        }
    }

    fn meet(&mut self) -> Result<Expr> {
        self.p.i += 2;
        let first = self.meet_arg()?;
        let second = self.meet_arg()?;
        let span = match self.p.peek() {
            Some(Tok::Ident(_)) => MeetSpan::Region(self.p.ident("a structure name")?),
            _ => {
                let lo = self.int()?;
                let at = self.p.i;
                let hi = self.int()?;
                if hi < lo {
                    self.p.i = at;
                    return Err(self.p.err(&format!("a window end of at least {lo}")));
                }
                MeetSpan::Window(lo, hi)
            }
        };
        self.p.expect(")", "`)` after the window of `meet`")?;
        Ok(Expr::Meet {
            first: Box::new(first),
            second: Box::new(second),
            span,
        })
    }

    fn meet_arg(&mut self) -> Result<Expr> {
        if matches!(self.p.peek(), Some(Tok::Sym("(")))
            && matches!(self.p.peek2(), Some(Tok::Ident(w)) if w == "meet")
        {
            return self.meet();
        }
        let pattern: Node = self.p.item()?;
        Ok(Expr::Pattern(Query {
            pattern,
            within: None,
            within_meta: vec![],
            constraint: None,
        }))
    }

    fn int(&mut self) -> Result<i32> {
        let neg = self.p.eat("-");
        match self.p.peek() {
            Some(Tok::Num(n)) if *n <= 1000 => {
                let n = *n as i32;
                self.p.i += 1;
                Ok(if neg { -n } else { n })
            }
            _ => Err(self
                .p
                .err("a window offset between -1000 and 1000, or a structure name")),
        }
    }
}

/// Parse a script; it must end with something to show.
pub fn parse_script(q: &str) -> Result<Vec<Stmt>> {
    let mut sp = ScriptParser {
        p: Parser::new(q)?,
        names: Vec::new(),
        chars: q.chars().collect(),
    };
    let mut stmts = Vec::new();
    loop {
        while sp.p.eat(";") {}
        if sp.p.peek().is_none() {
            break;
        }
        stmts.push(sp.statement()?);
        if sp.p.peek().is_some() && !sp.p.eat(";") {
            let pos = sp.p.toks.get(sp.p.i).map(|(p, _)| *p).unwrap_or(sp.p.end);
            return Err(perr(
                pos,
                "end of query, `;`, `within`, `containing`, `expand` or `::`",
                &describe(sp.p.toks.get(sp.p.i)),
            ));
        }
    }
    match stmts.last() {
        None => Err(sp
            .p
            .err("a token pattern such as `[lemma=\"wij\"]` or `\"burgers\"`")),
        Some(Stmt::Strategy(_)) => Err(sp.p.err("a query after `set MatchingStrategy …`")),
        Some(_) => Ok(stmts),
    }
}

/// Whether a script has output commands (`count`, `cat`, …); false for one that does not parse.
pub fn has_output_commands(q: &str) -> bool {
    parse_script(q).is_ok_and(|stmts| stmts.iter().any(|s| matches!(s, Stmt::Output { .. })))
}
