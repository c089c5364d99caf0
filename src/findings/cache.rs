//! The content scan's cache: what reading each file found, kept between runs outside the
//! context and keyed on the file's path and change stamp, so that a file unchanged since the last
//! run costs one `fstatat` instead of an `open`, a read and the signature scan.
//!
//! A result is reused only when the file's fingerprint — a 64-bit hash of its inode, size,
//! modification time and status-change time, to the nanosecond, taken by the walk's own `lstat`
//! before the file is read — is what it was when the file was read, and only when this very
//! binary wrote it with the same `--content-max`: any write to a file changes its change time,
//! which no user can set back. Files changed in the seconds before the walk have no fingerprint
//! ([`crate::tree::SETTLE_SECS`]: a write in the same clock tick as the read would leave it
//! unchanged, git's "racily clean" case) and are always read. Only the rule, line and flag
//! results are stored — never a file's content, never a matched text. A missing, unreadable, corrupt or foreign cache file is ignored; the
//! cache is a speed-up only, and a failure to write it changes nothing in the report. A file
//! reused costs no system call at all.
//!
//! Where: `$XDG_CACHE_HOME/ctxsize/scan/` (or `~/.cache/ctxsize/scan/`), one file per context
//! root, at most [`KEEP`] files (the oldest removed). Used only for contexts with at least
//! [`MIN_FILES`] files to read; `--no-scan-cache` turns it off.

use std::hash::{Hash, Hasher};
use std::io::{Read, Write};
use std::path::{Path, PathBuf};

use super::secrets::{Scanned, Wants};
use crate::rules::{ContentHit, HitNote};
/// Contexts with fewer files to read are scanned without the cache (it would not pay).
pub(crate) const MIN_FILES: usize = 1000;
/// Cache files kept in the directory.
const KEEP: usize = 32;
const MAGIC: &[u8; 8] = b"CTXSCAN\x02";

/// One file's stored result, compact: most files hold nothing, and those cost no allocation.
#[derive(Clone, Copy, Debug)]
struct Entry {
    key: u64,
    print: u64,
    /// 0: nothing found; `n`: the `n-1`th of the results beside the entries.
    result: u32,
    wants: u8,
    /// An old entry this run reused (only entries seen in this run are written back).
    used: bool,
}

impl Entry {
    /// The result this entry stands for, from the results stored beside its list.
    fn result_in(&self, results: &[Scanned]) -> Scanned {
        match self.result {
            0 => Scanned::default(),
            r => results[r as usize - 1].clone(),
        }
    }
}

/// The cache of one context root: what was loaded at the start of a scan, plus what this scan
/// read.
pub(crate) struct ScanCache {
    file: PathBuf,
    header: Vec<u8>,
    /// By path key, sorted.
    old: Vec<Entry>,
    old_results: Vec<Scanned>,
    /// Files read in this run, in reading order.
    fresh: Vec<Entry>,
    fresh_results: Vec<Scanned>,
}

fn wants_bits(w: Wants) -> u8 {
    u8::from(w.env)
        | u8::from(w.har) << 1
        | u8::from(w.template) << 2
        | u8::from(w.pem) << 3
        | u8::from(w.cred_line) << 4
}

fn path_key(path: &[u8]) -> u64 {
    let mut h = std::hash::DefaultHasher::new();
    path.hash(&mut h);
    h.finish()
}

/// `$XDG_CACHE_HOME/ctxsize/scan` or `~/.cache/ctxsize/scan`; `None` without either.
pub(crate) fn dir() -> Option<PathBuf> {
    let base = std::env::var_os("XDG_CACHE_HOME")
        .filter(|v| !v.is_empty())
        .map(PathBuf::from)
        .or_else(|| {
            std::env::var_os("HOME")
                .filter(|v| !v.is_empty())
                .map(|h| PathBuf::from(h).join(".cache"))
        })?;
    Some(base.join("ctxsize").join("scan"))
}

/// What makes stored results valid: this binary (its size and modification time), the content
/// limit and the context root.
fn header(root: &Path, content_max: u64) -> Vec<u8> {
    let exe = std::env::current_exe()
        .and_then(std::fs::metadata)
        .map(|m| {
            let t = m
                .modified()
                .ok()
                .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
                .map_or(0, |d| d.as_nanos());
            format!("{}:{t}", m.len())
        })
        .unwrap_or_default();
    let mut h = format!("{} {exe} {content_max}\0", env!("CARGO_PKG_VERSION")).into_bytes();
    h.extend_from_slice(&crate::sys::os_bytes(root.as_os_str()));
    h
}

impl ScanCache {
    /// The cache of `root` in `dir` (loaded if present and valid, else empty).
    pub(crate) fn open(dir: &Path, root: &Path, content_max: u64) -> ScanCache {
        let header = header(root, content_max);
        let name = blake3::hash(&header[header.iter().position(|&b| b == 0).unwrap_or(0)..]);
        let file = dir.join(format!("{}.bin", &name.to_hex()[..32]));
        let (old, old_results) = std::fs::File::open(&file)
            .ok()
            .and_then(|f| decode(std::io::BufReader::new(f), &header))
            .unwrap_or_default();
        ScanCache {
            file,
            header,
            old,
            old_results,
            fresh: Vec::new(),
            fresh_results: Vec::new(),
        }
    }

