//! The leaderboard widget: mobilisers, teams and regions, this week or all time, with the
//! visitor's own row highlighted (and shown below the top when they are outside it); the
//! remembered supporter's weekly goal, public-listing choice, personal link and team (start one,
//! join by invite, leave).

use rally_api::{
    routes, Board, BoardEntry, ErrorCode, Lang, SupporterView, TeamView, WeekProgress,
};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::HtmlInputElement;
use yew::prelude::*;

use crate::config::{self, Config};
use crate::i18n;
use crate::me::call_as_me;
use crate::net::{self, NetError};
use crate::share;
use crate::wire::{count, field, list, string, FromJs};

/// How often an open board refreshes.
const REFRESH_MS: i32 = 30_000;
/// How old the edge's board snapshot may be: the wait before reading a board that is behind.
const SNAPSHOT_MS: i32 = 3_500;

/// Whether the top rows are older than the visitor's own row (read fresh), as right after they
/// acted: their row in the top has other points, or they rank among the rows shown but are not
/// in them.
fn behind(b: &Board) -> bool {
    b.me.as_ref()
        .is_some_and(|m| match b.entries.iter().find(|e| e.me) {
            Some(listed) => listed.points != m.points,
            None => b.entries.last().is_none_or(|last| m.points >= last.points),
        })
}

const BOARDS: [&str; 3] = ["mobilisers", "teams", "regions"];

impl FromJs for BoardEntry {
    fn from_js(v: &JsValue) -> Option<Self> {
        Some(BoardEntry {
            rank: count(v, "rank")?,
            name: string(v, "name")?,
            points: count(v, "points")?,
            me: field(v, "me").and_then(|m| m.as_bool()).unwrap_or(false),
        })
    }
}

impl FromJs for Board {
    fn from_js(v: &JsValue) -> Option<Self> {
        Some(Board {
            board: string(v, "board")?,
            period: string(v, "period")?,
            entries: list(v, "entries"),
            me: field(v, "me").and_then(|m| BoardEntry::from_js(&m)),
            turnstile: string(v, "turnstile").unwrap_or_default(),
        })
    }
}

impl FromJs for WeekProgress {
    fn from_js(v: &JsValue) -> Option<Self> {
        Some(WeekProgress {
            week: string(v, "week")?,
            actions: count(v, "actions")?,
            goal: count(v, "goal")?,
            points: count(v, "points")?,
            rank: count(v, "rank")?,
        })
    }
}

impl FromJs for String {
    fn from_js(v: &JsValue) -> Option<Self> {
        v.as_string()
    }
}

impl FromJs for TeamView {
    fn from_js(v: &JsValue) -> Option<Self> {
        Some(TeamView {
            name: string(v, "name")?,
            invite: string(v, "invite")?,
            size: count(v, "size")?,
            limit: count(v, "limit")?,
            leader: string(v, "leader"),
            points: count(v, "points")?,
            members: list(v, "members"),
        })
    }
}

impl FromJs for SupporterView {
    fn from_js(v: &JsValue) -> Option<Self> {
        Some(SupporterView {
            name: string(v, "name")?,
            points: count(v, "points")?,
            rank: count(v, "rank")?,
            listed: field(v, "listed")?.as_bool()?,
            region: string(v, "region"),
            week: WeekProgress::from_js(&field(v, "week")?)?,
            ref_code: string(v, "ref_code")?,
            team: field(v, "team").and_then(|t| TeamView::from_js(&t)),
            ladder: crate::next::read(v, "ladder"),
        })
    }
}

