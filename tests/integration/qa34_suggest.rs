//! Rules corrected by qa34: a stage built `FROM` an ONBUILD image (jupyterhub's
//! `examples/postgres/hub`, `FROM jupyter/jupyterhub-onbuild`, whose image runs `ONBUILD COPY
//! jupyterhub_config.py …`); a file a `RUN` step tests for in the tree `COPY .` put into the
//! image (getsentry/self-hosted's `sentry/Dockerfile` and its optional `enhance-image.sh`); a
//! found Dockerfile that copies nothing, built with the root by the root Compose file
//! (BookStack's `dev/docker/Dockerfile`).

use crate::util::{text, TestEnv};

/// jupyterhub `examples/postgres/hub/Dockerfile` is the single line `FROM
/// jupyter/jupyterhub-onbuild`: the image's own trigger copies `jupyterhub_config.py` from the
/// context. suggest used to propose `*` alone and say "proven", which fails that build; the
/// stage now counts as reaching the whole context, like `COPY . .`, and the summary says why.
#[test]
fn a_stage_from_an_onbuild_image_keeps_the_whole_context() {
    let env = TestEnv::new();
    env.file("Dockerfile", "FROM jupyter/jupyterhub-onbuild\n")
        .file("jupyterhub_config.py", "c = get_config()\n")
        .file("userlist", "admin\n");
    let o = env.run(["suggest", "--write"]);
    let err = text(&o.stderr);
    assert_eq!(o.status.code(), Some(0), "{err}");
    let written = std::fs::read_to_string(env.ctx().join(".dockerignore")).unwrap();
    for keep in ["!jupyterhub_config.py", "!userlist"] {
        assert!(
            written.lines().any(|l| l == keep),
            "{keep}\n{written}\n{err}"
        );
    }
    assert!(
        err.lines().any(|l| l.contains(
            "warning: Dockerfile: FROM jupyter/jupyterhub-onbuild (line 1) is an ONBUILD image"
        )),
        "{err}"
    );
    for b in ["buildkit", "classic"] {
        let list = text(&env.run(["list", "--builder", b, "."]).stdout);
        assert!(
            list.lines().any(|l| l == "jupyterhub_config.py"),
            "{b}: {list}\n{written}"
        );
    }
    // The report counts the whole context as reached, and says why.
    let o = env.run(["--format", "json", "."]);
    let j: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(j["transfer_whole_context"], true, "{j}");
    assert!(
        j["notes"]
            .as_array()
            .unwrap()
            .iter()
            .any(|n| n.as_str().unwrap().contains("is an ONBUILD image")),
        "{j}"
    );
}

/// The rule reads the image's last path component: `node:8-onbuild` and `golang:onbuild` are
/// ONBUILD images; an organisation or registry named so (`onbuild/tools`), a stage of this
/// Dockerfile named so, and a plain image are not.
#[test]
fn only_an_image_named_onbuild_counts() {
    let cases = [
        ("FROM node:8-onbuild\n", true),
        (
            "FROM golang:onbuild AS b\nFROM scratch\nCOPY --from=b /go/bin/app /\n",
            true,
        ),
        ("FROM onbuild/tools:1\nCOPY app.py /\n", false),
        (
            "FROM python:3 AS onbuild\nCOPY app.py /\nFROM onbuild\n",
            false,
        ),
        ("FROM python:3\nCOPY app.py /\n", false),
    ];
    for (df, whole) in cases {
        let env = TestEnv::new();
        env.file("Dockerfile", df)
            .file("app.py", "print(1)\n")
            .file("notes.md", "x\n");
        let o = env.run(["--format", "json", "."]);
        let j: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
        assert_eq!(j["transfer_whole_context"], whole, "{df}\n{j}");
    }
}

