//! The walk over the account: each group's profile list, then each profile's placements (on
//! networks that have them) and whole stats series (one per placement on facebook, linkedin
//! and telegram), as a stream of [`Step`]s in list order, with a bounded number of profiles
//! in flight.
//!
//! Requests run in tasks of their own, so they progress (and their JSON is parsed) in parallel
//! while the writer takes the finished steps in order; a task still running when the stream is
//! dropped (a `--strict` abort) is cancelled.

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};

use futures_util::stream::{self, Stream, StreamExt};
use postproxy_mock_server::fixtures::{
    AccountFixture, Fixtures, GroupFixture, ProfileFixture, SnapshotFixture,
};
use postproxy_models::{Platform, Profile, ProfileGroup, ProfileStats};
use tokio::task::JoinHandle;

use super::upstream::{FetchError, Upstream};
use super::Failure;

/// Group profile lists fetched ahead of the one being walked.
const LISTS_AHEAD: usize = 2;

/// One piece of the account, in the order it is written.
pub(crate) enum Step {
    /// A group, with its profiles' number, or why its list could not be read.
    Group(ProfileGroup, Result<usize, Failure>),
    /// A profile of the last group, ready for the fixture, or why it could not be read.
    Profile(Result<Recorded, Failure>),
}

/// A profile as the fixture holds it, and what reading it noticed.
pub(crate) struct Recorded {
    pub(crate) profile: ProfileFixture,
    /// Snapshots whose `raw_stats` were left out (record keeps the normalised metrics).
    pub(crate) raw_stats_dropped: usize,
}

/// Whether a network has placements (list_profile_placements answers), per the reference.
pub(crate) fn has_placements(platform: Platform) -> bool {
    matches!(
        platform,
        Platform::Facebook
            | Platform::Linkedin
            | Platform::Pinterest
            | Platform::Telegram
            | Platform::GoogleBusiness
    )
}

/// Whether the stats endpoint needs `placement_id` (one series per placement), per the
/// reference.
pub(crate) fn stats_per_placement(platform: Platform) -> bool {
    matches!(
        platform,
        Platform::Facebook | Platform::Linkedin | Platform::Telegram
    )
}

/// The steps of recording `groups`, with at most `concurrency` profiles in flight.
pub(crate) fn steps(
    upstream: Arc<Upstream>,
    groups: Vec<ProfileGroup>,
    concurrency: usize,
) -> impl Stream<Item = Step> {
    let lister = upstream.clone();
    stream::iter(groups)
        .map(move |group| {
            let upstream = lister.clone();
            Task::spawn(async move {
                let listed = match servable_group(&group) {
                    // Its profiles are not read: the group cannot be written.
                    Err(failure) => Err(failure),
                    Ok(()) => upstream.profiles(&group.id).await.map_err(|e| Failure {
                        object: format!("group {} profiles", group.id),
                        message: e.to_string(),
                    }),
                };
                (group, listed)
            })
        })
        .buffered(LISTS_AHEAD)
        .flat_map(|done| {
            let (head, profiles) = match done {
                Ok((group, Ok(profiles))) => (Ok((group, Ok(profiles.len()))), profiles),
                Ok((group, Err(failure))) => (Ok((group, Err(failure))), Vec::new()),
                Err(failure) => (Err(failure), Vec::new()),
            };
            stream::iter(
                std::iter::once(Work::Group(head)).chain(profiles.into_iter().map(Work::Profile)),
            )
        })
        .map(move |work| {
            let upstream = upstream.clone();
            Task::spawn(async move {
                match work {
                    Work::Group(Ok((group, listed))) => Step::Group(group, listed),
                    Work::Group(Err(failure)) => Step::Profile(Err(failure)),
                    Work::Profile(profile) => {
                        Step::Profile(record_profile(&upstream, profile).await)
                    }
                }
            })
        })
        .buffered(concurrency.max(1))
        .map(|done| done.unwrap_or_else(|failure| Step::Profile(Err(failure))))
}

/// What is left to do for one step.
enum Work {
    Group(Result<(ProfileGroup, Result<usize, Failure>), Failure>),
    Profile(Profile),
}

/// A profile's placements and stats series, as a fixture profile the mock accepts.
async fn record_profile(upstream: &Upstream, p: Profile) -> Result<Recorded, Failure> {
    let failed = |what: &str, e: FetchError| Failure {
        object: format!("profile {} {what}", p.id),
        message: e.to_string(),
    };
    let placements = if has_placements(p.platform) {
        upstream
            .placements(&p.id)
            .await
            .map_err(|e| failed("placements", e))?
    } else {
        Vec::new()
    };
    let mut snapshots = Vec::new();
    let mut raw_stats_dropped = 0;
    if stats_per_placement(p.platform) {
        // The LinkedIn personal profile (a null id) has no series of its own.
        for id in placements.iter().filter_map(|pl| pl.id.as_deref()) {
            let what = format!("stats (placement {id})");
            let series = upstream
                .stats(&p.id, Some(id))
                .await
                .map_err(|e| failed(&what, e))?;
            raw_stats_dropped +=
                take_series(&p, Some(id), series, &mut snapshots).map_err(|message| Failure {
                    object: format!("profile {} {what}", p.id),
                    message,
                })?;
        }
    } else {
        let series = upstream
            .stats(&p.id, None)
            .await
            .map_err(|e| failed("stats", e))?;
        raw_stats_dropped +=
            take_series(&p, None, series, &mut snapshots).map_err(|message| Failure {
                object: format!("profile {} stats", p.id),
                message,
            })?;
    }
    let profile = ProfileFixture {
        id: p.id,
        name: p.name,
        platform: p.platform,
        status: p.status,
        expires_at: p.expires_at,
        post_count: p.post_count,
        avatar_url: p.avatar_url,
        placements,
        stats: snapshots,
        username: p.username,
        platform_id: p.platform_id,
        platform_url: p.platform_url,
        inactive_reason: p.inactive_reason,
        placements_sync_status: p.placements_sync_status,
        ice_breakers: Vec::new(),
    };
    let profile = servable(profile)?;
    Ok(Recorded {
        profile,
        raw_stats_dropped,
    })
}

