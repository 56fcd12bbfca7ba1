// The mobiliser hub's service worker (registered by the hub's page with the scope
// /hub/<campaign>): the page offline, notifications, and where a click on one goes.
//
// - Pages: network first; each hub page the network answers is kept (one copy per address,
//   without its query), so with no network the last one shows, with its cards and team.
//   A new version of this file takes over on the next visit (no skipWaiting).
// - Push: the edge's payload (rally_api::push::Notification, JSON) becomes a notification.
// - Click: the edge's click counter (/hub/<campaign>/n/<id>) opens the hub at the card, in the
//   hub's window if one is open.
"use strict";
const CACHE = "rally-hub-1";
const ICON = "/hub/icon-192.png";

self.addEventListener("install", (e) => {
  e.waitUntil(caches.open(CACHE).then((c) => c.addAll([ICON, "/hub/icon-512.png"])));
});

self.addEventListener("activate", (e) => {
  e.waitUntil(
    caches
      .keys()
      .then((keys) => Promise.all(keys.filter((k) => k !== CACHE).map((k) => caches.delete(k))))
      .then(() => self.clients.claim()),
  );
});

/** A page's address without its query or fragment: `?ok=done` is the same page. */
const keyOf = (url) => url.origin + url.pathname;

self.addEventListener("fetch", (e) => {
  const req = e.request;
  const url = new URL(req.url);
  if (req.method !== "GET" || url.origin !== self.location.origin || !url.pathname.startsWith("/hub/")) return;
  // A notification's click is counted by the edge: never from a copy.
  if (/^\/hub\/[^/]+\/n\//.test(url.pathname)) return;
  e.respondWith(
    fetch(req)
      .then((resp) => {
        if (resp.ok && resp.type === "basic") {
          const copy = resp.clone();
          e.waitUntil(caches.open(CACHE).then((c) => c.put(keyOf(url), copy)));
        }
        return resp;
      })
      .catch(() =>
        caches.match(keyOf(url)).then(
          (hit) =>
            hit ||
            new Response("<!doctype html><meta charset=utf-8><title>Offline</title><p>Offline.</p>", {
              status: 503,
              headers: { "Content-Type": "text/html; charset=utf-8" },
            }),
        ),
      ),
  );
});

self.addEventListener("push", (e) => {
  let n;
  try {
    n = e.data.json();
  } catch (_) {
    n = { title: e.data ? e.data.text() : "", body: "", url: self.registration.scope, tag: "", lang: "" };
  }
  e.waitUntil(
    self.registration.showNotification(n.title, {
      body: n.body,
      tag: n.tag || undefined,
      lang: n.lang || undefined,
      icon: ICON,
      data: { url: n.url, kind: n.kind },
    }),
  );
});

self.addEventListener("notificationclick", (e) => {
  e.notification.close();
  const url = (e.notification.data && e.notification.data.url) || self.registration.scope;
  const scope = new URL(self.registration.scope).pathname;
  const go = self.clients.matchAll({ type: "window", includeUncontrolled: true }).then((list) => {
    const open = list.find((c) => new URL(c.url).pathname.startsWith(scope));
    if (open) return open.navigate(url).then((c) => (c && c.focus ? c.focus().catch(() => c) : c));
    return self.clients.openWindow(url);
  });
  // A click the browser dispatched waits for the window; one dispatched by hand cannot.
  try {
    e.waitUntil(go);
  } catch (_) {}
});
