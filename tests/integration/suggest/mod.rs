//! `ctxsize suggest` and the BuildKit transfer set: for many Dockerfile shapes, the suggested
//! allowlist keeps every path the Dockerfile uses under both builders (library), and under the
//! real docker CLI (classic builder, through a fake daemon) when `docker` is on PATH; the
//! context gets smaller; `--write` never loses the previous file.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::Command;

use ctxsize::suggest::{suggest, summary, write_atomic, Snapshot, SuggestOptions, Suggestion};
use ctxsize::Builder;

use super::util::{skip, text, Gen, TestEnv};

mod contexts;
mod daemon;
mod discovery;
mod sound;
mod sound_kept;

use daemon::run_docker_classic;

// ---------------------------------------------------------------------------------------------
// The cases.
// ---------------------------------------------------------------------------------------------

struct Case {
    name: &'static str,
    files: &'static [&'static str],
    dockerfile: (&'static str, &'static str),
    ignore: Option<&'static str>,
    target: Option<&'static str>,
    build_args: &'static [&'static str],
    /// Paths that must still be sent (files).
    used: &'static [&'static str],
    /// Paths that must no longer be sent.
    dropped: &'static [&'static str],
}

fn build(c: &Case) -> TestEnv {
    let env = TestEnv::new();
    for f in c.files {
        env.file(f, format!("content of {f}\n"));
    }
    env.file(c.dockerfile.0, c.dockerfile.1);
    if let Some(i) = c.ignore {
        env.dockerignore(i);
    }
    env
}

fn df_flag(c: &Case) -> Option<&'static str> {
    (c.dockerfile.0 != "Dockerfile").then_some(c.dockerfile.0)
}

fn options(c: &Case) -> SuggestOptions {
    SuggestOptions {
        target: c.target.map(str::to_string),
        build_args: c.build_args.iter().map(|s| s.to_string()).collect(),
        diff: false,
        write: false,
        dockerfiles: Vec::new(),
        compose: None,
        discover: false,
        per_dockerfile: false,
        named: None,
        inline_dir: None,
        every_context: false,
    }
}

/// Files sent (not counting the ignore file itself, which the proposal adds) and every entry.
fn files_sent(env: &TestEnv, b: Builder, df: Option<&str>) -> (u64, BTreeSet<String>) {
    let sent: BTreeSet<String> = env.list(b, df).into_iter().collect();
    let n = sent
        .iter()
        .filter(|p| !p.ends_with('/') && *p != ".dockerignore")
        .count() as u64;
    (n, sent)
}

fn check(c: &Case) -> (TestEnv, Suggestion) {
    let env = build(c);
    let df = df_flag(c);
    let before: Vec<(Builder, u64)> = [Builder::Buildkit, Builder::Classic]
        .into_iter()
        .map(|b| (b, files_sent(&env, b, df).0))
        .collect();
    let docker_before = run_docker_classic(env.ctx(), df);
    let s = suggest(&env.config(Builder::Buildkit, df), &options(c))
        .unwrap_or_else(|e| panic!("{}: suggest failed: {e}", c.name));
    assert_eq!(
        s.proven_for,
        vec![Builder::Buildkit, Builder::Classic],
        "{}: not proven: {:?}",
        c.name,
        s.warnings
    );
    std::fs::write(&s.destination, &s.text).unwrap();
    for (b, n_before) in before {
        let (n_after, sent) = files_sent(&env, b, df);
        for u in c.used {
            assert!(
                sent.contains(*u),
                "{}: {u} not sent under {b:?}\n{}",
                c.name,
                s.text
            );
        }
        for d in c.dropped {
            assert!(
                !sent.contains(*d),
                "{}: {d} still sent under {b:?}\n{}",
                c.name,
                s.text
            );
        }
        assert!(
            n_after < n_before,
            "{}: context not smaller under {b:?} ({n_before} → {n_after})",
            c.name
        );
    }
    match (docker_before, run_docker_classic(env.ctx(), df)) {
        (Some(before), Some(after)) => {
            for u in c.used {
                assert!(
                    after.iter().any(|n| n == u),
                    "{}: docker does not send {u}: {after:?}",
                    c.name
                );
            }
            for d in c.dropped {
                assert!(
                    !after.iter().any(|n| n == d),
                    "{}: docker still sends {d}",
                    c.name
                );
            }
            let n = |v: &[String]| {
                v.iter()
                    .filter(|p| !p.ends_with('/') && *p != ".dockerignore")
                    .count()
            };
            assert!(
                n(&after) < n(&before),
                "{}: docker context not smaller",
                c.name
            );
        }
        _ => skip(c.name, "no docker CLI on PATH: real-CLI check skipped"),
    }
    (env, s)
}

