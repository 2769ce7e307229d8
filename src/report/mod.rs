//! The one-page report beside the outputs: `report.md`, and `report.html` with the SVG charts
//! inlined (one self-contained file to mail around). Both are built from the same blocks, drawn
//! from the folder's CSVs and manifest alone.

mod document;

use std::path::Path;

use crate::error::{Error, Result};
use crate::metrics::Formatter;
use crate::metrics::catalog::{self, Unit};
use crate::output::manifest::Manifest;
use crate::plot::read::Csv;
use document::Block;

/// Charts in the order the report shows them, with a caption.
const CHARTS: [(&str, &str); 9] = [
    (
        "growth",
        "Growth curves (mean line, p5–p95 band over replicates).",
    ),
    ("kpis", "Key metrics by variant (mean, 95% interval)."),
    (
        "forest",
        "Paired difference of the objective against the baseline: thick = paired 95% interval (common random numbers), thin = unpaired.",
    ),
    (
        "sweep",
        "Objective along the swept value (mean, 95% interval).",
    ),
    (
        "funnel",
        "Funnel: members reached, customers, repeat customers, referrers (mean per run).",
    ),
    (
        "gmv_vs_spend",
        "Cumulative GMV against cumulative marketing cost (ads, KOL fees, incentives, discounts).",
    ),
    (
        "heatmap",
        "Objective over the two swept values, per variant.",
    ),
    (
        "tornado",
        "Sensitivity: how much each assumption moves the objective (Sobol total index ST, Morris μ*, or partial rank correlation), with 95% intervals.",
    ),
    (
        "waterfall",
        "Why net differs: each arm's paired Δnet from its terms (green raises net, red lowers it; blue is Δnet).",
    ),
];

/// Writes `report.md` and `report.html` into the output folder `dir` (after its plots).
///
/// # Errors
/// [`Error::Input`] if `dir` is not a fission output folder; [`Error::Io`] if writing fails.
pub fn write(dir: &Path) -> Result<()> {
    let blocks = blocks(dir)?;
    let md = document::markdown(&blocks);
    let html = document::html(&blocks, dir);
    let path = dir.join("report.md");
    std::fs::write(&path, md).map_err(|e| Error::io("write", &path, e))?;
    let path = dir.join("report.html");
    std::fs::write(&path, html).map_err(|e| Error::io("write", &path, e))
}

