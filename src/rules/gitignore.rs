//! [`GitignoreSet`]: "would git ignore this path?", over `.gitignore` texts
//! the engine has already read. Pure: no filesystem access.

use std::collections::HashMap;

use ignore::gitignore::{Gitignore, GitignoreBuilder};
use ignore::Match;

use super::bytes_to_path;

/// Building a [`GitignoreSet`] failed.
#[derive(Debug, thiserror::Error)]
pub(crate) enum GitignoreError {
    /// The matcher for one ignore file could not be compiled.
    #[error("cannot build the gitignore matcher for `{dir}`: {message}")]
    Build {
        /// Directory of the ignore file, lossily decoded (`""` is the root).
        dir: String,
        /// The underlying error.
        message: String,
    },
}

/// A pattern line that git would silently skip and that was skipped here.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct InvalidLine {
    /// Directory of the ignore file (`""` is the context root).
    pub dir: Vec<u8>,
    /// 1-based line number in that file.
    pub line: usize,
    /// The line as written.
    pub pattern: String,
    /// Why it was rejected.
    pub message: String,
}

/// Git's ignore rules over a set of ignore files, by directory.
///
/// Semantics follow git (via the `ignore` crate's gitignore matcher):
///
/// * a file in directory `D` applies to paths beneath `D`, its patterns
///   relative to `D`; the last matching line in a file wins, and `!` lines
///   re-include;
/// * a deeper file takes precedence over a shallower one; among files of the
///   same directory, the one given **later** to [`GitignoreSet::new`] takes
///   precedence, so pass `.git/info/exclude` (as directory `""`) before the
///   root `.gitignore`;
/// * a path beneath an ignored directory is ignored, whatever later `!` lines
///   say (git never looks inside an excluded directory);
/// * matching is case-sensitive (git's default `core.ignorecase=false`).
///
/// Only the files given are known here. For `git check-ignore`'s answer, give
/// every file git reads, with directories relative to the work tree:
/// `core.excludesFile`, then `.git/info/exclude` (both as `""`), then the
/// `.gitignore` files from the work tree down (the report does so, see
/// `findings::git::outer_ignores`).
#[derive(Debug, Default)]
pub(crate) struct GitignoreSet {
    /// Directory (relative, no trailing `/`, `""` for the root) → matchers,
    /// lowest precedence first.
    levels: HashMap<Vec<u8>, Vec<Gitignore>>,
    invalid: Vec<InvalidLine>,
}

impl GitignoreSet {
    /// Builds the set from `(directory, file text)` pairs. The directory is
    /// relative to the context root, `/`-separated; `""` (or `"."`) is the
    /// root. Lines git would skip as invalid are skipped and listed in
    /// [`GitignoreSet::invalid_lines`].
    pub(crate) fn new<I>(files: I) -> Result<GitignoreSet, GitignoreError>
    where
        I: IntoIterator<Item = (Vec<u8>, String)>,
    {
        let mut set = GitignoreSet::default();
        for (dir, text) in files {
            let dir = normalize_dir(&dir).to_vec();
            let mut b = GitignoreBuilder::new(".");
            let text = text.strip_prefix('\u{feff}').unwrap_or(&text);
            for (i, line) in text.lines().enumerate() {
                if let Err(e) = b.add_line(None, line) {
                    set.invalid.push(InvalidLine {
                        dir: dir.clone(),
                        line: i + 1,
                        pattern: line.to_owned(),
                        message: e.to_string(),
                    });
                }
            }
            let gi = b.build().map_err(|e| GitignoreError::Build {
                dir: String::from_utf8_lossy(&dir).into_owned(),
                message: e.to_string(),
            })?;
            if !gi.is_empty() {
                set.levels.entry(dir).or_default().push(gi);
            }
        }
        Ok(set)
    }

    /// True when no ignore file has any pattern.
    #[cfg(test)]
    pub(crate) fn is_empty(&self) -> bool {
        self.levels.is_empty()
    }

