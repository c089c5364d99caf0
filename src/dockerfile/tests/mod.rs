//! Unit tests of the Dockerfile reader, by area.

use super::*;

mod eval;
mod json;
mod lex;
mod parse;
mod sources;

fn srcs(text: &str) -> Sources {
    srcs_with(text, &[], None)
}

fn srcs_with(text: &str, args: &[(&str, &str)], target: Option<&str>) -> Sources {
    let df = parse(text).unwrap_or_else(|e| panic!("parse failed: {e}"));
    let opts = Options {
        build_args: args
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect(),
        target: target.map(str::to_string),
        classic: false,
    };
    df.context_sources(&opts)
        .unwrap_or_else(|e| panic!("evaluation failed: {e}"))
}

fn paths(s: &Sources) -> Vec<&str> {
    s.items.iter().map(|i| i.path.as_str()).collect()
}

fn err(text: &str) -> DockerfileError {
    match parse(text) {
        Err(e) => e,
        Ok(df) => df
            .context_sources(&Options::default())
            .expect_err("expected an error"),
    }
}
