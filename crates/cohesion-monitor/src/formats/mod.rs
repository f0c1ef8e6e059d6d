//! Readers for the file formats observed series arrive in. Every reader turns a file into a
//! [`SourceTable`]: rows of named cells (text, trimmed) with the line each came from, so the
//! mapping can filter rows and errors can point at a line. Values stay text until the mapping
//! picks a value column; [`number`] then reads it by the rules of the file's format.

mod cbs_csv;
mod cbs_json;
mod eurostat_tsv;
mod plain;
mod sdmx_csv;

use cohesion_io::error::read_utf8;
use cohesion_io::{Error, Result};
use std::path::{Path, PathBuf};
use std::sync::Arc;

pub use plain::PLAIN_COLUMNS;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// CBS open data JSON: OData v3 `TypedDataSet` or v4 `Observations` (a `value` array).
    CbsJson,
    /// StatLine CSV export: `;`-separated, quoted, decimal commas, CBS symbols.
    CbsCsv,
    /// Eurostat TSV: `freq,unit,geo\TIME_PERIOD` then one tab-separated column per period.
    EurostatTsv,
    /// SDMX-CSV (Eurostat's `format=SDMX-CSV`): one observation per row.
    SdmxCsv,
    /// `indicator,group,year,value[,lower,upper]`, already in the model's names and units.
    Plain,
}

impl Format {
    pub const ALL: [Format; 5] = [
        Format::CbsJson,
        Format::CbsCsv,
        Format::EurostatTsv,
        Format::SdmxCsv,
        Format::Plain,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Format::CbsJson => "cbs-json",
            Format::CbsCsv => "cbs-csv",
            Format::EurostatTsv => "eurostat-tsv",
            Format::SdmxCsv => "sdmx-csv",
            Format::Plain => "plain",
        }
    }

    pub fn from_name(s: &str) -> Option<Format> {
        Format::ALL.into_iter().find(|f| f.name() == s)
    }

    /// The column holding the period when the mapping does not name one.
    pub fn default_period(self) -> &'static str {
        match self {
            Format::CbsJson | Format::CbsCsv => "Perioden",
            Format::EurostatTsv | Format::SdmxCsv => "TIME_PERIOD",
            Format::Plain => "year",
        }
    }

    /// The column holding the value when the mapping does not name one (CBS tables have one
    /// column per topic, so there the mapping must name it, except in v4 `Observations`).
    pub fn default_value(self) -> Option<&'static str> {
        match self {
            Format::CbsJson => Some("Value"),
            Format::CbsCsv => None,
            Format::EurostatTsv | Format::SdmxCsv => Some("OBS_VALUE"),
            Format::Plain => Some("value"),
        }
    }
}

/// One row of a source file: cells in the order of [`SourceTable::columns`]. Cells are shared
/// strings because a Eurostat TSV line becomes one row per period, all repeating the line's
/// dimension codes; sharing keeps a 6 MB download from taking a gigabyte.
#[derive(Debug, Clone, PartialEq)]
pub struct Row {
    /// 1-based line in the file where the row (or JSON record) starts.
    pub line: usize,
    pub cells: Vec<Arc<str>>,
}

impl Row {
    pub fn get(&self, column: usize) -> &str {
        self.cells.get(column).map_or("", |c| c)
    }
}

/// A whole source file, read.
#[derive(Debug, Clone)]
pub struct SourceTable {
    pub path: PathBuf,
    pub format: Format,
    /// The table id the file names itself (OData metadata URL, SDMX dataflow), if any.
    pub table_id: Option<String>,
    pub columns: Vec<String>,
    pub rows: Vec<Row>,
}

impl SourceTable {
    /// The index of a column by name.
    pub fn column(&self, name: &str) -> Option<usize> {
        self.columns.iter().position(|c| c == name)
    }
}

/// Cells of a record, trimmed and shared.
pub(crate) fn shared<'a>(fields: impl Iterator<Item = &'a str>) -> Vec<Arc<str>> {
    fields.map(|f| Arc::from(f.trim())).collect()
}

/// Read a file in the given format, or in the one its first bytes show.
pub fn read(path: &Path, format: Option<Format>) -> Result<SourceTable> {
    let text = read_utf8(path, crate::MAX_INPUT_BYTES)?;
    let text = text.strip_prefix('\u{feff}').unwrap_or(&text);
    let format = match format {
        Some(f) => f,
        None => detect(path, text)?,
    };
    match format {
        Format::CbsJson => cbs_json::read(path, text),
        Format::CbsCsv => cbs_csv::read(path, text),
        Format::EurostatTsv => eurostat_tsv::read(path, text),
        Format::SdmxCsv => sdmx_csv::read(path, text),
        Format::Plain => plain::read(path, text),
    }
}