/// Who this browser is for the campaign: `None` until known, `Some(None)` when nobody is
/// remembered. Re-read whenever a widget on the page remembers or forgets the supporter, and
/// when `reload` changes.
#[hook]
pub fn use_me(cfg: &Config, reload: u32) -> UseStateHandle<Option<Option<SupporterView>>> {
    let me = use_state(|| None);
    // Counts the page's supporter events; a reducer, so every event counts (a state handle
    // captured by the listener would only ever see its first value).
    let version = use_reducer(|| Bumps(0));
    {
        let version = version.clone();
        use_effect_with((), move |_| {
            let bump = Closure::<dyn Fn()>::new(move || version.dispatch(()));
            let window = web_sys::window();
            if let Some(w) = &window {
                let _ = w.add_event_listener_with_callback(
                    config::SUPPORTER_EVENT,
                    bump.as_ref().unchecked_ref(),
                );
            }
            move || {
                if let Some(w) = &window {
                    let _ = w.remove_event_listener_with_callback(
                        config::SUPPORTER_EVENT,
                        bump.as_ref().unchecked_ref(),
                    );
                }
            }
        });
    }
    {
        let me = me.clone();
        let cfg = cfg.clone();
        use_effect_with((version.0, reload), move |_| {
            if config::supporter_token(&cfg.campaign).is_none() {
                me.set(Some(None));
            } else {
                wasm_bindgen_futures::spawn_local(async move {
                    let path = format!("{}?lang={}", routes::me(&cfg.campaign), cfg.lang.tag());
                    match call_as_me(&cfg, "GET", &path, None).await {
                        Ok(v) => me.set(Some(SupporterView::from_js(&v))),
                        Err(NetError::Api { .. }) => me.set(Some(None)),
                        // Offline: keep what we knew.
                        Err(_) => {}
                    }
                });
            }
        });
    }
    me
}

/// How many times something happened.
#[derive(PartialEq)]
struct Bumps(u32);

impl Reducible for Bumps {
    type Action = ();
    fn reduce(self: std::rc::Rc<Self>, _: ()) -> std::rc::Rc<Self> {
        std::rc::Rc::new(Bumps(self.0 + 1))
    }
}

#[derive(Properties, PartialEq)]
pub struct Props {
    pub config: Config,
}

/// The leaderboard widget.
#[component]
pub fn Leaderboard(props: &Props) -> Html {
    let cfg = &props.config;
    let w = words(cfg.lang);
    let first = BOARDS
        .iter()
        .position(|b| *b == cfg.board)
        .unwrap_or_default();
    let which = use_state(|| first);
    let weekly = use_state(|| true);
    let board = use_state(|| None::<Result<Board, ()>>);
    // Bumped by the visitor's own changes (team, listing) to re-read board and standing.
    let reload = use_state(|| 0u32);
    let me = use_me(cfg, *reload);
    let root = use_node_ref();
    {
        let board = board.clone();
        let cfg = cfg.clone();
        let root = root.clone();
        // Re-read when the visitor's own standing moves (they acted in another widget on the
        // page), not only every 30 s.
        let mine = me
            .as_ref()
            .map(|m| m.as_ref().map(|m| (m.points, m.week.points)));
        let deps = (*which, *weekly, *reload, mine);
        use_effect_with(deps, move |&(which, weekly, _, mine)| {
            let alive = std::rc::Rc::new(std::cell::Cell::new(true));
            if mine.is_some() {
                let alive = alive.clone();
                wasm_bindgen_futures::spawn_local(async move {
                    let url = cfg.url(&format!(
                        "{}?period={}",
                        routes::leaderboard(&cfg.campaign, BOARDS[which]),
                        if weekly { "week" } else { "all" }
                    ));
                    let token = config::supporter_token(&cfg.campaign);
                    let mut first = true;
                    while alive.get() {
                        let mut wait = REFRESH_MS;
                        if first || net::page_visible() {
                            let got = net::call("GET", &url, None, None, token.as_deref())
                                .await
                                .ok()
                                .and_then(|v| Board::from_js(&v));
                            if !alive.get() {
                                break;
                            }
                            match got {
                                Some(b) => {
                                    if first && !b.turnstile.is_empty() {
                                        if let Some(el) = root.cast::<web_sys::Element>() {
                                            net::guard(&el, &b.turnstile, cfg.lang);
                                        }
                                    }
                                    if behind(&b) {
                                        wait = SNAPSHOT_MS;
                                    }
                                    board.set(Some(Ok(b)));
                                }
                                None if first => board.set(Some(Err(()))),
                                None => {}
                            }
                            if first {
                                crate::mark("rally:interactive");
                            }
                            first = false;
                        }
                        net::sleep(wait).await;
                    }
                });
            }
            move || alive.set(false)
        });
    }

    let tabs = BOARDS.iter().enumerate().map(|(i, b)| {
        let which = which.clone();
        let label = match *b {
            "mobilisers" => w.mobilisers,
            "teams" => w.teams,
            _ => w.regions,
        };
        html! {
            <button type="button" class={classes!("tab", (*which == i).then_some("on"))}
                aria-pressed={(*which == i).to_string()} onclick={Callback::from(move |_| which.set(i))}>
                { label }
            </button>
        }
    });
    let period = |week: bool, label: &'static str| {
        let weekly = weekly.clone();
        html! {
            <button type="button" class={classes!("tab", (*weekly == week).then_some("on"))}
                aria-pressed={(*weekly == week).to_string()} onclick={Callback::from(move |_| weekly.set(week))}>
                { label }
            </button>
        }
    };
    let bump = {
        let reload = reload.clone();
        Callback::from(move |_: ()| reload.set(*reload + 1))
    };

    html! {
        <section class="board" lang={cfg.lang.tag()} aria-labelledby="board-title" ref={root}>
            <h2 class="title" id="board-title">{ w.title }</h2>
            <div class="row tabs" role="group" aria-label={w.which}>{ for tabs }</div>
            <div class="row tabs" role="group" aria-label={w.period}>
                { period(true, w.this_week) }{ period(false, w.all_time) }
            </div>
            { match &*board {
                None => html! { <p class="loading" role="status">{"…"}</p> },
                Some(Err(())) => html! { <p class="failed" role="alert">{ i18n::text(cfg.lang).load_failed }</p> },
                Some(Ok(b)) => table(b, cfg.lang, w),
            } }
            <p class="ties">{ w.ties }</p>
            { match &*me {
                Some(Some(m)) => html! { <Standing config={cfg.clone()} me={m.clone()} changed={bump} /> },
                Some(None) => html! { <p class="hint">{ w.join_hint }</p> },
                None => html! {},
            } }
        </section>
    }
}

