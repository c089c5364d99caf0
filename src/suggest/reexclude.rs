//! Re-exclusions inside what the Dockerfiles copy, limited to what cannot belong in an image:
//! secrets, VCS metadata, dependency trees the Dockerfile re-installs, bytecode caches,
//! OS/editor droppings and logs by extension. Names are matched case-sensitively, exactly as
//! listed here (and in docs/suggest.md); nothing else inside a copied directory is removed.
//! Other suspicious entries stay and are reported with their size.

use std::collections::{BTreeMap, HashSet};

use crate::dockerignore::PatternSet;
use crate::rules::{is_test_path, Category, EntryRef, RuleSet};
use crate::tree::{Kind, ROOT};

use super::model::Model;
use super::plan::{exact_pattern, inside, Plan};
use super::targets::Installs;

/// Why an entry cannot belong in an image.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) enum Class {
    /// A secret by name (or a key file holding a private key).
    Secret,
    /// VCS metadata.
    Vcs,
    /// A dependency tree the Dockerfile re-installs, or a bytecode cache.
    Deps,
    /// OS or editor droppings.
    EditorOs,
    /// A log file.
    Logs,
}

/// A strict rule that fired: its class, a reason, and the generic line that would remove every
/// such entry (when one exists).
#[derive(Debug, Clone, Copy)]
pub(crate) struct Strict {
    /// The class.
    pub class: Class,
    /// The reason shown beside the line.
    pub reason: &'static str,
    /// The generic line, e.g. `**/.git`.
    pub generic: Option<&'static str>,
}

const ENV_TEMPLATES: &[&str] = &[
    "example", "sample", "template", "dist", "defaults", "tpl", "schema",
];

/// The first `max` bytes of file `i`, `None` if it cannot be read.
fn head(m: &Model, i: u32, max: u64) -> Option<Vec<u8>> {
    crate::walk::read_small(&m.tree_root, m.paths[i as usize].as_bytes(), max)
}

fn head_has(m: &Model, i: u32, needles: &[&[u8]]) -> bool {
    let Some(buf) = head(m, i, 64 * 1024) else {
        return false;
    };
    needles
        .iter()
        .any(|n| buf.windows(n.len()).any(|w| w == *n))
}

/// The file assigns a secret-looking value (`export API_TOKEN=…`) or holds a known token.
fn assigns_env_secret(m: &Model, i: u32) -> bool {
    let Some(buf) = head(m, i, 1 << 20) else {
        return true;
    };
    crate::rules::env_secret_line(&buf).is_some() || !crate::rules::scan_content(&buf).is_empty()
}

/// The content scan finds a token in the file (its first MiB; an unreadable file counts).
fn holds_token(m: &Model, i: u32) -> bool {
    head(m, i, 1 << 20).is_none_or(|b| !crate::rules::scan_content(&b).is_empty())
}

/// The file holds public keys or certificates only (its first MiB).
fn public_only(m: &Model, i: u32) -> bool {
    head(m, i, 1 << 20).is_some_and(|b| crate::rules::only_public_pem(&b))
}

fn parent_is(m: &Model, i: u32, name: &str) -> bool {
    let p = m.tree.nodes[i as usize].parent;
    p != ROOT && m.tree.name(p) == name.as_bytes()
}

/// A secret-named file (`secrets.yaml`, `db-secret.yaml`) that is a Helm/Go template holding no
/// literal secret: not a secret by its name, as the report grades it.
fn template_without_literal(m: &Model, i: u32) -> bool {
    head(m, i, 1 << 20).is_some_and(|b| {
        crate::rules::is_template(&b)
            && crate::rules::env_secret_line(&b).is_none()
            && crate::rules::scan_content(&b).is_empty()
    })
}

