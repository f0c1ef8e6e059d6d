//! The long result table in Parquet: `run_id, year, group, indicator, value`, rows in that
//! order, with key–value metadata that makes each file self-describing.

use cohesion_io::{Error, Result};
use parquet::column::reader::ColumnReader;
use parquet::data_type::{ByteArray, ByteArrayType, DoubleType, Int32Type, Int64Type};
use parquet::file::metadata::KeyValue;
use parquet::file::properties::WriterProperties;
use parquet::file::reader::{FileReader, SerializedFileReader};
use parquet::file::writer::SerializedFileWriter;
use parquet::schema::parser::parse_message_type;
use std::fs::File;
use std::path::Path;
use std::sync::Arc;

/// One kept value. Groups and indicators are indices into [`Names`], so a table of
/// millions of rows holds no strings.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Record {
    pub run: u32,
    pub year: i32,
    pub group: u16,
    pub indicator: u16,
    pub value: f64,
}

/// The group and indicator names records point into (the model's own lists).
pub struct Names {
    pub groups: Vec<String>,
    pub indicators: Vec<&'static str>,
}

impl Names {
    pub fn model() -> Names {
        Names {
            groups: cohesion_model::indicators::group_names(),
            indicators: cohesion_model::indicators::INDICATORS.to_vec(),
        }
    }

    pub fn group(&self, name: &str) -> Option<u16> {
        self.groups.iter().position(|g| g == name).map(|i| i as u16)
    }

    pub fn indicator(&self, name: &str) -> Option<u16> {
        self.indicators
            .iter()
            .position(|g| *g == name)
            .map(|i| i as u16)
    }
}

const SCHEMA: &str = "message results { REQUIRED INT32 run_id; REQUIRED INT32 year; \
     REQUIRED BYTE_ARRAY group (UTF8); REQUIRED BYTE_ARRAY indicator (UTF8); \
     REQUIRED DOUBLE value; }";

/// Rows per row group: big enough to compress well, small enough to stream.
const ROW_GROUP: usize = 1 << 20;

fn fail(path: &Path) -> impl Fn(parquet::errors::ParquetError) -> Error + '_ {
    move |e| Error::failure(format!("{}: Parquet: {e}", path.display()))
}

/// One column's values in a row group, in schema order.
pub enum Column {
    Int32(Vec<i32>),
    /// Written by bit pattern; the schema's annotation says whether it is signed.
    Int64(Vec<i64>),
    Text(Vec<ByteArray>),
    Double(Vec<f64>),
}

/// Write a Parquet file of `schema` (Parquet's message syntax) with the given key–value
/// metadata, one row group per item of `groups`. Nothing time- or machine-dependent goes in,
/// so equal inputs give equal bytes; the file is synced before this returns.
pub fn write_columns(
    path: &Path,
    schema: &str,
    metadata: &[(String, String)],
    groups: impl IntoIterator<Item = Vec<Column>>,
) -> Result<()> {
    let fail = fail(path);
    let schema = Arc::new(parse_message_type(schema).map_err(&fail)?);
    let kv = metadata
        .iter()
        .map(|(k, v)| KeyValue::new(k.clone(), v.clone()))
        .collect();
    let props = Arc::new(
        WriterProperties::builder()
            .set_key_value_metadata(Some(kv))
            .set_created_by(format!("cohesion {}", env!("CARGO_PKG_VERSION")))
            .build(),
    );
    let file = File::create(path).map_err(|e| Error::io(path, "create", e))?;
    let mut writer = SerializedFileWriter::new(file, schema, props).map_err(&fail)?;
    for columns in groups {
        let mut group = writer.next_row_group().map_err(&fail)?;
        let mut columns = columns.into_iter();
        while let Some(mut col) = group.next_column().map_err(&fail)? {
            let Some(values) = columns.next() else {
                return Err(Error::failure(format!(
                    "{}: fewer columns than the schema has",
                    path.display()
                )));
            };
            match values {
                Column::Int32(v) => col.typed::<Int32Type>().write_batch(&v, None, None),
                Column::Int64(v) => col.typed::<Int64Type>().write_batch(&v, None, None),
                Column::Text(v) => col.typed::<ByteArrayType>().write_batch(&v, None, None),
                Column::Double(v) => col.typed::<DoubleType>().write_batch(&v, None, None),
            }
            .map_err(&fail)?;
            col.close().map_err(&fail)?;
        }
        group.close().map_err(&fail)?;
    }
    let file = writer.into_inner().map_err(&fail)?;
    file.sync_all().map_err(|e| Error::io(path, "sync", e))
}

