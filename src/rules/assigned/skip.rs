//! Lines of code and config that show or disable a value rather than set it: a comment line,
//! a line inside a `/* … */` block comment, an entry of an `example:` block, a line of a
//! multi-line string literal that shows an example.

/// Whether `line` sits, by its indentation, inside an `example:`/`examples:` entry of the 40
/// lines above (`before` ends at its start): an OpenAPI or JSON Schema example written in code or
/// YAML (`example: %{tenant: %{jwt_secret: "…"}}`) shows what a value looks like.
pub(super) fn inside_example(before: &[u8], line: &[u8]) -> bool {
    let indent = |l: &[u8]| l.iter().take_while(|b| matches!(b, b' ' | b'\t')).count();
    let mut cur = indent(line);
    let lines = before.strip_suffix(b"\n").unwrap_or(before);
    for l in lines.rsplit(|&b| b == b'\n').take(40) {
        if cur == 0 {
            break;
        }
        let t = l.trim_ascii();
        if t.is_empty() || indent(l) >= cur {
            continue;
        }
        cur = indent(l);
        let skip = t
            .iter()
            .take_while(|b| matches!(b, b'"' | b'\'' | b':'))
            .count();
        let key = &t[skip..];
        let key = key
            .strip_prefix(b"examples")
            .or(key.strip_prefix(b"example"));
        if key.is_some_and(|r| matches!(r.first(), Some(b'"' | b'\'' | b':' | b' ' | b'='))) {
            return true;
        }
    }
    false
}

/// A line that is a comment in most languages and config formats (`#`, `//`, `/*`, `*`, `--`,
/// `<!--`, `;`, `%`): documentation or a disabled setting (Grafana's sample `;secret_key =`).
pub(super) fn comment_line(line: &[u8]) -> bool {
    let t = line.trim_ascii_start();
    [&b"#"[..], b"//", b"/*", b"*", b"--", b"<!--", b"%", b";"]
        .iter()
        .any(|p| t.starts_with(p))
}

/// How far back a block comment's opening `/*` is looked for.
const BLOCK_WINDOW: usize = 64 * 1024;

/// Whether the end of `before` (code up to a hit) lies inside a `/* … */` block comment opened
/// on a line of its own (`/*` first on its line, within the last 64 KiB) and not closed since:
/// a sample API response or a disabled block in a doc comment (Go, Java, JavaScript, Rust, C#,
/// PHP, Kotlin, Swift, CSS), as a `//` or `*` comment line is. A `/*` inside a string
/// (`"static/*"`) is not first on its line, so it opens nothing.
pub(super) fn in_block_comment(before: &[u8]) -> bool {
    let from = before.len().saturating_sub(BLOCK_WINDOW);
    let window = &before[from..];
    let Some(open) = memchr::memmem::rfind(window, b"/*") else {
        return false;
    };
    let line_start = memchr::memrchr(b'\n', &window[..open]).map_or(0, |k| k + 1);
    if from > 0 && line_start == 0 {
        return false;
    }
    window[line_start..open]
        .iter()
        .all(|b| matches!(b, b' ' | b'\t'))
        && memchr::memmem::find(&window[open + 2..], b"*/").is_none()
}

/// Whether a `"` at `k` of `line` is escaped (`\"`).
fn escaped_quote(line: &[u8], k: usize) -> bool {
    k > 0 && line[k - 1] == b'\\'
}

/// Whether `line` (a hit's line of code; `before` ends at its start) lies inside a string
/// literal spanning lines whose text shows an example: its quotes are escaped (`\"secret\":
/// \"…\"`, a JSON body written inside the literal), and the literal, opened on a line above
/// (the last of the 64 above with a quote that is not escaped), says `Example body:`,
/// `Example response:`, `e.g.`, … on its opening line or in the eight lines above the hit (a
/// CLI's help text: clap's `after_help = "Example body:\n{…}"`). The one-line spelling, with
/// `\n` escapes, is [`super::embedded_example`].
pub(super) fn in_example_string(before: &[u8], line: &[u8]) -> bool {
    let Some(first) = memchr::memchr(b'"', line) else {
        return false;
    };
    if !escaped_quote(line, first) {
        return false;
    }
    let lines = before.strip_suffix(b"\n").unwrap_or(before);
    let mut end = lines.len();
    for l in lines.rsplit(|&b| b == b'\n').take(64) {
        let start = end - l.len();
        end = start.saturating_sub(1);
        let open = memchr::memchr_iter(b'"', l)
            .rev()
            .find(|&k| !escaped_quote(l, k));
        if let Some(k) = open {
            // The literal's text from its opening quote to the hit's line, read as
            // documentation: its first line counts as one of those just above.
            let text = &before[start + k + 1..];
            let head = text.split(|&b| b == b'\n').next().unwrap_or_default();
            let mut intro = b"\n".to_vec();
            intro.extend_from_slice(head);
            intro.push(b'\n');
            return super::shown_example(&intro) || super::shown_example(text);
        }
    }
    false
}
