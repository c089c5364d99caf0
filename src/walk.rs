//! The only code that touches the file system: a parallel walk of the context that never follows
//! symlinks, stats each non-directory once (directories are typed by `getdents64`'s `d_type`),
//! classifies every entry with docker's rules for the chosen builder, and sums up what it prunes.
//!
//! Work is a LIFO stack of directories shared by the worker threads (one lock per directory, not
//! per entry). Each thread keeps its own nodes, names and counters; they are merged once at the
//! end. `ignore`'s parallel walker was measured against this: it stats every entry it yields,
//! directories included, and allocates a `DirEntry` per file, which costs about a third more
//! system time on the benchmark corpora, so the walk is written directly against the syscalls.

// The raw syscalls move to src/sys, the only module allowed `unsafe`.
#![allow(unsafe_code, clippy::undocumented_unsafe_blocks)]

use std::borrow::Cow;
use std::ffi::{CStr, CString};
use std::os::unix::ffi::OsStrExt;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Condvar, Mutex};

pub use crate::builder::Builder;
use crate::dockerignore::{union, Bits, FastMatcher};
use crate::tar::header_bytes;
use crate::tree::{walk_order, Kind, LinkCandidate, Node, State, Tree, ROOT};

/// How to prune excluded directories.
#[derive(Clone, Debug)]
pub enum Prune {
    /// Classic (R20): no exceptions → prune; else walk in only when an exception's text starts
    /// with `dir/` literally.
    Classic {
        /// Whether any exception exists.
        has_exclusions: bool,
        /// Each exception's cleaned text followed by `/`.
        prefixes: Vec<Vec<u8>>,
    },
    /// BuildKit (B4): prune only when every exception is prefix-only.
    Buildkit {
        /// `None` when some exception has a wildcard (BuildKit never prunes).
        prefixes: Option<Vec<Vec<u8>>>,
        /// Whether any exception exists.
        has_exclusions: bool,
        /// When BuildKit does not prune: the literal leading components of every exception
        /// (`src` for `!src/**/build/`), or `None` when one can match anywhere. BuildKit walks
        /// every excluded directory then, but one that is neither above nor below any of these
        /// holds nothing an exception can re-include, so ctxsize only sizes it: same entries,
        /// same totals, without matching every path below `node_modules/`.
        reach: Option<Vec<Vec<u8>>>,
    },
}

/// What to walk and how.
pub struct WalkPlan<'a> {
    /// The context root (absolute, symlinks resolved).
    pub root: &'a Path,
    /// The matcher over the effective pattern list.
    pub matcher: &'a FastMatcher,
    /// Builder rules.
    pub builder: Builder,
    /// Classic: the number of raw patterns (validation ignores the appended exceptions).
    pub raw_len: usize,
    /// Pruning rule.
    pub prune: Prune,
    /// Worker threads.
    pub threads: usize,
    /// Entries seen so far, for a progress display (updated once per directory).
    pub progress: Option<&'a std::sync::atomic::AtomicU64>,
}

/// A failure docker would stop on.
#[derive(Debug, Clone)]
pub enum WalkErrorKind {
    /// Classic validation could not list a directory or stat an entry.
    CantStat,
    /// Classic validation could not open an included file.
    NoPermission,
    /// BuildKit could not read an included directory.
    OpenDir(i32),
    /// A pattern whose regex does not compile was evaluated (pattern index).
    Pattern(usize),
    /// The context root itself could not be read.
    Root(i32),
}

/// A walk failure with the entry it happened on.
#[derive(Debug, Clone)]
pub struct WalkError {
    /// Relative path of the entry.
    pub rel: Vec<u8>,
    /// What happened.
    pub kind: WalkErrorKind,
}

struct Job {
    rel: Vec<u8>,
    /// The directory, already opened relative to its parent's descriptor (one path component
    /// to resolve instead of all of `rel`): an fd, `-errno` if that open failed, or
    /// [`NOT_OPENED`].
    fd: i32,
    node: u32,
    /// R16(b) bits of this directory (None for the root).
    pbits: Option<Bits>,
    /// Union of the match sets of this directory and its ancestors (classic validation).
    abits: Bits,
    /// Entries here are candidates for the context.
    tar: bool,
    /// Classic validation walks this directory.
    val: bool,
    /// The pruned directory that excluded totals are attributed to.
    top: u32,
    /// Failing to open this directory is fatal.
    fatal_open: bool,
}

