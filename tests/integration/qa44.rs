//! Rules corrected by qa44 on real repositories: DI003 takes the grade of what it lets
//! through (homebox's README in `testdata/`, vikunja's Go fixture zips are the project's own
//! content flagged low, so the line that misses them is no medium problem), DI010 names the
//! Compose or bake build that uses the Dockerfile beside a nested ignore file with the root
//! (hoppscotch), suggest does not serve a Dockerfile that copies other checkouts beside this
//! one (nats-server), the report says plainly that the ignore file keeps nothing out (locust).

use crate::util::TestEnv;

fn lint(env: &TestEnv) -> (serde_json::Value, Option<i32>) {
    let o = env.run(["lint", "--format", "json", "."]);
    let v = serde_json::from_slice(&o.stdout)
        .unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&o.stderr)));
    (v, o.status.code())
}

fn severity(v: &serde_json::Value, rule: &str, line: u64) -> String {
    v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["rule"] == rule && f["line"] == line)
        .unwrap_or_else(|| panic!("no {rule} on line {line}: {v}"))["severity"]
        .as_str()
        .unwrap()
        .to_string()
}

/// sysadminsmedia/homebox: `README.md` in the ignore file misses
/// `backend/pkgs/labelmaker/testdata/README.md`, inside a test fixture directory the report
/// flags low; go-vikunja/vikunja: `*.zip` misses Go test fixture zips, archives flagged low.
/// Both were medium DI003 and failed `lint` (exit 1) over test fixtures.
#[test]
fn di003_over_low_flagged_test_fixtures_is_info_and_lint_passes() {
    let env = TestEnv::new();
    env.file("Dockerfile", "FROM golang\nCOPY . /src\n")
        .file("README.md", "# app\n")
        .file("main.go", "package main\n")
        .file("backend/pkgs/labelmaker/testdata/README.md", "# fixtures\n")
        .file("backend/pkgs/labelmaker/testdata/label.png", "png\n")
        .file("pkg/migration/export.zip", b"PK\x03\x04fixture".as_slice())
        .dockerignore("README.md\n*.zip\n");
    let (v, code) = lint(&env);
    assert_eq!(severity(&v, "DI003", 1), "info", "{v}");
    assert_eq!(severity(&v, "DI003", 2), "info", "{v}");
    assert_eq!(code, Some(0), "{v}");
}

/// Logs slipping through (flagged low, but what a machine leaves behind, not the project's own
/// content) keep DI003 medium, even beside test fixtures.
#[test]
fn di003_over_a_medium_flagged_entry_stays_medium() {
    let env = TestEnv::new();
    env.file("Dockerfile", "FROM golang\nCOPY main.go /src/\n")
        .file("main.go", "package main\n")
        .file("a.log", "x\n")
        .file("backend/testdata/b.log", "x\n")
        .file("backend/logs/app.log", "x\n")
        .dockerignore("*.log\n");
    let (v, code) = lint(&env);
    assert_eq!(severity(&v, "DI003", 1), "medium", "{v}");
    assert_eq!(code, Some(1), "{v}");
}

fn di010(v: &serde_json::Value, path: &str) -> (String, String) {
    let f = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["rule"] == "DI010" && f["path"] == path)
        .unwrap_or_else(|| panic!("no DI010 for {path}: {v}"));
    (
        f["severity"].as_str().unwrap().to_string(),
        f["message"].as_str().unwrap().to_string(),
    )
}

/// hoppscotch: `packages/hoppscotch-backend/.dockerignore` sits beside the Dockerfile that the
/// root Compose file builds with `context: .`; lint said it "is read when
/// packages/hoppscotch-backend/ is the context", a build no file here describes. The Compose
/// build is named instead, and a file whose patterns would keep out what that build sends
/// stays medium.
#[test]
fn di010_names_the_compose_build_that_uses_the_dockerfile_beside_it_with_the_root() {
    let env = TestEnv::new();
    env.file(
        "docker-compose.yml",
        "services:\n  backend:\n    build:\n      context: .\n      dockerfile: packages/backend/Dockerfile\n",
    )
    .file("packages/backend/Dockerfile", "FROM node\nCOPY . /app\n")
    .file("packages/backend/.dockerignore", "./node_modules\n")
    .file("packages/backend/index.ts", "export {}\n")
    .file("packages/web/Dockerfile", "FROM node\nCOPY . /app\n")
    .file("packages/web/.dockerignore", "coverage\n")
    .file("packages/web/coverage/lcov.info", "x\n")
    .dockerignore("node_modules\n");
    let (v, _) = lint(&env);
    let (sev, m) = di010(&v, "packages/backend/.dockerignore");
    assert_eq!(sev, "info", "{m}");
    assert!(
        m.contains("the Compose or bake file at the root builds packages/backend/Dockerfile beside it with this context (service `backend`)"),
        "{m}"
    );
    assert!(!m.contains("is the context"), "{m}");
    // No build here names packages/web/ or its Dockerfile: read when it is the context.
    let (_, m) = di010(&v, "packages/web/.dockerignore");
    assert!(
        m.contains("so it is read when packages/web/ is the context"),
        "{m}"
    );

    // Its pattern would keep out what the Compose build sends: medium, said with the build.
    env.file("packages/backend/node_modules/left-pad/index.js", "1\n");
    let (v, _) = lint(&env);
    let (sev, m) = di010(&v, "packages/backend/.dockerignore");
    assert_eq!(sev, "medium", "{m}");
    assert!(m.contains("(service `backend`)"), "{m}");
    assert!(m.contains("would keep out 1 file"), "{m}");
}

