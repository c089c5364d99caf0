//! How BuildKit carries pattern strings from the frontend to the client that applies them
//! (spec B11, B12). Pure functions on byte strings; the caller decides which list travels under
//! which header name.
//!
//! The Dockerfile frontend puts the patterns of a local source (the ignore file's exclude
//! patterns, and the followpaths) into the LLB definition as a JSON array
//! (`moby/buildkit client/llb/source.go`, decoded in `source/local/source.go`). Go's
//! `encoding/json` coerces a string to valid UTF-8 on the way: each byte that is not part of a
//! valid UTF-8 sequence becomes U+FFFD ([`through_json`]).
//!
//! The daemon then asks the client's session for the files and passes each list as a gRPC
//! request header (`session/filesync/filesync.go`, `encodeOpts`). A list is percent-escaped only
//! when one of its strings holds a character above U+007F; otherwise the strings are sent as they
//! are, and grpc-go refuses a header value with a byte outside `0x20..=0x7E` (a TAB, a DEL, a
//! NUL, any control character): `header key "…" contains value with non-printable ASCII
//! characters` ([`header_rejects`]).

use std::borrow::Cow;

use crate::utf8::go_decode;

/// A string after a round trip through Go's `encoding/json`: each invalid UTF-8 byte becomes
/// U+FFFD (`EF BF BD`), valid text is unchanged (borrowed).
///
/// ```
/// use dockerignore::through_json;
/// assert_eq!(through_json(b"caf\xe9"), "caf\u{fffd}".as_bytes());
/// assert_eq!(through_json(b"\xe2\x82"), "\u{fffd}\u{fffd}".as_bytes()); // one per byte
/// assert_eq!(through_json("déjà\tvu".as_bytes()), "déjà\tvu".as_bytes());
/// ```
pub fn through_json(s: &[u8]) -> Cow<'_, [u8]> {
    match go_decode(s) {
        Cow::Borrowed(b) => Cow::Borrowed(b.as_bytes()),
        Cow::Owned(o) => Cow::Owned(o.into_bytes()),
    }
}

/// Whether BuildKit percent-escapes a list before it becomes a header: some string holds a
/// character above U+007F (an invalid byte counts, Go decodes it as U+FFFD; after
/// [`through_json`] there are none left).
pub fn header_escaped<S: AsRef<[u8]>>(values: &[S]) -> bool {
    values.iter().any(|v| v.as_ref().iter().any(|&b| b > 0x7F))
}

/// The index of the first string grpc-go refuses as a header value when BuildKit sends `values`
/// under one header key: `None` when the list is escaped ([`header_escaped`]) or every byte is
/// printable ASCII (`0x20..=0x7E`).
///
/// ```
/// use dockerignore::header_rejects;
/// assert_eq!(header_rejects(&[&b"ok"[..], b"a\tb"]), Some(1));
/// assert_eq!(header_rejects(&[&b"a\tb"[..], "ü".as_bytes()]), None); // escaped: it travels
/// assert_eq!(header_rejects(&[&b"x\x7f"[..]]), Some(0)); // DEL is ASCII, not printable
/// assert_eq!(header_rejects::<&[u8]>(&[]), None);
/// ```
pub fn header_rejects<S: AsRef<[u8]>>(values: &[S]) -> Option<usize> {
    if header_escaped(values) {
        return None;
    }
    values
        .iter()
        .position(|v| v.as_ref().iter().any(|&b| !(0x20..=0x7E).contains(&b)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_replaces_each_invalid_byte_and_keeps_valid_text() {
        assert!(matches!(through_json(b"plain"), Cow::Borrowed(_)));
        assert_eq!(through_json(b"a\xffb\xc3"), "a\u{fffd}b\u{fffd}".as_bytes());
        // An encoded surrogate is invalid in Go too: three bytes, three U+FFFD.
        assert_eq!(
            through_json(b"\xed\xa0\x80"),
            "\u{fffd}\u{fffd}\u{fffd}".as_bytes()
        );
        // A literal U+FFFD stays what it is.
        assert_eq!(through_json("\u{fffd}".as_bytes()), "\u{fffd}".as_bytes());
    }

    #[test]
    fn every_control_byte_and_del_is_refused_unless_the_list_is_escaped() {
        for b in (0u8..0x20).chain([0x7F]) {
            let v = vec![b'a', b, b'b'];
            assert_eq!(header_rejects(std::slice::from_ref(&v)), Some(0), "{b:#x}");
            assert_eq!(
                header_rejects(&[v, "é".as_bytes().to_vec()]),
                None,
                "{b:#x}"
            );
        }
        for b in 0x20u8..0x7F {
            assert_eq!(header_rejects(&[vec![b]]), None, "{b:#x}");
        }
        // An invalid byte makes the list escaped (Go reads it as U+FFFD > U+007F).
        assert!(header_escaped(&[&b"\xe9"[..]]));
        assert_eq!(header_rejects(&[&b"\t"[..], b"\xe9"]), None);
    }
}
