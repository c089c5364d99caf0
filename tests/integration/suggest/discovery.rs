//! Issue 16, a sound suggest: which of the Dockerfiles found in the context the proposal
//! serves (built with the root, or with a directory of their own), so that a suggestion for
//! one build does not break another that shares the ignore file.

use super::sound::{opts, sent_both, suggest_and_write};
use super::*;

/// A found Dockerfile in a directory of Dockerfiles only whose sources do not exist yet (a
/// binary `make` writes first) is built with the root, like the one passed with -f beside it:
/// served, so its artifact is kept and its build does not fail once the artifact exists.
#[test]
fn found_dockerfile_beside_others_with_sources_not_built_yet_is_served() {
    let env = TestEnv::new();
    env.file(
        "docker/Dockerfile.server",
        "FROM scratch\nCOPY dist/server/app /\n",
    )
    .file(
        "docker/Dockerfile.cli",
        "FROM scratch\nCOPY dist/cli/cli /\n",
    )
    .file("src/main.go", "package main")
    .file("Makefile", "all:\n");
    let s = suggest_and_write(&env, Some("docker/Dockerfile.server"), &opts());
    let served: Vec<&str> = s.served.iter().map(|(p, _)| p.as_str()).collect();
    assert_eq!(
        served,
        ["docker/Dockerfile.server", "docker/Dockerfile.cli"]
    );
    // The artifacts appear (`make`): both builds get theirs, and nothing else.
    env.file("dist/server/app", "s").file("dist/cli/cli", "c");
    for df in ["docker/Dockerfile.server", "docker/Dockerfile.cli"] {
        for sent in sent_both(&env, Some(df)) {
            assert!(
                sent.contains("dist/server/app")
                    && sent.contains("dist/cli/cli")
                    && !sent.contains("src/main.go"),
                "{df}: {sent:?}"
            );
        }
    }
}

/// A found Dockerfile whose named sources exist only beside it is not served, and the note
/// names them; beside a `COPY . .` it no longer says "none of its COPY sources exist", which is
/// false of a whole-context copy (deno_docker's `example/Dockerfile`: `COPY package.json .`,
/// then `COPY . .`).
#[test]
fn not_served_note_names_the_missing_sources() {
    let env = TestEnv::new();
    env.file("Dockerfile", "FROM alpine\nCOPY entry.sh /\n")
        .file("entry.sh", "#!/bin/sh\n")
        .file("example/package.json", "{}")
        .file("example/main.ts", "x")
        .file(
            "example/Dockerfile",
            "FROM denoland/deno\nCOPY package.json .\nRUN deno install\nCOPY . .\n",
        )
        .file("tools/Dockerfile", "FROM alpine\nCOPY build /usr/bin/\n")
        .file("tools/build", "b");
    let s = suggest_and_write(&env, None, &opts());
    let note = |df: &str| {
        s.notes
            .iter()
            .find(|n| n.starts_with(&format!("{df} (found in the context) not served")))
            .unwrap_or_else(|| panic!("{df}: {:?}", s.notes))
            .clone()
    };
    let ex = note("example/Dockerfile");
    assert!(!ex.contains("none of its COPY sources exist"), "{ex}");
    assert!(
        ex.contains("none of the sources it names (package.json) exist in this context (its `COPY .` (line 4) would copy any context)"),
        "{ex}"
    );
    let tools = note("tools/Dockerfile");
    assert!(
        tools.contains("none of the sources it names (build) exist in this context, so it is built with another one"),
        "{tools}"
    );
    // It says where they do exist, and what to run for that directory (jitsi/docker-jitsi-meet's
    // `base/Dockerfile`: `COPY rootfs /`, beside base/rootfs/).
    assert!(
        tools.ends_with(
            ": 1 of its 1 exist in tools/; run `ctxsize suggest tools` if that is its context"
        ),
        "{tools}"
    );
    assert!(
        ex.ends_with(
            ": 1 of its 1 exist in example/; run `ctxsize suggest example` if that is its context"
        ),
        "{ex}"
    );
}

