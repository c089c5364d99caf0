//! The JSON (exec) form of an instruction's arguments: `COPY ["a b", "/d/"]`.
//!
//! BuildKit (`frontend/dockerfile/parser/line_parsers.go`, `parseJSON`) trims
//! leading white space, requires a `[`, and decodes the rest with Go's
//! `json.Unmarshal` into `[]any`. Any error makes the instruction fall back to
//! the shell form, except one: a valid array with an element that is not a
//! string fails the build ("arrays must be comprised of strings only").
//!
//! Why this is not serde_json: serde_json differs from Go's `encoding/json`
//! on inputs a Dockerfile can hold, and each difference would change which
//! form an instruction is read in:
//!
//! * Unpaired UTF-16 surrogate escapes (`"\ud800"`, `"\udc00"`,
//!   `"\ud800\u0041"`): Go decodes each unpaired one to U+FFFD and accepts
//!   the array; serde_json rejects the document (we would read the shell form).
//! * Nesting: Go accepts up to 10,000 levels (an element nested that deep is a
//!   non-string, so the build fails); serde_json stops at 128 (shell form), and
//!   its `unbounded_depth` feature recurses on the thread's stack.
//!
//! Go's behaviour that this reader reproduces and serde_json happens to share:
//! a number beyond the range of `float64` (`1e400`) is a decoding error, not a
//! syntax error, so BuildKit falls back to the shell form even when the array
//! also holds a non-string; trailing data after the array and white space other
//! than space, tab, CR and LF between tokens are syntax errors (shell form).
//!
//! Invalid UTF-8 never reaches this reader: the caller decodes the Dockerfile
//! lossily, and Go also turns invalid bytes inside a JSON string into U+FFFD
//! (one per byte, where the lossy decode may give one per sequence).
//!
//! The reader is iterative, so deep nesting costs heap, not stack.

/// How BuildKit reads an instruction's arguments as JSON.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum JsonArray {
    /// Valid JSON array of strings.
    Strings(Vec<String>),
    /// Valid JSON array with a non-string element (an error in BuildKit).
    NotStrings,
    /// Not a JSON array, or one Go cannot decode: BuildKit falls back to the
    /// shell form.
    NotJson,
}

/// Go's `encoding/json` limit on nested arrays and objects (`maxNestingDepth`).
const MAX_DEPTH: usize = 10_000;

pub(crate) fn parse_json_array(rest: &str) -> JsonArray {
    let t = rest.trim_start();
    if !t.starts_with('[') {
        return JsonArray::NotJson;
    }
    let mut r = Reader {
        s: t,
        i: 0,
        out_of_range: false,
    };
    let Some(items) = r.top_array() else {
        return JsonArray::NotJson;
    };
    r.ws();
    if r.i != t.len() || r.out_of_range {
        return JsonArray::NotJson;
    }
    match items.into_iter().collect::<Option<Vec<String>>>() {
        Some(strings) => JsonArray::Strings(strings),
        None => JsonArray::NotStrings,
    }
}

/// A byte cursor over the text; `None` from a method is a syntax error.
/// Positions only ever stop after ASCII bytes, so they are char boundaries.
struct Reader<'a> {
    s: &'a str,
    i: usize,
    /// A number did not fit a `float64` (a decoding error in Go).
    out_of_range: bool,
}

