//! The JSON (exec) form of an instruction's arguments.

pub(super) enum JsonArray {
    /// Valid JSON array of strings.
    Strings(Vec<String>),
    /// Valid JSON array with a non-string element (an error in BuildKit).
    NotStrings,
    /// Not a JSON array: BuildKit falls back to the shell form.
    NotJson,
}

pub(super) fn parse_json_array(rest: &str) -> JsonArray {
    let t = rest.trim_start();
    if !t.starts_with('[') {
        return JsonArray::NotJson;
    }
    let chars: Vec<char> = t.chars().collect();
    let mut p = JsonParser { c: &chars, i: 0 };
    let Some(JsonValue::Array(items)) = p.value(0) else {
        return JsonArray::NotJson;
    };
    p.ws();
    if p.i != chars.len() {
        return JsonArray::NotJson;
    }
    let mut out = Vec::with_capacity(items.len());
    for it in items {
        match it {
            JsonValue::Str(s) => out.push(s),
            _ => return JsonArray::NotStrings,
        }
    }
    JsonArray::Strings(out)
}

enum JsonValue {
    Str(String),
    Array(Vec<JsonValue>),
    Other,
}

struct JsonParser<'a> {
    c: &'a [char],
    i: usize,
}

impl JsonParser<'_> {
    fn ws(&mut self) {
        while self.i < self.c.len() && matches!(self.c[self.i], ' ' | '\t' | '\n' | '\r') {
            self.i += 1;
        }
    }

    fn peek(&self) -> Option<char> {
        self.c.get(self.i).copied()
    }

    fn eat(&mut self, ch: char) -> bool {
        if self.peek() == Some(ch) {
            self.i += 1;
            true
        } else {
            false
        }
    }

    fn value(&mut self, depth: usize) -> Option<JsonValue> {
        if depth > 200 {
            return None;
        }
        self.ws();
        match self.peek()? {
            '[' => {
                self.i += 1;
                let mut items = Vec::new();
                self.ws();
                if self.eat(']') {
                    return Some(JsonValue::Array(items));
                }
                loop {
                    items.push(self.value(depth + 1)?);
                    self.ws();
                    if self.eat(']') {
                        return Some(JsonValue::Array(items));
                    }
                    if !self.eat(',') {
                        return None;
                    }
                }
            }
            '{' => {
                self.i += 1;
                self.ws();
                if self.eat('}') {
                    return Some(JsonValue::Other);
                }
                loop {
                    self.ws();
                    if self.peek() != Some('"') {
                        return None;
                    }
                    self.string()?;
                    self.ws();
                    if !self.eat(':') {
                        return None;
                    }
                    self.value(depth + 1)?;
                    self.ws();
                    if self.eat('}') {
                        return Some(JsonValue::Other);
                    }
                    if !self.eat(',') {
                        return None;
                    }
                }
            }
            '"' => self.string().map(JsonValue::Str),
            't' => self.literal("true"),
            'f' => self.literal("false"),
            'n' => self.literal("null"),
            '-' | '0'..='9' => self.number(),
            _ => None,
        }
    }

    fn literal(&mut self, word: &str) -> Option<JsonValue> {
        for ch in word.chars() {
            if !self.eat(ch) {
                return None;
            }
        }
        Some(JsonValue::Other)
    }

    fn digits(&mut self) -> usize {
        let start = self.i;
        while self.peek().is_some_and(|c| c.is_ascii_digit()) {
            self.i += 1;
        }
        self.i - start
    }

    fn number(&mut self) -> Option<JsonValue> {
        self.eat('-');
        if self.eat('0') {
        } else if self.digits() == 0 {
            return None;
        }
        if self.eat('.') && self.digits() == 0 {
            return None;
        }
        if self.eat('e') || self.eat('E') {
            if !self.eat('+') {
                self.eat('-');
            }
            if self.digits() == 0 {
                return None;
            }
        }
        Some(JsonValue::Other)
    }

    fn hex4(&mut self) -> Option<u32> {
        let mut v = 0u32;
        for _ in 0..4 {
            let d = self.peek()?.to_digit(16)?;
            self.i += 1;
            v = v * 16 + d;
        }
        Some(v)
    }

    fn string(&mut self) -> Option<String> {
        if !self.eat('"') {
            return None;
        }
        let mut s = String::new();
        loop {
            let ch = self.peek()?;
            self.i += 1;
            match ch {
                '"' => return Some(s),
                '\\' => {
                    let e = self.peek()?;
                    self.i += 1;
                    match e {
                        '"' => s.push('"'),
                        '\\' => s.push('\\'),
                        '/' => s.push('/'),
                        'b' => s.push('\u{8}'),
                        'f' => s.push('\u{c}'),
                        'n' => s.push('\n'),
                        'r' => s.push('\r'),
                        't' => s.push('\t'),
                        'u' => {
                            let hi = self.hex4()?;
                            let cp = if (0xD800..0xDC00).contains(&hi)
                                && self.c.get(self.i) == Some(&'\\')
                                && self.c.get(self.i + 1) == Some(&'u')
                            {
                                let save = self.i;
                                self.i += 2;
                                match self.hex4() {
                                    Some(lo) if (0xDC00..0xE000).contains(&lo) => {
                                        0x10000 + ((hi - 0xD800) << 10) + (lo - 0xDC00)
                                    }
                                    _ => {
                                        self.i = save;
                                        0xFFFD
                                    }
                                }
                            } else {
                                hi
                            };
                            s.push(char::from_u32(cp).unwrap_or('\u{fffd}'));
                        }
                        _ => return None,
                    }
                }
                c if (c as u32) < 0x20 => return None,
                c => s.push(c),
            }
        }
    }
}
