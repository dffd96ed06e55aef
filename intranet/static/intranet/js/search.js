// The header search box's suggestions: htmx fetches the options as one types
// (components/header_search.html); this file adds the combobox keyboard and pointer
// behaviour (WAI-ARIA combobox with a listbox popup). Without it the box still submits.
(function () {
  "use strict";
  var input = document.getElementById("header-search-q");
  var list = document.getElementById("header-search-listbox");
  if (!input || !list) return;
  var active = -1;

  function options() {
    return Array.prototype.slice.call(list.querySelectorAll('[role="option"]'));
  }

  function setActive(index) {
    var all = options();
    active = all.length ? (index + all.length) % all.length : -1;
    all.forEach(function (option, i) {
      option.setAttribute("aria-selected", i === active ? "true" : "false");
    });
    if (active >= 0) {
      input.setAttribute("aria-activedescendant", all[active].id);
      all[active].scrollIntoView({ block: "nearest" });
    } else {
      input.removeAttribute("aria-activedescendant");
    }
  }

  function open() {
    if (!options().length) { close(); return; }
    list.hidden = false;
    input.setAttribute("aria-expanded", "true");
  }

  function close() {
    list.hidden = true;
    input.setAttribute("aria-expanded", "false");
    setActive(-1);
  }

  function follow(option) {
    var link = option && option.querySelector("a[href]");
    if (link) window.location.assign(link.getAttribute("href"));
  }

  document.body.addEventListener("htmx:afterSwap", function (event) {
    if (event.detail.target !== list) return;
    active = -1;
    if (document.activeElement === input) open(); else close();
  });

  input.addEventListener("keydown", function (event) {
    var expanded = !list.hidden;
    if (event.key === "ArrowDown" || event.key === "ArrowUp") {
      if (!options().length) return;
      event.preventDefault();
      if (!expanded) open();
      setActive(event.key === "ArrowDown" ? active + 1 : (active < 0 ? -1 : active - 1));
    } else if (event.key === "Enter" && expanded && active >= 0) {
      event.preventDefault();
      follow(options()[active]);
    } else if (event.key === "Escape" && expanded) {
      event.preventDefault();  // keep the text (Escape would clear a search field)
      close();
    }
  });

  input.addEventListener("focus", function () {
    if (input.value && options().length) open();
  });

  // Keep the focus in the box while an option is clicked or tapped.
  list.addEventListener("mousedown", function (event) { event.preventDefault(); });
  list.addEventListener("click", function (event) {
    var option = event.target.closest('[role="option"]');
    if (!option) return;
    event.preventDefault();
    follow(option);
  });

  input.closest("form").addEventListener("focusout", function (event) {
    if (!event.currentTarget.contains(event.relatedTarget)) close();
  });
})();
