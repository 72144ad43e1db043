//! Unit tests of the store: accounts, keys, tokens, resets.

use super::*;
use crate::domain::connections::{Connected, CONNECTION_TTL};
use crate::domain::error::DomainError;
use crate::domain::fixtures::{ApiKeyFixture, GroupFixture, DEMO_FULL_ACCESS_KEY};

fn small(id: Option<&str>, key: Option<&str>) -> AccountFixture {
    AccountFixture {
        id: id.map(Into::into),
        api_keys: vec![ApiKeyFixture {
            key: key.map(Into::into),
            profile_group_id: None,
            description: None,
        }],
        profile_groups: vec![GroupFixture {
            id: "grp123abc".into(),
            name: "Same id as the demo's".into(),
            profiles: Vec::new(),
        }],
        ..Default::default()
    }
}

#[test]
fn accounts_are_isolated_even_with_the_same_ids() {
    let mut store = Store::new(&Fixtures::demo(), 0);
    let created = store
        .create_account(small(None, None), Clock::real())
        .unwrap();
    let (id, key) = (created.id().to_string(), created.api_keys()[0].key.clone());
    assert!(id.starts_with("acct_") && key.starts_with("pp_test_"));
    let who = store.authenticate(Some(&key)).unwrap();
    assert_eq!(who.account_id, id);
    let groups = store.account(&id).unwrap().list_groups(&who);
    assert_eq!(groups.len(), 1);
    assert_eq!(groups[0].name, "Same id as the demo's");
    let demo = store.authenticate(Some(DEMO_FULL_ACCESS_KEY)).unwrap();
    let demo_groups = store.account("acct_demo").unwrap().list_groups(&demo);
    assert_eq!(demo_groups[1].name, "Main Brand");
}

#[test]
fn refused_changes_change_nothing() {
    let mut store = Store::new(&Fixtures::demo(), 0);
    let before = store.api_keys();
    let taken = store.create_account(small(None, Some(DEMO_FULL_ACCESS_KEY)), Clock::real());
    assert!(matches!(taken, Err(DomainError::Exists(_))));
    let dup = store.create_account(small(Some("acct_demo"), None), Clock::real());
    assert!(matches!(dup, Err(DomainError::Exists(_))));
    let mut bad = small(None, None);
    bad.profile_groups[0].name = " ".into();
    let invalid = store.import("acct_demo", bad);
    assert!(matches!(invalid, Err(DomainError::InvalidFixture(_))));
    assert_eq!(store.api_keys(), before);
    assert_eq!(store.accounts().len(), 1);
    assert_eq!(store.account("acct_demo").unwrap().counts(), (4, 15));
}

#[test]
fn generated_ids_and_keys_follow_the_seed() {
    let first_key = |store: &mut Store| {
        store
            .create_account(small(None, None), Clock::real())
            .unwrap()
            .api_keys()[0]
            .key
            .clone()
    };
    let mut a = Store::new(&Fixtures::demo(), 9);
    let mut b = Store::new(&Fixtures::demo(), 9);
    assert_eq!(first_key(&mut a), first_key(&mut b));
}

/// The token of an invitation.
#[track_caller]
fn token(connected: Connected) -> String {
    connected.invitation().expect("an invitation").token
}

#[test]
fn a_refused_invitation_leaves_no_token() {
    let mut store = Store::new(&Fixtures::demo(), 0);
    let who = store.authenticate(Some(DEMO_FULL_ACCESS_KEY)).unwrap();
    let request = |platform: &str| InitializeConnectionRequest {
        platform: Some(platform.into()),
        redirect_url: Some("https://app.example/cb".into()),
        ..Default::default()
    };
    let refused = store.initialize_connection(&who, "grp789ghi", &request("myspace"));
    assert_eq!(refused.unwrap_err(), DomainError::rejected("Unsupported platform: myspace. Supported platforms: facebook, instagram, tiktok, linkedin, youtube, twitter, threads, bluesky, telegram"));
    let missing = store.initialize_connection(&who, "grp_nope", &request("youtube"));
    assert_eq!(missing.unwrap_err(), DomainError::NotFound);
    assert!(store.tokens.is_empty(), "{:?}", store.tokens);
    let made = store
        .initialize_connection(&who, "grp789ghi", &request("youtube"))
        .unwrap();
    assert_eq!(store.account_of_token(&token(made)), Some("acct_demo"));
    assert_eq!(store.tokens.len(), 1);
}

