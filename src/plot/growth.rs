//! Line charts with uncertainty bands: growth curves (mean, p5–p95 band by day) and sweep
//! response curves (mean, 95% interval by swept value).

use plotters::coord::Shift;
use plotters::prelude::*;

use super::{Axis, Chart, FONT_FAMILY, colour};

/// One line: `(x, mean, band low, band high)` points.
pub struct Series {
    /// Legend label.
    pub label: String,
    /// Colour index (the arm's).
    pub colour: usize,
    /// Points in x order.
    pub points: Vec<(f64, f64, f64, f64)>,
}

/// A line chart with one band per series.
pub struct Lines {
    /// Title.
    pub title: String,
    /// X axis label.
    pub x_label: String,
    /// How the x axis reads.
    pub x_axis: Axis,
    /// Y axis label (the unit is added).
    pub y_label: String,
    /// How the y axis reads.
    pub y_axis: Axis,
    /// What the band is (for the legend), e.g. "p5–p95".
    pub band: &'static str,
    /// The series.
    pub series: Vec<Series>,
}

impl Chart for Lines {
    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> Result<(), String>
    where
        DB::ErrorType: 'static,
    {
        let err = |e: DrawingAreaErrorKind<DB::ErrorType>| e.to_string();
        let points = || self.series.iter().flat_map(|s| s.points.iter());
        let x_min = points().map(|p| p.0).fold(f64::INFINITY, f64::min);
        let x_max = points().map(|p| p.0).fold(f64::NEG_INFINITY, f64::max);
        let (x_min, x_max) = if x_min < x_max {
            (x_min, x_max)
        } else {
            (x_min - 0.5, x_min + 0.5)
        };
        let (x_min, x_max) = if x_min.is_finite() {
            (x_min, x_max)
        } else {
            (0.0, 1.0)
        };
        let y_min = points().map(|p| p.2.min(p.1)).fold(0.0_f64, f64::min);
        let y_max = points().map(|p| p.3.max(p.1)).fold(0.0_f64, f64::max);
        let pad = (y_max - y_min).max(1e-9) * 0.05;
        let (y_min, y_max) = (
            if y_min < 0.0 { y_min - pad } else { 0.0 },
            y_max + pad.max(1e-9),
        );
        let mut chart = ChartBuilder::on(root)
            .caption(&self.title, (FONT_FAMILY, 24))
            .margin(16)
            .x_label_area_size(48)
            .y_label_area_size(90)
            .build_cartesian_2d(x_min..x_max, y_min..y_max)
            .map_err(err)?;
        let range = y_max - y_min;
        chart
            .configure_mesh()
            .label_style((FONT_FAMILY, 12))
            .axis_desc_style((FONT_FAMILY, 13))
            .x_desc(&self.x_label)
            .y_desc(self.y_axis.title(&self.y_label))
            .x_label_formatter(&self.x_axis.ticks(x_max - x_min))
            .y_label_formatter(&self.y_axis.ticks(range))
            .light_line_style(WHITE.mix(0.0))
            .draw()
            .map_err(err)?;
        for s in &self.series {
            let c = colour(s.colour);
            let upper = s.points.iter().map(|p| (p.0, p.3));
            let lower = s.points.iter().rev().map(|p| (p.0, p.2));
            chart
                .draw_series(std::iter::once(Polygon::new(
                    upper.chain(lower).collect::<Vec<_>>(),
                    c.mix(0.18).filled(),
                )))
                .map_err(err)?;
            chart
                .draw_series(LineSeries::new(
                    s.points.iter().map(|p| (p.0, p.1)),
                    c.stroke_width(3),
                ))
                .map_err(err)?
                .label(format!("{} (mean, {} band)", s.label, self.band))
                .legend(move |(x, y)| {
                    PathElement::new(vec![(x, y), (x + 20, y)], c.stroke_width(3))
                });
            if s.points.len() <= 40 {
                chart
                    .draw_series(
                        s.points
                            .iter()
                            .map(|p| Circle::new((p.0, p.1), 3, c.filled())),
                    )
                    .map_err(err)?;
            }
        }
        chart
            .configure_series_labels()
            .position(SeriesLabelPosition::UpperLeft)
            .background_style(WHITE.mix(0.85))
            .border_style(BLACK)
            .draw()
            .map_err(err)
    }
}
