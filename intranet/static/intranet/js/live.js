// Live updates over WebSockets, with reconnection and backoff.
//
//   IntranetLive.follow("floor:3", function (event) { … });   // topic events
//   document.addEventListener("intranet:notification", …);     // the user's own stream
//
// The bell ([data-live-bell]) updates itself. Pages must also work without this file.
(function () {
  "use strict";
  if (!document.body || !document.body.hasAttribute("data-user")) return;

  var scheme = location.protocol === "https:" ? "wss://" : "ws://";

  function Socket(path, onMessage, onOpen) {
    var socket = null;
    var delay = 1000;
    var stopped = false;
    function connect() {
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
        document.documentElement.setAttribute("data-live", "disconnected");
        if (stopped || event.code === 4401) return;  // logged out: stop trying
        var wait = delay + Math.random() * 500;
        delay = Math.min(delay * 2, 30000);
        setTimeout(connect, wait);
      };
    }
    connect();
    return {
      send: function (data) {
        if (socket && socket.readyState === WebSocket.OPEN) socket.send(JSON.stringify(data));
      },
      close: function () { stopped = true; if (socket) socket.close(); }
    };
  }

  function setBell(count) {
    document.querySelectorAll("[data-live-bell] [data-unread]").forEach(function (badge) {
      badge.setAttribute("data-unread", String(count));
      badge.textContent = count > 99 ? "99+" : String(count);
      badge.hidden = count <= 0;
    });
  }

  Socket("/ws/notifications/", function (data) {
    if (typeof data.unread === "number") setBell(data.unread);
    if (data.type === "notification") {
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
      (handlers[topic] = handlers[topic] || []).push(handler);
      if (!topicSocket) {
        topicSocket = Socket("/ws/topics/", function (data) {
          if (data.type === "event" && handlers[data.topic]) {
            handlers[data.topic].forEach(function (fn) { fn(data.event); });
          }
          document.dispatchEvent(new CustomEvent("intranet:topic", { detail: data }));
        }, subscribeAll);
      } else {
        topicSocket.send({ subscribe: topic });
      }
    }
  };
})();
