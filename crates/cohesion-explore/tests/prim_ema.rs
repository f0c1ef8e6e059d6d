//! PRIM against EMA Workbench on a fixed data set (fixtures/README.md says how it was made).

use cohesion_explore::prim::{find_boxes, Column, Dataset, Limit, Options, PrimBox, Restriction};
use serde_json::Value;
use std::collections::HashMap;

const FIXTURES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures");

/// A fixture's data (a column that does not parse as numbers is categorical, its labels the
/// sorted distinct values, all of which occur) and EMA's results.
fn load(name: &str) -> (Dataset, Vec<bool>, Value) {
    let mut reader = csv::Reader::from_path(format!("{FIXTURES}/{name}_data.csv")).unwrap();
    let headers: Vec<String> = reader.headers().unwrap().iter().map(String::from).collect();
    let records: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    let mut names = Vec::new();
    let mut columns = Vec::new();
    for (c, name) in headers.iter().enumerate().filter(|(_, n)| *n != "y") {
        let cells: Vec<&str> = records.iter().map(|r| &r[c]).collect();
        names.push(name.clone());
        let numbers: Result<Vec<f64>, _> = cells.iter().map(|v| v.parse::<f64>()).collect();
        columns.push(match numbers {
            Ok(values) => Column::Real(values),
            Err(_) => {
                let mut labels: Vec<String> = cells.iter().map(|v| v.to_string()).collect();
                labels.sort();
                labels.dedup();
                let codes = cells
                    .iter()
                    .map(|v| labels.iter().position(|l| l == v).unwrap() as u32)
                    .collect();
                Column::Categorical { codes, labels }
            }
        });
    }
    let y_column = headers.iter().position(|h| h == "y").unwrap();
    let y = records.iter().map(|r| &r[y_column] == "1").collect();
    let ema = serde_json::from_str(
        &std::fs::read_to_string(format!("{FIXTURES}/{name}_ema.json")).unwrap(),
    )
    .unwrap();
    (Dataset { names, columns }, y, ema)
}

fn close(a: f64, b: f64, tolerance: f64) -> bool {
    (a - b).abs() <= tolerance * b.abs().max(1e-300)
}

/// EMA writes every column's limits; ours lists restricted columns only, the rest are full.
fn assert_limits(
    ours: &[Restriction],
    ema: &Value,
    full: &HashMap<&str, (f64, f64)>,
    context: &str,
) {
    let ema = ema.as_object().unwrap();
    for restriction in ours {
        let expected = &ema[&restriction.name];
        match &restriction.limit {
            Limit::Real { low, high } => {
                // Limits are midpoints of data values: the same arithmetic, so equal bits.
                assert_eq!(
                    *low,
                    expected[0].as_f64().unwrap(),
                    "{context}: {} low",
                    restriction.name
                );
                assert_eq!(
                    *high,
                    expected[1].as_f64().unwrap(),
                    "{context}: {} high",
                    restriction.name
                );
            }
            Limit::Categories(labels) => {
                let want: Vec<&str> = expected
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|v| v.as_str().unwrap())
                    .collect();
                assert_eq!(labels, &want, "{context}: {}", restriction.name);
            }
        }
    }
    // The columns restricted here are exactly those EMA's limits narrow: a real column whose
    // limits differ from the data's minimum and maximum, a category list short of all labels.
    let mut restricted_here: Vec<&str> = ours.iter().map(|r| r.name.as_str()).collect();
    let mut restricted_there: Vec<&str> = ema
        .iter()
        .filter(|(name, value)| match name.as_str() {
            _ if value[0].is_string() => {
                value.as_array().unwrap().len() < full[name.as_str()].1 as usize
            }
            _ => {
                let (min, max) = full[name.as_str()];
                (value[0].as_f64().unwrap(), value[1].as_f64().unwrap()) != (min, max)
            }
        })
        .map(|(name, _)| name.as_str())
        .collect();
    restricted_here.sort();
    restricted_there.sort();
    assert_eq!(
        restricted_here, restricted_there,
        "{context}: restricted columns"
    );
}

/// Each real column's minimum and maximum, each categorical column's (0, number of labels):
/// the limits of the box that restricts nothing.
fn full_limits(data: &Dataset) -> HashMap<&str, (f64, f64)> {
    data.names
        .iter()
        .zip(&data.columns)
        .map(|(name, column)| match column {
            Column::Real(v) => (
                name.as_str(),
                (
                    v.iter().copied().fold(f64::INFINITY, f64::min),
                    v.iter().copied().fold(f64::NEG_INFINITY, f64::max),
                ),
            ),
            Column::Categorical { labels, .. } => (name.as_str(), (0.0, labels.len() as f64)),
        })
        .collect()
}

