//! `ctxsize diff BASE` where BASE is a saved JSON report (`ctxsize --format json . > base.json`).
//!
//! A saved report holds the totals (`files`, `content_bytes`, `tar_bytes`, the transfer set),
//! the largest directories (`--top` per level, `--depth` levels), the largest files (`--top`),
//! and every finding. Those are compared exactly with the context now: each directory and file
//! the base lists is measured in the current tree (sent files below it, hardlinked content once,
//! as the report counts it). What the base does not list cannot be compared, and the output says
//! so ([`SavedGrowth::not_shown`]): a file outside its largest-files list may have been added,
//! removed or changed without a trace in the totals' breakdown. A git revision as BASE reads
//! the whole tree and shows every file.

use std::collections::{HashMap, HashSet};

use serde_json::Value;

use crate::analysis::Analysis;
use crate::report::Report;
use crate::tree::{Kind, State, ROOT};

/// A directory the base report lists, now.
#[derive(Debug, Clone, serde::Serialize, PartialEq, Eq)]
pub(crate) struct SavedDir {
    /// Its path, as the report writes it.
    pub path: String,
    /// Bytes and files sent below it at the base.
    pub base_bytes: u64,
    /// Files at the base.
    pub base_files: u64,
    /// Bytes now (0 when it is gone).
    pub bytes: u64,
    /// Files now.
    pub files: u64,
    /// `bytes - base_bytes`.
    pub delta_bytes: i64,
}

/// A file the base report lists, now.
#[derive(Debug, Clone, serde::Serialize, PartialEq, Eq)]
pub(crate) struct SavedFile {
    /// Its path.
    pub path: String,
    /// Bytes at the base.
    pub base_bytes: u64,
    /// Bytes now (`None`: not sent any more).
    pub bytes: Option<u64>,
}

/// A directory or file among the largest now that the base report does not list.
#[derive(Debug, Clone, serde::Serialize, PartialEq, Eq)]
pub(crate) struct Unlisted {
    /// Its path.
    pub path: String,
    /// Bytes now.
    pub bytes: u64,
    /// Files now (directories).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub files: Option<u64>,
}

/// The comparison with a saved report.
#[derive(Debug, Clone, serde::Serialize)]
pub(crate) struct SavedGrowth {
    /// The base as given (the file).
    pub base: String,
    /// `report`: a saved JSON report (a git revision has no such key).
    pub base_kind: &'static str,
    /// The base report's context, builder and schema version.
    pub base_context: String,
    /// The base report's builder.
    pub base_builder: String,
    /// Its schema version.
    pub base_schema_version: u64,
    /// Files sent at the base.
    pub base_files: u64,
    /// Bytes sent at the base.
    pub base_content_bytes: u64,
    /// The tar size at the base.
    pub base_tar_bytes: u64,
    /// Files sent now.
    pub files: u64,
    /// Bytes sent now.
    pub content_bytes: u64,
    /// The tar size now.
    pub tar_bytes: u64,
    /// `content_bytes - base_content_bytes`.
    pub growth_bytes: i64,
    /// The transfer set's bytes at the base and now, when both reports have one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub transfer_bytes: Option<(u64, u64)>,
    /// The base report's largest directories, each measured now; largest change first.
    pub dirs: Vec<SavedDir>,
    /// Directories among the largest now (to the base report's depth) it does not list.
    pub dirs_not_in_base: Vec<Unlisted>,
    /// The base report's largest files, each measured now.
    pub largest_files: Vec<SavedFile>,
    /// Files among the largest now that the base report does not list.
    pub files_not_in_base: Vec<Unlisted>,
    /// The base report lists every file it sent (its largest-files list is as long as its file
    /// count): a file now that it does not list was added.
    pub base_files_complete: bool,
    /// Findings now that the base report did not have (`rule path[:line] message`).
    pub new_findings: Vec<String>,
    /// Findings of the base report that are gone.
    pub gone_findings: Vec<String>,
    /// What a saved report cannot show.
    pub not_shown: Vec<String>,
    /// Differences in how the two were made (builder, context) that make totals incomparable.
    pub warnings: Vec<String>,
}

