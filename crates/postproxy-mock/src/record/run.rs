//! [`record`]: the first request (which tells a wrong key or upstream before any file is
//! made), then the walk's steps into the file, then the keys.

use std::collections::HashSet;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Instant, SystemTime};

use futures_util::StreamExt;
use postproxy_mock_server::fixtures::ApiKeyFixture;
use postproxy_models::ProfileGroup;

use super::progress::Progress;
use super::upstream::{FetchError, Upstream};
use super::walk::{self, Step};
use super::write::{new_key, FixtureWriter};
use super::{Failure, NewKey, RecordError, RecordOptions, Report, ACCOUNT_ID};

/// Records the account `options.key` sees at `options.upstream` into `options.out` (see the
/// [module documentation](super)). Objects that could not be read are in
/// [`Report::failures`]; an error means nothing was written.
pub async fn record(options: &RecordOptions) -> Result<Report, RecordError> {
    let started = Instant::now();
    if !options.force && options.out.exists() {
        return Err(RecordError::OutExists(options.out.clone()));
    }
    let progress = Progress::new(options.progress);
    let upstream = Upstream::new(
        &options.upstream,
        &options.key,
        options.rate,
        options.concurrency,
        progress.clone(),
    )
    .map_err(RecordError::BadUpstream)?;
    let upstream = Arc::new(upstream);
    let first = upstream
        .groups()
        .await
        .map_err(|e| first_error(&upstream, e))?;
    let recorded_at = timestamp(first.date.unwrap_or_else(SystemTime::now));
    let groups = first.value;
    progress.expect(groups.iter().map(|g| g.profiles_count.max(0)).sum());

    let io = |error| RecordError::Io {
        path: options.out.clone(),
        error,
    };
    let description = description(&shown_url(upstream.base()), &recorded_at);
    let mut writer =
        FixtureWriter::create(&options.out, &description, ACCOUNT_ID, &recorded_at).map_err(io)?;
    let mut tally = Tally {
        out: options.out.clone(),
        ..Tally::default()
    };
    let mut steps = std::pin::pin!(walk::steps(upstream.clone(), groups, options.concurrency));
    while let Some(step) = steps.next().await {
        if let Step::Profile(_) = &step {
            progress.profile_done(upstream.counts().0);
        }
        tally.take(step, &mut writer, &progress, options.strict)?;
    }
    progress.finish(upstream.counts().0);

    let keys = tally.keys().map_err(io)?;
    writer
        .finish(&key_fixtures(&keys), options.force)
        .map_err(|error| match error.kind() {
            std::io::ErrorKind::AlreadyExists => RecordError::OutExists(options.out.clone()),
            _ => io(error),
        })?;
    Ok(tally.into_report(&upstream, recorded_at, keys, started))
}

/// The fixture's description: where and when it was recorded, and how to serve it as then.
fn description(upstream: &str, recorded_at: &str) -> String {
    format!(
        "Recorded from {upstream} by postproxy-mock record at {recorded_at}. The API keys are \
         new (the upstream's key is not in this file). The account's clock is frozen at that \
         moment, so it answers as the upstream did; let it run with PUT \
         /__mock/accounts/{ACCOUNT_ID}/clock {{\"frozen\": false}}."
    )
}

/// The keys as the fixture holds them.
pub(crate) fn key_fixtures(keys: &[NewKey]) -> Vec<ApiKeyFixture> {
    keys.iter()
        .map(|k| ApiKeyFixture {
            key: Some(k.key.clone()),
            profile_group_id: k.profile_group_id.clone(),
            description: Some(match &k.group_name {
                Some(name) => format!("scoped to {name}"),
                None => "full access".into(),
            }),
        })
        .collect()
}

/// What the walk has written so far.
#[derive(Default)]
struct Tally {
    /// The file being written, for errors.
    out: PathBuf,
    /// The groups written: id and name.
    groups: Vec<(String, String)>,
    group_ids: HashSet<String>,
    /// Whether the profiles that follow belong to a group that was written.
    in_written_group: bool,
    profile_ids: HashSet<String>,
    profiles: usize,
    placements: usize,
    snapshots: usize,
    raw_stats_dropped: usize,
    failures: Vec<Failure>,
    warnings: Vec<String>,
}

impl Tally {
    fn take(
        &mut self,
        step: Step,
        writer: &mut FixtureWriter,
        progress: &Progress,
        strict: bool,
    ) -> Result<(), RecordError> {
        match step {
            Step::Group(group, listed) => {
                self.in_written_group = false;
                match self.group_listed(&group, listed, progress) {
                    Ok(()) => {
                        writer
                            .group(&group.id, &group.name)
                            .map_err(|e| self.io(e))?;
                        self.in_written_group = true;
                        self.groups.push((group.id, group.name));
                    }
                    Err(failure) => self.fail(failure, progress, strict)?,
                }
            }
            Step::Profile(recorded) => {
                let recorded = match recorded {
                    Ok(recorded) => recorded,
                    Err(failure) => return self.fail(failure, progress, strict),
                };
                if !self.in_written_group {
                    return Ok(());
                }
                let p = &recorded.profile;
                if !self.profile_ids.insert(p.id.clone()) {
                    let failure = Failure {
                        object: format!("profile {}", p.id),
                        message: "listed in two groups; kept in the first".into(),
                    };
                    return self.fail(failure, progress, strict);
                }
                writer.profile(p).map_err(|e| self.io(e))?;
                self.profiles += 1;
                self.placements += p.placements.len();
                self.snapshots += p.stats.len();
                self.raw_stats_dropped += recorded.raw_stats_dropped;
            }
        }
        Ok(())
    }

