//! The report model: one serialisable structure of raw numbers that every renderer reads.

use serde::Serialize;

use crate::analysis::{Analysis, Totals};
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
    /// Findings: what should probably not be sent (filled by the rules; empty until they run).
    pub findings: Vec<Finding>,
    /// Facts about the setup (an unused ignore file, …).
    pub notes: Vec<String>,
    /// Things docker would log without failing.
    pub warnings: Vec<String>,
}

impl Report {
    /// Builds the report from an analysis.
    pub fn new(a: &Analysis) -> Report {
        let r = &a.resolved;
        Report {
            schema_version: SCHEMA_VERSION,
            context: r.root.display().to_string(),
            builder: a.builder,
            dockerfile: r.dockerfile.display().to_string(),
            ignore_file: r.ignore_file.as_ref().map(|p| p.display().to_string()),
            totals: a.totals,
            findings: Vec::new(),
            notes: r.notes.clone(),
            warnings: a.tree.warnings.clone(),
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
