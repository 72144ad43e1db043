//! The workspace's end-to-end tests, one test binary (linked once): each file a module.

mod common;
mod stub;

mod client_against_mock;
mod client_faults;
mod client_http;
mod client_tracing;
mod doc_links;
mod faults_through_the_client;
mod generated_layer;
mod mock_e2e;
mod readme_walkthrough;
mod reference_examples;
mod spec_surface;
