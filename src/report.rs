//! The report model: one serialisable structure of raw numbers that every renderer reads.

use serde::Serialize;

use crate::analysis::{Analysis, Totals};
use crate::findings::{CategoryTotal, DirSize, Extra, FileSize};
use crate::walk::Builder;

/// The JSON schema version.
pub const SCHEMA_VERSION: u32 = 1;

/// Everything ctxsize says about one context.
#[derive(Debug, Serialize)]
pub struct Report {
    /// Schema version of this object.
    pub schema_version: u32,
    /// The context root.
    pub context: String,
    /// The builder whose rules were applied.
    pub builder: Builder,
    /// The Dockerfile.
    pub dockerfile: String,
    /// The ignore file in effect, if any.
    pub ignore_file: Option<String>,
    /// Totals.
    #[serde(flatten)]
    pub totals: Totals,
    /// Findings: what should probably not be sent, most severe first.
    pub findings: Vec<Finding>,
    /// Files and bytes per finding category.
    pub categories: Vec<CategoryTotal>,
    /// The largest files sent.
    pub largest_files: Vec<FileSize>,
    /// The largest directories sent, as a tree in display order.
    pub largest_dirs: Vec<DirSize>,
    /// Facts about the setup (an unused ignore file, …).
    pub notes: Vec<String>,
    /// Things docker would log without failing.
    pub warnings: Vec<String>,
    /// Regular files BuildKit transfers on a first build: sent files some COPY/ADD/bind-mount
    /// source selects (`None`: classic builder, or no Dockerfile could be read).
    pub transfer_files: Option<u64>,
    /// Their bytes.
    pub transfer_bytes: Option<u64>,
    /// A source is the context root (`COPY . .`): the whole context is transferred.
    pub transfer_whole_context: Option<bool>,
    /// What the build would trip on: excluded, missing or partly sent sources (`None`: no
    /// Dockerfile could be read).
    pub dockerfile_checks: Option<Vec<crate::transfer::DockerfileCheck>>,
}

impl Report {
    /// Builds the report from an analysis and what the rules found.
    pub fn new(a: &Analysis, extra: Extra) -> Report {
        let r = &a.resolved;
        Report {
            schema_version: SCHEMA_VERSION,
            context: r.root.display().to_string(),
            builder: a.builder,
            dockerfile: r.dockerfile.display().to_string(),
            ignore_file: r.ignore_file.as_ref().map(|p| p.display().to_string()),
            totals: a.totals,
            findings: extra.findings,
            categories: extra.categories,
            largest_files: extra.largest_files,
            largest_dirs: extra.largest_dirs,
            notes: r.notes.iter().cloned().chain(extra.notes).collect(),
            warnings: a.tree.warnings.clone(),
            transfer_files: None,
            transfer_bytes: None,
            transfer_whole_context: None,
            dockerfile_checks: None,
        }
    }
}

/// One finding: a rule that fired on a path that will be sent.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct Finding {
    /// Stable rule id (`CTX101`, …), documented in docs/rules.md.
    pub rule: String,
    /// Category: `secret`, `vcs`, `dependencies`, `build-output`, `cache`, `logs`, `test-data`,
    /// `large-file`, `media-archive`, `editor-os`, `gitignored`.
    pub category: String,
    /// `high`, `medium`, `low` or `info`.
    pub severity: String,
    /// The path (relative to the context; a directory for subtree findings).
    pub path: String,
    /// Files sent under it.
    pub files: u64,
    /// Bytes sent under it.
    pub bytes: u64,
    /// One-line explanation.
    pub message: String,
    /// The `.dockerignore` line that fixes it.
    pub fix: String,
    /// Line number inside the file, for content findings (never the content itself).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub line: Option<usize>,
}
