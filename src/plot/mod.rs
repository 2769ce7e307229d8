//! Charts drawn with plotters and an embedded DejaVu font (nothing to install), as SVG and PNG.

use std::path::Path;
use std::sync::Once;

use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::{FontStyle, register_font};

use crate::error::{Error, Result};
use crate::output::tables::CurvePoint;

static FONT: Once = Once::new();

fn ensure_font() {
    FONT.call_once(|| {
        // The embedded font is valid; failure here would only mean plain text without glyphs.
        let _ = register_font("sans-serif", FontStyle::Normal, dejavu::sans::regular());
    });
}

/// Colours of successive series (colour-blind-safe Okabe–Ito palette).
const PALETTE: [RGBColor; 6] = [
    RGBColor(0, 114, 178),
    RGBColor(230, 159, 0),
    RGBColor(213, 94, 0),
    RGBColor(0, 158, 115),
    RGBColor(204, 121, 167),
    RGBColor(86, 180, 233),
];

/// A named series with a p5–p95 band.
pub struct Band<'a> {
    /// Legend label.
    pub label: &'a str,
    /// Points by day.
    pub points: &'a [CurvePoint],
}

/// Writes a growth-curve chart (mean lines, p5–p95 bands) to `stem.svg` and `stem.png`.
///
/// # Errors
/// [`Error::Io`] if a chart cannot be drawn or written.
pub fn growth_curves(stem: &Path, title: &str, y_label: &str, bands: &[Band<'_>]) -> Result<()> {
    ensure_font();
    let svg = stem.with_extension("svg");
    let png = stem.with_extension("png");
    let size = (960, 600);
    draw(
        SVGBackend::new(&svg, size).into_drawing_area(),
        title,
        y_label,
        bands,
    )
    .map_err(|e| Error::io("draw", &svg, std::io::Error::other(e)))?;
    draw(
        BitMapBackend::new(&png, size).into_drawing_area(),
        title,
        y_label,
        bands,
    )
    .map_err(|e| Error::io("draw", &png, std::io::Error::other(e)))?;
    Ok(())
}

fn draw<DB: DrawingBackend>(
    root: DrawingArea<DB, Shift>,
    title: &str,
    y_label: &str,
    bands: &[Band<'_>],
) -> std::result::Result<(), String>
where
    DB::ErrorType: 'static,
{
    let err = |e: DrawingAreaErrorKind<DB::ErrorType>| e.to_string();
    root.fill(&WHITE).map_err(err)?;
    let days = bands
        .iter()
        .flat_map(|b| b.points.iter().map(|p| p.day))
        .max()
        .unwrap_or(1)
        .max(1);
    let y_max = bands
        .iter()
        .flat_map(|b| b.points.iter().map(|p| p.p95.max(p.mean)))
        .fold(1.0_f64, f64::max)
        * 1.05;
    let mut chart = ChartBuilder::on(&root)
        .caption(title, ("sans-serif", 26))
        .margin(16)
        .x_label_area_size(48)
        .y_label_area_size(80)
        .build_cartesian_2d(0f64..f64::from(days), 0f64..y_max)
        .map_err(err)?;
    chart
        .configure_mesh()
        .x_desc("day")
        .y_desc(y_label)
        .x_label_formatter(&|x| format!("{x:.0}"))
        .y_label_formatter(&|y| {
            if y_max >= 10.0 {
                format!("{y:.0}")
            } else {
                format!("{y:.2}")
            }
        })
        .light_line_style(WHITE.mix(0.0))
        .draw()
        .map_err(err)?;
    for (i, band) in bands.iter().enumerate() {
        let colour = PALETTE[i % PALETTE.len()];
        let upper: Vec<(f64, f64)> = band
            .points
            .iter()
            .map(|p| (f64::from(p.day), p.p95))
            .collect();
        let lower = band.points.iter().rev().map(|p| (f64::from(p.day), p.p05));
        let outline: Vec<(f64, f64)> = upper.into_iter().chain(lower).collect();
        chart
            .draw_series(std::iter::once(Polygon::new(
                outline,
                colour.mix(0.18).filled(),
            )))
            .map_err(err)?;
        chart
            .draw_series(LineSeries::new(
                band.points.iter().map(|p| (f64::from(p.day), p.mean)),
                colour.stroke_width(3),
            ))
            .map_err(err)?
            .label(format!("{} (mean, p5–p95 band)", band.label))
            .legend(move |(x, y)| {
                PathElement::new(vec![(x, y), (x + 20, y)], colour.stroke_width(3))
            });
    }
    chart
        .configure_series_labels()
        .position(SeriesLabelPosition::UpperLeft)
        .background_style(WHITE.mix(0.85))
        .border_style(BLACK)
        .draw()
        .map_err(err)?;
    root.present().map_err(err)?;
    Ok(())
}

/// One step of the acquisition funnel: a label and its mean count over replicates.
pub struct FunnelStep<'a> {
    /// Step label.
    pub label: &'a str,
    /// Mean count.
    pub mean: f64,
}

/// Writes the acquisition funnel (reached → customers → repeat customers → referrers) as
/// horizontal bars with each step's share of the first, to `stem.svg` and `stem.png`.
///
/// # Errors
/// [`Error::Io`] if a chart cannot be drawn or written.
pub fn funnel(stem: &Path, title: &str, steps: &[FunnelStep<'_>]) -> Result<()> {
    ensure_font();
    let svg = stem.with_extension("svg");
    let png = stem.with_extension("png");
    let size = (960, 480);
    draw_funnel(
        SVGBackend::new(&svg, size).into_drawing_area(),
        title,
        steps,
    )
    .map_err(|e| Error::io("draw", &svg, std::io::Error::other(e)))?;
    draw_funnel(
        BitMapBackend::new(&png, size).into_drawing_area(),
        title,
        steps,
    )
    .map_err(|e| Error::io("draw", &png, std::io::Error::other(e)))?;
    Ok(())
}

fn draw_funnel<DB: DrawingBackend>(
    root: DrawingArea<DB, Shift>,
    title: &str,
    steps: &[FunnelStep<'_>],
) -> std::result::Result<(), String>
where
    DB::ErrorType: 'static,
{
    let err = |e: DrawingAreaErrorKind<DB::ErrorType>| e.to_string();
    root.fill(&WHITE).map_err(err)?;
    let top = steps.first().map_or(1.0, |s| s.mean).max(1.0);
    let n = steps.len() as f64;
    let mut chart = ChartBuilder::on(&root)
        .caption(title, ("sans-serif", 26))
        .margin(16)
        .x_label_area_size(40)
        .y_label_area_size(20)
        .build_cartesian_2d(0f64..top * 1.35, 0f64..n)
        .map_err(err)?;
    chart
        .configure_mesh()
        .disable_y_mesh()
        .disable_y_axis()
        .x_desc("members (mean over replicates)")
        .x_label_formatter(&|x| format!("{x:.0}"))
        .light_line_style(WHITE.mix(0.0))
        .draw()
        .map_err(err)?;
    for (i, step) in steps.iter().enumerate() {
        let y = n - 1.0 - i as f64;
        let colour = PALETTE[i % PALETTE.len()];
        chart
            .draw_series(std::iter::once(Rectangle::new(
                [(0.0, y + 0.15), (step.mean, y + 0.85)],
                colour.filled(),
            )))
            .map_err(err)?;
        chart
            .draw_series(std::iter::once(Text::new(
                format!(
                    "{}: {:.0} ({:.1}%)",
                    step.label,
                    step.mean,
                    100.0 * step.mean / top
                ),
                (step.mean + top * 0.01, y + 0.6),
                ("sans-serif", 18).into_font(),
            )))
            .map_err(err)?;
    }
    root.present().map_err(err)?;
    Ok(())
}
