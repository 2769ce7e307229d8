//! A group-buy team's rules: a team opened on day `o` at the group price fills when it has
//! `team_size` members (leader included) by the end of day `o + window_days`; then everybody in
//! it buys at the group price. Otherwise it expires and nobody buys through it.

use crate::model::Channel;

/// One open team.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Team {
    /// How the leader (the first member) was reached: their acquisition channel if they are new.
    pub leader_channel: Channel,
    /// Day the team opened.
    pub opened_day: u32,
    /// Members who joined, leader first.
    pub members: Vec<u32>,
    /// Who brought each member (whoever reached the leader, for the leader; the leader for invited
    /// friends, `NONE` for strangers from the pool).
    pub referrers: Vec<u32>,
    /// Cents reserved from the budget for the whole team.
    pub reserved_cents: i64,
}

/// What settlement does with a team at the end of a day.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Settlement {
    /// Full: everybody buys at the group price.
    Filled,
    /// Past its window and not full: nobody buys through it.
    Expired,
    /// Still open.
    Open,
}

impl Team {
    /// The member who opened it.
    pub fn leader(&self) -> u32 {
        self.members[0]
    }

    /// Slots still open in a team of `size`.
    pub fn missing(&self, size: u32) -> u32 {
        size.saturating_sub(self.members.len() as u32)
    }

    /// The team's fate at the end of `day`.
    pub fn settle(&self, size: u32, window_days: u32, day: u32) -> Settlement {
        if self.missing(size) == 0 {
            Settlement::Filled
        } else if day >= self.opened_day + window_days {
            Settlement::Expired
        } else {
            Settlement::Open
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn team(members: usize) -> Team {
        Team {
            leader_channel: Channel::Ad,
            opened_day: 5,
            members: (0..members as u32).collect(),
            referrers: vec![u32::MAX; members],
            reserved_cents: 0,
        }
    }

    #[test]
    fn a_team_fills_iff_it_reaches_its_size_within_the_window() {
        // Opened on day 5 with a 2-day window: open through the end of day 7.
        assert_eq!(team(3).settle(3, 2, 5), Settlement::Filled);
        assert_eq!(team(3).settle(3, 2, 7), Settlement::Filled);
        assert_eq!(team(2).settle(3, 2, 6), Settlement::Open);
        assert_eq!(team(2).settle(3, 2, 7), Settlement::Expired);
        assert_eq!(team(1).missing(3), 2);
    }
}