fn blocks(dir: &Path) -> Result<Vec<Block>> {
    let m = Manifest::read(dir)?;
    let objective = m.objective.clone();
    let mut b = vec![Block::Heading(1, format!("{} — fission report", m.name))];
    let question = &m.question;
    b.push(Block::Para(if question.is_empty() {
        "Question: (the scenario has no `description`; add one to state the question here.)".into()
    } else {
        format!("Question: {question}")
    }));
    b.push(Block::Heading(2, "Reproduce".into()));
    b.push(Block::Code(format!(
        "{}\n# seed {}, fission {}, scenario hash {}",
        m.command, m.seed, m.version, m.scenario_hash
    )));
    b.push(Block::Para(format!(
        "{} replicates per arm, {} days; replicates: {}. Every arm uses the same graph and random \
         draws for replicate r (common random numbers), so differences are paired.",
        m.replicates, m.days, m.stopped
    )));
    if m.replicates < 2 {
        b.push(Block::Para(
            "WARNING: one replicate per arm. A single run says nothing about how much results \
             vary, so there are no intervals, no paired differences and no P(better); the means \
             below are single draws. Rerun with `--replicates 30` or more before deciding \
             anything."
                .into(),
        ));
    }

    let variants = &m.variants;
    b.push(Block::Heading(2, "Variants".into()));
    let overrides = &m.variant_overrides;
    b.push(Block::Table(
        vec!["variant".into(), "changes from the base".into()],
        variants
            .iter()
            .map(|v| {
                let o = overrides
                    .get(v)
                    .map_or(String::new(), |t| readable_changes(t));
                vec![
                    v.clone(),
                    if o.is_empty() {
                        "(the base scenario)".into()
                    } else {
                        o
                    },
                ]
            })
            .collect(),
    ));
    if !m.axes.is_empty() {
        b.push(Block::Para(format!(
            "Swept: {} ({} arms in all; `param.<key>` columns in the tables).",
            m.axes.join(", "),
            m.arms.len()
        )));
    }

    let f = Formatter::new(&m.currency);
    let summary = Csv::read(&dir.join("summary.csv"))?;
    key_results(&mut b, &summary, &f);
    budgets(&mut b, &summary, m.replicates);
    let unit = Formatter::unit_of(&objective).unwrap_or(Unit::Ratio);
    let ranking = Csv::read(&dir.join("ranking.csv"))?;
    let comparison = Csv::read(&dir.join("comparison.csv"))?;
    b.push(Block::Heading(2, format!("Ranking by {objective}")));
    // Every arm's title by its id, built once (a sweep may rank thousands of arms).
    let titles: std::collections::HashMap<String, String> = ranking
        .rows
        .iter()
        .map(|r| (ranking.arm(r), ranking.title(r)))
        .collect();
    let title_of = |id: &str| titles.get(id).cloned().unwrap_or_else(|| id.to_string());
    let mut rows = Vec::new();
    for r in &ranking.rows {
        let arm = ranking.arm(r);
        let title = ranking.title(r);
        let unpaired = comparison
            .rows
            .iter()
            .find(|c| comparison.arm(c) == arm && comparison.get(c, "metric") == objective)
            .map_or(String::new(), |c| {
                interval(
                    &comparison,
                    c,
                    "unpaired_ci95_low",
                    "unpaired_ci95_high",
                    &|x| f.difference(unit, x),
                )
            });
        rows.push(vec![
            ranking.get(r, "rank").into(),
            title,
            estimate(&ranking, r, "mean", "ci95_low", "ci95_high", &|x| {
                f.value(unit, x)
            }),
            match ranking.get(r, "baseline") {
                "" => String::new(),
                id => title_of(id),
            },
            estimate(
                &ranking,
                r,
                "diff",
                "diff_ci95_low",
                "diff_ci95_high",
                &|x| f.difference(unit, x),
            ),
            unpaired,
            probability(ranking.get(r, "p_better")),
        ]);
    }
    b.push(Block::Table(
        [
            "rank",
            "arm",
            "mean [95% CI]",
            "baseline",
            "paired difference [95% CI]",
            "unpaired 95% CI of the difference",
            "P(better)",
        ]
        .map(String::from)
        .to_vec(),
        rows,
    ));
    // What pairing buys, on the objective.
    let widths: Vec<(f64, f64)> = comparison
        .rows
        .iter()
        .filter(|c| comparison.get(c, "metric") == objective)
        .filter_map(|c| {
            let w = |lo: &str, hi: &str| Some(comparison.num(c, hi)? - comparison.num(c, lo)?);
            Some((
                w("diff_ci95_low", "diff_ci95_high")?,
                w("unpaired_ci95_low", "unpaired_ci95_high")?,
            ))
        })
        .collect();
    if !widths.is_empty() {
        let paired: f64 = widths.iter().map(|w| w.0).sum::<f64>() / widths.len() as f64;
        let unpaired: f64 = widths.iter().map(|w| w.1).sum::<f64>() / widths.len() as f64;
        let ratio = paired / unpaired.max(f64::MIN_POSITIVE);
        let widths = format!(
            "({} vs {})",
            f.value(unit, paired).trim_start_matches('-'),
            f.value(unit, unpaired).trim_start_matches('-')
        );
        b.push(Block::Para(if ratio < 0.995 {
            format!(
                "Paired vs unpaired: pairing narrowed the 95% interval of the difference in \
                 {objective} by {:.0}% on average {widths}, because both arms of a pair share the \
                 graph, the population and every random draw their rules do not change.",
                100.0 * (1.0 - ratio)
            )
        } else {
            format!(
                "Paired vs unpaired: pairing did not narrow the 95% interval of the difference in \
                 {objective} (the paired one is {:.0}% as wide on average {widths}): the arms' \
                 outcomes are not positively correlated across replicates here.",
                100.0 * ratio
            )
        }));
    }

    // Every compared metric, paired.
    if !comparison.rows.is_empty() {
        b.push(Block::Heading(
            2,
            "Paired differences on every compared metric".into(),
        ));
        b.push(Block::Table(
            [
                "arm",
                "metric",
                "baseline mean",
                "variant mean",
                "difference [95% CI]",
                "relative",
                "P(better)",
            ]
            .map(String::from)
            .to_vec(),
            comparison
                .rows
                .iter()
                .map(|c| {
                    let metric = comparison.get(c, "metric");
                    let unit = Formatter::unit_of(metric).unwrap_or(Unit::Ratio);
                    let value = |x: f64| f.value(unit, x);
                    vec![
                        comparison.title(c),
                        metric.into(),
                        comparison
                            .num(c, "mean_baseline")
                            .map_or(String::new(), value),
                        comparison
                            .num(c, "mean_variant")
                            .map_or(String::new(), value),
                        estimate(
                            &comparison,
                            c,
                            "diff",
                            "diff_ci95_low",
                            "diff_ci95_high",
                            &|x| f.difference(unit, x),
                        ),
                        comparison
                            .num(c, "relative_change")
                            .map_or(String::new(), |x| format!("{:+.1}%", 100.0 * x)),
                        probability(comparison.get(c, "p_better")),
                    ]
                })
                .collect(),
        ));
    }

    optimisation(&mut b, dir, &f, &objective, &m.stopped)?;
    explanation(&mut b, dir, &f)?;
    risk(&mut b, dir, &f)?;
    sensitivity(&mut b, dir, &objective)?;

    b.push(Block::Heading(2, "Compliance".into()));
    let flagged: Vec<String> = m
        .arms
        .iter()
        .filter(|a| !a.compliance_flags.is_empty())
        .map(|a| format!("{}: {}", a.label, a.compliance_flags.join("; ")))
        .collect();
    b.push(Block::Para(if flagged.is_empty() {
        "No compliance flags: no arm pays commission beyond the allowed levels.".into()
    } else {
        format!("FLAGGED — {}", flagged.join(" | "))
    }));

    b.push(Block::Heading(2, "Charts".into()));
    let mut charts: Vec<String> = Vec::new();
    if let Ok(entries) = std::fs::read_dir(dir.join("plots")) {
        for e in entries.flatten() {
            let name = e.file_name().to_string_lossy().into_owned();
            if let Some(stem) = name.strip_suffix(".svg") {
                charts.push(stem.to_string());
            }
        }
    }
    charts.sort();
    for (stem, caption) in CHARTS {
        for c in charts
            .iter()
            .filter(|c| *c == stem || (stem == "heatmap" && c.starts_with("heatmap_")))
        {
            b.push(Block::Image(format!("plots/{c}.svg"), caption.into()));
        }
    }
    b.push(Block::Para(
        "Files: runs.csv (one row per arm × replicate), summary.csv (mean, 95% interval and \
         percentiles per arm and metric), comparison.csv (paired differences), explain.csv \
         (Δnet by term, Δcustomers by channel), risk.csv, ranking.csv, curves.csv, daily.csv, manifest.json. `fission plot <folder>` redraws the charts and \
         this report from those files."
            .into(),
    ));
    Ok(b)
}

