//! `suggest` rules corrected by qa32: the user's wildcard exception over a source led by a
//! variable is carried (authelia).

use crate::util::{text, TestEnv};

/// authelia: `COPY authelia-${TARGETOS}-${TARGETARCH}/authelia`, built once per platform from
/// binaries CI writes first, and an ignore file of `*` then `!authelia-linux-*`. suggest keeps
/// the paths of the platforms it evaluates; the user's exception is what serves the others
/// (`--platform linux/riscv64`): it is carried, so that build still gets its binary under both
/// builders once it exists. An exception naming something else is not carried.
#[test]
fn a_wildcard_exception_over_a_source_led_by_a_variable_is_carried() {
    let env = TestEnv::new();
    env.file(
        "Dockerfile",
        "FROM busybox\nARG TARGETOS\nARG TARGETARCH\nCOPY app-${TARGETOS}-${TARGETARCH}/app LICENSE /\n",
    )
    .file("LICENSE", "x\n")
    .file("main.go", "package main\n")
    .file("notes-a/n.txt", "x\n")
    .dockerignore("*\n!app-linux-*\n!LICENSE\n!notes-*\n");
    let o = env.run(["suggest", "--write"]);
    let err = text(&o.stderr);
    assert_eq!(o.status.code(), Some(0), "{err}");
    let written = std::fs::read_to_string(env.ctx().join(".dockerignore")).unwrap();
    assert!(
        written.lines().any(|l| l == "!app-linux-*"),
        "{written}\n{err}"
    );
    assert!(!written.lines().any(|l| l == "!notes-*"), "{written}");
    // The warning names the carried line instead of asking for one.
    let w: Vec<&str> = err
        .lines()
        .filter(|l| l.contains("variable values only"))
        .collect();
    assert_eq!(w.len(), 1, "{err}");
    assert!(
        w[0].contains("the carried `!app-linux-*` sends what the other values"),
        "{err}"
    );
    // A platform suggest did not evaluate, built once CI wrote its binary.
    env.file("app-linux-riscv64/app", "\x7fELF\n");
    for b in ["buildkit", "classic"] {
        let list = text(&env.run(["list", "--builder", b, "."]).stdout);
        assert!(
            list.lines().any(|l| l == "app-linux-riscv64/app"),
            "{b}: {list}\n{written}"
        );
        assert!(
            !list.lines().any(|l| l.starts_with("notes-a")),
            "{b}: {list}"
        );
    }
}
