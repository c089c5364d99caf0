//! [`scan_content`]: secret signatures in a file's bytes.
//!
//! Only rule IDs and 1-based line numbers leave this module. Matched bytes
//! are looked at (to skip documentation placeholders) and dropped; they are
//! never copied, returned or logged.

use std::sync::OnceLock;

use regex::bytes::Regex;

use super::{ContentHit, HitNote};

/// [`scan_content`] treats a buffer as binary (and skips it) when a NUL byte
/// occurs within this many leading bytes.
pub(crate) const BINARY_SNIFF_LEN: usize = 8 * 1024;

/// [`scan_content`] returns at most this many hits per buffer.
pub(crate) const MAX_CONTENT_HITS: usize = 32;

/// How a signature is confirmed beyond its regex.
#[derive(Clone, Copy)]
enum Check {
    /// The regex alone.
    Plain,
    /// Skip matches ending in `EXAMPLE` (AWS documentation keys).
    NotExample,
    /// Only if the buffer also matches this regex (anywhere).
    Requires(&'static str),
    /// Skip matches holding one of these (well-known documentation samples).
    NotSample(&'static [&'static str]),
    /// Not a regex: [`url_password_offsets`] finds these (the `://` they start with is in most
    /// text files, too common an anchor for a regex pass).
    UrlPassword,
    /// Not a regex: [`super::assigned::assigned_offsets`] finds these (a secret-named
    /// name assigned a random-looking literal).
    Assigned,
    /// Not a regex: [`super::assigned::assigned_offsets`] finds these too (a password key in a
    /// configuration file assigned a readable literal).
    Readable,
    /// Skip matches joined to a longer word or path (the byte before is a letter, digit, `_`,
    /// `-`, `.` or `/`: `hotkey-…`, `cache-key-…`).
    Standalone,
    /// The token after `Bearer` must look generated ([`super::assigned::random_token`]); in
    /// documentation, not under an example's introduction.
    Bearer,
}

struct Sig {
    id: &'static str,
    re: &'static str,
    check: Check,
}

