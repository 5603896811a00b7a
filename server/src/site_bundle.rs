//! The compiled site (wasm, JS, CSS) this binary's pages link to. Each build profile
//! writes its own, beside the binary and its `hash.txt` (`scripts/env.sh`: `leptos_build`),
//! so a debug build never replaces the bundle under a running release server. A bundle
//! missing, or left by another build, is reported by `/readyz` and the start-up log
//! instead of showing up as 404s for every page's assets.

use std::path::{Path, PathBuf};

/// Written by cargo-leptos next to the binary: the content hashes in the bundle's names.
pub const HASH_FILE: &str = "hash.txt";

fn beside_this_binary(name: &str) -> Option<PathBuf> {
    let exe = std::env::current_exe().ok()?;
    Some(exe.parent()?.join(name))
}

/// Where this binary's build wrote its site: `site` beside the executable.
pub fn default_root() -> PathBuf {
    beside_this_binary("site").unwrap_or_else(|| PathBuf::from("target/site"))
}

/// The hash file of this binary's build, when cargo-leptos built it with hashed names.
pub fn hash_file() -> Option<PathBuf> {
    beside_this_binary(HASH_FILE).filter(|path| path.is_file())
}

/// The files a build's pages link to, under the site root it serves.
#[derive(Debug, Clone)]
pub struct SiteBundle {
    root: PathBuf,
    files: Vec<PathBuf>,
}

impl SiteBundle {
    /// This binary's bundle under `root`; `None` for a binary built without a hash file
    /// (plain `cargo build`), which names no bundle to check.
    pub fn of_this_build(root: &Path, pkg_dir: &str, output_name: &str) -> Option<Self> {
        let hashes = std::fs::read_to_string(hash_file()?).ok()?;
        Some(Self::from_hashes(root, pkg_dir, output_name, &hashes))
    }

    /// Reads `hash.txt` lines (`js: …`, `wasm: …`, `css: …`, and with `--split` the
    /// `manifest: …` and `split: …` of the lazy chunks) into the file names Leptos links.
    fn from_hashes(root: &Path, pkg_dir: &str, output_name: &str, hashes: &str) -> Self {
        let pkg = root.join(pkg_dir);
        let files = hashes
            .lines()
            .filter_map(|line| line.split_once(':'))
            .filter_map(|(kind, hash)| {
                let hash = hash.trim();
                let name = match kind.trim() {
                    "js" => format!("{output_name}.{hash}.js"),
                    "wasm" => format!("{output_name}.{hash}.wasm"),
                    "css" => format!("{output_name}.{hash}.css"),
                    "manifest" => format!("__wasm_split_manifest.{hash}.json"),
                    "split" => format!("__wasm_split.{hash}.js"),
                    _ => return None,
                };
                Some(pkg.join(name))
            })
            .collect();
        Self {
            root: root.to_path_buf(),
            files,
        }
    }

    /// The linked files that are not there: none when the bundle is this build's.
    pub fn missing(&self) -> Vec<&Path> {
        self.files
            .iter()
            .filter(|file| !file.is_file())
            .map(PathBuf::as_path)
            .collect()
    }

    /// What an operator reads when the bundle is missing: where, and what to run.
    pub fn problem(&self) -> String {
        format!(
            "the site bundle this binary was built with is not in {}: pages would load \
             without their scripts and styles. Rebuild it with scripts/start.sh (or \
             PARLEY_PROFILE=debug scripts/start.sh for a debug binary), or set \
             PARLEY_SITE_ROOT to the site directory built with this binary",
            self.root.display()
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hash_lines_name_the_files_the_pages_link() {
        let dir = tempfile::tempdir().unwrap();
        let bundle = SiteBundle::from_hashes(
            dir.path(),
            "pkg",
            "parley",
            "js: aaa\nwasm: bbb\ncss: ccc\nmanifest: ddd\nsplit: eee\nother: fff\n",
        );
        let names: Vec<String> = bundle
            .missing()
            .iter()
            .map(|p| p.file_name().unwrap().to_string_lossy().into_owned())
            .collect();
        assert_eq!(
            names,
            [
                "parley.aaa.js",
                "parley.bbb.wasm",
                "parley.ccc.css",
                "__wasm_split_manifest.ddd.json",
                "__wasm_split.eee.js"
            ]
        );
        std::fs::create_dir_all(dir.path().join("pkg")).unwrap();
        for name in &names {
            std::fs::write(dir.path().join("pkg").join(name), b"x").unwrap();
        }
        assert!(bundle.missing().is_empty());
        assert!(bundle.problem().contains(&dir.path().display().to_string()));
    }
}
