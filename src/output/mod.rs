//! Writing results: an output folder that appears only when complete, the CSV tables, the manifest.

pub mod atomic;
pub mod comparison;
pub mod journal;
pub mod tables;

pub use atomic::OutputDir;
