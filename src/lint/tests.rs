//! Tests of `ctxsize lint`.

use super::*;

fn ctx(files: &[&str], ignore: &str) -> tempfile::TempDir {
    crate::testutil::ctx(files, ignore, b"xx")
}

fn run(d: &Path, b: Builder) -> LintReport {
    lint(&crate::testutil::config(d, b, 1)).unwrap()
}

fn ids(r: &LintReport) -> Vec<(String, Option<usize>)> {
    r.findings
        .iter()
        .map(|f| (f.rule.clone(), f.line))
        .collect()
}

#[test]
fn clean_file_is_silent() {
    let d = ctx(
        &[
            "Dockerfile",
            "src/main.rs",
            "node_modules/x/y.js",
            "a.log",
            "target/",
            "target/t",
        ],
        "# build output\nnode_modules\ntarget\n**/*.log\n",
    );
    for b in [Builder::Buildkit, Builder::Classic] {
        let r = run(d.path(), b);
        assert!(r.findings.is_empty(), "{:?}", r.findings);
    }
}

#[test]
fn each_problem() {
    let d = ctx(
        &["Dockerfile", "a.log", "logs/b.log", "build", "sub/keep.txt", "sub/drop.txt", "k.txt", "nested/.dockerignore"],
        "*.log\nmissing\nbuild/\n  # not a comment\nfoo # trailing\n!k.txt\nk.txt\nsub\n!**/keep.txt\nDockerfile\n",
    );
    let r = run(d.path(), Builder::Classic);
    let got = ids(&r);
    for want in [
        ("DI003", Some(1)),
        ("DI002", Some(2)),
        ("DI005", Some(3)),
        ("DI004", Some(4)),
        ("DI004", Some(5)),
        ("DI006", Some(6)),
        ("DI007", Some(9)),
        ("DI008", Some(10)),
        ("DI010", None),
        ("DI011", None),
    ] {
        assert!(
            got.contains(&(want.0.to_string(), want.1)),
            "{want:?} missing in {got:?}"
        );
    }
    let f = r.findings.iter().find(|f| f.rule == "DI003").unwrap();
    assert_eq!(f.fix, "**/*.log");
    let f = r.findings.iter().find(|f| f.rule == "DI010").unwrap();
    assert_eq!(f.path, "nested/.dockerignore");
}

/// A `//` comment line is a pattern too: DI004 (not DI002), info when it matches nothing, with
/// the `#` line as its fix.
#[test]
fn a_slash_comment_line_is_a_pattern() {
    let d = ctx(
        &["Dockerfile", "src/main.rs"],
        "// Ignore everything\n*\n\n// Allow what is needed\n!src\n",
    );
    let r = run(d.path(), Builder::Buildkit);
    for line in [1, 4] {
        let f: Vec<_> = r.findings.iter().filter(|f| f.line == Some(line)).collect();
        assert_eq!(f.len(), 1, "{f:?}");
        assert_eq!(
            (f[0].rule.as_str(), f[0].severity.as_str()),
            ("DI004", "info")
        );
    }
    let f = r.findings.iter().find(|f| f.line == Some(1)).unwrap();
    assert_eq!(f.fix, "# Ignore everything");
}

/// A whole comment line indented by a space is a pattern: info when it matches nothing (an
/// allowlist's ` # Remove dev settings` before its last line kept `lint` failing a healthy
/// file), medium when a file of that name exists, and a trailing comment stays medium.
#[test]
fn an_indented_comment_matching_nothing_is_info() {
    let d = ctx(
        &["Dockerfile", "app/main.py", "app/dev.py", "# kept"],
        "*\n!/app\n\n # Remove dev settings\n/app/dev.py\n  # kept\nfoo # trailing\n",
    );
    let r = run(d.path(), Builder::Buildkit);
    let sev = |line: usize| {
        r.findings
            .iter()
            .find(|f| f.rule == "DI004" && f.line == Some(line))
            .map(|f| f.severity.clone())
    };
    assert_eq!(sev(4).as_deref(), Some("info"), "{:?}", r.findings);
    assert_eq!(sev(6).as_deref(), Some("medium"), "{:?}", r.findings);
    assert_eq!(sev(7).as_deref(), Some("medium"), "{:?}", r.findings);
    let f = r.findings.iter().find(|f| f.line == Some(4)).unwrap();
    assert_eq!(f.fix, "# Remove dev settings");
}

