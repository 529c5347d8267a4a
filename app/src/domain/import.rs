//! Checking a file of members before any is added: every line is either added, already a
//! member (importing the same file twice changes nothing), or a problem named with its
//! line and why. Pure: the server reads the file and knows the regions and members.
use crate::domain::account::{validate_email, validate_name};
use crate::domain::membership::Perspective;
use std::collections::{HashMap, HashSet};

/// The most lines one file may hold.
pub const MAX_ROWS: usize = 10_000;

/// One line of the file as read: its number in the file (the header is line 1).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RawRow {
    pub line: usize,
    pub name: String,
    pub email: String,
    pub region: String,
    pub perspectives: String,
    pub organisation: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Region {
    pub id: i64,
    pub slug: String,
    pub name: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewMember {
    pub line: usize,
    pub name: String,
    pub email: String,
    pub region_id: i64,
    pub region_name: String,
    pub perspectives: Vec<Perspective>,
    pub organisation: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    pub line: usize,
    /// What the line said, shortened, so the operator can find it.
    pub text: String,
    pub why: String,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Checked {
    pub add: Vec<NewMember>,
    /// Lines whose e-mail address is a member already: left as they are.
    pub unchanged: Vec<(usize, String)>,
    pub problems: Vec<Problem>,
}

fn first_message(e: crate::error::AppError) -> String {
    e.field_errors()
        .first()
        .map(|f| f.message.clone())
        .unwrap_or_else(|| e.to_string())
}

/// A perspective by its code or its label, in any case ("Carer", "improvement specialist").
pub fn perspective_named(raw: &str) -> Option<Perspective> {
    let wanted = raw.trim().to_lowercase().replace(['-', ' '], "_");
    Perspective::ALL
        .iter()
        .copied()
        .find(|p| p.code() == wanted || p.label().to_lowercase().replace(' ', "_") == wanted)
}

fn region_named<'a>(regions: &'a [Region], raw: &str) -> Option<&'a Region> {
    let wanted = raw.trim().to_lowercase();
    regions
        .iter()
        .find(|r| r.slug == wanted || r.name.to_lowercase() == wanted)
}

fn shown(row: &RawRow) -> String {
    let text = [&row.name, &row.email, &row.region]
        .iter()
        .map(|s| s.trim())
        .filter(|s| !s.is_empty())
        .collect::<Vec<_>>()
        .join(", ");
    text.chars().take(120).collect()
}

