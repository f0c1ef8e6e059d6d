//! Optional annotation of plain text with Frog (CLST/Radboud; Debian `frog frogdata uctodata`),
//! run as a separate process (it is GPL; the process boundary keeps it apart).
//!
//! Our tokenisation is kept: sentences go to Frog one per line with its tokeniser off
//! (`--skip=tn -n`; NER is skipped too). Frog still joins multi-word units (`Den_Haag`);
//! [`expand`] splits them back onto our tokens (later parts attach to the first as `flat`,
//! the UD convention for names), and anything else that does not align is an error.
//! The multi-word step cannot be skipped: Frog's parser depends on it. From Frog's
//! columns (index, word, lemma, morphology, CGN tag, confidence, NER, chunk, head, relation)
//! we keep the lemma, the CGN tag as XPOS (`VNW(pers,pron,nomin,vol,1,mv)` →
//! `VNW|pers|pron|nomin|vol|1|mv`, the UD_Dutch convention), a UPOS and a few UD features
//! derived from it, the head, and the relation with Alpino's `su`/`obj1`/`obj2` renamed to
//! `nsubj`/`obj`/`iobj` (other Alpino relations are kept as they are).

use crate::model::{Text, Token};
use cohesion_io::{Error, Result};
use std::process::Command;

/// Auxiliaries: a `WW` with one of these lemmas that heads a `vc` (verbal complement) is AUX.
const AUX_LEMMAS: &[&str] = &[
    "zijn", "worden", "hebben", "zullen", "kunnen", "moeten", "mogen", "willen", "hoeven",
];

#[derive(Debug, Clone, PartialEq)]
pub struct FrogToken {
    pub word: String,
    pub lemma: String,
    pub tag: String,
    pub head: u32,
    pub rel: String,
}

/// Parse Frog's tab-separated output: sentences separated by blank lines, ten columns.
pub fn parse_output(out: &str) -> Result<Vec<Vec<FrogToken>>> {
    let mut sents = Vec::new();
    let mut cur = Vec::new();
    for (i, line) in out.lines().enumerate() {
        if line.trim().is_empty() {
            if !cur.is_empty() {
                sents.push(std::mem::take(&mut cur));
            }
            continue;
        }
        let c: Vec<&str> = line.split('\t').collect();
        if c.len() < 10 {
            return Err(Error::failure(format!(
                "frog output line {}: {} columns, expected 10",
                i + 1,
                c.len()
            )));
        }
        cur.push(FrogToken {
            word: c[1].to_string(),
            lemma: c[2].to_string(),
            tag: c[4].to_string(),
            // Head and relation are read from the end: with NER skipped, Frog 0.20 leaves an
            // extra empty column in the middle.
            head: c[c.len() - 2].parse().unwrap_or(0),
            rel: c[c.len() - 1].to_string(),
        });
    }
    if !cur.is_empty() {
        sents.push(cur);
    }
    Ok(sents)
}

/// `VNW(pers,pron,nomin,vol,1,mv)` → (`VNW`, [`pers`, `pron`, …]).
fn split_tag(tag: &str) -> (&str, Vec<&str>) {
    match tag.split_once('(') {
        Some((main, rest)) => (
            main,
            rest.trim_end_matches(')')
                .split(',')
                .filter(|f| !f.is_empty())
                .collect(),
        ),
        None => (tag, vec![]),
    }
}

fn upos(main: &str, f: &[&str], is_aux: bool) -> &'static str {
    match main {
        "N" if f.contains(&"eigen") => "PROPN",
        "N" => "NOUN",
        "WW" if is_aux => "AUX",
        "WW" => "VERB",
        "ADJ" => "ADJ",
        "BW" => "ADV",
        "VNW" if f.contains(&"det") => "DET",
        "VNW" => "PRON",
        "LID" => "DET",
        "VZ" => "ADP",
        "VG" if f.contains(&"onder") => "SCONJ",
        "VG" => "CCONJ",
        "TW" => "NUM",
        "TSW" => "INTJ",
        "LET" => "PUNCT",
        _ => "X",
    }
}