const SIGS: &[Sig] = &[
    Sig {
        id: "CTX150",
        // PEM/OpenSSH/PGP: BEGIN line, optional armor headers and blank
        // lines, then at least 32 base64 characters of body. Each line may carry a comment
        // marker (`# `, `// `, `; `, `-- `, ` * `): a key commented out in a config file or a
        // script is still a key.
        re: concat!(
            r"-----BEGIN (?:[A-Z0-9]+ )*PRIVATE KEY(?: BLOCK)?-----[ \t]*(?:\r?\n|\\(?:r\\)?n)",
            r"(?:[ \t]*(?:#+|//|;+|--|\*)?[ \t]*[A-Za-z0-9-]+:[^\r\n\\]*(?:\r?\n|\\(?:r\\)?n))*",
            r"(?:[ \t]*(?:#+|//|;+|--|\*)?[ \t]*(?:\r?\n|\\(?:r\\)?n))*",
            r"[ \t]*(?:#+|//|;+|--|\*)?[ \t]*[A-Za-z0-9+/]{32}",
            r"|---- BEGIN SSH2 ENCRYPTED PRIVATE KEY ----[ \t]*\r?\n(?:[A-Za-z0-9-]+:[^\r\n]*\r?\n)*[A-Za-z0-9+/]{32}",
            r"|(?m:^PuTTY-User-Key-File-[0-9]+: [a-z0-9-]+[ \t]*\r?\n)",
            // The same block base64-encoded, as a kubeconfig's `client-key-data:`, a Kubernetes
            // Secret's `tls.key:` or a Helm value holds it: the encoded `-----BEGIN [RSA |EC |
            // DSA |OPENSSH |ENCRYPTED |PGP ]PRIVATE KEY[ BLOCK]-----` (a certificate's
            // `-----BEGIN CERTIFICATE-----`, public, is not), then 40 more characters of it.
            r"|LS0tLS1CRUdJTiB(?:QUklWQVRFIEtFWS0tLS0t|SU0EgUFJJVkFURSBLRVktLS0t|FQyBQUklWQVRFIEtFWS0tLS0t",
            r"|EU0EgUFJJVkFURSBLRVktLS0t|PUEVOU1NIIFBSSVZBVEUgS0VZLS0t|FTkNSWVBURUQgUFJJVkFURSBLRVktLS0t",
            r"|QR1AgUFJJVkFURSBLRVkgQkxPQ0stLS0t)[A-Za-z0-9+/]{40}",
        ),
        check: Check::Plain,
    },
    Sig {
        id: "CTX151",
        re: r"(?-u:\b)(?:AKIA|ASIA|ABIA|ACCA)[A-Z0-9]{16}(?-u:\b)",
        check: Check::NotExample,
    },
    Sig {
        id: "CTX152",
        re: r"(?-u:\b)(?:gh[pousr]_[A-Za-z0-9]{36,255}|github_pat_[A-Za-z0-9_]{60,255})(?-u:\b)",
        check: Check::Plain,
    },
    Sig {
        id: "CTX153",
        re: r"(?-u:\b)glpat-[A-Za-z0-9_-]{20,}",
        check: Check::Plain,
    },
    Sig {
        id: "CTX154",
        re: r"(?-u:\b)xox[abprs]-(?:[0-9]+-)+[A-Za-z0-9]{8,}|(?-u:\b)xapp-[0-9]-[A-Z0-9]{8,}-[0-9]{6,}-[a-f0-9]{32,}",
        check: Check::Plain,
    },
    Sig {
        id: "CTX155",
        re: r"hooks\.slack\.com/services/T[A-Z0-9_]{6,}/B[A-Z0-9_]{6,}/[A-Za-z0-9_]{16,}",
        check: Check::Plain,
    },
    Sig {
        id: "CTX156",
        re: r"(?-u:\b)[rs]k_live_[A-Za-z0-9]{20,}",
        check: Check::Plain,
    },
    Sig {
        id: "CTX157",
        re: r"(?-u:\b)npm_[A-Za-z0-9]{36}(?-u:\b)",
        check: Check::Plain,
    },
    Sig {
        id: "CTX158",
        re: r"pypi-AgEIcHlwaS5vcmc[A-Za-z0-9_-]{50,}",
        check: Check::Plain,
    },
    Sig {
        id: "CTX159",
        re: concat!(
            r#"(?m)^[ \t]*(?://[^\s=]*:)?_(?:authToken|auth|password)[ \t]*=[ \t]*["']?[^\s"'$]"#,
            r#"|(?m)^[ \t]*npmAuthToken[ \t]*:[ \t]*["']?[^\s"'$]"#,
        ),
        check: Check::Plain,
    },
    Sig {
        id: "CTX160",
        // The value of a real key file is a PEM block; a form or a doc page showing the layout
        // (`"private_key": "<private_key>"`) is not a key.
        re: r#""private_key"\s*:\s*"-----BEGIN [A-Z ]*PRIVATE KEY-----"#,
        check: Check::Requires(r#""type"\s*:\s*"service_account""#),
    },
    Sig {
        id: "CTX161",
        re: r#""(?:auth|identitytoken)"\s*:\s*"[A-Za-z0-9+/=_.-]{8,}""#,
        check: Check::Requires(r#""auths"\s*:\s*\{"#),
    },
    Sig {
        id: "CTX162",
        re: r"(?-u:\b)AIza[0-9A-Za-z_-]{35}",
        check: Check::Plain,
    },
    Sig {
        id: "CTX163",
        re: r"AGE-SECRET-KEY-1[0-9A-Z]{58}",
        check: Check::Plain,
    },
    Sig {
        id: "CTX164",
        re: r"sk-ant-(?:api03|admin01)-[A-Za-z0-9_-]{80,}",
        check: Check::Plain,
    },
    Sig {
        id: "CTX165",
        re: r"(?-u:\b)sk-[A-Za-z0-9_-]{16,}T3BlbkFJ[A-Za-z0-9_-]{16,}",
        check: Check::Plain,
    },
    Sig {
        id: "CTX166",
        re: r"AccountKey=[A-Za-z0-9+/]{86}==",
        // The Azurite emulator's account key (`devstoreaccount1`), the same in every copy of
        // its documentation and in every local-storage test: public, not a secret.
        check: Check::NotSample(&[
            "AccountKey=Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq",
        ]),
    },
    Sig {
        id: "CTX167",
        // Documents the shape; the scan is `url_password_offsets`.
        re: r"[a-z][a-z0-9+.-]*://[^/\s:@]*:[^@\s/]+@",
        check: Check::UrlPassword,
    },
    Sig {
        id: "CTX168",
        // The secret half of an AWS key pair, assigned without its `AKIA…` ID nearby (a Spring
        // `application-local.properties`, a shell profile).
        re: r#"(?i:secret_?access_?key|aws[._-]?secret[._-]?key)["']?[ \t]*[:=][ \t]*["']?[A-Za-z0-9/+]{40}(?:[^A-Za-z0-9/+=]|$)"#,
        check: Check::Plain,
    },
    Sig {
        id: "CTX169",
        // Documents the shape; the scan is `assigned_secret_offsets`.
        re: r#"(?i)[\w.-]*(?:secret|token|passw(?:or)?d|api[_-]?key|private[_-]?key|auth[_-]?key|access[_-]?key)[\w.-]*["'\]]?\s*(?::=|=>|=|:)\s*["'`]?[^\s"'`]{12,}"#,
        check: Check::Assigned,
    },
    Sig {
        id: "CTX171",
        re: r"(?-u:\b)SG\.[A-Za-z0-9_-]{22}\.[A-Za-z0-9_-]{43}(?-u:\b)",
        check: Check::Plain,
    },
    Sig {
        id: "CTX172",
        re: r"(?-u:\b)hf_[A-Za-z]{34}(?-u:\b)",
        check: Check::Plain,
    },
    Sig {
        id: "CTX173",
        re: r"(?-u:\b)do[opr]_v1_[a-f0-9]{64}(?-u:\b)",
        check: Check::Plain,
    },
    Sig {
        id: "CTX174",
        // Vault service and batch tokens; Terraform Cloud / Enterprise API tokens.
        re: r"(?-u:\b)hv[sb]\.[A-Za-z0-9_-]{90,}|(?-u:\b)[A-Za-z0-9]{14}\.atlasv1\.[A-Za-z0-9_=-]{60,70}",
        check: Check::Plain,
    },
    Sig {
        id: "CTX175",
        re: r"(?-u:\b)shp(?:at|ca|pa|ss)_[a-fA-F0-9]{32}(?-u:\b)",
        check: Check::Plain,
    },
    Sig {
        id: "CTX176",
        re: r"(?-u:\b)[0-9]{8,10}:AA[A-Za-z0-9_-]{33}(?:[^A-Za-z0-9_-]|$)",
        check: Check::Plain,
    },
    Sig {
        id: "CTX177",
        re: r"GOCSPX-[A-Za-z0-9_-]{28}",
        check: Check::Plain,
    },
    Sig {
        id: "CTX178",
        re: r"(?-u:\b)glsa_[A-Za-z0-9]{32}_[A-Fa-f0-9]{8}(?-u:\b)|(?-u:\b)glc_[A-Za-z0-9+/]{32,400}",
        check: Check::Plain,
    },
    Sig {
        id: "CTX179",
        // Postman, Linear, New Relic user keys, Doppler, Pulumi, Docker Hub access tokens.
        re: concat!(
            r"(?-u:\b)PMAK-[a-f0-9]{24}-[a-f0-9]{34}(?-u:\b)|(?-u:\b)lin_api_[A-Za-z0-9]{40}(?-u:\b)",
            r"|(?-u:\b)NRAK-[A-Z0-9]{27}(?-u:\b)|(?-u:\b)dp\.(?:pt|st|sa|ct|scim|audit)\.[A-Za-z0-9]{40,44}(?-u:\b)",
            r"|(?-u:\b)pul-[a-f0-9]{40}(?-u:\b)|(?-u:\b)dckr_(?:pat|oat)_[A-Za-z0-9_-]{27,}",
        ),
        check: Check::Plain,
    },
    Sig {
        id: "CTX180",
        re: r"(?-u:\b)[rs]k_test_[A-Za-z0-9]{20,}",
        check: Check::Plain,
    },
    Sig {
        id: "CTX181",
        re: r"(?-u:\b)eyJ[A-Za-z0-9_-]{10,}\.eyJ[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]{16,}",
        // jwt.io's sample (`"sub": "1234567890", "name": "John Doe"`) and Supabase's local demo
        // keys (issuer `supabase-demo`), printed in countless docs and tutorials.
        check: Check::NotSample(&[
            ".eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4gRG9lIi",
            ".eyJpc3MiOiJzdXBhYmFzZS1kZW1vIi",
        ]),
    },
    Sig {
        id: "CTX182",
        re: r"discord(?:app)?\.com/api/webhooks/[0-9]{17,20}/[A-Za-z0-9_-]{60,68}",
        check: Check::Plain,
    },
    Sig {
        id: "CTX183",
        // Mailgun's (legacy) private API key.
        re: r"key-[0-9a-z]{32}(?-u:\b)",
        check: Check::Standalone,
    },
    Sig {
        id: "CTX184",
        // An HTTP Authorization header with a literal bearer token (a curl example, a request
        // in a doc or a script); the token is the match's last run of token characters.
        re: r#"(?i:authorization)["']?[ \t]*[:=][ \t]*["']?(?i:bearer)[ \t]+[A-Za-z0-9._~+/-]{16,}=*"#,
        check: Check::Bearer,
    },
    Sig {
        id: "CTX185",
        // Documents the shape; the scan is `assigned_offsets`.
        re: r#"(?i)[\w.-]*passw(?:or)?d["']?\s*[:=]\s*["']?[A-Za-z][A-Za-z0-9_-]{11,}"#,
        check: Check::Readable,
    },
];

struct Compiled {
    id: &'static str,
    re: Regex,
    check: CompiledCheck,
}

enum CompiledCheck {
    Plain,
    NotExample,
    Requires(Regex),
    NotSample(&'static [&'static str]),
    UrlPassword,
    Assigned,
    Readable,
    Standalone,
    Bearer,
}

fn compiled() -> &'static [Compiled] {
    static C: OnceLock<Vec<Compiled>> = OnceLock::new();
    C.get_or_init(|| {
        let re = |s: &str| Regex::new(s).unwrap_or_else(|e| panic!("built-in regex {s:?}: {e}"));
        SIGS.iter()
            .map(|s| Compiled {
                id: s.id,
                re: re(s.re),
                check: match s.check {
                    Check::Plain => CompiledCheck::Plain,
                    Check::NotExample => CompiledCheck::NotExample,
                    Check::Requires(r) => CompiledCheck::Requires(re(r)),
                    Check::NotSample(v) => CompiledCheck::NotSample(v),
                    Check::UrlPassword => CompiledCheck::UrlPassword,
                    Check::Assigned => CompiledCheck::Assigned,
                    Check::Readable => CompiledCheck::Readable,
                    Check::Standalone => CompiledCheck::Standalone,
                    Check::Bearer => CompiledCheck::Bearer,
                },
            })
            .collect()
    })
}

