//! Integration tests, one binary (ripgrep style): statistics against closed forms and reference
//! values, invariants under random scenarios, determinism, the command line.

mod suite;
