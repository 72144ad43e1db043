//! `cargo test` alone catches a stale tree: the same comparison as `cargo xtask regen --check`.

#[test]
fn regen_is_fresh() {
    let root = xtask::workspace_root();
    let (text, spec) = xtask::load_spec(&root).unwrap();
    let files = xtask::generate(&text, &spec).unwrap_or_else(|e| panic!("{e}"));
    let stale = xtask::check(&root, &files);
    let names: Vec<_> = stale.iter().map(|s| s.path).collect();
    assert!(
        stale.is_empty(),
        "generated code is stale: {names:?}; run `cargo xtask regen`\n{}",
        stale.iter().map(|s| s.diff.as_str()).collect::<String>()
    );
}

#[test]
fn generation_is_deterministic() {
    let root = xtask::workspace_root();
    let (text, spec) = xtask::load_spec(&root).unwrap();
    let a = xtask::generate(&text, &spec).unwrap();
    let b = xtask::generate(&text, &spec).unwrap();
    for (a, b) in a.iter().zip(&b) {
        assert_eq!(a.content, b.content, "{} differs between two runs", a.path);
        assert!(!a.content.contains('\r'), "{} has CR line endings", a.path);
        if a.path.ends_with(".rs") {
            assert!(
                a.content.starts_with("// @generated"),
                "{} lacks the header",
                a.path
            );
        }
    }
}

/// The spec with one edit applied to its text.
fn edited(find: &str, replace: &str) -> (String, serde_json::Value) {
    let root = xtask::workspace_root();
    let (text, _) = xtask::load_spec(&root).unwrap();
    assert!(text.contains(find), "the spec no longer contains {find:?}");
    let text = text.replacen(find, replace, 1);
    let value = serde_norway::from_str(&text).unwrap();
    (text, value)
}

#[test]
fn a_new_optional_query_parameter_makes_the_client_mock_and_spec_copy_stale() {
    let (text, spec) = edited(
        // The operation itself, not the create-group response's link (indented deeper).
        "\n      operationId: get_profile_group\n",
        "\n      operationId: get_profile_group\n      parameters:\n        - name: include_counts\n          in: query\n          required: false\n          schema:\n            type: boolean\n",
    );
    let files = xtask::generate(&text, &spec).unwrap();
    let stale: Vec<_> = xtask::check(&xtask::workspace_root(), &files)
        .into_iter()
        .map(|s| s.path)
        .collect();
    // The models only change their header (the spec hash); client and mock gain the parameter;
    // both copies of the spec follow.
    assert_eq!(
        stale,
        [
            "crates/postproxy-models/src/generated.rs",
            "crates/postproxy-client/src/generated.rs",
            "crates/postproxy-mock-server/src/generated.rs",
            "crates/postproxy-mock-server/openapi/postproxy.yaml",
            "crates/postproxy-mock-server/openapi/postproxy.json"
        ]
    );
    let client = &files[1].content;
    let mock = &files[2].content;
    assert!(
        client.contains("pub fn include_counts<"),
        "the client builder lacks the parameter"
    );
    assert!(
        mock.contains("pub include_counts: ::std::option::Option<bool>"),
        "the mock query lacks it"
    );
}

#[test]
fn a_spec_breaking_a_generator_rule_fails_with_a_readable_message() {
    // Two different error schemas on one operation.
    let (text, spec) = edited(
        "          $ref: \"#/components/responses/NotFound\"\n",
        "          description: Not found\n          content:\n            application/json:\n              schema:\n                $ref: \"#/components/schemas/ProfileGroup\"\n",
    );
    let err = xtask::generate(&text, &spec)
        .err()
        .expect("generation must fail");
    assert!(
        err.contains("operation `list_profiles`: [one-error-type]"),
        "{err}"
    );
    assert!(
        err.contains("404: #/components/schemas/ProfileGroup"),
        "{err}"
    );

    // The nullable reference, written as before: `nullable` beside a `$ref`...
    let nullable_ref = "          anyOf:\n            - $ref: \"#/components/schemas/SummaryStats\"\n            - type: object\n              nullable: true\n              enum: [null]\n";
    let (text, spec) = edited(
        nullable_ref,
        "          nullable: true\n          $ref: \"#/components/schemas/SummaryStats\"\n",
    );
    let err = xtask::generate(&text, &spec)
        .err()
        .expect("generation must fail");
    assert!(
        err.contains("[ref-siblings]") && err.contains("summary_stats"),
        "{err}"
    );
    // ...and beside `allOf`, which OpenAPI 3.0.3 validators read as not nullable.
    let (text, spec) = edited(
        nullable_ref,
        "          type: object\n          nullable: true\n          allOf:\n            - $ref: \"#/components/schemas/SummaryStats\"\n",
    );
    let err = xtask::generate(&text, &spec)
        .err()
        .expect("generation must fail");
    assert!(
        err.contains("[nullable]") && err.contains("summary_stats"),
        "{err}"
    );
}

