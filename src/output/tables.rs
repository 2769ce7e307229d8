//! The CSV tables: `daily.csv` and `runs.csv` stream replicate by replicate; `summary.csv` and
//! `curves.csv` are reduced at the end, in replicate order.

use std::fs::File;
use std::io::BufWriter;
use std::path::{Path, PathBuf};

use crate::error::{Error, Result};
use crate::metrics::{DayRow, RunOutput, Summary, stats::quantile};
use crate::model::schemes::Scheme;
use crate::model::{Channel, Ledger, Stage};

/// Daily series kept across replicates for growth curves (`curves.csv` and the plots).
pub const CURVES: [&str; 11] = [
    "customers",
    "aware",
    "active",
    "silent",
    "churned",
    "new_customers",
    "orders",
    "gmv_cents",
    "spend_cents",
    "cumulative_gmv_cents",
    "cumulative_marketing_cents",
];

/// The value of `series` on the day of `row`; `total` is the ledger up to and including that day.
fn curve_value(row: &DayRow, total: &Ledger, series: &str) -> f64 {
    match series {
        "customers" => f64::from(row.customers),
        "aware" => f64::from(row.stage(Stage::Aware)),
        "active" => f64::from(row.stage(Stage::Active)),
        "silent" => f64::from(row.stage(Stage::Silent)),
        "churned" => f64::from(row.stage(Stage::Churned)),
        "new_customers" => f64::from(row.new_customers_total()),
        "orders" => row.ledger.orders as f64,
        "gmv_cents" => row.ledger.gmv_cents as f64,
        "spend_cents" => row.ledger.spend_cents() as f64,
        "cumulative_gmv_cents" => total.gmv_cents as f64,
        "cumulative_marketing_cents" => (total.spend_cents() + total.discount_cents) as f64,
        _ => f64::NAN,
    }
}

/// Formats a number the same way everywhere: integers without a decimal point, other values in
/// the shortest form that reads back exactly; `None` as an empty field.
pub fn number(x: Option<f64>) -> String {
    match x {
        None => String::new(),
        Some(v) if v.is_finite() && v.fract() == 0.0 && v.abs() < 1e15 => format!("{}", v as i64),
        Some(v) => format!("{v}"),
    }
}

/// One mean/percentile point of a growth curve.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct CurvePoint {
    /// Day.
    pub day: u32,
    /// Mean over replicates.
    pub mean: f64,
    /// 5th percentile.
    pub p05: f64,
    /// Median.
    pub p50: f64,
    /// 95th percentile.
    pub p95: f64,
}

/// Writes the tables of one variant as replicates arrive.
pub struct Tables {
    variant: String,
    daily: Option<csv::Writer<BufWriter<File>>>,
    runs: csv::Writer<BufWriter<File>>,
    metrics: Vec<String>,
    values: Vec<Vec<Option<f64>>>,
    /// `curves[series][day]` = values over replicates.
    curves: Vec<Vec<Vec<f64>>>,
    paths: (PathBuf, PathBuf),
}

fn writer(path: &Path) -> Result<csv::Writer<BufWriter<File>>> {
    let file = File::create(path).map_err(|e| Error::io("create", path, e))?;
    Ok(csv::Writer::from_writer(BufWriter::new(file)))
}

fn csv_error(path: &Path, e: &csv::Error) -> Error {
    Error::io("write", path, std::io::Error::other(e.to_string()))
}

/// Header of `daily.csv`.
pub fn daily_header() -> Vec<String> {
    let mut h: Vec<String> = ["variant", "replicate", "day"].map(String::from).to_vec();
    h.extend(Stage::ALL.iter().map(|s| s.name().to_string()));
    h.push("customers".into());
    h.push("new_customers".into());
    h.extend(
        Channel::ALL
            .iter()
            .map(|c| format!("new_customers_{}", c.name())),
    );
    h.extend(
        Channel::EXPOSURE
            .iter()
            .map(|c| format!("exposures_{}", c.name())),
    );
    h.extend(
        [
            "shares",
            "dau",
            "orders",
            "repeat_orders",
            "gmv_cents",
            "discount_cents",
            "cogs_cents",
            "margin_cents",
            "ad_cents",
            "kol_cents",
            "incentive_cents",
            "spend_cents",
            "net_cents",
            "mean_fatigue",
            "teams_opened",
            "teams_filled",
            "teams_expired",
            "packets_claimed",
        ]
        .map(String::from),
    );
    h.extend(
        Scheme::ALL
            .iter()
            .map(|s| format!("scheme_{}_cents", s.name())),
    );
    h
}

