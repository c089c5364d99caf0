//! Rules corrected by qa38 on real repositories: a found Dockerfile below a test-fixture
//! directory (`testdata/`, `fixtures/`, …) is test data the tests build with contexts of their
//! own; testcontainers-go's `internal/core/testdata/Dockerfile` (`COPY . .`, in a directory of
//! Dockerfiles only) was served with the repository root, and the proposal kept everything.

use crate::util::{suggest, text, TestEnv};

fn fixture_repo(env: &TestEnv) {
    env.file("Dockerfile", "FROM golang\nCOPY app.go /src/\n")
        .file("app.go", "package main\n")
        .file("docs/guide.md", "x\n")
        .file("node_modules/left-pad/index.js", "module.exports=1\n")
        .file(
            "internal/core/testdata/Dockerfile",
            "FROM nginx\nCOPY . .\n",
        )
        .file(
            "internal/core/testdata/Dockerfile.multistage",
            "FROM alpine AS a\nRUN true\n",
        )
        .file(
            "cli/testdata/invalid/Dockerfile",
            "FROM alpine\nINVALID x\n",
        )
        .file("fixtures/web/Dockerfile", "FROM alpine\nCOPY docs /docs\n");
}

/// Not served: the proposal keeps only what the root Dockerfile copies, and one note names
/// the fixtures (no note each, no parse error of a linter's invalid fixture).
#[test]
fn test_fixture_dockerfiles_are_not_served() {
    let env = TestEnv::new();
    fixture_repo(&env);
    let o = env.run(["suggest"]);
    let err = text(&o.stderr);
    assert_eq!(o.status.code(), Some(0), "{err}");
    let out = text(&o.stdout);
    let keeps: Vec<&str> = out.lines().filter(|l| l.starts_with('!')).collect();
    assert_eq!(keeps, ["!app.go"], "{out}");
    assert!(!err.contains("serves    internal/"), "{err}");
    let notes: Vec<&str> = err.lines().filter(|l| l.contains("testdata/")).collect();
    assert_eq!(notes.len(), 1, "{err}");
    assert!(
        notes[0].contains("4 Dockerfiles found in test-fixture directories not served (cli/testdata/invalid/Dockerfile, fixtures/web/Dockerfile, internal/core/testdata/Dockerfile and 1 more)"),
        "{}",
        notes[0]
    );
    assert!(!err.contains("INVALID"), "{err}");
}

/// A Compose file that builds a fixture with this context serves it, as it serves any found
/// Dockerfile.
#[test]
fn a_fixture_dockerfile_a_compose_file_builds_here_is_served() {
    let env = TestEnv::new();
    fixture_repo(&env);
    env.file(
        "compose.yaml",
        "services:\n  web:\n    build:\n      context: .\n      dockerfile: fixtures/web/Dockerfile\n",
    );
    let o = env.run(["suggest"]);
    let err = text(&o.stderr);
    assert_eq!(o.status.code(), Some(0), "{err}");
    let out = text(&o.stdout);
    let keeps: Vec<&str> = out.lines().filter(|l| l.starts_with('!')).collect();
    assert_eq!(keeps, ["!app.go", "!docs"], "{out}");
    assert!(err.contains("serves    fixtures/web/Dockerfile"), "{err}");
    assert!(
        err.contains("3 Dockerfiles found in test-fixture directories not served"),
        "{err}"
    );
}

/// A Go project whose Dockerfile installs a front end in `web/` (`npm ci` beside
/// `web/package.json`) and copies the whole context for `go build`, with a stray root
/// `node_modules/` no `package.json` describes (a docs tool's): the install never writes that
/// tree again. It is still left out, but not as one "the Dockerfile re-installs";
/// `web/node_modules/`, beside the `package.json` the install reads, is.
#[test]
fn a_stray_node_modules_is_not_said_to_be_reinstalled() {
    let env = TestEnv::new();
    env.file(
        "Dockerfile",
        "FROM node AS web\nWORKDIR /web\nCOPY web/package.json web/package-lock.json ./\nRUN npm ci\nCOPY web/ ./\nRUN npm run build\nFROM golang\nWORKDIR /src\nCOPY . .\nCOPY --from=web /web/dist ./web/dist\nRUN go build ./cmd/app\n",
    )
    .file("go.mod", "module x\n")
    .file("cmd/app/main.go", "package main\n")
    .file("web/package.json", "{}\n")
    .file("web/package-lock.json", "{}\n")
    .file("web/node_modules/react/index.js", "x\n")
    .file("node_modules/mkdocs-thing/index.js", "x\n");
    let o = env.run(["suggest"]);
    let err = text(&o.stderr);
    assert_eq!(o.status.code(), Some(0), "{err}");
    let out = text(&o.stdout);
    assert!(
        err.contains("- web/node_modules/ (dependency tree the Dockerfile re-installs"),
        "{err}"
    );
    let root = err
        .lines()
        .find(|l| l.contains("- node_modules/ ("))
        .unwrap_or_else(|| panic!("{err}"));
    assert!(
        root.contains(
            "stray dependency tree: no package.json beside it, the Dockerfile installs others"
        ) && !root.contains("re-installs"),
        "{root}"
    );
    assert!(!out.lines().any(|l| l == "!node_modules"), "{out}");
}

