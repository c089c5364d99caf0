//! Rules corrected by qa45 on real repositories: a Rails `config/secrets.yml` whose literal
//! values are only the development and test defaults `rails new` writes (docusealco/docuseal)
//! is no high secret, and a chat widget's website token, served in every page
//! (khoj-ai/khoj's Chatwoot snippet), is no secret at all; a compose file named `-sample` is an
//! example file (bugsink); suggest keeps an `.npmrc` that only references a token variable
//! (Netflix/dispatch).

use crate::util::{report_json as report, secret_findings as secrets, Gen, TestEnv};

fn hex(g: &mut Gen) -> String {
    g.pick(b"0123456789abcdef", 128)
}

/// docusealco/docuseal: `config/secrets.yml` as `rails new` wrote it (5.1 up to 7.1), a
/// generated `secret_key_base` for development and for test, production's read from the
/// environment. It was a high secret, although no value in it is production's.
#[test]
fn rails_secrets_yml_with_development_and_test_defaults_is_medium() {
    let env = TestEnv::new();
    let mut g = Gen(0x0dec_5ea1);
    let (dev, test, prod) = (hex(&mut g), hex(&mut g), hex(&mut g));
    let file = |p: &str| {
        format!(
            "development:\n  secret_key_base: {dev}\n\ntest:\n  secret_key_base: {test}\n\n\
             production:\n  secret_key_base: {p}\n"
        )
    };
    env.file("Dockerfile", "FROM ruby\nCOPY . /app\n")
        .file(
            "config/secrets.yml",
            file("<%= ENV[\"SECRET_KEY_BASE\"] %>"),
        )
        // The same file with a literal production value keeps its grade.
        .file("other/config/secrets.yml", file(&prod));
    let v = report(&env);
    let s = secrets(&v, "config/secrets.yml");
    assert_eq!(s.len(), 1, "{v:#}");
    assert_eq!(s[0]["severity"], "medium", "{:#}", s[0]);
    assert!(
        s[0]["message"]
            .as_str()
            .unwrap()
            .contains("development and test sections"),
        "{:#}",
        s[0]
    );
    let p = secrets(&v, "other/config/secrets.yml");
    assert_eq!(p.len(), 1, "{v:#}");
    assert_eq!(p[0]["severity"], "high", "{:#}", p[0]);
    assert_eq!(p[0]["line"], 8, "{:#}", p[0]);
    let all = serde_json::to_string(&v).unwrap();
    for s in [&dev, &test, &prod] {
        assert!(!all.contains(s.as_str()));
    }
}

/// khoj-ai/khoj: a Chatwoot widget snippet in a React component passes the site's
/// `websiteToken`, which the vendor's embed code puts in every page's HTML. It was a high
/// "hard-coded secret"; an access token in the same place still is one.
#[test]
fn a_website_widget_token_is_public_by_design() {
    let env = TestEnv::new();
    let mut g = Gen(0xc4a7_0001);
    let v = g.pick(
        b"ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789",
        24,
    );
    let snippet = |name: &str| {
        format!(
            "export function Widget() {{\n  g.onload = function () {{\n    window.chatwootSDK.run({{\n      {name}: '{v}',\n      baseUrl: BASE_URL\n    }})\n  }}\n}}\n"
        )
    };
    env.file("Dockerfile", "FROM node\nCOPY . /app\n")
        .file("app/components/ChatWidget.tsx", snippet("websiteToken"))
        .file("app/components/Api.tsx", snippet("accessToken"));
    let r = report(&env);
    assert!(
        secrets(&r, "app/components/ChatWidget.tsx").is_empty(),
        "{r:#}"
    );
    assert_eq!(secrets(&r, "app/components/Api.tsx").len(), 1, "{r:#}");
}

/// Netflix/dispatch: `src/dispatch/static/dispatch/.npmrc` holds
/// `//registry.npmjs.org/:_authToken=${FORMKIT_ENTERPRISE_TOKEN}`, a reference the build fills
/// in, and the report says "no registry token in it". suggest removed it as "npm credentials",
/// so `npm ci` in the image would run without the registry settings the project wrote. One
/// holding a literal token is still removed.
#[test]
fn suggest_keeps_an_npmrc_that_only_references_a_token_variable() {
    use crate::util::{assert_sends, suggest};
    let env = TestEnv::new();
    let mut g = Gen(0x0e5c_0dd5);
    let token = format!(
        "npm_{}",
        g.pick(
            b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789",
            36
        )
    );
    env.file(
        "Dockerfile",
        "FROM node\nCOPY . /app\nRUN cd /app/web && npm ci\n",
    )
    .file("web/package.json", "{}\n")
    .file(
        "web/.npmrc",
        "//registry.npmjs.org/:_authToken=${NPM_TOKEN}\nlegacy-peer-deps=true\n",
    )
    .file("cli/package.json", "{}\n")
    .file(
        "cli/.npmrc",
        format!("//registry.npmjs.org/:_authToken={token}\n"),
    );
    let (code, _, err) = suggest(&env, &["--write"]);
    assert_eq!(code, Some(0), "{err}");
    assert!(!err.contains("web/.npmrc (npm"), "{err}");
    assert!(err.contains("cli/.npmrc (npm credentials)"), "{err}");
    assert_sends(
        &env,
        &["web/.npmrc", "web/package.json"],
        &["cli/.npmrc"],
        &err,
    );
    assert!(!err.contains(&token));
}

/// bugsink/bugsink: `docker-compose-sample.yaml` sets `SECRET_KEY: django-insecure-…` with
/// "Change this" beside it; a sample by its name (`-sample` ends its first part, as
/// `.sample.` would be a part of its own), so medium and labelled as `.env.example`'s value is.
/// It was a high secret. The same line in `docker-compose.yaml` stays high.
#[test]
fn a_compose_file_named_sample_is_an_example_file() {
    let env = TestEnv::new();
    let mut g = Gen(0xb065_1a4c);
    let key = g.pick(
        b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789",
        50,
    );
    let compose = format!(
        "services:\n  web:\n    image: app\n    environment:\n      SECRET_KEY: django-insecure-{key}  # Change this\n"
    );
    env.file("Dockerfile", "FROM python\nCOPY . /app\n")
        .file("docker-compose-sample.yaml", &compose)
        .file("deploy/docker-compose.yaml", &compose);
    let v = report(&env);
    let s = secrets(&v, "docker-compose-sample.yaml");
    assert_eq!(s.len(), 1, "{v:#}");
    assert_eq!(s[0]["severity"], "medium", "{:#}", s[0]);
    assert!(
        s[0]["message"].as_str().unwrap().contains("example file"),
        "{:#}",
        s[0]
    );
    let p = secrets(&v, "deploy/docker-compose.yaml");
    assert_eq!(p.len(), 1, "{v:#}");
    assert_eq!(p[0]["severity"], "high", "{:#}", p[0]);
    assert!(!serde_json::to_string(&v).unwrap().contains(&key));
}