/// A found `COPY . /src/app` Dockerfile in a subdirectory that names its own directory by its
/// path from the root (`COPY --from=build /src/app/cmd/cli/cli …`) is built with the root: served.
/// One that does not (a self-contained tool built with its own directory) is not.
#[test]
fn found_whole_context_dockerfile_naming_its_own_path_is_served() {
    let env = TestEnv::new();
    env.file("cmd/server/main.go", "package main")
        .file("cmd/cli/main.go", "package main")
        .file("pkg/lib.go", "package pkg")
        .file("Makefile", "cli:\n")
        .file("tools/gen/Dockerfile", "FROM node\nWORKDIR /app\nCOPY . .\nRUN npm install\n")
        .file("tools/gen/convert.js", "x")
        .file("Dockerfile", "FROM golang\nCOPY cmd/server /s\n")
        .file(
            "cmd/cli/Dockerfile",
            "FROM golang AS build\nCOPY . /src/app\nWORKDIR /src/app\nRUN make cli\nFROM scratch\nCOPY --from=build /src/app/cmd/cli/cli /cli\n",
        );
    let s = suggest_and_write(&env, None, &opts());
    let served: Vec<&str> = s.served.iter().map(|(p, _)| p.as_str()).collect();
    assert_eq!(served, ["Dockerfile", "cmd/cli/Dockerfile"]);
    assert!(
        s.notes
            .iter()
            .any(|n| n.starts_with("tools/gen/Dockerfile (found in the context) not served")),
        "{:?}",
        s.notes
    );
    for sent in sent_both(&env, Some("cmd/cli/Dockerfile")) {
        assert!(
            sent.contains("pkg/lib.go") && sent.contains("Makefile"),
            "{sent:?}"
        );
    }
}

/// A found Dockerfile with its own `<Dockerfile>.dockerignore` never reads the context's file
/// under BuildKit: it is not served, so its needs (the whole source tree of a dev image) do not
/// widen the strict allowlist of the release build beside it. Asked for with -f, it is.
#[test]
fn found_dockerfile_with_its_own_ignore_file_is_not_served() {
    let env = TestEnv::new();
    env.file("app-linux-amd64/app", "bin")
        .file("LICENSE", "l")
        .file("src/main.go", "package main")
        .file("go.mod", "module x")
        .file(
            "Dockerfile",
            "FROM scratch\nCOPY app-linux-amd64/app LICENSE /\n",
        )
        .file("Dockerfile.dev", "FROM golang\nCOPY go.mod ./\nCOPY . .\n")
        .file("Dockerfile.dev.dockerignore", "*.md\n")
        .file(".dockerignore", "*\n!app-linux-*\n!LICENSE\n");
    let s = suggest_and_write(&env, None, &opts());
    let served: Vec<&str> = s.served.iter().map(|(p, _)| p.as_str()).collect();
    assert_eq!(served, ["Dockerfile"]);
    assert!(
        s.notes.iter().any(
            |n| n.contains("Dockerfile.dev (found in the context) not served")
                && n.contains("Dockerfile.dev.dockerignore")
        ),
        "{:?}",
        s.notes
    );
    for sent in sent_both(&env, None) {
        assert!(
            sent.contains("app-linux-amd64/app") && !sent.contains("src/main.go"),
            "{sent:?}"
        );
    }
    // Named with -f, it is served (checked under the classic builder, which reads this file).
    let s = suggest(
        &env.config(Builder::Buildkit, None),
        &SuggestOptions {
            dockerfiles: vec!["Dockerfile".into(), "Dockerfile.dev".into()],
            ..opts()
        },
    )
    .expect("suggest");
    assert!(s.served.iter().any(|(p, _)| p == "Dockerfile.dev"));
}

