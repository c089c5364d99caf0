//! The fast matcher the walker uses. Docker patterns are anchored at the context root, so almost
//! every pattern begins with a literal prefix that a matching path must start with. All
//! patterns go into one byte trie of those prefixes, walked once per directory (resumed from the
//! parent directory's position, [`FastMatcher::child_pos`]) and then resumed for each child
//! name; a path only ever meets the few patterns whose prefix it shares:
//!
//! * EXACT patterns end at a trie node (a match when the path ends there);
//! * PREFIX patterns (`dir/**`, `foo**`) match everything below their node;
//! * REGEX patterns become candidates at their node and are confirmed with their regex;
//! * SUFFIX patterns (`**/x`, `**.log`) sit in a second trie of reversed suffixes, walked from
//!   the end of the path;
//! * patterns without a usable literal prefix (`*.log`, a top-level `|`, a broken regex, a
//!   leading BOM or invalid UTF-8) are evaluated for every path, lazily where docker is lazy.
//!
//! Two more filters only skip patterns that provably cannot match: a REGEX pattern without
//! `**` whose parts never match a `/` matches only paths with its own number of components
//! (`fixed_depth`), and a REGEX line repeating an earlier line's text is evaluated once for
//! both. The match set keeps every pattern's own index, so "last match wins" is unchanged.
//!
//! The cost per path is one trie step per byte of its name whatever the number of patterns,
//! which keeps a 1000-line ignore file close to a 30-line one. Docker's combination rules
//! (R15, R16) then run over only the patterns that matched. Everything is checked against the
//! reference [`PatternSet`] by the property tests.

use std::collections::HashMap;

use crate::error::BrokenPattern;
use crate::literal::{literal_prefix, literal_suffix};
use crate::matcher::{Pattern, PatternSet};
use crate::translate::MatchType;

/// Sorted pattern indices (a sparse bit set): the patterns that match a path, or a directory's
/// per-pattern results for R16(b), in the form [`FastMatcher`] reads and writes them.
pub type Bits = Vec<u32>;

#[derive(Default, Debug, Clone, Copy)]
struct Node {
    /// Outgoing edges: `Trie::edges[start..start + len]`, sorted by byte (set by
    /// [`Trie::freeze`]).
    start: u32,
    len: u32,
    /// Index of this node's patterns in [`Trie::pays`], or [`NONE`]: most nodes are inner
    /// bytes of a long literal prefix and hold none (a 1000-line file has tens of thousands).
    pay: u32,
}

const NONE: u32 = u32::MAX;

/// The patterns attached to one trie node.
#[derive(Default, Debug)]
struct Payload {
    /// EXACT patterns ending here.
    exact: Vec<u32>,
    /// PREFIX patterns whose prefix ends here (they match every path through this node).
    prefix: Vec<u32>,
    /// REGEX patterns whose literal prefix ends here.
    regex: Vec<u32>,
    /// SUFFIX patterns ending here (reversed trie only).
    suffix: Vec<u32>,
    /// REGEX patterns whose literal suffix ends here (reversed trie only).
    rregex: Vec<u32>,
    /// SUFFIX patterns `**/x` whose `x` ends here, matching a path that is exactly `x`
    /// (reversed trie only).
    whole: Vec<u32>,
}

/// A byte trie built in two steps (no allocation per node): [`Trie::insert`] links each node's
/// children in a list, [`Trie::freeze`] lays them out as sorted slices of one edge array.
#[derive(Debug, Default)]
struct Trie {
    nodes: Vec<Node>,
    edges: Vec<(u8, u32)>,
    pays: Vec<Payload>,
    /// While building: per node, its first child, its next sibling and its byte.
    links: Vec<(u32, u32, u8)>,
}

static NO_PAY: Payload = Payload {
    exact: Vec::new(),
    prefix: Vec::new(),
    regex: Vec::new(),
    suffix: Vec::new(),
    rregex: Vec::new(),
    whole: Vec::new(),
};

const DEAD: u32 = u32::MAX;

impl Trie {
    fn with_capacity(bytes: usize) -> Trie {
        let mut t = Trie {
            nodes: Vec::with_capacity(bytes + 1),
            edges: Vec::new(),
            pays: Vec::new(),
            links: Vec::with_capacity(bytes + 1),
        };
        t.nodes.push(Node {
            start: 0,
            len: 0,
            pay: NONE,
        });
        t.links.push((NONE, NONE, 0));
        t
    }

