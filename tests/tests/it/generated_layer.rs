//! The generated client against the generated router, through a canned implementation of the
//! trait that answers with the spec's own examples: every operation's inputs arrive typed,
//! every answer decodes, and every extractor rejection is the spec's JSON error body.
//! (The stateful mock is tested on its own; this checks the generated code and its wiring.)

use crate::common;

use std::sync::{Arc, Mutex};

use common::ok;
use postproxy_client::Client;
use postproxy_mock_server::RequestContext;
use postproxy_mock_server::*;
use postproxy_models as m;
use serde_json::Value;

/// Answers every operation with the spec's example for its success status, and records what
/// each call received.
#[derive(Default)]
struct Canned {
    calls: Mutex<Vec<String>>,
}

fn example<T: serde::de::DeserializeOwned>(op: &str) -> T {
    let status = if op == "create_profile_group" {
        201
    } else {
        200
    };
    serde_json::from_value(common::response_example(op, status)).unwrap()
}

impl Canned {
    fn record(&self, ctx: &RequestContext, call: String) {
        let auth = ctx.bearer_token().unwrap_or("-").to_string();
        let ua = ctx.header("user-agent").unwrap_or("-").to_string();
        self.calls
            .lock()
            .unwrap()
            .push(format!("{call} key={auth} ua={ua}"));
    }
    fn calls(&self) -> Vec<String> {
        self.calls.lock().unwrap().clone()
    }
}

