//! The model's entities: members and their stages, segments and attributes, channels, the ledger.

pub mod channel;
pub mod community;
pub mod ledger;
pub mod member;
pub mod population;
pub mod schemes;

pub use channel::Channel;
pub use community::Community;
pub use ledger::Ledger;
pub use member::{Customer, Stage};
pub use population::Population;
