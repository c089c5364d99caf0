//! The operating-system layer: directory handles, directory reading, `lstat`, `readlink`, the
//! read-permission check docker makes, and file reads, behind one trait ([`Fs`]) with three
//! backends. This is the only module of the crate allowed `unsafe` code (`unsafe_code` is denied
//! everywhere else); every descriptor is an [`std::os::fd::OwnedFd`] or a borrow of one.
//!
//! | backend | where | how |
//! |---|---|---|
//! | `linux` | Linux (default there) | raw `getdents64` into a reused 64 KiB buffer, names borrowed from it, `fstatat`/`faccessat`/`readlinkat` relative to the directory: the C floor's system calls |
//! | `portable` | every Unix (default on macOS and the BSDs) | `rustix`: `openat`, `fdopendir`/`readdir` (or `getdents64` on Linux), `statat`, `accessat`, `readlinkat` |
//! | `std` | every platform (the only one on Windows) | `std::fs::read_dir` + the entry's metadata (free on Windows: it comes with the directory listing) |
//!
//! `CTXSIZE_WALKER=portable` (or `std`, or `linux`) picks one at run time, so the whole test
//! suite and the conformance checks can run through each backend on Linux.

use std::borrow::Cow;
use std::ffi::OsStr;
use std::io;
use std::path::{Path, PathBuf};

use crate::tree::Kind;

mod at;
pub(crate) use at::{mode_of, EntryAt};
#[cfg(target_os = "linux")]
mod linux;
mod stdfs;
#[cfg(unix)]
mod unix;

/// What `lstat` tells the walk about one entry (never following a symlink).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Stat {
    /// The kind of entry.
    pub(crate) kind: Kind,
    /// Apparent size in bytes (`st_size`).
    pub(crate) size: u64,
    /// Modification time, whole seconds since the epoch (rounded down).
    pub(crate) mtime: i64,
    /// Link count (1 where the platform has no notion of hard links docker uses).
    pub(crate) nlink: u64,
    /// Inode number (0 where there is none).
    pub(crate) ino: u64,
    /// Nanoseconds and change time (`None` where the platform has no change time).
    pub(crate) times: Option<Times>,
}

/// The times that, with the inode and the size, tell whether a file may have changed: a write
/// sets both; the status-change time cannot be set back by a user (`touch -d` sets the
/// modification time and, in doing so, the change time to now).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Times {
    /// Nanoseconds of the modification time (its seconds are [`Stat::mtime`]).
    pub(crate) mtime_ns: u32,
    /// Status-change time: seconds since the epoch and nanoseconds.
    pub(crate) ctime: (i64, u32),
}

impl Stat {
    /// A 64-bit fingerprint of everything that changes when the file's content can have changed
    /// (inode, size, modification and change times to the nanosecond); `None` where the
    /// platform has no change time (Windows).
    pub(crate) fn fingerprint(&self) -> Option<u64> {
        use std::hash::{Hash, Hasher};
        let t = self.times?;
        let mut h = std::hash::DefaultHasher::new();
        (self.ino, self.size, self.mtime, t.mtime_ns, t.ctime).hash(&mut h);
        Some(h.finish())
    }

    /// The later of the modification and change times, in seconds.
    pub(crate) fn changed_secs(&self) -> Option<i64> {
        self.times.map(|t| self.mtime.max(t.ctime.0))
    }
}

/// One directory entry while its directory is being read.
pub(crate) trait Entry {
    /// The name's bytes (see [`os_bytes`] for how a platform's names become bytes).
    fn name(&self) -> &[u8];
    /// The kind as the directory listing gives it, without a system call, if it does.
    fn kind_hint(&self) -> Option<Kind>;
    /// `lstat` of the entry.
    fn lstat(&self) -> io::Result<Stat>;
    /// The symlink's target bytes (empty if it cannot be read).
    fn read_link(&self) -> Vec<u8>;
    /// Whether the effective user may open it for reading, as docker's `os.Open` check finds
    /// (`kind` is what the walk knows the entry to be).
    fn readable(&self, kind: Kind) -> bool;
}

/// A file-system backend. Directory handles own what they hold (a descriptor is closed when its
/// handle is dropped).
pub(crate) trait Fs: Sync {
    /// An open directory.
    type Dir: Send + Sync;
    /// An entry of a directory being read.
    type Entry<'a>: Entry
    where
        Self: 'a;
    /// What one thread reuses from directory to directory (a read buffer).
    type Scratch: Default + Send;

