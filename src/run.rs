//! One `fission run`: load the experiment → build every arm → run replicates of every arm in
//! parallel, journalled, in deterministic rounds → write tables, comparisons, plots and report.

use std::path::{Path, PathBuf};
use std::time::Instant;

use rayon::prelude::*;

use crate::engine::Setup;
use crate::error::{Error, Result};
use crate::experiment::compare::paired;
use crate::experiment::compare::{self as comparing, Comparison};
use crate::experiment::{Arm, Experiment};
use crate::experiment::{explain, optimize, sensitivity};
use crate::graph::GraphStats;
use crate::metrics::{RunOutput, Summary};
use crate::output::comparison;
use crate::output::journal::{self, Finished, Journal};
use crate::output::manifest::{ALWAYS_WRITTEN, ArmEntry, Manifest, Timings};
use crate::output::tables::{self, Tables, number};
use crate::output::{OutputDir, target};
use crate::preflight::Limits;
use crate::prepare::{Prepared, fnv1a, hex, in_arm, prepare};
use crate::scenario::Scenario;
use crate::{plot, report};

/// Runs per parallel batch: enough to keep every core busy, few enough to bound memory and to
/// journal often.
pub const BATCH: usize = 256;

/// Options of one run.
#[derive(Debug, Clone, Default)]
pub struct RunOptions {
    /// Output folder (default `outputs/<name>/`).
    pub out: Option<PathBuf>,
    /// `--set path=value` overrides (replicates and seed overrides are passed this way too).
    pub sets: Vec<String>,
    /// The command line, recorded in the manifest and the report (without `--resume`, shell
    /// quoted).
    pub command: String,
    /// Threads, `--no-daily`, `--resume` and the preflight's memory cap and `--force`.
    pub limits: Limits,
}

/// What a finished run reports back.
#[derive(Debug, Clone)]
pub struct RunReport {
    /// The output folder.
    pub out: PathBuf,
    /// Arms (variants × sweep points).
    pub arms: usize,
    /// Replicates per arm.
    pub replicates: u64,
    /// Wall-clock seconds of the simulation (excluding graph building and writing).
    pub simulate_seconds: f64,
    /// Mean final customers of the first arm.
    pub mean_customers: f64,
    /// Why the replicates stopped.
    pub stopped: String,
}

/// Runs the experiment at `path` and writes its output folder; `progress(done, total)` counts
/// runs (arm × replicate) after each batch.
///
/// # Errors
/// [`Error::Input`] for a bad scenario, variant, sweep point or graph (before anything runs);
/// [`Error::Io`] if the outputs cannot be written.
pub fn run(path: &Path, options: &RunOptions, progress: &dyn Fn(u64, u64)) -> Result<RunReport> {
    let limits = &options.limits;
    let prepared = prepare(path, &options.sets, limits)?;
    let inputs = prepared.inputs()?;
    let Prepared {
        exp,
        setups,
        columns,
        build_seconds,
        ..
    } = prepared;

    let target = target::resolve(
        &options
            .out
            .clone()
            .unwrap_or_else(|| Path::new("outputs").join(exp.name())),
    )?;
    let dir = OutputDir::create(&target, limits.resume, &options.command)?;
    let (mut journal, mut finished) = if limits.resume {
        Journal::resume(&dir.path(journal::FILE), &inputs)?
    } else {
        (
            Journal::create(&dir.path(journal::FILE), &inputs)?,
            Finished::new(),
        )
    };

    let run = run_id(&exp);
    let mut arm_tables = open_tables(&exp, &run, &dir, &columns, limits.no_daily)?;
    let sim_start = Instant::now();
    let (done, stopped) = simulate(
        &exp,
        &setups,
        &mut arm_tables.tables,
        &mut journal,
        &mut finished,
        limits.threads,
        progress,
    )?;
    let simulate_seconds = sim_start.elapsed().as_secs_f64();

    let (rows, finished_arms) = write_tables(&exp, &dir, &columns, arm_tables)?;
    let resolved = resolved_toml(&setups[0])?;
    write(&dir.path("scenario.resolved.toml"), &resolved)?;
    write(&dir.path("experiment.toml"), &exp.text)?;
    let named = setups[0].graph().has_names();
    if named {
        member_ids(&dir.path("member_ids.csv"), setups[0].graph())?;
    }
    let mean_customers = finished_arms[0]
        .summary("customers")
        .map_or(0.0, |s| s.mean);
    let manifest = manifest(
        &exp,
        &run,
        &setups,
        options,
        &resolved,
        &stopped,
        done,
        [build_seconds, simulate_seconds],
        &rows,
        named,
    );
    manifest.write(&dir.path(""))?;
    plot::redraw(&dir.path(""))?;
    report::write(&dir.path(""))?;
    drop(journal);
    let out = dir.commit()?;
    Ok(RunReport {
        out,
        arms: exp.arms.len(),
        replicates: done,
        simulate_seconds,
        mean_customers,
        stopped,
    })
}

