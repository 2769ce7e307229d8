//! Invariants under random scenarios (proptest): stages partition the population every day,
//! cumulative customers never decrease, churned members never buy or share, ledger identities hold.

use fission::engine::{Observer, Replicate, Setup};
use fission::metrics::DayRow;
use fission::model::ledger::Scheme;
use fission::model::member::NONE;
use fission::model::{Channel, Ledger, Stage};
use fission::scenario::LoadedScenario;
use proptest::prelude::*;

/// Checks every invariant on every day.
#[derive(Default)]
struct Invariants {
    previous_customers: u32,
    flash_sold: u32,
    total: Ledger,
    days_seen: u32,
}

impl Observer for Invariants {
    fn observe(&mut self, rep: &Replicate<'_>, row: &DayRow) {
        let n = rep.member_count();
        // Stages partition the population, and the row's counts are the state's.
        let mut counts = [0u32; 5];
        for m in 0..n {
            counts[rep.stage(m) as usize] += 1;
        }
        assert_eq!(counts, row.stages, "day {}: stage counts", row.day);
        assert_eq!(row.stages.iter().sum::<u32>(), n);
        // Customers: exactly the members in a customer stage; never decreasing.
        let customers = rep.customers();
        assert_eq!(customers.len() as u32, row.customers);
        assert_eq!(counts[2] + counts[3] + counts[4], row.customers);
        assert!(
            row.customers >= self.previous_customers,
            "customers decreased on day {}",
            row.day
        );
        self.previous_customers = row.customers;
        // The fast paths agree with the general rules (price bound, skip-ahead probability).
        let violations = rep.fast_path_violations();
        assert!(violations.is_empty(), "{}", violations.join("\n"));
        assert_eq!(
            row.new_customers_total() as usize,
            customers.iter().filter(|c| c.first_day == row.day).count()
        );
        // Churned members never buy or share after churning.
        for c in customers {
            assert!(rep.stage(c.member).is_customer());
            if c.churn_day != NONE {
                assert_eq!(rep.stage(c.member), Stage::Churned);
                assert!(
                    c.last_purchase_day <= c.churn_day,
                    "member {} bought after churning",
                    c.member
                );
                assert!(
                    c.churn_day > c.first_day,
                    "churn starts the day after the first purchase"
                );
            }
            match (c.acquired_via, c.referrer) {
                (Channel::Friend, r) => {
                    let r = rep
                        .customer(r)
                        .expect("a friend's share comes from a customer");
                    assert!(
                        c.first_day > r.first_day,
                        "a buyer shares from the next day on"
                    );
                }
                // A team's members buy together when it fills, the leader first.
                (Channel::Team, r) if r != NONE => {
                    let r = rep
                        .customer(r)
                        .expect("a team invite comes from its leader");
                    assert!(c.first_day >= r.first_day);
                }
                _ => {}
            }
        }
        assert!(!rep.bought_today().iter().any(
            |&m| rep.stage(m) == Stage::Churned && rep.customer(m).unwrap().churn_day < row.day
        ));
        // Only customers who bought on an earlier day share, and never after churning (shares
        // come before churn within a day).
        for &m in rep.shared_today() {
            let c = rep.customer(m).expect("a sharer is a customer");
            assert!(
                c.first_day < row.day,
                "member {m} shared on the day of the first purchase"
            );
            assert!(
                c.churn_day == NONE || c.churn_day >= row.day,
                "member {m} shared after churning"
            );
        }
        // Ledger identities, per day and cumulative.
        let l = &row.ledger;
        assert_eq!(l.gmv_cents, l.list_cents - l.discount_cents);
        assert_eq!(l.net_cents(), l.margin_cents() - l.spend_cents());
        self.total.add(l);
        // Every scheme's cost is a discount or cash, and none exceeds its budget.
        assert_eq!(
            l.scheme_cents.iter().sum::<i64>(),
            l.discount_cents + l.incentive_cents
        );
        let s = rep.scenario();
        let sum = |b: Vec<Option<i64>>| b.into_iter().sum::<Option<i64>>();
        let budgets: [(Scheme, Option<i64>); 16] = [
            (
                Scheme::Referral,
                s.referral.as_ref().and_then(|r| r.budget_cents),
            ),
            (
                Scheme::GroupBuy,
                s.group_buy.as_ref().and_then(|r| r.budget_cents),
            ),
            (
                Scheme::ShareReward,
                s.share_reward.as_ref().and_then(|r| r.budget_cents),
            ),
            (
                Scheme::Coupon,
                s.coupon.first().and_then(|r| r.budget_cents),
            ),
            (
                Scheme::RedPacket,
                s.red_packet.as_ref().and_then(|r| r.budget_cents),
            ),
            (
                Scheme::Commission,
                s.commission.as_ref().and_then(|r| r.budget_cents),
            ),
            (
                Scheme::Live,
                sum(s.live_stream.iter().map(|l| l.budget_cents).collect()),
            ),
            (
                Scheme::FlashSale,
                sum(s.flash_sale.iter().map(|f| f.budget_cents).collect()),
            ),
            (
                Scheme::Lottery,
                s.lottery.as_ref().and_then(|l| l.budget_cents),
            ),
            (
                Scheme::Checkin,
                s.checkin.as_ref().and_then(|c| c.budget_cents),
            ),
            (
                Scheme::FirstOrder,
                s.first_order.as_ref().and_then(|f| f.budget_cents),
            ),
            (
                Scheme::Presale,
                s.presale.as_ref().and_then(|p| p.budget_cents),
            ),
            (
                Scheme::ChurnWarning,
                s.churn_warning.as_ref().and_then(|c| c.budget_cents),
            ),
            (
                Scheme::WinBack,
                s.win_back.as_ref().and_then(|w| w.budget_cents),
            ),
            (
                Scheme::Bargain,
                s.bargain.as_ref().and_then(|b| b.budget_cents),
            ),
            (
                Scheme::Review,
                s.reviews.as_ref().and_then(|r| r.budget_cents),
            ),
        ];
        // A flash sale sells at most its stock; a stream admits at most its capacity.
        let stock: u32 = s.flash_sale.iter().map(|f| f.stock).sum();
        self.flash_sold += row.flash_sold;
        assert!(
            self.flash_sold <= stock,
            "sold {} of {stock}",
            self.flash_sold
        );
        let streams_today: Vec<_> = s
            .live_stream
            .iter()
            .filter(|l| l.days.contains(&row.day))
            .collect();
        if streams_today.iter().all(|l| l.capacity.is_some()) {
            let cap: u32 = streams_today.iter().filter_map(|l| l.capacity).sum();
            assert!(
                row.live_attendees <= cap,
                "day {}: {} attendees",
                row.day,
                row.live_attendees
            );
        }
        assert!(row.high_activity <= n);
        // Tier and group-matrix members are members; the matrix's members are customers still
        // there, and a tier or stage order is an order.
        assert!(row.tier_members <= n);
        assert!(row.matrix_members.iter().sum::<u32>() <= row.customers);
        let orders = row.ledger.orders;
        assert!(u64::from(row.matrix_orders.iter().sum::<u32>()) <= orders);
        // A clawback only returns what was paid: the referral line never goes below zero.
        assert!(self.total.scheme_cents[Scheme::Referral as usize] >= 0);
        // Every message that reached a member was paid for at its channel's touch cost.
        let touch = s
            .touch_cost
            .map_or([0; Channel::ALL.len()], |t| t.by_channel());
        let expected: i64 = (0..Channel::ALL.len())
            .map(|c| row.exposures[c] as i64 * touch[c])
            .sum();
        assert_eq!(row.ledger.touch_cents, expected, "touch costs");
        for stage_orders in [row.tier_orders, row.presale_orders, row.coupon_orders] {
            assert!(u64::from(stage_orders) <= orders);
        }
        for (scheme, budget) in budgets {
            if let Some(budget) = budget {
                let spent = self.total.scheme_cents[scheme as usize];
                assert!(
                    spent <= budget,
                    "{} spent {spent} of a {budget} budget",
                    scheme.name()
                );
            }
        }
        // Nobody is rewarded twice for the same event: qualified invites never exceed the
        // customers brought by an invite.
        let invited = customers
            .iter()
            .filter(|c| {
                matches!(c.acquired_via, Channel::Friend | Channel::Team) && c.referrer != NONE
            })
            .count() as u32;
        let qualified: u32 = customers.iter().map(|c| c.qualified_invites).sum();
        assert!(
            qualified <= invited,
            "{qualified} rewards for {invited} invitees"
        );
        // Members join teams only up to the team size: customers won through teams today come
        // from the teams settled today, at most team_size − 1 each besides the leader.
        if let Some(g) = &s.group_buy {
            let settled = row.teams_filled + row.teams_expired;
            assert!(row.new_customers[Channel::Team as usize] <= settled * (g.team_size - 1));
        }
        let spent: i64 = customers.iter().map(|c| c.spent_cents).sum();
        let orders: u64 = customers.iter().map(|c| u64::from(c.orders)).sum();
        assert_eq!(self.total.gmv_cents, spent, "GMV = Σ paid");
        assert_eq!(self.total.orders, orders);
        assert_eq!(
            self.total.orders - self.total.repeat_orders,
            u64::from(row.customers)
        );
        // Cost of goods: every order at the unit cost × its buyer's channel basket multiplier.
        let cost = rep.scenario().product.unit_cost_cents;
        let basket = |ch: Channel| {
            s.customer_value
                .as_ref()
                .and_then(|cv| cv.entries().into_iter().find(|(c, _)| *c == ch))
                .and_then(|(_, e)| *e)
                .map_or(1.0, |e| e.order_value)
        };
        let cogs: i64 = customers
            .iter()
            .map(|c| (cost as f64 * basket(c.acquired_via)).round() as i64 * i64::from(c.orders))
            .sum();
        assert_eq!(self.total.cogs_cents, cogs);
        self.days_seen += 1;
    }
}

