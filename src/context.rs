//! Resolves the context root, the Dockerfile and the ignore file in effect, per builder
//! (R1, R19, R29, B1). The only file reads outside the walk: the ignore file and the Dockerfile.
//!
//! Where the docker CLI on Windows differs from Unix in pure logic, `Platform` says so (chosen
//! by the host, a parameter so that both rule sets are tested everywhere); see
//! `windows-semantics` in the README. Case-insensitive file systems (macOS, Windows) need no
//! rule of their own: ctxsize makes the same lookups docker makes (`Dockerfile`, then
//! `dockerfile`; `.dockerignore`), so the file system answers both alike.

use std::borrow::Cow;
use std::ffi::{OsStr, OsString};
use std::path::{Component, Path, PathBuf};

use crate::dockerignore;
use crate::error::Error;
use crate::sys::{bytes_to_path, os_bytes, to_slash};
use crate::walk::Builder;

mod fetch;
mod podman;
mod regular;

pub(crate) use regular::{open_regular, read_regular};

pub(crate) use fetch::{follow_links, include_set};
pub(crate) use podman::{
    containerfile_note, containerignore_note, ignore_candidates, remote_candidates, resolve_podman,
    resolve_podman_named,
};

/// The host rules the docker CLI follows.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Platform {
    /// Linux, macOS, the BSDs.
    Unix,
    /// Windows.
    Windows,
}

impl Platform {
    /// The platform ctxsize runs on.
    pub(crate) const fn host() -> Platform {
        if cfg!(windows) {
            Platform::Windows
        } else {
            Platform::Unix
        }
    }

    /// The ignore file's bytes as docker's matcher sees them. On Windows `\` is a path
    /// separator, not an escape: `ignorefile.ReadAll` cleans each line with `filepath.Clean`
    /// (which takes `\` and `/` alike) and `filepath.ToSlash`, and patternmatcher then compiles
    /// with `\` as the separator (BuildKit's frontend reads the file on Linux, but the patterns
    /// are matched by the client's fsutil walk, on Windows, the same way). So every `\`
    /// becomes `/` and nothing is escaped. Not reproduced: a line that Windows reads as a
    /// volume or UNC path (`C:x`, `\\host\share`).
    pub(crate) fn ignore_text(self, text: Vec<u8>) -> Vec<u8> {
        match self {
            Platform::Unix => text,
            Platform::Windows => to_slash(text),
        }
    }

    /// A context-relative path as docker names it in patterns and in the tar stream:
    /// `filepath.ToSlash` (`\` → `/` on Windows).
    pub(crate) fn rel_path(self, rel: Vec<u8>) -> Vec<u8> {
        match self {
            Platform::Unix => rel,
            Platform::Windows => to_slash(rel),
        }
    }
}

/// The name a directory holds for `want` on a case-insensitive file system, as Windows reports
/// it (Go's `filepath.EvalSymlinks` on Windows returns each component as it is on disk): an
/// exact match first, else the one name equal ignoring case.
pub(crate) fn on_disk_name<'a>(
    want: &OsStr,
    names: impl IntoIterator<Item = &'a OsStr>,
) -> Option<OsString> {
    let lower = want.to_string_lossy().to_lowercase();
    let mut found: Option<OsString> = None;
    for n in names {
        if n == want {
            return Some(n.to_os_string());
        }
        if found.is_none() && n.to_string_lossy().to_lowercase() == lower {
            found = Some(n.to_os_string());
        }
    }
    found
}

/// The leading prefix and root of a path (`/`, or `C:\` on Windows).
fn root_of(p: &Path) -> PathBuf {
    p.components()
        .take_while(|c| matches!(c, Component::Prefix(_) | Component::RootDir))
        .collect()
}

