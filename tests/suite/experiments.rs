//! Variants, sweeps and paired comparison through the real binary: common random numbers,
//! byte-identical output for any thread count and after an interrupted-then-resumed run,
//! validation of every arm before anything runs, adaptive replicates, redrawing from the CSVs.

use std::path::Path;
use std::process::Stdio;
use std::time::{Duration, Instant};

use super::cli::{KARATE, assert_mentions, bad_run, fission, scenarios};
use super::common::csv_rows;

/// The shipped comparison, cut to 2,000 members and 40 days.
const SMALL: [&str; 4] = ["--set", "graph.holme_kim.n=2000", "--set", "days=40"];

fn run(out: &Path, scenario: &Path, extra: &[&str]) {
    fission()
        .arg("run")
        .arg(scenario)
        .args(["--quiet", "--out"])
        .arg(out)
        .args(extra)
        .assert()
        .success();
}

fn read(dir: &Path, file: &str) -> String {
    std::fs::read_to_string(dir.join(file)).unwrap_or_else(|e| panic!("{file}: {e}"))
}

/// `file`'s rows of `variant`, without the `run_id` and variant columns.
fn rows_of(dir: &Path, file: &str, variant: &str) -> Vec<String> {
    read(dir, file)
        .lines()
        .filter_map(|l| {
            let (_run, rest) = l.split_once(',')?;
            rest.strip_prefix(&format!("{variant},")).map(String::from)
        })
        .collect()
}

/// The rank and arm of ranking.csv's first row (`rank,run_id,variant,…`).
fn top_ranked(ranking: &str) -> (String, String) {
    let fields: Vec<&str> = ranking.lines().nth(1).unwrap().split(',').collect();
    (fields[0].to_string(), fields[2].to_string())
}

fn column(dir: &Path, file: &str, name: &str) -> Vec<String> {
    let mut r = csv::Reader::from_path(dir.join(file)).unwrap();
    let i = r.headers().unwrap().iter().position(|h| h == name).unwrap();
    r.records().map(|x| x.unwrap()[i].to_string()).collect()
}

#[test]
fn never_triggered_variant_reproduces_the_baseline_and_pairing_narrows_intervals() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("c");
    let file = scenarios().join("compare_incentives.toml");
    run(&out, &file, &[&SMALL[..], &["--replicates", "60"]].concat());
    for f in ["runs.csv", "daily.csv"] {
        let base = rows_of(&out, f, "base");
        assert!(!base.is_empty());
        assert_eq!(base, rows_of(&out, f, "never_triggered"), "{f}");
        assert_ne!(
            base,
            rows_of(&out, f, "referral"),
            "{f}: a scheme that runs changes results"
        );
    }
    // comparison.csv: the never-triggered variant differs by exactly zero; the paired interval
    // of every scheme is much narrower than the unpaired one.
    let mut r = csv::Reader::from_path(out.join("comparison.csv")).unwrap();
    let h = r.headers().unwrap().clone();
    let at = |rec: &csv::StringRecord, name: &str| {
        rec[h.iter().position(|x| x == name).unwrap()].to_string()
    };
    let num = |rec: &csv::StringRecord, name: &str| at(rec, name).parse::<f64>().unwrap();
    let mut checked = 0;
    for rec in r.records().map(Result::unwrap) {
        if at(&rec, "metric") != "net_cents" {
            continue;
        }
        let paired = num(&rec, "diff_ci95_high") - num(&rec, "diff_ci95_low");
        let unpaired = num(&rec, "unpaired_ci95_high") - num(&rec, "unpaired_ci95_low");
        if at(&rec, "variant") == "never_triggered" {
            assert_eq!((num(&rec, "diff"), paired), (0.0, 0.0));
        } else {
            assert!(
                paired < 0.8 * unpaired,
                "{rec:?}: paired {paired} vs unpaired {unpaired}"
            );
            checked += 1;
        }
    }
    assert_eq!(checked, 4);
    let report = read(&out, "report.md");
    assert_mentions(
        &report,
        &[
            "Ranking by net_cents",
            "unpaired 95% CI",
            "Paired vs unpaired",
            "--replicates 60",
        ],
    );
    for plot in ["growth", "kpis", "forest", "funnel", "gmv_vs_spend"] {
        assert!(
            out.join(format!("plots/{plot}.svg")).is_file(),
            "{plot}.svg"
        );
        assert!(
            out.join(format!("plots/{plot}.png")).is_file(),
            "{plot}.png"
        );
    }
    let html = read(&out, "report.html");
    assert!(
        html.matches("<img alt=").count() >= 4
            && html.contains("data:image/png;base64,iVBORw0KGgo"),
        "report.html embeds the charts as PNG data"
    );
}

