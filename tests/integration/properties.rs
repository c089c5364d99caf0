//! Property tests:
//!
//! * (a) any ignore-file bytes (long lines, `\r`, BOM, `!`, `[`, `\`, `**`, invalid UTF-8, …)
//!   parse without panicking, and a parsed set can be evaluated without panicking;
//! * (b) the walker's [`FastMatcher`] agrees with the reference [`PatternSet`] on random pattern
//!   lists × random trees of paths (non-UTF-8 bytes and `\n` included), driven the way `walk.rs`
//!   drives it: one `dir_pos` per directory, `matches_into` per child, parent bits (R16 b) and
//!   ancestor match sets (R16 a) handed down the tree;
//! * (c) the parallel walk gives the same answer with 1, 2 and 4 threads, and every non-directory
//!   on disk (a serial `walkdir` walk) is accounted for exactly once: as a node, or in the totals
//!   of a pruned directory.

use std::collections::{BTreeMap, BTreeSet};

use proptest::prelude::*;

use ctxsize::analysis::{list_lines, Config, Totals};
use ctxsize::dockerignore::{
    union, Bits, DirPos, FastMatcher, PatternError, PatternLine, PatternSet,
};
use ctxsize::tree::{Kind, State};
use ctxsize::Builder;

use crate::util::TestEnv;

/// The ignore file's pattern lines (`ignorefile.ReadAll`, then `patternmatcher.New`).
fn parse_lines(data: &[u8]) -> Result<Vec<PatternLine>, PatternError> {
    ctxsize::dockerignore::to_pattern_list(&ctxsize::dockerignore::read_all(data)?)
}

/// `cases` runs; failures are reported with their shrunk input, not written to a
/// `proptest-regressions/` file in the source tree.
fn config(cases: u32) -> ProptestConfig {
    ProptestConfig {
        cases,
        failure_persistence: None,
        ..ProptestConfig::default()
    }
}

// ---------------------------------------------------------------------------------------------
// (a) parsing never panics.

const TOKENS: &[&[u8]] = &[
    b"!",
    b"!!",
    b"[",
    b"]",
    b"[^",
    b"[!",
    b"[]",
    b"[a-",
    b"[z-a]",
    b"[[:alpha:]]",
    b"[:",
    b"\\",
    b"\\\\",
    b"\\d",
    b"\\Q",
    b"\\E",
    b"\\p",
    b"\\x",
    b"\\1",
    b"**",
    b"*",
    b"?",
    b"/",
    b"//",
    b".",
    b"..",
    b"./",
    b"../",
    b"\n",
    b"\r",
    b"\r\n",
    "\u{feff}".as_bytes(),
    b"#",
    b" ",
    b"\t",
    b"\x0b",
    "\u{a0}".as_bytes(),
    "\u{2028}".as_bytes(),
    "\u{200b}".as_bytes(),
    b"a",
    b"b",
    b"node_modules",
    b"^",
    b"$",
    b"-",
    b"{",
    b"}",
    b"(",
    b")",
    b"|",
    b"+",
    b"&&",
    b"--",
    b"~~",
    b"\xff",
    b"\xe9",
    b"\xc3",
    b"\xed\xa0\x80",
    b"\0",
    "é".as_bytes(),
];

fn token_bytes() -> impl Strategy<Value = Vec<u8>> {
    prop_oneof![
        20 => prop::sample::select(TOKENS).prop_map(<[u8]>::to_vec),
        2 => prop::collection::vec(any::<u8>(), 0..8),
        // Lines around bufio.Scanner's 64 KiB limit.
        1 => (prop::sample::select(vec![b'a', 0xff, b'/', b'!']), 65_530usize..65_540)
            .prop_map(|(c, n)| vec![c; n]),
        1 => (prop::sample::select(vec![b'*', b'?', b'[', b'\\', b'a']), 0usize..600)
            .prop_map(|(c, n)| vec![c; n]),
    ]
}

fn ignore_bytes() -> impl Strategy<Value = Vec<u8>> {
    prop_oneof![
        prop::collection::vec(any::<u8>(), 0..400),
        prop::collection::vec(token_bytes(), 0..48).prop_map(|v| v.concat()),
    ]
}

