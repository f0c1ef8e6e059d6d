//! The page around the sections: inline CSS for screen and print, provenance badges and
//! their footnotes, and `cohesion_io::Table`s as HTML tables. All text is escaped here or
//! by the caller with [`crate::svg::escape`].

use crate::svg::escape;
use cohesion_io::{Cell, Table};
use std::fmt::Write;

/// What a chart or table rests on that is our reconstruction rather than the study's own.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Basis {
    /// Futures' force values, the force→parameter mapping and the policy packages.
    Presets,
    /// Cross-impact judgements of a CIB matrix marked `provenance = "reconstructed"`.
    Judgements,
}

impl Basis {
    fn anchor(self) -> &'static str {
        match self {
            Basis::Presets => "fn-presets",
            Basis::Judgements => "fn-judgements",
        }
    }

    fn number(self) -> u8 {
        match self {
            Basis::Presets => 1,
            Basis::Judgements => 2,
        }
    }

    fn label(self) -> &'static str {
        match self {
            Basis::Presets => "rests on reconstructed presets",
            Basis::Judgements => "rests on reconstructed judgements",
        }
    }
}

/// The visible mark on a chart or table, linked to its footnote.
pub fn badge(basis: Basis) -> String {
    format!(
        r##"<span class="badge" data-provenance="reconstructed">{}<sup><a href="#{}">{}</a></sup></span>"##,
        basis.label(),
        basis.anchor(),
        basis.number()
    )
}

/// The footnote a badge points to; `text` is escaped.
pub fn footnote(basis: Basis, text: &str) -> String {
    format!(
        r#"<p class="footnote" id="{}"><sup>{}</sup> {}</p>"#,
        basis.anchor(),
        basis.number(),
        escape(text)
    )
}

pub const STYLE: &str = "\
body{font-family:Georgia,'Times New Roman',serif;max-width:1100px;margin:1.5em auto;padding:0 1em;color:#222;line-height:1.45}\
h1,h2,h3,.title,figcaption,table,.badge{font-family:system-ui,'Segoe UI',Arial,sans-serif}\
h2{border-bottom:2px solid #333;padding-bottom:.2em;margin-top:2em}\
figure.chart{display:inline-block;vertical-align:top;margin:.4em;width:520px;max-width:100%}\
figure.chart svg{width:100%;height:auto;border:1px solid #eee;overflow:visible}\
figcaption{font-size:12px;color:#444}\
.title{font-size:13px;font-weight:600}.tick{font-size:10px;fill:#555}\
.badge{display:inline-block;font-size:11px;background:#fff4d6;border:1px solid #e0a800;border-radius:3px;padding:0 .4em;margin:.2em 0}\
.badge a{color:#805b00}\
.warn{background:#fff4d6;border-left:4px solid #e0a800;padding:.6em 1em}\
table{border-collapse:collapse;font-size:13px;margin:.6em 0}\
td,th{padding:.2em .6em;border-bottom:1px solid #ddd;text-align:left;vertical-align:top}\
td.num,th.num{text-align:right;font-variant-numeric:tabular-nums}\
td.kwic-left{text-align:right;white-space:nowrap}td.kwic-match{font-weight:bold;text-align:center}\
.key span{display:inline-block;margin-right:1.2em}.swatch{display:inline-block;width:14px;height:10px;margin-right:.3em;vertical-align:middle}\
.footnote{font-size:12px;color:#444}\
@media print{\
body{max-width:none;margin:0;font-size:11pt}\
section{break-before:page}section:first-of-type{break-before:auto}\
figure.chart{break-inside:avoid;width:48%}\
table,.box{break-inside:avoid}\
.wide table{font-size:7.5pt;max-width:100%}.wide td,.wide th{padding:.1em .25em;overflow-wrap:anywhere}\
h2,h3{break-after:avoid}\
a{color:inherit;text-decoration:none}\
}\
@page{size:A4;margin:15mm}";

/// The whole page: head with the inline stylesheet, then `body`.
pub fn page(title: &str, body: &str) -> String {
    format!(
        "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"><title>{}</title><style>{STYLE}</style></head><body>{body}</body></html>\n",
        escape(title)
    )
}

/// A table too wide for a printed page at the normal size: smaller type in print, and
/// cells that may break anywhere rather than be clipped.
pub fn wide(table_html: &str) -> String {
    format!("<div class=\"wide\">{table_html}</div>")
}

/// A number for a reader: `digits` decimals, `–` when missing.
pub fn number(v: f64, digits: usize) -> String {
    if v.is_finite() {
        format!("{v:.digits$}")
    } else if v.is_infinite() {
        if v > 0.0 { "∞" } else { "−∞" }.into()
    } else {
        "–".into()
    }
}

/// A table as HTML; `headers` replaces the column names when given (same length).
pub fn table(t: &Table, headers: Option<&[&str]>, digits: usize) -> String {
    let mut s = String::from("<table><thead><tr>");
    let numeric: Vec<bool> = (0..t.columns.len())
        .map(|j| {
            !t.rows.is_empty()
                && t.rows
                    .iter()
                    .all(|r| matches!(r[j], Cell::Int(_) | Cell::Float(_) | Cell::Empty))
        })
        .collect();
    for (j, c) in t.columns.iter().enumerate() {
        let name = headers.and_then(|h| h.get(j).copied()).unwrap_or(c);
        let class = if numeric[j] { " class=\"num\"" } else { "" };
        let _ = write!(s, "<th{class}>{}</th>", escape(name));
    }
    s.push_str("</tr></thead><tbody>");
    for row in &t.rows {
        s.push_str("<tr>");
        for (j, cell) in row.iter().enumerate() {
            let text = match cell {
                Cell::Float(v) => number(*v, digits),
                other => other.text(),
            };
            let class = if numeric[j] { " class=\"num\"" } else { "" };
            let _ = write!(s, "<td{class}>{}</td>", escape(&text));
        }
        s.push_str("</tr>");
    }
    s.push_str("</tbody></table>");
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table_escapes_cells_and_aligns_numbers() {
        let mut t = Table::new(["name", "value"]);
        t.push(vec![Cell::Str("<b>&".into()), Cell::Float(1.23456)]);
        let h = table(&t, None, 2);
        assert!(h.contains("<td>&lt;b&gt;&amp;</td>"));
        assert!(h.contains("<td class=\"num\">1.23</td>"));
        assert!(!h.contains("<b>"));
    }

    #[test]
    fn badge_links_to_its_footnote() {
        let b = badge(Basis::Judgements);
        let f = footnote(Basis::Judgements, "x");
        let target = b
            .split("href=\"#")
            .nth(1)
            .unwrap()
            .split('"')
            .next()
            .unwrap();
        assert!(f.contains(&format!("id=\"{target}\"")));
    }
}
