//! The context, Containerfile and ignore file as `podman build` / `buildah bud` choose them.
//!
//! From containers/buildah `5b1b18e` (`pkg/cli/build.go` `GenBuildOptions`,
//! `pkg/util/util.go` `DiscoverContainerfile`, `imagebuildah/build.go` `BuildDockerfiles`,
//! `imagebuildah/executor.go` `newExecutor`, `pkg/parse/parse.go` `ContainerIgnoreFile`):
//! 1. the context is the directory given, made absolute, its symlinks resolved;
//! 2. without `-f`: `Containerfile` in it, else `Dockerfile` (`os.Stat`: a symlink is
//!    followed; what is found must be a regular file, and a `Containerfile` that is not one is an
//!    error, not a reason to try `Dockerfile`);
//! 3. `-f F`: `F` relative to the current directory, else (when that does not exist) relative
//!    to the context; an empty file is refused;
//! 4. the ignore file: `--ignorefile`; else `<F>.dockerignore`, else `<F>.containerignore`,
//!    where a relative `F` is joined to the **context** (not the current directory); else
//!    `<context>/.containerignore`, else `<context>/.dockerignore`. The one chosen must be
//!    readable (an error otherwise, unlike BuildKit).

use std::path::{Path, PathBuf};

use super::{absolute, context_root, Platform, Resolved};
use crate::error::Error;

fn is_file_following(p: &Path) -> Option<bool> {
    std::fs::metadata(p).ok().map(|m| m.is_file())
}

fn podman_err(msg: String) -> Error {
    Error::Podman(msg)
}

/// `DiscoverContainerfile` on the context directory.
fn discover(root: &Path) -> Result<PathBuf, Error> {
    let cf = root.join("Containerfile");
    let found = if std::fs::metadata(&cf).is_ok() {
        cf
    } else {
        let df = root.join("Dockerfile");
        if std::fs::metadata(&df).is_err() {
            return Err(podman_err(format!(
                "cannot find Containerfile or Dockerfile in context directory: stat {}: no such file or directory",
                crate::render::escape_path(&df)
            )));
        }
        df
    };
    if is_file_following(&found) != Some(true) {
        return Err(podman_err(format!(
            "assumed Containerfile {:?} is not a file",
            found.display().to_string()
        )));
    }
    Ok(found)
}

/// `-f F` as `BuildDockerfiles` opens it.
fn given_file(cwd: &Path, root: &Path, f: &Path) -> Result<PathBuf, Error> {
    let mut p = absolute(cwd, f);
    if std::fs::metadata(&p).is_err() && !f.is_absolute() {
        let alt = absolute(root, f);
        if std::fs::metadata(&alt).is_ok() {
            p = alt;
        }
    }
    let md = std::fs::metadata(&p).map_err(|e| {
        podman_err(format!(
            "stat {}: {}",
            crate::render::escape_path(f),
            crate::error::go_err(&e)
        ))
    })?;
    if md.is_dir() {
        return Err(podman_err(format!(
            "containerfile: {:?} cannot be path to a directory",
            f.display().to_string()
        )));
    }
    if md.is_file() && md.len() == 0 {
        return Err(podman_err(format!(
            "no contents in {:?}",
            f.display().to_string()
        )));
    }
    Ok(p)
}

/// The files Buildah would read, in its order of preference: `--ignorefile`; else
/// `<F>.dockerignore`, `<F>.containerignore` (a relative `F` joined to the context), then
/// `<context>/.containerignore`, `<context>/.dockerignore`. The first that exists is read.
pub(crate) fn ignore_candidates(
    cwd: &Path,
    root: &Path,
    containerfile: Option<&Path>,
    ignorefile: Option<&Path>,
) -> Vec<PathBuf> {
    if let Some(f) = ignorefile {
        return vec![absolute(cwd, f)];
    }
    let mut out = Vec::new();
    if let Some(given) = containerfile {
        // Relative names are joined to the context (`ContainerIgnoreFile`), whatever the
        // current directory; an absolute one is used as it is.
        let base = if given.is_absolute() {
            given.to_path_buf()
        } else {
            absolute(root, given)
        };
        for ext in [".dockerignore", ".containerignore"] {
            let mut s = base.clone().into_os_string();
            s.push(ext);
            out.push(PathBuf::from(s));
        }
    }
    out.push(root.join(".containerignore"));
    out.push(root.join(".dockerignore"));
    out
}

