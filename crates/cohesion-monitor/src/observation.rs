//! The normalised long table: one observed value per (indicator, group, year), in model
//! units, with its 95 % interval and standard error when known, and where it came from.
//! `import` writes it as `observations.csv`; `check` reads it back.

use cohesion_io::error::read_utf8;
use cohesion_io::{Error, Result};
use std::path::Path;

pub const COLUMNS: [&str; 15] = [
    "indicator",
    "group",
    "year",
    "value",
    "lower",
    "upper",
    "se",
    "se_basis",
    "flag",
    "table",
    "source",
    "retrieved",
    "file",
    "line",
    "url",
];

/// z for a two-sided 95 % interval.
pub const Z95: f64 = 1.959_963_984_540_054;

#[derive(Debug, Clone, PartialEq)]
pub struct Observation {
    pub indicator: String,
    pub group: String,
    pub year: i32,
    pub value: f64,
    pub lower: Option<f64>,
    pub upper: Option<f64>,
    /// Standard error in model units; `None` when no sampling error is known.
    pub se: Option<f64>,
    /// How `se` was obtained, in words (e.g. `binomial, n = 7500`).
    pub se_basis: String,
    /// Source flags (Eurostat `b`, `p`, …; `provisional` for CBS `*`).
    pub flag: String,
    pub table: String,
    pub source: String,
    pub retrieved: String,
    pub file: String,
    pub line: usize,
    pub url: String,
}

fn opt(v: Option<f64>) -> String {
    v.map(cohesion_io::table::format_float).unwrap_or_default()
}

pub fn write_csv(obs: &[Observation], w: &mut dyn std::io::Write) -> Result<()> {
    let mut out = csv::Writer::from_writer(w);
    let fail = |e: csv::Error| Error::failure(format!("writing observations: {e}"));
    out.write_record(COLUMNS).map_err(fail)?;
    for o in obs {
        out.write_record([
            o.indicator.clone(),
            o.group.clone(),
            o.year.to_string(),
            cohesion_io::table::format_float(o.value),
            opt(o.lower),
            opt(o.upper),
            opt(o.se),
            o.se_basis.clone(),
            o.flag.clone(),
            o.table.clone(),
            o.source.clone(),
            o.retrieved.clone(),
            o.file.clone(),
            o.line.to_string(),
            o.url.clone(),
        ])
        .map_err(fail)?;
    }
    out.flush()
        .map_err(|e| Error::failure(format!("writing observations: {e}")))
}

/// Read `observations.csv` as written by [`write_csv`] (or by hand, with the same header).
pub fn read_csv(path: &Path) -> Result<Vec<Observation>> {
    let text = read_utf8(path, crate::MAX_INPUT_BYTES)?;
    let mut reader = csv::Reader::from_reader(text.as_bytes());
    let header: Vec<String> = reader
        .headers()
        .map_err(|e| Error::at(path, Some(1), None, e.to_string()))?
        .iter()
        .map(str::to_string)
        .collect();
    let col = |name: &str| {
        header.iter().position(|h| h == name).ok_or_else(|| {
            Error::at(
                path,
                Some(1),
                Some(name),
                "missing column (expected the header `cohesion monitor import` writes)",
            )
        })
    };
    let idx: Vec<usize> = COLUMNS.iter().map(|c| col(c)).collect::<Result<_>>()?;
    let mut out = Vec::new();
    let mut seen = std::collections::BTreeMap::new();
    for record in reader.records() {
        let record = record.map_err(|e| {
            Error::at(
                path,
                crate::formats::csv_line(&text, &e),
                None,
                e.to_string(),
            )
        })?;
        let line = crate::formats::record_line(&text, &record);
        let get = |k: usize| record.get(idx[k]).unwrap_or("").trim();
        let num = |k: usize| -> Result<Option<f64>> {
            let s = get(k);
            if s.is_empty() {
                return Ok(None);
            }
            match s.parse::<f64>() {
                Ok(v) if v.is_finite() => Ok(Some(v)),
                _ => Err(Error::at(
                    path,
                    Some(line),
                    Some(COLUMNS[k]),
                    format!("`{s}` is not a number"),
                )),
            }
        };
        let year = get(2).parse::<i32>().map_err(|_| {
            Error::at(
                path,
                Some(line),
                Some("year"),
                format!("`{}` is not a year", get(2)),
            )
        })?;
        let value = num(3)?.ok_or_else(|| Error::at(path, Some(line), Some("value"), "empty"))?;
        let key = (get(0).to_string(), get(1).to_string(), year);
        if let Some(first) = seen.insert(key, line) {
            return Err(Error::at(
                path,
                Some(line),
                Some("year"),
                format!("{} / {} / {year} already on line {first}", get(0), get(1)),
            ));
        }
        out.push(Observation {
            indicator: get(0).into(),
            group: get(1).into(),
            year,
            value,
            lower: num(4)?,
            upper: num(5)?,
            se: num(6)?,
            se_basis: get(7).into(),
            flag: get(8).into(),
            table: get(9).into(),
            source: get(10).into(),
            retrieved: get(11).into(),
            file: get(12).into(),
            line: get(13).parse().map_err(|_| {
                Error::at(
                    path,
                    Some(line),
                    Some("line"),
                    format!("`{}` is not a line number", get(13)),
                )
            })?,
            url: get(14).into(),
        });
    }
    Ok(out)
}
