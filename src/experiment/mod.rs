//! Experiments: one scenario file holding a base, named `[variants.<name>]`, `[sweep]` axes, a
//! `[compare]` table and a replicate policy, expanded into arms (variant × sweep point), every
//! arm fully validated before anything runs.

pub mod compare;
pub mod explain;
pub mod optimize;
pub mod sensitivity;
pub mod sweep;
pub mod variants;

use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::error::{Error, Result};
use crate::scenario::{Layers, LoadedScenario, parse_table};
pub use compare::{Compare, Paired};
pub use sweep::{Point, Sweep};

/// The name of the base scenario among the variants.
pub const BASE: &str = "base";

/// `replicates = { min, max, batch, target = { metric, half_width } }`: add replicates in
/// deterministic batches until every paired difference is precise enough.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Adaptive {
    /// Replicates run first.
    pub min: u32,
    /// Never more than this.
    pub max: u32,
    /// Replicates added per round (default `min`).
    pub batch: Option<u32>,
    /// The precision to reach.
    pub target: Target,
}

/// The stopping target of adaptive replicates.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Target {
    /// The metric (a `runs.csv` column).
    pub metric: String,
    /// The 95% half-width to reach: of every paired difference against the baseline, or of the
    /// mean when there is a single arm.
    pub half_width: f64,
}

/// One arm: a variant at a sweep point.
#[derive(Debug, Clone)]
pub struct Arm {
    /// The variant's name.
    pub variant: String,
    /// The sweep point (0-based), if the file has a sweep.
    pub point: Option<usize>,
    /// The swept keys' values at that point.
    pub params: Point,
    /// The arm's validated scenario.
    pub loaded: LoadedScenario,
}

impl Arm {
    /// `variant` or `variant@point`: unique within the experiment.
    pub fn label(&self) -> String {
        match self.point {
            Some(p) => format!("{}@{p}", self.variant),
            None => self.variant.clone(),
        }
    }
}

/// A loaded experiment.
#[derive(Debug, Clone)]
pub struct Experiment {
    /// The scenario file.
    pub path: PathBuf,
    /// The file's text.
    pub text: String,
    /// `--set` overrides, applied to every arm.
    pub sets: Vec<String>,
    /// Variant names, `base` first, then in file order.
    pub variants: Vec<String>,
    /// Each variant's override table (empty for `base`), as written.
    pub overrides: Vec<toml::Table>,
    /// The swept keys (the `param.<key>` columns), empty without a sweep.
    pub axes: Vec<String>,
    /// Arms, variant-major: every sweep point of the first variant, then of the next.
    pub arms: Vec<Arm>,
    /// The comparison settings.
    pub compare: Compare,
    /// Adaptive replicates, if configured (and not overridden by `--set replicates=`).
    pub adaptive: Option<Adaptive>,
    /// A random, Latin-hypercube, Sobol or Morris sweep's structure, for `sensitivity.csv`.
    pub design: Option<sensitivity::Design>,
    /// Successive halving over the sweep's points, if `[optimize]` is given.
    pub optimize: Option<optimize::Optimize>,
}

/// Keys of the file that describe the experiment rather than a scenario.
const EXPERIMENT_KEYS: [&str; 5] = ["variants", "sweep", "compare", "optimize", "calibrate"];

impl Experiment {
    /// Reads and validates the experiment at `path`.
    ///
    /// # Errors
    /// As [`LoadedScenario::load`], for the base, any variant or any sweep point; and for a
    /// malformed `[variants]`, `[sweep]`, `[compare]` or adaptive `replicates`.
    pub fn load(path: &Path, sets: &[String]) -> Result<Self> {
        Self::from_text(&crate::scenario::load::read_text(path)?, path, sets)
    }

