//! Parser for the CQP subset (see the crate docs in `docs/corpus.md`): attribute tests,
//! regex values with `%c`/`%d` flags, bare strings, `[]`, sequences, quantifiers
//! (`* + ? {n} {n,} {n,m}`), grouping and alternation, region tags `<s>`, `</u>`,
//! `<u party="SP">`, `within s` and `within <text date="2019.*"/>`, labels `a:[…]` and global
//! constraints after `::`. Scripts built from such queries are parsed in [`super::script`].
//!
//! Errors give the character position and what was expected there, e.g.
//! `query: at 14: expected `]` or `&`, found `"b"``.

use cohesion_io::{Error, Result};

#[derive(Debug, Clone, PartialEq)]
pub struct Value {
    pub text: String,
    pub ignore_case: bool,
    pub ignore_diacritics: bool,
}

/// A test on one token.
#[derive(Debug, Clone, PartialEq)]
pub enum Test {
    True,
    Attr {
        attr: String,
        value: Value,
        negate: bool,
    },
    And(Box<Test>, Box<Test>),
    Or(Box<Test>, Box<Test>),
    Not(Box<Test>),
}

#[derive(Debug, Clone, PartialEq)]
pub enum Node {
    Token {
        label: Option<String>,
        test: Test,
    },
    /// Zero-width: at the start (`open`) or just after the end of a region, with optional
    /// metadata tests on that region.
    Boundary {
        structure: String,
        open: bool,
        meta: Vec<(String, Value)>,
    },
    Seq(Vec<Node>),
    Alt(Vec<Node>),
    Repeat {
        node: Box<Node>,
        min: u32,
        max: Option<u32>,
    },
}

/// Reference in a global constraint: `label.attr`, `match.attr`, `matchend.attr`, or a string.
#[derive(Debug, Clone, PartialEq)]
pub enum Operand {
    Ref { anchor: String, attr: String },
    Literal(Value),
}

#[derive(Debug, Clone, PartialEq)]
pub enum Constraint {
    Cmp {
        left: Operand,
        right: Operand,
        negate: bool,
    },
    And(Box<Constraint>, Box<Constraint>),
    Or(Box<Constraint>, Box<Constraint>),
    Not(Box<Constraint>),
}

#[derive(Debug, Clone, PartialEq)]
pub struct Query {
    pub pattern: Node,
    pub within: Option<String>,
    /// Metadata tests on the `within` region (`within <text date="2019.*"/>`).
    pub within_meta: Vec<(String, Value)>,
    pub constraint: Option<Constraint>,
}

