//! The read-only checks: every read operation on the account's own objects (up to the
//! object cap), then the documented error cases that change nothing.

use reqwest::Method;
use serde_json::{json, Value};

use super::http::Call;
use super::{Probe, Runner};

/// Networks whose profiles have placements (list_profile_placements answers 422 for others).
const PLACEMENT_NETWORKS: [&str; 5] = [
    "facebook",
    "linkedin",
    "pinterest",
    "telegram",
    "google_business",
];
/// Networks whose stats are kept per placement: get_profile_stats needs `placement_id`.
const PER_PLACEMENT_STATS: [&str; 3] = ["facebook", "linkedin", "telegram"];
/// A key no account has.
const UNKNOWN_KEY: &str = "pp_postproxy_mock_verify_unknown_key";
/// Ids no account has.
const UNKNOWN_PROFILE: &str = "prof_postproxy_mock_verify_missing";
const UNKNOWN_GROUP: &str = "grp_postproxy_mock_verify_missing";
/// The redirect_url verify sends to initialize_connection.
pub(crate) const REDIRECT_URL: &str = "https://example.com/postproxy-mock-verify";

/// A profile as the walk needs it.
pub(crate) struct Profile {
    id: String,
    platform: String,
}

/// What the walk found, for the error cases to use.
#[derive(Default)]
pub(crate) struct Found {
    groups: Vec<String>,
    /// A profile whose stats need `placement_id`.
    per_placement: Option<String>,
}

impl Runner {
    /// Walks the groups (from the first check's body) and the profiles, at most `max` of
    /// each: get each group, list the profiles (all, then per group), get each profile, its
    /// placements (placement networks), and its stats (with a placement where one is needed).
    pub(crate) async fn read_only(&mut self, groups_body: Option<Value>, max: usize) -> Found {
        let groups = ids(groups_body.as_ref(), max);
        for group in &groups {
            let call = get(["api", "profile_groups", group], &[]);
            self.check(Probe::new(
                format!("get group {group}"),
                "get_profile_group",
                call,
                200,
            ))
            .await;
        }
        let call = get(["api", "profiles"], &[]);
        let listed = self
            .check(Probe::new(
                "list profiles".into(),
                "list_profiles",
                call,
                200,
            ))
            .await;
        for group in &groups {
            let call = get(["api", "profiles"], &[("profile_group_id", group)]);
            let name = format!("list profiles of group {group}");
            self.check(Probe::new(name, "list_profiles", call, 200))
                .await;
        }
        let mut per_placement = None;
        for profile in profiles(listed.as_ref(), max) {
            self.profile(&profile).await;
            if per_placement.is_none() && PER_PLACEMENT_STATS.contains(&profile.platform.as_str()) {
                per_placement = Some(profile.id.clone());
            }
        }
        Found {
            groups,
            per_placement,
        }
    }

    /// The checks of one profile: get it, its placements, its stats.
    async fn profile(&mut self, profile: &Profile) {
        let id = profile.id.as_str();
        let call = get(["api", "profiles", id], &[]);
        self.check(Probe::new(
            format!("get profile {id}"),
            "get_profile",
            call,
            200,
        ))
        .await;
        let mut placement = None;
        if PLACEMENT_NETWORKS.contains(&profile.platform.as_str()) {
            let call = get(["api", "profiles", id, "placements"], &[]);
            let name = format!("placements of {id} ({})", profile.platform);
            let body = self
                .check(Probe::new(name, "list_profile_placements", call, 200))
                .await;
            // The first placement with an id (the LinkedIn personal profile has none).
            placement = body
                .as_ref()
                .and_then(|b| b.get("data"))
                .and_then(Value::as_array)
                .and_then(|list| {
                    list.iter()
                        .find_map(|p| p.get("id")?.as_str().map(str::to_string))
                });
        }
        let stats = ["api", "profiles", id, "stats"];
        if !PER_PLACEMENT_STATS.contains(&profile.platform.as_str()) {
            let name = format!("stats of {id} ({})", profile.platform);
            self.check(Probe::new(name, "get_profile_stats", get(stats, &[]), 200))
                .await;
        } else if let Some(placement) = placement {
            let call = get(stats, &[("placement_id", &placement)]);
            let name = format!("stats of {id}, placement {placement}");
            self.check(Probe::new(name, "get_profile_stats", call, 200))
                .await;
        } else {
            let name = format!("stats of {id} ({})", profile.platform);
            let probe = Probe::new(name, "get_profile_stats", get(stats, &[]), 200);
            self.skip(probe, "no placement with an id to ask for".into());
        }
    }

