//! Helpers every command-line test file shares: run the built binary, make a scratch folder.
#![allow(dead_code)] // each test file uses its own subset

use std::path::PathBuf;
use std::process::{Command, Output};

/// Run the `cohesion` binary this test crate was built with. PDF printing is switched off
/// (`COHESION_CHROMIUM` empty), so tests never depend on a browser being installed.
pub fn cohesion(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_cohesion"))
        .args(args)
        .env("COHESION_CHROMIUM", "")
        .output()
        .expect("the binary runs")
}

/// An empty folder `cohesion-{suite}-{name}-{pid}` under the temporary directory.
pub fn scratch(suite: &str, name: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("cohesion-{suite}-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap();
    d
}
