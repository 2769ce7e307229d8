//! Edge-list files as people have them: SNAP-style `u v` lines or CSV exports with a header row;
//! separated by spaces, tabs or commas; `\n`, `\r\n` or `\r` line ends; an optional UTF-8
//! byte-order mark; `#` or `%` comment lines; a third column that is a tie class
//! (`strong`/`weak`) or a numeric weight. Ids are non-negative integers (remapped densely in
//! ascending order) or, as soon as one id is not, names (numbered in order of first appearance).
//! Duplicates and self-loops are dropped and counted. Anything ambiguous — more than three
//! columns, a line over [`MAX_LINE`] bytes, text that is not UTF-8 — is an error naming the line.

use std::collections::HashMap;
use std::io::{BufRead, BufReader};
use std::path::Path;

use super::{FileIds, SocialGraph};
use crate::error::{Error, Result, excerpt};
use crate::scenario::EdgeList;

/// Longest line read, in bytes (a longer one means the file is not an edge list).
pub const MAX_LINE: usize = 4096;

/// Column names that make a first line a header row (compared case-insensitively).
const HEADER_WORDS: [&str; 32] = [
    "source",
    "target",
    "src",
    "dst",
    "from",
    "to",
    "u",
    "v",
    "node1",
    "node2",
    "node_1",
    "node_2",
    "id1",
    "id2",
    "id_1",
    "id_2",
    "source_id",
    "target_id",
    "user",
    "friend",
    "user_id",
    "friend_id",
    "follower",
    "followee",
    "weight",
    "w",
    "tie",
    "strong",
    "type",
    "kind",
    "label",
    "value",
];

/// One parsed edge before the ids are made dense.
struct RawEdge<T> {
    u: T,
    v: T,
    tie: Option<bool>,
}

/// How the file's ids are read.
#[derive(Clone, Copy, PartialEq, Eq)]
enum IdKind {
    Numbers,
    Names,
}

/// Reads an edge list with the settings of `[graph.edge_list]` (`None`: the defaults). Edges
/// without a tie column get `strong_of(u, v)` (dense ids, `u < v`), or weak when that is `None`.
///
/// # Errors
/// [`Error::Io`] if the file cannot be opened or read; [`Error::Input`] naming the line for a
/// malformed line, or for a file that is empty or not a regular file.
pub fn read(
    path: &Path,
    settings: Option<&EdgeList>,
    strong_of: Option<&dyn Fn(u32, u32) -> bool>,
) -> Result<SocialGraph> {
    let meta = std::fs::metadata(path).map_err(|e| Error::io("open edge list", path, e))?;
    if !meta.is_file() {
        return Err(Error::Input(format!(
            "{}: not a regular file; give the path of an edge-list text file",
            path.display()
        )));
    }
    let strong_weight = settings.and_then(|s| s.strong_weight);
    let header = settings.and_then(|s| s.header);
    match parse::<u64>(path, IdKind::Numbers, header, strong_weight)? {
        Some(raw) => {
            let mut ids: Vec<u64> = raw.iter().flat_map(|e| [e.u, e.v]).collect();
            ids.sort_unstable();
            ids.dedup();
            let dense = |x: u64| ids.binary_search(&x).map_or(0, |i| i as u32);
            let edges: Vec<(u32, u32, Option<bool>)> = raw
                .iter()
                .map(|e| (dense(e.u), dense(e.v), e.tie))
                .collect();
            drop(raw);
            build(path, ids.len(), &edges, strong_of, FileIds::Numbers(ids))
        }
        None => {
            let raw =
                parse::<String>(path, IdKind::Names, header, strong_weight)?.unwrap_or_default();
            let mut index: HashMap<&str, u32> = HashMap::new();
            let mut names: Vec<&str> = Vec::new();
            let mut edges = Vec::with_capacity(raw.len());
            for e in &raw {
                let u = id_of(&mut index, &mut names, &e.u);
                let v = id_of(&mut index, &mut names, &e.v);
                edges.push((u, v, e.tie));
            }
            let names: Vec<String> = names.into_iter().map(str::to_string).collect();
            build(path, names.len(), &edges, strong_of, FileIds::Names(names))
        }
    }
}

/// The dense id of `name`, numbering new names in order of first appearance.
fn id_of<'a>(index: &mut HashMap<&'a str, u32>, names: &mut Vec<&'a str>, name: &'a str) -> u32 {
    *index.entry(name).or_insert_with(|| {
        names.push(name);
        (names.len() - 1) as u32
    })
}

