//! Calibration to observed data by approximate Bayesian computation with sequential Monte Carlo
//! (ABC-SMC; Beaumont, Cornuet, Marin & Robert 2009, with the tolerance of each generation set
//! adaptively to a quantile of the previous generation's distances, as in Del Moral, Doucet &
//! Jasra 2012).
//!
//! Why ABC-SMC rather than simulated method of moments: fission's likelihood is intractable but
//! its runs are cheap and independent, so ABC gives a full posterior — intervals and the
//! correlations that reveal non-identifiability — with no model of the moments' covariance;
//! SMM gives a point estimate and needs that covariance and a smooth objective, which a
//! cascade's threshold behaviour does not offer. ABC fails when the summaries do not identify
//! the parameters (the posterior stays as wide as the prior: read the correlations) and when
//! the tolerance cannot shrink because no parameter value reproduces the data (the distances
//! stop falling: the model, not the sampler, is wrong).
//!
//! Each generation draws a fixed batch of `particles` proposals (from the prior in generation
//! 0; afterwards a weighted previous particle moved by a Gaussian kernel with twice the
//! population's weighted variance, redrawn inside the prior's bounds), simulates each on its
//! own replicates, and keeps those within the generation's tolerance, weighted by
//! prior / Σ_j w_j K(θ | θ_j). Every draw is keyed by generation and particle, so the result
//! is the same for any thread count.

use std::collections::BTreeMap;
use std::path::Path;

use rand::RngExt;
use rand_distr::{Distribution, StandardNormal};
use rayon::prelude::*;
use serde::Deserialize;

use crate::error::{Error, Result};
use crate::metrics::RunOutput;
use crate::metrics::catalog;
use crate::rng::{Draws, Stream};

/// The `[calibrate]` table.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Calibrate {
    /// Dotted scenario key → its prior: uniform on `[min, max]`, or log-uniform with `log`.
    pub params: BTreeMap<String, Prior>,
    /// Proposals simulated per generation.
    #[serde(default = "default_particles")]
    pub particles: u32,
    /// Generations (the first samples the prior).
    #[serde(default = "default_generations")]
    pub generations: u32,
    /// Replicates per proposal (their mean series is compared with the data).
    #[serde(default = "default_replicates")]
    pub replicates: u32,
    /// Each generation's tolerance: this quantile of the previous accepted distances.
    #[serde(default = "default_quantile")]
    pub quantile: f64,
    /// Observed columns to fit (daily.csv column names); default every column but `day`.
    #[serde(default)]
    pub series: Vec<String>,
    /// Scalar targets: a `runs.csv` KPI → its observed value and uncertainty.
    #[serde(default)]
    pub scalars: BTreeMap<String, Scalar>,
}

/// A parameter's prior.
#[derive(Debug, Clone, Copy, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Prior {
    /// Lowest value.
    pub min: f64,
    /// Highest value.
    pub max: f64,
    /// Uniform in log(value) instead of value (positive ranges spanning orders of magnitude).
    #[serde(default)]
    pub log: bool,
}

/// A scalar target: the observed value and its standard deviation (the distance's scale).
#[derive(Debug, Clone, Copy, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Scalar {
    /// Observed value.
    pub value: f64,
    /// Its uncertainty (one standard deviation).
    pub sd: f64,
}

fn default_particles() -> u32 {
    200
}
fn default_generations() -> u32 {
    4
}
fn default_replicates() -> u32 {
    1
}
fn default_quantile() -> f64 {
    0.5
}

impl Prior {
    /// The prior's range in the sampling space (log for a log prior).
    fn bounds(&self) -> (f64, f64) {
        if self.log {
            (self.min.ln(), self.max.ln())
        } else {
            (self.min, self.max)
        }
    }

    /// A value from a sampling-space coordinate.
    fn value(&self, z: f64) -> f64 {
        if self.log { z.exp() } else { z }
    }
}

impl Calibrate {
    /// Range checks, each `(key, message)`.
    ///
    /// # Errors
    /// The first bad setting.
    pub fn check(&self) -> std::result::Result<(), (String, String)> {
        if self.params.is_empty() {
            return Err((
                "calibrate.params".into(),
                "name at least one parameter, e.g. \"behaviour.p_buy.friend\" = { min = 0.02, max = 0.2 }".into(),
            ));
        }
        for (k, p) in &self.params {
            if !(p.min.is_finite() && p.max.is_finite() && p.min < p.max) {
                return Err((format!("calibrate.params.{k}"), "needs min < max".into()));
            }
            if p.log && p.min <= 0.0 {
                return Err((
                    format!("calibrate.params.{k}"),
                    "a log prior needs min > 0".into(),
                ));
            }
        }
        if self.particles < 10 {
            return Err(("calibrate.particles".into(), "at least 10".into()));
        }
        if self.generations == 0 {
            return Err(("calibrate.generations".into(), "at least 1".into()));
        }
        if self.replicates == 0 {
            return Err(("calibrate.replicates".into(), "at least 1".into()));
        }
        if !(self.quantile > 0.0 && self.quantile < 1.0) {
            return Err(("calibrate.quantile".into(), "must be in (0, 1)".into()));
        }
        for (k, s) in &self.scalars {
            if s.sd.is_nan() || s.sd <= 0.0 {
                return Err((format!("calibrate.scalars.{k}.sd"), "must be > 0".into()));
            }
        }
        Ok(())
    }
}

