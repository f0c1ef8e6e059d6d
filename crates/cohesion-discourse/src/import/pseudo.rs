//! Pseudonymisation: each speaker gets a stable code (`S001`, …), the name→code key is kept
//! in a separate CSV outside the corpus folder, and the parts of every speaker's name are
//! masked wherever they occur as tokens in the text, so nothing in the corpus names them.
//!
//! Stability: an existing key file is read first and extended, so re-importing (or importing
//! a second batch with the same key) gives every known speaker the same code.

use crate::model::Text;
use cohesion_io::{write_atomic, Error, Result};
use std::collections::BTreeMap;
use std::path::Path;

/// Metadata fields that identify a speaker and are replaced by the code.
const IDENTIFYING: &[&str] = &["speaker", "speaker_id"];
/// Dutch name particles that are ordinary words too and so are not masked on their own.
const PARTICLES: &[&str] = &[
    "van", "de", "der", "den", "het", "ter", "ten", "te", "in", "op", "la", "le", "von",
];

#[derive(Debug, Default)]
pub struct Pseudonymiser {
    /// speaker name (and any alias such as a ParlaMint id) → code
    key: BTreeMap<String, String>,
}

impl Pseudonymiser {
    /// Start from a key file if it exists (`name,code` CSV), otherwise empty.
    pub fn load(path: &Path) -> Result<Self> {
        let mut p = Pseudonymiser::default();
        if !path.exists() {
            return Ok(p);
        }
        let text = super::read::read_text(path, false)?;
        let mut rdr = csv::Reader::from_reader(text.as_bytes());
        for rec in rdr.records() {
            let rec =
                rec.map_err(|e| Error::at(path, e.position().map(|p| p.line() as usize), None, e))?;
            match (rec.get(0), rec.get(1)) {
                (Some(n), Some(c)) if !n.is_empty() && !c.is_empty() => {
                    p.key.insert(n.to_string(), c.to_string());
                }
                _ => {
                    let line = rec.position().map(|p| p.line() as usize);
                    return Err(Error::at(path, line, None, "expected `name,code`"));
                }
            }
        }
        Ok(p)
    }

    fn code_for(&mut self, name: &str) -> String {
        if let Some(c) = self.key.get(name) {
            return c.clone();
        }
        let used: std::collections::BTreeSet<&String> = self.key.values().collect();
        let code = (1..)
            .map(|i| format!("S{i:03}"))
            .find(|c| !used.contains(c))
            .unwrap_or_default();
        self.key.insert(name.to_string(), code.clone());
        code
    }

    /// Replace identifying metadata by codes and mask name parts in all tokens.
    pub fn apply(&mut self, texts: &mut [Text]) {
        for t in texts.iter() {
            self.register(t);
        }
        let parts = self.name_parts();
        for t in texts.iter_mut() {
            Self::mask(t, &parts, &self.key);
        }
    }

    /// Give every speaker of `text` a code (first pass: all names must be known before
    /// masking, since a speaker of one file may be named in another).
    pub fn register(&mut self, text: &Text) {
        for u in &text.utterances {
            let name = u.get("speaker").unwrap_or("").to_string();
            if name.is_empty() {
                continue;
            }
            let code = self.code_for(&name);
            if let Some(alias) = u.get("speaker_id").filter(|a| !a.is_empty() && *a != name) {
                self.key.entry(alias.to_string()).or_insert(code);
            }
        }
    }

    /// Second pass: codes in the metadata, name parts masked in the tokens.
    pub fn mask(text: &mut Text, parts: &BTreeMap<String, String>, key: &BTreeMap<String, String>) {
        for u in &mut text.utterances {
            u.materialise();
            let Some(code) = u.get("speaker").and_then(|n| key.get(n)).cloned() else {
                continue;
            };
            for f in IDENTIFYING {
                if u.get(f).is_some() {
                    u.set(f, code.clone());
                }
            }
        }
        for tok in text
            .utterances
            .iter_mut()
            .flat_map(|u| u.sentences.iter_mut())
            .flat_map(|s| s.tokens.iter_mut())
        {
            if let Some(code) = masked(&tok.word, parts) {
                tok.word = code.clone();
                tok.lemma = tok.lemma.as_ref().map(|_| code.clone());
            }
        }
        // File names often carry a name too (`interview-Anna.txt`): ids and the file
        // attribute are masked the same way, utterance and sentence ids included.
        text.id = mask_id(&text.id, parts);
        for (k, v) in &mut text.meta {
            if k == "file" {
                *v = mask_id(v, parts);
            }
        }
        for u in &mut text.utterances {
            u.id = mask_id(&u.id, parts);
            for s in &mut u.sentences {
                s.id = mask_id(&s.id, parts);
            }
        }
    }

