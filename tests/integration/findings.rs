//! Secret findings as a user meets them: planted secrets in code, markup and config found by
//! default, a clean tree of ordinary source silent, no output carrying a secret's bytes,
//! tracked files never `gitignored` (with a real git), and severity by what the build copies.
//!
//! Every fake credential is generated at run time, so this file holds no token-like literal.
//! Continued in `findings_files` (grading by file: dotenv, credential files, build output).

use std::process::Command;

use serde_json::Value;

use crate::util::{text, Gen, TestEnv};

/// The shapes of fake values this file needs.
impl Gen {
    pub(crate) fn alnum(&mut self, n: usize) -> String {
        self.pick(
            b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789",
            n,
        )
    }

    pub(crate) fn aws(&mut self) -> String {
        [
            "AK",
            "IA",
            &self.pick(b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567", 16),
        ]
        .concat()
    }

    pub(crate) fn github(&mut self) -> String {
        ["gh", "p_", &self.alnum(36)].concat()
    }

    pub(crate) fn gitlab(&mut self) -> String {
        ["gl", "pat-", &self.alnum(20)].concat()
    }

    pub(crate) fn slack(&mut self) -> String {
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

    pub(crate) fn stripe(&mut self) -> String {
        ["sk", "_live_", &self.alnum(24)].concat()
    }

    pub(crate) fn pem(&mut self) -> String {
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

    pub(crate) fn uuid(&mut self) -> String {
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

pub(crate) fn json(env: &TestEnv, args: &[&str]) -> Value {
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

pub(crate) fn findings(v: &Value) -> &Vec<Value> {
    v["findings"].as_array().expect("findings array")
}

pub(crate) fn secrets(v: &Value) -> Vec<&Value> {
    findings(v)
        .iter()
        .filter(|f| f["category"] == "secret")
        .collect()
}

pub(crate) fn find<'a>(v: &'a Value, path: &str) -> Vec<&'a Value> {
    findings(v).iter().filter(|f| f["path"] == path).collect()
}

/// One field (`rule`, `category`) of each finding of `path`.
pub(crate) fn field_of(v: &Value, path: &str, field: &str) -> Vec<String> {
    find(v, path)
        .iter()
        .map(|f| f[field].as_str().unwrap().to_string())
        .collect()
}

/// The one secret finding of `path`.
pub(crate) fn secret_of<'a>(v: &'a Value, path: &str) -> &'a Value {
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
pub(crate) fn json_stdin(env: &TestEnv, args: &[&str], dockerfile: &str) -> Value {
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
pub(crate) fn pem_block(g: &mut Gen, label: &str) -> String {
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
