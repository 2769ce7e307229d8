//! Every chart of an output folder, drawn from its CSVs and manifest alone (`fission plot DIR`
//! and the end of `fission run` use this same code).

use std::path::Path;

use super::bars::{Bar, Forest, ForestRow, Panel, Panels};
use super::growth::{Lines, Series};
use super::heatmap::{Heatmap, Scatter};
use super::read::Csv;
use super::tornado::{Tornado, Tornadoes};
use super::waterfall::{Fall, Waterfalls};
use super::{Axis, save};
use crate::error::{Error, Result};
use crate::metrics::Formatter;
use crate::metrics::catalog::{self, Unit};
use crate::output::manifest::Manifest;

/// The funnel steps: (label, `runs.csv` metric).
const FUNNEL: [(&str, &str); 4] = [
    ("reached", catalog::REACHED.name),
    ("customers", catalog::CUSTOMERS.name),
    ("repeat customers", catalog::REPEAT_CUSTOMERS.name),
    ("referrers", catalog::REFERRERS.name),
];

/// Most arms drawn in one line chart (more would be unreadable).
const MAX_LINES: usize = 12;

/// Draws every chart of the output folder `dir` into `dir/plots/` (SVG and PNG).
///
/// # Errors
/// [`Error::Input`] if `dir` is not a fission output folder; [`Error::Io`] if a chart cannot
/// be written.
pub fn redraw(dir: &Path) -> Result<()> {
    let manifest = Manifest::read(dir)?;
    let name = manifest.name.as_str();
    let objective = manifest.objective.as_str();
    let fmt = Formatter::new(&manifest.currency);
    let day_axis = Axis {
        integral: true,
        ..Axis::new(Unit::Days, &fmt)
    };
    let plots = dir.join("plots");
    std::fs::create_dir_all(&plots).map_err(|e| Error::io("create", &plots, e))?;
    let summary = Csv::read(&dir.join("summary.csv"))?;
    let curves = Csv::read(&dir.join("curves.csv"))?;
    let mut arms: Vec<String> = Vec::new();
    let mut titles: Vec<String> = Vec::new();
    for row in &summary.rows {
        let a = summary.arm(row);
        if !arms.contains(&a) {
            arms.push(a);
            titles.push(summary.title(row));
        }
    }
    let title_of = |a: &str| {
        arms.iter()
            .position(|x| x == a)
            .map_or(a.to_string(), |i| titles[i].clone())
    };
    if arms.is_empty() {
        return Err(Error::Input(format!(
            "`{}` has no rows, so there is nothing to draw; run `fission run` again into this \
             folder",
            dir.join("summary.csv").display()
        )));
    }
    let arm_index = |a: &str| arms.iter().position(|x| x == a).unwrap_or(0);
    let stat = |arm: &str, metric: &str| {
        summary
            .rows
            .iter()
            .find(|r| summary.arm(r) == arm && summary.get(r, "metric") == metric)
            .and_then(|r| {
                Some((
                    summary.num(r, "mean")?,
                    summary.num(r, "ci95_low")?,
                    summary.num(r, "ci95_high")?,
                ))
            })
    };
    let curve = |arm: &str, series: &str| -> Vec<(f64, f64, f64, f64)> {
        curves
            .rows
            .iter()
            .filter(|r| curves.arm(r) == arm && curves.get(r, "series") == series)
            .filter_map(|r| {
                Some((
                    curves.num(r, "day")?,
                    curves.num(r, "mean")?,
                    curves.num(r, "p05")?,
                    curves.num(r, "p95")?,
                ))
            })
            .collect()
    };

    // Growth curves: the stages of a single arm, or customers of every arm.
    let series: Vec<Series> = if arms.len() == 1 {
        ["customers", "active", "churned"]
            .iter()
            .enumerate()
            .map(|(i, s)| Series {
                label: (*s).into(),
                colour: i,
                points: curve(&arms[0], s),
            })
            .collect()
    } else {
        arms.iter()
            .take(MAX_LINES)
            .enumerate()
            .map(|(i, a)| Series {
                label: title_of(a),
                colour: i,
                points: curve(a, "customers"),
            })
            .collect()
    };
    let title = if arms.len() == 1 {
        format!("{name} — members by stage")
    } else {
        format!("{name} — customers by variant")
    };
    save(
        &plots.join("growth"),
        &Lines {
            title,
            x_label: "day".into(),
            x_axis: day_axis.clone(),
            y_label: "members".into(),
            y_axis: Axis::new(Unit::Count, &fmt),
            band: "p5–p95",
            series,
        },
    )?;

    // Cumulative GMV against cumulative marketing cost (first arm).
    let money = [
        ("cumulative GMV", "cumulative_gmv_cents"),
        ("cumulative marketing cost", "cumulative_marketing_cents"),
    ]
    .iter()
    .enumerate()
    .map(|(i, (label, s))| Series {
        label: (*label).into(),
        colour: i,
        points: curve(&arms[0], s),
    })
    .collect();
    save(
        &plots.join("gmv_vs_spend"),
        &Lines {
            title: format!("{name} — cumulative GMV vs marketing cost ({})", arms[0]),
            x_label: "day".into(),
            x_axis: day_axis.clone(),
            y_label: "money".into(),
            y_axis: Axis::new(Unit::Cents, &fmt),
            band: "p5–p95",
            series: money,
        },
    )?;

    // Funnel: one panel per step, one bar per arm.
    let panels = |metrics: &[(&str, &str)], intervals: bool| -> Vec<Panel> {
        metrics
            .iter()
            .map(|(label, metric)| Panel {
                title: (*label).to_string(),
                axis: Axis::of(metric, &fmt),
                bars: arms
                    .iter()
                    .take(MAX_LINES)
                    .enumerate()
                    .filter_map(|(i, a)| {
                        let (m, l, h) = stat(a, metric)?;
                        Some(Bar {
                            label: title_of(a),
                            colour: i,
                            value: m,
                            interval: intervals.then_some((l, h)),
                        })
                    })
                    .collect(),
            })
            .collect()
    };
    save(
        &plots.join("funnel"),
        &Panels {
            title: format!("{name} — funnel (mean members per run)"),
            panels: panels(&FUNNEL, false),
            shared_axis: true,
        },
    )?;
    if arms.len() > 1 {
        let compared = &manifest.compared_metrics;
        let kpis: Vec<(&str, &str)> = compared
            .iter()
            .take(8)
            .map(|m| (m.as_str(), m.as_str()))
            .collect();
        save(
            &plots.join("kpis"),
            &Panels {
                title: format!("{name} — KPIs by variant (mean, 95% interval)"),
                panels: panels(&kpis, true),
                shared_axis: false,
            },
        )?;
    }

    // Forest plot of the paired differences on the objective.
    let comparison = Csv::read(&dir.join("comparison.csv"))?;
    let rows: Vec<ForestRow> = comparison
        .rows
        .iter()
        .filter(|r| comparison.get(r, "metric") == objective)
        .take(30)
        .filter_map(|r| {
            let a = comparison.arm(r);
            Some(ForestRow {
                colour: arm_index(&a),
                diff: comparison.num(r, "diff")?,
                paired: (
                    comparison.num(r, "diff_ci95_low")?,
                    comparison.num(r, "diff_ci95_high")?,
                ),
                unpaired: (
                    comparison.num(r, "unpaired_ci95_low")?,
                    comparison.num(r, "unpaired_ci95_high")?,
                ),
                label: format!(
                    "{} − {}",
                    title_of(&a),
                    title_of(comparison.get(r, "baseline"))
                ),
            })
        })
        .collect();
    if !rows.is_empty() {
        save(
            &plots.join("forest"),
            &Forest {
                title: format!("{name} — paired difference in {objective} vs baseline"),
                x_label: format!("{objective} difference (variant − baseline)"),
                axis: Axis::of(objective, &fmt),
                rows,
            },
        )?;
    }

    // Why each arm differs: its Δnet by term (explain.csv; absent in folders of older versions).
    let explain_path = dir.join("explain.csv");
    if explain_path.exists() {
        let explain = Csv::read(&explain_path)?;
        let mut falls: Vec<(String, Fall)> = Vec::new();
        for r in &explain.rows {
            let term = explain.get(r, "term");
            let Some(label) = catalog::NET_TERMS
                .iter()
                .find(|t| t.0.name == term)
                .map(|t| t.2)
            else {
                continue; // net_cents itself, or a channel
            };
            let a = explain.arm(r);
            if !falls.iter().any(|f| f.0 == a) {
                let title = format!(
                    "{} − {}",
                    title_of(&a),
                    title_of(explain.get(r, "baseline"))
                );
                falls.push((
                    a.clone(),
                    Fall {
                        title,
                        steps: Vec::new(),
                    },
                ));
            }
            if let (Some(f), Some(mean)) =
                (falls.iter_mut().find(|f| f.0 == a), explain.num(r, "mean"))
            {
                f.1.steps.push((label.to_string(), mean));
            }
        }
        // An arm that differs in nothing (a never-triggered variant) has nothing to draw.
        falls.retain(|f| f.1.steps.iter().any(|s| s.1 != 0.0));
        falls.truncate(6);
        if !falls.is_empty() {
            save(
                &plots.join("waterfall"),
                &Waterfalls {
                    title: format!("{name} — why net differs: paired difference by term (mean)"),
                    axis: Axis::new(Unit::Cents, &fmt),
                    falls: falls.into_iter().map(|f| f.1).collect(),
                },
            )?;
        }
    }

    // Sensitivity: which assumptions move the objective (ST for Sobol, μ* for Morris, PRCC).
    let sensitivity_path = dir.join("sensitivity.csv");
    if sensitivity_path.exists() {
        let sens = Csv::read(&sensitivity_path)?;
        let mut panels: Vec<Tornado> = Vec::new();
        for r in &sens.rows {
            let index = sens.get(r, "index");
            if sens.get(r, "metric") != objective || !matches!(index, "ST" | "mu_star" | "prcc") {
                continue;
            }
            let title = format!("{}: {index} of {objective}", sens.get(r, "target"));
            let Some(value) = sens.num(r, "value") else {
                continue;
            };
            let interval = sens.num(r, "ci95_low").zip(sens.num(r, "ci95_high"));
            let bar = (sens.get(r, "param").to_string(), value, interval);
            if let Some(p) = panels.iter_mut().find(|p| p.title == title) {
                p.bars.push(bar);
            } else if panels.len() < 6 {
                panels.push(Tornado {
                    title,
                    bars: vec![bar],
                });
            }
        }
        if !panels.is_empty() {
            save(
                &plots.join("tornado"),
                &Tornadoes {
                    title: format!("{name} — which assumptions move {objective}"),
                    panels,
                },
            )?;
        }
    }

    // Sweep response: one axis → curves; two axes → a heatmap per variant.
    let axes: Vec<String> = summary
        .header()
        .iter()
        .filter_map(|h| h.strip_prefix("param.").map(String::from))
        .collect();
    let mut variants: Vec<String> = Vec::new();
    for r in &summary.rows {
        let v = summary.get(r, "variant").to_string();
        if !variants.contains(&v) {
            variants.push(v);
        }
    }
    let objective_rows = || {
        summary
            .rows
            .iter()
            .filter(|r| summary.get(r, "metric") == objective)
    };
    if axes.len() == 1 {
        let key = format!("param.{}", axes[0]);
        let series = variants
            .iter()
            .enumerate()
            .map(|(i, v)| {
                let mut points: Vec<(f64, f64, f64, f64)> = objective_rows()
                    .filter(|r| summary.get(r, "variant") == v)
                    .filter_map(|r| {
                        Some((
                            summary.num(r, &key)?,
                            summary.num(r, "mean")?,
                            summary.num(r, "ci95_low")?,
                            summary.num(r, "ci95_high")?,
                        ))
                    })
                    .collect();
                points.sort_by(|a, b| a.0.total_cmp(&b.0));
                Series {
                    label: v.clone(),
                    colour: i,
                    points,
                }
            })
            .filter(|s| !s.points.is_empty())
            .collect::<Vec<_>>();
        let xs = || series.iter().flat_map(|s| &s.points).map(|p| p.0);
        let (lo, hi) = (
            xs().fold(f64::INFINITY, f64::min),
            xs().fold(f64::NEG_INFINITY, f64::max),
        );
        // A range spanning more than a decade is drawn on a log axis.
        let log = lo > 0.0 && hi / lo > 10.0;
        let integral = xs().all(|x| x.fract() == 0.0);
        let series: Vec<Series> = if log {
            series
                .into_iter()
                .map(|s| Series {
                    points: s
                        .points
                        .iter()
                        .map(|p| (p.0.log10(), p.1, p.2, p.3))
                        .collect(),
                    ..s
                })
                .collect()
        } else {
            series
        };
        if !series.is_empty() {
            save(
                &plots.join("sweep"),
                &Lines {
                    title: format!("{name} — {objective} by {}", axes[0]),
                    x_label: if log {
                        format!("{} (log scale)", axes[0])
                    } else {
                        axes[0].clone()
                    },
                    x_axis: Axis {
                        integral: integral && !log,
                        log,
                        ..Axis::new(Unit::Ratio, &fmt)
                    },
                    y_label: objective.into(),
                    y_axis: Axis::of(objective, &fmt),
                    band: "95% interval",
                    series,
                },
            )?;
        }
    } else if axes.len() == 2 {
        let (kx, ky) = (format!("param.{}", axes[0]), format!("param.{}", axes[1]));
        for v in &variants {
            let cells: Vec<(String, String, f64)> = objective_rows()
                .filter(|r| summary.get(r, "variant") == v)
                .filter_map(|r| {
                    Some((
                        summary.get(r, &kx).to_string(),
                        summary.get(r, &ky).to_string(),
                        summary.num(r, "mean")?,
                    ))
                })
                .collect();
            let sorted = |i: usize| {
                let mut vals: Vec<String> = Vec::new();
                for c in &cells {
                    let s = if i == 0 { &c.0 } else { &c.1 };
                    if !vals.contains(s) {
                        vals.push(s.clone());
                    }
                }
                vals.sort_by(|a, b| match (a.parse::<f64>(), b.parse::<f64>()) {
                    (Ok(x), Ok(y)) => x.total_cmp(&y),
                    _ => a.cmp(b),
                });
                vals
            };
            let (xs, ys) = (sorted(0), sorted(1));
            if xs.len() * ys.len() > 2 * cells.len() {
                // Not a grid (random or Latin-hypercube points): a scatter, not a sparse heatmap.
                let points = cells
                    .iter()
                    .filter_map(|c| Some((c.0.parse().ok()?, c.1.parse().ok()?, c.2)))
                    .collect();
                save(
                    &plots.join(format!("heatmap_{v}")),
                    &Scatter {
                        title: format!("{name} — mean {objective}, variant {v}"),
                        keys: (axes[0].clone(), axes[1].clone()),
                        points,
                        value: Axis::of(objective, &fmt),
                    },
                )?;
                continue;
            }
            let grid = ys
                .iter()
                .map(|y| {
                    xs.iter()
                        .map(|x| {
                            // The mean over sweep points that share this cell (random/lhs can repeat).
                            let hits: Vec<f64> = cells
                                .iter()
                                .filter(|c| &c.0 == x && &c.1 == y)
                                .map(|c| c.2)
                                .collect();
                            (!hits.is_empty()).then(|| hits.iter().sum::<f64>() / hits.len() as f64)
                        })
                        .collect()
                })
                .collect();
            save(
                &plots.join(format!("heatmap_{v}")),
                &Heatmap {
                    title: format!("{name} — mean {objective}, variant {v}"),
                    x: (axes[0].clone(), xs),
                    y: (axes[1].clone(), ys),
                    cells: grid,
                    value: Axis::of(objective, &fmt),
                },
            )?;
        }
    }
    Ok(())
}
