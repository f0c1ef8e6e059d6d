//! Marker definitions (read from `data/markers.toml` or the user's file) and finding their
//! hits in a corpus. The word lists are data; the code only knows the kinds of marker.

use crate::cqp::run_query;
use crate::index::open::Corpus;
use cohesion_io::{Error, Result};
use serde::Deserialize;
use std::collections::{HashMap, HashSet};
use std::path::Path;

pub const DEFAULT_MARKERS: &str = include_str!("../../data/markers.toml");
const PARTICIPLES: &str = include_str!("../../data/nl-participles.txt");
const SENTIMENT: &str = include_str!("../../data/nl-sentiment.tsv");

#[derive(Debug, Clone, Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct Marker {
    pub name: String,
    #[serde(default)]
    pub construct: String,
    #[serde(default)]
    pub words: Vec<String>,
    #[serde(default)]
    pub pos: Vec<String>,
    #[serde(default)]
    pub ambiguous: Vec<String>,
    pub disambiguate: Option<String>,
    pub cqp: Option<String>,
    #[serde(default)]
    pub suffixes: Vec<String>,
    #[serde(default)]
    pub min_length: usize,
    #[serde(default)]
    pub stoplist: Vec<String>,
    pub rule: Option<String>,
    #[serde(default)]
    pub aux_worden: Vec<String>,
    #[serde(default)]
    pub aux_zijn: Vec<String>,
    #[serde(default)]
    pub agent: Vec<String>,
    #[serde(default)]
    pub zijn_perfect: Vec<String>,
    pub window: Option<u32>,
    pub sign: Option<i8>,
    pub threshold: Option<f64>,
    pub gold: Option<String>,
}

#[derive(Debug, Clone, Deserialize, Default)]
pub struct Markers {
    #[serde(default)]
    pub marker: Vec<Marker>,
    #[serde(default)]
    pub actor: Vec<Marker>,
}

impl Markers {
    pub fn parse(text: &str, origin: &Path) -> Result<Self> {
        let m: Markers = toml::from_str(text).map_err(|e| {
            let line = e
                .span()
                .map(|s| cohesion_io::error::line_of_offset(text, s.start));
            Error::at(origin, line, None, e.message())
        })?;
        for k in m.marker.iter().chain(&m.actor) {
            let kinds = [
                !k.words.is_empty(),
                k.cqp.is_some(),
                !k.suffixes.is_empty(),
                k.rule.is_some(),
            ];
            if kinds.iter().filter(|&&b| b).count() != 1 {
                return Err(Error::at(
                    origin,
                    None,
                    Some(&k.name),
                    "give exactly one of words, cqp, suffixes or rule",
                ));
            }
            if let Some(r) = &k.rule {
                if r != "passive" && r != "sentiment" {
                    return Err(Error::at(
                        origin,
                        None,
                        Some(&k.name),
                        format!("unknown rule `{r}` (passive, sentiment)"),
                    ));
                }
            }
            if let Some(d) = &k.disambiguate {
                if d != "plural_agreement" {
                    return Err(Error::at(
                        origin,
                        None,
                        Some(&k.name),
                        format!("unknown disambiguation `{d}` (plural_agreement)"),
                    ));
                }
            }
        }
        Ok(m)
    }

    pub fn load(path: Option<&Path>) -> Result<Self> {
        match path {
            Some(p) => Markers::parse(&crate::import::read::read_text(p, false)?, p),
            None => Markers::parse(DEFAULT_MARKERS, Path::new("data/markers.toml")),
        }
    }
}

fn list(text: &str) -> impl Iterator<Item = &str> {
    text.lines()
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
}

/// Whether marker matching may use POS and features (the corpus has them).
pub struct Annotation {
    pub pos: bool,
    pub feats: bool,
}

impl Annotation {
    pub fn of(c: &Corpus) -> Self {
        Annotation {
            pos: c.has_attr("pos"),
            feats: c.has_attr("feats"),
        }
    }
}