/// Observed daily series: the days and each column's values on them.
#[derive(Debug, Clone, PartialEq)]
pub struct Observed {
    /// Observed days.
    pub days: Vec<u32>,
    /// `(daily.csv column, value per observed day)`.
    pub series: Vec<(String, Vec<f64>)>,
}

/// Reads an observed CSV (`day` and any daily.csv columns, any subset of days).
///
/// # Errors
/// [`Error::Input`] naming the file, line and column of a bad value or an unknown column.
pub fn read_observed(path: &Path, wanted: &[String]) -> Result<Observed> {
    let bad = |line: u64, m: String| Error::Input(format!("{}:{line}: {m}", path.display()));
    let mut r = csv::Reader::from_path(path).map_err(|e| {
        Error::Input(format!(
            "{}: cannot read the observed data: {e}",
            path.display()
        ))
    })?;
    let header: Vec<String> = r
        .headers()
        .map_err(|e| bad(1, e.to_string()))?
        .iter()
        .map(String::from)
        .collect();
    let Some(day_col) = header.iter().position(|h| h == "day") else {
        return Err(bad(1, "needs a `day` column".into()));
    };
    let columns: Vec<usize> = if wanted.is_empty() {
        (0..header.len()).filter(|&i| i != day_col).collect()
    } else {
        wanted
            .iter()
            .map(|w| {
                header
                    .iter()
                    .position(|h| h == w)
                    .ok_or_else(|| bad(1, format!("no column `{w}` (calibrate.series names it)")))
            })
            .collect::<Result<_>>()?
    };
    for &c in &columns {
        if catalog::daily(&header[c]).is_none() {
            return Err(bad(
                1,
                format!(
                    "`{}` is not a daily.csv column; use names such as new_customers_friend, orders, gmv_cents",
                    header[c]
                ),
            ));
        }
    }
    let mut days = Vec::new();
    let mut values: Vec<Vec<f64>> = vec![Vec::new(); columns.len()];
    for (i, rec) in r.records().enumerate() {
        let line = i as u64 + 2;
        let rec = rec.map_err(|e| bad(line, e.to_string()))?;
        let day: u32 = rec
            .get(day_col)
            .and_then(|d| d.trim().parse().ok())
            .ok_or_else(|| bad(line, "`day` must be a whole number ≥ 0".into()))?;
        days.push(day);
        for (v, &c) in values.iter_mut().zip(&columns) {
            let x: f64 = rec
                .get(c)
                .and_then(|x| x.trim().parse().ok())
                .filter(|x: &f64| x.is_finite())
                .ok_or_else(|| bad(line, format!("`{}` must be a number", header[c])))?;
            v.push(x);
        }
    }
    if days.is_empty() {
        return Err(bad(2, "no observed days".into()));
    }
    Ok(Observed {
        days,
        series: columns
            .iter()
            .map(|&c| header[c].clone())
            .zip(values)
            .collect(),
    })
}

/// The value of daily.csv column `column` in `row` (`None` if not a daily column).
fn daily_value(row: &crate::metrics::DayRow, column: &str) -> Option<f64> {
    for c in catalog::DAILY {
        for (i, part) in c.metric.family.parts().iter().enumerate() {
            if c.metric.key(part) == column {
                return (c.value)(row, i).parse().ok();
            }
        }
    }
    None
}

