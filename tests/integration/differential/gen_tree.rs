//! Deterministic generator, the tree half: names, sizes, the tree and the Dockerfile placement.

use std::collections::HashSet;

use super::case::{esc, DfFlag, Entry, Kind};
use super::rng::Rng;
use super::DOCKERFILE_TEXT;

pub(super) const COMMON_NAMES: &[&str] = &[
    "a",
    "b",
    "c",
    "d",
    "x",
    "y",
    "ab",
    "a-b",
    "a.c",
    "a_b",
    "src",
    "lib",
    "docs",
    "build",
    "dist",
    "node_modules",
    "vendor",
    "tmp",
    "logs",
    "sub",
    "keep",
    "keep.txt",
    "keep.md",
    "a.txt",
    "b.txt",
    "x.log",
    "app.log",
    "debug.log",
    "main.go",
    "index.js",
    "README.md",
    ".env",
    ".env.local",
    ".git",
    ".hidden",
    "Dockerfile",
    "dockerfile",
    "Dockerfile.dev",
    ".dockerignore",
    "file1",
    "file2",
    "filed",
    "foo",
    "foobar",
    "fo",
    "out.o",
    "data",
    "cache",
    "test",
    "tests",
    "__pycache__",
    "x.pyc",
    "secret.key",
    "empty",
    "deep",
    "util",
    "web",
    "docker",
];

const WEIRD_NAMES: &[&str] = &[
    "with space",
    " lead",
    "trail ",
    "  ",
    " ",
    "#hash",
    "a#b",
    "#",
    "!bang",
    "a!b",
    "!",
    "[br]",
    "a[1]",
    "]x",
    "ü.txt",
    "déjà",
    "日本語.md",
    "emoji😀",
    "tab\there",
    "back\\slash",
    "a\\b",
    "{a,b}.txt",
    "^ab",
    "$dollar",
    "a+b",
    "(p)",
    "%20",
    "'q'",
    "\"dq\"",
    "a,b",
    "semi;colon",
    "-dash",
    "~tilde",
    "a=b",
    "@at",
    "nbsp\u{a0}",
    "\u{a0}lead-nbsp",
    "zw\u{200b}sp",
    "\u{feff}bom",
    "...",
    "..x",
    "q?",
    "?",
    "a|b",
    "<lt>",
    "x.",
    "Keep.TXT",
    "UPPER",
    "ctl\u{1}",
    "del\u{7f}",
    "İ",
    "Ω",
    "e\u{301}",
    "a.b.c",
    "-",
    "--x",
];

const NON_UTF8_NAMES: &[&[u8]] = &[
    b"lat\xe9n",
    b"\xff",
    b"a\x80b",
    b"\xc3(",
    b"\xe2\x82",
    b"ok\xfe.txt",
    b"\xed\xa0\x80s",
];

const NEWLINE_NAMES: &[&[u8]] = &[b"nl\nx", b"\n", b"trail\n", b"a\nb.txt"];

const SIZES_SMALL: &[usize] = &[0, 0, 1, 1, 2, 7, 10, 100, 255, 256];
const SIZES_EDGE: &[usize] = &[511, 512, 513, 1023, 1024, 1025, 1536, 2047, 2048, 2049];
const SIZES_MID: &[usize] = &[4095, 4096, 4097, 8192, 10240, 10241, 32768];
const SIZES_BIG: &[usize] = &[65535, 65536, 65537, 70000, 70001, 71680];

fn gen_size(rng: &mut Rng, big_budget: &mut usize) -> usize {
    match rng.below(1000) {
        0..=399 => *rng.pick(SIZES_SMALL),
        400..=599 => rng.range(3, 600),
        600..=819 => *rng.pick(SIZES_EDGE),
        820..=949 => *rng.pick(SIZES_MID),
        _ if *big_budget > 0 => {
            *big_budget -= 1;
            *rng.pick(SIZES_BIG)
        }
        _ => *rng.pick(SIZES_EDGE),
    }
}

/// A name of exactly `len` bytes (≤ 255), sometimes with multi-byte characters.
pub(super) fn long_name(rng: &mut Rng, len: usize) -> Vec<u8> {
    let unicode = rng.pm(250);
    let mut v = Vec::with_capacity(len);
    let alphabet = b"long-name_abcdefghij0123456789";
    let mut i = 0;
    while v.len() < len {
        if unicode && len - v.len() >= 2 && rng.pm(60) {
            v.extend_from_slice("ü".as_bytes());
        } else {
            v.push(alphabet[i % alphabet.len()]);
            i += 1;
        }
    }
    v
}