/// The knobs a random scenario turns.
#[derive(Debug, Clone)]
struct Knobs {
    generator: u8,
    n: u32,
    seeds: u32,
    p_friend: f64,
    p_ad: f64,
    impressions: u32,
    reach: f64,
    k: Option<u32>,
    p_share: f64,
    daily: f64,
    fatigue: f64,
    churn: f64,
    weight: f64,
    silent: u32,
    repurchase: Option<f64>,
    herd: f64,
    /// A referral scheme with this budget (rewards, milestone, cap, invitee discount, uplift).
    referral_budget: Option<i64>,
    /// Every other scheme, groups with posts and KOL/KOC campaigns, each scheme with this budget.
    schemes: Option<i64>,
    /// Price elasticity of every member (discounts only matter with ε > 0).
    elasticity: f64,
}

impl Knobs {
    /// A quiet market: no ads, no churn, no fatigue, no repurchase.
    fn quiet(n: u32, seeds: u32) -> Self {
        Knobs {
            generator: 0,
            n,
            seeds,
            p_friend: 0.5,
            p_ad: 0.0,
            impressions: 0,
            reach: 1.0,
            k: None,
            p_share: 0.6,
            daily: 0.0,
            fatigue: 0.0,
            churn: 0.0,
            weight: 0.0,
            silent: 0,
            repurchase: None,
            herd: 0.0,
            referral_budget: None,
            schemes: None,
            elasticity: 0.0,
        }
    }

