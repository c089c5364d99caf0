//! The functions a bake file can call in the fields ctxsize evaluates: go-cty's standard
//! library as buildx offers it (`bake/hclparser/stdlib.go`), the ones bake files use to compute a
//! name, a path or a list of targets. A function not here makes a note naming the target (or,
//! in a group's `targets`, an error naming the group).

use hcl::eval::{Context, FuncArgs, FuncDef, ParamType};
use hcl::Value;

use super::value_string;

/// Declares every function below in `ctx`.
pub(super) fn declare(ctx: &mut Context) {
    functions(ctx);
    collection_functions(ctx);
    set_functions(ctx);
    number_functions(ctx);
    more_string_functions(ctx);
    super::dates::declare(ctx);
}

fn str_arg(args: &FuncArgs, i: usize) -> String {
    args.get(i).and_then(value_string).unwrap_or_default()
}

fn func(params: usize, f: hcl::eval::Func) -> FuncDef {
    FuncDef::builder()
        .params(std::iter::repeat_n(ParamType::Any, params))
        .build(f)
}

/// A function of `fixed` arguments then any number more, of any type.
fn variadic(fixed: usize, f: hcl::eval::Func) -> FuncDef {
    FuncDef::builder()
        .params(std::iter::repeat_n(ParamType::Any, fixed))
        .variadic_param(ParamType::Any)
        .build(f)
}

/// The string functions bake files use in the fields ctxsize evaluates (buildx offers go-cty's
/// standard library; the rest make a note). [`collection_functions`] adds lists and regexes.
fn functions(ctx: &mut Context) {
    ctx.declare_func(
        "lower",
        func(1, |a| Ok(str_arg(&a, 0).to_lowercase().into())),
    );
    ctx.declare_func(
        "upper",
        func(1, |a| Ok(str_arg(&a, 0).to_uppercase().into())),
    );
    ctx.declare_func(
        "trimprefix",
        func(2, |a| {
            let (s, p) = (str_arg(&a, 0), str_arg(&a, 1));
            Ok(s.strip_prefix(&p).unwrap_or(&s).to_string().into())
        }),
    );
    ctx.declare_func(
        "trimsuffix",
        func(2, |a| {
            let (s, p) = (str_arg(&a, 0), str_arg(&a, 1));
            Ok(s.strip_suffix(&p).unwrap_or(&s).to_string().into())
        }),
    );
    ctx.declare_func(
        "replace",
        func(3, |a| {
            Ok(str_arg(&a, 0)
                .replace(&str_arg(&a, 1), &str_arg(&a, 2))
                .into())
        }),
    );
    ctx.declare_func("equal", func(2, |a| Ok(Value::Bool(a.first() == a.get(1)))));
    ctx.declare_func(
        "notequal",
        func(2, |a| Ok(Value::Bool(a.first() != a.get(1)))),
    );
    ctx.declare_func(
        "md5",
        func(1, |a| {
            use md5::Digest;
            let d = md5::Md5::digest(str_arg(&a, 0).as_bytes());
            Ok(d.iter()
                .map(|b| format!("{b:02x}"))
                .collect::<String>()
                .into())
        }),
    );
    // buildx's own: every character that is not a letter, digit or `_` becomes `_`.
    ctx.declare_func(
        "sanitize",
        func(1, |a| {
            Ok(str_arg(&a, 0)
                .chars()
                .map(|c| {
                    if c.is_ascii_alphanumeric() || c == '_' {
                        c
                    } else {
                        '_'
                    }
                })
                .collect::<String>()
                .into())
        }),
    );
    ctx.declare_func(
        "join",
        func(2, |a| {
            let items = match a.get(1) {
                Some(Value::Array(v)) => v.iter().filter_map(value_string).collect::<Vec<_>>(),
                _ => return Err("join: the second argument must be a list".into()),
            };
            Ok(items.join(&str_arg(&a, 0)).into())
        }),
    );
    ctx.declare_func(
        "coalesce",
        variadic(0, |a| {
            Ok(a.iter()
                .find(|v| value_string(v).is_some_and(|s| !s.is_empty()))
                .cloned()
                .unwrap_or(Value::Null))
        }),
    );
}