    /// Lays out the children lists as sorted edge slices; no insertion after this.
    fn freeze(&mut self) {
        let mut kids: Vec<(u8, u32)> = Vec::new();
        self.edges.reserve(self.nodes.len());
        for i in 0..self.nodes.len() {
            kids.clear();
            let mut c = self.links[i].0;
            while c != NONE {
                kids.push((self.links[c as usize].2, c));
                c = self.links[c as usize].1;
            }
            kids.sort_unstable();
            self.nodes[i].start = self.edges.len() as u32;
            self.nodes[i].len = kids.len() as u32;
            self.edges.extend_from_slice(&kids);
        }
        self.links = Vec::new();
    }

    /// The patterns at node `n`.
    #[inline]
    fn pay(&self, n: u32) -> &Payload {
        match self.nodes[n as usize].pay {
            NONE => &NO_PAY,
            k => &self.pays[k as usize],
        }
    }

    /// The patterns at node `n`, for adding one.
    fn pay_mut(&mut self, n: usize) -> &mut Payload {
        if self.nodes[n].pay == NONE {
            self.nodes[n].pay = self.pays.len() as u32;
            self.pays.push(Payload::default());
        }
        let k = self.nodes[n].pay as usize;
        &mut self.pays[k]
    }

    fn insert(&mut self, key: impl Iterator<Item = u8>) -> usize {
        let mut cur = 0usize;
        for b in key {
            let mut c = self.links[cur].0;
            while c != NONE && self.links[c as usize].2 != b {
                c = self.links[c as usize].1;
            }
            if c == NONE {
                c = self.nodes.len() as u32;
                self.nodes.push(Node {
                    start: 0,
                    len: 0,
                    pay: NONE,
                });
                self.links.push((NONE, self.links[cur].0, b));
                self.links[cur].0 = c;
            }
            cur = c as usize;
        }
        cur
    }

    #[inline]
    fn step(&self, cur: u32, b: u8) -> u32 {
        if cur == DEAD {
            return DEAD;
        }
        let n = self.nodes[cur as usize];
        let edges = &self.edges[n.start as usize..(n.start + n.len) as usize];
        if edges.len() <= 8 {
            for &(k, v) in edges {
                if k == b {
                    return v;
                }
            }
            DEAD
        } else {
            match edges.binary_search_by_key(&b, |e| e.0) {
                Ok(i) => edges[i].1,
                Err(_) => DEAD,
            }
        }
    }
}

/// The matcher for walkers: all patterns at once, resumed per directory. It answers exactly as
/// [`PatternSet`] does (checked by property tests), at a cost per path that does not grow with
/// the number of patterns.
///
/// A walker keeps, per directory, the [`DirPos`] after the directory's path and the directory's
/// [`Bits`] (R16(b): its per-pattern results; R16(a): the [`union`] of its ancestors' match
/// sets), and for each entry calls [`FastMatcher::matches_into`] then
/// [`FastMatcher::eval_parent_results`] or [`FastMatcher::eval_or_parent`].
///
/// ```
/// use dockerignore::{Bits, FastMatcher, PatternSet};
/// let m = FastMatcher::new(PatternSet::parse(b"d/*\n!d\n").unwrap());
/// let mut mc = m.cache();
/// // The top-level directory `d`: no parent bits.
/// let (mut root, mut hits, mut d_bits) = (m.dir_pos(&mut mc, b""), Bits::new(), Bits::new());
/// m.matches_into(&mut mc, &mut root, b"", b"d", b"d", &mut hits);
/// let d_excluded = m.eval_parent_results(b"d", None, &hits, &mut d_bits, m.len()).unwrap();
/// assert!(!d_excluded);
/// // `d/f`, inside it: R16(b) excludes it (parentinfo_quirk1).
/// let (mut pos, mut f_bits) = (m.dir_pos(&mut mc, b"d"), Bits::new());
/// m.matches_into(&mut mc, &mut pos, b"d", b"f", b"d/f", &mut hits);
/// assert!(m.eval_parent_results(b"d/f", Some(&d_bits), &hits, &mut f_bits, m.len()).unwrap());
/// ```
pub struct FastMatcher {
    /// The reference patterns.
    set: PatternSet,
    fwd: Trie,
    rev: Trie,
    /// Patterns evaluated for every path (lazily where they may be broken).
    slow: Bits,
    /// Per pattern: the only number of components a matching path can have (REGEX patterns
    /// whose parts never match a `/`, see [`fixed_depth`]), or 0 for any.
    depth: Vec<u16>,
    /// REGEX patterns that repeat an earlier line's pattern text: only the first is indexed
    /// and evaluated, and a match stands for all of them (same text, same regex, same answer).
    twins: HashMap<u32, Vec<u32>>,
}

