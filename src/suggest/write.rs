//! `--write`: the atomic replacement of the ignore file and the backup of the previous one,
//! kept where the next build does not send it.

use std::io::Write;
use std::path::{Path, PathBuf};

use crate::analysis::{analyze_resolved, Config};
use crate::error::Error;
use crate::transfer::node_paths;
use crate::walk::Builder;

/// What `--write` saw when it read the destination.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Snapshot {
    /// The bytes (`None`: the file did not exist).
    pub bytes: Option<Vec<u8>>,
    /// Its modification time.
    pub mtime: Option<std::time::SystemTime>,
}

impl Snapshot {
    /// Reads the current state of `path`.
    pub fn take(path: &Path) -> Snapshot {
        Snapshot {
            // A FIFO or a device there is never read (it would block or never end).
            bytes: crate::context::read_regular(path).ok(),
            mtime: std::fs::metadata(path).and_then(|m| m.modified()).ok(),
        }
    }
}

fn usage(s: impl Into<String>) -> Error {
    Error::Usage(s.into())
}

/// Where the backup of `root`'s ignore file goes: the git directory of the context (or of a
/// repository above it) under `ctxsize/backups`, else the user's cache directory, else the
/// temporary directory. The first is inside the context only when `.git` is; the caller checks
/// that the written file does not send it.
pub(crate) fn backup_dir(root: &Path) -> PathBuf {
    let mut cur = Some(root);
    while let Some(d) = cur {
        let g = d.join(".git");
        if std::fs::symlink_metadata(&g).is_ok_and(|m| m.is_dir()) {
            return g.join("ctxsize").join("backups");
        }
        cur = d.parent();
    }
    cache_dir(root)
}

/// The backup directory outside the context: `$XDG_CACHE_HOME/ctxsize/backups/<context>` (or
/// `~/.cache/…`), else the temporary directory.
pub(crate) fn cache_dir(root: &Path) -> PathBuf {
    let base = std::env::var_os("XDG_CACHE_HOME")
        .filter(|v| !v.is_empty())
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".cache")))
        .unwrap_or_else(std::env::temp_dir);
    let tag: String = root
        .to_string_lossy()
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
        .collect();
    let tag = tag.trim_matches('_');
    let tag = if tag.len() > 100 {
        &tag[tag.len() - 100..]
    } else {
        tag
    };
    base.join("ctxsize").join("backups").join(tag)
}

/// Writes `text` to `path` atomically: a temporary file in the same directory, then a rename.
/// The previous file, if any, is copied first to `backup_dir/<name>.<time>.bak` (the directory
/// is created). Refuses (and writes nothing) when the file is no longer what `seen` recorded;
/// `before_rename` runs right before that last check (tests use it to change the file at the
/// worst moment). Returns the backup's path.
pub fn write_atomic(
    path: &Path,
    text: &[u8],
    seen: &Snapshot,
    backup_dir: &Path,
    before_rename: &mut dyn FnMut(),
) -> Result<Option<PathBuf>, Error> {
    let io = |p: &Path, e: std::io::Error| Error::Io(p.to_path_buf(), e);
    let dir = path
        .parent()
        .filter(|d| !d.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let name = path
        .file_name()
        .ok_or_else(|| usage(format!("{} is not a file name", path.display())))?
        .to_string_lossy()
        .into_owned();
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap_or_default();
    let stamp = now.as_nanos();
    let tmp = dir.join(format!(
        ".{name}.ctxsize-{}-{stamp}.tmp",
        std::process::id()
    ));
    let res = (|| {
        let mut f = std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&tmp)
            .map_err(|e| io(&tmp, e))?;
        f.write_all(text).map_err(|e| io(&tmp, e))?;
        if let Ok(md) = std::fs::metadata(path) {
            let _ = f.set_permissions(md.permissions());
        }
        f.sync_all().map_err(|e| io(&tmp, e))?;
        drop(f);
        before_rename();
        let now_state = Snapshot::take(path);
        if now_state.bytes != seen.bytes || now_state.mtime != seen.mtime {
            return Err(usage(format!(
                "{} changed since it was read; not written (run ctxsize suggest again)",
                path.display()
            )));
        }
        let bak = match &seen.bytes {
            Some(old) => {
                std::fs::create_dir_all(backup_dir).map_err(|e| io(backup_dir, e))?;
                let bak = backup_dir.join(format!("{name}.{}.bak", now.as_secs()));
                let tmpbak = backup_dir.join(format!(
                    ".{name}.bak.ctxsize-{}-{stamp}.tmp",
                    std::process::id()
                ));
                std::fs::write(&tmpbak, old).map_err(|e| io(&tmpbak, e))?;
                std::fs::rename(&tmpbak, &bak).map_err(|e| io(&bak, e))?;
                Some(bak)
            }
            None => None,
        };
        std::fs::rename(&tmp, path).map_err(|e| io(path, e))?;
        Ok(bak)
    })();
    if res.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    res
}

/// Moves a backup to `to` (a directory, created), returning its new path.
pub(crate) fn move_backup(bak: &Path, to: &Path) -> Result<PathBuf, Error> {
    let io = |p: &Path, e: std::io::Error| Error::Io(p.to_path_buf(), e);
    std::fs::create_dir_all(to).map_err(|e| io(to, e))?;
    let dest = to.join(bak.file_name().unwrap_or_default());
    if std::fs::rename(bak, &dest).is_err() {
        // Another file system: copy, then remove.
        std::fs::copy(bak, &dest).map_err(|e| io(&dest, e))?;
        std::fs::remove_file(bak).map_err(|e| io(bak, e))?;
    }
    Ok(dest)
}

/// After `--write`: the backup must not be sent by the next build (any builder, any served
/// Dockerfile's configuration). If it would be, it moves to the cache directory.
pub(crate) fn secure_backup(
    config: &Config,
    root: &Path,
    bak: PathBuf,
) -> Result<(PathBuf, Option<String>), Error> {
    let Ok(rel) = bak.strip_prefix(root) else {
        return Ok((bak, None));
    };
    let rel = rel.to_string_lossy().replace('\\', "/");
    let mut sent_by = None;
    for b in [Builder::Buildkit, Builder::Classic] {
        let Ok(r) = config.resolve_for(b) else {
            continue;
        };
        let a = analyze_resolved(r, b, config.threads)?;
        let paths = node_paths(&a.tree);
        if a.tree.sent().any(|i| paths[i as usize] == rel) {
            sent_by = Some(b);
            break;
        }
    }
    match sent_by {
        None => Ok((
            bak,
            Some("checked: the next build does not send it under BuildKit or classic".into()),
        )),
        Some(b) => {
            let moved = move_backup(&bak, &cache_dir(root))?;
            Ok((
                moved,
                Some(format!(
                    "moved out of the context: the {} builder would have sent it",
                    super::output::label(b, config.engine.is_podman())
                )),
            ))
        }
    }
}