const PROBE_PATHS: &[&[u8]] = &[
    b"a",
    b"a/b",
    b"node_modules/x/y",
    b"\xff/\xe9",
    b"a\nb/c",
    b"!a",
    b"[",
];

proptest! {
    #![proptest_config(config(384))]

    #[test]
    fn parse_never_panics(data in ignore_bytes()) {
        if let Ok(set) = PatternSet::parse(&data) {
            for p in PROBE_PATHS {
                let _ = set.matches_or_parent_matches(p);
                let _ = set.matches_using_parent_results(p, None);
                let _ = set.matches_deprecated(p);
                let _ = set.trace(p);
            }
            let fast = FastMatcher::new(set);
            let mut mc = fast.cache();
            let mut pos = fast.dir_pos(&mut mc, b"a");
            let mut m = Bits::new();
            fast.matches_into(&mut mc, &mut pos, b"a", b"b", b"a/b", &mut m);
        }
    }
}

// ---------------------------------------------------------------------------------------------
// (b) FastMatcher ≡ PatternSet.

const PAT_PARTS: &[&str] = &[
    "a",
    "b",
    "ab",
    "c",
    "*",
    "?",
    "**",
    "[ab]",
    "[^a]",
    "[a-c]",
    "\\*",
    "\\d",
    "é",
    "{a,b}",
    "^a",
    "[z-a]",
    "[[:alpha:]]",
    "a*",
    "*b",
    ".x",
    "x.log",
    "*.log",
    "\\.",
    "a?",
    "[!a]",
    "..",
    ".",
    "a\\",
    "\\pL",
    "(a|b)",
    "a+",
    "$",
    "\u{a0}",
    // Parts that let a pattern without `**` match a `/` (the fast matcher's depth index must
    // not skip them): a class holding `/`, a range across it, negations, escapes, alternation.
    "a[/]b",
    "a[.-0]b",
    "a[!-0]b",
    "a[-/]b",
    "a[^x]b",
    "a\\Db",
    "a\\Sb",
    "a|a/b",
    "[a-c-]",
    "x[a-]",
    "[ab]*",
    "b{0}",
];

fn pattern_line() -> impl Strategy<Value = Vec<u8>> {
    (
        prop::sample::select(vec!["", "", "", "!", "! "]),
        prop::sample::select(vec!["", "", "", "/", "./"]),
        prop::collection::vec(
            prop_oneof![
                12 => prop::sample::select(PAT_PARTS).prop_map(|s| s.as_bytes().to_vec()),
                1 => Just(b"\xff".to_vec()),
                1 => Just(b"a\xe9".to_vec()),
            ],
            1..4,
        ),
        prop::sample::select(vec!["", "", "", "/", "/**", "**", "/*"]),
    )
        .prop_map(|(bang, lead, parts, tail)| {
            let mut v = bang.as_bytes().to_vec();
            v.extend_from_slice(lead.as_bytes());
            v.extend_from_slice(&parts.join(&b'/'));
            v.extend_from_slice(tail.as_bytes());
            v
        })
}

/// A file that repeats a few lines (the fast matcher evaluates repeated patterns once).
fn repetitive_pattern_file() -> impl Strategy<Value = Vec<u8>> {
    (
        prop::collection::vec(pattern_line(), 1..4),
        prop::collection::vec(any::<prop::sample::Index>(), 2..10),
    )
        .prop_map(|(pool, picks)| {
            let mut out = Vec::new();
            for k in picks {
                out.extend_from_slice(k.get::<Vec<u8>>(&pool));
                out.push(b'\n');
            }
            out
        })
}

fn pattern_file() -> impl Strategy<Value = Vec<u8>> {
    prop::collection::vec(pattern_line(), 0..8).prop_map(|ls| {
        let mut out = Vec::new();
        for l in ls {
            out.extend_from_slice(&l);
            out.push(b'\n');
        }
        out
    })
}

