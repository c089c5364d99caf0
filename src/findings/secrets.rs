//! One finding per file for secrets: the name rule, the content signatures and the Dockerfile
//! `ARG`/`ENV` check merged, graded by what the build does with the file (see
//! [`super::exposure`]), by test-fixture paths and by templates.

use crate::rules::{self, ContentHit, DockerfileHit, Hit, Severity};

use super::exposure::{Exposure, Plan};
use super::{fix_line, lossy, Finding};

/// The fix when excluding the file would break the build or not remove the secret.
pub(crate) const MOVE_OUT: &str =
    "move the secret out of the file (and revoke it); pass it at build time with `RUN --mount=type=secret`";

/// The fix for a file the build copies that is named for secrets but holds none today.
pub(crate) const KEEP_CLEAN: &str =
    "none needed while nothing secret is in it; if one is ever needed, pass it at build time with `RUN --mount=type=secret` rather than writing it here";

/// The fix for a credential written into the Dockerfile.
pub(crate) const DOCKERFILE_FIX: &str =
    "remove the value from the Dockerfile (and revoke it); pass it at build time with `RUN --mount=type=secret`";

/// Rule ID for a credential in a Dockerfile `ARG`/`ENV` value.
pub(crate) const DOCKERFILE_RULE: &str = "CTX170";

/// Which content checks a file's name asks for.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) struct Wants {
    /// A dotenv file: `*.env` (and a direnv `.envrc`) is a secret only with secret-looking
    /// assignments (or a content hit); `.env`/`.env.*` always is, graded low without one.
    pub env: bool,
    /// A `.har` capture: a secret only with credential headers.
    pub har: bool,
    /// A secret-named file: a template (`{{ … }}`) is graded lower.
    pub template: bool,
    /// A file named like a key or PEM file (CTX103, CTX104): not a secret when its PEM blocks
    /// are all public (certificates, public keys, requests).
    pub pem: bool,
    /// A credentials file named so (`.pypirc`, kubeconfig, `secrets.yml`, `db-secret.yaml`, …):
    /// the line of its first secret-looking assignment is reported (and a template holding one
    /// stays a secret).
    pub cred_line: bool,
}

impl Wants {
    /// The checks for a file with this name hit.
    pub(crate) fn for_hit(hit: Option<&Hit>, path: &[u8]) -> Wants {
        let Some(h) = hit.filter(|h| h.category == rules::Category::Secret) else {
            return Wants::default();
        };
        let name = path.rsplit(|&b| b == b'/').next().unwrap_or(path);
        let low = name.to_ascii_lowercase();
        Wants {
            // A direnv `.envrc` too: most only `use flake` or `source_url` (hoppscotch's).
            env: h.rule == "CTX101" || (h.rule == "CTX124" && low == b".envrc"),
            har: h.rule == "CTX122" && low.ends_with(b".har"),
            template: true,
            pem: matches!(h.rule, "CTX103" | "CTX104"),
            cred_line: matches!(
                h.rule,
                "CTX107"
                    | "CTX108"
                    | "CTX109"
                    | "CTX110"
                    | "CTX112"
                    | "CTX113"
                    | "CTX124"
                    | "CTX125"
            ),
        }
    }
}

/// What reading a file found.
#[derive(Clone, Debug, Default, PartialEq)]
pub(crate) struct Scanned {
    /// Content signatures (rule, line).
    pub hits: Vec<ContentHit>,
    /// First secret-looking assignment (for `*.env`).
    pub env_line: Option<usize>,
    /// First credential header (for `.har`).
    pub har_line: Option<usize>,
    /// Holds `{{ … }}`.
    pub template: bool,
    /// Holds PEM blocks, none of them private (for files named like keys).
    pub public_pem: bool,
    /// Every content hit lies in test code: a Rust file's inline `#[cfg(test)]` module, or a Go
    /// file built for tests only (`//go:build e2etest`).
    pub test_code: bool,
}