    /// Opens the context root (following symlinks: it is resolved already).
    fn open_root(&self, path: &Path) -> io::Result<Self::Dir>;
    /// Opens the directory `rel` (`/`-separated, relative to `dir`; empty for `dir` itself)
    /// without following a symlink at its last component.
    fn open_dir(&self, dir: &Self::Dir, rel: &[u8]) -> io::Result<Self::Dir>;
    /// Whether opening a subdirectory while its parent is open saves work (relative opens).
    fn opens_relative(&self) -> bool;
    /// Calls `f` for every entry but `.` and `..` until it returns false. `Err` only when the
    /// directory cannot be read at all; an error in the middle ends the listing, as `getdents64`
    /// returning an error does.
    fn read_dir<F>(&self, dir: &mut Self::Dir, scratch: &mut Self::Scratch, f: F) -> io::Result<()>
    where
        F: for<'e> FnMut(&Self::Entry<'e>) -> bool;
    /// Reads the file `rel` below `dir` (no symlink followed at its last component) into `buf`,
    /// up to `max` bytes. False if it cannot be read or holds more than `max` bytes.
    fn read_file(&self, dir: &Self::Dir, rel: &[u8], max: u64, buf: &mut Vec<u8>) -> bool;
    /// How many directories the walk may hold open ahead of reading them.
    fn max_open_dirs(&self) -> usize;
}

/// Opens the directory `rel` below `dir` like [`Fs::open_dir`], a part at a time when `rel` is
/// too long for one system call (a directory thousands of levels deep): each part stays under
/// [`DEEP_STEP`] bytes, cut at a `/` (a name is at most 255 bytes, so there is always one).
pub(crate) fn open_deep<F: Fs>(fs: &F, dir: &F::Dir, rel: &[u8]) -> io::Result<F::Dir> {
    if rel.len() < DEEP_STEP || !fs.opens_relative() {
        return fs.open_dir(dir, rel);
    }
    let cut = |r: &[u8]| {
        r[..DEEP_STEP.min(r.len())]
            .iter()
            .rposition(|&b| b == b'/')
            .filter(|&k| k > 0)
    };
    let Some(k) = cut(rel) else {
        return fs.open_dir(dir, rel);
    };
    let mut cur = fs.open_dir(dir, &rel[..k])?;
    let mut rest = &rel[k + 1..];
    while rest.len() >= DEEP_STEP {
        let Some(k) = cut(rest) else { break };
        cur = fs.open_dir(&cur, &rest[..k])?;
        rest = &rest[k + 1..];
    }
    fs.open_dir(&cur, rest)
}

/// Opens the directory `rel` below `root` as a descriptor, a part at a time ([`open_deep`]):
/// for reading an entry whose absolute path is too long for one system call (`ctxsize hash`
/// on a context deeper than [`PATH_MAX`] with its own path before it).
#[cfg(target_os = "linux")]
fn open_dir_deep(root: &Path, rel: &[u8]) -> io::Result<std::os::fd::OwnedFd> {
    let fs = linux::Getdents::new();
    let dir = fs.open_root(root)?;
    open_deep(&fs, &dir, rel)
}

/// The longest relative path [`open_deep`] hands to one system call.
pub(crate) const DEEP_STEP: usize = 2048;

/// The backends, as `CTXSIZE_WALKER` names them.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Backend {
    /// Linux's `getdents64` fast path (Linux only).
    Linux,
    /// `rustix` (every Unix).
    Portable,
    /// `std::fs` (every platform; Windows' backend).
    Std,
}

impl Backend {
    /// The default for this platform.
    pub(crate) const fn native() -> Backend {
        if cfg!(target_os = "linux") {
            Backend::Linux
        } else if cfg!(unix) {
            Backend::Portable
        } else {
            Backend::Std
        }
    }

    /// Every backend this platform has.
    pub(crate) fn available() -> &'static [Backend] {
        if cfg!(target_os = "linux") {
            &[Backend::Linux, Backend::Portable, Backend::Std]
        } else if cfg!(unix) {
            &[Backend::Portable, Backend::Std]
        } else {
            &[Backend::Std]
        }
    }

    /// The name `CTXSIZE_WALKER` takes.
    pub(crate) fn name(self) -> &'static str {
        match self {
            Backend::Linux => "linux",
            Backend::Portable => "portable",
            Backend::Std => "std",
        }
    }

    /// Parses a `CTXSIZE_WALKER` value; `None` if unknown or not available here.
    pub(crate) fn parse(s: &str) -> Option<Backend> {
        let b = match s.trim().to_ascii_lowercase().as_str() {
            "" | "native" | "default" => Backend::native(),
            "linux" | "getdents" | "getdents64" => Backend::Linux,
            "portable" | "rustix" => Backend::Portable,
            "std" => Backend::Std,
            _ => return None,
        };
        Backend::available().contains(&b).then_some(b)
    }

    /// The backend `CTXSIZE_WALKER` selects (read once per process): the native one when it is
    /// unset; an unknown or unavailable value is an error, so a CI run meant for one backend
    /// never silently tests another.
    pub(crate) fn from_env() -> Result<Backend, String> {
        static CHOSEN: std::sync::OnceLock<Result<Backend, String>> = std::sync::OnceLock::new();
        CHOSEN
            .get_or_init(|| match std::env::var("CTXSIZE_WALKER") {
                Err(std::env::VarError::NotPresent) => Ok(Backend::native()),
                Err(std::env::VarError::NotUnicode(v)) => Err(format!(
                    "CTXSIZE_WALKER={} is not a walker",
                    v.to_string_lossy()
                )),
                Ok(v) => Backend::parse(&v).ok_or_else(|| {
                    let names: Vec<&str> = Backend::available().iter().map(|b| b.name()).collect();
                    format!(
                        "CTXSIZE_WALKER={v} is not a walker on this platform (one of: {})",
                        names.join(", ")
                    )
                }),
            })
            .clone()
    }
}