    fn text(&self) -> String {
        let n = self.n;
        let graph = match self.generator {
            0 => format!("[graph.erdos_renyi]\nn = {n}\nmean_degree = 4.0\n"),
            1 => format!("[graph.barabasi_albert]\nn = {n}\nm = 2\n"),
            2 => format!("[graph.holme_kim]\nn = {n}\nm = 2\np_triad = 0.5\n"),
            _ => format!("[graph.watts_strogatz]\nn = {n}\nk = 4\np = 0.2\n"),
        };
        let share = match self.k {
            Some(k) => format!("k = {k}\nprefer_strong = true\n"),
            None => format!("reach = {}\n", self.reach),
        };
        let referral = self.referral_budget.map_or(String::new(), |b| {
            format!(
                "[referral]\ninviter_reward_cents = 50\ninvitee_discount_cents = 100\nmilestone_invites = 2\n\
                 milestone_reward_cents = 70\ncap_per_inviter = 3\nbudget_cents = {b}\n\
                 [fraud]\nfarmer_share = 0.1\nfake_invites = 2\np_detect = 0.5\ndetect_delay_days = 3\n"
            )
        });
        let schemes = self.schemes.map_or(String::new(), |b| {
            // Some cases leave group buy or points out: redeemable points make the price bound
            // "a free order" and the group discount is the largest one, either of which would
            // hide a mechanism whose discount bound is too low.
            // A buyer opens a team or a bargain: bargaining stands in for group buy.
            let group_buy = if b % 2 == 0 {
                format!(
                    "[bargain]\np_open = 0.3\ntarget_cents = 300\ncuts_pct = [60.0, 30.0, 10.0]\nwindow_days = 2\n\
                     asks_per_day = 2\np_help = 0.5\np_fallback = 0.4\nbudget_cents = {b}\n"
                )
            } else {
                format!(
                    "[group_buy]\nteam_size = 3\ndiscount_pct = 20.0\nwindow_days = 2\ninvites = 3\np_open = 0.5\n\
                     p_stranger_fill = 0.1\np_fallback_solo = 0.3\nsuccess_bonus_cents = 30\nbudget_cents = {b}\n"
                )
            };
            // A member has one tier: lifetime points (b % 3 == 1) or a contribution score.
            let contribution = "[contribution]\nper_interaction = 1.0\nper_order = 4.0\nper_share = 2.0\nper_referral = 3.0\ndecay = 0.8\n";
            let points = match b % 3 {
                0 => format!("{contribution}{}", contribution_tiers()),
                1 => format!("[points]\nper_cent = 0.01\nper_share = 1.0\nredeem_cents_per_point = 1.0\nredeem_min_points = 10.0\n\
                 [[points.tiers]]\nname = \"vip\"\nthreshold = 15.0\ndiscount_pct = 5.0\nchurn_protect = 0.01\nshare_multiplier = 1.2\n\
                 {contribution}"),
                _ => format!("[points]\nper_cent = 0.01\nper_share = 1.0\nredeem_cents_per_point = 1.0\nredeem_min_points = 10.0\n\
                 {contribution}{}", contribution_tiers()),
            };
            format!(
                "{group_buy}\
                 [share_reward]\nreward_per_share_cents = 5\ndaily_cap = 3\nrebate_pct = 5.0\nbudget_cents = {b}\n\
                 [[coupon]]\ntarget = \"all\"\nvalue_cents = 100\nexpiry_days = 5\nevery_days = 7\nbudget_cents = {b}\n\
                 [red_packet]\ntotal_cents = 60\nsplit_n = 3\np_claim = 0.7\nbudget_cents = {b}\n\
                 {points}\
                 [commission]\nlevel_rates_pct = [10.0, 5.0]\npayout_delay_days = 2\nbudget_cents = {b}\n\
                 [groups]\nassign = \"random\"\nsize = 8.0\n[posting_policy]\nposts_per_day = 0.5\npromo_share = 0.5\np_read = 0.5\n\
                 [[kol_campaign]]\nname = \"k\"\ncount = 1\nfee_cents = 500\npost_days = [3, 10]\ncredibility = 1.5\nextra_followers = 3\n\
                 [[kol_campaign]]\nname = \"c\"\ncount = 2\nkoc = true\npost_days = [5]\n\
                 [[live_stream]]\nname = \"l\"\ndays = [4, 11, 18]\nhost = \"k\"\np_attend_group = 0.3\n\
                 p_attend_customer = 0.4\np_attend_follower = 0.5\np_invite = 0.1\ncapacity = 15\nprice_cents = 799\n\
                 preview_days = 2\npreview_p_read = 0.5\nrecap = true\nrecap_p_read = 0.4\nhost_fee_cents = 200\nbudget_cents = {b}\n\
                 [[live_stream]]\nname = \"koc\"\ndays = [9]\nhost = \"c\"\np_attend_follower = 1.0\nbudget_cents = {b}\n\
                 [[flash_sale]]\nname = \"f\"\nday = 8\ndiscount_pct = 40.0\nstock = 5\naudience = \"all\"\np_read = 0.6\nbudget_cents = {b}\nearly_access_tier = 1\n\
                 [[festival]]\nname = \"d11\"\nstart_day = 12\nend_day = 14\nattention = 1.5\nimpulse = 1.3\n\
                 [engagement]\nhigh_activity = 3.0\nchurn_cut = 0.5\n\
                 [lottery]\nentry = \"interaction\"\np_enter = 0.3\np_win = 0.2\nprize_cents = 50\nbudget_cents = {b}\n\
                 [checkin]\nperiod_days = 5\np_participate = 0.5\nstreak_length = 2\nstreak_reward_cents = 40\nchurn_cut = 0.5\nbudget_cents = {b}\n\
                 [first_order]\ndiscount_pct = 10.0\nend_day = 30\nbudget_cents = {b}\n\
                 [customer_value.friend]\nchurn = 0.82\nrepurchase = 1.2\norder_value = 1.3\n\
                 [customer_value.team]\norder_value = 0.7\n\
                 [churn_warning]\nauc = 0.8\nlead_days = 3\ntarget_share = 0.2\nevery_days = 3\np_success = 0.5\ncontact_cents = 2\noffer_cents = 30\nbudget_cents = {b}\n\
                 [win_back]\ndays = [15, 30]\np_reach = 0.8\np_return = 0.3\ncontact_cents = 3\ndiscount_cents = 100\nbudget_cents = {b}\n\
                 [touch_cost]\ncoupon_cents = 3\ngroup_cents = 1\noperator_cents = 2\nlive_cents = 4\nflash_cents = 5\n\
                 [presale]\nstart_day = 3\nend_day = 10\ndiscount_pct = 15.0\nchannels = [\"group\", \"friend\"]\ndelivery_day = 15\nbudget_cents = {b}\n\
                 [group_matrix]\np_join = 0.8\nincubation_orders = 2\nhigh_value_tier = 1\n\
                 [group_matrix.onboarding]\nposts_per_day = 1.0\np_read = 0.5\n\
                 [group_matrix.incubation]\nposts_per_day = 0.5\npromo_share = 0.5\np_read = 0.5\n\
                 [group_matrix.high_value]\nposts_per_day = 0.5\np_read = 0.8\n\
                 [threshold]\nphi = 0.4\np_adopt = 0.5\n\
                 [reviews]\np_review = 0.3\nreward_cents = 20\np_review_rewarded = 0.5\nbudget_cents = {b}\ndelay_days = 2\n\
                 quality = 0.8\np_delivery_problem = 0.1\np_read_group = 0.3\npositive_lift = 1.3\n\
                 [reviews.delivery_shock]\nstart_day = 10\nend_day = 15\np_delivery_problem = 0.6\n\
                 [reviews.leaderboard]\nevery_days = 5\ntop = 2\nextra_reach = 4\n\
                 [negative_wom]\np_tell = 0.3\np_retell = 0.1\nconversion_cut = 0.5\nshare_cut = 0.5\nchurn_rise = 0.02\n\
                 memory_days = 10\np_dispute = 0.05\nsentiment_per_bad = 0.1\nsentiment_per_good = 0.05\n\
                 sentiment_recovery = 0.1\nsentiment_weight = 0.5\n\
                 [[negative_wom.shocks]]\nday = 20\nshare = 0.1\n"
            )
        });
        let repurchase = self.repurchase.map_or(String::new(), |m| {
            format!("[repurchase]\nmean_interval_days = {m}\np_buy = 0.7\n")
        });
        format!(
            "name = \"prop\"\ndays = 40\n[graph]\nstrong_share = 0.3\n{graph}[seeding]\ncount = {}\n\
             [product]\nlist_price_cents = 999\nunit_cost_cents = 400\n\
             [behaviour]\nherd = {}\nprice_elasticity = {}\n[behaviour.p_buy]\nfriend = {}\nad = {}\n\
             group = 0.05\noperator = 0.01\nkol = 0.1\nteam = 0.3\ncoupon = 0.05\nlive = 0.2\nflash = 0.3\nreview = 0.1\n\
             [share]\np_share = {}\np_share_daily = {}\nkappa = 1.0\n{share}\
             [fatigue]\nper_message = {}\n[churn]\nbase = {}\nfatigue_weight = {}\nsilent_after_days = {}\n\
             {repurchase}{referral}{schemes}[ads]\nimpressions_per_day = {}\ncpm_cents = 777\n",
            self.seeds,
            self.herd,
            self.elasticity,
            self.p_friend,
            self.p_ad,
            self.p_share,
            self.daily,
            self.fatigue,
            self.churn,
            self.weight,
            self.silent,
            self.impressions
        )
    }

