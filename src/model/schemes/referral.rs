//! Referral (邀请好友): when an invitee makes a first purchase through an inviter's share, the
//! inviter earns `inviter_reward_cents`, plus `milestone_reward_cents` on every
//! `milestone_invites`-th qualified invite ("invite 3, get a free order"); invites beyond
//! `cap_per_inviter` earn nothing. The invitee may get `invitee_discount_cents` off that first
//! order (two-sided referral).

use crate::scenario::Referral;

/// What the inviter earns for their `n`-th qualified invite (1-based), in cents.
pub fn inviter_payout(cfg: &Referral, n: u32) -> i64 {
    if cfg.cap_per_inviter > 0 && n > cfg.cap_per_inviter {
        return 0;
    }
    let milestone = if cfg.milestone_invites > 0 && n.is_multiple_of(cfg.milestone_invites) {
        cfg.milestone_reward_cents
    } else {
        0
    };
    cfg.inviter_reward_cents + milestone
}

/// The reward an inviter expects per invite (for the sharing uplift): the per-invite reward
/// plus the milestone reward spread over its invites; 0 once the cap is reached.
pub fn expected_reward(cfg: &Referral, qualified_so_far: u32) -> f64 {
    if cfg.cap_per_inviter > 0 && qualified_so_far >= cfg.cap_per_inviter {
        return 0.0;
    }
    let milestone = if cfg.milestone_invites > 0 {
        cfg.milestone_reward_cents as f64 / f64::from(cfg.milestone_invites)
    } else {
        0.0
    };
    cfg.inviter_reward_cents as f64 + milestone
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cfg(cap: u32, every: u32) -> Referral {
        Referral {
            inviter_reward_cents: 100,
            invitee_discount_cents: 0,
            milestone_invites: every,
            milestone_reward_cents: 500,
            cap_per_inviter: cap,
            budget_cents: None,
            start_day: 1,
            end_day: None,
        }
    }

    #[test]
    fn milestone_pays_at_exactly_every_nth_invite_and_never_beyond_the_cap() {
        let c = cfg(7, 3);
        let paid: Vec<i64> = (1..=9).map(|n| inviter_payout(&c, n)).collect();
        assert_eq!(paid, vec![100, 100, 600, 100, 100, 600, 100, 0, 0]);
        let uncapped = cfg(0, 0);
        assert!((1..=50).all(|n| inviter_payout(&uncapped, n) == 100));
    }

    #[test]
    fn expected_reward_spreads_the_milestone_and_stops_at_the_cap() {
        let c = cfg(4, 3);
        assert!((expected_reward(&c, 0) - (100.0 + 500.0 / 3.0)).abs() < 1e-9);
        assert_eq!(expected_reward(&c, 4), 0.0);
    }
}
