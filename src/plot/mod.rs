//! Charts drawn with plotters and an embedded font (nothing to install), each written as SVG and
//! PNG. The font is Fission Sans SC, a subset of Noto Sans CJK SC (`assets/fonts/`, SIL OFL 1.1):
//! Latin, punctuation, `¥`, full-width forms and the 6,763 hanzi of GB 2312, so Chinese variant
//! names and descriptions render in the PNGs on a machine with no fonts at all. [`redraw`] draws every chart of an output folder from its CSVs alone.

mod bars;
mod growth;
mod heatmap;
pub mod read;
mod redraw;
mod tornado;
mod waterfall;

use std::path::Path;
use std::sync::Once;

use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::{FontStyle, register_font};

use crate::error::{Error, Result};
use crate::metrics::catalog::Unit;
use crate::metrics::format::{Formatter, grouped, significant};
pub use redraw::redraw;

/// Writes `stem.svg` / `.png`: the posterior predictive band of daily column `column` (mean
/// and p5–p95 over posterior draws, `(day, mean, p05, p95)`) against the observed values.
///
/// # Errors
/// [`Error::Io`] if a chart cannot be written.
pub fn predictive(
    stem: &Path,
    title: &str,
    column: &str,
    simulated: Vec<(f64, f64, f64, f64)>,
    observed: &[(f64, f64)],
) -> Result<()> {
    let fmt = Formatter::new("¥");
    let unit = crate::metrics::catalog::daily(column).map_or(Unit::Count, |m| m.unit);
    save(
        stem,
        &growth::Lines {
            title: title.to_string(),
            x_label: "day".into(),
            x_axis: Axis {
                integral: true,
                ..Axis::new(Unit::Days, &fmt)
            },
            y_label: column.to_string(),
            y_axis: Axis::new(unit, &fmt),
            band: "p5–p95",
            series: vec![
                growth::Series {
                    label: "posterior predictive".into(),
                    colour: 0,
                    points: simulated,
                },
                growth::Series {
                    label: "observed".into(),
                    colour: 3,
                    points: observed.iter().map(|&(d, v)| (d, v, v, v)).collect(),
                },
            ],
        },
    )
}

static FONT: Once = Once::new();

/// The font family of every chart's text. PNGs are drawn with the embedded font registered under
/// this name; an SVG names it as a CSS font list, so a viewer without the embedded font falls back
/// to the CJK system fonts of macOS, Windows and Linux before a generic sans-serif.
pub const FONT_FAMILY: &str = "Fission Sans SC, PingFang SC, Microsoft YaHei, Noto Sans CJK SC, \
                               Source Han Sans SC, WenQuanYi Micro Hei, sans-serif";

/// The embedded chart font (see the module doc); the HTML report embeds it too.
pub const FONT_BYTES: &[u8] = include_bytes!("../../assets/fonts/FissionSansSC.otf");

fn ensure_font() {
    FONT.call_once(|| {
        // The embedded font is valid (a test parses it); failure here would only mean plain
        // text without glyphs.
        // Also as "sans-serif", the family plotters gives axis labels by default.
        for family in [FONT_FAMILY, "sans-serif"] {
            let _ = register_font(family, FontStyle::Normal, FONT_BYTES);
        }
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

/// The colour of series `i`: the palette, then hues a golden angle apart at the palette's
/// saturation, so no two arms a chart shows share a colour.
fn colour(i: usize) -> RGBColor {
    match PALETTE.get(i) {
        Some(&c) => c,
        None => {
            let hue = (i - PALETTE.len()) as f64 * 137.507_764 % 360.0;
            let c = HSLColor(hue / 360.0, 0.7, 0.42).to_backend_color().rgb;
            RGBColor(c.0, c.1, c.2)
        }
    }
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

/// How a value axis reads: its unit (from the metric catalog) and the currency.
#[derive(Debug, Clone)]
pub struct Axis {
    /// The unit of the values.
    pub unit: Unit,
    /// Formats them (currency symbol).
    pub fmt: Formatter,
    /// Every value on the axis is a whole number (a swept integer key): label whole ticks only.
    pub integral: bool,
    /// The axis carries `log10` of the values (a swept range spanning more than a decade): ticks
    /// show the values themselves.
    pub log: bool,
}

impl Axis {
    /// An axis of `unit`.
    pub fn new(unit: Unit, fmt: &Formatter) -> Self {
        Self {
            unit,
            fmt: fmt.clone(),
            integral: false,
            log: false,
        }
    }

    /// The axis of the metric `metric` (a plain number if the catalog does not know it).
    pub fn of(metric: &str, fmt: &Formatter) -> Self {
        Self::new(Formatter::unit_of(metric).unwrap_or(Unit::Ratio), fmt)
    }

    /// `description (unit)`, e.g. `net_cents difference (¥)`.
    pub fn title(&self, description: &str) -> String {
        format!("{description} ({})", self.fmt.axis(self.unit))
    }

    /// The tick label formatter of an axis spanning `range`.
    pub fn ticks(&self, range: f64) -> impl Fn(&f64) -> String + '_ {
        move |x| {
            if self.log {
                significant(10f64.powf(*x), 3).to_string()
            } else if self.integral && (x - x.round()).abs() > 1e-9 {
                String::new()
            } else if self.integral {
                grouped(*x, 0)
            } else {
                self.fmt.tick(self.unit, range, *x)
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ab_glyph::{Font, FontRef};

    #[test]
    fn the_chart_font_has_chinese_glyphs() {
        let font = FontRef::try_from_slice(FONT_BYTES).expect("the embedded font parses");
        for c in "分享立减拼团裂变社群红包积分佣金直播秒杀¥，。：（）ABCabc0123".chars()
        {
            assert_ne!(font.glyph_id(c).0, 0, "no glyph for {c}");
        }
    }

    /// Draws `text` alone into a small bitmap and returns the pixels.
    fn pixels(text: &str) -> Vec<u8> {
        ensure_font();
        let mut buffer = vec![255u8; 120 * 60 * 3];
        {
            let root = BitMapBackend::with_buffer(&mut buffer, (120, 60)).into_drawing_area();
            root.draw_text(text, &(FONT_FAMILY, 40).into_font().color(&BLACK), (5, 5))
                .unwrap();
            root.present().unwrap();
        }
        buffer
    }

    /// Chinese text is drawn as its glyphs: each character's pixels differ from the others' and
    /// from the missing-glyph box a font without it would draw.
    #[test]
    fn chinese_text_renders_as_glyphs_not_boxes() {
        let missing = pixels("\u{E000}"); // a private-use character no font maps: the .notdef box
        let blank = pixels(" ");
        let drawn: Vec<Vec<u8>> = ["分", "享", "立", "减"].iter().map(|c| pixels(c)).collect();
        for (i, p) in drawn.iter().enumerate() {
            assert_ne!(p, &blank, "character {i} drew nothing");
            assert_ne!(p, &missing, "character {i} drew the missing-glyph box");
            for q in &drawn[..i] {
                assert_ne!(p, q, "two different characters drew the same pixels");
            }
        }
    }
}
