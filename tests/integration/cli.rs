//! The `ctxsize` binary: `list` output, JSON keys, `-f` resolution, the default builder, error
//! exits with `error:`/`hint:` lines, and awkward contexts (non-UTF-8 names, empty, symlink loops).

use std::path::Path;

use crate::util::{ok_stdout, text, TestEnv};

const DF: &str = "FROM scratch\n";

#[test]
fn list_is_sorted_by_bytes_with_dir_slashes() {
    let env = TestEnv::new();
    env.file("Dockerfile", DF)
        .file("a/x", "")
        .file("a-b", "")
        .file("a.c", "")
        .file("B", "")
        .file("é", "")
        .dir("empty");
    let out = ok_stdout(&env.run(["list", "--builder", "classic", "."]));
    // Byte order (not tar order, where `a/` and `a/x` come before `a-b`).
    assert_eq!(text(&out), "B\nDockerfile\na-b\na.c\na/\na/x\nempty/\né\n");
    // -0: NUL-terminated.
    let out = ok_stdout(&env.run(["list", "-0", "--builder", "classic", "."]));
    assert_eq!(
        out,
        "B\0Dockerfile\0a-b\0a.c\0a/\0a/x\0empty/\0é\0".as_bytes()
    );
    // The context argument may be absolute and the same list comes out.
    let ctx = env.ctx().to_str().unwrap();
    let abs = ok_stdout(&env.run(["list", "--builder", "classic", ctx]));
    assert_eq!(text(&abs), "B\nDockerfile\na-b\na.c\na/\na/x\nempty/\né\n");
}

#[test]
fn json_has_raw_integer_totals() {
    let env = TestEnv::new();
    env.file("Dockerfile", DF)
        .file("a.txt", vec![b'x'; 1000])
        .file("big.log", vec![b'y'; 700])
        .symlink("l", "a.txt")
        .dockerignore("*.log\n");
    let o = env.run(["--format", "json", "--builder", "classic", "."]);
    let v: serde_json::Value = serde_json::from_slice(&ok_stdout(&o)).expect("JSON");
    let obj = v.as_object().expect("object");
    for k in [
        "schema_version",
        "context",
        "builder",
        "dockerfile",
        "ignore_file",
        "files",
        "dirs",
        "symlinks",
        "other",
        "content_bytes",
        "tar_bytes",
        "excluded_files",
        "excluded_bytes",
    ] {
        assert!(obj.contains_key(k), "missing key {k} in {v}");
    }
    let int = |k: &str| {
        v[k].as_u64()
            .unwrap_or_else(|| panic!("{k} is not a raw integer: {}", v[k]))
    };
    assert_eq!(int("schema_version"), 1);
    assert_eq!(int("files"), 3, "Dockerfile, .dockerignore, a.txt");
    assert_eq!(int("dirs"), 0);
    assert_eq!(int("symlinks"), 1);
    assert_eq!(int("other"), 0);
    assert_eq!(int("content_bytes"), 13 + 6 + 1000);
    // 4 headers + 512 + 512 + 1024 of data + the trailer.
    assert_eq!(int("tar_bytes"), 4 * 512 + 512 + 512 + 1024 + 1024);
    assert_eq!(int("excluded_files"), 1);
    assert_eq!(int("excluded_bytes"), 700);
    assert_eq!(v["builder"], "classic");
    assert_eq!(v["context"], env.ctx().to_str().unwrap());
    assert_eq!(v["dockerfile"], env.path("Dockerfile").to_str().unwrap());
    assert_eq!(
        v["ignore_file"],
        env.path(".dockerignore").to_str().unwrap()
    );
}

#[test]
fn default_builder_is_buildkit() {
    let env = TestEnv::new();
    env.file("Dockerfile", DF).file("a", "").dockerignore("*\n");
    let o = env.run(["--format", "json", "."]);
    let v: serde_json::Value = serde_json::from_slice(&ok_stdout(&o)).expect("JSON");
    assert_eq!(v["builder"], "buildkit");
    assert_eq!(v["files"].as_u64(), Some(0));
    // BuildKit does not force-include the Dockerfile and .dockerignore (B3); classic does.
    assert_eq!(text(&ok_stdout(&env.run(["list", "."]))), "");
    assert_eq!(
        text(&ok_stdout(&env.run(["list", "--builder", "classic", "."]))),
        ".dockerignore\nDockerfile\n"
    );
}

#[test]
fn dockerfile_flag_is_relative_to_the_current_directory() {
    let env = TestEnv::new();
    env.file("docker/app.Dockerfile", DF)
        .file("a", "")
        .dockerignore("docker\n");
    let parent = env.tmp();
    for builder in ["classic", "buildkit"] {
        // From the context's parent, -f names ctx/docker/app.Dockerfile.
        let o = env.run_in(
            &parent,
            [
                "list",
                "--builder",
                builder,
                "-f",
                "ctx/docker/app.Dockerfile",
                "ctx",
            ],
        );
        let want = if builder == "classic" {
            ".dockerignore\na\ndocker/app.Dockerfile\n"
        } else {
            ".dockerignore\na\n"
        };
        assert_eq!(text(&ok_stdout(&o)), want, "{builder}");
        // The same -f is not taken relative to the context.
        let o = env.run_in(
            &parent,
            [
                "list",
                "--builder",
                builder,
                "-f",
                "docker/app.Dockerfile",
                "ctx",
            ],
        );
        assert_eq!(o.status.code(), Some(2), "{builder}: {}", text(&o.stderr));
        assert!(text(&o.stderr).starts_with("error: "));
    }
}

