//! The GET cache never changes an answer: two servers, one answering repeated GETs from its
//! cache and one making every answer afresh, take the same random sequences of changes
//! (product writes, control-plane injection, connections, clock moves forward and back) and
//! answer every GET between them byte for byte alike, with valid keys and without.

use postproxy_mock_server::control::{ClockAdvance, ClockUpdate, ProfilePatch};
use postproxy_mock_server::fixtures::SnapshotFixture;
use postproxy_mock_server::{MockServer, DEMO_FULL_ACCESS_KEY, DEMO_SCOPED_KEY};
use serde_json::{json, Value};

const DEMO: &str = "acct_demo";

/// A small deterministic generator (xorshift), so a failing sequence can be replayed.
struct Rng(u64);

impl Rng {
    fn below(&mut self, n: usize) -> usize {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        (self.0 % n as u64) as usize
    }

    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }
}

/// The two servers and what the sequence made on them (the same ids on both: same seed).
struct Pair {
    cached: MockServer,
    fresh: MockServer,
    http: reqwest::Client,
    groups: Vec<String>,
    profiles: Vec<String>,
}

/// The GETs compared after each step: every read of the product API, several stats windows.
const TARGETS: &[&str] = &[
    "/api/profile_groups",
    "/api/profile_groups/grp456xyz",
    "/api/profile_groups/grp456def",
    "/api/profiles",
    "/api/profiles?profile_group_id=grp456def",
    "/api/profiles?profile_group_id=grp123abc",
    "/api/profiles/prof_li_001",
    "/api/profiles/prof_tg_001",
    "/api/profiles/prof_bs_002",
    "/api/profiles/prof_li_001/placements",
    "/api/profiles/prof_fb_001/placements",
    "/api/profiles/prof_li_001/stats?placement_id=108520199",
    "/api/profiles/prof_yt_001/stats",
    "/api/profiles/prof_yt_001/stats?from=2026-06-02T00:00:00Z",
    "/api/profiles/prof_bs_002/stats?to=2026-06-10T00:00:00Z&from=2026-06-01T00:00:00Z",
    "/api/profiles/prof_tg_001/stats?placement_id=-1001234567890",
    // Refused before the key is read (or, without a valid key, after it).
    "/api/posts",
    "/api/profiles?profile_group_id=a&profile_group_id=b",
    "/api/profiles/prof_li_001/stats?from=yesterday",
];

/// The keys the GETs are made with: two valid ones, an unknown one and a blank one (both
/// answered 401, which the cache keeps per target).
const KEYS: &[&str] = &[DEMO_FULL_ACCESS_KEY, DEMO_SCOPED_KEY, "pp_not_a_key", ""];

impl Pair {
    async fn start() -> Self {
        let cached = MockServer::builder().seed(7).start().await.unwrap();
        let fresh = MockServer::builder()
            .seed(7)
            .response_cache(false)
            .start()
            .await
            .unwrap();
        let pair = Self {
            cached,
            fresh,
            http: reqwest::Client::new(),
            groups: Vec::new(),
            profiles: Vec::new(),
        };
        let at = ClockUpdate {
            now: Some("2026-06-01T00:00:00Z".into()),
            frozen: Some(true),
        };
        for server in pair.both() {
            server.control().set_clock(DEMO, &at).await.unwrap();
        }
        pair
    }

    fn both(&self) -> [&MockServer; 2] {
        [&self.cached, &self.fresh]
    }

    /// Sends the same request to both servers; asserts the same answer; returns its JSON.
    async fn call(&self, method: &str, target: &str, key: &str, body: Option<Value>) -> Value {
        let mut answers = Vec::new();
        for server in self.both() {
            let url = format!("{}{target}", server.base_url());
            let mut request = self
                .http
                .request(method.parse().unwrap(), url)
                .bearer_auth(key);
            if let Some(body) = &body {
                request = request.json(body);
            }
            let response = request.send().await.unwrap();
            let status = response.status().as_u16();
            // initialize_connection's URL names the server it came from.
            let text = response.text().await.unwrap();
            answers.push((status, text.replace(server.base_url(), "{base}")));
        }
        assert_eq!(answers[0], answers[1], "{method} {target} with {key}");
        serde_json::from_str(&answers[0].1).unwrap_or(Value::Null)
    }

    /// A GET, twice on the caching server (so the second is a hit when nothing changed).
    async fn read(&self, target: &str, key: &str) {
        self.call("GET", target, key, None).await;
        self.call("GET", target, key, None).await;
    }

    /// One random change, the same on both servers.
    async fn step(&mut self, rng: &mut Rng, n: usize) {
        match rng.below(10) {
            0 => self.create_group(n).await,
            1 if !self.groups.is_empty() => self.delete_a_group(rng).await,
            2 => self.advance_the_clocks(rng).await,
            3 => self.set_the_clocks_back(rng).await,
            4 => self.patch_a_profile(rng).await,
            5 => self.add_a_snapshot(rng, n).await,
            6 => self.connect(rng).await,
            7 if !self.profiles.is_empty() => self.delete_a_profile(rng).await,
            _ => {}
        }
    }

