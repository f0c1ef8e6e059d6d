//! B3's `--out DIR/b3.jsonl`: one fsynced JSON line per finished run, so a killed benchmark
//! resumes at the first missing run. A file from another binary or other options, in the older
//! one-line-per-size format, or holding a run twice is refused rather than mixed or guessed at.

use super::population::Measured;
use cohesion_io::error::read_utf8;
use cohesion_io::{Error, Result};
use serde::{Deserialize, Serialize};
use std::io::Write;
use std::path::Path;

/// What must match for a stored run to count as done: the program and the options that shape
/// one run. The number of runs is not part of it: runs under the same key are interchangeable,
/// so a rerun asking for more of them adds to those already there.
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq)]
pub struct Key {
    pub program: String,
    pub binary: String,
    pub years: u32,
    pub seed: u64,
    pub threads: usize,
    pub stream_mib: usize,
    pub stream_tries: usize,
}

/// One finished run (one process) of one size.
#[derive(Serialize, Deserialize, Debug, Clone)]
pub struct Line {
    pub key: Key,
    pub size: usize,
    /// 1 for the first run of this size, 2 for the second…
    pub run: usize,
    /// The process's wall time as the parent saw it: the first run's decides how many follow.
    pub wall_s: f64,
    pub measured: Measured,
}

/// The binary's identity beyond its version: its length and modification time.
pub fn binary_identity() -> String {
    std::env::current_exe()
        .and_then(std::fs::metadata)
        .map(|m| {
            let modified = m
                .modified()
                .ok()
                .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
                .map_or(0, |d| d.as_secs());
            format!("{} bytes, modified {modified}", m.len())
        })
        .unwrap_or_else(|_| "unknown".into())
}

/// A kill in the middle of an append can leave a last line without its newline: cut it off
/// (that run is measured again) so the next append starts on a fresh line.
fn drop_torn_line(path: &Path) -> Result<()> {
    let bytes = match std::fs::read(path) {
        Ok(b) => b,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(()),
        Err(e) => return Err(Error::io(path, "read", e)),
    };
    if bytes.is_empty() || bytes.ends_with(b"\n") {
        return Ok(());
    }
    let keep = bytes.iter().rposition(|&b| b == b'\n').map_or(0, |i| i + 1);
    std::fs::OpenOptions::new()
        .write(true)
        .open(path)
        .and_then(|f| f.set_len(keep as u64).and_then(|_| f.sync_all()))
        .map_err(|e| Error::io(path, "truncate", e))?;
    eprintln!(
        "note: {}: dropped an unfinished last line (a killed run); that run is measured again",
        path.display()
    );
    Ok(())
}

/// Runs already in DIR/b3.jsonl; refuses a file written by another binary or other options, in
/// the older format (one line per size), or holding a run twice.
pub fn load_done(path: &Path, key: &Key) -> Result<Vec<Line>> {
    drop_torn_line(path)?;
    if !path.exists() {
        return Ok(Vec::new());
    }
    let text = read_utf8(path, 16 << 20)?;
    let mut done = Vec::new();
    for (i, raw) in text
        .lines()
        .enumerate()
        .filter(|(_, l)| !l.trim().is_empty())
    {
        let value: serde_json::Value = serde_json::from_str(raw)
            .map_err(|e| Error::at(path, Some(i + 1), None, format!("not a b3 run: {e}")))?;
        if value.get("key").is_some() && value.get("run").is_none() {
            return Err(Error::at(
                path,
                Some(i + 1),
                Some("run"),
                "a b3 row in the older format (one line per size, each a median, no run \
                 number); it cannot be resumed run by run: use another --out folder or remove \
                 the file",
            ));
        }
        let line: Line = serde_json::from_value(value)
            .map_err(|e| Error::at(path, Some(i + 1), None, format!("not a b3 run: {e}")))?;
        if line.run == 0 {
            return Err(Error::at(
                path,
                Some(i + 1),
                Some("run"),
                "runs count from 1",
            ));
        }
        if line.key != *key {
            let (old, new) = (
                serde_json::to_value(&line.key).unwrap_or_default(),
                serde_json::to_value(key).unwrap_or_default(),
            );
            let field = old
                .as_object()
                .and_then(|o| o.iter().find(|(k, v)| new.get(k.as_str()) != Some(v)))
                .map(|(k, v)| format!("{k} was {v}, now {}", new[k.as_str()]))
                .unwrap_or_default();
            return Err(Error::at(
                path,
                Some(i + 1),
                Some("key"),
                format!(
                    "written by another binary or with other options ({field}); \
                     refusing to mix them: use another --out folder or remove the file"
                ),
            ));
        }
        if done
            .iter()
            .any(|d: &Line| d.size == line.size && d.run == line.run)
        {
            return Err(Error::at(
                path,
                Some(i + 1),
                Some("run"),
                format!(
                    "run {} of {} agents is in the file twice (two benchmarks writing to one \
                     folder?); refusing to choose: use another --out folder or remove the file",
                    line.run, line.size
                ),
            ));
        }
        done.push(line);
    }
    Ok(done)
}

pub fn append(path: &Path, line: &Line) -> Result<()> {
    let mut text = serde_json::to_string(line)
        .map_err(|e| Error::failure(format!("encoding a b3 run: {e}")))?;
    text.push('\n');
    let mut f = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(path)
        .map_err(|e| Error::io(path, "open for appending", e))?;
    // One write of the whole line, then fsync: a kill leaves either the line or nothing.
    f.write_all(text.as_bytes())
        .and_then(|_| f.sync_all())
        .map_err(|e| Error::io(path, "append to", e))
}
