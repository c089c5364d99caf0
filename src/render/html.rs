//! The HTML report: one self-contained page (no network, no CDN, no external file) with a
//! zoomable treemap of what is sent and what the ignore file keeps out, coloured by finding
//! category, with the totals, a legend and the findings beside it. Sizes show on hover.
//!
//! The treemap is laid out here (squarified, [`crate::treemap`]) from the report's aggregated
//! tree (largest directories per level, largest files, findings, and "other files" for the
//! rest), so the page stays small and fast whatever the size of the context: a context of a
//! million files still gives a few hundred rectangles. The page's script only zooms: it maps
//! the chosen rectangle onto the view.

use std::collections::HashMap;
use std::fmt::Write as _;

use humansize::{format_size, DECIMAL};

use crate::report::Report;
use crate::treemap::{squarify, Rect};
use crate::units::count;

/// The layout's coordinate space (the page scales it to the window).
const W: f64 = 1000.0;
const H: f64 = 600.0;
/// At most this many findings get their own rectangle (the others stay in "other files"; all
/// are listed beside the map).
const MAX_FINDING_NODES: usize = 2000;

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Kind {
    /// The whole context: sent + kept out.
    Root,
    /// Everything sent.
    Sent,
    /// Everything the ignore file keeps out.
    KeptOut,
    Dir,
    File,
    /// A path a finding names (a file or a directory).
    Finding,
    /// The bytes of a directory not shown one by one.
    Other,
}

impl Kind {
    fn class(self) -> &'static str {
        match self {
            Kind::Root => "root",
            Kind::Sent => "sent",
            Kind::KeptOut => "kept",
            Kind::Dir => "dir",
            Kind::File => "file",
            Kind::Finding => "finding",
            Kind::Other => "other",
        }
    }
}

#[derive(Debug)]
struct Node {
    label: String,
    path: String,
    bytes: u64,
    files: Option<u64>,
    kind: Kind,
    category: Option<String>,
    note: Option<String>,
    parent: Option<usize>,
    children: Vec<usize>,
    depth: usize,
    rect: Rect,
    inner: Rect,
}

fn node(label: &str, path: &str, bytes: u64, files: Option<u64>, kind: Kind) -> Node {
    Node {
        label: label.to_string(),
        path: path.to_string(),
        bytes,
        files,
        kind,
        category: None,
        note: None,
        parent: None,
        children: Vec::new(),
        depth: 0,
        rect: Rect::new(0.0, 0.0, 0.0, 0.0),
        inner: Rect::new(0.0, 0.0, 0.0, 0.0),
    }
}

/// The tree the map draws: index 0 is the root, 1 what is sent, 2 (if any) what is kept out.
fn build_tree(r: &Report) -> Vec<Node> {
    let t = &r.totals;
    let mut nodes = vec![
        node(
            "context",
            "",
            t.content_bytes.saturating_add(t.excluded_bytes),
            None,
            Kind::Root,
        ),
        node("sent", "", t.content_bytes, Some(t.files), Kind::Sent),
    ];
    nodes[1].parent = Some(0);
    nodes[0].children.push(1);
    if t.excluded_bytes > 0 || t.excluded_files > 0 {
        let mut k = node(
            if r.excluded_measured {
                "kept out by the ignore file"
            } else {
                "kept out by the ignore file (not measured in full: --no-excluded-sizes)"
            },
            "",
            t.excluded_bytes,
            Some(t.excluded_files),
            Kind::KeptOut,
        );
        k.parent = Some(0);
        nodes.push(k);
        nodes[0].children.push(2);
    }

    // Paths under "sent": directories, files and findings, each once.
    let mut items: Vec<(String, u64, Option<u64>, Kind)> = Vec::new();
    items.extend(
        r.largest_dirs
            .iter()
            .map(|d| (trim(&d.path), d.bytes, Some(d.files), Kind::Dir)),
    );
    items.extend(
        r.largest_files
            .iter()
            .map(|f| (trim(&f.path), f.bytes, Some(1), Kind::File)),
    );
    let mut findings: Vec<_> = r.findings.iter().collect();
    findings.sort_by_key(|f| std::cmp::Reverse(f.bytes));
    items.extend(
        findings
            .iter()
            .take(MAX_FINDING_NODES)
            .map(|f| (trim(&f.path), f.bytes, Some(f.files), Kind::Finding)),
    );
    // Parents before children.
    items.sort_by(|a, b| depth_of(&a.0).cmp(&depth_of(&b.0)).then(a.0.cmp(&b.0)));

    let mut by_path: HashMap<String, usize> = HashMap::new();
    for (path, bytes, files, kind) in items {
        if path.is_empty() {
            continue;
        }
        if by_path.contains_key(&path) {
            continue;
        }
        let parent = ancestors(&path)
            .find_map(|a| by_path.get(a).copied())
            .unwrap_or(1);
        let label = path.rsplit('/').next().unwrap_or(&path).to_string();
        let mut n = node(&label, &path, bytes, files, kind);
        n.parent = Some(parent);
        let i = nodes.len();
        nodes.push(n);
        nodes[parent].children.push(i);
        by_path.insert(path, i);
    }
    // Categories and messages from the findings (a finding on a directory colours what is in it).
    for f in &r.findings {
        if let Some(&i) = by_path.get(&trim(&f.path)) {
            let n = &mut nodes[i];
            if n.category.is_none() {
                n.category = Some(f.category.clone());
                n.note = Some(format!(
                    "{} {} ({}): {}",
                    f.rule, f.category, f.severity, f.message
                ));
            }
        }
    }

    // What a node holds beyond the children shown: one "other files" rectangle.
    for i in 0..nodes.len() {
        if !matches!(nodes[i].kind, Kind::Sent | Kind::Dir | Kind::Finding) {
            continue;
        }
        if nodes[i].children.is_empty() && nodes[i].kind != Kind::Sent {
            continue;
        }
        let shown: u64 = nodes[i].children.iter().map(|&c| nodes[c].bytes).sum();
        let rest = nodes[i].bytes.saturating_sub(shown);
        if rest == 0 {
            continue;
        }
        let files = nodes[i].files.map(|f| {
            let shown: u64 = nodes[i]
                .children
                .iter()
                .filter_map(|&c| nodes[c].files)
                .sum();
            f.saturating_sub(shown)
        });
        let label = match files {
            Some(1) => "1 other file".to_string(),
            Some(n) => format!("{n} other files"),
            None => "other files".to_string(),
        };
        let path = nodes[i].path.clone();
        let mut n = node(&label, &path, rest, files, Kind::Other);
        n.parent = Some(i);
        let j = nodes.len();
        nodes.push(n);
        nodes[i].children.push(j);
    }

    // Depth, inherited categories.
    for i in 1..nodes.len() {
        let p = nodes[i].parent.unwrap_or(0);
        nodes[i].depth = nodes[p].depth + 1;
        if nodes[i].category.is_none() {
            nodes[i].category = nodes[p].category.clone();
        }
    }
    layout(&mut nodes);
    nodes
}