/// The distance of simulated replicates `runs` from the data: the root of the summed squares
/// of each series' root-mean-square error over the observed days (scaled by the series' mean
/// absolute value, at least 1) and each scalar's error in its standard deviations.
pub fn distance(cfg: &Calibrate, observed: &Observed, runs: &[RunOutput]) -> f64 {
    let mut total = 0.0;
    for (column, obs) in &observed.series {
        let scale = (obs.iter().map(|x| x.abs()).sum::<f64>() / obs.len() as f64).max(1.0);
        let mut sq = 0.0;
        for (&day, &o) in observed.days.iter().zip(obs) {
            let sim: f64 = runs
                .iter()
                .map(|r| {
                    r.rows
                        .get(day as usize)
                        .and_then(|row| daily_value(row, column))
                        .unwrap_or(f64::NAN)
                })
                .sum::<f64>()
                / runs.len() as f64;
            sq += ((sim - o) / scale).powi(2);
        }
        total += sq / obs.len() as f64;
    }
    for (metric, s) in &cfg.scalars {
        let sim = runs
            .iter()
            .map(|r| r.summary.get(metric).unwrap_or(f64::NAN))
            .sum::<f64>()
            / runs.len() as f64;
        total += ((sim - s.value) / s.sd).powi(2);
    }
    if total.is_finite() {
        total.sqrt()
    } else {
        f64::INFINITY
    }
}

/// One particle of a generation.
#[derive(Debug, Clone, PartialEq)]
pub struct Particle {
    /// Parameter values, in `params` order.
    pub theta: Vec<f64>,
    /// Its distance from the data.
    pub distance: f64,
    /// Its importance weight (normalised over the accepted particles; 0 if rejected).
    pub weight: f64,
    /// Within the generation's tolerance.
    pub accepted: bool,
}

/// One generation: its tolerance and every proposal.
#[derive(Debug, Clone, PartialEq)]
pub struct Generation {
    /// The tolerance (infinite for generation 0).
    pub tolerance: f64,
    /// Every proposal, accepted or not.
    pub particles: Vec<Particle>,
}

/// The index `u ∈ [0, Σ weights)` falls in when the weights are laid end to end (the last
/// index if rounding leaves `u` beyond them): a draw proportional to the weights.
fn weighted_pick(weights: &[f64], mut u: f64) -> usize {
    for (i, w) in weights.iter().enumerate() {
        if u < *w {
            return i;
        }
        u -= w;
    }
    weights.len() - 1
}

/// Weighted `q`-quantile of `(value, weight)` pairs.
pub fn weighted_quantile(pairs: &[(f64, f64)], q: f64) -> f64 {
    let mut v: Vec<(f64, f64)> = pairs.iter().copied().filter(|p| p.1 > 0.0).collect();
    v.sort_by(|a, b| a.0.total_cmp(&b.0));
    let total: f64 = v.iter().map(|p| p.1).sum();
    let mut acc = 0.0;
    for &(x, w) in &v {
        acc += w;
        if acc >= q * total {
            return x;
        }
    }
    v.last().map_or(f64::NAN, |p| p.0)
}

/// The previous generation as the proposal kernel reads it: accepted particles' sampling-space
/// coordinates, their weights, and the kernel's standard deviation per coordinate.
type Population = (Vec<Vec<f64>>, Vec<f64>, Vec<f64>);

/// Runs ABC-SMC: `simulate(theta, key)` returns the distance of a simulation at `theta` whose
/// replicates are keyed by `key` (distinct per generation and proposal); `progress(done,
/// total)` counts proposals.
///
/// # Errors
/// The first simulation error.
pub fn abc_smc(
    cfg: &Calibrate,
    seed: u64,
    simulate: &(dyn Fn(&[f64], u64) -> Result<f64> + Sync),
    progress: &dyn Fn(u64, u64),
) -> Result<Vec<Generation>> {
    abc_smc_from(cfg, seed, Vec::new(), simulate, progress, &mut |_| Ok(()))
}

