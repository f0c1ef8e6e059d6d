//! One table type with three views: aligned terminal text, CSV and JSON (an array of
//! objects keyed by column name, numbers as JSON numbers).

use crate::atomic::write_atomic;
use crate::error::{Error, Result};
use std::io::Write;
use std::path::Path;

#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    Str(String),
    Int(i64),
    Float(f64),
    Empty,
}

impl Cell {
    /// Text form used by the terminal and CSV views. Floats use Rust's shortest round-trip
    /// form, so CSV values read back bit-identical.
    pub fn text(&self) -> String {
        match self {
            Cell::Str(s) => s.clone(),
            Cell::Int(i) => i.to_string(),
            Cell::Float(f) => format_float(*f),
            Cell::Empty => String::new(),
        }
    }

    fn json(&self) -> serde_json::Value {
        match self {
            Cell::Str(s) => serde_json::Value::String(s.clone()),
            Cell::Int(i) => (*i).into(),
            Cell::Float(f) => serde_json::Number::from_f64(*f)
                .map(serde_json::Value::Number)
                .unwrap_or(serde_json::Value::Null),
            Cell::Empty => serde_json::Value::Null,
        }
    }

    fn is_numeric(&self) -> bool {
        matches!(self, Cell::Int(_) | Cell::Float(_))
    }
}

/// Shortest text that reads back to the same f64; `NaN` for not-a-number.
pub fn format_float(f: f64) -> String {
    if f.is_nan() {
        "NaN".into()
    } else {
        let s = format!("{f}");
        s
    }
}

impl From<&str> for Cell {
    fn from(s: &str) -> Self {
        Cell::Str(s.to_string())
    }
}
impl From<String> for Cell {
    fn from(s: String) -> Self {
        Cell::Str(s)
    }
}
impl From<f64> for Cell {
    fn from(f: f64) -> Self {
        Cell::Float(f)
    }
}
impl From<i64> for Cell {
    fn from(i: i64) -> Self {
        Cell::Int(i)
    }
}
impl From<usize> for Cell {
    fn from(i: usize) -> Self {
        Cell::Int(i as i64)
    }
}
impl From<u32> for Cell {
    fn from(i: u32) -> Self {
        Cell::Int(i as i64)
    }
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct Table {
    pub columns: Vec<String>,
    pub rows: Vec<Vec<Cell>>,
    /// Lines printed above the terminal view only (e.g. a provenance warning).
    pub notes: Vec<String>,
}

impl Table {
    pub fn new<S: Into<String>>(columns: impl IntoIterator<Item = S>) -> Self {
        Table {
            columns: columns.into_iter().map(Into::into).collect(),
            rows: Vec::new(),
            notes: Vec::new(),
        }
    }

    pub fn push(&mut self, row: Vec<Cell>) {
        debug_assert_eq!(
            row.len(),
            self.columns.len(),
            "row width differs from header"
        );
        self.rows.push(row);
    }

    /// Terminal view: numbers right-aligned, text left-aligned, floats to `digits` decimals.
    pub fn aligned(&self, digits: usize) -> String {
        let show = |c: &Cell| match c {
            Cell::Float(f) if f.is_finite() => format!("{f:.digits$}"),
            other => other.text(),
        };
        let cells: Vec<Vec<String>> = self
            .rows
            .iter()
            .map(|r| r.iter().map(show).collect())
            .collect();
        let mut widths: Vec<usize> = self.columns.iter().map(|c| c.chars().count()).collect();
        for row in &cells {
            for (w, c) in widths.iter_mut().zip(row) {
                *w = (*w).max(c.chars().count());
            }
        }
        let numeric: Vec<bool> = (0..self.columns.len())
            .map(|j| {
                !self.rows.is_empty()
                    && self
                        .rows
                        .iter()
                        .all(|r| r[j].is_numeric() || r[j] == Cell::Empty)
            })
            .collect();
        let mut out = String::new();
        for n in &self.notes {
            out.push_str(n);
            out.push('\n');
        }
        let line = |out: &mut String, vals: &[String]| {
            let parts: Vec<String> = vals
                .iter()
                .enumerate()
                .map(|(j, v)| {
                    let pad = widths[j] - v.chars().count();
                    if numeric[j] {
                        format!("{}{v}", " ".repeat(pad))
                    } else {
                        format!("{v}{}", " ".repeat(pad))
                    }
                })
                .collect();
            out.push_str(parts.join("  ").trim_end());
            out.push('\n');
        };
        line(&mut out, &self.columns);
        let rule: Vec<String> = widths.iter().map(|w| "-".repeat(*w)).collect();
        out.push_str(&rule.join("  "));
        out.push('\n');
        for row in &cells {
            line(&mut out, row);
        }
        out
    }

