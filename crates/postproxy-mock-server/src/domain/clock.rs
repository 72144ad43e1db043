//! [`Clock`]: the mock's idea of now. Real time by default; a test can freeze, set and advance
//! it, so anything that depends on time (idempotency expiry, stats polling, token expiry) can
//! be exercised without waiting.

use time::{Duration, OffsetDateTime};

/// Real time plus an offset, or a frozen instant.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Clock {
    /// Added to the real time while running.
    offset: Duration,
    /// While frozen, the time that `now` returns.
    frozen: Option<OffsetDateTime>,
}

impl Default for Clock {
    fn default() -> Self {
        Self::real()
    }
}

impl Clock {
    /// The real time, running.
    pub fn real() -> Self {
        Self {
            offset: Duration::ZERO,
            frozen: None,
        }
    }

    /// Frozen at `at`.
    #[cfg(any(test, feature = "test-support"))]
    pub fn frozen_at(at: OffsetDateTime) -> Self {
        Self {
            offset: Duration::ZERO,
            frozen: Some(at),
        }
    }

    /// The current time by this clock, in UTC.
    pub fn now(&self) -> OffsetDateTime {
        match self.frozen {
            Some(at) => at,
            None => OffsetDateTime::now_utc() + self.offset,
        }
    }

    /// Whether the clock is frozen.
    pub fn is_frozen(&self) -> bool {
        self.frozen.is_some()
    }

    /// Stops the clock at its current time.
    pub fn freeze(&mut self) {
        self.frozen = Some(self.now());
    }

    /// Lets the clock run again from where it stands.
    pub fn resume(&mut self) {
        if let Some(at) = self.frozen.take() {
            self.offset = at - OffsetDateTime::now_utc();
        }
    }

    /// Moves the clock to `at`, frozen or running as it was.
    pub fn set(&mut self, at: OffsetDateTime) {
        match &mut self.frozen {
            Some(frozen) => *frozen = at,
            None => self.offset = at - OffsetDateTime::now_utc(),
        }
    }

    /// Moves the clock forward (or back, for a negative `by`).
    pub fn advance(&mut self, by: Duration) {
        match &mut self.frozen {
            Some(frozen) => *frozen += by,
            None => self.offset += by,
        }
    }
}

/// RFC 3339 in UTC, to the second, as the reference shows timestamps.
pub fn format_timestamp(at: OffsetDateTime) -> String {
    let at = at.to_offset(time::UtcOffset::UTC);
    format!(
        "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}Z",
        at.year(),
        u8::from(at.month()),
        at.day(),
        at.hour(),
        at.minute(),
        at.second()
    )
}

/// Parses an RFC 3339 timestamp.
pub fn parse_timestamp(value: &str) -> Option<OffsetDateTime> {
    OffsetDateTime::parse(value, &time::format_description::well_known::Rfc3339).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn frozen_clock_moves_only_when_told() {
        let start = OffsetDateTime::from_unix_timestamp(1_750_000_000).unwrap();
        let mut clock = Clock::frozen_at(start);
        assert_eq!(clock.now(), start);
        clock.advance(Duration::hours(23));
        assert_eq!(clock.now(), start + Duration::hours(23));
        clock.set(start);
        assert_eq!(clock.now(), start);
    }

    #[test]
    fn running_clock_keeps_its_offset_across_freeze_and_resume() {
        let mut clock = Clock::real();
        clock.advance(Duration::days(2));
        let ahead = clock.now() - OffsetDateTime::now_utc();
        assert!((ahead - Duration::days(2)).abs() < Duration::seconds(5));
        clock.freeze();
        let frozen = clock.now();
        clock.resume();
        assert!(!clock.is_frozen());
        assert!((clock.now() - frozen).abs() < Duration::seconds(5));
    }
}
