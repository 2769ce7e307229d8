//! SNAP-style edge-list files: `#` or `%` comment lines, then `u v` per line (whitespace or comma
//! separated), optionally a third column `strong`/`weak`. Arbitrary non-negative integer ids are
//! remapped densely in ascending order; duplicates and self-loops are dropped and counted.

use std::io::{BufRead, BufReader};
use std::path::Path;

use super::SocialGraph;
use crate::error::{Error, Result};

/// Reads an edge list. Edges without a tie column get `strong_of(u, v)` (dense ids, `u < v`), or
/// weak when that is `None`.
///
/// # Errors
/// [`Error::Io`] if the file cannot be opened or read; [`Error::Input`] naming the line for a
/// malformed line or an empty file.
pub fn read(path: &Path, strong_of: Option<&dyn Fn(u32, u32) -> bool>) -> Result<SocialGraph> {
    let file = std::fs::File::open(path).map_err(|e| Error::io("open edge list", path, e))?;
    let mut raw: Vec<(u64, u64, Option<bool>)> = Vec::new();
    for (i, line) in BufReader::new(file).lines().enumerate() {
        let line = line.map_err(|e| Error::io("read edge list", path, e))?;
        let text = line.trim();
        if text.is_empty() || text.starts_with('#') || text.starts_with('%') {
            continue;
        }
        let bad = |why: &str| {
            Error::Input(format!(
                "{}:{}: {why} in `{text}`; expected `u v` with non-negative integer ids, optionally `strong`/`weak`",
                path.display(),
                i + 1
            ))
        };
        let mut fields = text
            .split(|c: char| c.is_whitespace() || c == ',')
            .filter(|f| !f.is_empty());
        let mut id = |name: &str| -> Result<u64> {
            let f = fields
                .next()
                .ok_or_else(|| bad(&format!("missing {name} id")))?;
            f.parse::<u64>()
                .map_err(|_| bad(&format!("`{f}` is not an integer id")))
        };
        let (u, v) = (id("first")?, id("second")?);
        let tie = match fields.next() {
            None => None,
            Some("strong" | "s") => Some(true),
            Some("weak" | "w") => Some(false),
            // SNAP files may carry weights or timestamps; they do not affect the model.
            Some(other) if other.parse::<f64>().is_ok() => None,
            Some(other) => {
                return Err(bad(&format!(
                    "third column `{other}` is neither a number nor strong/weak"
                )));
            }
        };
        raw.push((u, v, tie));
    }
    if raw.is_empty() {
        return Err(Error::Input(format!(
            "{}: the edge list has no edges",
            path.display()
        )));
    }
    let mut ids: Vec<u64> = raw.iter().flat_map(|&(u, v, _)| [u, v]).collect();
    ids.sort_unstable();
    ids.dedup();
    if ids.len() >= u32::MAX as usize {
        return Err(Error::Input(format!(
            "{}: more than {} nodes",
            path.display(),
            u32::MAX - 1
        )));
    }
    let dense = |x: u64| ids.binary_search(&x).map_or(0, |i| i as u32);
    let edges: Vec<(u32, u32)> = raw.iter().map(|&(u, v, _)| (dense(u), dense(v))).collect();
    let given: Vec<((u32, u32), bool)> = raw
        .iter()
        .zip(&edges)
        .filter_map(|(&(_, _, t), &(u, v))| t.map(|s| ((u.min(v), u.max(v)), s)))
        .collect();
    let mut g = if given.is_empty() {
        SocialGraph::from_edges(ids.len() as u32, &edges, strong_of)?
    } else {
        let mut given = given;
        given.sort_unstable();
        let lookup = |u: u32, v: u32| match given.binary_search_by(|(k, _)| k.cmp(&(u, v))) {
            Ok(i) => given[i].1,
            Err(_) => strong_of.is_some_and(|f| f(u, v)),
        };
        SocialGraph::from_edges(ids.len() as u32, &edges, Some(&lookup))?
    };
    g.original_ids = Some(ids);
    Ok(g)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    fn write(text: &str) -> tempfile::NamedTempFile {
        let mut f = tempfile::NamedTempFile::new().unwrap();
        f.write_all(text.as_bytes()).unwrap();
        f
    }

    #[test]
    fn reads_snap_format_with_remapping() {
        let f = write("# comment\n10 20\n20,30\n30 10 strong\n10 10\n20 10\n\n% another\n");
        let g = read(f.path(), None).unwrap();
        assert_eq!(g.node_count(), 3);
        assert_eq!(g.edge_count(), 3);
        assert_eq!(g.dropped().duplicates, 1);
        assert_eq!(g.dropped().self_loops, 1);
        assert_eq!(g.dense_id(30), Some(2));
        assert_eq!(g.original_id(1), 20);
        assert!(g.is_strong(0, 2) && g.is_strong(2, 0) && !g.is_strong(0, 1));
        assert_eq!(g.dense_id(99), None);
    }

    #[test]
    fn malformed_lines_name_file_and_line() {
        let f = write("1 2\n3 x\n");
        let e = read(f.path(), None).unwrap_err().to_string();
        assert!(e.contains(":2: `x` is not an integer id"), "{e}");
        let f = write("1\n");
        assert!(
            read(f.path(), None)
                .unwrap_err()
                .to_string()
                .contains(":1: missing second id")
        );
        let f = write("# only comments\n");
        assert!(
            read(f.path(), None)
                .unwrap_err()
                .to_string()
                .contains("no edges")
        );
    }
}
