//! A tiny document model rendered as Markdown and as self-contained HTML.

use std::fmt::Write;
use std::path::Path;

/// One block of the report.
pub enum Block {
    /// A heading of level 1–3.
    Heading(u8, String),
    /// A paragraph.
    Para(String),
    /// Preformatted text.
    Code(String),
    /// A table: header and rows.
    Table(Vec<String>, Vec<Vec<String>>),
    /// An SVG chart (path relative to the output folder) and its caption.
    Image(String, String),
}

/// The blocks as Markdown.
pub fn markdown(blocks: &[Block]) -> String {
    let mut s = String::new();
    for b in blocks {
        match b {
            Block::Heading(level, text) => {
                let _ = writeln!(s, "{} {text}\n", "#".repeat(usize::from(*level)));
            }
            Block::Para(text) => {
                let _ = writeln!(s, "{text}\n");
            }
            Block::Code(text) => {
                let _ = writeln!(s, "```\n{text}\n```\n");
            }
            Block::Table(header, rows) => {
                let cell = |c: &String| c.replace('|', "\\|");
                let _ = writeln!(
                    s,
                    "| {} |",
                    header.iter().map(cell).collect::<Vec<_>>().join(" | ")
                );
                let _ = writeln!(s, "|{}", "---|".repeat(header.len()));
                for r in rows {
                    let _ = writeln!(
                        s,
                        "| {} |",
                        r.iter().map(cell).collect::<Vec<_>>().join(" | ")
                    );
                }
                s.push('\n');
            }
            Block::Image(path, caption) => {
                let _ = writeln!(s, "![{caption}]({path})\n\n*{caption}*\n");
            }
        }
    }
    s
}

fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

/// The embedded font as a CSS `@font-face` for CJK characters only (Latin text keeps the
/// viewer's sans-serif), when any text of the report needs it: the page's own text — names,
/// descriptions, variant labels — then shows Chinese on a machine with no CJK font installed.
/// Reports without CJK text do not carry the 3.9 MB of font data.
fn cjk_font_face(blocks: &[Block]) -> String {
    let cjk = |t: &String| {
        t.chars().any(|c| {
            matches!(c as u32, 0x2E80..=0x9FFF | 0xF900..=0xFAFF | 0xFE30..=0xFE4F | 0xFF00..=0xFFEF)
        })
    };
    let text = |b: &Block| match b {
        Block::Heading(_, t) | Block::Para(t) | Block::Code(t) => cjk(t),
        Block::Table(h, rows) => h.iter().chain(rows.iter().flatten()).any(cjk),
        Block::Image(_, caption) => cjk(caption),
    };
    if !blocks.iter().any(text) {
        return String::new();
    }
    use base64::Engine;
    format!(
        "@font-face{{font-family:'Fission Sans SC';src:url(data:font/otf;base64,{})format('opentype');\
         unicode-range:U+2E80-9FFF,U+F900-FAFF,U+FE30-FE4F,U+FF00-FFEF}}",
        base64::engine::general_purpose::STANDARD.encode(crate::plot::FONT_BYTES)
    )
}

/// The blocks as one HTML page, each chart's PNG read from under `dir` and embedded (a data URI),
/// so the page is one self-contained file and its Chinese text shows on any machine: the PNG's
/// glyphs are drawn with the embedded font, and so is the page's own CJK text.
pub fn html(blocks: &[Block], dir: &Path) -> String {
    let mut s = String::from(
        "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>fission report</title>\n<style>",
    );
    s.push_str(&cjk_font_face(blocks));
    s.push_str(
        "body{font-family:'Fission Sans SC',sans-serif;max-width:1100px;margin:2em auto;line-height:1.4}\
         table{border-collapse:collapse;margin:1em 0}td,th{border:1px solid #bbb;padding:3px 8px;text-align:left;vertical-align:top}small{color:#555}\
         th{background:#eee}pre{background:#f5f5f5;padding:8px;overflow-x:auto}figure{margin:1em 0}\
         img{max-width:100%;height:auto}</style></head><body>\n",
    );
    for b in blocks {
        match b {
            Block::Heading(level, text) => {
                let _ = writeln!(s, "<h{level}>{}</h{level}>", escape(text));
            }
            Block::Para(text) => {
                let _ = writeln!(s, "<p>{}</p>", escape(text));
            }
            Block::Code(text) => {
                let _ = writeln!(s, "<pre>{}</pre>", escape(text));
            }
            Block::Table(header, rows) => {
                s.push_str("<table><tr>");
                for h in header {
                    let _ = write!(s, "<th>{}</th>", escape(h));
                }
                s.push_str("</tr>\n");
                for r in rows {
                    s.push_str("<tr>");
                    for c in r {
                        // `value [low, high]`: the interval on a second, smaller line.
                        match c.split_once(" [") {
                            Some((value, ci)) if c.ends_with(']') => {
                                let _ = write!(
                                    s,
                                    "<td>{}<br><small>[{}</small></td>",
                                    escape(value),
                                    escape(ci)
                                );
                            }
                            _ => {
                                let _ = write!(s, "<td>{}</td>", escape(c));
                            }
                        }
                    }
                    s.push_str("</tr>\n");
                }
                s.push_str("</table>\n");
            }
            Block::Image(path, caption) => {
                use base64::Engine;
                let png = Path::new(path).with_extension("png");
                let bytes = std::fs::read(dir.join(&png)).unwrap_or_default();
                let data = base64::engine::general_purpose::STANDARD.encode(bytes);
                let _ = writeln!(
                    s,
                    "<figure><img alt=\"{}\" src=\"data:image/png;base64,{data}\">\
                     <figcaption>{}</figcaption></figure>",
                    escape(caption),
                    escape(caption)
                );
            }
        }
    }
    s.push_str("</body></html>\n");
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A report with Chinese text carries the embedded font for CJK characters (so the page's
    /// own text renders with no CJK font installed); one without (an em dash is not CJK) does
    /// not carry its megabytes.
    #[test]
    fn the_page_embeds_the_cjk_font_only_when_it_has_cjk_text() {
        let dir = std::path::Path::new("/nonexistent");
        let plain = [Block::Heading(1, "quickstart — fission report".into())];
        assert!(!html(&plain, dir).contains("@font-face"));
        let chinese = [
            Block::Heading(1, "launch".into()),
            Block::Table(vec!["variant".into()], vec![vec!["分享立减".into()]]),
        ];
        let page = html(&chinese, dir);
        assert!(
            page.contains("@font-face{font-family:'Fission Sans SC';src:url(data:font/otf;base64,")
        );
        assert!(page.len() > FONT_DATA_FLOOR, "the whole font is embedded");
    }

    /// Base64 of the 2.9 MB font is at least this long.
    const FONT_DATA_FLOOR: usize = 3_800_000;
}
