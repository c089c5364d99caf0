//! What an assigned value looks like: generated ([`random_literal`]), a readable password
//! chosen by hand ([`readable_password`]), or a stand-in, a reference, an identifier, an
//! encoded text or a sequence that only looks like one.

use super::Kind;

/// Words a stand-in value is made of (`change_me`, `your-password`, `example`, `dummy`),
/// looked for in the lower-cased value by both the readable-password test and the
/// placeholder test.
const STAND_IN_WORDS: &[&str] = &[
    "change",
    "your",
    "example",
    "placeholder",
    "dummy",
    "sample",
    "fake",
    "mock",
    "test",
    "demo",
    "replace",
    "todo",
    "fixme",
    "redacted",
    "insert",
];

/// Whether a password key's value in a configuration file is a chosen password written out
/// (`admin_password: "SuperSecretAdminPass"`), which [`random_literal`] leaves to this rule
/// because it has no digits or reads as words: 12 to 64 characters, mostly letters, in mixed
/// case or with digits or symbols, and not a stand-in (`changeme`, `your-password`,
/// `<password>`), a reference (`${DB_PASSWORD}`, `DB_PASSWORD`, `config.db.password`), an
/// identifier (`reset_password_link`), an address, the key's own name or a sequence.
pub(super) fn readable_password(v: &[u8], name: &[Vec<u8>]) -> bool {
    if v.len() < 12 || v.len() > 64 || !v.iter().all(u8::is_ascii_graphic) {
        return false;
    }
    if v.iter().any(|b| {
        matches!(
            b,
            b'$' | b'{'
                | b'}'
                | b'<'
                | b'>'
                | b'%'
                | b'\\'
                | b'/'
                | b'.'
                | b'@'
                | b'('
                | b')'
                | b'['
                | b']'
                | b'|'
                | b'"'
                | b'\''
                | b'`'
                | b'='
        )
    }) || !v[0].is_ascii_alphanumeric()
    {
        return false;
    }
    let letters = v.iter().filter(|b| b.is_ascii_alphabetic()).count();
    if letters * 2 < v.len() {
        return false;
    }
    // A key that names a form's action or field (`changePassword`, `forgot_password`,
    // `new_password`), not a credential: its value is a label, a type or a route.
    const UI_WORDS: &[&str] = &[
        "change", "reset", "forgot", "forget", "new", "old", "confirm", "current", "verify",
        "update", "set", "show", "hide", "enter", "repeat", "retype", "invalid", "wrong",
        "missing", "weak", "strong", "same", "no", "toggle", "label", "generate", "manage", "edit",
        "save", "submit", "lost", "recover", "recovery", "request", "require",
    ];
    if name
        .iter()
        .any(|w| UI_WORDS.iter().any(|u| w.as_slice() == u.as_bytes()))
    {
        return false;
    }
    let lower = v.iter().any(u8::is_ascii_lowercase);
    let digit = v.iter().any(u8::is_ascii_digit);
    // A camel hump (a capital after a small letter, `SuperSecret`) or small letters with
    // digits. One case, or capitals only at a word's start, is a word or a name: a translated
    // label (`Palavra-chave`, `Gebruikerswachtwoord`, `API-salasana`), a constant
    // (`DB_ADMIN_PASSWORD`) or an identifier (`reset_password_link`).
    let hump = v
        .windows(2)
        .any(|w| w[0].is_ascii_lowercase() && w[1].is_ascii_uppercase());
    if !(hump || (lower && digit)) {
        return false;
    }
    let low = v.to_ascii_lowercase();
    const STAND_IN: &[&str] = &[
        "passw",
        "pwd",
        "token",
        "default",
        "lorem",
        "foobar",
        "notreal",
        "invalid",
        "xxx",
        "enter",
        "here",
        "generate",
        "random",
        "value",
        "string",
        "secretref",
        "none",
        "null",
        "undefined",
        "required",
    ];
    if STAND_IN
        .iter()
        .chain(STAND_IN_WORDS)
        .any(|w| memchr::memmem::find(&low, w.as_bytes()).is_some())
    {
        return false;
    }
    // The key's own name again (`adminPassword: AdminPassword`).
    let squeezed: Vec<u8> = low
        .iter()
        .copied()
        .filter(u8::is_ascii_alphanumeric)
        .collect();
    if squeezed == name.concat() {
        return false;
    }
    !(sequential(v) || repeated(v))
}

/// Whether a token (a bearer token in an `Authorization` header) looks generated: as a
/// key-named variable's literal value (see [`random_literal`]).
pub(in crate::rules) fn random_token(v: &[u8]) -> bool {
    random_literal(v, Kind::Key, true)
}

