//! A discourse excerpt for the report: a concordance (KWIC) of the query and, when the
//! corpus has speaker metadata to split on, the keywords of one subcorpus against the rest.
//! All counting is `cohesion_discourse`'s; this module picks the split and shapes the HTML.

use crate::html;
use crate::svg::escape;
use cohesion_discourse::index::open::Corpus;
use cohesion_discourse::ops::keyness::{self, KeynessOptions, Reference};
use cohesion_discourse::ops::kwic::{self, KwicOptions, Sort};
use cohesion_discourse::subcorpus::Spans;
use cohesion_io::{Cell, Result, Table};
use std::fmt::Write;
use std::path::Path;

/// Concordance lines shown.
const KWIC_LINES: usize = 20;
/// Keywords shown.
const KEYWORDS: usize = 15;
/// Metadata tried, in order, for an automatic keyness split.
const SPLIT_ON: &[&str] = &["party", "group", "role"];

/// A bare word becomes a case-insensitive token query; anything else is CQP as written.
pub fn cqp_of(query: &str) -> String {
    let word = !query.is_empty()
        && query
            .chars()
            .all(|c| c.is_alphanumeric() || c == '-' || c == '\'');
    if word {
        format!("[lower=\"{}\"]", query.to_lowercase())
    } else {
        query.to_string()
    }
}

/// The utterance attribute and value with the most tokens, for `SPLIT_ON` in order: the
/// first attribute with at least two values gives `ATTR=VALUE` (its largest value) against
/// the rest.
fn automatic_target(c: &Corpus) -> Option<String> {
    let u = c.structure("u").ok()?;
    for attr in SPLIT_ON {
        if !u.has_column(attr) {
            continue;
        }
        let mut sizes: std::collections::BTreeMap<String, u64> = Default::default();
        for i in 0..u.len() {
            let v = u.value(i, attr).ok()?;
            if !v.is_empty() {
                let (a, b) = u.span(i);
                *sizes.entry(v.to_string()).or_default() += (b - a) as u64;
            }
        }
        if sizes.len() >= 2 {
            let (v, _) = sizes
                .iter()
                .max_by(|a, b| a.1.cmp(b.1).then(b.0.cmp(a.0)))?;
            return Some(format!("{attr}={v}"));
        }
    }
    None
}

fn column(t: &Table, name: &str) -> Option<usize> {
    t.columns.iter().position(|c| c == name)
}

pub fn section(dir: &Path, query: &str, target: Option<&str>) -> Result<String> {
    let c = Corpus::open(dir)?;
    let cqp = cqp_of(query);
    let (t, total) = kwic::kwic(
        &c,
        &cqp,
        &KwicOptions {
            window: 8,
            sort: Sort::None,
            page: 1,
            page_size: KWIC_LINES,
            strategy: Default::default(),
        },
    )?;
    let mut s = String::new();
    let _ = write!(
        s,
        "<p>Corpus <code>{}</code>: {} tokens. A concordance shows each use of <code>{}</code> in its context, so a reader can see how the word is used, not only how often.</p>",
        escape(&dir.display().to_string()),
        c.len(),
        escape(&cqp)
    );
    let shown = t.rows.len();
    let _ = write!(
        s,
        "<h3>Concordance</h3><p>{}</p>",
        match total {
            Some(n) => format!("{n} hits; the first {shown} shown."),
            None => format!("The first {shown} hits shown; more follow."),
        }
    );
    if shown > 0 {
        let get =
            |row: &[Cell], name: &str| column(&t, name).map_or_else(String::new, |j| row[j].text());
        s.push_str("<table class=\"kwic\"><thead><tr><th>text</th><th>speaker</th><th class=\"num\">left</th><th>match</th><th>right</th></tr></thead><tbody>");
        for row in &t.rows {
            let _ = write!(
                s,
                "<tr><td>{}</td><td>{}</td><td class=\"kwic-left\">{}</td><td class=\"kwic-match\">{}</td><td>{}</td></tr>",
                escape(&get(row, "text")),
                escape(&get(row, "speaker")),
                escape(&get(row, "left")),
                escape(&get(row, "match")),
                escape(&get(row, "right"))
            );
        }
        s.push_str("</tbody></table>");
    }
    let target = match target {
        Some(t) => Some(t.to_string()),
        None => automatic_target(&c),
    };
    match target {
        None => s.push_str("<p>No keyness table: the corpus has no speaker metadata (party, group or role) with two or more values to compare.</p>"),
        Some(spec) => {
            let tspans = Spans::select(&c, &spec)?;
            let reference = Reference::Spans(tspans.complement(&c));
            let k = keyness::keyness(
                &c,
                &tspans,
                &reference,
                &KeynessOptions {
                    top: Some(KEYWORDS),
                    ..KeynessOptions::default()
                },
            )?;
            let _ = write!(
                s,
                "<h3>Keywords of <code>{}</code> against the rest</h3><p>Words used markedly more in this part of the corpus: log-likelihood G² (p &lt; 0.05, at least 3 uses) and the log ratio, the binary logarithm of the ratio of relative frequencies (1 = twice as often).</p>",
                escape(&spec)
            );
            if k.rows.is_empty() {
                s.push_str("<p>No word passes the filters.</p>");
            } else {
                let keep = ["type", "freq_target", "freq_reference", "log_likelihood", "log_ratio"];
                let mut small = Table::new(keep);
                let idx: Vec<Option<usize>> = keep.iter().map(|n| column(&k, n)).collect();
                for row in &k.rows {
                    small.push(idx.iter().map(|j| j.map_or(Cell::Empty, |j| row[j].clone())).collect());
                }
                s.push_str(&html::table(
                    &small,
                    Some(&["word", "uses here", "uses elsewhere", "G²", "log ratio"]),
                    2,
                ));
            }
        }
    }
    Ok(s)
}

#[cfg(test)]
mod tests {
    use super::cqp_of;

    #[test]
    fn bare_words_become_token_queries() {
        assert_eq!(cqp_of("Vertrouwen"), "[lower=\"vertrouwen\"]");
        assert_eq!(cqp_of("e-mail"), "[lower=\"e-mail\"]");
        assert_eq!(cqp_of("[lemma=\"zijn\"]"), "[lemma=\"zijn\"]");
        assert_eq!(cqp_of("\"overheid\""), "\"overheid\"");
    }
}
