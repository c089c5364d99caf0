//! Paths as report strings.

/// A path as a report string, losslessly and unambiguously: a backslash is written `\\`, each
/// byte that is not UTF-8 `\xNN`, everything else as is (control characters included; the
/// human renderer escapes those, JSON encodes them).
pub(crate) fn lossy(b: &[u8]) -> String {
    lossy_cow(b).into_owned()
}

/// The bytes a [`lossy`] report string stands for: `\\` is one backslash, `\xNN` the byte
/// NN, everything else its UTF-8. (A backslash in a name is always doubled, so the two never
/// mix.)
pub(crate) fn unlossy(s: &str) -> Vec<u8> {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'\\' {
            if b.get(i + 1) == Some(&b'\\') {
                out.push(b'\\');
                i += 2;
                continue;
            }
            let hex = b
                .get(i + 2..i + 4)
                .and_then(|h| std::str::from_utf8(h).ok());
            if b.get(i + 1) == Some(&b'x') {
                if let Some(v) = hex.and_then(|h| u8::from_str_radix(h, 16).ok()) {
                    out.push(v);
                    i += 4;
                    continue;
                }
            }
        }
        out.push(b[i]);
        i += 1;
    }
    out
}

/// [`lossy`], borrowing when the bytes are UTF-8 without a backslash (nothing to rewrite).
pub(crate) fn lossy_cow(b: &[u8]) -> std::borrow::Cow<'_, str> {
    if let Ok(s) = std::str::from_utf8(b) {
        if !s.contains('\\') {
            return std::borrow::Cow::Borrowed(s);
        }
    }
    let mut out = String::with_capacity(b.len());
    for chunk in b.utf8_chunks() {
        for c in chunk.valid().chars() {
            if c == '\\' {
                out.push_str("\\\\");
            } else {
                out.push(c);
            }
        }
        for &x in chunk.invalid() {
            out.push_str(&format!("\\x{x:02x}"));
        }
    }
    std::borrow::Cow::Owned(out)
}

/// A filesystem path (the context root, the Dockerfile, the ignore file) as a report string:
/// each byte that is not UTF-8 `\xNN`, as the paths inside the context are, not U+FFFD;
/// everything else as `display` writes it (a Windows path keeps its single backslashes).
pub(crate) fn shown(p: &std::path::Path) -> String {
    let b = crate::sys::os_bytes(p.as_os_str());
    if std::str::from_utf8(&b).is_ok() {
        return p.display().to_string();
    }
    let mut out = String::with_capacity(b.len());
    for chunk in b.utf8_chunks() {
        out.push_str(chunk.valid());
        for &x in chunk.invalid() {
            out.push_str(&format!("\\x{x:02x}"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[cfg(unix)]
    #[test]
    fn shown_escapes_bytes_that_are_not_utf8() {
        use std::os::unix::ffi::OsStrExt;
        let p = std::path::Path::new(std::ffi::OsStr::from_bytes(b"/tmp/ctx\xff/Dockerfile"));
        assert_eq!(shown(p), "/tmp/ctx\\xff/Dockerfile");
        assert_eq!(shown(std::path::Path::new("/tmp/\u{fc}")), "/tmp/\u{fc}");
    }

    #[test]
    fn unlossy_inverts_lossy() {
        for b in [
            &b"plain/a.txt"[..],
            b"back\\slash.pem",
            b"bad\xff.pem",
            b"two\\\\x41",
            b"esc\x1b[31m.pem",
            b"key\nfile.pem",
            b"\xc3\xbc/\xc3",
            b"",
        ] {
            assert_eq!(unlossy(&lossy(b)), b, "{}", lossy(b));
        }
    }
}