/// A nested ignore file is a medium DI010 in the project's own tree, but only info inside a
/// dependency tree (a vendored package's own `.dockerignore`), and the report notes it not.
#[test]
fn a_vendored_packages_ignore_file_is_info() {
    let d = ctx(
        &[
            "Dockerfile",
            "main.go",
            "vendor/github.com/x/y/.dockerignore",
            "tools/.dockerignore",
            "tools/xx",
        ],
        "bin/\n",
    );
    let r = run(d.path(), Builder::Buildkit);
    let sev = |p: &str| {
        r.findings
            .iter()
            .find(|f| f.rule == "DI010" && f.path == p)
            .map(|f| f.severity.clone())
    };
    assert_eq!(sev("tools/.dockerignore").as_deref(), Some("medium"));
    assert_eq!(
        sev("vendor/github.com/x/y/.dockerignore").as_deref(),
        Some("info")
    );
    let a =
        crate::analysis::analyze(&crate::testutil::config(d.path(), Builder::Buildkit, 1)).unwrap();
    let notes = crate::findings::compute(&a, &Default::default()).notes;
    assert!(
        notes
            .iter()
            .any(|n| n.starts_with("tools/.dockerignore has no effect")),
        "{notes:?}"
    );
    assert!(!notes.iter().any(|n| n.contains("vendor/")), "{notes:?}");
}

/// The DI010 finding of `path`: (severity, message).
fn di010(r: &LintReport, path: &str) -> (String, String) {
    r.findings
        .iter()
        .find(|f| f.rule == "DI010" && f.path == path)
        .map(|f| (f.severity.clone(), f.message.clone()))
        .unwrap_or_else(|| panic!("{path}: {:?}", r.findings))
}

/// A nested ignore file is graded by what its author loses: medium when its patterns, read
/// from its directory, would keep out files this build sends (the message counts them);
/// info when they keep out nothing (only comments, `target` that is not there, what the
/// root file excludes already), so that `ctxsize lint` passes on a healthy repository; info
/// too when a Compose service builds that directory as its context (docker reads it then).
#[test]
fn a_stale_nested_ignore_file_is_graded_by_what_it_loses() {
    let d = ctx(
        &[
            "Dockerfile",
            "main.go",
            "tools/run.sh",
            "tools/a.log",
            "web/index.js",
        ],
        "dist\n",
    );
    let w = |p: &str, t: &str| std::fs::write(d.path().join(p), t).unwrap();
    w("tools/.dockerignore", "# build output\ntarget\n");
    std::fs::create_dir_all(d.path().join("lib/sub")).unwrap();
    w("lib/.dockerignore", "dist\n");
    w("lib/sub/.dockerignore", "*.log\n");
    w("lib/sub/b.log", "x");
    w("lib/sub/c.log", "x");
    w("web/.dockerignore", "*.js\n");
    w(
        "compose.yaml",
        "services:\n  web:\n    build:\n      context: ./web\n      dockerfile: ../Dockerfile\n",
    );
    let r = run(d.path(), Builder::Buildkit);
    let get = |p: &str| di010(&r, p);
    let (sev, msg) = get("tools/.dockerignore");
    assert_eq!(sev, "info", "{msg}");
    assert!(msg.contains("nothing is lost"), "{msg}");
    // `dist` under lib/ matches nothing; the root's `dist` is the root's.
    assert_eq!(get("lib/.dockerignore").0, "info");
    let (sev, msg) = get("lib/sub/.dockerignore");
    assert_eq!(sev, "medium", "{msg}");
    assert!(
        msg.contains("keep out 2 files this build sends (e.g. lib/sub/b.log)"),
        "{msg}"
    );
    let (sev, msg) = get("web/.dockerignore");
    assert_eq!(sev, "info", "{msg}");
    assert!(msg.contains("Compose build of service `web`"), "{msg}");
    // Only the medium one is a problem.
    let problems: Vec<_> = r.findings.iter().filter(|f| f.severity != "info").collect();
    assert_eq!(problems.len(), 1, "{problems:?}");
}