    pub fn write_csv_to(&self, w: &mut dyn Write) -> Result<()> {
        let mut csv = csv::Writer::from_writer(w);
        let fail = |e: csv::Error| Error::failure(format!("writing CSV: {e}"));
        csv.write_record(&self.columns).map_err(fail)?;
        for row in &self.rows {
            csv.write_record(row.iter().map(Cell::text)).map_err(fail)?;
        }
        csv.flush()
            .map_err(|e| Error::failure(format!("writing CSV: {e}")))
    }

    pub fn to_json(&self) -> serde_json::Value {
        let rows = self
            .rows
            .iter()
            .map(|r| {
                let obj: serde_json::Map<String, serde_json::Value> = self
                    .columns
                    .iter()
                    .cloned()
                    .zip(r.iter().map(Cell::json))
                    .collect();
                serde_json::Value::Object(obj)
            })
            .collect();
        serde_json::Value::Array(rows)
    }

    /// The command-line convention (DESIGN §2): write CSV and JSON where asked (`-` is
    /// standard output) and print the aligned view with `digits` decimals, unless a
    /// machine-readable copy took standard output; the notes then go to standard error.
    pub fn emit(&self, csv: Option<&Path>, json: Option<&Path>, digits: usize) -> Result<()> {
        if let Some(p) = csv {
            self.write_csv(p)?;
        }
        if let Some(p) = json {
            self.write_json(p)?;
        }
        let dash = |p: Option<&Path>| p.is_some_and(|p| p.as_os_str() == "-");
        if dash(csv) || dash(json) {
            for n in &self.notes {
                eprintln!("{n}");
            }
        } else {
            print!("{}", self.aligned(digits));
        }
        Ok(())
    }

    /// Write CSV to a file (atomically) or to standard output when `dest` is `-`.
    pub fn write_csv(&self, dest: &Path) -> Result<()> {
        to_dest(dest, |w| self.write_csv_to(w))
    }

    /// Write JSON to a file (atomically) or to standard output when `dest` is `-`.
    pub fn write_json(&self, dest: &Path) -> Result<()> {
        let value = self.to_json();
        write_json_value(dest, &value)
    }
}

/// Write any JSON value to a file (atomically) or to standard output for `-`.
pub fn write_json_value(dest: &Path, value: &serde_json::Value) -> Result<()> {
    to_dest(dest, |w| {
        serde_json::to_writer_pretty(&mut *w, value)
            .map_err(|e| Error::failure(format!("writing JSON: {e}")))?;
        w.write_all(b"\n")
            .map_err(|e| Error::failure(format!("writing JSON: {e}")))
    })
}

fn to_dest<F>(dest: &Path, fill: F) -> Result<()>
where
    F: FnOnce(&mut dyn Write) -> Result<()>,
{
    if dest.as_os_str() == "-" {
        let stdout = std::io::stdout();
        let mut lock = stdout.lock();
        fill(&mut lock)?;
        lock.flush()
            .map_err(|e| Error::failure(format!("writing to standard output: {e}")))
    } else {
        write_atomic(dest, fill)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> Table {
        let mut t = Table::new(["scenario", "score"]);
        t.push(vec!["a, with comma".into(), Cell::Float(1.5)]);
        t.push(vec!["bb".into(), Cell::Int(-2)]);
        t
    }

    #[test]
    fn csv_quotes_and_keeps_values() {
        let mut buf = Vec::new();
        sample().write_csv_to(&mut buf).unwrap();
        assert_eq!(
            String::from_utf8(buf).unwrap(),
            "scenario,score\n\"a, with comma\",1.5\nbb,-2\n"
        );
    }

    #[test]
    fn aligned_view_right_aligns_numbers() {
        let s = sample().aligned(2);
        let lines: Vec<&str> = s.lines().collect();
        assert_eq!(lines[0], "scenario       score");
        assert_eq!(lines[2], "a, with comma   1.50");
        assert_eq!(lines[3], "bb                -2");
    }

    #[test]
    fn json_is_an_array_of_objects_with_numbers() {
        let v = sample().to_json();
        assert_eq!(v[0]["scenario"], "a, with comma");
        assert_eq!(v[0]["score"], 1.5);
        assert_eq!(v[1]["score"], -2);
    }

    #[test]
    fn floats_round_trip_through_text() {
        for f in [0.1 + 0.2, 1e-300, 123456.789, -0.0] {
            assert_eq!(
                format_float(f).parse::<f64>().unwrap().to_bits(),
                f.to_bits()
            );
        }
    }
}
