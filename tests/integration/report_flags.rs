//! The report, continued: escaping of hostile names and the report flags (`--top`, `--depth`,
//! `--large`, `--no-content-scan`, `--no-gitignore`, `--content-max`, `--color`, `NO_COLOR`).

use std::path::Path;
use std::process::Output;

use serde_json::Value;

use crate::report::*;
use crate::util::{bin, ok_stdout, text, TestEnv};

// ---------------------------------------------------------------------------------------------
// 4. Escaping.
// ---------------------------------------------------------------------------------------------

const HOSTILE: &[&[u8]] = &[
    b"\x1b[2J.env",
    b"\x1b[31mred.key",
    b"new\nline.env",
    b"\xff\xfe.env",
    b"cr\rreturn.pem",
    b"tab\there.env",
    b"bell\x07.env",
    b"rtl\xe2\x80\xaegnp.env",
];

fn hostile_tree(secrets: &mut Secrets) -> TestEnv {
    let env = TestEnv::new();
    env.file("Dockerfile", "FROM scratch\n");
    for name in HOSTILE {
        let v = secrets.gen(ALNUM, 32);
        env.file(name, format!("PASSWORD={v}\n"));
    }
    env.file(b"dir\x1b[1m/\x1b]0;title\x07.log", "x\n")
        .file(b"ctl\x1b[7m/big.bin", vec![b'b'; 3000]);
    env
}

#[test]
fn hostile_names_are_escaped() {
    let mut k = Secrets::new(0xe5c);
    let env = hostile_tree(&mut k);
    let mut outs: Vec<(String, Vec<u8>)> = Vec::new();
    let mut go = |args: &[&str]| -> Vec<u8> {
        let o = run(&env, args);
        outs.push((format!("{args:?} (stderr)"), o.stderr.clone()));
        outs.push((format!("{args:?} (stdout)"), o.stdout.clone()));
        ok_stdout(&o)
    };
    let never = go(&["--color", "never", "--large", "1k", "."]);
    let human = text(&never);
    // No raw control character at all with --color never: every line is one line of the report.
    assert!(
        !never.iter().any(|&b| (b < 0x20 && b != b'\n') || b == 0x7f),
        "raw control byte in:\n{}",
        human.escape_debug()
    );
    for l in human.lines() {
        assert!(
            !l.starts_with("line.env") && !l.starts_with("return.pem"),
            "a name broke a line: {l:?}"
        );
    }
    assert!(!human.contains('\u{202e}'), "bidi override printed raw");
    for shown in [
        "\\x1b[2J.env",
        "\\x1b[31mred.key",
        "new\\nline.env",
        "cr\\rreturn.pem",
        "tab\\there.env",
        "bell\\x07.env",
    ] {
        assert!(human.contains(shown), "{shown} not in:\n{human}");
    }
    // The secret-looking ones are all secret findings.
    let secret_lines = category_lines(&human, "secret");
    assert!(secret_lines.len() >= HOSTILE.len(), "{human}");
    // Directory names in the bytes tree and in the largest files are escaped too.
    assert!(human.contains("ctl\\x1b[7m/big.bin"), "{human}");
    // The README's form, never Rust's.
    assert!(!human.contains("\\u{"), "{human}");

    // With colour, the report's own escapes appear, but none from a name.
    let color = go(&["--color", "always", "--large", "1k", "."]);
    let c = text(&color);
    assert!(color.contains(&0x1b));
    for raw in [
        "\x1b[2J", "\x1b[31m", "\x1b[7m", "\x1b]0;", "\x07", "\r", "\u{202e}",
    ] {
        assert!(!c.contains(raw), "{raw:?} from a name in coloured output");
    }

    // JSON stays valid and keeps the names (control characters as JSON escapes).
    let v: Value = serde_json::from_slice(&go(&["--format", "json", "--large", "1k", "."]))
        .expect("valid JSON");
    let paths: Vec<&str> = findings(&v).iter().map(|f| s(f, "path")).collect();
    for p in [
        "\x1b[2J.env",
        "new\nline.env",
        "tab\there.env",
        "\x1b[31mred.key",
    ] {
        assert!(paths.contains(&p), "{p:?} not in {paths:?}");
    }
    assert!(
        findings(&v)
            .iter()
            .any(|f| s(f, "path").ends_with(".env") && s(f, "path").starts_with("\\xff")),
        "{paths:?}"
    );
    // SARIF and GitHub output stay one record per line / valid JSON.
    let sarif = go(&["--format", "sarif", "."]);
    serde_json::from_slice::<Value>(&sarif).expect("SARIF is JSON");
    let gh = text(&go(&["--format", "github", "."]));
    for l in gh.lines() {
        assert!(
            l.starts_with("::") || l.starts_with("ctxsize:"),
            "broken line {l:?}"
        );
        assert!(!l.contains('\r'), "raw CR in {l:?}");
    }

    assert_no_leak(&k.values, &outs);
}

