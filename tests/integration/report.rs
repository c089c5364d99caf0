//! The report (`ctxsize .`, issue 3): on a tree with planted secrets (by name and by content,
//! including keys inside innocently named files) and planted junk of every category, every planted
//! item is reported in the right category, on the right path and line, and no output of any format
//! or subcommand contains a 12-byte piece of a planted secret; a clean tree of ordinary source has
//! no `secret` finding; snapshots of the human and JSON report of a small fixed tree; escaping of
//! hostile names and the report flags are in `report_flags.rs`.
//!
//! Secret values are generated at test time (a fixed-seed generator, token prefixes split in the
//! source), so no token-shaped literal is in this file.

use std::collections::{BTreeMap, BTreeSet, HashSet};
use std::process::Output;

use serde_json::Value;

use crate::util::{bin, ok_stdout, text, TestEnv};

// ---------------------------------------------------------------------------------------------
// Fake secret values.
// ---------------------------------------------------------------------------------------------

pub(crate) const ALNUM: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
pub(crate) const UPPER_DIGITS: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
const B64: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
pub(crate) const HEX: &[u8] = b"0123456789abcdef";
pub(crate) const DIGITS: &[u8] = b"0123456789";

/// Deterministic fake values (xorshift64*), recorded so every output can be checked for them.
pub(crate) struct Secrets {
    state: u64,
    pub(crate) values: Vec<String>,
}

impl Secrets {
    pub(crate) fn new(seed: u64) -> Secrets {
        Secrets {
            state: seed | 1,
            values: Vec::new(),
        }
    }

    pub(crate) fn next(&mut self) -> u64 {
        let mut x = self.state;
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        self.state = x;
        x.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    /// `n` characters of `alphabet`, not recorded.
    pub(crate) fn raw(&mut self, alphabet: &[u8], n: usize) -> String {
        (0..n)
            .map(|_| alphabet[(self.next() >> 33) as usize % alphabet.len()] as char)
            .collect()
    }

    /// A secret value: `n` characters of `alphabet`, recorded.
    pub(crate) fn gen(&mut self, alphabet: &[u8], n: usize) -> String {
        let s = self.raw(alphabet, n);
        self.values.push(s.clone());
        s
    }

    /// Records a whole value (prefix and all).
    pub(crate) fn record(&mut self, full: String) -> String {
        self.values.push(full.clone());
        full
    }

    /// A PEM private-key block with a `lines`-line base64 body; each body line is recorded.
    pub(crate) fn pem(&mut self, kind: &str, lines: usize) -> String {
        let label = format!("{kind}PRIVATE KEY");
        let mut s = format!("-----BEGIN {label}-----\n");
        for _ in 0..lines {
            s.push_str(&self.gen(B64, 64));
            s.push('\n');
        }
        s.push_str(&self.gen(B64, 20));
        s.push_str("==\n");
        s.push_str(&format!("-----END {label}-----\n"));
        s
    }
}

/// Fails if any output contains a secret value or any 12-byte piece of one.
pub(crate) fn assert_no_leak(secrets: &[String], outputs: &[(String, Vec<u8>)]) {
    const W: usize = 12;
    for (what, out) in outputs {
        let windows: HashSet<&[u8]> = out.windows(W).collect();
        for s in secrets {
            let b = s.as_bytes();
            if b.len() < W {
                assert!(
                    !out.windows(b.len()).any(|w| w == b),
                    "{what} contains a planted secret value {s:?}"
                );
                continue;
            }
            for piece in b.windows(W) {
                assert!(
                    !windows.contains(piece),
                    "{what} contains {:?}, a piece of a planted secret value",
                    String::from_utf8_lossy(piece)
                );
            }
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Running and reading the report.
// ---------------------------------------------------------------------------------------------

/// Runs the binary in the context with extra environment (`None` removes the variable).
pub(crate) fn run_env(env: &TestEnv, args: &[&str], vars: &[(&str, Option<&str>)]) -> Output {
    let mut c = std::process::Command::new(bin());
    c.args(args)
        .current_dir(env.ctx())
        .env_remove("DOCKER_BUILDKIT")
        .env("DOCKER_CONFIG", crate::util::docker_config())
        .env_remove("GITHUB_ACTIONS")
        .env("NO_COLOR", "1");
    for (k, v) in vars {
        match v {
            Some(v) => c.env(k, v),
            None => c.env_remove(k),
        };
    }
    c.output().expect("run ctxsize")
}

/// Runs the binary in the context, as a user would outside GitHub Actions (where the default
/// format is `github`) and with `NO_COLOR=1`.
pub(crate) fn run<I, S>(env: &TestEnv, args: I) -> Output
where
    I: IntoIterator<Item = S>,
    S: AsRef<std::ffi::OsStr>,
{
    let args: Vec<std::ffi::OsString> = args.into_iter().map(|a| a.as_ref().to_owned()).collect();
    let mut c = std::process::Command::new(bin());
    c.args(&args)
        .current_dir(env.ctx())
        .env_remove("DOCKER_BUILDKIT")
        .env("DOCKER_CONFIG", crate::util::docker_config())
        .env_remove("GITHUB_ACTIONS")
        .env("NO_COLOR", "1");
    c.output().expect("run ctxsize")
}

pub(crate) fn json_of(env: &TestEnv, extra: &[&str]) -> Value {
    let mut args = vec!["--format", "json"];
    args.extend_from_slice(extra);
    args.push(".");
    let o = run(env, &args);
    assert_eq!(o.status.code(), Some(0), "stderr: {}", text(&o.stderr));
    serde_json::from_slice(&o.stdout)
        .unwrap_or_else(|e| panic!("invalid JSON ({e}): {}", text(&o.stdout)))
}

pub(crate) fn findings(v: &Value) -> &Vec<Value> {
    v["findings"].as_array().expect("findings array")
}

pub(crate) fn s<'a>(f: &'a Value, k: &str) -> &'a str {
    f[k].as_str()
        .unwrap_or_else(|| panic!("{k} is not a string in {f}"))
}

pub(crate) fn u(f: &Value, k: &str) -> u64 {
    f[k].as_u64()
        .unwrap_or_else(|| panic!("{k} is not a raw integer in {f}"))
}

/// Findings on exactly this path.
pub(crate) fn on<'a>(v: &'a Value, path: &str) -> Vec<&'a Value> {
    findings(v)
        .iter()
        .filter(|f| s(f, "path") == path)
        .collect()
}

