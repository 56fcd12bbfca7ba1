//! The engagement ladder: a campaign's ordered rungs (Supporter, Regular, Recruiter, Team
//! member, Team leader by default), each a set of conditions from a closed, typed list, and the
//! one *ask* that leads a person up to it.
//!
//! A person stands on the **highest** rung (by position) whose conditions hold, whether or not
//! the rungs below it hold too: rungs need not nest. A rung holds when any of its `any_of`
//! groups holds, and a group holds when every condition in it does (so a rung is a conjunction,
//! or a few alternative conjunctions, as the default Regular needs: "active in 2 of the last 4
//! weeks, or the weekly goal met once").
//!
//! The edge compiles a ladder to SQL (`edge/src/db/ladder.rs`) and evaluates it inside each
//! action's own D1 batch; this module holds the shapes, their validation (shared with the
//! dashboard, which marks refusals beside the field) and what the next rung still needs, with
//! the words a person reads about it in three languages.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::{ErrorCode, Lang};

/// At most this many rungs in a ladder.
pub const MAX_RUNGS: usize = 12;
/// At most this many alternative groups in a rung, and conditions in a group.
pub const MAX_GROUPS: usize = 4;
pub const MAX_CONDITIONS: usize = 6;
/// Time windows are whole ISO weeks of the campaign's calendar, the current one included.
pub const MAX_WEEKS: u32 = 52;
/// Counts in conditions (actions, weeks, team members).
pub const MAX_COUNT: u32 = 1000;
/// "Moved up within this many weeks" for the report's conversion.
pub const CONVERSION_WEEKS: u32 = 4;

/// The kinds of action a condition counts (the `actions` log's kinds).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ActionKind {
    Sign,
    Pledge,
    Report,
    /// A credited recruit: someone who acted first through this person's link.
    Recruit,
}

impl ActionKind {
    pub const ALL: [ActionKind; 4] = [
        ActionKind::Sign,
        ActionKind::Pledge,
        ActionKind::Report,
        ActionKind::Recruit,
    ];

    /// The kind as the `actions` table stores it.
    pub fn as_str(self) -> &'static str {
        match self {
            ActionKind::Sign => "sign",
            ActionKind::Pledge => "pledge",
            ActionKind::Report => "report",
            ActionKind::Recruit => "recruit",
        }
    }
}

/// One condition of a rung: the closed set the edge knows how to evaluate.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case", deny_unknown_fields)]
pub enum Condition {
    /// At least `at_least` actions of a kind, within the last `within_weeks` weeks (or ever).
    Actions {
        action: ActionKind,
        at_least: u32,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        within_weeks: Option<u32>,
    },
    /// Acted in at least `at_least` different weeks of the last `of_last`.
    WeeksActive { at_least: u32, of_last: u32 },
    /// Met the campaign's weekly goal in at least `at_least` of the last `of_last` weeks.
    GoalMet { at_least: u32, of_last: u32 },
    /// Belongs to a team.
    InTeam,
    /// Leads a team of at least `at_least` people (the leader included).
    LeadsTeam { at_least: u32 },
}

impl Condition {
    /// Whether it holds for a person whose measure of it (see [`Condition::measure`] in the
    /// edge: a count of actions, of weeks, 0/1 for a team, the led team's size) is `value`.
    pub fn holds(&self, value: u32) -> bool {
        value >= self.threshold()
    }

    /// The value at which the condition holds.
    pub fn threshold(&self) -> u32 {
        match self {
            Condition::Actions { at_least, .. }
            | Condition::WeeksActive { at_least, .. }
            | Condition::GoalMet { at_least, .. }
            | Condition::LeadsTeam { at_least } => *at_least,
            Condition::InTeam => 1,
        }
    }

    /// The widest time window the condition looks at, in weeks (`None`: no window).
    pub fn window(&self) -> Option<u32> {
        match self {
            Condition::Actions { within_weeks, .. } => *within_weeks,
            Condition::WeeksActive { of_last, .. } | Condition::GoalMet { of_last, .. } => {
                Some(*of_last)
            }
            Condition::InTeam | Condition::LeadsTeam { .. } => None,
        }
    }
}

/// What staff ask of a person to reach a rung: one tap after their action.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case", deny_unknown_fields)]
pub enum Ask {
    /// Sign petition `petition` (a slug of the campaign's).
    Sign { petition: String },
    /// Commit to pledge `pledge`.
    Pledge { pledge: String },
    /// Share one's personal link with friends.
    Invite,
    /// Start a team and lead it.
    StartTeam,
    /// Join a team that has room.
    JoinTeam,
    /// Report a rumour to the fact-check network.
    Report,
    /// Anything else: a titled link.
    Link { title: String, url: String },
}

