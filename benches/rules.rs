//! The report's per-entry work: the name rules (`RuleSet::check`, one call per sent entry) over
//! the 3000 real corpus paths in `testdata/bench/paths.txt`, and the content scan over a
//! configuration-like buffer without secrets (the common case: the anchor pass decides).
//!
//! ```text
//! cargo bench --bench rules            # measure
//! cargo bench --bench rules -- --test  # run each benchmark once
//! ```

use std::path::PathBuf;

use ctxsize::rules::{scan_content, EntryRef, Kind, Nest, RuleConfig, RuleSet};
use divan::counter::{BytesCount, ItemsCount};
use divan::Bencher;

fn main() {
    divan::main();
}

fn paths() -> Vec<Vec<u8>> {
    let p = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("testdata/bench/paths.txt");
    let text = std::fs::read(&p).unwrap_or_else(|e| panic!("{}: {e}", p.display()));
    text.split(|&b| b == b'\n')
        .filter(|l| !l.is_empty())
        .map(<[u8]>::to_vec)
        .collect()
}

#[divan::bench]
fn rule_check(b: Bencher) {
    let rules = RuleSet::new(&RuleConfig::default());
    let paths = paths();
    b.counter(ItemsCount::new(paths.len())).bench(|| {
        let mut hits = 0usize;
        for p in &paths {
            let e = EntryRef {
                path: p,
                kind: Kind::File,
                size: 4096,
            };
            let (hit, content) = rules.check(&e, Nest::Top);
            hits += usize::from(hit.is_some()) + usize::from(content);
        }
        hits
    });
}

#[divan::bench]
fn rule_classify_with_ancestors(b: Bencher) {
    // The single-entry API: the "beneath a flagged directory" part is worked out per call.
    let rules = RuleSet::new(&RuleConfig::default());
    let paths = paths();
    b.counter(ItemsCount::new(paths.len())).bench(|| {
        paths
            .iter()
            .filter(|p| {
                rules
                    .classify(&EntryRef {
                        path: p,
                        kind: Kind::File,
                        size: 4096,
                    })
                    .is_some()
            })
            .count()
    });
}

#[divan::bench]
fn content_scan_clean(b: Bencher) {
    // JSON-like text: quotes, underscores and short words, the worst case for the anchors.
    let mut buf = Vec::new();
    let mut i = 0u32;
    while buf.len() < 256 * 1024 {
        buf.extend_from_slice(
            format!(
                "  {{\"name_{i}\": \"value_{i}\", \"auth_mode\": \"none\", \"npm\": [\"a\", \"b\"]}},\n"
            )
            .as_bytes(),
        );
        i += 1;
    }
    b.counter(BytesCount::new(buf.len()))
        .bench(|| scan_content(divan::black_box(&buf)).len());
}
