//! The content-file reader: after the walk, the small files the content scan looks into, read in
//! parallel through the same backend as the walk.

use std::path::Path;

use std::time::{Duration, Instant};

use super::sched::{run_list, Pace, Threads};
use crate::sys::{self, Backend, Fs, WithFs};

/// The files [`read_files`] reads, each path made only while its file is read (a list of a
/// million candidates costs no million path buffers).
pub(crate) trait FileList: Sync {
    /// How many files.
    fn count(&self) -> usize;
    /// Whether files `i` and `j` are in one directory: runs of such files side by side are read
    /// through one open directory.
    fn same_dir(&self, i: usize, j: usize) -> bool;
    /// Writes file `i`'s path, relative to the root, into `buf` (replacing what it held).
    fn path(&self, i: usize, buf: &mut Vec<u8>);
}

impl FileList for [Vec<u8>] {
    fn count(&self) -> usize {
        self.len()
    }
    fn same_dir(&self, i: usize, j: usize) -> bool {
        parent(&self[i]) == parent(&self[j])
    }
    fn path(&self, i: usize, buf: &mut Vec<u8>) {
        buf.clear();
        buf.extend_from_slice(&self[i]);
    }
}

/// Reads small files of the context in parallel (the content scan after the walk) and maps each
/// through `f(i, path, bytes)`, keeping what it returns. Files that cannot be read, or that grew
/// past `max` bytes, are skipped. Paths are relative to `root`. `threads` readers, or 0 (the
/// walk's default): one per CPU, and more once reads are seen waiting on a cold disk, as the
/// walk does ([`super::sched::Pace`]).
pub(crate) fn read_files<R: Send, L: FileList + ?Sized>(
    root: &Path,
    list: &L,
    max: u64,
    threads: usize,
    f: impl Fn(usize, &[u8], &[u8]) -> Option<R> + Sync + Send,
) -> Vec<R> {
    let backend = Backend::from_env().unwrap_or(Backend::native());
    let threads = Threads::from_config(threads);
    sys::with_fs(
        backend,
        ReadFiles {
            root,
            list,
            max,
            threads,
            f,
        },
    )
}

struct ReadFiles<'a, L: ?Sized, G> {
    root: &'a Path,
    list: &'a L,
    max: u64,
    threads: Threads,
    f: G,
}

/// Reads of a run of files are slow over 80 µs plus 30 µs per file and per 64 KiB (a warm small
/// file takes about 5 µs to open, read and close; one from a cold disk 100 µs or more).
fn read_pace() -> Pace {
    Pace::new(Duration::from_micros(80), Duration::from_micros(30))
}

/// The largest read buffer a reader thread keeps between files. With a cold page cache the
/// readers grow to 8 threads; at 256 KiB each, a first run on n1m peaked at 31.2–32.4 MiB, at
/// 64 KiB at 30.1–30.8 MiB (3 runs each, caches dropped), with no change in time warm or cold.
const KEEP_BUF: usize = 64 << 10;

/// The directory part of a relative path.
fn parent(r: &[u8]) -> Option<&[u8]> {
    r.iter().rposition(|&b| b == b'/').map(|k| &r[..k])
}

impl<R: Send, L: FileList + ?Sized, G: Fn(usize, &[u8], &[u8]) -> Option<R> + Sync> WithFs
    for ReadFiles<'_, L, G>
{
    type Out = Vec<R>;

    fn run<F: Fs>(self, fs: &F) -> Vec<R> {
        thread_local! {
            /// One read buffer and one path buffer per thread, reused from file to file.
            static BUF: std::cell::RefCell<(Vec<u8>, Vec<u8>)> =
                const { std::cell::RefCell::new((Vec::new(), Vec::new())) };
        }
        let ReadFiles {
            root,
            list,
            max,
            threads,
            f,
        } = self;
        let Ok(root_dir) = fs.open_root(root) else {
            return Vec::new();
        };
        // Runs of files in one directory: that directory is opened once and each file from it,
        // one path component to resolve instead of the whole path.
        let mut runs: Vec<(usize, usize)> = Vec::new();
        for i in 0..list.count() {
            match runs.last_mut() {
                Some((s, e)) if *e == i && list.same_dir(*s, i) => *e += 1,
                _ => runs.push((i, i + 1)),
            }
        }
        let read_run = |(s, e): (usize, usize)| -> (Vec<R>, Duration, u64) {
            BUF.with(|b| {
                let (buf, path) = &mut *b.borrow_mut();
                let mut waited = Duration::ZERO;
                let mut units = 0u64;
                let t0 = Instant::now();
                list.path(s, path);
                // A single file is opened by its path, unless that is too long for one call.
                let dir = match parent(path) {
                    Some(d)
                        if (e - s > 1 || path.len() >= sys::DEEP_STEP) && fs.opens_relative() =>
                    {
                        sys::open_deep(fs, &root_dir, d).ok()
                    }
                    _ => None,
                };
                waited += t0.elapsed();
                let out = (s..e)
                    .filter_map(|i| {
                        if i != s {
                            list.path(i, path);
                        }
                        let t0 = Instant::now();
                        let ok = match &dir {
                            Some(d) => fs.read_file(d, sys::last_component(path), max, buf),
                            None => fs.read_file(&root_dir, path, max, buf),
                        };
                        waited += t0.elapsed();
                        units += 1 + (buf.len() >> 16) as u64;
                        let out = if ok { f(i, path, buf) } else { None };
                        if buf.capacity() > KEEP_BUF {
                            // A large file's buffer is not kept for the small ones that
                            // follow (one per reader thread would add up).
                            *buf = Vec::new();
                        }
                        out
                    })
                    .collect();
                (out, waited, units)
            })
        };
        run_list(runs.len(), threads, read_pace(), |k| read_run(runs[k]))
            .into_iter()
            .flatten()
            .collect()
    }
}

/// Reads one small file inside the context (a `.gitignore`), `None` if it cannot be read.
pub(crate) fn read_small(root: &Path, rel: &[u8], max: u64) -> Option<Vec<u8>> {
    use std::io::Read;
    let file = std::fs::File::open(sys::abs_path(root, rel)).ok()?;
    let mut buf = Vec::new();
    file.take(max).read_to_end(&mut buf).ok()?;
    Some(buf)
}

/// The text of a file of the context (a Makefile, a script a `RUN` step runs), up to 1 MiB,
/// `None` if it cannot be read.
pub(crate) fn read_small_text(root: &Path, rel: &str) -> Option<String> {
    read_small(root, rel.as_bytes(), 1 << 20).map(|b| String::from_utf8_lossy(&b).into_owned())
}
