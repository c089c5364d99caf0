//! Growth against a base: the context as of a git revision, compared with the context now
//! (`ctxsize diff BASE`): files added, removed and grown, by top-level directory, and the
//! findings that are new or gone. A saved JSON report as BASE is compared by [`saved`].
//!
//! The base is read without touching the working tree: `REV:PREFIX` (the context's directory at
//! that revision) read into an index file of our own (`GIT_INDEX_FILE`, outside the
//! repository) and written into a temporary directory by `git checkout-index`, then analysed
//! by the same pipeline as the context itself (same builder, same Dockerfile path inside the
//! context, that revision's own ignore file). Only the tracked content, every file a checkout
//! has (`git archive` would leave out `export-ignore` paths and rewrite `export-subst` ones); a
//! temporary worktree (`git worktree add`) would also write admin files into the repository
//! and need removing afterwards.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use crate::analysis::Analysis;
use crate::report::Report;
use crate::tree::{Kind, State};

/// The context at a revision, unpacked into a temporary directory (removed on drop).
#[derive(Debug)]
pub(crate) struct BaseTree {
    /// The temporary directory; the context's files are in [`BaseTree::path`].
    pub dir: tempfile::TempDir,
    /// The revision as resolved (full commit id).
    pub commit: String,
}

fn git(root: &Path, args: &[&str]) -> Result<Vec<u8>, String> {
    let out = Command::new("git")
        .arg("-C")
        .arg(root)
        .args(args)
        .env("GIT_OPTIONAL_LOCKS", "0")
        .output()
        .map_err(|e| format!("git could not be run: {e}"))?;
    if !out.status.success() {
        return Err(format!(
            "git {}: {}",
            args.join(" "),
            String::from_utf8_lossy(&out.stderr).trim()
        ));
    }
    Ok(out.stdout)
}

/// Unpacks the context directory `root` as of `rev` into a temporary directory.
pub(crate) fn checkout(root: &Path, rev: &str) -> Result<BaseTree, String> {
    let commit = git(
        root,
        &["rev-parse", "--verify", &format!("{rev}^{{commit}}")],
    )?;
    let commit = String::from_utf8_lossy(&commit).trim().to_string();
    let prefix = git(root, &["rev-parse", "--show-prefix"])?;
    let prefix = String::from_utf8_lossy(&prefix).trim().to_string();
    let dir = tempfile::Builder::new()
        .prefix("ctxsize-base-")
        .tempdir()
        .map_err(|e| format!("cannot create a temporary directory: {e}"))?;
    let treeish = if prefix.is_empty() {
        commit.clone()
    } else {
        format!("{commit}:{}", prefix.trim_end_matches('/'))
    };
    // Not `git archive`: it honours the tree's `export-ignore` and `export-subst` attributes
    // (kimai's `assets export-ignore`), so the base lacked files every checkout has, and the
    // diff called them added. The tree is read into an index file of our own, outside the
    // repository, and written out from it: the repository's index and working tree are not
    // touched.
    // From the top of the repository: in a subdirectory, `checkout-index -a` writes only the
    // entries below it.
    let top = git(root, &["rev-parse", "--show-toplevel"])?;
    let top = PathBuf::from(String::from_utf8_lossy(&top).trim().to_string());
    let index = dir.path().join(".ctxsize-index");
    let files = dir.path().join("ctx");
    let index_git = |args: &[&str]| -> Result<(), String> {
        let out = Command::new("git")
            .arg("-C")
            .arg(&top)
            .args(["-c", "core.sparseCheckout=false"])
            .args(args)
            .env("GIT_INDEX_FILE", &index)
            .env("GIT_OPTIONAL_LOCKS", "0")
            .stdin(Stdio::null())
            .output()
            .map_err(|e| format!("git could not be run: {e}"))?;
        if out.status.success() {
            Ok(())
        } else {
            Err(format!(
                "git {}: {}",
                args.join(" "),
                String::from_utf8_lossy(&out.stderr).trim()
            ))
        }
    };
    index_git(&["read-tree", &treeish])?;
    let prefix_arg = format!("--prefix={}/", files.display());
    index_git(&["checkout-index", "-a", "-f", &prefix_arg])?;
    std::fs::create_dir_all(&files)
        .map_err(|e| format!("cannot create a temporary directory: {e}"))?;
    let _ = std::fs::remove_file(&index);
    Ok(BaseTree { dir, commit })
}