fn gen_name(rng: &mut Rng) -> Vec<u8> {
    match rng.below(1000) {
        0..=419 => rng.pick(COMMON_NAMES).as_bytes().to_vec(),
        420..=679 => {
            let mut v = Vec::new();
            for _ in 0..rng.range(1, 3) {
                v.push(*rng.pick(b"abcxyz"));
            }
            if rng.pm(300) {
                v.push(*rng.pick(b"0129"));
            }
            v.extend_from_slice(
                rng.pick(&[
                    "", "", "", ".txt", ".log", ".md", ".py", ".js", ".o", ".tmp", ".TXT",
                ])
                .as_bytes(),
            );
            v
        }
        680..=859 => rng.pick(WEIRD_NAMES).as_bytes().to_vec(),
        860..=904 => rng.pick(NON_UTF8_NAMES).to_vec(),
        905..=914 => rng.pick(NEWLINE_NAMES).to_vec(),
        915..=964 => {
            let len = if rng.pm(500) {
                *rng.pick(&[99, 100, 101, 154, 155, 156, 157, 254, 255])
            } else {
                rng.range(90, 255)
            };
            long_name(rng, len)
        }
        _ => {
            let mut v = rng.pick(COMMON_NAMES).as_bytes().to_vec();
            v.extend_from_slice(rng.pick(WEIRD_NAMES).as_bytes());
            v.truncate(255);
            v
        }
    }
}

fn depth(path: &[u8]) -> usize {
    if path.is_empty() {
        0
    } else {
        path.iter().filter(|&&b| b == b'/').count() + 1
    }
}

pub(super) fn join(parent: &[u8], name: &[u8]) -> Vec<u8> {
    if parent.is_empty() {
        name.to_vec()
    } else {
        [parent, b"/", name].concat()
    }
}

pub(super) struct TreeGen {
    pub(super) entries: Vec<Entry>,
    used: HashSet<Vec<u8>>,
    dirs: Vec<Vec<u8>>,
    files: Vec<Vec<u8>>,
    big_budget: usize,
}

impl TreeGen {
    pub(super) fn new() -> TreeGen {
        TreeGen {
            entries: Vec::new(),
            used: HashSet::new(),
            dirs: vec![Vec::new()],
            files: Vec::new(),
            big_budget: 3,
        }
    }

    pub(super) fn add(&mut self, path: Vec<u8>, kind: Kind) -> bool {
        if path.is_empty() || self.used.contains(&path) || path.len() > 3000 {
            return false;
        }
        // Every ancestor must be a directory we created.
        let mut prefix = Vec::new();
        for comp in path.split(|&b| b == b'/').take(depth(&path) - 1) {
            prefix = join(&prefix, comp);
            if !self.dirs.contains(&prefix) {
                if self.used.contains(&prefix) {
                    return false; // ancestor exists but is not a directory
                }
                self.add(prefix.clone(), Kind::Dir);
            }
        }
        match &kind {
            Kind::Dir => self.dirs.push(path.clone()),
            Kind::File { .. } => self.files.push(path.clone()),
            _ => {}
        }
        self.used.insert(path.clone());
        self.entries.push(Entry {
            path,
            kind,
            mode: None,
        });
        true
    }

    fn file_kind(&mut self, rng: &mut Rng) -> Kind {
        Kind::File {
            size: gen_size(rng, &mut self.big_budget),
            content: None,
        }
    }

    /// A fresh, non-reserved name under `parent`.
    fn fresh_child(&mut self, rng: &mut Rng, parent: &[u8]) -> Option<Vec<u8>> {
        for _ in 0..20 {
            let name = gen_name(rng);
            if parent.is_empty()
                && matches!(
                    name.as_slice(),
                    b"Dockerfile" | b"dockerfile" | b".dockerignore"
                )
            {
                continue;
            }
            let p = join(parent, &name);
            if !self.used.contains(&p) && p.len() < 1800 {
                return Some(p);
            }
        }
        None
    }
}

