// Rally's embed loader: the only hand-written JavaScript a host page runs.
// It finds its own <script>, reserves the widget's space, starts the Wasm bundle and the
// petition's data downloading at once (once per page, however many widgets), and mounts each
// widget in a shadow root so the host page's CSS cannot reach it. `cargo xtask` fills the
// __NAMES__ below at build time.
(() => {
  const me = document.currentScript;
  const R = (window.__rally = window.__rally || {});
  if (me && !R.base) R.base = new URL(".", me.src).href;
  const base = R.base;
  const css = __CSS__;
  // The glue and the Wasm download in parallel; instantiation streams from the response.
  const load = () => {
    if (!R.m) {
      const wasm = fetch(base + "__WASM__");
      R.m = import(base + "__GLUE__").then(async (m) => {
        await m.default({ module_or_path: wasm });
        return m;
      });
    }
    return R.m;
  };
  const words = {
    en: ["This petition could not load.", "Open it on its own page"],
    pt: ["Não foi possível carregar esta petição.", "Abrir em sua própria página"],
    es: ["No se pudo cargar esta petición.", "Abrirla en su propia página"],
  };
  const mounted = (R.seen = R.seen || new WeakSet());

  function mount(host, kind, a) {
    if (mounted.has(host) || !base) return;
    mounted.add(host);
    const root = host.shadowRoot || host.attachShadow({ mode: "open" });
    try {
      const sheet = new CSSStyleSheet();
      sheet.replaceSync(css);
      root.adoptedStyleSheets = [sheet];
    } catch (_) {
      const style = document.createElement("style");
      style.textContent = css;
      root.append(style);
    }
    const box = document.createElement("div");
    box.className = "rally " + kind;
    box.setAttribute("aria-busy", "true");
    box.innerHTML = '<div class="loading" role="status">…</div>';
    root.append(box);
    const c = encodeURIComponent(a.campaign || ""), p = encodeURIComponent(a.petition || "");
    const cfg = { api: base, campaign: a.campaign, petition: a.petition, lang: a.lang || "" };
    cfg.prefetch = fetch(base + "api/v1/campaigns/" + c + "/petitions/" + p).then((r) =>
      r.ok ? r.json() : Promise.reject(r.status));
    cfg.prefetch.catch(() => {});
    const fail = () => {
      const l = (a.lang || document.documentElement.lang || navigator.language || "en").slice(0, 2);
      const w = words[l] || words.en;
      box.removeAttribute("aria-busy");
      box.innerHTML = '<div class="failed" role="alert"><p></p><a target="_blank" rel="noopener"></a></div>';
      box.querySelector("p").textContent = w[0];
      const link = box.querySelector("a");
      link.textContent = w[1];
      link.href = base + "p/" + c + "/" + p;
    };
    if (typeof WebAssembly !== "object") return fail();
    load().then((m) => m.mount(box, kind, cfg)).catch(fail);
  }

  const attrs = (el, prefix) => ({
    campaign: el.getAttribute(prefix + "campaign"),
    petition: el.getAttribute(prefix + "petition"),
    lang: el.getAttribute(prefix + "lang"),
  });
  // <script src=".../embed.js" data-widget="petition" ...>: render right where the script stands.
  if (me && me.dataset.widget) {
    const host = document.createElement("div");
    host.className = "rally-host";
    me.parentNode.insertBefore(host, me);
    mount(host, me.dataset.widget, attrs(me, "data-"));
  }
  // <rally-petition campaign=".." petition="..">: a page may define these names itself.
  for (const kind of ["petition"]) {
    const name = "rally-" + kind;
    if (!customElements.get(name)) {
      customElements.define(name, class extends HTMLElement {
        connectedCallback() { mount(this, kind, attrs(this, "")); }
      });
    }
  }
})();