#[test]
fn threads_and_an_interrupted_then_resumed_run_give_identical_tables() {
    let tmp = tempfile::tempdir().unwrap();
    let file = scenarios().join("compare_incentives.toml");
    let args: Vec<&str> = [
        &SMALL[..],
        &["--replicates", "200", "--set", "graph.holme_kim.n=3000"],
    ]
    .concat();
    let (one, two, resumed) = (
        tmp.path().join("one"),
        tmp.path().join("two"),
        tmp.path().join("resumed"),
    );
    run(&one, &file, &[&args[..], &["--threads", "1"]].concat());
    run(&two, &file, &[&args[..], &["--threads", "2"]].concat());
    let tables = [
        "runs.csv",
        "summary.csv",
        "comparison.csv",
        "ranking.csv",
        "curves.csv",
        "daily.csv",
    ];
    for f in tables {
        assert!(
            read(&one, f) == read(&two, f),
            "{f} differs between 1 and 2 threads"
        );
    }

    // Kill a run once its journal holds finished runs, then resume it.
    let journal = tmp.path().join(".resumed.partial/journal.jsonl");
    let mut child = std::process::Command::new(super::cli::binary())
        .arg("run")
        .arg(&file)
        .args(&args)
        .args(["--threads", "1", "--quiet", "--out"])
        .arg(&resumed)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let started = Instant::now();
    while std::fs::read_to_string(&journal).map_or(0, |t| t.lines().count()) < 2 {
        assert!(
            started.elapsed() < Duration::from_secs(120),
            "the run never journalled"
        );
        std::thread::sleep(Duration::from_millis(5));
    }
    child.kill().unwrap();
    let status = child.wait().unwrap();
    assert!(!status.success(), "the run was killed before it finished");
    assert!(
        !resumed.exists(),
        "an interrupted run leaves no finished-looking folder"
    );
    let kept = std::fs::read_to_string(&journal).unwrap().lines().count() - 1;
    assert!((1..1000).contains(&kept), "{kept} runs journalled of 1000");
    run(
        &resumed,
        &file,
        &[&args[..], &["--threads", "2", "--resume"]].concat(),
    );
    for f in tables {
        assert!(
            read(&one, f) == read(&resumed, f),
            "{f} differs after resuming"
        );
    }
    assert!(!journal.exists());
    // Nothing left to resume.
    let out = fission()
        .arg("run")
        .arg(&file)
        .args(&args)
        .args(["--quiet", "--resume", "--out"])
        .arg(tmp.path().join("fresh"))
        .assert()
        .code(2);
    assert_mentions(
        &String::from_utf8_lossy(&out.get_output().stderr),
        &["nothing to resume"],
    );
}

#[test]
fn a_bad_sweep_point_fails_before_anything_runs_and_names_the_point() {
    let text = format!(
        "{KARATE}[sweep]\n[sweep.axes]\n\"share.reach\" = [0.2, 0.5, 1.5]\n\"days\" = [5, 10]\n"
    );
    let e = bad_run(&text, &[]);
    assert_mentions(
        &e,
        &[
            "sweep point 4",
            "share.reach = 1.5",
            "share.reach",
            "[0, 1]",
        ],
    );
}

#[test]
fn a_typo_in_a_variant_names_the_variant_and_its_line() {
    let text = format!("{KARATE}[variants.rich.referal]\ninviter_reward_cents = 100\n");
    let e = bad_run(&text, &[]);
    assert_mentions(
        &e,
        &[
            "bad.toml:8:",
            "variants.rich.referal",
            "unknown key",
            "did you mean `referral`",
        ],
    );
    let text = format!("{KARATE}[variants.rich.share]\np_share = 2.0\n");
    assert_mentions(
        &bad_run(&text, &[]),
        &["bad.toml:9:", "variants.rich.share.p_share"],
    );
    let text = format!("{KARATE}[compare]\nobjective = \"profit\"\n");
    assert_mentions(
        &bad_run(&text, &[]),
        &["compare.objective", "unknown metric `profit`"],
    );
    let text = format!("{KARATE}[compare]\nbaseline = \"nope\"\n");
    assert_mentions(
        &bad_run(&text, &[]),
        &["compare.baseline", "no variant `nope`"],
    );
}