/// One rung, as staff define it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Rung {
    /// Stable id (history and tags name rungs by it): 1 to 32 of a-z, 0-9 and '-'.
    pub slug: String,
    /// The name in the campaign's default language.
    pub name: String,
    /// The name in other languages (`pt-BR`, `es`, `en`); a missing one falls back to `name`.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub names: BTreeMap<String, String>,
    /// The rung holds when every condition of any one group holds.
    pub any_of: Vec<Vec<Condition>>,
    pub ask: Ask,
}

/// A campaign's ladder, lowest rung first.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Ladder {
    pub rungs: Vec<Rung>,
}

/// `GET/PUT /api/v1/campaigns/{campaign}/staff/ladder`: the ladder with its version (bumped
/// by every edit) and whether everyone has been evaluated against it since.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct LadderView {
    pub ladder: Ladder,
    pub version: u32,
    /// People evaluated against this version so far, of `total` (the background job's progress).
    pub evaluated: u32,
    pub total: u32,
}

/// `GET /api/v1/campaigns/{campaign}/staff/ladder/report?dim=&val=&lang=`: the ladder report,
/// read from aggregates written in the actions' own batches.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct LadderReport {
    /// The filter applied: `all` (value empty), `source`, `region`, `team` or `item`.
    pub dim: String,
    pub val: String,
    /// Lowest first, as the ladder stands now.
    pub rungs: Vec<RungReport>,
    /// The last 12 campaign weeks, oldest first.
    pub weeks: Vec<WeekReport>,
    /// The values each filter can take (the largest 50 of each dimension).
    pub filters: Vec<FilterValue>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct RungReport {
    pub slug: String,
    pub name: String,
    /// People on the rung now.
    pub now: u32,
    /// People who ever reached it, and of them those who moved higher within
    /// [`CONVERSION_WEEKS`] weeks.
    pub entered: u32,
    pub converted: u32,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct WeekReport {
    pub week: String,
    pub moves: Vec<Move>,
    /// Moves to a higher rung (from none included) and to a lower one (to none included).
    pub up: u32,
    pub down: u32,
    /// Versions of the ladder saved during the week (marked on the timeline).
    pub edits: Vec<u32>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Move {
    /// Rung slugs; empty for "no rung".
    pub from: String,
    pub to: String,
    pub n: u32,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct FilterValue {
    pub dim: String,
    pub val: String,
    /// What staff read (a team's name; the value itself otherwise).
    pub label: String,
    pub n: u32,
}

/// The report's dimensions, as `?dim=` names them.
pub const DIMS: [&str; 5] = ["all", "source", "region", "team", "item"];

impl Ladder {
    /// Whether a move between rungs `from` and `to` (slugs, empty for none) goes up, by the
    /// ladder's order now (a rung no longer on it counts as below every rung).
    pub fn is_up(&self, from: &str, to: &str) -> bool {
        let pos = |s: &str| self.position(s).map_or(-1, |p| p as i64);
        pos(to) > pos(from)
    }
}

/// What the campaign has for asks to name: validation refuses an ask naming anything else.
#[derive(Clone, Copy, Debug)]
pub struct Items<'a> {
    pub petitions: &'a [String],
    pub pledges: &'a [String],
}

/// A problem with one field of a ladder draft: `path` names it as the dashboard's form does
/// (`rungs[2].name`, `rungs[0].any_of[1][0].at_least`, `rungs[3].ask.pledge`: the notation
/// of the edge's type errors too).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Problem {
    pub path: String,
    pub code: ErrorCode,
}

impl Problem {
    pub fn message(&self) -> String {
        let p = &self.path;
        match self.code {
            ErrorCode::Required => format!("{p} is required"),
            ErrorCode::TooLong => format!("{p} is too long"),
            ErrorCode::Taken => format!("{p} is used by another rung"),
            _ => match p.rsplit('.').next().unwrap_or("") {
                "petition" => format!("{p} must name a petition of this campaign"),
                "pledge" => format!("{p} must name a pledge of this campaign"),
                "slug" => format!("{p} must be 1 to 32 of a-z, 0-9 and '-'"),
                "url" => format!("{p} must be an https:// address"),
                "rungs" => format!("{p} must hold 1 to {MAX_RUNGS} rungs"),
                "any_of" => format!(
                    "{p} must hold 1 to {MAX_GROUPS} groups of 1 to {MAX_CONDITIONS} conditions"
                ),
                "within_weeks" | "of_last" => {
                    format!("{p} must be a whole number of weeks from 1 to {MAX_WEEKS}")
                }
                _ => format!("{p} must be a whole number from 1 to {MAX_COUNT}"),
            },
        }
    }
}

fn valid_slug(s: &str) -> bool {
    (1..=32).contains(&s.len())
        && s.bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
}

impl Ladder {
    /// The ladder with trimmed names, or every problem found (each names its field).
    pub fn validate(&self, items: Items<'_>) -> Result<Ladder, Vec<Problem>> {
        let mut problems = Vec::new();
        let mut fail = |path: String, code| problems.push(Problem { path, code });
        if self.rungs.is_empty() || self.rungs.len() > MAX_RUNGS {
            fail("rungs".into(), ErrorCode::InvalidValue);
        }
        let mut out = Vec::new();
        for (i, r) in self.rungs.iter().enumerate() {
            let at = |f: &str| format!("rungs[{i}].{f}");
            if !valid_slug(&r.slug) {
                fail(at("slug"), ErrorCode::InvalidValue);
            } else if self.rungs[..i].iter().any(|o| o.slug == r.slug) {
                fail(at("slug"), ErrorCode::Taken);
            }
            let name = r.name.trim().to_owned();
            if name.is_empty() {
                fail(at("name"), ErrorCode::Required);
            } else if name.chars().count() > 40 {
                fail(at("name"), ErrorCode::TooLong);
            } else if self.rungs[..i]
                .iter()
                .any(|o| o.name.trim().eq_ignore_ascii_case(&name))
            {
                fail(at("name"), ErrorCode::Taken);
            }
            let mut names = BTreeMap::new();
            for (lang, n) in &r.names {
                let n = n.trim();
                if Lang::from_tag(lang).map(Lang::tag) != Some(lang.as_str()) {
                    fail(at("names"), ErrorCode::InvalidValue);
                } else if n.chars().count() > 40 {
                    fail(format!("rungs[{i}].names.{lang}"), ErrorCode::TooLong);
                } else if !n.is_empty() {
                    names.insert(lang.clone(), n.to_owned());
                }
            }
            if r.any_of.is_empty()
                || r.any_of.len() > MAX_GROUPS
                || r.any_of
                    .iter()
                    .any(|g| g.is_empty() || g.len() > MAX_CONDITIONS)
            {
                fail(at("any_of"), ErrorCode::InvalidValue);
            }
            for (g, group) in r.any_of.iter().enumerate() {
                for (c, cond) in group.iter().enumerate() {
                    let here = |f: &str| format!("rungs[{i}].any_of[{g}][{c}].{f}");
                    let count_ok = |n: u32| (1..=MAX_COUNT).contains(&n);
                    let weeks_ok = |n: u32| (1..=MAX_WEEKS).contains(&n);
                    match cond {
                        Condition::Actions {
                            at_least,
                            within_weeks,
                            ..
                        } => {
                            if !count_ok(*at_least) {
                                fail(here("at_least"), ErrorCode::InvalidValue);
                            }
                            if within_weeks.is_some_and(|w| !weeks_ok(w)) {
                                fail(here("within_weeks"), ErrorCode::InvalidValue);
                            }
                        }
                        Condition::WeeksActive { at_least, of_last }
                        | Condition::GoalMet { at_least, of_last } => {
                            if !weeks_ok(*of_last) {
                                fail(here("of_last"), ErrorCode::InvalidValue);
                            }
                            if !count_ok(*at_least) || *at_least > *of_last {
                                fail(here("at_least"), ErrorCode::InvalidValue);
                            }
                        }
                        Condition::LeadsTeam { at_least } => {
                            if !count_ok(*at_least) {
                                fail(here("at_least"), ErrorCode::InvalidValue);
                            }
                        }
                        Condition::InTeam => {}
                    }
                }
            }
            let ask = match &r.ask {
                Ask::Sign { petition } => {
                    if !items.petitions.contains(petition) {
                        fail(at("ask.petition"), ErrorCode::InvalidValue);
                    }
                    r.ask.clone()
                }
                Ask::Pledge { pledge } => {
                    if !items.pledges.contains(pledge) {
                        fail(at("ask.pledge"), ErrorCode::InvalidValue);
                    }
                    r.ask.clone()
                }
                Ask::Link { title, url } => {
                    let title = title.trim().to_owned();
                    if title.is_empty() {
                        fail(at("ask.title"), ErrorCode::Required);
                    } else if title.chars().count() > 80 {
                        fail(at("ask.title"), ErrorCode::TooLong);
                    }
                    let url = url.trim().to_owned();
                    let host = url.strip_prefix("https://").unwrap_or("");
                    if host.is_empty()
                        || url.len() > 500
                        || url.bytes().any(|b| b <= b' ' || b == b'"' || b == b'<')
                    {
                        fail(at("ask.url"), ErrorCode::InvalidValue);
                    }
                    Ask::Link { title, url }
                }
                other => other.clone(),
            };
            out.push(Rung {
                slug: r.slug.clone(),
                name,
                names,
                any_of: r.any_of.clone(),
                ask,
            });
        }
        if problems.is_empty() {
            Ok(Ladder { rungs: out })
        } else {
            Err(problems)
        }
    }

    /// The default ladder every campaign starts with; `pledge` is the campaign's pledge to ask
    /// Supporters for (else they are asked to invite friends).
    pub fn default_for(pledge: Option<&str>) -> Ladder {
        let rung = |slug: &str, names: [&str; 3], any_of, ask| Rung {
            slug: slug.into(),
            name: names[0].into(),
            names: BTreeMap::from([
                ("pt-BR".to_owned(), names[1].to_owned()),
                ("es".to_owned(), names[2].to_owned()),
            ]),
            any_of,
            ask,
        };
        Ladder {
            rungs: vec![
                rung(
                    "supporter",
                    ["Supporter", "Apoiador", "Simpatizante"],
                    ActionKind::ALL
                        .iter()
                        .take(3)
                        .map(|&action| {
                            vec![Condition::Actions {
                                action,
                                at_least: 1,
                                within_weeks: None,
                            }]
                        })
                        .collect(),
                    Ask::Invite,
                ),
                rung(
                    "regular",
                    ["Regular", "Frequente", "Habitual"],
                    vec![
                        vec![Condition::WeeksActive {
                            at_least: 2,
                            of_last: 4,
                        }],
                        vec![Condition::GoalMet {
                            at_least: 1,
                            of_last: 4,
                        }],
                    ],
                    match pledge {
                        Some(p) => Ask::Pledge { pledge: p.into() },
                        None => Ask::Invite,
                    },
                ),
                rung(
                    "recruiter",
                    ["Recruiter", "Recrutador", "Reclutador"],
                    vec![vec![Condition::Actions {
                        action: ActionKind::Recruit,
                        at_least: 1,
                        within_weeks: None,
                    }]],
                    Ask::Invite,
                ),
                rung(
                    "team-member",
                    ["Team member", "Membro de equipe", "Miembro de equipo"],
                    vec![vec![Condition::InTeam]],
                    Ask::JoinTeam,
                ),
                rung(
                    "team-leader",
                    ["Team leader", "Líder de equipe", "Líder de equipo"],
                    vec![vec![Condition::LeadsTeam { at_least: 3 }]],
                    Ask::StartTeam,
                ),
            ],
        }
    }

    /// The position of the rung `slug` (0 = lowest), if the ladder has it.
    pub fn position(&self, slug: &str) -> Option<usize> {
        self.rungs.iter().position(|r| r.slug == slug)
    }

    /// Every condition of the ladder, once each, in the order the edge measures them.
    pub fn conditions(&self) -> Vec<&Condition> {
        let mut all: Vec<&Condition> = Vec::new();
        for c in self.rungs.iter().flat_map(|r| r.any_of.iter().flatten()) {
            if !all.contains(&c) {
                all.push(c);
            }
        }
        all
    }

    /// The rung a person stands on (its position), from their measure of each of
    /// [`Ladder::conditions`], in that order: the highest whose conditions hold.
    pub fn stands_on(&self, measures: &[u32]) -> Option<usize> {
        let all = self.conditions();
        let value = |c: &Condition| {
            all.iter()
                .position(|x| *x == c)
                .and_then(|i| measures.get(i).copied())
                .unwrap_or(0)
        };
        self.rungs
            .iter()
            .rposition(|r| r.any_of.iter().any(|g| g.iter().all(|c| c.holds(value(c)))))
    }

    /// The rung to aim for from position `on` (`None`: no rung yet): the next one up, or the
    /// top one for a person already on it.
    pub fn next(&self, on: Option<usize>) -> Option<&Rung> {
        let i = on
            .map_or(0, |i| i + 1)
            .min(self.rungs.len().checked_sub(1)?);
        self.rungs.get(i)
    }

    /// What a person with these measures still needs for `rung`: the shortest of its groups'
    /// shortfalls (empty when it already holds).
    pub fn needs(&self, rung: &Rung, measures: &[u32]) -> Vec<Need> {
        let all = self.conditions();
        let value = |c: &Condition| {
            all.iter()
                .position(|x| *x == c)
                .and_then(|i| measures.get(i).copied())
                .unwrap_or(0)
        };
        rung.any_of
            .iter()
            .map(|g| {
                g.iter()
                    .filter(|c| !c.holds(value(c)))
                    .map(|c| Need {
                        condition: c.clone(),
                        more: c.threshold() - value(c),
                    })
                    .collect::<Vec<_>>()
            })
            .min_by_key(|n| n.iter().map(|n| n.more).sum::<u32>())
            .unwrap_or_default()
    }
}

impl Rung {
    /// The rung's name in `lang`, else its default name.
    pub fn name_in(&self, lang: Lang) -> &str {
        self.names
            .get(lang.tag())
            .map_or(self.name.as_str(), String::as_str)
    }
}

/// One condition still short, and by how much.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Need {
    pub condition: Condition,
    pub more: u32,
}

