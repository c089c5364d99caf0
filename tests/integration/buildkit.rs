//! BuildKit's rules B1–B7 (spec section 9), with the expected contexts of the spec's tables
//! (sections 10 and 11). Comparisons use `ctxsize list` (`analysis::list_lines`): every entry,
//! sorted by bytes, directories ending in `/`. Where the classic builder differs, its answer is
//! asserted too, so each test shows the difference the rule makes.

use std::path::PathBuf;

use ctxsize::analysis::{list_lines, Config};
use ctxsize::tree::State;
use ctxsize::Builder::{Buildkit, Classic};

#[cfg(unix)]
use crate::util::{is_root, skip};
use crate::util::{lossy, text, TestEnv};

const DF: &str = "FROM scratch\n";

fn err(env: &TestEnv, builder: ctxsize::Builder, df: Option<&str>) -> String {
    match env.analyze(builder, df) {
        Ok(a) => panic!("expected an error, got {:?}", lossy(&list_lines(&a.tree))),
        Err(e) => e.to_string(),
    }
}

// ---------------------------------------------------------------------------------------------
// B1: which ignore file.

#[test]
fn b1_dockerfile_specific_ignore_replaces_context_ignore() {
    let env = TestEnv::new();
    env.file("Dockerfile", DF)
        .file("a", "a\n")
        .file("b", "b\n")
        .dockerignore("a\n")
        .file("Dockerfile.dockerignore", "b\n");
    // Replaced, not merged: `a` is sent, `b` is not.
    assert_eq!(
        env.list(Buildkit, None),
        [
            ".dockerignore",
            "Dockerfile",
            "Dockerfile.dockerignore",
            "a"
        ]
    );
    let a = env.analyze(Buildkit, None).unwrap();
    assert_eq!(
        a.resolved.ignore_file,
        Some(env.path("Dockerfile.dockerignore"))
    );
    // The classic builder reads only <ctx>/.dockerignore (R1).
    assert_eq!(
        env.list(Classic, None),
        [
            ".dockerignore",
            "Dockerfile",
            "Dockerfile.dockerignore",
            "b"
        ]
    );
}

#[test]
fn b1_ignore_file_sits_next_to_the_dockerfile_given_relative_to_cwd() {
    let env = TestEnv::new();
    env.file("sub/app.Dockerfile", DF)
        .file("sub/app.Dockerfile.dockerignore", "x\n")
        // In the wrong place: the context root is not the Dockerfile's directory.
        .file("app.Dockerfile.dockerignore", "y\n")
        .dockerignore("y\n")
        .file("x", "x\n")
        .file("y", "y\n");
    // -f is relative to the current directory (here the context's parent), not the context.
    let cfg = Config {
        context: PathBuf::from("ctx"),
        dockerfile: Some(PathBuf::from("ctx/sub/app.Dockerfile")),
        builder: Buildkit,
        cwd: env.tmp(),
        threads: 2,
        excluded_sizes: true,
        engine: ctxsize::engine::Engine::Docker,
    };
    let a = ctxsize::analyze(&cfg).unwrap();
    assert_eq!(
        lossy(&list_lines(&a.tree)),
        [
            ".dockerignore",
            "app.Dockerfile.dockerignore",
            "sub/",
            "sub/app.Dockerfile",
            "sub/app.Dockerfile.dockerignore",
            "y"
        ]
    );
    assert_eq!(
        a.resolved.ignore_file,
        Some(env.path("sub/app.Dockerfile.dockerignore"))
    );
    // The same -f taken relative to the context does not exist.
    let cfg = Config {
        dockerfile: Some(PathBuf::from("sub/app.Dockerfile")),
        ..cfg
    };
    assert!(ctxsize::analyze(&cfg).is_err());
}

#[test]
fn b1_no_specific_ignore_falls_back_to_context_ignore() {
    let env = TestEnv::new();
    env.file("sub/app.Dockerfile", DF)
        .dockerignore("x\n")
        .file("x", "")
        .file("y", "");
    assert_eq!(
        env.list(Buildkit, Some("sub/app.Dockerfile")),
        [".dockerignore", "sub/", "sub/app.Dockerfile", "y"]
    );
    // A `<Dockerfile>.dockerignore` that cannot be read as a file does not count either.
    env.dir("sub/app.Dockerfile.dockerignore");
    assert_eq!(
        env.list(Buildkit, Some("sub/app.Dockerfile")),
        [
            ".dockerignore",
            "sub/",
            "sub/app.Dockerfile",
            "sub/app.Dockerfile.dockerignore/",
            "y"
        ]
    );
}

#[test]
fn b1_dockerfile_from_stdin_uses_context_ignore() {
    let env = TestEnv::new();
    env.file("Dockerfile.dockerignore", "a\n")
        .dockerignore("b\n")
        .file("a", "")
        .file("b", "");
    assert_eq!(
        env.list(Buildkit, Some("-")),
        [".dockerignore", "Dockerfile.dockerignore", "a"]
    );
}

