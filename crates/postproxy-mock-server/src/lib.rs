//! A mock server for the Postproxy Profiles and Profile Groups API.
//!
//! [`MockServer`] serves a stateful mock on a free loopback port, with demo data in which
//! every reference example is served verbatim. It checks keys and scopes as the service does,
//! remembers what is created and deleted, and shuts down when dropped. The `postproxy-mock`
//! binary serves the same from the command line (`postproxy-mock --help`).
//!
//! ```
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() -> Result<(), Box<dyn std::error::Error>> {
//! use postproxy_mock_server::MockServer;
//!
//! let mock = MockServer::start().await;
//! let groups: serde_json::Value = reqwest::Client::new()
//!     .get(format!("{}/api/profile_groups", mock.base_url()))
//!     .bearer_auth(mock.full_access_key())
//!     .send()
//!     .await?
//!     .json()
//!     .await?;
//! assert_eq!(groups["data"][1]["name"], "Main Brand");
//! # Ok(())
//! # }
//! ```
//!
//! ## The control plane
//!
//! Separate from the product API, the [`control`] API under `/__mock/` (documented at
//! `/__mock/openapi.json`, browsable with the product spec at `/docs`) sets the stage for a
//! test and looks behind it: isolated accounts created from the [`fixtures`] format, state
//! injection, export and import, a clock per account whose moves poll stats and expire
//! profiles, faults for the next N requests, and a request journal.
//! [`MockServer::control`] returns a typed [`control::ControlClient`]. The URLs
//! initialize_connection returns for the OAuth platforms open a real consent page; bluesky and
//! telegram connect at once with credentials, as the official Node SDK sends them.
//!
//! Everything one request or one account can make the mock hold is bounded: bodies, headers,
//! accounts, groups, profiles, placements, snapshots, faults, pending connections, remembered
//! idempotency keys and journal entries. [`limits`] lists each cap and what exceeding it does.
//!
//! ## How the crate is laid out
//!
//! The public facade is this file: [`MockServer`] and its builder, [`fixtures`], the
//! [`control`] client and its types, [`limits`], and the generated [`PostproxyApi`] trait and
//! [`router`] (with [`Prepared`]) for those who implement their own. Everything else is
//! private:
//!
//! | folder | holds | imports |
//! | --- | --- | --- |
//! | `server.rs` | start, bind, shut down ([`MockServer`], [`MockServerBuilder`]) | everything below |
//! | `app/` | the router, and `app/front.rs`, the one service in front of it (header cap, trailing slashes, request log, and the first look at a product request, which answers a cached GET without routing); `app/middleware.rs`, what the control plane does around each product request (the first look under one lock: authenticate, tick, claim, fault, answer from the GET cache and journal; then the fault, and the journal entry and the answer to keep, queued for the next lock). The front polls a request once with the look's lock lent to its operation, so one that waits for nothing takes one lock | everything below |
//! | `product/` | the generated trait implemented on the state: thin handlers that translate, call the domain, map its error | `state`, `http`, `domain` |
//! | `control/` | the control API (a file per OpenAPI tag), the consent pages, the typed client | `state`, `http`, `harness`, `domain` |
//! | `state.rs` | what every handler shares: the store, each account's harness and the GET cache behind one lock (lent by the front to the operation it looked at), and the queue of what answered requests leave to do (journal, keep, release), applied by the next lock | `http`, `harness`, `domain` |
//! | `http/` | the spec's error body (mapped from domain errors in one place), extractors, responses, the GET cache, the specs, the accept loop; `http/rt.rs` is the only module the generated code names | `domain`, `limits` |
//! | `harness/` | the control plane's per-account tools: faults and the request journal, one path-pattern dialect | `limits` |
//! | `domain/` | the simulated service: the store, accounts and every product rule, one platform table, one `DomainError`; no `axum`, `http`, `utoipa` or generated types | `limits` |
//! | `limits.rs` | every cap, in one place | nothing |
//!
//! Imports run one way, down this table: the domain knows nothing of HTTP, so a new product
//! rule touches one small domain file and one short handler.
//!
//! ## The generated layer
//!
//! The routing layer is generated from `openapi/postproxy.yaml` (`src/generated.rs`): the
//! [`PostproxyApi`] trait has one method per operation, with typed inputs and one response enum
//! per operation whose variants are exactly the statuses the spec documents, so an
//! implementation cannot drift from the spec without a compile error. [`router`] extracts each
//! request, calls the trait and serialises its answer; malformed input is answered with the
//! spec's JSON error body before it reaches the trait. Each success with a body also has a
//! `…Prepared` variant, whose body the implementation serialised itself ([`Prepared`]): the
//! mock's own reads of stored profiles serialise them borrowed, under the lock, instead of
//! cloning them into models.
//!
//! ```
//! use postproxy_mock_server::{
//!     router, GetProfileGroupPath, GetProfileGroupQuery, RequestContext,
//!     GetProfileGroupResponse,
//! };
//! # use postproxy_mock_server::*;
//! use postproxy_models::{Error, ProfileGroup};
//!
//! struct OneGroup;
//!
//! impl PostproxyApi for OneGroup {
//!     async fn get_profile_group(
//!         &self,
//!         _ctx: RequestContext,
//!         path: GetProfileGroupPath,
//!         _query: GetProfileGroupQuery,
//!     ) -> GetProfileGroupResponse {
//!         if path.id == "grp123abc" {
//!             GetProfileGroupResponse::Ok(ProfileGroup {
//!                 id: path.id,
//!                 name: "Main Brand".into(),
//!                 profiles_count: 0,
//!             })
//!         } else {
//!             GetProfileGroupResponse::NotFound(Error { error: "Not found".into() })
//!         }
//!     }
//!     // ... one method per operation
//! #   async fn list_profiles(&self, _: RequestContext, _: ListProfilesQuery) -> ListProfilesResponse { unimplemented!() }
//! #   async fn get_profile(&self, _: RequestContext, _: GetProfilePath, _: GetProfileQuery) -> GetProfileResponse { unimplemented!() }
//! #   async fn delete_profile(&self, _: RequestContext, _: DeleteProfilePath, _: DeleteProfileQuery, _: DeleteProfileHeaders) -> DeleteProfileResponse { unimplemented!() }
//! #   async fn list_profile_placements(&self, _: RequestContext, _: ListProfilePlacementsPath, _: ListProfilePlacementsQuery) -> ListProfilePlacementsResponse { unimplemented!() }
//! #   async fn get_profile_stats(&self, _: RequestContext, _: GetProfileStatsPath, _: GetProfileStatsQuery) -> GetProfileStatsResponse { unimplemented!() }
//! #   async fn list_profile_groups(&self, _: RequestContext, _: ListProfileGroupsQuery) -> ListProfileGroupsResponse { unimplemented!() }
//! #   async fn create_profile_group(&self, _: RequestContext, _: CreateProfileGroupQuery, _: CreateProfileGroupHeaders, _: postproxy_models::CreateProfileGroupRequest) -> CreateProfileGroupResponse { unimplemented!() }
//! #   async fn delete_profile_group(&self, _: RequestContext, _: DeleteProfileGroupPath, _: DeleteProfileGroupQuery, _: DeleteProfileGroupHeaders) -> DeleteProfileGroupResponse { unimplemented!() }
//! #   async fn initialize_connection(&self, _: RequestContext, _: InitializeConnectionPath, _: InitializeConnectionQuery, _: postproxy_models::InitializeConnectionRequest) -> InitializeConnectionResponse { unimplemented!() }
//! }
//!
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() -> Result<(), Box<dyn std::error::Error>> {
//! let app = router(std::sync::Arc::new(OneGroup));
//! let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
//! let addr = listener.local_addr()?;
//! tokio::spawn(async move { axum::serve(listener, app).await });
//! # let _ = addr;
//! # Ok(())
//! # }
//! ```

mod app;
pub mod control;
pub(crate) mod domain;
pub(crate) mod harness;
pub(crate) mod http;
pub mod limits;
pub(crate) mod product;
mod server;
mod state;

/// The routing layer generated from the spec: see [`PostproxyApi`] and [`router`].
#[rustfmt::skip]
#[allow(clippy::all, clippy::pedantic, missing_docs)]
mod generated;

pub use generated::*;

pub use domain::fixtures;
pub use domain::fixtures::{Fixtures, DEMO_FULL_ACCESS_KEY, DEMO_SCOPED_KEY};
pub use http::error::ApiError;
pub use http::extract::RequestContext;
pub use http::respond::Prepared;
pub use http::spec::{openapi_json, OPENAPI_YAML};
pub use limits::BODY_LIMIT;
pub use server::{
    ApiKey, MockServer, MockServerBuilder, DEFAULT_HEADER_READ_TIMEOUT, DEFAULT_IDLE_TIMEOUT,
};
pub use state::DEFAULT_SEED;

/// What the crate's own tests reach behind the facade (the `test-support` feature): the store
/// itself, to fill an account to its caps in-process. Not for use outside this crate's tests.
#[cfg(feature = "test-support")]
#[doc(hidden)]
pub mod test_support {
    pub use crate::domain::clock::Clock;
    pub use crate::domain::store::Store;
    pub use crate::state::State;
}

/// Serves `service` on `listener` the way the mock serves itself, until `signal` resolves:
/// each connection on hyper's HTTP/1 server, closed when a request head takes longer than
/// `header_read_timeout` to arrive or when it sits idle (no request being handled, no bytes
/// moving) for `idle_timeout`; accept errors such as running out of descriptors never end
/// the loop (the connections waiting longest are closed to make room). When `signal`
/// resolves it stops accepting, closes idle connections and waits for the requests being
/// handled. For the other servers of this workspace (`postproxy-mock proxy`); any
/// [`axum::Router`] is such a service.
pub async fn serve<S>(
    listener: tokio::net::TcpListener,
    service: S,
    header_read_timeout: std::time::Duration,
    idle_timeout: std::time::Duration,
    signal: impl std::future::Future<Output = ()>,
) where
    S: tower::Service<
            axum::extract::Request,
            Response = axum::response::Response,
            Error = std::convert::Infallible,
        > + Clone
        + Send
        + 'static,
    S::Future: Send + 'static,
{
    let limits = http::serve::ConnectionLimits {
        header_read: header_read_timeout,
        idle: idle_timeout,
    };
    http::serve::serve(listener, service, limits, signal).await;
}

/// [`router`] with the request body limit the spec documents ([`BODY_LIMIT`]). Every cap the
/// mock applies is listed in [`limits`].
pub fn app<A: PostproxyApi>(api: std::sync::Arc<A>) -> axum::Router {
    router(api).layer(axum::extract::DefaultBodyLimit::max(BODY_LIMIT))
}
