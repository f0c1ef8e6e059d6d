//! The command-line contract of `cohesion bench` (issue 6, item 7): the documented columns with
//! sane values, b3's resumable --out file, and exit status 2 for bad options. Nothing here
//! asserts a speed: only that the measurements exist and the sanity outputs make sense.

use serde_json::Value;
use std::process::Output;

mod common;
use common::{cohesion, scratch};

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// Run `cohesion bench ARGS --json -` and return its rows.
fn rows(args: &[&str]) -> Vec<Value> {
    let mut all = vec!["bench"];
    all.extend_from_slice(args);
    all.extend_from_slice(&["--json", "-"]);
    let o = cohesion(&all);
    assert!(o.status.success(), "{}", stderr(&o));
    let v: Value = serde_json::from_slice(&o.stdout).expect("JSON on standard output");
    v.as_array().expect("an array of rows").clone()
}

fn num(row: &Value, column: &str) -> f64 {
    row[column]
        .as_f64()
        .unwrap_or_else(|| panic!("column {column} is not a number in {row}"))
}

fn has_columns(row: &Value, columns: &[&str]) {
    for c in columns {
        assert!(row.get(*c).is_some(), "column {c} missing in {row}");
    }
}

const COMMON: &[&str] = &[
    "benchmark",
    "size",
    "agents",
    "variant",
    "threads",
    "repeats",
    "peak_mib",
    "x_anchor",
];

#[test]
fn b1_quick_reports_both_schedules_with_sane_outputs() {
    let rows = rows(&["b1", "--quick", "--repeats", "1"]);
    assert_eq!(rows.len(), 4, "two sizes × two variants");
    for r in &rows {
        has_columns(r, COMMON);
        has_columns(r, &["setup_s", "run_s", "step_ms", "activations_per_s"]);
        assert_eq!(r["benchmark"], "b1");
        let side = num(r, "size");
        assert_eq!(num(r, "agents"), (side * side * 0.8).floor());
        assert!(num(r, "activations_per_s") > 0.0);
        assert!(num(r, "peak_mib") > 0.0);
        for share in ["unhappy_share", "like_share"] {
            assert!((0.0..=1.0).contains(&num(r, share)), "{share} in {r}");
        }
    }
    let seq: Vec<&Value> = rows.iter().filter(|r| r["variant"] == "ours-seq").collect();
    assert_eq!(seq.len(), 2);
    for r in &seq {
        assert_eq!(num(r, "x_anchor"), 1.0, "the anchor is ours-seq itself");
        assert_eq!(num(r, "threads"), 1.0);
    }
    // Recorded framework figures exist for L = 100 only, and are labelled as recorded.
    for r in &rows {
        let recorded = r["x_mesa_recorded"].is_number();
        assert_eq!(recorded, num(r, "size") == 100.0, "{r}");
    }
}

#[test]
fn b2_quick_reports_clusters_and_interaction_rates() {
    let rows = rows(&["b2", "--quick", "--repeats", "1", "--threads", "2"]);
    assert_eq!(rows.len(), 4);
    for r in &rows {
        has_columns(r, COMMON);
        assert_eq!(r["benchmark"], "b2");
        assert!(num(r, "interactions_per_s") > 0.0);
        let (all, large) = (num(r, "clusters"), num(r, "large_clusters"));
        assert!(all >= 1.0 && large >= 1.0 && large <= all, "{r}");
        assert!(large <= 20.0, "at most 20 clusters can hold 5 % each");
    }
    let par = rows.iter().find(|r| r["variant"] == "ours-par").unwrap();
    assert_eq!(num(par, "threads"), 2.0);
}