/// Reads a saved report's JSON; `Err` says why it is not one.
pub(crate) fn parse(bytes: &[u8]) -> Result<Value, String> {
    let v: Value = serde_json::from_slice(bytes).map_err(|e| format!("not a JSON report ({e})"))?;
    let is_report = v.get("schema_version").is_some_and(Value::is_u64)
        && v.get("content_bytes").is_some_and(Value::is_u64)
        && v.get("files").is_some_and(Value::is_u64);
    if !is_report {
        return Err(
            "not a saved ctxsize report: it has no schema_version, files and content_bytes (save one with `ctxsize --format json DIR > base.json`; compose and bake output is not a report of one context)".into(),
        );
    }
    Ok(v)
}

fn u(v: &Value, k: &str) -> u64 {
    v.get(k).and_then(Value::as_u64).unwrap_or(0)
}

fn s(v: &Value, k: &str) -> String {
    v.get(k).and_then(Value::as_str).unwrap_or("").to_string()
}

/// Sent files and bytes below each directory (and each file's own size), by the path the
/// report writes (`crate::paths::lossy`); hardlinked content once.
fn measure(a: &Analysis) -> HashMap<String, (u64, u64, bool)> {
    let t = &a.tree;
    let n = t.nodes.len();
    let mut no_data = vec![false; n];
    for &h in &a.hardlink_entries {
        no_data[h as usize] = true;
    }
    let mut files = vec![0u64; n];
    let mut bytes = vec![0u64; n];
    for (i, node) in t.nodes.iter().enumerate() {
        if node.state != State::Sent || node.kind != Kind::File {
            continue;
        }
        let b = if no_data[i] { 0 } else { node.size };
        let mut cur = i as u32;
        while cur != ROOT {
            files[cur as usize] += 1;
            bytes[cur as usize] += b;
            cur = t.nodes[cur as usize].parent;
        }
    }
    let mut out = HashMap::new();
    t.each_listed(|id, path| {
        let node = &t.nodes[id as usize];
        if node.state == State::Sent {
            // `each_listed` ends a directory's path in `/`; the report's paths do not.
            let path = path.strip_suffix(b"/").unwrap_or(path);
            out.insert(
                crate::paths::lossy(path),
                (
                    bytes[id as usize],
                    files[id as usize],
                    node.kind == Kind::Dir,
                ),
            );
        }
    });
    out
}

/// `rule path[:line]` → shown text, from the findings of a saved report or of a report now.
fn finding_keys<'a>(
    list: impl Iterator<Item = (&'a str, &'a str, Option<u64>, &'a str)>,
) -> Vec<(String, String)> {
    let mut v: Vec<(String, String)> = list
        .map(|(rule, path, line, message)| {
            let at = line.map_or(String::new(), |l| format!(":{l}"));
            (
                format!("{rule} {path}{at}"),
                format!("{rule} {path}{at} {message}"),
            )
        })
        .collect();
    v.sort();
    v.dedup_by(|a, b| a.0 == b.0);
    v
}

