//! The one-page report beside the outputs: `report.md`, and `report.html` with the SVG charts
//! inlined (one self-contained file to mail around). Both are built from the same blocks, drawn
//! from the folder's CSVs and manifest alone.

mod document;

use std::path::Path;

use crate::error::{Error, Result};
use crate::output::manifest::Manifest;
use crate::plot::read::Csv;
use document::Block;

/// Charts in the order the report shows them, with a caption.
const CHARTS: [(&str, &str); 7] = [
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
                    .map_or("", String::as_str)
                    .trim()
                    .replace('\n', "; ");
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

    let ranking = Csv::read(&dir.join("ranking.csv"))?;
    let comparison = Csv::read(&dir.join("comparison.csv"))?;
    b.push(Block::Heading(2, format!("Ranking by {objective}")));
    let mut rows = Vec::new();
    for r in &ranking.rows {
        let arm = ranking.arm(r);
        let unpaired = comparison
            .rows
            .iter()
            .find(|c| comparison.arm(c) == arm && comparison.get(c, "metric") == objective)
            .map_or(String::new(), |c| {
                interval(&comparison, c, "unpaired_ci95_low", "unpaired_ci95_high")
            });
        rows.push(vec![
            ranking.get(r, "rank").into(),
            arm,
            estimate(&ranking, r, "mean", "ci95_low", "ci95_high"),
            ranking.get(r, "baseline").into(),
            estimate(&ranking, r, "diff", "diff_ci95_low", "diff_ci95_high"),
            unpaired,
            round(ranking.get(r, "p_better")),
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
        b.push(Block::Para(format!(
            "Paired vs unpaired: the paired 95% interval of the difference in {objective} is {:.0}% \
             as wide as the unpaired one on average ({} vs {}), because both arms of a pair share \
             the graph, the population and every random draw that their rules do not change.",
            100.0 * paired / unpaired.max(f64::MIN_POSITIVE),
            round(&paired.to_string()),
            round(&unpaired.to_string())
        )));
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
                    vec![
                        comparison.arm(c),
                        comparison.get(c, "metric").into(),
                        round(comparison.get(c, "mean_baseline")),
                        round(comparison.get(c, "mean_variant")),
                        estimate(&comparison, c, "diff", "diff_ci95_low", "diff_ci95_high"),
                        comparison
                            .num(c, "relative_change")
                            .map_or(String::new(), |x| format!("{:+.1}%", 100.0 * x)),
                        round(comparison.get(c, "p_better")),
                    ]
                })
                .collect(),
        ));
    }

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
         percentiles per arm and metric), comparison.csv (paired differences), ranking.csv, \
         curves.csv, daily.csv, manifest.json. `fission plot <folder>` redraws the charts and \
         this report from those files."
            .into(),
    ));
    Ok(b)
}

/// `value [low, high]` from the columns of `row` (just the value where there is no interval).
fn estimate(csv: &Csv, row: &[String], value: &str, low: &str, high: &str) -> String {
    format!(
        "{} {}",
        round(csv.get(row, value)),
        interval(csv, row, low, high)
    )
    .trim_end()
    .to_string()
}

/// `[low, high]` from the columns of `row`, or nothing where they are empty.
fn interval(csv: &Csv, row: &[String], low: &str, high: &str) -> String {
    match (csv.get(row, low), csv.get(row, high)) {
        ("", _) | (_, "") => String::new(),
        (lo, hi) => format!("[{}, {}]", round(lo), round(hi)),
    }
}

/// A number from a CSV field, rounded for reading (4 significant digits; integers as they are).
fn round(field: &str) -> String {
    match field.parse::<f64>() {
        Ok(x) if x.fract() == 0.0 || x.abs() >= 1000.0 => format!("{x:.0}"),
        Ok(x) => format!("{}", (x * 1e4).round() / 1e4),
        Err(_) => field.to_string(),
    }
}
