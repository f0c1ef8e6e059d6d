//! An sbatch job-array script: one array task per shard, each running
//! `cohesion experiment run FILE --out DIR --shard $SLURM_ARRAY_TASK_ID/N`.

use std::path::Path;

#[derive(Debug, Clone)]
pub struct Resources {
    pub shards: u32,
    pub cpus_per_task: u32,
    pub memory: String,
    pub time: String,
    pub partition: Option<String>,
    pub account: Option<String>,
    /// At most this many tasks at once (`--array=1-N%K`).
    pub max_parallel: Option<u32>,
}

fn quote(s: &str) -> String {
    format!("'{}'", s.replace('\'', "'\\''"))
}

/// The script text. Paths should be absolute: tasks start in the submission folder, maybe
/// on another node.
pub fn script(name: &str, program: &Path, experiment: &Path, out: &Path, r: &Resources) -> String {
    let mut s = String::from("#!/bin/bash\n");
    let job: String = name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' || c == '_' {
                c
            } else {
                '_'
            }
        })
        .collect();
    s.push_str(&format!("#SBATCH --job-name=cohesion-{job}\n"));
    let throttle = r.max_parallel.map(|k| format!("%{k}")).unwrap_or_default();
    s.push_str(&format!("#SBATCH --array=1-{}{throttle}\n", r.shards));
    s.push_str("#SBATCH --ntasks=1\n");
    s.push_str(&format!("#SBATCH --cpus-per-task={}\n", r.cpus_per_task));
    s.push_str(&format!("#SBATCH --mem={}\n", r.memory));
    s.push_str(&format!("#SBATCH --time={}\n", r.time));
    if let Some(p) = &r.partition {
        s.push_str(&format!("#SBATCH --partition={p}\n"));
    }
    if let Some(a) = &r.account {
        s.push_str(&format!("#SBATCH --account={a}\n"));
    }
    let logs = out.join("logs");
    s.push_str(&format!("#SBATCH --output={}/%A_%a.out\n", logs.display()));
    s.push_str("set -euo pipefail\n");
    s.push_str("# Each task runs one shard; a re-submitted task resumes where it stopped.\n");
    s.push_str(&format!(
        "exec {} experiment run {} --out {} --shard \"${{SLURM_ARRAY_TASK_ID}}/{}\" --threads \"${{SLURM_CPUS_PER_TASK:-1}}\" --yes --quiet\n",
        quote(&program.display().to_string()),
        quote(&experiment.display().to_string()),
        quote(&out.display().to_string()),
        r.shards
    ));
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_script_asks_for_one_task_per_shard_and_quotes_paths() {
        let r = Resources {
            shards: 8,
            cpus_per_task: 4,
            memory: "8G".into(),
            time: "02:00:00".into(),
            partition: Some("short".into()),
            account: None,
            max_parallel: Some(3),
        };
        let s = script(
            "study run",
            Path::new("/opt/cohesion"),
            Path::new("/data/it's.toml"),
            Path::new("/scratch/out"),
            &r,
        );
        assert!(s.contains("#SBATCH --array=1-8%3\n"));
        assert!(s.contains("#SBATCH --cpus-per-task=4\n"));
        assert!(s.contains("#SBATCH --partition=short\n"));
        assert!(!s.contains("--account"));
        assert!(s.contains("--job-name=cohesion-study_run"));
        assert!(s.contains("'/data/it'\\''s.toml'"));
        assert!(s.contains("--shard \"${SLURM_ARRAY_TASK_ID}/8\""));
    }
}