/// A nested allowlist (`*`, then the keep lines of a build whose context is its directory)
/// left behind with no Dockerfile beside it is info: what it would keep out of this build is
/// that directory's own sources, not something its author wanted kept out, and its lines do
/// not belong in the root file. A nested file of exclusions is still graded by what it loses;
/// beside this build's Dockerfile it stays medium unless it is an allowlist of that
/// directory's own files or the Dockerfile's sources exist only there.
#[test]
fn a_stale_nested_allowlist_is_info() {
    let d = ctx(
        &[
            "Dockerfile",
            "main.go",
            "svc/Program.cs",
            "svc/build.sh",
            "web/app.log",
        ],
        "bin\n",
    );
    let w = |p: &str, t: &str| std::fs::write(d.path().join(p), t).unwrap();
    w("svc/.dockerignore", "*\n!obj/build-output/publish/*\n");
    w("web/.dockerignore", "*.log\n");
    for b in [Builder::Buildkit, Builder::Classic] {
        let r = run(d.path(), b);
        let get = |p: &str| di010(&r, p);
        let (sev, msg) = get("svc/.dockerignore");
        assert_eq!(sev, "info", "{msg}");
        assert!(msg.contains("allowlist"), "{msg}");
        assert!(!msg.contains("move its patterns"), "{msg}");
        assert!(!msg.contains("  "), "{msg}");
        assert_eq!(get("web/.dockerignore").0, "medium");
    }
    // Beside this build's own Dockerfile, the same file is the classic mistake.
    w("svc/Dockerfile", "FROM scratch\nCOPY svc/Program.cs /\n");
    let mut c = crate::testutil::config(d.path(), Builder::Buildkit, 1);
    c.dockerfile = Some(d.path().join("svc/Dockerfile"));
    let r = lint(&c).unwrap();
    let f = r
        .findings
        .iter()
        .find(|f| f.rule == "DI010" && f.path == "svc/.dockerignore")
        .unwrap();
    assert_eq!(f.severity, "medium", "{f:?}");
    let own = |ignore: &str, dockerfile: &str| {
        w("svc/.dockerignore", ignore);
        w("svc/Dockerfile", dockerfile);
        di010(&lint(&c).unwrap(), "svc/.dockerignore")
    };
    // An allowlist whose exceptions name its own directory's files (`!Program.cs`), none from
    // the root, was written for a build of that directory: stale here, info, never "move it".
    let (sev, msg) = own("*\n!Program.cs\n", "FROM scratch\nCOPY svc/Program.cs /\n");
    assert_eq!(sev, "info", "{msg}");
    assert!(
        msg.contains("delete it") && !msg.contains("move its"),
        "{msg}"
    );
    // Its exceptions named from the root: meant for this build, the classic mistake.
    let (sev, msg) = own(
        "*\n!svc/Program.cs\n",
        "FROM scratch\nCOPY svc/Program.cs /\n",
    );
    assert_eq!(sev, "medium", "{msg}");
    // A Dockerfile whose sources exist only in its own directory is built with it as the
    // context, where the file is read: info, naming the build to check instead.
    let (sev, msg) = own("bin/\n", "FROM scratch\nCOPY Program.cs build.sh /\n");
    assert_eq!(sev, "info", "{msg}");
    assert!(
        msg.contains("2 of this Dockerfile's 2 COPY source(s) exist in svc/"),
        "{msg}"
    );
    assert!(msg.contains("`ctxsize -f svc/Dockerfile svc/`"), "{msg}");
    // One of them found at the root too: not evidently so, the classic mistake.
    let (sev, msg) = own("bin/\n", "FROM scratch\nCOPY Program.cs main.go /\n");
    assert_eq!(sev, "medium", "{msg}");
}

