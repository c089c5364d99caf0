//! Public test and demo servers named in documentation (`test.rebex.net`, `ftp.dlptest.com`,
//! `demo.wftpserver.com`): their operators publish the credentials for anyone to try, so a
//! password shown beside one is that published value, not a leak.

/// Whether the text around a content hit in documentation names a public test or demo server:
/// the hit's line, the eight lines above it or the two below (a `host:` line before a
/// `password:` line, a URL's own host). `ls` and `le` are the start and end of the hit's line.
pub(super) fn near_public_test_server(bytes: &[u8], ls: usize, le: usize) -> bool {
    let mut from = ls;
    for _ in 0..8 {
        if from == 0 {
            break;
        }
        from = memchr::memrchr(b'\n', &bytes[..from - 1]).map_or(0, |k| k + 1);
    }
    let mut to = le;
    for _ in 0..2 {
        if to >= bytes.len() {
            break;
        }
        to = memchr::memchr(b'\n', &bytes[to + 1..]).map_or(bytes.len(), |k| to + 1 + k);
    }
    bytes[from..to.min(bytes.len())]
        .split(|b| !(b.is_ascii_alphanumeric() || matches!(b, b'.' | b'-')))
        .any(public_test_host)
}

/// A public DNS name of a test or demo service: three or more labels, its first one `test` or
/// `demo` (`test.rebex.net`, `demo.wftpserver.com`), or the name it is registered under
/// starting with `test` or `demo` or ending in `test` (`ftp.dlptest.com`, `demo.testfire.net`);
/// under a public top-level domain (letters only; not `.local`, `.internal`, `.lan`, `.corp`,
/// `.home`, `.localhost`, or the reserved `.test`, `.example`, `.invalid`: a private machine).
fn public_test_host(word: &[u8]) -> bool {
    let host = word.to_ascii_lowercase();
    let host = host.strip_suffix(b".").unwrap_or(&host);
    let labels: Vec<&[u8]> = host.split(|&b| b == b'.').collect();
    if labels.len() < 3
        || labels
            .iter()
            .any(|l| l.is_empty() || l.starts_with(b"-") || l.ends_with(b"-"))
    {
        return false;
    }
    let tld = labels[labels.len() - 1];
    let private = [
        &b"local"[..],
        b"internal",
        b"lan",
        b"corp",
        b"home",
        b"localhost",
        b"test",
        b"example",
        b"invalid",
        b"intranet",
        b"private",
    ];
    if tld.len() < 2 || !tld.iter().all(u8::is_ascii_alphabetic) || private.contains(&tld) {
        return false;
    }
    let name = labels[labels.len() - 2];
    matches!(labels[0], b"test" | b"demo")
        || name.starts_with(b"test")
        || name.starts_with(b"demo")
        || (name.len() > 4 && name.ends_with(b"test"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn public_test_hosts() {
        for h in [
            "test.rebex.net",
            "ftp.dlptest.com",
            "demo.wftpserver.com",
            "test.mosquitto.org",
            "demo.testfire.net",
            "TEST.Rebex.NET.",
        ] {
            assert!(public_test_host(h.as_bytes()), "{h}");
        }
        for h in [
            "rebex.net",
            "db.test.internal",
            "test.corp.local",
            "api.github.com",
            "test.example",
            "test..net",
            "test.host.123",
            "db-prod.internal.example-corp.net",
            "storage.googleapis.com",
        ] {
            assert!(!public_test_host(h.as_bytes()), "{h}");
        }
    }

    /// The (rule, line, note) of each hit a scan of `text` at `path` gives.
    fn hits(path: &str, text: &str) -> Vec<(&'static str, usize, Option<crate::rules::HitNote>)> {
        crate::rules::content::scan_content_at(path.as_bytes(), text.as_bytes())
            .iter()
            .map(|h| (h.rule, h.line, h.note))
            .collect()
    }

    #[test]
    fn a_password_beside_a_public_test_server_in_documentation_is_low() {
        use crate::rules::HitNote;
        // A generated-looking password, as dlptest.com publishes one (built here, not a copy).
        let pw = ["rNq", "KTX9", "g7z3Rg", "JRmx", "WuGHbeu"].concat();
        let doc = format!(
            "# FTP\n\nWe test uploads against the public FTP server:\n\n    host: ftp.dlptest.com\n    user: dlpuser\n    password: {pw}\n"
        );
        let ts = Some(HitNote::TestServer);
        assert_eq!(hits("docs/ftp.md", &doc), [("CTX169", 7, ts)]);
        let url = format!("Upload to `ftp://dlpuser:{pw}@ftp.dlptest.com/`.\n");
        assert_eq!(hits("docs/ftp.md", &url), [("CTX167", 1, ts)]);
        let rst = format!("SFTP\n====\n\n::\n\n    sftp demo@test.rebex.net   # password: {pw}\n");
        assert_eq!(hits("docs/sftp.rst", &rst), [("CTX169", 6, ts)]);
        // The same lines beside a private host, and in configuration, keep their grade.
        let private = doc.replace("ftp.dlptest.com", "ftp.acme-corp.com");
        assert_eq!(hits("docs/ftp.md", &private), [("CTX169", 7, None)]);
        let cfg = format!("ftp:\n  host: ftp.dlptest.com\n  password: {pw}\n");
        assert_eq!(hits("config/ftp.yml", &cfg), [("CTX169", 3, None)]);
        // A service's token beside one is no published test credential.
        let token = ["gh", "p_", "Xq81LmZ0", &pw, "Vt4s"].concat();
        let doc = format!("# Mirror\n\nhost: test.rebex.net\ntoken: {token}\n");
        assert_eq!(hits("docs/mirror.md", &doc), [("CTX152", 4, None)]);
    }

    #[test]
    fn near_a_host_line() {
        let t = b"# FTP\n\nhost: ftp.dlptest.com\nuser: dlpuser\npassword: x\n\n## Other\n";
        let ls = t.windows(9).position(|w| w == b"password:").unwrap();
        let le = ls + memchr::memchr(b'\n', &t[ls..]).unwrap();
        assert!(near_public_test_server(t, ls, le));
        let t = b"host: db.acme.io\nuser: app\npassword: x\n";
        let ls = t.windows(9).position(|w| w == b"password:").unwrap();
        assert!(!near_public_test_server(t, ls, t.len() - 1));
    }
}