/// Go's `filepath.EvalSymlinks`: the resolved path, or the first path that does not exist. On
/// Windows each component is then spelled as on disk.
pub(crate) fn eval_symlinks(path: &Path) -> Result<PathBuf, PathBuf> {
    let mut todo: Vec<OsString> = path
        .components()
        .rev()
        .filter_map(|c| match c {
            Component::Normal(s) => Some(s.to_os_string()),
            Component::ParentDir => Some("..".into()),
            _ => None,
        })
        .collect();
    let mut resolved = root_of(path);
    let mut hops = 0;
    while let Some(c) = todo.pop() {
        if c == ".." {
            resolved.pop();
            continue;
        }
        let cand = resolved.join(&c);
        match std::fs::symlink_metadata(&cand) {
            Err(_) => return Err(cand),
            Ok(md) if md.file_type().is_symlink() => {
                hops += 1;
                if hops > 255 {
                    return Err(cand);
                }
                let target = std::fs::read_link(&cand).map_err(|_| cand.clone())?;
                if target.has_root() {
                    resolved = root_of(&target);
                }
                for comp in target.components().rev() {
                    match comp {
                        Component::Normal(s) => todo.push(s.to_os_string()),
                        Component::ParentDir => todo.push("..".into()),
                        _ => {}
                    }
                }
            }
            Ok(_) => {
                resolved = match Platform::host() {
                    Platform::Unix => cand,
                    Platform::Windows => spelled_on_disk(&resolved, &c).unwrap_or(cand),
                }
            }
        }
    }
    Ok(resolved)
}

/// `dir/name` with `name` as the directory lists it.
fn spelled_on_disk(dir: &Path, name: &OsStr) -> Option<PathBuf> {
    let names: Vec<OsString> = std::fs::read_dir(dir)
        .ok()?
        .filter_map(|e| e.ok().map(|e| e.file_name()))
        .collect();
    on_disk_name(name, names.iter().map(OsString::as_os_str)).map(|n| dir.join(n))
}

/// `filepath.Abs` relative to `cwd`, lexically cleaned.
pub(crate) fn absolute(cwd: &Path, p: &Path) -> PathBuf {
    let joined = if p.is_absolute() {
        p.to_path_buf()
    } else {
        cwd.join(p)
    };
    if cfg!(unix) {
        let cleaned = crate::dockerignore::clean(&os_bytes(joined.as_os_str()));
        return bytes_to_path(&cleaned).into_owned();
    }
    let mut out = PathBuf::new();
    for c in joined.components() {
        match c {
            Component::CurDir => {}
            Component::ParentDir => {
                out.pop();
            }
            c => out.push(c.as_os_str()),
        }
    }
    out
}

/// What the analysis runs on.
#[derive(Debug, Clone)]
pub struct Resolved {
    /// The context root: absolute, symlinks resolved.
    pub root: PathBuf,
    /// The Dockerfile as docker resolves it (absolute).
    pub dockerfile: PathBuf,
    /// The Dockerfile relative to the context (classic: after symlinks), if inside.
    pub dockerfile_rel: Option<Vec<u8>>,
    /// The ignore file in effect, if any.
    pub ignore_file: Option<PathBuf>,
    /// Its bytes (empty when there is none or BuildKit could not read it).
    pub ignore_text: Vec<u8>,
    /// Facts worth telling the user (an ignore file that is present but not used, …).
    pub notes: Vec<String>,
    /// Resolved as Podman/Buildah do (`resolve_podman`): the walk follows Buildah's rules.
    pub podman: bool,
    /// Resolved as podman-remote does: the walk is its client's tar (`crate::engine`).
    pub podman_remote: bool,
}

impl Resolved {
    /// Whose rules: `docker`, `podman` or `podman-remote` (the JSON `engine` key).
    pub(crate) fn engine_id(&self) -> &'static str {
        match (self.podman, self.podman_remote) {
            (_, true) => "podman-remote",
            (true, false) => "podman",
            (false, false) => "docker",
        }
    }
}

