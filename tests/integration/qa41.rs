//! Rules corrected by qa41 on real repositories.
//!
//! The summary's "sent … → …" figures are what each builder sends once the proposal is
//! written. The proof walks the context as it is on disk, so the written file itself was
//! missing: with no ignore file today (lobsters' `Dockerfile.dev`, BookStack's dev image,
//! getsentry/self-hosted's `sentry/`), the classic builder, which always sends `.dockerignore`,
//! was said to send one file fewer than it does after `--write`; with one today, its old
//! size was counted instead of the new text's.

use ctxsize::Builder;

use crate::util::{text, Gen, TestEnv};

/// `(files, content bytes)` of the `sent … → …` line of `builder` in the summary.
fn after(summary: &str, builder: &str) -> (u64, u64) {
    let line = summary
        .lines()
        .find(|l| l.trim_start().starts_with(builder) && l.contains(" sent "))
        .unwrap_or_else(|| panic!("no {builder} sent line: {summary}"));
    let after = line.rsplit('→').next().unwrap().trim();
    let (files, size) = after.split_once(", ").unwrap();
    let files: u64 = files.split(' ').next().unwrap().parse().unwrap();
    let mut parts = size.split(' ');
    let n: f64 = parts.next().unwrap().parse().unwrap();
    assert_eq!(parts.next(), Some("B"), "{line}");
    (files, n as u64)
}

/// Each builder's figure, then what it really sends once the file is written.
fn check_figures(env: &TestEnv) {
    let o = env.run(["suggest"]);
    let err = text(&o.stderr);
    assert_eq!(o.status.code(), Some(0), "{err}");
    let said = [
        (Builder::Buildkit, after(&err, "BuildKit")),
        (Builder::Classic, after(&err, "classic")),
    ];
    let w = env.run(["suggest", "--write"]);
    assert_eq!(w.status.code(), Some(0), "{}", text(&w.stderr));
    for (b, (files, bytes)) in said {
        let a = env.analyze(b, None).expect("analysis");
        assert_eq!(
            (files, bytes),
            (a.totals.files, a.totals.content_bytes),
            "{b:?} after --write: {err}"
        );
    }
}

#[test]
fn suggest_counts_the_new_ignore_file_the_classic_builder_sends() {
    let env = TestEnv::new();
    env.file("Dockerfile", "FROM alpine\nCOPY app.txt /srv/\n")
        .file("app.txt", "hello\n")
        .file("docs/guide.md", "# guide\n")
        .file("notes.txt", "n\n");
    check_figures(&env);
}

#[test]
fn suggest_counts_the_new_text_of_an_existing_ignore_file() {
    let env = TestEnv::new();
    env.file("Dockerfile", "FROM alpine\nCOPY app.txt /srv/\n")
        .file("app.txt", "hello\n")
        .file("docs/guide.md", "# guide\n")
        .dockerignore(
            "# a long comment the proposal does not carry over, which makes it shorter\n.env\n",
        );
    check_figures(&env);
}

/// A committed `vendor/` whose fix already explains itself ("`vendor` only if the build
/// installs its dependencies itself …") and below which the Dockerfile copies a path by name
/// (huginn's `COPY vendor/gems/ /app/vendor/gems/` before `COPY ./ /app/`): the fix names
/// that path once, without quoting the explanation again (it read "``vendor` only if …`, then
/// `!vendor/gems`").
#[test]
fn an_explained_fix_with_a_named_path_below_is_not_quoted_twice() {
    let env = TestEnv::new();
    env.file(
        "Dockerfile",
        "FROM ruby\nWORKDIR /app\nCOPY Gemfile Gemfile.lock /app/\nCOPY vendor/gems/ /app/vendor/gems/\nRUN bundle install\nCOPY ./ /app/\n",
    )
    .file("Gemfile", "source 'https://rubygems.org'\n")
    .file("Gemfile.lock", "GEM\n")
    .file("vendor/gems/local/lib/local.rb", "module Local; end\n")
    .file("vendor/other/x.rb", "1\n")
    .file("app/main.rb", "puts 1\n")
    .git(&["init", "-q"])
    .git(&["add", "-A"])
    .git(&["commit", "-qm", "x"]);
    let o = env.run(["."]);
    let out = text(&o.stdout);
    let line = out
        .lines()
        .find(|l| l.contains("[CTX306]"))
        .unwrap_or_else(|| panic!("no vendor finding: {out}"));
    let fix = line.split_once("[CTX306] → ").map(|x| x.1).unwrap_or("");
    assert!(
        fix.starts_with("`vendor` only if the build installs its dependencies itself"),
        "{line}"
    );
    assert!(
        fix.ends_with("), then `!vendor/gems`: the Dockerfile copies it"),
        "{line}"
    );
    assert!(!fix.contains("``"), "{line}");
}

/// A Compose service built with `build: .` in a directory holding a lowercase `dockerfile`
/// and no `Dockerfile` (leantime's `.dev/`): buildx reads that file
/// (`handleLowercaseDockerfile`), as `ctxsize --compose` and a bare `ctxsize suggest` do;
/// `suggest --compose` stopped with "failed to read dockerfile: open …/Dockerfile" (exit 2).
#[test]
fn suggest_compose_reads_a_lowercase_dockerfile_as_buildx_does() {
    let env = TestEnv::new();
    env.file(
        "dockerfile",
        "FROM php:8.2-apache\nCOPY ./dev-ports.conf /etc/apache2/ports.conf\n",
    )
    .file("dev-ports.conf", "Listen 8080\n")
    .file("test.env", "LEAN_DB_HOST=db\n")
    .file("notes.md", "n\n")
    .file(
        "docker-compose.yaml",
        "services:\n  app:\n    build: .\n    ports:\n      - \"5080:8080\"\n",
    );
    let o = env.run(["suggest", "--compose"]);
    let err = text(&o.stderr);
    assert_eq!(o.status.code(), Some(0), "{err}");
    assert!(err.contains("serves    dockerfile ("), "{err}");
    assert!(err.contains("compose service app"), "{err}");
    let out = text(&o.stdout);
    let keeps: Vec<&str> = out.lines().filter(|l| l.starts_with('!')).collect();
    assert_eq!(keeps, ["!dev-ports.conf"], "{out}");
}

