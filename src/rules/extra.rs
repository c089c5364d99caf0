//! Precision helpers for secret findings: which paths are test fixtures, whether a `*.env` file
//! holds assignments that look like secrets, whether a `.har` capture holds credentials, whether
//! a file is a template, and credentials written into a Dockerfile's `ARG`/`ENV` values.
//!
//! Pure: bytes in, line numbers out. Like [`super::scan_content`], nothing here returns or keeps
//! the matched text.

use std::sync::OnceLock;

use regex::bytes::Regex;

fn re(s: &str) -> Regex {
    Regex::new(s).unwrap_or_else(|e| panic!("built-in regex {s:?}: {e}"))
}

/// Whether a path (relative to the context) is test material: a directory component named
/// `test*`, `*fixtures` or `*fixture` (`test-fixtures`, `api_fixtures`, a misspelt
/// `text-fixtures`), `*-tests`/`*_tests`/`*-test`/`*_test` (`integration-tests`),
/// `integration`, `__tests__`, `spec`, `specs`, `e2e` or `__mocks__`, a .NET test project
/// (`Api.Tests`, `App.UnitTests`), or a
/// file named like a test or its fixtures (`*_test.go`, `test_*.py`, `*.test.ts`, `*.spec.js`,
/// `*Test.java`, `*_fixtures.go`, …), a test double named as one (`mock.ts`, `mocks.py`,
/// `client.mock.ts`, `api_mock.go`), the test or CI environment's dotenv file (`.env.testing`,
/// `.env.ci`, `test.env`), or a module named for tests (`settings/test.py`, `tests.py`,
/// `config/environments/test.rb`). Keys found there are usually fake: graded lower and labelled as test fixtures.
///
/// The directories below a JVM main source root (`src/main/java/`, see [`jvm_package_dirs`])
/// are a package's name, not test folders: `com/acme/integration/SlackClient.java` is
/// production code.
pub(crate) fn is_test_path(path: &[u8]) -> bool {
    let all: Vec<&[u8]> = path.split(|&b| b == b'/').collect();
    let packages = jvm_package_dirs(&all);
    let mut comps = all.iter().copied().enumerate().peekable();
    while let Some((k, c)) = comps.next() {
        let last = comps.peek().is_none();
        let low = c.to_ascii_lowercase();
        if !last && k >= packages {
            continue;
        }
        if !last {
            // A .NET test project: `Api.Tests`, `App.UnitTests`, `App.IntegrationTests`.
            let dotnet_tests = low.iter().rposition(|&b| b == b'.').is_some_and(|d| {
                let kind = &low[d + 1..];
                d > 0
                    && (matches!(kind, b"tests" | b"test" | b"specs")
                        || [&b"unittests"[..], b"integrationtests", b"functionaltests"]
                            .iter()
                            .any(|t| kind.ends_with(t)))
            });
            if dotnet_tests
                || low.starts_with(b"test")
                || low.ends_with(b"fixtures")
                || low.ends_with(b"fixture")
                || [&b"-tests"[..], b"_tests", b"-test", b"_test"]
                    .iter()
                    .any(|s| low.ends_with(s) && low.len() > s.len())
                || matches!(
                    &low[..],
                    b"fixtures"
                        | b"__fixtures__"
                        | b"__tests__"
                        | b"spec"
                        | b"specs"
                        | b"e2e"
                        | b"__mocks__"
                        | b"integration"
                )
            {
                return true;
            }
            continue;
        }
        return test_file_name(c, &low);
    }
    false
}

/// The index of the first package directory below a Maven/Gradle main source root
/// (`src/main/java`, `src/main/kotlin`, `src/main/scala`, `src/main/groovy`) among a path's
/// components, or `usize::MAX` when the path has none. Those directories spell a package
/// (`org/springframework/samples/petclinic`, `com/acme/integration`), so their names say
/// nothing about test or sample material; the directories above the root (a module named
/// `integration-tests/`) and the file's own name still do.
fn jvm_package_dirs(comps: &[&[u8]]) -> usize {
    comps
        .windows(3)
        .position(|w| {
            w[0] == b"src"
                && w[1] == b"main"
                && matches!(w[2], b"java" | b"kotlin" | b"scala" | b"groovy")
        })
        .map_or(usize::MAX, |k| k + 3)
}

/// Whether a Go source file is compiled for tests only: its `//go:build` constraint (before the
/// `package` clause) requires a test tag — one named `e2e` or `integration`, or holding `test`
/// (`//go:build e2etest`, `//go:build integration && linux`) — with no `||` and no `!`. Such a
/// file is test code, as a `*_test.go` file is: its tokens are fixtures.
pub(crate) fn go_test_build(path: &[u8], bytes: &[u8]) -> bool {
    if !path.ends_with(b".go") {
        return false;
    }
    for raw in bytes.split(|&b| b == b'\n').take(200) {
        let line = raw.trim_ascii();
        if line.starts_with(b"package ") {
            return false;
        }
        let Some(expr) = line.strip_prefix(b"//go:build ") else {
            continue;
        };
        if memchr::memmem::find(expr, b"||").is_some() || expr.contains(&b'!') {
            return false;
        }
        return expr
            .split(|&b| matches!(b, b'&' | b'(' | b')' | b' ' | b'\t'))
            .filter(|t| !t.is_empty())
            .any(|t| {
                let t = t.to_ascii_lowercase();
                t == b"e2e" || t == b"integration" || memchr::memmem::find(&t, b"test").is_some()
            });
    }
    false
}

