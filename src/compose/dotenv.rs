//! The project's `.env` file, which `docker compose` reads beside the (first) Compose file to
//! interpolate it: `dockerfile: ${CART_DOCKERFILE}` takes its value from there. The syntax is
//! compose-go's dotenv: `KEY=VALUE` or `KEY: VALUE`, an optional `export ` prefix, `#` comment
//! lines, a ` #` comment after an unquoted value, `'single'` quotes taken literally, `"double"`
//! quotes with `\n`, `\t`, `\"`, `\\` escapes and interpolation, unquoted values interpolated.
//! `${VAR}` in a value takes the environment first, then the lines above it. A value that is
//! read but not understood (an unclosed quote) is taken up to the end of its line.

use std::collections::HashMap;

/// The variables of a `.env` file's text, later lines winning over earlier ones;
/// `env` is the process environment, which interpolation looks at first.
pub(super) fn parse(text: &str, env: &dyn Fn(&str) -> Option<String>) -> HashMap<String, String> {
    let mut vars: HashMap<String, String> = HashMap::new();
    for line in text.lines() {
        let line = line.trim_start_matches('\u{feff}').trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let line = line.strip_prefix("export ").map_or(line, str::trim_start);
        let Some(k) = line.find(['=', ':']) else {
            continue;
        };
        let key = line[..k].trim();
        if key.is_empty() || key.contains(char::is_whitespace) {
            continue;
        }
        let raw = line[k + 1..].trim_start();
        let value = {
            let look = |name: &str| env(name).or_else(|| vars.get(name).cloned());
            value(raw, &look)
        };
        vars.insert(key.to_string(), value);
    }
    vars
}

/// One value: quoted, or up to a ` #` comment.
fn value(raw: &str, look: &dyn Fn(&str) -> Option<String>) -> String {
    if let Some(rest) = raw.strip_prefix('\'') {
        return rest.find('\'').map_or(rest, |e| &rest[..e]).to_string();
    }
    if let Some(rest) = raw.strip_prefix('"') {
        let mut out = String::new();
        let mut chars = rest.chars();
        while let Some(c) = chars.next() {
            match c {
                '"' => break,
                '\\' => match chars.next() {
                    Some('n') => out.push('\n'),
                    Some('t') => out.push('\t'),
                    Some('r') => out.push('\r'),
                    Some(o @ ('"' | '\\')) => out.push(o),
                    // `\$` keeps the dollar out of interpolation, as `$$` does.
                    Some('$') => out.push_str("$$"),
                    Some(o) => {
                        out.push('\\');
                        out.push(o);
                    }
                    None => out.push('\\'),
                },
                c => out.push(c),
            }
        }
        return super::interpolate(&out, look);
    }
    let end = raw
        .char_indices()
        .find(|&(i, c)| c == '#' && raw[..i].ends_with([' ', '\t']))
        .map_or(raw.len(), |(i, _)| i);
    super::interpolate(raw[..end].trim_end(), look)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn vars(text: &str) -> HashMap<String, String> {
        parse(text, &|k| (k == "HOME_DIR").then(|| "/home/u".to_string()))
    }

    #[test]
    fn reads_compose_dotenv_syntax() {
        let v = vars(
            "# a comment\n\
             \n\
             CART_PORT=7070\n\
             CART_ADDR=cart:${CART_PORT}\n\
             CART_DOCKERFILE=./src/cart/src/Dockerfile  # where it is\n\
             export EXPORTED=yes\n\
             COLON: value\n\
             SINGLE='${CART_PORT} # kept'\n\
             DOUBLE=\"a\\tb ${CART_PORT}\"\n\
             FROM_ENV=${HOME_DIR}/x\n\
             HASH=a#b\n\
             EMPTY=\n\
             UNCLOSED=\"open\n\
             not a line\n",
        );
        let get = |k: &str| v.get(k).map(String::as_str);
        assert_eq!(get("CART_ADDR"), Some("cart:7070"));
        assert_eq!(get("CART_DOCKERFILE"), Some("./src/cart/src/Dockerfile"));
        assert_eq!(get("EXPORTED"), Some("yes"));
        assert_eq!(get("COLON"), Some("value"));
        assert_eq!(get("SINGLE"), Some("${CART_PORT} # kept"));
        assert_eq!(get("DOUBLE"), Some("a\tb 7070"));
        assert_eq!(get("FROM_ENV"), Some("/home/u/x"));
        assert_eq!(get("HASH"), Some("a#b"));
        assert_eq!(get("EMPTY"), Some(""));
        assert_eq!(get("UNCLOSED"), Some("open"));
        assert_eq!(v.len(), 11, "{v:?}");
    }

    #[test]
    fn the_environment_wins_inside_values() {
        let v = parse("A=file\nB=${A}\n", &|k| {
            (k == "A").then(|| "env".to_string())
        });
        assert_eq!(v["B"], "env");
        assert_eq!(
            v["A"], "file",
            "the file's own value, which the caller ranks below env"
        );
    }
}
