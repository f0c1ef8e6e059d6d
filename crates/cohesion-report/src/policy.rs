//! Which package holds up whatever future comes: the policy × future table, regret and
//! satisficing per package, and PRIM's boxes in words. The numbers come from
//! `cohesion_experiment::analysis`; this module chooses the defaults a report needs (the
//! bound X of "cohesion falls below X") and puts the results into sentences and tables.

use crate::html::{self, badge, Basis};
use crate::svg::escape;
use cohesion_experiment::analysis::{self, PrimOptions, RobustnessOptions};
use cohesion_experiment::results::Results;
use cohesion_explore::robustness::Direction;
use cohesion_explore::stats::percentile;
use cohesion_io::{Cell, Result, Table};
use std::fmt::Write;

pub struct PolicyOptions {
    /// `indicator:group:WHEN`; default the experiment's first kept series, final year.
    pub outcome: Option<String>,
    /// More of the outcome is better (`Maximise`) or worse.
    pub direction: Direction,
    /// The bound X of "outcome falls below X" (PRIM) and of the default satisficing
    /// threshold; default the 25th percentile over runs (75th when less is better).
    pub bound: Option<f64>,
    /// Satisficing thresholds (`outcome>=b`); default `outcome>=X` (or `<=X`).
    pub thresholds: Vec<String>,
}

fn text_of(t: &Table, row: &[Cell], col: &str) -> String {
    t.columns
        .iter()
        .position(|c| c == col)
        .map_or_else(String::new, |j| row[j].text())
}

fn num_of(t: &Table, row: &[Cell], col: &str) -> f64 {
    match t.columns.iter().position(|c| c == col).map(|j| &row[j]) {
        Some(Cell::Float(v)) => *v,
        Some(Cell::Int(v)) => *v as f64,
        _ => f64::NAN,
    }
}