#[test]
fn sweeps_add_param_columns_cross_variants_and_draw_response_curves() {
    let tmp = tempfile::tempdir().unwrap();
    let file = tmp.path().join("s.toml");
    std::fs::copy(
        super::common::data("karate.txt"),
        tmp.path().join("karate.txt"),
    )
    .unwrap();
    std::fs::write(
        &file,
        format!(
            "replicates = 20\n{KARATE}[variants.wide.share]\nreach = 1.0\n[sweep]\nmode = \"grid\"\nsamples = 3\n\
             [sweep.axes]\n\"behaviour.p_buy.friend\" = {{ min = 0.05, max = 0.25 }}\n"
        ),
    )
    .unwrap();
    let out = tmp.path().join("o");
    run(&out, &file, &[]);
    let header = read(&out, "runs.csv").lines().next().unwrap().to_string();
    assert!(
        header.starts_with("run_id,variant,point,param.behaviour.p_buy.friend,replicate,"),
        "{header}"
    );
    let values = column(&out, "summary.csv", "param.behaviour.p_buy.friend");
    for v in ["0.05", "0.15", "0.25"] {
        assert!(values.iter().any(|x| x == v), "{v} in {values:?}");
    }
    assert_eq!(column(&out, "runs.csv", "variant").len(), 2 * 3 * 20);
    // base@1 and wide@1 are compared at the same point
    let baselines = column(&out, "comparison.csv", "baseline");
    assert!(
        baselines.iter().all(|b| b.starts_with("base@")),
        "{baselines:?}"
    );
    assert!(out.join("plots/sweep.svg").is_file());
    // `fission plot` redraws every chart from the CSVs alone.
    std::fs::remove_dir_all(out.join("plots")).unwrap();
    std::fs::remove_file(out.join("report.html")).unwrap();
    fission().arg("plot").arg(&out).assert().success();
    assert!(out.join("plots/sweep.png").is_file() && out.join("plots/growth.svg").is_file());
    assert!(out.join("report.html").is_file());
}

#[test]
fn adaptive_replicates_stop_at_the_target_or_the_cap_and_say_why() {
    let tmp = tempfile::tempdir().unwrap();
    std::fs::copy(
        super::common::data("karate.txt"),
        tmp.path().join("karate.txt"),
    )
    .unwrap();
    let manifest = |half_width: &str| {
        let file = tmp.path().join(format!("a{half_width}.toml"));
        std::fs::write(
            &file,
            format!(
                "days = 6\nreplicates = {{ min = 10, max = 40, batch = 10, target = {{ metric = \"customers\", half_width = {half_width} }} }}\n\
                 {KARATE}[seeding]\ncount = 3\n[variants.more.share]\nreach = 0.9\n"
            ),
        )
        .unwrap();
        let out = tmp.path().join(format!("o{half_width}"));
        run(&out, &file, &[]);
        serde_json::from_str::<serde_json::Value>(&read(&out, "manifest.json")).unwrap()
    };
    let loose = manifest("1000.0");
    assert_eq!(loose["replicates"], 10);
    assert!(
        loose["stopped"]
            .as_str()
            .unwrap()
            .starts_with("target reached"),
        "{}",
        loose["stopped"]
    );
    let tight = manifest("0.000001");
    assert_eq!(tight["replicates"], 40);
    assert!(
        tight["stopped"]
            .as_str()
            .unwrap()
            .starts_with("max reached"),
        "{}",
        tight["stopped"]
    );
}