/// Ascending positions of a marker's hits (for multi-token CQP hits, the first token).
/// `use_annotation` false forces the word-level variant even on an annotated corpus.
pub fn hits(c: &Corpus, m: &Marker, use_annotation: bool) -> Result<Vec<u32>> {
    let ann = Annotation::of(c);
    let pos_ok = |p: u32| -> Result<bool> {
        if m.pos.is_empty() || !ann.pos || !use_annotation {
            return Ok(true);
        }
        Ok(m.pos
            .iter()
            .any(|t| t == c.attr("pos").map(|a| a.at(p)).unwrap_or("")))
    };
    let lower = c.attr("lower")?;
    let mut out = Vec::new();
    if !m.words.is_empty() {
        for w in &m.words {
            if let Some(id) = lower.id_of(&w.to_lowercase()) {
                out.extend_from_slice(lower.postings(id));
            }
        }
        out.sort_unstable();
        out.dedup();
        if m.disambiguate.is_some() && use_annotation && ann.pos && ann.feats {
            let amb: HashSet<&str> = m.ambiguous.iter().map(String::as_str).collect();
            let mut kept = Vec::with_capacity(out.len());
            for &p in &out {
                if !amb.contains(lower.at(p)) || plural_by_agreement(c, p)? {
                    kept.push(p);
                }
            }
            out = kept;
        }
    } else if let Some(q) = &m.cqp {
        out = run_query(c, q, None)
            .map_err(|e| e.context(format!("marker `{}`", m.name)))?
            .0
            .iter()
            .map(|h| h.start)
            .collect();
    } else if !m.suffixes.is_empty() {
        let stop: HashSet<&str> = m.stoplist.iter().map(String::as_str).collect();
        for id in 0..lower.types() as u32 {
            let w = lower.str_of(id);
            let is_word = w.chars().all(char::is_alphabetic);
            if is_word
                && w.chars().count() >= m.min_length
                && !stop.contains(w)
                && m.suffixes.iter().any(|s| w.ends_with(s.as_str()))
            {
                out.extend_from_slice(lower.postings(id));
            }
        }
        out.sort_unstable();
    } else if m.rule.as_deref() == Some("passive") {
        out = passives(c, m, use_annotation && ann.pos && ann.feats)?;
    } else if m.rule.as_deref() == Some("sentiment") {
        let sign = m.sign.unwrap_or(1) as f64;
        let thr = m.threshold.unwrap_or(0.1);
        for line in list(SENTIMENT) {
            let mut cols = line.split('\t');
            let (Some(w), Some(pol)) =
                (cols.next(), cols.next().and_then(|p| p.parse::<f64>().ok()))
            else {
                continue;
            };
            if pol * sign >= thr {
                if let Some(id) = lower.id_of(w) {
                    out.extend_from_slice(lower.postings(id));
                }
            }
        }
        out.sort_unstable();
    }
    let mut kept = Vec::with_capacity(out.len());
    for p in out {
        if pos_ok(p)? {
            kept.push(p);
        }
    }
    Ok(kept)
}

fn feats_have(c: &Corpus, p: u32, f: &str) -> bool {
    c.attr("feats")
        .map(|a| a.at(p).split('|').any(|x| x == f))
        .unwrap_or(false)
}

/// `ze`/`zij` is plural when the nearest finite verb in its sentence (up to 3 tokens either
/// side, nearer first) is plural; with no finite verb near (object `ze`), plural is assumed,
/// since object `ze` is mostly plural in Dutch.
fn plural_by_agreement(c: &Corpus, p: u32) -> Result<bool> {
    let s = c.structure("s")?;
    let (lo, hi) = s.find(p).map(|i| s.span(i)).unwrap_or((0, c.len()));
    let pos = c.attr("pos")?;
    for d in 1..=3u32 {
        for q in [p.checked_add(d), p.checked_sub(d)].into_iter().flatten() {
            if q < lo || q >= hi {
                continue;
            }
            let tag = pos.at(q);
            if (tag == "VERB" || tag == "AUX") && feats_have(c, q, "VerbForm=Fin") {
                return Ok(feats_have(c, q, "Number=Plur"));
            }
        }
    }
    Ok(true)
}

/// Approximate agentless passives, returned at the auxiliary's position. An auxiliary form of
/// `worden`, or of `zijn` whose participle is not an active-perfect (`zijn_perfect`) verb,
/// with a past participle within `window` tokens on either side inside the same clause
/// (punctuation ends a clause), and no agent word (`door`) in that clause span.
/// Participles come from POS/features when `annotated`, else from the participle list.
fn passives(c: &Corpus, m: &Marker, annotated: bool) -> Result<Vec<u32>> {
    let lower = c.attr("lower")?;
    let s = c.structure("s")?;
    let window = m.window.unwrap_or(8);
    let parts: HashSet<&str> = list(PARTICIPLES).collect();
    let perfect: HashSet<&str> = m.zijn_perfect.iter().map(String::as_str).collect();
    let agent: HashSet<&str> = m.agent.iter().map(String::as_str).collect();
    let worden: HashSet<&str> = m.aux_worden.iter().map(String::as_str).collect();
    let zijn: HashSet<&str> = m.aux_zijn.iter().map(String::as_str).collect();
    let is_part = |p: u32| -> bool {
        if annotated {
            c.attr("pos").map(|a| a.at(p) == "VERB").unwrap_or(false)
                && feats_have(c, p, "VerbForm=Part")
        } else {
            parts.contains(lower.at(p))
        }
    };
    let is_punct = |p: u32| !lower.at(p).chars().any(char::is_alphanumeric);
    let mut aux_ids: Vec<(u32, bool)> = Vec::new();
    for w in &worden {
        aux_ids.extend(lower.id_of(w).map(|i| (i, true)));
    }
    for w in &zijn {
        aux_ids.extend(lower.id_of(w).map(|i| (i, false)));
    }
    let mut out = Vec::new();
    for (id, is_worden) in aux_ids {
        for &p in lower.postings(id) {
            if annotated && c.attr("pos")?.at(p) != "AUX" {
                continue;
            }
            let (lo, hi) = s.find(p).map(|i| s.span(i)).unwrap_or((0, c.len()));
            // The clause span: out from the auxiliary until punctuation or the window edge.
            let mut a = p;
            while a > lo && p - a < window && !is_punct(a - 1) {
                a -= 1;
            }
            let mut b = p + 1;
            while b < hi && b - p <= window && !is_punct(b) {
                b += 1;
            }
            let participle = (a..b).filter(|&q| q != p).find(|&q| is_part(q));
            let Some(q) = participle else { continue };
            if !is_worden && perfect.contains(lower.at(q)) {
                continue;
            }
            if (a..b).any(|r| agent.contains(lower.at(r))) {
                continue;
            }
            out.push(p);
        }
    }
    out.sort_unstable();
    Ok(out)
}