/// Lays every node's children out inside it, leaving a strip for its label.
fn layout(nodes: &mut [Node]) {
    nodes[0].rect = Rect::new(0.0, 0.0, W, H);
    // Index order puts every parent before its children.
    for i in 0..nodes.len() {
        let r = nodes[i].rect;
        let inner = if i == 0 {
            r
        } else {
            // Label strip and padding in proportion to the rectangle, so every zoom level looks
            // the same.
            r.inset(r.h * 0.07, r.w.min(r.h) * 0.008)
        };
        nodes[i].inner = inner;
        if nodes[i].children.is_empty() {
            continue;
        }
        let kids = nodes[i].children.clone();
        // A parent may hold less than its children when the report's numbers disagree (they
        // should not); the layout then uses the children's sum.
        let sizes: Vec<u64> = kids.iter().map(|&c| nodes[c].bytes).collect();
        for (c, rect) in kids.iter().zip(squarify(&sizes, inner)) {
            nodes[*c].rect = rect;
        }
    }
}

/// Report paths as keys: no trailing `/`, no leading `./`.
fn trim(p: &str) -> String {
    let p = p.strip_prefix("./").unwrap_or(p);
    p.trim_end_matches('/').to_string()
}

fn depth_of(p: &str) -> usize {
    p.bytes().filter(|&b| b == b'/').count()
}

/// `a/b/c` → `a/b`, `a`.
fn ancestors(p: &str) -> impl Iterator<Item = &str> {
    let mut cur = p;
    std::iter::from_fn(move || {
        let i = cur.rfind('/')?;
        cur = &cur[..i];
        Some(cur)
    })
}

/// Text for HTML (element content and quoted attribute values): control and bidi characters made
/// visible as in the terminal, then `& < > " '` as character references.
fn esc(s: &str) -> String {
    let s = super::escape_controls(s);
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

fn size(n: u64) -> String {
    format_size(n, DECIMAL)
}

fn files(n: u64) -> String {
    format!("{} file{}", count(n), if n == 1 { "" } else { "s" })
}

/// Finding categories and their colours (the legend lists those present).
const CATEGORIES: &[(&str, &str)] = &[
    ("secret", "#d62728"),
    ("vcs", "#ff7f0e"),
    ("dependencies", "#9467bd"),
    ("build-output", "#8c564b"),
    ("cache", "#17becf"),
    ("logs", "#bcbd22"),
    ("test-data", "#e377c2"),
    ("large-file", "#e6550d"),
    ("media-archive", "#31a354"),
    ("editor-os", "#7f7f7f"),
    ("gitignored", "#637939"),
];

fn colour(category: &str) -> &'static str {
    CATEGORIES
        .iter()
        .find(|(c, _)| *c == category)
        .map(|(_, col)| *col)
        .unwrap_or("#a05195")
}