/// The report's rule text for `node_modules/` (SARIF's rule description, docs/rules.md) on a
/// Go project whose Dockerfile never runs Node: it said the tree is "overwritten by `npm ci`
/// in the image anyway"; it says so only of a Dockerfile that installs its packages.
#[test]
fn the_node_modules_rule_text_does_not_claim_a_reinstall() {
    let env = TestEnv::new();
    env.file("Dockerfile", "FROM golang\nCOPY . .\nRUN go build .\n")
        .file("go.mod", "module x\n")
        .file("node_modules/mkdocs-thing/index.js", "x\n");
    let o = env.run(["--format", "sarif", "."]);
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let rules = v["runs"][0]["tool"]["driver"]["rules"].as_array().unwrap();
    let r = rules
        .iter()
        .find(|r| r["id"] == "CTX301")
        .unwrap_or_else(|| panic!("{rules:?}"));
    let why = r["fullDescription"]["text"].as_str().unwrap();
    assert!(!why.contains("anyway"), "{why}");
    assert!(
        why.contains("a Dockerfile that installs its packages (`npm ci`) writes it again"),
        "{why}"
    );
}

/// zipkin: the ignore file is the user's own allowlist (`**`, then `!` lines down to single
/// scripts and `src/main/**`) under `COPY . /code/`, and a found test image copies
/// `build-bin/` whole, of which the allowlist sends two scripts. That directory's other files
/// counted as "named" and `**` was refused: the generated top-level allowlist sent every test
/// source and script the user had kept out. Carried, the file sends what it sends today.
#[test]
fn a_users_allowlist_is_carried_when_a_named_directory_sends_part_of_itself() {
    let env = TestEnv::new();
    env.file(
        "docker/Dockerfile",
        "FROM scratch AS code\nCOPY build-bin/docker/healthcheck /bin/\nCOPY . /code/\nFROM java\nCOPY --from=code /code/ /code/\nRUN mvn package\n",
    )
    .file(
        "docker/test-images/ui/Dockerfile",
        "FROM nginx\nCOPY build-bin/ /build-bin/\nCOPY docker/test-images/ui/nginx.conf /etc/nginx/\n",
    )
    .file("docker/test-images/ui/nginx.conf", "x\n")
    .file("build-bin/docker/healthcheck", "#!/bin/sh\n")
    .file("build-bin/maven/build", "#!/bin/sh\n")
    .file("build-bin/release/publish", "#!/bin/sh\n")
    .file("pom.xml", "<project/>\n")
    .file("core/pom.xml", "<project/>\n")
    .file("core/src/main/App.java", "class App {}\n")
    .file("core/src/test/AppTest.java", "class AppTest {}\n")
    .file("benchmarks/src/Bench.java", "class Bench {}\n")
    .dockerignore(
        "**\n!build-bin/docker/healthcheck\n!build-bin/maven/build\n!docker/test-images/ui/nginx.conf\n!**/pom.xml\n!core/src/main/**\n",
    );
    let list = |b: &str| {
        text(
            &env.run(["list", "--builder", b, "-f", "docker/Dockerfile", "."])
                .stdout,
        )
    };
    let before = list("buildkit");
    let classic = list("classic");
    let (code, out, err) = suggest(&env, &["-f", "docker/Dockerfile", "--write"]);
    assert_eq!(code, Some(0), "{err}");
    assert!(
        err.contains("serves    docker/test-images/ui/Dockerfile"),
        "{err}"
    );
    assert!(out.is_empty() || !out.contains("!benchmarks"), "{out}");
    let written = std::fs::read_to_string(env.ctx().join(".dockerignore")).unwrap();
    assert!(written.contains("already an allowlist"), "{written}");
    let after = list("buildkit");
    assert_eq!(after, before, "{written}");
    assert_eq!(list("classic"), classic, "{written}");
    for p in [
        "build-bin/docker/healthcheck",
        "core/src/main/App.java",
        "pom.xml",
    ] {
        assert!(after.lines().any(|l| l == p), "{p}: {after}");
    }
    for p in [
        "build-bin/release/publish",
        "core/src/test/AppTest.java",
        "benchmarks/src/Bench.java",
    ] {
        assert!(!after.lines().any(|l| l == p), "{p}: {after}");
    }
}