const CASES: &[Case] = &[
    Case {
        name: "multi_stage_from",
        files: &[
            "go.mod", "go.sum", "cmd/app/main.go", "cmd/app/.env", "config/app.yaml",
            "config/dev.yaml", "docs/guide.md", ".git/HEAD", "node_modules/x/index.js",
        ],
        dockerfile: (
            "Dockerfile",
            "FROM golang:1.22 AS build\nWORKDIR /src\nCOPY go.mod go.sum ./\nCOPY cmd/ ./cmd/\nRUN go build ./cmd/app\n\nFROM alpine\nCOPY --from=build /src/app /app\nCOPY config/app.yaml /etc/app.yaml\n",
        ),
        ignore: None,
        target: None,
        build_args: &[],
        used: &["go.mod", "go.sum", "cmd/app/main.go", "config/app.yaml"],
        dropped: &["cmd/app/.env", "config/dev.yaml", "docs/guide.md", ".git/HEAD", "node_modules/x/index.js"],
    },
    Case {
        name: "target_stage",
        files: &["app/main.py", "tests/test_main.py", "requirements.txt", "README.md"],
        dockerfile: (
            "Dockerfile",
            "FROM python:3 AS base\nCOPY requirements.txt /\nFROM base AS test\nCOPY tests/ /tests/\nFROM base AS prod\nCOPY app/ /app/\n",
        ),
        ignore: None,
        target: Some("prod"),
        build_args: &[],
        used: &["app/main.py", "requirements.txt"],
        dropped: &["tests/test_main.py", "README.md"],
    },
    Case {
        name: "arg_default",
        files: &["apps/web/index.js", "apps/api/main.js", "apps/web/package.json"],
        dockerfile: ("Dockerfile", "ARG APP=web\nFROM node\nARG APP\nCOPY apps/${APP}/ /srv/\n"),
        ignore: None,
        target: None,
        build_args: &[],
        used: &["apps/web/index.js", "apps/web/package.json"],
        dropped: &["apps/api/main.js"],
    },
    Case {
        name: "arg_override",
        files: &["apps/web/index.js", "apps/api/main.js", "other.txt"],
        dockerfile: ("Dockerfile", "ARG APP=web\nFROM node\nARG APP\nCOPY apps/${APP}/ /srv/\n"),
        ignore: None,
        target: None,
        build_args: &["APP=api"],
        used: &["apps/api/main.js"],
        dropped: &["apps/web/index.js", "other.txt"],
    },
    Case {
        name: "arg_unresolved_keeps_broad_line",
        files: &["src/a/x.txt", "src/b/y.txt", "other/z.txt"],
        dockerfile: ("Dockerfile", "FROM alpine\nARG DIR\nCOPY src/${DIR} /x/\n"),
        ignore: None,
        target: None,
        build_args: &[],
        used: &["src/a/x.txt", "src/b/y.txt"],
        dropped: &["other/z.txt"],
    },
    Case {
        name: "wildcards",
        files: &["package.json", "tsconfig.json", "lib/a.py", "lib/b.txt", "README.md"],
        dockerfile: ("Dockerfile", "FROM node\nCOPY *.json ./\nCOPY lib/*.py /lib/\n"),
        ignore: None,
        target: None,
        build_args: &[],
        used: &["package.json", "tsconfig.json", "lib/a.py"],
        dropped: &["README.md", "lib/b.txt"],
    },
    Case {
        name: "heredocs",
        files: &["run.sh", "EOF", "notes.txt"],
        dockerfile: (
            "Dockerfile",
            "# syntax=docker/dockerfile:1\nFROM alpine\nRUN <<EOF\necho hi > /x\nEOF\nCOPY <<EOT /etc/motd\nhello\nEOT\nCOPY run.sh /\n",
        ),
        ignore: None,
        target: None,
        build_args: &[],
        used: &["run.sh"],
        dropped: &["EOF", "notes.txt"],
    },
    Case {
        name: "parents",
        files: &["pkgs/a/package.json", "pkgs/a/index.js", "pkgs/b/package.json", "top.txt"],
        dockerfile: (
            "Dockerfile",
            "# syntax=docker/dockerfile:1.7-labs\nFROM node\nCOPY --parents pkgs/*/package.json /app/\n",
        ),
        ignore: None,
        target: None,
        build_args: &[],
        used: &["pkgs/a/package.json", "pkgs/b/package.json"],
        dropped: &["pkgs/a/index.js", "top.txt"],
    },
    Case {
        name: "bind_mount",
        files: &["scripts/build.sh", "scripts/lib.sh", "app.py", "data/big.bin"],
        dockerfile: (
            "Dockerfile",
            "FROM python\nRUN --mount=type=bind,source=scripts,target=/s sh /s/build.sh\nRUN --mount=type=cache,target=/root/.cache true\nCOPY app.py /\n",
        ),
        ignore: None,
        target: None,
        build_args: &[],
        used: &["scripts/build.sh", "scripts/lib.sh", "app.py"],
        dropped: &["data/big.bin"],
    },
    Case {
        name: "add_url_and_git",
        files: &["main.py", "vendor.tgz", "x/y.txt"],
        dockerfile: (
            "Dockerfile",
            "FROM python\nADD https://example.com/a.tgz /a/\nADD https://github.com/moby/buildkit.git#v0.13.0 /bk\nCOPY main.py /\n",
        ),
        ignore: None,
        target: None,
        build_args: &[],
        used: &["main.py"],
        dropped: &["vendor.tgz", "x/y.txt"],
    },
    Case {
        name: "monorepo_subdirectory",
        files: &[
            "services/api/main.go", "services/api/go.mod", "services/web/index.html",
            "libs/common/util.go", "libs/other/x.go", "README.md",
        ],
        dockerfile: (
            "services/api/Dockerfile",
            "FROM golang\nCOPY libs/common/ /src/libs/common/\nCOPY services/api/ /src/services/api/\n",
        ),
        ignore: None,
        target: None,
        build_args: &[],
        used: &["services/api/main.go", "services/api/go.mod", "libs/common/util.go"],
        dropped: &["services/web/index.html", "libs/other/x.go", "README.md"],
    },
    Case {
        name: "copy_dot_whole_context",
        files: &["src/a.py", ".env", ".git/HEAD", "node_modules/x/y.js", "logs/a.log", "setup.py", "web/node_modules/y.js"],
        dockerfile: ("Dockerfile", "FROM python\nWORKDIR /app\nCOPY . .\nRUN pip install .\n"),
        ignore: None,
        target: None,
        build_args: &[],
        // No npm install step: node_modules may be what the image runs, so it stays.
        used: &["src/a.py", "setup.py", "node_modules/x/y.js", "web/node_modules/y.js"],
        dropped: &[".env", ".git/HEAD", "logs/a.log"],
    },
    Case {
        name: "deep_file_literal_prefix",
        files: &["a/b/c.txt", "a/b/d.txt", "a/e.txt", "f.txt"],
        dockerfile: ("Dockerfile", "FROM alpine\nCOPY a/b/c.txt /\n"),
        ignore: None,
        target: None,
        build_args: &[],
        used: &["a/b/c.txt"],
        dropped: &["a/b/d.txt", "a/e.txt", "f.txt"],
    },
    Case {
        name: "carries_current_lines",
        files: &["src/a.py", "src/b.bak", "src/sub/c.bak", "other.txt", "README.md"],
        dockerfile: ("Dockerfile", "FROM python\nCOPY src/ /app/\n"),
        ignore: Some("**/*.bak\nother.txt\n"),
        target: None,
        build_args: &[],
        used: &["src/a.py"],
        dropped: &["src/b.bak", "src/sub/c.bak", "other.txt", "README.md"],
    },
    Case {
        name: "fixes_an_excluded_source",
        files: &["config/app.conf", "config/secret.key", "bin/tool", "junk/x", "junk/y", "docs/z.md"],
        dockerfile: ("Dockerfile", "FROM alpine\nCOPY config/app.conf /etc/\nCOPY bin/ /usr/local/bin/\n"),
        ignore: Some("config\n"),
        target: None,
        build_args: &[],
        used: &["config/app.conf", "bin/tool"],
        dropped: &["config/secret.key", "junk/x"],
    },
];

