//! Linux's fast path: `getdents64` straight into a reused 64 KiB buffer, names borrowed from it
//! (they are NUL-terminated there: no allocation per entry), directories typed by `d_type` and
//! never stat'ed, every other call relative to the directory's descriptor. These are exactly the
//! system calls of the C floor (`../shared/bench/statwalk.c`): `openat` + `getdents64` + `close`
//! per directory, one `fstatat` per non-directory.
//!
//! Directories and files are opened with `O_NOATIME`: an inspection leaves access times as
//! they were, and skips the inode update a stale access time costs on every directory read and
//! file read (a fresh checkout has only stale ones).

use std::borrow::Cow;
use std::ffi::{CStr, CString};
use std::io;
use std::os::fd::{AsFd, AsRawFd, BorrowedFd, FromRawFd, OwnedFd};
use std::path::Path;

use super::{Entry, Fs, Stat, Times};
use crate::tree::Kind;

/// The `getdents64` backend.
pub(crate) struct Getdents {
    /// Root reads everything: the read-permission check is skipped.
    root: bool,
}

impl Getdents {
    pub(crate) fn new() -> Getdents {
        // SAFETY: geteuid has no preconditions and cannot fail.
        let euid = unsafe { libc::geteuid() };
        Getdents { root: euid == 0 }
    }
}

/// A `getdents64` record: `d_ino` (8), `d_off` (8), `d_reclen` (2), `d_type` (1), `d_name`.
const RECLEN_AT: usize = 16;
const TYPE_AT: usize = 18;
const NAME_AT: usize = 19;

fn cstring(b: &[u8]) -> CString {
    // Names from getdents never contain NUL, nor does a path built from them; bytes from
    // elsewhere that do cannot name a file, and the empty string fails to open.
    CString::new(b).unwrap_or_default()
}

/// `open`/`openat` result to an owned descriptor.
fn owned(fd: libc::c_int) -> io::Result<OwnedFd> {
    if fd < 0 {
        Err(io::Error::last_os_error())
    } else {
        // SAFETY: the kernel just returned this descriptor to us and nothing else holds it.
        Ok(unsafe { OwnedFd::from_raw_fd(fd) })
    }
}

fn open_at(dir: BorrowedFd<'_>, name: &CStr, flags: libc::c_int) -> io::Result<OwnedFd> {
    // SAFETY: `dir` is an open descriptor for the duration of the call; `name` is NUL-terminated.
    owned(unsafe { libc::openat(dir.as_raw_fd(), name.as_ptr(), flags | libc::O_CLOEXEC) })
}

/// Whether `O_NOATIME` is still asked for. The kernel refuses it (`EPERM`) for a file the user
/// neither owns nor has `CAP_FOWNER` over: that open is made again without it, and the rest of
/// the run opens without it too (one failed call, not one per file).
static NOATIME: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(true);

/// [`open_at`] with `O_NOATIME` while the kernel grants it.
fn open_quiet(dir: BorrowedFd<'_>, name: &CStr, flags: libc::c_int) -> io::Result<OwnedFd> {
    use std::sync::atomic::Ordering::Relaxed;
    if NOATIME.load(Relaxed) {
        match open_at(dir, name, flags | libc::O_NOATIME) {
            Err(e) if e.raw_os_error() == Some(libc::EPERM) => NOATIME.store(false, Relaxed),
            r => return r,
        }
    }
    open_at(dir, name, flags)
}

const DIR_FLAGS: libc::c_int = libc::O_RDONLY | libc::O_DIRECTORY | libc::O_NOFOLLOW;

fn kind_of_mode(mode: u32) -> Kind {
    match mode & libc::S_IFMT {
        libc::S_IFDIR => Kind::Dir,
        libc::S_IFLNK => Kind::Symlink,
        libc::S_IFIFO => Kind::Fifo,
        libc::S_IFCHR => Kind::CharDev,
        libc::S_IFBLK => Kind::BlockDev,
        libc::S_IFSOCK => Kind::Socket,
        _ => Kind::File,
    }
}

