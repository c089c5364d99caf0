//! Issue 16, a sound suggest, continued from `sound`: templated and tracked files that stay,
//! the user's own exceptions and protective lines, notes on what is kept, written files.

use super::sound::{opts, sent_both, suggest_and_write};
use super::*;

/// A secrets manifest that is a Helm/Go template is not a secrets file: the build copies it, so
/// it stays, and no note calls it a secret (formbricks' `charts/…/templates/secrets.yaml`, whose
/// `{{- $postgresPassword := include … }}` looked like a literal assignment). A `secrets.yaml`
/// holding a literal value still goes.
#[test]
fn templated_secrets_manifests_stay() {
    let env = TestEnv::new();
    let literal: String = "k9Tq".repeat(4);
    env.file("app.js", "a")
        .file(
            "charts/app/templates/secrets.yaml",
            "{{- $postgresPassword := include \"app.postgresPassword\" . }}\n{{- $redisPassword := \"\" }}\nkind: Secret\ndata:\n  DATABASE_PASSWORD: {{ $postgresPassword | b64enc }}\n",
        )
        .file(
            "charts/app/templates/db-secret.yaml",
            "kind: Secret\nstringData:\n  password: {{ .Values.db.password }}\n",
        )
        .file("config/secrets.yaml", format!("db:\n  password: {literal}\n"))
        .file("Dockerfile", "FROM node\nCOPY . .\n");
    let s = suggest_and_write(&env, None, &opts());
    for sent in sent_both(&env, None) {
        assert!(
            sent.contains("charts/app/templates/secrets.yaml"),
            "{}",
            s.text
        );
        assert!(sent.contains("charts/app/templates/db-secret.yaml"));
        assert!(!sent.contains("config/secrets.yaml"), "{}", s.text);
    }
    let removed: Vec<&str> = s.removals.iter().map(|(p, _)| p.as_str()).collect();
    assert_eq!(removed, ["config/secrets.yaml"], "{}", summary(&s));
    assert!(
        !s.notes.iter().any(|n| n.contains("charts/")),
        "{:?}",
        s.notes
    );
}

/// A junk-named directory holding git-tracked files (`build/` of templates, `logs/` of code) is
/// kept on purpose: the notes do not tell the user to exclude it. An untracked one still gets its
/// note.
#[test]
fn tracked_junk_named_directories_get_no_note() {
    let env = TestEnv::new();
    env.file("app.js", "a")
        .file("build/templates/page.html", "<p>{{ .Title }}</p>\n")
        .file("logs/handler.js", "module.exports = 1;\n")
        .file("tmp/scratch.bin", "s")
        .file("Dockerfile", "FROM node\nCOPY . .\n");
    env.git(&["init", "-q"]);
    env.git(&[
        "add",
        "app.js",
        "build/templates/page.html",
        "logs/handler.js",
    ]);
    let s = suggest_and_write(&env, None, &opts());
    for sent in sent_both(&env, None) {
        assert!(sent.contains("build/templates/page.html"), "{}", s.text);
        assert!(sent.contains("logs/handler.js"), "{}", s.text);
        assert!(sent.contains("tmp/scratch.bin"), "{}", s.text);
    }
    for d in ["build/", "logs/"] {
        assert!(
            !s.notes.iter().any(|n| n.starts_with(&format!("kept {d}"))),
            "{d}: {:?}",
            s.notes
        );
    }
    assert!(
        s.notes
            .iter()
            .any(|n| n.starts_with("kept tmp/") && n.contains("exclude it yourself")),
        "{:?}",
        s.notes
    );
}

/// An empty junk-named directory in a copied directory (`.stack-work/` made before a first
/// build) gets no "kept … (0 file(s), 0 B) … exclude it yourself" note: there is nothing to
/// save. One holding a file still gets its note.
#[test]
fn an_empty_junk_named_directory_gets_no_note() {
    let env = TestEnv::new();
    env.file("src/Main.hs", "main = pure ()\n")
        .dir("src/.stack-work")
        .file("src/tmp/scratch.bin", "s")
        .file("Dockerfile", "FROM haskell\nCOPY src /src\n");
    let s = suggest_and_write(&env, None, &opts());
    assert!(
        !s.notes.iter().any(|n| n.contains(".stack-work")),
        "{:?}",
        s.notes
    );
    assert!(
        s.notes.iter().any(|n| n.starts_with("kept src/tmp/")),
        "{:?}",
        s.notes
    );
}

