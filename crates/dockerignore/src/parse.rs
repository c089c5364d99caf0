//! Reading an ignore file the way `ignorefile.ReadAll` and `patternmatcher.New` do (R1–R9).

use crate::error::PatternError;
use crate::gomatch;

/// Go's `bufio.Scanner` default maximum token size: a line (with its `\n`) must fit in 64 KiB.
pub(crate) const MAX_LINE: usize = 64 * 1024;

/// One pattern line of an ignore file, after comment removal, trimming and cleaning: what
/// `patternmatcher.New` stores, plus where it came from.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct PatternLine {
    /// 1-based line number in the ignore file (0 for a pattern made by [`PatternLine::appended`]).
    pub line: usize,
    /// The line as written (BOM and `\r` removed), for messages.
    pub original: Vec<u8>,
    /// `true` for a `!` exception.
    pub exclusion: bool,
    /// The cleaned pattern text without the `!`, as `patternmatcher` stores it.
    pub cleaned: Vec<u8>,
}

impl PatternLine {
    /// A pattern appended to the list rather than read from the file, as the classic builder
    /// appends `!.dockerignore` and `!<Dockerfile>` (R18): only `patternmatcher.New`'s trimming,
    /// cleaning and validation apply (R6, R9), and its line number is 0. `None` when `text` is
    /// empty after trimming (`New` skips it).
    ///
    /// ```
    /// use dockerignore::PatternLine;
    /// let l = PatternLine::appended(b"!build//Dockerfile").unwrap().unwrap();
    /// assert_eq!((l.line, l.exclusion, l.display()), (0, true, "!build/Dockerfile".to_string()));
    /// assert_eq!(PatternLine::appended(b"  ").unwrap(), None);
    /// ```
    pub fn appended(text: &[u8]) -> Result<Option<PatternLine>, PatternError> {
        Ok(to_pattern_list(&[(0, text.to_vec(), text.to_vec())])?.pop())
    }

    /// The pattern as `patternmatcher` would print it (`!` prefix for exceptions).
    pub fn display(&self) -> String {
        let mut s = String::new();
        if self.exclusion {
            s.push('!');
        }
        s.push_str(&String::from_utf8_lossy(&self.cleaned));
        s
    }
}

/// One line as `ReadAll` returns it: (1-based line number, the line as written, the pattern
/// text with its `!`).
pub type RawLine = (usize, Vec<u8>, Vec<u8>);

/// Splits `data` into lines as `bufio.ScanLines` does; errors on a line of 64 KiB or more.
fn scan_lines(data: &[u8]) -> Result<Vec<&[u8]>, PatternError> {
    let mut out = Vec::new();
    let mut start = 0;
    while start < data.len() {
        match data[start..].iter().position(|&b| b == b'\n') {
            Some(i) => {
                if i + 1 > MAX_LINE {
                    return Err(PatternError::TooLong {
                        line: out.len() + 1,
                    });
                }
                let mut line = &data[start..start + i];
                if line.last() == Some(&b'\r') {
                    line = &line[..line.len() - 1];
                }
                out.push(line);
                start += i + 1;
            }
            None => {
                let rest = &data[start..];
                if rest.len() >= MAX_LINE {
                    return Err(PatternError::TooLong {
                        line: out.len() + 1,
                    });
                }
                let mut line = rest;
                if line.last() == Some(&b'\r') {
                    line = &line[..line.len() - 1];
                }
                out.push(line);
                start = data.len();
            }
        }
    }
    Ok(out)
}

