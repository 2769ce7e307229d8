//! Running many replicates in parallel. Replicates run in fixed-size batches on a rayon pool; each
//! batch is collected in replicate order and handed to a sink before the next starts, so memory
//! stays bounded and every reduction happens in replicate order, whatever the thread count.

use rayon::prelude::*;

use crate::engine::Setup;
use crate::error::{Error, Result};
use crate::metrics::RunOutput;

/// Replicates per batch: enough to keep every core busy, few enough to bound memory.
pub const BATCH: u64 = 256;

/// Runs replicates `0..replicates` of `setup` on `threads` threads (0 = all cores), handing each
/// finished replicate to `sink` in replicate order, and calling `progress` with the number done.
///
/// # Errors
/// The first error of a replicate or of `sink`; [`Error::Input`] if the thread pool cannot start.
pub fn run_replicates(
    setup: &Setup,
    replicates: u64,
    threads: usize,
    mut sink: impl FnMut(RunOutput) -> Result<()>,
    progress: impl Fn(u64),
) -> Result<()> {
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build()
        .map_err(|e| Error::Input(format!("cannot start {threads} worker threads: {e}")))?;
    let mut start = 0;
    while start < replicates {
        let end = (start + BATCH).min(replicates);
        let batch: Vec<Result<RunOutput>> =
            pool.install(|| (start..end).into_par_iter().map(|r| setup.run(r)).collect());
        for output in batch {
            sink(output?)?;
        }
        progress(end);
        start = end;
    }
    Ok(())
}
