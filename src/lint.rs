//! Lints: scenarios that pass every check but are probably not what the analyst meant — a
//! scheme whose channel converts nobody, a budget that cannot pay one event, a fraction where a
//! percentage is asked, a price under one yuan, a sweep key that switches a scheme on, a variant
//! identical to its baseline. They are warnings: `fission validate` prints them and exits 0, or 2
//! with `--deny-warnings`.

use crate::experiment::Experiment;
use crate::scenario::Scenario;
use crate::scenario::validate::Problems;

/// The lints of one arm's scenario, as `(dotted key, message)`.
pub fn scenario(s: &Scenario) -> Vec<(String, String)> {
    let mut w = Problems::default();
    if s.product.list_price_cents < 100 {
        w.add(
            "product.list_price_cents",
            format!(
                "is {} cents ({}{:.2}); money keys are in cents (1/100 of the currency unit): \
                 ¥99 is 9900",
                s.product.list_price_cents,
                s.product.currency,
                s.product.list_price_cents as f64 / 100.0
            ),
        );
    }
    crate::mechanism::lint(s, &mut w);
    w.into_vec()
}

/// Every lint of the experiment, one line each (`file: [arm: ]key: message`), each distinct
/// message once.
pub fn experiment(exp: &Experiment) -> Vec<String> {
    let file = exp.path.display();
    let mut out: Vec<String> = Vec::new();
    let mut push = |line: String| {
        if !out.contains(&line) {
            out.push(line);
        }
    };
    let base = scenario(&exp.arms[0].loaded.scenario);
    for arm in &exp.arms {
        for (key, message) in scenario(&arm.loaded.scenario) {
            // A lint the base raises too is the file's, not one variant's.
            let line =
                if exp.arms.len() > 1 && !base.iter().any(|(k, m)| *k == key && *m == message) {
                    format!("{file}: variants.{}: {key} {message}", arm.variant)
                } else {
                    format!("{file}: {key} {message}")
                };
            push(line);
        }
    }
    // A sweep key of a table the base lacks switches that scheme on in every sweep arm.
    // (The file's own tables: every arm already has the sweep point applied.)
    let base_table = exp.text.parse::<toml::Table>().ok();
    for key in &exp.axes {
        let part = key.split('.').next().unwrap_or(key);
        // `flash_sale[0].stock` lives in the array `flash_sale` (an index past its end is an
        // error of the sweep point, reported before this lint).
        let table = part.split_once('[').map_or(part, |(name, _)| name);
        let set_here = exp.sets.iter().any(|s| s.starts_with(&format!("{table}.")));
        let absent = !set_here
            && base_table
                .as_ref()
                .and_then(|t| t.get(table))
                .is_none_or(|v| v.as_array().is_some_and(Vec::is_empty));
        if absent {
            push(format!(
                "{file}: sweep.axes: `{key}` is in `[{table}]`, which the base scenario does not \
                 have, so the sweep switches that scheme on at every point (with defaults for \
                 its other keys); add a `[{table}]` table to the base to say what it should be"
            ));
        }
    }
    // A variant that changes nothing (at some or every sweep point), once per variant.
    for variant in exp.variants.iter().skip(1) {
        let arms: Vec<&crate::experiment::Arm> =
            exp.arms.iter().filter(|a| &a.variant == variant).collect();
        let twins: Vec<String> = arms
            .iter()
            .filter_map(|arm| {
                exp.arms
                    .iter()
                    .take_while(|b| !std::ptr::eq(*b, *arm))
                    .find(|b| b.point == arm.point && b.loaded.scenario == arm.loaded.scenario)
                    .map(|b| b.variant.clone())
            })
            .collect();
        if let Some(twin) = twins.first() {
            let where_ = if arms.len() > 1 {
                format!(" at {} of its {} sweep points", twins.len(), arms.len())
            } else {
                String::new()
            };
            push(format!(
                "{file}: variants.{variant}: resolves to exactly the scenario of `{twin}`{where_}, \
                 so its comparison there can only show 0 (a sweep axis may override what the \
                 variant changes)"
            ));
        }
    }
    out
}
