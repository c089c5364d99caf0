//! Contexts deeper than one system call's path (`PATH_MAX`, 4096 bytes on Linux): the classic
//! builder's check names entries by their whole path and fails as docker 28.2.2 does
//! (`error checking context: lstat <path>: file name too long`, recorded with the real CLI);
//! what ctxsize itself reads there (the content scan) is read a part of the path at a time.

use std::os::fd::OwnedFd;

use rustix::fs::{mkdirat, openat, Mode, OFlags};

use crate::util::{text, TestEnv};

/// A chain of `levels` `d` directories below the context with `creds.txt` at the bottom
/// (relative path `2 * levels + 9` bytes long); returns the root's resolved length.
fn deep_chain(env: &TestEnv, levels: usize, creds: &str) -> usize {
    let root = std::fs::canonicalize(env.ctx()).unwrap();
    let root_len = root.as_os_str().len();
    let flags = OFlags::DIRECTORY | OFlags::RDONLY | OFlags::CLOEXEC;
    let mut dir: OwnedFd = openat(rustix::fs::CWD, &root, flags, Mode::empty()).unwrap();
    for _ in 0..levels {
        mkdirat(&dir, "d", Mode::from_raw_mode(0o755)).unwrap();
        dir = openat(&dir, "d", flags, Mode::empty()).unwrap();
    }
    let f = openat(
        &dir,
        "creds.txt",
        OFlags::WRONLY | OFlags::CREATE | OFlags::CLOEXEC,
        Mode::from_raw_mode(0o644),
    )
    .unwrap();
    rustix::io::write(&f, creds.as_bytes()).unwrap();
    root_len
}

fn creds() -> String {
    format!(
        "AWS_ACCESS_KEY_ID=AKIA{}\nAWS_SECRET_ACCESS_KEY={}\n",
        "QYLPMN5HHHFPZAM2", "Xk9vP2mQ7rT4wY8zB3nF6hJ1kL5sD0aG2cV7bN4e"
    )
}

