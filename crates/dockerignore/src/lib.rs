//! Docker's `.dockerignore` semantics, exactly: reading the file the way `docker build` reads
//! it, and deciding which paths of a build context it excludes, byte for byte as docker does,
//! quirks included. Pure: no I/O, no file system; you pass the file's bytes and
//! context-relative paths.
//!
//! ```
//! use dockerignore::{ParentRule, PatternSet};
//!
//! let set = PatternSet::parse(b"node_modules\n*.log\n!keep.log\n")?;
//! assert!(set.matches_or_parent_matches(b"node_modules/a/b.js")?); // a directory covers its tree
//! assert!(!set.matches_or_parent_matches(b"src/a.log")?); // anchored at the context root
//! let d = set.decide(b"keep.log", ParentRule::UsingParentResults)?;
//! assert!(!d.excluded());
//! assert_eq!(d.line().map(|l| l.line), Some(3)); // the deciding line
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! # What it implements
//!
//! The reference is docker's own code: `moby/patternmatcher` v0.6.0 (`ignorefile.ReadAll`,
//! `patternmatcher.New` and its matchers, as the docker CLI 28.x uses them for the classic
//! builder) and v0.6.1 (BuildKit and buildx), which match identically. Rule numbers (R…, B…)
//! refer to the ctxsize specification, whose matching sections are copied beside this crate's
//! tests ([`tests/data/dockerignore-semantics.md`][spec]) together with the 111 edge cases
//! verified against the real docker CLI that the tests run ([`tests/data/`][data]).
//!
//! **Reading** ([`read_all`], [`to_pattern_list`], [`PatternSet::parse`]):
//! - R2: lines split on `\n`, one trailing `\r` dropped; the last line counts without a
//!   newline; a line of 64 KiB or more fails ([`PatternError::TooLong`]).
//! - R3: a UTF-8 BOM is removed from the first line only.
//! - R4: a line is a comment only when its very first byte is `#`; no inline comments.
//! - R5: Go's `strings.TrimSpace` (Unicode White_Space) on both ends; empty lines are skipped.
//! - R6: one leading `!` makes an exception, the rest is trimmed again; a bare `!` fails
//!   ([`PatternError::IllegalExclusion`]).
//! - R7: Go's `filepath.Clean`, then one leading `/` removed: `/foo`, `./foo`, `foo/` all
//!   mean `foo`, and a trailing `/` does **not** restrict a pattern to directories.
//! - R8: order and duplicates are kept.
//! - R9: each pattern is checked with Go's `filepath.Match(pattern, ".")`
//!   ([`PatternError::Syntax`]); a reversed range such as `[z-a]` passes and fails later.
//!
//! **One pattern, one path** ([`Pattern::matches`]):
//! - R10: paths are relative to the context root, `/`-separated, without `./`, a leading or a
//!   trailing `/`; comparison is byte-exact and case-sensitive; wildcards match leading dots.
//! - R11: a pattern matches the whole path from the root: `*.log` does not match `sub/a.log`.
//! - R12: each pattern compiles to one of docker's four match types (exact, prefix, suffix,
//!   regex), with their quirks: `x/**` does not match `x`, `foo**` matches `foo/bar`, `**.log`
//!   matches at any depth.
//! - R13: regex patterns follow Go's RE2, translated faithfully to the `regex` crate: `[!a]` is
//!   not a negation, `[^x]` matches `/`, `\d` is an ASCII digit class, `^` is an anchor and
//!   `{a,b}.txt` a literal name; invalid UTF-8 in a path reads as U+FFFD ([`go_decode`]). A
//!   regex Go cannot compile is an error when it is evaluated ([`BadPattern`],
//!   [`BrokenPattern`]).
//! - R14: v0.6.0 panics on a broken pattern's second evaluation; this crate returns the error
//!   every time, as v0.6.1 does.
//!
//! **A set of patterns** ([`PatternSet`], [`FastMatcher`]):
//! - R15: patterns are evaluated in order; the last match wins, and a pattern that cannot
//!   change the verdict is skipped, so its regex is never compiled (a broken exception before
//!   any exclusion is harmless).
//! - R16: a path is also excluded through its ancestors, by three different rules docker uses
//!   in different places ([`ParentRule`]): (a) `MatchesOrParentMatches`, (b)
//!   `MatchesUsingParentResults` (the walkers), (c) the deprecated `Matches` (the classic
//!   builder's force-inclusion of the Dockerfile and `.dockerignore`).
//!
//! **BuildKit's transport** ([`through_json`], [`header_rejects`]; spec B11, B12): the
//! patterns reach BuildKit's client through JSON (each invalid UTF-8 byte becomes U+FFFD) and
//! gRPC headers (a list without a character above U+007F travels raw, and a control character
//! in it fails the build).
//!
//! **Left to the caller** (ctxsize implements them on top of this crate): which ignore file is
//! read (R1, B1), the classic builder's pre-flight walk (R17), appending `!.dockerignore` and
//! `!<Dockerfile>` (R18; see [`PatternLine::appended`] and [`ParentRule::Deprecated`]), and
//! which excluded directories a walker may skip (R20 classic: only exceptions that start with
//! the directory's literal path reach inside; B4 BuildKit: no pruning when an exception has a
//! wildcard). Paths and patterns are handled as on Unix clients (`/` separators).
//!
//! # Two matchers
//!
//! [`PatternSet`] is the reference: each pattern tried in turn, as docker does.
//! [`FastMatcher`] answers the same questions for a walker: every pattern sits in a byte trie
//! of its literal prefix (or suffix), resumed per directory ([`DirPos`]), so the cost per path
//! does not grow with the number of patterns; per-directory state is a sorted index list
//! ([`Bits`]). Property tests check that the two agree.
//!
//! [spec]: https://github.com/ctxsize/ctxsize/blob/main/crates/dockerignore/tests/data/dockerignore-semantics.md
//! [data]: https://github.com/ctxsize/ctxsize/tree/main/crates/dockerignore/tests/data
#![deny(missing_docs)]

mod engine;
mod error;
mod gomatch;
mod literal;
mod matcher;
mod parse;
mod translate;
mod transport;
mod utf8;

pub use engine::{union, Bits, DirPos, FastMatcher, MatchCache};
pub use error::{BadPattern, BrokenPattern, PatternError};
pub use gomatch::go_match;
pub use matcher::{Decision, ParentRule, Pattern, PatternSet};
pub use parse::{clean, read_all, to_pattern_list, trim_space, PatternLine, RawLine};
pub use transport::{header_escaped, header_rejects, through_json};
pub use utf8::go_decode;

/// The README's examples, compiled and run as doc tests.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
pub struct ReadmeDoctests;
