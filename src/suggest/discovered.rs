//! Discovery helpers: which found Dockerfiles are builds with this context (bake targets, sources
//! written later under a parent directory, source code named like a Dockerfile), and their notes.

/// What [`super::targets::collect`] writes in the note on stages the default build skips, after
/// the Dockerfile's path and `: stage`.
const STAGE_NOTE: &str = " not built by default but by `docker build --target`";

/// Drops, from `notes[from..]`, the note on stages the default build skips of each Dockerfile
/// that is not served: discovery reads a found Dockerfile (and says which of its stages only a
/// `--target` build uses) before it decides to serve it; "hack/vendor.Dockerfile: stages …
/// their sources are kept too" beside "hack/vendor.Dockerfile … not served" contradicts itself.
pub(super) fn drop_unserved_stage_notes(notes: &mut Vec<String>, from: usize, served: &[&str]) {
    let mut k = 0;
    notes.retain(|n| {
        k += 1;
        k <= from
            || !n.contains(STAGE_NOTE)
            || served
                .iter()
                .any(|rel| n.starts_with(&format!("{rel}: stage")))
    });
}

/// A found file with a bare Dockerfile name and a source-code extension whose text is not a
/// Dockerfile (`package dockerfile` in a Go `dockerfile.go`, `defmodule` in an Elixir
/// `dockerfile.ex`): source code, skipped without a note. A `Dockerfile.go` that parses is a
/// Dockerfile variant, and one of another name that does not parse keeps its note.
pub(super) fn source_file(abs: &std::path::Path, name: &str) -> bool {
    crate::dockerfile::code_named(name.as_bytes())
        && std::fs::read(abs)
            .is_ok_and(|b| crate::dockerfile::parse(&String::from_utf8_lossy(&b)).is_err())
}

/// Whether a source of the found Dockerfile at context path `p` that exists nowhere yet names a
/// directory that exists below one of `p`'s ancestor directories but not at the root: the
/// build's context is that ancestor, where the file will be written.
/// `e2e/testdata/engine/Dockerfile`'s `COPY registry/certs/ca.crt`, a certificate a test
/// script writes into `e2e/testdata/registry/certs/` (docker/cli's Compose file builds it with
/// `context: ./testdata`): served with the root, it had the root file keep a path that can never
/// exist there, and a warning that the build "fails until it exists".
pub(super) fn missing_source_dir_in_ancestor(
    paths: &[String],
    p: &str,
    items: &[&crate::dockerfile::ContextSource],
) -> bool {
    let has = |q: &str| paths.iter().any(|x| x == q);
    items.iter().any(|s| {
        let path = s.path.trim_start_matches("./").trim_end_matches('/');
        let Some((dir, _)) = path.rsplit_once('/') else {
            return false;
        };
        !dir.is_empty()
            && !dir.contains(['*', '?', '[', '$'])
            && !has(dir)
            && p.match_indices('/')
                .any(|(i, _)| has(&format!("{}/{dir}", &p[..i])))
    })
}

/// Every build that a bake file in `dir` (`docker-bake.hcl`, `.json` and their overrides; the
/// Compose files are read as Compose files) describes, each target on its own, so that
/// discovery knows which found Dockerfiles `docker buildx bake` builds with `dir` as the
/// context (diun's and docker/cli's `target "lint" { dockerfile = "./hack/lint.Dockerfile" }`).
/// Files or targets that cannot be read add nothing. `cwd` is the directory `docker buildx
/// bake` runs in, which its relative contexts are read from (not the bake file's own
/// directory: buildx resolves them from the working directory, docker/buildx#1028).
pub(super) fn bake_builds_in_dir(
    dir: &std::path::Path,
    cwd: &std::path::Path,
) -> Vec<crate::compose::ServiceBuild> {
    let files: Vec<std::path::PathBuf> = crate::bake::DEFAULT_FILES
        .iter()
        .filter(|n| n.starts_with("docker-bake"))
        .map(|n| dir.join(n))
        .filter(|p| p.is_file())
        .collect();
    if files.is_empty() {
        return Vec::new();
    }
    let env = |k: &str| std::env::var(k).ok();
    let Ok(def) = crate::bake::read(&files, cwd, &env) else {
        return Vec::new();
    };
    def.targets
        .keys()
        .filter_map(|n| crate::bake::resolve(&def, std::slice::from_ref(n)).ok())
        .flat_map(|ts| crate::bake::builds(&ts, cwd).builds)
        .collect()
}

