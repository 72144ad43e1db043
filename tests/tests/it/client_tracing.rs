//! What the client reports to `tracing`: a span per attempt with the operation, method, path,
//! attempt, status and duration, events for responses and retries, and never the API key.

use crate::stub;

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex, OnceLock};
use std::time::Duration;

use postproxy_client::{Client, RetryPolicy};
use postproxy_mock_server::MockServer;
use stub::{Reply, StubServer};
use tracing::field::{Field, Visit};
use tracing::span::{Attributes, Id, Record};
use tracing::{Event, Subscriber};
use tracing_subscriber::layer::{Context, SubscriberExt};
use tracing_subscriber::registry::LookupSpan;
use tracing_subscriber::Layer;

/// A closed span or an event: its name (an event's message) and every field.
#[derive(Clone, Debug)]
struct Captured {
    kind: &'static str,
    name: String,
    fields: BTreeMap<String, String>,
}

#[derive(Default)]
struct Fields(BTreeMap<String, String>);

impl Visit for Fields {
    fn record_debug(&mut self, field: &Field, value: &dyn std::fmt::Debug) {
        self.0
            .insert(field.name().to_string(), format!("{value:?}"));
    }
    fn record_str(&mut self, field: &Field, value: &str) {
        self.0.insert(field.name().to_string(), value.to_string());
    }
}

/// Keeps every span (with its fields as recorded by the time it closes) and every event.
#[derive(Clone, Default)]
struct Capture(Arc<Mutex<Vec<Captured>>>);

impl<S: Subscriber + for<'a> LookupSpan<'a>> Layer<S> for Capture {
    fn on_new_span(&self, attrs: &Attributes<'_>, id: &Id, ctx: Context<'_, S>) {
        let mut fields = Fields::default();
        attrs.record(&mut fields);
        ctx.span(id).unwrap().extensions_mut().insert(fields);
    }

    fn on_record(&self, id: &Id, values: &Record<'_>, ctx: Context<'_, S>) {
        let span = ctx.span(id).unwrap();
        let mut ext = span.extensions_mut();
        values.record(ext.get_mut::<Fields>().unwrap());
    }

    fn on_event(&self, event: &Event<'_>, _ctx: Context<'_, S>) {
        let mut fields = Fields::default();
        event.record(&mut fields);
        let name = fields.0.remove("message").unwrap_or_default();
        self.0.lock().unwrap().push(Captured {
            kind: "event",
            name,
            fields: fields.0,
        });
    }

    fn on_close(&self, id: Id, ctx: Context<'_, S>) {
        let span = ctx.span(&id).unwrap();
        let fields = span.extensions_mut().remove::<Fields>().unwrap_or_default();
        self.0.lock().unwrap().push(Captured {
            kind: "span",
            name: span.name().to_string(),
            fields: fields.0,
        });
    }
}

impl Capture {
    fn all(&self) -> Vec<Captured> {
        self.0.lock().unwrap().clone()
    }

    fn request_spans(&self) -> Vec<BTreeMap<String, String>> {
        self.all()
            .into_iter()
            .filter(|c| c.kind == "span" && c.name == "postproxy.request")
            .map(|c| c.fields)
            .collect()
    }
}

