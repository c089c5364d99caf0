//! `extends` (Compose specification, "Extends"): a service starts from another one, in the same
//! file (`extends: base` or `extends: {service: base}`) or in another (`extends: {file:
//! common.yml, service: base}`), and its own keys are merged over it as an override file is.
//! Relative build contexts of a service from another file are relative to that file.

use std::path::Path;

use serde_yaml_ng::{Mapping, Value};

/// Longest chain of `extends` followed (a longer one is taken for a cycle).
const MAX_DEPTH: usize = 16;

/// Replaces every service that has `extends` with the service it extends, its own keys merged
/// over; `dir` is the file's directory.
pub(super) fn apply(doc: &mut Value, dir: &Path) -> Result<(), String> {
    let Some(Value::Mapping(services)) = doc.get("services") else {
        return Ok(());
    };
    let mut done = Vec::new();
    for (name, svc) in services {
        if svc.get("extends").is_some() {
            done.push((name.clone(), resolved(svc, services, dir, 0)?));
        }
    }
    if let Some(Value::Mapping(services)) = doc.get_mut("services") {
        for (name, svc) in done {
            services.insert(name, svc);
        }
    }
    Ok(())
}

fn resolved(svc: &Value, services: &Mapping, dir: &Path, depth: usize) -> Result<Value, String> {
    let Some(ext) = svc.get("extends") else {
        return Ok(svc.clone());
    };
    if depth >= MAX_DEPTH {
        return Err("`extends` goes round in a cycle".into());
    }
    let (file, name) = match ext {
        Value::String(s) => (None, s.as_str()),
        Value::Mapping(m) => (
            m.get("file").and_then(Value::as_str),
            m.get("service")
                .and_then(Value::as_str)
                .ok_or("`extends` without `service`")?,
        ),
        _ => return Err("`extends` is neither a service name nor a mapping".into()),
    };
    let mut base = match file {
        None => {
            let b = services
                .get(name)
                .ok_or_else(|| format!("`extends` names service {name}, which is not defined"))?;
            resolved(b, services, dir, depth + 1)?
        }
        Some(f) => {
            let path = crate::context::absolute(dir, Path::new(f));
            let text = std::fs::read_to_string(&path)
                .map_err(|e| format!("`extends` file {}: {e}", path.display()))?;
            let doc = super::yaml(&text).map_err(|e| format!("{}: {e}", path.display()))?;
            let other_dir = path.parent().unwrap_or(dir);
            let Some(Value::Mapping(other)) = doc.get("services") else {
                return Err(format!("{}: no `services`", path.display()));
            };
            let b = other.get(name).ok_or_else(|| {
                format!(
                    "`extends` names service {name}, which {} does not define",
                    path.display()
                )
            })?;
            let mut r = resolved(b, other, other_dir, depth + 1)?;
            rebase(&mut r, other_dir);
            r
        }
    };
    let mut own = svc.clone();
    if let Value::Mapping(m) = &mut own {
        m.remove("extends");
    }
    super::overlay(&mut base, own);
    Ok(base)
}

/// A service read from another file: its build context made absolute against that file's
/// directory (`build:` with no context is that directory).
fn rebase(svc: &mut Value, dir: &Path) {
    let Some(build) = svc.get_mut("build") else {
        return;
    };
    super::build_mapping(build);
    let Value::Mapping(b) = build else {
        return;
    };
    let ctx = b.get("context").and_then(Value::as_str).unwrap_or(".");
    if !super::is_remote(ctx) && !ctx.contains('$') {
        let abs = crate::context::absolute(dir, Path::new(ctx));
        b.insert("context".into(), Value::String(abs.display().to_string()));
    }
}
