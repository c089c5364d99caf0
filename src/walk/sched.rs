//! The scheduler: worker threads over a tree of jobs (directories), knowing nothing of docker.
//!
//! Each thread works depth-first on its own stack and hands the oldest half of it to a shared
//! LIFO queue only when another thread is idle, so the lock is taken about once per shared
//! batch, not once per directory. Each thread keeps its own accumulator ([`Visitor::Local`]);
//! the caller merges them once at the end.
//!
//! Threads beyond the CPUs wait parked at first: a warm walk is CPU-bound and extra threads only
//! add switching (about 5–10% on 2 CPUs, measured in docs/performance.md), while a cold one
//! waits on the disk and needs them to keep the CPUs busy. The first visits that take far longer
//! than their entries can cost in CPU ([`Pace`]) wake them all.
//!
//! A panic in a worker is caught: the others are woken and stop, and [`run`] returns the panic's
//! message instead of a result with a thread's share missing. No thread can wait forever: the
//! last thread to go idle ends the walk, and a stopping thread wakes every waiter.

use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Condvar, Mutex, MutexGuard};
use std::time::{Duration, Instant};

/// What the scheduler runs: the work done on one job, which may produce more jobs.
pub(crate) trait Visitor: Sync {
    /// One unit of work (a directory to read).
    type Job: Send;
    /// A thread's own results and scratch space.
    type Local: Send;
    /// A fresh accumulator for thread `tid` (0-based, below the thread count).
    fn local(&self, tid: usize) -> Self::Local;
    /// Does one job, pushing the jobs it finds to `out` (the thread takes the last first).
    /// Returns how many entries it handled (its expected CPU cost, for [`Pace`]).
    fn visit(&self, job: Self::Job, local: &mut Self::Local, out: &mut Vec<Self::Job>) -> u64;
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

/// How many threads a run may use: `start` work from the beginning, the others only once the
/// work is seen waiting on the disk.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Threads {
    pub(crate) start: usize,
    pub(crate) max: usize,
}

impl Threads {
    /// `n` threads, all working from the start.
    pub(crate) fn fixed(n: usize) -> Threads {
        let n = n.max(1);
        Threads { start: n, max: n }
    }

    /// A user's thread count (at most the walk's 64), 0 meaning the default: one working thread
    /// per CPU and up to [`default_threads`] once the disk is waited on.
    pub(crate) fn from_config(n: usize) -> Threads {
        if n == 0 {
            let max = default_threads();
            Threads {
                start: cpus().min(max),
                max,
            }
        } else {
            Threads::fixed(n.min(super::local::MAX_THREADS))
        }
    }
}

fn cpus() -> usize {
    std::thread::available_parallelism().map_or(2, |n| n.get())
}

/// Tells a CPU-bound run from one waiting on the disk, per thread, by the wall time of its jobs.
/// A warm directory costs about 10 µs to open and read plus 1–2 µs per entry (one `fstatat`);
/// from a cold disk about ten times that. A job is slow when it takes longer than `base` plus
/// `per_unit` per entry (or file); when [`Pace::NEEDED`] of a thread's last [`Pace::WINDOW`]
/// jobs are slow, the run is waiting on the disk. Single stalls (the thread preempted, a page
/// fault) do not add up to that; a cold walk gets there within its first few dozen directories
/// (measured on mono: a quarter to a half of the cold visits are slow, under 1% of the warm).
#[derive(Debug, Clone, Copy)]
pub(crate) struct Pace {
    base: Duration,
    per_unit: Duration,
    seen: u32,
    slow: u32,
}

impl Pace {
    const WINDOW: u32 = 64;
    const NEEDED: u32 = 16;

    /// Jobs are slow over `base` plus `per_unit` per unit.
    pub(crate) const fn new(base: Duration, per_unit: Duration) -> Pace {
        Pace {
            base,
            per_unit,
            seen: 0,
            slow: 0,
        }
    }

    /// Directory visits: slow over 80 µs plus 10 µs per entry.
    pub(crate) const fn dirs() -> Pace {
        Pace::new(Duration::from_micros(80), Duration::from_micros(10))
    }