pub(crate) fn summary(v: &Value) -> String {
    findings(v)
        .iter()
        .map(|f| {
            format!(
                "{} {} {} {}{}\n",
                s(f, "rule"),
                s(f, "category"),
                s(f, "severity"),
                s(f, "path"),
                f.get("line").map_or(String::new(), |l| format!(":{l}"))
            )
        })
        .collect()
}

/// Files and bytes of everything below a directory of the context (what a subtree finding adds
/// up), or of one file.
pub(crate) fn disk_total(env: &TestEnv, rel: &str) -> (u64, u64) {
    let (mut files, mut bytes) = (0, 0);
    for e in walkdir::WalkDir::new(env.path(rel)) {
        let e = e.expect("walk");
        if e.file_type().is_file() {
            files += 1;
            bytes += e.metadata().expect("metadata").len();
        }
    }
    (files, bytes)
}

/// Section `title` of a human report: the lines after the title, up to the next blank line.
pub(crate) fn section<'a>(human: &'a str, title: &str) -> Vec<&'a str> {
    human
        .lines()
        .skip_while(|l| !l.starts_with(title))
        .skip(1)
        .take_while(|l| !l.is_empty())
        .collect()
}

/// The finding lines of one category in a human report (below its `severity category` line).
pub(crate) fn category_lines<'a>(human: &'a str, category: &str) -> Vec<&'a str> {
    human
        .lines()
        .skip_while(|l| {
            !(l.starts_with("  ")
                && !l.starts_with("      ")
                && l.split_whitespace().nth(1) == Some(category))
        })
        .skip(1)
        .take_while(|l| l.starts_with("      "))
        .collect()
}

// ---------------------------------------------------------------------------------------------
// The planted tree.
// ---------------------------------------------------------------------------------------------

/// What a planted item must produce: a finding on `path` in `category` (with `rule` and `line`
/// when given).
pub(crate) struct Expect {
    path: &'static str,
    category: &'static str,
    rule: Option<&'static str>,
    line: Option<u64>,
}

pub(crate) const fn name(path: &'static str, category: &'static str, rule: &'static str) -> Expect {
    Expect {
        path,
        category,
        rule: Some(rule),
        line: None,
    }
}

pub(crate) const fn content(path: &'static str, rule: &'static str, line: u64) -> Expect {
    Expect {
        path,
        category: "secret",
        rule: Some(rule),
        line: Some(line),
    }
}

pub(crate) const fn junk(path: &'static str, category: &'static str) -> Expect {
    Expect {
        path,
        category,
        rule: None,
        line: None,
    }
}

pub(crate) const BIG: u64 = 12_000_000;

pub(crate) const PLANTED: &[Expect] = &[
    // Secrets by name.
    name(".env", "secret", "CTX101"),
    name("config/.env.production", "secret", "CTX101"),
    name("web/dist/.env", "secret", "CTX101"),
    name("id_rsa", "secret", "CTX102"),
    name("deploy/key.pem", "secret", "CTX103"),
    name("certs/client.p12", "secret", "CTX105"),
    name(".npmrc", "secret", "CTX106"),
    name(".aws/credentials", "secret", "CTX109"),
    name(".docker/config.json", "secret", "CTX110"),
    name("kubeconfig", "secret", "CTX110"),
    name("terraform.tfstate", "secret", "CTX111"),
    name("secrets.yaml", "secret", "CTX112"),
    name("tests/fixtures/id_ed25519", "secret", "CTX102"),
    // Secrets by content (1-based lines).
    content("notes/todo.txt", "CTX150", 4),
    content("id_rsa", "CTX150", 1),
    content("deploy/key.pem", "CTX150", 2),
    content("src/settings.py", "CTX151", 4),
    content(".aws/credentials", "CTX151", 2),
    content("scripts/deploy.sh", "CTX152", 5),
    content("ci/release.yml", "CTX153", 4),
    content("bot/slack.ini", "CTX154", 2),
    content(".npmrc", "CTX159", 2),
    content("app-config.json", "CTX160", 5),
    content(".docker/config.json", "CTX161", 4),
    // Junk; directory findings are on the directory.
    name(".git", "vcs", "CTX201"),
    name("node_modules", "dependencies", "CTX301"),
    name("packages/web/node_modules", "dependencies", "CTX301"),
    name("target", "build-output", "CTX401"),
    name("web/dist", "build-output", "CTX402"),
    name("src/__pycache__", "cache", "CTX501"),
    name("app.log", "logs", "CTX601"),
    name("logs", "logs", "CTX602"),
    name("testdata", "test-data", "CTX701"),
    name("tests/fixtures", "test-data", "CTX701"),
    name("assets/dump.bin", "large-file", "CTX800"),
    name("release.zip", "media-archive", "CTX810"),
    name("media/demo.mp4", "media-archive", "CTX812"),
    name(".DS_Store", "editor-os", "CTX901"),
    name(".idea", "editor-os", "CTX902"),
    name("src/.main.rs.swp", "editor-os", "CTX903"),
    name("scratch.tmp", "gitignored", "CTX001"),
    junk("out-cache", "gitignored"),
    junk("local-notes", "gitignored"),
    junk("web/x.cache.json", "gitignored"),
];

