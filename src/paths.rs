//! Paths as report strings.

/// A path as a report string, losslessly and unambiguously: a backslash is written `\\`, each
/// byte that is not UTF-8 `\xNN`, everything else as is (control characters included; the
/// human renderer escapes those, JSON encodes them).
pub(crate) fn lossy(b: &[u8]) -> String {
    lossy_cow(b).into_owned()
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
