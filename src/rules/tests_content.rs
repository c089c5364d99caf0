//! Content-signature tests (split from `tests.rs`).
//!
//! Every fake credential below is assembled at run time by concatenation, so
//! this file never contains a literal that looks like a real token.

use super::content::{content_rule_ids, BINARY_SNIFF_LEN};
use super::*;

fn rs() -> RuleSet {
    RuleSet::new(&RuleConfig::default())
}

// ---------------------------------------------------------------------------
// Content signatures

/// Fake credentials, assembled so no token-like literal is in the source.
struct Fakes;

impl Fakes {
    /// `s.len() * n` pseudo-random characters from the classes `s` uses (upper case, lower
    /// case, digits): a token body as random as a real one, the same on every run.
    fn rep(s: &str, n: usize) -> String {
        let mut alphabet = Vec::new();
        if s.bytes().any(|b| b.is_ascii_uppercase()) {
            alphabet.extend(b'A'..=b'Z');
        }
        if s.bytes().any(|b| b.is_ascii_lowercase()) {
            alphabet.extend(b'a'..=b'z');
        }
        if s.bytes().any(|b| b.is_ascii_digit()) {
            alphabet.extend(b'0'..=b'9');
        }
        let mut x = s.bytes().fold(0x9e37_79b9_7f4a_7c15u64 ^ n as u64, |h, b| {
            (h ^ u64::from(b)).wrapping_mul(0x100_0000_01b3)
        }) | 1;
        (0..s.len() * n)
            .map(|_| {
                x ^= x << 13;
                x ^= x >> 7;
                x ^= x << 17;
                char::from(alphabet[(x % alphabet.len() as u64) as usize])
            })
            .collect()
    }
    fn pem(kind: &str) -> String {
        let begin = ["-----BEGIN ", kind, "PRIVATE KEY", "-----"].concat();
        let end = ["-----END ", kind, "PRIVATE KEY", "-----"].concat();
        format!(
            "{begin}\n{}\n{}\n{end}\n",
            Self::rep("QUJD", 16),
            Self::rep("ZmFr", 10)
        )
    }
    fn aws() -> String {
        ["AK", "IA", "QZ7T", &Self::rep("X", 8), "2345"].concat()
    }
    fn github(prefix: &str) -> String {
        [prefix, "_", &Self::rep("a1B2", 9)].concat()
    }
    fn github_pat() -> String {
        [
            "github",
            "_pat_",
            &Self::rep("A1b2c", 12),
            "_",
            &Self::rep("z", 21),
        ]
        .concat()
    }
    fn gitlab() -> String {
        ["gl", "pat-", &Self::rep("x9Y", 7)].concat()
    }
    fn slack(kind: char) -> String {
        format!(
            "xox{kind}-{}-{}-{}",
            "1234567890",
            "9876543210",
            Self::rep("aB3", 8)
        )
    }
    fn slack_hook() -> String {
        [
            "https://hooks",
            ".slack.com/services/",
            "T0ABCDEF1",
            "/B0ABCDEF2/",
            &Self::rep("Qw1", 8),
        ]
        .concat()
    }
    fn stripe(p: &str) -> String {
        [p, "_live_", &Self::rep("4eC3", 7)].concat()
    }
    fn npm() -> String {
        ["np", "m_", &Self::rep("Ab1", 12)].concat()
    }
    fn pypi() -> String {
        ["pypi-", "AgEIcHlwaS5vcmc", &Self::rep("Q2xv", 16)].concat()
    }
    fn google() -> String {
        ["AI", "za", "Sy", &Self::rep("D-4f", 8), "z"].concat()
    }
    fn age() -> String {
        ["AGE-SECRET", "-KEY-1", &Self::rep("QZ7", 19), "X"].concat()
    }
    fn anthropic() -> String {
        ["sk-", "ant-", "api03-", &Self::rep("aB_9", 22)].concat()
    }
    fn openai() -> String {
        [
            "sk-",
            "proj-",
            &Self::rep("aB9x", 5),
            "T3Blbk",
            "FJ",
            &Self::rep("zY8w", 5),
        ]
        .concat()
    }
    fn aws_secret() -> String {
        [
            &Self::rep("aB3", 5),
            "/",
            &Self::rep("Kx9", 5),
            "+",
            &Self::rep("Q", 8),
        ]
        .concat()
    }
    fn sendgrid() -> String {
        [
            "S",
            "G.",
            &Self::rep("aB3_", 5),
            "xy",
            ".",
            &Self::rep("Qw9-", 10),
            "Zk8",
        ]
        .concat()
    }
    fn huggingface() -> String {
        ["h", "f_", &Self::rep("aBcD", 8), "Xy"].concat()
    }
    fn digitalocean() -> String {
        hex(["do", "p_v1_"].concat(), 64)
    }
    fn vault() -> String {
        ["hv", "s.", &Self::rep("aB3_", 24)].concat()
    }
    fn shopify() -> String {
        hex(["sh", "pat_"].concat(), 32)
    }
    fn telegram() -> String {
        ["1234567", "890:A", "A", &Self::rep("aB3", 11)].concat()
    }
    fn google_oauth() -> String {
        ["GOC", "SPX-", &Self::rep("aB3_", 7)].concat()
    }
    fn grafana() -> String {
        ["gl", "sa_", &Self::rep("aB3x", 8), "_", "0a1b2c3d"].concat()
    }
    fn postman() -> String {
        let h = hex(String::new(), 58);
        ["PM", "AK-", &h[..24], "-", &h[24..]].concat()
    }
    fn stripe_test() -> String {
        ["s", "k_test_", &Self::rep("4eC3", 7)].concat()
    }
    fn jwt() -> String {
        [
            "ey",
            "J",
            &Self::rep("aB3-", 9),
            ".ey",
            "J",
            &Self::rep("Qx7_", 9),
            ".",
            &Self::rep("Zy7_", 8),
        ]
        .concat()
    }
    /// Mailgun's legacy private API key: `key-` + 32 lower-case letters and digits.
    fn mailgun() -> String {
        ["ke", "y-", &Self::rep("a1", 16)].concat()
    }
    /// A chosen password of capitalised words (`SuperSecretAdminPass`'s shape).
    fn readable_password() -> String {
        ["Orbit", "Lantern", "Quiet", "Harbor"].concat()
    }
    fn discord() -> String {
        [
            "https://discord",
            ".com/api/webhooks/",
            "123456789012345678/",
            &Self::rep("aB3-", 16),
        ]
        .concat()
    }
    fn azure() -> String {
        ["AccountKey=", &Self::rep("Ab+/", 21), "Cd", "=="].concat()
    }
}

