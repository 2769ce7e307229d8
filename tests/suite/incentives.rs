//! Group buying, coupons, commission, red packets, share rewards, points and KOL campaigns:
//! exact rules on small graphs, closed forms, and configured-but-never-triggered identity.

use fission::engine::Setup;
use fission::scenario::LoadedScenario;

use super::common::{assert_close_z, mean_se, metric};

/// A scenario on an edge list `edges` (written to a temporary folder) with `body` appended.
fn on_edges(edges: &str, body: &str) -> Setup {
    let tmp = tempfile::tempdir().unwrap();
    std::fs::write(tmp.path().join("g.txt"), edges).unwrap();
    // `body` starts with top-level keys, so the graph and product tables come after it.
    let text = format!(
        "name = \"t\"\n{body}\n[graph.edge_list]\npath = \"g.txt\"\n[product]\nlist_price_cents = 1000\n"
    );
    let loaded = LoadedScenario::from_text(&text, &tmp.path().join("t.toml"), &[]).unwrap();
    Setup::new(loaded).unwrap()
}

/// `pairs` disjoint friend pairs (0–1, 2–3, …).
fn pairs(count: u32) -> String {
    (0..count)
        .map(|i| format!("{} {}\n", 2 * i, 2 * i + 1))
        .collect()
}

/// Ads on day 1 make their targets open two-person teams; each leader invites its one friend.
fn teams(p_team: f64, extra: &str) -> Setup {
    on_edges(
        &pairs(20_000),
        &format!(
            "days = 3\n[behaviour.p_buy]\nad = 1.0\nteam = {p_team}\n\
             [ads]\nimpressions_per_day = 200\ncpm_cents = 0\nend_day = 1\n\
             [group_buy]\nteam_size = 2\ndiscount_pct = 20.0\ninvites = 1\nwindow_days = 1\n{extra}"
        ),
    )
}

#[test]
fn a_two_person_team_fills_with_the_probability_that_its_one_friend_joins() {
    let s = 0.3;
    let setup = teams(s, "");
    let opened: f64 = metric(&setup, 40, "teams_opened").iter().sum();
    let filled: f64 = metric(&setup, 40, "teams_filled").iter().sum();
    // An ad may also hit a leader's partner (≈ 200 / 40 000 per team): that partner is then a
    // leader too and cannot join, which lowers the rate by about 0.3 · 0.005 — well inside 4 se.
    let rate = filled / opened;
    assert_close_z(
        "fill rate",
        rate,
        (s * (1.0 - s) / opened).sqrt(),
        s,
        0.0,
        4.0,
    );
}

#[test]
fn full_teams_buy_at_the_group_price_and_expired_teams_book_nothing() {
    // Every friend joins: every team fills on day 2, both members pay 800, the leader earns 30.
    let run = teams(1.0, "success_bonus_cents = 30\n").run(0).unwrap();
    let get = |k: &str| run.summary.get(k).unwrap();
    let t = get("teams_opened");
    assert!(t > 150.0);
    assert_eq!(get("teams_filled"), t);
    assert_eq!(get("orders"), 2.0 * t);
    assert_eq!(get("gmv_cents"), 2.0 * t * 800.0);
    assert_eq!(get("scheme_group_buy_cents"), t * (2.0 * 200.0 + 30.0));
    assert_eq!(get("customers_team"), t);
    assert_eq!(
        run.rows[2].teams_filled as f64, t,
        "they fill the day the leader invites"
    );
    // Nobody joins: every team expires at the end of day 2 and nobody buys.
    let run = teams(0.0, "").run(0).unwrap();
    let get = |k: &str| run.summary.get(k).unwrap();
    assert_eq!(get("teams_expired"), get("teams_opened"));
    assert_eq!(
        (get("orders"), get("gmv_cents"), get("customers")),
        (0.0, 0.0, 0.0)
    );
    assert_eq!(
        run.rows[1].teams_expired, 0,
        "still inside the window on day 1"
    );
    // With solo fallback every expired leader buys alone at list.
    let run = teams(0.0, "p_fallback_solo = 1.0\n").run(0).unwrap();
    let get = |k: &str| run.summary.get(k).unwrap();
    assert_eq!(get("orders"), get("teams_opened"));
    assert_eq!(get("discount_cents"), 0.0);
}

#[test]
fn a_team_budget_reserves_whole_teams_and_is_never_exceeded() {
    // Each team may cost 2 × 200 + 30 = 430; 1000 covers two teams only.
    let run = teams(1.0, "success_bonus_cents = 30\nbudget_cents = 1000\n")
        .run(0)
        .unwrap();
    let get = |k: &str| run.summary.get(k).unwrap();
    assert_eq!(get("teams_opened"), 2.0);
    assert_eq!(get("scheme_group_buy_cents"), 860.0);
}

