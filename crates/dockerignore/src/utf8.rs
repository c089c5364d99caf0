//! Reading bytes as Go reads a string: invalid UTF-8 becomes U+FFFD, one byte at a time.

use std::borrow::Cow;

/// Go's `utf8.DecodeRune`: (rune, width); invalid input gives (U+FFFD, 1), empty gives (U+FFFD, 0).
pub(crate) fn decode_rune(b: &[u8]) -> (u32, usize) {
    if b.is_empty() {
        return (0xFFFD, 0);
    }
    let n = match b[0] {
        0x00..=0x7F => return (b[0] as u32, 1),
        0xC2..=0xDF => 2,
        0xE0..=0xEF => 3,
        0xF0..=0xF4 => 4,
        _ => return (0xFFFD, 1),
    };
    match b.get(..n).and_then(|s| std::str::from_utf8(s).ok()) {
        Some(s) => (s.chars().next().map_or(0xFFFD, |c| c as u32), n),
        None => (0xFFFD, 1),
    }
}

/// Decodes bytes the way Go's `regexp` reads a string: each invalid byte is one U+FFFD.
///
/// This is what a REGEX pattern (R12) is matched against, so `?` matches one invalid byte of
/// a file name. Valid UTF-8 is borrowed unchanged.
///
/// ```
/// assert_eq!(dockerignore::go_decode(b"lat\xe9.txt"), "lat\u{fffd}.txt");
/// assert_eq!(dockerignore::go_decode("déjà".as_bytes()), "déjà");
/// ```
pub fn go_decode(b: &[u8]) -> Cow<'_, str> {
    match std::str::from_utf8(b) {
        Ok(s) => Cow::Borrowed(s),
        Err(_) => {
            let mut out = String::with_capacity(b.len() + 8);
            let mut rest = b;
            loop {
                match std::str::from_utf8(rest) {
                    Ok(s) => {
                        out.push_str(s);
                        break;
                    }
                    Err(e) => {
                        let (ok, bad) = rest.split_at(e.valid_up_to());
                        out.push_str(std::str::from_utf8(ok).unwrap_or_default());
                        out.push('\u{FFFD}');
                        rest = &bad[1..];
                    }
                }
            }
            Cow::Owned(out)
        }
    }
}
