//! The JSON (exec) form of `COPY`/`ADD`/`RUN`.

use super::*;
use crate::dockerfile::json::{parse_json_array, JsonArray};

#[test]
fn json_form() {
    let s = srcs("FROM x\nCOPY [\"my file.txt\", \"other dir/\", \"/dst/\"]\n");
    assert_eq!(paths(&s), ["my file.txt", "other dir"]);
    let s = srcs("FROM x\nCOPY --chown=1:1 [\"a\\u0062c\", \"/d\"]\n");
    assert_eq!(paths(&s), ["abc"]);
    let e = err("FROM x\nCOPY [\"a\", 1]\n");
    assert_eq!(e, DockerfileError::BadJsonArray { line: 2 });
    // Invalid JSON falls back to the shell form, like BuildKit.
    let s = srcs("FROM x\nCOPY [\"a\" /b\n");
    assert_eq!(paths(&s), ["[a"]);
    let e = err("FROM x\nCOPY [\"a b\" /c\n");
    assert!(e.to_string().contains("double-quote"), "{e}");
    let s = srcs("FROM x\nCOPY [a, b] /c\n");
    assert_eq!(paths(&s), ["[a,", "b]"]);
}

fn strings(v: &[&str]) -> JsonArray {
    JsonArray::Strings(v.iter().map(|s| s.to_string()).collect())
}

fn nested(depth: usize) -> String {
    format!("[{}{}]", "[".repeat(depth - 1), "]".repeat(depth - 1))
}