#[cfg(unix)] // file modes, sockets and device nodes
#[test]
fn b1_unreadable_ignore_file_means_no_patterns() {
    // A directory named .dockerignore: BuildKit reads no patterns; classic fails (S9).
    let env = TestEnv::new();
    env.file("Dockerfile", DF)
        .file("a", "")
        .dir(".dockerignore");
    env.file(".dockerignore/a", "");
    assert_eq!(
        env.list(Buildkit, None),
        [".dockerignore/", ".dockerignore/a", "Dockerfile", "a"]
    );
    let a = env.analyze(Buildkit, None).unwrap();
    assert_eq!(a.resolved.ignore_file, None);
    assert!(err(&env, Classic, None).contains("error reading .dockerignore: read "));
    assert!(err(&env, Classic, None).ends_with("is a directory"));

    // A mode-000 file (docker/cli#1938): silently empty for BuildKit, fatal for classic.
    if is_root() {
        skip("b1 mode-000 .dockerignore", "root can read a mode-000 file");
        return;
    }
    let env = TestEnv::new();
    env.file("Dockerfile", DF)
        .file("a", "")
        .dockerignore("a\n")
        .mode(".dockerignore", 0o000);
    assert_eq!(
        env.list(Buildkit, None),
        [".dockerignore", "Dockerfile", "a"]
    );
    assert!(err(&env, Classic, None).contains("/.dockerignore: "));
}

// ---------------------------------------------------------------------------------------------
// B2: same parser and matcher; errors fail the build.

#[test]
fn b2_same_parsing_rules() {
    let env = TestEnv::new();
    env.file("Dockerfile", DF)
        .file("a.txt", "")
        .file("b.txt", "")
        .file("c.txt", "")
        .file("#d", "")
        .file("e", "")
        // BOM, CRLF, column-1 comment, indented `#` is a pattern, `!` re-trimmed, trailing `/`.
        .dockerignore("\u{feff}a.txt\r\n# c.txt\n  #d\n*.txt\n  !  b.txt\ne/\n");
    assert_eq!(
        env.list(Buildkit, None),
        [".dockerignore", "Dockerfile", "b.txt"]
    );
}

#[test]
fn b2_invalid_patterns_fail() {
    for (text, msg) in [
        ("[abc\n", "syntax error in pattern"),
        ("a\\\n", "syntax error in pattern"),
        ("!  \n", "illegal exclusion pattern"),
        ("!/\n", "illegal exclusion pattern"),
        ("[z-a]\n", "syntax error in pattern"),
    ] {
        let env = TestEnv::new();
        env.file("Dockerfile", DF).file("a", "").dockerignore(text);
        let e = err(&env, Buildkit, None);
        assert!(e.contains(msg), "{text:?}: {e}");
    }
    let env = TestEnv::new();
    let mut long = vec![b'a'; 70_000];
    long.push(b'\n');
    env.file("Dockerfile", DF).file("a", "").dockerignore(long);
    assert!(err(&env, Buildkit, None).contains("token too long"));
}

#[test]
fn b2_broken_exception_never_evaluated() {
    // Table: `!x[z-a]` alone → xb (the exception is never evaluated, so never compiled).
    let env = TestEnv::new();
    env.file("Dockerfile", DF)
        .file("xb", "")
        .dockerignore("!x[z-a]\n");
    assert_eq!(
        env.list(Buildkit, None),
        [".dockerignore", "Dockerfile", "xb"]
    );
}

// ---------------------------------------------------------------------------------------------
// B3: no force-inclusion.

#[test]
fn b3_star_gives_an_empty_main_context() {
    let env = TestEnv::new();
    env.file("Dockerfile", DF).file("a", "").dockerignore("*\n");
    assert!(env.list(Buildkit, None).is_empty());
    let a = env.analyze(Buildkit, None).unwrap();
    assert_eq!(a.totals.files, 0);
    assert_eq!(a.totals.tar_bytes, 1024);
    // Classic force-includes both (R18).
    assert_eq!(env.list(Classic, None), [".dockerignore", "Dockerfile"]);
}

#[test]
fn b3_excluded_dockerfile_and_ignore_file_are_absent() {
    let env = TestEnv::new();
    env.file("Dockerfile", DF)
        .file("a", "")
        .dockerignore(".dockerignore\nDockerfile\n");
    assert_eq!(env.list(Buildkit, None), ["a"]);
    assert_eq!(
        env.list(Classic, None),
        [".dockerignore", "Dockerfile", "a"]
    );
}

#[test]
fn b3_dockerfile_in_excluded_dirs() {
    // Table: `**/a`, -f a/x/y/Dockerfile → nothing but the (unmatched) .dockerignore.
    let env = TestEnv::new();
    env.file("a/x/y/Dockerfile", DF)
        .file("a/z", "")
        .dockerignore("**/a\n");
    assert_eq!(
        env.list(Buildkit, Some("a/x/y/Dockerfile")),
        [".dockerignore"]
    );
    // Classic: R16(c) misses the match, so the Dockerfile is not force-included either.
    assert_eq!(
        env.list(Classic, Some("a/x/y/Dockerfile")),
        [".dockerignore"]
    );

    // Table: `*`, -f a[1].Dockerfile → an empty context in the spec's model; the real BuildKit
    // fetches the Dockerfile with `a[1].Dockerfile` as an include pattern, which matches only
    // `a1.Dockerfile`, so the build fails before any context is sent (B13).
    let env = TestEnv::new();
    env.file("a[1].Dockerfile", DF)
        .file("a1.Dockerfile", DF)
        .dockerignore("*\n");
    assert_eq!(
        err(&env, Buildkit, Some("a[1].Dockerfile")),
        "failed to read dockerfile: open a[1].Dockerfile: no such file or directory"
    );
    assert_eq!(
        env.list(Classic, Some("a[1].Dockerfile")),
        [".dockerignore", "a1.Dockerfile"]
    );
}

