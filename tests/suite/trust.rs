//! Trust and word of mouth: the threshold rule's cascade one step a day, reviews (who reads
//! them, the share of positive ones, the reward's budget), negative word of mouth (who hears,
//! what it cuts, the churn it adds), moderation at its rate and group sentiment exactly.

use fission::engine::Setup;
use fission::model::Stage;
use fission::scenario::LoadedScenario;

use super::common::{assert_close_z, setup};

/// A scenario on the edge list `edges` (written beside it); `body` starts with top-level keys.
fn on_edges(edges: &str, body: &str) -> Setup {
    let tmp = tempfile::tempdir().unwrap();
    std::fs::write(tmp.path().join("g.txt"), edges).unwrap();
    let text = format!(
        "name = \"t\"\n{body}\n[graph.edge_list]\npath = \"g.txt\"\n[product]\nlist_price_cents = 1000\n"
    );
    let loaded = LoadedScenario::from_text(&text, &tmp.path().join("t.toml"), &[]).unwrap();
    Setup::new(loaded).unwrap()
}

const PATH: &str = "0 1\n1 2\n2 3\n3 4\n4 5\n";
const STAR: &str = "0 1\n0 2\n0 3\n0 4\n0 5\n0 6\n";

/// On a path seeded at one end with φ = 0.5, each member is tipped by the one before it (one
/// of two friends) and buys the next day, referred by it; with φ = 0.6 nobody is tipped.
#[test]
fn the_threshold_rule_cascades_one_step_a_day() {
    let run = |phi: f64| {
        on_edges(
            PATH,
            &format!("days = 7\n[seeding]\nmembers = [0]\n[threshold]\nphi = {phi}\n"),
        )
        .run(0)
        .unwrap()
    };
    let out = run(0.5);
    let firsts: Vec<u32> = out.rows.iter().map(|r| r.new_customers_total()).collect();
    assert_eq!(firsts, [1, 1, 1, 1, 1, 1, 0, 0]);
    assert_eq!(out.summary.get("threshold_adoptions"), Some(5.0));
    assert_eq!(out.summary.get("customers_friend"), Some(5.0));
    assert_eq!(out.summary.get("k_factor"), Some(5.0 / 6.0));
    let out = run(0.6);
    assert_eq!(out.summary.get("customers"), Some(1.0));
    // p_adopt = 0: tipped, nobody adopts.
    let out = on_edges(
        PATH,
        "days = 7\n[seeding]\nmembers = [0]\n[threshold]\nphi = 0.5\np_adopt = 0.0\n",
    )
    .run(0)
    .unwrap();
    assert_eq!(out.summary.get("customers"), Some(1.0));
}

/// Star, the hub seeded: it reviews its order the next day; a positive review reaches every
/// leaf (p_buy.review = 1), a negative one converts nobody.
#[test]
fn a_positive_review_converts_its_readers_and_a_negative_one_nobody() {
    let run = |quality: f64| {
        on_edges(
            STAR,
            &format!(
                "days = 4\n[seeding]\nmembers = [0]\n[behaviour.p_buy]\nreview = 1.0\n\
                 [reviews]\np_review = 1.0\nquality = {quality}\n"
            ),
        )
        .run(0)
        .unwrap()
    };
    let out = run(1.0);
    assert_eq!(out.rows[1].new_customers[10], 6, "the review channel");
    assert_eq!(out.summary.get("customers_review"), Some(6.0));
    // The hub's review on day 1, the six leaves' on day 2 (their friend is a customer already).
    assert_eq!(out.rows[1].reviews_positive, 1);
    assert_eq!(out.rows[2].reviews_positive, 6);
    let out = run(0.0);
    assert_eq!(out.summary.get("customers"), Some(1.0));
    assert_eq!(out.summary.get("reviews_negative"), Some(1.0));
    assert_eq!(
        out.summary.get("bad_experiences"),
        Some(0.0),
        "no [negative_wom]"
    );
}