impl Need {
    /// "2 more weeks active", "one recruit", in `lang`.
    pub fn say(&self, lang: Lang) -> String {
        let w = words(lang);
        let n = self.more;
        let (one, many) = match &self.condition {
            Condition::Actions { action, .. } => match action {
                ActionKind::Sign => w.signatures,
                ActionKind::Pledge => w.pledges,
                ActionKind::Report => w.reports,
                ActionKind::Recruit => w.recruits,
            },
            Condition::WeeksActive { .. } => w.weeks_active,
            Condition::GoalMet { .. } => w.goal_weeks,
            Condition::InTeam => return w.join_a_team.to_owned(),
            Condition::LeadsTeam { .. } => w.members,
        };
        if n == 1 {
            one.to_owned()
        } else {
            many.replace("{n}", &n.to_string())
        }
    }
}

/// The next step a widget shows after an action, and `/me` beside the rung: words in the
/// person's language, and what the tap opens.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct NextStep {
    /// The rung the person stands on now (its name in their language), empty for none.
    pub rung: String,
    /// The rung the ask leads to.
    pub next: String,
    /// What that rung still needs, as one line in their language ("Regular: 2 more weeks
    /// active"); empty when nothing more is needed.
    pub needs: String,
    /// The ask as a sentence ("Next: commit to Vote on budget day").
    pub label: String,
    /// The button's words.
    pub action: String,
    /// What the tap opens: `pledge`, `petition`, `board` (a team), `factcheck` (another Rally
    /// widget, in place), `share` (the share step), `link` (a page).
    pub open: String,
    /// The item the widget opens (a petition or pledge slug, a team's invite code), if any.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub item: String,
    /// A page that does the same without JavaScript (an own page, the link), if any.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub href: String,
}

