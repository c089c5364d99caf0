//! The docker walk as a [`Visitor`] of the scheduler: one job reads one directory through a
//! [`Fs`] backend, matches each entry, asks [`decide`](super::decide) what docker does with it
//! and records the node, the sizes of what is kept out, or the error.

use std::sync::atomic::{AtomicUsize, Ordering};

use super::decide::{self, Role, Verdicts};
use super::local::{Acc, Ids};
use super::sched::Visitor;
use super::{WalkError, WalkErrorKind, WalkPlan};
use crate::builder::Builder;
use crate::dockerignore::{union, Bits, DirPos, MatchCache};
use crate::sys::{self, Entry, Fs, Stat};
use crate::tar::header_bytes;
use crate::tree::{Kind, LinkCandidate, Node, State, ROOT};

/// At most this many directories are held open ahead of being walked, so a wide tree cannot
/// run out of file descriptors (the rest are opened by path).
const MAX_PREOPEN: usize = 256;

/// A directory's handle, opened ahead while its parent was open (one path component to resolve
/// instead of all of `rel`), or not.
pub(crate) enum Opened<D> {
    /// Open it by its path from the root.
    No,
    /// Opened.
    Yes(D),
    /// Opening it failed (raw OS error).
    Failed(i32),
}

/// One directory to read.
pub(crate) struct Job<D> {
    rel: Vec<u8>,
    dir: Opened<D>,
    /// Its node (the parent of what is found in it).
    node: u32,
    /// R16(b) bits of this directory (None for the root).
    pbits: Option<Bits>,
    /// Union of the match sets of this directory and its ancestors (classic validation).
    abits: Bits,
    role: Role,
    /// The excluded directory that sizes found here are attributed to.
    top: u32,
    /// Failing to open this directory is fatal.
    fatal_open: bool,
    /// The matcher's position after this directory's path, from its parent's (None: computed
    /// from the path when needed).
    pos: Option<DirPos>,
}

impl<D> Job<D> {
    /// The root directory's job; `validate`: the classic builder's pre-flight walk (R17).
    pub(crate) fn root(validate: bool) -> Job<D> {
        Job {
            rel: Vec::new(),
            dir: Opened::No,
            node: ROOT,
            pbits: None,
            abits: Vec::new(),
            role: Role {
                tar: true,
                val: validate,
            },
            top: ROOT,
            fatal_open: true,
            pos: None,
        }
    }

    /// A directory below an excluded one that is only sized.
    fn sized(rel: Vec<u8>, node: u32, top: u32) -> Job<D> {
        Job {
            rel,
            dir: Opened::No,
            node,
            pbits: None,
            abits: Vec::new(),
            role: Role {
                tar: false,
                val: false,
            },
            top,
            fatal_open: false,
            pos: None,
        }
    }
}

/// One thread's state: its results and its scratch space.
pub(crate) struct Local<S> {
    pub(crate) acc: Acc,
    tid: usize,
    mc: MatchCache,
    scratch: S,
    m: Bits,
    bits: Bits,
}

/// The walk of one context with one backend.
pub(crate) struct DockerWalk<'a, F: Fs> {
    pub(crate) plan: &'a WalkPlan<'a>,
    pub(crate) fs: &'a F,
    pub(crate) root: F::Dir,
    pub(crate) ids: Ids,
    /// Directories opened ahead.
    preopen: AtomicUsize,
    max_preopen: usize,
    /// The root's path length in bytes (see [`sys::too_long`]).
    root_len: usize,
    /// Files changed at or after this time (seconds) get no fingerprint: a write within the
    /// same clock tick as a later read would leave it unchanged (git's "racily clean" case).
    settled_before: i64,
}

impl<'a, F: Fs> DockerWalk<'a, F> {
    pub(crate) fn new(plan: &'a WalkPlan<'a>, fs: &'a F, root: F::Dir, ids: Ids) -> Self {
        let max_preopen = if fs.opens_relative() {
            MAX_PREOPEN.min(fs.max_open_dirs())
        } else {
            0
        };
        DockerWalk {
            plan,
            fs,
            root,
            ids,
            preopen: AtomicUsize::new(0),
            max_preopen,
            settled_before: crate::tree::settled_before(),
            root_len: sys::os_bytes(plan.root.as_os_str()).len(),
        }
    }
}

impl<F: Fs> Visitor for DockerWalk<'_, F> {
    type Job = Job<F::Dir>;
    type Local = Local<F::Scratch>;

    fn local(&self, tid: usize) -> Self::Local {
        Local {
            acc: Acc::default(),
            tid,
            mc: self.plan.matcher.cache(),
            scratch: F::Scratch::default(),
            m: Vec::new(),
            bits: Vec::new(),
        }
    }

    fn visit(&self, job: Self::Job, local: &mut Self::Local, out: &mut Vec<Self::Job>) -> u64 {
        self.dir(job, local, out)
    }
}