/// A symlink target, as written by `ln -s`, for a link created at `path`.
fn gen_symlink_target(rng: &mut Rng, t: &TreeGen, path: &[u8]) -> Vec<u8> {
    let up = b"../".repeat(depth(path).saturating_sub(1));
    match rng.below(100) {
        0..=39 if !t.entries.is_empty() => [up.as_slice(), &rng.pick(&t.entries).path].concat(),
        40..=49 if t.dirs.len() > 1 => {
            [up.as_slice(), &t.dirs[rng.range(1, t.dirs.len() - 1)]].concat()
        }
        50..=62 => rng
            .pick(&[&b"missing-target"[..], b"nope/x", b"./dangling"])
            .to_vec(),
        63..=71 => rng
            .pick(&[&b"/etc/passwd"[..], b"/nonexistent/x", b"/", b"/dev/null"])
            .to_vec(),
        72..=79 => {
            let n = rng.range(95, 140);
            [
                b"../".repeat(n / 6).as_slice(),
                &long_name(rng, n - 3 * (n / 6)),
            ]
            .concat()
        }
        80..=86 => rng
            .pick(&["ziel-ü", "日本", "a b", "x\\y"])
            .as_bytes()
            .to_vec(),
        87..=92 => rng.pick(&[&b"."[..], b"..", b"../.."]).to_vec(),
        _ => path
            .rsplit(|&b| b == b'/')
            .next()
            .unwrap_or(b"self")
            .to_vec(), // itself: a loop
    }
}

/// Where the Dockerfile lives and how it is named on the command line.
/// Returns the Dockerfile's context-relative path (for pattern generation).
pub(super) fn place_dockerfile(
    rng: &mut Rng,
    t: &mut TreeGen,
    notes: &mut Vec<String>,
) -> (DfFlag, Option<Vec<u8>>) {
    let df = || Kind::File {
        size: DOCKERFILE_TEXT.len(),
        content: Some(DOCKERFILE_TEXT.to_vec()),
    };
    let subdir = |rng: &mut Rng| -> Vec<u8> {
        let mut p = Vec::new();
        for _ in 0..rng.range(1, 3) {
            let mut name: Vec<u8> = if rng.pm(600) {
                rng.pick(&[
                    "docker",
                    "build",
                    "ci",
                    "deploy",
                    "sub",
                    "x y",
                    "ü",
                    "src",
                    "node_modules",
                    "a",
                ])
                .as_bytes()
                .to_vec()
            } else {
                gen_name(rng)
            };
            if p.is_empty()
                && matches!(
                    name.as_slice(),
                    b"Dockerfile" | b"dockerfile" | b".dockerignore"
                )
            {
                name = b"docker".to_vec();
            }
            p = join(&p, &name);
        }
        p
    };
    let roll = rng.below(1000);
    match roll {
        0..=639 => {
            t.add(b"Dockerfile".to_vec(), df());
            let flag = match rng.below(100) {
                0..=3 => DfFlag::Rel(b"Dockerfile".to_vec()),
                4..=5 => DfFlag::Rel(b"./Dockerfile".to_vec()),
                6 => DfFlag::AbsInCtx(b"Dockerfile".to_vec()),
                _ => DfFlag::None,
            };
            if rng.pm(100) {
                t.add(b"dockerfile".to_vec(), df());
            }
            (flag, Some(b"Dockerfile".to_vec()))
        }
        640..=709 => {
            notes.push("lowercase dockerfile only".into());
            t.add(b"dockerfile".to_vec(), df());
            (DfFlag::None, Some(b"dockerfile".to_vec()))
        }
        710..=879 => {
            let dir = subdir(rng);
            let name = rng.pick(&[
                "Dockerfile",
                "Dockerfile",
                "Dockerfile.prod",
                "app.Dockerfile",
                "df with space",
                "Dockerfile.ü",
                "#df",
                "!df",
                " lead-df",
                "trail-df ",
                "\u{a0}nbsp-df",
            ]);
            let rel = join(&dir, name.as_bytes());
            if !t.add(rel.clone(), df()) {
                t.add(b"Dockerfile".to_vec(), df());
                return (DfFlag::None, Some(b"Dockerfile".to_vec()));
            }
            if rng.pm(150) {
                t.add(b"Dockerfile".to_vec(), df());
            }
            notes.push("Dockerfile in a subdir".into());
            let flag = match rng.below(100) {
                0..=74 => DfFlag::Rel(rel.clone()),
                75..=84 => DfFlag::Rel([b"./".as_slice(), &rel].concat()),
                85..=94 => DfFlag::AbsInCtx(rel.clone()),
                _ => DfFlag::Rel([b"nonexistent/../".as_slice(), &rel].concat()),
            };
            (flag, Some(rel))
        }
        880..=919 => {
            let target = join(&subdir(rng), b"Dockerfile.real");
            if !t.add(target.clone(), df()) {
                t.add(b"Dockerfile".to_vec(), df());
                return (DfFlag::None, Some(b"Dockerfile".to_vec()));
            }
            notes.push("Dockerfile is a symlink".into());
            t.add(b"Dockerfile".to_vec(), Kind::Symlink(target.clone()));
            let flag = if rng.pm(300) {
                DfFlag::Rel(b"Dockerfile".to_vec())
            } else {
                DfFlag::None
            };
            (flag, Some(target))
        }
        920..=944 => {
            notes.push("-f name is a glob".into());
            t.add(b"Dockerfile".to_vec(), df());
            t.add(b"a[1].Dockerfile".to_vec(), df());
            if rng.pm(700) {
                t.add(b"a1.Dockerfile".to_vec(), df());
            }
            (
                DfFlag::Rel(b"a[1].Dockerfile".to_vec()),
                Some(b"a[1].Dockerfile".to_vec()),
            )
        }
        945..=954 => {
            notes.push("-f names a directory".into());
            let dir = subdir(rng);
            t.add(join(&dir, b"Dockerfile"), df());
            (DfFlag::Rel(dir.clone()), Some(dir))
        }
        955..=979 => {
            let name = rng.pick(&[
                " Dockerfile",
                "  df",
                "\tdf",
                "Dockerfile ",
                "\u{a0}df",
                "x\ny.Dockerfile",
                "--df",
                "-df",
                "#df",
                "!df",
                "df.ü",
            ]);
            notes.push(format!("root Dockerfile named {}", esc(name.as_bytes())));
            t.add(name.as_bytes().to_vec(), df());
            (
                DfFlag::Rel(name.as_bytes().to_vec()),
                Some(name.as_bytes().to_vec()),
            )
        }
        980..=989 => {
            notes.push("Dockerfile missing".into());
            let flag = if rng.pm(500) {
                DfFlag::Rel(b"nope/Dockerfile".to_vec())
            } else {
                DfFlag::None
            };
            (flag, None)
        }
        _ => {
            // -f through a symlinked directory: the CLI resolves it.
            let dir = subdir(rng);
            let real = join(&dir, b"Dockerfile");
            if !t.add(real.clone(), df()) || !t.add(b"dflink".to_vec(), Kind::Symlink(dir.clone()))
            {
                t.add(b"Dockerfile".to_vec(), df());
                return (DfFlag::None, Some(b"Dockerfile".to_vec()));
            }
            notes.push("-f through a symlinked dir".into());
            (DfFlag::Rel(b"dflink/Dockerfile".to_vec()), Some(real))
        }
    }
}

