//! CTX169, hard-coded secrets without a recognisable prefix: planted in a small tree across
//! languages and config formats, each found on its line, graded like the other secret rules
//! (high when copied into the image, medium when only sent, low in test and example paths);
//! placeholders, references, checksums, identifiers, doc examples and allow-marked lines are
//! not reported, and no output carries a value.
//!
//! Every secret-looking value is generated at run time, so this file holds no such literal.

use serde_json::Value;

use crate::util::{text, Gen, TestEnv};

/// The shapes of fake values this file needs.
impl Gen {
    /// `n` characters from upper case, lower case and digits, with at least one digit every
    /// four characters (a generated key mixes classes throughout).
    fn mixed(&mut self, n: usize) -> String {
        (0..n)
            .map(|k| {
                if k % 4 == 1 {
                    self.pick(b"0123456789", 1)
                } else {
                    self.pick(
                        b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789",
                        1,
                    )
                }
            })
            .collect()
    }

    fn hex_digits(&mut self, n: usize) -> String {
        self.pick(b"0123456789abcdef", n)
    }

    /// A strong password: 14 characters with all four classes.
    fn strong_password(&mut self) -> String {
        [
            self.mixed(6),
            "#".to_string(),
            self.pick(b"ABCDEFGHJKLMNPQRSTUVWXYZ", 2),
            self.pick(b"abcdefghijkmnopqrstuvwxyz", 2),
            self.pick(b"23456789", 2),
            "!".to_string(),
        ]
        .concat()
    }

    /// Django's `get_random_secret_key()` alphabet, after its `django-insecure-` prefix.
    fn django(&mut self) -> String {
        [
            "django-",
            "insecure-",
            &self.pick(b"abcdefghijklmnopqrstuvwxyz0123456789!@#$%^&*(-_=+)", 50),
        ]
        .concat()
    }
}