fn feats(main: &str, f: &[&str]) -> Option<String> {
    let mut out = Vec::new();
    let number = if f.contains(&"mv") {
        Some("Plur")
    } else if f.contains(&"ev") || f.contains(&"met-t") {
        Some("Sing")
    } else {
        None
    };
    match main {
        "WW" if f.contains(&"pv") => {
            out.extend(number.map(|n| format!("Number={n}")));
            out.push("VerbForm=Fin".to_string());
        }
        "WW" if f.contains(&"vd") => out.push("VerbForm=Part".into()),
        "WW" if f.contains(&"inf") => out.push("VerbForm=Inf".into()),
        "VNW" | "N" => {
            out.extend(number.map(|n| format!("Number={n}")));
            if main == "VNW"
                && f.iter()
                    .any(|x| matches!(*x, "pers" | "pr" | "refl" | "bez"))
            {
                out.push("PronType=Prs".into());
            }
        }
        _ => {}
    }
    (!out.is_empty()).then(|| {
        out.sort();
        out.join("|")
    })
}

/// Turn one Frog sentence into tokens (the words are ours and must match).
pub fn to_tokens(sent: &[FrogToken]) -> Vec<Token> {
    sent.iter()
        .enumerate()
        .map(|(i, t)| {
            let (main, f) = split_tag(&t.tag);
            let heads_vc = sent
                .iter()
                .any(|d| d.head as usize == i + 1 && d.rel == "vc");
            let is_aux = AUX_LEMMAS.contains(&t.lemma.as_str()) && heads_vc;
            let rel = match t.rel.as_str() {
                "su" => "nsubj",
                "obj1" => "obj",
                "obj2" => "iobj",
                "ROOT" => "root",
                r => r,
            };
            Token {
                word: t.word.clone(),
                lemma: Some(t.lemma.clone()),
                upos: Some(upos(main, &f, is_aux).to_string()),
                xpos: Some(
                    std::iter::once(main)
                        .chain(f.iter().copied())
                        .collect::<Vec<_>>()
                        .join("|"),
                ),
                feats: feats(main, &f),
                deprel: Some(rel.to_string()),
                head: Some(t.head),
            }
        })
        .collect()
}

/// Map Frog's tokens back onto ours: a multi-word unit `A_B` covers our tokens `A`, `B`.
/// Heads are renumbered to our token indices. `None` if the words do not line up.
pub fn expand(sent: &[FrogToken], ours: &[&str]) -> Option<Vec<FrogToken>> {
    let mut starts = Vec::with_capacity(sent.len());
    let mut parts = Vec::with_capacity(sent.len());
    let mut j = 0;
    for ft in sent {
        starts.push(j);
        let mut n = 1;
        let mut joined = ours.get(j)?.to_string();
        while joined != ft.word {
            joined.push('_');
            joined.push_str(ours.get(j + n)?);
            n += 1;
            if joined.len() > ft.word.len() {
                return None;
            }
        }
        parts.push(n);
        j += n;
    }
    if j != ours.len() {
        return None;
    }
    let remap = |h: u32| {
        if h == 0 {
            0
        } else {
            starts
                .get(h as usize - 1)
                .map(|&s| s as u32 + 1)
                .unwrap_or(0)
        }
    };
    let mut out = Vec::with_capacity(ours.len());
    for ((ft, &n), &start) in sent.iter().zip(&parts).zip(&starts) {
        let lemmas: Vec<&str> = ft.lemma.split('_').collect();
        let tags: Vec<&str> = ft.tag.split('_').collect();
        for i in 0..n {
            out.push(FrogToken {
                word: ours[start + i].to_string(),
                lemma: if lemmas.len() == n {
                    lemmas[i]
                } else {
                    ft.lemma.as_str()
                }
                .to_string(),
                tag: if tags.len() == n { tags[i] } else { tags[0] }.to_string(),
                head: if i == 0 {
                    remap(ft.head)
                } else {
                    start as u32 + 1
                },
                rel: if i == 0 {
                    ft.rel.clone()
                } else {
                    "flat".into()
                },
            });
        }
    }
    Some(out)
}