/// Speaker of every utterance region, by region index.
pub fn speakers(c: &Corpus) -> Result<Vec<String>> {
    let u = c.structure("u")?;
    let has = u.has_column("speaker");
    (0..u.len())
        .map(|i| {
            Ok(if has {
                u.value(i, "speaker")?.to_string()
            } else {
                String::new()
            })
        })
        .collect()
}

/// Count of hits per key (e.g. per speaker) from positions.
pub fn count_by<F: Fn(u32) -> Option<String>>(positions: &[u32], key: F) -> HashMap<String, u64> {
    let mut m = HashMap::new();
    for &p in positions {
        if let Some(k) = key(p) {
            *m.entry(k).or_default() += 1;
        }
    }
    m
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testutil::{conllu, transcripts};

    fn marker(name: &str) -> Marker {
        Markers::load(None)
            .unwrap()
            .marker
            .into_iter()
            .find(|m| m.name == name)
            .unwrap()
    }

    #[test]
    fn default_markers_parse_and_bad_files_are_located() {
        let m = Markers::load(None).unwrap();
        assert!(m.marker.len() >= 7 && m.actor.len() >= 5);
        let e = Markers::parse(
            "[[marker]]\nname = \"x\"\nwords = [\"a\"]\ncqp = '\"a\"'\n",
            Path::new("m.toml"),
        )
        .unwrap_err();
        assert!(e.message().contains("exactly one"), "{e}");
        let e = Markers::parse("[[marker]]\nname = 3\n", Path::new("m.toml")).unwrap_err();
        assert!(e.message().starts_with("m.toml:2"), "{e}");
    }

    #[test]
    fn word_level_markers_on_plain_text() {
        let (c, dir) = transcripts(&[("a", "A (x): Wij moeten het doen. Ze zeggen dat de digitalisering goed is. Die mensen willen niets.")]);
        assert_eq!(hits(&c, &marker("we"), true).unwrap().len(), 1);
        assert_eq!(
            hits(&c, &marker("modal"), true).unwrap().len(),
            1,
            "moeten; willen is not in the list"
        );
        assert_eq!(
            hits(&c, &marker("they"), true).unwrap().len(),
            1,
            "no POS: every ze counts"
        );
        assert_eq!(hits(&c, &marker("nominalisation"), true).unwrap().len(), 1);
        assert_eq!(hits(&c, &marker("those_people"), true).unwrap().len(), 1);
        assert_eq!(
            hits(&c, &marker("positive"), true).unwrap().len(),
            1,
            "goed"
        );
        std::fs::remove_dir_all(dir).unwrap();
    }

    #[test]
    fn passives_with_and_without_agent_and_the_perfect() {
        let (c, dir) = transcripts(&[("a", "A (x): De wet wordt aangenomen. De wet wordt door de Kamer aangenomen. Hij is gegaan. Het plan is goedgekeurd.")]);
        let h = hits(&c, &marker("agentless_passive"), true).unwrap();
        let w = c.attr("word").unwrap();
        let found: Vec<&str> = h.iter().map(|&p| w.at(p)).collect();
        assert_eq!(
            found,
            ["wordt", "is"],
            "agentless worden-passive and zijn-passive; not the door-phrase, not `is gegaan`"
        );
        assert_eq!(w.at(h[1] + 1), "goedgekeurd");
        std::fs::remove_dir_all(dir).unwrap();
    }

    #[test]
    fn ze_is_disambiguated_by_verb_agreement_when_annotated() {
        let src = "1\tZe\tze\tPRON\t_\t_\t2\tnsubj\t_\t_\n2\tloopt\tlopen\tVERB\t_\tNumber=Sing|VerbForm=Fin\t0\troot\t_\t_\n\n1\tZe\tze\tPRON\t_\t_\t2\tnsubj\t_\t_\n2\tlopen\tlopen\tVERB\t_\tNumber=Plur|VerbForm=Fin\t0\troot\t_\t_\n";
        let (c, dir) = conllu(src);
        let m = marker("they");
        assert_eq!(hits(&c, &m, true).unwrap(), [2]);
        assert_eq!(
            hits(&c, &m, false).unwrap(),
            [0, 2],
            "word-level variant keeps both"
        );
        std::fs::remove_dir_all(dir).unwrap();
    }
}
