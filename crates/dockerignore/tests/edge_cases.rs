//! The 111 edge cases of `tests/data/dockerignore-edge-cases.txt`, each verified with the real
//! docker CLI 28.2.2 (classic builder), replayed through this crate.
//!
//! Every case is a small build context (files, an ignore file, maybe `-f`) and what docker did
//! with it: the entries it sent, in tar order, or the error it stopped with. The test builds the
//! context in memory and runs the classic builder's steps on it with this crate
//! (`tests/data/dockerignore-semantics.md`): read the ignore file (R1–R9), pick the Dockerfile
//! (R19), the pre-flight walk with R16(a) (R17), the appended exceptions chosen with R16(c)
//! (R18), and the tar walk with R16(b), its pruning rule and its entry types (R20, R21). The
//! entries must equal docker's, in order, and errors must read as docker's. Each decision is
//! made twice, by the reference [`PatternSet`] and by the walker's [`FastMatcher`], which must
//! agree.
//!
//! Sizes, headers and the stream rewriting of section S are the tar writer's business and are
//! not replayed here. The data ships with the crate: a missing or truncated file fails the test.

use std::collections::BTreeMap;

use dockerignore::{
    read_all, to_pattern_list, union, Bits, FastMatcher, ParentRule, PatternError, PatternLine,
    PatternSet,
};

const DATA: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/tests/data/dockerignore-edge-cases.txt"
);

/// The number of numbered cases the file holds.
const CASES: usize = 111;

const SPEC: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/tests/data/dockerignore-semantics.md"
);

fn read(path: &str) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|e| {
        panic!("{path}: {e}: the test data ships with the crate in tests/data; restore the file")
    })
}

fn load() -> String {
    read(DATA)
}

// ---------------------------------------------------------------------------------------------
// The case file.

#[derive(Clone, Debug, PartialEq)]
enum Kind {
    File,
    Dir,
    /// Target as written.
    Symlink(String),
    Hardlink,
    Fifo,
    Sock,
    Chr,
}

#[derive(Clone, Debug)]
struct Entry {
    kind: Kind,
    /// `[mode=000]`: nobody but root can read it (the cases ran as uid 65534).
    unreadable: bool,
}

#[derive(Debug, PartialEq)]
enum Expected {
    /// Entry names in tar order (directories end in `/`).
    Entries(Vec<Name>),
    Error(Vec<String>),
}

#[derive(PartialEq)]
enum Name {
    Exact(Vec<u8>),
    /// `prefix...(N bytes)`.
    Shortened {
        prefix: Vec<u8>,
        len: usize,
    },
}

impl std::fmt::Debug for Name {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Name::Exact(n) => write!(f, "{:?}", String::from_utf8_lossy(n)),
            Name::Shortened { prefix, len } => {
                write!(f, "\"{}...({len} bytes)\"", String::from_utf8_lossy(prefix))
            }
        }
    }
}

#[derive(Debug)]
struct Case {
    num: usize,
    name: String,
    dockerfile: Option<String>,
    /// Context-relative path → entry (parents included).
    files: BTreeMap<Vec<u8>, Entry>,
    ignore: Option<Vec<u8>>,
    ignore_unreadable: bool,
    expected: Expected,
}

/// The escapes of an expected name (Python's repr of a str): `\xNN` and `\uNNNN` are code
/// points, `\udcNN` (a surrogate escape) is the raw byte NN.
fn decode_name(s: &str) -> Vec<u8> {
    let mut out = Vec::new();
    let mut rest = s;
    while let Some(i) = rest.find('\\') {
        out.extend_from_slice(&rest.as_bytes()[..i]);
        let tail = &rest[i + 1..];
        let (digits, len) = match tail.as_bytes().first() {
            Some(b'x') => (tail.get(1..3), 3),
            Some(b'u') => (tail.get(1..5), 5),
            _ => (None, 0),
        };
        match digits.and_then(|d| u32::from_str_radix(d, 16).ok()) {
            Some(cp) if (0xDC80..=0xDCFF).contains(&cp) => out.push((cp & 0xFF) as u8),
            Some(cp) => {
                let c = char::from_u32(cp).unwrap_or_else(|| panic!("bad escape in {s:?}"));
                out.extend_from_slice(c.to_string().as_bytes());
            }
            None => {
                out.push(b'\\');
                rest = tail;
                continue;
            }
        }
        rest = &tail[len..];
    }
    out.extend_from_slice(rest.as_bytes());
    out
}