/// A directory that holds only the files the sources name is not kept whole: an allowlist
/// keeps out what lands there later. `build/distributions/` holding only the tar an `ADD`
/// names gets `!build/distributions/app.tar`, so the `app.zip` Gradle writes beside it next is
/// not sent (before, `!build/distributions` sent it); a directory a source copies is one line.
#[test]
fn a_directory_of_named_files_only_is_not_kept_whole() {
    let env = TestEnv::new();
    env.file("build/distributions/app.tar", "tar")
        .file("build/tmp/docker-coverage/a.exec", "cov")
        .file("conf/app.yml", "a: 1\n")
        .file("conf/log.yml", "l: 1\n")
        .file("src/main.scala", "object M\n")
        .file(
            "Dockerfile",
            "FROM eclipse-temurin\nADD build/distributions/app.tar /\nCOPY build/tmp/docker-coverage /cov/\nCOPY conf/app.yml conf/log.yml /etc/app/\nCOPY src /src\n",
        );
    let s = suggest_and_write(&env, None, &opts());
    for line in [
        "!build/distributions/app.tar",
        "!build/tmp/docker-coverage",
        "!conf/app.yml",
        "!conf/log.yml",
        "!src",
    ] {
        assert!(s.text.lines().any(|l| l == line), "{line}: {}", s.text);
    }
    env.file("build/distributions/app.zip", "zip")
        .file("build/tmp/jar/MANIFEST.MF", "m")
        .file("conf/secrets.yml", "s")
        .file("src/util.scala", "object U\n");
    for sent in sent_both(&env, None) {
        assert!(sent.contains("build/distributions/app.tar"), "{}", s.text);
        assert!(
            sent.contains("build/tmp/docker-coverage/a.exec"),
            "{}",
            s.text
        );
        assert!(sent.contains("src/util.scala"), "{}", s.text);
        for later in [
            "build/distributions/app.zip",
            "build/tmp/jar/MANIFEST.MF",
            "conf/secrets.yml",
        ] {
            assert!(!sent.contains(later), "{later}: {}", s.text);
        }
    }
}

/// A `.log` git tracks is data the project ships (a scanner parser's test inputs under
/// `unittests/scans/`, read by tests run later in the image), not the log of a run: it is kept,
/// even when no RUN step runs tests. An untracked log beside it is still removed.
#[test]
fn a_tracked_log_file_is_data_and_stays() {
    let env = TestEnv::new();
    env.file("app/main.py", "print(1)\n")
        .file(
            "unittests/scans/tool/many_findings.log",
            "[WARN] finding 1\n",
        )
        .file("unittests/scans/tool/no_finding.log", "")
        .file("unittests/test_tool.py", "def test(): pass\n")
        .file("unittests/debug.log", "run 1\n")
        .file(
            "Dockerfile",
            "FROM python\nCOPY app/ ./app/\nCOPY unittests/ ./unittests/\n",
        );
    env.git(&["init", "-q"]);
    env.git(&[
        "add",
        "app/main.py",
        "unittests/scans/tool/many_findings.log",
        "unittests/scans/tool/no_finding.log",
        "unittests/test_tool.py",
    ]);
    let s = suggest_and_write(&env, None, &opts());
    for sent in sent_both(&env, None) {
        assert!(
            sent.contains("unittests/scans/tool/many_findings.log"),
            "{}",
            s.text
        );
        assert!(
            sent.contains("unittests/scans/tool/no_finding.log"),
            "{}",
            s.text
        );
        assert!(!sent.contains("unittests/debug.log"), "{}", s.text);
    }
    let removed: Vec<&str> = s.removals.iter().map(|(p, _)| p.as_str()).collect();
    assert_eq!(removed, ["unittests/debug.log"], "{}", summary(&s));
    // The note on the kept logs says why they stay.
    assert!(
        s.notes
            .iter()
            .any(|n| n.contains("many_findings.log") && n.contains("Log file that git tracks")),
        "{:?}",
        s.notes
    );
}

