//! One run per output folder: an exclusive advisory lock (`flock`) on the staging folder, held
//! from before the first file is written until the results are in place. The kernel releases it
//! when the holder exits, however it exits, so a killed run leaves no stale lock; the holder's
//! process id and command line are written beside it for the message a second run prints.

use std::fs::{File, TryLockError};
use std::os::unix::fs::MetadataExt;
use std::path::Path;

use crate::error::{Error, Result};

/// The file naming the lock's holder, inside the staging folder.
pub const HOLDER: &str = "holder";

/// A held lock on a folder; released when dropped.
#[derive(Debug)]
pub struct FolderLock {
    _file: File,
}

impl FolderLock {
    /// Locks the folder `dir` (which must exist) for this process. Between opening and locking,
    /// another run may have renamed or removed the folder; the lock is then on the wrong inode,
    /// so the path is checked again after locking.
    ///
    /// # Errors
    /// [`Error::Input`] if another process holds the lock (naming it); [`Error::Io`] if the
    /// folder cannot be opened or locked.
    pub fn acquire(dir: &Path) -> Result<Self> {
        let file = File::open(dir).map_err(|e| Error::io("open", dir, e))?;
        match file.try_lock() {
            Ok(()) => {}
            Err(TryLockError::WouldBlock) => {
                let holder = std::fs::read_to_string(dir.join(HOLDER))
                    .ok()
                    .and_then(|t| t.lines().next().map(str::to_string))
                    .unwrap_or_else(|| "another process".into());
                return Err(Error::Input(format!(
                    "`{}` is being written by another fission run ({holder}); wait for it to \
                     finish or choose another --out",
                    dir.display()
                )));
            }
            Err(TryLockError::Error(e)) => return Err(Error::io("lock", dir, e)),
        }
        let same =
            |a: &std::fs::Metadata, b: &std::fs::Metadata| a.dev() == b.dev() && a.ino() == b.ino();
        let locked = file.metadata().map_err(|e| Error::io("inspect", dir, e))?;
        match std::fs::symlink_metadata(dir) {
            Ok(now) if same(&locked, &now) => {}
            _ => {
                return Err(Error::Input(format!(
                    "`{}` was replaced by another fission run while this one started; run again",
                    dir.display()
                )));
            }
        }
        Ok(Self { _file: file })
    }

    /// Records this process and its `command` as the holder, in the locked folder `dir`.
    ///
    /// # Errors
    /// [`Error::Io`] if the file cannot be written.
    pub fn announce(&self, dir: &Path, command: &str) -> Result<()> {
        let holder = dir.join(HOLDER);
        std::fs::write(&holder, format!("pid {}: {command}\n", std::process::id()))
            .map_err(|e| Error::io("write", &holder, e))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_second_lock_is_refused_naming_the_holder_and_freed_on_drop() {
        let tmp = tempfile::tempdir().unwrap();
        let first = FolderLock::acquire(tmp.path()).unwrap();
        first.announce(tmp.path(), "fission run a.toml").unwrap();
        let e = FolderLock::acquire(tmp.path()).unwrap_err().to_string();
        assert!(e.contains("fission run a.toml") && e.contains("pid"), "{e}");
        drop(first);
        assert!(FolderLock::acquire(tmp.path()).is_ok());
    }
}
