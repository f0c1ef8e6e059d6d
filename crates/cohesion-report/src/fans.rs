//! Fan charts: for each future, the median and 5–95 % band over the ensemble's runs of a key
//! indicator, one colour per policy package, with observed values drawn as points.

use crate::html::{badge, Basis};
use crate::svg::{escape, Frame};

use cohesion_monitor::observation::Observation;
use std::collections::BTreeMap;
use std::fmt::Write;

/// Indicators a ministry reads first, in this order, with their plain names. The report
/// shows those the experiment kept; when it kept none of them, its own first six.
pub const KEY_INDICATORS: &[(&str, &str)] = &[
    ("cohesion_index", "Cohesion index (50 = NL 2025)"),
    ("generalised_trust", "Trust in most people (share)"),
    ("institutional_trust", "Trust in institutions (share)"),
    ("lonely_share", "Strongly lonely (share)"),
    (
        "social_participation",
        "Volunteering or club membership (share)",
    ),
    ("volunteering", "Volunteering (share)"),
    ("income_gini", "Income inequality (Gini)"),
    ("wealth_top10_share", "Wealth share of the top 10 %"),
    (
        "basic_digital_skills",
        "At least basic digital skills (share)",
    ),
    ("cross_group_ties", "Ties across education levels (share)"),
    ("affective_distance", "Affective distance to other groups"),
];

const KEY_LIMIT: usize = 6;

pub fn label(indicator: &str) -> String {
    KEY_INDICATORS
        .iter()
        .find(|k| k.0 == indicator)
        .map_or_else(|| indicator.replace('_', " "), |k| k.1.to_string())
}

/// One colour per package, in the experiment's package order.
pub const PACKAGE_COLOURS: &[&str] = &[
    "#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#8c564b", "#17becf", "#7f7f7f",
];

pub fn package_colour(i: usize) -> &'static str {
    PACKAGE_COLOURS[i % PACKAGE_COLOURS.len()]
}

pub use cohesion_experiment::analysis::Band;

/// The (indicator, group) series to chart: key indicators kept in `all` (else their first
/// kept group), at most six.
pub fn key_series(kept: &[(String, String)]) -> Vec<(String, String)> {
    let pick = |ind: &str| {
        kept.iter()
            .find(|(i, g)| i == ind && g == "all")
            .or_else(|| kept.iter().find(|(i, _)| i == ind))
            .cloned()
    };
    let mut out: Vec<(String, String)> = KEY_INDICATORS.iter().filter_map(|k| pick(k.0)).collect();
    if out.is_empty() {
        let mut seen = Vec::new();
        for (i, _) in kept {
            if !seen.contains(i) {
                seen.push(i.clone());
            }
        }
        out = seen.iter().filter_map(|i| pick(i)).collect();
    }
    out.truncate(KEY_LIMIT);
    out
}

/// One package's fan in a chart.
pub struct Fan<'a> {
    pub label: &'a str,
    pub colour: &'a str,
    /// (year, p5, median, p95)
    pub rows: Vec<(f64, f64, f64, f64)>,
}

/// A chart of fans and observed points, as a `<figure class="chart">`. The figure carries
/// how many fans and points it drew (`data-fans`, `data-observations`) so a browser test can
/// compare them with the marks it finds.
pub fn chart(
    title: &str,
    fans: &[Fan],
    observed: &[&Observation],
    start_year: i32,
    basis: Option<Basis>,
    kind: &str,
) -> String {
    let mut all = Vec::new();
    for fan in fans {
        for r in &fan.rows {
            all.extend([(r.0, r.1), (r.0, r.2), (r.0, r.3)]);
        }
    }
    for o in observed {
        all.push((o.year as f64, o.value));
        if let (Some(lo), Some(hi)) = (o.lower, o.upper) {
            all.extend([(o.year as f64, lo), (o.year as f64, hi)]);
        }
    }
    let Some(frame) = Frame::fitting(all) else {
        return String::new();
    };
    let drawn = fans
        .iter()
        .filter(|f| f.rows.iter().any(|r| r.2.is_finite()))
        .count();
    let mut s = String::new();
    let _ = write!(
        s,
        r#"<figure class="chart" data-kind="{}" data-fans="{drawn}" data-observations="{}">"#,
        escape(kind),
        observed.len()
    );
    frame.open(title, &mut s);
    frame.vertical(start_year as f64, &mut s);
    for fan in fans {
        let band: Vec<(f64, f64, f64)> = fan.rows.iter().map(|r| (r.0, r.1, r.3)).collect();
        frame.band(
            &band,
            fan.colour,
            &format!("{}: 5–95 % of runs", fan.label),
            &mut s,
        );
    }
    for fan in fans {
        let line: Vec<(f64, f64)> = fan.rows.iter().map(|r| (r.0, r.2)).collect();
        frame.line(
            &line,
            fan.colour,
            false,
            &format!("{}: median", fan.label),
            &mut s,
        );
    }
    for o in observed {
        let interval = o.lower.zip(o.upper);
        let tip = format!(
            "observed {} {}: {} ({})",
            o.indicator,
            o.year,
            crate::html::number(o.value, 3),
            o.source
        );
        frame.point(o.year as f64, o.value, interval, &tip, &mut s);
    }
    Frame::close(&mut s);
    s.push_str("<figcaption class=\"key\">");
    for fan in fans {
        let _ = write!(
            s,
            r#"<span><i class="swatch" style="background:{}"></i>{}</span>"#,
            fan.colour,
            escape(fan.label)
        );
    }
    if !observed.is_empty() {
        s.push_str("<span>● observed (with 95 % interval)</span>");
    }
    if let Some(b) = basis {
        s.push_str(&badge(b));
    }
    s.push_str("</figcaption></figure>\n");
    s
}

