//! Rules corrected after QA passes on real repositories (pixelfed, qdrant, langfuse, shiori,
//! remark42, text-generation-inference; then eShopOnWeb, mealie, hoppscotch, linkwarden, minio,
//! monica, full-stack-fastapi-template, redash, discourse_docker; moby/buildkit, docker/buildx), each as a small synthetic
//! tree of the same shape. Continued in `qa_repos_later`.

use serde_json::Value;

use crate::util::{suggest, text, TestEnv};

pub(crate) fn lint_json(env: &TestEnv) -> (Option<i32>, Value) {
    let o = env.run(["lint", "--format", "json"]);
    let v = serde_json::from_slice(&o.stdout)
        .unwrap_or_else(|e| panic!("lint JSON: {e}: {}", text(&o.stderr)));
    (o.status.code(), v)
}

pub(crate) fn lint_findings<'a>(v: &'a Value, rule: &str) -> Vec<&'a Value> {
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
pub(crate) fn one_di003_without_fix(v: &Value) -> String {
    let d = lint_findings(v, "DI003");
    assert_eq!(d.len(), 1, "{v:#}");
    assert_eq!(d[0]["fix"], "", "{v:#}");
    d[0]["message"].as_str().expect("message").to_string()
}

/// The report's fix for the finding of `path` (which must be reported).
pub(crate) fn report_fix(env: &TestEnv, path: &str) -> String {
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
    // A whole-context copy (qa49): `**/static` is not proposed, the anchored line is.
    let d = lint_findings(&v, "DI003");
    assert_eq!(d.len(), 1, "{v:#}");
    assert_eq!(d[0]["fix"], "/static", "{v:#}");
    let msg = d[0]["message"].as_str().unwrap();
    assert!(
        msg.contains("so it copies saleor/static/app.css only because nothing keeps it out"),
        "{msg}"
    );
    // Copied by a source naming it, it is one the build needs: no fix.
    env.file("Dockerfile", "FROM python\nCOPY saleor /app/saleor\n");
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
    // `COPY . .` copies it only because nothing keeps it out (qa49): the anchored line is
    // offered, `**/bin` left to the reader.
    assert_eq!(d[0]["fix"], "/*/bin", "{v:#}");
    assert!(
        d[0]["message"].as_str().unwrap().contains(
            "the build copies the whole context, so it copies src/Web/bin/Debug/net8.0/Web.dll only because nothing keeps it out"
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
