//! `cohesion report`: the study's product, a report a ministry can read (DESIGN §12).
//!
//! This crate's one job is to assemble one self-contained HTML page — inline CSS and SVG, no
//! scripts, no network — from what the other crates compute: a finished experiment
//! (`cohesion-experiment`'s bands, summary, robustness and PRIM), observed series
//! (`cohesion-monitor`), the consistent scenarios of a CIB matrix (`cohesion-cib`) and a
//! corpus excerpt (`cohesion-discourse`). It reads no file format itself.
//!
//! * [`svg`]: the chart frame shared with the demo page (bands, lines, points).
//! * [`html`]: page, print CSS, provenance badges and footnotes, tables.
//! * [`fans`], [`gaps`], [`policy`], [`cib`], [`corpus`]: one section each.
//! * [`pdf`]: printing the page with headless Chromium when it is installed.
//! * [`cli`]: the `cohesion report` command (atomic output folder).

pub mod cib;
pub mod cli;
pub mod corpus;
pub mod fans;
pub mod gaps;
pub mod html;
pub mod pdf;
pub mod policy;
pub mod svg;

use cohesion_experiment::describe::provenance_note;
use cohesion_experiment::results::Results;
use cohesion_io::Result;
use cohesion_monitor::observation::{self, Observation};
use html::{footnote, Basis};
use std::fmt::Write;
use std::path::PathBuf;
use svg::escape;

/// Everything a report is made from.
pub struct Inputs {
    pub experiment: PathBuf,
    pub monitor: Option<PathBuf>,
    pub cib: Option<PathBuf>,
    /// Corpus folder, query, and an optional keyness target `META=VALUE`.
    pub corpus: Option<(PathBuf, String, Option<String>)>,
    pub policy: policy::PolicyOptions,
}

/// Load every input, then render the page. Any bad input fails before anything is written.
pub fn render(inputs: &Inputs) -> Result<String> {
    let r = Results::load(&inputs.experiment)?;
    let observed: Vec<Observation> = match &inputs.monitor {
        Some(dir) => observation::read_csv(&dir.join("observations.csv"))?,
        None => Vec::new(),
    };
    let e = &r.experiment;
    let kept: Vec<(String, String)> = e
        .outcomes
        .iter()
        .flat_map(|o| o.groups.iter().map(|g| (o.indicator.clone(), g.clone())))
        .collect();
    let key = fans::key_series(&kept);
    let bands = cohesion_experiment::analysis::band_rows(&r, None, None)?;
    let futures: Vec<(String, String)> = e
        .futures
        .iter()
        .map(|f| {
            let label = if f.label.is_empty() || f.label == f.name {
                f.name.clone()
            } else {
                format!("{} ({})", f.label, f.name)
            };
            (f.name.clone(), label)
        })
        .collect();
    let packages: Vec<String> = e.packages.iter().map(|p| p.name.clone()).collect();
    let end_year = e.start_year + e.years as i32;

    let mut body = String::new();
    let title = format!(
        "Social cohesion under digitalisation, {}–{end_year}",
        e.start_year
    );
    let _ = write!(
        body,
        "<header><h1>{}</h1><p>Experiment <code>{}</code> · {} runs · program {}</p></header>",
        escape(&title),
        escape(&e.name),
        r.runs(),
        escape(concat!("cohesion ", env!("CARGO_PKG_VERSION")))
    );
    body.push_str(&question_and_method(&r));

    body.push_str("<section id=\"futures\"><h2>The futures, indicator by indicator</h2>");
    let _ = write!(
        body,
        "<p>Each chart shows one future. The shaded band holds the middle 90 % of the runs (5th to 95th percentile), the line their median, one colour per policy package; the dotted vertical line marks {}. {}</p>",
        e.start_year,
        if observed.is_empty() {
            "No observed series were given (see <code>--monitor</code>)."
        } else {
            "Black dots are observed values (CBS, Eurostat and others; sources in the notes), with their 95 % interval where known."
        }
    );
    body.push_str(&fans::section(
        &bands,
        &futures,
        &packages,
        &key,
        &observed,
        e.start_year,
    ));
    body.push_str("</section>");

    body.push_str(&gaps_section(&r, &key, &futures, &packages));

    body.push_str("<section id=\"policy\"><h2>Which package holds up in every future?</h2>");
    body.push_str(&policy::section(&r, &inputs.policy)?);
    body.push_str("</section>");

    let mut notes = vec![footnote(
        Basis::Presets,
        &format!(
            "Reconstructed: {}. The study's own scores are not public; data/futures.toml, data/forces.toml and data/policies.toml can be replaced by a study's or a workshop's own numbers.",
            provenance_note(e)
        ),
    )];
    if let Some(path) = &inputs.cib {
        let (html, note) = cib::section(path)?;
        body.push_str("<section id=\"cib\"><h2>Consistent scenarios of the driving forces</h2>");
        body.push_str(&html);
        body.push_str("</section>");
        notes.extend(note);
    }
    if let Some((dir, query, target)) = &inputs.corpus {
        body.push_str("<section id=\"discourse\"><h2>How it is talked about</h2>");
        body.push_str(&corpus::section(dir, query, target.as_deref())?);
        body.push_str("</section>");
    }
    body.push_str("<section id=\"notes\"><h2>Notes and sources</h2>");
    for n in &notes {
        body.push_str(n);
    }
    body.push_str(&sources(&observed));
    body.push_str("</section>");
    Ok(html::page(&title, &body))
}

