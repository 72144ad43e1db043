//! Every JSON example of the reference docs is in the spec, and every example in the spec
//! deserialises into the models and serialises back to the same JSON.

use crate::common;

use postproxy_models as m;
use serde::{de::DeserializeOwned, Serialize};
use serde_json::Value;

const COMMITTED: &str = include_str!("../../../openapi/reference-examples.json");

fn committed() -> Value {
    serde_json::from_str(COMMITTED).unwrap()
}

/// Deserialises `value` as `T` and serialises it back.
fn round_trip<T: DeserializeOwned + Serialize>(value: &Value) -> Result<Value, String> {
    let typed: T = serde_json::from_value(value.clone()).map_err(|e| e.to_string())?;
    serde_json::to_value(&typed).map_err(|e| e.to_string())
}

/// The model type of each component schema. A schema added to the spec without a line here
/// fails `spec_examples_round_trip_through_the_models`.
fn round_trip_as(schema: &str, value: &Value) -> Result<Value, String> {
    match schema {
        "Error" => round_trip::<m::Error>(value),
        "Platform" => round_trip::<m::Platform>(value),
        "ProfileStatus" => round_trip::<m::ProfileStatus>(value),
        "ProfileInactiveReason" => round_trip::<m::ProfileInactiveReason>(value),
        "Profile" => round_trip::<m::Profile>(value),
        "ProfileList" => round_trip::<m::ProfileList>(value),
        "Stats" => round_trip::<m::Stats>(value),
        "LatestStats" => round_trip::<m::LatestStats>(value),
        "SummaryStats" => round_trip::<m::SummaryStats>(value),
        "ProfileDetail" => round_trip::<m::ProfileDetail>(value),
        "Placement" => round_trip::<m::Placement>(value),
        "PlacementList" => round_trip::<m::PlacementList>(value),
        "StatsRecord" => round_trip::<m::StatsRecord>(value),
        "ProfileStats" => round_trip::<m::ProfileStats>(value),
        "ProfileStatsResponse" => round_trip::<m::ProfileStatsResponse>(value),
        "DeleteProfileResponse" => round_trip::<m::DeleteProfileResponse>(value),
        "ProfileGroup" => round_trip::<m::ProfileGroup>(value),
        "ProfileGroupList" => round_trip::<m::ProfileGroupList>(value),
        "ProfileGroupParams" => round_trip::<m::ProfileGroupParams>(value),
        "CreateProfileGroupRequest" => round_trip::<m::CreateProfileGroupRequest>(value),
        "DeleteProfileGroupResponse" => round_trip::<m::DeleteProfileGroupResponse>(value),
        "InitializeConnectionRequest" => round_trip::<m::InitializeConnectionRequest>(value),
        "InitializeConnectionResponse" => round_trip::<m::InitializeConnectionResponse>(value),
        "OAuthConnection" => round_trip::<m::OAuthConnection>(value),
        "CredentialConnection" => round_trip::<m::CredentialConnection>(value),
        "ConnectedProfile" => round_trip::<m::ConnectedProfile>(value),
        "AssignToGroupRequest" => round_trip::<m::AssignToGroupRequest>(value),
        "AssignPlacementToGroupRequest" => round_trip::<m::AssignPlacementToGroupRequest>(value),
        "AssignedPlacement" => round_trip::<m::AssignedPlacement>(value),
        "IceBreaker" => round_trip::<m::IceBreaker>(value),
        "IceBreakerList" => round_trip::<m::IceBreakerList>(value),
        "SetIceBreakersRequest" => round_trip::<m::SetIceBreakersRequest>(value),
        "SuccessResponse" => round_trip::<m::SuccessResponse>(value),
        "DailyStatsRecord" => round_trip::<m::DailyStatsRecord>(value),
        "DailyStats" => round_trip::<m::DailyStats>(value),
        "DailyStatsResponse" => round_trip::<m::DailyStatsResponse>(value),
        "FollowerHistoryRecord" => round_trip::<m::FollowerHistoryRecord>(value),
        "FollowerHistory" => round_trip::<m::FollowerHistory>(value),
        "FollowerHistoryResponse" => round_trip::<m::FollowerHistoryResponse>(value),
        other => Err(format!(
            "no model type is mapped for schema `{other}` in this test"
        )),
    }
}