/// Secrets in source code, which the default content scan skips (unless the name sounds like
/// configuration): found with `--scan-all`.
pub(crate) const SCAN_ALL: &[Expect] = &[content("src/billing.js", "CTX156", 2)];

/// Directories whose subtree is one finding: nothing beneath them may be reported.
pub(crate) const COVERED: &[&str] = &[
    ".git",
    "node_modules",
    "packages/web/node_modules",
    "target",
    "src/__pycache__",
    "logs",
    "testdata",
    ".idea",
    "out-cache",
    "local-notes",
];

/// Builds the planted tree; returns it with every planted secret value.
pub(crate) fn planted() -> (TestEnv, Vec<String>) {
    let env = TestEnv::new();
    let mut k = Secrets::new(0x5eed_0003);
    let aws_prefix = ["AK", "IA"].concat();

    // The build itself.
    env.file("Dockerfile", "FROM scratch\nCOPY . /app\n")
        .dockerignore("private/\n*.md\n")
        .file("README.md", "# demo\n")
        .file("src/main.rs", "fn main() {\n    println!(\"hi\");\n}\n")
        .file(
            "package.json",
            "{\"name\": \"demo\", \"version\": \"1.0.0\"}\n",
        );

    // Kept out by .dockerignore: never reported, never read.
    let v = k.gen(ALNUM, 32);
    env.file("private/.env", format!("TOKEN={v}\n"));

    // Secrets by name.
    let (a, b) = (k.gen(ALNUM, 24), k.gen(ALNUM, 32));
    env.file(
        ".env",
        format!("DATABASE_PASSWORD={a}\nAPI_KEY={b}\nDEBUG=false\n"),
    );
    let v = k.gen(HEX, 64);
    env.file(
        "config/.env.production",
        format!("SECRET_KEY_BASE={v}\nRAILS_ENV=production\n"),
    );
    let v = k.gen(ALNUM, 28);
    env.file("web/dist/.env", format!("SESSION_SECRET={v}\n"));
    let pem = k.pem("OPENSSH ", 3);
    env.file("id_rsa", pem);
    let pem = k.pem("EC ", 2);
    env.file("deploy/key.pem", format!("# staging\n{pem}"));
    let mut p12 = b"0\x82\x0a\x1b\x02\x01\x030\x82\x09\xd7\x06\x09\x00\x00".to_vec();
    p12.extend_from_slice(k.gen(ALNUM, 48).as_bytes());
    env.file("certs/client.p12", p12);
    let v = k.gen(ALNUM, 36);
    env.file(
        ".npmrc",
        format!("registry=https://registry.npmjs.org/\n//registry.npmjs.org/:_authToken={v}\n"),
    );
    let id = format!("{aws_prefix}{}", k.raw(UPPER_DIGITS, 16));
    let id = k.record(id);
    let secret = k.gen(B64, 40);
    env.file(
        ".aws/credentials",
        format!("[default]\naws_access_key_id = {id}\naws_secret_access_key = {secret}\n"),
    );
    let v = k.gen(B64, 44);
    env.file(
        ".docker/config.json",
        format!(
            "{{\n  \"auths\": {{\n    \"registry.example.com\": {{\n      \"auth\": \"{v}\"\n    }}\n  }}\n}}\n"
        ),
    );
    let (ca, tok) = (k.gen(B64, 60), k.gen(ALNUM, 48));
    env.file(
        "kubeconfig",
        format!(
            "apiVersion: v1\nkind: Config\nclusters:\n- cluster:\n    certificate-authority-data: {ca}\n    server: https://k8s.example.com\n  name: prod\nusers:\n- name: ci\n  user:\n    token: {tok}\n"
        ),
    );
    let v = k.gen(ALNUM, 30);
    env.file(
        "terraform.tfstate",
        format!(
            "{{\n  \"version\": 4,\n  \"resources\": [{{\"type\": \"random_password\", \"instances\": [{{\"attributes\": {{\"result\": \"{v}\"}}}}]}}]\n}}\n"
        ),
    );
    let v = k.gen(ALNUM, 26);
    env.file("secrets.yaml", format!("database:\n  password: {v}\n"));
    let pem = k.pem("OPENSSH ", 1);
    env.file("tests/fixtures/id_ed25519", pem);
    env.file("tests/fixtures/users.csv", "id,name\n1,ann\n2,bob\n");

    // Secrets by content, in files with innocent names.
    let pem = k.pem("RSA ", 4);
    env.file(
        "notes/todo.txt",
        format!("- buy milk\n- rotate the deploy key\n\n{pem}\nthat's it\n"),
    );
    let id = format!("{aws_prefix}{}", k.raw(UPPER_DIGITS, 16));
    let id = k.record(id);
    let v = k.gen(B64, 40);
    env.file(
        "src/settings.py",
        format!(
            "import os\n\nDEBUG = False\nAWS_ACCESS_KEY_ID = \"{id}\"\nAWS_SECRET_ACCESS_KEY = os.environ.get(\"X\", \"{v}\")\n"
        ),
    );
    let gh = format!("{}{}", ["gh", "p_"].concat(), k.raw(ALNUM, 36));
    let gh = k.record(gh);
    env.file(
        "scripts/deploy.sh",
        format!("#!/bin/sh\nset -eu\n\n# push the release\nGITHUB_TOKEN={gh} ./release\n"),
    );
    let gl = format!("{}{}", ["gl", "pat-"].concat(), k.raw(ALNUM, 20));
    let gl = k.record(gl);
    env.file(
        "ci/release.yml",
        format!("stages:\n  - release\nvariables:\n  GITLAB_TOKEN: {gl}\n"),
    );
    let slack = format!(
        "{}{}-{}-{}",
        ["xo", "xb-"].concat(),
        k.raw(DIGITS, 12),
        k.raw(DIGITS, 13),
        k.raw(ALNUM, 24)
    );
    let slack = k.record(slack);
    env.file("bot/slack.ini", format!("[slack]\ntoken = {slack}\n"));
    let stripe = format!("{}{}", ["sk", "_live_"].concat(), k.raw(ALNUM, 24));
    let stripe = k.record(stripe);
    env.file(
        "src/billing.js",
        format!("// billing\nconst stripe = require('stripe')('{stripe}');\n"),
    );
    let kid = k.gen(HEX, 40);
    let (l1, l2, l3) = (k.gen(B64, 64), k.gen(B64, 64), k.gen(B64, 40));
    env.file(
        "app-config.json",
        format!(
            "{{\n  \"type\": \"service_account\",\n  \"project_id\": \"demo-project\",\n  \"private_key_id\": \"{kid}\",\n  \"private_key\": \"-----BEGIN PRIVATE KEY-----\\n{l1}\\n{l2}\\n{l3}==\\n-----END PRIVATE KEY-----\\n\",\n  \"client_email\": \"builder@demo-project.iam.gserviceaccount.com\"\n}}\n"
        ),
    );

    // Junk.
    env.file(".git/HEAD", "ref: refs/heads/main\n")
        .file(".git/config", "[core]\n\tbare = false\n")
        .file(".git/objects/ab/cdef0123456789", vec![0x78u8; 150])
        .file(".git/objects/12/3456789abcdef0", vec![0x78u8; 90])
        .file(".git/info/exclude", "local-notes/\n")
        .file("node_modules/left-pad/index.js", "module.exports = 1;\n")
        .file("node_modules/left-pad/package.json", "{}\n")
        .file("node_modules/a/node_modules/b/index.js", "exports.b = 2;\n")
        .file(
            "packages/web/node_modules/react/index.js",
            "exports.r = 3;\n",
        )
        .file("packages/web/index.js", "require('react');\n")
        .file("target/debug/app", vec![0x7fu8; 300])
        .file("target/debug/.fingerprint/x", "fp\n")
        .file("web/dist/bundle.js", "console.log(1);\n")
        .file("src/__pycache__/settings.cpython-312.pyc", vec![0x42u8; 60])
        .file("app.log", "started\nstopped\n")
        .file("logs/server.log", "GET /\n")
        .file("logs/2024-01-01.txt", "boot\n")
        .file("testdata/golden.json", "{\"ok\": true}\n")
        .sized("assets/dump.bin", BIG)
        .file("release.zip", b"PK\x03\x04 not really a zip")
        .file("media/demo.mp4", vec![0x11u8; 200])
        .file(".DS_Store", vec![0u8; 40])
        .file(".idea/workspace.xml", "<project/>\n")
        .file("src/.main.rs.swp", vec![0x33u8; 30])
        .file(".gitignore", "*.tmp\nout-cache/\n")
        .file("scratch.tmp", "scratch\n")
        .file("out-cache/a.json", "{}\n")
        .file("out-cache/b.json", "[]\n")
        .file("local-notes/n.txt", "note\n")
        .file("web/.gitignore", "*.cache.json\n")
        .file("web/x.cache.json", "{}\n");
    // Symlinks are sent as links: never a name finding, never read.
    env.symlink("current.pem", "deploy/key.pem")
        .symlink("notes/link.txt", "todo.txt")
        .symlink("huge", "assets/dump.bin");
    // Fake keys inside node_modules are not reported (and not read).
    let pem = k.pem("RSA ", 1);
    env.file("node_modules/left-pad/test/key.pem", pem);

    let values = k.values;
    (env, values)
}