/// A JSON string literal's bytes (the `.dockerignore` lines).
fn json_string(lit: &str) -> Vec<u8> {
    let inner = lit
        .strip_prefix('"')
        .and_then(|s| s.strip_suffix('"'))
        .unwrap_or_else(|| panic!("not a JSON string: {lit}"));
    let mut out = String::new();
    let mut chars = inner.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some('n') => out.push('\n'),
            Some('r') => out.push('\r'),
            Some('t') => out.push('\t'),
            Some('u') => {
                let hex: String = chars.by_ref().take(4).collect();
                let cp = u32::from_str_radix(&hex, 16).expect("\\u escape");
                out.push(char::from_u32(cp).expect("no surrogates in the case file"));
            }
            Some(c @ ('"' | '\\' | '/')) => out.push(c),
            other => panic!("unknown JSON escape {other:?} in {lit}"),
        }
    }
    out.into_bytes()
}

/// A Python bytes literal's content (`b'lat\xe9.txt'`).
fn py_bytes(lit: &str) -> Vec<u8> {
    let inner = lit
        .strip_prefix("b'")
        .and_then(|s| s.strip_suffix('\''))
        .unwrap_or_else(|| panic!("not a bytes literal: {lit}"));
    let mut out = Vec::new();
    let mut rest = inner;
    while let Some(i) = rest.find("\\x") {
        out.extend_from_slice(&rest.as_bytes()[..i]);
        out.push(u8::from_str_radix(&rest[i + 2..i + 4], 16).expect("\\x escape"));
        rest = &rest[i + 4..];
    }
    out.extend_from_slice(rest.as_bytes());
    out
}

fn add(files: &mut BTreeMap<Vec<u8>, Entry>, path: &[u8], entry: Entry) {
    for (i, &b) in path.iter().enumerate() {
        if b == b'/' {
            files.entry(path[..i].to_vec()).or_insert(Entry {
                kind: Kind::Dir,
                unreadable: false,
            });
        }
    }
    // A later line can annotate an implied directory (`priv/x`, then `priv/ [mode=000]`).
    files.insert(path.to_vec(), entry);
}

fn file_line(files: &mut BTreeMap<Vec<u8>, Entry>, line: &str) {
    let mut rest = line;
    let mut kind = None;
    let mut unreadable = false;
    while let Some(open) = rest.strip_suffix(']').and_then(|r| r.rfind(" [")) {
        match &rest[open + 2..rest.len() - 1] {
            "fifo" => kind = Some(Kind::Fifo),
            "sock" => kind = Some(Kind::Sock),
            "chr" => kind = Some(Kind::Chr),
            "mode=000" => unreadable = true,
            t if t.starts_with("size=") || t.starts_with("mtime=") || t == "content=df" => {}
            t => panic!("unknown annotation [{t}] in {line:?}"),
        }
        rest = &rest[..open];
    }
    let (path, kind) = if let Some(k) = kind {
        (rest, k)
    } else if let Some((a, b)) = rest.split_once(" -> ") {
        (a, Kind::Symlink(b.to_string()))
    } else if let Some((a, _)) = rest.split_once(" => ") {
        (a, Kind::Hardlink)
    } else if let Some(d) = rest.strip_suffix('/') {
        (d, Kind::Dir)
    } else {
        (rest, Kind::File)
    };
    add(files, path.as_bytes(), Entry { kind, unreadable });
}

fn expected_name(line: &str) -> Name {
    let mut rest = line;
    while let Some(open) = rest.strip_suffix(']').and_then(|r| r.rfind("   [")) {
        rest = &rest[..open];
    }
    match rest
        .strip_suffix(" bytes)")
        .and_then(|r| r.rsplit_once("...("))
    {
        Some((prefix, n)) if n.bytes().all(|c| c.is_ascii_digit()) => Name::Shortened {
            prefix: decode_name(prefix),
            len: n.parse().expect("length"),
        },
        _ => Name::Exact(decode_name(rest)),
    }
}

