//! Writing index files: a column's sorted lexicon, ids and postings, little-endian number
//! arrays, and region metadata with its row-offset index.

use cohesion_io::{Error, Result};
use std::fs;
use std::io::{BufWriter, Write};
use std::path::Path;

/// Write one column from its types (in first-seen order) and token ids.
pub(super) fn write_column(
    dir: &Path,
    name: &str,
    types: &[&str],
    mut ids: Vec<u32>,
    n: usize,
) -> Result<()> {
    // Renumber so that id order is bytewise string order: lookups become binary searches.
    let mut order: Vec<u32> = (0..types.len() as u32).collect();
    order.sort_unstable_by(|&a, &b| types[a as usize].cmp(types[b as usize]));
    let mut new_id = vec![0u32; order.len()];
    for (new, &old) in order.iter().enumerate() {
        new_id[old as usize] = new as u32;
    }
    for i in ids.iter_mut() {
        *i = new_id[*i as usize];
    }
    let mut lex = Vec::new();
    let mut lexoff = Vec::with_capacity(order.len() + 1);
    for &old in &order {
        lexoff.push(lex.len() as u64);
        lex.extend_from_slice(types[old as usize].as_bytes());
    }
    lexoff.push(lex.len() as u64);
    // Postings by counting sort: positions come out ascending within each type.
    let mut postoff = vec![0u64; order.len() + 1];
    for &id in &ids {
        postoff[id as usize + 1] += 1;
    }
    for i in 1..postoff.len() {
        postoff[i] += postoff[i - 1];
    }
    let mut fill: Vec<u64> = postoff[..order.len()].to_vec();
    let mut post = vec![0u32; n];
    for (pos, &id) in ids.iter().enumerate() {
        post[fill[id as usize] as usize] = pos as u32;
        fill[id as usize] += 1;
    }
    let p = dir.join(format!("{name}.lex"));
    fs::write(&p, &lex).map_err(|e| Error::io(&p, "write", e))?;
    write_u64s(&dir.join(format!("{name}.lexoff")), &lexoff)?;
    write_u32s(&dir.join(format!("{name}.ids")), &ids)?;
    write_u64s(&dir.join(format!("{name}.postoff")), &postoff)?;
    write_u32s(&dir.join(format!("{name}.post")), &post)
}

pub(super) fn write_u32s(path: &Path, v: &[u32]) -> Result<()> {
    write_le(path, v, |x, buf| buf.extend_from_slice(&x.to_le_bytes()))
}

pub(super) fn write_u64s(path: &Path, v: &[u64]) -> Result<()> {
    write_le(path, v, |x, buf| buf.extend_from_slice(&x.to_le_bytes()))
}

/// Little-endian numbers, converted a block at a time (a 100 M-token column is 400 MB).
fn write_le<T: Copy>(path: &Path, v: &[T], put: impl Fn(T, &mut Vec<u8>)) -> Result<()> {
    let f = fs::File::create(path).map_err(|e| Error::io(path, "create", e))?;
    let mut w = BufWriter::with_capacity(1 << 20, f);
    let mut buf = Vec::with_capacity(1 << 18);
    for block in v.chunks(1 << 15) {
        buf.clear();
        for &x in block {
            put(x, &mut buf);
        }
        w.write_all(&buf).map_err(|e| Error::io(path, "write", e))?;
    }
    w.flush().map_err(|e| Error::io(path, "write", e))
}

/// Metadata values are single-line by construction: tabs and newlines become spaces.
/// Beside the TSV, `.rows` holds the byte offset of every data row (u64 × regions+1).
/// `derived(i)` gives the id of a row whose id was not stored (see `Regions::derived`).
pub(super) fn write_meta(
    path: &Path,
    columns: &[String],
    rows: &[Vec<(String, String)>],
    derived: &dyn Fn(usize) -> Option<String>,
) -> Result<()> {
    let clean = |s: &str| s.replace(['\t', '\n', '\r'], " ");
    let mut out = String::new();
    out.push_str(
        &columns
            .iter()
            .map(|c| clean(c))
            .collect::<Vec<_>>()
            .join("\t"),
    );
    out.push('\n');
    let mut offsets = Vec::with_capacity(rows.len() + 1);
    for (i, row) in rows.iter().enumerate() {
        offsets.push(out.len() as u64);
        let id = derived(i);
        let cells: Vec<String> = columns
            .iter()
            .map(|c| match (&id, c.as_str()) {
                (Some(id), "id") => clean(id),
                _ => row
                    .iter()
                    .find(|(k, _)| k == c)
                    .map(|(_, v)| clean(v))
                    .unwrap_or_default(),
            })
            .collect();
        out.push_str(&cells.join("\t"));
        out.push('\n');
    }
    offsets.push(out.len() as u64);
    fs::write(path, out).map_err(|e| Error::io(path, "write", e))?;
    write_u64s(&path.with_extension("rows"), &offsets)
}
