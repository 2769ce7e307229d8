//! Referral (邀请好友): when an invitee makes a first purchase through an inviter's share, the
//! inviter earns `inviter_reward_cents`, plus `milestone_reward_cents` on every
//! `milestone_invites`-th qualified invite ("invite 3, get a free order"); invites beyond
//! `cap_per_inviter` earn nothing. The invitee may get `invitee_discount_cents` off that first
//! order (two-sided referral). The expected reward of an invite lifts the share decision.

use serde::{Deserialize, Serialize};

use super::{Budget, Init, Mechanism, Slot};
use crate::engine::{Offer, OfferQuery, Order, Replicate};
use crate::model::Channel;
use crate::model::ledger::Scheme;
use crate::scenario::Scenario;
use crate::scenario::schema::defaults;
use crate::scenario::validate::Problems;

/// `[referral]`: rewards for inviters whose share brings a first purchase; optional discount for
/// the invitee, milestone rewards and a cap per inviter.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Referral {
    /// Paid to the inviter for each qualified invite (the invitee's first purchase).
    #[serde(default)]
    pub inviter_reward_cents: i64,
    /// Taken off the invitee's first order when it comes through an invite.
    #[serde(default)]
    pub invitee_discount_cents: i64,
    /// Every this many qualified invites earn the milestone reward (0 = no milestone).
    #[serde(default)]
    pub milestone_invites: u32,
    /// Milestone reward ("invite 3, get a free order").
    #[serde(default)]
    pub milestone_reward_cents: i64,
    /// Qualified invites per inviter that earn anything (0 = no cap).
    #[serde(default)]
    pub cap_per_inviter: u32,
    /// Money for rewards and invitee discounts; the scheme stops at the first event it cannot pay.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub budget_cents: Option<i64>,
    /// First day the scheme runs.
    #[serde(default = "defaults::one_u32")]
    pub start_day: u32,
    /// Last day the scheme runs (default: the last day).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub end_day: Option<u32>,
}

super::window::scheme_window!(Referral);

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

/// The referral scheme in one replicate: what is left of its budget.
pub struct State {
    budget: Budget,
}

impl State {
    /// The scheme's config, if it runs today (inside its window, budget not exhausted).
    fn today<'s>(&self, r: &Replicate<'s>) -> Option<&'s Referral> {
        self.budget
            .running(r.world.scenario.referral.as_ref(), r.world.day)
    }

    /// The discount an invitee gets on a first order through an invite right now (0 if none or
    /// if the budget cannot pay it).
    fn invite_discount(&self, r: &Replicate<'_>) -> i64 {
        match self.today(r) {
            Some(cfg)
                if cfg.invitee_discount_cents > 0
                    && self.budget.can_spend(cfg.invitee_discount_cents) =>
            {
                cfg.invitee_discount_cents
            }
            _ => 0,
        }
    }

    /// An invitee of `inviter` made a first purchase (its discount already booked): pays the
    /// inviter within cap and budget. Nothing when the scheme is not running.
    fn qualify(r: &mut Replicate<'_>, inviter: u32) {
        let Some(cfg) = r.state::<Self>().today(r) else {
            return;
        };
        let w = &mut r.world;
        let c = w.customer_of[inviter as usize] as usize;
        w.customers[c].qualified_invites += 1;
        let payout = inviter_payout(cfg, w.customers[c].qualified_invites);
        if payout > 0 && r.state_mut::<Self>().budget.spend(payout) {
            r.world.row.ledger.book_incentive(Scheme::Referral, payout);
        }
    }
}

/// Pays an inviter for their `n`-th invite (1-based) if the scheme runs today and its budget
/// allows (cap and milestones as for real invites); returns the cents paid. Fake invites (the
/// fraud mechanism) are paid through this.
pub(super) fn pay_invite(r: &mut Replicate<'_>, n: u32) -> i64 {
    let Some(st) = State::get(r.mechanisms()) else {
        return 0;
    };
    let Some(cfg) = st.today(r) else {
        return 0;
    };
    let payout = inviter_payout(cfg, n);
    if payout > 0 && r.state_mut::<State>().budget.spend(payout) {
        r.world.row.ledger.book_incentive(Scheme::Referral, payout);
        payout
    } else {
        0
    }
}

