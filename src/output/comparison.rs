//! `comparison.csv` (every arm against its baseline, metric by metric, paired),
//! `explain.csv` (why: each arm's Δnet by term and Δcustomers by channel), `risk.csv` (each
//! arm's risk of a loss) and `ranking.csv` (every arm by the objective).

use std::path::Path;

use crate::error::{Error, Result};
use crate::experiment::Experiment;
use crate::experiment::compare::Comparison;
use crate::experiment::explain::{Risk, Term};
use crate::experiment::sensitivity::Row;
use crate::metrics::Summary;
use crate::metrics::catalog;
use crate::output::tables::number;

fn csv_error(path: &Path, e: &csv::Error) -> Error {
    Error::io("write", path, std::io::Error::other(e.to_string()))
}

/// Writes `comparison.csv`; `ids[arm]` are the arm's identity columns under `id_header`.
///
/// # Errors
/// [`Error::Io`] if writing fails.
pub fn write_comparison(
    path: &Path,
    experiment: &Experiment,
    id_header: &[String],
    ids: &[Vec<String>],
    rows: &[Comparison],
) -> Result<()> {
    let mut w = csv::Writer::from_path(path).map_err(|e| csv_error(path, &e))?;
    let mut header = id_header.to_vec();
    header.extend(
        [
            "baseline",
            "metric",
            "better",
            "n",
            "mean_variant",
            "mean_baseline",
            "diff",
            "diff_ci95_low",
            "diff_ci95_high",
            "unpaired_ci95_low",
            "unpaired_ci95_high",
            "relative_change",
            "p_better",
        ]
        .map(String::from),
    );
    w.write_record(header).map_err(|e| csv_error(path, &e))?;
    for r in rows {
        let mut rec = ids[r.arm].clone();
        rec.push(experiment.arms[r.baseline].label());
        rec.push(r.metric.clone());
        rec.push(experiment.compare.better(&r.metric).name().into());
        match &r.paired {
            Some(p) => {
                rec.push(p.n.to_string());
                rec.extend(
                    [
                        Some(p.mean_variant),
                        Some(p.mean_baseline),
                        Some(p.diff),
                        Some(p.diff_low),
                        Some(p.diff_high),
                        Some(p.unpaired_low),
                        Some(p.unpaired_high),
                        p.relative,
                        Some(p.p_better),
                    ]
                    .map(number),
                );
            }
            None => {
                rec.extend(std::iter::once("0".into()).chain(std::iter::repeat_n(String::new(), 9)))
            }
        }
        w.write_record(rec).map_err(|e| csv_error(path, &e))?;
    }
    w.flush().map_err(|e| Error::io("write", path, e))
}

/// Writes `ranking.csv`: every arm by its mean objective, best first (ties in arm order), or in
/// `order` when given (a successive-halving race's standings), with its 95% interval and the
/// paired difference against its baseline.
///
/// # Errors
/// [`Error::Io`] if writing fails.
pub fn write_ranking(
    path: &Path,
    experiment: &Experiment,
    id_header: &[String],
    ids: &[Vec<String>],
    objective: &[Option<Summary>],
    rows: &[Comparison],
    order: Option<&[usize]>,
) -> Result<()> {
    let metric = &experiment.compare.objective;
    let lower = experiment.compare.lower_is_better(metric);
    let key =
        |a: usize| objective[a].map_or(f64::NEG_INFINITY, |s| if lower { -s.mean } else { s.mean });
    let order: Vec<usize> = match order {
        Some(o) => o.to_vec(),
        None => {
            let mut o: Vec<usize> = (0..ids.len()).collect();
            o.sort_by(|&a, &b| key(b).total_cmp(&key(a)).then(a.cmp(&b)));
            o
        }
    };
    let mut w = csv::Writer::from_path(path).map_err(|e| csv_error(path, &e))?;
    let mut header = vec!["rank".to_string()];
    header.extend(id_header.iter().cloned());
    header.extend(
        [
            "objective",
            "mean",
            "ci95_low",
            "ci95_high",
            "baseline",
            "diff",
            "diff_ci95_low",
            "diff_ci95_high",
            "p_better",
        ]
        .map(String::from),
    );
    w.write_record(header).map_err(|e| csv_error(path, &e))?;
    for (rank, &a) in order.iter().enumerate() {
        let mut rec = vec![(rank + 1).to_string()];
        rec.extend(ids[a].iter().cloned());
        rec.push(metric.clone());
        let s = objective[a];
        rec.extend(
            [
                s.map(|s| s.mean),
                s.map(|s| s.ci95_low),
                s.map(|s| s.ci95_high),
            ]
            .map(number),
        );
        let c = rows.iter().find(|r| r.arm == a && &r.metric == metric);
        rec.push(c.map_or(String::new(), |c| experiment.arms[c.baseline].label()));
        let p = c.and_then(|c| c.paired);
        rec.extend(
            [
                p.map(|p| p.diff),
                p.map(|p| p.diff_low),
                p.map(|p| p.diff_high),
                p.map(|p| p.p_better),
            ]
            .map(number),
        );
        w.write_record(rec).map_err(|e| csv_error(path, &e))?;
    }
    w.flush().map_err(|e| Error::io("write", path, e))
}

