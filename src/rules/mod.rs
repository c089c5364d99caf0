//! Findings: what in the build context should not be there.
//!
//! This module is **pure**: it never touches the filesystem. The engine feeds
//! it one [`EntryRef`] per entry that *will be sent* and, for the few files it
//! chooses to read, their bytes.
//!
//! Three kinds of checks live here:
//!
//! * **Name/path rules** ([`RuleSet::classify`], [`RuleSet::check`]): the
//!   catalog's globs (globset syntax, case-insensitive), compiled into name
//!   lookups — an exact-name table and a reversed-suffix trie — that give
//!   globset's answers (a unit test compares the two) in about 250 ns per
//!   entry (`benches/rules.rs`). Allocation-free, and safe to call from many threads
//!   (`RuleSet: Sync`). A hit on a
//!   directory such as `node_modules` sets [`Hit::covers_subtree`]; the engine
//!   aggregates the files and bytes beneath it. Entries *beneath* a flagged
//!   directory are not reported again (see "Nesting" below).
//! * **Content signatures** ([`scan_content`]): private-key blocks and token
//!   formats, found in a bounded byte buffer. Only rule IDs and 1-based line
//!   numbers come back; the matched text is never returned or stored.
//! * **Gitignored but sent** (`GitignoreSet`): git's own ignore semantics,
//!   via the `ignore` crate's gitignore matcher, over the `.gitignore` files
//!   the engine saw.
//!
//! Every rule has a stable ID (`CTX101`, …), a [`Category`], a [`Severity`], a
//! title, a "why" and a generic `.dockerignore` fix; see `RULES` and
//! `docs/rules.md`.
//!
//! # ID blocks
//!
//! | IDs | Category |
//! |---|---|
//! | `CTX001` | `gitignored` |
//! | `CTX101`–`CTX149` | `secret` (by name/path) |
//! | `CTX150`–`CTX199` | `secret` (by content) |
//! | `CTX2xx` | `vcs` |
//! | `CTX3xx` | `dependencies` |
//! | `CTX4xx` | `build-output` |
//! | `CTX5xx` | `cache` |
//! | `CTX6xx` | `logs` |
//! | `CTX7xx` | `test-data` |
//! | `CTX800` | `large-file` |
//! | `CTX81x` | `media-archive` |
//! | `CTX9xx` | `editor-os` |
//!
//! # Nesting
//!
//! Once a directory is flagged with `covers_subtree`, entries beneath it are
//! treated as follows (so the engine does not count the same bytes twice):
//!
//! * beneath a `vcs` or `dependencies` directory (`.git/`, `node_modules/`,
//!   `vendor/`, …): no name hit at all, secrets included (third-party test
//!   keys under `node_modules` are noise), and `RuleSet::wants_content` is
//!   false. Only `large-file` still fires.
//! * beneath a `test-data` directory: secret-by-name hits are reported at
//!   [`Severity::Low`] (fixtures are usually fake keys); other name hits are
//!   suppressed.
//! * beneath any other flagged directory (`target/`, `.cache/`, `.idea/`, …):
//!   secret hits are kept as they are, other name hits are suppressed.
//!
//! Symlinks and special files ([`Kind::Symlink`], [`Kind::Other`]) never get a
//! name hit: Docker sends a symlink as a link, not as the target's content.

use std::borrow::Cow;
use std::fmt;
use std::path::Path;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

mod api_example;
mod assigned;
mod catalog;
mod ci_files;
mod classify;
mod content;
mod dev_settings;
mod extra;
pub(crate) mod gates;
mod gitignore;
pub(crate) mod gitindex;
pub(crate) mod lint_rules;
mod literals;
mod names;
mod stand_in;
mod testserver;

#[cfg(test)]
mod tests;
#[cfg(test)]
mod tests_content;

pub(crate) use api_example::api_example_line;
#[cfg(test)]
use catalog::RULES;
pub(crate) use catalog::{rule, Rule};
pub(crate) use ci_files::is_ci_workflow;
pub use classify::{Nest, RuleSet};
pub(crate) use content::content_rule_ids;
pub use content::scan_content;
#[cfg(test)]
use content::MAX_CONTENT_HITS;
pub(crate) use content::{is_binary, scan_content_at};
pub(crate) use dev_settings::{dev_section_lines, is_dev_settings};
pub(crate) use extra::{
    dockerfile_credentials, env_secret_line, go_test_build, har_credential_line, is_example_file,
    is_example_path, is_story_path, is_template, is_test_path, key_material_name,
    literal_secret_value, only_public_pem, rust_test_modules, sample_part, template_secret_rule,
    DockerfileCred, DockerfileHit, SOURCE_EXTS,
};
pub(crate) use gitignore::GitignoreSet;
pub(crate) use stand_in::stand_in_lines;

