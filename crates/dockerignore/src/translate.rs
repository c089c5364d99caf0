//! One docker pattern → its match type and, for REGEX patterns, a Rust regex equivalent to the
//! RE2 regex `patternmatcher` builds (R12–R13, spec section 14).
//!
//! Two steps: [`go_regex_source`] reproduces `Pattern.compile` exactly (the Go regex text), and
//! [`re2_to_rust`] parses that text with RE2's grammar (Perl flags) and re-emits it in the
//! `regex` crate's syntax, literal by literal, so that dialect differences (nested classes,
//! `&&`/`--`/`~~`, Unicode `\d`, `\Q…\E`, octal escapes) cannot leak through.

use crate::utf8::decode_rune;

/// How a pattern matches a path (`patternmatcher`'s `matchType`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum MatchType {
    /// The path equals the pattern.
    Exact,
    /// The path starts with the given bytes (the pattern minus its trailing `**`).
    Prefix(Vec<u8>),
    /// The path ends with the given bytes (the pattern minus its leading `**`); if they start
    /// with `/`, the path may also equal the rest.
    Suffix(Vec<u8>),
    /// A regular expression: the Go regex source (for messages) and the Rust translation, or
    /// `None` when Go would fail to compile it (a lazy "syntax error in pattern").
    Regex {
        /// The regex text Go compiles.
        go_source: String,
        /// The equivalent `regex`-crate syntax, `None` if Go rejects the regex.
        rust: Option<String>,
    },
}

/// Decodes the pattern the way `text/scanner` does: invalid bytes become U+FFFD, and a BOM at
/// the very start is skipped.
fn scanner_chars(p: &[u8]) -> Vec<char> {
    let mut out = Vec::with_capacity(p.len());
    let mut i = 0;
    while i < p.len() {
        let (r, n) = decode_rune(&p[i..]);
        i += n.max(1);
        let c = char::from_u32(r).unwrap_or('\u{FFFD}');
        if out.is_empty() && i == n && c == '\u{FEFF}' {
            continue;
        }
        out.push(c);
    }
    out
}

/// Reproduces `Pattern.compile`: the match type and the Go regex text (without the final `$`).
pub(crate) fn go_regex_source(cleaned: &[u8]) -> (MatchKindTag, String) {
    let chars = scanner_chars(cleaned);
    let mut re = String::from("^");
    let mut kind = MatchKindTag::Exact;
    let mut i = 0usize; // token index
    let mut k = 0usize; // char position
    while k < chars.len() {
        let ch = chars[k];
        k += 1;
        if ch == '*' {
            if chars.get(k) == Some(&'*') {
                k += 1;
                if chars.get(k) == Some(&'/') {
                    k += 1;
                }
                if k >= chars.len() {
                    if kind == MatchKindTag::Exact {
                        kind = MatchKindTag::Prefix;
                    } else {
                        re.push_str(".*");
                        kind = MatchKindTag::Regex;
                    }
                } else {
                    re.push_str("(.*/)?");
                    kind = MatchKindTag::Regex;
                }
                if i == 0 {
                    kind = MatchKindTag::Suffix;
                }
            } else {
                re.push_str("[^/]*");
                kind = MatchKindTag::Regex;
            }
        } else if ch == '?' {
            re.push_str("[^/]");
            kind = MatchKindTag::Regex;
        } else if ".+()$".contains(ch) {
            // patternmatcher means to escape `. + ( ) | { } $`, but its bitmap loses every
            // character >= 64, so `|`, `{` and `}` reach the regex unescaped (found by the
            // differential test against the docker CLI).
            re.push('\\');
            re.push(ch);
        } else if ch == '\\' {
            if k < chars.len() {
                re.push('\\');
                re.push(chars[k]);
                k += 1;
                kind = MatchKindTag::Regex;
            } else {
                re.push('\\');
            }
        } else if ch == '[' || ch == ']' {
            re.push(ch);
            kind = MatchKindTag::Regex;
        } else {
            re.push(ch);
        }
        i += 1;
    }
    (kind, re)
}

/// The four match types without their data.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum MatchKindTag {
    /// See [`MatchType::Exact`].
    Exact,
    /// See [`MatchType::Prefix`].
    Prefix,
    /// See [`MatchType::Suffix`].
    Suffix,
    /// See [`MatchType::Regex`].
    Regex,
}