fn kind_of_dtype(t: u8) -> Option<Kind> {
    Some(match t {
        libc::DT_DIR => Kind::Dir,
        libc::DT_REG => Kind::File,
        libc::DT_LNK => Kind::Symlink,
        libc::DT_FIFO => Kind::Fifo,
        libc::DT_CHR => Kind::CharDev,
        libc::DT_BLK => Kind::BlockDev,
        libc::DT_SOCK => Kind::Socket,
        _ => return None,
    })
}

/// An entry: the directory's descriptor and the name inside the `getdents64` buffer.
pub(crate) struct GetdentsEntry<'a> {
    dir: BorrowedFd<'a>,
    name: &'a [u8],
    name_c: Cow<'a, CStr>,
    dtype: u8,
    root: bool,
}

impl Entry for GetdentsEntry<'_> {
    fn name(&self) -> &[u8] {
        self.name
    }

    fn kind_hint(&self) -> Option<Kind> {
        kind_of_dtype(self.dtype)
    }

    fn lstat(&self) -> io::Result<Stat> {
        let mut st = std::mem::MaybeUninit::<libc::stat>::uninit();
        // SAFETY: `st` is valid for writes of a `stat`; the name is NUL-terminated; the
        // descriptor is open.
        let r = unsafe {
            libc::fstatat(
                self.dir.as_raw_fd(),
                self.name_c.as_ptr(),
                st.as_mut_ptr(),
                libc::AT_SYMLINK_NOFOLLOW,
            )
        };
        if r != 0 {
            return Err(io::Error::last_os_error());
        }
        // SAFETY: fstatat returned 0, so the kernel filled the whole struct.
        let st = unsafe { st.assume_init() };
        Ok(Stat {
            kind: kind_of_mode(st.st_mode),
            size: super::unsigned(st.st_size),
            mtime: super::signed(st.st_mtime),
            nlink: super::unsigned(st.st_nlink),
            ino: super::unsigned(st.st_ino),
            times: Some(Times {
                mtime_ns: nanos(st.st_mtime_nsec),
                ctime: (super::signed(st.st_ctime), nanos(st.st_ctime_nsec)),
            }),
        })
    }

    fn read_link(&self) -> Vec<u8> {
        let mut buf = vec![0u8; 4096];
        // SAFETY: the buffer is valid for writes of its length; the name is NUL-terminated.
        let n = unsafe {
            libc::readlinkat(
                self.dir.as_raw_fd(),
                self.name_c.as_ptr(),
                buf.as_mut_ptr().cast(),
                buf.len(),
            )
        };
        match usize::try_from(n) {
            Ok(n) => {
                buf.truncate(n);
                buf
            }
            Err(_) => Vec::new(),
        }
    }

    fn readable(&self, _kind: Kind) -> bool {
        // SAFETY: a plain system call on an open descriptor and a NUL-terminated name.
        self.root
            || unsafe {
                libc::faccessat(
                    self.dir.as_raw_fd(),
                    self.name_c.as_ptr(),
                    libc::R_OK,
                    libc::AT_EACCESS,
                )
            } == 0
    }
}

/// The reused read buffer.
pub(crate) struct Buf(Vec<u8>);

impl Default for Buf {
    fn default() -> Buf {
        Buf(vec![0u8; 64 * 1024])
    }
}

impl Fs for Getdents {
    type Dir = OwnedFd;
    type Entry<'a> = GetdentsEntry<'a>;
    type Scratch = Buf;

    fn open_root(&self, path: &Path) -> io::Result<OwnedFd> {
        let c = cstring(super::os_bytes(path.as_os_str()).as_ref());
        // SAFETY: NUL-terminated path.
        owned(unsafe {
            libc::open(
                c.as_ptr(),
                libc::O_RDONLY | libc::O_DIRECTORY | libc::O_CLOEXEC,
            )
        })
    }