/// typify sees the OpenAPI 3.0.3 nullable reference as `nullable` + `allOf`, so the model
/// field stays `Option<SummaryStats>`.
#[test]
fn a_nullable_reference_is_an_option_of_the_referenced_type() {
    let root = xtask::workspace_root();
    let (text, spec) = xtask::load_spec(&root).unwrap();
    let field = &spec["components"]["schemas"]["ProfileDetail"]["properties"]["summary_stats"];
    assert!(field["anyOf"].is_array(), "{field}");
    let seen = xtask::typify_nullable_refs(&spec);
    let field = &seen["components"]["schemas"]["ProfileDetail"]["properties"]["summary_stats"];
    assert_eq!(field["nullable"], true);
    assert_eq!(
        field["allOf"][0]["$ref"],
        "#/components/schemas/SummaryStats"
    );
    let files = xtask::generate(&text, &spec).unwrap();
    let models = &files[0].content;
    assert!(
        models.contains("pub summary_stats: ::std::option::Option<SummaryStats>,"),
        "{models}"
    );
}

#[test]
fn the_mock_crate_serves_a_verbatim_copy_of_the_spec() {
    let root = xtask::workspace_root();
    let (text, spec) = xtask::load_spec(&root).unwrap();
    let files = xtask::generate(&text, &spec).unwrap();
    let copy = files
        .iter()
        .find(|f| f.path == xtask::SPEC_COPY_PATH)
        .expect("the spec copy is generated");
    assert_eq!(copy.content, text.replace("\r\n", "\n"));
}

#[test]
fn write_creates_missing_files_and_rewrites_only_stale_ones() {
    let root = std::env::temp_dir().join(format!("pp-xtask-write-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&root);
    let (text, spec) = xtask::load_spec(&xtask::workspace_root()).unwrap();
    let files = xtask::generate(&text, &spec).unwrap();
    let all: Vec<_> = files.iter().map(|f| f.path).collect();
    assert_eq!(
        xtask::write(&root, &files).unwrap(),
        all,
        "an empty tree gets every file"
    );
    assert!(xtask::check(&root, &files).is_empty());
    assert!(
        xtask::write(&root, &files).unwrap().is_empty(),
        "nothing to rewrite"
    );

    let models = root.join("crates/postproxy-models/src/generated.rs");
    std::fs::write(&models, "// edited by hand\n").unwrap();
    let stale = xtask::check(&root, &files);
    assert_eq!(stale.len(), 1);
    assert_eq!(stale[0].path, "crates/postproxy-models/src/generated.rs");
    assert!(
        stale[0].diff.contains("-// edited by hand") && stale[0].diff.contains("+// @generated"),
        "{}",
        stale[0].diff
    );
    assert_eq!(
        xtask::write(&root, &files).unwrap(),
        ["crates/postproxy-models/src/generated.rs"]
    );
    assert!(xtask::check(&root, &files).is_empty());
    std::fs::remove_dir_all(&root).unwrap();
}

/// The generated mock layer reaches its crate's hand-written runtime through one module,
/// `crate::rt`, which exports exactly these names.
#[test]
fn the_mock_layer_names_one_runtime_module_of_its_crate() {
    let (text, spec) = xtask::load_spec(&xtask::workspace_root()).unwrap();
    let files = xtask::generate(&text, &spec).unwrap();
    let mock = &files[2].content;
    let mut names = std::collections::BTreeSet::new();
    for (at, _) in mock.match_indices("crate::") {
        let rest = &mock[at + "crate::".len()..];
        let name = rest
            .strip_prefix("rt::")
            .unwrap_or_else(|| panic!("the mock names `crate::{}`", &rest[..rest.len().min(40)]));
        let end = name
            .find(|c: char| !c.is_alphanumeric() && c != '_')
            .unwrap_or(name.len());
        names.insert(&name[..end]);
    }
    assert_eq!(
        names.into_iter().collect::<Vec<_>>(),
        [
            "ApiError",
            "ApiJson",
            "ApiPath",
            "ApiQuery",
            "Prepared",
            "RequestContext",
            "header_param",
            "json",
            "method_not_allowed",
            "not_found",
            "prepared",
            "set_header"
        ]
    );
}
