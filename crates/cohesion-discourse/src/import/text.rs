//! Plain-text transcripts: a turn starts with `Name (role): text` at the start of a line;
//! following lines without a label continue the turn. Blank lines are ignored.
//!
//! A speaker metadata CSV (`--meta`) with a `speaker` column adds attributes such as group,
//! party or age band to every turn of that speaker.

use crate::model::{Text, Utterance};
use crate::tokenise::Lang;
use cohesion_io::{Error, Result};
use regex::Regex;
use std::collections::HashMap;
use std::path::Path;
use std::sync::OnceLock;

fn label_re() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    // A name of up to six words starting with a letter, an optional role in brackets, a colon.
    RE.get_or_init(|| {
        Regex::new(r"^\s*(\p{L}[\p{L}\p{M}\p{N}'’.\-]*(?: [\p{L}\p{M}\p{N}'’.\-]+){0,5})\s*(?:\(([^()]{1,80})\))?\s*:\s*")
            .expect("static regex")
    })
}

/// Speaker attributes by speaker name, from a CSV with a `speaker` column.
pub type SpeakerMeta = HashMap<String, Vec<(String, String)>>;

pub fn read_speaker_meta(path: &Path, lossy: bool) -> Result<SpeakerMeta> {
    let text = super::read::read_text(path, lossy)?;
    let mut rdr = csv::ReaderBuilder::new().from_reader(text.as_bytes());
    let headers = rdr
        .headers()
        .map_err(|e| Error::at(path, Some(1), None, e))?
        .clone();
    let key = headers
        .iter()
        .position(|h| h.trim() == "speaker")
        .ok_or_else(|| Error::at(path, Some(1), None, "no `speaker` column in the header"))?;
    let mut out = SpeakerMeta::new();
    for rec in rdr.records() {
        let rec = rec.map_err(|e| {
            let line = e.position().map(|p| p.line() as usize);
            Error::at(path, line, None, e)
        })?;
        let line = rec.position().map(|p| p.line() as usize);
        let name = rec.get(key).unwrap_or("").trim().to_string();
        if name.is_empty() {
            return Err(Error::at(path, line, Some("speaker"), "empty speaker name"));
        }
        let attrs = headers
            .iter()
            .zip(rec.iter())
            .enumerate()
            .filter(|(j, _)| *j != key)
            .map(|(_, (h, v))| (h.trim().to_string(), v.trim().to_string()))
            .collect();
        if out.insert(name.clone(), attrs).is_some() {
            return Err(Error::at(
                path,
                line,
                Some("speaker"),
                format!("speaker `{name}` listed twice"),
            ));
        }
    }
    Ok(out)
}

/// Parse one transcript. `text_id` names the text; turns get ids `TEXT.uN`.
pub fn parse_transcript(
    path: &Path,
    content: &str,
    text_id: &str,
    lang: Lang,
    meta: Option<&SpeakerMeta>,
) -> Result<Text> {
    let mut t = parse_transcript_raw(path, content, text_id, lang, meta)?;
    for u in &mut t.utterances {
        u.materialise();
    }
    Ok(t)
}

/// [`parse_transcript`] leaving each turn's text untokenised (`Utterance::raw`), for the
/// indexer's allocation-free path.
pub fn parse_transcript_raw(
    path: &Path,
    content: &str,
    text_id: &str,
    lang: Lang,
    meta: Option<&SpeakerMeta>,
) -> Result<Text> {
    let mut turns: Vec<(String, Option<String>, String)> = Vec::new();
    for (i, line) in content.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        // Only the head of a line can hold a label: matching the whole (possibly very long)
        // turn would cost a regex pass over every byte of the transcript.
        let mut cut = line.len().min(200);
        while !line.is_char_boundary(cut) {
            cut -= 1;
        }
        if let Some(c) = label_re().captures(&line[..cut]) {
            let name = c[1].trim().to_string();
            let role = c.get(2).map(|m| m.as_str().trim().to_string());
            let rest = c.get(0).map(|m| m.end()).unwrap_or(0);
            turns.push((name, role, line[rest..].to_string()));
        } else if let Some(last) = turns.last_mut() {
            last.2.push('\n');
            last.2.push_str(line);
        } else {
            return Err(Error::at(
                path,
                Some(i + 1),
                None,
                "expected a speaker turn `Name (role): text` before any other text",
            ));
        }
    }
    let mut text = Text {
        id: text_id.to_string(),
        meta: vec![("file".into(), file_name(path))],
        utterances: Vec::new(),
    };
    for (n, (name, role, body)) in turns.into_iter().enumerate() {
        let id = format!("{text_id}.u{}", n + 1);
        let mut u = Utterance {
            id,
            meta: vec![("speaker".into(), name.clone())],
            ..Utterance::default()
        };
        u.set("role", role.unwrap_or_default());
        if let Some(attrs) = meta.and_then(|m| m.get(&name)) {
            for (k, v) in attrs {
                u.set(k, v.clone());
            }
        }
        u.raw = Some((body, lang));
        text.utterances.push(u);
    }
    Ok(text)
}

pub fn file_name(path: &Path) -> String {
    path.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn turns_roles_continuations_and_meta() {
        let src = "Anna de Vries (burger): Wij moeten dit samen doen.\nDat vind ik.\n\nDeelnemer 3: Dank u. Wie nog?\n";
        let mut meta = SpeakerMeta::new();
        meta.insert(
            "Anna de Vries".into(),
            vec![("group".into(), "citizens".into())],
        );
        let t = parse_transcript(Path::new("w1.txt"), src, "w1", Lang::Nl, Some(&meta)).unwrap();
        assert_eq!(t.utterances.len(), 2);
        let u = &t.utterances[0];
        assert_eq!(u.get("speaker"), Some("Anna de Vries"));
        assert_eq!(u.get("role"), Some("burger"));
        assert_eq!(u.get("group"), Some("citizens"));
        assert_eq!(u.sentences.len(), 2);
        assert_eq!(t.utterances[1].get("role"), Some(""));
        assert_eq!(t.utterances[1].get("speaker"), Some("Deelnemer 3"));
        assert_eq!(t.utterances[1].sentences.len(), 2);
    }

    #[test]
    fn text_before_any_label_is_an_error_with_line() {
        let e = parse_transcript(
            Path::new("x.txt"),
            "\n\nzomaar tekst\n",
            "x",
            Lang::Nl,
            None,
        )
        .unwrap_err();
        assert!(e.message().starts_with("x.txt:3:"), "{e}");
    }
}