    fn setup(&self) -> Setup {
        let loaded =
            LoadedScenario::from_text(&self.text(), std::path::Path::new("prop.toml"), &[])
                .unwrap();
        Setup::new(loaded).unwrap()
    }
}

fn knobs() -> impl Strategy<Value = Knobs> {
    (
        (
            0u8..4,
            12u32..60,
            0u32..6,
            0.0f64..1.0,
            0.0f64..0.5,
            0u32..30,
            0.0f64..1.0,
            proptest::option::of(1u32..4),
        ),
        (
            0.0f64..0.5,
            0.0f64..0.4,
            0.0f64..0.2,
            0.0f64..0.5,
            0u32..10,
            proptest::option::of(1.0f64..10.0),
            0.0f64..0.5,
            proptest::option::of(0i64..2000),
        ),
        proptest::option::of(0i64..3000),
        0.0f64..2.0,
    )
        .prop_map(
            |(
                (generator, n, seeds, p_friend, p_ad, impressions, reach, k),
                (daily, fatigue, churn, weight, silent, repurchase, herd, referral_budget),
                schemes,
                elasticity,
            )| {
                // About a quarter of the cases switch every receiver-dependent factor off, which
                // takes the skip-ahead share path.
                let plain = herd < 0.12;
                Knobs {
                    generator,
                    n,
                    seeds,
                    p_friend,
                    p_ad,
                    impressions,
                    reach: if plain { 1.0 } else { reach },
                    k: if plain { None } else { k },
                    p_share: 0.6,
                    daily,
                    fatigue: if plain { 0.0 } else { fatigue },
                    churn: if plain { 0.0 } else { churn },
                    weight: if plain { 0.0 } else { weight },
                    silent,
                    repurchase,
                    herd: if plain { 0.0 } else { herd },
                    referral_budget,
                    schemes,
                    elasticity,
                }
            },
        )
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    #[test]
    fn invariants_hold_under_random_scenarios(knobs in knobs(), replicate in 0u64..1000) {
        let setup = knobs.setup();
        let mut check = Invariants::default();
        let out = setup.run_with(replicate, &mut check).unwrap();
        prop_assert_eq!(check.days_seen, 41);
        prop_assert_eq!(out.rows.len(), 41);
    }
}