const NAMES: &[&[u8]] = &[
    b"a",
    b"b",
    b"ab",
    b"c",
    b".x",
    b"x.log",
    b"b.log",
    "é".as_bytes(),
    b"\xff",
    b"a\xe9",
    b"a\nb",
    b"\n",
    b"!a",
    b"*",
    b"[a]",
    b"a]",
    b"{a,b}",
    b"^ab",
    b"file1",
    b"ax",
    b"a b",
    b"..x",
];

fn name() -> impl Strategy<Value = Vec<u8>> {
    prop::sample::select(NAMES).prop_map(<[u8]>::to_vec)
}

/// A set of relative paths, each 1–4 components.
fn path_set() -> impl Strategy<Value = Vec<Vec<Vec<u8>>>> {
    prop::collection::vec(prop::collection::vec(name(), 1..5), 1..24)
}

/// dir (relative, "" = root) → child names; a child that is a key itself is a directory.
fn trie(paths: &[Vec<Vec<u8>>]) -> BTreeMap<Vec<u8>, BTreeSet<Vec<u8>>> {
    let mut t: BTreeMap<Vec<u8>, BTreeSet<Vec<u8>>> = BTreeMap::new();
    for p in paths {
        let mut dir = Vec::new();
        for c in p {
            t.entry(dir.clone()).or_default().insert(c.clone());
            if !dir.is_empty() {
                dir.push(b'/');
            }
            dir.extend_from_slice(c);
        }
    }
    t
}

fn to_bools(bits: &Bits, n: usize) -> Vec<bool> {
    let mut v = vec![false; n];
    for &i in bits {
        v[i as usize] = true;
    }
    v
}

struct Agree<'a> {
    fast: &'a FastMatcher,
    reference: &'a PatternSet,
    limited: &'a PatternSet,
    limit: usize,
    trie: &'a BTreeMap<Vec<u8>, BTreeSet<Vec<u8>>>,
    mc: ctxsize::dockerignore::MatchCache,
    checked: usize,
}

impl Agree<'_> {
    /// Walks `dir` like walk.rs: `fbits`/`rbits` are the directory's R16(b) bits (fast and
    /// reference), `abits` the union of the match sets of the directory and its ancestors.
    fn visit(
        &mut self,
        dir: &[u8],
        fbits: Option<&Bits>,
        rbits: Option<&[bool]>,
        abits: &Bits,
        resumed: Option<DirPos>,
    ) -> Result<(), TestCaseError> {
        let Some(children) = self.trie.get(dir) else {
            return Ok(());
        };
        let n = self.reference.patterns().len();
        // The walker's position for this directory (resumed from its parent's), and one
        // computed from the whole path: both must give the same match sets.
        let mut pos = match resumed {
            Some(p) => p,
            None => self.fast.dir_pos(&mut self.mc, dir),
        };
        let mut whole = self.fast.dir_pos(&mut self.mc, dir);
        let mut m2 = Bits::new();
        let mut m = Bits::new();
        let mut bits = Bits::new();
        for name in children {
            let mut path = dir.to_vec();
            if !path.is_empty() {
                path.push(b'/');
            }
            path.extend_from_slice(name);
            let shown = String::from_utf8_lossy(&path).into_owned();
            self.fast
                .matches_into(&mut self.mc, &mut pos, dir, name, &path, &mut m);
            self.fast
                .matches_into(&mut self.mc, &mut whole, dir, name, &path, &mut m2);
            prop_assert_eq!(&m, &m2, "child_pos and dir_pos for {:?}", shown);
            self.checked += 1;

            // R16(b), as the tar walk uses it.
            let f = self
                .fast
                .eval_parent_results(&path, fbits, &m, &mut bits, usize::MAX);
            let r = self.reference.matches_using_parent_results(&path, rbits);
            match (&f, &r) {
                (Ok(fv), Ok((rv, rb))) => {
                    prop_assert_eq!(fv, rv, "R16(b) verdict for {:?}", shown);
                    prop_assert_eq!(&to_bools(&bits, n), rb, "R16(b) bits for {:?}", shown);
                }
                (Err(fe), Err(re)) => prop_assert_eq!(fe, re, "R16(b) error for {:?}", shown),
                _ => prop_assert!(
                    false,
                    "R16(b) for {:?}: fast {:?}, reference {:?}",
                    shown,
                    f,
                    r
                ),
            }

            // R16(a), as classic validation uses it (all patterns, and the first `limit`).
            let fa = self.fast.eval_or_parent(&path, abits, &m, usize::MAX);
            let ra = self.reference.matches_or_parent_matches(&path);
            prop_assert_eq!(fa, ra, "R16(a) for {:?}", shown);
            let fl = self.fast.eval_or_parent(&path, abits, &m, self.limit);
            let rl = self.limited.matches_or_parent_matches(&path);
            prop_assert_eq!(fl, rl, "R16(a) limit {} for {:?}", self.limit, shown);

            if self.trie.contains_key(&path) {
                if let (Ok(_), Ok((_, rb))) = (&f, &r) {
                    let child_f = bits.clone();
                    let child_a = union(abits, &m);
                    let child_pos = self.fast.child_pos(&pos, name);
                    self.visit(&path, Some(&child_f), Some(rb), &child_a, Some(child_pos))?;
                }
            }
        }
        Ok(())
    }
}

