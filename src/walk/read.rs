//! The content-file reader: after the walk, the small files the content scan looks into, read in
//! parallel through the same backend as the walk.

use std::path::Path;

use crate::sys::{self, Backend, Fs, Stamp, WithFs};

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
    let reader = Reader {
        stamps: false,
        known: |_: usize, _: &Stamp| None,
        f: |i: usize, b: &[u8], _: Option<Stamp>| f(i, b),
    };
    read_files_with(root, rels, max, threads, reader)
}

/// What the reader does with each file: with `stamps`, each file's [`Stamp`] is taken first
/// (one `fstatat`) and `known(i, stamp)` may answer without reading it; otherwise (or when it
/// does not answer) the file is read and `f(i, bytes, stamp)` answers.
pub(crate) struct Reader<K, G> {
    pub(crate) stamps: bool,
    pub(crate) known: K,
    pub(crate) f: G,
}

/// [`read_files`] with a [`Reader`].
pub(crate) fn read_files_with<R, K, G>(
    root: &Path,
    rels: &[Vec<u8>],
    max: u64,
    threads: usize,
    reader: Reader<K, G>,
) -> Vec<R>
where
    R: Send,
    K: Fn(usize, &Stamp) -> Option<R> + Sync + Send,
    G: Fn(usize, &[u8], Option<Stamp>) -> R + Sync + Send,
{
    let backend = Backend::from_env().unwrap_or(Backend::native());
    let job = || {
        sys::with_fs(
            backend,
            ReadFiles {
                root,
                rels,
                max,
                reader: &reader,
            },
        )
    };
    if threads <= 1 || threads == rayon::current_num_threads() {
        return job();
    }
    match rayon::ThreadPoolBuilder::new().num_threads(threads).build() {
        Ok(pool) => pool.install(job),
        Err(_) => job(),
    }
}

struct ReadFiles<'a, K, G> {
    root: &'a Path,
    rels: &'a [Vec<u8>],
    max: u64,
    reader: &'a Reader<K, G>,
}

/// The directory part of a relative path.
fn parent(r: &[u8]) -> Option<&[u8]> {
    r.iter().rposition(|&b| b == b'/').map(|k| &r[..k])
}

impl<R, K, G> WithFs for ReadFiles<'_, K, G>
where
    R: Send,
    K: Fn(usize, &Stamp) -> Option<R> + Sync,
    G: Fn(usize, &[u8], Option<Stamp>) -> R + Sync,
{
    type Out = Vec<R>;

    fn run<F: Fs>(self, fs: &F) -> Vec<R> {
        use rayon::prelude::*;
        thread_local! {
            /// One read buffer per thread, reused from file to file.
            static BUF: std::cell::RefCell<Vec<u8>> = const { std::cell::RefCell::new(Vec::new()) };
        }
        let ReadFiles {
            root,
            rels,
            max,
            reader,
        } = self;
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
                            let (at, rel) = match &dir {
                                Some(d) => (d, sys::last_component(&rels[i])),
                                None => (&root_dir, rels[i].as_slice()),
                            };
                            let stamp = if reader.stamps {
                                fs.stamp(at, rel)
                            } else {
                                None
                            };
                            if let Some(r) = stamp.as_ref().and_then(|s| (reader.known)(i, s)) {
                                return Some(r);
                            }
                            fs.read_file(at, rel, max, &mut buf)
                                .then(|| (reader.f)(i, &buf, stamp))
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