pub(super) fn gen_tree(rng: &mut Rng, t: &mut TreeGen) {
    // Long-path profile: a chain of long directory names and files whose full
    // paths sit on the ustar limits (100-byte name, 155-byte prefix, 256).
    if rng.pm(150) {
        let mut dir = Vec::new();
        for _ in 0..rng.range(1, 4) {
            let len = *rng.pick(&[30, 49, 50, 60, 98, 99, 100, 101, 120]);
            dir = join(&dir, &long_name(rng, len));
            if dir.len() > 600 {
                break;
            }
            t.add(dir.clone(), Kind::Dir);
            for target in [99usize, 100, 101, 155, 156, 157, 256, 257] {
                if rng.pm(350) && target > dir.len() + 1 && target - dir.len() - 1 <= 255 {
                    let name = long_name(rng, target - dir.len() - 1);
                    let kind = if rng.pm(300) {
                        Kind::Dir
                    } else {
                        t.file_kind(rng)
                    };
                    t.add(join(&dir, &name), kind);
                }
            }
        }
    }
    let n = match rng.below(100) {
        0..=2 => rng.range(0, 3),
        3..=62 => rng.range(5, 20),
        63..=92 => rng.range(20, 45),
        _ => rng.range(45, 90),
    };
    let mut last_dir: Vec<u8> = Vec::new();
    for _ in 0..n {
        let parent = if rng.pm(400) {
            last_dir.clone()
        } else {
            rng.pick(&t.dirs).clone()
        };
        let pd = depth(&parent);
        let roll = rng.below(1000);
        let Some(path) = t.fresh_child(rng, &parent) else {
            continue;
        };
        if roll < 260 && pd < 5 {
            if t.add(path.clone(), Kind::Dir) {
                last_dir = path;
            }
            continue;
        }
        let kind = match roll {
            0..=669 => t.file_kind(rng),
            670..=809 => Kind::Symlink(gen_symlink_target(rng, t, &path)),
            810..=939 if !t.files.is_empty() => Kind::Hardlink(rng.pick(&t.files).clone()),
            940..=959 => Kind::Fifo,
            960..=969 if pd <= 1 => Kind::Socket,
            _ => t.file_kind(rng),
        };
        t.add(path, kind);
    }
}
