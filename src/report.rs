//! The report model: one serialisable structure of raw numbers that every renderer reads.

use serde::Serialize;

use crate::analysis::{Analysis, Totals};
use crate::walk::Builder;

/// The JSON schema version.
pub(crate) const SCHEMA_VERSION: u32 = 1;

/// Everything ctxsize says about one context.
#[derive(Debug, Serialize)]
pub(crate) struct Report {
    /// Schema version of this object.
    pub schema_version: u32,
    /// The context root.
    pub context: String,
    /// The builder whose rules were applied (`classic` with the podman engine: Buildah's walk is
    /// the classic one with its own changes).
    pub builder: Builder,
    /// Whose build: `docker`, `podman` (`podman build`, `buildah bud`) or `podman-remote`.
    pub engine: &'static str,
    /// The Dockerfile.
    pub dockerfile: String,
    /// The ignore file in effect, if any.
    pub ignore_file: Option<String>,
    /// Totals.
    #[serde(flatten)]
    pub totals: Totals,
    /// Whether `excluded_files` and `excluded_bytes` are all that is kept out. False with
    /// `--no-excluded-sizes` (or `excluded_sizes = false`) when the walk left excluded
    /// directories unopened: the two figures then count only the excluded entries it met.
    pub excluded_measured: bool,
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
    pub dockerfile_checks: Option<Vec<DockerfileCheck>>,
    /// Per stage, the COPY/ADD instructions in order with what each sends, and the RUN steps
    /// between them (`None`: no Dockerfile could be read). See `crate::layers`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub layers: Option<Vec<LayerStage>>,
    /// Regular files copied into the image (transferred, copied by a COPY/ADD and not removed by
    /// its `--exclude`); present only when some COPY/ADD has `--exclude`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub image_files: Option<u64>,
    /// Their bytes.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub image_bytes: Option<u64>,
    /// Transferred files `COPY --exclude` keeps out of the image (still sent to the builder).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub copy_excluded: Option<Vec<CopyExcluded>>,
    /// Regular files sent at the context root, and their bytes (the human tree's root line; not
    /// in the JSON).
    #[serde(skip)]
    pub root_files: Option<(u64, u64)>,
    /// The build's named contexts (`--build-context`), one section each; absent without any.
    /// Every other key describes the main context.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub contexts: Vec<ContextSection>,
    /// The sum over the main context and each analysed named context; absent without named
    /// contexts.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub total: Option<SetTotal>,
}

/// A transferred file every COPY/ADD that selects it removes with `--exclude`.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub(crate) struct CopyExcluded {
    /// Context-relative path.
    pub path: String,
    /// The Dockerfile line of the first COPY/ADD that excludes it.
    pub line: usize,
    /// That instruction's `--exclude` patterns, as written.
    pub excludes: Vec<String>,
}

/// The sum over every analysed context of a build (the main one and each local named one).
#[derive(Debug, Clone, Default, Serialize, PartialEq, Eq)]
pub(crate) struct SetTotal {
    /// Contexts analysed (local directories).
    pub contexts: usize,
    /// Files sent.
    pub files: u64,
    /// Content bytes sent.
    pub content_bytes: u64,
    /// Tar bytes sent.
    pub tar_bytes: u64,
    /// Regular files BuildKit transfers (contexts whose Dockerfile was read).
    pub transfer_files: u64,
    /// Their bytes.
    pub transfer_bytes: u64,
}

/// One named context of the build in the report.
#[derive(Debug, Serialize)]
pub(crate) struct ContextSection {
    /// The name the Dockerfile uses (`COPY --from=NAME`).
    pub name: String,
    /// The value (a local directory as an absolute path).
    pub source: String,
    /// `local`, `docker-image`, `target`, `service` or `remote`.
    pub kind: String,
    /// Why it was not analysed, or that the Dockerfile does not read it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    /// Its report (local directories under BuildKit).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub report: Option<Box<Report>>,
    /// Its gates' outcome, if gates ran.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub gate: Option<Outcome>,
}