/// No ads, no seeds: nothing ever happens, and nothing is spent.
#[test]
fn an_empty_market_stays_empty() {
    let out = Knobs {
        churn: 0.1,
        ..Knobs::quiet(30, 0)
    }
    .setup()
    .run(0)
    .unwrap();
    assert!(
        out.rows
            .iter()
            .all(|r| r.customers == 0 && r.ledger == Ledger::default())
    );
}

/// `p_share = 0` means no word of mouth: only the seeds ever buy.
#[test]
fn zero_share_probability_means_no_spread() {
    let setup = Knobs {
        generator: 1,
        p_friend: 1.0,
        p_share: 0.0,
        ..Knobs::quiet(50, 5)
    }
    .setup();
    for r in 0..20 {
        assert_eq!(setup.run(r).unwrap().summary.get("customers"), Some(5.0));
    }
}

/// Per-segment customers add up to all customers, and conversion is customers over members.
#[test]
fn segment_metrics_partition_the_customers() {
    let text = Knobs {
        p_ad: 0.3,
        impressions: 20,
        ..Knobs::quiet(60, 3)
    }
    .text()
    .replace(
        "[product]",
        "[[population.segments]]\nname = \"a\"\nshare = 0.3\np_share = 1.0\n\
         [[population.segments]]\nname = \"b-2\"\nshare = 0.7\n[product]",
    );
    let setup =
        Setup::new(LoadedScenario::from_text(&text, std::path::Path::new("s.toml"), &[]).unwrap())
            .unwrap();
    for r in 0..10 {
        let out = setup.run(r).unwrap();
        let (a, b) = (
            out.summary.get("customers_seg_a").unwrap(),
            out.summary.get("customers_seg_b-2").unwrap(),
        );
        assert_eq!(a + b, out.summary.get("customers").unwrap());
        let conv = out.summary.get("conversion_seg_a").unwrap();
        assert!(
            conv > 0.0 && (conv * (a / conv).round() - a).abs() < 1e-9,
            "a = {a}, conversion {conv}"
        );
    }
}

