/* The maps' search box (templates/_macros/maps.html, place_search): finds quarters and
 * well-known places with GET /api/places and moves the map to the one chosen.
 * An ARIA 1.2 combobox: focus stays in the box; Down and Up move through the list (the option
 * is named by aria-activedescendant), Enter takes the chosen one or the first, Escape closes the
 * list. Enter never sends the form the box sits in. The map frame gets a "placefound" event;
 * the location picker takes it to place its pin there (and says so), otherwise the box's own
 * status line says where the map now is. Results are built with textContent. */
(function () {
  "use strict";
  if (!window.L || !window.fetch) { return; }
  var DEBOUNCE_MS = 250;
  var MIN_LENGTH = 2;

  function setUp(box) {
    var map = window[box.dataset.mapName];
    var frame = document.querySelector(".map-frame[data-map-name='" + box.dataset.mapName + "']");
    var input = box.querySelector("[role='combobox']");
    var button = box.querySelector("[data-place-search-button]");
    var list = document.getElementById(input.getAttribute("aria-controls"));
    var status = box.querySelector("[role='status']");
    if (!map || !frame || !input || !list) { return; }
    box.hidden = false;
    var places = [];
    var active = -1;
    var timer = null;
    var request = 0;
    var lastQuery = null;

    function say(text) { status.textContent = text; }

    function close() {
      list.hidden = true;
      input.setAttribute("aria-expanded", "false");
      input.removeAttribute("aria-activedescendant");
      active = -1;
    }

    function highlight(index) {
      var options = list.querySelectorAll("[role='option']");
      if (!options.length) { return; }
      active = (index + options.length) % options.length;
      options.forEach(function (option, i) {
        option.setAttribute("aria-selected", i === active ? "true" : "false");
      });
      input.setAttribute("aria-activedescendant", options[active].id);
      options[active].scrollIntoView({ block: "nearest" });
    }

    function choose(index) {
      var place = places[index];
      if (!place) { return; }
      close();
      input.value = place.name;
      map.setView([place.lat, place.lon], place.zoom);
      var event = new CustomEvent("placefound", { bubbles: true, cancelable: true, detail: place });
      if (frame.dispatchEvent(event)) {
        say((box.dataset.msgMoved || "").replace("{name}", place.name));
      } else {
        say("");
      }
    }

    function show(found) {
      places = found;
      list.textContent = "";
      found.forEach(function (place, i) {
        var option = document.createElement("li");
        option.id = input.id + "-option-" + i;
        option.setAttribute("role", "option");
        option.setAttribute("aria-selected", "false");
        option.textContent = place.name;
        var kind = document.createElement("span");
        kind.className = "place-kind";
        kind.textContent = place.kind_label;
        option.appendChild(kind);
        // mousedown, not click: the box keeps its focus
        option.addEventListener("mousedown", function (event) { event.preventDefault(); choose(i); });
        list.appendChild(option);
      });
      active = -1;
      input.removeAttribute("aria-activedescendant");
      list.hidden = !found.length;
      input.setAttribute("aria-expanded", found.length ? "true" : "false");
      say(found.length ? (box.dataset.msgFound || "").replace("{count}", String(found.length))
                       : (box.dataset.msgNone || ""));
    }

    // Searches for what the box holds; `then` runs once the answer is shown.
    function search(then) {
      var query = input.value.trim();
      if (query.length < MIN_LENGTH) { places = []; list.textContent = ""; close(); say(""); return; }
      if (query === lastQuery && !then) { return; }
      lastQuery = query;
      var mine = ++request;
      fetch(box.dataset.url + "?q=" + encodeURIComponent(query),
            { headers: { Accept: "application/json" }, credentials: "same-origin" })
        .then(function (response) {
          return response.json().then(function (body) { return { ok: response.ok, body: body }; });
        })
        .then(function (answer) {
          if (mine !== request) { return; }
          if (!answer.ok) {
            show([]);
            say(answer.body && answer.body.error ? answer.body.error.message : box.dataset.msgError);
            return;
          }
          show(answer.body.places || []);
          if (then) { then(); }
        })
        .catch(function () { if (mine === request) { say(box.dataset.msgError || ""); } });
    }

    input.addEventListener("input", function () {
      window.clearTimeout(timer);
      timer = window.setTimeout(function () { search(null); }, DEBOUNCE_MS);
    });

    function takeFirstOrActive() {
      window.clearTimeout(timer);
      if (input.value.trim() === lastQuery && places.length) {
        choose(active >= 0 ? active : 0);
      } else {
        search(function () { if (places.length) { choose(0); } });
      }
    }

    input.addEventListener("keydown", function (event) {
      if (event.key === "ArrowDown" || event.key === "ArrowUp") {
        event.preventDefault();
        if (list.hidden) {
          if (places.length) { list.hidden = false; input.setAttribute("aria-expanded", "true"); }
          else { return; }
        }
        highlight(active + (event.key === "ArrowDown" ? 1 : (active < 0 ? 0 : -1)));
      } else if (event.key === "Enter") {
        event.preventDefault();
        takeFirstOrActive();
      } else if (event.key === "Escape" && !list.hidden) {
        event.preventDefault();
        close();
      }
    });
    input.addEventListener("blur", close);
    if (button) { button.addEventListener("click", takeFirstOrActive); }
  }

  document.querySelectorAll("[data-place-search]").forEach(setUp);
}());
