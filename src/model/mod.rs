//! The model's entities: members and their stages, segments and attributes, channels, the ledger and its cost lines.

pub mod channel;
pub mod community;
pub mod ledger;
pub mod member;
pub mod population;

pub use channel::Channel;
pub use community::Community;
pub use ledger::{Ledger, Scheme};
pub use member::{Customer, Stage};
pub use population::Population;
