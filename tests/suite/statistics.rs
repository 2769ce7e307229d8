//! The canonical reductions of DESIGN §2.6, as statistical tests with stated tolerances.

use rayon::prelude::*;

use super::common::{assert_close_z, data, mean_se, metric, setup};

/// One row of `tests/data/ic_small.csv` (computed by NDlib, EoN and a plain implementation).
struct IcCase {
    graph: String,
    p: f64,
    seeds: Vec<u64>,
    own_mean: f64,
    own_se: f64,
    p0_exact: f64,
}

fn ic_cases() -> Vec<IcCase> {
    let mut reader = csv::Reader::from_path(data("ic_small.csv")).expect("reference file");
    let headers = reader.headers().expect("header").clone();
    let col = |name: &str| headers.iter().position(|h| h == name).expect(name);
    reader
        .records()
        .map(|r| {
            let r = r.expect("record");
            IcCase {
                graph: r[col("graph")].to_string(),
                p: r[col("p")].parse().expect("p"),
                seeds: r[col("seeds")]
                    .split_whitespace()
                    .map(|s| s.parse().expect("seed id"))
                    .collect(),
                own_mean: r[col("own_mean")].parse().expect("mean"),
                own_se: r[col("own_se")].parse().expect("se"),
                p0_exact: r[col("P0_exact")].parse().expect("P0"),
            }
        })
        .collect()
}

fn ic_scenario(case: &IcCase) -> String {
    let seeds: Vec<String> = case.seeds.iter().map(u64::to_string).collect();
    format!(
        "name = \"ic\"\ndays = 60\nreplicates = 20000\nseed = 1\n[graph.edge_list]\npath = \"{}.txt\"\n\
         [seeding]\nmembers = [{}]\n[behaviour.p_buy]\nfriend = {}\n[share]\np_share = 1.0\nreach = 1.0\n",
        case.graph,
        seeds.join(", "),
        case.p
    )
}

/// Independent cascade (Kempe–Kleinberg–Tardos): mean spread within 4 combined standard errors of
/// the reference, and the probability of no spread beyond the seeds within 4 binomial standard
/// errors of the exact `(1 − p)^cut`. Checked on the skip-ahead share path (uniform friend
/// probability) and on the general per-friend path, forced by a per-member activity attribute
/// that is 1 for everybody (the same model).
#[test]
fn independent_cascade_matches_reference_spreads() {
    let cases = ic_cases();
    assert_eq!(cases.len(), 3);
    let general = "[behaviour]\nactivity = { uniform = { min = 1.0, max = 1.0 } }\n";
    for (case, extra) in cases.iter().flat_map(|c| [(c, ""), (c, general)]) {
        let s = setup(&format!("{}{extra}", ic_scenario(case)));
        let n = 20_000;
        let customers = metric(&s, n, "customers");
        let (mean, se) = mean_se(&customers);
        assert_close_z(
            &format!("IC {} p={}", case.graph, case.p),
            mean,
            se,
            case.own_mean,
            case.own_se,
            4.0,
        );
        let seeds = case.seeds.len() as f64;
        let p0 = customers.iter().filter(|&&c| c == seeds).count() as f64 / n as f64;
        let se0 = (case.p0_exact * (1.0 - case.p0_exact) / n as f64).sqrt();
        assert_close_z(
            &format!("P0 {} p={}", case.graph, case.p),
            p0,
            se0,
            case.p0_exact,
            0.0,
            4.0,
        );
    }
}