/// A build that runs git on the copied context to stamp its version (locust: hatch-vcs,
/// `COPY . /build` then `uv build`) keeps `.git`; suggest then removed the editor settings git
/// tracks (locust's committed `.vscode/`), which leaves the copied checkout dirty: hatch-vcs
/// and setuptools-scm make a dev version of a tagged release (locust's own ignore file keeps
/// its tracked `Dockerfile` for that reason). Now a tracked one stays, said; an untracked one
/// is still removed.
#[test]
fn tracked_editor_settings_stay_when_the_build_stamps_its_version_from_git() {
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
    .git(&["init", "-q"])
    .git(&["add", "-A"])
    .git(&["commit", "-qm", "x"])
    .file("app/.idea/workspace.xml", "<project/>\n");
    let o = env.run(["suggest"]);
    let err = text(&o.stderr);
    assert_eq!(o.status.code(), Some(0), "{err}");
    let out = text(&o.stdout);
    let lines: Vec<&str> = out
        .lines()
        .filter(|l| !l.starts_with('#') && !l.is_empty())
        .collect();
    assert!(
        lines.contains(&"!.git") && lines.contains(&"!.vscode"),
        "{out}"
    );
    assert!(
        !lines
            .iter()
            .any(|l| l.contains(".vscode") && !l.starts_with('!')),
        "{out}"
    );
    assert!(
        lines
            .iter()
            .any(|l| l.contains(".idea") && !l.starts_with('!')),
        "{out}"
    );
    let w: Vec<&str> = err
        .lines()
        .filter(|l| l.contains("kept \".vscode\""))
        .collect();
    assert_eq!(w.len(), 1, "{err}");
    assert!(w[0].contains("leaves the checkout dirty"), "{err}");
}

/// A file the build copies that holds a secret: when a COPY names it, no ignore line keeps it
/// out of the image; when it comes with its directory (huginn's tracked `docker/secrets.env`,
/// copied by `COPY ./ /app/`), one would, and the warning said it could not.
#[test]
fn a_kept_secret_warning_says_whether_an_ignore_line_could_keep_it_out() {
    let env = TestEnv::new();
    let mut g = Gen(0x4141);
    let token = g.pick(b"0123456789abcdef", 64);
    let pass = g.pick(b"abcdefghijklmnopqrstuvwxyz0123456789", 20);
    env.file(
        "Dockerfile",
        "FROM ruby\nCOPY deploy/app.env /etc/app.env\nCOPY ./ /app/\n",
    )
    .file("app.rb", "puts 1\n")
    .file("docker/secrets.env", format!("APP_SECRET_TOKEN={token}\n"))
    .file(
        "deploy/app.env",
        format!("POSTGRES_USER=app\nPOSTGRES_PASSWORD={pass}\n"),
    )
    .git(&["init", "-q"])
    .git(&["add", "-A"])
    .git(&["commit", "-qm", "x"]);
    let o = env.run(["suggest"]);
    let err = text(&o.stderr);
    assert_eq!(o.status.code(), Some(0), "{err}");
    assert!(
        !err.contains(&token) && !err.contains(&pass),
        "never printed"
    );
    let said = |p: &str| -> String {
        let w: Vec<&str> = err
            .lines()
            .filter(|l| l.contains(&format!("kept \"{p}\"")) && l.contains("finds a secret"))
            .collect();
        assert_eq!(w.len(), 1, "{p}: {err}");
        w[0].to_string()
    };
    let by_dir = said("docker/secrets.env");
    assert!(
        by_dir.contains(
            "an ignore line would keep the file out of the image, but the image may need it"
        ) && !by_dir.contains("no ignore line"),
        "{by_dir}"
    );
    let named = said("deploy/app.env");
    assert!(
        named.contains("a COPY names it, so no ignore line can keep it out of the image"),
        "{named}"
    );
}

/// `ctxsize diff REV` reads the context as of REV with every file a checkout has: through
/// `git archive`, the tree's `export-ignore` paths were missing (kimai's
/// `assets export-ignore`, 79 files) and `export-subst` files rewritten, so an unchanged
/// checkout was said to have added them.
#[test]
fn diff_against_a_revision_keeps_export_ignore_and_export_subst_files() {
    let env = TestEnv::new();
    env.file("Dockerfile", "FROM alpine\nCOPY . /app\n")
        .dockerignore(".git\n")
        .file(
            ".gitattributes",
            "assets export-ignore\nstamp.txt export-subst\n",
        )
        .file("assets/app.js", "console.log(1)\n")
        .file("stamp.txt", "$Format:%H$\n")
        .file("src/main.c", "int main(){}\n")
        .git(&["init", "-q"])
        .git(&["add", "-A"])
        .git(&["commit", "-qm", "x"]);
    let o = env.run(["diff", "HEAD"]);
    let out = text(&o.stdout);
    assert_eq!(o.status.code(), Some(0), "{out}{}", text(&o.stderr));
    assert!(!out.contains("Added") && !out.contains("assets/"), "{out}");
    assert!(!out.contains("stamp.txt"), "{out}");
}
