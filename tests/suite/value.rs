//! What a customer is worth by acquisition channel (`[customer_value]`): the referred-customer
//! effect on D30 retention against the closed form of a constant hazard, and the basket and
//! repurchase multipliers exactly.

use fission::engine::{Observer, Replicate};
use fission::model::{Channel, Customer};
use fission::scenario::LoadedScenario;

use super::calendar::on_graph;
use super::common::assert_close_z;

/// Every customer of replicate `r` at the end of the run.
fn customers(setup: &fission::engine::Setup, r: u64) -> Vec<Customer> {
    struct Last(Vec<Customer>);
    impl Observer for Last {
        fn observe(&mut self, rep: &Replicate<'_>, _: &fission::metrics::DayRow) {
            self.0 = rep.customers().to_vec();
        }
    }
    let mut last = Last(Vec::new());
    setup.run_with(r, &mut last).unwrap();
    last.0
}

/// With a constant daily hazard h from the day after the first purchase, a customer is still
/// there 30 days later with probability (1 − h)^30. Referred (friend-acquired) customers with
/// churn multiplier 0.82 keep (1 − 0.82h)^30, ad-acquired customers (1 − h)^30; the measured
/// retentions and their difference match within 4 standard errors.
#[test]
fn referred_customers_churn_less_by_the_multiplier() {
    let h: f64 = 0.02;
    let text = format!(
        "name = \"v\"\nseed = 5\ndays = 90\n[graph.erdos_renyi]\nn = 4000\nmean_degree = 6.0\n\
         [seeding]\ncount = 0\n[product]\nlist_price_cents = 1000\nunit_cost_cents = 400\n\
         [behaviour.p_buy]\nad = 0.05\nfriend = 0.15\n[share]\np_share = 0.6\n\
         [ads]\nimpressions_per_day = 150\ncpm_cents = 0\nend_day = 40\n\
         [churn]\nbase = {h}\n[customer_value.friend]\nchurn = 0.82\n"
    );
    let loaded = LoadedScenario::from_text(&text, std::path::Path::new("v.toml"), &[]).unwrap();
    let setup = fission::engine::Setup::new(loaded).unwrap();
    // [ad, friend] × [eligible, kept]
    let mut counts = [[0u32; 2]; 2];
    for r in 0..40 {
        for c in customers(&setup, r) {
            let k = match c.acquired_via {
                Channel::Ad => 0,
                Channel::Friend => 1,
                _ => continue,
            };
            if c.first_day + 30 <= 90 {
                counts[k][0] += 1;
                let kept =
                    c.churn_day == fission::model::member::NONE || c.churn_day > c.first_day + 30;
                counts[k][1] += u32::from(kept);
            }
        }
    }
    let expect = [(1.0 - h).powi(30), (1.0 - 0.82 * h).powi(30)];
    let mut measured = [0.0; 2];
    let mut var = [0.0f64; 2];
    for k in 0..2 {
        let n = f64::from(counts[k][0]);
        assert!(n > 500.0, "too few customers: {counts:?}");
        measured[k] = f64::from(counts[k][1]) / n;
        var[k] = expect[k] * (1.0 - expect[k]) / n;
        assert_close_z(
            &format!("retention_d30 {}", ["ad", "friend"][k]),
            measured[k],
            var[k].sqrt(),
            expect[k],
            0.0,
            4.0,
        );
    }
    assert_close_z(
        "friend − ad retention_d30",
        measured[1] - measured[0],
        (var[0] + var[1]).sqrt(),
        expect[1] - expect[0],
        0.0,
        4.0,
    );
}

/// A friend-acquired customer's basket is worth 1.5 orders (list and cost of goods), and with
/// repurchase multiplier 0 they never reorder while the seed does every day.
#[test]
fn basket_and_repurchase_multipliers_apply_to_the_acquisition_channel() {
    let setup = on_graph(
        "0 1\n",
        3,
        "[seeding]\nmembers = [0]\n[behaviour.p_buy]\nfriend = 1.0\n[share]\np_share = 1.0\nreach = 1.0\n\
         [repurchase]\nmean_interval_days = 1.0\np_buy = 1.0\n\
         [customer_value.friend]\norder_value = 1.5\nrepurchase = 0.0\n",
    );
    let out = setup.run(0).unwrap();
    let get = |k: &str| out.summary.get(k).unwrap();
    // Seed: days 0–3 at ¥10; friend: day 1 only, at ¥15 (cost ¥6).
    assert_eq!(get("gmv_cents"), 4.0 * 1000.0 + 1500.0);
    assert_eq!(get("orders"), 5.0);
    assert_eq!(get("value_friend_cents"), 1500.0);
    assert_eq!(get("value_seed_cents"), 4000.0);
    let cost: i64 = out.rows.iter().map(|r| r.ledger.cogs_cents).sum();
    assert_eq!(cost, 4 * 400 + 600);
}
