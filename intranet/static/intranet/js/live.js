// Live updates over WebSockets, with reconnection and backoff.
//
//   IntranetLive.follow("floor:3", function (event) { … });   // topic events
//   IntranetLive.unfollow("floor:3");                           // stop (all handlers)
//   document.addEventListener("intranet:notification", …);     // the user's own stream
//   document.addEventListener("intranet:topic", …);            // every topic message
//
// The bell ([data-live-bell]) updates itself. Pages must also work without this file:
// everything shown live is also rendered by the server on the next page load.
(function () {
  "use strict";
  if (!document.body || !document.body.hasAttribute("data-user")) return;

  var scheme = location.protocol === "https:" ? "wss://" : "ws://";
  var LOGGED_OUT = 4401;
  var MAX_DELAY = 30000;
  var sockets = [];
  var loggedOut = false;

  // A socket refused at the handshake cannot tell why. Ask the server for the unread
  // count: a redirect (to the login page) means the session has ended — stop; an
  // answer keeps the bell right while live updates are down.
  function checkSession(then) {
    var bell = document.querySelector("[data-live-bell][data-count-url]");
    if (!bell || !window.fetch) { then(); return; }
    fetch(bell.getAttribute("data-count-url"), {
      credentials: "same-origin",
      redirect: "manual",
      headers: { "Accept": "application/json" }
    }).then(function (response) {
      if (response.type === "opaqueredirect" || response.status === 401 || response.status === 403) {
        endSession();
        return;
      }
      if (!response.ok) { then(); return; }
      return response.json().then(function (data) {
        if (typeof data.unread === "number") setBell(data.unread);
        then();
      });
    }).catch(function () { then(); });  // offline: keep trying with backoff
  }

  function endSession() {
    loggedOut = true;
    sockets.forEach(function (socket) { socket.close(); });
    document.documentElement.setAttribute("data-live", "logged-out");
  }

  function Socket(path, onMessage, onOpen) {
    var socket = null;
    var delay = 1000;
    var stopped = false;
    var timer = null;

    function connect() {
      timer = null;
      socket = new WebSocket(scheme + location.host + path);
      socket.onopen = function () {
        delay = 1000;
        document.documentElement.setAttribute("data-live", "connected");
        if (onOpen) onOpen(socket);
      };
      socket.onmessage = function (message) {
        var data;
        try { data = JSON.parse(message.data); } catch (error) { return; }
        onMessage(data);
      };
      socket.onclose = function (event) {
        socket = null;
        if (stopped || loggedOut) return;
        document.documentElement.setAttribute("data-live", "disconnected");
        if (event.code === LOGGED_OUT) { endSession(); return; }
        checkSession(function () {
          if (stopped || loggedOut) return;
          // Backoff with jitter, so that a restarted server is not hit by every tab at once.
          var wait = delay + Math.random() * delay * 0.5;
          delay = Math.min(delay * 2, MAX_DELAY);
          timer = setTimeout(connect, wait);
        });
      };
    }

    // Back on the network, or back to the tab after sleep: try now rather than later.
    function retrySoon() {
      if (stopped || socket || !timer) return;
      clearTimeout(timer);
      delay = 1000;
      connect();
    }
    window.addEventListener("online", retrySoon);
    document.addEventListener("visibilitychange", function () {
      if (document.visibilityState === "visible") retrySoon();
    });

    connect();
    var handle = {
      send: function (data) {
        if (socket && socket.readyState === WebSocket.OPEN) socket.send(JSON.stringify(data));
      },
      close: function () {
        stopped = true;
        if (timer) clearTimeout(timer);
        if (socket) socket.close();
      }
    };
    sockets.push(handle);
    return handle;
  }

  function setBell(count) {
    document.querySelectorAll("[data-live-bell]").forEach(function (bell) {
      var badge = bell.querySelector("[data-unread]");
      if (badge) {
        badge.setAttribute("data-unread", String(count));
        badge.textContent = count > 99 ? "99+" : String(count);
        badge.hidden = count <= 0;
      }
      var label = bell.querySelector("[data-bell-label]");
      if (label) {
        label.textContent = count > 0
          ? label.getAttribute("data-label-some").replace("{n}", String(count))
          : label.getAttribute("data-label-none");
      }
    });
  }

  function announce(notification) {
    var region = document.querySelector("[data-live-announcer]");
    if (!region || !notification || !notification.subject) return;
    region.textContent = region.getAttribute("data-template").replace("{subject}", notification.subject);
  }

  Socket("/ws/notifications/", function (data) {
    if (typeof data.unread === "number") setBell(data.unread);
    if (data.type === "notification") {
      announce(data.notification);
      document.dispatchEvent(new CustomEvent("intranet:notification", { detail: data.notification }));
    }
  });

  var handlers = {};
  var topicSocket = null;
  function subscribeAll(socket) {
    Object.keys(handlers).forEach(function (topic) {
      socket.send(JSON.stringify({ subscribe: topic }));
    });
  }

  window.IntranetLive = {
    follow: function (topic, handler) {
      var first = !handlers[topic];
      (handlers[topic] = handlers[topic] || []).push(handler);
      if (!topicSocket) {
        topicSocket = Socket("/ws/topics/", function (data) {
          if (data.type === "event" && handlers[data.topic]) {
            handlers[data.topic].forEach(function (fn) { fn(data.event); });
          }
          document.dispatchEvent(new CustomEvent("intranet:topic", { detail: data }));
        }, subscribeAll);
      } else if (first) {
        topicSocket.send({ subscribe: topic });
      }
    },
    unfollow: function (topic) {
      if (!handlers[topic]) return;
      delete handlers[topic];
      if (topicSocket) topicSocket.send({ unsubscribe: topic });
    }
  };
})();