proptest! {
    #![proptest_config(config(384))]

    #[test]
    fn fast_matcher_agrees_with_reference(
        text in prop_oneof![3 => pattern_file(), 1 => repetitive_pattern_file()],
        paths in path_set(),
        limit_seed in any::<usize>(),
    ) {
        let Ok(lines) = parse_lines(&text) else {
            // Invalid files are rejected before any matching.
            return Ok(());
        };
        let limit = limit_seed % (lines.len() + 1);
        let reference = PatternSet::new(lines.clone());
        let limited = PatternSet::new(lines[..limit].to_vec());
        let fast = FastMatcher::new(PatternSet::new(lines));
        let t = trie(&paths);
        let mut ag = Agree {
            mc: fast.cache(),
            fast: &fast,
            reference: &reference,
            limited: &limited,
            limit,
            trie: &t,
            checked: 0,
        };
        ag.visit(b"", None, None, &Bits::new(), None)?;
        prop_assert!(ag.checked > 0);
    }
}

#[test]
fn fast_matcher_agrees_on_known_tricky_sets() {
    // The spec's R16(b) quirks and RE2 surprises, checked through the same driver.
    let paths: Vec<Vec<Vec<u8>>> = [
        "d/f",
        "d/g",
        "docs/a.txt",
        "docs/b.md",
        "x.txt",
        "util/docker/web/foo",
        "util/docker/web/bar",
        "a/b",
        "axb",
        "a1",
        "!1",
        "file1",
        "filed",
        "^ab",
        "ab",
        "a]",
        "aa]",
        "*",
        "sub/keep.txt",
        "lat\u{e9}.txt",
        "a\nb/c",
    ]
    .iter()
    .map(|p| p.split('/').map(|c| c.as_bytes().to_vec()).collect())
    .collect();
    let t = trie(&paths);
    for text in [
        "d/*\n!d\n",
        "d\n!d/f\nd\n",
        "**/*.txt\n!docs\n",
        "**\n!util/docker/web\nutil/docker/web/foo\n",
        "a[^x]b\n[!a]1\nfile\\d\n^a*\n[a*]\n",
        "sub\n!**/keep.txt\n",
        "**\n!a\n",
        "!x[z-a]\n*\n!x[z-a]\n",
        "?\n!*.txt\n**/c\n",
        // Depth index: classes and escapes that match `/`; repeated lines.
        "a[/]b\n!a[.-0]b\na[!-0]b\n",
        "a\\Db\n*/*\n!?/?\n",
        "**/*.txt\n!sub/*.txt\n**/*.txt\n*.txt\n!*.txt\n",
        "d/*\n!d\nd/*\n",
    ] {
        let lines = parse_lines(text.as_bytes()).unwrap();
        let reference = PatternSet::new(lines.clone());
        let fast = FastMatcher::new(PatternSet::new(lines.clone()));
        let mut ag = Agree {
            mc: fast.cache(),
            fast: &fast,
            reference: &reference,
            limited: &reference,
            limit: usize::MAX,
            trie: &t,
            checked: 0,
        };
        ag.visit(b"", None, None, &Bits::new(), None)
            .unwrap_or_else(|e| panic!("{text:?}: {e}"));
    }
}

