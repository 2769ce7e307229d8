//! Engagement as state (用户活跃度): every member carries an engagement score `E` that each
//! interaction — a post read, an order, a share, a live stream attended, a check-in, a lottery
//! entry — raises by one and that decays by `decay` a day (an exponentially weighted count:
//! with the default `decay = 29/30`, `E` is roughly the interactions of the last 30 days).
//! The segment's `activity` stays the baseline; engagement lifts it:
//!
//! - conversion and repurchase × `1 + conversion_lift · min(E / high_activity, 1)`,
//! - daily churn hazard − `churn.base · churn_cut · min(E / high_activity, 1)`.
//!
//! A member is *high-activity* while `E ≥ high_activity`. The defaults are the sources'
//! figures: members with more than 10 interactions a month convert 47% better `[source]`; the
//! churn cut is an assumption. The count of high-activity members is kept exactly without
//! scanning everybody each day: after an interaction the day the score will fall below the
//! threshold is known (`E·decay^k < high` first at `k = ⌊ln(high/E) / ln decay⌋ + 1`), so each
//! day subtracts the members whose score falls below it that day.

use serde::{Deserialize, Serialize};

use super::{Init, Mechanism};
use crate::engine::Replicate;
use crate::model::Channel;
use crate::scenario::Scenario;
use crate::scenario::validate::Problems;

fn decay() -> f64 {
    29.0 / 30.0
}
fn high_activity() -> f64 {
    10.0
}
fn conversion_lift() -> f64 {
    0.47
}
fn churn_cut() -> f64 {
    0.3
}

/// `[engagement]` (用户活跃度): a decaying interaction score per member that lifts conversion
/// and lowers churn.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Engagement {
    /// Share of the score kept from one day to the next (0 < decay < 1).
    #[serde(default = "decay")]
    pub decay: f64,
    /// Score at which a member counts as high-activity and gets the full lift.
    #[serde(default = "high_activity")]
    pub high_activity: f64,
    /// Relative conversion lift of a high-activity member (0.47 = +47% `[source]`).
    #[serde(default = "conversion_lift")]
    pub conversion_lift: f64,
    /// Share of the base churn hazard a high-activity member is spared.
    #[serde(default = "churn_cut")]
    pub churn_cut: f64,
}

/// Every member's score (lazily decayed: the value at the end of `day[m]`'s interactions) and
/// the running count of high-activity members.
pub struct State {
    score: Vec<f32>,
    day: Vec<u32>,
    decay: f64,
    ln_decay: f64,
    high: f64,
    /// Members high-activity now.
    high_count: u32,
    /// The current day (advanced by `start_day`).
    today: u32,
    /// `falls[d]`: members whose score falls below the threshold on day `d`.
    falls: Vec<u32>,
    lift: f64,
    churn_cut: f64,
}

impl State {
    /// `member`'s score today, before any interaction still to come.
    fn score_of(&self, member: u32, today: u32) -> f64 {
        let i = member as usize;
        f64::from(self.score[i]) * self.decay.powi((today - self.day[i]) as i32)
    }

    /// The first day a score of `e` on day `d` is below the threshold (`e ≥ high`).
    fn falls_on(&self, e: f64, d: u32) -> u64 {
        let k = ((self.high / e).ln() / self.ln_decay).floor() as u64 + 1;
        u64::from(d) + k
    }

    /// `min(E / high, 1)` for `member` today.
    fn level(&self, member: u32, today: u32) -> f64 {
        (self.score_of(member, today) / self.high).min(1.0)
    }

    /// One interaction of `member` on `today`.
    fn add(&mut self, member: u32, today: u32) {
        let i = member as usize;
        let stored = f64::from(self.score[i]);
        let was_high = stored >= self.high;
        if was_high {
            let fall = self.falls_on(stored, self.day[i]);
            if fall > u64::from(today) {
                // Still high: its scheduled fall is replaced below.
                if let Some(n) = self.falls.get_mut(fall as usize) {
                    *n -= 1;
                }
            } else {
                self.high_count += 1; // it fell already; counted again below
            }
        }
        let now = (self.score_of(member, today) + 1.0) as f32;
        self.score[i] = now;
        self.day[i] = today;
        let now = f64::from(now);
        if now >= self.high {
            let fall = self.falls_on(now, today);
            if let Some(n) = self.falls.get_mut(fall as usize) {
                *n += 1;
            }
        }
        self.high_count = self.high_count + u32::from(now >= self.high) - u32::from(was_high);
    }
}

