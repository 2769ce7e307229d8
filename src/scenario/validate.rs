//! Range checks on a deserialized [`Scenario`]; every problem names its dotted key.

use super::dist::{Dist, Domain};
use super::schema::{GraphSpec, Scenario};

/// Largest number of segments (segment ids are stored in a byte).
pub const MAX_SEGMENTS: usize = 255;

/// Every problem found, as `(dotted key, what is wrong and what is allowed)`, in file order.
pub fn problems(s: &Scenario) -> Vec<(String, String)> {
    let mut p = Problems::default();
    if s.name.trim().is_empty() || s.name.contains(['/', '\\']) || s.name.starts_with('.') {
        p.add(
            "name",
            format!(
                "`{}` cannot name an output folder; use letters, digits, `-`, `_`",
                s.name
            ),
        );
    }
    p.range_u("days", s.days.into(), 1, 100_000);
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

    if let Some(a) = &s.ads {
        p.range_u(
            "ads.impressions_per_day",
            a.impressions_per_day,
            0,
            1_000_000_000,
        );
        if a.cpm_cents < 0 {
            p.add(
                "ads.cpm_cents",
                format!(
                    "{} must be ≥ 0 (cents per thousand impressions)",
                    a.cpm_cents
                ),
            );
        }
        p.range_u("ads.start_day", a.start_day.into(), 1, s.days.into());
        if let Some(end) = a.end_day.filter(|&end| end < a.start_day) {
            p.add(
                "ads.end_day",
                format!("{end} is before start_day {}", a.start_day),
            );
        }
    }
    p.non_negative("share.kappa", s.share.kappa);
    if let Some(r) = &s.referral {
        for (key, cents) in [
            ("referral.inviter_reward_cents", r.inviter_reward_cents),
            ("referral.milestone_reward_cents", r.milestone_reward_cents),
            ("referral.budget_cents", r.budget_cents.unwrap_or(0)),
        ] {
            if cents < 0 {
                p.add(key, format!("{cents} must be ≥ 0 (cents)"));
            }
        }
        if r.invitee_discount_cents < 0 || r.invitee_discount_cents >= s.product.list_price_cents {
            p.add(
                "referral.invitee_discount_cents",
                format!(
                    "{} must be ≥ 0 and below the list price {}",
                    r.invitee_discount_cents, s.product.list_price_cents
                ),
            );
        }
        if r.start_day < 1 {
            p.add(
                "referral.start_day",
                "must be ≥ 1 (day 0 is the seeding day)".into(),
            );
        }
        if let Some(end) = r.end_day.filter(|&end| end < r.start_day) {
            p.add(
                "referral.end_day",
                format!("{end} is before start_day {}", r.start_day),
            );
        }
    }
    p.0
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

/// Collected problems.
#[derive(Default)]
struct Problems(Vec<(String, String)>);

impl Problems {
    fn add(&mut self, key: &str, message: String) {
        self.0.push((key.to_string(), message));
    }
    fn prob(&mut self, key: &str, x: f64) {
        if !(0.0..=1.0).contains(&x) {
            self.add(
                key,
                format!("{x} is out of range; allowed: a probability in [0, 1]"),
            );
        }
    }
    fn non_negative(&mut self, key: &str, x: f64) {
        if !(x >= 0.0 && x.is_finite()) {
            self.add(
                key,
                format!("{x} is out of range; allowed: a finite number ≥ 0"),
            );
        }
    }
    fn range_u(&mut self, key: &str, x: u64, lo: u64, hi: u64) {
        if x < lo || x > hi {
            self.add(key, format!("{x} is out of range; allowed: [{lo}, {hi}]"));
        }
    }
    fn dist(&mut self, key: &str, d: Option<&Dist>, domain: Domain) {
        if let Some(Err(why)) = d.map(|d| d.check(domain)) {
            self.add(key, why);
        }
    }
}