impl PostproxyApi for Canned {
    async fn list_profiles(
        &self,
        ctx: RequestContext,
        q: ListProfilesQuery,
    ) -> Result<ListProfilesResponse, ApiError> {
        self.record(
            &ctx,
            format!("list_profiles group={:?}", q.profile_group_id),
        );
        Ok(ListProfilesResponse::Ok(example("list_profiles")))
    }
    async fn get_profile(
        &self,
        ctx: RequestContext,
        p: GetProfilePath,
        q: GetProfileQuery,
    ) -> Result<GetProfileResponse, ApiError> {
        self.record(
            &ctx,
            format!("get_profile id={} group={:?}", p.id, q.profile_group_id),
        );
        if p.id == "missing" {
            // An `ApiError` is answered with the variant documented for its status.
            return Err(ApiError::not_found());
        }
        Ok(GetProfileResponse::Ok(example("get_profile")))
    }
    async fn delete_profile(
        &self,
        ctx: RequestContext,
        p: DeleteProfilePath,
        q: DeleteProfileQuery,
        h: DeleteProfileHeaders,
    ) -> Result<DeleteProfileResponse, ApiError> {
        self.record(
            &ctx,
            format!(
                "delete_profile id={} group={:?} key={:?}",
                p.id, q.profile_group_id, h.idempotency_key
            ),
        );
        Ok(DeleteProfileResponse::Ok(example("delete_profile")))
    }
    async fn list_profile_placements(
        &self,
        ctx: RequestContext,
        p: ListProfilePlacementsPath,
        q: ListProfilePlacementsQuery,
    ) -> Result<ListProfilePlacementsResponse, ApiError> {
        self.record(
            &ctx,
            format!(
                "list_profile_placements id={} group={:?}",
                p.id, q.profile_group_id
            ),
        );
        Ok(ListProfilePlacementsResponse::Ok(example(
            "list_profile_placements",
        )))
    }
    async fn get_profile_stats(
        &self,
        ctx: RequestContext,
        p: GetProfileStatsPath,
        q: GetProfileStatsQuery,
    ) -> Result<GetProfileStatsResponse, ApiError> {
        self.record(
            &ctx,
            format!(
                "get_profile_stats id={} group={:?} placement={:?} from={:?} to={:?}",
                p.id, q.profile_group_id, q.placement_id, q.from, q.to
            ),
        );
        if q.placement_id.is_none() {
            return Ok(GetProfileStatsResponse::BadRequest(m::Error {
                error: "placement_id is required for linkedin profiles".into(),
            }));
        }
        Ok(GetProfileStatsResponse::Ok(example("get_profile_stats")))
    }
    async fn assign_to_group(
        &self,
        ctx: RequestContext,
        p: AssignToGroupPath,
        q: AssignToGroupQuery,
        h: AssignToGroupHeaders,
        body: m::AssignToGroupRequest,
    ) -> Result<AssignToGroupResponse, ApiError> {
        self.record(
            &ctx,
            format!(
                "assign_to_group id={} group={:?} key={:?} target={}",
                p.id, q.profile_group_id, h.idempotency_key, body.target_profile_group_id
            ),
        );
        Ok(AssignToGroupResponse::Ok(example("assign_to_group")))
    }
    async fn assign_placement_to_group(
        &self,
        ctx: RequestContext,
        p: AssignPlacementToGroupPath,
        q: AssignPlacementToGroupQuery,
        h: AssignPlacementToGroupHeaders,
        body: m::AssignPlacementToGroupRequest,
    ) -> Result<AssignPlacementToGroupResponse, ApiError> {
        self.record(
            &ctx,
            format!(
                "assign_placement_to_group id={} group={:?} key={:?} placement={} target={}",
                p.id,
                q.profile_group_id,
                h.idempotency_key,
                body.placement_id,
                body.target_profile_group_id
            ),
        );
        Ok(AssignPlacementToGroupResponse::Ok(example(
            "assign_placement_to_group",
        )))
    }
    async fn get_ice_breakers(
        &self,
        ctx: RequestContext,
        p: GetIceBreakersPath,
        q: GetIceBreakersQuery,
    ) -> Result<GetIceBreakersResponse, ApiError> {
        self.record(
            &ctx,
            format!(
                "get_ice_breakers id={} group={:?}",
                p.id, q.profile_group_id
            ),
        );
        Ok(GetIceBreakersResponse::Ok(example("get_ice_breakers")))
    }
    async fn set_ice_breakers(
        &self,
        ctx: RequestContext,
        p: SetIceBreakersPath,
        q: SetIceBreakersQuery,
        h: SetIceBreakersHeaders,
        body: m::SetIceBreakersRequest,
    ) -> Result<SetIceBreakersResponse, ApiError> {
        self.record(
            &ctx,
            format!(
                "set_ice_breakers id={} group={:?} key={:?} items={}",
                p.id,
                q.profile_group_id,
                h.idempotency_key,
                body.ice_breakers.len()
            ),
        );
        Ok(SetIceBreakersResponse::Ok(example("set_ice_breakers")))
    }
    async fn delete_ice_breakers(
        &self,
        ctx: RequestContext,
        p: DeleteIceBreakersPath,
        q: DeleteIceBreakersQuery,
        h: DeleteIceBreakersHeaders,
    ) -> Result<DeleteIceBreakersResponse, ApiError> {
        self.record(
            &ctx,
            format!(
                "delete_ice_breakers id={} group={:?} key={:?}",
                p.id, q.profile_group_id, h.idempotency_key
            ),
        );
        Ok(DeleteIceBreakersResponse::Ok(example(
            "delete_ice_breakers",
        )))
    }
    async fn get_daily_stats(
        &self,
        ctx: RequestContext,
        p: GetDailyStatsPath,
        q: GetDailyStatsQuery,
    ) -> Result<GetDailyStatsResponse, ApiError> {
        self.record(
            &ctx,
            format!(
                "get_daily_stats id={} placement={:?} from={:?} to={:?} attribution={:?}",
                p.id, q.placement_id, q.from, q.to, q.attribution
            ),
        );
        Ok(GetDailyStatsResponse::Ok(example("get_daily_stats")))
    }
    async fn get_follower_history(
        &self,
        ctx: RequestContext,
        p: GetFollowerHistoryPath,
        q: GetFollowerHistoryQuery,
    ) -> Result<GetFollowerHistoryResponse, ApiError> {
        self.record(
            &ctx,
            format!(
                "get_follower_history id={} placement={:?} from={:?} to={:?}",
                p.id, q.placement_id, q.from, q.to
            ),
        );
        Ok(GetFollowerHistoryResponse::Ok(example(
            "get_follower_history",
        )))
    }
    async fn list_profile_groups(
        &self,
        ctx: RequestContext,
        _q: ListProfileGroupsQuery,
    ) -> Result<ListProfileGroupsResponse, ApiError> {
        self.record(&ctx, "list_profile_groups".into());
        Ok(ListProfileGroupsResponse::TooManyRequests {
            body: m::Error {
                error: "Rate limit exceeded".into(),
            },
            retry_after: Some(7),
        })
    }
    async fn create_profile_group(
        &self,
        ctx: RequestContext,
        _q: CreateProfileGroupQuery,
        h: CreateProfileGroupHeaders,
        body: m::CreateProfileGroupRequest,
    ) -> Result<CreateProfileGroupResponse, ApiError> {
        let name = body.profile_group.and_then(|g| g.name).or(body.name);
        self.record(
            &ctx,
            format!(
                "create_profile_group name={name:?} key={:?}",
                h.idempotency_key
            ),
        );
        Ok(CreateProfileGroupResponse::Created(example(
            "create_profile_group",
        )))
    }
    async fn get_profile_group(
        &self,
        ctx: RequestContext,
        p: GetProfileGroupPath,
        _q: GetProfileGroupQuery,
    ) -> Result<GetProfileGroupResponse, ApiError> {
        self.record(&ctx, format!("get_profile_group id={}", p.id));
        Ok(GetProfileGroupResponse::Ok(example("get_profile_group")))
    }
    async fn delete_profile_group(
        &self,
        ctx: RequestContext,
        p: DeleteProfileGroupPath,
        _q: DeleteProfileGroupQuery,
        h: DeleteProfileGroupHeaders,
    ) -> Result<DeleteProfileGroupResponse, ApiError> {
        self.record(
            &ctx,
            format!(
                "delete_profile_group id={} key={:?}",
                p.id, h.idempotency_key
            ),
        );
        Ok(DeleteProfileGroupResponse::Ok(example(
            "delete_profile_group",
        )))
    }
    async fn initialize_connection(
        &self,
        ctx: RequestContext,
        p: InitializeConnectionPath,
        _q: InitializeConnectionQuery,
        body: m::InitializeConnectionRequest,
    ) -> Result<InitializeConnectionResponse, ApiError> {
        self.record(
            &ctx,
            format!(
                "initialize_connection id={} platform={:?} redirect={:?}",
                p.id, body.platform, body.redirect_url
            ),
        );
        let oauth = common::named_response_example("initialize_connection", 200, "oauth");
        Ok(InitializeConnectionResponse::Ok(
            serde_json::from_value(oauth).unwrap(),
        ))
    }
}

