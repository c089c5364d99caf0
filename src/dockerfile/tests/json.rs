//! The JSON (exec) form of `COPY`/`ADD`/`RUN`.

use super::*;

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
