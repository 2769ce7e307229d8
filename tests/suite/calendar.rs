//! The campaign calendar and engagement: exact rules on tiny graphs (flash-sale stock, live-room
//! capacity, check-in streaks, the high-activity count, festival multipliers), the lottery's
//! payout against its binomial closed form, and "scheduled after the horizon changes nothing".

use fission::engine::{Observer, Replicate, Setup};
use fission::metrics::RunOutput;
use fission::rng::{Draws, Stream};
use fission::scenario::LoadedScenario;

use super::common::assert_close_z;

/// A scenario of `days` days on the edge list `edges` with `body` appended (seed 1, list price ¥10).
pub(super) fn on_graph(edges: &str, days: u32, body: &str) -> Setup {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    std::fs::write(dir.join("g.txt"), edges).unwrap();
    let text = format!(
        "name = \"tiny\"\nseed = 1\ndays = {days}\n[graph.edge_list]\npath = \"g.txt\"\n\
         [product]\nlist_price_cents = 1000\nunit_cost_cents = 400\n{body}"
    );
    let loaded = LoadedScenario::from_text(&text, &dir.join("t.toml"), &[]).unwrap();
    Setup::new(loaded).unwrap()
}

/// The members who bought by the end of replicate `r`, ascending.
fn buyers(setup: &Setup, r: u64) -> Vec<u32> {
    struct Buyers(Vec<u32>);
    impl Observer for Buyers {
        fn observe(&mut self, rep: &Replicate<'_>, _: &fission::metrics::DayRow) {
            self.0 = rep.customers().iter().map(|c| c.member).collect();
        }
    }
    let mut b = Buyers(Vec::new());
    setup.run_with(r, &mut b).unwrap();
    b.0.sort_unstable();
    b.0
}

pub(super) fn total(out: &RunOutput, f: fn(&fission::metrics::DayRow) -> u32) -> u32 {
    out.rows.iter().map(f).sum()
}

/// The members of `0..n` in the keyed arrival order of `stream` on `day` (replicate 0, seed 1).
pub(super) fn arrival_order(n: u32, stream: Stream, day: u32) -> Vec<u32> {
    let key = Draws::new(1, 0).day(stream, day);
    let mut order: Vec<u32> = (0..n).collect();
    order.sort_by_key(|&m| (key.bits(m, 0), m));
    order
}

/// Stock 3, five members who all read the announcement and all buy: exactly three units sell,
/// to the first three in keyed arrival order; the other two are turned away; each unit is sold
/// at half price on the flash line.
#[test]
fn a_flash_sale_sells_its_stock_to_the_first_arrivals() {
    let setup = on_graph(
        "0 1\n1 2\n2 3\n3 4\n",
        2,
        "[seeding]\ncount = 0\n[behaviour.p_buy]\nflash = 1.0\n[share]\np_share = 0.0\n\
         [[flash_sale]]\nname = \"f\"\nday = 1\ndiscount_pct = 50.0\nstock = 3\naudience = \"all\"\n",
    );
    let out = setup.run(0).unwrap();
    assert_eq!(total(&out, |r| r.flash_sold), 3);
    assert_eq!(total(&out, |r| r.flash_turned_away), 2);
    let first: Vec<u32> = arrival_order(5, Stream::FlashArrival { sale: 0 }, 1)[..3].to_vec();
    let mut expect = first.clone();
    expect.sort_unstable();
    assert_eq!(buyers(&setup, 0), expect, "arrival order {first:?}");
    let get = |k: &str| out.summary.get(k).unwrap();
    assert_eq!(get("scheme_flash_sale_cents"), 3.0 * 500.0);
    assert_eq!(get("gmv_cents"), 3.0 * 500.0);
    assert_eq!(get("customers_flash"), 3.0);
}

/// A KOL-hosted stream on a star: the host is the centre, all six leaves want to attend, the room
/// holds two: exactly the two first arrivals attend (the host does not), and both buy at the
/// live price during the stream.
#[test]
fn a_live_room_admits_its_capacity_in_arrival_order() {
    let setup = on_graph(
        "0 1\n0 2\n0 3\n0 4\n0 5\n0 6\n",
        3,
        "[seeding]\ncount = 0\n[behaviour.p_buy]\nlive = 1.0\n[share]\np_share = 0.0\n\
         [[kol_campaign]]\nname = \"host\"\ncount = 1\npost_days = [3]\n\
         [[live_stream]]\nname = \"s\"\ndays = [1]\nhost = \"host\"\np_attend_follower = 1.0\n\
         capacity = 2\nprice_cents = 800\nhost_fee_cents = 300\n",
    );
    let out = setup.run(0).unwrap();
    assert_eq!(total(&out, |r| r.live_attendees), 2);
    assert_eq!(total(&out, |r| r.live_orders), 2);
    let leaves: Vec<u32> = arrival_order(7, Stream::LiveArrival { stream: 0 }, 1)
        .into_iter()
        .filter(|&m| m != 0)
        .take(2)
        .collect();
    let mut expect = leaves;
    expect.sort_unstable();
    assert_eq!(buyers(&setup, 0), expect);
    let get = |k: &str| out.summary.get(k).unwrap();
    assert_eq!(
        get("scheme_live_cents"),
        300.0 + 2.0 * 200.0,
        "fee + two ¥2 discounts"
    );
    assert_eq!(get("live_instant_share"), 1.0);
}

