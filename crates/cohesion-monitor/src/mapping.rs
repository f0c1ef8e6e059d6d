//! The mapping file: which rows of which source table become which model series.
//!
//! ```toml
//! [[table]]                       # one per source table: where it comes from
//! id = "isoc_sk_dskl_i21"         # the source's table id
//! format = "eurostat-tsv"         # cbs-json | cbs-csv | eurostat-tsv | sdmx-csv | plain
//! file = "estat_isoc_sk_dskl_i21.tsv"  # optional: the file name that holds it
//! source = "Eurostat, individuals' level of digital skills"
//! url = "https://…"               # optional
//! retrieved = "2025-06-01"        # when the file was downloaded (or how it was made)
//!
//! [[series]]                      # one per model series
//! table = "isoc_sk_dskl_i21"
//! indicator = "basic_digital_skills"   # a model indicator (data/model_names.toml)
//! group = "all"                        # a model group
//! where = { geo = "NL", ind_type = "IND_TOTAL" }  # keep rows whose cells equal these
//! value = "OBS_VALUE"             # value column (default by format)
//! period = "TIME_PERIOD"          # period column (default by format)
//! scale = 0.01                    # multiply to reach model units (percent → share)
//! sampling = { n = 7500 }         # or { se = 0.004 }, { rounding = 0.1 }, or { bounds = … }
//! ```
//!
//! Sampling error, in model units, one rule per series ([`Sampling`]):
//! * `n`: a share p from a simple random sample of n: SE = √(p(1−p)/n);
//! * `se`: a standard error stated by the source (model units);
//! * `rounding`: register data without sampling error, published rounded to `rounding`
//!   (source units): the rounding error is uniform on ±rounding/2, SE = rounding·|scale|/√12;
//! * `bounds`: the table carries a 95 % interval as rows of a dimension (CBS `Marges`:
//!   `MW00000` value, `MOG0095` lower, `MBG0095` upper): SE = (upper − lower)/(2·1.96).

use crate::formats::Format;
use cohesion_io::error::{line_of_offset, read_utf8};
use cohesion_io::{Error, Result};
use serde::Deserialize;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use toml::Spanned;

/// The model's indicator and group names (`data/model_names.toml`).
#[derive(Debug, Deserialize)]
pub struct ModelNames {
    pub indicators: Vec<String>,
    pub groups: Vec<String>,
}

pub fn model_names() -> &'static ModelNames {
    static NAMES: std::sync::OnceLock<ModelNames> = std::sync::OnceLock::new();
    NAMES.get_or_init(|| {
        toml::from_str(include_str!("../data/model_names.toml"))
            .expect("data/model_names.toml parses")
    })
}

/// Check a (indicator, group) pair against the model's names.
pub fn check_target(indicator: &str, group: &str) -> std::result::Result<(), (String, String)> {
    let names = model_names();
    if !names.indicators.iter().any(|i| i == indicator) {
        return Err((
            "indicator".into(),
            format!("`{indicator}` is not a model indicator (see data/model_names.toml)"),
        ));
    }
    if !names.groups.iter().any(|g| g == group) {
        return Err((
            "group".into(),
            format!(
                "`{group}` is not a model group (one of: {})",
                names.groups.join(", ")
            ),
        ));
    }
    Ok(())
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TableSpec {
    pub id: Spanned<String>,
    pub format: Spanned<String>,
    pub file: Option<String>,
    pub source: String,
    pub url: Option<String>,
    pub retrieved: String,
    pub note: Option<String>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SeriesSpec {
    pub table: Spanned<String>,
    pub indicator: Spanned<String>,
    pub group: Spanned<String>,
    pub value: Option<String>,
    pub period: Option<String>,
    #[serde(default, rename = "where")]
    pub filter: BTreeMap<String, String>,
    #[serde(default = "one")]
    pub scale: f64,
    pub sampling: Option<Spanned<Sampling>>,
}

fn one() -> f64 {
    1.0
}

#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Sampling {
    pub n: Option<f64>,
    pub se: Option<f64>,
    pub rounding: Option<f64>,
    pub bounds: Option<Bounds>,
}

#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Bounds {
    pub column: String,
    pub value: String,
    pub lower: String,
    pub upper: String,
}

