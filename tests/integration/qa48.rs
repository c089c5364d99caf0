//! Rules corrected by qa48 on real JavaScript/TypeScript monorepos: a token shown as a form
//! field's `placeholder` (Dokploy/dokploy's Telegram "Bot Token" input) and a private key block
//! cut off after one line of its body (Dokploy's certificate form's `privateKeyDataHolder`) are
//! stand-ins for the user to replace, not secrets; the same token or a whole key elsewhere is
//! still reported.

use crate::util::{Gen, TestEnv};
use serde_json::Value;

const B64: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
const TOKEN: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-";

fn report(env: &TestEnv) -> Value {
    let out = env.run(["--format", "json", "."]);
    assert!(
        matches!(out.status.code(), Some(0 | 1)),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("JSON report")
}

fn secrets<'a>(v: &'a Value, path: &str) -> Vec<&'a Value> {
    v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["path"] == path && f["category"] == "secret")
        .collect()
}

fn telegram(g: &mut Gen) -> String {
    format!("{}:AA{}", g.pick(b"123456789", 10), g.pick(TOKEN, 33))
}

/// Dokploy/dokploy `handle-notifications.tsx`: `<Input placeholder="6660491268:AAF…" />` on
/// the Telegram bot token field was a high secret (CTX176).
#[test]
fn token_in_a_placeholder_attribute_is_no_secret() {
    let env = TestEnv::new();
    let mut g = Gen(0x0a48_7e1e);
    let (hint, real) = (telegram(&mut g), telegram(&mut g));
    env.file("Dockerfile", "FROM node\nCOPY . /app\n")
        .file(
            "apps/web/components/notify.tsx",
            format!(
                "<FormLabel>Bot Token</FormLabel>\n<Input\n  placeholder=\"{hint}\"\n  {{...field}}\n/>\n"
            ),
        )
        .file(
            "apps/web/locales/en.json",
            format!("{{\n  \"botTokenPlaceholder\": \"{hint}\"\n}}\n"),
        )
        // A token in code, not in a placeholder, is still reported.
        .file(
            "apps/web/lib/notify.ts",
            format!("const botToken = \"{real}\";\n"),
        );
    let v = report(&env);
    assert!(
        secrets(&v, "apps/web/components/notify.tsx").is_empty(),
        "{v:#}"
    );
    assert!(secrets(&v, "apps/web/locales/en.json").is_empty(), "{v:#}");
    let s = secrets(&v, "apps/web/lib/notify.ts");
    assert_eq!(s.len(), 1, "{v:#}");
    assert_eq!(s[0]["severity"], "high", "{:#}", s[0]);
}

/// Dokploy/dokploy `handle-certificate.tsx`: a form's sample private key, `-----BEGIN PRIVATE
/// KEY-----\nMIIFRDCC…\n-----END PRIVATE KEY-----`, one 128-character line of a body whose DER
/// header declares 1,352 bytes, was a high secret (CTX150).
#[test]
fn private_key_block_cut_off_after_one_line_is_no_secret() {
    let env = TestEnv::new();
    let mut g = Gen(0x0a48_c0de);
    let stub = format!("MIIFRDCCAyyg{}", g.pick(B64, 116));
    // A whole RSA key: `MIIEow…` declares 0x4a7 bytes, and the body holds them.
    let mut whole = format!("MIIEowIBAAKCAQEA{}", g.pick(B64, 1572));
    let lines: Vec<String> = whole
        .as_bytes()
        .chunks(64)
        .map(|c| String::from_utf8_lossy(c).into_owned())
        .collect();
    whole = lines.join("\n");
    env.file("Dockerfile", "FROM node\nCOPY . /app\n")
        .file(
            "apps/web/components/certificate.tsx",
            format!(
                "const privateKeyDataHolder =\n\t\"-----BEGIN PRIVATE KEY-----\\n{stub}\\n-----END PRIVATE KEY-----\";\n"
            ),
        )
        .file(
            "deploy/server.key.txt",
            format!("-----BEGIN RSA PRIVATE KEY-----\n{whole}\n-----END RSA PRIVATE KEY-----\n"),
        );
    let v = report(&env);
    assert!(
        secrets(&v, "apps/web/components/certificate.tsx").is_empty(),
        "{v:#}"
    );
    let s = secrets(&v, "deploy/server.key.txt");
    assert_eq!(s.len(), 1, "{v:#}");
    assert_eq!(s[0]["severity"], "high", "{:#}", s[0]);
}