fn daily_record(variant: &str, replicate: u64, r: &DayRow) -> Vec<String> {
    let mut v = vec![
        variant.to_string(),
        replicate.to_string(),
        r.day.to_string(),
    ];
    v.extend(r.stages.iter().map(u32::to_string));
    v.push(r.customers.to_string());
    v.push(r.new_customers_total().to_string());
    v.extend(r.new_customers.iter().map(u32::to_string));
    v.extend(
        Channel::EXPOSURE
            .iter()
            .map(|&c| r.exposures[c as usize].to_string()),
    );
    let l = &r.ledger;
    v.extend([
        r.shares.to_string(),
        r.dau.to_string(),
        l.orders.to_string(),
        l.repeat_orders.to_string(),
        l.gmv_cents.to_string(),
        l.discount_cents.to_string(),
        l.cogs_cents.to_string(),
        l.margin_cents().to_string(),
        l.ad_cents.to_string(),
        l.kol_cents.to_string(),
        l.incentive_cents.to_string(),
        l.spend_cents().to_string(),
        l.net_cents().to_string(),
        format!("{:.6}", r.mean_fatigue),
        r.teams_opened.to_string(),
        r.teams_filled.to_string(),
        r.teams_expired.to_string(),
        r.packets_claimed.to_string(),
    ]);
    v.extend(l.scheme_cents.iter().map(i64::to_string));
    v
}

impl Tables {
    /// Opens `daily.csv` (unless `with_daily` is false) and `runs.csv` in `dir`.
    ///
    /// # Errors
    /// [`Error::Io`] if a file cannot be created.
    pub fn create(dir: &dyn Fn(&str) -> PathBuf, variant: &str, with_daily: bool) -> Result<Self> {
        let daily_path = dir("daily.csv");
        let runs_path = dir("runs.csv");
        let mut daily = if with_daily {
            Some(writer(&daily_path)?)
        } else {
            None
        };
        if let Some(w) = &mut daily {
            w.write_record(daily_header())
                .map_err(|e| csv_error(&daily_path, &e))?;
        }
        Ok(Self {
            variant: variant.to_string(),
            daily,
            runs: writer(&runs_path)?,
            metrics: Vec::new(),
            values: Vec::new(),
            curves: vec![Vec::new(); CURVES.len()],
            paths: (daily_path, runs_path),
        })
    }

    /// Records one replicate (they must arrive in replicate order).
    ///
    /// # Errors
    /// [`Error::Io`] if writing fails.
    pub fn record(&mut self, out: &RunOutput) -> Result<()> {
        if let Some(w) = &mut self.daily {
            for row in &out.rows {
                w.write_record(daily_record(&self.variant, out.replicate, row))
                    .map_err(|e| csv_error(&self.paths.0, &e))?;
            }
        }
        if self.metrics.is_empty() {
            self.metrics = out.summary.values.iter().map(|(k, _)| k.clone()).collect();
            self.values = vec![Vec::new(); self.metrics.len()];
            let mut header = vec!["variant".to_string(), "replicate".to_string()];
            header.extend(self.metrics.iter().map(|m| (*m).to_string()));
            self.runs
                .write_record(header)
                .map_err(|e| csv_error(&self.paths.1, &e))?;
        }
        let mut record = vec![self.variant.clone(), out.replicate.to_string()];
        for (i, (_, v)) in out.summary.values.iter().enumerate() {
            record.push(number(*v));
            self.values[i].push(*v);
        }
        self.runs
            .write_record(record)
            .map_err(|e| csv_error(&self.paths.1, &e))?;
        for (s, series) in CURVES.iter().enumerate() {
            let days = &mut self.curves[s];
            if days.len() < out.rows.len() {
                days.resize(out.rows.len(), Vec::new());
            }
            let mut total = Ledger::default();
            for (d, row) in out.rows.iter().enumerate() {
                total.add(&row.ledger);
                days[d].push(curve_value(row, &total, series));
            }
        }
        Ok(())
    }

    /// Per-metric summaries, in column order.
    fn summaries(&self) -> Vec<(String, Option<Summary>)> {
        self.metrics
            .iter()
            .zip(&self.values)
            .map(|(m, v)| (m.clone(), Summary::of(v.iter().copied())))
            .collect()
    }

