//! Answers to product GETs, kept so a repeated read is not computed and serialised again.
//!
//! An entry is kept for one account, one key scope and one request target (path and query) with
//! the version of the account's data it was made at (`Account::version`, which every change
//! to the data moves on by construction: see `domain::rows::Versioned`). It is served only
//! while the account is still at that version, so a cached answer is always the answer the
//! handler would give now: a GET's answer depends on nothing else (the key only through its
//! scope, the clock acts only through changes to the data, which move the version).
//! `crate::service::path` looks entries up and fills them; an answer is stored only when the
//! version did not move between the lookup and the store, so it cannot be older than its
//! version.
//!
//! It also keeps the answer to a GET without a valid key, under [`CacheKey::keyless`]: that
//! answer depends on the request target alone (routing, then the query's extraction, then the
//! 401; no GET reads a body or a documented header), so it never goes stale and is kept at
//! version 0. `crate::service::path` fills it the first time a target is refused.
//!
//! Bounded by [`MAX_CACHED_BODY`], [`MAX_CACHE_ENTRIES`] and [`MAX_CACHE_BYTES`]
//! (`crate::limits`): a larger answer is not kept, and a full cache is emptied.

use std::hash::BuildHasher;

use axum::body::{Body, Bytes};
use axum::http::{header, HeaderValue, StatusCode, Uri};
use axum::response::Response;

use crate::domain::auth::Principal;
use crate::domain::FastMap;
use crate::limits::{MAX_CACHED_BODY, MAX_CACHE_BYTES, MAX_CACHE_ENTRIES};

/// Which answer: an account, what the key may see (its scope: a group id, or empty for full
/// access; a GET's answer depends on nothing else of the key) and a request target.
#[derive(Debug, Clone, Copy)]
pub(crate) struct CacheKey<'a> {
    pub(crate) account_id: &'a str,
    pub(crate) scope: &'a str,
    pub(crate) target: &'a str,
}

impl<'a> CacheKey<'a> {
    /// The key of a GET of `uri` with the key of `who`: what it may see is its scope.
    pub(crate) fn of(who: &'a Principal, uri: &'a Uri) -> Self {
        Self {
            account_id: &who.account_id,
            // Group ids are never blank, so "" stands for full access without ambiguity.
            scope: who.scope.group().unwrap_or(""),
            target: target(uri),
        }
    }

    /// The key of a GET of `target` without a valid key (account ids are never blank).
    pub(crate) fn keyless(target: &'a str) -> Self {
        Self {
            account_id: "",
            scope: "",
            target,
        }
    }
}

#[derive(Debug)]
struct Entry {
    account_id: String,
    scope: String,
    target: String,
    version: u64,
    status: StatusCode,
    body: Bytes,
}

impl Entry {
    fn is(&self, key: &CacheKey<'_>) -> bool {
        self.account_id == key.account_id && self.scope == key.scope && self.target == key.target
    }
}

/// The answers kept: see the module documentation.
#[derive(Debug)]
pub(crate) struct ResponseCache {
    /// By the hash of the key; a colliding key replaces the entry (and is checked on lookup).
    entries: FastMap<u64, Entry>,
    hasher: foldhash::fast::RandomState,
    bytes: usize,
    enabled: bool,
    hits: u64,
}

impl ResponseCache {
    /// An empty cache; a disabled one keeps nothing.
    pub(crate) fn new(enabled: bool) -> Self {
        Self {
            entries: FastMap::default(),
            hasher: Default::default(),
            bytes: 0,
            enabled,
            hits: 0,
        }
    }

    fn hash(&self, key: &CacheKey<'_>) -> u64 {
        self.hasher
            .hash_one((key.account_id, key.scope, key.target))
    }

    /// The kept answer for `key` at `version`, if there is one: its status and JSON body.
    pub(crate) fn get(&mut self, key: &CacheKey<'_>, version: u64) -> Option<Response> {
        if !self.enabled {
            return None;
        }
        let entry = self.entries.get(&self.hash(key))?;
        if entry.version != version || !entry.is(key) {
            return None;
        }
        self.hits += 1;
        Some(json(entry.status, entry.body.clone()))
    }

    /// Keeps `body`, the answer with `status` for `key` made at `version`.
    pub(crate) fn put(
        &mut self,
        key: &CacheKey<'_>,
        version: u64,
        status: StatusCode,
        body: Bytes,
    ) {
        if !self.enabled || body.len() > MAX_CACHED_BODY {
            return;
        }
        if self.entries.len() >= MAX_CACHE_ENTRIES || self.bytes + body.len() > MAX_CACHE_BYTES {
            self.entries.clear();
            self.bytes = 0;
        }
        self.bytes += body.len();
        let entry = Entry {
            account_id: key.account_id.to_string(),
            scope: key.scope.to_string(),
            target: key.target.to_string(),
            version,
            status,
            body,
        };
        if let Some(old) = self.entries.insert(self.hash(key), entry) {
            self.bytes -= old.body.len();
        }
    }

    /// How many answers were served from the cache.
    #[cfg_attr(not(feature = "test-support"), allow(dead_code))]
    pub(crate) fn hits(&self) -> u64 {
        self.hits
    }
}

/// The request target of `uri`: path and query.
pub(crate) fn target(uri: &Uri) -> &str {
    uri.path_and_query().map_or("/", |pq| pq.as_str())
}

/// The version answers to GETs without a valid key are kept at: they never change.
pub(crate) const KEYLESS_VERSION: u64 = 0;

/// `status` with a JSON body, as `crate::http::respond::json` makes one.
fn json(status: StatusCode, body: Bytes) -> Response {
    let mut response = Response::new(Body::from(body));
    *response.status_mut() = status;
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    response
}

/// Whether a fresh answer may be kept as one with `status`: it has that status, its only
/// headers are the JSON content type (what every product GET's success and the spec's error
/// body have) and the content length the router sets, so [`json`] gives it back the same
/// (hyper writes the length of a whole body itself), and its body is whole and at most
/// [`MAX_CACHED_BODY`].
pub(crate) fn keepable(response: &Response, status: StatusCode) -> bool {
    let size = http_body::Body::size_hint(response.body()).exact();
    let headers = response.headers();
    let length = usize::from(headers.contains_key(header::CONTENT_LENGTH));
    size.is_some_and(|n| usize::try_from(n).is_ok_and(|n| n <= MAX_CACHED_BODY))
        && response.status() == status
        && headers.len() == 1 + length
        && headers.get(header::CONTENT_TYPE) == Some(&HeaderValue::from_static("application/json"))
}
