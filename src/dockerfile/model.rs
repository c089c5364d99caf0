//! The public data model, the errors and the typed instructions.

use super::sources::{clean_rel, contains_wildcards, source_matches};

/// Everything that can go wrong while reading or evaluating a Dockerfile.
///
/// Messages follow BuildKit's wording where BuildKit has one, prefixed with
/// the 1-based line of the instruction.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub(crate) enum DockerfileError {
    /// The text contains no instruction at all (empty or only comments).
    #[error("file with no instructions")]
    NoInstructions,
    /// A heredoc body never reached its terminator line.
    #[error("line {line}: unterminated heredoc")]
    UnterminatedHeredoc {
        /// Line of the instruction that opened the heredoc.
        line: usize,
    },
    /// A JSON-form argument list is valid JSON but not an array of strings.
    #[error("line {line}: when using JSON array syntax, arrays must be comprised of strings only")]
    BadJsonArray {
        /// Line of the instruction.
        line: usize,
    },
    /// A flag that the instruction does not know.
    #[error("line {line}: unknown flag: {flag}")]
    UnknownFlag {
        /// Line of the instruction.
        line: usize,
        /// `COPY`, `ADD` or `FROM`.
        instruction: String,
        /// The flag as written, with its leading `--`.
        flag: String,
    },
    /// `COPY`/`ADD` with fewer than two arguments.
    #[error("line {line}: {instruction} requires at least two arguments, but only one was provided. Destination could not be determined")]
    MissingDestination {
        /// Line of the instruction.
        line: usize,
        /// `COPY` or `ADD`.
        instruction: String,
    },
    /// An instruction other than `ARG` before the first `FROM`.
    #[error(
        "line {line}: no build stage in current context ({instruction} before the first FROM)"
    )]
    NoBuildStage {
        /// Line of the instruction.
        line: usize,
        /// The instruction keyword, upper case.
        instruction: String,
    },
    /// An instruction keyword that Docker does not know.
    #[error("line {line}: unknown instruction: {instruction}")]
    UnknownInstruction {
        /// Line of the instruction.
        line: usize,
        /// The keyword as written.
        instruction: String,
    },
    /// `--target` names no stage.
    #[error("target stage {target:?} could not be found")]
    UnknownTarget {
        /// The requested target.
        target: String,
        /// Names of the stages that do exist.
        stages: Vec<String>,
    },
    /// Any other syntax or evaluation error, with BuildKit's message.
    #[error("line {line}: {message}")]
    Syntax {
        /// Line of the instruction.
        line: usize,
        /// What is wrong.
        message: String,
    },
}

impl DockerfileError {
    /// The 1-based Dockerfile line the error refers to, if any.
    #[cfg(test)]
    pub(crate) fn line(&self) -> Option<usize> {
        match self {
            DockerfileError::NoInstructions | DockerfileError::UnknownTarget { .. } => None,
            DockerfileError::UnterminatedHeredoc { line }
            | DockerfileError::BadJsonArray { line }
            | DockerfileError::UnknownFlag { line, .. }
            | DockerfileError::MissingDestination { line, .. }
            | DockerfileError::NoBuildStage { line, .. }
            | DockerfileError::UnknownInstruction { line, .. }
            | DockerfileError::Syntax { line, .. } => Some(*line),
        }
    }
}

pub(super) fn syntax(line: usize, message: impl Into<String>) -> DockerfileError {
    DockerfileError::Syntax {
        line,
        message: message.into(),
    }
}

/// Build options that change which sources are used.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Options {
    /// `--build-arg NAME=VALUE` pairs; a later pair overrides an earlier one.
    pub build_args: Vec<(String, String)>,
    /// `--target`; `None` builds the last stage. Matched case-insensitively.
    pub target: Option<String>,
    /// Scope `ARG`s as the classic builder does: a stage built `FROM` another inherits its
    /// `ENV`, not its `ARG` values (BuildKit passes both).
    pub classic: bool,
}

/// A parsed Dockerfile (syntax only; nothing is evaluated yet).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Dockerfile {
    pub(super) escape: char,
    pub(super) meta_args: Vec<Cmd>,
    pub(super) stages: Vec<Stage>,
}

/// One build stage (`FROM ...` up to the next `FROM`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Stage {
    /// 0-based stage index, as used by `COPY --from=<index>`.
    pub index: usize,
    /// The `AS` name, lower-cased (BuildKit stage names are case-insensitive).
    pub name: Option<String>,
    /// The base image or stage as written, before ARG substitution.
    pub base: String,
    /// `--platform` as written.
    pub platform: Option<String>,
    /// 1-based line of the `FROM` instruction.
    pub line: usize,
    pub(super) cmds: Vec<Cmd>,
}

/// The build-context paths a Dockerfile uses for one set of [`Options`].
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
pub struct Sources {
    /// Every context source of every reachable stage, in build order.
    pub items: Vec<ContextSource>,
    /// Some resolved source is the context root (`COPY . .`, `ADD ./ /x`, a
    /// bind mount without `source=`): BuildKit then sends the whole context.
    pub whole_context: bool,
    /// Sources read from something that is not a stage of this Dockerfile: `COPY --from=NAME`,
    /// `RUN --mount=from=NAME` (source path, `""` for the root) and `FROM NAME` (the whole
    /// thing, as a base), each with NAME as written. NAME is an image unless the build names a
    /// context so (`--build-context NAME=…`); the caller decides.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub external: Vec<(String, ContextSource)>,
}

