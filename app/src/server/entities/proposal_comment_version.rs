use sea_orm::entity::prelude::*;

/// A comment's text before an edit replaced it.
#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "proposal_comment_version")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub comment_id: i64,
    pub body: String,
    pub at: DateTimeUtc,
}

impl ActiveModelBehavior for ActiveModel {}
