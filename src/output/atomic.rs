//! An output folder built under a temporary name and renamed into place when complete, so an
//! interrupted run never leaves a folder that looks finished.

use std::path::{Path, PathBuf};

use crate::error::{Error, Result};

/// A folder being written; [`OutputDir::commit`] moves it to its final name.
#[derive(Debug)]
pub struct OutputDir {
    target: PathBuf,
    staging: PathBuf,
}

impl OutputDir {
    /// Starts writing the folder `target` (created on commit). An existing `target` is replaced on
    /// commit only if it holds a `manifest.json` (i.e. fission wrote it).
    ///
    /// # Errors
    /// [`Error::Input`] if `target` exists and was not written by fission; [`Error::Io`] if the
    /// staging folder cannot be created.
    pub fn create(target: &Path) -> Result<Self> {
        if target.exists() && !target.join("manifest.json").is_file() {
            return Err(Error::Input(format!(
                "`{}` exists and was not written by fission; choose another --out folder or remove it",
                target.display()
            )));
        }
        let name = target
            .file_name()
            .map_or_else(|| "out".into(), |n| n.to_string_lossy().into_owned());
        let prefix = format!(".{name}.partial-");
        // A run that was killed (Ctrl-C skips destructors) leaves its staging folder behind;
        // clear those of this target before starting.
        let parent = target
            .parent()
            .filter(|p| !p.as_os_str().is_empty())
            .unwrap_or(Path::new("."));
        if let Ok(entries) = std::fs::read_dir(parent) {
            for entry in entries.flatten() {
                if entry.file_name().to_string_lossy().starts_with(&prefix) {
                    let stale = entry.path();
                    std::fs::remove_dir_all(&stale).map_err(|e| Error::io("clear", &stale, e))?;
                }
            }
        }
        let staging = target.with_file_name(format!("{prefix}{}", std::process::id()));
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

    /// The final folder.
    pub fn target(&self) -> &Path {
        &self.target
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
        // Not committed (error or interruption): remove the partial folder.
        if self.staging.exists() {
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
        let out = OutputDir::create(&target).unwrap();
        std::fs::write(out.path("manifest.json"), "{}").unwrap();
        assert!(!target.exists());
        out.commit().unwrap();
        assert!(target.join("manifest.json").is_file());
        // Replacing our own output works; dropping without commit leaves the old one.
        let again = OutputDir::create(&target).unwrap();
        drop(again);
        assert!(target.join("manifest.json").is_file());
        assert_eq!(std::fs::read_dir(tmp.path()).unwrap().count(), 1);
        // A killed run's staging folder is cleared by the next run into the same target.
        let stale = tmp.path().join(".run.partial-1");
        std::fs::create_dir(&stale).unwrap();
        drop(OutputDir::create(&target).unwrap());
        assert!(!stale.exists());
        let foreign = tmp.path().join("mine");
        std::fs::create_dir(&foreign).unwrap();
        assert!(OutputDir::create(&foreign).is_err());
    }
}