/// The words of the ladder a person reads, one struct per language.
pub struct Words {
    pub next: &'static str,
    pub signatures: (&'static str, &'static str),
    pub pledges: (&'static str, &'static str),
    pub reports: (&'static str, &'static str),
    pub recruits: (&'static str, &'static str),
    pub weeks_active: (&'static str, &'static str),
    pub goal_weeks: (&'static str, &'static str),
    pub members: (&'static str, &'static str),
    pub join_a_team: &'static str,
    pub ask_sign: &'static str,
    pub ask_pledge: &'static str,
    pub ask_invite: &'static str,
    pub ask_start_team: &'static str,
    pub ask_join_team: &'static str,
    pub ask_report: &'static str,
    pub do_sign: &'static str,
    pub do_pledge: &'static str,
    pub do_invite: &'static str,
    pub do_start_team: &'static str,
    pub do_join_team: &'static str,
    pub do_report: &'static str,
    pub do_link: &'static str,
    pub you_are: &'static str,
}

pub const EN: Words = Words {
    next: "Next",
    signatures: ("one more signature", "{n} more signatures"),
    pledges: ("one more pledge", "{n} more pledges"),
    reports: ("one more rumour reported", "{n} more rumours reported"),
    recruits: ("one recruit", "{n} more recruits"),
    weeks_active: ("one more week active", "{n} more weeks active"),
    goal_weeks: (
        "the weekly goal met once more",
        "the weekly goal met {n} more times",
    ),
    members: ("one more team member", "{n} more team members"),
    join_a_team: "joining a team",
    ask_sign: "sign “{item}”",
    ask_pledge: "commit to “{item}”",
    ask_invite: "invite your friends with your personal link",
    ask_start_team: "start a team and invite friends",
    ask_join_team: "join a team near you",
    ask_report: "report a rumour you have seen",
    do_sign: "Sign",
    do_pledge: "Commit",
    do_invite: "Invite friends",
    do_start_team: "Start a team",
    do_join_team: "Join the team",
    do_report: "Report a rumour",
    do_link: "Open",
    you_are: "You are a",
};