/// The CSR graph of dense `edges` on `n` members, tie classes from the file where it gives them.
fn build(
    path: &Path,
    n: usize,
    edges: &[(u32, u32, Option<bool>)],
    strong_of: Option<&dyn Fn(u32, u32) -> bool>,
    ids: FileIds,
) -> Result<SocialGraph> {
    if n >= u32::MAX as usize {
        return Err(Error::Input(format!(
            "{}: more than {} members",
            path.display(),
            u32::MAX - 1
        )));
    }
    let plain: Vec<(u32, u32)> = edges.iter().map(|&(u, v, _)| (u, v)).collect();
    let mut given: Vec<((u32, u32), bool)> = edges
        .iter()
        .filter_map(|&(u, v, t)| t.map(|s| ((u.min(v), u.max(v)), s)))
        .collect();
    let mut g = if given.is_empty() {
        SocialGraph::from_edges(n as u32, &plain, strong_of)?
    } else {
        given.sort_unstable();
        let lookup = |u: u32, v: u32| match given.binary_search_by(|(k, _)| k.cmp(&(u, v))) {
            Ok(i) => given[i].1,
            Err(_) => strong_of.is_some_and(|f| f(u, v)),
        };
        SocialGraph::from_edges(n as u32, &plain, Some(&lookup))?
    };
    g.file_ids = Some(ids);
    Ok(g)
}

/// An id read as `T`: a number (`None` if the text is not one) or a name.
trait Id: Sized {
    fn read(text: &str) -> Option<Self>;
}

impl Id for u64 {
    fn read(text: &str) -> Option<Self> {
        text.parse().ok()
    }
}

impl Id for String {
    fn read(text: &str) -> Option<Self> {
        Some(text.to_string())
    }
}

/// Parses every edge with ids of type `T`. `Ok(None)` when reading numbers and an id is not a
/// number: the file is read again with names.
fn parse<T: Id>(
    path: &Path,
    kind: IdKind,
    header: Option<bool>,
    strong_weight: Option<f64>,
) -> Result<Option<Vec<RawEdge<T>>>> {
    let file = std::fs::File::open(path).map_err(|e| Error::io("open edge list", path, e))?;
    let mut edges = Vec::new();
    let mut first_data = true;
    let mut names_needed = false;
    for_each_line(BufReader::new(file), path, &mut |number, line| {
        let text = line.trim();
        if text.is_empty() || text.starts_with('#') || text.starts_with('%') {
            return Ok(true);
        }
        let bad = |why: &str| {
            Error::Input(format!(
                "{}:{number}: {why}; expected `u v`, optionally a third column `strong`/`weak` \
                 or a numeric weight, separated by spaces, tabs or commas",
                path.display()
            ))
        };
        let fields: Vec<&str> = text
            .split(|c: char| c.is_whitespace() || c == ',')
            .filter(|f| !f.is_empty())
            .map(|f| {
                f.strip_prefix('"')
                    .and_then(|f| f.strip_suffix('"'))
                    .unwrap_or(f)
            })
            .collect();
        let is_first = std::mem::replace(&mut first_data, false);
        let looks_like_header = fields
            .iter()
            .all(|f| HEADER_WORDS.iter().any(|w| w.eq_ignore_ascii_case(f)));
        if is_first && header.unwrap_or(looks_like_header) {
            return Ok(true);
        }
        match fields.len() {
            2 | 3 => {}
            1 => return Err(bad(&format!("one column `{}`", excerpt(fields[0])))),
            k => {
                return Err(bad(&format!(
                    "{k} columns, but an edge has two ids and an optional third column (an \
                     adjacency list `u v1 v2 …` is not read: write one edge per line)"
                )));
            }
        }
        let (Some(u), Some(v)) = (T::read(fields[0]), T::read(fields[1])) else {
            // Only reading numbers can fail: switch to names.
            names_needed = true;
            return Ok(false);
        };
        let tie = match fields.get(2).copied() {
            None => None,
            Some(t) if t.eq_ignore_ascii_case("strong") || t.eq_ignore_ascii_case("s") => {
                Some(true)
            }
            Some(t) if t.eq_ignore_ascii_case("weak") || t.eq_ignore_ascii_case("w") => Some(false),
            Some(t) => match t.parse::<f64>() {
                Ok(w) if w.is_finite() => strong_weight.map(|s| w >= s),
                _ => {
                    return Err(bad(&format!(
                        "third column `{}` is neither a number nor strong/weak",
                        excerpt(t)
                    )));
                }
            },
        };
        edges.push(RawEdge { u, v, tie });
        Ok(true)
    })?;
    if names_needed && kind == IdKind::Numbers {
        return Ok(None);
    }
    if edges.is_empty() {
        return Err(Error::Input(format!(
            "{}: the edge list has no edges",
            path.display()
        )));
    }
    Ok(Some(edges))
}