/// Resolves the context directory (R29).
pub(crate) fn context_root(cwd: &Path, ctx: &Path) -> Result<PathBuf, Error> {
    let abs = absolute(cwd, ctx);
    let root =
        eval_symlinks(&abs).map_err(|_| Error::ContextNotFound(ctx.display().to_string()))?;
    match std::fs::metadata(&root) {
        Ok(md) if md.is_dir() => Ok(root),
        Ok(_) => Err(Error::ContextNotDir(root)),
        Err(_) => Err(Error::ContextNotFound(ctx.display().to_string())),
    }
}

/// `p` relative to `root`, `/`-separated as docker names it, if inside.
fn rel_inside(root: &Path, p: &Path) -> Option<Vec<u8>> {
    let r = p.strip_prefix(root).ok()?;
    let b: Cow<'_, [u8]> = os_bytes(r.as_os_str());
    if b.is_empty() {
        return Some(b".".to_vec());
    }
    Some(Platform::host().rel_path(b.into_owned()))
}

/// Resolves everything for one builder, with a note when the context was prepared for
/// Podman (a `.containerignore`; a `Containerfile` docker does not look for).
pub(crate) fn resolve(
    cwd: &Path,
    ctx: &Path,
    dockerfile: Option<&Path>,
    builder: Builder,
) -> Result<Resolved, Error> {
    let mut r = resolve_docker(cwd, ctx, dockerfile, builder)?;
    if dockerfile.is_none() {
        r.notes.extend(containerfile_note(&r.root));
    }
    r.notes.extend(containerignore_note(&r.root));
    Ok(r)
}

fn resolve_docker(
    cwd: &Path,
    ctx: &Path,
    dockerfile: Option<&Path>,
    builder: Builder,
) -> Result<Resolved, Error> {
    let root = context_root(cwd, ctx)?;
    let from_stdin = dockerfile.is_some_and(|d| d == Path::new("-"));
    match builder {
        Builder::Classic => {
            if from_stdin {
                return Err(Error::DockerfileOutside("from stdin (-f -)".into()));
            }
            let given = dockerfile.map(|d| absolute(cwd, d));
            let mut abs = match &given {
                Some(g) => g.clone(),
                None => root.join("Dockerfile"),
            };
            if given.is_none() && std::fs::symlink_metadata(&abs).is_err() {
                let alt = root.join("dockerfile");
                if std::fs::symlink_metadata(&alt).is_ok() {
                    abs = alt;
                }
            }
            let resolved = eval_symlinks(&abs).map_err(Error::DockerfileMissing)?;
            let rel = rel_inside(&root, &resolved);
            if rel.is_none() {
                if given.is_none() {
                    return Err(Error::DockerfileSymlinkOutside);
                }
                return Err(Error::DockerfileOutside(abs.display().to_string()));
            }
            let ignore_path = root.join(".dockerignore");
            let mut notes = Vec::new();
            let (ignore_file, ignore_text) = match read_regular(&ignore_path) {
                Ok(t) => (Some(ignore_path), Platform::host().ignore_text(t)),
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => (None, Vec::new()),
                Err(e) if e.kind() == std::io::ErrorKind::IsADirectory => {
                    return Err(Error::IgnoreIsDir(ignore_path))
                }
                Err(e) => return Err(Error::IgnoreUnreadable(ignore_path, e)),
            };
            let df_name = resolved.file_name().map(|n| n.to_os_string());
            if let (Some(n), Some(parent)) = (df_name, resolved.parent()) {
                let mut per = n.clone();
                per.push(".dockerignore");
                if parent.join(&per).is_file() {
                    notes.push(format!(
                        "{} is read by BuildKit only; the classic builder uses {}",
                        parent.join(&per).display(),
                        root.join(".dockerignore").display()
                    ));
                }
            }
            Ok(Resolved {
                root,
                dockerfile: resolved,
                dockerfile_rel: rel,
                ignore_file,
                ignore_text,
                notes,
                podman: false,
                podman_remote: false,
            })
        }
        Builder::Buildkit => resolve_buildkit(root, cwd, dockerfile, from_stdin),
    }
}

