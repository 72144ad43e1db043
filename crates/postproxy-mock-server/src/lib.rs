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
//! [`router`] (with the small runtime they name: [`ApiError`], [`RequestContext`],
//! [`Prepared`]) for those who implement their own. Everything else is private:
//!
//! | folder | holds | imports |
//! | --- | --- | --- |
//! | `server.rs` | start, bind, shut down ([`MockServer`], [`MockServerBuilder`]) | `service`, `state`, `domain`, `http` |
//! | `service/` | the HTTP service: `front.rs`, the one service every request enters (header cap, trailing slashes, request log), and `path.rs`, a product request's whole way through the mock, top to bottom (`handle`, then `serve`): authenticate, account clock, fault, cache, `Idempotency-Key`, operation, record | everything below |
//! | `product/` | the generated trait implemented on the state: thin handlers that translate, call the domain and convert its error with `?` | `state`, `rt`, `domain` |
//! | `control/` | the control API (a file per OpenAPI tag, with its wire types, converted to and from the harness's and the domain's plain types), the consent pages, the typed client | `state`, `http`, `rt`, `harness`, `domain` |
//! | `state.rs` | what every handler shares: the store, each account's harness and the GET cache behind one lock, taken in short synchronous steps | `http`, `harness`, `domain` |
//! | `http/` | domain errors mapped to the spec's error body (one place), the control API's JSON extractors, the GET cache, the specs, the accept loop | `rt`, `domain`, `limits` |
//! | `harness/` | the control plane's per-account tools: faults, the request journal, `Idempotency-Key`s (every rule of them), one path-pattern dialect; plain types, no wire format (no serde for the control API, no `axum` or `utoipa`) | `generated` (the operation table), `domain`, `rt` (the 500's message), `limits` |
//! | `domain/` | the simulated service: the store, accounts and every product rule, one platform table, one `DomainError`; no `axum`, `http`, `utoipa` or generated types | `limits` |
//! | `rt/` | the runtime the generated layer names, and the only module it names: `ApiError`, extractors, `RequestContext`, response helpers | `limits` |
//! | `limits.rs` | every cap, in one place | nothing |
//!
//! Imports run one way, down this table: the domain knows nothing of HTTP, so a new product
//! rule touches one small domain file and one short handler.