/// [`abc_smc`] continuing after the generations `done` (a resumed calibration; each new
/// generation depends only on the previous one and its own keyed draws, so the result equals an
/// uninterrupted run's), calling `record` after each new generation.
///
/// # Errors
/// The first simulation or `record` error.
pub fn abc_smc_from(
    cfg: &Calibrate,
    seed: u64,
    done: Vec<Generation>,
    simulate: &(dyn Fn(&[f64], u64) -> Result<f64> + Sync),
    progress: &dyn Fn(u64, u64),
    record: &mut dyn FnMut(&Generation) -> Result<()>,
) -> Result<Vec<Generation>> {
    let priors: Vec<Prior> = cfg.params.values().copied().collect();
    let k = priors.len();
    let m = cfg.particles as usize;
    let total = u64::from(cfg.generations) * m as u64;
    let first = done.len() as u32;
    let mut out: Vec<Generation> = done;
    for g in first..cfg.generations {
        let mut rng = Draws::new(seed, u64::from(g)).stream(Stream::CalibrationProposal);
        // Sampling-space coordinates of the previous accepted population, its weights and the
        // kernel's standard deviation per coordinate (twice the weighted variance).
        let prev: Option<Population> = out.last().map(|last| {
            let acc: Vec<&Particle> = last.particles.iter().filter(|p| p.accepted).collect();
            let z: Vec<Vec<f64>> = acc
                .iter()
                .map(|p| {
                    p.theta
                        .iter()
                        .zip(&priors)
                        .map(|(t, pr)| if pr.log { t.ln() } else { *t })
                        .collect()
                })
                .collect();
            let w: Vec<f64> = acc.iter().map(|p| p.weight).collect();
            let sd = (0..k)
                .map(|j| {
                    let mean: f64 = z.iter().zip(&w).map(|(zi, wi)| zi[j] * wi).sum();
                    let var: f64 = z
                        .iter()
                        .zip(&w)
                        .map(|(zi, wi)| wi * (zi[j] - mean).powi(2))
                        .sum();
                    (2.0 * var).sqrt().max(1e-12)
                })
                .collect();
            (z, w, sd)
        });
        let tolerance = match out.last() {
            None => f64::INFINITY,
            Some(last) => {
                let d: Vec<(f64, f64)> = last
                    .particles
                    .iter()
                    .filter(|p| p.accepted)
                    .map(|p| (p.distance, 1.0))
                    .collect();
                weighted_quantile(&d, cfg.quantile)
            }
        };
        // Proposals first (sequential keyed draws), then the simulations in parallel.
        let proposals: Vec<Vec<f64>> = (0..m)
            .map(|_| match &prev {
                None => priors
                    .iter()
                    .map(|p| {
                        let (lo, hi) = p.bounds();
                        lo + (hi - lo) * rng.random::<f64>()
                    })
                    .collect(),
                Some((z, w, sd)) => {
                    let total_w: f64 = w.iter().sum();
                    loop {
                        let pick = weighted_pick(w, rng.random::<f64>() * total_w);
                        let cand: Vec<f64> = (0..k)
                            .map(|j| {
                                let e: f64 = StandardNormal.sample(&mut rng);
                                z[pick][j] + sd[j] * e
                            })
                            .collect();
                        if cand.iter().zip(&priors).all(|(c, p)| {
                            let (lo, hi) = p.bounds();
                            (lo..=hi).contains(c)
                        }) {
                            break cand;
                        }
                    }
                }
            })
            .collect();
        let keys: Vec<u64> = (0..m as u64).map(|i| u64::from(g) * m as u64 + i).collect();
        let distances: Vec<Result<f64>> = proposals
            .par_iter()
            .zip(&keys)
            .map(|(z, &key)| {
                let theta: Vec<f64> = z.iter().zip(&priors).map(|(x, p)| p.value(*x)).collect();
                simulate(&theta, key)
            })
            .collect();
        let mut particles = Vec::with_capacity(m);
        for (z, d) in proposals.iter().zip(distances) {
            let d = d?;
            let accepted = d <= tolerance;
            let weight = match (&prev, accepted) {
                (_, false) => 0.0,
                (None, true) => 1.0,
                (Some((zs, ws, sd)), true) => {
                    // Uniform prior in the sampling space: weight ∝ 1 / Σ_j w_j K(z | z_j).
                    let kernel: f64 = zs
                        .iter()
                        .zip(ws)
                        .map(|(zj, wj)| {
                            wj * (0..k)
                                .map(|i| (-0.5 * ((z[i] - zj[i]) / sd[i]).powi(2)).exp() / sd[i])
                                .product::<f64>()
                        })
                        .sum();
                    if kernel > 0.0 { 1.0 / kernel } else { 0.0 }
                }
            };
            particles.push(Particle {
                theta: z.iter().zip(&priors).map(|(x, p)| p.value(*x)).collect(),
                distance: d,
                weight,
                accepted,
            });
        }
        let sum: f64 = particles.iter().map(|p| p.weight).sum();
        if sum <= 0.0 {
            return Err(Error::Input(format!(
                "calibration: no proposal of generation {g} came within the tolerance {tolerance:.4}; \
                 raise calibrate.quantile or calibrate.particles, or widen the priors"
            )));
        }
        for p in &mut particles {
            p.weight /= sum;
        }
        let generation = Generation {
            tolerance,
            particles,
        };
        record(&generation)?;
        out.push(generation);
        progress((u64::from(g) + 1) * m as u64, total);
    }
    Ok(out)
}

/// Posterior summary of parameter `j` in the last generation: median and 90% interval.
pub fn summary(generation: &Generation, j: usize) -> (f64, f64, f64) {
    let pairs: Vec<(f64, f64)> = generation
        .particles
        .iter()
        .filter(|p| p.accepted)
        .map(|p| (p.theta[j], p.weight))
        .collect();
    (
        weighted_quantile(&pairs, 0.5),
        weighted_quantile(&pairs, 0.05),
        weighted_quantile(&pairs, 0.95),
    )
}