/// `ignorefile.ReadAll` (R2–R7): the raw pattern strings (with `!` prefixes), each with its line
/// number and original text. Comments and blank lines are dropped; nothing is validated yet.
///
/// ```
/// let raw = dockerignore::read_all(b"# deps\nnode_modules/\n\n  !  ./keep\n").unwrap();
/// assert_eq!(raw[0], (2, b"node_modules/".to_vec(), b"node_modules".to_vec()));
/// assert_eq!(raw[1], (4, b"  !  ./keep".to_vec(), b"!keep".to_vec()));
/// ```
pub fn read_all(data: &[u8]) -> Result<Vec<RawLine>, PatternError> {
    let mut out = Vec::new();
    for (idx, line) in scan_lines(data)?.into_iter().enumerate() {
        let mut line = line;
        if idx == 0 {
            line = line.strip_prefix(&[0xEF, 0xBB, 0xBF][..]).unwrap_or(line);
        }
        if line.first() == Some(&b'#') {
            continue;
        }
        let mut p = trim_space(line);
        if p.is_empty() {
            continue;
        }
        let invert = p[0] == b'!';
        if invert {
            p = trim_space(&p[1..]);
        }
        let mut pat = Vec::new();
        if !p.is_empty() {
            let mut c = clean(p);
            if c.len() > 1 && c[0] == b'/' {
                c.remove(0);
            }
            pat = c;
        }
        let mut full = Vec::with_capacity(pat.len() + 1);
        if invert {
            full.push(b'!');
        }
        full.extend_from_slice(&pat);
        out.push((idx + 1, line.to_vec(), full));
    }
    Ok(out)
}

/// `patternmatcher.New`: trims and cleans again, splits off `!`, and validates each pattern with
/// Go's `filepath.Match(pattern, ".")`, stopping at the first error (R6, R9).
///
/// ```
/// use dockerignore::{read_all, to_pattern_list, PatternError};
/// let lines = to_pattern_list(&read_all(b"a\n!b\n").unwrap()).unwrap();
/// assert!(!lines[0].exclusion && lines[1].exclusion);
/// let err = to_pattern_list(&read_all(b"a\n[\n").unwrap()).unwrap_err();
/// assert!(matches!(err, PatternError::Syntax { line: 2, .. }));
/// ```
pub fn to_pattern_list(raw: &[RawLine]) -> Result<Vec<PatternLine>, PatternError> {
    let mut out = Vec::with_capacity(raw.len());
    for (line, original, text) in raw {
        let p = trim_space(text);
        if p.is_empty() {
            continue;
        }
        let mut p = clean(p);
        let mut exclusion = false;
        if p[0] == b'!' {
            if p.len() == 1 {
                return Err(PatternError::IllegalExclusion {
                    line: *line,
                    original: original.clone(),
                });
            }
            exclusion = true;
            p.remove(0);
        }
        if gomatch::validate(&p).is_err() {
            return Err(PatternError::Syntax {
                line: *line,
                original: original.clone(),
            });
        }
        out.push(PatternLine {
            line: *line,
            original: original.clone(),
            exclusion,
            cleaned: p,
        });
    }
    Ok(out)
}

/// Parses ignore-file bytes into the ordered pattern list docker uses.
pub(crate) fn parse(data: &[u8]) -> Result<Vec<PatternLine>, PatternError> {
    to_pattern_list(&read_all(data)?)
}

/// Decodes one UTF-8 character at the start of `b` (Go's `utf8.DecodeRune`): `None` if invalid.
fn decode_first(b: &[u8]) -> Option<(char, usize)> {
    let n = match b.first()? {
        0x00..=0x7F => 1,
        0xC2..=0xDF => 2,
        0xE0..=0xEF => 3,
        0xF0..=0xF4 => 4,
        _ => return None,
    };
    let s = std::str::from_utf8(b.get(..n)?).ok()?;
    s.chars().next().map(|c| (c, n))
}

/// Decodes one UTF-8 character at the end of `b` (Go's `utf8.DecodeLastRune`).
fn decode_last(b: &[u8]) -> Option<(char, usize)> {
    for n in 1..=4.min(b.len()) {
        let start = b.len() - n;
        if (b[start] & 0xC0) == 0x80 && n < 4.min(b.len()) {
            continue;
        }
        return decode_first(&b[start..]).filter(|&(_, m)| m == n);
    }
    None
}

/// Go's `strings.TrimSpace` on bytes (R5): strips Unicode White_Space from both ends, stopping
/// at invalid UTF-8.
///
/// ```
/// assert_eq!(dockerignore::trim_space("\u{a0} a b\t".as_bytes()), b"a b");
/// ```
pub fn trim_space(mut b: &[u8]) -> &[u8] {
    while let Some((c, n)) = decode_first(b) {
        if !c.is_whitespace() {
            break;
        }
        b = &b[n..];
    }
    while let Some((c, n)) = decode_last(b) {
        if !c.is_whitespace() {
            break;
        }
        b = &b[..b.len() - n];
    }
    b
}