async fn serve() -> (Arc<Canned>, String) {
    let api = Arc::new(Canned::default());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let app = app(api.clone());
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    (api, url)
}

#[tokio::test]
async fn every_operation_round_trips_through_client_and_router() {
    let (api, url) = serve().await;
    let built = Client::builder("k_full").base_url(&url).build().unwrap();
    let client = built.generated();

    let list = client.list_profiles().send().await.unwrap();
    assert_eq!(list.status().as_u16(), 200);
    assert_eq!(
        list.into_inner(),
        example::<m::ProfileList>("list_profiles")
    );

    let detail = ok(client.get_profile().id("prof_li_001").send().await);
    assert_eq!(detail.summary_stats.unwrap().stats["followerCount"], 5767);

    let placements = ok(client
        .list_profile_placements()
        .id("prof_li_001")
        .send()
        .await);
    assert_eq!(placements.data[0].id, None);

    let stats = ok(client
        .get_profile_stats()
        .id("prof_li_001")
        .placement_id("108520199")
        .from("2026-04-01T00:00:00Z")
        .send()
        .await);
    assert_eq!(stats.data.records.len(), 3);

    let deleted = client
        .delete_profile()
        .id("prof123abc")
        .idempotency_key("k-1")
        .send()
        .await;
    assert!(ok(deleted).success);

    let moved = ok(client
        .assign_to_group()
        .id("prof_ig_001")
        .idempotency_key("k-2")
        .body(m::AssignToGroupRequest {
            target_profile_group_id: "grp123abc".into(),
        })
        .send()
        .await);
    assert_eq!(moved.profile_group_id, "grp123abc");

    let placement = ok(client
        .assign_placement_to_group()
        .id("prof_fb_001")
        .body(m::AssignPlacementToGroupRequest {
            placement_id: "200000000000002".into(),
            target_profile_group_id: "grp789ghi".into(),
        })
        .send()
        .await);
    assert_eq!(placement.profile_group_id, "grp789ghi");

    let breakers = ok(client.get_ice_breakers().id("prof_ig_001").send().await);
    assert_eq!(breakers.ice_breakers.len(), 2);
    let set = client
        .set_ice_breakers()
        .id("prof_ig_001")
        .body(m::SetIceBreakersRequest {
            ice_breakers: breakers.ice_breakers,
        })
        .send()
        .await;
    assert!(ok(set).success);
    assert!(ok(client.delete_ice_breakers().id("prof_ig_001").send().await).success);

    let daily = ok(client
        .get_daily_stats()
        .id("prof_li_001")
        .placement_id("108520199")
        .from("2026-05-10")
        .attribution("publish")
        .send()
        .await);
    assert_eq!(daily.data.records.len(), 2);
    let history = ok(client.get_follower_history().id("prof_li_001").send().await);
    assert_eq!(history.data.records[1].followers_change, Some(47));

    let created = client
        .create_profile_group()
        .body(m::CreateProfileGroupRequest {
            profile_group: Some(m::ProfileGroupParams {
                name: Some("New Client Project".into()),
            }),
            name: None,
        })
        .send()
        .await
        .unwrap();
    assert_eq!(created.status().as_u16(), 201);
    assert_eq!(created.into_inner().id, "grp999xyz");

    let group = ok(client.get_profile_group().id("grp123abc").send().await);
    assert_eq!(group.profiles_count, 5);
    assert!(ok(client.delete_profile_group().id("grp123abc").send().await).deleted);

    let conn = ok(client
        .initialize_connection()
        .id("grp123abc")
        .body(m::InitializeConnectionRequest {
            platform: Some("instagram".into()),
            redirect_url: Some("https://myapp.com/oauth/callback".into()),
            ..Default::default()
        })
        .send()
        .await);
    assert!(matches!(conn, m::InitializeConnectionResponse::OAuthConnection(c) if c.success));

    // A documented error status decodes as the typed error body, with its status.
    match client.list_profile_groups().send().await {
        Err(postproxy_client::GeneratedError::ErrorResponse(e)) => {
            assert_eq!(e.status().as_u16(), 429);
            assert_eq!(e.headers()["retry-after"], "7");
            assert_eq!(e.into_inner().error, "Rate limit exceeded");
        }
        other => panic!("expected a 429 error response, got {other:?}"),
    }
    let got = common::error_response(client.get_profile().id("missing").send().await);
    assert_eq!(got, (404, "Not found".to_string()));

    let ua = postproxy_client::USER_AGENT;
    assert!(ua.starts_with("postproxy-rust/"));
    let expected: Vec<String> = [
        "list_profiles group=None".to_string(),
        "get_profile id=prof_li_001 group=None".into(),
        "list_profile_placements id=prof_li_001 group=None".into(),
        "get_profile_stats id=prof_li_001 group=None placement=Some(\"108520199\") from=Some(\"2026-04-01T00:00:00Z\") to=None".into(),
        "delete_profile id=prof123abc group=None key=Some(\"k-1\")".into(),
        "assign_to_group id=prof_ig_001 group=None key=Some(\"k-2\") target=grp123abc".into(),
        "assign_placement_to_group id=prof_fb_001 group=None key=None placement=200000000000002 target=grp789ghi".into(),
        "get_ice_breakers id=prof_ig_001 group=None".into(),
        "set_ice_breakers id=prof_ig_001 group=None key=None items=2".into(),
        "delete_ice_breakers id=prof_ig_001 group=None key=None".into(),
        "get_daily_stats id=prof_li_001 placement=Some(\"108520199\") from=Some(\"2026-05-10\") to=None attribution=Some(\"publish\")".into(),
        "get_follower_history id=prof_li_001 placement=None from=None to=None".into(),
        "create_profile_group name=Some(\"New Client Project\") key=None".into(),
        "get_profile_group id=grp123abc".into(),
        "delete_profile_group id=grp123abc key=None".into(),
        "initialize_connection id=grp123abc platform=Some(\"instagram\") redirect=Some(\"https://myapp.com/oauth/callback\")".into(),
        "list_profile_groups".into(),
        "get_profile id=missing group=None".into(),
    ]
    .into_iter()
    .map(|c| format!("{c} key=k_full ua={ua}"))
    .collect();
    assert_eq!(api.calls(), expected);
}

