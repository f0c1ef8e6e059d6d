//! The command-line contract of `cohesion monitor` (issue 8): import the shipped snapshots,
//! check them against a band file, and exit 2 with a located message on bad input.

use std::path::PathBuf;

mod common;
use common::{cohesion, scratch};

fn monitor_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../cohesion-monitor")
}

#[test]
fn import_then_check_the_shipped_snapshots() {
    let m = monitor_dir();
    let out = scratch("monitor-cli", "ok").join("monitor");
    let snaps = m.join("data/snapshots");
    let mut args: Vec<String> = vec!["monitor".into(), "import".into()];
    for f in std::fs::read_dir(&snaps).unwrap() {
        let p = f.unwrap().path();
        if p.extension().is_some_and(|e| e != "md") {
            args.push(p.display().to_string());
        }
    }
    args.extend([
        "--mapping".into(),
        m.join("data/mappings.toml").display().to_string(),
        "--out".into(),
        out.display().to_string(),
    ]);
    let refs: Vec<&str> = args.iter().map(String::as_str).collect();
    let o = cohesion(&refs);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert!(String::from_utf8_lossy(&o.stdout).contains("wrote 21 observations"));
    let bands = m.join("tests/fixtures/bands.csv");
    let o = cohesion(&[
        "monitor",
        "check",
        out.to_str().unwrap(),
        "--bands",
        bands.to_str().unwrap(),
        "--future",
        "baseline",
        "--package",
        "none",
        "--json",
        "-",
    ]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let json = String::from_utf8_lossy(&o.stdout);
    assert!(
        json.trim_start().starts_with('['),
        "JSON only on stdout: {json}"
    );
    assert!(json.contains("\"band\": \"above\""), "{json}");
}

#[test]
fn bad_input_exits_2_with_file_and_line() {
    let dir = scratch("monitor-cli", "bad");
    let bad = dir.join("mine.csv");
    std::fs::write(
        &bad,
        "indicator,group,year,value\nvolunteering,all,twenty,0.4\n",
    )
    .unwrap();
    let m = monitor_dir().join("data/mappings.toml");
    let out = dir.join("out");
    let o = cohesion(&[
        "monitor",
        "import",
        bad.to_str().unwrap(),
        "--mapping",
        m.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(2));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("mine.csv:2: field `year`"), "{err}");
    assert!(!out.exists(), "nothing written on bad input");
}