/// A star: member 0 in the middle, members 1..=6 around it; 0 is the seed and shares on day 1.
const STAR: &str = "0 1\n0 2\n0 3\n0 4\n0 5\n0 6\n";

#[test]
fn coupon_cost_appears_only_on_redemption() {
    // Day 1: the seed's share makes the leaves aware (p_buy.friend = 0). Day 2: a coupon drop
    // to `new` members; with p_buy.coupon = 0 nobody redeems, so nothing is booked.
    let body = |p: f64| {
        format!(
            "days = 4\n[seeding]\nmembers = [0]\n[share]\np_share = 1.0\n[behaviour.p_buy]\ncoupon = {p}\n\
             [[coupon]]\ntarget = \"new\"\nvalue_cents = 150\nstart_day = 2\n"
        )
    };
    let run = on_edges(STAR, &body(0.0)).run(0).unwrap();
    let get = |k: &str| run.summary.get(k).unwrap();
    assert_eq!(get("exposures_coupon"), 6.0);
    assert_eq!(
        (get("scheme_coupon_cents"), get("discount_cents")),
        (0.0, 0.0)
    );
    // Everybody redeems: 6 orders at 850, the cost booked as coupon discounts on day 2.
    let run = on_edges(STAR, &body(1.0)).run(0).unwrap();
    let get = |k: &str| run.summary.get(k).unwrap();
    assert_eq!(get("customers_coupon"), 6.0);
    assert_eq!(get("scheme_coupon_cents"), 900.0);
    assert_eq!(run.rows[2].ledger.discount_cents, 900);
    assert_eq!(get("gmv_cents"), 1000.0 + 6.0 * 850.0);
}

/// A path 0–1–2–3–4: the seed 0 brings 1 on day 1, 1 brings 2 on day 2, and so on.
const PATH: &str = "0 1\n1 2\n2 3\n3 4\n";

fn path(extra: &str) -> Result<Setup, String> {
    let tmp = tempfile::tempdir().unwrap();
    std::fs::write(tmp.path().join("g.txt"), PATH).unwrap();
    let text = format!(
        "name = \"t\"\ndays = 6\n[graph.edge_list]\npath = \"g.txt\"\n[product]\nlist_price_cents = 1000\n\
         [seeding]\nmembers = [0]\n[share]\np_share = 1.0\n[behaviour.p_buy]\nfriend = 1.0\n{extra}"
    );
    let loaded = LoadedScenario::from_text(&text, &tmp.path().join("t.toml"), &[])
        .map_err(|e| e.to_string())?;
    Setup::new(loaded).map_err(|e| e.to_string())
}

#[test]
fn commission_pays_exactly_the_level_rates_up_the_chain() {
    let run = path("[commission]\nlevel_rates_pct = [10.0, 5.0]\n")
        .unwrap()
        .run(0)
        .unwrap();
    // 1's order pays 0 (level 1 only: 0 is a seed without a referrer); 2, 3, 4 pay 100 + 50.
    assert_eq!(run.summary.get("scheme_commission_cents"), Some(550.0));
    let paid: Vec<i64> = run.rows.iter().map(|r| r.ledger.incentive_cents).collect();
    assert_eq!(paid, vec![0, 100, 150, 150, 150, 0, 0]);
    // A payout delay moves the bookings, and those after the horizon are not booked.
    let run = path("[commission]\nlevel_rates_pct = [10.0, 5.0]\npayout_delay_days = 2\n")
        .unwrap()
        .run(0)
        .unwrap();
    let paid: Vec<i64> = run.rows.iter().map(|r| r.ledger.incentive_cents).collect();
    assert_eq!(paid, vec![0, 0, 0, 100, 150, 150, 150]);
    assert_eq!(run.summary.get("compliance_flags"), Some(0.0));
}

#[test]
fn commission_beyond_the_compliance_line_is_rejected_unless_allowed_and_then_flagged() {
    let three = "[commission]\nlevel_rates_pct = [10.0, 5.0, 2.0]\n";
    let err = path(three).err().expect("three levels are rejected");
    assert!(
        err.contains("commission.level_rates_pct") && err.contains("allow_noncompliant"),
        "{err}"
    );
    let run = path(&format!("{three}[compliance]\nallow_noncompliant = true\n"))
        .unwrap()
        .run(0)
        .unwrap();
    assert_eq!(run.summary.get("compliance_flags"), Some(1.0));
    // 2 pays 100 + 50; 3 and 4 pay 100 + 50 + 20.
    assert_eq!(
        run.summary.get("scheme_commission_cents"),
        Some(100.0 + 150.0 + 2.0 * 170.0)
    );
}

