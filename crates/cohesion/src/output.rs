//! Writing a run: `indicators.csv`, `indicators.parquet` (the same long table, with the run's
//! provenance in the file metadata) and `run.toml` (every resolved parameter).

use cohesion_io::table::format_float;
use cohesion_io::{Error, Result};
use cohesion_model::{Params, Row, RunConfig};
use cohesion_scenarios::{forces, policies, Package, Scenario};
use indicatif::{ProgressBar, ProgressStyle};
use std::fs::File;
use std::io::Write;
use std::path::Path;

pub fn progress(show: bool, len: u64, label: &str) -> ProgressBar {
    if !show {
        return ProgressBar::hidden();
    }
    let bar = ProgressBar::new(len);
    bar.set_style(
        ProgressStyle::with_template(
            "{msg} [{bar:30}] {pos}/{len} years, {elapsed} elapsed, eta {eta}",
        )
        .unwrap_or_else(|_| ProgressStyle::default_bar()),
    );
    bar.set_message(label.to_string());
    bar
}

/// A progress bar over runs: runs done, runs per second, time left.
pub fn runs_progress(show: bool) -> ProgressBar {
    if !show {
        return ProgressBar::hidden();
    }
    let bar = ProgressBar::new(0);
    bar.set_style(
        ProgressStyle::with_template(
            "[{bar:30}] {pos}/{len} runs, {per_sec}, {elapsed} elapsed, eta {eta}",
        )
        .unwrap_or_else(|_| ProgressStyle::default_bar()),
    );
    bar
}

fn io(path: &Path) -> impl Fn(std::io::Error) -> Error + '_ {
    move |e| Error::io(path, "write", e)
}

pub fn write_csv(path: &Path, rows: &[Row]) -> Result<()> {
    let f = File::create(path).map_err(io(path))?;
    let mut w = std::io::BufWriter::new(f);
    writeln!(w, "year,group,indicator,value").map_err(io(path))?;
    for r in rows {
        writeln!(
            w,
            "{},{},{},{}",
            r.year,
            r.group,
            r.indicator,
            format_float(r.value)
        )
        .map_err(io(path))?;
    }
    w.flush().map_err(io(path))
}

pub fn write_parquet(path: &Path, rows: &[Row], metadata: Vec<(String, String)>) -> Result<()> {
    use cohesion_experiment::parts::{write_columns, Column};
    use parquet::data_type::ByteArray;
    let text =
        |f: fn(&Row) -> &str| Column::Text(rows.iter().map(|r| ByteArray::from(f(r))).collect());
    let columns = vec![
        Column::Int32(rows.iter().map(|r| r.year).collect()),
        text(|r| r.group.as_str()),
        text(|r| r.indicator),
        Column::Double(rows.iter().map(|r| r.value).collect()),
    ];
    write_columns(
        path,
        "message indicators { REQUIRED INT32 year; REQUIRED BYTE_ARRAY group (UTF8); \
         REQUIRED BYTE_ARRAY indicator (UTF8); REQUIRED DOUBLE value; }",
        &metadata,
        [columns],
    )
}

