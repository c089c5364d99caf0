//! The scheduler: worker threads over a tree of jobs (directories), knowing nothing of docker.
//!
//! Each thread works depth-first on its own stack and hands the oldest half of it to a shared
//! LIFO queue only when another thread is idle, so the lock is taken about once per shared
//! batch, not once per directory. Each thread keeps its own accumulator ([`Visitor::Local`]);
//! the caller merges them once at the end.
//!
//! A panic in a worker is caught: the others are woken and stop, and [`run`] returns the panic's
//! message instead of a result with a thread's share missing. No thread can wait forever: the
//! last thread to go idle ends the walk, and a stopping thread wakes every waiter.

use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Condvar, Mutex, MutexGuard};

/// What the scheduler runs: the work done on one job, which may produce more jobs.
pub(crate) trait Visitor: Sync {
    /// One unit of work (a directory to read).
    type Job: Send;
    /// A thread's own results and scratch space.
    type Local: Send;
    /// A fresh accumulator for thread `tid` (0-based, below the thread count).
    fn local(&self, tid: usize) -> Self::Local;
    /// Does one job, pushing the jobs it finds to `out` (the thread takes the last first).
    fn visit(&self, job: Self::Job, local: &mut Self::Local, out: &mut Vec<Self::Job>);
}

/// A worker thread panicked; its message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Panicked(pub(crate) String);

struct Queue<J> {
    jobs: Vec<J>,
    /// Threads blocked waiting for work.
    waiting: usize,
    /// No more work will come (all idle, or stopped).
    done: bool,
}

struct Sched<J> {
    threads: usize,
    queue: Mutex<Queue<J>>,
    cv: Condvar,
    /// Threads waiting for work (read without the lock to decide whether to share).
    idle: AtomicUsize,
    /// A worker panicked: everyone stops.
    stop: AtomicBool,
}