    /// The documented error cases that change nothing: an unknown key (401), unknown ids
    /// (404), stats without `placement_id` on a placement network (400), and
    /// initialize_connection without `platform` (422).
    pub(crate) async fn error_cases(&mut self, found: &Found) {
        let mut call = get(["api", "profile_groups"], &[]);
        call.key = Some(UNKNOWN_KEY.into());
        let name = "an unknown key".to_string();
        self.check(Probe::new(name, "list_profile_groups", call, 401))
            .await;

        let call = get(["api", "profiles", UNKNOWN_PROFILE], &[]);
        let name = "an unknown profile id".to_string();
        self.check(Probe::new(name, "get_profile", call, 404)).await;

        let call = get(["api", "profile_groups", UNKNOWN_GROUP], &[]);
        let name = "an unknown group id".to_string();
        self.check(Probe::new(name, "get_profile_group", call, 404))
            .await;

        let stats_probe = |id: &str| {
            let call = get(["api", "profiles", id, "stats"], &[]);
            let name = format!("stats of {id} without placement_id");
            Probe::new(name, "get_profile_stats", call, 400)
        };
        match &found.per_placement {
            Some(id) => {
                self.check(stats_probe(id)).await;
            }
            None => self.skip(
                stats_probe("{id}"),
                "no facebook, linkedin or telegram profile".into(),
            ),
        }

        let connect_probe = |group: &str| {
            let body = json!({ "redirect_url": REDIRECT_URL });
            let call = post(
                ["api", "profile_groups", group, "initialize_connection"],
                body,
            );
            let name = format!("initialize_connection on {group} without platform");
            Probe::new(name, "initialize_connection", call, 422)
        };
        match found.groups.first() {
            Some(group) => {
                self.check(connect_probe(group)).await;
            }
            None => self.skip(connect_probe("{id}"), "no profile group".into()),
        }
    }
}

/// The `id`s of a list body's `data`, at most `max`.
pub(crate) fn ids(body: Option<&Value>, max: usize) -> Vec<String> {
    list(body)
        .filter_map(|item| item.get("id")?.as_str().map(str::to_string))
        .take(max)
        .collect()
}

fn profiles(body: Option<&Value>, max: usize) -> Vec<Profile> {
    list(body)
        .filter_map(|item| {
            Some(Profile {
                id: item.get("id")?.as_str()?.to_string(),
                platform: item.get("platform")?.as_str()?.to_string(),
            })
        })
        .take(max)
        .collect()
}

fn list(body: Option<&Value>) -> impl Iterator<Item = &Value> {
    body.and_then(|b| b.get("data"))
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
}

/// A GET of the path `segments` with `query`.
pub(crate) fn get<const N: usize>(segments: [&str; N], query: &[(&str, &str)]) -> Call {
    Call {
        method: Method::GET,
        segments: segments.iter().map(|s| s.to_string()).collect(),
        query: query
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect(),
        body: None,
        key: None,
    }
}

/// A POST of `body` to the path `segments`.
pub(crate) fn post<const N: usize>(segments: [&str; N], body: Value) -> Call {
    Call {
        method: Method::POST,
        body: Some(body),
        ..get(segments, &[])
    }
}

/// A DELETE of the path `segments`.
pub(crate) fn delete<const N: usize>(segments: [&str; N]) -> Call {
    Call {
        method: Method::DELETE,
        ..get(segments, &[])
    }
}