/// hedgedoc: `--compose docker/docker-compose.yml`, whose services all run a prebuilt `image:`,
/// in a context with no root Dockerfile: the Compose file adds no build, so the Dockerfile found
/// in the context that is built with it is served, as without `--compose` (not an error whose
/// advice is to run it again without `--compose`, nor docker's bare "open Dockerfile"). With a
/// root Dockerfile, that one is served as before.
#[test]
fn compose_with_only_prebuilt_images_serves_what_is_found() {
    let env = TestEnv::new();
    env.file("backend/docker/Dockerfile", "FROM node\nCOPY . .\n")
        .file("backend/src/a.ts", "a")
        .file(
            "docker/docker-compose.yml",
            "services:\n  backend:\n    image: ghcr.io/x/backend\n  db:\n    image: postgres\n",
        );
    let o = SuggestOptions {
        compose: Some(Some(env.path("docker/docker-compose.yml"))),
        discover: true,
        ..SuggestOptions::default()
    };
    let s = suggest(&env.config(Builder::Buildkit, None), &o).expect("the found Dockerfile");
    assert_eq!(s.served[0].0, "backend/docker/Dockerfile");
    assert!(
        s.notes
            .iter()
            .any(|n| n
                .contains("no service has a `build` section (2 services run a prebuilt `image:`)")),
        "{:?}",
        s.notes
    );
    env.file("Dockerfile", "FROM node\nCOPY backend/src /src\n");
    let s = suggest(&env.config(Builder::Buildkit, None), &o).expect("the root Dockerfile");
    assert_eq!(s.served[0].0, "Dockerfile");
}

/// `--compose` run where no service builds (no root Dockerfile; the services build their own
/// directories): the error names the contexts the services do build, instead of "open
/// Dockerfile", which reads as if the compose file had not been read.
#[test]
fn compose_with_no_service_building_the_context_names_theirs() {
    let env = TestEnv::new();
    env.file("grafana/Dockerfile", "FROM g\nCOPY grafana.ini /g/\n")
        .file("grafana/grafana.ini", "g")
        .file("prom/Dockerfile", "FROM p\nCOPY prom.yml /p/\n")
        .file("prom/prom.yml", "p")
        .file(
            "compose.yaml",
            "services:\n  dash:\n    build: ./grafana\n  metrics:\n    build: ./prom\n  db:\n    image: postgres\n",
        );
    let o = SuggestOptions {
        compose: Some(None),
        ..SuggestOptions::default()
    };
    let e = suggest(&env.config(Builder::Buildkit, None), &o)
        .expect_err("no service builds the root: an error")
        .to_string();
    assert!(
        e.contains("grafana (dash)")
            && e.contains("prom (metrics)")
            && !e.contains("open Dockerfile"),
        "{e}"
    );
    // Run on a service's directory, it serves that service.
    let mut c = env.config(Builder::Buildkit, None);
    c.context = env.path("grafana");
    let s = suggest(&c, &o).expect("suggest on the service's context");
    assert_eq!(s.served[0].1, "default, compose service dash");
    // A context many services build (one image, 19 workers) is named with two of them, so the
    // command to run still fits the error line.
    let mut compose = String::from("services:\n  dash:\n    build: ./grafana\n");
    for k in 0..19 {
        compose.push_str(&format!(
            "  worker-consumer-number-{k}:\n    build:\n      context: ./prom\n"
        ));
    }
    env.file("compose.yaml", compose);
    let e = suggest(&env.config(Builder::Buildkit, None), &o)
        .expect_err("no service builds the root: an error")
        .to_string();
    assert!(
        e.contains("prom (19 services: worker-consumer-number-0, worker-consumer-number-1, …)")
            && !e.contains("worker-consumer-number-2,")
            && e.contains("DIR` with one of those")
            && e.chars().count() < 400,
        "{e}"
    );
}

