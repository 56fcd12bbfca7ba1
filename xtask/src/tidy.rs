//! Repository checks that run under `cargo test`: the docs and the code change together.

#[cfg(test)]
mod tests {
    use crate::root;

    fn read(path: &str) -> String {
        std::fs::read_to_string(root().join(path)).unwrap_or_else(|e| panic!("reading {path}: {e}"))
    }

    /// docs/API.md documents every error code and the fields of the wire types. (Routes are
    /// compared as data, method included, by the edge's own tests: `edge/src/router.rs`.)
    #[test]
    fn api_doc_matches_types() {
        let doc = read("docs/API.md");
        for code in rally_api::ErrorCode::ALL {
            assert!(
                doc.contains(&format!("`{}`", code.as_str())),
                "docs/API.md lacks error code `{}`",
                code.as_str()
            );
        }
        let requests = [
            (
                "SignRequest",
                serde_json::to_value(rally_api::SignRequest::default()).unwrap(),
            ),
            (
                "ReportRequest",
                serde_json::to_value(rally_api::ReportRequest::default()).unwrap(),
            ),
            (
                "ClaimUpdate",
                serde_json::to_value(rally_api::ClaimUpdate::default()).unwrap(),
            ),
            (
                "PetitionDraft",
                serde_json::to_value(rally_api::PetitionDraft::default()).unwrap(),
            ),
            (
                "CampaignSettings",
                serde_json::to_value(rally_api::staff::CampaignSettings::default()).unwrap(),
            ),
            (
                "PledgeDraft",
                serde_json::to_value(rally_api::PledgeDraft::default()).unwrap(),
            ),
        ];
        for (name, value) in requests {
            for field in value.as_object().unwrap().keys() {
                assert!(
                    doc.contains(&format!("`{field}`")),
                    "docs/API.md lacks {name} field `{field}`"
                );
            }
        }
        let view = serde_json::to_value(rally_api::PetitionView {
            campaign: String::new(),
            slug: String::new(),
            title: String::new(),
            body: String::new(),
            target: String::new(),
            status: rally_api::PetitionStatus::Open,
            count: 0,
            goal: 0,
            recent: vec![],
            as_of: 0,
        })
        .unwrap();
        for field in view.as_object().unwrap().keys() {
            assert!(
                doc.contains(&format!("`{field}`")),
                "docs/API.md lacks PetitionView field `{field}`"
            );
        }
    }

    /// Every Rust module says what it is for in its first line.
    #[test]
    fn every_module_starts_with_a_doc_comment() {
        let mut missing = Vec::new();
        for dir in ["api/src", "edge/src", "widgets/src", "xtask/src"] {
            let mut stack = vec![root().join(dir)];
            while let Some(d) = stack.pop() {
                for entry in std::fs::read_dir(&d).unwrap().flatten() {
                    let p = entry.path();
                    if p.is_dir() {
                        stack.push(p);
                    } else if p.extension().is_some_and(|e| e == "rs") {
                        let text = std::fs::read_to_string(&p).unwrap();
                        if !text.starts_with("//!") {
                            missing.push(p.display().to_string());
                        }
                    }
                }
            }
        }
        assert!(
            missing.is_empty(),
            "modules without a leading //! line: {missing:?}"
        );
    }

    /// The wasm-bindgen-cli that xtask installs is the crate version the lockfile pins.
    #[test]
    fn wasm_bindgen_cli_matches_lockfile() {
        let lock = read("Cargo.lock");
        let pinned = lock
            .split("[[package]]")
            .find(|p| p.contains("name = \"wasm-bindgen\"\n"))
            .and_then(|p| p.lines().find(|l| l.starts_with("version = ")))
            .expect("wasm-bindgen in Cargo.lock");
        assert_eq!(
            pinned,
            format!("version = \"{}\"", crate::tools::WASM_BINDGEN)
        );
    }
}