// ---------------------------------------------------------------------------------------------
// (c) parallel walk ≡ serial walk.

#[derive(Debug, Clone)]
enum Ent {
    File(u64),
    Dir,
    Symlink(&'static str),
    Fifo,
}

fn tree_spec() -> impl Strategy<Value = Vec<(Vec<Vec<u8>>, Ent)>> {
    const TREE_NAMES: &[&[u8]] = &[
        b"a",
        b"b",
        b"c",
        b"d",
        b"e.log",
        b"f.txt",
        b".git",
        b"node_modules",
        b"keep.txt",
        "é".as_bytes(),
        b"\xff",
        b"x y",
    ];
    let ent = prop_oneof![
        14 => (0u64..3000).prop_map(Ent::File),
        2 => Just(Ent::Dir),
        3 => prop::sample::select(vec!["a", "../a", "nowhere", ".", "..", "/"]).prop_map(Ent::Symlink),
        1 => Just(Ent::Fifo),
    ];
    prop::collection::vec(
        (
            prop::collection::vec(
                prop::sample::select(TREE_NAMES).prop_map(<[u8]>::to_vec),
                1..5,
            ),
            ent,
        ),
        1..40,
    )
}

fn walk_ignore() -> impl Strategy<Value = Vec<u8>> {
    let line = (
        prop::sample::select(vec!["", "", "!"]),
        prop::sample::select(vec![
            "a",
            "b",
            "c/d",
            "*.log",
            "**/*.log",
            "**/node_modules",
            ".git",
            "*",
            "**",
            "a/*",
            "*/keep.txt",
            "**/keep.txt",
            "a/keep.txt",
            "b/**",
            "d",
            "[ab]",
            "?",
            "é",
            "x y",
            "a/b/c",
            "[z-a]",
            "Dockerfile",
            ".dockerignore",
            "**/c",
            "a\\*",
        ]),
    )
        .prop_map(|(b, p)| format!("{b}{p}\n"));
    prop::collection::vec(line, 0..7).prop_map(|v| v.concat().into_bytes())
}

fn materialize(env: &TestEnv, spec: &[(Vec<Vec<u8>>, Ent)]) {
    env.file("Dockerfile", "FROM scratch\n");
    'entries: for (parts, ent) in spec {
        // Create the parents one by one, never through a symlink (`a -> /` must not make the
        // test write outside the context); conflicting shapes are simply not created.
        let mut dir = env.ctx().to_path_buf();
        for c in &parts[..parts.len() - 1] {
            dir.push(crate::util::bpath(c));
            match std::fs::symlink_metadata(&dir) {
                Ok(md) if md.file_type().is_dir() => {}
                Ok(_) => continue 'entries,
                Err(_) => {
                    if std::fs::create_dir(&dir).is_err() {
                        continue 'entries;
                    }
                }
            }
        }
        let rel = parts.join(&b'/');
        let p = env.path(&rel);
        if std::fs::symlink_metadata(&p).is_ok() {
            continue;
        }
        let _ = match ent {
            Ent::File(n) => std::fs::write(&p, vec![b'x'; *n as usize]),
            Ent::Dir => std::fs::create_dir(&p),
            Ent::Symlink(t) => std::os::unix::fs::symlink(t, &p),
            Ent::Fifo => {
                env.fifo(&rel);
                Ok(())
            }
        };
    }
}

type WalkResult = Result<(Vec<Vec<u8>>, Totals, Vec<String>), String>;

fn run_walk(env: &TestEnv, builder: Builder, threads: usize) -> WalkResult {
    let cfg = Config {
        threads,
        ..env.config(builder, None)
    };
    ctxsize::analyze(&cfg)
        .map(|a| (list_lines(&a.tree), a.totals, a.tree.warnings.clone()))
        .map_err(|e| e.to_string())
}