// ---------------------------------------------------------------------------------------------
// B4: pruning.

fn keep_tree(ignore: &str) -> TestEnv {
    let env = TestEnv::new();
    env.file("Dockerfile", DF)
        .file("sub/keep.txt", "")
        .file("sub/drop.txt", "")
        .dockerignore(ignore);
    env
}

#[test]
fn b4_wildcard_exception_reaches_inside_excluded_dir() {
    let env = keep_tree("sub\n!**/keep.txt\n");
    assert_eq!(
        env.list(Buildkit, None),
        [".dockerignore", "Dockerfile", "sub/", "sub/keep.txt"]
    );
    assert_eq!(env.list(Classic, None), [".dockerignore", "Dockerfile"]);

    let env = keep_tree("sub\n!*/keep.txt\n");
    assert_eq!(
        env.list(Buildkit, None),
        [".dockerignore", "Dockerfile", "sub/", "sub/keep.txt"]
    );

    // Table: `*` `!**/*.py`.
    let env = TestEnv::new();
    env.file("Dockerfile", DF)
        .file("top.py", "")
        .file("top.txt", "")
        .file("subdir/sub.py", "")
        .dockerignore("*\n!**/*.py\n");
    assert_eq!(
        env.list(Buildkit, None),
        ["subdir/", "subdir/sub.py", "top.py"]
    );
    assert_eq!(
        env.list(Classic, None),
        [".dockerignore", "Dockerfile", "top.py"]
    );
}

#[test]
fn b4_literal_exception_and_table_rows() {
    for (ignore, files, want) in [
        (
            "sub\n!sub/keep.txt\n",
            &["sub/keep.txt", "sub/drop.txt"][..],
            &[".dockerignore", "Dockerfile", "sub/", "sub/keep.txt"][..],
        ),
        (
            "sub\n!sub/**\n",
            &["sub/keep.txt", "sub/x/y"],
            &[
                ".dockerignore",
                "Dockerfile",
                "sub/",
                "sub/keep.txt",
                "sub/x/",
                "sub/x/y",
            ],
        ),
        (
            "*.log\n",
            &["a.log", "sub/b.log"],
            &[".dockerignore", "Dockerfile", "sub/", "sub/b.log"],
        ),
        (
            "**/*.log\n",
            &["a.log", "sub/b.log", "sub/c.txt"],
            &[".dockerignore", "Dockerfile", "sub/", "sub/c.txt"],
        ),
        (
            "d/*\n!d\n",
            &["d/f", "d/g"],
            &[".dockerignore", "Dockerfile", "d/"],
        ),
        (
            "d\n!d/f\nd\n",
            &["d/f", "d/g"],
            &[".dockerignore", "Dockerfile", "d/", "d/f"],
        ),
        (
            "x/**\n",
            &["x/a", "x/s/b"],
            &[".dockerignore", "Dockerfile", "x/"],
        ),
        (
            "foo**\n",
            &["foo/bar", "foobar", "fo"],
            &[".dockerignore", "Dockerfile", "fo"],
        ),
        (
            "**.log\n",
            &["x.log", "sub/y.log", "sub/zlog"],
            &[".dockerignore", "Dockerfile", "sub/", "sub/zlog"],
        ),
        (
            "a[^x]b\n",
            &["a/b", "axb", "ayb"],
            &[".dockerignore", "Dockerfile", "a/", "axb"],
        ),
        (
            "[!a]1\n",
            &["a1", "b1", "!1"],
            &[".dockerignore", "Dockerfile", "b1"],
        ),
        (
            "file\\d\n",
            &["file1", "filed"],
            &[".dockerignore", "Dockerfile", "filed"],
        ),
        (
            "^a*\n",
            &["^ab", "ab"],
            &[".dockerignore", "Dockerfile", "^ab"],
        ),
        (
            "[a*]\n",
            &["a", "*", "a]", "aa]"],
            &["*", ".dockerignore", "Dockerfile", "a"],
        ),
        (
            "foo/\n",
            &["foo", "bar/x"],
            &[".dockerignore", "Dockerfile", "bar/", "bar/x"],
        ),
        (
            "/\n.\n./\n../a.txt\n",
            &["a.txt"],
            &[".dockerignore", "Dockerfile", "a.txt"],
        ),
        (
            "  #a.txt\n#b.txt\n",
            &["#a.txt", "#b.txt"],
            &["#b.txt", ".dockerignore", "Dockerfile"],
        ),
    ] {
        let env = TestEnv::new();
        env.file("Dockerfile", DF).dockerignore(ignore);
        for f in files {
            env.file(f, "");
        }
        assert_eq!(env.list(Buildkit, None), want, "ignore {ignore:?}");
    }
}

