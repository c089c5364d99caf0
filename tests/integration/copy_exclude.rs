//! `COPY --exclude`: three sets — sent (the context after .dockerignore), transferred (what the
//! Dockerfile's sources reach), in the image (transferred, copied, not removed by `--exclude`).
//! Expectations from moby/buildkit: frontend/dockerfile/dockerfile2llb/convert_copy.go applies
//! the patterns in the copy (`llb.WithExcludePatterns`), while convert.go records the COPY's
//! `SourcePaths` in `ctxPaths` (what the client is asked to send) whatever the excludes — so an
//! excluded file still crosses to the builder. Patterns match relative to the copied source,
//! with the .dockerignore pattern rules (`*.pem` is one level, `**/*.pem` any depth).

use serde_json::Value;

use crate::util::{text, TestEnv};

fn report(env: &TestEnv) -> Value {
    let o = env.run(["--format", "json", "."]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
    serde_json::from_slice(&o.stdout).unwrap()
}

fn env_with(dockerfile: &str) -> TestEnv {
    let env = TestEnv::new();
    env.file("Dockerfile", dockerfile)
        .file("src/main.py", "x=1\n")
        .file(
            "src/server.pem",
            "-----BEGIN RSA PRIVATE KEY-----\nMIIabc\n-----END RSA PRIVATE KEY-----\n",
        )
        .file(".env", "AWS_SECRET_ACCESS_KEY=abc\n")
        .file("README.md", "hello");
    env
}

#[test]
fn three_sets_and_the_excluded_files() {
    let env = env_with("FROM alpine\nCOPY --exclude=**/*.pem --exclude=.env . /app\n");
    let v = report(&env);
    // Sent = transferred (COPY . .): every file; in the image: all but the two excluded.
    assert_eq!(v["files"], 5);
    assert_eq!(v["transfer_files"], 5);
    assert_eq!(v["image_files"], 3);
    let dockerfile_len = std::fs::metadata(env.path("Dockerfile")).unwrap().len();
    assert_eq!(v["image_bytes"].as_u64().unwrap(), dockerfile_len + 4 + 5);
    let ex: Vec<&str> = v["copy_excluded"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["path"].as_str().unwrap())
        .collect();
    assert_eq!(ex, [".env", "src/server.pem"]);
    assert_eq!(v["copy_excluded"][0]["line"], 2);
}

#[test]
fn a_secret_excluded_only_by_copy_exclude_is_still_transferred() {
    let env = env_with("FROM alpine\nCOPY --exclude=.env . /app\n");
    let v = report(&env);
    let f = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["path"] == ".env")
        .expect("the .env finding");
    let msg = f["message"].as_str().unwrap();
    assert!(msg.contains("still transferred to the builder"), "{msg}");
    // The fix is the .dockerignore line, and a note says so.
    assert_eq!(f["fix"], ".env");
    let notes: Vec<&str> = v["notes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| n.as_str().unwrap())
        .collect();
    assert!(
        notes
            .iter()
            .any(|n| n.contains(".env is excluded only by COPY --exclude")
                && n.contains("add `.env` to .dockerignore")),
        "{notes:?}"
    );
    // Never the content.
    assert!(!text(&env.run(["."]).stdout).contains("AWS_SECRET_ACCESS_KEY=abc"));
    // With the .dockerignore line it is neither sent nor transferred, and no longer a finding.
    env.file(".dockerignore", ".env\n");
    let v = report(&env);
    // .env out, .dockerignore in.
    assert_eq!(
        (v["files"].as_u64(), v["excluded_files"].as_u64()),
        (Some(5), Some(1))
    );
    assert!(v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .all(|f| f["path"] != ".env"));
}

#[test]
fn patterns_are_relative_to_the_copied_source() {
    // `*.pem` matches one level below the copied directory only: src/server.pem stays in.
    let env = env_with("FROM alpine\nCOPY --exclude=*.pem . /app\n");
    let v = report(&env);
    assert_eq!(v["image_files"], 5);
    assert_eq!(v["copy_excluded"].as_array().unwrap().len(), 0);
    // Copying src/ itself, `*.pem` is relative to src/: server.pem is removed.
    let env = env_with("FROM alpine\nCOPY --exclude=*.pem src /app\n");
    let v = report(&env);
    assert_eq!(v["transfer_files"], 2);
    assert_eq!(v["image_files"], 1);
    assert_eq!(v["copy_excluded"][0]["path"], "src/server.pem");
}

#[test]
fn another_copy_without_the_exclude_puts_it_in_the_image() {
    let env = env_with("FROM alpine\nCOPY --exclude=.env . /app\nCOPY .env /etc/app.env\n");
    let v = report(&env);
    assert_eq!(v["image_files"], 5);
    assert_eq!(v["copy_excluded"].as_array().unwrap().len(), 0);
}

#[test]
fn without_exclude_there_is_no_image_set() {
    let env = env_with("FROM alpine\nCOPY . /app\n");
    let v = report(&env);
    assert!(v.get("image_files").is_none() && v.get("copy_excluded").is_none());
}