fn class_name(category: &str) -> String {
    let safe: String = category
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' {
                c
            } else {
                '_'
            }
        })
        .collect();
    format!("c-{safe}")
}

/// Renders the report as one self-contained HTML page.
pub(crate) fn html(report: &Report) -> String {
    let nodes = build_tree(report);
    let t = &report.totals;
    let mut o = String::with_capacity(16 * 1024 + nodes.len() * 300);
    let title = format!("ctxsize: {}", report.context);
    o.push_str("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n");
    o.push_str("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n");
    // Nothing may load from anywhere: no network, no inline frames, no plugins.
    o.push_str("<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'\">\n");
    let _ = writeln!(o, "<title>{}</title>", esc(&title));
    o.push_str(STYLE);
    // Category colours.
    o.push_str("<style>\n");
    let mut present: Vec<&str> = report
        .categories
        .iter()
        .map(|c| c.category.as_str())
        .collect();
    for f in &report.findings {
        if !present.contains(&f.category.as_str()) {
            present.push(f.category.as_str());
        }
    }
    for c in &present {
        let _ = writeln!(
            o,
            ".{cls}{{background:{col}}} .{cls}.dir,.{cls}.finding{{background:color-mix(in srgb,{col} 70%,#fff)}}",
            cls = class_name(c),
            col = colour(c)
        );
    }
    o.push_str("</style>\n</head>\n<body>\n");

    // Header and totals.
    let _ = writeln!(
        o,
        "<header><h1>Build context <code>{}</code></h1>",
        esc(&report.context)
    );
    let _ = writeln!(
        o,
        "<p class=\"meta\">{} · Dockerfile <code>{}</code> · ignore file {}</p>",
        esc(report.builder.name()),
        esc(&report.dockerfile),
        report
            .ignore_file
            .as_deref()
            .map(|f| format!("<code>{}</code>", esc(f)))
            .unwrap_or_else(|| "none".to_string())
    );
    o.push_str(
        "<table class=\"totals\"><tr><th></th><th>files</th><th>size</th><th>bytes</th></tr>\n",
    );
    let mut total_row = |name: &str, files: Option<u64>, bytes: u64, id: &str| {
        let _ = writeln!(
            o,
            "<tr id=\"{id}\"><td>{name}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            files.map(count).unwrap_or_default(),
            size(bytes),
            count(bytes)
        );
    };
    total_row("Sent", Some(t.files), t.content_bytes, "t-sent");
    total_row("Tar (classic upload)", None, t.tar_bytes, "t-tar");
    total_row(
        if report.excluded_measured {
            "Kept out by the ignore file"
        } else {
            "Kept out by the ignore file (not measured in full: --no-excluded-sizes)"
        },
        Some(t.excluded_files),
        t.excluded_bytes,
        "t-kept",
    );
    if let Some(b) = report.transfer_bytes {
        total_row(
            "Transferred for COPY/ADD",
            report.transfer_files,
            b,
            "t-transfer",
        );
    }
    o.push_str("</table>\n</header>\n");

    // The map.
    o.push_str(
        "<main>\n<section class=\"mapbox\">\n<nav id=\"crumbs\" aria-label=\"zoom\"></nav>\n",
    );
    o.push_str("<div id=\"map\" role=\"img\" aria-label=\"treemap of the build context\">\n");
    for (i, n) in nodes.iter().enumerate().skip(1) {
        let mut cls = format!("n {}", n.kind.class());
        if let Some(c) = &n.category {
            cls.push(' ');
            cls.push_str(&class_name(c));
        }
        if !n.children.is_empty() {
            cls.push_str(" parent");
        }
        // Tooltip lines, each escaped; joined by a newline character reference.
        let mut tip: Vec<String> = Vec::new();
        tip.push(match n.kind {
            Kind::Sent => "sent to the builder".to_string(),
            Kind::KeptOut => "kept out by the ignore file".to_string(),
            Kind::Other if n.path.is_empty() => format!("{} (context root)", n.label),
            Kind::Other => format!("{} in {}/", n.label, n.path),
            Kind::Dir => format!("{}/", n.path),
            _ => n.path.clone(),
        });
        let mut line = format!("{} ({} bytes)", size(n.bytes), count(n.bytes));
        if let Some(f) = n.files {
            let _ = write!(line, " · {}", files(f));
        }
        tip.push(line);
        if let Some(note) = &n.note {
            tip.push(note.clone());
        } else if let Some(c) = &n.category {
            tip.push(format!("inside a {c} finding"));
        }
        let tip = tip.iter().map(|l| esc(l)).collect::<Vec<_>>().join("&#10;");
        let r = n.rect;
        let c = n.inner;
        let _ = writeln!(
            o,
            "<div class=\"{cls}\" id=\"n{i}\" data-parent=\"{}\" data-depth=\"{}\" data-bytes=\"{}\" data-path=\"{}\" data-r=\"{:.4} {:.4} {:.4} {:.4}\" data-c=\"{:.4} {:.4} {:.4} {:.4}\" title=\"{}\" style=\"left:{:.4}%;top:{:.4}%;width:{:.4}%;height:{:.4}%\"><span>{}</span></div>",
            n.parent.unwrap_or(0),
            n.depth,
            n.bytes,
            esc(&n.path),
            r.x, r.y, r.w, r.h,
            c.x, c.y, c.w, c.h,
            tip,
            r.x / W * 100.0,
            r.y / H * 100.0,
            r.w / W * 100.0,
            r.h / H * 100.0,
            esc(&format!("{} {}", n.label, size(n.bytes))),
        );
    }
    o.push_str("</div>\n<p class=\"hint\">Click a directory to zoom in, the path above to zoom out; hover for sizes.</p>\n</section>\n");

    // Legend and findings.
    o.push_str("<aside>\n<h2>Legend</h2>\n<ul class=\"legend\">\n");
    o.push_str("<li><i class=\"sw file\"></i>sent, no finding</li>\n");
    o.push_str("<li><i class=\"sw other\"></i>sent, smaller files together</li>\n");
    let _ = writeln!(
        o,
        "<li><i class=\"sw kept\"></i>kept out by the ignore file: {} in {}</li>",
        size(t.excluded_bytes),
        files(t.excluded_files)
    );
    for c in &present {
        let total = report.categories.iter().find(|x| x.category == *c);
        let _ = writeln!(
            o,
            "<li><i class=\"sw {}\"></i>{}{}</li>",
            class_name(c),
            esc(c),
            total
                .map(|x| format!(": {} in {}", size(x.bytes), files(x.files)))
                .unwrap_or_default()
        );
    }
    o.push_str("</ul>\n");
    let _ = writeln!(o, "<h2>Findings ({})</h2>", report.findings.len());
    if report.findings.is_empty() {
        o.push_str("<p>Nothing that looks out of place.</p>\n");
    } else {
        o.push_str("<table class=\"findings\"><tr><th>severity</th><th>rule</th><th>path</th><th>size</th><th>.dockerignore fix</th></tr>\n");
        for f in &report.findings {
            let line = f.line.map(|l| format!(":{l}")).unwrap_or_default();
            let _ = writeln!(
                o,
                "<tr class=\"sev-{}\" data-path=\"{}\" title=\"{}\"><td>{}</td><td><i class=\"sw {}\"></i>{}</td><td><code>{}{}</code></td><td>{}</td><td><code>{}</code></td></tr>",
                esc(&f.severity),
                esc(&trim(&f.path)),
                esc(&format!("{} ({}): {}", f.category, f.severity, f.message)),
                esc(&f.severity),
                class_name(&f.category),
                esc(&f.rule),
                esc(&f.path),
                line,
                size(f.bytes),
                esc(&f.fix),
            );
        }
        o.push_str("</table>\n");
    }
    if !report.notes.is_empty() || !report.warnings.is_empty() {
        o.push_str("<h2>Notes</h2>\n<ul>\n");
        for n in report.notes.iter().chain(&report.warnings) {
            let _ = writeln!(o, "<li>{}</li>", esc(n));
        }
        o.push_str("</ul>\n");
    }
    o.push_str("</aside>\n</main>\n");
    let _ = writeln!(
        o,
        "<footer>ctxsize {} · the map is drawn from the report's largest directories ({} per level), largest files and findings; the rest of each directory is one rectangle.</footer>",
        esc(env!("CARGO_PKG_VERSION")),
        report.largest_files.len().max(1)
    );
    o.push_str(SCRIPT);
    o.push_str("</body>\n</html>\n");
    o
}