/// The user's own `!` line that names a file sends it on purpose: suggest keeps it (formbricks'
/// `**/.env` then `!packages/database/.env`) and warns that it is a secret by name. An exception
/// that re-includes whatever is in a directory (`!conf/*`) is no such choice.
#[test]
fn the_users_own_exception_for_a_secret_stands() {
    let env = TestEnv::new();
    env.file("package.json", "{}")
        .file("packages/database/.env", "DATABASE_URL=file:./dev.db\n")
        .file("apps/web/.env", "SECRET=1\n")
        .file("conf/.env", "SECRET=2\n")
        .file("conf/cache/x", "c")
        .file("conf/app.conf", "a")
        .file("Dockerfile", "FROM node\nCOPY . .\n")
        .dockerignore("**/.env\n!packages/database/.env\nconf/cache\n!conf/*\n");
    let s = suggest_and_write(&env, None, &opts());
    for sent in sent_both(&env, None) {
        assert!(sent.contains("packages/database/.env"), "{}", s.text);
        assert!(sent.contains("conf/app.conf"), "{}", s.text);
        assert!(!sent.contains("apps/web/.env"), "{}", s.text);
        assert!(!sent.contains("conf/.env"), "{}", s.text);
    }
    assert!(
        !s.removals
            .iter()
            .any(|(p, _)| p == "packages/database/.env"),
        "{:?}",
        s.removals
    );
    assert!(
        s.removals.iter().any(|(p, _)| p == "conf/.env"),
        "{:?}",
        s.removals
    );
    assert!(
        s.warnings
            .iter()
            .any(|w| w.contains("packages/database/.env")
                && w.contains("line 2 `!packages/database/.env`")
                && w.contains("secret")),
        "{:?}",
        s.warnings
    );
    // Said once: no note repeats it as a file "the build copies".
    assert!(
        !s.notes.iter().any(|n| n.contains("packages/database/.env")),
        "{:?}",
        s.notes
    );
}

/// The user's own `!` lines inside a directory suggest removes whole survive: `.git` then
/// `!.git/HEAD` and `!.git/refs/heads` (the build reads its version from them) with `COPY . .`
/// still send those files under both builders, and a warning says the user's file asked; the
/// rest of `.git` (and a nested one below a copied directory, with its own exception) goes.
#[test]
fn the_users_own_exceptions_inside_a_removed_directory_stand() {
    let env = TestEnv::new();
    env.file("Cargo.toml", "[package]\n")
        .file("src/main.rs", "fn main() {}\n")
        .file(".git/HEAD", "ref: refs/heads/main\n")
        .file(".git/refs/heads/main", "0123abcd\n")
        .file(".git/objects/ab/cdef", "obj")
        .file(".git/config", "[core]\n")
        .file("vendored/lib/.git/HEAD", "ref\n")
        .file("vendored/lib/.git/index", "idx")
        .file("vendored/lib/a.c", "int a;\n")
        .file("Dockerfile", "FROM alpine\nCOPY . .\nRUN cat .git/HEAD\n")
        .dockerignore("**/.git\n!.git/HEAD\n!.git/refs/heads\n!vendored/lib/.git/HEAD\n.env\n");
    let s = suggest_and_write(&env, None, &opts());
    for sent in sent_both(&env, None) {
        assert!(sent.contains(".git/HEAD"), "{}", s.text);
        assert!(sent.contains(".git/refs/heads/main"), "{}", s.text);
        assert!(sent.contains("vendored/lib/.git/HEAD"), "{}", s.text);
        assert!(sent.contains("src/main.rs"), "{}", s.text);
        assert!(!sent.contains(".git/objects/ab/cdef"), "{}", s.text);
        assert!(!sent.contains(".git/config"), "{}", s.text);
        assert!(!sent.contains("vendored/lib/.git/index"), "{}", s.text);
    }
    for (p, line) in [
        (".git/HEAD", "line 2 `!.git/HEAD`"),
        (".git/refs/heads", "line 3 `!.git/refs/heads`"),
        ("vendored/lib/.git/HEAD", "line 4 `!vendored/lib/.git/HEAD`"),
    ] {
        assert!(
            s.warnings.iter().any(|w| w.contains(&format!("kept {p:?}"))
                && w.contains(line)
                && w.contains("sends it on purpose")),
            "{p}: {:?}",
            s.warnings
        );
    }
    assert!(
        !s.not_carried
            .iter()
            .any(|(_, l, _)| l.contains("!.git/HEAD")),
        "{:?}",
        s.not_carried
    );
    // An exception taking a whole directory inside `.git` (`!.git/refs/**`) is such a choice too.
    let env = TestEnv::new();
    env.file("src/main.rs", "fn main() {}\n")
        .file(".git/HEAD", "ref: refs/heads/main\n")
        .file(".git/refs/heads/main", "0123abcd\n")
        .file(".git/refs/tags/v1", "0123abcd\n")
        .file(".git/objects/ab/cdef", "obj")
        .file("Dockerfile", "FROM alpine\nCOPY . .\n")
        .dockerignore(".git/*\n!.git/HEAD\n!.git/refs/**\n");
    let s = suggest_and_write(&env, None, &opts());
    for sent in sent_both(&env, None) {
        assert!(sent.contains(".git/HEAD"), "{}", s.text);
        assert!(sent.contains(".git/refs/heads/main"), "{}", s.text);
        assert!(sent.contains(".git/refs/tags/v1"), "{}", s.text);
        assert!(!sent.contains(".git/objects/ab/cdef"), "{}", s.text);
    }
    assert!(
        s.warnings
            .iter()
            .any(|w| w.contains("kept \".git/refs\"") && w.contains("line 3 `!.git/refs/**`")),
        "{:?}",
        s.warnings
    );
    // What the user's file keeps out below its own exception stays out (`!.git/objects` then
    // `.git/objects/*`: the directory, not the objects).
    let env = TestEnv::new();
    env.file("src/main.rs", "fn main() {}\n")
        .file(".git/HEAD", "ref: refs/heads/main\n")
        .file(".git/refs/heads/main", "0123abcd\n")
        .file(".git/objects/ab/cdef", "obj")
        .file(".git/objects/info/packs", "p")
        .file("Dockerfile", "FROM alpine\nCOPY . .\n")
        .dockerignore(".git\n!.git/HEAD\n!.git/refs\n!.git/objects\n.git/objects/*\n");
    let s = suggest_and_write(&env, None, &opts());
    for sent in sent_both(&env, None) {
        assert!(sent.contains(".git/HEAD"), "{}", s.text);
        assert!(sent.contains(".git/refs/heads/main"), "{}", s.text);
        assert!(!sent.contains(".git/objects/ab/cdef"), "{}", s.text);
        assert!(!sent.contains(".git/objects/info/packs"), "{}", s.text);
    }
}