/// A directory name a project template renders (`{{ cookiecutter.project_slug }}`, Copier's
/// `{{ name }}`, a `{% if … %}` block): not a directory of this project's build.
pub(crate) fn is_template_dir(name: &str) -> bool {
    (name.contains("{{") && name.contains("}}")) || (name.contains("{%") && name.contains("%}"))
}

/// The directories below the context root (paths from it, in path order) that hold a Compose
/// file or a bake file ([`crate::compose::is_compose_name`], `docker-bake.*`): a project's
/// `deploy/docker-compose.yml` or `docker/docker-compose.yml` builds with `context: ..` as
/// often as the root one does, its paths relative to its own directory. `skip` leaves out the
/// paths discovery does not look into (dependency trees, templates); at most `MAX` directories.
pub(super) fn build_file_dirs(paths: &[String], skip: impl Fn(&str) -> bool) -> Vec<String> {
    const MAX: usize = 64;
    let mut dirs: Vec<String> = paths
        .iter()
        .filter_map(|p| p.rsplit_once('/'))
        .filter(|(_, name)| {
            crate::compose::is_compose_name(name)
                || (name.starts_with("docker-bake.") && crate::bake::DEFAULT_FILES.contains(name))
        })
        .map(|(dir, _)| dir.to_string())
        .filter(|d| !skip(d))
        .collect();
    dirs.sort();
    dirs.dedup();
    dirs.truncate(MAX);
    dirs
}

/// The builds that the Compose and bake files at the root and in the directories below it
/// ([`build_file_dirs`]) describe: every Compose build, and each bake target that builds with
/// this context (one built with another directory is left to discovery's other rules), as
/// (service, Dockerfile, context, the file's directory from the root, empty for the root), the
/// paths canonical. A bake file below the root is run
/// there (`cd docker && docker buildx bake`) or from the root (`-f docker/docker-bake.hcl`): its
/// relative contexts are read from either directory.
pub(crate) fn file_builds(
    root: &std::path::Path,
    paths: &[String],
    skip: impl Fn(&str) -> bool,
) -> Vec<(String, std::path::PathBuf, std::path::PathBuf, String)> {
    let canon = |p: &std::path::Path| std::fs::canonicalize(p).unwrap_or_else(|_| p.to_path_buf());
    let env = |k: &str| std::env::var(k).ok();
    let mut v = Vec::new();
    for dir in std::iter::once(String::new()).chain(build_file_dirs(paths, skip)) {
        let abs = root.join(&dir);
        let bake = bake_builds_in_dir(&abs, &abs)
            .into_iter()
            .chain(if dir.is_empty() {
                Vec::new()
            } else {
                bake_builds_in_dir(&abs, root)
            })
            .filter(|b| canon(&b.context) == root);
        v.extend(
            crate::compose::builds_in_dir(&abs, &env)
                .into_iter()
                .chain(bake)
                .map(|b| {
                    let d = b.dockerfile_path();
                    (b.service, canon(&d), canon(&b.context), dir.clone())
                }),
        );
    }
    v
}

/// The directory names of test fixtures (CTX701's: `testdata/`, `fixtures/`, …).
const FIXTURE_DIRS: &[&str] = &[
    "testdata",
    "test-data",
    "test_data",
    "fixtures",
    "__fixtures__",
];

/// Whether the context path `p` (a found Dockerfile) lies below a test-fixture directory.
/// `test/` and `tests/` are not: a test image built with the repository root lives there
/// (changedetection.io's `.github/test/Dockerfile-alpine`, `COPY requirements.txt`, built by
/// a workflow with the root as the context).
pub(super) fn in_fixture_dir(p: &str) -> bool {
    p.rsplit_once('/')
        .is_some_and(|(dir, _)| dir.split('/').any(|c| FIXTURE_DIRS.contains(&c)))
}

/// The one note on the found Dockerfiles that are test fixtures (a repository of them has
/// dozens: one note each buried the others).
pub(super) fn note_fixtures(fixtures: &[&str], notes: &mut Vec<String>) {
    if fixtures.is_empty() {
        return;
    }
    let shown: Vec<&str> = fixtures.iter().take(3).copied().collect();
    let more = match fixtures.len() {
        0..=3 => String::new(),
        n => format!(" and {} more", n - 3),
    };
    notes.push(format!(
        "{} found in test-fixture directories not served ({}{more}): test data, built by the tests with contexts of their own; pass {} with -f if it is built with this context",
        if fixtures.len() == 1 {
            "1 Dockerfile".to_string()
        } else {
            format!("{} Dockerfiles", fixtures.len())
        },
        shown.join(", "),
        if fixtures.len() == 1 { "it" } else { "one" },
    ));
}

