//! The human report: header, totals, where the bytes go, largest files, findings with fixes.

use std::fmt::Write as _;

use crate::report::{Finding, Report};
use crate::walk::Builder;

/// Terminal styling.
#[derive(Clone, Copy, Debug, Default)]
pub(crate) struct Style {
    /// Use ANSI colours.
    pub color: bool,
    /// Width of the size bars.
    pub bar: usize,
}

impl Style {
    fn paint(&self, code: &str, s: &str) -> String {
        if self.color {
            format!("\x1b[{code}m{s}\x1b[0m")
        } else {
            s.to_string()
        }
    }
    fn bold(&self, s: &str) -> String {
        self.paint("1", s)
    }
    fn dim(&self, s: &str) -> String {
        self.paint("2", s)
    }
    fn sev(&self, sev: &str) -> String {
        let code = match sev {
            "high" => "1;31",
            "medium" => "33",
            "low" => "36",
            _ => "2",
        };
        self.paint(code, &format!("{sev:<6}"))
    }
}

/// Escapes a report string for the terminal: control and bidi characters become visible
/// escapes. Report paths already spell backslashes and invalid bytes unambiguously
/// (`findings::lossy`), so backslashes are left alone here.
fn esc(s: &str) -> String {
    super::escape_controls(s)
}

use crate::units::{count, human as size};

fn plural(n: u64, one: &str, many: &str) -> String {
    format!("{} {}", count(n), if n == 1 { one } else { many })
}

fn bar(frac: f64, width: usize) -> String {
    let cells = (frac.clamp(0.0, 1.0) * width as f64 * 8.0).round() as usize;
    let full = cells / 8;
    let part = cells % 8;
    let mut s = "█".repeat(full);
    if part > 0 && full < width {
        s.push(['▏', '▎', '▍', '▌', '▋', '▊', '▉'][part - 1]);
    }
    let used = full + usize::from(part > 0 && full < width);
    s.push_str(&" ".repeat(width.saturating_sub(used)));
    s
}

/// Renders the full human report.
pub(crate) fn render(
    r: &Report,
    style: Style,
    out: &mut dyn std::io::Write,
) -> std::io::Result<()> {
    let mut s = String::new();
    let _ = render_to(r, style, &mut s);
    out.write_all(s.as_bytes())
}

/// Renders the report of a build whose context an earlier report (`like`, labelled `label`)
/// already showed in full: the same directory, ignore file and builder sending the same
/// entries (a Compose project whose services share one context). The header, the Dockerfile's
/// part (transfer, checks, layers), and the findings unless they are those of `like`; the
/// sizes and where the bytes go are not repeated. Falls back to the full report when the two
/// send different things.
pub(crate) fn render_sharing(
    r: &Report,
    like: &Report,
    label: &str,
    style: Style,
    out: &mut dyn std::io::Write,
) -> std::io::Result<()> {
    let mut s = String::new();
    let _ = if same_sent(r, like) {
        render_shared_to(r, like, label, style, &mut s)
    } else {
        render_to(r, style, &mut s)
    };
    out.write_all(s.as_bytes())
}

/// Whether two reports describe one sent set: one context, ignore file, builder and engine, and
/// the same totals.
pub(crate) fn same_sent(a: &Report, b: &Report) -> bool {
    a.context == b.context
        && a.ignore_file == b.ignore_file
        && a.builder == b.builder
        && a.engine == b.engine
        && a.totals == b.totals
        && a.excluded_measured == b.excluded_measured
}

