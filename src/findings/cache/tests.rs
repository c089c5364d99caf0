use super::*;

fn stamp(secs: i64) -> u64 {
    0x5eed_0000_0000_0000 ^ secs as u64
}

fn found() -> Scanned {
    Scanned {
        hits: vec![
            ContentHit {
                rule: "CTX151",
                line: 3,
                note: None,
            },
            ContentHit {
                rule: "CTX152",
                line: 70_000,
                note: Some(crate::rules::HitNote::DocExample),
            },
        ],
        env_line: Some(2),
        har_line: None,
        template: true,
        public_pem: true,
        test_code: true,
    }
}

const OLD: i64 = 1_600_000_000;

/// What a scan told the cache about one file: reused from it, or read.
struct Seen<'a> {
    path: &'a [u8],
    print: u64,
    wants: Wants,
    scanned: &'a Scanned,
    reused: bool,
}

/// One scan's use of the cache: each reused result taken from it, each read one added, then
/// the cache saved.
fn save<'a>(c: &mut ScanCache, seen: impl Iterator<Item = Seen<'a>>) {
    for e in &mut c.old {
        e.used = false;
    }
    c.fresh.clear();
    c.fresh_results.clear();
    for s in seen {
        if s.reused {
            assert_eq!(c.get(s.path, s.print, s.wants).as_ref(), Some(s.scanned));
        } else {
            c.add(s.path, s.print, s.wants, s.scanned);
        }
    }
    c.save();
}

fn seen<'a>(path: &'a [u8], st: u64, s: &'a Scanned, reused: bool) -> Seen<'a> {
    Seen {
        path,
        print: st,
        wants: Wants::default(),
        scanned: s,
        reused,
    }
}

#[test]
fn results_come_back_only_for_the_same_stamp_and_checks() {
    let dir = tempfile::tempdir().unwrap();
    let root = Path::new("/some/context");
    let mut c = ScanCache::open(dir.path(), root, 1 << 20);
    assert!(c.get(b"a.ts", stamp(OLD), Wants::default()).is_none());
    let s = found();
    let empty = Scanned::default();
    save(
        &mut c,
        [
            seen(b"a.ts", stamp(OLD), &s, false),
            seen(b"b.ts", stamp(OLD + 1), &empty, false),
        ]
        .into_iter(),
    );
    let mut c = ScanCache::open(dir.path(), root, 1 << 20);
    assert_eq!(c.get(b"a.ts", stamp(OLD), Wants::default()), Some(found()));
    assert_eq!(
        c.get(b"b.ts", stamp(OLD + 1), Wants::default()),
        Some(Scanned::default())
    );
    // Another fingerprint: read again.
    assert!(c.get(b"a.ts", stamp(OLD) ^ 1, Wants::default()).is_none());
    // Another path, or a name asking for other checks.
    assert!(c.get(b"c.ts", stamp(OLD), Wants::default()).is_none());
    let w = Wants {
        env: true,
        ..Wants::default()
    };
    assert!(c.get(b"a.ts", stamp(OLD), w).is_none());
    // Another content limit or another root: nothing is reused.
    let mut other = ScanCache::open(dir.path(), root, 1 << 10);
    assert!(other.get(b"a.ts", stamp(OLD), Wants::default()).is_none());
    let mut other = ScanCache::open(dir.path(), Path::new("/other"), 1 << 20);
    assert!(other.get(b"a.ts", stamp(OLD), Wants::default()).is_none());
}

