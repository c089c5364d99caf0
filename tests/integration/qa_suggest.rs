//! `suggest` rules corrected in a later QA pass (qa28): Elixir's `mix do deps.get + compile`,
//! a global npm install with its flag after the package, Dart's `.dart_tool/` at any depth, the
//! plain `rm` warning read against the step's WORKDIR, and carried guard lines named in the
//! summary. Each a small synthetic tree of the shape that showed it.

use crate::util::{assert_sends, suggest, TestEnv};

/// A Phoenix app whose Dockerfile fetches its dependencies with `mix do` (`+` since Elixir
/// 1.14, a comma before): the developer's `deps/` is fetched again, so it is removed.
#[test]
fn mix_do_deps_get_removes_the_developers_deps() {
    for run in [
        "RUN mix do deps.get + compile\n",
        "RUN mix do deps.get, compile\n",
        "RUN MIX_ENV=prod mix do deps.get --only prod, deps.compile\n",
    ] {
        let env = TestEnv::new();
        env.file(
            "Dockerfile",
            format!("FROM elixir\nWORKDIR /app\nCOPY . .\n{run}"),
        )
        .file("mix.exs", "defmodule X do end\n")
        .file("lib/x.ex", "x\n")
        .file("deps/plug/mix.exs", "p\n")
        .dockerignore("*.tmp\n");
        let (code, _, err) = suggest(&env, &["--write"]);
        assert_eq!(code, Some(0), "{err}");
        assert_sends(&env, &["mix.exs", "lib/x.ex"], &["deps/plug/mix.exs"], run);
    }
}

/// A Ruby image that installs yarn globally with the flag after the package (`npm i yarn -g`)
/// and never installs the project's packages: its `node_modules` (vendored front-end assets a
/// later step serves) is the build's own input, kept.
#[test]
fn a_global_install_with_the_flag_last_keeps_node_modules() {
    let env = TestEnv::new();
    env.file(
        "Dockerfile",
        "FROM ruby\nWORKDIR /app\nCOPY . .\nRUN npm i yarn -g && bundle install\n",
    )
    .file("Gemfile", "source 'https://rubygems.org'\n")
    .file("app.rb", "x\n")
    .file("node_modules/jquery/dist/jquery.js", "j\n")
    .dockerignore("*.tmp\n");
    let (code, _, err) = suggest(&env, &["--write"]);
    assert_eq!(code, Some(0), "{err}");
    assert_sends(
        &env,
        &["app.rb", "node_modules/jquery/dist/jquery.js"],
        &[],
        &err,
    );
}

/// A Dart monorepo (`packages/*/pubspec.yaml`) whose Dockerfile runs `dart pub get`: each
/// `.dart_tool/` beside a `pubspec.yaml` is written again, the nested ones as the root one,
/// even when the current file's `.dart_tool/` only reaches the root. Without the step, or not
/// beside a `pubspec.yaml`, it stays.
#[test]
fn dart_tool_is_removed_at_any_depth_when_pub_get_runs() {
    for (run, removed) in [
        ("RUN dart pub get\n", true),
        ("RUN dart compile exe bin/s.dart\n", false),
    ] {
        let env = TestEnv::new();
        env.file(
            "Dockerfile",
            format!("FROM dart\nWORKDIR /app\nCOPY . .\n{run}"),
        )
        .file("pubspec.yaml", "name: app\n")
        .file("bin/s.dart", "void main() {}\n")
        .file(".dart_tool/package_config.json", "{}\n")
        .file("packages/foo/pubspec.yaml", "name: foo\n")
        .file("packages/foo/lib/foo.dart", "x\n")
        .file("packages/foo/.dart_tool/package_config.json", "{}\n")
        .file("tools/.dart_tool/notes.txt", "n\n")
        .dockerignore(".dart_tool/\n");
        let (code, _, err) = suggest(&env, &["--write"]);
        assert_eq!(code, Some(0), "{err}");
        let nested = ["packages/foo/.dart_tool/package_config.json"];
        let (kept, gone): (&[&str], &[&str]) = if removed {
            (&[], &nested)
        } else {
            (&nested, &[])
        };
        assert_sends(&env, kept, gone, run);
        assert_sends(
            &env,
            &[
                "pubspec.yaml",
                "bin/s.dart",
                "packages/foo/lib/foo.dart",
                "tools/.dart_tool/notes.txt",
            ],
            &[".dart_tool/package_config.json"],
            run,
        );
    }
}

