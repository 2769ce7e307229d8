//! Tiers and the community funnel: exact rules on tiny graphs — a contribution tier lost on the
//! exact day its decayed score falls below the threshold, early access to a flash sale by tier,
//! the new-user offer on first orders only, a presale's delivery holding back the next need,
//! and the group matrix's promotion (by orders, by tier) and demotion.

use fission::rng::Stream;

use super::calendar::{arrival_order, on_graph, total};

/// Member 0 is the one seed (day 0: one order, one interaction → score 11). With decay 0.5 the
/// score is 5.5 on day 1 (tier 1 at threshold 3). On day 1 a flash sale of stock 1 is read by
/// all five members: member 0, the only tier member, arrives first through early access
/// (although keyed arrival alone would not put them first), buys at ½ price less the 10% tier
/// discount, and the other four are turned away. Member 0's score is then 5.5 + 1 (reading) +
/// 10 (the order) + 1 (the order is an interaction) = 17.5, which decays to 8.75, 4.375 and
/// 2.1875: the tier is lost on day 4, not before.
#[test]
fn a_contribution_tier_gives_early_access_and_is_lost_on_the_exact_day() {
    assert_ne!(
        arrival_order(5, Stream::FlashArrival { sale: 0 }, 1)[0],
        0,
        "the test needs member 0 not to arrive first by keyed order alone"
    );
    let setup = on_graph(
        "0 1\n1 2\n2 3\n3 4\n",
        6,
        "[seeding]\nmembers = [0]\n[behaviour.p_buy]\nflash = 1.0\n[share]\np_share = 0.0\n\
         [contribution]\nper_interaction = 1.0\nper_order = 10.0\ndecay = 0.5\n\
         [[contribution.tiers]]\nname = \"active\"\nthreshold = 3.0\ndiscount_pct = 10.0\n\
         [[flash_sale]]\nname = \"f\"\nday = 1\ndiscount_pct = 50.0\nstock = 1\naudience = \"all\"\n\
         early_access_tier = 1\n",
    );
    let out = setup.run(0).unwrap();
    let tiered: Vec<u32> = out.rows.iter().map(|r| r.tier_members).collect();
    assert_eq!(tiered[1..], [1, 1, 1, 0, 0, 0]);
    let downgrades: Vec<u32> = out.rows.iter().map(|r| r.tier_downgrades).collect();
    assert_eq!(downgrades[1..], [0, 0, 0, 1, 0, 0]);
    assert_eq!(total(&out, |r| r.flash_sold), 1);
    assert_eq!(total(&out, |r| r.flash_turned_away), 4);
    assert_eq!(total(&out, |r| r.tier_orders), 1);
    let get = |k: &str| out.summary.get(k).unwrap();
    assert_eq!(get("customers"), 1.0, "only the seed bought");
    assert_eq!(get("scheme_flash_sale_cents"), 500.0);
    assert_eq!(get("scheme_contribution_cents"), 100.0);
    assert_eq!(get("gmv_cents"), 1000.0 + 400.0);
    assert_eq!(get("tier_downgrades"), 1.0);
    assert_eq!(get("tier_members"), 0.0);
}

/// The new-user offer is taken off first orders and nothing else: the seed shares on day 1,
/// its friend buys at 30% off; with a need every day, every repeat order (the seed's on days 1
/// and 2, the friend's on day 2) is at the list price.
#[test]
fn the_new_user_offer_applies_to_first_orders_only() {
    let setup = on_graph(
        "0 1\n",
        2,
        "[seeding]\nmembers = [0]\n[behaviour.p_buy]\nfriend = 1.0\n[share]\np_share = 1.0\nreach = 1.0\n\
         [repurchase]\nmean_interval_days = 1.0\np_buy = 1.0\n[first_order]\ndiscount_pct = 30.0\n",
    );
    let out = setup.run(0).unwrap();
    let get = |k: &str| out.summary.get(k).unwrap();
    assert_eq!(get("customers"), 2.0);
    assert_eq!(get("scheme_first_order_cents"), 300.0);
    let orders = out.rows.iter().map(|r| r.ledger.orders).sum::<u64>();
    assert_eq!(get("gmv_cents"), orders as f64 * 1000.0 - 300.0);
    assert_eq!(orders, 5, "seed: days 0, 1, 2; friend: days 1, 2");
}