impl Reader<'_> {
    fn peek(&self) -> Option<u8> {
        self.s.as_bytes().get(self.i).copied()
    }

    fn eat(&mut self, b: u8) -> bool {
        let hit = self.peek() == Some(b);
        if hit {
            self.i += 1;
        }
        hit
    }

    fn ws(&mut self) {
        while matches!(self.peek(), Some(b' ' | b'\t' | b'\n' | b'\r')) {
            self.i += 1;
        }
    }

    /// The top-level array (at `[`): each element as its string, or `None`
    /// for any other kind of value.
    fn top_array(&mut self) -> Option<Vec<Option<String>>> {
        self.i += 1;
        let mut items = Vec::new();
        self.ws();
        if self.eat(b']') {
            return Some(items);
        }
        loop {
            self.ws();
            if self.peek() == Some(b'"') {
                items.push(Some(self.string()?));
            } else {
                self.skip_value()?;
                items.push(None);
            }
            self.ws();
            if self.eat(b']') {
                return Some(items);
            }
            if !self.eat(b',') {
                return None;
            }
        }
    }

    /// Checks one element of the top-level array that is not a string, with
    /// an explicit stack of the closers of the open arrays and objects.
    fn skip_value(&mut self) -> Option<()> {
        let mut open: Vec<u8> = Vec::new();
        loop {
            self.ws();
            let closer = match self.peek()? {
                b'[' => Some(b']'),
                b'{' => Some(b'}'),
                b'"' => self.string().map(|_| None)?,
                b't' => self.literal("true").map(|_| None)?,
                b'f' => self.literal("false").map(|_| None)?,
                b'n' => self.literal("null").map(|_| None)?,
                b'-' | b'0'..=b'9' => self.number().map(|_| None)?,
                _ => return None,
            };
            if let Some(c) = closer {
                self.i += 1;
                // The top-level array is level 1, this one is level `open.len() + 2`.
                if open.len() + 2 > MAX_DEPTH {
                    return None;
                }
                self.ws();
                if !self.eat(c) {
                    open.push(c);
                    if c == b'}' {
                        self.key()?;
                    }
                    continue;
                }
            }
            // A value is complete: close containers, or go on to the next value.
            loop {
                let &c = match open.last() {
                    Some(c) => c,
                    None => return Some(()),
                };
                self.ws();
                if self.eat(c) {
                    open.pop();
                    continue;
                }
                if !self.eat(b',') {
                    return None;
                }
                if c == b'}' {
                    self.key()?;
                }
                break;
            }
        }
    }

    /// `"key" :` inside an object.
    fn key(&mut self) -> Option<()> {
        self.ws();
        if self.peek() != Some(b'"') {
            return None;
        }
        self.string()?;
        self.ws();
        self.eat(b':').then_some(())
    }

    fn literal(&mut self, word: &str) -> Option<()> {
        let end = self.i + word.len();
        (self.s.as_bytes().get(self.i..end)? == word.as_bytes()).then(|| self.i = end)
    }

    fn digits(&mut self) -> usize {
        let start = self.i;
        while self.peek().is_some_and(|b| b.is_ascii_digit()) {
            self.i += 1;
        }
        self.i - start
    }

    fn number(&mut self) -> Option<()> {
        let start = self.i;
        self.eat(b'-');
        if !self.eat(b'0') && self.digits() == 0 {
            return None;
        }
        if self.eat(b'.') && self.digits() == 0 {
            return None;
        }
        if self.eat(b'e') || self.eat(b'E') {
            if !self.eat(b'+') {
                self.eat(b'-');
            }
            if self.digits() == 0 {
                return None;
            }
        }
        // Go decodes into float64 (correctly rounded, as Rust's parse is);
        // a value that rounds to infinity is an error there.
        let fits = self
            .s
            .get(start..self.i)?
            .parse::<f64>()
            .is_ok_and(f64::is_finite);
        self.out_of_range |= !fits;
        Some(())
    }

    fn hex4_at(&self, at: usize) -> Option<u32> {
        let hex = self.s.as_bytes().get(at..at + 4)?;
        hex.iter()
            .try_fold(0u32, |v, &b| char::from(b).to_digit(16).map(|d| v * 16 + d))
    }

    /// A string (at `"`), unescaped with Go's rules for surrogates.
    fn string(&mut self) -> Option<String> {
        self.i += 1;
        let mut out = String::new();
        let mut run = self.i;
        loop {
            match self.peek()? {
                b'"' => {
                    out.push_str(self.s.get(run..self.i)?);
                    self.i += 1;
                    return Some(out);
                }
                b'\\' => {
                    out.push_str(self.s.get(run..self.i)?);
                    let e = *self.s.as_bytes().get(self.i + 1)?;
                    self.i += 2;
                    out.push(match e {
                        b'"' => '"',
                        b'\\' => '\\',
                        b'/' => '/',
                        b'b' => '\u{8}',
                        b'f' => '\u{c}',
                        b'n' => '\n',
                        b'r' => '\r',
                        b't' => '\t',
                        b'u' => self.unicode_escape()?,
                        _ => return None,
                    });
                    run = self.i;
                }
                0..=0x1f => return None,
                _ => self.i += 1,
            }
        }
    }

    /// After `\u`: the code point, or U+FFFD for a surrogate that does not
    /// pair with a directly following `\uXXXX` (which is then read on its own).
    fn unicode_escape(&mut self) -> Option<char> {
        let hi = self.hex4_at(self.i)?;
        self.i += 4;
        if !(0xD800..0xE000).contains(&hi) {
            return char::from_u32(hi);
        }
        let bytes = self.s.as_bytes();
        let lo = match bytes.get(self.i..self.i + 2) {
            Some(b"\\u") => self.hex4_at(self.i + 2),
            _ => None,
        };
        match lo {
            Some(lo) if (0xD800..0xDC00).contains(&hi) && (0xDC00..0xE000).contains(&lo) => {
                self.i += 6;
                char::from_u32(0x10000 + ((hi - 0xD800) << 10) + (lo - 0xDC00))
            }
            _ => Some('\u{fffd}'),
        }
    }
}