#[test]
fn every_shape_keeps_what_the_build_uses() {
    for c in CASES {
        check(c);
    }
}

#[test]
fn shapes_write_the_expected_lines() {
    let get = |n: &str| CASES.iter().find(|c| c.name == n).unwrap();
    let (_, s) = check(get("multi_stage_from"));
    assert!(s.text.lines().any(|l| l == "*"), "{}", s.text);
    assert!(s.text.lines().any(|l| l == "!cmd"), "{}", s.text);
    assert!(
        s.text.lines().any(|l| l == "!config/app.yaml"),
        "{}",
        s.text
    );
    assert!(s.text.lines().any(|l| l == "**/.env"), "{}", s.text);
    assert_eq!(
        s.removals,
        vec![(
            "cmd/app/.env".to_string(),
            "environment file (secrets)".to_string()
        )]
    );
    assert!(!s
        .text
        .lines()
        .any(|l| l.contains("Dockerfile") && !l.starts_with('#')));
    let (_, s) = check(get("copy_dot_whole_context"));
    assert!(s.whole_context);
    // A real allowlist: `*`, then one line per top-level entry worth sending.
    let lines: Vec<&str> = s
        .text
        .lines()
        .filter(|l| !l.starts_with('#') && !l.is_empty())
        .collect();
    assert_eq!(lines[0], "*", "{}", s.text);
    for k in ["!src", "!setup.py", "!node_modules", "!web"] {
        assert!(lines.contains(&k), "{k}: {}", s.text);
    }
    assert!(
        !lines
            .iter()
            .any(|l| l.contains(".git") && l.starts_with('!')),
        "{}",
        s.text
    );
    let removed: Vec<&str> = s.removals.iter().map(|(p, _)| p.as_str()).collect();
    assert_eq!(
        removed,
        [".env", ".git/HEAD", "logs/a.log"],
        "{:?}",
        s.removals
    );
    let (_, s) = check(get("arg_unresolved_keeps_broad_line"));
    assert!(s.text.lines().any(|l| l == "!src"), "{}", s.text);
    assert!(
        s.warnings.iter().any(|w| w.contains("ARG with no value")),
        "{:?}",
        s.warnings
    );
    let (_, s) = check(get("carries_current_lines"));
    assert!(s.text.lines().any(|l| l == "**/*.bak"), "{}", s.text);
    assert!(!s.text.lines().any(|l| l == "other.txt"), "{}", s.text);
    let (_, s) = check(get("monorepo_subdirectory"));
    let (alt, why) = s.alternative.expect("per-Dockerfile ignore file offered");
    assert!(alt.ends_with("services/api/Dockerfile.dockerignore"));
    assert!(why.contains("classic builder ignores it"));
    assert!(s.destination.ends_with(".dockerignore"));
    let (_, s) = check(get("deep_file_literal_prefix"));
    assert!(s.text.lines().any(|l| l == "!a/b/c.txt"), "{}", s.text);
}

