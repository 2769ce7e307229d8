//! Churn early warning and win-back: a perfect warning that contacts every customer due to
//! churn and always keeps them stops churn exactly; a win-back campaign's return rate on a
//! churned cohort matches its probability within 4 se; better warnings are more precise.

use fission::engine::Setup;
use fission::model::Stage;
use fission::scenario::LoadedScenario;

use super::common::assert_close_z;

/// Everybody is a seed customer on day 0 (ER graph, no word of mouth), churning with hazard
/// 0.05 a day; `extra` adds the mechanism under test.
fn cohort(extra: &str) -> Setup {
    let text = format!(
        "name = \"c\"\nseed = 3\ndays = 40\n[graph.erdos_renyi]\nn = 1500\nmean_degree = 4.0\n\
         [seeding]\ncount = 1500\n[product]\nlist_price_cents = 1000\nunit_cost_cents = 400\n\
         [churn]\nbase = 0.05\n{extra}"
    );
    let loaded = LoadedScenario::from_text(&text, std::path::Path::new("c.toml"), &[]).unwrap();
    Setup::new(loaded).unwrap()
}

/// A warning with AUC 1 checked daily, one day ahead, contacting everybody, whose offer is
/// always taken and keeps a customer 1,000 days: from its first day nobody churns, and every
/// due customer was contacted.
#[test]
fn a_perfect_warning_with_a_sure_offer_stops_churn() {
    let setup = cohort(
        "[churn_warning]\nauc = 1.0\nlead_days = 1\ntarget_share = 1.0\nevery_days = 1\n\
         p_success = 1.0\nprotect_days = 1000\ncontact_cents = 2\noffer_cents = 100\nstart_day = 10\n",
    );
    for r in 0..3 {
        let out = setup.run(r).unwrap();
        let churned = |d: usize| out.rows[d].stage(Stage::Churned);
        assert!(churned(9) > 200, "churn before the warning starts");
        assert_eq!(churned(40), churned(9), "replicate {r}");
        let get = |k: &str| out.summary.get(k).unwrap();
        let contacts = get("churn_warnings");
        let offers = get("churn_offers_taken");
        assert_eq!(contacts, offers);
        assert_eq!(
            get("scheme_churn_warning_cents"),
            2.0 * contacts + 100.0 * offers
        );
        assert!(get("warning_precision") > 0.0 && get("warning_precision") < 0.2);
    }
}

/// A campaign on day 30 reaches every customer who churned by day 29; each comes back with
/// 0.3 (pooled over replicates, within 4 se of Binomial), Active again with an order at ¥2 off.
#[test]
fn win_back_returns_a_churned_cohort_at_its_rate() {
    let setup = cohort(
        "[win_back]\ndays = [30]\np_return = 0.3\ncontact_cents = 5\ndiscount_cents = 200\n",
    );
    let (mut contacts, mut backs) = (0.0, 0.0);
    for r in 0..20 {
        let out = setup.run(r).unwrap();
        let get = |k: &str| out.summary.get(k).unwrap();
        assert_eq!(
            get("win_back_contacts"),
            f64::from(out.rows[29].stage(Stage::Churned)),
            "the whole cohort churned by day 29"
        );
        contacts += get("win_back_contacts");
        backs += get("win_backs");
        assert_eq!(get("orders"), 1500.0 + get("win_backs"));
        assert_eq!(
            get("scheme_win_back_cents"),
            5.0 * get("win_back_contacts") + 200.0 * get("win_backs")
        );
    }
    let rate = backs / contacts;
    assert_close_z(
        "win-back return rate",
        rate,
        (0.3 * 0.7 / contacts).sqrt(),
        0.3,
        0.0,
        4.0,
    );
}

