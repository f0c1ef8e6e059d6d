//! The consistent scenarios of a cross-impact balance matrix, for the report: loaded with
//! `cohesion_cib::load`, found by the engine's branch-and-bound search, shown as a table with
//! the named futures each one matches.

use crate::html::{badge, footnote, Basis};
use crate::svg::escape;
use cohesion_cib::{Algorithm, Engine};
use cohesion_io::{Error, Result};
use std::fmt::Write;
use std::path::Path;

/// Spaces beyond this are left to `cohesion cib` (with its Monte Carlo mode and progress).
const MAX_SPACE: u128 = 1_000_000_000;
/// Rows shown; the rest are counted.
const MAX_ROWS: usize = 40;

/// The section's HTML and, when the matrix is reconstructed, the footnote for its badge.
pub fn section(path: &Path) -> Result<(String, Option<String>)> {
    let cib = cohesion_cib::load(path, (-3, 3))?;
    let space = cib.scenario_count();
    if space > MAX_SPACE {
        return Err(Error::input(format!(
            "{}: {space} scenarios is too many for the report (at most {MAX_SPACE}); \
             analyse it with `cohesion cib` and report a smaller matrix",
            path.display()
        )));
    }
    let found = Engine::new(&cib, &[], 0).search(Algorithm::BranchAndBound);
    let reconstructed = cib.provenance.as_deref() == Some("reconstructed");
    let mut s = String::new();
    let _ = write!(
        s,
        "<p>{}{} descriptors, {space} possible combinations of their variants; {} of them are <em>consistent</em>: no descriptor would rather take another variant, given the influences of all the others (Weimer-Jehle's cross-impact balance). Ordered by total impact score, the strength with which the scenario holds itself together.</p>",
        cib.title
            .as_deref()
            .map(|t| format!("<strong>{}</strong>. ", escape(t)))
            .unwrap_or_default(),
        cib.descriptors.len(),
        found.len()
    );
    if reconstructed {
        s.push_str(&badge(Basis::Judgements));
    }
    if found.is_empty() {
        s.push_str("<p>This matrix has no consistent scenario.</p>");
    } else {
        s.push_str("<div class=\"wide\"><table><thead><tr><th class=\"num\">#</th>");
        for d in &cib.descriptors {
            let _ = write!(s, "<th>{}</th>", escape(&d.name.replace('_', " ")));
        }
        s.push_str("<th class=\"num\">TIS</th><th>matches future</th></tr></thead><tbody>");
        let scale = cib.scale.max(1) as f64;
        for (k, f) in found.iter().take(MAX_ROWS).enumerate() {
            let _ = write!(s, "<tr><td class=\"num\">{}</td>", k + 1);
            for (d, &v) in cib.descriptors.iter().zip(&f.scenario) {
                let _ = write!(s, "<td>{}</td>", escape(&d.variants[v as usize]));
            }
            let _ = write!(
                s,
                "<td class=\"num\">{}</td><td>{}</td></tr>",
                f.tis as f64 / scale,
                escape(&cib.futures_of(&f.scenario).join(", "))
            );
        }
        s.push_str("</tbody></table></div>");
        if found.len() > MAX_ROWS {
            let _ = write!(
                s,
                "<p>… and {} more (`cohesion cib` lists them all).</p>",
                found.len() - MAX_ROWS
            );
        }
    }
    let note = reconstructed.then(|| {
        footnote(
            Basis::Judgements,
            &format!(
                "The cross-impact judgements in {} are marked provenance = \"reconstructed\": argued from the study's text and the literature, not scored by a workshop.",
                path.display()
            ),
        )
    });
    Ok((s, note))
}