/// "Why the arms differ": each arm's paired Δnet by term and Δcustomers by channel, from
/// `explain.csv` (the first [`KEY_RESULT_ARMS`] arms; absent in folders of older versions).
fn explanation(b: &mut Vec<Block>, dir: &Path, f: &Formatter) -> Result<()> {
    let path = dir.join("explain.csv");
    if !path.exists() {
        return Ok(());
    }
    let explain = Csv::read(&path)?;
    let mut arms: Vec<String> = Vec::new();
    for r in &explain.rows {
        let a = explain.arm(r);
        if !arms.contains(&a) {
            arms.push(a);
        }
    }
    if arms.is_empty() {
        return Ok(());
    }
    b.push(Block::Heading(2, "Why the arms differ".into()));
    b.push(Block::Para(
        "Each arm's paired difference in net profit against its baseline, term by term \
         (net = list sales − discounts − cost of goods − ads − KOL fees − messages − cash \
         incentives; the terms add up to Δnet exactly in every replicate), and where its extra \
         customers came from. Mean over replicates with the paired 95% interval."
            .into(),
    ));
    for a in arms.iter().take(KEY_RESULT_ARMS) {
        let rows: Vec<&Vec<String>> = explain
            .rows
            .iter()
            .filter(|r| explain.arm(r) == *a)
            .collect();
        let Some(first) = rows.first() else { continue };
        b.push(Block::Heading(
            3,
            format!(
                "{} vs {}",
                explain.title(first),
                explain.get(first, "baseline")
            ),
        ));
        let table = rows
            .iter()
            .map(|r| {
                let term = explain.get(r, "term");
                let (label, unit) = match catalog::NET_TERMS.iter().find(|t| t.0.name == term) {
                    Some(t) => (format!("{} (`{term}`)", t.2), Unit::Cents),
                    None if term == catalog::NET.name => ("Δnet (`net_cents`)".into(), Unit::Cents),
                    None => (format!("customers (`{term}`)"), Unit::Count),
                };
                vec![
                    label,
                    estimate(&explain, r, "mean", "ci95_low", "ci95_high", &|x| {
                        f.difference(unit, x)
                    }),
                ]
            })
            .collect();
        b.push(Block::Table(
            vec!["term".into(), "contribution [95% CI]".into()],
            table,
        ));
    }
    Ok(())
}