/// Write records (already in their final order) to `path`. The output depends only on the
/// records and the metadata, never on time or machine, so two runs can be compared byte
/// for byte.
pub fn write(
    path: &Path,
    records: &[Record],
    names: &Names,
    metadata: &[(String, String)],
) -> Result<()> {
    let groups = records.chunks(ROW_GROUP).map(|chunk| {
        vec![
            Column::Int32(chunk.iter().map(|r| r.run as i32).collect()),
            Column::Int32(chunk.iter().map(|r| r.year).collect()),
            Column::Text(
                chunk
                    .iter()
                    .map(|r| ByteArray::from(names.groups[r.group as usize].as_str()))
                    .collect(),
            ),
            Column::Text(
                chunk
                    .iter()
                    .map(|r| ByteArray::from(names.indicators[r.indicator as usize]))
                    .collect(),
            ),
            Column::Double(chunk.iter().map(|r| r.value).collect()),
        ]
    });
    write_columns(path, SCHEMA, metadata, groups)
}

/// The key–value metadata of a results file.
pub fn metadata(path: &Path) -> Result<Vec<(String, String)>> {
    let file = File::open(path).map_err(|e| Error::io(path, "open", e))?;
    let reader = SerializedFileReader::new(file).map_err(fail(path))?;
    Ok(reader
        .metadata()
        .file_metadata()
        .key_value_metadata()
        .map(|kv| {
            kv.iter()
                .map(|k| (k.key.clone(), k.value.clone().unwrap_or_default()))
                .collect()
        })
        .unwrap_or_default())
}

/// Read every record of a file written by [`write`]. A file with another schema, or with a
/// group or indicator this program does not know, is an error naming the file.
pub fn read(path: &Path, names: &Names) -> Result<Vec<Record>> {
    let fail = fail(path);
    let bad = |msg: String| Error::input(format!("{}: {msg}", path.display()));
    let file = File::open(path).map_err(|e| Error::io(path, "open", e))?;
    let reader = SerializedFileReader::new(file).map_err(&fail)?;
    let schema = reader.metadata().file_metadata().schema_descr();
    let expected = ["run_id", "year", "group", "indicator", "value"];
    let found: Vec<&str> = schema.columns().iter().map(|c| c.name()).collect();
    if found != expected {
        return Err(bad(format!(
            "not a cohesion results file: columns {found:?}, expected {expected:?}"
        )));
    }
    let mut out = Vec::with_capacity(reader.metadata().file_metadata().num_rows() as usize);
    for g in 0..reader.num_row_groups() {
        let rg = reader.get_row_group(g).map_err(&fail)?;
        let rows = rg.metadata().num_rows() as usize;
        let ints = |i: usize| -> Result<Vec<i32>> {
            let ColumnReader::Int32ColumnReader(mut r) = rg.get_column_reader(i).map_err(&fail)?
            else {
                return Err(bad(format!("column {} is not INT32", expected[i])));
            };
            let mut v = Vec::with_capacity(rows);
            r.read_records(rows, None, None, &mut v).map_err(&fail)?;
            Ok(v)
        };
        let strings = |i: usize| -> Result<Vec<ByteArray>> {
            let ColumnReader::ByteArrayColumnReader(mut r) =
                rg.get_column_reader(i).map_err(&fail)?
            else {
                return Err(bad(format!("column {} is not a string", expected[i])));
            };
            let mut v = Vec::with_capacity(rows);
            r.read_records(rows, None, None, &mut v).map_err(&fail)?;
            Ok(v)
        };
        let run = ints(0)?;
        let year = ints(1)?;
        let group = strings(2)?;
        let indicator = strings(3)?;
        let ColumnReader::DoubleColumnReader(mut r) = rg.get_column_reader(4).map_err(&fail)?
        else {
            return Err(bad("column value is not DOUBLE".into()));
        };
        let mut value = Vec::with_capacity(rows);
        r.read_records(rows, None, None, &mut value)
            .map_err(&fail)?;
        if [
            run.len(),
            year.len(),
            group.len(),
            indicator.len(),
            value.len(),
        ] != [rows; 5]
        {
            return Err(bad(format!("row group {g} is truncated")));
        }
        // Names repeat in long runs; remember the last lookup instead of searching each row.
        let mut last_group: (Vec<u8>, u16) = (Vec::new(), 0);
        let mut last_ind: (Vec<u8>, u16) = (Vec::new(), 0);
        for i in 0..rows {
            let (g, ind) = (group[i].data(), indicator[i].data());
            if g != last_group.0.as_slice() {
                let name = std::str::from_utf8(g).unwrap_or("");
                let idx = names
                    .group(name)
                    .ok_or_else(|| bad(format!("unknown group `{name}` in row {}", i + 1)))?;
                last_group = (g.to_vec(), idx);
            }
            if ind != last_ind.0.as_slice() {
                let name = std::str::from_utf8(ind).unwrap_or("");
                let idx = names
                    .indicator(name)
                    .ok_or_else(|| bad(format!("unknown indicator `{name}` in row {}", i + 1)))?;
                last_ind = (ind.to_vec(), idx);
            }
            if run[i] < 0 {
                return Err(bad(format!("negative run id in row {}", i + 1)));
            }
            out.push(Record {
                run: run[i] as u32,
                year: year[i],
                group: last_group.1,
                indicator: last_ind.1,
                value: value[i],
            });
        }
    }
    Ok(out)
}

