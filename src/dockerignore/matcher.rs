//! The reference matcher: one pattern at a time, exactly as `patternmatcher` v0.6 evaluates.
//! The walker uses [`super::FastMatcher`], which must agree with this on every path.

use super::parse::{self, PatternLine};
use super::translate::{compile, MatchType};
use super::{go_decode, PatternError};

/// One compiled pattern.
#[derive(Debug)]
pub struct Pattern {
    /// The line it came from.
    pub line: PatternLine,
    /// How it matches.
    pub kind: MatchType,
    /// Compiled on first use, as docker compiles lazily.
    regex: std::sync::OnceLock<Option<regex::Regex>>,
    /// Number of `/`-separated parts (`pattern.dirs`), used by the deprecated matcher.
    dirs: usize,
    /// REGEX patterns: literal text every match starts and ends with, checked before the
    /// regex is compiled or run (most paths fail it; a 1000-line file then compiles few).
    lit_prefix: Vec<u8>,
    lit_suffix: Vec<u8>,
}

/// This pattern's regex does not compile (Go's `filepath.ErrBadPattern` on first use).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RegexBroken;

/// A pattern whose regex Go cannot compile was evaluated: docker's "syntax error in pattern".
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BrokenPattern(pub usize);

impl Pattern {
    /// Compiles one pattern line.
    pub fn new(line: PatternLine) -> Pattern {
        let kind = compile(&line.cleaned);
        let regex = std::sync::OnceLock::new();
        let dirs = line.cleaned.split(|&b| b == b'/').count();
        let (mut lit_prefix, mut lit_suffix) = (Vec::new(), Vec::new());
        if matches!(kind, MatchType::Regex { rust: Some(_), .. }) {
            // U+FFFD in the pattern could stand for any invalid byte of a path: no prefilter.
            let fffd = "\u{fffd}".as_bytes();
            let ok = |v: &Vec<u8>| !v.windows(3).any(|w| w == fffd);
            lit_prefix = super::engine::literal_prefix(&line.cleaned)
                .filter(ok)
                .unwrap_or_default();
            lit_suffix = super::engine::literal_suffix(&line.cleaned)
                .filter(ok)
                .unwrap_or_default();
        }
        Pattern {
            line,
            kind,
            regex,
            dirs,
            lit_prefix,
            lit_suffix,
        }
    }

    /// Whether this pattern is an exception (`!`).
    pub fn exclusion(&self) -> bool {
        self.line.exclusion
    }

    /// Whether evaluating this pattern fails (a regex Go rejects).
    pub fn is_broken(&self) -> bool {
        matches!(self.kind, MatchType::Regex { rust: None, .. })
    }

    fn regex(&self) -> Option<&regex::Regex> {
        self.regex
            .get_or_init(|| match &self.kind {
                MatchType::Regex { rust: Some(r), .. } => {
                    regex::RegexBuilder::new(r).size_limit(1 << 27).build().ok()
                }
                _ => None,
            })
            .as_ref()
    }

    /// `Pattern.match`: does this pattern match `path` (relative, `/`-separated)? Errors when the
    /// pattern's regex is one Go cannot compile.
    pub fn matches(&self, path: &[u8]) -> Result<bool, RegexBroken> {
        let c = &self.line.cleaned;
        Ok(match &self.kind {
            MatchType::Exact => path == c.as_slice(),
            MatchType::Prefix(p) => path.starts_with(p),
            MatchType::Suffix(s) => {
                path.ends_with(s) || (s.first() == Some(&b'/') && path == &s[1..])
            }
            MatchType::Regex { rust: Some(_), .. }
                if !path.starts_with(&self.lit_prefix) || !path.ends_with(&self.lit_suffix) =>
            {
                false
            }
            MatchType::Regex { .. } => match self.regex() {
                Some(r) => r.is_match(&go_decode(path)),
                None => return Err(RegexBroken),
            },
        })
    }
}

/// An ordered list of patterns with docker's combination rules.
#[derive(Debug, Default)]
pub struct PatternSet {
    /// The patterns, in file order.
    pub patterns: Vec<Pattern>,
}

/// Yields each ancestor prefix of `path`: `a`, `a/b`, … (not the path itself).
fn ancestors(path: &[u8]) -> impl Iterator<Item = &[u8]> {
    path.iter()
        .enumerate()
        .filter(|&(_, &b)| b == b'/')
        .map(move |(i, _)| &path[..i])
}

impl PatternSet {
    /// Builds a set from parsed lines.
    pub fn new(lines: Vec<PatternLine>) -> PatternSet {
        PatternSet {
            patterns: lines.into_iter().map(Pattern::new).collect(),
        }
    }

    /// Parses ignore-file bytes.
    pub fn parse(data: &[u8]) -> Result<PatternSet, PatternError> {
        Ok(PatternSet::new(parse::parse(data)?))
    }

    /// Whether any pattern is an exception (`Exclusions()`).
    pub fn has_exclusions(&self) -> bool {
        self.patterns.iter().any(Pattern::exclusion)
    }