/// A recap reaches the group members who did not attend, the day after, at the live price: with
/// nobody attending (p = 0) and everybody reading the recap, every group member buys on day 2
/// from the recap.
#[test]
fn a_recap_is_a_second_wave_the_day_after() {
    let setup = on_graph(
        "0 1\n1 2\n2 3\n3 0\n",
        3,
        "[seeding]\ncount = 0\n[behaviour.p_buy]\nlive = 1.0\n[share]\np_share = 0.0\n\
         [groups]\nassign = \"random\"\nsize = 4.0\n\
         [[live_stream]]\nname = \"s\"\ndays = [1]\np_attend_group = 0.0\nrecap = true\nprice_cents = 900\n",
    );
    let out = setup.run(0).unwrap();
    assert_eq!(total(&out, |r| r.live_attendees), 0);
    assert_eq!(out.rows[2].recap_orders, 4);
    assert_eq!(out.summary.get("live_instant_share"), Some(0.0));
    assert_eq!(out.summary.get("scheme_live_cents"), Some(400.0));
}

/// Five seed customers, a check-in every 7 days that everybody joins, a reward for 2 in a row:
/// check-ins on days 1, 8, 15, 22, 29 (5 each), rewards at the 2nd and 4th (2 each).
#[test]
fn check_in_streaks_pay_exactly_at_their_length() {
    let setup = on_graph(
        "0 1\n1 2\n2 3\n3 4\n4 5\n5 6\n",
        30,
        "[seeding]\nmembers = [0, 1, 2, 3, 4]\n[share]\np_share = 0.0\n\
         [checkin]\np_participate = 1.0\nstreak_length = 2\nstreak_reward_cents = 100\n",
    );
    let out = setup.run(0).unwrap();
    let days: Vec<u32> = out
        .rows
        .iter()
        .filter(|r| r.checkins > 0)
        .map(|r| r.day)
        .collect();
    assert_eq!(days, [1, 8, 15, 22, 29]);
    assert_eq!(total(&out, |r| r.checkins), 25);
    assert_eq!(
        out.summary.get("scheme_checkin_cents"),
        Some(5.0 * 2.0 * 100.0)
    );
}

/// Engagement with decay 0.9 and threshold 3: five seeds (an order each on day 0 = one
/// interaction) who check in every day have E = 1.9, 2.71, 3.439 … at the end of days 1, 2, 3,
/// so none is high-activity before day 3 and all five are from day 3 on; the conversion lift
/// and the churn cut follow the same level.
#[test]
fn the_high_activity_count_follows_the_decaying_score() {
    let setup = on_graph(
        "0 1\n1 2\n2 3\n3 4\n4 5\n5 6\n",
        6,
        "[seeding]\nmembers = [0, 1, 2, 3, 4]\n[share]\np_share = 0.0\n\
         [checkin]\nperiod_days = 1\np_participate = 1.0\n\
         [engagement]\ndecay = 0.9\nhigh_activity = 3.0\n",
    );
    let out = setup.run(0).unwrap();
    let high: Vec<u32> = out.rows.iter().map(|r| r.high_activity).collect();
    assert_eq!(high, [0, 0, 0, 5, 5, 5, 5]);
    // Interactions: 5 seed orders on day 0, then 5 check-ins a day.
    let interactions: Vec<u64> = out.rows.iter().map(|r| r.interactions).collect();
    assert_eq!(interactions, [5, 5, 5, 5, 5, 5, 5]);
    assert_eq!(
        out.summary.get("high_activity_share"),
        Some(4.0 * 5.0 / (7.0 * 6.0))
    );
}

/// A festival with impulse 0 stops every purchase inside its window (ads keep reaching people
/// but nobody buys), and attention 0 stops every share after a purchase; outside it the market runs as before.
#[test]
fn a_festival_multiplies_conversion_and_sharing_inside_its_window() {
    let base = "[seeding]\nmembers = [0]\n[behaviour.p_buy]\nfriend = 0.5\nad = 0.5\n\
        [share]\np_share = 1.0\n[ads]\nimpressions_per_day = 4\ncpm_cents = 0\n";
    let edges = "0 1\n1 2\n2 3\n3 4\n4 5\n5 6\n6 7\n7 8\n8 9\n9 0\n";
    let dead = on_graph(
        edges,
        12,
        &format!(
            "{base}[[festival]]\nname = \"x\"\nstart_day = 1\nend_day = 12\nimpulse = 0.0\nattention = 0.0\n"
        ),
    );
    let out = dead.run(0).unwrap();
    assert_eq!(out.summary.get("customers"), Some(1.0), "only the seed");
    assert_eq!(total(&out, |r| r.shares), 0);
    let live = on_graph(edges, 12, base).run(0).unwrap();
    assert!(live.summary.get("customers").unwrap() > 1.0);
}