/// go-cty's collection and regex functions that bake files use to compute a name or a path
/// (`join("-", [for c in regexall("[a-z0-9]+", lower(BRANCH)) : c])`, `split(",", LIST)`,
/// `length(x) > 0 ? … : …`).
fn collection_functions(ctx: &mut Context) {
    ctx.declare_func(
        "split",
        func(2, |a| {
            let (sep, s) = (str_arg(&a, 0), str_arg(&a, 1));
            if sep.is_empty() {
                return Err("split: the separator is empty".into());
            }
            Ok(Value::Array(
                s.split(sep.as_str()).map(Value::from).collect(),
            ))
        }),
    );
    ctx.declare_func(
        "concat",
        variadic(0, |a| {
            let mut out = Vec::new();
            for v in a.iter() {
                out.extend(list(Some(v))?);
            }
            Ok(Value::Array(out))
        }),
    );
    ctx.declare_func(
        "length",
        func(1, |a| {
            Ok(Value::from(match a.first() {
                Some(Value::Array(v)) => v.len(),
                Some(Value::Object(m)) => m.len(),
                Some(Value::String(s)) => s.chars().count(),
                _ => return Err("length: a string, list or map is needed".into()),
            } as u64))
        }),
    );
    ctx.declare_func(
        "compact",
        func(1, |a| {
            Ok(Value::Array(
                list(a.first())?
                    .into_iter()
                    .filter(|v| !matches!(v, Value::Null) && value_string(v).as_deref() != Some(""))
                    .collect(),
            ))
        }),
    );
    ctx.declare_func(
        "contains",
        func(2, |a| {
            Ok(Value::Bool(
                list(a.first())?.iter().any(|v| Some(v) == a.get(1)),
            ))
        }),
    );
    ctx.declare_func(
        "trimspace",
        func(1, |a| Ok(str_arg(&a, 0).trim().to_string().into())),
    );
    // RE2 syntax, as Go's regexp: the `regex` crate reads the same patterns bake files use.
    fn compile(p: &str) -> Result<regex::Regex, String> {
        regex::Regex::new(p).map_err(|e| format!("regex: {e}"))
    }
    // No group: the match; unnamed groups: a list of them; named groups: a map (go-cty).
    fn captures(re: &regex::Regex, c: &regex::Captures) -> Value {
        if re.captures_len() == 1 {
            return Value::from(c.get(0).map_or("", |m| m.as_str()));
        }
        let names: Vec<Option<&str>> = re.capture_names().skip(1).collect();
        let group = |k: usize| Value::from(c.get(k + 1).map_or("", |m| m.as_str()));
        if names.iter().any(Option::is_some) {
            Value::Object(
                names
                    .iter()
                    .enumerate()
                    .filter_map(|(k, n)| n.map(|n| (n.to_string(), group(k))))
                    .collect(),
            )
        } else {
            Value::Array((0..names.len()).map(group).collect())
        }
    }
    ctx.declare_func(
        "regexall",
        func(2, |a| {
            let re = compile(&str_arg(&a, 0))?;
            let s = str_arg(&a, 1);
            Ok(Value::Array(
                re.captures_iter(&s).map(|c| captures(&re, &c)).collect(),
            ))
        }),
    );
    ctx.declare_func(
        "regex",
        func(2, |a| {
            let re = compile(&str_arg(&a, 0))?;
            let s = str_arg(&a, 1);
            re.captures(&s)
                .map(|c| captures(&re, &c))
                .ok_or_else(|| "regex: no match".to_string())
        }),
    );
}

fn list(v: Option<&Value>) -> Result<Vec<Value>, String> {
    match v {
        Some(Value::Array(items)) => Ok(items.clone()),
        _ => Err("a list is needed".to_string()),
    }
}

fn object(v: Option<&Value>) -> Result<hcl::Map<String, Value>, String> {
    match v {
        Some(Value::Object(m)) => Ok(m.clone()),
        _ => Err("a map is needed".to_string()),
    }
}

fn num(v: Option<&Value>) -> Result<f64, String> {
    match v {
        Some(Value::Number(n)) => n.as_f64().ok_or_else(|| "not a number".to_string()),
        Some(Value::String(s)) => s
            .trim()
            .parse()
            .map_err(|_| format!("{s:?} is not a number")),
        _ => Err("a number is needed".to_string()),
    }
}

/// A number as HCL writes it: whole numbers without a fraction.
fn number(x: f64) -> Value {
    if x.fract() == 0.0 && x.abs() < 9.0e15 {
        Value::from(x as i64)
    } else {
        Value::from(x)
    }
}

fn boolean(v: Option<&Value>) -> Result<bool, String> {
    match v {
        Some(Value::Bool(b)) => Ok(*b),
        _ => Err("a bool is needed".to_string()),
    }
}