pub const PT_BR: Words = Words {
    next: "Próximo passo",
    signatures: ("mais uma assinatura", "mais {n} assinaturas"),
    pledges: ("mais um compromisso", "mais {n} compromissos"),
    reports: ("mais um boato denunciado", "mais {n} boatos denunciados"),
    recruits: ("um recrutado", "mais {n} recrutados"),
    weeks_active: ("mais uma semana ativa", "mais {n} semanas ativas"),
    goal_weeks: (
        "a meta semanal cumprida mais uma vez",
        "a meta semanal cumprida mais {n} vezes",
    ),
    members: ("mais um membro na equipe", "mais {n} membros na equipe"),
    join_a_team: "entrar em uma equipe",
    ask_sign: "assine “{item}”",
    ask_pledge: "comprometa-se com “{item}”",
    ask_invite: "convide seus amigos com seu link pessoal",
    ask_start_team: "crie uma equipe e convide amigos",
    ask_join_team: "entre em uma equipe perto de você",
    ask_report: "denuncie um boato que você viu",
    do_sign: "Assinar",
    do_pledge: "Comprometer-me",
    do_invite: "Convidar amigos",
    do_start_team: "Criar equipe",
    do_join_team: "Entrar na equipe",
    do_report: "Denunciar boato",
    do_link: "Abrir",
    you_are: "Você é",
};