/// Code generic over the backend, run with one chosen at run time (see [`with_fs`]).
pub(crate) trait WithFs {
    /// What the code returns.
    type Out;
    /// Runs with backend `fs`.
    fn run<F: Fs>(self, fs: &F) -> Self::Out;
}

/// Runs `w` with `backend` (which must be available on this platform: [`Backend::parse`]
/// checks that; an unavailable one falls back to `std`).
pub(crate) fn with_fs<W: WithFs>(backend: Backend, w: W) -> W::Out {
    match backend {
        #[cfg(target_os = "linux")]
        Backend::Linux => w.run(&linux::Getdents::new()),
        #[cfg(unix)]
        Backend::Portable => w.run(&unix::Rustix::new()),
        _ => w.run(&stdfs::StdFs::new()),
    }
}

/// The bytes of a name or path as the walk, the matcher and the output see them: the raw bytes
/// on Unix; on Windows the UTF-8 of the UTF-16 name, an unpaired surrogate (a name that is not
/// valid UTF-16) replaced by U+FFFD — what Go's `syscall.UTF16ToString` gives the docker CLI.
pub(crate) fn os_bytes(s: &OsStr) -> Cow<'_, [u8]> {
    #[cfg(unix)]
    {
        use std::os::unix::ffi::OsStrExt;
        Cow::Borrowed(s.as_bytes())
    }
    #[cfg(not(unix))]
    {
        match s.to_string_lossy() {
            Cow::Borrowed(t) => Cow::Borrowed(t.as_bytes()),
            Cow::Owned(t) => Cow::Owned(t.into_bytes()),
        }
    }
}

/// The inverse of [`os_bytes`]: raw bytes on Unix; on Windows the bytes read as UTF-8 (invalid
/// sequences replaced by U+FFFD) with `/` turned into `\`.
pub(crate) fn bytes_to_path(b: &[u8]) -> Cow<'_, Path> {
    #[cfg(unix)]
    {
        use std::os::unix::ffi::OsStrExt;
        Cow::Borrowed(Path::new(OsStr::from_bytes(b)))
    }
    #[cfg(not(unix))]
    {
        let s = String::from_utf8_lossy(b);
        if s.contains('/') {
            Cow::Owned(PathBuf::from(s.replace('/', "\\")))
        } else {
            match s {
                Cow::Borrowed(t) => Cow::Borrowed(Path::new(t)),
                Cow::Owned(t) => Cow::Owned(PathBuf::from(t)),
            }
        }
    }
}

/// A relative path's bytes `/`-separated, as docker names it (`filepath.ToSlash`).
pub(crate) fn slash_bytes(p: &Path) -> Cow<'_, [u8]> {
    let b = os_bytes(p.as_os_str());
    if cfg!(windows) && b.contains(&b'\\') {
        Cow::Owned(to_slash(b.into_owned()))
    } else {
        b
    }
}

/// `\\` → `/` (Windows' `filepath.ToSlash` on bytes).
pub(crate) fn to_slash(mut b: Vec<u8>) -> Vec<u8> {
    for c in &mut b {
        if *c == b'\\' {
            *c = b'/';
        }
    }
    b
}

/// The absolute path of a context-relative entry (`/`-separated bytes), for opening it by path
/// and for messages.
/// The longest path, NUL included, that a system call takes here (`PATH_MAX`): Go's `os.Lstat`
/// on a longer one fails with "file name too long". `None`: no such limit (Windows, where Go
/// adds the long-path prefix itself).
pub(crate) const PATH_MAX: Option<usize> = if cfg!(target_os = "linux") {
    Some(4096)
} else if cfg!(unix) {
    Some(1024)
} else {
    None
};

/// The error a path over [`PATH_MAX`] gets (`ENAMETOOLONG`; 0 where there is no limit).
#[cfg(unix)]
pub(crate) const ENAMETOOLONG: i32 = libc::ENAMETOOLONG;
#[cfg(not(unix))]
pub(crate) const ENAMETOOLONG: i32 = 0;