    /// Like [`Experiment::load`] with the text already read.
    ///
    /// # Errors
    /// As [`Experiment::load`] without the I/O error.
    pub fn from_text(text: &str, path: &Path, sets: &[String]) -> Result<Self> {
        let bad = |key: &str, message: &str| {
            Error::Input(format!("{}: `{key}`: {message}", path.display()))
        };
        let mut base = parse_table(text, path)?;
        // `--set` reaches the experiment tables too (`compare.objective=customers`,
        // `variants.referral.referral.budget_cents=500000`, `sweep.mode=lhs`); those overrides
        // change the file's tables, every other one each arm's scenario.
        let is_experiment = |set: &String| {
            let key = set.split('=').next().unwrap_or("").trim();
            EXPERIMENT_KEYS.contains(&key.split('.').next().unwrap_or(""))
        };
        for set in sets.iter().filter(|s| is_experiment(s)) {
            crate::scenario::load::apply_set(&mut base, set).map_err(|e| match e {
                Error::Input(m) => Error::Input(format!("{}: {m}", path.display())),
                other => other,
            })?;
        }
        let all_sets = sets;
        let scenario_sets: Vec<String> =
            sets.iter().filter(|s| !is_experiment(s)).cloned().collect();
        let sets = scenario_sets.as_slice();
        let mut extra: Vec<Option<toml::Value>> =
            EXPERIMENT_KEYS.iter().map(|k| base.remove(*k)).collect();
        let compare: Compare = match extra[2].take() {
            Some(v) => serde_path_to_error::deserialize(v).map_err(|e| {
                bad(
                    &format!("compare.{}", e.path()),
                    &crate::scenario::load::explain_serde(e.inner().to_string()),
                )
            })?,
            None => Compare::default(),
        };
        let sweep: Option<Sweep> = match extra[1].take() {
            Some(v) => Some(serde_path_to_error::deserialize(v).map_err(|e| {
                bad(
                    &format!("sweep.{}", e.path()),
                    &crate::scenario::load::explain_serde(e.inner().to_string()),
                )
            })?),
            None => None,
        };
        let optimize: Option<optimize::Optimize> = match extra[3].take() {
            Some(v) => {
                let o: optimize::Optimize = serde_path_to_error::deserialize(v).map_err(|e| {
                    bad(
                        &format!("optimize.{}", e.path()),
                        &crate::scenario::load::explain_serde(e.inner().to_string()),
                    )
                })?;
                o.check().map_err(|(k, m)| bad(&k, &m))?;
                if sweep.is_none() {
                    return Err(bad(
                        "optimize",
                        "needs a [sweep] whose points are the candidates (e.g. mode = \"lhs\" \
                         with samples = 16 over the keys to tune)",
                    ));
                }
                if extra[0].is_some() {
                    return Err(bad(
                        "optimize",
                        "tunes the base scenario: remove [variants] (put the design to tune in \
                         the base) or run the variants' sweep with `fission run`",
                    ));
                }
                Some(o)
            }
            None => None,
        };
        // `[calibrate]` belongs to `fission calibrate`; a bad table is refused here too, so
        // `validate` catches it.
        if let Some(v) = extra[4].take() {
            let c: crate::calibrate::Calibrate =
                serde_path_to_error::deserialize(v).map_err(|e| {
                    bad(
                        &format!("calibrate.{}", e.path()),
                        &crate::scenario::load::explain_serde(e.inner().to_string()),
                    )
                })?;
            c.check().map_err(|(k, m)| bad(&k, &m))?;
        }
        let mut variants = vec![BASE.to_string()];
        let mut overrides = vec![toml::Table::new()];
        if let Some(v) = extra[0].take() {
            let toml::Value::Table(table) = v else {
                return Err(bad("variants", "expected tables [variants.<name>]"));
            };
            for (name, over) in table {
                let toml::Value::Table(over) = over else {
                    return Err(bad(&format!("variants.{name}"), "expected a table"));
                };
                if name == BASE || name.contains('@') || name.contains(',') {
                    return Err(bad(
                        &format!("variants.{name}"),
                        "a variant may not be called `base` or contain `@` or `,`",
                    ));
                }
                if let Some(why) = crate::scenario::validate::file_name_problem(&name) {
                    return Err(bad(
                        &format!("variants.{}", name.escape_debug()),
                        &format!("{why}: it names charts"),
                    ));
                }
                variants.push(name);
                overrides.push(over);
            }
        }
        if !variants.contains(&compare.baseline) {
            return Err(bad(
                "compare.baseline",
                &format!(
                    "no variant `{}`; variants: {}",
                    compare.baseline,
                    variants.join(", ")
                ),
            ));
        }
        let replicates_set = sets.iter().any(|s| {
            s.split('=')
                .next()
                .is_some_and(|k| k.trim() == "replicates")
        });
        let adaptive = match base.get("replicates") {
            Some(toml::Value::Table(t)) => {
                let a: Adaptive = serde_path_to_error::deserialize(toml::Value::Table(t.clone()))
                    .map_err(|e| {
                    bad(
                        &format!("replicates.{}", e.path()),
                        &crate::scenario::load::explain_serde(e.inner().to_string()),
                    )
                })?;
                if a.min < 2
                    || a.max < a.min
                    || a.batch == Some(0)
                    || a.target.half_width.is_nan()
                    || a.target.half_width <= 0.0
                {
                    return Err(bad(
                        "replicates",
                        "adaptive replicates need 2 ≤ min ≤ max, batch ≥ 1 and half_width > 0",
                    ));
                }
                base.insert("replicates".into(), toml::Value::Integer(i64::from(a.min)));
                (!replicates_set).then_some(a)
            }
            _ => None,
        };
        if optimize.is_some() && adaptive.is_some() {
            return Err(bad(
                "replicates",
                "[optimize] sets the replicates of each round (start … max); give a number here",
            ));
        }
        // The one seed: the file's, after `--set seed=` / `--seed` (random and Latin-hypercube
        // sweep points are drawn from it, like every other draw).
        let mut overridden = base.clone();
        for set in sets {
            // A malformed override is reported with its line when the arms are built.
            let _ = crate::scenario::load::apply_set(&mut overridden, set);
        }
        let seed = overridden
            .get("seed")
            .and_then(toml::Value::as_integer)
            .unwrap_or(1) as u64;
        let (axes, points) = match &sweep {
            Some(s) => (
                s.keys(),
                s.points(seed)
                    .map_err(|e| Error::Input(format!("{}: {e}", path.display())))?,
            ),
            None => (Vec::new(), Vec::new()),
        };
        let design = match &sweep {
            Some(s) if s.mode != sweep::Mode::Grid && !points.is_empty() => {
                Some(sensitivity::Design {
                    mode: s.mode,
                    units: s
                        .units(seed)
                        .map_err(|e| Error::Input(format!("{}: {e}", path.display())))?,
                })
            }
            _ => None,
        };
        let arm_count = variants.len().saturating_mul(points.len().max(1)) as u64;
        if arm_count > sweep::MAX_POINTS {
            return Err(Error::Input(format!(
                "{}: {} variants × {} sweep points = {arm_count} arms, more than the {} one run \
                 may hold; split the study into several files",
                path.display(),
                variants.len(),
                points.len(),
                sweep::MAX_POINTS
            )));
        }
        let mut arms = Vec::new();
        for (variant, over) in variants.iter().zip(&overrides) {
            let mut table = base.clone();
            variants::merge(&mut table, over);
            let point_list: Vec<Option<usize>> = if points.is_empty() {
                vec![None]
            } else {
                (0..points.len()).map(Some).collect()
            };
            for p in point_list {
                let params = p.map_or_else(Vec::new, |i| points[i].clone());
                let mut t = table.clone();
                for (k, v) in &params {
                    crate::scenario::set_path(&mut t, k, v.clone()).map_err(|e| {
                        Error::Input(format!(
                            "{}: sweep point {}: `{k}`: {e}",
                            path.display(),
                            p.unwrap_or(0)
                        ))
                    })?;
                }
                let layers = Layers {
                    variant: (variant != BASE).then_some((variant.as_str(), over)),
                    point: p.map(|i| (i, params.as_slice())),
                };
                let loaded = LoadedScenario::from_table(t, text, path, sets, &layers)?;
                arms.push(Arm {
                    variant: variant.clone(),
                    point: p,
                    params,
                    loaded,
                });
            }
        }
        let experiment = Self {
            path: path.to_path_buf(),
            text: text.to_string(),
            sets: all_sets.to_vec(),
            variants,
            overrides,
            axes,
            arms,
            compare,
            adaptive,
            design,
            optimize,
        };
        experiment.check_shared()?;
        Ok(experiment)
    }

