//! ParlaMint organisation registry (`…-listOrg.xml`): each `<org xml:id role>` with its
//! `<orgName>`s (full names and abbreviations, per language, optionally dated), so a party
//! code such as `SP` gets the full name it had on the sitting's date.

use super::persons::attr;
use super::tei::malformed;
use crate::model::Text;
use cohesion_io::{Error, Result};
use quick_xml::events::Event;
use quick_xml::Reader;
use std::collections::{BTreeMap, HashMap};
use std::path::Path;

#[derive(Debug, Clone, Default, PartialEq)]
pub struct OrgName {
    pub text: String,
    /// `yes` for a full name, `abb` for an abbreviation, as in the TEI.
    pub full: String,
    pub lang: String,
    pub from: String,
    pub to: String,
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct Org {
    /// `parliamentaryGroup`, `politicalParty`, `parliament`, `ministry`, `government`, …
    pub role: String,
    pub names: Vec<OrgName>,
}

impl Org {
    /// The full name valid on `date` (ISO dates compare as strings; a missing bound is open),
    /// preferring a name in `lang` or without a language over one in another language.
    pub fn full_name_at(&self, date: &str, lang: &str) -> Option<&str> {
        let valid = |n: &&OrgName| {
            n.full == "yes"
                && !n.text.is_empty()
                && (n.from.is_empty() || date.is_empty() || n.from.as_str() <= date)
                && (n.to.is_empty() || date.is_empty() || date <= n.to.as_str())
        };
        let own_language = |n: &&OrgName| n.lang.is_empty() || n.lang == lang;
        self.names
            .iter()
            .filter(valid)
            .find(own_language)
            .or_else(|| self.names.iter().find(valid))
            .map(|n| n.text.as_str())
    }
}

/// Organisations by `xml:id` (`party.SP`, `TK`, …).
pub type Orgs = HashMap<String, Org>;

/// Read a listOrg file. Only `<orgName>`s directly inside an `<org>` count: ParlaMint also
/// nests `orgName` inside CHES `<state>` labels, where they are not the org's names.
pub fn read_list_org(path: &Path, lossy: bool) -> Result<Orgs> {
    let content = super::read::read_text(path, lossy)?;
    let mut reader = Reader::from_str(&content);
    reader.config_mut().check_end_names = true;
    let mut orgs = Orgs::new();
    // (id, org, depth of the <org> element)
    let mut cur: Option<(String, Org, usize)> = None;
    let mut in_name = false;
    let mut depth = 0usize;
    loop {
        let ev = reader
            .read_event()
            .map_err(|e| malformed(path, &content, reader.error_position() as usize, &e))?;
        match ev {
            Event::Start(ref e) | Event::Empty(ref e) => {
                let empty = matches!(ev, Event::Empty(_));
                depth += 1;
                match (e.local_name().as_ref(), cur.as_mut()) {
                    (b"org", _) => {
                        let org = Org {
                            role: attr(e, b"role"),
                            names: vec![],
                        };
                        cur = Some((attr(e, b"xml:id"), org, depth));
                    }
                    (b"orgName", Some((_, org, d))) if depth == *d + 1 => {
                        org.names.push(OrgName {
                            full: attr(e, b"full"),
                            lang: attr(e, b"xml:lang"),
                            from: attr(e, b"from"),
                            to: attr(e, b"to"),
                            ..Default::default()
                        });
                        in_name = !empty;
                    }
                    _ => {}
                }
                if empty {
                    depth -= 1;
                    if e.local_name().as_ref() == b"org" {
                        finish(&mut cur, &mut orgs);
                    }
                }
            }
            Event::Text(t) if in_name => {
                let text = t.decode().map_err(|e| Error::at(path, None, None, e))?;
                push_text(&mut cur, &text);
            }
            Event::GeneralRef(r) if in_name => {
                let bad = |e: &dyn std::fmt::Display| {
                    malformed(path, &content, reader.buffer_position() as usize, e)
                };
                let c = match r.resolve_char_ref().map_err(|e| bad(&e))? {
                    Some(c) => c,
                    None => match r.decode().map_err(|e| bad(&e))?.as_ref() {
                        "amp" => '&',
                        "lt" => '<',
                        "gt" => '>',
                        "quot" => '"',
                        "apos" => '\'',
                        other => return Err(bad(&format!("unknown entity &{other};"))),
                    },
                };
                push_text(&mut cur, c.encode_utf8(&mut [0; 4]));
            }
            Event::End(e) => {
                depth = depth.saturating_sub(1);
                match e.local_name().as_ref() {
                    b"orgName" if in_name => {
                        in_name = false;
                        if let Some(n) = cur.as_mut().and_then(|(_, o, _)| o.names.last_mut()) {
                            n.text = n.text.split_whitespace().collect::<Vec<_>>().join(" ");
                        }
                    }
                    b"org" => finish(&mut cur, &mut orgs),
                    _ => {}
                }
            }
            Event::Eof => break,
            _ => {}
        }
    }
    Ok(orgs)
}

/// Set each utterance's `party_name` to the registry's full name of its `party` code on the
/// text's date. The registry wins over a name already there (from the `-meta.tsv`); each
/// disagreement is reported once per file.
pub fn apply_party_names(text: &mut Text, orgs: &Orgs, path: &Path, warnings: &mut Vec<String>) {
    let meta = |k: &str| {
        text.meta
            .iter()
            .find(|(key, _)| key == k)
            .map(|(_, v)| v.clone())
            .unwrap_or_default()
    };
    let date = meta("date");
    let mut disagree: BTreeMap<(String, String), usize> = BTreeMap::new();
    for u in &mut text.utterances {
        let Some(code) = u.get("party").filter(|c| !c.is_empty() && *c != "-") else {
            continue;
        };
        let Some(name) = orgs
            .get(&format!("party.{code}"))
            .and_then(|o| o.full_name_at(&date, "nl"))
            .map(str::to_string)
        else {
            continue;
        };
        if let Some(old) = u.get("party_name").filter(|o| !o.is_empty() && *o != name) {
            *disagree.entry((old.to_string(), name.clone())).or_default() += 1;
        }
        u.set("party_name", name);
    }
    for ((old, new), n) in disagree {
        warnings.push(format!(
            "{}: {n} utterance(s): the TSV says party_name = `{old}`, the listOrg registry says `{new}`; using the registry",
            path.display()
        ));
    }
}

fn push_text(cur: &mut Option<(String, Org, usize)>, text: &str) {
    if let Some(n) = cur.as_mut().and_then(|(_, o, _)| o.names.last_mut()) {
        n.text.push_str(text);
    }
}

fn finish(cur: &mut Option<(String, Org, usize)>, orgs: &mut Orgs) {
    if let Some((id, org, _)) = cur.take() {
        if !id.is_empty() {
            orgs.insert(id, org);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(xml: &str) -> Result<Orgs> {
        let dir = crate::testutil::scratch("orgs");
        let p = dir.join("x-listOrg.xml");
        std::fs::write(&p, xml).unwrap();
        let r = read_list_org(&p, false);
        std::fs::remove_dir_all(dir).unwrap();
        r
    }

    #[test]
    fn dated_names_languages_and_nested_state_names() {
        let orgs = read(
            r#"<listOrg xmlns="http://www.tei-c.org/ns/1.0">
  <org xml:id="party.GL" role="politicalParty">
    <orgName full="yes" to="2023-06-30">GroenLinks</orgName>
    <orgName full="yes" from="2023-07-01">GroenLinks&#8211;PvdA</orgName>
    <orgName full="abb">GL</orgName>
    <state type="CHES"><label><orgName full="yes" xml:lang="en">Green Left</orgName></label></state>
  </org>
  <org xml:id="TK" role="parliament">
    <orgName xml:lang="en" full="yes">Lower House</orgName>
    <orgName xml:lang="nl" full="yes">Tweede Kamer &amp; co</orgName>
  </org>
  <org xml:id="empty" role="ministry"/>
</listOrg>"#,
        )
        .unwrap();
        let gl = &orgs["party.GL"];
        assert_eq!(gl.role, "politicalParty");
        assert_eq!(
            gl.names.len(),
            3,
            "the CHES label's orgName is not the org's"
        );
        assert_eq!(gl.full_name_at("2019-05-16", "nl"), Some("GroenLinks"));
        assert_eq!(gl.full_name_at("2024-01-01", "nl"), Some("GroenLinks–PvdA"));
        assert_eq!(
            orgs["TK"].full_name_at("2019-05-16", "nl"),
            Some("Tweede Kamer & co")
        );
        assert_eq!(
            orgs["TK"].full_name_at("2019-05-16", "de"),
            Some("Lower House")
        );
        assert_eq!(orgs["empty"].role, "ministry");
        assert_eq!(orgs["empty"].full_name_at("2019-05-16", "nl"), None);
    }

    #[test]
    fn malformed_xml_names_file_and_line() {
        let e = read("<listOrg>\n<org xml:id=\"a\">\n<orgName>x</org>\n</listOrg>").unwrap_err();
        assert!(e.message().contains("x-listOrg.xml:3:"), "{e}");
        assert_eq!(e.exit_code(), 2);
    }
}
