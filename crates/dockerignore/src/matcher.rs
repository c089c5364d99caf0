//! The reference matcher: one pattern at a time, exactly as `patternmatcher` v0.6 evaluates
//! (R10–R16). The walker uses [`FastMatcher`](crate::FastMatcher), which must agree with this on
//! every path.

use crate::error::{BadPattern, BrokenPattern, PatternError};
use crate::literal::{literal_prefix, literal_suffix};
use crate::parse::{self, PatternLine};
use crate::translate::{compile, MatchType};
use crate::utf8::go_decode;

/// One compiled pattern: its line and how it matches (R12: EXACT, PREFIX, SUFFIX or REGEX).
#[derive(Debug)]
pub struct Pattern {
    /// The line it came from.
    line: PatternLine,
    /// How it matches.
    kind: MatchType,
    /// Compiled on first use, as docker compiles lazily.
    regex: std::sync::OnceLock<Option<regex::Regex>>,
    /// Number of `/`-separated parts (`pattern.dirs`), used by the deprecated matcher.
    dirs: usize,
    /// REGEX patterns: literal text every match starts and ends with, checked before the
    /// regex is compiled or run (most paths fail it; a 1000-line file then compiles few).
    lit_prefix: Vec<u8>,
    lit_suffix: Vec<u8>,
}

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
            lit_prefix = literal_prefix(&line.cleaned).filter(ok).unwrap_or_default();
            lit_suffix = literal_suffix(&line.cleaned).filter(ok).unwrap_or_default();
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

    /// The line it came from.
    pub fn line(&self) -> &PatternLine {
        &self.line
    }

    /// How it matches.
    pub(crate) fn kind(&self) -> &MatchType {
        &self.kind
    }

    /// Whether this pattern is an exception (`!`).
    pub fn exclusion(&self) -> bool {
        self.line.exclusion
    }

    /// Whether evaluating this pattern fails: a REGEX pattern Go's `regexp` rejects, such as
    /// `[z-a]` (R13). It passes R9's check and fails the build only when docker evaluates it.
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

    /// `Pattern.match`: does this pattern match `path` (relative to the context root,
    /// `/`-separated, no leading `./` or `/`, no trailing `/`; R10, R11)? Parent directories are
    /// not considered here: that is [`PatternSet`]'s job (R16). Errors when the pattern's regex is
    /// one Go cannot compile.
    pub fn matches(&self, path: &[u8]) -> Result<bool, BadPattern> {
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
                None => return Err(BadPattern),
            },
        })
    }
}

impl Pattern {
    /// [`Pattern::matches`] for a path already known to start with this pattern's literal
    /// prefix (the fast matcher found the pattern in its trie of prefixes): the suffix test,
    /// last byte first, then the regex.
    #[inline]
    pub(crate) fn matches_after_prefix(&self, path: &[u8]) -> Result<bool, BadPattern> {
        if let MatchType::Regex { rust: Some(_), .. } = &self.kind {
            let s = &self.lit_suffix;
            if let Some(&last) = s.last() {
                if path.last() != Some(&last) || !path.ends_with(s) {
                    return Ok(false);
                }
            }
            return match self.regex() {
                Some(r) => Ok(r.is_match(&go_decode(path))),
                None => Err(BadPattern),
            };
        }
        self.matches(path)
    }
}

/// A parsed ignore file: the ordered list of patterns, with docker's combination rules (last
/// match wins, R15) and its three parent-directory rules (R16).
#[derive(Debug, Default)]
pub struct PatternSet {
    /// The patterns, in file order.
    patterns: Vec<Pattern>,
}

/// Which of docker's three parent-directory rules (R16) decides a path. Docker uses each in
/// different places, and they disagree on some ignore files.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ParentRule {
    /// R16(b) `MatchesUsingParentResults`, used by the classic builder's tar walk (R20) and by
    /// BuildKit's fsutil walker (B4): each directory's per-pattern results are inherited by its
    /// children, and a pattern R15 skipped on a directory is not tried on it again.
    UsingParentResults,
    /// R16(a) `MatchesOrParentMatches`, used by the classic builder's pre-flight check (R17)
    /// and fsutil's `Open`: each pattern is tried on the path and on every ancestor.
    OrParentMatches,
    /// R16(c) the deprecated `Matches`, used only to decide whether the classic builder
    /// appends `!.dockerignore` and `!<Dockerfile>` (R18): each pattern is tried on the path
    /// and on the one ancestor with as many components as the pattern; a pattern that cannot
    /// be evaluated makes the answer "not excluded".
    Deprecated,
}

/// What a [`PatternSet`] decides for one path, and the pattern that decided it: the last
/// pattern that matched (R15), an exception when an exception re-included the path.
#[derive(Clone, Copy, Debug)]
pub struct Decision<'a> {
    excluded: bool,
    by: Option<(usize, &'a Pattern)>,
}

impl<'a> Decision<'a> {
    /// Whether the path is excluded from the build context.
    pub fn excluded(&self) -> bool {
        self.excluded
    }

    /// The deciding pattern's index in [`PatternSet::patterns`]; `None` when no pattern matched.
    pub fn index(&self) -> Option<usize> {
        self.by.map(|(i, _)| i)
    }

    /// The deciding pattern; `None` when no pattern matched.
    pub fn pattern(&self) -> Option<&'a Pattern> {
        self.by.map(|(_, p)| p)
    }

    /// The deciding pattern's line; `None` when no pattern matched.
    pub fn line(&self) -> Option<&'a PatternLine> {
        self.by.map(|(_, p)| &p.line)
    }
}

