//! Heatmap of a metric over two swept axes.

use plotters::coord::Shift;
use plotters::prelude::*;

use super::Chart;

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
            .caption(&self.title, ("sans-serif", 24))
            .margin(16)
            .x_label_area_size(48)
            .y_label_area_size(90)
            .build_cartesian_2d(0f64..nx as f64, 0f64..ny as f64)
            .map_err(err)?;
        let (xs, ys) = (&self.x.1, &self.y.1);
        let label = |v: &[String], t: f64| {
            let i = t.floor() as usize;
            if (t - t.floor() - 0.5).abs() < 0.26 {
                v.get(i).cloned().unwrap_or_default()
            } else {
                String::new()
            }
        };
        chart
            .configure_mesh()
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
                // Viridis-like ramp from dark blue to yellow.
                let fill = RGBColor(
                    (68.0 + t * (253.0 - 68.0)) as u8,
                    (1.0 + t * (231.0 - 1.0)) as u8,
                    (84.0 + t * (37.0 - 84.0)) as u8,
                );
                let (x, y) = (xi as f64, yi as f64);
                chart
                    .draw_series(std::iter::once(Rectangle::new(
                        [(x, y), (x + 1.0, y + 1.0)],
                        fill.filled(),
                    )))
                    .map_err(err)?;
                let text = if v.abs() >= 100.0 {
                    format!("{v:.0}")
                } else {
                    format!("{v:.3}")
                };
                let ink = if t > 0.6 { BLACK } else { WHITE };
                chart
                    .draw_series(std::iter::once(Text::new(
                        text,
                        (x + 0.3, y + 0.55),
                        ("sans-serif", 15).into_font().color(&ink),
                    )))
                    .map_err(err)?;
            }
        }
        Ok(())
    }
}