/// [`Job::fd`]: open the directory by its path from the root.
const NOT_OPENED: i32 = i32::MIN;

/// At most this many directories are held open ahead of being walked, so a wide tree cannot
/// run out of file descriptors (the rest are opened by path).
const MAX_PREOPEN: usize = 256;

impl Drop for Job {
    fn drop(&mut self) {
        if self.fd >= 0 {
            // SAFETY: the job owns this descriptor; a walked job has taken it (fd reset).
            unsafe { libc::close(self.fd) };
        }
    }
}

struct Queue {
    jobs: Vec<Job>,
    /// Threads blocked waiting for work.
    waiting: usize,
    done: bool,
}

#[derive(Default)]
struct Local {
    nodes: Vec<Node>,
    names: Vec<u8>,
    links: Vec<LinkCandidate>,
    pruned: Vec<(u32, u64, u64)>,
    warnings: Vec<String>,
    errors: Vec<WalkError>,
    tar_stops: Vec<(Vec<u8>, usize)>,
    tar_cuts: Vec<Vec<u8>>,
}

const TID_SHIFT: u32 = 26;
const LOCAL_MASK: u32 = (1 << TID_SHIFT) - 1;

struct Shared<'a> {
    plan: &'a WalkPlan<'a>,
    threads: usize,
    idle: AtomicUsize,
    root_fd: i32,
    queue: Mutex<Queue>,
    cv: Condvar,
    euid: u32,
    /// Directories opened ahead (see [`MAX_PREOPEN`]).
    preopen: AtomicUsize,
    /// The limit for this process (lower when the descriptor limit is low).
    max_preopen: usize,
}

fn errno() -> i32 {
    std::io::Error::last_os_error().raw_os_error().unwrap_or(0)
}

fn cstr(b: &[u8]) -> CString {
    // Names from getdents never contain NUL; a path built from them cannot either.
    CString::new(b.to_vec()).unwrap_or_default()
}

