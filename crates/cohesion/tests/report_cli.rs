//! The command-line contract of `cohesion report` (issue 8): a report rendered from a real
//! tiny experiment, with and without observed series, with a CIB matrix and a corpus; its
//! charts drawn from the data, its provenance marks, its escaping, and no partial output on
//! bad input.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Output;
use std::sync::OnceLock;

mod common;
use common::{cohesion, scratch};

fn ok(o: Output) -> String {
    assert!(
        o.status.success(),
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    );
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// 2 futures × 2 packages × 3 replications of 300 agents over 3 years; every group of the
/// cohesion index is kept, so the gaps between groups can be drawn.
const TINY: &str = r#"
name = "tiny-report"
seed = 5
agents = 300
years = 3
replications = 3
futures = ["baseline", "wild-west"]
packages = ["none", "broad"]

[[outcome]]
indicator = "cohesion_index"
groups = ["*"]

[[outcome]]
indicator = "generalised_trust"

[[outcome]]
indicator = "lonely_share"
"#;

/// The experiment (run once for all tests) and the imported monitor snapshots.
fn fixtures() -> &'static (PathBuf, PathBuf) {
    static F: OnceLock<(PathBuf, PathBuf)> = OnceLock::new();
    F.get_or_init(|| {
        let d = scratch("report", "fixtures");
        let exp = d.join("exp.toml");
        fs::write(&exp, TINY).unwrap();
        let out = d.join("exp");
        ok(cohesion(&[
            "experiment",
            "run",
            exp.to_str().unwrap(),
            "--out",
            out.to_str().unwrap(),
        ]));
        let m = repo().join("crates/cohesion-monitor");
        let mon = d.join("monitor");
        let mut args: Vec<String> = vec!["monitor".into(), "import".into()];
        for f in fs::read_dir(m.join("data/snapshots")).unwrap() {
            let p = f.unwrap().path();
            if p.extension().is_some_and(|e| e != "md") {
                args.push(p.display().to_string());
            }
        }
        args.extend([
            "--mapping".into(),
            m.join("data/mappings.toml").display().to_string(),
            "--out".into(),
            mon.display().to_string(),
        ]);
        ok(cohesion(
            &args.iter().map(String::as_str).collect::<Vec<_>>(),
        ));
        (out, mon)
    })
}

fn report(extra: &[&str], name: &str) -> String {
    let (exp, _) = fixtures();
    let out = scratch("report", name).join("report");
    let mut args = vec![
        "report",
        "--experiment",
        exp.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ];
    args.extend_from_slice(extra);
    let said = ok(cohesion(&args));
    assert!(said.contains("report.pdf skipped"), "{said}");
    assert!(!out.join("report.pdf").exists());
    fs::read_to_string(out.join("report.html")).unwrap()
}

/// The `<figure class="chart" …>…</figure>` blocks of one kind.
fn charts<'a>(html: &'a str, kind: &str) -> Vec<&'a str> {
    let open = format!("<figure class=\"chart\" data-kind=\"{kind}\"");
    html.match_indices(&open)
        .map(|(i, _)| &html[i..i + html[i..].find("</figure>").unwrap()])
        .collect()
}

fn attr<'a>(tag: &'a str, name: &str) -> &'a str {
    let k = format!(" {name}=\"");
    let i = tag.find(&k).unwrap() + k.len();
    &tag[i..i + tag[i..].find('"').unwrap()]
}

/// Vertices of every `<path class="CLASS" … d="…">` in a chart, in order.
fn paths(chart: &str, class: &str) -> Vec<Vec<(f64, f64)>> {
    let open = format!("<path class=\"{class}\"");
    chart
        .match_indices(&open)
        .map(|(i, _)| {
            let tag = &chart[i..i + chart[i..].find('>').unwrap()];
            attr(tag, "d")
                .trim_end_matches(" Z")
                .split(['M', 'L'])
                .filter(|p| !p.trim().is_empty())
                .map(|p| {
                    let (x, y) = p.trim().split_once(',').unwrap();
                    (x.parse().unwrap(), y.parse().unwrap())
                })
                .collect()
        })
        .collect()
}

/// Medians of cohesion_index in `all` per year for one future and package, from the CLI.
fn medians(future: &str, package: &str) -> Vec<(i32, f64)> {
    let (exp, _) = fixtures();
    let csv = ok(cohesion(&[
        "experiment",
        "bands",
        exp.to_str().unwrap(),
        "--indicator",
        "cohesion_index",
        "--group",
        "all",
        "--csv",
        "-",
    ]));
    csv.lines()
        .skip(1)
        .filter_map(|l| {
            let c: Vec<&str> = l.split(',').collect();
            (c[0] == future && c[1] == package)
                .then(|| (c[4].parse().unwrap(), c[7].parse().unwrap()))
        })
        .collect()
}