impl Mechanism for State {
    fn build(init: &Init<'_>) -> Option<Self> {
        let s = init.scenario;
        let e = s.engagement.as_ref()?;
        let n = init.members as usize;
        Some(State {
            score: vec![0.0; n],
            day: vec![0; n],
            decay: e.decay,
            ln_decay: e.decay.ln(),
            high: e.high_activity,
            high_count: 0,
            today: 0,
            falls: vec![0; s.days as usize + 2],
            lift: e.conversion_lift,
            churn_cut: e.churn_cut,
        })
    }

    fn check(s: &Scenario, p: &mut Problems) {
        let Some(e) = &s.engagement else {
            return;
        };
        if !(e.decay > 0.0 && e.decay < 1.0) {
            p.add(
                "engagement.decay",
                format!(
                    "{} is out of range; allowed: (0, 1), e.g. 0.967 for a 30-day memory",
                    e.decay
                ),
            );
        }
        if !(e.high_activity >= 1.0 && e.high_activity <= 1e6) {
            p.add(
                "engagement.high_activity",
                format!(
                    "{} is out of range; allowed: [1, 1e6] interactions",
                    e.high_activity
                ),
            );
        }
        p.non_negative("engagement.conversion_lift", e.conversion_lift);
        p.prob("engagement.churn_cut", e.churn_cut);
    }

    fn adjusts_conversion(s: &Scenario) -> bool {
        s.engagement.is_some()
    }

    fn hears_interactions(s: &Scenario) -> bool {
        s.engagement.is_some()
    }

    /// Engaged members convert differently from the rest.
    fn receiver_dependent(s: &Scenario) -> bool {
        s.engagement.is_some()
    }

    /// The members whose score is below the threshold from today on leave the count.
    fn start_day(&mut self) {
        self.today += 1;
        self.high_count -= self.falls.get(self.today as usize).copied().unwrap_or(0);
    }

    /// The day's row gets the count after every interaction of the day.
    fn end_day(r: &mut Replicate<'_>) {
        let high = r.state::<Self>().high_count;
        r.world.row_mut().high_activity = high;
    }

    fn on_interaction(r: &mut Replicate<'_>, member: u32) {
        let day = r.world.day;
        r.state_mut::<Self>().add(member, day);
    }

    fn conversion_multiplier(&self, r: &Replicate<'_>, member: u32, _channel: Channel) -> f64 {
        1.0 + self.lift * self.level(member, r.world.day)
    }

    fn churn_protection(&self, r: &Replicate<'_>, member: u32) -> f64 {
        r.world.scenario.churn.base * self.churn_cut * self.level(member, r.world.day)
    }

    /// The score decays, so none of its protection is sure to last.
    fn lasting_churn_protection(&self, _r: &Replicate<'_>, _member: u32) -> f64 {
        0.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn state(high: f64, days: usize) -> State {
        State {
            score: vec![0.0; 4],
            day: vec![0; 4],
            decay: 0.5,
            ln_decay: 0.5f64.ln(),
            high,
            high_count: 0,
            today: 0,
            falls: vec![0; days],
            lift: 0.0,
            churn_cut: 0.0,
        }
    }

    /// Count of high-activity members by the schedule of falls equals a direct count of
    /// `E ≥ high` on every day, with decay 1/2 and threshold 2.
    #[test]
    fn the_high_activity_count_matches_a_direct_count_every_day() {
        let mut s = state(2.0, 40);
        // (day, member) interactions; member 3 never interacts.
        let plan = [
            (1, 0),
            (1, 0),
            (1, 0),
            (2, 1),
            (2, 1),
            (3, 0),
            (5, 2),
            (5, 2),
            (5, 2),
            (5, 2),
            (9, 0),
            (9, 0),
        ];
        for day in 1..30u32 {
            s.start_day();
            assert_eq!(s.today, day);
            for &(d, m) in &plan {
                if d == day {
                    s.add(m, day);
                }
            }
            let direct = (0..4).filter(|&m| s.score_of(m, day) >= 2.0 - 1e-9).count() as u32;
            assert_eq!(s.high_count, direct, "day {day}");
        }
        // Member 0 on day 1: 3 interactions → E = 1 + 0.5·... = 1, 2, 3 at the end of day 1
        // (same-day adds do not decay); E(day 2) = 1.5 < 2: it fell on day 2.
        let mut t = state(2.0, 10);
        for _ in 0..3 {
            t.add(0, 1);
        }
        assert_eq!(t.score_of(0, 1), 3.0);
        assert_eq!(t.falls_on(3.0, 1), 2);
    }
}
