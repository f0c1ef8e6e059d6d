//! `cohesion monitor import`: source files + mapping → `observations.csv` (the normalised long
//! table) and `provenance.csv` (one row per file: table, source, url, retrieval date, counts),
//! plus a copy of the mapping, all written into the output folder at once.

use crate::formats::{self, Format, Period, SourceTable};
use crate::mapping::{check_target, Mapping, SamplingRule, Series, Table};
use crate::observation::{Observation, Z95};
use cohesion_io::{AtomicDir, Error, Result};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// What one source file contributed.
#[derive(Debug, Clone, PartialEq)]
pub struct FileSummary {
    pub file: PathBuf,
    pub table: String,
    pub format: Format,
    pub source: String,
    pub url: String,
    pub retrieved: String,
    pub rows: usize,
    pub series: usize,
    pub observations: usize,
    /// Selected rows whose value the source marks missing (`:`, `.`, `x`, null).
    pub missing: usize,
    /// Selected rows with a sub-annual period (quarters, months), which the yearly model skips.
    pub sub_annual: usize,
}

#[derive(Debug, Clone)]
pub struct Imported {
    pub observations: Vec<Observation>,
    pub files: Vec<FileSummary>,
}

/// Read every file, map it, and check that no (indicator, group, year) comes twice.
pub fn import(files: &[PathBuf], mapping: &Mapping) -> Result<Imported> {
    let mut observations = Vec::new();
    let mut summaries = Vec::new();
    for file in files {
        let (source, table) = open(file, mapping)?;
        let (obs, summary) = if source.format == Format::Plain {
            plain(&source, &table)?
        } else {
            mapped(&source, &table, mapping)?
        };
        observations.extend(obs);
        summaries.push(summary);
    }
    let mut seen: BTreeMap<(String, String, i32), String> = BTreeMap::new();
    for o in &observations {
        let key = (o.indicator.clone(), o.group.clone(), o.year);
        let here = format!("{}:{}", o.file, o.line);
        if let Some(first) = seen.insert(key, here.clone()) {
            return Err(Error::input(format!(
                "{here}: {} / {} / {} was already read from {first}; give each series once",
                o.indicator, o.group, o.year
            )));
        }
    }
    observations
        .sort_by(|a, b| (&a.indicator, &a.group, a.year).cmp(&(&b.indicator, &b.group, b.year)));
    Ok(Imported {
        observations,
        files: summaries,
    })
}

/// Find the mapping's table for a file: by `file` name, by the id the file names itself, or by
/// the file's stem (`estat_` prefix dropped). A plain CSV needs no table.
fn open(path: &Path, mapping: &Mapping) -> Result<(SourceTable, Table)> {
    let base = path.file_name().map(|n| n.to_string_lossy().into_owned());
    if let Some(t) = mapping
        .tables
        .iter()
        .find(|t| t.file.is_some() && t.file == base)
    {
        return Ok((formats::read(path, Some(t.format))?, t.clone()));
    }
    let source = formats::read(path, None)?;
    let stem = path
        .file_stem()
        .map(|s| s.to_string_lossy().trim_start_matches("estat_").to_string())
        .unwrap_or_default();
    let found = mapping.tables.iter().find(|t| {
        source
            .table_id
            .as_ref()
            .is_some_and(|id| id.eq_ignore_ascii_case(&t.id))
            || t.id.eq_ignore_ascii_case(&stem)
    });
    match found {
        Some(t) if t.format != source.format => Err(Error::at(
            path,
            None,
            None,
            format!(
                "the mapping's table `{}` is {}, but this file reads as {}",
                t.id,
                t.format.name(),
                source.format.name()
            ),
        )),
        Some(t) => Ok((source, t.clone())),
        None if source.format == Format::Plain => {
            let table = Table {
                id: stem,
                format: Format::Plain,
                file: base,
                source: "plain CSV without a [[table]] entry in the mapping".into(),
                url: String::new(),
                retrieved: "not stated".into(),
                line: 0,
            };
            Ok((source, table))
        }
        None => Err(Error::at(
            path,
            None,
            None,
            format!(
                "no [[table]] in {} matches this file (by `file`, by the table id it names{}, \
                 or by its name `{stem}`)",
                mapping.path.display(),
                source
                    .table_id
                    .as_ref()
                    .map(|i| format!(" (`{i}`)"))
                    .unwrap_or_default()
            ),
        )),
    }
}

