//! The staff's supporter list: the filter as data (parsed from, and written back to, a query
//! string, so a saved filter, an export job and a tag job carry the same text the list read),
//! its refusals by field, the sort and keyset cursor, and the answers (a page, a count, a
//! person's timeline, the teams' list, a bulk job).
//!
//! The filter's conditions combine with AND. The edge compiles a [`Filter`] to one SQL `WHERE`
//! (`edge/src/db/roster.rs`); this module knows nothing of SQL.

use serde::{Deserialize, Serialize};

use crate::ErrorCode;

/// An action a person did (or did not do): `did=sign:petition-slug`, `did=pledge` (any
/// pledge), `did=report`, `did=recruit`, `did=done:12` (campaign action 12).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Did {
    /// Signed a petition (this one, by slug).
    Sign(Option<String>),
    /// Pledged (this pledge, by slug).
    Pledge(Option<String>),
    /// Reported a rumour.
    Report,
    /// Recruited someone who acted.
    Recruit,
    /// Did a campaign action (this one, by id).
    Done(Option<u32>),
}

impl Did {
    /// The `actions.kind` this condition reads.
    pub fn kind(&self) -> &'static str {
        match self {
            Did::Sign(_) => "sign",
            Did::Pledge(_) => "pledge",
            Did::Report => "report",
            Did::Recruit => "recruit",
            Did::Done(_) => "done",
        }
    }

    fn parse(v: &str) -> Option<Did> {
        let (kind, item) = match v.split_once(':') {
            Some((k, i)) => (k, Some(i)),
            None => (v, None),
        };
        let slug = |i: Option<&str>| match i {
            None => Some(None),
            Some(s) if crate::validate::is_slug(s) => Some(Some(s.to_owned())),
            Some(_) => None,
        };
        Some(match kind {
            "sign" => Did::Sign(slug(item)?),
            "pledge" => Did::Pledge(slug(item)?),
            "report" if item.is_none() => Did::Report,
            "recruit" if item.is_none() => Did::Recruit,
            "done" => Did::Done(match item {
                None => None,
                Some(i) => Some(i.parse().ok().filter(|n| *n > 0)?),
            }),
            _ => return None,
        })
    }

    fn write(&self) -> String {
        match self {
            Did::Sign(Some(s)) => format!("sign:{s}"),
            Did::Pledge(Some(s)) => format!("pledge:{s}"),
            Did::Done(Some(n)) => format!("done:{n}"),
            d => d.kind().to_owned(),
        }
    }
}

/// How the list is sorted: the most recent action first, or the most points first. Ties (and
/// people who never acted) by id.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Sort {
    #[default]
    Last,
    Points,
}

impl Sort {
    pub fn as_str(self) -> &'static str {
        match self {
            Sort::Last => "last",
            Sort::Points => "points",
        }
    }
}

/// A combination of conditions on a campaign's supporters (all must hold).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Filter {
    /// Did every one of these (within `from`..`to` when given).
    pub did: Vec<Did>,
    /// Did none of these (ever).
    pub not_did: Vec<Did>,
    /// The first day (`YYYY-MM-DD`, the campaign's calendar) of the actions `did` counts; with
    /// no `did`, of any action.
    pub from: Option<String>,
    /// The last day, included.
    pub to: Option<String>,
    /// Where their first action came from (`supporters.first_source`: a site's host, `own`,
    /// `factcheck`, ...).
    pub source: Option<String>,
    /// Acted through a link with this `utm_source`.
    pub utm_source: Option<String>,
    /// Recruited by the supporter with this referral code.
    pub referrer: Option<String>,
    pub region: Option<String>,
    /// ISO 3166-1 alpha-2.
    pub country: Option<String>,
    /// In this team (its id).
    pub team: Option<u32>,
    /// Leads a team (true) or does not (false).
    pub leader: Option<bool>,
    /// Stands on this rung of the ladder (its slug).
    pub rung: Option<String>,
    /// Agreed to be contacted.
    pub consent: Option<bool>,
    /// Unsubscribed from every message.
    pub unsubscribed: Option<bool>,
    /// Confirmed at least one signature or commitment by email.
    pub confirmed: Option<bool>,
    /// Met the weekly goal in each of the last k complete weeks (1 to 12).
    pub goal_weeks: Option<u32>,
    /// Has a device subscribed to Web Push.
    pub push: Option<bool>,
    /// Carries every one of these tags.
    pub tags: Vec<String>,
    /// The start of a first or last name, or an exact email.
    pub q: Option<String>,
}