const STYLE: &str = r#"<style>
*{box-sizing:border-box}
body{font:14px/1.4 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:0;padding:16px 20px;color:#1d2329;background:#fafbfc}
h1{font-size:20px;margin:0 0 4px}h2{font-size:15px;margin:14px 0 6px}
code{font:12px ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;word-break:break-all}
.meta{margin:0 0 8px;color:#555}
table{border-collapse:collapse}td,th{padding:2px 8px;text-align:left;vertical-align:top}
.totals td:nth-child(n+2),.totals th:nth-child(n+2){text-align:right}
.totals tr:nth-child(even),.findings tr:nth-child(even){background:#f0f2f4}
main{display:flex;gap:20px;align-items:flex-start;margin-top:10px}
.mapbox{flex:3 1 640px;min-width:320px}
aside{flex:1 1 300px;max-width:560px;font-size:13px}
#crumbs{margin-bottom:6px;min-height:20px}
#crumbs a{color:#0b5cad;cursor:pointer;text-decoration:underline}
#map{position:relative;width:100%;aspect-ratio:1000/600;background:#fff;border:1px solid #c8ccd0;overflow:hidden}
.n{position:absolute;overflow:hidden;border:1px solid rgba(255,255,255,.9);color:#111;font-size:11px;line-height:13px;padding:0 3px;white-space:nowrap;text-overflow:ellipsis}
.n span{pointer-events:none}
.n.hide{display:none}.n.nolabel span{visibility:hidden}
.n.parent{cursor:zoom-in}
.sent{background:#dde8f3}.dir{background:#b9d1ea}.file{background:#6b9bd1}.other{background:#cfdbe8}
.finding{background:#f2b8b8}
.kept,.sw.kept{background:repeating-linear-gradient(45deg,#d6d6d6 0 6px,#ececec 6px 12px)}
.n:hover{outline:2px solid #1d2329;z-index:2}
.n.flash{outline:3px solid #000;z-index:3}
.legend{list-style:none;padding:0;margin:0}.legend li{margin:2px 0}
.sw{display:inline-block;width:12px;height:12px;margin-right:6px;vertical-align:-1px;border:1px solid #999}
.sev-high td:first-child{color:#b00;font-weight:600}.sev-medium td:first-child{color:#a60}
.findings tr[data-path]{cursor:pointer}
.hint,footer{color:#666;font-size:12px}
footer{margin-top:16px}
</style>
"#;

const SCRIPT: &str = r##"<script>
"use strict";
(function () {
  window.addEventListener("error", function (e) { document.body.dataset.jsError = String(e.message); });
  var map = document.getElementById("map");
  var crumbs = document.getElementById("crumbs");
  var nodes = Array.prototype.slice.call(map.querySelectorAll(".n"));
  var byId = {};
  var W = 1000, H = 600;
  nodes.forEach(function (el) {
    var r = el.dataset.r.split(" ").map(Number), c = el.dataset.c.split(" ").map(Number);
    el._r = r; el._c = c; el._parent = Number(el.dataset.parent);
    byId[el.id.slice(1)] = el;
  });
  function chain(id) {
    var out = [];
    while (id && byId[id]) { out.unshift(byId[id]); id = String(byId[id]._parent); }
    return out;
  }
  function within(el, id) {
    var p = el;
    while (p) { if (p.id === "n" + id) return true; p = byId[String(p._parent)]; }
    return false;
  }
  function zoom(id) {
    var v = id === "0" ? [0, 0, W, H] : byId[id]._c;
    if (!(v[2] > 0 && v[3] > 0)) return;
    var ratio = Math.min(Math.max(v[2] / v[3], 1.1), 2.4);
    map.style.aspectRatio = String(ratio);
    var pw = map.clientWidth, ph = map.clientHeight;
    nodes.forEach(function (el) {
      var r = el._r;
      var inside = id === "0" ? true : (el.id !== "n" + id && within(el, id));
      var w = r[2] / v[2] * pw, h = r[3] / v[3] * ph;
      if (!inside || w < 2 || h < 2) { el.classList.add("hide"); return; }
      el.classList.remove("hide");
      el.style.left = ((r[0] - v[0]) / v[2] * 100) + "%";
      el.style.top = ((r[1] - v[1]) / v[3] * 100) + "%";
      el.style.width = (r[2] / v[2] * 100) + "%";
      el.style.height = (r[3] / v[3] * 100) + "%";
      el.classList.toggle("nolabel", w < 36 || h < 13);
    });
    crumbs.textContent = "";
    var parts = [{ id: "0", label: "context" }].concat(chain(id).map(function (el) {
      return { id: el.id.slice(1), label: el.dataset.path ? el.dataset.path.split("/").pop() : el.querySelector("span").textContent.replace(/ [^ ]+ [^ ]+$/, "") };
    }));
    parts.forEach(function (p, k) {
      if (k) crumbs.appendChild(document.createTextNode(" › "));
      var a = document.createElement(k === parts.length - 1 ? "b" : "a");
      a.textContent = p.label;
      if (k !== parts.length - 1) a.addEventListener("click", function () { zoom(p.id); });
      crumbs.appendChild(a);
    });
    current = id;
    if (history.replaceState) { try { history.replaceState(null, "", "#zoom=" + id); } catch (e) { /* file: URLs may refuse */ } }
    // The rendered rectangles, readable by tests and tools (CSS pixels, relative to the map).
    var box = map.getBoundingClientRect();
    map.dataset.px = box.width.toFixed(3) + " " + box.height.toFixed(3);
    nodes.forEach(function (el) {
      if (el.classList.contains("hide")) { delete el.dataset.px; return; }
      var b = el.getBoundingClientRect();
      el.dataset.px = [b.left - box.left, b.top - box.top, b.width, b.height].map(function (x) { return x.toFixed(3); }).join(" ");
    });
  }
  var current = "1";
  nodes.forEach(function (el) {
    el.addEventListener("click", function (ev) {
      ev.stopPropagation();
      var target = el.classList.contains("parent") ? el : byId[String(el._parent)];
      if (target && target.id.slice(1) !== current) zoom(target.id.slice(1));
    });
  });
  Array.prototype.slice.call(document.querySelectorAll(".findings tr[data-path]")).forEach(function (tr) {
    tr.addEventListener("click", function () {
      var el = nodes.filter(function (n) { return n.dataset.path === tr.dataset.path && !n.classList.contains("other"); })[0];
      if (!el) return;
      zoom(String(el._parent) === "0" ? "1" : String(el._parent));
      el.classList.add("flash");
      setTimeout(function () { el.classList.remove("flash"); }, 1500);
    });
  });
  window.addEventListener("resize", function () { zoom(current); });
  // #zoom=12 in the address opens the page zoomed into that rectangle (zooming updates it).
  var start = /^#zoom=(\d+)$/.exec(location.hash);
  zoom(start && (start[1] === "0" || byId[start[1]]) ? start[1] : (byId["1"] && byId["1"]._c[2] > 0 ? "1" : "0"));
  document.body.dataset.ready = "1";
})();
</script>
"##;

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::Totals;
    use crate::report::{CategoryTotal, DirSize, FileSize, Finding};
    use crate::Builder;

    fn report(
        files: &[(&str, u64)],
        dirs: &[(&str, u64, u64, usize)],
        findings: Vec<Finding>,
    ) -> Report {
        let content: u64 = files
            .iter()
            .filter(|f| !f.0.contains('/'))
            .map(|f| f.1)
            .sum::<u64>()
            + dirs.iter().filter(|d| d.3 == 1).map(|d| d.1).sum::<u64>();
        let mut categories: Vec<CategoryTotal> = Vec::new();
        for f in &findings {
            categories.push(CategoryTotal {
                category: f.category.clone(),
                files: f.files,
                bytes: f.bytes,
                findings: 1,
            });
        }
        Report {
            excluded_measured: true,
            schema_version: 1,
            context: "/ctx".into(),
            builder: Builder::Buildkit,
            engine: "docker",
            dockerfile: "/ctx/Dockerfile".into(),
            ignore_file: Some("/ctx/.dockerignore".into()),
            totals: Totals {
                files: 10,
                dirs: 2,
                symlinks: 0,
                other: 0,
                content_bytes: content,
                tar_bytes: content + 10_240,
                excluded_files: 3,
                excluded_bytes: 5_000,
            },
            findings,
            categories,
            largest_files: files
                .iter()
                .map(|(p, b)| FileSize {
                    path: p.to_string(),
                    bytes: *b,
                })
                .collect(),
            largest_dirs: dirs
                .iter()
                .map(|(p, b, f, d)| DirSize {
                    path: p.to_string(),
                    bytes: *b,
                    files: *f,
                    depth: *d,
                })
                .collect(),
            notes: vec![],
            warnings: vec![],
            transfer_files: None,
            transfer_bytes: None,
            transfer_whole_context: None,
            dockerfile_checks: None,
            layers: None,
            root_files: None,
            image_files: None,
            image_bytes: None,
            copy_excluded: None,
            contexts: Vec::new(),
            total: None,
        }
    }

    fn finding(rule: &str, category: &str, path: &str, bytes: u64) -> Finding {
        Finding {
            rule: rule.into(),
            category: category.into(),
            severity: "high".into(),
            path: path.into(),
            files: 1,
            bytes,
            message: "m".into(),
            fix: path.into(),
            line: None,
            clean: false,
        }
    }

    fn sample() -> Report {
        report(
            &[("big.bin", 400_000), ("src/main.rs", 50_000), (".env", 100)],
            &[
                ("src", 200_000, 7, 1),
                ("src/lib", 120_000, 4, 2),
                ("node_modules", 300_000, 900, 1),
            ],
            vec![
                finding("CTX101", "secret", ".env", 100),
                finding("CTX301", "dependencies", "node_modules", 300_000),
            ],
        )
    }

    #[test]
    fn tree_is_consistent() {
        let r = sample();
        let nodes = build_tree(&r);
        // Every parent holds at least its children, and children tile the parent's inner area
        // in proportion to their bytes.
        for (i, n) in nodes.iter().enumerate() {
            if n.children.is_empty() {
                continue;
            }
            let sum: u64 = n.children.iter().map(|&c| nodes[c].bytes).sum();
            assert!(
                sum <= n.bytes,
                "node {i} {:?}: children {sum} > {}",
                n.label,
                n.bytes
            );
            if n.kind != Kind::Root {
                assert_eq!(
                    sum, n.bytes,
                    "node {i} {:?}: the rest is an 'other' node",
                    n.label
                );
            }
            let inner = n.inner.area();
            for &c in &n.children {
                let want = nodes[c].bytes as f64 / sum as f64 * inner;
                assert!((nodes[c].rect.area() - want).abs() <= 1e-6 * inner.max(1.0));
                let (p, k) = (n.inner, nodes[c].rect);
                assert!(k.x >= p.x - 1e-9 && k.y >= p.y - 1e-9);
                assert!(k.x + k.w <= p.x + p.w + 1e-9 && k.y + k.h <= p.y + p.h + 1e-9);
            }
        }
        let find = |p: &str| {
            nodes
                .iter()
                .position(|n| n.path == p && n.kind != Kind::Other)
                .unwrap()
        };
        // src/main.rs sits in src (src/lib is a sibling), src/lib in src.
        assert_eq!(nodes[find("src/main.rs")].parent, Some(find("src")));
        assert_eq!(nodes[find("src/lib")].parent, Some(find("src")));
        // The dependency finding colours node_modules and what is inside it.
        let nm = find("node_modules");
        assert_eq!(nodes[nm].category.as_deref(), Some("dependencies"));
        assert_eq!(nodes[find(".env")].category.as_deref(), Some("secret"));
        assert_eq!(nodes[find("big.bin")].category, None);
        // Sent and kept out split the root by bytes.
        assert_eq!(nodes[1].kind, Kind::Sent);
        assert_eq!(nodes[2].kind, Kind::KeptOut);
        assert_eq!(nodes[2].bytes, 5_000);
    }

    #[test]
    fn self_contained_and_escaped() {
        let mut r = sample();
        let evil = "a<script>alert(1)</script>\"'&\u{1b}[31m.txt";
        r.largest_files.push(FileSize {
            path: evil.into(),
            bytes: 10,
        });
        r.findings.push(finding("CTX999", "secret\"><b>", evil, 10));
        r.context = "/ctx/<i>x</i>".into();
        let h = html(&r);
        assert!(h.starts_with("<!DOCTYPE html>"));
        // Nothing loads from anywhere.
        for bad in ["http://", "https://", "src=", "href=", "@import", "url("] {
            assert!(!h.contains(bad), "{bad} in the page");
        }
        assert!(h.contains("default-src 'none'"));
        // Names are text, never markup.
        assert!(!h.contains("<script>alert"));
        assert!(!h.contains("<i>x</i>"));
        assert!(!h.contains("<b>"));
        assert!(h.contains("a&lt;script&gt;alert(1)&lt;/script&gt;&quot;&#39;&amp;\\x1b[31m.txt"));
        // Exactly one script element: ours.
        assert_eq!(h.matches("<script").count(), 1);
        // Category names become safe class names.
        assert!(h.contains("c-secret___b_"));
    }

    #[test]
    fn totals_legend_and_findings_are_shown() {
        let h = html(&sample());
        assert!(
            h.contains(
                "<tr id=\"t-sent\"><td>Sent</td><td>10</td><td>900.10 kB</td><td>900,100</td></tr>"
            ),
            "{h}"
        );
        assert!(h.contains("<tr id=\"t-kept\"><td>Kept out by the ignore file</td><td>3</td><td>5 kB</td><td>5,000</td></tr>"));
        assert!(h.contains("Findings (2)"));
        assert!(h.contains("<i class=\"sw c-secret\"></i>secret: 100 B in 1 file</li>"));
        assert!(
            h.contains("<i class=\"sw c-dependencies\"></i>dependencies: 300 kB in 1 file</li>")
        );
        assert!(h.contains("title=\"node_modules/&#10;300 kB (300,000 bytes) · 900 files&#10;CTX301 dependencies (high): m\""));
    }

    #[test]
    fn empty_context() {
        let r = report(&[], &[], vec![]);
        let h = html(&r);
        assert!(h.contains("Nothing that looks out of place."));
        let nodes = build_tree(&r);
        assert_eq!(nodes[1].bytes, 0);
        assert!(nodes
            .iter()
            .all(|n| n.rect.w.is_finite() && n.rect.h.is_finite()));
    }

    #[test]
    fn large_reports_stay_bounded() {
        let findings: Vec<Finding> = (0..5000)
            .map(|i| finding("CTX401", "logs", &format!("logs/{i}.log"), 10))
            .collect();
        let mut r = report(&[], &[("logs", 50_000, 5000, 1)], findings);
        r.totals.content_bytes = 50_000;
        let nodes = build_tree(&r);
        assert!(nodes.len() <= MAX_FINDING_NODES + 10, "{}", nodes.len());
        let logs = nodes.iter().position(|n| n.path == "logs").unwrap();
        let sum: u64 = nodes[logs].children.iter().map(|&c| nodes[c].bytes).sum();
        assert_eq!(sum, 50_000);
    }

    /// A browser on PATH, if any.
    fn browser() -> Option<&'static str> {
        ["chromium", "chromium-browser", "google-chrome"]
            .into_iter()
            .find(|b| {
                std::process::Command::new(b)
                    .arg("--version")
                    .output()
                    .map(|o| o.status.success())
                    .unwrap_or(false)
            })
    }

    /// Loads `url` in headless `browser` and returns the DOM after the page's script ran.
    fn dump_dom(browser: &str, dir: &std::path::Path, url: &str) -> String {
        // Output to files (no pipe to fill up), and a time limit: a browser that hangs fails
        // the test instead of stalling it.
        let (dom_path, err_path) = (dir.join("dom.html"), dir.join("stderr.txt"));
        let mut child = std::process::Command::new(browser)
            .args([
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--window-size=1200,900",
                "--virtual-time-budget=2000",
            ])
            .arg(format!("--user-data-dir={}", dir.join("profile").display()))
            .arg("--dump-dom")
            .arg(url)
            .stdout(std::fs::File::create(&dom_path).unwrap())
            .stderr(std::fs::File::create(&err_path).unwrap())
            .spawn()
            .unwrap();
        let start = std::time::Instant::now();
        while child.try_wait().unwrap().is_none() {
            if start.elapsed() > std::time::Duration::from_secs(120) {
                let _ = child.kill();
                panic!("{browser} did not finish within 120 s");
            }
            std::thread::sleep(std::time::Duration::from_millis(50));
        }
        let dom = std::fs::read_to_string(&dom_path).unwrap();
        let stderr = std::fs::read_to_string(&err_path).unwrap_or_default();
        assert!(
            dom.contains("data-ready=\"1\""),
            "the script did not finish: {stderr}"
        );
        assert!(!dom.contains("data-js-error"), "script error in {dom}");
        dom
    }

    /// The rectangle the browser drew for the node with this path (not an "other" node), in CSS
    /// pixels: x, y, width, height. `None` when it is not shown.
    fn drawn(dom: &str, path: &str) -> Option<Vec<f64>> {
        let mut rest = dom;
        while let Some(at) = rest.find(&format!("data-path=\"{path}\"")) {
            let open = rest[..at].rfind('<').unwrap();
            let tag = &rest[open..];
            let tag = &tag[..tag.find('>').unwrap()];
            rest = &rest[at + 1..];
            if tag.contains(" other") {
                continue;
            }
            let px = tag.split("data-px=\"").nth(1)?;
            return Some(
                px[..px.find('"').unwrap()]
                    .split(' ')
                    .map(|x| x.parse().unwrap())
                    .collect(),
            );
        }
        None
    }

    /// Renders a small known tree in headless Chromium and reads back the rectangles the browser
    /// drew: sibling areas proportional to bytes within 1%, no script error; then zoomed into a
    /// directory (`#zoom=N`), its files fill the map.
    #[test]
    fn renders_in_headless_chromium() {
        let Some(browser) = browser() else {
            eprintln!("SKIPPED renders_in_headless_chromium: no chromium, chromium-browser or google-chrome on PATH");
            return;
        };
        let r = report(
            &[
                ("a.bin", 400_000),
                ("b.bin", 300_000),
                ("c.bin", 100_000),
                ("d/x.bin", 150_000),
                ("d/y.bin", 50_000),
            ],
            &[("d", 200_000, 2, 1)],
            vec![],
        );
        let dir = tempfile::tempdir().unwrap();
        let page = dir.path().join("report.html");
        let text = html(&r);
        std::fs::write(&page, &text).unwrap();
        let dom = dump_dom(browser, dir.path(), page.to_str().unwrap());
        let sent = [
            ("a.bin", 400_000.0),
            ("b.bin", 300_000.0),
            ("c.bin", 100_000.0),
            ("d", 200_000.0),
        ];
        let areas: Vec<f64> = sent
            .iter()
            .map(|(name, _)| {
                let v = drawn(&dom, name).unwrap_or_else(|| panic!("{name} not drawn"));
                assert!(v[2] > 20.0 && v[3] > 20.0, "{name}: {v:?}");
                v[2] * v[3]
            })
            .collect();
        let total: f64 = areas.iter().sum();
        for ((name, bytes), area) in sent.iter().zip(&areas) {
            let (share, want) = (area / total, bytes / 1_000_000.0);
            assert!(
                (share - want).abs() / want < 0.01,
                "{name}: {share} of the area, want {want}"
            );
        }

        // Zoomed into d/: its two files fill the map, 3:1.
        let at = text.find("data-path=\"d\"").unwrap();
        let id = &text[text[..at].rfind("id=\"n").unwrap() + 5..];
        let id = &id[..id.find('"').unwrap()];
        let url = format!("file://{}#zoom={id}", page.display());
        let dom = dump_dom(browser, dir.path(), &url);
        assert!(drawn(&dom, "a.bin").is_none(), "a.bin is outside d/");
        let x = drawn(&dom, "d/x.bin").expect("d/x.bin drawn");
        let y = drawn(&dom, "d/y.bin").expect("d/y.bin drawn");
        let ratio = (x[2] * x[3]) / (y[2] * y[3]);
        assert!((ratio - 3.0).abs() / 3.0 < 0.01, "x:y = {ratio}");
        let map = &dom[dom.find("id=\"map\"").unwrap()..];
        let px = &map[map.find("data-px=\"").unwrap() + 9..];
        let (mw, mh) = px[..px.find('"').unwrap()].split_once(' ').unwrap();
        let (mw, mh): (f64, f64) = (mw.parse().unwrap(), mh.parse().unwrap());
        let filled = x[2] * x[3] + y[2] * y[3];
        assert!(filled >= 0.95 * mw * mh, "{filled} of {mw}×{mh}");
    }
}
