//! The fast matcher the walker uses: every pattern in one lazy multi-pattern DFA, resumed from the
//! parent directory's state for each child name, so a path costs one DFA step per byte of its
//! own name whatever the number of patterns. Docker's combination rules (R15, R16) then run over
//! only the patterns that matched. Patterns the DFA cannot express exactly (a regex Go would
//! reject, or one without an end anchor) and paths that are not valid UTF-8 go through the
//! reference [`PatternSet`]. Both must agree: the property tests check it.

use regex_automata::hybrid::dfa::{Cache, DFA};
use regex_automata::hybrid::LazyStateID;
use regex_automata::nfa::thompson;
use regex_automata::util::{start, syntax};
use regex_automata::{Anchored, MatchKind};

use super::matcher::{BrokenPattern, PatternSet};
use super::translate::MatchType;

/// Sorted pattern indices (a sparse bit set).
pub type Bits = Vec<u32>;

/// The multi-pattern matcher.
pub struct FastMatcher {
    /// The reference patterns.
    pub set: PatternSet,
    dfa: Option<DFA>,
    /// DFA pattern id → pattern index.
    dfa_to_idx: Vec<u32>,
    /// Patterns evaluated one by one, lazily (broken or not DFA-friendly).
    slow: Bits,
    /// Patterns in the DFA (for the non-UTF-8 fallback).
    in_dfa: Bits,
}

impl std::fmt::Debug for FastMatcher {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("FastMatcher")
            .field("patterns", &self.set.patterns.len())
            .field("in_dfa", &self.in_dfa.len())
            .field("slow", &self.slow)
            .finish()
    }
}

/// Per-thread scratch state.
pub struct MatchCache {
    cache: Option<Cache>,
}

/// The DFA position after a directory's path and its `/`.
#[derive(Clone, Copy, Debug)]
pub struct DirPos {
    sid: Option<LazyStateID>,
    clears: usize,
}

fn escape_bytes(b: &[u8]) -> String {
    let mut s = String::new();
    for &c in b {
        s.push_str(&format!("\\x{c:02X}"));
    }
    s
}

impl FastMatcher {
    /// Builds the matcher for a pattern set.
    pub fn new(set: PatternSet) -> FastMatcher {
        let mut sources = Vec::new();
        let mut dfa_to_idx = Vec::new();
        let mut slow = Vec::new();
        let mut in_dfa = Vec::new();
        for (i, p) in set.patterns.iter().enumerate() {
            let src = match &p.kind {
                MatchType::Exact => Some(format!("(?-u){}", escape_bytes(&p.line.cleaned))),
                MatchType::Prefix(pre) => Some(format!("(?s-u){}.*", escape_bytes(pre))),
                MatchType::Suffix(suf) => {
                    let mut s = format!("(?s-u)(?:.*{})", escape_bytes(suf));
                    if suf.first() == Some(&b'/') {
                        s.push_str(&format!("|(?-u:{})", escape_bytes(&suf[1..])));
                    }
                    Some(s)
                }
                MatchType::Regex {
                    rust: Some(r),
                    go_source,
                } if !p.is_broken() && r.ends_with('$') && !go_source.contains('|') => {
                    Some(r.clone())
                }
                _ => None,
            };
            match src {
                Some(s) => {
                    sources.push(s);
                    dfa_to_idx.push(i as u32);
                    in_dfa.push(i as u32);
                }
                None => slow.push(i as u32),
            }
        }
        let dfa = if sources.is_empty() {
            None
        } else {
            DFA::builder()
                .configure(
                    DFA::config()
                        .match_kind(MatchKind::All)
                        .cache_capacity(4 << 20)
                        .minimum_cache_clear_count(None),
                )
                .syntax(syntax::Config::new().utf8(false))
                .thompson(thompson::Config::new().utf8(false))
                .build_many(&sources)
                .ok()
        };
        if dfa.is_none() && !sources.is_empty() {
            // Could not build (size limits): evaluate everything one by one.
            slow = (0..set.patterns.len() as u32).collect();
            in_dfa.clear();
            dfa_to_idx.clear();
        }
        FastMatcher {
            set,
            dfa,
            dfa_to_idx,
            slow,
            in_dfa,
        }
    }

    /// Number of patterns.
    pub fn len(&self) -> usize {
        self.set.patterns.len()
    }

    /// Whether there are no patterns.
    pub fn is_empty(&self) -> bool {
        self.set.patterns.is_empty()
    }

    /// A fresh per-thread cache.
    pub fn cache(&self) -> MatchCache {
        MatchCache {
            cache: self.dfa.as_ref().map(|d| d.create_cache()),
        }
    }

    /// The DFA position after `dir/` (`dir` empty for the root, giving the start state).
    pub fn dir_pos(&self, mc: &mut MatchCache, dir: &[u8]) -> DirPos {
        match (&self.dfa, mc.cache.as_mut()) {
            (Some(dfa), Some(cache)) => pos_for(dfa, cache, dir),
            _ => DirPos {
                sid: None,
                clears: 0,
            },
        }
    }

