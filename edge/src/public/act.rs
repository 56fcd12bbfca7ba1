//! Acting once and being counted: signing a petition and committing to a pledge are one
//! handler, generic over [`Kind`], so a rule (rate limit, body rules, the remembered supporter,
//! validation, closed items, idempotency, the one D1 batch, the KV refresh, the token for a new
//! supporter) cannot differ between them.

use rally_api::{
    next_goal, ErrorCode, PetitionStatus, PledgeResponse, PledgeStatus, SignRequest, SignResponse,
    SignStatus,
};
use serde::{Deserialize, Serialize};
use worker::{Request, Response};

use crate::auth::{supporter, token, turnstile};
use crate::db::act::{
    live_ladder, status, ActInput, ActOutcome, PetitionMeta, PledgeMeta, Subject,
};
use crate::db::drain::DrainRow;
use crate::db::ladder::{At, Cause, Live, Who};
use crate::db::Store;
use crate::error::{AppError, AppResult};
use crate::http::{self, city, json, now, origin, param, store, view_cache, week_of, Ctx};
use crate::public::ladder;
use crate::public::pledge;
use rally_api::ladder::NextStep;

/// What differs between the things a supporter acts on.
pub trait Kind {
    /// The word for it, in errors and cache keys (`petition`, `pledge`).
    const NAME: &'static str;
    /// Its fixed fields, read before acting.
    type Meta;
    /// The kind's own fields of the body, beside the [`SignRequest`] (a pledge's reminder).
    type Extra: for<'de> Deserialize<'de>;
    /// The snapshot of its public view.
    type View: Serialize;
    /// The answer to the action.
    type Answer: Serialize;

    async fn meta(
        store: &Store,
        campaign: &str,
        slug: &str,
        at: f64,
    ) -> AppResult<Option<Self::Meta>>;
    /// What the action is about, read from its fixed fields.
    fn about(m: &Self::Meta) -> About<'_>;
    fn reminder(extra: &Self::Extra) -> Option<bool>;
    /// When the action's reminders are due, if it has any (a dated pledge).
    fn reminder_times(m: &Self::Meta) -> Option<[(f64, f64); 2]>;
    fn view(
        m: &Self::Meta,
        o: &ActOutcome,
        recent: Vec<rally_api::RecentSigner>,
        at: f64,
        origin: &str,
    ) -> Self::View;
    fn answer(
        m: &Self::Meta,
        o: ActOutcome,
        token: Option<String>,
        next: Option<NextStep>,
        origin: &str,
    ) -> Self::Answer;
}

/// The fields of a petition or pledge that acting needs.
pub struct About<'a> {
    pub subject: Subject,
    /// As stored: `open` or `closed`.
    pub status: &'a str,
    /// The campaign's time zone: the action's week is counted there.
    pub timezone: &'a str,
    pub campaign: &'a str,
    pub slug: &'a str,
    /// The campaign's ladder, evaluated in the action's batch.
    pub ladder: Live,
    /// Its shards (0: the direct path).
    pub shards: u32,
}

/// Petitions: signatures.
pub enum Petition {}

/// Pledges: commitments (with an optional reminder, and calendar links in the answer).
pub enum Pledge {}

/// A petition's body has no fields of its own.
#[derive(Deserialize)]
pub struct NoExtra {}

/// The pledge-only field of a commitment; the rest of the body is a [`SignRequest`].
#[derive(Deserialize, Default)]
pub struct Reminder {
    #[serde(default)]
    reminder: bool,
}

impl Kind for Petition {
    const NAME: &'static str = "petition";
    type Meta = PetitionMeta;
    type Extra = NoExtra;
    type View = rally_api::Presented<rally_api::PetitionView>;
    type Answer = SignResponse;

    async fn meta(
        store: &Store,
        campaign: &str,
        slug: &str,
        at: f64,
    ) -> AppResult<Option<PetitionMeta>> {
        store.petition_meta(campaign, slug, at).await
    }

    fn about(m: &PetitionMeta) -> About<'_> {
        About {
            subject: m.subject(),
            status: &m.status,
            timezone: &m.timezone,
            campaign: &m.campaign,
            slug: &m.slug,
            ladder: live_ladder(&m.ladder, m.ladder_version, &m.first_pledge),
            shards: m.shards,
        }
    }

    fn reminder(_: &NoExtra) -> Option<bool> {
        None
    }

    fn reminder_times(_: &PetitionMeta) -> Option<[(f64, f64); 2]> {
        None
    }

    fn view(
        m: &PetitionMeta,
        o: &ActOutcome,
        recent: Vec<rally_api::RecentSigner>,
        at: f64,
        _: &str,
    ) -> Self::View {
        m.view(o.count, recent, at as u64)
    }

    fn answer(
        m: &PetitionMeta,
        o: ActOutcome,
        token: Option<String>,
        next: Option<NextStep>,
        _: &str,
    ) -> SignResponse {
        SignResponse {
            status: if o.signed {
                SignStatus::Signed
            } else {
                SignStatus::AlreadySigned
            },
            count: o.count,
            goal: next_goal(o.count, m.base_goal),
            ref_code: o.ref_code,
            supporter_token: token,
            next,
        }
    }
}

