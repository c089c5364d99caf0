//! Rules corrected after QA passes on real repositories, continued from `qa_repos_later`
//! (the user's lines suggest carries over, tracked dotenv and secrets files, variable sources,
//! plain `rm` steps), each as a small synthetic tree of the same shape.

use super::qa_repos::report_fix;
use crate::util::{assert_sends, suggest, text, TestEnv};

/// zipkin: an allowlist of its own (`**`, then `!` lines) with exceptions for artifacts that a
/// `mvn package` before the build writes (`!/server/target/server-*exec.jar`), which a RUN step
/// unpacks when they are there. They match nothing today; the proposal carries them after the
/// carried `**`, so the jar is sent once it exists, under both builders.
#[test]
fn exceptions_for_files_that_do_not_exist_yet_are_carried() {
    let env = TestEnv::new();
    env.file(
        "Dockerfile",
        "FROM maven AS build\nCOPY . /code/\nRUN /code/bin/build_or_unjar\n",
    )
    .file("bin/build_or_unjar", "#!/bin/sh\n")
    .file("pom.xml", "<project/>\n")
    .file("server/pom.xml", "<project/>\n")
    .file("server/src/main/App.java", "class App {}\n")
    .file("notes/todo.txt", "t\n")
    .dockerignore(
        "**\n!bin/build_or_unjar\n!/server/target/server-*exec.jar\n!server/src/main/**\n!**/pom.xml\n!notes/missing/*.txt\n",
    );
    let (code, out, err) = suggest(&env, &["--write"]);
    assert_eq!(code, Some(0), "{err}");
    assert!(err.contains("proven"), "{err}");
    let written = std::fs::read_to_string(env.ctx().join(".dockerignore")).unwrap();
    assert!(
        written.contains("\n!/server/target/server-*exec.jar\n"),
        "{written}\n{out}"
    );
    // `notes/` is not sent today: its exception would widen the allowlist; not carried.
    assert!(!written.contains("notes/missing"), "{written}");
    env.file("server/target/server-1.0-exec.jar", "PK\n")
        .file("server/target/classes/App.class", "\u{ca}\n");
    assert_sends(
        &env,
        &[
            "server/target/server-1.0-exec.jar",
            "server/src/main/App.java",
        ],
        &["server/target/classes/App.class", "notes/todo.txt"],
        &written,
    );
}

/// A hand-written allowlist (`*`, then `!` lines, then an exclusion inside a kept directory)
/// under a `COPY . .`: its `*` is carried, which overrides every line before it, so the file
/// holds the user's allowlist once, not the generated keep lines followed by a copy of the user's
/// file whose `*` voids them.
#[test]
fn a_users_own_allowlist_is_carried_once_without_a_dead_generated_block() {
    let env = TestEnv::new();
    env.file(
        "Dockerfile",
        "FROM python\nWORKDIR /app\nCOPY . .\nRUN pip install .\n",
    )
    .file("pyproject.toml", "[project]\nname='x'\n")
    .file("app/main.py", "x\n")
    .file("app/settings/dev.py", "DEBUG=True\n")
    .file("docker/start.sh", "#!/bin/sh\n")
    .file("docker/notes.txt", "n\n")
    .file("docs/index.md", "d\n")
    .dockerignore("*\n!/app\n!/docker/start.sh\n!/pyproject.toml\n/app/settings/dev.py\n");
    let (code, out, err) = suggest(&env, &["--write"]);
    assert_eq!(code, Some(0), "{err}");
    assert!(err.contains("proven"), "{err}");
    let written = std::fs::read_to_string(env.ctx().join(".dockerignore")).unwrap();
    let lines: Vec<&str> = written
        .lines()
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .collect();
    assert_eq!(lines.iter().filter(|l| **l == "*").count(), 1, "{written}");
    assert_eq!(lines.first(), Some(&"*"), "{written}");
    assert!(
        !written.contains("Exclude everything, then keep"),
        "{written}\n{out}"
    );
    assert!(written.contains("already an allowlist"), "{written}");
    assert_sends(
        &env,
        &["app/main.py", "docker/start.sh", "pyproject.toml"],
        &["app/settings/dev.py", "docker/notes.txt", "docs/index.md"],
        &written,
    );
    // zipkin's allowlist starts with `**`: the written file starts with `*` all the same (the
    // same exclusion of everything), then the user's lines.
    env.dockerignore(
        "# comment\n**\n!/app\n!/docker/start.sh\n!/pyproject.toml\n/app/settings/dev.py\n",
    );
    let (code, _, err) = suggest(&env, &["--write"]);
    assert_eq!(code, Some(0), "{err}");
    let written = std::fs::read_to_string(env.ctx().join(".dockerignore")).unwrap();
    let lines: Vec<&str> = written
        .lines()
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .collect();
    assert_eq!(lines.first(), Some(&"*"), "{written}");
    assert_eq!(lines.get(1), Some(&"**"), "{written}");
    assert_sends(
        &env,
        &["app/main.py", "docker/start.sh", "pyproject.toml"],
        &["app/settings/dev.py", "docker/notes.txt", "docs/index.md"],
        &written,
    );
}