// ---------------------------------------------------------------------------------------------
// 1. The planted tree.
// ---------------------------------------------------------------------------------------------

/// Every expectation has its finding.
pub(crate) fn assert_expected(v: &Value, expected: &[Expect]) {
    for e in expected {
        // A file's secret evidence is one finding: a name expectation matches it whatever its
        // line, a content expectation by its line (the rule is the name rule when both fire).
        let ok = on(v, e.path).iter().any(|f| {
            let line = f.get("line").and_then(Value::as_u64);
            s(f, "category") == e.category
                && match e.line {
                    // Merged with a more severe content hit, the rule is the content rule.
                    None => e.rule.is_none_or(|r| s(f, "rule") == r) || line.is_some(),
                    Some(_) => line == e.line,
                }
        });
        assert!(
            ok,
            "no {} finding on {}{} (rule {:?}); findings:\n{}",
            e.category,
            e.path,
            e.line.map_or(String::new(), |l| format!(":{l}")),
            e.rule,
            summary(v)
        );
    }
}

#[test]
pub(crate) fn planted_tree_every_item_in_its_category() {
    let (env, _) = planted();
    let v = json_of(&env, &[]);
    let all = summary(&v);
    assert_expected(&v, PLANTED);
    // --scan-all also reads source code: the same findings and more.
    let v_all = json_of(&env, &["--scan-all"]);
    assert_expected(&v_all, PLANTED);
    assert_expected(&v_all, SCAN_ALL);

    // The layer-cache findings are about the Dockerfile: `COPY . /app` sends the planted
    // .git/, logs and IDE state (DF011).
    let cache: Vec<&Value> = findings(&v)
        .iter()
        .filter(|f| s(f, "category") == "layers")
        .collect();
    assert_eq!(cache.len(), 1, "{all} {cache:?}");
    assert_eq!(s(cache[0], "rule"), "DF011");
    assert!(s(cache[0], "message").contains(".git/ (version-control state)"));
    // Every finding has the documented keys and raw integers; the fix is the path itself.
    for f in findings(&v).iter().filter(|f| s(f, "category") != "layers") {
        for k in ["rule", "category", "severity", "path", "message", "fix"] {
            assert!(f[k].is_string(), "{k} missing in {f}");
        }
        assert!(u(f, "files") >= 1, "{f}");
        let _ = u(f, "bytes");
        // …or, for a secret inside a file the image needs, moving the secret out.
        if !s(f, "fix").starts_with("move the secret out") {
            assert_eq!(
                s(f, "fix"),
                s(f, "path"),
                "plain names need no escaping: {f}"
            );
        }
        if let Some(l) = f.get("line") {
            assert!(l.as_u64().is_some_and(|l| l >= 1), "{f}");
            assert_eq!(s(f, "category"), "secret", "{f}");
        }
    }

    // Directory findings add up their subtree, and nothing beneath them is reported again.
    for d in COVERED {
        let hits = on(&v, d);
        assert_eq!(hits.len(), 1, "{d}: {all}");
        let (files, bytes) = disk_total(&env, d);
        assert_eq!(
            (u(hits[0], "files"), u(hits[0], "bytes")),
            (files, bytes),
            "{d}"
        );
        let below = format!("{d}/");
        assert!(
            !findings(&v)
                .iter()
                .any(|f| s(f, "path").starts_with(&below)),
            "a finding beneath {d}/:\n{all}"
        );
    }
    // web/dist is flagged, but a secret inside it still is (at high severity).
    let dist_env = on(&v, "web/dist/.env");
    assert_eq!(s(dist_env[0], "severity"), "high");
    let (files, bytes) = disk_total(&env, "web/dist");
    let dist = on(&v, "web/dist");
    assert_eq!((u(dist[0], "files"), u(dist[0], "bytes")), (files, bytes));
    // A key in a fixture directory: a secret, at low severity.
    let fx = on(&v, "tests/fixtures/id_ed25519");
    assert!(
        fx.iter()
            .any(|f| s(f, "rule") == "CTX102" && s(f, "severity") == "low"),
        "{all}"
    );
    // Entries the .dockerignore keeps out are never reported (nor read).
    assert!(
        !findings(&v)
            .iter()
            .any(|f| s(f, "path").starts_with("private") || s(f, "path") == "README.md"),
        "an excluded entry is reported:\n{all}"
    );
    // Ordinary source and symlinks are not reported.
    for p in [
        "src/main.rs",
        "package.json",
        "Dockerfile",
        "packages/web/index.js",
        "current.pem",
        "notes/link.txt",
        "huge",
    ] {
        // The Dockerfile carries the layer-cache finding about its COPY (checked above).
        let flagged: Vec<&Value> = on(&v, p)
            .into_iter()
            .filter(|f| s(f, "category") != "layers")
            .collect();
        assert!(flagged.is_empty(), "{p} flagged:\n{all}");
    }
    // The large file's size, and findings are sorted most severe first.
    let big = on(&v, "assets/dump.bin");
    assert_eq!((u(big[0], "files"), u(big[0], "bytes")), (1, BIG));
    let rank = |s: &str| {
        ["info", "low", "medium", "high"]
            .iter()
            .position(|x| *x == s)
    };
    let ranks: Vec<_> = findings(&v)
        .iter()
        .map(|f| rank(s(f, "severity")))
        .collect();
    assert!(ranks.windows(2).all(|w| w[0] >= w[1]), "not sorted: {all}");

    // Categories: one entry per category found, consistent with the findings.
    let cats: BTreeMap<&str, &Value> = v["categories"]
        .as_array()
        .expect("categories")
        .iter()
        .map(|c| (s(c, "category"), c))
        .collect();
    let expected: BTreeSet<&str> = PLANTED.iter().map(|e| e.category).collect();
    assert_eq!(
        cats.keys().copied().collect::<BTreeSet<_>>(),
        expected,
        "all eleven categories"
    );
    assert_eq!(expected.len(), 11);
    for (c, t) in &cats {
        let fs: Vec<&Value> = findings(&v)
            .iter()
            .filter(|f| s(f, "category") == *c)
            .collect();
        assert_eq!(u(t, "findings"), fs.len() as u64, "{c}");
        assert!(u(t, "files") > 0 && u(t, "bytes") > 0, "{c}: {t}");
        if *c == "secret" {
            // Several findings on one file count the file once (exactness is checked in
            // `secret_category_counts_each_file_once`).
            let paths: BTreeSet<&str> = fs.iter().map(|f| s(f, "path")).collect();
            assert!(u(t, "files") >= paths.len() as u64, "{t}");
        } else {
            let files: u64 = fs.iter().map(|f| u(f, "files")).sum();
            let bytes: u64 = fs.iter().map(|f| u(f, "bytes")).sum();
            assert_eq!((u(t, "files"), u(t, "bytes")), (files, bytes), "{c}");
        }
    }
    assert_eq!(u(cats["large-file"], "bytes"), BIG);
    assert_eq!(u(cats["gitignored"], "files"), 1 + 2 + 1 + 1);

    // Largest files and directories.
    let lf = v["largest_files"].as_array().expect("largest_files");
    assert_eq!(s(&lf[0], "path"), "assets/dump.bin");
    assert_eq!(u(&lf[0], "bytes"), BIG);
    assert!(lf.len() <= 10);
    let ld = v["largest_dirs"].as_array().expect("largest_dirs");
    assert_eq!(s(&ld[0], "path"), "assets");
    assert_eq!(
        (u(&ld[0], "bytes"), u(&ld[0], "files"), u(&ld[0], "depth")),
        (BIG, 1, 1)
    );
    let ng = ld
        .iter()
        .find(|d| s(d, "path") == ".git")
        .expect(".git dir");
    assert_eq!((u(ng, "files"), u(ng, "bytes")), disk_total(&env, ".git"));
    assert!(ld.iter().all(|d| u(d, "depth") <= 2));
}

