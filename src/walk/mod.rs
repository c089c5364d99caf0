//! The walk of the context: in parallel, never following a symlink, each non-directory stat'ed
//! once (directories are typed by the directory listing), every entry classified with docker's
//! rules for the chosen builder, and what it prunes summed up.
//!
//! Three parts that know little of each other:
//! - [`sched`]: the worker threads, the shared queue and the work sharing, generic over a
//!   [`sched::Visitor`]; a worker's panic becomes an error;
//! - [`decide`] and [`prune`]: docker's decision for one entry (R16 a/b, sockets, the classic
//!   builder's pre-flight errors and truncated tar streams) and when to go into an excluded
//!   directory (R20, B4);
//! - [`visit`]: the glue, reading one directory through a [`crate::sys`] backend.
//!
//! Each thread keeps its own nodes, names and counters ([`local`]); they are merged once at the
//! end. `ignore`'s parallel walker was measured against this: it stats every entry it yields,
//! directories included, and allocates a `DirEntry` per file, which costs about a third more
//! system time on the benchmark corpora, so the walk is written directly against the system
//! calls (`crate::sys`).

mod decide;
mod local;
mod measure;
mod prune;
mod read;
pub(crate) mod sched;
mod visit;

pub(crate) use crate::builder::Builder;
pub(crate) use crate::sys::{abs_path, Backend};
pub(crate) use measure::measure_dir;
pub(crate) use prune::Prune;
pub(crate) use read::{read_files, read_small, read_small_text, FileList};

use crate::dockerignore::FastMatcher;
use crate::sys::{self, Fs, WithFs};
use crate::tree::Tree;
use local::Ids;
use visit::{DockerWalk, Job};

/// What to walk and how.
pub(crate) struct WalkPlan<'a> {
    /// The context root (absolute, symlinks resolved).
    pub root: &'a std::path::Path,
    /// The matcher over the effective pattern list.
    pub matcher: &'a FastMatcher,
    /// Builder rules.
    pub builder: Builder,
    /// Classic: the number of raw patterns (validation ignores the appended exceptions).
    pub raw_len: usize,
    /// Pruning rule.
    pub prune: Prune,
    /// Buildah's rules on top of the classic walk (`builder` is then classic): no pre-flight
    /// validation, R16(a) instead of R16(b), a pattern error or an unreadable directory it
    /// walks fails, sockets skipped with Buildah's warning (see [`crate::engine`]).
    pub podman: bool,
    /// podman-remote's client tar on top of `podman`: every excluded directory walked when an
    /// exception exists, only files, directories and symlinks sent (others skipped silently).
    pub podman_remote: bool,
    /// Worker threads (1 to 64), or 0: one per CPU, more once the walk waits on the disk.
    pub threads: usize,
    /// Entries seen so far, for a progress display (updated once per directory).
    pub progress: Option<&'a std::sync::atomic::AtomicU64>,
    /// Size what is kept out: go into every excluded directory to count its files and bytes.
    /// When false, an excluded directory the pruning rule does not walk into (and classic
    /// validation does not list) is not opened at all, as docker does (R20, B4); its node is
    /// recorded in [`Tree::unmeasured`]. What is sent is the same either way.
    pub excluded_sizes: bool,
}

thread_local! {
    /// Walks started by this thread (for tests that count walks, such as one walk per shared
    /// Compose context; per thread so that tests running side by side do not mix).
    static WALKS: std::cell::Cell<u64> = const { std::cell::Cell::new(0) };
}

/// How many walks the calling thread has started.
#[cfg(test)]
pub(crate) fn walks_started() -> u64 {
    WALKS.with(|w| w.get())
}

/// A failure docker would stop on, or one of the walk itself.
#[derive(Debug, Clone)]
pub(crate) enum WalkErrorKind {
    /// Classic validation could not list a directory or stat an entry.
    CantStat,
    /// Classic validation's `lstat` of an entry failed otherwise (raw OS error): a path longer
    /// than the system takes.
    Lstat(i32),
    /// Classic validation could not open an included file.
    NoPermission,
    /// BuildKit could not read an included directory.
    OpenDir(i32),
    /// A pattern whose regex does not compile was evaluated (pattern index).
    Pattern(usize),
    /// The context root itself could not be read.
    Root(i32),
    /// More entries (or name bytes) than one tree can index (about 4 billion; fewer per thread
    /// with many threads: 2^26 each at 64).
    TooManyEntries,
    /// A walker thread panicked (a bug); its message.
    Panicked(String),
    /// `CTXSIZE_WALKER` names no backend available here.
    Walker(String),
}

impl WalkErrorKind {
    /// The message of a failure of the walk itself (not one docker has).
    pub(crate) fn internal_message(&self) -> Option<String> {
        match self {
            WalkErrorKind::TooManyEntries => Some(
                "the context has more entries than ctxsize can index (try fewer --threads)".into(),
            ),
            WalkErrorKind::Panicked(m) => {
                Some(format!("internal error: a walker thread panicked: {m}"))
            }
            WalkErrorKind::Walker(m) => Some(m.clone()),
            _ => None,
        }
    }
}

/// A walk failure with the entry it happened on.
#[derive(Debug, Clone)]
pub(crate) struct WalkError {
    /// Relative path of the entry.
    pub rel: Vec<u8>,
    /// What happened.
    pub kind: WalkErrorKind,
}

/// Walks the context with the backend `CTXSIZE_WALKER` selects (the platform's fastest when
/// unset). Returns the tree, or the first fatal error in walk order.
pub(crate) fn walk(plan: &WalkPlan) -> Result<Tree, WalkError> {
    let backend = Backend::from_env().map_err(|m| WalkError {
        rel: Vec::new(),
        kind: WalkErrorKind::Walker(m),
    })?;
    walk_with(plan, backend)
}

/// [`walk`] with a given backend.
pub(crate) fn walk_with(plan: &WalkPlan, backend: Backend) -> Result<Tree, WalkError> {
    WALKS.with(|w| w.set(w.get() + 1));
    sys::with_fs(backend, Run { plan })
}

struct Run<'a> {
    plan: &'a WalkPlan<'a>,
}

impl WithFs for Run<'_> {
    type Out = Result<Tree, WalkError>;

    fn run<F: Fs>(self, fs: &F) -> Self::Out {
        let plan = self.plan;
        let root = fs.open_root(plan.root).map_err(|e| WalkError {
            rel: Vec::new(),
            kind: WalkErrorKind::Root(e.raw_os_error().unwrap_or(0)),
        })?;
        let threads = sched::Threads::from_config(plan.threads);
        let ids = Ids::new(threads.max);
        let w = DockerWalk::new(plan, fs, root, ids);
        let locals = sched::run(
            &w,
            threads,
            Job::root(plan.builder == Builder::Classic && !plan.podman),
        )
        .map_err(|p| WalkError {
            rel: Vec::new(),
            kind: WalkErrorKind::Panicked(p.0),
        })?;
        let tree = local::merge(ids, locals.into_iter().map(|l| l.acc).collect());
        sys::release_free_memory();
        tree
    }
}

pub(crate) mod pathmax;
#[cfg(test)]
mod tests;