/// Literals at least one of which occurs in any text a signature matches. One SIMD pass over a
/// clean file (most files) decides there is nothing to look at, instead of one regex pass per
/// signature. The detection tests fail if a signature lacks its anchor here.
const ANCHORS: &[&str] = &[
    "PRIVATE KEY",
    "BEGIN SSH2 ENCRYPTED",
    "PuTTY-User-Key-File-",
    "LS0tLS1CRUdJTi",
    "AKIA",
    "ASIA",
    "ABIA",
    "ACCA",
    "ghp_",
    "gho_",
    "ghu_",
    "ghs_",
    "ghr_",
    "github_pat_",
    "glpat-",
    "xox",
    "hooks.slack.com/services/",
    "k_live_",
    "npm_",
    "pypi-AgEIcHlwaS5vcmc",
    "_auth",
    "_password",
    "npmAuthToken",
    "\"private_key\"",
    "\"auth\"",
    "\"identitytoken\"",
    "AIza",
    "AGE-SECRET-KEY-1",
    "sk-ant-",
    "T3BlbkFJ",
    "AccountKey=",
    "ECRET_ACCESS_KEY",
    "ecret_access_key",
    "ecretAccessKey",
    "ecretaccesskey",
    "ECRETACCESSKEY",
    "ws.secretKey",
    "WS_SECRET_KEY",
    "ws_secret_key",
    "xapp-",
    "SG.",
    "hf_",
    "dop_v1_",
    "doo_v1_",
    "dor_v1_",
    "hvs.",
    "hvb.",
    ".atlasv1.",
    "shpat_",
    "shpca_",
    "shppa_",
    "shpss_",
    ":AA",
    "GOCSPX-",
    "glsa_",
    "glc_",
    "PMAK-",
    "lin_api_",
    "NRAK-",
    "dp.pt.",
    "dp.st.",
    "dp.sa.",
    "dp.ct.",
    "dp.scim.",
    "dp.audit.",
    "pul-",
    "dckr_pat_",
    "dckr_oat_",
    "k_test_",
    "eyJ",
    "/api/webhooks/",
    "key-",
    "Bearer",
    "bearer",
    "BEARER",
];