/// Tell the format from the first line of the text.
pub fn detect(path: &Path, text: &str) -> Result<Format> {
    if text.trim_start().starts_with('{') {
        return Ok(Format::CbsJson);
    }
    let first = text.lines().next().unwrap_or("");
    let first_field = first.split('\t').next().unwrap_or("");
    if first_field.contains('\\') {
        return Ok(Format::EurostatTsv);
    }
    if first.contains(';') {
        return Ok(Format::CbsCsv);
    }
    let header: Vec<&str> = first
        .split(',')
        .map(|h| h.trim().trim_matches('"'))
        .collect();
    if header.len() >= 4 && header[..4] == PLAIN_COLUMNS[..4] {
        return Ok(Format::Plain);
    }
    if header.contains(&"OBS_VALUE") && header.contains(&"TIME_PERIOD") {
        return Ok(Format::SdmxCsv);
    }
    Err(Error::at(
        path,
        Some(1),
        None,
        "cannot tell the format: expected CBS JSON (`{`), a StatLine CSV export (`;`), \
         Eurostat TSV (`…\\TIME_PERIOD` first column), SDMX-CSV (TIME_PERIOD and OBS_VALUE \
         columns) or `indicator,group,year,value`; name it with `format` in the mapping",
    ))
}

/// A period cell read as a year.
#[derive(Debug, Clone, PartialEq)]
pub enum Period {
    /// An annual period, with `provisional` when the source marks it so (CBS `*`).
    Year { year: i32, provisional: bool },
    /// A quarter, month or other sub-annual period: skipped (the model is yearly).
    SubAnnual,
}

/// Read a period: CBS `2023JJ00` (annual), `2023KW01`/`2023MM01` (sub-annual), StatLine
/// export `2023`, `2023*`, `2023**` (and `2023 1e kwartaal`, `2023 januari`); Eurostat `2023`, `2023-Q1`, `2023-01`, `2023Q1`.
pub fn period(raw: &str) -> std::result::Result<Period, String> {
    let s = raw.trim();
    let digits = s.chars().take_while(|c| c.is_ascii_digit()).count();
    if digits != 4 {
        return Err(format!(
            "period `{raw}` does not start with a four-digit year"
        ));
    }
    let year: i32 = s[..4].parse().map_err(|_| format!("period `{raw}`"))?;
    let rest = &s[4..];
    match rest {
        "" | "JJ00" => Ok(Period::Year {
            year,
            provisional: false,
        }),
        "*" | "**" => Ok(Period::Year {
            year,
            provisional: true,
        }),
        _ if rest.starts_with("KW")
            || rest.starts_with("MM")
            || rest.starts_with("-Q")
            || rest.starts_with('Q')
            || rest.starts_with("-S")
            || (rest.starts_with('-') && rest[1..].chars().all(|c| c.is_ascii_digit())) =>
        {
            Ok(Period::SubAnnual)
        }
        // StatLine CSV exports label periods in words: `2023 1e kwartaal`, `2023 januari`.
        _ if rest.starts_with(' ') && is_dutch_sub_annual(rest) => Ok(Period::SubAnnual),
        _ => Err(format!(
            "period `{raw}` is neither a year nor a known sub-annual code"
        )),
    }
}

fn is_dutch_sub_annual(label: &str) -> bool {
    const WORDS: [&str; 14] = [
        "kwartaal",
        "halfjaar",
        "januari",
        "februari",
        "maart",
        "april",
        "mei",
        "juni",
        "juli",
        "augustus",
        "september",
        "oktober",
        "november",
        "december",
    ];
    let label = label.to_lowercase();
    WORDS.iter().any(|w| label.contains(w))
}

