//! A results folder: the experiment file, a header saying which experiment and program made
//! it, one Parquet part per finished run under `parts/`, and a manifest listing them.
//!
//! A run is done when its part has been renamed into place and listed in `manifest.tsv`. A
//! kill can land between any two steps, so opening a folder reconciles the two: temporary
//! files are removed, parts that are complete but unlisted are checked and listed, listed
//! runs whose part is gone are run again. A lock keeps two processes out of one folder.

use crate::parts;
use cohesion_io::{write_atomic, Error, Result};
use std::collections::BTreeMap;
use std::fs::{self, File, OpenOptions};
use std::io::Write;
use std::path::{Path, PathBuf};

/// The program that wrote a folder: version and source revision. Results from different
/// programs are never mixed.
pub const PROGRAM: &str = concat!("cohesion ", env!("COHESION_BUILD"));
const FORMAT: u32 = 1;
const MANIFEST_HEADER: &str = "run_id\trows\tbytes";

/// What a folder is for; written once as `folder.toml` and checked on every reopening.
#[derive(Debug, Clone, PartialEq)]
pub struct Header {
    pub experiment: String,
    pub experiment_sha256: String,
    pub program: String,
    pub runs: u32,
    pub shard: String,
    /// Where the experiment file was read from (its relative paths are resolved there).
    /// Informational: not compared on reopening.
    pub source: String,
}

impl Header {
    pub fn write(&self, dir: &Path) -> Result<()> {
        write_text(&dir.join("folder.toml"), &self.to_toml())
    }

    fn to_toml(&self) -> String {
        format!(
            "format = {FORMAT}\nexperiment = {:?}\nexperiment_sha256 = {:?}\nprogram = {:?}\nruns = {}\nshard = {:?}\nsource = {:?}\n",
            self.experiment, self.experiment_sha256, self.program, self.runs, self.shard, self.source
        )
    }

    fn parse(path: &Path, text: &str) -> Result<Header> {
        let t: toml::Table = text.parse().map_err(|e| {
            Error::input(format!(
                "{}: not a results folder header: {e}",
                path.display()
            ))
        })?;
        let s = |k: &str| {
            t.get(k)
                .and_then(|v| v.as_str())
                .map(str::to_string)
                .ok_or_else(|| Error::at(path, None, Some(k), "missing"))
        };
        Ok(Header {
            experiment: s("experiment")?,
            experiment_sha256: s("experiment_sha256")?,
            program: s("program")?,
            runs: t
                .get("runs")
                .and_then(|v| v.as_integer())
                .and_then(|v| u32::try_from(v).ok())
                .ok_or_else(|| Error::at(path, None, Some("runs"), "missing"))?,
            shard: s("shard")?,
            source: s("source").unwrap_or_default(),
        })
    }
}

/// One listed run.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Entry {
    pub rows: u64,
    pub bytes: u64,
}

/// An open, locked results folder.
pub struct Store {
    pub dir: PathBuf,
    pub header: Header,
    pub done: BTreeMap<u32, Entry>,
    manifest: File,
    _lock: File,
}

pub fn part_name(run: u32) -> String {
    format!("run-{run:08}.parquet")
}

fn parse_part_name(name: &str) -> Option<u32> {
    name.strip_prefix("run-")?
        .strip_suffix(".parquet")?
        .parse()
        .ok()
}

