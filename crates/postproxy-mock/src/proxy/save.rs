//! Writes what `--record` saw as a fixture, with `record`'s writer and keys: the groups in the
//! order seen, each with its profiles; new keys, one with full access and one scoped to each
//! group written.
//!
//! What the mock could not serve is left out and said in [`Recording::warnings`]: a profile
//! whose group was never seen (its name is not known), a stats record of a placement that was
//! not listed (on the networks that keep a series per placement), a profile the mock's own
//! fixture checks refuse.

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::time::SystemTime;

use postproxy_mock_server::fixtures::{ProfileFixture, SnapshotFixture};
use postproxy_models::ProfileGroup;

use super::capture::{ProfileSeen, Seen};
use crate::record::run::{key_fixtures, timestamp};
use crate::record::walk::{has_placements, servable, servable_group, stats_per_placement};
use crate::record::write::{new_key, FixtureWriter};
use crate::record::{NewKey, ACCOUNT_ID};

/// What `--record` wrote at shutdown.
#[derive(Debug, Clone)]
pub struct Recording {
    /// The fixture file.
    pub out: PathBuf,
    /// The time of the account as written: the upstream's `Date` at the last answer taken in
    /// (this machine's clock when there was none), RFC 3339.
    pub recorded_at: String,
    /// Groups, profiles, placements and stats snapshots written.
    pub groups: usize,
    /// See [`Recording::groups`].
    pub profiles: usize,
    /// See [`Recording::groups`].
    pub placements: usize,
    /// See [`Recording::groups`].
    pub snapshots: usize,
    /// The keys of the recorded account (new): full access first, then one per group.
    pub keys: Vec<NewKey>,
    /// What was seen but could not be written, or not exactly.
    pub warnings: Vec<String>,
}

impl Recording {
    /// The body of `PUT /__mock/accounts/acct_recorded/clock` that lets the recorded
    /// account's clock run on from [`Recording::recorded_at`] (the fixture has it frozen there).
    pub fn run_clock_body(&self) -> String {
        serde_json::json!({"frozen": false}).to_string()
    }
}

/// Writes `seen` into `out` (replacing it).
pub(super) fn write(seen: Seen, out: &Path, upstream: &str) -> std::io::Result<Recording> {
    let recorded_at = seen
        .last_date
        .as_deref()
        .and_then(|date| httpdate::parse_http_date(date).ok())
        .map_or_else(|| timestamp(SystemTime::now()), timestamp);
    let description = format!(
        "Recorded from {upstream} by postproxy-mock proxy: what passed through it, as of \
         {recorded_at}. The API keys are new. The account's clock is frozen at that moment, so \
         it answers as the upstream did; let it run with PUT /__mock/accounts/{ACCOUNT_ID}/clock \
         {{\"frozen\": false}}."
    );
    let mut writer = FixtureWriter::create(out, &description, ACCOUNT_ID, &recorded_at)?;
    let mut recording = Recording {
        out: out.to_path_buf(),
        recorded_at,
        groups: 0,
        profiles: 0,
        placements: 0,
        snapshots: 0,
        keys: vec![NewKey {
            key: new_key("full")?,
            profile_group_id: None,
            group_name: None,
        }],
        warnings: Vec::new(),
    };
    let mut seen = seen;
    let mut names = std::mem::take(&mut seen.groups);
    let groups: Vec<(String, String)> = std::mem::take(&mut seen.group_order)
        .into_iter()
        .filter_map(|id| names.remove(&id).map(|g| (id, g.name)))
        .collect();
    let mut kept = std::mem::take(&mut seen.profiles);
    let profiles: Vec<ProfileSeen> = std::mem::take(&mut seen.profile_order)
        .into_iter()
        .filter_map(|id| kept.remove(&id))
        .collect();
    // Each group's profiles, in order.
    let mut by_group: HashMap<&str, Vec<usize>> = HashMap::new();
    for (i, profile) in profiles.iter().enumerate() {
        by_group.entry(profile.group.as_str()).or_default().push(i);
    }
    // Whether each profile's group was seen.
    let mut grouped = vec![false; profiles.len()];
    for (id, name) in groups {
        let group = ProfileGroup {
            id,
            name,
            profiles_count: 0,
        };
        let mine = by_group.remove(group.id.as_str()).unwrap_or_default();
        mine.iter().for_each(|&i| grouped[i] = true);
        if let Err(failure) = servable_group(&group) {
            recording.warnings.push(format!(
                "left out with its {} profiles: {failure}",
                mine.len()
            ));
            continue;
        }
        writer.group(&group.id, &group.name)?;
        recording.groups += 1;
        recording.keys.push(NewKey {
            key: new_key("scoped")?,
            profile_group_id: Some(group.id.clone()),
            group_name: Some(group.name.clone()),
        });
        for i in mine {
            write_profile(&mut writer, &mut seen, &profiles[i], &mut recording)?;
        }
    }
    notes(&seen, &profiles, &grouped, &mut recording.warnings);
    writer.finish(&key_fixtures(&recording.keys), true)?;
    Ok(recording)
}

