//! `suggest` rules corrected in a later QA pass (qa28): Elixir's `mix do deps.get + compile`,
//! a global npm install with its flag after the package, Dart's `.dart_tool/` at any depth, the
//! plain `rm` warning read against the step's WORKDIR, and carried guard lines named in the
//! summary. Each a small synthetic tree of the shape that showed it.

use crate::util::{text, TestEnv};

fn suggest(env: &TestEnv, args: &[&str]) -> (Option<i32>, String, String) {
    let mut a = vec!["suggest"];
    a.extend_from_slice(args);
    let o = env.run(&a);
    (o.status.code(), text(&o.stdout), text(&o.stderr))
}

/// Under both builders, the files in `sent` are sent and those in `out` are not.
fn assert_sends(env: &TestEnv, sent: &[&str], out: &[&str], what: &str) {
    for b in ["buildkit", "classic"] {
        let list = text(&env.run(["list", "--builder", b, "."]).stdout);
        for p in sent {
            assert!(list.lines().any(|l| l == *p), "{b} {p}: {list}\n{what}");
        }
        for p in out {
            assert!(!list.lines().any(|l| l == *p), "{b} {p}: {list}\n{what}");
        }
    }
}

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
