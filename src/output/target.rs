//! Where an output folder goes: `--out` resolved to an absolute path with every symbolic link
//! followed, refusing the folders no run may replace (the root, the current folder or any folder
//! above it, the home folder or any folder above it).

use std::path::{Component, Path, PathBuf};

use crate::error::{Error, Result};

/// Resolves `out` (relative to the current folder) to the absolute path the run will write, and
/// refuses a path whose replacement would remove files around the user's work.
///
/// The existing part of the path is canonicalised (so a symbolic link to a folder means that
/// folder); the rest must be plain names.
///
/// # Errors
/// [`Error::Input`] for `.`, `..`, `/`, the current folder or an ancestor of it, the home folder
/// or an ancestor of it, a dangling symbolic link, or `..` after a missing folder;
/// [`Error::Io`] if the current folder cannot be read.
pub fn resolve(out: &Path) -> Result<PathBuf> {
    let refuse = |why: &str| {
        Error::Input(format!(
            "--out `{}`: {why}; give a folder of its own, e.g. --out outputs/<name>",
            out.display()
        ))
    };
    if out.as_os_str().is_empty() {
        return Err(refuse("is empty"));
    }
    let cwd = std::env::current_dir()
        .map_err(|e| Error::io("read the current folder", Path::new("."), e))?;
    let absolute = cwd.join(out);
    // Split into the longest prefix that exists (canonicalised) and the names below it.
    let mut existing = absolute.clone();
    let mut missing: Vec<std::ffi::OsString> = Vec::new();
    while std::fs::symlink_metadata(&existing).is_err() {
        match existing.components().next_back() {
            Some(Component::Normal(name)) => missing.push(name.to_os_string()),
            Some(Component::ParentDir) => {
                return Err(refuse("has `..` after a folder that does not exist"));
            }
            _ => return Err(refuse("cannot be resolved")),
        }
        existing.pop();
    }
    let mut target = std::fs::canonicalize(&existing).map_err(|_| {
        let to = std::fs::read_link(&existing)
            .map_or_else(|_| String::from("?"), |p| p.display().to_string());
        refuse(&format!(
            "`{}` is a symbolic link to `{to}`, which does not exist",
            existing.display()
        ))
    })?;
    target.extend(missing.iter().rev());
    if target.parent().is_none() {
        return Err(refuse("is the root folder"));
    }
    let cwd = std::fs::canonicalize(&cwd).unwrap_or(cwd);
    if cwd.starts_with(&target) {
        return Err(refuse(
            "is the current folder or a folder above it, which fission would replace",
        ));
    }
    if let Some(home) = std::env::var_os("HOME").filter(|h| !h.is_empty()) {
        let home = std::fs::canonicalize(&home).unwrap_or_else(|_| PathBuf::from(home));
        if home.starts_with(&target) {
            return Err(refuse(
                "is the home folder or a folder above it, which fission would replace",
            ));
        }
    }
    Ok(target)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn error(p: &str) -> String {
        resolve(Path::new(p)).unwrap_err().to_string()
    }

    #[test]
    fn the_current_folder_its_ancestors_and_the_root_are_refused() {
        for p in [".", "..", "./", "../..", "/", ""] {
            let e = error(p);
            assert!(e.starts_with(&format!("--out `{p}`:")), "{p}: {e}");
        }
        let cwd = std::env::current_dir().unwrap();
        let e = error(&cwd.join(".").display().to_string());
        assert!(e.contains("current folder"), "{e}");
        let parent = cwd.parent().unwrap().display().to_string();
        assert!(error(&parent).contains("current folder"));
    }

    #[test]
    fn new_folders_and_symlinks_resolve_beside_their_real_parent() {
        let tmp = tempfile::tempdir().unwrap();
        let real = std::fs::canonicalize(tmp.path()).unwrap();
        let t = resolve(&tmp.path().join("a/b/c")).unwrap();
        assert_eq!(t, real.join("a/b/c"));
        let t = resolve(&tmp.path().join("x/.")).unwrap();
        assert_eq!(t, real.join("x"));
        std::fs::create_dir(real.join("dir")).unwrap();
        std::os::unix::fs::symlink(real.join("dir"), real.join("link")).unwrap();
        assert_eq!(resolve(&real.join("link")).unwrap(), real.join("dir"));
        std::os::unix::fs::symlink(real.join("gone"), real.join("dangling")).unwrap();
        assert!(
            resolve(&real.join("dangling"))
                .unwrap_err()
                .to_string()
                .contains("does not exist")
        );
        assert!(
            resolve(&real.join("nope/../x"))
                .unwrap_err()
                .to_string()
                .contains("`..`")
        );
    }
}