impl PartialEq for Decision<'_> {
    fn eq(&self, other: &Self) -> bool {
        self.excluded == other.excluded && self.index() == other.index()
    }
}

impl Eq for Decision<'_> {}

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

    /// Parses ignore-file bytes: [`read_all`](crate::read_all) then
    /// [`to_pattern_list`](crate::to_pattern_list) (R1–R9).
    pub fn parse(data: &[u8]) -> Result<PatternSet, PatternError> {
        Ok(PatternSet::new(parse::parse(data)?))
    }

    /// The patterns, in file order.
    pub fn patterns(&self) -> &[Pattern] {
        &self.patterns
    }

    /// The error `docker build` reports when it evaluates the broken pattern `b` names: a
    /// [`PatternError::Syntax`] on that pattern's line.
    pub fn syntax_error(&self, b: BrokenPattern) -> PatternError {
        let l = &self.patterns[b.0].line;
        PatternError::Syntax {
            line: l.line,
            original: l.original.clone(),
        }
    }

    /// What docker decides for `path` (relative to the context root, `/`-separated) under one
    /// of its parent-directory rules, and which pattern decided it. With
    /// [`ParentRule::UsingParentResults`] the path's ancestors are evaluated first, top down,
    /// as a walker reaches the path.
    ///
    /// ```
    /// use dockerignore::{ParentRule, PatternSet};
    /// // parentinfo_quirk1: the walkers and the pre-flight check disagree.
    /// let set = PatternSet::parse(b"d/*\n!d\n").unwrap();
    /// let walk = set.decide(b"d/f", ParentRule::UsingParentResults).unwrap();
    /// assert!(walk.excluded());
    /// assert_eq!(walk.line().unwrap().line, 1);
    /// let check = set.decide(b"d/f", ParentRule::OrParentMatches).unwrap();
    /// assert!(!check.excluded());
    /// assert_eq!(check.line().unwrap().line, 2);
    /// ```
    pub fn decide(&self, path: &[u8], rule: ParentRule) -> Result<Decision<'_>, BrokenPattern> {
        let (excluded, by) = match rule {
            ParentRule::UsingParentResults => {
                let mut parent: Option<Vec<bool>> = None;
                let mut res = (false, None);
                let ends = path
                    .iter()
                    .enumerate()
                    .filter(|&(_, &b)| b == b'/')
                    .map(|(i, _)| i)
                    .chain(std::iter::once(path.len()));
                for end in ends {
                    let (m, bits) =
                        self.matches_using_parent_results(&path[..end], parent.as_deref())?;
                    res = (m, bits.iter().rposition(|&b| b));
                    parent = Some(bits);
                }
                res
            }
            ParentRule::OrParentMatches => self.or_parent(path)?,
            ParentRule::Deprecated => self.deprecated(path),
        };
        Ok(Decision {
            excluded,
            by: by.map(|i| (i, &self.patterns[i])),
        })
    }

    /// Whether any pattern is an exception (`Exclusions()`).
    pub fn has_exclusions(&self) -> bool {
        self.patterns.iter().any(Pattern::exclusion)
    }

    fn err(&self, i: usize) -> BrokenPattern {
        BrokenPattern(i)
    }

    /// R16(a) `MatchesOrParentMatches`: whether `path` is excluded, trying each pattern on the
    /// path and on every ancestor.
    pub fn matches_or_parent_matches(&self, path: &[u8]) -> Result<bool, BrokenPattern> {
        Ok(self.or_parent(path)?.0)
    }

    /// R16(a): the verdict and the last pattern that matched.
    fn or_parent(&self, path: &[u8]) -> Result<(bool, Option<usize>), BrokenPattern> {
        let mut matched = false;
        let mut last = None;
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
                last = Some(i);
            }
        }
        Ok((matched, last))
    }

    /// R16(b) `MatchesUsingParentResults`: `parent` is the parent directory's bits, or `None` for a
    /// top-level entry. Returns the verdict and this path's bits (one per pattern: whether it
    /// matched this path or was inherited), which its children take as their `parent`.
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
        self.deprecated(file).0
    }

    /// R16(c): the verdict and the last pattern that matched.
    fn deprecated(&self, file: &[u8]) -> (bool, Option<usize>) {
        let file = parse::clean(file);
        if file == b"." {
            return (false, None);
        }
        let parent = match file.iter().rposition(|&b| b == b'/') {
            Some(i) => file[..i].to_vec(),
            None => b".".to_vec(),
        };
        let parent_dirs: Vec<&[u8]> = parent.split(|&b| b == b'/').collect();
        let mut matched = false;
        let mut last = None;
        for (i, p) in self.patterns.iter().enumerate() {
            if p.exclusion() != matched {
                continue;
            }
            let mut m = match p.matches(&file) {
                Ok(m) => m,
                Err(BadPattern) => return (false, None),
            };
            if !m && parent != b"." && p.dirs <= parent_dirs.len() {
                let joined = parent_dirs[..p.dirs].join(&b'/');
                m = p.matches(&joined).unwrap_or(false);
            }
            if m {
                matched = !p.exclusion();
                last = Some(i);
            }
        }
        (matched, last)
    }

    /// Every pattern that matched `path` or an ancestor on the way under R16(a), in order (the
    /// last one decided), and the verdict. Patterns that cannot be evaluated count as not
    /// matching here; [`PatternSet::decide`] reports them.
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
