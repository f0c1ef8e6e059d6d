//! What makes results self-describing: which rows a run keeps, the metadata stored in every
//! Parquet file, and the run table with every categorical value by name.

use crate::parts::Names;
use crate::plan::{Plan, Run};
use crate::spec::Experiment;
use crate::store::{sha256, PROGRAM};
use cohesion_explore::design::Distribution;
use cohesion_io::{Cell, Table};
use cohesion_model::Params;
use serde_json::json;

/// A filter over (year, group, indicator) for the rows an experiment keeps.
pub fn kept<'a>(e: &'a Experiment, names: &Names) -> impl Fn(i32, u16, u16) -> bool + 'a {
    let pairs: Vec<(u16, u16, Option<&'a Vec<i32>>)> = e
        .outcomes
        .iter()
        .flat_map(|o| {
            let ind = names.indicator(&o.indicator).expect("checked on load");
            o.groups
                .iter()
                .map(move |g| {
                    (
                        ind,
                        names.group(g).expect("checked on load"),
                        o.years.as_ref(),
                    )
                })
                .collect::<Vec<_>>()
        })
        .collect();
    move |year, group, indicator| {
        pairs.iter().any(|(i, g, years)| {
            *i == indicator && *g == group && years.is_none_or(|y| y.contains(&year))
        })
    }
}

fn distribution(d: &Distribution) -> serde_json::Value {
    match d {
        Distribution::Uniform => json!({"kind": "uniform"}),
        Distribution::LogUniform => json!({"kind": "log-uniform"}),
        Distribution::Triangular { mode } => json!({"kind": "triangular", "mode": mode}),
        Distribution::Normal { mean, sd } => json!({"kind": "normal", "mean": mean, "sd": sd}),
    }
}

/// Metadata shared by every file of an experiment.
pub fn experiment_metadata(e: &Experiment) -> Vec<(String, String)> {
    let factors: Vec<_> = e
        .factors
        .iter()
        .map(|f| {
            json!({
                "name": f.name,
                "unit": Params::spec(&f.name).map(|s| s.unit).unwrap_or(""),
                "low": f.low, "high": f.high,
                "distribution": distribution(&f.distribution),
            })
        })
        .collect();
    let units: serde_json::Map<String, serde_json::Value> = e
        .outcomes
        .iter()
        .map(|o| {
            (
                o.indicator.clone(),
                json!(cohesion_model::indicators::unit(&o.indicator)),
            )
        })
        .collect();
    let futures: Vec<_> = e
        .futures
        .iter()
        .map(|f| json!({"name": f.name, "provenance": f.provenance}))
        .collect();
    let packages: Vec<_> = e
        .packages
        .iter()
        .map(|p| json!({"name": p.name, "provenance": "reconstructed"}))
        .collect();
    vec![
        ("cohesion.program".into(), PROGRAM.into()),
        ("cohesion.experiment_name".into(), e.name.clone()),
        ("cohesion.experiment_sha256".into(), sha256(&e.text)),
        ("cohesion.experiment".into(), e.text.clone()),
        ("cohesion.columns".into(), "run_id: run number (see runs.csv); year; group; indicator; value in the indicator's unit".into()),
        ("cohesion.units".into(), serde_json::Value::Object(units).to_string()),
        ("cohesion.factors".into(), serde_json::Value::Array(factors).to_string()),
        ("cohesion.futures".into(), serde_json::Value::Array(futures).to_string()),
        ("cohesion.packages".into(), serde_json::Value::Array(packages).to_string()),
        ("cohesion.provenance".into(), provenance_note(e)),
    ]
}

/// The warning every output carries when it rests on reconstructed presets.
pub fn provenance_note(e: &Experiment) -> String {
    let reconstructed: Vec<&str> = e
        .futures
        .iter()
        .filter(|f| f.provenance == "reconstructed")
        .map(|f| f.name.as_str())
        .collect();
    let mut s = String::from(
        "policy packages and the force→parameter mapping are reconstructed from the study's text, not its own scores",
    );
    if !reconstructed.is_empty() {
        s.push_str(&format!(
            "; the force values of {} are reconstructed presets",
            reconstructed.join(", ")
        ));
    }
    s
}

/// Metadata of one run's part: the experiment's, plus what this run was.
pub fn part_metadata(e: &Experiment, plan: &Plan, run: &Run) -> Vec<(String, String)> {
    let mut m = experiment_metadata(e);
    let factors: serde_json::Map<String, serde_json::Value> = e
        .factors
        .iter()
        .zip(&plan.points[run.point])
        .map(|(f, v)| (f.name.clone(), json!(v)))
        .collect();
    m.push((
        "cohesion.run".into(),
        json!({
            "run_id": run.id,
            "future": e.futures[run.future].name,
            "package": e.packages[run.package].name,
            "point": run.point,
            "replication": run.replication,
            "seed": run.seed.to_string(),
            "factors": factors,
        })
        .to_string(),
    ));
    m
}

/// The run table: one row per run, categorical values by name, parameters by value.
pub fn runs_table(e: &Experiment, plan: &Plan) -> Table {
    let mut columns: Vec<String> = [
        "run_id",
        "future",
        "package",
        "point",
        "replication",
        "seed",
    ]
    .map(String::from)
    .to_vec();
    columns.extend(e.factors.iter().map(|f| f.name.clone()));
    let mut t = Table::new(columns);
    for id in 0..plan.count().unwrap_or(0) {
        let r = plan.run(id);
        let mut row = vec![
            Cell::Int(id as i64),
            Cell::Str(e.futures[r.future].name.clone()),
            Cell::Str(e.packages[r.package].name.clone()),
            Cell::Int(r.point as i64),
            Cell::Int(r.replication as i64),
            Cell::Str(r.seed.to_string()),
        ];
        row.extend(plan.points[r.point].iter().map(|v| Cell::Float(*v)));
        t.push(row);
    }
    t
}