fn summary(source: &SourceTable, table: &Table) -> FileSummary {
    FileSummary {
        file: source.path.clone(),
        table: table.id.clone(),
        format: source.format,
        source: table.source.clone(),
        url: table.url.clone(),
        retrieved: table.retrieved.clone(),
        rows: source.rows.len(),
        series: 0,
        observations: 0,
        missing: 0,
        sub_annual: 0,
    }
}

fn observation(table: &Table, source: &SourceTable, s: (&str, &str), year: i32) -> Observation {
    Observation {
        indicator: s.0.into(),
        group: s.1.into(),
        year,
        value: f64::NAN,
        lower: None,
        upper: None,
        se: None,
        se_basis: "none given".into(),
        flag: String::new(),
        table: table.id.clone(),
        source: table.source.clone(),
        retrieved: table.retrieved.clone(),
        file: source.path.display().to_string(),
        line: 0,
        url: table.url.clone(),
    }
}

/// A plain CSV: names checked against the model, `lower`/`upper` read as a 95 % interval.
fn plain(source: &SourceTable, table: &Table) -> Result<(Vec<Observation>, FileSummary)> {
    let path = &source.path;
    let mut out = Vec::new();
    let mut series = std::collections::BTreeSet::new();
    for row in &source.rows {
        let cell = |k: &str| row.cells.get(k).map(String::as_str).unwrap_or("");
        let (ind, grp) = (cell("indicator"), cell("group"));
        check_target(ind, grp).map_err(|(f, m)| Error::at(path, Some(row.line), Some(&f), m))?;
        let year: i32 = cell("year").parse().map_err(|_| {
            Error::at(
                path,
                Some(row.line),
                Some("year"),
                format!("`{}` is not a year", cell("year")),
            )
        })?;
        let num = |k: &str| {
            formats::number(Format::Plain, cell(k))
                .map_err(|m| Error::at(path, Some(row.line), Some(k), m))
        };
        let value = num("value")?.expect("checked non-empty by the reader");
        let (lower, upper) = (num("lower")?, num("upper")?);
        let mut o = observation(table, source, (ind, grp), year);
        o.value = value;
        o.line = row.line;
        match (lower, upper) {
            (None, None) => {}
            (Some(l), Some(u)) if l <= value && value <= u => {
                o.lower = Some(l);
                o.upper = Some(u);
                o.se = Some((u - l) / (2.0 * Z95));
                o.se_basis = "95% interval given".into();
            }
            (Some(_), Some(_)) => {
                return Err(Error::at(
                    path,
                    Some(row.line),
                    Some("lower"),
                    "interval must satisfy lower ≤ value ≤ upper",
                ))
            }
            _ => {
                return Err(Error::at(
                    path,
                    Some(row.line),
                    Some("upper"),
                    "give both lower and upper, or neither",
                ))
            }
        }
        series.insert((ind.to_string(), grp.to_string()));
        out.push(o);
    }
    let mut sum = summary(source, table);
    sum.series = series.len();
    sum.observations = out.len();
    Ok((out, sum))
}

/// A CBS or Eurostat file: every mapping series on this table picks its rows.
fn mapped(
    source: &SourceTable,
    table: &Table,
    mapping: &Mapping,
) -> Result<(Vec<Observation>, FileSummary)> {
    let mut out = Vec::new();
    let mut sum = summary(source, table);
    for s in mapping.series.iter().filter(|s| s.table == table.id) {
        let before = out.len();
        one_series(source, table, mapping, s, &mut out, &mut sum)?;
        sum.series += 1;
        sum.observations += out.len() - before;
    }
    Ok((out, sum))
}

