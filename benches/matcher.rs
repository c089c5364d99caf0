//! Matcher throughput: the walker's `FastMatcher` against the reference `PatternSet`, on the
//! shared benchmark corpus's ignore files (the realistic 30-line file and its 1000-line variant,
//! see `testdata/bench/gen.py`) × 3000 real paths of that corpus.
//!
//! Each iteration classifies every path the way the tar walk does (R16 b): with its parent
//! directory's per-pattern bits, which are computed beforehand like everything else that is not
//! the matching itself. The fast matcher gets one `dir_pos` per directory, as in `walk.rs`.
//!
//! ```text
//! cargo bench --bench matcher            # measure
//! cargo bench --bench matcher -- --test  # run each benchmark once
//! ```
//! Under `cargo test` (no `--bench` argument) only the first 300 paths are used, to keep the
//! debug-build run short.

use std::collections::BTreeMap;
use std::path::PathBuf;

use ctxsize::dockerignore::{Bits, FastMatcher, PatternSet};
use divan::counter::ItemsCount;
use divan::Bencher;

fn main() {
    divan::main();
}

fn testdata(name: &str) -> Vec<u8> {
    let p = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("testdata/bench")
        .join(name);
    std::fs::read(&p).unwrap_or_else(|e| panic!("{}: {e}", p.display()))
}

/// A path's name and the path itself.
type Child = (Vec<u8>, Vec<u8>);

/// The paths of one directory, with the directory's R16(b) bits (`None` for the root).
struct Group<B> {
    dir: Vec<u8>,
    children: Vec<Child>,
    bits: Option<B>,
}

struct Input<M, B> {
    matcher: M,
    groups: Vec<Group<B>>,
    paths: usize,
}

fn measuring() -> bool {
    std::env::args().any(|a| a == "--bench")
}

fn split(p: &[u8]) -> (&[u8], &[u8]) {
    match p.iter().rposition(|&c| c == b'/') {
        Some(i) => (&p[..i], &p[i + 1..]),
        None => (&[], p),
    }
}

/// Groups the corpus paths by directory and computes each directory's bits with `bits_of`,
/// which gets a directory and its parent's bits.
fn input<M, B: Clone>(
    matcher: M,
    mut bits_of: impl FnMut(&M, &[u8], Option<&B>) -> B,
) -> Input<M, B> {
    let all = testdata("paths.txt");
    let limit = if measuring() { usize::MAX } else { 300 };
    let mut by_dir: BTreeMap<Vec<u8>, Vec<Child>> = BTreeMap::new();
    let mut paths = 0;
    for p in all
        .split(|&c| c == b'\n')
        .filter(|l| !l.is_empty())
        .take(limit)
    {
        let (dir, name) = split(p);
        by_dir
            .entry(dir.to_vec())
            .or_default()
            .push((name.to_vec(), p.to_vec()));
        paths += 1;
    }
    // Bits of every directory, parents first (BTreeMap order puts `a` before `a/b`).
    let mut memo: BTreeMap<Vec<u8>, B> = BTreeMap::new();
    let mut dirs: Vec<Vec<u8>> = Vec::new();
    for d in by_dir.keys().filter(|d| !d.is_empty()) {
        for (i, &c) in d.iter().enumerate() {
            if c == b'/' {
                dirs.push(d[..i].to_vec());
            }
        }
        dirs.push(d.clone());
    }
    dirs.sort_by_key(|d| d.iter().filter(|&&c| c == b'/').count());
    dirs.dedup();
    for d in dirs {
        if memo.contains_key(&d) {
            continue;
        }
        let parent = split(&d).0;
        let pb = (!parent.is_empty()).then(|| memo[parent].clone());
        let b = bits_of(&matcher, &d, pb.as_ref());
        memo.insert(d, b);
    }
    let groups = by_dir
        .into_iter()
        .map(|(dir, children)| Group {
            bits: memo.get(&dir).cloned(),
            dir,
            children,
        })
        .collect();
    Input {
        matcher,
        groups,
        paths,
    }
}