/// Weighted correlation of parameters `a` and `b` in a generation (non-identifiability shows
/// as a strong one).
pub fn correlation(generation: &Generation, a: usize, b: usize) -> f64 {
    let acc: Vec<&Particle> = generation.particles.iter().filter(|p| p.accepted).collect();
    let mean = |j: usize| acc.iter().map(|p| p.weight * p.theta[j]).sum::<f64>();
    let (ma, mb) = (mean(a), mean(b));
    let cov: f64 = acc
        .iter()
        .map(|p| p.weight * (p.theta[a] - ma) * (p.theta[b] - mb))
        .sum();
    let var = |j: usize, m: f64| {
        acc.iter()
            .map(|p| p.weight * (p.theta[j] - m).powi(2))
            .sum::<f64>()
    };
    let d = (var(a, ma) * var(b, mb)).sqrt();
    if d > 0.0 { cov / d } else { 0.0 }
}

/// A calibration problem: the `[calibrate]` settings, the scenario table they perturb and the
/// observed data, with the base setup whose graph every proposal reuses.
pub struct Problem {
    /// The settings.
    pub cfg: Calibrate,
    /// The scenario file's table without `[calibrate]`.
    pub table: toml::Table,
    /// The file's text and path (for error messages).
    pub text: String,
    /// The scenario file.
    pub path: std::path::PathBuf,
    /// The observed data.
    pub observed: Observed,
    /// The base scenario's setup (its graph is shared by every proposal).
    pub base: crate::engine::Setup,
}

impl Problem {
    /// Reads the scenario at `path` (with `sets`) and the observed CSV at `data`; every check
    /// happens here, before any simulation.
    ///
    /// # Errors
    /// [`Error::Input`] naming the file, key or line of the first problem.
    pub fn load(path: &Path, sets: &[String], data: &Path) -> Result<Self> {
        let text = crate::scenario::load::read_text(path)?;
        let mut table: toml::Table =
            toml::from_str(&text).map_err(|e| Error::Input(format!("{}: {e}", path.display())))?;
        for key in ["variants", "sweep", "optimize", "compare"] {
            if table.contains_key(key) {
                return Err(Error::Input(format!(
                    "{}: `{key}`: a calibration file is one scenario; remove [{key}] (calibrate \
                     first, then compare designs on the calibrated scenario)",
                    path.display()
                )));
            }
        }
        let Some(raw) = table.remove("calibrate") else {
            return Err(Error::Input(format!(
                "{}: no [calibrate] table; add one with [calibrate.params] (the keys to fit and \
                 their prior ranges)",
                path.display()
            )));
        };
        let cfg: Calibrate = serde_path_to_error::deserialize(raw).map_err(|e| {
            Error::Input(format!(
                "{}: `calibrate.{}`: {}",
                path.display(),
                e.path(),
                crate::scenario::load::explain_serde(e.inner().to_string())
            ))
        })?;
        cfg.check()
            .map_err(|(k, m)| Error::Input(format!("{}: `{k}`: {m}", path.display())))?;
        let loaded = crate::scenario::LoadedScenario::from_table(
            table.clone(),
            &text,
            path,
            sets,
            &Default::default(),
        )?;
        // Every prior's ends must make a valid scenario: check both before simulating.
        let probe = Self::scenario_at(&table, &text, path, sets, &cfg, &|p: &Prior| p.min)?;
        drop(probe);
        Self::scenario_at(&table, &text, path, sets, &cfg, &|p: &Prior| p.max)?;
        let observed = read_observed(data, &cfg.series)?;
        if let Some(&d) = observed.days.iter().find(|&&d| d > loaded.scenario.days) {
            return Err(Error::Input(format!(
                "{}: observed day {d} is after the scenario's last day ({})",
                data.display(),
                loaded.scenario.days
            )));
        }
        for metric in cfg.scalars.keys() {
            if catalog::kpi(metric).is_none() {
                return Err(Error::Input(format!(
                    "{}: `calibrate.scalars.{metric}`: not a runs.csv metric",
                    path.display()
                )));
            }
        }
        let base = crate::engine::Setup::new(loaded)?;
        Ok(Self {
            cfg,
            table,
            text,
            path: path.to_path_buf(),
            observed,
            base,
        })
    }