fn render_shared_to(
    r: &Report,
    like: &Report,
    label: &str,
    st: Style,
    o: &mut String,
) -> std::fmt::Result {
    header(r, &like.notes, &st, o)?;
    writeln!(
        o,
        "{}  {}",
        st.bold("Sent    "),
        st.dim(&format!(
            "the same context as {}: {} in {}, tar {}; where the bytes go and its notes as \
             shown there",
            esc(label),
            size(r.totals.content_bytes),
            plural(r.totals.files, "file", "files"),
            size(r.totals.tar_bytes)
        ))
    )?;
    dockerfile_section(r, &st, o)?;
    layers_section(r, &st, o)?;
    writeln!(o)?;
    // The Dockerfile's own findings (checks, layers) are shown above; the others are the
    // context's, graded by what this Dockerfile copies, so they can differ.
    if listed(r).eq(listed(like)) {
        let n = listed(r).count();
        writeln!(
            o,
            "{} {}",
            st.bold("Findings"),
            if n == 0 {
                "nothing that looks out of place.".to_string()
            } else {
                format!(
                    "the same {} as {}",
                    plural(n as u64, "finding", "findings"),
                    esc(label)
                )
            }
        )?;
        return warnings(r, &st, o);
    }
    findings(r, &st, o)
}

/// The report's first lines: context, builder, Dockerfile, ignore file, notes.
/// Notes in `shown` (printed with an earlier report) are left out.
fn header(r: &Report, shown: &[String], st: &Style, o: &mut String) -> std::fmt::Result {
    let builder = match r.builder {
        _ if r.engine == "podman" => "Podman/Buildah (podman build, buildah bud)",
        _ if r.engine == "podman-remote" => {
            "podman-remote (podman build on macOS/Windows, --remote)"
        }
        Builder::Buildkit => "BuildKit (docker's default since 23.0)",
        Builder::Classic => "classic builder (DOCKER_BUILDKIT=0)",
    };
    writeln!(o, "{} {}", st.bold("Context"), esc(&r.context))?;
    writeln!(o, "  builder      {builder}")?;
    let dockerfile = match r.dockerfile.as_str() {
        "" => "none".to_string(),
        "-" => "- (stdin)".to_string(),
        d => esc(d),
    };
    writeln!(o, "  Dockerfile   {dockerfile}")?;
    writeln!(
        o,
        "  ignore file  {}",
        r.ignore_file.as_deref().map_or("none".to_string(), esc)
    )?;
    for n in r.notes.iter().filter(|n| !shown.contains(n)) {
        writeln!(o, "  {} {}", st.paint("33", "note:"), esc(n))?;
    }
    writeln!(o)?;
    Ok(())
}

fn render_to(r: &Report, st: Style, o: &mut String) -> std::fmt::Result {
    let st = Style {
        bar: if st.bar == 0 { 20 } else { st.bar },
        ..st
    };
    let t = &r.totals;
    header(r, &[], &st, o)?;
    let mut other = String::new();
    if t.symlinks > 0 {
        other.push_str(&format!(", {}", plural(t.symlinks, "symlink", "symlinks")));
    }
    if t.other > 0 {
        other.push_str(&format!(", {} other", count(t.other)));
    }
    writeln!(
        o,
        "{}  {} in {}, {}{}",
        st.bold("Sent    "),
        st.bold(&size(t.content_bytes)),
        plural(t.files, "file", "files"),
        plural(t.dirs, "directory", "directories"),
        other
    )?;
    let tar_what = match r.builder {
        _ if r.engine == "podman" => "as one tar of these entries; Buildah reads them in place",
        _ if r.engine == "podman-remote" => "the tar podman-remote uploads, before gzip",
        Builder::Classic => "the tar the classic builder sends",
        Builder::Buildkit => "as one tar of these entries",
    };
    writeln!(
        o,
        "{}  {} ({} bytes, {tar_what})",
        st.bold("Tar size"),
        size(t.tar_bytes),
        count(t.tar_bytes)
    )?;
    if !r.excluded_measured {
        writeln!(
            o,
            "{}  not measured (--no-excluded-sizes: excluded directories were not opened)",
            st.bold("Kept out"),
        )?;
    } else if r.ignore_file.is_some() && t.excluded_files == 0 && t.excluded_bytes == 0 {
        // Not "0 B in 0 files" (locust): said plainly.
        writeln!(
            o,
            "{}  nothing: the ignore file keeps no file out",
            st.bold("Kept out"),
        )?;
    } else if r.ignore_file.is_some() || t.excluded_files > 0 {
        writeln!(
            o,
            "{}  {} in {} by the ignore file",
            st.bold("Kept out"),
            size(t.excluded_bytes),
            plural(t.excluded_files, "file", "files")
        )?;
    }
    dockerfile_section(r, &st, o)?;

    where_the_bytes_go(r, &st, o)?;
    if !r.largest_files.is_empty() {
        writeln!(o)?;
        writeln!(o, "{}", st.bold("Largest files"))?;
        for f in &r.largest_files {
            writeln!(o, "  {:>9}  {}", size(f.bytes), esc(&f.path))?;
        }
    }

    layers_section(r, &st, o)?;
    writeln!(o)?;
    findings(r, &st, o)
}