#[derive(Debug, Clone, PartialEq)]
pub(super) enum Tok {
    Ident(String),
    Str(String),
    Num(u32),
    Flag(String),
    Sym(&'static str),
}

pub(super) fn describe(t: Option<&(usize, Tok)>) -> String {
    match t {
        None => "end of query".into(),
        Some((_, Tok::Ident(s))) => format!("`{s}`"),
        Some((_, Tok::Str(s))) => format!("\"{s}\""),
        Some((_, Tok::Num(n))) => format!("`{n}`"),
        Some((_, Tok::Flag(f))) => format!("`%{f}`"),
        Some((_, Tok::Sym(s))) => format!("`{s}`"),
    }
}

const SYMBOLS: &[&str] = &[
    "::", "!=", "</", "/>", "-", "[", "]", "(", ")", "{", "}", "<", ">", "=", "&", "|", "!", "*",
    "+", "?", ",", ":", ".", ";",
];

pub(super) fn lex(q: &str) -> Result<Vec<(usize, Tok)>> {
    let chars: Vec<char> = q.chars().collect();
    let mut out = Vec::new();
    let mut i = 0;
    'outer: while i < chars.len() {
        let c = chars[i];
        if c.is_whitespace() {
            i += 1;
            continue;
        }
        let start = i;
        if c == '"' || c == '\'' {
            let mut s = String::new();
            i += 1;
            while i < chars.len() {
                match chars[i] {
                    ch if ch == c => {
                        // CQP doubles a quote to escape it inside a string.
                        if chars.get(i + 1) == Some(&c) {
                            s.push(c);
                            i += 2;
                            continue;
                        }
                        out.push((start, Tok::Str(s)));
                        i += 1;
                        continue 'outer;
                    }
                    '\\' if i + 1 < chars.len() => {
                        s.push('\\');
                        s.push(chars[i + 1]);
                        i += 2;
                    }
                    ch => {
                        s.push(ch);
                        i += 1;
                    }
                }
            }
            return Err(perr(start, "a closing quote", "end of query"));
        }
        if c == '%' {
            i += 1;
            let f: String = chars[i..]
                .iter()
                .take_while(|c| c.is_ascii_alphabetic())
                .collect();
            if f.is_empty() || !f.chars().all(|c| c == 'c' || c == 'd') {
                return Err(perr(start, "`%c`, `%d` or `%cd`", &format!("`%{f}`")));
            }
            i += f.len();
            out.push((start, Tok::Flag(f)));
            continue;
        }
        if c.is_ascii_digit() {
            let d: String = chars[i..]
                .iter()
                .take_while(|c| c.is_ascii_digit())
                .collect();
            i += d.len();
            let n = d.parse().map_err(|_| perr(start, "a smaller number", &d))?;
            out.push((start, Tok::Num(n)));
            continue;
        }
        if c.is_alphabetic() || c == '_' {
            let w: String = chars[i..]
                .iter()
                .take_while(|c| c.is_alphanumeric() || **c == '_' || **c == '-')
                .collect();
            i += w.chars().count();
            out.push((start, Tok::Ident(w)));
            continue;
        }
        let rest: String = chars[i..].iter().take(2).collect();
        if let Some(sym) = SYMBOLS.iter().find(|s| rest.starts_with(**s)) {
            i += sym.chars().count();
            out.push((start, Tok::Sym(sym)));
            continue;
        }
        return Err(perr(
            start,
            "a token pattern, string or operator",
            &format!("`{c}`"),
        ));
    }
    Ok(out)
}

pub(super) fn perr(pos: usize, expected: &str, found: &str) -> Error {
    Error::input(format!(
        "query: at {}: expected {expected}, found {found}",
        pos + 1
    ))
}

pub(super) struct Parser {
    pub(super) toks: Vec<(usize, Tok)>,
    pub(super) i: usize,
    pub(super) end: usize,
}

impl Parser {
    pub(super) fn new(q: &str) -> Result<Self> {
        Ok(Parser {
            toks: lex(q)?,
            i: 0,
            end: q.chars().count(),
        })
    }
    pub(super) fn peek(&self) -> Option<&Tok> {
        self.toks.get(self.i).map(|(_, t)| t)
    }
    pub(super) fn peek2(&self) -> Option<&Tok> {
        self.toks.get(self.i + 1).map(|(_, t)| t)
    }
    pub(super) fn err(&self, expected: &str) -> Error {
        let pos = self.toks.get(self.i).map(|(p, _)| *p).unwrap_or(self.end);
        perr(pos, expected, &describe(self.toks.get(self.i)))
    }
    pub(super) fn eat(&mut self, sym: &str) -> bool {
        if matches!(self.peek(), Some(Tok::Sym(s)) if *s == sym) {
            self.i += 1;
            true
        } else {
            false
        }
    }
    pub(super) fn expect(&mut self, sym: &str, expected: &str) -> Result<()> {
        if self.eat(sym) {
            Ok(())
        } else {
            Err(self.err(expected))
        }
    }
    pub(super) fn ident(&mut self, expected: &str) -> Result<String> {
        match self.peek() {
            Some(Tok::Ident(s)) => {
                let s = s.clone();
                self.i += 1;
                Ok(s)
            }
            _ => Err(self.err(expected)),
        }
    }
    pub(super) fn value(&mut self) -> Result<Value> {
        let text = match self.peek() {
            Some(Tok::Str(s)) => s.clone(),
            _ => return Err(self.err("a quoted string")),
        };
        self.i += 1;
        let mut v = Value {
            text,
            ignore_case: false,
            ignore_diacritics: false,
        };
        if let Some(Tok::Flag(f)) = self.peek() {
            v.ignore_case = f.contains('c');
            v.ignore_diacritics = f.contains('d');
            self.i += 1;
        }
        Ok(v)
    }