#[test]
fn damaged_or_foreign_files_are_ignored() {
    let dir = tempfile::tempdir().unwrap();
    let root = Path::new("/ctx");
    let mut c = ScanCache::open(dir.path(), root, 1 << 20);
    let s = found();
    save(&mut c, [seen(b"a", stamp(OLD), &s, false)].into_iter());
    let good = std::fs::read(&c.file).unwrap();
    // Every truncation, and a flipped magic, decode to nothing (and never panic).
    for n in 0..good.len() {
        assert!(decode(&good[..n], &c.header).is_none(), "truncated at {n}");
    }
    let mut bad = good.clone();
    bad[0] ^= 1;
    assert!(decode(&bad[..], &c.header).is_none());
    let mut longer = good.clone();
    longer.push(0);
    assert!(decode(&longer[..], &c.header).is_none());
    // An unknown rule index (a file from a binary with more rules) is refused.
    let mut e = Vec::new();
    encode(&mut e, &c.header, 0, std::iter::empty()).unwrap();
    e.truncate(e.len() - 4);
    put_u32(&mut e, 1);
    e.extend_from_slice(&[0u8; 8 + 8]);
    e.extend_from_slice(&[0, 0, 1, 250, 1, 0, 0, 0]);
    assert!(decode(&e[..], &c.header).is_none());
    // Garbage in the file itself: the cache starts empty.
    std::fs::write(&c.file, b"not a cache").unwrap();
    let c = ScanCache::open(dir.path(), root, 1 << 20);
    assert!(c.old.is_empty());
}

#[test]
fn unchanged_results_are_not_rewritten_and_old_files_are_pruned() {
    let dir = tempfile::tempdir().unwrap();
    let root = Path::new("/ctx");
    let s = Scanned::default();
    let mut c = ScanCache::open(dir.path(), root, 1 << 20);
    save(&mut c, [seen(b"a", stamp(OLD), &s, false)].into_iter());
    let before = std::fs::metadata(&c.file).unwrap().modified().unwrap();
    std::thread::sleep(std::time::Duration::from_millis(20));
    let mut c = ScanCache::open(dir.path(), root, 1 << 20);
    save(&mut c, [seen(b"a", stamp(OLD), &s, true)].into_iter());
    assert_eq!(
        std::fs::metadata(&c.file).unwrap().modified().unwrap(),
        before
    );
    // A file gone from the context: rewritten without it.
    save(&mut c, std::iter::empty());
    let c = ScanCache::open(dir.path(), root, 1 << 20);
    assert!(c.old.is_empty());

    for i in 0..KEEP + 3 {
        std::fs::write(dir.path().join(format!("{i:02}.bin")), b"x").unwrap();
    }
    prune(dir.path(), KEEP);
    let left = std::fs::read_dir(dir.path())
        .unwrap()
        .filter(|e| {
            e.as_ref()
                .is_ok_and(|e| e.file_name().to_string_lossy().ends_with(".bin"))
        })
        .count();
    assert_eq!(left, KEEP);
}

#[test]
fn a_rewrite_keeps_reused_and_read_files_and_drops_stale_and_gone_ones() {
    let dir = tempfile::tempdir().unwrap();
    let root = Path::new("/ctx");
    let (s, empty) = (found(), Scanned::default());
    let mut c = ScanCache::open(dir.path(), root, 1 << 20);
    save(
        &mut c,
        [
            seen(b"a", stamp(OLD), &s, false),
            seen(b"b", stamp(OLD), &s, false),
            seen(b"c", stamp(OLD), &empty, false),
        ]
        .into_iter(),
    );
    let mut c = ScanCache::open(dir.path(), root, 1 << 20);
    // `b` changed (read again, nothing found now), `c` is gone, `d` is new.
    assert!(c.get(b"b", stamp(OLD + 5), Wants::default()).is_none());
    save(
        &mut c,
        [
            seen(b"a", stamp(OLD), &s, true),
            seen(b"b", stamp(OLD + 5), &empty, false),
            seen(b"d", stamp(OLD), &s, false),
        ]
        .into_iter(),
    );
    let mut c = ScanCache::open(dir.path(), root, 1 << 20);
    assert_eq!(c.old.len(), 3);
    assert_eq!(c.get(b"a", stamp(OLD), Wants::default()), Some(found()));
    assert!(c.get(b"b", stamp(OLD), Wants::default()).is_none());
    assert_eq!(
        c.get(b"b", stamp(OLD + 5), Wants::default()),
        Some(Scanned::default())
    );
    assert!(c.get(b"c", stamp(OLD), Wants::default()).is_none());
    assert_eq!(c.get(b"d", stamp(OLD), Wants::default()), Some(found()));
}