fn setup(c: &mut Case, cmd: &str) {
    if let Some(r) = cmd.strip_prefix("printf '") {
        let (_, dest) = r.split_once("' > ").expect("printf 'X' > DEST");
        if !dest.starts_with("<tmp>/") {
            add(
                &mut c.files,
                dest.trim().as_bytes(),
                Entry {
                    kind: Kind::File,
                    unreadable: false,
                },
            );
        }
    } else if cmd == "chmod 000 .dockerignore" {
        c.ignore_unreadable = true;
    } else if let Some(r) = cmd.strip_prefix("python3 -c \"open(") {
        let (name, _) = r.split_once(",'wb')").expect("open(NAME,'wb')");
        let entry = Entry {
            kind: Kind::File,
            unreadable: false,
        };
        add(&mut c.files, &py_bytes(name), entry);
    } else {
        panic!("case {}: unknown setup command {cmd:?}", c.name);
    }
}

fn parse_cases(text: &str) -> Vec<Case> {
    let body = text
        .split("\nSECTION S")
        .next()
        .expect("split yields one part");
    let mut cases = Vec::new();
    for block in body.split("\nCASE ").skip(1) {
        let mut lines = block.lines();
        let head = lines.next().expect("case header");
        let (num, rest) = head.split_once(": ").expect("CASE N: name");
        let mut c = Case {
            num: num.parse().expect("case number"),
            name: rest.split_whitespace().next().expect("name").to_string(),
            dockerfile: None,
            files: BTreeMap::new(),
            ignore: None,
            ignore_unreadable: false,
            expected: Expected::Entries(Vec::new()),
        };
        let mut section = "";
        let mut setups = Vec::new();
        for line in lines {
            if let Some(item) = line.strip_prefix("  ") {
                match section {
                    "files" => file_line(&mut c.files, item),
                    "ignore" if item.starts_with('|') => {}
                    "ignore" => {
                        c.ignore = if let Some(j) = item.strip_prefix("JSON: ") {
                            Some(json_string(j))
                        } else if item == "(no .dockerignore)" {
                            None
                        } else if item == "(a single line of 70000 'a' characters, then \\n)" {
                            let mut v = vec![b'a'; 70000];
                            v.push(b'\n');
                            Some(v)
                        } else {
                            panic!("case {}: unknown ignore file {item:?}", c.name)
                        }
                    }
                    "entries" => match &mut c.expected {
                        Expected::Entries(v) => v.push(expected_name(item)),
                        Expected::Error(_) => unreachable!(),
                    },
                    "error" => match &mut c.expected {
                        Expected::Error(v) => v.push(item.to_string()),
                        Expected::Entries(_) => unreachable!(),
                    },
                    _ => panic!("case {}: stray line {line:?}", c.name),
                }
                continue;
            }
            section = "";
            if let Some(a) = line.strip_prefix("args: ") {
                match a.split_once(' ') {
                    Some(("-f", f)) => c.dockerfile = Some(f.to_string()),
                    _ => panic!("case {}: unknown args {a:?}", c.name),
                }
            } else if let Some(s) = line.strip_prefix("setup: ") {
                setups.push(s.to_string());
            } else if line == "files:" {
                section = "files";
            } else if line == ".dockerignore:" {
                section = "ignore";
            } else if line.starts_with("expected included paths") {
                section = "entries";
            } else if line.starts_with("expected: build fails") {
                section = "error";
                c.expected = Expected::Error(Vec::new());
            }
        }
        for s in setups {
            setup(&mut c, &s);
        }
        if c.ignore.is_some() {
            let entry = Entry {
                kind: Kind::File,
                unreadable: c.ignore_unreadable,
            };
            add(&mut c.files, b".dockerignore", entry);
        }
        cases.push(c);
    }
    cases
}

// ---------------------------------------------------------------------------------------------
// The classic builder, in memory.

