//! Helpers shared by the integration tests.

use std::path::{Path, PathBuf};

use fission::engine::Setup;
use fission::scenario::LoadedScenario;
use rayon::prelude::*;

/// Folder of the test data (reference graphs and values copied from ../shared/reference).
pub fn data(file: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data")
        .join(file)
}

/// A setup from scenario text; relative paths resolve against `tests/data/`.
pub fn setup(text: &str) -> Setup {
    let loaded =
        LoadedScenario::from_text(text, &data("inline.toml"), &[]).expect("valid scenario");
    Setup::new(loaded).expect("graph builds")
}

/// `metric` of replicates `0..n`, in replicate order.
pub fn metric(setup: &Setup, n: u64, name: &str) -> Vec<f64> {
    (0..n)
        .into_par_iter()
        .map(|r| {
            setup
                .run(r)
                .expect("replicate runs")
                .summary
                .get(name)
                .expect("metric defined")
        })
        .collect()
}

/// Mean and standard error of the mean.
pub fn mean_se(xs: &[f64]) -> (f64, f64) {
    let n = xs.len() as f64;
    let mean = xs.iter().sum::<f64>() / n;
    let var = xs.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / (n - 1.0);
    (mean, (var / n).sqrt())
}

/// Asserts `|mean − expected| ≤ z · sqrt(se² + se_ref²)`.
pub fn assert_close_z(what: &str, mean: f64, se: f64, expected: f64, se_ref: f64, z: f64) {
    let combined = (se * se + se_ref * se_ref).sqrt();
    let score = (mean - expected).abs() / combined;
    assert!(
        score < z,
        "{what}: mean {mean} (se {se}) vs expected {expected} (se {se_ref}): |z| = {score:.2} ≥ {z}"
    );
}

/// Every row of the CSV file at `path` as a map from column to value.
pub fn csv_rows(path: &Path) -> Vec<std::collections::HashMap<String, String>> {
    let mut r = csv::Reader::from_path(path).unwrap();
    let h = r.headers().unwrap().clone();
    r.records()
        .map(|rec| {
            h.iter()
                .zip(rec.unwrap().iter())
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect()
        })
        .collect()
}