/// A better score contacts more of the customers who are about to churn.
#[test]
fn a_better_warning_is_more_precise() {
    let precision = |auc: f64| {
        let setup = cohort(&format!(
            "[churn_warning]\nauc = {auc}\nlead_days = 3\ntarget_share = 0.1\nevery_days = 5\np_success = 0.5\n"
        ));
        (0..10)
            .map(|r| {
                setup
                    .run(r)
                    .unwrap()
                    .summary
                    .get("warning_precision")
                    .unwrap()
            })
            .sum::<f64>()
            / 10.0
    };
    let (random, good, perfect) = (precision(0.5), precision(0.8), precision(1.0));
    assert!(random < good && good < perfect, "{random} {good} {perfect}");
    // With 3-day lead and hazard 0.05, about 1 − 0.95³ ≈ 14% are due: a random list finds that
    // share, a perfect one fills its 10% with due customers.
    assert!((random - 0.143).abs() < 0.03, "random {random}");
    assert!(perfect > 0.95, "perfect {perfect}");
}

/// One seed, a farmer: the day after their first order they register three fakes, paid ¥1, ¥1
/// and ¥1 + the ¥5 milestone ("invite 3"); all three are detected two days later and the ¥8 is
/// clawed back exactly once. The dashboard counts four customers and a k-factor of 3/4; the
/// truth is one customer and no referral.
#[test]
fn fake_invitees_are_paid_then_clawed_back_exactly_once() {
    let body = |p_detect: f64| {
        format!(
            "[seeding]\nmembers = [0]\n[share]\np_share = 0.0\n\
             [referral]\ninviter_reward_cents = 100\nmilestone_invites = 3\nmilestone_reward_cents = 500\n\
             [fraud]\nfarmer_share = 1.0\nfake_invites = 3\np_detect = {p_detect}\ndetect_delay_days = 2\n"
        )
    };
    let out = super::calendar::on_graph("0 1\n", 6, &body(1.0))
        .run(0)
        .unwrap();
    let referral: Vec<i64> = out
        .rows
        .iter()
        .map(|r| r.ledger.scheme_cents[fission::model::Scheme::Referral as usize])
        .collect();
    assert_eq!(referral, [0, 800, 0, -800, 0, 0, 0]);
    let get = |k: &str| out.summary.get(k).unwrap();
    assert_eq!(get("fake_invites"), 3.0);
    assert_eq!(get("fakes_detected"), 3.0);
    assert_eq!(get("scheme_referral_cents"), 0.0);
    assert_eq!((get("customers"), get("customers_measured")), (1.0, 4.0));
    assert_eq!((get("k_factor"), get("k_factor_measured")), (0.0, 0.75));
    // Undetected, the farmer keeps the ¥8.
    let out = super::calendar::on_graph("0 1\n", 6, &body(0.0))
        .run(0)
        .unwrap();
    assert_eq!(out.summary.get("scheme_referral_cents"), Some(800.0));
    assert_eq!(out.summary.get("fakes_detected"), Some(0.0));
}

/// Nobody farms: `[fraud]` with `farmer_share = 0` leaves every day and KPI of the referral
/// scenario identical.
#[test]
fn fraud_without_farmers_changes_nothing() {
    let path = super::cli::scenarios().join("referral_beauty.toml");
    let text = std::fs::read_to_string(&path).unwrap();
    let sets = vec!["graph.holme_kim.n=3000".to_string()];
    let plain = Setup::new(LoadedScenario::load(&path, &sets).unwrap()).unwrap();
    let with = Setup::new(
        LoadedScenario::from_text(
            &format!("{text}\n[fraud]\nfarmer_share = 0.0\nfake_invites = 3\np_detect = 0.5\n"),
            &path,
            &sets,
        )
        .unwrap(),
    )
    .unwrap();
    for r in 0..4 {
        let (a, b) = (plain.run(r).unwrap(), with.run(r).unwrap());
        assert_eq!(a.rows, b.rows, "replicate {r}");
        assert_eq!(a.summary, b.summary, "replicate {r}");
    }
}
