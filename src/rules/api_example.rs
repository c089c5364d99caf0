//! An API schema's example values: OpenAPI/Swagger's `example` keyword (an OpenApiSpex schema's
//! `example: "Bearer eyJ…"` in a Phoenix controller, `example: …` in an `openapi.yaml`,
//! `"example": …` in a `swagger.json`, FastAPI's `Field(example=…)`) documents the shape of a
//! request, as a sample in documentation does.

/// Whether `line` (1-based) of `bytes` is an `example` key's value: the line holds the key
/// (`example:`, `"example":`, `'example':`, `example=`, also `x-example`), or it opens with a
/// quoted or bare value and the line above ends with that key (the value written on the next
/// line, as formatters wrap a long string).
pub(crate) fn api_example_line(bytes: &[u8], line: usize) -> bool {
    let Some(l) = line_at(bytes, line) else {
        return false;
    };
    if example_key_at(l).is_some() {
        return true;
    }
    // The value alone on its line, the key ending the line above.
    let Some(prev) = line_at(bytes, line - 1).map(<[u8]>::trim_ascii) else {
        return false;
    };
    example_key_at(prev).is_some_and(|end| prev[end..].trim_ascii().is_empty())
}

/// The 1-based line `n` of `bytes` (without its line break); `None` past the end or for 0.
fn line_at(bytes: &[u8], n: usize) -> Option<&[u8]> {
    let start = match n {
        0 => return None,
        1 => 0,
        _ => memchr::memchr_iter(b'\n', bytes).nth(n - 2)? + 1,
    };
    let end = memchr::memchr(b'\n', &bytes[start..]).map_or(bytes.len(), |k| start + k);
    Some(&bytes[start..end])
}

/// The offset just after the first `example` key of `l` (with its `:` or `=`), if any.
fn example_key_at(l: &[u8]) -> Option<usize> {
    let word = |b: u8| b.is_ascii_alphanumeric() || b == b'_';
    let mut from = 0;
    while let Some(k) = memchr::memmem::find(&l[from..], b"example") {
        let at = from + k;
        from = at + 7;
        let before = at.checked_sub(1).map(|i| l[i]);
        // `x-example`, `"example"`, ` example`; not `my_example` nor `examples`.
        // Prose's `for example:` is no key.
        let prose = l[..at]
            .trim_ascii_end()
            .to_ascii_lowercase()
            .ends_with(b"for");
        let start_ok =
            !prose && (before.is_none_or(|b| !word(b) && b != b'-') || l[..at].ends_with(b"x-"));
        let mut rest = &l[at + 7..];
        if rest.first().is_some_and(|&b| word(b)) {
            continue;
        }
        if let Some(r) = rest.strip_prefix(b"\"").or_else(|| rest.strip_prefix(b"'")) {
            rest = r;
        }
        let rest = rest.trim_ascii_start();
        let sep_ok = rest.starts_with(b":") && !rest.starts_with(b"::")
            || (rest.starts_with(b"=") && !rest.starts_with(b"=="));
        if start_ok && sep_ok {
            return Some(l.len() - rest.len() + 1);
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::api_example_line;

    #[test]
    fn example_keys() {
        let yes = [
            "        example: \"Bearer eyJ\",",
            "  example: eyJ",
            "\"example\": \"eyJ\"",
            "token: str = Field(..., example=\"eyJ\")",
            "x-example: eyJ",
            "schema: %Schema{type: :string, example: \"eyJ\"}",
        ];
        for y in yes {
            assert!(api_example_line(y.as_bytes(), 1), "{y}");
        }
        let no = [
            "token: \"eyJ\"",
            "my_example: eyJ",
            "examples = eyJ",
            "if example == eyJ",
            "see the example below: eyJ",
            "# for example: eyJ",
        ];
        for n in no {
            assert!(!api_example_line(n.as_bytes(), 1), "{n}");
        }
        // The value on the line after the key.
        let wrapped = "        example:\n          \"Bearer eyJ\"\n";
        assert!(api_example_line(wrapped.as_bytes(), 2));
        assert!(!api_example_line(wrapped.as_bytes(), 3));
        let not_key = "        token:\n          \"Bearer eyJ\"\n";
        assert!(!api_example_line(not_key.as_bytes(), 2));
        assert!(!api_example_line(b"example: x", 0));
    }
}
