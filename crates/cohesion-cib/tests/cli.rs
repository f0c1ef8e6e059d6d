//! The command end to end: tables, thread-count independence, ensembles, the model bridge.

use clap::Parser;
use cohesion_cib::cli::{run, CibArgs};
use std::path::PathBuf;

#[derive(Parser)]
struct Wrap {
    #[command(flatten)]
    args: CibArgs,
}

fn args(a: &[&str]) -> CibArgs {
    let mut v = vec!["cib"];
    v.extend_from_slice(a);
    Wrap::try_parse_from(v).unwrap().args
}

fn dir() -> PathBuf {
    let d = std::env::temp_dir().join(format!("cohesion-cib-cli-{}", std::process::id()));
    std::fs::create_dir_all(&d).unwrap();
    d
}

fn p(name: &str) -> String {
    dir().join(name).display().to_string()
}

#[test]
fn study_table_is_identical_for_any_thread_count() {
    let (a, b) = (p("t1.csv"), p("t2.csv"));
    run(&args(&["study", "--basins", "--threads", "1", "--csv", &a])).unwrap();
    run(&args(&["study", "--basins", "--threads", "2", "--csv", &b])).unwrap();
    let (ta, tb) = (
        std::fs::read_to_string(&a).unwrap(),
        std::fs::read_to_string(&b).unwrap(),
    );
    assert_eq!(ta, tb);
    let header = ta.lines().next().unwrap();
    assert!(
        header.starts_with("rank,public_values,digital_autonomy"),
        "{header}"
    );
    assert!(
        header.ends_with("inconsistency,total_impact_score,future,basin_share"),
        "{header}"
    );
    // ordered by total impact score, highest first
    let tis: Vec<i64> = ta
        .lines()
        .skip(1)
        .map(|l| l.split(',').nth(12).unwrap().parse().unwrap())
        .collect();
    assert!(!tis.is_empty());
    assert!(tis.windows(2).all(|w| w[0] >= w[1]), "{tis:?}");
}

#[test]
fn study_finding_big_business_and_user_utopia_are_consistent_wild_west_and_big_brother_not() {
    let c = p("futures.csv");
    run(&args(&["study", "--csv", &c])).unwrap();
    let t = std::fs::read_to_string(&c).unwrap();
    let futures: Vec<&str> = t
        .lines()
        .skip(1)
        .map(|l| l.split(',').nth(13).unwrap())
        .collect();
    assert_eq!(futures.len(), 10);
    assert_eq!(futures[0], "Big Business");
    assert_eq!(futures.iter().filter(|f| **f == "User Utopia").count(), 7);
    assert!(!futures.contains(&"Wild West") && !futures.contains(&"Big Brother"));
}

#[test]
fn json_output_has_one_object_per_scenario() {
    let j = p("s.json");
    run(&args(&["study", "--json", &j])).unwrap();
    let v: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(&j).unwrap()).unwrap();
    let rows = v.as_array().unwrap();
    assert!(!rows.is_empty());
    assert_eq!(rows[0]["rank"], 1);
    assert_eq!(rows[0]["inconsistency"], 0);
    assert!(rows[0]["public_values"].is_string());
}

#[test]
fn to_scenario_writes_the_model_contract() {
    let out = p("cib-1.toml");
    run(&args(&[
        "study",
        "--to-scenario",
        "1",
        "--out",
        &out,
        "--csv",
        &p("x.csv"),
    ]))
    .unwrap();
    let text = std::fs::read_to_string(&out).unwrap();
    let v: toml::Table = toml::from_str(&text).unwrap();
    assert_eq!(v["name"].as_str(), Some("cib-1"));
    assert_eq!(v["provenance"].as_str(), Some("reconstructed"));
    assert!(v["description"]
        .as_str()
        .unwrap()
        .contains("public_values="));
    let forces = v["forces"].as_table().unwrap();
    assert_eq!(forces.len(), 5);
    for f in cohesion_cib::FORCES {
        let x = forces[f].as_float().unwrap();
        assert!((0.0..=1.0).contains(&x), "{f} = {x}");
    }
    let e = run(&args(&[
        "study",
        "--to-scenario",
        "999",
        "--out",
        &out,
        "--csv",
        &p("x.csv"),
    ]))
    .unwrap_err();
    assert!(e.message().contains("999"), "{e}");
}