impl Report {
    /// Builds the report from an analysis and what the rules found.
    pub(crate) fn new(a: &Analysis, extra: Extra) -> Report {
        let r = &a.resolved;
        Report {
            schema_version: SCHEMA_VERSION,
            context: crate::paths::shown(&r.root),
            builder: a.builder,
            engine: r.engine_id(),
            dockerfile: crate::paths::shown(&r.dockerfile),
            ignore_file: r.ignore_file.as_deref().map(crate::paths::shown),
            totals: a.totals,
            excluded_measured: a.excluded_measured,
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
            layers: None,
            root_files: None,
            image_files: None,
            image_bytes: None,
            copy_excluded: None,
            contexts: Vec::new(),
            total: None,
        }
    }
}

/// One finding: a rule that fired on a path that will be sent.
#[derive(Debug, Clone, Default, Serialize, PartialEq, Eq)]
pub(crate) struct Finding {
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
    /// A file named for secrets whose content was read and holds nothing secret-looking, and
    /// that the build needs where it is (a token-free `.npmrc` a COPY names; fix "none
    /// needed"): reported for its name, but no secret for `--fail-on secret` (its rule id
    /// still trips). One the build does not need keeps its fix (exclude it) and trips it.
    #[serde(skip)]
    pub clean: bool,
}

/// Knobs for the report.
#[derive(Debug, Clone)]
pub struct ReportOptions {
    /// How many largest files and directories per level to show.
    pub top: usize,
    /// How deep the directory tree goes.
    pub depth: usize,
    /// Files above this size are `large-file` findings (0: off).
    pub large_file: u64,
    /// Read files up to this size for secrets (0: no content scan).
    pub content_max: u64,
    /// Compare with the repository's `.gitignore` rules.
    pub gitignore: bool,
    /// Widen the content scan (which reads every sent text file by default) to lockfiles,
    /// minified bundles, source maps and files beneath dependency and VCS directories.
    pub scan_all: bool,
    /// Reuse what earlier runs found in files unchanged since (the scan cache, outside the
    /// context; see `findings::cache`).
    pub scan_cache: bool,
    /// Every file of the context is tracked by git: the context is a revision's tree unpacked
    /// from its index (`diff BASE`), which holds tracked files only and no repository.
    pub all_tracked: bool,
}

impl Default for ReportOptions {
    fn default() -> Self {
        ReportOptions {
            top: 10,
            depth: 2,
            large_file: 10_000_000,
            content_max: 1 << 20,
            gitignore: true,
            scan_all: false,
            scan_cache: true,
            all_tracked: false,
        }
    }
}

/// A file in the largest-files list.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub(crate) struct FileSize {
    /// Relative path.
    pub path: String,
    /// Bytes.
    pub bytes: u64,
}

/// A directory in the largest-directories tree.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub(crate) struct DirSize {
    /// Relative path.
    pub path: String,
    /// Bytes of content sent below it.
    pub bytes: u64,
    /// Files sent below it.
    pub files: u64,
    /// Depth in the tree (1 = top level).
    pub depth: usize,
}

/// Files and bytes per category.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub(crate) struct CategoryTotal {
    /// The category.
    pub category: String,
    /// Files.
    pub files: u64,
    /// Bytes.
    pub bytes: u64,
    /// Number of findings.
    pub findings: u64,
}

/// What the rules found.
#[derive(Debug, Default)]
pub(crate) struct Extra {
    /// Findings, most severe and largest first.
    pub findings: Vec<Finding>,
    /// The largest files sent.
    pub largest_files: Vec<FileSize>,
    /// The largest directories, as a tree in display order.
    pub largest_dirs: Vec<DirSize>,
    /// Per-category totals.
    pub categories: Vec<CategoryTotal>,
    /// Facts worth a line in the header (ignore files that have no effect).
    pub notes: Vec<String>,
}

