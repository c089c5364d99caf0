//! The exact size of the classic context tar (R23–R24).

/// Rounds up to a multiple of 512.
pub(crate) fn pad512(n: u64) -> u64 {
    n.div_ceil(512) * 512
}

fn pax_record_len(key: &str, value_len: usize) -> u64 {
    let n0 = key.len() + value_len + 3;
    let d0 = n0.to_string().len();
    let n = n0 + d0;
    if n.to_string().len() != d0 {
        (n0 + n.to_string().len()) as u64
    } else {
        n as u64
    }
}

fn is_ascii(b: &[u8]) -> bool {
    b.iter().all(|&c| c < 0x80)
}

/// Go's `splitUSTARPath` feasibility.
fn ustar_splittable(name: &[u8]) -> bool {
    let mut length = name.len();
    if length <= 100 || !is_ascii(name) {
        return false;
    } else if length > 156 {
        length = 156;
    } else if name[length - 1] == b'/' {
        length -= 1;
    }
    let Some(i) = name[..length].iter().rposition(|&c| c == b'/') else {
        return false;
    };
    let nlen = name.len() - i - 1;
    let plen = i;
    !(i == 0 || nlen > 100 || nlen == 0 || plen > 155)
}

/// Header bytes of one tar entry: 512, plus a PAX header when USTAR cannot hold it.
/// `name` includes the trailing `/` of a directory; `size` is the header's size field (0 for
/// everything but regular-file data entries).
pub(crate) fn header_bytes(name: &[u8], linkname: Option<&[u8]>, size: u64, mtime: i64) -> u64 {
    let mut force = false;
    let mut records = 0u64;
    let name_long = name.len() > 100;
    if !is_ascii(name) || name_long {
        records += pax_record_len("path", name.len());
        if !ustar_splittable(name) {
            force = true;
        }
    }
    if let Some(l) = linkname {
        if !is_ascii(l) || l.len() > 100 {
            records += pax_record_len("linkpath", l.len());
            force = true;
        }
    }
    if !(0..0o77777777777 + 1).contains(&mtime) {
        records += pax_record_len("mtime", mtime.to_string().len());
        force = true;
    }
    if size > 0o77777777777 {
        records += pax_record_len("size", size.to_string().len());
        force = true;
    }
    if force {
        512 + 512 + pad512(records)
    } else {
        512
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spec_examples() {
        assert_eq!(header_bytes("déjà/".as_bytes(), None, 0, 0), 1536);
        assert_eq!(header_bytes(b"Dockerfile", None, 13, 0), 512);
        assert_eq!(header_bytes(&[b'a'; 101], None, 0, 0), 1536);
        let p = format!("{}/{}", "a".repeat(60), "b".repeat(60));
        assert_eq!(header_bytes(p.as_bytes(), None, 0, 0), 512);
        let d99 = format!("{}/", "d".repeat(99));
        assert_eq!(header_bytes(d99.as_bytes(), None, 0, 0), 512);
        let d100 = format!("{}/", "d".repeat(100));
        assert_eq!(header_bytes(d100.as_bytes(), None, 0, 0), 1536);
        let ok = format!("{}/{}", "p".repeat(155), "n".repeat(100));
        assert_eq!(header_bytes(ok.as_bytes(), None, 0, 0), 512);
        let bad = format!("{}/{}", "p".repeat(156), "n".repeat(10));
        assert_eq!(header_bytes(bad.as_bytes(), None, 0, 0), 1536);
        assert_eq!(header_bytes(b"x", None, 0, -86400), 1536);
        assert_eq!(header_bytes(b"l", Some(&[b'a'; 101]), 0, 0), 1536);
        // 603/604-byte names: 613/614-byte records, 1024 bytes of PAX data.
        assert_eq!(pax_record_len("path", 603), 613);
        assert_eq!(pax_record_len("path", 604), 614);
        assert_eq!(header_bytes(&[b'a'; 603], None, 0, 0), 512 + 512 + 1024);
    }
}