const CTX: &str = "<ctx>";

/// The entries of directory `dir` (`""` for the root), sorted by name.
fn children<'a>(c: &'a Case, dir: &'a [u8]) -> impl Iterator<Item = (&'a Vec<u8>, &'a Entry)> {
    c.files.iter().filter(move |(p, _)| {
        let rest = if dir.is_empty() {
            Some(p.as_slice())
        } else {
            p.strip_prefix(dir).and_then(|r| r.strip_prefix(b"/"))
        };
        rest.is_some_and(|r| !r.contains(&b'/'))
    })
}

fn abs(rel: &[u8]) -> String {
    format!("{CTX}/{}", String::from_utf8_lossy(rel))
}

/// R19: the Dockerfile's context-relative path after symlinks, as R18 uses it.
fn dockerfile(c: &Case) -> Result<Vec<u8>, String> {
    let mut rel = match &c.dockerfile {
        Some(f) => f.as_bytes().to_vec(),
        None if c.files.contains_key(b"Dockerfile".as_slice()) => b"Dockerfile".to_vec(),
        None if c.files.contains_key(b"dockerfile".as_slice()) => b"dockerfile".to_vec(),
        None => b"Dockerfile".to_vec(),
    };
    for _ in 0..40 {
        match c.files.get(&rel).map(|e| &e.kind) {
            None => return Err(format!(
                "unable to prepare context: unable to evaluate symlinks in Dockerfile path: lstat {}: no such file or directory",
                abs(&rel)
            )),
            Some(Kind::Symlink(t)) if t.starts_with('/') || t.starts_with("<tmp>") => {
                // Outside the context: without -f the CLI opens an empty path (R19).
                assert!(c.dockerfile.is_none(), "case {}: R27 is not replayed", c.name);
                return Err("unable to open Dockerfile: open : no such file or directory".into());
            }
            Some(Kind::Symlink(t)) => {
                let dir = rel
                    .iter()
                    .rposition(|&b| b == b'/')
                    .map_or(Vec::new(), |i| rel[..=i].to_vec());
                rel = dockerignore::clean(&[&dir, t.as_bytes()].concat());
            }
            Some(_) => return Ok(rel),
        }
    }
    panic!("case {}: symlink loop", c.name)
}

fn pattern_err(e: PatternError) -> String {
    format!("{}{e}", e.docker_prefix())
}

/// R17 `ValidateContextDirectory`: `filepath.Walk` with R16(a) over the file's own patterns.
/// Checked with both matchers: `anc` is the union of the ancestors' match sets.
fn validate(
    c: &Case,
    set: &PatternSet,
    fast: &FastMatcher,
    limit: usize,
    dir: &[u8],
    anc: &Bits,
) -> Result<(), String> {
    let mut mc = fast.cache();
    let mut pos = fast.dir_pos(&mut mc, dir);
    let mut m = Bits::new();
    for (path, e) in children(c, dir) {
        // Walk lists a directory before its callback can skip it.
        if e.kind == Kind::Dir && e.unreadable {
            return Err(format!(
                "error checking context: can't stat '{}'",
                abs(path)
            ));
        }
        let verdict = set.decide(path, ParentRule::OrParentMatches);
        let name = if dir.is_empty() {
            &path[..]
        } else {
            &path[dir.len() + 1..]
        };
        fast.matches_into(&mut mc, &mut pos, dir, name, path, &mut m);
        let quick = fast.eval_or_parent(path, anc, &m, limit);
        assert_eq!(
            verdict.map(|d| d.excluded()),
            quick,
            "case {}: {}: the matchers disagree (R16 a)",
            c.name,
            String::from_utf8_lossy(path)
        );
        let excluded = verdict
            .map_err(|b| pattern_err(set.syntax_error(b)))?
            .excluded();
        if excluded {
            continue;
        }
        match e.kind {
            Kind::Dir => validate(c, set, fast, limit, path, &union(anc, &m))?,
            Kind::Symlink(_) | Kind::Fifo => {}
            _ if e.unreadable => {
                return Err(format!(
                    "error checking context: no permission to read from '{}'",
                    abs(path)
                ))
            }
            _ => {}
        }
    }
    Ok(())
}