#[test]
fn b4_prefix_only_exceptions_still_prune() {
    // `other` is excluded and no exception starts with `other/`: BuildKit prunes it (never
    // lists it), so no entry below it is even looked at.
    let tree = |ignore: &str| {
        let env = TestEnv::new();
        env.file("Dockerfile", DF)
            .file("sub/keep.txt", "")
            .file("sub/drop.txt", "")
            .file("other/deep/f", "12345")
            .dockerignore(ignore);
        env
    };
    for ignore in [
        "sub\nother\n!sub/keep.txt\n",
        "sub\nother\n!sub/**\n",
        "sub\nother\n!sub/*\n",
    ] {
        let env = tree(ignore);
        let a = env.analyze(Buildkit, None).unwrap();
        let other = (0..a.tree.nodes.len() as u32)
            .find(|&i| a.tree.path(i) == b"other")
            .expect("other is a node");
        assert_eq!(a.tree.nodes[other as usize].state, State::Excluded);
        assert!(
            a.tree.nodes.iter().all(|n| n.parent != other),
            "{ignore:?}: other/ was walked"
        );
        assert!(a
            .tree
            .pruned
            .iter()
            .any(|&(id, f, b)| id == other && f == 1 && b == 5));
        let l = lossy(&list_lines(&a.tree));
        assert!(l.contains(&"sub/".to_string()) && l.contains(&"sub/keep.txt".to_string()));
    }
    // A single wildcard exception switches pruning off: `other/` is walked (and stays out).
    let env = tree("sub\nother\n!sub/keep.txt\n!**/nothing\n");
    let a = env.analyze(Buildkit, None).unwrap();
    let other = (0..a.tree.nodes.len() as u32)
        .find(|&i| a.tree.path(i) == b"other")
        .expect("other is a node");
    assert!(a.tree.nodes.iter().any(|n| n.parent == other));
    assert_eq!(
        lossy(&list_lines(&a.tree)),
        [".dockerignore", "Dockerfile", "sub/", "sub/keep.txt"]
    );
    assert_eq!(a.totals.excluded_files, 2);
    assert_eq!(a.totals.excluded_bytes, 5);
}

// ---------------------------------------------------------------------------------------------
// B5: parents of re-included entries are sent.

#[test]
fn b5_parents_synthesised() {
    let env = TestEnv::new();
    env.file("Dockerfile", DF)
        .file("a/b/c.txt", "0123456789")
        .file("a/b/d.txt", "")
        .file("a/e.txt", "")
        .dir("a/y")
        .dir("z")
        .dockerignore("*\n!a/b/c.txt\n");
    let a = env.analyze(Buildkit, None).unwrap();
    // Sorted by bytes, so each parent comes before its children.
    assert_eq!(lossy(&list_lines(&a.tree)), ["a/", "a/b/", "a/b/c.txt"]);
    assert_eq!(a.totals.dirs, 2);
    assert_eq!(a.totals.files, 1);
    assert_eq!(a.totals.content_bytes, 10);
    // 2 dir headers + 1 file header and block + the 1024-byte trailer.
    assert_eq!(a.totals.tar_bytes, 512 * 2 + 1024 + 1024);
    // Classic: no parent entries (R20).
    assert_eq!(
        env.list(Classic, None),
        [".dockerignore", "Dockerfile", "a/b/c.txt"]
    );

    // Table: `sub` `!sub/keep.txt`: sub/ before sub/keep.txt; classic has no sub/.
    let env = keep_tree("sub\n!sub/keep.txt\n");
    assert_eq!(
        env.list(Buildkit, None),
        [".dockerignore", "Dockerfile", "sub/", "sub/keep.txt"]
    );
    assert_eq!(
        env.list(Classic, None),
        [".dockerignore", "Dockerfile", "sub/keep.txt"]
    );
}

// ---------------------------------------------------------------------------------------------
// B6: errors (permission cases need a non-root run).

#[cfg(unix)] // file modes, sockets and device nodes
#[test]
fn b6_unreadable_excluded_dir_is_fine_when_pruned() {
    if is_root() {
        skip(
            "b6_unreadable_excluded_dir_is_fine_when_pruned",
            "needs a non-root run",
        );
        return;
    }
    let env = TestEnv::new();
    env.file("Dockerfile", DF)
        .file("priv/x", "")
        .file("a", "")
        .dockerignore("priv\n")
        .mode("priv", 0o000);
    assert_eq!(
        env.list(Buildkit, None),
        [".dockerignore", "Dockerfile", "a"]
    );
    // Classic lists the directory before pruning it (R17, case 75).
    assert!(err(&env, Classic, None).contains("can't stat"));
}