/// Compiles a cleaned pattern into its match type.
pub(crate) fn compile(cleaned: &[u8]) -> MatchType {
    let (tag, src) = go_regex_source(cleaned);
    match tag {
        MatchKindTag::Exact => MatchType::Exact,
        MatchKindTag::Prefix => MatchType::Prefix(cleaned[..cleaned.len() - 2].to_vec()),
        MatchKindTag::Suffix => MatchType::Suffix(cleaned[2..].to_vec()),
        MatchKindTag::Regex => {
            let go_source = format!("{src}$");
            let rust = if plain_glob(cleaned) {
                // Only `*`, `?`, `**` and plain characters: the Go text is already `regex`
                // syntax with the same meaning, and RE2 cannot reject it. Translating and
                // checking it would be most of the start-up time of a 1000-line file.
                Some(go_source.clone())
            } else {
                re2_to_rust(&go_source).ok()
            };
            MatchType::Regex { go_source, rust }
        }
    }
}

/// Whether a pattern uses nothing but `*`, `?`, characters that [`go_regex_source`] copies
/// literally or escapes (`.+()$`: printable, valid UTF-8, no BOM, no U+FFFD), and classes of
/// ASCII letters and digits with ordered ranges (`[cod]`, `[a-m0-9]`). Escapes, repetitions,
/// alternation and any other class are left to the full translation.
fn plain_glob(cleaned: &[u8]) -> bool {
    let Ok(s) = std::str::from_utf8(cleaned) else {
        return false;
    };
    let b = s.as_bytes();
    let mut k = 0;
    while k < b.len() {
        match b[k] {
            b'[' => {
                let Some(len) = b[k + 1..].iter().position(|&c| c == b']') else {
                    return false;
                };
                if !plain_class(&b[k + 1..k + 1 + len]) {
                    return false;
                }
                k += len + 2;
            }
            b']' => return false,
            _ => k += 1,
        }
    }
    s.chars()
        .all(|c| !c.is_control() && !matches!(c, '\\' | '{' | '}' | '|' | '\u{feff}' | '\u{fffd}'))
}

/// A class body of ASCII letters and digits and ordered ranges between them.
fn plain_class(body: &[u8]) -> bool {
    let mut j = 0;
    while j < body.len() {
        if !body[j].is_ascii_alphanumeric() {
            return false;
        }
        if body.get(j + 1) == Some(&b'-') {
            match body.get(j + 2) {
                Some(&hi) if hi.is_ascii_alphanumeric() && hi >= body[j] => j += 3,
                _ => return false,
            }
        } else {
            j += 1;
        }
    }
    !body.is_empty()
}

/// RE2 rejected the expression.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Re2Error;

struct Parser<'a> {
    s: &'a [char],
    i: usize,
}

/// A class: sorted ranges plus Unicode property items, and negation.
#[derive(Default)]
struct Class {
    ranges: Vec<(u32, u32)>,
    props: Vec<String>,
}

const NEVER: &str = "[^\\x{0}-\\x{10FFFF}]";

fn lit(c: u32) -> String {
    if (0xD800..=0xDFFF).contains(&c) || c > 0x10FFFF {
        NEVER.to_string()
    } else {
        format!("\\x{{{c:X}}}")
    }
}

fn perl_class(c: char) -> Option<(bool, &'static [(u32, u32)])> {
    const D: &[(u32, u32)] = &[(0x30, 0x39)];
    const S: &[(u32, u32)] = &[(0x09, 0x0A), (0x0C, 0x0D), (0x20, 0x20)];
    const W: &[(u32, u32)] = &[(0x30, 0x39), (0x41, 0x5A), (0x5F, 0x5F), (0x61, 0x7A)];
    match c {
        'd' => Some((false, D)),
        'D' => Some((true, D)),
        's' => Some((false, S)),
        'S' => Some((true, S)),
        'w' => Some((false, W)),
        'W' => Some((true, W)),
        _ => None,
    }
}

