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
use std::path::{Path, PathBuf};

use super::secrets::{Scanned, Wants};
use crate::rules::ContentHit;
/// Contexts with fewer files to read are scanned without the cache (it would not pay).
pub(crate) const MIN_FILES: usize = 1000;
/// Cache files kept in the directory.
const KEEP: usize = 32;
const MAGIC: &[u8; 8] = b"CTXSCAN\x01";

/// One file's stored result (most files hold nothing: `None`).
#[derive(Clone, Debug)]
struct Entry {
    print: u64,
    wants: u8,
    scanned: Option<Box<Scanned>>,
}

/// The cache of one context root, as loaded at the start of a scan.
pub(crate) struct ScanCache {
    file: PathBuf,
    header: Vec<u8>,
    /// By path key, sorted.
    old: Vec<(u64, Entry)>,
}

/// What the scan tells the cache about one file it read or reused.
pub(crate) struct Seen<'a> {
    pub(crate) path: &'a [u8],
    pub(crate) print: u64,
    pub(crate) wants: Wants,
    pub(crate) scanned: &'a Scanned,
    /// Reused from the cache rather than read.
    pub(crate) reused: bool,
}

fn wants_bits(w: Wants) -> u8 {
    u8::from(w.env) | u8::from(w.har) << 1 | u8::from(w.template) << 2
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
        let old = std::fs::read(&file)
            .ok()
            .and_then(|b| decode(&b, &header))
            .unwrap_or_default();
        ScanCache { file, header, old }
    }

    /// The stored result for `path` if its fingerprint and the checks its name asks for are
    /// unchanged.
    pub(crate) fn get(&self, path: &[u8], print: u64, wants: Wants) -> Option<Scanned> {
        let key = path_key(path);
        let e = &self.old[self.old.binary_search_by_key(&key, |x| x.0).ok()?].1;
        (e.print == print && e.wants == wants_bits(wants))
            .then(|| e.scanned.as_deref().cloned().unwrap_or_default())
    }

    /// Writes the results of this scan (atomically: a temporary file, then a rename), unless
    /// nothing changed. Errors are ignored: the cache is a speed-up only.
    pub(crate) fn save<'a>(&self, seen: impl Iterator<Item = Seen<'a>>) {
        let mut entries: Vec<(u64, Entry)> = Vec::new();
        let mut changed = false;
        for s in seen {
            changed |= !s.reused;
            entries.push((
                path_key(s.path),
                Entry {
                    print: s.print,
                    wants: wants_bits(s.wants),
                    scanned: (*s.scanned != Scanned::default())
                        .then(|| Box::new(s.scanned.clone())),
                },
            ));
        }
        if !changed && entries.len() == self.old.len() {
            return;
        }
        entries.sort_unstable_by_key(|e| e.0);
        entries.dedup_by_key(|e| e.0);
        let bytes = encode(&self.header, &entries);
        let Some(dir) = self.file.parent() else {
            return;
        };
        if std::fs::create_dir_all(dir).is_err() {
            return;
        }
        let tmp = dir.join(format!(".tmp-{}", std::process::id()));
        if std::fs::write(&tmp, &bytes).is_ok() && std::fs::rename(&tmp, &self.file).is_ok() {
            prune(dir, KEEP);
        } else {
            let _ = std::fs::remove_file(&tmp);
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

fn encode(header: &[u8], entries: &[(u64, Entry)]) -> Vec<u8> {
    let rules: Vec<&str> = crate::rules::content_rule_ids().collect();
    let mut b = Vec::with_capacity(16 + header.len() + entries.len() * 19);
    b.extend_from_slice(MAGIC);
    put_u32(&mut b, header.len());
    b.extend_from_slice(header);
    put_u32(&mut b, entries.len());
    for (key, e) in entries {
        b.extend_from_slice(&key.to_le_bytes());
        b.extend_from_slice(&e.print.to_le_bytes());
        let empty = Scanned::default();
        let s = e.scanned.as_deref().unwrap_or(&empty);
        let flags = u8::from(s.template)
            | u8::from(s.env_line.is_some()) << 1
            | u8::from(s.har_line.is_some()) << 2;
        b.extend_from_slice(&[e.wants, flags]);
        let hits: Vec<(u8, usize)> = s
            .hits
            .iter()
            .filter_map(|h| {
                let i = rules.iter().position(|r| *r == h.rule)?;
                Some((u8::try_from(i).ok()?, h.line))
            })
            .collect();
        b.push(u8::try_from(hits.len()).unwrap_or(0));
        for (r, line) in hits.iter().take(255) {
            b.push(*r);
            put_u32(&mut b, *line);
        }
        for l in [s.env_line, s.har_line].into_iter().flatten() {
            put_u32(&mut b, l);
        }
    }
    b
}

fn put_u32(b: &mut Vec<u8>, n: usize) {
    b.extend_from_slice(&u32::try_from(n).unwrap_or(u32::MAX).to_le_bytes());
}

/// A cursor over the stored bytes; every read checks the bounds.
struct Cur<'a>(&'a [u8]);

impl Cur<'_> {
    fn take<const N: usize>(&mut self) -> Option<[u8; N]> {
        let (a, rest) = self.0.split_first_chunk::<N>()?;
        self.0 = rest;
        Some(*a)
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
    fn bytes(&mut self, n: usize) -> Option<&[u8]> {
        let (a, rest) = self.0.split_at_checked(n)?;
        self.0 = rest;
        Some(a)
    }
}

/// The entries of a cache file written for `header`; `None` if it is not one.
fn decode(b: &[u8], header: &[u8]) -> Option<Vec<(u64, Entry)>> {
    let rules: Vec<&'static str> = crate::rules::content_rule_ids().collect();
    let mut c = Cur(b.strip_prefix(MAGIC)?);
    let hl = c.u32()? as usize;
    if c.bytes(hl)? != header {
        return None;
    }
    let n = c.u32()? as usize;
    let mut out = Vec::with_capacity(n.min(1 << 20));
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
            hits.push(ContentHit { rule, line });
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
        };
        out.push((
            key,
            Entry {
                print,
                wants,
                scanned: (scanned != Scanned::default()).then(|| Box::new(scanned)),
            },
        ));
    }
    // Written sorted by key; anything else is not this binary's file.
    let sorted = out.windows(2).all(|w| w[0].0 < w[1].0);
    (c.0.is_empty() && sorted).then_some(out)
}

#[cfg(test)]
mod tests;