impl BaseTree {
    /// The directory holding the context's files as of the revision.
    pub(crate) fn path(&self) -> PathBuf {
        self.dir.path().join("ctx")
    }
}

/// Sent regular files (symlinks as 0 bytes) by path.
fn files(a: &Analysis) -> HashMap<Vec<u8>, u64> {
    let mut m = HashMap::new();
    a.tree.each_listed(|id, path| {
        let n = &a.tree.nodes[id as usize];
        if n.state == State::Sent && n.kind != Kind::Dir {
            m.insert(path.to_vec(), n.size);
        }
    });
    m
}

/// One file that changed.
#[derive(Debug, Clone, serde::Serialize, PartialEq, Eq)]
pub(crate) struct FileChange {
    /// Context-relative path.
    pub path: String,
    /// Bytes at the base (0: added).
    pub base_bytes: u64,
    /// Bytes now (0: removed).
    pub bytes: u64,
}

/// A top-level directory's change (files at the root: `(files at the root)`).
#[derive(Debug, Clone, serde::Serialize, PartialEq, Eq)]
pub(crate) struct DirChange {
    /// `dir/` or `(files at the root)`.
    pub path: String,
    /// Files added.
    pub added: u64,
    /// Files removed.
    pub removed: u64,
    /// Files that grew.
    pub grew: u64,
    /// Files that shrank.
    pub shrank: u64,
    /// Bytes now minus bytes at the base.
    pub delta_bytes: i64,
}

/// The comparison.
#[derive(Debug, Clone, serde::Serialize)]
pub(crate) struct Growth {
    /// The base as given and its commit.
    pub base: String,
    /// Full commit id.
    pub base_commit: String,
    /// Sent bytes and files at the base.
    pub base_content_bytes: u64,
    /// Files sent at the base.
    pub base_files: u64,
    /// Sent bytes now.
    pub content_bytes: u64,
    /// Files sent now.
    pub files: u64,
    /// `content_bytes - base_content_bytes`.
    pub growth_bytes: i64,
    /// By top-level directory, largest change first.
    pub dirs: Vec<DirChange>,
    /// Files added, largest first.
    pub added: Vec<FileChange>,
    /// Files removed, largest first.
    pub removed: Vec<FileChange>,
    /// Files that grew, by growth.
    pub grew: Vec<FileChange>,
    /// Findings now that the base did not have (`rule path`).
    pub new_findings: Vec<String>,
    /// Findings at the base that are gone.
    pub gone_findings: Vec<String>,
}

/// The findings as `(key, shown)`: keyed by rule, path and line (a message that only counts
/// more files is the same finding), shown with the message.
fn finding_keys(r: &Report) -> Vec<(String, String)> {
    let mut v: Vec<(String, String)> = r
        .findings
        .iter()
        .map(|f| {
            let at = f.line.map_or(String::new(), |l| format!(":{l}"));
            (
                format!("{} {}{at}", f.rule, f.path),
                format!("{} {}{at} {}", f.rule, f.path, f.message),
            )
        })
        .collect();
    v.sort();
    v.dedup_by(|a, b| a.0 == b.0);
    v
}

fn entry(dirs: &mut HashMap<String, DirChange>, k: String) -> &mut DirChange {
    dirs.entry(k.clone()).or_insert(DirChange {
        path: k,
        added: 0,
        removed: 0,
        grew: 0,
        shrank: 0,
        delta_bytes: 0,
    })
}