pub fn sha256(text: &str) -> String {
    use sha2::Digest;
    sha2::Sha256::digest(text.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

impl Store {
    /// Open `dir` for `header`'s experiment, creating it if new. Refuses a folder made by a
    /// different experiment file or program, or one another process is writing.
    pub fn open(dir: &Path, header: Header, experiment_text: &str) -> Result<Store> {
        if dir.exists() && !dir.is_dir() {
            return Err(Error::input(format!(
                "{}: exists and is not a folder",
                dir.display()
            )));
        }
        fs::create_dir_all(dir.join("parts")).map_err(|e| Error::io(dir, "create", e))?;
        let lock_path = dir.join("lock");
        let lock = OpenOptions::new()
            .create(true)
            .truncate(false)
            .write(true)
            .open(&lock_path)
            .map_err(|e| Error::io(&lock_path, "open", e))?;
        if lock.try_lock().is_err() {
            return Err(Error::input(format!(
                "{}: another `cohesion experiment` is writing to this folder",
                dir.display()
            )));
        }
        let header_path = dir.join("folder.toml");
        if header_path.exists() {
            let text =
                fs::read_to_string(&header_path).map_err(|e| Error::io(&header_path, "read", e))?;
            let old = Header::parse(&header_path, &text)?;
            if old.experiment_sha256 != header.experiment_sha256 {
                return Err(Error::input(format!(
                    "{}: this folder holds results of a different experiment file \
                     (`{}`, sha256 {}…; yours is `{}`, {}…); refusing to mix them: \
                     use another --out folder",
                    dir.display(),
                    old.experiment,
                    &old.experiment_sha256[..12.min(old.experiment_sha256.len())],
                    header.experiment,
                    &header.experiment_sha256[..12],
                )));
            }
            if old.program != header.program {
                return Err(Error::input(format!(
                    "{}: these results were made by `{}`, and this is `{}`; \
                     refusing to mix results of different programs: use another --out folder",
                    dir.display(),
                    old.program,
                    header.program
                )));
            }
            if old.shard != header.shard || old.runs != header.runs {
                return Err(Error::input(format!(
                    "{}: this folder is shard {} of {} runs; asked for shard {} of {}",
                    dir.display(),
                    old.shard,
                    old.runs,
                    header.shard,
                    header.runs
                )));
            }
        } else {
            write_text(&dir.join("experiment.toml"), experiment_text)?;
            header.write(dir)?;
        }
        let done = reconcile(dir)?;
        let manifest_path = dir.join("manifest.tsv");
        let manifest = OpenOptions::new()
            .append(true)
            .open(&manifest_path)
            .map_err(|e| Error::io(&manifest_path, "open", e))?;
        Ok(Store {
            dir: dir.to_path_buf(),
            header,
            done,
            manifest,
            _lock: lock,
        })
    }

    /// Write a finished run's part: to a temporary name, synced, renamed into place, then
    /// listed. The manifest line is synced before the run counts as done.
    pub fn commit_part(
        &mut self,
        run: u32,
        records: &[parts::Record],
        names: &parts::Names,
        metadata: &[(String, String)],
    ) -> Result<Entry> {
        let final_path = self.dir.join("parts").join(part_name(run));
        let tmp = self
            .dir
            .join("parts")
            .join(format!(".{}.tmp", part_name(run)));
        parts::write(&tmp, records, names, metadata)?;
        fs::rename(&tmp, &final_path).map_err(|e| Error::io(&final_path, "move into place", e))?;
        let bytes = fs::metadata(&final_path)
            .map_err(|e| Error::io(&final_path, "stat", e))?
            .len();
        let entry = Entry {
            rows: records.len() as u64,
            bytes,
        };
        self.list(run, entry)?;
        Ok(entry)
    }

    fn list(&mut self, run: u32, entry: Entry) -> Result<()> {
        let path = self.dir.join("manifest.tsv");
        writeln!(self.manifest, "{run}\t{}\t{}", entry.rows, entry.bytes)
            .and_then(|_| self.manifest.sync_data())
            .map_err(|e| Error::io(&path, "append to", e))?;
        self.done.insert(run, entry);
        Ok(())
    }

    pub fn part_path(&self, run: u32) -> PathBuf {
        self.dir.join("parts").join(part_name(run))
    }
}

/// Bring the manifest and the parts into agreement and return the finished runs.
fn reconcile(dir: &Path) -> Result<BTreeMap<u32, Entry>> {
    let parts_dir = dir.join("parts");
    let manifest_path = dir.join("manifest.tsv");
    let (listed, mut clean) = match fs::read_to_string(&manifest_path) {
        Ok(text) => {
            let manifest = parse_manifest(&text);
            // Clean: nothing cut short, no malformed or repeated line.
            let clean = manifest.complete && manifest.bad_lines.is_empty() && !manifest.repeats;
            (manifest.entries, clean)
        }
        Err(_) => (BTreeMap::new(), false),
    };
    let mut done = BTreeMap::new();
    let names = parts::Names::model();
    let entries = fs::read_dir(&parts_dir).map_err(|e| Error::io(&parts_dir, "list", e))?;
    for entry in entries {
        let entry = entry.map_err(|e| Error::io(&parts_dir, "list", e))?;
        let name = entry.file_name().to_string_lossy().into_owned();
        let path = entry.path();
        if name.ends_with(".tmp") {
            // A part that was being written when the process died.
            fs::remove_file(&path).map_err(|e| Error::io(&path, "remove", e))?;
            continue;
        }
        let Some(run) = parse_part_name(&name) else {
            continue;
        };
        let bytes = entry.metadata().map(|m| m.len()).unwrap_or(0);
        match listed.get(&run) {
            Some(e) if e.bytes == bytes => {
                done.insert(run, *e);
            }
            _ => {
                // Renamed into place but not listed (or listed with another size): keep it
                // only if it reads back whole and belongs to this run.
                clean = false;
                match parts::read(&path, &names) {
                    Ok(records) if records.iter().all(|r| r.run == run) => {
                        done.insert(
                            run,
                            Entry {
                                rows: records.len() as u64,
                                bytes,
                            },
                        );
                    }
                    _ => fs::remove_file(&path).map_err(|e| Error::io(&path, "remove", e))?,
                }
            }
        }
    }
    if listed.keys().any(|r| !done.contains_key(r)) {
        let lost = listed.keys().filter(|r| !done.contains_key(r)).count();
        eprintln!(
            "warning: {}: {lost} listed run(s) have no part any more and will be run again",
            dir.display()
        );
        clean = false;
    }
    if !clean {
        write_manifest(dir, &done)?;
    }
    Ok(done)
}

/// Read a folder's header without locking it (for merge, summary and analyses).
pub fn read_header(dir: &Path) -> Result<Header> {
    let path = dir.join("folder.toml");
    let text = fs::read_to_string(&path).map_err(|e| {
        Error::input(format!(
            "{}: not a results folder (no folder.toml): {e}",
            dir.display()
        ))
    })?;
    Header::parse(&path, &text)
}

/// Read a folder's manifest without locking it. Unlisted parts are not counted.
pub fn read_manifest(dir: &Path) -> Result<BTreeMap<u32, Entry>> {
    let path = dir.join("manifest.tsv");
    let text = fs::read_to_string(&path).map_err(|e| Error::io(&path, "read", e))?;
    let manifest = parse_manifest(&text);
    if let Some(&line) = manifest.bad_lines.first() {
        return Err(Error::at(
            &path,
            Some(line),
            None,
            "malformed manifest line",
        ));
    }
    Ok(manifest.entries)
}

/// A manifest's text, read leniently: what a writer killed mid-line or a damaged file
/// leaves is reported, not fatal, so the caller decides.
struct Manifest {
    entries: BTreeMap<u32, Entry>,
    /// The text ends with a newline (a kill can cut the last line short; only lines ending
    /// in a newline count).
    complete: bool,
    /// 1-based numbers of lines that are not `run\trows\tbytes`.
    bad_lines: Vec<usize>,
    /// Some run is listed twice.
    repeats: bool,
}

fn parse_manifest(text: &str) -> Manifest {
    let whole = &text[..text.rfind('\n').map_or(0, |i| i + 1)];
    let mut m = Manifest {
        entries: BTreeMap::new(),
        complete: whole.len() == text.len(),
        bad_lines: Vec::new(),
        repeats: false,
    };
    for (n, line) in whole.lines().enumerate().skip(1) {
        let f: Vec<&str> = line.split('\t').collect();
        let parsed = (f.len() == 3)
            .then(|| Some((f[0].parse().ok()?, f[1].parse().ok()?, f[2].parse().ok()?)))
            .flatten();
        match parsed {
            Some((run, rows, bytes)) => {
                m.repeats |= m.entries.insert(run, Entry { rows, bytes }).is_some();
            }
            None => m.bad_lines.push(n + 1),
        }
    }
    m
}

pub fn write_text(path: &Path, text: &str) -> Result<()> {
    write_atomic(path, |w| {
        w.write_all(text.as_bytes())
            .map_err(|e| Error::io(path, "write", e))
    })
}

/// Replace a folder's manifest with exactly these runs.
pub fn write_manifest(dir: &Path, done: &BTreeMap<u32, Entry>) -> Result<()> {
    let mut text = format!("{MANIFEST_HEADER}\n");
    for (run, e) in done {
        text.push_str(&format!("{run}\t{}\t{}\n", e.rows, e.bytes));
    }
    write_text(&dir.join("manifest.tsv"), &text)
}