/// Distinct values in first-seen order (go-cty's sets have no order a bake file can rely on).
fn distinct(items: impl IntoIterator<Item = Value>) -> Vec<Value> {
    let mut out: Vec<Value> = Vec::new();
    for v in items {
        if !out.contains(&v) {
            out.push(v);
        }
    }
    out
}

/// The set and list functions (`sethaselement(VERSIONS, v) ? setsubtract(all, skip) : all`).
fn set_functions(ctx: &mut Context) {
    ctx.declare_func(
        "sethaselement",
        func(2, |a| Ok(Value::Bool(list(a.first())?.contains(&a[1])))),
    );
    ctx.declare_func(
        "setsubtract",
        func(2, |a| {
            let drop = list(a.get(1))?;
            Ok(Value::Array(distinct(
                list(a.first())?.into_iter().filter(|v| !drop.contains(v)),
            )))
        }),
    );
    ctx.declare_func(
        "setunion",
        variadic(0, |a| {
            let mut all = Vec::new();
            for v in a.iter() {
                all.extend(list(Some(v))?);
            }
            Ok(Value::Array(distinct(all)))
        }),
    );
    ctx.declare_func(
        "setintersection",
        variadic(0, |a| {
            let lists = a
                .iter()
                .map(|v| list(Some(v)))
                .collect::<Result<Vec<_>, _>>()?;
            let Some((first, rest)) = lists.split_first() else {
                return Ok(Value::Array(Vec::new()));
            };
            Ok(Value::Array(distinct(
                first
                    .iter()
                    .filter(|v| rest.iter().all(|l| l.contains(v)))
                    .cloned(),
            )))
        }),
    );
    ctx.declare_func(
        "distinct",
        func(1, |a| Ok(Value::Array(distinct(list(a.first())?)))),
    );
    ctx.declare_func(
        "flatten",
        func(1, |a| {
            fn flat(v: Vec<Value>, out: &mut Vec<Value>) {
                for x in v {
                    match x {
                        Value::Array(inner) => flat(inner, out),
                        x => out.push(x),
                    }
                }
            }
            let mut out = Vec::new();
            flat(list(a.first())?, &mut out);
            Ok(Value::Array(out))
        }),
    );
    ctx.declare_func(
        "reverse",
        func(1, |a| {
            Ok(Value::Array(list(a.first())?.into_iter().rev().collect()))
        }),
    );
    ctx.declare_func(
        "sort",
        func(1, |a| {
            let mut items: Vec<String> = list(a.first())?.iter().filter_map(value_string).collect();
            items.sort();
            Ok(Value::Array(items.into_iter().map(Value::from).collect()))
        }),
    );
    ctx.declare_func(
        "slice",
        func(3, |a| {
            let l = list(a.first())?;
            let (s, e) = (num(a.get(1))? as usize, num(a.get(2))? as usize);
            l.get(s..e)
                .map(|x| Value::Array(x.to_vec()))
                .ok_or_else(|| "slice: out of range".to_string())
        }),
    );
    ctx.declare_func(
        "element",
        func(2, |a| {
            let l = list(a.first())?;
            if l.is_empty() {
                return Err("element: the list is empty".into());
            }
            Ok(l[num(a.get(1))? as usize % l.len()].clone())
        }),
    );
    ctx.declare_func(
        "indexof",
        func(2, |a| {
            list(a.first())?
                .iter()
                .position(|v| Some(v) == a.get(1))
                .map(|k| Value::from(k as u64))
                .ok_or_else(|| "indexof: not in the list".to_string())
        }),
    );
    ctx.declare_func(
        "index",
        func(2, |a| match a.first() {
            Some(Value::Object(m)) => m
                .get(&str_arg(&a, 1))
                .cloned()
                .ok_or_else(|| "index: no such key".to_string()),
            _ => list(a.first())?
                .get(num(a.get(1))? as usize)
                .cloned()
                .ok_or_else(|| "index: out of range".to_string()),
        }),
    );
    ctx.declare_func(
        "keys",
        func(1, |a| {
            let mut k: Vec<String> = object(a.first())?.keys().cloned().collect();
            k.sort();
            Ok(Value::Array(k.into_iter().map(Value::from).collect()))
        }),
    );
    ctx.declare_func(
        "values",
        func(1, |a| {
            let m = object(a.first())?;
            let mut k: Vec<&String> = m.keys().collect();
            k.sort();
            Ok(Value::Array(k.into_iter().map(|k| m[k].clone()).collect()))
        }),
    );
    ctx.declare_func(
        "lookup",
        variadic(2, |a| match object(a.first())?.get(&str_arg(&a, 1)) {
            Some(v) => Ok(v.clone()),
            None => a
                .get(2)
                .cloned()
                .ok_or_else(|| "lookup: no such key".to_string()),
        }),
    );
    ctx.declare_func(
        "merge",
        variadic(0, |a| {
            let mut out = hcl::Map::new();
            for v in a.iter().filter(|v| !matches!(v, Value::Null)) {
                out.extend(object(Some(v))?);
            }
            Ok(Value::Object(out))
        }),
    );
    ctx.declare_func(
        "coalescelist",
        variadic(0, |a| {
            Ok(a.iter()
                .find(|v| matches!(v, Value::Array(l) if !l.is_empty()))
                .cloned()
                .unwrap_or(Value::Array(Vec::new())))
        }),
    );
}