//! ## The generated layer
//!
//! The routing layer is generated from `openapi/postproxy.yaml` (`src/generated.rs`): the
//! [`PostproxyApi`] trait has one method per operation, with typed inputs and one response enum
//! per operation whose variants are exactly the statuses the spec documents, so an
//! implementation cannot drift from the spec without a compile error. A method may also
//! return an [`ApiError`], answered with the variant documented for its status. [`router`]
//! extracts each request, calls the trait and serialises its answer; malformed input is
//! answered with the spec's JSON error body before it reaches the trait. Each success with a body also has a
//! `…Prepared` variant, whose body the implementation serialised itself ([`Prepared`]): the
//! mock's own reads of stored profiles serialise them borrowed, under the lock, instead of
//! cloning them into models.
//!
//! ```
//! use postproxy_mock_server::{
//!     router, ApiError, GetProfileGroupPath, GetProfileGroupQuery, GetProfileGroupResponse,
//!     RequestContext,
//! };
//! # use postproxy_mock_server::*;
//! use postproxy_models::ProfileGroup;
//!
//! struct OneGroup;
//!
//! impl PostproxyApi for OneGroup {
//!     async fn get_profile_group(
//!         &self,
//!         _ctx: RequestContext,
//!         path: GetProfileGroupPath,
//!         _query: GetProfileGroupQuery,
//!     ) -> Result<GetProfileGroupResponse, ApiError> {
//!         if path.id != "grp123abc" {
//!             return Err(ApiError::not_found());
//!         }
//!         Ok(GetProfileGroupResponse::Ok(ProfileGroup {
//!             id: path.id,
//!             name: "Main Brand".into(),
//!             profiles_count: 0,
//!         }))
//!     }
//!     // ... one method per operation
//! #   async fn list_profiles(&self, _: RequestContext, _: ListProfilesQuery) -> Result<ListProfilesResponse, ApiError> { unimplemented!() }
//! #   async fn get_profile(&self, _: RequestContext, _: GetProfilePath, _: GetProfileQuery) -> Result<GetProfileResponse, ApiError> { unimplemented!() }
//! #   async fn delete_profile(&self, _: RequestContext, _: DeleteProfilePath, _: DeleteProfileQuery, _: DeleteProfileHeaders) -> Result<DeleteProfileResponse, ApiError> { unimplemented!() }
//! #   async fn list_profile_placements(&self, _: RequestContext, _: ListProfilePlacementsPath, _: ListProfilePlacementsQuery) -> Result<ListProfilePlacementsResponse, ApiError> { unimplemented!() }
//! #   async fn get_profile_stats(&self, _: RequestContext, _: GetProfileStatsPath, _: GetProfileStatsQuery) -> Result<GetProfileStatsResponse, ApiError> { unimplemented!() }
//! #   async fn assign_to_group(&self, _: RequestContext, _: AssignToGroupPath, _: AssignToGroupQuery, _: AssignToGroupHeaders, _: postproxy_models::AssignToGroupRequest) -> Result<AssignToGroupResponse, ApiError> { unimplemented!() }
//! #   async fn assign_placement_to_group(&self, _: RequestContext, _: AssignPlacementToGroupPath, _: AssignPlacementToGroupQuery, _: AssignPlacementToGroupHeaders, _: postproxy_models::AssignPlacementToGroupRequest) -> Result<AssignPlacementToGroupResponse, ApiError> { unimplemented!() }
//! #   async fn get_ice_breakers(&self, _: RequestContext, _: GetIceBreakersPath, _: GetIceBreakersQuery) -> Result<GetIceBreakersResponse, ApiError> { unimplemented!() }
//! #   async fn set_ice_breakers(&self, _: RequestContext, _: SetIceBreakersPath, _: SetIceBreakersQuery, _: SetIceBreakersHeaders, _: postproxy_models::SetIceBreakersRequest) -> Result<SetIceBreakersResponse, ApiError> { unimplemented!() }
//! #   async fn delete_ice_breakers(&self, _: RequestContext, _: DeleteIceBreakersPath, _: DeleteIceBreakersQuery, _: DeleteIceBreakersHeaders) -> Result<DeleteIceBreakersResponse, ApiError> { unimplemented!() }
//! #   async fn get_daily_stats(&self, _: RequestContext, _: GetDailyStatsPath, _: GetDailyStatsQuery) -> Result<GetDailyStatsResponse, ApiError> { unimplemented!() }
//! #   async fn get_follower_history(&self, _: RequestContext, _: GetFollowerHistoryPath, _: GetFollowerHistoryQuery) -> Result<GetFollowerHistoryResponse, ApiError> { unimplemented!() }
//! #   async fn list_profile_groups(&self, _: RequestContext, _: ListProfileGroupsQuery) -> Result<ListProfileGroupsResponse, ApiError> { unimplemented!() }
//! #   async fn create_profile_group(&self, _: RequestContext, _: CreateProfileGroupQuery, _: CreateProfileGroupHeaders, _: postproxy_models::CreateProfileGroupRequest) -> Result<CreateProfileGroupResponse, ApiError> { unimplemented!() }
//! #   async fn delete_profile_group(&self, _: RequestContext, _: DeleteProfileGroupPath, _: DeleteProfileGroupQuery, _: DeleteProfileGroupHeaders) -> Result<DeleteProfileGroupResponse, ApiError> { unimplemented!() }
//! #   async fn initialize_connection(&self, _: RequestContext, _: InitializeConnectionPath, _: InitializeConnectionQuery, _: postproxy_models::InitializeConnectionRequest) -> Result<InitializeConnectionResponse, ApiError> { unimplemented!() }
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

pub mod control;
pub(crate) mod domain;
pub(crate) mod harness;
pub(crate) mod http;
pub mod limits;
pub(crate) mod product;
pub(crate) mod rt;
mod server;
mod service;
mod state;

/// The routing layer generated from the spec: see [`PostproxyApi`] and [`router`].
#[rustfmt::skip]
#[allow(clippy::all, clippy::pedantic, missing_docs)]
mod generated;

pub use generated::*;

pub use domain::fixtures;
pub use domain::fixtures::{Fixtures, DEMO_FULL_ACCESS_KEY, DEMO_SCOPED_KEY};
pub use http::spec::{openapi_json, OPENAPI_YAML};
pub use limits::BODY_LIMIT;
pub use rt::{ApiError, Prepared, RequestContext};
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
