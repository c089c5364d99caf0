//! Documentation that reuses its own example: a key the text shows as a command's output
//! (`$ mix hex.organization key … generate` printing the new key) and then passes to the next
//! command (`$ HEX_API_KEY=<that key> mix hex.publish`) is the same example, not a leak.

use super::shown_example;

/// The shortest run of value characters taken as a value: shorter runs are names and words.
const MIN_VALUE: usize = 16;

/// How many earlier occurrences of one value are looked at.
const MAX_OCCURRENCES: usize = 8;

/// Whether a value-like run of the line `bytes[ls..le]` (16 or more letters, digits, `+`, `/`,
/// `-`, `_`, holding both a letter and a digit) stands earlier in the document on a line the
/// document shows as an example or a command's output ([`shown_example`]).
pub(super) fn shown_earlier(bytes: &[u8], ls: usize, le: usize) -> bool {
    let value_byte = |b: u8| b.is_ascii_alphanumeric() || matches!(b, b'+' | b'/' | b'-' | b'_');
    bytes[ls..le]
        .split(|&b| !value_byte(b))
        .filter(|t| {
            t.len() >= MIN_VALUE
                && t.iter().any(u8::is_ascii_digit)
                && t.iter().any(u8::is_ascii_alphabetic)
        })
        .any(|t| {
            memchr::memmem::find_iter(&bytes[..ls], t)
                .take(MAX_OCCURRENCES)
                .any(|at| {
                    // The whole run, not part of a longer one.
                    let whole = (at == 0 || !value_byte(bytes[at - 1]))
                        && bytes.get(at + t.len()).is_none_or(|&b| !value_byte(b));
                    let start = memchr::memrchr(b'\n', &bytes[..at]).map_or(0, |k| k + 1);
                    whole && shown_example(&bytes[..start])
                })
        })
}