fn question_and_method(r: &Results) -> String {
    let e = &r.experiment;
    let mut s = String::from("<section id=\"question\"><h2>The question and the method</h2>");
    s.push_str("<p>Will the Netherlands stay socially cohesive as life goes digital — trust in each other and in institutions, ties across groups, taking part, not being left alone — and which policies help whatever the future brings? This follows the foresight study <em>Digitaal vervlochten, maar ook verbonden?</em> (SCP and STT, 2025), which sketched four futures from five driving forces (public values, digital autonomy, data-driven influence, private infrastructure, belief in technology), beside today's course.</p>");
    let _ = write!(
        s,
        "<p>The numbers come from a model of the Dutch adult population: {} simulated people per run, each with an education, income, age, ties to others and attitudes calibrated to Dutch surveys of 2025, living through {} years of one future. A <em>policy package</em> spends the same budget on different measures. Because chance and uncertain assumptions matter, every future and package is run many times — an <em>ensemble</em> — with different random draws{}; the report shows the spread of those runs, not one forecast. Differences between futures and packages are findings of the model under its assumptions.</p>",
        e.agents,
        e.years,
        if e.factors.is_empty() {
            String::new()
        } else {
            format!(
                " and different values of the uncertain parameters ({})",
                e.factors
                    .iter()
                    .map(|f| format!("{} from {} to {}", escape(&f.name), f.low, f.high))
                    .collect::<Vec<_>>()
                    .join("; ")
            )
        }
    );
    s.push_str("<table><thead><tr><th>future</th><th>in words</th></tr></thead><tbody>");
    for f in &e.futures {
        let _ = write!(
            s,
            "<tr><td>{}</td><td>{}</td></tr>",
            escape(if f.label.is_empty() {
                &f.name
            } else {
                &f.label
            }),
            escape(&f.description)
        );
    }
    s.push_str("</tbody></table><table><thead><tr><th>package</th><th>what it does</th><th class=\"num\">budget</th></tr></thead><tbody>");
    for p in &e.packages {
        let _ = write!(
            s,
            "<tr><td>{}</td><td>{}</td><td class=\"num\">{}</td></tr>",
            escape(&p.name),
            escape(&p.description),
            html::number(p.budget, 2)
        );
    }
    let runs_per_cell = r.runs() as usize / (e.futures.len() * e.packages.len()).max(1);
    let _ = write!(
        s,
        "</tbody></table><p>{} futures × {} packages × {runs_per_cell} runs each = {} runs.</p><p class=\"warn\">{} Every chart and table marked so rests on our reconstruction of the futures, the force mapping and the packages, not on the study's own numbers.</p></section>",
        e.futures.len(),
        e.packages.len(),
        r.runs(),
        html::badge(Basis::Presets)
    );
    s
}

