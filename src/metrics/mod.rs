//! Metrics: the daily row, the per-replicate KPIs and statistics across replicates.

pub mod catalog;
pub mod day;
pub mod format;
pub mod run;
pub mod stats;

pub use day::DayRow;
pub use format::Formatter;
pub use run::{RunRecord, RunSummary};
pub use stats::Summary;

/// Everything one replicate produced.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct RunOutput {
    /// Replicate index.
    pub replicate: u64,
    /// One row per day, day 0 first.
    pub rows: Vec<DayRow>,
    /// The replicate's KPIs.
    pub summary: RunSummary,
}
