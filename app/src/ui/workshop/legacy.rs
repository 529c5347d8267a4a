//! Outboxes that earlier versions of Q Commons kept on a device, in the form they kept
//! them: each change with named fields (`{"id":1,"change":{"Note":{"key":…,"body":…}}}`),
//! or, before changes were numbered, a plain list of changes. A phone that queued a note
//! offline and opens the workshop again after an upgrade still sends it. Reading that
//! form takes more code than the browser should carry for a rare case, so it is a split
//! module of its own (`cargo leptos build --split`), fetched only by a device that has
//! such an outbox; until it can be fetched the old outbox stays where it is.
use super::later::Unloaded;
use super::live::{Pending, Queued};
use serde::Deserialize;

/// Where earlier versions kept a workshop's outbox.
pub fn key(workshop_id: i64) -> String {
    format!("qc-outbox-{workshop_id}")
}

/// A change as earlier versions kept it.
#[derive(Deserialize)]
enum Kept {
    Note {
        key: String,
        body: String,
    },
    Dots {
        item: i64,
        dots: u32,
    },
    Rating {
        theme: i64,
        impact: u8,
        effort: u8,
    },
    Choice {
        chosen: Vec<i64>,
    },
    Reflection {
        key: String,
        prompt: String,
        body: String,
        anonymous: bool,
    },
}

impl From<Kept> for Pending {
    fn from(kept: Kept) -> Pending {
        match kept {
            Kept::Note { key, body } => Pending::Note(key, body),
            Kept::Dots { item, dots } => Pending::Dots(item, dots),
            Kept::Rating {
                theme,
                impact,
                effort,
            } => Pending::Rating(theme, impact, effort),
            Kept::Choice { chosen } => Pending::Choice(chosen),
            Kept::Reflection {
                key,
                prompt,
                body,
                anonymous,
            } => Pending::Reflection(key, prompt, body, anonymous),
        }
    }
}

#[derive(Deserialize)]
struct KeptQueued {
    id: u64,
    change: Kept,
}

/// The changes an earlier version's outbox holds, numbered (an outbox from before changes
/// were numbered is numbered now); `None` if it is not one.
pub fn read(json: &str) -> Option<Vec<Queued>> {
    if let Ok(kept) = serde_json::from_str::<Vec<KeptQueued>>(json) {
        return Some(
            kept.into_iter()
                .map(|k| Queued {
                    id: k.id,
                    change: k.change.into(),
                })
                .collect(),
        );
    }
    let kept = serde_json::from_str::<Vec<Kept>>(json).ok()?;
    Some(
        kept.into_iter()
            .zip(1..)
            .map(|(change, id)| Queued {
                id,
                change: change.into(),
            })
            .collect(),
    )
}

/// [`read`], from the split module: in the browser the call fetches it first (async).
#[cfg_attr(
    feature = "hydrate",
    leptos::wasm_split::wasm_split(
        legacy_outbox,
        wasm_split_path = ::leptos::wasm_split,
        fallible
    )
)]
pub fn read_kept(json: String) -> Result<Option<Vec<Queued>>, Unloaded> {
    Ok(read(&json))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_outbox_an_earlier_version_kept_is_read_whole() {
        let kept = r#"[{"id":3,"change":{"Dots":{"item":7,"dots":2}}},{"id":4,"change":{"Note":{"key":"k","body":"Parking costs too much"}}},{"id":5,"change":{"Rating":{"theme":8,"impact":4,"effort":1}}},{"id":6,"change":{"Choice":{"chosen":[3,1]}}},{"id":7,"change":{"Reflection":{"key":"r","prompt":"worked","body":"Carers were heard","anonymous":true}}}]"#;
        let read = read(kept).unwrap();
        assert_eq!(
            read.iter().map(|q| q.id).collect::<Vec<_>>(),
            [3, 4, 5, 6, 7]
        );
        assert_eq!(
            read.into_iter().map(|q| q.change).collect::<Vec<_>>(),
            [
                Pending::Dots(7, 2),
                Pending::Note("k".into(), "Parking costs too much".into()),
                Pending::Rating(8, 4, 1),
                Pending::Choice(vec![3, 1]),
                Pending::Reflection(
                    "r".into(),
                    "worked".into(),
                    "Carers were heard".into(),
                    true
                ),
            ]
        );
    }

    #[test]
    fn an_outbox_kept_before_changes_were_numbered_is_numbered_not_lost() {
        let kept = r#"[{"Dots":{"item":7,"dots":2}},{"Note":{"key":"k","body":"Parking costs too much"}}]"#;
        let read = read(kept).unwrap();
        assert_eq!(read.iter().map(|q| q.id).collect::<Vec<_>>(), [1, 2]);
        assert_eq!(
            read[1].change,
            Pending::Note("k".into(), "Parking costs too much".into())
        );
        assert_eq!(super::read("not json"), None);
    }
}
