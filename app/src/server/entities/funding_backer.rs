use sea_orm::entity::prelude::*;

/// A member who supports an idea, or has joined it as a co-author.
#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "funding_backer")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub idea_id: i64,
    #[sea_orm(primary_key, auto_increment = false)]
    pub person_id: i64,
    pub co_author: bool,
    pub since: DateTimeUtc,
}

impl ActiveModelBehavior for ActiveModel {}