/// A file that assigns a literal value (8 characters or more, not a template or a variable
/// reference) to a key named like a secret, or that the content scanner flags. A template file
/// counts only with a literal secret-looking assignment.
fn assigns_secret(m: &Model, i: u32) -> bool {
    let Some(buf) = head(m, i, 256 * 1024) else {
        return false;
    };
    if !crate::rules::scan_content(&buf).is_empty() {
        return true;
    }
    // A Helm/Go template (`{{ … }}`) says where secrets go, not what they are: only a literal
    // secret-looking assignment in it counts (`{{- $password := include … }}` does not).
    if crate::rules::is_template(&buf) {
        return crate::rules::env_secret_line(&buf).is_some();
    }
    let text = String::from_utf8_lossy(&buf);
    text.lines().any(|line| {
        let Some(k) = line.find([':', '=']) else {
            return false;
        };
        let key = line[..k]
            .trim()
            .trim_matches(['"', '\''])
            .to_ascii_lowercase();
        let val = line[k + 1..].trim().trim_matches(['"', '\'', ',']);
        [
            "password",
            "passwd",
            "secret",
            "token",
            "api_key",
            "apikey",
            "private_key",
        ]
        .iter()
        .any(|w| key.ends_with(w))
            && val.len() >= 8
            && crate::rules::literal_secret_value(val.as_bytes())
            && !val.starts_with(['<', '$', '{', '%'])
            && !val.contains("ENV")
            && !val.contains("environ")
    })
}

fn has_child(m: &Model, i: u32, name: &str) -> bool {
    m.kids
        .of(i)
        .iter()
        .any(|&c| m.tree.name(c) == name.as_bytes())
}

fn sibling(m: &Model, i: u32, name: &str) -> bool {
    let parent = m.tree.nodes[i as usize].parent;
    let kids = if parent == ROOT {
        m.top()
    } else {
        m.kids.of(parent)
    };
    kids.iter().any(|&c| m.tree.name(c) == name.as_bytes())
}