/// Writes one profile of the open group, or says why it cannot be.
fn write_profile(
    writer: &mut FixtureWriter,
    seen: &mut Seen,
    p: &ProfileSeen,
    recording: &mut Recording,
) -> std::io::Result<()> {
    let placements = match has_placements(p.platform) {
        true => seen.placements.remove(&p.id).unwrap_or_default(),
        false => Vec::new(),
    };
    let per_placement = stats_per_placement(p.platform);
    let mut stats = Vec::new();
    let mut unlisted = 0;
    for snap in seen.series.remove(&p.id).unwrap_or_default() {
        let placement_id = match (per_placement, snap.placement_id) {
            (false, _) => None,
            (true, Some(id)) if placements.iter().any(|pl| pl.id.as_ref() == Some(&id)) => Some(id),
            (true, _) => {
                unlisted += 1;
                continue;
            }
        };
        stats.push(SnapshotFixture {
            placement_id,
            stats: snap.stats,
            recorded_at: snap.recorded_at,
            raw_stats: Default::default(),
        });
    }
    if unlisted > 0 {
        recording.warnings.push(format!(
            "profile {}: {unlisted} stats records of placements never listed through the proxy \
             were left out",
            p.id
        ));
    }
    let profile = ProfileFixture {
        id: p.id.clone(),
        name: p.name.clone(),
        platform: p.platform,
        status: p.status,
        expires_at: p.expires_at.clone(),
        post_count: p.post_count,
        avatar_url: p.avatar_url.clone(),
        placements,
        stats,
        username: p.username.clone(),
        platform_id: p.platform_id.clone(),
        platform_url: p.platform_url.clone(),
        inactive_reason: p.inactive_reason,
        placements_sync_status: p.placements_sync_status.clone(),
        ice_breakers: Vec::new(),
    };
    match servable(profile) {
        Ok(profile) => {
            writer.profile(&profile)?;
            recording.profiles += 1;
            recording.placements += profile.placements.len();
            recording.snapshots += profile.stats.len();
        }
        Err(failure) => recording.warnings.push(format!("left out: {failure}")),
    }
    Ok(())
}

/// The warnings about what was seen and not written: profiles of unseen groups, stats of
/// unseen profiles, caps, `raw_stats`.
fn notes(seen: &Seen, profiles: &[ProfileSeen], grouped: &[bool], warnings: &mut Vec<String>) {
    let orphans: Vec<&str> = profiles
        .iter()
        .zip(grouped)
        .filter(|(_, grouped)| !**grouped)
        .map(|(p, _)| p.id.as_str())
        .collect();
    if !orphans.is_empty() {
        warnings.push(format!(
            "{} profiles left out because their group was never seen through the proxy (list \
             the groups once to record them): {}",
            orphans.len(),
            list(&orphans)
        ));
    }
    let known: HashSet<&str> = profiles.iter().map(|p| p.id.as_str()).collect();
    let mut unseen: Vec<&str> = seen
        .series
        .keys()
        .chain(seen.placements.keys())
        .map(String::as_str)
        .filter(|id| !known.contains(id))
        .collect();
    unseen.sort_unstable();
    unseen.dedup();
    if !unseen.is_empty() {
        warnings.push(format!(
            "stats or placements of {} profiles never seen themselves were left out: {}",
            unseen.len(),
            list(&unseen)
        ));
    }
    if seen.left_out > 0 {
        warnings.push(format!(
            "{} objects were not kept: the recording reached a cap (the mock's per-account \
             caps, or {} stats snapshots in all)",
            seen.left_out,
            super::capture::MAX_SNAPSHOTS
        ));
    }
    if seen.raw_stats > 0 {
        warnings.push(format!(
            "{} stats records carried raw_stats, which proxy does not carry: the mock serves \
             them without it",
            seen.raw_stats
        ));
    }
}

/// The first few ids, and how many more.
fn list(ids: &[&str]) -> String {
    let mut text = ids.iter().take(5).copied().collect::<Vec<_>>().join(", ");
    if ids.len() > 5 {
        text.push_str(&format!(" and {} more", ids.len() - 5));
    }
    text
}