/// No `-f` and no Dockerfile at the root: the Dockerfiles found in the context are served
/// alone, those the current ignore file excludes too (a `*` allowlist that does not list them,
/// a `**/Dockerfile` line): docker reads a Dockerfile whatever the ignore file says. Before,
/// plain `suggest .` stopped with docker's "open Dockerfile".
#[test]
fn found_dockerfiles_are_served_without_a_root_one_even_when_excluded() {
    let env = TestEnv::new();
    env.file(
        "container/builder.dockerfile",
        "FROM python\nCOPY requirements.txt ./\nCOPY ./app/ ./app/\n",
    )
    .file(
        "container/dist.dockerfile",
        "FROM python\nCOPY ./container/entrypoint.sh /\n",
    )
    .file("container/entrypoint.sh", "#!/bin/sh\n")
    .file("requirements.txt", "flask\n")
    .file("app/main.py", "x = 1\n")
    .file("docs/guide.md", "d\n")
    .dockerignore("*\n!container/entrypoint.sh\n!app/**\n!requirements*.txt\n");
    let s = suggest_and_write(&env, None, &opts());
    let served: Vec<(&str, &str)> = s
        .served
        .iter()
        .map(|(p, o)| (p.as_str(), o.as_str()))
        .collect();
    assert_eq!(
        served,
        [
            ("container/builder.dockerfile", "found in the context"),
            ("container/dist.dockerfile", "found in the context"),
        ]
    );
    assert!(
        s.notes
            .iter()
            .any(|n| n.contains("no Dockerfile at the context root and none given")),
        "{:?}",
        s.notes
    );
    for df in ["container/builder.dockerfile", "container/dist.dockerfile"] {
        for sent in sent_both(&env, Some(df)) {
            for f in ["app/main.py", "requirements.txt", "container/entrypoint.sh"] {
                assert!(sent.contains(f), "{df}: {f} not sent\n{}", s.text);
            }
            assert!(!sent.contains("docs/guide.md"), "{df}: {}", s.text);
        }
    }

    // A `**/Dockerfile` line, through the CLI: `--write` resolves the context the same way and
    // checks the backup.
    let env = TestEnv::new();
    env.file("deploy/Dockerfile", "FROM python\nCOPY src /src\n")
        .file("src/a.py", "a\n")
        .file("notes.txt", "n\n")
        .file(".git/HEAD", "ref: refs/heads/main\n")
        .dockerignore("**/Dockerfile\nnotes.txt\n");
    let o = env.run(["suggest", "--write", "."]);
    let err = text(&o.stderr);
    assert!(o.status.success(), "{err}");
    assert!(
        err.contains("serves    deploy/Dockerfile (found in the context)")
            && err.contains("  wrote ")
            && err.contains("does not send it")
            && !err.contains("open Dockerfile"),
        "{err}"
    );
    for sent in sent_both(&env, Some("deploy/Dockerfile")) {
        assert!(
            sent.contains("src/a.py") && !sent.contains("notes.txt"),
            "{sent:?}"
        );
    }

    // The classic builder (its own "unable to evaluate symlinks" error) is served the same way.
    let o = env.run(["suggest", "--builder", "classic", "--write", "."]);
    let err = text(&o.stderr);
    assert!(o.status.success(), "{err}");
    assert!(
        err.contains("serves    deploy/Dockerfile (found in the context)")
            && err.contains("no Dockerfile at the context root and none given")
            && !err.contains("evaluate symlinks"),
        "{err}"
    );
    for sent in sent_both(&env, Some("deploy/Dockerfile")) {
        assert!(
            sent.contains("src/a.py") && !sent.contains("notes.txt"),
            "{sent:?}"
        );
    }

    // None served (a tool built with its own directory): docker's error, with the note, under
    // either builder.
    let env = TestEnv::new();
    env.file("tools/gen/Dockerfile", "FROM node\nCOPY convert.js .\n")
        .file("tools/gen/convert.js", "x\n");
    let o = env.run(["suggest", "."]);
    let err = text(&o.stderr);
    assert_eq!(o.status.code(), Some(2), "{err}");
    assert!(
        err.contains("open Dockerfile") && err.contains("no Dockerfile at the context root"),
        "{err}"
    );
    let o = env.run(["suggest", "--builder", "classic", "."]);
    let err = text(&o.stderr);
    assert_eq!(o.status.code(), Some(2), "{err}");
    assert!(
        err.contains("unable to evaluate symlinks in Dockerfile path")
            && err.contains("no Dockerfile at the context root")
            && err.contains("tools/gen/Dockerfile"),
        "{err}"
    );
}