/// Directions come from the metric catalog: a variant that lowers churn is better on
/// `final_churned` (it was ranked as if more churn were better), and `[compare] better`
/// overrides a direction.
#[test]
fn lower_churn_is_better_on_final_churned() {
    let tmp = tempfile::tempdir().unwrap();
    let file = tmp.path().join("churn.toml");
    let text = "name = \"churn\"\ndays = 60\nreplicates = 30\n[graph.erdos_renyi]\nn = 2000\nmean_degree = 6.0\n\
        [seeding]\ncount = 40\n[behaviour.p_buy]\nfriend = 0.1\n[share]\np_share = 0.5\n\
        [churn]\nbase = 0.02\n[variants.retain]\nchurn.base = 0.005\n\
        [compare]\nobjective = \"final_churned\"\nmetrics = [\"final_churned\", \"customers\"]\n";
    std::fs::write(&file, text).unwrap();
    let out = tmp.path().join("out");
    run(&out, &file, &[]);
    let mut r = csv::Reader::from_path(out.join("comparison.csv")).unwrap();
    let h = r.headers().unwrap().clone();
    let at = |name: &str| h.iter().position(|x| x == name).unwrap();
    let row = r
        .records()
        .map(|x| x.unwrap())
        .find(|x| &x[at("metric")] == "final_churned")
        .unwrap();
    assert_eq!(&row[at("better")], "lower");
    let p: f64 = row[at("p_better")].parse().unwrap();
    assert!(p > 0.5, "P(better) of lower churn on final_churned = {p}");
    let ranking = read(&out, "ranking.csv");
    assert_eq!(
        top_ranked(&ranking),
        ("1".into(), "retain".into()),
        "the lower-churn variant ranks first: {ranking}"
    );
    // An override turns the direction around.
    std::fs::write(
        &file,
        format!("{text}better = {{ final_churned = \"higher\" }}\n"),
    )
    .unwrap();
    run(&out, &file, &[]);
    let ranking = read(&out, "ranking.csv");
    assert_eq!(
        top_ranked(&ranking),
        ("1".into(), "base".into()),
        "{ranking}"
    );
}

/// One seed source: `--seed` moves random and Latin-hypercube sweep points like every other
/// draw (they were drawn from the file's seed while the manifest showed the override).
#[test]
fn the_seed_override_moves_random_sweep_points() {
    let tmp = tempfile::tempdir().unwrap();
    std::fs::copy(
        super::common::data("karate.txt"),
        tmp.path().join("karate.txt"),
    )
    .unwrap();
    let file = tmp.path().join("lhs.toml");
    std::fs::write(
        &file,
        format!(
            "name = \"lhs\"\ndays = 5\nreplicates = 2\n{}[sweep]\nmode = \"lhs\"\nsamples = 4\n[sweep.axes]\n\"share.p_share\" = {{ min = 0.1, max = 0.9 }}\n",
            KARATE.replace("name = \"bad\"\n", "")
        ),
    )
    .unwrap();
    let points = |seed: &[&str]| {
        let out = tmp.path().join(format!("out{}", seed.len()));
        run(&out, &file, seed);
        column(&out, "runs.csv", "param.share.p_share")
    };
    let default = points(&[]);
    assert_eq!(default, points(&["--seed", "1"]), "seed 1 is the default");
    let five = points(&["--seed", "5", "--replicates", "2"]);
    assert_ne!(default, five, "--seed 5 draws other sweep points");
}

/// `--set` reaches the experiment tables: the objective, a variant's override and the sweep.
#[test]
fn set_reaches_compare_variants_and_sweep() {
    let file = scenarios().join("compare_incentives.toml");
    let sets = [
        "compare.objective=customers".to_string(),
        "variants.referral.referral.inviter_reward_cents=500".to_string(),
        "days=20".to_string(),
    ];
    let exp = fission::experiment::Experiment::load(&file, &sets).unwrap();
    assert_eq!(exp.compare.objective, "customers");
    let referral = exp.arms.iter().find(|a| a.variant == "referral").unwrap();
    let cfg = referral.loaded.scenario.referral.as_ref().unwrap();
    assert_eq!(cfg.inviter_reward_cents, 500);
    assert!(exp.arms.iter().all(|a| a.loaded.scenario.days == 20));
    // A sweep's mode and size can be changed the same way.
    let sweep = scenarios().join("sweep_posting_cadence.toml");
    let exp = fission::experiment::Experiment::load(
        &sweep,
        &["sweep.mode=random".into(), "sweep.samples=3".into()],
    )
    .unwrap();
    assert_eq!(
        exp.arms.len(),
        3,
        "three random points of the one base variant"
    );
}