/// GitHub workflow commands end up in the Actions log, which renders ANSI sequences: a name's
/// control characters must not reach it raw.
#[test]
fn github_annotations_escape_control_characters() {
    let mut k = Secrets::new(0x61);
    let env = hostile_tree(&mut k);
    let gh = ok_stdout(&run(&env, ["--format", "github", "."]));
    let bad: Vec<String> = text(&gh)
        .lines()
        .filter(|l| l.chars().any(|c| c.is_control()))
        .map(|l| format!("{l:?}"))
        .collect();
    assert!(
        bad.is_empty(),
        "raw control characters:\n{}",
        bad.join("\n")
    );
}

/// Escaping must not make two different names look the same: a name with the byte 0xff and a
/// name with the four characters `\xff` are different files.
#[test]
fn invalid_utf8_is_escaped_unambiguously() {
    let env = TestEnv::new();
    env.file("Dockerfile", "FROM scratch\n")
        .file(b"\xff.env", "DB_PASSWORD=Zq81xk2pLm\n")
        .file(b"\\xff.env", "DB_PASSWORD=Zq81xk2pLm\n");
    let human = text(&ok_stdout(&run(&env, ["--color", "never", "."])));
    let lines = category_lines(&human, "secret");
    assert_eq!(lines.len(), 2, "{human}");
    assert_ne!(
        lines[0].split_whitespace().next(),
        lines[1].split_whitespace().next(),
        "two files, one printed name:\n{human}"
    );
    // The intended escape (render::escape) of the byte is `\xff`.
    assert!(
        lines
            .iter()
            .any(|l| l.trim_start().starts_with("\\xff.env:1 ")),
        "{human}"
    );
}

/// The fix line of a finding on a name with a newline or invalid UTF-8 must still remove it.
#[test]
fn fixes_for_hostile_names_remove_them() {
    let env = TestEnv::new();
    env.file("Dockerfile", "FROM scratch\n")
        .file(b"new\nline.env", "DB_PASSWORD=Zq81xk2pLm\n")
        .file(b"\xff.env", "DB_PASSWORD=Zq81xk2pLm\n");
    let v = json_of(&env, &[]);
    assert_eq!(findings(&v).len(), 2, "{}", summary(&v));
    let ignore: String = findings(&v)
        .iter()
        .map(|f| format!("{}\n", s(f, "fix")))
        .collect();
    env.dockerignore(ignore);
    let after = json_of(&env, &[]);
    assert!(findings(&after).is_empty(), "left:\n{}", summary(&after));
}

// ---------------------------------------------------------------------------------------------
// 5. Flags.
// ---------------------------------------------------------------------------------------------

