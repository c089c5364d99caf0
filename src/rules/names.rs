//! [`NameSet`]: the catalog's name globs, matched by name lookups instead of regexes.
//!
//! Every built-in glob has the shape `**/P1/…/Pn/B` or `**/B/**`: literal parent components
//! and one last component `B` that may hold `*`, `?`, `[…]` and `{a,b}`. So a path is matched
//! by its last component first — an exact-name hash lookup, a reversed-suffix trie for
//! `*.ext`-style names, and a short list of the rest — then the parents are compared. This is
//! the same answer as globset with `literal_separator` and `case_insensitive` (the unit tests
//! compare the two over generated paths), at a fraction of the cost: globset gives up its
//! fast strategies for case-insensitive globs and falls back to one big regex set.
//!
//! Case-insensitivity is ASCII: patterns and paths are lowercased byte-wise.

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};

/// FNV-1a: names are short, and SipHash's setup cost dominated the lookups.
#[derive(Default)]
struct Fnv(u64);

impl Hasher for Fnv {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        let mut h = if self.0 == 0 {
            0xcbf2_9ce4_8422_2325
        } else {
            self.0
        };
        for &b in bytes {
            h = (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3);
        }
        self.0 = h;
    }
}

/// One piece of a wildcard name pattern.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Tok {
    /// Literal bytes.
    Lit(Vec<u8>),
    /// `*`: any bytes but `/`.
    Star,
    /// `?`: one character but `/`.
    One,
    /// `[…]`: one byte in (or, negated, not in) the ranges.
    Class(bool, Vec<(u8, u8)>),
}

/// A name pattern (one path component).
#[derive(Debug, Clone)]
struct NamePat {
    toks: Vec<Tok>,
}

impl NamePat {
    fn parse(p: &[u8]) -> Result<NamePat, String> {
        let mut toks: Vec<Tok> = Vec::new();
        let mut i = 0;
        let lit = |toks: &mut Vec<Tok>, b: u8| match toks.last_mut() {
            Some(Tok::Lit(v)) => v.push(b),
            _ => toks.push(Tok::Lit(vec![b])),
        };
        while i < p.len() {
            match p[i] {
                b'*' => {
                    if toks.last() != Some(&Tok::Star) {
                        toks.push(Tok::Star);
                    }
                    i += 1;
                }
                b'?' => {
                    toks.push(Tok::One);
                    i += 1;
                }
                b'\\' if i + 1 < p.len() => {
                    lit(&mut toks, p[i + 1]);
                    i += 2;
                }
                b'[' => {
                    let mut j = i + 1;
                    let neg = matches!(p.get(j), Some(b'!') | Some(b'^'));
                    if neg {
                        j += 1;
                    }
                    let mut ranges = Vec::new();
                    let mut first = true;
                    loop {
                        let Some(&c) = p.get(j) else {
                            return Err("unclosed character class".into());
                        };
                        if c == b']' && !first {
                            j += 1;
                            break;
                        }
                        first = false;
                        if p.get(j + 1) == Some(&b'-') && p.get(j + 2).is_some_and(|&e| e != b']') {
                            ranges.push((c, p[j + 2]));
                            j += 3;
                        } else {
                            ranges.push((c, c));
                            j += 1;
                        }
                    }
                    toks.push(Tok::Class(neg, ranges));
                    i = j;
                }
                b'{' | b'}' | b'/' => return Err(format!("unsupported `{}`", p[i] as char)),
                b => {
                    lit(&mut toks, b);
                    i += 1;
                }
            }
        }
        Ok(NamePat { toks })
    }

    /// The literal name, if the pattern has no wildcard.
    fn literal(&self) -> Option<&[u8]> {
        match self.toks.as_slice() {
            [Tok::Lit(v)] => Some(v),
            _ => None,
        }
    }

    /// The literal the name must end with (the last token), if any.
    fn tail(&self) -> Option<&[u8]> {
        match self.toks.last() {
            Some(Tok::Lit(v)) if self.toks.len() > 1 => Some(v),
            _ => None,
        }
    }

    fn matches(&self, name: &[u8]) -> bool {
        match_toks(&self.toks, name)
    }
}