impl Kind for Pledge {
    const NAME: &'static str = "pledge";
    type Meta = PledgeMeta;
    type Extra = Reminder;
    type View = rally_api::Presented<rally_api::PledgeView>;
    type Answer = PledgeResponse;

    async fn meta(
        store: &Store,
        campaign: &str,
        slug: &str,
        _: f64,
    ) -> AppResult<Option<PledgeMeta>> {
        store.pledge_meta(campaign, slug).await
    }

    fn about(m: &PledgeMeta) -> About<'_> {
        About {
            subject: m.subject(),
            status: &m.status,
            timezone: &m.timezone,
            campaign: &m.campaign,
            slug: &m.slug,
            ladder: live_ladder(&m.ladder, m.ladder_version, &m.first_pledge),
            shards: m.shards,
        }
    }

    fn reminder(extra: &Reminder) -> Option<bool> {
        Some(extra.reminder)
    }

    fn reminder_times(m: &PledgeMeta) -> Option<[(f64, f64); 2]> {
        m.starts_at
            .map(|start| crate::mail::reminder_times(start, &m.timezone))
    }

    fn view(
        m: &PledgeMeta,
        o: &ActOutcome,
        recent: Vec<rally_api::RecentSigner>,
        at: f64,
        origin: &str,
    ) -> Self::View {
        pledge::view(m, o.count, recent, at, origin)
    }

    fn answer(
        m: &PledgeMeta,
        o: ActOutcome,
        token: Option<String>,
        next: Option<NextStep>,
        origin: &str,
    ) -> PledgeResponse {
        PledgeResponse {
            status: if o.signed {
                PledgeStatus::Pledged
            } else {
                PledgeStatus::AlreadyPledged
            },
            count: o.count,
            goal: next_goal(o.count, m.base_goal),
            ref_code: o.ref_code,
            supporter_token: token,
            calendar: pledge::links(m, origin),
            next,
        }
    }
}

/// `POST /api/v1/campaigns/:campaign/petitions/:petition/signatures` and
/// `POST /api/v1/campaigns/:campaign/pledges/:pledge/commitments`: `201` when this request (or
/// an earlier one with its idempotency key) added the row, `200` when the person had already
/// acted.
pub async fn act<K: Kind>(mut req: Request, ctx: Ctx) -> AppResult<Response> {
    let idempotency_key = http::idempotency_key(&req)?;
    http::rate_limit(&req, &ctx.env, http::SIGN_LIMITER).await?;
    let bytes = http::json_bytes(&mut req).await?;
    let body: SignRequest = http::parse_json(&bytes)?;
    let extra: K::Extra = http::parse_json(&bytes)?;
    let (slug_campaign, slug) = (param(&ctx, "campaign")?, param(&ctx, K::NAME)?);
    let challenge: turnstile::Token = http::parse_json(&bytes)?;
    turnstile::check(
        &req,
        &ctx,
        slug_campaign,
        &challenge.turnstile,
        idempotency_key.as_deref(),
    )
    .await?;
    let done = act_once::<K>(
        &req,
        &ctx,
        (slug_campaign, slug),
        body,
        extra,
        idempotency_key,
    )
    .await?;
    let code = if done.outcome.signed { 201 } else { 200 };
    json(
        &K::answer(
            &done.meta,
            done.outcome,
            done.token,
            done.next,
            &done.origin,
        ),
        code,
    )
}

/// Whether a batch failed because a new referral code was already taken.
fn ref_code_taken(e: &AppError) -> bool {
    matches!(e, AppError::Internal(detail)
        if detail.contains("UNIQUE constraint failed") && detail.contains("ref_code"))
}

/// An action done: the item, what the batch did, the new supporter's token, the origin.
pub struct Done<K: Kind> {
    pub meta: K::Meta,
    pub outcome: ActOutcome,
    pub token: Option<String>,
    pub origin: String,
    /// The next step on the ladder, in the person's language.
    pub next: Option<NextStep>,
}