/// Go's `filepath.Clean` (Unix) on bytes (R7): collapses `//`, drops `.` segments, resolves
/// `x/..` and removes a trailing `/`; the empty path becomes `.`.
///
/// ```
/// assert_eq!(dockerignore::clean(b"./a//b/../c/"), b"a/c");
/// assert_eq!(dockerignore::clean(b""), b".");
/// ```
pub fn clean(path: &[u8]) -> Vec<u8> {
    if path.is_empty() {
        return b".".to_vec();
    }
    let rooted = path[0] == b'/';
    let n = path.len();
    let mut out: Vec<u8> = Vec::with_capacity(n);
    let mut r = 0;
    let mut dotdot = 0;
    if rooted {
        out.push(b'/');
        r = 1;
        dotdot = 1;
    }
    while r < n {
        if path[r] == b'/' || (path[r] == b'.' && (r + 1 == n || path[r + 1] == b'/')) {
            r += 1;
        } else if path[r] == b'.' && path[r + 1] == b'.' && (r + 2 == n || path[r + 2] == b'/') {
            r += 2;
            if out.len() > dotdot {
                let mut w = out.len() - 1;
                while w > dotdot && out[w] != b'/' {
                    w -= 1;
                }
                out.truncate(w);
            } else if !rooted {
                if !out.is_empty() {
                    out.push(b'/');
                }
                out.extend_from_slice(b"..");
                dotdot = out.len();
            }
        } else {
            if (rooted && out.len() != 1) || (!rooted && !out.is_empty()) {
                out.push(b'/');
            }
            while r < n && path[r] != b'/' {
                out.push(path[r]);
                r += 1;
            }
        }
    }
    if out.is_empty() {
        out.push(b'.');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pats(s: &str) -> Vec<String> {
        parse(s.as_bytes())
            .unwrap()
            .iter()
            .map(PatternLine::display)
            .collect()
    }

    #[test]
    fn clean_matches_go() {
        for (i, o) in [
            ("", "."),
            ("a//b", "a/b"),
            ("./a", "a"),
            ("a/../b", "b"),
            ("../x", "../x"),
            ("..", ".."),
            ("/", "/"),
            ("/..", "/"),
            ("a/b/", "a/b"),
            ("/a/b/", "/a/b"),
            ("a/./b/.", "a/b"),
            ("a/..", "."),
            ("../../a/../b", "../../b"),
            ("!.", "!."),
        ] {
            assert_eq!(String::from_utf8(clean(i.as_bytes())).unwrap(), o, "{i}");
        }
    }

    #[test]
    fn read_rules() {
        assert_eq!(
            pats("\u{feff}a\r\n#c\n  #d\n b \n!  c\n/x/\n./y\n"),
            ["a", "#d", "b", "!c", "x", "y"]
        );
        assert_eq!(pats("x\n\u{feff}y"), ["x", "\u{feff}y"]);
        assert_eq!(pats("\u{a0}a\u{a0}\n\u{200b}b"), ["a", "\u{200b}b"]);
        assert_eq!(pats("!!a\n\\!a"), ["!!a", "\\!a"]);
        assert_eq!(pats("/\n.\n./\n"), ["/", ".", "."]);
    }

    #[test]
    fn errors() {
        assert!(matches!(
            parse(b"!"),
            Err(PatternError::IllegalExclusion { line: 1, .. })
        ));
        assert!(matches!(
            parse(b"a\n!/"),
            Err(PatternError::IllegalExclusion { line: 2, .. })
        ));
        assert!(matches!(
            parse(b"a\n[\n"),
            Err(PatternError::Syntax { line: 2, .. })
        ));
        assert!(matches!(parse(b"a\\ "), Err(PatternError::Syntax { .. })));
        let long = vec![b'a'; MAX_LINE];
        assert!(matches!(
            parse(&long),
            Err(PatternError::TooLong { line: 1 })
        ));
        let mut ok = vec![b'a'; MAX_LINE - 1];
        assert!(parse(&ok).is_ok());
        ok.push(b'\n');
        assert!(parse(&ok).is_ok());
        let mut bad = vec![b'a'; MAX_LINE];
        bad.push(b'\n');
        assert!(parse(&bad).is_err());
    }
}
