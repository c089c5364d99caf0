//! Secret findings as a user meets them: planted secrets in code, markup and config found by
//! default, a clean tree of ordinary source silent, no output carrying a secret's bytes,
//! tracked files never `gitignored` (with a real git), and severity by what the build copies.
//!
//! Every fake credential is generated at run time, so this file holds no token-like literal.

use std::process::Command;

use serde_json::Value;

use crate::util::{text, Gen, TestEnv};

/// The shapes of fake values this file needs.
impl Gen {
    fn alnum(&mut self, n: usize) -> String {
        self.pick(
            b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789",
            n,
        )
    }

    fn aws(&mut self) -> String {
        [
            "AK",
            "IA",
            &self.pick(b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567", 16),
        ]
        .concat()
    }

    fn github(&mut self) -> String {
        ["gh", "p_", &self.alnum(36)].concat()
    }

    fn gitlab(&mut self) -> String {
        ["gl", "pat-", &self.alnum(20)].concat()
    }

    fn slack(&mut self) -> String {
        [
            "xo",
            "xb-",
            &self.pick(b"0123456789", 11),
            "-",
            &self.pick(b"0123456789", 12),
            "-",
            &self.alnum(24),
        ]
        .concat()
    }

    fn stripe(&mut self) -> String {
        ["sk", "_live_", &self.alnum(24)].concat()
    }

    fn pem(&mut self) -> String {
        let body: Vec<String> = (0..6)
            .map(|_| {
                self.pick(
                    b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/",
                    64,
                )
            })
            .collect();
        format!(
            "{}\n{}\n{}\n",
            ["-----BEGIN RSA ", "PRIVATE KEY-----"].concat(),
            body.join("\n"),
            ["-----END RSA ", "PRIVATE KEY-----"].concat()
        )
    }

    fn uuid(&mut self) -> String {
        let h = self.pick(b"0123456789abcdef", 32);
        format!(
            "{}-{}-{}-{}-{}",
            &h[..8],
            &h[8..12],
            &h[12..16],
            &h[16..20],
            &h[20..]
        )
    }
}

fn json(env: &TestEnv, args: &[&str]) -> Value {
    let mut a = vec!["--format", "json"];
    a.extend_from_slice(args);
    a.push(".");
    let out = env.run(&a);
    // Exit 1 is a failed gate (a finding above the threshold): the JSON is still complete.
    assert!(
        out.status.code() == Some(0) || out.status.code() == Some(1),
        "ctxsize failed: {}",
        text(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("JSON report")
}

fn findings(v: &Value) -> &Vec<Value> {
    v["findings"].as_array().expect("findings array")
}

fn secrets(v: &Value) -> Vec<&Value> {
    findings(v)
        .iter()
        .filter(|f| f["category"] == "secret")
        .collect()
}

fn find<'a>(v: &'a Value, path: &str) -> Vec<&'a Value> {
    findings(v).iter().filter(|f| f["path"] == path).collect()
}

/// One field (`rule`, `category`) of each finding of `path`.
fn field_of(v: &Value, path: &str, field: &str) -> Vec<String> {
    find(v, path)
        .iter()
        .map(|f| f[field].as_str().unwrap().to_string())
        .collect()
}

/// The one secret finding of `path`.
fn secret_of<'a>(v: &'a Value, path: &str) -> &'a Value {
    let s: Vec<&Value> = find(v, path)
        .into_iter()
        .filter(|f| f["category"] == "secret")
        .collect();
    assert_eq!(s.len(), 1, "one secret finding for {path}: {s:#?}");
    s[0]
}