/// `prefix` + `n` pseudo-random lower-case hex digits.
fn hex(prefix: String, n: usize) -> String {
    let digits = Fakes::rep("a1", n.div_ceil(2));
    let mapped: String = digits
        .chars()
        .map(|c| match c {
            '0'..='9' | 'a'..='f' => c,
            other => char::from(b'a' + (other as u8 % 6)),
        })
        .take(n)
        .collect();
    prefix + &mapped
}

/// Standard base64 (with padding), for fakes that a file holds encoded.
fn b64(data: &[u8]) -> String {
    const A: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::new();
    for c in data.chunks(3) {
        let n = c
            .iter()
            .enumerate()
            .fold(0u32, |n, (i, &b)| n | (b as u32) << (16 - 8 * i));
        for i in 0..4 {
            if i <= c.len() {
                out.push(A[(n >> (18 - 6 * i) & 63) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

/// A kubeconfig's `client-key-data:` (a base64-encoded PEM key) is a private key; its
/// `certificate-authority-data:` and `client-certificate-data:` (encoded certificates) are not.
#[test]
fn a_base64_encoded_private_key_block_is_a_key() {
    let body = Fakes::rep("MIIEowIBAAKCAQEAx9Zq", 6);
    let pem = |kind: &str| {
        [
            "-----BEGIN ",
            kind,
            "-----\n",
            &body,
            "\n-----END ",
            kind,
            "-----\n",
        ]
        .concat()
    };
    for kind in [
        "RSA PRIVATE KEY",
        "PRIVATE KEY",
        "EC PRIVATE KEY",
        "OPENSSH PRIVATE KEY",
    ] {
        let text = format!(
            "users:\n- name: admin\n  user:\n    client-certificate-data: {}\n    client-key-data: {}\n",
            b64(pem("CERTIFICATE").as_bytes()),
            b64(pem(kind).as_bytes())
        );
        assert_hits(&text, &[("CTX150", 5)]);
    }
    // A Kubernetes Secret's tls.key, followed by YAML's `...` document end: still a key.
    let secret = format!(
        "kind: Secret\ndata:\n  tls.key: {}\n...\n",
        b64(pem("PRIVATE KEY").as_bytes())
    );
    assert_hits(&secret, &[("CTX150", 3)]);
    assert_hits(
        &format!(
            "clusters:\n- cluster:\n    certificate-authority-data: {}\n",
            b64(pem("CERTIFICATE").as_bytes())
        ),
        &[],
    );
}

/// A private key commented out line by line (a config file's `# -----BEGIN …`, a script's
/// `// …`) is still a key; a commented-out certificate is not.
#[test]
fn a_commented_out_private_key_is_a_key() {
    let pem = Fakes::pem("RSA ");
    for marker in ["# ", "#", "// ", "; ", "-- ", " * "] {
        let text: String = std::iter::once("x = 1\n".to_string())
            .chain(pem.lines().map(|l| format!("{marker}{l}\n")))
            .collect();
        assert_hits(&text, &[("CTX150", 2)]);
    }
    let cert = pem.replace("RSA PRIVATE KEY", "CERTIFICATE");
    let text: String = cert.lines().map(|l| format!("# {l}\n")).collect();
    assert_hits(&text, &[]);
}

#[track_caller]
fn assert_hits(text: &str, want: &[(&str, usize)]) {
    let got: Vec<(&str, usize)> = scan_content(text.as_bytes())
        .iter()
        .map(|h| (h.rule, h.line))
        .collect();
    assert_eq!(got, want, "in:\n{text}");
}

#[test]
fn content_signatures_table() {
    let pem_rsa = Fakes::pem("RSA ");
    let cases: Vec<(String, &str)> = vec![
        (pem_rsa.clone(), "CTX150"),
        (Fakes::pem(""), "CTX150"),
        (Fakes::pem("EC "), "CTX150"),
        (Fakes::pem("DSA "), "CTX150"),
        (Fakes::pem("OPENSSH "), "CTX150"),
        (Fakes::pem("ENCRYPTED "), "CTX150"),
        (
            [
                "---- BEGIN SSH2 ENCRYPTED ",
                "PRIVATE KEY ----\nComment: \"fake\"\n",
                &"QUFB".repeat(12),
                "\n",
            ]
            .concat(),
            "CTX150",
        ),
        (
            ["PuTTY-User-Key-File-", "3: ssh-ed25519\n"].concat(),
            "CTX150",
        ),
        (format!("aws_access_key_id = {}\n", Fakes::aws()), "CTX151"),
        (
            format!("id={}\n", Fakes::aws().replacen("AKIA", "ASIA", 1)),
            "CTX151",
        ),
        (format!("token: {}\n", Fakes::github("ghp")), "CTX152"),
        (format!("{}\n", Fakes::github("gho")), "CTX152"),
        (format!("{}\n", Fakes::github("ghu")), "CTX152"),
        (format!("{}\n", Fakes::github("ghs")), "CTX152"),
        (format!("{}\n", Fakes::github("ghr")), "CTX152"),
        (format!("GH={}\n", Fakes::github_pat()), "CTX152"),
        (format!("GITLAB_TOKEN={}\n", Fakes::gitlab()), "CTX153"),
        (
            format!(
                "url: postgres://app:{}@db.internal:5432/app\n",
                Fakes::rep("Zq8r", 4)
            ),
            "CTX167",
        ),
        (
            format!(
                "const u = \"mongodb+srv://svc:{}@cluster0.mongodb.net/\";\n",
                Fakes::rep("Yx4h", 4)
            ),
            "CTX167",
        ),
        (
            format!("REDIS=redis://:{}!@cache:6379/0\n", Fakes::rep("Rk3v", 3)),
            "CTX167",
        ),
        // A host that only contains a documentation domain's name is a real one.
        (
            format!(
                "url: https://admin:{}@example.com.evil.io/x\n",
                Fakes::rep("Pt5m", 4)
            ),
            "CTX167",
        ),
        (
            format!(
                "url: https://admin:{}@myexample.com/x\n",
                Fakes::rep("Pt5m", 4)
            ),
            "CTX167",
        ),
        (format!("{}\n", Fakes::slack('b')), "CTX154"),
        (format!("{}\n", Fakes::slack('p')), "CTX154"),
        (format!("{}\n", Fakes::slack('a')), "CTX154"),
        (format!("{}\n", Fakes::slack('r')), "CTX154"),
        (format!("url: {}\n", Fakes::slack_hook()), "CTX155"),
        (format!("STRIPE={}\n", Fakes::stripe("sk")), "CTX156"),
        (format!("STRIPE={}\n", Fakes::stripe("rk")), "CTX156"),
        (format!("NPM_TOKEN={}\n", Fakes::npm()), "CTX157"),
        (format!("password = {}\n", Fakes::pypi()), "CTX158"),
        (
            ["//registry.npmjs.org/:_auth", "Token=abc123\n"].concat(),
            "CTX159",
        ),
        (["_auth", "Token = \"abc\"\n"].concat(), "CTX159"),
        (["  npmAuth", "Token: abc123\n"].concat(), "CTX159"),
        (
            [
                "{\"type\": \"service_",
                "account\", \"private_",
                "key\": \"-----BEGIN PRIVATE KEY-----\\nMIIE\"}\n",
            ]
            .concat(),
            "CTX160",
        ),
        (
            [
                "{\"au",
                "ths\": {\"r.io\": {\"au",
                "th\": \"dXNlcjpwYXNz\"}}}\n",
            ]
            .concat(),
            "CTX161",
        ),
        (format!("key={}\n", Fakes::google()), "CTX162"),
        (format!("{}\n", Fakes::age()), "CTX163"),
        (
            format!("ANTHROPIC_API_KEY={}\n", Fakes::anthropic()),
            "CTX164",
        ),
        (format!("OPENAI_API_KEY={}\n", Fakes::openai()), "CTX165"),
        (
            format!("DefaultEndpointsProtocol=https;{};\n", Fakes::azure()),
            "CTX166",
        ),
        (
            format!("aws.secretAccessKey={}\n", Fakes::aws_secret()),
            "CTX168",
        ),
        (
            format!("JWT_SECRET = \"{}\"\n", Fakes::rep("aB3x", 8)),
            "CTX169",
        ),
        (
            format!("SENDGRID_API_KEY={}\n", Fakes::sendgrid()),
            "CTX171",
        ),
        (
            format!("hf_token = \"{}\"\n", Fakes::huggingface()),
            "CTX172",
        ),
        (format!("DO_TOKEN={}\n", Fakes::digitalocean()), "CTX173"),
        (format!("VAULT_TOKEN={}\n", Fakes::vault()), "CTX174"),
        (format!("const t = '{}';\n", Fakes::shopify()), "CTX175"),
        (format!("bot_token: {}\n", Fakes::telegram()), "CTX176"),
        (
            format!("client_secret={}\n", Fakes::google_oauth()),
            "CTX177",
        ),
        (format!("GRAFANA_TOKEN={}\n", Fakes::grafana()), "CTX178"),
        (format!("POSTMAN_API_KEY={}\n", Fakes::postman()), "CTX179"),
        (
            format!(
                "echo {} | docker login -u me --password-stdin\n",
                ["dckr", "_pat_", &Fakes::rep("Ab9-", 7)].concat()
            ),
            "CTX179",
        ),
        (
            format!("stripe.api_key = \"{}\"\n", Fakes::stripe_test()),
            "CTX180",
        ),
        (
            format!("Authorization: Bearer {}\n", Fakes::jwt()),
            "CTX181",
        ),
        (format!("webhook: {}\n", Fakes::discord()), "CTX182"),
        (
            hex(["xa", "pp-1-A0123ABCDEF-1234567890123-"].concat(), 64),
            "CTX154",
        ),
        (format!("mg_domain_key: {}\n", Fakes::mailgun()), "CTX183"),
        (
            format!(
                "curl -H 'Authorization: Bearer {}' https://api.example.org/\n",
                Fakes::rep("aB3", 12)
            ),
            "CTX184",
        ),
        (
            format!("admin_password: \"{}\"\n", Fakes::readable_password()),
            "CTX185",
        ),
    ];
    let mut seen = std::collections::BTreeSet::new();
    // CTX185 reads configuration files only (by extension).
    let scan = |id: &str, text: &[u8]| {
        if id == "CTX185" {
            super::content::scan_content_at(b"conf/app.yaml", text)
        } else {
            scan_content(text)
        }
    };
    for (text, id) in &cases {
        let hits = scan(id, text.as_bytes());
        assert!(
            hits.iter().any(|h| h.rule == *id && h.line == 1),
            "{id} not found in:\n{text}\n{hits:?}"
        );
        // With two lines of prose before, the same hit moves to line 3.
        let shifted = format!("# header\n\n{text}");
        let hits = scan(id, shifted.as_bytes());
        assert!(
            hits.iter().any(|h| h.rule == *id && h.line == 3),
            "{id} line shift:\n{hits:?}"
        );
        seen.insert(*id);
    }
    let all: std::collections::BTreeSet<_> = content_rule_ids().collect();
    assert_eq!(seen, all, "every content rule has a case");
}

#[test]
fn content_line_numbers_and_order() {
    let text = format!(
        "line1\nline2 {aws}\nline3\n{pem}after\n{gh} {npm}\n",
        aws = Fakes::aws(),
        pem = Fakes::pem("RSA "),
        gh = Fakes::github("ghp"),
        npm = Fakes::npm(),
    );
    // The pem spans lines 4-7 and ends with its own newline, so `after` is
    // line 8 and the two tokens are on line 9.
    assert_hits(
        &text,
        &[("CTX151", 2), ("CTX150", 4), ("CTX152", 9), ("CTX157", 9)],
    );
    // CRLF line endings count the same.
    assert_hits(
        &text.replace('\n', "\r\n"),
        &[("CTX151", 2), ("CTX150", 4), ("CTX152", 9), ("CTX157", 9)],
    );
    // A JSON-escaped PEM (GCP key files) is found on its own line.
    let json_pem = format!(
        "{{\n\"type\": \"service_{}\",\n\"private_{}\": \"{}\"\n}}\n",
        "account",
        "key",
        Fakes::pem("").replace('\n', "\\n")
    );
    assert_hits(&json_pem, &[("CTX150", 3), ("CTX160", 3)]);
    // A help text showing a key file's layout, the key cut short with `...`, holds no key; the
    // text after the JSON string (`...` in a later sentence) does not hide a real one.
    let layout = |body: &str| {
        format!(
            "<pre>{{\n  \"type\": \"service_{}\",\n  \"private_{}\": \"-----BEGIN PRIVATE KEY-----\\n{body}\\n-----END PRIVATE KEY-----\\n\",\n  \"client_id\": \"123...123\"\n}}</pre>\n",
            "account", "key"
        )
    };
    assert_hits(&layout("..."), &[]);
    assert_hits(&layout("\u{2026}"), &[]);
    let body = Fakes::pem("").lines().nth(1).unwrap().to_string();
    assert_hits(&layout(&body), &[("CTX150", 3), ("CTX160", 3)]);
    // Same rule twice on one line: one hit.
    assert_hits(&format!("{a} {a}\n", a = Fakes::aws()), &[("CTX151", 1)]);
    // No trailing newline, last line counts.
    assert_hits(&format!("x\n{}", Fakes::npm()), &[("CTX157", 2)]);
}

#[test]
fn content_never_carries_secret_text() {
    let secrets = [
        Fakes::aws(),
        Fakes::github("ghp"),
        Fakes::npm(),
        Fakes::stripe("sk"),
        Fakes::gitlab(),
    ];
    let text = secrets.join("\n");
    let hits = scan_content(text.as_bytes());
    assert_eq!(hits.len(), secrets.len());
    let dump = format!("{hits:?} {}", serde_json::to_string(&hits).unwrap());
    for s in &secrets {
        assert!(!dump.contains(s.as_str()), "secret leaked into output");
        assert!(
            !dump.contains(&s[s.len() - 8..]),
            "secret tail leaked into output"
        );
    }
}

#[test]
fn content_false_positives() {
    // Placeholders, docs and near misses.
    let texts = [
        // A PEM header without a body (code that checks for it, docs).
        [
            "if strings.HasPrefix(s, \"-----BEGIN RSA ",
            "PRIVATE KEY-----\") {\n",
        ]
        .concat(),
        [
            "-----BEGIN ",
            "PRIVATE KEY-----\n...\n-----END PRIVATE KEY-----\n",
        ]
        .concat(),
        // README examples that show a key's first and last lines around an ellipsis.
        [
            "```text\n-----BEGIN RSA ",
            "PRIVATE KEY-----\n",
            &Fakes::rep("QUJD", 16),
            "\n...\n",
            &Fakes::rep("ZmFr", 10),
            "=\n-----END RSA PRIVATE KEY-----\n```\n",
        ]
        .concat(),
        [
            "  key: |\n    -----BEGIN EC ",
            "PRIVATE KEY-----\n    ",
            &Fakes::rep("QUJD", 16),
            "\u{2026}\n    -----END EC PRIVATE KEY-----\n",
        ]
        .concat(),
        // Prose and code that name the header lines of other key formats.
        [
            "a `---- BEGIN SSH2 ENCRYPTED ",
            "PRIVATE KEY ----` line; `PuTTY-User-Key-File-N:`\n",
        ]
        .concat(),
        // Public keys and certificates.
        [
            "-----BEGIN PUBLIC KEY-----\n",
            &"QUJD".repeat(16),
            "\n-----END PUBLIC KEY-----\n",
        ]
        .concat(),
        ["-----BEGIN CERTIFICATE-----\n", &"QUJD".repeat(16), "\n"].concat(),
        // AWS documentation example key.
        ["AKIA", "IOSFODNN7", "EXAMPLE\n"].concat(),
        // The Azurite emulator's public account key (a storage module's README and tests).
        [
            "DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=",
            "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq",
            "/K1SZFPTOtr/KBHBeksoGMGw==;\n",
        ]
        .concat(),
        // Too short or wrong shape.
        ["AKIA", "SHORT\n"].concat(),
        ["ghp_", "short\n"].concat(),
        ["xoxb-", "your-token-here\n"].concat(),
        ["sk_test_", &"4eC3".repeat(7), "\n"].concat(),
        ["hooks.slack.com/services/", "XXX/YYY/ZZZ\n"].concat(),
        // npmrc with an env reference, and code mentioning _authToken.
        ["//registry.npmjs.org/:_auth", "Token=${NPM_TOKEN}\n"].concat(),
        ["const k = '_auth", "Token=' + t;\n"].concat(),
        // service account without a key; auths without credentials.
        [
            "{\"type\": \"service_",
            "account\", \"client_email\": \"a@b\"}\n",
        ]
        .concat(),
        "{\"auths\": {\"ghcr.io\": {}}, \"credsStore\": \"desktop\"}\n".to_owned(),
        ["{\"au", "th\": \"dXNlcjpwYXNz\"}\n"].concat(),
        // URLs whose password is a stand-in, a variable, a placeholder or a dev default.
        "postgres://postgres:postgres@db:5432/app\n".to_owned(),
        "DATABASE_URL=postgresql://user:mysecretpassword@localhost/db\n".to_owned(),
        "mysql://root:admin123@127.0.0.1/app\n".to_owned(),
        "postgres://app:${POSTGRES_PASSWORD}@db/app\n".to_owned(),
        "https://USER:PERSONAL_ACCESS_TOKEN@github.com/org/repo.git\n".to_owned(),
        "amqp://guest:<password>@rabbit:5672/\n".to_owned(),
        "http://user:changeme-Now1@host/\n".to_owned(),
        // The example password spelt with look-alikes, or URL-encoded in a how-to.
        "postgresql://app:p%40ss%23word@localhost:5432/app\n".to_owned(),
        "postgresql://postgres:p%3Dssword@localhost:5432/postgres\n".to_owned(),
        "mysql://root:s%3Ccr%3Et-Val9@db/app\n".to_owned(),
        "mysql://root:Pa$$w0rd!2024@db/app\n".to_owned(),
        "redis://:S3cr3t-Value9@cache:6379\n".to_owned(),
        "see https://example.com/a:b@c and mailto://x\n".to_owned(),
        "https://docs.example.com/Path/To:Page@Ver1/\n".to_owned(),
        // A strong password in front of a host reserved for documentation: a stand-in.
        format!(
            "url: https://admin:{}-5@app.example.com/x\n",
            Fakes::rep("Qw7z", 4)
        ),
        format!(
            "postgres://app:{}@db.example.org:5432/app\n",
            Fakes::rep("Zq8r", 4)
        ),
        format!("redis://:{}!@cache.invalid:6379/0\n", Fakes::rep("Rk3v", 3)),
        // A token glued inside a longer identifier.
        ["xAKIA", &"Q".repeat(16), "Z\n"].concat(),
        // jwt.io's sample token and a Supabase local demo key, printed in docs everywhere.
        [
            "curl -H 'Authorization: Bearer ey",
            "JhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.ey",
            "JzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4gRG9lIiwiaWF0IjoxNTE2MjM5MDIyfQ.",
            "SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c'\n",
        ]
        .concat(),
        [
            "ANON_KEY=ey",
            "JhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.ey",
            "Jpc3MiOiJzdXBhYmFzZS1kZW1vIiwicm9sZSI6ImFub24iLCJleHAiOjE5ODM4MTI5OTZ9.",
            "CRXP1A7WOeoJeXxjNni43kdQwgnWNReilDMblYTn_I0\n",
        ]
        .concat(),
        // A Stripe-like or Hugging Face-like name in code, not a token.
        "let hf_model_name = config.hf_model_name_or_path;\n".to_owned(),
    ];
    for t in texts {
        assert_hits(&t, &[]);
    }
}

#[test]
fn a_named_token_is_not_also_a_generic_secret() {
    // `token = "ghp_…"`: CTX152 alone on that line; the generic rule still reports other lines.
    let text = format!(
        "token = \"{}\"\nJWT_SECRET = \"{}\"\n",
        Fakes::github("ghp"),
        Fakes::rep("aB3x", 8)
    );
    assert_hits(&text, &[("CTX152", 1), ("CTX169", 2)]);
}

#[test]
fn inline_allow_markers_silence_their_own_line_only() {
    let aws = Fakes::aws();
    let gh = Fakes::github("ghp");
    let text = format!(
        "samples := []string{{\"{aws}\"}} // gitleaks:allow\nTOKEN = \"{gh}\"  # pragma: allowlist secret\nreal = \"{gh}\"\n"
    );
    assert_hits(&text, &[("CTX152", 3)]);
}

#[test]
fn a_key_block_assigned_to_a_test_double_name_is_not_a_secret() {
    // A Rust constant and a JSON key named as test data; the same block assigned to an
    // ordinary name, or alone on its line, is a key.
    let key = Fakes::pem("");
    let rust = format!("const TEST_FAKE_RSA_KEY_0: &str = \"{key}\";\n");
    assert_hits(&rust, &[]);
    assert_hits(&format!("{{\"dummyKey\": \"{key}\"}}\n"), &[]);
    assert_hits(
        &format!("const SIGNING_KEY: &str = \"{key}\";\n"),
        &[("CTX150", 1)],
    );
    assert_hits(&format!("// test key below\n{key}"), &[("CTX150", 2)]);
}

#[test]
fn an_ellipsis_after_a_key_block_does_not_hide_it() {
    // The ellipsis is looked for only up to the block's END line: prose after a real key, or a
    // second truncated example below it, does not make the key a placeholder.
    let key = Fakes::pem("RSA ");
    assert_hits(&format!("{key}\nMore keys ... later.\n"), &[("CTX150", 1)]);
    // Without an END line (a file cut at --content-max), the body read so far decides.
    let cut = key.split("-----END").next().unwrap().to_string();
    assert_hits(&cut, &[("CTX150", 1)]);
}

#[test]
fn content_skips_binary_and_bounds_hits() {
    let mut bin = Fakes::aws().into_bytes();
    bin.push(0);
    assert!(scan_content(&bin).is_empty());
    // A NUL after the sniff window does not make it binary.
    let mut late = (Fakes::aws() + "\n").into_bytes();
    late.extend(std::iter::repeat_n(b'a', BINARY_SNIFF_LEN));
    late.push(0);
    assert_eq!(scan_content(&late).len(), 1);
    // Many hits: bounded, and the first ones in file order are kept.
    let many: String = (0..200).map(|_| format!("{}\n", Fakes::aws())).collect();
    let hits = scan_content(&many.into_bytes());
    assert_eq!(hits.len(), MAX_CONTENT_HITS);
    assert_eq!(hits[0].line, 1);
    assert_eq!(hits[MAX_CONTENT_HITS - 1].line, MAX_CONTENT_HITS);
    assert!(scan_content(b"").is_empty());
}

// ---------------------------------------------------------------------------
// Robustness: arbitrary input never panics (deterministic PRNG, std only).

struct XorShift(u64);

impl XorShift {
    fn next(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        self.0 = x;
        x
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

#[test]
fn arbitrary_bytes_never_panic() {
    let rs = rs();
    let pieces: Vec<Vec<u8>> = [
        "-----BEGIN ",
        "PRIVATE KEY-----",
        "\n",
        "\r\n",
        "\\n",
        "AKIA",
        "ghp_",
        "xoxb-",
        "_authToken=",
        "\"type\": \"service_account\"",
        "\"private_key\": \"",
        "\"auths\": {",
        "\"auth\": \"",
        "/",
        "//",
        ".",
        "..",
        ".env",
        "node_modules",
        "*",
        "[",
        "]",
        "!",
        "#",
        "\\",
        " ",
        "\u{feff}",
        "é",
        "QUJD",
        "=",
        ":",
        "-",
        "_",
    ]
    .iter()
    .map(|s| s.as_bytes().to_vec())
    .collect();
    let mut rng = XorShift(0x9E37_79B9_7F4A_7C15);
    for i in 0..3000 {
        let mut buf = Vec::new();
        for _ in 0..rng.below(64) {
            if rng.below(3) == 0 {
                buf.push(rng.next() as u8);
            } else {
                buf.extend_from_slice(&pieces[rng.below(pieces.len())]);
            }
        }
        for h in scan_content(&buf) {
            assert!(h.line >= 1 && h.line <= buf.iter().filter(|&&b| b == b'\n').count() + 1);
            assert!(rule(h.rule).is_some());
        }
        let kind = [Kind::File, Kind::Dir, Kind::Symlink, Kind::Other][rng.below(4)];
        let e = EntryRef {
            path: &buf,
            kind,
            size: rng.next(),
        };
        let _ = rs.classify(&e);
        let _ = rs.wants_content(&e);
        let mut all = Vec::new();
        rs.classify_all(&e, &mut all);
        if let Some(best) = rs.classify(&e) {
            assert_eq!(all[0], best);
        }
        // Compiling a matcher is the slow part; do it for every 8th input.
        if i % 8 == 0 {
            let text = String::from_utf8_lossy(&buf).into_owned();
            let gi =
                GitignoreSet::new(vec![(b"".to_vec(), text.clone()), (buf.clone(), text)]).unwrap();
            let _ = gi.is_ignored(&buf, kind == Kind::Dir);
            let _ = gi.is_ignored(b"a/b/c", false);
        }
    }
}

/// CTX183 (Mailgun): only a standalone `key-…`; CTX184 (bearer): only a literal token that looks
/// generated, in code, scripts and documentation, never a placeholder or a template; CTX185
/// (readable password): only in configuration files, only for a password key.
#[test]
fn mailgun_bearer_and_readable_passwords() {
    let mg = Fakes::mailgun();
    let ids = |path: &str, text: &str| -> Vec<&'static str> {
        super::content::scan_content_at(path.as_bytes(), text.as_bytes())
            .into_iter()
            .map(|h| h.rule)
            .collect()
    };
    assert_eq!(
        ids("mail.py", &format!("CONF = {{'mailgun': '{mg}'}}\n")),
        ["CTX183"]
    );
    assert_eq!(ids("a.yml", &format!("mg_domain_key: {mg}\n")), ["CTX183"]);
    // Joined to a longer word or path: an id, not a key.
    for joined in [
        format!("hot{mg}"),
        format!("cache-{mg}"),
        format!("/x/{mg}"),
    ] {
        assert!(ids("a.txt", &format!("{joined}\n")).is_empty(), "{joined}");
    }

    let tok = Fakes::rep("aB3", 12);
    for (path, text) in [
        (
            "API.md",
            format!("Call it:\n\n```\ncurl -H 'Authorization: Bearer {tok}' https://x\n```\n"),
        ),
        (
            "notes.rst",
            format!("Use::\n\n    Authorization: Bearer {tok}\n"),
        ),
        (
            "call.sh",
            format!("curl -H \"Authorization: Bearer {tok}\" https://x\n"),
        ),
        (
            "client.py",
            format!("headers = {{\"Authorization\": \"Bearer {tok}\"}}\n"),
        ),
    ] {
        assert_eq!(ids(path, &text), ["CTX184"], "{path}: {text}");
    }
    for placeholder in [
        "$TOKEN",
        "<token>",
        "YOUR_TOKEN",
        "YOUR_ACCESS_TOKEN_HERE",
        "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx",
        "${API_KEY}",
        "{{token}}",
        "$(cat token.txt)",
    ] {
        let text = format!("curl -H \"Authorization: Bearer {placeholder}\" https://x\n");
        assert!(ids("call.sh", &text).is_empty(), "{text}");
        assert!(ids("README.md", &text).is_empty(), "{text}");
    }
    // Documentation that presents the token as an example: the paragraph or the section says so.
    let intro = format!("For example:\n\n```\nAuthorization: Bearer {tok}\n```\n");
    assert!(ids("README.md", &intro).is_empty());
    let section = format!(
        "#### Configuration Example\n\n```yaml\nlog:\n  otlp:\n    http:\n      endpoint: x\n      \
         a: 1\n      b: 2\n      c: 3\n      headers:\n        Authorization: Bearer {tok}\n```\n"
    );
    assert!(ids("README.md", &section).is_empty());
    // One token written into three code samples of a page (ntfy's tabs: curl, the CLI, HTTP)
    // is the page's sample; in one block, after prose that does not say so, it is reported.
    let block =
        |tool: &str| format!("```\n{tool} -H 'Authorization: Bearer {tok}' https://x\n```\n");
    let tabs = format!(
        "Use it:\n\n{}\n{}\n{}",
        block("curl"),
        block("http"),
        block("wget")
    );
    assert!(ids("docs/publish.md", &tabs).is_empty(), "{tabs}");
    assert_eq!(
        ids("docs/publish.md", &format!("Use it:\n\n{}", block("curl"))),
        ["CTX184"]
    );
    // The same inside a string literal of code (an embedded API description).
    let embedded = format!(
        "const D: &str = \"Include it, for instance:\\n```bash\\n-H 'Authorization: Bearer {tok}'\\n```\";\n"
    );
    assert!(ids("doc.rs", &embedded).is_empty());
    // A token another rule names is reported by that rule alone.
    let gh = Fakes::github("ghp");
    assert_eq!(
        ids(
            "call.sh",
            &format!("curl -H 'Authorization: Bearer {gh}'\n")
        ),
        ["CTX152"]
    );

    let pw = Fakes::readable_password();
    for path in [
        "app.yaml",
        "app.toml",
        "app.ini",
        "app.hjson",
        "app.json",
        "app.conf",
    ] {
        let text = format!("admin_password = \"{pw}\"\n");
        assert_eq!(ids(path, &text), ["CTX185"], "{path}");
    }
    // Code and documentation: not configuration; a secret-looking name other than a password.
    assert!(ids("app.py", &format!("admin_password = \"{pw}\"\n")).is_empty());
    assert!(ids("README.md", &format!("admin_password: {pw}\n")).is_empty());
    assert!(ids("run.sh", &format!("ADMIN_PASSWORD={pw}\n")).is_empty());
    assert!(ids("app.yaml", &format!("api_token: {pw}\n")).is_empty());
    // Labels, references, constants, identifiers and stand-ins.
    for (line, why) in [
        ("\"password\": \"Palavra-chave\"", "a translated label"),
        (
            "\"user-password\": \"Gebruikerswachtwoord\"",
            "one capitalised word",
        ),
        (
            "\"promosmsPassword\": \"API-salasana\"",
            "capitals only at a word's start",
        ),
        ("changePassword: ScimFeatureSupport", "a form's action"),
        (
            "\"enum\": [\"masterPassword\", \"trustedDevices\"]",
            "a list's next item",
        ),
        ("password: DB_ADMIN_PASSWORD_VALUE", "a constant"),
        ("password: reset_password_link", "an identifier"),
        ("password: ${ADMIN_PASSWORD}", "a reference"),
        ("password: config.database.secret", "a dotted reference"),
        ("admin_password: ChangeMeAdminNow", "a stand-in"),
        ("admin_password: YourAdminPassHere", "a stand-in"),
        ("admin_password: AdminPassword", "the key's own name"),
        ("password: ShortPass", "too short"),
    ] {
        assert!(
            ids("conf/app.yaml", &format!("{line}\n")).is_empty(),
            "{why}: {line}"
        );
    }
}

/// The notes a scan gives hits (rule, line, note) in the file at `path`.
fn notes(path: &str, text: &str) -> Vec<(&'static str, usize, Option<HitNote>)> {
    content::scan_content_at(path.as_bytes(), text.as_bytes())
        .iter()
        .map(|h| (h.rule, h.line, h.note))
        .collect()
}

#[test]
fn url_passwords_for_a_local_server_are_noted_unless_generated() {
    // A chosen password (a word, digits, a symbol) and a generated one.
    let chosen = ["Qwe", "rtyu", "123!"].concat();
    let generated = [&Fakes::rep("aB3", 4)[..], "#", &Fakes::rep("x9Z", 3)].concat();
    let local = Some(HitNote::LocalServer);
    for host in [
        "127.0.0.1:1433",
        "127.0.1.1",
        "localhost/db",
        "LOCALHOST:5432",
        "dev.localhost:80",
        "[::1]:5432",
        "0.0.0.0:3306",
    ] {
        let text = format!("dsn: sqlserver://sa:{chosen}@{host}\n");
        assert_eq!(
            notes("go.d/mssql.conf", &text),
            [("CTX167", 1, local)],
            "{host}"
        );
    }
    for host in [
        "db:5432",
        "127.0.0.1.nip.io:80",
        "localhost.corp.internal",
        "10.0.0.1",
        "127.0.0.256x",
    ] {
        let text = format!("dsn: sqlserver://sa:{chosen}@{host}\n");
        assert_eq!(
            notes("go.d/mssql.conf", &text),
            [("CTX167", 1, None)],
            "{host}"
        );
    }
    let text = format!("dsn: postgres://app:{generated}@127.0.0.1:5432/app\n");
    assert_eq!(notes("app.yaml", &text), [("CTX167", 1, None)]);
}

#[test]
fn documentation_examples_and_made_up_values_are_noted() {
    let body = ["A", "A", &Fakes::rep("aZ9", 11)].concat();
    let real = [&Fakes::rep("0", 10)[..], ":", &body].concat();
    let made_up = ["1234", "56789:", &body].concat();
    let fence = |heads: &str, token: &str| {
        format!("{heads}\n\nSome text.\n\nMore text.\n\nAnd more.\n\n```yaml\n# options\n\nSEND=\"YES\"\nBOT_TOKEN=\"{token}\"\n```\n")
    };
    let line = 13;
    let ex = Some(HitNote::DocExample);
    // Under a heading of the examples section (the nearest one is a sub-heading).
    let nested = "## Setup\n\n### Examples\n\n#### Basic Configuration";
    let lines = nested.lines().count() - 1;
    assert_eq!(
        notes("README.md", &fence(nested, &real)),
        [("CTX176", line + lines, ex)]
    );
    // A sibling section's heading is not the line's.
    let sibling = "## Setup\n\n### Examples\n\nText.\n\n### Options\n\n#### Basic";
    let lines = sibling.lines().count() - 1;
    assert_eq!(
        notes("README.md", &fence(sibling, &real)),
        [("CTX176", line + lines, None)]
    );
    // A made-up value, examples or not; only in documentation.
    assert_eq!(
        notes("README.md", &fence("## Setup", &made_up)),
        [("CTX176", line, Some(HitNote::MadeUp))]
    );
    assert_eq!(
        notes("bot.yaml", &format!("token: \"{made_up}\"\n")),
        [("CTX176", 1, None)]
    );
    // The example heading does not change other files.
    assert_eq!(
        notes("notes.yaml", &fence(nested, &real)),
        [("CTX176", line + 4, None)]
    );
}

#[test]
fn a_query_strings_next_parameter_is_not_part_of_a_value() {
    let fake = ["SENTINEL", "-10"].concat();
    let text = format!("GET /api/v1/data?chart=x&token={fake}&after=-60\n");
    assert_eq!(notes("support-bundle", &text), []);
    let token = Fakes::rep("aB3x", 8);
    let text = format!("GET /api/v1/data?chart=x&token={token}&after=-60\n");
    assert_eq!(notes("support-bundle", &text), [("CTX169", 1, None)]);
    // Documentation's sample output of a local server's URL is read as before.
    let text = format!("The URL is, in this case, <http://127.0.0.1:49153/lab?token={token}>.\n");
    assert_eq!(notes("running.md", &text), []);
}