/// The entry kind of an `st_mode`.
pub(crate) fn kind_of_mode(mode: u32) -> Kind {
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

/// Opens a directory below `fd` without following a symlink at the last component.
fn open_dir_at(fd: i32, name: &CStr) -> i32 {
    // SAFETY: valid fd and NUL-terminated name.
    unsafe {
        libc::openat(
            fd,
            name.as_ptr(),
            libc::O_RDONLY | libc::O_DIRECTORY | libc::O_NOFOLLOW | libc::O_CLOEXEC,
        )
    }
}

fn lstat_at(fd: i32, name: &CStr) -> Result<libc::stat, i32> {
    // SAFETY: `st` is plain data written by the kernel; `name` is NUL-terminated.
    unsafe {
        let mut st: libc::stat = std::mem::zeroed();
        if libc::fstatat(fd, name.as_ptr(), &mut st, libc::AT_SYMLINK_NOFOLLOW) == 0 {
            Ok(st)
        } else {
            Err(errno())
        }
    }
}

fn readlink_at(fd: i32, name: &CStr) -> Vec<u8> {
    let mut buf = vec![0u8; 4096];
    // SAFETY: the buffer is valid for its length.
    let n = unsafe { libc::readlinkat(fd, name.as_ptr(), buf.as_mut_ptr().cast(), buf.len()) };
    if n < 0 {
        return Vec::new();
    }
    buf.truncate(n as usize);
    buf
}

fn readable_at(fd: i32, name: &CStr, euid: u32) -> bool {
    if euid == 0 {
        return true;
    }
    // SAFETY: plain syscall on a valid fd and NUL-terminated name.
    unsafe { libc::faccessat(fd, name.as_ptr(), libc::R_OK, libc::AT_EACCESS) == 0 }
}

impl Shared<'_> {
    /// Takes a job from the shared queue, waiting while other threads may still produce work.
    fn take(&self) -> Option<Job> {
        let mut q = self.queue.lock().unwrap_or_else(|e| e.into_inner());
        loop {
            if q.done {
                return None;
            }
            if let Some(j) = q.jobs.pop() {
                return Some(j);
            }
            q.waiting += 1;
            self.idle.fetch_add(1, Ordering::Relaxed);
            if q.waiting == self.threads {
                q.done = true;
                self.cv.notify_all();
                return None;
            }
            q = self.cv.wait(q).unwrap_or_else(|e| e.into_inner());
            q.waiting -= 1;
            self.idle.fetch_sub(1, Ordering::Relaxed);
        }
    }

    /// Each thread works depth-first on its own stack and hands half of it to the shared queue
    /// only when another thread is idle, so the lock is taken about once per shared batch, not
    /// once per directory.
    fn worker(&self, tid: u32) -> Local {
        let mut local = Local::default();
        let mut mc = self.plan.matcher.cache();
        let mut buf = vec![0u8; 64 * 1024];
        let mut stack: Vec<Job> = Vec::new();
        while let Some(mut job) = stack.pop().or_else(|| self.take()) {
            let fatal = self.dir(tid, &mut job, &mut local, &mut mc, &mut buf, &mut stack);
            if fatal {
                let mut q = self.queue.lock().unwrap_or_else(|e| e.into_inner());
                q.done = true;
                self.cv.notify_all();
                break;
            }
            if stack.len() > 1 && self.idle.load(Ordering::Relaxed) > 0 {
                let mut q = self.queue.lock().unwrap_or_else(|e| e.into_inner());
                if q.waiting > 0 {
                    // Give away the oldest (shallowest, usually largest) half.
                    let give = stack.len() / 2;
                    q.jobs.extend(stack.drain(..give));
                    self.cv.notify_all();
                }
            }
        }
        local
    }

    fn add_node(&self, tid: u32, local: &mut Local, node: Node, name: &[u8]) -> u32 {
        let mut node = node;
        node.name_off = local.names.len() as u32;
        node.name_len = name.len() as u32;
        local.names.extend_from_slice(name);
        local.nodes.push(node);
        (tid << TID_SHIFT) | (local.nodes.len() as u32 - 1)
    }

    /// Walks one directory. Returns true on a fatal error.
    fn dir(
        &self,
        tid: u32,
        job: &mut Job,
        local: &mut Local,
        mc: &mut crate::dockerignore::MatchCache,
        buf: &mut [u8],
        out: &mut Vec<Job>,
    ) -> bool {
        let plan = self.plan;
        let (fd, open_errno) = match job.fd {
            NOT_OPENED => {
                let rel_c = if job.rel.is_empty() {
                    cstr(b".")
                } else {
                    cstr(&job.rel)
                };
                let fd = open_dir_at(self.root_fd, &rel_c);
                (fd, if fd < 0 { errno() } else { 0 })
            }
            fd if fd >= 0 => {
                self.preopen.fetch_sub(1, Ordering::Relaxed);
                (fd, 0)
            }
            e => (-1, -e),
        };
        // The descriptor now belongs to this call.
        job.fd = NOT_OPENED;
        if fd < 0 {
            let e = open_errno;
            if job.fatal_open {
                let kind = match plan.builder {
                    Builder::Classic => WalkErrorKind::CantStat,
                    Builder::Buildkit => WalkErrorKind::OpenDir(e),
                };
                local.errors.push(WalkError {
                    rel: job.rel.clone(),
                    kind,
                });
                return true;
            }
            local.warnings.push(format!(
                "cannot read directory {}: {}",
                String::from_utf8_lossy(&job.rel),
                std::io::Error::from_raw_os_error(e)
            ));
            return false;
        }
        let matching = job.tar || job.val;
        let mut pos = if matching && !plan.matcher.is_empty() {
            Some(plan.matcher.dir_pos(mc, &job.rel))
        } else {
            None
        };
        let mut m: Bits = Vec::new();
        let mut bits: Bits = Vec::new();
        let first_job = out.len();
        let mut path: Vec<u8> = Vec::with_capacity(job.rel.len() + 64);
        let mut excl_files = 0u64;
        let mut seen = 0u64;
        let mut excl_bytes = 0u64;
        let mut fatal = false;
        'read: loop {
            // SAFETY: the buffer is valid for its length; fd is an open directory.
            let n = unsafe { libc::syscall(libc::SYS_getdents64, fd, buf.as_mut_ptr(), buf.len()) };
            if n <= 0 {
                break;
            }
            let n = n as usize;
            let mut off = 0;
            while off < n {
                let reclen = u16::from_ne_bytes([buf[off + 16], buf[off + 17]]) as usize;
                let dtype = buf[off + 18];
                let name_start = off + 19;
                let name_end = buf[name_start..off + reclen]
                    .iter()
                    .position(|&b| b == 0)
                    .map_or(off + reclen, |p| name_start + p);
                off += reclen;
                let name = &buf[name_start..name_end];
                if name == b"." || name == b".." {
                    continue;
                }
                seen += 1;
                // getdents64 names are NUL-terminated in the buffer: no allocation per entry.
                let name_c: Cow<'_, CStr> = match CStr::from_bytes_with_nul(
                    &buf[name_start..(name_end + 1).min(buf.len())],
                ) {
                    Ok(c) => Cow::Borrowed(c),
                    Err(_) => Cow::Owned(cstr(name)),
                };
                let mut st: Option<libc::stat> = None;
                let kind = match kind_of_dtype(dtype) {
                    Some(k) => k,
                    None => match lstat_at(fd, &name_c) {
                        Ok(s) => {
                            let k = kind_of_mode(s.st_mode);
                            st = Some(s);
                            k
                        }
                        Err(_) => Kind::File,
                    },
                };
                path.clear();
                if !job.rel.is_empty() {
                    path.extend_from_slice(&job.rel);
                    path.push(b'/');
                }
                path.extend_from_slice(name);

                if !matching {
                    // Inside a pruned directory: only sizes.
                    if kind == Kind::Dir {
                        out.push(Job {
                            rel: path.clone(),
                            fd: NOT_OPENED,
                            node: job.node,
                            pbits: None,
                            abits: Vec::new(),
                            tar: false,
                            val: false,
                            top: job.top,
                            fatal_open: false,
                        });
                    } else {
                        let s = st.or_else(|| lstat_at(fd, &name_c).ok());
                        if let Some(s) = s {
                            excl_files += 1;
                            if kind == Kind::File {
                                excl_bytes += s.st_size as u64;
                            }
                        }
                    }
                    continue;
                }

                if let Some(p) = pos.as_mut() {
                    plan.matcher
                        .matches_into(mc, p, &job.rel, name, &path, &mut m);
                } else {
                    m.clear();
                }
                // The tar walk's verdict (R16 b).
                let mut excluded_b = false;
                let mut tar_here = job.tar;
                if job.tar {
                    match plan.matcher.eval_parent_results(
                        &path,
                        job.pbits.as_ref(),
                        &m,
                        &mut bits,
                        usize::MAX,
                    ) {
                        Ok(x) => excluded_b = x,
                        Err(bp) if plan.builder == Builder::Classic => {
                            // The CLI's tar walk logs "Error matching" and stops; the tar ends
                            // (with its trailer) before this entry. Validation already passed,
                            // so the build goes on with a short context.
                            local.tar_stops.push((path.clone(), bp.0));
                            tar_here = false;
                            excluded_b = true;
                        }
                        Err(bp) => {
                            local.errors.push(WalkError {
                                rel: path.clone(),
                                kind: WalkErrorKind::Pattern(bp.0),
                            });
                            fatal = true;
                            break 'read;
                        }
                    }
                }
                // Classic validation's verdict (R16 a, raw patterns).
                let mut excluded_a = true;
                if job.val {
                    match plan
                        .matcher
                        .eval_or_parent(&path, &job.abits, &m, plan.raw_len)
                    {
                        Ok(x) => excluded_a = x,
                        Err(bp) => {
                            local.errors.push(WalkError {
                                rel: path.clone(),
                                kind: WalkErrorKind::Pattern(bp.0),
                            });
                            fatal = true;
                            break 'read;
                        }
                    }
                }

                if kind == Kind::Dir {
                    let (state, tar_in) = if !job.tar {
                        (State::Excluded, false)
                    } else if !excluded_b {
                        (State::Sent, true)
                    } else if tar_here && self.walk_into_excluded(&path) {
                        (State::ExcludedWalked, true)
                    } else {
                        (State::Excluded, false)
                    };
                    let val_in = job.val && !excluded_a;
                    if job.val && excluded_a && !readable_at(fd, &name_c, self.euid) {
                        // filepath.Walk lists a directory before its callback can prune it.
                        local.errors.push(WalkError {
                            rel: path.clone(),
                            kind: WalkErrorKind::CantStat,
                        });
                        fatal = true;
                        break 'read;
                    }
                    let fatal_open = match plan.builder {
                        Builder::Classic => job.val,
                        Builder::Buildkit => state == State::Sent,
                    };
                    let node = if job.tar {
                        let full = {
                            let mut f = path.clone();
                            f.push(b'/');
                            f
                        };
                        let mtime = match st {
                            Some(s) => s.st_mtime,
                            None => 0,
                        };
                        let hdr = header_bytes(&full, None, 0, mtime) as u32;
                        self.add_node(
                            tid,
                            local,
                            Node {
                                parent: job.node,
                                name_off: 0,
                                name_len: 0,
                                kind,
                                state,
                                size: 0,
                                hdr,
                            },
                            name,
                        )
                    } else {
                        job.node
                    };
                    let top = if tar_in || job.tar { node } else { job.top };
                    let abits = if val_in {
                        union(&job.abits, &m)
                    } else {
                        Vec::new()
                    };
                    out.push(Job {
                        rel: path.clone(),
                        fd: NOT_OPENED,
                        node,
                        pbits: if tar_in { Some(bits.clone()) } else { None },
                        abits,
                        tar: tar_in,
                        val: val_in,
                        top,
                        fatal_open,
                    });
                    continue;
                }

                // A non-directory: one lstat.
                let s = match st {
                    Some(s) => s,
                    None => match lstat_at(fd, &name_c) {
                        Ok(s) => s,
                        Err(e) => {
                            if job.val && !excluded_a && e == libc::EACCES {
                                local.errors.push(WalkError {
                                    rel: path.clone(),
                                    kind: WalkErrorKind::CantStat,
                                });
                                fatal = true;
                                break 'read;
                            }
                            continue;
                        }
                    },
                };
                let kind = kind_of_mode(s.st_mode);
                if job.val
                    && !excluded_a
                    && !matches!(kind, Kind::Symlink | Kind::Fifo | Kind::Dir)
                    && !readable_at(fd, &name_c, self.euid)
                {
                    local.errors.push(WalkError {
                        rel: path.clone(),
                        kind: WalkErrorKind::NoPermission,
                    });
                    fatal = true;
                    break 'read;
                }
                let size = if kind == Kind::File {
                    s.st_size as u64
                } else {
                    0
                };
                if !job.tar {
                    excl_files += 1;
                    excl_bytes += size;
                    continue;
                }
                let (kind, state) = if excluded_b {
                    (kind, State::Excluded)
                } else if kind == Kind::Socket {
                    match plan.builder {
                        Builder::Classic => {
                            local.warnings.push(format!(
                                "socket {} is skipped by the classic builder (archive/tar: sockets not supported)",
                                String::from_utf8_lossy(&path)
                            ));
                            (kind, State::Skipped)
                        }
                        Builder::Buildkit => (Kind::File, State::Sent),
                    }
                } else {
                    (kind, State::Sent)
                };
                if state == State::Sent
                    && plan.builder == Builder::Classic
                    && kind == Kind::File
                    && (!job.val || excluded_a)
                    && !readable_at(fd, &name_c, self.euid)
                {
                    // Validation never saw this file (its directory is excluded and walked
                    // only for an exception). The CLI writes its header, fails to open it, and
                    // the rest of the tar, trailer included, is lost (go-archive v0.1.0).
                    local.tar_cuts.push(path.clone());
                }
                let mut hdr = 0u32;
                if state == State::Sent {
                    let link = if kind == Kind::Symlink {
                        Some(readlink_at(fd, &name_c))
                    } else {
                        None
                    };
                    hdr = header_bytes(&path, link.as_deref(), size, s.st_mtime) as u32;
                }
                let id = self.add_node(
                    tid,
                    local,
                    Node {
                        parent: job.node,
                        name_off: 0,
                        name_len: 0,
                        kind,
                        state,
                        size,
                        hdr,
                    },
                    name,
                );
                if state == State::Sent && s.st_nlink > 1 {
                    local.links.push(LinkCandidate {
                        node: id,
                        ino: s.st_ino,
                        mtime: s.st_mtime,
                    });
                }
            }
        }
        self.preopen_children(fd, &mut out[first_job..]);
        // SAFETY: fd is ours.
        unsafe { libc::close(fd) };
        if let Some(p) = plan.progress {
            p.fetch_add(seen, Ordering::Relaxed);
        }
        if excl_files > 0 || excl_bytes > 0 {
            local.pruned.push((job.top, excl_files, excl_bytes));
        }
        fatal
    }

    /// Opens the subdirectories just found relative to their parent's descriptor while it is
    /// open, last first (the depth-first stack walks those first), within [`MAX_PREOPEN`].
    fn preopen_children(&self, fd: i32, jobs: &mut [Job]) {
        for j in jobs.iter_mut().rev() {
            if self.preopen.load(Ordering::Relaxed) >= self.max_preopen {
                break;
            }
            let name = j.rel.rsplit(|&b| b == b'/').next().unwrap_or(&j.rel);
            let c = cstr(name);
            let child = open_dir_at(fd, &c);
            j.fd = if child >= 0 {
                self.preopen.fetch_add(1, Ordering::Relaxed);
                child
            } else {
                -errno()
            };
        }
    }

    fn walk_into_excluded(&self, dir: &[u8]) -> bool {
        // `a` lies below the directory `b`.
        let below =
            |a: &[u8], b: &[u8]| a.len() > b.len() && a.starts_with(b) && a[b.len()] == b'/';
        let starts = |prefixes: &Vec<Vec<u8>>| prefixes.iter().any(|p| below(p, dir));
        match &self.plan.prune {
            Prune::Classic {
                has_exclusions,
                prefixes,
            } => *has_exclusions && starts(prefixes),
            Prune::Buildkit {
                prefixes,
                has_exclusions,
                reach,
            } => match (prefixes, reach) {
                (Some(p), _) => *has_exclusions && starts(p),
                (None, None) => true,
                // `dir` is, contains or lies below an exception's literal part.
                (None, Some(r)) => r
                    .iter()
                    .any(|p| p.as_slice() == dir || below(p, dir) || below(dir, p)),
            },
        }
    }
}

