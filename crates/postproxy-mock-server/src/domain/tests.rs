//! Unit tests of the account rules (one account, no server).

use postproxy_models::{ProfileStatus, StatsRecord};
use serde_json::{Map, Number, Value};
use time::Duration;

use super::account::Account;
use super::auth::Principal;
use super::clock::{parse_timestamp, Clock};
use super::connections::with_query;
use super::fixtures::SnapshotFixture;
use super::inject::ProfileChanges as ProfilePatch;
use super::polling;
use super::stats::{add, StatsQuery};
use super::tick::TickReport;
use crate::domain::fixtures::Fixtures;

/// The demo data's account on `clock` (shared by the domain's unit tests).
pub(super) fn demo_account(clock: Clock) -> Account {
    let fixtures = Fixtures::demo();
    let fixture = &fixtures.accounts[0];
    let keys: Vec<String> = fixture
        .api_keys
        .iter()
        .map(|k| k.key.clone().unwrap())
        .collect();
    Account::new("acct_demo".into(), fixture, &keys, 0, clock)
}

/// The demo account's full-access key holder.
pub(super) fn full(account: &Account) -> Principal {
    account.api_keys()[0].principal.clone()
}

#[test]
fn sums_integers_exactly_and_falls_back_to_floats() {
    assert_eq!(add(&4567.into(), &1200.into()), Number::from(5767));
    assert_eq!(add(&(-3).into(), &5.into()), Number::from(2));
    assert_eq!(add(&u64::MAX.into(), &0.into()), Number::from(u64::MAX));
    assert_eq!(
        add(&i64::MAX.into(), &i64::MAX.into()),
        Number::from(u64::MAX - 1)
    );
    let overflow = add(&u64::MAX.into(), &1.into());
    assert!(overflow.is_f64(), "{overflow}");
    let float = add(
        &Number::from_f64(0.5).unwrap(),
        &Number::from_f64(0.25).unwrap(),
    );
    assert_eq!(float.as_f64(), Some(0.75));
}

#[test]
fn polling_rounds_record_snapshots_once_and_expiry_follows_the_clock() {
    let start = parse_timestamp("2026-06-09T10:00:00Z").unwrap();
    let mut account = demo_account(Clock::frozen_at(start));
    let who = full(&account);
    let before = account
        .get_profile(&who, "prof_yt_001", None)
        .unwrap()
        .detail();
    assert_eq!(account.tick(), TickReport::default(), "no time has passed");

    account.clock.advance(Duration::hours(21));
    assert_eq!(
        account.tick(),
        TickReport::default(),
        "before the first round"
    );

    account.clock.advance(Duration::hours(2));
    let report = account.tick();
    // Active, polled profiles: one series each, but per placement for facebook, linkedin
    // and telegram (prof_li_001 2, prof_tg_001 2, prof_fb_001 2). prof_tt_001 expires
    // before the round; google_business is not polled.
    assert_eq!(report.snapshots_recorded, 13);
    assert_eq!(
        report.profiles_expired, 1,
        "prof_tt_001 expired 2026-06-10T08:00Z"
    );
    let after = account
        .get_profile(&who, "prof_yt_001", None)
        .unwrap()
        .detail();
    assert_eq!(after.latest_stats[0].recorded_at, "2026-06-10T09:00:00Z");
    let grew = |k: &str| {
        (
            before.latest_stats[0].stats.0[k].as_u64().unwrap(),
            after.latest_stats[0].stats.0[k].as_u64().unwrap(),
        )
    };
    let (old, new) = grew("subscriberCount");
    assert!(new >= old && new <= old + old / 50 + 2, "{old} → {new}");
    let tiktok = account
        .get_profile(&who, "prof_tt_001", None)
        .unwrap()
        .detail();
    assert_eq!(tiktok.status, ProfileStatus::Expired);

    // Back and forth: the same round is not recorded twice.
    account.clock.advance(Duration::hours(-5));
    assert_eq!(account.tick(), TickReport::default());
    account.clock.advance(Duration::hours(5));
    assert_eq!(account.tick(), TickReport::default());

    // Determinism: the same account and seed give the same snapshot.
    let mut twin = demo_account(Clock::frozen_at(start));
    twin.clock.advance(Duration::hours(23));
    twin.tick();
    assert_eq!(
        twin.get_profile(&who, "prof_yt_001", None)
            .unwrap()
            .detail(),
        after
    );
}

