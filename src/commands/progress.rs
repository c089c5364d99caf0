//! The progress line on stderr during long walks.

use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::{Duration, Instant};

/// Runs `f` with an entry counter and, when enabled, a thread that shows it on stderr after the
/// first 300 ms (and erases it at the end).
pub(super) fn with_progress<T>(enabled: bool, f: impl FnOnce(Option<&AtomicU64>) -> T) -> T {
    if !enabled {
        return f(None);
    }
    let counter = AtomicU64::new(0);
    let done = AtomicBool::new(false);
    std::thread::scope(|s| {
        let printer = s.spawn(|| {
            let start = Instant::now();
            let mut shown = false;
            while !done.load(Ordering::Relaxed) {
                std::thread::park_timeout(Duration::from_millis(100));
                if done.load(Ordering::Relaxed) {
                    break;
                }
                if start.elapsed() > Duration::from_millis(300) {
                    let n = counter.load(Ordering::Relaxed);
                    eprint!("\r\x1b[2Kctxsize: scanning… {n} entries");
                    shown = true;
                }
            }
            if shown {
                eprint!("\r\x1b[2K");
            }
        });
        let r = f(Some(&counter));
        done.store(true, Ordering::Relaxed);
        printer.thread().unpark();
        r
    })
}
