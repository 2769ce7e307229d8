//! What every scheme with a cost shares: a day window and a budget after which it stops.

/// The day window and budget every scheme has.
pub trait SchemeWindow {
    /// First day the scheme runs.
    fn start_day(&self) -> u32;
    /// Last day the scheme runs (`None` = the last day).
    fn end_day(&self) -> Option<u32>;
    /// Money the scheme may spend (`None` = no limit).
    fn budget_cents(&self) -> Option<i64>;
    /// Does the scheme's window contain `day`?
    fn runs_on(&self, day: u32) -> bool {
        day >= self.start_day() && self.end_day().is_none_or(|end| day <= end)
    }
}

/// Implements [`SchemeWindow`] for config structs with `start_day`, `end_day` and
/// `budget_cents` fields.
macro_rules! scheme_window {
    ($($t:ty),*) => {$(
        impl $crate::mechanism::SchemeWindow for $t {
            fn start_day(&self) -> u32 { self.start_day }
            fn end_day(&self) -> Option<u32> { self.end_day }
            fn budget_cents(&self) -> Option<i64> { self.budget_cents }
        }
    )*};
}
pub(crate) use scheme_window;

// A scheme's budget: spending is all-or-nothing per event, and the first refused event stops the
// scheme for good ("a budget after which it stops").

/// Remaining money of one scheme in one replicate.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Budget {
    /// Cents left, or `None` for no limit.
    remaining: Option<i64>,
    exhausted: bool,
}

impl Budget {
    /// A budget of `cents`, or unlimited.
    pub fn new(cents: Option<i64>) -> Self {
        Self {
            remaining: cents,
            exhausted: false,
        }
    }

    /// Has a refused event stopped the scheme?
    pub fn exhausted(&self) -> bool {
        self.exhausted
    }

    /// `cfg`, the scheme this budget pays for, if it runs on `day`: configured, inside its day
    /// window, and not stopped by this budget (the one "is the scheme running today" rule).
    pub fn running<'s, W: SchemeWindow>(&self, cfg: Option<&'s W>, day: u32) -> Option<&'s W> {
        cfg.filter(|c| c.runs_on(day) && !self.exhausted)
    }

    /// Could `cents` be spent now (without spending it)?
    pub fn can_spend(&self, cents: i64) -> bool {
        !self.exhausted && self.remaining.is_none_or(|r| r >= cents)
    }

    /// Returns `cents` of an earlier reservation that was not needed.
    pub fn refund(&mut self, cents: i64) {
        if let Some(r) = &mut self.remaining {
            *r += cents;
        }
    }

    /// Spends `cents` if the budget allows it; otherwise spends nothing and stops the scheme.
    pub fn spend(&mut self, cents: i64) -> bool {
        if !self.can_spend(cents) {
            self.exhausted = true;
            return false;
        }
        if let Some(r) = &mut self.remaining {
            *r -= cents;
        }
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spending_is_all_or_nothing_and_a_refusal_stops_the_scheme() {
        let mut b = Budget::new(Some(250));
        assert!(b.spend(100) && b.spend(100));
        assert!(!b.can_spend(100));
        assert!(!b.spend(100), "would exceed the budget");
        assert!(b.exhausted());
        assert!(!b.spend(10), "stopped even though 50 remain");
        let mut unlimited = Budget::new(None);
        assert!((0..1000).all(|_| unlimited.spend(1_000_000)));
        assert!(Budget::new(Some(0)).can_spend(0));
    }
}
