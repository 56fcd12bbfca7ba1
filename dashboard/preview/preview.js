// The builder's live preview. The dashboard puts the draft in this page's fragment:
// { kind, lang, view }, `view` being the public view the edge would serve for it (its look
// included). The loader mounts the real widget with that view instead of fetching one, and the
// widget is inert: nothing is signed or pledged from a preview.
const host = document.getElementById("w");
try {
  const draft = JSON.parse(decodeURIComponent(location.hash.slice(1)));
  host.inert = true;
  window.__rally.preview(host, draft.kind, { campaign: draft.view.campaign, item: draft.view.slug, lang: draft.lang }, draft.view);
} catch (e) {
  host.textContent = "Nothing to preview yet.";
}