fn table(b: &Board, lang: Lang, w: &Words) -> Html {
    let row = |e: &BoardEntry| {
        // The visitor's own row is always shown as read fresh, even inside an older top.
        let e = match (&b.me, e.me) {
            (Some(fresh), true) => fresh,
            _ => e,
        };
        html! {
            <tr class={classes!(e.me.then_some("you"))} aria-current={e.me.then_some("true")}>
                <td class="rank">{ e.rank }</td>
                <td class="name">
                    { &e.name }
                    if e.me { <span class="you-tag">{ format!(" ({})", w.you) }</span> }
                </td>
                <td class="points">{ i18n::number(e.points, lang) }</td>
            </tr>
        }
    };
    let outside = b.me.as_ref().filter(|_| !b.entries.iter().any(|e| e.me));
    html! {
        <>
        if b.entries.is_empty() && outside.is_none() {
            <p class="empty">{ w.empty }</p>
        } else {
            <table class="ranks">
                <thead><tr><th scope="col">{ "#" }</th><th scope="col">{ w.name }</th><th scope="col">{ w.points }</th></tr></thead>
                <tbody>
                    { for b.entries.iter().map(row) }
                    if let Some(m) = outside {
                        if !b.entries.is_empty() {
                            <tr class="gap" aria-hidden="true"><td colspan="3">{ "…" }</td></tr>
                        }
                        { row(m) }
                    }
                </tbody>
            </table>
        }
        <p class="my-rank" aria-live="polite">
            { b.me.as_ref().map(|m| format!("{} {} · {} {}", w.your_rank, m.rank, i18n::number(m.points, lang), w.points)).unwrap_or_default() }
        </p>
        </>
    }
}

#[derive(Properties, PartialEq)]
struct StandingProps {
    config: Config,
    me: SupporterView,
    changed: Callback<()>,
}

/// A refusal to show next to the control that caused it.
fn refusal(e: &NetError, limit: u32, lang: Lang) -> String {
    let w = words(lang);
    if e.field() == Some("turnstile") {
        return i18n::text(lang).err_challenge.to_owned();
    }
    match e.code() {
        Some(ErrorCode::TeamFull) => format!("{} {limit}.", w.team_full),
        Some(ErrorCode::AlreadyInTeam) => w.already_in_team.to_owned(),
        Some(ErrorCode::NotFound) => w.no_such_team.to_owned(),
        Some(ErrorCode::Required | ErrorCode::TooLong | ErrorCode::InvalidValue) => {
            w.bad_team_name.to_owned()
        }
        _ => w.try_later.to_owned(),
    }
}

