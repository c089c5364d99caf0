//! Turns a [`crate::report::Report`] into human, JSON or list output.

pub mod github;
pub(crate) mod html;
pub mod human;
pub mod json;
pub mod sarif;

/// Output formats.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    /// A readable report.
    Human,
    /// One JSON object.
    Json,
    /// SARIF 2.1.0 (GitHub code scanning and other CI systems).
    Sarif,
    /// GitHub Actions workflow commands (annotations).
    Github,
}

/// Escapes a name for a terminal: control characters, backslashes and invalid UTF-8 become
/// visible escapes, so a file name can never move the cursor or fake output.
pub fn escape(b: &[u8]) -> String {
    let s = crate::dockerignore::go_decode(b);
    let lossless = std::str::from_utf8(b).is_ok();
    let mut out = String::with_capacity(b.len());
    if !lossless {
        for chunk in b.utf8_chunks() {
            push_escaped(&mut out, chunk.valid());
            for &x in chunk.invalid() {
                out.push_str(&format!("\\x{x:02x}"));
            }
        }
        return out;
    }
    push_escaped(&mut out, &s);
    out
}

/// Escapes only control and bidi-override characters of an already readable string.
pub fn escape_controls(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        if c == '\\' {
            out.push(c);
        } else {
            push_escaped(&mut out, c.encode_utf8(&mut [0; 4]));
        }
    }
    out
}

fn push_escaped(out: &mut String, s: &str) {
    for c in s.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            c if c.is_control()
                || matches!(c, '\u{200e}' | '\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}') =>
            {
                out.push_str(&format!("\\u{{{:x}}}", c as u32))
            }
            c => out.push(c),
        }
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn escapes() {
        assert_eq!(super::escape(b"a\x1b[31mb"), "a\\u{1b}[31mb");
        assert_eq!(super::escape(b"x\xffy"), "x\\xffy");
        assert_eq!(super::escape("déjà\n".as_bytes()), "déjà\\n");
    }
}
