//! BuildKit's rules B1–B7 (spec section 9), with the expected contexts of the spec's tables
//! (sections 10 and 11). Comparisons use `ctxsize list` (`analysis::list_lines`): every entry,
//! sorted by bytes, directories ending in `/`. Where the classic builder differs, its answer is
//! asserted too, so each test shows the difference the rule makes.

use std::path::PathBuf;

use ctxsize::analysis::{list_lines, Config};
use ctxsize::tree::State;
use ctxsize::Builder::{Buildkit, Classic};

use crate::util::{is_root, lossy, skip, TestEnv};

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

    // Table: `*`, -f a[1].Dockerfile → empty context.
    let env = TestEnv::new();
    env.file("a[1].Dockerfile", DF)
        .file("a1.Dockerfile", DF)
        .dockerignore("*\n");
    assert!(env.list(Buildkit, Some("a[1].Dockerfile")).is_empty());
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
