//! The instructions of each stage in order, as the layer-order analysis needs them: every
//! `COPY`/`ADD` (sources and destination as written, `--from`) and every `RUN` (its command
//! text), with their lines. Other instructions are kept by keyword only. Nothing is evaluated:
//! the caller pairs COPY lines with the evaluated [`super::ContextSource`]s.

use super::json::{parse_json_array, JsonArray};
use super::parse::is_hspace;
use super::DockerfileError;

/// One instruction of a stage.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Step {
    /// 1-based line of the instruction.
    pub line: usize,
    /// The keyword, upper case (`COPY`, `ADD`, `RUN`, `WORKDIR`, …).
    pub keyword: String,
    /// `COPY`/`ADD`: the sources as written (heredocs left out); empty otherwise.
    pub sources: Vec<String>,
    /// `COPY`/`ADD`: the destination as written.
    pub dest: String,
    /// `COPY --from=…` as written.
    pub from: Option<String>,
    /// The builder flags as written (`--chown=…`, `--mount=…`).
    pub flags: Vec<String>,
    /// The arguments after the flags (a `RUN`'s command, shell or JSON form).
    pub text: String,
    /// The bodies of its here-documents, one after another.
    pub heredoc: String,
}

/// The steps of one stage (`FROM` up to the next `FROM`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct StageSteps {
    /// 0-based stage index.
    pub index: usize,
    /// `FROM … AS name`, lower-cased.
    pub name: Option<String>,
    /// The image or stage it starts from, as written.
    pub base: String,
    /// Line of the `FROM`.
    pub line: usize,
    /// The instructions after the `FROM`, in order.
    pub steps: Vec<Step>,
}

/// Reads the stages' instructions (the same reader as [`super::parse`]).
pub(crate) fn stage_steps(text: &str) -> Result<Vec<StageSteps>, DockerfileError> {
    let (instrs, _esc) = super::parse::read(text)?;
    let mut out: Vec<StageSteps> = Vec::new();
    for (raw, _bodies) in instrs {
        let kw = raw.cmd.to_ascii_uppercase();
        if kw == "FROM" {
            let words: Vec<&str> = raw
                .rest
                .split(is_hspace)
                .filter(|w| !w.is_empty())
                .collect();
            let name = match words.as_slice() {
                [_, as_, n] if as_.eq_ignore_ascii_case("as") => Some(n.to_lowercase()),
                _ => None,
            };
            out.push(StageSteps {
                index: out.len(),
                base: words
                    .iter()
                    .find(|w| !w.starts_with("--"))
                    .map_or(String::new(), |w| w.to_string()),
                name,
                line: raw.line,
                steps: Vec::new(),
            });
            continue;
        }
        let Some(stage) = out.last_mut() else {
            continue;
        };
        let mut step = Step {
            line: raw.line,
            keyword: kw.clone(),
            sources: Vec::new(),
            dest: String::new(),
            from: None,
            flags: raw.flags.clone(),
            text: raw.rest.clone(),
            heredoc: raw.heredoc_text.clone(),
        };
        if kw == "COPY" || kw == "ADD" {
            let args = match parse_json_array(&raw.rest) {
                JsonArray::Strings(v) => v,
                _ => raw
                    .rest
                    .split(is_hspace)
                    .filter(|w| !w.is_empty())
                    .map(str::to_string)
                    .collect(),
            };
            if let Some((dest, srcs)) = args.split_last() {
                step.dest = dest.clone();
                step.sources = srcs
                    .iter()
                    .filter(|s| !s.starts_with("<<"))
                    .cloned()
                    .collect();
            }
            step.from = raw
                .flags
                .iter()
                .find_map(|f| f.strip_prefix("--from="))
                .filter(|f| !f.is_empty())
                .map(str::to_string);
        }
        stage.steps.push(step);
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stages_and_steps_in_order() {
        let t = "FROM golang AS build\nWORKDIR /src\nCOPY --chown=1 go.mod go.sum ./\nRUN go mod \\\n  download\nCOPY . .\nFROM alpine\nCOPY --from=build /x /x\nRUN [\"echo\", \"hi\"]\n";
        let s = stage_steps(t).unwrap();
        assert_eq!(s.len(), 2);
        assert_eq!(s[0].name.as_deref(), Some("build"));
        let k: Vec<&str> = s[0].steps.iter().map(|x| x.keyword.as_str()).collect();
        assert_eq!(k, ["WORKDIR", "COPY", "RUN", "COPY"]);
        assert_eq!(s[0].steps[1].sources, ["go.mod", "go.sum"]);
        assert_eq!(s[0].steps[1].dest, "./");
        assert_eq!(s[0].steps[2].line, 4);
        assert!(s[0].steps[2].text.contains("go mod"));
        assert!(s[0].steps[2].text.contains("download"));
        assert_eq!(s[1].steps[0].from.as_deref(), Some("build"));
        assert_eq!(s[1].steps[1].text, "[\"echo\", \"hi\"]");
    }
}