/// The line ranges (1-based, inclusive) of a Rust source file's inline test modules: a
/// `#[cfg(test)]` attribute at the start of a line, then (after other attributes, comments or
/// blank lines) `mod NAME {` at the start of a line, up to the first line that is `}` alone at
/// the start of a line, as rustfmt writes the conventional `#[cfg(test)] mod tests { … }`.
/// Empty for any other file. Keys and tokens there are test data, like a `*_test.go` file's.
pub(crate) fn rust_test_modules(path: &[u8], bytes: &[u8]) -> Vec<(usize, usize)> {
    if !path.ends_with(b".rs") || memchr::memmem::find(bytes, b"#[cfg(test)]").is_none() {
        return Vec::new();
    }
    let mut out = Vec::new();
    // The attribute's line, while the lines after it may still lead to `mod NAME {`.
    let mut attr: Option<usize> = None;
    // The start of the module being read.
    let mut open: Option<usize> = None;
    for (k, raw) in bytes.split(|&b| b == b'\n').enumerate() {
        let n = k + 1;
        let line = raw.strip_suffix(b"\r").unwrap_or(raw);
        if let Some(start) = open {
            if line == b"}" {
                out.push((start, n));
                open = None;
            }
            continue;
        }
        if line.starts_with(b"#[cfg(test)]") {
            attr = Some(n);
            continue;
        }
        let Some(a) = attr else { continue };
        let t = line.trim_ascii();
        if t.is_empty() || t.starts_with(b"#[") || t.starts_with(b"//") {
            continue;
        }
        let item = line
            .strip_prefix(b"pub(crate) ")
            .or_else(|| line.strip_prefix(b"pub "))
            .unwrap_or(line);
        if item.starts_with(b"mod ") && t.ends_with(b"{") {
            open = Some(a);
        }
        attr = None;
    }
    out
}

/// Whether `path` lies in an examples directory (`examples/`, `example/`, `samples/`,
/// `sample/`, `demo/`, `demos/`, any case): keys and tokens there are samples a project ships to
/// show a setup (smallstep's `examples/**/secrets/*_key`), graded like test fixtures.
///
/// As for [`is_test_path`], the package directories below a JVM main source root
/// (`src/main/java/org/springframework/samples/`) are not an examples directory.
pub(crate) fn is_example_path(path: &[u8]) -> bool {
    let comps: Vec<&[u8]> = path.split(|&b| b == b'/').collect();
    let packages = jvm_package_dirs(&comps);
    comps.split_last().is_some_and(|(_, dirs)| {
        dirs[..packages.min(dirs.len())].iter().any(|c| {
            matches!(
                &c.to_ascii_lowercase()[..],
                b"example" | b"examples" | b"sample" | b"samples" | b"demo" | b"demos"
            )
        })
    })
}

/// Whether `path` is a Storybook story (`Button.stories.tsx`, `Summary.story.tsx`,
/// `Intro.stories.mdx`) or lies in a `.storybook/` configuration directory: a story renders a
/// component with demo props (an `apiKey='…'` to show a token dialog), graded like examples.
pub(crate) fn is_story_path(path: &[u8]) -> bool {
    let mut comps = path.split(|&b| b == b'/').peekable();
    while let Some(c) = comps.next() {
        if comps.peek().is_some() {
            if c == b".storybook" {
                return true;
            }
            continue;
        }
        let low = c.to_ascii_lowercase();
        let mut parts = low.rsplit(|&b| b == b'.');
        let ext = parts.next();
        let kind = parts.next();
        return parts.next().is_some_and(|stem| !stem.is_empty())
            && matches!(kind, Some(b"stories" | b"story"))
            && matches!(
                ext,
                Some(
                    b"js" | b"jsx" | b"ts" | b"tsx" | b"mjs" | b"cjs" | b"mdx" | b"svelte" | b"vue"
                )
            );
    }
    false
}

/// Extensions of source code (`*.go`, `*.py`, `*.ts`, …): a directory holding such files is a
/// package or module, whatever its name (`target/`, `logs/`).
pub(crate) const SOURCE_EXTS: &[&[u8]] = &[
    b".go", b".py", b".rb", b".php", b".ts", b".tsx", b".js", b".jsx", b".java", b".kt", b".cs",
    b".rs", b".c", b".h", b".cpp", b".swift",
];

/// Whether `path`'s file name marks it as a sample of another file: a dot-separated part after
/// the first is `example`, `sample`, `template`, `dist`, `tmpl` or `tpl`, or begins or ends
/// with one as a `-`/`_` word (`.env.example`, `config.example.yml`, `settings.sample.py`,
/// `.env.development-example`, `.env.example_prod`; not `example.ts`).
///
/// A dotenv file named for a sample by its first part (`sample.env`, `example.env`,
/// `example-prod.env`: the `*.env` spelling of `.env.example`) is one too.
pub(crate) fn is_example_file(path: &[u8]) -> bool {
    let name = path.rsplit(|&b| b == b'/').next().unwrap_or(path);
    let parts: Vec<&[u8]> = name.split(|&b| b == b'.').collect();
    parts.iter().skip(1).any(|p| sample_part(p))
        || (parts.len() > 1
            && parts[parts.len() - 1].eq_ignore_ascii_case(b"env")
            && sample_part(parts[0]))
        || (parts.len() > 1 && sample_suffix(parts[0]))
}

/// A first name part of two or more `-`/`_` words whose last says sample, example or template:
/// `docker-compose-sample.yaml`, `config_example.json`, `settings-template.py` (a lone
/// `example.py` is a program, and `app-dist.js` is built output).
fn sample_suffix(first: &[u8]) -> bool {
    let mut words = first.rsplit(|&b| matches!(b, b'-' | b'_'));
    let last = words.next().unwrap_or_default().to_ascii_lowercase();
    words.next().is_some_and(|w| !w.is_empty())
        && matches!(&last[..], b"example" | b"sample" | b"template")
}