/// Every arm's tables, with their identity columns and part files.
struct ArmTables {
    /// The identity columns' names.
    id_header: Vec<String>,
    /// Each arm's identity values.
    ids: Vec<Vec<String>>,
    /// Each arm's part files.
    parts: Vec<tables::Parts>,
    /// Each arm's tables.
    tables: Vec<Tables>,
}

/// Starts every arm's tables in the staging folder `dir`.
fn open_tables(
    exp: &Experiment,
    run: &str,
    dir: &OutputDir,
    columns: &[String],
    no_daily: bool,
) -> Result<ArmTables> {
    let id_header = id_header(exp);
    let ids: Vec<Vec<String>> = exp.arms.iter().map(|a| arm_id(exp, run, a)).collect();
    let parts: Vec<tables::Parts> = (0..exp.arms.len())
        .map(|i| {
            (
                (!no_daily).then(|| dir.path(&format!("part-{i}.daily.csv"))),
                dir.path(&format!("part-{i}.runs.csv")),
            )
        })
        .collect();
    let tables = ids
        .iter()
        .zip(&parts)
        .map(|(id, (daily, runs))| {
            Tables::create(id.clone(), columns.to_vec(), daily.clone(), runs.clone())
        })
        .collect::<Result<Vec<_>>>()?;
    Ok(ArmTables {
        id_header,
        ids,
        parts,
        tables,
    })
}

/// Compares the arms and writes `daily.csv`, `runs.csv`, `summary.csv`, `curves.csv`,
/// `comparison.csv`, `explain.csv`, `risk.csv` and `ranking.csv`; returns the comparisons and each arm's summaries.
fn write_tables(
    exp: &Experiment,
    dir: &OutputDir,
    columns: &[String],
    arm_tables: ArmTables,
) -> Result<(Vec<Comparison>, Vec<tables::Finished>)> {
    let ArmTables {
        id_header,
        ids,
        parts,
        tables,
    } = arm_tables;
    let rows = comparing::compare(exp, &|a, m| tables[a].values(m));
    let values = |a: usize, m: &str| tables[a].values(m);
    let explained = explain::explain(exp.arms.len(), &|a| exp.baseline_of(a), &values);
    let sensitivity = sensitivity::study(exp, &values);
    let race = exp.optimize.as_ref().map(|opt| {
        let objective = &exp.compare.objective;
        let lower = exp.compare.lower_is_better(objective);
        let summary = |a: usize, m: &str| Summary::of(values(a, m).iter().copied());
        let standings = optimize::standings(
            exp.arms.len(),
            opt,
            lower,
            &|a| summary(a, objective).map(|s| (s.n, s.mean, s.ci95_low, s.ci95_high)),
            &|a| {
                opt.constraint
                    .as_ref()
                    .and_then(|c| summary(a, &c.metric))
                    .map(|s| s.mean)
            },
        );
        let top = match standings.as_slice() {
            [best, second, ..] => paired(
                values(best.arm, objective),
                values(second.arm, objective),
                lower,
            ),
            _ => None,
        };
        (standings, top)
    });
    let [net, roi] = explain::RISK_INPUTS;
    let risks: Vec<_> = (0..exp.arms.len())
        .map(|a| explain::risk(values(a, net), values(a, roi), exp.compare.roi_target))
        .collect();
    let finished_arms = tables
        .into_iter()
        .map(Tables::finish)
        .collect::<Result<Vec<_>>>()?;
    let path_in = |f: &str| dir.path(f);
    tables::assemble(&path_in, &id_header, columns, &parts, &finished_arms)?;
    comparison::write_comparison(&dir.path("comparison.csv"), exp, &id_header, &ids, &rows)?;
    comparison::write_explain(&dir.path("explain.csv"), exp, &id_header, &ids, &explained)?;
    if let Some((standings, top)) = &race {
        comparison::write_optimize(
            &dir.path("optimize.csv"),
            exp,
            &id_header,
            &ids,
            standings,
            *top,
        )?;
    }
    if exp.design.is_some() {
        comparison::write_sensitivity(&dir.path("sensitivity.csv"), exp, &sensitivity)?;
    }
    comparison::write_risk(
        &dir.path("risk.csv"),
        &id_header,
        &ids,
        &risks,
        exp.compare.roi_target,
    )?;
    let objective: Vec<Option<Summary>> = finished_arms
        .iter()
        .map(|f| f.summary(&exp.compare.objective))
        .collect();
    // A race ranks by how far each candidate got first (optimize.csv's order): a candidate
    // dropped after four replicates must not outrank a finalist on a lucky mean.
    let order = race.as_ref().map(|(standings, _)| {
        let mut o: Vec<usize> = standings.iter().map(|s| s.arm).collect();
        // Candidates without an objective value come last, in arm order.
        o.extend((0..exp.arms.len()).filter(|a| !standings.iter().any(|s| s.arm == *a)));
        o
    });
    comparison::write_ranking(
        &dir.path("ranking.csv"),
        exp,
        &id_header,
        &ids,
        &objective,
        &rows,
        order.as_deref(),
    )?;
    Ok((rows, finished_arms))
}