    /// Lines skipped because they are not valid patterns.
    #[cfg(test)]
    pub(crate) fn invalid_lines(&self) -> &[InvalidLine] {
        &self.invalid
    }

    /// Would git ignore `path` (relative to the context root, `/`-separated)?
    /// `is_dir` says whether the path is a directory (for `dir/` patterns).
    /// A path beneath an ignored directory is ignored.
    pub(crate) fn is_ignored(&self, path: &[u8], is_dir: bool) -> bool {
        if self.levels.is_empty() {
            return false;
        }
        let path = normalize_dir(path);
        if path.is_empty() {
            return false;
        }
        for (p, _) in path.iter().enumerate().filter(|(_, &b)| b == b'/') {
            if self.decide(&path[..p], true) == Some(true) {
                return true;
            }
        }
        self.decide(path, is_dir) == Some(true)
    }

    /// Whether directory `dir` (relative, `""` for the root) holds ignore files.
    pub(crate) fn has_level(&self, dir: &[u8]) -> bool {
        self.levels.contains_key(normalize_dir(dir))
    }

    /// [`GitignoreSet::is_ignored_here`] for a walker that tracks which of `path`'s ancestor
    /// directories hold ignore files ([`GitignoreSet::has_level`]): `dirs` are the lengths of
    /// those ancestors' paths within `path` (0 for the root), shallowest first. Only those
    /// levels are looked up.
    pub(crate) fn is_ignored_in(&self, dirs: &[usize], path: &[u8], is_dir: bool) -> bool {
        self.decide_at(dirs.iter().rev().copied(), path, is_dir) == Some(true)
    }

    /// The verdict for `path` alone (its ancestors not considered): the
    /// deepest ignore file with a matching line decides.
    fn decide(&self, path: &[u8], is_dir: bool) -> Option<bool> {
        let slashes = path
            .iter()
            .enumerate()
            .filter(|(_, &b)| b == b'/')
            .map(|(i, _)| i);
        self.decide_at(slashes.rev().chain(std::iter::once(0)), path, is_dir)
    }

    /// The verdict of the ignore files in the directories `dirs` (lengths of `path`'s ancestor
    /// paths, 0 for the root, deepest first): the first with a matching line decides.
    fn decide_at(
        &self,
        dirs: impl Iterator<Item = usize>,
        path: &[u8],
        is_dir: bool,
    ) -> Option<bool> {
        for d in dirs {
            let (dir, rel) = if d == 0 {
                (&path[..0], path)
            } else {
                (&path[..d], &path[d + 1..])
            };
            let Some(files) = self.levels.get(dir) else {
                continue;
            };
            for gi in files.iter().rev() {
                match gi.matched(bytes_to_path(rel), is_dir) {
                    Match::Ignore(_) => return Some(true),
                    Match::Whitelist(_) => return Some(false),
                    Match::None => {}
                }
            }
        }
        None
    }
}