fn posix_class(name: &str) -> Option<&'static [(u32, u32)]> {
    Some(match name {
        "alnum" => &[(0x30, 0x39), (0x41, 0x5A), (0x61, 0x7A)],
        "alpha" => &[(0x41, 0x5A), (0x61, 0x7A)],
        "ascii" => &[(0x00, 0x7F)],
        "blank" => &[(0x09, 0x09), (0x20, 0x20)],
        "cntrl" => &[(0x00, 0x1F), (0x7F, 0x7F)],
        "digit" => &[(0x30, 0x39)],
        "graph" => &[(0x21, 0x7E)],
        "lower" => &[(0x61, 0x7A)],
        "print" => &[(0x20, 0x7E)],
        "punct" => &[(0x21, 0x2F), (0x3A, 0x40), (0x5B, 0x60), (0x7B, 0x7E)],
        "space" => &[(0x09, 0x0D), (0x20, 0x20)],
        "upper" => &[(0x41, 0x5A)],
        "word" => &[(0x30, 0x39), (0x41, 0x5A), (0x5F, 0x5F), (0x61, 0x7A)],
        "xdigit" => &[(0x30, 0x39), (0x41, 0x46), (0x61, 0x66)],
        _ => return None,
    })
}

fn negate(ranges: &[(u32, u32)]) -> Vec<(u32, u32)> {
    let mut v = ranges.to_vec();
    v.sort_unstable();
    let mut out = Vec::new();
    let mut next = 0u32;
    for (lo, hi) in v {
        if lo > next {
            out.push((next, lo - 1));
        }
        next = next.max(hi.saturating_add(1));
    }
    if next <= 0x10FFFF {
        out.push((next, 0x10FFFF));
    }
    out
}

fn class_to_rust(cls: &Class, negated: bool) -> String {
    let mut body = String::new();
    for &(lo, hi) in &cls.ranges {
        // Surrogates can never be matched (Go decodes them as U+FFFD); clip them out.
        let mut parts = Vec::new();
        if lo < 0xD800 {
            parts.push((lo, hi.min(0xD7FF)));
        }
        if hi > 0xDFFF {
            parts.push((lo.max(0xE000), hi.min(0x10FFFF)));
        }
        for (a, b) in parts {
            if a <= b {
                body.push_str(&format!("\\x{{{a:X}}}-\\x{{{b:X}}}"));
            }
        }
    }
    for p in &cls.props {
        body.push_str(p);
    }
    match (body.is_empty(), negated) {
        (true, false) => NEVER.to_string(),
        (true, true) => "(?s:.)".to_string(),
        (false, false) => format!("[{body}]"),
        (false, true) => format!("[^{body}]"),
    }
}