/// 4,000 seed customers review with 0.3; a quarter of deliveries fail and the product
/// satisfies 80%: positive reviews are 0.6 of all within 4 se, reviews 0.3 of orders within
/// 4 se. With a ¥1 reward (p 0.6) and ¥500 of budget exactly 500 reviews are paid.
#[test]
fn reviews_come_at_their_rate_with_the_valence_the_quality_implies() {
    let text = |extra: &str| {
        format!(
            "name = \"r\"\nseed = 5\ndays = 3\n[graph.erdos_renyi]\nn = 4000\nmean_degree = 3.0\n\
             [seeding]\ncount = 4000\n[product]\nlist_price_cents = 1000\n\
             [reviews]\np_review = 0.3\nquality = 0.8\np_delivery_problem = 0.25\n{extra}"
        )
    };
    let s = setup(&text(""));
    let (mut reviews, mut positive) = (0.0, 0.0);
    for r in 0..5 {
        let out = s.run(r).unwrap();
        let get = |k: &str| out.summary.get(k).unwrap();
        reviews += get("reviews_positive") + get("reviews_negative");
        positive += get("reviews_positive");
    }
    let orders = 5.0 * 4000.0;
    assert_close_z(
        "reviews per order",
        reviews / orders,
        (0.3 * 0.7 / orders).sqrt(),
        0.3,
        0.0,
        4.0,
    );
    assert_close_z(
        "positive share",
        positive / reviews,
        (0.6 * 0.4 / reviews).sqrt(),
        0.6,
        0.0,
        4.0,
    );
    let s = setup(&text(
        "reward_cents = 100\np_review_rewarded = 0.6\nbudget_cents = 50000\n",
    ));
    let out = s.run(0).unwrap();
    let get = |k: &str| out.summary.get(k).unwrap();
    let posted = get("reviews_positive") + get("reviews_negative");
    assert!(posted > 2000.0, "{posted}: the reward lifts reviews to 0.6");
    assert_eq!(get("scheme_review_cents"), 50_000.0);
}

/// A bad order is a bad experience whether reviewed or not: the hub's unsatisfying seed order
/// falls due on day 1 and it tells every leaf on day 2; reviewed, the six leaves read the
/// negative review on day 1 itself.
#[test]
fn a_bad_order_is_told_and_its_negative_review_read() {
    let run = |p_review: f64, p_tell: f64| {
        on_edges(
            STAR,
            &format!(
                "days = 3\n[seeding]\nmembers = [0]\n[reviews]\np_review = {p_review}\nquality = 0.0\n\
                 [negative_wom]\np_tell = {p_tell}\n"
            ),
        )
        .run(0)
        .unwrap()
    };
    let out = run(0.0, 1.0);
    let heard: Vec<u32> = out.rows.iter().map(|r| r.negative_heard).collect();
    assert_eq!(heard, [0, 0, 6, 0]);
    assert_eq!(out.rows[1].bad_experiences, 1);
    assert_eq!(out.summary.get("reviews_negative"), Some(0.0));
    let out = run(1.0, 0.0);
    let heard: Vec<u32> = out.rows.iter().map(|r| r.negative_heard).collect();
    assert_eq!(heard, [0, 6, 0, 0]);
    assert_eq!(out.rows[1].reviews_negative, 1);
}

/// A trust shock on day 1 that everybody on a star hears: seven bad experiences; on day 2
/// each tells every friend (p_tell = 1): the hub six times, each leaf once. With the
/// conversion cut to nothing the hub's day-1 share sells to nobody.
#[test]
fn a_shock_is_told_to_every_friend_and_cuts_conversion() {
    let run = |wom: &str| {
        on_edges(
            STAR,
            &format!(
                "days = 4\n[seeding]\nmembers = [0]\n[behaviour.p_buy]\nfriend = 1.0\n\
                 [share]\np_share = 1.0\n{wom}"
            ),
        )
        .run(0)
        .unwrap()
    };
    let plain = run("");
    assert_eq!(plain.summary.get("customers"), Some(7.0));
    let shock = "[negative_wom]\np_tell = 1.0\np_retell = 1.0\nconversion_cut = 1.0\n\
                 [[negative_wom.shocks]]\nname = \"rumour\"\nday = 1\nshare = 1.0\n";
    let out = run(shock);
    assert_eq!(out.rows[1].bad_experiences, 7);
    assert_eq!(out.rows[2].negative_heard, 12);
    // Everybody was affected already: nobody passes it on as news on day 3.
    assert_eq!(out.rows[3].negative_heard, 0);
    assert_eq!(out.summary.get("customers"), Some(1.0));
}