/// The exact `P0 = (1 − p)^cut` for a seed set computed here from the graph, on a case that is not
/// in the reference file (florentine, seeds {0, 1}, p = 0.25).
#[test]
fn no_spread_probability_is_exact() {
    let text = "name = \"p0\"\ndays = 10\n[graph.edge_list]\npath = \"florentine.txt\"\n[seeding]\nmembers = [0, 1]\n\
                [behaviour.p_buy]\nfriend = 0.25\n[share]\np_share = 1.0\n";
    let s = setup(text);
    let g = s.graph();
    let seeds = [
        g.dense_id(&0.into()).unwrap(),
        g.dense_id(&1.into()).unwrap(),
    ];
    let cut = g
        .edges()
        .filter(|(u, v)| seeds.contains(u) != seeds.contains(v))
        .count();
    let p0 = 0.75f64.powi(cut as i32);
    let n = 40_000;
    let customers = metric(&s, n, "customers");
    let observed = customers.iter().filter(|&&c| c == 2.0).count() as f64 / n as f64;
    assert_close_z(
        "P0 florentine {0,1}",
        observed,
        (p0 * (1.0 - p0) / n as f64).sqrt(),
        p0,
        0.0,
        4.0,
    );
}

/// Discrete Bass diffusion on a dense random graph: ads give every member a daily conversion
/// chance p, every customer shares daily with all friends, and a non-customer converts on each
/// share with probability `a` where `a · mean_degree = q`. The engine compounds independent
/// exposures, so its exact large-population law is
/// `F(t+1) = F + (1 − F)(1 − (1 − p)(1 − a·π)^{N F})`. Tolerances: the mean curve is within
/// 4 standard errors + 0.005 (finite-population lag, measured 0.003 at N = 1000 over 1500
/// replicates) of that law at every day, and within the same allowance plus the largest gap
/// between the compounding law and the linear-hazard recursion (worked out below: 0.049 at
/// p = 0.03, q = 0.38) of the reference `F_discrete`.
#[test]
fn bass_curve_is_reproduced() {
    let (n, mean_degree, p, q) = (1000u32, 200.0, 0.03f64, 0.38);
    let pi = mean_degree / f64::from(n - 1);
    let a = q / (pi * f64::from(n));
    // n impressions a day on random members: daily ad conversion 1 − (1 − p_ad/n)^n = p.
    let p_ad = -(1.0 - p).ln();
    let text = format!(
        "name = \"bass\"\ndays = 30\nseed = 3\n[graph.erdos_renyi]\nn = {n}\nmean_degree = {mean_degree}\n\
         [behaviour.p_buy]\nfriend = {a}\nad = {p_ad}\n[share]\np_share = 1.0\np_share_daily = 1.0\n\
         [ads]\nimpressions_per_day = {n}\ncpm_cents = 0\n"
    );
    let s = setup(&text);
    let reps = 200u64;
    let runs: Vec<_> = (0..reps)
        .into_par_iter()
        .map(|r| s.run(r).unwrap())
        .collect();
    let reference: Vec<f64> = {
        let mut r = csv::Reader::from_path(data("bass_curve.csv")).unwrap();
        r.records()
            .map(|x| x.unwrap()[3].parse().unwrap())
            .collect()
    };
    // The tolerance against the linear-hazard curve is derived, not fixed: the largest gap
    // between the compounding law and F(t+1) = F + (1 − F)(p + qF) over the horizon, plus the
    // statistical and finite-population allowance used for the law.
    let gap = {
        let (mut compounding, mut linear, mut gap) = (0.0f64, 0.0f64, 0.0f64);
        for _ in 0..31 {
            gap = gap.max((compounding - linear).abs());
            let hazard = 1.0
                - (1.0 - p_ad / f64::from(n)).powi(n as i32)
                    * (1.0 - a * pi).powf(compounding * f64::from(n));
            compounding += (1.0 - compounding) * hazard;
            linear += (1.0 - linear) * (p + q * linear).min(1.0);
        }
        gap
    };
    assert!(gap < 0.05, "p = {p}, q = {q}: compounding gap {gap}");
    let mut law = 0.0f64;
    for (day, &bass) in reference.iter().enumerate().take(31) {
        let fractions: Vec<f64> = runs
            .iter()
            .map(|r| f64::from(r.rows[day].customers) / f64::from(n))
            .collect();
        let (mean, se) = mean_se(&fractions);
        assert!(
            (mean - law).abs() < 4.0 * se + 0.005,
            "day {day}: simulated {mean} (se {se}) vs engine law {law}"
        );
        assert!(
            (mean - bass).abs() < gap + 4.0 * se + 0.005,
            "day {day}: simulated {mean} vs Bass F_discrete {bass} (gap {gap})"
        );
        let hazard = 1.0
            - (1.0 - p_ad / f64::from(n)).powi(n as i32) * (1.0 - a * pi).powf(law * f64::from(n));
        law += (1.0 - law) * hazard;
    }
}

