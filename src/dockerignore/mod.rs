//! Docker's `.dockerignore` semantics, exactly: parsing (`ignorefile.ReadAll`), validation
//! (`patternmatcher.New`), translation into the four match types, and the three parent-matching
//! variants docker uses in different places (R16 a/b/c). Pure: no I/O.
//!
//! ```
//! use ctxsize::dockerignore::PatternSet;
//! let set = PatternSet::parse(b"node_modules\n*.log\n!keep.log\n").unwrap();
//! assert_eq!(set.matches_or_parent_matches(b"node_modules/a/b.js"), Ok(true));
//! assert_eq!(set.matches_or_parent_matches(b"keep.log"), Ok(false));
//! assert_eq!(set.matches_or_parent_matches(b"src/a.log"), Ok(false)); // root-anchored
//! ```

pub mod engine;
pub mod gomatch;
pub mod matcher;
pub mod parse;
pub mod translate;

pub use engine::FastMatcher;
pub use matcher::{Pattern, PatternSet};
pub use parse::PatternLine;

/// Errors docker reports for an ignore file, with the line ctxsize can name and docker cannot.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PatternError {
    /// A line of 64 KiB or more (`bufio.Scanner: token too long`).
    #[error("bufio.Scanner: token too long")]
    TooLong {
        /// 1-based line number.
        line: usize,
    },
    /// A bare `!` (or `!/`).
    #[error("illegal exclusion pattern: \"!\"")]
    IllegalExclusion {
        /// 1-based line number.
        line: usize,
        /// The line as written.
        original: Vec<u8>,
    },
    /// A pattern Go's `filepath.Match` or `regexp` rejects.
    #[error("syntax error in pattern")]
    Syntax {
        /// 1-based line number (0 for an appended pattern).
        line: usize,
        /// The line as written.
        original: Vec<u8>,
    },
}

impl PatternError {
    /// The 1-based line the error is on.
    pub fn line(&self) -> usize {
        match self {
            PatternError::TooLong { line }
            | PatternError::IllegalExclusion { line, .. }
            | PatternError::Syntax { line, .. } => *line,
        }
    }

    /// docker's prefix for this error in `docker build`'s message.
    pub fn docker_prefix(&self) -> &'static str {
        match self {
            PatternError::TooLong { .. } => "error reading .dockerignore: ",
            _ => "error checking context: ",
        }
    }
}

/// Decodes bytes the way Go's regexp reads a string: each invalid byte is one U+FFFD.
pub fn go_decode(b: &[u8]) -> std::borrow::Cow<'_, str> {
    match std::str::from_utf8(b) {
        Ok(s) => std::borrow::Cow::Borrowed(s),
        Err(_) => {
            let mut out = String::with_capacity(b.len() + 8);
            let mut rest = b;
            loop {
                match std::str::from_utf8(rest) {
                    Ok(s) => {
                        out.push_str(s);
                        break;
                    }
                    Err(e) => {
                        let (ok, bad) = rest.split_at(e.valid_up_to());
                        out.push_str(std::str::from_utf8(ok).unwrap_or_default());
                        out.push('\u{FFFD}');
                        rest = &bad[1..];
                    }
                }
            }
            std::borrow::Cow::Owned(out)
        }
    }
}