/// A found Dockerfile's sources that the current ignore file excludes at the root (a
/// developer's untracked `dist/` under `**/dist`) do not make it a build of the root: such a
/// build could not copy them today. The package's Dockerfile stays with its own directory, and
/// the root proposal does not keep that `dist/`.
#[test]
fn sources_the_ignore_file_excludes_do_not_pick_the_root_context() {
    let env = TestEnv::new();
    env.file("package.json", "{}\n")
        .file("web/index.js", "x\n")
        .file("dist/index.js", "built\n")
        .file("packages/sandbox/package.json", "{}\n")
        .file(
            "packages/sandbox/Dockerfile",
            "FROM node\nCOPY package.json ./package.json\nCOPY dist ./dist\n",
        )
        .file(
            "Dockerfile",
            "FROM node\nCOPY package.json ./\nCOPY web ./web\n",
        )
        .dockerignore("node_modules\n**/dist\n");
    let s = suggest_and_write(&env, None, &opts());
    let served: Vec<&str> = s.served.iter().map(|(p, _)| p.as_str()).collect();
    assert_eq!(served, ["Dockerfile"], "{:?}", s.notes);
    assert!(
        s.notes
            .iter()
            .any(|n| n.contains("packages/sandbox/Dockerfile")
                && n.contains("not counting dist, which the current ignore file excludes")),
        "{:?}",
        s.notes
    );
    for sent in sent_both(&env, None) {
        assert!(!sent.contains("dist/index.js"), "{}", s.text);
        assert!(sent.contains("web/index.js") && sent.contains("package.json"));
    }
    // Without the line, the root's `dist/` is a source there as before: served from the root.
    let env = TestEnv::new();
    env.file("package.json", "{}\n")
        .file("dist/index.js", "built\n")
        .file("packages/sandbox/package.json", "{}\n")
        .file(
            "packages/sandbox/Dockerfile",
            "FROM node\nCOPY package.json ./package.json\nCOPY dist ./dist\n",
        )
        .file("Dockerfile", "FROM node\nCOPY package.json ./\n");
    let s = suggest_and_write(&env, None, &opts());
    let served: Vec<&str> = s.served.iter().map(|(p, _)| p.as_str()).collect();
    assert_eq!(served, ["Dockerfile", "packages/sandbox/Dockerfile"]);
}

