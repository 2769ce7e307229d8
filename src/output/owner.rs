//! Proof of ownership: fission replaces or clears a folder only if it can show that it wrote it —
//! the folder holds the marker file with fission's text, and every entry in it is a file fission
//! writes. A folder with anything else in it is left alone.

use std::path::Path;

use crate::error::{Error, Result};

/// The marker file every output and staging folder carries.
pub const MARKER: &str = ".fission-output";

/// The marker's exact text (the format version changes when the folder layout does).
const MARKER_TEXT: &str = "fission output folder, format 1\n\
    This folder was written by fission and is replaced by the next `fission run` into it.\n";

/// Files fission writes at the top of an output or staging folder besides
/// [`super::manifest::ALWAYS_WRITTEN`].
const OTHER_FILES: [&str; 12] = [
    MARKER,
    "manifest.json",
    "daily.csv",
    "member_ids.csv",
    "sensitivity.csv",
    "optimize.csv",
    "posterior.csv",
    "calibration.csv",
    "correlations.csv",
    "calibrated.toml",
    super::journal::FILE,
    super::lock::HOLDER,
];

/// The folder of charts inside an output folder.
const PLOTS: &str = "plots";

/// Writes the marker into `dir`.
///
/// # Errors
/// [`Error::Io`] if it cannot be written.
pub fn mark(dir: &Path) -> Result<()> {
    let path = dir.join(MARKER);
    std::fs::write(&path, MARKER_TEXT).map_err(|e| Error::io("write", &path, e))
}

/// Is `name` a file fission writes at the top of a folder (including the per-arm part files)?
fn is_ours(name: &str) -> bool {
    OTHER_FILES.contains(&name)
        || super::manifest::ALWAYS_WRITTEN.contains(&name)
        || name.strip_prefix("part-").is_some_and(|rest| {
            let (i, kind) = rest.split_once('.').unwrap_or(("", ""));
            !i.is_empty()
                && i.bytes().all(|b| b.is_ascii_digit())
                && (kind == "runs.csv" || kind == "daily.csv")
        })
}

/// Is the marker in `dir`, with fission's text? A folder written before the marker existed
/// counts if its `manifest.json` says fission wrote it.
fn has_marker(dir: &Path) -> bool {
    if let Ok(text) = std::fs::read_to_string(dir.join(MARKER)) {
        return text == MARKER_TEXT;
    }
    std::fs::read(dir.join("manifest.json"))
        .ok()
        .and_then(|b| serde_json::from_slice::<serde_json::Value>(&b).ok())
        .is_some_and(|m| m.get("tool").and_then(|t| t.as_str()) == Some("fission"))
}

/// Checks that fission may replace or clear `dir`: it is a real folder (not a link), holds the
/// marker (unless `empty_ok` and it is empty), and every entry is one fission writes.
///
/// # Errors
/// [`Error::Input`] naming the folder and the first entry fission did not write.
pub fn check(dir: &Path, empty_ok: bool) -> Result<()> {
    let refuse = |why: String| {
        Error::Input(format!(
            "`{}` {why}; fission replaces only folders it wrote: choose another --out, or move \
             the folder away yourself",
            dir.display()
        ))
    };
    let meta = std::fs::symlink_metadata(dir).map_err(|e| Error::io("inspect", dir, e))?;
    if !meta.is_dir() {
        return Err(refuse("is not a folder".into()));
    }
    let entries = list(dir)?;
    if entries.is_empty() && empty_ok {
        return Ok(());
    }
    if !has_marker(dir) {
        return Err(refuse("exists and was not written by fission".into()));
    }
    for (name, is_dir) in entries {
        let foreign =
            |what: &str| refuse(format!("holds {what} `{name}` that fission did not write"));
        if is_dir {
            if name != PLOTS {
                return Err(foreign("the folder"));
            }
            for (plot, sub_dir) in list(&dir.join(PLOTS))? {
                let chart = !sub_dir
                    && Path::new(&plot)
                        .extension()
                        .is_some_and(|e| e == "png" || e == "svg");
                if !chart {
                    return Err(refuse(format!(
                        "holds `{PLOTS}/{plot}` that fission did not write"
                    )));
                }
            }
        } else if !is_ours(&name) {
            return Err(foreign("the file"));
        }
    }
    Ok(())
}

/// The entries of `dir`: name and whether it is a real folder (links count as files, so a link
/// named like a chart folder is foreign). A name that is not UTF-8 is never fission's.
fn list(dir: &Path) -> Result<Vec<(String, bool)>> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).map_err(|e| Error::io("read", dir, e))? {
        let entry = entry.map_err(|e| Error::io("read", dir, e))?;
        let kind = entry.file_type().map_err(|e| Error::io("read", dir, e))?;
        let name = entry.file_name().to_string_lossy().into_owned();
        out.push((name, kind.is_dir()));
    }
    out.sort();
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_marked_folders_of_our_files_are_ours() {
        let tmp = tempfile::tempdir().unwrap();
        let d = tmp.path().join("out");
        std::fs::create_dir(&d).unwrap();
        assert!(check(&d, true).is_ok());
        assert!(check(&d, false).is_err());
        std::fs::write(d.join("manifest.json"), "{\"name\": \"my web app\"}").unwrap();
        let e = check(&d, true).unwrap_err().to_string();
        assert!(e.contains("was not written by fission"), "{e}");
        mark(&d).unwrap();
        std::fs::create_dir(d.join("plots")).unwrap();
        std::fs::write(d.join("plots/growth.png"), "").unwrap();
        std::fs::write(d.join("part-12.daily.csv"), "").unwrap();
        assert!(check(&d, false).is_ok());
        std::fs::write(d.join("notes.txt"), "mine").unwrap();
        let e = check(&d, false).unwrap_err().to_string();
        assert!(e.contains("`notes.txt`"), "{e}");
        std::fs::remove_file(d.join("notes.txt")).unwrap();
        std::fs::write(d.join("plots/mine.jpg"), "").unwrap();
        assert!(
            check(&d, false)
                .unwrap_err()
                .to_string()
                .contains("plots/mine.jpg")
        );
        std::fs::remove_file(d.join("plots/mine.jpg")).unwrap();
        std::fs::write(d.join(MARKER), "something else").unwrap();
        assert!(check(&d, false).is_err());
        for name in ["part-.runs.csv", "part-1.x.csv", "part-a.runs.csv"] {
            assert!(!is_ours(name), "{name}");
        }
    }

    #[test]
    fn folders_of_earlier_versions_count_by_their_manifest() {
        let tmp = tempfile::tempdir().unwrap();
        std::fs::write(tmp.path().join("manifest.json"), "{\"tool\": \"fission\"}").unwrap();
        std::fs::write(tmp.path().join("runs.csv"), "").unwrap();
        assert!(check(tmp.path(), false).is_ok());
    }
}
