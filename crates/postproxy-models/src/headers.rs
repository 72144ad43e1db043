//! The one hand-written reading of this crate: the `Retry-After` header of the API's 429 (and
//! 503) answers. It lives here because the client (which retries) and the `postproxy-mock`
//! program (whose `record` and `verify` wait out 429s) both depend on this crate and on neither
//! other.

use std::time::{Duration, SystemTime};

/// A `Retry-After` value as a wait from `now`: delay seconds (`120`, as the spec documents) or
/// an HTTP date (`Wed, 21 Oct 2015 07:28:00 GMT`, RFC 9110); a date already past is no wait.
/// `None` when it is neither.
///
/// ```
/// use std::time::{Duration, SystemTime};
/// use postproxy_models::retry_after;
///
/// assert_eq!(retry_after(" 120 ", SystemTime::now()), Some(Duration::from_secs(120)));
/// assert_eq!(retry_after("soon", SystemTime::now()), None);
/// ```
pub fn retry_after(value: &str, now: SystemTime) -> Option<Duration> {
    let value = value.trim();
    if let Ok(seconds) = value.parse::<u64>() {
        return Some(Duration::from_secs(seconds));
    }
    let at = httpdate::parse_http_date(value).ok()?;
    Some(at.duration_since(now).unwrap_or(Duration::ZERO))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_seconds_and_http_dates() {
        let now = httpdate::parse_http_date("Wed, 21 Oct 2015 07:28:00 GMT").unwrap();
        assert_eq!(retry_after("120", now), Some(Duration::from_secs(120)));
        assert_eq!(retry_after(" 0 ", now), Some(Duration::ZERO));
        assert_eq!(
            retry_after("Wed, 21 Oct 2015 07:28:30 GMT", now),
            Some(Duration::from_secs(30))
        );
        // A date already past means "now".
        assert_eq!(
            retry_after("Wed, 21 Oct 2015 07:00:00 GMT", now),
            Some(Duration::ZERO)
        );
        assert_eq!(retry_after("soon", now), None);
        assert_eq!(retry_after("-5", now), None);
        assert_eq!(retry_after("", now), None);
    }
}
