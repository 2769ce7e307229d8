//! Range checks on a deserialized [`Scenario`]; every problem names its dotted key.

use super::dist::{Dist, Domain};
use super::schema::{GraphSpec, Scenario};
use crate::mechanism::SchemeWindow;

/// Largest number of segments (segment ids are stored in a byte).
pub const MAX_SEGMENTS: usize = 255;

/// Longest name (in bytes) that becomes part of a file name: the output folder's staging
/// sibling `.<name>.replaced` and a chart `heatmap_<variant>.png` must stay within the 255
/// bytes file systems allow.
pub const MAX_NAME_BYTES: usize = 200;

/// Why `name` (a scenario or variant name) cannot be part of a file name, if it cannot: empty,
/// too long, a path separator, a control character (NUL among them), or a leading `.`. Any
/// script is fine (`分享立减`).
pub fn file_name_problem(name: &str) -> Option<String> {
    let shown = crate::error::excerpt(name);
    let why = if name.trim().is_empty() {
        "is empty"
    } else if name.len() > MAX_NAME_BYTES {
        "is longer than 200 bytes"
    } else if name.contains(['/', '\\']) {
        "contains a path separator `/` or `\\`"
    } else if name.chars().any(char::is_control) {
        "contains a control character"
    } else if name.starts_with('.') {
        "starts with `.`"
    } else {
        return None;
    };
    Some(format!(
        "`{shown}` {why}; use up to {MAX_NAME_BYTES} bytes of letters (any script), digits, \
         spaces, `-` or `_`"
    ))
}

