//! Reading source files as UTF-8, with the byte offset of the first bad byte in the error.

use cohesion_io::{Error, Result};
use std::path::Path;

/// Largest source file accepted (a ParlaMint sitting is a few MB; 2 GiB guards memory).
pub const MAX_SOURCE_BYTES: u64 = 2 << 30;

/// Read `path` as UTF-8. Invalid bytes are an input error naming the line and byte offset,
/// unless `lossy`, which replaces them with U+FFFD.
pub fn read_text(path: &Path, lossy: bool) -> Result<String> {
    let meta = std::fs::metadata(path).map_err(|e| Error::io(path, "read", e))?;
    if meta.is_dir() {
        return Err(Error::at(path, None, None, "is a folder, expected a file"));
    }
    if meta.len() > MAX_SOURCE_BYTES {
        return Err(Error::at(path, None, None, "file is larger than 2 GiB"));
    }
    let bytes = std::fs::read(path).map_err(|e| Error::io(path, "read", e))?;
    match String::from_utf8(bytes) {
        Ok(s) => Ok(s),
        Err(e) if lossy => Ok(String::from_utf8_lossy(e.as_bytes()).into_owned()),
        Err(e) => {
            let at = e.utf8_error().valid_up_to();
            let line = e.as_bytes()[..at].iter().filter(|&&b| b == b'\n').count() + 1;
            Err(Error::at(
                path,
                Some(line),
                None,
                format!(
                    "invalid UTF-8 at byte offset {at} (byte 0x{:02x}); save the file as UTF-8 or pass --lossy",
                    e.as_bytes()[at]
                ),
            ))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bad_byte_reports_offset_and_lossy_replaces() {
        let dir = std::env::temp_dir().join(format!("cd-read-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let p = dir.join("t.txt");
        std::fs::write(&p, b"Jan: goed\nPiet: caf\xe9\n").unwrap();
        let e = read_text(&p, false).unwrap_err();
        assert!(e.message().contains(":2:"), "{e}");
        assert!(e.message().contains("byte offset 19"), "{e}");
        assert_eq!(e.exit_code(), 2);
        assert_eq!(
            read_text(&p, true).unwrap(),
            "Jan: goed\nPiet: caf\u{fffd}\n"
        );
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