/// A COPY source naming an ARG with no value: the user's protective lines that match nothing
/// today (`.env`, `*.pem`, `.DS_Store`, `.idea`) are carried all the same; an unset variable
/// inside one path component keeps that component as a glob (`!app-*`, `!minio-*.*`), which
/// sends the entry any value names (one created later too) under both builders; a variable that
/// is a whole top-level component keeps every top-level entry, protective lines carried too.
#[test]
fn an_unset_arg_keeps_a_component_glob_and_the_protective_lines() {
    let protective = ".env\n*.pem\n.DS_Store\n.idea\nother\n";
    for (df, glob, later) in [
        (
            "FROM alpine\nARG RELEASE\nCOPY ./app-${RELEASE} /x\n",
            "!app-*",
            "app-2/b.txt",
        ),
        (
            "FROM alpine\nARG TARGETARCH\nARG RELEASE\nCOPY ./minio-${TARGETARCH}.${RELEASE} /x\n",
            "!minio-*.*",
            "minio-riscv64.2/m",
        ),
    ] {
        let env = TestEnv::new();
        env.file("app-1/a.txt", "a")
            .file("minio-amd64.1/m", "m")
            .file("other/o.txt", "o")
            .file("notes/n.txt", "n")
            .file("Dockerfile", df)
            .dockerignore(protective);
        let s = suggest_and_write(&env, None, &opts());
        let lines: Vec<&str> = s.text.lines().collect();
        assert!(lines.contains(&glob), "{}", s.text);
        for l in [".env", "*.pem", ".DS_Store", ".idea"] {
            assert!(lines.contains(&l), "{l}: {}", s.text);
        }
        assert!(
            s.warnings
                .iter()
                .any(|w| w.contains("ARG with no value") && w.contains(glob)),
            "{:?}",
            s.warnings
        );
        env.file(later, "x");
        for sent in sent_both(&env, None) {
            assert!(sent.contains(later), "{later}: {}", s.text);
            assert!(!sent.contains("notes/n.txt"), "{}", s.text);
        }
    }
    // A variable that is a whole top-level component: every top-level entry, and the protective
    // lines carried.
    let env = TestEnv::new();
    env.file("app-1/a.txt", "a")
        .file("Dockerfile", "FROM alpine\nARG APP\nCOPY ./${APP} /x\n")
        .dockerignore(protective);
    let s = suggest_and_write(&env, None, &opts());
    let lines: Vec<&str> = s.text.lines().collect();
    assert!(lines.contains(&"!app-1"), "{}", s.text);
    for l in [".env", "*.pem", ".DS_Store", ".idea"] {
        assert!(lines.contains(&l), "{l}: {}", s.text);
    }
}