    /// Where the stored result for `path` is, if its fingerprint and the checks its name asks
    /// for are unchanged. Read-only, so lookups can run side by side; [`ScanCache::take`] then
    /// returns the result.
    pub(crate) fn find(&self, path: &[u8], print: u64, wants: Wants) -> Option<usize> {
        let key = path_key(path);
        let i = self.old.binary_search_by_key(&key, |e| e.key).ok()?;
        let e = &self.old[i];
        (e.print == print && e.wants == wants_bits(wants)).then_some(i)
    }

    /// The result [`ScanCache::find`] found (the entry is then kept for the next run).
    pub(crate) fn take(&mut self, i: usize) -> Scanned {
        let e = &mut self.old[i];
        e.used = true;
        let e = *e;
        e.result_in(&self.old_results)
    }

    /// [`ScanCache::find`] and [`ScanCache::take`] in one.
    #[cfg(test)]
    pub(crate) fn get(&mut self, path: &[u8], print: u64, wants: Wants) -> Option<Scanned> {
        self.find(path, print, wants).map(|i| self.take(i))
    }

    /// How many files the loaded cache holds.
    pub(crate) fn len(&self) -> usize {
        self.old.len()
    }

    /// Makes room for `n` more files read in this run (one exact allocation, not a doubling).
    pub(crate) fn reserve(&mut self, n: usize) {
        self.fresh.reserve_exact(n);
    }

    /// Records what reading `path` (fingerprint `print`) found in this run.
    pub(crate) fn add(&mut self, path: &[u8], print: u64, wants: Wants, scanned: &Scanned) {
        let result = if *scanned == Scanned::default() {
            0
        } else {
            self.fresh_results.push(scanned.clone());
            u32::try_from(self.fresh_results.len()).unwrap_or(u32::MAX)
        };
        self.fresh.push(Entry {
            key: path_key(path),
            print,
            result,
            wants: wants_bits(wants),
            used: true,
        });
    }

    /// Writes the results of this scan — the old entries it reused and the files it read —
    /// (atomically: a temporary file, then a rename), unless nothing changed. Errors are
    /// ignored: the cache is a speed-up only.
    pub(crate) fn save(&mut self) {
        if self.fresh.is_empty() && self.old.iter().all(|e| e.used) {
            return;
        }
        self.old.retain(|e| e.used);
        self.fresh.sort_unstable_by_key(|e| e.key);
        self.fresh.dedup_by_key(|e| e.key);
        let Some(dir) = self.file.parent() else {
            return;
        };
        if std::fs::create_dir_all(dir).is_err() {
            return;
        }
        let merged = || Merge {
            a: self.old.iter().peekable(),
            b: self.fresh.iter().peekable(),
        };
        let n = merged().count();
        let entries = merged().map(|(e, from_old)| {
            let s = e.result_in(if from_old {
                &self.old_results
            } else {
                &self.fresh_results
            });
            (e.key, e.print, e.wants, s)
        });
        let tmp = dir.join(format!(".tmp-{}", std::process::id()));
        let written = std::fs::File::create(&tmp).and_then(|f| {
            let mut w = std::io::BufWriter::new(f);
            encode(&mut w, &self.header, n, entries)?;
            w.flush()
        });
        if written.is_ok() && std::fs::rename(&tmp, &self.file).is_ok() {
            prune(dir, KEEP);
        } else {
            let _ = std::fs::remove_file(&tmp);
        }
    }
}

/// Two key-sorted entry lists as one, each key once (the old entry first): `(entry, old)`.
struct Merge<'a, I: Iterator<Item = &'a Entry>> {
    a: std::iter::Peekable<I>,
    b: std::iter::Peekable<I>,
}

impl<'a, I: Iterator<Item = &'a Entry>> Iterator for Merge<'a, I> {
    type Item = (&'a Entry, bool);
    fn next(&mut self) -> Option<(&'a Entry, bool)> {
        match (self.a.peek(), self.b.peek()) {
            (Some(x), Some(y)) if x.key == y.key => {
                self.b.next();
                self.a.next().map(|e| (e, true))
            }
            (Some(x), Some(y)) if y.key < x.key => self.b.next().map(|e| (e, false)),
            (Some(_), _) => self.a.next().map(|e| (e, true)),
            (None, _) => self.b.next().map(|e| (e, false)),
        }
    }
}

/// Keeps the `keep` most recently written cache files of `dir`.
fn prune(dir: &Path, keep: usize) {
    let Ok(rd) = std::fs::read_dir(dir) else {
        return;
    };
    let mut files: Vec<(std::time::SystemTime, PathBuf)> = rd
        .filter_map(|e| e.ok())
        .filter(|e| e.file_name().to_string_lossy().ends_with(".bin"))
        .filter_map(|e| Some((e.metadata().ok()?.modified().ok()?, e.path())))
        .collect();
    if files.len() <= keep {
        return;
    }
    files.sort();
    for (_, p) in &files[..files.len() - keep] {
        let _ = std::fs::remove_file(p);
    }
}

