//! Everything checked before the first replicate runs, in one function that `fission validate`
//! and `fission run` both call, so the two cannot drift: the experiment (every arm), the
//! preflight budget, every graph and seeding, and every metric the experiment reads.

use std::path::Path;
use std::time::Instant;

use crate::engine::Setup;
use crate::error::{Error, Result};
use crate::experiment::{Arm, Experiment};
use crate::output::journal::Inputs;
use crate::preflight::{self, Estimate, Limits};

/// An experiment ready to run.
pub struct Prepared {
    /// The experiment, every arm validated.
    pub exp: Experiment,
    /// One setup per arm (graphs shared where the settings are the same).
    pub setups: Vec<Setup>,
    /// The `runs.csv` metric columns.
    pub columns: Vec<String>,
    /// The preflight estimate.
    pub estimate: Estimate,
    /// Seconds spent building graphs and setups.
    pub build_seconds: f64,
}

/// Loads, checks and builds the experiment at `path` with `sets` applied, against `limits`.
///
/// # Errors
/// [`Error::Input`] for anything a run would fail on: a bad scenario, variant, sweep point,
/// graph or seeding, an unknown metric, an estimate over the limits, money that could overflow.
pub fn prepare(path: &Path, sets: &[String], limits: &Limits) -> Result<Prepared> {
    let exp = Experiment::load(path, sets)?;
    let estimate = preflight::check(&exp, limits)?;
    let started = Instant::now();
    let mut setups: Vec<Setup> = Vec::with_capacity(exp.arms.len());
    for arm in &exp.arms {
        let setup = Setup::sharing(arm.loaded.clone(), &setups).map_err(|e| in_arm(e, arm))?;
        setups.push(setup);
    }
    let columns = metric_columns(&exp, &setups)?;
    Ok(Prepared {
        exp,
        setups,
        columns,
        estimate,
        build_seconds: started.elapsed().as_secs_f64(),
    })
}

impl Prepared {
    /// The fingerprints of everything the results depend on: the scenario text, the `--set`
    /// overrides, the fission binary and the content of every edge-list file. `--resume`
    /// refuses to continue a journal whose inputs differ.
    ///
    /// # Errors
    /// [`Error::Io`] if an edge list or the binary cannot be read.
    pub fn inputs(&self) -> Result<Inputs> {
        let mut inputs = Inputs::new();
        inputs.insert(
            "the scenario file".into(),
            hex(fnv1a(self.exp.text.as_bytes())),
        );
        inputs.insert(
            "the --set overrides".into(),
            hex(fnv1a(format!("{:?}", self.exp.sets).as_bytes())),
        );
        inputs.insert("the fission binary".into(), binary_fingerprint());
        for arm in &self.exp.arms {
            if let Some(e) = &arm.loaded.scenario.graph.edge_list {
                let path = arm.loaded.resolve(&e.path);
                let name = format!("the edge list `{}`", path.display());
                if let std::collections::btree_map::Entry::Vacant(slot) = inputs.entry(name) {
                    slot.insert(hex(file_hash(&path)?));
                }
            }
        }
        Ok(inputs)
    }
}

/// The fission version and a hash of the running executable (the version alone when the
/// executable cannot be read).
fn binary_fingerprint() -> String {
    let exe = std::env::current_exe()
        .ok()
        .and_then(|p| file_hash(&p).ok())
        .map_or_else(String::new, |h| format!(" {}", hex(h)));
    format!("{}{exe}", env!("CARGO_PKG_VERSION"))
}

/// A 64-bit content hash of a file, read in blocks and mixed a word at a time (a 20 MB binary
/// in a few milliseconds). Not cryptographic: it tells a changed input from the same one.
fn file_hash(path: &Path) -> Result<u64> {
    use std::io::Read;
    let mut file = std::fs::File::open(path).map_err(|e| Error::io("read", path, e))?;
    let mut buf = vec![0u8; 1 << 16];
    let (mut h, mut len) = (FNV_OFFSET, 0u64);
    loop {
        // Fill the block completely so that the words do not depend on how reads split.
        let mut filled = 0;
        while filled < buf.len() {
            let n = file
                .read(&mut buf[filled..])
                .map_err(|e| Error::io("read", path, e))?;
            if n == 0 {
                break;
            }
            filled += n;
        }
        let block = &buf[..filled];
        let mut words = block.chunks_exact(8);
        for w in &mut words {
            let word = u64::from_le_bytes(w.try_into().unwrap_or_default());
            h = crate::rng::mix64(h ^ word);
        }
        h = fnv1a_from(h, words.remainder());
        len += filled as u64;
        if filled < buf.len() {
            return Ok(crate::rng::mix64(h ^ len));
        }
    }
}

const FNV_OFFSET: u64 = 0xcbf2_9ce4_8422_2325;

/// FNV-1a 64-bit hash (stable across platforms and versions).
pub fn fnv1a(bytes: &[u8]) -> u64 {
    fnv1a_from(FNV_OFFSET, bytes)
}

fn fnv1a_from(h: u64, bytes: &[u8]) -> u64 {
    bytes
        .iter()
        .fold(h, |h, &b| (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3))
}

/// A hash as 16 hex digits.
pub fn hex(h: u64) -> String {
    format!("{h:016x}")
}

/// Names the arm in an error of one of its runs or its graph.
pub fn in_arm(e: Error, arm: &Arm) -> Error {
    match e {
        Error::Input(m) if arm.variant != crate::experiment::BASE || arm.point.is_some() => {
            Error::Input(format!("{m} (arm `{}`)", arm.label()))
        }
        other => other,
    }
}

/// The `runs.csv` metric columns of every arm (in first-seen order), after checking that every
/// metric the experiment reads is one of them.
fn metric_columns(exp: &Experiment, setups: &[Setup]) -> Result<Vec<String>> {
    let mut columns: Vec<String> = Vec::new();
    for s in setups {
        for m in s.metrics() {
            if !columns.contains(&m) {
                columns.push(m);
            }
        }
    }
    for (key, m) in exp.wanted_metrics() {
        if !columns.iter().any(|c| c == m) {
            return Err(Error::Input(format!(
                "{}: `{key}`: unknown metric `{m}`; use a column of runs.csv, e.g. customers, \
                 gmv_cents, net_cents, roi, cac_cents, k_factor, retention_d30",
                exp.path.display()
            )));
        }
    }
    Ok(columns)
}