/// Two contribution tiers (the second with early access to flash sales through the sale's
/// `early_access_tier = 1`).
fn contribution_tiers() -> &'static str {
    "[[contribution.tiers]]\nname = \"active\"\nthreshold = 5.0\ndiscount_pct = 4.0\nchurn_protect = 0.01\n\
     [[contribution.tiers]]\nname = \"core\"\nthreshold = 12.0\ndiscount_pct = 8.0\nshare_multiplier = 1.3\n"
}

/// The random scenarios with every scheme on do exercise the schemes (so the invariants above
/// are not checked on empty ledgers).
#[test]
fn the_scheme_scenarios_exercise_every_scheme() {
    let knobs = Knobs {
        p_ad: 0.3,
        impressions: 20,
        schemes: Some(1_000_001), // odd and not a multiple of 3: group buy and points on
        churn: 0.02,              // someone to warn of and to win back
        ..Knobs::quiet(60, 3)
    };
    let setup = knobs.setup();
    let mut total = [0i64; Scheme::ALL.len()];
    let mut teams = 0.0;
    let mut seen = std::collections::BTreeMap::new();
    for r in 0..20 {
        let out = setup.run(r).unwrap();
        for row in &out.rows {
            for (t, c) in total.iter_mut().zip(row.ledger.scheme_cents) {
                *t += c;
            }
        }
        teams += out.summary.get("teams_filled").unwrap();
        for kpi in [
            "tier_downgrades",
            "tier_orders",
            "touch_cents",
            "win_backs",
            "churn_offers_taken",
            "presale_orders",
            "matrix_orders_onboarding",
            "matrix_orders_incubation",
            "matrix_orders_high_value",
            "threshold_adoptions",
            "reviews_positive",
            "reviews_negative",
            "reviews_featured",
            "customers_review",
            "bad_experiences",
            "negative_heard",
            "disputes",
        ] {
            *seen.entry(kpi).or_insert(0.0) += out.summary.get(kpi).unwrap();
        }
    }
    for (kpi, total) in seen {
        assert!(total > 0.0, "{kpi} never happened");
    }
    for s in Scheme::ALL {
        // Referral has its own knob; bargaining replaces group buy (below).
        if s != Scheme::Referral && s != Scheme::Bargain {
            assert!(total[s as usize] > 0, "{} never spent", s.name());
        }
    }
    assert!(teams > 0.0);
    // With an even budget, bargaining stands in for group buy, and spends.
    let setup = Knobs {
        schemes: Some(1_000_000),
        ..knobs
    }
    .setup();
    let (mut bargain, mut completed) = (0i64, 0.0);
    for r in 0..20 {
        let out = setup.run(r).unwrap();
        bargain += out
            .rows
            .iter()
            .map(|row| row.ledger.scheme_cents[Scheme::Bargain as usize])
            .sum::<i64>();
        completed += out.summary.get("bargains_completed").unwrap();
    }
    assert!(bargain > 0 && completed > 0.0, "bargaining never completed");
}

