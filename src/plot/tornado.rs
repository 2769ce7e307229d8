//! The tornado chart of a sensitivity study: per output (a variant, or a paired difference),
//! one horizontal bar per assumption, largest index on top, with its 95% interval.

use plotters::coord::Shift;
use plotters::prelude::*;

use super::{Chart, FONT_FAMILY, colour};

/// One bar: an assumption, its index and the index's 95% interval.
pub type Bar = (String, f64, Option<(f64, f64)>);

/// One output's bars.
pub struct Tornado {
    /// The output and the index shown.
    pub title: String,
    /// The bars, drawn largest |value| on top.
    pub bars: Vec<Bar>,
}

/// Up to six tornadoes, two per row.
pub struct Tornadoes {
    /// Chart title.
    pub title: String,
    /// The outputs.
    pub panels: Vec<Tornado>,
}

impl Chart for Tornadoes {
    const SIZE: (u32, u32) = (1200, 900);

    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> Result<(), String>
    where
        DB::ErrorType: 'static,
    {
        let err = |e: DrawingAreaErrorKind<DB::ErrorType>| e.to_string();
        let body = root.titled(&self.title, (FONT_FAMILY, 24)).map_err(err)?;
        let cols = self.panels.len().clamp(1, 2);
        let rows = self.panels.len().div_ceil(cols).max(1);
        for (p, (area, panel)) in body
            .split_evenly((rows, cols))
            .iter()
            .zip(&self.panels)
            .enumerate()
        {
            let mut bars = panel.bars.clone();
            bars.sort_by(|a, b| b.1.abs().total_cmp(&a.1.abs()));
            let lo = bars
                .iter()
                .map(|b| b.2.map_or(b.1, |i| i.0).min(b.1))
                .fold(0.0_f64, f64::min);
            let hi = bars
                .iter()
                .map(|b| b.2.map_or(b.1, |i| i.1).max(b.1))
                .fold(0.0_f64, f64::max);
            let pad = (hi - lo).max(1e-9) * 0.08;
            let n = bars.len().max(1) as f64;
            let labels: Vec<String> = bars.iter().map(|b| b.0.clone()).collect();
            let mut chart = ChartBuilder::on(area)
                .caption(&panel.title, (FONT_FAMILY, 16))
                .margin(10)
                .x_label_area_size(30)
                .y_label_area_size(190)
                .build_cartesian_2d((lo - pad)..(hi + pad), 0f64..n)
                .map_err(err)?;
            chart
                .configure_mesh()
                .label_style((FONT_FAMILY, 11))
                .disable_y_mesh()
                .y_labels(bars.len() * 2 + 1)
                .y_label_formatter(&|y| {
                    let i = y.floor() as usize;
                    if (y - y.floor() - 0.5).abs() < 0.26 && i < labels.len() {
                        labels[labels.len() - 1 - i].clone()
                    } else {
                        String::new()
                    }
                })
                .light_line_style(WHITE.mix(0.0))
                .draw()
                .map_err(err)?;
            let c = colour(p);
            for (i, (_, v, interval)) in bars.iter().enumerate() {
                let y = n - 1.0 - i as f64;
                chart
                    .draw_series(std::iter::once(Rectangle::new(
                        [(0.0, y + 0.2), (*v, y + 0.8)],
                        c.mix(0.85).filled(),
                    )))
                    .map_err(err)?;
                if let Some((l, h)) = interval {
                    chart
                        .draw_series(std::iter::once(PathElement::new(
                            vec![(*l, y + 0.5), (*h, y + 0.5)],
                            BLACK.stroke_width(2),
                        )))
                        .map_err(err)?;
                }
            }
        }
        Ok(())
    }
}
