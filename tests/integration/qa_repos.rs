//! Rules corrected after QA passes on real repositories (pixelfed, qdrant, langfuse, shiori,
//! remark42, text-generation-inference; then eShopOnWeb, mealie, hoppscotch, linkwarden, minio,
//! monica, full-stack-fastapi-template, redash, discourse_docker; moby/buildkit, docker/buildx), each as a small synthetic
//! tree of the same shape.

use serde_json::Value;

use crate::util::{assert_sends, text, TestEnv};

fn lint_json(env: &TestEnv) -> (Option<i32>, Value) {
    let o = env.run(["lint", "--format", "json"]);
    let v = serde_json::from_slice(&o.stdout)
        .unwrap_or_else(|e| panic!("lint JSON: {e}: {}", text(&o.stderr)));
    (o.status.code(), v)
}

fn lint_findings<'a>(v: &'a Value, rule: &str) -> Vec<&'a Value> {
    v["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .filter(|f| f["rule"] == rule)
        .collect()
}

/// pixelfed: `/vendor` is anchored at the root on purpose (the `/` says so, as in .gitignore),
/// and Laravel's `resources/views/vendor/` is source the image needs: no DI003, and lint passes.
#[test]
fn a_pattern_written_with_a_leading_slash_is_not_root_only_by_mistake() {
    let env = TestEnv::new();
    env.file(
        "Dockerfile",
        "FROM php:8\nCOPY . /var/www/\nRUN composer install\n",
    )
    .file("composer.json", "{}\n")
    .file("vendor/laravel/framework/x.php", "<?php\n")
    .file(
        "resources/views/vendor/mail/html.blade.php",
        "<p>mail</p>\n",
    )
    .file(
        "resources/lang/vendor/backup/en/n.php",
        "<?php return [];\n",
    )
    .dockerignore("/vendor\n/node_modules\n");
    let (code, v) = lint_json(&env);
    assert!(lint_findings(&v, "DI003").is_empty(), "{v:#}");
    assert_eq!(code, Some(0), "{v:#}");
    // Without the `/`, the pattern is the gitignore habit DI003 is about (info: a vendor
    // directory is only mentioned by the report, at info).
    env.dockerignore("vendor\n/node_modules\n");
    let (code, v) = lint_json(&env);
    let d = lint_findings(&v, "DI003");
    assert_eq!(d.len(), 1, "{v:#}");
    assert_eq!(d[0]["severity"], "info", "{v:#}");
    assert_eq!(code, Some(0), "{v:#}");
}

/// qdrant: `tests/` lets a crate's `lib/segment/tests/` through, which holds a `fixtures/`
/// directory. What the pattern names is not itself flagged, so DI003 is info and lint passes;
/// `*.log` letting `sub/a.log` through stays medium (the log file itself is flagged).
#[test]
fn root_only_is_medium_only_when_what_the_pattern_names_is_flagged() {
    let env = TestEnv::new();
    env.file(
        "Dockerfile",
        "FROM rust\nCOPY . .\nRUN cargo build --release\n",
    )
    .file("Cargo.toml", "[workspace]\n")
    .file("tests/test_api.py", "def test(): pass\n")
    .file(
        "lib/segment/tests/integration/fixtures/segment.rs",
        "// fixture\n",
    )
    .file("lib/segment/tests/integration/main.rs", "mod fixtures;\n")
    .dockerignore("tests/\n");
    let (code, v) = lint_json(&env);
    let d = lint_findings(&v, "DI003");
    assert_eq!(d.len(), 1, "{v:#}");
    assert_eq!(d[0]["severity"], "info", "{v:#}");
    assert_eq!(code, Some(0), "{v:#}");

    env.file("sub/a.log", "x\n").dockerignore("tests/\n*.log\n");
    let (code, v) = lint_json(&env);
    let d: Vec<&Value> = lint_findings(&v, "DI003")
        .into_iter()
        .filter(|f| f["line"] == 2)
        .collect();
    assert_eq!(d.len(), 1, "{v:#}");
    assert_eq!(d[0]["severity"], "medium", "{v:#}");
    assert_eq!(code, Some(1), "{v:#}");
}

/// The message of the only DI003 finding, which offers no fix.
fn one_di003_without_fix(v: &Value) -> String {
    let d = lint_findings(v, "DI003");
    assert_eq!(d.len(), 1, "{v:#}");
    assert_eq!(d[0]["fix"], "", "{v:#}");
    d[0]["message"].as_str().expect("message").to_string()
}

/// The report's fix for the finding of `path` (which must be reported).
fn report_fix(env: &TestEnv, path: &str) -> String {
    let v: Value =
        serde_json::from_slice(&env.run(["--format", "json", "."]).stdout).expect("report JSON");
    let f = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["path"] == path)
        .unwrap_or_else(|| panic!("{path} reported: {v:#}"));
    f["fix"].as_str().unwrap().to_string()
}

fn suggest(env: &TestEnv, args: &[&str]) -> (Option<i32>, String, String) {
    let mut a = vec!["suggest"];
    a.extend_from_slice(args);
    let o = env.run(&a);
    (o.status.code(), text(&o.stdout), text(&o.stderr))
}

/// shiori: `Dockerfile.alpine` at the root copies a binary goreleaser writes first
/// (`dist/…`). Found at the root, it is built with this context: served, so the written file
/// still sends the binary once it exists.
#[test]
fn a_root_dockerfile_whose_sources_do_not_exist_yet_is_served() {
    let env = TestEnv::new();
    env.file(
        "Dockerfile",
        "FROM golang\nCOPY go.mod main.go ./\nRUN go build\n",
    )
    .file(
        "Dockerfile.release",
        "FROM alpine\nCOPY dist/app /usr/bin/app\n",
    )
    .file("go.mod", "module x\n")
    .file("main.go", "package main\n")
    .file("notes.txt", "n\n");
    let (code, _, err) = suggest(&env, &["--write"]);
    assert_eq!(code, Some(0), "{err}");
    assert!(
        err.contains("serves    Dockerfile.release (found in the context)"),
        "{err}"
    );
    env.file("dist/app", "binary\n");
    for b in ["buildkit", "classic"] {
        let o = env.run(["list", "--builder", b, "-f", "Dockerfile.release", "."]);
        let sent = text(&o.stdout);
        assert!(sent.lines().any(|l| l == "dist/app"), "{b}: {sent}");
        assert!(!sent.lines().any(|l| l == "notes.txt"), "{b}: {sent}");
    }
}

/// langfuse: `worker/Dockerfile` copies the whole context (`COPY . .`) and is built with the
/// root context by compose. Not served by discovery (it could as well be built from its own
/// directory), and the note says that, not "none of its COPY sources exist".
#[test]
fn an_unserved_whole_context_dockerfile_is_named_for_what_it_is() {
    let env = TestEnv::new();
    env.file("Dockerfile", "FROM node\nCOPY package.json ./\n")
        .file("package.json", "{}\n")
        .file("worker/Dockerfile", "FROM node\nCOPY . .\nRUN npm ci\n")
        .file("worker/index.js", "1\n");
    let (code, _, err) = suggest(&env, &[]);
    assert_eq!(code, Some(0), "{err}");
    let note = err
        .lines()
        .find(|l| l.contains("worker/Dockerfile (found in the context) not served"))
        .unwrap_or_else(|| panic!("{err}"));
    assert!(note.contains("copies the whole context"), "{note}");
    assert!(!note.contains("none of its COPY sources exist"), "{note}");
}

/// FreshRSS: `.devcontainer/Dockerfile` holds FROM and RUN lines only. It copies nothing from a
/// context, so this ignore file changes nothing for it: not served (it was listed among the
/// Dockerfiles the file serves), and the note says why. A root Dockerfile without sources is
/// still served (the context's own).
#[test]
fn a_found_dockerfile_that_copies_nothing_is_not_served() {
    let env = TestEnv::new();
    env.file("Dockerfile", "FROM php\nCOPY . /var/www/app\n")
        .file("index.php", "<?php\n")
        .file(
            ".devcontainer/Dockerfile",
            "FROM php\nRUN apt-get update && apt-get install -y git\n",
        )
        .file(".devcontainer/devcontainer.json", "{}\n");
    let (code, out, err) = suggest(&env, &[]);
    assert_eq!(code, Some(0), "{err}");
    assert!(!err.contains("serves    .devcontainer/Dockerfile"), "{err}");
    assert!(
        err.contains(".devcontainer/Dockerfile (found in the context) not served: it copies nothing from a build context"),
        "{err}"
    );
    assert!(!out.contains("Serves 2 Dockerfiles"), "{out}");
}

/// shiori: a source with platform variables is evaluated per platform; when none exists, each
/// value is named once, all in one warning, instead of the same line three times; and the
/// source is written once, its values after it (woodpecker's two server Dockerfiles repeated
/// `COPY dist/server/${TARGETOS}_${TARGETARCH}/woodpecker-server` before each of three values).
#[test]
fn a_missing_source_with_variables_is_warned_once_per_value() {
    let env = TestEnv::new();
    env.file(
        "Dockerfile",
        "FROM alpine\nARG TARGETOS\nARG TARGETARCH\nCOPY dist/app_${TARGETOS}_${TARGETARCH}/app /app\n",
    )
    .file("go.mod", "module x\n");
    let (code, _, err) = suggest(&env, &[]);
    assert_eq!(code, Some(0), "{err}");
    // One warning names every value, each once.
    let warns: Vec<&str> = err
        .lines()
        .filter(|l| l.contains("nothing in the context: kept in the file"))
        .collect();
    assert_eq!(warns.len(), 1, "{err}");
    for arch in ["amd64", "arm64"] {
        assert_eq!(
            warns[0]
                .matches(&format!("dist/app_linux_{arch}/app"))
                .count(),
            1,
            "{arch}: {err}"
        );
    }
    assert_eq!(
        warns[0]
            .matches("COPY dist/app_${TARGETOS}_${TARGETARCH}/app")
            .count(),
        1,
        "{err}"
    );
    assert!(
        warns[0].contains("COPY dist/app_${TARGETOS}_${TARGETARCH}/app = dist/app_linux_"),
        "{err}"
    );
}

/// remark42 / Go projects: a package named `log` (`internal/log/log.go`) and a vendored
/// package named `logs` are source, not logs that change on every build; a real `logs/` still
/// makes DF011 fire.
#[test]
fn source_packages_named_log_are_not_volatile() {
    let env = TestEnv::new();
    env.file("Dockerfile", "FROM golang\nCOPY . .\nRUN go build ./...\n")
        .file("go.mod", "module x\n")
        .file("internal/log/log.go", "package log\n")
        .file(
            "vendor/github.com/redis/go-redis/v9/internal/logs/log_messages.go",
            "package logs\n",
        );
    let df011 = |env: &TestEnv| -> Vec<String> {
        let o = env.run(["--format", "json", "."]);
        let v: Value = serde_json::from_slice(&o.stdout)
            .unwrap_or_else(|e| panic!("{e}: {}", text(&o.stderr)));
        v["findings"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|f| f["rule"] == "DF011")
            .map(|f| f["message"].as_str().unwrap().to_string())
            .collect()
    };
    assert!(df011(&env).is_empty(), "{:?}", df011(&env));
    env.file("logs/app.log", "started\n");
    let got = df011(&env);
    assert_eq!(got.len(), 1, "{got:?}");
    assert!(got[0].contains("logs/ (logs)"), "{got:?}");
    assert!(!got[0].contains("internal/log"), "{got:?}");
    assert!(!got[0].contains("vendor/"), "{got:?}");
}

/// remark42: `site/.dockerignore` sits beside `site/Dockerfile`, the file of the builds that
/// use `site/` as their context: info, and lint passes. Beside this build's own Dockerfile
/// (`-f docker/Dockerfile .`) a nested file is the classic mistake: medium.
#[test]
fn a_nested_ignore_file_beside_another_dockerfile_is_info() {
    let env = TestEnv::new();
    env.file("Dockerfile", "FROM golang\nCOPY backend /src\n")
        .file("backend/main.go", "package main\n")
        .file("site/Dockerfile", "FROM node\nCOPY . .\nRUN npm ci\n")
        .file("site/.dockerignore", "node_modules\n")
        .file("site/package.json", "{}\n")
        .dockerignore("/.git/\n");
    let (code, v) = lint_json(&env);
    let d = lint_findings(&v, "DI010");
    assert_eq!(d.len(), 1, "{v:#}");
    assert_eq!(d[0]["path"], "site/.dockerignore", "{v:#}");
    assert_eq!(d[0]["severity"], "info", "{v:#}");
    assert!(
        d[0]["message"]
            .as_str()
            .unwrap()
            .contains("site/Dockerfile"),
        "{v:#}"
    );
    assert_eq!(code, Some(0), "{v:#}");

    env.file("docker/Dockerfile", "FROM golang\nCOPY backend /src\n")
        .file("docker/.dockerignore", "*.md\n");
    let o = env.run(["lint", "--format", "json", "-f", "docker/Dockerfile"]);
    let v: Value = serde_json::from_slice(&o.stdout).unwrap();
    let d: Vec<&Value> = lint_findings(&v, "DI010")
        .into_iter()
        .filter(|f| f["path"] == "docker/.dockerignore")
        .collect();
    assert_eq!(d.len(), 1, "{v:#}");
    assert_eq!(d[0]["severity"], "medium", "{v:#}");
    assert_eq!(o.status.code(), Some(1), "{v:#}");
}

