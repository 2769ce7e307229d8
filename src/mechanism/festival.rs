//! Festival days (双11 / 618-style): over a day window, attention and impulse run high — the
//! probability that a buyer shares the day after a purchase × `attention` (as a tier's share
//! multiplier; the `p_share_daily` schedule is not redrawn), every exposure's conversion and
//! every due repurchase × `impulse`. A festival costs nothing of its own; what it does to the schemes
//! running in its window is theirs. Overlapping festivals multiply.

use serde::{Deserialize, Serialize};

use super::{Init, Mechanism};
use crate::engine::Replicate;
use crate::model::Channel;
use crate::scenario::Scenario;
use crate::scenario::schema::defaults;
use crate::scenario::validate::Problems;

/// One `[[festival]]`: multipliers on sharing and conversion over `start_day..=end_day`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Festival {
    /// Name, used in messages.
    pub name: String,
    /// First festival day.
    pub start_day: u32,
    /// Last festival day.
    pub end_day: u32,
    /// Multiplier on the probability that a buyer shares the day after a purchase.
    #[serde(default = "defaults::one")]
    pub attention: f64,
    /// Multiplier on conversion (55% of social-commerce purchases are impulse purchases
    /// `[source]`; the size of the festival lift is the scenario's assumption).
    #[serde(default = "defaults::one")]
    pub impulse: f64,
}

impl Festival {
    fn on(&self, day: u32) -> bool {
        (self.start_day..=self.end_day).contains(&day)
    }
}

/// Festivals keep no state: their multipliers are functions of the day.
pub struct State;

impl State {
    /// The product of `f(festival)` over the festivals running on `day`.
    fn product(s: &Scenario, day: u32, f: fn(&Festival) -> f64) -> f64 {
        s.festival.iter().filter(|x| x.on(day)).map(f).product()
    }
}

impl Mechanism for State {
    fn build(init: &Init<'_>) -> Option<Self> {
        (!init.scenario.festival.is_empty()).then_some(State)
    }

    fn check(s: &Scenario, p: &mut Problems) {
        for (k, f) in s.festival.iter().enumerate() {
            let key = format!("festival[{k}]");
            p.day_window(&key, f.start_day, Some(f.end_day));
            p.non_negative(&format!("{key}.attention"), f.attention);
            p.non_negative(&format!("{key}.impulse"), f.impulse);
        }
    }

    /// Only a festival inside the horizon changes anything.
    fn adjusts_conversion(s: &Scenario) -> bool {
        s.festival.iter().any(|f| f.start_day <= s.days)
    }

    /// The conversion of a friend's share changes from day to day, which the skip-ahead share
    /// path (one probability for the whole run) cannot follow.
    fn receiver_dependent(s: &Scenario) -> bool {
        Self::adjusts_conversion(s)
    }

    fn conversion_multiplier(&self, r: &Replicate<'_>, _member: u32, _channel: Channel) -> f64 {
        Self::product(r.world.scenario, r.world.day, |f| f.impulse)
    }

    fn share_multiplier(&self, r: &Replicate<'_>, _member: u32) -> f64 {
        Self::product(r.world.scenario, r.world.day, |f| f.attention)
    }
}