/// Every problem found, as `(dotted key, what is wrong and what is allowed)`, in file order.
pub fn problems(s: &Scenario) -> Vec<(String, String)> {
    let mut p = Problems::default();
    if let Some(why) = file_name_problem(&s.name) {
        p.add("name", format!("{why}: it names the output folder"));
    }
    p.range_u("days", s.days.into(), 1, 100_000);
    let currency = &s.product.currency;
    if currency.is_empty() || currency.chars().count() > 8 || currency.chars().any(char::is_control)
    {
        p.add(
            "product.currency",
            format!(
                "`{}` must be 1 to 8 printable characters, e.g. \"¥\", \"$\" or \"RMB \"",
                crate::error::excerpt(currency)
            ),
        );
    }
    p.range_u("replicates", s.replicates.into(), 1, 100_000_000);

    let segs = &s.population.segments;
    if segs.is_empty() || segs.len() > MAX_SEGMENTS {
        p.add(
            "population.segments",
            format!("needs 1 to {MAX_SEGMENTS} segments, got {}", segs.len()),
        );
    }
    let mut total = 0.0;
    for (i, seg) in segs.iter().enumerate() {
        let key = format!("population.segments[{i}]");
        if seg.name.is_empty()
            || !seg
                .name
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
        {
            p.add(
                &format!("{key}.name"),
                format!(
                    "`{}` cannot name output columns; use letters, digits, `_`, `-`",
                    seg.name
                ),
            );
        }
        if segs[..i].iter().any(|o| o.name == seg.name) {
            p.add(
                &format!("{key}.name"),
                format!("segment name `{}` is used twice", seg.name),
            );
        }
        if !(seg.share > 0.0 && seg.share <= 1.0) {
            p.add(
                &format!("{key}.share"),
                format!("{} is out of range; allowed: (0, 1]", seg.share),
            );
        }
        total += seg.share;
        p.dist(
            &format!("{key}.price_elasticity"),
            seg.price_elasticity.as_ref(),
            Domain::NonNegative,
        );
        p.dist(
            &format!("{key}.activity"),
            seg.activity.as_ref(),
            Domain::NonNegative,
        );
        p.dist(
            &format!("{key}.p_share"),
            seg.p_share.as_ref(),
            Domain::Probability,
        );
    }
    if !segs.is_empty() && (total - 1.0).abs() > 1e-6 {
        p.add(
            "population.segments",
            format!("segment shares sum to {total}; they must sum to 1"),
        );
    }

    graph(&mut p, &s.graph);

    if s.seeding.count > 0 && !s.seeding.members.is_empty() {
        p.add(
            "seeding.members",
            "give either `count` (with `strategy`) or `members`, not both".into(),
        );
    }
    if s.product.list_price_cents <= 0 {
        p.add(
            "product.list_price_cents",
            format!("{} must be > 0 (cents)", s.product.list_price_cents),
        );
    }
    if s.product.unit_cost_cents < 0 {
        p.add(
            "product.unit_cost_cents",
            format!("{} must be ≥ 0 (cents)", s.product.unit_cost_cents),
        );
    }

    let b = &s.behaviour;
    p.prob("behaviour.p_buy.friend", b.p_buy.friend);
    p.prob("behaviour.p_buy.ad", b.p_buy.ad);
    p.non_negative("behaviour.herd", b.herd);
    p.non_negative("behaviour.tie_strong", b.tie_strong);
    p.non_negative("behaviour.tie_weak", b.tie_weak);
    p.dist(
        "behaviour.price_elasticity",
        Some(&b.price_elasticity),
        Domain::NonNegative,
    );
    p.dist("behaviour.activity", Some(&b.activity), Domain::NonNegative);

    let sh = &s.share;
    p.dist("share.p_share", Some(&sh.p_share), Domain::Probability);
    p.prob("share.reach", sh.reach);
    p.prob("share.p_share_daily", sh.p_share_daily);
    if let Some(k) = sh.k {
        if k == 0 {
            p.add(
                "share.k",
                "0 friends reaches nobody; allowed: k ≥ 1, or leave k out and use reach".into(),
            );
        }
        if sh.reach < 1.0 {
            p.add("share.reach", "set either `reach` (each friend independently) or `k` (exactly k friends), not both".into());
        }
    } else if sh.prefer_strong {
        p.add(
            "share.prefer_strong",
            "only applies with `k`; set `share.k` or remove it".into(),
        );
    }

    p.non_negative("fatigue.per_message", s.fatigue.per_message);
    p.prob("fatigue.decay", s.fatigue.decay);

    if let Some(r) = &s.repurchase {
        if !(r.mean_interval_days >= 1.0 && r.mean_interval_days <= 10_000.0) {
            p.add(
                "repurchase.mean_interval_days",
                format!(
                    "{} is out of range; allowed: [1, 10000] days",
                    r.mean_interval_days
                ),
            );
        }
        if !(r.gamma_shape > 0.0 && r.gamma_shape.is_finite()) {
            p.add(
                "repurchase.gamma_shape",
                format!("{} must be > 0", r.gamma_shape),
            );
        }
        p.prob("repurchase.p_buy", r.p_buy);
    }

    p.prob("churn.base", s.churn.base);
    p.non_negative("churn.fatigue_weight", s.churn.fatigue_weight);
    if let Some(t) = &s.touch_cost {
        for (key, cents) in [
            ("coupon_cents", t.coupon_cents),
            ("group_cents", t.group_cents),
            ("operator_cents", t.operator_cents),
            ("live_cents", t.live_cents),
            ("flash_cents", t.flash_cents),
        ] {
            p.cents(&format!("touch_cost.{key}"), cents);
        }
    }
    if let Some(cv) = &s.customer_value {
        for (ch, entry) in cv.entries() {
            let Some(e) = entry else { continue };
            let key = |k: &str| format!("customer_value.{}.{k}", ch.name());
            p.non_negative(&key("churn"), e.churn);
            p.non_negative(&key("repurchase"), e.repurchase);
            if !(e.order_value > 0.0 && e.order_value <= 100.0) {
                p.add(
                    &key("order_value"),
                    format!("{} is out of range; allowed: (0, 100]", e.order_value),
                );
            }
        }
    }

    p.non_negative("share.kappa", s.share.kappa);
    channels_and_groups(&mut p, s);
    crate::mechanism::check(s, &mut p);
    p.0
}

/// Range checks of the channel probabilities and the groups layer the mechanisms share.
fn channels_and_groups(p: &mut Problems, s: &Scenario) {
    let b = &s.behaviour.p_buy;
    for (key, x) in [
        ("behaviour.p_buy.group", b.group),
        ("behaviour.p_buy.operator", b.operator),
        ("behaviour.p_buy.kol", b.kol),
        ("behaviour.p_buy.team", b.team),
        ("behaviour.p_buy.coupon", b.coupon),
    ] {
        p.prob(key, x);
    }
    if let Some(f) = s.fatigue.per_promo_message {
        p.non_negative("fatigue.per_promo_message", f);
    }
    if let Some(g) = &s.groups {
        p.range_u("groups.capacity", g.capacity.into(), 2, 1_000_000);
        p.dist("groups.size", Some(&g.size), Domain::NonNegative);
        p.prob("groups.coverage", g.coverage);
    }
}