/// The strict rule for node `i`, if any. `installs` is what every Dockerfile that copies the
/// node re-installs.
pub(crate) fn strict(m: &Model, i: u32, installs: Installs) -> Option<Strict> {
    let node = &m.tree.nodes[i as usize];
    let name = std::str::from_utf8(m.tree.name(i)).ok()?;
    let dir = node.kind == Kind::Dir;
    let file = node.kind == Kind::File;
    let s = |class, reason, generic| {
        Some(Strict {
            class,
            reason,
            generic,
        })
    };
    match name {
        ".git" if dir || file => return s(Class::Vcs, "VCS metadata", Some("**/.git")),
        ".hg" if dir => return s(Class::Vcs, "VCS metadata", Some("**/.hg")),
        ".svn" if dir => return s(Class::Vcs, "VCS metadata", Some("**/.svn")),
        "node_modules" if dir && installs.node => {
            // Re-installed only where a `package.json` describes it: a stray tree (a docs
            // tool's, in a Go project whose Dockerfile installs a front end in `web/`) is never
            // written again by the install; it goes, but not as "re-installed".
            let reason = if sibling(m, i, "package.json") {
                "dependency tree the Dockerfile re-installs"
            } else {
                "stray dependency tree: no package.json beside it, the Dockerfile installs others"
            };
            return s(Class::Deps, reason, Some("**/node_modules"));
        }
        "__pycache__" if dir => {
            return s(Class::Deps, "Python bytecode cache", Some("**/__pycache__"))
        }
        // The test runner's and the type checker's caches: rebuilt on every run, never read by
        // the program, the same as `__pycache__`.
        ".pytest_cache" if dir => return s(Class::Deps, "pytest cache", Some("**/.pytest_cache")),
        ".mypy_cache" if dir => return s(Class::Deps, "mypy cache", Some("**/.mypy_cache")),
        "target" if dir && installs.cargo && sibling(m, i, "Cargo.toml") => {
            return s(
                Class::Deps,
                "Cargo build tree the Dockerfile rebuilds",
                None,
            )
        }
        // Maven's output, which the Dockerfile's `mvn package` (`./mvnw clean package`) writes
        // again or `clean` deletes first: the developer's jars and classes are never read.
        // Files git tracks there are kept (shipped on purpose).
        "target"
            if dir
                && installs.maven
                && sibling(m, i, "pom.xml")
                && !m.tracked_below(&m.paths[i as usize]) =>
        {
            return s(
                Class::Deps,
                "Maven build output the Dockerfile rebuilds (a `mvn` lifecycle phase)",
                None,
            )
        }
        // A dependency directory git tracks is shipped on purpose (files composer, mix or
        // bundler do not manage may live there): kept, and reported by its name rule.
        "vendor"
            if dir
                && installs.composer
                && sibling(m, i, "composer.json")
                && !m.tracked_below(&m.paths[i as usize]) =>
        {
            return s(
                Class::Deps,
                "Composer dependencies the Dockerfile re-installs",
                None,
            )
        }
        "deps"
            if dir
                && installs.mix
                && sibling(m, i, "mix.exs")
                && !m.tracked_below(&m.paths[i as usize]) =>
        {
            return s(
                Class::Deps,
                "Elixir dependencies the Dockerfile re-fetches (`mix deps.get`)",
                None,
            )
        }
        "bundle"
            if dir
                && installs.bundle
                && parent_is(m, i, "vendor")
                && sibling(m, m.tree.nodes[i as usize].parent, "Gemfile")
                && !m.tracked_below(&m.paths[i as usize]) =>
        {
            return s(
                Class::Deps,
                "gems the Dockerfile re-installs (`bundle install`)",
                None,
            )
        }
        // Dart's package resolution and build cache: `pub get` writes it again beside each
        // `pubspec.yaml` it resolves (a monorepo's `packages/foo/.dart_tool` too).
        ".dart_tool"
            if dir
                && installs.dart
                && sibling(m, i, "pubspec.yaml")
                && !m.tracked_below(&m.paths[i as usize]) =>
        {
            return s(
                Class::Deps,
                "Dart tool cache the Dockerfile writes again (`pub get`)",
                Some("**/.dart_tool"),
            )
        }
        ".idea" if dir => return s(Class::EditorOs, "editor settings", Some("**/.idea")),
        ".vscode" if dir => return s(Class::EditorOs, "editor settings", Some("**/.vscode")),
        ".DS_Store" if file => return s(Class::EditorOs, "macOS dropping", Some("**/.DS_Store")),
        "Thumbs.db" if file => return s(Class::EditorOs, "Windows dropping", Some("**/Thumbs.db")),
        ".env" if file => return s(Class::Secret, "environment file (secrets)", Some("**/.env")),
        "id_rsa" | "id_dsa" | "id_ecdsa" | "id_ed25519" if file => {
            return s(Class::Secret, "SSH private key", None)
        }
        // A token written into it, as the report's CTX159 finds one: `_authToken=${NPM_TOKEN}`
        // only names the variable a build passes (the way npm's documentation sets up a
        // private registry), and the file's other settings (`registry=`, `legacy-peer-deps`)
        // are what `npm ci` in the image reads.
        ".npmrc" if file && head_has(m, i, &[b"_auth", b"_password"]) && holds_token(m, i) => {
            return s(Class::Secret, "npm credentials", None)
        }
        ".pypirc" | ".netrc" | ".git-credentials" if file => {
            return s(Class::Secret, "credentials file", None)
        }
        "credentials" if file && parent_is(m, i, ".aws") => {
            return s(Class::Secret, "AWS credentials", None)
        }
        "config.json" if file && parent_is(m, i, ".docker") && head_has(m, i, &[b"\"auth\""]) => {
            return s(Class::Secret, "docker registry credentials", None)
        }
        "kubeconfig" if file && head_has(m, i, &[b"token:", b"client-key-data", b"password:"]) => {
            return s(Class::Secret, "Kubernetes credentials", None)
        }
        "config" if file && parent_is(m, i, ".kube") => {
            return s(Class::Secret, "Kubernetes credentials", None)
        }
        "secrets.yaml" | "secrets.yml" | "secrets.json" | "credentials.json"
            if file && assigns_secret(m, i) =>
        {
            return s(Class::Secret, "secrets file holding literal values", None)
        }
        _ => {}
    }
    if file && (name.ends_with(".tfstate") || name.ends_with(".tfstate.backup")) {
        return s(Class::Secret, "Terraform state (holds secrets)", None);
    }
    if dir && installs.python && has_child(m, i, "pyvenv.cfg") {
        return s(Class::Deps, "virtualenv the Dockerfile re-installs", None);
    }
    if !file {
        return None;
    }
    if let Some(rest) = name.strip_prefix(".env.") {
        let last = rest.rsplit('.').next().unwrap_or(rest);
        // `.env.example.sail` (monica) is a template too, as the report's CTX101 says.
        let first = rest.split('.').next().unwrap_or(rest);
        // `.env.development-example`: a part with a sample word as its first or last word.
        if !ENV_TEMPLATES.contains(&last)
            && !["example", "sample", "template"].contains(&first)
            && !rest
                .split('.')
                .any(|p| crate::rules::sample_part(p.as_bytes()))
            && report_names_dotenv(name)
        {
            return s(Class::Secret, "environment file (secrets)", None);
        }
    }
    // A `.log` git tracks is data the project ships on purpose (a log parser's test input, a
    // sample), not the log of a run: developers do not commit those.
    if name.ends_with(".log") && name.len() > 4 && !m.tracked_below(&m.paths[i as usize]) {
        return s(Class::Logs, "log file", Some("**/*.log"));
    }
    if name.ends_with(".swp") && name.len() > 4 {
        return s(Class::EditorOs, "editor swap file", Some("**/*.swp"));
    }
    if (name.ends_with(".pem") || name.ends_with(".key")) && head_has(m, i, &[b"PRIVATE KEY"]) {
        return s(Class::Secret, "private key", None);
    }
    if name.ends_with(".p12") || name.ends_with(".pfx") {
        return s(Class::Secret, "key store", None);
    }
    None
}