/// Check every line against the regions that exist and the addresses that are members.
/// `erased`: addresses whose accounts were deleted here — never imported again.
pub fn check(
    rows: &[RawRow],
    regions: &[Region],
    members: &HashSet<String>,
    erased: &HashSet<String>,
) -> Checked {
    let mut out = Checked::default();
    let mut seen: HashMap<String, usize> = HashMap::new();
    for row in rows {
        let mut why: Vec<String> = Vec::new();
        let name = if row.name.trim().is_empty() {
            Err("No name.".to_owned())
        } else {
            validate_name(&row.name).map_err(first_message)
        };
        if let Err(e) = &name {
            why.push(e.clone());
        }
        let email = validate_email(&row.email).map_err(first_message);
        match &email {
            Err(e) => why.push(e.clone()),
            Ok(email) => {
                if let Some(first) = seen.get(email) {
                    why.push(format!("The same e-mail address as line {first}."));
                }
                if erased.contains(email) {
                    why.push(
                        "This person deleted their account here: they are not brought back by an import, though they may join again themselves."
                            .to_owned(),
                    );
                }
            }
        }
        let region = region_named(regions, &row.region);
        if region.is_none() {
            why.push(if row.region.trim().is_empty() {
                "No home region.".to_owned()
            } else {
                format!(
                    "There is no region called \u{201c}{}\u{201d}.",
                    row.region.trim()
                )
            });
        }
        let mut perspectives = Vec::new();
        for raw in row
            .perspectives
            .split([';', ',', '|'])
            .filter(|p| !p.trim().is_empty())
        {
            match perspective_named(raw) {
                Some(p) if !perspectives.contains(&p) => perspectives.push(p),
                Some(_) => {}
                None => why.push(format!(
                    "\u{201c}{}\u{201d} is not a perspective.",
                    raw.trim()
                )),
            }
        }
        let organisation = row.organisation.trim();
        if organisation.chars().count() > 200 {
            why.push("An organisation's name can be at most 200 characters.".to_owned());
        }
        if let Ok(email) = &email {
            seen.entry(email.clone()).or_insert(row.line);
        }
        match (name, email, region) {
            (Ok(name), Ok(email), Some(region)) if why.is_empty() => {
                if members.contains(&email) {
                    out.unchanged.push((row.line, email));
                } else {
                    out.add.push(NewMember {
                        line: row.line,
                        name,
                        email,
                        region_id: region.id,
                        region_name: region.name.clone(),
                        perspectives,
                        organisation: (!organisation.is_empty()).then(|| organisation.to_owned()),
                    });
                }
            }
            _ => out.problems.push(Problem {
                line: row.line,
                text: shown(row),
                why: why.join(" "),
            }),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(line: usize, name: &str, email: &str, region: &str, perspectives: &str) -> RawRow {
        RawRow {
            line,
            name: name.into(),
            email: email.into(),
            region: region.into(),
            perspectives: perspectives.into(),
            organisation: String::new(),
        }
    }

    fn regions() -> Vec<Region> {
        vec![Region {
            id: 7,
            slug: "west-of-england".into(),
            name: "West of England".into(),
        }]
    }

    #[test]
    fn good_lines_are_added_with_their_region_and_perspectives() {
        let rows = [row(
            2,
            " Ada  Lovelace ",
            "ADA@example.org",
            "West of England",
            "Patient; carer",
        )];
        let c = check(&rows, &regions(), &HashSet::new(), &HashSet::new());
        assert!(c.problems.is_empty(), "{:?}", c.problems);
        let m = &c.add[0];
        assert_eq!(
            (m.name.as_str(), m.email.as_str(), m.region_id),
            ("Ada Lovelace", "ada@example.org", 7)
        );
        assert_eq!(m.perspectives, [Perspective::Patient, Perspective::Carer]);
    }

    #[test]
    fn every_bad_line_is_named_with_every_reason() {
        let rows = [
            row(2, "Ada", "ada@example.org", "west-of-england", ""),
            row(3, "", "not-an-address", "Atlantis", "astronaut"),
            row(4, "Ada again", "Ada@Example.org", "west-of-england", ""),
        ];
        let c = check(&rows, &regions(), &HashSet::new(), &HashSet::new());
        assert_eq!(c.add.len(), 1);
        assert_eq!(c.problems.len(), 2);
        let bad = &c.problems[0];
        assert_eq!(bad.line, 3);
        for words in ["name", "e-mail", "Atlantis", "astronaut"] {
            assert!(bad.why.contains(words), "{words}: {}", bad.why);
        }
        assert_eq!(c.problems[1].line, 4);
        assert!(c.problems[1].why.contains("line 2"));
    }

    #[test]
    fn members_already_there_are_left_unchanged() {
        let members: HashSet<String> = ["ada@example.org".to_owned()].into();
        let rows = [row(2, "Ada", "ada@example.org", "west-of-england", "")];
        let c = check(&rows, &regions(), &members, &HashSet::new());
        assert!(c.add.is_empty() && c.problems.is_empty());
        assert_eq!(c.unchanged, [(2, "ada@example.org".to_owned())]);
    }

    #[test]
    fn someone_who_deleted_their_account_is_not_brought_back() {
        let erased: HashSet<String> = ["ada@example.org".to_owned()].into();
        let rows = [row(2, "Ada", "Ada@example.org", "west-of-england", "")];
        let c = check(&rows, &regions(), &HashSet::new(), &erased);
        assert!(c.add.is_empty());
        assert!(c.problems[0].why.contains("deleted their account"));
    }

    #[test]
    fn perspectives_by_code_or_label() {
        assert_eq!(
            perspective_named("Improvement specialist"),
            Some(Perspective::ImprovementSpecialist)
        );
        assert_eq!(
            perspective_named("improvement_specialist"),
            Some(Perspective::ImprovementSpecialist)
        );
        assert_eq!(perspective_named(" CARER "), Some(Perspective::Carer));
        assert_eq!(perspective_named("wizard"), None);
    }
}