#[test]
pub(crate) fn planted_tree_no_output_leaks_a_secret() {
    let (env, secrets) = planted();
    assert!(secrets.len() > 30, "{}", secrets.len());
    let mut outputs: Vec<(String, Vec<u8>)> = Vec::new();
    let mut keep = |what: &str, o: &Output| {
        outputs.push((format!("{what} (stdout)"), o.stdout.clone()));
        outputs.push((format!("{what} (stderr)"), o.stderr.clone()));
    };

    // The report, in every format: exit 0 (no gates given).
    const JSON: &[&str] = &["--format", "json", "."];
    const NEVER: &[&str] = &["--color", "never", "."];
    const ALWAYS: &[&str] = &["--color", "always", "."];
    const SARIF: &[&str] = &["--format", "sarif", "."];
    const GITHUB: &[&str] = &["--format", "github", "."];
    let reports: &[&[&str]] = &[
        JSON,
        NEVER,
        ALWAYS,
        SARIF,
        GITHUB,
        &["--builder", "classic", "--format", "json", "."],
        &[
            "--format",
            "human",
            "--scan-all",
            "--large",
            "1",
            "--top",
            "50",
            "--depth",
            "9",
            ".",
        ],
        &["--scan-all", "--format", "github", "--large", "1", "."],
    ];
    let mut out: BTreeMap<&[&str], Vec<u8>> = BTreeMap::new();
    for args in reports {
        let o = run(&env, *args);
        assert_eq!(o.status.code(), Some(0), "{args:?}: {}", text(&o.stderr));
        assert!(!o.stdout.is_empty(), "{args:?}");
        keep(&args.join(" "), &o);
        out.insert(args, o.stdout);
    }
    let human = text(&out[NEVER]);
    assert!(human.contains("notes/todo.txt:4"), "{human}");
    assert!(
        human.contains("secret contents are never printed"),
        "{human}"
    );
    assert!(!out[NEVER].contains(&0x1b));
    assert!(
        out[ALWAYS].contains(&0x1b),
        "--color always has ANSI escapes"
    );
    serde_json::from_slice::<Value>(&out[JSON]).expect("JSON");

    // The SARIF and GitHub outputs carry every secret finding with its line.
    let sarif: Value = serde_json::from_slice(&out[SARIF]).expect("SARIF JSON");
    let results = sarif["runs"][0]["results"].as_array().expect("results");
    let has = |uri: &str, rule: &str, line: Option<u64>| {
        results.iter().any(|r| {
            let loc = &r["locations"][0]["physicalLocation"];
            loc["artifactLocation"]["uri"] == uri
                && match line {
                    // One finding per file: the name rule, with the first content line.
                    None => r["ruleId"] == rule || loc["region"]["startLine"].is_u64(),
                    Some(l) => loc["region"]["startLine"].as_u64() == Some(l),
                }
        })
    };
    let gh = text(&out[GITHUB]);
    for e in PLANTED.iter().filter(|e| e.category == "secret") {
        let rule = e.rule.expect("secret expectations name the rule");
        assert!(has(e.path, rule, e.line), "SARIF lacks {} {rule}", e.path);
        let prop = match e.line {
            Some(l) => format!("file={},line={l},", e.path),
            // With a content hit too, the file's one finding carries its line.
            None => format!("file={},", e.path),
        };
        assert!(gh.contains(&prop), "github output lacks {prop:?}:\n{gh}");
    }

    // explain, lint and suggest on the same tree.
    let mut paths: Vec<&str> = PLANTED.iter().chain(SCAN_ALL).map(|e| e.path).collect();
    paths.sort_unstable();
    paths.dedup();
    paths.push("private/.env");
    for format in ["human", "json"] {
        let mut args = vec!["explain", "--format", format];
        args.extend(&paths);
        let o = run(&env, &args);
        assert_eq!(o.status.code(), Some(0), "explain: {}", text(&o.stderr));
        if format == "json" {
            serde_json::from_slice::<Value>(&o.stdout).expect("explain JSON");
        }
        keep(&format!("explain --format {format}"), &o);
    }
    for args in [
        &["lint", "."][..],
        &["lint", "--format", "json", "."],
        &["lint", "--format", "github", "."],
        &["suggest", "."],
    ] {
        let o = run(&env, args);
        assert_eq!(o.status.code(), Some(0), "{args:?}: {}", text(&o.stderr));
        keep(&args.join(" "), &o);
    }
    // A report that fails a gate (its stderr line too).
    let o = run(&env, ["--fail-on", "secret", "--color", "always", "."]);
    assert_eq!(o.status.code(), Some(1), "the secret gate trips");
    keep("--fail-on secret", &o);

    assert_no_leak(&secrets, &outputs);
}

