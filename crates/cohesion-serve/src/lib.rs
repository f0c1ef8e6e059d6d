//! The web app behind `cohesion serve`: a scenario dashboard and a live cross-impact workshop.
//!
//! One job: serve the model and the CIB engine to a browser. A facilitator opens a workshop,
//! participants join on their phones with a short code, score the driving forces and their
//! cross-impacts, and the facilitator sees the aggregate, the disagreement and the consistent
//! scenarios live; the dashboard runs futures and policy packages on a worker thread. The
//! libraries know nothing of this crate (arrows point from here to them).
//!
//! Map: [`app`] builds the router and its guards (CSRF header, body limit, security headers,
//! panics caught); [`workshop`] holds the workshop handlers and [`store`] their SQLite tables
//! (with migrations); [`aggregate`] turns answers into means, spreads and CIB results (pure
//! functions); [`runs`] is the queue of model runs and [`download`] its CSV/Parquet files; [`assets`] embeds the pages; [`tls`] makes
//! the certificate and HTTPS listener of `--lan`; [`cli`] is the `cohesion serve` command.

pub mod aggregate;
pub mod app;
pub mod assets;
pub mod cli;
pub mod download;
pub mod error;
pub mod runs;
pub mod secret;
pub mod store;
pub mod tls;
pub mod workshop;

pub use app::{router, AppState};
pub use error::ApiError;