#[test]
fn spec_examples_round_trip_through_the_models() {
    let spec = common::spec();
    let examples = common::examples(&spec);
    assert!(
        examples.len() >= 30,
        "found only {} examples",
        examples.len()
    );
    let mut failures = Vec::new();
    for ex in &examples {
        match round_trip_as(&ex.schema, &ex.value) {
            Ok(back) if back == ex.value => {}
            Ok(back) => failures.push(format!("{}: {} came back as {back}", ex.place, ex.value)),
            Err(e) => failures.push(format!("{} ({}): {e}", ex.place, ex.schema)),
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn every_component_schema_has_a_model_type() {
    let spec = common::spec();
    for name in spec["components"]["schemas"].as_object().unwrap().keys() {
        let err = round_trip_as(name, &Value::Null).err().unwrap_or_default();
        assert!(!err.starts_with("no model type"), "{err}");
    }
}

#[test]
fn reference_examples_are_spec_examples() {
    let spec = common::spec();
    let in_spec: Vec<Value> = common::examples(&spec)
        .into_iter()
        .map(|e| e.value)
        .collect();
    let committed = committed();
    let reference = committed["examples"].as_array().unwrap();
    assert_eq!(reference.len(), 18);
    for ex in reference {
        assert!(
            in_spec.contains(&ex["json"]),
            "reference example from {} is not an example in the spec: {}",
            ex["source"],
            ex["json"]
        );
    }
}

#[test]
fn placement_with_null_id_parses() {
    let list: m::PlacementList = serde_json::from_str(
        r#"{"data": [{"id": null, "name": "Personal Profile"}, {"id": "108520199", "name": "Acme Marketing"}]}"#,
    )
    .unwrap();
    assert_eq!(list.data[0].id, None);
    assert_eq!(list.data[1].id.as_deref(), Some("108520199"));
}

#[test]
fn stats_keep_numbers_strings_and_nested_objects() {
    let raw = serde_json::json!({
        "follower_count": 120, "monthly_views": 10.5, "channel_title": "Acme News",
        "analytics_30d": {"impressions": 4000, "saves": {"total": 3}}, "big": 9007199254740993u64
    });
    assert_eq!(round_trip::<m::Stats>(&raw).unwrap(), raw);
}

/// Every JSON object in the reference texts, in order (the same scan that produced
/// `openapi/reference-examples.json`).
fn scan(text: &str) -> Vec<Value> {
    let mut found = Vec::new();
    let mut i = 0;
    while let Some(j) = text[i..].find('{').map(|j| i + j) {
        let mut stream = serde_json::Deserializer::from_str(&text[j..]).into_iter::<Value>();
        match stream.next() {
            Some(Ok(v)) if v.is_object() => {
                i = j + stream.byte_offset();
                if !found.contains(&v) {
                    found.push(v);
                }
            }
            _ => i = j + 1,
        }
    }
    found
}

/// The committed list is what the reference texts hold. The texts live outside this repository
/// (`../shared/reference`, or `POSTPROXY_REFERENCE_DIR`); CI always has them.
#[test]
fn committed_examples_match_the_reference_texts() {
    let dir = std::env::var("POSTPROXY_REFERENCE_DIR").unwrap_or_else(|_| {
        concat!(env!("CARGO_MANIFEST_DIR"), "/../../shared/reference").to_string()
    });
    let dir = std::path::Path::new(&dir);
    if !dir.exists() {
        eprintln!("skipped: no reference texts at {}", dir.display());
        return;
    }
    let committed = committed();
    let mut expected: Vec<(String, Value)> = Vec::new();
    for key in ["examples", "excluded"] {
        for e in committed[key].as_array().unwrap() {
            expected.push((e["source"].as_str().unwrap().into(), e["json"].clone()));
        }
    }
    for file in ["profiles-api.txt", "profile-groups-api.txt"] {
        let text = std::fs::read_to_string(dir.join(file)).unwrap();
        let found = scan(&text);
        let listed: Vec<&Value> = expected
            .iter()
            .filter(|(s, _)| s == file)
            .map(|(_, v)| v)
            .collect();
        for v in &found {
            assert!(
                listed.contains(&v),
                "{file} has an example not in reference-examples.json: {v}"
            );
        }
        assert_eq!(
            found.len(),
            listed.len(),
            "{file}: reference-examples.json lists objects the text no longer has"
        );
    }
}