/// Where a found whole-context Dockerfile is built: a Compose file at the root that builds it
/// with its own directory (`build: ./api`) says so, and it is not served (that directory's own
/// ignore file applies); one the Compose file builds with the root is served. The image's own
/// path that ends like its directory (`COPY . /usr/src/worker` then `/usr/src/worker/run.sh`)
/// is not the context's `worker/`. With no root Dockerfile and none served, the error comes with
/// why each found one was not.
#[test]
fn found_dockerfiles_follow_the_compose_file_and_not_image_paths() {
    let env = TestEnv::new();
    env.file("api/Dockerfile", "FROM python\nCOPY . /app\n")
        .file("api/main.py", "x")
        .file(
            "worker/Dockerfile",
            "FROM python\nCOPY . /usr/src/worker\nRUN /usr/src/worker/run.sh\n",
        )
        .file("worker/run.sh", "x")
        .file("web/Dockerfile", "FROM node\nCOPY . /srv\n")
        .file("web/index.js", "x")
        .file("lib/shared.py", "x")
        .file(
            "compose.yaml",
            "services:\n  api:\n    build: ./api\n  web:\n    build:\n      context: .\n      dockerfile: web/Dockerfile\n",
        );
    let s = suggest_and_write(&env, None, &opts());
    let served: Vec<&str> = s.served.iter().map(|(p, _)| p.as_str()).collect();
    assert_eq!(served, ["web/Dockerfile"], "{:?}", s.notes);
    assert!(
        s.notes.iter().any(|n| n.starts_with(
            "api/Dockerfile (found in the context) not served: the Compose file builds it (service `api`) with the context api/"
        )),
        "{:?}",
        s.notes
    );
    assert!(
        s.notes
            .iter()
            .any(|n| n.starts_with("worker/Dockerfile (found in the context) not served")),
        "{:?}",
        s.notes
    );
    // Without the root build, none is served: docker's error, with the reasons.
    let env = TestEnv::new();
    env.file("api/Dockerfile", "FROM python\nCOPY . /app\n")
        .file("api/main.py", "x")
        .file("compose.yaml", "services:\n  api:\n    build: ./api\n");
    let out = env.run(["suggest", "."]);
    assert_eq!(out.status.code(), Some(2));
    let err = text(&out.stderr);
    assert!(
        err.contains("note: api/Dockerfile (found in the context) not served: the Compose file builds it (service `api`) with the context api/")
            && err.contains("run `ctxsize suggest api` for it")
            && err.contains("error: failed to read dockerfile: open Dockerfile"),
        "{err}"
    );
    // A named variant (`docker-compose.prod.yml`, for `docker compose -f`) says the same.
    let env = TestEnv::new();
    env.file("api/Dockerfile", "FROM python\nCOPY . /app\n")
        .file("api/main.py", "x")
        .file("Dockerfile", "FROM python\nCOPY lib /lib\n")
        .file("lib/shared.py", "x")
        .file(
            "docker-compose.prod.yml",
            "services:\n  api:\n    build: ./api\n",
        );
    let s = suggest_and_write(&env, None, &opts());
    let served: Vec<&str> = s.served.iter().map(|(p, _)| p.as_str()).collect();
    assert_eq!(served, ["Dockerfile"], "{:?}", s.notes);
    assert!(
        s.notes
            .iter()
            .any(|n| n.starts_with("api/Dockerfile (found in the context) not served: the Compose file builds it (service `api`) with the context api/")),
        "{:?}",
        s.notes
    );
}

/// A found Dockerfile that is not served gets no note on its stages the default build skips:
/// "hack/vendor.Dockerfile: stages … their sources are kept too" beside "hack/vendor.Dockerfile
/// … not served" contradicted itself (diun). A served one keeps its note.
#[test]
fn an_unserved_dockerfile_gets_no_stage_note() {
    let env = TestEnv::new();
    env.file(
        "Dockerfile",
        "FROM alpine AS test\nCOPY tests /tests\nFROM alpine\nCOPY app.sh /\n",
    )
    .file("app.sh", "echo hi\n")
    .file("tests/t.sh", "t")
    .file("hack/gen.sh", "go generate\n")
    .file(
        "hack/vendor.Dockerfile",
        "FROM golang AS vendored\nCOPY . .\nFROM scratch AS update\nCOPY --from=vendored /src /\nFROM golang\nRUN true\n",
    );
    let s = suggest_and_write(&env, None, &opts());
    assert!(
        s.notes
            .iter()
            .any(|n| n.starts_with("hack/vendor.Dockerfile (found in the context) not served")),
        "{:?}",
        s.notes
    );
    assert!(
        !s.notes
            .iter()
            .any(|n| n.starts_with("hack/vendor.Dockerfile: stage")),
        "{:?}",
        s.notes
    );
    assert!(
        s.notes
            .iter()
            .any(|n| n.starts_with("Dockerfile: stage test is not built by default")),
        "{:?}",
        s.notes
    );
}

/// Source code named like a Dockerfile variant (`dockerfile.go` of a Go package `dockerfile`,
/// livebook's `hubs/dockerfile.ex`) is not a Dockerfile: no "not served: … unknown instruction:
/// package" note. A `Dockerfile.go` that parses is served as a variant.
#[test]
fn source_code_named_dockerfile_gets_no_note() {
    let env = TestEnv::new();
    env.file("Dockerfile", "FROM alpine\nCOPY app.sh /\n")
        .file("app.sh", "echo hi\n")
        .file(
            "internal/provider/dockerfile/dockerfile.go",
            "package dockerfile\n\nfunc Parse() {}\n",
        )
        .file(
            "lib/hubs/dockerfile.ex",
            "defmodule Hubs.Dockerfile do\nend\n",
        )
        .file("build/Dockerfile.go", "FROM golang\nCOPY cmd /src/cmd\n")
        .file("cmd/main.go", "package main\n");
    let s = suggest_and_write(&env, None, &opts());
    assert!(
        !s.notes
            .iter()
            .any(|n| n.contains("dockerfile.go") || n.contains("dockerfile.ex")),
        "{:?}",
        s.notes
    );
    let served: Vec<&str> = s.served.iter().map(|(p, _)| p.as_str()).collect();
    assert_eq!(
        served,
        ["Dockerfile", "build/Dockerfile.go"],
        "{:?}",
        s.notes
    );
}

