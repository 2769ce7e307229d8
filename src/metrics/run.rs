//! Per-replicate KPIs (DESIGN §2.5), computed from the customers and the daily rows.

use crate::model::ledger::Scheme;
use crate::model::member::NONE;
use crate::model::{Channel, Ledger, Stage};
use crate::model::{Customer, Population};
use crate::scenario::Scenario;

use super::DayRow;
use super::catalog::{self as c, Metric};

/// What a finished replicate hands the metrics: its scenario, its customers and who they are.
/// (The engine builds it; the metrics know nothing of the engine.)
#[derive(Debug, Clone, Copy)]
pub struct RunRecord<'a> {
    /// The scenario simulated.
    pub scenario: &'a Scenario,
    /// Every customer, in order of first purchase.
    pub customers: &'a [Customer],
    /// Index into `customers` of each member, or `NONE`.
    pub customer_of: &'a [u32],
    /// The members' segments and attributes.
    pub population: &'a Population,
    /// Number of members.
    pub members: u32,
}

impl RunRecord<'_> {
    fn customer_index(&self, member: u32) -> Option<usize> {
        let c = self.customer_of[member as usize];
        (c != NONE).then_some(c as usize)
    }
}

/// One replicate's KPIs: the row of `runs.csv`. Undefined ratios (nothing to divide by) are `None`.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct RunSummary {
    /// `(metric, value)` in column order.
    pub values: Vec<(String, Option<f64>)>,
}

impl RunSummary {
    /// The value of `metric` (`None` if undefined or unknown).
    pub fn get(&self, metric: &str) -> Option<f64> {
        self.values
            .iter()
            .find(|(k, _)| k == metric)
            .and_then(|(_, v)| *v)
    }

