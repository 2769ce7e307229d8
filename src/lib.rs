//! fission: an agent-based simulator of social-commerce viral growth (社交电商裂变).
//!
//! # Overview
//! - [`scenario::LoadedScenario`] reads and validates a TOML scenario.
//! - [`graph::SocialGraph`] is the friendship graph (compact CSR with tie classes).
//! - [`engine::Replicate`] simulates one Monte Carlo replicate day by day.
//! - [`metrics`] turns replicates into daily rows, run KPIs and cross-replicate statistics.
//! - [`sweep::run_scenario`] runs every replicate in parallel and [`output`] writes the results.

pub mod error;
pub mod rng;
pub mod engine;
pub mod graph;
pub mod metrics;
pub mod model;
pub mod scenario;

pub use error::{Error, Result};
