//! The literal text every match of a REGEX pattern starts or ends with. Both matchers use it:
//! the reference [`Pattern`](crate::Pattern) as a prefilter before compiling or running a regex,
//! the [`FastMatcher`](crate::FastMatcher) to place the pattern in its tries.

/// The literal text every match of a REGEX pattern starts with: the pattern up to its first
/// character with regex meaning. `None` when the regex is not anchored at the start by it.
pub(crate) fn literal_prefix(cleaned: &[u8]) -> Option<Vec<u8>> {
    if cleaned.contains(&b'|') || std::str::from_utf8(cleaned).is_err() {
        return None;
    }
    if cleaned.starts_with("\u{feff}".as_bytes()) {
        return None;
    }
    let end = cleaned
        .iter()
        .position(|c| b"*?[]\\{}^|".contains(c))
        .unwrap_or(cleaned.len());
    Some(cleaned[..end].to_vec())
}

/// The literal text every match of an end-anchored REGEX pattern ends with (`**/*.log` →
/// `.log`), or `None`.
pub(crate) fn literal_suffix(cleaned: &[u8]) -> Option<Vec<u8>> {
    // Escapes (`\pL`, `\x41`, `\Q…`) have regex meanings of varying length: not indexed.
    if cleaned.contains(&b'|') || cleaned.contains(&b'\\') || std::str::from_utf8(cleaned).is_err()
    {
        return None;
    }
    let end = cleaned
        .iter()
        .rposition(|c| b"*?[]{}^".contains(c))
        .map_or(0, |i| i + 1);
    let suf = &cleaned[end..];
    (!suf.is_empty()).then(|| suf.to_vec())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn literals() {
        assert_eq!(literal_prefix(b"src/*.rs"), Some(b"src/".to_vec()));
        assert_eq!(literal_prefix(b"a|b*"), None);
        assert_eq!(literal_prefix(b"*.log"), Some(Vec::new()));
        assert_eq!(literal_suffix(b"**/*.log"), Some(b".log".to_vec()));
        assert_eq!(literal_suffix(b"a\\d"), None);
        assert_eq!(literal_suffix(b"a*"), None);
    }
}
