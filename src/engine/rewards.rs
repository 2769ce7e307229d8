//! Rewards that follow members' actions: the share decision lifted by expected rewards, share
//! rewards and rebates, commission up the referrer chain, and points.

use super::Replicate;
use crate::model::Channel;
use crate::model::member::NONE;
use crate::model::schemes::{Scheme, commission, points, referral};

impl Replicate<'_> {
    /// `p_share` times the member's tier multiplier, lifted by the reward `member` expects from
    /// the running schemes: `1 − (1 − p)·exp(−κ · reward / list price)`. The expected reward of a
    /// share is the referral reward per invite, the share reward, and the rebate plus first-level
    /// commission on one order at list price.
    pub(super) fn share_probability(&self, member: u32) -> f64 {
        let mut p = self.population.p_share.of(member);
        if let (Some(cfg), Some(c)) = (&self.scenario.points, self.customer(member))
            && let Some(t) =
                points::benefits(&cfg.tiers, points::tier_of(&cfg.tiers, c.lifetime_points))
        {
            p = (p * t.share_multiplier).min(1.0);
        }
        let kappa = self.scenario.share.kappa;
        if kappa == 0.0 {
            return p;
        }
        let list = self.scenario.product.list_price_cents as f64;
        let mut reward = 0.0;
        if let Some(cfg) = self.referral_today() {
            let so_far = self.customer(member).map_or(0, |c| c.qualified_invites);
            reward += referral::expected_reward(cfg, so_far);
        }
        if let Some(cfg) = &self.scenario.share_reward
            && self.scheme_runs(Scheme::ShareReward, cfg)
        {
            reward += cfg.reward_per_share_cents as f64 + list * cfg.rebate_pct / 100.0;
        }
        if let Some(cfg) = &self.scenario.commission
            && self.scheme_runs(Scheme::Commission, cfg)
        {
            reward += list * cfg.level_rates_pct.first().copied().unwrap_or(0.0) / 100.0;
        }
        1.0 - (1.0 - p) * (-kappa * reward / list).exp()
    }

    /// A share by `sharer` today: the per-share reward (within the daily cap and budget) and points.
    pub(super) fn reward_share(&mut self, sharer: u32) {
        let s = self.scenario;
        if let Some(cfg) = &s.share_reward
            && cfg.reward_per_share_cents > 0
            && self.scheme_runs(Scheme::ShareReward, cfg)
            && (cfg.daily_cap == 0 || self.schemes.rewarded_shares_today < cfg.daily_cap)
        {
            let cents = cfg.reward_per_share_cents;
            if self.schemes.budgets[Scheme::ShareReward as usize].spend(cents) {
                self.schemes.rewarded_shares_today += 1;
                self.row.ledger.book_incentive(Scheme::ShareReward, cents);
            }
        }
        if let Some(cfg) = &s.points {
            let per_share = cfg.per_share;
            if let Some(c) = self.customer_index(sharer) {
                self.customers[c].points += per_share;
                self.customers[c].lifetime_points += per_share;
            }
        }
    }

    /// Rewards that follow an order of `paid` cents by `buyer` (a first order if `first`, brought
    /// on `channel` by `referrer` or `NONE`, with `invite_discount` cents of referral discount):
    /// referral qualification, share rebate, commission, points. Only invites (a friend's share or
    /// a team invite) qualify for referral rewards and rebates.
    pub(super) fn reward_order(
        &mut self,
        buyer: u32,
        channel: Channel,
        referrer: u32,
        first: bool,
        paid: i64,
        invite_discount: i64,
    ) {
        let s = self.scenario;
        let invited = matches!(channel, Channel::Friend | Channel::Team);
        let referred = invited && referrer != NONE && self.flags.is_customer(referrer);
        if first && referred {
            if let Some(cfg) = self.referral_today()
                && channel == Channel::Friend
                && cfg.invitee_discount_cents > invite_discount
            {
                // The budget could not pay the invitee's discount: the scheme stops here.
                let wanted = cfg.invitee_discount_cents;
                self.schemes.budgets[Scheme::Referral as usize].spend(wanted);
            }
            self.qualify_referral(referrer);
            if let Some(cfg) = &s.share_reward
                && cfg.rebate_pct > 0.0
                && self.scheme_runs(Scheme::ShareReward, cfg)
            {
                let cents = (paid as f64 * cfg.rebate_pct / 100.0).floor() as i64;
                if cents > 0 && self.schemes.budgets[Scheme::ShareReward as usize].spend(cents) {
                    self.row.ledger.book_incentive(Scheme::ShareReward, cents);
                }
            }
        }
        if let Some(cfg) = &s.commission
            && self.scheme_runs(Scheme::Commission, cfg)
        {
            let due = self.day + cfg.payout_delay_days;
            let chain = commission::payouts(buyer, paid, &cfg.level_rates_pct, |m| {
                self.customer(m).map(|c| c.referrer).filter(|&r| r != NONE)
            });
            for (member, cents) in chain.into_iter().filter(|&(_, c)| c > 0) {
                self.schemes.payouts.push_back((due, member, cents));
            }
            self.pay_due_commission();
        }
        if let Some(cfg) = &s.points {
            let earned = paid as f64 * cfg.per_cent;
            let c = self.customer_of[buyer as usize] as usize;
            self.customers[c].points += earned;
            self.customers[c].lifetime_points += earned;
        }
    }

    /// Books the commission payouts due by today, as far as the budget goes.
    pub(super) fn pay_due_commission(&mut self) {
        while let Some(&(due, _, cents)) = self.schemes.payouts.front() {
            if due > self.day {
                break;
            }
            self.schemes.payouts.pop_front();
            if self.schemes.budgets[Scheme::Commission as usize].spend(cents) {
                self.row.ledger.book_incentive(Scheme::Commission, cents);
            }
        }
    }
}
