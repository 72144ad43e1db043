//! The Markdown of `bench/RESULTS.md`, a section per function, from the [`Results`] of a run
//! (`report.rs` holds them, the targets and the number formats).

use std::fmt::Write as _;

use super::report::{fmt_int, targets_table, us, Results, Run, ScaleResults};
use super::wrk::{median_p90, WrkReport};

/// The whole results file.
pub fn render(r: &Results) -> String {
    let mut o = String::new();
    header(&mut o, r);
    if !r.runs.is_empty() {
        list_profiles(&mut o, r);
        mock_scenarios(&mut o, r);
    }
    startup(&mut o, r);
    if let Some(s) = &r.scale {
        scale_table(&mut o, r, s);
        scale_notes(&mut o, s);
    }
    reading(&mut o, r);
    o
}

/// The title, the note, the machine and the targets.
fn header(o: &mut String, r: &Results) {
    let _ = writeln!(o, "# Benchmark results\n");
    let _ = writeln!(
        o,
        "Written by `{}` (the whole run took {} s). Figures are measured, not asserted: the \
         targets of issues 6 and 12 are printed beside them. Rerun the command to replace this file.\n",
        r.invocation, r.elapsed_s
    );
    if let Some(note) = &r.note {
        let _ = writeln!(o, "> **Note:** {note}\n");
    }
    let _ = writeln!(o, "## Machine\n\n| | |\n| --- | --- |");
    for (k, v) in &r.machine {
        let _ = writeln!(o, "| {k} | {v} |");
    }
    let _ = writeln!(o, "| load average after the run | {} |", r.load_after);
    let _ = writeln!(o, "\n## Targets\n\n{}", targets_table(r));
}

/// Throughput: the list on the mock, the floor and Prism, per connection level.
fn list_profiles(o: &mut String, r: &Results) {
    let _ = writeln!(o, "## Throughput and latency\n");
    let _ = writeln!(
        o,
        "wrk on 127.0.0.1, {} s per run, {} threads (never more than the connections), \
             keep-alive connections; latency percentiles from `wrk --latency`. The mock runs with \
             `--log-level warn` on the demo data plus one extra account holding a {}-snapshot \
             series (the demo account, and so its list body, is unchanged).\n",
        r.duration_s,
        r.threads,
        fmt_int(super::SERIES_LEN as f64)
    );
    let _ = writeln!(
            o,
            "### List profiles: mock, floor and Prism\n\n`GET /api/profiles` with the demo \
             full-access key ({} bytes). The floor is a bare axum server (`bench/src/bin/floor.rs`) \
             answering the same route with the same bytes; it and the mock are both built with \
             the `dist` profile (`cargo build --profile dist`: fat LTO, one codegen unit, as \
             `cargo xtask dist` packages the mock), so their ratio compares request handling \
             alone. The mock runs at `--log-level warn`; `mock (info)` is the same mock at the \
             default level, logging every request (to a file). Prism answers from the spec's \
             example. {}\n",
            fmt_int(r.list_bytes as f64),
            if r.rounds > 1 {
                format!(
                    "The three take turns in each of {} rounds (the mock's other reads below run \
                     in the same rounds, beside the floor); each cell is the best round of its \
                     server (other work on the machine only slows a run down).",
                    r.rounds
                )
            } else {
                String::new()
            }
        );
    let _ = writeln!(
            o,
            "| connections | mock req/s | floor req/s | mock / floor | Prism req/s | mock / Prism | mock p50 | mock p99 | floor p99 | Prism p99 |\n| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"
        );
    for c in r.levels() {
        let mock = r.run("mock", "list profiles", c);
        let floor = r.run("floor", "list profiles", c);
        let prism = r.run("Prism", "list profiles", c);
        let rps = |x: Option<&Run>| x.map_or("–".into(), |x| fmt_int(x.report.rps));
        let p = |x: Option<&Run>, f: fn(&WrkReport) -> f64| {
            x.map_or("–".into(), |x| us(f(&x.report)))
        };
        let ratio = |a: Option<&Run>, b: Option<&Run>, digits: usize| match (a, b) {
            (Some(a), Some(b)) => format!("{:.*} ×", digits, a.report.rps / b.report.rps),
            _ => "–".into(),
        };
        if mock.is_none() {
            continue;
        }
        let _ = writeln!(
            o,
            "| {c} | {} | {} | {} | {} | {} | {} | {} | {} | {} |",
            rps(mock),
            rps(floor),
            ratio(mock, floor, 2),
            rps(prism),
            ratio(mock, prism, 1),
            p(mock, |x| x.p50_us),
            p(mock, |x| x.p99_us),
            p(floor, |x| x.p99_us),
            p(prism, |x| x.p99_us),
        );
    }
    if let Some(skipped) = &r.prism_skipped {
        let _ = writeln!(o, "\n{skipped}.");
    }
}