impl std::fmt::Debug for FastMatcher {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("FastMatcher")
            .field("patterns", &self.set.patterns().len())
            .field("trie_nodes", &self.fwd.nodes.len())
            .field("slow", &self.slow)
            .finish()
    }
}

/// Per-thread scratch state for [`FastMatcher`] (the trie needs none today; walkers keep one per
/// thread so that a future cache needs no API change).
#[derive(Debug, Default)]
pub struct MatchCache {
    _private: (),
}

/// The matcher's position after a directory's path and its `/`: computed once per directory
/// with [`FastMatcher::dir_pos`], then resumed for each entry's name.
#[derive(Clone, Debug)]
pub struct DirPos {
    node: u32,
    /// Whether the directory's path is valid UTF-8 (otherwise the reference matcher is used).
    utf8: bool,
    /// The number of components of the directory's entries' paths (saturating).
    depth: u16,
    /// REGEX candidates met along the directory's path that can match a path of `depth`
    /// components, and PREFIX matches.
    regex: Bits,
    prefix: Bits,
    /// Every REGEX pattern met along the directory's path (for its subdirectories' positions).
    met: Bits,
}

impl FastMatcher {
    /// Builds the matcher for a pattern set.
    pub fn new(set: PatternSet) -> FastMatcher {
        // At most one node per byte of pattern text: no regrowth while building.
        let bytes: usize = set.patterns().iter().map(|p| p.line().cleaned.len()).sum();
        let mut fwd = Trie::with_capacity(bytes);
        let mut rev = Trie::with_capacity(bytes);
        let mut slow = Vec::new();
        let mut depth = Vec::with_capacity(set.patterns().len());
        let mut first: HashMap<&[u8], u32> = HashMap::new();
        let mut twins: HashMap<u32, Vec<u32>> = HashMap::new();
        for (i, p) in set.patterns().iter().enumerate() {
            let i = i as u32;
            depth.push(match p.kind() {
                MatchType::Regex { .. } => fixed_depth(&p.line().cleaned),
                _ => 0,
            });
            if matches!(p.kind(), MatchType::Regex { .. }) && !p.is_broken() {
                match first.entry(&p.line().cleaned) {
                    std::collections::hash_map::Entry::Occupied(e) => {
                        twins.entry(*e.get()).or_default().push(i);
                        continue;
                    }
                    std::collections::hash_map::Entry::Vacant(e) => {
                        e.insert(i);
                    }
                }
            }
            match p.kind() {
                MatchType::Exact => {
                    let n = fwd.insert(p.line().cleaned.iter().copied());
                    fwd.pay_mut(n).exact.push(i);
                }
                MatchType::Prefix(pre) => {
                    let n = fwd.insert(pre.iter().copied());
                    fwd.pay_mut(n).prefix.push(i);
                }
                MatchType::Suffix(suf) => {
                    let n = rev.insert(suf.iter().rev().copied());
                    rev.pay_mut(n).suffix.push(i);
                    if suf.first() == Some(&b'/') {
                        // `**/x` also matches the path `x` exactly.
                        let n = rev.insert(suf[1..].iter().rev().copied());
                        rev.pay_mut(n).whole.push(i);
                    }
                }
                MatchType::Regex { .. } => {
                    let pre = literal_prefix(&p.line().cleaned).filter(|l| !l.is_empty());
                    let suf = literal_suffix(&p.line().cleaned);
                    match (pre, suf) {
                        _ if p.is_broken() => slow.push(i),
                        (Some(lit), _) => {
                            let n = fwd.insert(lit.iter().copied());
                            fwd.pay_mut(n).regex.push(i);
                        }
                        (None, Some(suf)) => {
                            let n = rev.insert(suf.iter().rev().copied());
                            rev.pay_mut(n).rregex.push(i);
                        }
                        (None, None) => {
                            let n = fwd.insert(std::iter::empty());
                            fwd.pay_mut(n).regex.push(i);
                        }
                    }
                }
            }
        }
        fwd.freeze();
        rev.freeze();
        FastMatcher {
            set,
            fwd,
            rev,
            slow,
            depth,
            twins,
        }
    }