/// A file that, by its name, holds key material or stored credentials and nothing an app reads
/// as its settings: an SSH private key (`id_rsa`, `id_ed25519`, …), a PKCS#12 bundle (`.p12`,
/// `.pfx`), a credential store (`.netrc`, `.git-credentials`, `.pypirc`) or Terraform state.
/// `suggest` removes these from a directory a COPY sends even when git tracks them, so the
/// report's fix for one is the same exclude line (a tracked `.env.production`, which a front-end
/// build reads, is not one of them).
pub(crate) fn key_material_name(name: &[u8]) -> bool {
    matches!(
        name,
        b"id_rsa"
            | b"id_dsa"
            | b"id_ecdsa"
            | b"id_ed25519"
            | b".pypirc"
            | b".netrc"
            | b".git-credentials"
    ) || [&b".p12"[..], b".pfx", b".tfstate", b".tfstate.backup"]
        .iter()
        .any(|ext| name.len() > ext.len() && name.ends_with(ext))
}

/// A dot-separated name part that marks a sample (see [`is_example_file`]).
pub(crate) fn sample_part(c: &[u8]) -> bool {
    let marker = |w: &[u8]| {
        matches!(
            &w.to_ascii_lowercase()[..],
            b"example" | b"sample" | b"template" | b"dist" | b"tmpl" | b"tpl"
        )
    };
    let mut words = c.split(|&b| matches!(b, b'-' | b'_'));
    marker(c)
        || words.next().is_some_and(marker)
        || c.rsplit(|&b| matches!(b, b'-' | b'_'))
            .next()
            .is_some_and(marker)
}

fn test_file_name(name: &[u8], low: &[u8]) -> bool {
    // The dotenv file of the test environment (`.env.test`, Laravel's `.env.testing`,
    // `.env.unit-tests`, `.env.testing-ci`) or of the CI run (`.env.ci`, `.env.ci.pgsql`): values
    // for a test run, by the frameworks' convention.
    if let Some(rest) = low.strip_prefix(b".env.") {
        if rest
            .split(|&b| matches!(b, b'.' | b'-' | b'_'))
            .any(|w| matches!(w, b"test" | b"tests" | b"testing" | b"ci"))
        {
            return true;
        }
    }
    // The same files spelt `*.env` (`test.env`, `ci.env`, `docker-test.env`), as a compose
    // file's `env_file:` for its test services names them.
    if let Some(stem) = low.strip_suffix(b".env") {
        if stem
            .split(|&b| matches!(b, b'.' | b'-' | b'_'))
            .any(|w| matches!(w, b"test" | b"tests" | b"testing" | b"ci"))
        {
            return true;
        }
    }
    let stem = match low.iter().rposition(|&b| b == b'.') {
        Some(d) if d > 0 => &low[..d],
        _ => low,
    };
    // A module named for tests: Django's `settings/test.py` and an app's `tests.py`, Rails'
    // `config/environments/test.rb`, Elixir's `config/test.exs`, a `testing.yml` profile. The
    // settings of the test environment, whose keys are fixtures.
    if low.len() > stem.len() && matches!(stem, b"test" | b"tests" | b"testing") {
        return true;
    }
    // A test double: `mock.ts` beside the code its tests stub (a connector's mocked config with
    // a throwaway key), `mocks.py`, `client.mock.ts`, `api_mock.go`, `db-mocks.js`.
    let mock = matches!(stem, b"mock" | b"mocks")
        || [
            &b".mock"[..],
            b"_mock",
            b"-mock",
            b".mocks",
            b"_mocks",
            b"-mocks",
        ]
        .iter()
        .any(|s| stem.ends_with(s));
    mock || stem.ends_with(b"_test")
        || stem.ends_with(b"_spec")
        || stem.ends_with(b"_fixtures")
        || stem.ends_with(b"_fixture")
        || stem.ends_with(b".test")
        || stem.ends_with(b".spec")
        || stem.starts_with(b"test_")
        || (name.len() > 8
            && (name.ends_with(b"Test.java")
                || name.ends_with(b"Tests.java")
                || name.ends_with(b"Test.kt")
                || name.ends_with(b"Tests.cs")))
}

/// Whether a variable name says it holds a secret (`DB_PASSWORD`, `API_KEY`, `SECRET_KEY_BASE`,
/// `GITHUB_TOKEN`) and not something about one (`TOKEN_FILE`, `PASSWORD_MIN_LENGTH`,
/// `AUTH_URL`, `AWS_ACCESS_KEY_ID`).
pub(crate) fn secret_name(name: &[u8]) -> bool {
    static RE: OnceLock<[Regex; 2]> = OnceLock::new();
    let [yes, no] = RE.get_or_init(|| {
        [
            re(r"(?i)(?:^|[_.-])(?:PASSWORD|PASSWD|PASSPHRASE|PWD|SECRET|SECRET_?KEY|TOKEN|API_?KEY|ACCESS_?KEY|PRIVATE_?KEY|AUTH_?KEY|CREDENTIALS?|CLIENT_?SECRET)(?:$|[_.-])|(?i)(?:PASSWORD|SECRET|TOKEN|APIKEY)$"),
            re(r"(?i)(?:^|[_.-])(?:FILE|PATH|DIR|LENGTH|LEN|TTL|EXPIRY|EXPIRES?|EXPIRATION|TIMEOUT|ENABLED?|DISABLED?|REQUIRED|HEADER|NAME|TYPE|URL|URI|HOST|PORT|USER|USERNAME|MODE|ALG|ALGORITHM|PREFIX|ID|LOCATION|ENDPOINT|VERSION|SIZE|COUNT|MIN|MAX|POLICY|PROVIDER|FORMAT|ROTATION|REGEX|PATTERN|STRATEGY|FIELD|PARAM|KIND|COOKIE_NAME)$"),
        ]
    });
    yes.is_match(name) && !no.is_match(name)
}

