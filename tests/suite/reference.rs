//! `scenarios/reference.toml` documents every key with its default: it validates, it names every
//! key the schema has (including the commented alternatives), and its values are the defaults.

use fission::engine::Setup;
use fission::scenario::LoadedScenario;
use std::collections::BTreeSet;

use super::cli::scenarios;

/// Dotted keys of a TOML table (array-of-tables entries use `[]`).
fn keys(prefix: &str, value: &toml::Value, out: &mut BTreeSet<String>) {
    match value {
        toml::Value::Table(t) => {
            for (k, v) in t {
                let key = if prefix.is_empty() {
                    k.clone()
                } else {
                    format!("{prefix}.{k}")
                };
                if v.is_table()
                    || v.as_array()
                        .is_some_and(|a| a.first().is_some_and(toml::Value::is_table))
                {
                    keys(&key, v, out);
                } else {
                    out.insert(key);
                }
            }
        }
        toml::Value::Array(items) => items
            .iter()
            .for_each(|i| keys(&format!("{prefix}[]"), i, out)),
        _ => {
            out.insert(prefix.to_string());
        }
    }
}

fn resolved_keys(text: &str) -> (BTreeSet<String>, toml::Value) {
    let loaded = LoadedScenario::from_text(text, &scenarios().join("reference.toml"), &[]).unwrap();
    let setup = Setup::new(loaded).unwrap();
    let resolved: toml::Value =
        toml::from_str(&fission::run::resolved_toml(&setup).unwrap()).unwrap();
    let mut set = BTreeSet::new();
    keys("", &resolved, &mut set);
    (set, resolved)
}

/// The text with the `#: ` alternative generator block `name` swapped in for barabasi_albert.
fn with_alternative(text: &str, name: &str) -> String {
    let mut block = String::new();
    let mut inside = false;
    for line in text.lines().filter_map(|l| l.strip_prefix("#:")) {
        let line = line.trim_start();
        if line.starts_with("[graph.") {
            inside = line.starts_with(&format!("[graph.{name}]"));
        }
        if inside && !line.is_empty() {
            block.push_str(line);
            block.push('\n');
        }
    }
    assert!(!block.is_empty(), "no alternative block for {name}");
    let start = text.find("[graph.barabasi_albert]").unwrap();
    let end = start + text[start..].find("\n\n").unwrap();
    format!("{}{}{}", &text[..start], block, &text[end..])
}

#[test]
fn reference_lists_every_key_with_its_default() {
    let path = scenarios().join("reference.toml");
    let text = std::fs::read_to_string(&path).unwrap();
    // Uncomment the optional keys (`# key = value`) to see them all.
    let full: String = text
        .lines()
        .map(|l| match l.strip_prefix("# ") {
            Some(rest) if !rest.starts_with(' ') && rest.split_whitespace().nth(1) == Some("=") => {
                rest
            }
            _ => l,
        })
        .collect::<Vec<_>>()
        .join("\n");
    let written: toml::Value = toml::from_str(&full).unwrap();
    let mut listed = BTreeSet::new();
    keys("", &written, &mut listed);
    let (resolved, resolved_value) = resolved_keys(&full);
    assert_eq!(
        listed, resolved,
        "reference.toml and the schema disagree on the keys"
    );
    // Every value written is the resolved (default) value, except the required example values.
    let required = [
        "name",
        "graph.barabasi_albert.n",
        "graph.barabasi_albert.m",
        "repurchase.mean_interval_days",
        "ads.impressions_per_day",
        "ads.cpm_cents",
        "group_buy.team_size",
        "group_buy.discount_pct",
        "red_packet.total_cents",
        "red_packet.split_n",
        "commission.level_rates_pct",
        "posting_policy.posts_per_day",
        "lottery.p_win",
        "lottery.prize_cents",
        "checkin.p_participate",
        "first_order.discount_pct",
        "presale.discount_pct",
        "presale.delivery_day",
        "presale.end_day",
        "churn_warning.auc",
        "churn_warning.target_share",
        "churn_warning.p_success",
        "win_back.days",
        "win_back.p_return",
        "fraud.farmer_share",
        "fraud.fake_invites",
        "threshold.phi",
        "reviews.p_review",
        "negative_wom.p_tell",
    ];
    let minimal = "name = \"m\"\n[graph.barabasi_albert]\nn = 1000\nm = 3\n[repurchase]\nmean_interval_days = 30.0\n[ads]\nimpressions_per_day = 0\ncpm_cents = 0\n[referral]\n\
        [group_buy]\nteam_size = 3\ndiscount_pct = 0.0\n[share_reward]\n\
        [red_packet]\ntotal_cents = 1000\nsplit_n = 5\n[points]\n[commission]\nlevel_rates_pct = [10.0]\n\
        [groups]\n[posting_policy]\nposts_per_day = 1.0\n[engagement]\n\
        [lottery]\np_win = 0.5\nprize_cents = 1\n[checkin]\np_participate = 0.5\n\
        [contribution]\n[first_order]\ndiscount_pct = 1.0\n[presale]\ndiscount_pct = 1.0\ndelivery_day = 9\nend_day = 9\n\
        [group_matrix]\n[churn_warning]\nauc = 0.6\ntarget_share = 0.5\np_success = 0.5\n\
        [win_back]\ndays = [3]\np_return = 0.5\n[fraud]\nfarmer_share = 0.5\nfake_invites = 1\n\
        [threshold]\nphi = 0.5\n[reviews]\np_review = 0.5\n[negative_wom]\np_tell = 0.5\n";
    let (_, defaults) = resolved_keys(minimal);
    for key in &listed {
        if required.contains(&key.as_str()) || key.contains("[]") || key.starts_with("population") {
            continue;
        }
        let get = |v: &toml::Value| key.split('.').try_fold(v.clone(), |v, k| v.get(k).cloned());
        if get(&defaults).is_none() {
            continue; // an optional key without a default (e.g. share.k): shown as an example
        }
        assert_eq!(
            get(&written),
            get(&defaults),
            "`{key}`: reference.toml does not show the default"
        );
        assert_eq!(get(&written), get(&resolved_value));
    }
    // The commented alternatives are valid graph tables with exactly the schema's keys.
    for name in [
        "erdos_renyi",
        "watts_strogatz",
        "holme_kim",
        "stochastic_block",
        "configuration",
    ] {
        let alt = with_alternative(&text, name);
        let (set, _) = resolved_keys(&alt);
        assert!(
            set.iter().any(|k| k.starts_with(&format!("graph.{name}."))),
            "{name}"
        );
        let written: toml::Value = toml::from_str(&alt).unwrap();
        let mut listed = BTreeSet::new();
        keys("", &written, &mut listed);
        let graph_keys = |s: &BTreeSet<String>| {
            s.iter()
                .filter(|k| k.starts_with("graph."))
                .cloned()
                .collect::<BTreeSet<_>>()
        };
        assert_eq!(graph_keys(&listed), graph_keys(&set), "{name}");
    }
    assert!(text.contains("[graph.edge_list]") && text.contains("path = "));
}
