//! Plumbing every `cohesion` command shares, and nothing else.
//!
//! * [`Error`]: a user-facing error that knows its exit status (2 for bad input or usage,
//!   1 for anything else) and names the file, line and field at fault.
//! * [`atomic`]: files are written under a temporary name and renamed into place, so a
//!   crash or a kill never leaves a half-written result behind.
//! * [`table`]: one table type printed aligned to the terminal, or written as CSV or JSON
//!   (`-` meaning standard output), following the conventions of DESIGN §2.
//! * [`process`]: the process's own peak memory, for profiles and benchmarks.
//! * [`huge_pages`]: a global allocator that backs large blocks with transparent huge pages.

pub mod atomic;
pub mod error;
pub mod huge_pages;
pub mod process;
pub mod table;

pub use atomic::{write_atomic, AtomicDir};
pub use error::{Error, Result};
pub use huge_pages::HugePageAlloc;
pub use process::peak_rss_kib;
pub use table::{Cell, Table};
