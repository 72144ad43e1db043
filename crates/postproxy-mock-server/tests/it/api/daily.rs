//! get_daily_stats and get_follower_history (the official SDKs' per-day series): derived from
//! the same snapshots as get_profile_stats, one record per UTC day, so the three agree for any
//! profile and window, also after the clock has polled new snapshots.

use crate::common;

use common::{days, Mock, DEMO, FULL, SCOPED};
use serde_json::{json, Value};

/// get_profile_stats's records, reduced to each UTC day's last: (day, stats).
fn last_per_day(stats: &Value) -> Vec<(String, Value)> {
    let mut out: Vec<(String, Value)> = Vec::new();
    for record in stats["data"]["records"].as_array().unwrap() {
        let day = record["recorded_at"].as_str().unwrap()[..10].to_string();
        match out.last_mut() {
            Some((last, kept)) if *last == day => *kept = record["stats"].clone(),
            _ => out.push((day, record["stats"].clone())),
        }
    }
    out
}

/// Checks that daily_stats and follower_history agree with stats for `query` on `id`.
async fn agree(mock: &Mock, id: &str, query: &str, followers: &str) -> usize {
    let stats = mock
        .get(&format!("/api/profiles/{id}/stats?{query}"), FULL)
        .await;
    let expected = last_per_day(stats.assert_ok());
    let daily = mock
        .get(&format!("/api/profiles/{id}/daily_stats?{query}"), FULL)
        .await;
    let daily = daily.assert_ok()["data"].clone();
    let got: Vec<(String, Value)> = daily["records"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                r["date"].as_str().unwrap().to_string(),
                r["platform_stats"].clone(),
            )
        })
        .collect();
    assert_eq!(got, expected, "{id}?{query}");
    for record in daily["records"].as_array().unwrap() {
        assert_eq!(
            record.get("followers"),
            record["platform_stats"].get(followers)
        );
    }
    assert_eq!(daily["metrics"], json!({ "followers": followers }));
    let history = mock
        .get(
            &format!("/api/profiles/{id}/follower_history?{query}"),
            FULL,
        )
        .await;
    let records = history.assert_ok()["data"]["records"]
        .as_array()
        .unwrap()
        .clone();
    let totals: Vec<(String, Value)> = expected
        .iter()
        .filter_map(|(d, s)| Some((d.clone(), s.get(followers)?.clone())))
        .collect();
    let got: Vec<(String, Value)> = records
        .iter()
        .map(|r| {
            (
                r["date"].as_str().unwrap().to_string(),
                r["followers_total"].clone(),
            )
        })
        .collect();
    assert_eq!(got, totals, "{id}?{query}");
    for pair in records.windows(2) {
        let change = pair[1]["followers_total"].as_i64().unwrap()
            - pair[0]["followers_total"].as_i64().unwrap();
        assert_eq!(pair[1]["followers_change"], change);
        assert_eq!(pair[1]["followers_gained"], change.max(0));
        assert_eq!(pair[1]["followers_lost"], (-change).max(0));
    }
    if let Some(first) = records.first() {
        assert!(first.get("followers_change").is_none());
    }
    expected.len()
}

#[tokio::test]
async fn the_series_agree_with_stats_for_every_window() {
    let mock = Mock::start().await;
    let li = "placement_id=108520199";
    assert_eq!(agree(&mock, "prof_li_001", li, "followerCount").await, 4);
    let window = format!("{li}&from=2026-05-10T00:00:00Z&to=2026-05-11T23:59:59Z");
    assert_eq!(
        agree(&mock, "prof_li_001", &window, "followerCount").await,
        2
    );
    assert_eq!(agree(&mock, "prof654jkl", "", "followers_count").await, 3);
    // After the clock has polled a week of snapshots (one about every 23 hours: 7 polls on at
    // least 6 new days, two of them sharing a day only when one falls in the hour after
    // midnight).
    mock.server
        .control()
        .advance_clock(DEMO, &days(7))
        .await
        .unwrap();
    assert!(agree(&mock, "prof654jkl", "", "followers_count").await >= 3 + 6);
    assert!(agree(&mock, "prof_li_001", li, "followerCount").await >= 4 + 6);
    let tg = "placement_id=-1001234567890";
    assert!(agree(&mock, "prof_tg_001", tg, "followers_count").await >= 3);
}

