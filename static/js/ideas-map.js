/* The public map: what the view shows, from GET /api/ideas/clusters (the page's filters plus
 * the view's box and zoom). Many ideas come as clusters drawn as labelled circles (a click
 * zooms in on one); a few come one by one, as markers grouped by Leaflet.markercluster so that
 * ideas at one spot spread out. A marker's popup loads its idea from GET /api/ideas/<id>.
 * Requests wait for the map to stop moving, and a newer view cancels an older request.
 * Popups are DOM nodes filled with textContent: a resident's text never becomes HTML.
 * Every marker is named by its idea's title, every cluster by "N ideas" in the page's language
 * (static/js/map-controls.js). */
(function () {
  "use strict";
  var frame = document.querySelector("[data-ideas-map]");
  if (!frame || !window.L || !window.fetch || !window.MyAlmatyMapControls) { return; }
  var map = window[frame.dataset.mapName];
  var status = document.getElementById(frame.dataset.status);
  if (!map) { return; }
  var markers = L.markerClusterGroup({
    chunkedLoading: true,
    showCoverageOnHover: false,
    iconCreateFunction: window.MyAlmatyMapControls.markerClusterIcons(map)
  });
  var clusters = L.layerGroup();
  map.addLayer(clusters);
  map.addLayer(markers);
  var DEBOUNCE_MS = 250;

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

  function fill(box, properties) {
    box.textContent = "";
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
  }

  var getJSON = window.MyAlmatyMapData.getJSON;

  // The popup's node is returned at once and filled when its idea has loaded; Leaflet asks
  // again on update(), and gets the same node.
  function popup(point, marker) {
    if (point.box) { return point.box; }
    var box = point.box = document.createElement("div");
    box.className = "idea-popup";
    box.appendChild(line("idea-popup-meta", frame.dataset.labelLoading || ""));
    getJSON(frame.dataset.ideaApi + "/" + encodeURIComponent(point.id))
      .then(function (feature) { fill(box, feature.properties); })
      .catch(function () {
        box.textContent = "";
        box.appendChild(line("idea-popup-meta", frame.dataset.labelError || ""));
      })
      .then(function () { if (marker.isPopupOpen()) { marker.getPopup().update(); } });
    return box;
  }

  function pointMarker(point) {
    var marker = L.marker([point.point[1], point.point[0]], { title: point.title, alt: point.title });
    marker.bindPopup(function () { return popup(point, marker); });
    return marker;
  }

  function clusterMarker(cluster) {
    var size = cluster.count < 100 ? 36 : cluster.count < 1000 ? 44 : 52;
    var marker = L.marker([cluster.centre[1], cluster.centre[0]], {
      icon: window.MyAlmatyMapControls.clusterIcon(map, cluster.count, "idea-cluster", size),
      keyboard: true
    });
    marker.on("click", function () {
      var b = cluster.bounds;
      var bounds = L.latLngBounds([b[1], b[0]], [b[3], b[2]]);
      var zoom = Math.min(map.getBoundsZoom(bounds), map.getMaxZoom());
      map.setView(bounds.getCenter(), Math.max(zoom, map.getZoom() + 1));
    });
    return marker;
  }

  function draw(view) {
    clusters.clearLayers();
    markers.clearLayers();
    view.clusters.forEach(function (cluster) { clusters.addLayer(clusterMarker(cluster)); });
    markers.addLayers(view.points.map(pointMarker));
    say(view.total ? label("labelCount", view.total) : (frame.dataset.labelEmpty || ""));
    frame.dataset.loaded = String(view.total);
  }

  window.MyAlmatyMapData.followClusters(map, frame.dataset.clusters, draw, function () {
    say(frame.dataset.labelError || "");
    frame.dataset.loaded = "error";
  }, DEBOUNCE_MS);
}());
