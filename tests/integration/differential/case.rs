//! The case model (tree entries, `.dockerignore`, `-f` flag) and its materialization on disk.

use std::ffi::{CString, OsStr, OsString};
use std::fmt::Write as _;
use std::fs;
use std::io;
use std::os::unix::ffi::OsStrExt;
use std::os::unix::net::UnixListener;
use std::path::Path;

use super::rng::Rng;

#[derive(Clone, Debug)]
pub(super) enum Kind {
    File {
        size: usize,
        content: Option<Vec<u8>>,
    },
    Dir,
    Symlink(Vec<u8>),
    /// Second name of an earlier regular file (its context-relative path).
    Hardlink(Vec<u8>),
    Fifo,
    Socket,
}

#[derive(Clone, Debug)]
pub(super) struct Entry {
    pub(super) path: Vec<u8>,
    pub(super) kind: Kind,
    pub(super) mode: Option<u32>,
}

impl Entry {
    pub(super) fn file(path: &[u8], size: usize, content: Option<Vec<u8>>) -> Entry {
        Entry {
            path: path.to_vec(),
            kind: Kind::File { size, content },
            mode: None,
        }
    }
}

#[derive(Clone, Debug)]
pub(super) enum IgnoreFile {
    Absent,
    Text(Vec<u8>),
    /// `.dockerignore` is a symlink to this (context-relative) file, which holds the patterns.
    Symlink(Vec<u8>),
    /// `.dockerignore` is a directory (an error for the CLI).
    Directory,
}

#[derive(Clone, Debug)]
pub(super) enum DfFlag {
    None,
    /// `-f` value, relative to the context dir (which is also the cwd).
    Rel(Vec<u8>),
    /// `-f <ctx>/<this>`: an absolute path inside the context.
    AbsInCtx(Vec<u8>),
}

#[derive(Clone, Debug)]
pub(super) struct Case {
    pub(super) index: usize,
    pub(super) seed: u64,
    pub(super) entries: Vec<Entry>,
    pub(super) ignore: IgnoreFile,
    pub(super) flag: DfFlag,
    pub(super) notes: Vec<String>,
}

impl Case {
    pub(super) fn flag_arg(&self, ctx: &Path) -> Option<OsString> {
        match &self.flag {
            DfFlag::None => None,
            DfFlag::Rel(f) => Some(OsStr::from_bytes(f).to_os_string()),
            DfFlag::AbsInCtx(f) => Some(ctx.join(OsStr::from_bytes(f)).into_os_string()),
        }
    }

    pub(super) fn flag_display(&self) -> String {
        match &self.flag {
            DfFlag::None => String::new(),
            DfFlag::Rel(f) => format!("-f {} ", esc(f)),
            DfFlag::AbsInCtx(f) => format!("-f <ctx>/{} ", esc(f)),
        }
    }

    pub(super) fn ignore_text(&self) -> Option<&[u8]> {
        match &self.ignore {
            IgnoreFile::Text(t) => Some(t),
            IgnoreFile::Symlink(target) => self
                .entries
                .iter()
                .find(|e| &e.path == target)
                .and_then(|e| match &e.kind {
                    Kind::File { content, .. } => content.as_deref(),
                    _ => None,
                }),
            _ => None,
        }
    }

    pub(super) fn describe_ignore(&self) -> String {
        let mut s = String::new();
        match &self.ignore {
            IgnoreFile::Absent => s.push_str(".dockerignore: (none)\n"),
            IgnoreFile::Directory => s.push_str(".dockerignore: (a directory)\n"),
            IgnoreFile::Symlink(t) => {
                let _ = writeln!(s, ".dockerignore: symlink to {}", esc(t));
            }
            IgnoreFile::Text(_) => {}
        }
        if let Some(text) = self.ignore_text() {
            let lines: Vec<&[u8]> = text.split(|&b| b == b'\n').collect();
            let _ = writeln!(
                s,
                ".dockerignore ({} bytes, {} lines{}):",
                text.len(),
                lines.len() - usize::from(text.is_empty() || text.ends_with(b"\n")),
                if text.is_empty() || text.ends_with(b"\n") {
                    ""
                } else {
                    ", no final newline"
                }
            );
            for (i, line) in lines.iter().enumerate() {
                if i + 1 == lines.len() && line.is_empty() {
                    break;
                }
                if line.len() > 600 {
                    let (head, tail) = (&line[..120], &line[line.len() - 120..]);
                    let _ = writeln!(
                        s,
                        "  {:>3}| {} ... {} ({} bytes)",
                        i + 1,
                        esc(head),
                        esc(tail),
                        line.len()
                    );
                } else {
                    let _ = writeln!(s, "  {:>3}| {}", i + 1, esc(line));
                }
            }
        }
        s
    }

    pub(super) fn describe_tree(&self) -> Vec<String> {
        let mut v: Vec<(Vec<u8>, String)> = self
            .entries
            .iter()
            .map(|e| {
                let line = match &e.kind {
                    Kind::File { size, .. } => format!("file {} ({size} B)", esc(&e.path)),
                    Kind::Dir => format!("dir  {}/", esc(&e.path)),
                    Kind::Symlink(t) => format!("link {} -> {}", esc(&e.path), esc(t)),
                    Kind::Hardlink(t) => format!("hard {} == {}", esc(&e.path), esc(t)),
                    Kind::Fifo => format!("fifo {}", esc(&e.path)),
                    Kind::Socket => format!("sock {}", esc(&e.path)),
                };
                (e.path.clone(), line)
            })
            .collect();
        v.sort();
        v.into_iter().map(|(_, l)| l).collect()
    }