/// Why an entry [`strict`] names stays all the same, if it does: a key or a log in test data
/// (`testdata/`, `fixtures/`, `test*/`, `spec/`, …; loki's fluentd spec reads
/// `spec/…/data/non_utf8.log`) when a Dockerfile copying it runs tests, which may read it; a `.git` when a Dockerfile copying it runs git on it (`git describe` for a version);
/// a `.env` beside `composer.json` when one boots a Symfony app or dumps its environment
/// (symfony-docker).
pub(crate) fn kept_for_build(
    m: &Model,
    i: u32,
    installs: Installs,
    st: &Strict,
) -> Option<&'static str> {
    if matches!(st.class, Class::Secret | Class::Logs)
        && installs.tests
        && is_test_path(m.paths[i as usize].as_bytes())
    {
        return Some("it is test data and a RUN step runs tests that may read it; if the image does not need it, run the tests in a stage of their own");
    }
    if st.class == Class::Vcs && installs.git && m.tree.name(i) == b".git" {
        return Some("the build runs git on the copied context (a RUN step, or a Makefile, script, Cargo, CMake, Go, Maven, Gradle, Mage, Python or Node build it runs: `git describe`, setuptools-scm, a Go build's VCS stamp, …), which reads it; to exclude it, pass what the build reads as a build argument");
    }
    // Editor settings or a dependency tree git tracks (locust's committed `.vscode/`), in a
    // build that runs git on the copied context: missing from the copy, they leave the
    // checkout dirty, and the version it stamps changes (setuptools-scm and hatch-vcs make a
    // dev version of a tagged release; `git describe --dirty`). Locust's own ignore file keeps
    // its tracked `Dockerfile` for that reason. Only when the copy holds the checkout's `.git`:
    // photoview copies `api/` without it, and its go build sees no checkout to make dirty.
    if matches!(st.class, Class::EditorOs | Class::Deps)
        && installs.git
        && m.tracked_below(&m.paths[i as usize])
        && m.copies_own_git(i)
    {
        return Some("git tracks it and the build runs git on the copied context (`git describe`, setuptools-scm, hatch-vcs, …): a tracked file missing from the copy leaves the checkout dirty, which changes the version the build stamps (a dev version even on a release tag); exclude it only together with `.git`, once the build reads its version from a build argument");
    }
    if st.class == Class::Secret
        && installs.dotenv
        && m.tree.name(i) == b".env"
        && sibling(m, i, "composer.json")
    {
        return Some("a RUN step boots the app or dumps its environment (`composer dump-env`, `bin/console`), which reads `.env` and fails without it; keep real secrets in `.env.local`, which stays out");
    }
    if st.class == Class::Secret
        && matches!(
            m.tree.name(i),
            b"secrets.yaml" | b"secrets.yml" | b"secrets.json" | b"credentials.json"
        )
        && m.tracked_below(&m.paths[i as usize])
    {
        return Some("git tracks it, and the app may read it at run time (Rails up to 7.1 loads `config/secrets.yml`); move the literal values out (environment variables, `RUN --mount=type=secret`) and revoke them rather than exclude the file");
    }
    if st.class == Class::Secret && is_dotenv(m.tree.name(i)) {
        let p = &m.paths[i as usize];
        if m.tracked_below(p) && !assigns_env_secret(m, i) {
            return Some("git tracks it and nothing in it looks like a secret: it is settings the build may read (a front-end build reads `.env.production`); keep real secrets in an untracked `.env.local`");
        }
    }
    None
}