/// A request for one page of the list.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ListQuery {
    pub filter: Filter,
    pub sort: Sort,
    /// The cursor a previous page handed out (checked by the edge, which signed it).
    pub cursor: Option<String>,
    /// Rows a page, 1 to 100 (50 unless asked).
    pub limit: u32,
}

/// Why a filter was refused: the query parameter it names, its code and English prose.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Refusal {
    pub field: String,
    pub code: ErrorCode,
    pub message: String,
}

fn refuse(field: &str, code: ErrorCode, message: impl Into<String>) -> Refusal {
    Refusal {
        field: field.to_owned(),
        code,
        message: message.into(),
    }
}

/// The longest tag.
pub const TAG_MAX: usize = 40;

/// A tag as stored: trimmed, lower-cased ASCII letters, digits, `-`, `_`, `:` and spaces, 1 to
/// [`TAG_MAX`] characters (`field` names the parameter in a refusal).
pub fn tag(raw: &str, field: &str) -> Result<String, Refusal> {
    let t = raw.trim().to_ascii_lowercase();
    if t.is_empty() {
        return Err(refuse(field, ErrorCode::Required, "a tag cannot be empty"));
    }
    if t.chars().count() > TAG_MAX {
        return Err(refuse(
            field,
            ErrorCode::TooLong,
            format!("a tag has at most {TAG_MAX} characters"),
        ));
    }
    if !t
        .bytes()
        .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b':' | b' '))
    {
        return Err(refuse(
            field,
            ErrorCode::InvalidValue,
            "a tag holds letters, digits, spaces, '-', '_' and ':' only",
        ));
    }
    Ok(t)
}

fn yes_no(field: &str, v: &str) -> Result<bool, Refusal> {
    match v {
        "yes" | "true" | "1" => Ok(true),
        "no" | "false" | "0" => Ok(false),
        _ => Err(refuse(
            field,
            ErrorCode::InvalidValue,
            format!("{field} is yes or no"),
        )),
    }
}

fn short(field: &str, v: &str, max: usize) -> Result<String, Refusal> {
    let v = v.trim();
    if v.is_empty() {
        return Err(refuse(
            field,
            ErrorCode::Required,
            format!("{field} is empty"),
        ));
    }
    if v.chars().count() > max {
        return Err(refuse(
            field,
            ErrorCode::TooLong,
            format!("{field} has at most {max} characters"),
        ));
    }
    Ok(v.to_owned())
}

fn date(field: &str, v: &str) -> Result<String, Refusal> {
    let ok = v.len() == 10
        && v.as_bytes()[4] == b'-'
        && v.as_bytes()[7] == b'-'
        && crate::week::parse_date(v).is_some_and(|(y, m, d)| {
            // Round-trips: no 31 February.
            let days = crate::week::days_from_civil(y, m, d);
            crate::week::civil_from_days(days) == (y, m, d)
        });
    if ok {
        Ok(v.to_owned())
    } else {
        Err(refuse(
            field,
            ErrorCode::InvalidValue,
            format!("{field} is a date written YYYY-MM-DD"),
        ))
    }
}

