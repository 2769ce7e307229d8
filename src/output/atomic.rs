//! An output folder built under a temporary name beside its target and moved into place when
//! complete, so an interrupted run never leaves a folder that looks finished, and nothing fission
//! did not write is ever removed.
//!
//! The protocol, for `--out DIR` (resolved by [`super::target::resolve`]):
//! 1. `DIR`, if it exists, must be a folder fission wrote ([`super::owner::check`]).
//! 2. The staging folder `.DIR.partial` beside it is created (or reused) and locked
//!    ([`super::lock::FolderLock`]); a second run into `DIR` stops here. A staging folder left by
//!    a killed run is reused only if fission wrote it; without `--resume` it is emptied.
//! 3. The run writes everything into the staging folder, journal first.
//! 4. Commit: `DIR` is checked again and moved aside to `.DIR.replaced`, the staging folder is
//!    renamed to `DIR`, the old folder is removed, and last of all the journal and the holder
//!    file. A kill at any point leaves either the journal (`--resume` finishes the run) or the
//!    finished folder.

use std::path::{Path, PathBuf};

use super::lock::{FolderLock, HOLDER};
use super::{journal, owner};
use crate::error::{Error, Result};

/// A folder being written; [`OutputDir::commit`] moves it to its final name.
#[derive(Debug)]
pub struct OutputDir {
    target: PathBuf,
    staging: PathBuf,
    lock: Option<FolderLock>,
}

/// The hidden sibling of `target` named `.<name>.<suffix>`.
fn sibling(target: &Path, suffix: &str) -> PathBuf {
    let name = target
        .file_name()
        .map_or_else(String::new, |n| n.to_string_lossy().into_owned());
    target.with_file_name(format!(".{name}.{suffix}"))
}

impl OutputDir {
    /// Starts writing the folder `target` (resolved and absolute; created on commit), holding
    /// the lock on its staging folder. With `resume`, an interrupted run's staging folder is kept
    /// and continued, otherwise it is emptied. `command` names this run to a second one.
    ///
    /// # Errors
    /// [`Error::Input`] if `target` or a leftover staging folder holds anything fission did not
    /// write, or another run holds the lock; [`Error::Io`] if the staging folder cannot be
    /// created or cleared.
    pub fn create(target: &Path, resume: bool, command: &str) -> Result<Self> {
        if std::fs::symlink_metadata(target).is_ok() {
            owner::check(target, true)?;
        }
        let staging = sibling(target, "partial");
        if let Some(parent) = target.parent() {
            std::fs::create_dir_all(parent).map_err(|e| Error::io("create", parent, e))?;
        }
        match std::fs::create_dir(&staging) {
            Ok(()) => {}
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {}
            Err(e) => return Err(Error::io("create", &staging, e)),
        }
        let lock = FolderLock::acquire(&staging)?;
        owner::check(&staging, true)?;
        if !resume {
            clear(&staging)?;
        }
        owner::mark(&staging)?;
        lock.announce(&staging, command)?;
        std::fs::create_dir_all(staging.join("plots"))
            .map_err(|e| Error::io("create", &staging, e))?;
        Ok(Self {
            target: target.to_path_buf(),
            staging,
            lock: Some(lock),
        })
    }

    /// Path of `file` inside the folder being written.
    pub fn path(&self, file: &str) -> PathBuf {
        self.staging.join(file)
    }

    /// Moves the finished folder into place, replacing an earlier fission output, then removes
    /// the journal: the last step, so that a kill before it can still be resumed.
    ///
    /// # Errors
    /// [`Error::Input`] if the target gained files fission did not write while the run ran;
    /// [`Error::Io`] if a rename or removal fails.
    pub fn commit(mut self) -> Result<PathBuf> {
        let aside = sibling(&self.target, "replaced");
        if std::fs::symlink_metadata(&aside).is_ok() {
            owner::check(&aside, true)?;
            std::fs::remove_dir_all(&aside).map_err(|e| Error::io("remove", &aside, e))?;
        }
        let replacing = std::fs::symlink_metadata(&self.target).is_ok();
        if replacing {
            owner::check(&self.target, true)?;
            std::fs::rename(&self.target, &aside)
                .map_err(|e| Error::io("move aside", &self.target, e))?;
        }
        std::fs::rename(&self.staging, &self.target)
            .map_err(|e| Error::io("move results into", &self.target, e))?;
        if replacing {
            std::fs::remove_dir_all(&aside).map_err(|e| Error::io("remove", &aside, e))?;
        }
        for file in [HOLDER, journal::FILE] {
            let path = self.target.join(file);
            match std::fs::remove_file(&path) {
                Err(e) if e.kind() != std::io::ErrorKind::NotFound => {
                    return Err(Error::io("remove", &path, e));
                }
                _ => {}
            }
        }
        self.lock = None;
        Ok(self.target.clone())
    }
}