/// The run table as Parquet (`runs.parquet`): one row per run, future and package by name,
/// design point, replication, seed, and every uncertain parameter by value, so a reader can
/// join it to the results on `run_id` without decoding anything.
pub fn write_runs(
    path: &Path,
    runs: &[crate::plan::Run],
    futures: &[String],
    packages: &[String],
    factor_names: &[String],
    points: &[Vec<f64>],
    metadata: &[(String, String)],
) -> Result<()> {
    let mut schema = String::from(
        "message runs { REQUIRED INT32 run_id; REQUIRED BYTE_ARRAY future (UTF8); \
         REQUIRED BYTE_ARRAY package (UTF8); REQUIRED INT32 point; REQUIRED INT32 replication; \
         REQUIRED INT64 seed (INTEGER(64,false));",
    );
    for name in factor_names {
        schema.push_str(&format!(" REQUIRED DOUBLE {name};"));
    }
    schema.push_str(" }");
    let text = |names: &[String], of: fn(&crate::plan::Run) -> usize| {
        Column::Text(
            runs.iter()
                .map(|r| ByteArray::from(names[of(r)].as_str()))
                .collect(),
        )
    };
    let mut columns = vec![
        Column::Int32(runs.iter().map(|r| r.id as i32).collect()),
        text(futures, |r| r.future),
        text(packages, |r| r.package),
        Column::Int32(runs.iter().map(|r| r.point as i32).collect()),
        Column::Int32(runs.iter().map(|r| r.replication as i32).collect()),
        // Unsigned 64-bit seeds are stored by bit pattern under an unsigned annotation.
        Column::Int64(runs.iter().map(|r| r.seed as i64).collect()),
    ];
    columns.extend(
        (0..factor_names.len())
            .map(|k| Column::Double(runs.iter().map(|r| points[r.point][k]).collect())),
    );
    write_columns(path, &schema, metadata, [columns])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn records_and_metadata_round_trip_and_writing_is_deterministic() {
        let names = Names::model();
        let records: Vec<Record> = (0..1000)
            .map(|i| Record {
                run: i / 100,
                year: 2025 + (i % 10) as i32,
                group: (i % names.groups.len() as u32) as u16,
                indicator: (i % 7) as u16,
                value: i as f64 * 0.5 - 3.0,
            })
            .collect();
        let dir = std::env::temp_dir().join(format!("cohesion-parts-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let meta = vec![("experiment_hash".to_string(), "abc".to_string())];
        write(&dir.join("a.parquet"), &records, &names, &meta).unwrap();
        write(&dir.join("b.parquet"), &records, &names, &meta).unwrap();
        let back = read(&dir.join("a.parquet"), &names).unwrap();
        let a = std::fs::read(dir.join("a.parquet")).unwrap();
        let b = std::fs::read(dir.join("b.parquet")).unwrap();
        let m = metadata(&dir.join("a.parquet")).unwrap();
        std::fs::write(dir.join("c.parquet"), &a[..a.len() / 2]).unwrap();
        let broken = read(&dir.join("c.parquet"), &names);
        std::fs::remove_dir_all(&dir).unwrap();
        assert_eq!(back, records);
        assert_eq!(a, b);
        assert_eq!(m, meta);
        assert!(broken.unwrap_err().to_string().contains("c.parquet"));
    }
}