/// Walks the context. Returns the tree, or the first fatal error in walk order.
pub fn walk(plan: &WalkPlan) -> Result<Tree, WalkError> {
    let root_c = cstr(plan.root.as_os_str().as_bytes());
    // SAFETY: NUL-terminated path.
    let root_fd = unsafe {
        libc::open(
            root_c.as_ptr(),
            libc::O_RDONLY | libc::O_DIRECTORY | libc::O_CLOEXEC,
        )
    };
    if root_fd < 0 {
        return Err(WalkError {
            rel: Vec::new(),
            kind: WalkErrorKind::Root(errno()),
        });
    }
    // SAFETY: geteuid has no preconditions.
    let euid = unsafe { libc::geteuid() };
    let threads = plan.threads.clamp(1, 63);
    let shared = Shared {
        plan,
        threads,
        idle: AtomicUsize::new(0),
        root_fd,
        queue: Mutex::new(Queue {
            jobs: vec![Job {
                rel: Vec::new(),
                fd: NOT_OPENED,
                node: ROOT,
                pbits: None,
                abits: Vec::new(),
                tar: true,
                val: plan.builder == Builder::Classic,
                top: ROOT,
                fatal_open: true,
            }],
            waiting: 0,
            done: false,
        }),
        cv: Condvar::new(),
        euid,
        preopen: AtomicUsize::new(0),
        max_preopen: {
            // SAFETY: getrlimit writes the plain struct.
            let mut lim: libc::rlimit = unsafe { std::mem::zeroed() };
            let soft = if unsafe { libc::getrlimit(libc::RLIMIT_NOFILE, &mut lim) } == 0 {
                lim.rlim_cur as usize
            } else {
                1024
            };
            MAX_PREOPEN.min(soft / 4)
        },
    };
    let locals: Vec<Local> = std::thread::scope(|s| {
        let handles: Vec<_> = (1..threads)
            .map(|t| {
                let sh = &shared;
                s.spawn(move || sh.worker(t as u32))
            })
            .collect();
        let mut v = vec![shared.worker(0)];
        for h in handles {
            v.push(h.join().unwrap_or_default());
        }
        v
    });
    // SAFETY: our fd.
    unsafe { libc::close(root_fd) };
    merge(locals)
}

