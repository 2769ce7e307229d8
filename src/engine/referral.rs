//! The referral scheme in the engine: its day window and budget, the invitee's discount, the
//! inviter's payout on qualification.

use super::Replicate;
use crate::model::schemes::{Scheme, referral};
use crate::scenario::Referral;

impl Replicate<'_> {
    /// The referral scheme, if it runs today (configured, inside its window, budget not exhausted).
    pub(super) fn referral_today(&self) -> Option<&Referral> {
        let cfg = self.scenario.referral.as_ref()?;
        self.scheme_runs(Scheme::Referral, cfg).then_some(cfg)
    }

    /// The discount an invitee gets on a first order through an invite right now (0 if none or
    /// if the budget cannot pay it).
    pub(super) fn invite_discount(&self) -> i64 {
        match self.referral_today() {
            Some(cfg)
                if cfg.invitee_discount_cents > 0
                    && self.schemes.budgets[Scheme::Referral as usize]
                        .can_spend(cfg.invitee_discount_cents) =>
            {
                cfg.invitee_discount_cents
            }
            _ => 0,
        }
    }

    /// An invitee of `inviter` made a first purchase (its discount already booked): pays the
    /// inviter within cap and budget. Nothing when the scheme is not running.
    pub(super) fn qualify_referral(&mut self, inviter: u32) {
        let Some(cfg) = self.referral_today() else {
            return;
        };
        let cfg = cfg.clone();
        let r = self.customer_of[inviter as usize] as usize;
        self.customers[r].qualified_invites += 1;
        let payout = referral::inviter_payout(&cfg, self.customers[r].qualified_invites);
        if payout > 0 && self.schemes.budgets[Scheme::Referral as usize].spend(payout) {
            self.row.ledger.book_incentive(Scheme::Referral, payout);
        }
    }
}