/// Whether a password (a URL's) looks generated: as a password-named variable's literal value
/// (12 or more characters, three classes, high in entropy; see [`random_literal`]).
pub(in crate::rules) fn random_password(v: &[u8]) -> bool {
    random_literal(v, Kind::Password, true)
}

/// Whether a value looks like a generated secret rather than a placeholder, a reference, an
/// identifier or a sample.
pub(super) fn random_literal(v: &[u8], kind: Kind, code: bool) -> bool {
    let min = if kind == Kind::Password { 12 } else { 16 };
    if v.len() < min || v.len() > 1024 {
        return false;
    }
    if v.iter()
        .any(|b| b.is_ascii_whitespace() || !b.is_ascii_graphic())
    {
        return false;
    }
    // Interpolations, templates and markup: `${X}`, `#{x}`, `{{ x }}`, `%(x)s`, `<token>`.
    if v.starts_with(b"$")
        || v.iter()
            .any(|b| matches!(b, b'{' | b'}' | b'<' | b'>' | b'\\'))
        || named_format(v)
        || memchr::memmem::find(v, b"://").is_some()
        || v.starts_with(b"/")
        || v.starts_with(b"./")
        || v.starts_with(b"~/")
    {
        return false;
    }
    // `$VAR` in a config value is a reference (compose, shell, dotenv); in a quoted string in
    // code it is literal text (Django's generated keys hold `$`).
    if !code
        && v.windows(2)
            .any(|w| w[0] == b'$' && (w[1].is_ascii_alphabetic() || matches!(w[1], b'_' | b'(')))
    {
        return false;
    }
    // Publishable keys meant for browsers: Stripe's `pk_live_…`/`pk_test_…`, Mapbox's `pk.…`,
    // PostHog's project key `phc_…` (write-only, sent by every page that loads PostHog; its
    // personal API keys, `phx_…`, are secrets).
    if v.starts_with(b"pk_") || v.starts_with(b"pk.") || v.starts_with(b"phc_") {
        return false;
    }
    if placeholder_words(v) || encoded_text(v) {
        return false;
    }
    if uuid(v) && kind != Kind::Secret {
        return false;
    }
    let letters = v.iter().filter(|b| b.is_ascii_alphabetic()).count();
    let digits = v.iter().filter(|b| b.is_ascii_digit()).count();
    if letters == 0 || digits == 0 {
        return false;
    }
    if kind == Kind::Password {
        let classes = [
            v.iter().any(u8::is_ascii_lowercase),
            v.iter().any(u8::is_ascii_uppercase),
            digits > 0,
            v.iter().any(|b| !b.is_ascii_alphanumeric()),
        ]
        .iter()
        .filter(|&&c| c)
        .count();
        if classes < 3 {
            return false;
        }
    }
    if identifier_like(v) || sequential(v) || repeated(v) {
        return false;
    }
    // Class changes (lower, upper, digit, symbol) between neighbours: a generated string changes
    // class at about half its positions, a camel-case or snake-case name at a quarter or less.
    let class = |b: u8| match b {
        b'a'..=b'z' => 0,
        b'A'..=b'Z' => 1,
        b'0'..=b'9' => 2,
        _ => 3,
    };
    let changes = v.windows(2).filter(|w| class(w[0]) != class(w[1])).count();
    let hex = v.iter().all(u8::is_ascii_hexdigit);
    // Random hex is 10 digits to 6 letters, so it changes class less often: a 40-character token
    // with runs of digits (`…b861609ac598760691690de…`) may change at 28% of its positions; no
    // name is written in hex letters alone.
    let min_share = if hex && v.len() >= 32 { 2 } else { 3 };
    if changes * 10 < (v.len() - 1) * min_share {
        return false;
    }
    let threshold = if hex {
        2.9
    } else if v.len() < 16 {
        3.0
    } else {
        3.3
    };
    entropy(v) >= threshold
}

/// Whether the value holds a named format directive, `%(name)s`: not any `%(` (Django's
/// generated keys draw from `%`, `(` and `)` among their symbols).
fn named_format(v: &[u8]) -> bool {
    memchr::memmem::find_iter(v, b"%(").any(|k| {
        let name = v[k + 2..]
            .iter()
            .take_while(|b| b.is_ascii_alphanumeric() || **b == b'_')
            .count();
        name > 0 && v.get(k + 2 + name) == Some(&b')')
    })
}

