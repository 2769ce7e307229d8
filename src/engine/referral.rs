//! The referral scheme in the engine: its day window and budget, the invitee's price, the
//! inviter's payout on qualification, and the expected reward that lifts sharing.

use super::Replicate;
use crate::model::schemes::{Scheme, referral};
use crate::scenario::Referral;

impl Replicate<'_> {
    /// The referral scheme, if it runs today (configured, inside its window, budget not exhausted).
    pub(super) fn referral_today(&self) -> Option<&Referral> {
        let cfg = self.scenario.referral.as_ref()?;
        let in_window = self.day >= cfg.start_day && cfg.end_day.is_none_or(|end| self.day <= end);
        (in_window && !self.referral_budget.exhausted()).then_some(cfg)
    }

    /// The discount an invitee gets on a first order through an invite right now (0 if none or
    /// if the budget cannot pay it).
    pub(super) fn invite_discount(&self) -> i64 {
        match self.referral_today() {
            Some(cfg)
                if cfg.invitee_discount_cents > 0
                    && self.referral_budget.can_spend(cfg.invitee_discount_cents) =>
            {
                cfg.invitee_discount_cents
            }
            _ => 0,
        }
    }

    /// The price term `(π / list)^(−ε)` of `member` for an order `discount` cents off list.
    #[inline]
    pub(super) fn price_factor(&self, member: u32, discount: i64) -> f64 {
        if discount == 0 {
            return 1.0;
        }
        let list = self.scenario.product.list_price_cents as f64;
        ((list - discount as f64) / list).powf(-self.population.price_elasticity.of(member))
    }

    /// An invitee of `inviter` makes a first purchase: pays the inviter (within cap and budget)
    /// and returns the invitee's discount (spent from the budget). 0 when the scheme is not running.
    pub(super) fn qualify_referral(&mut self, inviter: u32) -> i64 {
        let Some(cfg) = self.referral_today() else {
            return 0;
        };
        let cfg = cfg.clone();
        let wanted = cfg.invitee_discount_cents;
        let discount = if wanted > 0 && self.referral_budget.spend(wanted) {
            wanted
        } else {
            0
        };
        if self.referral_budget.exhausted() {
            return 0; // the discount was refused: the scheme stops with this event
        }
        let r = self.customer_of[inviter as usize] as usize;
        self.customers[r].qualified_invites += 1;
        let payout = referral::inviter_payout(&cfg, self.customers[r].qualified_invites);
        if payout > 0 && self.referral_budget.spend(payout) {
            self.row.ledger.book_incentive(Scheme::Referral, payout);
        }
        discount
    }

    /// `p_share` lifted by the reward `member` expects from a running referral scheme:
    /// `1 − (1 − p)·exp(−κ · reward / list price)`.
    pub(super) fn share_probability(&self, member: u32) -> f64 {
        let p = self.population.p_share.of(member);
        let kappa = self.scenario.share.kappa;
        match self.referral_today() {
            Some(cfg) if kappa > 0.0 => {
                let so_far = self.customer(member).map_or(0, |c| c.qualified_invites);
                let reward = referral::expected_reward(cfg, so_far);
                1.0 - (1.0 - p)
                    * (-kappa * reward / self.scenario.product.list_price_cents as f64).exp()
            }
            _ => p,
        }
    }
}
