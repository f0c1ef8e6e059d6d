//! CoNLL-U (Universal Dependencies; ParlaMint `.conllu`): word, lemma, UPOS, XPOS, features,
//! head and relation. `# newdoc id = …` starts a new utterance (ParlaMint writes the
//! utterance id there); a file without it is one utterance. Multiword-token lines (`1-2`) and
//! empty nodes (`8.1`) are skipped: the syntactic words that follow carry the annotation.

use crate::model::{Sentence, Text, Token, Utterance};
use cohesion_io::{Error, Result};
use std::path::Path;

fn opt(field: &str) -> Option<String> {
    (field != "_").then(|| field.to_string())
}

/// Parse one CoNLL-U file into a text whose id is `text_id`.
pub fn parse_conllu(path: &Path, content: &str, text_id: &str) -> Result<Text> {
    let mut text = Text {
        id: text_id.to_string(),
        meta: vec![("file".into(), super::text::file_name(path))],
        utterances: Vec::new(),
    };
    let mut utt = Utterance {
        id: text_id.to_string(),
        ..Utterance::default()
    };
    let mut sent = Sentence::default();
    let mut expect_id = 1u32;
    let flush_sent = |utt: &mut Utterance, sent: &mut Sentence| {
        if !sent.tokens.is_empty() {
            if sent.id.is_empty() {
                sent.id = format!("{}.s{}", utt.id, utt.sentences.len() + 1);
            }
            utt.sentences.push(std::mem::take(sent));
        }
    };
    for (i, line) in content.lines().enumerate() {
        let lineno = i + 1;
        let line = line.trim_end_matches('\r');
        if line.is_empty() {
            flush_sent(&mut utt, &mut sent);
            expect_id = 1;
            continue;
        }
        if let Some(comment) = line.strip_prefix('#') {
            let comment = comment.trim();
            if let Some(id) = comment.strip_prefix("newdoc id =") {
                flush_sent(&mut utt, &mut sent);
                if !utt.sentences.is_empty() {
                    text.utterances.push(std::mem::take(&mut utt));
                }
                utt.id = id.trim().to_string();
            } else if let Some(id) = comment.strip_prefix("sent_id =") {
                sent.id = id.trim().to_string();
            }
            continue;
        }
        let cols: Vec<&str> = line.split('\t').collect();
        if cols.len() != 10 {
            return Err(Error::at(
                path,
                Some(lineno),
                None,
                format!("expected 10 tab-separated columns, found {}", cols.len()),
            ));
        }
        if cols[0].contains('-') || cols[0].contains('.') {
            continue;
        }
        let id: u32 = cols[0].parse().map_err(|_| {
            Error::at(
                path,
                Some(lineno),
                Some("ID"),
                format!("`{}` is not a token number", cols[0]),
            )
        })?;
        if id != expect_id {
            return Err(Error::at(
                path,
                Some(lineno),
                Some("ID"),
                format!("token number {id} where {expect_id} was expected (missing blank line between sentences?)"),
            ));
        }
        expect_id += 1;
        if cols[1].is_empty() || cols[1].contains('\n') {
            return Err(Error::at(
                path,
                Some(lineno),
                Some("FORM"),
                "empty word form",
            ));
        }
        let head = match cols[6] {
            "_" => None,
            h => Some(h.parse::<u32>().map_err(|_| {
                Error::at(
                    path,
                    Some(lineno),
                    Some("HEAD"),
                    format!("`{h}` is not a token number"),
                )
            })?),
        };
        sent.tokens.push(Token {
            word: cols[1].to_string(),
            lemma: opt(cols[2]),
            upos: opt(cols[3]),
            xpos: opt(cols[4]),
            feats: opt(cols[5]),
            deprel: opt(cols[7]),
            head,
        });
    }
    flush_sent(&mut utt, &mut sent);
    if !utt.sentences.is_empty() {
        text.utterances.push(utt);
    }
    for s in text.utterances.iter().flat_map(|u| &u.sentences) {
        let n = s.tokens.len() as u32;
        if let Some(t) = s.tokens.iter().find(|t| t.head.is_some_and(|h| h > n)) {
            return Err(Error::at(
                path,
                None,
                Some("HEAD"),
                format!(
                    "sentence {}: head of `{}` points past the sentence end",
                    s.id, t.word
                ),
            ));
        }
    }
    Ok(text)
}

#[cfg(test)]
mod tests {
    use super::*;

    const SAMPLE: &str = "# newdoc id = d.u1\n# sent_id = s1\n1\tWe\twij\tPRON\t_\tPerson=1\t2\tnsubj\t_\t_\n2\tgaan\tgaan\tVERB\t_\t_\t0\troot\t_\t_\n\n# newdoc id = d.u2\n1-2\tvan de\t_\t_\t_\t_\t_\t_\t_\t_\n1\tvan\tvan\tADP\t_\t_\t2\tcase\t_\t_\n2\tde\tde\tDET\t_\t_\t0\troot\t_\t_\n";

    #[test]
    fn newdoc_starts_utterances_and_fields_are_kept() {
        let t = parse_conllu(Path::new("a.conllu"), SAMPLE, "d").unwrap();
        assert_eq!(t.utterances.len(), 2);
        assert_eq!(t.utterances[1].id, "d.u2");
        let we = &t.utterances[0].sentences[0].tokens[0];
        assert_eq!(we.lemma.as_deref(), Some("wij"));
        assert_eq!(we.feats.as_deref(), Some("Person=1"));
        assert_eq!(we.head, Some(2));
        assert_eq!(
            t.utterances[1].sentences[0].tokens.len(),
            2,
            "multiword line skipped"
        );
    }

    #[test]
    fn wrong_column_count_names_the_line() {
        let bad = "# sent_id = x\n1\tWe\twij\tPRON\n";
        let e = parse_conllu(Path::new("b.conllu"), bad, "b").unwrap_err();
        assert!(e.message().starts_with("b.conllu:2:"), "{e}");
        assert!(e.message().contains("10 tab-separated"), "{e}");
    }
}
