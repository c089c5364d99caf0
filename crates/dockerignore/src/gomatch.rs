//! A port of Go's `path/filepath.Match` (Unix, Go ≥ 1.16), used the way `patternmatcher.New`
//! uses it: `Match(pattern, ".")` only to detect `ErrBadPattern` (R9).

use crate::error::BadPattern;
use crate::utf8::decode_rune;

/// Checks a cleaned pattern the way `patternmatcher.New` does.
pub(crate) fn validate(pattern: &[u8]) -> Result<(), BadPattern> {
    go_match(pattern, b".").map(|_| ())
}

fn scan_chunk(mut pattern: &[u8]) -> (bool, &[u8], &[u8]) {
    let mut star = false;
    while let Some((&b'*', rest)) = pattern.split_first() {
        pattern = rest;
        star = true;
    }
    let mut inrange = false;
    let mut i = 0;
    while i < pattern.len() {
        match pattern[i] {
            b'\\' if i + 1 < pattern.len() => i += 1,
            b'[' => inrange = true,
            b']' => inrange = false,
            b'*' if !inrange => break,
            _ => {}
        }
        i += 1;
    }
    (star, &pattern[..i], &pattern[i..])
}

fn get_esc(chunk: &[u8]) -> Result<(u32, &[u8]), BadPattern> {
    let mut chunk = chunk;
    if chunk.is_empty() || chunk[0] == b'-' || chunk[0] == b']' {
        return Err(BadPattern);
    }
    if chunk[0] == b'\\' {
        chunk = &chunk[1..];
        if chunk.is_empty() {
            return Err(BadPattern);
        }
    }
    let (r, n) = decode_rune(chunk);
    let bad = r == 0xFFFD && n == 1;
    let nchunk = &chunk[n..];
    if bad || nchunk.is_empty() {
        return Err(BadPattern);
    }
    Ok((r, nchunk))
}

fn match_chunk<'a>(mut chunk: &[u8], mut s: &'a [u8]) -> Result<Option<&'a [u8]>, BadPattern> {
    let mut failed = false;
    while !chunk.is_empty() {
        if !failed && s.is_empty() {
            failed = true;
        }
        match chunk[0] {
            b'[' => {
                let mut r = 0u32;
                if !failed {
                    let (rr, n) = decode_rune(s);
                    r = rr;
                    s = &s[n..];
                }
                chunk = &chunk[1..];
                let mut negated = false;
                if chunk.first() == Some(&b'^') {
                    negated = true;
                    chunk = &chunk[1..];
                }
                let mut matched = false;
                let mut nrange = 0;
                loop {
                    if chunk.first() == Some(&b']') && nrange > 0 {
                        chunk = &chunk[1..];
                        break;
                    }
                    let (lo, rest) = get_esc(chunk)?;
                    chunk = rest;
                    let mut hi = lo;
                    if chunk[0] == b'-' {
                        let (h, rest) = get_esc(&chunk[1..])?;
                        hi = h;
                        chunk = rest;
                    }
                    if lo <= r && r <= hi {
                        matched = true;
                    }
                    nrange += 1;
                }
                if matched == negated {
                    failed = true;
                }
            }
            b'?' => {
                if !failed {
                    if s[0] == b'/' {
                        failed = true;
                    }
                    let (_, n) = decode_rune(s);
                    s = &s[n..];
                }
                chunk = &chunk[1..];
            }
            c => {
                let mut c = c;
                if c == b'\\' {
                    chunk = &chunk[1..];
                    if chunk.is_empty() {
                        return Err(BadPattern);
                    }
                    c = chunk[0];
                }
                if !failed {
                    if c != s[0] {
                        failed = true;
                    }
                    s = &s[1..];
                }
                chunk = &chunk[1..];
            }
        }
    }
    if failed {
        Ok(None)
    } else {
        Ok(Some(s))
    }
}

/// Go's `filepath.Match` on Unix (Go ≥ 1.16): whether `name` matches the shell pattern
/// `pattern`, where `*` and `?` do not match `/`. Errors when the pattern is malformed, which
/// Go reports only once matching reaches the bad part (R9 uses `Match(pattern, ".")`).
///
/// Docker uses it to validate ignore patterns (R9) and, in the Dockerfile frontend, to expand
/// `COPY` sources; ignore patterns themselves match with the rules of [`Pattern`](crate::Pattern).
///
/// ```
/// use dockerignore::go_match;
/// assert_eq!(go_match(b"*.c", b"a.c"), Ok(true));
/// assert_eq!(go_match(b"*.c", b"a/b.c"), Ok(false));
/// assert!(go_match(b"[", b"x").is_err());
/// ```
pub fn go_match(pattern: &[u8], name: &[u8]) -> Result<bool, BadPattern> {
    let mut pattern = pattern;
    let mut name = name;
    'outer: while !pattern.is_empty() {
        let (star, chunk, rest) = scan_chunk(pattern);
        pattern = rest;
        if star && chunk.is_empty() {
            return Ok(!name.contains(&b'/'));
        }
        let first = match_chunk(chunk, name);
        if let Ok(Some(t)) = first {
            if t.is_empty() || !pattern.is_empty() {
                name = t;
                continue;
            }
        }
        first?;
        if star {
            let mut i = 0;
            while i < name.len() && name[i] != b'/' {
                if let Some(t) = match_chunk(chunk, &name[i + 1..])? {
                    if pattern.is_empty() && !t.is_empty() {
                        i += 1;
                        continue;
                    }
                    name = t;
                    continue 'outer;
                }
                i += 1;
            }
        }
        while !pattern.is_empty() {
            let (_, chunk, rest) = scan_chunk(pattern);
            pattern = rest;
            match_chunk(chunk, b"")?;
        }
        return Ok(false);
    }
    Ok(name.is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn validation_like_go() {
        for bad in [
            "[", "a[", "[]", "[^]", "[a-]", "a\\", "[]a]", "[-a]", "[\\", "x/[", "[a-b", "*/[",
            "a*/[",
        ] {
            assert!(validate(bad.as_bytes()).is_err(), "{bad}");
        }
        for good in [
            "a", "*", "[a-c]", "[^x]", "[!a]1", "\\*", "[z-a]", "[[]", "a[b/c]", "**", "{a,b}",
            "[a*]",
        ] {
            assert!(validate(good.as_bytes()).is_ok(), "{good}");
        }
        // invalid UTF-8 inside a class
        assert!(validate(b"[\xff]").is_err());
        assert!(validate(b"\xff").is_ok());
    }

    #[test]
    fn matching_like_go() {
        assert_eq!(go_match(b"*.c", b"a.c"), Ok(true));
        assert_eq!(go_match(b"*.c", b"a/b.c"), Ok(false));
        assert_eq!(go_match(b"a*/b", b"abc/b"), Ok(true));
        assert_eq!(go_match(b"[^a]b", b"cb"), Ok(true));
        assert_eq!(go_match(b"a?c", b"a/c"), Ok(false));
        assert_eq!(go_match(b"\\*", b"*"), Ok(true));
    }
}