#[tokio::test]
async fn a_date_is_a_whole_day_and_the_answer_says_what_was_asked() {
    let mock = Mock::start().await;
    let path = "/api/profiles/prof_li_001/daily_stats?placement_id=108520199\
                &from=2026-05-10&to=2026-05-10&attribution=publish";
    let daily = mock.get(path, FULL).await;
    let data = &daily.assert_ok()["data"];
    assert_eq!(
        (
            &data["profile_id"],
            &data["platform"],
            &data["placement_id"]
        ),
        (
            &json!("prof_li_001"),
            &json!("linkedin"),
            &json!("108520199")
        )
    );
    assert_eq!(
        (
            &data["attribution"],
            &data["from"],
            &data["to"],
            &data["data_timezone"]
        ),
        (
            &json!("publish"),
            &json!("2026-05-10"),
            &json!("2026-05-10"),
            &json!("UTC")
        )
    );
    assert_eq!(data["records"].as_array().unwrap().len(), 1);
    let plain = mock.get("/api/profiles/prof654jkl/daily_stats", FULL).await;
    let data = &plain.assert_ok()["data"];
    assert_eq!(
        (&data["attribution"], &data["from"], &data["placement_id"]),
        (&json!("received"), &Value::Null, &Value::Null)
    );
    // google_business keeps no stats: no records, no normalised metric.
    let gb = mock
        .get("/api/profiles/prof_gb_001/daily_stats", FULL)
        .await;
    assert_eq!(gb.assert_ok()["data"]["records"], json!([]));
    assert_eq!(gb.assert_ok()["data"]["metrics"], json!({}));
}

#[tokio::test]
async fn bad_windows_and_placements_are_refused_as_stats_refuses_them() {
    let mock = Mock::start().await;
    for op in ["daily_stats", "follower_history"] {
        let at = |q: &str| format!("/api/profiles/prof_li_001/{op}?{q}");
        mock.get(&at(""), FULL)
            .await
            .assert_error(400, "placement_id is required for linkedin profiles");
        mock.get(&at("placement_id=999"), FULL)
            .await
            .assert_error(404, "Placement not found");
        for (q, error) in [
            (
                "placement_id=108520199&from=yesterday",
                "Invalid from: expected an ISO 8601 timestamp or a date",
            ),
            (
                "placement_id=108520199&to=2026-13-01",
                "Invalid to: expected an ISO 8601 timestamp or a date",
            ),
            (
                "placement_id=108520199&from=",
                "Invalid from: expected an ISO 8601 timestamp or a date",
            ),
        ] {
            mock.get(&at(q), FULL).await.assert_error(400, error);
        }
        // A window that ends before it starts is empty, as on stats.
        let empty = mock
            .get(
                &at("placement_id=108520199&from=2026-05-11&to=2026-05-09"),
                FULL,
            )
            .await;
        assert_eq!(empty.assert_ok()["data"]["records"], json!([]));
        mock.get(
            &format!("/api/profiles/prof_li_001/{op}?placement_id=108520199"),
            SCOPED,
        )
        .await
        .assert_error(404, "Not found");
        mock.get(&format!("/api/profiles/prof_nope/{op}"), FULL)
            .await
            .assert_error(404, "Not found");
    }
    mock.get(
        "/api/profiles/prof654jkl/daily_stats?attribution=yesterday",
        FULL,
    )
    .await
    .assert_error(400, "Invalid attribution: expected received or publish");
}