/// Arithmetic, comparisons and logic as functions (`add(1, 2)`, `and(a, b)`).
fn number_functions(ctx: &mut Context) {
    let binary: [(&str, hcl::eval::Func); 5] = [
        ("add", |a| Ok(number(num(a.first())? + num(a.get(1))?))),
        ("subtract", |a| Ok(number(num(a.first())? - num(a.get(1))?))),
        ("multiply", |a| Ok(number(num(a.first())? * num(a.get(1))?))),
        ("divide", |a| {
            let d = num(a.get(1))?;
            if d == 0.0 {
                return Err("divide: division by zero".into());
            }
            Ok(number(num(a.first())? / d))
        }),
        ("modulo", |a| {
            let d = num(a.get(1))?;
            if d == 0.0 {
                return Err("modulo: division by zero".into());
            }
            Ok(number(num(a.first())? % d))
        }),
    ];
    for (name, f) in binary {
        ctx.declare_func(name, func(2, f));
    }
    let compare: [(&str, hcl::eval::Func); 4] = [
        ("greaterthan", |a| {
            Ok(Value::Bool(num(a.first())? > num(a.get(1))?))
        }),
        ("greaterthanorequalto", |a| {
            Ok(Value::Bool(num(a.first())? >= num(a.get(1))?))
        }),
        ("lessthan", |a| {
            Ok(Value::Bool(num(a.first())? < num(a.get(1))?))
        }),
        ("lessthanorequalto", |a| {
            Ok(Value::Bool(num(a.first())? <= num(a.get(1))?))
        }),
    ];
    for (name, f) in compare {
        ctx.declare_func(name, func(2, f));
    }
    let unary: [(&str, hcl::eval::Func); 6] = [
        ("negate", |a| Ok(number(-num(a.first())?))),
        ("absolute", |a| Ok(number(num(a.first())?.abs()))),
        ("ceil", |a| Ok(number(num(a.first())?.ceil()))),
        ("floor", |a| Ok(number(num(a.first())?.floor()))),
        ("int", |a| Ok(number(num(a.first())?.trunc()))),
        ("not", |a| Ok(Value::Bool(!boolean(a.first())?))),
    ];
    for (name, f) in unary {
        ctx.declare_func(name, func(1, f));
    }
    ctx.declare_func(
        "and",
        func(2, |a| {
            Ok(Value::Bool(boolean(a.first())? && boolean(a.get(1))?))
        }),
    );
    ctx.declare_func(
        "or",
        func(2, |a| {
            Ok(Value::Bool(boolean(a.first())? || boolean(a.get(1))?))
        }),
    );
    ctx.declare_func("max", variadic(0, |a| fold(&a, f64::max)));
    ctx.declare_func("min", variadic(0, |a| fold(&a, f64::min)));
    ctx.declare_func(
        "parseint",
        func(2, |a| {
            let base = num(a.get(1))? as u32;
            if !(2..=62).contains(&base) {
                return Err("parseint: the base must be 2 to 62".into());
            }
            i64::from_str_radix(&str_arg(&a, 0), base.min(36))
                .map(Value::from)
                .map_err(|e| format!("parseint: {e}"))
        }),
    );
}

fn fold(a: &FuncArgs, f: fn(f64, f64) -> f64) -> Result<Value, String> {
    let mut it = a.iter().map(|v| num(Some(v)));
    let first = it.next().ok_or("at least one number is needed")??;
    it.try_fold(first, |acc, x| x.map(|x| f(acc, x)))
        .map(number)
}