/// "Optimisation": the race's best candidates from `optimize.csv` (successive halving only).
fn optimisation(
    b: &mut Vec<Block>,
    dir: &Path,
    f: &Formatter,
    objective: &str,
    stopped: &str,
) -> Result<()> {
    let path = dir.join("optimize.csv");
    if !path.exists() {
        return Ok(());
    }
    let opt = Csv::read(&path)?;
    let unit = Formatter::unit_of(objective).unwrap_or(Unit::Ratio);
    let params: Vec<String> = opt
        .header()
        .iter()
        .filter(|h| h.starts_with("param."))
        .cloned()
        .collect();
    let describe = |r: &[String]| {
        params
            .iter()
            .map(|p| format!("{} = {}", &p["param.".len()..], opt.get(r, p)))
            .collect::<Vec<_>>()
            .join(", ")
    };
    b.push(Block::Heading(2, "Optimisation".into()));
    if let Some(best) = opt.rows.first() {
        let mut text = format!(
            "Best candidate: {} — {objective} {} ({} replicates). Replicates: {stopped}.",
            describe(best),
            estimate(&opt, best, "mean", "ci95_low", "ci95_high", &|x| f
                .value(unit, x)),
            opt.get(best, "replicates"),
        );
        if let Some(second) = opt.rows.get(1) {
            text.push_str(&format!(
                " Runner-up: {} ({}); the best is ahead by {} (paired over their common \
                 replicates), P(best is truly better) = {}.",
                describe(second),
                opt.num(second, "mean")
                    .map_or(String::new(), |x| f.value(unit, x)),
                estimate(
                    &opt,
                    best,
                    "diff_vs_runner_up",
                    "diff_ci95_low",
                    "diff_ci95_high",
                    &|x| { f.difference(unit, x) }
                ),
                probability(opt.get(best, "p_better_than_runner_up")),
            ));
        }
        b.push(Block::Para(text));
    }
    let rows = opt
        .rows
        .iter()
        .take(8)
        .map(|r| {
            vec![
                opt.get(r, "rank").to_string(),
                describe(r),
                opt.get(r, "replicates").to_string(),
                estimate(&opt, r, "mean", "ci95_low", "ci95_high", &|x| {
                    f.value(unit, x)
                }),
                opt.get(r, "feasible").to_string(),
            ]
        })
        .collect();
    b.push(Block::Table(
        [
            "rank",
            "candidate",
            "replicates",
            "mean [95% CI]",
            "feasible",
        ]
        .map(String::from)
        .to_vec(),
        rows,
    ));
    b.push(Block::Para(
        "Candidates dropped early ran fewer replicates, so their means are less certain than \
         the finalists'; the ranking below follows the race (how far a candidate got first)."
            .into(),
    ));
    Ok(())
}