/// A Cargo workspace copied whole: the carried `*/target/` (a member's build output later) and
/// `**/dist`, like `.env`, are named among the kept protective lines; a line of the user's own
/// choice that protects nothing (`src/**/*.snap`) is not.
#[test]
fn carried_guard_lines_are_named_as_protective() {
    let env = TestEnv::new();
    env.file(
        "Dockerfile",
        "FROM rust\nWORKDIR /app\nCOPY . .\nRUN cargo build --release\n",
    )
    .file("Cargo.toml", "[workspace]\nmembers = [\"api\", \"web\"]\n")
    .file("api/Cargo.toml", "[package]\nname = \"api\"\n")
    .file("api/src/main.rs", "fn main() {}\n")
    .file("api/src/x.snap", "s\n")
    .file("web/Cargo.toml", "[package]\nname = \"web\"\n")
    .file("web/src/lib.rs", "\n")
    .dockerignore("target/\n*/target/\n.env\n**/dist\napi/src/*.snap\n");
    let (code, out, err) = suggest(&env, &[]);
    assert_eq!(code, Some(0), "{err}");
    assert!(out.lines().any(|l| l == "*/target/"), "{out}");
    assert!(out.lines().any(|l| l == "api/src/*.snap"), "{out}");
    let line = err
        .lines()
        .find(|l| l.contains("kept protective line(s):"))
        .unwrap_or_else(|| panic!("{err}"));
    for l in ["`*/target/`", "`.env`", "`**/dist`"] {
        assert!(line.contains(l), "{l}: {line}");
    }
    assert!(!line.contains("snap"), "{line}");
}

/// The plain `rm` warning follows the operand into the image: against the step's `WORKDIR`
/// (and its `cd`), back to the context file the `COPY` put there. `rm *.log` whose matches are
/// all removed fails as well (the shell passes the pattern itself); an `rm .env` in another
/// directory, or of a `.env` another stage provides, is not about the removed root `.env`.
#[test]
fn the_plain_rm_warning_resolves_the_operand_in_the_image() {
    let warned = |df: &str| -> Vec<String> {
        let env = TestEnv::new();
        env.file("Dockerfile", df)
            .file("package.json", "{}\n")
            .file("index.js", "1\n")
            .file("config/app.yml", "a: 1\n")
            .file(".env", "A=1\n")
            .file("config/.env", "B=1\n")
            .file("a.log", "x\n")
            .file("b.log", "y\n");
        env.git(&["init", "-q"])
            .git(&["add", "package.json", "index.js", "config/app.yml"]);
        let (code, _, err) = suggest(&env, &[]);
        assert_eq!(code, Some(0), "{err}");
        err.lines()
            .filter(|l| l.contains("without -f"))
            .map(str::to_string)
            .collect()
    };
    let w = warned("FROM node\nWORKDIR /app\nCOPY . .\nRUN npm ci && rm *.log\n");
    assert!(
        w.len() == 1 && w[0].contains("`rm *.log`") && w[0].contains("(a.log, b.log)"),
        "{w:?}"
    );
    let w = warned("FROM node\nCOPY . /src\nWORKDIR /src/config\nRUN rm .env\n");
    assert!(
        w.len() == 1 && w[0].contains(", and config/.env is no longer sent"),
        "{w:?}"
    );
    let w = warned("FROM node\nCOPY . .\nRUN cd config && rm ../.env\n");
    assert!(
        w.len() == 1 && w[0].contains(", and .env is no longer sent"),
        "{w:?}"
    );
    // Not the removed file: another directory, another stage's file, a directory not known.
    for df in [
        "FROM node\nCOPY . /app\nWORKDIR /app/lib\nRUN rm .env\n",
        "FROM node AS b\nRUN echo > /e\nFROM node\nWORKDIR /app\nCOPY . .\nCOPY --from=b /e ./.env\nRUN rm .env\n",
        "FROM node\nARG APP=/x\nWORKDIR $APP\nCOPY . .\nRUN cd /tmp && rm .env\n",
        "FROM node\nWORKDIR /app\nCOPY . .\nRUN rm *.js\n",
        // A file an earlier command writes: the step removes that one.
        "FROM node\nWORKDIR /app\nCOPY . .\nRUN cp .env.example .env && npm run build && rm .env\n",
        "FROM node\nWORKDIR /app\nCOPY . .\nRUN npm test > test.log\nRUN rm *.log\n",
    ] {
        assert!(warned(df).is_empty(), "{df}");
    }
}
