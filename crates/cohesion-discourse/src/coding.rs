//! Qualitative coding: a codebook (codes with definitions, optionally a CQP rule that codes
//! automatically), coded segments as stand-off offsets, code frequencies per speaker group
//! and code co-occurrence.
//!
//! A segment is `utterance,start,end,code,coder`: `start`/`end` are token offsets within
//! the utterance (end exclusive), so segments survive re-indexing as long as the tokenisation
//! is unchanged, and KWIC hits, CQP matches and hand-coded spans are the same kind of object.

use crate::cqp::run_query;
use crate::index::open::Corpus;
use cohesion_io::{write_atomic, Error, Result, Table};
use serde::Deserialize;
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::Path;

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Code {
    pub name: String,
    #[serde(default)]
    pub definition: String,
    pub cqp: Option<String>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct Codebook {
    pub code: Vec<Code>,
}

impl Codebook {
    pub fn read(path: &Path) -> Result<Self> {
        let text = crate::import::read::read_text(path, false)?;
        let cb: Codebook = toml::from_str(&text).map_err(|e| {
            let line = e
                .span()
                .map(|s| cohesion_io::error::line_of_offset(&text, s.start));
            Error::at(path, line, None, e.message())
        })?;
        let mut seen = BTreeSet::new();
        for c in &cb.code {
            if !seen.insert(&c.name) {
                return Err(Error::at(path, None, Some(&c.name), "code defined twice"));
            }
        }
        Ok(cb)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Segment {
    pub utterance: String,
    pub start: u32,
    pub end: u32,
    pub code: String,
    pub coder: String,
}

/// Utterance ids → region index, and region spans.
fn utterance_index(c: &Corpus) -> Result<HashMap<String, usize>> {
    let u = c.structure("u")?;
    (0..u.len())
        .map(|i| Ok((u.value(i, "id")?.to_string(), i)))
        .collect()
}

/// Apply every code's CQP rule; each match becomes a segment by coder `rule`.
pub fn auto_code(c: &Corpus, cb: &Codebook) -> Result<Vec<Segment>> {
    let u = c.structure("u")?;
    let mut out = Vec::new();
    for code in &cb.code {
        let Some(q) = &code.cqp else { continue };
        let (hits, _) =
            run_query(c, q, None).map_err(|e| e.context(format!("code `{}`", code.name)))?;
        for h in hits {
            let Some(i) = u.find(h.start) else { continue };
            let (a, b) = u.span(i);
            out.push(Segment {
                utterance: u.value(i, "id")?.to_string(),
                start: h.start - a,
                end: h.end.min(b) - a,
                code: code.name.clone(),
                coder: "rule".into(),
            });
        }
    }
    Ok(out)
}

/// Read hand-coded segments, checking utterances, offsets and codes against the corpus.
pub fn read_segments(c: &Corpus, cb: &Codebook, path: &Path) -> Result<Vec<Segment>> {
    let text = crate::import::read::read_text(path, false)?;
    let idx = utterance_index(c)?;
    let u = c.structure("u")?;
    let codes: BTreeSet<&str> = cb.code.iter().map(|c| c.name.as_str()).collect();
    let mut rdr = csv::Reader::from_reader(text.as_bytes());
    let header: Vec<String> = rdr
        .headers()
        .map_err(|e| Error::at(path, Some(1), None, e))?
        .iter()
        .map(str::to_string)
        .collect();
    let col = |n: &str| {
        header.iter().position(|h| h == n).ok_or_else(|| {
            Error::at(
                path,
                Some(1),
                None,
                format!("no `{n}` column (need utterance,start,end,code,coder)"),
            )
        })
    };
    let (cu, cs, ce, cc, cr) = (
        col("utterance")?,
        col("start")?,
        col("end")?,
        col("code")?,
        col("coder")?,
    );
    let mut out = Vec::new();
    for rec in rdr.records() {
        let rec =
            rec.map_err(|e| Error::at(path, e.position().map(|p| p.line() as usize), None, e))?;
        let line = rec.position().map(|p| p.line() as usize);
        let get = |i: usize| rec.get(i).unwrap_or("").trim().to_string();
        let utt = get(cu);
        let Some(&i) = idx.get(&utt) else {
            return Err(Error::at(
                path,
                line,
                Some("utterance"),
                format!("no utterance `{utt}` in the corpus"),
            ));
        };
        let len = u.span(i).1 - u.span(i).0;
        let num = |f: &str, v: String| {
            v.parse::<u32>()
                .map_err(|_| Error::at(path, line, Some(f), format!("`{v}` is not a token offset")))
        };
        let (start, end) = (num("start", get(cs))?, num("end", get(ce))?);
        if start >= end || end > len {
            return Err(Error::at(
                path,
                line,
                Some("end"),
                format!("segment {start}..{end} is not inside the utterance's {len} tokens"),
            ));
        }
        let code = get(cc);
        if !codes.contains(code.as_str()) {
            return Err(Error::at(
                path,
                line,
                Some("code"),
                format!("code `{code}` is not in the codebook"),
            ));
        }
        out.push(Segment {
            utterance: utt,
            start,
            end,
            code,
            coder: get(cr),
        });
    }
    Ok(out)
}

pub fn write_segments(path: &Path, segs: &[Segment]) -> Result<()> {
    let mut t = Table::new(["utterance", "start", "end", "code", "coder"]);
    for s in segs {
        t.push(vec![
            s.utterance.clone().into(),
            s.start.into(),
            s.end.into(),
            s.code.clone().into(),
            s.coder.clone().into(),
        ]);
    }
    if path.as_os_str() == "-" {
        return t.write_csv(path);
    }
    write_atomic(path, |w| t.write_csv_to(w))
}

/// Segments and distinct coded utterances per code and group (a speaker attribute).
pub fn frequencies(c: &Corpus, cb: &Codebook, segs: &[Segment], by: &str) -> Result<Table> {
    let idx = utterance_index(c)?;
    let u = c.structure("u")?;
    let mut n: BTreeMap<(String, String), (u64, BTreeSet<&str>)> = BTreeMap::new();
    for s in segs {
        let g = match idx.get(&s.utterance) {
            Some(&i) => u.value(i, by)?.to_string(),
            None => continue,
        };
        let e = n.entry((s.code.clone(), g)).or_default();
        e.0 += 1;
        e.1.insert(&s.utterance);
    }
    let mut t = Table::new(["code", by, "segments", "utterances", "definition"]);
    for ((code, g), (k, us)) in n {
        let def = cb
            .code
            .iter()
            .find(|c| c.name == code)
            .map(|c| c.definition.clone())
            .unwrap_or_default();
        t.push(vec![
            code.into(),
            g.into(),
            (k as i64).into(),
            us.len().into(),
            def.into(),
        ]);
    }
    Ok(t)
}

/// Number of utterances in which two codes both occur.
pub fn cooccurrence(segs: &[Segment]) -> Table {
    let mut per_utt: BTreeMap<&str, BTreeSet<&str>> = BTreeMap::new();
    for s in segs {
        per_utt.entry(&s.utterance).or_default().insert(&s.code);
    }
    let mut pairs: BTreeMap<(&str, &str), u64> = BTreeMap::new();
    for codes in per_utt.values() {
        let v: Vec<&&str> = codes.iter().collect();
        for i in 0..v.len() {
            for j in i + 1..v.len() {
                *pairs.entry((v[i], v[j])).or_default() += 1;
            }
        }
    }
    let mut t = Table::new(["code_a", "code_b", "utterances"]);
    for ((a, b), k) in pairs {
        t.push(vec![a.into(), b.into(), (k as i64).into()]);
    }
    t
}

/// Agreement data from segments: unit = (utterance, code), value 1 if the coder applied the
/// code in that utterance, else 0, for every coder in the file (each coder is assumed to have
/// coded every utterance that appears in it).
pub fn presence_reliability(segs: &[Segment]) -> crate::agreement::Reliability {
    let coders: Vec<String> = segs
        .iter()
        .map(|s| s.coder.clone())
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect();
    let utts: BTreeSet<&str> = segs.iter().map(|s| s.utterance.as_str()).collect();
    let codes: BTreeSet<&str> = segs.iter().map(|s| s.code.as_str()).collect();
    let applied: BTreeSet<(&str, &str, &str)> = segs
        .iter()
        .map(|s| (s.utterance.as_str(), s.code.as_str(), s.coder.as_str()))
        .collect();
    let mut r = crate::agreement::Reliability {
        coders: coders.clone(),
        ..Default::default()
    };
    for u in &utts {
        for c in &codes {
            let values = coders
                .iter()
                .enumerate()
                .map(|(i, k)| {
                    (
                        i,
                        if applied.contains(&(u, c, k.as_str())) {
                            "1"
                        } else {
                            "0"
                        }
                        .to_string(),
                    )
                })
                .collect();
            r.units.insert(format!("{u}\u{1f}{c}"), values);
        }
    }
    r
}

/// Read a segments CSV without a corpus (for `agreement`).
pub fn read_segments_plain(path: &Path) -> Result<Vec<Segment>> {
    let text = crate::import::read::read_text(path, false)?;
    let mut rdr = csv::Reader::from_reader(text.as_bytes());
    let header: Vec<String> = rdr
        .headers()
        .map_err(|e| Error::at(path, Some(1), None, e))?
        .iter()
        .map(str::to_string)
        .collect();
    let col = |n: &str| {
        header
            .iter()
            .position(|h| h == n)
            .ok_or_else(|| Error::at(path, Some(1), None, format!("no `{n}` column")))
    };
    let (cu, cc, cr) = (col("utterance")?, col("code")?, col("coder")?);
    let mut out = Vec::new();
    for rec in rdr.records() {
        let rec =
            rec.map_err(|e| Error::at(path, e.position().map(|p| p.line() as usize), None, e))?;
        let get = |i: usize| rec.get(i).unwrap_or("").trim().to_string();
        out.push(Segment {
            utterance: get(cu),
            start: 0,
            end: 0,
            code: get(cc),
            coder: get(cr),
        });
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testutil::{scratch, transcripts};
    use cohesion_io::Cell;

    #[test]
    fn rules_hand_segments_frequencies_and_cooccurrence() {
        let (c, dir) = transcripts(&[("w", "Ann (burger): Wij moeten de overheid vertrouwen.\nBen (expert): De overheid moet dat regelen.")]);
        let d = scratch("coding");
        let cbp = d.join("codebook.toml");
        std::fs::write(&cbp, "[[code]]\nname = \"WE\"\ndefinition = \"in-group\"\ncqp = '[lower=\"wij|we\"]'\n\n[[code]]\nname = \"STATE\"\ndefinition = \"the state as actor\"\ncqp = '\"overheid\"'\n\n[[code]]\nname = \"TRUST\"\n").unwrap();
        let cb = Codebook::read(&cbp).unwrap();
        let mut segs = auto_code(&c, &cb).unwrap();
        assert_eq!(segs.len(), 3);
        assert!(segs.contains(&Segment {
            utterance: "w.u2".into(),
            start: 1,
            end: 2,
            code: "STATE".into(),
            coder: "rule".into()
        }));
        let sp = d.join("hand.csv");
        std::fs::write(&sp, "utterance,start,end,code,coder\nw.u1,0,5,TRUST,ann\n").unwrap();
        segs.extend(read_segments(&c, &cb, &sp).unwrap());
        let f = frequencies(&c, &cb, &segs, "role").unwrap();
        assert_eq!(f.rows.len(), 4);
        assert_eq!(f.rows[0][0], "STATE".into());
        assert_eq!(f.rows[0][2], Cell::Int(1));
        let co = cooccurrence(&segs);
        assert_eq!(co.rows.len(), 3, "u1 has WE, STATE, TRUST → 3 pairs");
        let out = d.join("out.csv");
        write_segments(&out, &segs).unwrap();
        let back = read_segments(&c, &cb, &out).unwrap();
        assert_eq!(back.len(), segs.len());
        // Errors name the line and field.
        std::fs::write(
            &sp,
            "utterance,start,end,code,coder\nw.u1,0,5,TRUST,ann\nw.u1,3,99,WE,ann\n",
        )
        .unwrap();
        let e = read_segments(&c, &cb, &sp).unwrap_err();
        assert!(e.message().contains(":3: field `end`"), "{e}");
        std::fs::write(&sp, "utterance,start,end,code,coder\nw.u9,0,1,WE,ann\n").unwrap();
        assert!(read_segments(&c, &cb, &sp)
            .unwrap_err()
            .message()
            .contains("no utterance"));
        std::fs::remove_dir_all(dir).unwrap();
        std::fs::remove_dir_all(d).unwrap();
    }

    #[test]
    fn presence_agreement_from_segments() {
        let s = |u: &str, c: &str, k: &str| Segment {
            utterance: u.into(),
            start: 0,
            end: 1,
            code: c.into(),
            coder: k.into(),
        };
        let segs = vec![
            s("u1", "A", "x"),
            s("u1", "A", "y"),
            s("u2", "A", "x"),
            s("u2", "B", "y"),
        ];
        let r = presence_reliability(&segs);
        // units (u1,A) 1/1, (u1,B) 0/0, (u2,A) 1/0, (u2,B) 0/1 → agreement 0.5
        assert_eq!(r.units.len(), 4);
        assert!((r.percent_agreement() - 0.5).abs() < 1e-12);
    }
}