/// A directory that only a named Compose variant (`docker-compose.prod.yml`, used with
/// `docker compose -f`) builds as its context, with its Dockerfile elsewhere: its
/// `.dockerignore` is that build's, so info, as for the default Compose file. Without the
/// variant it is medium.
#[test]
fn a_nested_ignore_file_a_compose_variant_builds_with_is_info() {
    let env = TestEnv::new();
    env.file("Dockerfile", "FROM golang\nCOPY . /src\n")
        .file("backend/main.go", "package main\n")
        .file("web/.dockerignore", "node_modules\n")
        .file("web/package.json", "{}\n")
        .file("web/node_modules/x/index.js", "x\n")
        .file("docker/web.Dockerfile", "FROM node\nCOPY . .\n")
        .file(
            "docker-compose.prod.yml",
            "services:\n  web:\n    build:\n      context: ./web\n      dockerfile: ../docker/web.Dockerfile\n",
        )
        .dockerignore("/.git/\n");
    let (code, v) = lint_json(&env);
    let d = lint_findings(&v, "DI010");
    assert_eq!(d.len(), 1, "{v:#}");
    assert_eq!(d[0]["path"], "web/.dockerignore", "{v:#}");
    assert_eq!(d[0]["severity"], "info", "{v:#}");
    assert!(
        d[0]["message"].as_str().unwrap().contains("service `web`"),
        "{v:#}"
    );
    assert_eq!(code, Some(0), "{v:#}");

    std::fs::remove_file(env.path("docker-compose.prod.yml")).unwrap();
    let (code, v) = lint_json(&env);
    let d = lint_findings(&v, "DI010");
    assert_eq!(d[0]["severity"], "medium", "{v:#}");
    assert_eq!(code, Some(1), "{v:#}");
}

/// fluent-bit: a vendored C library's source tree (`lib/<library>-<version>/`, with its own
/// license file) keeps the `.dockerignore` of that project's own builds. Its patterns would
/// keep out files this build sends, but it is not this project's mistake: info, and lint
/// passes. The same file without a license beside it is still medium.
#[test]
fn a_vendored_projects_ignore_file_is_info() {
    let env = TestEnv::new();
    env.file("Dockerfile", "FROM debian\nCOPY . /src\n")
        .file("CMakeLists.txt", "project(x)\n")
        .file("lib/wamr-2.4.1/LICENSE-APACHE", "Apache License\n")
        .file("lib/wamr-2.4.1/core/a.c", "int a;\n")
        .file("lib/wamr-2.4.1/tests/t.c", "int t;\n")
        .file("lib/wamr-2.4.1/.dockerignore", "tests\ncore\n")
        .dockerignore(".git\n");
    let (code, v) = lint_json(&env);
    let d = lint_findings(&v, "DI010");
    assert_eq!(d.len(), 1, "{v:#}");
    assert_eq!(d[0]["path"], "lib/wamr-2.4.1/.dockerignore", "{v:#}");
    assert_eq!(d[0]["severity"], "info", "{v:#}");
    assert!(
        d[0]["message"]
            .as_str()
            .unwrap()
            .contains("vendored project"),
        "{v:#}"
    );
    assert_eq!(code, Some(0), "{v:#}");

    std::fs::remove_file(env.path("lib/wamr-2.4.1/LICENSE-APACHE")).unwrap();
    let (code, v) = lint_json(&env);
    let d = lint_findings(&v, "DI010");
    assert_eq!(d[0]["severity"], "medium", "{v:#}");
    assert_eq!(code, Some(1), "{v:#}");
}

/// dependency-track: Maven builds `target/` before `docker build`, and the Dockerfile copies
/// `target/lib/` and the jar from it. The build-output finding's fix must keep them: a bare
/// `target` line would make the build fail.
#[test]
fn a_build_output_fix_keeps_what_the_dockerfile_copies_from_it() {
    let env = TestEnv::new();
    env.file(
        "Dockerfile",
        "FROM eclipse-temurin\nCOPY ./target/lib/ ./lib/\nCOPY ./target/app.jar ./\n",
    )
    .file("pom.xml", "<project/>\n")
    .file("target/app.jar", "jar\n")
    .file("target/lib/dep.jar", "jar\n")
    .file("target/classes/A.class", "class\n");
    let o = env.run(["--format", "json", "."]);
    let v: Value =
        serde_json::from_slice(&o.stdout).unwrap_or_else(|e| panic!("{e}: {}", text(&o.stderr)));
    let f = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["path"] == "target" && f["category"] == "build-output")
        .unwrap_or_else(|| panic!("{v:#}"));
    let fix = f["fix"].as_str().unwrap();
    assert!(fix.contains("`!target/app.jar`"), "{fix}");
    assert!(fix.contains("`!target/lib`"), "{fix}");
    // What the fix says, written to the ignore file, still sends what the build copies.
    env.dockerignore("target\n!target/app.jar\n!target/lib\n");
    for b in ["buildkit", "classic"] {
        let o = env.run(["list", "--builder", b, "."]);
        let sent = text(&o.stdout);
        for p in ["target/app.jar", "target/lib/dep.jar"] {
            assert!(sent.lines().any(|l| l == p), "{b} {p}: {sent}");
        }
        assert!(!sent.contains("target/classes/A.class"), "{b}: {sent}");
    }
}

/// dependency-track: `target/` then `!target/*.jar`, `!target/lib/*.jar` kept a `.env` in
/// `target/lib/` out. The proposal keeps `!target/lib` and carries those lines after it, where
/// BuildKit (walking with its parents' results) and the classic builder no longer exclude the
/// `.env`: it gets its own line, and the written file sends no secret the old one kept out.
#[test]
fn a_secret_the_carried_lines_no_longer_reach_gets_its_own_line() {
    let env = TestEnv::new();
    env.file(
        "Dockerfile",
        "FROM alpine\nCOPY target/lib/ /lib/\nCOPY target/svc.jar /\n",
    )
    .file("target/svc.jar", "j\n")
    .file("target/other.jar", "o\n")
    .file("target/classes/A.class", "c\n")
    .file("target/lib/a.jar", "j\n")
    .file("target/lib/.env", "API_KEY=changed-at-run-time\n")
    .dockerignore("target/\n!target/*.jar\n!target/lib/*.jar\n");
    let sent = |b: &str| text(&env.run(["list", "--builder", b, "."]).stdout);
    for b in ["buildkit", "classic"] {
        assert!(!sent(b).contains("target/lib/.env"), "{b} before");
    }
    let (code, out, err) = suggest(&env, &["--write"]);
    assert_eq!(code, Some(0), "{out}{err}");
    for b in ["buildkit", "classic"] {
        let s = sent(b);
        assert!(!s.contains("target/lib/.env"), "{b} after: {s}");
        assert!(
            s.lines().any(|l| l == "target/lib/a.jar") && s.lines().any(|l| l == "target/svc.jar"),
            "{b} after: {s}"
        );
    }
}

/// langfuse: the served Dockerfiles found in the context were listed in the order the parallel
/// walk met them, so the header of the proposed file changed from run to run. Path order now.
#[test]
fn the_served_dockerfiles_are_listed_in_the_same_order_on_every_run() {
    let env = TestEnv::new();
    env.file("Dockerfile", "FROM alpine\nCOPY shared.txt /\n")
        .file("shared.txt", "s\n");
    for d in ["a", "m", "z", "b/c", "k/q", "t"] {
        env.file(
            format!("{d}/Dockerfile"),
            "FROM alpine\nCOPY shared.txt /\n",
        );
        // Enough directories around each for the walk to split the work between threads.
        for i in 0..60 {
            env.file(format!("{d}/pkg{i}/src/f{i}.txt"), "x\n");
        }
    }
    let first = suggest(&env, &["--threads", "4"]);
    assert_eq!(first.0, Some(0), "{}", first.2);
    let served: Vec<&str> = first
        .2
        .lines()
        .filter(|l| l.starts_with("  serves"))
        .collect();
    assert_eq!(served.len(), 7, "{}", first.2);
    let mut sorted = served[1..].to_vec();
    sorted.sort();
    assert_eq!(served[1..], sorted[..], "{}", first.2);
    for _ in 0..8 {
        let again = suggest(&env, &["--threads", "4"]);
        assert_eq!(again.1, first.1);
        assert_eq!(again.2, first.2);
    }
}