/// Whether the report's dotenv rule (CTX101) names a file called `name`: not a REUSE license
/// sidecar (`.env.license`, `.env.test.license`: SPDX headers about the file beside it) nor a
/// template it knows (`.env.default`), so that suggest never calls a file a secret the report
/// does not.
fn report_names_dotenv(name: &str) -> bool {
    RuleSet::default_set()
        .classify(&EntryRef {
            path: name.as_bytes(),
            kind: crate::rules::Kind::File,
            size: 0,
        })
        .is_some_and(|h| h.rule == "CTX101")
}

/// `.env` or `.env.<anything>`.
fn is_dotenv(name: &[u8]) -> bool {
    name == b".env" || name.starts_with(b".env.")
}

/// What every Dockerfile copying node `i` re-installs (all of them must).
pub(crate) fn installs_for(m: &Model, installs: &[Installs], i: u32) -> Installs {
    let mut out = Installs {
        node: true,
        python: true,
        cargo: true,
        maven: true,
        composer: true,
        mix: true,
        bundle: true,
        dart: true,
        tests: false,
        git: false,
        dotenv: false,
    };
    let mut any = false;
    for (k, need) in m.needs.iter().enumerate() {
        if need.copies[i as usize] {
            any = true;
            let x = installs[k];
            out.node &= x.node;
            out.python &= x.python;
            out.cargo &= x.cargo;
            out.maven &= x.maven;
            out.composer &= x.composer;
            out.mix &= x.mix;
            out.bundle &= x.bundle;
            out.dart &= x.dart;
            // Tests (git) are run by any of them: one is enough for a fixture (`.git`) to be
            // read.
            out.tests |= x.tests;
            out.git |= x.git;
            out.dotenv |= x.dotenv;
        }
    }
    if any {
        out
    } else {
        Installs::default()
    }
}

/// Re-exclusions inside the kept paths.
pub(crate) fn choose(
    m: &Model,
    plan: &Plan,
    installs: &[Installs],
    on_purpose: &[Option<(usize, String)>],
    warnings: &mut Vec<String>,
) -> Vec<(String, String)> {
    let mut hits: BTreeMap<(&'static str, Option<&'static str>), Vec<u32>> = BTreeMap::new();
    let carried = PatternSet::parse(plan.carried.join("\n").as_bytes()).unwrap_or_default();
    let mut stack: Vec<u32> = m.top().iter().rev().copied().collect();
    while let Some(i) = stack.pop() {
        let p = &m.paths[i as usize];
        // The user's own exception sends it on purpose (formbricks' `!packages/database/.env`):
        // their choice stands, said.
        if let Some((n, line)) = &on_purpose[i as usize] {
            let st = (inside(plan, p) && !m.named[i as usize])
                .then(|| strict(m, i, installs_for(m, installs, i)))
                .flatten();
            if let Some(st) = st {
                warnings.push(format!(
                    "kept {p:?} ({}): line {n} `{line}` of the current ignore file sends it on purpose{}",
                    st.reason,
                    if st.class == Class::Secret {
                        "; if it holds real secrets, they end up in the image: pass them with `RUN --mount=type=secret` instead"
                    } else {
                        ""
                    }
                ));
                continue;
            }
        }
        // The user's own lines decide it already.
        if !plan.carried.is_empty() && !carried.trace(p.as_bytes()).1.is_empty() {
            continue;
        }
        if inside(plan, p) && !m.named[i as usize] {
            let inst = installs_for(m, installs, i);
            if let Some(st) = strict(m, i, inst) {
                // A key in test data that the build's own tests may read (`go test` loading
                // `testdata/key.pem`), a `.git` a RUN step reads: removing it would fail the
                // build, so it stays, said.
                if let Some(why) = kept_for_build(m, i, inst, &st) {
                    warnings.push(format!("kept {p:?} ({}): {why}", st.reason));
                    continue;
                }
                hits.entry((st.reason, st.generic)).or_default().push(i);
                continue;
            }
        }
        if m.is_dir(i) {
            for &c in m.kids.of(i).iter().rev() {
                stack.push(c);
            }
        }
    }
    let flagged: HashSet<u32> = hits.values().flatten().copied().collect();
    let mut out = Vec::new();
    for ((reason, generic), ids) in hits {
        // A generic line may only remove flagged entries (and what is below them), never a
        // path a source names, existing or not.
        let ok = |j: usize| !m.named[j] && flagged_or_below(m, j as u32, &flagged);
        lines_for(m, plan, reason, generic, &ids, &ok, &mut out, warnings);
    }
    out
}