fn merge(locals: Vec<Local>) -> Result<Tree, WalkError> {
    let mut errors: Vec<WalkError> = Vec::new();
    let mut stops: Vec<(Vec<u8>, usize)> = Vec::new();
    let mut cuts: Vec<Vec<u8>> = Vec::new();
    let mut tree = Tree::default();
    // Map encoded ids to global ids.
    let mut bases = vec![0u32; locals.len()];
    let mut acc = 0u32;
    for (t, l) in locals.iter().enumerate() {
        bases[t] = acc;
        acc += l.nodes.len() as u32;
    }
    let remap = |id: u32| -> u32 {
        if id == ROOT {
            ROOT
        } else {
            bases[(id >> TID_SHIFT) as usize] + (id & LOCAL_MASK)
        }
    };
    tree.nodes.reserve(acc as usize);
    for l in locals {
        let name_base = tree.names.len() as u32;
        tree.names.extend_from_slice(&l.names);
        for mut n in l.nodes {
            n.parent = remap(n.parent);
            n.name_off += name_base;
            tree.nodes.push(n);
        }
        for mut c in l.links {
            c.node = remap(c.node);
            tree.links.push(c);
        }
        for (id, f, b) in l.pruned {
            tree.pruned.push((remap(id), f, b));
        }
        tree.warnings.extend(l.warnings);
        errors.extend(l.errors);
        stops.extend(l.tar_stops);
        cuts.extend(l.tar_cuts);
    }
    if let Some(first) = errors.into_iter().min_by(|a, b| walk_order(&a.rel, &b.rel)) {
        return Err(first);
    }
    tree.warnings.sort();
    tree.tar_stop = stops.into_iter().min_by(|a, b| walk_order(&a.0, &b.0));
    let cut = cuts.into_iter().min_by(|a, b| walk_order(a, b));
    if let (Some(c), Some((stop, _))) = (&cut, &tree.tar_stop) {
        if walk_order(stop, c) == std::cmp::Ordering::Less {
            tree.tar_cut = None;
        } else {
            tree.tar_cut = Some(c.clone());
        }
    } else {
        tree.tar_cut = cut;
    }
    if let Some(c) = tree.tar_cut.clone() {
        let ids: Vec<u32> = tree.sent().collect();
        for id in ids {
            if walk_order(&tree.path(id), &c) == std::cmp::Ordering::Greater {
                tree.nodes[id as usize].state = State::Skipped;
            }
        }
        tree.warnings.push(format!(
            "the classic builder cannot open {} (its directory is excluded, so its pre-flight check never saw it): docker writes its header and the rest of the context, trailer included, is lost",
            crate::render::escape(&c)
        ));
    }
    if let Some((stop, _)) = &tree.tar_stop {
        let ids: Vec<u32> = tree.sent().collect();
        for id in ids {
            if walk_order(&tree.path(id), stop) != std::cmp::Ordering::Less {
                tree.nodes[id as usize].state = State::Skipped;
            }
        }
    }
    Ok(tree)
}

