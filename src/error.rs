//! Typed errors, each with docker's own wording where docker has one and ctxsize's hint.

use std::path::PathBuf;

use crate::dockerignore::PatternError;

/// Everything that stops an analysis.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The context directory does not exist.
    #[error("unable to prepare context: path {0:?} not found")]
    ContextNotFound(String),
    /// The context is not a directory.
    #[error("unable to prepare context: context must be a directory: {}", crate::render::escape_path(.0))]
    ContextNotDir(PathBuf),
    /// The Dockerfile path does not resolve (classic wording).
    #[error("unable to prepare context: unable to evaluate symlinks in Dockerfile path: lstat {}: no such file or directory", crate::render::escape_path(.0))]
    DockerfileMissing(PathBuf),
    /// BuildKit cannot read the Dockerfile.
    #[error("failed to read dockerfile: open {0}: no such file or directory")]
    BuildkitDockerfile(String),
    /// BuildKit's Dockerfile name leads to a directory (`-f docker`).
    #[error("failed to read dockerfile: {0} is not a regular file")]
    BuildkitDockerfileNotFile(String),
    /// The default Dockerfile is a symlink leading out of the context (classic).
    #[error("unable to open Dockerfile: open : no such file or directory")]
    DockerfileSymlinkOutside,
    /// The Dockerfile lies outside the context or comes from stdin (classic): docker injects it
    /// under a random name, so no exact listing can be given.
    #[error("the Dockerfile {0} is outside the build context (or read from stdin)")]
    DockerfileOutside(String),
    /// `.dockerignore` is a directory.
    #[error("error reading .dockerignore: read {}: is a directory", crate::render::escape_path(.0))]
    IgnoreIsDir(PathBuf),
    /// `.dockerignore` cannot be read.
    #[error("open {}: {}", crate::render::escape_path(.0), go_err(.1))]
    IgnoreUnreadable(PathBuf, std::io::Error),
    /// An invalid ignore file.
    #[error("{}{}", .source.docker_prefix(), .source)]
    Pattern {
        /// The ignore file.
        file: PathBuf,
        /// What is wrong.
        source: PatternError,
        /// The builder's wording differs (BuildKit prefixes its own).
        buildkit: bool,
    },
    /// Classic validation could not list a directory.
    #[error("error checking context: can't stat '{}'", crate::render::escape_path(.0))]
    CantStat(PathBuf),
    /// Classic validation's `lstat` of an entry failed (a path longer than the system takes).
    #[error("error checking context: lstat {}: {}", crate::render::escape_path(.0), go_err(.1))]
    CheckLstat(PathBuf, std::io::Error),
    /// Classic validation could not read a file.
    #[error("error checking context: no permission to read from '{}'", crate::render::escape_path(.0))]
    NoPermission(PathBuf),
    /// BuildKit could not read a directory.
    #[error("error from sender: open {}: {}", crate::render::escape_path(.0), go_err(.1))]
    SenderOpen(PathBuf, std::io::Error),
    /// BuildKit's client could not `lstat` an entry it sends (a path longer than the system
    /// takes).
    #[error("error from sender: lstat {}: {}", crate::render::escape_path(.0), go_err(.1))]
    SenderLstat(PathBuf, std::io::Error),
    /// Any other I/O failure.
    #[error("{}: {}", crate::render::escape_path(.0), go_err(.1))]
    Io(PathBuf, std::io::Error),
    /// Podman/Buildah refuse the context or the Containerfile (their wording).
    #[error("{0}")]
    Podman(String),
    /// Podman/Buildah could not read a directory they send (their copier's wording).
    #[error("copier: get: error reading {}: {}", crate::render::escape_path(.0), go_err(.1))]
    PodmanRead(PathBuf, std::io::Error),
    /// A command-line value is wrong.
    #[error("{0}")]
    Usage(String),
    /// BuildKit sends a pattern list as raw gRPC header values and grpc-go refuses one (B12).
    #[error("{prefix}rpc error: code = Internal desc = header key \"{key}\" contains value with non-printable ASCII characters")]
    BuildkitHeader {
        /// What docker puts before the gRPC error (`failed to resolve dockerfile: `, or nothing).
        prefix: &'static str,
        /// The header: `exclude-patterns` or `followpaths`.
        key: &'static str,
        /// Where the refused value comes from (the ignore file, or `-f`).
        file: PathBuf,
        /// Its 1-based line in that file (0 when it is not a file's line).
        line: usize,
        /// The value as written.
        value: Vec<u8>,
    },
    /// fsutil refuses the include patterns BuildKit derives from the Dockerfile's name (B13).
    #[error("failed to resolve dockerfile: invalid includepatterns: [{}]: {source}", lossy_list(.patterns))]
    BuildkitIncludePatterns {
        /// The include patterns (after symlinks were followed).
        patterns: Vec<Vec<u8>>,
        /// What patternmatcher says.
        source: PatternError,
    },
}

/// Go's `%s` of a string slice, without the brackets.
fn lossy_list(v: &[Vec<u8>]) -> String {
    v.iter()
        .map(|s| String::from_utf8_lossy(s).into_owned())
        .collect::<Vec<_>>()
        .join(" ")
}

