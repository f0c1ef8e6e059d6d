//! ParlaMint TEI: one sitting per file. Utterances (`<u who ana xml:id>`) with their `<seg>`
//! paragraphs become turns; notes, heads, gaps and incidents are not speech and are skipped.
//!
//! Speaker metadata (name, party, role, gender, …) comes from the sitting's `-meta.tsv`
//! (found beside the XML, or given with `--meta`). Sitting facts (date, house) come from the
//! TEI header, which is trusted over the TSV: every disagreement is returned as a warning
//! (ParlaMint-NL's TSV says `Body = Eerste Kamer` for Tweede Kamer sittings). When a sibling
//! `.conllu` holds the same utterances, its annotated tokens replace our own tokenisation.

use crate::model::{Sentence, Text, Token, Utterance};
use crate::tokenise::{tokenise, Lang};
use cohesion_io::error::line_of_offset;
use cohesion_io::{Error, Result};
use quick_xml::events::{BytesStart, Event};
use quick_xml::Reader;
use std::collections::HashMap;
use std::path::{Path, PathBuf};

/// Utterance metadata rows from a ParlaMint `-meta.tsv`, keyed by utterance id.
pub type UtteranceMeta = HashMap<String, HashMap<String, String>>;

/// TSV columns we keep, renamed to the corpus' attribute names.
const TSV_COLUMNS: &[(&str, &str)] = &[
    ("Speaker_name", "speaker"),
    ("Speaker_ID", "speaker_id"),
    ("Speaker_role", "role"),
    ("Speaker_party", "party"),
    ("Speaker_party_name", "party_name"),
    ("Party_status", "party_status"),
    ("Party_orientation", "orientation"),
    ("Speaker_MP", "mp"),
    ("Speaker_minister", "minister"),
    ("Speaker_gender", "gender"),
    ("Speaker_birth", "birth"),
];

pub fn read_meta_tsv(path: &Path, lossy: bool) -> Result<UtteranceMeta> {
    let text = super::read::read_text(path, lossy)?;
    let mut lines = text.lines().enumerate();
    let header: Vec<&str> = match lines.next() {
        Some((_, h)) => h.split('\t').collect(),
        None => return Err(Error::at(path, Some(1), None, "empty metadata file")),
    };
    if !header.contains(&"ID") {
        return Err(Error::at(
            path,
            Some(1),
            None,
            "no `ID` column (utterance id) in the header",
        ));
    }
    let mut out = UtteranceMeta::new();
    for (i, line) in lines {
        if line.trim().is_empty() {
            continue;
        }
        let cells: Vec<&str> = line.split('\t').collect();
        if cells.len() != header.len() {
            return Err(Error::at(
                path,
                Some(i + 1),
                None,
                format!(
                    "{} columns where the header has {}",
                    cells.len(),
                    header.len()
                ),
            ));
        }
        let row: HashMap<String, String> = header
            .iter()
            .zip(&cells)
            .map(|(h, c)| (h.to_string(), c.to_string()))
            .collect();
        out.insert(row["ID"].clone(), row);
    }
    Ok(out)
}

/// `X.xml` → `X-meta.tsv` beside it.
pub fn sibling(path: &Path, suffix: &str) -> PathBuf {
    let stem = path
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    path.with_file_name(format!("{stem}{suffix}"))
}

/// An attribute's unescaped value, if present.
pub(super) fn attr(e: &BytesStart, name: &[u8]) -> Option<String> {
    e.attributes()
        .flatten()
        .find(|a| a.key.as_ref() == name)
        .and_then(|a| a.unescape_value().ok().map(|v| v.into_owned()))
}

fn house_name(corresp: &str) -> String {
    match corresp.trim_start_matches('#') {
        "TK" => "Tweede Kamer".into(),
        "EK" => "Eerste Kamer".into(),
        other => other.into(),
    }
}

/// The error for malformed XML at byte `offset` of `content`, naming the file and line.
pub(super) fn malformed(
    path: &Path,
    content: &str,
    offset: usize,
    e: &dyn std::fmt::Display,
) -> Error {
    Error::at(
        path,
        Some(line_of_offset(content, offset)),
        None,
        format!("malformed XML: {e}"),
    )
}