/// Compares the base with the context now.
pub(crate) fn compare(
    base_name: &str,
    base: (&Analysis, &Report, &str),
    now: (&Analysis, &Report),
) -> Growth {
    let (fa, fb) = (files(base.0), files(now.0));
    let lossy = |p: &[u8]| crate::render::escape(p);
    let mut added = Vec::new();
    let mut removed = Vec::new();
    let mut grew = Vec::new();
    let mut dirs: HashMap<String, DirChange> = HashMap::new();
    let top = |p: &[u8]| -> String {
        match p.iter().position(|&b| b == b'/') {
            Some(i) => format!("{}/", lossy(&p[..i])),
            None => "(files at the root)".to_string(),
        }
    };
    for (p, &now_b) in &fb {
        match fa.get(p) {
            None => {
                let d = entry(&mut dirs, top(p));
                d.added += 1;
                d.delta_bytes += now_b as i64;
                added.push(FileChange {
                    path: lossy(p),
                    base_bytes: 0,
                    bytes: now_b,
                });
            }
            Some(&base_b) if base_b != now_b => {
                let d = entry(&mut dirs, top(p));
                d.delta_bytes += now_b as i64 - base_b as i64;
                if now_b > base_b {
                    d.grew += 1;
                    grew.push(FileChange {
                        path: lossy(p),
                        base_bytes: base_b,
                        bytes: now_b,
                    });
                } else {
                    d.shrank += 1;
                }
            }
            Some(_) => {}
        }
    }
    for (p, &base_b) in &fa {
        if !fb.contains_key(p) {
            let d = entry(&mut dirs, top(p));
            d.removed += 1;
            d.delta_bytes -= base_b as i64;
            removed.push(FileChange {
                path: lossy(p),
                base_bytes: base_b,
                bytes: 0,
            });
        }
    }
    added.sort_by(|a, b| b.bytes.cmp(&a.bytes).then(a.path.cmp(&b.path)));
    removed.sort_by(|a, b| b.base_bytes.cmp(&a.base_bytes).then(a.path.cmp(&b.path)));
    grew.sort_by(|a, b| {
        (b.bytes - b.base_bytes)
            .cmp(&(a.bytes - a.base_bytes))
            .then(a.path.cmp(&b.path))
    });
    let mut dirs: Vec<DirChange> = dirs.into_values().collect();
    dirs.sort_by(|a, b| {
        b.delta_bytes
            .unsigned_abs()
            .cmp(&a.delta_bytes.unsigned_abs())
            .then(a.path.cmp(&b.path))
    });
    let (ka, kb) = (finding_keys(base.1), finding_keys(now.1));
    let tb = base.0.totals;
    let tn = now.0.totals;
    Growth {
        base: base_name.to_string(),
        base_commit: base.2.to_string(),
        base_content_bytes: tb.content_bytes,
        base_files: tb.files,
        content_bytes: tn.content_bytes,
        files: tn.files,
        growth_bytes: tn.content_bytes as i64 - tb.content_bytes as i64,
        dirs,
        added,
        removed,
        grew,
        new_findings: kb
            .iter()
            .filter(|k| !ka.iter().any(|x| x.0 == k.0))
            .map(|k| k.1.clone())
            .collect(),
        gone_findings: ka
            .iter()
            .filter(|k| !kb.iter().any(|x| x.0 == k.0))
            .map(|k| k.1.clone())
            .collect(),
    }
}

/// The Dockerfile path to use for the base: the same path inside the unpacked tree when the
/// Dockerfile is inside the context; `None`: the default.
pub(crate) fn base_dockerfile(
    now: &Analysis,
    base_root: &Path,
    given: Option<&Path>,
) -> Option<PathBuf> {
    given?;
    let rel = now
        .resolved
        .dockerfile
        .strip_prefix(&now.resolved.root)
        .ok()?;
    Some(base_root.join(rel))
}

pub(crate) mod saved;

#[cfg(test)]
mod tests;