/// Directories of different sizes, three levels deep, a name secret and a content secret.
fn flags_tree(k: &mut Secrets) -> TestEnv {
    let env = TestEnv::new();
    let gh = format!("{}{}", ["gh", "p_"].concat(), k.raw(ALNUM, 40));
    let gh = k.record(gh);
    env.file("Dockerfile", "FROM scratch\n")
        .file("a/big.dat", vec![b'a'; 5000])
        .file("a/b/mid.dat", vec![b'b'; 1001])
        .file("a/b/c/exact.dat", vec![b'c'; 1000])
        .file("d/small.dat", vec![b'd'; 700])
        .file("e/tiny.dat", vec![b'e'; 10])
        .file(".env", "A=1\n")
        .file("tools/run.sh", format!("#!/bin/sh\n\nTOKEN={gh}\n"))
        .file(".gitignore", "*.tmp\n")
        .file("x.tmp", "x\n");
    env
}

#[test]
fn flag_top_and_depth() {
    let mut k = Secrets::new(0xf1a6);
    let env = flags_tree(&mut k);

    let v = json_of(&env, &["--top", "1"]);
    let lf = v["largest_files"].as_array().expect("largest_files");
    assert_eq!(lf.len(), 1, "{lf:?}");
    assert_eq!((s(&lf[0], "path"), u(&lf[0], "bytes")), ("a/big.dat", 5000));
    let ld = v["largest_dirs"].as_array().expect("largest_dirs");
    assert_eq!(
        ld.iter().filter(|d| u(d, "depth") == 1).count(),
        1,
        "{ld:?}"
    );
    assert_eq!(s(&ld[0], "path"), "a");
    assert_eq!((u(&ld[0], "bytes"), u(&ld[0], "files")), (7001, 3));
    for depth in 2..=3 {
        assert!(
            ld.iter().filter(|d| u(d, "depth") == depth).count() <= 1,
            "{ld:?}"
        );
    }
    let human = text(&ok_stdout(&run(
        &env,
        ["--color", "never", "--top", "1", "."],
    )));
    assert_eq!(section(&human, "Largest files").len(), 1, "{human}");
    let tree = section(&human, "Where the bytes go");
    // One top-level directory, then the root's files and the directories left out, so that the
    // top-level percentages add up.
    let top: Vec<&&str> = tree.iter().filter(|l| !l.starts_with("    ")).collect();
    assert_eq!(top.len(), 3, "{human}");
    assert!(
        top[1].trim_start().starts_with("(files at the root)"),
        "{human}"
    );
    assert!(
        top[2].trim_start().starts_with("(other directories)"),
        "{human}"
    );
    let pct: f64 = top
        .iter()
        .map(|l| {
            let p = l.split('%').next().unwrap();
            p.rsplit(' ').next().unwrap().parse::<f64>().unwrap()
        })
        .sum();
    assert!((pct - 100.0).abs() < 0.3, "{pct} {human}");

    // Defaults: depth 2.
    let v = json_of(&env, &[]);
    let ld = v["largest_dirs"].as_array().expect("largest_dirs");
    let paths: Vec<&str> = ld.iter().map(|d| s(d, "path")).collect();
    assert_eq!(paths, ["a", "a/b", "d", "tools", "e"], "{ld:?}");

    // --depth 1: only top-level directories, no indented lines.
    let v = json_of(&env, &["--depth", "1"]);
    let ld = v["largest_dirs"].as_array().expect("largest_dirs");
    assert!(ld.iter().all(|d| u(d, "depth") == 1), "{ld:?}");
    let paths: Vec<&str> = ld.iter().map(|d| s(d, "path")).collect();
    assert_eq!(paths, ["a", "d", "tools", "e"]);
    let human = text(&ok_stdout(&run(
        &env,
        ["--color", "never", "--depth", "1", "."],
    )));
    let tree = section(&human, "Where the bytes go");
    assert_eq!(tree.len(), 5, "{human}");
    assert!(
        tree[4].trim_start().starts_with("(files at the root)"),
        "{human}"
    );
    assert!(tree.iter().all(|l| !l.starts_with("    ")), "{human}");

    // --depth 3 reaches a/b/c.
    let v = json_of(&env, &["--depth", "3"]);
    assert!(
        v["largest_dirs"]
            .as_array()
            .expect("largest_dirs")
            .iter()
            .any(|d| s(d, "path") == "a/b/c" && u(d, "depth") == 3),
        "{v}"
    );
}

