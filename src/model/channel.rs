//! Channels: where an exposure, and so a customer, came from.

/// How a member was reached. `Seed` is only an acquisition channel (initial customers).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[repr(u8)]
pub enum Channel {
    /// An initial customer placed on day 0.
    Seed = 0,
    /// A paid ad impression.
    Ad = 1,
    /// A friend's share.
    Friend = 2,
}

impl Channel {
    /// Every channel, in column order.
    pub const ALL: [Channel; 3] = [Channel::Seed, Channel::Ad, Channel::Friend];
    /// Channels that carry exposures (every channel but `Seed`).
    pub const EXPOSURE: [Channel; 2] = [Channel::Ad, Channel::Friend];

    /// The name used in column suffixes and TOML keys.
    pub fn name(self) -> &'static str {
        match self {
            Channel::Seed => "seed",
            Channel::Ad => "ad",
            Channel::Friend => "friend",
        }
    }

    /// Is this a paid or seeded channel (the denominator of the fission ratio)?
    pub fn is_paid_or_seeded(self) -> bool {
        matches!(self, Channel::Seed | Channel::Ad)
    }
}