    /// The scenario with every parameter at `value(prior)`.
    fn scenario_at(
        table: &toml::Table,
        text: &str,
        path: &Path,
        sets: &[String],
        cfg: &Calibrate,
        value: &dyn Fn(&Prior) -> f64,
    ) -> Result<crate::scenario::LoadedScenario> {
        let mut t = table.clone();
        for (k, p) in &cfg.params {
            crate::scenario::set_path(&mut t, k, toml::Value::Float(value(p))).map_err(|e| {
                Error::Input(format!("{}: `calibrate.params.{k}`: {e}", path.display()))
            })?;
        }
        crate::scenario::LoadedScenario::from_table(t, text, path, sets, &Default::default())
    }

    /// The scenario table with every parameter at `theta`.
    pub fn table_at(&self, theta: &[f64]) -> Result<toml::Table> {
        let mut t = self.table.clone();
        for (k, &x) in self.cfg.params.keys().zip(theta) {
            crate::scenario::set_path(&mut t, k, toml::Value::Float(x))
                .map_err(|e| Error::Input(format!("`{k}`: {e}")))?;
        }
        Ok(t)
    }

    /// Simulates `theta` on the replicates of proposal `key`; returns the replicates.
    pub fn simulate(&self, theta: &[f64], key: u64) -> Result<Vec<RunOutput>> {
        let loaded = crate::scenario::LoadedScenario::from_table(
            self.table_at(theta)?,
            &self.text,
            &self.path,
            &[],
            &Default::default(),
        )?;
        let setup = crate::engine::Setup::sharing(loaded, std::slice::from_ref(&self.base))?;
        let reps = u64::from(self.cfg.replicates);
        (0..reps).map(|r| setup.run(key * reps + r)).collect()
    }

    /// The distance from the data of a simulation at `theta` on the replicates of `key`.
    fn distance_at(&self, theta: &[f64], key: u64) -> Result<f64> {
        Ok(distance(
            &self.cfg,
            &self.observed,
            &self.simulate(theta, key)?,
        ))
    }

    /// Runs the calibration (seeded by the scenario's seed).
    ///
    /// # Errors
    /// The first simulation error, or a generation with no accepted proposal.
    pub fn run(&self, progress: &dyn Fn(u64, u64)) -> Result<Vec<Generation>> {
        let seed = self.base.loaded().scenario.seed;
        abc_smc(
            &self.cfg,
            seed,
            &|theta, key| self.distance_at(theta, key),
            progress,
        )
    }
}

/// One journal line: a finished generation (non-finite numbers as `None`: JSON has no ∞).
#[derive(serde::Serialize, serde::Deserialize)]
struct Entry {
    tolerance: Option<f64>,
    /// `(theta, distance, weight, accepted)` per proposal.
    particles: Vec<(Vec<f64>, Option<f64>, f64, bool)>,
}

impl Entry {
    fn of(g: &Generation) -> Self {
        let finite = |x: f64| x.is_finite().then_some(x);
        Entry {
            tolerance: finite(g.tolerance),
            particles: g
                .particles
                .iter()
                .map(|p| (p.theta.clone(), finite(p.distance), p.weight, p.accepted))
                .collect(),
        }
    }

    fn generation(self) -> Generation {
        Generation {
            tolerance: self.tolerance.unwrap_or(f64::INFINITY),
            particles: self
                .particles
                .into_iter()
                .map(|(theta, d, weight, accepted)| Particle {
                    theta,
                    distance: d.unwrap_or(f64::INFINITY),
                    weight,
                    accepted,
                })
                .collect(),
        }
    }
}

impl Problem {
    /// What the calibration depends on: the file, the observed data, the overrides and the
    /// fission version (a journal from other inputs is refused).
    fn fingerprint(&self, sets: &[String], data: &[u8]) -> String {
        let mut bytes = self.text.as_bytes().to_vec();
        bytes.extend_from_slice(data);
        bytes.extend_from_slice(sets.join("\n").as_bytes());
        bytes.extend_from_slice(env!("CARGO_PKG_VERSION").as_bytes());
        crate::prepare::hex(crate::prepare::fnv1a(&bytes))
    }