/// remark42: the Dockerfile runs `go test`, and a test loads `testdata/key.pem`. suggest keeps
/// that key (removing it would fail the build) and says why; without a test step it is removed.
#[test]
fn a_key_in_test_data_stays_when_the_build_runs_the_tests() {
    let key = format!(
        "-----BEGIN {} KEY-----\nMIIB\n-----END {} KEY-----\n",
        "PRIVATE", "PRIVATE"
    );
    let env = TestEnv::new();
    env.file(
        "Dockerfile",
        "FROM golang:1.22\nADD backend /srv/backend\nRUN cd /srv/backend && go test ./...\n",
    )
    .file("backend/go.mod", "module x\n")
    .file("backend/app/main.go", "package main\n")
    .file("backend/app/cmd/testdata/key.pem", &key)
    .file("backend/app/cmd/server.pem", &key);
    let o = env.run(["suggest"]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
    let out = text(&o.stdout);
    assert!(!out.contains("testdata/key.pem"), "{out}");
    assert!(
        out.contains("backend/app/cmd/server.pem"),
        "a key outside test data is still removed: {out}"
    );
    let err = text(&o.stderr);
    assert!(
        err.contains("testdata/key.pem") && err.contains("runs tests"),
        "{err}"
    );
    // No test step: the fixture key is removed like any other.
    env.file(
        "Dockerfile",
        "FROM golang:1.22\nADD backend /srv/backend\nRUN cd /srv/backend && go build ./...\n",
    );
    let o = env.run(["suggest"]);
    assert!(
        text(&o.stdout).contains("testdata/key.pem"),
        "{}",
        text(&o.stdout)
    );
}

/// pixelfed: `/public/hot` and `/bootstrap/cache` match nothing in a fresh checkout but keep a
/// local build's output out of a directory the Dockerfile copies. suggest carries them, and once
/// that output exists the written file still keeps it out; a line outside the kept paths (made
/// redundant by `*`) is not carried.
#[test]
fn lines_that_match_nothing_yet_inside_kept_paths_are_carried() {
    let env = TestEnv::new();
    env.file(
        "Dockerfile",
        "FROM php:8\nCOPY public /var/www/public\nCOPY bootstrap /var/www/bootstrap\n",
    )
    .file("public/index.php", "<?php\n")
    .file("bootstrap/app.php", "<?php\n")
    .file("docs/readme.md", "x\n")
    .dockerignore("/public/hot\n/bootstrap/cache/*.php\n/docs/build\n");
    let o = env.run(["suggest", "--write"]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
    let written = std::fs::read_to_string(env.path(".dockerignore")).unwrap();
    assert!(written.contains("/public/hot"), "{written}");
    assert!(written.contains("/bootstrap/cache/*.php"), "{written}");
    assert!(!written.contains("/docs/build"), "{written}");
    env.file("public/hot", "http://localhost:5173\n")
        .file("bootstrap/cache/services.php", "<?php\n");
    let list = text(&env.run(["list"]).stdout);
    assert!(list.contains("public/index.php\n"), "{list}");
    assert!(!list.contains("public/hot"), "{list}");
    assert!(!list.contains("bootstrap/cache/services.php"), "{list}");
}

/// saleor: with `--no-discover`, the root Dockerfile (`COPY . /app`) is not served, and the
/// summary says it exists and may lose what it copies.
#[test]
fn no_discover_names_the_dockerfiles_it_left_out() {
    let env = TestEnv::new();
    env.file("Dockerfile", "FROM python\nCOPY . /app\n")
        .file(
            ".devcontainer/Dockerfile",
            "FROM python\nCOPY requirements.txt /r.txt\n",
        )
        .file("requirements.txt", "x\n")
        .file("app.py", "y\n");
    let o = env.run([
        "suggest",
        "--no-discover",
        "-f",
        env.path(".devcontainer/Dockerfile").to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
    let err = text(&o.stderr);
    assert!(
        err.contains(
            "--no-discover: 1 other Dockerfile(s) in the context not considered (Dockerfile)"
        ),
        "{err}"
    );
    // Discovered, the root Dockerfile is served and nothing is said about it.
    let o = env.run([
        "suggest",
        "-f",
        env.path(".devcontainer/Dockerfile").to_str().unwrap(),
    ]);
    assert!(!text(&o.stderr).contains("--no-discover"));
}

/// saleor: `static` in the ignore file keeps the root's collected `static/` out, while
/// `saleor/static/` is source the image needs (`COPY . /app`). DI003 does not propose
/// `**/static`, which would exclude it; it says so. Where the generic line excludes nothing the
/// build copies, it is still the fix.
#[test]
fn root_only_fix_is_not_proposed_when_it_would_exclude_copied_files() {
    let env = TestEnv::new();
    env.file("Dockerfile", "FROM python\nCOPY . /app\n")
        .file("static/collected.css", "a{}\n")
        .file("saleor/static/app.css", "b{}\n")
        .file("saleor/app.py", "x\n")
        .dockerignore("static\n");
    let (_, v) = lint_json(&env);
    let msg = one_di003_without_fix(&v);
    assert!(
        msg.contains("would also exclude saleor/static/app.css, which the build copies"),
        "{msg}"
    );
    env.file("Dockerfile", "FROM python\nCOPY saleor/app.py /app/\n");
    let (_, v) = lint_json(&env);
    let d = lint_findings(&v, "DI003");
    assert_eq!(d.len(), 1, "{v:#}");
    assert_eq!(d[0]["fix"], "**/static", "{v:#}");
}

/// moby/buildkit: a `RUN --mount=target=.` here-document runs `git rev-parse HEAD` and
/// `git describe` for the version. suggest keeps `.git` (and says why) instead of breaking the
/// build; the report grades that `.git` info, with a fix that says what excluding it takes.
/// Without the git step, `.git` is removed and medium as before; `git clone` is no such step.
#[test]
fn a_git_directory_the_build_runs_git_on_is_kept() {
    let env = TestEnv::new();
    let with_git = "FROM golang:1.22 AS base\nWORKDIR /src\nRUN --mount=target=. <<'EOT'\n  set -e\n  echo \"$(git describe --tags)\" > /tmp/.version\nEOT\nCOPY . .\nRUN go build ./...\n";
    env.file("Dockerfile", with_git)
        .file("go.mod", "module x\n")
        .file("main.go", "package main\n")
        .file(".git/HEAD", "ref: refs/heads/main\n")
        .file(".git/config", "[core]\n");
    let o = env.run(["suggest", "--write"]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
    let err = text(&o.stderr);
    assert!(
        err.contains("kept \".git\"") && err.contains("runs git"),
        "{err}"
    );
    for b in ["buildkit", "classic"] {
        let list = text(&env.run(["list", "--builder", b, "."]).stdout);
        assert!(list.lines().any(|l| l == ".git/HEAD"), "{b}: {list}");
    }
    let report = |env: &TestEnv| -> Value {
        let o = env.run(["--format", "json", "."]);
        serde_json::from_slice(&o.stdout).expect("report JSON")
    };
    std::fs::remove_file(env.path(".dockerignore")).unwrap();
    let v = report(&env);
    let git = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["rule"] == "CTX201")
        .expect("CTX201")
        .clone();
    assert_eq!(git["severity"], "info", "{git:#}");
    assert!(
        git["message"].as_str().unwrap().contains("runs git"),
        "{git:#}"
    );
    // Cloning reads no local repository: `.git` is removed and medium again.
    env.file(
        "Dockerfile",
        "FROM golang:1.22\nRUN git clone https://example.com/lib.git /lib\nCOPY . .\n",
    );
    let v = report(&env);
    let git = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["rule"] == "CTX201")
        .expect("CTX201")
        .clone();
    assert_eq!(git["severity"], "medium", "{git:#}");
    let o = env.run(["suggest", "--write"]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
    let list = text(&env.run(["list", "."]).stdout);
    assert!(!list.lines().any(|l| l.starts_with(".git/")), "{list}");
}

/// `.git/*` and `target/*` (instead of `.git`, `target`) exclude what the directories hold
/// but send the directories themselves, empty: their findings are info and say so, not a
/// medium "0 files, 0 B"; with the content sent they are medium again.
#[test]
fn a_junk_directory_sent_empty_is_info() {
    let env = TestEnv::new();
    env.file("Dockerfile", "FROM rust\nCOPY . .\nRUN cargo build\n")
        .file("Cargo.toml", "[package]\nname = \"x\"\n")
        .file("src/main.rs", "fn main() {}\n")
        .file(".git/HEAD", "ref: refs/heads/main\n")
        .file(".git/config", "[core]\n")
        .file("target/release/x", "bin")
        .dockerignore(".git/*\ntarget/*\n");
    let sev = |env: &TestEnv| -> Vec<(String, String)> {
        let o = env.run(["--format", "json", "."]);
        let v: Value = serde_json::from_slice(&o.stdout).expect("report JSON");
        v["findings"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|f| f["rule"] == "CTX201" || f["rule"] == "CTX401")
            .map(|f| {
                assert_eq!(f["files"], 0, "{f:#}");
                (
                    f["severity"].as_str().unwrap().to_string(),
                    f["message"].as_str().unwrap().to_string(),
                )
            })
            .collect()
    };
    let found = sev(&env);
    assert_eq!(found.len(), 2, "{found:?}");
    for (s, m) in &found {
        assert_eq!(s, "info", "{m}");
        assert!(m.contains("only the empty directory is sent"), "{m}");
    }
    env.dockerignore("target/*\n");
    let o = env.run(["--format", "json", "."]);
    let v: Value = serde_json::from_slice(&o.stdout).expect("report JSON");
    let git = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["rule"] == "CTX201")
        .expect("CTX201")
        .clone();
    assert_eq!(git["severity"], "medium", "{git:#}");
}

/// The version stamp computed by the Makefile a `RUN make` runs (`$(shell git describe)`, the
/// common Go and C pattern) reads `.git` too: suggest keeps it.
#[test]
fn a_git_directory_the_makefile_reads_is_kept() {
    let env = TestEnv::new();
    env.file(
        "Dockerfile",
        "FROM golang:1.22\nWORKDIR /src\nCOPY . .\nRUN make build\n",
    )
    .file(
        "Makefile",
        "VERSION := $(shell git describe --tags --always)\nbuild:\n\tgo build -ldflags \"-X main.v=$(VERSION)\"\n",
    )
    .file("main.go", "package main\n")
    .file(".git/HEAD", "ref: refs/heads/main\n");
    let o = env.run(["suggest", "--write"]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
    assert!(text(&o.stderr).contains("runs git"), "{}", text(&o.stderr));
    let list = text(&env.run(["list", "."]).stdout);
    assert!(list.lines().any(|l| l == ".git/HEAD"), "{list}");
    // The same Makefile without the stamp: `.git` goes.
    env.file("Makefile", "build:\n\tgo build\n");
    let o = env.run(["suggest", "--write"]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
    let list = text(&env.run(["list", "."]).stdout);
    assert!(!list.lines().any(|l| l.starts_with(".git/")), "{list}");
}

/// A large pack inside `.git/` is the `.git` finding's (its size is counted there; excluding the
/// pack alone is no fix, and inside a `.git` the build reads it would break git); a large file
/// in `node_modules/` keeps its own line.
#[test]
fn a_large_pack_inside_git_is_not_a_finding_of_its_own() {
    let env = TestEnv::new();
    env.file("Dockerfile", "FROM alpine\nCOPY . /app\n")
        .file(".git/HEAD", "ref: refs/heads/main\n")
        .file(".git/objects/pack/pack-1.pack", vec![b'p'; 3000])
        .file("node_modules/pkg/blob.bin", vec![b'n'; 3000]);
    let o = env.run(["--format", "json", "--large", "1k", "."]);
    let v: Value = serde_json::from_slice(&o.stdout).expect("report JSON");
    let large: Vec<&str> = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["rule"] == "CTX800")
        .map(|f| f["path"].as_str().unwrap())
        .collect();
    assert_eq!(large, ["node_modules/pkg/blob.bin"], "{v:#}");
    let git = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["rule"] == "CTX201")
        .expect("CTX201");
    assert_eq!(git["files"], 2, "{git:#}");
}

/// `explain` on a path the context does not hold: it says so, and what each builder would do
/// once the path is created (the deciding line, or the excluded parent the classic builder
/// never walks into); a question answered, so exit 0 as for any other path. A path below a
/// symbolic link is not "missing": docker sends the link.
#[test]
fn explain_a_path_that_does_not_exist_says_what_would_happen_to_it() {
    let env = TestEnv::new();
    env.file("Dockerfile", "FROM alpine\nCOPY . /app\n")
        .file("src/a.js", "a\n")
        .dir("build")
        .symlink("lnk", "src")
        .dockerignore("*.log\n!keep.log\nbuild\n!**/keep.txt\n");
    let o = env.run([
        "explain",
        "nope.txt",
        "x.log",
        "keep.log",
        "build/x/keep.txt",
        "lnk/a.js",
    ]);
    let out = text(&o.stdout);
    assert_eq!(o.status.code(), Some(0), "{out}{}", text(&o.stderr));
    for want in [
        "nope.txt (does not exist in the context)\n  BuildKit: NOT SENT — does not exist in the context; if it existed, it would be sent (no ignore line matches it)",
        "BuildKit: NOT SENT — does not exist in the context; if it existed, it would not be sent (excluded by .dockerignore:1: `*.log`)",
        "classic builder: NOT SENT — does not exist in the context; if it existed, it would be sent (re-included by .dockerignore:2: `!keep.log`)",
        "classic builder: NOT SENT — does not exist in the context; if it existed, it would not be sent (build is excluded by .dockerignore:3: `build` and never walked into)",
        "note: once it exists, the two builders would disagree on this path",
        "lnk/a.js\n  BuildKit: NOT SENT — lnk is a symbolic link: docker sends the link, not what lies behind it",
    ] {
        assert!(out.contains(want), "{want}\n---\n{out}");
    }
    let o = env.run([
        "explain",
        "--format",
        "json",
        "build/x/keep.txt",
        "src/a.js",
    ]);
    assert_eq!(o.status.code(), Some(0));
    let v: Value = serde_json::from_slice(&o.stdout).expect("explain JSON");
    let b = &v[0]["verdicts"];
    assert_eq!(b[0]["reason"], "missing", "{v:#}");
    assert_eq!(b[0]["would_be_sent"], true, "{v:#}");
    assert_eq!(b[1]["would_be_sent"], false, "{v:#}");
    assert_eq!(b[1]["pruned_at"], "build", "{v:#}");
    // An existing path has no hypothetical.
    assert!(v[1]["verdicts"][0].get("would_be_sent").is_none(), "{v:#}");
}

/// DI011: the count and the list agree. Each place where the builders part is named with the
/// entries below it (so they add up to the total), and a directory sorting between another and
/// its children (`build-x` between `build` and `build/a`) does not bring a child back as a
/// place of its own.
#[test]
fn builders_disagree_names_every_entry_it_counts() {
    let env = TestEnv::new();
    env.file("Dockerfile", "FROM alpine\nCOPY . /app\n")
        .file("build/a/keep.txt", "k\n")
        .file("build/a/other", "o\n")
        .file("build-x/keep.txt", "k\n")
        .file("dist/keep.txt", "k\n")
        .dockerignore("build\nbuild-x\ndist\n!**/keep.txt\n");
    let (_, v) = lint_json(&env);
    let d = lint_findings(&v, "DI011");
    assert_eq!(d.len(), 1, "{v:#}");
    assert_eq!(
        d[0]["message"],
        "the classic builder and BuildKit disagree on 7 entries: build/ (BuildKit only) and 2 \
         entries below it, build-x/ (BuildKit only) and 1 entry below it, dist/ (BuildKit only) \
         and 1 entry below it",
        "{v:#}"
    );
}

/// suggest names every valid line of the current file it does not carry over (comments aside),
/// with why, and caps the list.
#[test]
fn suggest_names_the_user_lines_it_does_not_carry_over() {
    let env = TestEnv::new();
    env.file(
        "Dockerfile",
        "FROM node\nCOPY package.json ./\nCOPY src/ ./src/\nCOPY README.md ./\n",
    )
    .file("package.json", "{}\n")
    .file("src/a.js", "a\n")
    .file("README.md", "r\n")
    .file("docs/x.md", "d\n")
    .dockerignore(
        "# deps\nnode_modules\n*.md\n!README.md\ndocs/\n*.bak\npackage.json\nweird\x1bx\nsrc/old.txt\n",
    );
    let (code, out, err) = suggest(&env, &[]);
    assert_eq!(code, Some(0), "{err}");
    assert!(out.contains("\nnode_modules\n"), "{out}");
    // Below a kept directory, where `*` would not keep a later match out: carried.
    assert!(out.contains("\nsrc/old.txt\n"), "{out}");
    for want in [
        "not carried over from the current file: 5 line(s)\n",
        "    - line 3 `*.md`: a later line re-included what it matches inside the kept paths; `*` leaves out the rest\n",
        "    - line 5 `docs/`: everything it matches is outside the kept paths, which `*` leaves out\n",
        // A root-level name no keep line shares: `*` keeps it out, today and later.
        "    - line 6 `*.bak`: it matches nothing today, and `*` keeps out whatever it would match: no keep line sends a top-level entry matching `*.bak`\n",
        "    - line 7 `package.json`: it would exclude a file the build copies (see the warning below)\n",
        "    - line 8 `weird\\x1bx`: it matches nothing today, and `*` keeps out whatever it would match: no keep line sends a top-level entry matching `weird\\x1bx`\n",
    ] {
        assert!(err.contains(want), "{want}\n---\n{err}");
    }
    // Neither the comment nor the carried line nor the exception the proposal writes itself.
    assert!(
        !err.contains("`# deps`") && !err.contains("line 2 `node_modules`"),
        "{err}"
    );
    assert!(!err.contains("`!README.md`:"), "{err}");

    // Capped at 20.
    let many: String = (0..25).map(|i| format!("gone{i}\n")).collect();
    env.dockerignore(many);
    let (_, _, err) = suggest(&env, &[]);
    assert!(
        err.contains("not carried over from the current file: 25 line(s)\n"),
        "{err}"
    );
    assert!(err.contains("    - line 20 `gone19`"), "{err}");
    assert!(!err.contains("`gone20`"), "{err}");
    assert!(err.contains("    … and 5 more\n"), "{err}");
}

/// A Dockerfile found in a subdirectory whose COPY sources exist in its own directory (and, by
/// name, at the root too) is built with its own directory: not served. Served, its `COPY .env`
/// kept the root's `.env` (a secret the user's `.env` line kept out) with `!.env`. A
/// subdirectory Dockerfile whose sources exist only from the root is still served; with -f it
/// is served whatever its sources.
#[test]
fn a_subdirectory_dockerfile_is_not_served_for_root_files_of_the_same_name() {
    let env = TestEnv::new();
    env.file(
        "Dockerfile",
        "FROM python\nCOPY app.py requirements.txt ./\n",
    )
    .file("app.py", "x\n")
    .file("requirements.txt", "y\n")
    .file("package.json", "{}\n")
    .file(".env", "AWS_SECRET_ACCESS_KEY=abc\n")
    .file(
        "services/api/Dockerfile",
        "FROM node\nCOPY package.json ./\nCOPY .env ./\nCOPY src ./src\n",
    )
    .file("services/api/package.json", "{}\n")
    .file("services/api/.env", "K=1\n")
    .file("services/api/src/i.js", "s\n")
    .file(
        "deploy/Dockerfile",
        "FROM python\nCOPY requirements.txt .\n",
    )
    .dockerignore(".env\nnode_modules\n");
    let (code, out, err) = suggest(&env, &[]);
    assert_eq!(code, Some(0), "{err}");
    assert!(!out.contains("!.env"), "{out}");
    assert!(!out.contains("!package.json"), "{out}");
    assert!(
        err.contains("note: services/api/Dockerfile (found in the context) not served: 3 of its 3 COPY source(s) exist in services/api/, 1 in this context (not counting .env, which the current ignore file excludes), so it is built with that directory"),
        "{err}"
    );
    assert!(
        err.contains("serves    deploy/Dockerfile (found in the context)"),
        "{err}"
    );
    assert!(!err.contains("COPY src (line 4) matches nothing"), "{err}");
    let (code, out, err) = suggest(&env, &["-f", "services/api/Dockerfile"]);
    assert_eq!(code, Some(0), "{err}");
    assert!(out.contains("!package.json"), "{out}");
}

/// eShopOnWeb: `*/bin` and `*/obj` (a .NET habit) match one level below the root only, so a
/// project's `src/Web/bin/` and `src/Web/obj/` are sent: DI003 (it was "matches nothing",
/// DI002). The fix `**/bin` is proposed because git ignores what it would exclude (no clean
/// checkout holds it); without that, the build copying everything, it is not. What gets through
/// is .NET build output (CTX406), so the problem changes what is sent: lint exits 1.
#[test]
fn a_pattern_pinned_one_level_down_lets_deeper_entries_through() {
    let env = TestEnv::new();
    env.file(
        "Dockerfile",
        "FROM mcr.microsoft.com/dotnet/sdk:8.0\nCOPY . .\nRUN dotnet publish -o out\n",
    )
    .file("Web.sln", "\n")
    .file("src/Web/Web.csproj", "<Project/>\n")
    .file("src/Web/bin/Debug/net8.0/Web.dll", "MZ\n")
    .file("src/Web/obj/project.assets.json", "{}\n")
    .file("tools/bin/run.sh", "#!/bin/sh\n")
    .file(".gitignore", "bin/\nobj/\n")
    .dockerignore(".git\n*/bin\n*/obj\n");
    let o = std::process::Command::new("git")
        .args(["init", "-q", "."])
        .current_dir(env.ctx())
        .output()
        .expect("git");
    assert!(o.status.success());
    let (code, v) = lint_json(&env);
    assert_eq!(code, Some(1), "{v:#}");
    let d = lint_findings(&v, "DI003");
    assert_eq!(d.len(), 2, "{v:#}");
    assert!(d.iter().all(|f| f["severity"] == "medium"), "{v:#}");
    assert_eq!(
        d[0]["message"],
        "`*/bin` only matches one level below the context root, but 1 file below it is sent (3 B), e.g. src/Web/bin/Debug/net8.0/Web.dll; did you mean `**/bin`?",
        "{v:#}"
    );
    assert_eq!(d[0]["fix"], "**/bin", "{v:#}");
    assert_eq!(d[1]["fix"], "**/obj", "{v:#}");
    assert!(lint_findings(&v, "DI002").is_empty(), "{v:#}");

    // Not ignored by git: `**/bin` would exclude copied files that a clean checkout holds.
    // Tracked (committed), `src/Web/bin/` is no longer build output to drop.
    env.file(".gitignore", "obj/\n");
    env.git(&["add", "-A"]).git(&["commit", "-qm", "x"]);
    let (_, v) = lint_json(&env);
    let d = lint_findings(&v, "DI003");
    assert_eq!(d[0]["fix"], "", "{v:#}");
    assert!(
        d[0]["message"].as_str().unwrap().contains(
            "if you meant `**/bin`, it would also exclude src/Web/bin/Debug/net8.0/Web.dll, which the build copies"
        ),
        "{v:#}"
    );
    assert_eq!(d[1]["fix"], "**/obj", "{v:#}");
}

/// mealie: `*/dist` matches nothing today, but its leading `*` names the kept `frontend`, so it
/// reaches `frontend/dist`, what a local `yarn generate` writes: carried, so that output stays
/// out once it exists (as `/public/hot` is). A line reaching no kept path is not.
#[test]
fn a_line_whose_wildcard_names_a_kept_directory_is_carried() {
    let env = TestEnv::new();
    env.file(
        "Dockerfile",
        "FROM node AS b\nCOPY ./frontend .\nRUN yarn install && yarn generate\nFROM python\nCOPY ./app /app\nCOPY --from=b /dist /static\n",
    )
    .file("frontend/package.json", "{}\n")
    .file("frontend/pages/index.vue", "<template/>\n")
    .file("app/main.py", "print()\n")
    .file("docs/index.md", "d\n")
    .dockerignore("*/node_modules\n*/dist\n*/x/y\ndocs/*/build\n**/target\napp/**/build\ndocs/**/z\n");
    let (code, out, err) = suggest(&env, &[]);
    assert_eq!(code, Some(0), "{err}");
    assert!(out.contains("\n*/dist\n"), "{out}");
    assert!(out.contains("\n*/node_modules\n"), "{out}");
    // `*/x/y` reaches `frontend/x/y` or `app/x/y`: carried too; `docs/*/build` starts in a
    // directory the build does not copy.
    assert!(out.contains("\n*/x/y\n"), "{out}");
    assert!(!out.contains("docs/*/build"), "{out}");
    // A `**` reaches inside every kept directory (hoppscotch's `**/target`, `**/dist`), after a
    // prefix that names one (`app/**/build`), not after one that names none (`docs/**/z`).
    assert!(out.contains("\n**/target\n"), "{out}");
    assert!(out.contains("\napp/**/build\n"), "{out}");
    assert!(!out.contains("docs/**/z"), "{out}");
    env.file("frontend/dist/index.html", "<html/>\n");
    let (code, out, err) = suggest(&env, &[]);
    assert_eq!(code, Some(0), "{err}");
    assert!(out.contains("\n*/dist\n"), "{out}");
}

/// discourse_docker: `ADD nginx_public_keys.key`, `yarn-pubkey.gpg.key`,
/// `nodesource-repo.gpg.key` are PGP public keys an apt repository is verified with: named like
/// a private key, but the content says public, so no finding (a high "revoke it" before); a
/// `.key` holding a private key stays high; without the content scan the name decides. suggest's
/// notes do the same.
#[test]
fn a_key_file_holding_only_a_public_key_is_not_a_secret() {
    let env = TestEnv::new();
    let public = "# the maintainer's PGP public key\n-----BEGIN PGP PUBLIC KEY BLOCK-----\n\nmQINBGYXyiQBEADMq\n-----END PGP PUBLIC KEY BLOCK-----\n";
    env.file(
        "Dockerfile",
        "FROM debian\nADD yarn-pubkey.gpg.key /tmp/\nADD ca.pem /tmp/\nCOPY app.key /etc/\n",
    )
    .file("yarn-pubkey.gpg.key", public)
    .file(
        "ca.pem",
        "-----BEGIN CERTIFICATE-----\nMIIBszCCAVmgAwIBAgIU\n-----END CERTIFICATE-----\n",
    )
    .file(
        "app.key",
        "-----BEGIN EC PRIVATE KEY-----\nMHcCAQEEIBkg4LVWM9nuwNSk3yBD\n-----END EC PRIVATE KEY-----\n",
    );
    let secrets = |args: &[&str]| -> Vec<String> {
        let mut a = vec!["--format", "json"];
        a.extend_from_slice(args);
        let o = env.run(&a);
        let v: Value = serde_json::from_slice(&o.stdout).expect("report JSON");
        v["findings"]
            .as_array()
            .expect("findings")
            .iter()
            .filter(|f| f["category"] == "secret")
            .map(|f| {
                format!(
                    "{} {}",
                    f["path"].as_str().unwrap(),
                    f["severity"].as_str().unwrap()
                )
            })
            .collect()
    };
    assert_eq!(secrets(&[]), ["app.key high"]);
    let named = secrets(&["--no-content-scan"]);
    assert!(
        named.iter().any(|f| f.starts_with("yarn-pubkey.gpg.key ")),
        "{named:?}"
    );
    let (code, _, err) = suggest(&env, &[]);
    assert_eq!(code, Some(0), "{err}");
    assert!(!err.contains("kept yarn-pubkey.gpg.key"), "{err}");
    assert!(!err.contains("kept ca.pem"), "{err}");
}

/// hoppscotch: direnv `.envrc` files that only `source_url …` and `use devenv` were medium
/// "tool config that stores credentials" secrets. As for a `*.env` file, the content decides:
/// one that exports a secret-looking value stays a secret; suggest's notes agree.
#[test]
fn a_direnv_file_without_a_secret_is_not_a_secret() {
    let env = TestEnv::new();
    env.file("Dockerfile", "FROM rust\nCOPY . /src\n")
        .file(
            "relay/.envrc",
            "source_url \"https://raw.githubusercontent.com/cachix/devenv/x/direnvrc\" \"sha256-7u4=\"\n\nuse devenv\n",
        )
        .file("agent/.envrc", "use flake\nexport API_TOKEN=Zq8xv2LmR4tY7wPz\n")
        .file("relay/main.rs", "fn main() {}\n");
    let o = env.run(["--format", "json"]);
    let v: Value = serde_json::from_slice(&o.stdout).expect("report JSON");
    let secrets: Vec<&str> = v["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .filter(|f| f["category"] == "secret")
        .map(|f| f["path"].as_str().unwrap())
        .collect();
    assert_eq!(secrets, ["agent/.envrc"], "{v:#}");
    let (code, _, err) = suggest(&env, &[]);
    assert_eq!(code, Some(0), "{err}");
    assert!(!err.contains("kept relay/.envrc"), "{err}");
    assert!(err.contains("kept agent/.envrc"), "{err}");
}

/// monica: `.env.example.sail` is Laravel Sail's template (`DB_PASSWORD=password`), named
/// `.env.<template word>.<tool>`: no dotenv finding, and suggest keeps it; `.env.ci.mysql`
/// stays a dotenv file.
#[test]
fn an_env_template_for_one_tool_is_not_a_secret() {
    let env = TestEnv::new();
    env.file("Dockerfile", "FROM php\nCOPY . /var/www\n")
        .file(".env.example.sail", "APP_KEY=\nDB_PASSWORD=password\n")
        .file(".env.ci.mysql", "DB_PASSWORD=Zq8xv2LmR4tY7wPz\n")
        .file("index.php", "<?php\n");
    let o = env.run(["--format", "json"]);
    let v: Value = serde_json::from_slice(&o.stdout).expect("report JSON");
    let secrets: Vec<&str> = v["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .filter(|f| f["category"] == "secret")
        .map(|f| f["path"].as_str().unwrap())
        .collect();
    assert_eq!(secrets, [".env.ci.mysql"], "{v:#}");
    let (code, out, err) = suggest(&env, &[]);
    assert_eq!(code, Some(0), "{err}");
    assert!(out.contains("\n!.env.example.sail\n"), "{out}");
    assert!(!out.contains("\n.env.example.sail\n"), "{out}");
    assert!(!out.contains("!.env.ci.mysql"), "{out}");
}

/// minio: `COPY ./minio-${TARGETARCH}.${RELEASE}` is evaluated once per platform; the warning
/// about the unset `RELEASE` was printed once per evaluation (3 times). It now keeps the
/// component glob `!app-*.*` rather than every top-level entry.
#[test]
fn an_unresolved_source_evaluated_per_platform_is_warned_once() {
    let env = TestEnv::new();
    env.file(
        "Dockerfile",
        "FROM alpine\nARG TARGETARCH\nARG RELEASE\nCOPY ./app-${TARGETARCH}.${RELEASE} /usr/bin/app\n",
    )
    .file("app-amd64.1", "x\n");
    let (code, _, err) = suggest(&env, &[]);
    assert_eq!(code, Some(0), "{err}");
    assert_eq!(err.matches("uses an ARG with no value").count(), 1, "{err}");
    assert_eq!(
        err.matches("uses an ARG with no value: keeping `!app-*.*`")
            .count(),
        1,
        "{err}"
    );
}

/// full-stack-fastapi-template: `backend/Dockerfile` copies `./backend/app`, `uv.lock`,
/// `frontend/…`: it is built from the repository root. Run in `backend/`, suggest says so
/// first (the file it proposes is not the one that build reads); in the root it does not.
#[test]
fn a_dockerfile_built_from_a_parent_directory_is_said_to_be() {
    let env = TestEnv::new();
    env.file(
        "backend/Dockerfile",
        "FROM python\nCOPY uv.lock ./\nCOPY ./backend/app /app/backend/app\nCOPY ./backend/pyproject.toml /app/backend/\nRUN --mount=type=bind,source=pyproject.toml,target=pyproject.toml true\n",
    )
    .file("uv.lock", "x\n")
    .file("pyproject.toml", "[project]\n")
    .file("backend/pyproject.toml", "[project]\n")
    .file("backend/app/main.py", "print()\n");
    let o = env.run_in(&env.path("backend"), ["suggest", "."]);
    let err = text(&o.stderr);
    assert_eq!(o.status.code(), Some(0), "{err}");
    assert!(
        err.contains(
            "  warning: only 1 of the 4 source(s) Dockerfile copies exist in this context, 4 in "
        ),
        "{err}"
    );
    assert!(
        err.contains(" (..): the Dockerfile is likely built with that directory as the context"),
        "{err}"
    );
    let o = env.run(["suggest", "-f", "backend/Dockerfile", "."]);
    let err = text(&o.stderr);
    assert_eq!(o.status.code(), Some(0), "{err}");
    assert!(
        !err.contains("is likely built with that directory"),
        "{err}"
    );
}

/// A PHP app's `docker/php/Dockerfile` copies `entrypoint.sh` and `config/`, which sit beside
/// it (its Compose file builds it with `context: docker/php`). `suggest -f docker/php/Dockerfile`
/// in the repository root proposed `*`, `!config`, `!entrypoint.sh` for the root with no word
/// that this build never reads the root's file; it now says so first. With the sources at the
/// root too, nothing is said.
#[test]
fn a_dockerfile_built_from_its_own_directory_is_said_to_be() {
    let env = TestEnv::new();
    env.file(
        "docker/php/Dockerfile",
        "FROM php:8.2-fpm\nCOPY entrypoint.sh /entrypoint.sh\nCOPY config/ /opt/app/config/\n",
    )
    .file("docker/php/entrypoint.sh", "#!/bin/sh\n")
    .file("docker/php/config/php.ini", "memory_limit=1G\n")
    .file(
        "compose.yaml",
        "services:\n  php:\n    build:\n      context: docker/php\n",
    )
    .file("composer.json", "{}\n")
    .file("src/App.php", "<?php\n");
    let o = env.run(["suggest", "-f", "docker/php/Dockerfile", "."]);
    let err = text(&o.stderr);
    assert_eq!(o.status.code(), Some(0), "{err}");
    assert!(
        err.contains("  warning: none of the 2 source(s) docker/php/Dockerfile copies exist in this context, 2 in docker/php/ beside it: the Dockerfile is likely built with that directory as the context (`docker build docker/php`"),
        "{err}"
    );
    env.file("entrypoint.sh", "#!/bin/sh\n")
        .file("config/app.ini", "x=1\n");
    let o = env.run(["suggest", "-f", "docker/php/Dockerfile", "."]);
    let err = text(&o.stderr);
    assert_eq!(o.status.code(), Some(0), "{err}");
    assert!(
        !err.contains("is likely built with that directory"),
        "{err}"
    );
}

/// A Node app's own allowlist (`*`, `!src`, …, `!docs`, `!docker/index.js`) for a `COPY . /app`
/// is carried as it is; its exceptions for paths that are gone were listed as left out because
/// "the keep lines send what the build uses", though the proposal has no keep lines of its own.
/// They now say they match nothing today; one for a top-level name (`!docs`) is carried, so that
/// entry is sent once it exists (qa31).
#[test]
fn a_carried_allowlists_dead_exceptions_are_said_to_match_nothing() {
    let env = TestEnv::new();
    env.file(
        "Dockerfile",
        "FROM node:22\nCOPY . /app\nRUN pnpm install --frozen-lockfile\n",
    )
    .dockerignore("*\n!src\n!package.json\n!docs\n!docker/index.js\n")
    .file("src/index.ts", "export {};\n")
    .file("package.json", "{}\n")
    .file("docker/local/Dockerfile", "FROM postgres\n");
    let o = env.run(["suggest", "."]);
    let err = text(&o.stderr);
    assert_eq!(o.status.code(), Some(0), "{err}");
    assert!(
        err.contains("`!docker/index.js`: an exception that matches nothing in the context today"),
        "{err}"
    );
    assert!(
        text(&o.stdout).lines().any(|l| l == "!docs") && !err.contains("`!docs`"),
        "{err}"
    );
    assert!(
        !err.contains("the keep lines send what the build uses"),
        "{err}"
    );
}

/// spring-petclinic-microservices: `docker/Dockerfile` is built with each module's `target/` as
/// the context (`COPY ${ARTIFACT_NAME}.jar`). Its own `Dockerfile.dockerignore` would apply to
/// every one of those builds, with this context's jar name: not offered. A Dockerfile inside
/// the context is still offered one.
#[test]
fn a_dockerfile_outside_the_context_is_not_offered_its_own_ignore_file() {
    let env = TestEnv::new();
    env.file(
        "docker/Dockerfile",
        "FROM eclipse-temurin:17\nARG ARTIFACT_NAME\nCOPY ${ARTIFACT_NAME}.jar application.jar\n",
    )
    .file("api-gateway/target/api-gateway-3.4.1.jar", "PK\n")
    .file("api-gateway/target/classes/A.class", "c\n")
    .file(
        "api-gateway/target/docker/app.Dockerfile",
        "FROM scratch\nCOPY classes /c\n",
    );
    let o = env.run_in(
        &env.path("docker"),
        [
            "suggest",
            "-f",
            "Dockerfile",
            "--build-arg",
            "ARTIFACT_NAME=api-gateway-3.4.1",
            "--no-discover",
            "../api-gateway/target",
        ],
    );
    let err = text(&o.stderr);
    assert_eq!(o.status.code(), Some(0), "{err}");
    assert!(
        text(&o.stdout).contains("\n!api-gateway-3.4.1.jar\n"),
        "{}",
        text(&o.stdout)
    );
    assert!(!err.contains("or write it to"), "{err}");
    let o = env.run_in(
        &env.path("api-gateway/target"),
        ["suggest", "-f", "docker/app.Dockerfile", "."],
    );
    let err = text(&o.stderr);
    assert_eq!(o.status.code(), Some(0), "{err}");
    assert!(err.contains("or write it to"), "{err}");
}

/// A planted `aws.secretKey=…` in a Spring module's `classes/application-local.properties`
/// (spring-petclinic-microservices' `target/` context) was missed: the secret half of an AWS
/// key pair, without its `AKIA…` ID nearby, had no signature. AWS's documentation key
/// (`…EXAMPLEKEY`) and a variable reference are not secrets.
#[test]
fn an_aws_secret_access_key_alone_is_found() {
    let env = TestEnv::new();
    // Assembled so that no key-like literal is in the source.
    let secret = ["wJalrXUtnFEMI", "/K7MDENG/", "bPxRfiCYzq", "Jm4Lw8Vt"].concat();
    let doc = ["wJalrXUtnFEMI", "/K7MDENG/", "bPxRfiCY", "EXAMPLEKEY"].concat();
    env.file("Dockerfile", "FROM scratch\nCOPY . /\n")
        .file(
            "classes/application-local.properties",
            format!("server.port=8080\naws.secretKey={secret}\n"),
        )
        .file("docs/aws.md", format!("aws_secret_access_key = {doc}\n"))
        .file("deploy.sh", "export AWS_SECRET_ACCESS_KEY=${AWS_SECRET}\n");
    let o = env.run(["--format", "json"]);
    let v: Value = serde_json::from_slice(&o.stdout).expect("report JSON");
    let secrets: Vec<String> = v["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .filter(|f| f["category"] == "secret")
        .map(|f| {
            format!(
                "{} {} {}",
                f["path"].as_str().unwrap(),
                f["rule"],
                f["line"]
            )
        })
        .collect();
    assert_eq!(
        secrets,
        ["classes/application-local.properties \"CTX168\" 2"],
        "{v:#}"
    );
    assert!(
        !text(&o.stdout).contains(&secret),
        "the secret is never printed"
    );
}

/// smallstep/certificates: `examples/**/secrets/*_key` are the CA keys of a demo setup. Keys in
/// an examples directory are graded low and labelled, as test fixtures are; the same key
/// elsewhere stays high.
#[test]
fn a_key_in_an_examples_directory_is_low_and_labelled() {
    let key = format!(
        "-----BEGIN EC {} KEY-----\n{}\n{}\n-----END EC {} KEY-----\n",
        "PRIVATE",
        "MHcCAQEEIBf3qLk9Zx2Vb7Nw4Rt8Ys6Pm1Qa5Hc3Ud0Je7Kf9oAoGCCqGSM49AwEHoU",
        "QDQgAEx7Lm2Nq4Rv8Ts1Wy6Zb3Hd9Jf5Kg0Lh7Mj2Nk4Pl8Qm1Rn5Sp3Tq6Vr9Ws==",
        "PRIVATE"
    );
    let env = TestEnv::new();
    env.file("Dockerfile", "FROM alpine\nCOPY . /app\n")
        .file("examples/basic/secrets/root_ca_key", &key)
        .file("config/root_ca_key", &key);
    let o = env.run(["--format", "json", "."]);
    let v: Value = serde_json::from_slice(&o.stdout).expect("report JSON");
    let sev = |p: &str| -> (String, String) {
        let f = v["findings"]
            .as_array()
            .unwrap()
            .iter()
            .find(|f| f["category"] == "secret" && f["path"] == p)
            .unwrap_or_else(|| panic!("no secret at {p}: {v:#}"));
        (
            f["severity"].as_str().unwrap().to_string(),
            f["message"].as_str().unwrap().to_string(),
        )
    };
    let (s, m) = sev("examples/basic/secrets/root_ca_key");
    assert_eq!(s, "low", "{m}");
    assert!(m.contains("examples directory"), "{m}");
    assert_eq!(sev("config/root_ca_key").0, "high");
}

/// node_exporter (and every Prometheus exporter): `COPY .build/${OS}-${ARCH}/node_exporter`
/// with `ARG ARCH="amd64"`, built once per architecture with `--build-arg ARCH=…`. The file
/// serves this build (the default value), and a warning names the line that serves every
/// value under both builders (`!.build`); that line does send the arm64 binary too.
#[test]
fn a_source_with_build_arg_values_names_the_line_for_every_value() {
    let env = TestEnv::new();
    env.file(
        "Dockerfile",
        "ARG ARCH=\"amd64\"\nARG OS=\"linux\"\nFROM busybox\nARG ARCH=\"amd64\"\nARG OS=\"linux\"\nCOPY .build/${OS}-${ARCH}/node_exporter /bin/node_exporter\n",
    )
    .file(".build/linux-amd64/node_exporter", "amd64\n")
    .file(".build/linux-arm64/node_exporter", "arm64\n")
    .file("main.go", "package main\n");
    let (code, _, err) = suggest(&env, &["--write"]);
    assert_eq!(code, Some(0), "{err}");
    let warns: Vec<&str> = err
        .lines()
        .filter(|l| l.contains("fails with \"not found\" unless you add `!.build` "))
        .collect();
    assert_eq!(warns.len(), 1, "{err}");
    assert!(warns[0].contains("(line 6)"), "{err}");
    let mut written = std::fs::read_to_string(env.path(".dockerignore")).unwrap();
    written.push_str("!.build\n");
    env.dockerignore(&written);
    for b in ["buildkit", "classic"] {
        let sent = text(&env.run(["list", "--builder", b, "."]).stdout);
        for arch in ["amd64", "arm64"] {
            let p = format!(".build/linux-{arch}/node_exporter");
            assert!(sent.lines().any(|l| l == p), "{b} {arch}: {sent}");
        }
        assert!(!sent.lines().any(|l| l == "main.go"), "{b}: {sent}");
    }
}

/// maybe (Rails): `/log/*` then `!/log/.keep` (and the same for `tmp`, `storage`). On a fresh
/// checkout the line matches only the `.keep` its exception sends again, so it excludes nothing
/// today; it is still carried, with its exception, so the log, cache and SQLite database a
/// local run writes there later stay out while the `.keep` files still go.
#[test]
fn a_line_whose_matches_a_later_exception_sends_again_is_carried() {
    let env = TestEnv::new();
    env.file("Dockerfile", "FROM ruby\nCOPY . /rails\n")
        .file("Gemfile", "source 'x'\n")
        .file("app/models/user.rb", "class User; end\n")
        .file("log/.keep", "")
        .file("tmp/.keep", "")
        .file("storage/.keep", "")
        .dockerignore(
            "/.git/\n/log/*\n/tmp/*\n!/log/.keep\n!/tmp/.keep\n/storage/*\n!/storage/.keep\n",
        );
    let (code, _, err) = suggest(&env, &["--write"]);
    assert_eq!(code, Some(0), "{err}");
    let written = std::fs::read_to_string(env.path(".dockerignore")).unwrap();
    env.file("log/development.log", "GET /\n")
        .file("tmp/cache/bootsnap/x", "c\n")
        .file("storage/development.sqlite3", "db\n");
    assert_sends(
        &env,
        &[
            "Gemfile",
            "app/models/user.rb",
            "log/.keep",
            "tmp/.keep",
            "storage/.keep",
        ],
        &[
            "log/development.log",
            "tmp/cache/bootsnap/x",
            "storage/development.sqlite3",
        ],
        &written,
    );
}

/// A Rails tree after a local run: `/tmp/*` matches only an empty directory (puma's
/// `tmp/sockets`) besides the directories whose `.keep` later exceptions send again, and a
/// nested pair (`/tmp/pids/*`, `!/tmp/pids/.keep`) re-includes a `.keep` the outer line already
/// excluded. Both lines are carried, with their exceptions: no warning, the `.keep` files still
/// go, and what a later run writes under `tmp/` stays out.
#[test]
fn a_line_matching_an_empty_directory_and_nested_exceptions_are_carried() {
    let env = TestEnv::new();
    env.file("Dockerfile", "FROM ruby\nCOPY . /rails\n")
        .file("Gemfile", "source 'x'\n")
        .file("app/models/user.rb", "class User; end\n")
        .file("tmp/.keep", "")
        .file("tmp/pids/.keep", "")
        .dir("tmp/sockets")
        .dockerignore("/tmp/*\n!/tmp/.keep\n\n/tmp/pids/*\n!/tmp/pids/.keep\n");
    let (code, _, err) = suggest(&env, &["--write"]);
    assert_eq!(code, Some(0), "{err}");
    assert!(!err.contains("not carried over"), "{err}");
    let written = std::fs::read_to_string(env.path(".dockerignore")).unwrap();
    for l in ["/tmp/*", "!/tmp/.keep", "/tmp/pids/*", "!/tmp/pids/.keep"] {
        assert!(written.lines().any(|w| w == l), "{l}: {written}");
    }
    env.file("tmp/pids/server.pid", "1\n")
        .file("tmp/cache/bootsnap/x", "c\n")
        .file("tmp/local_secret.txt", "s\n");
    assert_sends(
        &env,
        &[
            "Gemfile",
            "app/models/user.rb",
            "tmp/.keep",
            "tmp/pids/.keep",
        ],
        &[
            "tmp/pids/server.pid",
            "tmp/cache/bootsnap/x",
            "tmp/local_secret.txt",
            "tmp/sockets/",
        ],
        &written,
    );
}

/// symfony-docker: the prod stage copies the app (`COPY . ./`) and runs `composer dump-env prod`
/// (and `bin/console` through the post-install scripts), which read the committed `.env` and
/// fail without it. That `.env` (beside `composer.json`) stays, said; `.env.local` and a `.env`
/// elsewhere stay out. Without such a step the
/// same `.env` is removed as before.
#[test]
fn a_dotenv_the_build_boots_the_app_with_is_kept() {
    for (run, kept) in [
        (
            "RUN composer dump-env prod && php bin/console cache:warmup\n",
            true,
        ),
        ("RUN php -l src/Kernel.php\n", false),
    ] {
        let env = TestEnv::new();
        env.file(
            "Dockerfile",
            format!(
                "FROM php:8\nCOPY composer.* ./\nRUN composer install --no-scripts\nCOPY . ./\n{run}"
            ),
        )
        .file("composer.json", "{}\n")
        .file("src/Kernel.php", "<?php\n")
        .file("bin/console", "#!/usr/bin/env php\n")
        .file(".env", "APP_ENV=dev\nAPP_SECRET=\n")
        .file(".env.local", "APP_SECRET=3f9a8b7c6d5e4f3a2b1c0d9e8f7a6b5c\n")
        .file("src/.env", "AWS_SECRET_ACCESS_KEY=wJalrXUtnFEMIK7MDENGbPxRfiCYEXAMPLEKEY\n")
        .dockerignore(".env.local\n");
        let (code, _, err) = suggest(&env, &["--write"]);
        assert_eq!(code, Some(0), "{err}");
        assert_eq!(err.contains("kept \".env\""), kept, "{run}: {err}");
        for b in ["buildkit", "classic"] {
            let sent = text(&env.run(["list", "--builder", b, "."]).stdout);
            assert_eq!(sent.lines().any(|l| l == ".env"), kept, "{b} {run}: {sent}");
            for p in [".env.local", "src/.env"] {
                assert!(!sent.lines().any(|l| l == p), "{b} {p}: {sent}");
            }
            assert!(sent.lines().any(|l| l == "src/Kernel.php"), "{b}: {sent}");
        }
    }
}

/// symfony-docker: the prod stage runs `composer dump-env prod`, which reads the copied `.env`.
/// The report's fix line no longer says to exclude it (that fails the build); it says where real
/// secrets go. Without such a step the fix is the plain exclusion.
#[test]
fn the_report_does_not_offer_to_exclude_a_dotenv_the_build_reads() {
    let env = TestEnv::new();
    env.file(
        "Dockerfile",
        "FROM php:8.3\nCOPY . /app\nRUN composer install --no-dev && composer dump-env prod\n",
    )
    .file("composer.json", "{}\n")
    .file(".env", "APP_ENV=dev\nAPP_SECRET=Zq8xv2LmR4tY7wPzK3hN\n");
    let fix = |env: &TestEnv| -> String {
        let o = env.run(["--format", "json", "."]);
        let v: Value = serde_json::from_slice(&o.stdout).expect("report JSON");
        let f = v["findings"]
            .as_array()
            .unwrap()
            .iter()
            .find(|f| f["rule"] == "CTX101")
            .unwrap_or_else(|| panic!("no CTX101: {v:#}"))
            .clone();
        f["fix"].as_str().unwrap().to_string()
    };
    let f = fix(&env);
    assert!(f.contains(".env.local") && f.starts_with("none"), "{f}");
    env.file(
        "Dockerfile",
        "FROM php:8.3\nCOPY . /app\nRUN composer install --no-dev\n",
    );
    assert_eq!(fix(&env), ".env");
}

/// Elixir and Ruby apps copied whole (`COPY . .`): a developer's `deps/` beside `mix.exs` and
/// Bundler's `vendor/bundle` beside `Gemfile` are dependency trees the Dockerfile fetches again
/// (`mix deps.get`, `bundle install`), removed and said so; without the install step they stay,
/// and a `deps/` or `vendor/bundle` that is not beside the project file stays too, as does one
/// git tracks (Composer's `vendor/` too).
#[test]
fn elixir_deps_and_bundler_gems_the_build_fetches_again_are_removed() {
    for (run, removed) in [
        ("RUN mix deps.get --only prod && bundle install\n", true),
        ("RUN echo building\n", false),
    ] {
        let env = TestEnv::new();
        env.file("Dockerfile", format!("FROM elixir\nCOPY . /app/\n{run}"))
            .file("mix.exs", "defmodule X do end\n")
            .file("lib/x.ex", "x\n")
            .file("deps/plug/mix.exs", "p\n")
            .file("Gemfile", "source 'https://rubygems.org'\n")
            .file("vendor/bundle/ruby/3.3.0/gems/rack/lib/rack.rb", "r\n")
            .file("vendor/assets/app.js", "a\n")
            .file("docs/deps/notes.md", "n\n")
            .dockerignore("*.tmp\n");
        let (code, _, err) = suggest(&env, &["--write"]);
        assert_eq!(code, Some(0), "{err}");
        let deps = [
            "deps/plug/mix.exs",
            "vendor/bundle/ruby/3.3.0/gems/rack/lib/rack.rb",
        ];
        let (kept, gone): (&[&str], &[&str]) = if removed { (&[], &deps) } else { (&deps, &[]) };
        assert_sends(&env, kept, gone, run);
        let source = [
            "lib/x.ex",
            "mix.exs",
            "Gemfile",
            "vendor/assets/app.js",
            "docs/deps/notes.md",
        ];
        assert_sends(&env, &source, &[], run);
        assert_eq!(err.contains("mix deps.get"), removed, "{err}");
    }
    // Tracked by git, the same directories are shipped on purpose: kept.
    let env = TestEnv::new();
    env.file(
        "Dockerfile",
        "FROM elixir\nCOPY . /app/\nRUN mix deps.get && bundle install && composer install\n",
    )
    .file("mix.exs", "defmodule X do end\n")
    .file("deps/plug/mix.exs", "p\n")
    .file("composer.json", "{}\n")
    .file("vendor/acme/lib.php", "<?php\n")
    .dockerignore("*.tmp\n");
    env.git(&["init", "-q"]).git(&["add", "-A"]);
    let (code, _, err) = suggest(&env, &["--write"]);
    assert_eq!(code, Some(0), "{err}");
    assert_sends(
        &env,
        &["deps/plug/mix.exs", "vendor/acme/lib.php"],
        &[],
        &err,
    );
}

/// memos, wger: without a root Dockerfile and none discovery serves, lint cannot tell what the
/// build copies, so a root-only pattern's `**/` form is asked about, not offered as the fix
/// (`**/*.md` would drop a README that `-f scripts/Dockerfile` copies); with `-f`, or with the
/// Dockerfile discovery serves (qa42: its sources point into the context), the check is made.
#[test]
fn lint_without_a_dockerfile_offers_no_widened_pattern_as_the_fix() {
    let env = TestEnv::new();
    env.file(
        "scripts/Dockerfile",
        "FROM scratch\nCOPY internal /app/internal\n",
    )
    .file("internal/email/README.md", "r\n")
    .file("internal/main.go", "package main\n")
    .file("README.md", "r\n")
    .dockerignore("*.md\n");
    let (_, v) = lint_json(&env);
    let msg = one_di003_without_fix(&v);
    assert!(
        msg.contains("internal/email/README.md, which the build copies"),
        "{msg}"
    );
    let o = env.run(["lint", "--format", "json", "-f", "scripts/Dockerfile", "."]);
    let v: Value = serde_json::from_slice(&o.stdout).expect("JSON");
    let d = lint_findings(&v, "DI003");
    assert_eq!(d[0]["fix"], "", "{v:#}");
    let msg = d[0]["message"].as_str().unwrap();
    assert!(
        msg.contains("internal/email/README.md, which the build copies"),
        "{msg}"
    );
    std::fs::remove_file(env.path("scripts/Dockerfile")).unwrap();
    let (_, v) = lint_json(&env);
    let msg = one_di003_without_fix(&v);
    assert!(msg.contains("no Dockerfile analysed"), "{msg}");
}

/// zipkin: an allowlist of its own (`**`, then `!` lines) with exceptions for artifacts that a
/// `mvn package` before the build writes (`!/server/target/server-*exec.jar`), which a RUN step
/// unpacks when they are there. They match nothing today; the proposal carries them after the
/// carried `**`, so the jar is sent once it exists, under both builders.
#[test]
fn exceptions_for_files_that_do_not_exist_yet_are_carried() {
    let env = TestEnv::new();
    env.file(
        "Dockerfile",
        "FROM maven AS build\nCOPY . /code/\nRUN /code/bin/build_or_unjar\n",
    )
    .file("bin/build_or_unjar", "#!/bin/sh\n")
    .file("pom.xml", "<project/>\n")
    .file("server/pom.xml", "<project/>\n")
    .file("server/src/main/App.java", "class App {}\n")
    .file("notes/todo.txt", "t\n")
    .dockerignore(
        "**\n!bin/build_or_unjar\n!/server/target/server-*exec.jar\n!server/src/main/**\n!**/pom.xml\n!notes/missing/*.txt\n",
    );
    let (code, out, err) = suggest(&env, &["--write"]);
    assert_eq!(code, Some(0), "{err}");
    assert!(err.contains("proven"), "{err}");
    let written = std::fs::read_to_string(env.ctx().join(".dockerignore")).unwrap();
    assert!(
        written.contains("\n!/server/target/server-*exec.jar\n"),
        "{written}\n{out}"
    );
    // `notes/` is not sent today: its exception would widen the allowlist; not carried.
    assert!(!written.contains("notes/missing"), "{written}");
    env.file("server/target/server-1.0-exec.jar", "PK\n")
        .file("server/target/classes/App.class", "\u{ca}\n");
    assert_sends(
        &env,
        &[
            "server/target/server-1.0-exec.jar",
            "server/src/main/App.java",
        ],
        &["server/target/classes/App.class", "notes/todo.txt"],
        &written,
    );
}

/// A hand-written allowlist (`*`, then `!` lines, then an exclusion inside a kept directory)
/// under a `COPY . .`: its `*` is carried, which overrides every line before it, so the file
/// holds the user's allowlist once, not the generated keep lines followed by a copy of the user's
/// file whose `*` voids them.
#[test]
fn a_users_own_allowlist_is_carried_once_without_a_dead_generated_block() {
    let env = TestEnv::new();
    env.file(
        "Dockerfile",
        "FROM python\nWORKDIR /app\nCOPY . .\nRUN pip install .\n",
    )
    .file("pyproject.toml", "[project]\nname='x'\n")
    .file("app/main.py", "x\n")
    .file("app/settings/dev.py", "DEBUG=True\n")
    .file("docker/start.sh", "#!/bin/sh\n")
    .file("docker/notes.txt", "n\n")
    .file("docs/index.md", "d\n")
    .dockerignore("*\n!/app\n!/docker/start.sh\n!/pyproject.toml\n/app/settings/dev.py\n");
    let (code, out, err) = suggest(&env, &["--write"]);
    assert_eq!(code, Some(0), "{err}");
    assert!(err.contains("proven"), "{err}");
    let written = std::fs::read_to_string(env.ctx().join(".dockerignore")).unwrap();
    let lines: Vec<&str> = written
        .lines()
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .collect();
    assert_eq!(lines.iter().filter(|l| **l == "*").count(), 1, "{written}");
    assert_eq!(lines.first(), Some(&"*"), "{written}");
    assert!(
        !written.contains("Exclude everything, then keep"),
        "{written}\n{out}"
    );
    assert!(written.contains("already an allowlist"), "{written}");
    assert_sends(
        &env,
        &["app/main.py", "docker/start.sh", "pyproject.toml"],
        &["app/settings/dev.py", "docker/notes.txt", "docs/index.md"],
        &written,
    );
    // zipkin's allowlist starts with `**`: the written file starts with `*` all the same (the
    // same exclusion of everything), then the user's lines.
    env.dockerignore(
        "# comment\n**\n!/app\n!/docker/start.sh\n!/pyproject.toml\n/app/settings/dev.py\n",
    );
    let (code, _, err) = suggest(&env, &["--write"]);
    assert_eq!(code, Some(0), "{err}");
    let written = std::fs::read_to_string(env.ctx().join(".dockerignore")).unwrap();
    let lines: Vec<&str> = written
        .lines()
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .collect();
    assert_eq!(lines.first(), Some(&"*"), "{written}");
    assert_eq!(lines.get(1), Some(&"**"), "{written}");
    assert_sends(
        &env,
        &["app/main.py", "docker/start.sh", "pyproject.toml"],
        &["app/settings/dev.py", "docker/notes.txt", "docs/index.md"],
        &written,
    );
}

/// answer: git tracks `ui/.env.production` (`REACT_APP_API_URL=/`), which the front-end build
/// run after `COPY . .` reads; nothing in it looks like a secret. suggest keeps it (said), and
/// the report's fix does not exclude it. A tracked `.env` holding a secret-looking value, and an
/// untracked one, are still removed.
#[test]
fn a_tracked_dotenv_of_plain_settings_is_kept() {
    let env = TestEnv::new();
    let pw = [
        "p",
        &crate::util::Gen(7).pick(b"abcdefghjkmnpqrstuvwxyz23456789", 18),
    ]
    .concat();
    env.file(
        "Dockerfile",
        "FROM node\nCOPY . /src\nRUN cd /src && make build\n",
    )
    .file("Makefile", "build:\n\tcd ui && npm run build\n")
    .file("ui/package.json", "{}\n")
    .file("ui/src/index.js", "x\n")
    .file("ui/.env.production", "PUBLIC_URL=/\nREACT_APP_API_URL=/\n")
    .file("ui/.env.staging", "PUBLIC_URL=/s\n")
    .file("ui/.env.test", "PUBLIC_URL=/t\n")
    .file("api/.env", format!("DB_PASSWORD={pw}\n"));
    env.git(&["init", "-q"])
        .git(&["add", "-A"])
        .git(&["commit", "-qm", "x"]);
    env.file(".env", "PORT=3000\n");
    let fix = report_fix(&env, "ui/.env.production");
    assert!(fix.starts_with("none needed"), "{fix}");
    let (code, _, err) = suggest(&env, &["--write"]);
    assert_eq!(code, Some(0), "{err}");
    for f in ["ui/.env.production", "ui/.env.staging", "ui/.env.test"] {
        assert!(
            err.contains(&format!(
                "kept \"{f}\" (environment file (secrets)): git tracks it"
            )),
            "{err}"
        );
    }
    // Said once each, by the warnings: no note (merged or not) names them again.
    assert!(
        !err.lines()
            .any(|l| l.contains("note: kept") && l.contains(".env")),
        "{err}"
    );
    assert_sends(&env, &["ui/.env.production"], &["api/.env", ".env"], &err);
}

/// docuseal: git tracks `config/secrets.yml` with literal development keys; a Rails app up to
/// 7.1 loads it at boot. suggest keeps it (said) and the report says to move the values out,
/// not to exclude the file. An untracked one (a local copy) is removed.
#[test]
fn a_tracked_secrets_file_is_kept_and_its_values_moved_out() {
    let env = TestEnv::new();
    let key = crate::util::Gen(11).pick(b"0123456789abcdef", 128);
    env.file("Dockerfile", "FROM ruby\nCOPY . /app\nRUN bundle install\n")
        .file("Gemfile", "source 'https://rubygems.org'\n")
        .file("app/models/user.rb", "class User; end\n")
        .file(
            "config/secrets.yml",
            format!("development:\n  secret_key_base: {key}\n"),
        );
    env.git(&["init", "-q"])
        .git(&["add", "-A"])
        .git(&["commit", "-qm", "x"]);
    env.file(
        "local/secrets.yml",
        format!("development:\n  secret_key_base: {key}\n"),
    );
    assert!(report_fix(&env, "config/secrets.yml").starts_with("move the secret out"));
    assert_eq!(report_fix(&env, "local/secrets.yml"), "local/secrets.yml");
    let (code, _, err) = suggest(&env, &["--write"]);
    assert_eq!(code, Some(0), "{err}");
    assert!(err.contains("kept \"config/secrets.yml\""), "{err}");
    assert_sends(&env, &["config/secrets.yml"], &["local/secrets.yml"], &err);
}

/// prometheus: `COPY .build/${OS}-${ARCH}/prometheus`, built once per `ARCH` with `--build-arg`,
/// and an ignore file of `.build/` then one exception per platform directory. The exceptions for
/// the other values are carried, whether or not that output exists today, so an arm64 build
/// still gets its binary under both builders; the warning names them. An exception naming
/// something else below `.build/` is not carried; `!.build` itself serves every value, and no
/// warning is left.
#[test]
fn a_users_exceptions_for_other_variable_values_are_carried() {
    let env = TestEnv::new();
    env.file(
        "Dockerfile",
        "FROM busybox\nARG ARCH=amd64\nARG OS=linux\nCOPY .build/${OS}-${ARCH}/app /bin/app\nCOPY .build/${OS}-${ARCH}/tool /bin/tool\nCOPY LICENSE /\n",
    )
    .file("LICENSE", "x\n")
    .file("cmd/main.go", "package main\n")
    .file(".build/linux-amd64/app", "\x7fELF\n")
    .file(".build/linux-amd64/tool", "\x7fELF\n")
    .file(".build/tmp/cache.bin", "x\n")
    .dockerignore(".build/\n!.build/linux-amd64/\n!.build/linux-arm64/\n!.build/linux-s390x/\n!.build/tmp/\n");
    let (code, _, err) = suggest(&env, &["--write"]);
    assert_eq!(code, Some(0), "{err}");
    let written = std::fs::read_to_string(env.ctx().join(".dockerignore")).unwrap();
    assert!(written.contains("\n!.build/linux-arm64/\n"), "{written}");
    assert!(written.contains("\n!.build/linux-s390x/\n"), "{written}");
    assert!(!written.contains("!.build/tmp/"), "{written}");
    // Both sources in one warning.
    let values: Vec<&str> = err
        .lines()
        .filter(|l| l.contains("variable values only"))
        .collect();
    assert_eq!(values.len(), 1, "{err}");
    assert!(
        values[0].contains("(line 4); Dockerfile: COPY .build/${OS}-${ARCH}/tool (line 5) are kept")
            && values[0].contains("the carried `!.build/linux-amd64/` and 2 more exceptions keep serving the values named there"),
        "{err}"
    );
    env.file(".build/linux-arm64/app", "\x7fELF\n");
    for b in ["buildkit", "classic"] {
        let list = text(&env.run(["list", "--builder", b, "."]).stdout);
        assert!(
            list.lines().any(|l| l == ".build/linux-arm64/app"),
            "{b}: {list}"
        );
        assert!(
            !list.lines().any(|l| l.starts_with(".build/tmp/")),
            "{b}: {list}"
        );
    }

    env.dockerignore(".build/\n!.build\n");
    std::fs::remove_dir_all(env.ctx().join(".build/tmp")).unwrap();
    let (code, _, err) = suggest(&env, &["--write"]);
    assert_eq!(code, Some(0), "{err}");
    let written = std::fs::read_to_string(env.ctx().join(".dockerignore")).unwrap();
    assert!(written.contains("\n!.build\n"), "{written}");
    assert!(!err.contains("variable values only"), "{err}");
}

/// external-secrets: `Dockerfile` copies `bin/external-secrets-${TARGETOS}-${TARGETARCH}`, and
/// `Dockerfile.standalone` beside it copies the whole context, so the proposal keeps `!bin`
/// whole. A build with other values gets its binary under both builders: no warning tells the
/// user to add the `!bin` the file already holds. Without the whole-context build the warning
/// stays, as `bin/` holds more than the binary and the proposal keeps the binary alone.
#[test]
fn no_variable_values_warning_when_the_proposal_sends_the_directory_whole() {
    let env = TestEnv::new();
    env.file(
        "Dockerfile",
        "FROM scratch\nARG TARGETOS\nARG TARGETARCH\nCOPY bin/app-${TARGETOS}-${TARGETARCH} /bin/app\n",
    )
    .file(
        "Dockerfile.standalone",
        "FROM golang AS b\nCOPY . /app/\nRUN go build -o app .\nFROM scratch\nCOPY --from=b /app/app /\n",
    )
    .file("main.go", "package main\n")
    .file("go.mod", "module x\n")
    .file("bin/app-linux-amd64", "\x7fELF\n")
    .file("bin/dlv", "\x7fELF\n")
    .dockerignore(".git\nREADME.md\n");
    let (code, _, err) = suggest(&env, &["--write"]);
    assert_eq!(code, Some(0), "{err}");
    let written = std::fs::read_to_string(env.ctx().join(".dockerignore")).unwrap();
    assert!(written.contains("\n!bin\n"), "{written}");
    assert!(!err.contains("variable values only"), "{err}");
    env.file("bin/app-linux-s390x", "\x7fELF\n");
    for b in ["buildkit", "classic"] {
        let list = text(&env.run(["list", "--builder", b, "."]).stdout);
        assert!(
            list.lines().any(|l| l == "bin/app-linux-s390x"),
            "{b}: {list}"
        );
    }

    std::fs::remove_file(env.ctx().join("Dockerfile.standalone")).unwrap();
    std::fs::remove_file(env.ctx().join("bin/app-linux-s390x")).unwrap();
    env.dockerignore(".git\nREADME.md\n");
    let (code, _, err) = suggest(&env, &["--write"]);
    assert_eq!(code, Some(0), "{err}");
    assert!(
        err.contains("is kept for this build's variable values only")
            && err.contains("unless you add `!bin`"),
        "{err}"
    );
}

/// Spring Boot guides: `ARG JAR_FILE=target/*.jar`, then `COPY ${JAR_FILE} app.jar`; a Gradle
/// build passes `--build-arg JAR_FILE=build/libs/*.jar`. With no ignore file that build got its
/// jar; the proposal keeps `target/*.jar` only, so the summary warns that other values fail, as
/// it does for a variable after a literal directory. A source an `ENV` of a literal value fixes
/// gets no warning.
#[test]
fn a_source_led_by_a_variable_warns_that_other_values_are_left_out() {
    let env = TestEnv::new();
    env.file(
        "Dockerfile",
        "FROM eclipse-temurin\nARG JAR_FILE=target/*.jar\nCOPY ${JAR_FILE} app.jar\n\
         ENV CONF=conf/app.yml\nCOPY ${CONF} /etc/\n",
    )
    .file("target/app.jar", "PK\n")
    .file("target/classes/A.class", "x\n")
    .file("build/libs/app.jar", "PK\n")
    .file("conf/app.yml", "a: 1\n")
    .file("conf/dev.yml", "a: 2\n")
    .file("src/main/java/A.java", "class A {}\n");
    let (code, _, err) = suggest(&env, &["--write"]);
    assert_eq!(code, Some(0), "{err}");
    assert!(
        err.contains("Dockerfile: COPY ${JAR_FILE} (line 3) is kept for this build's variable values only (`target/*.jar`)")
            && err.contains("unless you add a `!` line for them"),
        "{err}"
    );
    assert!(!err.contains("COPY ${CONF} (line 5) is kept"), "{err}");
    // The warning is true: a build with the other value no longer gets its jar.
    let list = text(&env.run(["list", "--builder", "buildkit", "."]).stdout);
    assert!(!list.lines().any(|l| l == "build/libs/app.jar"), "{list}");
}

/// `COPY . .`, then `RUN rm .env`: the proposal removes the developer's `.env`, and that step
/// then fails with "No such file or directory". The summary says so and suggests `rm -f`; a step
/// with `rm -f` (or `rm -rf`) gets no warning.
#[test]
fn a_plain_rm_of_a_removed_file_is_warned_about() {
    let env = TestEnv::new();
    let key = format!(
        "AKIA{}",
        crate::util::Gen(7).pick(b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567", 16)
    );
    env.file(
        "Dockerfile",
        "FROM node\nWORKDIR /app\nCOPY . .\nRUN rm .env && npm ci\nRUN rm -rf node_modules/.cache\n",
    )
    .file("package.json", "{}\n")
    .file("index.js", "1\n")
    .file(".env", format!("AWS_ACCESS_KEY_ID={key}\n"))
    .file("node_modules/x/index.js", "1\n");
    let (code, _, err) = suggest(&env, &[]);
    assert_eq!(code, Some(0), "{err}");
    assert!(
        err.contains(
            "Dockerfile: a RUN step runs `rm .env` without -f, and .env is no longer sent"
        ),
        "{err}"
    );
    assert!(!err.contains("`rm node_modules"), "{err}");
}

/// traefik: `COPY ./dist/$TARGETPLATFORM/traefik /` with `dist/` then `!dist/**/traefik`. suggest
/// keeps the common platforms by path and carries the user's exception, which spans every
/// platform directory: a riscv64 build still gets its binary under BuildKit, as before.
#[test]
fn a_users_exception_spanning_the_platform_directories_is_carried() {
    let env = TestEnv::new();
    env.file(
        "Dockerfile",
        "FROM alpine\nARG TARGETPLATFORM\nCOPY ./dist/$TARGETPLATFORM/traefik /\n",
    )
    .file("cmd/main.go", "package main\n")
    .dockerignore("dist/\n!dist/**/traefik\nsite/\n!docs/**/index.md\n");
    let (code, _, err) = suggest(&env, &["--write"]);
    assert_eq!(code, Some(0), "{err}");
    let written = std::fs::read_to_string(env.ctx().join(".dockerignore")).unwrap();
    assert!(written.contains("\n!dist/**/traefik\n"), "{written}");
    assert!(
        err.contains("the carried `!dist/**/traefik` sends what other values name under BuildKit"),
        "{err}"
    );
    // An exception reaching no kept path is not carried.
    assert!(!written.contains("docs/"), "{written}");
    env.file("dist/linux/riscv64/traefik", "\x7fELF\n")
        .file("dist/linux/riscv64/traefik.sha256", "x\n");
    let list = text(&env.run(["list", "--builder", "buildkit", "."]).stdout);
    assert!(
        list.lines().any(|l| l == "dist/linux/riscv64/traefik"),
        "{list}"
    );
    assert!(
        !list
            .lines()
            .any(|l| l == "dist/linux/riscv64/traefik.sha256"),
        "{list}"
    );
    assert!(!list.lines().any(|l| l.starts_with("cmd/")), "{list}");
}

/// A .NET solution's `*/bin` and `*/obj` (one level below the root) match nothing: the project
/// output is `src/Web/bin`, deeper. Carried into the allowlist (its `*` names a kept `src`), the
/// line was `lint`'s DI003 in the very file `suggest --write` wrote (exit 1). Not carried, with
/// why; a `*/dist` that reaches a kept `frontend/dist` at its own depth still is.
#[test]
fn a_root_pinned_line_that_misses_deeper_output_is_not_carried() {
    let env = TestEnv::new();
    env.file(
        "Dockerfile",
        "FROM mcr.microsoft.com/dotnet/sdk:8.0\nCOPY . .\nRUN dotnet publish src/Web -o out\n",
    )
    .file("App.sln", "s\n")
    .file("src/Web/Web.csproj", "<Project/>\n")
    .file("src/Web/Program.cs", "p\n")
    .file("src/Web/bin/Debug/net8.0/Web.dll", "dll\n")
    .file("src/Web/obj/project.assets.json", "{}\n")
    .file("frontend/app.js", "a\n")
    .file(".gitignore", "bin/\nobj/\n")
    .dockerignore(".git\n*/bin\n*/obj\n*/dist\n");
    let (code, out, err) = suggest(&env, &["--write"]);
    assert_eq!(code, Some(0), "{err}");
    assert!(!out.contains("*/bin") && !out.contains("*/obj"), "{out}");
    let written = std::fs::read_to_string(env.path(".dockerignore")).unwrap();
    assert!(
        !written.lines().any(|l| l == "*/bin" || l == "*/obj"),
        "{written}"
    );
    assert!(written.lines().any(|l| l == "*/dist"), "{written}");
    assert!(
        err.contains("line 2 `*/bin`: it matches nothing today, and only at its own depth: the `src/Web/bin` the build copies is deeper"),
        "{err}"
    );
    let lint = env.run(["lint", "."]);
    assert_eq!(lint.status.code(), Some(0), "{}", text(&lint.stdout));
    assert!(
        !text(&lint.stdout).contains("DI003"),
        "{}",
        text(&lint.stdout)
    );
}

/// A Spring Boot Dockerfile copies `${JAR_FILE}`, `/application/build/libs/*.jar` by default.
/// The glob is mirrored; the directory holding only the jar today was kept whole as well
/// (`!application`), which sends whatever lands there next. Only the glob is written now.
#[test]
fn a_directory_holding_only_what_a_glob_copies_gets_no_line_of_its_own() {
    let env = TestEnv::new();
    env.file(
        "Dockerfile",
        "FROM eclipse-temurin:21-jre\nARG JAR_FILE=/application/build/libs/*.jar\nCOPY ${JAR_FILE} application.jar\n",
    )
    .file("application/build/libs/app-1.0.jar", "jar\n")
    .file("application/src/Main.java", "class Main {}\n")
    .file("README.md", "r\n");
    let (code, out, err) = suggest(&env, &[]);
    assert_eq!(code, Some(0), "{err}");
    let keeps: Vec<&str> = out.lines().filter(|l| l.starts_with('!')).collect();
    assert_eq!(keeps, ["!application/build/libs/*.jar"], "{out}");
    // A jar built later is sent; the glob was there before.
    env.file("application/build/libs/app-1.1.jar", "jar\n");
    let (code, _, err) = suggest(&env, &["--write"]);
    assert_eq!(code, Some(0), "{err}");
    assert_sends(
        &env,
        &["application/build/libs/app-1.1.jar"],
        &["application/src/Main.java", "README.md"],
        "jar glob",
    );
}

/// An image's file tree copied whole (`COPY docker /`, with `docker/usr/local/bin/`) is not .NET
/// build output: no project file sits beside that `bin/`. The report did not flag it, but
/// suggest's note called it ".NET build output [CTX406]". A `bin/` beside a `.csproj` still is.
#[test]
fn suggest_notes_a_bin_directory_as_dotnet_output_only_beside_a_project_file() {
    let env = TestEnv::new();
    env.file(
        "Dockerfile",
        "FROM eclipse-temurin:21-jre\nCOPY docker /\nCOPY src /src\n",
    )
    .file("docker/usr/local/bin/docker-entrypoint.sh", "#!/bin/sh\n")
    .file("docker/app/confs/.gitkeep", "")
    .file("src/Api/Api.csproj", "<Project/>\n")
    .file("src/Api/Program.cs", "p\n")
    .file("src/Api/bin/Debug/Api.dll", "dll\n");
    let (code, _, err) = suggest(&env, &[]);
    assert_eq!(code, Some(0), "{err}");
    assert!(!err.contains("docker/usr/local/bin"), "{err}");
    assert!(
        err.contains("note: kept src/Api/bin/ (1 file(s)") && err.contains("[CTX406]"),
        "{err}"
    );
}

/// A Gradle server's ignore file has `**/logs` and `**/.gradle`; today only the root's `logs/`
/// and `.gradle/` exist, outside the kept paths. The lines were dropped ("everything it matches
/// is outside the kept paths"), so a `server/logs/` written by a local run later was sent. What
/// a line excludes outside the kept paths no longer stops it from being carried.
#[test]
fn a_double_star_line_that_today_excludes_only_outside_the_kept_paths_is_carried() {
    let env = TestEnv::new();
    env.file(
        "Dockerfile",
        "FROM gradle\nCOPY server /app/server\nCOPY settings.gradle /app/\nRUN gradle build\n",
    )
    .file("settings.gradle", "include 'server'\n")
    .file("server/build.gradle", "plugins {}\n")
    .file("server/src/Main.java", "class Main {}\n")
    .file("logs/trace.txt", "t\n")
    .file(".gradle/8.5/fileHashes.bin", "h\n")
    .dockerignore("**/logs\n**/.gradle\n");
    let (code, out, err) = suggest(&env, &["--write"]);
    assert_eq!(code, Some(0), "{err}");
    let written = std::fs::read_to_string(env.path(".dockerignore")).unwrap();
    for l in ["**/logs", "**/.gradle"] {
        assert!(written.lines().any(|x| x == l), "{l}\n{written}\n{out}");
    }
    env.file("server/logs/trace.txt", "t\n")
        .file("server/.gradle/x.bin", "x\n");
    assert_sends(
        &env,
        &["server/src/Main.java", "settings.gradle"],
        &[
            "server/logs/trace.txt",
            "server/.gradle/x.bin",
            "logs/trace.txt",
        ],
        "future logs",
    );
}

/// teslamate: `ENV MIX_ENV=prod`, then `COPY config/$MIX_ENV.exs …`. A `--build-arg MIX_ENV=…`
/// does not change an ENV of a literal value, so no other build reads another file there: no
/// warning that one "with other values fails". A variable an ARG declares (or an ENV set from
/// one) still gets it (its directory holds more than the file, so the keep line is the file).
#[test]
fn a_source_fixed_by_a_literal_env_gets_no_other_values_warning() {
    let env = TestEnv::new();
    env.file(
        "Dockerfile",
        "FROM elixir\nENV MIX_ENV=prod\nCOPY config/$MIX_ENV.exs config/\n\
         ARG APP=web\nCOPY apps/$APP/mix.exs apps/\n\
         ARG FLAVOR=full\nENV BUILD_FLAVOR=$FLAVOR\nCOPY flavors/$BUILD_FLAVOR/x.txt /\n",
    )
    .file("config/prod.exs", "import Config\n")
    .file("config/dev.exs", "import Config\n")
    .file("apps/web/mix.exs", "defmodule W do end\n")
    .file("apps/web/lib/w.ex", "defmodule W.A do end\n")
    .file("flavors/full/x.txt", "x\n")
    .file("flavors/full/y.txt", "y\n");
    let (code, _, err) = suggest(&env, &[]);
    assert_eq!(code, Some(0), "{err}");
    assert!(
        !err.contains("COPY config/$MIX_ENV.exs (line 3) is kept for this build's"),
        "{err}"
    );
    for head in [
        "COPY apps/$APP/mix.exs (line 5) is kept for this build's",
        "COPY flavors/$BUILD_FLAVOR/x.txt (line 8) is kept for this build's",
    ] {
        assert!(err.contains(head), "{head}\n{err}");
    }
}

/// glance: a `*` allowlist that leaves out the Dockerfiles, a `COPY . /app` build and a
/// `Dockerfile.goreleaser` whose binary does not exist yet. The classic builder sends each
/// Dockerfile it reads and `.dockerignore` whatever the file says; that is no reason to keep
/// them: with keep lines for them, every `COPY . /app` image would hold them, which it does not
/// today under BuildKit.
#[test]
fn an_allowlist_that_leaves_out_the_dockerfiles_keeps_them_out() {
    let env = TestEnv::new();
    env.file("Dockerfile", "FROM golang\nCOPY . /app\nRUN go build .\n")
        .file(
            "Dockerfile.goreleaser",
            "FROM alpine\nCOPY glance /usr/bin/\n",
        )
        .file("go.mod", "module x\n")
        .file("main.go", "package main\n")
        .file("internal/a.go", "package internal\n")
        .file("README.md", "r\n")
        .dockerignore("*\n!/internal/\n!/go.mod\n!main.go\n");
    let (code, _, err) = suggest(&env, &["--write"]);
    assert_eq!(code, Some(0), "{err}");
    let out = std::fs::read_to_string(env.path(".dockerignore")).unwrap();
    for l in ["!Dockerfile", "!Dockerfile.goreleaser", "!.dockerignore"] {
        assert!(!out.lines().any(|x| x == l), "{l}\n{out}\n{err}");
    }
    assert!(out.lines().any(|x| x == "!glance"), "{out}");
    let bk = text(&env.run(["list", "--builder", "buildkit", "."]).stdout);
    for p in [
        "Dockerfile",
        "Dockerfile.goreleaser",
        ".dockerignore",
        "README.md",
    ] {
        assert!(!bk.lines().any(|l| l == p), "{p}: {bk}");
    }
    assert_sends(
        &env,
        &["main.go", "go.mod", "internal/a.go"],
        &["Dockerfile.goreleaser", "README.md"],
        "allowlist",
    );
}

/// ntfy: `COPY ntfy /usr/bin` of a binary goreleaser writes first, in a checkout named `ntfy`.
/// From the parent directory `ntfy` names the context itself: no sign the Dockerfile is built
/// with the parent as its context. (The test context is a directory named `ctx`.)
#[test]
fn a_source_named_like_the_checkout_is_no_sign_of_the_parent_context() {
    let env = TestEnv::new();
    env.file("Dockerfile", "FROM alpine\nCOPY ctx /usr/bin\n")
        .file("main.go", "package main\n")
        .file("go.mod", "module x\n");
    assert!(env.tmp().join("ctx").is_dir());
    let (code, _, err) = suggest(&env, &[]);
    assert_eq!(code, Some(0), "{err}");
    assert!(!err.contains("likely built with that directory"), "{err}");
    assert!(err.contains("COPY ctx (line 2) matches nothing"), "{err}");
    // A source the parent holds beside the context still says so.
    std::fs::write(env.tmp().join("app.conf"), "c\n").unwrap();
    env.file("Dockerfile", "FROM alpine\nCOPY app.conf /etc/\n");
    let (_, _, err) = suggest(&env, &[]);
    assert!(err.contains("likely built with that directory"), "{err}");
}
