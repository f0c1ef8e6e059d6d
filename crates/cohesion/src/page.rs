//! The demo's page: one self-contained HTML file with an inline SVG line chart per key
//! indicator (no scripts, no network), readable offline and printable. The chart frame is
//! `cohesion_report::svg`, shared with `cohesion report`.

use cohesion_model::{Row, RunConfig};
use cohesion_report::svg::Frame;
use std::collections::BTreeMap;
use std::fmt::Write;

pub struct Run {
    pub future: String,
    pub package: String,
    pub rows: Vec<Row>,
}

const KEY: &[(&str, &str, &str)] = &[
    (
        "all",
        "cohesion_index",
        "Cohesion index (50 = NL 2025; −10 = one sd lower)",
    ),
    (
        "all",
        "generalised_trust",
        "Generalised trust (share trusting most people)",
    ),
    (
        "all",
        "institutional_trust",
        "Trust in institutions (share)",
    ),
    ("all", "income_gini", "Income inequality (Gini)"),
    ("all", "wealth_top10_share", "Wealth share of the top 10 %"),
    (
        "all",
        "skills_gap_edu",
        "Above-basic skills: high minus low educated",
    ),
    (
        "all",
        "cross_group_ties",
        "Ties across education levels (share)",
    ),
    (
        "all",
        "top_bottom_contact",
        "Top–bottom contact (share with a tie to the other end)",
    ),
    ("all", "esteban_ray", "Opinion polarisation (Esteban–Ray)"),
    (
        "all",
        "affective_distance",
        "Affective distance to other groups",
    ),
    ("all", "lonely_share", "Strongly lonely (share)"),
    (
        "all",
        "social_participation",
        "Volunteering or club membership (share)",
    ),
    (
        "top10",
        "cross_group_ties",
        "Top 10 %: ties across education levels",
    ),
    (
        "edu_low",
        "institutional_trust",
        "Low educated: trust in institutions",
    ),
];

const COLOURS: &[(&str, &str)] = &[
    ("baseline", "#555555"),
    ("user-utopia", "#1b7837"),
    ("wild-west", "#d95f02"),
    ("big-brother", "#7570b3"),
    ("big-business", "#c51b7d"),
];

fn colour(future: &str) -> &'static str {
    COLOURS
        .iter()
        .find(|c| c.0 == future)
        .map_or("#000000", |c| c.1)
}

fn series(run: &Run, group: &str, indicator: &str) -> Vec<(i32, f64)> {
    run.rows
        .iter()
        .filter(|r| r.group == group && r.indicator == indicator && r.value.is_finite())
        .map(|r| (r.year, r.value))
        .collect()
}

fn chart(runs: &[Run], group: &str, indicator: &str, title: &str) -> String {
    let all: Vec<Vec<(i32, f64)>> = runs.iter().map(|r| series(r, group, indicator)).collect();
    let Some(frame) = Frame::fitting(all.iter().flatten().map(|&(x, y)| (x as f64, y))) else {
        return String::new();
    };
    let mut s = String::from("<figure>");
    frame.open(title, &mut s);
    for (run, ser) in runs.iter().zip(&all) {
        let pts: Vec<(f64, f64)> = ser.iter().map(|&(x, y)| (x as f64, y)).collect();
        frame.line(
            &pts,
            colour(&run.future),
            run.package == "narrow",
            &format!("{} × {}", run.future, run.package),
            &mut s,
        );
    }
    Frame::close(&mut s);
    s.push_str("</figure>\n");
    s
}

pub fn render(runs: &[Run], cfg: &RunConfig) -> String {
    let mut s = String::new();
    s.push_str("<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"><title>cohesion demo</title><style>");
    s.push_str("body{font-family:system-ui,sans-serif;max-width:1120px;margin:1.5em auto;padding:0 1em;color:#222}figure{display:inline-block;margin:.4em;width:520px;max-width:100%}svg{width:100%;height:auto;border:1px solid #eee}.title{font-size:13px;font-weight:600}.tick{font-size:10px;fill:#555}.warn{background:#fff4d6;border-left:4px solid #e0a800;padding:.6em 1em}table{border-collapse:collapse}td,th{padding:.2em .6em;border-bottom:1px solid #ddd;text-align:right}th:first-child,td:first-child{text-align:left}.key span{display:inline-block;margin-right:1.2em}.key svg{width:24px;height:10px;border:0}@media print{figure{break-inside:avoid}}");
    s.push_str("</style></head><body>");
    let _ = write!(
        s,
        "<h1>Social cohesion under digitalisation: four futures and today's course, {}–{}</h1>",
        cfg.start_year,
        cfg.start_year + cfg.years as i32
    );
    let _ = write!(s, "<p>{} agents standing for the Dutch adult population, seed {}, {} years. Each future is run under today's narrow digital-inclusion policy (dashed) and the study's broad policy at the same budget (solid). Differences between lines are findings of the model under our assumptions, not forecasts; one seed shows no spread (see <code>cohesion experiment</code> for ensembles).</p>", cfg.agents, cfg.seed, cfg.years);
    s.push_str("<p class=\"warn\"><strong>Reconstructed inputs.</strong> The futures' scores on the five driving forces, the force-to-parameter mapping and the policy costs are our reconstruction from the study's text and the literature (provenance = \"reconstructed\" in <code>data/</code>), not the study's own numbers. Every chart below rests on them.</p>");
    s.push_str("<p class=\"key\">");
    for (f, c) in COLOURS {
        let _ = write!(s, "<span><svg width=\"24\" height=\"10\" aria-hidden=\"true\"><line x1=\"0\" x2=\"24\" y1=\"5\" y2=\"5\" stroke=\"{c}\" stroke-width=\"3\"/></svg> {f}</span>");
    }
    s.push_str("<span>solid: broad · dashed: narrow</span></p>");
    for (g, ind, title) in KEY {
        s.push_str(&chart(runs, g, ind, title));
    }
    // 2050 table of the cohesion index and its gap between education levels.
    let last = cfg.start_year + cfg.years as i32;
    let mut table: BTreeMap<(String, String), (f64, f64, f64)> = BTreeMap::new();
    for r in runs {
        let v = |g: &str, i: &str| {
            r.rows
                .iter()
                .find(|x| x.year == last && x.group == g && x.indicator == i)
                .map_or(f64::NAN, |x| x.value)
        };
        table.insert(
            (r.future.clone(), r.package.clone()),
            (
                v("all", "cohesion_index"),
                v("edu_high", "cohesion_index") - v("edu_low", "cohesion_index"),
                v("all", "income_gini"),
            ),
        );
    }
    let _ = write!(s, "<h2>In {last}</h2><table><tr><th>future</th><th>package</th><th>cohesion index</th><th>gap high − low educated</th><th>income Gini</th></tr>");
    for ((f, p), (c, gap, gini)) in &table {
        let _ = write!(
            s,
            "<tr><td>{f}</td><td>{p}</td><td>{c:.1}</td><td>{gap:.1}</td><td>{gini:.3}</td></tr>"
        );
    }
    s.push_str("</table><p>Data: <code>indicators.csv</code> (all runs, long form) and one folder per run with <code>indicators.csv</code>, <code>indicators.parquet</code> and <code>run.toml</code>.</p></body></html>\n");
    s
}
