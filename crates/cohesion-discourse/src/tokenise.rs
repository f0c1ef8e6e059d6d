//! Rule-based tokeniser and sentence splitter for Dutch and English running text.
//!
//! Why rules and not UAX #29 alone: Dutch clitics (`'s`, `'t`, `zo'n`, `m'n`), Dutch plurals
//! with an apostrophe (`auto's` is one word, English `John's` is two), abbreviations
//! (`o.a.`, `bijv.`) and numbers (`1.000,50`, `12:30`) all need decisions UAX #29 does not make.
//! The abbreviation list is a data file (`data/abbreviations.txt`) so users can see and extend it.

use std::collections::HashSet;
use std::sync::OnceLock;

/// Language of running text; decides how apostrophes are split.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Lang {
    Nl,
    En,
}

const ABBREVIATIONS: &str = include_str!("../data/abbreviations.txt");

/// The abbreviations, and the length in bytes of the longest: a longer word is none.
fn abbreviations() -> &'static (HashSet<String>, usize) {
    static SET: OnceLock<(HashSet<String>, usize)> = OnceLock::new();
    SET.get_or_init(|| {
        let set: HashSet<String> = ABBREVIATIONS
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty() && !l.starts_with('#'))
            .map(str::to_lowercase)
            .collect();
        let longest = set.iter().map(String::len).max().unwrap_or(0);
        (set, longest)
    })
}

/// Dutch proclitics written with a leading apostrophe, kept as one token (`'s avonds`).
const NL_PROCLITICS: &[&str] = &["'s", "'t", "'n", "'k", "'m", "'r", "'ns"];
/// English enclitics split off the host word (`do` + `n't`, `it` + `'s`).
const EN_ENCLITICS: &[&str] = &["n't", "'s", "'re", "'ll", "'ve", "'d", "'m"];

fn is_open_punct(c: char) -> bool {
    matches!(
        c,
        '(' | '[' | '{' | '"' | '\'' | '‘' | '“' | '„' | '«' | '¿' | '¡' | '‚'
    )
}

fn is_close_punct(c: char) -> bool {
    matches!(
        c,
        ')' | ']' | '}' | '"' | '\'' | '’' | '”' | '»' | '.' | ',' | ';' | ':' | '!' | '?' | '…'
    )
}

/// `1.000`, `3,5`, `12:30`, `2019-05-16`: digits joined by single separators.
fn is_number(s: &str) -> bool {
    let b = s.as_bytes();
    !b.is_empty()
        && b[0].is_ascii_digit()
        && b[b.len() - 1].is_ascii_digit()
        && b.iter()
            .all(|c| c.is_ascii_digit() || matches!(c, b'.' | b',' | b':' | b'-' | b'/'))
}

/// `o.a.`, `U.S.`, `d.w.z.`: single letters each followed by a full stop.
fn is_initialism(s: &str) -> bool {
    let mut chars = s.chars();
    let mut pairs = 0;
    loop {
        match (chars.next(), chars.next()) {
            (None, _) => return pairs >= 2,
            (Some(letter), Some('.')) if letter.is_alphabetic() => pairs += 1,
            _ => return false,
        }
    }
}

/// Runs once per word before a full stop, so an ASCII word is lower-cased (allocating)
/// only when it could be an abbreviation and has capitals.
fn keeps_full_stop(word: &str) -> bool {
    let (set, longest) = abbreviations();
    let known = if !word.is_ascii() {
        set.contains(&word.to_lowercase())
    } else if word.len() > *longest {
        false
    } else if word.bytes().any(|b| b.is_ascii_uppercase()) {
        set.contains(&word.to_ascii_lowercase())
    } else {
        set.contains(word)
    };
    known || is_initialism(word)
}

/// Checked without allocating: this runs once per whitespace-separated chunk.
fn is_proclitic(s: &str) -> bool {
    s.starts_with('\'') && s.len() <= 3 && NL_PROCLITICS.iter().any(|p| p.eq_ignore_ascii_case(s))
}

