//! Check: the band test on a constructed case, the band file reader, and the command end to end.

use cohesion_io::Cell;
use cohesion_monitor::check::{check, read_bands, Band};
use cohesion_monitor::cli::{CheckArgs, MonitorArgs, MonitorCommand};
use cohesion_monitor::observation::{self, Observation};
use std::path::PathBuf;

fn obs(indicator: &str, year: i32, value: f64, se: Option<f64>) -> Observation {
    Observation {
        indicator: indicator.into(),
        group: "all".into(),
        year,
        value,
        lower: se.map(|s| value - 1.96 * s),
        upper: se.map(|s| value + 1.96 * s),
        se,
        se_basis: "test".into(),
        flag: String::new(),
        table: "t".into(),
        source: "constructed".into(),
        retrieved: "constructed".into(),
        file: "x.csv".into(),
        line: 2,
        url: String::new(),
    }
}

fn band(indicator: &str, year: i32, p5: f64, p95: f64) -> Band {
    Band {
        future: "baseline".into(),
        package: "none".into(),
        indicator: indicator.into(),
        group: "all".into(),
        year,
        runs: 50,
        p5,
        median: (p5 + p95) / 2.0,
        p95,
    }
}

fn cell<'a>(t: &'a cohesion_io::Table, row: usize, col: &str) -> &'a Cell {
    let j = t.columns.iter().position(|c| c == col).unwrap();
    &t.rows[row][j]
}

fn text(c: &Cell) -> String {
    c.text()
}

#[test]
fn latest_observations_leaving_the_band_are_flagged() {
    // Trust drifts up out of a flat band [0.60, 0.64]: 2022 inside, 2023 and 2024 above.
    let observations = vec![
        obs("generalised_trust", 2021, 0.61, Some(0.005)),
        obs("generalised_trust", 2022, 0.63, Some(0.005)),
        obs("generalised_trust", 2023, 0.655, Some(0.005)),
        obs("generalised_trust", 2024, 0.66, Some(0.005)),
        obs("volunteering", 2024, 0.40, None),
        obs("income_gini", 2023, 0.28, None),
    ];
    let bands: Vec<Band> = (2022..=2026)
        .map(|y| band("generalised_trust", y, 0.60, 0.64))
        .chain([band("volunteering", 2024, 0.38, 0.45)])
        .chain([band("income_gini", 2025, 0.27, 0.29)])
        .collect();
    let t = check(&observations, &bands, None, None).unwrap();
    assert_eq!(t.rows.len(), 3);
    // Rows are sorted by indicator: generalised_trust, income_gini, volunteering.
    assert_eq!(text(cell(&t, 0, "band")), "above");
    assert_eq!(text(cell(&t, 0, "band_year")), "2024");
    assert_eq!(text(cell(&t, 0, "outside_recent")), "2 of 3");
    // 0.66 ± 1.96·0.005 = [0.6502, 0.6698] lies wholly above 0.64.
    assert_eq!(text(cell(&t, 0, "interval_overlaps_band")), "no");
    // Last change 0.005 against 1.96·√2·0.005 = 0.01386: within; 0.02 and 0.025 exceed.
    assert_eq!(text(cell(&t, 0, "change")), "within sampling error");
    assert_eq!(text(cell(&t, 0, "changes_exceeding")), "2 of 3");
    assert!(text(cell(&t, 0, "trend_break")).starts_with("too short (n = 4 < 6)"));
    assert!(text(cell(&t, 0, "early_warning")).starts_with("too short (n = 4 < 20)"));
    assert_eq!(
        text(cell(&t, 1, "band")),
        "no band for observed years (band 2025–2025, observed to 2023)"
    );
    assert_eq!(text(cell(&t, 2, "band")), "inside");
    assert_eq!(text(cell(&t, 2, "change")), "one observation");
}