pub const ES: Words = Words {
    next: "Siguiente paso",
    signatures: ("una firma más", "{n} firmas más"),
    pledges: ("un compromiso más", "{n} compromisos más"),
    reports: ("un bulo más denunciado", "{n} bulos más denunciados"),
    recruits: ("un reclutado", "{n} reclutados más"),
    weeks_active: ("una semana activa más", "{n} semanas activas más"),
    goal_weeks: (
        "la meta semanal cumplida una vez más",
        "la meta semanal cumplida {n} veces más",
    ),
    members: (
        "un miembro más en el equipo",
        "{n} miembros más en el equipo",
    ),
    join_a_team: "unirte a un equipo",
    ask_sign: "firma «{item}»",
    ask_pledge: "comprométete con «{item}»",
    ask_invite: "invita a tus amigos con tu enlace personal",
    ask_start_team: "crea un equipo e invita a amigos",
    ask_join_team: "únete a un equipo cerca de ti",
    ask_report: "denuncia un bulo que hayas visto",
    do_sign: "Firmar",
    do_pledge: "Comprometerme",
    do_invite: "Invitar amigos",
    do_start_team: "Crear equipo",
    do_join_team: "Unirme al equipo",
    do_report: "Denunciar bulo",
    do_link: "Abrir",
    you_are: "Eres",
};

pub fn words(lang: Lang) -> &'static Words {
    match lang {
        Lang::En => &EN,
        Lang::PtBr => &PT_BR,
        Lang::Es => &ES,
    }
}

/// What an ask opens, worked out by the edge (it knows titles, own pages and teams with room).
pub struct Resolved<'a> {
    /// The petition's title or pledge's statement, the link's title.
    pub title: &'a str,
    /// The widget's item: a slug, or a team's invite code.
    pub item: &'a str,
    /// A page that does the same without JavaScript.
    pub href: &'a str,
}