    fn alternation(&mut self) -> Result<Node> {
        let mut alts = vec![self.sequence()?];
        while self.eat("|") {
            alts.push(self.sequence()?);
        }
        Ok(if alts.len() == 1 {
            alts.pop().unwrap_or(Node::Seq(vec![]))
        } else {
            Node::Alt(alts)
        })
    }

    fn sequence(&mut self) -> Result<Node> {
        let mut items = Vec::new();
        while let Some(t) = self.peek() {
            let starts_item = match t {
                Tok::Sym(s) => matches!(*s, "[" | "(" | "<" | "</"),
                Tok::Str(_) => true,
                Tok::Ident(w) => w != "within" && matches!(self.peek2(), Some(Tok::Sym(":"))),
                _ => false,
            };
            if !starts_item {
                break;
            }
            items.push(self.item()?);
        }
        if items.is_empty() {
            return Err(self.err("a token pattern such as `[lemma=\"wij\"]` or `\"burgers\"`"));
        }
        Ok(if items.len() == 1 {
            items.pop().unwrap_or(Node::Seq(vec![]))
        } else {
            Node::Seq(items)
        })
    }

    pub(super) fn item(&mut self) -> Result<Node> {
        let label = if matches!(self.peek(), Some(Tok::Ident(_))) {
            let l = self.ident("a label")?;
            self.expect(":", "`:` after a label")?;
            if !matches!(self.peek(), Some(Tok::Sym("[")) | Some(Tok::Str(_))) {
                return Err(self.err("a token pattern after the label"));
            }
            Some(l)
        } else {
            None
        };
        let atom = match self.peek() {
            Some(Tok::Sym("[")) => {
                self.i += 1;
                let test = if self.eat("]") {
                    Test::True
                } else {
                    let t = self.test_or()?;
                    self.expect("]", "`]`, `&` or `|`")?;
                    t
                };
                Node::Token { label, test }
            }
            Some(Tok::Str(_)) => {
                let value = self.value()?;
                Node::Token {
                    label,
                    test: Test::Attr {
                        attr: "word".into(),
                        value,
                        negate: false,
                    },
                }
            }
            Some(Tok::Sym("(")) => {
                self.i += 1;
                let n = self.alternation()?;
                self.expect(")", "`)` or `|`")?;
                n
            }
            Some(Tok::Sym("</")) => {
                self.i += 1;
                let structure = self.ident("a structure name (text, u, s)")?;
                self.expect(">", "`>`")?;
                return Ok(Node::Boundary {
                    structure,
                    open: false,
                    meta: vec![],
                });
            }
            Some(Tok::Sym("<")) => {
                self.i += 1;
                let name = self.ident("a structure name (text, u, s)")?;
                let mut meta = Vec::new();
                // CQP's `<u_party="SP">` and the spelled-out `<u party="SP">` both work.
                let (structure, first) = match name.split_once('_') {
                    Some((s, a)) if self.eat("=") => {
                        (s.to_string(), Some((a.to_string(), self.value()?)))
                    }
                    _ => (name, None),
                };
                meta.extend(first);
                while let Some(Tok::Ident(_)) = self.peek() {
                    let a = self.ident("an attribute name")?;
                    self.expect("=", "`=`")?;
                    meta.push((a, self.value()?));
                }
                self.expect(">", "`>` or an attribute test")?;
                return Ok(Node::Boundary {
                    structure,
                    open: true,
                    meta,
                });
            }
            _ => return Err(self.err("a token pattern")),
        };
        self.quantified(atom)
    }

    fn quantified(&mut self, atom: Node) -> Result<Node> {
        let (min, max) = if self.eat("*") {
            (0, None)
        } else if self.eat("+") {
            (1, None)
        } else if self.eat("?") {
            (0, Some(1))
        } else if self.eat("{") {
            let min = self.num()?;
            let max = if self.eat(",") {
                if matches!(self.peek(), Some(Tok::Num(_))) {
                    Some(self.num()?)
                } else {
                    None
                }
            } else {
                Some(min)
            };
            self.expect("}", "`}` or `,`")?;
            if max.is_some_and(|m| m < min) {
                return Err(Error::input(format!(
                    "query: repetition {{{min},{}}} has its maximum below its minimum",
                    max.unwrap_or(0)
                )));
            }
            (min, max)
        } else {
            return Ok(atom);
        };
        Ok(Node::Repeat {
            node: Box::new(atom),
            min,
            max,
        })
    }

