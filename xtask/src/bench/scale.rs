//! The scale section: the mock on a 100 000-profile fixture (lookups, windows, lists) and its
//! resident memory per profile.

use std::time::{Duration, Instant};

use super::fixtures::{self, Scale, SCALE_KEY};
use super::load::{run_wrk, warm_up, Load};
use super::report::ScaleResults;
use super::servers::{mock_command, start_mock};
use super::{http, Ctx, DEMO_LOOKUP_PROFILE, FULL_KEY};

pub(super) fn scale(ctx: &mut Ctx) -> Result<ScaleResults, String> {
    let scale = Scale::FULL;
    let mut s = ScaleResults {
        scale,
        ..ScaleResults::default()
    };
    let tiny = ctx.work.join("tiny.json");
    std::fs::write(&tiny, fixtures::tiny_fixture()).map_err(|e| e.to_string())?;
    let big = ctx.work.join("scale.json");
    println!(
        "  generating {} ({} profiles, {} groups)",
        ctx.show(&big),
        scale.profiles,
        scale.groups
    );
    let text = fixtures::scale_fixture(scale);
    s.fixture_bytes = text.len();
    std::fs::write(&big, text).map_err(|e| e.to_string())?;

    // Memory baseline.
    {
        ctx.record(format!(
            "{}   # then VmRSS from /proc/PID/status",
            mock_command(ctx, Some(&tiny)).1
        ));
        let server = start_mock(
            ctx,
            Some(&tiny),
            "mock-tiny",
            ("/api/profile_groups", SCALE_KEY),
            Duration::from_secs(30),
        )?;
        (s.tiny_rss_kib, _) = memory_kib(server.pid())?;
    }

    // The demo lookup figure, measured the same way as the one at scale.
    {
        let server = start_mock(
            ctx,
            None,
            "mock-demo",
            ("/api/profiles", FULL_KEY),
            Duration::from_secs(30),
        )?;
        warm_up(&server.addr, "/api/profiles", FULL_KEY);
        let load = Load {
            name: "demo: get profile by id",
            path: format!("/api/profiles/{DEMO_LOOKUP_PROFILE}"),
            key: FULL_KEY,
            script: None,
            expect: 200,
        };
        let run = run_wrk(ctx, "mock", &server.addr, &load, 1)?;
        s.runs.push(run);
    }

    ctx.record(format!(
        "{}   # then VmRSS from /proc/PID/status",
        mock_command(ctx, Some(&big)).1
    ));
    let t0 = Instant::now();
    let server = start_mock(
        ctx,
        Some(&big),
        "mock-scale",
        ("/api/profile_groups", SCALE_KEY),
        Duration::from_secs(300),
    )?;
    s.load_ms = t0.elapsed().as_secs_f64() * 1e3;
    (s.big_rss_kib, s.big_hwm_kib) = memory_kib(server.pid())?;
    println!(
        "  -> {} profiles loaded in {:.0} ms; VmRSS {} KiB (tiny fixture: {} KiB)",
        scale.profiles, s.load_ms, s.big_rss_kib, s.tiny_rss_kib
    );
    let whole = http::get(&server.addr, "/api/profiles", SCALE_KEY)?;
    s.whole_list_bytes = whole.body.len();
    s.whole_list_count = serde_json::from_slice::<serde_json::Value>(&whole.body)
        .ok()
        .and_then(|v| v["data"].as_array().map(Vec::len))
        .unwrap_or(0);
    warm_up(
        &server.addr,
        &format!("/api/profiles/{}", Scale::profile_id(2)),
        SCALE_KEY,
    );

    let long = scale.long_series_profile();
    let short = scale.short_series_profile();
    let mid_group = Scale::group_id(scale.groups / 2);
    let loads = [
        (
            "scale: get profile by id (last)",
            format!("/api/profiles/{}", scale.last_profile()),
        ),
        (
            "scale: get profile by id (first)",
            format!("/api/profiles/{}", Scale::profile_id(2)),
        ),
        (
            "scale: stats, 10 of 10 000",
            format!(
                "/api/profiles/{long}/stats?{}",
                fixtures::window_query(5_000, 10)
            ),
        ),
        (
            "scale: stats, 1 000 of 10 000",
            format!(
                "/api/profiles/{long}/stats?{}",
                fixtures::window_query(4_000, 1_000)
            ),
        ),
        (
            "scale: stats, 10 of 100",
            format!(
                "/api/profiles/{short}/stats?{}",
                fixtures::window_query(50, 10)
            ),
        ),
        (
            "scale: list, group of 100",
            format!("/api/profiles?profile_group_id={mid_group}"),
        ),
        ("scale: list, whole account", "/api/profiles".to_string()),
        (
            "scale: list groups (1 000)",
            "/api/profile_groups".to_string(),
        ),
    ];
    for (name, path) in loads {
        let load = Load {
            name,
            path,
            key: SCALE_KEY,
            script: None,
            expect: 200,
        };
        let run = run_wrk(ctx, "mock", &server.addr, &load, 1)?;
        s.runs.push(run);
    }
    Ok(s)
}

/// VmRSS and VmHWM of a process, in KiB.
fn memory_kib(pid: u32) -> Result<(u64, u64), String> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status"))
        .map_err(|e| format!("/proc/{pid}/status: {e}"))?;
    let field = |name: &str| {
        status
            .lines()
            .find_map(|l| l.strip_prefix(name))
            .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<u64>().ok())
            .ok_or_else(|| format!("/proc/{pid}/status has no {name}"))
    };
    Ok((field("VmRSS:")?, field("VmHWM:")?))
}