/// The absolute path of a relative entry, for messages.
pub fn abs_path(root: &Path, rel: &[u8]) -> PathBuf {
    if rel.is_empty() {
        root.to_path_buf()
    } else {
        root.join(std::ffi::OsStr::from_bytes(rel))
    }
}

/// Reads small files of the context in parallel (the content scan after the walk) and maps each
/// through `f`. Files that cannot be read, or that grew past `max` bytes, are skipped. Paths are
/// relative to `root`.
pub fn read_files<R: Send>(
    root: &Path,
    rels: &[Vec<u8>],
    max: u64,
    f: impl Fn(usize, &[u8]) -> R + Sync,
) -> Vec<R> {
    use rayon::prelude::*;
    let root_c = cstr(root.as_os_str().as_bytes());
    // SAFETY: NUL-terminated path.
    let root_fd = unsafe {
        libc::open(
            root_c.as_ptr(),
            libc::O_RDONLY | libc::O_DIRECTORY | libc::O_CLOEXEC,
        )
    };
    if root_fd < 0 {
        return Vec::new();
    }
    thread_local! {
        /// One read buffer per thread, reused from file to file.
        static BUF: std::cell::RefCell<Vec<u8>> = const { std::cell::RefCell::new(Vec::new()) };
    }
    // Runs of files in one directory: that directory is opened once and each file from it,
    // one path component to resolve instead of the whole path.
    fn parent(r: &[u8]) -> Option<&[u8]> {
        r.iter().rposition(|&b| b == b'/').map(|k| &r[..k])
    }
    let mut runs: Vec<(usize, usize)> = Vec::new();
    for i in 0..rels.len() {
        match runs.last_mut() {
            Some((s, e)) if *e == i && parent(&rels[*s]) == parent(&rels[i]) => *e += 1,
            _ => runs.push((i, i + 1)),
        }
    }
    let out = runs
        .par_iter()
        .with_max_len(1)
        .flat_map_iter(|&(s, e)| {
            let dir = match parent(&rels[s]) {
                Some(d) if e - s > 1 => open_dir_at(root_fd, &cstr(d)),
                _ => -1,
            };
            let got: Vec<R> = BUF.with(|b| {
                let mut buf = b.borrow_mut();
                (s..e)
                    .filter_map(|i| {
                        let ok = if dir >= 0 {
                            let name = rels[i].rsplit(|&b| b == b'/').next().unwrap_or(&[]);
                            read_at(dir, name, max, &mut buf)
                        } else {
                            read_at(root_fd, &rels[i], max, &mut buf)
                        };
                        ok.then(|| f(i, &buf))
                    })
                    .collect()
            });
            if dir >= 0 {
                // SAFETY: our fd.
                unsafe { libc::close(dir) };
            }
            got
        })
        .collect();
    // SAFETY: our fd.
    unsafe { libc::close(root_fd) };
    out
}