/// Backtracking match of a name; `*` never has to cross `/` (names hold none).
fn match_toks(toks: &[Tok], s: &[u8]) -> bool {
    match toks.split_first() {
        None => s.is_empty(),
        Some((Tok::Lit(v), rest)) => s.starts_with(v) && match_toks(rest, &s[v.len()..]),
        Some((Tok::One, rest)) => {
            // One UTF-8 character (or one stray byte).
            let Some(&b) = s.first() else {
                return false;
            };
            let mut n = 1;
            if b >= 0xC0 {
                while n < s.len() && n < 4 && s[n] & 0xC0 == 0x80 {
                    n += 1;
                }
            }
            match_toks(rest, &s[n..])
        }
        Some((Tok::Class(neg, ranges), rest)) => {
            let Some(&b) = s.first() else {
                return false;
            };
            ranges.iter().any(|&(lo, hi)| lo <= b && b <= hi) != *neg && match_toks(rest, &s[1..])
        }
        Some((Tok::Star, rest)) => match rest.split_first() {
            None => true,
            // `*lit…`: only where the literal occurs.
            Some((Tok::Lit(v), after)) => {
                let Some(last) = s.len().checked_sub(v.len()) else {
                    return false;
                };
                (0..=last).any(|k| {
                    s[k] == v[0] && s[k..].starts_with(v) && match_toks(after, &s[k + v.len()..])
                })
            }
            Some(_) => (0..=s.len()).any(|k| match_toks(rest, &s[k..])),
        },
    }
}

/// One glob of the set.
#[derive(Debug, Clone)]
struct NameGlob {
    /// Literal parent components, outermost first.
    parents: Vec<Vec<u8>>,
    /// The last component (or, for a `**/B/**` glob, an ancestor component).
    name: NamePat,
}

/// A node of the reversed-suffix trie.
#[derive(Debug, Default, Clone)]
struct TrieNode {
    next: Vec<(u8, u32)>,
    /// Globs whose tail literal ends here.
    globs: Vec<u32>,
}

/// A compiled set of `**/…` globs; ids are the order of [`NameSetBuilder::add`] calls.
#[derive(Debug, Default)]
pub(crate) struct NameSet {
    globs: Vec<NameGlob>,
    exact: HashMap<Vec<u8>, Vec<u32>, BuildHasherDefault<Fnv>>,
    trie: Vec<TrieNode>,
    /// Wildcard names without a literal tail: tried on every path.
    rest: Vec<u32>,
    /// `**/B/**` globs.
    under: Vec<u32>,
    /// The caller's id of each compiled glob (brace forms share one).
    ids: Vec<u32>,
}

impl NameSet {
    /// Compiles `globs` (each `**/…`, braces allowed). The id of a match is the index in
    /// `globs`.
    pub(crate) fn new<S: AsRef<str>>(globs: &[S]) -> Result<NameSet, String> {
        let mut set = NameSet {
            trie: vec![TrieNode::default()],
            ..NameSet::default()
        };
        for (id, g) in globs.iter().enumerate() {
            let id = u32::try_from(id).map_err(|_| "too many globs".to_string())?;
            for one in expand_braces(g.as_ref()) {
                set.add(&one, id)?;
            }
        }
        Ok(set)
    }

    fn add(&mut self, glob: &str, id: u32) -> Result<(), String> {
        let lower = glob.to_ascii_lowercase();
        let body = lower
            .strip_prefix("**/")
            .ok_or_else(|| format!("{glob}: a name glob starts with `**/`"))?;
        let (body, under) = match body.strip_suffix("/**") {
            Some(b) => (b, true),
            None => (body, false),
        };
        let mut comps: Vec<&str> = body.split('/').collect();
        let last = comps.pop().unwrap_or_default();
        let mut parents = Vec::new();
        for c in comps {
            let p = NamePat::parse(c.as_bytes()).map_err(|e| format!("{glob}: {e}"))?;
            let lit = p
                .literal()
                .ok_or_else(|| format!("{glob}: only the last component may hold wildcards"))?;
            parents.push(lit.to_vec());
        }
        if under && !parents.is_empty() {
            return Err(format!("{glob}: `/**` only after one component"));
        }
        let name = NamePat::parse(last.as_bytes()).map_err(|e| format!("{glob}: {e}"))?;
        let gid = self.globs.len() as u32;
        if under {
            self.under.push(gid);
        } else if let Some(lit) = name.literal() {
            self.exact.entry(lit.to_vec()).or_default().push(gid);
        } else if let Some(tail) = name.tail() {
            let mut node = 0usize;
            for &b in tail.iter().rev() {
                node = match self.trie[node].next.iter().find(|(c, _)| *c == b) {
                    Some(&(_, n)) => n as usize,
                    None => {
                        self.trie.push(TrieNode::default());
                        let n = self.trie.len() - 1;
                        self.trie[node].next.push((b, n as u32));
                        n
                    }
                };
            }
            self.trie[node].globs.push(gid);
        } else {
            self.rest.push(gid);
        }
        self.globs.push(NameGlob { parents, name });
        self.ids.push(id);
        Ok(())
    }

