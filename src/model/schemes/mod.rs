//! Incentive schemes (DESIGN §2.4): each an optional TOML table with its own rules, a day window
//! and an optional budget after which it stops. Their money is booked per scheme in the ledger.

pub mod budget;
pub mod referral;

pub use budget::Budget;

/// Every scheme, in column order; the ledger books incentive spend per scheme.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(u8)]
pub enum Scheme {
    /// Referral rewards and invitee discounts (邀请好友).
    Referral = 0,
}

impl Scheme {
    /// Every scheme, in column order.
    pub const ALL: [Scheme; 1] = [Scheme::Referral];

    /// The name used in column names (`incentive_<name>_cents`) and TOML tables.
    pub fn name(self) -> &'static str {
        match self {
            Scheme::Referral => "referral",
        }
    }
}
