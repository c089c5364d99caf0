//! Rules corrected by qa37: `--compose` in the report and in suggest agree on what is an error,
//! and suggest never advises a command that fails (wger-project/docker: every service runs a
//! prebuilt `image:`, and the context holds no Dockerfile at all).

use crate::util::{text, TestEnv};

const IMAGES_ONLY: &str =
    "services:\n  web:\n    image: wger/server\n  db:\n    image: postgres:15\n";

/// wger-project/docker: a Compose file whose services all run prebuilt images, and no Dockerfile
/// anywhere. `docker compose build` has nothing to do and succeeds; `ctxsize --compose` reports
/// no context and exits 0; `ctxsize suggest --compose` says plainly that there is nothing to
/// build from this context, exits 0 like the report, proposes nothing (nothing on stdout, no
/// file written) and advises nothing that fails (it advised running without --compose, which
/// then failed with "open Dockerfile").
#[test]
fn compose_that_builds_nothing_is_no_error_and_says_so() {
    let env = TestEnv::new();
    env.file("docker-compose.yml", IMAGES_ONLY)
        .file("config/prod.env", "DJANGO_DEBUG=False\n")
        .file("README.md", "x\n");
    let report = env.run(["--compose"]);
    assert_eq!(report.status.code(), Some(0), "{}", text(&report.stderr));
    let o = env.run(["suggest", "--compose"]);
    let err = text(&o.stderr);
    assert_eq!(o.status.code(), Some(0), "{err}");
    assert!(o.stdout.is_empty(), "{}", text(&o.stdout));
    assert!(
        err.contains("nothing to build from this context")
            && err
                .contains("no service has a `build` section (2 services run a prebuilt `image:`)")
            && !err.contains("without --compose"),
        "{err}"
    );
    let w = env.run(["suggest", "--compose", "--write"]);
    assert_eq!(w.status.code(), Some(0), "{}", text(&w.stderr));
    assert!(text(&w.stderr).contains("nothing is written"));
    assert!(!env.path(".dockerignore").exists());
}

/// The same Compose file beside a Dockerfile found in the context that is built with it: the
/// Compose file adds no build, so suggest serves what it finds, as without `--compose`, instead
/// of stopping with advice to run it again without `--compose`.
#[test]
fn compose_that_builds_nothing_serves_the_found_dockerfiles() {
    let env = TestEnv::new();
    env.file("docker-compose.yml", IMAGES_ONLY)
        .file("docker/Dockerfile", "FROM node\nCOPY src /app/src\n")
        .file("src/a.ts", "a\n")
        .file("docs/x.md", "x\n");
    let with = env.run(["suggest", "--compose"]);
    let err = text(&with.stderr);
    assert_eq!(with.status.code(), Some(0), "{err}");
    assert!(
        err.contains("docker/Dockerfile (found in the context)"),
        "{err}"
    );
    assert!(err.contains("the Compose file builds nothing"), "{err}");
    let without = env.run(["suggest"]);
    assert_eq!(without.status.code(), Some(0));
    assert_eq!(text(&with.stdout), text(&without.stdout));
}

/// A service whose Dockerfile does not exist (named, or the default `Dockerfile` of its
/// context) fails `docker compose build`: both the report and suggest exit 2 with docker's
/// reason. The report exited 0 for the default one (the note of a bare context); suggest
/// served the others and exited 0 for a named one, noting it "not served".
#[test]
fn a_service_dockerfile_that_does_not_exist_is_an_error_in_both() {
    let env = TestEnv::new();
    env.file("Dockerfile", "FROM alpine\nCOPY a /a\n")
        .file("a", "a\n")
        .file(
            "compose.yaml",
            "services:\n  web:\n    build:\n      context: .\n      dockerfile: web.Dockerfile\n",
        );
    for args in [&["--compose"][..], &["suggest", "--compose"][..]] {
        let o = env.run(args);
        let err = text(&o.stderr);
        assert_eq!(o.status.code(), Some(2), "{args:?}: {err}");
        assert!(
            err.contains("failed to read dockerfile: open ") && err.contains("web.Dockerfile"),
            "{args:?}: {err}"
        );
    }
    let env = TestEnv::new();
    env.file("app/main.go", "package main\n")
        .file("compose.yaml", "services:\n  app:\n    build: ./app\n");
    let o = env.run(["--compose"]);
    let err = text(&o.stderr);
    assert_eq!(o.status.code(), Some(2), "{err}");
    assert!(
        err.contains("service app: failed to read dockerfile: open ")
            && err.contains("app/Dockerfile"),
        "{err}"
    );
}