/// Whether `bytes` holds any of [`ANCHORS`] (small Teddy searchers by anchor length: see
/// [`super::literals`]).
fn any_anchor(bytes: &[u8]) -> bool {
    static C: OnceLock<super::literals::Literals> = OnceLock::new();
    C.get_or_init(|| super::literals::Literals::new(ANCHORS))
        .any(bytes)
}

/// IDs of the content rules, in scan order.
pub(crate) fn content_rule_ids() -> impl Iterator<Item = &'static str> {
    SIGS.iter().map(|s| s.id)
}

/// Whether `bytes` is binary: a NUL byte within its first [`BINARY_SNIFF_LEN`] bytes.
pub(crate) fn is_binary(bytes: &[u8]) -> bool {
    memchr::memchr(0, &bytes[..bytes.len().min(BINARY_SNIFF_LEN)]).is_some()
}

/// Finds secret signatures in `bytes` (a whole file, or its first
/// `content_max` bytes).
///
/// Returns hits sorted by line, then rule ID; at most one per rule and line
/// and at most `MAX_CONTENT_HITS` in total. Returns nothing for binary
/// content (a NUL byte within the first `BINARY_SNIFF_LEN` bytes). Never
/// returns or keeps the matched text. Linear in `bytes.len()` per rule.
pub fn scan_content(bytes: &[u8]) -> Vec<ContentHit> {
    if is_binary(bytes) {
        return Vec::new();
    }
    scan(bytes, true, super::assigned::FileKind::Config)
}

/// [`scan_content`] for the file at `path` (relative to the context): the npm/yarn-config
/// signature (CTX159: `_password=`, `_auth=` lines) applies only to files named like one
/// (`.npmrc`, `.yarnrc`, `.yarnrc.yml`, `*.npmrc`), so that code assigning `_password = …` is
/// not taken for a registry login. The file's extension tells CTX169 how to read it (see
/// [`super::assigned::FileKind`]). For text: the caller checks [`is_binary`] first (the
/// findings' reader does, once per file).
pub(crate) fn scan_content_at(path: &[u8], bytes: &[u8]) -> Vec<ContentHit> {
    let name = path.rsplit(|&b| b == b'/').next().unwrap_or(path);
    let low = name.to_ascii_lowercase();
    let npmrc = low.ends_with(b".npmrc") || low.starts_with(b".yarnrc") || low == b"npmrc";
    scan(bytes, npmrc, super::assigned::FileKind::of(path))
}

/// Whether a token's random part looks like a documentation placeholder: one character
/// repeated (`ghp_xxxx…`), `XXXX`/`0000` runs, or too few distinct characters for a real
/// random token.
fn placeholder(m: &[u8]) -> bool {
    // The part after the prefix: the longest trailing run of token characters.
    let body_start = m
        .iter()
        .rposition(|b| !(b.is_ascii_alphanumeric()))
        .map_or(0, |k| k + 1);
    let body = &m[body_start..];
    if body.len() < 16 {
        return false;
    }
    let low = body.to_ascii_lowercase();
    if ["xxxx", "0000", "example", "abcdefgh", "12345678", "your"]
        .iter()
        .any(|p| memchr::memmem::find(&low, p.as_bytes()).is_some())
    {
        return true;
    }
    let mut seen = [false; 256];
    for &b in body {
        seen[b as usize] = true;
    }
    seen.iter().filter(|&&x| x).count() < 8
}

/// Whether the key block that `rest` continues elides its body: an ellipsis (`...` or `…`)
/// before its `-----END` line (or within 16 KiB when there is none). A real key's base64 body
/// never holds one; documentation that truncates a key (`MIIEog…\n...\n…Yc=`) does.
fn elided_block(rest: &[u8]) -> bool {
    let rest = &rest[..rest.len().min(16 * 1024)];
    let body = memchr::memmem::find(rest, b"-----END").map_or(rest, |e| &rest[..e]);
    memchr::memmem::find(body, b"...").is_some()
        || memchr::memmem::find(body, "\u{2026}".as_bytes()).is_some()
}

/// Whether the key block starting at `start` is assigned, on its own line, to a name that says
/// it is a test double (`const TEST_FAKE_RSA_KEY_0: &str = "-----BEGIN …`, `"dummyKey": "…`):
/// the words CTX169 leaves out of secret names (fake, dummy, mock, example, sample, test, demo).
fn test_double_key(bytes: &[u8], start: usize) -> bool {
    let from = start.saturating_sub(200);
    let ls = memchr::memrchr(b'\n', &bytes[from..start]).map_or(from, |k| from + k + 1);
    let prefix = &bytes[ls..start];
    prefix.iter().any(|&b| b == b'=' || b == b':')
        && super::assigned::name_words(prefix).iter().any(|w| {
            matches!(
                w.as_slice(),
                b"fake" | b"dummy" | b"mock" | b"example" | b"sample" | b"test" | b"demo"
            )
        })
}