/// Beside this build's Dockerfile, a nested file whose every line the root file already keeps
/// out below its directory (svix-webhooks' `bridge/.dockerignore`, `target/`, under a root
/// `*/target/`) costs its author nothing: info, so that `ctxsize lint` passes. A line the root
/// file does not cover, or an exception, keeps it medium.
#[test]
fn a_nested_file_the_root_file_covers_is_info() {
    let d = ctx(
        &["main.go", "svc/Program.cs", "svc/target/x", "svc/b.log"],
        "*/target/\n**/*.log\n",
    );
    let w = |p: &str, t: &str| std::fs::write(d.path().join(p), t).unwrap();
    w(
        "svc/Dockerfile",
        "FROM scratch\nCOPY svc/Program.cs main.go /\n",
    );
    let mut c = crate::testutil::config(d.path(), Builder::Buildkit, 1);
    c.dockerfile = Some(d.path().join("svc/Dockerfile"));
    let own = |ignore: &str| {
        w("svc/.dockerignore", ignore);
        di010(&lint(&c).unwrap(), "svc/.dockerignore")
    };
    let (sev, msg) = own("# build output\ntarget/\n/target\n*.log\n");
    assert_eq!(sev, "info", "{msg}");
    assert!(
        msg.contains("nothing is lost") && msg.contains("svc/"),
        "{msg}"
    );
    assert!(lint(&c)
        .unwrap()
        .findings
        .iter()
        .all(|f| f.severity == "info"));
    for medium in ["target/\nbin/\n", "target/\n!target/keep\n", "*.tmp\n"] {
        let (sev, msg) = own(medium);
        assert_eq!(sev, "medium", "{medium}: {msg}");
    }
}

/// DI012: `/tmp/pids/*` below `/tmp/*` and above `!/tmp/pids/` (a .gitignore habit) keeps
/// nothing out once a pid file is there: the exception re-includes the directory and, in a
/// .dockerignore, everything inside it. A checkout with only the `.keep` the last line names
/// is silent, and so is the file without the directory exception, which keeps the pid out.
#[test]
fn an_exclusion_a_directory_exception_undoes() {
    let habit = "/tmp/*\n!/tmp/.keep\n/tmp/pids/*\n!/tmp/pids/\n!/tmp/pids/.keep\n";
    let files = [
        "Dockerfile",
        "app.rb",
        "tmp/.keep",
        "tmp/cache/x",
        "tmp/pids/.keep",
    ];
    let clean = ctx(&files, habit);
    let mut dev: Vec<&str> = files.to_vec();
    dev.push("tmp/pids/server.pid");
    let dev = ctx(&dev, habit);
    for b in [Builder::Buildkit, Builder::Classic] {
        let r = run(clean.path(), b);
        assert!(
            !ids(&r).iter().any(|(id, _)| id == "DI012"),
            "{:?}",
            r.findings
        );
        let r = run(dev.path(), b);
        let f: Vec<_> = r.findings.iter().filter(|f| f.rule == "DI012").collect();
        assert_eq!(f.len(), 1, "{:?}", r.findings);
        assert_eq!((f[0].line, f[0].severity.as_str()), (Some(3), "medium"));
        assert!(
            f[0].message.contains("line 4 `!/tmp/pids/`")
                && f[0]
                    .message
                    .contains("1 file sent (e.g. tmp/pids/server.pid)"),
            "{}",
            f[0].message
        );
        // `/tmp/*` keeps tmp/cache out: no finding for it.
        assert!(!r
            .findings
            .iter()
            .any(|f| f.rule == "DI012" && f.line == Some(1)));
    }
    // Without the directory exception the pid stays out and the .keep is sent.
    std::fs::write(
        dev.path().join(".dockerignore"),
        "/tmp/*\n!/tmp/.keep\n/tmp/pids/*\n!/tmp/pids/.keep\n",
    )
    .unwrap();
    for b in [Builder::Buildkit, Builder::Classic] {
        let r = run(dev.path(), b);
        assert!(
            !ids(&r).iter().any(|(id, _)| id == "DI012"),
            "{:?}",
            r.findings
        );
        let a = crate::analysis::analyze(&crate::testutil::config(dev.path(), b, 1)).unwrap();
        let e = crate::explain::Explainer::new(&a);
        assert_eq!(e.verdict(b"tmp/pids/server.pid").sent, Some(false));
        assert_eq!(e.verdict(b"tmp/pids/.keep").sent, Some(true));
    }
}

