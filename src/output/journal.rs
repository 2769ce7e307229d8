//! The run journal: every finished replicate of every arm, appended as one JSON line per run and
//! flushed after each batch, so that an interrupted run (Ctrl-C, kill) loses nothing and
//! `--resume` replays the finished runs instead of recomputing them.

use std::collections::{BTreeMap, HashMap};
use std::fs::File;
use std::io::{BufRead, BufReader, BufWriter, Write};
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::metrics::RunOutput;

/// The journal's file name inside the staging folder.
pub const FILE: &str = "journal.jsonl";

/// What a run depends on: each input (the scenario text, the overrides, the fission binary,
/// every edge-list file) by name, with a fingerprint of its content.
pub type Inputs = BTreeMap<String, String>;

/// The first line: what the journal belongs to.
#[derive(Debug, Serialize, Deserialize)]
struct Header {
    inputs: Inputs,
}

/// One finished run.
#[derive(Debug, Serialize, Deserialize)]
struct Record {
    arm: usize,
    output: RunOutput,
}

/// An open journal.
pub struct Journal {
    path: PathBuf,
    writer: BufWriter<File>,
}

/// Finished runs read back from a journal, by `(arm, replicate)`.
pub type Finished = HashMap<(usize, u64), RunOutput>;

impl Journal {
    /// Starts a new journal at `path` for the experiment with `inputs`.
    ///
    /// # Errors
    /// [`Error::Io`] if the file cannot be written.
    pub fn create(path: &Path, inputs: &Inputs) -> Result<Self> {
        let file = File::create(path).map_err(|e| Error::io("create", path, e))?;
        let mut journal = Self {
            path: path.to_path_buf(),
            writer: BufWriter::new(file),
        };
        journal.line(&Header {
            inputs: inputs.clone(),
        })?;
        journal.flush()?;
        Ok(journal)
    }

    /// Reads the journal at `path` (a torn last line, from a kill mid-write, is dropped) and
    /// starts it again with the runs it held.
    ///
    /// # Errors
    /// [`Error::Input`] if there is no journal or any input changed since it was written (the
    /// message names the input); [`Error::Io`] if it cannot be rewritten.
    pub fn resume(path: &Path, inputs: &Inputs) -> Result<(Self, Finished)> {
        let file = File::open(path).map_err(|_| {
            Error::Input(format!(
                "nothing to resume: `{}` does not exist (the run finished, or never started); \
                 run again without --resume",
                path.display()
            ))
        })?;
        let mut reader = BufReader::new(file);
        let mut first = String::new();
        reader
            .read_line(&mut first)
            .map_err(|e| Error::io("read", path, e))?;
        if !first.ends_with('\n') {
            // Killed while the header was written: nothing was journalled yet.
            return Ok((Self::create(path, inputs)?, Finished::new()));
        }
        let lines = reader.lines();
        let header: Option<Header> = serde_json::from_str(&first).ok();
        let Some(header) = header else {
            return Err(Error::Input(format!(
                "cannot resume from `{}`: it was written by another fission version; run again \
                 without --resume",
                path.display()
            )));
        };
        if let Some(changed) = changed_input(&header.inputs, inputs) {
            return Err(Error::Input(format!(
                "cannot resume from `{}`: {changed} changed since that run, so finished and new \
                 runs would not belong together; run again without --resume",
                path.display()
            )));
        }
        let mut finished = Finished::new();
        let mut records = Vec::new();
        for line in lines {
            let Some(record) = line
                .ok()
                .and_then(|l| serde_json::from_str::<Record>(&l).ok())
            else {
                break;
            };
            records.push(record);
        }
        let mut journal = Self::create(path, inputs)?;
        for r in records {
            journal.line(&r)?;
            finished.insert((r.arm, r.output.replicate), r.output);
        }
        journal.flush()?;
        Ok((journal, finished))
    }

    /// Appends a finished run of `arm` (call [`Journal::flush`] after a batch).
    ///
    /// # Errors
    /// [`Error::Io`] if writing fails.
    pub fn append(&mut self, arm: usize, output: &RunOutput) -> Result<()> {
        #[derive(Serialize)]
        struct RecordRef<'a> {
            arm: usize,
            output: &'a RunOutput,
        }
        self.line(&RecordRef { arm, output })
    }

    fn line(&mut self, value: &impl Serialize) -> Result<()> {
        let io = |e| Error::io("write", &self.path, e);
        serde_json::to_writer(&mut self.writer, value).map_err(|e| io(e.into()))?;
        self.writer.write_all(b"\n").map_err(io)
    }

    /// Writes everything appended so far to the disk.
    ///
    /// # Errors
    /// [`Error::Io`] if writing fails.
    pub fn flush(&mut self) -> Result<()> {
        self.writer
            .flush()
            .map_err(|e| Error::io("write", &self.path, e))
    }
}

/// The first input (by name) that differs between the journal's `then` and the run's `now`.
fn changed_input(then: &Inputs, now: &Inputs) -> Option<String> {
    let names: std::collections::BTreeSet<&String> = then.keys().chain(now.keys()).collect();
    names
        .into_iter()
        .find(|k| then.get(*k) != now.get(*k))
        .cloned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn resume_names_the_input_that_changed() {
        let tmp = tempfile::tempdir().unwrap();
        let path = tmp.path().join(FILE);
        let inputs: Inputs = [("scenario", "1"), ("edge list `g.txt`", "2")]
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .into();
        Journal::create(&path, &inputs).unwrap();
        assert!(Journal::resume(&path, &inputs).is_ok());
        let mut changed = inputs.clone();
        changed.insert("edge list `g.txt`".into(), "3".into());
        let e = Journal::resume(&path, &changed).err().unwrap().to_string();
        assert!(e.contains("edge list `g.txt` changed"), "{e}");
        // A header torn by a kill holds no runs: the journal starts again.
        std::fs::write(&path, "{\"inp").unwrap();
        let (_, finished) = Journal::resume(&path, &inputs).unwrap();
        assert!(finished.is_empty());
        let e = Journal::resume(&tmp.path().join("none"), &inputs)
            .err()
            .unwrap()
            .to_string();
        assert!(e.contains("nothing to resume"), "{e}");
    }
}