/// getsentry/self-hosted `sentry/Dockerfile`: `COPY . /usr/src/sentry`, then `RUN if [ -s
/// /usr/src/sentry/enhance-image.sh ]; then …; fi`. The user creates `enhance-image.sh` (from
/// `enhance-image.example.sh`) to customise the image. The `COPY . .` allowlist listed only the
/// top-level entries of today, so once created the script was not sent and the step skipped it
/// silently. A tested path below a whole-context copy is kept, relative ones through `WORKDIR`
/// too; a protective name (`.env`) and a path after a `cd` are not.
#[test]
fn a_file_a_run_step_tests_for_in_the_copied_tree_is_kept() {
    let env = TestEnv::new();
    env.file(
        "Dockerfile",
        "FROM python:3\nCOPY . /usr/src/sentry\n\
         RUN if [ -s /usr/src/sentry/enhance-image.sh ]; then /usr/src/sentry/enhance-image.sh; fi\n\
         WORKDIR /usr/src/sentry\n\
         RUN test -f requirements.txt && pip install -r requirements.txt\n\
         RUN [ -f .env ] && cp .env /etc/app.env || true\n\
         RUN cd /tmp && [ -f later.txt ] || true\n",
    )
    .file("enhance-image.example.sh", "#!/bin/sh\n")
    .file("entrypoint.sh", "#!/bin/sh\n");
    let o = env.run(["suggest", "--write"]);
    let err = text(&o.stderr);
    assert_eq!(o.status.code(), Some(0), "{err}");
    let written = std::fs::read_to_string(env.ctx().join(".dockerignore")).unwrap();
    for keep in ["!enhance-image.sh", "!requirements.txt"] {
        assert!(
            written.lines().any(|l| l == keep),
            "{keep}\n{written}\n{err}"
        );
    }
    for not in ["!.env", "!later.txt"] {
        assert!(!written.lines().any(|l| l == not), "{not}\n{written}");
    }
    assert!(
        err.contains("a RUN step (line 3) tests for `/usr/src/sentry/enhance-image.sh`"),
        "{err}"
    );
    // Once the user creates them, both builders send them; a developer's .env stays out.
    env.file("enhance-image.sh", "#!/bin/sh\npip install x\n")
        .file("requirements.txt", "x\n")
        .file(".env", "K=v\n");
    for b in ["buildkit", "classic"] {
        let list = text(&env.run(["list", "--builder", b, "."]).stdout);
        for f in ["enhance-image.sh", "requirements.txt"] {
            assert!(list.lines().any(|l| l == f), "{b} {f}: {list}\n{written}");
        }
        assert!(!list.lines().any(|l| l == ".env"), "{b}: {list}");
    }
}

/// BookStack: no root Dockerfile; the root `docker-compose.yml` builds `dev/docker/Dockerfile`
/// (FROM and RUN lines only) with `context: .`, sending the whole checkout for nothing. suggest
/// used to drop it as "copies nothing" before reading the Compose file, then stop with docker's
/// "open Dockerfile"; the Compose file decides first (as for a Dockerfile that copies
/// something), so it is served and the proposal is `*` alone.
#[test]
fn a_dockerfile_that_copies_nothing_built_with_the_root_by_compose_is_served() {
    let env = TestEnv::new();
    env.file(
        "docker-compose.yml",
        "services:\n  app:\n    build:\n      context: .\n      dockerfile: ./dev/docker/Dockerfile\n",
    )
    .file("dev/docker/Dockerfile", "FROM php:8.3-apache\nRUN a2enmod rewrite\n")
    .file("app/index.php", "<?php\n")
    .file("README.md", "x\n");
    let o = env.run(["suggest"]);
    let err = text(&o.stderr);
    assert_eq!(o.status.code(), Some(0), "{err}");
    let out = text(&o.stdout);
    let lines: Vec<&str> = out
        .lines()
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .collect();
    assert_eq!(lines, vec!["*"], "{out}\n{err}");
    assert!(
        err.contains("serves    dev/docker/Dockerfile (found in the context)"),
        "{err}"
    );
    // Without the Compose file it is still left out, as before.
    std::fs::remove_file(env.ctx().join("docker-compose.yml")).unwrap();
    let o = env.run(["suggest"]);
    let err = text(&o.stderr);
    assert_eq!(o.status.code(), Some(2), "{err}");
    assert!(err.contains("copies nothing from a build context"), "{err}");
}

/// `ctxsize compose` (as `ctxsize bake`) names a context directory `compose` that does not
/// exist: exit 2 as before, and the hint points at `--compose` instead of only asking for a
/// directory. A directory really named `compose` is a context like any other.
#[test]
fn ctxsize_compose_points_at_the_flag() {
    let env = TestEnv::new();
    env.file("Dockerfile", "FROM scratch\n");
    let o = env.run_in(env.ctx(), ["compose"]);
    let err = text(&o.stderr);
    assert_eq!(o.status.code(), Some(2), "{err}");
    assert!(err.contains("`ctxsize --compose [FILE] [DIR]`"), "{err}");
    env.file("compose/Dockerfile", "FROM scratch\n");
    let o = env.run_in(env.ctx(), ["compose"]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
}