#[cfg(unix)] // file modes, sockets and device nodes
#[test]
fn b6_unreadable_reincluded_file_is_listed() {
    // Table: `sec` `!sec/f` with sec/f mode 000 → sec/, sec/f (its content arrives empty,
    // unverified) and nothing is lost after it, unlike the classic tar (case 85).
    if is_root() {
        skip(
            "b6_unreadable_reincluded_file_is_listed",
            "needs a non-root run",
        );
        return;
    }
    let env = TestEnv::new();
    env.file("Dockerfile", DF)
        .file("sec/f", "")
        .file("sec/g", "")
        .file("z", "")
        .dockerignore("sec\n!sec/f\n")
        .mode("sec/f", 0o000);
    assert_eq!(
        env.list(Buildkit, None),
        [".dockerignore", "Dockerfile", "sec/", "sec/f", "z"]
    );
}

#[cfg(unix)] // file modes, sockets and device nodes
#[test]
fn b6_unreadable_included_dir_fails() {
    if is_root() {
        skip("b6_unreadable_included_dir_fails", "needs a non-root run");
        return;
    }
    let env = TestEnv::new();
    env.file("Dockerfile", DF)
        .file("priv/x", "")
        .mode("priv", 0o000);
    let e = err(&env, Buildkit, None);
    assert!(e.contains("error from sender: open "), "{e}");
    assert!(e.contains("/priv"), "{e}");
}

// ---------------------------------------------------------------------------------------------
// B7: entry types.

#[cfg(unix)] // file modes, sockets and device nodes
#[test]
fn b7_entry_types() {
    let env = TestEnv::new();
    env.file("Dockerfile", DF)
        .socket("s")
        .fifo("p")
        .file("sub/x", "x")
        .symlink("dlink", "sub")
        .symlink("loop", "loop")
        .symlink("up", "..")
        .file("a.txt", vec![b'a'; 600])
        .hardlink("b.txt", "a.txt");
    let chr = env.try_chr("c");
    let a = env.analyze(Buildkit, None).unwrap();
    let mut want = vec![
        "Dockerfile",
        "a.txt",
        "b.txt",
        "dlink",
        "loop",
        "p",
        "s",
        "sub/",
        "sub/x",
        "up",
    ];
    if chr {
        want.insert(3, "c");
    } else {
        skip("b7 char device", "mknod not permitted");
    }
    assert_eq!(lossy(&list_lines(&a.tree)), want);
    // The socket is an empty regular file; symlinks are not followed; FIFOs/devices are "other".
    assert_eq!(a.totals.files, 5, "Dockerfile, a.txt, b.txt, s, sub/x");
    assert_eq!(a.totals.symlinks, 3);
    assert_eq!(a.totals.other, if chr { 2 } else { 1 });
    // Hardlinked content counts once.
    assert_eq!(a.totals.content_bytes, 13 + 600 + 1);
    assert_eq!(a.hardlink_entries.len(), 1);

    // Classic skips the socket (R21) with a warning.
    let a = env.analyze(Classic, None).unwrap();
    let l = lossy(&list_lines(&a.tree));
    assert!(!l.contains(&"s".to_string()));
    assert!(l.contains(&"p".to_string()));
    assert!(a.tree.warnings.iter().any(|w| w.contains("socket")));
}

// ---------------------------------------------------------------------------------------------
// B11–B15: BuildKit as its own code decides (the pattern transport, the Dockerfile and ignore
// file fetched with followpaths, symlinks resolved inside the transfer, the transfer set).

#[cfg(unix)]
/// The transfer figures and the checks `ctxsize --format json` reports for this context.
fn transfer_of(env: &TestEnv, builder: ctxsize::Builder) -> ctxsize::transfer::Transfer {
    let a = env.analyze(builder, None).unwrap();
    let df = match builder {
        Buildkit => ctxsize::context::buildkit_dockerfile_path(&a.resolved.dockerfile),
        Classic => a.resolved.dockerfile.clone(),
    };
    let sources = ctxsize::transfer::load_sources(&df, &Default::default()).unwrap();
    let root = a.resolved.root.clone();
    ctxsize::transfer::compute(&a, &sources, &move |p: &str| {
        std::fs::symlink_metadata(root.join(p)).is_ok()
    })
}