    /// The patterns that match `dir/name` (`dir` empty at the root), sorted, into `out`.
    /// `pos` is `dir_pos(dir)`, refreshed here if the cache was cleared since.
    pub fn matches_into(
        &self,
        mc: &mut MatchCache,
        pos: &mut DirPos,
        dir: &[u8],
        name: &[u8],
        path: &[u8],
        out: &mut Bits,
    ) {
        out.clear();
        let utf8 = std::str::from_utf8(path).is_ok();
        if !utf8 || pos.sid.is_none() {
            for &i in &self.in_dfa {
                if self.set.patterns[i as usize].matches(path) == Ok(true) {
                    out.push(i);
                }
            }
            return;
        }
        let (Some(dfa), Some(cache)) = (&self.dfa, mc.cache.as_mut()) else {
            return;
        };
        if cache.clear_count() != pos.clears {
            *pos = pos_for(dfa, cache, dir);
        }
        let Some(mut sid) = pos.sid else {
            return;
        };
        for &b in name {
            if sid.is_dead() {
                return;
            }
            match dfa.next_state(cache, sid, b) {
                Ok(s) => sid = s,
                Err(_) => return self.fallback(path, out),
            }
        }
        if sid.is_dead() {
            return;
        }
        let Ok(eoi) = dfa.next_eoi_state(cache, sid) else {
            return self.fallback(path, out);
        };
        if eoi.is_match() {
            for k in 0..dfa.match_len(cache, eoi) {
                out.push(self.dfa_to_idx[dfa.match_pattern(cache, eoi, k).as_usize()]);
            }
            out.sort_unstable();
        }
    }

    fn fallback(&self, path: &[u8], out: &mut Bits) {
        out.clear();
        for &i in &self.in_dfa {
            if self.set.patterns[i as usize].matches(path) == Ok(true) {
                out.push(i);
            }
        }
    }

    /// R16(b) over match sets: `parent` is the parent directory's bits (`None` at the top level),
    /// `m` the patterns matching `path`. Writes this path's bits into `bits`.
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
        let p = parent.unwrap_or(&empty);
        let (mut a, mut b, mut c) = (0, 0, 0);
        loop {
            let next = [p.get(a), m.get(b), self.slow.get(c)]
                .into_iter()
                .flatten()
                .copied()
                .min();
            let Some(i) = next else { break };
            if p.get(a) == Some(&i) {
                a += 1;
            }
            if m.get(b) == Some(&i) {
                b += 1;
            }
            let is_slow = self.slow.get(c) == Some(&i);
            if is_slow {
                c += 1;
            }
            if i as usize >= limit {
                break;
            }
            let pat = &self.set.patterns[i as usize];
            let inherited = parent.is_some_and(|p| p.binary_search(&i).is_ok());
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
                m.binary_search(&i).is_ok()
            };
            if hit {
                bits.push(i);
                matched = !pat.exclusion();
            }
        }
        Ok(matched)
    }

    /// R16(a) over match sets: `anc` is the union of the match sets of every ancestor directory,
    /// `m` this path's; only patterns with index < `limit` take part.
    pub fn eval_or_parent(
        &self,
        path: &[u8],
        anc: &Bits,
        m: &Bits,
        limit: usize,
    ) -> Result<bool, BrokenPattern> {
        let mut matched = false;
        let (mut a, mut b, mut c) = (0, 0, 0);
        loop {
            let next = [anc.get(a), m.get(b), self.slow.get(c)]
                .into_iter()
                .flatten()
                .copied()
                .min();
            let Some(i) = next else { break };
            let in_a = anc.get(a) == Some(&i);
            if in_a {
                a += 1;
            }
            let in_m = m.get(b) == Some(&i);
            if in_m {
                b += 1;
            }
            let is_slow = self.slow.get(c) == Some(&i);
            if is_slow {
                c += 1;
            }
            if i as usize >= limit {
                break;
            }
            let pat = &self.set.patterns[i as usize];
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

fn pos_for(dfa: &DFA, cache: &mut Cache, dir: &[u8]) -> DirPos {
    let none = DirPos {
        sid: None,
        clears: 0,
    };
    let Ok(mut sid) = dfa.start_state(cache, &start::Config::new().anchored(Anchored::Yes)) else {
        return none;
    };
    if !dir.is_empty() {
        for &b in dir.iter().chain(std::iter::once(&b'/')) {
            match dfa.next_state(cache, sid, b) {
                Ok(s) => sid = s,
                Err(_) => return none,
            }
            if sid.is_dead() {
                break;
            }
        }
    }
    DirPos {
        sid: Some(sid),
        clears: cache.clear_count(),
    }
}

fn ancestor_match(pat: &super::Pattern, path: &[u8]) -> bool {
    path.iter()
        .enumerate()
        .filter(|&(_, &b)| b == b'/')
        .any(|(i, _)| pat.matches(&path[..i]).unwrap_or(false))
}

/// Merges two sorted index lists.
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