    /// A case from the shared conformance format (`conformance/README.md`).
    pub(super) fn from_conformance_json(v: &serde_json::Value) -> Option<Case> {
        let mut entries = Vec::new();
        for e in v["entries"].as_array()? {
            let path = e["path"].as_str()?.as_bytes().to_vec();
            let mode = e["mode"].as_u64().map(|m| m as u32);
            if mode.is_some_and(|m| m & 0o444 == 0 || m & 0o100 == 0 && e["type"] == "dir") {
                return None; // permission cases do not reproduce as root
            }
            let kind = match e["type"].as_str().unwrap_or("file") {
                "file" => {
                    let content = e["content"].as_str().map(|c| c.as_bytes().to_vec());
                    let size = content
                        .as_ref()
                        .map_or(e["size"].as_u64().unwrap_or(0) as usize, Vec::len);
                    Kind::File { size, content }
                }
                "dir" => Kind::Dir,
                "symlink" => Kind::Symlink(e["target"].as_str()?.as_bytes().to_vec()),
                "hardlink" => Kind::Hardlink(e["target"].as_str()?.as_bytes().to_vec()),
                _ => return None,
            };
            entries.push(Entry { path, kind, mode });
        }
        let ignore = match (
            v["dockerignore"].as_str(),
            v["dockerignore_file_name"].as_str(),
        ) {
            (None, _) => IgnoreFile::Absent,
            (Some(t), None) => IgnoreFile::Text(t.as_bytes().to_vec()),
            (Some(t), Some(name)) => {
                entries.push(Entry::file(
                    name.as_bytes(),
                    t.len(),
                    Some(t.as_bytes().to_vec()),
                ));
                IgnoreFile::Absent
            }
        };
        let flag = match v["dockerfile_flag"].as_str() {
            Some(f) => DfFlag::Rel(f.as_bytes().to_vec()),
            None => DfFlag::None,
        };
        Some(Case {
            index: 0,
            seed: 0,
            entries,
            ignore,
            flag,
            notes: vec![],
        })
    }
}

fn file_bytes(path: &[u8], size: usize) -> Vec<u8> {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for &b in path {
        h = (h ^ b as u64).wrapping_mul(0x0100_0000_01b3);
    }
    let mut r = Rng(h);
    let mut v = Vec::with_capacity(size);
    while v.len() < size {
        v.extend_from_slice(&r.next_u64().to_le_bytes());
    }
    v.truncate(size);
    v
}

pub(super) fn materialize(case: &Case, root: &Path) -> io::Result<()> {
    use std::os::unix::fs::PermissionsExt;
    fs::create_dir_all(root)?;
    let abs = |p: &[u8]| root.join(OsStr::from_bytes(p));
    let mut later = Vec::new();
    for e in &case.entries {
        let p = abs(&e.path);
        if let Some(parent) = p.parent() {
            fs::create_dir_all(parent)?;
        }
        match &e.kind {
            Kind::Dir => fs::create_dir_all(&p)?,
            Kind::File { size, content } => {
                let data = content
                    .clone()
                    .unwrap_or_else(|| file_bytes(&e.path, *size));
                fs::write(&p, data)?;
                if let Some(m) = e.mode {
                    fs::set_permissions(&p, fs::Permissions::from_mode(m))?;
                }
            }
            _ => later.push(e),
        }
    }
    for e in later {
        let p = abs(&e.path);
        match &e.kind {
            Kind::Symlink(t) => std::os::unix::fs::symlink(OsStr::from_bytes(t), &p)?,
            Kind::Hardlink(t) => fs::hard_link(abs(t), &p)?,
            Kind::Fifo => {
                let c = CString::new(p.as_os_str().as_bytes())?;
                // SAFETY: `c` is a valid NUL-terminated path that outlives the call.
                if unsafe { libc::mkfifo(c.as_ptr(), 0o644) } != 0 {
                    return Err(io::Error::last_os_error());
                }
            }
            Kind::Socket => {
                // The listener is dropped at once; the socket file stays. A path
                // too long for sun_path just leaves the socket out of the tree.
                let _ = UnixListener::bind(&p);
            }
            Kind::Dir | Kind::File { .. } => unreachable!(),
        }
    }
    let di = root.join(".dockerignore");
    match &case.ignore {
        IgnoreFile::Absent => {}
        IgnoreFile::Text(t) => fs::write(&di, t)?,
        IgnoreFile::Symlink(target) => std::os::unix::fs::symlink(OsStr::from_bytes(target), &di)?,
        IgnoreFile::Directory => {
            fs::create_dir(&di)?;
            fs::write(di.join("x"), b"*\n")?;
        }
    }
    Ok(())
}

/// Printable form of a byte string: Rust-style escapes for control bytes,
/// invalid UTF-8 (`\xNN`) and invisible characters, inside double quotes.
pub(super) fn esc(b: &[u8]) -> String {
    let mut s = String::from("\"");
    for chunk in b.utf8_chunks() {
        for c in chunk.valid().chars() {
            match c {
                '"' => s.push_str("\\\""),
                '\\' => s.push_str("\\\\"),
                '\n' => s.push_str("\\n"),
                '\r' => s.push_str("\\r"),
                '\t' => s.push_str("\\t"),
                c if c.is_control()
                    || matches!(
                        c,
                        '\u{a0}' | '\u{200b}' | '\u{feff}' | '\u{85}' | '\u{2028}' | '\u{2029}'
                    ) =>
                {
                    let _ = write!(s, "\\u{{{:x}}}", c as u32);
                }
                c => s.push(c),
            }
        }
        for byte in chunk.invalid() {
            let _ = write!(s, "\\x{byte:02x}");
        }
    }
    s.push('"');
    s
}
