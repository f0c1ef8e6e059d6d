//! What the running process can say about itself: its peak memory, for profiles and
//! benchmarks.

/// The process's peak resident set size so far (`VmHWM` in `/proc/self/status`) in KiB;
/// `None` where the platform does not report it.
pub fn peak_rss_kib() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find_map(|l| l.strip_prefix("VmHWM:"))?;
    line.trim().trim_end_matches("kB").trim().parse().ok()
}

#[cfg(all(test, target_os = "linux"))]
mod tests {
    #[test]
    fn a_running_process_has_a_peak() {
        assert!(super::peak_rss_kib().is_some_and(|kib| kib > 0));
    }
}