/// dependency-track: an OpenAPI description split into one file per schema below
/// `openapi/` (`openapi/resources/secrets/schemas/create-secret-request.yaml`) is API
/// documentation, as a `*.openapi.yaml` is: not "a data file named like a credential"
/// (CTX125). Elsewhere the name still counts, and a credentials file there is still found.
#[test]
fn openapi_schema_files_named_after_secrets_are_not_credentials() {
    let env = TestEnv::new();
    env.file("Dockerfile", "FROM scratch\nCOPY . /\n")
        .file(
            "api/src/main/openapi/resources/secrets/schemas/create-secret-request.yaml",
            "type: object\nproperties:\n  name:\n    type: string\n",
        )
        .file(
            "api/swagger/components/password-policy.json",
            "{\"type\": \"object\"}\n",
        )
        .file("config/db-password.yaml", "user: app\n")
        .file(
            "api/openapi/examples/credentials.json",
            format!(
                "{{\"aws_access_key_id\": \"AKIA{}\"}}\n",
                "QYLPMN5HHHFPZAM2"
            ),
        );
    let o = env.run(["--format", "json", "."]);
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let hits: Vec<(String, String)> = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["rule"].as_str().unwrap().to_string(),
                f["path"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    let has = |rule: &str, path: &str| hits.iter().any(|(r, p)| r == rule && p == path);
    assert!(has("CTX125", "config/db-password.yaml"), "{hits:?}");
    assert!(
        !hits
            .iter()
            .any(|(r, p)| r == "CTX125" && p.contains("openapi/")),
        "{hits:?}"
    );
    assert!(
        !hits
            .iter()
            .any(|(r, p)| r == "CTX125" && p.contains("swagger/")),
        "{hits:?}"
    );
    // A credentials file holding a key is still found there (by its name or its content).
    assert!(
        hits.iter()
            .any(|(_, p)| p == "api/openapi/examples/credentials.json"),
        "{hits:?}"
    );
}

/// kaniko: `integration/.dockerignore` sits above `integration/dockerfiles/Dockerfile_test_add`,
/// whose `ADD context/foo` exists as `integration/context/foo` and not at the root: its tests
/// build with `integration/` as the context, which reads that file. lint told the user to move
/// its patterns into the root file; it now says which build reads it. One with no such
/// Dockerfile below it keeps the advice.
#[test]
fn a_nested_ignore_file_above_a_dockerfile_built_from_its_directory_is_explained() {
    let env = TestEnv::new();
    env.file("Dockerfile", "FROM golang\nCOPY cmd /src/cmd\n")
        .file("cmd/main.go", "package main\n")
        .file("integration/.dockerignore", "ignore/**\n!ignore/foo\n")
        .file(
            "integration/dockerfiles/Dockerfile_test_add",
            "FROM alpine\nADD context/foo /foo\n",
        )
        .file("integration/context/foo", "x\n")
        .file("other/.dockerignore", "*.tmp\n")
        .file("other/notes.txt", "x\n");
    let o = env.run(["lint", "--format", "json", "."]);
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let msg = |path: &str| -> String {
        v["findings"]
            .as_array()
            .unwrap()
            .iter()
            .find(|f| f["rule"] == "DI010" && f["path"] == path)
            .and_then(|f| f["message"].as_str())
            .unwrap_or_else(|| panic!("{path}: {v}"))
            .to_string()
    };
    let m = msg("integration/.dockerignore");
    assert!(
        m.contains("integration/dockerfiles/Dockerfile_test_add's sources exist below integration/ and not at the root, so it is built with integration/ as the context, which reads this one"),
        "{m}"
    );
    assert!(!m.contains("move its patterns"), "{m}");
    assert!(msg("other/.dockerignore").contains("move its patterns into the root file"));
}