/// A value without the spaces around it and one pair of matching quotes.
fn unquoted(v: &[u8]) -> &[u8] {
    let v = v.trim_ascii();
    v.strip_prefix(b"\"")
        .and_then(|x| x.strip_suffix(b"\""))
        .or_else(|| v.strip_prefix(b"'").and_then(|x| x.strip_suffix(b"'")))
        .unwrap_or(v)
        .trim_ascii()
}

/// Whether an assigned value is a literal that could be a secret: not empty, not a variable
/// reference, not a boolean or number, not a path or a placeholder such as `<token>`,
/// `changeme-later` or `xxxx`.
pub(crate) fn literal_secret_value(v: &[u8]) -> bool {
    let v = unquoted(v);
    if v.len() < 4 || v.contains(&b'$') || v.starts_with(b"/") || v.starts_with(b"./") {
        return false;
    }
    let low = v.to_ascii_lowercase();
    if v.iter().all(|b| b.is_ascii_digit() || *b == b'.')
        || matches!(
            &low[..],
            b"true" | b"false" | b"yes" | b"no" | b"none" | b"null" | b"nil" | b"undefined"
        )
    {
        return false;
    }
    const PLACEHOLDERS: &[&[u8]] = &[
        b"<",
        b"{{",
        b"%(",
        b"xxx",
        b"***",
        b"...",
        b"changeme",
        b"change_me",
        b"change-me",
        b"changeit",
        b"changethis",
        b"change_this",
        b"change-this",
        b"supersecret",
        b"your",
        b"example",
        b"placeholder",
        b"dummy",
        b"replace",
        b"todo",
        b"fixme",
        b"redacted",
        b"secret_here",
        b"insert",
        // `insecure`, `seriously-insecure` (atuin's k8s example), `insecure-dev-only`.
        b"insecure",
    ];
    if PLACEHOLDERS
        .iter()
        .any(|p| memchr::memmem::find(&low, p).is_some())
    {
        return false;
    }
    // A well-known default (`password`, `postgres`, `guest`) or a lower-case label ending in
    // one (`astronomy_password`, `db_secret`): it names the value, it is not one.
    const DEFAULTS: &[&[u8]] = &[
        b"password",
        b"passwd",
        b"pass",
        b"secret",
        b"test",
        b"admin",
        b"root",
        b"guest",
        b"postgres",
        b"mysql",
        b"redis",
        // Services' documented first-run credentials: MinIO's, Neo4j's, RabbitMQ's,
        // Oracle's, and a literal `default`.
        b"minioadmin",
        b"neo4j",
        b"rabbitmq",
        b"oracle",
        b"administrator",
        b"default",
    ];
    if DEFAULTS.contains(&&low[..])
        || (v
            .iter()
            .all(|b| b.is_ascii_lowercase() || *b == b'_' || *b == b'-')
            && [&b"password"[..], b"secret", b"passwd"]
                .iter()
                .any(|d| low.ends_with(d)))
    {
        return false;
    }
    // One character repeated (`aaaa`, `----`).
    !v.iter().all(|&b| b == v[0])
}

/// Whether a value is a lower-case label that ends in the last two words of its own key
/// (`ZULIP__SECRET_KEY=django_secret_key`, `API_TOKEN=my-api-token`): a stand-in naming the
/// value it stands for, not a secret.
fn spells_key(k: &[u8], v: &[u8]) -> bool {
    let v = unquoted(v);
    if !v
        .iter()
        .all(|b| b.is_ascii_lowercase() || matches!(b, b'_' | b'-'))
    {
        return false;
    }
    let words = |s: &[u8]| -> Vec<Vec<u8>> {
        s.split(|b| matches!(b, b'_' | b'-' | b'.'))
            .filter(|w| !w.is_empty())
            .map(|w| w.to_ascii_lowercase())
            .collect()
    };
    let (kw, vw) = (words(k), words(v));
    let n = kw.len().min(2);
    n > 0 && vw.len() >= n && kw[kw.len() - n..] == vw[vw.len() - n..]
}

/// The 1-based line of the first `KEY=VALUE` assignment (optionally `export KEY=VALUE`, or
/// `KEY: VALUE`) whose key names a secret and whose value is a literal (see [`secret_name`] and
/// [`literal_secret_value`]), or whose value is a URL with a password ([`url_password`]). Used to tell a dotenv file with credentials from one that holds
/// release variables (`hugoreleaser.env`).
pub(crate) fn env_secret_line(bytes: &[u8]) -> Option<usize> {
    for (i, line) in bytes.split(|&b| b == b'\n').enumerate() {
        let l = line.trim_ascii();
        if l.starts_with(b"#") {
            continue;
        }
        let l = l.strip_prefix(b"export ").unwrap_or(l).trim_ascii_start();
        let Some(eq) = l.iter().position(|&b| b == b'=' || b == b':') else {
            continue;
        };
        let (k, mut v) = (l[..eq].trim_ascii(), &l[eq + 1..]);
        // An unquoted value ends at ` #` (a dotenv comment).
        if !v.trim_ascii_start().starts_with(b"\"") && !v.trim_ascii_start().starts_with(b"'") {
            if let Some(c) = memchr::memmem::find(v, b" #") {
                v = &v[..c];
            }
        }
        if !k.is_empty()
            && k.iter()
                .all(|&b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'.' | b'-'))
            && ((secret_name(k) && literal_secret_value(v) && !spells_key(k, v)) || url_password(v))
        {
            return Some(i + 1);
        }
    }
    None
}