    /// Records a job of `units` that took `took`; true when this thread's recent jobs show the
    /// run waiting on the disk.
    pub(crate) fn waited(&mut self, took: Duration, units: u64) -> bool {
        let units = u32::try_from(units).unwrap_or(u32::MAX);
        let limit = self
            .base
            .saturating_add(self.per_unit.saturating_mul(units));
        if took > limit {
            self.slow += 1;
            if self.slow >= Self::NEEDED {
                self.seen = 0;
                self.slow = 0;
                return true;
            }
        }
        self.seen += 1;
        if self.seen >= Self::WINDOW {
            self.seen = 0;
            self.slow = 0;
        }
        false
    }
}

struct Sched<J> {
    threads: usize,
    /// Threads `0..active` take work; the others wait parked.
    active: AtomicUsize,
    pace: Pace,
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
    /// A parked thread (`tid` not yet active) waits too, counted as waiting (the last active
    /// thread to go idle ends the walk) but not as idle (work is not shared out for it).
    fn take(&self, tid: usize) -> Option<J> {
        let mut q = self.lock();
        loop {
            if q.done {
                return None;
            }
            let active = tid < self.active.load(Ordering::Relaxed);
            if active {
                if let Some(j) = q.jobs.pop() {
                    return Some(j);
                }
                self.idle.fetch_add(1, Ordering::Relaxed);
            }
            q.waiting += 1;
            if q.waiting == self.threads {
                q.done = true;
                self.cv.notify_all();
                return None;
            }
            q = self.cv.wait(q).unwrap_or_else(|e| e.into_inner());
            q.waiting -= 1;
            if active {
                self.idle.fetch_sub(1, Ordering::Relaxed);
            }
        }
    }