/// answer: git tracks `ui/.env.production` (`REACT_APP_API_URL=/`), which the front-end build
/// run after `COPY . .` reads; nothing in it looks like a secret. suggest keeps it (said), and
/// the report's fix does not exclude it. A tracked `.env` holding a secret-looking value, and an
/// untracked one, are still removed.
#[test]
fn a_tracked_dotenv_of_plain_settings_is_kept() {
    let env = TestEnv::new();
    let pw = [
        "p",
        &crate::util::Gen(7).pick(b"abcdefghjkmnpqrstuvwxyz23456789", 18),
    ]
    .concat();
    env.file(
        "Dockerfile",
        "FROM node\nCOPY . /src\nRUN cd /src && make build\n",
    )
    .file("Makefile", "build:\n\tcd ui && npm run build\n")
    .file("ui/package.json", "{}\n")
    .file("ui/src/index.js", "x\n")
    .file("ui/.env.production", "PUBLIC_URL=/\nREACT_APP_API_URL=/\n")
    .file("ui/.env.staging", "PUBLIC_URL=/s\n")
    .file("ui/.env.test", "PUBLIC_URL=/t\n")
    .file("api/.env", format!("DB_PASSWORD={pw}\n"));
    env.git(&["init", "-q"])
        .git(&["add", "-A"])
        .git(&["commit", "-qm", "x"]);
    env.file(".env", "PORT=3000\n");
    let fix = report_fix(&env, "ui/.env.production");
    assert!(fix.starts_with("none needed"), "{fix}");
    let (code, _, err) = suggest(&env, &["--write"]);
    assert_eq!(code, Some(0), "{err}");
    for f in ["ui/.env.production", "ui/.env.staging", "ui/.env.test"] {
        assert!(
            err.contains(&format!(
                "kept \"{f}\" (environment file (secrets)): git tracks it"
            )),
            "{err}"
        );
    }
    // Said once each, by the warnings: no note (merged or not) names them again.
    assert!(
        !err.lines()
            .any(|l| l.contains("note: kept") && l.contains(".env")),
        "{err}"
    );
    assert_sends(&env, &["ui/.env.production"], &["api/.env", ".env"], &err);
}

/// docuseal: git tracks `config/secrets.yml` with literal development keys; a Rails app up to
/// 7.1 loads it at boot. suggest keeps it (said) and the report says to move the values out,
/// not to exclude the file. An untracked one (a local copy) is removed.
#[test]
fn a_tracked_secrets_file_is_kept_and_its_values_moved_out() {
    let env = TestEnv::new();
    let key = crate::util::Gen(11).pick(b"0123456789abcdef", 128);
    env.file("Dockerfile", "FROM ruby\nCOPY . /app\nRUN bundle install\n")
        .file("Gemfile", "source 'https://rubygems.org'\n")
        .file("app/models/user.rb", "class User; end\n")
        .file(
            "config/secrets.yml",
            format!("development:\n  secret_key_base: {key}\n"),
        );
    env.git(&["init", "-q"])
        .git(&["add", "-A"])
        .git(&["commit", "-qm", "x"]);
    env.file(
        "local/secrets.yml",
        format!("development:\n  secret_key_base: {key}\n"),
    );
    assert!(report_fix(&env, "config/secrets.yml").starts_with("move the secret out"));
    assert_eq!(report_fix(&env, "local/secrets.yml"), "local/secrets.yml");
    let (code, _, err) = suggest(&env, &["--write"]);
    assert_eq!(code, Some(0), "{err}");
    assert!(err.contains("kept \"config/secrets.yml\""), "{err}");
    assert_sends(&env, &["config/secrets.yml"], &["local/secrets.yml"], &err);
}

