//! Deterministic generator, the `.dockerignore` half (adversarial ignore files for a generated
//! tree), and `generate_case`, which puts a whole case together.

use super::case::{esc, Case, IgnoreFile, Kind};
use super::gen_tree::{gen_tree, long_name, place_dockerfile, TreeGen, COMMON_NAMES};
use super::rng::Rng;

fn char_spans(b: &[u8]) -> Vec<(usize, usize)> {
    let mut v = Vec::new();
    for chunk in b.utf8_chunks() {
        let base = chunk.valid().as_ptr() as usize - b.as_ptr() as usize;
        for (i, c) in chunk.valid().char_indices() {
            v.push((base + i, base + i + c.len_utf8()));
        }
        let ibase = base + chunk.valid().len();
        for j in 0..chunk.invalid().len() {
            v.push((ibase + j, ibase + j + 1));
        }
    }
    v
}

/// A bracket expression that does (or on purpose does not) match ASCII alnum `c`.
fn class_for(rng: &mut Rng, c: u8) -> Vec<u8> {
    let other = *rng.pick(b"abcxyz019");
    let (lo_lim, hi_lim) = match c {
        b'a'..=b'z' => (b'a', b'z'),
        b'A'..=b'Z' => (b'A', b'Z'),
        _ => (b'0', b'9'),
    };
    let lo = c.saturating_sub(rng.range(0, 2) as u8).max(lo_lim);
    let hi = (c + rng.range(0, 2) as u8).min(hi_lim);
    match rng.below(9) {
        0 => vec![b'[', c, b']'],
        1 => vec![b'[', c, other, b']'],
        2 | 3 => vec![b'[', lo, b'-', hi, b']'],
        4 => vec![b'[', b'^', c, b']'],
        5 => vec![b'[', b'^', other, b']'],
        6 => vec![b'[', b'!', c, b']'],
        7 => vec![b'[', b'!', other, b']'],
        _ => {
            if c.is_ascii_digit() {
                b"[[:digit:]]".to_vec()
            } else {
                b"[[:alpha:]]".to_vec()
            }
        }
    }
}

fn mutate_component(rng: &mut Rng, c: &[u8]) -> Vec<u8> {
    let spans = char_spans(c);
    if spans.is_empty() {
        return b"*".to_vec();
    }
    let (s, e) = spans[rng.below(spans.len())];
    let ch = &c[s..e];
    let cut = spans[rng.below(spans.len())].0;
    match rng.below(12) {
        0 => b"*".to_vec(),
        1 | 2 => [&c[..cut], b"*"].concat(),
        3 => [b"*", &c[cut..]].concat(),
        4 | 5 => [&c[..s], b"?", &c[e..]].concat(),
        6 | 7 if ch.len() == 1 && ch[0].is_ascii_alphanumeric() => {
            [&c[..s], &class_for(rng, ch[0]), &c[e..]].concat()
        }
        8 if ch.len() == 1 => {
            let b = ch[0];
            let rep: Vec<u8> = if b.is_ascii_punctuation() || b == b' ' && rng.pm(300) {
                vec![b'\\', b]
            } else if b.is_ascii_digit() {
                b"\\d".to_vec()
            } else if b.is_ascii_alphabetic() || b == b'_' {
                b"\\w".to_vec()
            } else if b == b' ' || b == b'\t' {
                b"\\s".to_vec()
            } else {
                b"?".to_vec()
            };
            [&c[..s], &rep, &c[e..]].concat()
        }
        9 => [b"*", c, b"*"].concat(),
        10 => c
            .iter()
            .map(|b| {
                if b.is_ascii_lowercase() {
                    b.to_ascii_uppercase()
                } else {
                    b.to_ascii_lowercase()
                }
            })
            .collect(),
        _ => c.to_vec(),
    }
}