    /// Appends the ids of the globs matching `path` (already lowercased, `/`-separated,
    /// relative) to `out`; an id may appear more than once.
    pub(crate) fn matches_into(&self, path: &[u8], out: &mut Vec<u32>) {
        let cut = path.iter().rposition(|&b| b == b'/');
        let (dir, name) = match cut {
            Some(k) => (&path[..k], &path[k + 1..]),
            None => (&path[..0], path),
        };
        let parents_ok = |g: &NameGlob| parents_match(dir, &g.parents);
        if let Some(ids) = self.exact.get(name) {
            for &g in ids {
                if parents_ok(&self.globs[g as usize]) {
                    out.push(self.ids[g as usize]);
                }
            }
        }
        let mut node = 0usize;
        for &b in name.iter().rev() {
            match self.trie[node].next.iter().find(|(c, _)| *c == b) {
                Some(&(_, n)) => node = n as usize,
                None => break,
            }
            for &g in &self.trie[node].globs {
                let glob = &self.globs[g as usize];
                if glob.name.matches(name) && parents_ok(glob) {
                    out.push(self.ids[g as usize]);
                }
            }
        }
        for &g in &self.rest {
            let glob = &self.globs[g as usize];
            if glob.name.matches(name) && parents_ok(glob) {
                out.push(self.ids[g as usize]);
            }
        }
        for &g in &self.under {
            let pat = &self.globs[g as usize].name;
            // Most paths do not even hold the literal tail (`.dist-info`): skip the split.
            if dir.is_empty()
                || pat
                    .tail()
                    .is_some_and(|t| memchr::memmem::find(dir, t).is_none())
            {
                continue;
            }
            if dir.split(|&b| b == b'/').any(|comp| pat.matches(comp)) {
                out.push(self.ids[g as usize]);
            }
        }
    }

    /// Whether any glob matches `path` (lowercased).
    pub(crate) fn is_match(&self, path: &[u8]) -> bool {
        let mut v = Vec::new();
        self.matches_into(path, &mut v);
        !v.is_empty()
    }
}

/// `dir` (a path without its last component) ends with the components `parents`.
fn parents_match(dir: &[u8], parents: &[Vec<u8>]) -> bool {
    let mut rest = dir;
    for (i, p) in parents.iter().enumerate().rev() {
        if !rest.ends_with(p) {
            return false;
        }
        let k = rest.len() - p.len();
        if k == 0 {
            if i != 0 {
                return false;
            }
            rest = &rest[..0];
        } else if rest[k - 1] == b'/' {
            rest = &rest[..k - 1];
        } else {
            return false;
        }
    }
    true
}