/// The ignore file Buildah reads, with a note for a file it passes over.
fn ignore_choice(cands: &[PathBuf], notes: &mut Vec<String>) -> Option<PathBuf> {
    let exists = |p: &Path| std::fs::symlink_metadata(p).is_ok();
    let chosen = cands.iter().position(|p| exists(p))?;
    let c = &cands[chosen];
    // The one right after it of the same pair (per-Containerfile, or at the root).
    let pair_end = if cands.len() == 4 && chosen < 2 {
        2
    } else {
        cands.len()
    };
    for other in &cands[chosen + 1..pair_end] {
        if exists(other) {
            notes.push(format!(
                "{} is not used: Podman/Buildah read {} instead",
                other.display(),
                c.display()
            ));
        }
    }
    Some(c.clone())
}

/// Resolves the context as `podman build [-f F] [--ignorefile I] CTX` does.
pub(crate) fn resolve_podman(
    cwd: &Path,
    ctx: &Path,
    dockerfile: Option<&Path>,
    ignorefile: Option<&Path>,
    remote: bool,
) -> Result<Resolved, Error> {
    let root = context_root(cwd, ctx)?;
    let from_stdin = dockerfile.is_some_and(|d| d == Path::new("-"));
    let mut notes = Vec::new();
    let (dockerfile_path, given) = match dockerfile {
        // `-f -` reads /dev/stdin; `/dev/stdin.containerignore` never exists.
        Some(_) if from_stdin => (PathBuf::from("Dockerfile"), None),
        Some(f) => {
            let p = given_file(cwd, &root, f)?;
            (p.clone(), Some((f, p)))
        }
        None => {
            let p = discover(&root)?;
            (p.clone(), Some((Path::new("Containerfile"), p)))
        }
    };
    // Without -f, the Containerfile found is passed on as an absolute path.
    let given = match (dockerfile, given) {
        (None, Some((_, p))) => Some((p.clone(), p)),
        (Some(_), Some((f, p))) => Some((f.to_path_buf(), p)),
        _ => None,
    };
    let cands = if remote && ignorefile.is_none() {
        remote_candidates(&root, &dockerfile_path)
    } else {
        ignore_candidates(
            cwd,
            &root,
            given.as_ref().map(|(f, _)| f.as_path()),
            ignorefile,
        )
    };
    let choice = if ignorefile.is_some() {
        cands.first().cloned()
    } else if remote {
        let exists = |p: &Path| std::fs::symlink_metadata(p).is_ok();
        let c = cands.iter().find(|p| exists(p)).cloned();
        for other in cands.iter().filter(|p| exists(p) && Some(*p) != c.as_ref()) {
            notes.push(format!(
                "{} is not used: podman-remote reads {} instead",
                other.display(),
                c.as_ref()
                    .map_or(String::new(), |c| c.display().to_string())
            ));
        }
        c
    } else {
        ignore_choice(&cands, &mut notes)
    };
    let (ignore_file, ignore_text) = match choice {
        None => (None, Vec::new()),
        Some(p) => match super::read_regular(&p) {
            Ok(t) => (Some(p), Platform::host().ignore_text(t)),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound && ignorefile.is_none() => {
                // A dangling `.containerignore` symlink: `ParseIgnore` fails with ENOENT and
                // Buildah moves on to `.dockerignore`.
                let di = root.join(".dockerignore");
                match super::read_regular(&di) {
                    Ok(t) if p.ends_with(".containerignore") => {
                        (Some(di), Platform::host().ignore_text(t))
                    }
                    _ => (None, Vec::new()),
                }
            }
            Err(e) => return Err(Error::IgnoreUnreadable(p, e)),
        },
    };
    if let Some(f) = &ignore_file {
        notes.extend(crate::engine::dialect_notes(f, &ignore_text));
    }
    let dockerfile_rel = dockerfile_path
        .strip_prefix(&root)
        .ok()
        .map(|r| crate::sys::os_bytes(r.as_os_str()).into_owned());
    Ok(Resolved {
        root,
        dockerfile: dockerfile_path,
        dockerfile_rel,
        ignore_file,
        ignore_text,
        notes,
        podman: true,
        podman_remote: remote,
    })
}

/// podman-remote's order (containers/podman `pkg/util/utils.go` `ParseDockerignore`, called by
/// `pkg/bindings/images/build.go` `Build`): `<context>/.containerignore`, `<context>/.dockerignore`,
/// then `<F>.dockerignore`, `<F>.containerignore` for the Containerfile `F` inside the context
/// (the `.dockerignore` one is read last and wins).
pub(crate) fn remote_candidates(root: &Path, containerfile: &Path) -> Vec<PathBuf> {
    let mut out = vec![root.join(".containerignore"), root.join(".dockerignore")];
    if containerfile.starts_with(root) {
        for ext in [".dockerignore", ".containerignore"] {
            let mut s = containerfile.as_os_str().to_os_string();
            s.push(ext);
            out.push(PathBuf::from(s));
        }
    }
    out
}

