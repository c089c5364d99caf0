//! Content hits that are stand-ins shown to a reader, not credentials: looked at after
//! [`super::scan_content_at`] (only for files with hits), from the hit's line.
//!
//! * **A form's hint.** A line that gives a `placeholder` attribute or key its value
//!   (`<Input placeholder="6660491268:AAF…" />`, `"tokenPlaceholder": "ghp_…"`) shows a user
//!   what to type; the token in it is an example of the format.
//! * **A cut-off key block.** A PEM private key whose DER body is much shorter than the length
//!   its own header declares (a UI's `privateKeyPlaceholder = "-----BEGIN PRIVATE KEY-----\n
//!   MIIFRDCC…\n-----END PRIVATE KEY-----"`, one line of a key shown as a sample) holds no key:
//!   a real block's body is exactly as long as its header says.
//!
//! Matched text is read here and dropped, as in [`super::content`]; only line numbers leave.

use super::ContentHit;

/// The 1-based lines (of `hits`) whose hit is a stand-in: a `placeholder` value, or a private
/// key block cut short. Sorted, without repeats.
pub(crate) fn stand_in_lines(bytes: &[u8], hits: &[ContentHit]) -> Vec<usize> {
    let mut out: Vec<usize> = Vec::new();
    if hits.is_empty() {
        return out;
    }
    let mut wanted: Vec<usize> = hits.iter().map(|h| h.line).collect();
    wanted.sort_unstable();
    wanted.dedup();
    let mut next = 0;
    for (k, (start, line)) in lines(bytes).enumerate() {
        if next == wanted.len() {
            break;
        }
        let n = k + 1;
        if n != wanted[next] {
            continue;
        }
        next += 1;
        let key_hit = hits
            .iter()
            .any(|h| h.line == n && matches!(h.rule, "CTX150" | "CTX160"));
        if placeholder_line(line) || (key_hit && cut_off_key(&bytes[start..])) {
            out.push(n);
        }
    }
    out
}

/// Each line's start offset and bytes (without its line break).
fn lines(bytes: &[u8]) -> impl Iterator<Item = (usize, &[u8])> {
    let mut pos = 0;
    std::iter::from_fn(move || {
        if pos >= bytes.len() {
            return None;
        }
        let start = pos;
        let end = memchr::memchr(b'\n', &bytes[pos..]).map_or(bytes.len(), |e| pos + e);
        pos = end + 1;
        Some((start, &bytes[start..end]))
    })
}

/// Whether `line` gives a name ending in `placeholder` (any case: `placeholder`,
/// `dbUrlPlaceholder`, `token_placeholder`) a quoted value: `placeholder="…"`,
/// `placeholder: '…'`, `"placeholder": "…"`, `'placeholder' => '…'`, `placeholder={"…"}`.
fn placeholder_line(line: &[u8]) -> bool {
    const WORD: &[u8] = b"placeholder";
    let low = line.to_ascii_lowercase();
    let mut from = 0;
    while let Some(at) = memchr::memmem::find(&low[from..], WORD) {
        let end = from + at + WORD.len();
        from = end;
        // The name ends here (`placeholderText` is another name).
        if low
            .get(end)
            .is_some_and(|&b| b.is_ascii_alphanumeric() || b == b'_')
        {
            continue;
        }
        let mut rest = &low[end..];
        rest = skip(rest, b"\"'` \t");
        rest = match rest {
            [b'=', b'>', r @ ..] | [b'=', r @ ..] | [b':', r @ ..] => r,
            _ => continue,
        };
        rest = skip(rest, b" \t{");
        if matches!(rest.first(), Some(b'"' | b'\'' | b'`')) {
            return true;
        }
    }
    false
}

fn skip<'a>(mut s: &'a [u8], set: &[u8]) -> &'a [u8] {
    while let [b, r @ ..] = s {
        if !set.contains(b) {
            break;
        }
        s = r;
    }
    s
}

