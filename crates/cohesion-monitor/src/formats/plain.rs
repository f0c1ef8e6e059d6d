//! The plain long CSV `indicator,group,year,value[,lower,upper]`: values already in the
//! model's names and units, `lower`/`upper` a 95 % interval when the source gives one. Checked
//! here for shape (columns, numbers, years); names are checked against the model by the import.

use super::{check_header, csv_line, csv_with_header, record_line, Format, Row, SourceTable};
use cohesion_io::{Error, Result};
use std::path::Path;

pub const PLAIN_COLUMNS: [&str; 6] = ["indicator", "group", "year", "value", "lower", "upper"];

pub fn read(path: &Path, text: &str) -> Result<SourceTable> {
    let (mut reader, columns) = csv_with_header(path, text, b',')?;
    check_header(path, 1, &columns)?;
    let width = columns.len();
    if !(width == 4 || width == 6) || columns[..] != PLAIN_COLUMNS[..width] {
        return Err(Error::at(
            path,
            Some(1),
            None,
            format!(
                "header must be `indicator,group,year,value` or `…,lower,upper`, found `{}`",
                columns.join(",")
            ),
        ));
    }
    let mut rows = Vec::new();
    for record in reader.records() {
        let record =
            record.map_err(|e| Error::at(path, csv_line(text, &e), None, e.to_string()))?;
        let line = record_line(text, &record);
        let cells = super::shared(record.iter());
        for (i, required) in PLAIN_COLUMNS[..4].iter().enumerate() {
            if cells[i].is_empty() {
                return Err(Error::at(path, Some(line), Some(required), "empty"));
            }
        }
        rows.push(Row { line, cells });
    }
    Ok(SourceTable {
        path: path.to_path_buf(),
        format: Format::Plain,
        table_id: None,
        columns,
        rows,
    })
}