/// Does the referral scheme run today (configured, inside its window, budget not exhausted)?
pub(super) fn running(r: &Replicate<'_>) -> bool {
    State::get(r.mechanisms()).is_some_and(|st| st.today(r).is_some())
}

/// Takes back `cents` paid for an invite found to be fake: booked as negative cash on the
/// referral line and returned to its budget.
pub(super) fn claw_back(r: &mut Replicate<'_>, cents: i64) {
    r.state_mut::<State>().budget.refund(cents);
    r.world.row.ledger.book_incentive(Scheme::Referral, -cents);
}

impl Mechanism for State {
    const COST_LINE: Option<Scheme> = Some(Scheme::Referral);

    fn budget_cents(s: &Scenario) -> Option<i64> {
        s.referral.as_ref()?.budget_cents
    }

    fn budget_out(&self) -> bool {
        self.budget.exhausted()
    }

    fn build(init: &Init<'_>) -> Option<Self> {
        let cfg = init.scenario.referral.as_ref()?;
        Some(State {
            budget: Budget::new(cfg.budget_cents),
        })
    }

    fn check(s: &Scenario, p: &mut Problems) {
        let Some(r) = &s.referral else {
            return;
        };
        for (key, cents) in [
            ("referral.inviter_reward_cents", r.inviter_reward_cents),
            ("referral.milestone_reward_cents", r.milestone_reward_cents),
        ] {
            if cents < 0 {
                p.add(key, format!("{cents} must be ≥ 0 (cents)"));
            }
        }
        if r.invitee_discount_cents < 0 || r.invitee_discount_cents >= s.product.list_price_cents {
            p.add(
                "referral.invitee_discount_cents",
                format!(
                    "{} must be ≥ 0 and below the list price {}",
                    r.invitee_discount_cents, s.product.list_price_cents
                ),
            );
        }
        p.window("referral", r);
    }

    fn lint(s: &Scenario, w: &mut Problems) {
        if let Some(r) = &s.referral {
            let first = r.inviter_reward_cents.max(r.invitee_discount_cents).max(1);
            w.budget_below(
                "referral.budget_cents",
                r.budget_cents,
                first,
                "reward or discount",
            );
        }
    }

    fn discount_bound(s: &Scenario, _channel: Channel) -> Option<i64> {
        s.referral.as_ref().map(|r| r.invitee_discount_cents)
    }

    fn discount(&self, r: &Replicate<'_>, q: &OfferQuery, offer: &mut Offer) {
        if q.first && q.invited && q.channel == Channel::Friend {
            offer.give(Scheme::Referral, self.invite_discount(r));
        }
    }

    fn book(r: &mut Replicate<'_>, _member: u32, offer: &Offer) -> i64 {
        let cents = offer.by_scheme[Scheme::Referral as usize];
        if cents == 0 || !r.state_mut::<Self>().budget.spend(cents) {
            return 0;
        }
        r.world.row.ledger.book_discount(Scheme::Referral, cents);
        cents
    }

    fn expected_share_reward(&self, r: &Replicate<'_>, member: u32) -> f64 {
        self.today(r).map_or(0.0, |cfg| {
            let so_far = r.world.customer(member).map_or(0, |c| c.qualified_invites);
            expected_reward(cfg, so_far)
        })
    }

    fn on_order(r: &mut Replicate<'_>, order: &Order) {
        if !(order.first && order.referred) {
            return;
        }
        if let Some(cfg) = r.state::<Self>().today(r)
            && order.channel == Channel::Friend
            && cfg.invitee_discount_cents > order.offer.by_scheme[Scheme::Referral as usize]
        {
            // The budget could not pay the invitee's discount: the scheme stops here.
            let wanted = cfg.invitee_discount_cents;
            r.state_mut::<Self>().budget.spend(wanted);
        }
        Self::qualify(r, order.referrer);
    }
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