/// Whether a URL's password looks like a real one: at least 8 characters, not the user name,
/// not a placeholder (`<pw>`, `${PW}`, `changeme`, `YOUR_TOKEN`, `PERSONAL_ACCESS_TOKEN`, …)
/// and mixed like a generated or chosen password (three of lower case, upper case, digits and
/// symbols, or two in 16 or more characters). `postgres:postgres@`, `user:mysecretpassword@`
/// and `admin:admin123@` in compose files and docs are not.
fn strong_url_password(user: &[u8], pw: &[u8]) -> bool {
    if pw.len() < 8 || pw.eq_ignore_ascii_case(user) || !super::extra::literal_secret_value(pw) {
        return false;
    }
    let low = pw.to_ascii_lowercase();
    if ["password", "passw", "secret", "token", "user", "admin"]
        .iter()
        .any(|p| memchr::memmem::find(&low, p.as_bytes()).is_some())
    {
        return false;
    }
    // The same words spelt with the usual substitutions, as documentation writes an example
    // password (`P@ssw0rd`, `Pa$$word`, `S3cr3t`) or URL-encodes one (`p%40ss%23word` for
    // `p@ss#word`, the example of how to encode special characters).
    let plain = spelt_out(pw);
    if ["password", "passwd", "secret"]
        .iter()
        .any(|p| reads_as(&plain, p.as_bytes()))
    {
        return false;
    }
    // An upper-case name (`ACCESS_TOKEN`, `PASSWORD`) stands for the value.
    if pw.iter().all(|b| b.is_ascii_uppercase() || *b == b'_')
        || pw
            .iter()
            .all(|b| b.is_ascii_lowercase() || *b == b'_' || *b == b'-')
    {
        return false;
    }
    let classes = [
        pw.iter().any(u8::is_ascii_lowercase),
        pw.iter().any(u8::is_ascii_uppercase),
        pw.iter().any(u8::is_ascii_digit),
        pw.iter().any(|b| !b.is_ascii_alphanumeric()),
    ]
    .iter()
    .filter(|&&c| c)
    .count();
    classes >= 3 || (pw.len() >= 16 && classes >= 2)
}

/// A URL password's letters as read: percent-encoding decoded, the usual look-alike digits and
/// symbols read as letters (`@`, `4` as a, `$`, `5` as s, `0` as o, `3` as e, `1` as i, `7` as
/// t), other symbols as `?` (see [`reads_as`]), lower case: `P%40ss%23w0rd` reads `pass?word`.
fn spelt_out(pw: &[u8]) -> Vec<u8> {
    let hex = |b: u8| (b as char).to_digit(16).map(|d| d as u8);
    let mut decoded = Vec::with_capacity(pw.len());
    let mut i = 0;
    while i < pw.len() {
        match (
            pw[i],
            pw.get(i + 1).copied().and_then(hex),
            pw.get(i + 2).copied().and_then(hex),
        ) {
            (b'%', Some(h), Some(l)) => {
                decoded.push(h * 16 + l);
                i += 3;
            }
            (b, _, _) => {
                decoded.push(b);
                i += 1;
            }
        }
    }
    decoded
        .iter()
        .filter_map(|&b| match b.to_ascii_lowercase() {
            b'@' | b'4' => Some(b'a'),
            b'$' | b'5' => Some(b's'),
            b'0' => Some(b'o'),
            b'3' => Some(b'e'),
            b'1' => Some(b'i'),
            b'7' => Some(b't'),
            c if c.is_ascii_alphabetic() => Some(c),
            c if c.is_ascii_digit() => None,
            _ => Some(b'?'),
        })
        .collect()
}

/// Whether `word` occurs in a [`spelt_out`] reading, each `?` (a symbol) either left out
/// (`pass?word`, `p@ss#word` encoded) or standing for one letter (`p?ssword`, the `p=ssword` a
/// how-to percent-encodes as `p%3Dssword`).
fn reads_as(plain: &[u8], word: &[u8]) -> bool {
    // The prefixes of `word` matched so far, as bits (`word` is a short literal); one pass.
    let done = 1u32 << word.len();
    let mut reached = 0u32;
    for &c in plain {
        let from = reached | 1;
        let mut next = if c == b'?' { from } else { 0 };
        for (j, &l) in word.iter().enumerate() {
            if from & (1 << j) != 0 && (c == b'?' || c == l) {
                next |= 1 << (j + 1);
            }
        }
        if next & done != 0 {
            return true;
        }
        reached = next;
    }
    false
}