impl Filter {
    /// Takes one query parameter; `Ok(false)` when the key is not a filter's.
    fn take(&mut self, k: &str, v: &str) -> Result<bool, Refusal> {
        match k {
            "did" | "not_did" => {
                let d = Did::parse(v.trim()).ok_or_else(|| {
                    refuse(
                        k,
                        ErrorCode::InvalidValue,
                        format!(
                            "{k} is sign, pledge, report, recruit or done, \
                             optionally with ':' and a petition's or pledge's slug or an action's id"
                        ),
                    )
                })?;
                if k == "did" {
                    &mut self.did
                } else {
                    &mut self.not_did
                }
                .push(d);
            }
            "from" => self.from = Some(date(k, v)?),
            "to" => self.to = Some(date(k, v)?),
            "source" => self.source = Some(short(k, v, 200)?),
            "utm_source" => self.utm_source = Some(short(k, v, 200)?),
            "referrer" => {
                self.referrer = Some(crate::validate::ref_code(v).ok_or_else(|| {
                    refuse(k, ErrorCode::InvalidValue, "referrer is a referral code")
                })?)
            }
            "region" => self.region = Some(short(k, v, 20)?),
            "country" => {
                let c = crate::validate::country(v).map_err(|_| {
                    refuse(
                        k,
                        ErrorCode::InvalidCountry,
                        "country is an ISO 3166-1 alpha-2 code",
                    )
                })?;
                self.country = Some(c);
            }
            "team" => {
                self.team =
                    Some(v.trim().parse().ok().filter(|n| *n > 0).ok_or_else(|| {
                        refuse(k, ErrorCode::InvalidValue, "team is a team's number")
                    })?)
            }
            "leader" => self.leader = Some(yes_no(k, v)?),
            "rung" => {
                let r = v.trim();
                if r.is_empty()
                    || r.len() > 32
                    || !r
                        .bytes()
                        .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
                {
                    return Err(refuse(
                        k,
                        ErrorCode::InvalidValue,
                        "rung must be a rung's slug",
                    ));
                }
                self.rung = Some(r.to_owned());
            }
            "consent" => self.consent = Some(yes_no(k, v)?),
            "unsubscribed" => self.unsubscribed = Some(yes_no(k, v)?),
            "confirmed" => self.confirmed = Some(yes_no(k, v)?),
            "goal_weeks" => {
                self.goal_weeks = Some(
                    v.trim()
                        .parse()
                        .ok()
                        .filter(|n| (1..=12).contains(n))
                        .ok_or_else(|| {
                            refuse(k, ErrorCode::InvalidValue, "goal_weeks is 1 to 12 weeks")
                        })?,
                )
            }
            "push" => self.push = Some(yes_no(k, v)?),
            "tag" => self.tags.push(tag(v, k)?),
            "q" => {
                let q = v.trim();
                let n = q.chars().count();
                if !(2..=100).contains(&n) {
                    return Err(refuse(
                        k,
                        ErrorCode::InvalidValue,
                        "search with 2 to 100 characters: an email or the start of a name",
                    ));
                }
                self.q = Some(q.to_owned());
            }
            _ => return Ok(false),
        }
        Ok(true)
    }

    /// Checks what no single parameter can: the date range's order, and a sane number of
    /// conditions.
    fn check(&self) -> Result<(), Refusal> {
        if let (Some(f), Some(t)) = (&self.from, &self.to) {
            if t < f {
                return Err(refuse(
                    "to",
                    ErrorCode::InvalidValue,
                    "the range ends before it starts",
                ));
            }
        }
        if self.did.len() + self.not_did.len() > 6 {
            return Err(refuse(
                "did",
                ErrorCode::InvalidValue,
                "at most 6 did and not_did conditions",
            ));
        }
        if self.tags.len() > 5 {
            return Err(refuse("tag", ErrorCode::InvalidValue, "at most 5 tags"));
        }
        Ok(())
    }

    /// The filter alone from a query string's pairs: every key must be a filter's.
    pub fn from_pairs<'a>(
        pairs: impl IntoIterator<Item = (&'a str, &'a str)>,
    ) -> Result<Filter, Refusal> {
        let mut f = Filter::default();
        for (k, v) in pairs {
            if !f.take(k, v)? {
                return Err(unknown(k));
            }
        }
        f.check()?;
        Ok(f)
    }

    /// Parses a stored query string (a saved filter's, a job's).
    pub fn parse(query: &str) -> Result<Filter, Refusal> {
        let pairs = decode_pairs(query);
        Filter::from_pairs(pairs.iter().map(|(k, v)| (k.as_str(), v.as_str())))
    }

    /// True when no condition is set (the whole campaign).
    pub fn is_empty(&self) -> bool {
        *self == Filter::default()
    }

    /// The canonical query string of the filter (keys in a fixed order, values
    /// percent-encoded): what saved filters and jobs store, and what [`Filter::parse`] reads.
    pub fn to_query(&self) -> String {
        let mut out: Vec<(&str, String)> = Vec::new();
        out.extend(self.did.iter().map(|d| ("did", d.write())));
        out.extend(self.not_did.iter().map(|d| ("not_did", d.write())));
        let opt = |out: &mut Vec<(&str, String)>, k: &'static str, v: &Option<String>| {
            if let Some(v) = v {
                out.push((k, v.clone()));
            }
        };
        let yn = |b: bool| if b { "yes" } else { "no" }.to_owned();
        opt(&mut out, "from", &self.from);
        opt(&mut out, "to", &self.to);
        opt(&mut out, "source", &self.source);
        opt(&mut out, "utm_source", &self.utm_source);
        opt(&mut out, "referrer", &self.referrer);
        opt(&mut out, "region", &self.region);
        opt(&mut out, "country", &self.country);
        if let Some(t) = self.team {
            out.push(("team", t.to_string()));
        }
        if let Some(b) = self.leader {
            out.push(("leader", yn(b)));
        }
        opt(&mut out, "rung", &self.rung);
        for (k, v) in [
            ("consent", self.consent),
            ("unsubscribed", self.unsubscribed),
            ("confirmed", self.confirmed),
        ] {
            if let Some(b) = v {
                out.push((k, yn(b)));
            }
        }
        if let Some(k) = self.goal_weeks {
            out.push(("goal_weeks", k.to_string()));
        }
        if let Some(b) = self.push {
            out.push(("push", yn(b)));
        }
        out.extend(self.tags.iter().map(|t| ("tag", t.clone())));
        opt(&mut out, "q", &self.q);
        out.iter()
            .map(|(k, v)| format!("{k}={}", encode(v)))
            .collect::<Vec<_>>()
            .join("&")
    }
}