/// Runs every replicate of every arm in deterministic batches (replaying `finished` runs from
/// the journal, journalling the new ones) until the replicate policy stops; returns the
/// replicates per arm (the most any arm ran) and why they stopped.
fn simulate(
    exp: &Experiment,
    setups: &[Setup],
    tables: &mut [Tables],
    journal: &mut Journal,
    finished: &mut Finished,
    threads: usize,
    progress: &dyn Fn(u64, u64),
) -> Result<(u64, String)> {
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build()
        .map_err(|e| Error::Input(format!("cannot start {threads} worker threads: {e}")))?;
    let mut batches = Batches {
        exp,
        setups,
        tables,
        journal,
        finished,
        pool: &pool,
        runs_done: 0,
        progress,
    };
    if let Some(opt) = &exp.optimize {
        return race(opt, &mut batches);
    }
    let arms = exp.arms.len() as u64;
    let (mut done, mut reps) = (0u64, u64::from(exp.initial_replicates()));
    loop {
        let jobs: Vec<(usize, u64)> = (0..exp.arms.len())
            .flat_map(|a| (done..reps).map(move |r| (a, r)))
            .collect();
        batches.run(&jobs, arms * reps)?;
        done = reps;
        match next_replicates(exp, batches.tables, done) {
            Ok(more) => reps = more,
            Err(stopped) => return Ok((done, stopped)),
        }
    }
}

/// What running a list of (arm, replicate) jobs needs: the arms, the tables they fill, the
/// journal and its stored runs, the worker pool and the progress count.
struct Batches<'a> {
    exp: &'a Experiment,
    setups: &'a [Setup],
    tables: &'a mut [Tables],
    journal: &'a mut Journal,
    finished: &'a mut Finished,
    pool: &'a rayon::ThreadPool,
    runs_done: u64,
    progress: &'a dyn Fn(u64, u64),
}

impl Batches<'_> {
    /// Runs `jobs` in deterministic batches of [`BATCH`], recording each into its arm's
    /// tables in job order; `total` is the progress bar's end.
    fn run(&mut self, jobs: &[(usize, u64)], total: u64) -> Result<()> {
        for chunk in jobs.chunks(BATCH) {
            let stored: Vec<Option<RunOutput>> =
                chunk.iter().map(|job| self.finished.remove(job)).collect();
            let setups = self.setups;
            // (output, whether it is new, i.e. not yet in the journal)
            let outputs: Vec<(Result<RunOutput>, bool)> = self.pool.install(|| {
                chunk
                    .par_iter()
                    .zip(stored)
                    .map(|(&(a, r), s)| match s {
                        Some(out) => (Ok(out), false),
                        None => (setups[a].run(r), true),
                    })
                    .collect()
            });
            for (&(a, _), (out, new)) in chunk.iter().zip(outputs) {
                let out = out.map_err(|e| in_arm(e, &self.exp.arms[a]))?;
                if new {
                    self.journal.append(a, &out)?;
                }
                self.tables[a].record(&out)?;
            }
            self.journal.flush()?;
            for t in self.tables.iter_mut() {
                t.spill()?;
            }
            self.runs_done += chunk.len() as u64;
            (self.progress)(self.runs_done, total);
        }
        Ok(())
    }
}

