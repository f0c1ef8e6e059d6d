//! Eurostat's TSV download: the first column joins the dimension codes with commas and its
//! header names them, ending in `\TIME_PERIOD` (older files: `\time`); every further column is
//! a period. A cell is a value, optionally followed by a space and flags (`80.9 b`: break in
//! series; `p` provisional; `e` estimated), or `:` for not available (possibly `: c`). Each
//! (row, period) becomes one row with the dimension cells plus `TIME_PERIOD`, `OBS_VALUE`
//! (empty when missing) and `OBS_FLAG`, the same names SDMX-CSV uses, so a mapping works for
//! either download.

use super::{check_header, Format, Row, SourceTable};
use cohesion_io::{Error, Result};
use std::path::Path;
use std::sync::Arc;

pub fn read(path: &Path, text: &str) -> Result<SourceTable> {
    let mut lines = text.lines().enumerate();
    let (_, header) = lines
        .next()
        .ok_or_else(|| Error::at(path, Some(1), None, "empty file"))?;
    let head: Vec<&str> = header.split('\t').collect();
    if head.len() < 2 {
        return Err(Error::at(
            path,
            Some(1),
            None,
            "expected tab-separated period columns after the first column (wrong delimiter?)",
        ));
    }
    let (dims, _) = head[0].split_once('\\').ok_or_else(|| {
        Error::at(
            path,
            Some(1),
            None,
            "first column header must read like `freq,unit,geo\\TIME_PERIOD`",
        )
    })?;
    let dims: Vec<String> = dims.split(',').map(|d| d.trim().to_string()).collect();
    let periods: Vec<Arc<str>> = head[1..].iter().map(|p| Arc::from(p.trim())).collect();
    let mut columns = dims.clone();
    columns.extend(["TIME_PERIOD", "OBS_VALUE", "OBS_FLAG"].map(String::from));
    check_header(path, 1, &columns)?;
    let mut rows = Vec::new();
    let no_flag: Arc<str> = Arc::from("");
    for (i, text_line) in lines {
        let line = i + 1;
        if text_line.trim().is_empty() {
            continue;
        }
        let fields: Vec<&str> = text_line.split('\t').collect();
        if fields.len() != head.len() {
            return Err(Error::at(
                path,
                Some(line),
                None,
                format!("{} columns, the header has {}", fields.len(), head.len()),
            ));
        }
        let codes = super::shared(fields[0].split(','));
        if codes.len() != dims.len() {
            return Err(Error::at(
                path,
                Some(line),
                Some(&head[0].replace('\\', "/")),
                format!("{} codes for {} dimensions", codes.len(), dims.len()),
            ));
        }
        for (period, cell) in periods.iter().zip(&fields[1..]) {
            let (value, flag) = split_flag(cell);
            let mut cells = Vec::with_capacity(codes.len() + 3);
            cells.extend(codes.iter().cloned());
            let flag = if flag.is_empty() {
                no_flag.clone()
            } else {
                Arc::from(flag)
            };
            cells.extend([period.clone(), Arc::from(value), flag]);
            rows.push(Row { line, cells });
        }
    }
    Ok(SourceTable {
        path: path.to_path_buf(),
        format: Format::EurostatTsv,
        table_id: None,
        columns,
        rows,
    })
}

/// `"80.9 b"` → (`80.9`, `b`); `": c"` → (``, `c`); `":"` → (``, ``).
fn split_flag(cell: &str) -> (&str, &str) {
    let cell = cell.trim();
    let (value, flag) = match cell.split_once(char::is_whitespace) {
        Some((v, f)) => (v, f.trim()),
        None => (cell, ""),
    };
    let value = if value == ":" { "" } else { value };
    (value, flag)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn flags_are_split_from_values() {
        assert_eq!(split_flag("80.9 b"), ("80.9", "b"));
        assert_eq!(split_flag(" 82.7 "), ("82.7", ""));
        assert_eq!(split_flag(": c"), ("", "c"));
        assert_eq!(split_flag(":"), ("", ""));
    }
}
