/* The public map: published ideas from GET /api/ideas (GeoJSON, the page's filters), as
 * clustered markers. Popups are DOM nodes filled with textContent: a resident's text never
 * becomes HTML. The page itself stays the same size whatever the number of ideas. */
(function () {
  "use strict";
  var frame = document.querySelector("[data-ideas-map]");
  if (!frame || !window.L || !window.fetch) { return; }
  var map = window[frame.dataset.mapName];
  var status = document.getElementById(frame.dataset.status);
  if (!map) { return; }
  var cluster = L.markerClusterGroup({ chunkedLoading: true, showCoverageOnHover: false });
  map.addLayer(cluster);

  function say(text) { if (status) { status.textContent = text; } }

  function label(name, count) {
    return (frame.dataset[name] || "{count}").replace("{count}", String(count));
  }

  function line(className, text) {
    var p = document.createElement("p");
    p.className = className;
    p.textContent = text;
    return p;
  }

  function popup(properties) {
    var box = document.createElement("div");
    box.className = "idea-popup";
    var heading = document.createElement("p");
    heading.className = "idea-popup-title";
    var link = document.createElement("a");
    link.href = properties.url;
    link.textContent = properties.title;
    heading.appendChild(link);
    box.appendChild(heading);
    var where = [properties.category, properties.quarter].filter(Boolean).join(" · ");
    box.appendChild(line("idea-popup-meta", where));
    box.appendChild(line("idea-popup-meta", properties.stage_label || ""));
    box.appendChild(line("idea-popup-counts",
      label("labelSupports", properties.support_count) + " · " +
      label("labelComments", properties.comment_count)));
    return box;
  }

  fetch(frame.dataset.api, { headers: { Accept: "application/geo+json" }, credentials: "same-origin" })
    .then(function (response) {
      if (!response.ok) { throw new Error(String(response.status)); }
      return response.json();
    })
    .then(function (collection) {
      var markers = (collection.features || []).map(function (feature) {
        var coordinates = feature.geometry.coordinates;  // RFC 7946: [lon, lat]
        var marker = L.marker([coordinates[1], coordinates[0]], {
          title: feature.properties.title,
          alt: feature.properties.title
        });
        marker.bindPopup(function () { return popup(feature.properties); });
        return marker;
      });
      cluster.addLayers(markers);
      say(markers.length ? label("labelCount", markers.length) : (frame.dataset.labelEmpty || ""));
      frame.dataset.loaded = String(markers.length);
    })
    .catch(function () {
      say(frame.dataset.labelError || "");
      frame.dataset.loaded = "error";
    });
}());
