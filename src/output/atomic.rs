//! An output folder built under a temporary name and renamed into place when complete, so an
//! interrupted run never leaves a folder that looks finished.

use std::path::{Path, PathBuf};

use crate::error::{Error, Result};

/// The journal's file name inside the partial folder.
pub const JOURNAL: &str = "journal.jsonl";

/// A folder being written; [`OutputDir::commit`] moves it to its final name.
#[derive(Debug)]
pub struct OutputDir {
    target: PathBuf,
    staging: PathBuf,
}

impl OutputDir {
    /// Starts writing the folder `target` (created on commit). An existing `target` is replaced on
    /// commit only if it holds a `manifest.json` (i.e. fission wrote it). The folder is written
    /// under the hidden name `.<name>.partial` beside it; with `resume`, an interrupted run's
    /// partial folder is kept and continued, otherwise it is cleared.
    ///
    /// # Errors
    /// [`Error::Input`] if `target` exists and was not written by fission; [`Error::Io`] if the
    /// staging folder cannot be created.
    pub fn create(target: &Path, resume: bool) -> Result<Self> {
        if target.exists() && !target.join("manifest.json").is_file() {
            return Err(Error::Input(format!(
                "`{}` exists and was not written by fission; choose another --out folder or remove it",
                target.display()
            )));
        }
        let name = target
            .file_name()
            .map_or_else(|| "out".into(), |n| n.to_string_lossy().into_owned());
        let staging = target.with_file_name(format!(".{name}.partial"));
        if !resume && staging.exists() {
            std::fs::remove_dir_all(&staging).map_err(|e| Error::io("clear", &staging, e))?;
        }
        std::fs::create_dir_all(staging.join("plots"))
            .map_err(|e| Error::io("create", &staging, e))?;
        Ok(Self {
            target: target.to_path_buf(),
            staging,
        })
    }

    /// Path of `file` inside the folder being written.
    pub fn path(&self, file: &str) -> PathBuf {
        self.staging.join(file)
    }

    /// Moves the finished folder into place, replacing an earlier fission output.
    ///
    /// # Errors
    /// [`Error::Io`] if the old folder cannot be removed or the rename fails.
    pub fn commit(self) -> Result<PathBuf> {
        if self.target.exists() {
            std::fs::remove_dir_all(&self.target)
                .map_err(|e| Error::io("replace", &self.target, e))?;
        }
        std::fs::rename(&self.staging, &self.target)
            .map_err(|e| Error::io("move results into", &self.target, e))?;
        Ok(self.target.clone())
    }
}

impl Drop for OutputDir {
    fn drop(&mut self) {
        // Not committed (an error): remove the partial folder, unless it holds finished runs
        // that `--resume` can use.
        if self.staging.exists() && !self.staging.join(JOURNAL).exists() {
            let _ = std::fs::remove_dir_all(&self.staging);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folder_appears_only_on_commit_and_never_clobbers_foreign_folders() {
        let tmp = tempfile::tempdir().unwrap();
        let target = tmp.path().join("run");
        let out = OutputDir::create(&target, false).unwrap();
        std::fs::write(out.path("manifest.json"), "{}").unwrap();
        assert!(!target.exists());
        out.commit().unwrap();
        assert!(target.join("manifest.json").is_file());
        // Replacing our own output works; dropping without commit leaves the old one.
        let again = OutputDir::create(&target, false).unwrap();
        drop(again);
        assert!(target.join("manifest.json").is_file());
        assert_eq!(std::fs::read_dir(tmp.path()).unwrap().count(), 1);
        // An interrupted run's partial folder survives with its journal, for --resume, and is
        // cleared by the next run without it.
        let out = OutputDir::create(&target, false).unwrap();
        std::fs::write(out.path(JOURNAL), "{}").unwrap();
        let staging = out.path("");
        drop(out);
        assert!(staging.join(JOURNAL).is_file());
        let resumed = OutputDir::create(&target, true).unwrap();
        assert!(resumed.path(JOURNAL).is_file());
        drop(resumed);
        drop(OutputDir::create(&target, false).unwrap());
        assert!(!staging.exists());
        let foreign = tmp.path().join("mine");
        std::fs::create_dir(&foreign).unwrap();
        assert!(OutputDir::create(&foreign, false).is_err());
    }
}
