//! The command-line contract of `cohesion experiment` (issue 5): storage that survives a
//! kill, resumes without losing or duplicating rows, refuses to mix experiments, shards that
//! merge into exactly a local run's bytes, and the analyses on a real (tiny) experiment.

use std::fs;
use std::path::Path;
use std::process::Output;

mod common;
use common::{cohesion, scratch};

fn text(o: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

fn ok(o: Output) -> String {
    assert!(o.status.success(), "{}", text(&o));
    text(&o)
}

/// 2 futures × 2 packages × 3 LHS points × 2 replications = 24 tiny runs.
const TINY: &str = r#"
name = "tiny"
seed = 11
agents = 300
years = 3
replications = 2
futures = ["baseline", "wild-west"]
packages = ["none", "broad"]

[design]
kind = "lhs"
samples = 3

[[uncertainty]]
parameter = "epsilon"
low = 0.1
high = 0.4

[[outcome]]
indicator = "cohesion_index"
groups = ["all", "edu_low"]

[[outcome]]
indicator = "generalised_trust"
years = [2025, 2028]
"#;

fn write_experiment(dir: &Path, text: &str) -> String {
    let p = dir.join("exp.toml");
    fs::write(&p, text).unwrap();
    p.to_str().unwrap().to_string()
}

fn run(exp: &str, out: &Path, extra: &[&str]) -> Output {
    let mut args = vec!["experiment", "run", exp, "--out", out.to_str().unwrap()];
    args.extend_from_slice(extra);
    cohesion(&args)
}

fn manifest_runs(dir: &Path) -> Vec<u32> {
    let mut v: Vec<u32> = fs::read_to_string(dir.join("manifest.tsv"))
        .unwrap()
        .lines()
        .skip(1)
        .map(|l| l.split('\t').next().unwrap().parse().unwrap())
        .collect();
    v.sort_unstable();
    v
}

#[test]
fn a_killed_run_resumes_to_the_same_bytes_and_shards_merge_to_a_local_run() {
    let d = scratch("exp", "resume");
    let exp = write_experiment(&d, TINY);
    let local = d.join("local");
    ok(run(&exp, &local, &["--threads", "2"]));
    let reference = fs::read(local.join("results.parquet")).unwrap();
    assert_eq!(manifest_runs(&local), (0..24).collect::<Vec<_>>());

    // Again in the same folder: nothing to do, nothing changes.
    let again = ok(run(&exp, &local, &[]));
    assert!(again.contains("0 now"), "{again}");
    assert_eq!(fs::read(local.join("results.parquet")).unwrap(), reference);

    // Simulate kills at every stage: a part being written (.tmp), a part renamed but not
    // yet listed, a manifest line cut short, a results file never assembled.
    let killed = d.join("killed");
    ok(run(&exp, &killed, &["--threads", "1"]));
    fs::remove_file(killed.join("results.parquet")).unwrap();
    let manifest = fs::read_to_string(killed.join("manifest.tsv")).unwrap();
    let lines: Vec<&str> = manifest.lines().collect();
    let mut cut = lines[..10].join("\n");
    cut.push_str("\n1"); // a line cut short by the kill
    fs::write(killed.join("manifest.tsv"), cut).unwrap();
    for run in 12..24 {
        fs::remove_file(killed.join(format!("parts/run-{run:08}.parquet"))).unwrap();
    }
    fs::write(
        killed.join("parts/.run-00000012.parquet.tmp"),
        b"half a part",
    )
    .unwrap();
    let resumed = ok(run(&exp, &killed, &["--threads", "2"]));
    // runs 0..9 listed, 9..12 unlisted but whole (kept), 12..24 gone (run again)
    assert!(resumed.contains("12 now"), "{resumed}");
    assert!(!killed.join("parts/.run-00000012.parquet.tmp").exists());
    assert_eq!(manifest_runs(&killed), (0..24).collect::<Vec<_>>());
    assert_eq!(fs::read(killed.join("results.parquet")).unwrap(), reference);

    // Shards with different thread counts, merged, equal the local run byte for byte.
    let sharded = d.join("sharded");
    ok(run(&exp, &sharded, &["--shard", "1/3", "--threads", "1"]));
    let early = cohesion(&["experiment", "merge", sharded.to_str().unwrap()]);
    assert_eq!(early.status.code(), Some(2));
    assert!(text(&early).contains("missing"), "{}", text(&early));
    ok(run(&exp, &sharded, &["--shard", "2/3", "--threads", "2"]));
    ok(run(&exp, &sharded, &["--shard", "3/3", "--threads", "1"]));
    ok(cohesion(&[
        "experiment",
        "merge",
        sharded.to_str().unwrap(),
    ]));
    assert_eq!(
        fs::read(sharded.join("results.parquet")).unwrap(),
        reference
    );
    for file in ["runs.csv", "runs.parquet"] {
        assert_eq!(
            fs::read(sharded.join(file)).unwrap(),
            fs::read(local.join(file)).unwrap(),
            "{file}"
        );
    }

    // A different experiment file is refused in the same folder, and nothing is lost.
    let other = write_experiment(&d, &TINY.replace("seed = 11", "seed = 12"));
    let refused = run(&other, &local, &[]);
    assert_eq!(refused.status.code(), Some(2));
    assert!(
        text(&refused).contains("different experiment file"),
        "{}",
        text(&refused)
    );
    assert_eq!(fs::read(local.join("results.parquet")).unwrap(), reference);

    // The analyses read the finished folder.
    let l = local.to_str().unwrap();
    let summary = ok(cohesion(&["experiment", "summary", l]));
    assert!(
        summary.contains("cohesion_index:edu_low:change"),
        "{summary}"
    );
    assert!(summary.contains("reconstructed"), "{summary}");
    let per_run = fs::read_to_string(local.join("summary.csv")).unwrap();
    assert_eq!(per_run.lines().count(), 25);
    assert!(per_run.lines().nth(1).unwrap().contains(",baseline,none,"));
    let bands = d.join("bands.csv");
    ok(cohesion(&[
        "experiment",
        "bands",
        l,
        "--indicator",
        "generalised_trust",
        "--csv",
        bands.to_str().unwrap(),
    ]));
    let bands = fs::read_to_string(bands).unwrap();
    assert!(bands.starts_with("future,package,indicator,group,year,runs,p5,median,p95"));
    // 2 futures × 2 packages × 2 kept years
    assert_eq!(bands.lines().count(), 1 + 8);
    let json = d.join("robust.json");
    ok(cohesion(&[
        "experiment",
        "robustness",
        l,
        "--threshold",
        "cohesion_index:all:final>=0",
        "--json",
        json.to_str().unwrap(),
    ]));
    let robust: serde_json::Value =
        serde_json::from_str(&fs::read_to_string(json).unwrap()).unwrap();
    let rows = robust.as_array().expect("an array of rows");
    assert_eq!(rows.len(), 2);
    for row in rows {
        // every run has an index above 0, so every package satisfies the threshold always
        assert_eq!(row["satisficing1"].as_f64(), Some(1.0), "{row}");
        assert!(row["regret2_p90"].as_f64().unwrap() >= 0.0);
    }
    let prim = ok(cohesion(&["experiment", "prim", l, "--below", "1000"]));
    assert!(prim.contains("below 1000 when anything"), "{prim}");
    let sens = cohesion(&["experiment", "sensitivity", l]);
    assert_eq!(sens.status.code(), Some(2));
    assert!(text(&sens).contains("needs a `sobol` or `morris` design"));
    let _ = fs::remove_dir_all(&d);
}

#[test]
fn sobol_designs_give_sensitivity_indices_and_big_designs_need_yes() {
    let d = scratch("exp", "sobol");
    let exp = write_experiment(
        &d,
        r#"
seed = 3
agents = 200
years = 2
futures = "baseline"
packages = "none"
max_runs = 50
[design]
kind = "sobol"
samples = 8
[[uncertainty]]
parameter = "epsilon"
low = 0.1
high = 0.4
[[uncertainty]]
parameter = "beta_choice"
low = 2.0
high = 6.0
"#,
    );
    let out = d.join("out");
    let plan = ok(cohesion(&["experiment", "plan", &exp, "--no-probe"]));
    assert!(plan.contains("32"), "8 × (2 + 2) runs: {plan}");
    ok(run(&exp, &out, &["--quiet"]));
    let csv = d.join("s.csv");
    ok(cohesion(&[
        "experiment",
        "sensitivity",
        out.to_str().unwrap(),
        "--resamples",
        "50",
        "--csv",
        csv.to_str().unwrap(),
    ]));
    let t = fs::read_to_string(csv).unwrap();
    assert!(t.starts_with("future,package,outcome,factor,S1,S1_conf,ST,ST_conf"));
    assert_eq!(t.lines().count(), 3, "{t}");

    let big = write_experiment(
        &d,
        &fs::read_to_string(&exp)
            .unwrap()
            .replace("samples = 8", "samples = 64"),
    );
    let refused = run(&big, &d.join("big"), &[]);
    assert_eq!(refused.status.code(), Some(2));
    assert!(text(&refused).contains("--yes"), "{}", text(&refused));
    assert!(!d.join("big").exists(), "a refused run leaves no folder");
    let _ = fs::remove_dir_all(&d);
}

#[test]
fn bad_experiment_files_name_the_line_and_field() {
    let d = scratch("exp", "bad");
    for (body, needle) in [
        (
            "futures = \"all\"\npackages = \"all\"\n[design]\nkind = \"lhs\"\n[[uncertainty]]\nparameter = \"epsilom\"\nlow = 0.1\nhigh = 0.2\n",
            ":6: field `parameter`: unknown parameter `epsilom`; valid parameters:",
        ),
        (
            "futures = \"all\"\npackages = \"all\"\n[design]\nkind = \"lhs\"\n[[uncertainty]]\nparameter = \"epsilon\"\nlow = 0.2\nhigh = 0.1\n",
            "empty range",
        ),
        ("futures = \"all\"\npackages = [\"cheap\"]\n", "field `packages`"),
        ("futures = \"all\"\npackages = \"all\"\nagents = \"many\"\n", ":3:"),
    ] {
        let exp = write_experiment(&d, body);
        let o = cohesion(&["experiment", "plan", &exp, "--no-probe"]);
        assert_eq!(o.status.code(), Some(2), "{}", text(&o));
        assert!(text(&o).contains(needle), "{needle}: {}", text(&o));
    }
    let bad = d.join("bad.toml");
    fs::write(&bad, [0xffu8, 0xfe, b'\n']).unwrap();
    let o = cohesion(&["experiment", "plan", bad.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2));
    assert!(text(&o).contains("bad.toml"));
    let _ = fs::remove_dir_all(&d);
}