/// "Sensitivity": the indices of the objective from `sensitivity.csv` (a random,
/// Latin-hypercube, Sobol or Morris sweep only).
fn sensitivity(b: &mut Vec<Block>, dir: &Path, objective: &str) -> Result<()> {
    let path = dir.join("sensitivity.csv");
    if !path.exists() {
        return Ok(());
    }
    let sens = Csv::read(&path)?;
    b.push(Block::Heading(2, "Sensitivity".into()));
    b.push(Block::Para(format!(
        "How much each swept assumption moves {objective}: per variant (its mean at each point) \
         and per paired difference with the baseline (which assumption could flip the ranking). \
         S1 = share of the variance explained by the assumption alone, ST = including its \
         interactions (Sobol, bootstrap 95% intervals); μ* = mean absolute elementary effect \
         per unit of the range, σ = their spread (Morris); PRCC = partial rank correlation \
         (random and Latin-hypercube sweeps). An index whose interval includes 0 is within noise. \
         Every metric's indices are in sensitivity.csv."
    )));
    let rows: Vec<Vec<String>> = sens
        .rows
        .iter()
        .filter(|r| sens.get(r, "metric") == objective)
        .take(80)
        .map(|r| {
            let show = |x: f64| format!("{x:.3}");
            vec![
                sens.get(r, "target").to_string(),
                format!("`{}`", sens.get(r, "param")),
                sens.get(r, "index").to_string(),
                estimate(&sens, r, "value", "ci95_low", "ci95_high", &show),
            ]
        })
        .collect();
    b.push(Block::Table(
        ["output", "assumption", "index", "value [95% CI]"]
            .map(String::from)
            .to_vec(),
        rows,
    ));
    Ok(())
}

/// "Risk": every arm's likelihood and impact of a loss, from `risk.csv`.
fn risk(b: &mut Vec<Block>, dir: &Path, f: &Formatter) -> Result<()> {
    let path = dir.join("risk.csv");
    if !path.exists() {
        return Ok(());
    }
    let risk = Csv::read(&path)?;
    let Some(first) = risk.rows.first() else {
        return Ok(());
    };
    b.push(Block::Heading(2, "Risk".into()));
    let target = risk.get(first, "roi_target").to_string();
    b.push(Block::Para(format!(
        "Over each arm's replicates: how often it loses money, the expected loss (likelihood × \
         impact: the mean of the loss, 0 where it earns), the net profit one run in twenty does \
         worse than, and how often the ROI falls below {target} (`[compare] roi_target`)."
    )));
    let share = |x: f64| format!("{:.0}%", 100.0 * x);
    let rows = risk
        .rows
        .iter()
        .take(KEY_RESULT_ARMS * 4)
        .map(|r| {
            let cell =
                |k: &str, show: &dyn Fn(f64) -> String| risk.num(r, k).map_or(String::new(), show);
            vec![
                risk.title(r),
                cell("p_net_negative", &share),
                cell("expected_loss_cents", &|x| f.value(Unit::Cents, x)),
                cell("net_p05_cents", &|x| f.value(Unit::Cents, x)),
                cell("p_roi_below_target", &share),
            ]
        })
        .collect();
    b.push(Block::Table(
        [
            "arm",
            "P(net < 0)",
            "expected loss",
            "net, 5th percentile",
            "P(ROI < target)",
        ]
        .map(String::from)
        .to_vec(),
        rows,
    ));
    Ok(())
}