/// Bands grouped by (future, indicator, group) → package → rows in year order.
pub type Grouped<'a> = BTreeMap<(&'a str, &'a str, &'a str), BTreeMap<&'a str, Vec<&'a Band>>>;

pub fn group(bands: &[Band]) -> Grouped<'_> {
    let mut g: Grouped = BTreeMap::new();
    for b in bands {
        g.entry((&b.future, &b.indicator, &b.group))
            .or_default()
            .entry(&b.package)
            .or_default()
            .push(b);
    }
    g
}

/// The fan-chart section: one chart per future and key series.
pub fn section(
    bands: &[Band],
    futures: &[(String, String)],
    packages: &[String],
    series: &[(String, String)],
    observed: &[Observation],
    start_year: i32,
) -> String {
    let grouped = group(bands);
    let mut s = String::new();
    for (ind, grp) in series {
        let obs: Vec<&Observation> = observed
            .iter()
            .filter(|o| &o.indicator == ind && &o.group == grp)
            .collect();
        let what = if grp == "all" {
            label(ind)
        } else {
            format!("{} — {}", label(ind), grp)
        };
        let _ = write!(s, "<h3>{}</h3>", escape(&what));
        if obs.is_empty() {
            s.push_str("<p class=\"footnote\">No observed series for this indicator.</p>");
        }
        for (name, future_label) in futures {
            let Some(by_package) = grouped.get(&(name.as_str(), ind.as_str(), grp.as_str())) else {
                continue;
            };
            let fans: Vec<Fan> = packages
                .iter()
                .enumerate()
                .filter_map(|(k, p)| {
                    by_package.get(p.as_str()).map(|rows| Fan {
                        label: p,
                        colour: package_colour(k),
                        rows: rows
                            .iter()
                            .map(|b| (b.year as f64, b.p5, b.median, b.p95))
                            .collect(),
                    })
                })
                .collect();
            s.push_str(&chart(
                future_label,
                &fans,
                &obs,
                start_year,
                Some(Basis::Presets),
                "fan",
            ));
        }
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kept(v: &[(&str, &str)]) -> Vec<(String, String)> {
        v.iter()
            .map(|(a, b)| (a.to_string(), b.to_string()))
            .collect()
    }

    #[test]
    fn key_series_prefers_key_indicators_in_all() {
        let k = kept(&[
            ("mean_ties", "all"),
            ("lonely_share", "edu_low"),
            ("cohesion_index", "edu_low"),
            ("cohesion_index", "all"),
        ]);
        assert_eq!(
            key_series(&k),
            kept(&[("cohesion_index", "all"), ("lonely_share", "edu_low")])
        );
        let other = kept(&[("mean_ties", "top1"), ("waves", "all")]);
        assert_eq!(key_series(&other), other);
    }

    #[test]
    fn chart_counts_what_it_draws() {
        let fans = [Fan {
            label: "broad",
            colour: "#000",
            rows: vec![(2025.0, 1.0, 2.0, 3.0), (2026.0, 1.5, 2.5, 3.5)],
        }];
        let o = Observation {
            indicator: "x".into(),
            group: "all".into(),
            year: 2024,
            value: 2.2,
            lower: Some(2.0),
            upper: Some(2.4),
            se: None,
            se_basis: String::new(),
            flag: String::new(),
            table: String::new(),
            source: "<src>".into(),
            retrieved: String::new(),
            file: String::new(),
            line: 1,
            url: String::new(),
        };
        let h = chart("t", &fans, &[&o], 2025, Some(Basis::Presets), "fan");
        assert!(h.contains("data-fans=\"1\" data-observations=\"1\""));
        assert_eq!(h.matches("<path class=\"band\"").count(), 1);
        assert_eq!(h.matches("<path class=\"line\"").count(), 1);
        assert_eq!(h.matches("<circle class=\"obs\"").count(), 1);
        assert!(h.contains("&lt;src&gt;") && !h.contains("<src>"));
        assert!(h.contains("data-provenance=\"reconstructed\""));
    }
}