    fn err(&self, i: usize) -> BrokenPattern {
        BrokenPattern(i)
    }

    /// R16(a) `MatchesOrParentMatches`.
    pub fn matches_or_parent_matches(&self, path: &[u8]) -> Result<bool, BrokenPattern> {
        let mut matched = false;
        for (i, p) in self.patterns.iter().enumerate() {
            if p.exclusion() != matched {
                continue;
            }
            let mut m = p.matches(path).map_err(|_| self.err(i))?;
            if !m {
                m = ancestors(path).any(|a| p.matches(a).unwrap_or(false));
            }
            if m {
                matched = !p.exclusion();
            }
        }
        Ok(matched)
    }

    /// R16(b) `MatchesUsingParentResults`: `parent` is the parent directory's bits, or `None` for a
    /// top-level entry. Returns the verdict and this path's bits.
    pub fn matches_using_parent_results(
        &self,
        path: &[u8],
        parent: Option<&[bool]>,
    ) -> Result<(bool, Vec<bool>), BrokenPattern> {
        let mut matched = false;
        let mut bits = vec![false; self.patterns.len()];
        for (i, p) in self.patterns.iter().enumerate() {
            let mut m = parent.is_some_and(|b| b[i]);
            if !m {
                if p.exclusion() != matched {
                    continue;
                }
                m = p.matches(path).map_err(|_| self.err(i))?;
                if !m && parent.is_none() {
                    m = ancestors(path).any(|a| p.matches(a).unwrap_or(false));
                }
            }
            bits[i] = m;
            if m {
                matched = !p.exclusion();
            }
        }
        Ok((matched, bits))
    }

    /// R16(c) the deprecated `patternmatcher.Matches(file, patterns)` used for force-inclusion:
    /// errors count as "not matched", and `.` is never matched.
    pub fn matches_deprecated(&self, file: &[u8]) -> bool {
        let file = parse::clean(file);
        if file == b"." {
            return false;
        }
        let parent = match file.iter().rposition(|&b| b == b'/') {
            Some(i) => file[..i].to_vec(),
            None => b".".to_vec(),
        };
        let parent_dirs: Vec<&[u8]> = parent.split(|&b| b == b'/').collect();
        let mut matched = false;
        for p in &self.patterns {
            if p.exclusion() != matched {
                continue;
            }
            let mut m = match p.matches(&file) {
                Ok(m) => m,
                Err(RegexBroken) => return false,
            };
            if !m && parent != b"." && p.dirs <= parent_dirs.len() {
                let joined = parent_dirs[..p.dirs].join(&b'/');
                m = p.matches(&joined).unwrap_or(false);
            }
            if m {
                matched = !p.exclusion();
            }
        }
        matched
    }

    /// For `explain`: every pattern that matched on the way and the deciding one, under R16(a).
    pub fn trace(&self, path: &[u8]) -> (bool, Vec<usize>) {
        let mut matched = false;
        let mut hits = Vec::new();
        for (i, p) in self.patterns.iter().enumerate() {
            if p.exclusion() != matched {
                continue;
            }
            let m = p.matches(path).unwrap_or(false)
                || ancestors(path).any(|a| p.matches(a).unwrap_or(false));
            if m {
                matched = !p.exclusion();
                hits.push(i);
            }
        }
        (matched, hits)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn set(s: &str) -> PatternSet {
        PatternSet::parse(s.as_bytes()).unwrap()
    }

    #[test]
    fn parent_variants_differ_like_docker() {
        // parentinfo_quirk1: `d/*` then `!d`: (b) excludes d/f, (a) includes it.
        let s = set("d/*\n!d\n");
        let (dm, dbits) = s.matches_using_parent_results(b"d", None).unwrap();
        assert!(!dm);
        let (fm, _) = s
            .matches_using_parent_results(b"d/f", Some(&dbits))
            .unwrap();
        assert!(fm);
        assert_eq!(s.matches_or_parent_matches(b"d/f"), Ok(false));
        // parentinfo_quirk2: `d`, `!d/f`, `d`: (b) includes d/f.
        let s = set("d\n!d/f\nd\n");
        let (_, dbits) = s.matches_using_parent_results(b"d", None).unwrap();
        let (fm, _) = s
            .matches_using_parent_results(b"d/f", Some(&dbits))
            .unwrap();
        assert!(!fm);
        assert_eq!(s.matches_or_parent_matches(b"d/f"), Ok(true));
    }

    #[test]
    fn deprecated_misses_doublestar_parents() {
        let s = set("**/a\n");
        assert!(!s.matches_deprecated(b"a/x/y/Dockerfile"));
        assert_eq!(s.matches_or_parent_matches(b"a/x/y/Dockerfile"), Ok(true));
    }

    #[test]
    fn broken_regex_is_lazy() {
        let s = set("!x[z-a]\n");
        assert_eq!(s.matches_or_parent_matches(b"xb"), Ok(false));
        let s = set("[z-a]\n");
        assert_eq!(s.matches_or_parent_matches(b"xb"), Err(BrokenPattern(0)));
    }
}
