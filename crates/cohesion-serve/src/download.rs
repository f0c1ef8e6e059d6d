//! A finished run's rows as files: CSV, and Parquet (the same long table, typed columns).

use cohesion_model::Row;
use std::sync::Arc;

/// Rows of a run, each with the seed (1-based replication) that produced it.
pub type SeededRows = Vec<(u32, Row)>;

pub fn csv(rows: &SeededRows) -> Result<Vec<u8>, String> {
    let mut w = csv::Writer::from_writer(Vec::new());
    let e = |e: csv::Error| e.to_string();
    w.write_record(["seed", "year", "group", "indicator", "value"])
        .map_err(e)?;
    for (seed, r) in rows {
        w.write_record([
            seed.to_string(),
            r.year.to_string(),
            r.group.clone(),
            r.indicator.to_string(),
            r.value.to_string(),
        ])
        .map_err(e)?;
    }
    w.into_inner().map_err(|e| e.to_string())
}

pub fn parquet(rows: &SeededRows) -> Result<Vec<u8>, String> {
    use parquet::data_type::{ByteArray, ByteArrayType, DoubleType, Int32Type};
    use parquet::file::properties::WriterProperties;
    use parquet::file::writer::SerializedFileWriter;
    use parquet::schema::parser::parse_message_type;
    let e = |e: parquet::errors::ParquetError| e.to_string();
    let schema = parse_message_type(
        "message run { REQUIRED INT32 seed; REQUIRED INT32 year; REQUIRED BYTE_ARRAY group (UTF8); \
         REQUIRED BYTE_ARRAY indicator (UTF8); REQUIRED DOUBLE value; }",
    )
    .map_err(e)?;
    let mut out = Vec::new();
    let mut writer = SerializedFileWriter::new(
        &mut out,
        Arc::new(schema),
        Arc::new(WriterProperties::builder().build()),
    )
    .map_err(e)?;
    let mut group = writer.next_row_group().map_err(e)?;
    let mut column = 0;
    while let Some(mut col) = group.next_column().map_err(e)? {
        match column {
            0 | 1 => {
                let v: Vec<i32> = rows
                    .iter()
                    .map(|(s, r)| if column == 0 { *s as i32 } else { r.year })
                    .collect();
                col.typed::<Int32Type>()
                    .write_batch(&v, None, None)
                    .map_err(e)?;
            }
            2 | 3 => {
                let v: Vec<ByteArray> = rows
                    .iter()
                    .map(|(_, r)| {
                        ByteArray::from(if column == 2 {
                            r.group.as_str()
                        } else {
                            r.indicator
                        })
                    })
                    .collect();
                col.typed::<ByteArrayType>()
                    .write_batch(&v, None, None)
                    .map_err(e)?;
            }
            _ => {
                let v: Vec<f64> = rows.iter().map(|(_, r)| r.value).collect();
                col.typed::<DoubleType>()
                    .write_batch(&v, None, None)
                    .map_err(e)?;
            }
        }
        col.close().map_err(e)?;
        column += 1;
    }
    group.close().map_err(e)?;
    writer.close().map_err(e)?;
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use parquet::file::reader::{FileReader, SerializedFileReader};

    fn rows() -> SeededRows {
        let row = |year, group: &str, value| Row {
            year,
            group: group.into(),
            indicator: "cohesion_index",
            value,
        };
        vec![
            (1, row(2025, "all", 50.0)),
            (1, row(2026, "top1", 48.5)),
            (2, row(2025, "all", 50.25)),
        ]
    }

    #[test]
    fn csv_has_a_header_and_one_line_per_row() {
        let text = String::from_utf8(csv(&rows()).unwrap()).unwrap();
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(
            lines,
            [
                "seed,year,group,indicator,value",
                "1,2025,all,cohesion_index,50",
                "1,2026,top1,cohesion_index,48.5",
                "2,2025,all,cohesion_index,50.25"
            ]
        );
    }

    #[test]
    fn parquet_reads_back_the_same_rows() {
        let bytes = parquet(&rows()).unwrap();
        let reader = SerializedFileReader::new(axum::body::Bytes::from(bytes)).unwrap();
        assert_eq!(reader.metadata().file_metadata().num_rows(), 3);
        let got: Vec<String> = reader
            .get_row_iter(None)
            .unwrap()
            .map(|r| r.unwrap().to_string())
            .collect();
        assert_eq!(
            got[1],
            "{seed: 1, year: 2026, group: \"top1\", indicator: \"cohesion_index\", value: 48.5}"
        );
        assert!(got[2].contains("seed: 2") && got[2].contains("50.25"));
    }
}