/// Constant churn hazard h: mean customer lifetime is 1/h (geometric on days ≥ 1).
#[test]
fn lifetime_under_constant_churn_has_mean_one_over_hazard() {
    let h: f64 = 0.05;
    let text = format!(
        "name = \"life\"\ndays = 1500\n[graph.erdos_renyi]\nn = 2000\nmean_degree = 0.0\n[seeding]\ncount = 2000\n[churn]\nbase = {h}\n"
    );
    let s = setup(&text);
    let reps = 5;
    let means = metric(&s, reps, "mean_lifetime_days");
    let churned = metric(&s, reps, "final_churned");
    assert!(
        churned.iter().all(|&c| c == 2000.0),
        "everybody churns within the horizon"
    );
    let mean = means.iter().sum::<f64>() / reps as f64;
    let sd = (1.0 - h).sqrt() / h;
    let se = sd / (2000.0 * reps as f64).sqrt();
    assert_close_z("lifetime", mean, se, 1.0 / h, 0.0, 4.0);
}

/// Repurchase with a geometric need interval of mean m and p_buy = 1, no churn: a customer's
/// orders over T days are 1 + Binomial-like renewals with mean 1 + T/m (minus edge effects < 1).
#[test]
fn repurchase_rate_follows_the_need_interval() {
    let (m, days) = (10.0, 200u32);
    let text = format!(
        "name = \"rep\"\ndays = {days}\n[graph.erdos_renyi]\nn = 1000\nmean_degree = 0.0\n[seeding]\ncount = 1000\n\
         [repurchase]\nmean_interval_days = {m}\n"
    );
    let s = setup(&text);
    let orders = metric(&s, 4, "orders");
    // Renewal process with inter-arrival 1 + Geometric(1/m) (mean m): expected renewals in (0, T]
    // is exactly T/m for this memoryless discrete process (a Bernoulli(1/m) per day).
    let per_customer = orders.iter().sum::<f64>() / (4.0 * 1000.0);
    let expected = 1.0 + f64::from(days) / m;
    let sd = (f64::from(days) * (1.0 / m) * (1.0 - 1.0 / m)).sqrt();
    assert_close_z(
        "orders per customer",
        per_customer,
        sd / (4000.0f64).sqrt(),
        expected,
        0.0,
        4.0,
    );
}

/// The share-based SIR-like recipe on one edge (`p_share_daily = β`, `churn.base = γ`; not textbook
/// discrete SIR, see the README's canonical reductions): the seed shares
/// on day 1 for sure, then on each later day with β while not churned; churn (recovery) is drawn
/// at the end of each day from day 1; each share infects the friend with p. So
/// `P(no infection) = (1 − p)(γ + (1 − γ)x)` with `x = (1 − βp)γ / (1 − (1 − βp)(1 − γ))`.
#[test]
fn sir_transmission_on_one_edge_matches_closed_form() {
    let (p, beta, gamma): (f64, f64, f64) = (0.3, 0.4, 0.2);
    let text = format!(
        "name = \"sir\"\ndays = 200\n[graph.erdos_renyi]\nn = 2\nmean_degree = 1.0\n[seeding]\nmembers = [0]\n\
         [behaviour.p_buy]\nfriend = {p}\n[share]\np_share = 1.0\np_share_daily = {beta}\n[churn]\nbase = {gamma}\n"
    );
    let s = setup(&text);
    let n = 40_000;
    let infected = metric(&s, n, "customers_friend");
    let observed = infected.iter().sum::<f64>() / n as f64;
    let miss = 1.0 - beta * p;
    let x = miss * gamma / (1.0 - miss * (1.0 - gamma));
    let expected = 1.0 - (1.0 - p) * (gamma + (1.0 - gamma) * x);
    let se = (expected * (1.0 - expected) / n as f64).sqrt();
    assert_close_z("SIR one edge", observed, se, expected, 0.0, 4.0);
}