#[test]
fn missing_source_is_a_warning() {
    let env = TestEnv::new();
    env.file("a.txt", "a")
        .file("b.txt", "b")
        .file("Dockerfile", "FROM alpine\nCOPY a.txt nope.txt /\n");
    let s = suggest(
        &env.config(Builder::Buildkit, None),
        &SuggestOptions::default(),
    )
    .unwrap();
    assert!(
        s.warnings.iter().any(|w| w.contains("nope.txt")),
        "{:?}",
        s.warnings
    );
}

// ---------------------------------------------------------------------------------------------
// --write, --diff and the CLI.
// ---------------------------------------------------------------------------------------------

#[test]
fn write_keeps_a_backup() {
    let env = TestEnv::new();
    env.dockerignore("old\n");
    let p = env.path(".dockerignore");
    let seen = Snapshot::take(&p);
    let bdir = env.tmp().join("backups");
    let bak = write_atomic(&p, b"*\n!src\n", &seen, &bdir, &mut || {}).unwrap();
    assert_eq!(std::fs::read(&p).unwrap(), b"*\n!src\n");
    let bak = bak.unwrap();
    assert!(bak.starts_with(&bdir), "{}", bak.display());
    assert_eq!(std::fs::read(bak).unwrap(), b"old\n");
    // A new file: no backup.
    let q = env.path("X.Dockerfile.dockerignore");
    let bak = write_atomic(&q, b"*\n", &Snapshot::take(&q), &bdir, &mut || {}).unwrap();
    assert!(bak.is_none());
    assert_eq!(std::fs::read(&q).unwrap(), b"*\n");
}