    /// Computes the KPIs of a finished replicate.
    pub fn of(rep: &RunRecord<'_>, rows: &[DayRow]) -> Self {
        let days = rep.scenario.days;
        let customers = rep.customers;
        let n_customers = customers.len() as f64;
        let mut total = Ledger::default();
        for r in rows {
            total.add(&r.ledger);
        }
        // One sequential pass over the customers; referrers are looked up in compact arrays
        // (customers are in order of first purchase, so a referrer's depth is already known).
        const CH: usize = Channel::ALL.len();
        let mut by_channel = [0u32; CH];
        let mut spent_by_channel = [0i64; CH];
        let mut first_days = Vec::with_capacity(customers.len());
        let mut depth = vec![0u32; customers.len()];
        let mut brought = vec![0u32; customers.len()];
        let (mut referred, mut cycle, mut repeaters) = (0u32, 0.0f64, 0u32);
        let (mut churned, mut lifetime, mut qualified) = (0u32, 0.0f64, 0u32);
        // [d7, d30] × channel × [eligible, kept]; the last channel slot is every channel.
        let mut retention_counts = [[[0u32; 2]; CH + 1]; 2];
        let segments = &rep.scenario.population.segments;
        let mut by_segment = vec![0u32; segments.len()];
        for (i, c) in customers.iter().enumerate() {
            by_channel[c.acquired_via as usize] += 1;
            spent_by_channel[c.acquired_via as usize] += c.spent_cents;
            by_segment[rep.population.segment(c.member)] += 1;
            first_days.push(c.first_day);
            if let Some(r) = (c.referrer != NONE)
                .then(|| rep.customer_index(c.referrer))
                .flatten()
            {
                referred += 1;
                brought[r] += 1;
                cycle += f64::from(c.first_day - first_days[r]);
                depth[i] = depth[r] + 1;
            }
            repeaters += u32::from(c.orders >= 2);
            qualified += c.qualified_invites;
            if c.churn_day != NONE {
                churned += 1;
                lifetime += f64::from(c.churn_day - c.first_day);
            }
            for (k, d) in [7, 30].into_iter().enumerate() {
                if c.first_day + d <= days {
                    let kept = u32::from(c.churn_day == NONE || c.churn_day > c.first_day + d);
                    for slot in [c.acquired_via as usize, CH] {
                        retention_counts[k][slot][0] += 1;
                        retention_counts[k][slot][1] += kept;
                    }
                }
            }
        }
        let paid_or_seeded: u32 = Channel::ALL
            .iter()
            .filter(|c| c.is_paid_or_seeded())
            .map(|&c| by_channel[c as usize])
            .sum();
        let final_row = rows.last().cloned().unwrap_or_default();
        let final_customers = final_row.customers;
        let days_to_half = rows
            .iter()
            .find(|r| f64::from(r.customers) >= f64::from(final_customers) / 2.0)
            .map(|r| f64::from(r.day));
        let peak = rows
            .iter()
            .skip(1)
            .max_by_key(|r| (r.new_customers_total(), std::cmp::Reverse(r.day)))
            .filter(|r| r.new_customers_total() > 0)
            .map(|r| f64::from(r.day));
        let retention = |k: usize, slot: usize| {
            ratio(
                f64::from(retention_counts[k][slot][1]),
                f64::from(retention_counts[k][slot][0]),
            )
        };
        let acquired = n_customers - f64::from(by_channel[Channel::Seed as usize]);
        let exposures =
            |ch: Channel| rows.iter().map(|r| r.exposures[ch as usize]).sum::<u64>() as f64;
        let sum = |f: fn(&DayRow) -> u32| rows.iter().map(|r| f64::from(f(r))).sum::<f64>();
        let customers_of = |ch: Channel| f64::from(by_channel[ch as usize]);
        let scheme = |s: Scheme| total.scheme_cents[s as usize] as f64;
        let viral_customers: f64 = [
            Channel::Friend,
            Channel::Group,
            Channel::Operator,
            Channel::Team,
            Channel::Coupon,
        ]
        .into_iter()
        .map(customers_of)
        .sum();
        // What the schemes that spread the product by sharing cost (calendar events and the
        // KOCs' free product acquire on their own channels).
        let viral_schemes: f64 = [
            Scheme::Referral,
            Scheme::GroupBuy,
            Scheme::ShareReward,
            Scheme::Coupon,
            Scheme::RedPacket,
            Scheme::Points,
            Scheme::Commission,
        ]
        .into_iter()
        .map(scheme)
        .sum();
        let (opened, filled) = (sum(|r| r.teams_opened), sum(|r| r.teams_filled));
        let some = Some;
        let mut values: Vec<(String, Option<f64>)> = Vec::new();
        let mut put = |k: &Metric, part: &str, v: Option<f64>| values.push((k.key(part), v));
        put(&c::CUSTOMERS, "", some(n_customers));
        for ch in Channel::ALL {
            put(&c::CUSTOMERS_BY_CHANNEL, ch.name(), some(customers_of(ch)));
        }
        put(
            &c::REACHED,
            "",
            some(f64::from(rep.members - final_row.stage(Stage::Unaware))),
        );
        put(
            &c::FINAL_ACTIVE,
            "",
            some(f64::from(final_row.stage(Stage::Active))),
        );
        put(
            &c::FINAL_SILENT,
            "",
            some(f64::from(final_row.stage(Stage::Silent))),
        );
        put(
            &c::FINAL_CHURNED,
            "",
            some(f64::from(final_row.stage(Stage::Churned))),
        );
        put(&c::PEAK_DAY, "", peak);
        put(&c::DAYS_TO_HALF, "", days_to_half);
        put(&c::K_FACTOR, "", ratio(f64::from(referred), n_customers));
        put(
            &c::FISSION_RATIO,
            "",
            ratio(f64::from(referred), f64::from(paid_or_seeded)),
        );
        put(&c::VIRAL_CYCLE, "", ratio(cycle, f64::from(referred)));
        put(
            &c::REFERRAL_DEPTH,
            "",
            some(f64::from(depth.iter().copied().max().unwrap_or(0))),
        );
        put(
            &c::REFERRERS,
            "",
            some(brought.iter().filter(|&&b| b > 0).count() as f64),
        );
        put(&c::ORDERS, "", some(total.orders as f64));
        put(&c::REPEAT_ORDERS, "", some(total.repeat_orders as f64));
        put(&c::REPEAT_CUSTOMERS, "", some(f64::from(repeaters)));
        put(
            &c::REPURCHASE_RATE,
            "",
            ratio(f64::from(repeaters), n_customers),
        );
        put(&c::LIST, "", some(total.list_cents as f64));
        put(&c::GMV, "", some(total.gmv_cents as f64));
        put(&c::DISCOUNT, "", some(total.discount_cents as f64));
        put(&c::COGS, "", some(total.cogs_cents as f64));
        put(&c::MARGIN, "", some(total.margin_cents() as f64));
        put(&c::AD, "", some(total.ad_cents as f64));
        put(&c::KOL, "", some(total.kol_cents as f64));
        put(&c::TOUCH, "", some(total.touch_cents as f64));
        put(&c::INCENTIVE, "", some(total.incentive_cents as f64));
        for s in Scheme::ALL {
            put(&c::SCHEME, s.name(), some(scheme(s)));
        }
        for s in Scheme::ALL {
            let budget = crate::mechanism::budget_of(rep.scenario, s);
            put(
                &c::BUDGET_USED,
                s.name(),
                budget.and_then(|b| ratio(scheme(s), b as f64)),
            );
        }
        for s in Scheme::ALL {
            let out = rows
                .iter()
                .find(|r| r.budgets_out & (1 << s as u32) != 0)
                .map(|r| f64::from(r.day));
            put(&c::BUDGET_OUT_DAY, s.name(), out);
        }
        put(&c::QUALIFIED_INVITES, "", some(f64::from(qualified)));
        put(&c::SPEND, "", some(total.spend_cents() as f64));
        put(&c::NET, "", some(total.net_cents() as f64));
        // Marketing cost: ads, KOL fees, scheme cash and the discounts schemes gave.
        let marketing = (total.spend_cents() + total.discount_cents) as f64;
        put(&c::MARKETING_COST, "", some(marketing));
        put(&c::ROI, "", ratio(total.net_cents() as f64, marketing));
        // Every acquisition cost, the KOCs' free product and every discount included.
        put(&c::CAC, "", ratio(marketing, acquired));
        put(
            &c::CAC_AD,
            "",
            ratio(total.ad_cents as f64, customers_of(Channel::Ad)),
        );
        put(
            &c::CAC_KOL,
            "",
            ratio(
                total.kol_cents as f64 + scheme(Scheme::Koc),
                customers_of(Channel::Kol),
            ),
        );
        put(&c::CAC_VIRAL, "", ratio(viral_schemes, viral_customers));
        put(&c::LTV, "", ratio(total.margin_cents() as f64, n_customers));
        put(&c::RETENTION_D7, "", retention(0, CH));
        put(&c::RETENTION_D30, "", retention(1, CH));
        for ch in Channel::ALL {
            put(
                &c::RETENTION_D7_BY_CHANNEL,
                ch.name(),
                retention(0, ch as usize),
            );
            put(
                &c::RETENTION_D30_BY_CHANNEL,
                ch.name(),
                retention(1, ch as usize),
            );
        }
        for ch in Channel::ALL {
            let i = ch as usize;
            put(
                &c::VALUE_BY_CHANNEL,
                ch.name(),
                ratio(spent_by_channel[i] as f64, f64::from(by_channel[i])),
            );
        }
        put(&c::LIFETIME, "", ratio(lifetime, f64::from(churned)));
        put(&c::SHARES, "", some(sum(|r| r.shares)));
        for &ch in Channel::EXPOSURE {
            put(&c::EXPOSURES, ch.name(), some(exposures(ch)));
        }
        put(&c::TEAMS_OPENED, "", some(opened));
        put(&c::TEAMS_FILLED, "", some(filled));
        put(&c::TEAMS_EXPIRED, "", some(sum(|r| r.teams_expired)));
        put(&c::TEAM_FILL_RATE, "", ratio(filled, opened));
        put(&c::PACKETS_CLAIMED, "", some(sum(|r| r.packets_claimed)));
        let days = f64::from(rep.scenario.days);
        let interactions = rows.iter().map(|r| r.interactions as f64).sum::<f64>();
        put(
            &c::INTERACTIONS,
            "",
            ratio(interactions, f64::from(rep.members) * days),
        );
        put(
            &c::HIGH_ACTIVITY_SHARE,
            "",
            rep.scenario.engagement.as_ref().and_then(|_| {
                ratio(
                    rows.iter()
                        .skip(1)
                        .map(|r| f64::from(r.high_activity))
                        .sum(),
                    f64::from(rep.members) * days,
                )
            }),
        );
        let (live, recap) = (sum(|r| r.live_orders), sum(|r| r.recap_orders));
        put(&c::LIVE_ATTENDEES, "", some(sum(|r| r.live_attendees)));
        put(&c::LIVE_ORDERS, "", some(live + recap));
        put(&c::LIVE_INSTANT_SHARE, "", ratio(live, live + recap));
        put(&c::FLASH_SOLD, "", some(sum(|r| r.flash_sold)));
        put(
            &c::FLASH_TURNED_AWAY,
            "",
            some(sum(|r| r.flash_turned_away)),
        );
        put(&c::LOTTERY_ENTRIES, "", some(sum(|r| r.lottery_entries)));
        put(&c::LOTTERY_WINS, "", some(sum(|r| r.lottery_wins)));
        put(&c::CHECKINS, "", some(sum(|r| r.checkins)));
        put(
            &c::TIER_MEMBERS,
            "",
            some(f64::from(final_row.tier_members)),
        );
        put(&c::TIER_DOWNGRADES, "", some(sum(|r| r.tier_downgrades)));
        put(&c::TIER_ORDERS, "", some(sum(|r| r.tier_orders)));
        put(&c::PRESALE_ORDERS, "", some(sum(|r| r.presale_orders)));
        put(&c::COUPON_ORDERS, "", some(sum(|r| r.coupon_orders)));
        for (k, group) in crate::mechanism::group_matrix::STAGES.iter().enumerate() {
            let orders = rows.iter().map(|r| f64::from(r.matrix_orders[k])).sum();
            put(&c::MATRIX_ORDERS, group, some(orders));
            put(
                &c::MATRIX_MEMBERS,
                group,
                some(f64::from(final_row.matrix_members[k])),
            );
        }
        let warnings = sum(|r| r.churn_warnings);
        put(&c::CHURN_WARNINGS, "", some(warnings));
        put(
            &c::WARNING_PRECISION,
            "",
            ratio(sum(|r| r.churn_warnings_due), warnings),
        );
        put(
            &c::CHURN_OFFERS_TAKEN,
            "",
            some(sum(|r| r.churn_offers_taken)),
        );
        put(
            &c::WIN_BACK_CONTACTS,
            "",
            some(sum(|r| r.win_back_contacts)),
        );
        put(&c::WIN_BACKS, "", some(sum(|r| r.win_backs)));
        put(&c::BARGAINS_OPENED, "", some(sum(|r| r.bargains_opened)));
        put(
            &c::BARGAINS_COMPLETED,
            "",
            some(sum(|r| r.bargains_completed)),
        );
        put(&c::BARGAIN_HELPS, "", some(sum(|r| r.bargain_helps)));
        put(
            &c::THRESHOLD_ADOPTIONS,
            "",
            some(sum(|r| r.threshold_adoptions)),
        );
        put(&c::REVIEWS_POSITIVE, "", some(sum(|r| r.reviews_positive)));
        put(&c::REVIEWS_NEGATIVE, "", some(sum(|r| r.reviews_negative)));
        put(&c::REVIEWS_FEATURED, "", some(sum(|r| r.reviews_featured)));
        put(&c::BAD_EXPERIENCES, "", some(sum(|r| r.bad_experiences)));
        put(&c::NEGATIVE_HEARD, "", some(sum(|r| r.negative_heard)));
        put(&c::DISPUTES, "", some(sum(|r| r.disputes)));
        put(
            &c::DISPUTES_RESOLVED,
            "",
            some(sum(|r| r.disputes_resolved)),
        );
        put(&c::SENTIMENT_END, "", some(final_row.sentiment));
        put(
            &c::SENTIMENT_LOW,
            "",
            some(
                rows.iter()
                    .map(|r| r.sentiment)
                    .fold(f64::INFINITY, f64::min),
            ),
        );
        let fakes = sum(|r| r.fake_invites);
        put(&c::FAKE_INVITES, "", some(fakes));
        put(&c::FAKES_DETECTED, "", some(sum(|r| r.fakes_detected)));
        put(&c::CUSTOMERS_MEASURED, "", some(n_customers + fakes));
        put(
            &c::K_FACTOR_MEASURED,
            "",
            ratio(f64::from(referred) + fakes, n_customers + fakes),
        );
        put(
            &c::FISSION_RATIO_MEASURED,
            "",
            ratio(f64::from(referred) + fakes, f64::from(paid_or_seeded)),
        );
        put(&c::CAC_MEASURED, "", ratio(marketing, acquired + fakes));
        put(
            &c::COMPLIANCE_FLAGS,
            "",
            some(crate::scenario::compliance_flags(rep.scenario).len() as f64),
        );
        if segments.len() > 1 {
            let mut members = vec![0u32; segments.len()];
            for m in 0..rep.members {
                members[rep.population.segment(m)] += 1;
            }
            for (k, seg) in segments.iter().enumerate() {
                let bought = f64::from(by_segment[k]);
                put(&c::CUSTOMERS_BY_SEGMENT, &seg.name, Some(bought));
                put(
                    &c::CONVERSION_BY_SEGMENT,
                    &seg.name,
                    ratio(bought, f64::from(members[k])),
                );
            }
        }
        RunSummary { values }
    }
}

/// `a / b`, or `None` when `b` is 0.
fn ratio(a: f64, b: f64) -> Option<f64> {
    (b != 0.0).then(|| a / b)
}
