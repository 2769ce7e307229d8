//! Incentive schemes: exact rules on small deterministic graphs, closed forms, and "configured but
//! never triggered changes nothing".

use fission::engine::Setup;
use fission::scenario::LoadedScenario;

use super::common::{assert_close_z, metric};

/// A star: member 0 in the middle, members 1..=6 around it.
const STAR: &str = "0 1\n0 2\n0 3\n0 4\n0 5\n0 6\n";

/// The centre is the seed; every leaf buys on day 1 through its invite (p_buy = 1).
fn star(referral: &str, extra: &str) -> Setup {
    let tmp = tempfile::tempdir().unwrap(); // the graph is read by Setup::new, then this goes
    let dir = tmp.path();
    std::fs::write(dir.join("star.txt"), STAR).unwrap();
    let text = format!(
        "name = \"star\"\ndays = 6\n[graph.edge_list]\npath = \"star.txt\"\n[seeding]\nmembers = [0]\n\
         [product]\nlist_price_cents = 1000\n[behaviour.p_buy]\nfriend = 1.0\n[share]\np_share = 1.0\n\
         [referral]\n{referral}\n{extra}"
    );
    let loaded = LoadedScenario::from_text(&text, &dir.join("star.toml"), &[]).unwrap();
    Setup::new(loaded).unwrap()
}

const RULES: &str = "inviter_reward_cents = 100\ninvitee_discount_cents = 50\nmilestone_invites = 3\n\
                     milestone_reward_cents = 500\ncap_per_inviter = 4\n";

#[test]
fn rewards_follow_cap_and_milestone_exactly() {
    let run = star(RULES, "").run(0).unwrap();
    let get = |k: &str| run.summary.get(k).unwrap();
    // Invites 1..6 pay 100, 100, 100 + 500 (milestone), 100, then nothing beyond the cap of 4.
    assert_eq!(get("incentive_cents"), 900.0);
    assert_eq!(get("scheme_referral_cents"), 900.0 + 300.0);
    assert_eq!(get("qualified_invites"), 6.0);
    // Every invitee's first order is 50 off: GMV = seed 1000 + 6 × 950.
    assert_eq!(get("discount_cents"), 300.0);
    assert_eq!(get("gmv_cents"), 6700.0);
    assert_eq!(get("net_cents"), 6700.0 - 900.0);
    assert_eq!(run.rows[1].ledger.scheme_cents[0], 1200);
}

#[test]
fn a_reward_is_paid_once_per_invitee_even_when_they_reorder() {
    let run = star(RULES, "[repurchase]\nmean_interval_days = 1.0\n")
        .run(0)
        .unwrap();
    assert!(run.summary.get("repeat_orders").unwrap() >= 6.0 * 4.0);
    assert_eq!(run.summary.get("incentive_cents"), Some(900.0));
    assert_eq!(run.summary.get("qualified_invites"), Some(6.0));
    assert_eq!(
        run.summary.get("discount_cents"),
        Some(300.0),
        "only first orders are discounted"
    );
}

#[test]
fn the_budget_is_never_exceeded_and_stops_the_scheme() {
    let run = star(&format!("{RULES}budget_cents = 650\n"), "")
        .run(0)
        .unwrap();
    let get = |k: &str| run.summary.get(k).unwrap();
    // Leaves 1 and 2: 50 + 100 each; leaf 3: discount 50, then the 600 payout does not fit → stop.
    assert_eq!(get("discount_cents"), 150.0);
    assert_eq!(get("incentive_cents"), 200.0);
    assert_eq!(get("qualified_invites"), 3.0);
    assert!(get("scheme_referral_cents") <= 650.0);
    assert_eq!(
        get("scheme_referral_cents"),
        get("discount_cents") + get("incentive_cents")
    );
}

#[test]
fn a_discount_the_budget_cannot_pay_stops_the_scheme_before_any_reward() {
    // 120 pays leaf 1's discount (50) but not its reward (100 > 70 left): the scheme stops.
    let run = star(&format!("{RULES}budget_cents = 120\n"), "")
        .run(0)
        .unwrap();
    assert_eq!(run.summary.get("discount_cents"), Some(50.0));
    assert_eq!(run.summary.get("incentive_cents"), Some(0.0));
    // 40 cannot pay even the first discount: nothing is spent at all.
    let run = star(&format!("{RULES}budget_cents = 40\n"), "")
        .run(0)
        .unwrap();
    assert_eq!(run.summary.get("discount_cents"), Some(0.0));
    assert_eq!(run.summary.get("incentive_cents"), Some(0.0));
    assert_eq!(run.summary.get("qualified_invites"), Some(0.0));
}

