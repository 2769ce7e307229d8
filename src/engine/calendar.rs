//! The deadline queue: per-day buckets of member events (needs falling due, silence checks,
//! churn candidates, daily shares), so work is proportional to events, not to members × days.

/// What falls due.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
#[repr(u8)]
pub enum EventKind {
    /// A repurchase need falls due.
    Need = 0,
    /// Check whether an active customer has gone silent.
    Silence = 1,
    /// A churn candidate day (accepted by thinning).
    Churn = 2,
    /// An active customer shares again (`p_share_daily`).
    DailyShare = 3,
}

/// One scheduled event; `generation` makes events scheduled before a newer one stale.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Event {
    /// What falls due (sort key first: needs before silence before churn).
    pub kind: EventKind,
    /// The member concerned.
    pub member: u32,
    /// The member's generation counter for this kind when the event was scheduled.
    pub generation: u32,
}

/// Day buckets `0..=days`. Events past the horizon are dropped.
#[derive(Debug, Clone)]
pub struct Calendar {
    buckets: Vec<Vec<Event>>,
}

impl Calendar {
    /// A calendar for days `0..=days`.
    pub fn new(days: u32) -> Self {
        Self {
            buckets: vec![Vec::new(); days as usize + 1],
        }
    }

    /// Schedules `event` on `day` (ignored past the horizon).
    #[inline]
    pub fn push(&mut self, day: u64, event: Event) {
        if let Some(bucket) = usize::try_from(day)
            .ok()
            .and_then(|d| self.buckets.get_mut(d))
        {
            bucket.push(event);
        }
    }

    /// The events scheduled on `day` so far, unsorted (empty past the horizon).
    pub fn on(&self, day: u32) -> &[Event] {
        self.buckets.get(day as usize).map_or(&[], Vec::as_slice)
    }

    /// Takes the events of `day`, sorted by (kind, member, generation) so that the order never
    /// depends on the order they were scheduled in.
    pub fn take(&mut self, day: u32) -> Vec<Event> {
        let mut events = std::mem::take(&mut self.buckets[day as usize]);
        events.sort_unstable();
        events
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn events_come_back_sorted_and_past_horizon_is_dropped() {
        let mut c = Calendar::new(3);
        let e = |kind, member| Event {
            kind,
            member,
            generation: 0,
        };
        c.push(2, e(EventKind::Churn, 1));
        c.push(2, e(EventKind::Need, 9));
        c.push(2, e(EventKind::Need, 3));
        c.push(4, e(EventKind::Need, 3));
        c.push(u64::MAX, e(EventKind::Need, 3));
        assert_eq!(
            c.take(2),
            vec![
                e(EventKind::Need, 3),
                e(EventKind::Need, 9),
                e(EventKind::Churn, 1)
            ]
        );
        assert!(c.take(2).is_empty());
        assert!(c.take(3).is_empty());
    }
}