/// The headline KPIs of the report's key-results table.
const KEY_RESULTS: [&str; 10] = [
    "customers",
    "gmv_cents",
    "net_cents",
    "marketing_cost_cents",
    "cac_cents",
    "roi",
    "k_factor",
    "fission_ratio",
    "repurchase_rate",
    "retention_d30",
];

/// Arms per key-results table: four columns of `value [low, high]` fit a printed page.
const KEY_RESULT_COLUMNS: usize = 4;

/// Most arms the key-results tables show (four tables; the ranking lists every arm).
const KEY_RESULT_ARMS: usize = 16;

/// The key-results tables: each headline KPI's mean and 95% interval per arm, four arms to a
/// table (the first arms of a large experiment; the ranking lists every arm on the objective).
fn key_results(b: &mut Vec<Block>, summary: &Csv, f: &Formatter) {
    let mut arms: Vec<(String, String)> = Vec::new();
    for r in &summary.rows {
        let id = summary.arm(r);
        if !arms.iter().any(|(a, _)| a == &id) {
            arms.push((id, summary.title(r)));
        }
    }
    // Each (arm, metric) row of summary.csv, looked up once.
    let by_arm_metric: std::collections::HashMap<(String, &str), &Vec<String>> = summary
        .rows
        .iter()
        .map(|r| ((summary.arm(r), summary.get(r, "metric")), r))
        .collect();
    b.push(Block::Heading(2, "Key results".into()));
    let shown = &arms[..arms.len().min(KEY_RESULT_ARMS)];
    for table in shown.chunks(KEY_RESULT_COLUMNS) {
        let mut header = vec!["metric".to_string()];
        header.extend(table.iter().map(|(_, t)| {
            if arms.len() == 1 {
                "mean [95% CI]".to_string()
            } else {
                t.clone()
            }
        }));
        let rows = KEY_RESULTS
            .iter()
            .map(|metric| {
                let unit = Formatter::unit_of(metric).unwrap_or(Unit::Ratio);
                let mut row = vec![Formatter::label(metric)];
                for (id, _) in table {
                    row.push(
                        by_arm_metric
                            .get(&(id.clone(), *metric))
                            .map(|r| {
                                estimate(summary, r, "mean", "ci95_low", "ci95_high", &|x| {
                                    f.value(unit, x)
                                })
                            })
                            .filter(|v| !v.is_empty())
                            .unwrap_or_else(|| "n/a".into()),
                    );
                }
                row
            })
            .collect();
        b.push(Block::Table(header, rows));
    }
    if arms.len() > shown.len() {
        b.push(Block::Para(format!(
            "The first {} of {} arms; the ranking below lists every arm on the objective, and \
             summary.csv every metric of every arm.",
            shown.len(),
            arms.len()
        )));
    }
}

