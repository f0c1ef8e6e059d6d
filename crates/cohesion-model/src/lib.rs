//! The agent-based model of the Dutch adult population under digitalisation.
//!
//! One job: given parameters per year and a seed, simulate the population and report
//! indicators per year and group. It knows nothing of futures, policies as packages, files
//! or views; `cohesion-scenarios` turns those into [`Params`] schedules.
//!
//! Map: [`synthesis`] builds a calibrated 2025 population from `data/calibration.toml`;
//! [`foci`] and [`network`] hold where people meet and who is tied to whom; [`mechanisms`]
//! holds one module per mechanism of DESIGN §4; [`sim`] steps the world; [`indicators`]
//! measures it. See `docs/ODD.md` for the model description (ODD+D).

pub mod agents;
pub mod ascending;
pub mod data;
pub mod foci;
pub mod indicators;
pub mod mechanisms;
pub mod network;
pub mod params;
mod prefetch;
pub mod rng;
pub mod sim;
pub mod stats;
pub mod synthesis;
pub mod world;

pub use indicators::Row;
pub use params::{ParamSpec, Params};
pub use sim::{run, RunConfig};
pub use world::World;
