// Rally's embed loader: the only hand-written JavaScript a host page runs.
// It finds its own <script>, reserves the widget's space, starts the widget's bundle and its data
// downloading at once (once per page and kind, however many widgets), and mounts each widget in
// a shadow root so the host page's CSS cannot reach it. `cargo xtask build` fills __CSS__ and
// __BUNDLES__ ({ kind: [glue, wasm] }, content-hashed names) below.
(() => {
  const me = document.currentScript;
  const R = (window.__rally = window.__rally || {});
  if (me && !R.base) R.base = new URL(".", me.src).href;
  const base = R.base;
  const css = __CSS__;
  const bundles = __BUNDLES__;
  const modules = (R.m = R.m || {});
  // The kinds this page shows. A page with several downloads one bundle that holds every kind
  // (Yew once), a page with one only its kind's.
  const kinds = () => new Set([...document.querySelectorAll(["[data-widget]", ...Object.keys(bundles).map((k) => "rally-" + k)])]
    .map((e) => e.dataset.widget || e.localName.slice(6)));
  // Each bundle's glue and Wasm download once `start` (the first-paint data) is here, in
  // parallel, and the Wasm compiles as it streams in; the glue is evaluated and the module
  // instantiated only after `after` (the drawn form's first frame). Neither holds the form
  // back: streaming compilation still takes main-thread slices, which at 4x CPU delayed the
  // form's answer by ~40 ms when both downloads raced (see ARCHITECTURE.md).
  const load = (kind, after, start) => {
    if (!R.all && !modules[kind] && kinds().size > 1) R.all = 1;
    const k = R.all ? "all" : kind;
    if (!modules[k]) {
      const [glue, wasm] = bundles[k];
      const bytes = Promise.resolve(start).catch(() => {}).then(() => fetch(base + wasm));
      const code = WebAssembly.compileStreaming ? WebAssembly.compileStreaming(bytes) : bytes;
      code.catch(() => {});
      Promise.resolve(start).catch(() => {}).then(() => fetch(base + glue)).catch(() => {}); // into the HTTP cache (immutable), for import() below
      modules[k] = Promise.resolve(after).then(() => import(base + glue)).then(async (m) => {
        await m.default({ module_or_path: await code });
        return m;
      });
    }
    return modules[k];
  };
  const words = {
    en: ["This could not load.", "Open it on its own page"],
    pt: ["Não foi possível carregar.", "Abrir em sua própria página"],
    es: ["No se pudo cargar.", "Abrirlo en su propia página"],
  };
  const mounted = (R.seen = R.seen || new WeakSet());
  // A constructed stylesheet (no style-src exception under a strict CSP), else a <style>.
  const adopt = (root, text) => {
    try {
      const sheet = new CSSStyleSheet();
      sheet.replaceSync(text);
      root.adoptedStyleSheets = [...root.adoptedStyleSheets, sheet];
    } catch (_) {
      const style = document.createElement("style");
      style.textContent = text;
      root.append(style);
    }
  };
  // What the host page says: its address, languages, and the visit's ?ref= (remembered for the
  // visit, so a friend is credited even after clicking around), ?team=, ?source=, utm_*.
  // The widget validates all of it.
  const page = (campaign) => {
    const q = new URLSearchParams(location.search), p = {};
    for (const k of ["ref", "team", "source", "utm_source", "utm_medium", "utm_campaign", "utm_term", "utm_content"])
      p[k] = q.get(k) || "";
    try {
      const key = "rally:ref:" + campaign;
      if (p.ref) sessionStorage.setItem(key, p.ref);
      else p.ref = sessionStorage.getItem(key) || "";
    } catch (_) {}
    p.page = location.origin + location.pathname;
    p.page_lang = document.documentElement.lang;
    p.browser_lang = navigator.language;
    p.names = names;
    return p;
  };
  // [code, name] for region codes, named in `lang` and sorted by the browser's collator.
  const names = (lang, codes) => {
    try {
      const d = new Intl.DisplayNames([lang], { type: "region" }), c = new Intl.Collator(lang);
      return codes.map((k) => [k, d.of(k) || k]).sort((a, b) => c.compare(a[1], b[1]));
    } catch (_) {
      return codes.map((k) => [k, k]);
    }
  };

  // The look staff chose in the builder (see api/src/builder.rs): the language among the
  // item's, unless the embed names one; the accent colour; the share text.
  const dress = (root, cfg, { langs = [], accent, share_text } = {}) => {
    const lang = (t) => langs.find((l) => l.slice(0, 2) == (t || "").slice(0, 2).toLowerCase());
    cfg.lang ||= lang(cfg.page_lang) || lang(cfg.browser_lang) || langs[0] || "";
    if (/^#\w{6}$/.test(accent)) adopt(root, ".rally{--accent:" + accent + "}");
    cfg.share = share_text;
  };

  // Cloudflare Turnstile, where the campaign asks for it (`view.turnstile`, its site key): its
  // script loads once a page, draws the check in each form's `.challenge` box (the drawn form's,
  // then the widget's), and the widget's next POST takes the token (`R.take`: each token is good
  // for one request, so taking it starts a fresh check).
  let ts;
  const guard = (box, key, lang) => {
    if (!key || box.ts) return;
    box.ts = box.classList.add("ts") || 1;
    ts ||= new Promise((ok, no) => {
      const s = document.createElement("script");
      s.src = "https://challenges.cloudflare.com/turnstile/v0/api.js?render=explicit";
      s.onload = () => ok(window.turnstile);
      s.onerror = no;
      document.head.append(s);
    });
    const draw = () => {
      const el = box.querySelector(".challenge:not([data-on])");
      if (!el) return;
      el.dataset.on = 1;
      ts.then((t) => {
        // The token of the check last passed (whichever form it is in) goes with the next POST.
        const id = t.render(el, { sitekey: key, language: lang, callback: (v) => (R.token = v, R.tid = id), "expired-callback": () => (R.token = "") });
        R.take = () => {
          const v = R.token || "";
          R.token = "";
          if (v) t.reset(R.tid);
          return v;
        };
      }, () => {});
    };
    new MutationObserver(draw).observe(box, { childList: true, subtree: true });
    draw();
  };
  R.guard = guard; // for widgets that learn the key from their own first read (the board)

  // What a visitor did in a form drawn before the widget: field values (with their events, so
  // the widget's own handlers take them in), the focused field and caret.
  const typed = (box) => {
    const f = box.querySelector("form");
    if (!f) return null;
    const els = [...f.elements].filter((e) => e.name && e.type != "hidden" && e.type != "submit");
    const a = root(box).activeElement;
    return {
      v: els.map((e) => [e.name, /radio|checkbox/.test(e.type) ? e.checked && e.value : e.value, e.type]),
      f: a && a.id, s: a && [a.selectionStart, a.selectionEnd],
    };
  };
  const root = (n) => n.getRootNode();
  const replay = (box, t) => {
    const f = box.querySelector("form");
    if (!t || !f) return;
    for (const [n, v, type] of t.v) {
      if (v === false || v === "") continue;
      const e = [...f.elements].find((x) => x.name == n && (type != "radio" || x.value == v));
      if (!e) continue;
      if (/radio|checkbox/.test(type)) e.checked = true; else e.value = v;
      e.dispatchEvent(new Event(type == "checkbox" ? "change" : "input", { bubbles: true }));
    }
    const e = t.f && root(box).getElementById(t.f);
    if (e) {
      e.focus();
      try { e.setSelectionRange(...t.s); } catch (_) {}
    }
  };

  // `view`: the builder's preview passes a draft to show instead of the saved item.
  function mount(host, kind, a, view) {
    if (mounted.has(host) || !base || !bundles[kind]) return;
    mounted.add(host);
    const wasm = typeof WebAssembly == "object";
    // The own page (/p/...): its form already works without us; with Wasm the widget takes it
    // over, keeping what was typed.
    const own = a.own && document.getElementById("rally-own");
    if (own && !wasm) return;
    // The downloads first: the data (for a petition or pledge, the form drawn on the edge with
    // the view, in one answer), then the bundle.
    const e = encodeURIComponent, c = e(a.campaign || ""), s = e(a.item || "");
    const acts = kind == "petition" || kind == "pledge";
    const data = { petition: "petitions/" + s, pledge: "pledges/" + s, factcheck: "rebuttals" }[kind];
    // `?view=1` marks the first read as a view (the overview's conversion).
    const get = (path) => fetch(base + "api/v1/campaigns/" + c + "/" + path).then((r) => (r.ok ? r.json() : Promise.reject(r.status)));
    const first = view ? Promise.resolve({ view }) : own || !acts
      ? data && get(data + "?view=1&lang=" + e(a.lang || "")).then((v) => ({ view: v }))
      : get(data + "/form?view=1&lang=" + e(a.lang || "") + "&page_lang=" + e(document.documentElement.lang) + "&browser_lang=" + e(navigator.language));
    // The widget takes over only after the drawn form has been on screen for a frame: its first
    // render is the longest task of the visit, and must not hold the form back.
    const painted = first && !own && first.then((f) => {
      if (!f.html || taken) return;
      // The first paint: a working form (it posts to the own page) until the widget is here.
      if (f.lang) cfg.lang = f.lang;
      dress(sheet, cfg, f.view.look);
      dressed = true;
      box.innerHTML = f.html;
      box.removeAttribute("aria-busy");
      guard(box, f.view.turnstile, cfg.lang);
      const form = box.querySelector("form");
      form.target = "_blank";
      for (const [n, v] of [["ref", cfg.ref], ["page_url", cfg.page], ["source", cfg.source || cfg.utm_source]]) {
        if (form.elements[n]) form.elements[n].value = v || "";
      }
      // The select came with the default country only; the rest a frame after the paint.
      const sel = form.elements.country, v = sel && sel.value;
      return new Promise((r) => requestAnimationFrame(() => setTimeout(() => {
        if (sel) sel.length = 1, sel.append(...f.countries.map(([k, n]) => new Option(n, k, 0, k == v)));
        r();
      })));
    }, () => {});
    const mod = wasm && load(kind, painted, first);
    const cfg = Object.assign(page(a.campaign), { api: base, campaign: a.campaign, item: a.item, lang: a.lang || "", board: a.board || "" });
    if (a.team) cfg.team = a.team;
    const box = own ? own.querySelector(".rally") : document.createElement("div");
    const sheet = host.shadowRoot || host.attachShadow({ mode: "open" });
    adopt(sheet, css);
    box.className = "rally " + kind;
    if (!own) {
      box.setAttribute("aria-busy", "true");
      box.innerHTML = '<div class="loading" role="status">…</div>';
    }
    sheet.append(box);
    // A submit before the widget is ready waits for it (it is not lost); without the widget the
    // form posts to the own page.
    let pending = false, ready = false, taken = false, dressed = false;
    box.addEventListener("submit", (e) => {
      if (ready || !mod) return;
      e.preventDefault();
      pending = true;
      const b = box.querySelector("button[type=submit]");
      if (b) b.setAttribute("aria-disabled", "true");
    }, true);
    // Without the widget, the drawn form (once it is here) stays and works; else a message.
    const fail = () => Promise.resolve(painted).then(() => {
      ready = true;
      if (own || box.querySelector("form.sign")) {
        if (pending) box.querySelector("form").submit();
        return;
      }
      const l = (a.lang || document.documentElement.lang || navigator.language || "en").slice(0, 2);
      const w = words[l] || words.en;
      box.removeAttribute("aria-busy");
      box.innerHTML = '<div class="failed" role="alert"><p></p><a target="_blank" rel="noopener"></a></div>';
      box.querySelector("p").textContent = w[0];
      const link = box.querySelector("a");
      if (acts) {
        link.textContent = w[1];
        link.href = base + (kind == "petition" ? "p/" : "pledge/") + c + "/" + s;
      } else link.remove();
    });
    const item = first ? first.catch(() => null) : null;
    if (!wasm) return item ? item.then((f) => (f && f.html ? 0 : fail()), fail) : fail();
    Promise.all([mod, item, painted]).then(([m, f]) => {
      // The kind's own styles travel in its glue; the shared ones (and the reserved space)
      // are here, so they apply before the bundle arrives.
      if (m.css) adopt(sheet, m.css);
      if (f && f.view) {
        // The widget's first render starts from the view (no placeholder, no second render).
        cfg.view = f.view;
        cfg.prefetch = Promise.resolve(f.view);
        if (f.lang) cfg.lang = f.lang;
      }
      if (!dressed) dress(sheet, cfg, f?.view?.look);
      guard(box, f?.view?.turnstile, cfg.lang);
      // Country names as the edge sent them (or the own page has them): no second round of
      // Intl work.
      const opts = box.querySelector("select[name=country]");
      const list = (f && f.countries) || (opts && [...opts.options].slice(1).map((o) => [o.value, o.text]));
      if (list) {
        const by = new Map(list);
        cfg.names = (lang, codes) => (codes.length > 1 ? list : codes.map((k) => [k, by.get(k) || k]));
      }
      const t = typed(box);
      ready = taken = true;
      m.mount(box, kind, cfg);
      // The widget renders in a microtask; what was typed goes back before the next paint.
      Promise.resolve().then(() => {
        replay(box, t);
        if (pending) {
          const form = box.querySelector("form");
          if (form) form.requestSubmit();
        }
      });
    }).catch(fail);
  }
  R.preview = mount;

  const attrs = (el, prefix, kind) => ({
    campaign: el.getAttribute(prefix + "campaign"),
    item: el.getAttribute(prefix + kind),
    lang: el.getAttribute(prefix + "lang"),
    board: el.getAttribute(prefix + "board"),
    own: el.getAttribute(prefix + "own"),
    team: el.getAttribute(prefix + "team"),
  });
  // <script src=".../embed.js" data-widget="petition" ...>: render right where the script stands.
  if (me && me.dataset.widget) {
    const own = me.dataset.own && document.getElementById("rally-own");
    const host = own || document.createElement("div");
    if (!own) {
      host.className = "rally-host";
      me.parentNode.insertBefore(host, me);
    }
    mount(host, me.dataset.widget, attrs(me, "data-", me.dataset.widget));
  }
  // <rally-petition campaign=".." petition="..">, <rally-pledge>, <rally-board>,
  // <rally-factcheck>: a page may define these names itself.
  for (const kind of Object.keys(bundles)) {
    if (kind == "all") continue;
    const name = "rally-" + kind;
    if (!customElements.get(name)) {
      customElements.define(name, class extends HTMLElement {
        connectedCallback() { mount(this, kind, attrs(this, "", kind)); }
      });
    }
  }
})();
