//! Writing results: an output folder that appears only when complete, the CSV tables, the manifest.

pub mod atomic;
pub mod comparison;
pub mod file;
pub mod journal;
pub mod lock;
pub mod manifest;
pub mod owner;
pub mod tables;
pub mod target;

pub use atomic::OutputDir;