/// A budget that runs out on day 1 is named in the report's budgets section (the arm measures
/// the budget, not the scheme); a budget the scheme spends over the horizon is not.
#[test]
fn the_report_warns_of_a_budget_that_binds_on_day_1() {
    let tmp = tempfile::tempdir().unwrap();
    let file = tmp.path().join("binds.toml");
    std::fs::write(
        &file,
        "name = \"binds\"\ndays = 10\n[graph.erdos_renyi]\nn = 400\nmean_degree = 6.0\n\
         [seeding]\ncount = 40\n[behaviour.p_buy]\nfriend = 0.3\n[share]\np_share = 1.0\n\
         [referral]\ninviter_reward_cents = 100\nbudget_cents = 100\n\
         [variants.roomy]\nreferral.budget_cents = 100000000\n",
    )
    .unwrap();
    let out = tmp.path().join("out");
    run(&out, &file, &["--replicates", "3"]);
    let report = read(&out, "report.md");
    let warning = report
        .lines()
        .find(|l| l.contains("ran out on day 1"))
        .unwrap_or_else(|| panic!("no warning in\n{report}"));
    assert!(warning.contains("referral (base)"), "{warning}");
    assert!(!warning.contains("roomy"), "{warning}");
}

/// `explain.csv`: in every arm the terms' totals (whole cents over the paired replicates) add
/// up to the `net_cents` row exactly, which is Σ (variant − base) of `runs.csv`'s net; the
/// channel rows are the customers' differences. `risk.csv` counts the losing replicates.
#[test]
fn the_net_decomposition_adds_up_exactly_and_risk_counts_losses() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("e");
    let file = scenarios().join("compare_incentives.toml");
    run(&out, &file, &[&SMALL[..], &["--replicates", "6"]].concat());
    let runs = csv_rows(&out.join("runs.csv"));
    let per = |variant: &str, metric: &str| -> Vec<i64> {
        runs.iter()
            .filter(|r| r["variant"] == variant)
            .map(|r| r[metric].parse::<f64>().unwrap() as i64)
            .collect()
    };
    let explain = csv_rows(&out.join("explain.csv"));
    let variants = [
        "referral",
        "group_buy",
        "coupon_only",
        "coupon_touch_only",
        "never_triggered",
    ];
    for v in variants {
        let rows: Vec<_> = explain.iter().filter(|r| r["variant"] == v).collect();
        let total = |term: &str| -> i64 {
            rows.iter().find(|r| r["term"] == term).unwrap()["total"]
                .parse()
                .unwrap()
        };
        let terms: i64 = rows
            .iter()
            .filter(|r| r["part"] == "net" && r["term"] != "net_cents")
            .map(|r| r["total"].parse::<i64>().unwrap())
            .sum();
        let net: i64 = per(v, "net_cents")
            .iter()
            .zip(per("base", "net_cents"))
            .map(|(a, b)| a - b)
            .sum();
        assert_eq!(terms, total("net_cents"), "{v}");
        assert_eq!(total("net_cents"), net, "{v}");
        for r in rows.iter().filter(|r| r["part"] == "customers") {
            let m = &r["term"];
            let d: i64 = per(v, m)
                .iter()
                .zip(per("base", m))
                .map(|(a, b)| a - b)
                .sum();
            assert_eq!(r["total"].parse::<i64>().unwrap(), d, "{v} {m}");
        }
    }
    // The never-triggered arm differs in nothing.
    assert!(
        explain
            .iter()
            .filter(|r| r["variant"] == "never_triggered")
            .all(|r| r["total"] == "0")
    );
    let risk = csv_rows(&out.join("risk.csv"));
    for r in &risk {
        let nets = per(&r["variant"], "net_cents");
        let losses = nets.iter().filter(|&&x| x < 0).count() as f64 / nets.len() as f64;
        assert_eq!(
            r["p_net_negative"].parse::<f64>().unwrap(),
            losses,
            "{}",
            r["variant"]
        );
        assert_eq!(r["n"], nets.len().to_string());
    }
    assert!(out.join("plots/waterfall.svg").exists());
    let report = read(&out, "report.md");
    assert!(report.contains("## Why the arms differ") && report.contains("## Risk"));
}
