//! Writing results: an output folder that appears only when complete, the CSV tables, the manifest.

pub mod atomic;
pub mod tables;

pub use atomic::OutputDir;
