//! Rules corrected by qa43 on real repositories.

use crate::util::{text, TestEnv};

/// Tracked editor settings stay when the build runs git on the copied checkout (qa41, locust);
/// photoview's API stage installs git and runs `go build` on `COPY api /app/api`, without the
/// context's `.git`: git in the image sees no checkout there, so nothing can leave it dirty.
/// Suggest kept the tracked `api/.vscode` and warned that removing it would change the stamped
/// version; now it is removed like any editor settings, and the warning is gone.
#[test]
fn tracked_editor_settings_go_when_the_copy_leaves_out_the_checkouts_git() {
    let env = TestEnv::new();
    env.file(
        "Dockerfile",
        "FROM golang:1.26\nRUN apt-get update && apt-get install -y git\nWORKDIR /app/api\nCOPY api /app/api\nRUN go build -o app .\n",
    )
    .file("api/go.mod", "module example.com/app\n\ngo 1.26\n")
    .file("api/main.go", "package main\n\nfunc main() {}\n")
    .file("api/.vscode/settings.json", "{}\n")
    .git(&["init", "-q"])
    .git(&["add", "-A"])
    .git(&["commit", "-qm", "x"]);
    let o = env.run(["suggest"]);
    let err = text(&o.stderr);
    assert_eq!(o.status.code(), Some(0), "{err}");
    let out = text(&o.stdout);
    let lines: Vec<&str> = out
        .lines()
        .filter(|l| !l.starts_with('#') && !l.is_empty())
        .collect();
    assert!(lines.contains(&"!api"), "{out}");
    assert!(
        lines
            .iter()
            .any(|l| l.contains(".vscode") && !l.starts_with('!')),
        "{out}"
    );
    assert!(!err.contains("leaves the checkout dirty"), "{err}");
}

/// A line that excludes, today, only files an earlier line excludes too (jellyseerr:
/// `**/.gitkeep`, then `config/db/*` and `config/logs/*` over directories holding only a
/// `.gitkeep`) was not carried: the trace stops at the first line that excludes a file, so the
/// later one never decided anything, and it was not "matching nothing" either. Under a whole
/// context copy the proposal keeps `config`, so the app's database and logs a local run writes
/// there were sent again. Now every line that excludes the file on its own is carried.
#[test]
fn a_line_excluding_what_an_earlier_line_excludes_is_still_carried() {
    let env = TestEnv::new();
    env.file(
        "Dockerfile",
        "FROM node:22-alpine\nWORKDIR /app\nCOPY . ./\n",
    )
    .file(".dockerignore", "**/.gitkeep\nconfig/db/*\nconfig/logs/*\n")
    .file("config/.gitkeep", "")
    .file("config/db/.gitkeep", "")
    .file("config/logs/.gitkeep", "")
    .file("src/index.js", "x\n");
    let o = env.run(["suggest"]);
    let err = text(&o.stderr);
    assert_eq!(o.status.code(), Some(0), "{err}");
    let out = text(&o.stdout);
    let lines: Vec<&str> = out.lines().collect();
    assert!(lines.contains(&"!config"), "{out}");
    for l in ["**/.gitkeep", "config/db/*", "config/logs/*"] {
        assert!(lines.contains(&l), "{l}: {out}");
    }
    assert!(!err.contains("excluded by `**/.gitkeep` already"), "{err}");
}

/// A COPY source that is a symlink (node-red-docker's `.docker/healthcheck.js`, `known_hosts.sh`
/// and `scripts/*.sh`, links into `docker-custom/`): the build copies the link's target, which
/// BuildKit transfers with it and the classic builder reads from the sent context, but only
/// when the ignore file sends it. The allowlist kept the links alone, its own BuildKit transfer
/// figure fell (7 files → 2), and it still said "proven"; now the targets are kept too, and the
/// transfer is what it was.
#[test]
fn a_symlink_source_keeps_its_target() {
    let env = TestEnv::new();
    env.file(
        ".docker/Dockerfile",
        "FROM node:24-alpine\nCOPY .docker/scripts/*.sh /tmp/\nCOPY .docker/healthcheck.js /\nCOPY package.json .\n",
    )
    .file("package.json", "{}\n")
    .file("docker-custom/healthcheck.js", "check()\n")
    .file("docker-custom/scripts/entrypoint.sh", "#!/bin/sh\n")
    .file("docker-custom/README.md", "x\n")
    .symlink(".docker/healthcheck.js", "../docker-custom/healthcheck.js")
    .symlink(
        ".docker/scripts/entrypoint.sh",
        "../../docker-custom/scripts/entrypoint.sh",
    );
    let o = env.run(["suggest", "-f", ".docker/Dockerfile"]);
    let err = text(&o.stderr);
    assert_eq!(o.status.code(), Some(0), "{err}");
    let out = text(&o.stdout);
    let lines: Vec<&str> = out.lines().collect();
    for l in [
        "!docker-custom/healthcheck.js",
        "!docker-custom/scripts/entrypoint.sh",
    ] {
        assert!(lines.contains(&l), "{l}: {out}");
    }
    assert!(!lines.contains(&"!docker-custom"), "{out}");
    let transfer = err
        .lines()
        .find(|l| l.contains("BuildKit  transfer"))
        .unwrap_or_else(|| panic!("{err}"));
    let (before, after) = transfer.split_once('→').unwrap();
    assert_eq!(
        before.split("transfer").nth(1).unwrap().trim(),
        after.trim(),
        "{transfer}"
    );
}

/// esphome: `COPY . /esphome` in a build that runs git, with a tracked `.vscode/`, and the
/// user's ignore file keeps `.git/` out (suggest carries that line). suggest kept `.vscode`
/// warning that its removal "leaves the checkout dirty", but the copy holds no checkout: the
/// editor settings go like any others.
#[test]
fn tracked_editor_settings_go_when_the_users_file_keeps_git_out() {
    let env = TestEnv::new();
    env.file(
        "Dockerfile",
        "FROM python:3.13-slim\nRUN apt-get update && apt-get install -y git\nCOPY . /build\nWORKDIR /build\nRUN pip install .\n",
    )
    .file(
        "pyproject.toml",
        "[build-system]\nrequires = [\"hatchling\", \"hatch-vcs\"]\nbuild-backend = \"hatchling.build\"\n\n[project]\nname = \"app\"\ndynamic = [\"version\"]\n\n[tool.hatch.version]\nsource = \"vcs\"\n",
    )
    .file("app/__init__.py", "x = 1\n")
    .file(".vscode/settings.json", "{}\n")
    .dockerignore(".git/\n__pycache__/\n")
    .git(&["init", "-q"])
    .git(&["add", "-A"])
    .git(&["commit", "-qm", "x"]);
    let o = env.run(["suggest", "--write"]);
    let err = text(&o.stderr);
    assert_eq!(o.status.code(), Some(0), "{err}");
    assert!(!err.contains("leaves the checkout dirty"), "{err}");
    let list = text(&env.run(["list", "--builder", "classic", "."]).stdout);
    assert!(
        !list
            .lines()
            .any(|l| l.starts_with(".vscode") || l.starts_with(".git/")),
        "{list}\n{err}"
    );
    assert!(list.lines().any(|l| l == "app/__init__.py"), "{list}");
}
