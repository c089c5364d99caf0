//! Content hits that are stand-ins shown to a reader, not credentials: looked at after
//! [`super::scan_content_at`] (only for files with hits), from the hit's line.
//!
//! * **A form's hint.** A line that gives a `placeholder` attribute or key its value
//!   (`<Input placeholder="6660491268:AAF…" />`, `"tokenPlaceholder": "ghp_…"`) shows a user
//!   what to type; the token in it is an example of the format.
//! * **A certificate under a key's label.** A PEM private key block whose DER body is a
//!   certificate's (a UI's `privateKeyDataHolder = "-----BEGIN PRIVATE KEY-----\nMIIFRDCC…\n
//!   -----END PRIVATE KEY-----"`, the sample certificate's first line pasted again) holds no key.
//!
//! Matched text is read here and dropped, as in [`super::content`]; only line numbers leave.

use super::ContentHit;

/// The 1-based lines (of `hits`) whose hit is a stand-in: a `placeholder` value, or a private
/// key block holding a certificate. Sorted, without repeats.
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
        if placeholder_line(line) || (key_hit && not_a_key(&bytes[start..])) {
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

/// Whether the key block that starts on the line at `from` holds no private key: its base64 body
/// (up to `-----END`, 16 KiB at most; escaped `\n` in a string literal count as breaks) decodes
/// to a DER `SEQUENCE` whose first element is another `SEQUENCE` (a certificate's
/// `tbsCertificate`), where every unencrypted private key (PKCS#1, PKCS#8, SEC 1, DSA) starts
/// with its version `INTEGER`. A form's sample pasted a certificate under a key's label.
/// `ENCRYPTED` blocks (whose DER does start with a `SEQUENCE`) and bodies that are not DER
/// (OpenSSH, PGP) are left alone.
fn not_a_key(from: &[u8]) -> bool {
    let text = &from[..from.len().min(16 * 1024)];
    let Some(begin) = memchr::memmem::find(text, b"-----BEGIN") else {
        return false;
    };
    let after = &text[begin + 10..];
    let Some(head_end) = memchr::memmem::find(after, b"-----") else {
        return false;
    };
    let label = &after[..head_end];
    if !matches!(
        label.trim_ascii(),
        b"PRIVATE KEY" | b"RSA PRIVATE KEY" | b"EC PRIVATE KEY" | b"DSA PRIVATE KEY"
    ) {
        return false;
    }
    let body = &after[head_end + 5..];
    let Some(end) = memchr::memmem::find(body, b"-----END") else {
        return false;
    };
    let body = &body[..end];
    // Headers such as `Proc-Type:` mean an encrypted legacy block; leave those alone.
    if memchr::memchr(b':', body).is_some() {
        return false;
    }
    let mut chars: Vec<u8> = Vec::with_capacity(16);
    let mut k = 0;
    while k < body.len() && chars.len() < 8 {
        let b = body[k];
        if b == b'\\' && matches!(body.get(k + 1), Some(b'n' | b'r')) {
            k += 2;
            continue;
        }
        if b.is_ascii_alphanumeric() || b == b'+' || b == b'/' {
            chars.push(b);
        } else if !matches!(b, b' ' | b'\t' | b'\r' | b'\n' | b'"' | b'\'') {
            return false;
        }
        k += 1;
    }
    let Some(head) = decode6(&chars) else {
        return false;
    };
    // The outer SEQUENCE's length in short or long form, then the first element's tag.
    let first = match head {
        [0x30, 0x82, _, _, t, _] => t,
        [0x30, 0x81, _, t, _, _] => t,
        [0x30, l, t, _, _, _] if l < 0x80 => t,
        _ => return false,
    };
    first == 0x30
}

/// The first six bytes the base64 `chars` (eight of them) decode to.
fn decode6(chars: &[u8]) -> Option<[u8; 6]> {
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
    let b = |n: u32, s: u32| (n >> s & 0xff) as u8;
    Some([b(n1, 16), b(n1, 8), b(n1, 0), b(n2, 16), b(n2, 8), b(n2, 0)])
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
    fn certificate_under_a_key_label_and_real_keys() {
        // The labels are joined at run time: this file is in the repository's own build
        // context, whose secret check must stay quiet.
        let (begin, end) = ("-----BEGIN ", "-----END ");
        let pk = ["PRIVATE", " KEY-----"].concat();
        let pem = |label: &str, body: &str| -> Vec<u8> {
            format!("{begin}{label}{pk}\n{body}\n{end}{label}{pk}\n").into_bytes()
        };
        let cert = format!(
            "const k =\n\t\"{begin}{pk}\\nMIIFRDCCAyygAwIBAgIUEPOR47ys6VDwMVB9tYoeEka83uQwDQYJKoZIhvcNAQELBQAw\\n{end}{pk}\";\n"
        );
        let cert = cert.as_bytes();
        assert_eq!(stand_in_lines(cert, &[hit("CTX150", 2)]), vec![2]);
        // Keys start with their version INTEGER, even cut short: PKCS#1, PKCS#8, SEC 1.
        for body in [
            "MIIEowIBAAKCAQEAx9ZqMIIEowIBAAKCAQEAx9Zq",
            "MIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQ",
            "MHcCAQEEIIrYSSNQFaA2Hwf1duRSxKtLYX5CB04fSeQ6tF1aY",
            "MC4CAQAwBQYDK2VwBCIEIBrU2e5S1s0o8YZp8mC5Qd2r5W3pKxYb7r1w0yYy8h1n",
        ] {
            let key = pem("", body);
            assert!(
                stand_in_lines(&key, &[hit("CTX150", 1)]).is_empty(),
                "{body}"
            );
        }
        // An encrypted PKCS#8 block starts with a SEQUENCE too: not judged.
        let enc = pem(
            "ENCRYPTED ",
            "MIIFHDBOBgkqhkiG9w0BBQ0wQTApBgkqhkiG9w0BBQwwHAQI",
        );
        assert!(stand_in_lines(&enc, &[hit("CTX150", 1)]).is_empty());
        // An OpenSSH body is not DER: not judged.
        let ssh = pem(
            "OPENSSH ",
            "b3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQAAAAAAAAABAAAAMwAAAAtzc2gtZW",
        );
        assert!(stand_in_lines(&ssh, &[hit("CTX150", 1)]).is_empty());
        // Only key rules are judged by their block.
        assert!(stand_in_lines(cert, &[hit("CTX169", 2)]).is_empty());
    }
}
