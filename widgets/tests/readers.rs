//! The pledge's and the leaderboard's wire readers, checked against what serde writes (the edge
//! writes with serde; the widgets read field by field), in headless Chromium.

use rally_api::{
    Board, BoardEntry, CalendarLinks, PetitionStatus, PledgeResponse, PledgeStatus, PledgeView,
    RecentSigner, SupporterView, TeamView, WeekProgress,
};
use rally_widgets::wire::FromJs;
use wasm_bindgen::JsValue;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

fn js(v: &impl serde::Serialize) -> JsValue {
    js_sys::JSON::parse(&serde_json::to_string(v).unwrap()).unwrap()
}

/// A next step as the edge writes it (every field filled, so a reader that drops one fails).
pub fn step(open: &str) -> rally_api::ladder::NextStep {
    rally_api::ladder::NextStep {
        rung: "Apoiador".into(),
        next: "Frequente".into(),
        needs: "Frequente: mais uma semana ativa".into(),
        label: "Próximo passo: Comprometa-se com “Vote”".into(),
        action: "Comprometer-me".into(),
        open: open.into(),
        item: "vote".into(),
        href: "https://edge.example/pledge/demo/vote".into(),
    }
}

fn round_trips<T: FromJs + serde::Serialize + PartialEq + std::fmt::Debug>(v: T) {
    assert_eq!(T::from_js(&js(&v)), Some(v));
}

#[wasm_bindgen_test]
fn pledge_answers_read_as_serde_writes_them() {
    let calendar = Some(CalendarLinks {
        ics: "https://edge.example/api/v1/campaigns/c/pledges/p/calendar.ics".into(),
        google: "https://calendar.google.com/calendar/render?action=TEMPLATE".into(),
    });
    for (starts_at, place, calendar) in [
        (
            Some(1_788_775_200_000),
            Some("Praça da Sé".to_owned()),
            calendar.clone(),
        ),
        (None, None, None),
    ] {
        round_trips(PledgeView {
            campaign: "c".into(),
            slug: "p".into(),
            statement: "I will <b>march</b>".into(),
            body: "Meet at the square.".into(),
            starts_at,
            ends_at: starts_at.map(|s| s + 3_600_000),
            place,
            // The widget does not read the time zone (the edge's own page writes dates with it).
            timezone: String::new(),
            status: PetitionStatus::Open,
            count: 12,
            goal: 100,
            recent: vec![RecentSigner {
                name: "Ana S.".into(),
                city: None,
                country: "BR".into(),
            }],
            as_of: 5,
            calendar,
        });
    }
    for (status, next) in [
        (PledgeStatus::Pledged, Some(step("board"))),
        (PledgeStatus::AlreadyPledged, None),
    ] {
        round_trips(PledgeResponse {
            status,
            count: 13,
            goal: 100,
            ref_code: "7K3M9Q2X".into(),
            supporter_token: Some("t.o.k".into()),
            calendar: calendar.clone(),
            next,
        });
    }
}

#[wasm_bindgen_test]
fn board_and_standing_read_as_serde_writes_them() {
    let entry = |rank, name: &str, me| BoardEntry {
        rank,
        name: name.into(),
        points: 70 - rank * 10,
        me,
    };
    round_trips(Board {
        board: "mobilisers".into(),
        period: "2026-W47".into(),
        entries: vec![entry(1, "Ana S.", false), entry(1, "Bia B.", true)],
        me: Some(entry(1, "Bia B.", true)),
        turnstile: "1x00000000000000000000AA".into(),
    });
    round_trips(Board {
        board: "teams".into(),
        period: "all".into(),
        entries: vec![],
        me: None,
        turnstile: String::new(),
    });
    let week = WeekProgress {
        week: "2026-W47".into(),
        actions: 2,
        goal: 3,
        points: 30,
        rank: 4,
    };
    for (team, ladder) in [
        (None, None),
        (
            Some(TeamView {
                name: "Sé Square".into(),
                invite: "ABCDEFGH".into(),
                size: 2,
                limit: 8,
                leader: Some("Lena L.".into()),
                points: 40,
                members: vec!["Lena L.".into(), "Nina N.".into()],
            }),
            Some(step("link")),
        ),
    ] {
        round_trips(SupporterView {
            name: "Nina N.".into(),
            points: 30,
            rank: 4,
            listed: false,
            region: Some("BR-SP".into()),
            week: week.clone(),
            ref_code: "7K3M9Q2X".into(),
            team,
            ladder,
        });
    }
}

#[wasm_bindgen_test]
fn fact_check_answers_read_as_serde_writes_them() {
    use rally_api::{Rebuttal, RebuttalFeed, ReportResponse, Source, Verdict};
    let rebuttal = |verdict, sources: Vec<Source>| Rebuttal {
        id: "K3M9Q2XA".into(),
        claim: "<img src=x> The mayor sells the park".into(),
        verdict,
        explanation: "The council voted to keep it.".into(),
        sources,
        published_at: 1_795_000_000_000,
        reports: 7,
        url: "https://rally.example/r/demo/K3M9Q2XA".into(),
    };
    let minutes = Source {
        title: "Minutes".into(),
        url: "https://council.example/m".into(),
    };
    for verdict in Verdict::ALL {
        round_trips(rebuttal(verdict, vec![minutes.clone()]));
    }
    round_trips(RebuttalFeed {
        rebuttals: vec![
            rebuttal(Verdict::False, vec![]),
            rebuttal(Verdict::True, vec![minutes]),
        ],
        as_of: 9,
        turnstile: String::new(), // read by the loader, not the widget
    });
    for rebuttal in [None, Some(rebuttal(Verdict::Misleading, vec![]))] {
        round_trips(ReportResponse {
            claim_id: "K3M9Q2XA".into(),
            reports: 2,
            rebuttal,
        });
    }
}