/// A log in test data (loki's fluentd `spec/gems/fluent/plugin/data/non_utf8.log`, which its
/// specs read) stays when a Dockerfile copying it runs the tests, said in a warning; other logs
/// still go, and the same log goes when no step runs tests.
#[test]
fn a_log_in_test_data_stays_when_the_build_runs_tests() {
    let build = |df: &str| {
        let env = TestEnv::new();
        env.file("Gemfile", "source 'https://rubygems.org'\n")
            .file("lib/out.rb", "x")
            .file("spec/plugin/data/non_utf8.log", "\u{fffd}line\n")
            .file(
                "spec/plugin/out_spec.rb",
                "File.readlines('spec/plugin/data/non_utf8.log')\n",
            )
            .file("log/development.log", "dev\n")
            .file("Dockerfile", df);
        env
    };
    let env = build("FROM ruby\nWORKDIR /src\nCOPY . .\nRUN bundle install && bundle exec rspec\n");
    let s = suggest_and_write(&env, None, &opts());
    for sent in sent_both(&env, None) {
        assert!(sent.contains("spec/plugin/data/non_utf8.log"), "{}", s.text);
        assert!(!sent.contains("log/development.log"), "{}", s.text);
    }
    assert!(
        s.warnings
            .iter()
            .any(|w| w.contains("spec/plugin/data/non_utf8.log") && w.contains("test data")),
        "{:?}",
        s.warnings
    );
    let env = build("FROM ruby\nWORKDIR /src\nCOPY . .\nRUN gem build x.gemspec\n");
    let s = suggest_and_write(&env, None, &opts());
    for sent in sent_both(&env, None) {
        assert!(
            !sent.contains("spec/plugin/data/non_utf8.log"),
            "{}",
            s.text
        );
    }
}

/// Many notes of one kind read as one: a folder of sample videos (three or more files of one rule
/// in one directory) and a `testdata/` in every package (four or more directories of one rule)
/// each become one note with the count, the size and the first names; the files stay sent.
#[test]
fn many_kept_notes_of_one_kind_are_merged() {
    let env = TestEnv::new();
    env.file("main.go", "package main\n")
        .file("assets/examples/a.mp4", "v1")
        .file("assets/examples/b.mp4", "v2")
        .file("assets/examples/c.avi", "v3")
        .file("assets/examples/d.mov", "v4")
        .file("assets/static/404.mp4", "v5")
        .file("Dockerfile", "FROM golang\nCOPY . .\nRUN go build\n");
    for p in ["a", "b", "c", "d", "e"] {
        env.file(format!("internal/{p}/testdata/case.json"), "{}");
    }
    let s = suggest_and_write(&env, None, &opts());
    for sent in sent_both(&env, None) {
        assert!(sent.contains("assets/examples/d.mov"), "{}", s.text);
        assert!(sent.contains("internal/e/testdata/case.json"), "{}", s.text);
    }
    let with = |p: &str| s.notes.iter().filter(|n| n.starts_with(p)).count();
    assert_eq!(
        with("kept 4 files in assets/examples/ ("),
        1,
        "{:?}",
        s.notes
    );
    assert_eq!(with("kept assets/examples/"), 0, "{:?}", s.notes);
    // One such file in its directory keeps its own note.
    assert_eq!(with("kept assets/static/404.mp4 ("), 1, "{:?}", s.notes);
    let dirs: Vec<_> = s
        .notes
        .iter()
        .filter(|n| n.starts_with("kept 5 directories (5 file(s)"))
        .collect();
    assert_eq!(dirs.len(), 1, "{:?}", s.notes);
    assert!(
        dirs[0].contains(
            "internal/a/testdata/, internal/b/testdata/, internal/c/testdata/ and 2 more"
        ),
        "{}",
        dirs[0]
    );
    assert_eq!(with("kept internal/"), 0, "{:?}", s.notes);
}