impl Scanned {
    /// Scans one file's bytes.
    pub(crate) fn of(path: &[u8], bytes: &[u8], w: Wants) -> Scanned {
        if rules::is_binary(bytes) {
            return Scanned::default();
        }
        let mut hits = rules::scan_content_at(path, bytes);
        // A form's `placeholder` value, or a key block cut off after its first line: a stand-in.
        if !hits.is_empty() {
            let stand_in = rules::stand_in_lines(bytes, &hits);
            hits.retain(|h| stand_in.binary_search(&h.line).is_err());
        }
        let wants_line = w.env || w.cred_line;
        // A per-environment file's development and test sections hold development defaults.
        let dev = if hits.is_empty() && !wants_line {
            Vec::new()
        } else {
            rules::dev_section_lines(path, bytes)
        };
        for h in hits.iter_mut().filter(|h| h.note.is_none()) {
            if dev.binary_search(&h.line).is_ok() {
                h.note = Some(rules::HitNote::DevSection);
            } else if rules::api_example_line(bytes, h.line) {
                h.note = Some(rules::HitNote::ApiExample);
            }
        }
        let tests = if hits.is_empty() {
            Vec::new()
        } else {
            rules::rust_test_modules(path, bytes)
        };
        let test_code = (!tests.is_empty()
            && hits
                .iter()
                .all(|h| tests.iter().any(|&(a, b)| (a..=b).contains(&h.line))))
            || (!hits.is_empty() && rules::go_test_build(path, bytes));
        Scanned {
            hits,
            test_code,
            env_line: match (wants_line, dev.is_empty()) {
                (false, _) => None,
                (true, true) => rules::env_secret_line(bytes),
                (true, false) => rules::env_secret_line(&without_lines(bytes, &dev)),
            },
            har_line: if w.har {
                rules::har_credential_line(bytes)
            } else {
                None
            },
            template: w.template && rules::is_template(bytes),
            public_pem: w.pem && rules::only_public_pem(bytes),
        }
    }
}

/// `bytes` with the 1-based `lines` (sorted) emptied: their line breaks stay, so later lines
/// keep their numbers.
fn without_lines(bytes: &[u8], lines: &[usize]) -> Vec<u8> {
    let mut out = Vec::with_capacity(bytes.len());
    for (i, l) in bytes.split(|&b| b == b'\n').enumerate() {
        if i > 0 {
            out.push(b'\n');
        }
        if lines.binary_search(&(i + 1)).is_err() {
            out.extend_from_slice(l);
        }
    }
    out
}

/// Everything known about one path's secrets.
#[derive(Clone, Debug, Default)]
pub(crate) struct Acc {
    /// The path, relative to the context (or the Dockerfile's own path, outside it).
    pub path: Vec<u8>,
    /// Files and bytes under it.
    pub files: u64,
    pub bytes: u64,
    /// A file or directory in the walked tree (a Dockerfile outside the context is not).
    pub in_tree: bool,
    /// Git tracks the file (it is in every checkout the build runs on).
    pub tracked: bool,
    /// The secret name hit.
    pub name: Option<Hit>,
    /// The content was read (whole, or its first `--content-max` bytes).
    pub scanned: Option<Scanned>,
    /// The file was too large to read.
    pub too_large: bool,
    /// Credentials in the Dockerfile's `ARG`/`ENV` values (when this is the Dockerfile).
    pub dockerfile: Vec<DockerfileHit>,
}

/// Content rules that grade a file only when no other evidence does (see [`grade`]).
const WEAK_RULES: &[&str] = &["CTX184", "CTX185"];

/// A per-environment file (Rails' `config/secrets.yml`) whose every secret-looking value sits
/// in its development or test section ([`rules::HitNote::DevSection`]): the production value
/// comes from elsewhere (`<%= ENV["SECRET_KEY_BASE"] %>`).
fn dev_defaults_only(s: &Scanned) -> bool {
    s.env_line.is_none()
        && !s.hits.is_empty()
        && s.hits
            .iter()
            .all(|h| h.note == Some(rules::HitNote::DevSection))
}

fn cap(s: Severity, max: Severity) -> Severity {
    s.min(max)
}

/// A content hit's severity: its rule's, capped by what the text around it says
/// ([`rules::HitNote`]). `None` for an ID the catalog does not know.
fn hit_severity(h: &ContentHit) -> Option<Severity> {
    let sev = rules::rule(h.rule)?.severity;
    Some(h.note.map_or(sev, |n| cap(sev, n.cap())))
}

