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
        assert!(
            a.content.starts_with("// @generated"),
            "{} lacks the header",
            a.path
        );
    }
}