fn json(env: &TestEnv) -> Value {
    let out = env.run(["--format", "json", "."]);
    assert!(
        out.status.code() == Some(0) || out.status.code() == Some(1),
        "ctxsize failed: {}",
        text(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("JSON report")
}

fn secret_findings(v: &Value) -> Vec<&Value> {
    v["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .filter(|f| f["category"] == "secret")
        .collect()
}

/// `lines` of filler before `assignment`: the value sits on line `lines + 1`.
fn at_line(filler: &str, lines: usize, assignment: &str) -> String {
    let mut s: String = (0..lines).map(|k| format!("{filler} {k}\n")).collect();
    s.push_str(assignment);
    s.push('\n');
    s
}

/// The planted tree: (path, contents, line of the secret).
fn planted(g: &mut Gen) -> Vec<(String, String, usize)> {
    let mut v: Vec<(String, String, usize)> = Vec::new();
    let mut add = |path: &str, filler: &str, lines: usize, assignment: String| {
        v.push((
            path.to_string(),
            at_line(filler, lines, &assignment),
            lines + 1,
        ));
    };
    add(
        "app/settings.py",
        "# settings",
        3,
        format!("SECRET_KEY = '{}'", g.django()),
    );
    // A `$` followed by a letter is literal text in a Python string.
    add(
        "app/settings_dev.py",
        "# dev",
        1,
        format!("SECRET_KEY = '{}$q{}'", g.django(), g.mixed(4)),
    );
    add(
        "app/auth.py",
        "import os  #",
        2,
        format!("JWT_SECRET = \"{}\"", g.mixed(32)),
    );
    add(
        "app/client.py",
        "# client",
        1,
        format!("client = Client(api_key=\"{}\")", g.mixed(32)),
    );
    add(
        "app/typed.py",
        "# typed",
        4,
        format!("API_TOKEN: str = \"{}\"", g.mixed(40)),
    );
    add(
        "web/config.js",
        "// config",
        2,
        format!("  apiKey: '{}',", g.hex_digits(40)),
    );
    add(
        "web/api.ts",
        "// api",
        3,
        format!("export const apiKey: string = \"{}\";", g.hex_digits(40)),
    );
    add(
        "web/db.mjs",
        "// db",
        1,
        format!("const password = \"{}\";", g.strong_password()),
    );
    add(
        "web/auth.jsx",
        "// auth",
        5,
        format!("const AUTH_KEY = `{}`;", g.mixed(32)),
    );
    add(
        "svc/main.go",
        "// main",
        2,
        format!("const apiKey = \"{}\"", g.mixed(32)),
    );
    add(
        "svc/cfg.go",
        "// cfg",
        3,
        format!("\ttoken := \"{}\"", g.mixed(36)),
    );
    add(
        "svc/typed.go",
        "// typed",
        1,
        format!("var clientSecret string = \"{}\"", g.mixed(30)),
    );
    add(
        "src/main/java/App.java",
        "// app",
        2,
        format!(
            "  private static final String CLIENT_SECRET = \"{}\";",
            g.mixed(30)
        ),
    );
    add(
        "src/main/kotlin/App.kt",
        "// app",
        1,
        format!("val accessKey: String = \"{}\"", g.mixed(32)),
    );
    add(
        "lib/client.rb",
        "# client",
        2,
        format!("  API_KEY = '{}'", g.mixed(32)),
    );
    add(
        "lib/hash.rb",
        "# hash",
        1,
        format!("x = {{ :api_key => '{}' }}", g.mixed(32)),
    );
    add(
        "lib/ivar.rb",
        "# ivar",
        3,
        format!("@auth_token ||= \"{}\"", g.mixed(32)),
    );
    add(
        "php/config.php",
        "// config",
        2,
        format!("    'client_secret' => '{}',", g.mixed(40)),
    );
    add(
        "php/c.php",
        "// c",
        1,
        format!("$apiKey = \"{}\";", g.mixed(32)),
    );
    add(
        "rs/main.rs",
        "// main",
        2,
        format!("const API_TOKEN: &str = \"{}\";", g.mixed(40)),
    );
    add(
        "cs/Program.cs",
        "// program",
        1,
        format!("  const string ApiKey = \"{}\";", g.mixed(32)),
    );
    add(
        "conf/app.yaml",
        "key:",
        2,
        format!("  api_key: {}", g.mixed(32)),
    );
    add(
        "conf/auth.yml",
        "# auth",
        1,
        format!("  client_secret: \"{}\"", g.mixed(40)),
    );
    add(
        "conf/app.json",
        "\"k\": 0,",
        3,
        format!("  \"client_secret\": \"{}\",", g.mixed(40)),
    );
    add(
        "conf/app.toml",
        "# toml",
        1,
        format!("api_key = \"{}\"", g.mixed(32)),
    );
    add(
        "conf/application.properties",
        "server.port=8080 #",
        2,
        format!("app.jwt.secret={}", g.mixed(48)),
    );
    add(
        "conf/db.ini",
        "; db",
        2,
        format!("password = {}", g.strong_password()),
    );
    add(
        "conf/app.cfg",
        "# cfg",
        1,
        format!("auth_key: {}", g.mixed(32)),
    );
    add(
        "conf/app.xml",
        "<!-- x -->",
        1,
        format!("<db password=\"{}\"/>", g.strong_password()),
    );
    add(
        "deploy/run.sh",
        "# deploy",
        2,
        format!("export ACCESS_TOKEN={}", g.mixed(40)),
    );
    add(
        "docs/setup.md",
        "Setup",
        2,
        format!("```sh\nexport PRIVATE_KEY={}\n```", g.mixed(44)),
    );
    // The fence is on the first planted line: the value is one line further down.
    if let Some(last) = v.last_mut() {
        last.2 += 1;
    }
    v
}

#[test]
fn generic_secrets_planted_across_languages_are_found_on_their_line() {
    let env = TestEnv::new();
    let mut g = Gen(0x0c71_0169);
    let plants = planted(&mut g);
    assert!(plants.len() >= 30);
    env.file("Dockerfile", "FROM alpine\nCOPY . /app\n");
    for (path, body, _) in &plants {
        env.file(path, body);
    }
    let v = json(&env);
    let found = secret_findings(&v);
    for (path, _, line) in &plants {
        let f: Vec<&&Value> = found.iter().filter(|f| f["path"] == *path).collect();
        assert_eq!(f.len(), 1, "one finding for {path}: {found:#?}");
        assert_eq!(f[0]["rule"], "CTX169", "{path}: {:#}", f[0]);
        assert_eq!(f[0]["line"], *line as u64, "{path}: {:#}", f[0]);
        // Copied into the image by `COPY . /app`.
        assert_eq!(f[0]["severity"], "high", "{path}: {:#}", f[0]);
    }
    assert_eq!(found.len(), plants.len(), "{found:#?}");
    // No output format carries a value (or its tail).
    for fmt in ["human", "json", "sarif", "github"] {
        let out = env.run(["--format", fmt, "--color", "never", "."]);
        let all = [text(&out.stdout), text(&out.stderr)].concat();
        assert!(all.contains("app/settings.py"), "{fmt} names the file");
        for (_, body, line) in &plants {
            let l = body.lines().nth(line - 1).unwrap_or_default();
            let tail = &l[l.len().saturating_sub(12)..];
            assert!(!all.contains(tail.trim()), "{fmt} output holds a value");
        }
    }
}

#[test]
fn generic_secrets_are_graded_like_the_other_secret_rules() {
    let env = TestEnv::new();
    let mut g = Gen(0x0c71_0170);
    let line = |v: String| format!("# x\nJWT_SECRET = \"{v}\"\n");
    env.file("Dockerfile", "FROM alpine\nCOPY src /app\n")
        .file("src/app.py", line(g.mixed(32)))
        .file("scripts/tool.py", line(g.mixed(32)))
        .file("tests/test_auth.py", line(g.mixed(32)))
        .file("examples/demo/app.py", line(g.mixed(32)))
        // Two hits in one file (a token format and a generic secret): one finding.
        .file(
            "src/both.py",
            format!(
                "TOKEN = \"{}\"\nCLIENT_SECRET = \"{}\"\n",
                ["gh", "p_", &g.mixed(36)].concat(),
                g.mixed(32)
            ),
        );
    let v = json(&env);
    let found = secret_findings(&v);
    let sev = |p: &str| {
        let f: Vec<&&Value> = found.iter().filter(|f| f["path"] == p).collect();
        assert_eq!(f.len(), 1, "{p}: {found:#?}");
        (
            f[0]["severity"].as_str().unwrap_or_default().to_string(),
            f[0]["line"].clone(),
        )
    };
    assert_eq!(sev("src/app.py").0, "high");
    assert_eq!(sev("scripts/tool.py").0, "medium");
    assert_eq!(sev("tests/test_auth.py").0, "low");
    assert_eq!(sev("examples/demo/app.py").0, "low");
    assert_eq!(sev("src/both.py"), ("high".to_string(), Value::from(1)));
}

/// vector, netdata: a Rust source file's inline `#[cfg(test)] mod tests { … }` holds fake
/// keys and tokens for its tests. A hit there is test code, graded low like a `*_test.go`
/// file's; a hit above the test module (or in a file with none) keeps its grade, and so does
/// a file with one hit outside the module.
#[test]
fn secrets_in_a_rust_inline_test_module_are_test_code() {
    let env = TestEnv::new();
    let mut g = Gen(0x0c71_0171);
    let tok = |g: &mut Gen| ["gh", "p_", &g.mixed(36)].concat();
    let tests_mod = |v: String| {
        format!(
            "pub fn run() {{}}\n\n#[cfg(test)]\n#[allow(unused)]\nmod tests {{\n    use super::*;\n\n    #[test]\n    fn auth() {{\n        let token = \"{v}\";\n    }}\n}}\n"
        )
    };
    env.file("Dockerfile", "FROM rust\nCOPY src /app/src\n")
        .file("src/sink.rs", tests_mod(tok(&mut g)))
        .file(
            "src/both.rs",
            format!(
                "const KEY: &str = \"{}\";\n{}",
                tok(&mut g),
                tests_mod(tok(&mut g))
            ),
        )
        // `#[cfg(test)]` on a lone item, not a module: what follows is not test code.
        .file(
            "src/item.rs",
            format!(
                "#[cfg(test)]\nuse std::fmt;\n\npub const KEY: &str = \"{}\";\n",
                tok(&mut g)
            ),
        );
    let v = json(&env);
    let found = secret_findings(&v);
    let f = |p: &str| {
        found
            .iter()
            .find(|f| f["path"] == p)
            .unwrap_or_else(|| panic!("{p}: {found:#?}"))
    };
    assert_eq!(f("src/sink.rs")["severity"], "low", "{found:#?}");
    assert_eq!(f("src/sink.rs")["line"], 10, "{found:#?}");
    assert!(
        f("src/sink.rs")["message"]
            .as_str()
            .unwrap()
            .contains("test fixture"),
        "{found:#?}"
    );
    assert_eq!(f("src/both.rs")["severity"], "high", "{found:#?}");
    assert_eq!(f("src/item.rs")["severity"], "high", "{found:#?}");
}

/// pocket-id: `backend/internal/service/e2etest_service.go` starts with `//go:build e2etest`:
/// compiled only for the end-to-end tests, its fixture tokens are test code, graded low like a
/// `*_test.go` file's. A constraint that excludes the test tag (`!e2etest`), or one a plain
/// build meets (`linux || e2e`), keeps the grade.
#[test]
fn secrets_in_a_go_file_built_for_tests_only_are_test_code() {
    let env = TestEnv::new();
    let mut g = Gen(0x0c71_0172);
    let tok = |g: &mut Gen| ["gh", "p_", &g.mixed(36)].concat();
    let go = |tag: &str, v: String| {
        format!("{tag}\n\npackage service\n\nconst fixtureToken = \"{v}\"\n")
    };
    env.file("Dockerfile", "FROM golang\nCOPY backend /app\n")
        .file(
            "backend/e2e_service.go",
            go("//go:build e2etest", tok(&mut g)),
        )
        .file(
            "backend/it_service.go",
            go("//go:build integration && linux", tok(&mut g)),
        )
        .file(
            "backend/prod_service.go",
            go("//go:build !e2etest", tok(&mut g)),
        )
        .file(
            "backend/any_service.go",
            go("//go:build linux || e2e", tok(&mut g)),
        )
        .file("backend/plain_service.go", go("// a comment", tok(&mut g)));
    let v = json(&env);
    let found = secret_findings(&v);
    let sev = |p: &str| {
        found
            .iter()
            .find(|f| f["path"] == p)
            .unwrap_or_else(|| panic!("{p}: {found:#?}"))["severity"]
            .as_str()
            .unwrap()
            .to_string()
    };
    assert_eq!(sev("backend/e2e_service.go"), "low", "{found:#?}");
    assert_eq!(sev("backend/it_service.go"), "low", "{found:#?}");
    for p in [
        "backend/prod_service.go",
        "backend/any_service.go",
        "backend/plain_service.go",
    ] {
        assert_eq!(sev(p), "high", "{p}: {found:#?}");
    }
}

#[test]
fn placeholders_references_checksums_and_doc_examples_are_not_generic_secrets() {
    let env = TestEnv::new();
    let mut g = Gen(0x0c71_0171);
    let (a, h, p) = (g.mixed(32), g.hex_digits(40), g.strong_password());
    let uuid = {
        let x = g.hex_digits(32);
        format!(
            "{}-{}-{}-{}-{}",
            &x[..8],
            &x[8..12],
            &x[12..16],
            &x[16..20],
            &x[20..]
        )
    };
    let b64_text = "c2VjdXJlLXBhc3N3b3Jk"; // "secure-password"
    let files: Vec<(&str, String)> = vec![
        (
            "py/settings.py",
            [
                "SECRET_KEY = os.environ['SECRET_KEY']\n",
                "SECRET_KEY = os.getenv('SECRET_KEY', '')\n",
                "API_KEY = settings.API_KEY\n",
                "TOKEN_TTL = 3600\n",
                "PASSWORD_MIN_LENGTH = 12\n",
                "password_hash = '",
                &h,
                "'\n",
                "SECRET_KEY = 'changeme-",
                &a[..20],
                "'\n",
                "API_KEY = 'your-api-key-here'\n",
                "api_key = '",
                &uuid,
                "'\n",
                "token = 'abcdefghijklmnopqrstuvwxyz123456'\n",
                "token = 'oauth2AccessTokenResponseClient'\n",
                "token = 'auth_token_storage_key_v2'\n",
                "PUBLIC_API_KEY = '",
                &a,
                "'\n",
                "fake_token = '",
                &a,
                "'\n",
                "# SECRET_KEY = '",
                &a,
                "'\n",
                "if token == '",
                &a,
                "':\n",
                "secret = 'x' + '",
                &a,
                "'\n",
                "csrf_token = '",
                &a,
                "'\n",
                "password = 'P@ssw0rd-",
                &p[..6],
                "'\n",
                "token = '",
                &a[..8],
                "' * 4\n",
            ]
            .concat(),
        ),
        (
            "web/app.ts",
            [
                "const apiKey = process.env.API_KEY;\n",
                "const token = apiKey;\n",
                "const secret = `${prefix}",
                &a,
                "`;\n",
                "const API_KEY = '<YOUR_API_KEY>';\n",
                "// apiKey: '",
                &a,
                "'\n",
                "const tokenizer = '",
                &a,
                "';\n",
            ]
            .concat(),
        ),
        (
            "conf/app.yaml",
            [
                "password: ${DB_PASSWORD}\n",
                "token: {{ .Values.token }}\n",
                "secret_key_base: <%= ENV[\"SECRET_KEY_BASE\"] %>\n",
                "api_key: !vault |\n",
                "client_secret: xxxxxxxxxxxxxxxxxxxxxxxx\n",
                "password: ",
                b64_text,
                "\n",
                "integrity: sha512-",
                &a,
                "\n",
                "token_sha256: ",
                &h,
                "\n",
                "token: ",
                &a,
                " is the token to use\n",
                "secret: ",
                &a,
                "  # pragma: allowlist secret\n",
                "api_key: ",
                &a,
                "  # gitleaks:allow\n",
            ]
            .concat(),
        ),
        (
            "docs/guide.md",
            [
                "For example, with the following `config/secrets.yml`:\n\n```yaml\nsecret_key_base: ",
                &h,
                "\n```\n\nRun it:\n\n```\n$ bin/show-credentials\nfirst: 1\nsecond: 2\nthird: 3\n",
                "more: 4\nmore: 5\nmore: 6\nmore: 7\nmore: 8\nmore: 9\nsecret_key_base: ",
                &h,
                "\n```\n",
            ]
            .concat(),
        ),
        (
            "conf/lock.json",
            format!("{{\"resolved\": \"x\", \"integrity\": \"sha512-{a}\", \"token\": \"{h}\", \"checksum\": 1}}\n"),
        ),
    ];
    env.file("Dockerfile", "FROM alpine\nCOPY . /app\n");
    for (p, body) in &files {
        env.file(p, body);
    }
    let v = json(&env);
    let found: Vec<&Value> = secret_findings(&v)
        .into_iter()
        .filter(|f| {
            f["message"]
                .as_str()
                .unwrap_or_default()
                .contains("Hard-coded")
        })
        .collect();
    assert!(found.is_empty(), "{found:#?}");
}

/// CTX185, a readable password in a configuration file: medium wherever it is sent (never high),
/// low in tests; ordinary code and scripts with the same line are clean; and beside another
/// secret rule in the same file it does not take over that finding's rule or line (baselines
/// name them).
#[test]
fn readable_passwords_in_config_files_are_medium_and_never_displace_another_rule() {
    let env = TestEnv::new();
    let mut g = Gen(0x0c71_0185);
    // Capitalised words: a chosen password, not a generated one.
    let words = |g: &mut Gen| {
        (0..4)
            .map(|_| {
                [
                    g.pick(b"BCDFGHJKLMNPRSTVWZ", 1),
                    g.pick(b"aeiou", 1),
                    g.pick(b"bcdfghklmnprstvz", 1),
                    g.pick(b"aeiou", 1),
                    g.pick(b"nrst", 1),
                ]
                .concat()
            })
            .collect::<String>()
    };
    let line = |v: String| format!("admin_password: \"{v}\"\n");
    env.file("Dockerfile", "FROM alpine\nCOPY . /app\n")
        .file("config/app.yaml", line(words(&mut g)))
        .file("config/app.example.yaml", line(words(&mut g)))
        .file(
            "config/defaults.toml",
            format!("admin_password = \"{}\"\n", words(&mut g)),
        )
        .file("tests/fixtures/app.yaml", line(words(&mut g)))
        .file(
            "src/app.py",
            format!("admin_password = \"{}\"\n", words(&mut g)),
        )
        .file(
            "scripts/setup.sh",
            format!("ADMIN_PASSWORD={}\n", words(&mut g)),
        )
        .file(
            "config/both.yaml",
            format!("{}jwt_secret: \"{}\"\n", line(words(&mut g)), g.mixed(32)),
        );
    let v = json(&env);
    let found = secret_findings(&v);
    let get = |p: &str| {
        let f: Vec<&&Value> = found.iter().filter(|f| f["path"] == p).collect();
        assert_eq!(f.len(), 1, "{p}: {found:#?}");
        (
            f[0]["rule"].as_str().unwrap_or_default().to_string(),
            f[0]["severity"].as_str().unwrap_or_default().to_string(),
            f[0]["line"].clone(),
        )
    };
    let r =
        |rule: &str, sev: &str, line: u64| (rule.to_string(), sev.to_string(), Value::from(line));
    assert_eq!(get("config/app.yaml"), r("CTX185", "medium", 1));
    assert_eq!(get("config/app.example.yaml"), r("CTX185", "medium", 1));
    assert_eq!(get("config/defaults.toml"), r("CTX185", "medium", 1));
    assert_eq!(get("tests/fixtures/app.yaml"), r("CTX185", "low", 1));
    assert_eq!(get("config/both.yaml"), r("CTX169", "high", 2));
    for p in ["src/app.py", "scripts/setup.sh"] {
        assert!(found.iter().all(|f| f["path"] != p), "{p}: {found:#?}");
    }
}