/// Successive halving over the arms (the sweep's candidates): each round runs the survivors
/// to its replicate count, then keeps the best by the objective's mean, feasible first.
fn race(opt: &optimize::Optimize, b: &mut Batches<'_>) -> Result<(u64, String)> {
    let exp = b.exp;
    let n = exp.arms.len();
    let rounds = opt.rounds(n);
    let total = opt.runs(n);
    let objective = &exp.compare.objective;
    let lower = exp.compare.lower_is_better(objective);
    let mut alive: Vec<usize> = (0..n).collect();
    let mut done = 0u64;
    for (i, &(keep, reps)) in rounds.iter().enumerate() {
        let reps = u64::from(reps);
        if i > 0 {
            let tables = &*b.tables;
            let mean = |a: usize, m: &str| {
                Summary::of(tables[a].values(m).iter().copied()).map_or(f64::NAN, |s| s.mean)
            };
            let feasible = |a: usize| {
                opt.constraint
                    .as_ref()
                    .is_none_or(|c| mean(a, &c.metric) <= c.max)
            };
            alive = optimize::survivors(&alive, keep, &|a| mean(a, objective), &feasible, lower);
        }
        let jobs: Vec<(usize, u64)> = alive
            .iter()
            .flat_map(|&a| (done..reps).map(move |r| (a, r)))
            .collect();
        b.run(&jobs, total)?;
        done = reps;
    }
    Ok((
        done,
        format!(
            "successive halving: {n} candidates, {} rounds ({} → {done} replicates, keeping 1/{} \
             each round), {} runs instead of {} for every candidate at {done}",
            rounds.len(),
            opt.start,
            opt.eta,
            b.runs_done,
            n as u64 * done
        ),
    ))
}

/// After `done` replicates per arm: how many to reach next, or (`Err`) why to stop.
fn next_replicates(exp: &Experiment, tables: &[Tables], done: u64) -> Result<u64, String> {
    let Some(adaptive) = &exp.adaptive else {
        return Err(format!("fixed: {done} replicates per arm"));
    };
    let metric = &adaptive.target.metric;
    let widest = (0..exp.arms.len())
        .map(|a| half_width(exp, tables, a, metric))
        .fold(0.0, f64::max);
    if widest <= adaptive.target.half_width {
        return Err(format!(
            "target reached: every 95% half-width of `{metric}` ≤ {} after {done} replicates (widest {})",
            number(Some(adaptive.target.half_width)),
            number(Some(widest))
        ));
    }
    if done >= u64::from(adaptive.max) {
        return Err(format!(
            "max reached: {done} replicates; widest 95% half-width of `{metric}` is {} (target {})",
            number(Some(widest)),
            number(Some(adaptive.target.half_width))
        ));
    }
    let batch = u64::from(adaptive.batch.unwrap_or(adaptive.min));
    Ok((done + batch).min(u64::from(adaptive.max)))
}

/// The 95% half-width that adaptive replicates watch for arm `a`: of its paired difference with
/// its baseline, or of its own mean for a baseline arm of a single-arm experiment.
fn half_width(exp: &Experiment, tables: &[Tables], a: usize, metric: &str) -> f64 {
    let lower = exp.compare.lower_is_better(metric);
    match exp.baseline_of(a) {
        Some(b) => paired(tables[a].values(metric), tables[b].values(metric), lower)
            .map_or(f64::INFINITY, |p| p.half_width()),
        None if exp.arms.len() == 1 => Summary::of(tables[a].values(metric).iter().copied())
            .filter(|s| s.n > 1)
            .map_or(f64::INFINITY, |s| (s.ci95_high - s.ci95_low) / 2.0),
        None => 0.0,
    }
}

/// The identity columns: `run_id`, `variant`, and with a sweep `point` and `param.<key>` per
/// swept key.
fn id_header(exp: &Experiment) -> Vec<String> {
    let mut h = vec!["run_id".to_string(), "variant".to_string()];
    if !exp.axes.is_empty() {
        h.push("point".into());
        h.extend(exp.axes.iter().map(|k| format!("param.{k}")));
    }
    h
}

/// Which run a row came from, so that tables of several output folders stacked together stay
/// apart: a hash of every arm's resolved scenario (defaults filled in, `--set` and sweep points
/// applied) and the fission version. The same inputs give the same id, as they give the same
/// rows; a comment or a file name does not change it.
pub fn run_id(exp: &Experiment) -> String {
    let mut text = format!("fission {}\n", env!("CARGO_PKG_VERSION"));
    for arm in &exp.arms {
        text.push_str(&toml::to_string(&arm.loaded.scenario).unwrap_or_default());
    }
    hex(fnv1a(text.as_bytes()))
}