/// Rule ID for "sent although a `.gitignore` ignores it" (see [`GitignoreSet`]).
pub(crate) const GITIGNORED_RULE: &str = "CTX001";
/// Rule ID for "file larger than [`RuleConfig::large_file_threshold`]".
pub(crate) const LARGE_FILE_RULE: &str = "CTX800";

/// What kind of filesystem entry an [`EntryRef`] describes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// A regular file.
    File,
    /// A directory.
    Dir,
    /// A symbolic link (sent as a link; never followed).
    Symlink,
    /// Anything else: socket, FIFO, device.
    Other,
}

/// One entry the engine is about to send, as seen by the rules.
#[derive(Clone, Copy, Debug)]
pub struct EntryRef<'a> {
    /// Path relative to the context root, `/`-separated, no leading `./`, no
    /// trailing `/`. May be non-UTF-8.
    pub path: &'a [u8],
    /// Entry kind.
    pub kind: Kind,
    /// Apparent size in bytes (0 for directories).
    pub size: u64,
}

/// Finding category. Serialised as the exact kebab-case strings used in JSON
/// output (`secret`, `build-output`, …).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Category {
    /// Credentials, keys and files that usually hold them.
    Secret,
    /// Version-control metadata (`.git/`, …).
    Vcs,
    /// Installed third-party dependencies (`node_modules/`, …).
    Dependencies,
    /// Compiler / bundler output (`target/`, `dist/`, …).
    BuildOutput,
    /// Tool caches (`__pycache__/`, `.cache/`, …).
    Cache,
    /// Log files and directories.
    Logs,
    /// Test fixtures, snapshots and reports.
    TestData,
    /// Files over the size threshold.
    LargeFile,
    /// Archives, disk images, video, design sources.
    MediaArchive,
    /// Editor, IDE and OS clutter.
    EditorOs,
    /// Sent although git ignores it.
    Gitignored,
}

impl Category {
    /// All categories, in a stable order.
    pub(crate) const ALL: [Category; 11] = [
        Category::Secret,
        Category::Vcs,
        Category::Dependencies,
        Category::BuildOutput,
        Category::Cache,
        Category::Logs,
        Category::TestData,
        Category::LargeFile,
        Category::MediaArchive,
        Category::EditorOs,
        Category::Gitignored,
    ];

    /// The exact string used in JSON and on the command line.
    pub(crate) const fn as_str(self) -> &'static str {
        match self {
            Category::Secret => "secret",
            Category::Vcs => "vcs",
            Category::Dependencies => "dependencies",
            Category::BuildOutput => "build-output",
            Category::Cache => "cache",
            Category::Logs => "logs",
            Category::TestData => "test-data",
            Category::LargeFile => "large-file",
            Category::MediaArchive => "media-archive",
            Category::EditorOs => "editor-os",
            Category::Gitignored => "gitignored",
        }
    }
}

impl fmt::Display for Category {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Category {
    type Err = UnknownName;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Category::ALL
            .into_iter()
            .find(|c| c.as_str() == s)
            .ok_or_else(|| UnknownName(s.to_owned()))
    }
}

/// How bad a finding is. Ordered: `Info < Low < Medium < High`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// Worth knowing; may well be intended.
    Info,
    /// Wasted bytes or clutter.
    Low,
    /// Probably a mistake, or may hold sensitive data.
    Medium,
    /// Almost certainly a leak; fix before building.
    High,
}

impl Severity {
    /// All severities, least severe first.
    pub(crate) const ALL: [Severity; 4] = [
        Severity::Info,
        Severity::Low,
        Severity::Medium,
        Severity::High,
    ];

    /// The exact string used in JSON and on the command line.
    pub(crate) const fn as_str(self) -> &'static str {
        match self {
            Severity::Info => "info",
            Severity::Low => "low",
            Severity::Medium => "medium",
            Severity::High => "high",
        }
    }
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Severity {
    type Err = UnknownName;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Severity::ALL
            .into_iter()
            .find(|c| c.as_str() == s)
            .ok_or_else(|| UnknownName(s.to_owned()))
    }
}

/// Error for [`Category::from_str`] / [`Severity::from_str`].
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown name `{0}`")]
pub struct UnknownName(pub String);

/// Thresholds for [`RuleSet`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RuleConfig {
    /// Files strictly larger than this get `CTX800` (`large-file`). `0`
    /// disables the rule. Default 10 000 000 bytes.
    pub large_file_threshold: u64,
    /// `RuleSet::wants_content` only asks for files up to this size.
    /// Default 1 MiB.
    pub content_max: u64,
}

impl Default for RuleConfig {
    fn default() -> Self {
        RuleConfig {
            large_file_threshold: 10_000_000,
            content_max: 1 << 20,
        }
    }
}

/// A name/path/size rule that fired for one entry.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct Hit {
    /// Stable rule ID, e.g. `CTX101`.
    pub rule: &'static str,
    /// Category of the rule.
    pub category: Category,
    /// Severity for this entry (may be lower than the rule's default, e.g.
    /// inside a test-fixture directory).
    pub severity: Severity,
    /// True when the hit is on a directory and stands for everything beneath.
    pub covers_subtree: bool,
}

