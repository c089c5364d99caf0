//! Helpers for the library's unit tests.

use std::path::Path;

use crate::analysis::Config;
use crate::walk::Builder;

/// The configuration for the context `dir`, with `dir` as the current directory.
pub(crate) fn config(dir: &Path, builder: Builder, threads: usize) -> Config {
    Config {
        context: dir.to_path_buf(),
        dockerfile: None,
        builder,
        cwd: dir.to_path_buf(),
        threads,
        excluded_sizes: true,
        engine: crate::engine::Engine::Docker,
    }
}

/// A temporary context: `files` (a trailing `/` makes a directory), each holding `content`, and
/// a `.dockerignore` with `ignore`.
pub(crate) fn ctx(files: &[&str], ignore: &str, content: &[u8]) -> tempfile::TempDir {
    let d = tempfile::tempdir().unwrap();
    for f in files {
        let p = d.path().join(f);
        if f.ends_with('/') {
            std::fs::create_dir_all(&p).unwrap();
        } else {
            std::fs::create_dir_all(p.parent().unwrap()).unwrap();
            std::fs::write(&p, content).unwrap();
        }
    }
    std::fs::write(d.path().join(".dockerignore"), ignore).unwrap();
    d
}

/// Runs `git -C dir ARGS` with a fixed identity and no signing; panics with git's message if it
/// fails.
pub(crate) fn git(dir: &Path, args: &[&str]) {
    git_env(dir, args, &[]);
}

/// [`git`] with extra environment (`GIT_COMMITTER_DATE`, `GIT_AUTHOR_DATE`, …).
pub(crate) fn git_env(dir: &Path, args: &[&str], env: &[(&str, &str)]) {
    let ok = std::process::Command::new("git")
        .envs(env.iter().copied())
        .arg("-C")
        .arg(dir)
        .args([
            "-c",
            "user.name=t",
            "-c",
            "user.email=t@example.com",
            "-c",
            "commit.gpgsign=false",
        ])
        .args(args)
        .output()
        .expect("git runs");
    assert!(
        ok.status.success(),
        "git {args:?}: {}",
        String::from_utf8_lossy(&ok.stderr)
    );
}