/// Strips a leading `./`, trailing `/`s, and maps `.` to `""`.
fn normalize_dir(mut d: &[u8]) -> &[u8] {
    while let Some(rest) = d.strip_prefix(b"./") {
        d = rest;
    }
    while let Some(rest) = d.strip_suffix(b"/") {
        d = rest;
    }
    if d == b"." {
        &d[..0]
    } else {
        d
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn set(files: &[(&str, &str)]) -> GitignoreSet {
        GitignoreSet::new(
            files
                .iter()
                .map(|(d, t)| (d.as_bytes().to_vec(), t.to_string())),
        )
        .unwrap()
    }

    #[track_caller]
    fn check(s: &GitignoreSet, cases: &[(&str, bool, bool)]) {
        for &(p, is_dir, want) in cases {
            assert_eq!(
                s.is_ignored(p.as_bytes(), is_dir),
                want,
                "{p} (dir={is_dir})"
            );
        }
    }

    #[test]
    fn basics() {
        let s = set(&[(
            "",
            "*.log\n/build\nnode_modules/\n!keep.log\n# comment\n\ndocs/*.tmp\n",
        )]);
        check(
            &s,
            &[
                ("a.log", false, true),
                ("src/deep/a.log", false, true),
                ("keep.log", false, false),
                ("src/keep.log", false, false),
                ("build", true, true),
                ("build/x.o", false, true),
                ("src/build", true, false), // anchored
                ("node_modules", true, true),
                ("node_modules", false, false), // dir-only pattern, a file
                ("web/node_modules/x/y.js", false, true),
                ("docs/a.tmp", false, true),
                ("docs/sub/a.tmp", false, false), // `*` does not cross `/`
                ("x/docs/a.tmp", false, false),   // middle slash anchors
                ("src/main.rs", false, false),
                ("# comment", false, false),
            ],
        );
    }

    #[test]
    fn nested_files_and_precedence() {
        let s = set(&[
            ("", "*.secret\n/out\n"),
            ("sub", "!ok.secret\n/out\n*.txt\n"),
            ("sub/deeper/", "!*.txt\n"),
        ]);
        check(
            &s,
            &[
                ("a.secret", false, true),
                ("sub/ok.secret", false, false), // deeper file re-includes
                ("other/ok.secret", false, true), // sub's file does not apply
                ("out", true, true),
                ("sub/out", true, true), // anchored to sub/
                ("sub/x/out", true, false),
                ("sub/a.txt", false, true),
                ("sub/deeper/a.txt", false, false),
                ("subway/a.txt", false, false), // `sub` is not a prefix of `subway`
                ("a.txt", false, false),
            ],
        );
    }

    #[test]
    fn parent_directory_exclusion_wins() {
        // `build/` excludes the directory; `!build/keep` cannot re-include.
        let s = set(&[("", "build/\n!build/keep\n")]);
        check(
            &s,
            &[("build/keep", false, true), ("build/a/b", false, true)],
        );
        // `build/*` excludes the contents only, so the negation works.
        let s = set(&[("", "build/*\n!build/keep\n")]);
        check(
            &s,
            &[
                ("build/keep", false, false),
                ("build/other", false, true),
                ("build", true, false),
            ],
        );
        // A nested .gitignore cannot re-include inside an ignored directory.
        let s = set(&[("", "gen/\n"), ("gen", "!*\n")]);
        check(&s, &[("gen/a", false, true)]);
    }

    #[test]
    fn exclude_file_has_lower_precedence() {
        let s = set(&[("", "*.bak\n"), ("", "!important.bak\n")]);
        check(
            &s,
            &[("x.bak", false, true), ("important.bak", false, false)],
        );
        let s = set(&[("", "!important.bak\n"), ("", "*.bak\n")]);
        check(&s, &[("important.bak", false, true)]);
    }

    #[test]
    fn doublestar_escapes_crlf_bom_and_invalid_lines() {
        let s = set(&[(
            "",
            "\u{feff}a/**/z\r\n\\#hash\r\n\\!bang\r\nfoo/**\r\ntrailing   \r\n[\r\n",
        )]);
        check(
            &s,
            &[
                ("a/z", false, true),
                ("a/b/c/z", false, true),
                ("#hash", false, true),
                ("!bang", false, true),
                ("foo", true, false),
                ("foo/x", false, true),
                ("trailing", false, true),
            ],
        );
        assert!(s.invalid_lines().is_empty() || s.invalid_lines()[0].line == 6);
    }

    #[test]
    fn empty_and_odd_inputs() {
        let s = GitignoreSet::new(Vec::new()).unwrap();
        assert!(s.is_empty());
        assert!(!s.is_ignored(b"anything", false));
        let s = set(&[(".", "x\n"), ("./d/", "y\n")]);
        check(
            &s,
            &[
                ("x", false, true),
                ("d/y", false, true),
                ("y", false, false),
                ("", true, false),
            ],
        );
        // Non-UTF-8 paths do not panic.
        let s = set(&[("", "*.log\n")]);
        assert!(s.is_ignored(b"\xff\xfe.log", false));
        assert!(!s.is_ignored(b"\xff/\xfe", false));
    }
}
