//! Single files written whole or not at all: the text goes to a temporary file beside the target
//! and is renamed over it only once complete, so a full disk or a kill never leaves a truncated
//! file, and an existing file is replaced only when the caller can tell fission wrote it.

use std::io::Write;
use std::path::Path;

use crate::error::{Error, Result};

/// Writes `path` with `write`, atomically. An existing `path` is replaced only if `replaceable`
/// says so about its first line (`None` when it has none).
///
/// # Errors
/// [`Error::Input`] if `path` exists and may not be replaced; [`Error::Io`] if writing fails
/// (nothing is left behind).
pub fn write_whole(
    path: &Path,
    replaceable: &dyn Fn(Option<&str>) -> bool,
    write: &mut dyn FnMut(&mut dyn Write) -> std::io::Result<()>,
) -> Result<()> {
    if std::fs::symlink_metadata(path).is_ok() {
        let first = first_line(path);
        if !replaceable(first.as_deref()) {
            return Err(Error::Input(format!(
                "`{}` exists and was not written by fission; choose another path or remove it \
                 yourself",
                path.display()
            )));
        }
    }
    let dir = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    let mut tmp = tempfile::Builder::new()
        .prefix(".fission-")
        .tempfile_in(dir)
        .map_err(|e| Error::io("create a file in", dir, e))?;
    let mut w = std::io::BufWriter::new(tmp.as_file_mut());
    write(&mut w)
        .and_then(|()| w.flush())
        .map_err(|e| Error::io("write", path, e))?;
    drop(w);
    tmp.as_file()
        .sync_all()
        .map_err(|e| Error::io("write", path, e))?;
    tmp.persist(path)
        .map_err(|e| Error::io("write", path, e.error))?;
    Ok(())
}

/// The first line of a regular file, if it is text.
fn first_line(path: &Path) -> Option<String> {
    use std::io::{BufRead, Read};
    if !std::fs::symlink_metadata(path).ok()?.is_file() {
        return None;
    }
    let file = std::fs::File::open(path).ok()?;
    let mut line = String::new();
    std::io::BufReader::new(file.take(4096))
        .read_line(&mut line)
        .ok()?;
    Some(line)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn replaces_only_what_the_caller_recognises_and_never_truncates() {
        let tmp = tempfile::tempdir().unwrap();
        let path = tmp.path().join("g.txt");
        let ours = |l: Option<&str>| l.is_some_and(|l| l.starts_with("# ours"));
        write_whole(&path, &ours, &mut |w| w.write_all(b"# ours\n1 2\n")).unwrap();
        write_whole(&path, &ours, &mut |w| w.write_all(b"# ours\n3 4\n")).unwrap();
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "# ours\n3 4\n");
        std::fs::write(&path, "precious").unwrap();
        assert!(write_whole(&path, &ours, &mut |w| w.write_all(b"# ours\n")).is_err());
        let failed = write_whole(&tmp.path().join("h.txt"), &ours, &mut |_| {
            Err(std::io::Error::other("disk full"))
        });
        assert!(failed.is_err());
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "precious");
        assert_eq!(std::fs::read_dir(tmp.path()).unwrap().count(), 1);
    }
}
