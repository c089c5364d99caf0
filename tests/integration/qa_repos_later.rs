//! Rules corrected after QA passes on real repositories, continued from `qa_repos` (secrets
//! by name and content, variable sources, carried user lines, dotenv files the build reads),
//! each as a small synthetic tree of the same shape. Continued in `qa_repos_carry`.

use serde_json::Value;

use super::qa_repos::{lint_findings, lint_json, one_di003_without_fix};
use crate::util::{assert_sends, suggest, text, TestEnv};

/// discourse_docker: `ADD nginx_public_keys.key`, `yarn-pubkey.gpg.key`,
/// `nodesource-repo.gpg.key` are PGP public keys an apt repository is verified with: named like
/// a private key, but the content says public, so no finding (a high "revoke it" before); a
/// `.key` holding a private key stays high; without the content scan the name decides. suggest's
/// notes do the same.
#[test]
fn a_key_file_holding_only_a_public_key_is_not_a_secret() {
    let env = TestEnv::new();
    let public = "# the maintainer's PGP public key\n-----BEGIN PGP PUBLIC KEY BLOCK-----\n\nmQINBGYXyiQBEADMq\n-----END PGP PUBLIC KEY BLOCK-----\n";
    env.file(
        "Dockerfile",
        "FROM debian\nADD yarn-pubkey.gpg.key /tmp/\nADD ca.pem /tmp/\nCOPY app.key /etc/\n",
    )
    .file("yarn-pubkey.gpg.key", public)
    .file(
        "ca.pem",
        "-----BEGIN CERTIFICATE-----\nMIIBszCCAVmgAwIBAgIU\n-----END CERTIFICATE-----\n",
    )
    .file(
        "app.key",
        "-----BEGIN EC PRIVATE KEY-----\nMHcCAQEEIBkg4LVWM9nuwNSk3yBD\n-----END EC PRIVATE KEY-----\n",
    );
    let secrets = |args: &[&str]| -> Vec<String> {
        let mut a = vec!["--format", "json"];
        a.extend_from_slice(args);
        let o = env.run(&a);
        let v: Value = serde_json::from_slice(&o.stdout).expect("report JSON");
        v["findings"]
            .as_array()
            .expect("findings")
            .iter()
            .filter(|f| f["category"] == "secret")
            .map(|f| {
                format!(
                    "{} {}",
                    f["path"].as_str().unwrap(),
                    f["severity"].as_str().unwrap()
                )
            })
            .collect()
    };
    assert_eq!(secrets(&[]), ["app.key high"]);
    let named = secrets(&["--no-content-scan"]);
    assert!(
        named.iter().any(|f| f.starts_with("yarn-pubkey.gpg.key ")),
        "{named:?}"
    );
    let (code, _, err) = suggest(&env, &[]);
    assert_eq!(code, Some(0), "{err}");
    assert!(!err.contains("kept yarn-pubkey.gpg.key"), "{err}");
    assert!(!err.contains("kept ca.pem"), "{err}");
}