/// A found Dockerfile whose source exists nowhere yet, but whose directory exists below a
/// directory above the Dockerfile (not at the root), is built with that directory: not served
/// (docker/cli's `e2e/testdata/engine/Dockerfile` copies `registry/certs/ca.crt`, which a test
/// script writes into `e2e/testdata/registry/certs/`; here below `e2e/images/`, as a
/// `testdata/` one is not served as a test fixture before this rule is asked). One whose
/// source's directory exists nowhere stays served (a binary `make` writes under `dist/` first).
#[test]
fn a_missing_source_whose_directory_is_in_a_parent_dir_is_not_served_with_the_root() {
    let env = TestEnv::new();
    env.file("Dockerfile", "FROM alpine\nCOPY app.sh /\n")
        .file("app.sh", "echo hi\n")
        .file(
            "e2e/images/engine/Dockerfile",
            "FROM docker:dind\nCOPY registry/certs/ca.crt /usr/local/share/ca-certificates/\n",
        )
        .file("e2e/images/registry/certs/gen.sh", "openssl req\n")
        .file(
            "docker/Dockerfile.cli",
            "FROM scratch\nCOPY dist/cli/cli /\n",
        );
    let s = suggest_and_write(&env, None, &opts());
    let served: Vec<&str> = s.served.iter().map(|(p, _)| p.as_str()).collect();
    assert_eq!(
        served,
        ["Dockerfile", "docker/Dockerfile.cli"],
        "{:?}",
        s.notes
    );
    assert!(
        s.notes.iter().any(
            |n| n.starts_with("e2e/images/engine/Dockerfile (found in the context) not served")
        ),
        "{:?}",
        s.notes
    );
    assert!(!s.text.contains("registry/certs"), "{}", s.text);
}

/// A found Dockerfile that a root bake file builds with the root as the context is served, as
/// one a root Compose file builds so (diun, docker/cli: `target "lint" { dockerfile =
/// "./hack/lint.Dockerfile" }`). Its sources also exist beside it, which alone had it taken for
/// a build of its own directory: the proposal then excluded the root file `bake lint` copies.
#[test]
fn a_dockerfile_a_bake_target_builds_with_the_root_is_served() {
    let env = TestEnv::new();
    env.file("Dockerfile", "FROM alpine\nCOPY app.sh /\n")
        .file("app.sh", "echo hi\n")
        .file(".golangci.yml", "linters: {}\n")
        .file("hack/.golangci.yml", "linters: {}\n")
        .file("hack/lint.sh", "golangci-lint run\n")
        .file(
            "hack/lint.Dockerfile",
            "FROM golangci/golangci-lint\nCOPY .golangci.yml /src/\n",
        )
        .file(
            "docker-bake.hcl",
            "group \"default\" {\n  targets = [\"image\"]\n}\n\ntarget \"image\" {}\n\ntarget \"lint\" {\n  dockerfile = \"./hack/lint.Dockerfile\"\n}\n",
        );
    let s = suggest_and_write(&env, None, &opts());
    let served: Vec<&str> = s.served.iter().map(|(p, _)| p.as_str()).collect();
    assert_eq!(
        served,
        ["Dockerfile", "hack/lint.Dockerfile"],
        "{:?}",
        s.notes
    );
    for sent in sent_both(&env, Some("hack/lint.Dockerfile")) {
        assert!(sent.contains(".golangci.yml"), "{}", s.text);
    }
}
