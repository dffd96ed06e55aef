// The floor plan: pan and zoom (buttons, drag, pinch, ctrl+wheel) and live states.
// Without this file the plan is still a picture of links and the list below works.
(function () {
  "use strict";
  var plan = document.querySelector(".plan[data-floor]");
  if (!plan) return;
  var svg = plan.querySelector("svg.plan__svg");
  var fullWidth = parseFloat(svg.getAttribute("data-width"));
  var fullHeight = parseFloat(svg.getAttribute("data-height"));
  var view = { x: 0, y: 0, w: fullWidth, h: fullHeight };

  function apply() {
    svg.setAttribute("viewBox", [view.x, view.y, view.w, view.h].join(" "));
  }
  function clamp() {
    view.w = Math.min(fullWidth, Math.max(fullWidth / 8, view.w));
    view.h = view.w * fullHeight / fullWidth;
    view.x = Math.min(Math.max(0, view.x), fullWidth - view.w);
    view.y = Math.min(Math.max(0, view.y), fullHeight - view.h);
  }
  function zoom(factor, cx, cy) {
    if (cx === undefined) { cx = view.x + view.w / 2; cy = view.y + view.h / 2; }
    var w = view.w / factor;
    var h = view.h / factor;
    view.x = cx - (cx - view.x) * (w / view.w);
    view.y = cy - (cy - view.y) * (h / view.h);
    view.w = w; view.h = h;
    clamp(); apply();
  }
  function toPlan(clientX, clientY) {
    var box = svg.getBoundingClientRect();
    return {
      x: view.x + (clientX - box.left) / box.width * view.w,
      y: view.y + (clientY - box.top) / box.height * view.h
    };
  }

  plan.querySelectorAll("[data-zoom]").forEach(function (button) {
    button.addEventListener("click", function () {
      var action = button.getAttribute("data-zoom");
      if (action === "in") zoom(1.5);
      else if (action === "out") zoom(1 / 1.5);
      else { view = { x: 0, y: 0, w: fullWidth, h: fullHeight }; apply(); }
    });
  });

  svg.addEventListener("wheel", function (event) {
    if (!event.ctrlKey && !event.metaKey) return;
    event.preventDefault();
    var point = toPlan(event.clientX, event.clientY);
    zoom(event.deltaY < 0 ? 1.2 : 1 / 1.2, point.x, point.y);
  }, { passive: false });

  // Drag to pan, pinch to zoom. A gesture that moved is not a click on a desk.
  var pointers = {};
  var moved = false;
  var last = null;
  var pinch = null;
  svg.addEventListener("pointerdown", function (event) {
    pointers[event.pointerId] = { x: event.clientX, y: event.clientY };
    moved = false;
    last = { x: event.clientX, y: event.clientY };
    var ids = Object.keys(pointers);
    if (ids.length === 2) {
      var a = pointers[ids[0]], b = pointers[ids[1]];
      pinch = Math.hypot(a.x - b.x, a.y - b.y);
    }
  });
  svg.addEventListener("pointermove", function (event) {
    if (!pointers[event.pointerId]) return;
    pointers[event.pointerId] = { x: event.clientX, y: event.clientY };
    var ids = Object.keys(pointers);
    var box = svg.getBoundingClientRect();
    if (ids.length === 2 && pinch) {
      var a = pointers[ids[0]], b = pointers[ids[1]];
      var distance = Math.hypot(a.x - b.x, a.y - b.y);
      var centre = toPlan((a.x + b.x) / 2, (a.y + b.y) / 2);
      if (Math.abs(distance - pinch) > 4) { zoom(distance / pinch, centre.x, centre.y); pinch = distance; moved = true; }
      return;
    }
    var dx = event.clientX - last.x, dy = event.clientY - last.y;
    if (!moved && Math.hypot(dx, dy) < 6) return;
    if (view.w >= fullWidth) return;  // nothing to pan at full size
    moved = true;
    svg.setPointerCapture(event.pointerId);
    view.x -= dx / box.width * view.w;
    view.y -= dy / box.height * view.h;
    last = { x: event.clientX, y: event.clientY };
    clamp(); apply();
  });
  function release(event) {
    delete pointers[event.pointerId];
    if (Object.keys(pointers).length < 2) pinch = null;
  }
  svg.addEventListener("pointerup", release);
  svg.addEventListener("pointercancel", release);
  svg.addEventListener("click", function (event) {
    if (moved) { event.preventDefault(); event.stopPropagation(); moved = false; }
  }, true);

  // Show the highlighted desk (from "where is my colleague") in the middle, zoomed in.
  var highlighted = svg.querySelector(".seat.is-highlighted rect");
  if (highlighted) {
    var x = parseFloat(highlighted.getAttribute("x")), y = parseFloat(highlighted.getAttribute("y"));
    zoom(2.5, x, y);
    view.x = x - view.w / 2; view.y = y - view.h / 2; clamp(); apply();
  }

  // Live: any booking change on this floor makes us re-read the states.
  var stateUrl = plan.getAttribute("data-state-url");
  var pending = null;
  function refresh() {
    fetch(stateUrl, { credentials: "same-origin", headers: { "Accept": "application/json" } })
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (data) { if (data) update(data); })
      .catch(function () {});
  }
  function update(data) {
    data.items.forEach(function (item) {
      document.querySelectorAll('[data-resource="' + item.id + '"]').forEach(function (node) {
        var before = node.getAttribute("data-state");
        node.setAttribute("data-state", item.state);
        if (node.classList.contains("seat")) {
          node.setAttribute("class", node.getAttribute("class").replace(/\bis-[a-z_]+\b/g, "").replace(/\s+/g, " ").trim() + " is-" + item.state + (before !== item.state ? " is-changed" : ""));
          node.setAttribute("aria-label", item.label);
          var title = node.querySelector("title"); if (title) title.textContent = item.label;
          var box = node.querySelector(".seat__box"); if (box) box.setAttribute("class", "seat__box is-" + item.state);
          var mark = node.querySelector(".seat__mark"); if (mark) mark.textContent = item.mark;
        } else {
          var label = node.querySelector("[data-state-label]"); if (label) label.textContent = item.state_label;
          var occupant = node.querySelector("[data-occupant]"); if (occupant) occupant.textContent = item.occupant ? " " + item.occupant : "";
          var listMark = node.querySelector(".plan-list__mark"); if (listMark) listMark.textContent = item.mark;
        }
      });
    });
    var summary = document.querySelector("[data-testid=plan-summary]");
    var free = data.counts.free || 0;
    var total = data.items.filter(function (item) { return document.querySelector('.seat--desk[data-resource="' + item.id + '"]'); }).length;
    if (summary && summary.getAttribute("data-template")) {
      summary.textContent = summary.getAttribute("data-template").replace("{free}", free).replace("{total}", total);
    }
    plan.setAttribute("data-updated", String(Date.now()));
  }
  var topic = "floor:" + plan.getAttribute("data-floor");
  document.addEventListener("intranet:topic", function (event) {
    var data = event.detail || {};
    if (data.topic === topic && (data.type === "subscribed" || data.type === "denied")) {
      plan.setAttribute("data-live", data.type);
    }
  });
  if (window.IntranetLive) {
    window.IntranetLive.follow(topic, function () {
      clearTimeout(pending);
      pending = setTimeout(refresh, 120);
    });
  }
})();