fn unknown(k: &str) -> Refusal {
    refuse(
        k,
        ErrorCode::InvalidValue,
        format!("{k} is not a filter of the supporter list"),
    )
}

impl ListQuery {
    /// A page's request from its query string's pairs: the filter's keys and `sort`, `cursor`,
    /// `limit`. An unknown key is refused by name.
    pub fn from_pairs<'a>(
        pairs: impl IntoIterator<Item = (&'a str, &'a str)>,
    ) -> Result<ListQuery, Refusal> {
        let mut q = ListQuery {
            limit: 50,
            ..ListQuery::default()
        };
        for (k, v) in pairs {
            match k {
                "sort" => {
                    q.sort = match v {
                        "last" => Sort::Last,
                        "points" => Sort::Points,
                        _ => {
                            return Err(refuse(
                                k,
                                ErrorCode::InvalidValue,
                                "sort is last or points",
                            ))
                        }
                    }
                }
                "cursor" => q.cursor = Some(v.to_owned()),
                "limit" => {
                    q.limit = v
                        .parse()
                        .ok()
                        .filter(|n| (1..=100).contains(n))
                        .ok_or_else(|| refuse(k, ErrorCode::InvalidValue, "limit is 1 to 100"))?
                }
                _ => {
                    if !q.filter.take(k, v)? {
                        return Err(unknown(k));
                    }
                }
            }
        }
        q.filter.check()?;
        Ok(q)
    }
}

/// Where a page ended: the sort key of its last row and its id. The edge signs the text it
/// hands out, so a cursor it did not write is refused.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Cursor {
    pub sort: Sort,
    /// The last row's `last_action_at` (0 for never) or points.
    pub key: i64,
    pub id: u32,
}

impl Cursor {
    /// The unsigned text: `l.1764806400000.123` or `p.350.123`.
    pub fn body(&self) -> String {
        let s = match self.sort {
            Sort::Last => 'l',
            Sort::Points => 'p',
        };
        format!("{s}.{}.{}", self.key, self.id)
    }

    /// Reads the text [`Cursor::body`] wrote.
    pub fn read(body: &str) -> Option<Cursor> {
        let mut it = body.splitn(3, '.');
        let sort = match it.next()? {
            "l" => Sort::Last,
            "p" => Sort::Points,
            _ => return None,
        };
        let key = it.next()?.parse().ok()?;
        let id = it.next()?.parse().ok()?;
        Some(Cursor { sort, key, id })
    }
}

/// Percent-encodes a query value (everything but unreserved characters).
pub fn encode(v: &str) -> String {
    let mut out = String::with_capacity(v.len());
    for b in v.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~' | b':') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// Splits and decodes a query string (`+` is a space), as `application/x-www-form-urlencoded`.
pub fn decode_pairs(query: &str) -> Vec<(String, String)> {
    let dec = |s: &str| {
        let b = s.as_bytes();
        let mut out = Vec::with_capacity(b.len());
        let mut i = 0;
        while i < b.len() {
            match b[i] {
                b'+' => out.push(b' '),
                b'%' if i + 2 < b.len() => {
                    let hex = |c: u8| (c as char).to_digit(16);
                    match (hex(b[i + 1]), hex(b[i + 2])) {
                        (Some(h), Some(l)) => {
                            out.push((h * 16 + l) as u8);
                            i += 2;
                        }
                        _ => out.push(b'%'),
                    }
                }
                c => out.push(c),
            }
            i += 1;
        }
        String::from_utf8_lossy(&out).into_owned()
    };
    query
        .trim_start_matches('?')
        .split('&')
        .filter(|p| !p.is_empty())
        .map(|p| match p.split_once('=') {
            Some((k, v)) => (dec(k), dec(v)),
            None => (dec(p), String::new()),
        })
        .collect()
}

/// One row of the list.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Row {
    pub id: u32,
    pub first_name: String,
    pub last_name: String,
    /// Only for roles that may see emails (owner, organiser); `None` for the others.
    pub email: Option<String>,
    pub country: String,
    pub region: Option<String>,
    pub points: u32,
    pub rung: String,
    pub team: Option<String>,
    pub leader: bool,
    /// Milliseconds; `None` for someone with no action.
    pub last_action_at: Option<f64>,
    pub contact_consent: bool,
    pub unsubscribed: bool,
    pub tags: Vec<String>,
}