/// Calls `f(line number, text)` for each line of `reader`, split at `\n`, `\r\n` or `\r`, with a
/// leading byte-order mark removed, until `f` returns `Ok(false)`.
///
/// # Errors
/// [`Error::Input`] for a line over [`MAX_LINE`] bytes or not UTF-8; [`Error::Io`] if reading
/// fails; whatever `f` returns.
fn for_each_line(
    mut reader: impl BufRead,
    path: &Path,
    f: &mut dyn FnMut(usize, &str) -> Result<bool>,
) -> Result<()> {
    let mut line: Vec<u8> = Vec::new();
    let mut number = 0usize;
    let mut after_cr = false;
    loop {
        let buf = reader
            .fill_buf()
            .map_err(|e| Error::io("read edge list", path, e))?;
        if buf.is_empty() {
            if !line.is_empty() {
                number += 1;
                emit(&line, number, path, f)?;
            }
            return Ok(());
        }
        if after_cr && buf[0] == b'\n' {
            reader.consume(1);
            after_cr = false;
            continue;
        }
        after_cr = false;
        let end = buf.iter().position(|&b| b == b'\n' || b == b'\r');
        let take = end.unwrap_or(buf.len());
        if line.len() + take > MAX_LINE {
            return Err(Error::Input(format!(
                "{}:{}: the line is longer than {MAX_LINE} bytes; is this an edge list?",
                path.display(),
                number + 1
            )));
        }
        line.extend_from_slice(&buf[..take]);
        match end {
            Some(i) => {
                after_cr = buf[i] == b'\r';
                reader.consume(i + 1);
                number += 1;
                if !emit(&line, number, path, f)? {
                    return Ok(());
                }
                line.clear();
            }
            None => reader.consume(take),
        }
    }
}

/// Checks one line's text and hands it to `f`.
fn emit(
    line: &[u8],
    number: usize,
    path: &Path,
    f: &mut dyn FnMut(usize, &str) -> Result<bool>,
) -> Result<bool> {
    let text = std::str::from_utf8(line).map_err(|e| {
        Error::Input(format!(
            "{}:{number}: not UTF-8 text (byte {} of the line); save the file as UTF-8",
            path.display(),
            e.valid_up_to() + 1
        ))
    })?;
    let text = if number == 1 {
        text.strip_prefix('\u{feff}').unwrap_or(text)
    } else {
        text
    };
    f(number, text)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    fn write(text: &[u8]) -> tempfile::NamedTempFile {
        let mut f = tempfile::NamedTempFile::new().unwrap();
        f.write_all(text).unwrap();
        f
    }

    fn error(text: &[u8]) -> String {
        read(write(text).path(), None, None)
            .unwrap_err()
            .to_string()
    }

    #[test]
    fn reads_snap_format_with_remapping() {
        let f = write(b"# comment\n10 20\n20,30\n30 10 strong\n10 10\n20 10\n\n% another\n");
        let g = read(f.path(), None, None).unwrap();
        assert_eq!(g.node_count(), 3);
        assert_eq!(g.edge_count(), 3);
        assert_eq!(g.dropped().duplicates, 1);
        assert_eq!(g.dropped().self_loops, 1);
        assert_eq!(g.dense_id(&30.into()), Some(2));
        assert!(g.is_strong(0, 2) && g.is_strong(2, 0) && !g.is_strong(0, 1));
        assert_eq!(g.dense_id(&99.into()), None);
    }

    #[test]
    fn malformed_lines_name_file_and_line() {
        let e = error(b"1 2\n3\n");
        assert!(e.contains(":2: one column `3`"), "{e}");
        assert!(error(b"# only comments\n").contains("no edges"));
        assert!(error(b"1 2 heavy\n").contains("third column `heavy`"));
    }

    #[test]
    fn line_ends_bom_and_separators_as_exported() {
        for text in [
            &b"1 2\r2 3\r3 1\r"[..],
            b"1 2\r\n2 3\r\n3 1",
            b"\xef\xbb\xbf1\t2\n2\t3\n3\t1\n",
            b"source,target\n1,2\n2,3\n3,1\n",
            b"1  2\n2\t3\n3, 1\n",
            b"\"1\",\"2\"\n\"2\",\"3\"\n\"3\",\"1\"\n",
        ] {
            let g = read(write(text).path(), None, None).unwrap();
            assert_eq!((g.node_count(), g.edge_count()), (3, 3), "{text:?}");
        }
    }

    #[test]
    fn names_are_numbered_by_first_appearance() {
        let f = write("from,to,weight\n张三,李四,0.9\nbob,张三,0.2\n".as_bytes());
        let settings = EdgeList {
            path: String::new(),
            header: None,
            strong_weight: Some(0.5),
        };
        let g = read(f.path(), Some(&settings), None).unwrap();
        assert_eq!(g.node_count(), 3);
        assert_eq!(g.dense_id(&"李四".into()), Some(1));
        assert_eq!(g.file_id(2), "bob");
        assert!(g.is_strong(0, 1) && !g.is_strong(0, 2));
        // A header switched off: the first line is an edge between names.
        let f = write(b"u v\n1 2\n");
        let off = EdgeList {
            header: Some(false),
            ..settings
        };
        assert_eq!(read(f.path(), Some(&off), None).unwrap().node_count(), 4);
    }

    #[test]
    fn ambiguous_or_foreign_input_is_an_error_with_the_line() {
        let e = error(b"0 1 2 3 4 5\n");
        assert!(
            e.contains(":1: 6 columns") && e.contains("adjacency"),
            "{e}"
        );
        let e = error(b"1 2\n2 \xff\n");
        assert!(e.contains(":2: not UTF-8"), "{e}");
        let long = vec![b'1'; MAX_LINE + 10];
        assert!(error(&long).contains("longer than"));
        let e = read(Path::new("/dev/zero"), None, None)
            .unwrap_err()
            .to_string();
        assert!(e.contains("not a regular file"), "{e}");
    }
}
