//! `--engine podman` (`podman build`, `buildah bud`). Expectations from containers/buildah
//! `5b1b18e` — `pkg/util/util.go` (`DiscoverContainerfile`), `pkg/parse/parse.go`
//! (`ContainerIgnoreFile`), `imagebuildah/build.go` (`BuildDockerfiles`), `copier/copier.go`
//! (`copierHandlerGet`, `pathIsExcluded`) and the vendored containers/storage
//! `pkg/fileutils/fileutils.go` (`NewPatternMatcher`, `Matches`, `Pattern.compile`) and
//! openshift/imagebuilder `builder.go` (`ParseIgnoreReader`) — and, for the table below, from a
//! real `buildah bud --isolation chroot --storage-driver vfs` 1.28.2 of `FROM scratch` +
//! `COPY . /ctx/`, listing `/ctx` of the image (docs/podman.md). An excluded directory is not
//! itself copied (the copier skips its entry), so `sub` appears in the image only because
//! `sub/keep.txt` was extracted into it: ctxsize lists `sub/keep.txt` without `sub/`.

use std::process::Output;

use serde_json::Value;

use crate::util::{ok_stdout, text, TestEnv};

const CF: &str = "FROM scratch\nCOPY . /ctx/\n";

fn lines(o: &Output) -> Vec<String> {
    text(&ok_stdout(o)).lines().map(str::to_string).collect()
}

fn json(o: &Output) -> Value {
    serde_json::from_slice(&ok_stdout(o))
        .unwrap_or_else(|e| panic!("{e}: {}\n{}", text(&o.stdout), text(&o.stderr)))
}

fn env(files: &[(&str, &str)]) -> TestEnv {
    let env = TestEnv::new();
    env.file("Containerfile", CF);
    for (p, c) in files {
        env.file(p, c);
    }
    env
}

/// A case: its name, the files besides the Containerfile, what `buildah bud` 1.28.2 copied.
type Case = (
    &'static str,
    &'static [(&'static str, &'static str)],
    &'static [&'static str],
);