/// The findings the Findings section lists: Dockerfile checks and layer findings are findings
/// too (for --fail-on and the CI formats), but shown with the Dockerfile above.
fn listed(r: &Report) -> impl Iterator<Item = &Finding> {
    r.findings
        .iter()
        .filter(|f| f.category != "dockerfile" && f.category != "layers")
}

/// The findings, by category, each with its fix; then the walk's warnings.
fn findings(r: &Report, st: &Style, o: &mut String) -> std::fmt::Result {
    let shown_here = listed(r).count();
    if shown_here == 0 {
        writeln!(
            o,
            "{} nothing that looks out of place.",
            st.bold("Findings")
        )?;
        return warnings(r, st, o);
    }
    writeln!(
        o,
        "{} {} (each → the {} line that removes it, or what to do instead)",
        st.bold("Findings"),
        plural(shown_here as u64, "finding", "findings"),
        if r.engine != "docker" && r.ignore_file.is_none() {
            ".containerignore"
        } else {
            r.ignore_file
                .as_deref()
                .and_then(|f| f.rsplit(['/', '\\']).next())
                .filter(|n| n.ends_with("ignore"))
                .unwrap_or(".dockerignore")
        }
    )?;
    for c in &r.categories {
        let items: Vec<&Finding> = r
            .findings
            .iter()
            .filter(|f| f.category == c.category)
            .collect();
        let worst = items.first().map_or("info", |f| f.severity.as_str());
        // The header shows the worst; when a category mixes severities, each line shows its own
        // so a medium is not read as high (nor a high hidden among mediums).
        let mixed = items.iter().any(|f| f.severity != worst);
        writeln!(
            o,
            "  {} {}  {}, {}",
            st.sev(worst),
            st.bold(&c.category),
            plural(c.files, "file", "files"),
            size(c.bytes)
        )?;
        // One fix for every item (moving each secret out, say): said once, under the header.
        let same_fix = items.len() > 1 && items.iter().all(|f| f.fix == items[0].fix);
        if same_fix {
            writeln!(
                o,
                "      {}",
                st.paint("32", &format!("→ each: {}", esc(&items[0].fix)))
            )?;
        }
        let shown = if c.category == "secret" { 20 } else { 5 };
        for f in items.iter().take(shown) {
            let loc = match f.line {
                Some(l) => format!("{}:{l}", esc(&f.path)),
                None => esc(&f.path),
            };
            let what = if f.files > 1 {
                format!(
                    "{} ({}, {})",
                    f.message,
                    plural(f.files, "file", "files"),
                    size(f.bytes)
                )
            } else {
                f.message.clone()
            };
            let sev = if mixed {
                format!("{} ", st.sev(&f.severity))
            } else {
                String::new()
            };
            let fix = if same_fix {
                String::new()
            } else {
                format!(" {}", st.paint("32", &format!("→ {}", esc(&f.fix))))
            };
            writeln!(
                o,
                "      {sev}{loc}  {}{fix}",
                st.dim(&format!("{what} [{}]", f.rule)),
            )?;
        }
        if items.len() > shown {
            let rest = &items[shown..];
            let by_sev: Vec<String> = ["high", "medium", "low", "info"]
                .iter()
                .filter_map(|s| {
                    let n = rest.iter().filter(|f| f.severity == *s).count();
                    (mixed && n > 0).then(|| format!("{n} {s}"))
                })
                .collect();
            let detail = if by_sev.is_empty() {
                String::new()
            } else {
                format!(" ({})", by_sev.join(", "))
            };
            writeln!(
                o,
                "      {}",
                st.dim(&format!("… and {} more{detail}", items.len() - shown))
            )?;
        }
    }
    if r.findings.iter().any(|f| f.category == "secret") {
        writeln!(
            o,
            "\n  {} secret contents are never printed: only path, rule and line.",
            st.dim("note:")
        )?;
    }
    warnings(r, st, o)
}