/// A sampling rule after validation: exactly one way to get the standard error.
#[derive(Debug, Clone, PartialEq)]
pub enum SamplingRule {
    SampleSize(f64),
    Stated(f64),
    Rounding(f64),
    Bounds(Bounds),
    NotGiven,
}

#[derive(Debug, Clone)]
pub struct Table {
    pub id: String,
    pub format: Format,
    pub file: Option<String>,
    pub source: String,
    pub url: String,
    pub retrieved: String,
    pub line: usize,
}

#[derive(Debug, Clone)]
pub struct Series {
    pub table: String,
    pub indicator: String,
    pub group: String,
    pub value: Option<String>,
    pub period: Option<String>,
    pub filter: BTreeMap<String, String>,
    pub scale: f64,
    pub sampling: SamplingRule,
    /// Line in the mapping file, for messages.
    pub line: usize,
}

#[derive(Debug, Clone)]
pub struct Mapping {
    pub path: PathBuf,
    pub text: String,
    pub tables: Vec<Table>,
    pub series: Vec<Series>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawMapping {
    #[serde(default)]
    table: Vec<TableSpec>,
    #[serde(default)]
    series: Vec<SeriesSpec>,
}

impl Mapping {
    pub fn load(path: &Path) -> Result<Mapping> {
        let text = read_utf8(path, crate::MAX_INPUT_BYTES)?;
        Mapping::parse(path, text)
    }

