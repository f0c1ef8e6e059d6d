//! Import: every reader on the shipped snapshots and constructed fixtures, and on broken copies.

use cohesion_monitor::formats::{self, Format};
use cohesion_monitor::import::{self, Imported};
use cohesion_monitor::mapping::Mapping;
use cohesion_monitor::observation::{self, Observation, Z95};
use std::path::{Path, PathBuf};

fn crate_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn snapshot(name: &str) -> PathBuf {
    crate_dir().join("data/snapshots").join(name)
}

fn fixture(name: &str) -> PathBuf {
    crate_dir().join("tests/fixtures").join(name)
}

const SNAPSHOTS: [&str; 5] = [
    "cbs_statline_trust_volunteering.csv",
    "cbs_odata_inequality.json",
    "cbs_odata4_loneliness.json",
    "estat_isoc_sk_dskl_i21.tsv",
    "oecd_trust_government.csv",
];

fn shipped_mapping() -> Mapping {
    Mapping::load(&crate_dir().join("data/mappings.toml")).unwrap()
}

fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("cohesion-monitor-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn find<'a>(obs: &'a [Observation], ind: &str, group: &str, year: i32) -> &'a Observation {
    obs.iter()
        .find(|o| o.indicator == ind && o.group == group && o.year == year)
        .unwrap_or_else(|| panic!("no {ind}/{group}/{year}"))
}

fn import_snapshots() -> Imported {
    let files: Vec<PathBuf> = SNAPSHOTS.iter().map(|f| snapshot(f)).collect();
    import::import(&files, &shipped_mapping()).unwrap()
}

#[test]
fn every_shipped_snapshot_imports_in_model_units() {
    let imported = import_snapshots();
    let obs = &imported.observations;
    assert_eq!(imported.files.len(), 5);
    let formats: Vec<Format> = imported.files.iter().map(|f| f.format).collect();
    for f in [
        Format::CbsCsv,
        Format::CbsJson,
        Format::EurostatTsv,
        Format::Plain,
    ] {
        assert!(formats.contains(&f), "{f:?} missing");
    }
    // StatLine CSV: decimal comma, percent → share, binomial SE from n.
    let trust = find(obs, "generalised_trust", "all", 2022);
    assert_eq!(trust.value, 0.66);
    assert_eq!(
        trust.line, 6,
        "line numbers survive the export's CRLF line ends"
    );
    assert!((trust.se.unwrap() - (0.66f64 * 0.34 / 7500.0).sqrt()).abs() < 1e-15);
    assert_eq!(find(obs, "volunteering", "edu_low", 2022).value, 0.312);
    // `.` cells are missing, not zero: trust has no 2021 value, volunteering no 2012 value.
    assert!(obs
        .iter()
        .all(|o| !(o.indicator == "generalised_trust" && o.year == 2021)));
    assert!(obs
        .iter()
        .all(|o| !(o.indicator == "volunteering" && o.year == 2012)));
    // OData v3 with null cells; register data carry only their rounding error.
    assert_eq!(find(obs, "income_s80s20", "all", 2023).value, 4.10);
    let gini = find(obs, "wealth_gini", "all", 2023);
    assert!((gini.se.unwrap() - 0.01 / 12f64.sqrt()).abs() < 1e-15);
    assert_eq!(find(obs, "wealth_top10_share", "all", 2015).value, 0.70);
    // OData v4 observations, filtered on Measure.
    assert_eq!(find(obs, "lonely_share", "all", 2024).value, 0.10);
    assert_eq!(
        obs.iter().filter(|o| o.indicator == "lonely_share").count(),
        2
    );
    // Eurostat TSV, and the plain CSV without a sampling error.
    assert_eq!(find(obs, "basic_digital_skills", "all", 2023).value, 0.827);
    let inst = find(obs, "institutional_trust", "all", 2023);
    assert_eq!((inst.value, inst.se), (0.44, None));
    assert_eq!(obs.len(), 21);
    // Provenance travels with every row.
    assert!(trust.source.contains("CBS") && trust.retrieved.contains("transcribed"));
    assert!(trust.line > 1 && trust.file.ends_with("cbs_statline_trust_volunteering.csv"));
}

#[test]
fn written_observations_read_back_identically() {
    let imported = import_snapshots();
    let out = scratch("roundtrip");
    import::write(&imported, &shipped_mapping(), &out).unwrap();
    let back = observation::read_csv(&out.join("observations.csv")).unwrap();
    assert_eq!(back, imported.observations);
    assert!(out.join("provenance.csv").exists() && out.join("mapping.toml").exists());
    let leftovers: Vec<_> = std::fs::read_dir(&out)
        .unwrap()
        .filter(|e| {
            e.as_ref()
                .unwrap()
                .file_name()
                .to_string_lossy()
                .starts_with('.')
        })
        .collect();
    assert!(leftovers.is_empty(), "staging left behind");
}

