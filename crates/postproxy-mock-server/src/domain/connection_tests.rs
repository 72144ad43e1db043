//! Unit tests of initialize_connection's two flows on one account (the demo data): OAuth
//! invitations, and bluesky and telegram connected at once with credentials.

use postproxy_models::{InitializeConnectionRequest, Placement, Platform, ProfileStatus};

use super::*;
use crate::domain::clock::Clock;

fn demo() -> Account {
    crate::domain::tests::demo_account(Clock::real())
}

use crate::domain::tests::full;

fn bluesky(identifier: Option<&str>, app_password: Option<&str>) -> InitializeConnectionRequest {
    InitializeConnectionRequest {
        platform: Some("bluesky".into()),
        identifier: identifier.map(Into::into),
        app_password: app_password.map(Into::into),
        ..Default::default()
    }
}

fn telegram(bot_token: Option<&str>) -> InitializeConnectionRequest {
    InitializeConnectionRequest {
        platform: Some("telegram".into()),
        bot_token: bot_token.map(Into::into),
        ..Default::default()
    }
}

fn connect(
    account: &mut Account,
    group: &str,
    body: &InitializeConnectionRequest,
) -> Result<Connected, DomainError> {
    let who = full(account);
    account.initialize_connection(&who, group, body, "inv_test".into())
}

#[track_caller]
fn connected(result: Result<Connected, DomainError>) -> CredentialProfile {
    match result {
        Ok(Connected::Profile(p)) => p,
        other => panic!("expected a profile connected at once, got {other:?}"),
    }
}

#[track_caller]
fn refused(result: Result<Connected, DomainError>) -> String {
    match result {
        Err(e) => e.to_string(),
        other => panic!("expected a refusal, got {other:?}"),
    }
}

#[test]
fn bluesky_is_connected_at_once_and_named_by_its_handle() {
    let mut account = demo();
    let before = account.counts();
    // grp456xyz has no bluesky profile.
    let body = bluesky(Some("@Jane.bsky.social"), Some("xxxx-xxxx-xxxx-xxxx"));
    let got = connected(connect(&mut account, "grp456xyz", &body));
    assert_eq!(got.external_username.as_deref(), Some("jane.bsky.social"));
    assert_eq!(got.next_step, None);
    let p = &got.profile;
    assert!(p.id.starts_with("prof_"), "{}", p.id);
    assert_eq!(
        (
            p.name.as_str(),
            p.platform,
            p.status,
            p.profile_group_id.as_str()
        ),
        (
            "jane.bsky.social",
            Platform::Bluesky,
            ProfileStatus::Active,
            "grp456xyz"
        )
    );
    assert_eq!((p.expires_at.as_deref(), p.post_count), (None, 0));
    assert_eq!(account.counts(), (before.0, before.1 + 1));
    assert_eq!(account.pending_connections(), 0, "no invitation is made");
    let who = full(&account);
    assert_eq!(
        account
            .get_profile(&who, &p.id, None)
            .unwrap()
            .detail()
            .name,
        p.name
    );
}

#[test]
fn telegram_starts_with_no_placements_until_its_channels_are_added() {
    let mut account = demo();
    let got = connected(connect(
        &mut account,
        "grp789ghi",
        &telegram(Some(" 123456789:ABCdef-GhIJ ")),
    ));
    assert_eq!(got.profile.name, "Mock Telegram bot 123456789");
    assert_eq!(got.external_username.as_deref(), Some("mock_123456789_bot"));
    assert_eq!(got.next_step, Some("Add bot as admin to channels"));
    let who = full(&account);
    let id = got.profile.id;
    assert_eq!(account.placements(&who, &id, None).unwrap(), []);
    let channel = Placement {
        id: Some("-1001234567890".into()),
        name: "My Channel".into(),
        avatar_url: None,
        metadata: Default::default(),
    };
    account.inject_placement(&id, channel.clone()).unwrap();
    assert_eq!(account.placements(&who, &id, None).unwrap(), [channel]);
}

#[test]
fn credentials_reconnect_an_expired_or_inactive_profile_and_refuse_an_active_one() {
    let mut account = demo();
    // grp789ghi's bluesky profile prof_bs_002 is inactive: reconnected, renamed.
    let body = bluesky(Some("jane@example.com"), Some("pw"));
    let got = connected(connect(&mut account, "grp789ghi", &body));
    assert_eq!(got.profile.id, "prof_bs_002");
    assert_eq!(got.profile.status, ProfileStatus::Active);
    assert_eq!(got.profile.name, "jane.bsky.social");
    let count = account.counts();
    // Now active: a second connection is refused, and changes nothing.
    assert_eq!(
        refused(connect(&mut account, "grp789ghi", &body)),
        "Platform already connected"
    );
    // grp123abc's prof_bs_001 is active from the start; refresh_connection reconnects it.
    assert_eq!(
        refused(connect(&mut account, "grp123abc", &body)),
        "Platform already connected"
    );
    let refresh = InitializeConnectionRequest {
        refresh_connection: Some(true),
        ..bluesky(Some("brand.example.com"), Some("pw"))
    };
    let again = connected(connect(&mut account, "grp123abc", &refresh));
    assert_eq!(
        (again.profile.id.as_str(), again.profile.name.as_str()),
        ("prof_bs_001", "brand.example.com")
    );
    assert_eq!(account.counts(), count);
}

