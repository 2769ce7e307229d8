//! Bar charts: small multiples of one bar per arm (KPI comparison with 95% intervals, the funnel
//! per variant) and the forest plot of paired differences.

use plotters::coord::Shift;
use plotters::prelude::*;

use super::{Axis, Chart, FONT_FAMILY, colour};

/// One bar: an arm's value with an optional interval.
pub struct Bar {
    /// The arm's label.
    pub label: String,
    /// The arm's colour index.
    pub colour: usize,
    /// Height.
    pub value: f64,
    /// Interval, if any.
    pub interval: Option<(f64, f64)>,
}

/// One panel: a metric with a bar per arm.
pub struct Panel {
    /// Panel title (the metric).
    pub title: String,
    /// How its value axis reads.
    pub axis: Axis,
    /// Bars in arm order.
    pub bars: Vec<Bar>,
}

/// Panels side by side (up to four per row).
pub struct Panels {
    /// Chart title.
    pub title: String,
    /// The panels.
    pub panels: Vec<Panel>,
    /// Every panel on the same value axis (the funnel: steps compare by height).
    pub shared_axis: bool,
}

impl Chart for Panels {
    const SIZE: (u32, u32) = (1200, 760);

    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> Result<(), String>
    where
        DB::ErrorType: 'static,
    {
        let err = |e: DrawingAreaErrorKind<DB::ErrorType>| e.to_string();
        let body = root.titled(&self.title, (FONT_FAMILY, 24)).map_err(err)?;
        let (body, legend) = body.split_vertically(body.dim_in_pixel().1.saturating_sub(36));
        // One legend for every panel: the arms in colour order.
        let mut arms: Vec<(usize, &str)> = Vec::new();
        for b in self.panels.iter().flat_map(|p| &p.bars) {
            if !arms.iter().any(|a| a.0 == b.colour) {
                arms.push((b.colour, &b.label));
            }
        }
        let mut x = 20i32;
        for (c, label) in arms {
            legend
                .draw(&Rectangle::new([(x, 10), (x + 16, 26)], colour(c).filled()))
                .map_err(err)?;
            legend
                .draw(&Text::new(
                    label.to_string(),
                    (x + 22, 10),
                    (FONT_FAMILY, 16).into_font(),
                ))
                .map_err(err)?;
            x += 40 + 9 * label.chars().count() as i32;
        }
        let cols = self.panels.len().clamp(1, 4);
        let rows = self.panels.len().div_ceil(cols).max(1);
        let top = |bars: &[Bar]| {
            bars.iter()
                .map(|b| b.interval.map_or(b.value, |i| i.1).max(b.value))
                .fold(0.0_f64, f64::max)
        };
        let bottom = |bars: &[Bar]| {
            bars.iter()
                .map(|b| b.interval.map_or(b.value, |i| i.0).min(b.value))
                .fold(0.0_f64, f64::min)
        };
        let all: Vec<&Panel> = self.panels.iter().collect();
        let shared = (
            all.iter().map(|p| bottom(&p.bars)).fold(0.0_f64, f64::min),
            all.iter().map(|p| top(&p.bars)).fold(0.0_f64, f64::max),
        );
        for (area, panel) in body.split_evenly((rows, cols)).iter().zip(&self.panels) {
            let n = panel.bars.len().max(1) as f64;
            let (lo, hi) = if self.shared_axis {
                shared
            } else {
                (bottom(&panel.bars), top(&panel.bars))
            };
            let pad = (hi - lo).max(1e-9) * 0.08;
            let mut chart = ChartBuilder::on(area)
                .caption(&panel.title, (FONT_FAMILY, 18))
                .margin(10)
                .x_label_area_size(10)
                .y_label_area_size(80)
                .build_cartesian_2d(0f64..n, (lo - if lo < 0.0 { pad } else { 0.0 })..(hi + pad))
                .map_err(err)?;
            chart
                .configure_mesh()
                .label_style((FONT_FAMILY, 12))
                .axis_desc_style((FONT_FAMILY, 13))
                .disable_x_mesh()
                .disable_x_axis()
                .y_label_formatter(&panel.axis.ticks(hi - lo))
                .light_line_style(WHITE.mix(0.0))
                .draw()
                .map_err(err)?;
            for (i, b) in panel.bars.iter().enumerate() {
                let x = i as f64;
                let c = colour(b.colour);
                chart
                    .draw_series(std::iter::once(Rectangle::new(
                        [(x + 0.15, 0.0), (x + 0.85, b.value)],
                        c.mix(0.85).filled(),
                    )))
                    .map_err(err)?;
                if let Some((l, h)) = b.interval {
                    chart
                        .draw_series(std::iter::once(ErrorBar::new_vertical(
                            x + 0.5,
                            l,
                            b.value,
                            h,
                            BLACK.stroke_width(2),
                            12,
                        )))
                        .map_err(err)?;
                }
            }
        }
        Ok(())
    }
}