#[test]
fn the_scheme_only_runs_inside_its_window() {
    let run = star(&format!("{RULES}start_day = 2\n"), "").run(0).unwrap();
    assert_eq!(run.summary.get("incentive_cents"), Some(0.0));
    assert_eq!(run.summary.get("discount_cents"), Some(0.0));
}

/// The same scenario with a referral scheme that never runs (it starts after the horizon) gives
/// identical days and KPIs, replicate by replicate — on the general share path (quickstart) and
/// on the skip-ahead path (independent cascade).
#[test]
fn a_never_triggered_scheme_changes_nothing() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let never = [
        "referral.start_day=100000",
        "referral.inviter_reward_cents=500",
        "referral.invitee_discount_cents=300",
        "share.kappa=2.0",
    ];
    for (file, sets) in [
        ("scenarios/quickstart.toml", vec!["graph.holme_kim.n=2000"]),
        (
            "scenarios/ic_karate.toml",
            vec!["behaviour.price_elasticity=1.5"],
        ),
    ] {
        let load = |extra: &[&str]| {
            let all: Vec<String> = sets.iter().chain(extra).map(|s| (*s).to_string()).collect();
            Setup::new(LoadedScenario::load(&root.join(file), &all).unwrap()).unwrap()
        };
        let (plain, with) = (load(&[]), load(&never));
        assert!(with.scenario().referral.is_some());
        for r in 0..8 {
            let (a, b) = (plain.run(r).unwrap(), with.run(r).unwrap());
            assert_eq!(a.rows, b.rows, "{file} replicate {r}");
            assert_eq!(a.summary, b.summary, "{file} replicate {r}");
        }
    }
}

/// The reward lifts the decision to share: `p = 1 − (1 − p_share)·exp(−κ·R/list)`.
#[test]
fn expected_reward_lifts_sharing_by_the_saturating_uplift() {
    let (p_share, kappa, reward, list): (f64, f64, f64, f64) = (0.2, 3.0, 500.0, 1000.0);
    let text = format!(
        "name = \"uplift\"\ndays = 1\n[graph.erdos_renyi]\nn = 4000\nmean_degree = 0.0\n[seeding]\ncount = 4000\n\
         [product]\nlist_price_cents = {list}\n[share]\np_share = {p_share}\nkappa = {kappa}\n\
         [referral]\ninviter_reward_cents = {reward}\n"
    );
    let s =
        Setup::new(LoadedScenario::from_text(&text, std::path::Path::new("u.toml"), &[]).unwrap())
            .unwrap();
    let shares = metric(&s, 5, "shares");
    let observed = shares.iter().sum::<f64>() / (5.0 * 4000.0);
    let expected = 1.0 - (1.0 - p_share) * (-kappa * reward / list).exp();
    let se = (expected * (1.0 - expected) / 20_000.0).sqrt();
    assert_close_z("sharing uplift", observed, se, expected, 0.0, 4.0);
}

/// A KOL post and a coupon drop on the same day draw independent purchase uniforms. They used
/// to share one key, so that a follower of the head KOL (member 0) who did not buy from the
/// post could never buy with the first coupon schedule that day: coupon conversions in the
/// KOL's audience were exactly 0 instead of ≈ p_coupon.
#[test]
fn kol_posts_and_coupon_drops_draw_independently() {
    let tmp = tempfile::tempdir().unwrap();
    let leaves = 400u32;
    let star: String = (1..=leaves).map(|i| format!("0 {i}\n")).collect();
    std::fs::write(tmp.path().join("star.txt"), star).unwrap();
    let text = "name = \"collide\"\ndays = 4\n[graph.edge_list]\npath = \"star.txt\"\n\
        [behaviour.p_buy]\nkol = 0.5\ncoupon = 0.3\n\
        [[kol_campaign]]\nname = \"head\"\ncount = 1\nselection = \"degree\"\npost_days = [3]\n\
        [[coupon]]\ntarget = \"all\"\nvalue_cents = 1\nstart_day = 3\nevery_days = 0\n";
    let loaded = LoadedScenario::from_text(text, &tmp.path().join("c.toml"), &[]).unwrap();
    let setup = Setup::new(loaded).unwrap();
    let reps = 40;
    let kol = metric(&setup, reps, "customers_kol");
    let coupon = metric(&setup, reps, "customers_coupon");
    let mean = |x: &[f64]| x.iter().sum::<f64>() / x.len() as f64;
    // The KOL reaches every leaf; half buy, and the coupon converts 0.3 of the other half.
    let n = f64::from(leaves);
    assert_close_z(
        "KOL customers",
        mean(&kol),
        (n * 0.25 / reps as f64).sqrt(),
        n * 0.5,
        0.0,
        5.0,
    );
    let expect = n * 0.5 * 0.3;
    let se = (n * 0.5 * 0.3 * 0.7 / reps as f64).sqrt() + 1.0;
    assert_close_z(
        "coupon customers in the KOL's audience",
        mean(&coupon),
        se,
        expect,
        0.0,
        5.0,
    );
}