/// The `fix` of each finding is the exact ignore line that removes it: with all of them in the
/// `.dockerignore`, nothing is left to report.
#[test]
pub(crate) fn planted_tree_fixes_remove_every_finding() {
    let (env, _) = planted();
    let v = json_of(&env, &["--scan-all"]);
    let mut ignore = String::from("private/\n*.md\n");
    for f in findings(&v) {
        // A secret inside a file the image needs is moved out, not excluded.
        if s(f, "fix").starts_with("move the secret out") {
            std::fs::remove_file(env.path(s(f, "path"))).expect("move the secret out");
            continue;
        }
        ignore.push_str(s(f, "fix"));
        ignore.push('\n');
    }
    env.dockerignore(ignore);
    let after = json_of(&env, &["--scan-all"]);
    assert!(findings(&after).is_empty(), "left:\n{}", summary(&after));
    assert_eq!(after["categories"], serde_json::json!([]));
    // What is left is the ordinary source.
    let files: Vec<String> = env
        .list(ctxsize::Builder::Buildkit, None)
        .into_iter()
        .filter(|p| !p.ends_with('/'))
        .collect();
    assert_eq!(
        files,
        [
            ".dockerignore",
            ".gitignore",
            "Dockerfile",
            "current.pem",
            "huge",
            "notes/link.txt",
            "package.json",
            "packages/web/index.js",
            "src/main.rs",
            "web/.gitignore",
        ]
    );
}

