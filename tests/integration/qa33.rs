//! Rules corrected by qa33: a missing COPY source that git ignores as a directory (`dist/`) or
//! whose contents git ignores (`build/*`, uptime-kuma's `extra/uptime-kuma-push`) is build
//! output a step before the build writes, not a broken Dockerfile.

use serde_json::Value;

use crate::util::{text, TestEnv};

/// The DF002 findings of a JSON report: (severity, message).
fn missing(env: &TestEnv) -> (Option<i32>, Vec<(String, String)>) {
    let o = env.run(["--fail-on", "error", "--format", "json", "."]);
    let v: Value = serde_json::from_slice(&o.stdout)
        .unwrap_or_else(|e| panic!("invalid JSON ({e}): {}", text(&o.stderr)));
    let df = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["rule"] == "DF002")
        .map(|f| {
            (
                f["severity"].as_str().unwrap().to_owned(),
                f["message"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    (o.status.code(), df)
}

/// `COPY dist /app` and `COPY ./build/ ./build/` name the output directories themselves: git's
/// `dist/` line (directories only) and `build/*` line (everything in `build/`, not `build`
/// itself) both say a step before the build writes them. Warnings, so `--fail-on error` passes
/// the healthy checkout; each message says which way git ignores it. A missing `out` git does
/// not ignore stays an error, and so does the same Dockerfile without the ignore lines.
#[test]
fn a_missing_directory_git_ignores_as_a_directory_or_by_its_contents_is_a_warning() {
    let env = TestEnv::new();
    env.file(
        "Dockerfile",
        "FROM scratch\nCOPY dist /app\nCOPY ./build/ ./build/\nCOPY a.txt /\n",
    )
    .file("a.txt", "a")
    .file(".gitignore", "dist/\nbuild/*\n!build/.gitkeep\n");
    let (code, df) = missing(&env);
    assert_eq!(code, Some(0), "{df:?}");
    assert_eq!(df.len(), 2, "{df:?}");
    assert!(df.iter().all(|(s, _)| s == "medium"), "{df:?}");
    assert!(df[0].1.contains("git ignores that path"), "{df:?}");
    assert!(
        df[1].1.contains("git ignores what that directory holds"),
        "{df:?}"
    );
    // A source git tracks is an error whatever the ignore file says of other paths.
    env.file(
        "Dockerfile",
        "FROM scratch\nCOPY out /app\nCOPY dist /app\n",
    );
    let (code, df) = missing(&env);
    assert_eq!(code, Some(1), "{df:?}");
    assert_eq!(
        df.iter().map(|(s, _)| s.as_str()).collect::<Vec<_>>(),
        ["high", "medium"],
        "{df:?}"
    );
    // A line over the directory's files of one kind only (`build/*.o`) does not say the
    // directory is output.
    env.file("Dockerfile", "FROM scratch\nCOPY build /app\n")
        .file(".gitignore", "build/*.o\n");
    let (code, df) = missing(&env);
    assert_eq!(code, Some(1), "{df:?}");
    assert_eq!(df[0].0, "high", "{df:?}");
}

/// hedgedoc: REUSE license sidecars (`docker/.env.license`, `frontend/.env.test.license`) hold
/// SPDX headers about the file beside them; the report's dotenv rule (CTX101) skips them, and so
/// does suggest: a tracked one is not warned about as an "environment file (secrets)", an
/// untracked one is not removed as one, and `.env.default` (a template to the report) neither.
/// The `.env` and `.env.local` beside them still go.
#[test]
fn suggest_does_not_call_a_license_sidecar_of_a_dotenv_file_a_secret() {
    use crate::util::{assert_sends, suggest};
    let env = TestEnv::new();
    env.file("Dockerfile", "FROM node\nCOPY . /src\n")
        .file("package.json", "{}\n")
        .file(
            "docker/.env.license",
            "SPDX-FileCopyrightText: 2024 The Developers\n\nSPDX-License-Identifier: CC0-1.0\n",
        )
        .file("frontend/.env.test", "PUBLIC_URL=/t\n")
        .file(
            "frontend/.env.test.license",
            "SPDX-License-Identifier: CC0-1.0\n",
        );
    env.git(&["init", "-q"])
        .git(&["add", "-A"])
        .git(&["commit", "-qm", "x"]);
    env.file("web/.env.license", "SPDX-License-Identifier: CC0-1.0\n")
        .file("web/.env.default", "PORT=3000\n")
        .file("web/.env.local", "PORT=3001\n")
        .file(".env", "PORT=3000\n");
    let (code, _, err) = suggest(&env, &["--write"]);
    assert_eq!(code, Some(0), "{err}");
    assert!(
        !err.lines()
            .any(|l| l.contains(".license") || l.contains(".env.default")),
        "{err}"
    );
    // The tracked `.env.test` is still named (plain settings kept), as before.
    assert!(
        err.contains("kept \"frontend/.env.test\" (environment file (secrets))"),
        "{err}"
    );
    assert_sends(
        &env,
        &[
            "docker/.env.license",
            "frontend/.env.test.license",
            "web/.env.license",
            "web/.env.default",
        ],
        &[".env", "web/.env.local"],
        &err,
    );
}

/// paperless-ngx: `./export`, `./data` and `./resources` are anchored at the root by their
/// author as much as `/vendor` is (docker cleans `./x` to `x`): no DI003 "did you mean
/// `**/data`?" for `src/app/data/`, and a `./x` naming nothing is DI002, as `/x` is. The same
/// name without `./` is still DI003.
#[test]
fn lint_takes_a_dot_slash_pattern_as_anchored_at_the_root() {
    let env = TestEnv::new();
    env.file("Dockerfile", "FROM scratch\nCOPY . /\n")
        .file("src/app/data/a.ts", "x\n")
        .file("src/export/b.py", "x\n")
        .file("export/dump.json", "{}\n")
        .dockerignore("./data\n./export\n/src/export\n");
    let lint = |env: &TestEnv| -> Vec<(String, u64)> {
        let o = env.run(["lint", "--format", "json", "."]);
        let v: Value = serde_json::from_slice(&o.stdout)
            .unwrap_or_else(|e| panic!("invalid JSON ({e}): {}", text(&o.stderr)));
        v["findings"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| {
                (
                    f["rule"].as_str().unwrap().to_owned(),
                    f["line"].as_u64().unwrap_or(0),
                )
            })
            .collect()
    };
    let got = lint(&env);
    assert!(!got.iter().any(|(r, _)| r == "DI003"), "{got:?}");
    assert!(got.contains(&("DI002".into(), 1)), "{got:?}");
    env.dockerignore("data\n./export\n");
    let got = lint(&env);
    assert!(got.contains(&("DI003".into(), 1)), "{got:?}");
    assert!(!got.contains(&("DI003".into(), 2)), "{got:?}");
}

/// docker/compose: twenty tracked test `.env` files the build copies, each kept for the same
/// reason ("git tracks it and nothing in it looks like a secret"). suggest says it once, naming
/// the first three and how many more, not in twenty warnings; the untracked root `.env` still
/// goes.
#[test]
fn suggest_says_one_reason_for_many_kept_entries_once() {
    use crate::util::{assert_sends, suggest};
    let env = TestEnv::new();
    env.file(
        "Dockerfile",
        "FROM golang\nCOPY . /src\nRUN go build ./...\n",
    )
    .file("go.mod", "module x\n");
    for k in 0..6 {
        env.file(format!("e2e/testdata/T{k}/.env"), "PORT=1\n");
    }
    env.git(&["init", "-q"])
        .git(&["add", "-A"])
        .git(&["commit", "-qm", "x"]);
    env.file(".env", "PORT=3000\n");
    let (code, _, err) = suggest(&env, &["--write"]);
    assert_eq!(code, Some(0), "{err}");
    let w: Vec<&str> = err
        .lines()
        .filter(|l| l.contains("warning: kept") && l.contains(".env"))
        .collect();
    assert_eq!(w.len(), 1, "{err}");
    assert!(
        w[0].contains(
            "kept 6 entries (environment file (secrets)): \"e2e/testdata/T0/.env\", \"e2e/testdata/T1/.env\", \"e2e/testdata/T2/.env\" and 3 more; each: git tracks it"
        ),
        "{err}"
    );
    assert_sends(&env, &["e2e/testdata/T5/.env"], &[".env"], &err);
}

/// docker/buildx: git tracks `vendor/` beside `go.mod`, which `go build` builds from. suggest
/// keeps it and, as the report does, says so: excluded only if the build installs its
/// dependencies itself, not "exclude it yourself if the image does not need it". An untracked
/// `vendor/` keeps the usual advice.
#[test]
fn suggest_says_a_tracked_vendor_directory_is_what_the_build_builds_from() {
    use crate::util::suggest;
    let env = TestEnv::new();
    env.file(
        "Dockerfile",
        "FROM golang\nCOPY . /src\nRUN go build ./...\n",
    )
    .file("go.mod", "module x\n")
    .file("main.go", "package main\n")
    .file("vendor/modules.txt", "# x v1\n")
    .file("vendor/x/a.go", "package x\n");
    env.git(&["init", "-q"])
        .git(&["add", "-A"])
        .git(&["commit", "-qm", "x"]);
    let (code, _, err) = suggest(&env, &[]);
    assert_eq!(code, Some(0), "{err}");
    let note: Vec<&str> = err.lines().filter(|l| l.contains("kept vendor/")).collect();
    assert_eq!(note.len(), 1, "{err}");
    assert!(
        note[0].contains("git tracks it: committed dependencies")
            && note[0].contains("exclude it only if the build installs its dependencies itself")
            && !note[0].contains("if the image does not need it"),
        "{err}"
    );
    env.git(&["rm", "-rq", "--cached", "vendor"]);
    let (code, _, err) = suggest(&env, &[]);
    assert_eq!(code, Some(0), "{err}");
    let note: Vec<&str> = err.lines().filter(|l| l.contains("kept vendor/")).collect();
    assert_eq!(note.len(), 1, "{err}");
    assert!(
        note[0].contains("exclude it yourself if the image does not need it"),
        "{err}"
    );
}

/// appwrite: a form field's `'placeholder' => 'mongodb+srv://user:…@cluster…'` (the value on the
/// line below its key), an input's `placeholder="postgres://…"` and a `dbUrlPlaceholder: '…'`
/// show what to type, not a credential: no CTX167. The same URL assigned to `'default'` or in a
/// plain string is still one.
#[test]
fn a_url_with_a_password_given_as_a_placeholder_is_no_secret() {
    let pw = crate::util::Gen(0x0c71_0330).pick(
        b"abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789",
        16,
    );
    let url = |scheme: &str| format!("{scheme}://app:{pw}@db.internal.corp:5432/app");
    let env = TestEnv::new();
    env.file("Dockerfile", "FROM php\nCOPY . /app\n")
        .file(
            "config/form.php",
            format!(
                "<?php\nreturn [\n    'value' => '',\n    'placeholder' =>\n        '{}',\n    'required' => true,\n];\n",
                url("mongodb+srv")
            ),
        )
        .file(
            "public/setup.html",
            format!("<p>x</p>\n<input name=\"db\" placeholder=\"{}\">\n", url("postgres")),
        )
        .file(
            "src/i18n.js",
            format!("export default {{\n  dbUrlPlaceholder: '{}',\n}};\n", url("mysql")),
        )
        .file(
            "config/db.php",
            format!("<?php\nreturn [\n    'default' => '{}',\n];\n", url("postgres")),
        );
    let o = env.run(["--format", "json", "."]);
    let v: Value = serde_json::from_slice(&o.stdout)
        .unwrap_or_else(|e| panic!("invalid JSON ({e}): {}", text(&o.stderr)));
    let hits: Vec<String> = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["rule"] == "CTX167")
        .map(|f| f["path"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(hits, ["config/db.php"], "{v:#}");
}
