//! The lazy islands' WASM files, read from the split manifest `cargo leptos build --split`
//! writes beside the main bundle. A page that shows a lazy island names the files it will
//! fetch in its head, so the browser fetches them beside the main WASM instead of after it.
use std::collections::HashMap;
use std::path::Path;
use std::sync::OnceLock;

/// Module name → the files (without `.wasm`) it loads, from the manifest in `pkg_dir`
/// (none when the site was built without `--split`).
fn read(pkg_dir: &Path) -> HashMap<String, Vec<String>> {
    std::fs::read_dir(pkg_dir)
        .into_iter()
        .flatten()
        .flatten()
        .find(|e| {
            let name = e.file_name();
            let name = name.to_string_lossy();
            name.starts_with("__wasm_split_manifest") && name.ends_with(".json")
        })
        .and_then(|e| std::fs::read_to_string(e.path()).ok())
        .and_then(|text| serde_json::from_str(&text).ok())
        .unwrap_or_default()
}

/// The addresses of the WASM files the lazy island whose loader is named `loader`
/// ("console_loader") fetches, under the site's `/pkg_url` path. Read once per process.
pub fn preloads(site_root: &str, pkg_dir: &str, loader: &str) -> Vec<String> {
    static MANIFEST: OnceLock<HashMap<String, Vec<String>>> = OnceLock::new();
    let manifest = MANIFEST.get_or_init(|| read(&Path::new(site_root).join(pkg_dir)));
    files_for(manifest, loader)
        .into_iter()
        .map(|f| format!("/{pkg_dir}/{f}.wasm"))
        .collect()
}

/// The files of the module named `loader`, or `loader` followed by its number (a lazy
/// island's loader is numbered; a split function's module is named as written).
fn files_for(manifest: &HashMap<String, Vec<String>>, loader: &str) -> Vec<String> {
    let prefix = format!("{loader}_");
    manifest
        .iter()
        .find(|(module, _)| {
            module.as_str() == loader
                || module
                    .strip_prefix(&prefix)
                    .is_some_and(|n| n.chars().all(|c| c.is_ascii_digit()))
        })
        .map(|(_, files)| files.clone())
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_lazy_island_names_its_own_files_and_no_other_island_s() {
        let dir = std::env::temp_dir().join(format!("qc-split-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(
            dir.join("__wasm_split_manifest.AbC.json"),
            r#"{"console_loader_123":["chunk_4.x","split_console_loader_123.y"],"live_tally_loader_9":["chunk_4.x","split_live_tally_loader_9.z"],"later_activities":["chunk_4.x","split_later_activities.w"]}"#,
        )
        .unwrap();
        let manifest = read(&dir);
        assert_eq!(
            files_for(&manifest, "console_loader"),
            ["chunk_4.x", "split_console_loader_123.y"]
        );
        assert_eq!(
            files_for(&manifest, "live_tally_loader"),
            ["chunk_4.x", "split_live_tally_loader_9.z"]
        );
        assert_eq!(
            files_for(&manifest, "later_activities"),
            ["chunk_4.x", "split_later_activities.w"]
        );
        // "tally_loader" is not the start of "live_tally_loader_9".
        assert!(files_for(&manifest, "tally_loader").is_empty());
        assert!(
            read(&dir.join("nowhere")).is_empty(),
            "a site built without --split"
        );
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