/// A file with two content findings (a GCP service-account key is also a PEM block) is one file
/// in the `secret` category total.
#[test]
pub(crate) fn secret_category_counts_each_file_once() {
    let (env, _) = planted();
    let v = json_of(&env, &[]);
    let secret: Vec<&Value> = findings(&v)
        .iter()
        .filter(|f| s(f, "category") == "secret")
        .collect();
    let mut by_path: BTreeMap<&str, u64> = BTreeMap::new();
    for f in &secret {
        by_path.insert(s(f, "path"), u(f, "bytes"));
    }
    let cat = v["categories"]
        .as_array()
        .expect("categories")
        .iter()
        .find(|c| c["category"] == "secret")
        .expect("secret category");
    assert_eq!(
        (u(cat, "files"), u(cat, "bytes")),
        (by_path.len() as u64, by_path.values().sum::<u64>()),
        "{}",
        summary(&v)
    );
}

// ---------------------------------------------------------------------------------------------
// 2. The clean tree.
// ---------------------------------------------------------------------------------------------

#[test]
pub(crate) fn clean_tree_has_no_secret_finding() {
    let env = TestEnv::new();
    let aws_doc = ["AK", "IAIOSFODNN7", "EXAMPLE"].concat();
    env.file(
        "Dockerfile",
        "FROM rust:1 AS build\nWORKDIR /src\nCOPY Cargo.toml ./\nRUN cargo fetch\nCOPY . /src\nRUN cargo build --release\n",
    )
    .file(
        "Cargo.toml",
        "[package]\nname = \"demo\"\nversion = \"0.1.0\"\nedition = \"2021\"\n\n[dependencies]\nserde = \"1\"\n",
    )
    .file(
        "Cargo.lock",
        "version = 4\n\n[[package]]\nname = \"serde\"\nversion = \"1.0.200\"\nsource = \"registry+https://github.com/rust-lang/crates.io-index\"\nchecksum = \"ddc6f9cc94d67c0e21aaf7eda3a010fd3af78ebf6e096aa6e2e13c79749cce4f\"\n",
    )
    .file(
        "src/main.rs",
        "//! The private key is loaded from the environment, never from a file.\nfn main() {\n    let key = std::env::var(\"API_KEY\").unwrap_or_default();\n    println!(\"{}\", key.len());\n}\n",
    )
    .file("src/lib.rs", "pub fn secret_len(s: &str) -> usize {\n    s.len()\n}\n")
    .file(
        "web/package.json",
        "{\n  \"name\": \"web\",\n  \"version\": \"1.0.0\",\n  \"scripts\": {\"start\": \"node src/index.js\"},\n  \"dependencies\": {\"express\": \"^4.19.2\"}\n}\n",
    )
    .file(
        "web/package-lock.json",
        "{\n  \"name\": \"web\",\n  \"lockfileVersion\": 3,\n  \"packages\": {\n    \"node_modules/express\": {\n      \"version\": \"4.19.2\",\n      \"integrity\": \"sha512-5T6nhjsT+EOMzuck8JjBHARTHfMht0POzlA60WV2pMD3gyXw2LZnZ+ueGdNxG+0calOJcWKbpFcuzLZ91YWq9Q==\"\n    }\n  }\n}\n",
    )
    .file(
        "web/src/index.js",
        "const express = require('express');\nconst token = process.env.GITHUB_TOKEN; // ghp_… in CI\nexpress().listen(3000);\n",
    )
    .file("web/src/auth.js", "// password hashing\nexports.hash = (p) => p;\n")
    .file("web/README.md", "# web\n\nRun `npm start`.\n")
    .file(
        ".env.example",
        format!("DATABASE_PASSWORD=\nAWS_ACCESS_KEY_ID={aws_doc}\nNPM_TOKEN=changeme\n"),
    )
    .file(
        "src/keys.go",
        "package keys\n\n// PEMHeader is the first line of a private key file.\nconst PEMHeader = \"-----BEGIN RSA PRIVATE KEY-----\"\n\nfunc Load(path string) ([]byte, error) { return nil, nil }\n",
    )
    .file(
        "src/key_test.go",
        "package keys\n\nimport \"testing\"\n\nfunc TestLoad(t *testing.T) { _, _ = Load(\"id_rsa\") }\n",
    )
    .file(
        "docs/secrets.md",
        format!(
            "# Secrets\n\nNever commit a `.env` file, an `id_rsa` or a `*.pem` private key.\nAWS documents the access key id `{aws_doc}` as an example.\nIn `.npmrc`, refer to the token through the environment:\n\n```\n//registry.npmjs.org/:_authToken=${{NPM_TOKEN}}\n```\n\nA PEM file starts with `-----BEGIN PRIVATE KEY-----` and the password lives in a vault.\n"
        ),
    )
    .file("README.md", "# demo\n\nA small crate and a Node app. Secrets come from the environment.\n")
    .file(".gitignore", "/target\nnode_modules/\n.env\n");

    let v = json_of(&env, &[]);
    let secret: Vec<&Value> = findings(&v)
        .iter()
        .filter(|f| s(f, "category") == "secret")
        .collect();
    assert!(
        secret.is_empty(),
        "secret findings on a clean tree:\n{}",
        summary(&v)
    );
    assert!(
        findings(&v).is_empty(),
        "nothing else is out of place either:\n{}",
        summary(&v)
    );
    assert_eq!(v["categories"], serde_json::json!([]));
    let human = text(&ok_stdout(&run(&env, ["--color", "never", "."])));
    assert!(
        human.contains("Findings nothing that looks out of place."),
        "{human}"
    );
    assert!(
        !human.contains("secret contents are never printed"),
        "{human}"
    );
    // Also with source code read, and with no size limit.
    let v = json_of(&env, &["--scan-all", "--content-max", "1GiB"]);
    assert!(findings(&v).is_empty(), "{}", summary(&v));
}

