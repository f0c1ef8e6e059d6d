//! One module per subcommand.

pub mod bench;
pub mod demo;
pub mod experiment;
pub mod params;
pub mod run;

use cohesion_io::{Error, Result};

/// Run `f` on a rayon pool of `threads` threads (0 = all cores, honouring RAYON_NUM_THREADS).
pub fn with_threads<T: Send>(threads: usize, f: impl FnOnce() -> T + Send) -> Result<T> {
    let mut b = rayon::ThreadPoolBuilder::new();
    if threads > 0 {
        b = b.num_threads(threads);
    }
    let pool = b
        .build()
        .map_err(|e| Error::failure(format!("cannot start {threads} threads: {e}")))?;
    Ok(pool.install(f))
}