/// Whether a relative path of `rel_len` bytes, joined to a prefix of `prefix` bytes (`prefix/rel`;
/// 0: no prefix), is too long for one system call ([`PATH_MAX`]).
pub(crate) fn too_long(prefix: usize, rel_len: usize) -> bool {
    let full = if prefix == 0 {
        rel_len
    } else {
        prefix + 1 + rel_len
    };
    PATH_MAX.is_some_and(|max| full >= max)
}

pub(crate) fn abs_path(root: &Path, rel: &[u8]) -> PathBuf {
    if rel.is_empty() {
        root.to_path_buf()
    } else {
        root.join(bytes_to_path(rel))
    }
}

/// The entry kind of file metadata (from `lstat`, `symlink_metadata`).
pub(crate) fn kind_of(md: &std::fs::Metadata) -> Kind {
    kind_of_type(md.file_type())
}

/// The entry kind of a file type.
pub(crate) fn kind_of_type(t: std::fs::FileType) -> Kind {
    if t.is_dir() {
        return Kind::Dir;
    }
    if t.is_symlink() {
        return Kind::Symlink;
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        if t.is_fifo() {
            return Kind::Fifo;
        }
        if t.is_socket() {
            return Kind::Socket;
        }
        if t.is_char_device() {
            return Kind::CharDev;
        }
        if t.is_block_device() {
            return Kind::BlockDev;
        }
    }
    Kind::File
}

/// Modification time in whole seconds since the epoch, rounded down (as `st_mtime`).
pub(crate) fn mtime_secs(md: &std::fs::Metadata) -> i64 {
    match md.modified() {
        Ok(t) => match t.duration_since(std::time::UNIX_EPOCH) {
            Ok(d) => i64::try_from(d.as_secs()).unwrap_or(i64::MAX),
            Err(e) => {
                let d = e.duration();
                let s = i64::try_from(d.as_secs()).unwrap_or(i64::MAX);
                -s - i64::from(d.subsec_nanos() > 0)
            }
        },
        Err(_) => 0,
    }
}

/// The soft limit on open file descriptors.
#[cfg(unix)]
pub(crate) fn fd_soft_limit() -> usize {
    {
        rustix::process::getrlimit(rustix::process::Resource::Nofile)
            .current
            .map_or(usize::MAX, |n| usize::try_from(n).unwrap_or(usize::MAX))
    }
}

#[cfg(unix)]
/// A signed `stat` field (whose C type differs between platforms) as `i64`.
pub(crate) fn signed<T: TryInto<i64>>(x: T) -> i64 {
    x.try_into().unwrap_or(i64::MAX)
}

#[cfg(unix)]
/// An unsigned `stat` field (or a size that cannot be negative) as `u64`; 0 if negative.
pub(crate) fn unsigned<T: TryInto<u64>>(x: T) -> u64 {
    x.try_into().unwrap_or(0)
}

/// Hands the allocator's free memory back to the system (glibc's `malloc_trim`: the walk's
/// per-thread buffers, freed once the tree is merged, would otherwise stay resident in the
/// threads' arenas). Does nothing elsewhere.
/// Sets the allocator up for one large walk (glibc only): blocks of 1 MiB and more are mapped
/// on their own and unmapped when freed. glibc's default moves that threshold up to the size
/// of the largest block freed so far (up to 32 MiB), after which the walk's growing vectors are
/// carved from the per-thread heaps and leave them fragmented: on n1m the report's peak RSS was
/// 33–35 MiB with the default, 29.8–30.4 MiB with this (the same wall time within noise).
/// And at most two heaps: glibc gives each thread that allocates its own (up to 8 per core),
/// and the content readers' small allocations leave each partly used; a first-run report on
/// n1m peaked at 30.8–32.7 MiB with one heap per thread, 30.2–31.0 with two.
pub(crate) fn tune_allocator() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: mallopt only changes the allocator's tuning parameters; it has no preconditions
    // and touches no allocation.
    unsafe {
        libc::mallopt(libc::M_MMAP_THRESHOLD, 1 << 20);
        libc::mallopt(libc::M_ARENA_MAX, 2);
    }
}

pub(crate) fn release_free_memory() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: malloc_trim only returns unused pages of the allocator's own heaps; it touches no
    // live allocation and has no preconditions.
    unsafe {
        libc::malloc_trim(0);
    }
}

/// A backend's name for a path component list: the last component of `rel`.
pub(crate) fn last_component(rel: &[u8]) -> &[u8] {
    rel.rsplit(|&b| b == b'/').next().unwrap_or(rel)
}

#[cfg(test)]
mod tests;
