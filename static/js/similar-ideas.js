/* While a resident types an idea, and once the pin is placed, list up to five published ideas
 * that read alike and lie close by (GET /api/ideas/similar), each with "support this instead":
 * one click supports it (POST to the idea's support address, the form's CSRF token, JSON
 * answer), and the draft stays as typed. Signed out meanwhile: the draft is kept in this tab's
 * session storage, the resident signs in, comes back here, and the support is completed.
 *
 * Searches wait for a pause in typing and a newer one cancels an older one still under way.
 * The count is announced politely (#similar-status) only when the ideas shown change. Nothing
 * here stands in the way of sending the form. Residents' text goes in with textContent only. */
(function () {
  "use strict";
  var box = document.getElementById("similar-ideas");
  if (!box || !window.fetch) { return; }
  var list = box.querySelector("ul");
  var status = document.getElementById(box.dataset.status);
  var form = box.closest("form");
  var title = document.getElementById(box.dataset.titleInput);
  var description = document.getElementById(box.dataset.descriptionInput);
  var lat = document.getElementById(box.dataset.latInput);
  var lon = document.getElementById(box.dataset.lonInput);
  var DRAFT_KEY = "myalmaty.draft:" + window.location.pathname;
  var TYPING_PAUSE_MS = 600;
  var PIN_PAUSE_MS = 150;
  var timer = null;
  var lastQuery = "";
  var shownIds = "";
  var shownContent = "";
  var keepStatus = false;
  var inFlight = null;
  var signedIn = true;

  function say(text) {
    if (status) { status.textContent = text; }
  }

  function fill(template, values) {
    return String(template || "").replace(/\{(\w+)\}/g, function (all, name) {
      return Object.prototype.hasOwnProperty.call(values, name) ? String(values[name]) : all;
    });
  }

  function csrfToken() {
    var field = form && form.querySelector("input[name=csrf_token]");
    return field ? field.value : "";
  }

  function element(tag, className, text) {
    var node = document.createElement(tag);
    if (className) { node.className = className; }
    if (text !== undefined) { node.textContent = text; }
    return node;
  }

  /* --- the draft, kept across a sign-in ---------------------------------------------------- */

  var SKIPPED = { csrf_token: true, version: true };

  function saveDraft(pending) {
    var fields = {};
    Array.prototype.forEach.call(form ? form.elements : [], function (input) {
      if (!input.name || SKIPPED[input.name] || input.type === "file" || input.type === "submit"
          || input.type === "button") { return; }
      if (input.type === "checkbox" || input.type === "radio") {
        if (input.checked) { fields[input.name] = input.value; }
        return;
      }
      fields[input.name] = input.value;
    });
    try {
      window.sessionStorage.setItem(DRAFT_KEY, JSON.stringify({ fields: fields, pending: pending }));
      return true;
    } catch (error) {
      return false;
    }
  }

  function takeDraft() {
    var draft = null;
    try {
      draft = JSON.parse(window.sessionStorage.getItem(DRAFT_KEY) || "null");
      window.sessionStorage.removeItem(DRAFT_KEY);
    } catch (error) {
      draft = null;
    }
    return draft && typeof draft === "object" ? draft : null;
  }

  function restoreDraft(draft) {
    var fields = draft.fields || {};
    Array.prototype.forEach.call(form ? form.elements : [], function (input) {
      if (!input.name || !Object.prototype.hasOwnProperty.call(fields, input.name)) { return; }
      if (input.type === "checkbox" || input.type === "radio") {
        input.checked = input.value === fields[input.name];
      } else if (input.type !== "file") {
        input.value = String(fields[input.name]);
      }
    });
    [lat, lon].forEach(function (input) {
      if (input && input.value) { input.dispatchEvent(new Event("change", { bubbles: true })); }
    });
  }

  function signInAndComeBack(idea) {
    saveDraft({ url: idea.support_url, title: idea.title });
    window.location.assign(box.dataset.signInUrl);
  }

  /* --- supporting ------------------------------------------------------------------------- */

  function postSupport(url) {
    var body = new URLSearchParams({ action: "support", csrf_token: csrfToken() });
    return fetch(url, {
      method: "POST",
      body: body,
      credentials: "same-origin",
      headers: { Accept: "application/json", "X-CSRFToken": csrfToken() },
    }).then(function (response) {
      return response.json().catch(function () { return {}; }).then(function (data) {
        return { status: response.status, ok: response.ok, data: data };
      });
    });
  }

  function problem(answer) {
    var error = answer && answer.data && answer.data.error;
    return (error && (error.detail || error.message)) || box.dataset.supportFailed;
  }

  function supported(idea, answer, item) {
    var text = fill(box.dataset.afterSupport, { title: idea.title });
    say(text);
    keepStatus = true;  // the thanks stay until the ideas shown change again
    if (!item) { return; }
    var count = item.querySelector(".similar-supporters");
    if (count && answer.data.supporters_text) { count.textContent = answer.data.supporters_text; }
    var action = item.querySelector(".similar-action");
    var done = element("span", "similar-done", box.dataset.supported);
    done.tabIndex = -1;
    action.replaceWith(done);
    done.focus();
  }

  function support(idea, button, item) {
    if (!signedIn) { signInAndComeBack(idea); return; }
    button.disabled = true;
    button.setAttribute("aria-busy", "true");
    postSupport(idea.support_url).then(function (answer) {
      if (answer.ok && answer.data.supported) {
        supported(idea, answer, item);
        return;
      }
      if (answer.status === 401) { signInAndComeBack(idea); return; }
      button.disabled = false;
      button.removeAttribute("aria-busy");
      say(problem(answer));
    }).catch(function () {
      button.disabled = false;
      button.removeAttribute("aria-busy");
      say(box.dataset.supportFailed);
    });
  }

  /* --- the list --------------------------------------------------------------------------- */

  function clear() {
    while (list.firstChild) { list.removeChild(list.firstChild); }
    box.hidden = true;
    if (shownIds) { say(""); }
    shownIds = "";
    shownContent = "";
  }

  function render(idea) {
    var item = element("li", "similar-idea");
    var link = element("a", "similar-title", idea.title);
    link.href = idea.url;
    link.target = "_blank";  // the draft stays open in this tab
    link.rel = "noopener";
    link.appendChild(element("span", "visually-hidden", " " + box.dataset.newTab));
    item.appendChild(link);
    var facts = element("span", "similar-facts muted");
    if (idea.distance_m !== null && idea.distance_m !== undefined) {
      facts.appendChild(element("span", "similar-distance",
        " · " + fill(box.dataset.distance, { distance: idea.distance_m })));
    }
    facts.appendChild(document.createTextNode(" · "));
    facts.appendChild(element("span", "similar-supporters", idea.supporters_text));
    item.appendChild(facts);
    var action;
    if (idea.yours) {
      action = element("span", "similar-action muted", box.dataset.yours);
    } else if (idea.supported) {
      action = element("span", "similar-action similar-done", box.dataset.supported);
    } else {
      action = element("button", "similar-action secondary", box.dataset.support);
      action.type = "button";
      // Five buttons of the same words: each names its idea too (after the words shown).
      action.setAttribute("aria-label", box.dataset.support + " — " + idea.title);
      action.addEventListener("click", function () { support(idea, action, item); });
    }
    item.appendChild(document.createTextNode(" "));
    item.appendChild(action);
    return item;
  }

  function show(data) {
    var ideas = (data.ideas || []).slice(0, 5);
    if (data.signed_in !== undefined) { signedIn = Boolean(data.signed_in); }
    if (!ideas.length) { clear(); return; }
    var ids = ideas.map(function (idea) { return idea.id; }).join(",");
    var content = JSON.stringify(ideas);
    if (content === shownContent) { return; }  // nothing new: left as it is
    // Where the keyboard was (the n-th idea's link or button) stays where it was.
    var items = Array.prototype.slice.call(list.children);
    var focusedItem = items.findIndex(function (item) { return item.contains(document.activeElement); });
    var focusedLink = focusedItem >= 0 && document.activeElement.tagName === "A";
    while (list.firstChild) { list.removeChild(list.firstChild); }
    ideas.forEach(function (idea) { list.appendChild(render(idea)); });
    box.hidden = false;
    shownContent = content;
    if (focusedItem >= 0 && list.children[focusedItem]) {
      var again = list.children[focusedItem].querySelector(focusedLink ? "a" : ".similar-action");
      if (again) {
        if (again.tagName === "SPAN") { again.tabIndex = -1; }
        again.focus();
      }
    }
    // Announced when the ideas shown change, not when the same ones come back (with the
    // distances once the pin is placed, say).
    if (ids !== shownIds && !(keepStatus && !shownIds)) { say(data.summary || ""); }
    keepStatus = false;
    shownIds = ids;
  }

  function search() {
    // The title and the description apart: the title says what the idea is and counts more.
    var text = ((title && title.value) || "").trim().slice(0, 2000);
    var more = ((description && description.value) || "").trim().slice(0, 2000);
    if ((text + more).length < 4) {
      if (inFlight) { inFlight.abort(); inFlight = null; }
      lastQuery = "";
      clear();
      return;
    }
    var params = new URLSearchParams({ text: text });
    if (more) { params.set("description", more); }
    var latValue = lat ? String(lat.value).replace(",", ".").trim() : "";
    var lonValue = lon ? String(lon.value).replace(",", ".").trim() : "";
    if (latValue && lonValue && isFinite(latValue) && isFinite(lonValue)) {
      params.set("lat", latValue);
      params.set("lon", lonValue);
    }
    if (box.dataset.exclude) { params.set("exclude", box.dataset.exclude); }
    var query = params.toString();
    if (query === lastQuery) { return; }
    lastQuery = query;
    if (inFlight) { inFlight.abort(); }
    var controller = window.AbortController ? new AbortController() : null;
    inFlight = controller;
    fetch(box.dataset.url + "?" + query, {
      headers: { Accept: "application/json" },
      credentials: "same-origin",
      signal: controller ? controller.signal : undefined,
    })
      .then(function (response) { return response.ok ? response.json() : { ideas: [] }; })
      .then(function (data) {
        if (query !== lastQuery) { return; }
        inFlight = null;
        show(data);
      })
      .catch(function () {
        // Cancelled by a newer search, or the network: a warning that does not come is no harm.
        if (inFlight === controller) { inFlight = null; lastQuery = ""; }
      });
  }

  function later(delay) {
    window.clearTimeout(timer);
    timer = window.setTimeout(search, delay);
  }

  function typing() { later(TYPING_PAUSE_MS); }
  function pinned() { later(PIN_PAUSE_MS); }

  [title, description].forEach(function (input) {
    if (input) { input.addEventListener("input", typing); }
  });
  [lat, lon].forEach(function (input) {
    if (input) { input.addEventListener("input", typing); input.addEventListener("change", pinned); }
  });
  document.addEventListener("pointchange", pinned);

  // Back from signing in: the draft as it was, and the support that was asked for.
  var draft = takeDraft();
  if (draft) {
    restoreDraft(draft);
    var pending = draft.pending;
    if (pending && typeof pending.url === "string" && pending.url.charAt(0) === "/"
        && pending.url.charAt(1) !== "/") {
      var searchAgain = function () { lastQuery = ""; later(0); };  // now with the support
      postSupport(pending.url).then(function (answer) {
        if (answer.ok && answer.data.supported) {
          supported({ title: String(pending.title || "") }, answer, null);
        } else {
          say(problem(answer));
        }
        searchAgain();
      }).catch(function () { say(box.dataset.supportFailed); searchAgain(); });
    } else {
      say(box.dataset.restored);
      later(0);
    }
  } else if (title && title.value) {
    later(0);  // a form shown again (an error, or editing): suggestions at once
  }
}());