/// Appends a series' records as snapshots of `placement_id`, after checking the answer is
/// the series asked for. Returns how many records carried `raw_stats`.
fn take_series(
    p: &Profile,
    placement_id: Option<&str>,
    series: ProfileStats,
    into: &mut Vec<SnapshotFixture>,
) -> Result<usize, String> {
    if series.profile_id != p.id || series.placement_id.as_deref() != placement_id {
        return Err(format!(
            "the answer is the series of profile {} placement {:?}, not the one asked for",
            series.profile_id, series.placement_id
        ));
    }
    let mut raw = 0;
    for record in series.records {
        raw += usize::from(!record.raw_stats.is_empty());
        into.push(SnapshotFixture {
            placement_id: placement_id.map(str::to_string),
            stats: record.stats.0,
            recorded_at: record.recorded_at,
            // Counted above and reported: `record` keeps to the normalised metrics.
            raw_stats: Default::default(),
        });
    }
    Ok(raw)
}

/// Whether the mock would accept the group in a fixture (a name that is not blank).
pub(crate) fn servable_group(group: &ProfileGroup) -> Result<(), Failure> {
    let check = AccountFixture {
        profile_groups: vec![GroupFixture {
            id: group.id.clone(),
            name: group.name.clone(),
            profiles: Vec::new(),
        }],
        ..AccountFixture::default()
    };
    check.validate().map_err(|e| Failure {
        object: format!("group {}", group.id),
        message: format!("the mock cannot serve it (at {}): {}", e.path, e.message),
    })
}

/// The profile, if the mock would accept it in a fixture (its own checks: timestamps,
/// placements, snapshot placement ids, caps); otherwise why not.
pub(crate) fn servable(profile: ProfileFixture) -> Result<ProfileFixture, Failure> {
    let id = profile.id.clone();
    let mut check = Fixtures {
        description: None,
        accounts: vec![AccountFixture {
            profile_groups: vec![GroupFixture {
                id: "g".into(),
                name: "g".into(),
                profiles: vec![profile],
            }],
            ..AccountFixture::default()
        }],
    };
    let verdict = check.validate();
    let profile = check
        .accounts
        .remove(0)
        .profile_groups
        .remove(0)
        .profiles
        .remove(0);
    match verdict {
        Ok(()) => Ok(profile),
        Err(e) => {
            let field = e
                .path
                .strip_prefix("accounts[0].profile_groups[0].profiles[0]")
                .unwrap_or(&e.path)
                .trim_start_matches('.');
            Err(Failure {
                object: format!("profile {id}"),
                message: format!(
                    "the mock cannot serve it{}: {}",
                    if field.is_empty() {
                        String::new()
                    } else {
                        format!(" (at {field})")
                    },
                    e.message
                ),
            })
        }
    }
}

/// A spawned task that is aborted when dropped, and whose panic is a [`Failure`].
struct Task<T>(JoinHandle<T>);

impl<T: Send + 'static> Task<T> {
    fn spawn(work: impl Future<Output = T> + Send + 'static) -> Self {
        Task(tokio::spawn(work))
    }
}

impl<T> Future for Task<T> {
    type Output = Result<T, Failure>;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        Pin::new(&mut self.0).poll(cx).map(|joined| {
            joined.map_err(|e| Failure {
                object: "record".into(),
                message: format!("a task failed: {e}"),
            })
        })
    }
}

impl<T> Drop for Task<T> {
    fn drop(&mut self) {
        self.0.abort();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use postproxy_models::ProfileStatus;

    fn profile(platform: Platform) -> ProfileFixture {
        ProfileFixture::new("p1", "P", platform, ProfileStatus::Active)
    }

    #[test]
    fn a_profile_the_mock_would_refuse_is_named_with_its_field() {
        assert!(servable(profile(Platform::Twitter)).is_ok());
        let mut bad = profile(Platform::Twitter);
        bad.stats.push(SnapshotFixture {
            placement_id: None,
            stats: Default::default(),
            recorded_at: "yesterday".into(),
            raw_stats: Default::default(),
        });
        let failure = servable(bad).unwrap_err();
        assert_eq!(failure.object, "profile p1");
        assert!(
            failure
                .message
                .starts_with("the mock cannot serve it (at stats[0].recorded_at): "),
            "{}",
            failure.message
        );
    }

    #[test]
    fn the_network_tables_follow_the_reference() {
        let placements: Vec<_> = [
            "facebook",
            "linkedin",
            "pinterest",
            "telegram",
            "google_business",
        ]
        .iter()
        .map(|p| p.parse::<Platform>().unwrap())
        .collect();
        for p in [
            "instagram",
            "twitter",
            "threads",
            "youtube",
            "tiktok",
            "bluesky",
        ] {
            let p: Platform = p.parse().unwrap();
            assert!(!has_placements(p) && !stats_per_placement(p), "{p}");
        }
        for p in placements {
            assert!(has_placements(p), "{p}");
            let per = stats_per_placement(p);
            assert_eq!(
                per,
                !matches!(p, Platform::Pinterest | Platform::GoogleBusiness),
                "{p}"
            );
        }
    }
}
