//! `ctxsize check-ci`: builds in a repository's CI and scripts whose context ignores the
//! `.dockerignore` the user edits. Read: `.github/workflows/*.yml|yaml` (parsed as YAML for
//! `docker/build-push-action` steps; every line scanned for build commands), `.gitlab-ci.yml`
//! (parsed as YAML: each job's script commands, see [`gitlab`]; scanned as text only when it is
//! not valid YAML), `Makefile`, `*.mk` and `*.sh` at the repository root.
//!
//! - `CI001` `docker/build-push-action` without `context:`: the action then builds from the Git
//!   context, and "any file mutation in the steps that precede the build step will be ignored,
//!   including processing of the .dockerignore file since the context is based on the Git
//!   reference" (docker/build-push-action README, "Git context"). Fix: `context: .` after
//!   `actions/checkout`.
//! - `CI002` `docker build https://….git` / `git@…`: a Git context is cloned by the builder; the
//!   local `.dockerignore` (and any local edit) plays no part.
//! - `CI003` `docker build - < ctx.tar`: a tarball on stdin is the context as it is; no ignore
//!   file filters it.
//! - `CI004` `-f DIR/X` with context `C`: under BuildKit `DIR/X.dockerignore` replaces
//!   `C/.dockerignore` (so edits to the latter do nothing there), and a `.dockerignore` next to
//!   the Dockerfile outside `C`'s root is never read.
//!
//! A command of its own rather than a `lint` rule: `lint` checks one context's ignore file, this
//! reads the repository's CI files, which name many contexts.

mod gitlab;

use std::path::{Path, PathBuf};

use serde::Serialize;
use serde_yaml_ng::Value;

use crate::error::Error;

/// One problem in a CI file or script.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub(crate) struct CiFinding {
    /// `CI001`…`CI004`.
    pub rule: &'static str,
    /// The file, relative to the repository root.
    pub file: String,
    /// 1-based line.
    pub line: usize,
    /// What is wrong.
    pub message: String,
    /// The fix.
    pub fix: String,
}

/// Scans the repository at `root`.
pub(crate) fn scan(root: &Path) -> Result<Vec<CiFinding>, Error> {
    // A directory that is not there (or not a directory) is an error, not "nothing found".
    match std::fs::metadata(root) {
        Ok(m) if m.is_dir() => {}
        Ok(_) => {
            return Err(Error::Usage(format!(
                "{}: not a directory (check-ci scans a repository's directory)",
                root.display()
            )))
        }
        Err(e) => return Err(Error::Io(root.to_path_buf(), e)),
    }
    let mut files: Vec<PathBuf> = Vec::new();
    let wf = root.join(".github").join("workflows");
    if let Ok(rd) = std::fs::read_dir(&wf) {
        for e in rd.flatten() {
            let p = e.path();
            if matches!(p.extension().and_then(|x| x.to_str()), Some("yml" | "yaml")) {
                files.push(p);
            }
        }
    }
    if let Ok(rd) = std::fs::read_dir(root) {
        for e in rd.flatten() {
            let p = e.path();
            let name = e.file_name().to_string_lossy().into_owned();
            if name == ".gitlab-ci.yml"
                || name == "Makefile"
                || name == "GNUmakefile"
                || name.ends_with(".mk")
                || name.ends_with(".sh")
            {
                files.push(p);
            }
        }
    }
    files.sort();
    let mut out = Vec::new();
    for f in files {
        // A FIFO or socket with a CI file's name holds no CI file (and reading one would wait
        // forever).
        let text = match crate::context::read_regular(&f) {
            Err(e) if e.kind() == std::io::ErrorKind::InvalidInput => continue,
            r => r.map_err(|e| Error::Io(f.clone(), e))?,
        };
        let text = String::from_utf8_lossy(&text);
        let rel = f.strip_prefix(root).unwrap_or(&f).display().to_string();
        if f.starts_with(&wf) {
            out.extend(build_push_steps(&text, &rel));
        }
        if f.file_name().is_some_and(|n| n == ".gitlab-ci.yml") {
            if let Some(found) = gitlab::scan(&text, &rel, root) {
                out.extend(found);
                continue;
            }
        }
        for (i, l) in text.lines().enumerate() {
            out.extend(
                build_command(l, root).map(|(rule, message, fix)| CiFinding {
                    rule,
                    file: rel.clone(),
                    line: i + 1,
                    message,
                    fix,
                }),
            );
        }
    }
    Ok(out)
}

