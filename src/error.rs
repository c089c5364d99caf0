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
    #[error("unable to prepare context: context must be a directory: {}", .0.display())]
    ContextNotDir(PathBuf),
    /// The Dockerfile path does not resolve (classic wording).
    #[error("unable to prepare context: unable to evaluate symlinks in Dockerfile path: lstat {}: no such file or directory", .0.display())]
    DockerfileMissing(PathBuf),
    /// BuildKit cannot read the Dockerfile.
    #[error("failed to read dockerfile: open {0}: no such file or directory")]
    BuildkitDockerfile(String),
    /// The default Dockerfile is a symlink leading out of the context (classic).
    #[error("unable to open Dockerfile: open : no such file or directory")]
    DockerfileSymlinkOutside,
    /// The Dockerfile lies outside the context or comes from stdin (classic): docker injects it
    /// under a random name, so no exact listing can be given.
    #[error("the Dockerfile {0} is outside the build context (or read from stdin)")]
    DockerfileOutside(String),
    /// `.dockerignore` is a directory.
    #[error("error reading .dockerignore: read {}: is a directory", .0.display())]
    IgnoreIsDir(PathBuf),
    /// `.dockerignore` cannot be read.
    #[error("open {}: {}", .0.display(), go_err(.1))]
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
    #[error("error checking context: can't stat '{}'", .0.display())]
    CantStat(PathBuf),
    /// Classic validation could not read a file.
    #[error("error checking context: no permission to read from '{}'", .0.display())]
    NoPermission(PathBuf),
    /// BuildKit could not read a directory.
    #[error("error from sender: open {}: {}", .0.display(), go_err(.1))]
    SenderOpen(PathBuf, std::io::Error),
    /// Any other I/O failure.
    #[error("{}: {}", .0.display(), go_err(.1))]
    Io(PathBuf, std::io::Error),
    /// A command-line value is wrong.
    #[error("{0}")]
    Usage(String),
}

/// An OS error worded as Go prints it: `permission denied`, not
/// `Permission denied (os error 13)`.
pub fn go_err(e: &std::io::Error) -> String {
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
                    format!("{}:{}: {}", file.display(), line, what)
                } else {
                    format!("{}: {}", file.display(), what)
                }
            }
            Error::CantStat(_) => "docker lists every directory it meets, even an excluded one; make it readable, or move it under an excluded parent directory".into(),
            Error::NoPermission(_) => "the classic builder opens every file it will send; make it readable or exclude it in .dockerignore".into(),
            Error::DockerfileOutside(_) => "docker would add the Dockerfile under a random name `.dockerfile.<20 hex digits>`; use --builder buildkit, or move the Dockerfile into the context".into(),
            Error::DockerfileMissing(_) | Error::BuildkitDockerfile(_) => "pass the Dockerfile with -f (relative to the current directory, as docker does)".into(),
            Error::IgnoreIsDir(_) => "remove the .dockerignore directory or turn it into a file".into(),
            Error::ContextNotFound(_) | Error::ContextNotDir(_) => "give the build context directory, as for `docker build DIR`".into(),
            _ => return None,
        })
    }
}