/// ROI, CAC, LTV and the KOL CAC on a case computed by hand: two KOCs get the product free
/// (list ¥10, cost ¥4) and post once for a ¥5 fee each; nobody else buys. Discounts 2 × 1000,
/// cost of goods 2 × 400, fees 2 × 500: margin −800, spend 1000, marketing cost 3000, net
/// −1800; 2 customers acquired (none seeded).
#[test]
fn roi_cac_and_ltv_follow_their_definitions_on_a_hand_computed_case() {
    let text = "name = \"hand\"\ndays = 3\n[graph.erdos_renyi]\nn = 30\nmean_degree = 4.0\n\
        [seeding]\ncount = 0\n[product]\nlist_price_cents = 1000\nunit_cost_cents = 400\n\
        [behaviour.p_buy]\nfriend = 0.0\nkol = 0.0\n[share]\np_share = 0.0\n\
        [[kol_campaign]]\nname = \"koc\"\ncount = 2\nkoc = true\nfee_cents = 500\npost_days = [1]\n";
    let loaded = LoadedScenario::from_text(text, std::path::Path::new("hand.toml"), &[]).unwrap();
    let out = Setup::new(loaded).unwrap().run(0).unwrap();
    let get = |k: &str| out.summary.get(k).unwrap_or_else(|| panic!("{k} missing"));
    assert_eq!(get("customers"), 2.0);
    assert_eq!(get("discount_cents"), 2000.0);
    assert_eq!(get("scheme_koc_cents"), 2000.0);
    assert_eq!(get("margin_cents"), -800.0);
    assert_eq!(get("spend_cents"), 1000.0);
    assert_eq!(get("marketing_cost_cents"), 3000.0);
    assert_eq!(get("net_cents"), -1800.0);
    assert_eq!(get("roi"), -1800.0 / 3000.0);
    assert_eq!(
        get("cac_cents"),
        1500.0,
        "free product counts as acquisition cost"
    );
    assert_eq!(get("cac_kol_cents"), 1500.0);
    assert_eq!(get("ltv_cents"), -400.0);
}

/// Budget used and the day it ran out: ¥1 per qualified invite from a ¥2.50 budget pays two
/// invites (200 of 250 cents = 80%) and the third stops the scheme; the day it stops is the first
/// day whose row marks the budget out, and it stays out.
#[test]
fn budget_used_and_the_day_it_ran_out_are_reported() {
    let text = "name = \"budget\"\ndays = 20\n[graph.erdos_renyi]\nn = 300\nmean_degree = 6.0\n\
        [seeding]\ncount = 10\n[behaviour.p_buy]\nfriend = 0.3\n[share]\np_share = 1.0\n\
        [referral]\ninviter_reward_cents = 100\nbudget_cents = 250\n";
    let loaded = LoadedScenario::from_text(text, std::path::Path::new("b.toml"), &[]).unwrap();
    let setup = Setup::new(loaded).unwrap();
    for r in 0..5 {
        let out = setup.run(r).unwrap();
        let get = |k: &str| out.summary.get(k);
        assert_eq!(get("scheme_referral_cents"), Some(200.0));
        assert_eq!(get("budget_used_referral"), Some(0.8));
        let day = get("budget_out_day_referral").expect("the budget ran out");
        let bit = 1 << fission::model::ledger::Scheme::Referral as u16;
        let first = out
            .rows
            .iter()
            .position(|row| row.budgets_out & bit != 0)
            .unwrap();
        assert_eq!(day, f64::from(out.rows[first].day));
        assert!(
            out.rows[first..]
                .iter()
                .all(|row| row.budgets_out & bit != 0)
        );
        // Schemes without a budget report none.
        assert_eq!(get("budget_used_group_buy"), None);
        assert_eq!(get("budget_out_day_group_buy"), None);
    }
}