/// `run.toml`: what was run, with every resolved parameter of the final year and the
/// provenance of the futures and policies it rests on.
pub fn run_toml(
    scenario: &Scenario,
    package: &Package,
    cfg: &RunConfig,
    final_params: &Params,
) -> String {
    let mut s = String::new();
    s.push_str(&format!(
        "program = \"cohesion {}\"\n",
        env!("CARGO_PKG_VERSION")
    ));
    s.push_str(&format!(
        "seed = {}\nagents = {}\nyears = {}\nstart_year = {}\n",
        cfg.seed, cfg.agents, cfg.years, cfg.start_year
    ));
    s.push_str(&format!(
        "behaviour = \"{}\"\nburn_in_years = {}\nagent_order = \"{}\"\n",
        if cfg.uniform_behaviour {
            "uniform"
        } else {
            "typed"
        },
        cfg.burn_in,
        if cfg.neighbourhood_order {
            "neighbourhood"
        } else {
            "synthesis"
        }
    ));
    s.push_str(&format!(
        "\n[future]\nname = {:?}\nlabel = {:?}\nprovenance = {:?}\nramp_years = {}\n",
        scenario.name, scenario.label, scenario.provenance, scenario.ramp_years
    ));
    s.push_str("\n[future.forces]\n");
    for (k, v) in scenario.forces.values() {
        s.push_str(&format!("{k} = {}\n", format_float(v)));
    }
    s.push_str(&format!(
        "\n[policy]\nname = {:?}\nbudget_eur_per_adult = {}\ndiversity_aware = {}\nprovenance = {:?}\n",
        package.name,
        format_float(package.budget),
        package.diversity_aware,
        policies::catalogue().map(|c| c.provenance).unwrap_or_default()
    ));
    s.push_str("\n[policy.allocation]\n");
    for (k, v) in &package.allocation {
        s.push_str(&format!("{k} = {}\n", format_float(*v)));
    }
    s.push_str(&format!(
        "\n# Parameters in force in the final year (forces fully ramped in). Mapping provenance: {}\n[params]\n",
        forces::mapping().map(|m| m.provenance).unwrap_or_default()
    ));
    for (k, v) in final_params.values() {
        s.push_str(&format!("{k} = {}\n", toml_float(v)));
    }
    s
}

fn toml_float(v: f64) -> String {
    let t = format_float(v);
    if t.contains('.') || t.contains('e') || t.contains("inf") || t.contains("NaN") {
        t
    } else {
        format!("{t}.0")
    }
}

/// Write a run's three files into `dir` (a staging folder; the caller moves it into place).
pub fn write_run(
    dir: &Path,
    rows: &[Row],
    scenario: &Scenario,
    package: &Package,
    cfg: &RunConfig,
    last: &Params,
) -> Result<()> {
    write_csv(&dir.join("indicators.csv"), rows)?;
    let meta = vec![
        (
            "program".to_string(),
            format!("cohesion {}", env!("CARGO_PKG_VERSION")),
        ),
        ("future".to_string(), scenario.name.clone()),
        ("future_provenance".to_string(), scenario.provenance.clone()),
        ("policy".to_string(), package.name.clone()),
        ("seed".to_string(), cfg.seed.to_string()),
        ("agents".to_string(), cfg.agents.to_string()),
    ];
    write_parquet(&dir.join("indicators.parquet"), rows, meta)?;
    let path = dir.join("run.toml");
    std::fs::write(&path, run_toml(scenario, package, cfg, last))
        .map_err(|e| Error::io(&path, "write", e))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parquet_holds_the_same_rows_as_the_csv() {
        use parquet::file::reader::{FileReader, SerializedFileReader};
        let rows = vec![
            Row {
                year: 2025,
                group: "all".into(),
                indicator: "income_gini",
                value: 0.28,
            },
            Row {
                year: 2026,
                group: "edu_low".into(),
                indicator: "lonely_share",
                value: f64::NAN,
            },
            Row {
                year: 2026,
                group: "top1".into(),
                indicator: "mean_ties",
                value: 17.25,
            },
        ];
        let path =
            std::env::temp_dir().join(format!("cohesion-parquet-{}.parquet", std::process::id()));
        write_parquet(&path, &rows, vec![("future".into(), "wild-west".into())]).unwrap();
        let reader = SerializedFileReader::new(File::open(&path).unwrap()).unwrap();
        let meta = reader.metadata().file_metadata();
        assert_eq!(meta.num_rows(), 3);
        let kv = meta.key_value_metadata().unwrap();
        assert!(kv
            .iter()
            .any(|k| k.key == "future" && k.value.as_deref() == Some("wild-west")));
        let back: Vec<String> = reader
            .get_row_iter(None)
            .unwrap()
            .map(|r| r.unwrap().to_string())
            .collect();
        assert!(
            back[0].contains("year: 2025")
                && back[0].contains("group: \"all\"")
                && back[0].contains("0.28"),
            "{}",
            back[0]
        );
        assert!(back[2].contains("top1") && back[2].contains("17.25"));
        std::fs::remove_file(&path).unwrap();
    }
}