#[test]
fn red_packets_pay_claimers_and_never_exceed_the_budget() {
    // Leaves buy on day 1; on day 2 each sends a packet to its one friend (the centre).
    let body = |budget: &str| {
        format!(
            "days = 3\n[seeding]\nmembers = [0]\n[share]\np_share = 1.0\n[behaviour.p_buy]\nfriend = 1.0\n\
             [red_packet]\ntotal_cents = 90\nsplit_n = 1\n{budget}"
        )
    };
    let run = on_edges(STAR, &body("")).run(0).unwrap();
    assert_eq!(run.rows[2].packets_claimed, 6);
    assert_eq!(run.summary.get("scheme_red_packet_cents"), Some(540.0));
    // 200 pays two packets; the third is refused and the scheme stops.
    let run = on_edges(STAR, &body("budget_cents = 200\n"))
        .run(0)
        .unwrap();
    assert_eq!(run.summary.get("scheme_red_packet_cents"), Some(180.0));
    // Split among 3 with one claimer: only the first share is paid, the rest returns.
    let run = on_edges(STAR, &body("").replace("split_n = 1", "split_n = 3"))
        .run(0)
        .unwrap();
    let spent = run.summary.get("scheme_red_packet_cents").unwrap();
    assert!((6.0..540.0).contains(&spent), "{spent}");
}

#[test]
fn share_rewards_respect_the_daily_cap() {
    // Day 2: the six leaves share (they bought on day 1); only 2 shares a day are rewarded.
    let run = on_edges(
        STAR,
        "days = 3\n[seeding]\nmembers = [0]\n[share]\np_share = 1.0\n[behaviour.p_buy]\nfriend = 1.0\n\
         [share_reward]\nreward_per_share_cents = 10\ndaily_cap = 2\nrebate_pct = 5.0\n",
    )
    .run(0)
    .unwrap();
    let incentive: Vec<i64> = run.rows.iter().map(|r| r.ledger.incentive_cents).collect();
    // Day 1: the seed's share (10) and six rebates of 5% of 1000 (300); day 2: two capped rewards.
    assert_eq!(incentive, vec![0, 310, 20, 0]);
}

#[test]
fn points_and_tiers_with_no_threshold_reached_change_nothing() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let base = ["graph.holme_kim.n=2000".to_string()];
    let plain =
        Setup::new(LoadedScenario::load(&root.join("scenarios/quickstart.toml"), &base).unwrap())
            .unwrap();
    let text = std::fs::read_to_string(root.join("scenarios/quickstart.toml")).unwrap()
        + "\n[points]\nper_cent = 0.01\nper_share = 5.0\n\
           [[points.tiers]]\nname = \"gold\"\nthreshold = 1e12\ndiscount_pct = 50.0\nchurn_protect = 0.5\nshare_multiplier = 3.0\n";
    let with = Setup::new(
        LoadedScenario::from_text(&text, &root.join("scenarios/quickstart.toml"), &base).unwrap(),
    )
    .unwrap();
    for r in 0..6 {
        let (a, b) = (plain.run(r).unwrap(), with.run(r).unwrap());
        assert_eq!(a.rows, b.rows, "replicate {r}");
        assert_eq!(a.summary, b.summary, "replicate {r}");
    }
}

#[test]
fn a_reached_tier_discounts_orders_and_protects_from_churn() {
    // Everybody who buys reaches the tier at once (1 point per cent): repeat orders get 10% off,
    // first orders do not (the tier is earned by the first order).
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(root.join("scenarios/quickstart.toml")).unwrap()
        + "\n[points]\nper_cent = 1.0\n[[points.tiers]]\nname = \"vip\"\nthreshold = 1.0\ndiscount_pct = 10.0\nchurn_protect = 1.0\n";
    let setup = Setup::new(
        LoadedScenario::from_text(
            &text,
            &root.join("scenarios/quickstart.toml"),
            &["graph.holme_kim.n=2000".into()],
        )
        .unwrap(),
    )
    .unwrap();
    let run = setup.run(0).unwrap();
    let get = |k: &str| run.summary.get(k).unwrap();
    let list = setup.scenario().product.list_price_cents as f64;
    assert_eq!(
        get("scheme_points_cents"),
        get("repeat_orders") * (list * 0.1).floor()
    );
    assert_eq!(get("final_churned"), 0.0, "full churn protection");
}