/// The 1-based line of the first request or response header in a HAR capture that carries a
/// credential (`Authorization`, `Cookie`, `Set-Cookie`, `X-Api-Key`, …) with a non-empty value.
/// A capture without one (most e2e fixtures) is not a secret, whatever its size.
pub(crate) fn har_credential_line(bytes: &[u8]) -> Option<usize> {
    static RE: OnceLock<Regex> = OnceLock::new();
    let r = RE.get_or_init(|| {
        re(concat!(
            r#"(?i)"name"\s*:\s*"(?:authorization|proxy-authorization|cookie|set-cookie|x-api-key|x-auth-token|x-csrf-token)"\s*,\s*"value"\s*:\s*"[^"\s]"#,
            r#"|(?i)"value"\s*:\s*"[^"\s][^"]*"\s*,\s*"name"\s*:\s*"(?:authorization|proxy-authorization|cookie|set-cookie|x-api-key|x-auth-token)""#,
        ))
    });
    let m = r.find(bytes)?;
    Some(1 + memchr::memchr_iter(b'\n', &bytes[..m.start()]).count())
}

/// Whether the text holds PEM blocks (`-----BEGIN CERTIFICATE-----`, `PUBLIC KEY`,
/// `CERTIFICATE REQUEST`, …) and no private key: a certificate bundle or a public key saved as
/// `*.pem` or `*.key`. Any `PRIVATE KEY` text (also an encrypted or malformed block) and any
/// PuTTY or SSH2 key header keep the file a key.
pub(crate) fn only_public_pem(bytes: &[u8]) -> bool {
    let has = |n: &[u8]| memchr::memmem::find(bytes, n).is_some();
    has(b"-----BEGIN ")
        && !has(b"PRIVATE KEY")
        && !has(b"PuTTY-User-Key-File-")
        && !has(b"---- BEGIN SSH2")
}

/// Whether the text is a template (Helm, Jinja, Go templates): it holds a `{{ … }}`
/// expression. A secret-named template only says where a secret goes, not what it is.
pub(crate) fn is_template(bytes: &[u8]) -> bool {
    let Some(open) = memchr::memmem::find(bytes, b"{{") else {
        return false;
    };
    memchr::memmem::find(&bytes[open..], b"}}").is_some()
}

/// Name rules whose file, when it is a template (`{{ … }}`) without a literal secret, is not a
/// secret at all: `secrets.yaml` (CTX112) and `*-secret.yaml` (CTX125) are then a Helm or Go
/// template of a Kubernetes Secret, which only says where the values come from.
pub(crate) fn template_secret_rule(rule: &str) -> bool {
    matches!(rule, "CTX112" | "CTX125")
}

/// What kind of credential a Dockerfile `ARG`/`ENV` value holds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum DockerfileCred {
    /// A URL with a password (`postgres://user:pw@host`).
    UrlPassword,
    /// A token format the content scan knows (`AKIA…`, `ghp_…`, …).
    Token,
    /// A secret-named variable with a literal value that looks generated, as CTX169 judges one
    /// (`SERVICE_API_KEY=` forty random letters and digits): a real key baked into the image.
    Generated,
    /// A secret-named variable (`DB_PASSWORD=…`) with a literal value that does not look
    /// generated (a readable default such as `SECRET_KEY=tralala`).
    Literal,
}

impl DockerfileCred {
    /// A short description for a finding's message.
    pub(crate) fn describe(self) -> &'static str {
        match self {
            DockerfileCred::UrlPassword => "a URL with a password",
            DockerfileCred::Token => "a token",
            DockerfileCred::Generated => "a generated-looking password or key",
            DockerfileCred::Literal => "a literal password or key",
        }
    }
}

/// One credential in a Dockerfile: the 1-based line of the instruction, `ARG` or `ENV`, the kind.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct DockerfileHit {
    /// 1-based line where the instruction starts.
    pub line: usize,
    /// `"ARG"` or `"ENV"`.
    pub instruction: &'static str,
    /// What the value looks like.
    pub kind: DockerfileCred,
}

/// Credentials in the values of a Dockerfile's `ARG` and `ENV` instructions: URLs with a
/// password, known token formats, and secret-named variables set to a literal. Values are read
/// and dropped; only lines and kinds come back.
pub(crate) fn dockerfile_credentials(text: &[u8]) -> Vec<DockerfileHit> {
    let escape = escape_char(text);
    let mut out = Vec::new();
    let lines: Vec<&[u8]> = text.split(|&b| b == b'\n').collect();
    let mut i = 0;
    while i < lines.len() {
        let start = i;
        let mut logical: Vec<u8> = Vec::new();
        loop {
            let l = lines[i].strip_suffix(b"\r").unwrap_or(lines[i]);
            i += 1;
            let t = l.trim_ascii_start();
            if !logical.is_empty() && t.starts_with(b"#") {
                if i >= lines.len() {
                    break;
                }
                continue;
            }
            let te = l.trim_ascii_end();
            if te.last() == Some(&escape) && i < lines.len() {
                logical.extend_from_slice(&te[..te.len() - 1]);
                logical.push(b' ');
                continue;
            }
            logical.extend_from_slice(l);
            break;
        }
        let t = logical.trim_ascii();
        let instr = if t.len() > 4 && t[..3].eq_ignore_ascii_case(b"ENV") {
            "ENV"
        } else if t.len() > 4 && t[..3].eq_ignore_ascii_case(b"ARG") {
            "ARG"
        } else {
            continue;
        };
        if !t[3].is_ascii_whitespace() {
            continue;
        }
        if let Some(kind) = assignment_cred(&t[4..], instr == "ENV", escape) {
            out.push(DockerfileHit {
                line: start + 1,
                instruction: instr,
                kind,
            });
        }
    }
    out
}