#[tokio::test]
async fn default_group_is_sent_on_profile_operations_and_can_be_overridden() {
    let (api, url) = serve().await;
    let client = Client::builder("k")
        .base_url(format!("{url}/"))
        .profile_group_id("grp_a")
        .user_agent("my-app/1")
        .build()
        .unwrap();
    client.profiles().list().send().await.unwrap();
    client
        .profiles()
        .get("p1")
        .profile_group_id("grp_b")
        .send()
        .await
        .unwrap();
    client.profiles().placements("p1").send().await.unwrap();
    client
        .profiles()
        .stats("p1")
        .placement_id("108520199")
        .send()
        .await
        .unwrap();
    client.profiles().delete("p1").send().await.unwrap();
    client.profile_groups().get("grp_a").send().await.unwrap();
    assert_eq!(
        api.calls(),
        [
            "list_profiles group=Some(\"grp_a\") key=k ua=my-app/1",
            "get_profile id=p1 group=Some(\"grp_b\") key=k ua=my-app/1",
            "list_profile_placements id=p1 group=Some(\"grp_a\") key=k ua=my-app/1",
            "get_profile_stats id=p1 group=Some(\"grp_a\") placement=Some(\"108520199\") from=None to=None key=k ua=my-app/1",
            "delete_profile id=p1 group=Some(\"grp_a\") key=None key=k ua=my-app/1",
            "get_profile_group id=grp_a key=k ua=my-app/1",
        ]
    );
}