    pub fn parse(path: &Path, text: String) -> Result<Mapping> {
        let raw: RawMapping = toml::from_str(&text).map_err(|e| {
            let line = e.span().map(|s| line_of_offset(&text, s.start));
            Error::at(path, line, None, e.message())
        })?;
        let at = |span: std::ops::Range<usize>| line_of_offset(&text, span.start);
        let mut tables: Vec<Table> = Vec::new();
        for t in raw.table {
            let line = at(t.id.span());
            let format = Format::from_name(t.format.get_ref()).ok_or_else(|| {
                let names: Vec<&str> = Format::ALL.iter().map(|f| f.name()).collect();
                Error::at(
                    path,
                    Some(at(t.format.span())),
                    Some("table.format"),
                    format!(
                        "unknown format `{}` (one of: {})",
                        t.format.get_ref(),
                        names.join(", ")
                    ),
                )
            })?;
            let id = t.id.into_inner();
            if tables.iter().any(|o| o.id == id) {
                return Err(Error::at(
                    path,
                    Some(line),
                    Some("table.id"),
                    format!("table `{id}` declared twice"),
                ));
            }
            tables.push(Table {
                id,
                format,
                file: t.file,
                source: t.source,
                url: t.url.unwrap_or_default(),
                retrieved: t.retrieved,
                line,
            });
        }
        let mut series = Vec::new();
        for s in raw.series {
            let line = at(s.indicator.span());
            let table = s.table.get_ref();
            if !tables.iter().any(|t| &t.id == table) {
                return Err(Error::at(
                    path,
                    Some(at(s.table.span())),
                    Some("series.table"),
                    format!("no [[table]] with id `{table}`"),
                ));
            }
            if let Err((field, msg)) = check_target(s.indicator.get_ref(), s.group.get_ref()) {
                let span = if field == "indicator" {
                    s.indicator.span()
                } else {
                    s.group.span()
                };
                return Err(Error::at(
                    path,
                    Some(at(span)),
                    Some(&format!("series.{field}")),
                    msg,
                ));
            }
            if !s.scale.is_finite() || s.scale == 0.0 {
                return Err(Error::at(
                    path,
                    Some(line),
                    Some("series.scale"),
                    "must be a finite, non-zero number",
                ));
            }
            let sampling = match s.sampling {
                None => SamplingRule::NotGiven,
                Some(sp) => {
                    let sline = at(sp.span());
                    sampling_rule(sp.into_inner())
                        .map_err(|m| Error::at(path, Some(sline), Some("series.sampling"), m))?
                }
            };
            series.push(Series {
                table: s.table.into_inner(),
                indicator: s.indicator.into_inner(),
                group: s.group.into_inner(),
                value: s.value,
                period: s.period,
                filter: s.filter,
                scale: s.scale,
                sampling,
                line,
            });
        }
        Ok(Mapping {
            path: path.to_path_buf(),
            text,
            tables,
            series,
        })
    }
}

fn sampling_rule(s: Sampling) -> std::result::Result<SamplingRule, String> {
    let given = [
        s.n.is_some(),
        s.se.is_some(),
        s.rounding.is_some(),
        s.bounds.is_some(),
    ]
    .iter()
    .filter(|&&b| b)
    .count();
    if given != 1 {
        return Err("give exactly one of `n`, `se`, `rounding`, `bounds`".into());
    }
    let positive = |v: f64, name: &str| {
        if v.is_finite() && v > 0.0 {
            Ok(v)
        } else {
            Err(format!("`{name}` must be a positive number"))
        }
    };
    Ok(if let Some(n) = s.n {
        SamplingRule::SampleSize(positive(n, "n")?)
    } else if let Some(se) = s.se {
        if !(se.is_finite() && se >= 0.0) {
            return Err("`se` must be a number ≥ 0".into());
        }
        SamplingRule::Stated(se)
    } else if let Some(r) = s.rounding {
        SamplingRule::Rounding(positive(r, "rounding")?)
    } else {
        SamplingRule::Bounds(s.bounds.expect("counted above"))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const GOOD: &str = r#"
[[table]]
id = "T1"
format = "cbs-json"
source = "test"
retrieved = "2025-01-01"

[[series]]
table = "T1"
indicator = "generalised_trust"
group = "all"
value = "Trust_1"
scale = 0.01
sampling = { n = 7500 }
"#;

    #[test]
    fn a_good_mapping_parses() {
        let m = Mapping::parse(Path::new("m.toml"), GOOD.into()).unwrap();
        assert_eq!(m.tables[0].format, Format::CbsJson);
        assert_eq!(m.series[0].sampling, SamplingRule::SampleSize(7500.0));
        assert_eq!(m.series[0].line, 10);
    }

    #[test]
    fn an_unknown_target_is_named_with_its_line() {
        let bad = GOOD.replace("\"generalised_trust\"", "\"trust_in_people\"");
        let e = Mapping::parse(Path::new("m.toml"), bad).unwrap_err();
        assert!(
            e.message()
                .starts_with("m.toml:10: field `series.indicator`"),
            "{e}"
        );
        let bad = GOOD.replace("group = \"all\"", "group = \"everyone\"");
        let e = Mapping::parse(Path::new("m.toml"), bad).unwrap_err();
        assert!(e.message().contains(":11: field `series.group`"), "{e}");
    }

    #[test]
    fn sampling_needs_exactly_one_rule() {
        let bad = GOOD.replace("{ n = 7500 }", "{ n = 7500, se = 0.01 }");
        let e = Mapping::parse(Path::new("m.toml"), bad).unwrap_err();
        assert!(e.message().contains("exactly one"), "{e}");
        let bad = GOOD.replace("{ n = 7500 }", "{ n = -3 }");
        assert!(Mapping::parse(Path::new("m.toml"), bad).is_err());
    }

    #[test]
    fn unknown_tables_formats_and_keys_are_refused() {
        let bad = GOOD.replace("table = \"T1\"", "table = \"T2\"");
        let e = Mapping::parse(Path::new("m.toml"), bad).unwrap_err();
        assert!(e.message().contains("no [[table]] with id `T2`"), "{e}");
        let bad = GOOD.replace("\"cbs-json\"", "\"xlsx\"");
        let e = Mapping::parse(Path::new("m.toml"), bad).unwrap_err();
        assert!(e.message().contains("m.toml:4:"), "{e}");
        let bad = GOOD.replace("scale = 0.01", "scael = 0.01");
        let e = Mapping::parse(Path::new("m.toml"), bad).unwrap_err();
        assert!(e.message().contains("scael"), "{e}");
    }
}
