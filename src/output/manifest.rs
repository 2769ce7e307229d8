//! `manifest.json`: what ran, how it was configured, why it stopped and which files it wrote —
//! one typed record, written by the run and read back by the plots and the report.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};

/// The files every run writes besides `manifest.json` (with `daily.csv` unless `--no-daily`,
/// and `member_ids.csv` when the edge list names its members), in the manifest's order.
pub const ALWAYS_WRITTEN: [&str; 11] = [
    "runs.csv",
    "summary.csv",
    "curves.csv",
    "comparison.csv",
    "explain.csv",
    "risk.csv",
    "ranking.csv",
    "scenario.resolved.toml",
    "experiment.toml",
    "report.md",
    "report.html",
];

/// The manifest of an output folder.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Manifest {
    /// Always `fission`.
    pub tool: String,
    /// The fission version.
    pub version: String,
    /// The scenario's name.
    pub name: String,
    /// The scenario's `description`: the question the report answers (empty if none).
    pub question: String,
    /// The `run_id` column of every table: which run a row came from.
    #[serde(default)]
    pub run_id: String,
    /// The currency symbol of money in the report and charts (`product.currency`).
    #[serde(default = "crate::scenario::schema::defaults::currency")]
    pub currency: String,
    /// The command that reproduces the run (shell-quoted, without `--resume`).
    pub command: String,
    /// The scenario file as given.
    pub scenario_file: String,
    /// `--set` overrides, in order.
    pub sets: Vec<String>,
    /// The master seed.
    pub seed: u64,
    /// Simulated days after day 0.
    pub days: u32,
    /// Replicates per arm.
    pub replicates: u64,
    /// `fixed` or `adaptive`.
    pub replicate_policy: String,
    /// Why the replicates stopped.
    pub stopped: String,
    /// Variant names, `base` first.
    pub variants: Vec<String>,
    /// Each variant's override table, as TOML text.
    pub variant_overrides: BTreeMap<String, String>,
    /// The baseline variant.
    pub baseline: String,
    /// The metric that ranks the arms.
    pub objective: String,
    /// The metrics in `comparison.csv`.
    pub compared_metrics: Vec<String>,
    /// The swept keys.
    pub axes: Vec<String>,
    /// Every arm.
    pub arms: Vec<ArmEntry>,
    /// Rows of `comparison.csv`.
    pub comparisons: usize,
    /// Hash of the first arm's resolved scenario.
    pub scenario_hash: String,
    /// Statistics of the first arm's graph.
    pub graph: serde_json::Value,
    /// Whether every replicate draws its own graph.
    pub graph_resampled_per_replicate: bool,
    /// Compliance rules any arm breaks.
    pub compliance_flags: BTreeSet<String>,
    /// Worker threads asked for (0 = every core).
    pub threads: usize,
    /// Wall-clock seconds of building and simulating.
    pub timings_seconds: Timings,
    /// The files written.
    pub files: Vec<String>,
}

/// One arm in the manifest.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ArmEntry {
    /// `variant` or `variant@point`.
    pub label: String,
    /// The variant.
    pub variant: String,
    /// The sweep point, if any.
    pub point: Option<usize>,
    /// The swept keys' values at that point, as TOML.
    pub params: BTreeMap<String, String>,
    /// The arm it is compared with.
    pub baseline: Option<String>,
    /// Compliance rules the arm breaks.
    pub compliance_flags: Vec<String>,
}

/// Seconds spent.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Timings {
    /// Building graphs and setups.
    pub build: f64,
    /// Simulating every replicate.
    pub simulate: f64,
}

impl Manifest {
    /// Writes the manifest into `dir`.
    ///
    /// # Errors
    /// [`Error::Io`] if it cannot be written.
    pub fn write(&self, dir: &Path) -> Result<()> {
        let path = dir.join("manifest.json");
        let text = serde_json::to_string_pretty(self)
            .map_err(|e| Error::io("write", &path, std::io::Error::other(e)))?;
        std::fs::write(&path, text).map_err(|e| Error::io("write", &path, e))
    }

    /// Reads the manifest of the output folder `dir`.
    ///
    /// # Errors
    /// [`Error::Input`] if it is missing or not a manifest fission wrote.
    pub fn read(dir: &Path) -> Result<Self> {
        let path = dir.join("manifest.json");
        let text = std::fs::read_to_string(&path).map_err(|e| {
            Error::Input(format!(
                "{}: {e}; a folder written by `fission run` is needed",
                path.display()
            ))
        })?;
        serde_json::from_str(&text).map_err(|e| {
            Error::Input(format!(
                "{}: not a manifest this fission version wrote ({e}); run `fission run` again",
                path.display()
            ))
        })
    }
}
