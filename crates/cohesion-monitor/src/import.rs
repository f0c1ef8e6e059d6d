//! `cohesion monitor import`: source files + mapping → `observations.csv` (the normalised long
//! table) and `provenance.csv` (one row per file: table, source, url, retrieval date, counts),
//! plus a copy of the mapping, all written into the output folder at once.

use crate::formats::{self, Format, SourceTable};
use crate::mapping::{Mapping, Table};
use crate::observation::Observation;
use crate::select;
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
            select::plain(&source, &table)?
        } else {
            select::mapped(&source, &table, mapping)?
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

pub(crate) fn summary(source: &SourceTable, table: &Table) -> FileSummary {
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