/// Acting once, whatever the body came as (the API's JSON, the own page's form): the item,
/// the remembered supporter, validation, closed items, the one D1 batch with its idempotency
/// key, the messages to the queue, the KV refresh, the new supporter's token. The caller has
/// applied the rate limit.
pub async fn act_once<K: Kind>(
    req: &Request,
    ctx: &Ctx,
    (campaign, slug): (&str, &str),
    body: SignRequest,
    extra: K::Extra,
    idempotency_key: Option<String>,
) -> AppResult<Done<K>> {
    let store = store(ctx)?;
    let at = now();
    let m = K::meta(&store, campaign, slug, at)
        .await?
        .ok_or_else(|| AppError::not_found(K::NAME))?;
    let about = K::about(&m);
    let campaign_id = about.subject.campaign_id;
    // A filled honeypot (a field people never see) is answered as if it had worked, so a bot
    // learns nothing to adapt to; nothing is stored, counted or sent.
    if !body.website.is_empty() {
        let count = store.count(about.subject.target, about.subject.id).await? + 1;
        return Ok(Done {
            meta: m,
            outcome: ActOutcome::answered(true, count, http::ref_code()?, 0),
            token: None,
            origin: origin(req)?,
            next: None,
        });
    }
    let body = supporter::as_remembered(req, &ctx.env, &store, campaign_id, body).await?;
    let person = body.validate().map_err(AppError::Invalid)?;
    if status(about.status) == PetitionStatus::Closed {
        return Err(AppError::refused(
            ErrorCode::PetitionClosed,
            format!("this {} is closed", K::NAME),
        ));
    }
    let week = week_of(at, about.timezone);
    let today = http::local_date(at, about.timezone);
    let key = crate::cache::key(K::NAME, about.campaign, about.slug);
    let request_id = http::request_id()?;
    let city = city(req, &person.country);
    if about.shards > 0 {
        let (subject, shards) = (about.subject, about.shards);
        let (campaign_slug, item_slug) = (about.campaign.to_owned(), about.slug.to_owned());
        let ack = Shard {
            subject,
            shards,
            campaign: &campaign_slug,
            slug: &item_slug,
            key: &key,
            request_id: &request_id,
            idempotency_key: idempotency_key.as_deref(),
            week: &week,
            today: &today,
            city: city.as_deref(),
            reminder: K::reminder(&extra),
            at,
        };
        let (outcome, token) = in_shard::<K>(ctx, &person, &ack).await?;
        return Ok(Done {
            meta: m,
            outcome,
            token,
            origin: origin(req)?,
            next: None,
        });
    }
    // A new supporter's random referral code may, rarely, be one already taken (40 bits: about
    // once in a million signatures at a million supporters). The batch then wrote nothing, so
    // it is tried again with another code.
    let item = format!("{}:{}", K::NAME, about.slug);
    let mut tries = 0;
    let mut outcome = loop {
        let tried = store
            .act(&ActInput {
                subject: about.subject,
                sig: &person,
                request_id: &request_id,
                new_ref_code: &http::ref_code()?,
                idempotency_key: idempotency_key.as_deref(),
                city: city.as_deref(),
                week: &week,
                today: &today,
                reminder: K::reminder(&extra),
                reminders: K::reminder(&extra)
                    .filter(|r| *r)
                    .and_then(|_| K::reminder_times(&m)),
                ladder: &about.ladder,
                item: &item,
                auto_shards: crate::shard::auto(&ctx.env),
                now: at,
            })
            .await;
        match tried {
            Err(e) if tries < 3 && ref_code_taken(&e) => tries += 1,
            done => break done?,
        }
    };
    // The action moved the item to shards (its minute passed the edge's threshold): this
    // isolate forgets its fields, so its next action goes to a shard.
    if outcome.shards > 0 {
        crate::db::act::forget_meta(about.campaign, about.slug);
    }
    let origin = origin(req)?;
    // A ladder edit raced the action: its evaluation wrote nothing, so it runs again against
    // the new ladder (the edit's background job may already have passed this person).
    let mut live = about.ladder.clone();
    if !outcome.ladder_held {
        let at_ = At {
            campaign_id,
            request_id: &format!("{request_id}:again"),
            now: at,
            week: &week,
            cause: Cause::Action,
        };
        let who = Who::acting(campaign_id, &person.email);
        let (hooks, now_live) = store.evaluate(&who, &at_).await?;
        outcome.messages.extend(hooks);
        live = now_live;
        outcome.standing = store
            .standing_of(&live, &week, outcome.supporter_id)
            .await?;
    }
    let next = outcome.standing.as_ref().and_then(|standing| {
        ladder::step(
            &ladder::Seen {
                live: &live,
                standing,
                asks: &outcome.asks,
            },
            person.lang,
            &origin,
            about.campaign,
        )
    });
    // The confirmation asks for the same next step (written before the queue has it).
    if let (Some(id), Some(step)) = (outcome.confirmation, &next) {
        store.set_next_step(id, step).await?;
    }
    crate::mail::enqueue(&outcome.messages);
    if let Some(recent) = outcome.claimed.clone() {
        let view = K::view(&m, &outcome, recent, at, &origin);
        view_cache(ctx)?.store(&key, &view, at).await?;
    }
    let token = outcome
        .new_supporter
        .map(|claims| token::issue(&ctx.env, campaign_id, claims))
        .transpose()?;
    Ok(Done {
        meta: m,
        outcome,
        token,
        origin,
        next,
    })
}