/// One thing about a `COPY`/`ADD`/bind-mount source that the build would trip on.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct DockerfileCheck {
    /// `excluded-source` (the build fails with "not found"), `missing-source` (no such path),
    /// `partly-sent` (some files below the source are excluded) or `unresolved-source` (the
    /// source uses an ARG without a value; not checked).
    pub check: String,
    /// `error` (the build fails), `warning` or `info`.
    pub severity: String,
    /// 1-based Dockerfile line of the instruction.
    pub line: usize,
    /// `COPY`, `ADD`, `RUN --mount`, …
    pub instruction: String,
    /// The source as written.
    pub source: String,
    /// The source after substitution, relative to the context (`""` is the root).
    pub path: String,
    /// The deciding ignore-file line (1-based; 0 for a pattern docker appends), if one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ignore_line: Option<usize>,
    /// That line's pattern as written.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ignore_pattern: Option<String>,
    /// Files selected by the source (sent and not sent).
    pub files: u64,
    /// Of those, files not sent.
    pub files_not_sent: u64,
    /// One line for a human.
    pub message: String,
}

/// One failed CI gate (`gate.rs` runs them).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub(crate) struct GateFailure {
    /// `budget`, `max-files`, `max-file-size` or `fail-on`.
    pub gate: &'static str,
    /// One line: what, measured against what, by how much.
    pub message: String,
}

/// The result of all gates.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub(crate) struct Outcome {
    /// Failed gates.
    pub failures: Vec<GateFailure>,
    /// One line per gate that passed (for the log).
    pub passed: Vec<String>,
    /// `--warn-only` was given.
    pub warn_only: bool,
}

impl Outcome {
    /// The exit status: 1 when a gate failed (unless `--warn-only`), else 0.
    pub(crate) fn exit_code(&self) -> i32 {
        if self.failures.is_empty() || self.warn_only {
            crate::exit::ExitCode::Ok.code()
        } else {
            crate::exit::ExitCode::Check.code()
        }
    }

    /// The stderr lines: `check failed: …` (or `warning: …` under `--warn-only`).
    pub(crate) fn lines(&self) -> Vec<String> {
        let mut v: Vec<String> = self
            .failures
            .iter()
            .map(|f| {
                if self.warn_only {
                    format!("warning: {} (--warn-only)", f.message)
                } else {
                    format!("check failed: {}", f.message)
                }
            })
            .collect();
        if self.failures.is_empty() {
            v.extend(self.passed.iter().map(|p| format!("check passed: {p}")));
        }
        v
    }
}

/// One stage of the layer-order analysis.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub(crate) struct LayerStage {
    /// 0-based stage index.
    pub stage: usize,
    /// The stage name (`FROM … AS name`), lower-cased.
    pub name: Option<String>,
    /// Line of the `FROM`.
    pub line: usize,
    /// The COPY/ADD (from the context) and RUN instructions, in order.
    pub steps: Vec<LayerStep>,
}

/// One COPY/ADD or RUN of a stage.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub(crate) struct LayerStep {
    /// Line of the instruction.
    pub line: usize,
    /// `COPY`, `ADD` or `RUN`.
    pub instruction: String,
    /// The sources and destination (COPY/ADD) or the command (RUN), as written (shortened).
    pub text: String,
    /// COPY/ADD: regular files it sends.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub files: Option<u64>,
    /// COPY/ADD: their bytes.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub bytes: Option<u64>,
    /// COPY/ADD: a source is the context root or a whole directory.
    pub broad: bool,
    /// RUN: the dependency-install ecosystem it runs (`npm`, `go`, …).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub install: Option<String>,
    /// COPY/ADD: commits among the last N that touched a file it sends (`--churn-commits`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub churn_commits: Option<u64>,
    /// COPY/ADD: the window of `churn_commits` in days, when `--churn-days N` was given (the
    /// commits counted are then those of the last N days, at most `--churn-commits` of them).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub churn_days: Option<u64>,
    /// COPY/ADD: sent files that change on every build or commit (`.git/`, logs, IDE state, …).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub volatile: Vec<String>,
}