/// Throughput: every scenario the mock ran.
fn mock_scenarios(o: &mut String, r: &Results) {
    let _ = writeln!(o, "\n### Every scenario on the mock\n");
    if r.rounds > 1 {
        let _ = writeln!(
            o,
            "The reads are each the best of {} rounds, as the list's; group churn runs once, \
                 last, as it changes the state.\n",
            r.rounds
        );
    }
    let _ = writeln!(
            o,
            "| scenario | request | conn | req/s | p50 | p90 | p99 | checks |\n| --- | --- | ---: | ---: | ---: | ---: | ---: | --- |"
        );
    for run in r.runs.iter().filter(|x| x.server == "mock") {
        let _ = writeln!(
            o,
            "| {} | {} | {} | {} | {} | {} | {} | {} |",
            run.scenario,
            request_cell(run),
            run.conns,
            fmt_int(run.report.rps),
            us(run.report.p50_us),
            us(run.report.p90_us),
            us(run.report.p99_us),
            run.checks()
        );
    }
    let _ = writeln!(o);
}

/// Startup: the program and the in-process server.
fn startup(o: &mut String, r: &Results) {
    if let Some(s) = &r.startup {
        let _ = writeln!(o, "## Startup\n");
        let _ = writeln!(
            o,
            "| what | runs | median | p90 | min | max |\n| --- | ---: | ---: | ---: | ---: | ---: |"
        );
        let row = |o: &mut String, what: &str, samples: &[f64], unit_us: f64| {
            if let Some((m, p)) = median_p90(samples) {
                let min = samples.iter().copied().fold(f64::INFINITY, f64::min);
                let max = samples.iter().copied().fold(0.0, f64::max);
                let _ = writeln!(
                    o,
                    "| {what} | {} | {} | {} | {} | {} |",
                    samples.len(),
                    us(m * unit_us),
                    us(p * unit_us),
                    us(min * unit_us),
                    us(max * unit_us)
                );
            }
        };
        row(
            o,
            "`postproxy-mock --port 0` (dist profile, demo data): spawn to the first 200 of `GET /api/profiles`",
            &s.binary_ms,
            1e3,
        );
        row(
            o,
            "`MockServer::start().await` in-process (current-thread runtime, demo data)",
            &s.inproc_start_us,
            1.0,
        );
        row(
            o,
            "in-process: before `start()` to the complete first response on a new connection",
            &s.inproc_first_us,
            1.0,
        );
        let _ = writeln!(o);
    }
}

/// Scale: the fixture and each run on it.
fn scale_table(o: &mut String, r: &Results, s: &ScaleResults) {
    let _ = writeln!(o, "## Scale\n");
    let _ = writeln!(
        o,
        "A generated fixture (`xtask/src/bench/fixtures.rs`, deterministic, {} MB of JSON): \
             one account, {} profiles in {} groups of {}, each profile with one stats snapshot, \
             except `{}` ({}-snapshot hourly series) and `{}` ({} snapshots). Every load run \
             here is wrk with 1 thread and 1 connection for {} s, so p50 is the cost of one \
             request.\n",
        fmt_int(s.fixture_bytes as f64 / 1e6),
        fmt_int(s.scale.profiles as f64),
        fmt_int(s.scale.groups as f64),
        s.scale.group_size(),
        s.scale.long_series_profile(),
        fmt_int(s.scale.long_series as f64),
        s.scale.short_series_profile(),
        s.scale.short_series,
        r.duration_s
    );
    let _ = writeln!(
            o,
            "| scenario | request | req/s | p50 | p99 | checks |\n| --- | --- | ---: | ---: | ---: | --- |"
        );
    for run in &s.runs {
        let _ = writeln!(
            o,
            "| {} | {} | {} | {} | {} | {} |",
            run.scenario,
            request_cell(run),
            fmt_int(run.report.rps),
            us(run.report.p50_us),
            us(run.report.p99_us),
            run.checks()
        );
    }
    let _ = writeln!(o);
}