/// Every KPI a replicate reports is declared in the metric catalog, in the catalog's order, and
/// every declared KPI is reported by a scenario with every scheme and two segments.
#[test]
fn every_kpi_is_declared_once_in_catalog_order() {
    use fission::metrics::catalog::{self, KPIS};
    let knobs = Knobs {
        p_ad: 0.3,
        impressions: 20,
        schemes: Some(1_000_001), // odd and not a multiple of 3: group buy and points on
        referral_budget: Some(1_000_000),
        ..Knobs::quiet(60, 3)
    };
    let text = format!(
        "{}[[population.segments]]\nname = \"a\"\nshare = 0.5\n[[population.segments]]\nname = \"b\"\nshare = 0.5\n",
        knobs.text()
    );
    let loaded = LoadedScenario::from_text(&text, std::path::Path::new("p.toml"), &[]).unwrap();
    let out = Setup::new(loaded).unwrap().run(0).unwrap();
    // Entries in order of first appearance (a family's members may interleave with the next
    // family's, as the 7- and 30-day retention of each channel do).
    let mut seen: Vec<&'static str> = Vec::new();
    for (name, _) in &out.summary.values {
        let k = catalog::kpi(name).unwrap_or_else(|| panic!("`{name}` is not in the catalog"));
        if !seen.contains(&k.name) {
            seen.push(k.name);
        }
    }
    let declared: Vec<&str> = KPIS.iter().map(|k| k.name).collect();
    assert_eq!(seen, declared);
}

/// Collects the fast-path violations of every day.
#[derive(Default)]
struct FastPaths(Vec<String>);

impl Observer for FastPaths {
    fn observe(&mut self, rep: &Replicate<'_>, _: &DayRow) {
        self.0.extend(rep.fast_path_violations());
    }
}

/// The skip-ahead share path and the quick purchase rejection agree with the general rules
/// with each receiver-dependent factor and each discount switched on alone (a mechanism whose
/// `discount_bound` or `receiver_dependent` declaration misses what it does fails here), and
/// switching the quick rejection off changes no output.
#[test]
fn fast_paths_hold_with_each_factor_alone() {
    let base = "name = \"fast\"\ndays = 15\n[graph]\nstrong_share = 0.3\n[graph.erdos_renyi]\nn = 300\nmean_degree = 6.0\n\
        [seeding]\ncount = 5\n[product]\nlist_price_cents = 1000\n[behaviour]\nprice_elasticity = 1.5\n\
        [behaviour.p_buy]\nfriend = 0.2\nad = 0.05\ngroup = 0.1\ncoupon = 0.2\nteam = 0.3\n\
        [share]\np_share = 0.9\n[referral]\ninviter_reward_cents = 50\ninvitee_discount_cents = 300\n";
    let mut cases: Vec<String> = [
        "",
        "[[coupon]]\ntarget = \"all\"\nvalue_cents = 200\nevery_days = 3\n",
        "[group_buy]\nteam_size = 2\ndiscount_pct = 30.0\n",
        "[points]\nper_cent = 0.1\nredeem_cents_per_point = 1.0\nredeem_min_points = 1.0\n[[points.tiers]]\nname = \"vip\"\nthreshold = 50.0\ndiscount_pct = 10.0\n",
        "[fatigue]\nper_message = 0.1\n",
        "[churn]\nbase = 0.05\n",
    ]
    .iter()
    .map(|extra| format!("{base}{extra}"))
    .collect();
    cases.push(base.replace(
        "price_elasticity = 1.5\n",
        "price_elasticity = 1.5\ntie_strong = 2.0\n",
    ));
    for text in cases {
        let loaded = LoadedScenario::from_text(&text, std::path::Path::new("f.toml"), &[]).unwrap();
        let setup = Setup::new(loaded).unwrap();
        for r in 0..3 {
            let mut check = FastPaths::default();
            let fast = setup.run_with(r, &mut check).unwrap();
            let first: Vec<&String> = check.0.iter().take(3).collect();
            assert!(check.0.is_empty(), "{text}: {first:?}");
            let mut general = GeneralPaths {
                quick_rejection: false,
                skip_ahead: true,
            };
            let slow = setup.run_with(r, &mut general).unwrap();
            assert!(
                fast.rows == slow.rows,
                "{text}: the quick purchase rejection changed the outputs"
            );
        }
    }
}