#[test]
fn constructed_fixtures_cover_flags_margins_quarters_and_sdmx() {
    let mapping = Mapping::load(&fixture("constructed_mapping.toml")).unwrap();
    let files: Vec<PathBuf> = [
        "estat_isoc_sk_dskl_i21_sdmx.csv",
        "constructed_flags.tsv",
        "constructed_margins.csv",
        "constructed_quarters.json",
    ]
    .iter()
    .map(|f| fixture(f))
    .collect();
    let imported = import::import(&files, &mapping).unwrap();
    let obs = &imported.observations;
    // SDMX-CSV matched by its DATAFLOW id.
    assert_eq!(find(obs, "basic_digital_skills", "all", 2021).value, 0.809);
    // TSV flags kept, `:` and `: c` missing, the BE row filtered out.
    assert_eq!(find(obs, "volunteering", "all", 2021).flag, "b");
    assert_eq!(find(obs, "volunteering", "all", 2022).flag, "p");
    let years: Vec<i32> = obs
        .iter()
        .filter(|o| o.indicator == "volunteering")
        .map(|o| o.year)
        .collect();
    assert_eq!(years, [2019, 2021, 2022]);
    let flags = imported
        .files
        .iter()
        .find(|f| f.table == "flags-test")
        .unwrap();
    assert_eq!(flags.missing, 2);
    // Margins rows become the interval; SE = (upper − lower)/(2·1.96); `2022*` provisional.
    let t = find(obs, "generalised_trust", "all", 2022);
    assert_eq!(
        (t.lower, t.upper, t.flag.as_str()),
        (Some(0.649), Some(0.671), "provisional")
    );
    assert!((t.se.unwrap() - 0.022 / (2.0 * Z95)).abs() < 1e-12);
    // OData: table id from the metadata URL, quarters skipped, null missing.
    let q = imported
        .files
        .iter()
        .find(|f| f.table == "99999TST")
        .unwrap();
    assert_eq!((q.observations, q.sub_annual, q.missing), (1, 2, 1));
    assert_eq!(find(obs, "generalised_trust", "edu_low", 2022).value, 0.66);
}

/// Run an import that must fail and return its message; check nothing was written.
fn import_error(files: &[PathBuf], mapping: &Mapping, name: &str) -> String {
    let out = scratch(&format!("{name}-out")).join("out");
    let result = import::import(files, mapping).and_then(|i| import::write(&i, mapping, &out));
    let e = result.expect_err("import should fail");
    assert_eq!(e.exit_code(), 2, "{e}");
    assert!(!out.join("observations.csv").exists());
    e.message().to_string()
}

fn write(dir: &Path, name: &str, bytes: &[u8]) -> PathBuf {
    let p = dir.join(name);
    std::fs::write(&p, bytes).unwrap();
    p
}

#[test]
fn truncated_json_names_file_and_line() {
    let dir = scratch("truncated");
    let text = std::fs::read_to_string(snapshot("cbs_odata_inequality.json")).unwrap();
    let cut = write(
        &dir,
        "cbs_odata_inequality.json",
        &text.as_bytes()[..text.len() / 2],
    );
    let msg = import_error(&[cut], &shipped_mapping(), "truncated");
    assert!(msg.contains("cbs_odata_inequality.json:4:"), "{msg}");
    assert!(msg.contains("JSON"), "{msg}");
}

#[test]
fn wrong_delimiters_are_named() {
    let dir = scratch("delim");
    let text = std::fs::read_to_string(snapshot("cbs_statline_trust_volunteering.csv")).unwrap();
    let commas = write(
        &dir,
        "cbs_statline_trust_volunteering.csv",
        text.replace(';', ",").as_bytes(),
    );
    let msg = import_error(&[commas], &shipped_mapping(), "delim");
    assert!(
        msg.contains("cbs_statline_trust_volunteering.csv:1:"),
        "{msg}"
    );
    assert!(msg.contains("wrong delimiter"), "{msg}");
    let tsv = std::fs::read_to_string(snapshot("estat_isoc_sk_dskl_i21.tsv")).unwrap();
    let tsv_commas = write(
        &dir,
        "estat_isoc_sk_dskl_i21.tsv",
        tsv.replace('\t', ",").as_bytes(),
    );
    let msg = import_error(&[tsv_commas], &shipped_mapping(), "delim2");
    assert!(msg.contains("estat_isoc_sk_dskl_i21.tsv:1:"), "{msg}");
    assert!(msg.contains("wrong delimiter"), "{msg}");
}