#[test]
fn kol_posts_book_fees_and_kocs_get_the_product_free() {
    let run = on_edges(
        STAR,
        "days = 5\n[behaviour.p_buy]\nkol = 1.0\n\
         [[kol_campaign]]\nname = \"hub\"\ncount = 1\nselection = \"degree\"\nfee_cents = 5000\npost_days = [2, 4]\n",
    )
    .run(0)
    .unwrap();
    let get = |k: &str| run.summary.get(k).unwrap();
    // The hub (0) posts to its six friends on day 2: all buy; the second post finds customers.
    assert_eq!(get("kol_cents"), 10_000.0);
    assert_eq!(get("customers_kol"), 6.0);
    assert_eq!(get("cac_kol_cents"), 10_000.0 / 6.0);
    let run = on_edges(
        STAR,
        "days = 5\n[[kol_campaign]]\nname = \"seeding\"\ncount = 2\nkoc = true\npost_days = [3]\n",
    )
    .run(0)
    .unwrap();
    let get = |k: &str| run.summary.get(k).unwrap();
    assert_eq!(get("customers_kol"), 2.0);
    assert_eq!((get("gmv_cents"), get("scheme_koc_cents")), (0.0, 2000.0));
}

/// Every scheme configured but starting after the horizon (and group posts likewise; the
/// threshold rule with nobody adopting, reviews nobody writes, negative word of mouth with no
/// source of bad experiences) leaves
/// every replicate identical, on the general path and on the skip-ahead path.
#[test]
fn every_scheme_configured_but_never_triggered_changes_nothing() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let never = "\n[group_buy]\nteam_size = 3\ndiscount_pct = 30.0\nstart_day = 100000\n\
        [share_reward]\nreward_per_share_cents = 100\nrebate_pct = 10.0\nstart_day = 100000\n\
        [[coupon]]\ntarget = \"all\"\nvalue_cents = 100\nstart_day = 100000\n\
        [red_packet]\ntotal_cents = 500\nsplit_n = 5\nstart_day = 100000\n\
        [commission]\nlevel_rates_pct = [10.0, 5.0]\nstart_day = 100000\n\
        [groups]\nassign = \"random\"\n[posting_policy]\nposts_per_day = 2.0\nstart_day = 100000\n\
        [threshold]\nphi = 0.3\np_adopt = 0.0\n[reviews]\np_review = 0.0\n\
        [negative_wom]\np_tell = 1.0\nconversion_cut = 0.5\nchurn_rise = 0.1\nsentiment_weight = 0.5\n";
    for (file, sets) in [
        (
            "scenarios/quickstart.toml",
            vec!["graph.holme_kim.n=2000".to_string()],
        ),
        ("scenarios/ic_karate.toml", vec![]),
    ] {
        let path = root.join(file);
        let text = std::fs::read_to_string(&path).unwrap();
        let plain = Setup::new(LoadedScenario::from_text(&text, &path, &sets).unwrap()).unwrap();
        let with =
            Setup::new(LoadedScenario::from_text(&(text + never), &path, &sets).unwrap()).unwrap();
        for r in 0..6 {
            let (a, b) = (plain.run(r).unwrap(), with.run(r).unwrap());
            assert_eq!(a.rows, b.rows, "{file} replicate {r}");
            assert_eq!(a.summary, b.summary, "{file} replicate {r}");
        }
    }
}

/// Posting cadence has an interior optimum: with fatigue and fatigue-driven churn, net customers
/// active at the end rise and then fall with posts per day.
#[test]
fn posting_cadence_has_an_interior_optimum() {
    let body = |posts: f64| {
        format!(
            "days = 60\n[graph]\n[graph.stochastic_block]\nsizes = [100, 100, 100, 100]\np_in = 0.05\np_out = 0.001\n\
             [groups]\nassign = \"blocks\"\n[posting_policy]\nposts_per_day = {posts}\np_read = 0.5\n\
             [behaviour.p_buy]\ngroup = 0.02\n[fatigue]\nper_message = 0.15\ndecay = 0.8\n\
             [churn]\nfatigue_weight = 0.05\n[repurchase]\nmean_interval_days = 10.0\n"
        )
    };
    let active = |posts: f64| {
        let text =
            format!("name = \"cadence\"\n{}", body(posts)).replace("[graph]\n[graph.", "[graph.");
        let setup = Setup::new(
            LoadedScenario::from_text(&text, std::path::Path::new("c.toml"), &[]).unwrap(),
        )
        .unwrap();
        mean_se(&metric(&setup, 40, "final_active"))
    };
    let (low, mid, high) = (active(0.1), active(1.0), active(6.0));
    assert!(mid.0 - 4.0 * mid.1 > low.0 + 4.0 * low.1, "{low:?} {mid:?}");
    assert!(
        mid.0 - 4.0 * mid.1 > high.0 + 4.0 * high.1,
        "{mid:?} {high:?}"
    );
}