/// Suggest run on a context that no service builds names the contexts the services build, with
/// the command to run; a context whose Dockerfile does not exist (or does not exist at all) is
/// never named, as that command then fails. With one context left, the command is given whole,
/// and it works. (With no context named, suggest proposes for those contexts itself:
/// `suggest::contexts`.)
#[test]
fn the_advice_for_another_context_is_a_command_that_works() {
    let env = TestEnv::new();
    env.file("api/Dockerfile", "FROM alpine\nCOPY main.go /src/\n")
        .file("api/main.go", "package main\n")
        .file("worker/worker.go", "package main\n")
        .file(
            "compose.yaml",
            "services:\n  api:\n    build: ./api\n  worker:\n    build: ./worker\n  gone:\n    build: ./gone\n",
        );
    let o = env.run(["suggest", "--compose", "compose.yaml", "."]);
    let err = text(&o.stderr);
    assert_eq!(o.status.code(), Some(2), "{err}");
    assert!(
        err.contains("the services build api (api)")
            && !err.contains("worker (worker)")
            && !err.contains("gone (gone)")
            && err.contains("services gone, worker cannot be built here"),
        "{err}"
    );
    let cmd = err
        .split("run `")
        .nth(1)
        .and_then(|r| r.split('`').next())
        .unwrap_or_else(|| panic!("{err}"));
    let args: Vec<&str> = cmd.split(' ').skip(1).collect();
    assert_eq!(args.last(), Some(&"api"), "{cmd}");
    let o = env.run(&args);
    assert_eq!(o.status.code(), Some(0), "{cmd}: {}", text(&o.stderr));
    assert!(text(&o.stdout).contains("!main.go"), "{}", text(&o.stdout));
    // Nothing left to name: said, with no command to run.
    let env = TestEnv::new();
    env.file("worker/worker.go", "package main\n").file(
        "compose.yaml",
        "services:\n  worker:\n    build: ./worker\n",
    );
    let o = env.run(["suggest", "--compose"]);
    let err = text(&o.stderr);
    assert_eq!(o.status.code(), Some(2), "{err}");
    assert!(
        err.contains("service worker cannot be built here") && !err.contains("run `"),
        "{err}"
    );
}

/// Several Dockerfiles served: the summary's BuildKit transfer line was the first one's alone,
/// named as if it were the build's. Each served Dockerfile BuildKit builds with the file
/// transfers its own set: one line each, with its own figures.
#[test]
fn each_served_dockerfile_has_its_own_transfer_line() {
    let env = TestEnv::new();
    env.file("docker/api.Dockerfile", "FROM alpine\nCOPY src /src\n")
        .file("docker/web.Dockerfile", "FROM alpine\nCOPY web /web\n")
        .file("src/a.txt", "hi\n")
        .file("web/w.txt", "w\n")
        .file("web/x.txt", "xyz\n")
        .file("README.md", "readme\n");
    let o = env.run(["suggest"]);
    let err = text(&o.stderr);
    assert_eq!(o.status.code(), Some(0), "{err}");
    let lines: Vec<&str> = err
        .lines()
        .filter(|l| l.contains("BuildKit  transfer"))
        .collect();
    assert_eq!(
        lines,
        [
            "  BuildKit  transfer  1 file, 3 B → 1 file, 3 B (docker/api.Dockerfile)",
            "  BuildKit  transfer  2 files, 6 B → 2 files, 6 B (docker/web.Dockerfile)",
        ],
        "{err}"
    );
}