/// A tree with secrets planted by content in code, markup and config; returns the env, the
/// planted (path, line) pairs and the secret values.
fn planted() -> (TestEnv, Vec<(&'static str, u64)>, Vec<String>) {
    let env = TestEnv::new();
    let mut g = Gen(0x5eed_f1d5);
    let (aws, gh1, gh2, gl, sl, st, pem) = (
        g.aws(),
        g.github(),
        g.github(),
        g.gitlab(),
        g.slack(),
        g.stripe(),
        g.pem(),
    );
    let db_pw = ["p", &g.alnum(14)].concat();
    env.file("Dockerfile", format!("FROM node:20\nWORKDIR /app\nENV DATABASE_URL=postgres://app:{db_pw}@db/app\nCOPY . .\nRUN npm ci\n"))
        .file(
            "src/util.ts",
            format!("import x from './x';\n\nexport const region = 'eu-west-1';\nconst key = \"{aws}\";\nexport default key;\n"),
        )
        .file(
            "docs/setup.md",
            format!("# Setup\n\nInstall the CLI, then log in:\n\n```sh\nexport GITHUB_TOKEN={gh1}\n```\n"),
        )
        .file("notes/dev-setup.md", format!("Dev notes\n{gh2}\n"))
        .file(
            "config/app.yaml",
            format!("server:\n  port: 8080\nslack:\n  token: {sl}\n"),
        )
        .file(
            "app/billing.py",
            format!("import stripe\n\nstripe.api_key = \"{st}\"\n"),
        )
        .file(
            "web/index.html",
            format!("<!doctype html>\n<html>\n<!-- deploy: {gl} -->\n</html>\n"),
        )
        .file("src/certs.go", format!("package certs\n\nconst key = `\n{pem}`\n"))
        .file("README.md", "# demo\n");
    let want = vec![
        ("src/util.ts", 4),
        ("docs/setup.md", 6),
        ("notes/dev-setup.md", 2),
        ("config/app.yaml", 4),
        ("app/billing.py", 3),
        ("web/index.html", 3),
        ("src/certs.go", 4),
        ("Dockerfile", 3),
    ];
    (env, want, vec![aws, gh1, gh2, gl, sl, st, pem, db_pw])
}

#[test]
fn planted_secrets_in_code_markup_and_config_are_found_by_default() {
    let (env, want, _) = planted();
    let v = json(&env, &[]);
    for (path, line) in &want {
        let f = secret_of(&v, path);
        assert_eq!(f["line"], *line, "{path}: {f:#}");
        // Copied into the image by `COPY . .`: high.
        assert_eq!(f["severity"], "high", "{path}: {f:#}");
    }
    assert_eq!(secrets(&v).len(), want.len(), "{:#?}", secrets(&v));
    // A secret inside a file the image needs: the fix moves the secret, never excludes the file.
    let f = secret_of(&v, "src/util.ts");
    assert!(
        f["fix"]
            .as_str()
            .unwrap()
            .contains("RUN --mount=type=secret"),
        "{f:#}"
    );
    // The Dockerfile's ENV value: Dockerfile path and line, never the value.
    let d = secret_of(&v, "Dockerfile");
    assert_eq!(d["rule"], "CTX170");
    // --no-content-scan: none of the content secrets.
    let off = json(&env, &["--no-content-scan"]);
    assert!(secrets(&off).is_empty(), "{:#?}", secrets(&off));
}

#[test]
fn no_output_contains_a_secret() {
    let (env, _, values) = planted();
    env.file(".env", format!("API_TOKEN={}\n", values[1]));
    for fmt in ["human", "json", "sarif", "github"] {
        let out = env.run(["--format", fmt, "--color", "never", "."]);
        assert!(
            out.status.code().is_some_and(|c| c <= 1),
            "{fmt}: {}",
            text(&out.stderr)
        );
        let all = [text(&out.stdout), text(&out.stderr)].concat();
        assert!(all.contains("src/util.ts"), "{fmt} names the file:\n{all}");
        for s in &values {
            // The whole value, and its random part alone.
            let body = &s[s.len().saturating_sub(16)..];
            assert!(
                !all.contains(s.as_str()) && !all.contains(body),
                "{fmt} output holds a secret"
            );
        }
    }
}

/// Ordinary source of several languages, with words like token and password used normally,
/// UUIDs, hashes and base64 blobs in tests.
fn clean_tree(env: &TestEnv) {
    let mut g = Gen(0xc1ea_0001);
    env.file(
        "Dockerfile",
        "FROM golang:1.22 AS build\nARG VERSION=dev\nENV CGO_ENABLED=0 PASSWORD_MIN_LENGTH=12\nENV TOKEN_FILE=/run/secrets/token\nCOPY . /src\nRUN go build ./...\nFROM alpine\nCOPY --from=build /src/bin /bin\n",
    );
    for i in 0..40 {
        let id = g.uuid();
        let sha = g.pick(b"0123456789abcdef", 64);
        env.file(
            format!("src/handlers/h{i}.rs"),
            format!(
                "//! Handler {i}.\nuse crate::auth::{{Token, verify_password}};\n\n/// Checks the bearer token against the session store.\npub fn handle(token: &Token, password: &str) -> bool {{\n    let id = \"{id}\";\n    let digest = \"{sha}\";\n    verify_password(password, digest) && token.subject() == id\n}}\n"
            ),
        );
        env.file(
            format!("web/src/api/client{i}.ts"),
            format!(
                "export async function login(user: string, password: string): Promise<string> {{\n  const res = await fetch('/api/token', {{ method: 'POST', body: JSON.stringify({{ user, password }}) }});\n  const {{ token }} = await res.json();\n  localStorage.setItem('token', token); // request id {id}\n  return token;\n}}\n"
            ),
        );
        env.file(
            format!("service/pkg/store{i}.go"),
            format!(
                "package store\n\n// Secret holds a reference to a secret in the vault, never its value.\ntype Secret struct {{\n\tName string\n\tPasswordRef string `json:\"password_ref\"`\n}}\n\nconst checksum = \"sha256:{sha}\"\n"
            ),
        );
        env.file(
            format!("py/app/views{i}.py"),
            format!(
                "from django.contrib.auth import authenticate\n\n\ndef login(request):\n    password = request.POST['password']\n    token = request.session.get('token')\n    user = authenticate(username=request.POST['user'], password=password)\n    return {{'ok': user is not None, 'trace': '{id}'}}\n"
            ),
        );
        let blob: String = g.pick(
            b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/",
            400,
        );
        env.file(
            format!("tests/data/case{i}.json"),
            format!("{{\"id\": \"{id}\", \"payload\": \"{blob}==\", \"hash\": \"{sha}\"}}\n"),
        );
    }
    env.file(
        "docs/auth.md",
        "# Authentication\n\nSet `API_TOKEN` in your environment (see `.env.example`). Tokens look like\n`ghp_` followed by 36 characters; never commit one. The password must have 12 characters.\n\nExample key id: AKIAIOSFODNN7EXAMPLE.\n",
    )
    .file(".env.example", "API_TOKEN=\nDB_PASSWORD=changeme\nDATABASE_URL=postgres://user:${DB_PASSWORD}@db/app\n")
    .file("config/settings.yaml", "auth:\n  token_ttl: 3600\n  password_min_length: 12\n  secret_name: app-secret\n")
    .file("hugoreleaser.env", "HUGORELEASER_TAG=v0.1.0\nHUGORELEASER_COMMITISH=main\n")
    .file("e2e/recordings/login.har", "{\"log\": {\"entries\": [{\"request\": {\"headers\": [{\"name\": \"Accept\", \"value\": \"*/*\"}], \"cookies\": []}}]}}\n")
    .file("charts/app/templates/db-secret.yaml", "apiVersion: v1\nkind: Secret\ndata:\n  password: {{ .Values.db.password | b64enc }}\n")
    .file("package.json", "{\"name\": \"app\", \"scripts\": {\"build\": \"tsc\"}}\n")
    // A form showing the layout of a GCP key file (langfuse's LLM key form): placeholders, no key.
    .file(
        "web/src/forms/VertexKeyForm.tsx",
        "export const Help = () => (\n  <pre>{`{\n  \"type\": \"service_account\",\n  \"project_id\": \"<project_id>\",\n  \"private_key_id\": \"<private_key_id>\",\n  \"private_key\": \"<private_key>\",\n  \"client_email\": \"<client_email>\"\n}`}</pre>\n);\n",
    )
    .file("Cargo.toml", "[package]\nname = \"app\"\nversion = \"0.1.0\"\n");
}

#[test]
fn a_clean_tree_raises_no_secret() {
    let env = TestEnv::new();
    clean_tree(&env);
    let v = json(&env, &[]);
    let s = secrets(&v);
    // The Helm template is named like a secret (CTX125) but holds no literal: not a secret.
    assert!(s.is_empty(), "{s:#?}");
}

#[test]
fn precision_on_test_fixtures_env_files_har_and_templates() {
    let env = TestEnv::new();
    let mut g = Gen(0xf1c5);
    let (k1, k2, k3) = (g.aws(), g.github(), g.alnum(20));
    env.file("Dockerfile", "FROM scratch\nCOPY . /app\n")
        .file("test/fixtures/keys.txt", format!("id={k1}\n"))
        .file("pkg/auth/auth_test.go", format!("package auth\n\nconst tok = \"{k2}\"\n"))
        .file("hugoreleaser.env", "HUGORELEASER_TAG=v1\n")
        .file("deploy/prod.env", format!("NAME=app\nDB_PASSWORD={k3}\n"))
        .file("e2e/clean.har", "{\"log\": {\"entries\": []}}\n")
        .file(
            "captures/session.har",
            "{\"log\": {\"entries\": [\n{\"request\": {\"headers\": [{\"name\": \"Authorization\", \"value\": \"Bearer x1\"}]}}]}}\n",
        )
        .file("helm/templates/app-secret.yaml", "stringData:\n  token: {{ .Values.token }}\n");
    let v = json(&env, &[]);
    for p in ["test/fixtures/keys.txt", "pkg/auth/auth_test.go"] {
        let f = secret_of(&v, p);
        assert_eq!(f["severity"], "low", "{f:#}");
        assert!(
            f["message"].as_str().unwrap().contains("test fixture"),
            "{f:#}"
        );
    }
    assert!(find(&v, "hugoreleaser.env").is_empty());
    assert_eq!(secret_of(&v, "deploy/prod.env")["line"], 2);
    assert!(find(&v, "e2e/clean.har").is_empty());
    assert_eq!(secret_of(&v, "captures/session.har")["line"], 2);
    assert!(find(&v, "helm/templates/app-secret.yaml").is_empty());
}

/// A secrets manifest that is a Helm/Go template (`{{ … }}`) is not a secrets file by its name
/// (`secrets.yaml`, CTX112; `*-secret.yaml`, CTX125): formbricks' `templates/secrets.yaml`
/// assigns `{{- $postgresPassword := include … }}`. One that also assigns a literal value stays
/// a secret, with that line; a token inside one keeps its severity.
#[test]
fn templated_secrets_manifests_are_not_secrets_by_name() {
    let env = TestEnv::new();
    let mut g = Gen(0x7e3a);
    let (lit, tok) = (g.alnum(20), g.github());
    env.file("Dockerfile", "FROM scratch\nCOPY . /app\n")
        .file(
            "charts/app/templates/secrets.yaml",
            "{{- $postgresPassword := include \"app.postgresPassword\" . }}\napiVersion: v1\nkind: Secret\ndata:\n  DATABASE_PASSWORD: {{ $postgresPassword | b64enc }}\n",
        )
        .file(
            "charts/app/templates/redis-secret.yaml",
            "kind: Secret\nstringData:\n  password: {{ .Values.redis.password | quote }}\n",
        )
        .file(
            "charts/other/templates/secrets.yaml",
            format!("kind: Secret\nstringData:\n  name: {{{{ .Release.Name }}}}\n  password: {lit}\n"),
        )
        .file(
            "charts/third/templates/api-secret.yaml",
            format!("kind: Secret\nstringData:\n  name: {{{{ .Release.Name }}}}\n  token: {tok}\n"),
        )
        .file("config/secrets.yaml", format!("db:\n  password: {lit}\n"));
    let v = json(&env, &[]);
    assert!(
        find(&v, "charts/app/templates/secrets.yaml").is_empty(),
        "{v:#}"
    );
    assert!(
        find(&v, "charts/app/templates/redis-secret.yaml").is_empty(),
        "{v:#}"
    );
    // A literal password in a template stays a secret: the generated-looking value is also a
    // hard-coded secret (CTX169), graded like a token signature (not capped as a template).
    let f = secret_of(&v, "charts/other/templates/secrets.yaml");
    assert_eq!(f["rule"], "CTX169", "{f:#}");
    assert!(
        f["message"]
            .as_str()
            .unwrap()
            .contains("Application secrets file"),
        "{f:#}"
    );
    assert_eq!(f["line"], 4, "{f:#}");
    let f = secret_of(&v, "charts/third/templates/api-secret.yaml");
    assert_eq!(f["severity"], "high", "{f:#}");
    assert_eq!(f["line"], 4, "{f:#}");
    let f = secret_of(&v, "config/secrets.yaml");
    assert_eq!(f["rule"], "CTX112", "{f:#}");
}

#[test]
fn tracked_files_are_never_gitignored() {
    let env = TestEnv::new();
    let k = Gen(7).github();
    env.file("Dockerfile", "FROM scratch\nCOPY src /src\n")
        .file(".gitignore", "*.log\nbuild/\nlocal/\n.env\n")
        .file("src/main.rs", "fn main() {}\n")
        .file("kept.log", "tracked on purpose\n")
        .file("other.log", "scratch\n")
        .file("build/templates/page.html", "<p>{{ .Title }}</p>\n")
        .file("local/tracked.txt", "t\n")
        .file("local/untracked.txt", "u\n")
        .file(".env", format!("TOKEN={k}\n"));
    // Before git: the check is skipped, and the report says so.
    let v = json(&env, &[]);
    let notes = v["notes"].to_string();
    assert!(notes.contains("check skipped"), "{notes}");
    env.git(&["init", "-q", "."]);
    env.git(&[
        "add",
        "-f",
        "src",
        ".gitignore",
        "kept.log",
        "build",
        "local/tracked.txt",
        "Dockerfile",
    ]);
    let v = json(&env, &[]);
    let rules_of = |p: &str| field_of(&v, p, "category");
    assert!(
        !rules_of("kept.log").contains(&"gitignored".to_string()),
        "{v:#}"
    );
    // Untracked and ignored, but a log file: reported once, as a log (not again as gitignored).
    assert_eq!(rules_of("other.log"), ["logs"], "{v:#}");
    // A tracked `build/` is source: neither build output nor gitignored.
    assert!(rules_of("build").is_empty(), "{:?}", rules_of("build"));
    // An ignored directory with a tracked file: only the untracked file is reported.
    assert!(rules_of("local").is_empty());
    assert!(rules_of("local/tracked.txt").is_empty());
    assert_eq!(rules_of("local/untracked.txt"), ["gitignored"]);
    // The secret is reported once, not again as gitignored.
    assert_eq!(rules_of(".env"), ["secret"]);
    assert!(!v["notes"].to_string().contains("check skipped"));
}

#[test]
fn severity_follows_what_the_build_copies() {
    let env = TestEnv::new();
    let mut g = Gen(0x5e7);
    for p in ["app.txt", "src/a.ts", "mnt.txt", "unused.txt", "other.txt"] {
        env.file(p, format!("k = {}\n", g.aws()));
    }
    env.file(
        "Dockerfile",
        "FROM alpine AS unused\nCOPY unused.txt /\nFROM alpine AS build\nCOPY src /src\nRUN --mount=type=bind,source=mnt.txt,target=/m true\nFROM alpine\nCOPY --from=build /src /app\nCOPY app.txt /\n",
    );
    for builder in ["buildkit", "classic"] {
        let v = json(&env, &["--builder", builder]);
        let sev = |p: &str| secret_of(&v, p)["severity"].as_str().unwrap().to_string();
        let msg = |p: &str| secret_of(&v, p)["message"].as_str().unwrap().to_string();
        assert_eq!(sev("app.txt"), "high", "{builder}");
        assert!(
            msg("app.txt").contains("copied into the image"),
            "{}",
            msg("app.txt")
        );
        // Named by a COPY: excluding it breaks the build.
        assert!(secret_of(&v, "app.txt")["fix"]
            .as_str()
            .unwrap()
            .contains("RUN --mount=type=secret"));
        assert_eq!(sev("src/a.ts"), "high");
        assert!(
            msg("src/a.ts").contains("stage build"),
            "{}",
            msg("src/a.ts")
        );
        assert_eq!(sev("mnt.txt"), "medium");
        assert!(msg("mnt.txt").contains("not stored in a layer"));
        assert_eq!(sev("unused.txt"), "medium");
        assert!(
            msg("unused.txt").contains("no later stage copies from"),
            "{}",
            msg("unused.txt")
        );
        assert_eq!(sev("other.txt"), "medium");
        assert!(msg("other.txt").contains("not copied into an image"));
        // Only in the context, not named: the ignore line is the fix.
        assert_eq!(secret_of(&v, "other.txt")["fix"], "other.txt");
    }
}

#[test]
fn human_output_shows_the_line() {
    let (env, _, _) = planted();
    let out = env.run(["--color", "never", "."]);
    let s = text(&out.stdout);
    assert!(s.contains("src/util.ts:4"), "{s}");
    assert!(s.contains("Dockerfile:3"), "{s}");
}

/// Runs the JSON report with the Dockerfile on stdin (`-f -`).
fn json_stdin(env: &TestEnv, args: &[&str], dockerfile: &str) -> Value {
    use std::io::Write;
    use std::process::Stdio;
    let mut a = vec!["-f", "-", "--format", "json"];
    a.extend_from_slice(args);
    a.push(".");
    let mut child = Command::new(crate::util::bin())
        .args(&a)
        .current_dir(env.ctx())
        .env("NO_COLOR", "1")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run ctxsize");
    child
        .stdin
        .take()
        .unwrap()
        .write_all(dockerfile.as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(
        matches!(out.status.code(), Some(0 | 1)),
        "ctxsize failed: {}",
        text(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("JSON report")
}

#[test]
fn severity_follows_the_dockerfile_used_stdin_target_and_build_args() {
    let env = TestEnv::new();
    let mut g = Gen(0x51d);
    for p in ["disk.txt", "piped.txt", "dev.txt", "arg.txt"] {
        env.file(p, format!("k = {}\n", g.aws()));
    }
    // The file on disk copies disk.txt; the build reads stdin instead.
    env.file("Dockerfile", "FROM alpine\nCOPY disk.txt /\n");
    let piped = "FROM alpine AS dev\nCOPY dev.txt /\nFROM alpine\nARG SRC=none.txt\nCOPY piped.txt /\nCOPY ${SRC} /\n";
    let v = json_stdin(&env, &[], piped);
    let sev = |v: &Value, p: &str| secret_of(v, p)["severity"].as_str().unwrap().to_string();
    assert_eq!(sev(&v, "piped.txt"), "high");
    assert_eq!(
        sev(&v, "disk.txt"),
        "medium",
        "./Dockerfile is not the one built"
    );
    assert_eq!(sev(&v, "arg.txt"), "medium");
    // Same Dockerfile, --build-arg: ${SRC} now names arg.txt.
    let v = json_stdin(&env, &["--build-arg", "SRC=arg.txt"], piped);
    assert_eq!(sev(&v, "arg.txt"), "high");
    assert!(secret_of(&v, "arg.txt")["message"]
        .as_str()
        .unwrap()
        .contains("line 6"));
    // --target dev: only the dev stage is built; the final stage's sources stay in the context.
    let v = json_stdin(&env, &["--target", "dev"], piped);
    assert_eq!(sev(&v, "dev.txt"), "high");
    assert_eq!(sev(&v, "piped.txt"), "medium");
    assert!(
        secret_of(&v, "piped.txt")["message"]
            .as_str()
            .unwrap()
            .contains("not copied into an image"),
        "stages after the target are built by neither builder"
    );
    // The same from the file on disk, with --target.
    env.file("Dockerfile", piped);
    let v = json(&env, &["--target", "dev"]);
    assert_eq!(sev(&v, "dev.txt"), "high");
    assert_eq!(sev(&v, "piped.txt"), "medium");
}

#[test]
fn human_output_shows_each_severity_when_a_category_mixes_them() {
    let env = TestEnv::new();
    let mut g = Gen(0x4e5);
    env.file("src/app.ts", format!("k = {}\n", g.aws()))
        .file("notes.txt", format!("k = {}\n", g.aws()))
        .file("Dockerfile", "FROM alpine\nCOPY src /src\n");
    let out = env.run(["--color", "never", "."]);
    let s = text(&out.stdout);
    let line = |p: &str| {
        s.lines()
            .find(|l| l.contains(p) && l.contains("[CTX"))
            .unwrap_or_else(|| panic!("no finding line for {p}: {s}"))
            .trim_start()
            .to_string()
    };
    assert!(s.contains("  high   secret"), "{s}");
    assert!(line("src/app.ts").starts_with("high "), "{s}");
    assert!(line("notes.txt").starts_with("medium "), "{s}");
    // One severity in a category: the header says it, lines carry no label.
    env.file("Dockerfile", "FROM alpine\nCOPY . /src\n");
    let s = text(&env.run(["--color", "never", "."]).stdout);
    assert!(
        s.lines().any(|l| l.trim_start().starts_with("src/app.ts")),
        "{s}"
    );
}

/// One finding per entry: a gitignored file or directory that another rule names (a log file,
/// a log directory, an OS dropping) is reported by that rule only; an entry no other rule
/// names is reported as gitignored.
#[test]
fn gitignored_entries_are_not_reported_twice() {
    let env = TestEnv::new();
    env.file("Dockerfile", "FROM scratch\nCOPY . /\n")
        .file(".gitignore", "logs\n*.log\n.DS_Store\nnotes.txt\n")
        .file("npm-debug.log", "e\n")
        .file(".DS_Store", "d\n")
        .file("logs/app.log", "l\n")
        .file("notes.txt", "n\n")
        .file("app.js", "a\n");
    env.git(&["init", "-q", "."]);
    env.git(&["add", "-f", "Dockerfile", ".gitignore", "app.js"]);
    let v = json(&env, &[]);
    let rules_of = |p: &str| field_of(&v, p, "rule");
    for p in ["npm-debug.log", ".DS_Store", "logs"] {
        let r = rules_of(p);
        assert_eq!(r.len(), 1, "{p}: {r:?}");
        assert_ne!(r[0], "CTX001", "{p}: {r:?}");
    }
    assert!(rules_of("logs/app.log").is_empty());
    assert_eq!(rules_of("notes.txt"), ["CTX001"]);
}

/// A PEM block with a base64 body, with run-time generated (fake) content.
fn pem_block(g: &mut Gen, label: &str) -> String {
    let body: Vec<String> = (0..4)
        .map(|_| {
            g.pick(
                b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/",
                64,
            )
        })
        .collect();
    format!(
        "-----BEGIN {label}-----\n{}\n-----END {label}-----\n",
        body.join("\n")
    )
}

#[test]
fn pem_and_key_files_holding_only_public_blocks_are_not_secrets() {
    let env = TestEnv::new();
    let mut g = Gen(0x9e3a);
    let cert = pem_block(&mut g, "CERTIFICATE");
    let cert2 = pem_block(&mut g, "CERTIFICATE");
    let public = pem_block(&mut g, "PUBLIC KEY");
    let csr = pem_block(&mut g, "CERTIFICATE REQUEST");
    let key = g.pem();
    env.file("Dockerfile", "FROM scratch\nCOPY . /app\n")
        // A CA bundle, a public key, a request, and a certificate saved under a key-like name.
        .file("certs/aws_certificates.pem", format!("{cert}{cert2}"))
        .file("keys/signing_public.key", public.clone())
        .file("certs/server.csr.pem", csr)
        .file("certs/keystore_alias_cert.pem", cert.clone())
        // A certificate with its key, and a key alone: secrets.
        .file("certs/server-bundle.pem", format!("{cert}{key}"))
        .file("certs/tls.key", key.clone())
        // Not PEM text at all: the name decides.
        .file("certs/legacy.pem", "opaque\n");
    let v = json(&env, &[]);
    for p in [
        "certs/aws_certificates.pem",
        "keys/signing_public.key",
        "certs/server.csr.pem",
        "certs/keystore_alias_cert.pem",
    ] {
        assert!(find(&v, p).is_empty(), "{p}: {:#?}", find(&v, p));
    }
    assert_eq!(secret_of(&v, "certs/server-bundle.pem")["severity"], "high");
    assert_eq!(secret_of(&v, "certs/server-bundle.pem")["line"], 7);
    assert_eq!(secret_of(&v, "certs/tls.key")["severity"], "high");
    assert_eq!(secret_of(&v, "certs/legacy.pem")["rule"], "CTX104");
    // Without the content scan nothing is read: the names decide.
    let v = json(&env, &["--no-content-scan"]);
    assert_eq!(
        secret_of(&v, "certs/aws_certificates.pem")["rule"],
        "CTX104"
    );
    assert_eq!(secret_of(&v, "keys/signing_public.key")["rule"], "CTX103");
}

#[test]
fn keys_under_integration_and_fixture_directories_are_test_fixtures() {
    let env = TestEnv::new();
    let mut g = Gen(0x7e57);
    let key = g.pem();
    env.file("Dockerfile", "FROM scratch\nCOPY . /app\n")
        .file("integration/resources/tls/local.key", key.clone())
        .file("services/db/text-fixtures/private-key.pem", key.clone())
        .file("acceptance-tests/certs/ca.key", key.clone())
        .file("deploy/tls/local.key", key);
    let v = json(&env, &[]);
    for p in [
        "integration/resources/tls/local.key",
        "services/db/text-fixtures/private-key.pem",
        "acceptance-tests/certs/ca.key",
    ] {
        let f = secret_of(&v, p);
        assert_eq!(f["severity"], "low", "{f:#}");
        assert!(
            f["message"].as_str().unwrap().contains("test fixture"),
            "{f:#}"
        );
    }
    assert_eq!(secret_of(&v, "deploy/tls/local.key")["severity"], "high");
}

/// Test doubles, CI dotenv files and Storybook stories hold throwaway values: a connector's
/// `src/mock.ts` with the private key its tests sign with, a Laravel `.env.ci` for the CI run, a
/// story rendering a token dialog with a demo token. Graded low and labelled; the same values in
/// the code or the production dotenv stay high.
#[test]
fn mocks_ci_dotenv_files_and_stories_are_graded_low() {
    let env = TestEnv::new();
    let mut g = Gen(0x5e0c);
    let (key, pw, hex) = (g.pem(), g.alnum(40), g.pick(b"0123456789abcdef", 64));
    let ts_key = format!("export const config = {{\n  privateKey: `{key}`,\n}};\n");
    let story =
        format!("export const Default = () => <TokenSummary project='p' secret='{hex}' />;\n");
    env.file("Dockerfile", "FROM scratch\nCOPY . /app\n")
        .file("packages/connectors/pay/src/mock.ts", ts_key.clone())
        .file("packages/connectors/pay/src/client.mock.ts", ts_key.clone())
        .file("packages/connectors/pay/src/config.ts", ts_key)
        .file(
            ".env.ci",
            format!("APP_ENV=ci\nPASSPORT_CLIENT_SECRET={pw}\n"),
        )
        .file("tests/.env.ci.pgsql", format!("DB_PASSWORD={pw}\n"))
        .file(
            ".env.production",
            format!("APP_ENV=prod\nPASSPORT_CLIENT_SECRET={pw}\n"),
        )
        .file("frontend/src/Token/TokenSummary.story.tsx", story.clone())
        .file("frontend/src/Token/TokenSummary.tsx", story);
    let v = json(&env, &[]);
    for (p, label) in [
        ("packages/connectors/pay/src/mock.ts", "test fixture"),
        ("packages/connectors/pay/src/client.mock.ts", "test fixture"),
        (".env.ci", "test fixture"),
        ("tests/.env.ci.pgsql", "test fixture"),
        (
            "frontend/src/Token/TokenSummary.story.tsx",
            "in a Storybook story",
        ),
    ] {
        let f = secret_of(&v, p);
        assert_eq!(f["severity"], "low", "{f:#}");
        assert!(f["message"].as_str().unwrap().contains(label), "{f:#}");
    }
    for p in [
        "packages/connectors/pay/src/config.ts",
        ".env.production",
        "frontend/src/Token/TokenSummary.tsx",
    ] {
        assert_eq!(secret_of(&v, p)["severity"], "high", "{p}");
    }
}

/// An OpenAPI or Swagger description of an endpoint that manages secrets or passwords
/// (`secret.openapi.json` in an API server's routes) is API documentation, not a data file
/// named like a credential (CTX125); a plain `db-passwords.txt` still is.
#[test]
fn an_api_description_of_a_secrets_endpoint_is_not_a_credential_file() {
    let env = TestEnv::new();
    env.file("Dockerfile", "FROM scratch\nCOPY . /app\n")
        .file(
            "packages/core/src/routes/secret.openapi.json",
            "{\"paths\": {\"/secrets\": {\"get\": {\"summary\": \"List secrets\"}}}}\n",
        )
        .file(
            "api/password-verification.swagger.yaml",
            "paths:\n  /verify:\n    post:\n      summary: Verify a password\n",
        )
        .file("ops/db-passwords.txt", "see the vault\n");
    let v = json(&env, &[]);
    assert!(
        find(&v, "packages/core/src/routes/secret.openapi.json").is_empty(),
        "{v:#}"
    );
    assert!(
        find(&v, "api/password-verification.swagger.yaml").is_empty(),
        "{v:#}"
    );
    assert_eq!(secret_of(&v, "ops/db-passwords.txt")["rule"], "CTX125");
}

#[test]
fn a_token_in_a_dockerfile_env_is_graded_by_the_image_not_by_the_file() {
    // The Dockerfile is in the context but no COPY takes it; its ENV value is in the image all
    // the same. Its content hits (the token's own signature) must not cap it to medium.
    let env = TestEnv::new();
    let mut g = Gen(0xd0cf);
    let (gh, pw) = (g.github(), g.alnum(20));
    env.file(
        "Dockerfile",
        format!("FROM alpine:3.20\nENV GITHUB_TOKEN={gh}\nENV DB_PASSWORD={pw}\nCOPY app/ /app/\n"),
    )
    .file("app/main.py", "print('hi')\n");
    let v = json(&env, &[]);
    let d = secret_of(&v, "Dockerfile");
    assert_eq!(d["rule"], "CTX170", "{d:#}");
    assert_eq!(d["severity"], "high", "{d:#}");
    assert_eq!(d["line"], 2, "{d:#}");
    let msg = d["message"].as_str().unwrap();
    assert!(!msg.contains("not copied into an image"), "{d:#}");
    assert!(
        d["fix"]
            .as_str()
            .unwrap()
            .starts_with("remove the value from the Dockerfile"),
        "{d:#}"
    );
}

#[test]
fn a_generated_key_in_a_dockerfile_env_is_high_though_no_copy_takes_the_dockerfile() {
    // A secret-named ENV set to a generated-looking literal is a real key in the image's
    // config, whether or not the Dockerfile file itself is copied; a readable default
    // (`SECRET_KEY=tralala`) stays medium.
    let env = TestEnv::new();
    let mut g = Gen(0xd0d1);
    let key = g.alnum(40);
    env.file(
        "Dockerfile",
        format!("FROM alpine:3.20\nCOPY app/ /app/\nENV PORT=8080\nENV SERVICE_API_KEY={key}\n"),
    )
    .file("app/main.py", "print('hi')\n")
    .file(
        "deploy/Dockerfile",
        "FROM alpine:3.20\nENV SECRET_KEY=tralala\n",
    );
    let v = json(&env, &[]);
    let d = secret_of(&v, "Dockerfile");
    assert_eq!(d["rule"], "CTX170", "{d:#}");
    assert_eq!(d["severity"], "high", "{d:#}");
    assert_eq!(d["line"], 4, "{d:#}");
    let r = json(&env, &["-f", "deploy/Dockerfile"]);
    let r = secret_of(&r, "deploy/Dockerfile");
    assert_eq!(r["rule"], "CTX170", "{r:#}");
    assert_eq!(r["severity"], "medium", "{r:#}");
}

#[test]
fn a_key_in_a_jvm_package_named_like_samples_or_integration_is_not_a_fixture() {
    // `src/main/java/org/acme/samples/…` is a package, copied into the image: high. The same
    // key under `src/test/java/` is a test fixture.
    let env = TestEnv::new();
    let mut g = Gen(0x1a7a);
    let (k1, k2, k3) = (g.aws(), g.aws(), g.aws());
    let class = |k: &str| {
        format!("package x;\n\nclass Keys {{\n    static final String ID = \"{k}\";\n}}\n")
    };
    env.file(
        "Dockerfile",
        "FROM eclipse-temurin:21-jdk\nCOPY pom.xml ./\nCOPY src ./src\n",
    )
    .file("pom.xml", "<project/>\n")
    .file("src/main/java/org/acme/samples/Keys.java", class(&k1))
    .file("src/main/kotlin/org/acme/integration/Keys.java", class(&k2))
    .file("src/test/java/org/acme/Keys.java", class(&k3));
    let v = json(&env, &[]);
    for p in [
        "src/main/java/org/acme/samples/Keys.java",
        "src/main/kotlin/org/acme/integration/Keys.java",
    ] {
        let f = secret_of(&v, p);
        assert_eq!(f["severity"], "high", "{f:#}");
        assert_eq!(f["line"], 4, "{f:#}");
    }
    let t = secret_of(&v, "src/test/java/org/acme/Keys.java");
    assert_eq!(t["severity"], "low", "{t:#}");
}

#[test]
fn test_settings_and_sample_dotenv_files_named_by_their_first_part_are_graded_lower() {
    // `test.env` is the `*.env` spelling of `.env.test`, `settings/test.py` the test
    // environment's settings: test fixtures, low. `sample.env` is `.env.sample`: at most
    // medium. A `prod.env` beside them keeps its grade.
    let env = TestEnv::new();
    let mut g = Gen(0x7e57);
    let (a, b, c) = (g.alnum(32), g.alnum(32), g.alnum(32));
    let key = g.pem();
    env.file("Dockerfile", "FROM scratch\nCOPY . /app\n")
        .file(
            ".dev/test.env",
            format!("APP_DEBUG=true\nDB_PASSWORD={a}\n"),
        )
        .file(
            "config/sample.env",
            format!("PORT=80\nSESSION_SECRET={b}\n"),
        )
        .file("config/prod.env", format!("SESSION_SECRET={c}\n"))
        .file(
            "api/app/settings/test.py",
            format!("DEBUG = True\nSIGNING_KEY = \"\"\"\n{key}\"\"\"\n"),
        );
    let v = json(&env, &[]);
    for (p, sev, label) in [
        (".dev/test.env", "low", "test fixture"),
        ("config/sample.env", "medium", "in an example file"),
        ("api/app/settings/test.py", "low", "test fixture"),
        ("config/prod.env", "high", "copied into the image"),
    ] {
        let f = secret_of(&v, p);
        assert_eq!(f["severity"], sev, "{f:#}");
        assert!(f["message"].as_str().unwrap().contains(label), "{f:#}");
    }
}

#[test]
fn dotenv_files_report_the_line_of_the_secret_and_are_low_without_one() {
    let env = TestEnv::new();
    let mut g = Gen(0xe4f0);
    let (pw, aws_secret) = (g.alnum(18), g.alnum(40));
    env.file("Dockerfile", "FROM scratch\nCOPY . /app\n")
        // A compose variables file: image tags, ports, a well-known default.
        .file(
            ".env",
            "COMPOSE_PROJECT_NAME=demo\nIMAGE_VERSION=2.0.1\nPOSTGRES_PASSWORD=changeit\nAPI_KEY=\nMINIO_ROOT_PASSWORD=minioadmin\nAWS_ACCESS_KEY=minioadmin\nNEO4J_PASSWORD=neo4j\n",
        )
        .file(
            "svc/.env",
            format!("PORT=8080\nDATABASE_URL=postgres://app:{pw}@db:5432/app\n"),
        )
        .file(
            ".env.production",
            format!("REGION=eu-west-1\nLOG=info\nAWS_SECRET_ACCESS_KEY={aws_secret}\n"),
        )
        .file(
            "deploy/app.env",
            "DATABASE_URL=postgresql://app:${POSTGRES_PASSWORD}@db/app\n",
        )
        .file("deploy/db.env", format!("MONGO_URI=mongodb+srv://svc:{pw}@cluster0.mongodb.net/\n"))
        // A front end's build variables: no secret-looking name, a browser's Google API key.
        .file(
            "web/.env.production",
            format!(
                "VITE_APP_URL=https://example.org\nVITE_APP_FIREBASE_CONFIG='{{\"apiKey\":\"{}{}{}\"}}'\n",
                "AI",
                "za",
                g.alnum(35)
            ),
        );
    let v = json(&env, &[]);
    // Graded by what is in it (CTX162, medium), not high by its name.
    let web = secret_of(&v, "web/.env.production");
    assert_eq!(
        (&web["severity"], &web["line"]),
        (&"medium".into(), &2.into()),
        "{web:#}"
    );
    let plain = secret_of(&v, ".env");
    assert_eq!(plain["severity"], "low", "{plain:#}");
    assert!(
        plain["message"]
            .as_str()
            .unwrap()
            .contains("no secret-looking value"),
        "{plain:#}"
    );
    for (p, line) in [
        ("svc/.env", 2),
        (".env.production", 3),
        ("deploy/db.env", 1),
    ] {
        let f = secret_of(&v, p);
        assert_eq!(
            (&f["severity"], &f["line"]),
            (&"high".into(), &line.into()),
            "{f:#}"
        );
    }
    assert!(
        find(&v, "deploy/app.env").is_empty(),
        "{:#?}",
        find(&v, "deploy/app.env")
    );
    // Without the content scan the name decides: `.env` high, `*.env` low.
    let off = json(&env, &["--no-content-scan"]);
    assert_eq!(secret_of(&off, ".env")["severity"], "high");
    assert_eq!(secret_of(&off, "deploy/db.env")["severity"], "low");
}

#[test]
fn urls_with_a_real_password_are_found_and_dev_defaults_are_not() {
    let env = TestEnv::new();
    let mut g = Gen(0x0d1b);
    let pw = [&g.alnum(6), "7", &g.alnum(10)].concat();
    env.file("Dockerfile", "FROM node:20\nCOPY src/ /app/src/\n")
        .file(
            "src/db.ts",
            format!("import pg from 'pg';\n\nexport const pool = new pg.Pool({{ connectionString: \"postgres://app:{pw}@db.internal:5432/app\" }});\n"),
        )
        .file(
            "config/settings.yaml",
            format!("cache:\n  url: redis://:{pw}@cache:6379/0\n"),
        )
        .file(
            "docker-compose.yml",
            "services:\n  api:\n    environment:\n      DATABASE_URL: postgres://postgres:postgres@db:5432/app\n      AMQP_URL: amqp://guest:guest@rabbit:5672/\n      MONGO_URL: mongodb://root:${MONGO_PASSWORD}@mongo/\n",
        )
        .file(
            "docs/setup.md",
            "Clone with `https://USER:PERSONAL_ACCESS_TOKEN@github.com/org/repo.git`.\n",
        );
    let v = json(&env, &[]);
    let f = secret_of(&v, "src/db.ts");
    assert_eq!(
        (&f["rule"], &f["severity"], &f["line"]),
        (&"CTX167".into(), &"high".into(), &3.into()),
        "{f:#}"
    );
    let f = secret_of(&v, "config/settings.yaml");
    assert_eq!(
        (&f["severity"], &f["line"]),
        (&"medium".into(), &2.into()),
        "{f:#}"
    );
    assert!(
        find(&v, "docker-compose.yml").is_empty(),
        "{:#?}",
        find(&v, "docker-compose.yml")
    );
    assert!(
        find(&v, "docs/setup.md").is_empty(),
        "{:#?}",
        find(&v, "docs/setup.md")
    );
    for args in [
        &["--format", "json", "."][..],
        &["."],
        &["--format", "sarif", "."],
    ] {
        let out = env.run(args);
        assert!(!text(&out.stdout).contains(&pw[..8]), "{args:?}");
    }
}

#[test]
fn credential_files_named_so_report_the_line_of_the_secret() {
    let env = TestEnv::new();
    let mut g = Gen(0xc0f1);
    let (tok, pw) = (g.alnum(40), g.alnum(18));
    env.file("Dockerfile", "FROM scratch\nCOPY . /app\n")
        .file(
            "deploy/kubeconfig",
            format!(
                "apiVersion: v1\nkind: Config\nusers:\n- name: admin\n  user:\n    token: {tok}\n"
            ),
        )
        .file(
            "config/secrets.yml",
            format!("development:\n  secret_key_base: {tok}\n"),
        )
        .file(
            "pub/.pypirc",
            format!("[pypi]\nusername = deploy\npassword = {pw}\n"),
        )
        // Nothing secret-looking inside: the name still decides, without a line.
        .file(
            "ops/kubeconfig",
            "apiVersion: v1\nkind: Config\nusers: []\n",
        );
    let v = json(&env, &[]);
    for (p, line) in [
        ("deploy/kubeconfig", 6),
        ("config/secrets.yml", 2),
        ("pub/.pypirc", 3),
    ] {
        let f = secret_of(&v, p);
        assert_eq!(
            (&f["severity"], &f["line"]),
            (&"high".into(), &line.into()),
            "{f:#}"
        );
    }
    let f = secret_of(&v, "ops/kubeconfig");
    assert!(f["line"].is_null(), "{f:#}");
}

/// dependency-track: an OpenAPI document describes its secrets endpoint in
/// `openapi/resources/secrets/secret.yaml`; nothing in it looks like a secret. A structured
/// secrets file read whole with no secret-looking assignment is low and labelled, as an `.env`
/// without one is; a Kubernetes Secret's base64 value or a Rails key keeps it high.
#[test]
fn a_structured_secrets_file_without_a_secret_looking_value_is_low() {
    let env = TestEnv::new();
    let mut g = Gen(0x5ec7);
    let (b64, key) = (g.alnum(24), g.alnum(40));
    env.file("Dockerfile", "FROM scratch\nCOPY . /app\n")
        .file(
            "api/openapi/resources/secrets/secret.yaml",
            "get:\n  operationId: getSecretMetadata\n  summary: Get secret metadata\n  parameters:\n    - $ref: ../../parameters/secret-name.yaml\n",
        )
        .file(
            "deploy/secrets.yaml",
            format!("apiVersion: v1\nkind: Secret\ndata:\n  password: {b64}=\n"),
        )
        .file(
            "config/secrets.yml",
            format!("production:\n  secret_key_base: {key}\n"),
        )
        // Not structured: a token alone, no assignment to look for.
        .file(".vault-token", format!("{key}\n"));
    let v = json(&env, &[]);
    let f = secret_of(&v, "api/openapi/resources/secrets/secret.yaml");
    assert_eq!(f["severity"], "low", "{f:#}");
    assert!(
        f["message"]
            .as_str()
            .unwrap()
            .contains("no secret-looking value in it"),
        "{f:#}"
    );
    for (p, line) in [("deploy/secrets.yaml", 4), ("config/secrets.yml", 2)] {
        let f = secret_of(&v, p);
        assert_eq!(
            (&f["severity"], &f["line"]),
            (&"high".into(), &line.into()),
            "{f:#}"
        );
    }
    assert_eq!(secret_of(&v, ".vault-token")["severity"], "high", "{v:#}");
}

#[test]
fn npmrc_without_a_token_is_low_and_with_one_is_high_at_its_line() {
    let env = TestEnv::new();
    let mut g = Gen(0x4e70);
    let tok = ["npm", "_", &g.alnum(36)].concat();
    env.file("Dockerfile", "FROM node:20\nCOPY . /app\n")
        .file(".npmrc", "save-exact=true\nlegacy-peer-deps=true\n")
        .file("ui/.yarnrc", "registry \"https://registry.yarnpkg.com\"\n")
        .file(
            "pkg/.npmrc",
            "//registry.npmjs.org/:_authToken=${NPM_TOKEN}\n",
        )
        .file(
            "app/.npmrc",
            format!(
                "registry=https://registry.npmjs.org/\n//registry.npmjs.org/:_authToken={tok}\n"
            ),
        );
    let v = json(&env, &[]);
    for p in [".npmrc", "ui/.yarnrc", "pkg/.npmrc"] {
        let f = secret_of(&v, p);
        assert_eq!(f["severity"], "low", "{f:#}");
        assert!(
            f["message"].as_str().unwrap().contains("no registry token"),
            "{f:#}"
        );
    }
    let f = secret_of(&v, "app/.npmrc");
    assert_eq!(
        (&f["severity"], &f["line"]),
        (&"high".into(), &2.into()),
        "{f:#}"
    );
    // Without the content scan the name decides.
    let off = json(&env, &["--no-content-scan"]);
    assert_eq!(secret_of(&off, ".npmrc")["severity"], "medium");
    // Named by a COPY (npm reads its settings) and token-free: nothing to move out or revoke.
    env.file(
        "Dockerfile",
        "FROM node:20\nCOPY package.json .npmrc app/.npmrc ./\n",
    )
    .file("package.json", "{}\n");
    let v = json(&env, &[]);
    let fix = secret_of(&v, ".npmrc")["fix"].as_str().unwrap().to_string();
    assert!(fix.starts_with("none needed"), "{fix}");
    let fix = secret_of(&v, "app/.npmrc")["fix"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(fix.contains("revoke"), "{fix}");
    // The README's gate: the token-free .npmrc the report calls clean does not fail it; the one
    // with a token does.
    let gate = |env: &TestEnv| {
        env.run(["--quiet", "--fail-on", "high,secret", "."])
            .status
            .code()
    };
    assert_eq!(gate(&env), Some(1));
    std::fs::remove_file(env.ctx().join("app/.npmrc")).unwrap();
    env.file("Dockerfile", "FROM node:20\nCOPY package.json .npmrc ./\n");
    std::fs::remove_file(env.ctx().join("pkg/.npmrc")).unwrap();
    std::fs::remove_file(env.ctx().join("ui/.yarnrc")).unwrap();
    let v = json(&env, &[]);
    assert!(
        v["findings"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|f| f["category"] == "secret")
            .all(|f| f["fix"].as_str().unwrap().starts_with("none needed")),
        "{v:#}"
    );
    assert_eq!(gate(&env), Some(0));
    assert_eq!(
        env.run(["--quiet", "--fail-on", "CTX106", "."])
            .status
            .code(),
        Some(1)
    );
    // A local `.env` of ports and an untracked registry-only `.npmrc` no COPY names: reported
    // with the fix "exclude it", which costs the build nothing: the gate fails until it is
    // done (they protect against the next value written there), with or without a token.
    env.file(".env", "PORT=8080\nHOST=localhost\n")
        .file("tools/.npmrc", "registry=https://registry.npmjs.org/\n");
    let v = json(&env, &[]);
    let secrets: Vec<&serde_json::Value> = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["category"] == "secret")
        .collect();
    assert!(
        secrets
            .iter()
            .any(|f| f["path"] == ".env" && f["fix"] == ".env"),
        "{v:#}"
    );
    assert_eq!(gate(&env), Some(1));
    env.dockerignore(".env\ntools/.npmrc\n");
    assert_eq!(gate(&env), Some(0));
    env.dockerignore("");
    env.file(
        ".env",
        format!("PORT=8080\nAPI_TOKEN={}\n", Gen(7).github()),
    );
    assert_eq!(gate(&env), Some(1));
}

#[test]
fn a_source_package_named_target_is_not_build_output() {
    let env = TestEnv::new();
    env.file("Dockerfile", "FROM scratch\nCOPY . /app\n")
        .file("internal/event/target/webhook.go", "package target\n")
        .file("internal/event/target/kafka.go", "package target\n")
        .file("internal/logger/target/http/http.go", "package http\n")
        .file("rs/target/doc/search-index.js", "var x;\n")
        .file("rs/target/debug/app", "\x7fELF")
        .file(
            "target/CACHEDIR.TAG",
            "Signature: 8a477f597d28d172789f06886806bc55\n",
        )
        .file("target/debug/app", "\x7fELF")
        .file("svc/target/classes/App.class", "\u{ca}")
        .file("svc/target/app.jar", "PK");
    let v = json(&env, &[]);
    let rules_at = |p: &str| field_of(&v, p, "rule");
    assert!(
        !rules_at("internal/event/target").contains(&"CTX401".to_string()),
        "{:#?}",
        find(&v, "internal/event/target")
    );
    assert!(
        !rules_at("internal/logger/target").contains(&"CTX401".to_string()),
        "{:#?}",
        find(&v, "internal/logger/target")
    );
    assert_eq!(rules_at("target"), ["CTX401"]);
    assert_eq!(rules_at("rs/target"), ["CTX401"]);
    assert_eq!(rules_at("svc/target"), ["CTX401"]);
}

/// `vendor/` is a dependency tree beside the manifest of a package manager that installs into
/// it (go.mod, composer.json, Gemfile); elsewhere it is the app's own files (Laravel's published
/// views, front-end libraries under `assets/vendor`), which "exclude it" would break.
#[test]
fn vendor_is_a_dependency_tree_only_beside_a_manifest() {
    let env = TestEnv::new();
    env.file("Dockerfile", "FROM scratch\nCOPY . /app\n")
        .file("composer.json", "{}\n")
        .file("vendor/autoload.php", "<?php\n")
        .file(
            "resources/views/vendor/mail/html/layout.blade.php",
            "<html>\n",
        )
        .file("assets/vendor/chart.min.js", "var c;\n")
        .file("svc/go.mod", "module x\n")
        .file("svc/vendor/modules.txt", "# x\n");
    let v = json(&env, &[]);
    let rules_at = |p: &str| field_of(&v, p, "rule");
    assert_eq!(rules_at("vendor"), ["CTX306"], "{v:#}");
    assert_eq!(rules_at("svc/vendor"), ["CTX306"], "{v:#}");
    assert!(rules_at("resources/views/vendor").is_empty(), "{v:#}");
    assert!(rules_at("assets/vendor").is_empty(), "{v:#}");
    // Untracked (installed before the build): the fix is the plain line.
    assert_eq!(field_of(&v, "svc/vendor", "fix"), ["svc/vendor"], "{v:#}");
    // Committed (git tracks it, as Go projects that vendor do): the build uses it, and the fix
    // says what excluding it takes.
    env.git(&["init", "-q"])
        .git(&["add", "svc"])
        .git(&["commit", "-qm", "x"]);
    let v = json(&env, &[]);
    let f = find(&v, "svc/vendor");
    assert_eq!(f.len(), 1, "{v:#}");
    assert!(
        f[0]["message"].as_str().unwrap().contains("git tracks it"),
        "{v:#}"
    );
    assert!(
        f[0]["fix"]
            .as_str()
            .unwrap()
            .starts_with("`svc/vendor` only if the build installs its dependencies itself"),
        "{v:#}"
    );
    assert_eq!(field_of(&v, "vendor", "fix"), ["vendor"], "{v:#}");
}

/// A Django app's `fixtures/` (beside its `models.py`) holds the initial data `loaddata` reads
/// at deploy time (wger's bootstrap): not test data to exclude. A `tests/fixtures/` still is.
#[test]
fn django_app_fixtures_are_not_test_data() {
    let env = TestEnv::new();
    env.file("manage.py", "import django\n")
        .file("shop/models.py", "from django.db import models\n")
        .file("shop/fixtures/countries.json", "[]\n")
        .file("tests/fixtures/order.json", "{}\n")
        .file("Dockerfile", "FROM python\nCOPY . /app\n");
    let v = json(&env, &[]);
    assert!(find(&v, "shop/fixtures").is_empty(), "{:#?}", findings(&v));
    assert!(
        find(&v, "tests/fixtures")
            .iter()
            .chain(find(&v, "tests").iter())
            .any(|f| f["rule"] == "CTX701"),
        "{:#?}",
        findings(&v)
    );
}

/// `bin/` and `obj/` beside a .NET project file are `dotnet build` output, reported with their
/// own path as the fix; a `bin/` of scripts or an `obj/` of models elsewhere is source, and a
/// tracked `bin/` beside a project is shipped on purpose.
#[test]
fn dotnet_bin_and_obj_beside_a_project_are_build_output() {
    let env = TestEnv::new();
    env.file(
        "src/Api/Api.csproj",
        "<Project Sdk=\"Microsoft.NET.Sdk.Web\"/>\n",
    )
    .file("src/Api/Program.cs", "var app = 1;\n")
    .file("src/Api/bin/Debug/net8.0/Api.dll", "MZ\0\0")
    .file("src/Api/obj/project.assets.json", "{}\n")
    .file("src/Lib/Lib.fsproj", "<Project/>\n")
    .file("src/Lib/obj/Lib.fsproj.nuget.g.props", "<Project/>\n")
    .file("tools/bin/run.sh", "#!/bin/sh\n")
    .file("game/obj/tree.obj.txt", "v 0 0 0\n")
    .file(
        "Dockerfile",
        "FROM mcr.microsoft.com/dotnet/sdk\nCOPY . /src\n",
    );
    let v = json(&env, &[]);
    let rules_at = |p: &str| field_of(&v, p, "rule");
    for p in ["src/Api/bin", "src/Api/obj", "src/Lib/obj"] {
        assert_eq!(rules_at(p), ["CTX406"], "{p}: {:#?}", findings(&v));
        assert_eq!(find(&v, p)[0]["fix"], p, "{:#?}", find(&v, p));
    }
    assert!(rules_at("tools/bin").is_empty(), "{:#?}", findings(&v));
    assert!(rules_at("game/obj").is_empty(), "{:#?}", findings(&v));
    // Tracked: shipped on purpose.
    env.git(&["init", "-q"]);
    env.git(&["add", "-A"]);
    env.git(&["commit", "-qm", "x"]);
    let v = json(&env, &[]);
    assert!(find(&v, "src/Api/bin").is_empty(), "{:#?}", findings(&v));
}

/// A token in a file named as a sample (`.env.example`, `config.example.yml`) is still
/// reported, one grade lower and labelled; the same token in the real file is high.
#[test]
fn secrets_in_example_files_are_graded_lower() {
    let mut g = Gen(41);
    let tok = g.github();
    let env = TestEnv::new();
    env.file(".env.example", format!("GITHUB_TOKEN={tok}\n"))
        .file("config.example.yml", format!("token: {tok}\n"))
        .file("config.yml", format!("token: {tok}\n"))
        .file("Dockerfile", "FROM alpine\nCOPY . /app\n");
    let v = json(&env, &[]);
    for p in [".env.example", "config.example.yml"] {
        let f = secret_of(&v, p);
        assert_eq!(f["severity"], "medium", "{f:#?}");
        assert!(
            f["message"]
                .as_str()
                .unwrap()
                .contains("in an example file"),
            "{f:#?}"
        );
    }
    assert_eq!(secret_of(&v, "config.yml")["severity"], "high");
}

/// Rails' `config/master.key` is named for what it is, not a TLS/SSH private key.
#[test]
fn a_rails_master_key_is_named_so() {
    let mut g = Gen(43);
    let env = TestEnv::new();
    env.file("config/master.key", g.pick(b"0123456789abcdef", 32))
        .file("Dockerfile", "FROM ruby\nCOPY . /app\n");
    let v = json(&env, &[]);
    let f = secret_of(&v, "config/master.key");
    assert_eq!(f["rule"], "CTX103");
    assert!(
        f["message"]
            .as_str()
            .unwrap()
            .starts_with("Rails master key"),
        "{f:#?}"
    );
}

/// An empty file named for secrets holds none (temporal's `tools/tdbg/testdata/cert.pem`, zero
/// bytes, was a PEM-file finding); the same name with a key in it still is.
#[test]
fn an_empty_file_named_for_secrets_is_not_a_secret() {
    let env = TestEnv::new();
    let body = Gen(5).pick(
        b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789",
        64,
    );
    env.file("tools/testdata/cert.pem", "")
        .file("config/.env", "")
        .file(
            "deploy/server.pem",
            format!("-----BEGIN PRIVATE KEY-----\n{body}\n-----END PRIVATE KEY-----\n"),
        )
        .file("Dockerfile", "FROM alpine\nCOPY . /app\n");
    let v = json(&env, &[]);
    assert!(
        find(&v, "tools/testdata/cert.pem").is_empty(),
        "{:#?}",
        findings(&v)
    );
    assert!(find(&v, "config/.env").is_empty(), "{:#?}", findings(&v));
    assert_eq!(secret_of(&v, "deploy/server.pem")["severity"], "high");
}

/// A gitignored entry below a directory the Dockerfile copies by name (`COPY docker /`, an
/// entrypoint made before the build in `docker/bin/`) goes into the image: the fix is not a plain
/// "exclude it", and it is info. One that only `COPY . .` takes keeps the plain fix.
#[test]
fn a_gitignored_entry_a_copy_names_is_not_simply_excluded() {
    let env = TestEnv::new();
    env.file(
        "Dockerfile",
        "FROM alpine\nCOPY docker /\nCOPY app.js /app/\nENTRYPOINT [\"entry.sh\"]\n",
    )
    .file(".gitignore", "bin/\nnotes.txt\n")
    .file("docker/bin/entry.sh", "#!/bin/sh\n")
    .file("docker/etc/app.conf", "c\n")
    .file("notes.txt", "n\n")
    .file("app.js", "a\n");
    env.git(&["init", "-q", "."]);
    env.git(&[
        "add",
        "-f",
        "Dockerfile",
        ".gitignore",
        "app.js",
        "docker/etc",
    ]);
    let v = json(&env, &[]);
    let bin = find(&v, "docker/bin");
    assert_eq!(bin.len(), 1, "{v}");
    assert_eq!(bin[0]["rule"], "CTX001");
    assert_eq!(bin[0]["severity"], "info");
    assert!(
        bin[0]["message"]
            .as_str()
            .unwrap()
            .contains("the Dockerfile copies it (COPY, line 2)"),
        "{}",
        bin[0]
    );
    assert!(bin[0]["fix"]
        .as_str()
        .unwrap()
        .contains("only if the image does not need it"));
    let notes = find(&v, "notes.txt");
    assert_eq!(notes[0]["severity"], "low");
    assert_eq!(notes[0]["fix"], "notes.txt");

    // Copied only with the whole context: a plain "exclude it".
    env.file("Dockerfile", "FROM alpine\nCOPY . /\n");
    let v = json(&env, &[]);
    let bin = find(&v, "docker/bin");
    assert_eq!(bin[0]["severity"], "low");
    assert_eq!(bin[0]["fix"], "docker/bin");
}

/// A Maven dist module's Dockerfile adds `target/${APP_NAME}.tar.gz` with no value for the ARG.
/// The report's fix for `target/` kept a resolved source below it again, but not this one: a
/// plain `target` line fails the build. It keeps what any value names, as `suggest` does.
#[test]
fn the_fix_for_a_build_directory_keeps_a_source_with_an_unset_arg() {
    let env = TestEnv::new();
    env.file(
        "docker/Dockerfile",
        "FROM alpine\nARG APP_NAME\nADD target/${APP_NAME}.tar.gz /opt\nCOPY docker/entrypoint.sh /\n",
    )
    .file("docker/entrypoint.sh", "#!/bin/sh\n")
    .file("pom.xml", "<project/>\n")
    .file("target/classes/A.class", "c\n")
    .file("target/app-bin.tar.gz", "t\n");
    let v = json(&env, &["-f", "docker/Dockerfile"]);
    let t = find(&v, "target");
    assert_eq!(t.len(), 1, "{v}");
    assert_eq!(
        t[0]["fix"],
        "`target`, then `!target/*.tar.gz`: the Dockerfile copies it"
    );
}

/// The human report says a fix shared by every item of a category once, under its header, and
/// each item's own fix on its line otherwise.
#[test]
fn a_fix_shared_by_a_category_is_said_once() {
    let mut g = Gen(0x5a3e_f1c5);
    let env = TestEnv::new();
    env.file("Dockerfile", "FROM scratch\nCOPY . /app\n")
        .file("src/a.py", format!("KEY = \"{}\"\n", g.aws()))
        .file("src/b.py", format!("x = 1\nKEY = \"{}\"\n", g.aws()));
    let human = |env: &TestEnv| {
        let out = env.run(["--color", "never", "."]);
        text(&out.stdout)
    };
    let out = human(&env);
    assert_eq!(out.matches("move the secret out").count(), 1, "{out}");
    assert!(out.contains("→ each: move the secret out"), "{out}");
    assert!(
        out.contains("src/a.py:1") && out.contains("src/b.py:2"),
        "{out}"
    );
    // A secret file the image does not need is excluded by its own line: fixes differ, so
    // each line carries its own.
    env.file(".env", format!("API_TOKEN={}\n", g.github()));
    let out = human(&env);
    assert!(!out.contains("→ each:"), "{out}");
    assert_eq!(out.matches("move the secret out").count(), 2, "{out}");
    assert!(out.contains("→ .env"), "{out}");
}

/// Precision on three shapes real trees show, without losing the real ones: a URL password for a
/// server on the machine itself (a test tool's DSN for the database it starts), a token shown
/// as an example in documentation, and a URL query string whose next parameter is not part of
/// the secret-named one's value.
#[test]
fn local_server_passwords_and_documentation_examples_are_graded_lower() {
    let env = TestEnv::new();
    let mut g = Gen(0x10ca_15e7);
    // A chosen password (a word, digits, a symbol): a local development default.
    let chosen = [
        &g.pick(b"ABCDEFGHIJKLMNOPQRSTUVWXYZ", 1),
        &g.pick(b"abcdefghijklmnopqrstuvwxyz", 6),
        &g.pick(b"0123456789", 3),
        "!",
    ]
    .concat();
    // A generated one.
    let generated = [&g.alnum(9), "#", &g.alnum(10)].concat();
    let tg_body = |g: &mut Gen| {
        g.pick(
            b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-",
            33,
        )
    };
    // A bot token as Telegram issues one, and one whose bot ID is made up by hand.
    let real_tg = [&g.pick(b"0123456789", 10), ":A", "A", &tg_body(&mut g)].concat();
    let made_up_tg = ["1111", "2222", "3:", &g.alnum(32)].concat();
    let examples = |token: &str| {
        format!("# Telegram\n\n## Configuration\n\n##### Examples\n\n###### Basic Configuration\n\n\n\n```yaml\n#{}\n# telegram global options\n\nSEND_TELEGRAM=\"YES\"\nTELEGRAM_BOT_TOKEN=\"{token}\"\n```\n", "-".repeat(40))
    };
    env.file("Dockerfile", "FROM alpine\nCOPY . /app\n")
        .file(
            "tools/config/mssql.conf",
            format!("jobs:\n  - name: local\n    dsn: \"sqlserver://sa:{chosen}@127.0.0.1:1433?database=x\"\n"),
        )
        .file(
            "tools/config/oracle.conf",
            format!("jobs:\n  - name: local\n    dsn: oracle://app:{chosen}@[::1]:1521/DB\n"),
        )
        .file(
            "tools/config/remote.conf",
            format!("jobs:\n  - name: db\n    dsn: postgres://app:{chosen}@db.internal:5432/app\n"),
        )
        .file(
            "tools/config/generated.conf",
            format!("jobs:\n  - name: db\n    dsn: postgres://app:{generated}@localhost:5432/app\n"),
        )
        .file(
            "tools/config/mixed.conf",
            format!("a: mysql://root:{chosen}@0.0.0.0:3306/x\nb: mysql://root:{chosen}@mysql.prod.internal:3306/x\n"),
        )
        .file("docs/made-up.md", examples(&made_up_tg))
        .file(
            "docs/setup.md",
            format!("# Setup\n\n```sh\nTELEGRAM_BOT_TOKEN=\"{made_up_tg}\"\n```\n"),
        )
        .file("docs/example.md", examples(&real_tg))
        .file(
            "docs/deploy.md",
            format!("# Deploy\n\nThe bot runs with:\n\n```sh\nexport TG={real_tg}\n```\n"),
        )
        .file(
            "scripts/selftest.sh",
            "cat > \"$t\" <<'V'\nGET /api/v1/data?chart=x&token=SENTINEL-10&after=-60\nV\n",
        )
        .file(
            "scripts/fetch.sh",
            format!("curl \"https://api.host.test/v1/data?token={}&after=-60\"\n", g.alnum(32)),
        );
    let v = json(&env, &[]);
    let graded = |path: &str| {
        let f = secret_of(&v, path);
        (
            f["severity"].as_str().unwrap().to_string(),
            f["line"].as_u64().unwrap_or(0),
            f["message"].as_str().unwrap().to_string(),
        )
    };
    for path in ["tools/config/mssql.conf", "tools/config/oracle.conf"] {
        let (sev, line, msg) = graded(path);
        assert_eq!((sev.as_str(), line), ("low", 3), "{path}: {msg}");
        assert!(msg.contains("for a local server"), "{path}: {msg}");
    }
    for path in ["tools/config/remote.conf", "tools/config/generated.conf"] {
        let (sev, _, msg) = graded(path);
        assert_eq!(sev, "high", "{path}: {msg}");
        assert!(!msg.contains("local server"), "{path}: {msg}");
    }
    // The remote one further down grades the file, at its line.
    let (sev, line, _) = graded("tools/config/mixed.conf");
    assert_eq!((sev.as_str(), line), ("high", 2));
    // A value no rule knows the shape of, in a code block the section heads as an example
    // (above the block's start): not reported.
    assert!(
        find(&v, "docs/made-up.md").is_empty(),
        "{:#?}",
        find(&v, "docs/made-up.md")
    );
    // The same value outside an example: graded as made up.
    let (sev, line, msg) = graded("docs/setup.md");
    assert_eq!((sev.as_str(), line), ("low", 4), "{msg}");
    assert!(msg.contains("made-up value"), "{msg}");
    // A real-shaped token under an example heading: still reported, one grade lower.
    let (sev, line, msg) = graded("docs/example.md");
    assert_eq!((sev.as_str(), line), ("medium", 16), "{msg}");
    assert!(msg.contains("shown as an example"), "{msg}");
    let (sev, _, msg) = graded("docs/deploy.md");
    assert_eq!(sev, "high", "{msg}");
    assert!(
        find(&v, "scripts/selftest.sh").is_empty(),
        "{:#?}",
        find(&v, "scripts/selftest.sh")
    );
    assert_eq!(graded("scripts/fetch.sh").0, "high");
    let all = serde_json::to_string(&v).unwrap();
    for s in [&chosen, &generated, &real_tg, &made_up_tg] {
        assert!(!all.contains(s.as_str()));
    }
}

#[test]
fn development_settings_are_graded_medium_and_production_settings_stay_high() {
    // `mix phx.new` writes a generated `secret_key_base` into `config/dev.exs` (and
    // `config/test.exs`) of every Phoenix app: development defaults, not production's key. The
    // same value in `config/prod.exs` is production's.
    let env = TestEnv::new();
    let mut g = Gen(0xde5e);
    let (dev, prod, net) = (g.alnum(64), g.alnum(64), g.alnum(40));
    let endpoint = |k: &str| {
        format!("import Config\nconfig :app, AppWeb.Endpoint,\n  http: [port: 4000],\n  secret_key_base: \"{k}\"\n")
    };
    env.file("Dockerfile", "FROM scratch\nCOPY . /app\n")
        .file("config/dev.exs", endpoint(&dev))
        .file("config/prod.exs", endpoint(&prod))
        .file(
            "Api/appsettings.Development.json",
            format!("{{\n  \"Jwt\": {{\n    \"Secret\": \"{net}\"\n  }}\n}}\n"),
        );
    let v = json(&env, &[]);
    for (p, sev) in [
        ("config/dev.exs", "medium"),
        ("Api/appsettings.Development.json", "medium"),
        ("config/prod.exs", "high"),
    ] {
        let f = secret_of(&v, p);
        assert_eq!(f["severity"], sev, "{f:#}");
        let dev_label = f["message"]
            .as_str()
            .unwrap()
            .contains("development environment's settings");
        assert_eq!(dev_label, sev == "medium", "{f:#}");
    }
}