/// DI008 proposes `!Dockerfile` only where the build needs it: the classic builder cannot
/// add the Dockerfile back. An intentional `*Dockerfile*` gets no line.
#[test]
fn dockerfile_exclusion_fix_only_when_the_build_needs_it() {
    let d = ctx(&["Dockerfile", "app.js"], "*Dockerfile*\n");
    for b in [Builder::Buildkit, Builder::Classic] {
        let r = run(d.path(), b);
        let f = r.findings.iter().find(|f| f.rule == "DI008").unwrap();
        assert_eq!(f.severity, "info");
        assert_eq!(f.fix, "", "{f:?}");
    }
    // `**/docker` excludes docker/Dockerfile through its parent: the classic builder's
    // appended `!docker/Dockerfile` is not added (the deprecated matcher sees no match).
    let d = ctx(&["docker/Dockerfile", "app.js"], "**/docker\n");
    let lint_with = |ignore: &str| {
        std::fs::write(d.path().join(".dockerignore"), ignore).unwrap();
        let mut c = crate::testutil::config(d.path(), Builder::Classic, 1);
        c.dockerfile = Some(d.path().join("docker/Dockerfile"));
        lint(&c).unwrap()
    };
    let r = lint_with("**/docker\n");
    let f = r.findings.iter().find(|f| f.rule == "DI008").unwrap();
    assert_eq!(f.severity, "medium", "{f:?}");
    assert_eq!(f.fix, "!docker/Dockerfile");
    // The proposed line is a real fix: with it the Dockerfile is not lost any more.
    let r = lint_with("**/docker\n!docker/Dockerfile\n");
    assert!(
        !r.findings
            .iter()
            .any(|f| f.rule == "DI008" && f.severity == "medium"),
        "{:?}",
        r.findings
    );
}

#[test]
fn invalid_patterns() {
    let d = ctx(&["Dockerfile", "a"], "a\n[abc\n!\n[z-a]\n");
    let r = run(d.path(), Builder::Buildkit);
    let got = ids(&r);
    assert!(got.contains(&("DI001".into(), Some(2))), "{got:?}");
    assert!(got.contains(&("DI001".into(), Some(3))), "{got:?}");
    assert!(got.contains(&("DI001".into(), Some(4))), "{got:?}");
    assert!(!r.notes.is_empty());
}

/// An allowlist without its leading `*` (only `!` lines): each exception has no effect, since
/// nothing above it excludes anything, and the file keeps out nothing. DI006, medium; a file
/// that starts with `*` is clean.
#[test]
fn exceptions_with_nothing_excluded_above_them() {
    let d = ctx(
        &["Dockerfile", "main.go", "go.mod", "notes.txt"],
        "# keep only the Go files\n!**/*.go\n!**/*.mod\n",
    );
    let r = run(d.path(), Builder::Buildkit);
    let got = ids(&r);
    assert!(got.contains(&("DI006".to_string(), Some(2))), "{got:?}");
    assert!(got.contains(&("DI006".to_string(), Some(3))), "{got:?}");
    let f = r.findings.iter().find(|f| f.rule == "DI006").unwrap();
    assert_eq!(f.severity, "medium");
    assert!(
        f.message.contains("no line of the file excludes anything"),
        "{}",
        f.message
    );
    // A file that starts with `*` is clean; so is a redundant exception above unrelated
    // exclusions (the file still keeps out what it names).
    for text in ["*\n!**/*.go\n!**/*.mod\n", "!.gitignore\nnotes.txt\n"] {
        let d = ctx(&["Dockerfile", "main.go", "go.mod", "notes.txt"], text);
        let r = run(d.path(), Builder::Buildkit);
        assert!(
            !ids(&r).iter().any(|(id, _)| id == "DI006"),
            "{text:?}: {:?}",
            ids(&r)
        );
    }
}

