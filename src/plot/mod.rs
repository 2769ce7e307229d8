//! Charts drawn with plotters and an embedded DejaVu font (nothing to install), each written as
//! SVG and PNG. [`redraw`] draws every chart of an output folder from its CSVs alone.

mod bars;
mod growth;
mod heatmap;
pub mod read;
mod redraw;

use std::path::Path;
use std::sync::Once;

use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::{FontStyle, register_font};

use crate::error::{Error, Result};
pub use redraw::redraw;

static FONT: Once = Once::new();

fn ensure_font() {
    FONT.call_once(|| {
        // The embedded font is valid; failure here would only mean plain text without glyphs.
        let _ = register_font("sans-serif", FontStyle::Normal, dejavu::sans::regular());
    });
}

/// Colours of successive series (colour-blind-safe Okabe–Ito palette); arm `i` always gets
/// `colour(i)`, so a variant has one colour in every chart.
const PALETTE: [RGBColor; 8] = [
    RGBColor(0, 114, 178),
    RGBColor(230, 159, 0),
    RGBColor(0, 158, 115),
    RGBColor(213, 94, 0),
    RGBColor(204, 121, 167),
    RGBColor(86, 180, 233),
    RGBColor(240, 228, 66),
    RGBColor(0, 0, 0),
];

/// The colour of series `i`.
fn colour(i: usize) -> RGBColor {
    PALETTE[i % PALETTE.len()]
}

/// A chart that can draw itself on any plotters backend.
trait Chart {
    /// Pixel size.
    const SIZE: (u32, u32) = (960, 600);

    /// Draws the chart on `root`.
    fn draw<DB: DrawingBackend>(
        &self,
        root: &DrawingArea<DB, Shift>,
    ) -> std::result::Result<(), String>
    where
        DB::ErrorType: 'static;
}

/// Writes `chart` to `stem.svg` and `stem.png`.
fn save<C: Chart>(stem: &Path, chart: &C) -> Result<()> {
    ensure_font();
    let svg = stem.with_extension("svg");
    render(SVGBackend::new(&svg, C::SIZE).into_drawing_area(), chart)
        .map_err(|e| Error::io("draw", &svg, std::io::Error::other(e)))?;
    let png = stem.with_extension("png");
    render(BitMapBackend::new(&png, C::SIZE).into_drawing_area(), chart)
        .map_err(|e| Error::io("draw", &png, std::io::Error::other(e)))
}

fn render<DB: DrawingBackend, C: Chart>(
    root: DrawingArea<DB, Shift>,
    chart: &C,
) -> std::result::Result<(), String>
where
    DB::ErrorType: 'static,
{
    root.fill(&WHITE).map_err(|e| e.to_string())?;
    chart.draw(&root)?;
    root.present().map_err(|e| e.to_string())
}

/// Formats an axis value: whole numbers without decimals, small ones with two.
fn tick(range: f64) -> impl Fn(&f64) -> String {
    move |y| {
        if range >= 10.0 {
            format!("{y:.0}")
        } else {
            format!("{y:.2}")
        }
    }
}
