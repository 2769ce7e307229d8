//! Reading an output folder's CSVs back for [`super::redraw`].

use std::path::Path;

use crate::error::{Error, Result};

/// A CSV file held in memory.
pub struct Csv {
    header: Vec<String>,
    /// Records in file order.
    pub rows: Vec<Vec<String>>,
}

impl Csv {
    /// Reads `path`.
    ///
    /// # Errors
    /// [`Error::Input`] if the file is missing or not CSV.
    pub fn read(path: &Path) -> Result<Self> {
        let bad = |e: &dyn std::fmt::Display| {
            Error::Input(format!(
                "{}: cannot read ({e}); is this a fission output folder?",
                path.display()
            ))
        };
        let mut r = csv::Reader::from_path(path).map_err(|e| bad(&e))?;
        let header = r
            .headers()
            .map_err(|e| bad(&e))?
            .iter()
            .map(String::from)
            .collect();
        let rows = r
            .records()
            .map(|rec| rec.map(|r| r.iter().map(String::from).collect()))
            .collect::<std::result::Result<_, _>>()
            .map_err(|e| bad(&e))?;
        Ok(Self { header, rows })
    }

    /// The column names.
    pub fn header(&self) -> &[String] {
        &self.header
    }

    /// The text of column `name` in `row` ("" if there is no such column).
    pub fn get<'a>(&self, row: &'a [String], name: &str) -> &'a str {
        self.header
            .iter()
            .position(|h| h == name)
            .and_then(|i| row.get(i))
            .map_or("", String::as_str)
    }

    /// The number in column `name` of `row`, if any.
    pub fn num(&self, row: &[String], name: &str) -> Option<f64> {
        self.get(row, name).parse().ok()
    }

    /// The arm as a person reads it: the variant, and in a sweep its swept values
    /// (`posts_per_day=2`, or `group_buy: posts_per_day=2` for a variant other than `base`).
    pub fn title(&self, row: &[String]) -> String {
        let params: Vec<String> = self
            .header()
            .iter()
            .filter_map(|h| Some((h, h.strip_prefix("param.")?)))
            .map(|(h, key)| {
                let value = self.get(row, h);
                let value = value
                    .parse::<f64>()
                    .map_or(value.to_string(), |x| x.to_string());
                format!("{}={value}", key.rsplit('.').next().unwrap_or(key))
            })
            .collect();
        let variant = self.get(row, "variant");
        match (params.is_empty(), variant) {
            (true, _) => self.arm(row),
            (false, "base") => params.join(", "),
            (false, v) => format!("{v}: {}", params.join(", ")),
        }
    }

    /// The arm label of `row`: `variant`, or `variant@point` in a sweep.
    pub fn arm(&self, row: &[String]) -> String {
        match self.get(row, "point") {
            "" => self.get(row, "variant").to_string(),
            p => format!("{}@{p}", self.get(row, "variant")),
        }
    }
}