/// The walk's warnings (a classic tar cut short, …): printed whether or not there are findings.
fn warnings(r: &Report, st: &Style, o: &mut String) -> std::fmt::Result {
    for w in &r.warnings {
        writeln!(o, "{} {}", st.paint("33", "warning:"), esc(w))?;
    }
    Ok(())
}

/// The directory tree, then the files at the root and what the tree leaves out, so that the
/// top-level percentages add up to 100.
fn where_the_bytes_go(r: &Report, st: &Style, o: &mut String) -> std::fmt::Result {
    let t = &r.totals;
    let (root_n, root_b) = r.root_files.unwrap_or((0, 0));
    if r.largest_dirs.is_empty() && root_n == 0 {
        return Ok(());
    }
    let top: Vec<&crate::report::DirSize> =
        r.largest_dirs.iter().filter(|d| d.depth == 1).collect();
    let shown: u64 = top.iter().map(|d| d.bytes).sum();
    let shown_files: u64 = top.iter().map(|d| d.files).sum();
    let mut extra: Vec<(String, u64, u64)> = Vec::new();
    if r.root_files.is_some() && root_n > 0 {
        extra.push(("(files at the root)".into(), root_b, root_n));
    }
    if r.root_files.is_some() {
        let rest = t.content_bytes.saturating_sub(shown + root_b);
        let rest_files = t.files.saturating_sub(shown_files + root_n);
        if rest_files > 0 {
            extra.push(("(other directories)".into(), rest, rest_files));
        }
    }
    writeln!(o)?;
    writeln!(o, "{}", st.bold("Where the bytes go"))?;
    let total = t.content_bytes.max(1) as f64;
    let width = r
        .largest_dirs
        .iter()
        .map(|d| 2 * (d.depth - 1) + esc(name_of(&d.path)).chars().count() + 1)
        .chain(extra.iter().map(|e| e.0.chars().count()))
        .max()
        .unwrap_or(10)
        .min(48);
    let mut line = |label: String, bytes: u64, files: u64| {
        let frac = bytes as f64 / total;
        let label = if label.chars().count() > width {
            label.chars().take(width - 1).collect::<String>() + "…"
        } else {
            label
        };
        writeln!(
            o,
            "  {label:<width$}  {:>9}  {:>5.1}%  {}  {}",
            size(bytes),
            frac * 100.0,
            st.paint("34", &bar(frac, st.bar)),
            st.dim(&plural(files, "file", "files")),
        )
    };
    for d in &r.largest_dirs {
        let label = format!("{}{}/", "  ".repeat(d.depth - 1), esc(name_of(&d.path)));
        line(label, d.bytes, d.files)?;
    }
    for (label, bytes, files) in extra {
        line(label, bytes, files)?;
    }
    Ok(())
}