    fn open_dir(&self, dir: &OwnedFd, rel: &[u8]) -> io::Result<OwnedFd> {
        let c = if rel.is_empty() {
            cstring(b".")
        } else {
            cstring(rel)
        };
        open_quiet(dir.as_fd(), &c, DIR_FLAGS)
    }

    fn opens_relative(&self) -> bool {
        true
    }

    fn read_dir<F>(&self, dir: &mut OwnedFd, scratch: &mut Buf, mut f: F) -> io::Result<()>
    where
        F: for<'e> FnMut(&GetdentsEntry<'e>) -> bool,
    {
        let fd = dir.as_fd();
        let buf = &mut scratch.0;
        loop {
            // SAFETY: the buffer is valid for writes of its length; fd is an open directory.
            let n = unsafe {
                libc::syscall(
                    libc::SYS_getdents64,
                    fd.as_raw_fd(),
                    buf.as_mut_ptr(),
                    buf.len(),
                )
            };
            // A failed listing is the directory's error (docker's walk fails on it too), not
            // its end.
            let Ok(n) = usize::try_from(n) else {
                return Err(io::Error::last_os_error());
            };
            if n == 0 {
                return Ok(());
            }
            let mut off = 0;
            while off + NAME_AT <= n {
                let reclen = usize::from(u16::from_ne_bytes([
                    buf[off + RECLEN_AT],
                    buf[off + RECLEN_AT + 1],
                ]));
                if reclen == 0 || off + reclen > n {
                    return Ok(());
                }
                let dtype = buf[off + TYPE_AT];
                let name_start = off + NAME_AT;
                let rec = &buf[name_start..off + reclen];
                off += reclen;
                // One scan for the NUL that ends the name (the record is padded after it).
                let (name, name_c) = match CStr::from_bytes_until_nul(rec) {
                    Ok(c) => (c.to_bytes(), Cow::Borrowed(c)),
                    Err(_) => (rec, Cow::Owned(cstring(rec))),
                };
                if name == b"." || name == b".." {
                    continue;
                }
                let e = GetdentsEntry {
                    dir: fd,
                    name,
                    name_c,
                    dtype,
                    root: self.root,
                };
                if !f(&e) {
                    return Ok(());
                }
            }
        }
    }

    fn read_file(&self, dir: &OwnedFd, rel: &[u8], max: u64, buf: &mut Vec<u8>) -> bool {
        buf.clear();
        let Ok(c) = CString::new(rel) else {
            return false;
        };
        let Ok(file) = open_quiet(
            dir.as_fd(),
            &c,
            libc::O_RDONLY | libc::O_NOFOLLOW | libc::O_NONBLOCK,
        ) else {
            return false;
        };
        // One read per 64 KiB; the walk already knows the size, so no stat, and a short read
        // of a regular file means its end (no final empty read).
        loop {
            if buf.len() as u64 > max {
                return false;
            }
            buf.reserve(64 * 1024);
            let spare = buf.spare_capacity_mut();
            // SAFETY: writing at most `spare.len()` bytes into the vector's spare capacity.
            let n = unsafe { libc::read(file.as_raw_fd(), spare.as_mut_ptr().cast(), spare.len()) };
            let Ok(n) = usize::try_from(n) else {
                return false;
            };
            let room = spare.len();
            if n == 0 {
                break;
            }
            // SAFETY: the kernel initialised `n` (≤ the spare capacity) more bytes.
            unsafe { buf.set_len(buf.len() + n) };
            if n < room {
                break;
            }
        }
        buf.len() as u64 <= max
    }

    fn max_open_dirs(&self) -> usize {
        super::fd_soft_limit() / 4
    }
}

/// A `stat` nanoseconds field as `u32` (0 if out of range).
fn nanos<T: TryInto<u32>>(x: T) -> u32 {
    x.try_into().unwrap_or(0)
}