/// A Compose file below the root (`deploy/docker-compose.yml`, `build: {context: .., dockerfile:
/// deploy/Dockerfile}`, its paths relative to its own directory) builds a found Dockerfile with
/// the root: served, though its sources exist in its own directory as well (which alone made it
/// "built with its own directory"). One in `tools/compose.yaml` that builds `tools/Dockerfile`
/// with `tools/` is not served, and the note names that file's directory, though its `COPY src`
/// exists at the root too.
#[test]
fn compose_files_below_the_root_decide_which_dockerfiles_are_served() {
    let env = TestEnv::new();
    env.file("Dockerfile", "FROM node\nCOPY lib/a.js /a.js\n")
        .file("lib/a.js", "a\n")
        .file("package.json", "{}\n")
        .file("deploy/package.json", "{}\n")
        .file("src/main.js", "m\n")
        .file(
            "deploy/Dockerfile",
            "FROM node\nCOPY package.json ./\nCOPY src ./src\n",
        )
        .file("deploy/src/x.js", "x\n")
        .file(
            "deploy/docker-compose.yml",
            "services:\n  app:\n    build:\n      context: ..\n      dockerfile: deploy/Dockerfile\n",
        )
        .file("tools/Dockerfile", "FROM node\nCOPY src ./src\n")
        .file("tools/src/t.js", "t\n")
        .file("tools/compose.yaml", "services:\n  tool:\n    build: .\n");
    let o = env.run(["suggest"]);
    let err = text(&o.stderr);
    let out = text(&o.stdout);
    assert_eq!(o.status.code(), Some(0), "{err}");
    assert!(err.contains("serves    deploy/Dockerfile"), "{err}");
    assert!(
        out.lines().any(|l| l == "!package.json") && out.lines().any(|l| l == "!src"),
        "{out}"
    );
    assert!(
        err.contains("tools/Dockerfile (found in the context) not served: the Compose file in tools/ builds it (service `tool`) with the context tools/"),
        "{err}"
    );
}

/// A bake file below the root whose target builds a found Dockerfile with the root
/// (`context = ".."` from `docker/`): served, like one of the root bake file.
#[test]
fn bake_files_below_the_root_serve_what_they_build_with_the_root() {
    let env = TestEnv::new();
    env.file("Dockerfile", "FROM alpine\nCOPY a /a\n")
        .file("a", "a\n")
        .file("docker/lint.Dockerfile", "FROM golang\nCOPY . /src\n")
        .file("docker/hack.sh", "#!/bin/sh\n")
        .file(
            "docker/docker-bake.hcl",
            "target \"lint\" {\n  context = \"..\"\n  dockerfile = \"docker/lint.Dockerfile\"\n}\n",
        )
        .file("main.go", "package main\n");
    let o = env.run(["suggest"]);
    let err = text(&o.stderr);
    assert_eq!(o.status.code(), Some(0), "{err}");
    assert!(err.contains("serves    docker/lint.Dockerfile"), "{err}");
    assert!(
        text(&o.stdout).lines().any(|l| l == "!main.go"),
        "{}",
        text(&o.stdout)
    );
}

/// buildx reads a bake file's relative contexts from the directory it runs in: a bake file below
/// the root run from the root (`docker buildx bake -f docker/docker-bake.hcl`) with the default
/// context builds `docker/ci.Dockerfile` with the root; served too.
#[test]
fn a_bake_file_below_the_root_run_from_the_root_serves_its_dockerfile() {
    let env = TestEnv::new();
    env.file("Dockerfile", "FROM alpine\nCOPY a /a\n")
        .file("a", "a\n")
        .file("docker/ci.Dockerfile", "FROM golang\nCOPY go.mod /src/\n")
        .file("docker/go.mod", "module x\n")
        .file(
            "docker/docker-bake.hcl",
            "target \"ci\" {\n  dockerfile = \"docker/ci.Dockerfile\"\n}\n",
        )
        .file("go.mod", "module y\n");
    let o = env.run(["suggest"]);
    let err = text(&o.stderr);
    assert_eq!(o.status.code(), Some(0), "{err}");
    assert!(err.contains("serves    docker/ci.Dockerfile"), "{err}");
    assert!(
        text(&o.stdout).lines().any(|l| l == "!go.mod"),
        "{}",
        text(&o.stdout)
    );
}