#[test]
fn flag_large_threshold() {
    let mut k = Secrets::new(0x1a46e);
    let env = flags_tree(&mut k);
    let large = |v: &Value| -> Vec<String> {
        findings(v)
            .iter()
            .filter(|f| s(f, "category") == "large-file")
            .map(|f| s(f, "path").to_string())
            .collect()
    };
    // Default 10 MB: none.
    assert!(large(&json_of(&env, &[])).is_empty());
    // 1k = 1000 bytes: strictly larger files only.
    let v = json_of(&env, &["--large", "1k"]);
    let mut got = large(&v);
    got.sort();
    assert_eq!(got, ["a/b/mid.dat", "a/big.dat"]);
    let human = text(&ok_stdout(&run(
        &env,
        ["--color", "never", "--large", "1k", "."],
    )));
    assert!(human.contains("large-file  2 files, 6.00 kB"), "{human}");
    // Beneath node_modules only large-file still fires.
    env.file("node_modules/pkg/blob.bin", vec![b'n'; 1500])
        .file("node_modules/pkg/.env", "A=1\n");
    let v = json_of(&env, &["--large", "1k"]);
    let mut got = large(&v);
    got.sort();
    assert_eq!(
        got,
        ["a/b/mid.dat", "a/big.dat", "node_modules/pkg/blob.bin"]
    );
    assert!(
        on(&v, "node_modules/pkg/.env").is_empty(),
        "{}",
        summary(&v)
    );
    assert_eq!(on(&v, "node_modules")[0]["files"], 2);
    // 0 turns it off.
    assert!(large(&json_of(&env, &["--large", "0"])).is_empty());
}

#[test]
fn flag_content_scan_and_gitignore() {
    let mut k = Secrets::new(0xc047);
    let env = flags_tree(&mut k);
    let has = |v: &Value, path: &str, rule: &str| on(v, path).iter().any(|f| s(f, "rule") == rule);

    let v = json_of(&env, &[]);
    assert!(has(&v, "tools/run.sh", "CTX152"), "{}", summary(&v));
    assert_eq!(on(&v, "tools/run.sh")[0]["line"], 3);
    assert!(has(&v, ".env", "CTX101"));
    assert!(has(&v, "x.tmp", "CTX001"));

    // --no-content-scan: content findings go, name findings stay.
    let v = json_of(&env, &["--no-content-scan"]);
    assert!(on(&v, "tools/run.sh").is_empty(), "{}", summary(&v));
    assert!(findings(&v).iter().all(|f| f.get("line").is_none()));
    assert!(has(&v, ".env", "CTX101"));
    assert!(has(&v, "x.tmp", "CTX001"));

    // --content-max below the file's size: not read.
    let v = json_of(&env, &["--content-max", "10"]);
    assert!(on(&v, "tools/run.sh").is_empty(), "{}", summary(&v));
    assert!(has(&v, ".env", "CTX101"));

    // --no-gitignore: the gitignored finding goes, the rest stays.
    let v = json_of(&env, &["--no-gitignore"]);
    assert!(on(&v, "x.tmp").is_empty(), "{}", summary(&v));
    assert!(has(&v, "tools/run.sh", "CTX152"));
    assert!(has(&v, ".env", "CTX101"));

    let human = ok_stdout(&run(&env, ["--color", "never", "."]));
    assert!(text(&human).contains("tools/run.sh:3"));
    let json = serde_json::to_vec(&v).expect("JSON");
    assert_no_leak(&k.values, &[("human".into(), human), ("json".into(), json)]);
}

