//! "Who must": the grammatical subjects of modal verbs, from a dependency parse (UD, or Frog
//! with its relations renamed). In UD the modal is an `aux` of the main verb and the subject
//! hangs from the main verb; in Frog's Alpino-style trees the modal heads the clause and the
//! subject hangs from it. Both are covered by looking at the modal's clause head.

use crate::index::open::Corpus;
use cohesion_io::{Result, Table};
use std::collections::BTreeMap;

/// Modal lemmas whose subjects are counted.
pub const MODALS: &[&str] = &[
    "moeten", "hoeven", "mogen", "kunnen", "zullen", "dienen", "must", "should",
];

/// Subjects (lower-cased words) of each modal lemma, most frequent first. Empty without a parse.
pub fn who_must(c: &Corpus) -> Result<Table> {
    let mut t = Table::new(["modal", "subject", "count"]);
    let (Ok(lemma), Ok(deprel), Ok(lower)) = (c.attr("lemma"), c.attr("deprel"), c.attr("lower"))
    else {
        t.notes.push(
            "no lemma and dependency parse in this corpus: import CoNLL-U or use --annotate frog"
                .into(),
        );
        return Ok(t);
    };
    let s = c.structure("s")?;
    let mut counts: BTreeMap<(String, String), i64> = BTreeMap::new();
    for m in MODALS {
        let Some(id) = lemma.id_of(m) else { continue };
        for &p in lemma.postings(id) {
            let clause = if deprel.at(p) == "aux" {
                c.head(p).unwrap_or(p)
            } else {
                p
            };
            let (lo, hi) = s.find(p).map(|i| s.span(i)).unwrap_or((p, p + 1));
            for q in lo..hi {
                if c.head(q) == Some(clause) && deprel.at(q).starts_with("nsubj") {
                    *counts
                        .entry((m.to_string(), lower.at(q).to_string()))
                        .or_default() += 1;
                }
            }
        }
    }
    let mut rows: Vec<((String, String), i64)> = counts.into_iter().collect();
    rows.sort_by(|a, b| {
        a.0 .0
            .cmp(&b.0 .0)
            .then(b.1.cmp(&a.1))
            .then(a.0 .1.cmp(&b.0 .1))
    });
    for ((m, subj), n) in rows {
        t.push(vec![m.into(), subj.into(), n.into()]);
    }
    Ok(t)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testutil::{conllu, transcripts};
    use cohesion_io::Cell;

    #[test]
    fn subjects_of_modals_in_ud_and_frog_style_trees() {
        // UD: "De overheid moet betalen" (moet = aux of betalen, subject on betalen);
        // Frog-style: "Burgers moeten kiezen" with the modal as head and the subject on it.
        let src = "1\tDe\tde\tDET\t_\t_\t2\tdet\t_\t_\n2\toverheid\toverheid\tNOUN\t_\t_\t4\tnsubj\t_\t_\n3\tmoet\tmoeten\tAUX\t_\t_\t4\taux\t_\t_\n4\tbetalen\tbetalen\tVERB\t_\t_\t0\troot\t_\t_\n\n1\tBurgers\tburger\tNOUN\t_\t_\t2\tnsubj\t_\t_\n2\tmoeten\tmoeten\tAUX\t_\t_\t0\troot\t_\t_\n3\tkiezen\tkiezen\tVERB\t_\t_\t2\tvc\t_\t_\n";
        let (c, dir) = conllu(src);
        let t = who_must(&c).unwrap();
        assert_eq!(t.rows.len(), 2);
        assert_eq!(
            t.rows[0],
            vec![Cell::from("moeten"), Cell::from("burgers"), Cell::Int(1)]
        );
        assert_eq!(t.rows[1][1], Cell::from("overheid"));
        std::fs::remove_dir_all(dir).unwrap();
        let (plain, dir) = transcripts(&[("a", "A (x): wij moeten")]);
        let t = who_must(&plain).unwrap();
        assert!(t.rows.is_empty() && !t.notes.is_empty());
        std::fs::remove_dir_all(dir).unwrap();
    }
}