fn gaps_section(
    r: &Results,
    key: &[(String, String)],
    futures: &[(String, String)],
    packages: &[String],
) -> String {
    let pairs = gaps::available(r, key);
    let mut s = String::from("<section id=\"gaps\"><h2>Gaps between groups</h2>");
    if pairs.is_empty() {
        s.push_str("<p>This experiment kept no pair of groups to compare (education, income fifths, age, the top 1 %); keep them with <code>groups = [\"*\"]</code> in its <code>[[outcome]]</code>.</p></section>");
        return s;
    }
    s.push_str("<p>The gap is computed within each run (one group's value minus the other's in the same simulated population), then summarised over runs like the indicators above.</p>");
    // Charts for the first indicator with gaps; the others in a table of the last year.
    let first = pairs[0].0.clone();
    // One row per indicator, gap and package; one column per future: "median (p5 – p95)".
    let mut columns = vec!["indicator".to_string(), "gap".into(), "package".into()];
    columns.extend(futures.iter().map(|f| f.0.clone()));
    let mut table = cohesion_io::Table::new(columns);
    for (ind, pair) in &pairs {
        let bands = gaps::bands(r, ind, pair);
        if *ind == first {
            let _ = write!(s, "<h3>{}</h3>", escape(&gaps::title(ind, pair)));
            let grouped = fans::group(&bands);
            for (name, label) in futures {
                if let Some(by_package) = grouped.get(&(name.as_str(), ind.as_str(), pair.name)) {
                    let fans: Vec<fans::Fan> = packages
                        .iter()
                        .enumerate()
                        .filter_map(|(k, p)| {
                            by_package.get(p.as_str()).map(|rows| fans::Fan {
                                label: p,
                                colour: fans::package_colour(k),
                                rows: rows
                                    .iter()
                                    .map(|b| (b.year as f64, b.p5, b.median, b.p95))
                                    .collect(),
                            })
                        })
                        .collect();
                    s.push_str(&fans::chart(
                        label,
                        &fans,
                        &[],
                        r.experiment.start_year,
                        Some(Basis::Presets),
                        "gap",
                    ));
                }
            }
        }
        let last = bands.iter().map(|b| b.year).max();
        for p in packages {
            let mut row: Vec<cohesion_io::Cell> =
                vec![fans::label(ind).into(), pair.words.into(), p.clone().into()];
            for (f, _) in futures {
                let cell = bands
                    .iter()
                    .find(|b| Some(b.year) == last && &b.package == p && &b.future == f)
                    .map_or(String::new(), |b| {
                        format!(
                            "{} ({} – {})",
                            html::number(b.median, 3),
                            html::number(b.p5, 3),
                            html::number(b.p95, 3)
                        )
                    });
                row.push(cell.into());
            }
            table.push(row);
        }
    }
    let _ = write!(
        s,
        "<h3>Every gap in the last kept year {}</h3><p>Median over runs, with the 5th and 95th percentiles in brackets.</p>",
        html::badge(Basis::Presets)
    );
    s.push_str(&html::wide(&html::table(&table, None, 3)));
    s.push_str("</section>");
    s
}

/// The observed series' sources, one row per table (URLs as text, never as links).
fn sources(observed: &[Observation]) -> String {
    if observed.is_empty() {
        return String::new();
    }
    let mut seen: std::collections::BTreeSet<(&str, &str, &str, &str)> = Default::default();
    for o in observed {
        seen.insert((&o.table, &o.source, &o.retrieved, &o.url));
    }
    let mut s = String::from("<h3>Observed series</h3><table><thead><tr><th>table</th><th>source</th><th>retrieved</th><th>address</th></tr></thead><tbody>");
    for (t, src, when, url) in seen {
        let _ = write!(
            s,
            "<tr><td>{}</td><td>{}</td><td>{}</td><td><code>{}</code></td></tr>",
            escape(t),
            escape(src),
            escape(when),
            escape(url)
        );
    }
    s.push_str("</tbody></table>");
    s
}