impl Parser<'_> {
    fn peek(&self) -> Option<char> {
        self.s.get(self.i).copied()
    }

    fn starts_with(&self, p: &str) -> bool {
        (self.i..)
            .zip(p.chars())
            .all(|(j, c)| self.s.get(j) == Some(&c))
    }

    /// `\p{…}`/`\pX` with `self.i` at the backslash: the Rust text, or None if not a class.
    fn unicode_class(&mut self) -> Result<Option<String>, Re2Error> {
        if !(self.starts_with("\\p") || self.starts_with("\\P")) {
            return Ok(None);
        }
        let mut neg = self.s[self.i + 1] == 'P';
        self.i += 2;
        let name: String = match self.peek() {
            None => return Err(Re2Error),
            Some('{') => {
                let start = self.i + 1;
                let end = (start..self.s.len())
                    .find(|&j| self.s[j] == '}')
                    .ok_or(Re2Error)?;
                self.i = end + 1;
                self.s[start..end].iter().collect()
            }
            Some(c) => {
                self.i += 1;
                c.to_string()
            }
        };
        let name = match name.strip_prefix('^') {
            Some(n) => {
                neg = !neg;
                n.to_string()
            }
            None => name,
        };
        if name.is_empty() || !name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
            return Err(Re2Error);
        }
        let text = format!("\\{}{{{}}}", if neg { 'P' } else { 'p' }, name);
        // Let the regex crate decide whether it knows the name.
        if regex_syntax::Parser::new().parse(&text).is_err() {
            return Err(Re2Error);
        }
        Ok(Some(text))
    }

    /// RE2 `parseEscape` with `self.i` after the backslash: a literal rune.
    fn escape_rune(&mut self) -> Result<u32, Re2Error> {
        let c = self.peek().ok_or(Re2Error)?;
        self.i += 1;
        match c {
            '1'..='7' => {
                if !matches!(self.peek(), Some('0'..='7')) {
                    return Err(Re2Error);
                }
                self.octal(c)
            }
            '0' => self.octal(c),
            'x' => {
                let c = self.peek().ok_or(Re2Error)?;
                if c == '{' {
                    self.i += 1;
                    let mut v: u32 = 0;
                    let mut n = 0;
                    loop {
                        let c = self.peek().ok_or(Re2Error)?;
                        self.i += 1;
                        if c == '}' {
                            break;
                        }
                        let d = c.to_digit(16).ok_or(Re2Error)?;
                        v = v
                            .checked_mul(16)
                            .and_then(|v| v.checked_add(d))
                            .ok_or(Re2Error)?;
                        if v > 0x10FFFF {
                            return Err(Re2Error);
                        }
                        n += 1;
                    }
                    if n == 0 {
                        return Err(Re2Error);
                    }
                    Ok(v)
                } else {
                    let a = c.to_digit(16).ok_or(Re2Error)?;
                    self.i += 1;
                    let b = self.peek().and_then(|c| c.to_digit(16)).ok_or(Re2Error)?;
                    self.i += 1;
                    Ok(a * 16 + b)
                }
            }
            'a' => Ok(7),
            'f' => Ok(12),
            'n' => Ok(10),
            'r' => Ok(13),
            't' => Ok(9),
            'v' => Ok(11),
            c if (c as u32) < 0x80 && !c.is_ascii_alphanumeric() => Ok(c as u32),
            _ => Err(Re2Error),
        }
    }

    fn octal(&mut self, first: char) -> Result<u32, Re2Error> {
        let mut r = first as u32 - '0' as u32;
        for _ in 1..3 {
            match self.peek() {
                Some(c @ '0'..='7') => {
                    r = r * 8 + (c as u32 - '0' as u32);
                    self.i += 1;
                }
                _ => break,
            }
        }
        Ok(r)
    }

    fn class_char(&mut self) -> Result<u32, Re2Error> {
        match self.peek() {
            None => Err(Re2Error),
            Some('\\') => {
                self.i += 1;
                self.escape_rune()
            }
            Some(c) => {
                self.i += 1;
                Ok(c as u32)
            }
        }
    }

    /// RE2 `parseClass` with `self.i` at `[`.
    fn class(&mut self) -> Result<String, Re2Error> {
        self.i += 1;
        let mut cls = Class::default();
        let mut negated = false;
        if self.peek() == Some('^') {
            negated = true;
            self.i += 1;
        }
        let mut first = true;
        loop {
            let c = self.peek().ok_or(Re2Error)?;
            if c == ']' && !first {
                break;
            }
            first = false;
            // POSIX [:name:]
            if self.starts_with("[:") {
                let rest = &self.s[self.i + 2..];
                if let Some(pos) = rest.windows(2).position(|w| w == [':', ']']) {
                    let name: String = rest[..pos].iter().collect();
                    let (neg, base) = match name.strip_prefix('^') {
                        Some(b) => (true, b.to_string()),
                        None => (false, name.clone()),
                    };
                    let table = posix_class(&base).ok_or(Re2Error)?;
                    if neg {
                        cls.ranges.extend(negate(table));
                    } else {
                        cls.ranges.extend_from_slice(table);
                    }
                    self.i += 2 + pos + 2;
                    continue;
                }
            }
            if let Some(p) = self.unicode_class()? {
                cls.props.push(p);
                continue;
            }
            if c == '\\' {
                if let Some((neg, table)) = self.s.get(self.i + 1).and_then(|&c| perl_class(c)) {
                    self.i += 2;
                    if neg {
                        cls.ranges.extend(negate(table));
                    } else {
                        cls.ranges.extend_from_slice(table);
                    }
                    continue;
                }
            }
            let lo = self.class_char()?;
            let mut hi = lo;
            if self.peek() == Some('-') && self.s.get(self.i + 1).is_some_and(|&c| c != ']') {
                self.i += 1;
                hi = self.class_char()?;
                if hi < lo {
                    return Err(Re2Error);
                }
            }
            cls.ranges.push((lo, hi));
        }
        self.i += 1; // ]
        Ok(class_to_rust(&cls, negated))
    }

    /// `{n}`, `{n,}` or `{n,m}` at `self.i`: (min, max, length), or None if `{` is a literal.
    fn repeat_spec(&self) -> Option<(u32, Option<u32>, usize)> {
        let mut j = self.i + 1;
        let num = |j: &mut usize| -> Option<u32> {
            let start = *j;
            let mut v: u32 = 0;
            while let Some(d) = self.s.get(*j).and_then(|c| c.to_digit(10)) {
                v = v.saturating_mul(10).saturating_add(d);
                *j += 1;
            }
            (*j > start).then_some(v)
        };
        let min = num(&mut j)?;
        let max = if self.s.get(j) == Some(&',') {
            j += 1;
            if self.s.get(j) == Some(&'}') {
                None
            } else {
                Some(num(&mut j)?)
            }
        } else {
            Some(min)
        };
        if self.s.get(j) != Some(&'}') {
            return None;
        }
        Some((min, max, j + 1 - self.i))
    }

    /// Applies the quantifier `q` (and a following lazy `?`) to the last piece: RE2 rejects a
    /// repeated repetition and a quantifier with nothing to repeat.
    fn repeat(
        &mut self,
        stack: &mut [Vec<String>],
        mut q: String,
        last_repeat: bool,
    ) -> Result<(), Re2Error> {
        if self.peek() == Some('?') {
            self.i += 1;
            q.push('?');
        }
        if last_repeat {
            return Err(Re2Error);
        }
        let top = stack.last_mut().ok_or(Re2Error)?;
        match top.pop() {
            None => Err(Re2Error),
            Some(p) if p == "|" => Err(Re2Error),
            Some(p) => {
                top.push(format!("(?:{p}){q}"));
                Ok(())
            }
        }
    }

    /// The whole expression.
    fn parse(&mut self) -> Result<String, Re2Error> {
        // Output pieces of the current concatenation; a quantifier wraps the last piece.
        let mut stack: Vec<Vec<String>> = vec![Vec::new()];
        // Whether the last item was a repetition (RE2 rejects a repeated repetition).
        let mut last_repeat = false;
        while let Some(c) = self.peek() {
            let mut is_repeat = false;
            match c {
                '(' => {
                    self.i += 1;
                    if self.peek() == Some('?') {
                        if self.starts_with("?:") {
                            self.i += 2;
                        } else {
                            return Err(Re2Error);
                        }
                    }
                    stack.push(Vec::new());
                }
                ')' => {
                    self.i += 1;
                    if stack.len() < 2 {
                        return Err(Re2Error);
                    }
                    let inner = stack.pop().unwrap_or_default().concat();
                    stack
                        .last_mut()
                        .ok_or(Re2Error)?
                        .push(format!("(?:{inner})"));
                }
                '|' => {
                    self.i += 1;
                    stack.last_mut().ok_or(Re2Error)?.push("|".into());
                }
                '*' | '+' | '?' => {
                    self.i += 1;
                    self.repeat(&mut stack, c.to_string(), last_repeat)?;
                    is_repeat = true;
                }
                '{' => match self.repeat_spec() {
                    None => {
                        self.i += 1;
                        stack.last_mut().ok_or(Re2Error)?.push(lit('{' as u32));
                    }
                    Some((min, max, len)) => {
                        if min > 1000 || max.is_some_and(|m| m > 1000 || m < min) {
                            return Err(Re2Error);
                        }
                        self.i += len;
                        let q = match max {
                            Some(m) if m == min => format!("{{{min}}}"),
                            Some(m) => format!("{{{min},{m}}}"),
                            None => format!("{{{min},}}"),
                        };
                        self.repeat(&mut stack, q, last_repeat)?;
                        is_repeat = true;
                    }
                },
                '^' => {
                    self.i += 1;
                    stack.last_mut().ok_or(Re2Error)?.push("^".into());
                }
                '$' => {
                    self.i += 1;
                    stack.last_mut().ok_or(Re2Error)?.push("$".into());
                }
                '.' => {
                    self.i += 1;
                    stack.last_mut().ok_or(Re2Error)?.push(".".into());
                }
                '[' => {
                    let cls = self.class()?;
                    stack.last_mut().ok_or(Re2Error)?.push(cls);
                }
                '\\' => {
                    let next = self.s.get(self.i + 1).copied().ok_or(Re2Error)?;
                    let piece = match next {
                        'A' => {
                            self.i += 2;
                            "\\A".to_string()
                        }
                        'z' => {
                            self.i += 2;
                            "\\z".to_string()
                        }
                        'b' => {
                            self.i += 2;
                            "(?-u:\\b)".to_string()
                        }
                        'B' => {
                            self.i += 2;
                            "(?-u:\\B)".to_string()
                        }
                        'C' => return Err(Re2Error),
                        'Q' => {
                            self.i += 2;
                            let start = self.i;
                            let mut end = self.s.len();
                            let mut j = start;
                            while j + 1 < self.s.len() {
                                if self.s[j] == '\\' && self.s[j + 1] == 'E' {
                                    end = j;
                                    break;
                                }
                                j += 1;
                            }
                            let text: Vec<char> = self.s[start..end].to_vec();
                            self.i = if end == self.s.len() { end } else { end + 2 };
                            // Each quoted character is its own literal, so a following
                            // quantifier applies to the last one only.
                            let top = stack.last_mut().ok_or(Re2Error)?;
                            for ch in text {
                                top.push(lit(ch as u32));
                            }
                            last_repeat = false;
                            continue;
                        }
                        'p' | 'P' => self.unicode_class()?.ok_or(Re2Error)?,
                        c if perl_class(c).is_some() => {
                            let (neg, table) = perl_class(c).ok_or(Re2Error)?;
                            self.i += 2;
                            let cls = Class {
                                ranges: table.to_vec(),
                                props: Vec::new(),
                            };
                            class_to_rust(&cls, neg)
                        }
                        _ => {
                            self.i += 1;
                            lit(self.escape_rune()?)
                        }
                    };
                    stack.last_mut().ok_or(Re2Error)?.push(piece);
                }
                c => {
                    self.i += 1;
                    stack.last_mut().ok_or(Re2Error)?.push(lit(c as u32));
                }
            }
            last_repeat = is_repeat;
        }
        if stack.len() != 1 {
            return Err(Re2Error);
        }
        Ok(stack.pop().unwrap_or_default().concat())
    }
}