    /// Mean and percentile band of `series` (one of [`CURVES`]) per day.
    fn curve(&self, series: &str) -> Vec<CurvePoint> {
        let Some(s) = CURVES.iter().position(|c| *c == series) else {
            return Vec::new();
        };
        self.curves[s]
            .iter()
            .enumerate()
            .map(|(day, values)| {
                let mut sorted = values.clone();
                sorted.sort_by(f64::total_cmp);
                CurvePoint {
                    day: day as u32,
                    mean: values.iter().sum::<f64>() / values.len().max(1) as f64,
                    p05: quantile(&sorted, 0.05),
                    p50: quantile(&sorted, 0.5),
                    p95: quantile(&sorted, 0.95),
                }
            })
            .collect()
    }

    /// Flushes the streamed files, writes `summary.csv` and `curves.csv`, and returns what they
    /// hold (each computed once).
    ///
    /// # Errors
    /// [`Error::Io`] if writing fails.
    pub fn finish(mut self, dir: &dyn Fn(&str) -> PathBuf) -> Result<Finished> {
        if let Some(w) = &mut self.daily {
            w.flush()
                .map_err(|e| Error::io("write", &self.paths.0, e))?;
        }
        self.runs
            .flush()
            .map_err(|e| Error::io("write", &self.paths.1, e))?;
        let path = dir("summary.csv");
        let mut w = writer(&path)?;
        let header = [
            "variant",
            "metric",
            "n",
            "mean",
            "sd",
            "se",
            "ci95_low",
            "ci95_high",
            "p05",
            "p50",
            "p95",
        ];
        w.write_record(header).map_err(|e| csv_error(&path, &e))?;
        let summaries = self.summaries();
        for (metric, s) in &summaries {
            let mut rec = vec![self.variant.clone(), metric.clone()];
            match s {
                Some(s) => {
                    rec.push(s.n.to_string());
                    rec.extend(
                        [
                            s.mean,
                            s.sd,
                            s.se,
                            s.ci95_low,
                            s.ci95_high,
                            s.p05,
                            s.p50,
                            s.p95,
                        ]
                        .map(|x| number(Some(x))),
                    );
                }
                None => rec.extend(
                    std::iter::once("0".to_string()).chain(std::iter::repeat_n(String::new(), 8)),
                ),
            }
            w.write_record(rec).map_err(|e| csv_error(&path, &e))?;
        }
        w.flush().map_err(|e| Error::io("write", &path, e))?;
        let path = dir("curves.csv");
        let mut w = writer(&path)?;
        w.write_record(["variant", "series", "day", "mean", "p05", "p50", "p95"])
            .map_err(|e| csv_error(&path, &e))?;
        let curves: Vec<(&'static str, Vec<CurvePoint>)> = CURVES
            .iter()
            .map(|&series| (series, self.curve(series)))
            .collect();
        for (series, points) in &curves {
            for p in points {
                let mut rec = vec![
                    self.variant.clone(),
                    (*series).to_string(),
                    p.day.to_string(),
                ];
                rec.extend([p.mean, p.p05, p.p50, p.p95].map(|x| number(Some(x))));
                w.write_record(rec).map_err(|e| csv_error(&path, &e))?;
            }
        }
        w.flush().map_err(|e| Error::io("write", &path, e))?;
        Ok(Finished { summaries, curves })
    }
}

/// What `summary.csv` and `curves.csv` hold, for the plots and the run report.
#[derive(Debug, Clone)]
pub struct Finished {
    /// Per-metric summaries, in column order.
    pub summaries: Vec<(String, Option<Summary>)>,
    /// Each series of [`CURVES`] with its points by day.
    pub curves: Vec<(&'static str, Vec<CurvePoint>)>,
}

impl Finished {
    /// The summary of `metric`, if defined.
    pub fn summary(&self, metric: &str) -> Option<Summary> {
        self.summaries
            .iter()
            .find(|(m, _)| m == metric)
            .and_then(|(_, s)| *s)
    }

    /// The points of `series` (empty if it is not one of [`CURVES`]).
    pub fn curve(&self, series: &str) -> &[CurvePoint] {
        self.curves
            .iter()
            .find(|(s, _)| *s == series)
            .map_or(&[], |(_, p)| p)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_format_stably() {
        assert_eq!(number(Some(3.0)), "3");
        assert_eq!(number(Some(-12.0)), "-12");
        assert_eq!(number(Some(0.25)), "0.25");
        assert_eq!(number(None), "");
    }

    #[test]
    fn daily_header_matches_records() {
        let row = DayRow::default();
        assert_eq!(daily_header().len(), daily_record("base", 0, &row).len());
    }
}
