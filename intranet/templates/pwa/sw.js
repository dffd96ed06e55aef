/* The intranet's service worker (served from /sw.js, scope /).
   Caches static files and the offline page only; pages are always fetched from the
   network, so no authenticated page is ever stored on the device. */
"use strict";

var CACHE = "intranet-static-{{ version }}";
var OFFLINE_URL = "/offline/";
var PRECACHE = {{ precache|safe }};
var STATIC_PREFIX = {{ static_prefix|safe }};

self.addEventListener("install", function (event) {
  event.waitUntil(
    caches.open(CACHE).then(function (cache) {
      // credentials "omit": the stored offline page is the anonymous one.
      var requests = PRECACHE.concat([OFFLINE_URL]).map(function (url) {
        return new Request(url, { credentials: "omit" });
      });
      return cache.addAll(requests);
    }).then(function () { return self.skipWaiting(); })
  );
});

self.addEventListener("activate", function (event) {
  event.waitUntil(
    caches.keys().then(function (names) {
      return Promise.all(names.filter(function (name) {
        return name.indexOf("intranet-") === 0 && name !== CACHE;
      }).map(function (name) { return caches.delete(name); }));
    }).then(function () { return self.clients.claim(); })
  );
});

self.addEventListener("fetch", function (event) {
  var request = event.request;
  if (request.method !== "GET") return;
  var url = new URL(request.url);
  if (url.origin !== self.location.origin) return;

  if (request.mode === "navigate") {
    // Network only; the offline page when there is no network. Never cached.
    event.respondWith(fetch(request).catch(function () {
      return caches.open(CACHE).then(function (cache) { return cache.match(OFFLINE_URL); });
    }));
    return;
  }
  if (url.pathname.indexOf(STATIC_PREFIX) === 0) {
    event.respondWith(caches.open(CACHE).then(function (cache) {
      return cache.match(request).then(function (hit) {
        if (hit) return hit;
        return fetch(request).then(function (response) {
          if (response.ok) cache.put(request, response.clone());
          return response;
        });
      });
    }));
  }
  // Everything else (fragments, files, the API) goes to the network untouched.
});

// Web Push: the payload says no more than the bell does (never a 秘 title).
self.addEventListener("push", function (event) {
  var data = {};
  try { data = event.data ? event.data.json() : {}; } catch (error) { data = {}; }
  var title = data.title || "{{ intranet_name|escapejs }}";
  event.waitUntil(self.registration.showNotification(title, {
    body: data.body || "",
    tag: data.tag || undefined,
    icon: "{{ icon_url|escapejs }}",
    badge: "{{ badge_url|escapejs }}",
    data: { url: data.url || "/" }
  }));
});

self.addEventListener("notificationclick", function (event) {
  event.notification.close();
  var target = new URL((event.notification.data && event.notification.data.url) || "/", self.location.origin);
  if (target.origin !== self.location.origin) target = new URL("/", self.location.origin);
  event.waitUntil(self.clients.matchAll({ type: "window", includeUncontrolled: true }).then(function (windows) {
    for (var i = 0; i < windows.length; i++) {
      if (windows[i].url === target.href && "focus" in windows[i]) return windows[i].focus();
    }
    return self.clients.openWindow(target.href);
  }));
});