/// A file BuildKit read from a local source, or why it did not.
type Fetched = Result<(Vec<u8>, Vec<u8>), fetch::ReadError>;

/// What a BuildKit local source of `dir` with these followpaths receives (B12, B13); `prefix`
/// is what docker puts before a transport error, `origin` the file the paths come from.
fn fetch_and_read<'a>(
    dir: &'a Path,
    followpaths: &[Vec<u8>],
    prefix: &'static str,
    origin: &Path,
) -> Result<fetch::Local<'a>, Error> {
    let json: Vec<Vec<u8>> = followpaths
        .iter()
        .map(|p| dockerignore::through_json(p).into_owned())
        .collect();
    if let Some(i) = dockerignore::header_rejects(&json) {
        return Err(Error::BuildkitHeader {
            prefix,
            key: "followpaths",
            file: origin.to_path_buf(),
            line: 0,
            value: followpaths[i].clone(),
        });
    }
    let targets = fetch::follow_links(dir, &json).map_err(|e| Error::Io(dir.to_path_buf(), e))?;
    let include = match targets {
        None => None,
        Some(t) if t.is_empty() => None,
        Some(t) => {
            Some(
                fetch::include_set(&t).map_err(|source| Error::BuildkitIncludePatterns {
                    patterns: t.clone(),
                    source,
                })?,
            )
        }
    };
    Ok(fetch::Local { dir, include })
}

/// B1 and B12–B14: the Dockerfile and the ignore file as BuildKit fetches and reads them.
fn resolve_buildkit(
    root: PathBuf,
    cwd: &Path,
    dockerfile: Option<&Path>,
    from_stdin: bool,
) -> Result<Resolved, Error> {
    let (dir, name) = match dockerfile {
        Some(d) if !from_stdin => {
            let abs = absolute(cwd, d);
            let name = abs
                .file_name()
                .map(|n| n.to_os_string())
                .unwrap_or_else(|| "Dockerfile".into());
            let dir = abs.parent().map(Path::to_path_buf).unwrap_or(root.clone());
            (dir, name)
        }
        Some(_) => (PathBuf::new(), "Dockerfile".into()),
        None => (root.clone(), "Dockerfile".into()),
    };
    // buildx (`build/opt.go handleLowercaseDockerfile`): a directory listing `dockerfile` but no
    // `Dockerfile` makes the name `dockerfile`, whatever either entry is.
    let name = if name == "Dockerfile" && !from_stdin && only_lowercase_dockerfile(&dir) {
        OsString::from("dockerfile")
    } else {
        name
    };
    let mut notes = Vec::new();
    let name_b = os_bytes(&name).into_owned();
    let mut per_b = name_b.clone();
    per_b.extend_from_slice(b".dockerignore");
    let per_path = dir.join(bytes_to_path(&per_b));
    let mut df_name = name.clone();
    let mut df_rel: Option<Vec<u8>> = None;
    let mut per: Option<Fetched> = None;
    if !from_stdin {
        let mut followpaths = vec![name_b.clone(), per_b.clone()];
        if name_b == b"Dockerfile" {
            followpaths.push(b"dockerfile".to_vec());
        }
        let local = fetch_and_read(
            &dir,
            &followpaths,
            "failed to resolve dockerfile: ",
            &dir.join(&name),
        )?;
        let mut got = local.read(&name_b);
        if got.is_err() && name_b == b"Dockerfile" {
            if let Ok(r) = local.read(b"dockerfile") {
                df_name = "dockerfile".into();
                got = Ok(r);
            }
        }
        match got {
            Ok((rel, _)) => {
                if rel.as_slice() != os_bytes(&df_name).as_ref() {
                    notes.push(format!(
                        "{} is a symlink: BuildKit follows it inside {} and reads {}",
                        dir.join(&df_name).display(),
                        dir.display(),
                        dir.join(bytes_to_path(&rel)).display()
                    ));
                }
                df_rel = Some(rel);
            }
            Err(_) if dir.join(&name).is_dir() => {
                return Err(Error::BuildkitDockerfileNotFile(
                    name.to_string_lossy().into(),
                ))
            }
            Err(_) => return Err(Error::BuildkitDockerfile(name.to_string_lossy().into())),
        }
        per = Some(local.read(&per_b));
    }
    let ctx_ignore = root.join(".dockerignore");
    let (ignore_file, ignore_text) = match per {
        Some(Ok((rel, text))) => {
            if std::fs::symlink_metadata(&ctx_ignore).is_ok() {
                notes.push(format!(
                    "{} is not used: BuildKit reads {} instead",
                    ctx_ignore.display(),
                    per_path.display()
                ));
            }
            if rel != per_b {
                notes.push(format!(
                    "{} is a symlink: BuildKit follows it inside {} and reads {}",
                    per_path.display(),
                    dir.display(),
                    dir.join(bytes_to_path(&rel)).display()
                ));
            }
            (Some(per_path), Platform::host().ignore_text(text))
        }
        _ => {
            let local = fetch_and_read(&root, &[b".dockerignore".to_vec()], "", &ctx_ignore)?;
            match local.read(b".dockerignore") {
                Ok((rel, text)) => {
                    if rel.as_slice() != b".dockerignore" {
                        notes.push(format!(
                            "{} is a symlink: BuildKit follows it inside the context and reads {}",
                            ctx_ignore.display(),
                            root.join(bytes_to_path(&rel)).display()
                        ));
                    }
                    (Some(ctx_ignore), Platform::host().ignore_text(text))
                }
                Err(_) => {
                    if std::fs::symlink_metadata(&ctx_ignore).is_ok() {
                        notes.push(format!(
                            "{} cannot be read as a file inside the context; BuildKit silently uses no patterns",
                            ctx_ignore.display()
                        ));
                    }
                    (None, Vec::new())
                }
            }
        }
    };
    let dockerfile_path = dir.join(&df_name);
    let read_path = match &df_rel {
        Some(rel) => dir.join(bytes_to_path(rel)),
        None => dockerfile_path.clone(),
    };
    let rel = rel_inside(&root, &read_path);
    Ok(Resolved {
        root,
        dockerfile: dockerfile_path,
        dockerfile_rel: rel,
        ignore_file,
        ignore_text,
        notes,
        podman: false,
        podman_remote: false,
    })
}