#[test]
fn flag_color_and_no_color() {
    let mut k = Secrets::new(0xc010);
    let env = flags_tree(&mut k);
    let esc = |o: &Output| o.stdout.contains(&0x1b);
    // Not a terminal: auto means no colour, with or without NO_COLOR.
    let o = run_env(&env, &["--color", "auto", "."], &[("NO_COLOR", Some("1"))]);
    assert!(o.status.success() && !esc(&o));
    let o = run_env(&env, &["."], &[("NO_COLOR", None)]);
    assert!(o.status.success() && !esc(&o));
    // always.
    let o = run_env(&env, &["--color", "always", "."], &[("NO_COLOR", None)]);
    assert!(esc(&o));
    // Without colour nothing but the escapes differs.
    let plain = run_env(&env, &["--color", "never", "."], &[]).stdout;
    let strip = |b: &[u8]| -> Vec<u8> {
        let mut out = Vec::new();
        let mut i = 0;
        while i < b.len() {
            if b[i] == 0x1b {
                while i < b.len() && b[i] != b'm' {
                    i += 1;
                }
            } else {
                out.push(b[i]);
            }
            i += 1;
        }
        out
    };
    assert_eq!(text(&strip(&o.stdout)), text(&plain));
    // JSON never has escapes.
    let o = run_env(&env, &["--format", "json", "--color", "always", "."], &[]);
    assert!(!esc(&o));

    // On a terminal: colour unless NO_COLOR is set (non-empty); --quiet keeps stderr empty.
    let Some(tty) = run_on_pty(&env, &["--quiet", "."], None) else {
        crate::util::skip("colour on a terminal", "openpty failed");
        return;
    };
    assert!(tty.contains(&0x1b), "{}", text(&tty));
    let tty = run_on_pty(&env, &["--quiet", "."], Some("1")).expect("pty");
    assert!(
        !tty.contains(&0x1b),
        "NO_COLOR=1 on a terminal: {}",
        text(&tty)
    );
    assert!(text(&tty).contains("Where the bytes go"));
    let tty = run_on_pty(&env, &["--quiet", "."], Some("")).expect("pty");
    assert!(tty.contains(&0x1b), "an empty NO_COLOR does not count");
}

/// Runs the report with stdout on a pseudo-terminal; returns what it printed (stderr must stay
/// empty). `None` when no pseudo-terminal can be opened.
fn run_on_pty(env: &TestEnv, args: &[&str], no_color: Option<&str>) -> Option<Vec<u8>> {
    use std::io::Read;
    use std::os::fd::FromRawFd;
    let (mut master, mut slave) = (-1, -1);
    // SAFETY: out-pointers to two ints; null name, termios and winsize are allowed.
    let r = unsafe {
        libc::openpty(
            &mut master,
            &mut slave,
            std::ptr::null_mut(),
            std::ptr::null_mut(),
            std::ptr::null_mut(),
        )
    };
    if r != 0 {
        return None;
    }
    for fd in [master, slave] {
        // SAFETY: fcntl on descriptors we own; close-on-exec so no other test's child keeps them.
        unsafe { libc::fcntl(fd, libc::F_SETFD, libc::FD_CLOEXEC) };
    }
    // SAFETY: openpty returned two fresh descriptors that nothing else owns.
    let (mut master, slave) = unsafe {
        (
            std::fs::File::from_raw_fd(master),
            std::fs::File::from_raw_fd(slave),
        )
    };
    let reader = std::thread::spawn(move || {
        let mut buf = Vec::new();
        // EIO once the child closes the last slave descriptor: the end of the output.
        let _ = master.read_to_end(&mut buf);
        buf
    });
    let mut c = std::process::Command::new(bin());
    c.args(args)
        .current_dir(env.ctx())
        .env_remove("DOCKER_BUILDKIT")
        .env_remove("GITHUB_ACTIONS")
        .stdin(std::process::Stdio::null())
        .stdout(slave)
        .stderr(std::process::Stdio::piped());
    match no_color {
        Some(v) => c.env("NO_COLOR", v),
        None => c.env_remove("NO_COLOR"),
    };
    let child = c.spawn().expect("spawn");
    drop(c); // closes our copy of the slave
    let o = child.wait_with_output().expect("wait");
    assert!(o.status.success(), "{}", text(&o.stderr));
    assert!(o.stderr.is_empty(), "stderr: {}", text(&o.stderr));
    Some(reader.join().expect("reader"))
}

