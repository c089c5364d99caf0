//! Fast searches for fixed lists of literals (the content rules' anchors, CTX169's keywords).
//!
//! Every sent text file goes through these searches, so their speed is the content scan's:
//! over the 40k text files (208 MB) of the bench's mono corpus, one pass of Teddy (the SIMD
//! searcher inside aho-corasick) over a handful of literals of one length costs about 16 ms;
//! the same searcher over 20 literals of mixed lengths (3 and 4 bytes) costs 130 ms, because
//! Teddy fingerprints every literal by its first `min(4, shortest)` bytes and shares eight
//! buckets among them, so the fingerprints of a large mixed set match most positions of code.
//! A [`Literals`] therefore runs several small Teddy searchers, each over literals of one
//! fingerprint length, as few as hold them with at most [`GROUP`] literals each: the 75
//! anchors take four passes (one over the 3-byte ones, three over the longer ones). Two
//! automatons cost 177 ms where six Teddy passes cost 100 ms. Where Teddy is not available (no SIMD), one aho-corasick
//! automaton does the same job.

use aho_corasick::packed;
use aho_corasick::{AhoCorasick, MatchKind};

/// The most literals one Teddy searcher takes (three per bucket in the slim form). Each
/// searcher is one pass over the text, whatever it holds, until its fingerprints start to match
/// ordinary text. The 70 literals of four or more bytes, best of 7 runs on one thread: over the
/// n300k corpus's 42k text files (215 MB), 58 ms in three searchers of 22–24, 80 ms in four of
/// 16–18, 56 ms in two of 35; over 13k files of real repositories (114 MB of Go, TypeScript,
/// Java, Rust, Python, docs), 33 ms in three, 43 ms in five of 14, 34 ms in two of 35.
const GROUP: usize = 24;

/// A set of literals to look for: whether any occurs ([`Literals::any`]).
pub(crate) struct Literals {
    how: How,
}

enum How {
    /// Teddy searchers over groups of literals of one fingerprint length.
    Teddy(Vec<packed::Searcher>),
    /// One automaton over every literal (no SIMD here).
    Automaton(AhoCorasick),
}

fn teddy(pats: &[&str], slim: Option<bool>) -> Option<packed::Searcher> {
    let mut c = packed::Config::new();
    c.match_kind(packed::MatchKind::LeftmostFirst)
        .only_teddy(true)
        .heuristic_pattern_limits(false)
        .only_teddy_fat(slim.map(|s| !s));
    let mut b = c.builder();
    b.extend(pats);
    b.build()
}

fn automaton(pats: &[&str]) -> AhoCorasick {
    // Leftmost-first: only the leftmost match kinds put a packed prefilter in front of the
    // automaton; the standard kind walks every byte.
    AhoCorasick::builder()
        .match_kind(MatchKind::LeftmostFirst)
        .build(pats)
        .unwrap_or_else(|e| panic!("built-in literals: {e}"))
}

impl Literals {
    /// The searcher for `pats` (none empty).
    pub(crate) fn new(pats: &[&str]) -> Literals {
        let mut sorted: Vec<&str> = pats.to_vec();
        sorted.sort_by_key(|p| p.len());
        let mut groups: Vec<Vec<&str>> = Vec::new();
        // Fingerprint lengths: 1, 2, 3 and 4 (and longer, which Teddy fingerprints by 4).
        for class in 1..=4 {
            let same: Vec<&str> = sorted
                .iter()
                .copied()
                .filter(|p| p.len().min(4) == class)
                .collect();
            // As few searchers as hold them, evenly filled: 70 literals make three of 22–24,
            // not four of 16 and one of six (which costs a full pass all the same).
            let k = same.len().div_ceil(GROUP).max(1);
            let size = same.len().div_ceil(k).max(1);
            groups.extend(same.chunks(size).map(<[&str]>::to_vec));
        }
        let searchers: Option<Vec<packed::Searcher>> =
            groups.iter().map(|g| teddy(g, None)).collect();
        let how = match searchers {
            Some(s) if !s.is_empty() => How::Teddy(s),
            _ => How::Automaton(automaton(pats)),
        };
        Literals { how }
    }

    /// Whether any of the literals occurs in `bytes`.
    pub(crate) fn any(&self, bytes: &[u8]) -> bool {
        match &self.how {
            How::Teddy(s) => s.iter().any(|s| s.find(bytes).is_some()),
            How::Automaton(a) => a.is_match(bytes),
        }
    }
}

