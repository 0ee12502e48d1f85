// Markers, popups and the list of the offline map, built from the embedded JSON with
// textContent only: nothing a resident wrote is ever parsed as HTML.
(function () {
  "use strict";
  var config = JSON.parse(document.getElementById("offline-map-config").textContent);
  var ideas = JSON.parse(document.getElementById("offline-map-ideas").textContent);
  var labels = config.labels;
  var map = window[config.map];
  var cluster = window[config.cluster];

  // The tiles embedded in this file (data: URIs by "z/x/y"): the layer asks them, not a host.
  if (config.tiles) {
    var tiles = JSON.parse(document.getElementById("offline-map-tiles").textContent);
    var layer = window[config.tiles.layer];
    var blank = layer._url;
    layer.getTileUrl = function (coords) {
      var z = this._getZoomForUrl();
      return tiles[z + "/" + coords.x + "/" + coords.y] || blank;
    };
    layer.redraw();
  }

  function add(parent, tag, text, className) {
    var element = document.createElement(tag);
    if (text !== undefined && text !== null) { element.textContent = String(text); }
    if (className) { element.className = className; }
    parent.appendChild(element);
    return element;
  }

  function labelled(parent, label, value) {
    if (value === "" || value === null || value === undefined) { return; }
    var line = add(parent, "p");
    add(line, "strong", label + ": ");
    add(line, "span", value);
  }

  function popupFor(idea) {
    var box = document.createElement("div");
    box.className = "idea-popup";
    add(box, "h3", idea.title);
    add(box, "p", idea.ref + " · " + idea.published, "muted");
    labelled(box, labels.stage, idea.stage_label);
    labelled(box, labels.category, idea.category);
    labelled(box, labels.quarter, idea.quarter);
    labelled(box, labels.group, idea.group);
    labelled(box, labels.recommendations, idea.recommendations.join("; "));
    add(box, "p", idea.description);
    labelled(box, labels.first_step, idea.first_step);
    labelled(box, labels.answer, idea.answer);
    add(box, "p", labels.supports + ": " + idea.supports + " · " + labels.comments + ": " + idea.comments, "muted");
    if (/^https?:\/\//.test(idea.link)) {
      var link = add(box, "a", labels.link);
      link.href = idea.link;
      link.rel = "noopener";
    }
    return box;
  }

  var knownStages = {};
  Array.prototype.forEach.call(document.querySelectorAll(".legend .swatch"), function (swatch) {
    knownStages[swatch.className.replace(/^.*stage-/, "")] = true;
  });

  var list = document.getElementById("idea-list");
  var markers = ideas.map(function (idea) {
    var stage = knownStages[idea.stage] ? idea.stage : "new";
    var marker = L.marker([idea.lat, idea.lon], {
      icon: L.divIcon({ className: "idea-pin stage-" + stage, iconSize: [16, 16] }),
      title: idea.title,
      alt: idea.title,
      keyboard: true
    });
    marker.bindPopup(function () { return popupFor(idea); }, { maxWidth: 320 });

    var item = add(list, "li");
    add(item, "strong", idea.title);
    add(item, "span", " · " + [idea.ref, idea.quarter, idea.stage_label].filter(Boolean).join(" · "), "muted");
    item.appendChild(document.createTextNode(" "));
    var show = add(item, "button", labels.show);
    show.type = "button";
    show.addEventListener("click", function () {
      map.getContainer().scrollIntoView();
      cluster.zoomToShowLayer(marker, function () { marker.openPopup(); });
    });
    return marker;
  });

  // Clusters say "21 ideas" in the file's language, as on the live map.
  if (window.MyAlmatyMapControls) {
    cluster.options.iconCreateFunction = window.MyAlmatyMapControls.markerClusterIcons(map);
  }
  cluster.addLayers(markers);
  document.getElementById("idea-count").textContent = String(markers.length);
  if (markers.length) {
    // No animation: a "Show on the map" click must not race the opening zoom.
    map.fitBounds(cluster.getBounds(), { padding: [24, 24], maxZoom: 16, animate: false });
  }
}());