    /// The reference patterns it was built from.
    pub fn set(&self) -> &PatternSet {
        &self.set
    }

    /// Number of patterns.
    pub fn len(&self) -> usize {
        self.set.patterns().len()
    }

    /// Whether there are no patterns.
    pub fn is_empty(&self) -> bool {
        self.set.patterns().is_empty()
    }

    /// A fresh per-thread cache.
    pub fn cache(&self) -> MatchCache {
        MatchCache::default()
    }

    /// The position after `dir/` (`dir` empty for the root), where the names of `dir`'s
    /// entries are resumed from.
    pub fn dir_pos(&self, _mc: &mut MatchCache, dir: &[u8]) -> DirPos {
        let slashes = dir.iter().filter(|&&b| b == b'/').count();
        let depth = if dir.is_empty() { 1 } else { slashes + 2 };
        let root = self.fwd.pay(0);
        let mut pos = DirPos {
            node: 0,
            utf8: std::str::from_utf8(dir).is_ok(),
            depth: u16::try_from(depth).unwrap_or(u16::MAX),
            regex: Vec::new(),
            met: root.regex.clone(),
            prefix: root.prefix.clone(),
        };
        if !dir.is_empty() {
            self.advance(&mut pos, dir);
        }
        self.extend_fitting(&mut pos.regex, &pos.met, pos.depth);
        pos
    }

    /// The position after `dir/name/` from the one after `dir/` ([`FastMatcher::dir_pos`] of
    /// `dir`, or a previous `child_pos`): the same as `dir_pos` of `dir/name`, reading only
    /// `name`. `name` is one component (no `/`).
    pub fn child_pos(&self, parent: &DirPos, name: &[u8]) -> DirPos {
        let mut pos = DirPos {
            node: parent.node,
            utf8: parent.utf8 && std::str::from_utf8(name).is_ok(),
            depth: parent.depth.saturating_add(1),
            regex: Vec::new(),
            met: parent.met.clone(),
            prefix: parent.prefix.clone(),
        };
        self.advance(&mut pos, name);
        self.extend_fitting(&mut pos.regex, &pos.met, pos.depth);
        pos
    }

    /// Reads `part` and a `/` from `pos`, collecting the REGEX and PREFIX patterns met.
    fn advance(&self, pos: &mut DirPos, part: &[u8]) {
        for &b in part.iter().chain(std::iter::once(&b'/')) {
            pos.node = self.fwd.step(pos.node, b);
            if pos.node == DEAD {
                break;
            }
            let n = self.fwd.pay(pos.node);
            pos.met.extend_from_slice(&n.regex);
            pos.prefix.extend_from_slice(&n.prefix);
        }
    }

    /// Whether pattern `i` can match a path of `depth` components.
    #[inline]
    fn fits(&self, i: u32, depth: u16) -> bool {
        let d = self.depth[i as usize];
        d == 0 || d == depth
    }

    fn extend_fitting(&self, out: &mut Bits, from: &[u32], depth: u16) {
        out.extend(from.iter().copied().filter(|&i| self.fits(i, depth)));
    }