#[test]
fn write_refuses_a_file_changed_since_read() {
    let env = TestEnv::new();
    env.dockerignore("old\n");
    let p = env.path(".dockerignore");
    let seen = Snapshot::take(&p);
    let pp = p.clone();
    let bdir = env.tmp().join("backups");
    let r = write_atomic(&p, b"*\n", &seen, &bdir, &mut || {
        std::fs::write(&pp, "edited by someone else\n").unwrap();
    });
    assert!(r.is_err());
    assert_eq!(std::fs::read(&p).unwrap(), b"edited by someone else\n");
    assert!(!env.path(".dockerignore.bak").exists());
    assert!(!bdir.exists() || std::fs::read_dir(&bdir).unwrap().next().is_none());
    let leftovers: Vec<_> = std::fs::read_dir(env.ctx())
        .unwrap()
        .flatten()
        .filter(|e| e.file_name().to_string_lossy().contains("ctxsize-"))
        .collect();
    assert!(leftovers.is_empty(), "temporary files left: {leftovers:?}");
    // Created in between (it did not exist when read).
    let q = env.path("new.dockerignore");
    let seen = Snapshot::take(&q);
    let qq = q.clone();
    assert!(
        write_atomic(&q, b"*\n", &seen, &bdir, &mut || std::fs::write(&qq, "x")
            .unwrap())
        .is_err()
    );
    assert_eq!(std::fs::read(&q).unwrap(), b"x");
}

#[test]
fn cli_write_and_diff() {
    let env = TestEnv::new();
    env.file("src/a.py", "a")
        .file("junk.bin", "j")
        .file("Dockerfile", "FROM python\nCOPY src/ /app/\n")
        .dockerignore("junk.bin\n");
    let o = env.run(["suggest", "--diff"]);
    assert!(o.status.success(), "{}", text(&o.stderr));
    let d = text(&o.stdout);
    assert!(d.contains("-junk.bin") && d.contains("+!src"), "{d}");
    assert!(text(&o.stderr).contains("→"), "{}", text(&o.stderr));
    env.file(".git/HEAD", "ref: refs/heads/main\n");
    let o = env.run(["suggest", "--write"]);
    assert!(o.status.success(), "{}", text(&o.stderr));
    assert!(!env.path(".dockerignore.bak").exists());
    let baks: Vec<PathBuf> = std::fs::read_dir(env.path(".git/ctxsize/backups"))
        .expect("backup directory in .git")
        .flatten()
        .map(|e| e.path())
        .collect();
    assert_eq!(baks.len(), 1, "{baks:?}");
    assert_eq!(std::fs::read(&baks[0]).unwrap(), b"junk.bin\n");
    assert!(
        text(&o.stderr).contains("does not send it"),
        "{}",
        text(&o.stderr)
    );
    for b in [Builder::Buildkit, Builder::Classic] {
        let sent = env.list(b, None);
        assert!(
            !sent.iter().any(|p| p.contains("ctxsize")),
            "{b:?}: {sent:?}"
        );
    }
    let now = std::fs::read_to_string(env.path(".dockerignore")).unwrap();
    assert!(now.lines().any(|l| l == "!src"), "{now}");
    // stdout: the file itself when neither flag is given.
    let o = env.run(["suggest", "--builder", "classic"]);
    assert!(text(&o.stdout).starts_with("# Generated by `ctxsize suggest`"));
}

// ---------------------------------------------------------------------------------------------
// The transfer set and the checks in the report.
// ---------------------------------------------------------------------------------------------

