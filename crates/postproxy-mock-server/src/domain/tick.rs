//! What time does to an account: its clock moved, set or frozen, and the stats polling and
//! token expiry that follow ([`super::polling`] draws the numbers).

use postproxy_models::ProfileStatus;
use serde_json::Map;
use time::{Duration, OffsetDateTime};

use super::account::Account;
use super::clock::format_timestamp;
use super::fixtures::parse_timestamp;
use super::platform;
use super::polling::{self, Rng, POLL_INTERVAL};
use super::rows::Snapshot;

/// What a clock move did to an account.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct TickReport {
    /// Stats snapshots recorded by polling.
    pub snapshots_recorded: u64,
    /// Profiles whose `expires_at` passed and that became `expired`.
    pub profiles_expired: u64,
}

impl Account {
    /// Freezes or resumes the clock and moves it to `now`, then applies what the move did.
    /// Set back in time, the account starts polling (and expiring) over from there.
    pub fn set_clock(&mut self, now: Option<OffsetDateTime>, frozen: Option<bool>) -> TickReport {
        let before = self.clock.now();
        match frozen {
            Some(true) => self.clock.freeze(),
            Some(false) => self.clock.resume(),
            None => {}
        }
        if let Some(now) = now {
            self.clock.set(now);
        }
        if self.clock.now() < before {
            self.restart_polling();
        }
        self.tick()
    }

    /// Moves the clock forward by `by` and applies what passed in between.
    pub fn advance_clock(&mut self, by: Duration) -> TickReport {
        self.clock.advance(by);
        self.tick()
    }

    /// Polling counts from the clock's now again (after the clock was replaced).
    pub fn restart_polling(&mut self) {
        let now = self.clock.now();
        self.anchor = now;
        self.ticked_at = now;
        self.follow_clock();
    }

    /// Applies what happened between the last tick and the clock's now: every polling round
    /// that fell in between records a snapshot per active profile (per placement where stats
    /// are kept per placement), and profiles whose `expires_at` passed become `expired`.
    /// Rounds already applied are never repeated, even if the clock is set back and forth.
    pub fn tick(&mut self) -> TickReport {
        let now = self.clock.now();
        self.tick_to(now)
    }

    /// [`Self::tick`], answering the clock's now it ticked to (read once: a running clock
    /// reads the system time).
    pub fn tick_now(&mut self) -> OffsetDateTime {
        let now = self.clock.now();
        self.tick_to(now);
        now
    }

    fn tick_to(&mut self, now: OffsetDateTime) -> TickReport {
        let mut report = TickReport::default();
        if now <= self.ticked_at {
            return report;
        }
        let interval = POLL_INTERVAL.whole_seconds();
        let round_of = |t: OffsetDateTime| (t - self.anchor).whole_seconds().div_euclid(interval);
        let last = round_of(now);
        let first = (round_of(self.ticked_at) + 1).max(last - polling::MAX_ROUNDS + 1);
        for round in first..=last {
            let at = self.anchor + Duration::seconds(interval.saturating_mul(round));
            if at <= self.ticked_at {
                continue;
            }
            report.profiles_expired += self.expire(at);
            report.snapshots_recorded += self.poll(round, at);
        }
        report.profiles_expired += self.expire(now);
        self.ticked_at = now;
        report
    }

    /// Expires active profiles whose `expires_at` is not after `until`.
    pub(super) fn expire(&mut self, until: OffsetDateTime) -> u64 {
        if let Some(next) = self.next_expiry {
            if next.is_none_or(|next| next > until) {
                return 0;
            }
        }
        let mut n = 0;
        let mut next: Option<OffsetDateTime> = None;
        for row in &mut self.rows.get_mut().profiles {
            if row.profile.status != ProfileStatus::Active {
                continue;
            }
            let Some(e) = row.profile.expires_at.as_deref().and_then(parse_timestamp) else {
                continue;
            };
            if row.follow_clock(until) {
                n += 1;
            } else {
                next = Some(next.map_or(e, |n| n.min(e)));
            }
        }
        self.next_expiry = Some(next);
        n
    }

    /// One polling round at `at`: a new snapshot per series of every active, polled profile.
    pub(super) fn poll(&mut self, round: i64, at: OffsetDateTime) -> u64 {
        let recorded_at = format_timestamp(at);
        let mut n = 0;
        for row in &mut self.rows.get_mut().profiles {
            let platform = row.profile.platform;
            if row.profile.status != ProfileStatus::Active || !platform::facts(platform).polled {
                continue;
            }
            let series: Vec<Option<String>> = if platform::facts(platform).stats_per_placement {
                row.placements
                    .iter()
                    .filter_map(|p| p.id.clone().map(Some))
                    .collect()
            } else {
                vec![None]
            };
            for placement_id in series {
                let label = format!(
                    "{}/{}/{}",
                    self.id,
                    row.profile.id,
                    placement_id.as_deref().unwrap_or("")
                );
                let mut rng = Rng::for_round(self.seed, &label, round);
                // The series' recent snapshots, newest first: a key the last one lacks (the
                // platform did not return it that cycle) grows from where it was before.
                let mut recent = row
                    .snapshots
                    .iter()
                    .rev()
                    .filter(|s| s.placement_id == placement_id)
                    .take(polling::LOOKBACK)
                    .peekable();
                let mut stats = if recent.peek().is_some() {
                    let mut known = Map::new();
                    for s in recent {
                        for (k, v) in &s.stats {
                            known.entry(k.clone()).or_insert_with(|| v.clone());
                        }
                    }
                    polling::grow(&known, &mut rng)
                } else {
                    polling::initial_stats(platform, &mut rng)
                };
                polling::omit_some(&mut stats, &mut rng);
                row.insert_snapshot(Snapshot {
                    placement_id,
                    stats,
                    recorded_at: recorded_at.clone(),
                    at,
                    // Polling records the normalised metrics only.
                    raw_stats: Map::new(),
                });
                n += 1;
            }
        }
        n
    }
}
