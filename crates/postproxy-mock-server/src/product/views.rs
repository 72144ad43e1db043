//! Borrowed views of the stored rows whose JSON is byte for byte that of the spec's models
//! (`ProfileList`, `ProfileDetail`, `PlacementList`, `ProfileStatsResponse`):
//! the handlers serialise them under the operation's lock ([`crate::http::rt::Prepared`])
//! instead of cloning the rows into models first. Each view lists its model's fields in the
//! model's order (typify sorts them by name), with the same types; the tests below serialise
//! views and models of every demo profile and compare the bytes, so a model that changes
//! shape fails them.

use postproxy_models::{Platform, Profile, ProfileInactiveReason, ProfileStatus, SummaryStats};
use serde::Serialize;
use serde_json::{Map, Value};

use crate::domain::profiles::ProfileRead;
use crate::domain::stats::StatsRead;

/// `{"data": [...]}`: `ProfileList` over `&Profile`, `PlacementList` over `Placement`.
#[derive(Serialize)]
pub(super) struct DataOf<'a, T> {
    pub(super) data: &'a [T],
}

/// `ProfileDetail`.
#[derive(Serialize)]
pub(super) struct DetailView<'a> {
    avatar_url: &'a Option<String>,
    expires_at: &'a Option<String>,
    id: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    inactive_reason: Option<ProfileInactiveReason>,
    latest_stats: Vec<LatestView<'a>>,
    name: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    placements_sync_status: &'a Option<String>,
    platform: Platform,
    #[serde(skip_serializing_if = "Option::is_none")]
    platform_id: &'a Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    platform_url: &'a Option<String>,
    post_count: i64,
    profile_group_id: &'a str,
    status: ProfileStatus,
    summary_stats: &'a Option<SummaryStats>,
    #[serde(skip_serializing_if = "Option::is_none")]
    username: &'a Option<String>,
}

/// `LatestStats`.
#[derive(Serialize)]
struct LatestView<'a> {
    placement_id: &'a Option<String>,
    recorded_at: &'a str,
    stats: &'a Map<String, Value>,
}

impl<'a> DetailView<'a> {
    pub(super) fn of(read: &'a ProfileRead<'a>) -> Self {
        let p: &'a Profile = read.profile;
        Self {
            avatar_url: &p.avatar_url,
            expires_at: &p.expires_at,
            id: &p.id,
            inactive_reason: p.inactive_reason,
            latest_stats: read
                .latest
                .iter()
                .map(|s| LatestView {
                    placement_id: &s.placement_id,
                    recorded_at: &s.recorded_at,
                    stats: &s.stats,
                })
                .collect(),
            name: &p.name,
            placements_sync_status: &p.placements_sync_status,
            platform: p.platform,
            platform_id: &p.platform_id,
            platform_url: &p.platform_url,
            post_count: p.post_count,
            profile_group_id: &p.profile_group_id,
            status: p.status,
            summary_stats: &read.summary,
            username: &p.username,
        }
    }
}

/// `ProfileStatsResponse`: `{"data": ProfileStats}`.
#[derive(Serialize)]
pub(super) struct StatsView<'a> {
    data: StatsData<'a>,
}

/// `ProfileStats`.
#[derive(Serialize)]
struct StatsData<'a> {
    placement_id: Option<&'a str>,
    platform: Platform,
    profile_id: &'a str,
    records: Vec<RecordView<'a>>,
}

/// `StatsRecord`: `raw_stats` is left out when empty, as the model leaves it out.
#[derive(Serialize)]
struct RecordView<'a> {
    #[serde(skip_serializing_if = "Map::is_empty")]
    raw_stats: &'a Map<String, Value>,
    recorded_at: &'a str,
    stats: &'a Map<String, Value>,
}

impl<'a> StatsView<'a> {
    pub(super) fn of(read: &'a StatsRead<'a>) -> Self {
        let records = read.records.iter().map(|s| RecordView {
            raw_stats: &s.raw_stats,
            recorded_at: &s.recorded_at,
            stats: &s.stats,
        });
        Self {
            data: StatsData {
                placement_id: read.placement_id,
                platform: read.profile.platform,
                profile_id: &read.profile.id,
                records: records.collect(),
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use postproxy_models::{PlacementList, ProfileDetail, ProfileList, ProfileStatsResponse};

    use super::*;
    use crate::domain::auth::Principal;
    use crate::domain::fixtures::Fixtures;
    use crate::domain::stats::StatsQuery;
    use crate::domain::store::Store;
    use crate::rt::Prepared;

    /// The demo store, with every key its fixtures name.
    fn demo() -> (Store, Vec<Principal>) {
        let fixtures = Fixtures::demo();
        let store = Store::new(&fixtures, 0);
        let keys = fixtures
            .accounts
            .iter()
            .flat_map(|a| a.api_keys.iter())
            .filter_map(|k| store.authenticate(k.key.as_deref()).ok())
            .map(|who| who.as_ref().clone())
            .collect();
        (store, keys)
    }

    fn same<T: Serialize>(view: &impl Serialize, model: &T) {
        let view = Prepared::<T>::of_view(view).expect("serialises");
        let model = serde_json::to_vec(model).expect("serialises");
        assert_eq!(
            String::from_utf8_lossy(view.json()),
            String::from_utf8_lossy(&model)
        );
    }

    #[test]
    fn views_serialise_as_their_models_for_every_demo_profile() {
        let (mut store, keys) = demo();
        let (mut details, mut series_read) = (0, 0);
        for who in &keys {
            let account = store.account_now(&who.account_id).expect("its account");
            let listed = account.list_profiles(who, None).expect("lists");
            let owned = ProfileList {
                data: listed.iter().map(|&p| p.clone()).collect(),
            };
            same(&DataOf { data: &listed }, &owned);
            for p in &listed {
                let read = account.get_profile(who, &p.id, None).expect("found");
                same::<ProfileDetail>(&DetailView::of(&read), &read.detail());
                details += 1;
                let placements = account.placements(who, &p.id, None).unwrap_or_default();
                let owned = PlacementList {
                    data: placements.to_vec(),
                };
                same(&DataOf { data: placements }, &owned);
                // The whole series, and each placement's.
                let series = placements.iter().map(|p| p.id.as_deref());
                for placement_id in series.chain([None]) {
                    let query = StatsQuery {
                        placement_id,
                        ..StatsQuery::default()
                    };
                    let Ok(read) = account.stats(who, &p.id, &query) else {
                        continue;
                    };
                    let owned = ProfileStatsResponse { data: read.model() };
                    same(&StatsView::of(&read), &owned);
                    series_read += read.records.len();
                }
            }
        }
        // Every network's detail, with and without placements, with and without snapshots.
        assert!(details >= 10, "{details}");
        assert!(series_read >= 10, "{series_read}");
    }
}