/// The lines that remove the entries `ids` (one strict rule's hits): its generic line
/// (`**/__pycache__`) when that removes nothing but what `ok` allows inside the kept paths and
/// reaches no path a source names; else one `TOP/**/NAME` line per top-level directory holding
/// two or more of them, when that holds for it; else one exact line per entry.
#[allow(clippy::too_many_arguments)]
pub(crate) fn lines_for(
    m: &Model,
    plan: &Plan,
    reason: &str,
    generic: Option<&str>,
    ids: &[u32],
    ok: &dyn Fn(usize) -> bool,
    out: &mut Vec<(String, String)>,
    warnings: &mut Vec<String>,
) {
    let count = |n: usize| format!("{reason}, {n} {}", if n == 1 { "entry" } else { "entries" });
    let safe = |line: &str| {
        let Ok(set) = PatternSet::parse(line.as_bytes()) else {
            return false;
        };
        let hit = |q: &str| set.matches_or_parent_matches(q.as_bytes()).unwrap_or(true);
        m.paths
            .iter()
            .enumerate()
            .all(|(j, q)| !inside(plan, q) || !hit(q) || ok(j))
            && !m.literals.iter().any(|l| hit(l))
    };
    if let Some(g) = generic {
        if safe(g) {
            out.push((g.to_string(), count(ids.len())));
            return;
        }
    }
    // The same name repeated in one top-level directory (`app/a/__pycache__`,
    // `app/b/__pycache__`): one `app/**/__pycache__` when that is as exact.
    let mut rest: Vec<u32> = ids.to_vec();
    if let Some(tail) = generic.and_then(|g| g.strip_prefix("**/")) {
        let mut by_top: BTreeMap<&str, Vec<u32>> = BTreeMap::new();
        for &i in ids {
            let p = m.paths[i as usize].as_str();
            if let Some((top, _)) = p.split_once('/') {
                by_top.entry(top).or_default().push(i);
            }
        }
        for (top, group) in by_top {
            if group.len() < 2 || exact_pattern(top).as_deref() != Some(top) {
                continue;
            }
            let line = format!("{top}/**/{tail}");
            if safe(&line) {
                rest.retain(|i| !group.contains(i));
                out.push((line, count(group.len())));
            }
        }
    }
    for i in rest {
        let p = &m.paths[i as usize];
        match exact_pattern(p) {
            Some(l) => out.push((l, reason.to_string())),
            None => warnings.push(format!(
                "{p:?} ({reason}) cannot be written as a pattern; left in"
            )),
        }
    }
}

fn flagged_or_below(m: &Model, mut i: u32, flagged: &HashSet<u32>) -> bool {
    loop {
        if flagged.contains(&i) {
            return true;
        }
        let p = m.tree.nodes[i as usize].parent;
        if p == ROOT {
            return false;
        }
        i = p;
    }
}

