//! Which files git tracks: the repository around the context, its index, and the paths below
//! the context. Tracked files are never reported as `gitignored`, and a tracked directory named
//! like build output (`build/` holding templates) is source, not output.

use std::path::{Path, PathBuf};

use crate::rules::gitindex::{self, IndexError, Tracked};

/// What the tracked-file check could establish.
#[derive(Debug)]
pub(crate) enum GitState {
    /// The index was read; paths are relative to the context root.
    Tracked(Tracked),
    /// No repository encloses the context.
    NoRepo,
    /// A repository exists but its index could not be read (the reason).
    Unreadable(String),
}

impl GitState {
    /// The tracked set, if the check ran.
    pub(crate) fn tracked(&self) -> Option<&Tracked> {
        match self {
            GitState::Tracked(t) => Some(t),
            _ => None,
        }
    }

    /// A note for the report when the check did not run.
    pub(crate) fn note(&self) -> Option<String> {
        match self {
            GitState::Tracked(_) => None,
            GitState::NoRepo => Some(
                "no git repository encloses the context: gitignored entries are not checked against tracked files (check skipped)"
                    .to_string(),
            ),
            GitState::Unreadable(e) => Some(format!(
                "the git index could not be read ({e}): gitignored entries are not checked against tracked files (check skipped)"
            )),
        }
    }
}

/// The nearest `.git` (directory, or file pointing at one) at or above `root`: the work tree
/// and the git directory.
fn find_repo(root: &Path) -> Option<(PathBuf, PathBuf)> {
    let mut cur = Some(root);
    while let Some(dir) = cur {
        let dot = dir.join(".git");
        match std::fs::symlink_metadata(&dot) {
            Ok(m) if m.is_dir() => return Some((dir.to_path_buf(), dot)),
            Ok(m) if m.is_file() => {
                // A worktree or submodule: `gitdir: <path>`, relative to the file's directory.
                let text = std::fs::read(&dot).ok()?;
                let text = String::from_utf8_lossy(&text);
                let g = text.trim().strip_prefix("gitdir:")?.trim();
                let g = Path::new(g);
                let g = if g.is_absolute() {
                    g.to_path_buf()
                } else {
                    dir.join(g)
                };
                return Some((dir.to_path_buf(), g));
            }
            _ => cur = dir.parent(),
        }
    }
    None
}

/// SHA-256 repositories (`extensions.objectformat = sha256`) have 32-byte object ids.
fn hash_len(gitdir: &Path) -> usize {
    let common = std::fs::read_to_string(gitdir.join("commondir"))
        .map(|c| gitdir.join(c.trim()))
        .unwrap_or_else(|_| gitdir.to_path_buf());
    let cfg = std::fs::read_to_string(common.join("config")).unwrap_or_default();
    let sha256 = cfg.lines().any(|l| {
        let l = l.trim().to_ascii_lowercase();
        l.starts_with("objectformat") && l.ends_with("sha256")
    });
    if sha256 {
        32
    } else {
        20
    }
}

/// `git ls-files -z` run in `worktree`, for the split index this parser leaves out.
fn ls_files(worktree: &Path) -> Result<Tracked, String> {
    let out = std::process::Command::new("git")
        .arg("-C")
        .arg(worktree)
        .args(["ls-files", "-z", "--full-name"])
        .stdin(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .output()
        .map_err(|e| format!("a split index, and git cannot be run: {e}"))?;
    if !out.status.success() {
        return Err("a split index, and `git ls-files` failed".to_string());
    }
    let mut paths: Vec<Vec<u8>> = out
        .stdout
        .split(|&b| b == 0)
        .filter(|p| !p.is_empty())
        .map(<[u8]>::to_vec)
        .collect();
    paths.sort_unstable();
    paths.dedup();
    Ok(Tracked {
        paths,
        sparse_dirs: Vec::new(),
    })
}

/// The bytes of an index file, read whole only when it starts like one: anything else (a stray or
/// corrupt file, possibly large) yields just its first bytes, which the parser rejects.
fn read_index(path: &Path) -> std::io::Result<Vec<u8>> {
    use std::io::Read;
    let mut f = std::fs::File::open(path)?;
    let mut b = Vec::with_capacity(12);
    (&mut f).take(12).read_to_end(&mut b)?;
    if b.len() == 12 && b.starts_with(gitindex::SIGNATURE) {
        let len = f.metadata().map_or(0, |m| m.len());
        b.reserve(usize::try_from(len).unwrap_or(0).saturating_sub(12));
        f.read_to_end(&mut b)?;
    }
    Ok(b)
}

/// Reads the index of the repository enclosing `root`, restricted to `root`.
pub(crate) fn load(root: &Path) -> GitState {
    let Some((worktree, gitdir)) = find_repo(root) else {
        return GitState::NoRepo;
    };
    let prefix: Vec<u8> = match root.strip_prefix(&worktree) {
        Ok(p) => crate::sys::os_bytes(p.as_os_str())
            .iter()
            .map(|&b| if b == b'\\' && cfg!(windows) { b'/' } else { b })
            .collect(),
        Err(_) => return GitState::NoRepo,
    };
    let tracked = match read_index(&gitdir.join("index")) {
        Ok(bytes) => match gitindex::parse(&bytes, hash_len(&gitdir)) {
            Ok(t) => t,
            Err(IndexError::Split) => match ls_files(&worktree) {
                Ok(t) => t,
                Err(e) => return GitState::Unreadable(e),
            },
            Err(e) => return GitState::Unreadable(e.to_string()),
        },
        // A new repository has no index until the first `git add`: nothing is tracked.
        Err(e) if e.kind() == std::io::ErrorKind::NotFound && gitdir.is_dir() => Tracked::default(),
        Err(e) => return GitState::Unreadable(e.to_string()),
    };
    GitState::Tracked(tracked.below(&prefix))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn read_index_reads_only_the_head_of_a_file_that_is_not_an_index() {
        let d = tempfile::tempdir().unwrap();
        let junk = d.path().join("junk");
        std::fs::write(&junk, vec![0xabu8; 1 << 20]).unwrap();
        let b = read_index(&junk).unwrap();
        assert_eq!(b.len(), 12);
        assert_eq!(
            gitindex::parse(&b, 20),
            Err(IndexError::Malformed("no DIRC signature"))
        );
        let index = d.path().join("index");
        let mut real = b"DIRC\0\0\0\x02\0\0\0\0".to_vec();
        real.extend_from_slice(&[7u8; 5000]);
        std::fs::write(&index, &real).unwrap();
        assert_eq!(read_index(&index).unwrap(), real);
        assert_eq!(
            read_index(&d.path().join("none")).unwrap_err().kind(),
            std::io::ErrorKind::NotFound
        );
    }
}