/// Every repeat order is disputed; moderation resolves 0.92 of disputes (within 4 se) and each
/// unresolved one is a bad experience.
#[test]
fn moderation_resolves_disputes_at_its_rate() {
    let s = setup(
        "name = \"d\"\nseed = 2\ndays = 30\n[graph.erdos_renyi]\nn = 2000\nmean_degree = 3.0\n\
         [seeding]\ncount = 2000\n[product]\nlist_price_cents = 1000\n\
         [repurchase]\nmean_interval_days = 5.0\np_buy = 1.0\n\
         [negative_wom]\np_tell = 0.0\np_dispute = 1.0\n",
    );
    let (mut disputes, mut resolved) = (0.0, 0.0);
    for r in 0..3 {
        let out = s.run(r).unwrap();
        let get = |k: &str| out.summary.get(k).unwrap();
        assert_eq!(
            get("disputes"),
            get("orders") - 2000.0,
            "every repeat order"
        );
        assert_eq!(
            get("bad_experiences"),
            get("disputes") - get("disputes_resolved")
        );
        disputes += get("disputes");
        resolved += get("disputes_resolved");
    }
    assert_close_z(
        "resolved share",
        resolved / disputes,
        (0.92 * 0.08 / disputes).sqrt(),
        0.92,
        0.0,
        4.0,
    );
}

/// 3,000 seed customers who never churn otherwise all hear of a shock on day 1 and remember
/// it: their hazard is 0.03 from day 2, so the share churned by day 21 is 1 − 0.97^20 within
/// 4 se; nobody churns on day 1.
#[test]
fn bad_word_of_mouth_raises_churn_by_its_hazard() {
    let s = setup(
        "name = \"c\"\nseed = 4\ndays = 21\n[graph.erdos_renyi]\nn = 3000\nmean_degree = 3.0\n\
         [seeding]\ncount = 3000\n[product]\nlist_price_cents = 1000\n\
         [negative_wom]\np_tell = 0.0\nchurn_rise = 0.03\nmemory_days = 1000\n\
         [[negative_wom.shocks]]\nday = 1\nshare = 1.0\n",
    );
    let mut churned = 0.0;
    for r in 0..3 {
        let out = s.run(r).unwrap();
        assert_eq!(out.rows[1].stage(Stage::Churned), 0);
        churned += f64::from(out.rows[21].stage(Stage::Churned));
    }
    let n = 3.0 * 3000.0;
    let p = 1.0 - 0.97f64.powi(20);
    assert_close_z(
        "churned share",
        churned / n,
        (p * (1.0 - p) / n).sqrt(),
        p,
        0.0,
        4.0,
    );
}

/// One group of seven: seven bad experiences at 0.1 each take its sentiment to −0.7 on day 1;
/// recovering half a day, it is −0.35 on day 2 and −0.175 on day 3.
#[test]
fn group_sentiment_falls_with_bad_experiences_and_recovers() {
    let out = on_edges(
        STAR,
        "days = 3\n[seeding]\nmembers = [0]\n[groups]\nassign = \"random\"\nsize = 7\n\
         [negative_wom]\np_tell = 0.0\nsentiment_per_bad = 0.1\nsentiment_recovery = 0.5\n\
         [[negative_wom.shocks]]\nday = 1\nshare = 1.0\n",
    )
    .run(0)
    .unwrap();
    let s: Vec<f64> = out.rows.iter().map(|r| r.sentiment).collect();
    for (got, want) in s.iter().zip([0.0, -0.7, -0.35, -0.175]) {
        assert!((got - want).abs() < 1e-12, "{s:?}");
    }
    let low = out.summary.get("sentiment_low").unwrap();
    assert!((low + 0.7).abs() < 1e-12, "{low}");
}

/// The leaderboard ranks yesterday's reviewers each day: the hub, reordering daily, reviews on
/// day 1 unfeatured (six friends read it), is featured from day 2, when its review also reaches
/// up to three members drawn from everybody.
#[test]
fn the_leaderboard_features_the_best_reviewer_from_the_next_ranking() {
    let out = on_edges(
        STAR,
        "days = 3\n[seeding]\nmembers = [0]\n[repurchase]\nmean_interval_days = 1.0\np_buy = 1.0\n\
         [reviews]\np_review = 1.0\n[reviews.leaderboard]\nevery_days = 1\ntop = 1\nextra_reach = 3\n",
    )
    .run(0)
    .unwrap();
    let review = 10; // the review channel
    assert_eq!(out.rows[1].reviews_positive, 1);
    assert_eq!(out.rows[1].reviews_featured, 0);
    assert_eq!(out.rows[1].exposures[review], 6);
    for day in [2, 3] {
        assert_eq!(out.rows[day].reviews_featured, 1, "day {day}");
        let e = out.rows[day].exposures[review];
        assert!((6..=9).contains(&e), "day {day}: {e}");
    }
    assert!(out.rows[2].exposures[review] + out.rows[3].exposures[review] > 12);
}