fn check_box(ours: &PrimBox, ema: &Value, full: &HashMap<&str, (f64, f64)>, index: usize) {
    let context = format!("box {}", index + 1);
    let stat = |key: &str| ema[key].as_f64().unwrap();
    assert!(
        close(ours.coverage, stat("coverage"), 1e-12),
        "{context} coverage"
    );
    assert!(
        close(ours.density, stat("density"), 1e-12),
        "{context} density"
    );
    assert!(close(ours.mass, stat("mass"), 1e-12), "{context} mass");
    assert_limits(&ours.restrictions, &ema["limits"], full, &context);

    let trajectory = ema["trajectory"].as_array().unwrap();
    assert_eq!(
        ours.trajectory.len(),
        trajectory.len(),
        "{context}: trajectory length"
    );
    assert_eq!(ours.chosen, trajectory.len() - 1);
    for (step, (point, expected)) in ours.trajectory.iter().zip(trajectory).enumerate() {
        let at = format!("{context}, step {step}");
        assert!(
            close(
                point.coverage,
                expected["coverage"].as_f64().unwrap(),
                1e-12
            ),
            "{at} coverage"
        );
        assert!(
            close(point.density, expected["density"].as_f64().unwrap(), 1e-12),
            "{at} density"
        );
        assert!(
            close(point.mass, expected["mass"].as_f64().unwrap(), 1e-12),
            "{at} mass"
        );
        assert_eq!(
            point.restricted as u64,
            expected["restricted"].as_u64().unwrap(),
            "{at} restricted"
        );
        assert_limits(&point.restrictions, &expected["limits"], full, &at);
    }

    // Quasi-p-values: EMA gives [lower, upper] per restricted column, −1 for a free side.
    let qp = ema["qp"].as_object().unwrap();
    assert_eq!(
        qp.len(),
        ours.restrictions.len(),
        "{context}: restricted columns"
    );
    for restriction in &ours.restrictions {
        let sides = qp[&restriction.name].as_array().unwrap();
        let want = |i: usize| Some(sides[i].as_f64().unwrap()).filter(|v| *v >= 0.0);
        for (got, expected, side) in [
            (restriction.qp_low, want(0), "low"),
            (restriction.qp_high, want(1), "high"),
        ] {
            match (got, expected) {
                (Some(g), Some(e)) => assert!(
                    close(g, e, 1e-9),
                    "{context}: qp {} {side}: {g} vs {e}",
                    restriction.name
                ),
                (g, e) => assert_eq!(g, e, "{context}: qp {} {side}", restriction.name),
            }
        }
    }
}

#[test]
fn boxes_match_ema_workbench() {
    check_fixture("prim");
}

#[test]
fn boxes_match_ema_workbench_on_tied_values() {
    check_fixture("prim_ties");
}

fn check_fixture(name: &str) {
    let (data, y, ema) = load(name);
    let options = Options {
        peel_alpha: ema["peel_alpha"].as_f64().unwrap(),
        paste_alpha: ema["paste_alpha"].as_f64().unwrap(),
        mass_min: ema["mass_min"].as_f64().unwrap(),
        threshold: ema["threshold"].as_f64().unwrap(),
        max_boxes: 10,
    };
    let boxes = find_boxes(&data, &y, &options).unwrap();
    let full = full_limits(&data);
    let expected = ema["boxes"].as_array().unwrap();
    assert_eq!(boxes.len(), expected.len());
    for (index, (ours, theirs)) in boxes.iter().zip(expected).enumerate() {
        check_box(ours, theirs, &full, index);
    }
}

#[test]
fn max_boxes_caps_the_search() {
    let (data, y, _) = load("prim");
    let boxes = find_boxes(
        &data,
        &y,
        &Options {
            max_boxes: 1,
            ..Options::default()
        },
    )
    .unwrap();
    assert_eq!(boxes.len(), 1);
}

#[test]
fn bad_input_is_an_error() {
    let (data, y, _) = load("prim");
    let short = &y[..10];
    assert!(find_boxes(&data, short, &Options::default())
        .unwrap_err()
        .contains("rows"));
    let none = vec![false; y.len()];
    assert!(find_boxes(&data, &none, &Options::default())
        .unwrap_err()
        .contains("no case of interest"));
    let bad = Options {
        peel_alpha: 0.7,
        ..Options::default()
    };
    assert!(find_boxes(&data, &y, &bad)
        .unwrap_err()
        .contains("peel_alpha"));
    let unlabeled = Dataset {
        names: vec!["c".into()],
        columns: vec![Column::Categorical {
            codes: vec![0, 5],
            labels: vec!["a".into()],
        }],
    };
    assert!(find_boxes(&unlabeled, &[true, false], &Options::default())
        .unwrap_err()
        .contains("no label"));
    let nan = Dataset {
        names: vec!["x".into()],
        columns: vec![Column::Real(vec![0.0, f64::NAN])],
    };
    assert!(find_boxes(&nan, &[true, false], &Options::default())
        .unwrap_err()
        .contains("row 2"));
}