/// The identity values of `arm` under [`id_header`].
fn arm_id(exp: &Experiment, run: &str, arm: &Arm) -> Vec<String> {
    let mut id = vec![run.to_string(), arm.variant.clone()];
    if !exp.axes.is_empty() {
        id.push(arm.point.map_or(String::new(), |p| p.to_string()));
        for key in &exp.axes {
            let v = arm.params.iter().find(|(k, _)| k == key).map(|(_, v)| v);
            id.push(match v {
                Some(toml::Value::String(s)) => s.clone(),
                Some(toml::Value::Integer(i)) => i.to_string(),
                Some(toml::Value::Float(f)) => number(Some(*f)),
                Some(other) => other.to_string(),
                None => String::new(),
            });
        }
    }
    id
}

/// The manifest: what ran, how it was configured, why it stopped, and which files it wrote.
#[expect(
    clippy::too_many_arguments,
    reason = "one call site; the pieces are unrelated"
)]
fn manifest(
    exp: &Experiment,
    run: &str,
    setups: &[Setup],
    options: &RunOptions,
    resolved: &str,
    stopped: &str,
    replicates: u64,
    [build, simulate]: [f64; 2],
    rows: &[Comparison],
    named: bool,
) -> Manifest {
    let s = setups[0].scenario();
    let arms = exp
        .arms
        .iter()
        .zip(setups)
        .enumerate()
        .map(|(i, (a, setup))| ArmEntry {
            label: a.label(),
            variant: a.variant.clone(),
            point: a.point,
            params: a
                .params
                .iter()
                .map(|(k, v)| (k.clone(), v.to_string()))
                .collect(),
            baseline: exp.baseline_of(i).map(|b| exp.arms[b].label()),
            compliance_flags: crate::scenario::compliance_flags(setup.scenario()),
        })
        .collect();
    let variant_overrides = exp
        .variants
        .iter()
        .zip(&exp.overrides)
        .map(|(v, o)| (v.clone(), toml::to_string(o).unwrap_or_default()))
        .collect();
    let mut files = ALWAYS_WRITTEN.to_vec();
    if !options.limits.no_daily {
        files.insert(0, "daily.csv");
    }
    if named {
        files.push("member_ids.csv");
    }
    if exp.design.is_some() {
        files.push("sensitivity.csv");
    }
    if exp.optimize.is_some() {
        files.push("optimize.csv");
    }
    Manifest {
        tool: "fission".into(),
        version: env!("CARGO_PKG_VERSION").into(),
        name: s.name.clone(),
        question: s.description.clone(),
        run_id: run.to_string(),
        currency: s.product.currency.clone(),
        command: options.command.clone(),
        scenario_file: exp.path.display().to_string(),
        sets: exp.sets.clone(),
        seed: s.seed,
        days: s.days,
        replicates,
        replicate_policy: if exp.adaptive.is_some() {
            "adaptive"
        } else {
            "fixed"
        }
        .into(),
        stopped: stopped.into(),
        variants: exp.variants.clone(),
        variant_overrides,
        baseline: exp.compare.baseline.clone(),
        objective: exp.compare.objective.clone(),
        compared_metrics: exp.compare.metrics.clone(),
        axes: exp.axes.clone(),
        arms,
        comparisons: rows.len(),
        scenario_hash: hex(fnv1a(resolved.as_bytes())),
        graph: serde_json::to_value(GraphStats::of(setups[0].graph()))
            .unwrap_or(serde_json::Value::Null),
        graph_resampled_per_replicate: s.graph.resample,
        compliance_flags: setups
            .iter()
            .flat_map(|x| crate::scenario::compliance_flags(x.scenario()))
            .collect(),
        threads: options.limits.threads,
        timings_seconds: Timings { build, simulate },
        files: files.into_iter().map(String::from).collect(),
    }
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

/// `member_ids.csv`: the dense member number of each name in the edge-list file.
fn member_ids(path: &Path, graph: &crate::graph::SocialGraph) -> Result<()> {
    let mut w = csv::Writer::from_path(path)
        .map_err(|e| Error::io("write", path, std::io::Error::other(e.to_string())))?;
    let io = |e: csv::Error| Error::io("write", path, std::io::Error::other(e.to_string()));
    w.write_record(["member", "id"]).map_err(io)?;
    for u in 0..graph.node_count() {
        w.write_record([u.to_string(), graph.file_id(u)])
            .map_err(io)?;
    }
    w.flush().map_err(|e| Error::io("write", path, e))
}

fn write(path: &Path, text: &str) -> Result<()> {
    std::fs::write(path, text).map_err(|e| Error::io("write", path, e))
}