/// A set of literals whose every leftmost-first match is wanted ([`Ordered::find_iter`]), in
/// one pass: slim Teddy when the machine has it (CTX169's 49 keyword spellings: 23 ms over the
/// mono corpus, against 41 ms for the fat form aho-corasick picks for that many), else one
/// automaton. Matches are those of aho-corasick's leftmost-first kind, either way.
pub(crate) struct Ordered {
    how: OrderedHow,
}

enum OrderedHow {
    Teddy(packed::Searcher),
    Automaton(AhoCorasick),
}

impl Ordered {
    /// The searcher for `pats` (none empty), earlier ones preferred at one position.
    pub(crate) fn new<S: AsRef<str>>(pats: &[S]) -> Ordered {
        let refs: Vec<&str> = pats.iter().map(AsRef::as_ref).collect();
        let how = match teddy(&refs, Some(true)).or_else(|| teddy(&refs, None)) {
            Some(t) => OrderedHow::Teddy(t),
            None => OrderedHow::Automaton(automaton(&refs)),
        };
        Ordered { how }
    }

    /// The `(start, end)` of each match in `bytes`, left to right, not overlapping.
    pub(crate) fn find_iter<'a>(
        &'a self,
        bytes: &'a [u8],
    ) -> Box<dyn Iterator<Item = (usize, usize)> + 'a> {
        match &self.how {
            OrderedHow::Teddy(t) => Box::new(t.find_iter(bytes).map(|m| (m.start(), m.end()))),
            OrderedHow::Automaton(a) => Box::new(a.find_iter(bytes).map(|m| (m.start(), m.end()))),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn any_agrees_with_a_plain_search() {
        let pats = [
            "AKIA",
            "xox",
            "SG.",
            "hooks.slack.com/services/",
            "ghp_",
            "eyJ",
            "_auth",
        ];
        let l = Literals::new(&pats);
        let texts: &[&[u8]] = &[
            b"",
            b"a",
            b"plain text with nothing in it at all, long enough for the SIMD path to run",
            b"x = 'AKI' + 'A'",
            b"token: xoxb-1",
            b"the end: SG.",
            b"SG",
            b"https://hooks.slack.com/services/T0",
            b"https://hooks.slack.com/service",
            b"{\"_auth\": 1}",
        ];
        for t in texts {
            let want = pats
                .iter()
                .any(|p| t.windows(p.len()).any(|w| w == p.as_bytes()));
            assert_eq!(l.any(t), want, "{}", String::from_utf8_lossy(t));
        }
        // Long texts, with the literal at every position near the end of a SIMD block.
        for at in 0..70 {
            let mut t = vec![b'.'; 100];
            t[at..at + 4].copy_from_slice(b"ghp_");
            assert!(l.any(&t), "at {at}");
            let mut t = vec![b'.'; 100];
            t[at + 1..at + 4].copy_from_slice(b"hp_");
            assert!(!l.any(&t), "at {at}");
        }
    }

    #[test]
    fn many_literals_are_split_evenly_and_each_is_found() {
        // 70 literals of 4+ bytes and 3 of 3 bytes: one searcher for the short ones, three of
        // 23–24 for the others (not four full ones and one of six).
        let long: Vec<String> = (0..70).map(|k| format!("q{k:02}_z")).collect();
        let mut pats: Vec<&str> = long.iter().map(String::as_str).collect();
        pats.extend(["ab.", "cd.", "ef."]);
        let l = Literals::new(&pats);
        match &l.how {
            How::Teddy(s) => assert_eq!(s.len(), 4),
            How::Automaton(_) => {} // no SIMD on this machine: nothing to count
        }
        for p in &pats {
            let mut t = vec![b' '; 80];
            t.extend_from_slice(p.as_bytes());
            t.extend(std::iter::repeat_n(b' ', 80));
            assert!(l.any(&t), "{p}");
            // One byte changed: not found.
            let k = t.len() - 81;
            t[k] = b'#';
            assert!(!l.any(&t), "{p} with its last byte changed");
        }
    }

    #[test]
    fn find_iter_is_leftmost_first() {
        let pats = [
            "secret",
            "SECRET",
            "token",
            "api_key",
            "apiKey",
            "secret_key",
        ];
        let o = Ordered::new(&pats);
        let a = automaton(&pats);
        let mut text = b"my_secret_key = 1; apiKey: 2; TOKEN token SECRET api_key".to_vec();
        text.extend(std::iter::repeat_n(b' ', 64));
        text.extend_from_slice(b"secretsecret token");
        let got: Vec<_> = o.find_iter(&text).collect();
        let want: Vec<_> = a.find_iter(&text).map(|m| (m.start(), m.end())).collect();
        assert_eq!(got, want);
        assert_eq!(got.len(), 8);
        assert_eq!(
            got[0],
            (3, 9),
            "leftmost-first takes `secret`, listed first"
        );
    }
}
