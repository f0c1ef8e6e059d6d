//! The command-line contract of `cohesion run`, `demo` and `params` (issue 2): outputs,
//! determinism across thread counts, and exit status 2 with a located message on bad input.

use std::path::Path;
use std::process::Output;

mod common;
use common::{cohesion, scratch};

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

fn run_to(dir: &Path, extra: &[&str]) -> Output {
    let mut args = vec![
        "run",
        "--agents",
        "1500",
        "--years",
        "3",
        "--seed",
        "4",
        "--out",
        dir.to_str().unwrap(),
    ];
    args.extend_from_slice(extra);
    cohesion(&args)
}

#[test]
fn run_writes_the_long_table_parquet_and_run_toml() {
    let d = scratch("cli", "outputs");
    let out = d.join("r");
    let o = run_to(&out, &["--future", "big-brother", "--policy", "broad"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let csv = std::fs::read_to_string(out.join("indicators.csv")).unwrap();
    let mut lines = csv.lines();
    assert_eq!(lines.next(), Some("year,group,indicator,value"));
    let years: std::collections::BTreeSet<&str> = csv
        .lines()
        .skip(1)
        .map(|l| l.split(',').next().unwrap())
        .collect();
    assert_eq!(
        years.into_iter().collect::<Vec<_>>(),
        vec!["2025", "2026", "2027", "2028"],
        "Y + 1 years"
    );
    for group in [
        "all",
        "edu_low",
        "income_q5",
        "age_75_plus",
        "class_precariat",
        "top10",
        "rest90",
        "top1",
    ] {
        assert!(
            csv.contains(&format!(",{group},cohesion_index,")),
            "missing group {group}"
        );
    }
    let parquet = std::fs::read(out.join("indicators.parquet")).unwrap();
    assert_eq!(&parquet[..4], b"PAR1");
    let run = std::fs::read_to_string(out.join("run.toml")).unwrap();
    let parsed: toml::Table = run.parse().expect("run.toml is valid TOML");
    assert_eq!(parsed["seed"].as_integer(), Some(4));
    assert_eq!(
        parsed["future"]["provenance"].as_str(),
        Some("reconstructed")
    );
    assert!(parsed["params"]
        .as_table()
        .unwrap()
        .contains_key("algorithmic_bias"));
    assert!(stderr(&o).contains("reconstructed"));
    std::fs::remove_dir_all(&d).unwrap();
}

#[test]
fn same_seed_gives_the_same_bytes_with_one_and_two_threads() {
    let d = scratch("cli", "threads");
    let (a, b) = (d.join("one"), d.join("two"));
    assert!(run_to(&a, &["--threads", "1", "--future", "wild-west"])
        .status
        .success());
    assert!(run_to(&b, &["--threads", "2", "--future", "wild-west"])
        .status
        .success());
    let (x, y) = (
        std::fs::read(a.join("indicators.csv")).unwrap(),
        std::fs::read(b.join("indicators.csv")).unwrap(),
    );
    assert!(x == y, "indicators.csv differs between 1 and 2 threads");
    std::fs::remove_dir_all(&d).unwrap();
}

#[test]
fn bad_input_exits_2_with_a_clear_message_and_no_output() {
    let d = scratch("cli", "bad");
    let out = d.join("never");
    let out_s = out.to_str().unwrap();
    let cases: Vec<(Vec<String>, &str)> = vec![
        (
            vec![
                "run".into(),
                "--future".into(),
                "utopia".into(),
                "--out".into(),
                out_s.into(),
            ],
            "user-utopia",
        ),
        (
            vec![
                "run".into(),
                "--policy".into(),
                "wide".into(),
                "--out".into(),
                out_s.into(),
            ],
            "narrow",
        ),
        (
            vec![
                "run".into(),
                "--agents".into(),
                "-5".into(),
                "--out".into(),
                out_s.into(),
            ],
            "agents",
        ),
    ];
    for (args, needle) in cases {
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let o = cohesion(&args);
        assert_eq!(o.status.code(), Some(2), "{args:?}: {}", stderr(&o));
        assert!(stderr(&o).contains(needle), "{args:?}: {}", stderr(&o));
        assert!(!stderr(&o).contains("panicked"));
    }
    let bad_force = d.join("force.toml");
    std::fs::write(&bad_force, "name = \"x\"\n[forces]\ntech_optimism = 1.5\n").unwrap();
    let o = cohesion(&[
        "run",
        "--scenario",
        bad_force.to_str().unwrap(),
        "--out",
        out_s,
    ]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("force.toml:3: field `forces.tech_optimism`"),
        "{}",
        stderr(&o)
    );
    let malformed = d.join("broken.toml");
    std::fs::write(&malformed, "name = \"x\"\n[forces\n").unwrap();
    let o = cohesion(&[
        "run",
        "--scenario",
        malformed.to_str().unwrap(),
        "--out",
        out_s,
    ]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("broken.toml:2"), "{}", stderr(&o));
    let file_in_the_way = d.join("file");
    std::fs::write(&file_in_the_way, "").unwrap();
    let o = run_to(&file_in_the_way, &[]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(!out.exists(), "no output folder for failed runs");
    std::fs::remove_dir_all(&d).unwrap();
}

#[test]
fn params_lists_every_parameter_with_source() {
    let d = scratch("cli", "params");
    let csv = d.join("p.csv");
    let o = cohesion(&[
        "params",
        "--future",
        "wild-west",
        "--policy",
        "narrow",
        "--csv",
        csv.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let text = std::fs::read_to_string(&csv).unwrap();
    assert!(text.starts_with("name,value,default,unit,mechanism,source"));
    let row = text
        .lines()
        .find(|l| l.starts_with("policy_inclusion,"))
        .unwrap();
    let value: f64 = row.split(',').nth(1).unwrap().parse().unwrap();
    assert!(
        value > 0.5,
        "narrow spends the whole budget on inclusion: {row}"
    );
    std::fs::remove_dir_all(&d).unwrap();
}