/// Whether a COPY/ADD source as written (`../images`, `./../shared/x`, `..\\out`) climbs out of
/// the context it is read from: docker clips such a path to the context root.
pub(super) fn climbs_out(raw: &str) -> bool {
    let mut r = raw;
    while let Some(x) = r.strip_prefix("./").or_else(|| r.strip_prefix(".\\")) {
        r = x;
    }
    r == ".." || r.starts_with("../") || r.starts_with("..\\")
}

/// The part of a note on a found Dockerfile that discovery does not serve, after its path.
const UNSERVED: &str = " (found in the context) not served: ";

/// How many found Dockerfiles of one directory, not served, get one note each; more share one.
const UNSERVED_EACH: usize = 3;

/// A short kind of why a found Dockerfile is not served, from its note's reason.
fn unserved_kind(reason: &str) -> &'static str {
    if reason.starts_with("it copies nothing") {
        "copy nothing from a build context"
    } else if reason.starts_with("none of the sources it names") {
        "name sources that do not exist in this context"
    } else if reason.starts_with("none of its COPY sources is sent") {
        "copy only what the current ignore file excludes"
    } else if reason.starts_with("it copies the whole context") {
        "copy the whole context, which could as well be their own directory"
    } else if reason.contains("COPY source(s) exist in") {
        "find their sources in a directory below this one"
    } else if reason.starts_with("its source `") {
        "have a source that climbs out of the context"
    } else {
        "are not served for another reason"
    }
}

/// Collapses, in `notes[from..]`, the notes on found Dockerfiles not served that sit in one
/// directory, when it holds more than [`UNSERVED_EACH`]: one note with their count, a few names
/// and the count of each reason. kaniko's `integration/dockerfiles/` holds ~90 test Dockerfiles,
/// each built with a context of its own: one note each buried the others. Those left alone are
/// then grouped one directory up (kaniko's `integration/dockerfiles-with-context/issue-*/`).
pub(super) fn collapse_unserved(notes: &mut Vec<String>, from: usize) {
    collapse_unserved_at(notes, from, 1);
    collapse_unserved_at(notes, from, 2);
}

