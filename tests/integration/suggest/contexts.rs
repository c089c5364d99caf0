//! `ctxsize suggest --compose` with no context named, in a project whose services build other
//! directories (`./web`, `./api`) and none the current one: one proposal per context, each
//! proven and written to that context's root ignore file; nothing written when one fails.

use super::*;

fn project(env: &TestEnv) {
    env.file(
        "web/Dockerfile",
        "FROM node:20\nCOPY package.json ./\nRUN npm ci\nCOPY src ./src\n",
    )
    .file("web/package.json", "{}\n")
    .file("web/src/app.js", "console.log(1)\n")
    .file("web/node_modules/left-pad/index.js", "module.exports = 1\n")
    .file("web/notes.txt", "draft\n")
    .file("api/Dockerfile", "FROM python:3.12\nCOPY app /app\n")
    .file("api/app/main.py", "print(1)\n")
    .file("api/debug.log", "log line\n")
    .file(
        "compose.yaml",
        "services:\n  web:\n    build: ./web\n  api:\n    build:\n      context: ./api\n  gone:\n    build: ./gone\n",
    );
}

#[test]
fn every_context_the_services_build_gets_its_own_proven_file() {
    let env = TestEnv::new();
    project(&env);
    let o = env.run(["suggest", "--compose"]);
    let (out, err) = (text(&o.stdout), text(&o.stderr));
    assert_eq!(o.status.code(), Some(0), "{err}");
    // Both files on stdout, each after its header, api first (sorted by directory).
    let api = out
        .find("api/.dockerignore <==")
        .unwrap_or_else(|| panic!("{out}"));
    let web = out
        .find("web/.dockerignore <==")
        .unwrap_or_else(|| panic!("{out}"));
    assert!(api < web && out.starts_with("# ==> "), "{out}");
    assert!(
        out[api..web].contains("!app") && out[web..].contains("!src"),
        "{out}"
    );
    assert!(
        err.contains("proposing for each context the services build: api (api), web (web)")
            && err.contains("not proposed for gone")
            && err.matches("proven: every file the build copies").count() == 2,
        "{err}"
    );
    // Nothing written without --write.
    assert!(!env.ctx().join("web/.dockerignore").exists());

    let o = env.run(["suggest", "--compose", "--write"]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
    let sent = |dir: &str| -> Vec<String> {
        let o = env.run(["list", dir]);
        assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
        text(&o.stdout).lines().map(String::from).collect()
    };
    let web = sent("web");
    assert!(
        web.contains(&"package.json".to_string())
            && web.contains(&"src/app.js".to_string())
            && !web
                .iter()
                .any(|p| p.starts_with("node_modules") || p == "notes.txt"),
        "{web:?}"
    );
    let api = sent("api");
    assert!(
        api.contains(&"app/main.py".to_string()) && !api.contains(&"debug.log".to_string()),
        "{api:?}"
    );
}

#[test]
fn a_context_that_cannot_be_proposed_for_writes_nothing() {
    let env = TestEnv::new();
    project(&env);
    // api's Dockerfile copies before its first FROM: docker refuses it, suggest too.
    env.file("api/Dockerfile", "COPY app /app\n");
    let o = env.run(["suggest", "--compose", "--write"]);
    let err = text(&o.stderr);
    assert_eq!(o.status.code(), Some(2), "{err}");
    assert!(
        err.contains(
            "the context api (services api) could not be proposed for; nothing is written"
        ),
        "{err}"
    );
    assert!(
        !env.ctx().join("web/.dockerignore").exists()
            && !env.ctx().join("api/.dockerignore").exists()
    );
}

#[test]
fn a_named_context_no_service_builds_is_still_an_error() {
    let env = TestEnv::new();
    project(&env);
    let o = env.run(["suggest", "--compose", "compose.yaml", "."]);
    let err = text(&o.stderr);
    assert_eq!(o.status.code(), Some(2), "{err}");
    assert!(
        err.contains("no service in") && err.contains("DIR` with one of those"),
        "{err}"
    );
}

#[test]
fn every_context_snapshots() {
    let env = TestEnv::new();
    project(&env);
    let o = env.run(["suggest", "--compose"]);
    assert!(o.status.success(), "{}", text(&o.stderr));
    let ctx = env.ctx().display().to_string();
    insta::assert_snapshot!(
        "suggest_compose_contexts_stdout",
        text(&o.stdout).replace(&ctx, "[CTX]")
    );
    insta::assert_snapshot!(
        "suggest_compose_contexts_summary",
        text(&o.stderr).replace(&ctx, "[CTX]")
    );
}

/// Two contexts built with one Dockerfile that has its own ignore file share that file: the
/// two proposals differ (each context holds other files), and writing either would break the
/// other build. Nothing is written, and the error says why; when they agree, one is printed.
#[test]
fn contexts_sharing_a_dockerfiles_own_ignore_file_write_nothing_when_they_differ() {
    let env = TestEnv::new();
    env.file("api/main.py", "1\n")
        .file("api/api.py", "2\n")
        .file("web/main.py", "3\n")
        .file("docker/app.Dockerfile", "FROM python:3.12\nCOPY . /app\n")
        .file("docker/app.Dockerfile.dockerignore", "*.log\n")
        .file(
            "compose.yaml",
            "services:\n  api:\n    build:\n      context: ./api\n      dockerfile: ../docker/app.Dockerfile\n  web:\n    build:\n      context: ./web\n      dockerfile: ../docker/app.Dockerfile\n",
        );
    let o = env.run(["suggest", "--compose", "--write"]);
    let err = text(&o.stderr);
    assert_eq!(o.status.code(), Some(2), "{err}");
    assert!(
        err.contains("the contexts api and web both use") && err.contains("no proposal is written"),
        "{err}"
    );
    assert_eq!(
        std::fs::read_to_string(env.ctx().join("docker/app.Dockerfile.dockerignore")).unwrap(),
        "*.log\n"
    );
    // The same files in both: one proposal serves both, printed once.
    std::fs::remove_file(env.ctx().join("api/api.py")).unwrap();
    let o = env.run(["suggest", "--compose"]);
    let out = text(&o.stdout);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
    assert_eq!(
        out.matches("app.Dockerfile.dockerignore <==").count(),
        1,
        "{out}"
    );
}
