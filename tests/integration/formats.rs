//! Snapshots of every output format of every reporting command: the report, `lint`, `explain`
//! and `--compose`, each in human, JSON, SARIF and GitHub form where the command has it. The
//! trees are small and written by the tests (every size fixed); temporary paths and the version
//! are redacted.

use std::process::Output;

use crate::util::{bin, text, TestEnv};

/// Runs the binary in `dir` as a user would outside GitHub Actions, without colour.
pub(crate) fn run_in(dir: &std::path::Path, args: &[&str]) -> Output {
    std::process::Command::new(bin())
        .args(args)
        .current_dir(dir)
        .env_remove("DOCKER_BUILDKIT")
        .env("DOCKER_CONFIG", crate::util::docker_config())
        .env_remove("GITHUB_ACTIONS")
        .env("NO_COLOR", "1")
        .output()
        .expect("run ctxsize")
}

fn redact(env: &TestEnv, out: &[u8]) -> String {
    let tmp = env.tmp();
    let tmp = tmp.to_str().expect("UTF-8 temp path");
    text(out)
        .replace(tmp, "[TMP]")
        .replace(env!("CARGO_PKG_VERSION"), "[VERSION]")
}

/// Output of a run that must end with `code`.
fn out(env: &TestEnv, args: &[&str], code: i32) -> String {
    let o = run_in(env.ctx(), args);
    assert_eq!(
        o.status.code(),
        Some(code),
        "{args:?}: stdout {} stderr {}",
        text(&o.stdout),
        text(&o.stderr)
    );
    redact(env, &o.stdout)
}

/// A context with a secret, a dependency tree, a log, a missing COPY source and an ignore file
/// with a gitignore habit (`*.log` only at the root).
fn tree() -> TestEnv {
    let env = TestEnv::new();
    env.file(
        "Dockerfile",
        "FROM scratch\nCOPY src /app/src\nCOPY missing.txt /app/\n",
    )
    .dockerignore("*.log\nnode_modules\n.env\n")
    .file("src/main.rs", vec![b'm'; 300])
    .file("src/logs/app.log", vec![b'l'; 40])
    .file("config/.env", "TOKEN=not-a-real-one\n")
    .file("node_modules/x/index.js", vec![b'n'; 30])
    .file("assets/logo.png", vec![b'p'; 2000]);
    env
}

#[test]
fn report_every_format() {
    let env = tree();
    for (fmt, name) in [
        ("human", "fmt_report_human"),
        ("json", "fmt_report_json"),
        ("sarif", "fmt_report_sarif"),
        ("github", "fmt_report_github"),
    ] {
        let s = out(
            &env,
            &["--format", fmt, "--large", "1k", "--no-gitignore", "."],
            0,
        );
        if fmt == "sarif" {
            crate::ci_gates::assert_valid_sarif(&serde_json::from_str(&s).expect("JSON"));
        }
        insta::assert_snapshot!(name, s);
    }
}

#[test]
fn lint_every_format() {
    let env = tree();
    for (fmt, name) in [
        ("human", "fmt_lint_human"),
        ("json", "fmt_lint_json"),
        ("sarif", "fmt_lint_sarif"),
        ("github", "fmt_lint_github"),
    ] {
        // `*.log` while `src/logs/app.log` is sent: DI003 changes what is sent, exit 1.
        let s = out(&env, &["lint", "--format", fmt, "."], 1);
        if fmt == "sarif" {
            crate::ci_gates::assert_valid_sarif(&serde_json::from_str(&s).expect("JSON"));
        }
        insta::assert_snapshot!(name, s);
    }
}

#[test]
fn explain_every_format() {
    let env = tree();
    for (fmt, name) in [("human", "fmt_explain_human"), ("json", "fmt_explain_json")] {
        let s = out(
            &env,
            &[
                "explain",
                "--format",
                fmt,
                "src/logs/app.log",
                "app.log",
                "node_modules/x",
            ],
            0,
        );
        insta::assert_snapshot!(name, s);
    }
}

/// Two services share one directory (with two Dockerfiles), a third has its own, and one names
/// a local additional context.
fn compose_tree() -> TestEnv {
    let env = TestEnv::new();
    env.file(
        "compose.yaml",
        "services:\n  web:\n    build:\n      context: ./app\n      additional_contexts:\n        shared: ./shared\n        base: docker-image://alpine:3\n  api:\n    build: ./app\n  worker:\n    build:\n      context: ./app\n      dockerfile: Dockerfile.worker\n  db:\n    image: postgres\n",
    )
    .file("app/Dockerfile", "FROM scratch\nCOPY src /src\n")
    .file("app/Dockerfile.worker", "FROM scratch\nCOPY missing.txt /\n")
    .file("app/src/main.py", vec![b'p'; 500])
    .file("app/.env", "TOKEN=x\n")
    .file("shared/lib.txt", vec![b's'; 70])
    .file("shared/.dockerignore", "*.tmp\n")
    .file("shared/x.tmp", "t");
    env
}

#[test]
fn compose_every_format() {
    let env = compose_tree();
    for (fmt, name) in [
        ("human", "fmt_compose_human"),
        ("json", "fmt_compose_json"),
        ("sarif", "fmt_compose_sarif"),
        ("github", "fmt_compose_github"),
    ] {
        let s = out(&env, &["--compose", "--format", fmt, "--no-gitignore"], 0);
        if fmt == "sarif" {
            crate::ci_gates::assert_valid_sarif(&serde_json::from_str(&s).expect("JSON"));
        }
        insta::assert_snapshot!(name, s);
    }
}

/// `--format html`: one self-contained page (nothing to fetch: no URL, no external script or
/// stylesheet) that names the entries; other commands refuse it with exit 2.
#[test]
fn html_report_is_one_self_contained_page() {
    let env = crate::util::TestEnv::new();
    env.file("Dockerfile", "FROM scratch\nCOPY src /src\n")
        .file("src/main.rs", "fn main() {}\n")
        .file("node_modules/left-pad/index.js", "module.exports = 1;\n")
        .file("logs/build.log", "log\n")
        .file("big.bin", vec![7u8; 4096]);
    let out = env.run(["--format", "html", "."]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        crate::util::text(&out.stderr)
    );
    let page = String::from_utf8(out.stdout).expect("UTF-8 page");
    assert!(page.starts_with("<!DOCTYPE html>"), "{}", &page[..80]);
    assert!(page.trim_end().ends_with("</html>"));
    let lower = page.to_ascii_lowercase();
    for bad in [
        "http://",
        "https://",
        "<link",
        "<script src",
        "@import",
        "<iframe",
        "<img",
    ] {
        assert!(!lower.contains(bad), "the page loads something: {bad}");
    }
    for entry in ["src/main.rs", "node_modules", "logs", "big.bin"] {
        assert!(page.contains(entry), "{entry} missing from the page");
    }
    for args in [
        &["lint", "--format", "html", "."][..],
        &["--compose", "--format", "html"][..],
        &["explain", "--format", "html", "x"][..],
    ] {
        let o = env.run(args);
        assert_eq!(o.status.code(), Some(2), "{args:?}");
        assert!(
            crate::util::text(&o.stderr).contains("html"),
            "{args:?}: {}",
            crate::util::text(&o.stderr)
        );
        assert!(o.stdout.is_empty(), "{args:?}");
    }
}
