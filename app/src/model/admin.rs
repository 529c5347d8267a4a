//! What crosses the wire for running the community: its settings, and the project
//! team's administration page.
use serde::{Deserialize, Serialize};

/// The community's own settings, as everyone may read them (the privacy notice is public).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CommunitySettings {
    pub name: String,
    pub contact_email: String,
    pub privacy_notice: String,
    pub guest_retention_days: i32,
    /// `false` before `server init` (or the demo) has set the community up.
    pub set_up: bool,
}

/// A space as the project team administers it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AdminSpace {
    pub slug: String,
    pub name: String,
    pub purpose: String,
    pub kind_label: String,
    /// The space it sits in, by name.
    pub parent: Option<String>,
    pub depth: u8,
    pub archived: bool,
    /// A region's host organisation, by name.
    pub host: Option<String>,
    pub is_region: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TeamMember {
    pub person_id: i64,
    pub name: String,
    pub email: String,
    pub since: String,
}

/// The administration page: settings, spaces, the project team, and the choices the
/// forms offer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AdminPage {
    pub settings: CommunitySettings,
    pub spaces: Vec<AdminSpace>,
    pub team: Vec<TeamMember>,
    /// (code, label) of the kinds a new space may be.
    pub kinds: Vec<(String, String)>,
    /// (slug, name) of the spaces a new space may sit in (not archived).
    pub parents: Vec<(String, String)>,
    /// (id, name) of the partner organisations that may host a region.
    pub partners: Vec<(String, String)>,
    pub viewer_id: i64,
    /// The latest administration, from the audit log.
    pub activity: Vec<crate::model::spaces::ActivityItem>,
}

/// The privacy notice as everyone reads it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PrivacyPage {
    pub community_name: String,
    pub contact_email: String,
    /// The notice, rendered from the project team's Markdown (sanitised).
    pub notice_html: String,
    pub guest_retention_days: i32,
}

/// A line of an import that will add a member.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ImportLine {
    pub line: usize,
    pub name: String,
    pub email: String,
    pub region: String,
    pub perspectives: String,
    pub organisation: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ImportProblem {
    pub line: usize,
    pub text: String,
    pub why: String,
}

/// An uploaded file of members as it would be imported: nothing is stored until confirmed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ImportPreview {
    pub id: i64,
    pub file_name: String,
    pub to_add: Vec<ImportLine>,
    /// Lines whose address is a member already.
    pub unchanged: usize,
    pub problems: Vec<ImportProblem>,
    /// What the file as a whole lacks (a column), if it cannot be read at all.
    pub file_problem: Option<String>,
    /// Once imported: what was done.
    pub imported: Option<String>,
}

/// What an upload's problem code (`/admin/import?problem=…`) says to the person.
pub fn upload_problem(code: &str) -> Option<&'static str> {
    Some(match code {
        "empty" => "Choose a CSV file of members, or paste one.",
        "too_big" => {
            "That file is too large: at most 2 MiB (about 10,000 members). Split it and upload each part."
        }
        "not_utf8" => {
            "That file is not text in UTF-8. Save it from your spreadsheet as \u{201c}CSV UTF-8\u{201d} and try again."
        }
        "forbidden" => "Only the project team imports members.",
        "failed" => "Something went wrong on our side. Please try again in a moment.",
        _ => return None,
    })
}

/// A member's privacy choices, as their account page shows them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AccountPrivacy {
    pub member: bool,
    /// Codes of the perspectives held (only with consent).
    pub perspectives: Vec<String>,
    pub consented_on: Option<String>,
}