    /// Runs the calibration journalled to `journal` (one line per finished generation, flushed):
    /// with `resume`, the generations already in it are replayed and the rest run, giving the
    /// same result as an uninterrupted run. `sets` and `data` are the inputs the journal is
    /// fingerprinted with.
    ///
    /// # Errors
    /// [`Error::Input`] if the journal belongs to other inputs; [`Error::Io`] if it cannot be
    /// read or written; as [`Problem::run`].
    pub fn run_journaled(
        &self,
        journal: &Path,
        resume: bool,
        sets: &[String],
        data: &Path,
        progress: &dyn Fn(u64, u64),
    ) -> Result<Vec<Generation>> {
        use std::io::{BufRead, Write};
        let data_bytes = std::fs::read(data).map_err(|e| Error::io("read", data, e))?;
        let fingerprint = self.fingerprint(sets, &data_bytes);
        let header = format!("{{\"fingerprint\":\"{fingerprint}\"}}");
        let mut done = Vec::new();
        if resume && journal.exists() {
            let file = std::fs::File::open(journal).map_err(|e| Error::io("read", journal, e))?;
            let mut lines = std::io::BufReader::new(file).lines();
            let first = lines
                .next()
                .transpose()
                .map_err(|e| Error::io("read", journal, e))?;
            if first.as_deref() != Some(header.as_str()) {
                return Err(Error::Input(format!(
                    "`{}` was started with another scenario, data or fission version; run \
                     without --resume",
                    journal.display()
                )));
            }
            for line in lines {
                let line = line.map_err(|e| Error::io("read", journal, e))?;
                // A line cut short by a kill is the generation that did not finish.
                match serde_json::from_str::<Entry>(&line) {
                    Ok(e) => done.push(e.generation()),
                    Err(_) => break,
                }
            }
            done.truncate(self.cfg.generations as usize);
        }
        let mut text = format!("{header}\n");
        for g in &done {
            text.push_str(
                &serde_json::to_string(&Entry::of(g)).map_err(|e| Error::Input(e.to_string()))?,
            );
            text.push('\n');
        }
        let mut file =
            std::fs::File::create(journal).map_err(|e| Error::io("create", journal, e))?;
        file.write_all(text.as_bytes())
            .and_then(|()| file.sync_data())
            .map_err(|e| Error::io("write", journal, e))?;
        let seed = self.base.loaded().scenario.seed;
        abc_smc_from(
            &self.cfg,
            seed,
            done,
            &|theta, key| self.distance_at(theta, key),
            progress,
            &mut |g| {
                let line = serde_json::to_string(&Entry::of(g))
                    .map_err(|e| Error::Input(e.to_string()))?;
                writeln!(file, "{line}")
                    .and_then(|()| file.sync_data())
                    .map_err(|e| Error::io("write", journal, e))
            },
        )
    }
}

/// Writes `text` to `path` inside the staging folder (committed whole by the output folder).
fn put(path: &Path, text: &str) -> Result<()> {
    std::fs::write(path, text).map_err(|e| Error::io("write", path, e))
}

/// Posterior draws for the predictive check.
const PREDICTIVE_DRAWS: u64 = 40;