/// The next step for a person on `on` (position) of `ladder`, with `measures` as in
/// [`Ladder::stands_on`]; `resolve` turns the ask into its title, item and page.
pub fn next_step(
    ladder: &Ladder,
    on: Option<usize>,
    measures: &[u32],
    lang: Lang,
    resolved: Resolved<'_>,
) -> Option<NextStep> {
    let target = ladder.next(on)?;
    let w = words(lang);
    let (label, action, open) = match &target.ask {
        Ask::Sign { .. } => (w.ask_sign, w.do_sign, "petition"),
        Ask::Pledge { .. } => (w.ask_pledge, w.do_pledge, "pledge"),
        Ask::Invite => (w.ask_invite, w.do_invite, "share"),
        Ask::StartTeam => (w.ask_start_team, w.do_start_team, "board"),
        Ask::JoinTeam => (w.ask_join_team, w.do_join_team, "board"),
        Ask::Report => (w.ask_report, w.do_report, "factcheck"),
        Ask::Link { .. } => ("{item}", w.do_link, "link"),
    };
    let label = label.replace("{item}", resolved.title);
    let mut chars = label.chars();
    let label = match chars.next() {
        Some(c) => format!("{}: {}{}", w.next, c.to_uppercase(), chars.as_str()),
        None => String::new(),
    };
    Some(NextStep {
        rung: on
            .and_then(|i| ladder.rungs.get(i))
            .map_or(String::new(), |r| r.name_in(lang).to_owned()),
        next: target.name_in(lang).to_owned(),
        needs: {
            let needs: Vec<String> = ladder
                .needs(target, measures)
                .iter()
                .map(|n| n.say(lang))
                .collect();
            if needs.is_empty() {
                String::new()
            } else {
                format!("{}: {}", target.name_in(lang), needs.join(", "))
            }
        },
        label,
        action: action.to_owned(),
        open: open.to_owned(),
        item: resolved.item.to_owned(),
        href: resolved.href.to_owned(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn items() -> (Vec<String>, Vec<String>) {
        (vec!["save-the-park".into()], vec!["vote".into()])
    }

    /// `(path, code)` of each problem, none when it passed.
    fn check(l: &Ladder) -> Vec<(String, ErrorCode)> {
        let (p, q) = items();
        l.validate(Items {
            petitions: &p,
            pledges: &q,
        })
        .err()
        .unwrap_or_default()
        .into_iter()
        .map(|p| (p.path, p.code))
        .collect()
    }

    fn edit(f: impl FnOnce(&mut Ladder)) -> Ladder {
        let mut l = Ladder::default_for(Some("vote"));
        f(&mut l);
        l
    }

    #[test]
    fn the_default_ladder_is_valid_and_has_five_rungs() {
        let l = Ladder::default_for(Some("vote"));
        assert_eq!(check(&l), vec![]);
        let slugs: Vec<_> = l.rungs.iter().map(|r| r.slug.as_str()).collect();
        assert_eq!(
            slugs,
            [
                "supporter",
                "regular",
                "recruiter",
                "team-member",
                "team-leader"
            ]
        );
        assert_eq!(check(&Ladder::default_for(None)), vec![]);
    }

    #[test]
    fn refusals_name_their_field() {
        use ErrorCode::*;
        let cases: Vec<(Ladder, Vec<(&str, ErrorCode)>)> = vec![
            (Ladder { rungs: vec![] }, vec![("rungs", InvalidValue)]),
            (
                edit(|l| l.rungs[1].name = "  ".into()),
                vec![("rungs[1].name", Required)],
            ),
            (
                edit(|l| l.rungs[2].name = "supporter".into()),
                vec![("rungs[2].name", Taken)],
            ),
            (
                edit(|l| l.rungs[3].slug = "regular".into()),
                vec![("rungs[3].slug", Taken)],
            ),
            (
                edit(|l| l.rungs[0].slug = "Not OK".into()),
                vec![("rungs[0].slug", InvalidValue)],
            ),
            (
                edit(|l| {
                    l.rungs[1].ask = Ask::Pledge {
                        pledge: "nope".into(),
                    }
                }),
                vec![("rungs[1].ask.pledge", InvalidValue)],
            ),
            (
                edit(|l| {
                    l.rungs[0].ask = Ask::Sign {
                        petition: "other".into(),
                    }
                }),
                vec![("rungs[0].ask.petition", InvalidValue)],
            ),
            (
                edit(|l| {
                    l.rungs[4].ask = Ask::Link {
                        title: "Phone bank".into(),
                        url: "javascript:alert(1)".into(),
                    }
                }),
                vec![("rungs[4].ask.url", InvalidValue)],
            ),
            (
                edit(|l| {
                    l.rungs[4].ask = Ask::Link {
                        title: "".into(),
                        url: "https://example.org/call".into(),
                    }
                }),
                vec![("rungs[4].ask.title", Required)],
            ),
            (
                edit(|l| {
                    l.rungs[1].any_of[0] = vec![Condition::WeeksActive {
                        at_least: 5,
                        of_last: 4,
                    }]
                }),
                vec![("rungs[1].any_of[0][0].at_least", InvalidValue)],
            ),
            (
                edit(|l| {
                    l.rungs[1].any_of[1] = vec![Condition::GoalMet {
                        at_least: 1,
                        of_last: 53,
                    }]
                }),
                vec![("rungs[1].any_of[1][0].of_last", InvalidValue)],
            ),
            (
                edit(|l| {
                    l.rungs[2].any_of[0] = vec![Condition::Actions {
                        action: ActionKind::Recruit,
                        at_least: 0,
                        within_weeks: Some(0),
                    }]
                }),
                vec![
                    ("rungs[2].any_of[0][0].at_least", InvalidValue),
                    ("rungs[2].any_of[0][0].within_weeks", InvalidValue),
                ],
            ),
            (
                edit(|l| l.rungs[4].any_of[0] = vec![Condition::LeadsTeam { at_least: 1001 }]),
                vec![("rungs[4].any_of[0][0].at_least", InvalidValue)],
            ),
            (
                edit(|l| l.rungs[3].any_of = vec![]),
                vec![("rungs[3].any_of", InvalidValue)],
            ),
            (
                edit(|l| l.rungs[3].any_of = vec![vec![]]),
                vec![("rungs[3].any_of", InvalidValue)],
            ),
            (
                edit(|l| {
                    l.rungs[0].names.insert("fr".into(), "Soutien".into());
                }),
                vec![("rungs[0].names", InvalidValue)],
            ),
            (
                edit(|l| {
                    let r = l.rungs[0].clone();
                    l.rungs = std::iter::repeat_n(r, MAX_RUNGS + 1)
                        .enumerate()
                        .map(|(i, mut r)| {
                            r.slug = format!("r{i}");
                            r.name = format!("Rung {i}");
                            r
                        })
                        .collect();
                }),
                vec![("rungs", InvalidValue)],
            ),
        ];
        for (ladder, want) in cases {
            let want: Vec<(String, ErrorCode)> =
                want.into_iter().map(|(p, c)| (p.to_owned(), c)).collect();
            assert_eq!(check(&ladder), want, "{ladder:?}");
        }
    }

    #[test]
    fn an_unknown_condition_is_refused_by_its_shape() {
        let bad = r#"{"rungs":[{"slug":"a","name":"A","any_of":[[{"kind":"vibes","at_least":1}]],"ask":{"kind":"invite"}}]}"#;
        assert!(serde_json::from_str::<Ladder>(bad).is_err());
        let good = r#"{"rungs":[{"slug":"a","name":"A","any_of":[[{"kind":"in_team"}]],"ask":{"kind":"invite"}}]}"#;
        let l: Ladder = serde_json::from_str(good).unwrap();
        assert_eq!(l.rungs[0].any_of[0][0], Condition::InTeam);
    }

    /// The measures of the default ladder's conditions, by name.
    fn measures(l: &Ladder, f: impl Fn(&Condition) -> u32) -> Vec<u32> {
        l.conditions().into_iter().map(f).collect()
    }

    #[test]
    fn a_person_stands_on_the_highest_rung_that_holds() {
        let l = Ladder::default_for(None);
        // (signatures, weeks active, goal weeks, recruits, in team, led team size) -> rung
        let cases = [
            ((0, 0, 0, 0, 0, 0), None),
            ((1, 1, 0, 0, 0, 0), Some("supporter")),
            ((1, 2, 0, 0, 0, 0), Some("regular")),
            ((1, 1, 1, 0, 0, 0), Some("regular")),
            ((1, 1, 0, 1, 0, 0), Some("recruiter")),
            ((1, 1, 0, 0, 1, 0), Some("team-member")),
            ((1, 1, 0, 0, 1, 2), Some("team-member")),
            ((1, 1, 0, 0, 1, 3), Some("team-leader")),
            // Rungs need not nest: a team leader who never signed anything still leads.
            ((0, 0, 0, 0, 1, 3), Some("team-leader")),
        ];
        for ((signs, weeks, goals, recruits, team, led), want) in cases {
            let m = measures(&l, |c| match c {
                Condition::Actions {
                    action: ActionKind::Sign,
                    ..
                } => signs,
                Condition::Actions {
                    action: ActionKind::Recruit,
                    ..
                } => recruits,
                Condition::Actions { .. } => 0,
                Condition::WeeksActive { .. } => weeks,
                Condition::GoalMet { .. } => goals,
                Condition::InTeam => team,
                Condition::LeadsTeam { .. } => led,
            });
            let on = l.stands_on(&m).map(|i| l.rungs[i].slug.as_str());
            assert_eq!(on, want, "{signs} {weeks} {goals} {recruits} {team} {led}");
        }
    }

    #[test]
    fn needs_are_the_shortest_group_in_each_language() {
        let l = Ladder::default_for(Some("vote"));
        let m = measures(&l, |c| match c {
            Condition::Actions {
                action: ActionKind::Sign,
                ..
            } => 1,
            Condition::WeeksActive { .. } => 1,
            _ => 0,
        });
        let regular = &l.rungs[1];
        let needs = l.needs(regular, &m);
        assert_eq!(needs.len(), 1);
        assert_eq!(needs[0].say(Lang::En), "one more week active");
        let leader = &l.rungs[4];
        let needs = l.needs(leader, &m);
        assert_eq!(needs[0].more, 3);
        assert_eq!(needs[0].say(Lang::PtBr), "mais 3 membros na equipe");
        assert_eq!(needs[0].say(Lang::Es), "3 miembros más en el equipo");
        assert_eq!(l.needs(&l.rungs[0], &m), vec![]);
    }

    #[test]
    fn the_next_step_is_the_next_rungs_ask() {
        let l = Ladder::default_for(Some("vote"));
        let m = vec![0; l.conditions().len()];
        let step = next_step(
            &l,
            Some(0),
            &m,
            Lang::PtBr,
            Resolved {
                title: "Vote no dia do orçamento",
                item: "vote",
                href: "https://x/pledge/demo/vote",
            },
        )
        .unwrap();
        assert_eq!(step.rung, "Apoiador");
        assert_eq!(step.next, "Frequente");
        assert_eq!(
            step.label,
            "Próximo passo: Comprometa-se com “Vote no dia do orçamento”"
        );
        assert_eq!(step.open, "pledge");
        assert_eq!(step.item, "vote");
        // At the top, the top rung's own ask.
        let top = next_step(
            &l,
            Some(4),
            &m,
            Lang::En,
            Resolved {
                title: "",
                item: "",
                href: "",
            },
        )
        .unwrap();
        assert_eq!(top.next, "Team leader");
        assert_eq!(top.open, "board");
        // No rung yet: the lowest rung's ask.
        let first = next_step(
            &l,
            None,
            &m,
            Lang::Es,
            Resolved {
                title: "",
                item: "",
                href: "",
            },
        )
        .unwrap();
        assert_eq!(first.rung, "");
        assert_eq!(first.next, "Simpatizante");
        assert_eq!(first.open, "share");
    }
}