/// A pattern derived from an existing path: literal, wildcarded, globstarred.
fn pattern_from_path(rng: &mut Rng, path: &[u8]) -> Vec<u8> {
    let mut comps: Vec<Vec<u8>> = path.split(|&b| b == b'/').map(<[u8]>::to_vec).collect();
    if comps.len() > 1 && rng.pm(250) {
        let k = rng.range(1, comps.len() - 1);
        comps.truncate(k);
    }
    for c in comps.iter_mut() {
        if rng.pm(180) {
            *c = mutate_component(rng, c);
        }
    }
    let joined = comps.join(&b'/');
    let last = comps.last().cloned().unwrap_or_default();
    match rng.below(100) {
        0..=7 => {
            let j = rng.below(comps.len());
            [b"**/".as_slice(), &comps[j..].join(&b'/')].concat()
        }
        8..=13 => [joined.as_slice(), b"/**"].concat(),
        14..=17 => [joined.as_slice(), b"/*"].concat(),
        18..=21 if comps.len() >= 2 => {
            let j = rng.range(1, comps.len() - 1);
            let skip = rng.below(2).min(comps.len() - 1 - j);
            [
                comps[..j].join(&b'/').as_slice(),
                b"/**/",
                &comps[j + skip..].join(&b'/'),
            ]
            .concat()
        }
        22..=24 => {
            let spans = char_spans(&last);
            let cut = if spans.is_empty() {
                0
            } else {
                spans[rng.below(spans.len())].0
            };
            [b"**".as_slice(), &last[cut..]].concat()
        }
        25..=27 => {
            let spans = char_spans(&joined);
            let cut = if spans.is_empty() {
                0
            } else {
                spans[rng.below(spans.len())].1
            };
            [&joined[..cut], b"**"].concat()
        }
        28..=29 => {
            let ext = last
                .iter()
                .rposition(|&b| b == b'.')
                .map_or(&last[..0], |i| &last[i..]);
            [b"**/*".as_slice(), ext].concat()
        }
        30 => b"**".to_vec(),
        _ => joined,
    }
}

const SPECIAL_LINES: &[&str] = &[
    "*",
    "**",
    ".*",
    "*/*",
    "**/*",
    ".dockerignore",
    "!.dockerignore",
    "Dockerfile",
    "!Dockerfile",
    "dockerfile",
    "Dockerfile*",
    "**/Dockerfile",
    "..",
    "/",
    ".",
    "./",
    "../x",
    "!!a",
    "\\!bang",
    "{a,b}.txt",
    "^a*",
    "[a*]",
    "[[:alpha:]]*",
    "*.log",
    "**/*.log",
    "**.log",
    "!**/*.log",
    "!*.txt",
    "**/node_modules",
    "node_modules",
    "!**/keep*",
    "*~",
    "a/**/b",
    "*/",
    "!*/",
    "**/.git",
    "!src",
    "src/*",
    "**/sub/**",
    "a?",
    "?",
    "??",
    "[a-c]*",
    "[^a]*",
    "[!a]*",
    "file\\d",
    "\\*",
    "x*y",
    "#hash",
    "\\#hash",
    "!#hash",
    "**/**",
    "*/**",
    "**/a/**",
    "a**",
    "**a",
    "!docs",
    "docs/**",
    "!docs/**/*.md",
    "*.md",
    "!README.md",
    "**/.*",
    ".env*",
    "!.env.example",
    "[[:digit:]]*",
    "\\w*",
    "*\\.txt",
    "a\\.c",
    "**/[ab]",
    "[a-c]/**",
    "x/../a",
    "a/./b",
    "//a//",
    "./*",
    // patternmatcher escapes only `. + ( ) $` (its escape bitmap drops `|{}`),
    // so these are regex alternations / counted repetitions in REGEX patterns.
    "a|b*",
    "*.log|*.md",
    "b|*",
    "x{2}*",
    "a{2}*",
    "{a,b}*",
    "(a|b)*",
    "*a{1,2}",
    "a+*",
    "(p)*",
    "q$*",
    "x{2,}*",
    "x{1001}*",
    "\\p{Greek}*",
    "\\x{61}*",
    "\\p{L}?",
    // RE2 escapes that Rust's regex crate lacks or spells differently.
    "\\Qa.\\E*",
    "\\101*",
    "\\x61*",
    "\\pL*",
    "\\PL*",
    "[[:^alpha:]]*",
    "[\\d]*",
    "*\\z",
    "\\A*",
    "a\\b*",
    "b\\B*",
    "\\W*",
    "\\C*",
    "\\e*",
    "\\N*",
];