fn assert_ignore_error(env: &TestEnv, line: usize, want: &str) {
    for builder in ["classic", "buildkit"] {
        for args in [
            vec!["list", "--builder", builder, "."],
            vec!["--builder", builder, "--format", "json", "."],
        ] {
            let o = env.run(&args);
            let err = text(&o.stderr);
            assert_eq!(o.status.code(), Some(2), "{args:?}: {err}");
            assert!(o.stdout.is_empty(), "{args:?}: stdout {}", text(&o.stdout));
            let mut lines = err.lines();
            let e = lines.next().unwrap_or_default();
            assert!(e.starts_with("error: "), "{err}");
            assert!(e.contains(want), "{args:?}: {err}");
            let ignore = env.path(".dockerignore");
            let hint = format!("hint: {}:{line}: ", ignore.display());
            assert!(
                lines.any(|l| l.starts_with(&hint)),
                "{args:?}: no {hint:?} line in {err}"
            );
        }
    }
}

#[test]
fn invalid_ignore_file_exits_2_naming_file_and_line() {
    let env = TestEnv::new();
    env.file("Dockerfile", DF)
        .file("a", "")
        .dockerignore("# comment\nok\n[abc\n");
    assert_ignore_error(&env, 3, "syntax error in pattern");

    let env = TestEnv::new();
    env.file("Dockerfile", DF)
        .file("a", "")
        .dockerignore("a\n!\n");
    assert_ignore_error(&env, 2, "illegal exclusion pattern");
}

#[test]
fn long_pattern_line_is_token_too_long() {
    let env = TestEnv::new();
    let mut t = b"a\n".to_vec();
    t.extend(std::iter::repeat_n(b'x', 64 * 1024));
    t.push(b'\n');
    env.file("Dockerfile", DF).dockerignore(t);
    assert_ignore_error(&env, 2, "token too long");
}

#[test]
fn missing_context_exits_2() {
    let env = TestEnv::new();
    for args in [
        vec!["list", "does-not-exist"],
        vec!["does-not-exist"],
        vec!["--format", "json", "--builder", "classic", "does-not-exist"],
    ] {
        let o = env.run(&args);
        assert_eq!(o.status.code(), Some(2), "{args:?}");
        assert!(o.stdout.is_empty());
        let err = text(&o.stderr);
        assert!(err.starts_with("error: "), "{err}");
        assert!(err.contains("does-not-exist"), "{err}");
    }
    // A file is not a context either.
    env.file("f", "");
    let o = env.run(["list", "f"]);
    assert_eq!(o.status.code(), Some(2));
}

#[test]
fn non_utf8_names_are_listed_as_raw_bytes() {
    let env = TestEnv::new();
    env.file("Dockerfile", DF)
        .file(b"lat\xe9.txt", "x")
        .file(b"d\xff/f", "y");
    for builder in ["classic", "buildkit"] {
        let out = ok_stdout(&env.run(["list", "--builder", builder, "."]));
        assert_eq!(
            out, b"Dockerfile\nd\xff/\nd\xff/f\nlat\xe9.txt\n",
            "{builder}"
        );
    }
    // The JSON report still works.
    let o = env.run(["--format", "json", "--builder", "classic", "."]);
    let v: serde_json::Value = serde_json::from_slice(&ok_stdout(&o)).expect("JSON");
    // PAX headers (+1024 each) for the three non-ASCII names (R24): Dockerfile, `d\xff/`,
    // `d\xff/f`, `lat\xe9.txt`, trailer.
    assert_eq!(
        v["tar_bytes"].as_u64(),
        Some(1024 + 1536 + 2048 + 2048 + 1024)
    );
}

#[test]
fn empty_context() {
    // BuildKit with a Dockerfile outside an empty context.
    let env = TestEnv::new();
    std::fs::write(env.tmp().join("Dockerfile"), DF).unwrap();
    let o = env.run(["list", "-f", "../Dockerfile", "."]);
    assert_eq!(ok_stdout(&o), b"");
    let o = env.run(["--format", "json", "-f", "../Dockerfile", "."]);
    let v: serde_json::Value = serde_json::from_slice(&ok_stdout(&o)).expect("JSON");
    for k in [
        "files",
        "dirs",
        "symlinks",
        "other",
        "content_bytes",
        "excluded_files",
    ] {
        assert_eq!(v[k].as_u64(), Some(0), "{k}");
    }
    assert_eq!(v["tar_bytes"].as_u64(), Some(1024));
    assert_eq!(v["ignore_file"], serde_json::Value::Null);
    // Classic needs a Dockerfile in the context.
    let o = env.run(["list", "--builder", "classic", "."]);
    assert_eq!(o.status.code(), Some(2));
    assert!(text(&o.stderr).contains("unable to evaluate symlinks in Dockerfile path"));
}

#[test]
fn symlink_loops_are_not_followed() {
    let env = TestEnv::new();
    env.file("Dockerfile", DF)
        .symlink("loop", "loop")
        .symlink("a", "b")
        .symlink("b", "a")
        .symlink("self", ".")
        .symlink("sub/up", "..");
    for builder in ["classic", "buildkit"] {
        let out = ok_stdout(&env.run(["list", "--builder", builder, "."]));
        assert_eq!(
            text(&out),
            "Dockerfile\na\nb\nloop\nself\nsub/\nsub/up\n",
            "{builder}"
        );
    }
    // A context given through a symlink is resolved first (R29).
    let link = env.tmp().join("ctxlink");
    std::os::unix::fs::symlink(env.ctx(), &link).unwrap();
    let o = env.run_in(Path::new(&env.tmp()), ["list", "ctxlink"]);
    assert_eq!(
        text(&ok_stdout(&o)),
        "Dockerfile\na\nb\nloop\nself\nsub/\nsub/up\n"
    );
}