#[test]
fn report_has_transfer_set_and_checks() {
    let env = TestEnv::new();
    env.file("src/a.py", "aaaa")
        // A page, not a log: leaving logs out of a copied directory is what such a line is
        // for, and is no partly-sent source (qa46).
        .file("src/x.md", "doc")
        .file("secrets/app.conf", "s")
        .file("big.bin", "0123456789")
        .file(
            "Dockerfile",
            "FROM alpine\nCOPY src/ /app/\nCOPY secrets/app.conf /etc/\nCOPY missing.txt /\n",
        )
        .dockerignore("secrets\n**/*.md\n");
    let o = env.run(["--format", "json"]);
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).expect("json");
    assert_eq!(v["transfer_files"], 1);
    assert_eq!(v["transfer_bytes"], 4);
    assert_eq!(v["transfer_whole_context"], false);
    let checks = v["dockerfile_checks"].as_array().unwrap();
    let find = |k: &str| {
        checks
            .iter()
            .find(|c| c["check"] == k)
            .unwrap_or_else(|| panic!("{k}: {checks:?}"))
    };
    let ex = find("excluded-source");
    assert_eq!(ex["line"], 3);
    assert_eq!(ex["ignore_line"], 1);
    assert_eq!(ex["ignore_pattern"], "secrets");
    assert_eq!(find("missing-source")["line"], 4);
    let part = find("partly-sent");
    assert_eq!(part["ignore_line"], 2);
    assert_eq!(part["files_not_sent"], 1);
    let h = text(&env.run(Vec::<&str>::new()).stdout);
    assert!(h.contains("Transfer"), "{h}");
    assert!(h.contains("line 1 `secrets`"), "{h}");

    // COPY . . says so; an unparsable Dockerfile is a note, not a failure.
    env.file("Dockerfile", "FROM alpine\nCOPY . /app\n")
        .dockerignore("");
    let v: serde_json::Value =
        serde_json::from_slice(&env.run(["--format", "json"]).stdout).unwrap();
    assert_eq!(v["transfer_whole_context"], true);
    assert!(v["notes"].to_string().contains("sends the whole context"));
    env.file("Dockerfile", "FROM alpine\nCOPY --bogus=1 a b\n");
    let o = env.run(["--format", "json"]);
    assert!(o.status.success());
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert!(v["transfer_files"].is_null());
    assert!(
        v["notes"].to_string().contains("not analysed"),
        "{}",
        v["notes"]
    );
}

fn walkdir(d: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let Ok(rd) = std::fs::read_dir(d) else {
        return out;
    };
    for e in rd.flatten() {
        if e.file_type().unwrap().is_dir() {
            out.extend(walkdir(&e.path()));
        } else {
            out.push(e.path());
        }
    }
    out
}

/// A missing source named in several stages (hadolint's `COPY hadolint /bin/hadolint` in its
/// scratch, debian and alpine stages) is one warning with its lines in order, not one per
/// stage in the order the stages were evaluated.
#[test]
fn a_missing_source_in_several_stages_is_one_warning() {
    let env = TestEnv::new();
    env.file("README.md", "r").file(
        "Dockerfile",
        "FROM scratch AS base\nCOPY app /bin/app\n\nFROM debian AS debian\nCOPY app /bin/app\n\nFROM alpine AS alpine\nCOPY app /bin/app\n",
    );
    let o = env.run(["suggest"]);
    assert!(o.status.success(), "{}", text(&o.stderr));
    let err = text(&o.stderr);
    let w: Vec<&str> = err
        .lines()
        .filter(|l| l.contains("COPY app") && l.contains("matches nothing"))
        .collect();
    assert_eq!(w.len(), 1, "{err}");
    assert!(
        w[0].contains("COPY app (lines 2, 5, 8) matches nothing"),
        "{err}"
    );
}

#[test]
fn stdout_and_summary_snapshots() {
    let env = TestEnv::new();
    env.file("src/main.py", "print(1)\n")
        .file("src/debug.log", "log\n")
        .file("src/fixtures/data.json", "{}\n")
        .file("requirements.txt", "flask\n")
        .file("docs/guide.md", "g\n")
        .file(
            "Dockerfile",
            "FROM python\nCOPY requirements.txt ./\nRUN pip install -r requirements.txt\nCOPY src/ ./src/\nCOPY *.cfg ./\n",
        )
        .dockerignore(".env\n*.pem\ndocs\n");
    let o = env.run(["suggest"]);
    assert!(o.status.success(), "{}", text(&o.stderr));
    let ctx = env.ctx().display().to_string();
    insta::assert_snapshot!("suggest_stdout", text(&o.stdout).replace(&ctx, "[CTX]"));
    insta::assert_snapshot!("suggest_summary", text(&o.stderr).replace(&ctx, "[CTX]"));
    let o = env.run(["suggest", "--diff"]);
    insta::assert_snapshot!("suggest_diff", text(&o.stdout).replace(&ctx, "[CTX]"));
}

