/* While a resident types an idea, list published ideas that read alike and lie close by
 * (GET /api/ideas/similar), in a polite live region. Built with textContent only. */
(function () {
  "use strict";
  var box = document.getElementById("similar-ideas");
  if (!box || !window.fetch) { return; }
  var title = document.getElementById(box.dataset.titleInput);
  var description = document.getElementById(box.dataset.descriptionInput);
  var lat = document.getElementById(box.dataset.latInput);
  var lon = document.getElementById(box.dataset.lonInput);
  var timer = null;
  var lastQuery = "";

  function clear() {
    while (box.firstChild) { box.removeChild(box.firstChild); }
  }

  function show(ideas) {
    clear();
    if (!ideas.length) { return; }
    var heading = document.createElement("p");
    heading.className = "similar-heading";
    heading.textContent = box.dataset.heading || "";
    var list = document.createElement("ul");
    ideas.forEach(function (idea) {
      var item = document.createElement("li");
      var link = document.createElement("a");
      link.href = idea.url;
      link.target = "_blank";
      link.rel = "noopener";
      link.textContent = idea.title;
      item.appendChild(link);
      if (idea.distance_m !== null && idea.distance_m !== undefined) {
        var distance = document.createElement("span");
        distance.className = "muted";
        distance.textContent = " · " + (box.dataset.distance || "{distance}")
          .replace("{distance}", String(idea.distance_m));
        item.appendChild(distance);
      }
      list.appendChild(item);
    });
    box.appendChild(heading);
    box.appendChild(list);
  }

  function search() {
    // The title and the description apart: the title says what the idea is and counts more.
    var text = ((title && title.value) || "").trim().slice(0, 2000);
    var more = ((description && description.value) || "").trim().slice(0, 2000);
    if ((text + more).length < 4) { clear(); return; }
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
    fetch(box.dataset.url + "?" + query, { headers: { Accept: "application/json" }, credentials: "same-origin" })
      .then(function (response) { return response.ok ? response.json() : { ideas: [] }; })
      .then(function (data) { if (query === lastQuery) { show(data.ideas || []); } })
      .catch(function () { /* a warning that does not come is no harm */ });
  }

  function later() {
    window.clearTimeout(timer);
    timer = window.setTimeout(search, 700);
  }

  [title, description, lat, lon].forEach(function (input) {
    if (input) { input.addEventListener("input", later); input.addEventListener("change", later); }
  });
  document.addEventListener("pointchange", later);
}());