#[test]
fn a_credential_connection_leaves_no_token() {
    let mut store = Store::new(&Fixtures::demo(), 0);
    let who = store.authenticate(Some(DEMO_FULL_ACCESS_KEY)).unwrap();
    let telegram = InitializeConnectionRequest {
        platform: Some("telegram".into()),
        bot_token: Some("123456789:ABCdef".into()),
        ..Default::default()
    };
    let connected = store
        .initialize_connection(&who, "grp789ghi", &telegram)
        .unwrap();
    assert!(matches!(connected, Connected::Profile(_)), "{connected:?}");
    let refused = store.initialize_connection(&who, "grp789ghi", &telegram);
    assert_eq!(refused.unwrap_err(), DomainError::AlreadyConnected);
    assert!(store.tokens.is_empty(), "{:?}", store.tokens);
}

/// The demo store and its full-access key's holder.
fn demo_store() -> (Store, Arc<Principal>) {
    let store = Store::new(&Fixtures::demo(), 0);
    let who = store.authenticate(Some(DEMO_FULL_ACCESS_KEY)).unwrap();
    (store, who)
}

/// An OAuth invitation of `who` into `group`, its token known to the server.
fn invite(store: &mut Store, who: &Principal, group: &str, platform: &str) -> String {
    let request = InitializeConnectionRequest {
        platform: Some(platform.into()),
        redirect_url: Some("https://app.example/cb".into()),
        refresh_connection: Some(true),
        ..Default::default()
    };
    let token = token(store.initialize_connection(who, group, &request).unwrap());
    assert_eq!(store.account_of_token(&token), Some("acct_demo"));
    token
}

// Every way an invitation ends takes its token out of the server's index: authorize, deny,
// expiry (when pending connections are pruned), deleting its group, resetting or deleting its
// account. One test each.

#[test]
fn an_authorized_or_denied_invitation_leaves_no_token() {
    let (mut store, who) = demo_store();
    let used = invite(&mut store, &who, "grp789ghi", "youtube");
    let mut account = store.account_now("acct_demo").unwrap();
    assert!(account.authorize(&used).is_ok());
    assert!(matches!(
        account.authorize(&used),
        Err(DomainError::UnknownConnection)
    ));
    drop(account);
    assert_eq!(
        (store.token_count(), store.account_of_token(&used)),
        (0, None)
    );

    let denied = invite(&mut store, &who, "grp789ghi", "tiktok");
    assert!(store
        .account_now("acct_demo")
        .unwrap()
        .deny(&denied)
        .is_ok());
    assert_eq!(
        (store.token_count(), store.account_of_token(&denied)),
        (0, None)
    );
}

#[test]
fn an_expired_invitation_leaves_no_token_once_pruned() {
    let (mut store, who) = demo_store();
    // An expired invitation still answers as expired until the next initialize_connection
    // prunes it.
    let late = invite(&mut store, &who, "grp456def", "tiktok");
    let mut account = store.account_now("acct_demo").unwrap();
    account.clock.freeze();
    account
        .clock
        .advance(CONNECTION_TTL + time::Duration::seconds(1));
    assert!(matches!(
        account.deny(&late),
        Err(DomainError::ConnectionExpired)
    ));
    drop(account);
    assert_eq!(store.token_count(), 1);
    invite(&mut store, &who, "grp789ghi", "tiktok");
    assert_eq!(
        (store.token_count(), store.account_of_token(&late)),
        (1, None)
    );
}

#[test]
fn deleting_its_group_leaves_no_token() {
    let (mut store, who) = demo_store();
    let in_group = invite(&mut store, &who, "grp789ghi", "tiktok");
    store
        .account_now("acct_demo")
        .unwrap()
        .delete_group(&who, "grp789ghi")
        .unwrap();
    assert_eq!(
        (store.token_count(), store.account_of_token(&in_group)),
        (0, None)
    );
}

