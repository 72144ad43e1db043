//! The models and client crates, generated with typify (through progenitor) and progenitor:
//! `crates/postproxy-models/src/generated.rs` and `crates/postproxy-client/src/generated.rs`.
//!
//! Unlike `mock/`, it works on `openapiv3` types: [`crate::generate`] builds them from the
//! spec as typify should see it ([`crate::spec::typify_nullable_refs`]), once the lint has
//! passed. It reads nothing from the lint, and renders nothing itself: lib.rs formats the token
//! streams under the "do not edit" header.

use openapiv3::OpenAPI;
use proc_macro2::TokenStream;
use progenitor::{GenerationSettings, Generator, InterfaceStyle, TypeImpl};
use schemars::schema::{InstanceType, SchemaObject, SingleOrVec};

/// Path of the models crate as the client's generated code names it.
const MODELS_CRATE: &str = "postproxy_models";

/// Settings shared by both passes, so a model type looks the same wherever it is generated.
fn base_settings() -> GenerationSettings {
    let mut settings = GenerationSettings::new();
    settings
        .with_interface(InterfaceStyle::Builder)
        .with_derive("::schemars::JsonSchema")
        .with_derive("PartialEq")
        // BTreeMap keeps free-form stats maps in a stable order (typify's default is HashMap).
        .with_map_type("::std::collections::BTreeMap");
    // Timestamps stay strings: the service writes both `...:00Z` and `...:00.000Z`, and a parsed
    // `DateTime` would re-format them, breaking exact round trips of its responses.
    for nullable in [false, true] {
        let instance_type = if nullable {
            SingleOrVec::Vec(vec![InstanceType::String, InstanceType::Null])
        } else {
            SingleOrVec::Single(Box::new(InstanceType::String))
        };
        let rust = if nullable {
            "::std::option::Option<::std::string::String>"
        } else {
            "::std::string::String"
        };
        settings.with_conversion(
            SchemaObject {
                instance_type: Some(instance_type),
                format: Some("date-time".into()),
                ..Default::default()
            },
            rust,
            [TypeImpl::Display, TypeImpl::FromStr].into_iter(),
        );
    }
    settings
}

/// A generated model type: its component name, its Rust name, and the traits it implements.
pub struct ModelType {
    pub component: String,
    pub rust_name: String,
    pub impls: Vec<TypeImpl>,
}

/// Generates every `components/schemas` type. Returns the code and the list of types.
pub fn models(spec: &OpenAPI) -> Result<(TokenStream, Vec<ModelType>), String> {
    // Only the components: operations would add parameter and inline types that belong to the
    // client, not to the shared models.
    let mut components_only = spec.clone();
    components_only.paths = Default::default();
    let mut generator = Generator::new(&base_settings());
    generator
        .generate_tokens(&components_only)
        .map_err(|e| format!("typify could not generate the models: {e}"))?;
    let space = generator.get_type_space();

    let mut types = Vec::new();
    let names: Vec<String> = spec
        .components
        .iter()
        .flat_map(|c| c.schemas.keys().cloned())
        .collect();
    for component in names {
        let found = space.iter_types().find(|t| t.name() == component);
        let Some(t) = found else {
            return Err(format!(
                "schema `{component}`: typify did not produce a type named `{component}`; \
                 name schemas in PascalCase"
            ));
        };
        let impls = [TypeImpl::Default, TypeImpl::Display, TypeImpl::FromStr]
            .into_iter()
            .filter(|i| t.has_impl(*i))
            .collect();
        types.push(ModelType {
            rust_name: t.name(),
            component,
            impls,
        });
    }
    Ok((space.to_stream(), types))
}

/// Generates the progenitor client, with every component type taken from the models crate.
pub fn client(spec: &OpenAPI, models: &[ModelType]) -> Result<TokenStream, String> {
    let mut settings = base_settings();
    for m in models {
        settings.with_replacement(
            &m.component,
            format!("::{MODELS_CRATE}::{}", m.rust_name),
            m.impls.iter().copied(),
        );
    }
    // The client's per-request settings (API key, user agent, timeout) travel with the
    // generated client, so its request hook can apply them to a `reqwest::Client` the user
    // brings (which has no default headers of ours).
    settings.with_inner_type(quote::quote!(crate::RequestDefaults));
    let mut generator = Generator::new(&settings);
    generator
        .generate_tokens(spec)
        .map_err(|e| format!("progenitor could not generate the client: {e}"))
}