/// [`collapse_unserved`] with the directory `up` levels above each Dockerfile.
fn collapse_unserved_at(notes: &mut Vec<String>, from: usize, up: usize) {
    let dir_of = |n: &str| -> Option<(String, String, String)> {
        let (rel, reason) = n.split_once(UNSERVED)?;
        let cut = rel.rmatch_indices('/').nth(up - 1)?.0;
        Some((
            rel[..cut].to_string(),
            rel[cut + 1..].to_string(),
            reason.to_string(),
        ))
    };
    let mut counts: std::collections::BTreeMap<String, usize> = Default::default();
    for n in &notes[from.min(notes.len())..] {
        if let Some((d, _, _)) = dir_of(n) {
            *counts.entry(d).or_default() += 1;
        }
    }
    if counts.values().all(|&c| c <= UNSERVED_EACH) {
        return;
    }
    // Directories that collapse, more than [`UNSERVED_EACH`] of them in one parent
    // (PrestaShop/docker's `images/<version>/<variant>/Dockerfile`, 6 to 8 per version and ~90
    // versions: a note per version, "… and 70 more"): one note for the parent instead.
    let parent = |d: &str| d.rsplit_once('/').map(|(p, _)| p.to_string());
    let mut per_parent: std::collections::BTreeMap<String, usize> = Default::default();
    for (d, &c) in &counts {
        if let Some(p) = parent(d).filter(|_| c > UNSERVED_EACH) {
            *per_parent.entry(p).or_default() += 1;
        }
    }
    let key = |d: &str| -> String {
        parent(d)
            .filter(|p| per_parent.get(p).is_some_and(|&n| n > UNSERVED_EACH))
            .unwrap_or_else(|| d.to_string())
    };
    // Per collapsed directory: the index of its first note, its names, and its kinds.
    type Group = (usize, Vec<String>, Vec<(&'static str, usize)>, Vec<String>);
    let mut groups: std::collections::BTreeMap<String, Group> = Default::default();
    let mut keep: Vec<Option<String>> = Vec::with_capacity(notes.len());
    for (i, n) in notes.drain(..).enumerate() {
        let parsed = (i >= from).then(|| dir_of(&n)).flatten();
        match parsed {
            Some((d, name, reason)) if counts[&d] > UNSERVED_EACH => {
                let k = key(&d);
                // The name from the note's directory (`1.7.7.0/7.1-apache/Dockerfile`).
                let name = match d.strip_prefix(k.as_str()) {
                    Some(rest) if !rest.is_empty() => format!("{}/{name}", &rest[1..]),
                    _ => name,
                };
                let g = groups
                    .entry(k)
                    .or_insert_with(|| (keep.len(), Vec::new(), Vec::new(), Vec::new()));
                if g.1.is_empty() {
                    keep.push(None);
                }
                g.1.push(name);
                let k = unserved_kind(&reason);
                match g.2.iter_mut().find(|(x, _)| *x == k) {
                    Some(e) => e.1 += 1,
                    None => g.2.push((k, 1)),
                }
                // The directory a note said to run suggest for (where its sources exist).
                if let Some(run) = reason
                    .split_once("run `ctxsize suggest ")
                    .and_then(|(_, r)| r.split_once('`'))
                    .map(|(d, _)| d.to_string())
                {
                    if !g.3.contains(&run) {
                        g.3.push(run);
                    }
                }
            }
            _ => keep.push(Some(n)),
        }
    }
    for (dir, (at, names, kinds, runs)) in groups {
        let shown: Vec<&str> = names.iter().take(3).map(String::as_str).collect();
        let kinds: Vec<String> = kinds.iter().map(|(k, n)| format!("{n} {k}")).collect();
        let runs = match runs.len() {
            0 => String::new(),
            n => format!(
                "; for those whose sources exist in another directory, run {}{}",
                runs.iter()
                    .take(3)
                    .map(|d| format!("`ctxsize suggest {d}`"))
                    .collect::<Vec<_>>()
                    .join(", "),
                if n > 3 {
                    format!(" (and {} more directories)", n - 3)
                } else {
                    String::new()
                }
            ),
        };
        keep[at] = Some(format!(
            "{} Dockerfiles found in {dir}/ not served ({} and {} more): {}; they are built with other contexts (pass one with -f if it is built with this one){runs}",
            names.len(),
            shown.join(", "),
            names.len() - shown.len(),
            kinds.join(", "),
        ));
    }
    notes.extend(keep.into_iter().flatten());
}

/// Directory names a build writes before `docker build` runs (`COPY dist/ /app`): a source of
/// that name that does not exist yet is no sign of another checkout.
const OUTPUT_DIRS: &[&str] = &[
    "dist",
    "build",
    "out",
    "output",
    "bin",
    "target",
    "release",
    "artifacts",
    "_build",
    "public",
    "vendor",
    "node_modules",
    "pkg",
    "lib",
    "tmp",
    "generated",
];

/// Whether the sources of a found Dockerfile below the root, none of which exists in this
/// context, are whole directories of other checkouts beside this one: each a single directory
/// name written with its `/` (no extension, no wildcard or variable, not a build output such
/// as `dist/`), and either
/// one of them is this checkout's own name (the context root's directory, or its Go module's
/// last element) or there are two or more. nats-server's `docker/Dockerfile.nightly` copies
/// `./nats-server/`, `./nsc/` and `./natscli/`: it is built with a parent directory holding
/// the three repositories, and served with this context its proposal kept three paths that can
/// never exist here.
pub(super) fn sibling_checkouts(
    root: &std::path::Path,
    paths: &[String],
    items: &[&crate::dockerfile::ContextSource],
) -> bool {
    let mut names: Vec<&str> = Vec::new();
    for s in items {
        let name = s.path.trim_start_matches("./").trim_end_matches('/');
        // Written as a directory (`./nsc/`): a name without the `/` may be a file a script
        // writes first (`install-nginx`).
        if name.is_empty()
            || !s.raw.ends_with('/')
            || name.contains(['/', '.', '*', '?', '[', '$'])
            || OUTPUT_DIRS.contains(&name.to_ascii_lowercase().as_str())
            || paths.iter().any(|p| p == name)
        {
            return false;
        }
        names.push(name);
    }
    names.sort_unstable();
    names.dedup();
    let own = |n: &str| {
        root.file_name().is_some_and(|f| f == n)
            || std::fs::read_to_string(root.join("go.mod")).is_ok_and(|m| {
                m.lines()
                    .filter_map(|l| l.trim().strip_prefix("module "))
                    .any(|m| m.trim().trim_matches('"').rsplit('/').next() == Some(n))
            })
    };
    names.len() >= 2 || names.iter().any(|n| own(n))
}
