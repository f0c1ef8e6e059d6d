//! The error type a command returns to `main`, which prints it and exits with its status.

use std::fmt;
use std::path::Path;

/// Exit status for bad input or usage (DESIGN §2).
pub const EXIT_INPUT: i32 = 2;
/// Exit status for any other failure.
pub const EXIT_FAILURE: i32 = 1;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Error {
    /// The user's input is wrong: a file, a value, a name. Exit status 2.
    Input(String),
    /// Something else failed (disk full, a bug surfaced as an error). Exit status 1.
    Failure(String),
}

pub type Result<T, E = Error> = std::result::Result<T, E>;

impl Error {
    pub fn input(msg: impl Into<String>) -> Self {
        Error::Input(msg.into())
    }

    pub fn failure(msg: impl Into<String>) -> Self {
        Error::Failure(msg.into())
    }

    /// An input error located in a file: `FILE:LINE: field `FIELD`: MESSAGE`.
    /// `line` and `field` are left out when unknown.
    pub fn at(
        file: &Path,
        line: Option<usize>,
        field: Option<&str>,
        msg: impl fmt::Display,
    ) -> Self {
        let mut s = file.display().to_string();
        if let Some(line) = line {
            s.push_str(&format!(":{line}"));
        }
        s.push_str(": ");
        if let Some(field) = field {
            s.push_str(&format!("field `{field}`: "));
        }
        s.push_str(&msg.to_string());
        Error::Input(s)
    }

    /// An I/O failure on a path. Missing or unreadable input files are the user's to fix
    /// (status 2); everything else is a failure (status 1).
    pub fn io(path: &Path, what: &str, err: std::io::Error) -> Self {
        use std::io::ErrorKind::*;
        let msg = format!("{}: cannot {what}: {err}", path.display());
        match err.kind() {
            NotFound | PermissionDenied | InvalidData | IsADirectory | NotADirectory
            | ReadOnlyFilesystem | InvalidInput => Error::Input(msg),
            _ => Error::Failure(msg),
        }
    }

    pub fn exit_code(&self) -> i32 {
        match self {
            Error::Input(_) => EXIT_INPUT,
            Error::Failure(_) => EXIT_FAILURE,
        }
    }

    pub fn message(&self) -> &str {
        match self {
            Error::Input(m) | Error::Failure(m) => m,
        }
    }

    /// Prefix the message with context, keeping the kind.
    pub fn context(self, ctx: impl fmt::Display) -> Self {
        match self {
            Error::Input(m) => Error::Input(format!("{ctx}: {m}")),
            Error::Failure(m) => Error::Failure(format!("{ctx}: {m}")),
        }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.message())
    }
}

impl std::error::Error for Error {}

/// The 1-based line of a byte offset in a text, for error messages.
pub fn line_of_offset(text: &str, offset: usize) -> usize {
    text.as_bytes()[..offset.min(text.len())]
        .iter()
        .filter(|&&b| b == b'\n')
        .count()
        + 1
}

/// Read a whole file as UTF-8, with an error that names the file (and the line of the first
/// invalid byte) rather than a bare `stream did not contain valid UTF-8`.
pub fn read_utf8(path: &Path, max_bytes: u64) -> Result<String> {
    let meta = std::fs::metadata(path).map_err(|e| Error::io(path, "read", e))?;
    if meta.is_dir() {
        return Err(Error::at(path, None, None, "is a folder, expected a file"));
    }
    if meta.len() > max_bytes {
        return Err(Error::at(
            path,
            None,
            None,
            format!(
                "file is {} bytes, more than the limit of {max_bytes}",
                meta.len()
            ),
        ));
    }
    let bytes = std::fs::read(path).map_err(|e| Error::io(path, "read", e))?;
    String::from_utf8(bytes).map_err(|e| {
        let at = e.utf8_error().valid_up_to();
        let line = e.as_bytes()[..at].iter().filter(|&&b| b == b'\n').count() + 1;
        Error::at(
            path,
            Some(line),
            None,
            "not valid UTF-8 text (save the file as UTF-8)",
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn located_message_names_file_line_and_field() {
        let e = Error::at(
            Path::new("a.toml"),
            Some(3),
            Some("forces.tech_optimism"),
            "must be in 0..1",
        );
        assert_eq!(
            e.message(),
            "a.toml:3: field `forces.tech_optimism`: must be in 0..1"
        );
        assert_eq!(e.exit_code(), 2);
        assert_eq!(Error::failure("x").exit_code(), 1);
    }

    #[test]
    fn offsets_map_to_lines() {
        let t = "a\nbb\nccc";
        assert_eq!(line_of_offset(t, 0), 1);
        assert_eq!(line_of_offset(t, 2), 2);
        assert_eq!(line_of_offset(t, 6), 3);
        assert_eq!(line_of_offset(t, 100), 3);
    }

    #[test]
    fn invalid_utf8_is_reported_with_its_line() {
        let dir = std::env::temp_dir().join(format!("cohesion-io-utf8-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let p = dir.join("latin1.csv");
        std::fs::write(&p, b"a,b\n1,2\ncaf\xe9,3\n").unwrap();
        let e = read_utf8(&p, 1 << 20).unwrap_err();
        assert!(e.message().contains(":3:"), "{e}");
        assert!(e.message().contains("UTF-8"));
        let e = read_utf8(&p, 4).unwrap_err();
        assert!(e.message().contains("limit"), "{e}");
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