/// prometheus: `COPY .build/${OS}-${ARCH}/prometheus`, built once per `ARCH` with `--build-arg`,
/// and an ignore file of `.build/` then one exception per platform directory. The exceptions for
/// the other values are carried, whether or not that output exists today, so an arm64 build
/// still gets its binary under both builders; the warning names them. An exception naming
/// something else below `.build/` is not carried; `!.build` itself serves every value, and no
/// warning is left.
#[test]
fn a_users_exceptions_for_other_variable_values_are_carried() {
    let env = TestEnv::new();
    env.file(
        "Dockerfile",
        "FROM busybox\nARG ARCH=amd64\nARG OS=linux\nCOPY .build/${OS}-${ARCH}/app /bin/app\nCOPY .build/${OS}-${ARCH}/tool /bin/tool\nCOPY LICENSE /\n",
    )
    .file("LICENSE", "x\n")
    .file("cmd/main.go", "package main\n")
    .file(".build/linux-amd64/app", "\x7fELF\n")
    .file(".build/linux-amd64/tool", "\x7fELF\n")
    .file(".build/tmp/cache.bin", "x\n")
    .dockerignore(".build/\n!.build/linux-amd64/\n!.build/linux-arm64/\n!.build/linux-s390x/\n!.build/tmp/\n");
    let (code, _, err) = suggest(&env, &["--write"]);
    assert_eq!(code, Some(0), "{err}");
    let written = std::fs::read_to_string(env.ctx().join(".dockerignore")).unwrap();
    assert!(written.contains("\n!.build/linux-arm64/\n"), "{written}");
    assert!(written.contains("\n!.build/linux-s390x/\n"), "{written}");
    assert!(!written.contains("!.build/tmp/"), "{written}");
    // Both sources in one warning.
    let values: Vec<&str> = err
        .lines()
        .filter(|l| l.contains("variable values only"))
        .collect();
    assert_eq!(values.len(), 1, "{err}");
    assert!(
        values[0].contains("(line 4); Dockerfile: COPY .build/${OS}-${ARCH}/tool (line 5) are kept")
            && values[0].contains("the carried `!.build/linux-amd64/` and 2 more exceptions keep serving the values named there"),
        "{err}"
    );
    env.file(".build/linux-arm64/app", "\x7fELF\n");
    for b in ["buildkit", "classic"] {
        let list = text(&env.run(["list", "--builder", b, "."]).stdout);
        assert!(
            list.lines().any(|l| l == ".build/linux-arm64/app"),
            "{b}: {list}"
        );
        assert!(
            !list.lines().any(|l| l.starts_with(".build/tmp/")),
            "{b}: {list}"
        );
    }

    env.dockerignore(".build/\n!.build\n");
    std::fs::remove_dir_all(env.ctx().join(".build/tmp")).unwrap();
    let (code, _, err) = suggest(&env, &["--write"]);
    assert_eq!(code, Some(0), "{err}");
    let written = std::fs::read_to_string(env.ctx().join(".dockerignore")).unwrap();
    assert!(written.contains("\n!.build\n"), "{written}");
    assert!(!err.contains("variable values only"), "{err}");
}

/// external-secrets: `Dockerfile` copies `bin/external-secrets-${TARGETOS}-${TARGETARCH}`, and
/// `Dockerfile.standalone` beside it copies the whole context, so the proposal keeps `!bin`
/// whole. A build with other values gets its binary under both builders: no warning tells the
/// user to add the `!bin` the file already holds. Without the whole-context build the warning
/// stays, as `bin/` holds more than the binary and the proposal keeps the binary alone.
#[test]
fn no_variable_values_warning_when_the_proposal_sends_the_directory_whole() {
    let env = TestEnv::new();
    env.file(
        "Dockerfile",
        "FROM scratch\nARG TARGETOS\nARG TARGETARCH\nCOPY bin/app-${TARGETOS}-${TARGETARCH} /bin/app\n",
    )
    .file(
        "Dockerfile.standalone",
        "FROM golang AS b\nCOPY . /app/\nRUN go build -o app .\nFROM scratch\nCOPY --from=b /app/app /\n",
    )
    .file("main.go", "package main\n")
    .file("go.mod", "module x\n")
    .file("bin/app-linux-amd64", "\x7fELF\n")
    .file("bin/dlv", "\x7fELF\n")
    .dockerignore(".git\nREADME.md\n");
    let (code, _, err) = suggest(&env, &["--write"]);
    assert_eq!(code, Some(0), "{err}");
    let written = std::fs::read_to_string(env.ctx().join(".dockerignore")).unwrap();
    assert!(written.contains("\n!bin\n"), "{written}");
    assert!(!err.contains("variable values only"), "{err}");
    env.file("bin/app-linux-s390x", "\x7fELF\n");
    for b in ["buildkit", "classic"] {
        let list = text(&env.run(["list", "--builder", b, "."]).stdout);
        assert!(
            list.lines().any(|l| l == "bin/app-linux-s390x"),
            "{b}: {list}"
        );
    }

    std::fs::remove_file(env.ctx().join("Dockerfile.standalone")).unwrap();
    std::fs::remove_file(env.ctx().join("bin/app-linux-s390x")).unwrap();
    env.dockerignore(".git\nREADME.md\n");
    let (code, _, err) = suggest(&env, &["--write"]);
    assert_eq!(code, Some(0), "{err}");
    assert!(
        err.contains("is kept for this build's variable values only")
            && err.contains("unless you add `!bin`"),
        "{err}"
    );
}