/// A hand-written allowlist that keeps `.git` or `.env` by name (vaultwarden's `*` then `!.git`)
/// made that choice: suggest keeps them, with a warning, and still removes what a kept directory
/// merely holds. A file `suggest` wrote has no such say: its keep lines are re-decided.
#[test]
fn a_hand_written_allowlist_keeps_what_it_names() {
    let tree = |ignore: &str| {
        let env = TestEnv::new();
        env.file("src/main.rs", "fn main() {}\n")
            .file("src/.env", "SECRET=1\n")
            .file(".env", "SECRET=2\n")
            .file(".git/HEAD", "ref: refs/heads/main\n")
            .file(".git/config", "[core]\n")
            .file("Dockerfile", "FROM rust\nCOPY . .\n")
            .dockerignore(ignore);
        env
    };
    let env = tree("// everything out\n*\n!.git\n!.env\n!src\n");
    let s = suggest_and_write(&env, None, &opts());
    for sent in sent_both(&env, None) {
        assert!(sent.contains(".git/HEAD"), "{}", s.text);
        assert!(sent.contains(".env"), "{}", s.text);
        assert!(!sent.contains("src/.env"), "{}", s.text);
    }
    for name in ["\".git\"", "\".env\""] {
        assert!(
            s.warnings
                .iter()
                .any(|w| w.contains(name) && w.contains("sends it on purpose")),
            "{name}: {:?}",
            s.warnings
        );
    }
    // The same keep lines in a file suggest wrote are its own earlier answer.
    let env = tree("# Generated by `ctxsize suggest` from Dockerfile.\n*\n!.git\n!.env\n!src\n");
    let s = suggest_and_write(&env, None, &opts());
    for sent in sent_both(&env, None) {
        assert!(!sent.contains(".git/HEAD"), "{}", s.text);
        assert!(!sent.contains(".env"), "{}", s.text);
    }
}

/// A stage the default build skips is still built by `docker build --target` (gotenberg's
/// Makefile always passes one): without --target, suggest keeps its sources too and says so.
#[test]
fn stages_the_default_build_skips_keep_their_sources() {
    let env = TestEnv::new();
    env.file("data/hyphen.dic", "d")
        .file("app.sh", "echo hi\n")
        .file("notes.txt", "n")
        .file(
            "Dockerfile",
            "FROM alpine AS full\nCOPY data /data\nFROM alpine AS slim\nCOPY app.sh /\n",
        );
    let s = suggest_and_write(&env, None, &opts());
    for sent in sent_both(&env, None) {
        assert!(sent.contains("data/hyphen.dic"), "{}", s.text);
        assert!(sent.contains("app.sh"), "{}", s.text);
        assert!(!sent.contains("notes.txt"), "{}", s.text);
    }
    assert!(
        s.notes
            .iter()
            .any(|n| n.contains("stage full is not built by default")),
        "{:?}",
        s.notes
    );
}

/// A secrets manifest whose values are stand-ins (atuin's `k8s/secrets.yaml`:
/// `seriously-insecure`, `changeme`) holds no secret: it stays, as the build copies it.
#[test]
fn a_secrets_manifest_of_stand_ins_stays() {
    let env = TestEnv::new();
    env.file("src/main.rs", "fn main() {}\n")
        .file(
            "k8s/secrets.yaml",
            "kind: Secret\nstringData:\n  DB_PASSWORD: seriously-insecure\n  API_TOKEN: changeme-later\n",
        )
        .file("Dockerfile", "FROM rust\nCOPY . .\n");
    let s = suggest_and_write(&env, None, &opts());
    for sent in sent_both(&env, None) {
        assert!(sent.contains("k8s/secrets.yaml"), "{}", s.text);
    }
}

