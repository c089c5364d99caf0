//! Resolves the context root, the Dockerfile and the ignore file in effect, per builder
//! (R1, R19, R29, B1). The only file reads outside the walk: the ignore file and the Dockerfile.

use std::ffi::OsStr;
use std::os::unix::ffi::OsStrExt;
use std::path::{Component, Path, PathBuf};

use crate::error::Error;
use crate::walk::Builder;

/// Go's `filepath.EvalSymlinks`: the resolved path, or the first path that does not exist.
pub fn eval_symlinks(path: &Path) -> Result<PathBuf, PathBuf> {
    let mut todo: Vec<std::ffi::OsString> = path
        .components()
        .rev()
        .filter_map(|c| match c {
            Component::Normal(s) => Some(s.to_os_string()),
            Component::ParentDir => Some("..".into()),
            _ => None,
        })
        .collect();
    let mut resolved = if path.is_absolute() {
        PathBuf::from("/")
    } else {
        PathBuf::new()
    };
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
                if target.is_absolute() {
                    resolved = PathBuf::from("/");
                }
                for comp in target.components().rev() {
                    match comp {
                        Component::Normal(s) => todo.push(s.to_os_string()),
                        Component::ParentDir => todo.push("..".into()),
                        _ => {}
                    }
                }
            }
            Ok(_) => resolved = cand,
        }
    }
    Ok(resolved)
}

/// `filepath.Abs` relative to `cwd`, lexically cleaned.
pub fn absolute(cwd: &Path, p: &Path) -> PathBuf {
    let joined = if p.is_absolute() {
        p.to_path_buf()
    } else {
        cwd.join(p)
    };
    let cleaned = crate::dockerignore::clean(joined.as_os_str().as_bytes());
    PathBuf::from(OsStr::from_bytes(&cleaned))
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
}

/// Resolves the context directory (R29).
pub fn context_root(cwd: &Path, ctx: &Path) -> Result<PathBuf, Error> {
    let abs = absolute(cwd, ctx);
    let root =
        eval_symlinks(&abs).map_err(|_| Error::ContextNotFound(ctx.display().to_string()))?;
    match std::fs::metadata(&root) {
        Ok(md) if md.is_dir() => Ok(root),
        Ok(_) => Err(Error::ContextNotDir(root)),
        Err(_) => Err(Error::ContextNotFound(ctx.display().to_string())),
    }
}

fn rel_inside(root: &Path, p: &Path) -> Option<Vec<u8>> {
    let r = p.strip_prefix(root).ok()?;
    let b = r.as_os_str().as_bytes();
    if b.is_empty() {
        return Some(b".".to_vec());
    }
    Some(b.to_vec())
}

/// Resolves everything for one builder.
pub fn resolve(
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
            let (ignore_file, ignore_text) = match std::fs::read(&ignore_path) {
                Ok(t) => (Some(ignore_path), t),
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
            })
        }
        Builder::Buildkit => {
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
            let mut name = name;
            let mut dockerfile_path = dir.join(&name);
            if !from_stdin {
                let ok = |p: &Path| std::fs::metadata(p).map(|m| m.is_file()).unwrap_or(false);
                if !ok(&dockerfile_path) {
                    let lower = dir.join("dockerfile");
                    if name == "Dockerfile" && ok(&lower) {
                        dockerfile_path = lower;
                        name = "dockerfile".into();
                    } else {
                        return Err(Error::BuildkitDockerfile(name.to_string_lossy().into()));
                    }
                }
            }
            let mut notes = Vec::new();
            let mut per = name.clone();
            per.push(".dockerignore");
            let per_path = dir.join(&per);
            let ctx_ignore = root.join(".dockerignore");
            let read_file = |p: &Path| -> Option<Vec<u8>> {
                let md = std::fs::metadata(p).ok()?;
                if !md.is_file() {
                    return None;
                }
                std::fs::read(p).ok()
            };
            let (ignore_file, ignore_text) =
                match (!from_stdin).then(|| read_file(&per_path)).flatten() {
                    Some(t) => {
                        if ctx_ignore.exists() {
                            notes.push(format!(
                                "{} is not used: BuildKit reads {} instead",
                                ctx_ignore.display(),
                                per_path.display()
                            ));
                        }
                        (Some(per_path), t)
                    }
                    None => match read_file(&ctx_ignore) {
                        Some(t) => (Some(ctx_ignore), t),
                        None => {
                            if std::fs::symlink_metadata(&ctx_ignore).is_ok() {
                                notes.push(format!(
                                "{} cannot be read as a file; BuildKit silently uses no patterns",
                                ctx_ignore.display()
                            ));
                            }
                            (None, Vec::new())
                        }
                    },
                };
            let resolved_df = eval_symlinks(&dockerfile_path).unwrap_or(dockerfile_path.clone());
            let rel = rel_inside(&root, &resolved_df);
            Ok(Resolved {
                root,
                dockerfile: dockerfile_path,
                dockerfile_rel: rel,
                ignore_file,
                ignore_text,
                notes,
            })
        }
    }
}