/// go-vikunja/vikunja: `logs/` beside a sent `.git` was a medium DI003 (exit 1) whose example
/// was `.git/logs/HEAD` and whose fix `**/logs` aims at git's own reflogs; a pattern written for
/// the project's files is not about VCS metadata, which the report names on its own line.
#[test]
fn a_root_only_pattern_ignores_vcs_metadata() {
    let d = ctx(
        &[
            "Dockerfile",
            "logs/app.log",
            ".git/HEAD",
            ".git/logs/HEAD",
            ".git/logs/refs/heads/main",
            ".hg/logs/x",
            "src/main.go",
        ],
        "logs/\n",
    );
    for b in [Builder::Buildkit, Builder::Classic] {
        let r = run(d.path(), b);
        assert!(
            !r.findings.iter().any(|f| f.rule == "DI003"),
            "{:?}",
            r.findings
        );
    }
    // A project's own deeper `logs/` is still one.
    let d = ctx(
        &[
            "Dockerfile",
            "logs/app.log",
            ".git/logs/HEAD",
            "api/logs/x.log",
        ],
        "logs/\n",
    );
    let r = run(d.path(), Builder::Buildkit);
    let f = r.findings.iter().find(|f| f.rule == "DI003").unwrap();
    assert!(f.message.contains("api/logs/x.log"), "{}", f.message);
    assert!(f.message.contains("1 file below it"), "{}", f.message);
}

/// ollama: `app` keeps out its `app/` sources; a binary `target/debug/app` below (inside a
/// flagged `target/`) is another thing named alike, not what the line was written for: no
/// DI003 (it was a medium one, exit 1, proposing `**/app`). A deeper directory of that name
/// is still one.
#[test]
fn a_root_only_pattern_ignores_deeper_entries_of_another_kind() {
    let d = ctx(
        &[
            "Dockerfile",
            "app/main.go",
            "target/debug/app",
            "src/main.rs",
        ],
        "app\n",
    );
    for b in [Builder::Buildkit, Builder::Classic] {
        let r = run(d.path(), b);
        assert!(
            !r.findings.iter().any(|f| f.rule == "DI003"),
            "{:?}",
            r.findings
        );
    }
    let d = ctx(
        &["Dockerfile", "app/main.go", "web/app/x.log", "src/main.rs"],
        "app\n",
    );
    let r = run(d.path(), Builder::Buildkit);
    let f = r.findings.iter().find(|f| f.rule == "DI003").unwrap();
    assert!(f.message.contains("web/app/x.log"), "{}", f.message);
}

/// docmost: `apps/client/.dockerignore` and `apps/server/.dockerignore` (`node_modules`,
/// `.git`, `.gitignore`, `dist`), stale beside a root file that keeps out the rest already,
/// were medium (exit 1) for the one file they would keep out, each directory's `.gitignore`.
/// Git's bookkeeping files are no loss; a log the nested file names still is.
#[test]
fn a_stale_nested_ignore_file_losing_only_git_bookkeeping_is_info() {
    let d = ctx(
        &[
            "Dockerfile",
            "apps/client/src/main.ts",
            "apps/client/.gitignore",
            "apps/client/assets/.gitkeep",
            "apps/server/.gitattributes",
            "apps/server/main.ts",
            "apps/server/debug.log",
        ],
        "**/node_modules\n**/.git\n**/dist\n",
    );
    let w = |p: &str, t: &str| std::fs::write(d.path().join(p), t).unwrap();
    w(
        "apps/client/.dockerignore",
        "node_modules\n.git\n.gitignore\n**/.gitkeep\ndist\n",
    );
    w(
        "apps/server/.dockerignore",
        "node_modules\n.gitattributes\n*.log\n",
    );
    let r = run(d.path(), Builder::Buildkit);
    let (sev, msg) = di010(&r, "apps/client/.dockerignore");
    assert_eq!(sev, "info", "{msg}");
    assert!(msg.contains("nothing is lost"), "{msg}");
    let (sev, msg) = di010(&r, "apps/server/.dockerignore");
    assert_eq!(sev, "medium", "{msg}");
    assert!(
        msg.contains("keep out 1 file this build sends (e.g. apps/server/debug.log)"),
        "{msg}"
    );
}