#[test]
fn resetting_or_deleting_its_account_leaves_no_token() {
    let (mut store, who) = demo_store();
    invite(&mut store, &who, "grp456def", "youtube");
    drop(store.account_now("acct_demo").unwrap());
    assert_eq!(
        store.token_count(),
        1,
        "only ending an invitation drops its token"
    );
    store.reset_account("acct_demo").unwrap();
    assert_eq!(store.token_count(), 0);

    invite(&mut store, &who, "grp456def", "youtube");
    store.delete_account("acct_demo").unwrap();
    assert_eq!(store.token_count(), 0);
}

#[test]
fn a_server_reset_is_a_fresh_start_ids_included() {
    let mut store = Store::new(&Fixtures::demo(), 3);
    let first = store
        .create_account(small(None, None), Clock::real())
        .unwrap()
        .id()
        .to_string();
    store
        .create_account(small(None, None), Clock::real())
        .unwrap();
    store.reset_all();
    assert_eq!(store.accounts().len(), 1);
    let again = store
        .create_account(small(None, None), Clock::real())
        .unwrap()
        .id()
        .to_string();
    assert_eq!(again, first, "the same ids as after a fresh start");
    assert!(store.authenticate(Some(DEMO_FULL_ACCESS_KEY)).is_ok());
}

#[test]
fn import_export_and_reset_round_trip() {
    let mut store = Store::new(&Fixtures::demo(), 0);
    let exported = store.account("acct_demo").unwrap().to_fixture();
    let mut demo = Fixtures::demo().accounts.remove(0);
    // Descriptions are notes for the reader of a file; the server does not keep them.
    demo.description = None;
    for key in &mut demo.api_keys {
        key.description = None;
    }
    // Snapshots are kept (and exported) in time order.
    for profile in demo.profile_groups.iter_mut().flat_map(|g| &mut g.profiles) {
        profile
            .stats
            .sort_by_key(|s| crate::domain::fixtures::parse_timestamp(&s.recorded_at));
    }
    assert!(exported == demo, "the export is the demo account");
    let mut smaller = exported.clone();
    smaller.profile_groups.truncate(1);
    smaller.api_keys.truncate(1); // the scoped key's group is gone
    store.import("acct_demo", smaller.clone()).unwrap();
    assert!(store.account("acct_demo").unwrap().to_fixture() == smaller);
    store.reset_account("acct_demo").unwrap();
    assert!(store.account("acct_demo").unwrap().to_fixture() == exported);
    store.delete_account("acct_demo").unwrap();
    assert!(store.authenticate(Some(DEMO_FULL_ACCESS_KEY)).is_err());
    store.reset_all();
    assert!(store.authenticate(Some(DEMO_FULL_ACCESS_KEY)).is_ok());
}

#[test]
fn a_fixture_clock_is_where_the_account_starts_and_is_reset_to() {
    use crate::domain::clock::parse_timestamp;
    use crate::domain::fixtures::ClockFixture;
    let mut store = Store::new(&Fixtures::demo(), 0);
    let mut fixture = small(Some("acct_timed"), None);
    fixture.clock = Some(ClockFixture {
        now: "2026-05-12T08:00:00Z".into(),
        frozen: true,
    });
    let at = parse_timestamp("2026-05-12T08:00:00Z").unwrap();
    let created = store.create_account(fixture, Clock::real()).unwrap();
    assert_eq!((created.clock.now(), created.clock.is_frozen()), (at, true));
    store
        .account_mut("acct_timed")
        .unwrap()
        .advance_clock(time::Duration::days(3));
    let reset = store.reset_account("acct_timed").unwrap();
    assert_eq!((reset.clock.now(), reset.clock.is_frozen()), (at, true));

    let mut bad = small(Some("acct_bad"), None);
    bad.clock = Some(ClockFixture {
        now: "yesterday".into(),
        frozen: false,
    });
    let refused = store.create_account(bad, Clock::real());
    assert!(matches!(refused, Err(DomainError::InvalidFixture(e)) if e.path == "clock.now"));
}
