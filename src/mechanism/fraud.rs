//! Reward farming (羊毛党 / 刷单): a `farmer_share` of members farm the referral programme. The
//! day after a farmer's own first order, while the referral scheme runs, they register
//! `fake_invites` fake accounts whose brushed first orders count as their invites: each is paid
//! the inviter reward (cap and milestones apply, counted apart from the farmer's real invites;
//! "invite 3, get a free order" pays a farmer with three fakes a free order). A brushed order's
//! money goes round from the farmer back to the farmer, so the reward is its only real cost; no
//! fake ever repurchases or shares. Each fake is detected with `p_detect`, `detect_delay_days`
//! later, and the reward paid for it is clawed back, once (negative cash on the referral line,
//! returned to its budget). The operator's dashboard counts the fakes as referred customers:
//! `customers_measured`, `k_factor_measured`, `fission_ratio_measured` and `cac_measured_cents`
//! report what it shows, the plain KPIs what is true.

use serde::{Deserialize, Serialize};

use super::{Init, Mechanism};
use crate::engine::{Order, Replicate};
use crate::rng::Stream;
use crate::scenario::Scenario;
use crate::scenario::validate::Problems;

/// `[fraud]` (羊毛党 / 刷单): members who farm referral rewards with fake invitees.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Fraud {
    /// Share of members who farm rewards.
    pub farmer_share: f64,
    /// Fake accounts a farmer registers as their invitees.
    pub fake_invites: u32,
    /// Probability that a fake is detected.
    #[serde(default)]
    pub p_detect: f64,
    /// Days from a fake's registration to its detection.
    #[serde(default)]
    pub detect_delay_days: u32,
}

/// Farmers due to register fakes, fakes per farmer so far, and clawbacks falling due.
pub struct State {
    /// `register[d]`: farmers who register their fakes on day `d`.
    register: Vec<Vec<u32>>,
    /// `claw[d]`: cents paid for fakes detected on day `d`, one entry per fake.
    claw: Vec<Vec<i64>>,
}

impl State {
    /// Calendar: today's detections, then today's registrations.
    fn act(r: &mut Replicate<'_>) {
        let day = r.world.day as usize;
        let due = std::mem::take(&mut r.state_mut::<Self>().claw[day]);
        for cents in due {
            r.world.row_mut().fakes_detected += 1;
            if cents > 0 {
                super::referral::claw_back(r, cents);
            }
        }
        let Some(cfg) = r.world.scenario.fraud.as_ref() else {
            return;
        };
        let farmers = std::mem::take(&mut r.state_mut::<Self>().register[day]);
        if !super::referral::running(r) {
            return; // nothing to farm today
        }
        let detect = r.world.draws.day(Stream::FraudDetect, r.world.day);
        for farmer in farmers {
            for k in 0..cfg.fake_invites {
                let paid = super::referral::pay_invite(r, k + 1);
                r.world.row_mut().fake_invites += 1;
                if detect.chance(cfg.p_detect, farmer, k) {
                    let on = day + cfg.detect_delay_days as usize;
                    if let Some(list) = r.state_mut::<Self>().claw.get_mut(on) {
                        list.push(paid);
                    }
                }
            }
        }
    }
}

impl Mechanism for State {
    fn build(init: &Init<'_>) -> Option<Self> {
        init.scenario.fraud.as_ref()?;
        let days = init.scenario.days as usize + 1;
        Some(State {
            register: vec![Vec::new(); days],
            claw: vec![Vec::new(); days],
        })
    }

    fn check(s: &Scenario, p: &mut Problems) {
        let Some(f) = &s.fraud else {
            return;
        };
        p.prob("fraud.farmer_share", f.farmer_share);
        p.range_u("fraud.fake_invites", f.fake_invites.into(), 0, 1000);
        p.prob("fraud.p_detect", f.p_detect);
        p.range_u(
            "fraud.detect_delay_days",
            f.detect_delay_days.into(),
            0,
            100_000,
        );
        if s.referral.is_none() {
            p.add(
                "fraud",
                "farmers farm the referral programme; add a [referral] table".into(),
            );
        }
    }

    fn calendar(r: &mut Replicate<'_>) {
        Self::act(r);
    }

    /// A farmer's first order: their fakes register the next day.
    fn on_order(r: &mut Replicate<'_>, order: &Order) {
        if !order.first {
            return;
        }
        let share = r
            .world
            .scenario
            .fraud
            .as_ref()
            .map_or(0.0, |f| f.farmer_share);
        let farmer = r.world.draws.day(Stream::FraudFarmer, 0);
        if !farmer.chance(share, order.buyer, 0) {
            return;
        }
        let next = r.world.day as usize + 1;
        if let Some(list) = r.state_mut::<Self>().register.get_mut(next) {
            list.push(order.buyer);
        }
    }
}