#[test]
fn future_and_package_select_band_rows() {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
    let bands = read_bands(&dir.join("bands.csv")).unwrap();
    let observations = vec![obs("generalised_trust", 2022, 0.66, Some(0.0055))];
    let all = check(&observations, &bands, None, None).unwrap();
    assert_eq!(all.rows.len(), 2, "one row per (future, package)");
    let broad = check(&observations, &bands, Some("baseline"), Some("broad")).unwrap();
    assert_eq!(broad.rows.len(), 1);
    assert_eq!(text(cell(&broad, 0, "band")), "inside");
    let none = check(&observations, &bands, None, Some("none")).unwrap();
    assert_eq!(text(cell(&none, 0, "band")), "above");
    let e = check(&observations, &bands, Some("utopia"), None).unwrap_err();
    assert_eq!(e.exit_code(), 2);
}

#[test]
fn broken_band_files_name_line_and_field() {
    let dir = std::env::temp_dir().join(format!("cohesion-monitor-bands-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let header = "future,package,indicator,group,year,runs,p5,median,p95\n";
    let cases = [
        ("a.csv", "baseline,none,volunteering,all,2025,50,0.4,0.41,0.42\nbaseline,none,volunteering,all,2026,50,low,0.41,0.42\n", ":3: field `p5`"),
        ("b.csv", "baseline,none,volunteering,all,2025,50,0.5,0.41,0.42\n", ":2: field `p5`: needs finite p5 ≤ median ≤ p95"),
        ("c.csv", "baseline,none,volunteering,all,2025,50,0.4,0.41\n", ":2:"),
    ];
    for (name, body, expect) in cases {
        let p = dir.join(name);
        std::fs::write(&p, format!("{header}{body}")).unwrap();
        let e = read_bands(&p).unwrap_err();
        assert!(e.message().contains(expect), "{name}: {e}");
        assert_eq!(e.exit_code(), 2);
    }
    let p = dir.join("d.csv");
    std::fs::write(&p, "future;package\n").unwrap();
    assert!(read_bands(&p)
        .unwrap_err()
        .message()
        .contains("header must be"));
}

#[test]
fn the_command_writes_csv_and_json() {
    let dir = std::env::temp_dir().join(format!("cohesion-monitor-cmd-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let observations = vec![
        obs("generalised_trust", 2021, 0.64, Some(0.0055)),
        obs("generalised_trust", 2022, 0.66, Some(0.0055)),
    ];
    cohesion_io::write_atomic(&dir.join("observations.csv"), |w| {
        observation::write_csv(&observations, w)
    })
    .unwrap();
    let fixtures = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
    let args = MonitorArgs {
        command: MonitorCommand::Check(CheckArgs {
            dir: dir.clone(),
            bands: fixtures.join("bands.csv"),
            future: Some("baseline".into()),
            package: Some("none".into()),
            csv: Some(dir.join("check.csv")),
            json: Some(dir.join("check.json")),
        }),
    };
    cohesion_monitor::cli::run(&args).unwrap();
    let csv = std::fs::read_to_string(dir.join("check.csv")).unwrap();
    assert!(csv
        .lines()
        .nth(1)
        .unwrap()
        .starts_with("generalised_trust,all,baseline,none,2,2021,2022,0.66,2022,"));
    let json: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(dir.join("check.json")).unwrap()).unwrap();
    assert_eq!(json[0]["band"], "above");
    assert_eq!(json[0]["change"], "exceeds sampling error");
}

#[test]
fn a_hand_edited_observation_file_with_a_repeated_year_is_refused() {
    let dir = std::env::temp_dir().join(format!("cohesion-monitor-dupobs-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let rows = vec![
        obs("volunteering", 2022, 0.41, None),
        obs("volunteering", 2023, 0.42, None),
        obs("volunteering", 2022, 0.43, None),
    ];
    let p = dir.join("observations.csv");
    cohesion_io::write_atomic(&p, |w| observation::write_csv(&rows, w)).unwrap();
    let e = observation::read_csv(&p).unwrap_err();
    assert!(e.message().contains(":4: field `year`"), "{e}");
    assert!(e.message().contains("already on line 2"), "{e}");
}

/// The names a mapping may target are a data file, so the monitor does not depend on the
/// model; this test keeps the file in step with what the model reports.
#[test]
fn model_names_match_the_model() {
    let names = cohesion_monitor::mapping::model_names();
    let mut indicators = names.indicators.clone();
    indicators.sort();
    assert_eq!(indicators, cohesion_model::indicators::INDICATORS);
    assert_eq!(names.groups, cohesion_model::indicators::group_names());
}
