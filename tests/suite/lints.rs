//! Lints (`fission validate` warnings): each fires on a minimal scenario with the trap, names
//! its key, and is silent on every shipped scenario. `reference.toml` lists every key at its
//! default, so it keeps the scheme channels at their default 0 on purpose and is the one
//! exception.

use fission::experiment::Experiment;

const BASE: &str = "name = \"lint\"\ndays = 10\n[graph.erdos_renyi]\nn = 60\nmean_degree = 4.0\n\
    [product]\nlist_price_cents = 9900\n[behaviour.p_buy]\nfriend = 0.05\n";

/// The lint lines of `BASE` + `extra`.
fn lints(extra: &str) -> Vec<String> {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("lint.toml");
    std::fs::write(&path, format!("{BASE}{extra}")).unwrap();
    let exp = Experiment::load(&path, &[]).unwrap();
    fission::lint::experiment(&exp)
}

fn assert_fires(extra: &str, key: &str) {
    let found = lints(extra);
    assert!(
        found.iter().any(|l| l.contains(key)),
        "no lint on {key} for:\n{extra}\ngot {found:?}"
    );
}

#[test]
fn the_base_scenario_is_clean() {
    assert_eq!(lints(""), Vec::<String>::new());
}

#[test]
fn a_scheme_whose_channel_converts_nobody_is_flagged() {
    assert_fires(
        "[group_buy]\nteam_size = 2\ndiscount_pct = 20.0\n",
        "behaviour.p_buy.team is 0",
    );
    assert_fires(
        "[[coupon]]\ntarget = \"all\"\nvalue_cents = 500\n",
        "behaviour.p_buy.coupon is 0",
    );
    assert_fires(
        "[[kol_campaign]]\nname = \"k\"\ncount = 1\npost_days = [2]\n",
        "behaviour.p_buy.kol is 0",
    );
    assert_fires(
        "[groups]\nassign = \"random\"\n[posting_policy]\nposts_per_day = 1.0\n",
        "behaviour.p_buy.group is 0",
    );
    // Set, they are silent.
    assert!(
        lints("[group_buy]\nteam_size = 2\ndiscount_pct = 20.0\n")
            .iter()
            .all(|l| !l.contains("coupon"))
    );
}

#[test]
fn a_budget_that_cannot_pay_one_event_is_flagged() {
    assert_fires(
        "[red_packet]\ntotal_cents = 1000\nsplit_n = 5\nbudget_cents = 500\n",
        "red_packet.budget_cents 500 cannot pay one packet",
    );
    assert_fires(
        "[referral]\ninviter_reward_cents = 1000\nbudget_cents = 300\n",
        "referral.budget_cents 300 cannot pay",
    );
}

#[test]
fn suspicious_units_are_flagged() {
    assert_fires(
        "[group_buy]\nteam_size = 2\ndiscount_pct = 0.3\n",
        "group_buy.discount_pct is 0.3, i.e. 0.3%",
    );
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("cheap.toml");
    std::fs::write(
        &path,
        BASE.replace("list_price_cents = 9900", "list_price_cents = 99"),
    )
    .unwrap();
    let found = fission::lint::experiment(&Experiment::load(&path, &[]).unwrap());
    assert!(
        found
            .iter()
            .any(|l| l.contains("product.list_price_cents is 99 cents (¥0.99)")),
        "{found:?}"
    );
}

#[test]
fn a_sweep_key_that_switches_a_scheme_on_is_flagged() {
    assert_fires(
        "[sweep]\nmode = \"grid\"\n[sweep.axes]\n\"referral.inviter_reward_cents\" = [100, 200]\n",
        "sweep.axes: `referral.inviter_reward_cents` is in `[referral]`",
    );
}

#[test]
fn a_variant_identical_to_its_baseline_is_flagged() {
    assert_fires(
        "[variants.same.product]\nlist_price_cents = 9900\n",
        "variants.same: resolves to exactly the scenario of `base`",
    );
}

#[test]
fn shipped_scenarios_raise_no_lint() {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/scenarios");
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_none_or(|e| e != "toml") || path.ends_with("reference.toml") {
            continue;
        }
        let exp = Experiment::load(&path, &[]).unwrap();
        let found = fission::lint::experiment(&exp);
        assert!(found.is_empty(), "{}: {found:?}", path.display());
    }
}