/// `GET .../staff/people`: a page, and the cursor of the next (none on the last page).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Page {
    pub rows: Vec<Row>,
    pub next: Option<String>,
    /// The filter as its canonical query string (what a save or a job would store).
    pub filter: String,
}

/// `GET .../staff/people/count`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Count {
    pub count: u64,
    pub filter: String,
}

/// A saved filter of a campaign.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SavedFilter {
    pub id: u32,
    pub name: String,
    /// The canonical query string.
    pub filter: String,
    pub created_at: f64,
}

/// `POST .../staff/filters`: a name and the query string.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct FilterDraft {
    pub name: Option<String>,
    pub filter: Option<String>,
}

/// What a bulk job does to the people of a filter (tag them, or untag them).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum BulkOp {
    Tag,
    Untag,
}

impl BulkOp {
    pub fn as_str(self) -> &'static str {
        match self {
            BulkOp::Tag => "tag",
            BulkOp::Untag => "untag",
        }
    }
    pub fn parse(s: &str) -> Option<BulkOp> {
        Some(match s {
            "tag" => BulkOp::Tag,
            "untag" => BulkOp::Untag,
            _ => return None,
        })
    }
}

/// `POST .../staff/people/bulk`: `{ "op": "tag", "tag": "volunteer", "filter": "region=BR-SP" }`.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct BulkDraft {
    pub op: Option<BulkOp>,
    pub tag: Option<String>,
    pub filter: Option<String>,
}

/// The answer to a bulk request: how many matched, and the job (none when nobody matched,
/// with `message` saying so).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct BulkStart {
    pub matched: u64,
    pub job: Option<BulkJob>,
    pub message: Option<String>,
}

/// `POST .../staff/supporters/:id/tags`: a tag on one person (`on: false` removes it), and
/// the answer.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct PersonTag {
    pub tag: Option<String>,
    pub on: Option<bool>,
}

/// A bulk job as staff see it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct BulkJob {
    pub id: u32,
    pub op: BulkOp,
    pub tag: String,
    pub filter: String,
    /// `running`, `done` or `failed`.
    pub status: String,
    /// The filter's matches when the job started.
    pub expected: u64,
    /// People done so far.
    pub done: u64,
    pub created_at: f64,
    pub finished_at: Option<f64>,
}

/// One entry of a person's timeline.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct TimelineAction {
    /// `sign`, `pledge`, `report`, `recruit`, `done`.
    pub kind: String,
    /// The petition's or pledge's title, the campaign action's title, the recruit's public name.
    pub what: Option<String>,
    /// The site it happened on, and its `utm_source`.
    pub source: Option<String>,
    pub utm_source: Option<String>,
    pub points: i64,
    pub at: f64,
}

/// A move on the ladder.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct RungMove {
    pub from: String,
    pub to: String,
    pub cause: String,
    pub at: f64,
}

/// A message or delivery about the person: its kind and status only.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Delivery {
    pub kind: String,
    pub status: String,
    /// The webhook event, for a delivery.
    pub event: Option<String>,
    pub at: f64,
}

/// Someone linked to the person (recruiter, recruit), by public name.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Linked {
    pub id: u32,
    pub name: String,
}

/// A consent and when it last changed.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ConsentEntry {
    /// `contact`, `unsubscribed`, `leader_contact`, `listed`.
    pub what: String,
    pub value: bool,
    pub at: Option<f64>,
}

/// `GET .../staff/supporters/:id/timeline`: one person's page (audited).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Timeline {
    pub id: u32,
    pub first_name: String,
    pub last_name: String,
    pub email: Option<String>,
    pub country: String,
    pub region: Option<String>,
    pub points: u32,
    pub rung: String,
    pub team: Option<TeamRef>,
    pub recruited_by: Option<Linked>,
    pub recruits: Vec<Linked>,
    pub actions: Vec<TimelineAction>,
    pub rungs: Vec<RungMove>,
    pub deliveries: Vec<Delivery>,
    pub consent: Vec<ConsentEntry>,
    pub tags: Vec<String>,
    pub created_at: f64,
    pub erased: bool,
}

