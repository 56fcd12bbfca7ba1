//! The campaign's settings (name, time zone, weekly goal, team size, points per action): any
//! role reads them, owners change them. A change applies to actions from then on; points already
//! earned stay as they were.

use rally_api::staff::CampaignSettings;
use rally_api::{ErrorCode, FieldError};
use serde::Deserialize;
use worker::{Request, Response, RouteContext};

use crate::error::{AppError, AppResult};
use crate::guard;
use crate::routes::{json, now, param, store};
use crate::staff::{self, Role};
use crate::store::{num, text};

#[derive(Deserialize)]
struct Row {
    name: String,
    timezone: String,
    weekly_goal: f64,
    team_size: f64,
    points_sign: f64,
    points_pledge: f64,
    points_report: f64,
    points_recruit: f64,
}

impl From<Row> for CampaignSettings {
    fn from(r: Row) -> Self {
        CampaignSettings {
            name: r.name,
            timezone: r.timezone,
            weekly_goal: Some(r.weekly_goal as u64),
            team_size: Some(r.team_size as u64),
            points_sign: Some(r.points_sign as u64),
            points_pledge: Some(r.points_pledge as u64),
            points_report: Some(r.points_report as u64),
            points_recruit: Some(r.points_recruit as u64),
        }
    }
}

const COLUMNS: &str =
    "name, timezone, weekly_goal, team_size, points_sign, points_pledge, points_report, points_recruit";

/// Whether this runtime's `Intl` knows the time zone (`Intl.DateTimeFormat` throws a
/// `RangeError` if not; `Reflect.construct` turns that into an `Err`).
fn known_zone(tz: &str) -> bool {
    use wasm_bindgen::JsCast;
    let ctor = js_sys::Reflect::get(&js_sys::global(), &"Intl".into())
        .and_then(|intl| js_sys::Reflect::get(&intl, &"DateTimeFormat".into()))
        .ok()
        .and_then(|c| c.dyn_into::<js_sys::Function>().ok());
    let opts = js_sys::Object::new();
    let _ = js_sys::Reflect::set(&opts, &"timeZone".into(), &tz.into());
    let args = js_sys::Array::of2(&"en".into(), &opts);
    ctor.is_some_and(|c| js_sys::Reflect::construct(&c, &args).is_ok())
}

/// `GET /api/v1/campaigns/:campaign/staff/campaign`: any role.
pub async fn get(req: Request, ctx: RouteContext<()>) -> AppResult<Response> {
    let store = store(&ctx)?;
    let who = staff::signed_in(&req, &ctx, &store).await?;
    let row: Row = store
        .first(
            &format!("SELECT {COLUMNS} FROM campaigns WHERE id = ?1"),
            &[num(who.campaign_id)],
        )
        .await?
        .ok_or_else(|| AppError::not_found("campaign"))?;
    json(&CampaignSettings::from(row), 200)
}

/// `PUT /api/v1/campaigns/:campaign/staff/campaign`: owners.
pub async fn put(mut req: Request, ctx: RouteContext<()>) -> AppResult<Response> {
    let store = store(&ctx)?;
    let who = staff::signed_in(&req, &ctx, &store).await?;
    who.require(&[Role::Owner], "change the campaign's settings")?;
    let body: CampaignSettings = guard::json_body(&mut req).await?;
    // Every problem at once, the zone's included (in form order: after the name).
    let unknown_zone = FieldError {
        field: "timezone",
        code: ErrorCode::InvalidValue,
    };
    let s = match body.validate() {
        Ok(s) if known_zone(&s.timezone) => s,
        Ok(_) => return Err(AppError::Invalid(vec![unknown_zone])),
        Err(mut errors) => {
            let zone_checked = errors.iter().any(|e| e.field == "timezone");
            if !zone_checked && !known_zone(body.timezone.trim()) {
                let at = errors.iter().filter(|e| e.field == "name").count();
                errors.insert(at, unknown_zone);
            }
            return Err(AppError::Invalid(errors));
        }
    };
    let n = |v: Option<u64>| num(v.unwrap_or(0) as f64);
    let at = now();
    let results = store
        .batch(vec![
            store.stmt(
                &format!(
                    "UPDATE campaigns SET name = ?2, timezone = ?3, weekly_goal = ?4, team_size = ?5, \
                     points_sign = ?6, points_pledge = ?7, points_report = ?8, points_recruit = ?9 \
                     WHERE id = ?1 RETURNING {COLUMNS}"
                ),
                &[
                    num(who.campaign_id),
                    text(&s.name),
                    text(&s.timezone),
                    n(s.weekly_goal),
                    n(s.team_size),
                    n(s.points_sign),
                    n(s.points_pledge),
                    n(s.points_report),
                    n(s.points_recruit),
                ],
            )?,
            staff::audit_stmt(
                &store,
                who.campaign_id,
                who.id,
                "campaign_update",
                &format!(
                    "{}; points sign {} pledge {} report {} recruit {}",
                    s.timezone,
                    s.points_sign.unwrap_or(0),
                    s.points_pledge.unwrap_or(0),
                    s.points_report.unwrap_or(0),
                    s.points_recruit.unwrap_or(0)
                ),
                at,
            )?,
        ])
        .await?;
    let row = results
        .first()
        .map(|r| r.results::<Row>())
        .transpose()?
        .and_then(|r| r.into_iter().next())
        .ok_or_else(|| AppError::not_found("campaign"))?;
    // Petitions' cached fields carry the time zone and points: this isolate forgets them now,
    // others within 30 s.
    crate::store::forget_campaign_meta(param(&ctx, "campaign")?);
    json(&CampaignSettings::from(row), 200)
}