#[cfg(unix)] // symlinks, sockets, names Windows refuses (TAB, `*`, `?`, `\`, invalid UTF-8)
#[test]
fn b12_control_character_in_a_pattern_fails_unless_a_pattern_is_non_ascii() {
    let env = TestEnv::new();
    env.file("Dockerfile", DF)
        .file("a\tb", "x")
        .file("keep", "k")
        .file("\u{fc}", "u")
        .dockerignore("# a comment\na\tb\n");
    // The patterns travel as raw gRPC header values: grpc-go refuses the TAB.
    let e = err(&env, Buildkit, None);
    assert_eq!(
        e,
        "rpc error: code = Internal desc = header key \"exclude-patterns\" contains value with non-printable ASCII characters"
    );
    let Err(ctxsize::Error::BuildkitHeader { line, .. }) = env.analyze(Buildkit, None) else {
        panic!("not a header error");
    };
    assert_eq!(line, 2);
    // The classic builder sends the patterns in no header: it excludes the file.
    assert_eq!(
        env.list(Classic, None),
        [".dockerignore", "Dockerfile", "keep", "\u{fc}"]
    );
    // The binary: exit 2, docker's reason, and a hint naming the line and the byte.
    let o = env.run(["list", "--builder", "buildkit", "."]);
    assert_eq!(o.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert!(
        stderr.contains("header key \"exclude-patterns\""),
        "{stderr}"
    );
    assert!(stderr.contains(".dockerignore:2"), "{stderr}");
    assert!(stderr.contains("\\x09"), "{stderr}");

    // One non-ASCII pattern: the whole list is percent-escaped and the TAB travels.
    env.dockerignore("a\tb\n\u{fc}\n");
    assert_eq!(
        env.list(Buildkit, None),
        [".dockerignore", "Dockerfile", "keep"]
    );
    // DEL is ASCII but not printable; a control character inside an exception counts too.
    env.dockerignore("keep\n!a\x7fb\n");
    assert!(err(&env, Buildkit, None).contains("exclude-patterns"));
    // Trimmed control characters (a trailing TAB) never reach the header.
    env.dockerignore("keep\t\n");
    assert_eq!(
        env.list(Buildkit, None),
        [".dockerignore", "Dockerfile", "a\tb", "\u{fc}"]
    );
}

#[cfg(unix)] // symlinks, sockets, names Windows refuses (TAB, `*`, `?`, `\`, invalid UTF-8)
#[test]
fn b11_invalid_utf8_in_the_ignore_file_arrives_as_u_fffd() {
    let env = TestEnv::new();
    env.file("Dockerfile", DF)
        .file(b"caf\xe9", "x")
        .file("caf\u{fffd}", "y")
        .file("keep", "k")
        .dockerignore(b"caf\xe9\n");
    // Through JSON the pattern becomes `caf\u{fffd}`: a plain pattern compared as a string.
    let a = env.analyze(Buildkit, None).unwrap();
    let sent: Vec<Vec<u8>> = list_lines(&a.tree);
    assert!(sent.contains(&b"caf\xe9".to_vec()));
    assert!(!sent.contains(&"caf\u{fffd}".as_bytes().to_vec()));
    // The classic builder compares the raw bytes: the other way round.
    let sent = list_lines(&env.analyze(Classic, None).unwrap().tree);
    assert!(!sent.contains(&b"caf\xe9".to_vec()));
    assert!(sent.contains(&"caf\u{fffd}".as_bytes().to_vec()));
    // A glob is a Go regexp, which reads an invalid byte of a name as U+FFFD: both match.
    env.dockerignore(b"caf\xe9*\n");
    assert_eq!(
        env.list(Buildkit, None),
        [".dockerignore", "Dockerfile", "keep"]
    );
    // An invalid byte is non-ASCII: the list is escaped, a control character then travels.
    env.dockerignore(b"caf\xe9\na\tb\n");
    assert!(env.analyze(Buildkit, None).is_ok());
}

#[cfg(unix)] // symlinks, sockets, names Windows refuses (TAB, `*`, `?`, `\`, invalid UTF-8)
#[test]
fn b13_dockerfile_names_are_fetched_as_include_patterns() {
    let env = TestEnv::new();
    env.file("Dockerfile[x]", DF)
        .file("Dockerfilex", DF)
        .file("Docker\\file", DF)
        .file("Dockerfile[", DF)
        .file("Docker*file", DF)
        .file("Docker*file.dockerignore", "keep\n")
        .file("Docker?file", DF)
        .file("keep", "k");
    // `[x]` matches only `x`, `\f` escapes `f`: the file itself is never transferred.
    assert_eq!(
        err(&env, Buildkit, Some("Dockerfile[x]")),
        "failed to read dockerfile: open Dockerfile[x]: no such file or directory"
    );
    assert_eq!(
        err(&env, Buildkit, Some("Docker\\file")),
        "failed to read dockerfile: open Docker\\file: no such file or directory"
    );
    let e = err(&env, Buildkit, Some("Dockerfile["));
    assert!(e.starts_with("failed to resolve dockerfile: invalid includepatterns: [Dockerfile[ Dockerfile[.dockerignore]"), "{e}");
    assert!(e.ends_with("syntax error in pattern"), "{e}");
    // `*` and `?` also match themselves: these work, with their own ignore file.
    let a = env.analyze(Buildkit, Some("Docker*file")).unwrap();
    assert_eq!(
        a.resolved.ignore_file,
        Some(env.path("Docker*file.dockerignore"))
    );
    assert!(!env
        .list(Buildkit, Some("Docker*file"))
        .contains(&"keep".to_string()));
    assert!(env.analyze(Buildkit, Some("Docker?file")).is_ok());
    // The classic builder reads the file directly.
    for f in ["Dockerfile[x]", "Docker\\file", "Dockerfile["] {
        assert!(env.analyze(Classic, Some(f)).is_ok(), "{f}");
    }
    // Through the binary: exit 2 and the hint.
    let o = env.run(["list", "--builder", "buildkit", "-f", "Dockerfile[x]", "."]);
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("include pattern"));
}

