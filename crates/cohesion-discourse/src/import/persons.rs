//! ParlaMint speaker registry (`…-listPerson.xml`): names, sex, birth and dated
//! affiliations, so party is the one the speaker had on the sitting's date. The TEI registry
//! is trusted over the flattened `-meta.tsv`; disagreements are reported by the caller.

use super::tei::malformed;
use cohesion_io::{Error, Result};
use quick_xml::events::{BytesStart, Event};
use quick_xml::Reader;
use std::collections::HashMap;
use std::path::{Path, PathBuf};

#[derive(Debug, Clone, Default, PartialEq)]
pub struct Affiliation {
    pub role: String,
    pub reference: String,
    pub from: String,
    pub to: String,
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct Person {
    pub surname: String,
    pub forename: String,
    pub sex: String,
    pub birth: String,
    pub affiliations: Vec<Affiliation>,
}

impl Person {
    /// `Surname, Forename`, the form the ParlaMint TSV uses.
    pub fn name(&self) -> String {
        match (self.surname.is_empty(), self.forename.is_empty()) {
            (false, false) => format!("{}, {}", self.surname, self.forename),
            (false, true) => self.surname.clone(),
            _ => self.forename.clone(),
        }
    }

    /// The party (`#party.X` → `X`) the person was a member of on `date` (ISO dates compare
    /// as strings; a missing bound is open).
    pub fn party_at(&self, date: &str) -> Option<String> {
        self.affiliations
            .iter()
            .filter(|a| a.role == "member" && a.reference.starts_with("#party."))
            .find(|a| {
                (a.from.is_empty() || a.from.as_str() <= date)
                    && (a.to.is_empty() || date <= a.to.as_str())
            })
            .map(|a| a.reference.trim_start_matches("#party.").to_string())
    }
}

pub type Persons = HashMap<String, Person>;

/// A `*-listPerson.xml` in the XML file's folder or its parent (the ParlaMint layout).
pub fn find_list_person(xml: &Path) -> Option<PathBuf> {
    find_registry(xml, "-listPerson.xml")
}

/// The first file (by name) ending in `suffix` in the XML file's folder or else its parent.
pub fn find_registry(xml: &Path, suffix: &str) -> Option<PathBuf> {
    let dir = xml.parent()?;
    [Some(dir), dir.parent()]
        .into_iter()
        .flatten()
        .find_map(|d| {
            let mut found: Vec<PathBuf> = std::fs::read_dir(d)
                .ok()?
                .filter_map(|e| e.ok().map(|e| e.path()))
                .filter(|p| p.to_string_lossy().ends_with(suffix))
                .collect();
            found.sort();
            found.into_iter().next()
        })
}

/// An attribute's value, empty when absent (registries treat both alike).
pub(super) fn attr(e: &BytesStart, name: &[u8]) -> String {
    super::tei::attr(e, name).unwrap_or_default()
}

pub fn read_list_person(path: &Path, lossy: bool) -> Result<Persons> {
    let content = super::read::read_text(path, lossy)?;
    let mut reader = Reader::from_str(&content);
    reader.config_mut().check_end_names = true;
    let mut persons = Persons::new();
    let mut cur: Option<(String, Person)> = None;
    let mut field: Option<&'static str> = None;
    loop {
        let ev = reader
            .read_event()
            .map_err(|e| malformed(path, &content, reader.error_position() as usize, &e))?;
        match ev {
            Event::Start(ref e) | Event::Empty(ref e) => {
                match (e.local_name().as_ref(), cur.as_mut()) {
                    (b"person", _) => cur = Some((attr(e, b"xml:id"), Person::default())),
                    (b"surname", Some(_)) => field = Some("surname"),
                    (b"forename", Some(_)) => field = Some("forename"),
                    (b"sex", Some((_, p))) => p.sex = attr(e, b"value"),
                    (b"birth", Some((_, p))) => p.birth = attr(e, b"when"),
                    (b"affiliation", Some((_, p))) => p.affiliations.push(Affiliation {
                        role: attr(e, b"role"),
                        reference: attr(e, b"ref"),
                        from: attr(e, b"from"),
                        to: attr(e, b"to"),
                    }),
                    _ => {}
                }
            }
            Event::Text(t) => {
                if let (Some(f), Some((_, p))) = (field, cur.as_mut()) {
                    let text = t.decode().map_err(|e| Error::at(path, None, None, e))?;
                    let slot = if f == "surname" {
                        &mut p.surname
                    } else {
                        &mut p.forename
                    };
                    if !slot.is_empty() && !text.trim().is_empty() {
                        slot.push(' ');
                    }
                    slot.push_str(text.trim());
                }
            }
            Event::End(e) => match e.local_name().as_ref() {
                b"surname" | b"forename" => field = None,
                b"person" => {
                    if let Some((id, p)) = cur.take() {
                        persons.insert(id, p);
                    }
                }
                _ => {}
            },
            Event::Eof => break,
            _ => {}
        }
    }
    Ok(persons)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn party_by_date() {
        let p = Person {
            affiliations: vec![
                Affiliation {
                    role: "member".into(),
                    reference: "#party.VVD".into(),
                    from: "2007-06-12".into(),
                    to: "2019-06-10".into(),
                },
                Affiliation {
                    role: "member".into(),
                    reference: "#party.CDA".into(),
                    from: "2019-06-11".into(),
                    to: String::new(),
                },
                Affiliation {
                    role: "head".into(),
                    reference: "#TK".into(),
                    ..Default::default()
                },
            ],
            ..Default::default()
        };
        assert_eq!(p.party_at("2015-01-01").as_deref(), Some("VVD"));
        assert_eq!(p.party_at("2022-07-12").as_deref(), Some("CDA"));
        assert_eq!(p.party_at("2000-01-01"), None);
    }
}