    /// The arm every arm is compared with: the baseline variant at the same sweep point, or,
    /// when the only variant is `base`, the first sweep point. `None` for a baseline arm.
    pub fn baseline_of(&self, arm: usize) -> Option<usize> {
        let a = &self.arms[arm];
        let b = if self.variants.len() > 1 {
            self.arms
                .iter()
                .position(|x| x.variant == self.compare.baseline && x.point == a.point)?
        } else {
            0
        };
        (b != arm).then_some(b)
    }

    /// The replicates every arm runs first (all of them unless adaptive).
    pub fn initial_replicates(&self) -> u32 {
        self.arms[0].loaded.scenario.replicates
    }

    /// The scenario name (of the base).
    pub fn name(&self) -> &str {
        &self.arms[0].loaded.scenario.name
    }

    /// The metrics the experiment reads: the compared ones, the objective, the adaptive target.
    pub fn wanted_metrics(&self) -> Vec<(&'static str, &str)> {
        let mut m: Vec<(&'static str, &str)> = self
            .compare
            .metrics
            .iter()
            .map(|x| ("compare.metrics", x.as_str()))
            .collect();
        m.push(("compare.objective", &self.compare.objective));
        m.extend(
            self.compare
                .better
                .keys()
                .map(|k| ("compare.better", k.as_str())),
        );
        if let Some(a) = &self.adaptive {
            m.push(("replicates.target.metric", &a.target.metric));
        }
        if let Some(c) = self.optimize.as_ref().and_then(|o| o.constraint.as_ref()) {
            m.push(("optimize.constraint.metric", &c.metric));
        }
        m
    }

    /// Checks that every arm shares name, seed and replicates (pairs need the same replicates).
    fn check_shared(&self) -> Result<()> {
        let first = &self.arms[0].loaded.scenario;
        for arm in &self.arms[1..] {
            let s = &arm.loaded.scenario;
            for (key, same) in [
                ("seed", s.seed == first.seed),
                ("replicates", s.replicates == first.replicates),
                ("name", s.name == first.name),
            ] {
                if !same {
                    return Err(Error::Input(format!(
                        "{}: arm `{}` changes `{key}`; every variant and sweep point shares the \
                         base's {key} (common random numbers pair replicate r of every arm)",
                        self.path.display(),
                        arm.label()
                    )));
                }
            }
        }
        Ok(())
    }
}