#[test]
fn status_follows_the_clock_from_the_start() {
    // After prof_tt_001's expires_at (2026-06-10T08:00Z), before prof_ig_001's (2026-07-01).
    let at = parse_timestamp("2026-06-20T00:00:00Z").unwrap();
    let mut account = demo_account(Clock::frozen_at(at));
    let who = full(&account);
    let status = |a: &Account, id: &str| a.get_profile(&who, id, None).unwrap().detail().status;
    assert_eq!(
        status(&account, "prof_tt_001"),
        ProfileStatus::Expired,
        "at load"
    );
    assert_eq!(status(&account, "prof_ig_001"), ProfileStatus::Active);
    account.clock.advance(Duration::hours(23));
    let report = account.tick();
    assert_eq!(
        report.profiles_expired, 0,
        "expired at load, not by the move"
    );
    assert_eq!(account.snapshot_count("prof_tt_001"), Some(3), "not polled");
    assert_eq!(account.snapshot_count("prof_yt_001"), Some(4));

    let mut fixture = Fixtures::demo().accounts[0].profile_groups[1].profiles[0].clone();
    fixture.id = "prof_old".into();
    fixture.expires_at = Some("2020-01-01T00:00:00Z".into());
    let injected = account.inject_profile("grp123abc", &fixture).unwrap();
    assert_eq!(injected.status, ProfileStatus::Expired, "at injection");
    let patch = ProfilePatch {
        status: Some(ProfileStatus::Active),
        ..Default::default()
    };
    let patched = account.patch_profile("prof_old", &patch).unwrap();
    assert_eq!(
        patched.status,
        ProfileStatus::Expired,
        "a patch cannot outrun the clock"
    );
    let renew = ProfilePatch {
        expires_at: Some(Some("2040-01-01T00:00:00Z".into())),
        ..patch
    };
    assert_eq!(
        account.patch_profile("prof_old", &renew).unwrap().status,
        ProfileStatus::Active
    );

    // Set back before prof_tt_001's expiry: the clock's expiry is undone, the data's not.
    account.set_clock(parse_timestamp("2026-06-01T00:00:00Z"), None);
    assert_eq!(status(&account, "prof_tt_001"), ProfileStatus::Active);
    assert_eq!(status(&account, "prof789def"), ProfileStatus::Expired);
    let report = account.set_clock(parse_timestamp("2026-06-11T00:00:00Z"), None);
    assert_eq!(report.profiles_expired, 1, "and forward again");
}

#[test]
fn polling_omits_keys_now_and_then_and_grows_them_back() {
    let start = parse_timestamp("2036-01-01T00:00:00Z").unwrap();
    let mut account = demo_account(Clock::frozen_at(start));
    let who = full(&account);
    account.clock.advance(Duration::hours(23 * 60));
    account.tick();
    let query = StatsQuery {
        from: Some("2036-01-01T00:00:00Z"),
        ..StatsQuery::default()
    };
    let stats = account.stats(&who, "prof_tw_x", &query);
    assert!(stats.is_err(), "no such profile");
    let records = account
        .stats(&who, "prof654jkl", &query)
        .unwrap()
        .model()
        .records;
    assert_eq!(records.len(), 60);
    let keys = |r: &StatsRecord| r.stats.0.keys().cloned().collect::<Vec<_>>();
    let all = keys(&records[0]).len().max(keys(&records[1]).len());
    let short = records.iter().filter(|r| r.stats.0.len() < all).count();
    assert!(
        short > 0 && short < 60,
        "{short} of 60 snapshots lack a key"
    );
    // A key that comes back has not restarted: it keeps growing from its last value.
    let series: Vec<u64> = records
        .iter()
        .filter_map(|r| r.stats.0.get("followers_count")?.as_u64())
        .collect();
    assert!(series.len() < 60, "followers_count came and went");
    assert!(series.windows(2).all(|w| w[0] <= w[1]), "{series:?}");
}