/// `--write` over a symlinked ignore file (`.dockerignore -> .gitignore`, as some projects keep
/// one list for both) replaces the link with a regular file and leaves its target as it was;
/// the summary says so.
#[test]
fn write_over_a_symlinked_ignore_file_keeps_its_target_and_says_so() {
    let env = TestEnv::new();
    env.file("src/main.rs", "fn main() {}")
        .file("junk.bin", "j")
        .file("Dockerfile", "FROM scratch\nCOPY src /src\n")
        .file(".gitignore", "target\n")
        .symlink(".dockerignore", ".gitignore");
    let o = env.run(["suggest", "--write", "."]);
    assert!(o.status.success(), "{}", super::text(&o.stderr));
    let err = super::text(&o.stderr);
    assert!(
        err.contains(".dockerignore was a symlink to .gitignore; it is now a regular file, and .gitignore is unchanged"),
        "{err}"
    );
    assert_eq!(
        std::fs::read_to_string(env.path(".gitignore")).unwrap(),
        "target\n"
    );
    let md = std::fs::symlink_metadata(env.path(".dockerignore")).unwrap();
    assert!(md.file_type().is_file());
    assert!(std::fs::read_to_string(env.path(".dockerignore"))
        .unwrap()
        .contains("\n!src\n"));
}

/// A current line that excludes a directory a source names whole (`COPY dist ./dist` under
/// `dist` or `**/dist`) is not carried: carried after `!dist`, it left that keep line dead and
/// the source still missing (the build fails), and `lint` then failed the written file
/// (DI006). A line excluding only some files inside a copied directory stays.
#[test]
fn a_line_excluding_a_named_directory_is_not_carried() {
    for line in ["dist", "**/dist", "dist/"] {
        let env = TestEnv::new();
        env.file("dist/index.js", "x")
            .file("src/app.js", "a")
            .file("src/app.test.js", "t")
            .file("package.json", "{}")
            .file(
                "Dockerfile",
                "FROM node\nCOPY package.json ./\nCOPY dist ./dist\nCOPY src ./src\n",
            )
            .file(".dockerignore", format!("{line}\nsrc/*.test.js\n"));
        let s = suggest_and_write(&env, None, &SuggestOptions::default());
        assert!(
            !s.carried.iter().any(|l| l == line) && s.carried.iter().any(|l| l == "src/*.test.js"),
            "{line}: {:?}\n{}",
            s.carried,
            s.text
        );
        assert!(
            s.warnings
                .iter()
                .any(|w| w.contains("excludes a path the Dockerfile names")),
            "{line}: {:?}",
            s.warnings
        );
        for sent in sent_both(&env, None) {
            assert!(
                sent.contains("dist/index.js")
                    && sent.contains("src/app.js")
                    && !sent.contains("src/app.test.js"),
                "{line}: {sent:?}"
            );
        }
    }
}

/// The same cache name repeated inside the kept paths is one `**/NAME` line, not one line per
/// directory: with a carried allowlist (`*`, `!/app`, …) too, where the user's lines decide
/// every path and the removals still sent used to get their exact lines (linkding's ten
/// `bookmarks/*/__pycache__`).
#[test]
fn repeated_cache_removals_are_one_generic_line() {
    let env = TestEnv::new();
    env.file("manage.py", "x\n")
        .file("app/settings/dev.py", "DEBUG = True\n")
        .file("app/settings/prod.py", "DEBUG = False\n");
    for d in ["app", "app/a", "app/b", "app/c/d"] {
        env.file(format!("{d}/m.py"), "x\n")
            .file(format!("{d}/__pycache__/m.cpython-312.pyc"), "b");
    }
    env.file("app/b/.pytest_cache/v/lastfailed", "{}")
        .file("app/c/.pytest_cache/v/lastfailed", "{}")
        .file("Dockerfile", "FROM python\nCOPY . /code\n")
        .dockerignore("*\n!/app\n!/manage.py\n/app/settings/dev.py\n");
    let s = suggest_and_write(&env, None, &opts());
    let lines: Vec<&str> = s.reexcluded.iter().map(|(l, _)| l.as_str()).collect();
    assert_eq!(lines, ["**/__pycache__", "**/.pytest_cache"], "{}", s.text);
    assert!(
        s.text.contains("# Python bytecode cache, 4 entries\n"),
        "{}",
        s.text
    );
    for sent in sent_both(&env, None) {
        assert!(sent.contains("app/c/d/m.py") && sent.contains("app/settings/prod.py"));
        assert!(!sent.contains("app/settings/dev.py"), "{}", s.text);
        assert!(!sent
            .iter()
            .any(|p| p.contains("__pycache__") || p.contains(".pytest_cache")));
    }

    // `**/__pycache__` would reach a path a COPY names: one line per top-level directory that
    // repeats the name instead (`app/**/__pycache__`), the named one kept.
    let env = TestEnv::new();
    for d in ["app/a", "app/b", "lib"] {
        env.file(format!("{d}/m.py"), "x\n")
            .file(format!("{d}/__pycache__/m.cpython-312.pyc"), "b");
    }
    env.file(
        "Dockerfile",
        "FROM python\nCOPY app /app\nCOPY lib/__pycache__/m.cpython-312.pyc /pyc/\n",
    );
    let s = suggest_and_write(&env, None, &opts());
    let lines: Vec<&str> = s.reexcluded.iter().map(|(l, _)| l.as_str()).collect();
    assert_eq!(lines, ["app/**/__pycache__"], "{}", s.text);
    for sent in sent_both(&env, None) {
        assert!(
            sent.contains("lib/__pycache__/m.cpython-312.pyc"),
            "{}",
            s.text
        );
        assert!(sent.contains("app/a/m.py"));
        assert!(
            !sent.contains("app/a/__pycache__/m.cpython-312.pyc"),
            "{}",
            s.text
        );
    }
}