#[test]
fn unpaired_surrogates_become_replacement_characters() {
    // Go's encoding/json accepts these (serde_json rejects them).
    assert_eq!(
        parse_json_array(r#"["\ud800", "/x"]"#),
        strings(&["\u{fffd}", "/x"])
    );
    assert_eq!(parse_json_array(r#"["\udc00"]"#), strings(&["\u{fffd}"]));
    assert_eq!(parse_json_array(r#"["a\ud800"]"#), strings(&["a\u{fffd}"]));
    // The following escape is not part of a pair: read on its own.
    assert_eq!(
        parse_json_array(r#"["\ud800\u0041"]"#),
        strings(&["\u{fffd}A"])
    );
    assert_eq!(
        parse_json_array(r#"["\udc00\udc00"]"#),
        strings(&["\u{fffd}\u{fffd}"])
    );
    assert_eq!(
        parse_json_array(r#"["\ud800\ud800\udc00"]"#),
        strings(&["\u{fffd}\u{10000}"])
    );
    assert_eq!(
        parse_json_array(r#"["\ud83d\ude00"]"#),
        strings(&["\u{1f600}"])
    );
    assert_eq!(
        parse_json_array(r#"["\uD83D\uDE00x"]"#),
        strings(&["\u{1f600}x"])
    );
    // End to end: the JSON form is used, so the source is U+FFFD, not `["\ud800",`.
    let s = srcs("FROM x\nCOPY [\"\\ud800\", \"/x\"]\n");
    assert_eq!(paths(&s), ["\u{fffd}"]);
}

#[test]
fn non_string_elements_fail_the_build() {
    for t in [
        r#"["a", 1]"#,
        r#"["a", -0.5e+3]"#,
        r#"["a", null]"#,
        r#"["a", true]"#,
        r#"["a", false]"#,
        r#"["a", ["b"]]"#,
        r#"["a", {}]"#,
        r#"["a", {"k": [1, {"j": null}]}]"#,
        r#"[1e308]"#,
        r#"[1e-400]"#,
    ] {
        assert_eq!(parse_json_array(t), JsonArray::NotStrings, "{t}");
    }
}

#[test]
fn numbers_beyond_float64_fall_back_to_the_shell_form() {
    // Go: UnmarshalTypeError, which BuildKit treats like invalid JSON, even
    // when the array also holds a non-string element.
    for t in [
        r#"["a", 1e400]"#,
        r#"["a", -1e400]"#,
        r#"["a", [1E999]]"#,
        r#"["a", {"k": 2e308}]"#,
        r#"[1, 1e400]"#,
    ] {
        assert_eq!(parse_json_array(t), JsonArray::NotJson, "{t}");
    }
    let big = format!("[\"a\", 1{}]", "0".repeat(400));
    assert_eq!(parse_json_array(&big), JsonArray::NotJson);
    let s = srcs("FROM x\nCOPY [\"a\", 1e400] /b\n");
    assert_eq!(paths(&s), ["[a,", "1e400]"]);
}

#[test]
fn trailing_data_and_whitespace() {
    assert_eq!(parse_json_array(r#"["a"] x"#), JsonArray::NotJson);
    assert_eq!(parse_json_array(r#"["a"]]"#), JsonArray::NotJson);
    assert_eq!(parse_json_array(r#"["a"]["b"]"#), JsonArray::NotJson);
    assert_eq!(parse_json_array("[\"a\"] \t\r\n"), strings(&["a"]));
    assert_eq!(
        parse_json_array("[ \"a\" ,\t\"b\"\r\n]"),
        strings(&["a", "b"])
    );
    // Leading white space is trimmed with Unicode rules (Go's unicode.IsSpace)...
    assert_eq!(parse_json_array("\u{a0}\u{b}[\"a\"]"), strings(&["a"]));
    // ...but between tokens only JSON white space counts.
    assert_eq!(parse_json_array("[\"a\",\u{b}\"b\"]"), JsonArray::NotJson);
    assert_eq!(parse_json_array("[\"a\",\u{a0}\"b\"]"), JsonArray::NotJson);
    assert_eq!(parse_json_array("[\"a\"]\u{c}"), JsonArray::NotJson);
}

#[test]
fn syntax_errors_fall_back_to_the_shell_form() {
    for t in [
        "",
        "a",
        "{}",
        "[",
        r#"["a",]"#,
        r#"["a" "b"]"#,
        r#"[,"a"]"#,
        "[\"a\tb\"]",
        r#"["\x"]"#,
        r#"["\u12"]"#,
        r#"["\u12g4"]"#,
        r#"["a"#,
        "[01]",
        "[-]",
        "[1.]",
        "[.5]",
        "[1e]",
        "[+1]",
        "[tru]",
        "[nul]",
        "[True]",
        r#"[{"a"}]"#,
        r#"[{"a":1,}]"#,
        r#"[{1:2}]"#,
        "[[]",
        "[]]",
    ] {
        assert_eq!(parse_json_array(t), JsonArray::NotJson, "{t:?}");
    }
}

#[test]
fn escapes_and_plain_text() {
    assert_eq!(
        parse_json_array(r#"["\"\\\/\b\f\n\r\t", "é/ü 😀", "\u00e9"]"#),
        strings(&["\"\\/\u{8}\u{c}\n\r\t", "é/ü 😀", "é"])
    );
    assert_eq!(parse_json_array("[]"), strings(&[]));
    assert_eq!(
        parse_json_array("[\"\u{7f}\u{2028}\"]"),
        strings(&["\u{7f}\u{2028}"])
    );
}

#[test]
fn nesting_up_to_go_limit() {
    // Go allows 10,000 levels: the element is an array, so the build fails.
    assert_eq!(parse_json_array(&nested(10_000)), JsonArray::NotStrings);
    // One more is a syntax error: the shell form is read.
    assert_eq!(parse_json_array(&nested(10_001)), JsonArray::NotJson);
    assert_eq!(parse_json_array(&nested(200_000)), JsonArray::NotJson);
    let objects = format!("[\"a\", {}1{}]", "{\"k\":".repeat(9_998), "}".repeat(9_998));
    assert_eq!(parse_json_array(&objects), JsonArray::NotStrings);
    let e = err(&format!("FROM x\nCOPY {}\n", nested(5_000)));
    assert_eq!(e, DockerfileError::BadJsonArray { line: 2 });
}