/// Translates a Go (RE2, Perl flags) regex into `regex`-crate syntax with the same meaning.
pub(crate) fn re2_to_rust(go: &str) -> Result<String, Re2Error> {
    let chars: Vec<char> = go.chars().collect();
    let out = Parser { s: &chars, i: 0 }.parse()?;
    // Final guard: the regex crate must accept it.
    regex_syntax::ParserBuilder::new()
        .build()
        .parse(&out)
        .map_err(|_| Re2Error)?;
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Plain globs skip the translation: every pattern over a small alphabet (up to 3
    /// characters, in one to three parts) matches every path over another exactly as its full
    /// translation does.
    #[test]
    fn plain_globs_match_as_translated() {
        let pat_chars = [
            "a", "*", "?", ".", "^", "$", "+", "(", "é", " ", "#", "-", "[a-c]", "[b1]",
        ];
        let path_chars = [
            "a", "b", "c", "1", "/", ".", "é", "\n", "^", "(", "$", "+", "-", " ",
        ];
        let mut parts = vec![String::new()];
        for _ in 0..3 {
            let next: Vec<String> = parts
                .iter()
                .flat_map(|p| pat_chars.iter().map(move |c| format!("{p}{c}")))
                .collect();
            parts.extend(next);
        }
        parts.sort();
        parts.dedup();
        let mut paths = vec![String::new()];
        for _ in 0..3 {
            let next: Vec<String> = paths
                .iter()
                .flat_map(|p| path_chars.iter().map(move |c| format!("{p}{c}")))
                .collect();
            paths.extend(next);
        }
        paths.retain(|p| p.len() < 4 || p.starts_with('a'));
        let mut checked = 0;
        for (k, p) in parts.iter().enumerate().filter(|(_, p)| !p.is_empty()) {
            // One, two or three parts joined with `/`, some with `**`.
            let pat = match k % 4 {
                0 => p.clone(),
                1 => format!("{p}/a*"),
                2 => format!("**/{p}"),
                _ => format!("a/**/{p}?"),
            };
            let MatchType::Regex { go_source, rust } = compile(pat.as_bytes()) else {
                continue;
            };
            assert!(plain_glob(pat.as_bytes()), "{pat}");
            let fast = regex::Regex::new(&rust.unwrap()).unwrap();
            let full = regex::Regex::new(&re2_to_rust(&go_source).unwrap()).unwrap();
            for path in &paths {
                assert_eq!(
                    fast.is_match(path),
                    full.is_match(path),
                    "{pat} on {path:?}"
                );
            }
            checked += 1;
        }
        assert!(checked > 1000, "{checked}");
        assert!(plain_glob(b"a[bc]"));
        assert!(plain_glob(b"a[a-m0-9]?*.map"));
        for p in [
            &b"a[c-a]"[..],
            b"a[]",
            b"a[^b]",
            b"a[!b]",
            b"a[-b]",
            b"a[b-]",
            b"a[/]",
            b"a[b",
            b"a]",
        ] {
            assert!(!plain_glob(p), "{}", String::from_utf8_lossy(p));
        }
        assert!(!plain_glob(b"a\\*"));
        assert!(!plain_glob(b"\xef\xbb\xbfa*"));
        assert!(!plain_glob(b"a\xff*"));
    }

    fn re(p: &str) -> regex::Regex {
        match compile(p.as_bytes()) {
            MatchType::Regex { rust: Some(r), .. } => regex::Regex::new(&r).unwrap(),
            other => panic!("{p}: {other:?}"),
        }
    }

    #[test]
    fn types() {
        assert_eq!(compile(b"foo"), MatchType::Exact);
        assert_eq!(compile(b"{a,b}.txt"), MatchType::Exact);
        assert_eq!(compile(b"dir/**"), MatchType::Prefix(b"dir/".to_vec()));
        assert_eq!(compile(b"**"), MatchType::Suffix(b"".to_vec()));
        assert_eq!(compile(b"**/x"), MatchType::Suffix(b"/x".to_vec()));
        assert_eq!(compile(b"**.log"), MatchType::Suffix(b".log".to_vec()));
        assert!(matches!(compile(b"**/*.log"), MatchType::Regex { .. }));
        assert!(matches!(compile(b"a/**/b"), MatchType::Regex { .. }));
    }

    #[test]
    fn regex_surprises() {
        let r = re("[^a]*");
        assert!(!r.is_match("b/x") || r.is_match("bx"));
        let r = re("[!a]1");
        assert!(r.is_match("!1") && r.is_match("a1") && !r.is_match("b1"));
        let r = re("a[^x]b");
        assert!(r.is_match("a/b") && !r.is_match("axb"));
        let r = re("file\\d");
        assert!(r.is_match("file1") && !r.is_match("filed") && !r.is_match("file٣"));
        let r = re("\\*.txt");
        assert!(r.is_match("*.txt") && !r.is_match("a.txt"));
        let r = re("^a*");
        assert!(r.is_match("ab") && !r.is_match("^ab"));
        let r = re("[[:alpha:]]");
        assert!(r.is_match("b") && !r.is_match("1") && !r.is_match(":]"));
        let r = re("[a*]");
        assert!(r.is_match("a]") && r.is_match("aa]") && !r.is_match("a") && !r.is_match("*"));
        let r = re("**/*.log");
        assert!(r.is_match("a.log") && r.is_match("x/y/a.log") && !r.is_match("a.logx"));
        let r = re("a/**/b");
        assert!(r.is_match("a/b") && r.is_match("a/x/b") && r.is_match("a/x/y/b"));
        let r = re("*/*");
        assert!(r.is_match("a/b") && !r.is_match("e"));
        assert!(matches!(
            compile(b"[z-a]"),
            MatchType::Regex { rust: None, .. }
        ));
        assert!(matches!(
            compile(b"x\\1"),
            MatchType::Regex { rust: None, .. }
        ));
        let r = re("\\Qa*");
        assert!(r.is_match("a[^/]*$") && r.is_match("a[^/]*$zz") && !r.is_match("ab"));
        let r = re("a\\101?");
        assert!(!r.is_match("aA") && r.is_match("aAb"));
        let r = re("x[a&&b]");
        assert!(r.is_match("x&") && r.is_match("xa"));
        assert!(matches!(
            compile(b"x[a--b]*"),
            MatchType::Regex { rust: None, .. }
        ));

        let r = re("x\\s?");
        assert!(r.is_match("x a") && !r.is_match("x\u{b}a"));
    }
}
