//! CBS open data JSON. OData v3 (`opendata.cbs.nl/ODataApi/odata/ID/TypedDataSet`) serves
//! `{"odata.metadata": "…/ID/$metadata#…", "value": [{"ID": 0, "Perioden": "2023JJ00",
//! "Topic_1": 66.0, …}]}`, one column per topic; OData v4 (`odata4.cbs.nl/CBS/ID/Observations`)
//! serves `{"@odata.context": "…/ID/$metadata#Observations", "value": [{"Measure": "M…",
//! "Perioden": "2023JJ00", "Value": 66.0, …}]}`, one row per measure. Both are a `value` array
//! of flat records, read the same way. CBS pads dimension keys with spaces; cells are trimmed.

use super::{Format, Row, SourceTable};
use cohesion_io::error::line_of_offset;
use cohesion_io::{Error, Result};
use serde::Deserialize;
use serde_json::value::RawValue;
use serde_json::Value;
use std::collections::BTreeMap;
use std::path::Path;
use std::sync::Arc;

#[derive(Deserialize)]
struct Document<'a> {
    #[serde(borrow)]
    value: Option<Vec<&'a RawValue>>,
    #[serde(rename = "odata.metadata")]
    metadata_v3: Option<String>,
    #[serde(rename = "@odata.context")]
    context_v4: Option<String>,
}

pub fn read(path: &Path, text: &str) -> Result<SourceTable> {
    let doc: Document = serde_json::from_str(text).map_err(|e| {
        Error::at(
            path,
            Some(e.line()),
            None,
            format!("not valid CBS open data JSON (column {}): {e}", e.column()),
        )
    })?;
    let records = doc.value.ok_or_else(|| {
        Error::at(
            path,
            Some(1),
            Some("value"),
            "missing: expected the `value` array of a CBS TypedDataSet or Observations document",
        )
    })?;
    let table_id = doc
        .metadata_v3
        .or(doc.context_v4)
        .and_then(|url| table_of_metadata_url(&url));
    let mut columns: Vec<String> = Vec::new();
    let mut keyed: Vec<(usize, BTreeMap<String, String>)> = Vec::with_capacity(records.len());
    for raw in records {
        // The raw slice points into `text`, so its offset gives the record's line.
        let offset = raw.get().as_ptr() as usize - text.as_ptr() as usize;
        let line = line_of_offset(text, offset);
        let record: serde_json::Map<String, Value> = serde_json::from_str(raw.get())
            .map_err(|_| Error::at(path, Some(line), None, "record is not a JSON object"))?;
        let mut cells = BTreeMap::new();
        for (key, value) in record {
            let cell = match &value {
                Value::String(s) => s.trim().to_string(),
                Value::Number(n) => n.to_string(),
                Value::Null => String::new(),
                Value::Bool(b) => b.to_string(),
                Value::Array(_) | Value::Object(_) => {
                    return Err(Error::at(
                        path,
                        Some(line),
                        Some(&key),
                        "nested value: expected a flat record",
                    ))
                }
            };
            if !columns.contains(&key) {
                columns.push(key.clone());
            }
            cells.insert(key, cell);
        }
        keyed.push((line, cells));
    }
    // Records may differ in their keys: align them on the union of keys, missing → empty.
    let rows = keyed
        .into_iter()
        .map(|(line, mut cells)| Row {
            line,
            cells: columns
                .iter()
                .map(|c| Arc::from(cells.remove(c).unwrap_or_default()))
                .collect(),
        })
        .collect();
    Ok(SourceTable {
        path: path.to_path_buf(),
        format: Format::CbsJson,
        table_id,
        columns,
        rows,
    })
}

/// `https://opendata.cbs.nl/ODataApi/OData/82249NED/$metadata#…` → `82249NED`.
fn table_of_metadata_url(url: &str) -> Option<String> {
    let before = url.split("/$metadata").next()?;
    let id = before.rsplit('/').next()?;
    (!id.is_empty() && before.len() < url.len()).then(|| id.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table_id_comes_from_either_metadata_url() {
        assert_eq!(
            table_of_metadata_url(
                "https://opendata.cbs.nl/ODataApi/OData/82249NED/$metadata#Cbs.OData.WebAPI.TypedDataSet"
            ),
            Some("82249NED".into())
        );
        assert_eq!(
            table_of_metadata_url("https://odata4.cbs.nl/CBS/85542NED/$metadata#Observations"),
            Some("85542NED".into())
        );
        assert_eq!(table_of_metadata_url("https://example.org/x"), None);
    }
}