/// Every order enters (50 free KOC orders on day 1, nothing else happens) and wins ¥1 with
/// p = 0.3: wins per replicate ~ Binomial(50, 0.3), mean 15 and variance 10.5, each within 4 se
/// over 300 replicates; the payout is exactly ¥1 per win.
#[test]
fn lottery_payouts_follow_the_binomial_closed_form() {
    let text = "name = \"lot\"\ndays = 2\n[graph.erdos_renyi]\nn = 200\nmean_degree = 4.0\n\
        [seeding]\ncount = 0\n[share]\np_share = 0.0\n\
        [[kol_campaign]]\nname = \"koc\"\ncount = 50\nkoc = true\npost_days = [1]\n\
        [lottery]\np_win = 0.3\nprize_cents = 100\n";
    let loaded = LoadedScenario::from_text(text, std::path::Path::new("lot.toml"), &[]).unwrap();
    let setup = Setup::new(loaded).unwrap();
    let runs = 300;
    let mut wins = Vec::new();
    for r in 0..runs {
        let out = setup.run(r).unwrap();
        let get = |k: &str| out.summary.get(k).unwrap();
        assert_eq!(get("lottery_entries"), 50.0);
        assert_eq!(get("scheme_lottery_cents"), 100.0 * get("lottery_wins"));
        wins.push(get("lottery_wins"));
    }
    let n = wins.len() as f64;
    let mean = wins.iter().sum::<f64>() / n;
    let var = wins.iter().map(|w| (w - mean).powi(2)).sum::<f64>() / (n - 1.0);
    let (p, trials) = (0.3, 50.0);
    let (mu, sigma2) = (trials * p, trials * p * (1.0 - p));
    assert_close_z("mean wins", mean, (sigma2 / n).sqrt(), mu, 0.0, 4.0);
    // The sample variance of a near-normal count has se ≈ σ²·sqrt(2 / (n − 1)).
    assert_close_z(
        "variance of wins",
        var,
        sigma2 * (2.0 / (n - 1.0)).sqrt(),
        sigma2,
        0.0,
        4.0,
    );
}

/// Every calendar mechanism scheduled after the horizon (and a lottery and check-in that start
/// after it) leaves every day and every KPI identical, replicate by replicate, on the general
/// share path (quickstart) and the skip-ahead path (independent cascade).
#[test]
fn calendar_events_after_the_horizon_change_nothing() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let tables = "\n[[live_stream]]\nname = \"late\"\ndays = [5000]\np_attend_customer = 0.5\n\
        price_cents = 100\nhost_fee_cents = 999\n\
        [[flash_sale]]\nname = \"late\"\nday = 5000\ndiscount_pct = 90.0\nstock = 10\naudience = \"all\"\n\
        [[festival]]\nname = \"late\"\nstart_day = 5000\nend_day = 5003\nimpulse = 3.0\n\
        [lottery]\np_win = 0.5\nprize_cents = 100\nstart_day = 5000\n\
        [checkin]\np_participate = 0.5\nstreak_reward_cents = 100\nstart_day = 5000\n\
        [first_order]\ndiscount_pct = 50.0\nstart_day = 5000\n\
        [presale]\nstart_day = 5000\nend_day = 5001\ndelivery_day = 5010\ndiscount_pct = 30.0\n\
        channels = [\"friend\", \"ad\", \"group\"]\n\
        [contribution]\n\
        [churn_warning]\nauc = 0.9\ntarget_share = 0.5\np_success = 0.5\noffer_cents = 100\nstart_day = 5000\n\
        [win_back]\ndays = [5000]\np_return = 0.5\ndiscount_cents = 100\n\
        [customer_value.live]\nchurn = 0.5\nrepurchase = 2.0\norder_value = 3.0\n\
        [group_matrix]\np_join = 0.0\n[group_matrix.onboarding]\nposts_per_day = 2.0\n";
    for (file, sets) in [
        ("scenarios/quickstart.toml", vec!["graph.holme_kim.n=2000"]),
        ("scenarios/ic_karate.toml", vec![]),
    ] {
        let sets: Vec<String> = sets.into_iter().map(String::from).collect();
        let path = root.join(file);
        let text = std::fs::read_to_string(&path).unwrap();
        let plain = Setup::new(LoadedScenario::load(&path, &sets).unwrap()).unwrap();
        let with = Setup::new(
            LoadedScenario::from_text(&format!("{text}{tables}"), &path, &sets).unwrap(),
        )
        .unwrap();
        assert_eq!(with.scenario().live_stream.len(), 1);
        for r in 0..6 {
            let (a, b) = (plain.run(r).unwrap(), with.run(r).unwrap());
            assert_eq!(a.rows, b.rows, "{file} replicate {r}");
            assert_eq!(a.summary, b.summary, "{file} replicate {r}");
        }
    }
}
