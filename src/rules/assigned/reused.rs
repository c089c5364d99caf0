//! Documentation that reuses its own example: a key the text shows as a command's output
//! (`$ mix hex.organization key … generate` printing the new key) and then passes to the next
//! command (`$ HEX_API_KEY=<that key> mix hex.publish`) is the same example, not a leak; and a
//! request's response printed below it (`curl … | jq` and the JSON it returns).

use super::shown_example;

/// The shortest run of value characters taken as a value: shorter runs are names and words.
const MIN_VALUE: usize = 16;

/// How many earlier occurrences of one value are looked at.
const MAX_OCCURRENCES: usize = 8;

/// Whether a value-like run of the line `bytes[ls..le]` (16 or more letters, digits, `+`, `/`,
/// `-`, `_`, holding both a letter and a digit) stands earlier in the document on a line the
/// document shows as an example or a command's output ([`shown_example`], [`request_response`]).
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
                    let end = memchr::memchr(b'\n', &bytes[at..ls]).map_or(ls, |k| at + k);
                    whole
                        && (shown_example(&bytes[..start])
                            || request_response(&bytes[..start], &bytes[start..end]))
                })
        })
}

/// Whether the line `line` of documentation (`before` ends at its start) is part of the JSON
/// response a request shows below itself in a code block: the line and every line up to the
/// request are JSON (they open with `{`, `}`, `[`, `]` or `"`), and the request is a `curl`,
/// `wget` or HTTPie (`http`, `https`, `xh`) command, possibly continued over lines ending in
/// `\` (Radicale's SHARING.md: `curl … /.sharing/v1/all/list | jq` and the sharing token in the
/// list it prints).
pub(super) fn request_response(before: &[u8], line: &[u8]) -> bool {
    let json = |t: &[u8]| matches!(t.first(), Some(b'{' | b'}' | b'[' | b']' | b'"'));
    if !json(line.trim_ascii()) {
        return false;
    }
    let request = |t: &[u8]| {
        let t = t.strip_prefix(b"$ ").unwrap_or(t);
        [&b"curl "[..], b"wget ", b"http ", b"https ", b"xh "]
            .iter()
            .any(|w| t.starts_with(w))
    };
    let mut lines = before.split(|&b| b == b'\n').rev();
    // `split` yields the empty text after the last newline first.
    lines.next();
    let mut lines = lines.map(<[u8]>::trim_ascii).take(200).peekable();
    while let Some(t) = lines.next() {
        if json(t) {
            continue;
        }
        // The command's last line, then the lines it continues.
        let mut first = t;
        while lines.peek().is_some_and(|p| p.ends_with(b"\\")) {
            first = lines.next().unwrap_or(first);
        }
        return request(first);
    }
    false
}