/// Turns one path's evidence into at most one finding.
pub(crate) fn grade(acc: &Acc, plan: Option<&Plan>) -> Option<Finding> {
    // An empty file (or a directory of empty files) named for secrets holds none: a test's
    // placeholder `testdata/cert.pem`, an empty `.env`.
    if acc.in_tree && acc.bytes == 0 && acc.dockerfile.is_empty() {
        return None;
    }
    let low_name = acc.path.to_ascii_lowercase();
    let scanned = acc.scanned.as_ref();
    let template = scanned.map_or(
        memchr::memmem::find(&low_name, b"templates/").is_some(),
        |s| s.template,
    );
    // (rule, severity, line, title, label) per piece of evidence; the label says why a content
    // hit is graded below its rule (see [`rules::HitNote`]).
    #[allow(clippy::type_complexity)]
    let mut ev: Vec<(&'static str, Severity, Option<usize>, String, Option<&str>)> = Vec::new();
    // The label of a file kept (by its name) although nothing in it looks like a secret.
    let mut plain: Option<&str> = None;
    if let Some(h) = acc.name {
        let info = h.info();
        let w = Wants::for_hit(Some(&h), &acc.path);
        let mut sev = h.severity;
        let mut line = None;
        let mut keep = true;
        let name = acc.path.rsplit(|&b| b == b'/').next().unwrap_or(&acc.path);
        let low = name.to_ascii_lowercase();
        let dot_env = low == b".env" || low.starts_with(b".env.");
        if w.cred_line {
            line = scanned.and_then(|s| s.env_line);
        }
        // A structured secrets file (`secrets.yaml`, `secret.json`) read whole with no
        // secret-looking assignment and no token signature in it: an API's schema for its
        // secrets endpoint (an OpenAPI `paths/secrets/secret.yaml`), references to a secret
        // store. Low and labelled, as an `.env` without a secret-looking value is.
        if h.rule == "CTX112"
            && [&b".yml"[..], b".yaml", b".json", b".toml"]
                .iter()
                .any(|e| low.ends_with(e))
            && scanned.is_some_and(|s| s.env_line.is_none() && s.hits.is_empty())
        {
            sev = cap(sev, Severity::Low);
            plain = Some("no secret-looking value in it");
        } else if w.cred_line && scanned.is_some_and(dev_defaults_only) {
            sev = cap(sev, Severity::Medium);
            plain = Some("its literal values are all in its development and test sections");
        }
        if w.env {
            match scanned {
                Some(s) if s.env_line.is_some() => line = s.env_line,
                // `.env` itself stays (its name is the convention for secrets), low and labelled
                // when nothing in it looks like one (a compose file's image tags and ports).
                Some(s) if dot_env && s.hits.is_empty() => {
                    sev = cap(sev, Severity::Low);
                    plain = Some("no secret-looking value in it");
                }
                // No secret-looking assignment, only tokens the content scan knows: those grade
                // the file (a browser config's Google API key is medium, as it is anywhere else).
                Some(s) => {
                    keep = !s.hits.is_empty();
                    if let Some(m) = s.hits.iter().filter_map(hit_severity).max() {
                        sev = cap(sev, m);
                    }
                }
                None if dot_env => {}
                None => sev = cap(sev, Severity::Low),
            }
        }
        // `.npmrc`/`.yarnrc` read whole without a registry token (`save-exact=true`).
        if h.rule == "CTX106" && scanned.is_some_and(|s| s.hits.is_empty()) {
            sev = cap(sev, Severity::Low);
            plain = Some("no registry token in it");
        }
        if w.har {
            match scanned {
                Some(s) if s.har_line.is_some() => line = s.har_line,
                Some(_) => keep = false,
                None => sev = cap(sev, Severity::Low),
            }
        }
        if template {
            sev = cap(sev, Severity::Low);
        }
        // A templated secrets manifest (Helm's `templates/secrets.yaml`, `db-secret.yaml`) read
        // whole, with no literal secret-looking assignment: not a secrets file. A token
        // signature inside it is still reported below.
        if rules::template_secret_rule(h.rule)
            && scanned.is_some_and(|s| s.template && s.env_line.is_none())
        {
            keep = false;
        }
        // A `.pem`/`.key` read whole that holds only certificates or public keys.
        if w.pem && scanned.is_some_and(|s| s.public_pem) {
            keep = false;
        }
        if keep {
            ev.push((info.id, sev, line, info.title.to_string(), None));
        }
    }
    // The Dockerfile's own ARG/ENV credentials come before its content hits: the finding keeps
    // rule CTX170 whether or not the content is read.
    for d in &acc.dockerfile {
        let sev = match d.kind {
            rules::DockerfileCred::Literal => Severity::Medium,
            _ => Severity::High,
        };
        ev.push((
            DOCKERFILE_RULE,
            sev,
            Some(d.line),
            format!(
                "Credential in a Dockerfile {} value ({})",
                d.instruction,
                d.kind.describe()
            ),
            None,
        ));
    }
    if let Some(s) = scanned {
        // One piece of evidence per rule: its most severe hit (the first of those), so that a
        // local server's password does not hide a remote one's further down.
        let first = ev.len();
        for h in &s.hits {
            let (Some(info), Some(sev)) = (rules::rule(h.rule), hit_severity(h)) else {
                continue;
            };
            let label = h.note.map(rules::HitNote::label);
            match ev[first..].iter().position(|e| e.0 == info.id) {
                Some(k) if sev > ev[first + k].1 => {
                    let e = &mut ev[first + k];
                    (e.1, e.2, e.4) = (sev, Some(h.line), label);
                }
                Some(_) => {}
                None => ev.push((info.id, sev, Some(h.line), info.title.to_string(), label)),
            }
        }
    }
    // The newer, less certain content rules (a bearer token, a readable password) speak only
    // for a file nothing else flags: beside other evidence they would change the finding's rule
    // and line, which baselines and suppressions name.
    if ev.iter().any(|e| !WEAK_RULES.contains(&e.0)) {
        ev.retain(|e| !WEAK_RULES.contains(&e.0));
    }
    if ev.is_empty() {
        return None;
    }
    // A Rust file whose every content hit lies in its inline test module is test code, as a
    // `*_test.go` file is (a name rule's evidence keeps the file's own grade).
    let test_fixture = rules::is_test_path(&acc.path)
        || (acc.name.is_none()
            && acc.dockerfile.is_empty()
            && scanned.is_some_and(|s| s.test_code));
    let example = !test_fixture && rules::is_example_path(&acc.path);
    let story = !test_fixture && !example && rules::is_story_path(&acc.path);
    if test_fixture || example || story {
        for e in &mut ev {
            e.1 = cap(e.1, Severity::Low);
        }
    }
    // A file named as a sample of another (`.env.example`, `config.example.yml`): its values are
    // usually stand-ins, and a real one pasted there is still reported, one grade lower.
    let example_file = !test_fixture && !example && !story && rules::is_example_file(&acc.path);
    // The development environment's settings (`config/dev.exs`, `appsettings.Development.json`):
    // development defaults, one grade lower, as a sample file's.
    let dev_settings = !test_fixture
        && !example
        && !story
        && !example_file
        && acc.name.is_none()
        && rules::is_dev_settings(&acc.path);
    if example_file || dev_settings {
        for e in &mut ev {
            e.1 = cap(e.1, Severity::Medium);
        }
    }
    // The primary: most severe, then the first piece of evidence (the name rule, so that a
    // file's rule ID stays the same whether or not its content is read), then the first line.
    let primary = ev
        .iter()
        .enumerate()
        .max_by_key(|(k, e)| (e.1, std::cmp::Reverse(*k)))
        .map(|(k, _)| k)
        .unwrap_or(0);
    let mut sev = ev.iter().map(|e| e.1).max().unwrap_or(Severity::Low);
    let line = ev.iter().filter_map(|e| e.2).min();
    let mut msg = ev[primary].3.clone();
    let others: Vec<&str> = ev
        .iter()
        .enumerate()
        .filter(|(k, e)| *k != primary && e.3 != ev[primary].3)
        .map(|(_, e)| e.3.as_str())
        .collect();
    if !others.is_empty() {
        msg.push_str(&format!(" (also: {})", others.join(", ")));
    }
    // Rails' `config/master.key` (and `config/credentials/*.key`) is the symmetric key that
    // decrypts the committed credentials file, not a TLS/SSH private key.
    if ev[primary].0 == "CTX103"
        && (acc.path.ends_with(b"master.key")
            || memchr::memmem::find(&acc.path, b"config/credentials/").is_some())
    {
        msg = msg.replacen(
            "Private key file",
            "Rails master key (decrypts the encrypted credentials file)",
            1,
        );
    }
    let path_s = lossy(&acc.path);
    let only_dockerfile = acc.name.is_none() && scanned.is_none_or(|s| s.hits.is_empty());
    if let Some(p) = plain.or(ev[primary].4) {
        msg.push_str("; ");
        msg.push_str(p);
    }
    if test_fixture {
        // A CI workflow named `test.yml` runs the tests: its values are the test jobs' settings.
        msg.push_str(if rules::is_ci_workflow(&acc.path) {
            "; in a CI test workflow"
        } else {
            "; test fixture"
        });
    }
    if example {
        msg.push_str("; in an examples directory");
    }
    if story {
        msg.push_str("; in a Storybook story (demo props)");
    }
    if example_file {
        msg.push_str("; in an example file");
    }
    if dev_settings {
        msg.push_str("; in the development environment's settings");
    }
    if template && acc.name.is_some() && scanned.is_none_or(|s| s.hits.is_empty()) {
        msg.push_str("; template");
    }
    let (exposure, named) = match plan {
        Some(p) if acc.in_tree => {
            let (e, n) = p.exposure(&path_s);
            (Some(e), n)
        }
        _ => (None, false),
    };
    // An `ARG`/`ENV` value is in the image (its config or history) however the Dockerfile file
    // itself travels: the file's exposure neither caps nor describes it.
    let in_dockerfile = !acc.dockerfile.is_empty();
    if let Some(e) = &exposure {
        if !only_dockerfile {
            if !matches!(e, Exposure::Image { .. }) {
                let df = ev
                    .iter()
                    .filter(|e| e.0 == DOCKERFILE_RULE)
                    .map(|e| e.1)
                    .max();
                sev = cap(sev, Severity::Medium).max(df.unwrap_or(Severity::Low));
            }
            if !in_dockerfile {
                msg.push_str("; ");
                msg.push_str(&e.describe());
            }
        }
    }
    // Excluding the file breaks the build when a COPY names it, or when it is a file the image
    // needs (no secret name, only a secret inside).
    let content_only = acc.name.is_none();
    let needed = content_only
        && match &exposure {
            None => true,
            Some(e) => matches!(e, Exposure::Image { .. } | Exposure::Mount { .. }),
        };
    // Copied into an image (a tracked `.env.production` a front-end build reads).
    let copied = matches!(
        &exposure,
        Some(Exposure::Image { .. } | Exposure::Mount { .. })
    );
    // A tracked file the build copies may be settings it reads (a `.env.production`): the
    // secret moves out of it. Key material by name is not (suggest removes it, and says so).
    let file_name = acc.path.rsplit(|&b| b == b'/').next().unwrap_or(&acc.path);
    // A `.pem`/`.key` file holding a private key block is key material too (dufs's tracked
    // `tests/data/key_*.pem`), as suggest reads it.
    let key_file = [&b".pem"[..], b".key"]
        .iter()
        .any(|x| low_name.ends_with(x))
        && ev.iter().any(|e| e.0 == "CTX150");
    let key_material = rules::key_material_name(file_name) || key_file;
    let settings = acc.tracked && copied && !key_material;
    let fix = if in_dockerfile {
        DOCKERFILE_FIX.to_string()
    } else if plain.is_some() && ev.len() == 1 && (named || settings) {
        KEEP_CLEAN.to_string()
    } else if named || needed || !acc.in_tree || settings {
        MOVE_OUT.to_string()
    } else {
        fix_line(&acc.path)
    };
    let rule = ev[primary].0;
    // Only the name spoke, the content read says nothing secret is in it, and the build needs
    // the file where it is (a COPY names it, or it is tracked and copied): nothing to do.
    let clean = fix == KEEP_CLEAN;
    Some(Finding {
        rule: rule.to_string(),
        category: rules::Category::Secret.as_str().to_string(),
        severity: sev.as_str().to_string(),
        path: path_s,
        files: acc.files,
        bytes: acc.bytes,
        message: msg,
        fix,
        line,
        clean,
    })
}