#[cfg(unix)] // symlinks, sockets, names Windows refuses (TAB, `*`, `?`, `\`, invalid UTF-8)
#[test]
fn b14_symlinked_dockerfile_and_ignore_file_resolve_inside_the_transfer() {
    let env = TestEnv::new();
    env.file("Dockerfile", DF)
        .file("ign", "keep\n")
        .file("keep", "k")
        .symlink(".dockerignore", "/ign");
    // `/ign` is taken from the context, not from the host's root.
    assert_eq!(
        env.list(Buildkit, None),
        [".dockerignore", "Dockerfile", "ign"]
    );
    std::fs::remove_file(env.path(".dockerignore")).unwrap();
    env.symlink(".dockerignore", "../../../ign");
    assert_eq!(
        env.list(Buildkit, None),
        [".dockerignore", "Dockerfile", "ign"]
    );
    // A host path outside the context is not read, even though it exists on the host.
    let outside = env.tmp().join("outside-ign");
    std::fs::write(&outside, "keep\n").unwrap();
    std::fs::remove_file(env.path(".dockerignore")).unwrap();
    env.symlink(".dockerignore", outside.to_str().unwrap());
    let l = env.list(Buildkit, None);
    assert!(l.contains(&"keep".to_string()), "{l:?}");
    assert!(env
        .analyze(Buildkit, None)
        .unwrap()
        .resolved
        .notes
        .iter()
        .any(|n| n.contains("cannot be read")));
}

#[cfg(unix)] // symlinks, sockets, names Windows refuses (TAB, `*`, `?`, `\`, invalid UTF-8)
#[test]
fn b14_symlinked_dockerfile_in_a_subdirectory() {
    let env = TestEnv::new();
    env.file("Dockerfile.real", DF)
        .file("sub/real/Dockerfile", "FROM scratch\nCOPY keep /\n")
        .file("ign", "keep\n")
        .file("keep", "k")
        .symlink("sub/Dockerfile", "../Dockerfile.real");
    // Only sub/ is transferred for the Dockerfile: the target is not there.
    assert_eq!(
        err(&env, Buildkit, Some("sub/Dockerfile")),
        "failed to read dockerfile: open Dockerfile: no such file or directory"
    );
    // The classic builder follows the link on the host.
    assert!(env.analyze(Classic, Some("sub/Dockerfile")).is_ok());
    // An absolute target is taken from sub/.
    std::fs::remove_file(env.path("sub/Dockerfile")).unwrap();
    env.symlink("sub/Dockerfile", "/real/Dockerfile");
    let a = env.analyze(Buildkit, Some("sub/Dockerfile")).unwrap();
    assert_eq!(
        a.resolved.dockerfile_rel.as_deref(),
        Some(&b"sub/real/Dockerfile"[..])
    );
    assert_eq!(
        ctxsize::context::buildkit_dockerfile_path(&a.resolved.dockerfile),
        env.path("sub/real/Dockerfile")
    );
    assert_eq!(transfer_of_with(&env, "sub/Dockerfile").files, 1);
    // An ignore file next to it that points out of sub/ is not read; .dockerignore applies.
    env.symlink("sub/Dockerfile.dockerignore", "../ign");
    let a = env.analyze(Buildkit, Some("sub/Dockerfile")).unwrap();
    assert_eq!(a.resolved.ignore_file, None);
    assert!(lossy(&list_lines(&a.tree)).contains(&"keep".to_string()));
}

#[cfg(unix)]
fn transfer_of_with(env: &TestEnv, f: &str) -> ctxsize::transfer::Transfer {
    let a = env.analyze(Buildkit, Some(f)).unwrap();
    let df = ctxsize::context::buildkit_dockerfile_path(&a.resolved.dockerfile);
    let sources = ctxsize::transfer::load_sources(&df, &Default::default()).unwrap();
    ctxsize::transfer::compute(&a, &sources, &|_| false)
}

#[cfg(unix)] // symlinks, sockets, names Windows refuses (TAB, `*`, `?`, `\`, invalid UTF-8)
#[test]
fn b8_a_symlink_source_transfers_its_target() {
    let env = TestEnv::new();
    env.file("Dockerfile", "FROM scratch\nCOPY link-config /x/\n")
        .sized("config.json", 64)
        .sized("config.yaml", 32)
        .sized("app/main.py", 120)
        .sized("app/util.py", 300)
        .symlink("link-config", "config.json")
        .symlink("link-app", "app");
    let t = transfer_of(&env, Buildkit);
    assert_eq!((t.files, t.bytes), (1, 64));
    assert!(t.checks.is_empty(), "{:?}", t.checks);
    // A symlink to a directory brings the directory's files.
    env.file("Dockerfile", "FROM scratch\nCOPY link-app /x/\n");
    let t = transfer_of(&env, Buildkit);
    assert_eq!((t.files, t.bytes), (2, 420));
    // Through a symlinked directory component.
    env.file("Dockerfile", "FROM scratch\nCOPY link-app/main.py /x/\n");
    let t = transfer_of(&env, Buildkit);
    assert_eq!((t.files, t.bytes), (1, 120));
    // The target must still be eligible: the ignore file excludes it, nothing is sent.
    env.file("Dockerfile", "FROM scratch\nCOPY link-config /x/\n")
        .dockerignore("config.json\n");
    assert_eq!(transfer_of(&env, Buildkit).files, 0);
}