/// Writes a cache file: `n` entries `(key, print, wants bits, result)`, sorted by key.
fn encode<W: Write>(
    w: &mut W,
    header: &[u8],
    n: usize,
    entries: impl Iterator<Item = (u64, u64, u8, Scanned)>,
) -> std::io::Result<()> {
    let rules: Vec<&str> = crate::rules::content_rule_ids().collect();
    let mut b = Vec::with_capacity(64);
    b.extend_from_slice(MAGIC);
    put_u32(&mut b, header.len());
    b.extend_from_slice(header);
    put_u32(&mut b, n);
    w.write_all(&b)?;
    for (key, print, wants, s) in entries {
        b.clear();
        b.extend_from_slice(&key.to_le_bytes());
        b.extend_from_slice(&print.to_le_bytes());
        let flags = u8::from(s.template)
            | u8::from(s.env_line.is_some()) << 1
            | u8::from(s.har_line.is_some()) << 2
            | u8::from(s.public_pem) << 3
            | u8::from(s.test_code) << 4;
        b.extend_from_slice(&[wants, flags]);
        let hits: Vec<(u8, usize, u8)> = s
            .hits
            .iter()
            .filter_map(|h| {
                let i = rules.iter().position(|r| *r == h.rule)?;
                Some((u8::try_from(i).ok()?, h.line, HitNote::code(h.note)))
            })
            .collect();
        b.push(u8::try_from(hits.len()).unwrap_or(0));
        for (r, line, note) in hits.iter().take(255) {
            b.push(*r);
            put_u32(&mut b, *line);
            b.push(*note);
        }
        for l in [s.env_line, s.har_line].into_iter().flatten() {
            put_u32(&mut b, l);
        }
        w.write_all(&b)?;
    }
    Ok(())
}

fn put_u32(b: &mut Vec<u8>, n: usize) {
    b.extend_from_slice(&u32::try_from(n).unwrap_or(u32::MAX).to_le_bytes());
}

/// A reader over the stored bytes; every read checks for the end.
struct Cur<R>(R);

impl<R: Read> Cur<R> {
    fn take<const N: usize>(&mut self) -> Option<[u8; N]> {
        let mut a = [0u8; N];
        self.0.read_exact(&mut a).ok()?;
        Some(a)
    }
    fn u8(&mut self) -> Option<u8> {
        self.take::<1>().map(|a| a[0])
    }
    fn u32(&mut self) -> Option<u32> {
        self.take().map(u32::from_le_bytes)
    }
    fn u64(&mut self) -> Option<u64> {
        self.take().map(u64::from_le_bytes)
    }
    fn at_end(&mut self) -> bool {
        matches!(self.0.read(&mut [0u8]), Ok(0))
    }
}

/// The entries (and their non-empty results) of a cache file written for `header`, read as a
/// stream; `None` if it is not one.
fn decode<R: Read>(r: R, header: &[u8]) -> Option<(Vec<Entry>, Vec<Scanned>)> {
    let rules: Vec<&'static str> = crate::rules::content_rule_ids().collect();
    let mut c = Cur(r);
    if &c.take::<8>()? != MAGIC {
        return None;
    }
    let hl = c.u32()? as usize;
    if hl != header.len() {
        return None;
    }
    let mut h = vec![0u8; hl];
    c.0.read_exact(&mut h).ok()?;
    if h != header {
        return None;
    }
    let n = c.u32()? as usize;
    let mut out = Vec::with_capacity(n.min(1 << 20));
    let mut results = Vec::new();
    for _ in 0..n {
        let key = c.u64()?;
        let print = c.u64()?;
        let wants = c.u8()?;
        let flags = c.u8()?;
        let nhits = c.u8()?;
        let mut hits = Vec::with_capacity(usize::from(nhits));
        for _ in 0..nhits {
            let rule = *rules.get(usize::from(c.u8()?))?;
            let line = c.u32()? as usize;
            let note = HitNote::from_code(c.u8()?).ok()?;
            hits.push(ContentHit { rule, line, note });
        }
        let env_line = if flags & 2 != 0 {
            Some(c.u32()? as usize)
        } else {
            None
        };
        let har_line = if flags & 4 != 0 {
            Some(c.u32()? as usize)
        } else {
            None
        };
        let scanned = Scanned {
            hits,
            env_line,
            har_line,
            template: flags & 1 != 0,
            public_pem: flags & 8 != 0,
            test_code: flags & 16 != 0,
        };
        // Written sorted by key; anything else is not this binary's file.
        if out.last().is_some_and(|e: &Entry| e.key >= key) {
            return None;
        }
        let result = if scanned == Scanned::default() {
            0
        } else {
            results.push(scanned);
            u32::try_from(results.len()).ok()?
        };
        out.push(Entry {
            key,
            print,
            result,
            wants,
            used: false,
        });
    }
    c.at_end().then_some((out, results))
}

#[cfg(test)]
mod tests;