    pub(super) fn num(&mut self) -> Result<u32> {
        match self.peek() {
            Some(Tok::Num(n)) => {
                let n = *n;
                self.i += 1;
                Ok(n)
            }
            _ => Err(self.err("a number")),
        }
    }

    fn test_or(&mut self) -> Result<Test> {
        let mut t = self.test_and()?;
        while self.eat("|") {
            t = Test::Or(Box::new(t), Box::new(self.test_and()?));
        }
        Ok(t)
    }
    fn test_and(&mut self) -> Result<Test> {
        let mut t = self.test_not()?;
        while self.eat("&") {
            t = Test::And(Box::new(t), Box::new(self.test_not()?));
        }
        Ok(t)
    }
    fn test_not(&mut self) -> Result<Test> {
        if self.eat("!") {
            return Ok(Test::Not(Box::new(self.test_not()?)));
        }
        if self.eat("(") {
            let t = self.test_or()?;
            self.expect(")", "`)`")?;
            return Ok(t);
        }
        let attr = self.ident("an attribute name (word, lemma, pos, …)")?;
        let negate = if self.eat("!=") {
            true
        } else {
            self.expect("=", "`=` or `!=`")?;
            false
        };
        Ok(Test::Attr {
            attr,
            value: self.value()?,
            negate,
        })
    }

    fn constraint_or(&mut self) -> Result<Constraint> {
        let mut c = self.constraint_and()?;
        while self.eat("|") {
            c = Constraint::Or(Box::new(c), Box::new(self.constraint_and()?));
        }
        Ok(c)
    }
    fn constraint_and(&mut self) -> Result<Constraint> {
        let mut c = self.constraint_not()?;
        while self.eat("&") {
            c = Constraint::And(Box::new(c), Box::new(self.constraint_not()?));
        }
        Ok(c)
    }
    fn constraint_not(&mut self) -> Result<Constraint> {
        if self.eat("!") {
            return Ok(Constraint::Not(Box::new(self.constraint_not()?)));
        }
        if self.eat("(") {
            let c = self.constraint_or()?;
            self.expect(")", "`)`")?;
            return Ok(c);
        }
        let left = self.operand()?;
        let negate = if self.eat("!=") {
            true
        } else {
            self.expect("=", "`=` or `!=`")?;
            false
        };
        let right = self.operand()?;
        Ok(Constraint::Cmp {
            left,
            right,
            negate,
        })
    }
    fn operand(&mut self) -> Result<Operand> {
        if let Some(Tok::Str(_)) = self.peek() {
            return Ok(Operand::Literal(self.value()?));
        }
        let anchor = self.ident("`label.attribute`, `match.attribute` or a string")?;
        self.expect(".", "`.` and an attribute name")?;
        let attr = self.ident("an attribute name")?;
        Ok(Operand::Ref { anchor, attr })
    }
}

impl Parser {
    /// A token pattern with its optional `within` region and global constraint. A `within`
    /// followed by anything but a region name or `<region …/>` is left to the caller (it is
    /// the query-level `within` of [`super::script`]).
    pub(super) fn query(&mut self) -> Result<Query> {
        let pattern = self.alternation()?;
        let (mut within, mut within_meta) = (None, Vec::new());
        if matches!(self.peek(), Some(Tok::Ident(w)) if w == "within") {
            match self.peek2() {
                Some(Tok::Ident(_)) => {
                    self.i += 1;
                    within = Some(self.ident("a structure name")?);
                }
                Some(Tok::Sym("<")) if self.region_ahead(self.i + 1) => {
                    self.i += 1;
                    let (s, meta) = self.region()?;
                    within = Some(s);
                    within_meta = meta;
                }
                _ => {}
            }
        }
        let constraint = if self.eat("::") {
            Some(self.constraint_or()?)
        } else {
            None
        };
        Ok(Query {
            pattern,
            within,
            within_meta,
            constraint,
        })
    }

