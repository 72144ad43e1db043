//! Reading wrk's report (`wrk --latency`), durations and percentiles.

/// What one wrk run measured.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct WrkReport {
    /// Completed requests.
    pub requests: u64,
    /// The measured time, in seconds.
    pub seconds: f64,
    /// `Requests/sec:`.
    pub rps: f64,
    /// Latency percentiles of `--latency`, in microseconds.
    pub p50_us: f64,
    pub p75_us: f64,
    pub p90_us: f64,
    pub p99_us: f64,
    /// `Non-2xx or 3xx responses:` (0 when wrk prints no such line).
    pub non_2xx: u64,
    /// `Socket errors:` connect + read + write + timeout (0 when wrk prints no such line).
    pub socket_errors: u64,
    /// Lines a script's `done()` printed as `NAME: key value key value ...`.
    pub script_lines: Vec<String>,
}

/// Parses a wrk time (`554.00us`, `1.21ms`, `2.00s`, `1.00m`) into microseconds.
pub fn parse_time_us(text: &str) -> Option<f64> {
    let text = text.trim();
    let split = text
        .find(|c: char| !(c.is_ascii_digit() || c == '.'))
        .unwrap_or(text.len());
    let (number, unit) = text.split_at(split);
    let number: f64 = number.parse().ok()?;
    let factor = match unit {
        "us" => 1.0,
        "ms" => 1e3,
        "s" => 1e6,
        "m" => 60e6,
        "h" => 3600e6,
        _ => return None,
    };
    Some(number * factor)
}

/// Parses a duration argument (`500ms`, `5s`, `2m`, or bare seconds `5`) into seconds.
pub fn parse_duration_arg(text: &str) -> Option<f64> {
    let text = text.trim();
    let seconds = if let Some(ms) = text.strip_suffix("ms") {
        ms.parse::<f64>().ok()? / 1e3
    } else if let Some(s) = text.strip_suffix('s') {
        s.parse().ok()?
    } else if let Some(m) = text.strip_suffix('m') {
        m.parse::<f64>().ok()? * 60.0
    } else {
        text.parse().ok()?
    };
    (seconds.is_finite() && seconds > 0.0).then_some(seconds)
}

/// Parses wrk's report. Fails if a line every `--latency` report has is missing.
pub fn parse(output: &str) -> Result<WrkReport, String> {
    let mut report = WrkReport::default();
    let (mut rps, mut p50, mut p99, mut total) = (false, false, false, false);
    for line in output.lines() {
        let line = line.trim();
        let words: Vec<&str> = line.split_whitespace().collect();
        match words.as_slice() {
            ["Requests/sec:", value] => {
                report.rps = value.parse().map_err(|_| format!("bad rate {line:?}"))?;
                rps = true;
            }
            [pct @ ("50%" | "75%" | "90%" | "99%"), value] => {
                let us = parse_time_us(value).ok_or_else(|| format!("bad latency {line:?}"))?;
                match *pct {
                    "50%" => (report.p50_us, p50) = (us, true),
                    "75%" => report.p75_us = us,
                    "90%" => report.p90_us = us,
                    _ => (report.p99_us, p99) = (us, true),
                }
            }
            [count, "requests", "in", time, ..] => {
                report.requests = count.parse().map_err(|_| format!("bad count {line:?}"))?;
                let time = time.trim_end_matches(',');
                report.seconds =
                    parse_time_us(time).ok_or_else(|| format!("bad duration {line:?}"))? / 1e6;
                total = true;
            }
            ["Non-2xx", "or", "3xx", "responses:", count] => {
                report.non_2xx = count.parse().map_err(|_| format!("bad count {line:?}"))?;
            }
            ["Socket", "errors:", rest @ ..] => {
                // connect 0, read 0, write 0, timeout 0
                report.socket_errors = rest
                    .iter()
                    .filter_map(|w| w.trim_end_matches(',').parse::<u64>().ok())
                    .sum();
            }
            _ if line.starts_with("script ") => report.script_lines.push(line.to_string()),
            _ => {}
        }
    }
    let missing: Vec<&str> = [
        (rps, "Requests/sec"),
        (p50, "50%"),
        (p99, "99%"),
        (total, "N requests in T"),
    ]
    .iter()
    .filter(|(found, _)| !found)
    .map(|(_, name)| *name)
    .collect();
    if !missing.is_empty() {
        return Err(format!(
            "wrk's report lacks {} (was --latency given?)",
            missing.join(", ")
        ));
    }
    Ok(report)
}