/// One row of a forest plot: an arm's paired difference and the unpaired interval beside it.
pub struct ForestRow {
    /// The arm's label.
    pub label: String,
    /// The arm's colour index.
    pub colour: usize,
    /// Mean paired difference.
    pub diff: f64,
    /// Paired 95% interval.
    pub paired: (f64, f64),
    /// Unpaired 95% interval (what the comparison would be without common random numbers).
    pub unpaired: (f64, f64),
}

/// Paired differences against the baseline, one row per arm, zero marked.
pub struct Forest {
    /// Title.
    pub title: String,
    /// X axis label (the unit is added).
    pub x_label: String,
    /// How the x axis reads.
    pub axis: Axis,
    /// Rows, top to bottom.
    pub rows: Vec<ForestRow>,
}

impl Chart for Forest {
    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> Result<(), String>
    where
        DB::ErrorType: 'static,
    {
        let err = |e: DrawingAreaErrorKind<DB::ErrorType>| e.to_string();
        let lo = self
            .rows
            .iter()
            .map(|r| r.unpaired.0.min(r.paired.0))
            .fold(0.0_f64, f64::min);
        let hi = self
            .rows
            .iter()
            .map(|r| r.unpaired.1.max(r.paired.1))
            .fold(0.0_f64, f64::max);
        let pad = (hi - lo).max(1e-9) * 0.08;
        let n = self.rows.len().max(1) as f64;
        let mut chart = ChartBuilder::on(root)
            .caption(&self.title, (FONT_FAMILY, 24))
            .margin(16)
            .x_label_area_size(48)
            .y_label_area_size(170)
            .build_cartesian_2d((lo - pad)..(hi + pad), 0f64..n)
            .map_err(err)?;
        let labels: Vec<String> = self.rows.iter().map(|r| r.label.clone()).collect();
        chart
            .configure_mesh()
            .label_style((FONT_FAMILY, 12))
            .axis_desc_style((FONT_FAMILY, 13))
            .disable_y_mesh()
            .x_desc(self.axis.title(&self.x_label))
            .y_labels(self.rows.len() * 2 + 1)
            .y_label_formatter(&|y| {
                let i = y.floor() as usize;
                if (y - y.floor() - 0.5).abs() < 0.26 && i < labels.len() {
                    labels[labels.len() - 1 - i].clone()
                } else {
                    String::new()
                }
            })
            .x_label_formatter(&self.axis.ticks(hi - lo))
            .light_line_style(WHITE.mix(0.0))
            .draw()
            .map_err(err)?;
        chart
            .draw_series(std::iter::once(PathElement::new(
                vec![(0.0, 0.0), (0.0, n)],
                BLACK.stroke_width(1),
            )))
            .map_err(err)?;
        for (i, r) in self.rows.iter().enumerate() {
            let y = n - 1.0 - i as f64;
            let c = colour(r.colour);
            chart
                .draw_series([
                    PathElement::new(
                        vec![(r.unpaired.0, y + 0.3), (r.unpaired.1, y + 0.3)],
                        c.mix(0.4).stroke_width(2),
                    ),
                    PathElement::new(
                        vec![(r.paired.0, y + 0.5), (r.paired.1, y + 0.5)],
                        c.stroke_width(4),
                    ),
                ])
                .map_err(err)?;
            chart
                .draw_series(std::iter::once(Circle::new(
                    (r.diff, y + 0.5),
                    6,
                    c.filled(),
                )))
                .map_err(err)?;
        }
        chart
            .draw_series(std::iter::once(Text::new(
                "thick: paired 95% interval   thin: unpaired",
                (lo - pad * 0.5, n - 0.05),
                (FONT_FAMILY, 15).into_font(),
            )))
            .map_err(err)?;
        Ok(())
    }
}