/// Every non-directory below the root, with its size (regular files) — a serial walkdir walk.
fn walkdir_files(env: &TestEnv) -> BTreeMap<Vec<u8>, u64> {
    let mut out = BTreeMap::new();
    for e in walkdir::WalkDir::new(env.ctx())
        .min_depth(1)
        .follow_links(false)
    {
        let e = e.expect("walkdir");
        if e.file_type().is_dir() {
            continue;
        }
        let rel = e
            .path()
            .strip_prefix(env.ctx())
            .unwrap()
            .as_os_str()
            .as_encoded_bytes()
            .to_vec();
        let md = e.path().symlink_metadata().unwrap();
        out.insert(rel, if md.is_file() { md.len() } else { 0 });
    }
    out
}

fn check_accounting(env: &TestEnv, builder: Builder) -> Result<(), TestCaseError> {
    let a = match ctxsize::analyze(&Config {
        threads: 1,
        excluded_sizes: true,
        engine: ctxsize::engine::Engine::Docker,
        ..env.config(builder, None)
    }) {
        Ok(a) => a,
        Err(_) => return Ok(()),
    };
    let disk = walkdir_files(env);
    let mut nodes = BTreeSet::new();
    for (i, n) in a.tree.nodes.iter().enumerate() {
        if n.kind != Kind::Dir {
            let p = a.tree.path(i as u32);
            prop_assert!(
                disk.contains_key(&p),
                "node {:?} not on disk",
                String::from_utf8_lossy(&p)
            );
            prop_assert!(nodes.insert(p), "node listed twice");
        }
    }
    let (pf, pb) = a
        .tree
        .pruned
        .iter()
        .fold((0, 0), |(f, b), &(_, pf, pb)| (f + pf, b + pb));
    let unlisted: Vec<(&Vec<u8>, &u64)> =
        disk.iter().filter(|(p, _)| !nodes.contains(*p)).collect();
    prop_assert_eq!(
        unlisted.len() as u64,
        pf,
        "{:?}: files below pruned dirs",
        builder
    );
    prop_assert_eq!(
        unlisted.iter().map(|(_, s)| **s).sum::<u64>(),
        pb,
        "{:?}: bytes below pruned dirs",
        builder
    );
    let t = a.totals;
    // Skipped entries are neither sent nor excluded: sockets under the classic builder, and
    // whatever comes after the point where its tar stops (a broken exception met mid-walk),
    // which the report warns about.
    let skipped = |n: &&ctxsize::tree::Node| n.kind != Kind::Dir && n.state == State::Skipped;
    let (lost_files, lost_bytes) = a
        .tree
        .nodes
        .iter()
        .filter(skipped)
        .fold((0u64, 0u64), |(f, b), n| {
            (f + 1, b + if n.kind == Kind::File { n.size } else { 0 })
        });
    let stopped = a
        .tree
        .nodes
        .iter()
        .filter(skipped)
        .any(|n| n.kind != Kind::Socket);
    prop_assert!(
        !stopped || !a.tree.warnings.is_empty(),
        "{:?}: entries lost without a warning",
        builder
    );
    prop_assert_eq!(
        t.files + t.symlinks + t.other + t.excluded_files + lost_files,
        disk.len() as u64,
        "{:?}: every non-directory counted once",
        builder
    );
    prop_assert_eq!(
        t.content_bytes + t.excluded_bytes + lost_bytes,
        disk.values().sum::<u64>(),
        "{:?}: every byte counted once",
        builder
    );
    // The listing's non-directories are files on disk.
    for l in list_lines(&a.tree).iter().filter(|l| !l.ends_with(b"/")) {
        prop_assert!(
            disk.contains_key(l),
            "listed {:?} is not on disk",
            String::from_utf8_lossy(l)
        );
    }
    Ok(())
}