/// Writes `explain.csv`: each non-baseline arm's paired Δnet by term and Δcustomers by channel.
///
/// # Errors
/// [`Error::Io`] if writing fails.
pub fn write_explain(
    path: &Path,
    experiment: &Experiment,
    id_header: &[String],
    ids: &[Vec<String>],
    rows: &[Term],
) -> Result<()> {
    let mut w = csv::Writer::from_path(path).map_err(|e| csv_error(path, &e))?;
    let mut header = id_header.to_vec();
    header.extend(
        [
            "baseline",
            "part",
            "term",
            "sign",
            "n",
            "total",
            "mean",
            "ci95_low",
            "ci95_high",
        ]
        .map(String::from),
    );
    w.write_record(header).map_err(|e| csv_error(path, &e))?;
    for t in rows {
        let mut rec = ids[t.arm].clone();
        rec.push(experiment.arms[t.baseline].label());
        rec.push(t.part.into());
        rec.push(t.metric.clone());
        rec.push(t.sign.to_string());
        rec.push(t.n.to_string());
        // Totals of whole cents (or counts) are whole numbers: written exactly.
        rec.push(format!("{}", t.total as i64));
        rec.extend([t.mean, t.low, t.high].map(|x| number(Some(x))));
        w.write_record(rec).map_err(|e| csv_error(path, &e))?;
    }
    w.flush().map_err(|e| Error::io("write", path, e))
}

/// Writes `risk.csv`: every arm's risk figures ([`catalog::RISK`]) against `roi_target`.
///
/// # Errors
/// [`Error::Io`] if writing fails.
pub fn write_risk(
    path: &Path,
    id_header: &[String],
    ids: &[Vec<String>],
    risks: &[Option<Risk>],
    roi_target: f64,
) -> Result<()> {
    let mut w = csv::Writer::from_path(path).map_err(|e| csv_error(path, &e))?;
    let mut header = id_header.to_vec();
    header.extend(["n".to_string(), "roi_target".to_string()]);
    header.extend(catalog::RISK.iter().map(|m| m.name.to_string()));
    w.write_record(header).map_err(|e| csv_error(path, &e))?;
    for (id, r) in ids.iter().zip(risks) {
        let mut rec = id.clone();
        rec.push(r.map_or(0, |r| r.n).to_string());
        rec.push(number(Some(roi_target)));
        rec.extend(
            [
                r.map(|r| r.p_net_negative),
                r.map(|r| r.expected_loss),
                r.map(|r| r.net_p05),
                r.and_then(|r| r.p_roi_below),
            ]
            .map(number),
        );
        w.write_record(rec).map_err(|e| csv_error(path, &e))?;
    }
    w.flush().map_err(|e| Error::io("write", path, e))
}

/// Writes `sensitivity.csv`: every index of a random, Latin-hypercube, Sobol or Morris sweep
/// (`target` = a variant, or `variant − baseline` for the paired difference).
///
/// # Errors
/// [`Error::Io`] if writing fails.
pub fn write_sensitivity(path: &Path, experiment: &Experiment, rows: &[Row]) -> Result<()> {
    let mut w = csv::Writer::from_path(path).map_err(|e| csv_error(path, &e))?;
    w.write_record([
        "target",
        "metric",
        "param",
        "index",
        "value",
        "ci95_low",
        "ci95_high",
    ])
    .map_err(|e| csv_error(path, &e))?;
    for r in rows {
        let (lo, hi) = r.index.interval.unzip();
        let mut rec = vec![
            r.target.clone(),
            r.metric.clone(),
            experiment.axes[r.index.param].clone(),
            r.index.name.to_string(),
        ];
        // A degenerate bootstrap (every resample undefined) leaves the cell empty.
        rec.extend([Some(r.index.value), lo, hi].map(|x| number(x.filter(|v| v.is_finite()))));
        w.write_record(rec).map_err(|e| csv_error(path, &e))?;
    }
    w.flush().map_err(|e| Error::io("write", path, e))
}

/// Writes `optimize.csv`: every candidate of a successive-halving race, best first (see
/// [`crate::experiment::optimize::standings`]), with the paired comparison of the best with the
/// runner-up on the first row.
///
/// # Errors
/// [`Error::Io`] if writing fails.
pub fn write_optimize(
    path: &Path,
    experiment: &Experiment,
    id_header: &[String],
    ids: &[Vec<String>],
    standings: &[crate::experiment::optimize::Standing],
    best_vs_runner_up: Option<crate::experiment::compare::Paired>,
) -> Result<()> {
    let mut w = csv::Writer::from_path(path).map_err(|e| csv_error(path, &e))?;
    let mut header = vec!["rank".to_string()];
    header.extend(id_header.iter().cloned());
    header.extend(
        [
            "replicates",
            "objective",
            "mean",
            "ci95_low",
            "ci95_high",
            "constraint",
            "constraint_mean",
            "feasible",
            "diff_vs_runner_up",
            "diff_ci95_low",
            "diff_ci95_high",
            "p_better_than_runner_up",
        ]
        .map(String::from),
    );
    w.write_record(header).map_err(|e| csv_error(path, &e))?;
    let constraint = experiment
        .optimize
        .as_ref()
        .and_then(|o| o.constraint.as_ref())
        .map_or(String::new(), |c| {
            format!("{} <= {}", c.metric, number(Some(c.max)))
        });
    for (rank, s) in standings.iter().enumerate() {
        let mut rec = vec![(rank + 1).to_string()];
        rec.extend(ids[s.arm].iter().cloned());
        rec.push(s.n.to_string());
        rec.push(experiment.compare.objective.clone());
        rec.extend([Some(s.mean), Some(s.low), Some(s.high)].map(number));
        rec.push(constraint.clone());
        rec.push(number(s.constraint));
        rec.push(s.feasible.to_string());
        let p = best_vs_runner_up.filter(|_| rank == 0);
        rec.extend(
            [
                p.map(|p| p.diff),
                p.map(|p| p.diff_low),
                p.map(|p| p.diff_high),
                p.map(|p| p.p_better),
            ]
            .map(number),
        );
        w.write_record(rec).map_err(|e| csv_error(path, &e))?;
    }
    w.flush().map_err(|e| Error::io("write", path, e))
}