/// A live key pasted into a config file the build copies (`COPY . /app`): no ignore line can
/// keep it out of the image, and before this the summary said "proven" with the removed
/// `.env` listed and nothing about it. It is now a warning naming the file, the rule and what
/// to do; a key in test code (graded low) and a file the build does not copy get none.
#[test]
fn a_secret_in_a_file_the_build_copies_is_a_warning() {
    let env = TestEnv::new();
    let mut g = Gen(0x5117);
    let key = [
        "sk",
        "_live_",
        &g.pick(
            b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789",
            24,
        ),
    ]
    .concat();
    env.file(
        "Dockerfile",
        "FROM python\nCOPY app /app\nCOPY config /app/config\nCOPY tests /app/tests\n",
    )
    .file("app/main.py", "print(1)\n")
    .file("config/local.yaml", format!("stripe:\n  key: {key}\n"))
    .file("tests/test_pay.py", format!("KEY = \"{key}\"\n"))
    .file("tools/seed.yaml", format!("key: {key}\n"));
    let o = env.run(["suggest"]);
    assert!(o.status.success(), "{}", text(&o.stderr));
    let err = text(&o.stderr);
    let w: Vec<&str> = err
        .lines()
        .filter(|l| l.contains("finds a secret"))
        .collect();
    assert_eq!(w.len(), 1, "{err}");
    assert!(
        w[0].contains("warning: kept \"config/local.yaml\"")
            && w[0].contains("config/local.yaml:2")
            && w[0].contains("[CTX156]")
            && w[0].contains("RUN --mount=type=secret"),
        "{err}"
    );
    assert!(!err.contains(&key), "the secret is never printed");
}

/// A file the build copies that a name rule flags (a dotenv file) and that holds a secret is
/// said once, by the secret's warning: plane's `variables.env` had a "kept … dotenv file …
/// exclude it yourself" note as well, which no ignore line can act on for a file the build needs.
#[test]
fn a_flagged_file_holding_a_secret_is_said_once() {
    let env = TestEnv::new();
    let mut g = Gen(0x5118);
    let key = g.pick(b"abcdefghijklmnopqrstuvwxyz0123456789", 20);
    env.file("Dockerfile", "FROM alpine\nCOPY deploy /deploy\n")
        .file("deploy/run.sh", "echo\n")
        .file(
            "deploy/variables.env",
            format!("POSTGRES_USER=app\nPOSTGRES_PASSWORD={key}\n"),
        )
        // Tracked: an ignore line would not take it out of the repository either.
        .git(&["init", "-q"])
        .git(&["add", "-A"])
        .git(&["commit", "-qm", "x"]);
    let o = env.run(["suggest"]);
    assert!(o.status.success(), "{}", text(&o.stderr));
    let err = text(&o.stderr);
    let said: Vec<&str> = err
        .lines()
        .filter(|l| l.contains("deploy/variables.env"))
        .collect();
    assert_eq!(said.len(), 1, "{err}");
    assert!(said[0].contains("finds a secret"), "{err}");
    assert!(!err.contains(&key), "the secret is never printed");
}

/// A flagged directory that a Dockerfile source names (atuin's `COPY vendor vendor` before
/// `COPY . .`) gets no "kept … exclude it yourself" note: the build asks for it by name, and
/// excluding it would break the build. The same directory copied only by `COPY . .` keeps its
/// note.
#[test]
fn a_flagged_directory_a_source_names_gets_no_kept_note() {
    let env = TestEnv::new();
    env.file("Cargo.toml", "[package]\nname = \"a\"\n")
        .file("src/main.rs", "fn main() {}\n")
        .file(
            "vendor/axoasset/Cargo.toml",
            "[package]\nname = \"axoasset\"\n",
        )
        .file("tests/fixtures/a.json", "{}")
        .file(
            "Dockerfile",
            "FROM rust\nCOPY vendor vendor\nRUN cargo fetch\nCOPY . .\nRUN cargo build\n",
        )
        .git(&["init", "-q"])
        .git(&["add", "-A"])
        .git(&["commit", "-qm", "x"]);
    let o = env.run(["suggest"]);
    assert!(o.status.success(), "{}", text(&o.stderr));
    let err = text(&o.stderr);
    assert!(!err.contains("kept vendor/"), "{err}");
    assert!(err.contains("kept tests/fixtures/"), "{err}");
}
