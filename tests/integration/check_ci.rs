//! `ctxsize check-ci`: builds whose context ignores the .dockerignore the user edits.
//! Sources: docker/build-push-action README ("Git context": without `context:` the action
//! builds from the Git reference and the .dockerignore processing of earlier steps is ignored);
//! docker/cli build semantics (`-` reads a tar from stdin as the context; `-f X` makes BuildKit
//! read `X.dockerignore` before the context's `.dockerignore`, moby/buildkit
//! frontend/dockerui/config.go).

use serde_json::Value;

use crate::util::{text, TestEnv};

#[test]
fn finds_each_kind_with_its_line() {
    let env = TestEnv::new();
    env.file(
        ".github/workflows/build.yml",
        "on: push\njobs:\n  image:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/checkout@v4\n      - uses: docker/build-push-action@v6\n        with:\n          push: false\n      - uses: docker/build-push-action@v6\n        with:\n          context: .\n      - run: docker build -t app - < ctx.tar\n",
    )
    .file(
        "Makefile",
        "remote:\n\tdocker build https://github.com/acme/app.git#main\napi:\n\tdocker build -f api/Dockerfile api\nok:\n\tdocker build -t x .\n",
    )
    .file("api/Dockerfile", "FROM scratch\n")
    .file("api/Dockerfile.dockerignore", "*\n")
    .file("api/.dockerignore", "node_modules\n");
    let o = env.run(["check-ci", "--format", "json"]);
    assert_eq!(o.status.code(), Some(1), "{}", text(&o.stderr));
    let v: Value = serde_json::from_slice(&o.stdout).unwrap();
    let got: Vec<(String, String, u64)> = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["file"].as_str().unwrap().to_string(),
                f["rule"].as_str().unwrap().to_string(),
                f["line"].as_u64().unwrap(),
            )
        })
        .collect();
    let want = [
        (".github/workflows/build.yml", "CI001", 7),
        (".github/workflows/build.yml", "CI003", 13),
        ("Makefile", "CI002", 2),
        ("Makefile", "CI004", 4),
    ];
    let want: Vec<(String, String, u64)> = want
        .iter()
        .map(|(a, b, c)| (a.to_string(), b.to_string(), *c))
        .collect();
    assert_eq!(got, want);
    assert!(v["findings"][0]["fix"]
        .as_str()
        .unwrap()
        .contains("context: ."));
}

#[test]
fn a_clean_repository_passes() {
    let env = TestEnv::new();
    env.file(
        ".github/workflows/build.yml",
        "jobs:\n  a:\n    steps:\n      - uses: docker/build-push-action@v6\n        with:\n          context: .\n",
    )
    .file("Makefile", "img:\n\tdocker build -t x .\n");
    let o = env.run(["check-ci"]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stdout));
}

#[test]
fn gitlab_ci_is_read_as_yaml() {
    // GitLab runs each job's script from $CI_PROJECT_DIR (the clone); a multi-line command is
    // one command; text under `variables:` is not a command.
    let env = TestEnv::new();
    env.file(
        ".gitlab-ci.yml",
        "variables:\n  CTX: $CI_PROJECT_DIR/api\n  NOTE: \"docker build - < not-a-command.tar\"\nbuild-api:\n  stage: build\n  script:\n    - >\n      docker build\n      -f $CI_PROJECT_DIR/api/Dockerfile\n      $CTX\n    - |\n      docker build \\\n        -t x \\\n        - < ctx.tar\n    - docker build -t ok .\n",
    )
    .file("api/Dockerfile", "FROM scratch\n")
    .file("api/Dockerfile.dockerignore", "*\n")
    .file("api/.dockerignore", "node_modules\n");
    let o = env.run(["check-ci", "--format", "json"]);
    assert_eq!(o.status.code(), Some(1), "{}", text(&o.stderr));
    let v: Value = serde_json::from_slice(&o.stdout).unwrap();
    let got: Vec<(&str, u64, &str)> = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["rule"].as_str().unwrap(),
                f["line"].as_u64().unwrap(),
                f["message"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(got.len(), 2, "{got:?}");
    assert_eq!((got[0].0, got[0].1), ("CI004", 8), "{got:?}");
    assert!(
        got[0]
            .2
            .starts_with("job build-api: -f ./api/Dockerfile with context ./api"),
        "{got:?}"
    );
    assert_eq!((got[1].0, got[1].1), ("CI003", 12), "{got:?}");
}

/// A directory that is not there, or a file, is an error (exit 2), never "no build found".
#[test]
fn a_missing_directory_is_an_error() {
    let env = TestEnv::new();
    env.file("f", "x");
    for arg in ["missing", "f"] {
        let o = env.run(["check-ci", arg]);
        assert_eq!(o.status.code(), Some(2), "{arg}: {}", text(&o.stdout));
        assert!(text(&o.stderr).contains(arg), "{}", text(&o.stderr));
        assert!(!text(&o.stdout).contains("no build found"));
    }
}