/// Sends one of the supporter's own changes (team, listing); on success the board and standing
/// are read again, on refusal the reason is shown.
#[derive(Clone)]
struct Sender {
    cfg: Config,
    error: UseStateHandle<Option<String>>,
    busy: UseStateHandle<bool>,
    changed: Callback<()>,
    /// Set once this visitor changed their team here: the team panel then takes focus when
    /// it is redrawn (the control that had it is gone).
    moved: UseStateHandle<bool>,
}

impl Sender {
    fn send(&self, method: &'static str, path: String, body: Option<JsValue>, limit: u32) {
        if *self.busy {
            return;
        }
        self.busy.set(true);
        let s = self.clone();
        wasm_bindgen_futures::spawn_local(async move {
            let result = call_as_me(&s.cfg, method, &path, body.as_ref()).await;
            s.busy.set(false);
            match result {
                Ok(_) => {
                    s.error.set(None);
                    s.moved.set(true);
                    s.changed.emit(());
                }
                Err(e) => s.error.set(Some(refusal(&e, limit, s.cfg.lang))),
            }
        });
    }
}

/// The remembered supporter's own panel: weekly goal, listing, personal link, team.
#[component]
fn Standing(props: &StandingProps) -> Html {
    let cfg = &props.config;
    let m = &props.me;
    let t = i18n::text(cfg.lang);
    let w = words(cfg.lang);
    let team_name = use_state(String::new);
    let error = use_state(|| None::<String>);
    let busy = use_state(|| false);
    let invite = use_state(|| None::<rally_api::TeamView>);
    // An invite link (`?team=CODE`) on the page: show which team it is before joining.
    {
        let invite = invite.clone();
        let cfg = cfg.clone();
        use_effect_with(cfg.team_invite.clone(), move |code| {
            if let Some(code) = code.clone() {
                wasm_bindgen_futures::spawn_local(async move {
                    let path = routes::team(&cfg.campaign, &code);
                    if let Ok(v) = net::get_json::<rally_api::TeamView>(&cfg.url(&path)).await {
                        invite.set(Some(v));
                    }
                });
            }
        });
    }
    let moved = use_state(|| false);
    let team_ref = use_node_ref();
    let agree = use_node_ref();
    {
        let (moved, team_ref) = (*moved, team_ref.clone());
        use_effect_with(m.team.as_ref().map(|t| t.invite.clone()), move |_| {
            if moved {
                if let Some(el) = team_ref.cast::<web_sys::HtmlElement>() {
                    let _ = el.focus();
                }
            }
        });
    }
    let sender = Sender {
        cfg: cfg.clone(),
        error: error.clone(),
        busy: busy.clone(),
        changed: props.changed.clone(),
        moved,
    };
    let teams = routes::teams(&cfg.campaign);
    let obj = |k: &str, v: JsValue| -> JsValue {
        let o = js_sys::Object::new();
        let _ = js_sys::Reflect::set(&o, &k.into(), &v);
        JsValue::from(o)
    };

    let on_listed = {
        let me_path = routes::me(&cfg.campaign);
        let cfg = cfg.clone();
        let changed = props.changed.clone();
        Callback::from(move |e: Event| {
            let on = e.target_unchecked_into::<HtmlInputElement>().checked();
            let cfg = cfg.clone();
            let changed = changed.clone();
            let path = me_path.clone();
            wasm_bindgen_futures::spawn_local(async move {
                let o = js_sys::Object::new();
                let _ = js_sys::Reflect::set(&o, &"listed".into(), &JsValue::from_bool(on));
                if call_as_me(&cfg, "PATCH", &path, Some(&o.into()))
                    .await
                    .is_ok()
                {
                    changed.emit(());
                }
            });
        })
    };

    let link = share::personal_link(&cfg.page_url, &m.ref_code, "link");
    let team = match &m.team {
        Some(team) => {
            let leave = {
                let (sender, path, limit) = (sender.clone(), format!("{teams}/leave"), team.limit);
                Callback::from(move |_| sender.send("POST", path.clone(), None, limit))
            };
            let invite_link = format!("{}?team={}", cfg.page_url, team.invite);
            html! {
                <div class="team" tabindex="-1" ref={team_ref.clone()}>
                    <h3>{ format!("{}: {}", w.your_team, team.name) }</h3>
                    <p>{ format!("{} / {} · {} {}", team.size, team.limit, i18n::number(team.points, cfg.lang), w.points) }</p>
                    <ul class="members">{ for team.members.iter().map(|n| html! { <li>{ n }</li> }) }</ul>
                    <label for="in-invite">{ w.invite_link }</label>
                    <input id="in-invite" readonly=true value={invite_link} />
                    <button type="button" class="secondary leave" disabled={*busy} onclick={leave}>{ w.leave }</button>
                </div>
            }
        }
        None => {
            let join = invite.as_ref().map(|inv| {
                let go = {
                    let (sender, path, limit) = (sender.clone(), format!("{teams}/join"), inv.limit);
                    let body = obj("invite", inv.invite.as_str().into());
                    let agree = agree.clone();
                    Callback::from(move |_| {
                        // The leader may contact them only if they tick it (off by default).
                        let yes = agree.cast::<HtmlInputElement>().is_some_and(|i| i.checked());
                        let _ = js_sys::Reflect::set(&body, &"leader_contact".into(), &yes.into());
                        sender.send("POST", path.clone(), Some(body.clone()), limit)
                    })
                };
                html! {
                    <div class="join">
                        <p>{ format!("{} {} ({} / {})", w.invited_to, inv.name, inv.size, inv.limit) }</p>
                        <label class="show-name"><input type="checkbox" class="leader-contact" ref={agree.clone()} />{ w.leader_contact }</label>
                        <div class="challenge"></div>
                        <button type="button" class="join-team" disabled={*busy} onclick={go}>{ w.join }</button>
                    </div>
                }
            });
            let create = {
                let name = team_name.clone();
                let teams = teams.clone();
                let sender = sender.clone();
                Callback::from(move |e: SubmitEvent| {
                    e.prevent_default();
                    sender.send(
                        "POST",
                        teams.clone(),
                        Some(obj("name", name.as_str().into())),
                        0,
                    );
                })
            };
            let oninput = {
                let name = team_name.clone();
                Callback::from(move |e: InputEvent| {
                    name.set(e.target_unchecked_into::<HtmlInputElement>().value())
                })
            };
            html! {
                <div class="team" tabindex="-1" ref={team_ref}>
                    { for join }
                    <form class="new-team" onsubmit={create}>
                        <label for="in-team">{ w.team_name }</label>
                        <div class="row">
                            <input id="in-team" name="team" value={(*team_name).clone()} maxlength="40" {oninput} />
                            <button type="submit" disabled={*busy}>{ w.start_team }</button>
                        </div>
                        <div class="challenge"></div>
                    </form>
                </div>
            }
        }
    };
    let goal = m.week.goal.max(1);
    html! {
        <section class="standing" aria-label={w.you_heading}>
            <p class="greet">{ t.welcome }<strong class="me-name">{ &m.name }</strong></p>
            <p class="week">{ format!("{} / {}{}", m.week.actions, m.week.goal, t.this_week) }</p>
            <progress max={goal.to_string()} value={m.week.actions.min(goal).to_string()} aria-label={w.weekly_goal}></progress>
            { for m.ladder.as_ref().map(|n| crate::next::view(n, None)) }
            <label class="show-name"><input type="checkbox" name="listed" checked={m.listed} onchange={on_listed} />{ w.listed }</label>
            <label for="in-mylink">{ t.your_link }</label>
            <input id="in-mylink" readonly=true value={link} />
            { team }
            if let Some(msg) = &*error { <p class="err" role="alert">{ msg }</p> }
            <button type="button" class="link forget" onclick={
                let cfg = cfg.clone();
                Callback::from(move |_| crate::me::forget(&cfg))
            }>{ t.forget }</button>
        </section>
    }
}