/// Shannon entropy in bits per byte.
fn entropy(v: &[u8]) -> f64 {
    let mut n = [0u32; 256];
    for &b in v {
        n[b as usize] += 1;
    }
    let len = v.len() as f64;
    n.iter()
        .filter(|&&c| c > 0)
        .map(|&c| {
            let p = f64::from(c) / len;
            -p * p.log2()
        })
        .sum()
}

/// Words that make a value a sample or a stand-in (`changeme`, `your-api-key`, `xxxx`,
/// `sk_test_…`, `P@ssw0rd123!`), read through common letter-for-digit swaps.
fn placeholder_words(v: &[u8]) -> bool {
    let low: Vec<u8> = v.to_ascii_lowercase();
    let plain: Vec<u8> = low
        .iter()
        .map(|&b| match b {
            b'0' => b'o',
            b'1' => b'i',
            b'3' => b'e',
            b'4' | b'@' => b'a',
            b'5' | b'$' => b's',
            b'7' => b't',
            _ => b,
        })
        .collect();
    const IN_LOWER: &[&str] = &[
        "xxx", "***", "...", "1234", "abcd", "0000", "qwerty", "asdf",
    ];
    const IN_PLAIN: &[&str] = &[
        "secret",
        "passw",
        "token",
        "default",
        "lorem",
        "foobar",
        "letmein",
        "welcome",
        "admin",
        "localhost",
        "notreal",
        "invalid",
        "sandbox",
        "super",
        "hunter",
        "pass",
        "guest",
        "login",
        "hello",
        "master",
    ];
    // A format directive is `%s`, not `%S` (`…O%SW`: a generated password).
    memchr::memmem::find(v, b"%s").is_some()
        || IN_LOWER
            .iter()
            .any(|w| memchr::memmem::find(&low, w.as_bytes()).is_some())
        || IN_PLAIN
            .iter()
            .chain(STAND_IN_WORDS)
            .any(|w| memchr::memmem::find(&plain, w.as_bytes()).is_some())
        || hash_prefix(&low)
        || low.starts_with(b"pbkdf2")
        || low.starts_with(b"bcrypt")
        || low.starts_with(b"argon2")
}

/// Whether a lower-cased value starts like a hash written with its algorithm (`sha256:…`,
/// `sha512-…`, `sha1$…`): `sha` then a digit or a separator, not any value whose first letters
/// happen to be `sha` (`SHaYJd8o…`, one generated key in 17,000 or so).
fn hash_prefix(low: &[u8]) -> bool {
    low.strip_prefix(b"sha")
        .and_then(|r| r.first())
        .is_some_and(|&b| b.is_ascii_digit() || matches!(b, b'-' | b':' | b'_' | b'$'))
}

/// Whether the value is base64 (or a JWT whose payload is) of readable text that is a
/// placeholder or a sample (`c2VjdXJlLXBhc3N3b3Jk`, the JWT of the jwt.io debugger): random
/// key material decodes to bytes that are not text.
pub(super) fn encoded_text(v: &[u8]) -> bool {
    let parts: Vec<&[u8]> = v.split(|&b| b == b'.').collect();
    let body = match parts.len() {
        3 if v.starts_with(b"eyJ") => parts[1],
        1 => v,
        _ => return false,
    };
    let Some(text) = base64_decode(body) else {
        return false;
    };
    // Text, possibly ending in a newline (`echo … | base64`).
    let text = text.trim_ascii();
    if text.len() < 6
        || !text
            .iter()
            .all(|b| (0x20..0x7f).contains(b) || matches!(b, b'\t' | b'\n' | b'\r'))
    {
        return false;
    }
    let low = text.to_ascii_lowercase();
    placeholder_words(text)
        || ["john doe", "1234567890", "lorem", "foo", "bar", "acme"]
            .iter()
            .any(|w| memchr::memmem::find(&low, w.as_bytes()).is_some())
        || (parts.len() == 1 && (text.iter().any(u8::is_ascii_whitespace) || identifier_like(text)))
}

/// Standard or URL-safe base64, padded or not; `None` if it is not that.
pub(super) fn base64_decode(s: &[u8]) -> Option<Vec<u8>> {
    let s = s
        .strip_suffix(b"==")
        .or_else(|| s.strip_suffix(b"="))
        .unwrap_or(s);
    if s.len() % 4 == 1 {
        return None;
    }
    let mut out = Vec::with_capacity(s.len() * 3 / 4);
    let mut acc = 0u32;
    let mut bits = 0;
    for &b in s {
        let d = match b {
            b'A'..=b'Z' => b - b'A',
            b'a'..=b'z' => b - b'a' + 26,
            b'0'..=b'9' => b - b'0' + 52,
            b'+' | b'-' => 62,
            b'/' | b'_' => 63,
            _ => return None,
        };
        acc = (acc << 6) | u32::from(d);
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((acc >> bits) as u8);
            acc &= (1 << bits) - 1;
        }
    }
    Some(out)
}

