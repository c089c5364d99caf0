//! The portable Unix backend (macOS, the BSDs; on Linux when `CTXSIZE_WALKER=portable`), on
//! `rustix`: the same shape as the Linux fast path — directories opened relative to their parent
//! with `O_NOFOLLOW`, `statat`/`accessat`/`readlinkat` relative to the directory — with the
//! directory stream of the platform's libc (`fdopendir`/`readdir`; `getdents64` on Linux), which
//! copies each name once.

use std::ffi::CStr;
use std::io::{self, Read};
use std::os::fd::{AsFd, AsRawFd, BorrowedFd, OwnedFd};
use std::path::Path;

use rustix::fs::{AtFlags, FileType, Mode, OFlags};

use super::{Entry, Fs, Stat, Times};
use crate::tree::Kind;

/// The `rustix` backend.
pub(crate) struct Rustix {
    /// Root reads everything: the read-permission check is skipped.
    root: bool,
}

impl Rustix {
    pub(crate) fn new() -> Rustix {
        Rustix {
            root: rustix::process::geteuid().is_root(),
        }
    }
}

/// An open directory and its stream.
pub(crate) struct RDir {
    stream: rustix::fs::Dir,
}

impl RDir {
    fn fd(&self) -> io::Result<BorrowedFd<'_>> {
        Ok(self.stream.fd()?)
    }
}

fn kind_of_type(t: FileType) -> Option<Kind> {
    Some(match t {
        FileType::Directory => Kind::Dir,
        FileType::RegularFile => Kind::File,
        FileType::Symlink => Kind::Symlink,
        FileType::Fifo => Kind::Fifo,
        FileType::CharacterDevice => Kind::CharDev,
        FileType::BlockDevice => Kind::BlockDev,
        FileType::Socket => Kind::Socket,
        _ => return None,
    })
}

fn open(dir: BorrowedFd<'_>, rel: &[u8], flags: OFlags) -> io::Result<OwnedFd> {
    let path: &[u8] = if rel.is_empty() { b"." } else { rel };
    Ok(rustix::fs::openat(
        dir,
        path,
        flags | OFlags::CLOEXEC,
        Mode::empty(),
    )?)
}

/// An entry: the directory's descriptor and the stream's entry.
pub(crate) struct RustixEntry<'a> {
    dir: BorrowedFd<'a>,
    name: &'a CStr,
    hint: Option<Kind>,
    root: bool,
}

impl Entry for RustixEntry<'_> {
    fn name(&self) -> &[u8] {
        self.name.to_bytes()
    }

    fn kind_hint(&self) -> Option<Kind> {
        self.hint
    }

    fn lstat(&self) -> io::Result<Stat> {
        let st = rustix::fs::statat(self.dir, self.name, AtFlags::SYMLINK_NOFOLLOW)?;
        let kind = kind_of_type(FileType::from_raw_mode(st.st_mode)).unwrap_or(Kind::File);
        Ok(Stat {
            kind,
            size: super::unsigned(st.st_size),
            mtime: super::signed(st.st_mtime),
            nlink: super::unsigned(st.st_nlink),
            ino: super::unsigned(st.st_ino),
            times: Some(Times {
                mtime_ns: u32::try_from(super::signed(st.st_mtime_nsec)).unwrap_or(0),
                ctime: (
                    super::signed(st.st_ctime),
                    u32::try_from(super::signed(st.st_ctime_nsec)).unwrap_or(0),
                ),
            }),
        })
    }

    fn read_link(&self) -> Vec<u8> {
        rustix::fs::readlinkat(self.dir, self.name, Vec::new())
            .map(|c| c.into_bytes())
            .unwrap_or_default()
    }

    fn readable(&self, _kind: Kind) -> bool {
        self.root
            || rustix::fs::accessat(
                self.dir,
                self.name,
                rustix::fs::Access::READ_OK,
                AtFlags::EACCESS,
            )
            .is_ok()
    }
}

impl Fs for Rustix {
    type Dir = RDir;
    type Entry<'a> = RustixEntry<'a>;
    type Scratch = ();

    fn open_root(&self, path: &Path) -> io::Result<RDir> {
        let fd = rustix::fs::open(
            path,
            OFlags::RDONLY | OFlags::DIRECTORY | OFlags::CLOEXEC,
            Mode::empty(),
        )?;
        Ok(RDir {
            stream: rustix::fs::Dir::new(fd)?,
        })
    }

    fn open_dir(&self, dir: &RDir, rel: &[u8]) -> io::Result<RDir> {
        let fd = open(
            dir.fd()?,
            rel,
            OFlags::RDONLY | OFlags::DIRECTORY | OFlags::NOFOLLOW,
        )?;
        Ok(RDir {
            stream: rustix::fs::Dir::new(fd)?,
        })
    }

    fn opens_relative(&self) -> bool {
        true
    }

    fn read_dir<F>(&self, dir: &mut RDir, _scratch: &mut (), mut f: F) -> io::Result<()>
    where
        F: for<'e> FnMut(&RustixEntry<'e>) -> bool,
    {
        let raw = dir.fd()?.as_raw_fd();
        // SAFETY: `raw` is the stream's own descriptor; reading the stream advances its position
        // but never closes it, and the stream (`dir`) outlives this borrow, which ends with the
        // call.
        let fd = unsafe { BorrowedFd::borrow_raw(raw) };
        while let Some(next) = dir.stream.read() {
            let ent = next.map_err(io::Error::from)?;
            let name = ent.file_name();
            let b = name.to_bytes();
            if b == b"." || b == b".." {
                continue;
            }
            let e = RustixEntry {
                dir: fd,
                name,
                hint: kind_of_type(ent.file_type()),
                root: self.root,
            };
            if !f(&e) {
                break;
            }
        }
        Ok(())
    }

    fn read_file(&self, dir: &RDir, rel: &[u8], max: u64, buf: &mut Vec<u8>) -> bool {
        buf.clear();
        let Ok(d) = dir.fd() else {
            return false;
        };
        let Ok(fd) = open(
            d.as_fd(),
            rel,
            OFlags::RDONLY | OFlags::NOFOLLOW | OFlags::NONBLOCK,
        ) else {
            return false;
        };
        let file = std::fs::File::from(fd);
        match file.take(max.saturating_add(1)).read_to_end(buf) {
            Ok(_) => buf.len() as u64 <= max,
            Err(_) => false,
        }
    }

    fn max_open_dirs(&self) -> usize {
        super::fd_soft_limit() / 4
    }
}
