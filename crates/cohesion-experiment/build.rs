//! Stamp the program's source revision into `COHESION_BUILD`, so a results folder records
//! exactly which program made it (DESIGN §8: never mix results of different programs).

use std::process::Command;

fn main() {
    let version = std::env::var("CARGO_PKG_VERSION").unwrap_or_default();
    let revision = Command::new("git")
        .args(["rev-parse", "--short=12", "HEAD"])
        .output()
        .ok()
        .filter(|o| o.status.success())
        .and_then(|o| String::from_utf8(o.stdout).ok())
        .map(|s| s.trim().to_string())
        .filter(|s| !s.is_empty());
    let build = match revision {
        Some(r) => format!("{version}+{r}"),
        None => version,
    };
    println!("cargo:rustc-env=COHESION_BUILD={build}");
    // Rebuild when the checked-out commit changes.
    for head in ["../../.git/HEAD", "../../.git/refs/heads"] {
        println!("cargo:rerun-if-changed={head}");
    }
}