/// Per year: the row's line, its value (None when the source marks it missing), its flag.
type ByYear = BTreeMap<i32, (usize, Option<f64>, String)>;

fn one_series(
    source: &SourceTable,
    table: &Table,
    mapping: &Mapping,
    s: &Series,
    out: &mut Vec<Observation>,
    sum: &mut FileSummary,
) -> Result<()> {
    let path = &source.path;
    let here = format!("(mapping {}:{})", mapping.path.display(), s.line);
    let column = |name: &str| -> Result<()> {
        if source.columns.iter().any(|c| c == name) {
            Ok(())
        } else {
            Err(Error::at(
                path,
                Some(1),
                Some(name),
                format!(
                    "no such column {here}; columns: {}",
                    source.columns.join(", ")
                ),
            ))
        }
    };
    let period_col = s
        .period
        .as_deref()
        .unwrap_or(source.format.default_period());
    let value_col = match (&s.value, source.format.default_value()) {
        (Some(v), _) => v.as_str(),
        (None, Some(v)) => v,
        (None, None) => {
            return Err(Error::at(
                &mapping.path,
                Some(s.line),
                Some("series.value"),
                format!(
                    "{} files have one column per topic: name the value column",
                    source.format.name()
                ),
            ))
        }
    };
    column(period_col)?;
    column(value_col)?;
    for k in s.filter.keys() {
        column(k)?;
    }
    let bounds = match &s.sampling {
        SamplingRule::Bounds(b) => {
            column(&b.column)?;
            Some(b)
        }
        _ => None,
    };
    let matches = |cells: &BTreeMap<String, String>, extra: Option<(&str, &str)>| {
        s.filter.iter().all(|(k, v)| cells.get(k) == Some(v))
            && extra.is_none_or(|(k, v)| cells.get(k).map(String::as_str) == Some(v))
    };
    // Rows of the value (and, with bounds, of the lower and upper margins), by year.
    let mut by_role: [ByYear; 3] = Default::default();
    let roles: [Option<(&str, &str)>; 3] = match bounds {
        Some(b) => [
            Some((&b.column, &b.value)),
            Some((&b.column, &b.lower)),
            Some((&b.column, &b.upper)),
        ],
        None => [None, None, None],
    };
    let mut selected = 0;
    for row in &source.rows {
        for (role, extra) in roles.iter().enumerate() {
            if role > 0 && extra.is_none() {
                continue;
            }
            if !matches(&row.cells, *extra) {
                continue;
            }
            if role == 0 {
                selected += 1;
            }
            let raw_period = &row.cells[period_col];
            let (year, provisional) = match formats::period(raw_period) {
                Ok(Period::Year { year, provisional }) => (year, provisional),
                Ok(Period::SubAnnual) => {
                    if role == 0 {
                        sum.sub_annual += 1;
                    }
                    continue;
                }
                Err(m) => return Err(Error::at(path, Some(row.line), Some(period_col), m)),
            };
            let value = formats::number(source.format, &row.cells[value_col])
                .map_err(|m| Error::at(path, Some(row.line), Some(value_col), m))?;
            let mut flag = row.cells.get("OBS_FLAG").cloned().unwrap_or_default();
            if provisional {
                flag = "provisional".into();
            }
            let slot = (row.line, value.map(|v| scaled(v, s.scale)), flag);
            if let Some((first, _, _)) = by_role[role].insert(year, slot) {
                return Err(Error::at(
                    path,
                    Some(row.line),
                    Some(period_col),
                    format!(
                        "second row for {year} (first on line {first}) {here}: add a `where` \
                         filter on the dimension that differs"
                    ),
                ));
            }
        }
    }
    if selected == 0 {
        let filter: Vec<String> = s.filter.iter().map(|(k, v)| format!("{k} = {v}")).collect();
        return Err(Error::at(
            path,
            None,
            None,
            format!("no row matches the filter [{}] {here}", filter.join(", ")),
        ));
    }
    for (&year, (line, value, flag)) in &by_role[0] {
        let Some(value) = *value else {
            sum.missing += 1;
            continue;
        };
        let mut o = observation(table, source, (&s.indicator, &s.group), year);
        o.value = value;
        o.line = *line;
        o.flag = flag.clone();
        let err = |m: String| Error::at(path, Some(*line), Some(value_col), format!("{m} {here}"));
        match &s.sampling {
            SamplingRule::NotGiven => {}
            SamplingRule::Stated(se) => {
                o.se = Some(*se);
                o.se_basis = "stated in mapping".into();
            }
            SamplingRule::SampleSize(n) => {
                if !(0.0..=1.0).contains(&value) {
                    return Err(err(format!(
                        "sampling by n needs a share in 0..1, got {value} (check `scale`)"
                    )));
                }
                o.se = Some((value * (1.0 - value) / n).sqrt());
                o.se_basis = format!("binomial, n = {n}");
            }
            SamplingRule::Rounding(r) => {
                o.se = Some(r * s.scale.abs() / 12f64.sqrt());
                o.se_basis = format!("register data, rounding to {r}");
            }
            SamplingRule::Bounds(_) => {
                let bound = |role: usize| by_role[role].get(&year).and_then(|b| b.1);
                let (Some(l), Some(u)) = (bound(1), bound(2)) else {
                    return Err(err(format!("no lower/upper margin rows for {year}")));
                };
                if !(l <= value && value <= u) {
                    return Err(err(format!(
                        "margins {l}..{u} do not contain the value {value}"
                    )));
                }
                o.lower = Some(l);
                o.upper = Some(u);
                o.se = Some((u - l) / (2.0 * Z95));
                o.se_basis = "95% margins in the table".into();
            }
        }
        if let (Some(se), None) = (o.se, o.lower) {
            if se > 0.0 {
                o.lower = Some(value - Z95 * se);
                o.upper = Some(value + Z95 * se);
            }
        }
        out.push(o);
    }
    Ok(())
}

