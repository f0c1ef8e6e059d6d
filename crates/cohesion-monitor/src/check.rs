//! `cohesion monitor check`: each observed series against the model's ensemble band, its
//! changes against their sampling error, a trend-break test and early-warning statistics.
//!
//! The band file is what `cohesion experiment bands` writes:
//! `future,package,indicator,group,year,runs,p5,median,p95`.

use crate::observation::Observation;
use crate::stats::{
    early_warning, trend_break, Change, EarlyWarning, TrendBreak, MIN_BREAK_LEN, MIN_EWS_LEN,
};
use cohesion_io::error::read_utf8;
use cohesion_io::{Cell, Error, Result, Table};
use serde::Deserialize;
use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

/// How many of the latest observations with a band are compared with it.
pub const RECENT: usize = 3;

#[derive(Debug, Clone, Deserialize, PartialEq)]
pub struct Band {
    pub future: String,
    pub package: String,
    pub indicator: String,
    pub group: String,
    pub year: i32,
    pub runs: u32,
    pub p5: f64,
    pub median: f64,
    pub p95: f64,
}

pub const BAND_COLUMNS: [&str; 9] = [
    "future",
    "package",
    "indicator",
    "group",
    "year",
    "runs",
    "p5",
    "median",
    "p95",
];

pub fn read_bands(path: &Path) -> Result<Vec<Band>> {
    let text = read_utf8(path, crate::MAX_INPUT_BYTES)?;
    let mut reader = csv::ReaderBuilder::new()
        .trim(csv::Trim::All)
        .from_reader(text.as_bytes());
    let header: Vec<String> = reader
        .headers()
        .map_err(|e| Error::at(path, Some(1), None, e.to_string()))?
        .iter()
        .map(|h| h.trim().to_string())
        .collect();
    if header != BAND_COLUMNS {
        return Err(Error::at(
            path,
            Some(1),
            None,
            format!("header must be `{}`", BAND_COLUMNS.join(",")),
        ));
    }
    let headers = csv::StringRecord::from(BAND_COLUMNS.to_vec());
    let mut bands = Vec::new();
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
        let band: Band = record.deserialize(Some(&headers)).map_err(|e| {
            let (field, msg) = match e.kind() {
                csv::ErrorKind::Deserialize { err, .. } => (
                    err.field().map(|i| BAND_COLUMNS[(i as usize).min(8)]),
                    err.kind().to_string(),
                ),
                _ => (None, e.to_string()),
            };
            Error::at(path, Some(line), field, msg)
        })?;
        let finite = [band.p5, band.median, band.p95]
            .iter()
            .all(|v| v.is_finite());
        if !(finite && band.p5 <= band.median && band.median <= band.p95) {
            return Err(Error::at(
                path,
                Some(line),
                Some("p5"),
                "needs finite p5 ≤ median ≤ p95",
            ));
        }
        if band.runs == 0 {
            return Err(Error::at(path, Some(line), Some("runs"), "must be ≥ 1"));
        }
        bands.push(band);
    }
    if bands.is_empty() {
        return Err(Error::at(path, None, None, "no band rows"));
    }
    Ok(bands)
}

/// Where a value sits against a band.
fn position(v: f64, b: &Band) -> &'static str {
    if v < b.p5 {
        "below"
    } else if v > b.p95 {
        "above"
    } else {
        "inside"
    }
}

const COLUMNS: [&str; 22] = [
    "indicator",
    "group",
    "future",
    "package",
    "n",
    "first_year",
    "last_year",
    "last_value",
    "band_year",
    "p5",
    "p95",
    "band",
    "outside_recent",
    "interval_overlaps_band",
    "last_change",
    "change_threshold",
    "change",
    "changes_exceeding",
    "trend_break",
    "break_year",
    "break_delta_bic",
    "early_warning",
];

/// The check table, one row per observed series and (future, package) of the band file.
pub fn check(
    observations: &[Observation],
    bands: &[Band],
    future: Option<&str>,
    package: Option<&str>,
) -> Result<Table> {
    let bands: Vec<&Band> = bands
        .iter()
        .filter(|b| future.is_none_or(|f| b.future == f) && package.is_none_or(|p| b.package == p))
        .collect();
    if bands.is_empty() {
        return Err(Error::input(format!(
            "the band file has no rows for future `{}` and package `{}`",
            future.unwrap_or("(any)"),
            package.unwrap_or("(any)")
        )));
    }
    let combos: BTreeSet<(&str, &str)> = bands
        .iter()
        .map(|b| (b.future.as_str(), b.package.as_str()))
        .collect();
    let mut index: BTreeMap<(&str, &str, &str, &str), BTreeMap<i32, &Band>> = BTreeMap::new();
    for b in &bands {
        index
            .entry((&b.future, &b.package, &b.indicator, &b.group))
            .or_default()
            .insert(b.year, b);
    }
    let mut series: BTreeMap<(&str, &str), Vec<&Observation>> = BTreeMap::new();
    for o in observations {
        series.entry((&o.indicator, &o.group)).or_default().push(o);
    }
    let mut table = Table::new(COLUMNS);
    table.notes.push(format!(
        "band: latest of the last {RECENT} observations with a band year; change: last two \
         observations, threshold 1.96·√(SE₁²+SE₂²); break: piecewise-linear fit, BIC \
         (needs ≥ {MIN_BREAK_LEN} points); early warning: needs ≥ {MIN_EWS_LEN} points"
    ));
    for ((indicator, group), mut obs) in series {
        obs.sort_by_key(|o| o.year);
        let common = series_cells(&obs);
        for &(fut, pkg) in &combos {
            let band = index.get(&(fut, pkg, indicator, group));
            let mut row: Vec<Cell> = vec![
                indicator.into(),
                group.into(),
                fut.into(),
                pkg.into(),
                obs.len().into(),
                (obs[0].year as i64).into(),
                (obs[obs.len() - 1].year as i64).into(),
                obs[obs.len() - 1].value.into(),
            ];
            row.extend(band_cells(&obs, band));
            row.extend(common.iter().cloned());
            table.push(row);
        }
    }
    Ok(table)
}