/// Split one whitespace-free chunk into tokens, appending to `out`.
/// Every token is a slice of `chunk`: tokenising allocates nothing per token.
fn split_chunk<'a>(chunk: &'a str, lang: Lang, out: &mut Vec<&'a str>) {
    if lang == Lang::Nl && is_proclitic(chunk) {
        out.push(chunk);
        return;
    }
    let mut s = chunk;
    // Leading punctuation, one character per token.
    while let Some(c) = s.chars().next() {
        if is_open_punct(c) && s.len() > c.len_utf8() {
            if lang == Lang::Nl && is_proclitic(s) {
                break;
            }
            out.push(&s[..c.len_utf8()]);
            s = &s[c.len_utf8()..];
        } else {
            break;
        }
    }
    // Trailing punctuation, collected (last first) after the tokens so far, then put in
    // order with the word in front. A full stop stays on an abbreviation or an initialism;
    // `...` stays one token.
    let mark = out.len();
    loop {
        if s.is_empty() {
            break;
        }
        if s.ends_with("...") && s.len() > 3 {
            out.push(&s[s.len() - 3..]);
            s = &s[..s.len() - 3];
            continue;
        }
        let c = match s.chars().next_back() {
            Some(c) => c,
            None => break,
        };
        if !is_close_punct(c) || s.len() == c.len_utf8() {
            break;
        }
        if c == '.' && keeps_full_stop(s) {
            break;
        }
        if (c == '\'' || c == '’') && lang == Lang::Nl {
            // Dutch `de auto's'` vs `z'n'`: only strip a quote not preceded by a letter-s clitic.
            let body = &s[..s.len() - c.len_utf8()];
            if !body.contains(['\'', '’']) {
                out.push(&s[body.len()..]);
                s = body;
                continue;
            }
            break;
        }
        out.push(&s[s.len() - c.len_utf8()..]);
        s = &s[..s.len() - c.len_utf8()];
    }
    out[mark..].reverse();
    if !s.is_empty() {
        if lang == Lang::En && !is_number(s) && s.contains(['\'', '’']) {
            let lower = s.to_lowercase().replace('’', "'");
            let cut = EN_ENCLITICS.iter().find_map(|e| {
                (lower.len() > e.len() && lower.ends_with(e)).then(|| s.len() - e.len())
            });
            match cut {
                Some(at) if s.is_char_boundary(at) => {
                    out.insert(mark, &s[at..]);
                    out.insert(mark, &s[..at]);
                }
                _ => out.insert(mark, s),
            }
        } else {
            out.insert(mark, s);
        }
    }
}

/// Tokenise running text into sentences of tokens. A sentence ends after `.`, `!`, `?`, `…`
/// or `...` tokens (a full stop kept on an abbreviation does not end one).
pub fn tokenise(text: &str, lang: Lang) -> Vec<Vec<String>> {
    tokenise_slices(text, lang)
        .into_iter()
        .map(|s| s.into_iter().map(str::to_string).collect())
        .collect()
}

/// [`tokenise`] without copying: sentences of slices of `text`.
pub fn tokenise_slices(text: &str, lang: Lang) -> Vec<Vec<&str>> {
    let mut sentences = Vec::new();
    let mut cur: Vec<&str> = Vec::new();
    for_each_token(text, lang, |t, starts_sentence| {
        if starts_sentence {
            sentences.push(std::mem::take(&mut cur));
        }
        cur.push(t);
    });
    if !cur.is_empty() {
        sentences.push(cur);
    }
    sentences
}

/// Calls `f` with each token of `text` (a slice of it) and whether it starts a new sentence
/// (never for the first token): the tokenisation of [`tokenise`] with one allocation per
/// call, for the indexer.
pub fn for_each_token<'a>(text: &'a str, lang: Lang, mut f: impl FnMut(&'a str, bool)) {
    let mut chunk_tokens: Vec<&'a str> = Vec::new();
    // After an end mark, closing quotes and brackets still belong to the sentence.
    let mut pending = false;
    for chunk in text.split_whitespace() {
        chunk_tokens.clear();
        split_chunk(chunk, lang, &mut chunk_tokens);
        for &t in &chunk_tokens {
            let closes = matches!(t, "\"" | "'" | "”" | "’" | ")" | "]" | "»");
            let starts = pending && !closes;
            pending = matches!(t, "." | "!" | "?" | "…" | "...") || (pending && closes);
            f(t, starts);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn toks(s: &str, lang: Lang) -> Vec<String> {
        tokenise(s, lang).concat()
    }

    #[test]
    fn dutch_clitics_and_plurals() {
        assert_eq!(
            toks(
                "'s Avonds gaat z'n zus met zo'n auto's naar 't werk.",
                Lang::Nl
            ),
            [
                "'s", "Avonds", "gaat", "z'n", "zus", "met", "zo'n", "auto's", "naar", "'t",
                "werk", "."
            ]
        );
    }

    #[test]
    fn english_clitics_are_split() {
        assert_eq!(
            toks("We don't think it's John's fault.", Lang::En),
            ["We", "do", "n't", "think", "it", "'s", "John", "'s", "fault", "."]
        );
    }

    #[test]
    fn abbreviations_numbers_and_punctuation() {
        assert_eq!(
            toks(
                "Dat kost o.a. 1.000,50 euro, bijv. om 12:30 (ca. 3%).",
                Lang::Nl
            ),
            [
                "Dat", "kost", "o.a.", "1.000,50", "euro", ",", "bijv.", "om", "12:30", "(", "ca.",
                "3%", ")", "."
            ]
        );
    }

    #[test]
    fn sentences_split_on_end_marks_not_abbreviations() {
        let s = tokenise("Mr. Smith came. Did he? \"Yes!\" Fine...", Lang::En);
        let lens: Vec<usize> = s.iter().map(Vec::len).collect();
        assert_eq!(s[0], ["Mr.", "Smith", "came", "."]);
        assert_eq!(lens.len(), 4, "{s:?}");
    }

    #[test]
    fn quotes_are_stripped() {
        assert_eq!(
            toks("„Wij moeten,” zei ze.", Lang::Nl),
            ["„", "Wij", "moeten", ",", "”", "zei", "ze", "."]
        );
    }
}