/// Spring Boot guides: `ARG JAR_FILE=target/*.jar`, then `COPY ${JAR_FILE} app.jar`; a Gradle
/// build passes `--build-arg JAR_FILE=build/libs/*.jar`. With no ignore file that build got its
/// jar; the proposal keeps `target/*.jar` only, so the summary warns that other values fail, as
/// it does for a variable after a literal directory. A source an `ENV` of a literal value fixes
/// gets no warning.
#[test]
fn a_source_led_by_a_variable_warns_that_other_values_are_left_out() {
    let env = TestEnv::new();
    env.file(
        "Dockerfile",
        "FROM eclipse-temurin\nARG JAR_FILE=target/*.jar\nCOPY ${JAR_FILE} app.jar\n\
         ENV CONF=conf/app.yml\nCOPY ${CONF} /etc/\n",
    )
    .file("target/app.jar", "PK\n")
    .file("target/classes/A.class", "x\n")
    .file("build/libs/app.jar", "PK\n")
    .file("conf/app.yml", "a: 1\n")
    .file("conf/dev.yml", "a: 2\n")
    .file("src/main/java/A.java", "class A {}\n");
    let (code, _, err) = suggest(&env, &["--write"]);
    assert_eq!(code, Some(0), "{err}");
    assert!(
        err.contains("Dockerfile: COPY ${JAR_FILE} (line 3) is kept for this build's variable values only (`target/*.jar`)")
            && err.contains("unless you add a `!` line for them"),
        "{err}"
    );
    assert!(!err.contains("COPY ${CONF} (line 5) is kept"), "{err}");
    // The warning is true: a build with the other value no longer gets its jar.
    let list = text(&env.run(["list", "--builder", "buildkit", "."]).stdout);
    assert!(!list.lines().any(|l| l == "build/libs/app.jar"), "{list}");
}

