//! StatLine's CSV export: `;`-separated, every field quoted, the header row names dimensions
//! and topics in words (`"Perioden";"Vertrouwen in medemens (%)"`), decimals with a comma and
//! CBS's symbols for missing values (read by [`super::number`]). Periods appear as `2023`, or
//! `2023*` when provisional.

use super::{check_header, csv_line, csv_with_header, record_line, Format, Row, SourceTable};
use cohesion_io::{Error, Result};
use std::path::Path;

pub fn read(path: &Path, text: &str) -> Result<SourceTable> {
    let (mut reader, columns) = csv_with_header(path, text, b';')?;
    if columns.len() < 2 {
        let hint = if columns
            .first()
            .is_some_and(|c| c.contains(',') || c.contains('\t'))
        {
            " (it looks comma- or tab-separated: wrong delimiter?)"
        } else {
            ""
        };
        return Err(Error::at(
            path,
            Some(1),
            None,
            format!("expected `;`-separated columns of a StatLine CSV export{hint}"),
        ));
    }
    check_header(path, 1, &columns)?;
    let mut rows = Vec::new();
    for record in reader.records() {
        let record =
            record.map_err(|e| Error::at(path, csv_line(text, &e), None, e.to_string()))?;
        let line = record_line(text, &record);
        if record.iter().all(|f| f.trim().is_empty()) {
            continue;
        }
        let cells = super::shared(record.iter());
        rows.push(Row { line, cells });
    }
    Ok(SourceTable {
        path: path.to_path_buf(),
        format: Format::CbsCsv,
        table_id: None,
        columns,
        rows,
    })
}
