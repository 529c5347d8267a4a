//! What crosses the wire about a visit and an account: who is signed in, the outbox.
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CurrentUser {
    pub id: i64,
    pub name: String,
    pub email: String,
}

/// What every page needs to know about the visit.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SessionInfo {
    pub community_name: String,
    pub demo: bool,
    pub user: Option<CurrentUser>,
    /// The signed-in person's membership status code, if they have applied or joined.
    pub member_status: Option<String>,
    /// The signed-in person is in the project team (they see the administration link).
    pub project_team: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OutboxEmail {
    pub id: i64,
    pub to_address: String,
    pub subject: String,
    pub body: String,
    pub created_at: String,
    pub sent: bool,
}