/// Entries inside the kept paths that look suspicious (the findings' name rules, or 10 MB and
/// more) but that no strict rule removes: they stay, reported with their size.
pub(crate) fn kept_notes(
    m: &Model,
    plan: &Plan,
    sent: &dyn Fn(u32) -> bool,
    warned: &dyn Fn(&str) -> bool,
) -> Vec<String> {
    let rules = RuleSet::default_set();
    // Which files git tracks, read once and only when a junk-named directory comes up: a tracked
    // `build/` or `logs/` is kept on purpose, as the report grades it.
    let tracked_below = |p: &str| m.tracked_below(p);
    // Notes in walk order; file notes of one rule in one directory are merged below.
    let mut out: Vec<Kept> = Vec::new();
    // Files and bytes at or below `i` that the proposed file still sends.
    let sent_below = |i: u32| {
        let mut stack = vec![i];
        let (mut files, mut bytes) = (0u64, 0u64);
        while let Some(j) = stack.pop() {
            let node = &m.tree.nodes[j as usize];
            if node.kind == Kind::File && sent(j) {
                files += 1;
                bytes += node.size;
            }
            stack.extend(m.kids.of(j).iter().copied());
        }
        (files, bytes)
    };
    let mut stack: Vec<u32> = m.top().iter().rev().copied().collect();
    while let Some(i) = stack.pop() {
        let p = &m.paths[i as usize];
        if !sent(i) || !inside(plan, p) && !m.is_dir(i) {
            continue;
        }
        let node = &m.tree.nodes[i as usize];
        if inside(plan, p) {
            let e = EntryRef {
                path: p.as_bytes(),
                kind: match node.kind {
                    Kind::File => crate::rules::Kind::File,
                    Kind::Dir => crate::rules::Kind::Dir,
                    Kind::Symlink => crate::rules::Kind::Symlink,
                    _ => crate::rules::Kind::Other,
                },
                size: node.size,
            };
            let hit = rules.classify(&e).filter(|h| {
                !matches!(h.category, Category::Gitignored)
                    && (h.covers_subtree || node.kind != Kind::Dir)
                    // A key file by name that holds public keys only (an apt repository's
                    // `yarn-pubkey.gpg.key`), as the report grades it.
                    && !((h.rule == "CTX103" || h.rule == "CTX104")
                        && public_only(m, i))
                    // A direnv `.envrc` without a secret-looking assignment, as the report
                    // grades it.
                    && !(h.rule == "CTX124"
                        && m.tree.name(i) == b".envrc"
                        && !assigns_env_secret(m, i))
                    // A templated secrets manifest (Helm's `templates/secrets.yaml`), as the
                    // report grades it.
                    && !(crate::rules::template_secret_rule(h.rule)
                        && template_without_literal(m, i))
                    // A junk-named directory holding tracked files (`build/` of templates).
                    && !(node.kind == Kind::Dir
                        && crate::findings::junk_unless_tracked(h.rule)
                        && tracked_below(p))
                    // Not what its name says (a `bin/` beside no .NET project), as the report
                    // grades it.
                    && !(node.kind == Kind::Dir && crate::findings::misnamed(h.rule, &m.tree, i))
                    // A Dockerfile source names it (atuin's `COPY vendor vendor`): the build asks
                    // for it, so "exclude it yourself" would break it. A secret is still said.
                    && !(h.category != Category::Secret && m.literals.iter().any(|l| l == p))
            });
            if let Some(h) = hit {
                // A warning says it already (a tracked `.env.production` of settings): said once,
                // and not counted into a merged note either.
                if warned(p) {
                    continue;
                }
                let (files, bytes) = sent_below(i);
                let (all, _) = m.size_below(i);
                // A directory the file empties (its files removed by other lines) is no claim,
                // nor is an empty one (a tool's `.stack-work/` made before a first build): "0
                // file(s), 0 B … exclude it yourself" would ask to save nothing.
                if node.kind == Kind::Dir && files == 0 {
                    continue;
                }
                let info = h.info();
                // A log file git tracks is kept as data (a parser's test input): said.
                let title = if info.id == "CTX601" && tracked_below(p) {
                    "Log file that git tracks (data the project keeps, not a run's log)"
                } else {
                    info.title
                };
                // A `vendor/` git tracks is committed dependencies the build builds from, as
                // the report says: excluded only if the build installs them itself.
                let advice = if info.id == "CTX306" && tracked_below(p) {
                    COMMITTED_VENDOR
                } else {
                    NOT_NEEDED
                };
                out.push(Kept::Hit {
                    path: p.clone(),
                    is_dir: node.kind == Kind::Dir,
                    rule: info.id,
                    title,
                    advice,
                    files,
                    all,
                    bytes,
                });
                continue;
            }
            if node.kind == Kind::File && node.size >= 10_000_000 {
                out.push(Kept::Line(format!(
                    "kept {p} ({}): a large file the build copies",
                    super::output::human(node.size)
                )));
            }
        }
        if m.is_dir(i) {
            for &c in m.kids.of(i).iter().rev() {
                stack.push(c);
            }
        }
    }
    merge_kept(out)
}