    /// The patterns that match `path` = `dir/name` (`dir` empty at the root; `pos` from
    /// [`FastMatcher::dir_pos`] for `dir`), sorted, into `out`. Patterns that may fail to
    /// evaluate are never included: docker evaluates those lazily (R13, R15), and so do the
    /// `eval_*` functions.
    pub fn matches_into(
        &self,
        _mc: &mut MatchCache,
        pos: &mut DirPos,
        _dir: &[u8],
        name: &[u8],
        path: &[u8],
        out: &mut Bits,
    ) {
        out.clear();
        if !pos.utf8 || std::str::from_utf8(name).is_err() {
            // Go's regexp reads invalid bytes as U+FFFD: leave such paths to the reference.
            for (i, p) in self.set.patterns().iter().enumerate() {
                if self.slow.binary_search(&(i as u32)).is_err() && p.matches(path) == Ok(true) {
                    out.push(i as u32);
                }
            }
            return;
        }
        debug_assert!(!name.contains(&b'/'), "one component at a time");
        let depth = pos.depth;
        out.extend_from_slice(&pos.prefix);
        // A REGEX candidate: its literal prefix is on the path already (it was found in the
        // trie), so only its suffix and its regex are checked.
        let check = |i: u32, out: &mut Bits| {
            if self.set.patterns()[i as usize].matches_after_prefix(path) == Ok(true) {
                out.push(i);
                if !self.twins.is_empty() {
                    if let Some(t) = self.twins.get(&i) {
                        out.extend_from_slice(t);
                    }
                }
            }
        };
        for &i in &pos.regex {
            check(i, out);
        }
        let mut node = pos.node;
        for &b in name {
            node = self.fwd.step(node, b);
            if node == DEAD {
                break;
            }
            let n = self.fwd.pay(node);
            out.extend_from_slice(&n.prefix);
            for &i in &n.regex {
                if self.fits(i, depth) {
                    check(i, out);
                }
            }
        }
        if node != DEAD {
            out.extend_from_slice(&self.fwd.pay(node).exact);
        }
        // Suffixes: walk the reversed trie from the end of the path.
        let mut r = 0u32;
        out.extend_from_slice(&self.rev.pay(0).suffix);
        for &b in path.iter().rev() {
            r = self.rev.step(r, b);
            if r == DEAD {
                break;
            }
            let n = self.rev.pay(r);
            out.extend_from_slice(&n.suffix);
            for &i in &n.rregex {
                if self.fits(i, depth) {
                    check(i, out);
                }
            }
        }
        if r != DEAD {
            // The whole path was read: the `**/x` patterns whose `x` is the path.
            out.extend_from_slice(&self.rev.pay(r).whole);
        }
        out.sort_unstable();
        out.dedup();
    }

    /// R16(b) over match sets: whether `path` is excluded. `parent` is the parent directory's
    /// bits (`None` at the top level), `m` the patterns matching `path` (from
    /// [`FastMatcher::matches_into`]). Writes this path's bits, for its children, into `bits`.
    /// Only patterns with an index below `limit` take part ([`FastMatcher::len`] for all).
    pub fn eval_parent_results(
        &self,
        path: &[u8],
        parent: Option<&Bits>,
        m: &Bits,
        bits: &mut Bits,
        limit: usize,
    ) -> Result<bool, BrokenPattern> {
        bits.clear();
        let mut matched = false;
        let empty = Vec::new();
        for (i, inherited, in_m, is_slow) in Merge3::new(parent.unwrap_or(&empty), m, &self.slow) {
            if i as usize >= limit {
                break;
            }
            let pat = &self.set.patterns()[i as usize];
            let hit = if inherited {
                true
            } else if pat.exclusion() != matched {
                continue;
            } else if is_slow {
                let mut h = pat.matches(path).map_err(|_| BrokenPattern(i as usize))?;
                if !h && parent.is_none() {
                    h = ancestor_match(pat, path);
                }
                h
            } else {
                in_m
            };
            if hit {
                bits.push(i);
                matched = !pat.exclusion();
            }
        }
        Ok(matched)
    }

    /// R16(a) over match sets: whether `path` is excluded. `anc` is the [`union`] of the match
    /// sets of every ancestor directory, `m` this path's. Only patterns with an index below
    /// `limit` take part: the classic builder checks the context (R17) with the file's own
    /// patterns, before appending its exceptions (R18).
    pub fn eval_or_parent(
        &self,
        path: &[u8],
        anc: &Bits,
        m: &Bits,
        limit: usize,
    ) -> Result<bool, BrokenPattern> {
        let mut matched = false;
        for (i, in_a, in_m, is_slow) in Merge3::new(anc, m, &self.slow) {
            if i as usize >= limit {
                break;
            }
            let pat = &self.set.patterns()[i as usize];
            if pat.exclusion() != matched {
                continue;
            }
            let hit = if is_slow {
                pat.matches(path).map_err(|_| BrokenPattern(i as usize))?
                    || ancestor_match(pat, path)
            } else {
                in_a || in_m
            };
            if hit {
                matched = !pat.exclusion();
            }
        }
        Ok(matched)
    }
}

/// Walks the union of three sorted index lists in ascending order, saying which lists hold each
/// index: the only patterns docker's rules need to look at for one path.
struct Merge3<'a> {
    lists: [&'a [u32]; 3],
    pos: [usize; 3],
}

