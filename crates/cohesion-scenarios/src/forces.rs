//! The five driving forces, the futures (presets in `data/futures.toml`) and user scenario
//! files, with errors that name the file, line and field.

use cohesion_io::error::{line_of_offset, read_utf8};
use cohesion_io::{Error, Result};
use cohesion_model::Params;
use serde::Deserialize;
use std::path::Path;

pub const FUTURES_TOML: &str = include_str!("../../../data/futures.toml");
pub const FORCES_TOML: &str = include_str!("../../../data/forces.toml");

pub const FORCE_NAMES: [&str; 5] = [
    "public_values",
    "digital_autonomy",
    "data_driven_influence",
    "private_infrastructure",
    "tech_optimism",
];

#[derive(Debug, Clone, Copy, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Forces {
    pub public_values: f64,
    pub digital_autonomy: f64,
    pub data_driven_influence: f64,
    pub private_infrastructure: f64,
    pub tech_optimism: f64,
}

impl Forces {
    pub fn get(&self, name: &str) -> f64 {
        match name {
            "public_values" => self.public_values,
            "digital_autonomy" => self.digital_autonomy,
            "data_driven_influence" => self.data_driven_influence,
            "private_infrastructure" => self.private_infrastructure,
            "tech_optimism" => self.tech_optimism,
            _ => f64::NAN,
        }
    }

