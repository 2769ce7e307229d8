//! Paid ads (广告投放): `impressions_per_day` impressions on uniformly random members each day of
//! the window (`ad` channel; ads reach churned members too), paid at the CPM.

use serde::{Deserialize, Serialize};

use super::{Init, Mechanism};
use crate::engine::Replicate;
use crate::model::Channel;
use crate::model::member::NONE;
use crate::rng::Stream;
use crate::scenario::Scenario;
use crate::scenario::schema::defaults;
use crate::scenario::validate::Problems;

/// `[ads]`: paid impressions on uniformly random members.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Ads {
    /// Impressions bought per day.
    pub impressions_per_day: u64,
    /// Price per thousand impressions.
    pub cpm_cents: i64,
    /// First day with ads.
    #[serde(default = "defaults::one_u32")]
    pub start_day: u32,
    /// Last day with ads (default: the last day).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub end_day: Option<u32>,
}

/// Ads in one replicate: impressions bought so far (the cost is worked out from the running
/// total, so the daily costs sum exactly to the total).
pub struct State {
    impressions: u64,
}

impl State {
    /// Calendar: today's impressions and their cost.
    fn run(r: &mut Replicate<'_>) {
        let Some(ads) = &r.world.scenario.ads else {
            return;
        };
        let day = r.world.day;
        if day < ads.start_day || ads.end_day.is_some_and(|end| day > end) {
            return;
        }
        let n = r.world.member_count();
        let target = r.world.draws.day(Stream::AdTarget, day);
        let buy = r.world.draws.day(Stream::AdPurchase, day);
        for j in 0..ads.impressions_per_day {
            let (hi, lo) = ((j >> 32) as u32, j as u32);
            let member = target.index(n, hi, lo);
            r.expose(member, Channel::Ad, NONE, 1.0, buy, lo ^ hi.rotate_left(16));
        }
        let cpm = ads.cpm_cents as u128;
        let st = r.state_mut::<Self>();
        let before = u128::from(st.impressions) * cpm / 1000;
        st.impressions += ads.impressions_per_day;
        let after = u128::from(st.impressions) * cpm / 1000;
        r.world.row.ledger.book_ads((after - before) as i64);
    }
}

impl Mechanism for State {
    fn build(init: &Init<'_>) -> Option<Self> {
        init.scenario.ads.as_ref().map(|_| State { impressions: 0 })
    }

    fn check(s: &Scenario, p: &mut Problems) {
        let Some(a) = &s.ads else {
            return;
        };
        p.range_u(
            "ads.impressions_per_day",
            a.impressions_per_day,
            0,
            1_000_000_000,
        );
        if a.cpm_cents < 0 {
            p.add(
                "ads.cpm_cents",
                format!(
                    "{} must be ≥ 0 (cents per thousand impressions)",
                    a.cpm_cents
                ),
            );
        }
        p.range_u("ads.start_day", a.start_day.into(), 1, s.days.into());
        if let Some(end) = a.end_day.filter(|&end| end < a.start_day) {
            p.add(
                "ads.end_day",
                format!("{end} is before start_day {}", a.start_day),
            );
        }
    }

    fn calendar(r: &mut Replicate<'_>) {
        Self::run(r);
    }
}