// ---------------------------------------------------------------------------------------------
// 3. Snapshots.
// ---------------------------------------------------------------------------------------------

/// A small fixed tree: every size is written by the test, so every figure is stable.
pub(crate) fn snapshot_tree() -> TestEnv {
    let env = TestEnv::new();
    env.file("Dockerfile", "FROM scratch\nCOPY . /app\n")
        .dockerignore("*.md\n")
        .file("README.md", "# demo\n")
        .file("src/main.rs", vec![b'm'; 300])
        .file("src/lib.rs", vec![b'l'; 120])
        .file("src/util/fmt.rs", vec![b'f'; 80])
        .file(".env", "TOKEN=not-a-real-one\n")
        .file("app.log", vec![b'l'; 50])
        .file("node_modules/left-pad/index.js", vec![b'n'; 40])
        .file("node_modules/left-pad/package.json", vec![b'p'; 20])
        .file("assets/logo.png", vec![b'p'; 2000])
        .file(".gitignore", "*.tmp\n")
        .file("a.tmp", "tmp\n");
    env
}

pub(crate) fn redact(env: &TestEnv, out: &[u8]) -> String {
    let ctx = env.ctx().to_str().expect("UTF-8 temp path");
    text(out).replace(ctx, "[CTX]")
}

#[test]
pub(crate) fn snapshot_human_report() {
    let env = snapshot_tree();
    let o = run(&env, ["--color", "never", "--large", "1k", "."]);
    let out = redact(&env, &ok_stdout(&o));
    insta::assert_snapshot!("report_human", out);
}

#[test]
pub(crate) fn snapshot_json_report() {
    let env = snapshot_tree();
    let o = run(&env, ["--format", "json", "--large", "1k", "."]);
    let out = redact(&env, &ok_stdout(&o));
    let v: Value = serde_json::from_str(&out).expect("JSON");
    // The tar size of a fixed tree is fixed: 512-byte headers, padded data, the trailer.
    // 17 entries (README.md is excluded), 11 small files, a 2000-byte one, the trailer.
    assert_eq!(v["tar_bytes"], 17 * 512 + 11 * 512 + 2048 + 1024);
    // The text itself, so that the key order is part of the snapshot.
    insta::assert_snapshot!("report_json", out);
}

/// The walk's warnings reach the human report even when there is no finding to show (the
/// classic builder's tar stopped by a broken exception: a silent short context otherwise).
#[test]
pub(crate) fn a_classic_tar_stop_is_printed_without_findings() {
    let env = TestEnv::new();
    env.file("Dockerfile", "FROM scratch\n")
        .file("f.txt/c", "")
        .file("z", "")
        .file(".dockerignore", "**/c\n!*\n![z-a]\n");
    let o = run(&env, ["--builder", "classic", "."]);
    assert_eq!(o.status.code(), Some(0));
    let out = text(&o.stdout);
    assert!(out.contains("nothing that looks out of place"), "{out}");
    assert!(
        out.lines()
            .any(|l| l.starts_with("warning: the classic builder stops its tar at f.txt/c")),
        "{out}"
    );
    // And in CI: a GitHub annotation.
    let o = run(&env, ["--builder", "classic", "--format", "github", "."]);
    let out = text(&o.stdout);
    let want = "::warning title=ctxsize walk::the classic builder stops its tar at f.txt/c";
    assert!(out.lines().any(|l| l.starts_with(want)), "{out}");
}

/// A bind mount without `source=` makes BuildKit send the whole context: the Transfer line says
/// the Dockerfile reaches it, not that a `COPY . .` does (buildx's lint.Dockerfile has none).
#[test]
fn a_whole_context_bind_mount_is_not_called_a_copy() {
    let env = TestEnv::new();
    env.file(
        "Dockerfile",
        "FROM alpine\nRUN --mount=type=bind,target=/src make -C /src\n",
    )
    .file("main.go", "package main\n");
    let o = run(&env, ["."]);
    let out = text(&o.stdout);
    let transfer = out.lines().find(|l| l.starts_with("Transfer")).unwrap();
    assert!(
        transfer.ends_with("(the Dockerfile reaches the whole context)"),
        "{out}"
    );
    assert!(
        out.contains("RUN --mount without source= (Dockerfile line 2) sends the whole context"),
        "{out}"
    );
}