impl Hit {
    /// The `CTX001` hit for an entry that a [`GitignoreSet`] ignores.
    pub(crate) fn gitignored(kind: Kind) -> Hit {
        let r = rule(GITIGNORED_RULE).expect("CTX001 is in the catalog");
        Hit {
            rule: r.id,
            category: r.category,
            severity: r.severity,
            covers_subtree: kind == Kind::Dir,
        }
    }

    /// Catalog entry for this hit's rule.
    pub(crate) fn info(&self) -> &'static Rule {
        rule(self.rule).expect("hits only carry catalog IDs")
    }
}

/// A content signature found by [`scan_content`]. Carries no matched text.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub struct ContentHit {
    /// Stable rule ID, e.g. `CTX150`.
    pub rule: &'static str,
    /// 1-based line number where the signature starts.
    pub line: usize,
    /// What the text around the match says about it (a grade below the rule's), if anything.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub note: Option<HitNote>,
}

/// Why a content hit is graded below its rule's severity: what the match's own text or its
/// surroundings say about it (see [`scan_content`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum HitNote {
    /// A URL's password for a server on the machine itself (`localhost`, `127.0.0.1`, `[::1]`,
    /// `0.0.0.0`) that does not look generated: a local development default.
    LocalServer,
    /// In documentation, shown as an example (`for example` above it, under an `Examples`
    /// heading): most likely a stand-in, though a real one pasted there is still reported.
    DocExample,
    /// In documentation, a value made up by hand (a part of it is a run of repeated or
    /// consecutive characters: `111122223`, `123456789`, `abcdef`).
    MadeUp,
    /// In documentation, beside the name of a public test or demo server (`test.rebex.net`,
    /// `ftp.dlptest.com`): the credentials its operator publishes for anyone to try.
    TestServer,
    /// In the `development:` or `test:` section of a per-environment settings file (Rails'
    /// `config/secrets.yml`; see [`dev_section_lines`]): a development default, as a value in
    /// `config/environments/development.rb` is.
    DevSection,
    /// An API schema's example value (OpenAPI's `example:` key; see [`api_example_line`]):
    /// documentation of a request's shape, as a sample in documentation is.
    ApiExample,
}

impl HitNote {
    /// The most severe grade a hit with this note gets.
    pub fn cap(self) -> Severity {
        match self {
            HitNote::LocalServer | HitNote::MadeUp | HitNote::TestServer | HitNote::ApiExample => {
                Severity::Low
            }
            HitNote::DocExample | HitNote::DevSection => Severity::Medium,
        }
    }

    /// The label the finding's message carries.
    pub fn label(self) -> &'static str {
        match self {
            HitNote::LocalServer => "for a local server",
            HitNote::DocExample => "shown as an example in documentation",
            HitNote::MadeUp => "a made-up value in documentation",
            HitNote::TestServer => "for a public test server, in documentation",
            HitNote::DevSection => "in the file's development or test section",
            HitNote::ApiExample => "an API schema's example value",
        }
    }

    /// A stable byte for the scan cache (0 is no note).
    pub(crate) fn code(note: Option<HitNote>) -> u8 {
        match note {
            None => 0,
            Some(HitNote::LocalServer) => 1,
            Some(HitNote::DocExample) => 2,
            Some(HitNote::MadeUp) => 3,
            Some(HitNote::TestServer) => 4,
            Some(HitNote::DevSection) => 5,
            Some(HitNote::ApiExample) => 6,
        }
    }

    /// The note a [`HitNote::code`] byte stands for; `Err` for a byte no note has.
    pub(crate) fn from_code(b: u8) -> Result<Option<HitNote>, ()> {
        Ok(match b {
            0 => None,
            1 => Some(HitNote::LocalServer),
            2 => Some(HitNote::DocExample),
            3 => Some(HitNote::MadeUp),
            4 => Some(HitNote::TestServer),
            5 => Some(HitNote::DevSection),
            6 => Some(HitNote::ApiExample),
            _ => return Err(()),
        })
    }
}

/// Views raw path bytes as a [`Path`] (borrowed on Unix; lossy elsewhere).
pub(crate) fn bytes_to_path(bytes: &[u8]) -> Cow<'_, Path> {
    #[cfg(unix)]
    {
        use std::os::unix::ffi::OsStrExt;
        Cow::Borrowed(Path::new(std::ffi::OsStr::from_bytes(bytes)))
    }
    #[cfg(not(unix))]
    {
        match String::from_utf8_lossy(bytes) {
            Cow::Borrowed(s) => Cow::Borrowed(Path::new(s)),
            Cow::Owned(s) => Cow::Owned(std::path::PathBuf::from(s)),
        }
    }
}
