//! Two-key sweeps: a heatmap of the mean objective on a grid, or a scatter of the points of a
//! random or Latin-hypercube design.

use plotters::coord::Shift;
use plotters::prelude::*;

use super::{Axis, Chart, FONT_FAMILY};
use crate::metrics::format::significant;

/// Mean of a metric on a grid of two swept keys.
pub struct Heatmap {
    /// Title.
    pub title: String,
    /// X axis (first swept key) label and values.
    pub x: (String, Vec<String>),
    /// Y axis (second swept key) label and values.
    pub y: (String, Vec<String>),
    /// `cells[yi][xi]`, `None` where no point was run.
    pub cells: Vec<Vec<Option<f64>>>,
    /// How the cell values read (the objective's unit).
    pub value: Axis,
}

/// A tick label from a swept value as written in the CSV, to 4 significant digits.
fn short(label: &str) -> String {
    label
        .parse::<f64>()
        .map_or(label.to_string(), |x| significant(x, 4).to_string())
}

/// The colour of a value at `t` ∈ [0, 1] of the range: a viridis-like ramp, dark blue to yellow.
fn ramp(t: f64) -> RGBColor {
    RGBColor(
        (68.0 + t * (253.0 - 68.0)) as u8,
        (1.0 + t * (231.0 - 1.0)) as u8,
        (84.0 + t * (37.0 - 84.0)) as u8,
    )
}

/// A two-key sweep whose points do not form a grid (random or Latin-hypercube designs): each
/// point a dot at its two swept values, coloured by the mean objective.
pub struct Scatter {
    /// Title.
    pub title: String,
    /// The two swept keys.
    pub keys: (String, String),
    /// `(x, y, mean objective)` per sweep point.
    pub points: Vec<(f64, f64, f64)>,
    /// How the objective reads.
    pub value: Axis,
}

impl Chart for Scatter {
    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> Result<(), String>
    where
        DB::ErrorType: 'static,
    {
        let err = |e: DrawingAreaErrorKind<DB::ErrorType>| e.to_string();
        let span = |f: fn(&(f64, f64, f64)) -> f64| {
            let lo = self.points.iter().map(f).fold(f64::INFINITY, f64::min);
            let hi = self.points.iter().map(f).fold(f64::NEG_INFINITY, f64::max);
            let pad = ((hi - lo).abs() * 0.05).max(1e-9);
            if lo.is_finite() {
                (lo - pad, hi + pad)
            } else {
                (0.0, 1.0)
            }
        };
        let ((x0, x1), (y0, y1), (v0, v1)) = (span(|p| p.0), span(|p| p.1), span(|p| p.2));
        let body = root.titled(&self.title, (FONT_FAMILY, 24)).map_err(err)?;
        let (plot, legend) = body.split_vertically(body.dim_in_pixel().1.saturating_sub(40));
        let mut chart = ChartBuilder::on(&plot)
            .margin(16)
            .x_label_area_size(48)
            .y_label_area_size(90)
            .build_cartesian_2d(x0..x1, y0..y1)
            .map_err(err)?;
        chart
            .configure_mesh()
            .label_style((FONT_FAMILY, 12))
            .axis_desc_style((FONT_FAMILY, 13))
            .x_desc(&self.keys.0)
            .y_desc(&self.keys.1)
            .x_label_formatter(&|x| short(&x.to_string()))
            .y_label_formatter(&|y| short(&y.to_string()))
            .draw()
            .map_err(err)?;
        for &(x, y, v) in &self.points {
            let t = if v1 > v0 { (v - v0) / (v1 - v0) } else { 0.5 };
            chart
                .draw_series(std::iter::once(Circle::new((x, y), 6, ramp(t).filled())))
                .map_err(err)?;
        }
        // The colour scale: low and high ends with their values.
        let fmt = |v: f64| self.value.fmt.value(self.value.unit, v);
        for (i, (t, text)) in [(0.0, fmt(v0)), (1.0, fmt(v1))].into_iter().enumerate() {
            let x = 20 + 320 * i as i32;
            legend
                .draw(&Rectangle::new([(x, 10), (x + 16, 26)], ramp(t).filled()))
                .map_err(err)?;
            let label = if i == 0 { "lowest" } else { "highest" };
            legend
                .draw(&Text::new(
                    format!("{label}: {text}"),
                    (x + 22, 10),
                    (FONT_FAMILY, 16).into_font(),
                ))
                .map_err(err)?;
        }
        Ok(())
    }
}

impl Chart for Heatmap {
    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> Result<(), String>
    where
        DB::ErrorType: 'static,
    {
        let err = |e: DrawingAreaErrorKind<DB::ErrorType>| e.to_string();
        let (nx, ny) = (self.x.1.len().max(1), self.y.1.len().max(1));
        let values = || self.cells.iter().flatten().flatten();
        let lo = values().copied().fold(f64::INFINITY, f64::min);
        let hi = values().copied().fold(f64::NEG_INFINITY, f64::max);
        let mut chart = ChartBuilder::on(root)
            .caption(&self.title, (FONT_FAMILY, 24))
            .margin(16)
            .x_label_area_size(48)
            .y_label_area_size(90)
            .build_cartesian_2d(0f64..nx as f64, 0f64..ny as f64)
            .map_err(err)?;
        let (xs, ys) = (&self.x.1, &self.y.1);
        let label = |v: &[String], t: f64| {
            let i = t.floor() as usize;
            if (t - t.floor() - 0.5).abs() < 0.26 {
                v.get(i).map(|s| short(s)).unwrap_or_default()
            } else {
                String::new()
            }
        };
        chart
            .configure_mesh()
            .label_style((FONT_FAMILY, 12))
            .axis_desc_style((FONT_FAMILY, 13))
            .disable_mesh()
            .x_desc(&self.x.0)
            .y_desc(&self.y.0)
            .x_labels(nx * 2 + 1)
            .y_labels(ny * 2 + 1)
            .x_label_formatter(&|t| label(xs, *t))
            .y_label_formatter(&|t| label(ys, *t))
            .draw()
            .map_err(err)?;
        for (yi, row) in self.cells.iter().enumerate() {
            for (xi, cell) in row.iter().enumerate() {
                let Some(v) = cell else { continue };
                let t = if hi > lo { (v - lo) / (hi - lo) } else { 0.5 };
                let fill = ramp(t);
                let (x, y) = (xi as f64, yi as f64);
                chart
                    .draw_series(std::iter::once(Rectangle::new(
                        [(x, y), (x + 1.0, y + 1.0)],
                        fill.filled(),
                    )))
                    .map_err(err)?;
                let text = self.value.fmt.tick(self.value.unit, (hi - lo).abs(), *v);
                let ink = if t > 0.6 { BLACK } else { WHITE };
                chart
                    .draw_series(std::iter::once(Text::new(
                        text,
                        (x + 0.3, y + 0.55),
                        (FONT_FAMILY, 15).into_font().color(&ink),
                    )))
                    .map_err(err)?;
            }
        }
        Ok(())
    }
}
