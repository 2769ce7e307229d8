//! fission: an agent-based simulator of social-commerce viral growth (社交电商裂变).
//!
//! # Overview
//! - [`scenario::LoadedScenario`] reads a TOML scenario and validates every key and range.
//! - [`graph::SocialGraph`] is the friendship graph: compact CSR with strong/weak ties.
//! - [`engine::Setup`] holds what replicates share; [`engine::Replicate`] simulates one, day by day.
//! - [`metrics`] has the daily row, the per-replicate KPIs and cross-replicate statistics.
//! - [`experiment::Experiment`] expands a file's variants and sweep points into arms.
//! - [`run::run`] runs every replicate of every arm in parallel and writes the [`output`] folder:
//!   tables, paired comparisons, [`plot`]s and a [`report`].
//!
//! ```
//! use fission::{engine::Setup, scenario::LoadedScenario};
//! let text = r#"
//!     name = "doc"
//!     days = 20
//!     [graph.erdos_renyi]
//!     n = 200
//!     mean_degree = 6.0
//!     [seeding]
//!     count = 5
//!     [behaviour.p_buy]
//!     friend = 0.2
//!     [share]
//!     p_share = 1.0
//! "#;
//! let loaded = LoadedScenario::from_text(text, std::path::Path::new("doc.toml"), &[])?;
//! let setup = Setup::new(loaded)?;
//! let run = setup.run(0)?;
//! assert_eq!(run.rows.len(), 21);
//! assert!(run.summary.get("customers").unwrap() >= 5.0);
//! assert_eq!(run.rows[0].customers, 5);
//! # Ok::<(), fission::Error>(())
//! ```

pub mod calibrate;
pub mod engine;
pub mod error;
pub mod experiment;
pub mod graph;
pub mod lint;
pub mod mechanism;
pub mod metrics;
pub mod model;
pub mod output;
pub mod plot;
pub mod preflight;
pub mod prepare;
pub mod report;
pub mod rng;
pub mod run;
pub mod scenario;

pub use error::{Error, Result};
