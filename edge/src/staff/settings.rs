//! The campaign's settings (name, time zone, weekly goal, team size, points per action): any
//! role reads them, owners change them. A change applies to actions from then on; points already
//! earned stay as they were.

use rally_api::staff::CampaignSettings;
use rally_api::{ErrorCode, FieldError};
use worker::{Request, Response};

use crate::auth::staff::{signed_in, Role};
use crate::db::act::forget_campaign_meta;
use crate::error::{AppError, AppResult};
use crate::http::{self, json, now, param, store, Ctx};

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
pub async fn get(req: Request, ctx: Ctx) -> AppResult<Response> {
    let store = store(&ctx)?;
    let who = signed_in(&req, &ctx, &store).await?;
    let settings = store
        .settings(who.campaign_id)
        .await?
        .ok_or_else(|| AppError::not_found("campaign"))?;
    json(&settings, 200)
}

/// `PUT /api/v1/campaigns/:campaign/staff/campaign`: owners.
pub async fn put(mut req: Request, ctx: Ctx) -> AppResult<Response> {
    let store = store(&ctx)?;
    let who = signed_in(&req, &ctx, &store).await?;
    who.require(&[Role::Owner], "change the campaign's settings")?;
    let body: CampaignSettings = http::json_body(&mut req).await?;
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
    let audit = store.audit_stmt(
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
        now(),
    )?;
    let saved = store
        .save_settings(who.campaign_id, &s, audit)
        .await?
        .ok_or_else(|| AppError::not_found("campaign"))?;
    // Petitions' cached fields carry the time zone and points: this isolate forgets them now,
    // others within 30 s.
    forget_campaign_meta(param(&ctx, "campaign")?);
    json(&saved, 200)
}
