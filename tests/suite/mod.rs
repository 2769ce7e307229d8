mod cli;
mod common;
mod determinism;
mod incentives;
mod invariants;
mod reference;
mod schemes;
mod statistics;
