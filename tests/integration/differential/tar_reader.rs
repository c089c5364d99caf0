//! Tar reader for the captured build context (ustar, PAX `x` records; GNU long names tolerated).

use super::case::esc;

#[derive(Clone, Debug)]
pub(super) struct TarEntry {
    /// Full name; directories always end in `/`.
    pub(super) name: Vec<u8>,
    pub(super) typeflag: u8,
    pub(super) size: u64,
    #[allow(dead_code)]
    link: Vec<u8>,
    /// A PAX extended header preceded this entry.
    pub(super) pax: bool,
}

fn nul_terminated(b: &[u8]) -> &[u8] {
    match b.iter().position(|&c| c == 0) {
        Some(i) => &b[..i],
        None => b,
    }
}

fn parse_tar_number(field: &[u8]) -> Result<u64, String> {
    if field.first().is_some_and(|&b| b & 0x80 != 0) {
        // base-256
        let mut v: u64 = (field[0] & 0x7f) as u64;
        for &b in &field[1..] {
            v = v.checked_mul(256).ok_or("base-256 number overflows")? + b as u64;
        }
        return Ok(v);
    }
    let text = nul_terminated(field);
    let text: Vec<u8> = text.iter().copied().filter(|&c| c != b' ').collect();
    if text.is_empty() {
        return Ok(0);
    }
    let s = std::str::from_utf8(&text).map_err(|_| format!("bad octal field {:?}", esc(field)))?;
    u64::from_str_radix(s, 8).map_err(|_| format!("bad octal field {s:?}"))
}

/// PAX records as (key, value) pairs, in stream order.
type PaxRecords = Vec<(Vec<u8>, Vec<u8>)>;

fn parse_pax(body: &[u8]) -> Result<PaxRecords, String> {
    let mut recs = Vec::new();
    let mut rest = body;
    while !rest.is_empty() {
        let sp = rest
            .iter()
            .position(|&b| b == b' ')
            .ok_or("PAX record without a length")?;
        let len: usize = std::str::from_utf8(&rest[..sp])
            .ok()
            .and_then(|s| s.parse().ok())
            .ok_or_else(|| format!("bad PAX record length {:?}", esc(&rest[..sp])))?;
        if len <= sp + 1 || len > rest.len() || rest[len - 1] != b'\n' {
            return Err(format!(
                "malformed PAX record {:?}",
                esc(&rest[..rest.len().min(80)])
            ));
        }
        let rec = &rest[sp + 1..len - 1];
        let eq = rec
            .iter()
            .position(|&b| b == b'=')
            .ok_or("PAX record without '='")?;
        recs.push((rec[..eq].to_vec(), rec[eq + 1..].to_vec()));
        rest = &rest[len..];
    }
    Ok(recs)
}

fn pad512(n: u64) -> u64 {
    n.div_ceil(512) * 512
}

/// Parses a whole tar stream. The stream must end with exactly two zero blocks
/// (that is what the docker CLI sends); anything else is reported as an error.
pub(super) fn parse_tar(data: &[u8]) -> Result<Vec<TarEntry>, String> {
    let mut out = Vec::new();
    let mut off = 0usize;
    let mut pax: Option<PaxRecords> = None;
    let mut long_name: Option<Vec<u8>> = None;
    let mut long_link: Option<Vec<u8>> = None;
    loop {
        let h = data.get(off..off + 512).ok_or_else(|| {
            format!(
                "truncated: no end-of-archive marker (stream is {} bytes, next header at {off})",
                data.len()
            )
        })?;
        if h.iter().all(|&b| b == 0) {
            let rest = &data[off..];
            if rest.len() != 1024 || rest.iter().any(|&b| b != 0) {
                return Err(format!(
                    "after the last entry (offset {off}) came {} bytes, expected exactly 1024 zero bytes",
                    rest.len()
                ));
            }
            if pax.is_some() || long_name.is_some() || long_link.is_some() {
                return Err("extended header without a following entry".into());
            }
            return Ok(out);
        }
        let stored = parse_tar_number(&h[148..156])?;
        let sum: u64 = h
            .iter()
            .enumerate()
            .map(|(i, &b)| {
                if (148..156).contains(&i) {
                    32
                } else {
                    b as u64
                }
            })
            .sum();
        if stored != sum {
            return Err(format!(
                "bad header checksum at offset {off}: stored {stored}, computed {sum}"
            ));
        }
        let typeflag = h[156];
        let mut size = parse_tar_number(&h[124..136])?;
        off += 512;
        if matches!(typeflag, b'x' | b'g' | b'L' | b'K') {
            let body = data
                .get(off..off + size as usize)
                .ok_or("truncated extended header")?;
            off += pad512(size) as usize;
            match typeflag {
                b'x' => pax = Some(parse_pax(body)?),
                b'g' => {}
                b'L' => long_name = Some(nul_terminated(body).to_vec()),
                _ => long_link = Some(nul_terminated(body).to_vec()),
            }
            continue;
        }
        let mut name = nul_terminated(&h[0..100]).to_vec();
        let mut link = nul_terminated(&h[157..257]).to_vec();
        if &h[257..263] == b"ustar\0" {
            let prefix = nul_terminated(&h[345..500]);
            if !prefix.is_empty() {
                name = [prefix, b"/", &name].concat();
            }
        }
        let had_pax = pax.is_some();
        for (k, v) in pax.take().unwrap_or_default() {
            match k.as_slice() {
                b"path" => name = v,
                b"linkpath" => link = v,
                b"size" => {
                    size = std::str::from_utf8(&v)
                        .ok()
                        .and_then(|s| s.parse().ok())
                        .ok_or("bad PAX size record")?
                }
                _ => {}
            }
        }
        if let Some(n) = long_name.take() {
            name = n;
        }
        if let Some(l) = long_link.take() {
            link = l;
        }
        if typeflag == b'5' && !name.ends_with(b"/") {
            name.push(b'/');
        }
        // Like Go's archive/tar: these types never carry data.
        let header_only = matches!(typeflag, b'1'..=b'6');
        if !header_only {
            if off as u64 + size > data.len() as u64 {
                return Err(format!("truncated data for {:?}", esc(&name)));
            }
            off += pad512(size) as usize;
        }
        out.push(TarEntry {
            name,
            typeflag,
            size: if header_only { 0 } else { size },
            link,
            pax: had_pax,
        });
    }
}