/// The `# escape=` parser directive, if any (default `\`).
fn escape_char(text: &[u8]) -> u8 {
    for l in text.split(|&b| b == b'\n') {
        let t = l.trim_ascii();
        let Some(d) = t.strip_prefix(b"#") else {
            break;
        };
        let d = d.trim_ascii();
        let low = d.to_ascii_lowercase();
        if let Some(v) = low.strip_prefix(b"escape") {
            let v = v.trim_ascii_start();
            if let Some(v) = v.strip_prefix(b"=") {
                if v.trim_ascii() == b"`" {
                    return b'`';
                }
            }
        }
    }
    b'\\'
}

/// Splits on unquoted white space, dropping quotes and escapes.
fn words(s: &[u8], escape: u8) -> Vec<Vec<u8>> {
    let mut out = Vec::new();
    let mut cur = Vec::new();
    let mut quote: Option<u8> = None;
    let mut it = s.iter().copied().peekable();
    let mut any = false;
    while let Some(b) = it.next() {
        match quote {
            Some(q) if b == q => quote = None,
            Some(b'"') if b == escape => {
                if let Some(n) = it.next() {
                    cur.push(n);
                }
            }
            Some(_) => cur.push(b),
            None if b == b'"' || b == b'\'' => {
                quote = Some(b);
                any = true;
            }
            None if b == escape => {
                if let Some(n) = it.next() {
                    cur.push(n);
                }
                any = true;
            }
            None if b.is_ascii_whitespace() => {
                if any || !cur.is_empty() {
                    out.push(std::mem::take(&mut cur));
                    any = false;
                }
            }
            None => cur.push(b),
        }
    }
    if any || !cur.is_empty() {
        out.push(cur);
    }
    out
}

fn assignment_cred(args: &[u8], env: bool, escape: u8) -> Option<DockerfileCred> {
    let ws = words(args, escape);
    let mut pairs: Vec<(Vec<u8>, Vec<u8>)> = Vec::new();
    match ws.first() {
        // Legacy `ENV KEY value with spaces`.
        Some(k) if env && !k.contains(&b'=') => {
            let v = ws[1..].join(&b' ');
            pairs.push((k.clone(), v));
        }
        _ => {
            for w in ws {
                if let Some(eq) = w.iter().position(|&b| b == b'=') {
                    pairs.push((w[..eq].to_vec(), w[eq + 1..].to_vec()));
                }
            }
        }
    }
    let mut best: Option<DockerfileCred> = None;
    for (k, v) in pairs {
        let kind = value_cred(&k, &v);
        best = match (best, kind) {
            (_, Some(DockerfileCred::Token)) => Some(DockerfileCred::Token),
            (None, k) => k,
            // A generated value outranks a readable one: it decides the finding's severity.
            (Some(DockerfileCred::Literal), Some(DockerfileCred::Generated)) => {
                Some(DockerfileCred::Generated)
            }
            (Some(b), _) => Some(b),
        };
    }
    best
}

/// Whether `v` holds a URL with a literal password (`postgres://app:s3cr3t@db/app`), not a
/// stand-in (`user:pass@localhost`), a variable (`:${PW}@`) or a placeholder.
pub(crate) fn url_password(v: &[u8]) -> bool {
    static URL: OnceLock<Regex> = OnceLock::new();
    let url = URL.get_or_init(|| re(r"(?i)\b[a-z][a-z0-9+.-]*://([^/\s:@]*):([^@\s/]+)@"));
    url.captures_iter(v).any(|c| {
        let user = c.get(1).map_or(&b""[..], |m| m.as_bytes());
        let pw = c.get(2).map_or(&b""[..], |m| m.as_bytes());
        // The user name again (`mysql://kimai:kimai@127.0.0.1`): a development default.
        if pw.eq_ignore_ascii_case(user) {
            return false;
        }
        let low = pw.to_ascii_lowercase();
        // `user:pass@localhost/dummy` is a stand-in for a build step, not a credential.
        let stand_in = matches!(
            &low[..],
            b"pass" | b"password" | b"passwd" | b"secret" | b"test" | b"pw" | b"pwd"
        );
        !stand_in && literal_secret_value(pw)
    })
}