#[test]
fn buildah_walk_cases_match_a_real_buildah() {
    let cases: &[Case] = &[
        // ContainerIgnoreFile: .containerignore is read, .dockerignore is not.
        (
            "both",
            &[
                ("a", "x"),
                ("b", "x"),
                (".dockerignore", "a\n"),
                (".containerignore", "b\n"),
            ],
            &[".containerignore", ".dockerignore", "Containerfile", "a"],
        ),
        (
            "dockerignore only",
            &[("a", "x"), ("b", "x"), (".dockerignore", "a\n")],
            &[".dockerignore", "Containerfile", "b"],
        ),
        // ContainerIgnoreFile: <Containerfile>.dockerignore overwrites the .containerignore.
        (
            "per-file pair",
            &[
                ("x", "x"),
                ("y", "x"),
                ("Containerfile.containerignore", "x\n"),
                ("Containerfile.dockerignore", "y\n"),
            ],
            &[
                "Containerfile",
                "Containerfile.containerignore",
                "Containerfile.dockerignore",
                "x",
            ],
        ),
        // storage Matches: `(/.*)?$`, every pattern against the whole path (R16 a): `!d`
        // re-includes d/f (docker excludes it, R16 b).
        (
            "quirk1",
            &[
                ("d/f", "x"),
                ("d/g", "x"),
                (".containerignore", "d/*\n!d\n"),
            ],
            &[".containerignore", "Containerfile", "d/", "d/f", "d/g"],
        ),
        // Pattern.compile: `**` then a literal is `(.*/)?` + the literal (docker: any suffix).
        (
            "dstarlog",
            &[
                ("x.log", "x"),
                ("sub/y.log", "x"),
                ("sub/zlog", "x"),
                (".containerignore", "**.log\n"),
            ],
            &[
                ".containerignore",
                "Containerfile",
                "sub/",
                "sub/y.log",
                "sub/zlog",
                "x.log",
            ],
        ),
        // copierHandlerGet: no exception starts with `sub`, so `sub` is not entered.
        (
            "wildcard exception",
            &[
                ("sub/keep.txt", "x"),
                ("sub/drop.txt", "x"),
                (".containerignore", "sub\n!**/keep.txt\n"),
            ],
            &[".containerignore", "Containerfile"],
        ),
        // ... but `!subway/x` starts with `sub` (`HasPrefix(spec+"/", dir)`): entered, and the
        // wildcard exception then re-includes sub/keep.txt (docker's classic builder does not).
        (
            "subway",
            &[
                ("sub/keep.txt", "x"),
                ("sub/x", "x"),
                ("subway/x", "x"),
                (".containerignore", "sub\n!subway/x\n!**/keep.txt\n"),
            ],
            &[
                ".containerignore",
                "Containerfile",
                "sub/keep.txt",
                "subway/",
                "subway/x",
            ],
        ),
        (
            "glob under a literal dir",
            &[
                ("sub/keep.txt", "x"),
                ("sub/drop.txt", "x"),
                (".containerignore", "sub\n!sub/*.txt\nsub/drop.txt\n"),
            ],
            &[".containerignore", "Containerfile", "sub/keep.txt"],
        ),
        // No force-inclusion: `*` excludes the Containerfile and the ignore file.
        (
            "allowlist",
            &[
                ("src/a", "x"),
                ("src/b/c", "x"),
                ("top", "x"),
                (".containerignore", "*\n!src\n"),
            ],
            &["src/", "src/a", "src/b/", "src/b/c"],
        ),
        // ParseIgnoreReader trims `/` before whitespace: `  /foo` stays absolute.
        (
            "slash",
            &[
                ("foo", "x"),
                ("bar/x", "x"),
                (".containerignore", "  /foo\n/bar/\n"),
            ],
            &[".containerignore", "Containerfile", "foo"],
        ),
        // NewPatternMatcher: no TrimSpace after `!`: `! d` re-includes nothing.
        (
            "space after bang",
            &[("d/f", "x"), ("e", "x"), (".containerignore", "*\n! d\n")],
            &[],
        ),
        // text/scanner skips a BOM when the regex is built.
        (
            "bom",
            &[
                ("a", "x"),
                ("b", "x"),
                (".containerignore", "\u{feff}a\nb\n"),
            ],
            &[".containerignore", "Containerfile"],
        ),
    ];
    for (name, files, want) in cases {
        let e = env(files);
        let got = lines(&e.run(["list", "--engine", "podman", "."]));
        assert_eq!(got, *want, "{name}");
        // `buildah` is the same engine.
        let alias = lines(&e.run(["list", "--engine", "buildah", "."]));
        assert_eq!(alias, *want, "{name} (--engine buildah)");
    }
}