/// What one directory's reading adds up to.
#[derive(Default)]
struct DirTotals {
    seen: u64,
    excl_files: u64,
    excl_bytes: u64,
}

impl<F: Fs> DockerWalk<'_, F> {
    /// Opens the job's directory, or records why it cannot be.
    fn open(&self, job: &mut Job<F::Dir>, acc: &mut Acc) -> Option<F::Dir> {
        let res = match std::mem::replace(&mut job.dir, Opened::No) {
            Opened::No => sys::open_deep(self.fs, &self.root, &job.rel).map_err(|e| code(&e)),
            Opened::Yes(d) => {
                self.preopen.fetch_sub(1, Ordering::Relaxed);
                Ok(d)
            }
            Opened::Failed(e) => Err(e),
        };
        match res {
            Ok(d) => Some(d),
            Err(e) => {
                self.open_failed(job, acc, e);
                None
            }
        }
    }

    fn open_failed(&self, job: &Job<F::Dir>, acc: &mut Acc, e: i32) {
        if job.fatal_open {
            let kind = match self.plan.builder {
                _ if self.plan.podman => WalkErrorKind::OpenDir(e),
                Builder::Classic => WalkErrorKind::CantStat,
                Builder::Buildkit => WalkErrorKind::OpenDir(e),
            };
            acc.errors.push(WalkError {
                rel: job.rel.clone(),
                kind,
            });
        } else {
            acc.warnings.push(format!(
                "cannot read directory {}: {}",
                String::from_utf8_lossy(&job.rel),
                std::io::Error::from_raw_os_error(e)
            ));
        }
    }

    /// Walks one directory; returns how many entries it held.
    fn dir(
        &self,
        mut job: Job<F::Dir>,
        local: &mut Local<F::Scratch>,
        out: &mut Vec<Job<F::Dir>>,
    ) -> u64 {
        let Some(mut dir) = self.open(&mut job, &mut local.acc) else {
            return 1;
        };
        let plan = self.plan;
        let matching = job.role.tar || job.role.val;
        let mut pos = (matching && !plan.matcher.is_empty()).then(|| {
            job.pos
                .take()
                .unwrap_or_else(|| plan.matcher.dir_pos(&mut local.mc, &job.rel))
        });
        let first_job = out.len();
        let mut path: Vec<u8> = Vec::with_capacity(job.rel.len() + 64);
        let mut t = DirTotals::default();
        let Local {
            acc,
            tid,
            mc,
            scratch,
            m,
            bits,
        } = local;
        let read = self.fs.read_dir(&mut dir, scratch, |e| {
            t.seen += 1;
            path.clear();
            if !job.rel.is_empty() {
                path.extend_from_slice(&job.rel);
                path.push(b'/');
            }
            path.extend_from_slice(e.name());
            acc.longest = acc.longest.max(path.len());
            if job.role.val && sys::too_long(self.root_len, path.len()) {
                // Classic validation names each entry by its whole path: `lstat` refuses it.
                fatal(acc, &path, WalkErrorKind::Lstat(sys::ENAMETOOLONG));
                return true;
            }
            // The listing's type, else one lstat (kept for what follows).
            let mut st: Option<Stat> = None;
            let kind = match e.kind_hint() {
                Some(k) => k,
                None => match e.lstat() {
                    Ok(s) => {
                        st = Some(s);
                        s.kind
                    }
                    Err(_) => Kind::File,
                },
            };
            if !matching {
                self.sized_only(&job, e, kind, st, &path, &mut t, out);
                return true;
            }
            match pos.as_mut() {
                Some(p) => plan
                    .matcher
                    .matches_into(mc, p, &job.rel, e.name(), &path, m),
                None => m.clear(),
            }
            let Some(v) = self.verdicts(&job, &path, m, bits, acc) else {
                // A fatal error: recorded; the walk goes on so that the first error in walk
                // order, the one docker reports, is found wherever it is.
                return true;
            };
            if kind == Kind::Dir {
                self.subdir(*tid, &job, e, st, &path, v, m, bits, pos.as_ref(), acc, out);
            } else {
                self.leaf(*tid, &job, e, st, &path, v, acc, &mut t);
            }
            true
        });
        if let Err(e) = read {
            self.open_failed(&job, acc, code(&e));
            return t.seen;
        }
        self.preopen_children(&dir, &mut out[first_job..]);
        drop(dir);
        if let Some(p) = plan.progress {
            p.fetch_add(t.seen, Ordering::Relaxed);
        }
        if t.excl_files > 0 || t.excl_bytes > 0 {
            // One total per pruned directory: its subdirectories add to it.
            let total = acc.pruned.entry(job.top).or_default();
            total.0 += t.excl_files;
            total.1 += t.excl_bytes;
        }
        t.seen
    }

    /// Inside a pruned directory: only sizes.
    #[allow(clippy::too_many_arguments)]
    fn sized_only(
        &self,
        job: &Job<F::Dir>,
        e: &F::Entry<'_>,
        kind: Kind,
        st: Option<Stat>,
        path: &[u8],
        t: &mut DirTotals,
        out: &mut Vec<Job<F::Dir>>,
    ) {
        if kind == Kind::Dir {
            out.push(Job::sized(path.to_vec(), job.node, job.top));
        } else if let Some(s) = st.or_else(|| e.lstat().ok()) {
            t.excl_files += 1;
            if kind == Kind::File {
                t.excl_bytes += s.size;
            }
        }
    }

    /// Both walks' verdicts (R16 a and b) on `path`, whose match set is `m`; `bits` receives
    /// its R16(b) bits. `None` on a fatal error (recorded).
    fn verdicts(
        &self,
        job: &Job<F::Dir>,
        path: &[u8],
        m: &Bits,
        bits: &mut Bits,
        acc: &mut Acc,
    ) -> Option<Verdicts> {
        let plan = self.plan;
        let mut v = Verdicts {
            excluded_b: false,
            tar_here: job.role.tar,
            excluded_a: true,
        };
        if job.role.tar && plan.podman {
            // Buildah: storage's `PatternMatcher.Matches` on the whole path, every pattern
            // covering its subtree (R16 a); a pattern that does not compile fails the COPY.
            match plan.matcher.eval_or_parent(path, &job.abits, m, usize::MAX) {
                Ok(x) => v.excluded_b = x,
                Err(bp) => {
                    fatal(acc, path, WalkErrorKind::Pattern(bp.0));
                    return None;
                }
            }
        } else if job.role.tar {
            match plan
                .matcher
                .eval_parent_results(path, job.pbits.as_ref(), m, bits, usize::MAX)
            {
                Ok(x) => v.excluded_b = x,
                Err(bp) if plan.builder == Builder::Classic => {
                    // The CLI's tar walk logs "Error matching" and stops; the tar ends (with
                    // its trailer) before this entry. Validation already passed, so the build
                    // goes on with a short context.
                    acc.tar_stops.push((path.to_vec(), bp.0));
                    v.tar_here = false;
                    v.excluded_b = true;
                }
                Err(bp) => {
                    fatal(acc, path, WalkErrorKind::Pattern(bp.0));
                    return None;
                }
            }
        }
        if job.role.val {
            match plan
                .matcher
                .eval_or_parent(path, &job.abits, m, plan.raw_len)
            {
                Ok(x) => v.excluded_a = x,
                Err(bp) => {
                    fatal(acc, path, WalkErrorKind::Pattern(bp.0));
                    return None;
                }
            }
        }
        Some(v)
    }

    /// A subdirectory: its node and, unless pruned, its job.
    #[allow(clippy::too_many_arguments)]
    fn subdir(
        &self,
        tid: usize,
        job: &Job<F::Dir>,
        e: &F::Entry<'_>,
        st: Option<Stat>,
        path: &[u8],
        v: Verdicts,
        m: &Bits,
        bits: &Bits,
        pos: Option<&DirPos>,
        acc: &mut Acc,
        out: &mut Vec<Job<F::Dir>>,
    ) {
        let plan = self.plan;
        let mut d = decide::dir_plan(plan.builder, job.role, v, || plan.prune.walks_into(path));
        if plan.podman {
            // Buildah's copier fails on a directory it walks and cannot read.
            d.fatal_open = d.tar_in;
        }
        if decide::lists_excluded_dir(job.role, v) && !e.readable(Kind::Dir) {
            fatal(acc, path, WalkErrorKind::CantStat);
            return;
        }
        let node = if job.role.tar {
            let mut full = path.to_vec();
            full.push(b'/');
            let mtime = st.map_or(0, |s| s.mtime);
            let hdr = header_bytes(&full, None, 0, mtime) as u32;
            let node = Node {
                parent: job.node,
                name_off: 0,
                name_len: 0,
                kind: Kind::Dir,
                state: d.state,
                size: 0,
                hdr,
            };
            match acc.add_node(self.ids, tid, node, e.name()) {
                Some(id) => id,
                None => return,
            }
        } else {
            job.node
        };
        let top = if d.tar_in || job.role.tar {
            node
        } else {
            job.top
        };
        if !plan.excluded_sizes && !d.tar_in && !d.val_in {
            // Only its size would be read here: not opened, as docker does not (R20, B4).
            acc.unmeasured.push(top);
            return;
        }
        out.push(Job {
            rel: path.to_vec(),
            dir: Opened::No,
            node,
            pbits: d.tar_in.then(|| bits.clone()),
            abits: if d.val_in || (plan.podman && d.tar_in) {
                union(&job.abits, m)
            } else {
                Vec::new()
            },
            role: Role {
                tar: d.tar_in,
                val: d.val_in,
            },
            top,
            fatal_open: d.fatal_open,
            // Its entries are matched when it is in the tar or validated: resume from here.
            pos: pos
                .filter(|_| d.tar_in || d.val_in)
                .map(|p| plan.matcher.child_pos(p, e.name())),
        });
    }

    /// A non-directory: one lstat (unless the listing had no type and it was made already).
    #[allow(clippy::too_many_arguments)]
    fn leaf(
        &self,
        tid: usize,
        job: &Job<F::Dir>,
        e: &F::Entry<'_>,
        st: Option<Stat>,
        path: &[u8],
        v: Verdicts,
        acc: &mut Acc,
        t: &mut DirTotals,
    ) {
        let plan = self.plan;
        let s = match st {
            Some(s) => s,
            None => match e.lstat() {
                Ok(s) => s,
                Err(err) => {
                    // Go's os.IsPermission: EACCES or EPERM.
                    if job.role.val
                        && !v.excluded_a
                        && err.kind() == std::io::ErrorKind::PermissionDenied
                    {
                        fatal(acc, path, WalkErrorKind::CantStat);
                    }
                    return;
                }
            },
        };
        let kind = s.kind;
        if decide::validation_opens(job.role, v, kind) && !e.readable(kind) {
            fatal(acc, path, WalkErrorKind::NoPermission);
            return;
        }
        let size = if kind == Kind::File { s.size } else { 0 };
        if !job.role.tar {
            t.excl_files += 1;
            t.excl_bytes += size;
            return;
        }
        let (kind, state, warn) = match decide::leaf(plan.builder, kind, v.excluded_b) {
            // podman-remote's `nTar`: "skip other than file, folder and symlinks", silently.
            (k, State::Sent, _) | (k, State::Skipped, _)
                if plan.podman_remote && !matches!(k, Kind::File | Kind::Symlink) =>
            {
                (k, State::Skipped, false)
            }
            x => x,
        };
        if warn {
            acc.warnings.push(decide::socket_warning(path, plan.podman));
        }
        if !plan.podman
            && decide::may_cut_tar(plan.builder, job.role, v, kind, state)
            && !e.readable(kind)
        {
            acc.tar_cuts.push(path.to_vec());
        }
        let mut hdr = 0u32;
        if state == State::Sent {
            let link = (kind == Kind::Symlink).then(|| e.read_link());
            hdr = header_bytes(path, link.as_deref(), size, s.mtime) as u32;
        }
        let node = Node {
            parent: job.node,
            name_off: 0,
            name_len: 0,
            kind,
            state,
            size,
            hdr,
        };
        let Some(id) = acc.add_node(self.ids, tid, node, e.name()) else {
            return;
        };
        if state == State::Sent && kind == Kind::File && size > 0 {
            if let (Some(fp), Some(t)) = (s.fingerprint(), s.changed_secs()) {
                if t < self.settled_before {
                    acc.prints.push((id, crate::tree::split_print(fp)));
                }
            }
        }
        if state == State::Sent && s.nlink > 1 {
            acc.links.push(LinkCandidate {
                node: id,
                ino: s.ino,
                mtime: s.mtime,
            });
        }
    }

    /// Opens the subdirectories just found relative to their parent's handle while it is open,
    /// last first (the depth-first stack walks those first), within [`MAX_PREOPEN`].
    fn preopen_children(&self, dir: &F::Dir, jobs: &mut [Job<F::Dir>]) {
        for j in jobs.iter_mut().rev() {
            if self.preopen.load(Ordering::Relaxed) >= self.max_preopen {
                break;
            }
            j.dir = match self.fs.open_dir(dir, sys::last_component(&j.rel)) {
                Ok(d) => {
                    self.preopen.fetch_add(1, Ordering::Relaxed);
                    Opened::Yes(d)
                }
                Err(e) => Opened::Failed(code(&e)),
            };
        }
    }
}

fn fatal(acc: &mut Acc, path: &[u8], kind: WalkErrorKind) {
    acc.errors.push(WalkError {
        rel: path.to_vec(),
        kind,
    });
}

/// The raw OS error of an I/O error (0 when there is none).
fn code(e: &std::io::Error) -> i32 {
    e.raw_os_error().unwrap_or(0)
}