    /// Whether the tokens from `at` spell a whole-region query `<name attr="v" …/>`.
    pub(super) fn region_ahead(&self, at: usize) -> bool {
        if !matches!(self.toks.get(at), Some((_, Tok::Sym("<")))) {
            return false;
        }
        for (_, t) in &self.toks[at + 1..] {
            match t {
                Tok::Sym("/>") => return true,
                Tok::Sym(">") | Tok::Sym("<") | Tok::Sym("[") => return false,
                _ => {}
            }
        }
        false
    }

    /// `<name attr="value" …/>`: a structure and metadata tests (`<u_party="SP"/>` too).
    pub(super) fn region(&mut self) -> Result<(String, Vec<(String, Value)>)> {
        self.expect("<", "`<`")?;
        let name = self.ident("a structure name (text, u, s)")?;
        let mut meta = Vec::new();
        let structure = match name.split_once('_') {
            Some((s, a)) if self.eat("=") => {
                meta.push((a.to_string(), self.value()?));
                s.to_string()
            }
            _ => name,
        };
        while let Some(Tok::Ident(_)) = self.peek() {
            let a = self.ident("an attribute name")?;
            self.expect("=", "`=`")?;
            meta.push((a, self.value()?));
        }
        self.expect("/>", "`/>` or an attribute test")?;
        Ok((structure, meta))
    }
}

/// Parse one CQP query (no script statements).
pub fn parse(q: &str) -> Result<Query> {
    let mut p = Parser::new(q)?;
    let Query {
        pattern,
        within,
        within_meta,
        constraint,
    } = p.query()?;
    p.eat(";");
    if p.peek().is_some() {
        return Err(p.err("end of query, `within` or `::`"));
    }
    Ok(Query {
        pattern,
        within,
        within_meta,
        constraint,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_the_research_note_constructs() {
        for q in [
            r#"[lemma="moeten" & pos="AUX"]"#,
            r#"[word="digitali.*"%c]"#,
            r#""burgers""#,
            r#"[pos!="PUNCT"] []"#,
            r#"[lemma="wij"] []{0,3} [lemma="moeten"]"#,
            r#"[]* "a"? "b"+ "c"{2,}"#,
            r#"([lemma="wij"]|[lemma="ons"]) [pos="VERB"]"#,
            r#"<s> [pos="PRON"]"#,
            r#"[pos="PUNCT"] </s>"#,
            r#""wij" within s"#,
            r#"<u party="SP"> []"#,
            r#"<u_party="SP"> []"#,
            r#""wij" :: match.u_party = "SP""#,
            r#"a:[pos="NOUN"] [] b:[pos="NOUN"] :: a.lemma = b.lemma;"#,
            r#"[word="cafe"%cd]"#,
        ] {
            parse(q).unwrap_or_else(|e| panic!("{q}: {e}"));
        }
    }

    #[test]
    fn structure_of_a_sequence() {
        let q = parse(r#"a:[lemma="wij"] []{0,3} [lemma="moeten"] within s"#).unwrap();
        let Node::Seq(items) = &q.pattern else {
            panic!("{q:?}")
        };
        assert_eq!(items.len(), 3);
        assert!(matches!(&items[0], Node::Token { label: Some(l), .. } if l == "a"));
        assert!(matches!(
            &items[1],
            Node::Repeat {
                min: 0,
                max: Some(3),
                ..
            }
        ));
        assert_eq!(q.within.as_deref(), Some("s"));
    }

    #[test]
    fn errors_give_position_and_expectation() {
        let e = parse(r#"[lemma="wij" "b"]"#).unwrap_err();
        assert_eq!(
            e.message(),
            "query: at 14: expected `]`, `&` or `|`, found \"b\""
        );
        let e = parse(r#"[lemma=]"#).unwrap_err();
        assert!(
            e.message().contains("at 8: expected a quoted string"),
            "{e}"
        );
        let e = parse(r#""open"#).unwrap_err();
        assert!(e.message().contains("closing quote"), "{e}");
        let e = parse(r#""a"{3,1}"#).unwrap_err();
        assert!(e.message().contains("maximum below"), "{e}");
        let e = parse(r#""a" junk"#).unwrap_err();
        assert!(e.message().contains("at 5: expected end of query"), "{e}");
        assert_eq!(e.exit_code(), 2);
    }
}