/// awesome-compose's react-rust-postgres: no root Dockerfile, and the Compose file builds
/// `backend/` and `frontend/` with their own directories. The note on the missing Dockerfile
/// advised "run with --compose" for every command: `suggest --compose` then fails (no service
/// builds this context) and `list` has no `--compose`. Each command now names one that works
/// for it: the report keeps its own, `list` names the report's (which exits 0), and suggest
/// names none.
#[test]
fn the_missing_dockerfile_note_names_a_compose_command_that_works() {
    let env = TestEnv::new();
    env.file("backend/Dockerfile", "FROM rust\nCOPY src ./src\n")
        .file("backend/src/main.rs", "fn main() {}\n")
        .file("frontend/Dockerfile", "FROM node\nCOPY . .\n")
        .file("frontend/index.js", "1\n")
        .file(
            "compose.yaml",
            "services:\n  backend:\n    build: backend\n  frontend:\n    build:\n      context: frontend\n",
        );
    let note = |args: &[&str]| {
        let o = env.run(args);
        let all = format!("{}{}", text(&o.stdout), text(&o.stderr));
        all.lines()
            .find(|l| l.contains("no Dockerfile at the context root"))
            .unwrap_or_else(|| panic!("{args:?}: {all}"))
            .to_string()
    };
    let s = note(&["suggest"]);
    assert!(!s.contains("--compose"), "{s}");
    let l = note(&["list"]);
    assert!(l.contains("run `ctxsize --compose` for the reports"), "{l}");
    assert_eq!(env.run(["--compose"]).status.code(), Some(0));
    let r = note(&["."]);
    assert!(
        r.contains("or run with --compose for the services compose.yaml builds"),
        "{r}"
    );
    // A service that builds this context: suggest names its --compose, which works.
    env.file(
        "compose.yaml",
        "services:\n  backend:\n    build:\n      context: .\n      dockerfile: backend/Dockerfile\n",
    );
    let o = env.run(["suggest", "--no-discover"]);
    let err = text(&o.stderr);
    assert!(
        err.contains("or run `ctxsize suggest --compose` for the services compose.yaml builds with this context"),
        "{err}"
    );
    let o = env.run(["suggest", "--compose", "--no-discover"]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
}

/// lemmy keeps its Compose files in `docker/` (`build: {context: .., dockerfile:
/// docker/Dockerfile}`): `--compose` at the root finds none, as docker compose does not look
/// below; the error names the file below with the whole path, and that command works.
#[test]
fn no_compose_file_names_the_ones_below_with_a_command_that_works() {
    let env = TestEnv::new();
    env.file("docker/Dockerfile", "FROM rust\nCOPY src ./src\n")
        .file("src/main.rs", "fn main() {}\n")
        .file(
            "docker/docker-compose.yml",
            "services:\n  app:\n    build:\n      context: ..\n      dockerfile: docker/Dockerfile\n",
        );
    for args in [&["--compose"][..], &["suggest", "--compose"][..]] {
        let o = env.run(args);
        let err = text(&o.stderr);
        assert_eq!(o.status.code(), Some(2), "{err}");
        let file = env.path("docker/docker-compose.yml").display().to_string();
        assert!(
            err.contains(&format!("one is below it: run with --compose {file}")),
            "{err}"
        );
        let mut again: Vec<&str> = args.to_vec();
        again.push(&file);
        let o = env.run(&again);
        assert_eq!(o.status.code(), Some(0), "{again:?}: {}", text(&o.stderr));
    }
}
