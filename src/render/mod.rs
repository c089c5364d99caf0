//! Turns a `crate::report::Report` into human, JSON or list output.

pub(crate) mod github;
pub(crate) mod html;
pub(crate) mod human;
pub(crate) mod json;
pub(crate) mod sarif;

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
    /// One self-contained HTML page with a treemap (the report of one context only).
    Html,
}

/// Escapes a name for a terminal: control characters, backslashes and invalid UTF-8 become
/// visible escapes, so a file name can never move the cursor or fake output.
pub(crate) fn escape(b: &[u8]) -> String {
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

/// [`escape`], cut to about `max` characters (with `…` and the number of bytes left out), for
/// echoing text the user did not choose to print (an ignore-file line of a binary file).
pub(crate) fn escape_capped(b: &[u8], max: usize) -> String {
    let s = escape(b);
    if s.chars().count() <= max {
        return s;
    }
    let mut cut: String = s.chars().take(max).collect();
    // Never end inside an escape sequence.
    if let Some(i) = cut.rfind('\\') {
        if cut.len() - i < 4 {
            cut.truncate(i);
        }
    }
    format!("{cut}… ({} bytes in all)", b.len())
}

/// A path for a message: control and bidi-override characters (a newline or an ESC in a file
/// name) escaped as [`escape_controls`] does, and bytes that are not UTF-8 as `\xNN`, so that the
/// message stays one line and shows the name's real bytes; a backslash is kept as it is (a
/// Windows path's separator).
pub fn escape_path(p: &std::path::Path) -> String {
    let b = crate::sys::os_bytes(p.as_os_str());
    let mut out = String::with_capacity(b.len());
    for chunk in b.utf8_chunks() {
        out.push_str(&escape_controls(chunk.valid()));
        for &x in chunk.invalid() {
            out.push_str(&format!("\\x{x:02x}"));
        }
    }
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
                for b in c.encode_utf8(&mut [0; 4]).bytes() {
                    out.push_str(&format!("\\x{b:02x}"));
                }
            }
            c => out.push(c),
        }
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn escapes() {
        assert_eq!(super::escape(b"a\x1b[31mb"), "a\\x1b[31mb");
        assert_eq!(
            super::escape("\u{85}\u{202e}".as_bytes()),
            "\\xc2\\x85\\xe2\\x80\\xae"
        );
        let long = vec![b'\x01'; 1000];
        let c = super::escape_capped(&long, 50);
        assert!(c.len() < 80 && c.ends_with("… (1000 bytes in all)"), "{c}");
        assert!(!c.contains("\\x0…"), "{c}");
        assert_eq!(super::escape(b"x\xffy"), "x\\xffy");
        assert_eq!(super::escape("déjà\n".as_bytes()), "déjà\\n");
    }
}