/// The leaderboard's words.
pub struct Words {
    title: &'static str,
    which: &'static str,
    mobilisers: &'static str,
    teams: &'static str,
    regions: &'static str,
    period: &'static str,
    this_week: &'static str,
    all_time: &'static str,
    name: &'static str,
    points: &'static str,
    you: &'static str,
    your_rank: &'static str,
    empty: &'static str,
    ties: &'static str,
    join_hint: &'static str,
    you_heading: &'static str,
    weekly_goal: &'static str,
    listed: &'static str,
    your_team: &'static str,
    invite_link: &'static str,
    leave: &'static str,
    invited_to: &'static str,
    join: &'static str,
    leader_contact: &'static str,
    team_name: &'static str,
    start_team: &'static str,
    team_full: &'static str,
    already_in_team: &'static str,
    no_such_team: &'static str,
    bad_team_name: &'static str,
    try_later: &'static str,
}

fn words(lang: Lang) -> &'static Words {
    i18n::pick(lang, &EN, &PT_BR, &ES)
}

const EN: Words = Words {
    title: "Leaderboard",
    which: "Board",
    mobilisers: "Mobilisers",
    teams: "Teams",
    regions: "Regions",
    period: "Period",
    this_week: "This week",
    all_time: "All time",
    name: "Name",
    points: "points",
    you: "you",
    your_rank: "Your rank:",
    empty: "No points yet. Be the first!",
    ties: "Equal points share a rank; whoever joined first is listed first.",
    join_hint: "Sign or pledge to appear on the board.",
    you_heading: "You",
    weekly_goal: "Weekly goal",
    listed: "Show me on public leaderboards",
    your_team: "Your team",
    invite_link: "Invite link for your team",
    leave: "Leave the team",
    invited_to: "You are invited to join",
    join: "Join the team",
    leader_contact: "My team's leader may contact me",
    team_name: "Start a team: its name",
    start_team: "Start a team",
    team_full: "This team is full: teams have at most",
    already_in_team: "You are already in a team. Leave it first.",
    no_such_team: "This invite link is not valid.",
    bad_team_name: "Choose a team name of 1 to 40 letters.",
    try_later: "That did not work. Please try again.",
};