    /// Wakes the parked threads: from now on every thread works.
    fn activate_all(&self) {
        let _q = self.lock();
        self.active.store(self.threads, Ordering::Relaxed);
        self.cv.notify_all();
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
        let mut pace = self.pace;
        let mut stack: Vec<J> = Vec::new();
        while let Some(job) = stack.pop().or_else(|| self.take(tid)) {
            if self.stop.load(Ordering::Relaxed) {
                break;
            }
            if self.active.load(Ordering::Relaxed) < self.threads {
                let t0 = Instant::now();
                let units = v.visit(job, &mut local, &mut stack);
                if pace.waited(t0.elapsed(), units) {
                    self.activate_all();
                }
            } else {
                v.visit(job, &mut local, &mut stack);
            }
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
    (cpus() * THREADS_PER_CPU).clamp(MIN_DEFAULT_THREADS, super::local::MAX_THREADS)
}

/// Walker threads per CPU by default.
const THREADS_PER_CPU: usize = 4;
/// The fewest walker threads by default (a single-CPU machine still overlaps disk waits).
const MIN_DEFAULT_THREADS: usize = 4;

/// Runs `v` over `root` and everything it leads to on up to `threads.max` threads (at least one;
/// the calling thread is one of them). Returns every thread's accumulator, in thread order.
pub(crate) fn run<V: Visitor>(
    v: &V,
    threads: Threads,
    root: V::Job,
) -> Result<Vec<V::Local>, Panicked> {
    run_paced(v, threads, root, Pace::dirs())
}

/// [`run`] with the given [`Pace`].
fn run_paced<V: Visitor>(
    v: &V,
    threads: Threads,
    root: V::Job,
    pace: Pace,
) -> Result<Vec<V::Local>, Panicked> {
    let start = threads.start.clamp(1, threads.max.max(1));
    let threads = threads.max.max(1);
    let sched = Sched {
        threads,
        active: AtomicUsize::new(start),
        pace,
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

/// Runs `job(i)` for every `i` in `0..n` on up to `threads.max` threads (the calling thread is
/// one) and returns the results in the order of `i`. `job` returns its result, the time it
/// waited (its system calls, not its own computing) and its units, for `pace`: parked threads
/// join once jobs are seen waiting. A panic in a job is resumed here after the others stop.
pub(crate) fn run_list<R: Send>(
    n: usize,
    threads: Threads,
    pace: Pace,
    job: impl Fn(usize) -> (R, Duration, u64) + Sync,
) -> Vec<R> {
    let max = threads.max.max(1).min(n.max(1));
    let active = AtomicUsize::new(threads.start.clamp(1, max));
    let next = AtomicUsize::new(0);
    // `true` once every job is taken: parked threads then leave.
    let gate = (Mutex::new(false), Condvar::new());
    let lock = || gate.0.lock().unwrap_or_else(|e| e.into_inner());
    let work = |tid: usize| -> Vec<(usize, R)> {
        let mut pace = pace;
        if tid >= active.load(Ordering::Relaxed) {
            let mut finished = lock();
            while tid >= active.load(Ordering::Relaxed) && !*finished {
                finished = gate.1.wait(finished).unwrap_or_else(|e| e.into_inner());
            }
        }
        let mut out = Vec::new();
        loop {
            let i = next.fetch_add(1, Ordering::Relaxed);
            if i >= n {
                return out;
            }
            let (r, took, units) = job(i);
            out.push((i, r));
            if active.load(Ordering::Relaxed) < max && pace.waited(took, units) {
                let _g = lock();
                active.store(max, Ordering::Relaxed);
                gate.1.notify_all();
            }
        }
    };
    /// Sets the gate when the calling thread leaves, by return or by panic.
    struct Finish<'a>(&'a (Mutex<bool>, Condvar));
    impl Drop for Finish<'_> {
        fn drop(&mut self) {
            *self.0 .0.lock().unwrap_or_else(|e| e.into_inner()) = true;
            self.0 .1.notify_all();
        }
    }
    let mut all = std::thread::scope(|s| {
        let handles: Vec<_> = (1..max).map(|t| s.spawn(move || work(t))).collect();
        let mut all = {
            let _finish = Finish(&gate);
            work(0)
        };
        for h in handles {
            match h.join() {
                Ok(part) => all.extend(part),
                Err(p) => std::panic::resume_unwind(p),
            }
        }
        all
    });
    all.sort_unstable_by_key(|(i, _)| *i);
    all.into_iter().map(|(_, r)| r).collect()
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
        /// Each visit waits this long (a directory read from a cold disk).
        wait: Duration,
        visits: AtomicU64,
    }

    impl Visitor for Tree {
        type Job = (u32, u64);
        type Local = Vec<u64>;
        fn local(&self, _tid: usize) -> Vec<u64> {
            Vec::new()
        }
        fn visit(
            &self,
            (d, id): (u32, u64),
            local: &mut Vec<u64>,
            out: &mut Vec<(u32, u64)>,
        ) -> u64 {
            let n = self.visits.fetch_add(1, Ordering::Relaxed);
            if Some(n) == self.panic_at {
                panic!("boom at {id}");
            }
            std::thread::sleep(self.wait);
            local.push(id);
            if d < self.depth {
                for k in 0..self.fanout {
                    out.push((d + 1, id * u64::from(self.fanout) + u64::from(k) + 1));
                }
            }
            1
        }
    }

    fn tree(panic_at: Option<u64>) -> Tree {
        Tree {
            fanout: 4,
            depth: 6,
            panic_at,
            wait: Duration::ZERO,
            visits: AtomicU64::new(0),
        }
    }

    #[test]
    fn every_job_is_visited_once_on_any_thread_count() {
        // 4^0 + … + 4^6 jobs.
        let total: u64 = (0..=6).map(|d| 4u64.pow(d)).sum();
        for threads in [1, 2, 3, 8] {
            let t = tree(None);
            let locals = run(&t, Threads::fixed(threads), (0, 0)).unwrap();
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
                let r = run(&t, Threads::fixed(threads), (0, 0));
                let e = r.expect_err("a panic must not give a result");
                assert!(e.0.starts_with("boom at"), "{e:?}");
            }
        }
    }

    #[test]
    fn zero_threads_means_one() {
        let t = tree(None);
        assert_eq!(run(&t, Threads::fixed(0), (0, 0)).unwrap().len(), 1);
    }

    /// The jobs each thread did, from `run`'s per-thread results.
    fn shares(locals: &[Vec<u64>]) -> Vec<usize> {
        locals.iter().map(Vec::len).collect()
    }