/// Writes the calibration's output folder `dir` and commits it: `posterior.csv` (every proposal of every
/// generation), `calibration.csv` (median and 90% interval per parameter), `correlations.csv`,
/// `calibrated.toml` (the scenario at the posterior medians) and `plots/predictive_<column>`.
///
/// # Errors
/// [`Error::Io`] if writing fails.
pub fn write(
    problem: &Problem,
    generations: &[Generation],
    dir: crate::output::atomic::OutputDir,
) -> Result<std::path::PathBuf> {
    use std::fmt::Write as _;
    let keys: Vec<&String> = problem.cfg.params.keys().collect();
    let num = |x: f64| crate::output::tables::number(Some(x));
    let mut posterior = String::from("generation,tolerance,particle");
    for k in &keys {
        let _ = write!(posterior, ",{k}");
    }
    posterior.push_str(",distance,weight,accepted\n");
    for (g, gen_) in generations.iter().enumerate() {
        for (i, p) in gen_.particles.iter().enumerate() {
            let _ = write!(posterior, "{g},{},{i}", num(gen_.tolerance));
            for t in &p.theta {
                let _ = write!(posterior, ",{}", num(*t));
            }
            let _ = writeln!(
                posterior,
                ",{},{},{}",
                num(p.distance),
                num(p.weight),
                p.accepted
            );
        }
    }
    put(&dir.path("posterior.csv"), &posterior)?;
    let Some(last) = generations.last() else {
        return Err(Error::Input("calibration: no generation ran".into()));
    };
    let mut table = String::from("param,prior_min,prior_max,log,median,p05,p95\n");
    let mut medians = Vec::new();
    for (j, (k, prior)) in problem.cfg.params.iter().enumerate() {
        let (m, lo, hi) = summary(last, j);
        medians.push(m);
        let _ = writeln!(
            table,
            "{k},{},{},{},{},{},{}",
            num(prior.min),
            num(prior.max),
            prior.log,
            num(m),
            num(lo),
            num(hi)
        );
    }
    put(&dir.path("calibration.csv"), &table)?;
    let mut corr = String::from("param_a,param_b,correlation\n");
    for a in 0..keys.len() {
        for b in a + 1..keys.len() {
            let _ = writeln!(
                corr,
                "{},{},{}",
                keys[a],
                keys[b],
                num(correlation(last, a, b))
            );
        }
    }
    put(&dir.path("correlations.csv"), &corr)?;
    let calibrated = problem.table_at(&medians)?;
    let text = format!(
        "# The scenario of {} at the posterior medians of `fission calibrate` ({} generations of \n\
         # {} proposals; see calibration.csv for the 90% intervals). Compare designs on it with\n\
         # `fission run`.\n{}",
        problem.path.display(),
        problem.cfg.generations,
        problem.cfg.particles,
        toml::to_string(&calibrated).map_err(|e| Error::Input(e.to_string()))?
    );
    put(&dir.path("calibrated.toml"), &text)?;
    // Posterior predictive: weighted draws from the last generation, simulated on fresh keys.
    let accepted: Vec<&Particle> = last.particles.iter().filter(|p| p.accepted).collect();
    let mut rng = Draws::new(problem.base.loaded().scenario.seed, u64::MAX - 2)
        .stream(Stream::CalibrationProposal);
    let draws: Vec<Vec<f64>> = (0..PREDICTIVE_DRAWS)
        .map(|_| {
            let weights: Vec<f64> = accepted.iter().map(|p| p.weight).collect();
            accepted[weighted_pick(&weights, rng.random::<f64>())]
                .theta
                .clone()
        })
        .collect();
    let offset = u64::from(problem.cfg.generations) * u64::from(problem.cfg.particles);
    let sims: Vec<Vec<RunOutput>> = draws
        .par_iter()
        .enumerate()
        .map(|(i, theta)| problem.simulate(theta, offset + i as u64))
        .collect::<Result<_>>()?;
    let days = problem.base.loaded().scenario.days as usize;
    for (column, obs) in &problem.observed.series {
        let band: Vec<(f64, f64, f64, f64)> = (0..=days)
            .map(|d| {
                let mut v: Vec<f64> = sims
                    .iter()
                    .flatten()
                    .filter_map(|r| r.rows.get(d).and_then(|row| daily_value(row, column)))
                    .collect();
                v.sort_by(f64::total_cmp);
                let mean = v.iter().sum::<f64>() / v.len().max(1) as f64;
                (
                    d as f64,
                    mean,
                    crate::metrics::stats::quantile(&v, 0.05),
                    crate::metrics::stats::quantile(&v, 0.95),
                )
            })
            .collect();
        let observed: Vec<(f64, f64)> = problem
            .observed
            .days
            .iter()
            .zip(obs)
            .map(|(&d, &v)| (f64::from(d), v))
            .collect();
        crate::plot::predictive(
            &dir.path(&format!("plots/predictive_{column}")),
            &format!(
                "{} — posterior predictive {column} vs observed",
                problem.base.loaded().scenario.name
            ),
            column,
            band,
            &observed,
        )?;
    }
    dir.commit()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn weighted_quantiles_follow_the_weights() {
        let pairs = [(1.0, 0.1), (2.0, 0.1), (3.0, 0.8)];
        assert_eq!(weighted_quantile(&pairs, 0.5), 3.0);
        assert_eq!(weighted_quantile(&pairs, 0.1), 1.0);
        assert_eq!(weighted_quantile(&pairs, 0.15), 2.0);
    }

    /// ABC-SMC on a toy model with a known answer: the "simulation" is θ plus keyed noise of sd
    /// 0.05 and the observation 0.3; the posterior median lands near 0.3 and its 90% interval
    /// narrows from the prior's (0.9 wide) to about ±0.1.
    #[test]
    fn abc_smc_concentrates_on_the_truth_of_a_toy_model() {
        let cfg: Calibrate = toml::from_str(
            "particles = 400\ngenerations = 5\nquantile = 0.5\n[params]\nx = { min = 0.0, max = 1.0 }\n",
        )
        .unwrap();
        let sim = |theta: &[f64], key: u64| -> Result<f64> {
            let mut rng = Draws::new(7, key).stream(Stream::CalibrationProposal);
            let e: f64 = StandardNormal.sample(&mut rng);
            Ok((theta[0] + 0.05 * e - 0.3).abs())
        };
        let gens = abc_smc(&cfg, 1, &sim, &|_, _| {}).unwrap();
        let last = gens.last().unwrap();
        let (median, lo, hi) = summary(last, 0);
        assert!((median - 0.3).abs() < 0.03, "{median}");
        assert!(lo < 0.3 && hi > 0.3 && hi - lo < 0.25, "[{lo}, {hi}]");
        assert!(gens.windows(2).all(|w| w[1].tolerance <= w[0].tolerance));
        // Deterministic for a seed.
        assert_eq!(gens, abc_smc(&cfg, 1, &sim, &|_, _| {}).unwrap());
    }
}