impl<'a> Merge3<'a> {
    fn new(a: &'a [u32], b: &'a [u32], c: &'a [u32]) -> Merge3<'a> {
        Merge3 {
            lists: [a, b, c],
            pos: [0; 3],
        }
    }
}

impl Iterator for Merge3<'_> {
    type Item = (u32, bool, bool, bool);

    fn next(&mut self) -> Option<Self::Item> {
        let heads: [Option<u32>; 3] =
            std::array::from_fn(|k| self.lists[k].get(self.pos[k]).copied());
        let i = heads.iter().flatten().copied().min()?;
        let in_list = heads.map(|h| h == Some(i));
        for (p, hit) in self.pos.iter_mut().zip(in_list) {
            *p += usize::from(hit);
        }
        Some((i, in_list[0], in_list[1], in_list[2]))
    }
}

/// The number of components every path a REGEX pattern matches has, or 0 when it may vary:
/// when no part of the pattern can match a `/`. `*` and `?` become `[^/]*` and `[^/]` (R12),
/// and a `/` matches only itself; `**`, escapes (`\D`, `\x2f`, `\Q…`), the `|`, `{` and `}`
/// that reach the regex unescaped, and any bracket expression that is not plainly made of
/// letters, digits, `.`, `_` and ranges between letters or digits count as "may vary".
pub(crate) fn fixed_depth(cleaned: &[u8]) -> u16 {
    if cleaned.windows(2).any(|w| w == b"**") || cleaned.iter().any(|b| b"\\|{}".contains(b)) {
        return 0;
    }
    let plain = |b: u8| b.is_ascii_alphanumeric() || b == b'.' || b == b'_';
    let mut k = 0;
    while k < cleaned.len() {
        if cleaned[k] == b'[' {
            let Some(len) = cleaned[k + 1..].iter().position(|&b| b == b']') else {
                return 0;
            };
            let class = &cleaned[k + 1..k + 1 + len];
            if class.is_empty() {
                return 0;
            }
            for (j, &b) in class.iter().enumerate() {
                let ok = if b == b'-' {
                    // A range between two letters or digits (all above `/`), or a literal `-`
                    // at either end.
                    j == 0
                        || j + 1 == class.len()
                        || (class[j - 1].is_ascii_alphanumeric()
                            && class[j + 1].is_ascii_alphanumeric())
                } else {
                    plain(b)
                };
                if !ok {
                    return 0;
                }
            }
            k += len + 2;
        } else {
            k += 1;
        }
    }
    let slashes = cleaned.iter().filter(|&&b| b == b'/').count();
    u16::try_from(slashes + 1).unwrap_or(0)
}

fn ancestor_match(pat: &Pattern, path: &[u8]) -> bool {
    path.iter()
        .enumerate()
        .filter(|&(_, &b)| b == b'/')
        .any(|(i, _)| pat.matches(&path[..i]).unwrap_or(false))
}

/// Merges two sorted index lists (for R16(a), a directory's ancestors' match sets plus its own).
pub fn union(a: &Bits, b: &Bits) -> Bits {
    let mut out = Vec::with_capacity(a.len() + b.len());
    let (mut i, mut j) = (0, 0);
    while i < a.len() || j < b.len() {
        let x = match (a.get(i), b.get(j)) {
            (Some(&x), Some(&y)) if x == y => {
                i += 1;
                j += 1;
                x
            }
            (Some(&x), Some(&y)) if x < y => {
                i += 1;
                x
            }
            (Some(_), Some(&y)) => {
                j += 1;
                y
            }
            (Some(&x), None) => {
                i += 1;
                x
            }
            (None, Some(&y)) => {
                j += 1;
                y
            }
            (None, None) => break,
        };
        out.push(x);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::fixed_depth;

    #[test]
    fn fixed_depth_only_where_no_part_matches_a_slash() {
        assert_eq!(fixed_depth(b"*.py[cod]"), 1);
        assert_eq!(fixed_depth(b"a/*/c?.log"), 3);
        assert_eq!(fixed_depth(b"src/[a-z0-9_.-]x"), 2);
        for p in [
            &b"a/**/b"[..],
            b"a**",
            b"a[/]b",
            b"a[.-0]b",
            b"a[!-0]b",
            b"a[^x]b",
            b"a\\Db",
            b"a|b/c",
            b"a{2}",
            b"a[]b]",
            b"a[[:alpha:]]",
            b"a[b",
        ] {
            assert_eq!(fixed_depth(p), 0, "{}", String::from_utf8_lossy(p));
        }
    }
}