fn no_external_references(html: &str) {
    for key in ["src=\"", "href=\""] {
        for (i, _) in html.match_indices(key) {
            let v = &html[i + key.len()..];
            let v = &v[..v.find('"').unwrap()];
            assert!(v.starts_with('#'), "external reference {key}{v}");
        }
    }
    assert!(!html.contains("<script"), "a script in the page");
    assert!(!html.contains("<link"), "an external stylesheet");
}

#[test]
fn fan_charts_come_from_the_ensemble_and_are_marked_reconstructed() {
    let html = report(&[], "plain");
    let fans = charts(&html, "fan");
    // 2 futures × 3 key indicators kept (cohesion index, trust, loneliness).
    assert_eq!(fans.len(), 6);
    for c in &fans {
        assert_eq!(c.matches("<svg").count(), 1);
        assert_eq!(attr(c, "data-fans"), "2");
        assert_eq!(paths(c, "band").len(), 2);
        assert_eq!(paths(c, "line").len(), 2);
        for p in paths(c, "band").iter().chain(&paths(c, "line")) {
            assert!(!p.is_empty());
        }
        assert!(c.contains("data-provenance=\"reconstructed\""));
        assert_eq!(attr(c, "data-observations"), "0");
        assert!(!c.contains("<circle class=\"obs\""));
    }
    // The first chart is cohesion_index in baseline; its first line is package `none`. Its
    // vertices are one per year, left to right, and rank the years as the medians do.
    let line = &paths(fans[0], "line")[0];
    let m = medians("baseline", "none");
    assert_eq!(line.len(), m.len());
    assert_eq!(m.len(), 4);
    for k in 1..m.len() {
        assert!(line[k].0 > line[k - 1].0);
        for j in 0..k {
            let higher_value = m[k].1 > m[j].1;
            let higher_on_page = line[k].1 < line[j].1;
            if m[k].1 != m[j].1 {
                assert_eq!(
                    higher_value, higher_on_page,
                    "year {} vs {}",
                    m[k].0, m[j].0
                );
            }
        }
    }
    // Equal steps in years are equal steps across the page.
    let dx: Vec<f64> = line.windows(2).map(|w| w[1].0 - w[0].0).collect();
    assert!(dx.iter().all(|d| (d - dx[0]).abs() < 0.11));
    assert!(html.contains("id=\"fn-presets\""));
    no_external_references(&html);
}

#[test]
fn gaps_and_robustness_follow_the_experiment() {
    let html = report(&[], "policy");
    // The four pairs of groups are kept for the cohesion index: one chart per pair and future.
    assert_eq!(charts(&html, "gap").len(), 4 * 2);
    // The last-year table: one row per pair and package, one column per future.
    let gaps = &html[html.find("Every gap in the last kept year").unwrap()..];
    let gaps = &gaps[gaps.find("<tbody>").unwrap()..gaps.find("</tbody>").unwrap()];
    let rows: Vec<&str> = gaps.split("<tr>").skip(1).collect();
    assert_eq!(rows.len(), 4 * 2);
    assert!(rows.iter().all(|r| r.matches("<td>").count() == 3 + 2));
    assert!(rows.iter().all(|r| r.matches(" – ").count() == 2));
    let rob = &html[html.find("Robustness per package").unwrap()..];
    let table = &rob[rob.find("<tbody>").unwrap()..rob.find("</tbody>").unwrap()];
    let rows: Vec<&str> = table.split("<tr>").skip(1).collect();
    assert_eq!(rows.len(), 2, "one row per package");
    assert!(rows[0].starts_with("<td>none</td>") && rows[1].starts_with("<td>broad</td>"));
    // A bound X given by the user appears in the PRIM sentence.
    let html = report(&["--prim-below", "49.5"], "prim");
    assert!(html.contains("below 49.5"), "PRIM bound missing");
}

#[test]
fn observed_series_are_drawn_over_the_fans() {
    let (_, mon) = fixtures();
    let html = report(&["--monitor", mon.to_str().unwrap()], "monitor");
    let observed = fs::read_to_string(mon.join("observations.csv")).unwrap();
    let count = |ind: &str| {
        observed
            .lines()
            .filter(|l| l.starts_with(&format!("{ind},all,")))
            .count()
    };
    assert!(count("generalised_trust") > 0 && count("lonely_share") > 0);
    let fans = charts(&html, "fan");
    let mut total = 0;
    for c in &fans {
        let n: usize = attr(c, "data-observations").parse().unwrap();
        assert_eq!(c.matches("<circle class=\"obs\"").count(), n);
        total += n;
    }
    // Each observed series appears once per future (2), over its own indicator's charts.
    assert_eq!(
        total,
        2 * (count("generalised_trust") + count("lonely_share"))
    );
    assert!(html.contains("Observed series"));
    no_external_references(&html);
}