const ERROR_LINES: &[&str] = &[
    "[",
    "a[",
    "[]",
    "[^]",
    "[a-]",
    "[]a]",
    "[-a]",
    "x\\",
    "!",
    "!/",
    "! ",
    "a\\ ",
    "[z-a]",
    "foo[z-a]*",
    "\\k",
    "[[:foo:]]",
    "!!",
    "**/[",
    "\\",
];

fn gen_comment(rng: &mut Rng) -> Vec<u8> {
    rng.pick(&[
        "# comment",
        "#",
        "#!.dockerignore",
        "# *",
        " # x",
        "\t#y",
        "#\t*",
        "##",
        "#node_modules",
    ])
    .as_bytes()
    .to_vec()
}

/// Surface decorations that must not change the meaning (or change it in
/// documented ways): leading `/`, `./`, trailing `/`, whitespace, `!`.
fn decorate(rng: &mut Rng, mut p: Vec<u8>, exception: bool) -> Vec<u8> {
    let r = rng.below(1000);
    if r < 70 {
        p.insert(0, b'/');
    } else if r < 120 {
        p.splice(0..0, b"./".iter().copied());
    } else if r < 140 {
        p.splice(0..0, b"nonexistent/../".iter().copied());
    } else if r < 160 {
        if let Some(i) = p.iter().position(|&b| b == b'/') {
            p.insert(i, b'/');
        }
    }
    if rng.pm(80) && !p.ends_with(b"/") {
        p.push(b'/');
    }
    if exception {
        let pre: &[u8] = if rng.pm(100) {
            b"! "
        } else if rng.pm(30) {
            b"!\t"
        } else {
            b"!"
        };
        p.splice(0..0, pre.iter().copied());
    }
    let r = rng.below(1000);
    if r < 40 {
        let ws = *rng.pick(&[&b" "[..], b"  ", b"\t", b" \t"]);
        p.splice(0..0, ws.iter().copied());
    } else if r < 80 {
        let ws = *rng.pick(&[&b" "[..], b"  ", b"\t", b" \t "]);
        p.extend_from_slice(ws);
    } else if r < 95 {
        p.extend_from_slice("\u{a0}".as_bytes());
    } else if r < 103 {
        p.extend_from_slice("\u{200b}".as_bytes());
    } else if r < 108 {
        p.splice(0..0, "\u{3000}".bytes());
    }
    p
}

struct IgnoreCtx<'a> {
    /// (path, is_dir) of every tree entry.
    subjects: Vec<(&'a [u8], bool)>,
    dirs_with_children: Vec<&'a [u8]>,
    df: Option<&'a [u8]>,
    /// Exclude (nearly) everything more often, so the force-include of an
    /// oddly named Dockerfile is exercised.
    star_bias: bool,
}

fn pick_subject<'a>(rng: &mut Rng, cx: &IgnoreCtx<'a>) -> &'a [u8] {
    let r = rng.below(100);
    if r < 8 {
        if let Some(df) = cx.df {
            return df;
        }
    }
    if r < 12 {
        return b".dockerignore";
    }
    if r < 18 || cx.subjects.is_empty() {
        return rng.pick(COMMON_NAMES).as_bytes();
    }
    rng.pick(&cx.subjects).0
}