/// Offsets of URLs with a strong literal password (`scheme://user:pw@host`, see
/// [`strong_url_password`]), each with [`HitNote::LocalServer`] when the host is the machine
/// itself ([`local_host`]) and the password does not look generated. One `memmem` pass for
/// `://`, then a bounded look at each.
fn url_password_offsets(bytes: &[u8]) -> Vec<(usize, Option<HitNote>)> {
    let mut out = Vec::new();
    for i in memchr::memmem::find_iter(bytes, b"://") {
        // The scheme: letters, digits, `+.-`, starting with a letter.
        let scheme_start = bytes[..i]
            .iter()
            .rposition(|b| !(b.is_ascii_alphanumeric() || matches!(b, b'+' | b'.' | b'-')))
            .map_or(0, |k| k + 1);
        if scheme_start == i || !bytes[scheme_start].is_ascii_alphabetic() {
            continue;
        }
        let rest = &bytes[i + 3..bytes.len().min(i + 3 + 512)];
        let Some(at) = rest.iter().position(|&b| {
            b == b'@'
                || b == b'/'
                || b.is_ascii_whitespace()
                || matches!(b, b'"' | b'\'' | b'`' | b'<' | b'>' | b'(' | b')' | b'\\')
        }) else {
            continue;
        };
        if rest[at] != b'@'
            || !rest
                .get(at + 1)
                .is_some_and(|b| b.is_ascii_alphanumeric() || *b == b'[')
        {
            continue;
        }
        let info = &rest[..at];
        let Some(colon) = info.iter().position(|&b| b == b':') else {
            continue;
        };
        if documentation_host(&rest[at + 1..]) || placeholder_value(bytes, scheme_start) {
            continue;
        }
        let pw = &info[colon + 1..];
        if strong_url_password(&info[..colon], pw) {
            let local = local_host(&rest[at + 1..]) && !super::assigned::random_password(pw);
            out.push((scheme_start, local.then_some(HitNote::LocalServer)));
            if out.len() == MAX_CONTENT_HITS {
                break;
            }
        }
    }
    out
}

/// Whether the URL starting at `start` is the value of a `placeholder` key or attribute: a
/// form's hint of what to type (appwrite's `'placeholder' => 'mongodb+srv://user:…@cluster…'`,
/// an input's `placeholder="postgres://…"`, `dbUrlPlaceholder: '…'`), not a credential. The key
/// may end the line before, the value wrapped onto a line of its own.
fn placeholder_value(bytes: &[u8], start: usize) -> bool {
    fn trim_end(mut s: &[u8]) -> &[u8] {
        while let [rest @ .., last] = s {
            if !(last.is_ascii_whitespace() || matches!(last, b'"' | b'\'' | b'`' | b'{')) {
                break;
            }
            s = rest;
        }
        s
    }
    let line_start = memchr::memrchr(b'\n', &bytes[..start]).map_or(0, |k| k + 1);
    let mut before = trim_end(&bytes[line_start..start]);
    if before.is_empty() && line_start > 0 {
        let prev_start = memchr::memrchr(b'\n', &bytes[..line_start - 1]).map_or(0, |k| k + 1);
        before = trim_end(&bytes[prev_start..line_start - 1]);
    }
    let Some(key) = before
        .strip_suffix(b"=>")
        .or_else(|| before.strip_suffix(b"="))
        .or_else(|| before.strip_suffix(b":"))
    else {
        return false;
    };
    trim_end(key).to_ascii_lowercase().ends_with(b"placeholder")
}

/// Whether the host a URL's `@` leads to (`rest` starts after the `@`) is one reserved for
/// documentation (RFC 2606: `example.com`, `example.org`, `example.net` and their subdomains,
/// the `.example` and `.invalid` top-level domains): no service answers there, so the password
/// in front of it is a stand-in (`https://admin:…@app.example.com/x`, a redaction test's input).
fn documentation_host(rest: &[u8]) -> bool {
    let end = rest
        .iter()
        .position(|&b| !(b.is_ascii_alphanumeric() || matches!(b, b'.' | b'-')))
        .unwrap_or(rest.len());
    let host = rest[..end].to_ascii_lowercase();
    let host = host.strip_suffix(b".").unwrap_or(&host);
    [
        "example.com",
        "example.org",
        "example.net",
        "example",
        "invalid",
    ]
    .iter()
    .any(|d| {
        host == d.as_bytes()
            || host
                .strip_suffix(d.as_bytes())
                .is_some_and(|h| h.ends_with(b"."))
    })
}

/// Whether the host a URL's `@` leads to (`rest` starts after the `@`) is the machine itself:
/// `localhost` (and `*.localhost`, RFC 6761), a loopback address (`127.0.0.1`, any `127.x.y.z`,
/// `[::1]`) or the unspecified one (`0.0.0.0`, `[::]`). A password for a server there is most
/// often a local development default (a test tool's DSN for a database it starts itself).
fn local_host(rest: &[u8]) -> bool {
    let host = if rest.first() == Some(&b'[') {
        let Some(end) = memchr::memchr(b']', rest) else {
            return false;
        };
        &rest[..=end]
    } else {
        let end = rest
            .iter()
            .position(|&b| !(b.is_ascii_alphanumeric() || matches!(b, b'.' | b'-' | b'_')))
            .unwrap_or(rest.len());
        &rest[..end]
    };
    let host = host.to_ascii_lowercase();
    let host = host.strip_suffix(b".").unwrap_or(&host);
    let loopback_v4 = host.strip_prefix(b"127.").is_some_and(|r| {
        r.split(|&b| b == b'.').count() == 3
            && r.split(|&b| b == b'.')
                .all(|p| !p.is_empty() && p.len() <= 3 && p.iter().all(u8::is_ascii_digit))
    });
    loopback_v4
        || host == b"localhost"
        || host.ends_with(b".localhost")
        || host == b"localhost.localdomain"
        || host == b"0.0.0.0"
        || host == b"[::1]"
        || host == b"[::]"
        || host == b"[0:0:0:0:0:0:0:1]"
}