fn graph(p: &mut Problems, g: &GraphSpec) {
    p.prob("graph.strong_share", g.strong_share);
    let set = [
        ("erdos_renyi", g.erdos_renyi.is_some()),
        ("barabasi_albert", g.barabasi_albert.is_some()),
        ("watts_strogatz", g.watts_strogatz.is_some()),
        ("holme_kim", g.holme_kim.is_some()),
        ("stochastic_block", g.stochastic_block.is_some()),
        ("configuration", g.configuration.is_some()),
        ("edge_list", g.edge_list.is_some()),
    ];
    let chosen: Vec<&str> = set.iter().filter(|(_, on)| *on).map(|(n, _)| *n).collect();
    if chosen.len() != 1 {
        let names: Vec<&str> = set.iter().map(|(n, _)| *n).collect();
        p.add(
            "graph",
            format!(
                "needs exactly one of [graph.{}], got {}",
                names.join("], [graph."),
                chosen.len()
            ),
        );
    }
    if let Some(er) = &g.erdos_renyi {
        p.range_u(
            "graph.erdos_renyi.n",
            er.n.into(),
            1,
            u64::from(u32::MAX - 1),
        );
        if !(er.mean_degree >= 0.0 && er.mean_degree <= f64::from(er.n.saturating_sub(1))) {
            p.add(
                "graph.erdos_renyi.mean_degree",
                format!("{} is out of range; allowed: [0, n − 1]", er.mean_degree),
            );
        }
    }
    if let Some(ba) = &g.barabasi_albert {
        p.range_u("graph.barabasi_albert.m", ba.m.into(), 1, 10_000);
        if ba.n <= ba.m {
            p.add(
                "graph.barabasi_albert.n",
                format!("{} must be larger than m = {}", ba.n, ba.m),
            );
        }
    }
    if let Some(ws) = &g.watts_strogatz {
        if ws.k < 2 || ws.k % 2 == 1 || ws.k >= ws.n {
            p.add(
                "graph.watts_strogatz.k",
                format!("{} must be even, ≥ 2 and < n = {}", ws.k, ws.n),
            );
        }
        p.prob("graph.watts_strogatz.p", ws.p);
    }
    if let Some(hk) = &g.holme_kim {
        p.range_u("graph.holme_kim.m", hk.m.into(), 1, 10_000);
        if hk.n <= hk.m {
            p.add(
                "graph.holme_kim.n",
                format!("{} must be larger than m = {}", hk.n, hk.m),
            );
        }
        p.prob("graph.holme_kim.p_triad", hk.p_triad);
    }
    if let Some(sbm) = &g.stochastic_block {
        let total: u64 = sbm.sizes.iter().map(|&s| u64::from(s)).sum();
        if sbm.sizes.is_empty() || sbm.sizes.contains(&0) || total > u64::from(u32::MAX - 1) {
            p.add(
                "graph.stochastic_block.sizes",
                "needs one or more blocks, each with ≥ 1 member".into(),
            );
        }
        p.prob("graph.stochastic_block.p_in", sbm.p_in);
        p.prob("graph.stochastic_block.p_out", sbm.p_out);
    }
    if let Some(c) = &g.configuration {
        p.range_u(
            "graph.configuration.n",
            c.n.into(),
            2,
            u64::from(u32::MAX - 1),
        );
        if !(c.gamma > 1.0 && c.gamma <= 10.0) {
            p.add(
                "graph.configuration.gamma",
                format!("{} is out of range; allowed: (1, 10]", c.gamma),
            );
        }
        p.range_u(
            "graph.configuration.min_degree",
            c.min_degree.into(),
            1,
            u64::from(c.n.saturating_sub(1)),
        );
        if let Some(max) = c.max_degree.filter(|&max| max < c.min_degree || max >= c.n) {
            p.add(
                "graph.configuration.max_degree",
                format!("{max} must be in [min_degree, n − 1]"),
            );
        }
    }
    if let Some(e) = &g.edge_list {
        if e.path.trim().is_empty() {
            p.add(
                "graph.edge_list.path",
                "is empty; give the edge-list file relative to the scenario".into(),
            );
        }
        if g.resample {
            p.add(
                "graph.resample",
                "only applies to generated graphs; an edge list is fixed".into(),
            );
        }
    }
}

/// The compliance flags a valid scenario carries (allowed only with
/// `compliance.allow_noncompliant = true`): one line per rule it breaks.
pub fn compliance_flags(s: &Scenario) -> Vec<String> {
    let mut flags = Vec::new();
    if let Some(c) = &s.commission {
        let levels = c.level_rates_pct.iter().filter(|&&r| r > 0.0).count();
        let max = s.compliance.max_commission_levels as usize;
        if levels > max {
            flags.push(format!(
                "commission pays {levels} levels above the buyer; the line is {max} \
                 (compliance.max_commission_levels)"
            ));
        }
    }
    flags
}

