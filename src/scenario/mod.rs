//! Scenario files: the schema, attribute distributions, loading with precise errors, range checks.

pub mod dist;
pub mod load;
pub mod schema;
pub mod schemes;
pub mod validate;

pub use dist::{Dist, Domain};
pub use load::{Layers, LoadedScenario, parse_table, set_path};
pub use schema::*;
pub use validate::compliance_flags;