/// Whether a part of a value is made up by hand: a run of 8 or more letters and digits in which
/// at least three steps in four repeat the character before or go one up from it (`111122223`,
/// `123456789`, `abcdefgh`, `aaaabbbb`). A generated token has such a run by chance about once
/// in thousands (digits) to never (mixed characters).
fn made_up(v: &[u8]) -> bool {
    v.split(|b| !b.is_ascii_alphanumeric()).any(|part| {
        if part.len() < 8 {
            return false;
        }
        let steps = part
            .windows(2)
            .filter(|w| {
                let (a, b) = (w[0].to_ascii_lowercase(), w[1].to_ascii_lowercase());
                b == a || b == a.wrapping_add(1)
            })
            .count();
        steps * 4 >= (part.len() - 1) * 3
    })
}

/// The value of a name-and-value hit starting at `start` (the name): after the first `=` or
/// `:` on the line, quotes and spaces skipped, up to the next space or quote.
fn value_after(bytes: &[u8], start: usize, le: usize) -> &[u8] {
    let line = &bytes[start..le];
    let Some(op) = line.iter().position(|&b| b == b'=' || b == b':') else {
        return &[];
    };
    let rest = &line[op + 1..];
    let from = rest
        .iter()
        .position(|b| !(b.is_ascii_whitespace() || matches!(b, b'"' | b'\'' | b'`')))
        .unwrap_or(rest.len());
    let rest = &rest[from..];
    let to = rest
        .iter()
        .position(|b| b.is_ascii_whitespace() || matches!(b, b'"' | b'\'' | b'`'))
        .unwrap_or(rest.len());
    &rest[..to]
}

/// What documentation says about the hit at `start..end` (`end` is `None` for a name-and-value
/// hit, whose value is read after the name): [`HitNote::MadeUp`] when the value is
/// ([`made_up`]), [`HitNote::TestServer`] for a name-and-value hit when the lines around it name
/// a public test or demo server ([`super::testserver`]), [`HitNote::DocExample`] when the text shows it as an example
/// (an example's introduction in the eight lines above, a command's output, a section headed as
/// examples).
fn doc_note(bytes: &[u8], start: usize, end: Option<usize>) -> Option<HitNote> {
    let ls = memchr::memrchr(b'\n', &bytes[..start]).map_or(0, |k| k + 1);
    let le = memchr::memchr(b'\n', &bytes[start..]).map_or(bytes.len(), |k| start + k);
    let le = le.min(start + 1024);
    let value = match end {
        Some(e) => &bytes[start..e.min(bytes.len())],
        None => value_after(bytes, start, le),
    };
    if made_up(value) {
        return Some(HitNote::MadeUp);
    }
    // A password (a URL's, or a secret-named value), not a service's token (`ghp_…`): that is
    // no test server's published credential.
    if end.is_none() && super::testserver::near_public_test_server(bytes, ls, le) {
        return Some(HitNote::TestServer);
    }
    (super::assigned::shown_example(&bytes[..ls]) || super::assigned::example_section(&bytes[..ls]))
        .then_some(HitNote::DocExample)
}

/// Whether the line holding offset `off` carries an inline "not a secret" marker that secret
/// scanners agree on: `gitleaks:allow` (gitleaks) or `pragma: allowlist secret`
/// (detect-secrets). A project that marked a sample token so is not leaking it.
fn allowed_line(bytes: &[u8], off: usize) -> bool {
    let start = memchr::memrchr(b'\n', &bytes[..off]).map_or(0, |k| k + 1);
    let end = memchr::memchr(b'\n', &bytes[off..]).map_or(bytes.len(), |k| off + k);
    let l = &bytes[start..end];
    memchr::memmem::find(l, b"gitleaks:allow").is_some()
        || memchr::memmem::find(l, b"pragma: allowlist secret").is_some()
}

