//! Printing the report to PDF with headless Chromium, when it is installed. The page's print
//! CSS does the layout; Chromium only renders it. No Chromium is not an error: the HTML is
//! the report, the PDF a convenience.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// Names tried on the PATH, in order.
const NAMES: &[&str] = &[
    "chromium",
    "chromium-browser",
    "google-chrome",
    "google-chrome-stable",
];

/// A Chromium rendering longer than this is stopped (a hung browser must not hang the CLI).
const TIMEOUT: Duration = Duration::from_secs(120);

/// `COHESION_CHROMIUM` if set (empty: never print), else the first of [`NAMES`] on the PATH.
pub fn find_chromium() -> Option<PathBuf> {
    if let Some(p) = std::env::var_os("COHESION_CHROMIUM") {
        return (!p.is_empty()).then(|| PathBuf::from(p));
    }
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .flat_map(|dir| NAMES.iter().map(move |n| dir.join(n)))
        .find(|p| p.is_file())
}

/// Print `html` to `pdf`. Returns why it failed, for a warning.
pub fn print(chromium: &Path, html: &Path, pdf: &Path) -> Result<(), String> {
    let html = html
        .canonicalize()
        .map_err(|e| format!("{}: {e}", html.display()))?;
    // A private profile folder, so a user's running browser (or another print) cannot lock it.
    let profile =
        std::env::temp_dir().join(format!("cohesion-report-chromium-{}", std::process::id()));
    let mut child = Command::new(chromium)
        .arg("--headless")
        .arg("--no-sandbox")
        .arg("--disable-gpu")
        .arg("--no-pdf-header-footer")
        .arg(format!("--user-data-dir={}", profile.display()))
        .arg(format!("--print-to-pdf={}", pdf.display()))
        .arg(format!("file://{}", html.display()))
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .map_err(|e| format!("{}: cannot start: {e}", chromium.display()))?;
    let started = Instant::now();
    let status = loop {
        match child.try_wait() {
            Ok(Some(status)) => break Ok(status),
            Ok(None) if started.elapsed() > TIMEOUT => {
                let _ = child.kill();
                let _ = child.wait();
                break Err(format!(
                    "{} did not finish in {} s",
                    chromium.display(),
                    TIMEOUT.as_secs()
                ));
            }
            Ok(None) => std::thread::sleep(Duration::from_millis(100)),
            Err(e) => break Err(e.to_string()),
        }
    };
    let _ = std::fs::remove_dir_all(&profile);
    let status = status?;
    let head = std::fs::read(pdf).ok().filter(|b| b.starts_with(b"%PDF"));
    match (status.success(), head) {
        (true, Some(_)) => Ok(()),
        (ok, _) => {
            let _ = std::fs::remove_file(pdf);
            Err(if ok {
                "Chromium wrote no PDF".into()
            } else {
                format!("Chromium exited with {status}")
            })
        }
    }
}
