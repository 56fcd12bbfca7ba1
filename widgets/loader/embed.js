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
  // Each kind's glue and Wasm download in parallel; instantiation streams from the response.
  const load = (kind) => {
    if (!modules[kind]) {
      const [glue, wasm] = bundles[kind];
      const bytes = fetch(base + wasm);
      modules[kind] = import(base + glue).then(async (m) => {
        await m.default({ module_or_path: bytes });
        return m;
      });
    }
    return modules[kind];
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

  // `view`: the builder's preview passes a draft to show instead of the saved item.
  function mount(host, kind, a, view) {
    if (mounted.has(host) || !base || !bundles[kind]) return;
    mounted.add(host);
    const root = host.shadowRoot || host.attachShadow({ mode: "open" });
    adopt(root, css);
    const box = document.createElement("div");
    box.className = "rally " + kind;
    box.setAttribute("aria-busy", "true");
    box.innerHTML = '<div class="loading" role="status">…</div>';
    root.append(box);
    const c = encodeURIComponent(a.campaign || ""), s = encodeURIComponent(a.item || "");
    const cfg = Object.assign(page(a.campaign), { api: base, campaign: a.campaign, item: a.item, lang: a.lang || "", board: a.board || "" });
    // The widget's data starts downloading now, beside the bundle.
    // `?view=1` marks the first read as a view (the overview's conversion).
    const data = { petition: "petitions/" + s, pledge: "pledges/" + s, factcheck: "rebuttals" }[kind];
    if (view) cfg.prefetch = Promise.resolve(view);
    else if (data) {
      cfg.prefetch = fetch(base + "api/v1/campaigns/" + c + "/" + data + "?view=1").then((r) =>
        r.ok ? r.json() : Promise.reject(r.status));
    }
    const item = cfg.prefetch ? cfg.prefetch.catch(() => null) : null;
    const fail = () => {
      const l = (a.lang || document.documentElement.lang || navigator.language || "en").slice(0, 2);
      const w = words[l] || words.en;
      box.removeAttribute("aria-busy");
      box.innerHTML = '<div class="failed" role="alert"><p></p><a target="_blank" rel="noopener"></a></div>';
      box.querySelector("p").textContent = w[0];
      const link = box.querySelector("a");
      if (kind === "petition") {
        link.textContent = w[1];
        link.href = base + "p/" + c + "/" + s;
      } else link.remove();
    };
    if (typeof WebAssembly !== "object") return fail();
    Promise.all([load(kind), item]).then(([m, v]) => {
      // The kind's own styles travel in its glue; the shared ones (and the reserved space)
      // are here, so they apply before the bundle arrives.
      if (m.css) adopt(root, m.css);
      dress(root, cfg, v?.look);
      m.mount(box, kind, cfg);
    }).catch(fail);
  }
  R.preview = mount;

  const attrs = (el, prefix, kind) => ({
    campaign: el.getAttribute(prefix + "campaign"),
    item: el.getAttribute(prefix + kind),
    lang: el.getAttribute(prefix + "lang"),
    board: el.getAttribute(prefix + "board"),
  });
  // <script src=".../embed.js" data-widget="petition" ...>: render right where the script stands.
  if (me && me.dataset.widget) {
    const host = document.createElement("div");
    host.className = "rally-host";
    me.parentNode.insertBefore(host, me);
    mount(host, me.dataset.widget, attrs(me, "data-", me.dataset.widget));
  }
  // <rally-petition campaign=".." petition="..">, <rally-pledge>, <rally-board>,
  // <rally-factcheck>: a page may define these names itself.
  for (const kind of Object.keys(bundles)) {
    const name = "rally-" + kind;
    if (!customElements.get(name)) {
      customElements.define(name, class extends HTMLElement {
        connectedCallback() { mount(this, kind, attrs(this, "", kind)); }
      });
    }
  }
})();