/// Parse one sitting. `annotated` maps utterance ids to sentences from a sibling CoNLL-U.
pub fn parse_tei(
    path: &Path,
    content: &str,
    meta: Option<&UtteranceMeta>,
    annotated: Option<&HashMap<String, Vec<Sentence>>>,
    persons: Option<&super::persons::Persons>,
    warnings: &mut Vec<String>,
) -> Result<Text> {
    let mut reader = Reader::from_str(content);
    reader.config_mut().check_end_names = true;
    let xml_err = |reader: &Reader<&[u8]>, e: &dyn std::fmt::Display| {
        malformed(path, content, reader.error_position() as usize, e)
    };
    let mut text = Text::default();
    let mut stack: Vec<Vec<u8>> = Vec::new();
    let mut house: Option<String> = None;
    let mut lang = Lang::Nl;
    let mut date: Option<String> = None;
    let mut cur: Option<Utterance> = None;
    let mut seg = String::new();
    let mut skip_depth = 0usize;
    let is_skipped = |n: &[u8]| {
        matches!(
            n,
            b"note" | b"head" | b"gap" | b"desc" | b"kinesic" | b"vocal" | b"incident"
        )
    };
    loop {
        let ev = reader.read_event().map_err(|e| xml_err(&reader, &e))?;
        match ev {
            Event::Start(ref e) | Event::Empty(ref e) => {
                let empty = matches!(ev, Event::Empty(_));
                let name = e.local_name().as_ref().to_vec();
                match name.as_slice() {
                    b"TEI" if stack.is_empty() => {
                        text.id =
                            attr(e, b"xml:id").unwrap_or_else(|| super::text::file_name(path));
                        // ParlaMint-GB and the -en translations are English.
                        if attr(e, b"xml:lang").is_some_and(|l| l.starts_with("en")) {
                            lang = Lang::En;
                        }
                    }
                    b"meeting" if house.is_none() => {
                        house = attr(e, b"corresp").map(|c| house_name(&c))
                    }
                    b"date" if stack.iter().any(|s| s == b"setting") => date = attr(e, b"when"),
                    b"u" if !empty => {
                        let id = attr(e, b"xml:id").unwrap_or_else(|| {
                            format!("{}.u{}", text.id, text.utterances.len() + 1)
                        });
                        let who = attr(e, b"who")
                            .unwrap_or_default()
                            .trim_start_matches('#')
                            .to_string();
                        let mut u = Utterance {
                            id,
                            ..Utterance::default()
                        };
                        u.set("speaker", who.clone());
                        u.set("speaker_id", who);
                        u.set(
                            "ana",
                            attr(e, b"ana").unwrap_or_default().trim_start_matches('#'),
                        );
                        cur = Some(u);
                    }
                    _ => {}
                }
                if !empty {
                    if is_skipped(&name) || skip_depth > 0 {
                        skip_depth += 1;
                    }
                    stack.push(name);
                }
            }
            Event::Text(t) if skip_depth == 0 && stack.last().is_some_and(|s| s == b"seg") => {
                seg.push_str(&t.decode().map_err(|e| xml_err(&reader, &e))?);
            }
            Event::GeneralRef(r)
                if skip_depth == 0 && stack.last().is_some_and(|s| s == b"seg") =>
            {
                let c = match r.resolve_char_ref().map_err(|e| xml_err(&reader, &e))? {
                    Some(c) => c,
                    None => match r.decode().map_err(|e| xml_err(&reader, &e))?.as_ref() {
                        "amp" => '&',
                        "lt" => '<',
                        "gt" => '>',
                        "quot" => '"',
                        "apos" => '\'',
                        other => {
                            return Err(xml_err(&reader, &format!("unknown entity &{other};")))
                        }
                    },
                };
                seg.push(c);
            }
            Event::End(e) => {
                let name = e.local_name().as_ref().to_vec();
                stack.pop();
                skip_depth = skip_depth.saturating_sub(1);
                match name.as_slice() {
                    b"seg" => {
                        if let Some(u) = cur.as_mut() {
                            for words in tokenise(&seg, lang) {
                                let id = format!("{}.s{}", u.id, u.sentences.len() + 1);
                                u.sentences.push(Sentence {
                                    id,
                                    tokens: words.into_iter().map(Token::plain).collect(),
                                });
                            }
                        }
                        seg.clear();
                    }
                    b"u" => {
                        if let Some(mut u) = cur.take() {
                            if let Some(sents) = annotated.and_then(|a| a.get(&u.id)) {
                                u.sentences = sents.clone();
                            }
                            text.utterances.push(u);
                        }
                    }
                    _ => {}
                }
            }
            Event::Eof => break,
            _ => {}
        }
    }
    if !stack.is_empty() {
        let open = String::from_utf8_lossy(stack.last().map(Vec::as_slice).unwrap_or_default())
            .into_owned();
        return Err(Error::at(
            path,
            Some(line_of_offset(content, content.len())),
            None,
            format!("malformed XML: file ends inside <{open}>"),
        ));
    }
    if text.id.is_empty() {
        return Err(Error::at(
            path,
            None,
            None,
            "no <TEI> root element: not a ParlaMint TEI file",
        ));
    }
    let house = house.unwrap_or_default();
    let date = date.unwrap_or_default();
    text.meta = vec![
        ("file".into(), super::text::file_name(path)),
        ("date".into(), date.clone()),
        ("house".into(), house.clone()),
    ];
    let mut disagree: std::collections::BTreeMap<(&str, String, String), usize> =
        Default::default();
    for u in &mut text.utterances {
        let Some(row) = meta.and_then(|m| m.get(&u.id)) else {
            if meta.is_some() {
                warnings.push(format!(
                    "{}: utterance {} has no row in the metadata TSV",
                    path.display(),
                    u.id
                ));
            }
            continue;
        };
        for (col, name) in TSV_COLUMNS {
            if let Some(v) = row.get(*col) {
                u.set(name, v.clone());
            }
        }
        for (col, tei_value) in [("Body", &house), ("Date", &date)] {
            if let Some(v) = row
                .get(col)
                .filter(|v| !tei_value.is_empty() && *v != tei_value)
            {
                *disagree
                    .entry((col, v.clone(), tei_value.clone()))
                    .or_insert(0usize) += 1;
            }
        }
    }
    // The speaker registry (listPerson) is the TEI's word on who spoke: it wins over the TSV.
    for u in &mut text.utterances {
        let id = u.get("speaker_id").unwrap_or("").to_string();
        let Some(p) = persons.and_then(|ps| ps.get(&id)) else {
            continue;
        };
        let birth_year: String = p.birth.chars().take(4).collect();
        let facts = [
            ("speaker", Some(p.name())),
            ("gender", Some(p.sex.clone())),
            ("birth", Some(birth_year)),
            ("party", p.party_at(&date)),
        ];
        for (key, value) in facts {
            let Some(value) = value.filter(|v| !v.is_empty()) else {
                continue;
            };
            if let Some(old) = u
                .get(key)
                .filter(|old| *old != value && !old.is_empty() && *old != "-")
            {
                *disagree
                    .entry((key, old.to_string(), value.clone()))
                    .or_insert(0usize) += 1;
            }
            u.set(key, value);
        }
    }
    for ((col, tsv, tei), n) in disagree {
        warnings.push(format!(
            "{}: {n} utterance(s): the TSV says {col} = `{tsv}`, the TEI says `{tei}`; using the TEI",
            path.display()
        ));
    }
    Ok(text)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unclosed_and_mismatched_tags_name_the_line() {
        let bad = "<TEI xml:id=\"t\">\n<text><body>\n<u who=\"#A\" xml:id=\"t.u1\"><seg>Hallo</u>\n</body></text></TEI>";
        let e = parse_tei(Path::new("s.xml"), bad, None, None, None, &mut vec![]).unwrap_err();
        assert!(e.message().starts_with("s.xml:3:"), "{e}");
        let cut = "<TEI xml:id=\"t\">\n<text><body>\n";
        let e = parse_tei(Path::new("c.xml"), cut, None, None, None, &mut vec![]).unwrap_err();
        assert!(e.message().contains("ends inside"), "{e}");
    }

    #[test]
    fn notes_are_skipped_and_entities_resolved() {
        let x = "<TEI xml:id=\"t\"><teiHeader><meeting corresp=\"#EK\"/></teiHeader><text><body><u who=\"#A\" ana=\"#chair\" xml:id=\"t.u1\"><seg>Wij &amp; zij<note>(applaus)</note> samen.</seg></u></body></text></TEI>";
        let t = parse_tei(Path::new("t.xml"), x, None, None, None, &mut vec![]).unwrap();
        let words: Vec<&str> = t.tokens().map(|t| t.word.as_str()).collect();
        assert_eq!(words, ["Wij", "&", "zij", "samen", "."]);
        assert_eq!(t.utterances[0].get("ana"), Some("chair"));
        assert_eq!(t.meta[2].1, "Eerste Kamer");
        let en = "<TEI xml:id=\"e\" xml:lang=\"en\"><text><body><u who=\"#A\" xml:id=\"e.u1\"><seg>We don't agree.</seg></u></body></text></TEI>";
        let t = parse_tei(Path::new("e.xml"), en, None, None, None, &mut vec![]).unwrap();
        let words: Vec<&str> = t.tokens().map(|t| t.word.as_str()).collect();
        assert_eq!(
            words,
            ["We", "do", "n't", "agree", "."],
            "English tokenisation from xml:lang"
        );
    }

    #[test]
    fn the_speaker_registry_wins_over_the_tsv_and_disagreements_are_reported() {
        let x = "<TEI xml:id=\"t\"><teiHeader><meeting corresp=\"#TK\"/><setting><date when=\"2019-05-16\"/></setting></teiHeader><text><body><u who=\"#A\" xml:id=\"t.u1\"><seg>Ja.</seg></u></body></text></TEI>";
        let mut meta = UtteranceMeta::new();
        meta.insert(
            "t.u1".into(),
            HashMap::from([
                ("Speaker_party".to_string(), "VVD".to_string()),
                ("Speaker_name".to_string(), "A, B".to_string()),
            ]),
        );
        let mut persons = super::super::persons::Persons::new();
        persons.insert(
            "A".into(),
            super::super::persons::Person {
                surname: "A".into(),
                forename: "B".into(),
                affiliations: vec![super::super::persons::Affiliation {
                    role: "member".into(),
                    reference: "#party.CDA".into(),
                    from: "2019-01-01".into(),
                    to: String::new(),
                }],
                ..Default::default()
            },
        );
        let mut w = vec![];
        let t = parse_tei(
            Path::new("t.xml"),
            x,
            Some(&meta),
            None,
            Some(&persons),
            &mut w,
        )
        .unwrap();
        assert_eq!(t.utterances[0].get("party"), Some("CDA"));
        assert_eq!(w.len(), 1, "{w:?}");
        assert!(
            w[0].contains("party = `VVD`") && w[0].contains("`CDA`"),
            "{w:?}"
        );
    }
}