    fn io(&self, error: std::io::Error) -> RecordError {
        RecordError::Io {
            path: self.out.clone(),
            error,
        }
    }

    /// Checks a group whose list arrived; corrects the expected number of profiles.
    fn group_listed(
        &mut self,
        group: &ProfileGroup,
        listed: Result<usize, Failure>,
        progress: &Progress,
    ) -> Result<(), Failure> {
        let announced = group.profiles_count.max(0);
        let listed = match listed {
            Ok(listed) => listed,
            Err(failure) => {
                progress.expect(-announced);
                return Err(failure);
            }
        };
        let listed_count = i64::try_from(listed).unwrap_or(i64::MAX);
        progress.expect(listed_count - announced);
        if listed_count != group.profiles_count {
            let warning = format!(
                "group {}: profiles_count is {} but {listed} profiles are listed; the mock \
                 counts the {listed}",
                group.id, group.profiles_count
            );
            progress.note(&warning);
            self.warnings.push(warning);
        }
        if !self.group_ids.insert(group.id.clone()) {
            return Err(Failure {
                object: format!("group {}", group.id),
                message: "listed twice; kept the first".into(),
            });
        }
        Ok(())
    }

    fn fail(
        &mut self,
        failure: Failure,
        progress: &Progress,
        strict: bool,
    ) -> Result<(), RecordError> {
        if strict {
            return Err(RecordError::Strict(failure));
        }
        progress.note(&format!("left out: {failure}"));
        self.failures.push(failure);
        Ok(())
    }

    fn into_report(
        mut self,
        upstream: &Upstream,
        recorded_at: String,
        keys: Vec<NewKey>,
        started: Instant,
    ) -> Report {
        if self.raw_stats_dropped > 0 {
            self.warnings.push(format!(
                "{} stats records carried raw_stats, which record does not carry: the mock \
                 serves them without it",
                self.raw_stats_dropped
            ));
        }
        let (requests, retries) = upstream.counts();
        Report {
            out: self.out,
            upstream: shown_url(upstream.base()),
            recorded_at,
            groups: self.groups.len(),
            profiles: self.profiles,
            placements: self.placements,
            snapshots: self.snapshots,
            requests,
            retries,
            keys,
            failures: self.failures,
            warnings: self.warnings,
            elapsed: started.elapsed(),
        }
    }

    /// New keys: full access, then one scoped to each group written.
    fn keys(&self) -> std::io::Result<Vec<NewKey>> {
        let mut keys = vec![NewKey {
            key: new_key("full")?,
            profile_group_id: None,
            group_name: None,
        }];
        for (id, name) in &self.groups {
            keys.push(NewKey {
                key: new_key("scoped")?,
                profile_group_id: Some(id.clone()),
                group_name: Some(name.clone()),
            });
        }
        Ok(keys)
    }
}

/// The first request's failure: the reason nothing can be recorded.
fn first_error(upstream: &Upstream, e: FetchError) -> RecordError {
    let url = shown_url(upstream.base());
    match e {
        FetchError::Transport { message, .. } => RecordError::Unreachable { url, message },
        FetchError::Status {
            status, message, ..
        } if status.as_u16() == 401 || status.as_u16() == 403 => RecordError::Unauthorized {
            status: status.as_u16(),
            message,
        },
        FetchError::Status {
            api_error: false, ..
        }
        | FetchError::Decode { .. } => RecordError::NotThisApi {
            url,
            message: format!("GET /api/profile_groups: {e}"),
        },
        FetchError::Status { .. } => RecordError::Upstream(Failure {
            object: "profile groups".into(),
            message: e.to_string(),
        }),
    }
}

/// The URL without credentials, query or fragment, for messages and the file.
fn shown_url(url: &reqwest::Url) -> String {
    let mut url = url.clone();
    let _ = url.set_username("");
    let _ = url.set_password(None);
    url.set_query(None);
    url.set_fragment(None);
    url.as_str().trim_end_matches('/').to_string()
}

/// RFC 3339 in whole seconds, UTC.
pub(crate) fn timestamp(at: SystemTime) -> String {
    let at = time::OffsetDateTime::from(at);
    let at = at.replace_nanosecond(0).unwrap_or(at);
    at.format(&time::format_description::well_known::Rfc3339)
        .unwrap_or_else(|_| at.unix_timestamp().to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timestamps_are_whole_seconds() {
        let at = SystemTime::UNIX_EPOCH + std::time::Duration::from_millis(1_778_486_400_250);
        assert_eq!(timestamp(at), "2026-05-11T08:00:00Z");
    }

    #[test]
    fn shown_urls_carry_no_credentials() {
        let url = reqwest::Url::parse("https://u:secret@api.example/base/?k=1#x").unwrap();
        assert_eq!(shown_url(&url), "https://api.example/base");
    }
}