/// The one difference ctxsize does not reproduce (storage's `Pattern.compile` passes `+` to
/// Go's regexp: `buildah bud` copied `a+b` and excluded `aab` and `ab`); it says so instead.
#[test]
fn regex_metacharacters_are_named_not_reproduced() {
    let e = env(&[
        ("a+b", "x"),
        ("aab", "x"),
        ("ab", "x"),
        (".containerignore", "a+b\n"),
    ]);
    assert_eq!(
        lines(&e.run(["list", "--engine", "podman", "."])),
        [".containerignore", "Containerfile", "aab", "ab"]
    );
    let j = json(&e.run(["--engine", "podman", "--format", "json", "."]));
    let notes: Vec<&str> = j["notes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| n.as_str().unwrap())
        .collect();
    assert!(
        notes.iter().any(|n| n.contains(".containerignore:1: `a+b`")
            && n.contains("Buildah may copy other files than listed")),
        "{notes:?}"
    );
}

#[test]
fn containerfile_is_found_before_dockerfile() {
    let e = env(&[("Dockerfile", "FROM scratch\nCOPY missing /\n")]);
    let j = json(&e.run(["--engine", "podman", "--format", "json", "."]));
    assert!(
        j["dockerfile"]
            .as_str()
            .unwrap()
            .ends_with("/Containerfile"),
        "{j}"
    );
    assert_eq!(j["engine"], "podman");
    assert_eq!(j["builder"], "classic");
    // docker itself reads the Dockerfile, and says so in its JSON.
    let j = json(&e.run(["--format", "json", "."]));
    assert!(
        j["dockerfile"].as_str().unwrap().ends_with("/Dockerfile"),
        "{j}"
    );
    assert_eq!(j["engine"], "docker");
}

#[test]
fn ignorefile_wins_and_needs_podman() {
    let e = env(&[("a", "x"), ("b", "x"), (".containerignore", "a\n")]);
    e.file("../alt.ignore", "b\n");
    let o = e.run([
        "list",
        "--engine",
        "podman",
        "--ignorefile",
        "../alt.ignore",
        ".",
    ]);
    assert_eq!(lines(&o), [".containerignore", "Containerfile", "a"]);
    let o = e.run(["list", "--ignorefile", "../alt.ignore", "."]);
    assert_eq!(o.status.code(), Some(2), "{}", text(&o.stderr));
    assert!(text(&o.stderr).contains("--engine podman"));
    // ContainerIgnoreFile: a named file that cannot be read fails the build.
    let o = e.run(["list", "--engine", "podman", "--ignorefile", "nope", "."]);
    assert_eq!(o.status.code(), Some(2), "{}", text(&o.stderr));
    let o = e.run(["list", "--engine", "podman", "--builder", "classic", "."]);
    assert_eq!(o.status.code(), Some(2));
}

/// ContainerIgnoreFile joins a relative `-f` to the context, whatever the current directory.
#[test]
fn per_file_ignore_is_looked_up_under_the_context() {
    let e = TestEnv::new();
    e.file("app/Containerfile", CF)
        .file("app/Containerfile.containerignore", "a\n")
        .file("a", "x")
        .file("b", "x");
    // From the context: `app/Containerfile` is the same file either way.
    let o = e.run(["list", "--engine", "podman", "-f", "app/Containerfile", "."]);
    assert_eq!(
        lines(&o),
        [
            "app/",
            "app/Containerfile",
            "app/Containerfile.containerignore",
            "b"
        ]
    );
    // From the parent, `-f ctx/app/Containerfile`: Buildah looks for
    // `<context>/ctx/app/Containerfile.containerignore`, which does not exist.
    let o = e.run_in(
        &e.tmp(),
        [
            "list",
            "--engine",
            "podman",
            "-f",
            "ctx/app/Containerfile",
            "ctx",
        ],
    );
    assert!(lines(&o).contains(&"a".to_string()), "{}", text(&o.stdout));
}

#[test]
fn docker_is_told_what_podman_reads() {
    let e = env(&[("a", "x"), (".containerignore", "a\n")]);
    let j = json(&e.run(["--format", "json", "."]));
    let notes = j["notes"].to_string();
    assert!(
        notes.contains("Containerfile is read by Podman/Buildah only"),
        "{notes}"
    );
    assert!(
        notes.contains(".containerignore is not read by docker"),
        "{notes}"
    );
    // docker sends `a`; Podman does not.
    let docker = lines(&e.run(["list", "-f", "Containerfile", "."]));
    assert!(docker.contains(&"a".to_string()));
    let podman = lines(&e.run(["list", "--engine", "podman", "."]));
    assert!(!podman.contains(&"a".to_string()));
}

#[test]
fn explain_compares_podman_with_docker() {
    let e = env(&[("d/f", "x"), (".dockerignore", "d/*\n!d\n")]);
    let o = e.run(["explain", "--engine", "podman", "d/f"]);
    let out = text(&ok_stdout(&o));
    assert!(
        out.contains("Podman/Buildah: SENT — re-included by .dockerignore:2: `!d`"),
        "{out}"
    );
    assert!(out.contains("BuildKit: NOT SENT"), "{out}");
    assert!(
        out.contains("Podman/Buildah and docker (BuildKit) disagree"),
        "{out}"
    );
    let j = json(&e.run(["explain", "--engine", "podman", "--format", "json", "d/f"]));
    assert_eq!(j[0]["verdicts"][0]["engine"], "podman");
    assert_eq!(j[0]["verdicts"][1]["engine"], "docker");
}

#[test]
fn lint_reports_where_the_engines_disagree() {
    let e = env(&[
        ("d/f", "x"),
        ("x.log", "x"),
        (".dockerignore", "d/*\n!d\n**.log\n"),
    ]);
    let o = e.run(["lint", "--engine", "podman", "."]);
    let out = text(&o.stdout);
    assert!(
        out.contains("Podman/Buildah and docker (BuildKit) disagree on 2 entries: d/f (Podman/Buildah only), x.log (Podman/Buildah only)"),
        "{out}{}",
        text(&o.stderr)
    );
}

#[test]
fn suggest_writes_the_file_podman_reads() {
    let e = env(&[("src/a.js", "x"), ("node_modules/x/b.js", "x")]);
    e.file("Containerfile", "FROM scratch\nCOPY src /app/src\n");
    let o = e.run(["suggest", "--engine", "podman", "--write", "."]);
    ok_stdout(&o);
    // With --write the summary goes to stderr.
    let out = text(&o.stderr);
    assert!(
        out.contains("proven: every file the build copies is still sent under Podman/Buildah"),
        "{out}"
    );
    let written = std::fs::read_to_string(e.path(".containerignore")).unwrap();
    assert!(written.contains("\n!src\n"), "{written}");
    assert!(!e.path(".dockerignore").exists());
    assert_eq!(
        lines(&e.run(["list", "--engine", "podman", "."])),
        ["src/", "src/a.js"]
    );
    // With a .dockerignore only, that is the file Podman reads: it is the one rewritten.
    let e = env(&[
        ("src/a.js", "x"),
        ("junk", "x"),
        (".dockerignore", "junk\n"),
    ]);
    e.file("Containerfile", "FROM scratch\nCOPY src /app/src\n");
    let o = e.run(["suggest", "--engine", "podman", "--write", "."]);
    ok_stdout(&o);
    assert!(!e.path(".containerignore").exists());
    assert!(std::fs::read_to_string(e.path(".dockerignore"))
        .unwrap()
        .contains("!src"));
}

#[test]
fn sockets_are_skipped_with_buildahs_warning() {
    let e = env(&[("a", "x")]);
    e.socket("s.sock");
    let j = json(&e.run(["--engine", "podman", "--format", "json", "."]));
    assert!(
        j["warnings"]
            .to_string()
            .contains("socket s.sock is skipped by Podman/Buildah"),
        "{j}"
    );
    assert_eq!(
        lines(&e.run(["list", "--engine", "podman", "."])),
        ["Containerfile", "a"]
    );
}

#[test]
fn no_containerfile_is_podmans_error() {
    let e = TestEnv::new();
    e.file("dockerfile", "FROM scratch\n");
    let o = e.run(["--engine", "podman", "."]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        text(&o.stderr).contains("cannot find Containerfile or Dockerfile in context directory"),
        "{}",
        text(&o.stderr)
    );
}

#[test]
fn bake_is_docker_only() {
    let e = env(&[]);
    let o = e.run(["bake", "--engine", "podman"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(text(&o.stderr).contains("--engine podman does not apply"));
}

/// `buildah bud -f app/Containerfile ctx2` run from the parent (buildah 1.28.2, docs/podman.md):
/// the ignore file beside the Containerfile is not read; `ctx2/app/Containerfile.containerignore`
/// is (ContainerIgnoreFile joins the relative `-f` to the context).
#[test]
fn relative_file_beside_the_containerfile_is_not_read() {
    let e = TestEnv::new();
    e.file("app/Containerfile", CF)
        .file("app/Containerfile.containerignore", "a\n")
        .file("ctx2/app/Containerfile.containerignore", "b\n")
        .file("ctx2/a", "x")
        .file("ctx2/b", "x");
    let o = e.run([
        "list",
        "--engine",
        "podman",
        "-f",
        "app/Containerfile",
        "ctx2",
    ]);
    assert_eq!(
        lines(&o),
        ["a", "app/", "app/Containerfile.containerignore"]
    );
}

/// A local named context under Podman: its own root `.containerignore`, else `.dockerignore`,
/// not the main context's patterns (buildah `imagebuildah/stage_executor.go` `performCopy`,
/// `ContainerIgnoreFile(additionalBuildContext.Value, "", nil)`, since buildah 1.33.0, commit
/// b574b806e; buildah 1.28.2 applied no patterns there at all).
#[test]
fn named_context_reads_its_own_containerignore() {
    let e = TestEnv::new();
    e.file(
        "main/Containerfile",
        "FROM scratch\nCOPY --from=shared . /ctx/\n",
    )
    .file("main/.containerignore", "lib\n")
    .file("shared/lib/x", "x")
    .file("shared/node_modules/y", "y")
    .file("shared/.containerignore", "node_modules\n")
    .file("shared/.dockerignore", "lib\n");
    let args = [
        "list",
        "--build-context",
        "shared=shared",
        "--context",
        "shared",
    ];
    let podman = lines(&e.run(args.iter().chain(&["--engine", "podman", "main"])));
    assert_eq!(
        podman,
        [".containerignore", ".dockerignore", "lib/", "lib/x"]
    );
    // docker reads the named context's .dockerignore.
    let docker = lines(&e.run(args.iter().chain(&["main"])));
    assert!(!docker.iter().any(|l| l.starts_with("lib")), "{docker:?}");
    assert!(docker.contains(&"node_modules/y".to_string()), "{docker:?}");
}

/// podman-remote (Podman on macOS and Windows): what the client uploads. Expectations from
/// containers/podman `c6580b4` `pkg/bindings/images/build.go` (`prepareContainerFiles`: the
/// `dontexcludes` list; `nTar`: `pm.Matches` on every path, never `SkipDir`, only files,
/// directories and symlinks) and `pkg/util/utils.go` (`ParseDockerignore`: the root
/// `.containerignore`, then `.dockerignore`, before any `<Containerfile>.*ignore`).
#[test]
fn podman_remote_uploads_its_own_tar() {
    let e = env(&[
        ("sub/keep.txt", "k"),
        ("sub/drop.txt", "d"),
        ("x/y", "y"),
        ("Dockerfile", "FROM scratch\n"),
        (".containerignore", "*\n!sub/keep.txt\n!**/y\n"),
        ("Containerfile.dockerignore", "nothing\n"),
    ]);
    e.fifo("pipe");
    let remote = lines(&e.run(["list", "--engine", "podman-remote", "."]));
    // The root .containerignore is read; `*` cannot drop the Containerfile, the Dockerfile or
    // the ignore files; every excluded directory is walked, so `!**/y` reaches x/y; the FIFO is
    // not sent.
    assert_eq!(
        remote,
        [
            ".containerignore",
            "Containerfile",
            "Containerfile.dockerignore",
            "Dockerfile",
            "sub/keep.txt",
            "x/y"
        ]
    );
    // Local Buildah reads Containerfile.dockerignore instead (ContainerIgnoreFile), which
    // excludes nothing here.
    let local = lines(&e.run(["list", "--engine", "podman", "."]));
    assert!(local.contains(&"sub/drop.txt".to_string()), "{local:?}");
    assert!(local.contains(&"pipe".to_string()), "{local:?}");
    let j = json(&e.run(["--engine", "podman-remote", "--format", "json", "."]));
    assert_eq!(j["engine"], "podman-remote");
    assert!(j["ignore_file"]
        .as_str()
        .unwrap()
        .ends_with("/.containerignore"));
    assert!(
        j["notes"]
            .to_string()
            .contains("Containerfile.dockerignore is not used: podman-remote reads"),
        "{j}"
    );
}
