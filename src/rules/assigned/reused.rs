//! Documentation that reuses its own example: a key the text shows as a command's output
//! (`$ mix hex.organization key … generate` printing the new key) and then passes to the next
//! command (`$ HEX_API_KEY=<that key> mix hex.publish`) is the same example, not a leak; and a
//! request's response printed below it (`curl … | jq` and the JSON it returns); and a
//! value the page writes into three or more separate code blocks (the same request shown with
//! curl, the CLI, raw HTTP, JavaScript, Go, …: tabbed code samples) is the page's sample value.

use super::shown_example;

/// The shortest run of value characters taken as a value: shorter runs are names and words.
const MIN_VALUE: usize = 16;

/// How many earlier occurrences of one value are looked at.
const MAX_OCCURRENCES: usize = 8;

/// How many separate code blocks holding one value make it the page's sample value.
const SAMPLE_BLOCKS: usize = 3;

/// How many occurrences of one value are looked at when counting the blocks that hold it.
const MAX_SAMPLE_OCCURRENCES: usize = 64;

fn value_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || matches!(b, b'+' | b'/' | b'-' | b'_')
}

/// The value-like runs of `line`: 16 or more letters, digits, `+`, `/`, `-`, `_`, holding both
/// a letter and a digit.
fn values(line: &[u8]) -> impl Iterator<Item = &[u8]> {
    line.split(|&b| !value_byte(b)).filter(|t| {
        t.len() >= MIN_VALUE
            && t.iter().any(u8::is_ascii_digit)
            && t.iter().any(u8::is_ascii_alphabetic)
    })
}

/// Where the whole run `t` occurs in `bytes` (not as part of a longer run), at most `max` times.
fn whole_occurrences<'a>(
    bytes: &'a [u8],
    t: &'a [u8],
    max: usize,
) -> impl Iterator<Item = usize> + 'a {
    memchr::memmem::find_iter(bytes, t)
        .filter(move |&at| {
            (at == 0 || !value_byte(bytes[at - 1]))
                && bytes.get(at + t.len()).is_none_or(|&b| !value_byte(b))
        })
        .take(max)
}

/// Where the run `t` begins a run in `bytes` (the whole run, or its first 16 or more
/// characters), at most `max` times.
fn leading_occurrences<'a>(
    bytes: &'a [u8],
    t: &'a [u8],
    max: usize,
) -> impl Iterator<Item = usize> + 'a {
    memchr::memmem::find_iter(bytes, t)
        .filter(move |&at| at == 0 || !value_byte(bytes[at - 1]))
        .take(max)
}

/// Whether a value-like run of the line `bytes[ls..le]` stands earlier in the document on a
/// line the document shows as an example or a command's output ([`shown_example`],
/// [`request_response`]): the whole value, or the value as the start of a longer one (a
/// command passed the first characters of the key printed above it, datasette's
/// `--secret=cdb19e94283a20f9d42cca5` after `secrets.token_hex(32)` printed 64).
pub(in crate::rules) fn shown_earlier(bytes: &[u8], ls: usize, le: usize) -> bool {
    values(&bytes[ls..le]).any(|t| {
        leading_occurrences(&bytes[..ls], t, MAX_OCCURRENCES).any(|at| {
            let start = memchr::memrchr(b'\n', &bytes[..at]).map_or(0, |k| k + 1);
            let end = memchr::memchr(b'\n', &bytes[at..ls]).map_or(ls, |k| at + k);
            shown_example(&bytes[..start]) || request_response(&bytes[..start], &bytes[start..end])
        })
    })
}

/// Whether a value-like run of the line `bytes[ls..le]` stands in [`SAMPLE_BLOCKS`] or more
/// separate fenced code blocks (```` ``` ```` or `~~~`, indented or not) of the document: the
/// same sample request written for several tools and languages. A value written once or twice,
/// or in prose, is not counted so.
pub(in crate::rules) fn in_code_samples(bytes: &[u8], ls: usize, le: usize) -> bool {
    in_code_samples_of(bytes, ls, le, &std::cell::OnceCell::new())
}

/// [`in_code_samples`], with the document's fence lines found once for all its lines: `fences`
/// is filled on the first call that needs it (a page with many candidate lines reads the
/// whole page once, not once per line).
pub(in crate::rules) fn in_code_samples_of(
    bytes: &[u8],
    ls: usize,
    le: usize,
    fences: &std::cell::OnceCell<Vec<usize>>,
) -> bool {
    values(&bytes[ls..le]).any(|t| {
        let fences = fences.get_or_init(|| fence_lines(bytes));
        let mut blocks: Vec<usize> = Vec::new();
        for at in whole_occurrences(bytes, t, MAX_SAMPLE_OCCURRENCES) {
            // The fences opening before `at`: an odd count puts it inside block `count / 2`.
            let before = fences.partition_point(|&f| f < at);
            if before % 2 == 1 && !blocks.contains(&(before / 2)) {
                blocks.push(before / 2);
                if blocks.len() >= SAMPLE_BLOCKS {
                    return true;
                }
            }
        }
        false
    })
}

/// The start offsets of the lines of `bytes` that are code fences (```` ``` ```` or `~~~`
/// after optional indentation), in order.
fn fence_lines(bytes: &[u8]) -> Vec<usize> {
    let mut out = Vec::new();
    let mut start = 0;
    for l in bytes.split(|&b| b == b'\n') {
        let t = l.trim_ascii_start();
        if t.starts_with(b"```") || t.starts_with(b"~~~") {
            out.push(start);
        }
        start += l.len() + 1;
    }
    out
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
