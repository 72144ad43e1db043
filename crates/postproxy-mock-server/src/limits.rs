//! Every bound the mock puts on what one request or one account may make it hold, so a long
//! or hostile test run cannot make it grow without limit. Each refusal is the spec's JSON error
//! body, `{"error": "..."}`; nothing already stored is changed by a refused request.
//!
//! | what | cap | when exceeded |
//! | --- | --- | --- |
//! | product-API request body | [`BODY_LIMIT`] (1 MiB) | 413 |
//! | control-API request body | [`CONTROL_BODY_LIMIT`] (16 MiB: fixtures are larger) | 413 |
//! | request header bytes (names + values) | [`HEADER_LIMIT`] (64 KiB) | 431 |
//! | request headers (count) | [`MAX_HEADERS`] (100, hyper's own parser limit) | 431 (empty body, from hyper) |
//! | time for a request head to arrive, from its first byte | [`crate::server::DEFAULT_HEADER_READ_TIMEOUT`] (10 s; `MockServerBuilder::header_read_timeout`) | connection closed, no answer |
//! | time a connection sits with no request handled (or its handler waiting for body bytes) and no bytes moving | [`crate::server::DEFAULT_IDLE_TIMEOUT`] (60 s; `MockServerBuilder::idle_timeout`) | connection closed |
//! | open connections | the process's open-file limit | the longest-waiting idle connections are closed to accept new ones (the accept loop, `http/serve.rs`) |
//! | accounts per server | [`MAX_ACCOUNTS`] | 422 |
//! | profile groups per account | [`MAX_GROUPS`] | 422 |
//! | profiles per account | [`MAX_PROFILES`] | 422 |
//! | placements per profile | [`MAX_PLACEMENTS`] | 422 |
//! | stats snapshots per profile | [`MAX_SNAPSHOTS`] | 422 on injection; polling drops the oldest |
//! | ice breakers per Instagram profile, and the characters of each question and payload | [`MAX_ICE_BREAKERS`] (4, the SDKs' rule), [`MAX_ICE_BREAKER_QUESTION`], [`MAX_ICE_BREAKER_PAYLOAD`] | 422 |
//! | armed faults per account | [`MAX_FAULTS`] | 422 |
//! | pending connections per account | [`MAX_PENDING_CONNECTIONS`] (expired ones are dropped first) | 422 |
//! | idempotency keys remembered per account | [`MAX_IDEMPOTENCY_KEYS`] | the oldest key is forgotten |
//! | journal entries per account | [`JOURNAL_CAP`] | the oldest entry is dropped (and counted) |
//! | cached GET answers (whole server) | [`MAX_CACHE_ENTRIES`], [`MAX_CACHE_BYTES`]; answers over [`MAX_CACHED_BODY`] are not kept | the cache is emptied |
//!
//! Fixtures (at start, on account creation and on import) are checked against the same caps.

/// The largest request body accepted; larger bodies are answered with 413.
pub const BODY_LIMIT: usize = 1024 * 1024;

/// The most accounts one server holds; creating more is refused.
pub const MAX_ACCOUNTS: usize = 10_000;

/// Entries kept per account; older ones are dropped.
pub const JOURNAL_CAP: usize = 1000;

/// The largest control-API request body (fixture imports can be large).
pub const CONTROL_BODY_LIMIT: usize = 16 * 1024 * 1024;

/// The most bytes of request headers (names and values) accepted; more is 431 with a JSON
/// body. hyper's own read buffer (about 400 KiB for the request head) stays as a backstop.
pub const HEADER_LIMIT: usize = 64 * 1024;

/// The most request headers hyper parses; more is answered by hyper itself with 431.
pub const MAX_HEADERS: usize = 100;

/// The most profile groups one account holds.
pub const MAX_GROUPS: usize = 10_000;

/// The most profiles one account holds.
pub const MAX_PROFILES: usize = 100_000;

/// The most placements one profile has.
pub const MAX_PLACEMENTS: usize = 1_000;

/// The most stats snapshots one profile keeps.
pub const MAX_SNAPSHOTS: usize = 10_000;

/// The most ice breakers an Instagram profile has (the official SDKs' rule: 1 to 4).
pub const MAX_ICE_BREAKERS: usize = 4;

/// The most characters of an ice breaker's question (this spec's choice).
pub const MAX_ICE_BREAKER_QUESTION: usize = 80;

/// The most characters of an ice breaker's payload (this spec's choice).
pub const MAX_ICE_BREAKER_PAYLOAD: usize = 1_000;

/// The most faults armed in one account at a time.
pub const MAX_FAULTS: usize = 1_000;

/// The most pending connection invitations one account holds.
pub const MAX_PENDING_CONNECTIONS: usize = 1_000;

/// The most `Idempotency-Key`s one account remembers; beyond it the oldest is forgotten
/// (besides the 24-hour expiry), so a long run within a day stays bounded.
pub const MAX_IDEMPOTENCY_KEYS: usize = 10_000;

/// The error of a full account: e.g. `This account holds 10000 profile groups, the most it can`.
pub fn full(cap: usize, what: &str) -> String {
    format!("This account holds {cap} {what}, the most it can")
}

/// The largest answer the GET cache keeps (`crate::http::cache`); larger ones are made afresh
/// each time.
pub const MAX_CACHED_BODY: usize = 256 * 1024;

/// The most answers the GET cache keeps, over all accounts; beyond it, it is emptied.
pub const MAX_CACHE_ENTRIES: usize = 4096;

/// The most bytes of answers the GET cache keeps, over all accounts; beyond it, it is emptied.
pub const MAX_CACHE_BYTES: usize = 16 * 1024 * 1024;