/// Each line of the current file that is not carried says concretely why (an exclusion whose
/// matches inside the kept paths another line already excludes is carried all the same); an exception
/// inside `.git` is written again in its own form; one outside the kept paths says so.
#[test]
fn not_carried_reasons_are_concrete() {
    let env = TestEnv::new();
    env.file("app/main.py", "x = 1\n")
        .file("app/x/__pycache__/m.cpython-312.pyc", "b")
        .file(".git/HEAD", "ref: refs/heads/main\n")
        .file(".git/refs/heads/main", "0123abcd\n")
        .file(".git/objects/ab/cdef", "obj")
        .file("README.md", "r\n")
        .file("docs/a.md", "d\n")
        .file("Dockerfile", "FROM python\nCOPY . /app\n")
        .dockerignore(
            ".git/\n!.git/HEAD\n!.git/refs/heads/*\n**/__pycache__\n**/*.py[cod]\ndocs\n*.md\n!README.md\n",
        );
    let s = suggest_and_write(&env, None, &opts());
    let why = |l: &str| {
        s.not_carried
            .iter()
            .find(|(_, x, _)| x == l)
            .map(|(_, _, w)| w.clone())
            .unwrap_or_else(|| panic!("{l} not listed: {:?}\n{}", s.not_carried, s.text))
    };
    // `**/*.py[cod]` excludes on its own what `**/__pycache__` excludes today, and a stray
    // `.pyc` outside a `__pycache__` later: it is carried (qa43: jellyseerr's `config/db/*`).
    assert!(
        s.text.lines().any(|l| l == "**/*.py[cod]")
            && !s.not_carried.iter().any(|(_, x, _)| x == "**/*.py[cod]"),
        "{}",
        s.text
    );
    assert_eq!(
        why("!.git/refs/heads/*"),
        "written as `!.git/refs/heads` at the end of the file, after the lines that exclude what is around it"
    );
    for sent in sent_both(&env, None) {
        assert!(sent.contains(".git/refs/heads/main") && sent.contains(".git/HEAD"));
        assert!(!sent.contains(".git/objects/ab/cdef"));
        assert!(!sent.contains("app/x/__pycache__/m.cpython-312.pyc"));
    }

    // An allowlist's exceptions: the keep lines send what they re-include inside the kept paths;
    // one re-including only what no COPY uses says so.
    let env = TestEnv::new();
    env.file("app/main.py", "x\n")
        .file("README.md", "r\n")
        .file("Dockerfile", "FROM python\nCOPY app /app\n")
        .dockerignore("*\n!app/**\n!README.md\n");
    let s = suggest_and_write(&env, None, &opts());
    let why = |l: &str| {
        s.not_carried
            .iter()
            .find(|(_, x, _)| x == l)
            .map(|(_, _, w)| w.clone())
            .unwrap_or_else(|| panic!("{l} not listed: {:?}", s.not_carried))
    };
    assert_eq!(
        why("!app/**"),
        "the keep lines already send what it re-includes inside the kept paths"
    );
    assert_eq!(
        why("!README.md"),
        "it re-includes only paths outside the kept paths, which no COPY uses"
    );
}
