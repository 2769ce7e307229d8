//! Members' lifecycle stages and the record every customer carries.

use super::Channel;

/// A member's stage. Stages partition the population.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[repr(u8)]
pub enum Stage {
    /// Never reached by the brand.
    Unaware = 0,
    /// Reached at least once, never bought.
    Aware = 1,
    /// A customer engaged in the brand's private domain.
    Active = 2,
    /// A customer without a purchase for `churn.silent_after_days`.
    Silent = 3,
    /// A customer who left the private domain: never buys or shares again; only ads reach them.
    Churned = 4,
}

impl Stage {
    /// Every stage, in column order.
    pub const ALL: [Stage; 5] = [
        Stage::Unaware,
        Stage::Aware,
        Stage::Active,
        Stage::Silent,
        Stage::Churned,
    ];

    /// Has the member bought at least once?
    #[inline]
    pub fn is_customer(self) -> bool {
        self >= Stage::Active
    }

    /// Column name.
    pub fn name(self) -> &'static str {
        match self {
            Stage::Unaware => "unaware",
            Stage::Aware => "aware",
            Stage::Active => "active",
            Stage::Silent => "silent",
            Stage::Churned => "churned",
        }
    }
}

/// Sentinel for "no member" / "never".
pub const NONE: u32 = u32::MAX;

/// What the engine keeps about a member once they first buy (stored densely, by first purchase).
#[derive(Debug, Clone)]
pub struct Customer {
    /// Member id.
    pub member: u32,
    /// Day of the first purchase.
    pub first_day: u32,
    /// Day of the latest purchase.
    pub last_purchase_day: u32,
    /// Day the customer churned, or [`NONE`].
    pub churn_day: u32,
    /// Orders placed.
    pub orders: u32,
    /// Money paid, in cents.
    pub spent_cents: i64,
    /// How the customer was acquired.
    pub acquired_via: Channel,
    /// The member whose share brought them, or [`NONE`].
    pub referrer: u32,
    /// First purchases this customer's shares brought in while a referral scheme ran.
    pub qualified_invites: u32,
    /// Generation of the pending churn candidate; older candidates are stale.
    pub(crate) churn_generation: u32,
    /// Daily hazard bound the pending churn candidate was drawn with.
    pub(crate) churn_bound: f64,
}

/// One bit per member for the two questions every exposure asks: has this member ever bought,
/// and has the brand ever reached them. At 1M members the two sets take 250 KB (they stay in
/// the L2 cache where the one-byte stage array would not).
#[derive(Debug, Clone)]
pub struct MemberFlags {
    customer: Vec<u64>,
    exposed: Vec<u64>,
    /// Waiting in an open group-buy team.
    pending: Vec<u64>,
}

impl MemberFlags {
    /// All clear for `n` members.
    pub fn new(n: u32) -> Self {
        let words = (n as usize).div_ceil(64);
        Self {
            customer: vec![0; words],
            exposed: vec![0; words],
            pending: vec![0; words],
        }
    }

    #[inline]
    fn get(bits: &[u64], m: u32) -> bool {
        bits[(m >> 6) as usize] >> (m & 63) & 1 == 1
    }

    /// Has `m` ever bought?
    #[inline]
    pub fn is_customer(&self, m: u32) -> bool {
        Self::get(&self.customer, m)
    }

    /// Has `m` ever been exposed (or bought)?
    #[inline]
    pub fn is_exposed(&self, m: u32) -> bool {
        Self::get(&self.exposed, m)
    }

    /// Marks `m` as a customer.
    #[inline]
    pub fn set_customer(&mut self, m: u32) {
        self.customer[(m >> 6) as usize] |= 1 << (m & 63);
    }

    /// Marks `m` as exposed.
    #[inline]
    pub fn set_exposed(&mut self, m: u32) {
        self.exposed[(m >> 6) as usize] |= 1 << (m & 63);
    }

    /// Is `m` waiting in an open group-buy team?
    #[inline]
    pub fn is_pending(&self, m: u32) -> bool {
        Self::get(&self.pending, m)
    }

    /// Marks `m` as waiting in a team (`true`) or not.
    #[inline]
    pub fn set_pending(&mut self, m: u32, pending: bool) {
        let (word, bit) = ((m >> 6) as usize, 1u64 << (m & 63));
        if pending {
            self.pending[word] |= bit;
        } else {
            self.pending[word] &= !bit;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn flags_are_independent_per_member() {
        let mut f = MemberFlags::new(130);
        f.set_customer(129);
        f.set_exposed(64);
        assert!(f.is_customer(129) && !f.is_customer(128) && !f.is_customer(1));
        assert!(f.is_exposed(64) && !f.is_exposed(63) && !f.is_exposed(129));
        f.set_pending(3, true);
        assert!(f.is_pending(3) && !f.is_pending(2));
        f.set_pending(3, false);
        assert!(!f.is_pending(3));
    }
}