/// `8-4-4-4-12` hex digits.
fn uuid(v: &[u8]) -> bool {
    v.len() == 36
        && v.iter().enumerate().all(|(k, &b)| {
            if matches!(k, 8 | 13 | 18 | 23) {
                b == b'-'
            } else {
                b.is_ascii_hexdigit()
            }
        })
}

/// Every part between sparse punctuation is a word, a number or a word with a short number
/// (`auth_token_v2`, `oauth2AccessTokenClient`, `com.example.Service1`).
fn identifier_like(v: &[u8]) -> bool {
    // Punctuation in more than one character in five is not a name's separators (Django's
    // generated keys: `…!4aw$)io5&^4!0sd…`).
    if v.iter().filter(|b| !b.is_ascii_alphanumeric()).count() * 5 > v.len() {
        return false;
    }
    // Nor are letters of both cases between symbols no name is written with (`sQRcdLIQ…*0vpr`,
    // `#9Zwh…*0!p9`: a generated password): names join their words with `_`, `-`, `.`, `:`,
    // `/`, `@` or `$`. (Small words around one, `whsec_not!base64`, are a label.)
    let odd_symbol = |b: &u8| {
        matches!(
            b,
            b'!' | b'*' | b'#' | b'%' | b'^' | b'&' | b'~' | b'+' | b'=' | b'?'
        )
    };
    if v.iter().any(u8::is_ascii_uppercase)
        && v.iter().any(u8::is_ascii_lowercase)
        && v.iter().any(odd_symbol)
    {
        return false;
    }
    v.split(|b| !b.is_ascii_alphanumeric())
        .filter(|s| !s.is_empty())
        .all(|s| {
            let lead = s.iter().take_while(|b| b.is_ascii_digit()).count();
            let rest = &s[lead..];
            let alpha = rest.iter().take_while(|b| b.is_ascii_alphabetic()).count();
            let tail = &rest[alpha..];
            tail.iter().all(u8::is_ascii_digit)
                && (alpha == 0 || (lead <= 2 && tail.len() <= 4))
                && (alpha == 0 || camel_words(&rest[..alpha]))
        })
}

/// Whether letters read as camel-case or single-case words (`AccessToken`, `SERVICE`, `name`)
/// rather than random case (`xQkPzR`): few case changes for their length.
fn camel_words(s: &[u8]) -> bool {
    let ups = s
        .windows(2)
        .filter(|w| w[0].is_ascii_lowercase() && w[1].is_ascii_uppercase())
        .count();
    // An acronym before a word (`HTTPResponse`, `IOError`) starts one more word.
    let acronyms = s
        .windows(3)
        .filter(|w| {
            w[0].is_ascii_uppercase() && w[1].is_ascii_uppercase() && w[2].is_ascii_lowercase()
        })
        .count();
    let words = 1 + ups + acronyms;
    // One hump per word of three or more letters, and, over three words or more, words of three
    // letters or more on average: random case (`ZCNnGmSdnMyuwQyXc…`) makes many words of one
    // or two.
    ups * 3 <= s.len() && (words < 3 || s.len() >= 3 * words)
}

/// An ascending run of five (`abcde`, `12345`) in the letters or in the digits.
fn sequential(v: &[u8]) -> bool {
    let run = |it: &mut dyn Iterator<Item = u8>| {
        let mut prev: Option<u8> = None;
        let mut n = 1;
        for b in it {
            if prev.is_some_and(|p| b == p.wrapping_add(1)) {
                n += 1;
                if n >= 5 {
                    return true;
                }
            } else {
                n = 1;
            }
            prev = Some(b);
        }
        false
    };
    run(&mut v
        .iter()
        .filter(|b| b.is_ascii_alphabetic())
        .map(u8::to_ascii_lowercase))
        || run(&mut v.iter().copied().filter(u8::is_ascii_digit))
}

/// The value repeats a shorter unit (`ab12ab12ab12ab12`), or one character fills half of it.
fn repeated(v: &[u8]) -> bool {
    let n = v.len();
    if (1..=n / 2).any(|p| n % p == 0 && v.chunks(p).all(|c| c == &v[..p])) {
        return true;
    }
    let mut count = [0usize; 256];
    for &b in v {
        count[b as usize] += 1;
    }
    count.iter().any(|&c| c * 2 > n)
}