/// Removes everything inside `dir` (already checked to be fission's), keeping the folder itself:
/// its inode carries the lock.
fn clear(dir: &Path) -> Result<()> {
    for entry in std::fs::read_dir(dir).map_err(|e| Error::io("read", dir, e))? {
        let path = entry.map_err(|e| Error::io("read", dir, e))?.path();
        if path.is_dir() && !path.is_symlink() {
            std::fs::remove_dir_all(&path)
        } else {
            std::fs::remove_file(&path)
        }
        .map_err(|e| Error::io("clear", &path, e))?;
    }
    Ok(())
}

impl Drop for OutputDir {
    fn drop(&mut self) {
        // Not committed (an error): remove the staging folder, unless it holds finished runs
        // that `--resume` can use. The lock is still held, so no other run is using it.
        if self.lock.is_some() && !self.staging.join(journal::FILE).exists() {
            let _ = std::fs::remove_dir_all(&self.staging);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn create(target: &Path, resume: bool) -> Result<OutputDir> {
        OutputDir::create(target, resume, "test")
    }

    #[test]
    fn folder_appears_only_on_commit_and_never_clobbers_foreign_folders() {
        let tmp = tempfile::tempdir().unwrap();
        let target = tmp.path().join("run");
        let out = create(&target, false).unwrap();
        std::fs::write(out.path("manifest.json"), "{}").unwrap();
        std::fs::write(out.path(journal::FILE), "{}").unwrap();
        assert!(!target.exists());
        out.commit().unwrap();
        assert!(target.join("manifest.json").is_file());
        assert!(!target.join(journal::FILE).exists() && !target.join(HOLDER).exists());
        // Replacing our own output works; dropping without commit leaves the old one.
        let again = create(&target, false).unwrap();
        drop(again);
        assert!(target.join("manifest.json").is_file());
        assert_eq!(std::fs::read_dir(tmp.path()).unwrap().count(), 1);
        // An interrupted run's staging folder survives with its journal, for --resume, and is
        // cleared by the next run without it.
        let out = create(&target, false).unwrap();
        std::fs::write(out.path(journal::FILE), "{}").unwrap();
        let staging = out.path("");
        drop(out);
        assert!(staging.join(journal::FILE).is_file());
        let resumed = create(&target, true).unwrap();
        assert!(resumed.path(journal::FILE).is_file());
        drop(resumed);
        drop(create(&target, false).unwrap());
        assert!(!staging.exists());
        // Folders fission did not write are refused, and so is a run into a locked folder.
        let foreign = tmp.path().join("mine");
        std::fs::create_dir(&foreign).unwrap();
        std::fs::write(foreign.join("manifest.json"), "{}").unwrap();
        assert!(create(&foreign, false).is_err());
        assert!(foreign.join("manifest.json").is_file());
        let held = create(&target, false).unwrap();
        let e = create(&target, false).unwrap_err().to_string();
        assert!(e.contains("another fission run"), "{e}");
        drop(held);
    }

    #[test]
    fn a_foreign_file_added_during_the_run_stops_the_commit() {
        let tmp = tempfile::tempdir().unwrap();
        let target = tmp.path().join("run");
        std::fs::create_dir(&target).unwrap();
        owner::mark(&target).unwrap();
        let out = create(&target, false).unwrap();
        std::fs::write(out.path(journal::FILE), "{}").unwrap();
        std::fs::write(out.path(HOLDER), "").unwrap();
        std::fs::write(target.join("notes.txt"), "mine").unwrap();
        assert!(out.commit().is_err());
        assert!(target.join("notes.txt").is_file());
    }
}