    pub fn key(&self) -> &BTreeMap<String, String> {
        &self.key
    }

    /// Every capitalised part of every known name (and each alias whole) → its code.
    pub fn name_parts(&self) -> BTreeMap<String, String> {
        let mut parts = BTreeMap::new();
        for (name, code) in &self.key {
            parts.entry(name.clone()).or_insert_with(|| code.clone());
            for p in name.split(|c: char| c.is_whitespace() || c == ',') {
                let starts_upper = p.chars().next().is_some_and(char::is_uppercase);
                if starts_upper
                    && p.chars().count() >= 2
                    && !PARTICLES.contains(&p.to_lowercase().as_str())
                {
                    parts.entry(p.to_string()).or_insert_with(|| code.clone());
                }
            }
        }
        parts
    }

    pub fn write_key(&self, path: &Path) -> Result<()> {
        write_atomic(path, |w| {
            let io = |e| Error::io(path, "write", e);
            writeln!(w, "name,code").map_err(io)?;
            let mut csv = csv::Writer::from_writer(w);
            for (n, c) in &self.key {
                csv.write_record([n, c])
                    .map_err(|e| Error::failure(format!("{}: {e}", path.display())))?;
            }
            csv.flush().map_err(io)
        })
    }
}

/// `id` with every alphabetic run that is a name part (case-insensitively) replaced by its code.
fn mask_id(id: &str, parts: &BTreeMap<String, String>) -> String {
    let lower: BTreeMap<String, &String> =
        parts.iter().map(|(k, v)| (k.to_lowercase(), v)).collect();
    let mut out = String::with_capacity(id.len());
    let mut run = String::new();
    let flush = |run: &mut String, out: &mut String| {
        match lower.get(&run.to_lowercase()) {
            Some(code) => out.push_str(code),
            None => out.push_str(run),
        }
        run.clear();
    };
    for c in id.chars() {
        if c.is_alphabetic() {
            run.push(c);
        } else {
            flush(&mut run, &mut out);
            out.push(c);
        }
    }
    flush(&mut run, &mut out);
    out
}

/// The code replacing `word`, if it is a name part or a name part with a possessive `'s`.
fn masked<'a>(word: &str, parts: &'a BTreeMap<String, String>) -> Option<&'a String> {
    if let Some(c) = parts.get(word) {
        return Some(c);
    }
    let stem = word.split(['\'', '’']).next().unwrap_or(word);
    (stem.len() < word.len()).then(|| parts.get(stem)).flatten()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::import::text::parse_transcript;
    use crate::tokenise::Lang;

    #[test]
    fn codes_are_stable_and_names_are_masked_in_text() {
        let src = "Anna de Vries (burger): Ik ben het met Jan eens.\nJan Bakker (expert): Dank, Anna. Mevrouw De Vries' punt klopt; de Vries-aanpak niet.\n";
        let mut texts =
            vec![parse_transcript(Path::new("a.txt"), src, "a", Lang::Nl, None).unwrap()];
        let mut p = Pseudonymiser::default();
        p.apply(&mut texts);
        let u = &texts[0].utterances;
        assert_eq!(u[0].get("speaker"), Some("S001"));
        assert_eq!(u[1].get("speaker"), Some("S002"));
        let words: Vec<&str> = texts[0].tokens().map(|t| t.word.as_str()).collect();
        let joined = words.join(" ");
        assert!(
            !joined.contains("Anna") && !joined.contains("Jan ") && !joined.contains("Vries'"),
            "{joined}"
        );
        assert!(joined.contains("met S002 eens"), "{joined}");
        assert!(joined.contains("de"), "particles are ordinary words");
        let mut named = vec![parse_transcript(
            Path::new("interview-anna.txt"),
            "Anna de Vries (x): hoi",
            "interview-anna",
            Lang::Nl,
            None,
        )
        .unwrap()];
        p.apply(&mut named);
        assert_eq!(named[0].id, "interview-S001");
        assert_eq!(named[0].utterances[0].id, "interview-S001.u1");
        assert_eq!(named[0].meta[0].1, "interview-S001.txt");

        let dir = std::env::temp_dir().join(format!("cd-pseudo-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let key = dir.join("key.csv");
        p.write_key(&key).unwrap();
        let src2 = "Jan Bakker (expert): Opnieuw.\nPiet (burger): Ja.\n";
        let mut again =
            vec![parse_transcript(Path::new("b.txt"), src2, "b", Lang::Nl, None).unwrap()];
        let mut q = Pseudonymiser::load(&key).unwrap();
        q.apply(&mut again);
        assert_eq!(
            again[0].utterances[0].get("speaker"),
            Some("S002"),
            "same code on re-import"
        );
        assert_eq!(again[0].utterances[1].get("speaker"), Some("S003"));
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