/// Textbook discrete SIR (per-edge daily transmission τ, independent across edges and days;
/// recovery γ after each infectious day): `share.p_share = 1`, `share.p_share_daily = 1`,
/// `share.reach = τ`, `behaviour.p_buy.friend = 1`, `churn.base = γ`. On a star whose centre
/// is the seed, the centre is infectious for D ≥ 1 days with P(D = k) = (1 − γ)^{k−1}γ, and a
/// leaf escapes each day with 1 − τ: with x = 1 − τ, a leaf is infected with
/// T = 1 − E[x^D] = 1 − γx / (1 − (1 − γ)x), and two leaves both with
/// 1 − 2E[x^D] + E[x^{2D}] (they share D, not their edges' draws). The number of infected
/// leaves L matches E[L] and E[L(L − 1)] within 4 se.
#[test]
fn textbook_discrete_sir_on_a_star_matches_its_closed_form() {
    let (tau, gamma, leaves): (f64, f64, u32) = (0.15, 0.25, 20);
    let edges: String = (1..=leaves).map(|l| format!("0 {l}\n")).collect();
    let setup = super::calendar::on_graph(
        &edges,
        120,
        &format!(
            "[seeding]\nmembers = [0]\n[behaviour.p_buy]\nfriend = 1.0\n\
             [share]\np_share = 1.0\np_share_daily = 1.0\nreach = {tau}\n[churn]\nbase = {gamma}\n"
        ),
    );
    let n = 20_000u64;
    let infected: Vec<f64> = (0..n)
        .into_par_iter()
        .map(|r| {
            setup
                .run(r)
                .unwrap()
                .summary
                .get("customers_friend")
                .unwrap()
        })
        .collect();
    let escape = |x: f64| gamma * x / (1.0 - (1.0 - gamma) * x); // E[x^D]
    let x = 1.0 - tau;
    let one = 1.0 - escape(x);
    let both = 1.0 - 2.0 * escape(x) + escape(x * x);
    let l = f64::from(leaves);
    let (mean, se) = mean_se(&infected);
    assert_close_z("E[L]", mean, se, l * one, 0.0, 4.0);
    let pairs: Vec<f64> = infected.iter().map(|&k| k * (k - 1.0)).collect();
    let (mean, se) = mean_se(&pairs);
    assert_close_z("E[L(L−1)]", mean, se, l * (l - 1.0) * both, 0.0, 4.0);
    // The old recipe's "β·p a day" is not this law: all-at-once shares make leaves' infections
    // far more correlated (both ≫ one²) — checked here on the closed form itself.
    assert!(both > one * one);
}