/// R20/R21: the tar walk with R16(b). Returns `false` when the tar stopped (R21: an unreadable
/// file's header is written, and nothing after it arrives).
fn tar(
    c: &Case,
    set: &PatternSet,
    fast: &FastMatcher,
    dir: &[u8],
    parent: Option<(&[bool], &Bits)>,
    out: &mut Vec<Vec<u8>>,
) -> bool {
    let exceptions: Vec<&PatternLine> = set
        .patterns()
        .iter()
        .filter(|p| p.exclusion())
        .map(|p| p.line())
        .collect();
    let mut mc = fast.cache();
    let mut pos = fast.dir_pos(&mut mc, dir);
    let (mut m, mut bits) = (Bits::new(), Bits::new());
    for (path, e) in children(c, dir) {
        let name = if dir.is_empty() {
            &path[..]
        } else {
            &path[dir.len() + 1..]
        };
        let (excluded, own) = set
            .matches_using_parent_results(path, parent.map(|p| p.0))
            .unwrap_or_else(|b| panic!("case {}: pattern {} fails in the tar walk", c.name, b.0));
        fast.matches_into(&mut mc, &mut pos, dir, name, path, &mut m);
        let quick = fast
            .eval_parent_results(path, parent.map(|p| p.1), &m, &mut bits, fast.len())
            .expect("the reference evaluated the same patterns");
        let own_bits: Bits = (0..own.len() as u32).filter(|&i| own[i as usize]).collect();
        assert_eq!(
            (excluded, &own_bits),
            (quick, &bits),
            "case {}: {}: the matchers disagree (R16 b)",
            c.name,
            String::from_utf8_lossy(path)
        );
        // The walkers' verdict also reads through `decide`, with the deciding line.
        let d = set
            .decide(path, ParentRule::UsingParentResults)
            .expect("evaluated above");
        assert_eq!(d.excluded(), excluded, "case {}: decide (R16 b)", c.name);
        assert_eq!(d.index(), own.iter().rposition(|&b| b));
        let is_dir = e.kind == Kind::Dir;
        if excluded {
            let mut prefix = path.clone();
            prefix.push(b'/');
            let reach = exceptions.iter().any(|l| {
                let mut p = l.cleaned.clone();
                p.push(b'/');
                p.starts_with(&prefix)
            });
            if is_dir && reach && !tar(c, set, fast, path, Some((&own, &bits)), out) {
                return false;
            }
            continue;
        }
        match e.kind {
            Kind::Sock => continue, // "sockets not supported": skipped, logged
            Kind::Dir => {
                let mut n = path.clone();
                n.push(b'/');
                out.push(n);
                if !tar(c, set, fast, path, Some((&own, &bits)), out) {
                    return false;
                }
            }
            _ => {
                out.push(path.clone());
                if e.unreadable {
                    return false;
                }
            }
        }
    }
    true
}

/// The classic builder's answer for a case: the tar's entries, or the error.
fn classic(c: &Case) -> Result<Vec<Vec<u8>>, String> {
    if c.ignore_unreadable {
        return Err(format!("open {CTX}/.dockerignore: permission denied"));
    }
    let df = dockerfile(c)?;
    let raw = read_all(c.ignore.as_deref().unwrap_or_default()).map_err(pattern_err)?;
    let mut lines = to_pattern_list(&raw).map_err(pattern_err)?;
    let own = PatternSet::new(lines.clone());
    validate(
        c,
        &own,
        &FastMatcher::new(PatternSet::new(lines.clone())),
        lines.len(),
        b"",
        &Bits::new(),
    )?;
    // R18, with the deprecated matcher; both ways of asking must agree.
    for path in [&b".dockerignore"[..], &df] {
        let d = own
            .decide(path, ParentRule::Deprecated)
            .expect("never fails");
        assert_eq!(d.excluded(), own.matches_deprecated(path));
        if d.excluded() {
            let appended = PatternLine::appended(&[b"!", path].concat()).map_err(pattern_err)?;
            lines.extend(appended);
        }
    }
    let full = PatternSet::new(lines.clone());
    let fast = FastMatcher::new(PatternSet::new(lines));
    let mut out = Vec::new();
    tar(c, &full, &fast, b"", None, &mut out);
    Ok(out)
}