/// The scan of text (the caller has ruled out binary content with [`is_binary`]).
fn scan(bytes: &[u8], npmrc: bool, kind: super::assigned::FileKind) -> Vec<ContentHit> {
    let urls = url_password_offsets(bytes);
    let assigned = super::assigned::assigned_offsets(bytes, kind, MAX_CONTENT_HITS);
    if urls.is_empty()
        && assigned.random.is_empty()
        && assigned.readable.is_empty()
        && !any_anchor(bytes)
    {
        return Vec::new();
    }
    let doc = kind == super::assigned::FileKind::Doc;
    // (offset, rule index, note) of each hit; text is never kept.
    let mut found: Vec<(usize, usize, Option<HitNote>)> = Vec::new();
    for (ri, c) in compiled().iter().enumerate() {
        if !npmrc && c.id == "CTX159" {
            continue;
        }
        if matches!(c.check, CompiledCheck::UrlPassword) {
            found.extend(urls.iter().map(|&(o, n)| (o, ri, n)));
            continue;
        }
        if matches!(c.check, CompiledCheck::Assigned) {
            found.extend(assigned.random.iter().map(|&o| (o, ri, None)));
            continue;
        }
        if matches!(c.check, CompiledCheck::Readable) {
            found.extend(assigned.readable.iter().map(|&o| (o, ri, None)));
            continue;
        }
        if let CompiledCheck::Requires(ref req) = c.check {
            if !req.is_match(bytes) {
                continue;
            }
        }
        let mut per_rule = 0;
        for m in c.re.find_iter(bytes) {
            if matches!(c.check, CompiledCheck::NotExample) && m.as_bytes().ends_with(b"EXAMPLE") {
                continue;
            }
            if matches!(c.check, CompiledCheck::Standalone)
                && m.start() > 0
                && (bytes[m.start() - 1].is_ascii_alphanumeric()
                    || matches!(bytes[m.start() - 1], b'_' | b'-' | b'.' | b'/'))
            {
                continue;
            }
            if matches!(c.check, CompiledCheck::Bearer) && !bearer_token(bytes, &m, kind) {
                continue;
            }
            if let CompiledCheck::NotSample(samples) = c.check {
                if samples
                    .iter()
                    .any(|x| memchr::memmem::find(m.as_bytes(), x.as_bytes()).is_some())
                {
                    continue;
                }
            }
            // A key block whose body is cut short with `...` (a README showing the layout of a
            // key) is not a key.
            // (The base64-encoded form has no lines to elide: its body is one run.)
            if c.id == "CTX150"
                && ((!m.as_bytes().starts_with(b"LS0t") && elided_block(&bytes[m.end()..]))
                    || test_double_key(bytes, m.start()))
            {
                continue;
            }
            // The same for a service-account key whose `"private_key"` string is cut short
            // (`"-----BEGIN PRIVATE KEY-----\\n...\\n-----END …"` in a help text showing a key
            // file's layout). The body ends with the JSON string: a PEM holds no `"`.
            if c.id == "CTX160" {
                let rest = &bytes[m.end()..];
                let string = memchr::memchr(b'"', rest).map_or(rest, |q| &rest[..q]);
                if elided_block(string) {
                    continue;
                }
            }
            // Private keys and config lines have no token body to judge.
            // (A match may end in the byte after the token: CTX168 takes exactly 40.)
            let mb = m.as_bytes();
            let token = &mb[..mb
                .iter()
                .rposition(|b| b.is_ascii_alphanumeric())
                .map_or(0, |k| k + 1)];
            if !matches!(c.id, "CTX150" | "CTX159" | "CTX160" | "CTX161" | "CTX167")
                && placeholder(token)
            {
                continue;
            }
            found.push((
                m.start(),
                ri,
                doc.then(|| doc_note(bytes, m.start(), Some(m.end())))
                    .flatten(),
            ));
            per_rule += 1;
            if per_rule == MAX_CONTENT_HITS {
                break;
            }
        }
    }
    found.sort_unstable();
    // One pass over the buffer turns sorted offsets into line numbers.
    let sigs = compiled();
    let mut hits: Vec<ContentHit> = Vec::with_capacity(found.len().min(MAX_CONTENT_HITS));
    let mut line = 1;
    let mut pos = 0;
    for (off, ri, note) in found {
        line += bytes[pos..off].iter().filter(|&&b| b == b'\n').count();
        pos = off;
        if allowed_line(bytes, off) {
            continue;
        }
        // Documentation's own word on a URL or a name-and-value hit (a regex hit has it already).
        let note = match note {
            None if doc
                && matches!(
                    sigs[ri].check,
                    CompiledCheck::UrlPassword | CompiledCheck::Assigned | CompiledCheck::Readable
                ) =>
            {
                doc_note(bytes, off, None)
            }
            n => n,
        };
        let hit = ContentHit {
            rule: sigs[ri].id,
            line,
            note,
        };
        if !hits
            .iter()
            .any(|h| h.rule == hit.rule && h.line == hit.line)
        {
            hits.push(hit);
            if hits.len() == MAX_CONTENT_HITS {
                break;
            }
        }
    }
    hits.sort_unstable_by_key(|h| (h.line, h.rule));
    // A token another rule names (`apiKey: "AIza…"`, `Authorization: Bearer ghp_…`) is reported
    // by that rule alone.
    let named: Vec<usize> = hits
        .iter()
        .filter(|h| !GENERIC_RULES.contains(&h.rule))
        .map(|h| h.line)
        .collect();
    hits.retain(|h| !GENERIC_RULES.contains(&h.rule) || !named.contains(&h.line));
    hits
}

/// The generic rules (a secret-named assignment, a bearer token, a readable password): silent on
/// a line another content rule reports.
const GENERIC_RULES: &[&str] = &["CTX169", "CTX184", "CTX185"];

/// Whether a CTX184 match ends in a token that looks generated (not `Bearer YOUR_TOKEN`,
/// `Bearer xxxxxxxx…`; `$TOKEN`, `<token>`, `${API_KEY}` and `{{token}}` do not match at all),
/// and, in documentation, is not introduced as an example.
fn bearer_token(bytes: &[u8], m: &regex::bytes::Match, kind: super::assigned::FileKind) -> bool {
    let mb = m.as_bytes();
    let start = mb
        .iter()
        .rposition(|b| matches!(b, b' ' | b'\t'))
        .map_or(0, |k| k + 1);
    let token = &mb[start..];
    // The token must end there: `Bearer abc…def$X` or `…{{x}}` is a template, not a literal.
    if bytes
        .get(m.end())
        .is_some_and(|b| matches!(b, b'$' | b'{' | b'<' | b'%' | b'*'))
    {
        return false;
    }
    if !super::assigned::random_token(token) {
        return false;
    }
    let ls = memchr::memrchr(b'\n', &bytes[..m.start()]).map_or(0, |k| k + 1);
    if kind == super::assigned::FileKind::Doc {
        // A page's sample token: shown earlier as an example or output, or written into several
        // code samples (ntfy's docs: one access token in eight language tabs).
        return !(super::assigned::shown_example(&bytes[..ls])
            || super::assigned::example_section(&bytes[..ls])
            || super::assigned::reused::shown_earlier(bytes, ls, m.end())
            || super::assigned::reused::in_code_samples(bytes, ls, m.end()));
    }
    // Documentation embedded in a string literal (`"…for instance:\n```bash\n-H 'Authorization: …"`).
    !super::assigned::embedded_example(&bytes[ls.max(m.start().saturating_sub(4096))..m.start()])
}
