//! The three ways docker's ignore-file handling fails: reading the file ([`PatternError`]),
//! Go's `filepath.ErrBadPattern` for one pattern ([`BadPattern`]), and a set of patterns meeting
//! a pattern it cannot evaluate ([`BrokenPattern`]).

/// An ignore file docker refuses: the error `docker build` stops with, and the line it is on
/// (which docker itself does not print).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum PatternError {
    /// A line of 64 KiB or more (`bufio.Scanner: token too long`, R2).
    #[error("bufio.Scanner: token too long")]
    TooLong {
        /// 1-based line number.
        line: usize,
    },
    /// A bare `!` (or `!/`, `!  `): R6.
    #[error("illegal exclusion pattern: \"!\"")]
    IllegalExclusion {
        /// 1-based line number.
        line: usize,
        /// The line as written.
        original: Vec<u8>,
    },
    /// A pattern Go's `filepath.Match` (R9) or `regexp` (R13) rejects.
    #[error("syntax error in pattern")]
    Syntax {
        /// 1-based line number (0 for a pattern appended by the caller).
        line: usize,
        /// The line as written.
        original: Vec<u8>,
    },
}

impl PatternError {
    /// The 1-based line the error is on (0 for a pattern appended by the caller).
    pub fn line(&self) -> usize {
        match self {
            PatternError::TooLong { line }
            | PatternError::IllegalExclusion { line, .. }
            | PatternError::Syntax { line, .. } => *line,
        }
    }

    /// The prefix `docker build` (classic builder) puts before this error's message:
    /// `error reading .dockerignore: ` for a line too long, `error checking context: ` else.
    pub fn docker_prefix(&self) -> &'static str {
        match self {
            PatternError::TooLong { .. } => "error reading .dockerignore: ",
            _ => "error checking context: ",
        }
    }
}

/// Go's `filepath.ErrBadPattern`: a pattern `filepath.Match` rejects, or (from
/// [`Pattern::matches`](crate::Pattern::matches)) a pattern whose regex Go cannot compile.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("syntax error in pattern")]
#[non_exhaustive]
pub struct BadPattern;

/// A set of patterns evaluated a pattern whose regex Go cannot compile (R13): docker's lazy
/// "syntax error in pattern". Holds the pattern's index in
/// [`PatternSet::patterns`](crate::PatternSet::patterns);
/// [`PatternSet::syntax_error`](crate::PatternSet::syntax_error) turns it into the error
/// naming the line.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("syntax error in pattern")]
pub struct BrokenPattern(pub usize);