#[test]
fn intervention_and_ensemble_columns() {
    let e = run(&args(&["study", "--intervene", "public_values=medium"])).unwrap_err();
    assert_eq!(e.exit_code(), 2);
    assert!(e.message().contains("no variant `medium`"), "{e}");
    let c = p("forced.csv");
    run(&args(&[
        "study",
        "--intervene",
        "public_values=weak",
        "--csv",
        &c,
    ]))
    .unwrap();
    let t = std::fs::read_to_string(&c).unwrap();
    assert!(
        t.lines()
            .skip(1)
            .all(|l| l.split(',').nth(1) == Some("weak")),
        "{t}"
    );

    // a second judge identical to the study except one cell
    let study = cohesion_cib::load(std::path::Path::new("study"), (-3, 3)).unwrap();
    let mut other = study.clone();
    other.judge = Some("citizens".into());
    other.set(0, 2, -3);
    let jf = dir().join("citizens.toml");
    cohesion_cib::save(&other, &jf).unwrap();
    let out = p("ens.csv");
    run(&args(&[
        "study",
        "--judges",
        jf.to_str().unwrap(),
        "--csv",
        &out,
    ]))
    .unwrap();
    let t = std::fs::read_to_string(&out).unwrap();
    let header = t.lines().next().unwrap();
    assert!(
        header.ends_with("inconsistency_reconstruction,inconsistency_citizens,judges_consistent"),
        "{header}"
    );
    // mean over two judges gives half-integer scores, written as numbers
    let each = p("each.csv");
    run(&args(&[
        "study",
        "--judges",
        jf.to_str().unwrap(),
        "--combine",
        "each",
        "--csv",
        &each,
    ]))
    .unwrap();
    let t = std::fs::read_to_string(&each).unwrap();
    let counts: Vec<i64> = t
        .lines()
        .skip(1)
        .map(|l| l.rsplit(',').next().unwrap().parse().unwrap())
        .collect();
    assert!(counts.iter().all(|c| (1..=2).contains(c)));
    assert!(counts.windows(2).all(|w| w[0] >= w[1]), "{counts:?}");
}

#[test]
fn monte_carlo_reports_attractors_with_intervals() {
    let out = p("mc.csv");
    run(&args(&[
        "study",
        "--monte-carlo",
        "5000",
        "--seed",
        "3",
        "--csv",
        &out,
    ]))
    .unwrap();
    let t = std::fs::read_to_string(&out).unwrap();
    assert!(t
        .lines()
        .next()
        .unwrap()
        .ends_with("basin_share,basin_ci_low,basin_ci_high"));
    // every attractor found is one of the exhaustive search's consistent scenarios
    let exh = p("exh.csv");
    run(&args(&["study", "--csv", &exh])).unwrap();
    let all = std::fs::read_to_string(&exh).unwrap();
    let key = |l: &str| l.split(',').skip(1).take(10).collect::<Vec<_>>().join(",");
    let set: Vec<String> = all.lines().skip(1).map(key).collect();
    for l in t.lines().skip(1) {
        assert!(set.contains(&key(l)), "{l}");
    }
}

#[test]
fn convert_and_trace() {
    let scw = p("study.scw");
    run(&args(&["study", "--convert", &scw])).unwrap();
    let back = cohesion_cib::load(std::path::Path::new(&scw), (-3, 3)).unwrap();
    assert_eq!(back.descriptors.len(), 10);
    run(&args(&[
        "study",
        "--trace",
        "weak,high,high,dominant,high,stable,stable,stable,stable,continuing",
    ]))
    .unwrap();
    let e = run(&args(&["study", "--trace", "weak,high"])).unwrap_err();
    assert!(e.message().contains("expected one per descriptor"), "{e}");
}