fn show(v: &[Vec<u8>]) -> Vec<String> {
    v.iter()
        .map(|p| String::from_utf8_lossy(p).into_owned())
        .collect()
}

fn same(got: &[u8], want: &Name) -> bool {
    match want {
        Name::Exact(n) => got == n.as_slice(),
        Name::Shortened { prefix, len } => got.len() == *len && got.starts_with(prefix),
    }
}

#[test]
fn every_edge_case_replays_as_docker_ran_it() {
    let cases = parse_cases(&load());
    let nums: Vec<usize> = cases.iter().map(|c| c.num).collect();
    assert_eq!(
        nums,
        (1..=CASES).collect::<Vec<_>>(),
        "{DATA}: expected cases 1..={CASES}"
    );
    let mut failures = Vec::new();
    let (mut entries, mut errors) = (0, 0);
    for c in &cases {
        let got = classic(c);
        let ok = match (&c.expected, &got) {
            (Expected::Entries(want), Ok(got)) => {
                entries += 1;
                want.len() == got.len() && got.iter().zip(want).all(|(g, w)| same(g, w))
            }
            (Expected::Error(want), Err(got)) => {
                errors += 1;
                want.len() == 1 && &want[0] == got
            }
            _ => false,
        };
        if !ok {
            failures.push(format!(
                "case {} {}: expected {:?}, got {:?}",
                c.num,
                c.name,
                c.expected,
                got.as_ref().map(|v| show(v))
            ));
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {CASES} cases differ from docker:\n{}",
        failures.len(),
        failures.join("\n")
    );
    assert_eq!(
        (entries, errors),
        (100, 11),
        "cases with entries, with errors"
    );
}

/// The replay can fail: a matcher that ignored parent directories would send what docker
/// excludes, and the comparison sees it.
#[test]
fn the_replay_notices_a_wrong_answer() {
    let cases = parse_cases(&load());
    let c = cases
        .iter()
        .find(|c| c.name == "dir_excl_exception")
        .expect("case 3");
    let mut wrong = classic(c).expect("entries");
    assert_eq!(
        show(&wrong),
        [".dockerignore", "Dockerfile", "sub/keep.txt"]
    );
    wrong.push(b"sub/drop.txt".to_vec());
    let Expected::Entries(want) = &c.expected else {
        panic!("case 3 sends entries")
    };
    assert!(!(want.len() == wrong.len() && wrong.iter().zip(want).all(|(g, w)| same(g, w))));
}

#[test]
fn missing_data_fails_instead_of_skipping() {
    let missing = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/no-such-file.txt");
    assert!(std::panic::catch_unwind(|| read(missing)).is_err());
}

/// The rules the crate documents and the cases cite are all in the copied specification.
#[test]
fn the_specification_excerpt_defines_the_rules_the_cases_cite() {
    let spec = read(SPEC);
    let text = load();
    let mut cited: Vec<String> = Vec::new();
    for why in text.lines().filter_map(|l| l.strip_prefix("why: ")) {
        for (i, _) in why.match_indices('R') {
            let n: String = why[i + 1..]
                .chars()
                .take_while(char::is_ascii_digit)
                .collect();
            if !n.is_empty() {
                cited.push(format!("R{n}"));
            }
        }
    }
    cited.sort();
    cited.dedup();
    assert!(cited.len() >= 20, "cited rules: {cited:?}");
    let omitted = |r: &str| {
        let n: u32 = r[1..].parse().expect("rule number");
        (22..=29).contains(&n)
    };
    for r in cited
        .iter()
        .map(String::as_str)
        .chain(["B1", "B2", "B3", "B4"])
    {
        assert!(
            spec.contains(&format!("**{r}. ")) || (r.starts_with('R') && omitted(r)),
            "{SPEC} does not define {r}"
        );
    }
}
