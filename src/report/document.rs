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

/// The blocks as one HTML page, each chart's PNG read from under `dir` and embedded (a data URI),
/// so the page is one self-contained file and its Chinese text shows on any machine: the PNG's
/// glyphs are drawn with the embedded font, while an SVG's text needs the viewer's fonts.
pub fn html(blocks: &[Block], dir: &Path) -> String {
    let mut s = String::from(
        "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>fission report</title>\n<style>\
         body{font-family:sans-serif;max-width:1100px;margin:2em auto;line-height:1.4}\
         table{border-collapse:collapse;margin:1em 0}td,th{border:1px solid #bbb;padding:3px 8px;text-align:left}\
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
                        let _ = write!(s, "<td>{}</td>", escape(c));
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