/// Compares the saved report `base` (read from `name`) with the context now.
pub(crate) fn compare(name: &str, base: &Value, now: (&Analysis, &Report)) -> SavedGrowth {
    let (a, r) = now;
    let sizes = measure(a);
    let mut dirs: Vec<SavedDir> = Vec::new();
    let mut max_depth = 0;
    let mut base_dirs: HashSet<String> = HashSet::new();
    for d in base["largest_dirs"].as_array().into_iter().flatten() {
        let path = s(d, "path");
        max_depth = max_depth.max(u(d, "depth"));
        let (bytes, files) = match sizes.get(&path) {
            Some(&(b, f, true)) => (b, f),
            _ => (0, 0),
        };
        base_dirs.insert(path.clone());
        dirs.push(SavedDir {
            delta_bytes: bytes as i64 - u(d, "bytes") as i64,
            base_bytes: u(d, "bytes"),
            base_files: u(d, "files"),
            bytes,
            files,
            path,
        });
    }
    dirs.sort_by(|x, y| {
        y.delta_bytes
            .unsigned_abs()
            .cmp(&x.delta_bytes.unsigned_abs())
            .then(x.path.cmp(&y.path))
    });
    let dirs_not_in_base = r
        .largest_dirs
        .iter()
        .filter(|d| (d.depth as u64) <= max_depth.max(1) && !base_dirs.contains(&d.path))
        .map(|d| Unlisted {
            path: d.path.clone(),
            bytes: d.bytes,
            files: Some(d.files),
        })
        .collect();
    let mut base_files: HashSet<String> = HashSet::new();
    let base_list = base["largest_files"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    let largest_files: Vec<SavedFile> = base_list
        .iter()
        .map(|f| {
            let path = s(f, "path");
            base_files.insert(path.clone());
            SavedFile {
                bytes: match sizes.get(&path) {
                    Some(&(b, _, false)) => Some(b),
                    _ => None,
                },
                base_bytes: u(f, "bytes"),
                path,
            }
        })
        .collect();
    let files_not_in_base = r
        .largest_files
        .iter()
        .filter(|f| !base_files.contains(&f.path))
        .map(|f| Unlisted {
            path: f.path.clone(),
            bytes: f.bytes,
            files: None,
        })
        .collect();
    let kb = finding_keys(r.findings.iter().map(|f| {
        (
            f.rule.as_str(),
            f.path.as_str(),
            f.line.map(|l| l as u64),
            f.message.as_str(),
        )
    }));
    let base_findings = base["findings"].as_array().cloned().unwrap_or_default();
    let ka = finding_keys(base_findings.iter().map(|f| {
        (
            f["rule"].as_str().unwrap_or(""),
            f["path"].as_str().unwrap_or(""),
            f["line"].as_u64(),
            f["message"].as_str().unwrap_or(""),
        )
    }));
    let base_builder = s(base, "builder");
    let now_builder = match a.builder {
        crate::walk::Builder::Buildkit => "buildkit",
        crate::walk::Builder::Classic => "classic",
    };
    let mut warnings = Vec::new();
    if !base_builder.is_empty() && base_builder != now_builder {
        warnings.push(format!(
            "the base report was made with the {base_builder} builder, this run with {now_builder}: the totals follow different rules (pass --builder {base_builder})"
        ));
    }
    let base_context = s(base, "context");
    let now_context = a.resolved.root.display().to_string();
    if !base_context.is_empty() && base_context != now_context {
        warnings.push(format!(
            "the base report is of {base_context}, this run of {now_context}"
        ));
    }
    let transfer_bytes = match (base["transfer_bytes"].as_u64(), r.transfer_bytes) {
        (Some(b), Some(n)) => Some((b, n)),
        _ => None,
    };
    // A list as long as the base's file count is every file it sent: then each file now that
    // it does not list was added, and every change is seen.
    let complete = base_list.len() as u64 == u(base, "files");
    let mut not_shown = Vec::new();
    if !complete {
        not_shown.push(format!(
            "which files were added, removed or changed outside the base report's {} largest files (of {} sent): a saved report keeps the totals, not the file list",
            base_list.len(),
            u(base, "files")
        ));
    }
    not_shown.push(format!(
        "directories beyond the base report's largest ones ({} listed, {} level{} deep): their size at the base is not in it",
        dirs.len(),
        max_depth,
        if max_depth == 1 { "" } else { "s" }
    ));
    not_shown.push(
        "symlinks, modes and contents (a file whose size did not change may still differ); `ctxsize hash` fingerprints the content".into(),
    );
    not_shown
        .push("for every file, compare with a git revision instead: `ctxsize diff HEAD~1`".into());
    SavedGrowth {
        base: name.to_string(),
        base_kind: "report",
        base_context,
        base_builder,
        base_schema_version: u(base, "schema_version"),
        base_files: u(base, "files"),
        base_content_bytes: u(base, "content_bytes"),
        base_tar_bytes: u(base, "tar_bytes"),
        files: a.totals.files,
        content_bytes: a.totals.content_bytes,
        tar_bytes: a.totals.tar_bytes,
        growth_bytes: a.totals.content_bytes as i64 - u(base, "content_bytes") as i64,
        transfer_bytes,
        dirs,
        dirs_not_in_base,
        largest_files,
        files_not_in_base,
        base_files_complete: complete,
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
        not_shown,
        warnings,
    }
}