fn value_cred(key: &[u8], v: &[u8]) -> Option<DockerfileCred> {
    if v.is_empty() {
        return None;
    }
    if url_password(v) {
        return Some(DockerfileCred::UrlPassword);
    }
    if !super::scan_content(v).is_empty() {
        return Some(DockerfileCred::Token);
    }
    if secret_name(key) && literal_secret_value(v) {
        // As CTX169 judges a value in code or config: long, mixed, high in entropy.
        let generated = super::assigned::random_token(v) || super::assigned::random_password(v);
        return Some(if generated {
            DockerfileCred::Generated
        } else {
            DockerfileCred::Literal
        });
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn url_passwords_and_dotenv_lines() {
        // Passwords made up at run time: this file is in the repository's own build context,
        // and its dogfood gate fails on a secret (CTX167 would find a literal one).
        let pw = ["Zq8r", "T2vL", "w9xK"].concat();
        assert!(url_password(
            format!("postgres://app:{pw}@db:5432/app").as_bytes()
        ));
        assert!(url_password(
            format!("x https://ok.example/ and redis://:{pw}@cache:6379/0").as_bytes()
        ));
        for v in [
            &b"postgresql://app:${POSTGRES_PASSWORD}@db/app"[..],
            b"postgres://postgres:password@localhost/db",
            b"mysql://root:changeit@db/app",
            b"mysql://kimai:kimai@127.0.0.1:3306/kimai",
            b"https://example.com/a:b@c",
            b"postgres://db:5432/app",
        ] {
            assert!(!url_password(v), "{}", String::from_utf8_lossy(v));
        }
        assert_eq!(
            env_secret_line(
                format!("PORT=1\nDATABASE_URL=postgres://app:{pw}@db/app\n").as_bytes()
            ),
            Some(2)
        );
        // A comment after a real value does not hide it; a quoted `#` is part of the value.
        assert_eq!(
            env_secret_line(b"DB_PASSWORD=Zq8rT2vLw9xK # prod\n"),
            Some(1)
        );
        assert_eq!(
            env_secret_line(b"DB_PASSWORD=\"a #Zq8rT2vLw9xK\"\n"),
            Some(1)
        );
        // Words, but not the key's own: a readable secret, still reported.
        assert_eq!(
            env_secret_line(b"SECRET_KEY=correct_horse_battery_staple\n"),
            Some(1)
        );
        for t in [
            &b"POSTGRES_PASSWORD=changeit\n"[..],
            b"SECRET_KEY=changethis\n",
            b"SHARED_SECRET=supersecret\n",
            b"_APP_SMTP_PASSWORD=password\n",
            b"POSTGRES_ASTRONOMY_PASSWORD=astronomy_password    # see init.sql\n",
            b"RABBITMQ_DEFAULT_PASS=guest\n",
            b"MARIADB_ROOT_PASSWORD=insecure\n",
            b"ATUIN_DB_PASSWORD: seriously-insecure\n",
            b"ZULIP__SECRET_KEY=django_secret_key\n",
            b"ZULIP__EMAIL_PASSWORD=outgoing_email_password\n",
            b"API_TOKEN='my-api-token'\n",
        ] {
            assert_eq!(env_secret_line(t), None, "{}", String::from_utf8_lossy(t));
        }
    }

    #[test]
    fn example_paths() {
        for p in [
            "examples/basic/secrets/root_ca_key",
            "docs/Examples/tls.key",
            "demo/.env",
            "samples/a/config.yaml",
        ] {
            assert!(is_example_path(p.as_bytes()), "{p}");
        }
        for p in [
            "examples",
            "src/example.ts",
            "src/examples.go",
            "exampled/a",
        ] {
            assert!(!is_example_path(p.as_bytes()), "{p}");
        }
        for p in [
            ".env.example",
            "app/config.example.yml",
            "settings.sample.py",
            "a.yaml.tpl",
            ".env.development-example",
            "web/.env.example_prod",
            "config/sample.env",
            "example.env",
            "deploy/example-prod.env",
            "Sample.ENV",
            "docker-compose-sample.yaml",
            "config/settings_example.py",
            "deploy/values-template.yml",
        ] {
            assert!(is_example_file(p.as_bytes()), "{p}");
        }
        for p in [
            ".env",
            "src/example.ts",
            "example/config.yml",
            "dist/app.js",
            ".env.local",
            ".env.counterexample",
            ".env.prod-examples",
            "example.py",
            "sample.yaml",
            "prod.env",
            "env",
            "app-dist.js",
            "-sample.yml",
            "docker-compose-sample",
            "counter_examples.py",
        ] {
            assert!(!is_example_file(p.as_bytes()), "{p}");
        }
    }

    #[test]
    fn story_paths() {
        for p in [
            "frontend/src/GenerateApiKey/GenerateApiKeySummary.story.tsx",
            "src/Button.stories.tsx",
            "docs/Intro.stories.mdx",
            "ui/Token.stories.svelte",
            ".storybook/preview.ts",
            "web/.storybook/main.js",
        ] {
            assert!(is_story_path(p.as_bytes()), "{p}");
        }
        for p in [
            "src/stories.ts",
            "src/story.tsx",
            ".stories.tsx",
            "content/stories/a.md",
            "src/history.ts",
            "data/user.stories.json",
            ".storybook",
        ] {
            assert!(!is_story_path(p.as_bytes()), "{p}");
        }
    }

    #[test]
    fn test_paths() {
        for p in [
            "test/keys/a.pem",
            "tests/x.ts",
            "src/testdata/k",
            "pkg/fixtures/a.json",
            "web/__fixtures__/a",
            "spec/a.rb",
            "a/__tests__/b.js",
            "pkg/foo_test.go",
            "src/a.test.ts",
            "src/a.spec.js",
            "py/test_auth.py",
            "src/main/java/FooTest.java",
            "e2e/recordings/a.har",
            "google/services/datastream/text-fixtures/private-key.pem",
            "src/api_fixtures/a.json",
            "fixture/a.key",
            "integration/resources/tls/local.key",
            "integration-tests/certs/a.key",
            "acceptance_tests/a.yaml",
            "internal/entity/auth_session_fixtures.go",
            "spec/support/user_fixture.rb",
            "API.Tests/Services/Test Data/a.zip",
            "src/App.UnitTests/keys/a.pem",
            ".env.test",
            ".env.testing",
            "app/.env.tests",
            ".env.unit-tests",
            ".env.testing-ci",
            ".env.test.local",
            ".env.ci",
            "tests/.env.ci.sqlite",
            "packages/connectors/alipay/src/mock.ts",
            "app/mocks.py",
            "src/client.mock.ts",
            "pkg/api_mock.go",
            "web/db-mocks.js",
            ".dev/test.env",
            "ci.env",
            "docker/e2e-test.env",
            "api/app/settings/test.py",
            "app/tests.py",
            "config/environments/test.rb",
            "config/test.exs",
            "src/main/resources/testing.yml",
        ] {
            assert!(is_test_path(p.as_bytes()), "{p}");
        }
        for p in [
            "src/util.ts",
            "docs/setup.md",
            "test",
            "latest/a.go",
            "contest.md",
            "src/protest/x",
            "attestation/a",
            "fixtures.md",
            "integrations/slack/client.py",
            "contests/a.md",
            "src/App.Contests/a.cs",
            ".tests/a",
            ".env",
            ".env.production",
            ".env.contest",
            ".env.latest",
            ".env.circle",
            ".env.cicd-prod",
            "src/hammock.ts",
            "src/mockingbird.ts",
            "prod.env",
            "contest.env",
            "app/settings/production.py",
            "src/latest.ts",
            "testimonials.json",
            "src/Button.stories.tsx",
            // Package directories below a JVM main source root.
            "src/main/java/org/springframework/samples/petclinic/system/AwsConfig.java",
            "src/main/kotlin/com/acme/integration/SlackClient.kt",
            "app/src/main/java/com/acme/testing/Keys.java",
            "src/main/scala/com/acme/demo/Settings.scala",
        ] {
            assert!(!is_test_path(p.as_bytes()), "{p}");
            assert!(!is_example_path(p.as_bytes()), "{p}");
        }
        // Above the source root a module's name still counts, and so does a test file's name.
        for p in [
            "integration-tests/src/main/java/com/acme/Keys.java",
            "src/test/java/com/acme/Keys.java",
            "src/main/java/com/acme/KeysTest.java",
        ] {
            assert!(is_test_path(p.as_bytes()), "{p}");
        }
        assert!(is_example_path(
            b"examples/src/main/java/com/acme/Keys.java"
        ));
        assert!(is_example_path(b"src/main/resources/samples/key.pem"));
    }

    #[test]
    fn secret_names() {
        for n in [
            "DB_PASSWORD",
            "PASSWORD",
            "API_KEY",
            "apiKey",
            "SECRET_KEY_BASE",
            "GITHUB_TOKEN",
            "AWS_SECRET_ACCESS_KEY",
            "client_secret",
            "MYSQL_ROOT_PASSWORD",
        ] {
            assert!(secret_name(n.as_bytes()), "{n}");
        }
        for n in [
            "TOKEN_FILE",
            "PASSWORD_MIN_LENGTH",
            "AUTH_URL",
            "AWS_ACCESS_KEY_ID",
            "HUGORELEASER_TAG",
            "NODE_ENV",
            "KEYBOARD",
            "SECRETS_DIR",
            "TOKENIZER",
        ] {
            assert!(!secret_name(n.as_bytes()), "{n}");
        }
    }

    #[test]
    fn env_files() {
        assert_eq!(
            env_secret_line(b"# release\nHUGORELEASER_TAG=v0.1\nHUGORELEASER_COMMITISH=main\n"),
            None
        );
        assert_eq!(
            env_secret_line(b"NAME=app\nexport DB_PASSWORD=s3cr3t-Pa55\n"),
            Some(2)
        );
        assert_eq!(env_secret_line(b"DB_PASSWORD=${DB_PASSWORD}\n"), None);
        assert_eq!(env_secret_line(b"DB_PASSWORD=\nAPI_KEY=<your key>\n"), None);
        assert_eq!(env_secret_line(b"API_TOKEN=changeme\n"), None);
    }

    #[test]
    fn har() {
        let clean = br#"{"log":{"entries":[{"request":{"headers":[{"name":"Accept","value":"*/*"}],"cookies":[]}}]}}"#;
        assert_eq!(har_credential_line(clean), None);
        let auth =
            b"{\"log\":\n{\"headers\":[{\"name\": \"Authorization\", \"value\": \"Bearer abc\"}]}}";
        assert_eq!(har_credential_line(auth), Some(2));
        let empty = br#"{"name":"Cookie","value":""}"#;
        assert_eq!(har_credential_line(empty), None);
    }

    #[test]
    fn templates() {
        assert!(is_template(
            b"data:\n  password: {{ .Values.pw | b64enc }}\n"
        ));
        assert!(!is_template(b"password: abc\n"));
    }

    #[test]
    fn dockerfile_values() {
        let text = concat!(
            "FROM alpine\n",
            "ARG VERSION=1.2\n",
            "ENV DATABASE_URL=postgres://app:hunter2x@db/app\n",
            "ENV PATH=/usr/bin \\\n",
            "    API_TOKEN=ghp_",
            "A1b2C3d4E5f6G7h8I9j0K1l2M3n4O5p6Q7r8\n",
            "ARG NPM_TOKEN\n",
            "ENV DB_PASSWORD ${DB_PASSWORD}\n",
            "env mysql_root_password=rootpw1\n",
            "ENV REDIS_URL=redis://:$REDIS_PASSWORD@cache\n",
            "ENV TOKEN_FILE=/run/secrets/token\n",
            "ENV DATABASE_URL=\"postgresql://user:pass@localhost:5432/dummy\"\n",
        )
        .to_string();
        // A generated value (made at run time) beside a readable one: the generated one decides.
        let key: String = (0..40u32)
            .map(|i| char::from(b"q7Xk2LmZ9vRt4Wc8"[((i * 7 + i / 3) % 16) as usize]))
            .collect();
        let text = format!("{text}ENV SECRET_KEY=tralala \\\n    SERVICE_API_KEY={key}\nARG ADMIN_PASSWORD=tralala\n");
        let got: Vec<(usize, &str, DockerfileCred)> = dockerfile_credentials(text.as_bytes())
            .into_iter()
            .map(|h| (h.line, h.instruction, h.kind))
            .collect();
        assert_eq!(
            got,
            [
                (3, "ENV", DockerfileCred::UrlPassword),
                (4, "ENV", DockerfileCred::Token),
                (8, "ENV", DockerfileCred::Literal),
                (12, "ENV", DockerfileCred::Generated),
                (14, "ARG", DockerfileCred::Literal),
            ]
        );
        let bt = "# escape=`\nFROM x\nENV A=1 `\n  SECRET_KEY=abcd1234efgh\n";
        assert_eq!(dockerfile_credentials(bt.as_bytes()).len(), 1);
    }
}
