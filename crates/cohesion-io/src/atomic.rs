//! Atomic writes: write to a temporary sibling, flush, then rename into place.

use crate::error::{Error, Result};
use std::fs::{self, File};
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};

fn temp_sibling(path: &Path) -> PathBuf {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    path.with_file_name(format!(".{name}.{}.tmp", std::process::id()))
}

/// Write a file atomically: `fill` writes into a buffered temporary file which is renamed
/// to `path` only if `fill` succeeds. On error the temporary file is removed.
pub fn write_atomic<F>(path: &Path, fill: F) -> Result<()>
where
    F: FnOnce(&mut dyn Write) -> Result<()>,
{
    let tmp = temp_sibling(path);
    let result = (|| {
        let file = File::create(&tmp).map_err(|e| Error::io(path, "create", e))?;
        let mut w = BufWriter::new(file);
        fill(&mut w)?;
        let file = w
            .into_inner()
            .map_err(|e| Error::io(path, "write", e.into_error()))?;
        file.sync_all().map_err(|e| Error::io(path, "write", e))?;
        fs::rename(&tmp, path).map_err(|e| Error::io(path, "rename into place", e))
    })();
    if result.is_err() {
        let _ = fs::remove_file(&tmp);
    }
    result
}

/// An output folder whose files appear all at once: files are written into a hidden staging
/// folder beside the target and moved into the target by [`AtomicDir::commit`]. Dropping it
/// without committing removes the staging folder, so a failed command leaves nothing behind.
pub struct AtomicDir {
    target: PathBuf,
    staging: PathBuf,
    committed: bool,
}

impl AtomicDir {
    /// Prepare to write into `target` (created if missing). Fails early, with status 2, when
    /// the target is not a writable folder.
    pub fn new(target: &Path) -> Result<Self> {
        if target.exists() && !target.is_dir() {
            return Err(Error::input(format!(
                "{}: output path exists and is not a folder",
                target.display()
            )));
        }
        fs::create_dir_all(target).map_err(|e| {
            Error::input(format!(
                "{}: cannot create output folder: {e}",
                target.display()
            ))
        })?;
        let staging = target.join(format!(".staging-{}", std::process::id()));
        fs::create_dir_all(&staging).map_err(|e| {
            Error::input(format!(
                "{}: output folder is not writable: {e}",
                target.display()
            ))
        })?;
        Ok(AtomicDir {
            target: target.to_path_buf(),
            staging,
            committed: false,
        })
    }

    /// Where to write a file that will appear as `target/name` on commit.
    pub fn path(&self, name: &str) -> PathBuf {
        self.staging.join(name)
    }

    /// The staging folder itself, for writers that take a folder.
    pub fn staging(&self) -> &Path {
        &self.staging
    }

    pub fn target(&self) -> &Path {
        &self.target
    }

    /// Move every staged file into the target folder (each rename is atomic).
    pub fn commit(mut self) -> Result<()> {
        let entries =
            fs::read_dir(&self.staging).map_err(|e| Error::io(&self.staging, "list", e))?;
        for entry in entries {
            let entry = entry.map_err(|e| Error::io(&self.staging, "list", e))?;
            let dest = self.target.join(entry.file_name());
            if dest.is_dir() {
                fs::remove_dir_all(&dest).map_err(|e| Error::io(&dest, "replace", e))?;
            }
            fs::rename(entry.path(), &dest).map_err(|e| Error::io(&dest, "move into place", e))?;
        }
        fs::remove_dir(&self.staging).map_err(|e| Error::io(&self.staging, "remove", e))?;
        self.committed = true;
        Ok(())
    }
}

impl Drop for AtomicDir {
    fn drop(&mut self) {
        if !self.committed {
            let _ = fs::remove_dir_all(&self.staging);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scratch(name: &str) -> PathBuf {
        let d = std::env::temp_dir().join(format!("cohesion-io-{name}-{}", std::process::id()));
        let _ = fs::remove_dir_all(&d);
        fs::create_dir_all(&d).unwrap();
        d
    }

    #[test]
    fn failed_write_leaves_no_file() {
        let d = scratch("atomic-fail");
        let p = d.join("out.csv");
        let r = write_atomic(&p, |w| {
            w.write_all(b"partial").unwrap();
            Err(Error::failure("boom"))
        });
        assert!(r.is_err());
        assert!(!p.exists());
        assert_eq!(
            fs::read_dir(&d).unwrap().count(),
            0,
            "temporary file left behind"
        );
        write_atomic(&p, |w| {
            w.write_all(b"ok").map_err(|e| Error::io(&p, "write", e))
        })
        .unwrap();
        assert_eq!(fs::read_to_string(&p).unwrap(), "ok");
        fs::remove_dir_all(&d).unwrap();
    }

    #[test]
    fn uncommitted_dir_leaves_nothing_and_commit_moves_files() {
        let d = scratch("atomic-dir");
        let out = d.join("out");
        {
            let staged = AtomicDir::new(&out).unwrap();
            fs::write(staged.path("a.csv"), "x").unwrap();
        }
        assert_eq!(fs::read_dir(&out).unwrap().count(), 0);
        let staged = AtomicDir::new(&out).unwrap();
        fs::write(staged.path("a.csv"), "y").unwrap();
        staged.commit().unwrap();
        assert_eq!(fs::read_to_string(out.join("a.csv")).unwrap(), "y");
        assert_eq!(fs::read_dir(&out).unwrap().count(), 1);
        fs::remove_dir_all(&d).unwrap();
    }

    #[test]
    fn a_file_in_the_way_is_an_input_error() {
        let d = scratch("atomic-notdir");
        let f = d.join("file");
        fs::write(&f, "").unwrap();
        let e = AtomicDir::new(&f).err().unwrap();
        assert_eq!(e.exit_code(), 2);
        fs::remove_dir_all(&d).unwrap();
    }
}