#[test]
fn classic_check_fails_on_the_first_path_over_path_max() {
    let env = TestEnv::new();
    env.file("Dockerfile", "FROM scratch\nCOPY . /\n");
    let root = std::fs::canonicalize(env.ctx()).unwrap().as_os_str().len();
    let root_len = deep_chain(&env, (4200 - root) / 2 + 1, &creds());
    let o = env.run(["--builder", "classic", "--format", "json", "."]);
    assert_eq!(o.status.code(), Some(2), "{}", text(&o.stdout));
    let err = text(&o.stderr);
    let first = err.lines().next().unwrap_or_default();
    assert!(
        first.starts_with("error: error checking context: lstat /"),
        "{first:.200}"
    );
    assert!(err.contains("file name too long"), "{err:.300}");
    // The message is capped for the terminal; its stated length is docker's: the prefix, the
    // first path of 4096 bytes or more in walk order (the chain's `d` at that depth), the reason.
    let path_len = root_len + 2 * (4096 - root_len).div_ceil(2);
    let full = "error checking context: lstat ".len() + path_len + ": file name too long".len();
    assert!(
        first.ends_with(&format!("({full} characters in all)")),
        "root {root_len}, expected {full}: …{}",
        &first[first.len().saturating_sub(60)..]
    );
    // Excluded (and no exception below it), the chain is never looked into.
    env.dockerignore("d\n");
    let o = env.run(["--builder", "classic", "--format", "json", "."]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
}

#[test]
fn buildkit_fails_on_the_first_sent_path_over_path_max() {
    let env = TestEnv::new();
    env.file("Dockerfile", "FROM scratch\nCOPY . /\n");
    deep_chain(&env, 2100, &creds());
    let o = env.run(["--format", "json", "."]);
    assert_eq!(o.status.code(), Some(2), "{}", text(&o.stdout));
    let err = text(&o.stderr);
    assert!(
        err.starts_with("error: error from sender: lstat /"),
        "{err:.200}"
    );
    assert!(err.contains("d/d: file name too long"), "{err:.600}");
    // Kept out, the chain is never looked into.
    env.dockerignore("d\n");
    let o = env.run(["--format", "json", "."]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
    // Walked into for an exception that matches nothing there: opening it fails.
    env.dockerignore("d\n!d/**/keep.txt\n");
    let o = env.run(["--format", "json", "."]);
    assert_eq!(o.status.code(), Some(2), "{}", text(&o.stdout));
    assert!(text(&o.stderr).starts_with("error: error from sender: open /"));
}

/// Past one relative open (2048 bytes) and short of `PATH_MAX` relative to the context: the
/// content scan still reads the file, and only an absolute context argument would fail.
#[test]
fn the_content_scan_reads_files_past_a_relative_open() {
    let env = TestEnv::new();
    env.file("Dockerfile", "FROM scratch\nCOPY . /\n");
    let root_len = deep_chain(&env, 2035, &creds());
    assert!(root_len + 1 + 2 * 2035 + 9 >= 4096, "root {root_len}");
    let o = env.run(["--format", "json", "--no-scan-cache", "."]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let deep: Vec<&serde_json::Value> = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["rule"] == "CTX151")
        .filter(|f| f["path"].as_str().unwrap().ends_with("/d/creds.txt"))
        .collect();
    assert_eq!(deep.len(), 1, "{}", text(&o.stdout));
    let warned = v["warnings"].as_array().unwrap().iter().any(|w| {
        let w = w.as_str().unwrap();
        w.contains("`docker build .` works") && w.contains("file name too long")
    });
    assert!(warned, "{}", v["warnings"]);
}

/// The bottom directory of [`deep_chain`]'s `levels` levels, opened one level at a time.
fn bottom(env: &TestEnv, levels: usize) -> OwnedFd {
    let flags = OFlags::DIRECTORY | OFlags::RDONLY | OFlags::CLOEXEC;
    let root = std::fs::canonicalize(env.ctx()).unwrap();
    let mut dir: OwnedFd = openat(rustix::fs::CWD, &root, flags, Mode::empty()).unwrap();
    for _ in 0..levels {
        dir = openat(&dir, "d", flags, Mode::empty()).unwrap();
    }
    dir
}

/// `hash` covers what `list` lists: past `PATH_MAX` only with the context's own path before
/// them (`docker build .` works), entries are read by name in their directory, opened a part
/// of the path at a time as the content scan does. It failed with "file name too long", exit 2.
#[test]
fn hash_reads_entries_past_path_max_with_the_root_before_them() {
    use rustix::fs::{symlinkat, unlinkat, AtFlags};
    let env = TestEnv::new();
    env.file("Dockerfile", "FROM scratch\nCOPY . /\n");
    let levels = 2035;
    let root_len = deep_chain(&env, levels, &creds());
    assert!(root_len + 1 + 2 * levels + 9 >= 4096, "root {root_len}");
    let dir = bottom(&env, levels);
    symlinkat("creds.txt", &dir, "link").unwrap();
    let hash = || {
        let o = env.run(["hash", "--format", "json", "."]);
        assert_eq!(o.status.code(), Some(0), "{:.300}", text(&o.stderr));
        let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
        (
            v["digest"].as_str().unwrap().to_string(),
            v["files"].as_u64().unwrap(),
            v["bytes"].as_u64().unwrap(),
        )
    };
    let (first, files, bytes) = hash();
    assert_eq!(files, 2, "Dockerfile, creds.txt");
    assert_eq!(bytes, 22 + creds().len() as u64);
    // The deep file's content is read: one byte changed, the same size, another digest.
    let f = openat(
        &dir,
        "creds.txt",
        OFlags::WRONLY | OFlags::TRUNC | OFlags::CLOEXEC,
        Mode::empty(),
    )
    .unwrap();
    rustix::io::write(&f, creds().replacen("AKIA", "AKIB", 1).as_bytes()).unwrap();
    let (second, _, same) = hash();
    assert_eq!(same, bytes);
    assert_ne!(second, first);
    // And the link's target.
    unlinkat(&dir, "link", AtFlags::empty()).unwrap();
    symlinkat("creds.txx", &dir, "link").unwrap();
    assert_ne!(hash().0, second);
}