/// The section's HTML (robustness table, policy × future table, PRIM).
pub fn section(r: &Results, o: &PolicyOptions) -> Result<String> {
    let scalar = r.scalar(o.outcome.as_deref())?;
    let values: Vec<f64> = r
        .values(&scalar)
        .into_iter()
        .filter(|v| v.is_finite())
        .collect();
    let maximise = o.direction == Direction::Maximise;
    let bound = o
        .bound
        .unwrap_or_else(|| round_sig(percentile(&values, if maximise { 25.0 } else { 75.0 }), 4));
    let cmp = if maximise { ">=" } else { "<=" };
    let thresholds = if o.thresholds.is_empty() {
        vec![format!("{}{cmp}{bound}", scalar.name)]
    } else {
        o.thresholds.clone()
    };
    let rob = analysis::robustness(
        r,
        &RobustnessOptions {
            outcome: Some(&scalar.name),
            direction: o.direction,
            percentile: 90.0,
            reference_future: None,
            thresholds: thresholds.clone(),
        },
    )?;
    let mut s = String::new();
    let name = escape(&scalar.name);
    let better = if maximise { "higher" } else { "lower" };
    let _ = write!(
        s,
        "<p>Outcome: <code>{name}</code> ({better} is better). X = {} ({}).</p>",
        html::number(bound, 3),
        if o.bound.is_some() {
            "given"
        } else if maximise {
            "the 25th percentile of the outcome over all runs"
        } else {
            "the 75th percentile of the outcome over all runs"
        }
    );

    // Policy × future: median outcome per cell; shading shows the gap to the best package
    // in that future (regret of the median).
    let (summary, _) = analysis::summary(r);
    let futures: Vec<&str> = r
        .experiment
        .futures
        .iter()
        .map(|f| f.name.as_str())
        .collect();
    let packages: Vec<&str> = r
        .experiment
        .packages
        .iter()
        .map(|p| p.name.as_str())
        .collect();
    let mut median = vec![vec![f64::NAN; futures.len()]; packages.len()];
    for row in &summary.rows {
        if text_of(&summary, row, "outcome") != scalar.name {
            continue;
        }
        let fi = futures
            .iter()
            .position(|f| *f == text_of(&summary, row, "future"));
        let pi = packages
            .iter()
            .position(|p| *p == text_of(&summary, row, "package"));
        if let (Some(fi), Some(pi)) = (fi, pi) {
            median[pi][fi] = num_of(&summary, row, "median");
        }
    }
    let best: Vec<f64> = (0..futures.len())
        .map(|fi| {
            let col = median.iter().map(|m| m[fi]).filter(|v| v.is_finite());
            if maximise {
                col.fold(f64::NEG_INFINITY, f64::max)
            } else {
                col.fold(f64::INFINITY, f64::min)
            }
        })
        .collect();
    let spread = median
        .iter()
        .flat_map(|m| m.iter().zip(&best).map(|(v, b)| (b - v).abs()))
        .filter(|v| v.is_finite())
        .fold(0.0f64, f64::max);
    let _ = write!(
        s,
        "<h3>Policy × future {}</h3><p>Median of <code>{name}</code> over each cell's runs. The darker a cell, the further it falls behind the best package in that future (white: the best).</p><table class=\"heat\"><thead><tr><th>package</th>",
        badge(Basis::Presets)
    );
    for f in &futures {
        let _ = write!(s, "<th class=\"num\">{}</th>", escape(f));
    }
    s.push_str("</tr></thead><tbody>");
    for (pi, p) in packages.iter().enumerate() {
        let _ = write!(s, "<tr><td>{}</td>", escape(p));
        for fi in 0..futures.len() {
            let v = median[pi][fi];
            let shade = if spread > 0.0 && v.is_finite() {
                ((best[fi] - v).abs() / spread).clamp(0.0, 1.0)
            } else {
                0.0
            };
            // White to orange-red, light enough for black text.
            let (g, b) = (255.0 - 120.0 * shade, 255.0 - 190.0 * shade);
            let _ = write!(
                s,
                "<td class=\"num\" style=\"background:rgb(255,{:.0},{:.0})\">{}</td>",
                g,
                b,
                html::number(v, 2)
            );
        }
        s.push_str("</tr>");
    }
    s.push_str("</tbody></table>");

    let _ = write!(
        s,
        "<h3>Robustness per package {}</h3><p>A <em>state of the world</em> is a future with one setting of the uncertain parameters; replications are averaged first. With y(p, s) the outcome of package p in state s and s₀ the reference state (today's course at the default parameters): regret type 1 is |y(p, s) − y(p, s₀)|, how far a package's result moves away from its own result today; regret type 2 is the shortfall from the best package in the same state, max<sub>q</sub> y(q, s) − y(p, s); both are summarised by their 90th percentile, mean or maximum over states. Satisficing type 1 is the share of states in which every threshold holds ({}); satisficing type 2 is the distance from s₀ to the nearest state where a threshold fails (∞ when none fails).</p>",
        badge(Basis::Presets),
        thresholds.iter().map(|t| format!("<code>{}</code>", escape(t))).collect::<Vec<_>>().join(", ")
    );
    s.push_str(&html::wide(&html::table(&rob, None, 3)));

    let _ = write!(
        s,
        "<h3>When does it go wrong? (PRIM) {}</h3>",
        badge(Basis::Presets)
    );
    let _ = write!(
        s,
        "<p>Scenario discovery looks for simple conditions — which futures, which packages, which ranges of the uncertain parameters — under which the runs with <code>{name}</code> {} X = {} concentrate (PRIM, as the EMA Workbench runs it). <em>Covers</em>: the share of all such runs that the box holds; <em>density</em>: the share of the runs in the box that have it.</p>",
        if maximise { "below" } else { "above" },
        html::number(bound, 3)
    );
    match analysis::prim(
        r,
        &PrimOptions {
            outcome: Some(&scalar.name),
            bound,
            above: !maximise,
            options: Default::default(),
        },
    ) {
        Ok((limits, _, sentences)) => {
            s.push_str("<ul class=\"box\">");
            for line in &sentences {
                let _ = write!(s, "<li>{}</li>", escape(&plain_prim(line)));
            }
            s.push_str("</ul>");
            if !limits.rows.is_empty() {
                s.push_str(&html::table(&limits, None, 3));
            }
        }
        // No run crosses the bound: a finding to state, not a failure of the report.
        Err(e) if e.exit_code() == 2 => {
            let _ = write!(s, "<p>{}</p>", escape(e.message()));
        }
        Err(e) => return Err(e),
    }
    Ok(s)
}

/// `v` to `digits` significant digits, so a default bound reads as a number a person would
/// pick (49.23, not 49.23342016755936).
pub fn round_sig(v: f64, digits: i32) -> f64 {
    if !v.is_finite() || v == 0.0 {
        return v;
    }
    let scale = 10f64.powi(digits - 1 - v.abs().log10().floor() as i32);
    (v * scale).round() / scale
}

/// PRIM's sentence starts "box N: OUTCOME below X when …"; a reader wants the box first.
fn plain_prim(line: &str) -> String {
    match line.split_once(": ") {
        Some((head, rest)) if head.starts_with("box ") => {
            let mut t = head.to_string();
            t[..1].make_ascii_uppercase();
            format!("{t}: {rest}")
        }
        _ => line.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bounds_round_to_significant_digits() {
        assert_eq!(round_sig(49.23342016755936, 4), 49.23);
        assert_eq!(round_sig(0.0123456, 4), 0.01235);
        assert_eq!(round_sig(-1234.5, 2), -1200.0);
        assert!(round_sig(f64::NAN, 4).is_nan());
        assert_eq!(
            plain_prim("box 2: x below 1 when y"),
            "Box 2: x below 1 when y"
        );
    }
}