impl<J> Sched<J> {
    fn lock(&self) -> MutexGuard<'_, Queue<J>> {
        // A panic never happens while the lock is held (only pushes and pops under it), but a
        // poisoned lock still holds a consistent queue.
        self.queue.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Takes a job from the shared queue, waiting while other threads may still produce work.
    fn take(&self) -> Option<J> {
        let mut q = self.lock();
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

    /// Ends the walk now: every waiting thread wakes and returns.
    fn halt(&self) {
        self.stop.store(true, Ordering::Relaxed);
        let mut q = self.lock();
        q.done = true;
        q.jobs.clear();
        self.cv.notify_all();
    }

    fn work<V: Visitor<Job = J>>(&self, v: &V, tid: usize) -> V::Local {
        let mut local = v.local(tid);
        let mut stack: Vec<J> = Vec::new();
        while let Some(job) = stack.pop().or_else(|| self.take()) {
            if self.stop.load(Ordering::Relaxed) {
                break;
            }
            v.visit(job, &mut local, &mut stack);
            if stack.len() > 1 && self.idle.load(Ordering::Relaxed) > 0 {
                let mut q = self.lock();
                if q.waiting > 0 && !q.done {
                    // Give away the oldest (shallowest, usually largest) half.
                    let give = stack.len() / 2;
                    q.jobs.extend(stack.drain(..give));
                    self.cv.notify_all();
                }
            }
        }
        local
    }

    /// [`Sched::work`], a panic turned into [`Panicked`] after stopping the others.
    fn guarded<V: Visitor<Job = J>>(&self, v: &V, tid: usize) -> Result<V::Local, Panicked> {
        catch_unwind(AssertUnwindSafe(|| self.work(v, tid))).map_err(|p| {
            self.halt();
            Panicked(panic_message(p.as_ref()))
        })
    }
}

fn panic_message(p: &(dyn std::any::Any + Send)) -> String {
    if let Some(s) = p.downcast_ref::<&str>() {
        (*s).to_string()
    } else if let Some(s) = p.downcast_ref::<String>() {
        s.clone()
    } else {
        "a walker thread panicked".to_string()
    }
}

/// The default number of walker threads: more than the CPUs. A warm walk is CPU-bound and
/// loses almost nothing to the extra threads, but a cold one waits on the disk, and threads
/// waiting on I/O leave the CPUs idle unless others can run (measured in docs/performance.md).
pub(crate) fn default_threads() -> usize {
    let cpus = std::thread::available_parallelism().map_or(2, |n| n.get());
    (cpus * THREADS_PER_CPU).clamp(MIN_DEFAULT_THREADS, super::local::MAX_THREADS)
}

/// Walker threads per CPU by default.
const THREADS_PER_CPU: usize = 4;
/// The fewest walker threads by default (a single-CPU machine still overlaps disk waits).
const MIN_DEFAULT_THREADS: usize = 4;

/// Runs `v` over `root` and everything it leads to on `threads` threads (at least one; the
/// calling thread is one of them). Returns every thread's accumulator, in thread order.
pub(crate) fn run<V: Visitor>(
    v: &V,
    threads: usize,
    root: V::Job,
) -> Result<Vec<V::Local>, Panicked> {
    let threads = threads.max(1);
    let sched = Sched {
        threads,
        queue: Mutex::new(Queue {
            jobs: vec![root],
            waiting: 0,
            done: false,
        }),
        cv: Condvar::new(),
        idle: AtomicUsize::new(0),
        stop: AtomicBool::new(false),
    };
    let results: Vec<Result<V::Local, Panicked>> = std::thread::scope(|s| {
        let sched = &sched;
        let handles: Vec<_> = (1..threads)
            .map(|t| s.spawn(move || sched.guarded(v, t)))
            .collect();
        let mut out = vec![sched.guarded(v, 0)];
        for h in handles {
            // `guarded` catches the visitor's panics; a panic outside it (in `take`) still ends
            // here as an error, never as a missing share.
            out.push(h.join().unwrap_or_else(|p| {
                sched.halt();
                Err(Panicked(panic_message(p.as_ref())))
            }));
        }
        out
    });
    results.into_iter().collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::AtomicU64;

    /// A full tree of `fanout` children per job down to `depth`; counts every visit.
    struct Tree {
        fanout: u32,
        depth: u32,
        panic_at: Option<u64>,
        visits: AtomicU64,
    }

    impl Visitor for Tree {
        type Job = (u32, u64);
        type Local = Vec<u64>;
        fn local(&self, _tid: usize) -> Vec<u64> {
            Vec::new()
        }
        fn visit(&self, (d, id): (u32, u64), local: &mut Vec<u64>, out: &mut Vec<(u32, u64)>) {
            let n = self.visits.fetch_add(1, Ordering::Relaxed);
            if Some(n) == self.panic_at {
                panic!("boom at {id}");
            }
            local.push(id);
            if d < self.depth {
                for k in 0..self.fanout {
                    out.push((d + 1, id * u64::from(self.fanout) + u64::from(k) + 1));
                }
            }
        }
    }

    fn tree(panic_at: Option<u64>) -> Tree {
        Tree {
            fanout: 4,
            depth: 6,
            panic_at,
            visits: AtomicU64::new(0),
        }
    }

    #[test]
    fn every_job_is_visited_once_on_any_thread_count() {
        // 4^0 + … + 4^6 jobs.
        let total: u64 = (0..=6).map(|d| 4u64.pow(d)).sum();
        for threads in [1, 2, 3, 8] {
            let t = tree(None);
            let locals = run(&t, threads, (0, 0)).unwrap();
            assert_eq!(locals.len(), threads);
            let mut all: Vec<u64> = locals.into_iter().flatten().collect();
            all.sort_unstable();
            all.dedup();
            assert_eq!(all.len() as u64, total, "{threads} threads");
        }
    }

    #[test]
    fn a_panicking_worker_is_an_error_not_a_hang() {
        for threads in [1, 2, 4] {
            for at in [0, 1, 7, 500] {
                let t = tree(Some(at));
                let r = run(&t, threads, (0, 0));
                let e = r.expect_err("a panic must not give a result");
                assert!(e.0.starts_with("boom at"), "{e:?}");
            }
        }
    }

    #[test]
    fn zero_threads_means_one() {
        let t = tree(None);
        assert_eq!(run(&t, 0, (0, 0)).unwrap().len(), 1);
    }
}