/// A local named context (`--build-context NAME=DIR`) as Buildah reads it for `COPY --from=NAME`
/// (`imagebuildah/stage_executor.go` `performCopy`): `ContainerIgnoreFile(DIR, "", nil)`, so
/// its own root `.containerignore`, else `.dockerignore`, and not the main context's patterns.
pub(crate) fn resolve_podman_named(cwd: &Path, ctx: &Path) -> Result<Resolved, Error> {
    let root = context_root(cwd, ctx)?;
    let mut notes = Vec::new();
    let cands = ignore_candidates(cwd, &root, None, None);
    let (ignore_file, ignore_text) = match ignore_choice(&cands, &mut notes) {
        None => (None, Vec::new()),
        Some(p) => match super::read_regular(&p) {
            Ok(t) => (Some(p), Platform::host().ignore_text(t)),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => (None, Vec::new()),
            Err(e) => return Err(Error::IgnoreUnreadable(p, e)),
        },
    };
    if let Some(f) = &ignore_file {
        notes.extend(crate::engine::dialect_notes(f, &ignore_text));
    }
    Ok(Resolved {
        dockerfile: root.join("Containerfile"),
        root,
        dockerfile_rel: None,
        ignore_file,
        ignore_text,
        notes,
        podman: true,
        podman_remote: false,
    })
}

/// With docker, a `Containerfile` and no `Dockerfile`: docker does not look for it.
pub(crate) fn containerfile_note(root: &Path) -> Option<String> {
    let has = |n: &str| std::fs::symlink_metadata(root.join(n)).is_ok();
    (has("Containerfile") && !has("Dockerfile") && !has("dockerfile")).then(|| {
        format!(
            "{} is read by Podman/Buildah only: docker looks for a Dockerfile (use -f Containerfile, or see --engine podman)",
            root.join("Containerfile").display()
        )
    })
}