/// nats-io/nats-server: `docker/Dockerfile.nightly` copies `./nats-server/`, `./nsc/` and
/// `./natscli/`, other repositories checked out beside this one (its context is their parent
/// directory). suggest served it with this context and proposed a file keeping three paths
/// that can never exist here; it is not served, and the note says why.
#[test]
fn suggest_does_not_serve_a_dockerfile_that_copies_sibling_checkouts() {
    let env = TestEnv::new();
    env.file(
        "docker/Dockerfile.nightly",
        "FROM golang AS b\nCOPY ./server/ /src/server/\nCOPY ./cli/ /src/cli/\nRUN go build\n",
    )
    .file("go.mod", "module example.com/server\n")
    .file("main.go", "package main\n");
    let o = env.run(["suggest", "."]);
    let s = format!(
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    );
    assert!(
        s.contains("docker/Dockerfile.nightly (found in the context) not served: the sources it names (./cli/, ./server/) are whole directories that do not exist in this context"),
        "{s}"
    );
    assert!(!s.contains("!server"), "{s}");

    // One source, this checkout's own name (its Go module): the same.
    let env = TestEnv::new();
    env.file(
        "docker/Dockerfile",
        "FROM golang AS b\nCOPY ./server/ /src/server/\nRUN go build\n",
    )
    .file("go.mod", "module example.com/server\n")
    .file("main.go", "package main\n");
    let o = env.run(["suggest", "."]);
    let s = String::from_utf8_lossy(&o.stderr).to_string() + &String::from_utf8_lossy(&o.stdout);
    assert!(
        s.contains(
            "docker/Dockerfile (found in the context) not served: the sources it names (./server/)"
        ),
        "{s}"
    );
}

/// A Dockerfile in a directory of Dockerfiles copying what the build writes first (`dist/`), or
/// one directory of another name alone, is still served with this context.
#[test]
fn suggest_still_serves_a_dockerfile_copying_build_output_not_yet_written() {
    for src in ["./dist/", "./server/"] {
        let env = TestEnv::new();
        env.file(
            "docker/Dockerfile",
            format!("FROM alpine\nCOPY {src} /app/\nCOPY ./cli/ /cli/\n"),
        )
        .file("go.mod", "module example.com/other\n")
        .file("main.go", "package main\n");
        let single = src == "./server/";
        if single {
            env.file("docker/Dockerfile", "FROM alpine\nCOPY ./server/ /app/\n");
        }
        let o = env.run(["suggest", "."]);
        let s =
            String::from_utf8_lossy(&o.stderr).to_string() + &String::from_utf8_lossy(&o.stdout);
        assert!(s.contains("serves    docker/Dockerfile"), "{src}: {s}");
    }
}

/// locustio/locust: an ignore file whose lines match nothing here printed "Kept out  0 B in 0
/// files by the ignore file"; said plainly instead.
#[test]
fn report_says_plainly_when_the_ignore_file_keeps_nothing_out() {
    let env = TestEnv::new();
    env.file("Dockerfile", "FROM python\nCOPY . /src\n")
        .file("app.py", "print(1)\n")
        .dockerignore("build/\n.coverage\n");
    let o = env.run(["--no-gitignore", "."]);
    let s = String::from_utf8_lossy(&o.stdout);
    assert!(
        s.contains("Kept out  nothing: the ignore file keeps no file out"),
        "{s}"
    );
    assert!(!s.contains("0 B in 0 files"), "{s}");
}
