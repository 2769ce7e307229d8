//! The waterfall of an arm's paired Δnet: from 0, each term of net profit moves the running
//! total up (green) or down (red), and the last bar is Δnet itself — one panel per arm.
//! (Chart text avoids `Δ`: the embedded font has no Greek.)

use plotters::coord::Shift;
use plotters::prelude::*;

use super::{Axis, Chart, FONT_FAMILY};

/// One arm's waterfall.
pub struct Fall {
    /// `arm − baseline`.
    pub title: String,
    /// `(term label, contribution)` in order; the total is their sum.
    pub steps: Vec<(String, f64)>,
}

/// Up to six arms' waterfalls, two per row.
pub struct Waterfalls {
    /// Chart title.
    pub title: String,
    /// How the money axis reads.
    pub axis: Axis,
    /// The arms.
    pub falls: Vec<Fall>,
}

/// Positive steps, negative steps and the total.
const UP: RGBColor = RGBColor(0, 158, 115);
const DOWN: RGBColor = RGBColor(213, 94, 0);
const TOTAL: RGBColor = RGBColor(0, 114, 178);

impl Chart for Waterfalls {
    const SIZE: (u32, u32) = (1200, 900);

    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> Result<(), String>
    where
        DB::ErrorType: 'static,
    {
        let err = |e: DrawingAreaErrorKind<DB::ErrorType>| e.to_string();
        let body = root.titled(&self.title, (FONT_FAMILY, 24)).map_err(err)?;
        let cols = self.falls.len().clamp(1, 2);
        let rows = self.falls.len().div_ceil(cols).max(1);
        for (area, fall) in body.split_evenly((rows, cols)).iter().zip(&self.falls) {
            let mut bars = Vec::new(); // (label, from, to, colour)
            let mut run = 0.0;
            for (label, d) in &fall.steps {
                let colour = if *d >= 0.0 { UP } else { DOWN };
                bars.push((label.clone(), run, run + d, colour));
                run += d;
            }
            bars.push(("net".to_string(), 0.0, run, TOTAL));
            let lo = bars.iter().map(|b| b.1.min(b.2)).fold(0.0_f64, f64::min);
            let hi = bars.iter().map(|b| b.1.max(b.2)).fold(0.0_f64, f64::max);
            let pad = (hi - lo).max(1e-9) * 0.08;
            let n = bars.len() as f64;
            let labels: Vec<String> = bars.iter().map(|b| b.0.clone()).collect();
            let mut chart = ChartBuilder::on(area)
                .caption(&fall.title, (FONT_FAMILY, 17))
                .margin(10)
                .x_label_area_size(34)
                .y_label_area_size(80)
                .build_cartesian_2d(0f64..n, (lo - pad)..(hi + pad))
                .map_err(err)?;
            chart
                .configure_mesh()
                .label_style((FONT_FAMILY, 11))
                .disable_x_mesh()
                .x_labels(bars.len() * 2 + 1)
                .x_label_formatter(&|x| {
                    let i = x.floor() as usize;
                    if (x - x.floor() - 0.5).abs() < 0.26 && i < labels.len() {
                        labels[i].clone()
                    } else {
                        String::new()
                    }
                })
                .y_label_formatter(&self.axis.ticks(hi - lo))
                .light_line_style(WHITE.mix(0.0))
                .draw()
                .map_err(err)?;
            chart
                .draw_series(std::iter::once(PathElement::new(
                    vec![(0.0, 0.0), (n, 0.0)],
                    BLACK.stroke_width(1),
                )))
                .map_err(err)?;
            for (i, (_, from, to, c)) in bars.iter().enumerate() {
                let x = i as f64;
                chart
                    .draw_series(std::iter::once(Rectangle::new(
                        [(x + 0.15, *from), (x + 0.85, *to)],
                        c.mix(0.85).filled(),
                    )))
                    .map_err(err)?;
            }
        }
        Ok(())
    }
}