/// `a{b,c}d` → `abd`, `acd` (unnested braces, as the catalog writes them).
pub(crate) fn expand_braces(pattern: &str) -> Vec<String> {
    let (Some(open), Some(close)) = (pattern.find('{'), pattern.find('}')) else {
        return vec![pattern.to_owned()];
    };
    if close < open {
        return vec![pattern.to_owned()];
    }
    let (head, alts, tail) = (
        &pattern[..open],
        &pattern[open + 1..close],
        &pattern[close + 1..],
    );
    alts.split(',')
        .flat_map(|alt| expand_braces(&format!("{head}{alt}{tail}")))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::catalog::{Detector, RULES};
    use globset::{GlobBuilder, GlobSetBuilder};

    /// The reference: globset with the options the catalog documents.
    fn reference(globs: &[&str]) -> globset::GlobSet {
        let mut b = GlobSetBuilder::new();
        for g in globs {
            b.add(
                GlobBuilder::new(g)
                    .literal_separator(true)
                    .case_insensitive(true)
                    .backslash_escape(true)
                    .build()
                    .unwrap(),
            );
        }
        b.build().unwrap()
    }

    /// Names that exercise a pattern: its wildcards filled in several ways.
    fn samples(pattern: &str) -> Vec<String> {
        let mut out = Vec::new();
        for one in expand_braces(pattern) {
            let last = one
                .rsplit('/')
                .nth(usize::from(one.ends_with("/**")))
                .unwrap_or("");
            for fill in ["", "x", "a.b", "key", "-_", "Secret"] {
                let mut s = String::new();
                let mut chars = last.chars().peekable();
                while let Some(c) = chars.next() {
                    match c {
                        '*' => s.push_str(fill),
                        '?' => s.push('q'),
                        '[' => {
                            for d in chars.by_ref() {
                                if d == ']' {
                                    break;
                                }
                            }
                            s.push(if fill.is_empty() { '7' } else { 'x' });
                        }
                        '\\' => {
                            if let Some(d) = chars.next() {
                                s.push(d);
                            }
                        }
                        c => s.push(c),
                    }
                }
                out.push(s.clone());
                out.push(s.to_uppercase());
                out.push(format!("{s}x"));
                out.push(format!("x{s}"));
                if s.len() > 1 {
                    out.push(s[1..].to_string());
                    out.push(s[..s.len() - 1].to_string());
                }
            }
        }
        out
    }

    fn all_globs() -> Vec<&'static str> {
        let mut v: Vec<&'static str> = crate::rules::classify::NO_SCAN.to_vec();
        for r in RULES {
            if let Detector::Name { globs, except, .. } = r.detector {
                v.extend_from_slice(globs);
                v.extend_from_slice(except);
            }
        }
        v
    }

    #[test]
    fn agrees_with_globset_on_the_catalog() {
        let globs = all_globs();
        let fast = NameSet::new(&globs).unwrap();
        let slow = reference(&globs);
        let mut names: Vec<String> = globs.iter().flat_map(|g| samples(g)).collect();
        names.extend(
            ["", ".", "a", "README.md", "src", "ü.pem", "\u{212a}ey.pem"].map(String::from),
        );
        // Parent components from the globs too (`.aws`, `cypress`, …).
        let mut dirs: Vec<String> = vec![String::new(), "a/".into(), "src/deep/x/".into()];
        for g in &globs {
            let comps: Vec<&str> = g.trim_start_matches("**/").split('/').collect();
            if comps.len() > 1 {
                let parent = comps[..comps.len() - 1].join("/");
                if !parent.contains(['*', '{', '[']) {
                    dirs.push(format!("{parent}/"));
                    dirs.push(format!("x/{}/", parent.to_uppercase()));
                    dirs.push(format!("x{parent}/"));
                }
            }
        }
        dirs.push("lib/python3/site-packages/foo-1.0.dist-info/".into());
        dirs.push("a.dist-info.x/".into());
        let mut checked = 0;
        let mut hits = 0;
        let mut got = Vec::new();
        // Each name under the root and two of the directories (all pairs would be ~1M paths).
        for (i, n) in names.iter().enumerate() {
            let picks = [
                0,
                1 + i % (dirs.len() - 1),
                1 + (i * 7 + 3) % (dirs.len() - 1),
            ];
            for d in picks.map(|k| &dirs[k]) {
                let path = format!("{d}{n}");
                let want: std::collections::BTreeSet<usize> =
                    slow.matches(&path).into_iter().collect();
                got.clear();
                fast.matches_into(path.to_ascii_lowercase().as_bytes(), &mut got);
                let have: std::collections::BTreeSet<usize> =
                    got.iter().map(|&g| g as usize).collect();
                assert_eq!(have, want, "{path:?}");
                checked += 1;
                hits += usize::from(!want.is_empty());
            }
        }
        assert!(checked > 20_000 && hits > checked / 10, "{checked} {hits}");
    }

    #[test]
    fn parses_classes_escapes_and_rejects_what_it_cannot_do() {
        let s = NameSet::new(&["**/wg[0-9]*.conf", "**/a\\*b", "**/[!x]y"]).unwrap();
        let m = |p: &str| {
            let mut v = Vec::new();
            s.matches_into(p.as_bytes(), &mut v);
            v
        };
        assert_eq!(m("wg0.conf"), [0]);
        assert_eq!(m("wgx.conf"), Vec::<u32>::new());
        assert_eq!(m("d/a*b"), [1]);
        assert_eq!(m("d/axb"), Vec::<u32>::new());
        assert_eq!(m("zy"), [2]);
        assert_eq!(m("xy"), Vec::<u32>::new());
        assert!(NameSet::new(&["src/*.rs"]).is_err());
        assert!(NameSet::new(&["**/*/x"]).is_err());
        assert!(NameSet::new(&["**/[ab"]).is_err());
    }
}
