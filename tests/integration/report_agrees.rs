//! The report's fix for a finding and suggest's proposal say the same thing about one file.

use crate::util::{text, TestEnv};

/// A PEM private key block (a made-up body).
fn private_key() -> String {
    let body = "MIIEowIBAAKCAQEAx9Zq".repeat(4);
    [
        "-----BEGIN RSA ",
        "PRIVATE KEY-----\n",
        &body,
        "\n-----END RSA ",
        "PRIVATE KEY-----\n",
    ]
    .concat()
}

/// The report's fix for `path`, from its JSON output.
fn fix_of(env: &TestEnv, path: &str) -> String {
    let o = env.run(["--format", "json", "."]);
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["path"] == path)
        .unwrap_or_else(|| panic!("no finding for {path}: {}", text(&o.stdout)))["fix"]
        .as_str()
        .unwrap()
        .to_string()
}

/// documenso tracks `apps/remix/example/cert.p12` (and dufs its test keys `tests/data/key_*.pem`), which `COPY . .` sends. suggest removes it
/// ("key store"), but the report's fix said "move the secret out of the file", the advice for a
/// tracked settings file a build may read. Key material by name now gets the exclude line in
/// the report too; a tracked `.env.production` holding a key keeps "move the secret out".
#[test]
fn a_tracked_key_store_gets_the_exclude_line_suggest_writes() {
    let env = TestEnv::new();
    let key = format!("AKIA{}", "Q7RZ2XW4VB6NM3KJ");
    env.file("Dockerfile", "FROM node:20\nCOPY . .\nRUN npm run build\n")
        .file(
            "package.json",
            "{\"name\":\"x\",\"scripts\":{\"build\":\"vite build\"}}\n",
        )
        .file("src/a.ts", "export const a = 1;\n")
        .sized("example/cert.p12", 2000)
        .file(".env.production", format!("VITE_AWS_KEY_ID={key}\n"))
        .file("certs/server.pem", private_key())
        .git(&["init", "-q"])
        .git(&["add", "-A"])
        .git(&["commit", "-qm", "init"]);
    assert_eq!(fix_of(&env, "example/cert.p12"), "example/cert.p12");
    assert!(fix_of(&env, ".env.production").starts_with("move the secret out"));
    assert_eq!(fix_of(&env, "certs/server.pem"), "certs/server.pem");

    let o = env.run(["suggest"]);
    let err = text(&o.stderr);
    assert_eq!(o.status.code(), Some(0), "{err}");
    assert!(err.contains("- example/cert.p12 (key store)"), "{err}");
    assert!(err.contains("- certs/server.pem (private key)"), "{err}");
    assert!(!err.contains(&key) && !text(&o.stdout).contains(&key));
}

/// memos, miniflux: a root `node_modules` that `COPY . .` sends and no RUN step installs again
/// (a docs tool's packages in a Go project, or an image that runs from the copied packages).
/// suggest keeps it ("exclude it yourself if the image does not need it"), but the report's fix
/// was the plain exclude line, which breaks an image that runs from it. Now the report says
/// the same as suggest; once the Dockerfile runs `npm ci`, both exclude it.
#[test]
fn a_copied_dependency_tree_nothing_reinstalls_is_not_excluded_blindly() {
    let env = TestEnv::new();
    env.file(
        "Dockerfile",
        "FROM node:20\nCOPY . .\nCMD [\"node\", \"index.js\"]\n",
    )
    .file(
        "package.json",
        "{\"name\":\"x\",\"dependencies\":{\"left-pad\":\"1\"}}\n",
    )
    .file("index.js", "require('left-pad');\n")
    .file("node_modules/left-pad/index.js", "module.exports = 1;\n");
    let fix = fix_of(&env, "node_modules");
    assert!(
        fix.starts_with("`node_modules` only if the image does not need it"),
        "{fix}"
    );
    let o = env.run(["suggest"]);
    let err = text(&o.stderr);
    assert_eq!(o.status.code(), Some(0), "{err}");
    assert!(err.contains("note: kept node_modules/"), "{err}");
    assert!(
        text(&o.stdout).contains("!node_modules"),
        "{}",
        text(&o.stdout)
    );

    // A Go build may not need it, but nothing says so for sure: both still keep it (suggest
    // with its note); an image of `FROM scratch` alone runs nothing that could read it.
    env.file(
        "Dockerfile",
        "FROM golang:1.22\nCOPY . .\nRUN go build -o /app .\n",
    );
    assert!(fix_of(&env, "node_modules").starts_with("`node_modules` only if"));
    let o = env.run(["suggest"]);
    assert!(
        text(&o.stderr).contains("note: kept node_modules/"),
        "{}",
        text(&o.stderr)
    );
    env.file("Dockerfile", "FROM scratch\nCOPY . /app\n");
    assert_eq!(fix_of(&env, "node_modules"), "node_modules");
    env.file(
        "Dockerfile",
        "FROM node:20\nCOPY . .\nRUN npm ci\nCMD [\"node\", \"index.js\"]\n",
    );
    assert_eq!(fix_of(&env, "node_modules"), "node_modules");
    let o = env.run(["suggest"]);
    let err = text(&o.stderr);
    assert_eq!(o.status.code(), Some(0), "{err}");
    assert!(
        err.contains("node_modules/ (dependency tree the Dockerfile re-installs"),
        "{err}"
    );
}