/// Collected problems, each `(dotted key, what is wrong and what is allowed)`; the range checks
/// every mechanism's `check` uses.
#[derive(Default)]
pub struct Problems(Vec<(String, String)>);

impl Problems {
    /// The problems found, in the order found.
    pub fn into_vec(self) -> Vec<(String, String)> {
        self.0
    }

    /// A warning under `key` if `pct` looks like a fraction given where a percentage is asked
    /// (`0.3` for 30%).
    pub fn percent_like_fraction(&mut self, key: &str, pct: f64) {
        if pct > 0.0 && pct < 1.0 {
            self.add(
                key,
                format!(
                    "is {pct}, i.e. {pct}% (this key is a percentage); if you meant {}%, write {}",
                    pct * 100.0,
                    pct * 100.0
                ),
            );
        }
    }

    /// A warning under `key` if the channel probability `p` is 0 while `what` relies on it.
    pub fn silent_channel(&mut self, key: &str, p: f64, what: &str) {
        if p == 0.0 {
            self.add(
                key,
                format!("is 0 (the default), so {what}; set it, e.g. {key} = 0.05"),
            );
        }
    }

    /// A warning under `key` if `budget` cannot pay one event costing `each`.
    pub fn budget_below(&mut self, key: &str, budget: Option<i64>, each: i64, what: &str) {
        if let Some(b) = budget
            && b < each
        {
            self.add(
                key,
                format!("{b} cannot pay one {what} ({each} cents), so the scheme never acts"),
            );
        }
    }

    /// See the module doc: one problem under `key` if the check fails.
    pub fn add(&mut self, key: &str, message: String) {
        self.0.push((key.to_string(), message));
    }
    /// See the module doc: one problem under `key` if the check fails.
    pub fn prob(&mut self, key: &str, x: f64) {
        if !(0.0..=1.0).contains(&x) {
            self.add(
                key,
                format!("{x} is out of range; allowed: a probability in [0, 1]"),
            );
        }
    }
    /// See the module doc: one problem under `key` if the check fails.
    pub fn non_negative(&mut self, key: &str, x: f64) {
        if !(x >= 0.0 && x.is_finite()) {
            self.add(
                key,
                format!("{x} is out of range; allowed: a finite number ≥ 0"),
            );
        }
    }
    /// See the module doc: one problem under `key` if the check fails.
    pub fn pct(&mut self, key: &str, x: f64) {
        if !(0.0..=100.0).contains(&x) {
            self.add(
                key,
                format!("{x} is out of range; allowed: a percentage in [0, 100]"),
            );
        }
    }
    /// See the module doc: one problem under `key` if the check fails.
    pub fn cents(&mut self, key: &str, x: i64) {
        if x < 0 {
            self.add(key, format!("{x} must be ≥ 0 (cents)"));
        }
    }
    /// See the module doc: one problem under `key` if the check fails.
    pub fn day_window(&mut self, table: &str, start: u32, end: Option<u32>) {
        if start < 1 {
            self.add(
                &format!("{table}.start_day"),
                "must be ≥ 1 (day 0 is the seeding day)".into(),
            );
        }
        if let Some(end) = end.filter(|&end| end < start) {
            self.add(
                &format!("{table}.end_day"),
                format!("{end} is before start_day {start}"),
            );
        }
    }
    /// See the module doc: one problem under `key` if the check fails.
    pub fn window(&mut self, table: &str, w: &dyn SchemeWindow) {
        self.day_window(table, w.start_day(), w.end_day());
        if let Some(b) = w.budget_cents() {
            self.cents(&format!("{table}.budget_cents"), b);
        }
    }
    /// See the module doc: one problem under `key` if the check fails.
    pub fn range_u(&mut self, key: &str, x: u64, lo: u64, hi: u64) {
        if x < lo || x > hi {
            self.add(key, format!("{x} is out of range; allowed: [{lo}, {hi}]"));
        }
    }
    /// See the module doc: one problem under `key` if the check fails.
    pub fn dist(&mut self, key: &str, d: Option<&Dist>, domain: Domain) {
        if let Some(Err(why)) = d.map(|d| d.check(domain)) {
            self.add(key, why);
        }
    }
}
