//! Churn: how often the files each COPY sends change, from the git history of the context
//! (commits among the last N that touch them), and the files that change on every build or
//! commit whatever the history says (`.git/`, logs, IDE and language-server state, coverage, CI
//! caches), named per COPY with the layers they invalidate (`DF011`).
//!
//! The window is the last N commits (`--churn-commits`, default 100) and/or the last N days
//! (`--churn-days`, `git log --since`, by committer date).
//!
//! The history comes from the `git` binary: one `git log -n N --name-only -z --relative`
//! (the context's own directory, paths relative to it). That single process reads only the
//! commits asked for; a git library (gix, git2) would add a large dependency for the same one
//! query, and `git` honours the user's configuration (safe.directory, alternates, partial clones)
//! exactly. A context outside a repository, or without `git` on the PATH, gets a note and no
//! churn figures.

use std::collections::HashMap;
use std::path::Path;
use std::process::Command;

use crate::layers::CopyFiles;
use crate::paths::lossy;
use crate::report::{Finding, LayerStage};
use crate::tree::{Tree, ROOT};

/// Commits touching paths under the context, newest first; each a list of context-relative
/// paths.
#[derive(Debug, Clone, Default)]
pub(crate) struct History {
    /// The commits read (at most N).
    pub commits: Vec<Vec<Vec<u8>>>,
}

/// Which commits churn reads: at most `commits`, and only those committed at or after `since`
/// (a Unix time, from `--churn-days`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Window {
    /// `-n N` (`None`: no limit).
    pub commits: Option<u64>,
    /// `--since=@T`: the committer date cut-off.
    pub since: Option<u64>,
}

impl Window {
    /// From `--churn-commits` and `--churn-days` (`None`: churn is off). Without either, the
    /// last 100 commits; `--churn-days` alone reads every commit of those days; both limit.
    pub(crate) fn new(commits: Option<u64>, days: Option<u64>) -> Option<Window> {
        if commits == Some(0) || days == Some(0) {
            return None;
        }
        let now = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_secs());
        Some(Window {
            commits: commits.or(if days.is_some() { None } else { Some(100) }),
            since: days.map(|d| now.saturating_sub(d.saturating_mul(86_400))),
        })
    }
}

/// Reads the commits of the window touching the context directory `root`. `Err`: why not (not
/// a repository, no git, no commits), for the note.
pub(crate) fn history(root: &Path, w: &Window) -> Result<History, String> {
    let mut limits: Vec<String> = Vec::new();
    if let Some(n) = w.commits {
        limits.push(format!("-n{n}"));
    }
    if let Some(t) = w.since {
        // Git reads `@<unix time>` as that instant; commits are filtered by committer date.
        limits.push(format!("--since=@{t}"));
    }
    let out = Command::new("git")
        .arg("-C")
        .arg(root)
        .arg("log")
        .args(&limits)
        .args([
            "--no-renames",
            "--name-only",
            "--format=format:%x01",
            "--relative",
            "-z",
            "--",
            ".",
        ])
        .env("GIT_OPTIONAL_LOCKS", "0")
        .output()
        .map_err(|e| format!("git could not be run ({e}): churn skipped"))?;
    if !out.status.success() {
        let msg = String::from_utf8_lossy(&out.stderr);
        let first = msg.lines().next().unwrap_or("").trim();
        return Err(format!(
            "no git history for the context ({first}): churn skipped"
        ));
    }
    Ok(parse_log(&out.stdout))
}

/// Parses `git log --name-only --format=format:%x01 -z` output.
pub(crate) fn parse_log(bytes: &[u8]) -> History {
    let mut h = History::default();
    for tok in bytes.split(|&b| b == 0) {
        let tok = match tok.strip_prefix(b"\x01") {
            Some(rest) => {
                h.commits.push(Vec::new());
                rest.strip_prefix(b"\n").unwrap_or(rest)
            }
            None => tok,
        };
        let tok = tok.strip_prefix(b"\n").unwrap_or(tok);
        if tok.is_empty() {
            continue;
        }
        if let Some(c) = h.commits.last_mut() {
            c.push(tok.to_vec());
        }
    }
    h
}