#[test]
fn a_long_jump_is_capped() {
    let start = parse_timestamp("2026-01-01T00:00:00Z").unwrap();
    let mut account = demo_account(Clock::frozen_at(start));
    account.clock.advance(Duration::days(3650));
    let who = full(&account);
    account.tick();
    let stats = account
        .stats(&who, "prof_yt_001", &StatsQuery::default())
        .unwrap()
        .model();
    assert_eq!(stats.records.len(), 3 + polling::MAX_ROUNDS as usize);
}

#[test]
fn the_index_follows_removals_and_additions() {
    let mut account = demo_account(Clock::real());
    let who = full(&account);
    account.delete_profile(&who, "prof123abc", None).unwrap();
    account.delete_group(&who, "grp123abc").unwrap();
    account.inject_group(Some("grp_new"), "New").unwrap();
    let mut fixture = Fixtures::demo().accounts[0].profile_groups[0].profiles[0].clone();
    fixture.id = "prof_added".into();
    account.inject_profile("grp_new", &fixture).unwrap();
    // Every remaining profile resolves to itself, and group counts are true counts.
    for p in account.list_profiles(&who, None).unwrap() {
        assert_eq!(
            account.get_profile(&who, &p.id, None).unwrap().detail().id,
            p.id
        );
    }
    for g in account.list_groups(&who) {
        let listed = account.list_profiles(&who, Some(&g.id)).unwrap();
        assert_eq!(listed.len() as i64, g.profiles_count, "{}", g.id);
        assert!(listed.iter().all(|p| p.profile_group_id == g.id));
    }
    assert!(account.get_profile(&who, "prof_yt_001", None).is_err());
    assert_eq!(account.counts(), (4, 10));
}

#[test]
fn stats_windows_of_an_unordered_series_are_ascending_and_inclusive() {
    let mut account = demo_account(Clock::real());
    let who = full(&account);
    // Hours 0..40 added out of order, hour 7 twice (the one added later comes later).
    for h in (0..40u32).map(|h| (h * 17) % 40).chain([7]) {
        let mut stats = Map::new();
        stats.insert("h".into(), Value::from(h));
        let snapshot = SnapshotFixture {
            placement_id: None,
            stats,
            recorded_at: format!("2026-01-0{}T{:02}:00:00Z", 1 + h / 24, h % 24),
            raw_stats: Default::default(),
        };
        account.inject_snapshot("prof_bs_002", &snapshot).unwrap();
    }
    let window = |from: Option<&str>, to: Option<&str>| -> Vec<u64> {
        let query = StatsQuery {
            from,
            to,
            ..StatsQuery::default()
        };
        let stats = account.stats(&who, "prof_bs_002", &query).unwrap().model();
        stats
            .records
            .iter()
            .filter_map(|r| r.stats.0.get("h")?.as_u64())
            .collect()
    };
    assert_eq!(
        window(Some("2026-01-01T05:00:00Z"), Some("2026-01-01T08:00:00Z")),
        [5, 6, 7, 7, 8]
    );
    assert_eq!(
        window(Some("2026-01-01T05:30:00Z"), Some("2026-01-01T06:30:00Z")),
        [6]
    );
    assert!(window(Some("2026-01-02T00:00:00Z"), Some("2026-01-01T00:00:00Z")).is_empty());
    assert_eq!(window(None, None).len(), 41);
    assert_eq!(
        window(Some("2026-01-02T15:00:00Z"), Some("2026-01-02T15:00:00Z")),
        [39]
    );
    // The fixture's own snapshot (2026-04-02) is still the newest.
    let latest = account
        .get_profile(&who, "prof_bs_002", None)
        .unwrap()
        .detail();
    assert_eq!(latest.latest_stats[0].recorded_at, "2026-04-02T10:15:00Z");
}

#[test]
fn redirects_keep_query_and_fragment() {
    assert_eq!(
        with_query("https://a.example/cb?x=1#top", &[("status", "success")]),
        "https://a.example/cb?x=1&status=success#top"
    );
    assert_eq!(
        with_query("https://a.example/cb", &[("error", "access denied")]),
        "https://a.example/cb?error=access+denied"
    );
}
