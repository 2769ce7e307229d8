//! Channels: where an exposure, and so a customer, came from.

/// How a member was reached. `Seed` is only an acquisition channel (initial customers).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
#[repr(u8)]
pub enum Channel {
    /// An initial customer placed on day 0.
    Seed = 0,
    /// A paid ad impression.
    Ad = 1,
    /// A friend's share.
    Friend = 2,
    /// A promotional post or a red packet in a community group.
    Group = 3,
    /// A brand-content post in a community group.
    Operator = 4,
    /// A KOL or KOC post (a KOC's free product is also acquired on this channel).
    Kol = 5,
    /// A group-buy team: a friend's invite or a stranger filling a team from the open pool.
    Team = 6,
    /// A coupon drop.
    Coupon = 7,
    /// A live stream (直播): attending it, or reading its recap.
    Live = 8,
    /// A flash sale (限时秒杀) announcement.
    Flash = 9,
    /// A customer's review (评价 / 晒单 / 笔记) read by a friend, a group member or, for a
    /// featured reviewer, anyone.
    Review = 10,
}

impl Channel {
    /// Every channel, in column order.
    pub const ALL: [Channel; 11] = [
        Channel::Seed,
        Channel::Ad,
        Channel::Friend,
        Channel::Group,
        Channel::Operator,
        Channel::Kol,
        Channel::Team,
        Channel::Coupon,
        Channel::Live,
        Channel::Flash,
        Channel::Review,
    ];
    /// Channels that carry exposures: every channel but `Seed`, which comes first in `ALL`.
    pub const EXPOSURE: &'static [Channel] = Self::ALL.split_at(1).1;

    /// The name used in column suffixes and TOML keys.
    pub fn name(self) -> &'static str {
        match self {
            Channel::Seed => "seed",
            Channel::Ad => "ad",
            Channel::Friend => "friend",
            Channel::Group => "group",
            Channel::Operator => "operator",
            Channel::Kol => "kol",
            Channel::Team => "team",
            Channel::Coupon => "coupon",
            Channel::Live => "live",
            Channel::Flash => "flash",
            Channel::Review => "review",
        }
    }

    /// Is this a paid or seeded channel (the denominator of the fission ratio)?
    pub fn is_paid_or_seeded(self) -> bool {
        matches!(self, Channel::Seed | Channel::Ad | Channel::Kol)
    }

    /// Can an exposure on this channel bring a customer's repeat order (private-domain
    /// marketing), rather than only win new customers?
    pub fn reaches_customers(self) -> bool {
        matches!(
            self,
            Channel::Group
                | Channel::Operator
                | Channel::Team
                | Channel::Coupon
                | Channel::Live
                | Channel::Flash
        )
    }
}

#[cfg(test)]
mod tests {
    use super::Channel;

    #[test]
    fn exposure_channels_are_all_but_seed() {
        assert_eq!(Channel::EXPOSURE.len(), Channel::ALL.len() - 1);
        assert!(!Channel::EXPOSURE.contains(&Channel::Seed));
    }
}