#[test]
fn missing_and_malformed_credentials_are_named_before_anything_else() {
    let mut account = demo();
    let before = account.to_fixture();
    // grp123abc has an active bluesky profile: the fields are checked first.
    for (body, message) in [
        (bluesky(None, Some("pw")), "Missing identifier"),
        (bluesky(Some("  "), Some("pw")), "Missing identifier"),
        (
            bluesky(Some("jane.bsky.social"), None),
            "Missing app_password",
        ),
        (
            bluesky(Some("jane.bsky.social"), Some(" ")),
            "Missing app_password",
        ),
        (bluesky(None, None), "Missing identifier"),
        (
            bluesky(Some("jane"), Some("pw")),
            "Invalid identifier: expected a Bluesky handle (name.bsky.social) or the account's \
             email",
        ),
    ] {
        assert_eq!(refused(connect(&mut account, "grp123abc", &body)), message);
    }
    for (body, message) in [
        (telegram(None), "Missing bot_token"),
        (telegram(Some("")), "Missing bot_token"),
        (
            telegram(Some("not-a-token")),
            "Invalid bot_token: expected <bot id>:<secret>, as @BotFather gives it",
        ),
    ] {
        assert_eq!(refused(connect(&mut account, "grp456def", &body)), message);
    }
    // A redirect_url does not stand in for credentials.
    let with_redirect = InitializeConnectionRequest {
        redirect_url: Some("https://app.example/cb".into()),
        ..telegram(None)
    };
    assert_eq!(
        refused(connect(&mut account, "grp789ghi", &with_redirect)),
        "Missing bot_token"
    );
    assert_eq!(account.to_fixture(), before, "nothing changed");
}

#[test]
fn redirect_url_is_ignored_with_credentials_and_required_for_oauth() {
    let mut account = demo();
    let with_redirect = InitializeConnectionRequest {
        redirect_url: Some("https://app.example/cb".into()),
        ..telegram(Some("42:abc"))
    };
    connected(connect(&mut account, "grp789ghi", &with_redirect));

    // OAuth platforms: unchanged, and credential fields do not replace redirect_url.
    let oauth = InitializeConnectionRequest {
        platform: Some("tiktok".into()),
        bot_token: Some("42:abc".into()),
        identifier: Some("jane.bsky.social".into()),
        ..Default::default()
    };
    assert_eq!(
        refused(connect(&mut account, "grp789ghi", &oauth)),
        "Missing redirect_url"
    );
    let oauth = InitializeConnectionRequest {
        redirect_url: Some("https://app.example/cb".into()),
        ..oauth
    };
    match connect(&mut account, "grp789ghi", &oauth) {
        Ok(Connected::Invitation(c)) => {
            assert_eq!(
                (c.platform, c.token.as_str()),
                (Platform::Tiktok, "inv_test")
            )
        }
        other => panic!("expected an invitation, got {other:?}"),
    }
    assert_eq!(account.pending_connections(), 1);
}

#[test]
fn platforms_connected_neither_way_are_unsupported() {
    let mut account = demo();
    for platform in ["pinterest", "google_business", "myspace"] {
        let body = InitializeConnectionRequest {
            platform: Some(platform.into()),
            redirect_url: Some("https://app.example/cb".into()),
            bot_token: Some("42:abc".into()),
            ..Default::default()
        };
        assert_eq!(
            refused(connect(&mut account, "grp789ghi", &body)),
            format!(
                "Unsupported platform: {platform}. Supported platforms: facebook, instagram, \
                 tiktok, linkedin, youtube, twitter, threads, bluesky, telegram"
            )
        );
    }
}

#[test]
fn the_group_is_checked_before_the_platform() {
    let mut account = demo();
    let scoped = account.api_keys()[1].principal.clone();
    let body = telegram(Some("42:abc"));
    // The scoped key's group is grp456def: another group is not found, whatever the body.
    let refused = account.initialize_connection(&scoped, "grp789ghi", &body, "inv_x".into());
    assert_eq!(refused.unwrap_err(), DomainError::NotFound);
    let nothing =
        account.initialize_connection(&scoped, "grp_nope", &bluesky(None, None), "x".into());
    assert_eq!(nothing.unwrap_err(), DomainError::NotFound);
}