/// A number a script's `done()` printed: `script churn: creates 10 deletes 9` → `creates` = 10.
pub fn script_value(report: &WrkReport, key: &str) -> Option<u64> {
    report.script_lines.iter().find_map(|line| {
        let words: Vec<&str> = line.split_whitespace().collect();
        words
            .windows(2)
            .find(|w| w[0] == key)
            .and_then(|w| w[1].parse().ok())
    })
}

/// Median and 90th percentile (nearest rank) of `samples`.
pub fn median_p90(samples: &[f64]) -> Option<(f64, f64)> {
    if samples.is_empty() {
        return None;
    }
    let mut sorted = samples.to_vec();
    sorted.sort_by(f64::total_cmp);
    let rank = |q: f64| {
        let n = sorted.len();
        // Nearest rank: the smallest value with at least q of the samples at or below it.
        let r = (q * n as f64).ceil() as usize;
        sorted[r.clamp(1, n) - 1]
    };
    Some((rank(0.5), rank(0.9)))
}

#[cfg(test)]
mod tests {
    use super::*;

    const SAMPLE: &str = "\
Running 3s test @ http://127.0.0.1:36075/api/profiles
  2 threads and 10 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency     1.24ms    1.76ms  14.55ms   87.51%
    Req/Sec     7.12k     3.46k   15.94k    71.67%
  Latency Distribution
     50%  554.00us
     75%    1.21ms
     90%    3.54ms
     99%    8.57ms
  42667 requests in 3.03s, 137.17MB read
  Socket errors: connect 0, read 2, write 0, timeout 3
  Non-2xx or 3xx responses: 17
Requests/sec:  14065.57
Transfer/sec:     45.22MB
script churn: creates 21000 deletes 20990 failures 0
";

    #[test]
    fn parses_a_latency_report() {
        let r = parse(SAMPLE).unwrap();
        assert_eq!(r.requests, 42667);
        assert!((r.seconds - 3.03).abs() < 1e-9);
        assert!((r.rps - 14065.57).abs() < 1e-9);
        assert!((r.p50_us - 554.0).abs() < 1e-9);
        assert!((r.p75_us - 1210.0).abs() < 1e-6);
        assert!((r.p90_us - 3540.0).abs() < 1e-6);
        assert!((r.p99_us - 8570.0).abs() < 1e-6);
        assert_eq!(r.non_2xx, 17);
        assert_eq!(r.socket_errors, 5);
        assert_eq!(script_value(&r, "creates"), Some(21000));
        assert_eq!(script_value(&r, "deletes"), Some(20990));
        assert_eq!(script_value(&r, "failures"), Some(0));
        assert_eq!(script_value(&r, "other"), None);
    }

    #[test]
    fn a_report_without_latency_distribution_is_an_error() {
        let without: String = SAMPLE
            .lines()
            .filter(|l| !l.trim_start().starts_with("50%"))
            .map(|l| format!("{l}\n"))
            .collect();
        let e = parse(&without).unwrap_err();
        assert!(e.contains("50%"), "{e}");
        assert!(parse("").is_err());
    }

    #[test]
    fn parses_times_and_durations() {
        assert_eq!(parse_time_us("12.5us"), Some(12.5));
        assert_eq!(parse_time_us("2.00s"), Some(2e6));
        assert_eq!(parse_time_us("1.00m"), Some(60e6));
        assert_eq!(parse_time_us("3"), None);
        assert_eq!(parse_time_us("3xs"), None);
        assert_eq!(parse_duration_arg("5s"), Some(5.0));
        assert_eq!(parse_duration_arg("500ms"), Some(0.5));
        assert_eq!(parse_duration_arg("2m"), Some(120.0));
        assert_eq!(parse_duration_arg("7"), Some(7.0));
        assert_eq!(parse_duration_arg("0s"), None);
        assert_eq!(parse_duration_arg("fast"), None);
    }

    #[test]
    fn median_and_p90_are_nearest_rank() {
        assert_eq!(median_p90(&[]), None);
        assert_eq!(median_p90(&[3.0]), Some((3.0, 3.0)));
        let samples: Vec<f64> = (1..=20).rev().map(f64::from).collect();
        assert_eq!(median_p90(&samples), Some((10.0, 18.0)));
    }
}
