// Admin plan editor: draws the floor's desks and rooms from the inline rows and lets the
// facility manager place them by clicking or dragging on the plan. Plain DOM, no framework.
(function () {
  "use strict";
  var SVG = "http://www.w3.org/2000/svg";

  function init() {
    var box = document.querySelector("[data-plan-editor]");
    if (!box) return;
    var svg = box.querySelector("svg");
    var status = box.querySelector(".plan-editor__status");
    var width = parseFloat(box.getAttribute("data-width"));
    var height = parseFloat(box.getAttribute("data-height"));
    var selected = null;
    var drag = null;

    function rows(prefix) {
      var found = [];
      var total = document.querySelector("#id_" + prefix + "-TOTAL_FORMS");
      var count = total ? parseInt(total.value, 10) : 0;
      for (var i = 0; i < count; i++) {
        var x = document.getElementById("id_" + prefix + "-" + i + "-x");
        if (!x) continue;
        var remove = document.getElementById("id_" + prefix + "-" + i + "-DELETE");
        if (remove && remove.checked) continue;
        found.push({ index: i, prefix: prefix, field: function (name) { return document.getElementById("id_" + this.prefix + "-" + this.index + "-" + name); } });
      }
      return found;
    }
    function num(input, fallback) { var v = parseFloat(input && input.value); return isNaN(v) ? fallback : v; }
    function el(name, attrs, parent) {
      var node = document.createElementNS(SVG, name);
      Object.keys(attrs).forEach(function (key) { node.setAttribute(key, attrs[key]); });
      if (parent) parent.appendChild(node);
      return node;
    }

    function draw() {
      while (svg.firstChild) svg.removeChild(svg.firstChild);
      if (box.getAttribute("data-image")) {
        el("image", { href: box.getAttribute("data-image"), x: 0, y: 0, width: width, height: height }, svg);
      }
      rows("areas").forEach(function (row) {
        var w = num(row.field("width"), 0), h = num(row.field("height"), 0);
        if (!w || !h) return;
        el("rect", { class: "pe-area", x: num(row.field("x"), 0), y: num(row.field("y"), 0), width: w, height: h, rx: 8 }, svg);
        var label = el("text", { class: "pe-area-label", x: num(row.field("x"), 0) + 8, y: num(row.field("y"), 0) + 20 }, svg);
        label.textContent = (row.field("name") || {}).value || "";
      });
      rows("resources").forEach(function (row) {
        var kind = (row.field("kind") || {}).value;
        var mode = (row.field("mode") || {}).value;
        var x = num(row.field("x"), 0), y = num(row.field("y"), 0);
        var w = num(row.field("width"), 40), h = num(row.field("height"), 28);
        var key = row.prefix + "-" + row.index;
        var group = el("g", { class: "pe-item" + (kind === "room" ? " is-room" : "") + (mode === "unavailable" ? " is-unavailable" : "") + (selected === key ? " is-selected" : ""), "data-key": key }, svg);
        el("rect", { x: x, y: y, width: w, height: h, rx: 4 }, group);
        var text = el("text", { x: x + w / 2, y: y + h / 2 }, group);
        text.textContent = (row.field("code") || {}).value || "?";
        var tr = row.field("x").closest("tr");
        if (tr) tr.classList.toggle("plan-editor-selected", selected === key);
      });
    }
    function find(key) {
      var parts = key.split("-");
      return rows(parts[0]).filter(function (row) { return String(row.index) === parts[1]; })[0];
    }
    function toPlan(event) {
      var rect = svg.getBoundingClientRect();
      return { x: (event.clientX - rect.left) / rect.width * width, y: (event.clientY - rect.top) / rect.height * height };
    }
    function place(row, x, y) {
      var w = num(row.field("width"), 40), h = num(row.field("height"), 28);
      row.field("x").value = Math.round(Math.max(0, Math.min(width - w, x)));
      row.field("y").value = Math.round(Math.max(0, Math.min(height - h, y)));
      status.textContent = ((row.field("code") || {}).value || "") + ": X " + row.field("x").value + " / Y " + row.field("y").value;
    }
    function select(key) {
      selected = key;
      var row = find(key);
      if (row) status.textContent = ((row.field("code") || {}).value || "") + " — X " + row.field("x").value + " / Y " + row.field("y").value;
      draw();
    }

    svg.addEventListener("pointerdown", function (event) {
      var item = event.target.closest(".pe-item");
      var point = toPlan(event);
      if (item) {
        select(item.getAttribute("data-key"));
        var row = find(selected);
        drag = { dx: point.x - num(row.field("x"), 0), dy: point.y - num(row.field("y"), 0) };
        svg.setPointerCapture(event.pointerId);
      } else if (selected) {
        var target = find(selected);
        if (target) { place(target, point.x - num(target.field("width"), 40) / 2, point.y - num(target.field("height"), 28) / 2); draw(); }
      }
    });
    svg.addEventListener("pointermove", function (event) {
      if (!drag || !selected) return;
      var point = toPlan(event);
      place(find(selected), point.x - drag.dx, point.y - drag.dy);
      draw();
    });
    svg.addEventListener("pointerup", function () { drag = null; });
    svg.addEventListener("keydown", function (event) {
      if (!selected) return;
      var step = event.shiftKey ? 10 : 1;
      var moves = { ArrowLeft: [-step, 0], ArrowRight: [step, 0], ArrowUp: [0, -step], ArrowDown: [0, step] };
      var move = moves[event.key];
      if (!move) return;
      event.preventDefault();
      var row = find(selected);
      place(row, num(row.field("x"), 0) + move[0], num(row.field("y"), 0) + move[1]);
      draw();
    });
    document.addEventListener("focusin", function (event) {
      var input = event.target;
      var match = input.id && input.id.match(/^id_(resources)-(\d+)-/);
      if (match) select(match[1] + "-" + match[2]);
    });
    document.addEventListener("input", function (event) {
      if (event.target.id && /^id_(resources|areas)-\d+-/.test(event.target.id)) draw();
    });
    document.addEventListener("formset:added", draw);
    draw();
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