/// band_year, p5, p95, band, outside_recent, interval_overlaps_band.
fn band_cells(obs: &[&Observation], band: Option<&BTreeMap<i32, &Band>>) -> Vec<Cell> {
    let Some(band) = band else {
        return vec![
            Cell::Empty,
            Cell::Empty,
            Cell::Empty,
            "no band for this series".into(),
            Cell::Empty,
            Cell::Empty,
        ];
    };
    let with_band: Vec<(&Observation, &Band)> = obs
        .iter()
        .filter_map(|o| band.get(&o.year).map(|b| (*o, *b)))
        .collect();
    let Some(&(latest, b)) = with_band.last() else {
        let (y0, y1) = (band.keys().next().unwrap(), band.keys().last().unwrap());
        return vec![
            Cell::Empty,
            Cell::Empty,
            Cell::Empty,
            format!(
                "no band for observed years (band {y0}–{y1}, observed to {})",
                obs[obs.len() - 1].year
            )
            .into(),
            Cell::Empty,
            Cell::Empty,
        ];
    };
    let recent = &with_band[with_band.len().saturating_sub(RECENT)..];
    let outside = recent
        .iter()
        .filter(|(o, b)| position(o.value, b) != "inside")
        .count();
    let overlaps = match (latest.lower, latest.upper) {
        (Some(l), Some(u)) => if u >= b.p5 && l <= b.p95 { "yes" } else { "no" }.into(),
        _ => Cell::Empty,
    };
    vec![
        (b.year as i64).into(),
        b.p5.into(),
        b.p95.into(),
        position(latest.value, b).into(),
        format!("{outside} of {}", recent.len()).into(),
        overlaps,
    ]
}

/// last_change … early_warning: what depends on the series alone.
fn series_cells(obs: &[&Observation]) -> Vec<Cell> {
    let mut cells = Vec::new();
    let changes: Vec<Change> = obs
        .windows(2)
        .map(|w| Change::new(w[0].value, w[0].se, w[1].value, w[1].se))
        .collect();
    match changes.last() {
        None => cells.extend([Cell::Empty, Cell::Empty, "one observation".into()]),
        Some(c) => {
            cells.push(c.diff.into());
            cells.push(c.threshold.map_or(Cell::Empty, Cell::Float));
            cells.push(
                match c.exceeds() {
                    Some(true) => "exceeds sampling error",
                    Some(false) => "within sampling error",
                    None => "no sampling error given",
                }
                .into(),
            );
        }
    }
    let tested: Vec<bool> = changes.iter().filter_map(Change::exceeds).collect();
    cells.push(if tested.is_empty() {
        Cell::Empty
    } else {
        format!(
            "{} of {}",
            tested.iter().filter(|&&b| b).count(),
            tested.len()
        )
        .into()
    });
    let x: Vec<f64> = obs.iter().map(|o| o.year as f64).collect();
    let y: Vec<f64> = obs.iter().map(|o| o.value).collect();
    let se2: Option<Vec<f64>> = obs.iter().map(|o| o.se.map(|s| s * s)).collect();
    let noise = se2.map(|v| v.iter().sum::<f64>() / v.len() as f64);
    match trend_break(&x, &y, noise) {
        TrendBreak::TooShort { n } => cells.extend([
            format!("too short (n = {n} < {MIN_BREAK_LEN})").into(),
            Cell::Empty,
            Cell::Empty,
        ]),
        TrendBreak::NoBreak { delta_bic } => {
            cells.extend(["none".into(), Cell::Empty, delta_bic.into()])
        }
        TrendBreak::Break {
            year,
            delta_bic,
            jump,
            ..
        } => cells.extend([
            format!("break, jump {jump:+.4}").into(),
            (year as i64).into(),
            delta_bic.into(),
        ]),
    }
    cells.push(match early_warning(&x, &y) {
        EarlyWarning::TooShort { n } => format!("too short (n = {n} < {MIN_EWS_LEN})").into(),
        EarlyWarning::Computed {
            window,
            variance_tau,
            ar1_tau,
            ..
        } => format!("window {window}: variance τ = {variance_tau:+.2}, AR1 τ = {ar1_tau:+.2}")
            .into(),
    });
    cells
}