    #[test]
    fn parked_threads_wake_when_the_jobs_wait() {
        // 1 + 4 + 16 + 64 jobs of 1 ms each: slow by the directory pace; after 16 of them the
        // three parked threads join and every job is still visited once.
        let mut t = tree(None);
        t.depth = 3;
        t.wait = Duration::from_millis(1);
        let threads = Threads { start: 1, max: 4 };
        let locals = run(&t, threads, (0, 0)).unwrap();
        let s = shares(&locals);
        assert_eq!(s.iter().sum::<usize>(), 85, "{s:?}");
        assert!(
            s[1..].iter().any(|&n| n > 0),
            "no parked thread woke: {s:?}"
        );
    }

    #[test]
    fn parked_threads_stay_parked_while_the_jobs_are_fast() {
        // A pace no job can reach: the parked threads never take work, and the run still ends
        // (they count as waiting) with every job visited once.
        let t = tree(None);
        let threads = Threads { start: 2, max: 5 };
        let never = Pace::new(Duration::from_secs(3600), Duration::ZERO);
        let locals = run_paced(&t, threads, (0, 0), never).unwrap();
        let s = shares(&locals);
        assert_eq!(s.len(), 5);
        assert_eq!(
            s.iter().sum::<usize>() as u64,
            (0..=6).map(|d| 4u64.pow(d)).sum::<u64>()
        );
        assert_eq!(&s[2..], &[0, 0, 0], "{s:?}");
    }

    #[test]
    fn a_panic_with_parked_threads_is_an_error_not_a_hang() {
        let t = tree(Some(40));
        let r = run(&t, Threads { start: 1, max: 4 }, (0, 0));
        assert!(r.expect_err("a panic").0.starts_with("boom at"));
    }

    #[test]
    fn pace_needs_many_slow_jobs_in_a_window() {
        let us = Duration::from_micros;
        let mut p = Pace::dirs();
        // Fast jobs, or long only for their size (1,000 entries in 5 ms), never count.
        for _ in 0..1000 {
            assert!(!p.waited(us(20), 1));
            assert!(!p.waited(us(5000), 1000));
        }
        // A stall now and then (one slow job in every eight) never adds up to a window's 16.
        let mut p = Pace::dirs();
        for i in 0..10_000 {
            assert!(!p.waited(us(if i % 8 == 0 { 30_000 } else { 20 }), 1));
        }
        // A cold disk: every job slow; the 16th says so.
        let mut p = Pace::dirs();
        for _ in 0..15 {
            assert!(!p.waited(us(500), 3));
        }
        assert!(p.waited(us(500), 3));
    }

    #[test]
    fn run_list_keeps_the_order_and_wakes_parked_threads_on_waits() {
        use std::collections::HashSet;
        let seen = Mutex::new(HashSet::new());
        let threads = Threads { start: 1, max: 4 };
        let out = run_list(60, threads, Pace::dirs(), |i| {
            seen.lock().unwrap().insert(std::thread::current().id());
            std::thread::sleep(Duration::from_millis(1));
            (i * 2, Duration::from_millis(1), 1)
        });
        assert_eq!(out, (0..60).map(|i| i * 2).collect::<Vec<_>>());
        assert!(seen.lock().unwrap().len() > 1, "no parked thread joined");
        // Fast jobs: the parked threads leave without a job, and the run ends.
        let seen = Mutex::new(HashSet::new());
        let out = run_list(1000, threads, Pace::dirs(), |i| {
            seen.lock().unwrap().insert(std::thread::current().id());
            (i, Duration::ZERO, 1)
        });
        assert_eq!(out.len(), 1000);
        assert_eq!(seen.lock().unwrap().len(), 1);
        assert!(run_list(0, threads, Pace::dirs(), |i| (i, Duration::ZERO, 1)).is_empty());
    }

    #[test]
    fn run_list_resumes_a_panic_without_hanging() {
        let threads = Threads { start: 2, max: 4 };
        let r = std::panic::catch_unwind(|| {
            run_list(100, threads, Pace::dirs(), |i| {
                assert!(i != 57, "boom");
                (i, Duration::ZERO, 1)
            })
        });
        assert!(r.is_err());
    }
}