#[cfg(unix)] // symlinks, sockets, names Windows refuses (TAB, `*`, `?`, `\`, invalid UTF-8)
#[test]
fn b15_a_copy_wildcard_that_matches_nothing_builds() {
    let env = TestEnv::new();
    env.file(
        "Dockerfile",
        "FROM scratch\nCOPY nomatch* /x/\nCOPY *.log /y/\n",
    )
    .file("a.log", "l")
    .file("keep", "k")
    .dockerignore("*.log\n");
    let t = transfer_of(&env, Buildkit);
    assert_eq!((t.files, t.bytes), (0, 0));
    let sev: Vec<(usize, &str)> = t
        .checks
        .iter()
        .map(|c| (c.line, c.severity.as_str()))
        .collect();
    // Both copy nothing, and the build goes on.
    assert_eq!(sev, [(2, "warning"), (3, "warning")]);
    // The classic builder fails on both.
    let t = transfer_of(&env, Classic);
    assert!(
        t.checks.iter().all(|c| c.severity == "error"),
        "{:?}",
        t.checks
    );
    assert_eq!(t.checks.len(), 2);
    // A missing literal source still fails the build.
    env.file("Dockerfile", "FROM scratch\nCOPY nosuch.txt /x/\n");
    let t = transfer_of(&env, Buildkit);
    assert_eq!(t.checks.len(), 1);
    assert_eq!(
        (t.checks[0].check.as_str(), t.checks[0].severity.as_str()),
        ("missing-source", "error")
    );
}

#[cfg(unix)] // symlinks, sockets, names Windows refuses (TAB, `*`, `?`, `\`, invalid UTF-8)
#[test]
fn b8_hardlinked_data_counts_once_whichever_name_is_copied() {
    let env = TestEnv::new();
    env.file("Dockerfile", "FROM scratch\nCOPY z /x/\n")
        .sized("a.bin", 700)
        .hardlink("z/b.bin", "a.bin")
        .hardlink("z/c.bin", "a.bin");
    // `a.bin` carries the data in the context's walk order, but only z/ is transferred.
    let t = transfer_of(&env, Buildkit);
    assert_eq!((t.files, t.bytes), (2, 700));
    env.file("Dockerfile", "FROM scratch\nCOPY . /x/\n");
    let t = transfer_of(&env, Buildkit);
    assert_eq!((t.files, t.bytes), (4, 700 + 24));
    // A socket arrives as an empty regular file (B7), a FIFO as a FIFO.
    env.socket("z/s").fifo("z/p");
    env.file("Dockerfile", "FROM scratch\nCOPY z /x/\n");
    let t = transfer_of(&env, Buildkit);
    assert_eq!((t.files, t.bytes), (3, 700));
}

#[cfg(unix)] // symlinks, sockets, names Windows refuses (TAB, `*`, `?`, `\`, invalid UTF-8)
#[test]
fn b12_control_character_in_followpaths_fails_the_build() {
    let env = TestEnv::new();
    env.file("Dockerfile", "FROM scratch\nCOPY [\"a\\tb\", \"/x/\"]\n")
        .file("Docker\tfile", DF)
        .file("a\tb", "x");
    // The Dockerfile's name travels in the `followpaths` header of the Dockerfile's fetch.
    assert_eq!(
        err(&env, Buildkit, Some("Docker\tfile")),
        "failed to resolve dockerfile: rpc error: code = Internal desc = header key \"followpaths\" contains value with non-printable ASCII characters"
    );
    assert!(env.analyze(Classic, Some("Docker\tfile")).is_ok());
    // A COPY source travels in the main context's: the build fails, an error check says so.
    let t = transfer_of(&env, Buildkit);
    let c: Vec<(&str, &str)> = t
        .checks
        .iter()
        .map(|c| (c.check.as_str(), c.severity.as_str()))
        .collect();
    assert_eq!(c, [("transport", "error")]);
    assert!(t.checks[0].message.contains("followpaths"));
    // With a non-ASCII source beside it, the list is escaped and the build works.
    env.file(
        "Dockerfile",
        "FROM scratch\nCOPY [\"a\\tb\", \"\u{fc}\", \"/x/\"]\n",
    )
    .file("\u{fc}", "u");
    let t = transfer_of(&env, Buildkit);
    assert!(t.checks.is_empty(), "{:?}", t.checks);
    assert_eq!(t.files, 2);
}

/// `-f` naming a directory: BuildKit transfers it and then refuses it, with this reason
/// (buildkit-real case e-29), not "no such file".
#[test]
fn a_dockerfile_flag_naming_a_directory_is_not_a_regular_file() {
    let env = TestEnv::new();
    env.file("docker/Dockerfile", "FROM scratch\n")
        .file("x", "x");
    assert_eq!(
        err(&env, Buildkit, Some("docker")),
        "failed to read dockerfile: docker is not a regular file"
    );
    let o = env.run(["list", "-f", "docker", "."]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        text(&o.stderr).contains("pass the Dockerfile inside it"),
        "{}",
        text(&o.stderr)
    );
}