/// Two group members read the day-1 group post and pre-order at 20% off, delivered on day 10.
/// With a need every day (mean interval 1) they reorder on days 11 and 12, not before; without
/// the presale they reorder every day. The reorders are at the list price.
#[test]
fn a_presale_holds_the_next_need_until_delivery() {
    let body = "[seeding]\ncount = 0\n[behaviour.p_buy]\ngroup = 1.0\n[share]\np_share = 0.0\n\
        [groups]\nassign = \"random\"\nsize = 2.0\n\
        [posting_policy]\nposts_per_day = 1.0\nstart_day = 1\nend_day = 1\n\
        [repurchase]\nmean_interval_days = 1.0\np_buy = 1.0\n";
    let presale = "[presale]\nstart_day = 1\nend_day = 1\ndiscount_pct = 20.0\ndelivery_day = 10\n";
    let orders = |out: &fission::metrics::RunOutput| -> Vec<u64> {
        out.rows.iter().map(|r| r.ledger.orders).collect()
    };
    let with = on_graph("0 1\n", 12, &format!("{body}{presale}"))
        .run(0)
        .unwrap();
    assert_eq!(orders(&with), [0, 2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2, 2]);
    assert_eq!(total(&with, |r| r.presale_orders), 2);
    let get = |k: &str| with.summary.get(k).unwrap();
    assert_eq!(get("gmv_cents"), 2.0 * 800.0 + 4.0 * 1000.0);
    assert_eq!(get("scheme_presale_cents"), 400.0);
    let without = on_graph("0 1\n", 12, body).run(0).unwrap();
    assert_eq!(orders(&without)[1..], [2; 12]);
}

/// Three seeds join the onboarding group on day 0. The day-1 onboarding post makes each buy
/// again (recorded under onboarding); the second order puts them in incubation and, with score
/// 10·0.5 + 10 = 15 reaching the tier threshold, in the high-value group at the end of day 1.
/// On day 2 the score is 7.5: the tier is lost and they are back in incubation.
#[test]
fn the_group_matrix_promotes_by_orders_and_tier_and_demotes_with_the_tier() {
    let setup = on_graph(
        "0 1\n1 2\n",
        3,
        "[seeding]\nmembers = [0, 1, 2]\n[behaviour.p_buy]\ngroup = 1.0\n[share]\np_share = 0.0\n\
         [contribution]\nper_interaction = 0.0\nper_order = 10.0\ndecay = 0.5\n\
         [[contribution.tiers]]\nname = \"core\"\nthreshold = 15.0\n\
         [group_matrix]\nincubation_orders = 2\nhigh_value_tier = 1\n\
         [group_matrix.onboarding]\nposts_per_day = 1.0\n",
    );
    let out = setup.run(0).unwrap();
    let members: Vec<[u32; 3]> = out.rows.iter().map(|r| r.matrix_members).collect();
    assert_eq!(members[1..], [[0, 0, 3], [0, 3, 0], [0, 3, 0]]);
    let orders: Vec<[u32; 3]> = out.rows.iter().map(|r| r.matrix_orders).collect();
    assert_eq!(orders[1..], [[3, 0, 0], [0, 0, 0], [0, 0, 0]]);
    assert_eq!(total(&out, |r| r.tier_downgrades), 3);
    let get = |k: &str| out.summary.get(k).unwrap();
    assert_eq!(get("matrix_orders_onboarding"), 3.0);
    assert_eq!(get("matrix_members_incubation"), 3.0);
}

/// Bargaining on a star: a group post on day 1 makes all seven members decide to buy and open
/// a bargain (p_open = 1). On day 2 the centre asks three leaves, all help, the three cuts
/// (50 / 30 / 20% of the ¥8 gap) are in and the centre buys at the ¥2 target; each leaf asks
/// its one friend, the centre, who helps, but one cut of three is not enough: on day 3 their
/// windows end and, without a fallback, they do not buy; with p_fallback = 1 they buy at the
/// usual offer.
#[test]
fn a_bargain_completes_when_every_cut_is_in_within_its_window() {
    let body = |fallback: f64| {
        format!(
            "[seeding]\ncount = 0\n[behaviour.p_buy]\ngroup = 1.0\n[share]\np_share = 0.0\n\
             [groups]\nassign = \"random\"\nsize = 7.0\n\
             [posting_policy]\nposts_per_day = 1.0\nstart_day = 1\nend_day = 1\n\
             [bargain]\np_open = 1.0\ntarget_cents = 200\ncuts_pct = [50.0, 30.0, 20.0]\n\
             window_days = 2\nasks_per_day = 3\np_help = 1.0\np_fallback = {fallback}\n"
        )
    };
    let star = "0 1\n0 2\n0 3\n0 4\n0 5\n0 6\n";
    let out = on_graph(star, 4, &body(0.0)).run(0).unwrap();
    let get = |k: &str| out.summary.get(k).unwrap();
    assert_eq!(get("bargains_opened"), 7.0);
    assert_eq!(get("bargains_completed"), 1.0);
    assert_eq!(get("bargain_helps"), 3.0 + 6.0);
    assert_eq!(get("orders"), 1.0);
    assert_eq!(get("gmv_cents"), 200.0);
    assert_eq!(get("scheme_bargain_cents"), 800.0);
    let orders: Vec<u64> = out.rows.iter().map(|r| r.ledger.orders).collect();
    assert_eq!(orders, [0, 0, 1, 0, 0]);
    let out = on_graph(star, 4, &body(1.0)).run(0).unwrap();
    let orders: Vec<u64> = out.rows.iter().map(|r| r.ledger.orders).collect();
    assert_eq!(
        orders,
        [0, 0, 1, 6, 0],
        "the six leaves buy when their windows end"
    );
}