proptest! {
    #![proptest_config(config(48))]

    #[test]
    fn parallel_walk_matches_serial(spec in tree_spec(), ignore in walk_ignore()) {
        let env = TestEnv::new();
        materialize(&env, &spec);
        env.dockerignore(&ignore);
        for builder in [Builder::Classic, Builder::Buildkit] {
            let one = run_walk(&env, builder, 1);
            for threads in [2, 4] {
                let many = run_walk(&env, builder, threads);
                prop_assert_eq!(&one, &many, "{:?} with {} threads", builder, threads);
            }
            check_accounting(&env, builder)?;
        }
    }
}

#[test]
fn parallel_walk_on_a_wide_deep_tree() {
    // Many directories, so the 4 workers really share the work.
    let env = TestEnv::new();
    env.file("Dockerfile", "FROM scratch\n")
        .dockerignore("**/*.log\nnode_modules\n!node_modules/keep\nd1/*\n!d1/x3\n");
    for i in 0..12 {
        for j in 0..12 {
            env.file(format!("d{i}/x{j}/f.txt"), "abc");
            env.file(format!("d{i}/x{j}/g.log"), "abcd");
        }
        env.file(format!("node_modules/p{i}/index.js"), "x");
    }
    env.file("node_modules/keep", "k");
    for builder in [Builder::Classic, Builder::Buildkit] {
        let one = run_walk(&env, builder, 1).unwrap();
        for threads in [2, 4, 8] {
            assert_eq!(
                one,
                run_walk(&env, builder, threads).unwrap(),
                "{builder:?} {threads}"
            );
        }
        check_accounting(&env, builder).unwrap();
        // Every g.log but d1/x3/g.log (its parent's `!d1/x3` bit wins, R16 b), the 11 pruned
        // d1/x* dirs' 22 files, and node_modules/p*/index.js.
        assert_eq!(one.1.excluded_files, 11 * 12 + 22 + 12, "{builder:?}");
    }
}

/// Open descriptors of this process that point inside `dir` (other tests run in parallel in
/// this process, so only descriptors into this test's own tree are counted).
fn fds_under(dir: &std::path::Path) -> usize {
    let dir = dir.canonicalize().unwrap();
    std::fs::read_dir("/proc/self/fd")
        .map(|d| {
            d.filter_map(|e| std::fs::read_link(e.ok()?.path()).ok())
                .filter(|t| t.starts_with(&dir))
                .count()
        })
        .unwrap_or(0)
}

#[test]
fn directories_wider_than_the_preopen_limit() {
    // 700 sibling directories: more than the walker holds open ahead (256), so some are opened
    // from their parent's descriptor and the rest by path; the result must not depend on it,
    // and no descriptor may stay open after the walk, also when it stops on an error.
    let env = TestEnv::new();
    env.file("Dockerfile", "FROM scratch\n")
        .dockerignore("w/*/b\n");
    for i in 0..700 {
        env.file(format!("w/d{i:03}/a"), "a");
        env.file(format!("w/d{i:03}/b/c"), "bc");
    }
    for builder in [Builder::Classic, Builder::Buildkit] {
        let one = run_walk(&env, builder, 1).unwrap();
        assert_eq!(one.1.files, 700 + 1 + 1, "{builder:?}");
        assert_eq!(one.1.excluded_files, 700, "{builder:?}");
        for threads in [2, 4] {
            assert_eq!(
                one,
                run_walk(&env, builder, threads).unwrap(),
                "{builder:?}"
            );
        }
        check_accounting(&env, builder).unwrap();
    }
    assert_eq!(fds_under(env.ctx()), 0, "descriptors leaked");
    // An unreadable directory stops the classic walk (as root nothing is unreadable).
    // SAFETY: geteuid has no preconditions and cannot fail.
    if unsafe { libc::geteuid() } != 0 {
        use std::os::unix::fs::PermissionsExt;
        let locked = env.ctx().join("w/d350");
        std::fs::set_permissions(&locked, std::fs::Permissions::from_mode(0o000)).unwrap();
        let err = run_walk(&env, Builder::Classic, 2);
        std::fs::set_permissions(&locked, std::fs::Permissions::from_mode(0o755)).unwrap();
        assert!(err.is_err(), "{err:?}");
        assert_eq!(fds_under(env.ctx()), 0, "descriptors leaked after an error");
    }
}
