//! The module layers of docs/ARCHITECTURE.md, checked against the code:
//! a module may use the ones in layers below its own, never one above, and
//! never another module of its own layer. A `crate::…` (or, in the binary's
//! `cli`, `sponsorlint::…`) path that points up or sideways fails here.

use std::path::{Path, PathBuf};

/// Lowest first. `lib` is the library's root (re-exports only) and `cli`
/// the binary (`main.rs` and `cli/`).
const LAYERS: &[&[&str]] = &[
    &["post", "limits", "calendar", "json_bytes"],
    &["finding"],
    &["fingerprint"],
    &["diag"],
    &["rules"],
    &["engine"],
    &["input", "report", "fetch", "fix"],
    &["triage", "config"],
    &["packs"],
    &["batch", "checker"],
    &["lib"],
    &["cli"],
];

fn layer_of(module: &str) -> Option<usize> {
    LAYERS.iter().position(|layer| layer.contains(&module))
}

/// The top-level module a source file belongs to.
fn module_of(file: &Path, src: &Path) -> String {
    let relative = file.strip_prefix(src).unwrap();
    let first = relative.components().next().unwrap().as_os_str().to_string_lossy();
    match first.trim_end_matches(".rs") {
        "main" => "cli".to_string(),
        other => other.to_string(),
    }
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|ext| ext == "rs") {
            out.push(path);
        }
    }
}

/// The modules a file names through `prefix` (`crate::` or `sponsorlint::`),
/// with the line they are named on.
fn named_modules(text: &str, prefix: &str) -> Vec<(usize, String)> {
    let mut found = Vec::new();
    for (number, line) in text.lines().enumerate() {
        let code = line.split("//").next().unwrap_or("");
        let mut rest = code;
        while let Some(at) = rest.find(prefix) {
            let after = &rest[at + prefix.len()..];
            let name: String =
                after.chars().take_while(|c| c.is_ascii_alphanumeric() || *c == '_').collect();
            if !name.is_empty() {
                found.push((number + 1, name));
            }
            rest = after;
        }
    }
    found
}

#[test]
fn modules_only_use_the_layers_below_their_own() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    rust_files(&src, &mut files);
    files.sort();
    let mut wrong = Vec::new();
    for file in &files {
        let module = module_of(file, &src);
        let Some(own) = layer_of(&module) else {
            wrong.push(format!("{}: module `{module}` is in no layer", file.display()));
            continue;
        };
        let text = std::fs::read_to_string(file).unwrap();
        let prefix = if module == "cli" { "sponsorlint::" } else { "crate::" };
        for (line, used) in named_modules(&text, prefix) {
            // In the binary, `crate::cli` is the binary's own module.
            if used == module || (module == "cli" && used == "cli") {
                continue;
            }
            match layer_of(&used) {
                Some(layer) if layer < own => {}
                Some(layer) => wrong.push(format!(
                    "{}:{line}: `{module}` uses `{used}`, {}",
                    file.display(),
                    if layer == own { "a module of its own layer" } else { "a layer above it" }
                )),
                None => {} // an item of the crate root, not a module
            }
        }
    }
    assert!(wrong.is_empty(), "imports against the layers:\n{}", wrong.join("\n"));
}

#[test]
fn the_layers_are_the_ones_the_architecture_documents() {
    let architecture =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/ARCHITECTURE.md"))
            .unwrap();
    let documented: Vec<String> = LAYERS
        .iter()
        .map(|layer| {
            layer.iter().map(|module| format!("`{module}`")).collect::<Vec<_>>().join(", ")
        })
        .collect();
    for layer in documented {
        assert!(
            architecture.contains(&layer),
            "docs/ARCHITECTURE.md does not list the layer {layer}"
        );
    }
}