/// Runs a replicate with fast paths switched off.
struct GeneralPaths {
    quick_rejection: bool,
    skip_ahead: bool,
}

impl Observer for GeneralPaths {
    fn start(&mut self, rep: &mut Replicate<'_>) {
        if !self.quick_rejection {
            rep.without_quick_rejection();
        }
        if !self.skip_ahead {
            rep.without_skip_ahead();
        }
    }

    fn observe(&mut self, _: &Replicate<'_>, _: &DayRow) {}
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

    /// The quick purchase rejection (derived from every mechanism's discount bound) changes
    /// nothing: random scenarios, every mechanism among them, give identical daily rows and
    /// KPIs with it on and off.
    #[test]
    fn quick_rejection_changes_no_output(knobs in knobs(), replicate in 0u64..1000) {
        let setup = knobs.setup();
        let fast = setup.run(replicate).unwrap();
        let mut general = GeneralPaths { quick_rejection: false, skip_ahead: true };
        let slow = setup.run_with(replicate, &mut general).unwrap();
        prop_assert_eq!(fast.rows, slow.rows);
        prop_assert_eq!(fast.summary.values, slow.summary.values);
    }
}

/// The skip-ahead share path (on when no mechanism declares itself receiver-dependent) and the
/// general one draw differently but agree in distribution: over 300 replicates of a plain market
/// with a referral discount whose budget runs out (so the bound-and-accept step matters), mean
/// final customers and mean referral spend differ by less than 4 standard errors.
#[test]
fn skip_ahead_matches_the_general_share_path_in_distribution() {
    let knobs = Knobs {
        p_friend: 0.12,
        elasticity: 1.0,
        referral_budget: Some(1500),
        ..Knobs::quiet(150, 3)
    };
    let setup = knobs.setup();
    let reps = 300u64;
    let (mut fast, mut slow) = (Vec::new(), Vec::new());
    for r in 0..reps {
        let metrics = |out: fission::metrics::RunOutput| {
            let get = |k: &str| out.summary.get(k).unwrap();
            (get("customers"), get("scheme_referral_cents"))
        };
        fast.push(metrics(setup.run(r).unwrap()));
        let mut general = GeneralPaths {
            quick_rejection: true,
            skip_ahead: false,
        };
        slow.push(metrics(setup.run_with(r, &mut general).unwrap()));
    }
    assert!(
        fast.iter().zip(&slow).any(|(a, b)| a != b),
        "the two share paths drew identically: the skip-ahead path was not taken"
    );
    let n = reps as f64;
    let moments = |v: &[f64]| {
        let mean = v.iter().sum::<f64>() / n;
        let var = v.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / (n - 1.0);
        (mean, var)
    };
    for (name, pick) in [
        (
            "customers",
            (|m: &(f64, f64)| m.0) as fn(&(f64, f64)) -> f64,
        ),
        ("scheme_referral_cents", |m| m.1),
    ] {
        let a: Vec<f64> = fast.iter().map(pick).collect();
        let b: Vec<f64> = slow.iter().map(pick).collect();
        let ((ma, va), (mb, vb)) = (moments(&a), moments(&b));
        let z = (ma - mb) / ((va + vb) / n).sqrt();
        assert!(
            z.abs() < 4.0,
            "{name}: skip-ahead mean {ma:.2} vs general {mb:.2} (z = {z:.2})"
        );
    }
}