/// Reads a file relative to `dirfd` (no symlink followed at the last component) into `buf`, up
/// to `max` bytes: open, one read per 64 KiB, close — the walk already knows the size, so no
/// stat. False if it cannot be read or is larger than `max`.
fn read_at(dirfd: i32, rel: &[u8], max: u64, buf: &mut Vec<u8>) -> bool {
    buf.clear();
    let Ok(c) = CString::new(rel.to_vec()) else {
        return false;
    };
    // SAFETY: valid fd and NUL-terminated path.
    let fd = unsafe {
        libc::openat(
            dirfd,
            c.as_ptr(),
            libc::O_RDONLY | libc::O_NOFOLLOW | libc::O_CLOEXEC | libc::O_NONBLOCK,
        )
    };
    if fd < 0 {
        return false;
    }
    let mut ok = true;
    loop {
        if buf.len() as u64 > max {
            ok = false;
            break;
        }
        buf.reserve(64 * 1024);
        let spare = buf.capacity() - buf.len();
        // SAFETY: writing into the vector's spare capacity, then setting the length to what
        // the kernel wrote.
        let n = unsafe { libc::read(fd, buf.as_mut_ptr().add(buf.len()).cast(), spare) };
        if n < 0 {
            ok = false;
            break;
        }
        if n == 0 {
            break;
        }
        // SAFETY: the kernel initialised `n` more bytes.
        unsafe { buf.set_len(buf.len() + n as usize) };
        if (n as usize) < spare {
            // A short read of a regular file means end of file.
            break;
        }
    }
    // SAFETY: our fd.
    unsafe { libc::close(fd) };
    ok && buf.len() as u64 <= max
}

/// Reads one small file inside the context (a `.gitignore`), `None` if it cannot be read.
pub fn read_small(root: &Path, rel: &[u8], max: u64) -> Option<Vec<u8>> {
    use std::io::Read;
    let file = std::fs::File::open(abs_path(root, rel)).ok()?;
    let mut buf = Vec::new();
    file.take(max).read_to_end(&mut buf).ok()?;
    Some(buf)
}