/// The budgets table: for every arm and scheme with a budget, the share spent and how often and
/// when it ran out — "equal budget" arms are equal only where they spend it.
fn budgets(b: &mut Vec<Block>, summary: &Csv, replicates: u64) {
    // Each arm's `budget_out_day_<scheme>` row by (arm, scheme): one pass over summary.csv, not
    // one scan per budget.
    let out_rows: std::collections::HashMap<(String, &str), &Vec<String>> = summary
        .rows
        .iter()
        .filter_map(|o| {
            let scheme = summary.get(o, "metric").strip_prefix("budget_out_day_")?;
            Some(((summary.arm(o), scheme), o))
        })
        .collect();
    let mut rows = Vec::new();
    let mut at_once = Vec::new();
    for r in summary
        .rows
        .iter()
        .filter(|r| summary.get(r, "metric").starts_with("budget_used_"))
    {
        let Some(used) = summary.num(r, "mean") else {
            continue;
        };
        let scheme = &summary.get(r, "metric")["budget_used_".len()..];
        let out = out_rows.get(&(summary.arm(r), scheme)).copied();
        let n_out = out.and_then(|o| summary.num(o, "n")).unwrap_or(0.0);
        let day = out
            .and_then(|o| summary.num(o, "mean"))
            .filter(|_| n_out > 0.0)
            .map_or("never".to_string(), |d| format!("day {d:.0} on average"));
        // Out on day 1 in most replicates: the budget binds before the scheme has run.
        let first_day = out
            .and_then(|o| summary.num(o, "mean"))
            .is_some_and(|d| d < 1.5);
        if first_day && 2.0 * n_out > replicates as f64 {
            at_once.push(format!("{} ({})", scheme, summary.title(r)));
        }
        rows.push(vec![
            summary.title(r),
            scheme.to_string(),
            format!("{:.1}%", 100.0 * used),
            format!("{n_out:.0} of {replicates}"),
            day,
        ]);
    }
    if rows.is_empty() {
        return;
    }
    b.push(Block::Heading(2, "Budgets".into()));
    b.push(Block::Table(
        [
            "arm",
            "scheme",
            "budget spent (mean)",
            "replicates where it ran out",
            "ran out",
        ]
        .map(String::from)
        .to_vec(),
        rows,
    ));
    if !at_once.is_empty() {
        b.push(Block::Para(format!(
            "WARNING: the budget of {} ran out on day 1 in most replicates: it binds before the \
             scheme has run, so the arm measures the budget, not the scheme. Raise the budget, \
             or compare at a budget the scheme spends over the horizon.",
            at_once.join(", ")
        )));
    }
}

/// `value [low, high]` from the columns of `row`, each shown with `show` (just the value where
/// there is no interval).
fn estimate(
    csv: &Csv,
    row: &[String],
    value: &str,
    low: &str,
    high: &str,
    show: &dyn Fn(f64) -> String,
) -> String {
    let v = csv.num(row, value).map_or(String::new(), show);
    format!("{v} {}", interval(csv, row, low, high, show))
        .trim()
        .to_string()
}

/// `[low, high]` from the columns of `row`, or nothing where they are empty.
fn interval(
    csv: &Csv,
    row: &[String],
    low: &str,
    high: &str,
    show: &dyn Fn(f64) -> String,
) -> String {
    match (csv.num(row, low), csv.num(row, high)) {
        (Some(lo), Some(hi)) => format!("[{}, {}]", show(lo), show(hi)),
        _ => String::new(),
    }
}

/// A variant's override table (TOML text) as `key = value` changes, one per line-separated
/// entry: `referral.inviter_reward_cents = 1000, coupon[0].pct = 10.0`.
fn readable_changes(toml_text: &str) -> String {
    fn walk(prefix: &str, value: &toml::Value, out: &mut Vec<String>) {
        match value {
            toml::Value::Table(t) => {
                for (k, v) in t {
                    let key = if prefix.is_empty() {
                        k.clone()
                    } else {
                        format!("{prefix}.{k}")
                    };
                    walk(&key, v, out);
                }
            }
            toml::Value::Array(items)
                if items.iter().all(toml::Value::is_table) && !items.is_empty() =>
            {
                for (i, v) in items.iter().enumerate() {
                    walk(&format!("{prefix}[{i}]"), v, out);
                }
            }
            other => out.push(format!("{prefix} = {other}")),
        }
    }
    match toml_text.parse::<toml::Table>() {
        Ok(table) => {
            let mut out = Vec::new();
            walk("", &toml::Value::Table(table), &mut out);
            out.join(", ")
        }
        Err(_) => toml_text.trim().replace('\n', "; "),
    }
}

/// A probability from a CSV field, as a percentage (`97.3%`, `>99.9%`, `<0.1%`).
fn probability(field: &str) -> String {
    match field.parse::<f64>() {
        Ok(p) if p > 0.999 => ">99.9%".into(),
        Ok(p) if p < 0.001 => "<0.1%".into(),
        Ok(p) => format!("{:.1}%", 100.0 * p),
        Err(_) => field.to_string(),
    }
}