/// With docker, a `.containerignore`: docker does not read it, Podman/Buildah prefer it.
pub(crate) fn containerignore_note(root: &Path) -> Option<String> {
    let has = |n: &str| std::fs::symlink_metadata(root.join(n)).is_ok();
    if !has(".containerignore") {
        return None;
    }
    let tail = if has(".dockerignore") {
        "Podman/Buildah read it instead of the .dockerignore, so the two engines send different files (see --engine podman)"
    } else {
        "Podman/Buildah read it; docker sends everything it lists (see --engine podman)"
    };
    Some(format!(
        "{} is not read by docker: {tail}",
        root.join(".containerignore").display()
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ctx(files: &[(&str, &str)]) -> tempfile::TempDir {
        let d = tempfile::tempdir().unwrap();
        for (p, c) in files {
            let p = d.path().join(p);
            std::fs::create_dir_all(p.parent().unwrap()).unwrap();
            std::fs::write(p, c).unwrap();
        }
        d
    }

    fn ignore_of(r: &Resolved) -> String {
        r.ignore_file
            .as_ref()
            .map(|p| p.file_name().unwrap().to_string_lossy().into_owned())
            .unwrap_or_default()
    }

    // buildah pkg/util/util.go DiscoverContainerfile: Containerfile, then Dockerfile.
    #[test]
    fn containerfile_wins_over_dockerfile() {
        let d = ctx(&[("Containerfile", "FROM a"), ("Dockerfile", "FROM b")]);
        let r = resolve_podman(d.path(), Path::new("."), None, None, false).unwrap();
        assert!(r.dockerfile.ends_with("Containerfile"));
        let d = ctx(&[("Dockerfile", "FROM b"), ("dockerfile", "FROM c")]);
        let r = resolve_podman(d.path(), Path::new("."), None, None, false).unwrap();
        assert!(r.dockerfile.ends_with("Dockerfile"));
        let d = ctx(&[("dockerfile", "FROM c")]);
        let e = resolve_podman(d.path(), Path::new("."), None, None, false).unwrap_err();
        assert!(e
            .to_string()
            .contains("cannot find Containerfile or Dockerfile"));
    }

    // DiscoverContainerfile: a Containerfile that is a directory is an error, no fallback.
    #[test]
    fn a_containerfile_directory_is_an_error() {
        let d = ctx(&[("Containerfile/x", ""), ("Dockerfile", "FROM b")]);
        let e = resolve_podman(d.path(), Path::new("."), None, None, false).unwrap_err();
        assert!(e.to_string().contains("is not a file"), "{e}");
    }

    // pkg/parse/parse.go ContainerIgnoreFile: .containerignore, then .dockerignore.
    #[test]
    fn root_containerignore_wins_over_dockerignore() {
        let d = ctx(&[
            ("Containerfile", "FROM a"),
            (".containerignore", "a"),
            (".dockerignore", "b"),
        ]);
        let r = resolve_podman(d.path(), Path::new("."), None, None, false).unwrap();
        assert_eq!(ignore_of(&r), ".containerignore");
        assert_eq!(r.ignore_text, b"a");
        assert!(r
            .notes
            .iter()
            .any(|n| n.contains(".dockerignore is not used")));
        let d = ctx(&[("Containerfile", "FROM a"), (".dockerignore", "b")]);
        let r = resolve_podman(d.path(), Path::new("."), None, None, false).unwrap();
        assert_eq!(ignore_of(&r), ".dockerignore");
    }

    // ContainerIgnoreFile: the per-Containerfile `.dockerignore` check comes after the
    // `.containerignore` one and overwrites it (buildah bud 1.28.2 agrees: docs/podman.md).
    #[test]
    fn per_containerfile_dockerignore_wins_over_its_containerignore() {
        let d = ctx(&[
            ("Containerfile", "FROM a"),
            ("Containerfile.containerignore", "x"),
            ("Containerfile.dockerignore", "y"),
            (".containerignore", "z"),
        ]);
        let r = resolve_podman(d.path(), Path::new("."), None, None, false).unwrap();
        assert_eq!(ignore_of(&r), "Containerfile.dockerignore");
        let d = ctx(&[
            ("Containerfile", "FROM a"),
            ("Containerfile.containerignore", "x"),
            (".dockerignore", "z"),
        ]);
        let r = resolve_podman(d.path(), Path::new("."), None, None, false).unwrap();
        assert_eq!(ignore_of(&r), "Containerfile.containerignore");
    }

    // ContainerIgnoreFile joins a relative -f to the context directory, not the cwd.
    #[test]
    fn relative_file_ignore_is_looked_up_under_the_context() {
        let d = ctx(&[
            ("app/Containerfile", "FROM a"),
            ("ctx/app/Containerfile.containerignore", "x"),
            ("app/Containerfile.containerignore", "y"),
            ("ctx/a", ""),
        ]);
        let r = resolve_podman(
            d.path(),
            Path::new("ctx"),
            Some(Path::new("app/Containerfile")),
            None,
            false,
        )
        .unwrap();
        assert_eq!(r.ignore_text, b"x");
        assert!(r.dockerfile.ends_with("app/Containerfile"));
        assert!(r.dockerfile_rel.is_none());
    }

    // imagebuildah/build.go BuildDockerfiles: -f relative to the cwd, else to the context.
    #[test]
    fn file_falls_back_to_the_context() {
        let d = ctx(&[("ctx/sub/Containerfile", "FROM a")]);
        let r = resolve_podman(
            d.path(),
            Path::new("ctx"),
            Some(Path::new("sub/Containerfile")),
            None,
            false,
        )
        .unwrap();
        assert_eq!(r.dockerfile_rel.as_deref(), Some(&b"sub/Containerfile"[..]));
        let e = resolve_podman(
            d.path(),
            Path::new("ctx"),
            Some(Path::new("nope")),
            None,
            false,
        )
        .unwrap_err();
        assert!(e.to_string().contains("nope"), "{e}");
    }

    // ContainerIgnoreFile: --ignorefile wins over everything, and must be readable.
    #[test]
    fn ignorefile_wins_and_must_exist() {
        let d = ctx(&[
            ("Containerfile", "FROM a"),
            ("Containerfile.dockerignore", "x"),
            ("my.ignore", "m"),
        ]);
        let r = resolve_podman(
            d.path(),
            Path::new("."),
            None,
            Some(Path::new("my.ignore")),
            false,
        )
        .unwrap();
        assert_eq!(r.ignore_text, b"m");
        let e = resolve_podman(
            d.path(),
            Path::new("."),
            None,
            Some(Path::new("gone")),
            false,
        )
        .unwrap_err();
        assert!(matches!(e, Error::IgnoreUnreadable(..)));
    }

    #[test]
    fn docker_is_told_about_podman_files() {
        let d = ctx(&[("Containerfile", "FROM a"), (".containerignore", "a")]);
        let n = containerfile_note(d.path()).unwrap();
        assert!(
            n.contains("Containerfile is read by Podman/Buildah only"),
            "{n}"
        );
        let n = containerignore_note(d.path()).unwrap();
        assert!(n.contains("docker sends everything it lists"), "{n}");
        let d = ctx(&[
            ("Dockerfile", "FROM a"),
            ("Containerfile", "FROM a"),
            (".containerignore", "a"),
            (".dockerignore", "b"),
        ]);
        assert_eq!(containerfile_note(d.path()), None);
        let n = containerignore_note(d.path()).unwrap();
        assert!(n.contains("the two engines send different files"), "{n}");
        let d = ctx(&[("Dockerfile", "")]);
        assert_eq!(containerignore_note(d.path()), None);
        assert_eq!(containerfile_note(d.path()), None);
    }
}