/// `v · scale`, rounded to 12 significant digits so that 82.7 × 0.01 reads 0.827, not
/// 0.8270000000000001 (sources publish far fewer digits than that).
pub fn scaled(v: f64, scale: f64) -> f64 {
    let x = v * scale;
    format!("{x:.11e}").parse().unwrap_or(x)
}

/// Write the result of [`import`] into `out` atomically.
pub fn write(imported: &Imported, mapping: &Mapping, out: &Path) -> Result<()> {
    let dir = AtomicDir::new(out)?;
    let obs_path = dir.path("observations.csv");
    cohesion_io::write_atomic(&obs_path, |w| {
        crate::observation::write_csv(&imported.observations, w)
    })?;
    let prov = provenance_table(imported);
    prov.write_csv(&dir.path("provenance.csv"))?;
    let map_path = dir.path("mapping.toml");
    cohesion_io::write_atomic(&map_path, |w| {
        w.write_all(mapping.text.as_bytes())
            .map_err(|e| Error::io(&map_path, "write", e))
    })?;
    dir.commit()
}

/// The terminal summary: one row per file, without the long source and URL texts.
pub fn summary_table(imported: &Imported) -> cohesion_io::Table {
    let full = provenance_table(imported);
    let keep = 8;
    cohesion_io::Table {
        columns: full.columns[..keep].to_vec(),
        rows: full.rows.iter().map(|r| r[..keep].to_vec()).collect(),
        notes: Vec::new(),
    }
}

/// One row per imported file: what it is and what it gave.
pub fn provenance_table(imported: &Imported) -> cohesion_io::Table {
    let mut t = cohesion_io::Table::new([
        "file",
        "table",
        "format",
        "series",
        "observations",
        "missing",
        "sub_annual",
        "retrieved",
        "source",
        "url",
    ]);
    for f in &imported.files {
        t.push(vec![
            f.file.display().to_string().into(),
            f.table.clone().into(),
            f.format.name().into(),
            f.series.into(),
            f.observations.into(),
            f.missing.into(),
            f.sub_annual.into(),
            f.retrieved.clone().into(),
            f.source.clone().into(),
            f.url.clone().into(),
        ]);
    }
    t
}