/// `docker/build-push-action` steps without `context:` (line: the step's `uses:` line).
fn build_push_steps(text: &str, file: &str) -> Vec<CiFinding> {
    let Ok(doc) = serde_yaml_ng::from_str::<Value>(text) else {
        return Vec::new();
    };
    let uses_lines: Vec<usize> = text
        .lines()
        .enumerate()
        .filter(|(_, l)| l.contains("docker/build-push-action"))
        .map(|(i, _)| i + 1)
        .collect();
    let mut k = 0;
    let mut out = Vec::new();
    let jobs = doc.get("jobs").and_then(Value::as_mapping);
    for (_, job) in jobs.into_iter().flatten() {
        let steps = job.get("steps").and_then(Value::as_sequence);
        for step in steps.into_iter().flatten() {
            let Some(uses) = step.get("uses").and_then(Value::as_str) else {
                continue;
            };
            if !uses.starts_with("docker/build-push-action") {
                continue;
            }
            let line = uses_lines.get(k).copied().unwrap_or(0);
            k += 1;
            let has_context = step.get("with").and_then(|w| w.get("context")).is_some();
            if !has_context {
                out.push(CiFinding {
                    rule: "CI001",
                    file: file.to_string(),
                    line,
                    message: format!("{uses} without `context:` builds from the Git context: the repository's .dockerignore and every change made by earlier steps are not applied (docker/build-push-action README, \"Git context\")"),
                    fix: "add `context: .` under `with:` (after actions/checkout)".into(),
                });
            }
        }
    }
    out
}

type Hit = (&'static str, String, String);

/// A `docker build` / `docker buildx build` / `docker image build` command on one line.
fn build_command(line: &str, root: &Path) -> Option<Hit> {
    let t: Vec<&str> = line.split_whitespace().collect();
    let d = t.iter().position(|w| *w == "docker")?;
    let rest = &t[d + 1..];
    let args = match rest {
        ["build", a @ ..] | ["buildx", "build", a @ ..] | ["image", "build", a @ ..] => a,
        _ => return None,
    };
    let mut file: Option<&str> = None;
    let mut context: Option<&str> = None;
    let mut i = 0;
    while i < args.len() {
        let a = args[i];
        if matches!(a, "&&" | "||" | ";" | "|" | "\\") || a.starts_with('#') {
            break;
        }
        if a == "-f" || a == "--file" {
            file = args.get(i + 1).copied();
            i += 2;
            continue;
        }
        if let Some(v) = a.strip_prefix("--file=") {
            file = Some(v);
        } else if a == "-" || a == "<" {
            context.get_or_insert("-");
        } else if a.starts_with('-') {
            // A flag with a separate value: skip the value (all docker build flags but the
            // booleans take one; the common booleans are listed).
            let boolean = matches!(
                a,
                "--pull"
                    | "--no-cache"
                    | "--push"
                    | "--load"
                    | "-q"
                    | "--quiet"
                    | "--rm"
                    | "--force-rm"
            ) || a.contains('=');
            if !boolean {
                i += 1;
            }
        } else if a.starts_with('<') || a.starts_with('>') {
            // A redirection.
        } else {
            context.get_or_insert(a);
        }
        i += 1;
    }
    let context = context?;
    if context == "-" {
        return Some((
            "CI003",
            "docker build reads the context as a tarball from stdin: no .dockerignore filters it, every file in the tar is sent".into(),
            "build from the directory (`docker build .`), or create the tar with the ignore rules applied".into(),
        ));
    }
    if context.starts_with("https://")
        && (context.contains(".git") || context.contains("github.com"))
        || context.starts_with("git@")
        || context.starts_with("git://")
    {
        return Some((
            "CI002",
            format!("docker build {context}: a Git context is cloned by the builder; the local .dockerignore and local changes play no part"),
            "check out the repository and build the directory (`docker build .`)".into(),
        ));
    }
    let file = file?;
    if [context, file].iter().any(|s| s.contains('$')) || file == "-" {
        return None;
    }
    let ctx = root.join(context);
    let df = root.join(file);
    let per = PathBuf::from(format!("{}.dockerignore", df.display()));
    let ctx_ignore = ctx.join(".dockerignore");
    if per.is_file() && ctx_ignore.is_file() {
        return Some((
            "CI004",
            format!("-f {file} with context {context}: BuildKit reads {file}.dockerignore and not {context}/.dockerignore (the classic builder reads only {context}/.dockerignore)"),
            format!("edit {file}.dockerignore for BuildKit builds, or delete it to use {context}/.dockerignore"),
        ));
    }
    let df_dir = df.parent().map(Path::to_path_buf).unwrap_or_default();
    let near = df_dir.join(".dockerignore");
    if near.is_file() && !ctx_ignore.is_file() && !per.is_file() && df_dir != ctx {
        return Some((
            "CI004",
            format!("-f {file} with context {context}: the .dockerignore next to the Dockerfile is not read; only {context}/.dockerignore (or {file}.dockerignore under BuildKit) is"),
            format!("move it to {context}/.dockerignore, or rename it {file}.dockerignore"),
        ));
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn build_commands() {
        let root = Path::new("/nonexistent");
        let rule = |l: &str| build_command(l, root).map(|h| h.0);
        assert_eq!(rule("docker build - < ctx.tar"), Some("CI003"));
        assert_eq!(
            rule("  run: docker build -t x - < ctx.tar.gz"),
            Some("CI003")
        );
        assert_eq!(
            rule("docker build https://github.com/a/b.git#main"),
            Some("CI002")
        );
        assert_eq!(
            rule("docker buildx build git@github.com:a/b.git"),
            Some("CI002")
        );
        assert_eq!(rule("docker build -t x ."), None);
        assert_eq!(rule("docker run --rm x"), None);
        assert_eq!(rule("echo docker"), None);
    }
}