/// The string functions not in [`functions`]: `format`, `substr`, `title`, `chomp`, `trim`,
/// `strlen`, `strrev`, `indent`, `regex_replace`, `basename`, `dirname`.
fn more_string_functions(ctx: &mut Context) {
    ctx.declare_func("format", variadic(1, |a| format(&str_arg(&a, 0), &a[1..])));
    ctx.declare_func(
        "substr",
        func(3, |a| {
            let chars: Vec<char> = str_arg(&a, 0).chars().collect();
            let n = chars.len() as i64;
            let mut off = num(a.get(1))? as i64;
            if off < 0 {
                off += n;
            }
            let off = off.clamp(0, n) as usize;
            let len = num(a.get(2))? as i64;
            let end = if len < 0 {
                chars.len()
            } else {
                (off + len as usize).min(chars.len())
            };
            Ok(chars[off..end].iter().collect::<String>().into())
        }),
    );
    ctx.declare_func(
        "title",
        func(1, |a| {
            let mut up = true;
            Ok(str_arg(&a, 0)
                .chars()
                .map(|c| {
                    let out = if up {
                        c.to_uppercase().next().unwrap_or(c)
                    } else {
                        c
                    };
                    up = c.is_whitespace();
                    out
                })
                .collect::<String>()
                .into())
        }),
    );
    ctx.declare_func(
        "chomp",
        func(1, |a| {
            Ok(str_arg(&a, 0)
                .trim_end_matches(['\n', '\r'])
                .to_string()
                .into())
        }),
    );
    ctx.declare_func(
        "trim",
        func(2, |a| {
            let cut: Vec<char> = str_arg(&a, 1).chars().collect();
            Ok(str_arg(&a, 0)
                .trim_matches(cut.as_slice())
                .to_string()
                .into())
        }),
    );
    ctx.declare_func(
        "strlen",
        func(1, |a| {
            Ok(Value::from(str_arg(&a, 0).chars().count() as u64))
        }),
    );
    ctx.declare_func(
        "strrev",
        func(1, |a| {
            Ok(str_arg(&a, 0).chars().rev().collect::<String>().into())
        }),
    );
    ctx.declare_func(
        "indent",
        func(2, |a| {
            let pad = " ".repeat(num(a.first())? as usize);
            Ok(str_arg(&a, 1).replace('\n', &format!("\n{pad}")).into())
        }),
    );
    ctx.declare_func(
        "regex_replace",
        func(3, |a| {
            let re = regex::Regex::new(&str_arg(&a, 1)).map_err(|e| format!("regex: {e}"))?;
            Ok(re
                .replace_all(&str_arg(&a, 0), str_arg(&a, 2).as_str())
                .into_owned()
                .into())
        }),
    );
    ctx.declare_func(
        "basename",
        func(1, |a| {
            let s = str_arg(&a, 0);
            let t = s.trim_end_matches('/');
            Ok(match t.rsplit_once('/') {
                Some((_, b)) => b.to_string(),
                None if t.is_empty() && !s.is_empty() => "/".to_string(),
                None if t.is_empty() => ".".to_string(),
                None => t.to_string(),
            }
            .into())
        }),
    );
    ctx.declare_func(
        "dirname",
        func(1, |a| {
            let s = str_arg(&a, 0);
            Ok(match s.trim_end_matches('/').rsplit_once('/') {
                Some(("", _)) => "/".to_string(),
                Some((d, _)) => d.trim_end_matches('/').to_string(),
                None if s.starts_with('/') => "/".to_string(),
                None => ".".to_string(),
            }
            .into())
        }),
    );
}

/// go-cty's `format`: `%s`, `%d`, `%v`, `%q`, `%%` (flags and widths are not read: the call
/// fails, and a target that needs it is a note).
fn format(fmt: &str, args: &[Value]) -> Result<Value, String> {
    let mut out = String::new();
    let mut next = args.iter();
    let mut chars = fmt.chars();
    while let Some(c) = chars.next() {
        if c != '%' {
            out.push(c);
            continue;
        }
        let verb = chars.next().ok_or("format: a lone % at the end")?;
        if verb == '%' {
            out.push('%');
            continue;
        }
        let v = next.next().ok_or("format: too few arguments")?;
        let text = value_string(v).ok_or("format: a value that is not a string, number or bool")?;
        match verb {
            's' | 'v' => out.push_str(&text),
            'd' => match v {
                Value::Number(n) if n.as_i64().is_some() => out.push_str(&text),
                _ => return Err(format!("format: %d needs a whole number, not {text:?}")),
            },
            'q' => out.push_str(&format!("{text:?}")),
            other => return Err(format!("format: the verb %{other} is not read")),
        }
    }
    Ok(out.into())
}