#[test]
fn cib_scenarios_and_corpus_lines_are_listed_and_escaped() {
    let d = scratch("report", "escape");
    let study = fs::read_to_string(repo().join("data/cib/study.toml")).unwrap();
    let cib = d.join("cib.toml");
    fs::write(
        &cib,
        study.replace(
            "[future.\"Big Business\"]",
            "[future.\"Big <script>alert(1)</script> Business\"]",
        ),
    )
    .unwrap();
    let consistent = ok(cohesion(&["cib", cib.to_str().unwrap(), "--csv", "-"]))
        .lines()
        .count()
        - 1;
    let text = d.join("talk.txt");
    fs::write(
        &text,
        "Anna (burger): Vertrouwen is weg. Vertrouwen moet terug. Vertrouwen in elkaar. Vertrouwen telt. <script>alert(2)</script>\n\
         Jan (expert): Data en platform. Data, data en platform. Platform en data.\n",
    )
    .unwrap();
    let meta = d.join("speakers.csv");
    fs::write(&meta, "speaker,group\nAnna,citizens\nJan,experts\n").unwrap();
    let corpus = d.join("corpus");
    ok(cohesion(&[
        "corpus",
        "import",
        "--format",
        "text",
        "--meta",
        meta.to_str().unwrap(),
        text.to_str().unwrap(),
        "--out",
        corpus.to_str().unwrap(),
    ]));
    let html = report(
        &[
            "--cib",
            cib.to_str().unwrap(),
            "--corpus",
            corpus.to_str().unwrap(),
            "--query",
            "vertrouwen",
        ],
        "cib",
    );
    let section = &html[html.find("<section id=\"cib\"").unwrap()..];
    let section = &section[..section.find("</section>").unwrap()];
    let rows = section.matches("<tr><td class=\"num\">").count();
    assert_eq!(rows, consistent);
    assert!(section.contains("Big &lt;script&gt;alert(1)&lt;/script&gt; Business"));
    assert!(section.contains("data-provenance=\"reconstructed\""));
    assert!(html.contains("id=\"fn-judgements\""));
    let talk = &html[html.find("<section id=\"discourse\"").unwrap()..];
    assert!(talk.contains("4 hits"), "four uses of vertrouwen");
    assert_eq!(talk.matches("<td class=\"kwic-match\">").count(), 4);
    assert!(talk.contains("&lt;script&gt;"));
    assert!(talk.contains("Keywords of <code>group="));
    no_external_references(&html);
}

fn refused(args: &[&str], out: &Path, names: &str) {
    let o = cohesion(args);
    assert_eq!(
        o.status.code(),
        Some(2),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains(names), "error should name {names}: {err}");
    assert!(!out.join("report.html").exists(), "partial output left");
}

#[test]
fn bad_inputs_exit_2_naming_the_file_and_write_nothing() {
    let (exp, mon) = fixtures();
    let d = scratch("report", "bad");
    let out = d.join("out");
    let o = out.to_str().unwrap();
    let e = exp.to_str().unwrap();
    refused(
        &[
            "report",
            "--experiment",
            d.join("nope").to_str().unwrap(),
            "--out",
            o,
        ],
        &out,
        "nope",
    );
    assert!(!out.exists(), "output folder made for a missing experiment");
    let broken = d.join("broken.toml");
    fs::write(&broken, "title = \"x\"\n[[descriptor]]\nname = 3\n").unwrap();
    refused(
        &[
            "report",
            "--experiment",
            e,
            "--cib",
            broken.to_str().unwrap(),
            "--out",
            o,
        ],
        &out,
        "broken.toml",
    );
    let empty = d.join("empty-monitor");
    fs::create_dir_all(&empty).unwrap();
    refused(
        &[
            "report",
            "--experiment",
            e,
            "--monitor",
            empty.to_str().unwrap(),
            "--out",
            o,
        ],
        &out,
        "observations.csv",
    );
    refused(
        &[
            "report",
            "--experiment",
            e,
            "--outcome",
            "waves:all:final",
            "--out",
            o,
        ],
        &out,
        "waves:all:final",
    );
    refused(
        &[
            "report",
            "--experiment",
            e,
            "--monitor",
            mon.to_str().unwrap(),
            "--direction",
            "min",
            "--prim-below",
            "1",
            "--out",
            o,
        ],
        &out,
        "--prim-above",
    );
}