fn fast_input(file: &str) -> Input<FastMatcher, Bits> {
    let set = PatternSet::parse(&testdata(file)).expect("valid ignore file");
    let fast = FastMatcher::new(set);
    let mut mc = fast.cache();
    input(
        fast,
        |f: &FastMatcher, dir: &[u8], parent: Option<&Bits>| {
            let (pdir, name) = split(dir);
            let mut pos = f.dir_pos(&mut mc, pdir);
            let mut m = Bits::new();
            f.matches_into(&mut mc, &mut pos, pdir, name, dir, &mut m);
            let mut bits = Bits::new();
            f.eval_parent_results(dir, parent, &m, &mut bits, usize::MAX)
                .expect("valid patterns");
            bits
        },
    )
}

fn reference_input(file: &str) -> Input<PatternSet, Vec<bool>> {
    let set = PatternSet::parse(&testdata(file)).expect("valid ignore file");
    input(
        set,
        |s: &PatternSet, dir: &[u8], parent: Option<&Vec<bool>>| {
            s.matches_using_parent_results(dir, parent.map(Vec::as_slice))
                .expect("valid patterns")
                .1
        },
    )
}

fn ignore_file(n: usize) -> &'static str {
    match n {
        30 => "ignore-30.txt",
        _ => "ignore-1000.txt",
    }
}

/// The walker's matcher: a lazy multi-pattern DFA resumed per directory, then R16(b) over the
/// patterns that matched.
#[divan::bench(args = [30, 1000])]
fn fast_matcher(bencher: Bencher, patterns: usize) {
    let inp = fast_input(ignore_file(patterns));
    let mut mc = inp.matcher.cache();
    let mut m = Bits::new();
    let mut bits = Bits::new();
    // Warm the lazy DFA once, as a walk over a large tree would.
    let warm = classify_fast(&inp, &mut mc, &mut m, &mut bits);
    bencher.counter(ItemsCount::new(inp.paths)).bench_local(|| {
        let n = classify_fast(&inp, &mut mc, &mut m, &mut bits);
        assert_eq!(n, warm);
        n
    });
}

fn classify_fast(
    inp: &Input<FastMatcher, Bits>,
    mc: &mut ctxsize::dockerignore::MatchCache,
    m: &mut Bits,
    bits: &mut Bits,
) -> usize {
    let mut excluded = 0;
    for g in &inp.groups {
        let mut pos = inp.matcher.dir_pos(mc, &g.dir);
        for (name, path) in &g.children {
            inp.matcher
                .matches_into(mc, &mut pos, &g.dir, name, path, m);
            let ex = inp
                .matcher
                .eval_parent_results(path, g.bits.as_ref(), m, bits, usize::MAX)
                .expect("valid patterns");
            excluded += usize::from(ex);
        }
    }
    excluded
}

/// The reference: every pattern evaluated on its own (`patternmatcher`'s algorithm).
#[divan::bench(args = [30, 1000])]
fn reference(bencher: Bencher, patterns: usize) {
    let inp = reference_input(ignore_file(patterns));
    bencher.counter(ItemsCount::new(inp.paths)).bench_local(|| {
        let mut excluded = 0;
        for g in &inp.groups {
            for (_, path) in &g.children {
                let (ex, _) = inp
                    .matcher
                    .matches_using_parent_results(path, g.bits.as_deref())
                    .expect("valid patterns");
                excluded += usize::from(ex);
            }
        }
        excluded
    });
}

/// Building the matcher (parsing, translating, preparing the DFA) for an ignore file.
#[divan::bench(args = [30, 1000])]
fn build(bencher: Bencher, patterns: usize) {
    let text = testdata(ignore_file(patterns));
    bencher.bench_local(|| FastMatcher::new(PatternSet::parse(&text).expect("valid")));
}