#[test]
fn b3_resumes_by_skipping_sizes_already_in_the_out_file() {
    let d = scratch("bench", "b3");
    let out = d.join("b3");
    let out_s = out.to_str().unwrap();
    let first = rows(&[
        "b3", "--quick", "--sizes", "300,500", "--years", "1", "--out", out_s,
    ]);
    assert_eq!(first.len(), 2);
    for r in &first {
        has_columns(r, COMMON);
        assert!(num(r, "s_per_year") > 0.0);
        assert!(num(r, "bytes_per_agent") > 0.0);
        assert!(num(r, "stream_gbps") > 0.0 && num(r, "stream_1t_gbps") > 0.0);
        assert!(num(r, "x_anchor") > 0.0);
        assert!((0.0..=1.0).contains(&num(r, "trust_all")), "{r}");
        assert!(num(r, "peak_bytes_per_agent") > num(r, "bytes_per_agent"));
    }
    let file = out.join("b3.jsonl");
    assert_eq!(std::fs::read_to_string(&file).unwrap().lines().count(), 2);
    // A run killed in the middle of an append leaves half a line; it is dropped, not an error.
    let whole = std::fs::read_to_string(&file).unwrap();
    std::fs::write(&file, format!("{whole}{{\"key\":{{\"prog")).unwrap();

    let o = cohesion(&[
        "bench",
        "b3",
        "--quick",
        "--sizes",
        "300,500,700",
        "--years",
        "1",
        "--out",
        out_s,
        "--json",
        "-",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let again: Vec<Value> = serde_json::from_slice::<Value>(&o.stdout)
        .unwrap()
        .as_array()
        .unwrap()
        .clone();
    assert_eq!(again.len(), 3);
    for (a, b) in again.iter().zip(&first) {
        for c in ["agents", "setup_s", "s_per_year", "peak_mib", "stream_gbps"] {
            let (x, y) = (num(a, c), num(b, c));
            assert!(
                (x - y).abs() <= 1e-9 * y.abs(),
                "{c}: read back {x}, measured {y}"
            );
        }
    }
    assert_eq!(stderr(&o).matches("skipped").count(), 2, "{}", stderr(&o));
    assert!(stderr(&o).contains("dropped an unfinished last line"));
    assert_eq!(std::fs::read_to_string(&file).unwrap().lines().count(), 3);

    // Other options must not be mixed into the same file.
    let o = cohesion(&[
        "bench", "b3", "--quick", "--sizes", "300", "--years", "2", "--out", out_s,
    ]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("years was 1, now 2"), "{}", stderr(&o));
    assert_eq!(std::fs::read_to_string(&file).unwrap().lines().count(), 3);
}

#[test]
fn all_quick_writes_every_benchmark_in_order_and_b4_matches_its_anchor() {
    let d = scratch("bench", "all");
    let csv = d.join("all.csv");
    let o = cohesion(&[
        "bench",
        "all",
        "--quick",
        "--repeats",
        "1",
        "--years",
        "1",
        "--csv",
        csv.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let text = std::fs::read_to_string(&csv).unwrap();
    let mut lines = text.lines();
    let header: Vec<&str> = lines.next().unwrap().split(',').collect();
    let col = |name: &str| header.iter().position(|c| *c == name).unwrap();
    let rows: Vec<Vec<&str>> = lines.map(|l| l.split(',').collect()).collect();
    let order: Vec<&str> = rows.iter().map(|r| r[col("benchmark")]).collect();
    assert_eq!(
        order,
        ["b1", "b1", "b1", "b1", "b2", "b2", "b2", "b2", "b3", "b3", "b4", "b4"]
    );
    let b4: Vec<&Vec<&str>> = rows.iter().filter(|r| r[0] == "b4").collect();
    assert_eq!(b4[0][col("variant")], "one-after-another");
    assert_eq!(b4[1][col("identical")], "yes");
    assert_eq!(b4[1][col("runs")], "20");
    let efficiency: f64 = b4[1][col("efficiency")].parse().unwrap();
    assert!(efficiency > 0.0);
    // The terminal view still shows each benchmark's own table.
    let shown = String::from_utf8_lossy(&o.stdout);
    let headers = shown
        .lines()
        .filter(|l| l.starts_with("benchmark "))
        .count();
    assert_eq!(headers, 4, "{shown}");
}

#[test]
fn bad_options_exit_2_with_a_clear_message() {
    let cases: &[(&[&str], &str)] = &[
        (&["b1", "--repeats", "0"], "--repeats must be at least 1"),
        (&["all", "--sizes", "100"], "give it to one benchmark"),
        (&["b1", "--sizes", "2"], "grid side 2 is out of range"),
        (&["b2", "--sizes", "ten"], "`ten` is not a number"),
        (&["b3", "--sizes", "1.5"], "not a whole number"),
        (&["b3", "--sizes", "50"], "50 agents is too few"),
        (&["b1", "--out", "x"], "apply to b3"),
        (
            &["b4", "--anchor-shards", "0"],
            "--anchor-shards must be at least 1",
        ),
        (&["b2", "--threads", "0"], "--threads must be at least 1"),
    ];
    for (args, message) in cases {
        let mut all = vec!["bench"];
        all.extend_from_slice(args);
        let o = cohesion(&all);
        assert_eq!(o.status.code(), Some(2), "{args:?}: {}", stderr(&o));
        assert!(stderr(&o).contains(message), "{args:?}: {}", stderr(&o));
        assert!(o.stdout.is_empty(), "{args:?} printed a table");
    }
}