/// Commits among `h` that touch at least one of the files `c` sends (each path of the history
/// looked up in `tree` once).
pub(crate) fn commits_touching(h: &History, tree: &Tree, c: &CopyFiles) -> u64 {
    let mut known: HashMap<&[u8], bool> = HashMap::new();
    let mut n = 0;
    for commit in &h.commits {
        let mut hit = false;
        for p in commit {
            let sent = *known.entry(p.as_slice()).or_insert_with(|| {
                tree.find(p)
                    .is_some_and(|id| c.ids.binary_search(&id).is_ok())
            });
            if sent {
                hit = true;
                break;
            }
        }
        n += u64::from(hit);
    }
    n
}

/// The first directory component of `path` (all but its last component) that changes on every
/// build or commit: why, and the length of the path up to and including its `/`.
fn volatile_dir(path: &str) -> Option<(&'static str, usize)> {
    let mut end = 0;
    let comps: Vec<&str> = path.split('/').collect();
    for d in &comps[..comps.len().saturating_sub(1)] {
        end += d.len() + 1;
        let why = match *d {
            ".git" | ".hg" | ".svn" => Some("version-control state"),
            ".idea" | ".vscode" | ".vs" | ".fleet" | ".elixir_ls" | ".lsp" | ".clj-kondo"
            | ".ccls-cache" | ".cache" | ".metals" | ".bloop" => {
                Some("IDE or language-server state")
            }
            "coverage" | ".nyc_output" | "htmlcov" => Some("coverage output"),
            ".pytest_cache"
            | "__pycache__"
            | ".mypy_cache"
            | ".ruff_cache"
            | ".gradle"
            | ".buildx-mount-cache"
            | ".turbo"
            | ".next"
            | ".parcel-cache" => Some("build or CI cache"),
            // Not `log`: a Go package is often named so (`internal/log`); a Rails `log/*.log`
            // is a log by its own name.
            "logs" => Some("logs"),
            _ => None,
        };
        if let Some(w) = why {
            return Some((w, end));
        }
    }
    None
}

/// Whether `dir` (ending in `/`) lies inside a dependency tree (`vendor/`, `node_modules/`, …),
/// by the report's name rules.
fn in_dependency_tree(dir: &str) -> bool {
    crate::rules::RuleSet::default_set().in_dependency_tree(dir.trim_end_matches('/').as_bytes())
}

/// Whether a file's name is that of source code (`mod.rs`, `Handler.php`, `index.ts`).
fn source_name(name: &[u8]) -> bool {
    crate::rules::SOURCE_EXTS.iter().any(|e| name.ends_with(e))
}

/// The files that keep an otherwise empty directory in git (`storage/logs/.gitignore`).
fn placeholder(name: &[u8]) -> bool {
    matches!(name, b".gitignore" | b".gitkeep" | b".keep")
}

/// Whether a file's own name marks it as changing on every build (a log, editor state).
fn volatile_name(name: &[u8]) -> Option<&'static str> {
    if name.ends_with(b".log") {
        return Some("logs");
    }
    if name.ends_with(b".swp") || name == b".DS_Store" || name == b".coverage" {
        return Some("editor or tool state");
    }
    None
}

