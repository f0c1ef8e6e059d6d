//! The mechanisms of DESIGN §4, one module each. Every module documents its equations and
//! exposes one yearly (or monthly) update that reads the world and writes its own part.

pub mod appropriation;
pub mod demography;
pub mod dividend;
pub mod economy;
pub mod encounters;
pub mod individualisation;
pub mod institutions;
pub mod participation;
pub mod policy;
pub mod technology;
pub mod ties;
pub mod top_withdrawal;
pub mod trust;

/// Chunk size for parallel loops: large enough to amortise scheduling, small enough to
/// balance two to many cores. Results never depend on it.
pub const CHUNK: usize = 2048;