#[test]
fn non_utf8_bytes_are_located() {
    let dir = scratch("latin1");
    let mut bytes = std::fs::read(snapshot("cbs_statline_trust_volunteering.csv")).unwrap();
    let at = bytes.iter().rposition(|&b| b == b'h').unwrap(); // in "hoog", last line
    bytes[at] = 0xf6;
    let bad = write(&dir, "cbs_statline_trust_volunteering.csv", &bytes);
    let msg = import_error(&[bad], &shipped_mapping(), "latin1");
    assert!(
        msg.contains("cbs_statline_trust_volunteering.csv:8:"),
        "{msg}"
    );
    assert!(msg.contains("UTF-8"), "{msg}");
}

#[test]
fn a_missing_column_is_named() {
    let dir = scratch("column");
    let text = std::fs::read_to_string(snapshot("cbs_statline_trust_volunteering.csv")).unwrap();
    let renamed = write(
        &dir,
        "cbs_statline_trust_volunteering.csv",
        text.replace("Vertrouwen in medemens (%)", "Vertrouwen (%)")
            .as_bytes(),
    );
    let msg = import_error(&[renamed], &shipped_mapping(), "column");
    assert!(
        msg.contains(":1: field `Vertrouwen in medemens (%)`: no such column"),
        "{msg}"
    );
    let sdmx = std::fs::read_to_string(fixture("estat_isoc_sk_dskl_i21_sdmx.csv")).unwrap();
    let no_value = write(&dir, "x.csv", sdmx.replace("OBS_VALUE", "VALUE").as_bytes());
    let e = formats::read(&no_value, Some(Format::SdmxCsv)).unwrap_err();
    assert!(e.message().contains("x.csv:1: field `OBS_VALUE`"), "{e}");
}

#[test]
fn a_non_numeric_value_names_line_and_field() {
    let dir = scratch("nonnum");
    let text = std::fs::read_to_string(snapshot("cbs_statline_trust_volunteering.csv")).unwrap();
    let bad = write(
        &dir,
        "cbs_statline_trust_volunteering.csv",
        text.replace("\"63\"", "\"zes\"").as_bytes(),
    );
    let msg = import_error(&[bad], &shipped_mapping(), "nonnum");
    assert!(
        msg.contains(":4: field `Vertrouwen in medemens (%)`: `zes` is not a number"),
        "{msg}"
    );
    let tsv = std::fs::read_to_string(snapshot("estat_isoc_sk_dskl_i21.tsv")).unwrap();
    let bad = write(
        &dir,
        "estat_isoc_sk_dskl_i21.tsv",
        tsv.replace("82.7", "n/a").as_bytes(),
    );
    let msg = import_error(&[bad], &shipped_mapping(), "nonnum2");
    assert!(msg.contains(":2: field `OBS_VALUE`"), "{msg}");
}

#[test]
fn unknown_targets_are_refused_in_mapping_and_plain_files() {
    let dir = scratch("target");
    let text = std::fs::read_to_string(crate_dir().join("data/mappings.toml")).unwrap();
    let bad = text.replacen(
        "indicator = \"volunteering\"",
        "indicator = \"vrijwilligers\"",
        1,
    );
    let e = Mapping::parse(Path::new("mappings.toml"), bad).unwrap_err();
    assert!(e.message().contains("field `series.indicator`"), "{e}");
    assert!(e.message().contains("vrijwilligers"), "{e}");
    let plain = write(
        &dir,
        "mine.csv",
        b"indicator,group,year,value\ngeneralised_trust,all,2023,0.6\ngeneralised_trust,students,2023,0.7\n",
    );
    let msg = import_error(&[plain], &shipped_mapping(), "target");
    assert!(msg.contains("mine.csv:3: field `group`"), "{msg}");
}

#[test]
fn unmatched_files_and_duplicate_series_are_refused() {
    let dir = scratch("dup");
    let plain = write(
        &dir,
        "again.csv",
        b"indicator,group,year,value\ninstitutional_trust,all,2023,0.45\n",
    );
    let msg = import_error(
        &[snapshot("oecd_trust_government.csv"), plain],
        &shipped_mapping(),
        "dup",
    );
    assert!(
        msg.contains("again.csv:2:") && msg.contains("already read"),
        "{msg}"
    );
    let stray = write(
        &dir,
        "stray.tsv",
        b"freq,geo\\TIME_PERIOD\t2023 \nA,NL\t1 \n",
    );
    let msg = import_error(&[stray], &shipped_mapping(), "dup2");
    assert!(
        msg.contains("stray.tsv") && msg.contains("no [[table]]"),
        "{msg}"
    );
}