/// The bytes that cannot travel in a raw header value, as `\xNN`.
fn unprintable(v: &[u8]) -> String {
    let mut seen: Vec<u8> = v
        .iter()
        .copied()
        .filter(|b| !(0x20..=0x7E).contains(b))
        .collect();
    seen.sort_unstable();
    seen.dedup();
    seen.iter()
        .map(|b| format!("\\x{b:02x}"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// An OS error worded as Go prints it: `permission denied`, not
/// `Permission denied (os error 13)`.
pub(crate) fn go_err(e: &std::io::Error) -> String {
    let s = e.to_string();
    let s = match s.rfind(" (os error ") {
        Some(i) => s[..i].to_string(),
        None => s,
    };
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_lowercase().collect::<String>() + c.as_str(),
        None => s,
    }
}

impl Error {
    /// ctxsize's own hint, which docker does not give.
    pub fn hint(&self) -> Option<String> {
        Some(match self {
            Error::Pattern { file, source, .. } => {
                let line = source.line();
                let what = match source {
                    PatternError::TooLong { .. } => {
                        "this line is 64 KiB or longer; docker cannot read it".to_string()
                    }
                    PatternError::IllegalExclusion { .. } => {
                        "a `!` needs a pattern after it".to_string()
                    }
                    PatternError::Syntax { original, .. } => format!(
                        "the pattern `{}` is invalid (an unclosed `[`, an empty class, a trailing `\\`, or a regex docker cannot compile)",
                        crate::render::escape(original)
                    ),
                    // `PatternError` is `#[non_exhaustive]`: a kind added later reads as itself.
                    other => other.to_string(),
                };
                if line > 0 {
                    format!("{}:{}: {}", crate::render::escape_path(file), line, what)
                } else {
                    format!("{}: {}", crate::render::escape_path(file), what)
                }
            }
            Error::CantStat(_) => "docker lists every directory it meets, even an excluded one; make it readable, or move it under an excluded parent directory".into(),
            Error::CheckLstat(..) => "the classic builder names every entry it checks by its whole path, and the system refuses paths this long; shorten the path, or exclude a directory above it in .dockerignore".into(),
            Error::SenderLstat(..) => "BuildKit names every entry it sends by its whole path, and the system refuses paths this long; shorten the path, or exclude a directory above it in .dockerignore".into(),
            Error::NoPermission(_) => "the classic builder opens every file it will send; make it readable or exclude it in .dockerignore".into(),
            Error::DockerfileOutside(_) => "docker would add the Dockerfile under a random name `.dockerfile.<20 hex digits>`; use --builder buildkit, or move the Dockerfile into the context".into(),
            Error::BuildkitHeader { key, file, line, value, .. } => {
                let at = if *line > 0 {
                    format!("{}:{}", crate::render::escape_path(file), line)
                } else {
                    crate::render::escape_path(file)
                };
                let what = if *key == "exclude-patterns" { "pattern" } else { "path" };
                format!(
                    "{at}: the {what} `{}` holds a control character ({}); when no {what} in the list has a non-ASCII character BuildKit sends the list as raw gRPC header values, which cannot hold one: remove it (a `?` matches it in a pattern)",
                    crate::render::escape(value),
                    unprintable(value)
                )
            }
            Error::BuildkitIncludePatterns { .. } => "BuildKit fetches the Dockerfile with its name used as an include pattern; rename the Dockerfile without `[`, `]`, `\\`, `*` or `?`".into(),
            Error::BuildkitDockerfile(name)
                if name.bytes().any(|b| b"[]\\".contains(&b)) || name.trim() != name =>
            {
                "BuildKit fetches the Dockerfile with its name used as an include pattern (`[x]` is a character class, `\\` an escape, spaces are trimmed), so a file with this name is never transferred; rename it".into()
            }
            Error::DockerfileMissing(_) | Error::BuildkitDockerfile(_) => "pass the Dockerfile with -f (relative to the current directory, as docker does)".into(),
            Error::BuildkitDockerfileNotFile(_) => "-f names a directory: pass the Dockerfile inside it (-f DIR/Dockerfile)".into(),
            Error::IgnoreIsDir(_) => "remove the .dockerignore directory or turn it into a file".into(),
            Error::Podman(_) => "Podman/Buildah look for a Containerfile, then a Dockerfile, in the context; pass another with -f".into(),
            Error::PodmanRead(..) => "Podman/Buildah read every directory they send; make it readable, or exclude it in the ignore file".into(),
            // `ctxsize compose`, read as `bake` is: a Compose file is a flag of the report and
            // of suggest, not a command.
            Error::ContextNotFound(p) if p == "compose" => "`compose` is not a command: `ctxsize --compose [FILE] [DIR]` reports each service's build context (`ctxsize suggest --compose`, `ctxsize bake` read Compose files too); otherwise give the build context directory, as for `docker build DIR`".into(),
            Error::ContextNotFound(_) | Error::ContextNotDir(_) => "give the build context directory, as for `docker build DIR`".into(),
            _ => return None,
        })
    }
}