impl Sources {
    /// True if any source depends on a value that is not known (see
    /// [`ContextSource::unresolved`]).
    pub fn any_unresolved(&self) -> bool {
        self.items.iter().any(|s| s.unresolved)
    }

    /// True if `path` (relative to the context root, `/`-separated) is selected
    /// by at least one resolved source, or any source at all is the root.
    pub fn selects(&self, path: &str) -> bool {
        self.whole_context
            || self
                .items
                .iter()
                .any(|s| !s.unresolved && source_matches(&s.path, path))
    }
}

/// One source of the build context, as used by one instruction.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct ContextSource {
    /// 1-based line of the instruction (for ONBUILD triggers: the line of the
    /// `ONBUILD` instruction in the parent stage).
    pub line: usize,
    /// `"COPY"`, `"ADD"`, `"RUN --mount"`, `"ONBUILD COPY"`, `"ONBUILD ADD"`,
    /// `"ONBUILD RUN --mount"`, or `"RUN --mount=type=tmpfs"` (see below).
    ///
    /// BuildKit records the source of *every* mount without `from=` as a
    /// context path, tmpfs mounts included, so a tmpfs mount marks the whole
    /// context as used (it disables BuildKit's path filter) even though
    /// nothing is read from it. That quirk is reported with this name.
    pub instruction: String,
    /// 0-based index of the stage in which the instruction runs.
    pub stage: usize,
    /// The source as written in the Dockerfile, before substitution.
    pub raw: String,
    /// After substitution and cleaning: relative to the context root,
    /// `/`-separated, without leading `/` or `./`; `""` is the root.
    pub path: String,
    /// The substituted source contains `*`, `?` or `[` (not escaped with `\`).
    pub has_wildcard: bool,
    /// The value used a variable that has no known value (an ARG without a
    /// value or override, a platform ARG, ENV from an external image, an
    /// undeclared name). `path` was computed with an empty value in its place.
    pub unresolved: bool,
    /// The value used a variable another build can change: one an `ARG` declares (a
    /// `--build-arg`, the platform), or an `ENV` set from one. An `ENV` of a literal value
    /// (`ENV MIX_ENV=prod`, then `COPY config/$MIX_ENV.exs`) is fixed by the Dockerfile.
    #[serde(skip)]
    pub varies: bool,
    /// `--exclude` patterns of the instruction, as written.
    pub excludes: Vec<String>,
    /// `COPY --parents`.
    pub parents: bool,
}

impl ContextSource {
    /// A source that names no path of its own (a `FROM` line, an ONBUILD base image): `raw` as
    /// written, everything else empty.
    pub(crate) fn pathless(line: usize, instruction: &str, stage: usize, raw: String) -> Self {
        ContextSource {
            line,
            instruction: instruction.into(),
            stage,
            raw,
            path: String::new(),
            has_wildcard: false,
            unresolved: false,
            varies: false,
            excludes: Vec::new(),
            parents: false,
        }
    }
}

impl ContextSource {
    /// The literal directory prefix of [`path`](Self::path) before the first
    /// component that contains a wildcard (or a `\` escape). For a source
    /// without wildcards this is the whole path; for `*.txt` it is `""`.
    pub fn source_prefix(&self) -> &str {
        let mut end = 0;
        for (i, comp) in self.path.split('/').enumerate() {
            if contains_wildcards(comp) || comp.contains('\\') {
                break;
            }
            end = if i == 0 {
                comp.len()
            } else {
                end + 1 + comp.len()
            };
        }
        &self.path[..end]
    }

    /// The path this source names when it has no wildcard and no `\` escape: it then selects
    /// exactly that entry and everything below it ([`matches`](Self::matches) is a prefix test).
    pub fn literal_path(&self) -> Option<String> {
        let p = clean_rel(&self.path);
        (!contains_wildcards(&p) && !p.contains('\\')).then_some(p)
    }

    /// Whether this source selects `path`; see `source_matches`.
    pub fn matches(&self, path: &str) -> bool {
        source_matches(&self.path, path)
    }
}

impl Dockerfile {
    /// All stages, in file order.
    pub(crate) fn stages(&self) -> &[Stage] {
        &self.stages
    }

    /// The escape character in effect (`\` unless `# escape=`` ` ``).
    #[cfg(test)]
    pub(crate) fn escape(&self) -> char {
        self.escape
    }
}

// ---------------------------------------------------------------------------
// Typed instructions (private)
// ---------------------------------------------------------------------------

#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Cmd {
    pub(super) line: usize,
    pub(super) kind: CmdKind,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum CmdKind {
    Arg(Vec<(String, Option<String>)>),
    Env(Vec<(String, String)>),
    Copy(CopyCmd),
    Run(Vec<String>),
    Onbuild(Box<Cmd>),
    Other,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct CopyCmd {
    pub(super) add: bool,
    /// Sources that are not heredocs, as written.
    pub(super) sources: Vec<String>,
    pub(super) from: Option<String>,
    pub(super) excludes: Vec<String>,
    pub(super) parents: bool,
}
