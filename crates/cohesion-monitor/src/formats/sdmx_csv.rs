//! SDMX-CSV as Eurostat serves it (`?format=SDMX-CSV`, codes only): a comma-separated header
//! `DATAFLOW,LAST UPDATE,freq,…,TIME_PERIOD,OBS_VALUE,OBS_FLAG` (SDMX-CSV 2.0 writes
//! `STRUCTURE,STRUCTURE_ID,…` instead of `DATAFLOW`), one observation per row. The dataflow
//! cell `ESTAT:ISOC_SK_DSKL_I21(1.0)` names the table.

use super::{check_header, csv_line, csv_with_header, record_line, Format, Row, SourceTable};
use cohesion_io::{Error, Result};
use std::path::Path;

pub fn read(path: &Path, text: &str) -> Result<SourceTable> {
    let (mut reader, columns) = csv_with_header(path, text, b',')?;
    check_header(path, 1, &columns)?;
    for needed in ["TIME_PERIOD", "OBS_VALUE"] {
        if !columns.iter().any(|c| c == needed) {
            return Err(Error::at(
                path,
                Some(1),
                Some(needed),
                "missing column (SDMX-CSV needs TIME_PERIOD and OBS_VALUE)",
            ));
        }
    }
    let mut rows = Vec::new();
    let mut table_id = None;
    for record in reader.records() {
        let record =
            record.map_err(|e| Error::at(path, csv_line(text, &e), None, e.to_string()))?;
        let line = record_line(text, &record);
        let cells = super::shared(record.iter());
        if table_id.is_none() {
            table_id = ["DATAFLOW", "STRUCTURE_ID"]
                .iter()
                .find_map(|k| columns.iter().position(|c| c == k))
                .and_then(|i| dataflow_id(&cells[i]));
        }
        rows.push(Row { line, cells });
    }
    Ok(SourceTable {
        path: path.to_path_buf(),
        format: Format::SdmxCsv,
        table_id,
        columns,
        rows,
    })
}

/// `ESTAT:ISOC_SK_DSKL_I21(1.0)` → `isoc_sk_dskl_i21` (Eurostat's codes are lower case).
fn dataflow_id(cell: &str) -> Option<String> {
    let after = cell.split_once(':').map_or(cell, |(_, a)| a);
    let id = after.split('(').next()?.trim();
    (!id.is_empty()).then(|| id.to_ascii_lowercase())
}

#[cfg(test)]
mod tests {
    #[test]
    fn dataflow_names_the_table() {
        assert_eq!(
            super::dataflow_id("ESTAT:ISOC_SK_DSKL_I21(1.0)"),
            Some("isoc_sk_dskl_i21".into())
        );
        assert_eq!(super::dataflow_id("ilc_di12"), Some("ilc_di12".into()));
    }
}