/// `COPY . .`, then `RUN rm .env`: the proposal removes the developer's `.env`, and that step
/// then fails with "No such file or directory". The summary says so and suggests `rm -f`; a step
/// with `rm -f` (or `rm -rf`) gets no warning.
#[test]
fn a_plain_rm_of_a_removed_file_is_warned_about() {
    let env = TestEnv::new();
    let key = format!(
        "AKIA{}",
        crate::util::Gen(7).pick(b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567", 16)
    );
    env.file(
        "Dockerfile",
        "FROM node\nWORKDIR /app\nCOPY . .\nRUN rm .env && npm ci\nRUN rm -rf node_modules/.cache\n",
    )
    .file("package.json", "{}\n")
    .file("index.js", "1\n")
    .file(".env", format!("AWS_ACCESS_KEY_ID={key}\n"))
    .file("node_modules/x/index.js", "1\n");
    let (code, _, err) = suggest(&env, &[]);
    assert_eq!(code, Some(0), "{err}");
    assert!(
        err.contains(
            "Dockerfile: a RUN step runs `rm .env` without -f, and .env is no longer sent"
        ),
        "{err}"
    );
    assert!(!err.contains("`rm node_modules"), "{err}");
}

/// traefik: `COPY ./dist/$TARGETPLATFORM/traefik /` with `dist/` then `!dist/**/traefik`. suggest
/// keeps the common platforms by path and carries the user's exception, which spans every
/// platform directory: a riscv64 build still gets its binary under BuildKit, as before.
#[test]
fn a_users_exception_spanning_the_platform_directories_is_carried() {
    let env = TestEnv::new();
    env.file(
        "Dockerfile",
        "FROM alpine\nARG TARGETPLATFORM\nCOPY ./dist/$TARGETPLATFORM/traefik /\n",
    )
    .file("cmd/main.go", "package main\n")
    .dockerignore("dist/\n!dist/**/traefik\nsite/\n!docs/**/index.md\n");
    let (code, _, err) = suggest(&env, &["--write"]);
    assert_eq!(code, Some(0), "{err}");
    let written = std::fs::read_to_string(env.ctx().join(".dockerignore")).unwrap();
    assert!(written.contains("\n!dist/**/traefik\n"), "{written}");
    assert!(
        err.contains("the carried `!dist/**/traefik` sends what other values name under BuildKit"),
        "{err}"
    );
    // An exception reaching no kept path is not carried.
    assert!(!written.contains("docs/"), "{written}");
    env.file("dist/linux/riscv64/traefik", "\x7fELF\n")
        .file("dist/linux/riscv64/traefik.sha256", "x\n");
    let list = text(&env.run(["list", "--builder", "buildkit", "."]).stdout);
    assert!(
        list.lines().any(|l| l == "dist/linux/riscv64/traefik"),
        "{list}"
    );
    assert!(
        !list
            .lines()
            .any(|l| l == "dist/linux/riscv64/traefik.sha256"),
        "{list}"
    );
    assert!(!list.lines().any(|l| l.starts_with("cmd/")), "{list}");
}

/// A .NET solution's `*/bin` and `*/obj` (one level below the root) match nothing: the project
/// output is `src/Web/bin`, deeper. Carried into the allowlist (its `*` names a kept `src`), the
/// line was `lint`'s DI003 in the very file `suggest --write` wrote (exit 1). Not carried, with
/// why; a `*/dist` that reaches a kept `frontend/dist` at its own depth still is.
#[test]
fn a_root_pinned_line_that_misses_deeper_output_is_not_carried() {
    let env = TestEnv::new();
    env.file(
        "Dockerfile",
        "FROM mcr.microsoft.com/dotnet/sdk:8.0\nCOPY . .\nRUN dotnet publish src/Web -o out\n",
    )
    .file("App.sln", "s\n")
    .file("src/Web/Web.csproj", "<Project/>\n")
    .file("src/Web/Program.cs", "p\n")
    .file("src/Web/bin/Debug/net8.0/Web.dll", "dll\n")
    .file("src/Web/obj/project.assets.json", "{}\n")
    .file("frontend/app.js", "a\n")
    .file(".gitignore", "bin/\nobj/\n")
    .dockerignore(".git\n*/bin\n*/obj\n*/dist\n");
    let (code, out, err) = suggest(&env, &["--write"]);
    assert_eq!(code, Some(0), "{err}");
    assert!(!out.contains("*/bin") && !out.contains("*/obj"), "{out}");
    let written = std::fs::read_to_string(env.path(".dockerignore")).unwrap();
    assert!(
        !written.lines().any(|l| l == "*/bin" || l == "*/obj"),
        "{written}"
    );
    assert!(written.lines().any(|l| l == "*/dist"), "{written}");
    assert!(
        err.contains("line 2 `*/bin`: it matches nothing today, and only at its own depth: the `src/Web/bin` the build copies is deeper"),
        "{err}"
    );
    let lint = env.run(["lint", "."]);
    assert_eq!(lint.status.code(), Some(0), "{}", text(&lint.stdout));
    assert!(
        !text(&lint.stdout).contains("DI003"),
        "{}",
        text(&lint.stdout)
    );
}

/// A Spring Boot Dockerfile copies `${JAR_FILE}`, `/application/build/libs/*.jar` by default.
/// The glob is mirrored; the directory holding only the jar today was kept whole as well
/// (`!application`), which sends whatever lands there next. Only the glob is written now.
#[test]
fn a_directory_holding_only_what_a_glob_copies_gets_no_line_of_its_own() {
    let env = TestEnv::new();
    env.file(
        "Dockerfile",
        "FROM eclipse-temurin:21-jre\nARG JAR_FILE=/application/build/libs/*.jar\nCOPY ${JAR_FILE} application.jar\n",
    )
    .file("application/build/libs/app-1.0.jar", "jar\n")
    .file("application/src/Main.java", "class Main {}\n")
    .file("README.md", "r\n");
    let (code, out, err) = suggest(&env, &[]);
    assert_eq!(code, Some(0), "{err}");
    let keeps: Vec<&str> = out.lines().filter(|l| l.starts_with('!')).collect();
    assert_eq!(keeps, ["!application/build/libs/*.jar"], "{out}");
    // A jar built later is sent; the glob was there before.
    env.file("application/build/libs/app-1.1.jar", "jar\n");
    let (code, _, err) = suggest(&env, &["--write"]);
    assert_eq!(code, Some(0), "{err}");
    assert_sends(
        &env,
        &["application/build/libs/app-1.1.jar"],
        &["application/src/Main.java", "README.md"],
        "jar glob",
    );
}

/// An image's file tree copied whole (`COPY docker /`, with `docker/usr/local/bin/`) is not .NET
/// build output: no project file sits beside that `bin/`. The report did not flag it, but
/// suggest's note called it ".NET build output [CTX406]". A `bin/` beside a `.csproj` still is.
#[test]
fn suggest_notes_a_bin_directory_as_dotnet_output_only_beside_a_project_file() {
    let env = TestEnv::new();
    env.file(
        "Dockerfile",
        "FROM eclipse-temurin:21-jre\nCOPY docker /\nCOPY src /src\n",
    )
    .file("docker/usr/local/bin/docker-entrypoint.sh", "#!/bin/sh\n")
    .file("docker/app/confs/.gitkeep", "")
    .file("src/Api/Api.csproj", "<Project/>\n")
    .file("src/Api/Program.cs", "p\n")
    .file("src/Api/bin/Debug/Api.dll", "dll\n");
    let (code, _, err) = suggest(&env, &[]);
    assert_eq!(code, Some(0), "{err}");
    assert!(!err.contains("docker/usr/local/bin"), "{err}");
    assert!(
        err.contains("note: kept src/Api/bin/ (1 file(s)") && err.contains("[CTX406]"),
        "{err}"
    );
}

/// A Gradle server's ignore file has `**/logs` and `**/.gradle`; today only the root's `logs/`
/// and `.gradle/` exist, outside the kept paths. The lines were dropped ("everything it matches
/// is outside the kept paths"), so a `server/logs/` written by a local run later was sent. What
/// a line excludes outside the kept paths no longer stops it from being carried.
#[test]
fn a_double_star_line_that_today_excludes_only_outside_the_kept_paths_is_carried() {
    let env = TestEnv::new();
    env.file(
        "Dockerfile",
        "FROM gradle\nCOPY server /app/server\nCOPY settings.gradle /app/\nRUN gradle build\n",
    )
    .file("settings.gradle", "include 'server'\n")
    .file("server/build.gradle", "plugins {}\n")
    .file("server/src/Main.java", "class Main {}\n")
    .file("logs/trace.txt", "t\n")
    .file(".gradle/8.5/fileHashes.bin", "h\n")
    .dockerignore("**/logs\n**/.gradle\n");
    let (code, out, err) = suggest(&env, &["--write"]);
    assert_eq!(code, Some(0), "{err}");
    let written = std::fs::read_to_string(env.path(".dockerignore")).unwrap();
    for l in ["**/logs", "**/.gradle"] {
        assert!(written.lines().any(|x| x == l), "{l}\n{written}\n{out}");
    }
    env.file("server/logs/trace.txt", "t\n")
        .file("server/.gradle/x.bin", "x\n");
    assert_sends(
        &env,
        &["server/src/Main.java", "settings.gradle"],
        &[
            "server/logs/trace.txt",
            "server/.gradle/x.bin",
            "logs/trace.txt",
        ],
        "future logs",
    );
}

/// teslamate: `ENV MIX_ENV=prod`, then `COPY config/$MIX_ENV.exs …`. A `--build-arg MIX_ENV=…`
/// does not change an ENV of a literal value, so no other build reads another file there: no
/// warning that one "with other values fails". A variable an ARG declares (or an ENV set from
/// one) still gets it (its directory holds more than the file, so the keep line is the file).
#[test]
fn a_source_fixed_by_a_literal_env_gets_no_other_values_warning() {
    let env = TestEnv::new();
    env.file(
        "Dockerfile",
        "FROM elixir\nENV MIX_ENV=prod\nCOPY config/$MIX_ENV.exs config/\n\
         ARG APP=web\nCOPY apps/$APP/mix.exs apps/\n\
         ARG FLAVOR=full\nENV BUILD_FLAVOR=$FLAVOR\nCOPY flavors/$BUILD_FLAVOR/x.txt /\n",
    )
    .file("config/prod.exs", "import Config\n")
    .file("config/dev.exs", "import Config\n")
    .file("apps/web/mix.exs", "defmodule W do end\n")
    .file("apps/web/lib/w.ex", "defmodule W.A do end\n")
    .file("flavors/full/x.txt", "x\n")
    .file("flavors/full/y.txt", "y\n");
    let (code, _, err) = suggest(&env, &[]);
    assert_eq!(code, Some(0), "{err}");
    assert!(
        !err.contains("COPY config/$MIX_ENV.exs (line 3) is kept for this build's"),
        "{err}"
    );
    for head in [
        "COPY apps/$APP/mix.exs (line 5) is kept for this build's",
        "COPY flavors/$BUILD_FLAVOR/x.txt (line 8) is kept for this build's",
    ] {
        assert!(err.contains(head), "{head}\n{err}");
    }
}

/// glance: a `*` allowlist that leaves out the Dockerfiles, a `COPY . /app` build and a
/// `Dockerfile.goreleaser` whose binary does not exist yet. The classic builder sends each
/// Dockerfile it reads and `.dockerignore` whatever the file says; that is no reason to keep
/// them: with keep lines for them, every `COPY . /app` image would hold them, which it does not
/// today under BuildKit.
#[test]
fn an_allowlist_that_leaves_out_the_dockerfiles_keeps_them_out() {
    let env = TestEnv::new();
    env.file("Dockerfile", "FROM golang\nCOPY . /app\nRUN go build .\n")
        .file(
            "Dockerfile.goreleaser",
            "FROM alpine\nCOPY glance /usr/bin/\n",
        )
        .file("go.mod", "module x\n")
        .file("main.go", "package main\n")
        .file("internal/a.go", "package internal\n")
        .file("README.md", "r\n")
        .dockerignore("*\n!/internal/\n!/go.mod\n!main.go\n");
    let (code, _, err) = suggest(&env, &["--write"]);
    assert_eq!(code, Some(0), "{err}");
    let out = std::fs::read_to_string(env.path(".dockerignore")).unwrap();
    for l in ["!Dockerfile", "!Dockerfile.goreleaser", "!.dockerignore"] {
        assert!(!out.lines().any(|x| x == l), "{l}\n{out}\n{err}");
    }
    assert!(out.lines().any(|x| x == "!glance"), "{out}");
    let bk = text(&env.run(["list", "--builder", "buildkit", "."]).stdout);
    for p in [
        "Dockerfile",
        "Dockerfile.goreleaser",
        ".dockerignore",
        "README.md",
    ] {
        assert!(!bk.lines().any(|l| l == p), "{p}: {bk}");
    }
    assert_sends(
        &env,
        &["main.go", "go.mod", "internal/a.go"],
        &["Dockerfile.goreleaser", "README.md"],
        "allowlist",
    );
}

/// ntfy: `COPY ntfy /usr/bin` of a binary goreleaser writes first, in a checkout named `ntfy`.
/// From the parent directory `ntfy` names the context itself: no sign the Dockerfile is built
/// with the parent as its context. (The test context is a directory named `ctx`.)
#[test]
fn a_source_named_like_the_checkout_is_no_sign_of_the_parent_context() {
    let env = TestEnv::new();
    env.file("Dockerfile", "FROM alpine\nCOPY ctx /usr/bin\n")
        .file("main.go", "package main\n")
        .file("go.mod", "module x\n");
    assert!(env.tmp().join("ctx").is_dir());
    let (code, _, err) = suggest(&env, &[]);
    assert_eq!(code, Some(0), "{err}");
    assert!(!err.contains("likely built with that directory"), "{err}");
    assert!(err.contains("COPY ctx (line 2) matches nothing"), "{err}");
    // A source the parent holds beside the context still says so.
    std::fs::write(env.tmp().join("app.conf"), "c\n").unwrap();
    env.file("Dockerfile", "FROM alpine\nCOPY app.conf /etc/\n");
    let (_, _, err) = suggest(&env, &[]);
    assert!(err.contains("likely built with that directory"), "{err}");
}