/// What the shard path needs of an action, gathered by [`act_once`].
struct Shard<'a> {
    subject: crate::db::act::Subject,
    shards: u32,
    campaign: &'a str,
    slug: &'a str,
    /// The KV key of the item's public view.
    key: &'a str,
    request_id: &'a str,
    idempotency_key: Option<&'a str>,
    week: &'a str,
    today: &'a str,
    city: Option<&'a str>,
    reminder: Option<bool>,
    at: f64,
}

/// The shard path (issue 25): one D1 read (the count, and whether the person is a supporter
/// who already acted), then the action handed to its shard, durable there before the answer.
/// No D1 write: the shard's drain writes everything the direct path would have, a second or
/// so later. A new supporter is handed a pending token (`auth::token::issue_pending`) that
/// holds once the drain has created them.
async fn in_shard<K: Kind>(
    ctx: &Ctx,
    person: &rally_api::ValidSignature,
    a: &Shard<'_>,
) -> AppResult<(ActOutcome, Option<String>)> {
    let s = a.subject;
    // A replica may lag by a moment: a person who acted a moment ago through the direct path is
    // then handed to the shard, and the drain's insert-or-ignore counts them once anyway.
    let known = Store::replica(&ctx.env, &ctx.meter)?
        .known(s.target, s.id, s.campaign_id, &person.email)
        .await?
        .ok_or_else(|| AppError::not_found(K::NAME))?;
    // The count a visitor saw never goes down: the snapshot counts what the shards held.
    let shown = view_cache(ctx)?.last_count(a.key).await.unwrap_or(0);
    let outcome = |signed: bool, count: u32, ref_code: String| ActOutcome {
        shards: a.shards,
        ..ActOutcome::answered(signed, count, ref_code, known.id.unwrap_or(0))
    };
    if known.acted > 0 {
        let code = known.ref_code.clone().unwrap_or_default();
        return Ok((outcome(false, shown.max(known.n), code), None));
    }
    let (ref_code, ref_alt) = match &known.ref_code {
        Some(code) => (code.clone(), code.clone()),
        None => token::ref_codes(&ctx.env, s.campaign_id, &person.email)?,
    };
    let t = &person.tracking;
    let row = DrainRow {
        request_id: a.request_id.to_owned(),
        email: person.email.clone(),
        first_name: person.first_name.clone(),
        last_name: person.last_name.clone(),
        postal_code: person.postal_code.clone(),
        country: person.country.clone(),
        region: rally_api::region::derive(&person.country, &person.postal_code),
        contact_consent: person.contact_consent,
        lang: person.lang.tag().to_owned(),
        ref_code: ref_code.clone(),
        ref_alt,
        referral: person.referral.clone(),
        display_name: person
            .show_name
            .then(|| rally_api::validate::display_name(&person.first_name, &person.last_name)),
        city: a.city.map(str::to_owned),
        tracking: t.clone(),
        channel: t.channel(),
        site: t.site(),
        reminder: a.reminder,
        week: a.week.to_owned(),
        at: a.at,
    };
    let acked = crate::shard::acknowledge(
        &ctx.env,
        &ctx.meter,
        &crate::shard::Ack {
            kind: K::NAME.to_owned(),
            campaign: a.campaign.to_owned(),
            slug: a.slug.to_owned(),
            item_id: s.id,
            shard: crate::shard::shard_of(s.campaign_id, &person.email, a.shards),
            key: crate::shard::key_of(&person.email),
            idem: a.idempotency_key.map(str::to_owned),
            today: a.today.to_owned(),
            row,
        },
    )
    .await?;
    // A new supporter's pending token names the request whose row the shard holds.
    let token = match (acked.fresh, known.id) {
        (true, None) => Some(token::issue_pending(
            &ctx.env,
            s.campaign_id,
            &acked.request_id,
        )?),
        _ => None,
    };
    let count = shown.max(known.n + acked.undrained);
    Ok((outcome(acked.fresh, count, ref_code), token))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_a_taken_referral_code_is_tried_again() {
        let internal = |s: &str| AppError::Internal(s.into());
        let cases = [
            (
                internal(
                    "D1_ERROR: UNIQUE constraint failed: supporters.ref_code: SQLITE_CONSTRAINT",
                ),
                true,
            ),
            (
                internal("D1_ERROR: UNIQUE constraint failed: signatures.request_id"),
                false,
            ),
            (internal("D1_ERROR: no such table: ref_code"), false),
            (AppError::not_found("petition"), false),
        ];
        for (e, want) in cases {
            assert_eq!(ref_code_taken(&e), want, "{e}");
        }
    }
}