/// A team and the person's role in it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct TeamRef {
    pub id: u32,
    pub name: String,
    pub leader: bool,
}

/// One row of the Teams tab.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct TeamRow {
    pub id: u32,
    pub name: String,
    pub leader_id: Option<u32>,
    pub leader: Option<String>,
    pub size: u32,
    pub week_points: i64,
    pub points: i64,
    /// Complete weeks in a row (before this one) in which the team met its goal: the
    /// campaign's weekly goal times its size, in actions.
    pub streak: u32,
    /// Members with no action in 7 days.
    pub stalled: u32,
    pub leader_last_active: Option<f64>,
}

/// `GET .../staff/teams`: a page of teams, by all-time points.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct TeamsPage {
    pub teams: Vec<TeamRow>,
    pub next: Option<String>,
}

/// `PATCH .../staff/teams/:id`: rename, replace the leader (a member), move a member in.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct TeamEdit {
    pub name: Option<String>,
    /// The member who becomes leader (the old leader stays a member and both are told by email).
    pub leader: Option<u32>,
    /// A supporter moved into this team (from their team, if any).
    pub add_member: Option<u32>,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pairs(q: &str) -> Vec<(String, String)> {
        decode_pairs(q)
    }

    fn list(q: &str) -> Result<ListQuery, Refusal> {
        let p = pairs(q);
        ListQuery::from_pairs(p.iter().map(|(k, v)| (k.as_str(), v.as_str())))
    }

    #[test]
    fn filters_round_trip_through_their_query() {
        for q in [
            "did=sign:save-the-park&not_did=pledge&region=BR-SP&from=2026-11-23&to=2026-11-29",
            "did=done:12&team=4&leader=yes&rung=recruiter&consent=no&unsubscribed=no",
            "confirmed=yes&goal_weeks=3&push=yes&tag=volunteer&tag=spanish%20speaker&q=ana",
            "source=example.org&utm_source=partner%26co&referrer=ABCD2345&country=BR",
            "",
        ] {
            let f = Filter::parse(q).unwrap();
            assert_eq!(Filter::parse(&f.to_query()).unwrap(), f, "{q}");
        }
    }

    #[test]
    fn refusals_name_their_field() {
        for (q, field, code) in [
            ("colour=red", "colour", ErrorCode::InvalidValue),
            ("did=vote", "did", ErrorCode::InvalidValue),
            ("did=sign:Not A Slug", "did", ErrorCode::InvalidValue),
            ("from=2026-13-01", "from", ErrorCode::InvalidValue),
            ("to=2026-02-31", "to", ErrorCode::InvalidValue),
            (
                "from=2026-11-30&to=2026-11-01",
                "to",
                ErrorCode::InvalidValue,
            ),
            ("tag=", "tag", ErrorCode::Required),
            ("tag=%20%20", "tag", ErrorCode::Required),
            (
                &format!("tag={}", "a".repeat(41)),
                "tag",
                ErrorCode::TooLong,
            ),
            ("tag=%3Cb%3E", "tag", ErrorCode::InvalidValue),
            ("goal_weeks=13", "goal_weeks", ErrorCode::InvalidValue),
            ("leader=maybe", "leader", ErrorCode::InvalidValue),
            ("country=XX", "country", ErrorCode::InvalidCountry),
            ("sort=name", "sort", ErrorCode::InvalidValue),
            ("limit=500", "limit", ErrorCode::InvalidValue),
            ("team=0", "team", ErrorCode::InvalidValue),
        ] {
            let r = list(q).unwrap_err();
            assert_eq!((r.field.as_str(), r.code), (field, code), "{q}");
        }
    }

    #[test]
    fn cursors_read_back_and_refuse_other_text() {
        let c = Cursor {
            sort: Sort::Points,
            key: 350,
            id: 9,
        };
        assert_eq!(Cursor::read(&c.body()), Some(c));
        for bad in ["", "x.1.2", "l.a.2", "l.1", "l.1.-2"] {
            assert_eq!(Cursor::read(bad), None, "{bad}");
        }
    }

    #[test]
    fn tags_are_normalised() {
        assert_eq!(tag("  Volunteer ", "tag").unwrap(), "volunteer");
        assert_eq!(tag("an:2026 list", "tag").unwrap(), "an:2026 list");
    }
}