/// A raw request; returns status, headers and the body parsed as JSON (panics if not JSON).
async fn raw(
    method: &str,
    url: &str,
    headers: &[(&str, &str)],
    body: Option<Vec<u8>>,
) -> (u16, reqwest::header::HeaderMap, Value) {
    let mut req = reqwest::Client::new().request(method.parse().unwrap(), url);
    for (k, v) in headers {
        req = req.header(*k, *v);
    }
    if let Some(b) = body {
        req = req.body(b);
    }
    let resp = req.send().await.unwrap();
    let status = resp.status().as_u16();
    let headers = resp.headers().clone();
    let bytes = resp.bytes().await.unwrap();
    let json = serde_json::from_slice(&bytes).unwrap_or_else(|e| {
        panic!(
            "{method} {url}: body is not JSON ({e}): {}",
            String::from_utf8_lossy(&bytes)
        )
    });
    (status, headers, json)
}

/// method, URL, headers, body, expected status, text the error message must contain.
type Case = (
    &'static str,
    String,
    Vec<(&'static str, String)>,
    Option<Vec<u8>>,
    u16,
    &'static str,
);

#[tokio::test]
async fn extractor_rejections_are_json_errors_and_never_reach_the_trait() {
    let (api, url) = serve().await;
    let groups = format!("{url}/api/profile_groups");
    let cases: Vec<Case> = vec![
        (
            "POST",
            groups.clone(),
            vec![],
            Some(b"{\"profile_group\": ".to_vec()),
            400,
            "Invalid request body",
        ),
        (
            "POST",
            groups.clone(),
            vec![],
            Some(b"{\"profile_group\": {\"name\": 5}}".to_vec()),
            400,
            "profile_group.name",
        ),
        (
            "POST",
            groups.clone(),
            vec![],
            Some(b"[]".to_vec()),
            400,
            "Invalid request body",
        ),
        (
            "POST",
            groups.clone(),
            vec![],
            Some(b"{} {}".to_vec()),
            400,
            "trailing characters",
        ),
        (
            "POST",
            groups.clone(),
            vec![],
            None,
            400,
            "Missing request body",
        ),
        (
            "POST",
            groups.clone(),
            vec![],
            Some(vec![0xff, 0xfe, b'{']),
            400,
            "Invalid request body",
        ),
        (
            "POST",
            groups.clone(),
            vec![],
            Some(vec![b' '; 1024 * 1024 + 1]),
            413,
            "too large",
        ),
        (
            "POST",
            groups.clone(),
            vec![("idempotency-key", "x".repeat(256))],
            Some(b"{}".to_vec()),
            400,
            "Idempotency-Key",
        ),
        (
            "DELETE",
            format!("{url}/api/profiles/p"),
            vec![
                ("idempotency-key", "a".into()),
                ("idempotency-key", "b".into()),
            ],
            None,
            400,
            "more than once",
        ),
        (
            "GET",
            format!("{url}/api/profiles/p/stats?from=a&from=b"),
            vec![],
            None,
            400,
            "from",
        ),
        (
            "GET",
            format!("{url}/api/profiles/%FF"),
            vec![],
            None,
            400,
            "Invalid URL",
        ),
        (
            "GET",
            format!("{url}/api/nothing"),
            vec![],
            None,
            404,
            "Not found",
        ),
        (
            "PUT",
            groups.clone(),
            vec![],
            None,
            405,
            "Method not allowed",
        ),
        (
            "POST",
            format!("{url}/api/profile_groups/g/initialize_connection"),
            vec![],
            Some(b"{\"platform\": true}".to_vec()),
            400,
            "platform",
        ),
    ];
    for (method, u, headers, body, status, needle) in cases {
        let h: Vec<(&str, &str)> = headers.iter().map(|(k, v)| (*k, v.as_str())).collect();
        let (got, resp_headers, json) = raw(method, &u, &h, body).await;
        assert_eq!(got, status, "{method} {u}: {json}");
        let msg = json["error"]
            .as_str()
            .unwrap_or_else(|| panic!("{method} {u}: no error key: {json}"));
        assert!(
            msg.contains(needle),
            "{method} {u}: {msg:?} lacks {needle:?}"
        );
        assert_eq!(json.as_object().unwrap().len(), 1, "{json}");
        assert_eq!(resp_headers["content-type"], "application/json");
        if status == 405 {
            assert_eq!(resp_headers["allow"], "GET,HEAD,POST");
        }
    }
    assert_eq!(
        api.calls(),
        Vec::<String>::new(),
        "a rejected request reached the trait"
    );
}

#[test]
fn operation_table_matches_the_spec() {
    let spec = common::spec();
    let mut from_spec = Vec::new();
    for (path, item) in spec["paths"].as_object().unwrap() {
        for (method, op) in item.as_object().unwrap() {
            if let Some(id) = op.get("operationId").and_then(Value::as_str) {
                let mut statuses: Vec<u16> = op["responses"]
                    .as_object()
                    .unwrap()
                    .keys()
                    .map(|s| s.parse().unwrap())
                    .collect();
                statuses.sort();
                from_spec.push((
                    id.to_string(),
                    method.to_uppercase(),
                    path.clone(),
                    statuses,
                ));
            }
        }
    }
    let mut table: Vec<_> = OPERATIONS
        .iter()
        .map(|o| {
            (
                o.operation_id.to_string(),
                o.method.to_string(),
                o.path.to_string(),
                o.statuses.to_vec(),
            )
        })
        .collect();
    from_spec.sort();
    table.sort();
    assert_eq!(table, from_spec);
    assert_eq!(table.len(), 17);
}

#[tokio::test]
async fn a_non_ascii_header_value_is_400_and_not_echoed() {
    let (api, url) = serve().await;
    let value = reqwest::header::HeaderValue::from_bytes("clé-секрет".as_bytes()).unwrap();
    let resp = reqwest::Client::new()
        .delete(format!("{url}/api/profiles/p"))
        .header("idempotency-key", value)
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status().as_u16(), 400);
    let echoed = resp
        .headers()
        .values()
        .any(|v| v.as_bytes().windows(2).any(|w| w == "é".as_bytes()));
    assert!(!echoed, "the header value came back in a response header");
    let body: Value = resp.json().await.unwrap();
    let msg = body["error"].as_str().unwrap();
    assert!(
        msg.contains("Idempotency-Key must be visible ASCII"),
        "{msg}"
    );
    assert!(!msg.contains("clé"), "{msg}");
    assert!(api.calls().is_empty());
}
