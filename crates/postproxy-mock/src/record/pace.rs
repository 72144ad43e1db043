//! Pacing: at most `--rate` requests a second across every request in flight, and a pause for
//! all of them when the upstream answers 429 (its rate limit is the account's, not one
//! connection's).

use std::sync::Mutex;
use std::time::Duration;

use tokio::time::Instant;

/// Requests a second, or no limit.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Rate {
    /// No pacing: as fast as the concurrency allows.
    Unlimited,
    /// At most this many requests a second (more than 0).
    PerSecond(f64),
}

impl Rate {
    /// The default of `--rate`: 10 requests a second, polite to a production API whose limit is
    /// not documented; a 429 is waited out anyway. Against a local mock, use
    /// [`Rate::Unlimited`].
    pub const DEFAULT: Rate = Rate::PerSecond(10.0);
}

impl std::str::FromStr for Rate {
    type Err = String;

    /// `unlimited` (or `0`), or a positive number of requests a second.
    fn from_str(text: &str) -> Result<Self, String> {
        let text = text.trim();
        if text.eq_ignore_ascii_case("unlimited") {
            return Ok(Rate::Unlimited);
        }
        match text.parse::<f64>() {
            Ok(0.0) => Ok(Rate::Unlimited),
            Ok(n) if n.is_finite() && n > 0.0 => Ok(Rate::PerSecond(n)),
            _ => Err(format!(
                "{text:?} is not a rate: a positive number of requests a second, or `unlimited`"
            )),
        }
    }
}

impl std::fmt::Display for Rate {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Rate::Unlimited => f.write_str("unlimited"),
            Rate::PerSecond(n) => write!(f, "{n}/s"),
        }
    }
}

/// Hands out the moments requests may start: one every `1 / rate` seconds, never before a
/// pause a 429 asked for has passed.
#[derive(Debug)]
pub(crate) struct Pacer {
    interval: Option<Duration>,
    /// The earliest moment the next request may start.
    next: Mutex<Instant>,
}

impl Pacer {
    pub(crate) fn new(rate: Rate) -> Self {
        let interval = match rate {
            Rate::Unlimited => None,
            Rate::PerSecond(n) => Some(Duration::from_secs_f64(1.0 / n)),
        };
        Self {
            interval,
            next: Mutex::new(Instant::now()),
        }
    }

    /// Waits for this request's turn.
    pub(crate) async fn wait(&self) {
        let slot = {
            let mut next = self.next.lock().unwrap_or_else(|e| e.into_inner());
            let slot = (*next).max(Instant::now());
            if let Some(interval) = self.interval {
                *next = slot + interval;
            }
            slot
        };
        tokio::time::sleep_until(slot).await;
    }

    /// Holds every request back until `until` (a 429's `Retry-After`).
    pub(crate) fn pause_until(&self, until: Instant) {
        let mut next = self.next.lock().unwrap_or_else(|e| e.into_inner());
        *next = (*next).max(until);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rates_parse_as_documented() {
        assert_eq!("unlimited".parse::<Rate>(), Ok(Rate::Unlimited));
        assert_eq!("0".parse::<Rate>(), Ok(Rate::Unlimited));
        assert_eq!("2.5".parse::<Rate>(), Ok(Rate::PerSecond(2.5)));
        assert!("-1".parse::<Rate>().is_err());
        assert!("fast".parse::<Rate>().is_err());
        assert!("inf".parse::<Rate>().is_err());
    }

    #[tokio::test(start_paused = true)]
    async fn the_pacer_spaces_requests_and_pauses_them_all() {
        let pacer = Pacer::new(Rate::PerSecond(4.0));
        let start = Instant::now();
        for _ in 0..5 {
            pacer.wait().await;
        }
        assert_eq!(start.elapsed(), Duration::from_secs(1));
        pacer.pause_until(Instant::now() + Duration::from_secs(3));
        pacer.wait().await;
        assert_eq!(start.elapsed(), Duration::from_secs(4));

        let unlimited = Pacer::new(Rate::Unlimited);
        let start = Instant::now();
        for _ in 0..100 {
            unlimited.wait().await;
        }
        assert_eq!(start.elapsed(), Duration::ZERO);
    }
}
