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
pub(super) fn is_template_dir(name: &str) -> bool {
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
pub(super) fn file_builds(
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
                    let d = crate::compose::buildx_dockerfile(
                        b.dockerfile.unwrap_or_else(|| b.context.join("Dockerfile")),
                    );
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