/// Whether the key block that starts on the line at `from` is cut short: its base64 body (up to
/// `-----END`, 16 KiB at most; escaped `\n` in a string literal count as breaks) decodes to a DER
/// `SEQUENCE` whose declared length exceeds the decoded bytes. Bodies that are not DER (OpenSSH,
/// PGP) and bodies that use only a short length form are left alone.
fn cut_off_key(from: &[u8]) -> bool {
    let text = &from[..from.len().min(16 * 1024)];
    let Some(begin) = memchr::memmem::find(text, b"-----BEGIN") else {
        return false;
    };
    let after = &text[begin + 10..];
    let Some(head_end) = memchr::memmem::find(after, b"-----") else {
        return false;
    };
    let body = &after[head_end + 5..];
    let Some(end) = memchr::memmem::find(body, b"-----END") else {
        return false;
    };
    let body = &body[..end];
    // Headers such as `Proc-Type:` mean an encrypted legacy block; leave those alone.
    if memchr::memchr(b':', body).is_some() {
        return false;
    }
    let mut chars: Vec<u8> = Vec::with_capacity(body.len());
    let mut k = 0;
    while k < body.len() {
        let b = body[k];
        if b == b'\\' && matches!(body.get(k + 1), Some(b'n' | b'r')) {
            k += 2;
            continue;
        }
        if b.is_ascii_alphanumeric() || b == b'+' || b == b'/' {
            chars.push(b);
        } else if !matches!(b, b'=' | b' ' | b'\t' | b'\r' | b'\n' | b'"' | b'\'' | b',') {
            // Anything else (code between string pieces, an ellipsis): not judged here.
            return false;
        }
        k += 1;
    }
    let decoded = chars.len() * 3 / 4;
    let Some(head) = decode4(&chars) else {
        return false;
    };
    // DER: SEQUENCE (0x30) with a long-form length of one or two bytes.
    let declared = match head {
        [0x30, 0x81, l, _] => 3 + usize::from(l),
        [0x30, 0x82, a, b] => 4 + (usize::from(a) << 8 | usize::from(b)),
        _ => return false,
    };
    decoded + 3 < declared
}

/// The first four bytes the base64 `chars` decode to.
fn decode4(chars: &[u8]) -> Option<[u8; 4]> {
    if chars.len() < 8 {
        return None;
    }
    let val = |c: u8| -> u32 {
        match c {
            b'A'..=b'Z' => u32::from(c - b'A'),
            b'a'..=b'z' => u32::from(c - b'a') + 26,
            b'0'..=b'9' => u32::from(c - b'0') + 52,
            b'+' => 62,
            _ => 63,
        }
    };
    let n1 = chars[..4].iter().fold(0u32, |n, &c| n << 6 | val(c));
    let n2 = chars[4..8].iter().fold(0u32, |n, &c| n << 6 | val(c));
    Some([
        (n1 >> 16) as u8,
        (n1 >> 8) as u8,
        n1 as u8,
        (n2 >> 16) as u8,
    ])
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hit(rule: &'static str, line: usize) -> ContentHit {
        ContentHit {
            rule,
            line,
            note: None,
        }
    }

    #[test]
    fn placeholder_values() {
        for yes in [
            &b"  <Input placeholder=\"6660491268:AAF\" />"[..],
            b"placeholder: 'x'",
            b"\"tokenPlaceholder\": \"x\"",
            b"'placeholder' => 'x'",
            b"placeholder={\"x\"}",
            b"db_url_placeholder = `x`",
        ] {
            assert!(placeholder_line(yes), "{}", String::from_utf8_lossy(yes));
        }
        for no in [
            &b"token = \"x\""[..],
            b"placeholderText = \"x\"",
            b"// the placeholder below",
            b"placeholder = getToken()",
        ] {
            assert!(!placeholder_line(no), "{}", String::from_utf8_lossy(no));
        }
    }

    #[test]
    fn cut_off_and_whole_keys() {
        let cut = b"const k =\n\t\"-----BEGIN PRIVATE KEY-----\\nMIIFRDCCAyygAwIBAgIUEPOR47ys6VDwMVB9tYoeEka83uQwDQYJKoZIhvcNAQELBQAw\\n-----END PRIVATE KEY-----\";\n";
        assert_eq!(stand_in_lines(cut, &[hit("CTX150", 2)]), vec![2]);
        // A whole (short) key: an Ed25519 PKCS#8 block, 48 bytes as declared.
        let whole = b"-----BEGIN PRIVATE KEY-----\nMC4CAQAwBQYDK2VwBCIEIBrU2e5S1s0o8YZp8mC5Qd2r5W3pKxYb7r1w0yYy8h1n\n-----END PRIVATE KEY-----\n";
        assert!(stand_in_lines(whole, &[hit("CTX150", 1)]).is_empty());
        // Declared 0x4a3 bytes, and the body holds them (an RSA key's length, long form).
        let mut body = String::from("MIIEowIBAAKCAQEA");
        while body.len() < (0x4a7_usize * 4).div_ceil(3) {
            body.push('Q');
        }
        let full =
            format!("-----BEGIN RSA PRIVATE KEY-----\n{body}\n-----END RSA PRIVATE KEY-----\n");
        assert!(stand_in_lines(full.as_bytes(), &[hit("CTX150", 1)]).is_empty());
        // An OpenSSH body is not DER: not judged.
        let ssh = b"-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQAAAAAAAAABAAAAMwAAAAtzc2gtZW\n-----END OPENSSH PRIVATE KEY-----\n";
        assert!(stand_in_lines(ssh, &[hit("CTX150", 1)]).is_empty());
        // Only key rules are judged by their block.
        assert!(stand_in_lines(cut, &[hit("CTX169", 2)]).is_empty());
    }
}
