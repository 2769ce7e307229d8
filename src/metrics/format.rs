//! How a person reads a metric: money in yuan with thousands separators (`¥67,374.30`), counts
//! as whole numbers, shares as percentages, differences signed. Every report table, chart axis
//! and terminal line formats through here, by the unit the catalog declares; the CSVs stay exact
//! (cents, counts, fractions).

use super::catalog::{self, Unit};

/// Formats metric values for reading, in the scenario's currency.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Formatter {
    /// The currency symbol (`¥` unless the scenario sets `product.currency`).
    pub currency: String,
}

impl Default for Formatter {
    fn default() -> Self {
        Self {
            currency: "¥".into(),
        }
    }
}

/// `x` rounded to `decimals` with `,` between thousands (`-1,234.50`).
pub fn grouped(x: f64, decimals: usize) -> String {
    if !x.is_finite() {
        return x.to_string();
    }
    let text = format!("{:.*}", decimals, x.abs());
    let (int, frac) = text
        .split_once('.')
        .map_or((text.as_str(), ""), |(i, f)| (i, f));
    let mut out = String::new();
    for (i, c) in int.chars().enumerate() {
        if i > 0 && (int.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    if !frac.is_empty() {
        out.push('.');
        out.push_str(frac);
    }
    let negative = x < 0.0 && out.chars().any(|c| c.is_ascii_digit() && c != '0');
    if negative { format!("-{out}") } else { out }
}

/// `x` rounded to `digits` significant digits (`significant(6737430.1234, 4)` = 6737000).
pub fn significant(x: f64, digits: usize) -> f64 {
    format!("{:.*e}", digits.saturating_sub(1), x)
        .parse()
        .unwrap_or(x)
}

impl Formatter {
    /// A formatter for `currency`.
    pub fn new(currency: &str) -> Self {
        Self {
            currency: currency.to_string(),
        }
    }

    /// The unit of `metric` (a `runs.csv` or `daily.csv` column), if the catalog declares it.
    pub fn unit_of(metric: &str) -> Option<Unit> {
        catalog::kpi(metric)
            .map(|k| k.unit)
            .or_else(|| catalog::daily(metric).map(|d| d.unit))
            .or_else(|| metric.ends_with("_cents").then_some(Unit::Cents))
    }

    /// `metric` as a person reads it: the unit suffix dropped (the formatted value carries
    /// it), words spaced, acronyms in capitals — `net_cents` → `net`, `cac_kol_cents` →
    /// `CAC KOL`, `retention_d30` → `retention d30`.
    pub fn label(metric: &str) -> String {
        const ACRONYMS: [&str; 7] = ["gmv", "cac", "roi", "ltv", "kol", "koc", "cpm"];
        metric
            .strip_suffix("_cents")
            .unwrap_or(metric)
            .split('_')
            .map(|w| {
                if ACRONYMS.contains(&w) {
                    w.to_uppercase()
                } else {
                    w.to_string()
                }
            })
            .collect::<Vec<_>>()
            .join(" ")
    }

    /// `x` of `unit`, for reading: `¥1,234.50`, `1,234`, `12.3%`, `4.5 days`.
    pub fn value(&self, unit: Unit, x: f64) -> String {
        match unit {
            Unit::Cents => {
                let yuan = grouped(x / 100.0, 2);
                match yuan.strip_prefix('-') {
                    Some(abs) => format!("-{}{abs}", self.currency),
                    None => format!("{}{yuan}", self.currency),
                }
            }
            Unit::Count if (x - x.round()).abs() < 1e-9 => grouped(x, 0),
            Unit::Count => grouped(x, 1),
            Unit::Share => format!("{}%", grouped(100.0 * x, 1)),
            Unit::Ratio => grouped(x, 3),
            Unit::Days => format!("{} days", grouped(x, 1)),
            Unit::Level => grouped(x, 3),
        }
    }

    /// A difference `x` of `unit`, signed: `+¥1,234.50`, `-12`, `+1.5 pp`.
    pub fn difference(&self, unit: Unit, x: f64) -> String {
        let shown = match unit {
            Unit::Share => format!("{} pp", grouped(100.0 * x, 1)),
            _ => self.value(unit, x),
        };
        if x > 0.0 && !shown.starts_with('-') {
            format!("+{shown}")
        } else {
            shown
        }
    }

    /// `x` of the metric `metric` (a plain rounded number for a metric the catalog does not
    /// declare).
    pub fn metric(&self, metric: &str, x: f64) -> String {
        match Self::unit_of(metric) {
            Some(unit) => self.value(unit, x),
            None => grouped(x, if x.fract() == 0.0 { 0 } else { 3 }),
        }
    }

    /// The axis title of a value axis of `unit` (`¥`, `members`, `%`).
    pub fn axis(&self, unit: Unit) -> String {
        match unit {
            Unit::Cents => self.currency.clone(),
            Unit::Count => "count".into(),
            Unit::Share => "%".into(),
            Unit::Ratio => "ratio".into(),
            Unit::Days => "days".into(),
            Unit::Level => "level".into(),
        }
    }

    /// A tick label of an axis of `unit` spanning `range`: whole yuan, whole counts and whole
    /// percents once the range is wide enough to need no decimals.
    pub fn tick(&self, unit: Unit, range: f64, x: f64) -> String {
        match unit {
            Unit::Cents if range >= 1000.0 => {
                let yuan = grouped(x / 100.0, 0);
                match yuan.strip_prefix('-') {
                    Some(abs) => format!("-{}{abs}", self.currency),
                    None => format!("{}{yuan}", self.currency),
                }
            }
            Unit::Share if range >= 0.05 => format!("{}%", grouped(100.0 * x, 0)),
            Unit::Count | Unit::Days if range >= 10.0 => grouped(x, 0),
            Unit::Cents | Unit::Share => self.value(unit, x),
            _ if range >= 10.0 => grouped(x, 0),
            _ => grouped(x, 2),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_drop_the_unit_and_capitalise_acronyms() {
        assert_eq!(Formatter::label("net_cents"), "net");
        assert_eq!(Formatter::label("cac_kol_cents"), "CAC KOL");
        assert_eq!(Formatter::label("retention_d30"), "retention d30");
        assert_eq!(Formatter::label("roi"), "ROI");
    }

    #[test]
    fn money_reads_in_yuan_with_separators() {
        let f = Formatter::default();
        assert_eq!(f.value(Unit::Cents, 6_737_430.0), "¥67,374.30");
        assert_eq!(f.value(Unit::Cents, -1_590_000.0), "-¥15,900.00");
        assert_eq!(f.difference(Unit::Cents, 250.0), "+¥2.50");
        assert_eq!(f.value(Unit::Cents, 99.0), "¥0.99");
        assert_eq!(f.tick(Unit::Cents, 1e7, 14_000_000.0), "¥140,000");
        assert_eq!(
            Formatter::new("$").value(Unit::Cents, 123_456.0),
            "$1,234.56"
        );
    }

    #[test]
    fn counts_shares_and_days_read_as_such() {
        let f = Formatter::default();
        assert_eq!(f.value(Unit::Count, 10_000.0), "10,000");
        assert_eq!(f.value(Unit::Count, 253.26), "253.3");
        assert_eq!(f.value(Unit::Share, 0.1264), "12.6%");
        assert_eq!(f.difference(Unit::Share, 0.015), "+1.5 pp");
        assert_eq!(f.value(Unit::Days, 3.26), "3.3 days");
        assert_eq!(grouped(-0.0001, 2), "0.00");
        assert_eq!(grouped(1_234_567.891, 1), "1,234,567.9");
        assert_eq!(f.metric("net_cents", 100.0), "¥1.00");
        assert_eq!(f.metric("customers", 1234.0), "1,234");
    }
}