/// "exclude a directory, then try to re-include something inside it".
fn gen_exclusion_with_exceptions(rng: &mut Rng, cx: &IgnoreCtx<'_>, lines: &mut Vec<Vec<u8>>) {
    let Some(&dir) = (if cx.dirs_with_children.is_empty() {
        None
    } else {
        Some(rng.pick(&cx.dirs_with_children))
    }) else {
        return;
    };
    let inside: Vec<&[u8]> = cx
        .subjects
        .iter()
        .map(|s| s.0)
        .filter(|p| p.len() > dir.len() && p.starts_with(dir) && p[dir.len()] == b'/')
        .collect();
    let excl = match rng.below(10) {
        0..=4 => dir.to_vec(),
        5 => [dir, b"/"].concat(),
        6 => [dir, b"/**"].concat(),
        7 => [dir, b"/*"].concat(),
        8 => [b"**/", dir.rsplit(|&b| b == b'/').next().unwrap_or(dir)].concat(),
        _ => pattern_from_path(rng, dir),
    };
    lines.push(decorate(rng, excl, false));
    for _ in 0..rng.range(1, 3) {
        let Some(&target) = (if inside.is_empty() {
            None
        } else {
            Some(rng.pick(&inside))
        }) else {
            break;
        };
        let rest = &target[dir.len() + 1..];
        let base = target.rsplit(|&b| b == b'/').next().unwrap_or(target);
        let first = dir.split(|&b| b == b'/').next().unwrap_or(dir);
        let exc = match rng.below(12) {
            0..=3 => target.to_vec(),
            4 => [b"**/", base].concat(),
            5 => [b"*/", rest].concat(),
            6 => [dir, b"/*/", base].concat(),
            7 => {
                let spans = char_spans(rest);
                let cut = if spans.is_empty() {
                    0
                } else {
                    spans[rng.below(spans.len())].1
                };
                [dir, b"/", &rest[..cut], b"*"].concat()
            }
            8 => [dir, b"/**"].concat(),
            9 => dir.to_vec(),
            10 => [
                first,
                b"*/",
                target[first.len()..].strip_prefix(b"/").unwrap_or(b""),
            ]
            .concat(),
            _ => [dir, b"/**/", base].concat(),
        };
        lines.push(decorate(rng, exc, true));
    }
    if rng.pm(250) && !inside.is_empty() {
        let target = *rng.pick(&inside);
        let again = pattern_from_path(rng, target);
        lines.push(decorate(rng, again, false));
    }
}

/// Orderings that exercise the parent-result caching of the tar walker.
fn gen_quirk(rng: &mut Rng, cx: &IgnoreCtx<'_>, lines: &mut Vec<Vec<u8>>) {
    let Some(&dir) = (if cx.dirs_with_children.is_empty() {
        None
    } else {
        Some(rng.pick(&cx.dirs_with_children))
    }) else {
        return;
    };
    let child = cx
        .subjects
        .iter()
        .map(|s| s.0)
        .find(|p| p.len() > dir.len() && p.starts_with(dir) && p[dir.len()] == b'/')
        .unwrap_or(b"x");
    let set: Vec<Vec<u8>> = match rng.below(5) {
        0 => vec![[dir, b"/*"].concat(), [b"!", dir].concat()],
        1 => vec![dir.to_vec(), [b"!", child].concat(), dir.to_vec()],
        2 => vec![b"**/*.txt".to_vec(), [b"!", dir].concat()],
        3 => vec![b"**".to_vec(), [b"!", dir].concat(), child.to_vec()],
        _ => vec![b"*".to_vec(), [b"!", child].concat()],
    };
    lines.extend(set);
}