/// BuildKit's transfer set and the Dockerfile checks (absent when no Dockerfile was read).
fn dockerfile_section(r: &Report, st: &Style, o: &mut String) -> std::fmt::Result {
    if let (Some(files), Some(bytes)) = (r.transfer_files, r.transfer_bytes) {
        let whole = if r.transfer_whole_context == Some(true) {
            " (the Dockerfile reaches the whole context)"
        } else {
            " (what the Dockerfile's COPY/ADD reach)"
        };
        writeln!(
            o,
            "{}  {} in {}{}",
            st.bold("Transfer"),
            size(bytes),
            plural(files, "file", "files"),
            st.dim(whole)
        )?;
    }
    if let (Some(files), Some(bytes)) = (r.image_files, r.image_bytes) {
        writeln!(
            o,
            "{}     {} in {}{}",
            st.bold("Image"),
            size(bytes),
            plural(files, "file", "files"),
            st.dim(" (transferred, minus what COPY --exclude removes)")
        )?;
        let excluded = r.copy_excluded.as_deref().unwrap_or_default();
        for e in excluded.iter().take(10) {
            writeln!(
                o,
                "  {} {} (Dockerfile line {} --exclude={})",
                st.dim("transferred, not in the image:"),
                esc(&e.path),
                e.line,
                esc(&e.excludes.join(","))
            )?;
        }
        if excluded.len() > 10 {
            writeln!(
                o,
                "  {}",
                st.dim(&format!("and {} more", excluded.len() - 10))
            )?;
        }
    }
    for c in r.dockerfile_checks.iter().flatten() {
        let label = match c.severity.as_str() {
            "error" => st.paint("1;31", "error:"),
            "warning" => st.paint("33", "warning:"),
            _ => st.dim("info:"),
        };
        writeln!(o, "  {label} {}", esc(&c.message))?;
    }
    Ok(())
}

/// The layer-order and churn findings (`layers`), each with its stage's COPY/RUN steps and the
/// fix lines; absent without such findings.
fn layers_section(r: &Report, st: &Style, o: &mut String) -> std::fmt::Result {
    let found: Vec<&Finding> = r
        .findings
        .iter()
        .filter(|f| f.category == "layers")
        .collect();
    if found.is_empty() {
        return Ok(());
    }
    writeln!(o)?;
    writeln!(
        o,
        "{} {}",
        st.bold("Layer cache"),
        plural(found.len() as u64, "finding", "findings")
    )?;
    for stage in r.layers.iter().flatten() {
        let lines: Vec<usize> = stage.steps.iter().map(|s| s.line).collect();
        if !found
            .iter()
            .any(|f| f.line.is_some_and(|l| lines.contains(&l)))
        {
            continue;
        }
        let name = stage
            .name
            .as_deref()
            .map_or(String::new(), |n| format!(" {n}"));
        writeln!(o, "  stage {}{name} (line {})", stage.stage, stage.line)?;
        for s in &stage.steps {
            let what = match (s.files, s.bytes, &s.install) {
                (Some(f), Some(b), _) => {
                    let mut w = format!("{}, {}", plural(f, "file", "files"), size(b));
                    if let Some(c) = s.churn_commits {
                        w.push_str(&format!(", changed in {}", plural(c, "commit", "commits")));
                        if let Some(d) = s.churn_days {
                            w.push_str(&format!(" in {}", plural(d, "day", "days")));
                        }
                    }
                    w
                }
                (_, _, Some(e)) => format!("{e} install"),
                _ => String::new(),
            };
            let row = format!(
                "    {:>5}  {:<7}{:<44} {}",
                s.line,
                s.instruction,
                esc(&s.text),
                st.dim(&what)
            );
            writeln!(o, "{}", row.trim_end())?;
        }
    }
    for f in found {
        let loc = match f.line {
            Some(l) => format!("{}:{l}", esc(&f.path)),
            None => esc(&f.path),
        };
        writeln!(
            o,
            "  {} {loc}  {} [{}]",
            st.sev(&f.severity),
            esc(&f.message),
            f.rule
        )?;
        for (i, l) in f.fix.lines().filter(|l| !l.is_empty()).enumerate() {
            let lead = if i == 0 { "fix:" } else { "" };
            writeln!(
                o,
                "         {:<5}{}",
                st.paint("32", lead),
                st.paint("32", &esc(l))
            )?;
        }
    }
    Ok(())
}

fn name_of(path: &str) -> &str {
    path.rsplit('/').next().unwrap_or(path)
}