/// Paths in the snapshot tree resolve under the context.
#[test]
fn json_paths_are_relative_and_sizes_raw() {
    let env = snapshot_tree();
    let v = json_of(&env, &["--large", "1k"]);
    assert_eq!(v["context"], env.ctx().to_str().unwrap());
    for f in findings(&v) {
        let p = s(f, "path");
        assert!(!p.starts_with('/') && !p.starts_with("./"), "{p}");
        assert!(Path::new(&env.path(p)).exists(), "{p}");
    }
    for k in ["largest_files", "largest_dirs", "categories"] {
        for e in v[k].as_array().expect(k) {
            for (key, val) in e.as_object().expect("object") {
                if ["bytes", "files", "findings", "depth"].contains(&key.as_str()) {
                    assert!(val.is_u64(), "{k}.{key} = {val} is not a raw integer");
                }
            }
        }
    }
}

/// `ctxsize suggest` on the planted tree (`COPY . /app`, so only re-exclusions): with its output
/// as the ignore file, no secret found by name is sent any more.
#[test]
fn suggest_removes_every_name_secret() {
    let (env, _) = planted();
    let o = run(&env, ["suggest", "."]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
    let mut ignore = text(&o.stdout);
    ignore.push_str("private/\n");
    env.dockerignore(ignore);
    let v = json_of(&env, &["--no-content-scan"]);
    let left: Vec<&Value> = findings(&v)
        .iter()
        .filter(|f| s(f, "category") == "secret")
        .collect();
    assert!(left.is_empty(), "still sent:\n{}", summary(&v));
}

/// The leak check itself: it sees a secret in a file's bytes, and a 12-byte piece of one.
#[test]
fn leak_check_catches_pieces() {
    let (env, secrets) = planted();
    for f in ["src/settings.py", "notes/todo.txt", ".env", "bot/slack.ini"] {
        let bytes = std::fs::read(env.path(f)).expect("read");
        let caught = std::panic::catch_unwind(|| {
            assert_no_leak(&secrets, &[(f.to_string(), bytes.clone())]);
        });
        assert!(caught.is_err(), "{f}: the leak check missed its secret");
        let planted = secrets
            .iter()
            .find(|v| text(&bytes).contains(v.as_str()))
            .expect("a recorded value in the file");
        let piece = format!("~~{}~~", &planted[1..13]).into_bytes();
        let caught = std::panic::catch_unwind(|| {
            assert_no_leak(&secrets, &[(f.to_string(), piece.clone())]);
        });
        assert!(caught.is_err(), "{f}: a 12-byte piece went unnoticed");
    }
}

/// A short directory name with a control character is shown whole in the bytes tree (its label
/// column is sized by the escaped name, not cut inside the escape).
#[test]
fn bytes_tree_shows_escaped_dir_names_whole() {
    let env = TestEnv::new();
    env.file("Dockerfile", "FROM scratch\n")
        .file(b"ctl\x1b[7m/big.bin", vec![b'b'; 3000]);
    let human = text(&ok_stdout(&run(&env, ["--color", "never", "."])));
    let tree = section(&human, "Where the bytes go");
    assert_eq!(tree.len(), 2, "{human}");
    assert!(
        tree[1].trim_start().starts_with("(files at the root)"),
        "{human}"
    );
    assert!(
        tree[0].trim_start().starts_with("ctl\\x1b[7m/ "),
        "{:?}",
        tree[0]
    );
}

/// A monorepo's many nested ignore files make one note, not one each; with no Dockerfile at
/// the root, the note points at `--compose` when a Compose file is there.
#[test]
fn nested_ignore_files_make_one_note_and_compose_is_named() {
    let env = TestEnv::new();
    env.dockerignore("*.log\n")
        .file("svc/a/.dockerignore", "x\n")
        .file("svc/b/.dockerignore", "x\n")
        .file("svc/c/.dockerignore", "x\n")
        .file("svc/a/Dockerfile", "FROM scratch\n")
        .file(
            "compose.yaml",
            "services:\n  a:\n    build:\n      context: .\n      dockerfile: svc/a/Dockerfile\n",
        );
    let o = run(&env, ["--color", "never", "."]);
    let human = text(&ok_stdout(&o));
    let notes: Vec<&str> = human.lines().filter(|l| l.starts_with("  note:")).collect();
    let nested: Vec<&&str> = notes.iter().filter(|l| l.contains("no effect")).collect();
    assert_eq!(nested.len(), 1, "{human}");
    assert!(
        nested[0].contains(
            "3 nested .dockerignore files have no effect (svc/a/.dockerignore, svc/b/.dockerignore, svc/c/.dockerignore)"
        ),
        "{human}"
    );
    assert!(
        notes
            .iter()
            .any(|l| l.contains("no Dockerfile at the context root")
                && l.contains("or run with --compose for the services compose.yaml builds")),
        "{human}"
    );
    // A Compose file that only runs prebuilt images builds nothing: no --compose hint.
    env.file("compose.yaml", "services:\n  a:\n    image: example/a:1\n");
    let human = text(&ok_stdout(&run(&env, ["--color", "never", "."])));
    assert!(
        human.contains("no Dockerfile at the context root") && !human.contains("--compose"),
        "{human}"
    );
}

/// The header names the ignore file in effect and says when another one exists but is not used.
#[test]
fn header_names_unused_ignore_files() {
    let env = TestEnv::new();
    env.file("docker/app.Dockerfile", "FROM scratch\n")
        .dockerignore("*.log\n")
        .file("docker/app.Dockerfile.dockerignore", "*.tmp\n")
        .file("sub/.dockerignore", "*.md\n")
        .file("a.log", "x\n")
        .file("b.tmp", "y\n");
    let ctx = env.ctx().to_str().expect("UTF-8").to_string();
    let o = run(
        &env,
        ["--color", "never", "-f", "docker/app.Dockerfile", "."],
    );
    let human = text(&ok_stdout(&o));
    assert!(
        human.contains(&format!(
            "  ignore file  {ctx}/docker/app.Dockerfile.dockerignore\n"
        )),
        "{human}"
    );
    let notes: Vec<&str> = human.lines().filter(|l| l.starts_with("  note:")).collect();
    assert!(
        notes
            .iter()
            .any(|l| l.contains(&format!("{ctx}/.dockerignore is not used"))),
        "{human}"
    );
    assert!(
        notes
            .iter()
            .any(|l| l.contains("sub/.dockerignore has no effect")),
        "{human}"
    );
    assert!(
        human.contains("Kept out  2 B in 1 file by the ignore file"),
        "{human}"
    );
    let v = json_of(&env, &["-f", "docker/app.Dockerfile"]);
    assert_eq!(
        v["notes"].as_array().expect("notes").len(),
        notes.len(),
        "{v}"
    );
    assert_eq!((u(&v, "excluded_files"), u(&v, "excluded_bytes")), (1, 2));
    // The classic builder reads the context's .dockerignore, and says the other is BuildKit's.
    let o = run(
        &env,
        [
            "--color",
            "never",
            "--builder",
            "classic",
            "-f",
            "docker/app.Dockerfile",
            ".",
        ],
    );
    let human = text(&ok_stdout(&o));
    assert!(
        human.contains(&format!("  ignore file  {ctx}/.dockerignore\n")),
        "{human}"
    );
    assert!(human.contains("is read by BuildKit only"), "{human}");
}