/// The file BuildKit reads for the Dockerfile `dockerfile` (a path `resolve` returned):
/// its symlinks followed inside its own directory (B14), not on the host.
pub fn buildkit_dockerfile_path(dockerfile: &Path) -> PathBuf {
    let (Some(dir), Some(name)) = (dockerfile.parent(), dockerfile.file_name()) else {
        return dockerfile.to_path_buf();
    };
    let local = fetch::Local { dir, include: None };
    match local.read(&os_bytes(name)) {
        Ok((rel, _)) => dir.join(bytes_to_path(&rel)),
        Err(_) => dockerfile.to_path_buf(),
    }
}

/// The file `builder` reads for the Dockerfile `dockerfile` (a path `resolve` returned):
/// BuildKit follows its symlinks inside its own directory (B14); the classic builder reads
/// the host path, which `resolve` already resolved.
pub(crate) fn dockerfile_as_read(builder: crate::walk::Builder, dockerfile: &Path) -> PathBuf {
    match builder {
        crate::walk::Builder::Buildkit => buildkit_dockerfile_path(dockerfile),
        crate::walk::Builder::Classic => dockerfile.to_path_buf(),
    }
}

/// buildx's `handleLowercaseDockerfile` (`build/opt.go`): `dir` lists `dockerfile` but no
/// `Dockerfile`, whatever either entry is, so the default name reads the lowercase one.
pub(crate) fn only_lowercase_dockerfile(dir: &Path) -> bool {
    let names: Vec<OsString> = std::fs::read_dir(dir)
        .map(|rd| rd.filter_map(|e| e.ok().map(|e| e.file_name())).collect())
        .unwrap_or_default();
    !names.iter().any(|n| n == "Dockerfile") && names.iter().any(|n| n == "dockerfile")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn windows_reads_a_backslash_as_a_separator() {
        let text = b"# a\\comment\nbuild\\out\n!keep\\me.txt\n*.log\n".to_vec();
        assert_eq!(Platform::Unix.ignore_text(text.clone()), text);
        assert_eq!(
            Platform::Windows.ignore_text(text),
            b"# a/comment\nbuild/out\n!keep/me.txt\n*.log\n".to_vec()
        );
        // What the matcher then does with it: `build\out` excludes `build/out/x` on Windows only.
        let on = |p: Platform| {
            let t = p.ignore_text(b"build\\out\n".to_vec());
            crate::dockerignore::PatternSet::parse(&t)
                .unwrap()
                .matches_or_parent_matches(b"build/out/x")
        };
        assert_eq!(on(Platform::Windows), Ok(true));
        // On Unix `\o` is an escape, and one Go's regexp rejects.
        assert_ne!(on(Platform::Unix), Ok(true));
    }

    #[test]
    fn relative_paths_are_slash_separated_on_windows() {
        assert_eq!(
            Platform::Windows.rel_path(b"sub\\Dockerfile".to_vec()),
            b"sub/Dockerfile"
        );
        assert_eq!(
            Platform::Unix.rel_path(b"sub\\Dockerfile".to_vec()),
            b"sub\\Dockerfile"
        );
    }

    #[test]
    fn on_disk_name_prefers_the_exact_name_then_any_case() {
        let names: Vec<OsString> = ["dockerfile", "Dockerfile", "README"]
            .iter()
            .map(OsString::from)
            .collect();
        let ls = || names.iter().map(OsString::as_os_str);
        assert_eq!(
            on_disk_name(OsStr::new("Dockerfile"), ls()),
            Some("Dockerfile".into())
        );
        assert_eq!(
            on_disk_name(OsStr::new("DOCKERFILE"), ls()),
            Some("dockerfile".into())
        );
        assert_eq!(
            on_disk_name(OsStr::new("readme"), ls()),
            Some("README".into())
        );
        assert_eq!(on_disk_name(OsStr::new("nope"), ls()), None);
    }

    #[cfg(unix)]
    #[test]
    fn absolute_cleans_like_go() {
        let cwd = Path::new("/w/x");
        for (p, want) in [
            ("a/../b", "/w/x/b"),
            ("../../../..", "/"),
            ("./a//b/", "/w/x/a/b"),
            ("/abs/./c/..", "/abs"),
            (".", "/w/x"),
        ] {
            assert_eq!(absolute(cwd, Path::new(p)), PathBuf::from(want), "{p}");
        }
    }

    #[cfg(unix)]
    #[test]
    fn eval_symlinks_follows_relative_and_absolute_links_and_stops_loops() {
        let d = tempfile::tempdir().unwrap();
        let root = eval_symlinks(d.path()).unwrap();
        std::fs::create_dir_all(root.join("real/sub")).unwrap();
        std::os::unix::fs::symlink("real", root.join("rel")).unwrap();
        std::os::unix::fs::symlink(root.join("real/sub"), root.join("abs")).unwrap();
        std::os::unix::fs::symlink("loop", root.join("loop")).unwrap();
        assert_eq!(
            eval_symlinks(&root.join("rel/sub")).unwrap(),
            root.join("real/sub")
        );
        assert_eq!(
            eval_symlinks(&root.join("abs/..")).unwrap(),
            root.join("real")
        );
        assert_eq!(eval_symlinks(&root.join("loop")), Err(root.join("loop")));
        assert_eq!(
            eval_symlinks(&root.join("rel/nope/x")),
            Err(root.join("real/nope"))
        );
    }
}