fn gen_dockerignore(rng: &mut Rng, cx: &IgnoreCtx<'_>, notes: &mut Vec<String>) -> Vec<u8> {
    let mut lines: Vec<Vec<u8>> = Vec::new();
    let n = match rng.below(100) {
        0..=4 => 0,
        5..=24 => rng.range(1, 3),
        25..=84 => rng.range(3, 8),
        _ => rng.range(8, 16),
    };
    while lines.len() < n {
        match rng.below(1000) {
            0..=479 => {
                let subject = pick_subject(rng, cx);
                let p = pattern_from_path(rng, subject);
                let exc = rng.pm(260);
                lines.push(decorate(rng, p, exc));
            }
            480..=599 => gen_exclusion_with_exceptions(rng, cx, &mut lines),
            600..=649 => gen_quirk(rng, cx, &mut lines),
            650..=799 => {
                let s = rng.pick(SPECIAL_LINES).as_bytes().to_vec();
                let p = if rng.pm(200) {
                    decorate(rng, s, false)
                } else {
                    s
                };
                lines.push(p);
            }
            800..=869 => lines.push(gen_comment(rng)),
            870..=929 => lines.push(rng.pick(&[&b""[..], b"", b"   ", b"\t", b" \t "]).to_vec()),
            930..=979 if !lines.is_empty() => {
                let l = rng.pick(&lines).clone();
                lines.push(l);
            }
            _ => {
                let subject = pick_subject(rng, cx);
                let p = pattern_from_path(rng, subject);
                lines.push(p);
            }
        }
    }
    if cx.star_bias && rng.pm(600) {
        let at = rng.range(0, lines.len());
        lines.insert(at, rng.pick(&[&b"*"[..], b"?*", b"**", b" *"]).to_vec());
    }
    // Names may hold newlines; a pattern cannot. `?` still matches them.
    for l in lines.iter_mut() {
        for b in l.iter_mut() {
            if *b == b'\n' {
                *b = b'?';
            }
        }
    }
    if rng.pm(55) {
        let e = rng.pick(ERROR_LINES).as_bytes().to_vec();
        notes.push(format!("error line {}", esc(&e)));
        let at = rng.range(0, lines.len());
        lines.insert(at, e);
    }
    if rng.pm(20) {
        let len = *rng.pick(&[65533usize, 65534, 65535, 65536, 65537]);
        notes.push(format!("{len}-byte line"));
        let at = rng.range(0, lines.len());
        lines.insert(at, long_name(rng, 1).repeat(len));
    }
    let crlf = rng.pm(100);
    let mut text = Vec::new();
    if rng.pm(80) {
        text.extend_from_slice("\u{feff}".as_bytes());
        notes.push("BOM".into());
    }
    for (i, l) in lines.iter().enumerate() {
        text.extend_from_slice(l);
        if i + 1 < lines.len() || rng.pm(780) {
            text.extend_from_slice(if crlf || rng.pm(25) { b"\r\n" } else { b"\n" });
        }
    }
    text
}

pub(super) fn generate_case(index: usize, seed: u64) -> Case {
    let mut rng = Rng(seed);
    let mut t = TreeGen::new();
    let mut notes = Vec::new();
    let (flag, df_rel) = place_dockerfile(&mut rng, &mut t, &mut notes);
    gen_tree(&mut rng, &mut t);

    let subjects_owned: Vec<(Vec<u8>, bool)> = t
        .entries
        .iter()
        .map(|e| (e.path.clone(), matches!(e.kind, Kind::Dir)))
        .collect();
    let subjects: Vec<(&[u8], bool)> = subjects_owned
        .iter()
        .map(|(p, d)| (p.as_slice(), *d))
        .collect();
    let dirs_with_children: Vec<&[u8]> = subjects
        .iter()
        .filter(|(p, d)| {
            *d && subjects
                .iter()
                .any(|(q, _)| q.len() > p.len() && q.starts_with(p) && q[p.len()] == b'/')
        })
        .map(|(p, _)| *p)
        .collect();
    let star_bias = notes.iter().any(|n| n.starts_with("root Dockerfile named"));
    let cx = IgnoreCtx {
        subjects,
        dirs_with_children,
        df: df_rel.as_deref(),
        star_bias,
    };
    let ignore = match rng.below(1000) {
        0..=59 => IgnoreFile::Absent,
        60..=79 => IgnoreFile::Text(Vec::new()),
        80..=83 => {
            notes.push(".dockerignore is a directory".into());
            IgnoreFile::Directory
        }
        84..=99 => {
            let text = gen_dockerignore(&mut rng, &cx, &mut notes);
            notes.push(".dockerignore is a symlink".into());
            let target = b"ignore-rules.txt".to_vec();
            t.add(
                target.clone(),
                Kind::File {
                    size: text.len(),
                    content: Some(text),
                },
            );
            IgnoreFile::Symlink(target)
        }
        _ => IgnoreFile::Text(gen_dockerignore(&mut rng, &cx, &mut notes)),
    };
    Case {
        index,
        seed,
        entries: t.entries,
        ignore,
        flag,
        notes,
    }
}
