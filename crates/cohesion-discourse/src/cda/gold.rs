//! Precision and recall of markers against gold annotation in a UD corpus (CoNLL-U import).
//!
//! Gold definitions (CGN XPOS tags as used by UD_Dutch-Alpino/LassySmall; UD relations):
//! * `pron_1pl`: a personal, possessive or reflexive pronoun (`VNW|pers|…`, `VNW|bez|…`,
//!   `VNW|pr|…`, `VNW|refl|…`) with person `1` and number `mv`;
//! * `pron_3pl`: the same with person `3`, `3p`, `3v`, `3m` and number `mv`;
//! * `modal`: lemma moeten, kunnen, mogen, zullen, hoeven or dienen;
//! * `agentless_passive`: a token with relation `aux:pass` whose head has no `obl:agent`
//!   dependent (the unit is the passive auxiliary, which is where the marker reports a hit).

use super::markers::{hits, Marker};
use crate::index::open::Corpus;
use cohesion_io::{Error, Result, Table};
use std::collections::HashSet;

fn pronoun(xpos: &str, persons: &[&str]) -> bool {
    let f: Vec<&str> = xpos.split('|').collect();
    f.first() == Some(&"VNW")
        && f.get(1)
            .is_some_and(|t| matches!(*t, "pers" | "bez" | "pr" | "refl"))
        && f.iter().any(|x| persons.contains(x))
        && f.contains(&"mv")
}

/// Gold positions for a gold definition name.
pub fn gold_positions(c: &Corpus, gold: &str) -> Result<HashSet<u32>> {
    let need = |a: &str| {
        c.attr(a)
            .map_err(|e| e.context(format!("gold `{gold}` needs UD annotation")))
    };
    let n = c.len();
    Ok(match gold {
        "pron_1pl" => {
            let x = need("xpos")?;
            (0..n).filter(|&p| pronoun(x.at(p), &["1"])).collect()
        }
        "pron_3pl" => {
            let x = need("xpos")?;
            (0..n)
                .filter(|&p| pronoun(x.at(p), &["3", "3p", "3v", "3m"]))
                .collect()
        }
        "modal" => {
            let l = need("lemma")?;
            (0..n)
                .filter(|&p| {
                    matches!(
                        l.at(p),
                        "moeten" | "kunnen" | "mogen" | "zullen" | "hoeven" | "dienen"
                    )
                })
                .collect()
        }
        "agentless_passive" => {
            let d = need("deprel")?;
            let with_agent: HashSet<u32> = (0..n)
                .filter(|&p| d.at(p) == "obl:agent")
                .filter_map(|p| c.head(p))
                .collect();
            (0..n)
                .filter(|&p| {
                    d.at(p) == "aux:pass" && c.head(p).is_some_and(|h| !with_agent.contains(&h))
                })
                .collect()
        }
        other => {
            return Err(Error::input(format!(
                "unknown gold definition `{other}` (pron_1pl, pron_3pl, modal, agentless_passive)"
            )))
        }
    })
}

/// One row per marker with a `gold` and per variant: `words` (word level only) and, when
/// the corpus has POS and features, `pos` (using them).
pub fn evaluate(c: &Corpus, markers: &[Marker]) -> Result<Table> {
    let mut t = Table::new([
        "marker",
        "variant",
        "gold",
        "tp",
        "fp",
        "fn",
        "precision",
        "recall",
        "f1",
    ]);
    let annotated = c.has_attr("pos") && c.has_attr("feats");
    for m in markers {
        let Some(g) = &m.gold else { continue };
        let gold = gold_positions(c, g)?;
        let variants: &[(&str, bool)] = if annotated {
            &[("words", false), ("pos", true)]
        } else {
            &[("words", false)]
        };
        for &(name, use_ann) in variants {
            let pred: HashSet<u32> = hits(c, m, use_ann)?.into_iter().collect();
            let tp = pred.intersection(&gold).count();
            let (fp, fn_) = (pred.len() - tp, gold.len() - tp);
            let p = tp as f64 / pred.len() as f64;
            let r = tp as f64 / gold.len() as f64;
            let f1 = if p + r > 0.0 {
                2.0 * p * r / (p + r)
            } else {
                0.0
            };
            t.push(vec![
                m.name.clone().into(),
                name.into(),
                g.clone().into(),
                tp.into(),
                fp.into(),
                fn_.into(),
                p.into(),
                r.into(),
                f1.into(),
            ]);
        }
    }
    Ok(t)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cda::markers::Markers;
    use crate::testutil::conllu;
    use cohesion_io::Cell;

    // "Ze worden gecontroleerd door de staat. Ze wordt gecontroleerd. Ze loopt."
    const SRC: &str = "1\tZe\tze\tPRON\tVNW|pers|pron|stan|red|3|mv\t_\t3\tnsubj:pass\t_\t_\n2\tworden\tworden\tAUX\tWW|pv|tgw|mv\tNumber=Plur|VerbForm=Fin\t3\taux:pass\t_\t_\n3\tgecontroleerd\tcontroleren\tVERB\tWW|vd|vrij|zonder\tVerbForm=Part\t0\troot\t_\t_\n4\tdoor\tdoor\tADP\tVZ|init\t_\t6\tcase\t_\t_\n5\tde\tde\tDET\tLID|bep|stan|rest\t_\t6\tdet\t_\t_\n6\tstaat\tstaat\tNOUN\tN|soort|ev|basis|zijd|stan\t_\t3\tobl:agent\t_\t_\n7\t.\t.\tPUNCT\tLET\t_\t3\tpunct\t_\t_\n\n1\tZe\tze\tPRON\tVNW|pers|pron|stan|red|3|ev|fem\t_\t3\tnsubj:pass\t_\t_\n2\twordt\tworden\tAUX\tWW|pv|tgw|met-t\tNumber=Sing|VerbForm=Fin\t3\taux:pass\t_\t_\n3\tgecontroleerd\tcontroleren\tVERB\tWW|vd|vrij|zonder\tVerbForm=Part\t0\troot\t_\t_\n4\t.\t.\tPUNCT\tLET\t_\t3\tpunct\t_\t_\n";

    #[test]
    fn gold_sets_and_scores() {
        let (c, dir) = conllu(SRC);
        assert_eq!(gold_positions(&c, "pron_3pl").unwrap(), HashSet::from([0]));
        assert_eq!(
            gold_positions(&c, "agentless_passive").unwrap(),
            HashSet::from([8])
        );
        let m = Markers::load(None).unwrap();
        let t = evaluate(&c, &m.marker).unwrap();
        let row = |name: &str, variant: &str| {
            t.rows
                .iter()
                .find(|r| r[0] == name.into() && r[1] == variant.into())
                .unwrap()
                .clone()
        };
        // words: both `ze` counted → tp 1, fp 1; pos: agreement drops the singular one.
        assert_eq!(row("they", "words")[6], Cell::Float(0.5));
        assert_eq!(row("they", "pos")[6], Cell::Float(1.0));
        assert_eq!(row("agentless_passive", "pos")[3], Cell::Int(1));
        assert_eq!(row("agentless_passive", "pos")[4], Cell::Int(0));
        std::fs::remove_dir_all(dir).unwrap();
    }
}
