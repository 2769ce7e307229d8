//! The CSV tables: `daily.csv` and `runs.csv` stream replicate by replicate into one part file per
//! arm, joined in arm order at the end; `summary.csv` and `curves.csv` are reduced at the end, in
//! replicate order.

use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};

use crate::error::{Error, Result};
use crate::metrics::{DayRow, RunOutput, Summary, catalog, stats::quantile};
use crate::model::{Ledger, Stage};

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

/// Formats a statistic the same way everywhere, so every such column reads as a float in any
/// tool and any run: always with a decimal point (`3.0`), whole numbers below 10^15 exactly,
/// others to 10 significant digits; `None` or a value that is not finite (a statistic of fewer
/// than two replicates) as an empty field.
pub fn number(x: Option<f64>) -> String {
    match x {
        Some(v) if v.is_finite() => {
            let v = if v.fract() == 0.0 && v.abs() < 1e15 {
                v
            } else {
                crate::metrics::format::significant(v, 10)
            };
            // Below 1e-6 in magnitude, scientific notation: `2.016302236e-47`, not 47 zeros.
            let text = if v != 0.0 && v.abs() < 1e-6 {
                format!("{v:e}")
            } else {
                format!("{v}")
            };
            if text.contains(['.', 'e', 'i', 'N']) {
                text
            } else {
                format!("{text}.0")
            }
        }
        _ => String::new(),
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

/// Collects one arm's runs as they arrive: streams its `daily.csv` and `runs.csv` rows into part
/// files (joined in arm order by [`assemble`]) and keeps the values `summary.csv` and
/// `curves.csv` need.
pub struct Tables {
    /// The arm's identity columns (variant, and with a sweep the point and swept values).
    id: Vec<String>,
    daily: Option<Part>,
    runs: Part,
    /// The `runs.csv` metric columns (shared by every arm).
    columns: Vec<String>,
    values: Vec<Vec<Option<f64>>>,
    /// `curves[series][day]` = values over replicates.
    curves: Vec<Vec<Vec<f64>>>,
}

/// A part file written in batches: rows are formatted into memory and appended by
/// [`Part::spill`], which opens and closes the file, so the files held open stay bounded
/// whatever the number of arms.
struct Part {
    path: PathBuf,
    buffer: Vec<u8>,
}

impl Part {
    /// Starts the part file `path` empty.
    fn create(path: PathBuf) -> Result<Self> {
        File::create(&path).map_err(|e| Error::io("create", &path, e))?;
        Ok(Self {
            path,
            buffer: Vec::new(),
        })
    }

    /// Formats `rows` as CSV records into the buffer.
    fn rows<I, R>(&mut self, rows: I) -> Result<()>
    where
        I: IntoIterator<Item = R>,
        R: IntoIterator,
        R::Item: AsRef<[u8]>,
    {
        let mut w = csv::Writer::from_writer(&mut self.buffer);
        for row in rows {
            w.write_record(row).map_err(|e| csv_error(&self.path, &e))?;
        }
        w.flush().map_err(|e| Error::io("write", &self.path, e))
    }

    /// Appends the buffered rows to the file.
    fn spill(&mut self) -> Result<()> {
        if self.buffer.is_empty() {
            return Ok(());
        }
        let mut file = std::fs::OpenOptions::new()
            .append(true)
            .open(&self.path)
            .map_err(|e| Error::io("open", &self.path, e))?;
        file.write_all(&self.buffer)
            .map_err(|e| Error::io("write", &self.path, e))?;
        self.buffer.clear();
        Ok(())
    }
}

fn writer(path: &Path) -> Result<csv::Writer<BufWriter<File>>> {
    let file = File::create(path).map_err(|e| Error::io("create", path, e))?;
    Ok(csv::Writer::from_writer(BufWriter::new(file)))
}

fn csv_error(path: &Path, e: &csv::Error) -> Error {
    Error::io("write", path, std::io::Error::other(e.to_string()))
}

/// Header of `daily.csv` after the identity columns: the keys, then the catalog's columns.
pub fn daily_header() -> Vec<String> {
    let mut h: Vec<String> = ["replicate", "day"].map(String::from).to_vec();
    h.extend(catalog::daily_header());
    h
}

fn daily_record(id: &[String], replicate: u64, r: &DayRow) -> Vec<String> {
    let mut v = id.to_vec();
    v.push(replicate.to_string());
    v.push(r.day.to_string());
    v.extend(catalog::daily_values(r));
    v
}

impl Tables {
    /// Starts the tables of the arm with identity columns `id`, streaming into `runs_part` and
    /// (unless `None`) `daily_part`; `columns` are the `runs.csv` metrics.
    ///
    /// # Errors
    /// [`Error::Io`] if a file cannot be created.
    pub fn create(
        id: Vec<String>,
        columns: Vec<String>,
        daily_part: Option<PathBuf>,
        runs_part: PathBuf,
    ) -> Result<Self> {
        Ok(Self {
            id,
            daily: daily_part.map(Part::create).transpose()?,
            runs: Part::create(runs_part)?,
            values: vec![Vec::new(); columns.len()],
            columns,
            curves: vec![Vec::new(); CURVES.len()],
        })
    }

    /// Records one replicate (they must arrive in replicate order); its rows are buffered
    /// until [`Tables::spill`].
    ///
    /// # Errors
    /// [`Error::Io`] if formatting fails.
    pub fn record(&mut self, out: &RunOutput) -> Result<()> {
        if let Some(part) = &mut self.daily {
            part.rows(
                out.rows
                    .iter()
                    .map(|row| daily_record(&self.id, out.replicate, row)),
            )?;
        }
        let mut record = self.id.clone();
        record.push(out.replicate.to_string());
        for (i, column) in self.columns.iter().enumerate() {
            let v = out.summary.get(column);
            record.push(number(v));
            self.values[i].push(v);
        }
        self.runs.rows([record])?;
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

    /// The values of `metric` by replicate (empty if it is not a column).
    pub fn values(&self, metric: &str) -> &[Option<f64>] {
        self.columns
            .iter()
            .position(|c| c == metric)
            .map_or(&[], |i| &self.values[i])
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

    /// Appends the buffered rows to the part files (call after each batch of runs).
    ///
    /// # Errors
    /// [`Error::Io`] if writing fails.
    pub fn spill(&mut self) -> Result<()> {
        if let Some(part) = &mut self.daily {
            part.spill()?;
        }
        self.runs.spill()
    }

    /// Writes the last rows to the part files and reduces the arm's summaries and curves.
    ///
    /// # Errors
    /// [`Error::Io`] if writing fails.
    pub fn finish(mut self) -> Result<Finished> {
        self.spill()?;
        let summaries = self
            .columns
            .iter()
            .zip(&self.values)
            .map(|(m, v)| (m.clone(), Summary::of(v.iter().copied())))
            .collect();
        let curves = CURVES
            .iter()
            .map(|&series| (series, self.curve(series)))
            .collect();
        Ok(Finished {
            id: self.id,
            summaries,
            curves,
        })
    }
}

/// An arm's part files: `daily.csv` rows (unless skipped) and `runs.csv` rows.
pub type Parts = (Option<PathBuf>, PathBuf);

/// Writes `daily.csv` and `runs.csv` (the header, then every arm's part file in arm order),
/// `summary.csv` and `curves.csv` into `dir`. `id_header` names the identity columns.
///
/// # Errors
/// [`Error::Io`] if a file cannot be read or written.
pub fn assemble(
    dir: &dyn Fn(&str) -> PathBuf,
    id_header: &[String],
    columns: &[String],
    parts: &[Parts],
    arms: &[Finished],
) -> Result<()> {
    let join =
        |file: &str, header: Vec<String>, part: &dyn Fn(&Parts) -> Option<PathBuf>| -> Result<()> {
            let path = dir(file);
            let mut w = writer(&path)?;
            w.write_record(header).map_err(|e| csv_error(&path, &e))?;
            w.flush().map_err(|e| Error::io("write", &path, e))?;
            let mut out = w
                .into_inner()
                .map_err(|e| Error::io("write", &path, e.into_error()))?;
            for p in parts.iter().filter_map(part) {
                let mut input = File::open(&p).map_err(|e| Error::io("read", &p, e))?;
                std::io::copy(&mut input, &mut out).map_err(|e| Error::io("write", &path, e))?;
                std::fs::remove_file(&p).map_err(|e| Error::io("remove", &p, e))?;
            }
            out.flush().map_err(|e| Error::io("write", &path, e))
        };
    if parts.iter().any(|p| p.0.is_some()) {
        let mut header = id_header.to_vec();
        header.extend(daily_header());
        join("daily.csv", header, &|p| p.0.clone())?;
    }
    let mut header = id_header.to_vec();
    header.push("replicate".into());
    header.extend(columns.iter().cloned());
    join("runs.csv", header, &|p| Some(p.1.clone()))?;

    let path = dir("summary.csv");
    let mut w = writer(&path)?;
    let mut header = id_header.to_vec();
    header.extend(
        [
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
        ]
        .map(String::from),
    );
    w.write_record(header).map_err(|e| csv_error(&path, &e))?;
    for arm in arms {
        for (metric, s) in &arm.summaries {
            let mut rec = arm.id.clone();
            rec.push(metric.clone());
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
    }
    w.flush().map_err(|e| Error::io("write", &path, e))?;

    let path = dir("curves.csv");
    let mut w = writer(&path)?;
    let mut header = id_header.to_vec();
    header.extend(["series", "day", "mean", "p05", "p50", "p95"].map(String::from));
    w.write_record(header).map_err(|e| csv_error(&path, &e))?;
    for arm in arms {
        for (series, points) in &arm.curves {
            for p in points {
                let mut rec = arm.id.clone();
                rec.push((*series).to_string());
                rec.push(p.day.to_string());
                rec.extend([p.mean, p.p05, p.p50, p.p95].map(|x| number(Some(x))));
                w.write_record(rec).map_err(|e| csv_error(&path, &e))?;
            }
        }
    }
    w.flush().map_err(|e| Error::io("write", &path, e))
}

/// What `summary.csv` and `curves.csv` hold, for the plots and the run report.
#[derive(Debug, Clone)]
pub struct Finished {
    /// The arm's identity columns.
    pub id: Vec<String>,
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
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_format_stably() {
        assert_eq!(number(Some(3.0)), "3.0");
        assert_eq!(number(Some(-12.0)), "-12.0");
        assert_eq!(number(Some(0.25)), "0.25");
        assert_eq!(number(Some(0.1 + 0.2)), "0.3");
        assert_eq!(number(Some(6_737_430.123_456_78)), "6737430.123");
        assert_eq!(number(Some(123_456_789_012.0)), "123456789012.0");
        assert_eq!(number(Some(2.0 / 3.0)), "0.6666666667");
        assert_eq!(number(Some(f64::NAN)), "");
        assert_eq!(number(None), "");
        // A p_better near 1 is a short decimal, not 229 digits; one near 0 is scientific.
        assert!(number(Some(1.0 - 1e-17)).len() <= 12);
        assert_eq!(number(Some(2.016_302_236_123e-47)), "2.016302236e-47");
        assert_eq!(number(Some(-3e-9)), "-3e-9");
        assert_eq!(number(Some(0.000_001_5)), "0.0000015");
    }

    #[test]
    fn daily_header_matches_records() {
        let row = DayRow::default();
        assert_eq!(
            daily_header().len() + 1,
            daily_record(&["base".into()], 0, &row).len()
        );
    }
}
