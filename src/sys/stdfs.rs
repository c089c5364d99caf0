//! The `std::fs` backend: Windows' walker, and on Unix a third backend the test suite can run
//! through (`CTXSIZE_WALKER=std`), so the code Windows runs is exercised on every CI run.
//!
//! A directory handle is its path: `read_dir` opens it. On Windows an entry's metadata comes
//! with the directory listing (`FindNextFileW`), so the walk makes one system call per
//! directory plus one per content file read; symlinks and junctions are reparse points that
//! `symlink_metadata` reports as symlinks and that are never followed.

use std::io::{self, Read};
use std::path::{Path, PathBuf};

use super::{Entry, Fs, Stat};
use crate::tree::Kind;

/// The `std::fs` backend.
pub(crate) struct StdFs;

impl StdFs {
    pub(crate) fn new() -> StdFs {
        StdFs
    }
}

/// An entry of a `read_dir` listing.
pub(crate) struct StdEntry<'a> {
    ent: &'a std::fs::DirEntry,
    name: &'a [u8],
}

impl Entry for StdEntry<'_> {
    fn name(&self) -> &[u8] {
        self.name
    }

    fn kind_hint(&self) -> Option<Kind> {
        self.ent.file_type().ok().map(super::kind_of_type)
    }

    fn lstat(&self) -> io::Result<Stat> {
        // `DirEntry::metadata` does not follow a symlink (an `fstatat` relative to the directory
        // on Unix; the listing's own data on Windows).
        let md = self.ent.metadata()?;
        Ok(stat_of(&md))
    }

    fn read_link(&self) -> Vec<u8> {
        std::fs::read_link(self.ent.path())
            .map(|t| link_bytes(&t))
            .unwrap_or_default()
    }

    fn readable(&self, kind: Kind) -> bool {
        let p = self.ent.path();
        let r = if kind == Kind::Dir {
            std::fs::read_dir(&p).map(drop)
        } else {
            open_nofollow(&p).map(drop)
        };
        // Like docker's check, only a permission error counts.
        !matches!(r, Err(e) if e.kind() == io::ErrorKind::PermissionDenied)
    }
}

/// A symlink target as docker's tar header holds it: `os.Readlink`'s result unchanged (on
/// Windows with its `\` separators; go-archive does not `ToSlash` link names).
fn link_bytes(t: &Path) -> Vec<u8> {
    super::os_bytes(t.as_os_str()).into_owned()
}

fn stat_of(md: &std::fs::Metadata) -> Stat {
    #[cfg(unix)]
    let (nlink, ino, times) = {
        use std::os::unix::fs::MetadataExt;
        let ns = |x: i64| u32::try_from(x).unwrap_or(0);
        let times = super::Times {
            mtime_ns: ns(md.mtime_nsec()),
            ctime: (md.ctime(), ns(md.ctime_nsec())),
        };
        (md.nlink(), md.ino(), Some(times))
    };
    // Windows: docker's archive code has no hard links there (`hasHardlinks` is false), and
    // there is no change time.
    #[cfg(not(unix))]
    let (nlink, ino, times) = (1, 0, None);
    Stat {
        kind: super::kind_of(md),
        size: md.len(),
        mtime: super::mtime_secs(md),
        nlink,
        ino,
        times,
    }
}

/// Opens a file for reading without following a symlink at its last component.
fn open_nofollow(p: &Path) -> io::Result<std::fs::File> {
    let mut o = std::fs::OpenOptions::new();
    o.read(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        o.custom_flags(libc::O_NOFOLLOW | libc::O_NONBLOCK);
    }
    #[cfg(windows)]
    {
        use std::os::windows::fs::OpenOptionsExt;
        // FILE_FLAG_OPEN_REPARSE_POINT: open a symlink or junction itself, not its target.
        o.custom_flags(0x0020_0000);
    }
    o.open(p)
}

impl Fs for StdFs {
    type Dir = PathBuf;
    type Entry<'a> = StdEntry<'a>;
    type Scratch = ();

    fn open_root(&self, path: &Path) -> io::Result<PathBuf> {
        // Reading starts the listing, so the root's error (not found, not a directory, no
        // permission) shows here, as opening it does on Unix.
        std::fs::read_dir(path)?;
        Ok(path.to_path_buf())
    }

    fn open_dir(&self, dir: &PathBuf, rel: &[u8]) -> io::Result<PathBuf> {
        Ok(super::abs_path(dir, rel))
    }

    fn opens_relative(&self) -> bool {
        false
    }

    fn read_dir<F>(&self, dir: &mut PathBuf, _scratch: &mut (), mut f: F) -> io::Result<()>
    where
        F: for<'e> FnMut(&StdEntry<'e>) -> bool,
    {
        // A directory the walk reached through a symlink would be followed: the walk only opens
        // names the listing typed as directories, never symlinks, and the root is resolved.
        for ent in std::fs::read_dir(dir.as_path())? {
            let ent = ent?;
            let name_os = ent.file_name();
            let name = super::os_bytes(&name_os);
            let e = StdEntry {
                ent: &ent,
                name: &name,
            };
            if !f(&e) {
                break;
            }
        }
        Ok(())
    }

    fn read_file(&self, dir: &PathBuf, rel: &[u8], max: u64, buf: &mut Vec<u8>) -> bool {
        buf.clear();
        let Ok(file) = open_nofollow(&super::abs_path(dir, rel)) else {
            return false;
        };
        match file.take(max.saturating_add(1)).read_to_end(buf) {
            Ok(_) => buf.len() as u64 <= max,
            Err(_) => false,
        }
    }

    fn max_open_dirs(&self) -> usize {
        0
    }
}
