//! One `fission run`: load → build → run every replicate in parallel → write the output folder.

use std::path::{Path, PathBuf};
use std::time::Instant;

use crate::engine::Setup;
use crate::error::{Error, Result};
use crate::graph::GraphStats;
use crate::output::OutputDir;
use crate::output::tables::Tables;
use crate::plot::{self, Band, FunnelStep};
use crate::scenario::{LoadedScenario, Scenario};
use crate::sweep;

/// The variant name while a scenario has a single variant.
pub const BASE: &str = "base";

/// Options of one run.
#[derive(Debug, Clone, Default)]
pub struct RunOptions {
    /// Output folder (default `outputs/<name>/`).
    pub out: Option<PathBuf>,
    /// Worker threads (0 = all cores).
    pub threads: usize,
    /// `--set path=value` overrides (replicates and seed overrides are passed this way too).
    pub sets: Vec<String>,
    /// Skip `daily.csv` (it has one row per replicate × day).
    pub no_daily: bool,
}

/// What a finished run reports back.
#[derive(Debug, Clone)]
pub struct RunReport {
    /// The output folder.
    pub out: PathBuf,
    /// Replicates run.
    pub replicates: u64,
    /// Wall-clock seconds of the simulation (excluding graph building and writing).
    pub simulate_seconds: f64,
    /// Mean final customers.
    pub mean_customers: f64,
}

/// Runs the scenario at `path` and writes its output folder; `progress(done, total)` is called
/// after each batch.
///
/// # Errors
/// [`Error::Input`] for a bad scenario or graph; [`Error::Io`] if the outputs cannot be written.
pub fn run(path: &Path, options: &RunOptions, progress: &dyn Fn(u64, u64)) -> Result<RunReport> {
    let loaded = LoadedScenario::load(path, &options.sets)?;
    let started = Instant::now();
    let setup = Setup::new(loaded)?;
    let build_seconds = started.elapsed().as_secs_f64();
    let s = setup.scenario();
    let target = options
        .out
        .clone()
        .unwrap_or_else(|| Path::new("outputs").join(&s.name));
    let dir = OutputDir::create(&target)?;
    let path_in = |f: &str| dir.path(f);
    let replicates = u64::from(s.replicates);
    let mut tables = Tables::create(&path_in, BASE, !options.no_daily)?;
    let sim_start = Instant::now();
    sweep::run_replicates(
        &setup,
        replicates,
        options.threads,
        |out| tables.record(&out),
        |done| progress(done, replicates),
    )?;
    let simulate_seconds = sim_start.elapsed().as_secs_f64();
    let tables = tables.finish(&path_in)?;

    let resolved = resolved_toml(&setup)?;
    write(&dir.path("scenario.resolved.toml"), &resolved)?;
    let stats = GraphStats::of(setup.graph());
    let mean_customers = tables.summary("customers").map_or(0.0, |s| s.mean);
    let manifest = serde_json::json!({
        "tool": "fission",
        "version": env!("CARGO_PKG_VERSION"),
        "name": s.name,
        "scenario_file": setup.loaded().path.display().to_string(),
        "sets": setup.loaded().sets,
        "seed": s.seed,
        "replicates": replicates,
        "days": s.days,
        "variants": [BASE],
        "scenario_hash": format!("{:016x}", fnv1a(resolved.as_bytes())),
        "graph": stats,
        "graph_resampled_per_replicate": s.graph.resample,
        "compliance_flags": crate::scenario::compliance_flags(s),
        "threads": options.threads,
        "timings_seconds": { "build": build_seconds, "simulate": simulate_seconds },
        "files": ["daily.csv", "runs.csv", "summary.csv", "curves.csv", "scenario.resolved.toml",
                  "plots/growth.svg", "plots/growth.png", "plots/funnel.svg", "plots/funnel.png",
                  "plots/gmv_vs_spend.svg", "plots/gmv_vs_spend.png"],
    });
    let bands: Vec<Band<'_>> = ["customers", "active", "churned"]
        .iter()
        .map(|label| Band {
            label,
            points: tables.curve(label),
        })
        .collect();
    plot::growth_curves(
        &dir.path("plots/growth"),
        &format!("{} — members by stage", s.name),
        "members",
        &bands,
    )?;
    let money: Vec<Band<'_>> = [
        ("cumulative GMV", "cumulative_gmv_cents"),
        ("cumulative marketing cost", "cumulative_marketing_cents"),
    ]
    .iter()
    .map(|(label, series)| Band {
        label,
        points: tables.curve(series),
    })
    .collect();
    plot::growth_curves(
        &dir.path("plots/gmv_vs_spend"),
        &format!("{} — cumulative GMV vs marketing cost", s.name),
        "cents",
        &money,
    )?;
    let mean = |m: &str| tables.summary(m).map_or(0.0, |s| s.mean);
    let steps = [
        FunnelStep {
            label: "reached",
            mean: mean("reached"),
        },
        FunnelStep {
            label: "customers",
            mean: mean("customers"),
        },
        FunnelStep {
            label: "repeat customers",
            mean: mean("repeat_customers"),
        },
        FunnelStep {
            label: "referrers",
            mean: mean("referrers"),
        },
    ];
    plot::funnel(
        &dir.path("plots/funnel"),
        &format!("{} — funnel", s.name),
        &steps,
    )?;
    // The manifest is written last: a folder with a manifest is complete.
    let text = serde_json::to_string_pretty(&manifest).map_err(|e| Error::Input(e.to_string()))?;
    write(&dir.path("manifest.json"), &text)?;
    let out = dir.commit()?;
    Ok(RunReport {
        out,
        replicates,
        simulate_seconds,
        mean_customers,
    })
}

/// The scenario with every default filled in, the edge-list path made absolute so that the copy
/// reruns from anywhere.
///
/// # Errors
/// [`Error::Input`] if the scenario cannot be serialized (not expected).
pub fn resolved_toml(setup: &Setup) -> Result<String> {
    let mut s: Scenario = setup.scenario().clone();
    if let Some(e) = &mut s.graph.edge_list {
        let p = setup.loaded().resolve(&e.path);
        e.path = std::fs::canonicalize(&p).unwrap_or(p).display().to_string();
    }
    let body = toml::to_string(&s)
        .map_err(|e| Error::Input(format!("cannot write the resolved scenario: {e}")))?;
    Ok(format!(
        "# Resolved by fission {}: every default filled in; `fission run` on this file reproduces the run.\n{body}",
        env!("CARGO_PKG_VERSION")
    ))
}

fn write(path: &Path, text: &str) -> Result<()> {
    std::fs::write(path, text).map_err(|e| Error::io("write", path, e))
}

/// FNV-1a 64-bit hash (stable across platforms and versions).
fn fnv1a(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |h, &b| {
        (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    })
}