    async fn create_group(&mut self, n: usize) {
        let body = json!({"profile_group": {"name": format!("Group {n}")}});
        let group = self
            .call(
                "POST",
                "/api/profile_groups",
                DEMO_FULL_ACCESS_KEY,
                Some(body),
            )
            .await;
        self.groups.push(group["id"].as_str().unwrap().to_string());
    }

    async fn delete_a_group(&mut self, rng: &mut Rng) {
        let group = self.groups.remove(rng.below(self.groups.len()));
        let target = format!("/api/profile_groups/{group}");
        self.call("DELETE", &target, DEMO_FULL_ACCESS_KEY, None)
            .await;
    }

    async fn advance_the_clocks(&self, rng: &mut Rng) {
        let by = ClockAdvance {
            hours: 1 + rng.below(60) as i64,
            ..Default::default()
        };
        for server in self.both() {
            server.control().advance_clock(DEMO, &by).await.unwrap();
        }
    }

    async fn set_the_clocks_back(&self, rng: &mut Rng) {
        let back = ClockUpdate {
            now: Some(format!("2026-06-0{}T12:00:00Z", 1 + rng.below(5))),
            frozen: None,
        };
        for server in self.both() {
            server.control().set_clock(DEMO, &back).await.unwrap();
        }
    }

    async fn patch_a_profile(&self, rng: &mut Rng) {
        let profile = *rng.pick(&["prof_li_001", "prof_yt_001", "prof_bs_002"]);
        let patch = ProfilePatch {
            status: Some(
                serde_json::from_value(json!(rng.pick(&["active", "expired", "inactive"])))
                    .unwrap(),
            ),
            expires_at: Some(Some(format!("2026-06-0{}T06:00:00Z", 1 + rng.below(9)))),
            ..Default::default()
        };
        for server in self.both() {
            server
                .control()
                .patch_profile(DEMO, profile, &patch)
                .await
                .unwrap();
        }
    }

    async fn add_a_snapshot(&self, rng: &mut Rng, n: usize) {
        let snapshot = SnapshotFixture {
            placement_id: None,
            stats: json!({"subscriberCount": n, "viewCount": n * 10})
                .as_object()
                .unwrap()
                .clone(),
            recorded_at: format!("2026-06-0{}T0{}:00:00Z", 1 + rng.below(9), rng.below(10)),
            raw_stats: Default::default(),
        };
        for server in self.both() {
            server
                .control()
                .add_snapshot(DEMO, "prof_yt_001", &snapshot)
                .await
                .unwrap();
        }
    }

    async fn delete_a_profile(&mut self, rng: &mut Rng) {
        let profile = self.profiles.remove(rng.below(self.profiles.len()));
        let target = format!("/api/profiles/{profile}");
        self.call("DELETE", &target, DEMO_FULL_ACCESS_KEY, None)
            .await;
    }

    /// initialize_connection, then the user authorises it: a new (or reconnected) profile.
    async fn connect(&mut self, rng: &mut Rng) {
        let group = self
            .groups
            .first()
            .map_or("grp789ghi", String::as_str)
            .to_string();
        let platform = *rng.pick(&["youtube", "tiktok", "threads", "facebook"]);
        let body = json!({"platform": platform, "redirect_url": "https://app.example/cb", "refresh_connection": true});
        let target = format!("/api/profile_groups/{group}/initialize_connection");
        let made = self
            .call("POST", &target, DEMO_FULL_ACCESS_KEY, Some(body))
            .await;
        let Some(url) = made["url"].as_str() else {
            return;
        };
        let token = url.rsplit('/').next().unwrap().to_string();
        let mut ids = Vec::new();
        for server in self.both() {
            let outcome = server
                .control()
                .authorize_connection(DEMO, &token)
                .await
                .unwrap();
            ids.push(outcome.profile.map(|p| p.id));
        }
        assert_eq!(ids[0], ids[1]);
        self.profiles.extend(ids[0].clone());
    }
}

#[tokio::test]
async fn cached_and_fresh_answers_are_the_same_over_random_changes() {
    for seed in [1_u64, 2, 3] {
        let mut pair = Pair::start().await;
        let mut rng = Rng(0x9E37_79B9_7F4A_7C15 ^ seed);
        for n in 0..120 {
            pair.step(&mut rng, n).await;
            for _ in 0..3 {
                let target = *rng.pick(TARGETS);
                let key = *rng.pick(KEYS);
                pair.read(target, key).await;
            }
            for group in pair.groups.clone() {
                pair.read(
                    &format!("/api/profiles?profile_group_id={group}"),
                    DEMO_FULL_ACCESS_KEY,
                )
                .await;
            }
            for profile in pair.profiles.clone() {
                pair.read(&format!("/api/profiles/{profile}"), DEMO_FULL_ACCESS_KEY)
                    .await;
            }
        }
        // The comparison means something only if the cache answered.
        let hits = pair.cached.cache_hits();
        assert!(
            hits > 300,
            "seed {seed}: only {hits} answers came from the cache"
        );
        assert_eq!(pair.fresh.cache_hits(), 0);
    }
}
