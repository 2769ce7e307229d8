mod cli;
mod common;
mod determinism;
mod invariants;
mod reference;
mod schemes;
mod statistics;