/// A note of [`kept_notes`] before notes of one kind are merged.
enum Kept {
    Line(String),
    /// An entry a name rule flags that the build still sends: `files` of the `all` files at or
    /// below it.
    Hit {
        path: String,
        is_dir: bool,
        rule: &'static str,
        title: &'static str,
        /// What to do, said of one entry and of several.
        advice: (&'static str, &'static str),
        files: u64,
        all: u64,
        bytes: u64,
    },
}

/// The advice of a kept note: the build copies it, the image may not need it.
const NOT_NEEDED: (&str, &str) = (
    "the build copies it, so it is not excluded; exclude it yourself if the image does not need it",
    "the build copies them, so they are not excluded; exclude them yourself if the image does not need them",
);

/// The advice of a kept `vendor/` that git tracks.
const COMMITTED_VENDOR: (&str, &str) = (
    "git tracks it: committed dependencies, which Go, Composer and Bundler build from when it is sent; exclude it only if the build installs its dependencies itself (`go mod download`, `composer install`, `bundle install` with network access)",
    "git tracks them: committed dependencies, which Go, Composer and Bundler build from when they are sent; exclude them only if the build installs its dependencies itself (`go mod download`, `composer install`, `bundle install` with network access)",
);

/// The directory part of a relative path (`""` at the root).
fn parent(p: &str) -> &str {
    p.rsplit_once('/').map_or("", |(d, _)| d)
}

/// The notes' text: three or more file notes of one rule in one directory (a folder of sample
/// videos), and four or more directory notes of one rule (`testdata/` in every package), become
/// one note naming the first few, at the place of the first.
fn merge_kept(notes: Vec<Kept>) -> Vec<String> {
    // A file's group: its directory, rule and advice; a directory's: its rule and advice.
    let key = |path: &str, is_dir: bool, rule: &'static str, advice: &'static str| {
        ((!is_dir).then(|| parent(path).to_string()), rule, advice)
    };
    let mut groups: std::collections::HashMap<(Option<String>, &str, &str), Vec<usize>> =
        Default::default();
    for (k, n) in notes.iter().enumerate() {
        if let Kept::Hit {
            path,
            is_dir,
            rule,
            advice,
            ..
        } = n
        {
            groups
                .entry(key(path, *is_dir, rule, advice.0))
                .or_default()
                .push(k);
        }
    }
    let mut out = Vec::new();
    for (k, n) in notes.iter().enumerate() {
        let Kept::Hit {
            path,
            is_dir,
            rule,
            title,
            advice,
            files,
            all,
            bytes,
        } = n
        else {
            if let Kept::Line(l) = n {
                out.push(l.clone());
            }
            continue;
        };
        let members = &groups[&key(path, *is_dir, rule, advice.0)];
        if members.len() < if *is_dir { 4 } else { 3 } {
            out.push(format!(
                "kept {path}{} ({files}{} file(s), {}): {title} [{rule}]; {}",
                if *is_dir { "/" } else { "" },
                if files < all {
                    format!(" of {all}")
                } else {
                    String::new()
                },
                super::output::human(*bytes),
                advice.0
            ));
            continue;
        }
        if members[0] != k {
            continue;
        }
        let (mut total_files, mut total, mut names) = (0u64, 0u64, Vec::new());
        for &j in members {
            if let Kept::Hit {
                path, files, bytes, ..
            } = &notes[j]
            {
                total_files += files;
                total += bytes;
                if names.len() < 3 {
                    names.push(if *is_dir {
                        format!("{path}/")
                    } else {
                        path.rsplit('/').next().unwrap_or(path).to_string()
                    });
                }
            }
        }
        let what = if *is_dir {
            format!(
                "{} directories ({total_files} file(s), {})",
                members.len(),
                super::output::human(total)
            )
        } else {
            let d = parent(path);
            format!(
                "{} files in {} ({})",
                members.len(),
                if d.is_empty() {
                    "the context root".to_string()
                } else {
                    format!("{d}/")
                },
                super::output::human(total)
            )
        };
        let more = members.len() - names.len();
        out.push(format!(
            "kept {what}: {title} [{rule}]: {}{}; {}",
            names.join(", "),
            if more > 0 {
                format!(" and {more} more")
            } else {
                String::new()
            },
            advice.1
        ));
    }
    out
}
