//! Round trips of every input format and bad-input messages naming file, line, descriptor.

use cohesion_cib::{format_csv, format_scw, format_toml, load, random_cib, save, Cib, FORCES};
use std::path::{Path, PathBuf};

fn tmp(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("cohesion-cib-tests-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    dir.join(name)
}

/// A random matrix with readable names, a few open cells and a mapping.
fn sample() -> Cib {
    let mut c = random_cib(&[2, 3, 2, 4], 11);
    c.descriptors[0].name = "public_values".into();
    c.descriptors[1].name = "trust in institutions".into(); // needs quoting in TOML
    c.descriptors[1].variants = vec!["rising".into(), "stable".into(), "falling".into()];
    c.title = Some("sample \"quoted\"".into());
    c.provenance = Some("reconstructed".into());
    let n = c.total_variants();
    c.cells[2 * n] = 0;
    c.scored[2 * n] = false;
    c
}

#[test]
fn toml_round_trips_with_open_cells_and_mapping() {
    let mut c = sample();
    c.mapping.push(cohesion_cib::ForceMapping {
        force: "public_values".into(),
        descriptor: 0,
        values: vec![0.85, 0.2],
    });
    c.futures
        .push(("Utopia \"one\"".into(), vec![(0, 1), (1, 2)]));
    let text = format_toml::write(&c);
    let back = format_toml::parse(&text, Path::new("x.toml")).unwrap();
    assert_eq!(back, c);
}

#[test]
fn csv_round_trips() {
    let c = sample();
    let text = format_csv::write(&c).unwrap();
    let mut back = format_csv::parse(&text, Path::new("x.csv"), (-3, 3)).unwrap();
    // CSV carries the matrix only
    back.title = c.title.clone();
    back.provenance = c.provenance.clone();
    assert_eq!(back, c);
}

#[test]
fn scw_round_trips_and_reads_the_public_sample_layout() {
    let mut c = random_cib(&[3, 3, 4], 5);
    let text = format_scw::write(&c, "x.scw");
    let back = format_scw::parse(&text, Path::new("x.scw")).unwrap();
    c.range = back.range;
    assert_eq!(back, c);
    // The layout of ScenarioWizard 4 sample files: header, descriptions, colours, matrix,
    // notes; magnitudes above 3 widen the range.
    let sample = "$ ScenarioWizard 4.0\nsmall.scw\n&A\n -a1\n -a2\n&B\n -b1\n -b2\n#\n&\n \n \n&\n \n \n#\n#\nFFFFFF\nFFFFFF\nFFFFFF\nFFFFFF\n#\n#\n 0 , 0 , 5 ,-5 \n 0 , 0 ,-1 , 1 \n 2 ,-2 , 0 , 0 \n-2 , 2 , 0 , 0 \n#\n# 0-0\n\"\"\n# \n\"\"\n# \n\"\"\n#  -> \n\"\"\n#\n#\n";
    let s = format_scw::parse(sample, Path::new("small.scw")).unwrap();
    assert_eq!(s.descriptors[1].variants, vec!["b1", "b2"]);
    assert_eq!(s.cell(0, 2), 5);
    assert_eq!(s.cell(3, 1), 2);
    assert_eq!(s.range, (-5, 5));
}

#[test]
fn files_round_trip_through_save_and_load() {
    let c = random_cib(&[2, 2, 3], 9);
    for ext in ["toml", "csv", "scw"] {
        let p = tmp(&format!("rt.{ext}"));
        save(&c, &p).unwrap();
        let back = load(&p, (-3, 3)).unwrap();
        assert_eq!(back.cells, c.cells, "{ext}");
        assert_eq!(back.descriptors, c.descriptors, "{ext}");
    }
}

const GOOD: &str = r#"title = "t"
[[descriptor]]
name = "economy"
variants = ["growth", "stagnation"]

[[descriptor]]
name = "cohesion"
variants = ["high", "low"]

[impact.economy.cohesion]
growth = [2, -2]
stagnation = [-1, 1]

[impact.cohesion.economy]
high = [1, -1]
low = [-1, 1]
"#;

fn toml_err(text: &str) -> String {
    let e = format_toml::parse(text, Path::new("m.toml")).unwrap_err();
    assert_eq!(e.exit_code(), 2);
    e.message().to_string()
}

#[test]
fn good_toml_parses() {
    let c = format_toml::parse(GOOD, Path::new("m.toml")).unwrap();
    assert_eq!(c.cell(0, 2), 2);
    assert_eq!(c.cell(3, 1), 1);
}

#[test]
fn value_out_of_range_names_file_line_and_descriptor() {
    let m = toml_err(&GOOD.replace("growth = [2, -2]", "growth = [4, -2]"));
    assert!(m.starts_with("m.toml:11:"), "{m}");
    assert!(m.contains("impact.economy.cohesion.growth"), "{m}");
    assert!(m.contains("outside the range -3..3"), "{m}");
}

#[test]
fn ragged_row_names_file_line_and_descriptor() {
    let m = toml_err(&GOOD.replace("low = [-1, 1]", "low = [-1, 1, 0]"));
    assert!(m.starts_with("m.toml:16:"), "{m}");
    assert!(m.contains("impact.cohesion.economy.low"), "{m}");
    assert!(m.contains("3 values, expected 2"), "{m}");
}

#[test]
fn missing_section_names_the_descriptor_and_its_line() {
    let text = GOOD.replace(
        "[impact.cohesion.economy]\nhigh = [1, -1]\nlow = [-1, 1]\n",
        "",
    );
    let m = toml_err(&text);
    assert!(m.starts_with("m.toml:7:"), "{m}");
    assert!(
        m.contains("missing section [impact.cohesion.economy]"),
        "{m}"
    );
    // … unless absent sections are declared to mean no influence
    let ok = format_toml::parse(
        &format!("missing_sections = \"zero\"\n{text}"),
        Path::new("m.toml"),
    )
    .unwrap();
    assert_eq!(ok.cell(2, 0), 0);
}

#[test]
fn duplicate_names_are_rejected_with_their_line() {
    let m = toml_err(&GOOD.replace("name = \"cohesion\"", "name = \"economy\""));
    assert!(m.starts_with("m.toml:7:"), "{m}");
    assert!(m.contains("duplicate descriptor `economy`"), "{m}");
    let m = toml_err(&GOOD.replace("[\"high\", \"low\"]", "[\"high\", \"high\"]"));
    assert!(m.contains("variant `high` twice"), "{m}");
    // a duplicated row is a TOML duplicate key, reported by the parser with its line
    let m = toml_err(&GOOD.replace("stagnation = [-1, 1]", "growth = [-1, 1]"));
    assert!(m.starts_with("m.toml:12:"), "{m}");
}

#[test]
fn unknown_names_and_bad_mapping_are_located() {
    let m = toml_err(&GOOD.replace("[impact.cohesion.economy]", "[impact.cohesion.economi]"));
    assert!(
        m.contains(":14:") && m.contains("no descriptor named `economi`"),
        "{m}"
    );
    let m = toml_err(&format!("{GOOD}\n[mapping.public_values]\ndescriptor = \"economy\"\nvalues = {{ growth = 1.5, stagnation = 0.1 }}\n"));
    assert!(m.contains(":20:") && m.contains("must be in 0..1"), "{m}");
    let m = toml_err(&format!("{GOOD}\n[mapping.publik_values]\ndescriptor = \"economy\"\nvalues = {{ growth = 1, stagnation = 0 }}\n"));
    assert!(m.contains("unknown force `publik_values`"), "{m}");
    let m = toml_err(&format!("{GOOD}\n[future.boom]\neconomy = \"boom\"\n"));
    assert!(m.contains(":19:") && m.contains("no variant `boom`"), "{m}");
    let m = toml_err(&GOOD.replace("growth = [2, -2]", "growth = [2, \"x\"]"));
    assert!(m.contains("expected an integer or \"?\""), "{m}");
}

#[test]
fn csv_errors_name_file_line_and_descriptor() {
    let c = random_cib(&[2, 2], 3);
    let text = format_csv::write(&c).unwrap();
    let mut lines: Vec<String> = text.lines().map(String::from).collect();
    lines[3].push_str(",1"); // ragged: row of d0=v1
    let e = format_csv::parse(&lines.join("\n"), Path::new("m.csv"), (-3, 3)).unwrap_err();
    assert!(
        e.message().starts_with("m.csv:4:") && e.message().contains("d0=v1"),
        "{e}"
    );
    // row of d1=v0 (line 5) with an out-of-range first cell
    let mut bad = text.lines().map(String::from).collect::<Vec<_>>();
    let cells: Vec<&str> = lines[4].split(',').collect();
    bad[4] = format!("{},{},9,{}", cells[0], cells[1], cells[3..].join(","));
    let e = format_csv::parse(&bad.join("\n"), Path::new("m.csv"), (-3, 3)).unwrap_err();
    assert!(
        e.message().starts_with("m.csv:5:")
            && e.message().contains("d1=v0")
            && e.message().contains("outside"),
        "{e}"
    );
}

#[test]
fn scw_ragged_row_names_line_and_variant() {
    let c = random_cib(&[2, 2], 3);
    let text = format_scw::write(&c, "x.scw");
    let bad = text.replacen(" 0 , 0 ,", " 0 ,", 1);
    let e = format_scw::parse(&bad, Path::new("x.scw")).unwrap_err();
    assert!(
        e.message().contains("x.scw:")
            && e.message().contains("d0=v0")
            && e.message().contains("3 values, expected 4"),
        "{e}"
    );
}

#[test]
fn embedded_study_matrix_is_complete() {
    let c = load(Path::new("study"), (-3, 3)).unwrap();
    assert_eq!(c.provenance.as_deref(), Some("reconstructed"));
    assert_eq!(c.descriptors.len(), 10);
    for f in FORCES {
        assert!(c.mapping.iter().any(|m| m.force == f), "{f}");
        assert!(c.descriptor_index(f).is_some(), "{f}");
    }
    for d in [
        "horizontal_cohesion",
        "trust_in_institutions",
        "social_inequality",
        "digital_inequality",
        "individualisation",
    ] {
        assert!(c.descriptor_index(d).is_some(), "{d}");
    }
    assert_eq!(c.scenario_count(), 7776);
}