/// Annotate every sentence of `texts` with Frog, in one Frog run.
pub fn annotate(texts: &mut [Text]) -> Result<()> {
    let mut input = String::new();
    for t in texts.iter_mut() {
        for u in &mut t.utterances {
            u.materialise();
            for s in &u.sentences {
                let words: Vec<&str> = s.tokens.iter().map(|t| t.word.as_str()).collect();
                input.push_str(&words.join(" "));
                input.push('\n');
            }
        }
    }
    let dir = std::env::temp_dir().join(format!("cohesion-frog-{}", std::process::id()));
    std::fs::create_dir_all(&dir).map_err(|e| Error::io(&dir, "create", e))?;
    let (inp, outp) = (dir.join("in.txt"), dir.join("out.tsv"));
    let result = (|| {
        std::fs::write(&inp, &input).map_err(|e| Error::io(&inp, "write", e))?;
        let run = Command::new("frog").args(["--skip=tn", "-n", "-t"]).arg(&inp).arg("-o").arg(&outp).output().map_err(|e| {
            Error::input(format!("--annotate frog: cannot run `frog` ({e}); install it (Debian: apt-get install frog frogdata uctodata) or import CoNLL-U instead"))
        })?;
        if !run.status.success() {
            let err = String::from_utf8_lossy(&run.stderr);
            let tail: Vec<&str> = err.lines().rev().take(3).collect();
            return Err(Error::failure(format!(
                "frog failed: {}",
                tail.into_iter().rev().collect::<Vec<_>>().join(" / ")
            )));
        }
        let out = std::fs::read_to_string(&outp).map_err(|e| Error::io(&outp, "read", e))?;
        parse_output(&out)
    })();
    let _ = std::fs::remove_dir_all(&dir);
    let mut frogged = result?.into_iter();
    for t in texts.iter_mut() {
        for u in &mut t.utterances {
            for s in &mut u.sentences {
                let f = frogged.next().ok_or_else(|| {
                    Error::failure("frog returned fewer sentences than it was given")
                })?;
                let ours: Vec<&str> = s.tokens.iter().map(|t| t.word.as_str()).collect();
                let aligned = expand(&f, &ours).ok_or_else(|| {
                    let theirs: Vec<&str> = f.iter().map(|t| t.word.as_str()).collect();
                    Error::failure(format!(
                        "frog changed the tokenisation of sentence {}: [{}] became [{}]",
                        s.id,
                        ours.join(" "),
                        theirs.join(" ")
                    ))
                })?;
                s.tokens = to_tokens(&aligned);
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Real Frog 0.20 output (`frog --skip=t -n`) for "Ze worden door de gemeente gecontroleerd ."
    const OUT: &str = "1\tZe\tze\t[ze]\tVNW(pers,pron,stan,red,3,mv)\t0.999366\tO\tB-NP\t2\tsu\n2\tworden\tworden\t[word][en]\tWW(pv,tgw,mv)\t1.000000\tO\tB-VP\t0\tROOT\n3\tdoor\tdoor\t[door]\tVZ(init)\t0.998249\tO\tB-PP\t6\tmod\n4\tde\tde\t[de]\tLID(bep,stan,rest)\t0.999964\tO\tB-NP\t5\tdet\n5\tgemeente\tgemeente\t[gemeente]\tN(soort,ev,basis,zijd,stan)\t0.997745\tO\tI-NP\t3\tobj1\n6\tgecontroleerd\tcontroleren\t[ge][controleer][d]\tWW(vd,vrij,zonder)\t0.998549\tO\tB-VP\t2\tvc\n7\t.\t.\t[.]\tLET()\t1.000000\tO\tO\t6\tpunct\n\n";

    #[test]
    fn frog_columns_map_to_ud_style_annotation() {
        let s = parse_output(OUT).unwrap();
        assert_eq!(s.len(), 1);
        let t = to_tokens(&s[0]);
        assert_eq!(t[0].xpos.as_deref(), Some("VNW|pers|pron|stan|red|3|mv"));
        assert_eq!(t[0].upos.as_deref(), Some("PRON"));
        assert_eq!(t[0].deprel.as_deref(), Some("nsubj"));
        assert_eq!(t[1].upos.as_deref(), Some("AUX"), "worden heads a vc");
        assert_eq!(t[1].feats.as_deref(), Some("Number=Plur|VerbForm=Fin"));
        assert_eq!(t[5].feats.as_deref(), Some("VerbForm=Part"));
        assert_eq!(t[5].lemma.as_deref(), Some("controleren"));
        assert_eq!(t[6].upos.as_deref(), Some("PUNCT"));
        assert_eq!(t[1].head, Some(0));
        assert!(parse_output("1\tx\n").is_err());
        // The same with NER skipped (`--skip=tn`): 11 columns, head and relation still found.
        let skipped = "1\tDe\tde\t[de]\tLID(bep,stan,rest)\t0.99\t\t\tB-NP\t2\tdet\n";
        let s = parse_output(skipped).unwrap();
        assert_eq!((s[0][0].head, s[0][0].rel.as_str()), (2, "det"));
    }

    #[test]
    fn multi_word_units_are_split_back_onto_our_tokens() {
        let t = |w: &str, l: &str, tag: &str, head: u32, rel: &str| FrogToken {
            word: w.into(),
            lemma: l.into(),
            tag: tag.into(),
            head,
            rel: rel.into(),
        };
        // Real Frog output shape: "in Den_Haag begrijpen" with Den_Haag as one unit.
        let f = vec![
            t("in", "in", "VZ(init)", 2, "mod"),
            t(
                "Den_Haag",
                "Den_Haag",
                "SPEC(deeleigen)_SPEC(deeleigen)",
                1,
                "obj1",
            ),
            t("begrijpen", "begrijpen", "WW(inf,vrij,zonder)", 0, "ROOT"),
        ];
        let e = expand(&f, &["in", "Den", "Haag", "begrijpen"]).unwrap();
        assert_eq!(e.len(), 4);
        assert_eq!((e[0].head, e[1].head, e[2].head, e[3].head), (2, 1, 2, 0));
        assert_eq!(
            (e[1].word.as_str(), e[2].rel.as_str(), e[2].tag.as_str()),
            ("Den", "flat", "SPEC(deeleigen)")
        );
        assert!(expand(&f, &["in", "Den", "Haag"]).is_none());
        assert!(expand(&f, &["in", "Den", "Hague", "begrijpen"]).is_none());
    }

    /// Runs the real program; `cargo test -- --ignored` where Frog is installed.
    #[test]
    #[ignore = "needs the frog program (Debian: frog frogdata uctodata)"]
    fn frog_annotates_our_tokens() {
        use crate::import::text::parse_transcript_raw;
        use crate::tokenise::Lang;
        let mut texts = vec![parse_transcript_raw(
            std::path::Path::new("w"),
            "Ann (x): De wet wordt aangenomen. Wij moeten de overheid vertrouwen.",
            "w",
            Lang::Nl,
            None,
        )
        .unwrap()];
        annotate(&mut texts).unwrap();
        let toks: Vec<&Token> = texts[0].tokens().collect();
        assert_eq!(toks.len(), 11);
        assert_eq!(toks[2].upos.as_deref(), Some("AUX"));
        assert_eq!(toks[3].feats.as_deref(), Some("VerbForm=Part"));
        assert_eq!(toks[3].lemma.as_deref(), Some("aannemen"));
    }
}
