//! The content-file reader: after the walk, the small files the content scan looks into, read in
//! parallel through the same backend as the walk.

use std::path::Path;

use crate::sys::{self, Backend, Fs, WithFs};

/// Reads small files of the context in parallel (the content scan after the walk) and maps each
/// through `f`. Files that cannot be read, or that grew past `max` bytes, are skipped. Paths are
/// relative to `root`. `threads` readers (the walk's count): with a cold cache each waits on the
/// disk, so more readers than CPUs keep the CPUs and the disk busy.
pub fn read_files<R: Send>(
    root: &Path,
    rels: &[Vec<u8>],
    max: u64,
    threads: usize,
    f: impl Fn(usize, &[u8]) -> R + Sync + Send,
) -> Vec<R> {
    let backend = Backend::from_env().unwrap_or(Backend::native());
    let job = || sys::with_fs(backend, ReadFiles { root, rels, max, f });
    if threads <= 1 || threads == rayon::current_num_threads() {
        return job();
    }
    match rayon::ThreadPoolBuilder::new().num_threads(threads).build() {
        Ok(pool) => pool.install(job),
        Err(_) => job(),
    }
}

struct ReadFiles<'a, G> {
    root: &'a Path,
    rels: &'a [Vec<u8>],
    max: u64,
    f: G,
}

/// The directory part of a relative path.
fn parent(r: &[u8]) -> Option<&[u8]> {
    r.iter().rposition(|&b| b == b'/').map(|k| &r[..k])
}

impl<R: Send, G: Fn(usize, &[u8]) -> R + Sync> WithFs for ReadFiles<'_, G> {
    type Out = Vec<R>;

    fn run<F: Fs>(self, fs: &F) -> Vec<R> {
        use rayon::prelude::*;
        thread_local! {
            /// One read buffer per thread, reused from file to file.
            static BUF: std::cell::RefCell<Vec<u8>> = const { std::cell::RefCell::new(Vec::new()) };
        }
        let ReadFiles { root, rels, max, f } = self;
        let Ok(root_dir) = fs.open_root(root) else {
            return Vec::new();
        };
        // Runs of files in one directory: that directory is opened once and each file from it,
        // one path component to resolve instead of the whole path.
        let mut runs: Vec<(usize, usize)> = Vec::new();
        for i in 0..rels.len() {
            match runs.last_mut() {
                Some((s, e)) if *e == i && parent(&rels[*s]) == parent(&rels[i]) => *e += 1,
                _ => runs.push((i, i + 1)),
            }
        }
        runs.par_iter()
            .with_max_len(1)
            .flat_map_iter(|&(s, e)| {
                let dir = match parent(&rels[s]) {
                    Some(d) if e - s > 1 && fs.opens_relative() => fs.open_dir(&root_dir, d).ok(),
                    _ => None,
                };
                BUF.with(|b| {
                    let mut buf = b.borrow_mut();
                    (s..e)
                        .filter_map(|i| {
                            let ok = match &dir {
                                Some(d) => {
                                    fs.read_file(d, sys::last_component(&rels[i]), max, &mut buf)
                                }
                                None => fs.read_file(&root_dir, &rels[i], max, &mut buf),
                            };
                            ok.then(|| f(i, &buf))
                        })
                        .collect::<Vec<R>>()
                })
            })
            .collect()
    }
}

/// Reads one small file inside the context (a `.gitignore`), `None` if it cannot be read.
pub fn read_small(root: &Path, rel: &[u8], max: u64) -> Option<Vec<u8>> {
    use std::io::Read;
    let file = std::fs::File::open(sys::abs_path(root, rel)).ok()?;
    let mut buf = Vec::new();
    file.take(max).read_to_end(&mut buf).ok()?;
    Some(buf)
}