/// k-factor on a tree with rewards off: on a binary tree seeded at the root, independent cascade
/// with p is a Galton–Watson process with mean offspring `b·p`; subcritical, its total progeny
/// has mean `1/(1 − b·p)`, so the pooled k-factor Σ referred / Σ customers = 1 − 1/E[C] = `b·p`.
/// (The per-replicate ratio `k_factor` is biased for small cascades; pooling is the estimator.)
#[test]
fn pooled_k_factor_equals_the_branching_mean_on_a_tree() {
    let (depth, p) = (14u32, 0.3);
    let tmp = tempfile::tempdir().unwrap();
    let nodes = (1u32 << (depth + 1)) - 1;
    let edges: String = (1..nodes)
        .map(|v| format!("{} {v}\n", (v - 1) / 2))
        .collect();
    std::fs::write(tmp.path().join("tree.txt"), edges).unwrap();
    let text = format!(
        "name = \"tree\"\ndays = 40\n[graph.edge_list]\npath = \"tree.txt\"\n[seeding]\nmembers = [0]\n\
         [behaviour.p_buy]\nfriend = {p}\n[share]\np_share = 1.0\n"
    );
    let loaded =
        fission::scenario::LoadedScenario::from_text(&text, &tmp.path().join("t.toml"), &[])
            .unwrap();
    let s = fission::engine::Setup::new(loaded).unwrap();
    let n = 20_000u64;
    let runs: Vec<(f64, f64)> = (0..n)
        .into_par_iter()
        .map(|r| {
            let out = s.run(r).unwrap();
            (
                out.summary.get("customers_friend").unwrap(),
                out.summary.get("customers").unwrap(),
            )
        })
        .collect();
    let referred: f64 = runs.iter().map(|r| r.0).sum();
    let customers: f64 = runs.iter().map(|r| r.1).sum();
    let k = referred / customers;
    // Ratio estimator: se² ≈ Var(referred − k·customers) / (n · mean(customers)²).
    let residuals: Vec<f64> = runs.iter().map(|(a, c)| a - k * c).collect();
    let (_, se_resid) = mean_se(&residuals);
    let se = se_resid / (customers / n as f64);
    assert_close_z("pooled k-factor on a binary tree", k, se, 2.0 * p, 0.0, 4.0);
}

/// Watts (2002) on Erdős–Rényi graphs with every threshold φ = 0.18: a member with k ≤ 5
/// friends is vulnerable (one customer friend tips them), and global cascades from one random
/// seed are possible only when `Σ_k k(k−1)·p_k` over vulnerable degrees exceeds z, i.e.
/// `z·e^{−z}·Σ_{j≤3} z^j/j! > 1` for Poisson degrees: 1.94 at z = 3 (inside the window), 0.19
/// at z = 9 and 0.55 at z = 0.7 (outside). Inside, the share of replicates with a global
/// cascade (> 30% of members) is within 0.12 of the branching estimate `1 − e^{−z·q}` (q the
/// chance an edge leads into the infinite vulnerable cluster); outside, no replicate reaches 2%.
#[test]
fn threshold_cascades_follow_the_watts_condition_on_er_graphs() {
    let condition = |z: f64| z * (-z).exp() * (1.0 + z + z * z / 2.0 + z.powi(3) / 6.0);
    let run = |z: f64, replicates: u64| -> Vec<f64> {
        let s = setup(&format!(
            "name = \"watts\"\nseed = 11\ndays = 80\n[graph.erdos_renyi]\nn = 10000\nmean_degree = {z}\n\
             [seeding]\ncount = 1\n[product]\nlist_price_cents = 1000\n[threshold]\nphi = 0.18\n"
        ));
        (0..replicates)
            .into_par_iter()
            .map(|r| s.run(r).unwrap().summary.get("customers").unwrap() / 10_000.0)
            .collect()
    };
    assert!(condition(3.0) > 1.0 && condition(9.0) < 1.0 && condition(0.7) < 1.0);
    // q = Σ_{j=0}^{4} Poisson(z)(j) · (1 − (1 − q)^j): an edge reaches a vulnerable member
    // (excess degree j ≤ 4) from whom the vulnerable cluster goes on for ever.
    let z: f64 = 3.0;
    let mut q: f64 = 0.5;
    for _ in 0..2000 {
        let mut next = 0.0;
        let mut pj = (-z).exp();
        for j in 0..=4 {
            next += pj * (1.0 - (1.0 - q).powi(j));
            pj *= z / f64::from(j + 1);
        }
        q = next;
    }
    let expected = 1.0 - (-z * q).exp();
    let inside = run(3.0, 150);
    let cascades = inside.iter().filter(|&&x| x > 0.3).count() as f64 / inside.len() as f64;
    assert!(
        (cascades - expected).abs() < 0.12,
        "P(global cascade) {cascades} vs {expected:.3} (q = {q:.3})"
    );
    for z in [9.0, 0.7] {
        let outside = run(z, 60);
        let largest = outside.iter().copied().fold(0.0, f64::max);
        assert!(largest < 0.02, "z = {z}: a cascade of {largest}");
    }
}
