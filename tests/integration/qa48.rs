//! Rules corrected by qa48 on real JavaScript/TypeScript monorepos: a token shown as a form
//! field's `placeholder` (Dokploy/dokploy's Telegram "Bot Token" input) and a private key block
//! whose body is a certificate's (Dokploy's certificate form's `privateKeyDataHolder`) are
//! stand-ins for the user to replace, not secrets; the same token or a key elsewhere is still
//! reported. The classic builder does not pass a stage's ARGs to a stage built `FROM` it
//! (1024pix/pix-site): suggest keeps what that build copies too.

use crate::util::{report_json as report, secret_findings as secrets, Gen, TestEnv};

const B64: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
const TOKEN: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-";

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
/// KEY-----\nMIIFRDCC…\n-----END PRIVATE KEY-----`, one line of a body that is a certificate's
/// DER (a SEQUENCE first, where a key has its version INTEGER), was a high secret (CTX150).
#[test]
fn private_key_block_holding_a_certificate_is_no_secret() {
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

/// 1024pix/pix-site: `ARG SITE=pix-site` before the first `FROM`, `ARG SITE` in stage
/// `install-stage`, and stage `build-stage` (`FROM install-stage`) copying `COPY ${SITE}/ …`
/// without declaring it. BuildKit passes a parent stage's ARGs to its child; the classic builder
/// does not, so there `${SITE}` is empty and the COPY copies the context root. suggest kept only
/// `pix-site` and `shared`, and said the file held under the classic builder too.
#[test]
fn arg_not_redeclared_in_a_child_stage_is_empty_under_the_classic_builder() {
    let dockerfile = |redeclare: &str| {
        format!(
            "ARG SITE=site-a\nFROM node:20 AS install\nARG SITE\nCOPY ${{SITE}}/package.json /code/${{SITE}}/\n\
             RUN npm ci\n\nFROM install AS build\n{redeclare}COPY ${{SITE}}/ /code/${{SITE}}\nRUN npm run build\n"
        )
    };
    let env = TestEnv::new();
    env.file("Dockerfile", dockerfile(""))
        .file("site-a/package.json", "{}\n")
        .file("site-a/index.js", "1\n")
        .file("site-b/package.json", "{}\n")
        .file("README.md", "x\n");
    let (code, out, err) = crate::util::suggest(&env, &["."]);
    assert_eq!(code, Some(0), "{err}");
    let keeps: Vec<&str> = out.lines().filter(|l| l.starts_with('!')).collect();
    assert!(keeps.contains(&"!site-b"), "{out}\n{err}");
    assert!(keeps.contains(&"!README.md"), "{out}\n{err}");

    // Declared again in the child stage, both builders copy `site-a/` only.
    let env = TestEnv::new();
    env.file("Dockerfile", dockerfile("ARG SITE\n"))
        .file("site-a/package.json", "{}\n")
        .file("site-a/index.js", "1\n")
        .file("site-b/package.json", "{}\n")
        .file("README.md", "x\n");
    let (code, out, err) = crate::util::suggest(&env, &["."]);
    assert_eq!(code, Some(0), "{err}");
    let keeps: Vec<&str> = out.lines().filter(|l| l.starts_with('!')).collect();
    assert_eq!(keeps, ["!site-a"], "{out}\n{err}");
}