const PT_BR: Words = Words {
    title: "Ranking",
    which: "Ranking",
    mobilisers: "Mobilizadores",
    teams: "Equipes",
    regions: "Regiões",
    period: "Período",
    this_week: "Esta semana",
    all_time: "Desde o início",
    name: "Nome",
    points: "pontos",
    you: "você",
    your_rank: "Sua posição:",
    empty: "Ainda sem pontos. Seja a primeira pessoa!",
    ties: "Pontos iguais dividem a posição; quem entrou primeiro aparece antes.",
    join_hint: "Assine ou assuma um compromisso para aparecer no ranking.",
    you_heading: "Você",
    weekly_goal: "Meta semanal",
    listed: "Mostrar meu nome nos rankings públicos",
    your_team: "Sua equipe",
    invite_link: "Link de convite da sua equipe",
    leave: "Sair da equipe",
    invited_to: "Você foi convidado para a equipe",
    join: "Entrar na equipe",
    leader_contact: "A liderança da minha equipe pode me contatar",
    team_name: "Criar uma equipe: nome",
    start_team: "Criar equipe",
    team_full: "Esta equipe está cheia: o máximo de membros é",
    already_in_team: "Você já está em uma equipe. Saia dela primeiro.",
    no_such_team: "Este link de convite não é válido.",
    bad_team_name: "Escolha um nome de equipe de 1 a 40 letras.",
    try_later: "Não deu certo. Tente de novo.",
};

const ES: Words = Words {
    title: "Clasificación",
    which: "Clasificación",
    mobilisers: "Movilizadores",
    teams: "Equipos",
    regions: "Regiones",
    period: "Periodo",
    this_week: "Esta semana",
    all_time: "Desde el inicio",
    name: "Nombre",
    points: "puntos",
    you: "tú",
    your_rank: "Tu posición:",
    empty: "Aún no hay puntos. ¡Sé la primera persona!",
    ties: "Los mismos puntos comparten posición; quien se unió primero aparece antes.",
    join_hint: "Firma o comprométete para aparecer en la clasificación.",
    you_heading: "Tú",
    weekly_goal: "Meta semanal",
    listed: "Mostrarme en las clasificaciones públicas",
    your_team: "Tu equipo",
    invite_link: "Enlace de invitación de tu equipo",
    leave: "Salir del equipo",
    invited_to: "Te invitaron al equipo",
    join: "Unirme al equipo",
    leader_contact: "Quien lidera mi equipo puede contactarme",
    team_name: "Crear un equipo: nombre",
    start_team: "Crear equipo",
    team_full: "Este equipo está lleno: el máximo de miembros es",
    already_in_team: "Ya estás en un equipo. Sal de él primero.",
    no_such_team: "Este enlace de invitación no es válido.",
    bad_team_name: "Elige un nombre de equipo de 1 a 40 letras.",
    try_later: "No funcionó. Inténtalo de nuevo.",
};