fn fields(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
    pairs
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

/// The spans' fields without `duration_ms`, which varies; asserts it was recorded.
fn without_duration(mut spans: Vec<BTreeMap<String, String>>) -> Vec<BTreeMap<String, String>> {
    for span in &mut spans {
        let ms = span.remove("duration_ms").expect("duration_ms is recorded");
        assert!(ms.parse::<u64>().is_ok(), "{ms}");
    }
    spans
}

/// Sets `capture` as this thread's subscriber, until the guard drops.
///
/// The other modules of this test binary run the client at the same time on other threads,
/// with no subscriber. While only one dispatcher is registered, tracing-core works out the
/// interest of a callsite first reached on such a thread from that thread's default (none) and
/// caches "never" for every thread, so the capture would miss that span or event (a retry
/// test running beside `a_retry_is_an_event_and_a_new_attempt_span` made it miss `retrying`).
/// Two idle dispatchers, registered once for the life of the process before any capture, make
/// it ask every registered dispatcher instead; they enable nothing themselves.
fn capture_on_this_thread(capture: &Capture) -> tracing::subscriber::DefaultGuard {
    static IDLE: OnceLock<[tracing::Dispatch; 2]> = OnceLock::new();
    IDLE.get_or_init(|| {
        [(), ()].map(|()| tracing::Dispatch::new(tracing::subscriber::NoSubscriber::default()))
    });
    tracing::subscriber::set_default(tracing_subscriber::registry().with(capture.clone()))
}

// Current-thread tests: the subscriber set for this thread sees every task of the test.

#[tokio::test(flavor = "current_thread")]
async fn each_attempt_is_a_span_with_operation_status_and_duration_and_no_api_key() {
    let capture = Capture::default();
    let _guard = capture_on_this_thread(&capture);

    let mock = MockServer::start().await;
    let key = mock.full_access_key();
    let client = Client::builder(key)
        .base_url(mock.base_url())
        .build()
        .unwrap();
    client.profile_groups().list().send().await.unwrap();
    client
        .profiles()
        .get("prof_missing")
        .send()
        .await
        .unwrap_err();
    client
        .profiles()
        .stats("prof654jkl")
        .profile_group_id("grp456xyz")
        .send()
        .await
        .unwrap();

    assert_eq!(
        without_duration(capture.request_spans()),
        [
            fields(&[
                ("operation", "list_profile_groups"),
                ("method", "GET"),
                ("path", "/api/profile_groups"),
                ("attempt", "1"),
                ("status", "200"),
            ]),
            fields(&[
                ("operation", "get_profile"),
                ("method", "GET"),
                ("path", "/api/profiles/prof_missing"),
                ("attempt", "1"),
                ("status", "404"),
            ]),
            fields(&[
                ("operation", "get_profile_stats"),
                ("method", "GET"),
                ("path", "/api/profiles/prof654jkl/stats"),
                ("attempt", "1"),
                ("status", "200"),
            ]),
        ]
    );
    let responses = capture
        .all()
        .into_iter()
        .filter(|c| c.kind == "event" && c.name == "response")
        .count();
    assert_eq!(responses, 3);

    // Nothing captured, from any crate, shows the key.
    let everything = format!("{:?}", capture.all());
    assert!(everything.contains("list_profile_groups"));
    assert!(
        !everything.contains(key),
        "the API key leaked: {everything}"
    );
    assert!(!everything.contains("Bearer"), "{everything}");
}

#[tokio::test(flavor = "current_thread")]
async fn a_retry_is_an_event_and_a_new_attempt_span() {
    let capture = Capture::default();
    let _guard = capture_on_this_thread(&capture);

    let stub = StubServer::start(vec![
        Reply::error(429, "Rate limit exceeded").header("retry-after", "0"),
        Reply::json(200, serde_json::json!({ "data": [] })),
    ])
    .await;
    let client = Client::builder("pp_secret_key_for_tracing")
        .base_url(stub.base_url())
        .retry(RetryPolicy {
            max_attempts: 2,
            initial_backoff: Duration::from_millis(1),
            max_backoff: Duration::from_millis(10),
        })
        .build()
        .unwrap();
    client.profiles().list().send().await.unwrap();

    let spans = without_duration(capture.request_spans());
    let attempts: Vec<(&str, &str)> = spans
        .iter()
        .map(|s| (s["attempt"].as_str(), s["status"].as_str()))
        .collect();
    assert_eq!(attempts, [("1", "429"), ("2", "200")]);
    let retries: Vec<Captured> = capture
        .all()
        .into_iter()
        .filter(|c| c.kind == "event" && c.name == "retrying")
        .collect();
    assert_eq!(retries.len(), 1);
    assert_eq!(retries[0].fields["reason"], "429 Too Many Requests");
    assert_eq!(retries[0].fields["wait_ms"], "0");

    let everything = format!("{:?}", capture.all());
    assert!(
        !everything.contains("pp_secret_key_for_tracing"),
        "{everything}"
    );
}