/// Read a value cell by the rules of `format`. `Ok(None)` is a value the source marks as
/// missing; `Err` says what is wrong with the text.
pub fn number(format: Format, raw: &str) -> std::result::Result<Option<f64>, String> {
    let s = raw.trim();
    let text = match format {
        // CBS symbols: `.` missing, `x` confidential, blank not applicable, `-` nil (zero).
        Format::CbsCsv => match s {
            "" | "." | "x" => return Ok(None),
            "-" | "–" => return Ok(Some(0.0)),
            _ if s.contains(',') && s.contains('.') => {
                return Err(format!(
                    "`{raw}` has both `.` and `,`: thousands separators are not supported"
                ))
            }
            _ => s.replace(',', "."),
        },
        Format::EurostatTsv | Format::SdmxCsv if s.is_empty() || s == ":" => return Ok(None),
        _ if s.is_empty() => return Ok(None),
        _ => s.to_string(),
    };
    match text.parse::<f64>() {
        Ok(v) if v.is_finite() => Ok(Some(v)),
        _ => Err(format!("`{raw}` is not a number")),
    }
}

/// The line of a CSV position. The csv crate ends a record at the `\r` of a `\r\n` (StatLine
/// exports use those), so its line count, and a raw byte offset, fall one short: skip the
/// line-end bytes at the offset first.
pub fn line_at(text: &str, byte: u64) -> usize {
    let bytes = text.as_bytes();
    let mut at = (byte as usize).min(bytes.len());
    while at < bytes.len() && (bytes[at] == b'\r' || bytes[at] == b'\n') {
        at += 1;
    }
    cohesion_io::error::line_of_offset(text, at)
}

/// A CSV reader over `text` with `delimiter`, and its header cells trimmed; a broken header
/// is an error naming the file and line.
pub(crate) fn csv_with_header<'t>(
    path: &Path,
    text: &'t str,
    delimiter: u8,
) -> Result<(csv::Reader<&'t [u8]>, Vec<String>)> {
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(delimiter)
        .has_headers(true)
        .from_reader(text.as_bytes());
    let columns = reader
        .headers()
        .map_err(|e| Error::at(path, csv_line(text, &e), None, format!("header: {e}")))?
        .iter()
        .map(|h| h.trim().to_string())
        .collect();
    Ok((reader, columns))
}

pub(crate) fn csv_line(text: &str, e: &csv::Error) -> Option<usize> {
    e.position().map(|p| line_at(text, p.byte()))
}

/// The line a CSV record starts on.
pub(crate) fn record_line(text: &str, record: &csv::StringRecord) -> usize {
    record.position().map_or(0, |p| line_at(text, p.byte()))
}

/// A header with an empty or repeated name would make rows ambiguous.
pub(crate) fn check_header(path: &Path, line: usize, columns: &[String]) -> Result<()> {
    for (i, c) in columns.iter().enumerate() {
        if c.is_empty() {
            return Err(Error::at(
                path,
                Some(line),
                None,
                format!("column {} has no name", i + 1),
            ));
        }
        if columns[..i].contains(c) {
            return Err(Error::at(
                path,
                Some(line),
                Some(c),
                "column name appears twice",
            ));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn periods_of_every_source() {
        let y = |year, provisional| Ok(Period::Year { year, provisional });
        assert_eq!(period("2023JJ00"), y(2023, false));
        assert_eq!(period(" 2021 "), y(2021, false));
        assert_eq!(period("2022*"), y(2022, true));
        assert_eq!(period("2023KW01"), Ok(Period::SubAnnual));
        assert_eq!(period("2023MM11"), Ok(Period::SubAnnual));
        assert_eq!(period("2023-Q1"), Ok(Period::SubAnnual));
        assert_eq!(period("2023-01"), Ok(Period::SubAnnual));
        assert_eq!(period("2023 1e kwartaal"), Ok(Period::SubAnnual));
        assert_eq!(period("2023 Januari"), Ok(Period::SubAnnual));
        assert!(period("23JJ00").is_err());
        assert!(period("2023 totaal").is_err());
    }

    #[test]
    fn numbers_follow_each_format() {
        assert_eq!(number(Format::CbsCsv, "66,0"), Ok(Some(66.0)));
        assert_eq!(number(Format::CbsCsv, "."), Ok(None));
        assert_eq!(number(Format::CbsCsv, "x"), Ok(None));
        assert_eq!(number(Format::CbsCsv, "-"), Ok(Some(0.0)));
        assert!(number(Format::CbsCsv, "1.234,5").is_err());
        assert_eq!(number(Format::EurostatTsv, ":"), Ok(None));
        assert_eq!(number(Format::SdmxCsv, "80.9"), Ok(Some(80.9)));
        assert!(number(Format::CbsJson, "veel").is_err());
        assert!(number(Format::Plain, "inf").is_err());
    }
}