    pub fn values(&self) -> [(&'static str, f64); 5] {
        FORCE_NAMES.map(|n| (n, self.get(n)))
    }
}

/// A future: forces, optional parameter overrides, and where the numbers come from.
#[derive(Debug, Clone, PartialEq)]
pub struct Scenario {
    pub name: String,
    pub label: String,
    pub provenance: String,
    pub description: String,
    pub forces: Forces,
    pub overrides: Vec<(String, f64)>,
    pub ramp_years: f64,
}

#[derive(Deserialize)]
struct FuturesFile {
    ramp_years: f64,
    future: Vec<FutureRow>,
}

#[derive(Deserialize)]
struct FutureRow {
    name: String,
    label: String,
    provenance: String,
    description: String,
    forces: Forces,
}

#[derive(Debug, Clone, Deserialize)]
pub struct Mapping {
    pub provenance: String,
    pub row: Vec<MappingRow>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct MappingRow {
    pub force: String,
    pub parameter: String,
    pub per_unit: f64,
    pub why: String,
}

fn futures() -> Result<FuturesFile> {
    toml::from_str(FUTURES_TOML)
        .map_err(|e| Error::failure(format!("embedded data/futures.toml: {e}")))
}

/// A named preset.
pub fn future(name: &str) -> Result<Scenario> {
    let file = futures()?;
    let ramp = file.ramp_years;
    let names: Vec<String> = file.future.iter().map(|r| r.name.clone()).collect();
    let row = file
        .future
        .into_iter()
        .find(|r| r.name == name)
        .ok_or_else(|| {
            Error::input(format!(
                "unknown future `{name}`; valid choices: {}",
                names.join(", ")
            ))
        })?;
    Ok(Scenario {
        name: row.name,
        label: row.label,
        provenance: row.provenance,
        description: row.description,
        forces: row.forces,
        overrides: Vec::new(),
        ramp_years: ramp,
    })
}

/// The named futures, in the order of `data/futures.toml`.
pub fn future_names() -> Result<Vec<String>> {
    Ok(futures()?.future.into_iter().map(|r| r.name).collect())
}

pub fn baseline() -> Result<Scenario> {
    future("baseline")
}

pub fn mapping() -> Result<Mapping> {
    let m: Mapping = toml::from_str(FORCES_TOML)
        .map_err(|e| Error::failure(format!("embedded data/forces.toml: {e}")))?;
    for r in &m.row {
        if !FORCE_NAMES.contains(&r.force.as_str()) || Params::spec(&r.parameter).is_none() {
            return Err(Error::failure(format!(
                "data/forces.toml: unknown force or parameter in row {r:?}"
            )));
        }
    }
    Ok(m)
}

/// A user's scenario file:
///
/// ```toml
/// name = "my-future"
/// provenance = "workshop 2026-03-12"   # optional, default "user"
/// description = "..."                  # optional
/// based_on = "wild-west"               # optional: start from a preset's forces
/// ramp_years = 15                      # optional
/// [forces]                             # any of the five, each 0..1
/// public_values = 0.7
/// [params]                             # optional: any model parameter by name
/// epsilon = 0.3
/// ```
pub fn load_scenario(path: &Path) -> Result<Scenario> {
    let text = read_utf8(path, 1 << 20)?;
    parse_scenario(path, &text)
}

pub fn parse_scenario(path: &Path, text: &str) -> Result<Scenario> {
    let allowed = [
        "name",
        "label",
        "provenance",
        "description",
        "based_on",
        "ramp_years",
        "forces",
        "params",
    ];
    let doc = parse_table(path, text, &allowed)?;
    let line_of = |key: &str| find_key_line(text, key);
    let string = |k: &str| -> Result<Option<String>> {
        match doc.get(k) {
            None => Ok(None),
            Some(toml::Value::String(s)) => Ok(Some(s.clone())),
            Some(_) => Err(Error::at(path, line_of(k), Some(k), "must be a string")),
        }
    };
    let mut scenario = match string("based_on")? {
        Some(base) => {
            future(&base).map_err(|e| Error::at(path, line_of("based_on"), Some("based_on"), e))?
        }
        None => baseline()?,
    };
    scenario.name = string("name")?.unwrap_or_else(|| {
        path.file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_else(|| "scenario".into())
    });
    scenario.label = string("label")?.unwrap_or_else(|| scenario.name.clone());
    scenario.provenance = string("provenance")?.unwrap_or_else(|| "user".into());
    scenario.description = string("description")?.unwrap_or_default();
    if let Some(v) = doc.get("ramp_years") {
        let r = number(v).ok_or_else(|| {
            Error::at(
                path,
                line_of("ramp_years"),
                Some("ramp_years"),
                "must be a number",
            )
        })?;
        if !(0.0..=100.0).contains(&r) {
            return Err(Error::at(
                path,
                line_of("ramp_years"),
                Some("ramp_years"),
                "must be between 0 and 100",
            ));
        }
        scenario.ramp_years = r;
    }
    if let Some(forces) = doc.get("forces") {
        let table = forces.as_table().ok_or_else(|| {
            Error::at(
                path,
                line_of("forces"),
                Some("forces"),
                "must be a table [forces]",
            )
        })?;
        for (k, v) in table {
            let field = format!("forces.{k}");
            if !FORCE_NAMES.contains(&k.as_str()) {
                return Err(Error::at(
                    path,
                    line_of(k),
                    Some(&field),
                    format!("unknown force; valid forces: {}", FORCE_NAMES.join(", ")),
                ));
            }
            let x = number(v)
                .ok_or_else(|| Error::at(path, line_of(k), Some(&field), "must be a number"))?;
            if !(0.0..=1.0).contains(&x) {
                return Err(Error::at(
                    path,
                    line_of(k),
                    Some(&field),
                    format!("{x} is outside 0..1"),
                ));
            }
            set_force(&mut scenario.forces, k, x);
        }
    }
    if let Some(params) = doc.get("params") {
        let table = params.as_table().ok_or_else(|| {
            Error::at(
                path,
                line_of("params"),
                Some("params"),
                "must be a table [params]",
            )
        })?;
        let mut probe = Params::default();
        for (k, v) in table {
            let field = format!("params.{k}");
            let x = number(v)
                .ok_or_else(|| Error::at(path, line_of(k), Some(&field), "must be a number"))?;
            probe
                .set(k, x)
                .map_err(|e| Error::at(path, line_of(k), Some(&field), e))?;
            scenario.overrides.push((k.clone(), x));
        }
    }
    Ok(scenario)
}

fn number(v: &toml::Value) -> Option<f64> {
    match v {
        toml::Value::Float(f) => Some(*f),
        toml::Value::Integer(i) => Some(*i as f64),
        _ => None,
    }
}

fn set_force(f: &mut Forces, name: &str, v: f64) {
    match name {
        "public_values" => f.public_values = v,
        "digital_autonomy" => f.digital_autonomy = v,
        "data_driven_influence" => f.data_driven_influence = v,
        "private_infrastructure" => f.private_infrastructure = v,
        _ => f.tech_optimism = v,
    }
}

/// Parse a TOML file into a table, refusing keys outside `allowed`; errors name the line.
pub fn parse_table(path: &Path, text: &str, allowed: &[&str]) -> Result<toml::Table> {
    let doc: toml::Table = text.parse().map_err(|e: toml::de::Error| {
        let line = e.span().map(|s| line_of_offset(text, s.start));
        Error::at(path, line, None, e.message())
    })?;
    for k in doc.keys() {
        if !allowed.contains(&k.as_str()) {
            return Err(Error::at(
                path,
                find_key_line(text, k),
                Some(k),
                format!("unknown key; valid keys: {}", allowed.join(", ")),
            ));
        }
    }
    Ok(doc)
}

/// The 1-based line where `key` is assigned (first occurrence), for error messages.
pub fn find_key_line(text: &str, key: &str) -> Option<usize> {
    text.lines()
        .position(|l| {
            let t = l.trim_start();
            t.strip_prefix(key)
                .is_some_and(|rest| rest.trim_start().starts_with('='))
                || t == format!("[{key}]")
        })
        .map(|i| i + 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn presets_are_reconstructed_and_in_range() {
        for name in [
            "baseline",
            "user-utopia",
            "wild-west",
            "big-brother",
            "big-business",
        ] {
            let f = future(name).unwrap();
            assert_eq!(f.provenance, "reconstructed");
            assert!(f
                .forces
                .values()
                .iter()
                .all(|(_, v)| (0.0..=1.0).contains(v)));
        }
        let e = future("utopia").unwrap_err();
        assert_eq!(e.exit_code(), 2);
        assert!(e.message().contains("user-utopia") && e.message().contains("big-brother"));
    }

    #[test]
    fn scenario_files_parse_and_errors_name_line_and_field() {
        let p = Path::new("s.toml");
        let s = parse_scenario(p, "name = \"x\"\nbased_on = \"wild-west\"\n[forces]\npublic_values = 0.9\n[params]\nepsilon = 0.3\n").unwrap();
        assert_eq!(s.forces.public_values, 0.9);
        assert_eq!(
            s.forces.tech_optimism,
            future("wild-west").unwrap().forces.tech_optimism
        );
        assert_eq!(s.overrides, vec![("epsilon".to_string(), 0.3)]);
        assert_eq!(s.provenance, "user");

        let e = parse_scenario(p, "name = \"x\"\n[forces]\ntech_optimism = 1.4\n").unwrap_err();
        assert_eq!(
            e.message(),
            "s.toml:3: field `forces.tech_optimism`: 1.4 is outside 0..1"
        );
        let e = parse_scenario(p, "[forces]\npublic_value = 0.5\n").unwrap_err();
        assert!(
            e.message().contains(":2:") && e.message().contains("valid forces"),
            "{e}"
        );
        let e = parse_scenario(p, "[params]\nepsilon = 7\n").unwrap_err();
        assert!(
            e.message().contains(":2:") && e.message().contains("params.epsilon"),
            "{e}"
        );
        let e = parse_scenario(p, "name = \"x\n").unwrap_err();
        assert!(e.message().starts_with("s.toml:1:"), "{e}");
        let e = parse_scenario(p, "based_on = \"mars\"\n").unwrap_err();
        assert!(e.message().contains("unknown future"), "{e}");
    }
}
