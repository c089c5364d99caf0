//! Lines of code and config that show or disable a value rather than set it: a comment line,
//! a line inside a `/* … */` block comment, an entry of an `example:` block.

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
