//! The npm, Go and Maven packages' versions follow the workspace's, as `cargo xtask dist`
//! requires (the wheel takes its version from Cargo itself).

#[test]
fn npm_package_versions_are_the_workspace_version() {
    let root = xtask::workspace_root();
    let mismatches = xtask::dist::version_mismatches(&root, env!("CARGO_PKG_VERSION")).unwrap();
    assert!(mismatches.is_empty(), "{mismatches:#?}");
}

#[test]
fn a_different_version_is_named_with_its_place() {
    let root = xtask::workspace_root();
    let mismatches = xtask::dist::version_mismatches(&root, "9.9.9").unwrap();
    assert_eq!(mismatches.len(), 7, "{mismatches:#?}");
    assert!(mismatches[1].contains("/optionalDependencies/@postproxy-mock~1linux-x64"));
    assert!(mismatches[3].starts_with("packages/go/postproxymock/program.go"));
    assert_eq!(
        mismatches[6],
        format!(
            "packages/java/pom.xml `  <version>…</version>`: Some({:?})",
            env!("CARGO_PKG_VERSION")
        )
    );
}