/// Scale: what the runs say about list and window costs, loading and memory.
fn scale_notes(o: &mut String, s: &ScaleResults) {
    if let (Some(group), Some(whole)) = (
        s.run("scale: list, group of 100"),
        s.run("scale: list, whole account"),
    ) {
        let _ = writeln!(
            o,
            "- List cost vs group size: a {}-profile group costs {} (p50, {:.2} µs per profile \
                 returned); the whole account ({} profiles, {} MB in one response: list has no \
                 pagination) costs {} ({:.2} µs per profile).",
            s.scale.group_size(),
            us(group.report.p50_us),
            group.report.p50_us / s.scale.group_size() as f64,
            fmt_int(s.whole_list_count as f64),
            fmt_int(s.whole_list_bytes as f64 / 1e6),
            us(whole.report.p50_us),
            whole.report.p50_us / s.whole_list_count.max(1) as f64
        );
    }
    if let (Some(a), Some(b)) = (
        s.run("scale: stats, 10 of 10 000"),
        s.run("scale: stats, 1 000 of 10 000"),
    ) {
        let _ = writeln!(
            o,
            "- Stats windows: 1 000 records cost {:.1} × what 10 records cost on the same \
                 10 000-snapshot series ({} vs {}).",
            b.report.p50_us / a.report.p50_us,
            us(b.report.p50_us),
            us(a.report.p50_us)
        );
    }
    let _ = writeln!(
        o,
        "- Loading the fixture (`--fixtures`, spawn to the first 200): {:.0} ms.",
        s.load_ms
    );
    let _ = writeln!(
        o,
        "- Resident memory: VmRSS {} KiB with the scale fixture (peak VmHWM {} KiB, while \
             parsing), {} KiB with a tiny one (one account, one key, one empty group): {} bytes \
             per profile (the difference over {} profiles; it includes the groups and the \
             {}-snapshot series).\n",
        fmt_int(s.big_rss_kib as f64),
        fmt_int(s.big_hwm_kib as f64),
        fmt_int(s.tiny_rss_kib as f64),
        fmt_int(s.bytes_per_profile()),
        fmt_int(s.scale.profiles as f64),
        fmt_int(s.scale.long_series as f64)
    );
}

/// How to read the figures, the warnings and the commands.
fn reading(o: &mut String, r: &Results) {
    let _ = writeln!(o, "## How to read these figures\n");
    let _ = writeln!(
        o,
        "- wrk's percentiles are of the latency it saw on each connection, without correction \
         for coordinated omission; at 1 connection p50 is the cost of one request.\n\
         - At 1 connection every server waits on the loopback round trip and on wrk, so \
         the gap between servers shrinks there: the throughput ratios say most at 10 and 50 \
         connections.\n\
         - Read the p99 target against the floor's p99 in the same run: with wrk on the same \
         cores, 50 connections queue behind each other (at 20 000 req/s the mean wait alone is \
         2.5 ms), and the floor may miss it too.\n\
         - wrk, the servers and this harness share the machine's cores: on a 2-core machine a \
         server gets about one core while wrk uses the other, so req/s are a lower bound of the \
         server's own capacity, and the floor ratio compares like with like.\n\
         - Every figure is from one run: reruns on a quiet machine differ by several percent, \
         more when other work shares the machine (see the load average above).\n\
         - Raw wrk output of each run: `$TARGET/bench/logs/` (`$TARGET` is Cargo's target \
         directory)."
    );
    if !r.warnings.is_empty() {
        let _ = writeln!(o, "\n## Warnings\n");
        for w in &r.warnings {
            let _ = writeln!(o, "- {w}");
        }
    }
    let _ = writeln!(
        o,
        "\n## Commands\n\nIn the order they ran (ports are the ones bound in this run):\n\n```sh"
    );
    for c in &r.commands {
        let _ = writeln!(o, "{c}");
    }
    let _ = writeln!(o, "```");
}

fn request_cell(run: &Run) -> String {
    if run.expect == 0 {
        "`POST /api/profile_groups`, then `DELETE` of the id it returned".into()
    } else {
        format!("`GET {}`", run.path)
    }
}