/// hoppscotch: direnv `.envrc` files that only `source_url …` and `use devenv` were medium
/// "tool config that stores credentials" secrets. As for a `*.env` file, the content decides:
/// one that exports a secret-looking value stays a secret; suggest's notes agree.
#[test]
fn a_direnv_file_without_a_secret_is_not_a_secret() {
    let env = TestEnv::new();
    env.file("Dockerfile", "FROM rust\nCOPY . /src\n")
        .file(
            "relay/.envrc",
            "source_url \"https://raw.githubusercontent.com/cachix/devenv/x/direnvrc\" \"sha256-7u4=\"\n\nuse devenv\n",
        )
        .file("agent/.envrc", "use flake\nexport API_TOKEN=Zq8xv2LmR4tY7wPz\n")
        .file("relay/main.rs", "fn main() {}\n");
    let o = env.run(["--format", "json"]);
    let v: Value = serde_json::from_slice(&o.stdout).expect("report JSON");
    let secrets: Vec<&str> = v["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .filter(|f| f["category"] == "secret")
        .map(|f| f["path"].as_str().unwrap())
        .collect();
    assert_eq!(secrets, ["agent/.envrc"], "{v:#}");
    let (code, _, err) = suggest(&env, &[]);
    assert_eq!(code, Some(0), "{err}");
    assert!(!err.contains("kept relay/.envrc"), "{err}");
    assert!(err.contains("kept agent/.envrc"), "{err}");
}

/// monica: `.env.example.sail` is Laravel Sail's template (`DB_PASSWORD=password`), named
/// `.env.<template word>.<tool>`: no dotenv finding, and suggest keeps it; `.env.ci.mysql`
/// stays a dotenv file.
#[test]
fn an_env_template_for_one_tool_is_not_a_secret() {
    let env = TestEnv::new();
    env.file("Dockerfile", "FROM php\nCOPY . /var/www\n")
        .file(".env.example.sail", "APP_KEY=\nDB_PASSWORD=password\n")
        .file(".env.ci.mysql", "DB_PASSWORD=Zq8xv2LmR4tY7wPz\n")
        .file("index.php", "<?php\n");
    let o = env.run(["--format", "json"]);
    let v: Value = serde_json::from_slice(&o.stdout).expect("report JSON");
    let secrets: Vec<&str> = v["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .filter(|f| f["category"] == "secret")
        .map(|f| f["path"].as_str().unwrap())
        .collect();
    assert_eq!(secrets, [".env.ci.mysql"], "{v:#}");
    let (code, out, err) = suggest(&env, &[]);
    assert_eq!(code, Some(0), "{err}");
    assert!(out.contains("\n!.env.example.sail\n"), "{out}");
    assert!(!out.contains("\n.env.example.sail\n"), "{out}");
    assert!(!out.contains("!.env.ci.mysql"), "{out}");
}

/// minio: `COPY ./minio-${TARGETARCH}.${RELEASE}` is evaluated once per platform; the warning
/// about the unset `RELEASE` was printed once per evaluation (3 times). It now keeps the
/// component glob `!app-*.*` rather than every top-level entry.
#[test]
fn an_unresolved_source_evaluated_per_platform_is_warned_once() {
    let env = TestEnv::new();
    env.file(
        "Dockerfile",
        "FROM alpine\nARG TARGETARCH\nARG RELEASE\nCOPY ./app-${TARGETARCH}.${RELEASE} /usr/bin/app\n",
    )
    .file("app-amd64.1", "x\n");
    let (code, _, err) = suggest(&env, &[]);
    assert_eq!(code, Some(0), "{err}");
    assert_eq!(err.matches("uses an ARG with no value").count(), 1, "{err}");
    assert_eq!(
        err.matches("uses an ARG with no value: keeping `!app-*.*`")
            .count(),
        1,
        "{err}"
    );
}

/// full-stack-fastapi-template: `backend/Dockerfile` copies `./backend/app`, `uv.lock`,
/// `frontend/…`: it is built from the repository root. Run in `backend/`, suggest says so
/// first (the file it proposes is not the one that build reads); in the root it does not.
#[test]
fn a_dockerfile_built_from_a_parent_directory_is_said_to_be() {
    let env = TestEnv::new();
    env.file(
        "backend/Dockerfile",
        "FROM python\nCOPY uv.lock ./\nCOPY ./backend/app /app/backend/app\nCOPY ./backend/pyproject.toml /app/backend/\nRUN --mount=type=bind,source=pyproject.toml,target=pyproject.toml true\n",
    )
    .file("uv.lock", "x\n")
    .file("pyproject.toml", "[project]\n")
    .file("backend/pyproject.toml", "[project]\n")
    .file("backend/app/main.py", "print()\n");
    let o = env.run_in(&env.path("backend"), ["suggest", "."]);
    let err = text(&o.stderr);
    assert_eq!(o.status.code(), Some(0), "{err}");
    assert!(
        err.contains(
            "  warning: only 1 of the 4 source(s) Dockerfile copies exist in this context, 4 in "
        ),
        "{err}"
    );
    assert!(
        err.contains(" (..): the Dockerfile is likely built with that directory as the context"),
        "{err}"
    );
    let o = env.run(["suggest", "-f", "backend/Dockerfile", "."]);
    let err = text(&o.stderr);
    assert_eq!(o.status.code(), Some(0), "{err}");
    assert!(
        !err.contains("is likely built with that directory"),
        "{err}"
    );
}

/// A PHP app's `docker/php/Dockerfile` copies `entrypoint.sh` and `config/`, which sit beside
/// it (its Compose file builds it with `context: docker/php`). `suggest -f docker/php/Dockerfile`
/// in the repository root proposed `*`, `!config`, `!entrypoint.sh` for the root with no word
/// that this build never reads the root's file; it now says so first. With the sources at the
/// root too, nothing is said.
#[test]
fn a_dockerfile_built_from_its_own_directory_is_said_to_be() {
    let env = TestEnv::new();
    env.file(
        "docker/php/Dockerfile",
        "FROM php:8.2-fpm\nCOPY entrypoint.sh /entrypoint.sh\nCOPY config/ /opt/app/config/\n",
    )
    .file("docker/php/entrypoint.sh", "#!/bin/sh\n")
    .file("docker/php/config/php.ini", "memory_limit=1G\n")
    .file(
        "compose.yaml",
        "services:\n  php:\n    build:\n      context: docker/php\n",
    )
    .file("composer.json", "{}\n")
    .file("src/App.php", "<?php\n");
    let o = env.run(["suggest", "-f", "docker/php/Dockerfile", "."]);
    let err = text(&o.stderr);
    assert_eq!(o.status.code(), Some(0), "{err}");
    assert!(
        err.contains("  warning: none of the 2 source(s) docker/php/Dockerfile copies exist in this context, 2 in docker/php/ beside it: the Dockerfile is likely built with that directory as the context (`docker build docker/php`"),
        "{err}"
    );
    env.file("entrypoint.sh", "#!/bin/sh\n")
        .file("config/app.ini", "x=1\n");
    let o = env.run(["suggest", "-f", "docker/php/Dockerfile", "."]);
    let err = text(&o.stderr);
    assert_eq!(o.status.code(), Some(0), "{err}");
    assert!(
        !err.contains("is likely built with that directory"),
        "{err}"
    );
}

/// A Node app's own allowlist (`*`, `!src`, …, `!docs`, `!docker/index.js`) for a `COPY . /app`
/// is carried as it is; its exceptions for paths that are gone were listed as left out because
/// "the keep lines send what the build uses", though the proposal has no keep lines of its own.
/// They now say they match nothing today; one for a top-level name (`!docs`) is carried, so that
/// entry is sent once it exists (qa31).
#[test]
fn a_carried_allowlists_dead_exceptions_are_said_to_match_nothing() {
    let env = TestEnv::new();
    env.file(
        "Dockerfile",
        "FROM node:22\nCOPY . /app\nRUN pnpm install --frozen-lockfile\n",
    )
    .dockerignore("*\n!src\n!package.json\n!docs\n!docker/index.js\n")
    .file("src/index.ts", "export {};\n")
    .file("package.json", "{}\n")
    .file("docker/local/Dockerfile", "FROM postgres\n");
    let o = env.run(["suggest", "."]);
    let err = text(&o.stderr);
    assert_eq!(o.status.code(), Some(0), "{err}");
    assert!(
        err.contains("`!docker/index.js`: an exception that matches nothing in the context today"),
        "{err}"
    );
    assert!(
        text(&o.stdout).lines().any(|l| l == "!docs") && !err.contains("`!docs`"),
        "{err}"
    );
    assert!(
        !err.contains("the keep lines send what the build uses"),
        "{err}"
    );
}

/// spring-petclinic-microservices: `docker/Dockerfile` is built with each module's `target/` as
/// the context (`COPY ${ARTIFACT_NAME}.jar`). Its own `Dockerfile.dockerignore` would apply to
/// every one of those builds, with this context's jar name: not offered. A Dockerfile inside
/// the context is still offered one.
#[test]
fn a_dockerfile_outside_the_context_is_not_offered_its_own_ignore_file() {
    let env = TestEnv::new();
    env.file(
        "docker/Dockerfile",
        "FROM eclipse-temurin:17\nARG ARTIFACT_NAME\nCOPY ${ARTIFACT_NAME}.jar application.jar\n",
    )
    .file("api-gateway/target/api-gateway-3.4.1.jar", "PK\n")
    .file("api-gateway/target/classes/A.class", "c\n")
    .file(
        "api-gateway/target/docker/app.Dockerfile",
        "FROM scratch\nCOPY classes /c\n",
    );
    let o = env.run_in(
        &env.path("docker"),
        [
            "suggest",
            "-f",
            "Dockerfile",
            "--build-arg",
            "ARTIFACT_NAME=api-gateway-3.4.1",
            "--no-discover",
            "../api-gateway/target",
        ],
    );
    let err = text(&o.stderr);
    assert_eq!(o.status.code(), Some(0), "{err}");
    assert!(
        text(&o.stdout).contains("\n!api-gateway-3.4.1.jar\n"),
        "{}",
        text(&o.stdout)
    );
    assert!(!err.contains("or write it to"), "{err}");
    let o = env.run_in(
        &env.path("api-gateway/target"),
        ["suggest", "-f", "docker/app.Dockerfile", "."],
    );
    let err = text(&o.stderr);
    assert_eq!(o.status.code(), Some(0), "{err}");
    assert!(err.contains("or write it to"), "{err}");
}

/// A planted `aws.secretKey=…` in a Spring module's `classes/application-local.properties`
/// (spring-petclinic-microservices' `target/` context) was missed: the secret half of an AWS
/// key pair, without its `AKIA…` ID nearby, had no signature. AWS's documentation key
/// (`…EXAMPLEKEY`) and a variable reference are not secrets.
#[test]
fn an_aws_secret_access_key_alone_is_found() {
    let env = TestEnv::new();
    // Assembled so that no key-like literal is in the source.
    let secret = ["wJalrXUtnFEMI", "/K7MDENG/", "bPxRfiCYzq", "Jm4Lw8Vt"].concat();
    let doc = ["wJalrXUtnFEMI", "/K7MDENG/", "bPxRfiCY", "EXAMPLEKEY"].concat();
    env.file("Dockerfile", "FROM scratch\nCOPY . /\n")
        .file(
            "classes/application-local.properties",
            format!("server.port=8080\naws.secretKey={secret}\n"),
        )
        .file("docs/aws.md", format!("aws_secret_access_key = {doc}\n"))
        .file("deploy.sh", "export AWS_SECRET_ACCESS_KEY=${AWS_SECRET}\n");
    let o = env.run(["--format", "json"]);
    let v: Value = serde_json::from_slice(&o.stdout).expect("report JSON");
    let secrets: Vec<String> = v["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .filter(|f| f["category"] == "secret")
        .map(|f| {
            format!(
                "{} {} {}",
                f["path"].as_str().unwrap(),
                f["rule"],
                f["line"]
            )
        })
        .collect();
    assert_eq!(
        secrets,
        ["classes/application-local.properties \"CTX168\" 2"],
        "{v:#}"
    );
    assert!(
        !text(&o.stdout).contains(&secret),
        "the secret is never printed"
    );
}

/// smallstep/certificates: `examples/**/secrets/*_key` are the CA keys of a demo setup. Keys in
/// an examples directory are graded low and labelled, as test fixtures are; the same key
/// elsewhere stays high.
#[test]
fn a_key_in_an_examples_directory_is_low_and_labelled() {
    let key = format!(
        "-----BEGIN EC {} KEY-----\n{}\n{}\n-----END EC {} KEY-----\n",
        "PRIVATE",
        "MHcCAQEEIBf3qLk9Zx2Vb7Nw4Rt8Ys6Pm1Qa5Hc3Ud0Je7Kf9oAoGCCqGSM49AwEHoU",
        "QDQgAEx7Lm2Nq4Rv8Ts1Wy6Zb3Hd9Jf5Kg0Lh7Mj2Nk4Pl8Qm1Rn5Sp3Tq6Vr9Ws==",
        "PRIVATE"
    );
    let env = TestEnv::new();
    env.file("Dockerfile", "FROM alpine\nCOPY . /app\n")
        .file("examples/basic/secrets/root_ca_key", &key)
        .file("config/root_ca_key", &key);
    let o = env.run(["--format", "json", "."]);
    let v: Value = serde_json::from_slice(&o.stdout).expect("report JSON");
    let sev = |p: &str| -> (String, String) {
        let f = v["findings"]
            .as_array()
            .unwrap()
            .iter()
            .find(|f| f["category"] == "secret" && f["path"] == p)
            .unwrap_or_else(|| panic!("no secret at {p}: {v:#}"));
        (
            f["severity"].as_str().unwrap().to_string(),
            f["message"].as_str().unwrap().to_string(),
        )
    };
    let (s, m) = sev("examples/basic/secrets/root_ca_key");
    assert_eq!(s, "low", "{m}");
    assert!(m.contains("examples directory"), "{m}");
    assert_eq!(sev("config/root_ca_key").0, "high");
}

/// node_exporter (and every Prometheus exporter): `COPY .build/${OS}-${ARCH}/node_exporter`
/// with `ARG ARCH="amd64"`, built once per architecture with `--build-arg ARCH=…`. The file
/// serves this build (the default value), and a warning names the line that serves every
/// value under both builders (`!.build`); that line does send the arm64 binary too.
#[test]
fn a_source_with_build_arg_values_names_the_line_for_every_value() {
    let env = TestEnv::new();
    env.file(
        "Dockerfile",
        "ARG ARCH=\"amd64\"\nARG OS=\"linux\"\nFROM busybox\nARG ARCH=\"amd64\"\nARG OS=\"linux\"\nCOPY .build/${OS}-${ARCH}/node_exporter /bin/node_exporter\n",
    )
    .file(".build/linux-amd64/node_exporter", "amd64\n")
    .file(".build/linux-arm64/node_exporter", "arm64\n")
    .file("main.go", "package main\n");
    let (code, _, err) = suggest(&env, &["--write"]);
    assert_eq!(code, Some(0), "{err}");
    let warns: Vec<&str> = err
        .lines()
        .filter(|l| l.contains("fails with \"not found\" unless you add `!.build` "))
        .collect();
    assert_eq!(warns.len(), 1, "{err}");
    assert!(warns[0].contains("(line 6)"), "{err}");
    let mut written = std::fs::read_to_string(env.path(".dockerignore")).unwrap();
    written.push_str("!.build\n");
    env.dockerignore(&written);
    for b in ["buildkit", "classic"] {
        let sent = text(&env.run(["list", "--builder", b, "."]).stdout);
        for arch in ["amd64", "arm64"] {
            let p = format!(".build/linux-{arch}/node_exporter");
            assert!(sent.lines().any(|l| l == p), "{b} {arch}: {sent}");
        }
        assert!(!sent.lines().any(|l| l == "main.go"), "{b}: {sent}");
    }
}

/// maybe (Rails): `/log/*` then `!/log/.keep` (and the same for `tmp`, `storage`). On a fresh
/// checkout the line matches only the `.keep` its exception sends again, so it excludes nothing
/// today; it is still carried, with its exception, so the log, cache and SQLite database a
/// local run writes there later stay out while the `.keep` files still go.
#[test]
fn a_line_whose_matches_a_later_exception_sends_again_is_carried() {
    let env = TestEnv::new();
    env.file("Dockerfile", "FROM ruby\nCOPY . /rails\n")
        .file("Gemfile", "source 'x'\n")
        .file("app/models/user.rb", "class User; end\n")
        .file("log/.keep", "")
        .file("tmp/.keep", "")
        .file("storage/.keep", "")
        .dockerignore(
            "/.git/\n/log/*\n/tmp/*\n!/log/.keep\n!/tmp/.keep\n/storage/*\n!/storage/.keep\n",
        );
    let (code, _, err) = suggest(&env, &["--write"]);
    assert_eq!(code, Some(0), "{err}");
    let written = std::fs::read_to_string(env.path(".dockerignore")).unwrap();
    env.file("log/development.log", "GET /\n")
        .file("tmp/cache/bootsnap/x", "c\n")
        .file("storage/development.sqlite3", "db\n");
    assert_sends(
        &env,
        &[
            "Gemfile",
            "app/models/user.rb",
            "log/.keep",
            "tmp/.keep",
            "storage/.keep",
        ],
        &[
            "log/development.log",
            "tmp/cache/bootsnap/x",
            "storage/development.sqlite3",
        ],
        &written,
    );
}

/// A Rails tree after a local run: `/tmp/*` matches only an empty directory (puma's
/// `tmp/sockets`) besides the directories whose `.keep` later exceptions send again, and a
/// nested pair (`/tmp/pids/*`, `!/tmp/pids/.keep`) re-includes a `.keep` the outer line already
/// excluded. Both lines are carried, with their exceptions: no warning, the `.keep` files still
/// go, and what a later run writes under `tmp/` stays out.
#[test]
fn a_line_matching_an_empty_directory_and_nested_exceptions_are_carried() {
    let env = TestEnv::new();
    env.file("Dockerfile", "FROM ruby\nCOPY . /rails\n")
        .file("Gemfile", "source 'x'\n")
        .file("app/models/user.rb", "class User; end\n")
        .file("tmp/.keep", "")
        .file("tmp/pids/.keep", "")
        .dir("tmp/sockets")
        .dockerignore("/tmp/*\n!/tmp/.keep\n\n/tmp/pids/*\n!/tmp/pids/.keep\n");
    let (code, _, err) = suggest(&env, &["--write"]);
    assert_eq!(code, Some(0), "{err}");
    assert!(!err.contains("not carried over"), "{err}");
    let written = std::fs::read_to_string(env.path(".dockerignore")).unwrap();
    for l in ["/tmp/*", "!/tmp/.keep", "/tmp/pids/*", "!/tmp/pids/.keep"] {
        assert!(written.lines().any(|w| w == l), "{l}: {written}");
    }
    env.file("tmp/pids/server.pid", "1\n")
        .file("tmp/cache/bootsnap/x", "c\n")
        .file("tmp/local_secret.txt", "s\n");
    assert_sends(
        &env,
        &[
            "Gemfile",
            "app/models/user.rb",
            "tmp/.keep",
            "tmp/pids/.keep",
        ],
        &[
            "tmp/pids/server.pid",
            "tmp/cache/bootsnap/x",
            "tmp/local_secret.txt",
            "tmp/sockets/",
        ],
        &written,
    );
}

/// symfony-docker: the prod stage copies the app (`COPY . ./`) and runs `composer dump-env prod`
/// (and `bin/console` through the post-install scripts), which read the committed `.env` and
/// fail without it. That `.env` (beside `composer.json`) stays, said; `.env.local` and a `.env`
/// elsewhere stay out. Without such a step the
/// same `.env` is removed as before.
#[test]
fn a_dotenv_the_build_boots_the_app_with_is_kept() {
    for (run, kept) in [
        (
            "RUN composer dump-env prod && php bin/console cache:warmup\n",
            true,
        ),
        ("RUN php -l src/Kernel.php\n", false),
    ] {
        let env = TestEnv::new();
        env.file(
            "Dockerfile",
            format!(
                "FROM php:8\nCOPY composer.* ./\nRUN composer install --no-scripts\nCOPY . ./\n{run}"
            ),
        )
        .file("composer.json", "{}\n")
        .file("src/Kernel.php", "<?php\n")
        .file("bin/console", "#!/usr/bin/env php\n")
        .file(".env", "APP_ENV=dev\nAPP_SECRET=\n")
        .file(".env.local", "APP_SECRET=3f9a8b7c6d5e4f3a2b1c0d9e8f7a6b5c\n")
        .file("src/.env", "AWS_SECRET_ACCESS_KEY=wJalrXUtnFEMIK7MDENGbPxRfiCYEXAMPLEKEY\n")
        .dockerignore(".env.local\n");
        let (code, _, err) = suggest(&env, &["--write"]);
        assert_eq!(code, Some(0), "{err}");
        assert_eq!(err.contains("kept \".env\""), kept, "{run}: {err}");
        for b in ["buildkit", "classic"] {
            let sent = text(&env.run(["list", "--builder", b, "."]).stdout);
            assert_eq!(sent.lines().any(|l| l == ".env"), kept, "{b} {run}: {sent}");
            for p in [".env.local", "src/.env"] {
                assert!(!sent.lines().any(|l| l == p), "{b} {p}: {sent}");
            }
            assert!(sent.lines().any(|l| l == "src/Kernel.php"), "{b}: {sent}");
        }
    }
}

/// symfony-docker: the prod stage runs `composer dump-env prod`, which reads the copied `.env`.
/// The report's fix line no longer says to exclude it (that fails the build); it says where real
/// secrets go. Without such a step the fix is the plain exclusion.
#[test]
fn the_report_does_not_offer_to_exclude_a_dotenv_the_build_reads() {
    let env = TestEnv::new();
    env.file(
        "Dockerfile",
        "FROM php:8.3\nCOPY . /app\nRUN composer install --no-dev && composer dump-env prod\n",
    )
    .file("composer.json", "{}\n")
    .file(".env", "APP_ENV=dev\nAPP_SECRET=Zq8xv2LmR4tY7wPzK3hN\n");
    let fix = |env: &TestEnv| -> String {
        let o = env.run(["--format", "json", "."]);
        let v: Value = serde_json::from_slice(&o.stdout).expect("report JSON");
        let f = v["findings"]
            .as_array()
            .unwrap()
            .iter()
            .find(|f| f["rule"] == "CTX101")
            .unwrap_or_else(|| panic!("no CTX101: {v:#}"))
            .clone();
        f["fix"].as_str().unwrap().to_string()
    };
    let f = fix(&env);
    assert!(f.contains(".env.local") && f.starts_with("none"), "{f}");
    env.file(
        "Dockerfile",
        "FROM php:8.3\nCOPY . /app\nRUN composer install --no-dev\n",
    );
    assert_eq!(fix(&env), ".env");
}

/// Elixir and Ruby apps copied whole (`COPY . .`): a developer's `deps/` beside `mix.exs` and
/// Bundler's `vendor/bundle` beside `Gemfile` are dependency trees the Dockerfile fetches again
/// (`mix deps.get`, `bundle install`), removed and said so; without the install step they stay,
/// and a `deps/` or `vendor/bundle` that is not beside the project file stays too, as does one
/// git tracks (Composer's `vendor/` too).
#[test]
fn elixir_deps_and_bundler_gems_the_build_fetches_again_are_removed() {
    for (run, removed) in [
        ("RUN mix deps.get --only prod && bundle install\n", true),
        ("RUN echo building\n", false),
    ] {
        let env = TestEnv::new();
        env.file("Dockerfile", format!("FROM elixir\nCOPY . /app/\n{run}"))
            .file("mix.exs", "defmodule X do end\n")
            .file("lib/x.ex", "x\n")
            .file("deps/plug/mix.exs", "p\n")
            .file("Gemfile", "source 'https://rubygems.org'\n")
            .file("vendor/bundle/ruby/3.3.0/gems/rack/lib/rack.rb", "r\n")
            .file("vendor/assets/app.js", "a\n")
            .file("docs/deps/notes.md", "n\n")
            .dockerignore("*.tmp\n");
        let (code, _, err) = suggest(&env, &["--write"]);
        assert_eq!(code, Some(0), "{err}");
        let deps = [
            "deps/plug/mix.exs",
            "vendor/bundle/ruby/3.3.0/gems/rack/lib/rack.rb",
        ];
        let (kept, gone): (&[&str], &[&str]) = if removed { (&[], &deps) } else { (&deps, &[]) };
        assert_sends(&env, kept, gone, run);
        let source = [
            "lib/x.ex",
            "mix.exs",
            "Gemfile",
            "vendor/assets/app.js",
            "docs/deps/notes.md",
        ];
        assert_sends(&env, &source, &[], run);
        assert_eq!(err.contains("mix deps.get"), removed, "{err}");
    }
    // Tracked by git, the same directories are shipped on purpose: kept.
    let env = TestEnv::new();
    env.file(
        "Dockerfile",
        "FROM elixir\nCOPY . /app/\nRUN mix deps.get && bundle install && composer install\n",
    )
    .file("mix.exs", "defmodule X do end\n")
    .file("deps/plug/mix.exs", "p\n")
    .file("composer.json", "{}\n")
    .file("vendor/acme/lib.php", "<?php\n")
    .dockerignore("*.tmp\n");
    env.git(&["init", "-q"]).git(&["add", "-A"]);
    let (code, _, err) = suggest(&env, &["--write"]);
    assert_eq!(code, Some(0), "{err}");
    assert_sends(
        &env,
        &["deps/plug/mix.exs", "vendor/acme/lib.php"],
        &[],
        &err,
    );
}

/// memos, wger: without a root Dockerfile and none discovery serves, lint cannot tell what the
/// build copies, so a root-only pattern's `**/` form is asked about, not offered as the fix
/// (`**/*.md` would drop a README that `-f scripts/Dockerfile` copies); with `-f`, or with the
/// Dockerfile discovery serves (qa42: its sources point into the context), the check is made.
#[test]
fn lint_without_a_dockerfile_offers_no_widened_pattern_as_the_fix() {
    let env = TestEnv::new();
    env.file(
        "scripts/Dockerfile",
        "FROM scratch\nCOPY internal /app/internal\n",
    )
    .file("internal/email/README.md", "r\n")
    .file("internal/main.go", "package main\n")
    .file("README.md", "r\n")
    .dockerignore("*.md\n");
    let (_, v) = lint_json(&env);
    let msg = one_di003_without_fix(&v);
    assert!(
        msg.contains("internal/email/README.md, which the build copies"),
        "{msg}"
    );
    let o = env.run(["lint", "--format", "json", "-f", "scripts/Dockerfile", "."]);
    let v: Value = serde_json::from_slice(&o.stdout).expect("JSON");
    let d = lint_findings(&v, "DI003");
    assert_eq!(d[0]["fix"], "", "{v:#}");
    let msg = d[0]["message"].as_str().unwrap();
    assert!(
        msg.contains("internal/email/README.md, which the build copies"),
        "{msg}"
    );
    std::fs::remove_file(env.path("scripts/Dockerfile")).unwrap();
    let (_, v) = lint_json(&env);
    let msg = one_di003_without_fix(&v);
    assert!(msg.contains("no Dockerfile analysed"), "{msg}");
}