/// The volatile files a COPY sends, grouped: `(path or directory (why), files)`.
fn volatile_groups(c: &CopyFiles, tree: &Tree, dockerfile: Option<&str>) -> Vec<(String, u64)> {
    let mut groups: Vec<(String, u64)> = Vec::new();
    let df = dockerfile.and_then(|d| tree.find(d.as_bytes()));
    // The directory part decides for every file below a directory: judged once per directory,
    // and a file's path is built only when it is volatile.
    let mut dirs: HashMap<u32, Option<(&'static str, String)>> = HashMap::new();
    for &id in &c.ids {
        let parent = tree.nodes[id as usize].parent;
        let found = if Some(id) == df {
            Some(("the Dockerfile", lossy(&tree.path(id))))
        } else if let Some(by_dir) = dirs
            .entry(parent)
            .or_insert_with(|| {
                let mut d = if parent == ROOT {
                    Vec::new()
                } else {
                    tree.path(parent)
                };
                d.push(b'/');
                let d = lossy(&d);
                volatile_dir(&d)
                    // A `logs` package inside a vendored dependency is source (go-redis has one).
                    .filter(|&(why, end)| why != "logs" || !in_dependency_tree(&d[..end]))
                    .map(|(why, end)| (why, d[..end].to_string()))
            })
            .clone()
            // Source code in a directory named `logs` (atuin's `src/logs/mod.rs`, a Laravel
            // `Logs/` of PHP classes) is a module, not a log; the placeholder that keeps an
            // empty `storage/logs/` in git (`.gitignore`, `.gitkeep`) does not change either.
            .filter(|(why, _)| {
                *why != "logs" || !(source_name(tree.name(id)) || placeholder(tree.name(id)))
            })
        {
            Some(by_dir)
        } else {
            volatile_name(tree.name(id)).map(|why| (why, lossy(&tree.path(id))))
        };
        if let Some((why, part)) = found {
            let key = format!("{part} ({why})");
            match groups.iter_mut().find(|g| g.0 == key) {
                Some(g) => g.1 += 1,
                None => groups.push((key, 1)),
            }
        }
    }
    groups.sort();
    groups
}

/// Adds churn figures and volatile files to the layer view and returns the `DF011` findings.
/// `history` is `None` when there is none (only the volatile files are named then); `classic`:
/// the Dockerfile is sent with the context and counts as changing.
pub(crate) fn apply(
    tree: &Tree,
    stages: &mut [LayerStage],
    copies: &[CopyFiles],
    history: Option<&History>,
    dockerfile: &str,
    classic: bool,
) -> Vec<Finding> {
    let mut out = Vec::new();
    for st in stages.iter_mut() {
        for i in 0..st.steps.len() {
            let Some(c) = copies
                .iter()
                .find(|c| c.stage == st.stage && c.line == st.steps[i].line)
            else {
                continue;
            };
            if let Some(h) = history {
                st.steps[i].churn_commits = Some(commits_touching(h, tree, c));
            }
            let groups = volatile_groups(c, tree, classic.then_some(dockerfile));
            if groups.is_empty() {
                continue;
            }
            st.steps[i].volatile = groups.iter().map(|g| g.0.clone()).collect();
            let after: Vec<String> = st.steps[i + 1..]
                .iter()
                .map(|s| format!("line {} {}", s.line, s.instruction))
                .collect();
            let installs: Vec<String> = st.steps[i + 1..]
                .iter()
                .filter_map(|s| {
                    s.install
                        .as_ref()
                        .map(|e| format!("the {e} install at line {}", s.line))
                })
                .collect();
            let files: u64 = groups.iter().map(|g| g.1).sum();
            let step = &st.steps[i];
            let rule = crate::rules::lint_rules::rule("DF011").expect("DF011 is in the catalog");
            let weight = if installs.is_empty() {
                String::new()
            } else {
                format!(", including {}", installs.join(", "))
            };
            out.push(Finding {
                rule: rule.id.into(),
                category: "layers".into(),
                severity: if installs.is_empty() { "low" } else { "medium" }.into(),
                path: dockerfile.to_string(),
                files,
                bytes: 0,
                message: format!(
                    "`{} {}` (line {}) sends files that change on every build or commit: {}; it never hits the cache{}{}",
                    step.instruction,
                    step.text,
                    step.line,
                    shown(&groups),
                    match after.len() {
                        0 => String::new(),
                        1 => ", and neither does the step after it".to_string(),
                        n => format!(", and neither do the {n} steps after it"),
                    },
                    weight
                ),
                fix: String::new(),
                line: Some(step.line),
                clean: false,
            });
        }
    }
    out
}

/// At most 8 groups, then how many more.
fn shown(groups: &[(String, u64)]) -> String {
    let mut v: Vec<String> = groups
        .iter()
        .take(8)
        .map(|(k, n)| format!("{k}, {n} file{}", if *n == 1 { "" } else { "s" }))
        .collect();
    if groups.len() > 8 {
        v.push(format!("and {} more", groups.len() - 8));
    }
    v.join("; ")
}

#[cfg(test)]
mod tests;
