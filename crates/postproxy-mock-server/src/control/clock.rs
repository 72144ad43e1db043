//! The `clock` tag: each account's clock, read, set, frozen or moved forward. A move reports
//! what time did to the account ([`TickReport`]): stats polled, profiles expired.

use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::{get, post};
use axum::Router;
use serde::{Deserialize, Serialize};
use time::Duration;
use utoipa::ToSchema;

use super::common::{on_account, Answer, Api, ControlError, Routes};
use super::wire::TickReport;
use crate::domain::clock::format_timestamp;
use crate::domain::clock::Clock;
use crate::domain::fixtures::parse_timestamp;
use crate::http::extract::ControlJson;
use crate::rt::ApiError;
use crate::rt::ApiPath;

/// An account's clock.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct ClockInfo {
    /// The account's current time (RFC 3339).
    pub now: String,
    /// Whether the clock stands still.
    pub frozen: bool,
}

/// Sets an account's clock: move it to `now`, freeze or let it run. Absent fields stay.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ClockUpdate {
    /// The new time (RFC 3339).
    #[serde(default)]
    pub now: Option<String>,
    /// Freeze (true) or let run (false).
    #[serde(default)]
    pub frozen: Option<bool>,
}

/// How far to move an account's clock forward; the parts are added up.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ClockAdvance {
    /// Seconds.
    #[serde(default)]
    pub seconds: i64,
    /// Minutes.
    #[serde(default)]
    pub minutes: i64,
    /// Hours.
    #[serde(default)]
    pub hours: i64,
    /// Days.
    #[serde(default)]
    pub days: i64,
}

impl ClockUpdate {
    /// Moves the clock to `now` (its frozen state stays unless [`frozen`](Self::frozen) sets
    /// it), as RFC 3339 in UTC.
    pub fn at(now: time::OffsetDateTime) -> Self {
        Self {
            now: Some(format_timestamp(now.to_offset(time::UtcOffset::UTC))),
            frozen: None,
        }
    }

    /// Freezes (true) or lets the clock run (false).
    pub fn frozen(mut self, frozen: bool) -> Self {
        self.frozen = Some(frozen);
        self
    }
}

impl ClockAdvance {
    /// A move of `n` seconds.
    pub fn seconds(n: i64) -> Self {
        Self {
            seconds: n,
            ..Self::default()
        }
    }

    /// A move of `n` minutes.
    pub fn minutes(n: i64) -> Self {
        Self {
            minutes: n,
            ..Self::default()
        }
    }

    /// A move of `n` hours.
    pub fn hours(n: i64) -> Self {
        Self {
            hours: n,
            ..Self::default()
        }
    }

    /// A move of `n` days.
    pub fn days(n: i64) -> Self {
        Self {
            days: n,
            ..Self::default()
        }
    }

    /// The parts added up, if that is 0 to 100 years.
    pub fn duration(&self) -> Option<Duration> {
        [
            (self.seconds, 1),
            (self.minutes, 60),
            (self.hours, 3600),
            (self.days, 86_400),
        ]
        .iter()
        .try_fold(0i64, |sum, (n, unit)| {
            n.checked_mul(*unit).and_then(|s| sum.checked_add(s))
        })
        .filter(|s| (0..=100 * 365 * 86_400).contains(s))
        .map(Duration::seconds)
    }
}

/// The clock after a change, and what time did to the account.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct ClockReport {
    /// The clock now.
    pub clock: ClockInfo,
    /// Snapshots recorded and profiles expired by the move.
    pub effects: TickReport,
}

pub(super) fn clock_info(clock: &Clock) -> ClockInfo {
    ClockInfo {
        now: format_timestamp(clock.now()),
        frozen: clock.is_frozen(),
    }
}

/// This tag's routes.
pub(super) fn routes() -> Routes {
    Router::new()
        .route(
            "/__mock/accounts/{account}/clock",
            get(get_clock).put(set_clock),
        )
        .route(
            "/__mock/accounts/{account}/clock/advance",
            post(advance_clock),
        )
}

/// The account's clock.
#[utoipa::path(get, path = "/__mock/accounts/{account}/clock", tag = "clock",
    params(("account" = String, Path)),
    responses((status = 200, body = ClockInfo), (status = 404, body = ControlError)))]
pub(super) async fn get_clock(State(api): Api, ApiPath(id): ApiPath<String>) -> Answer {
    on_account(&api, &id, StatusCode::OK, |a| Ok(clock_info(&a.clock)))
}

/// Sets, freezes or resumes the account's clock. Setting it forward polls stats and expires
/// profiles as if the time had passed; setting it back starts polling over from there.
#[utoipa::path(put, path = "/__mock/accounts/{account}/clock", tag = "clock",
    params(("account" = String, Path)),
    request_body = ClockUpdate,
    responses((status = 200, body = ClockReport), (status = 404, body = ControlError), (status = 422, body = ControlError)))]
pub(super) async fn set_clock(
    State(api): Api,
    ApiPath(id): ApiPath<String>,
    ControlJson(body): ControlJson<ClockUpdate>,
) -> Answer {
    let now = body
        .now
        .as_deref()
        .map(|text| {
            parse_timestamp(text)
                .ok_or_else(|| ApiError::unprocessable("now: expected an RFC 3339 timestamp"))
        })
        .transpose()?;
    on_account(&api, &id, StatusCode::OK, |a| {
        let effects = a.set_clock(now, body.frozen).into();
        Ok(ClockReport {
            clock: clock_info(&a.clock),
            effects,
        })
    })
}

/// Moves the account's clock forward (the parts are added up); each 23-hour polling round that
/// passes records a snapshot per active profile and placement.
#[utoipa::path(post, path = "/__mock/accounts/{account}/clock/advance", tag = "clock",
    params(("account" = String, Path)),
    request_body = ClockAdvance,
    responses((status = 200, body = ClockReport), (status = 404, body = ControlError), (status = 422, body = ControlError)))]
pub(super) async fn advance_clock(
    State(api): Api,
    ApiPath(id): ApiPath<String>,
    ControlJson(body): ControlJson<ClockAdvance>,
) -> Answer {
    let by = body
        .duration()
        .ok_or_else(|| ApiError::unprocessable("the clock moves forward by 0 to 100 years"))?;
    on_account(&api, &id, StatusCode::OK, |a| {
        let effects = a.advance_clock(by).into();
        Ok(ClockReport {
            clock: clock_info(&a.clock),
            effects,
        })
    })
}
